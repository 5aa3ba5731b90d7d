/* test_nnk.c - the network kernels: conv layer forward and backward, max- and
 * average-pooling.
 *
 * 1. The references against a double-precision convolution written here: the
 *    forward directly, the backward passes against central differences of
 *    L = sum(y * r) for a random r (L is linear in x and w, so the differences
 *    are exact up to double rounding).
 * 2. The fast kernels against the references on every stride 1..4, padding
 *    0..3 and kernel 1, 2, 3, 5, 7, odd channel counts, sizes around the GEMM
 *    tile, and the reference CNN's own layer shapes.
 * Tolerances: a float sum of n terms in any order is off by at most about
 * n eps sum|terms|; we allow 4 n eps times the largest |term sum| bound
 * (n * max|a| * max|b|), written out at each check. */
#include "cl_nnk.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

static float *rnd(size_t n, uint32_t *seed, float lo, float hi)
{
    float *p = malloc(sizeof(float) * (n ? n : 1));
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) p[i] = t_uniform(seed, lo, hi);
    return p;
}

static size_t nx_of(const cl_conv_shape *s) { return (size_t)s->b * s->c * s->h * s->w; }
static size_t ny_of(const cl_conv_shape *s) { return (size_t)s->b * s->oc * s->oh * s->ow; }
static size_t nw_of(const cl_conv_shape *s) { return (size_t)s->oc * s->c * s->kh * s->kw; }

/* L = sum_i y_i r_i of the convolution, in double, with x and w in double. */
static double conv_loss_d(const cl_conv_shape *s, const double *x, const double *w,
                          const double *bias, const float *r)
{
    double loss = 0.0;
    for (int n = 0; n < s->b; n++)
        for (int o = 0; o < s->oc; o++)
            for (int i = 0; i < s->oh; i++)
                for (int j = 0; j < s->ow; j++) {
                    double acc = bias[o];
                    for (int ch = 0; ch < s->c; ch++)
                        for (int u = 0; u < s->kh; u++)
                            for (int v = 0; v < s->kw; v++) {
                                int iy = i * s->stride - s->pad + u, ix = j * s->stride - s->pad + v;
                                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                                acc += w[((o * s->c + ch) * s->kh + u) * s->kw + v] *
                                       x[((n * s->c + ch) * s->h + iy) * s->w + ix];
                            }
                    loss += acc * r[((n * s->oc + o) * s->oh + i) * s->ow + j];
                }
    return loss;
}

static double *to_double(const float *p, size_t n)
{
    double *d = malloc(sizeof(double) * (n ? n : 1));
    assert_non_null(d);
    for (size_t i = 0; i < n; i++) d[i] = p[i];
    return d;
}

/* Central difference of conv_loss_d in each element of v (one of x, w, bias). */
static void numeric_grad(const cl_conv_shape *s, double *xd, double *wd, double *bd,
                         const float *r, double *v, size_t n, float *g)
{
    const double h = 1e-3;
    for (size_t i = 0; i < n; i++) {
        const double keep = v[i];
        v[i] = keep + h;
        const double lp = conv_loss_d(s, xd, wd, bd, r);
        v[i] = keep - h;
        const double lm = conv_loss_d(s, xd, wd, bd, r);
        v[i] = keep;
        g[i] = (float)((lp - lm) / (2 * h));
    }
}

static cl_conv_shape shape(int b, int c, int h, int w, int oc, int kh, int kw, int pad,
                           int stride)
{
    cl_conv_shape s = {b, c, h, w, oc, kh, kw, pad, stride, 0, 0};
    assert_int_equal(cl_conv_shape_init(&s), CL_OK);
    return s;
}

/* The references against double precision: forward, and backward by differences. */
static void check_ref_against_double(const cl_conv_shape *s, uint32_t *seed)
{
    const size_t nx = nx_of(s), ny = ny_of(s), nw = nw_of(s);
    float *x = rnd(nx, seed, -1, 1), *w = rnd(nw, seed, -1, 1), *bias = rnd(s->oc, seed, -1, 1);
    float *r = rnd(ny, seed, -1, 1), *y = rnd(ny, seed, 0, 1);
    float *dx = rnd(nx, seed, 5, 6), *dw = calloc(nw, sizeof(float)), *db = calloc(s->oc, sizeof(float));
    float *gx = malloc(sizeof(float) * nx), *gw = malloc(sizeof(float) * nw),
          *gb = malloc(sizeof(float) * s->oc), *want_y = malloc(sizeof(float) * ny);
    double *xd = to_double(x, nx), *wd = to_double(w, nw), *bd = to_double(bias, s->oc);
    const int taps = s->c * s->kh * s->kw;

    /* forward: y_i is L with r the one-hot vector e_i */
    cl_f32_conv_layer_forward_ref(s, x, w, bias, y);
    float *onehot = calloc(ny, sizeof(float));
    for (size_t i = 0; i < ny; i++) {
        onehot[i] = 1.0f;
        want_y[i] = (float)conv_loss_d(s, xd, wd, bd, onehot);
        onehot[i] = 0.0f;
    }
    assert_close_f32(y, want_y, ny, 0, 4.0 * (taps + 1) * FLT_EPSILON);

    cl_f32_conv_layer_backward_ref(s, x, w, r, dx, dw, db);
    numeric_grad(s, xd, wd, bd, r, xd, nx, gx);
    numeric_grad(s, xd, wd, bd, r, wd, nw, gw);
    numeric_grad(s, xd, wd, bd, r, bd, s->oc, gb);
    /* differences of a double sum of ~ny terms: ~1e-10 off; float sums of
     * oc*kh*kw (dx) and b*oh*ow (dw, db) terms of magnitude <= 1 */
    const int per_dx = s->oc * s->kh * s->kw, per_dw = s->b * s->oh * s->ow;
    assert_close_f32(dx, gx, nx, 0, 4.0 * per_dx * FLT_EPSILON + 1e-6);
    assert_close_f32(dw, gw, nw, 0, 4.0 * per_dw * FLT_EPSILON + 1e-6);
    assert_close_f32(db, gb, (size_t)s->oc, 0, 4.0 * per_dw * FLT_EPSILON + 1e-6);

    free(x), free(w), free(bias), free(r), free(y), free(dx), free(dw), free(db);
    free(gx), free(gw), free(gb), free(want_y), free(xd), free(wd), free(bd), free(onehot);
}

static void test_ref_against_double(void **state)
{
    (void)state;
    uint32_t seed = 7;
    const int cases[][9] = {
        /* b c h w oc kh kw pad stride */
        {1, 1, 5, 5, 1, 3, 3, 0, 1}, {2, 3, 7, 6, 2, 3, 3, 1, 1}, {1, 2, 8, 9, 3, 2, 2, 0, 2},
        {2, 1, 9, 7, 2, 5, 5, 2, 3}, {1, 3, 6, 6, 2, 1, 1, 1, 1}, {1, 2, 11, 10, 2, 3, 2, 3, 4},
        {2, 2, 6, 7, 3, 7, 7, 3, 1}, {1, 1, 4, 4, 1, 4, 4, 0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int *q = cases[i];
        cl_conv_shape s = shape(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]);
        check_ref_against_double(&s, &seed);
    }
}

typedef void (*fwd_fn)(const cl_conv_shape *, const float *, const float *, const float *,
                       float *, float *);
typedef void (*bwd_fn)(const cl_conv_shape *, const float *, const float *, const float *,
                       float *, float *, float *, float *);
static const struct {
    const char *name;
    fwd_fn fwd;
    bwd_fn bwd;
} layers[] = {
    {"scalar", cl_f32_conv_layer_forward_scalar, cl_f32_conv_layer_backward_scalar},
    {"wasmsimd", cl_f32_conv_layer_forward_wasmsimd, cl_f32_conv_layer_backward_wasmsimd},
    {"dispatch", cl_conv_layer_forward, cl_conv_layer_backward},
};

/* Each fast layer against the reference, forward and backward, dx given or NULL. */
static void check_fast_against_ref(const cl_conv_shape *s, uint32_t *seed)
{
    for (size_t f = 0; f < sizeof layers / sizeof layers[0]; f++) {
        const size_t nx = nx_of(s), ny = ny_of(s), nw = nw_of(s);
        float *x = rnd(nx, seed, -1, 1), *w = rnd(nw, seed, -1, 1), *bias = rnd(s->oc, seed, -1, 1);
        float *dy = rnd(ny, seed, -1, 1);
        float *y = rnd(ny, seed, 7, 8), *y_ref = malloc(sizeof(float) * ny);
        float *work = rnd(cl_conv_layer_workspace(s), seed, 9, 10);
        /* dw, db start non-zero: backward must add to them */
        float *dw = rnd(nw, seed, -1, 1), *db = rnd(s->oc, seed, -1, 1);
        float *dw_ref = malloc(sizeof(float) * nw), *db_ref = malloc(sizeof(float) * s->oc);
        memcpy(dw_ref, dw, sizeof(float) * nw);
        memcpy(db_ref, db, sizeof(float) * s->oc);
        float *dx = rnd(nx, seed, 7, 8), *dx_ref = malloc(sizeof(float) * nx);

        const int taps = s->c * s->kh * s->kw;
        const double tol_y = 4.0 * (taps + 1) * FLT_EPSILON;
        const double tol_dx = 4.0 * s->oc * s->kh * s->kw * FLT_EPSILON;
        const double tol_dw = 4.0 * (s->b * s->oh * s->ow + 1) * FLT_EPSILON;
        const fwd_fn fwd = layers[f].fwd;
        const bwd_fn bwd = layers[f].bwd;

        cl_f32_conv_layer_forward_ref(s, x, w, bias, y_ref);
        fwd(s, x, w, bias, y, work);
        assert_close_f32(y, y_ref, ny, 0, tol_y);
        fwd(s, x, w, NULL, y, work);
        for (size_t i = 0; i < ny; i++) y_ref[i] -= bias[i / ((size_t)s->oh * s->ow) % s->oc];
        assert_close_f32(y, y_ref, ny, 0, tol_y + 2 * FLT_EPSILON);

        cl_f32_conv_layer_backward_ref(s, x, w, dy, dx_ref, dw_ref, db_ref);
        bwd(s, x, w, dy, dx, dw, db, work);
        assert_close_f32(dx, dx_ref, nx, 0, tol_dx);
        assert_close_f32(dw, dw_ref, nw, 0, tol_dw);
        assert_close_f32(db, db_ref, (size_t)s->oc, 0, tol_dw);
        /* no input gradient wanted: dw and db still right */
        bwd(s, x, w, dy, NULL, dw, db, work);
        cl_f32_conv_layer_backward_ref(s, x, w, dy, NULL, dw_ref, db_ref);
        assert_close_f32(dw, dw_ref, nw, 0, 2 * tol_dw);
        assert_close_f32(db, db_ref, (size_t)s->oc, 0, 2 * tol_dw);

        free(x), free(w), free(bias), free(dy), free(y), free(y_ref), free(work), free(dw);
        free(db), free(dw_ref), free(db_ref), free(dx), free(dx_ref);
    }
}

/* im2col and col2im: the vector versions copy exactly what the references do. */
static void check_blocks(const cl_conv_shape *s, uint32_t *seed)
{
    const size_t nx = (size_t)s->c * s->h * s->w, ncol = (size_t)s->c * s->kh * s->kw * s->oh * s->ow;
    float *x = rnd(nx, seed, -1, 1), *col = rnd(ncol, seed, 3, 4), *col_ref = rnd(ncol, seed, 5, 6);
    float *dx = rnd(nx, seed, 3, 4), *dx_ref = rnd(nx, seed, 5, 6);
    cl_f32_im2col_ref(s, x, col_ref);
    cl_f32_im2col_wasmsimd(s, x, col);
    assert_close_f32(col, col_ref, ncol, 0, 0);
    cl_f32_col2im_ref(s, col_ref, dx_ref);
    cl_f32_col2im_wasmsimd(s, col_ref, dx);
    /* each dx sums at most kh*kw col entries, in the same order */
    assert_close_f32(dx, dx_ref, nx, 0, 0);
    free(x), free(col), free(col_ref), free(dx), free(dx_ref);
}

/* The blocks of the stride-1 wide path, each against its reference, on one
 * geometry: channel counts around the 4-row tiles, taps not a multiple of 4. */
static void check_wide_blocks(int c, int h, int w, int oc, int kh, int kw, int pad, uint32_t *seed)
{
    cl_conv_wide g;
    cl_conv_wide_init(&g, c, h, w, pad, pad, kh, kw);
    const int ckk = c * kh * kw, ocp = (oc + 7) / 8 * 8, ys = (g.q + 7) / 8 * 8;
    const size_t nx = (size_t)c * h * w, ny = (size_t)oc * g.oh * g.ow;
    float *x = rnd(nx, seed, -1, 1), *xin = rnd(g.xlen, seed, 5, 6), *xin_ref = rnd(g.xlen, seed, 7, 8);
    cl_f32_pad_copy_ref(&g, x, xin_ref);
    cl_f32_pad_copy_wasmsimd(&g, x, xin);
    assert_close_f32(xin, xin_ref, g.xlen, 0, 0);
    float *back = rnd(nx, seed, 3, 4);
    cl_f32_unpad_wasmsimd(&g, xin, back);
    assert_close_f32(back, x, nx, 0, 0);
    cl_f32_unpad_ref(&g, xin_ref, back);
    assert_close_f32(back, x, nx, 0, 0);

    int32_t *off = malloc(sizeof(int32_t) * ckk);
    cl_conv_wide_offsets(&g, off);
    float *wt = rnd((size_t)oc * ckk, seed, -1, 1), *bias = rnd(oc, seed, -1, 1);
    float *yw = rnd((size_t)oc * ys, seed, 3, 4), *yw_ref = rnd((size_t)oc * ys, seed, 3, 4);
    float *y = rnd(ny, seed, 1, 2), *y_ref = rnd(ny, seed, 1, 2);
    cl_f32_conv_wide_ref(xin_ref, off, ckk, wt, bias, oc, g.q, yw_ref, ys);
    cl_f32_conv_wide_wasmsimd(xin_ref, off, ckk, wt, bias, oc, g.q, yw, ys);
    cl_f32_unwide_ref(yw_ref, ys, oc, g.oh, g.ow, g.wp, y_ref);
    cl_f32_unwide_wasmsimd(yw, ys, oc, g.oh, g.ow, g.wp, y);
    assert_close_f32(y, y_ref, ny, 0, 4.0 * (ckk + 1) * FLT_EPSILON);

    float *dy = rnd(ny, seed, -1, 1);
    float *dyp = rnd((size_t)g.q * ocp, seed, 3, 4), *dyp_ref = rnd((size_t)g.q * ocp, seed, 3, 4);
    cl_f32_pack_dy_ref(dy, oc, g.oh, g.ow, g.wp, ocp, dyp_ref);
    cl_f32_pack_dy_wasmsimd(dy, oc, g.oh, g.ow, g.wp, ocp, dyp);
    assert_close_f32(dyp, dyp_ref, (size_t)g.q * ocp, 0, 0);
    float *dwt = rnd((size_t)ckk * ocp, seed, -1, 1), *dwt_ref = malloc(sizeof(float) * ckk * ocp);
    memcpy(dwt_ref, dwt, sizeof(float) * ckk * ocp);
    cl_f32_conv_wide_dw_ref(xin_ref, off, ckk, dyp_ref, g.q, ocp, oc, dwt_ref);
    cl_f32_conv_wide_dw_wasmsimd(xin_ref, off, ckk, dyp_ref, g.q, ocp, oc, dwt);
    for (int t = 0; t < ckk; t++) /* columns o >= oc are padding */
        assert_close_f32(dwt + (size_t)t * ocp, dwt_ref + (size_t)t * ocp, (size_t)oc, 0,
                         4.0 * (g.q + 1) * FLT_EPSILON);

    float *dyw = rnd((size_t)oc * ys, seed, 3, 4), *dyw_ref = rnd((size_t)oc * ys, seed, 3, 4);
    cl_f32_widen_ref(dy, oc, g.oh, g.ow, g.wp, ys, dyw_ref);
    cl_f32_widen_wasmsimd(dy, oc, g.oh, g.ow, g.wp, ys, dyw);
    assert_close_f32(dyw, dyw_ref, (size_t)oc * ys, 0, 0);
    memset(xin, 0, sizeof(float) * g.xlen);
    memset(xin_ref, 0, sizeof(float) * g.xlen);
    cl_f32_conv_wide_dx_ref(dyw_ref, ys, g.q, oc, wt, &g, xin_ref);
    cl_f32_conv_wide_dx_wasmsimd(dyw_ref, ys, g.q, oc, wt, &g, xin);
    assert_close_f32(xin, xin_ref, g.xlen, 0, 4.0 * (oc * kh * kw + 1) * FLT_EPSILON);

    free(x), free(xin), free(xin_ref), free(back), free(off), free(wt), free(bias), free(yw);
    free(yw_ref), free(y), free(y_ref), free(dy), free(dyp), free(dyp_ref), free(dwt), free(dwt_ref);
    free(dyw), free(dyw_ref);
}

static void test_wide_blocks(void **state)
{
    (void)state;
    uint32_t seed = 37;
    check_wide_blocks(1, 28, 28, 8, 3, 3, 0, &seed);
    check_wide_blocks(8, 13, 13, 16, 3, 3, 1, &seed);
    check_wide_blocks(3, 7, 9, 5, 2, 3, 1, &seed);
    check_wide_blocks(5, 6, 5, 1, 5, 5, 2, &seed);
    check_wide_blocks(2, 4, 11, 9, 1, 4, 0, &seed);
    check_wide_blocks(1, 1, 1, 3, 1, 1, 0, &seed);
}

static void test_fast_every_stride_pad_kernel(void **state)
{
    (void)state;
    uint32_t seed = 11;
    static const int ksz[] = {1, 2, 3, 5, 7};
    for (int stride = 1; stride <= 4; stride++)
        for (int pad = 0; pad <= 3; pad++)
            for (size_t q = 0; q < sizeof ksz / sizeof ksz[0]; q++) {
                const int k = ksz[q];
                /* odd channels and sides that do not divide by the stride */
                const int h = k + 2 + stride, w = k + 4 + 2 * stride;
                cl_conv_shape s = shape(2, 3, h, w, 5, k, k, pad, stride);
                check_fast_against_ref(&s, &seed);
                check_blocks(&s, &seed);
                cl_conv_shape r = shape(1, 1, w, h, 1, k, (k % 3) + 1, pad, stride);
                check_fast_against_ref(&r, &seed);
                check_blocks(&r, &seed);
                /* wide rows: the 8- and 4-float vector steps and their tails */
                cl_conv_shape q2 = shape(1, 2, h, 3 * w + 5, 2, k, k, pad, stride);
                check_blocks(&q2, &seed);
            }
}

static void test_fast_tile_sizes(void **state)
{
    (void)state;
    uint32_t seed = 13;
    /* output channels around the 4-row tile, outputs around the 8-wide tile */
    static const int ocs[] = {1, 3, 4, 5, 8, 9};
    static const int sides[] = {3, 4, 5, 10, 11};
    for (size_t i = 0; i < sizeof ocs / sizeof ocs[0]; i++)
        for (size_t j = 0; j < sizeof sides / sizeof sides[0]; j++) {
            cl_conv_shape s = shape(2, 2, sides[j], sides[j] + 1, ocs[i], 3, 3, 0, 1);
            check_fast_against_ref(&s, &seed);
        }
}

static void test_cnn_layer_shapes(void **state)
{
    (void)state;
    uint32_t seed = 17;
    for (int pad = 0; pad <= 1; pad++) {
        cl_conv_shape s1 = shape(3, 1, 28, 28, 8, 3, 3, pad, 1);
        check_fast_against_ref(&s1, &seed);
        cl_conv_shape s2 = shape(2, 8, 13 + pad, 13 + pad, 16, 3, 3, pad, 1);
        check_fast_against_ref(&s2, &seed);
    }
}

static void test_shape_init(void **state)
{
    (void)state;
    cl_conv_shape s = {32, 1, 28, 28, 8, 3, 3, 0, 1, 0, 0};
    assert_int_equal(cl_conv_shape_init(&s), CL_OK);
    assert_int_equal(s.oh, 26);
    assert_int_equal(s.ow, 26);
    assert_true(cl_conv_layer_workspace(&s) >= 9 * 26 * 26);
    s = (cl_conv_shape){1, 8, 14, 13, 16, 3, 5, 1, 2, 0, 0};
    assert_int_equal(cl_conv_shape_init(&s), CL_OK);
    assert_int_equal(s.oh, (14 + 2 - 3) / 2 + 1);
    assert_int_equal(s.ow, (13 + 2 - 5) / 2 + 1);

    assert_int_equal(cl_conv_shape_init(NULL), CL_ERR_NULL);
    const struct {
        cl_conv_shape s;
        cl_status want;
    } bad[] = {
        {{0, 1, 5, 5, 1, 3, 3, 0, 1, 0, 0}, CL_ERR_SIZE},
        {{1, 0, 5, 5, 1, 3, 3, 0, 1, 0, 0}, CL_ERR_SIZE},
        {{1, 1, 5, 5, 0, 3, 3, 0, 1, 0, 0}, CL_ERR_SIZE},
        {{1, 1, -5, 5, 1, 3, 3, 0, 1, 0, 0}, CL_ERR_SIZE},
        {{1, 1, 5, 5, 1, 0, 3, 0, 1, 0, 0}, CL_ERR_KERNEL_SIZE},
        {{1, 1, 5, 5, 1, 3, 16, 0, 1, 0, 0}, CL_ERR_KERNEL_SIZE},
        {{1, 1, 5, 5, 1, 3, 3, 0, 0, 0, 0}, CL_ERR_STRIDE},
        {{1, 1, 5, 5, 1, 3, 3, 0, 5, 0, 0}, CL_ERR_STRIDE},
        {{1, 1, 5, 5, 1, 3, 3, -1, 1, 0, 0}, CL_ERR_ARG},
        {{1, 1, 5, 5, 1, 7, 3, 0, 1, 0, 0}, CL_ERR_KERNEL_TOO_BIG},
        {{1, 1, 5, 5, 1, 7, 3, 0, 1, 0, 0}, CL_ERR_KERNEL_TOO_BIG},
        {{100000, 64, 1000, 1000, 1, 1, 1, 0, 1, 0, 0}, CL_ERR_OVERFLOW},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cl_conv_shape t = bad[i].s;
        assert_int_equal(cl_conv_shape_init(&t), bad[i].want);
    }
    /* padding makes room for a kernel larger than the image */
    s = (cl_conv_shape){1, 1, 5, 5, 1, 7, 7, 1, 1, 0, 0};
    assert_int_equal(cl_conv_shape_init(&s), CL_OK);
    assert_int_equal(s.oh, 1);
}

/* ---- pooling ---- */

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

static void test_pool_gradients(void **state)
{
    (void)state;
    uint32_t seed = 23;
    static const int dims[][5] = {{2, 3, 7, 6, 2}, {1, 2, 9, 9, 3}, {2, 1, 4, 5, 1}, {1, 1, 8, 11, 4}};
    for (int max = 0; max <= 1; max++)
        for (size_t q = 0; q < sizeof dims / sizeof dims[0]; q++) {
            const int b = dims[q][0], c = dims[q][1], h = dims[q][2], w = dims[q][3], k = dims[q][4];
            const size_t nx = (size_t)b * c * h * w, ny = (size_t)b * c * (h / k) * (w / k);
            float *x = rnd(nx, &seed, -1, 1), *r = rnd(ny, &seed, -1, 1), *y = malloc(sizeof(float) * ny);
            float *dx = rnd(nx, &seed, 3, 4), *g = malloc(sizeof(float) * nx);
            int32_t *am = malloc(sizeof(int32_t) * ny);
            double *xd = to_double(x, nx);
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
            const double hstep = 1e-6;
            for (size_t i = 0; i < nx; i++) {
                const double keep = xd[i];
                xd[i] = keep + hstep;
                const double lp = pool_loss(max, xd, b, c, h, w, k, r);
                xd[i] = keep - hstep;
                const double lm = pool_loss(max, xd, b, c, h, w, k, r);
                xd[i] = keep;
                g[i] = (float)((lp - lm) / (2 * hstep));
            }
            assert_close_f32(dx, g, nx, 1e-5, 1e-6);
            free(x), free(r), free(y), free(dx), free(g), free(am), free(xd), free(onehot), free(want);
        }
}

/* the 2 x 2 vector pooling (and its fallback for other k) against the reference */
static void test_maxpool_simd_against_ref(void **state)
{
    (void)state;
    uint32_t seed = 29;
    for (int k = 1; k <= 4; k++)
        for (int h = k; h <= k + 3; h++)
            for (int w = k; w <= 2 * 9 + 3; w += 1 + (w > 12)) {
                const int b = 2, c = 3;
                const size_t nx = (size_t)b * c * h * w, ny = (size_t)b * c * (h / k) * (w / k);
                float *x = rnd(nx, &seed, -1, 1);
                /* ties: round half the values to a coarse grid */
                for (size_t i = 0; i < nx; i += 2) x[i] = roundf(x[i]);
                float *y = rnd(ny, &seed, 0, 1), *y_ref = rnd(ny, &seed, 0, 1);
                float *dy = rnd(ny, &seed, -1, 1);
                float *dx = rnd(nx, &seed, 5, 6), *dx_ref = rnd(nx, &seed, 5, 6);
                int32_t *am = malloc(sizeof(int32_t) * ny), *am_ref = malloc(sizeof(int32_t) * ny);
                cl_f32_maxpool_forward_ref(x, b, c, h, w, k, y_ref, am_ref);
                cl_f32_maxpool_forward_wasmsimd(x, b, c, h, w, k, y, am);
                assert_close_f32(y, y_ref, ny, 0, 0);
                for (size_t i = 0; i < ny; i++) assert_int_equal(am[i], am_ref[i]);
                cl_f32_maxpool_backward_ref(dy, am_ref, b, c, h, w, k, dx_ref);
                cl_f32_maxpool_backward_wasmsimd(dy, am_ref, b, c, h, w, k, dx);
                assert_close_f32(dx, dx_ref, nx, 0, 0);
                cl_maxpool_forward(x, b, c, h, w, k, y, am);
                cl_maxpool_backward(dy, am, b, c, h, w, k, dx);
                assert_close_f32(dx, dx_ref, nx, 0, 0);
                free(x), free(y), free(y_ref), free(dy), free(dx), free(dx_ref), free(am), free(am_ref);
            }
}

static void test_row_sums(void **state)
{
    (void)state;
    uint32_t seed = 31;
    for (int cols = 1; cols <= 21; cols++) {
        float *a = rnd((size_t)3 * cols, &seed, -1, 1);
        float got[3] = {1, 2, 3}, want[3] = {1, 2, 3};
        double exact[3];
        for (int r = 0; r < 3; r++) {
            exact[r] = r + 1;
            for (int j = 0; j < cols; j++) exact[r] += a[r * cols + j];
        }
        cl_f32_row_sums_ref(a, 3, cols, want);
        cl_f32_row_sums_wasmsimd(a, 3, cols, got);
        assert_close_f32(got, want, 3, 0, 4.0 * (cols + 3) * FLT_EPSILON);
        for (int r = 0; r < 3; r++) assert_true(fabs(want[r] - exact[r]) <= 4.0 * (cols + 3) * FLT_EPSILON);
        free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_init),
        cmocka_unit_test(test_ref_against_double),
        cmocka_unit_test(test_fast_every_stride_pad_kernel),
        cmocka_unit_test(test_fast_tile_sizes),
        cmocka_unit_test(test_wide_blocks),
        cmocka_unit_test(test_cnn_layer_shapes),
        cmocka_unit_test(test_maxpool_by_hand),
        cmocka_unit_test(test_avgpool_by_hand),
        cmocka_unit_test(test_pool_gradients),
        cmocka_unit_test(test_maxpool_simd_against_ref),
        cmocka_unit_test(test_row_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
