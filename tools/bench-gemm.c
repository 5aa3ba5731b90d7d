/* bench-gemm.c - native speed of the network kernels, one JSON line per case.
 *
 *   build/native/bench-gemm [--quick]
 *
 * GEMM: each form (NT forward, NN dX, TN dW with beta 1) at the MLP's training
 * shapes (batch 32) and at 512^3, for the scalar and the SIMD kernel:
 *   {"kernel":"gemm","impl":"wasmsimd","ta":0,"tb":1,"m":32,"n":128,"k":784,
 *    "ms":0.21,"gflops":31.2}
 * Conv layers of the reference CNN at batch 32 (forward, backward with and
 * without dx), and the per-epoch cost (1875 batches) of the conv kernels. */
#define _POSIX_C_SOURCE 199309L
#include "cl_gemm.h"
#include "cl_conv_layer.h"
#include "cl_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* steadier than wall time on a shared machine */
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static float *buf(size_t n)
{
    float *p = cl_alloc(sizeof(float) * n);
    if (!p) {
        fprintf(stderr, "bench-gemm: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    return p;
}

typedef void (*gemm_fn)(int, int, int, int, int, const float *, int, const float *, int, float,
                        float *, int);

/* Median-free but steady: repeat until ~0.2 s, keep the best of 5 rounds. */
static double time_gemm(gemm_fn fn, int ta, int tb, int m, int n, int k, float beta, double budget)
{
    float *a = buf((size_t)m * k), *b = buf((size_t)k * n), *c = buf((size_t)m * n);
    const int lda = ta ? m : k, ldb = tb ? k : n;
    double best = 1e30;
    for (int round = 0; round < 5; round++) {
        int reps = 0;
        double t0 = now(), t;
        do {
            fn(ta, tb, m, n, k, a, lda, b, ldb, beta, c, n);
            reps++;
        } while ((t = now() - t0) < budget / 5);
        if (t / reps < best) best = t / reps;
    }
    cl_free(a), cl_free(b), cl_free(c);
    return best;
}

static void bench_gemm(int quick)
{
    static const int shapes[][6] = {
        /* ta tb m n k beta */
        {0, 1, 32, 128, 784, 0}, {0, 0, 32, 784, 128, 0}, {1, 0, 128, 784, 32, 1},
        {0, 1, 32, 10, 128, 0},  {0, 0, 32, 128, 10, 0},  {1, 0, 10, 128, 32, 1},
        {0, 1, 512, 512, 512, 0}, {0, 0, 512, 512, 512, 0}, {1, 0, 512, 512, 512, 1},
    };
    static const struct {
        const char *name;
        gemm_fn fn;
    } impls[] = {{"scalar", cl_f32_gemm_scalar},
                 /* the SIMD build's cl_gemm: the 4 x 8 tiles, or the dot kernel for few columns */
                 {"wasmsimd", cl_gemm}};
    for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++)
        for (size_t q = 0; q < sizeof shapes / sizeof shapes[0]; q++) {
            const int *s = shapes[q];
            double t = time_gemm(impls[i].fn, s[0], s[1], s[2], s[3], s[4], (float)s[5],
                                 quick ? 0.05 : 0.25);
            double gf = 2.0 * s[2] * s[3] * s[4] / t * 1e-9;
            printf("{\"kernel\":\"gemm\",\"impl\":\"%s\",\"ta\":%d,\"tb\":%d,\"m\":%d,\"n\":%d,"
                   "\"k\":%d,\"ms\":%.4f,\"gflops\":%.2f}\n",
                   impls[i].name, s[0], s[1], s[2], s[3], s[4], t * 1e3, gf);
            fflush(stdout);
        }
}

/* one conv layer of the CNN at batch 32: forward, backward (dx or not) */
static void bench_conv(const char *name, cl_conv_shape s, int want_dx, int quick, double *epoch)
{
    if (cl_conv_shape_init(&s) != CL_OK) {
        fprintf(stderr, "bench-gemm: bad shape %s\n", name);
        exit(1);
    }
    const size_t nx = (size_t)s.b * s.c * s.h * s.w, ny = (size_t)s.b * s.oc * s.oh * s.ow,
                 nw = (size_t)s.oc * s.c * s.kh * s.kw;
    float *x = buf(nx), *w = buf(nw), *bias = buf(s.oc), *y = buf(ny), *dy = buf(ny),
          *dx = buf(nx), *dw = buf(nw), *db = buf(s.oc), *work = buf(cl_conv_layer_workspace(&s) + 1);
    const double budget = quick ? 0.05 : 0.3;
    double tf = 1e30, tb = 1e30;
    for (int round = 0; round < 3; round++) {
        int reps = 0;
        double t0 = now(), t;
        do {
            cl_conv_layer_forward(&s, x, w, bias, y, work);
            reps++;
        } while ((t = now() - t0) < budget / 3);
        if (t / reps < tf) tf = t / reps;
        reps = 0;
        t0 = now();
        do {
            cl_conv_layer_backward(&s, x, w, dy, want_dx ? dx : NULL, dw, db, work);
            reps++;
        } while ((t = now() - t0) < budget / 3);
        if (t / reps < tb) tb = t / reps;
    }
    const double flop_f = 2.0 * ny * s.c * s.kh * s.kw;
    const double flop_b = flop_f * (want_dx ? 2 : 1);
    printf("{\"kernel\":\"conv\",\"layer\":\"%s\",\"b\":%d,\"c\":%d,\"h\":%d,\"w\":%d,\"oc\":%d,"
           "\"k\":%d,\"pad\":%d,\"dx\":%d,\"fwd_ms\":%.4f,\"bwd_ms\":%.4f,\"fwd_gflops\":%.2f,"
           "\"bwd_gflops\":%.2f}\n",
           name, s.b, s.c, s.h, s.w, s.oc, s.kh, s.pad, want_dx, tf * 1e3, tb * 1e3,
           flop_f / tf * 1e-9, flop_b / tb * 1e-9);
    fflush(stdout);
    *epoch += (tf + tb) * 1875;
    cl_free(x), cl_free(w), cl_free(bias), cl_free(y), cl_free(dy), cl_free(dx), cl_free(dw);
    cl_free(db), cl_free(work);
}

static void bench_pool(int quick, double *epoch)
{
    const int b = 32, c = 8, h = 26, w = 26, k = 2;
    const size_t nx = (size_t)b * c * h * w, ny = (size_t)b * c * (h / k) * (w / k);
    float *x = buf(nx), *y = buf(ny), *dx = buf(nx);
    int32_t *am = cl_alloc(sizeof(int32_t) * ny);
    const double budget = quick ? 0.03 : 0.2;
    int reps = 0;
    double t0 = now(), t;
    do {
        cl_maxpool_forward(x, b, c, h, w, k, y, am);
        cl_maxpool_backward(y, am, b, c, h, w, k, dx);
        reps++;
    } while ((t = now() - t0) < budget);
    printf("{\"kernel\":\"maxpool\",\"b\":%d,\"c\":%d,\"h\":%d,\"w\":%d,\"k\":%d,"
           "\"fwd_bwd_ms\":%.4f}\n", b, c, h, w, k, t / reps * 1e3);
    *epoch += t / reps * 1875;
    cl_free(x), cl_free(y), cl_free(dx), cl_free(am);
}

int main(int argc, char **argv)
{
    const int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    bench_gemm(quick);
    double epoch = 0.0;
    /* conv3x3x8 on 28x28x1 (no dx: first layer), conv3x3x16 on the pooled maps */
    bench_conv("conv1", (cl_conv_shape){32, 1, 28, 28, 8, 3, 3, 0, 1, 0, 0}, 0, quick, &epoch);
    bench_conv("conv2", (cl_conv_shape){32, 8, 13, 13, 16, 3, 3, 0, 1, 0, 0}, 1, quick, &epoch);
    bench_pool(quick, &epoch);
    printf("{\"kernel\":\"cnn_conv_epoch\",\"pad\":0,\"seconds\":%.3f}\n", epoch);
    double epoch1 = 0.0;
    bench_conv("conv1", (cl_conv_shape){32, 1, 28, 28, 8, 3, 3, 1, 1, 0, 0}, 0, quick, &epoch1);
    bench_conv("conv2", (cl_conv_shape){32, 8, 14, 14, 16, 3, 3, 1, 1, 0, 0}, 1, quick, &epoch1);
    printf("{\"kernel\":\"cnn_conv_epoch\",\"pad\":1,\"seconds\":%.3f}\n", epoch1);
    return 0;
}
