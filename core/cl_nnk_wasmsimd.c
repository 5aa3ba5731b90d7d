/* cl_nnk_wasmsimd.c - the conv layer's data movement and 2 x 2 max-pooling
 * with WASM SIMD128 intrinsics (see cl_nnk.h). The arithmetic of the conv
 * layer is in the GEMM; what is here moves rows of 4 floats at a time, with
 * scalar loops for the ends of each row. */
#include "cl_nnk.h"
#include "cl_conv.h"
#include "cl_simd.h"

#include <assert.h>

/* The 4 x 8 tile's rank-1 update, c[r][j] += a_r * b[j], with a_r loaded from
 * p0..p3 and b in the vectors b0, b1: on the accumulators c00 .. c31 of the
 * caller. A macro rather than a function taking an array, because V8 kept
 * such arrays in memory instead of registers. */
#define TILE_4x8_UPDATE(p0, p1, p2, p3)                               \
    do {                                                              \
        v128_t a_ = wasm_v128_load32_splat(p0);                       \
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a_, b0));            \
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a_, b1));            \
        a_ = wasm_v128_load32_splat(p1);                              \
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a_, b0));            \
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a_, b1));            \
        a_ = wasm_v128_load32_splat(p2);                              \
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a_, b0));            \
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a_, b1));            \
        a_ = wasm_v128_load32_splat(p3);                              \
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a_, b0));            \
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a_, b1));            \
    } while (0)


static void zero_floats(float *p, size_t n)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4) wasm_v128_store(p + j, wasm_f32x4_splat(0.0f));
    for (; j < n; j++) p[j] = 0.0f;
}

void cl_f32_im2col_wasmsimd(const cl_conv_shape *s, const float *x, float *col)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    for (int ch = 0; ch < s->c; ch++)
        for (int u = 0; u < s->kh; u++)
            for (int v = 0; v < s->kw; v++) {
                const int off = v - s->pad;
                int lo, hi;
                cl_inside_cols(s->w, ow, st, off, &lo, &hi);
                for (int i = 0; i < oh; i++, col += ow) {
                    const int iy = i * st - s->pad + u;
                    if (iy < 0 || iy >= s->h) {
                        zero_floats(col, ow);
                        continue;
                    }
                    const float *xr = x + ((size_t)ch * s->h + iy) * s->w + (lo * st + off);
                    for (int j = 0; j < lo; j++) col[j] = 0.0f;
                    int j = lo;
                    if (st == 1) {
                        for (; j + 8 <= hi; j += 8) {
                            wasm_v128_store(col + j, wasm_v128_load(xr + (j - lo)));
                            wasm_v128_store(col + j + 4, wasm_v128_load(xr + (j - lo) + 4));
                        }
                        for (; j + 4 <= hi; j += 4)
                            wasm_v128_store(col + j, wasm_v128_load(xr + (j - lo)));
                        for (; j < hi; j++) col[j] = xr[j - lo];
                    } else if (st == 2) {
                        /* the even floats of 8 consecutive inputs, all 8 inside the row */
                        const int c0 = lo * st + off;
                        for (; j + 4 <= hi && c0 + 2 * (j - lo) + 8 <= s->w; j += 4) {
                            const v128_t a = wasm_v128_load(xr + 2 * (j - lo)),
                                         b = wasm_v128_load(xr + 2 * (j - lo) + 4);
                            wasm_v128_store(col + j, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
                        }
                        for (; j < hi; j++) col[j] = xr[2 * (j - lo)];
                    } else {
                        for (; j < hi; j++) col[j] = xr[(j - lo) * st];
                    }
                    for (j = hi; j < ow; j++) col[j] = 0.0f;
                }
            }
}

void cl_f32_col2im_wasmsimd(const cl_conv_shape *s, const float *col, float *dx)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    zero_floats(dx, (size_t)s->c * s->h * s->w);
    for (int ch = 0; ch < s->c; ch++)
        for (int u = 0; u < s->kh; u++)
            for (int v = 0; v < s->kw; v++) {
                const int off = v - s->pad;
                int lo, hi;
                cl_inside_cols(s->w, ow, st, off, &lo, &hi);
                for (int i = 0; i < oh; i++, col += ow) {
                    const int iy = i * st - s->pad + u;
                    if (iy < 0 || iy >= s->h || lo == hi) continue;
                    float *xr = dx + ((size_t)ch * s->h + iy) * s->w + (lo * st + off);
                    int j = lo;
                    if (st == 1) {
                        for (; j + 4 <= hi; j += 4)
                            wasm_v128_store(xr + (j - lo), wasm_f32x4_add(wasm_v128_load(xr + (j - lo)),
                                                                          wasm_v128_load(col + j)));
                    }
                    for (; j < hi; j++) xr[(j - lo) * st] += col[j];
                }
            }
}

void cl_f32_row_sums_wasmsimd(const float *a, int rows, int cols, float *sums)
{
    for (int r = 0; r < rows; r++, a += cols) {
        v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0;
        int j = 0;
        for (; j + 8 <= cols; j += 8) {
            acc0 = wasm_f32x4_add(acc0, wasm_v128_load(a + j));
            acc1 = wasm_f32x4_add(acc1, wasm_v128_load(a + j + 4));
        }
        acc0 = wasm_f32x4_add(acc0, acc1);
        float t = wasm_f32x4_extract_lane(acc0, 0) + wasm_f32x4_extract_lane(acc0, 1) +
                  wasm_f32x4_extract_lane(acc0, 2) + wasm_f32x4_extract_lane(acc0, 3);
        for (; j < cols; j++) t += a[j];
        sums[r] += t;
    }
}

/* ---- max-pooling with 2 x 2 windows: 4 outputs (8 inputs of 2 rows) per step ---- */

void cl_f32_maxpool_forward_wasmsimd(const float *x, int b, int c, int h, int w, int k, float *y,
                                     int32_t *argmax)
{
    if (k != 2) {
        cl_f32_maxpool_forward_ref(x, b, c, h, w, k, y, argmax);
        return;
    }
    const int oh = h / 2, ow = w / 2;
    const v128_t lane2 = wasm_i32x4_make(0, 2, 4, 6);
    for (int pl = 0; pl < b * c; pl++) {
        const int32_t plane0 = (int32_t)pl * h * w;
        for (int i = 0; i < oh; i++) {
            const float *r0 = x + (size_t)plane0 + (size_t)(2 * i) * w, *r1 = r0 + w;
            float *yr = y + ((size_t)pl * oh + i) * ow;
            int32_t *ar = argmax + ((size_t)pl * oh + i) * ow;
            const int32_t row0 = plane0 + 2 * i * w;
            int j = 0;
            for (; j + 4 <= ow; j += 4) {
                const v128_t a = wasm_v128_load(r0 + 2 * j), a2 = wasm_v128_load(r0 + 2 * j + 4);
                const v128_t d = wasm_v128_load(r1 + 2 * j), d2 = wasm_v128_load(r1 + 2 * j + 4);
                const v128_t e0 = wasm_i32x4_shuffle(a, a2, 0, 2, 4, 6);
                const v128_t o0 = wasm_i32x4_shuffle(a, a2, 1, 3, 5, 7);
                const v128_t e1 = wasm_i32x4_shuffle(d, d2, 0, 2, 4, 6);
                const v128_t o1 = wasm_i32x4_shuffle(d, d2, 1, 3, 5, 7);
                /* the maximum, then the first candidate (row-major) equal to it */
                const v128_t best = wasm_f32x4_pmax(wasm_f32x4_pmax(e0, o0), wasm_f32x4_pmax(e1, o1));
                const v128_t i0 = wasm_i32x4_add(wasm_i32x4_splat(row0 + 2 * j), lane2);
                v128_t idx = wasm_i32x4_add(i0, wasm_i32x4_splat(w + 1));
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(w)), idx,
                                          wasm_f32x4_eq(e1, best));
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(1)), idx,
                                          wasm_f32x4_eq(o0, best));
                idx = wasm_v128_bitselect(i0, idx, wasm_f32x4_eq(e0, best));
                wasm_v128_store(yr + j, best);
                wasm_v128_store(ar + j, idx);
            }
            for (; j < ow; j++) {
                int32_t at = row0 + 2 * j;
                const int32_t cand[3] = {at + 1, at + w, at + w + 1};
                for (int q = 0; q < 3; q++)
                    if (x[cand[q]] > x[at]) at = cand[q];
                yr[j] = x[at];
                ar[j] = at;
            }
        }
    }
}

void cl_f32_maxpool_backward_wasmsimd(const float *dy, const int32_t *argmax, int b, int c, int h,
                                      int w, int k, float *dx)
{
    /* clearing dx with vector stores, then one scalar store per output, beats
     * building every input pixel from compares (measured in V8) */
    const size_t ny = (size_t)b * c * (h / k) * (w / k);
    zero_floats(dx, (size_t)b * c * h * w);
    for (size_t o = 0; o < ny; o++) dx[argmax[o]] = dy[o];
}

/* ---- stride 1 in the wide layout (see cl_nnk.h) ---- */

/* d[0 .. 8) += (lo, hi) */
static inline void add_pair(float *d, v128_t lo, v128_t hi)
{
    wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), lo));
    wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), hi));
}

/* dst[0 .. n) = src[0 .. n), n small (a row) */
static inline void copy_floats(float *dst, const float *src, int n)
{
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        wasm_v128_store(dst + j, wasm_v128_load(src + j));
        wasm_v128_store(dst + j + 4, wasm_v128_load(src + j + 4));
    }
    for (; j + 4 <= n; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
    for (; j < n; j++) dst[j] = src[j];
}

void cl_f32_pad_copy_wasmsimd(const cl_conv_wide *g, const float *x, float *xin)
{
    float *d = xin;
    for (int ch = 0; ch < g->c; ch++) {
        zero_floats(d, (size_t)g->ph * g->wp);
        d += (size_t)g->ph * g->wp;
        for (int i = 0; i < g->h; i++, d += g->wp, x += g->w) {
            for (int j = 0; j < g->pw; j++) d[j] = 0.0f;
            copy_floats(d + g->pw, x, g->w);
            for (int j = g->pw + g->w; j < g->wp; j++) d[j] = 0.0f;
        }
        zero_floats(d, (size_t)g->ph * g->wp);
        d += (size_t)g->ph * g->wp;
    }
    zero_floats(d, g->xlen - (size_t)(d - xin));
}

/* 4 output channels x 8 positions per tile, accumulators in registers; the
 * 8 inputs of a tap are one unaligned load pair from the padded image. Every
 * tile is stored whole into the wide output (the dropped columns included). */
void cl_f32_conv_wide_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *w,
                               const float *bias, int oc, int q, float *yw, int ys)
{
    float tile[4 * 8];
    for (int q0 = 0; q0 < q; q0 += 8) {
        const float *xq = xin + q0;
        for (int o0 = 0; o0 < oc; o0 += 4) {
            const int mr = oc - o0 < 4 ? oc - o0 : 4;
            /* rows past oc repeat the last one; their results are dropped */
            const int r1 = mr > 1 ? 1 : 0, r2 = mr > 2 ? 2 : mr - 1, r3 = mr - 1;
            const float *w0 = w + (size_t)o0 * ckk, *w1 = w0 + (size_t)r1 * ckk,
                        *w2 = w0 + (size_t)r2 * ckk, *w3 = w0 + (size_t)r3 * ckk;
            v128_t c00, c01, c10, c11, c20, c21, c30, c31;
            if (bias) {
                c00 = c01 = wasm_f32x4_splat(bias[o0]);
                c10 = c11 = wasm_f32x4_splat(bias[o0 + r1]);
                c20 = c21 = wasm_f32x4_splat(bias[o0 + r2]);
                c30 = c31 = wasm_f32x4_splat(bias[o0 + r3]);
            } else {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
            }
            for (int t = 0; t < ckk; t++) {
                const float *xp = xq + off[t];
                const v128_t b0 = wasm_v128_load(xp), b1 = wasm_v128_load(xp + 4);
                TILE_4x8_UPDATE(w0 + t, w1 + t, w2 + t, w3 + t);
            }
            float *yo = yw + (size_t)o0 * ys + q0;
            if (mr == 4) {
                wasm_v128_store(yo, c00), wasm_v128_store(yo + 4, c01);
                wasm_v128_store(yo + ys, c10), wasm_v128_store(yo + ys + 4, c11);
                wasm_v128_store(yo + 2 * (size_t)ys, c20), wasm_v128_store(yo + 2 * (size_t)ys + 4, c21);
                wasm_v128_store(yo + 3 * (size_t)ys, c30), wasm_v128_store(yo + 3 * (size_t)ys + 4, c31);
                continue;
            }
            wasm_v128_store(tile, c00), wasm_v128_store(tile + 4, c01);
            wasm_v128_store(tile + 8, c10), wasm_v128_store(tile + 12, c11);
            wasm_v128_store(tile + 16, c20), wasm_v128_store(tile + 20, c21);
            for (int r = 0; r < mr; r++) copy_floats(yo + (size_t)r * ys, tile + r * 8, 8);
        }
    }
}

void cl_f32_unwide_wasmsimd(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y)
{
    for (int o = 0; o < oc; o++)
        for (int i = 0; i < oh; i++, y += ow) copy_floats(y, yw + (size_t)o * ys + (size_t)i * wp, ow);
}

void cl_f32_pack_dy_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp)
{
    const int qn = (oh - 1) * wp + ow;
    zero_floats(dyp, (size_t)qn * ocp);
    const size_t plane = (size_t)oh * ow;
    int o = 0;
    for (; o + 4 <= oc; o += 4)
        for (int i = 0; i < oh; i++) {
            const float *s0 = dy + (size_t)o * plane + (size_t)i * ow;
            float *d = dyp + (size_t)i * wp * ocp + o;
            int j = 0;
            for (; j + 4 <= ow; j += 4) {
                /* 4 channels x 4 columns, transposed to 4 positions x 4 channels */
                const v128_t r0 = wasm_v128_load(s0 + j), r1 = wasm_v128_load(s0 + plane + j),
                             r2 = wasm_v128_load(s0 + 2 * plane + j),
                             r3 = wasm_v128_load(s0 + 3 * plane + j);
                const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
                const v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
                const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
                const v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
                wasm_v128_store(d + (size_t)j * ocp, wasm_i64x2_shuffle(t0, t2, 0, 2));
                wasm_v128_store(d + (size_t)(j + 1) * ocp, wasm_i64x2_shuffle(t0, t2, 1, 3));
                wasm_v128_store(d + (size_t)(j + 2) * ocp, wasm_i64x2_shuffle(t1, t3, 0, 2));
                wasm_v128_store(d + (size_t)(j + 3) * ocp, wasm_i64x2_shuffle(t1, t3, 1, 3));
            }
            for (; j < ow; j++)
                for (int r = 0; r < 4; r++) d[(size_t)j * ocp + r] = s0[r * plane + j];
        }
    for (; o < oc; o++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                dyp[((size_t)i * wp + j) * ocp + o] = dy[o * plane + (size_t)i * ow + j];
}

/* 4 taps x 8 output channels per tile, summed over the positions q; the
 * last taps (ckk % 4) one at a time rather than padded to 4. */
void cl_f32_conv_wide_dw_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *dyp,
                                  int q, int ocp, int oc, float *dwt)
{
    (void)oc; /* dyp is zero for o >= oc, so whole vectors of 8 are summed */
    int t0 = 0;
    for (; t0 + 4 <= ckk; t0 += 4) {
        const float *x0 = xin + off[t0], *x1 = xin + off[t0 + 1], *x2 = xin + off[t0 + 2],
                    *x3 = xin + off[t0 + 3];
        for (int o0 = 0; o0 < ocp; o0 += 8) {
            v128_t c00, c01, c10, c11, c20, c21, c30, c31;
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
            const float *bp = dyp + o0;
            for (int p = 0; p < q; p++, bp += ocp) {
                const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
                TILE_4x8_UPDATE(x0 + p, x1 + p, x2 + p, x3 + p);
            }
            float *d = dwt + (size_t)t0 * ocp + o0;
            add_pair(d, c00, c01);
            add_pair(d + ocp, c10, c11);
            add_pair(d + 2 * (size_t)ocp, c20, c21);
            add_pair(d + 3 * (size_t)ocp, c30, c31);
        }
    }
    /* the last taps (ckk % 4) one at a time */
    for (; t0 < ckk; t0++) {
        const float *x0 = xin + off[t0];
        for (int o0 = 0; o0 < ocp; o0 += 8) {
            v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00;
            const float *bp = dyp + o0;
            for (int p = 0; p < q; p++, bp += ocp) {
                const v128_t a = wasm_v128_load32_splat(x0 + p);
                c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, wasm_v128_load(bp)));
                c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, wasm_v128_load(bp + 4)));
            }
            add_pair(dwt + (size_t)t0 * ocp + o0, c00, c01);
        }
    }
}

void cl_f32_widen_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ys, float *dyw)
{
    for (int o = 0; o < oc; o++, dyw += ys) {
        float *d = dyw;
        for (int i = 0; i < oh; i++, d += wp, dy += ow) {
            copy_floats(d, dy, ow);
            for (int j = ow; j < wp && i * wp + j < ys; j++) d[j] = 0.0f;
        }
        const int used = (oh - 1) * wp + ow;
        zero_floats(dyw + used, (size_t)(ys - used));
    }
}

void cl_f32_unpad_wasmsimd(const cl_conv_wide *g, const float *xin, float *x)
{
    for (int ch = 0; ch < g->c; ch++)
        for (int i = 0; i < g->h; i++, x += g->w)
            copy_floats(x, xin + ((size_t)ch * g->hp + g->ph + i) * g->wp + g->pw, g->w);
}

/* 4 input channels x 8 positions per tile: for one tap (u, v) the sum over
 * the output channels stays in registers, then is added into dxin shifted by
 * the tap. Taps are the outer loop, so that consecutive read-add-writes of
 * dxin never overlap (a partly overlapping load after a store stalls). */
void cl_f32_conv_wide_dx_wasmsimd(const float *dyw, int ys, int q, int oc, const float *w,
                                  const cl_conv_wide *g, float *dxin)
{
    const int c = g->c, kk = g->kh * g->kw;
    const size_t plane = (size_t)g->hp * g->wp, wo = (size_t)c * kk; /* w's stride per o */
    for (int c0 = 0; c0 < c; c0 += 4) {
        const int mr = c - c0 < 4 ? c - c0 : 4;
        const int r1 = mr > 1 ? 1 : 0, r2 = mr > 2 ? 2 : mr - 1, r3 = mr - 1;
        for (int u = 0; u < g->kh; u++)
            for (int v = 0; v < g->kw; v++) {
                const int t = u * g->kw + v;
                const size_t k1 = (size_t)r1 * kk, k2 = (size_t)r2 * kk, k3 = (size_t)r3 * kk;
                float *d0 = dxin + (size_t)c0 * plane + (size_t)u * g->wp + v;
                for (int q0 = 0; q0 < q; q0 += 8) {
                    v128_t c00, c01, c10, c11, c20, c21, c30, c31;
                    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
                    const float *bp = dyw + q0, *wq = w + (size_t)c0 * kk + t;
                    for (int o = 0; o < oc; o++, bp += ys, wq += wo) {
                        const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
                        TILE_4x8_UPDATE(wq, wq + k1, wq + k2, wq + k3);
                    }
                    float *d = d0 + q0;
                    add_pair(d, c00, c01);
                    if (mr > 1) add_pair(d + plane, c10, c11);
                    if (mr > 2) add_pair(d + 2 * plane, c20, c21);
                    if (mr > 3) add_pair(d + 3 * plane, c30, c31);
                }
            }
    }
}
