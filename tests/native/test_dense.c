/* test_dense.c - the dense layer: the forward pass against a double-precision
 * product, the backward pass against central differences of L = sum(y * r)
 * in double for a random r (L is linear in x, W and b, so the differences are
 * exact up to double rounding); dw and db accumulate, dx is optional. Sizes
 * around the GEMM's 4 x 8 tile.
 * Tolerances: a float sum of n terms of magnitude <= 1 is off by about
 * n eps at most; we allow 4 n eps (plus 1e-6 for the differences). */
#include "cl_dense.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

/* L = sum over examples e and outputs o of y[e][o] r[e][o], y = x W^T + b, in double */
static double loss_d(const double *x, const double *w, const double *b, const float *r, int bt,
                     int in, int out)
{
    double loss = 0.0;
    for (int e = 0; e < bt; e++)
        for (int o = 0; o < out; o++) {
            double y = b[o];
            for (int j = 0; j < in; j++) y += w[(size_t)o * in + j] * x[(size_t)e * in + j];
            loss += y * r[(size_t)e * out + o];
        }
    return loss;
}

typedef struct dense_case {
    const double *x, *w, *b;
    const float *r;
    int bt, in, out;
} dense_case;

static double dense_loss(const void *ctx)
{
    const dense_case *q = ctx;
    return loss_d(q->x, q->w, q->b, q->r, q->bt, q->in, q->out);
}

static void check(int bt, int in, int out, uint32_t *seed)
{
    const size_t nx = (size_t)bt * in, nw = (size_t)out * in, ny = (size_t)bt * out;
    float *x = t_floats(nx, seed, -1, 1), *w = t_floats(nw, seed, -1, 1), *b = t_floats(out, seed, -1, 1);
    float *r = t_floats(ny, seed, -1, 1), *y = t_floats(ny, seed, 5, 6), *want = t_floats(ny, seed, 0, 1);
    double *xd = t_doubles(x, nx), *wd = t_doubles(w, nw), *bd = t_doubles(b, out);

    /* forward: y[i] is L with r the one-hot vector e_i */
    cl_dense_forward(x, w, b, y, bt, in, out);
    float *onehot = calloc(ny, sizeof(float));
    for (size_t i = 0; i < ny; i++) {
        onehot[i] = 1.0f;
        want[i] = (float)loss_d(xd, wd, bd, onehot, bt, in, out);
        onehot[i] = 0.0f;
    }
    assert_close_f32(y, want, ny, 0, 4.0 * (in + 1) * FLT_EPSILON);

    /* backward onto non-zero dw, db: they must add to them */
    float *dw0 = t_floats(nw, seed, -1, 1), *db0 = t_floats(out, seed, -1, 1);
    float *dw = malloc(sizeof(float) * nw), *db = malloc(sizeof(float) * out);
    float *dx = t_floats(nx, seed, 7, 8);
    memcpy(dw, dw0, sizeof(float) * nw);
    memcpy(db, db0, sizeof(float) * out);
    cl_dense_backward(x, w, r, dx, dw, db, bt, in, out);
    for (size_t i = 0; i < nw; i++) dw[i] -= dw0[i];
    for (int i = 0; i < out; i++) db[i] -= db0[i];
    float *gx = malloc(sizeof(float) * nx), *gw = malloc(sizeof(float) * nw), *gb = malloc(sizeof(float) * out);
    /* L is linear in each variable: a large step is exact */
    const dense_case q = {xd, wd, bd, r, bt, in, out};
    t_central_diff(xd, nx, 1e-3, dense_loss, &q, gx);
    t_central_diff(wd, nw, 1e-3, dense_loss, &q, gw);
    t_central_diff(bd, (size_t)out, 1e-3, dense_loss, &q, gb);
    assert_close_f32(dx, gx, nx, 0, 4.0 * out * FLT_EPSILON + 1e-6);
    assert_close_f32(dw, gw, nw, 0, 4.0 * bt * FLT_EPSILON + 1e-6);
    assert_close_f32(db, gb, (size_t)out, 0, 4.0 * bt * FLT_EPSILON + 1e-6);

    /* no dx wanted (the first layer): the same dw and db, bit for bit */
    float *dw2 = malloc(sizeof(float) * nw), *db2 = malloc(sizeof(float) * out);
    memcpy(dw2, dw0, sizeof(float) * nw);
    memcpy(db2, db0, sizeof(float) * out);
    cl_dense_backward(x, w, r, NULL, dw2, db2, bt, in, out);
    for (size_t i = 0; i < nw; i++) dw2[i] -= dw0[i];
    for (int i = 0; i < out; i++) db2[i] -= db0[i];
    assert_same_f32(dw2, dw, nw);
    assert_same_f32(db2, db, (size_t)out);

    free(x), free(w), free(b), free(r), free(y), free(want), free(xd), free(wd), free(bd);
    free(onehot), free(dw0), free(db0), free(dw), free(db), free(dx), free(gx), free(gw), free(gb);
    free(dw2), free(db2);
}

static void test_against_double(void **state)
{
    (void)state;
    uint32_t seed = 41;
    /* batch, inputs, outputs: 1, below, at, above and well past the 4 x 8 tile */
    static const int cases[][3] = {{1, 1, 1}, {3, 7, 4}, {4, 9, 8}, {5, 17, 9}, {2, 33, 10}, {9, 3, 17}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1], cases[i][2], &seed);
}

/* 2 examples of 3 inputs, 2 outputs, by hand */
static void test_by_hand(void **state)
{
    (void)state;
    const float x[6] = {1, 2, 3, -1, 0, 2}, w[6] = {1, 0, -1, 0.5f, 0.5f, 0.5f}, b[2] = {10, -1};
    float y[4];
    cl_dense_forward(x, w, b, y, 2, 3, 2);
    const float want[4] = {10 + 1 - 3, -1 + 3, 10 - 1 - 2, -1 + 0.5f};
    assert_close_f32(y, want, 4, 0, 0);
    const float dy[4] = {1, 0, 0, 2};
    float dx[6], dw[6] = {0}, db[2] = {0};
    cl_dense_backward(x, w, dy, dx, dw, db, 2, 3, 2);
    const float wdx[6] = {1, 0, -1, 1, 1, 1}, wdw[6] = {1, 2, 3, -2, 0, 4}, wdb[2] = {1, 2};
    assert_close_f32(dx, wdx, 6, 0, 0);
    assert_close_f32(dw, wdw, 6, 0, 0);
    assert_close_f32(db, wdb, 2, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_against_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
