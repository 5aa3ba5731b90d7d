/* cl_nnk_wasmsimd.c - the conv layer's data movement and 2 x 2 max-pooling
 * with WASM SIMD128 intrinsics (see cl_nnk.h). The arithmetic of the conv
 * layer is in the GEMM; what is here moves rows of 4 floats at a time, with
 * scalar loops for the ends of each row. */
#include "cl_nnk.h"
#include "cl_simd.h"

#include <assert.h>

/* Output columns j (of ow) whose input column j * st + off lies in [0, w). */
static void inside_cols(int w, int ow, int st, int off, int *lo, int *hi)
{
    int j_lo = off >= 0 ? 0 : (-off + st - 1) / st;
    int j_hi = w - 1 - off < 0 ? 0 : (w - 1 - off) / st + 1;
    if (j_hi > ow) j_hi = ow;
    if (j_lo > j_hi) j_lo = j_hi;
    *lo = j_lo;
    *hi = j_hi;
}

static void zero_floats(float *p, int n)
{
    int j = 0;
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
                inside_cols(s->w, ow, st, off, &lo, &hi);
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
    zero_floats(dx, s->c * s->h * s->w);
    for (int ch = 0; ch < s->c; ch++)
        for (int u = 0; u < s->kh; u++)
            for (int v = 0; v < s->kw; v++) {
                const int off = v - s->pad;
                int lo, hi;
                inside_cols(s->w, ow, st, off, &lo, &hi);
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
                /* candidates in row-major order, so the first maximum wins ties */
                const v128_t e0 = wasm_i32x4_shuffle(a, a2, 0, 2, 4, 6);
                const v128_t o0 = wasm_i32x4_shuffle(a, a2, 1, 3, 5, 7);
                const v128_t e1 = wasm_i32x4_shuffle(d, d2, 0, 2, 4, 6);
                const v128_t o1 = wasm_i32x4_shuffle(d, d2, 1, 3, 5, 7);
                const v128_t i0 = wasm_i32x4_add(wasm_i32x4_splat(row0 + 2 * j), lane2);
                v128_t best = e0, idx = i0;
                v128_t m = wasm_f32x4_gt(o0, best);
                best = wasm_v128_bitselect(o0, best, m);
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(1)), idx, m);
                m = wasm_f32x4_gt(e1, best);
                best = wasm_v128_bitselect(e1, best, m);
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(w)), idx, m);
                m = wasm_f32x4_gt(o1, best);
                best = wasm_v128_bitselect(o1, best, m);
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(w + 1)), idx, m);
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
    if (k != 2) {
        cl_f32_maxpool_backward_ref(dy, argmax, b, c, h, w, k, dx);
        return;
    }
    /* every input pixel written once: the gradient where it was the window's
     * maximum, zero elsewhere (including rows and columns past the last window) */
    const int oh = h / 2, ow = w / 2;
    const v128_t lane2 = wasm_i32x4_make(0, 2, 4, 6);
    for (int pl = 0; pl < b * c; pl++) {
        const int32_t plane0 = (int32_t)pl * h * w;
        float *xp = dx + (size_t)plane0;
        for (int i = 0; i < oh; i++) {
            float *r0 = xp + (size_t)(2 * i) * w, *r1 = r0 + w;
            const float *gr = dy + ((size_t)pl * oh + i) * ow;
            const int32_t *ar = argmax + ((size_t)pl * oh + i) * ow;
            const int32_t row0 = plane0 + 2 * i * w;
            int j = 0;
            for (; j + 4 <= ow; j += 4) {
                const v128_t g = wasm_v128_load(gr + j), am = wasm_v128_load(ar + j);
                const v128_t i0 = wasm_i32x4_add(wasm_i32x4_splat(row0 + 2 * j), lane2);
                const v128_t ge0 = wasm_v128_and(g, wasm_i32x4_eq(am, i0));
                const v128_t go0 = wasm_v128_and(g, wasm_i32x4_eq(am, wasm_i32x4_add(i0, wasm_i32x4_splat(1))));
                const v128_t ge1 = wasm_v128_and(g, wasm_i32x4_eq(am, wasm_i32x4_add(i0, wasm_i32x4_splat(w))));
                const v128_t go1 =
                    wasm_v128_and(g, wasm_i32x4_eq(am, wasm_i32x4_add(i0, wasm_i32x4_splat(w + 1))));
                wasm_v128_store(r0 + 2 * j, wasm_i32x4_shuffle(ge0, go0, 0, 4, 1, 5));
                wasm_v128_store(r0 + 2 * j + 4, wasm_i32x4_shuffle(ge0, go0, 2, 6, 3, 7));
                wasm_v128_store(r1 + 2 * j, wasm_i32x4_shuffle(ge1, go1, 0, 4, 1, 5));
                wasm_v128_store(r1 + 2 * j + 4, wasm_i32x4_shuffle(ge1, go1, 2, 6, 3, 7));
            }
            for (; j < ow; j++) {
                const int32_t at = row0 + 2 * j;
                r0[2 * j] = ar[j] == at ? gr[j] : 0.0f;
                r0[2 * j + 1] = ar[j] == at + 1 ? gr[j] : 0.0f;
                r1[2 * j] = ar[j] == at + w ? gr[j] : 0.0f;
                r1[2 * j + 1] = ar[j] == at + w + 1 ? gr[j] : 0.0f;
            }
            for (j = 2 * ow; j < w; j++) r0[j] = r1[j] = 0.0f;
        }
        zero_floats(xp + (size_t)(2 * oh) * w, (h - 2 * oh) * w);
    }
}
