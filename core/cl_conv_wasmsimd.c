/* cl_conv_wasmsimd.c - the convolution plane with WASM SIMD128 intrinsics.
 *
 * Each output row is split into border columns, whose taps may fall into the
 * padding (done one output at a time, like the reference), and interior
 * columns, where every tap is inside the row: those are done 8 then 4 at a
 * time, with the accumulators in registers and the kernel rows that fall into
 * zero padding skipped. The 3 x 3, stride-1 case, the one the pages use most,
 * keeps its nine weights in registers and makes two output rows at once, so
 * each input vector loaded serves both. Additions follow the reference's order
 * (kernel rows k1, then columns k2), so results match it bit for bit. */
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

/* Loads the inputs of 4 consecutive outputs: p[0], p[s], p[2s], p[3s]. */
static inline v128_t load_strided(const float *p, int s)
{
    if (s == 1) return wasm_v128_load(p);
    return wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]);
}

#define MAC(acc, wv, p) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wv, wasm_v128_load(p)))

/* 3 x 3, stride 1: output rows z0 (input rows r0 r1 r2) and z1 (r1 r2 r3),
 * columns lo..hi-1 of the interior, 4 at a time; off = -p2. Returns the first
 * column not done. z1 may be NULL for a single row (r3 unused). */
static int interior_3x3(const float *r0, const float *r1, const float *r2, const float *r3,
                        int off, const float *wt, int lo, int hi, int accumulate, float bias,
                        float *z0, float *z1)
{
    const v128_t w00 = wasm_f32x4_splat(wt[0]), w01 = wasm_f32x4_splat(wt[1]),
                 w02 = wasm_f32x4_splat(wt[2]), w10 = wasm_f32x4_splat(wt[3]),
                 w11 = wasm_f32x4_splat(wt[4]), w12 = wasm_f32x4_splat(wt[5]),
                 w20 = wasm_f32x4_splat(wt[6]), w21 = wasm_f32x4_splat(wt[7]),
                 w22 = wasm_f32x4_splat(wt[8]);
    const v128_t vb = wasm_f32x4_splat(bias);
    int j = lo;
    if (z1) {
        for (; j + 4 <= hi; j += 4) {
            const int c = j + off;
            v128_t a0 = accumulate ? wasm_v128_load(z0 + j) : vb;
            v128_t a1 = accumulate ? wasm_v128_load(z1 + j) : vb;
            /* per output the order stays k1-major: row a of the kernel on input row j1 + a */
            MAC(a0, w00, r0 + c); MAC(a0, w01, r0 + c + 1); MAC(a0, w02, r0 + c + 2);
            v128_t x0 = wasm_v128_load(r1 + c), x1 = wasm_v128_load(r1 + c + 1),
                   x2 = wasm_v128_load(r1 + c + 2);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w10, x0));
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w11, x1));
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w12, x2));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w00, x0));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w01, x1));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w02, x2));
            x0 = wasm_v128_load(r2 + c); x1 = wasm_v128_load(r2 + c + 1); x2 = wasm_v128_load(r2 + c + 2);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w20, x0));
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w21, x1));
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w22, x2));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w10, x0));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w11, x1));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w12, x2));
            MAC(a1, w20, r3 + c); MAC(a1, w21, r3 + c + 1); MAC(a1, w22, r3 + c + 2);
            wasm_v128_store(z0 + j, a0);
            wasm_v128_store(z1 + j, a1);
        }
        return j;
    }
    for (; j + 8 <= hi; j += 8) {
        const int c = j + off;
        v128_t a0 = accumulate ? wasm_v128_load(z0 + j) : vb;
        v128_t a1 = accumulate ? wasm_v128_load(z0 + j + 4) : vb;
        MAC(a0, w00, r0 + c); MAC(a1, w00, r0 + c + 4);
        MAC(a0, w01, r0 + c + 1); MAC(a1, w01, r0 + c + 5);
        MAC(a0, w02, r0 + c + 2); MAC(a1, w02, r0 + c + 6);
        MAC(a0, w10, r1 + c); MAC(a1, w10, r1 + c + 4);
        MAC(a0, w11, r1 + c + 1); MAC(a1, w11, r1 + c + 5);
        MAC(a0, w12, r1 + c + 2); MAC(a1, w12, r1 + c + 6);
        MAC(a0, w20, r2 + c); MAC(a1, w20, r2 + c + 4);
        MAC(a0, w21, r2 + c + 1); MAC(a1, w21, r2 + c + 5);
        MAC(a0, w22, r2 + c + 2); MAC(a1, w22, r2 + c + 6);
        wasm_v128_store(z0 + j, a0);
        wasm_v128_store(z0 + j + 4, a1);
    }
    for (; j + 4 <= hi; j += 4) {
        const int c = j + off;
        v128_t a0 = accumulate ? wasm_v128_load(z0 + j) : vb;
        MAC(a0, w00, r0 + c); MAC(a0, w01, r0 + c + 1); MAC(a0, w02, r0 + c + 2);
        MAC(a0, w10, r1 + c); MAC(a0, w11, r1 + c + 1); MAC(a0, w12, r1 + c + 2);
        MAC(a0, w20, r2 + c); MAC(a0, w21, r2 + c + 1); MAC(a0, w22, r2 + c + 2);
        wasm_v128_store(z0 + j, a0);
    }
    return j;
}

/* Any kernel, stride 1: 12 then 4 interior outputs at a time of one row.
 * Returns the first column not done. */
static int interior_s1(const float *const *rows, const int *wrow, int nrows, const v128_t *wv,
                       int k2, int off, int lo, int hi, int accumulate, v128_t vb, float *zr)
{
    int j = lo;
    for (; j + 12 <= hi; j += 12) {
        v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
        v128_t a1 = accumulate ? wasm_v128_load(zr + j + 4) : vb;
        v128_t a2 = accumulate ? wasm_v128_load(zr + j + 8) : vb;
        for (int r = 0; r < nrows; r++) {
            const float *xp = rows[r] + (j + off);
            const v128_t *wr = wv + wrow[r] * k2;
            for (int b = 0; b < k2; b++) {
                const v128_t w = wr[b];
                MAC(a0, w, xp + b);
                MAC(a1, w, xp + b + 4);
                MAC(a2, w, xp + b + 8);
            }
        }
        wasm_v128_store(zr + j, a0);
        wasm_v128_store(zr + j + 4, a1);
        wasm_v128_store(zr + j + 8, a2);
    }
    for (; j + 4 <= hi; j += 4) {
        v128_t a0 = accumulate ? wasm_v128_load(zr + j) : vb;
        for (int r = 0; r < nrows; r++) {
            const float *xp = rows[r] + (j + off);
            const v128_t *wr = wv + wrow[r] * k2;
            for (int b = 0; b < k2; b++) MAC(a0, wr[b], xp + b);
        }
        wasm_v128_store(zr + j, a0);
    }
    return j;
}

typedef struct plane_geom {
    const float *x;
    int h, w, k1, k2, pad, s, p1, p2;
    int lo, hi; /* interior columns: every tap j2*s - p2 + b lies in [0, w) */
} plane_geom;

/* The input rows of output row j1 that are not zero padding, and which kernel row goes with each. */
static int row_inputs(const plane_geom *g, int j1, const float **rows, int *wrow)
{
    int n = 0;
    for (int a = 0; a < g->k1; a++) {
        int iy = cl_pad_index(j1 * g->s - g->p1 + a, g->h, g->pad);
        if (iy < 0) continue;
        rows[n] = g->x + (size_t)iy * g->w;
        wrow[n] = a;
        n++;
    }
    return n;
}

/* Columns 0..lo-1 and j..ow-1 of output row j1, one at a time. */
static void row_edges(const plane_geom *g, const float *wt, int j1, int j, float bias,
                      int accumulate, float *zr, int ow)
{
    const int y0 = j1 * g->s - g->p1;
    for (int j2 = 0; j2 < g->lo; j2++)
        zr[j2] = conv_point(g->x, g->h, g->w, wt, g->k1, g->k2, accumulate ? zr[j2] : bias, g->pad,
                            y0, j2 * g->s - g->p2);
    for (; j < ow; j++)
        zr[j] = conv_point(g->x, g->h, g->w, wt, g->k1, g->k2, accumulate ? zr[j] : bias, g->pad,
                           y0, j * g->s - g->p2);
}

void cl_f32_conv2d_plane_wasmsimd(const float *x, int h, int w, const float *wt, int k1, int k2,
                                  float bias, int pad, int stride, int accumulate,
                                  float *z, int oh, int ow, int row0, int row1)
{
    assert(0 <= row0 && row0 <= row1 && row1 <= oh);
    (void)oh;
    assert(k1 >= 1 && k1 <= CL_MAX_KERNEL && k2 >= 1 && k2 <= CL_MAX_KERNEL);
    plane_geom g = {x, h, w, k1, k2, pad, stride, cl_conv_pad_before(k1, pad),
                    cl_conv_pad_before(k2, pad), 0, 0};
    const int s = stride, p2 = g.p2;
    g.lo = (p2 + s - 1) / s;
    int last = w - k2 + p2; /* largest allowed j2 * s */
    g.hi = last < 0 ? 0 : last / s + 1;
    if (g.hi > ow) g.hi = ow;
    if (g.lo > g.hi) g.lo = g.hi;
    const int lo = g.lo, hi = g.hi;
    const int fast3 = s == 1 && k1 == 3 && k2 == 3;

    v128_t wv[CL_MAX_KERNEL * CL_MAX_KERNEL];
    if (!fast3)
        for (int t = 0; t < k1 * k2; t++) wv[t] = wasm_f32x4_splat(wt[t]);
    const v128_t vb = wasm_f32x4_splat(bias);

    const float *rows[CL_MAX_KERNEL], *rows2[CL_MAX_KERNEL];
    int wrow[CL_MAX_KERNEL], wrow2[CL_MAX_KERNEL];

    for (int j1 = row0; j1 < row1;) {
        float *zr = z + (size_t)j1 * ow;
        const int nrows = row_inputs(&g, j1, rows, wrow);
        if (fast3 && nrows == 3) {
            /* two rows at once when the next row slides down by exactly one input row */
            if (j1 + 1 < row1 && row_inputs(&g, j1 + 1, rows2, wrow2) == 3 && rows2[0] == rows[1] &&
                rows2[1] == rows[2]) {
                float *zr2 = zr + ow;
                int j = interior_3x3(rows[0], rows[1], rows[2], rows2[2], -p2, wt, lo, hi,
                                     accumulate, bias, zr, zr2);
                row_edges(&g, wt, j1, j, bias, accumulate, zr, ow);
                row_edges(&g, wt, j1 + 1, j, bias, accumulate, zr2, ow);
                j1 += 2;
                continue;
            }
            int j = interior_3x3(rows[0], rows[1], rows[2], NULL, -p2, wt, lo, hi, accumulate,
                                 bias, zr, NULL);
            row_edges(&g, wt, j1, j, bias, accumulate, zr, ow);
            j1++;
            continue;
        }
        /* general case; for 3 x 3 this is only the rows whose kernel reaches zero padding */
        if (fast3)
            for (int t = 0; t < 9; t++) wv[t] = wasm_f32x4_splat(wt[t]);
        int j = s == 1 ? interior_s1(rows, wrow, nrows, wv, k2, -p2, lo, hi, accumulate, vb, zr) : lo;
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
        row_edges(&g, wt, j1, j, bias, accumulate, zr, ow);
        j1++;
    }
}
