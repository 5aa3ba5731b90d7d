/* test_activation.c - relu, sigmoid, tanh and softmax: the forward passes
 * against double precision, the backward passes (written from y) against
 * central differences of L = sum(f(x) * r) in double, and softmax on logits
 * large enough to overflow a naive exponential.
 * Tolerances: the float functions are within a few ulps of the double ones
 * (rtol 1e-6); the gradients come from float y, so within 1e-5 relative of
 * the differences (step 1e-5, error ~1e-10). */
#include "cl_activation.h"
#include "cl_test.h"

#include <float.h>

enum { RELU, SIGMOID, TANH, NKINDS };

static double f_d(int kind, double x)
{
    return kind == RELU ? (x > 0 ? x : 0) : kind == SIGMOID ? 1 / (1 + exp(-x)) : tanh(x);
}

static void forward(int kind, const float *x, float *y, size_t n)
{
    if (kind == RELU) cl_relu_forward(x, y, n);
    else if (kind == SIGMOID) cl_sigmoid_forward(x, y, n);
    else cl_tanh_forward(x, y, n);
}

static void backward(int kind, const float *y, const float *dy, float *dx, size_t n)
{
    if (kind == RELU) cl_relu_backward(y, dy, dx, n);
    else if (kind == SIGMOID) cl_sigmoid_backward(y, dy, dx, n);
    else cl_tanh_backward(y, dy, dx, n);
}

static void test_elementwise(void **state)
{
    (void)state;
    enum { N = 37 };
    uint32_t seed = 3;
    for (int kind = 0; kind < NKINDS; kind++) {
        float x[N], y[N], want[N], r[N], dx[N], g[N];
        for (int i = 0; i < N; i++) {
            x[i] = t_uniform(&seed, -4, 4);
            if (fabsf(x[i]) < 1e-3f) x[i] = 0.5f; /* relu's kink: no difference quotient there */
            r[i] = t_uniform(&seed, -1, 1);
            want[i] = (float)f_d(kind, x[i]);
        }
        forward(kind, x, y, N);
        assert_close_f32(y, want, N, 1e-6, 1e-7);
        backward(kind, y, r, dx, N);
        const double h = 1e-5;
        for (int i = 0; i < N; i++)
            g[i] = (float)((f_d(kind, x[i] + h) - f_d(kind, x[i] - h)) / (2 * h) * r[i]);
        assert_close_f32(dx, g, N, 1e-5, 1e-6);
    }
    /* relu by hand, its gradient 0 at 0 */
    const float x[4] = {-1, 0, 2, -0.0f}, dy[4] = {5, 6, 7, 8};
    float y[4], dx[4];
    cl_relu_forward(x, y, 4);
    cl_relu_backward(y, dy, dx, 4);
    const float wy[4] = {0, 0, 2, 0}, wdx[4] = {0, 0, 7, 0};
    assert_close_f32(y, wy, 4, 0, 0);
    assert_close_f32(dx, wdx, 4, 0, 0);
}

/* L = sum_r sum_j softmax(x_r)_j w_rj in double */
static double softmax_loss(const double *x, const float *w, int b, int k)
{
    double loss = 0.0;
    for (int r = 0; r < b; r++) {
        const double *xr = x + (size_t)r * k;
        double mx = xr[0], s = 0.0;
        for (int j = 1; j < k; j++) mx = xr[j] > mx ? xr[j] : mx;
        for (int j = 0; j < k; j++) s += exp(xr[j] - mx);
        for (int j = 0; j < k; j++) loss += exp(xr[j] - mx) / s * w[(size_t)r * k + j];
    }
    return loss;
}

typedef struct softmax_case {
    const double *x;
    const float *w;
    int b, k;
} softmax_case;

static double softmax_loss_of(const void *ctx)
{
    const softmax_case *q = ctx;
    return softmax_loss(q->x, q->w, q->b, q->k);
}

static void test_softmax(void **state)
{
    (void)state;
    uint32_t seed = 5;
    static const int ks[] = {2, 5, 10};
    for (size_t q = 0; q < sizeof ks / sizeof ks[0]; q++) {
        const int b = 3, k = ks[q];
        const size_t n = (size_t)b * k;
        float *x = t_floats(n, &seed, -5, 5), *w = t_floats(n, &seed, -1, 1), *y = t_floats(n, &seed, 0, 1);
        float *dx = t_floats(n, &seed, 0, 1), *g = t_floats(n, &seed, 0, 1), *want = t_floats(n, &seed, 0, 1);
        double *xd = t_doubles(x, n);
        cl_softmax_forward(x, y, b, (size_t)k);
        for (int r = 0; r < b; r++) {
            double s = 0.0, mx = xd[(size_t)r * k];
            for (int j = 1; j < k; j++) mx = fmax(mx, xd[(size_t)r * k + j]);
            for (int j = 0; j < k; j++) s += exp(xd[(size_t)r * k + j] - mx);
            float sum = 0.0f;
            for (int j = 0; j < k; j++) {
                want[(size_t)r * k + j] = (float)(exp(xd[(size_t)r * k + j] - mx) / s);
                sum += y[(size_t)r * k + j];
            }
            assert_true(fabsf(sum - 1.0f) <= 4 * k * FLT_EPSILON);
        }
        assert_close_f32(y, want, n, 1e-5, 1e-7);
        cl_softmax_backward(y, w, dx, b, (size_t)k);
        const softmax_case sc = {xd, w, b, k};
        t_central_diff(xd, n, 1e-5, softmax_loss_of, &sc, g);
        assert_close_f32(dx, g, n, 1e-4, 1e-6);
        free(x), free(w), free(y), free(dx), free(g), free(want), free(xd);
    }
    /* logits far beyond expf's range: no overflow, no NaN */
    const float big[3] = {1000, -1000, 999};
    float p[3];
    cl_softmax_forward(big, p, 1, 3);
    const float e1 = expf(-1.0f), want[3] = {1 / (1 + e1), 0, e1 / (1 + e1)};
    assert_close_f32(p, want, 3, 1e-6, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elementwise),
        cmocka_unit_test(test_softmax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
