/* test_pool.c - max- and average-pooling: by hand, forward against a double
 * oracle and backward against its central differences, and the vector
 * max-pooling against the reference, bit for bit (argmax included, ties too). */
#include "cl_pool.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

static void test_maxpool_by_hand(void **state)
{
    (void)state;
    /* one 4 x 5 plane, k = 2: the last column has no whole window */
    const float x[20] = {1, 5, 2, 2, 9,  3, 4, 2, 8, 9,  -1, -2, 0, 0, 9,  -3, -4, 0, 7, 9};
    float y[4], dx[20];
    int32_t am[4];
    cl_maxpool_forward(x, 1, 1, 4, 5, 2, y, am);
    const float want[4] = {5, 8, -1, 7};
    assert_close_f32(y, want, 4, 0, 0);
    assert_int_equal(am[0], 1);
    assert_int_equal(am[1], 8);
    assert_int_equal(am[2], 10);
    assert_int_equal(am[3], 18);
    const float dy[4] = {1, 2, 3, 4};
    cl_maxpool_backward(dy, am, 1, 1, 4, 5, 2, dx);
    float wdx[20] = {0};
    wdx[1] = 1, wdx[8] = 2, wdx[10] = 3, wdx[18] = 4;
    assert_close_f32(dx, wdx, 20, 0, 0);
    /* ties: the first in row-major order wins */
    const float t[4] = {0, 0, 0, -1};
    cl_maxpool_forward(t, 1, 1, 2, 2, 2, y, am);
    assert_int_equal(am[0], 0);
}

static void test_avgpool_by_hand(void **state)
{
    (void)state;
    const float x[2 * 9] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 4, 0, 8, 0, 0, 0, 0, 0};
    float y[2], dx[18];
    cl_avgpool_forward(x, 2, 1, 3, 3, 2, y);
    const float want[2] = {3, 3};
    assert_close_f32(y, want, 2, 0, 0);
    const float dy[2] = {4, -8};
    cl_avgpool_backward(dy, 2, 1, 3, 3, 2, dx);
    const float wdx[18] = {1, 1, 0, 1, 1, 0, 0, 0, 0, -2, -2, 0, -2, -2, 0, 0, 0, 0};
    assert_close_f32(dx, wdx, 18, 0, 0);
}

/* L = sum(pool(x) * r): gradients by central differences in double */
static double pool_loss(int max, const double *x, int b, int c, int h, int w, int k,
                        const float *r)
{
    const int oh = h / k, ow = w / k;
    double loss = 0.0;
    for (int pl = 0; pl < b * c; pl++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                double acc = max ? -INFINITY : 0.0;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) {
                        double e = x[((size_t)pl * h + i * k + u) * w + j * k + v];
                        acc = max ? (e > acc ? e : acc) : acc + e;
                    }
                if (!max) acc /= k * k;
                loss += acc * r[((size_t)pl * oh + i) * ow + j];
            }
    return loss;
}

typedef struct pool_case {
    int max;
    const double *x;
    int b, c, h, w, k;
    const float *r;
} pool_case;

static double pool_loss_of(const void *ctx)
{
    const pool_case *q = ctx;
    return pool_loss(q->max, q->x, q->b, q->c, q->h, q->w, q->k, q->r);
}

static void test_pool_gradients(void **state)
{
    (void)state;
    uint32_t seed = 23;
    static const int dims[][5] = {{2, 3, 7, 6, 2}, {1, 2, 9, 9, 3}, {2, 1, 4, 5, 1}, {1, 1, 8, 11, 4}};
    for (int max = 0; max <= 1; max++)
        for (size_t q = 0; q < sizeof dims / sizeof dims[0]; q++) {
            const int b = dims[q][0], c = dims[q][1], h = dims[q][2], w = dims[q][3], k = dims[q][4];
            const size_t nx = (size_t)b * c * h * w, ny = (size_t)b * c * (h / k) * (w / k);
            float *x = t_floats(nx, &seed, -1, 1), *r = t_floats(ny, &seed, -1, 1), *y = malloc(sizeof(float) * ny);
            float *dx = t_floats(nx, &seed, 3, 4), *g = malloc(sizeof(float) * nx);
            int32_t *am = malloc(sizeof(int32_t) * ny);
            double *xd = t_doubles(x, nx);
            if (max) {
                cl_maxpool_forward(x, b, c, h, w, k, y, am);
                cl_maxpool_backward(r, am, b, c, h, w, k, dx);
            } else {
                cl_avgpool_forward(x, b, c, h, w, k, y);
                cl_avgpool_backward(r, b, c, h, w, k, dx);
            }
            /* forward against the double loss with one-hot r */
            float *onehot = calloc(ny, sizeof(float)), *want = malloc(sizeof(float) * ny);
            for (size_t i = 0; i < ny; i++) {
                onehot[i] = 1;
                want[i] = (float)pool_loss(max, xd, b, c, h, w, k, onehot);
                onehot[i] = 0;
            }
            assert_close_f32(y, want, ny, 2 * FLT_EPSILON, 0);
            /* steps smaller than the gap between window values (random data has no ties) */
            const pool_case pc = {max, xd, b, c, h, w, k, r};
            t_central_diff(xd, nx, 1e-6, pool_loss_of, &pc, g);
            assert_close_f32(dx, g, nx, 1e-5, 1e-6);
            free(x), free(r), free(y), free(dx), free(g), free(am), free(xd), free(onehot), free(want);
        }
}

/* the 2 x 2 vector kernel, the vector backward pass (any k) and the dispatch against the references */
static void test_maxpool_simd_against_ref(void **state)
{
    (void)state;
    uint32_t seed = 29;
    for (int k = 1; k <= 4; k++)
        for (int h = k; h <= k + 3; h++)
            for (int w = k; w <= 2 * 9 + 3; w += 1 + (w > 12)) {
                const int b = 2, c = 3;
                const size_t nx = (size_t)b * c * h * w, ny = (size_t)b * c * (h / k) * (w / k);
                float *x = t_floats(nx, &seed, -1, 1);
                /* ties: round half the values to a coarse grid */
                for (size_t i = 0; i < nx; i += 2) x[i] = roundf(x[i]);
                float *y = t_floats(ny, &seed, 0, 1), *y_ref = t_floats(ny, &seed, 0, 1);
                float *dy = t_floats(ny, &seed, -1, 1);
                float *dx = t_floats(nx, &seed, 5, 6), *dx_ref = t_floats(nx, &seed, 5, 6);
                int32_t *am = malloc(sizeof(int32_t) * ny), *am_ref = malloc(sizeof(int32_t) * ny);
                cl_f32_maxpool_forward_ref(x, b, c, h, w, k, y_ref, am_ref);
                if (k == 2) {
                    cl_f32_maxpool2x2_forward_wasmsimd(x, b, c, h, w, y, am);
                    assert_close_f32(y, y_ref, ny, 0, 0);
                    for (size_t i = 0; i < ny; i++) assert_int_equal(am[i], am_ref[i]);
                }
                cl_maxpool_forward(x, b, c, h, w, k, y, am);
                assert_close_f32(y, y_ref, ny, 0, 0);
                for (size_t i = 0; i < ny; i++) assert_int_equal(am[i], am_ref[i]);
                cl_f32_maxpool_backward_ref(dy, am_ref, b, c, h, w, k, dx_ref);
                cl_f32_maxpool_backward_wasmsimd(dy, am_ref, b, c, h, w, k, dx);
                assert_close_f32(dx, dx_ref, nx, 0, 0);
                cl_maxpool_backward(dy, am, b, c, h, w, k, dx);
                assert_close_f32(dx, dx_ref, nx, 0, 0);
                free(x), free(y), free(y_ref), free(dy), free(dx), free(dx_ref), free(am), free(am_ref);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxpool_by_hand),
        cmocka_unit_test(test_avgpool_by_hand),
        cmocka_unit_test(test_pool_gradients),
        cmocka_unit_test(test_maxpool_simd_against_ref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
