/* cl_conv_layer.c - the network's convolution layer (see cl_conv_layer.h):
 * the reference, the im2col path on cl_gemm, the stride-1 wide path from the
 * vector blocks of cl_conv_layer_wasmsimd.c, and the dispatch between them.
 *
 * The im2col path works image by image:
 *     col (C*KH*KW, OH*OW) = im2col(x[b])                 unfolded input
 *     y[b] (OC, OH*OW)      = w (OC, C*KH*KW) * col        + bias
 *     dw   (OC, C*KH*KW)   += dy[b] (OC, OH*OW) * col^T
 *     dcol (C*KH*KW, OH*OW) = w^T * dy[b],  dx[b] = col2im(dcol)
 * so its workspace is one col matrix, C*KH*KW*OH*OW floats, plus dw^T
 * (C*KH*KW, OC) when dw is accumulated transposed (see dw_transposed). */
#include "cl_conv_layer.h"
#include "cl_conv.h"
#include "cl_gemm.h"

#include <assert.h>
#include <limits.h>
#include <string.h>

cl_status cl_conv_shape_init(cl_conv_shape *s)
{
    if (!s) return CL_ERR_NULL;
    if (s->b < 1 || s->c < 1 || s->oc < 1 || s->h < 1 || s->w < 1 || s->h > CL_MAX_DIM ||
        s->w > CL_MAX_DIM)
        return CL_ERR_SIZE;
    if (s->kh < 1 || s->kh > CL_MAX_KERNEL || s->kw < 1 || s->kw > CL_MAX_KERNEL)
        return CL_ERR_KERNEL_SIZE;
    if (s->stride < 1 || s->stride > CL_MAX_STRIDE) return CL_ERR_STRIDE;
    if (s->pad < 0 || s->pad > CL_MAX_KERNEL) return CL_ERR_ARG;
    const int ph = s->h + 2 * s->pad, pw = s->w + 2 * s->pad;
    if (ph < s->kh || pw < s->kw) return CL_ERR_KERNEL_TOO_BIG;
    const int oh = (ph - s->kh) / s->stride + 1, ow = (pw - s->kw) / s->stride + 1;
    /* every tensor, and the col matrix, must be indexable with int (GEMM sizes, argmax) */
    size_t nx, ny, nw, ncol;
    if (cl_mul_size4((size_t)s->b, (size_t)s->c, (size_t)s->h, (size_t)s->w, &nx) != CL_OK ||
        cl_mul_size4((size_t)s->b, (size_t)s->oc, (size_t)oh, (size_t)ow, &ny) != CL_OK ||
        cl_mul_size4((size_t)s->oc, (size_t)s->c, (size_t)s->kh, (size_t)s->kw, &nw) != CL_OK ||
        cl_mul_size4((size_t)s->c * s->kh, (size_t)s->kw, (size_t)oh, (size_t)ow, &ncol) !=
            CL_OK ||
        nx > INT_MAX || ny > INT_MAX || nw > INT_MAX || ncol > INT_MAX)
        return CL_ERR_OVERFLOW;
    s->oh = oh;
    s->ow = ow;
    return CL_OK;
}

/* ---- the reference: the formula, one output (or one gradient term) at a time ---- */

void cl_f32_conv_layer_forward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                   const float *bias, float *y)
{
    for (int n = 0; n < s->b; n++)
        for (int o = 0; o < s->oc; o++)
            for (int i = 0; i < s->oh; i++)
                for (int j = 0; j < s->ow; j++) {
                    float acc = bias ? bias[o] : 0.0f;
                    for (int ch = 0; ch < s->c; ch++)
                        for (int u = 0; u < s->kh; u++) {
                            const int iy = i * s->stride - s->pad + u;
                            if (iy < 0 || iy >= s->h) continue;
                            for (int v = 0; v < s->kw; v++) {
                                const int ix = j * s->stride - s->pad + v;
                                if (ix < 0 || ix >= s->w) continue;
                                acc += w[((size_t)(o * s->c + ch) * s->kh + u) * s->kw + v] *
                                       x[((size_t)(n * s->c + ch) * s->h + iy) * s->w + ix];
                            }
                        }
                    y[((size_t)(n * s->oc + o) * s->oh + i) * s->ow + j] = acc;
                }
}

void cl_f32_conv_layer_backward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                    const float *dy, float *dx, float *dw, float *db)
{
    if (dx) memset(dx, 0, sizeof(float) * s->b * s->c * s->h * s->w);
    for (int n = 0; n < s->b; n++)
        for (int o = 0; o < s->oc; o++)
            for (int i = 0; i < s->oh; i++)
                for (int j = 0; j < s->ow; j++) {
                    const float g = dy[((size_t)(n * s->oc + o) * s->oh + i) * s->ow + j];
                    db[o] += g;
                    for (int ch = 0; ch < s->c; ch++)
                        for (int u = 0; u < s->kh; u++) {
                            const int iy = i * s->stride - s->pad + u;
                            if (iy < 0 || iy >= s->h) continue;
                            for (int v = 0; v < s->kw; v++) {
                                const int ix = j * s->stride - s->pad + v;
                                if (ix < 0 || ix >= s->w) continue;
                                const size_t wi = ((size_t)(o * s->c + ch) * s->kh + u) * s->kw + v;
                                const size_t xi = ((size_t)(n * s->c + ch) * s->h + iy) * s->w + ix;
                                dw[wi] += g * x[xi];
                                if (dx) dx[xi] += g * w[wi];
                            }
                        }
                }
}

/* ---- im2col and GEMM ---- */

/* A 1 x 1 kernel with stride 1 and no padding: x[b] is already the col matrix. */
static int is_pointwise(const cl_conv_shape *s)
{
    return s->kh == 1 && s->kw == 1 && s->stride == 1 && s->pad == 0;
}

cl_col_tap cl_col_tap_at(const cl_conv_shape *s, int t)
{
    const int v = t % s->kw, u = t / s->kw % s->kh;
    cl_col_tap tp = {t / (s->kw * s->kh), u, v - s->pad, 0, 0};
    cl_inside_cols(s->w, s->ow, s->stride, tp.off, &tp.lo, &tp.hi);
    return tp;
}

void cl_f32_im2col_ref(const cl_conv_shape *s, const float *x, float *col)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    for (int t = 0; t < s->c * s->kh * s->kw; t++) {
        const cl_col_tap tp = cl_col_tap_at(s, t);
        for (int i = 0; i < oh; i++, col += ow) {
            const int iy = i * st - s->pad + tp.u;
            for (int j = 0; j < ow; j++)
                col[j] = iy >= 0 && iy < s->h && j >= tp.lo && j < tp.hi
                             ? x[((size_t)tp.ch * s->h + iy) * s->w + (j * st + tp.off)]
                             : 0.0f;
        }
    }
}

void cl_f32_col2im_ref(const cl_conv_shape *s, const float *col, float *dx)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    memset(dx, 0, sizeof(float) * s->c * s->h * s->w);
    for (int t = 0; t < s->c * s->kh * s->kw; t++) {
        const cl_col_tap tp = cl_col_tap_at(s, t);
        for (int i = 0; i < oh; i++, col += ow) {
            const int iy = i * st - s->pad + tp.u;
            if (iy < 0 || iy >= s->h) continue;
            float *xr = dx + ((size_t)tp.ch * s->h + iy) * s->w;
            for (int j = tp.lo; j < tp.hi; j++) xr[j * st + tp.off] += col[j];
        }
    }
}

void cl_f32_row_sums_ref(const float *a, int rows, int cols, float *sums)
{
    for (int r = 0; r < rows; r++) {
        float acc = 0.0f;
        for (int j = 0; j < cols; j++) acc += a[(size_t)r * cols + j];
        sums[r] += acc;
    }
}

/* The building blocks of this build: the vector ones in the SIMD build. */
static void im2col(const cl_conv_shape *s, const float *x, float *col)
{
#ifdef CL_HAVE_SIMD
    cl_f32_im2col_wasmsimd(s, x, col);
#else
    cl_f32_im2col_ref(s, x, col);
#endif
}

static void col2im(const cl_conv_shape *s, const float *col, float *dx)
{
#ifdef CL_HAVE_SIMD
    cl_f32_col2im_wasmsimd(s, col, dx);
#else
    cl_f32_col2im_ref(s, col, dx);
#endif
}

static void row_sums(const float *a, int rows, int cols, float *sums)
{
#ifdef CL_HAVE_SIMD
    cl_f32_row_sums_wasmsimd(a, rows, cols, sums);
#else
    cl_f32_row_sums_ref(a, rows, cols, sums);
#endif
}

/* GEMM tiles (4 x 8, cl_gemm_wasmsimd.c) an (m, n) output takes. */
static size_t gemm_tiles(int m, int n)
{
    return (size_t)((m + 3) / 4) * (size_t)((n + 7) / 8);
}

/* dw is accumulated transposed, dw^T (C*KH*KW, OC) = col dy^T, when that takes
 * fewer GEMM tiles (or as many: it packs the smaller dy), then added to dw. */
static int dw_transposed(const cl_conv_shape *s)
{
    const int ckk = s->c * s->kh * s->kw;
    return gemm_tiles(ckk, s->oc) <= gemm_tiles(s->oc, ckk);
}

void cl_f32_conv_layer_forward_im2col(const cl_conv_shape *s, const float *x, const float *w,
                                      const float *bias, float *y, float *work)
{
    const int p = s->oh * s->ow, ckk = s->c * s->kh * s->kw;
    for (int n = 0; n < s->b; n++) {
        const float *xb = x + (size_t)n * s->c * s->h * s->w;
        float *yb = y + (size_t)n * s->oc * p;
        const float *col = xb;
        if (!is_pointwise(s)) {
            im2col(s, xb, work);
            col = work;
        }
        for (int o = 0; o < s->oc; o++) {
            const float v = bias ? bias[o] : 0.0f;
            for (int q = 0; q < p; q++) yb[(size_t)o * p + q] = v;
        }
        cl_gemm(0, 0, s->oc, p, ckk, w, ckk, col, p, 1.0f, yb, p);
    }
}

void cl_f32_conv_layer_backward_im2col(const cl_conv_shape *s, const float *x, const float *w,
                                       const float *dy, float *dx, float *dw, float *db,
                                       float *work)
{
    const int p = s->oh * s->ow, ckk = s->c * s->kh * s->kw, oc = s->oc;
    const int tr = dw_transposed(s);
    float *dwt = work + (size_t)ckk * p; /* (C*KH*KW, OC) when tr */
    if (tr) memset(dwt, 0, sizeof(float) * ckk * oc);
    for (int n = 0; n < s->b; n++) {
        const float *xb = x + (size_t)n * s->c * s->h * s->w;
        const float *dyb = dy + (size_t)n * oc * p;
        row_sums(dyb, oc, p, db);
        const float *col = xb;
        if (!is_pointwise(s)) {
            im2col(s, xb, work);
            col = work;
        }
        if (tr)
            cl_gemm(0, 1, ckk, oc, p, col, p, dyb, p, 1.0f, dwt, oc);
        else
            cl_gemm(0, 1, oc, ckk, p, dyb, p, col, p, 1.0f, dw, ckk);
        if (!dx) continue;
        float *dxb = dx + (size_t)n * s->c * s->h * s->w;
        if (is_pointwise(s)) {
            cl_gemm(1, 0, ckk, p, oc, w, ckk, dyb, p, 0.0f, dxb, p);
        } else {
            cl_gemm(1, 0, ckk, p, oc, w, ckk, dyb, p, 0.0f, work, p);
            col2im(s, work, dxb);
        }
    }
    if (tr)
        for (int o = 0; o < oc; o++)
            for (int q = 0; q < ckk; q++) dw[(size_t)o * ckk + q] += dwt[(size_t)q * oc + o];
}

/* ---- stride 1 in the wide layout (see cl_conv_layer.h) ---- */

void cl_conv_wide_init(cl_conv_wide *g, int c, int h, int w, int ph, int pw, int kh, int kw)
{
    g->c = c, g->h = h, g->w = w, g->ph = ph, g->pw = pw, g->kh = kh, g->kw = kw;
    g->hp = h + 2 * ph;
    g->wp = w + 2 * pw;
    g->oh = g->hp - kh + 1;
    g->ow = g->wp - kw + 1;
    g->q = (g->oh - 1) * g->wp + g->ow;
    /* the kernels read 8 positions from q0 = 8 floor(q / 8) at every offset */
    const size_t qr = ((size_t)g->q + 7) / 8 * 8;
    const size_t off_max = (size_t)(c - 1) * g->hp * g->wp + (size_t)(kh - 1) * g->wp + (kw - 1);
    const size_t plane = (size_t)c * g->hp * g->wp;
    g->xlen = qr + off_max > plane ? qr + off_max : plane;
}

void cl_conv_wide_offsets(const cl_conv_wide *g, int32_t *off)
{
    for (int ch = 0; ch < g->c; ch++)
        for (int u = 0; u < g->kh; u++)
            for (int v = 0; v < g->kw; v++)
                *off++ = (int32_t)(((size_t)ch * g->hp + u) * g->wp + v);
}

void cl_f32_pad_copy_ref(const cl_conv_wide *g, const float *x, float *xin)
{
    memset(xin, 0, sizeof(float) * g->xlen);
    for (int ch = 0; ch < g->c; ch++)
        for (int i = 0; i < g->h; i++)
            memcpy(xin + ((size_t)ch * g->hp + g->ph + i) * g->wp + g->pw,
                   x + ((size_t)ch * g->h + i) * g->w, sizeof(float) * g->w);
}

void cl_f32_conv_wide_ref(const float *xin, const int32_t *off, int ckk, const float *w,
                          const float *bias, int oc, int q, float *yw, int ys)
{
    for (int o = 0; o < oc; o++)
        for (int p = 0; p < q; p++) {
            float acc = bias ? bias[o] : 0.0f;
            for (int t = 0; t < ckk; t++) acc += w[(size_t)o * ckk + t] * xin[(size_t)p + off[t]];
            yw[(size_t)o * ys + p] = acc;
        }
}

void cl_f32_unwide_ref(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y)
{
    for (int o = 0; o < oc; o++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                y[((size_t)o * oh + i) * ow + j] = yw[(size_t)o * ys + (size_t)i * wp + j];
}

void cl_f32_pack_dy_ref(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp)
{
    const int q = (oh - 1) * wp + ow;
    memset(dyp, 0, sizeof(float) * q * ocp);
    for (int o = 0; o < oc; o++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                dyp[((size_t)i * wp + j) * ocp + o] = dy[((size_t)o * oh + i) * ow + j];
}

void cl_f32_conv_wide_dw_ref(const float *xin, const int32_t *off, int ckk, const float *dyp,
                             int q, int ocp, int oc, float *dwt)
{
    for (int t = 0; t < ckk; t++)
        for (int o = 0; o < oc; o++) {
            float acc = 0.0f;
            for (int p = 0; p < q; p++) acc += xin[(size_t)p + off[t]] * dyp[(size_t)p * ocp + o];
            dwt[(size_t)t * ocp + o] += acc;
        }
}

void cl_f32_widen_ref(const float *dy, int oc, int oh, int ow, int wp, int ys, float *dyw)
{
    memset(dyw, 0, sizeof(float) * oc * ys);
    for (int o = 0; o < oc; o++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                dyw[(size_t)o * ys + (size_t)i * wp + j] = dy[((size_t)o * oh + i) * ow + j];
}

void cl_f32_unpad_ref(const cl_conv_wide *g, const float *xin, float *x)
{
    for (int ch = 0; ch < g->c; ch++)
        for (int i = 0; i < g->h; i++)
            for (int j = 0; j < g->w; j++)
                x[((size_t)ch * g->h + i) * g->w + j] =
                    xin[((size_t)ch * g->hp + g->ph + i) * g->wp + g->pw + j];
}

void cl_f32_conv_wide_dx_ref(const float *dyw, int ys, int q, int oc, const float *w,
                             const cl_conv_wide *g, float *dxin)
{
    const int kk = g->kh * g->kw;
    for (int ch = 0; ch < g->c; ch++)
        for (int u = 0; u < g->kh; u++)
            for (int v = 0; v < g->kw; v++) {
                float *d = dxin + ((size_t)ch * g->hp + u) * g->wp + v;
                for (int p = 0; p < q; p++) {
                    float acc = 0.0f;
                    for (int o = 0; o < oc; o++)
                        acc += w[((size_t)o * g->c + ch) * kk + u * g->kw + v] * dyw[(size_t)o * ys + p];
                    d[p] += acc;
                }
            }
}

int cl_conv_layer_wide_fits(const cl_conv_shape *s)
{
    return s->stride == 1 && s->pad <= s->kh - 1 && s->pad <= s->kw - 1;
}

/* Workspace of the wide path, in floats (the int32 offsets counted as floats):
 * xin (the padded x, then dx in the same layout), off, dyp (Q, OCP),
 * dwt (CKK, OCP), dy widened (OC, YS), and the wide output of y. */
typedef struct wide_plan {
    cl_conv_wide fx;
    int ckk, ocp, ys; /* taps, OC rounded up to 8, plane stride of the wide y and dy */
    size_t at_off, at_dyp, at_dwt, at_dyw, at_yw, total;
} wide_plan;

static void wide_plan_init(const cl_conv_shape *s, wide_plan *p)
{
    p->ckk = s->c * s->kh * s->kw;
    p->ocp = (s->oc + 7) / 8 * 8;
    cl_conv_wide_init(&p->fx, s->c, s->h, s->w, s->pad, s->pad, s->kh, s->kw);
    p->ys = (p->fx.q + 7) / 8 * 8;
    p->at_off = p->fx.xlen;
    p->at_dyp = p->at_off + p->ckk;
    p->at_dwt = p->at_dyp + (size_t)p->fx.q * p->ocp;
    p->at_dyw = p->at_dwt + (size_t)p->ckk * p->ocp;
    p->at_yw = p->at_dyw + (size_t)s->oc * p->ys;
    p->total = p->at_yw + (size_t)s->oc * p->ys;
}

#ifdef CL_HAVE_SIMD
void cl_f32_conv_layer_forward_wide(const cl_conv_shape *s, const float *x, const float *w,
                                    const float *bias, float *y, float *work)
{
    assert(cl_conv_layer_wide_fits(s));
    wide_plan p;
    wide_plan_init(s, &p);
    int32_t *off = (int32_t *)(work + p.at_off);
    cl_conv_wide_offsets(&p.fx, off);
    for (int n = 0; n < s->b; n++) {
        cl_f32_pad_copy_wasmsimd(&p.fx, x + (size_t)n * s->c * s->h * s->w, work);
        cl_f32_conv_wide_wasmsimd(work, off, p.ckk, w, bias, s->oc, p.fx.q, work + p.at_yw, p.ys);
        cl_f32_unwide_wasmsimd(work + p.at_yw, p.ys, s->oc, s->oh, s->ow, p.fx.wp,
                               y + (size_t)n * s->oc * s->oh * s->ow);
    }
}

void cl_f32_conv_layer_backward_wide(const cl_conv_shape *s, const float *x, const float *w,
                                     const float *dy, float *dx, float *dw, float *db,
                                     float *work)
{
    assert(cl_conv_layer_wide_fits(s));
    wide_plan p;
    wide_plan_init(s, &p);
    const int oc = s->oc, ckk = p.ckk, np = s->oh * s->ow;
    int32_t *off = (int32_t *)(work + p.at_off);
    float *dyp = work + p.at_dyp, *dwt = work + p.at_dwt, *dyw = work + p.at_dyw;
    cl_conv_wide_offsets(&p.fx, off);
    memset(dwt, 0, sizeof(float) * ckk * p.ocp);
    for (int n = 0; n < s->b; n++) {
        const float *dyb = dy + (size_t)n * oc * np;
        cl_f32_row_sums_wasmsimd(dyb, oc, np, db);
        cl_f32_pad_copy_wasmsimd(&p.fx, x + (size_t)n * s->c * s->h * s->w, work);
        cl_f32_pack_dy_wasmsimd(dyb, oc, s->oh, s->ow, p.fx.wp, p.ocp, dyp);
        cl_f32_conv_wide_dw_wasmsimd(work, off, ckk, dyp, p.fx.q, p.ocp, oc, dwt);
        if (!dx) continue;
        /* dx in the padded layout, built in the buffer of the padded x */
        cl_f32_widen_wasmsimd(dyb, oc, s->oh, s->ow, p.fx.wp, p.ys, dyw);
        memset(work, 0, sizeof(float) * p.fx.xlen);
        cl_f32_conv_wide_dx_wasmsimd(dyw, p.ys, p.fx.q, oc, w, &p.fx, work);
        cl_f32_unpad_wasmsimd(&p.fx, work, dx + (size_t)n * s->c * s->h * s->w);
    }
    for (int o = 0; o < oc; o++)
        for (int t = 0; t < ckk; t++) dw[(size_t)o * ckk + t] += dwt[(size_t)t * p.ocp + o];
}
#endif

size_t cl_conv_layer_workspace(const cl_conv_shape *s)
{
    const size_t ckk = (size_t)s->c * s->kh * s->kw;
    size_t n = ckk * (size_t)s->oh * s->ow + (dw_transposed(s) ? ckk * s->oc : 0);
    if (cl_conv_layer_wide_fits(s)) {
        wide_plan p;
        wide_plan_init(s, &p);
        if (p.total > n) n = p.total;
    }
    return n;
}

/* ---- the dispatch ---- */

void cl_conv_layer_forward(const cl_conv_shape *s, const float *x, const float *w,
                           const float *bias, float *y, float *work)
{
#ifdef CL_HAVE_SIMD
    if (cl_conv_layer_wide_fits(s)) {
        cl_f32_conv_layer_forward_wide(s, x, w, bias, y, work);
        return;
    }
#endif
    cl_f32_conv_layer_forward_im2col(s, x, w, bias, y, work);
}

void cl_conv_layer_backward(const cl_conv_shape *s, const float *x, const float *w,
                            const float *dy, float *dx, float *dw, float *db, float *work)
{
#ifdef CL_HAVE_SIMD
    if (cl_conv_layer_wide_fits(s)) {
        cl_f32_conv_layer_backward_wide(s, x, w, dy, dx, dw, db, work);
        return;
    }
#endif
    cl_f32_conv_layer_backward_im2col(s, x, w, dy, dx, dw, db, work);
}
