/* cl_conv_wasmsimd.c - the convolution plane with WASM SIMD128 intrinsics.
 *
 * Each output row is split into border columns, whose taps may fall into the
 * padding (done one output at a time, like the reference), and interior
 * columns, where every tap is inside the row: those are done 8 then 4 at a
 * time, with the accumulators in registers and the rows of the kernel that
 * fall into zero padding skipped. Additions follow the reference's order
 * (rows k1, then columns k2), so results match it bit for bit. */
#include "cl_conv.h"
#include "cl_simd.h"

#include <assert.h>

/* One output value, taps mapped through the padding: the reference's loop body. */
static float conv_point(const float *x, int h, int w, const float *wt, int k1, int k2,
                        float init, int pad, int y0, int x0)
{
    float acc = init;
    for (int a = 0; a < k1; a++) {
        int iy = cl_pad_index(y0 + a, h, pad);
        if (iy < 0) continue;
        for (int b = 0; b < k2; b++) {
            int ix = cl_pad_index(x0 + b, w, pad);
            if (ix < 0) continue;
            acc += wt[a * k2 + b] * x[(size_t)iy * w + ix];
        }
    }
    return acc;
}

/* Loads the 4 inputs of 4 consecutive outputs: p[0], p[s], p[2s], p[3s]. */
static inline v128_t load_strided(const float *p, int s)
{
    if (s == 1) return wasm_v128_load(p);
    return wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]);
}

/* 3 x 3, stride 1, three rows present: the case the pages use most, with the
 * nine weights held in registers. Returns the first column it did not do. */
static int interior_3x3(const float *r0, const float *r1, const float *r2, int off,
                        const float *wt, int lo, int hi, int accumulate, float bias, float *zr)
{
    const v128_t w00 = wasm_f32x4_splat(wt[0]), w01 = wasm_f32x4_splat(wt[1]),
                 w02 = wasm_f32x4_splat(wt[2]), w10 = wasm_f32x4_splat(wt[3]),
                 w11 = wasm_f32x4_splat(wt[4]), w12 = wasm_f32x4_splat(wt[5]),
                 w20 = wasm_f32x4_splat(wt[6]), w21 = wasm_f32x4_splat(wt[7]),
                 w22 = wasm_f32x4_splat(wt[8]);
    const v128_t vb = wasm_f32x4_splat(bias);
    int j = lo;
    for (; j + 8 <= hi; j += 8) {
        v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
        v128_t a1 = accumulate ? wasm_v128_load(zr + j + 4) : vb;
#define TAP(row, col, wv)                                                              \
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wv, wasm_v128_load(row + (j + off + col))));       \
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wv, wasm_v128_load(row + (j + off + 4 + col))));
        TAP(r0, 0, w00) TAP(r0, 1, w01) TAP(r0, 2, w02)
        TAP(r1, 0, w10) TAP(r1, 1, w11) TAP(r1, 2, w12)
        TAP(r2, 0, w20) TAP(r2, 1, w21) TAP(r2, 2, w22)
#undef TAP
        wasm_v128_store(zr + j, a0);
        wasm_v128_store(zr + j + 4, a1);
    }
    for (; j + 4 <= hi; j += 4) {
        v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
#define TAP(row, col, wv) a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wv, wasm_v128_load(row + (j + off + col))));
        TAP(r0, 0, w00) TAP(r0, 1, w01) TAP(r0, 2, w02)
        TAP(r1, 0, w10) TAP(r1, 1, w11) TAP(r1, 2, w12)
        TAP(r2, 0, w20) TAP(r2, 1, w21) TAP(r2, 2, w22)
#undef TAP
        wasm_v128_store(zr + j, a0);
    }
    return j;
}

void cl_f32_conv2d_plane_wasmsimd(const float *x, int h, int w, const float *wt, int k1, int k2,
                                  float bias, int pad, int stride, int accumulate,
                                  float *z, int oh, int ow)
{
    assert(k1 >= 1 && k1 <= CL_MAX_KERNEL && k2 >= 1 && k2 <= CL_MAX_KERNEL);
    const int s = stride;
    const int p1 = cl_conv_pad_before(k1, pad), p2 = cl_conv_pad_before(k2, pad);

    /* interior columns: every tap j2*s - p2 + b, 0 <= b < k2, lies in [0, w) */
    int lo = (p2 + s - 1) / s;
    int last = w - k2 + p2; /* largest allowed j2 * s */
    int hi = last < 0 ? 0 : last / s + 1;
    if (hi > ow) hi = ow;
    if (lo > hi) lo = hi;

    v128_t wv[CL_MAX_KERNEL * CL_MAX_KERNEL];
    for (int t = 0; t < k1 * k2; t++) wv[t] = wasm_f32x4_splat(wt[t]);

    const float *rows[CL_MAX_KERNEL]; /* input rows that are not zero padding */
    int wrow[CL_MAX_KERNEL];          /* which kernel row goes with it */

    for (int j1 = 0; j1 < oh; j1++) {
        float *zr = z + (size_t)j1 * ow;
        const int y0 = j1 * s - p1;
        int nrows = 0;
        for (int a = 0; a < k1; a++) {
            int iy = cl_pad_index(y0 + a, h, pad);
            if (iy < 0) continue;
            rows[nrows] = x + (size_t)iy * w;
            wrow[nrows] = a;
            nrows++;
        }

        for (int j2 = 0; j2 < lo; j2++)
            zr[j2] = conv_point(x, h, w, wt, k1, k2, accumulate ? zr[j2] : bias, pad, y0,
                                j2 * s - p2);

        int j = lo;
        if (s == 1 && k1 == 3 && k2 == 3 && nrows == 3 && hi > lo)
            j = interior_3x3(rows[0], rows[1], rows[2], -p2, wt, lo, hi, accumulate, bias, zr);
        const v128_t vb = wasm_f32x4_splat(bias);
        for (; j + 8 <= hi; j += 8) {
            v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
            v128_t a1 = accumulate ? wasm_v128_load(zr + j + 4) : vb;
            for (int r = 0; r < nrows; r++) {
                const float *xp = rows[r] + ((size_t)j * s - p2);
                const v128_t *wr = wv + wrow[r] * k2;
                for (int b = 0; b < k2; b++) {
                    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wr[b], load_strided(xp + b, s)));
                    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wr[b], load_strided(xp + 4 * s + b, s)));
                }
            }
            wasm_v128_store(zr + j, a0);
            wasm_v128_store(zr + j + 4, a1);
        }
        for (; j + 4 <= hi; j += 4) {
            v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
            for (int r = 0; r < nrows; r++) {
                const float *xp = rows[r] + ((size_t)j * s - p2);
                const v128_t *wr = wv + wrow[r] * k2;
                for (int b = 0; b < k2; b++)
                    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wr[b], load_strided(xp + b, s)));
            }
            wasm_v128_store(zr + j, a0);
        }
        /* interior tail and right border, one output at a time */
        for (; j < ow; j++)
            zr[j] = conv_point(x, h, w, wt, k1, k2, accumulate ? zr[j] : bias, pad, y0, j * s - p2);
    }
}
