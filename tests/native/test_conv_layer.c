/* test_conv_layer.c - the network's conv layer: forward and backward.
 *
 * 1. The references against a double-precision convolution written here: the
 *    forward directly, the backward passes against central differences of
 *    L = sum(y * r) for a random r (L is linear in x and w, so the differences
 *    are exact up to double rounding).
 * 2. The fast paths (im2col, wide, and the dispatch between them) against the
 *    references on every stride 1..4, padding 0..3 and kernel 1, 2, 3, 5, 7,
 *    odd channel counts, sizes around the GEMM tile, and the reference CNN's
 *    own layer shapes; each building block against its own reference.
 * Tolerances: a float sum of n terms in any order is off by at most about
 * n eps sum|terms|; we allow 4 n eps times the largest |term sum| bound
 * (n * max|a| * max|b|), written out at each check. */
#include "cl_conv_layer.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

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

typedef struct conv_case {
    const cl_conv_shape *s;
    const double *x, *w, *bias;
    const float *r;
} conv_case;

static double conv_loss(const void *ctx)
{
    const conv_case *q = ctx;
    return conv_loss_d(q->s, q->x, q->w, q->bias, q->r);
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
    float *x = t_floats(nx, seed, -1, 1), *w = t_floats(nw, seed, -1, 1), *bias = t_floats(s->oc, seed, -1, 1);
    float *r = t_floats(ny, seed, -1, 1), *y = t_floats(ny, seed, 0, 1);
    float *dx = t_floats(nx, seed, 5, 6), *dw = calloc(nw, sizeof(float)), *db = calloc(s->oc, sizeof(float));
    float *gx = malloc(sizeof(float) * nx), *gw = malloc(sizeof(float) * nw),
          *gb = malloc(sizeof(float) * s->oc), *want_y = malloc(sizeof(float) * ny);
    double *xd = t_doubles(x, nx), *wd = t_doubles(w, nw), *bd = t_doubles(bias, s->oc);
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
    /* L is linear in each variable: a large step is exact */
    const conv_case q = {s, xd, wd, bd, r};
    t_central_diff(xd, nx, 1e-3, conv_loss, &q, gx);
    t_central_diff(wd, nw, 1e-3, conv_loss, &q, gw);
    t_central_diff(bd, (size_t)s->oc, 1e-3, conv_loss, &q, gb);
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
    int wide; /* takes only the shapes cl_conv_layer_wide_fits() */
} layers[] = {
    {"im2col", cl_f32_conv_layer_forward_im2col, cl_f32_conv_layer_backward_im2col, 0},
    {"wide", cl_f32_conv_layer_forward_wide, cl_f32_conv_layer_backward_wide, 1},
    {"dispatch", cl_conv_layer_forward, cl_conv_layer_backward, 0},
};

/* Each fast layer against the reference, forward and backward, dx given or NULL. */
static void check_fast_against_ref(const cl_conv_shape *s, uint32_t *seed)
{
    for (size_t f = 0; f < sizeof layers / sizeof layers[0]; f++) {
        if (layers[f].wide && !cl_conv_layer_wide_fits(s)) continue;
        const size_t nx = nx_of(s), ny = ny_of(s), nw = nw_of(s);
        float *x = t_floats(nx, seed, -1, 1), *w = t_floats(nw, seed, -1, 1), *bias = t_floats(s->oc, seed, -1, 1);
        float *dy = t_floats(ny, seed, -1, 1);
        float *y = t_floats(ny, seed, 7, 8), *y_ref = malloc(sizeof(float) * ny);
        float *work = t_floats(cl_conv_layer_workspace(s), seed, 9, 10);
        /* dw, db start non-zero: backward must add to them */
        float *dw = t_floats(nw, seed, -1, 1), *db = t_floats(s->oc, seed, -1, 1);
        float *dw_ref = malloc(sizeof(float) * nw), *db_ref = malloc(sizeof(float) * s->oc);
        memcpy(dw_ref, dw, sizeof(float) * nw);
        memcpy(db_ref, db, sizeof(float) * s->oc);
        float *dx = t_floats(nx, seed, 7, 8), *dx_ref = malloc(sizeof(float) * nx);

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
    float *x = t_floats(nx, seed, -1, 1), *col = t_floats(ncol, seed, 3, 4), *col_ref = t_floats(ncol, seed, 5, 6);
    float *dx = t_floats(nx, seed, 3, 4), *dx_ref = t_floats(nx, seed, 5, 6);
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
    float *x = t_floats(nx, seed, -1, 1), *xin = t_floats(g.xlen, seed, 5, 6), *xin_ref = t_floats(g.xlen, seed, 7, 8);
    cl_f32_pad_copy_ref(&g, x, xin_ref);
    cl_f32_pad_copy_wasmsimd(&g, x, xin);
    assert_close_f32(xin, xin_ref, g.xlen, 0, 0);
    float *back = t_floats(nx, seed, 3, 4);
    cl_f32_unpad_wasmsimd(&g, xin, back);
    assert_close_f32(back, x, nx, 0, 0);
    cl_f32_unpad_ref(&g, xin_ref, back);
    assert_close_f32(back, x, nx, 0, 0);

    int32_t *off = malloc(sizeof(int32_t) * ckk);
    cl_conv_wide_offsets(&g, off);
    float *wt = t_floats((size_t)oc * ckk, seed, -1, 1), *bias = t_floats(oc, seed, -1, 1);
    float *yw = t_floats((size_t)oc * ys, seed, 3, 4), *yw_ref = t_floats((size_t)oc * ys, seed, 3, 4);
    float *y = t_floats(ny, seed, 1, 2), *y_ref = t_floats(ny, seed, 1, 2);
    cl_f32_conv_wide_ref(xin_ref, off, ckk, wt, bias, oc, g.q, yw_ref, ys);
    cl_f32_conv_wide_wasmsimd(xin_ref, off, ckk, wt, bias, oc, g.q, yw, ys);
    cl_f32_unwide_ref(yw_ref, ys, oc, g.oh, g.ow, g.wp, y_ref);
    cl_f32_unwide_wasmsimd(yw, ys, oc, g.oh, g.ow, g.wp, y);
    assert_close_f32(y, y_ref, ny, 0, 4.0 * (ckk + 1) * FLT_EPSILON);

    float *dy = t_floats(ny, seed, -1, 1);
    float *dyp = t_floats((size_t)g.q * ocp, seed, 3, 4), *dyp_ref = t_floats((size_t)g.q * ocp, seed, 3, 4);
    cl_f32_pack_dy_ref(dy, oc, g.oh, g.ow, g.wp, ocp, dyp_ref);
    cl_f32_pack_dy_wasmsimd(dy, oc, g.oh, g.ow, g.wp, ocp, dyp);
    assert_close_f32(dyp, dyp_ref, (size_t)g.q * ocp, 0, 0);
    float *dwt = t_floats((size_t)ckk * ocp, seed, -1, 1), *dwt_ref = malloc(sizeof(float) * ckk * ocp);
    memcpy(dwt_ref, dwt, sizeof(float) * ckk * ocp);
    cl_f32_conv_wide_dw_ref(xin_ref, off, ckk, dyp_ref, g.q, ocp, oc, dwt_ref);
    cl_f32_conv_wide_dw_wasmsimd(xin_ref, off, ckk, dyp_ref, g.q, ocp, oc, dwt);
    for (int t = 0; t < ckk; t++) /* columns o >= oc are padding */
        assert_close_f32(dwt + (size_t)t * ocp, dwt_ref + (size_t)t * ocp, (size_t)oc, 0,
                         4.0 * (g.q + 1) * FLT_EPSILON);

    float *dyw = t_floats((size_t)oc * ys, seed, 3, 4), *dyw_ref = t_floats((size_t)oc * ys, seed, 3, 4);
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

static void test_row_sums(void **state)
{
    (void)state;
    uint32_t seed = 31;
    for (int cols = 1; cols <= 21; cols++) {
        float *a = t_floats((size_t)3 * cols, &seed, -1, 1);
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
        cmocka_unit_test(test_row_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
