/* bench-native: convolution speed of the native build (SIMD kernels through
 * SIMDe, and the scalar kernel), on the class's photo shape: 1050 x 700 RGB,
 * RGBA bytes in and out. Prints one JSON object per line.
 *
 *   build/native/bench-native [runs]
 */
#define _POSIX_C_SOURCE 199309L
#include "cl_conv.h"
#include "cl_filter.h"
#include "cl_image.h"
#include "cl_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}


enum { H = 700, W = 1050 };

/* The native peak: cl_f32x4_muladd_peak_wasmsimd's loop (six chains of 4-lane
 * multiplications, six of additions, 96 flops a round) in GCC's own vector
 * type. Through SIMDe, GCC keeps those vectors in memory across the loop and
 * reaches half of this; clang compiles both to the same code. */
typedef float v4f __attribute__((vector_size(16)));
__attribute__((noinline)) static float muladd_peak_native(int n, float seed)
{
    const v4f m = {1.00000012f, 1.00000012f, 1.00000012f, 1.00000012f}, c = {1, 1, 1, 1};
    v4f x0 = c * seed, x1 = x0 + c, x2 = x1 + c, x3 = x2 + c, x4 = x3 + c, x5 = x4 + c;
    v4f a0 = x0, a1 = x1, a2 = x2, a3 = x3, a4 = x4, a5 = x5;
    for (int i = 0; i < n; i++)
        for (int u = 0; u < 2; u++) {
            x0 *= m; a0 += c; x1 *= m; a1 += c; x2 *= m; a2 += c;
            x3 *= m; a3 += c; x4 *= m; a4 += c; x5 *= m; a5 += c;
        }
    v4f s = x0 + x1 + x2 + x3 + x4 + x5 + a0 + a1 + a2 + a3 + a4 + a5;
    return s[0];
}

static void report(const char *name, double *t, int runs)
{
    qsort(t, runs, sizeof *t, cmp_double);
    printf("{\"bench\":\"%s\",\"unit\":\"ms\",\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"runs\":%d}\n",
           name, t[runs / 2], t[0], t[runs - 1], runs);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 25;
    if (runs < 3 || runs > 10000) runs = 25;
    size_t n = (size_t)H * W;
    uint8_t *rgba = malloc(n * 4), *out = malloc(n * 4);
    float *x = malloc(n * 3 * sizeof(float)), *z = malloc(n * 3 * sizeof(float));
    double *t = malloc(sizeof(double) * runs);
    uint32_t s = 1;
    for (size_t i = 0; i < n * 4; i++) {
        s = s * 1664525u + 1013904223u;
        rgba[i] = (uint8_t)(s >> 24);
    }
    static const int ks[] = {3, 7, 15};
    float k[3 * 15 * 15];
    for (int ki = 0; ki < 3; ki++) {
        int kk = ks[ki];
        cl_kernel_preset(CL_KERNEL_GAUSSIAN, kk, kk, kk / 4.0f, k);
        /* the sum mode takes a kernel per channel: the same Gaussian, a third of it each */
        for (int i = 0; i < kk * kk; i++) k[i] /= 3.0f;
        memcpy(k + kk * kk, k, sizeof(float) * kk * kk);
        memcpy(k + 2 * kk * kk, k, sizeof(float) * kk * kk);
        char name[96];
        /* the engine's one call, bytes in and bytes out, keeping no float planes */
        const cl_filter_params fp = {.rgba = rgba, .h = H, .w = W, .mode = CL_FILTER_PER_CHANNEL,
                                     .wt = k, .kc = 1, .k1 = kk, .k2 = kk, .pad = CL_PAD_ZERO,
                                     .stride = 1, .display = CL_DISPLAY_CLAMP, .out = out,
                                     .oh = H, .ow = W};
        for (int r = -2; r < runs; r++) {
            double t0 = now_ms();
            cl_filter_rgba(&fp);
            if (r >= 0) t[r] = now_ms() - t0;
        }
        snprintf(name, sizeof name, "native simd cl_filter_rgba conv%dx%d per-channel 1050x700", kk, kk);
        report(name, t, runs);
        /* the same work in three calls: bytes in, per-channel convolution, bytes out */
        for (int r = -2; r < runs; r++) {
            double t0 = now_ms();
            cl_image_from_u8(rgba, H, W, 4, 0, x);
            cl_conv2d_per_channel(x, 3, H, W, k, 1, kk, kk, CL_PAD_ZERO, 1, z, H, W);
            cl_image_to_rgba(z, 3, H, W, CL_DISPLAY_CLAMP, out);
            if (r >= 0) t[r] = now_ms() - t0;
        }
        snprintf(name, sizeof name, "native simd rgba->conv%dx%d per-channel->rgba 1050x700", kk, kk);
        report(name, t, runs);
        for (int r = -2; r < runs; r++) {
            double t0 = now_ms();
            cl_image_from_u8(rgba, H, W, 4, 0, x);
            cl_conv2d_sum(x, 3, H, W, k, kk, kk, 0.0f, CL_PAD_ZERO, 1, z, H, W);
            cl_image_to_rgba(z, 1, H, W, CL_DISPLAY_CLAMP, out);
            if (r >= 0) t[r] = now_ms() - t0;
        }
        snprintf(name, sizeof name, "native simd rgba->conv%dx%d sum 3->1->rgba 1050x700", kk, kk);
        report(name, t, runs);
        /* kernels alone, three planes */
        const cl_plane_fn fns[3] = {cl_f32_conv2d_plane_wasmsimd, cl_f32_conv2d_plane_scalar,
                                 cl_f32_conv2d_plane_ref};
        const char *fnames[3] = {"simd", "scalar", "ref"};
        for (int f = 0; f < 3; f++) {
            int rr = f == 2 ? 3 : runs;
            for (int r = -1; r < rr; r++) {
                double t0 = now_ms();
                for (int c = 0; c < 3; c++) {
                    const cl_plane_job job = {x + c * n, H, W, H, k, kk, kk, CL_PAD_ZERO, 1, 0, 0.0f,
                                              z + c * n, H, W, 0, 0, H};
                    fns[f](&job);
                }
                if (r >= 0) t[r] = now_ms() - t0;
            }
            snprintf(name, sizeof name, "native %s kernel conv%dx%d x3 planes 1050x700", fnames[f], kk, kk);
            report(name, t, rr);
        }
    }
    /* The vector peak (muladd_peak_native, 96 flops a round) and the
     * per-channel convolution on float planes, in alternate rounds, the best
     * round of each: other work on the machine only ever slows a round. A
     * convolution output counts K1*K2 multiplications and K1*K2 - 1 additions. */
    for (size_t i = 0; i < n * 3; i++) x[i] = (float)(rgba[i] & 0xff);
    /* the memory floor: a copy of the planes moves what a convolution must read and write */
    double best_copy = 1e30;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms();
        memcpy(z, x, n * 3 * sizeof(float));
        double t1 = now_ms();
        if (t1 - t0 < best_copy) best_copy = t1 - t0;
    }
    printf("{\"bench\":\"native memcpy of the 3 float planes 1050x700x3\",\"ms\":%.3f,\"gbps\":%.1f,"
           "\"runs\":%d}\n", best_copy, 24.0 * n / (best_copy * 1e6), runs);
    static const int ks4[] = {3, 5, 7, 15};
    enum { PEAK_ROUNDS = 200000 };
    for (int ki = 0; ki < 4; ki++) {
        int kk = ks4[ki];
        cl_kernel_preset(CL_KERNEL_GAUSSIAN, kk, kk, kk / 4.0f, k);
        double best_peak = 1e30, best_conv = 1e30;
        volatile float sink = 0;
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            sink += muladd_peak_native(PEAK_ROUNDS, (float)(r & 1));
            double t1 = now_ms();
            cl_conv2d_per_channel(x, 3, H, W, k, 1, kk, kk, CL_PAD_ZERO, 1, z, H, W);
            double t2 = now_ms();
            if (t1 - t0 < best_peak) best_peak = t1 - t0;
            if (t2 - t1 < best_conv) best_conv = t2 - t1;
        }
        double peak = 96.0 * PEAK_ROUNDS / (best_peak * 1e6);
        double gflops = 3.0 * n * (2 * kk * kk - 1) / (best_conv * 1e6);
        printf("{\"bench\":\"native simd cl_conv2d_per_channel conv%dx%d float planes 1050x700x3\","
               "\"ms\":%.3f,\"gflops\":%.2f,\"peak_gflops\":%.2f,\"share_of_peak\":%.3f,\"runs\":%d}\n",
               kk, kk, best_conv, gflops, peak, gflops / peak, runs);
    }
    free(rgba); free(out); free(x); free(z); free(t);
    return 0;
}
