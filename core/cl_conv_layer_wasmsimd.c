/* cl_conv_layer_wasmsimd.c - the conv layer's building blocks with WASM
 * SIMD128 intrinsics (see cl_conv_layer.h): im2col, col2im and the row sums
 * of the im2col path, whose arithmetic is all in the GEMM, and the kernels of
 * the stride-1 wide path. Rows move 8 or 4 floats at a time; each row ends
 * with the reference's loop (the tail rule of cl_simd.h). */
#include "cl_conv_layer.h"
#include "cl_simd.h"

#include <assert.h>

/* ---- im2col ---- */

void cl_f32_im2col_wasmsimd(const cl_conv_shape *s, const float *x, float *col)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    for (int t = 0; t < s->c * s->kh * s->kw; t++) {
        const cl_col_tap tp = cl_col_tap_at(s, t);
        const int lo = tp.lo, hi = tp.hi;
        for (int i = 0; i < oh; i++, col += ow) {
            const int iy = i * st - s->pad + tp.u;
            if (iy < 0 || iy >= s->h) {
                cl_simd_zero_f32(col, (size_t)ow);
                continue;
            }
            const float *xr = x + ((size_t)tp.ch * s->h + iy) * s->w + (lo * st + tp.off);
            for (int j = 0; j < lo; j++) col[j] = 0.0f;
            int j = lo;
            if (st == 1) {
                cl_simd_copy_f32(col + lo, xr, (size_t)(hi - lo));
                j = hi;
            } else if (st == 2) {
                /* the even floats of 8 consecutive inputs, all 8 inside the row */
                const int c0 = lo * st + tp.off;
                for (; j + 4 <= hi && c0 + 2 * (j - lo) + 8 <= s->w; j += 4) {
                    const v128_t a = wasm_v128_load(xr + 2 * (j - lo)),
                                 b = wasm_v128_load(xr + 2 * (j - lo) + 4);
                    wasm_v128_store(col + j, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
                }
            }
            for (; j < hi; j++) col[j] = xr[(j - lo) * st];
            for (j = hi; j < ow; j++) col[j] = 0.0f;
        }
    }
}

void cl_f32_col2im_wasmsimd(const cl_conv_shape *s, const float *col, float *dx)
{
    const int oh = s->oh, ow = s->ow, st = s->stride;
    cl_simd_zero_f32(dx, (size_t)s->c * s->h * s->w);
    for (int t = 0; t < s->c * s->kh * s->kw; t++) {
        const cl_col_tap tp = cl_col_tap_at(s, t);
        const int lo = tp.lo, hi = tp.hi;
        for (int i = 0; i < oh; i++, col += ow) {
            const int iy = i * st - s->pad + tp.u;
            if (iy < 0 || iy >= s->h || lo == hi) continue;
            float *xr = dx + ((size_t)tp.ch * s->h + iy) * s->w + (lo * st + tp.off);
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

/* ---- stride 1 in the wide layout (see cl_conv_layer.h) ---- */

/* d[0 .. 8) += (lo, hi) */
static inline void add_pair(float *d, v128_t lo, v128_t hi)
{
    wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), lo));
    wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), hi));
}

void cl_f32_pad_copy_wasmsimd(const cl_conv_wide *g, const float *x, float *xin)
{
    float *d = xin;
    for (int ch = 0; ch < g->c; ch++) {
        cl_simd_zero_f32(d, (size_t)g->ph * g->wp);
        d += (size_t)g->ph * g->wp;
        for (int i = 0; i < g->h; i++, d += g->wp, x += g->w) {
            for (int j = 0; j < g->pw; j++) d[j] = 0.0f;
            cl_simd_copy_f32(d + g->pw, x, g->w);
            for (int j = g->pw + g->w; j < g->wp; j++) d[j] = 0.0f;
        }
        cl_simd_zero_f32(d, (size_t)g->ph * g->wp);
        d += (size_t)g->ph * g->wp;
    }
    cl_simd_zero_f32(d, g->xlen - (size_t)(d - xin));
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
                CL_SIMD_TILE_4X8_UPDATE(w0 + t, w1 + t, w2 + t, w3 + t);
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
            for (int r = 0; r < mr; r++) cl_simd_copy_f32(yo + (size_t)r * ys, tile + r * 8, 8);
        }
    }
}

void cl_f32_unwide_wasmsimd(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y)
{
    for (int o = 0; o < oc; o++)
        for (int i = 0; i < oh; i++, y += ow) cl_simd_copy_f32(y, yw + (size_t)o * ys + (size_t)i * wp, ow);
}

void cl_f32_pack_dy_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp)
{
    const int qn = (oh - 1) * wp + ow;
    cl_simd_zero_f32(dyp, (size_t)qn * ocp);
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
                CL_SIMD_TILE_4X8_UPDATE(x0 + p, x1 + p, x2 + p, x3 + p);
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
                c00 = CL_F32X4_MADD(c00, a, wasm_v128_load(bp));
                c01 = CL_F32X4_MADD(c01, a, wasm_v128_load(bp + 4));
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
            cl_simd_copy_f32(d, dy, ow);
            for (int j = ow; j < wp && i * wp + j < ys; j++) d[j] = 0.0f;
        }
        const int used = (oh - 1) * wp + ow;
        cl_simd_zero_f32(dyw + used, (size_t)(ys - used));
    }
}

void cl_f32_unpad_wasmsimd(const cl_conv_wide *g, const float *xin, float *x)
{
    for (int ch = 0; ch < g->c; ch++)
        for (int i = 0; i < g->h; i++, x += g->w)
            cl_simd_copy_f32(x, xin + ((size_t)ch * g->hp + g->ph + i) * g->wp + g->pw, g->w);
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
                        CL_SIMD_TILE_4X8_UPDATE(wq, wq + k1, wq + k2, wq + k3);
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
