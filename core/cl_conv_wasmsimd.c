/* cl_conv_wasmsimd.c - the convolution plane with WASM SIMD128 intrinsics.
 *
 * Each output row is split into border columns, whose taps may fall into the
 * padding (done one output at a time, like the reference), and interior
 * columns, where every tap is inside the row: those are done 12 then 4 at a
 * time, with the accumulators in registers and the kernel rows that fall into
 * zero padding skipped. The 3 x 3, stride-1 case, the one the pages use most,
 * keeps its nine weights in registers and makes four output rows at once, so
 * each input vector loaded serves all that read it, and does their border
 * columns with the rows as a vector's lanes. Additions follow the reference's order
 * (kernel rows k1, then columns k2), so results match it bit for bit. */
#include "cl_conv.h"
#include "cl_simd.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

/* Loads the inputs of 4 consecutive outputs: p[0], p[s], p[2s], p[3s]. */
static inline v128_t load_strided(const float *p, int s)
{
    if (s == 1) return wasm_v128_load(p);
    return wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]);
}

#define MAC(acc, wv, p) acc = CL_F32X4_MADD(acc, wv, wasm_v128_load(p))

/* Loops GCC must unroll (natively it keeps an array of sums in memory
 * otherwise); clang unrolls them itself, and the same pragma made its wasm
 * slower (3x3: 0.87 -> 1.19 ms). */
#if defined(__GNUC__) && !defined(__clang__)
#define CL_GCC_UNROLL_(n) _Pragma(#n)
#define CL_GCC_UNROLL(n) CL_GCC_UNROLL_(GCC unroll n)
#else
#define CL_GCC_UNROLL(n)
#endif
/* How an output's sum starts: from the bias, from what z holds (accumulate),
 * or at its first term, when the bias is -0, the identity of addition (see
 * NO_BIAS in cl_conv.c): the same result, one addition fewer. */
enum { START_BIAS, START_Z, START_FIRST };

/* The first term of a sum: w * t added to its start. */
static inline v128_t first_term(int start, v128_t vb, const float *zp, v128_t wv, v128_t t)
{
    if (start == START_FIRST) return wasm_f32x4_mul(wv, t);
    return CL_F32X4_MADD(start == START_Z ? wasm_v128_load(zp) : vb, wv, t);
}

/* 3 x 3, stride 1: R output rows at once, row i (z[i]) from input rows
 * in[i], in[i + 1], in[i + 2], columns lo..hi-1 of the interior, 4 at a time;
 * off = -p2. Returns the first column not done. Input rows are taken in
 * order and each vector loaded serves every output row that reads it: input
 * row q is kernel row q - i of output row i, so each output still gets its
 * terms kernel row by kernel row, then column by column, as in the reference.
 * A step of 4 rows is 18 loads for 36 multiply-adds (one row: 9 for 9).
 * even: the input rows lie xs floats apart and the output rows zs apart, and
 * are reached from the first of each (in Chromium 18% faster than a pointer
 * a row: V8 then has registers to spare); otherwise each through its
 * pointer (a ring of rows, as cl_filter_rgba's strips keep, wraps inside
 * most groups). */
static inline __attribute__((always_inline)) int
interior_3x3_body(const float *const *in, ptrdiff_t xs, int off, const float *wt, int lo, int hi,
                  int start, float bias, float *const *zr, size_t zs, const int R, const int even)
{
    const float *r[4 + 2];
    float *z[4];
    for (int q = 0; q < (even ? 1 : R + 2); q++) r[q] = in[q];
    for (int i = 0; i < (even ? 1 : R); i++) z[i] = zr[i];
    v128_t w[9];
    for (int t = 0; t < 9; t++) w[t] = wasm_f32x4_splat(wt[t]);
    const v128_t vb = wasm_f32x4_splat(bias);
    int j = lo;
    for (; j + 4 <= hi; j += 4) {
        const int c = j + off;
        const float *p = r[0] + c;
        v128_t a[4] = {vb, vb, vb, vb}; /* each set at its first term */
        CL_GCC_UNROLL(6)
        for (int q = 0; q < R + 2; q++) {
            if (even && q > 0) p += xs; /* input row q (not past the last) */
            CL_GCC_UNROLL(3)
            for (int b = 0; b < 3; b++) {
                const v128_t t = wasm_v128_load((even ? p : r[q] + c) + b);
                CL_GCC_UNROLL(4)
                for (int i = 0; i < R; i++) {
                    const int ka = q - i; /* the kernel row input row q is for output row i */
                    if (ka < 0 || ka > 2) continue;
                    float *zp = (even ? z[0] + (size_t)i * zs : z[i]) + j;
                    if (ka == 0 && b == 0)
                        a[i] = first_term(start, vb, zp, w[0], t);
                    else
                        a[i] = CL_F32X4_MADD(a[i], w[3 * ka + b], t);
                    if (ka == 2 && b == 2) wasm_v128_store(zp, a[i]);
                }
            }
        }
    }
    return j;
}

/* One copy of the loops for each way of starting, each number of rows, and
 * evenly spaced rows or not: a test inside them slows them. */
#define INTERIOR_3X3_ROWS(start)                                                                \
    (R == 4 && xs ? interior_3x3_body(in, xs, off, wt, lo, hi, start, bias, z, zs, 4, 1)         \
     : R == 4     ? interior_3x3_body(in, 0, off, wt, lo, hi, start, bias, z, 0, 4, 0)           \
     : R == 2     ? interior_3x3_body(in, 0, off, wt, lo, hi, start, bias, z, 0, 2, 0)           \
                  : interior_3x3_body(in, 0, off, wt, lo, hi, start, bias, z, 0, 1, 0))
/* xs: the input rows' spacing, or 0 where they are not evenly spaced (then zs is not read) */
__attribute__((noinline)) static int interior_3x3(const float *const *in, ptrdiff_t xs, int R,
                                                  int off, const float *wt, int lo, int hi,
                                                  int start, float bias, float *const *z,
                                                  size_t zs)
{
    assert(R == 1 || R == 2 || R == 4);
    switch (start) {
    case START_Z:
        return INTERIOR_3X3_ROWS(START_Z);
    case START_FIRST:
        return INTERIOR_3X3_ROWS(START_FIRST);
    default:
        return INTERIOR_3X3_ROWS(START_BIAS);
    }
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

/* Any kernel, stride 1: R output rows at once, row i (z[i]) from input rows
 * in[i .. i + k1 - 1] (consecutive rows of the image), 4 * V then 4 interior
 * outputs of each at a time; needs k1 >= R. Every input vector is loaded once
 * for all R rows: input row r serves kernel row r - i of output row i, and per
 * output the terms still come k1-major, then k2, as in the reference. With
 * R * V accumulators, R weights and the loaded vector live, a step takes R + V
 * loads for R * V multiply-adds (one row at a time: V + 1 for V).
 * Returns the first column not done. */
static inline __attribute__((always_inline)) void
rows_block(const float *const *in, const v128_t *wv, const v128_t *wi, int k1, int k2, const int R,
           const int V, int off, int j, int accumulate, v128_t vb, float *const *z)
{
    v128_t acc[4][4];
    for (int i = 0; i < R; i++)
        for (int v = 0; v < V; v++) acc[i][v] = accumulate ? wasm_v128_load(z[i] + j + 4 * v) : vb;
    for (int r = 0; r < k1 + R - 1; r++) {
        const float *xp = in[r] + (j + off);
        if (r >= R - 1 && r < k1) {
            /* every output row takes this input row: kernel row r - i, its
             * weights side by side in wi; pointers that step, so that a step
             * costs few instructions besides its loads and arithmetic */
            const v128_t *u = wi + (size_t)r * k2 * R, *const u_end = u + k2 * R;
            for (; u < u_end; u += R, xp++)
                for (int v = 0; v < V; v++) {
                    const v128_t t = wasm_v128_load(xp + 4 * v);
                    for (int i = 0; i < R; i++)
                        acc[i][v] = CL_F32X4_MADD(acc[i][v], u[i], t);
                }
            continue;
        }
        /* the first and last R - 1 input rows: only output rows i_lo..i_hi take them */
        const int i_lo = r - k1 + 1 > 0 ? r - k1 + 1 : 0, i_hi = r < R - 1 ? r : R - 1;
        for (int i = 0; i < R; i++) {
            if (i < i_lo || i > i_hi) continue;
            const v128_t *u = wv + (r - i) * k2;
            for (int b = 0; b < k2; b++)
                for (int v = 0; v < V; v++)
                    acc[i][v] = CL_F32X4_MADD(acc[i][v], u[b], wasm_v128_load(xp + b + 4 * v));
        }
    }
    for (int i = 0; i < R; i++)
        for (int v = 0; v < V; v++) wasm_v128_store(z[i] + j + 4 * v, acc[i][v]);
}

static inline __attribute__((always_inline)) int
interior_rows_body(const float *const *in, const v128_t *wv, const v128_t *wi, int k1, int k2,
                   const int R, const int V, int off, int lo, int hi, int accumulate, v128_t vb,
                   float *const *z)
{
    int j = lo;
    for (; j + 4 * V <= hi; j += 4 * V) rows_block(in, wv, wi, k1, k2, R, V, off, j, accumulate, vb, z);
    /* what is left, fewer than 4 * V outputs: as many vectors as fit, then one */
    if (V > 2 && j + 8 <= hi) {
        rows_block(in, wv, wi, k1, k2, R, 2, off, j, accumulate, vb, z);
        j += 8;
    }
    for (; j + 4 <= hi; j += 4) rows_block(in, wv, wi, k1, k2, R, 1, off, j, accumulate, vb, z);
    return j;
}

/* 2 rows of 4 vectors: 8 accumulators. 2 x 3, 2 x 5, 2 x 6, 3 x 3, 3 x 4 and 4 x 2
 * were slower in V8 (node 20, Zen 3): with more live values it spills, with
 * fewer the loads and the loop's own instructions weigh more. */
enum { ROWS = 2, VECS = 4 };
__attribute__((noinline)) static int interior_rows(const float *const *in, const v128_t *wv,
                                                   const v128_t *wi, int k1, int k2, int off, int lo,
                                                   int hi, int accumulate, v128_t vb,
                                                   float *const *z)
{
    return interior_rows_body(in, wv, wi, k1, k2, ROWS, VECS, off, lo, hi, accumulate, vb,
                              z);
}

typedef struct plane_geom {
    const cl_plane_job *job;
    int p1, p2;
    int lo, hi; /* interior columns: every tap j2*s - p2 + b lies in [0, w) */
} plane_geom;

/* The input rows of output row j1 that are not zero padding, and which kernel row goes with each. */
static int row_inputs(const plane_geom *g, int j1, const float **rows, int *wrow)
{
    const cl_plane_job *job = g->job;
    int n = 0;
    for (int a = 0; a < job->k1; a++) {
        int iy = cl_pad_index_inline(j1 * job->stride - g->p1 + a, job->h, job->pad);
        if (iy < 0) continue;
        rows[n] = job->x + (size_t)(iy % job->x_ring) * job->w;
        wrow[n] = a;
        n++;
    }
    return n;
}

/* Border columns: 0..lo-1 and right..ow-1, where right is the first column
 * the vector loops leave (they step by 4 from lo, so it is the same on every
 * row), or the whole row when the vector loops do none. At most 7 on the left
 * (ceil(p2 / s)) and 3 + 8 on the right, or a whole output row of at most 7
 * when the input row is narrower than the kernel's reach. They are done in
 * groups of up to 4 consecutive columns, a vector lane each: for every tap b,
 * lane l reads input column ix[b][l] (mapped through the padding once for the
 * whole plane; one load when the 4 columns follow each other in the row)
 * where take[b] has lane l all ones; where the tap falls into
 * zero padding take is 0 and the lane's sum is left as it is, as the
 * reference skips the tap. The lanes' sums are independent, each in the
 * reference's order; two groups go side by side, so that their chains of
 * additions overlap (one output at a time waited for each addition). */
#define CL_EDGE_GROUPS 12
typedef struct edge_cols {
    int ng;
    int col[CL_EDGE_GROUPS], lanes[CL_EDGE_GROUPS];
    int ix[CL_EDGE_GROUPS][CL_MAX_KERNEL][4];
    v128_t take[CL_EDGE_GROUPS][CL_MAX_KERNEL];
    /* the same columns one by one, for 3 x 3 (rows_edges_3x3): column col3[n]
     * reads input column ix3[n][b] at tap b, -1 where it is zero padding */
    int n3;
    int col3[4 * CL_EDGE_GROUPS], ix3[4 * CL_EDGE_GROUPS][3];
} edge_cols;

static void edge_run(const cl_plane_job *job, int p2, int from, int to, edge_cols *e)
{
    for (int c = from; c < to; c += 4) {
        assert(e->ng < CL_EDGE_GROUPS);
        const int g = e->ng++, lanes = to - c < 4 ? to - c : 4;
        e->col[g] = c;
        e->lanes[g] = lanes;
        for (int b = 0; b < job->k2; b++) {
            int32_t m[4] = {0, 0, 0, 0};
            int ix[4];
            for (int l = 0; l < 4; l++) {
                ix[l] = l < lanes ? cl_pad_index_inline((c + l) * job->stride - p2 + b, job->w,
                                                        job->pad)
                                  : -1;
                m[l] = ix[l] < 0 ? 0 : -1;
            }
            /* the lanes past the group's columns are never taken: let them read
             * on along the row where it goes on, so that one load may serve */
            for (int l = lanes; l < 4; l++)
                if (ix[0] >= 0 && ix[0] + l < job->w) ix[l] = ix[0] + l;
            if (job->k2 == 3)
                for (int l = 0; l < lanes; l++) e->ix3[e->n3 + l][b] = ix[l];
            int run = 1;
            for (int l = 0; l < 4; l++) {
                run = run && ix[l] == ix[0] + l && ix[0] >= 0;
                e->ix[g][b][l] = ix[l] < 0 ? 0 : ix[l];
            }
            /* a contiguous run of 4 inside the row is read with one load: -1 - ix */
            if (run) e->ix[g][b][0] = -1 - ix[0];
            e->take[g][b] = wasm_i32x4_make(m[0], m[1], m[2], m[3]);
        }
        for (int l = 0; l < lanes; l++) e->col3[e->n3++] = c + l;
    }
}

static void edge_setup(const cl_plane_job *job, int p2, int lo, int right, edge_cols *e)
{
    e->ng = 0;
    e->n3 = 0;
    if (right > lo) {
        edge_run(job, p2, 0, lo, e);
        edge_run(job, p2, right, job->ow, e);
    } else {
        edge_run(job, p2, 0, job->ow, e);
    }
}

/* The first sums of a group's lanes: z (accumulate) or the bias. */
static inline v128_t edge_start(const cl_plane_job *job, const edge_cols *e, int g, const float *zr)
{
    if (!job->accumulate) return wasm_f32x4_splat(job->bias);
    float v[4] = {0, 0, 0, 0};
    for (int l = 0; l < e->lanes[g]; l++) v[l] = zr[e->col[g] + l];
    return wasm_v128_load(v);
}

static inline void edge_store(const edge_cols *e, int g, v128_t acc, float *zr)
{
    float v[4];
    wasm_v128_store(v, acc);
    for (int l = 0; l < e->lanes[g]; l++) zr[e->col[g] + l] = v[l];
}

static inline v128_t edge_gather(const float *xr, const int *ix)
{
    if (ix[0] < 0) return wasm_v128_load(xr + (-1 - ix[0]));
    return wasm_f32x4_make(xr[ix[0]], xr[ix[1]], xr[ix[2]], xr[ix[3]]);
}

/* The border columns of an output row from its nrows input rows. */
static void row_edges(const cl_plane_job *job, const edge_cols *e, const float *const *rows,
                      const int *wrow, int nrows, float *zr)
{
    const int k2 = job->k2;
    int g = 0;
    for (; g + 2 <= e->ng; g += 2) {
        v128_t a0 = edge_start(job, e, g, zr), a1 = edge_start(job, e, g + 1, zr);
        for (int r = 0; r < nrows; r++) {
            const float *xr = rows[r], *wr = job->wt + wrow[r] * k2;
            for (int b = 0; b < k2; b++) {
                const v128_t w = wasm_f32x4_splat(wr[b]);
                const v128_t s0 = CL_F32X4_MADD(a0, w, edge_gather(xr, e->ix[g][b]));
                const v128_t s1 = CL_F32X4_MADD(a1, w, edge_gather(xr, e->ix[g + 1][b]));
                a0 = wasm_v128_bitselect(s0, a0, e->take[g][b]);
                a1 = wasm_v128_bitselect(s1, a1, e->take[g + 1][b]);
            }
        }
        edge_store(e, g, a0, zr);
        edge_store(e, g + 1, a1, zr);
    }
    for (; g < e->ng; g++) {
        v128_t a0 = edge_start(job, e, g, zr);
        for (int r = 0; r < nrows; r++) {
            const float *xr = rows[r], *wr = job->wt + wrow[r] * k2;
            for (int b = 0; b < k2; b++) {
                const v128_t w = wasm_f32x4_splat(wr[b]);
                const v128_t s0 = CL_F32X4_MADD(a0, w, edge_gather(xr, e->ix[g][b]));
                a0 = wasm_v128_bitselect(s0, a0, e->take[g][b]);
            }
        }
        edge_store(e, g, a0, zr);
    }
}

/* The border columns of 4 output rows of a 3 x 3 kernel, z[i] from input
 * rows in[i .. i + 2]: the rows are the vector's lanes. Each input column
 * read is gathered once for the 6 rows and shifted by one and two rows for
 * the kernel's rows 1 and 2; per output the terms come in the reference's
 * order, the taps in zero padding skipped. */
static void rows_edges_3x3(const cl_plane_job *job, const edge_cols *e, const float *const *in,
                           float *const *z)
{
    v128_t w[9];
    for (int t = 0; t < 9; t++) w[t] = wasm_f32x4_splat(job->wt[t]);
    for (int n = 0; n < e->n3; n++) {
        const int c = e->col3[n], *ix = e->ix3[n];
        v128_t x[3][3]; /* x[b][a]: tap b of kernel row a, for the 4 rows */
        for (int b = 0; b < 3; b++) {
            const int k = ix[b] < 0 ? 0 : ix[b];
            const v128_t top = wasm_f32x4_make(in[0][k], in[1][k], in[2][k], in[3][k]);
            const v128_t below = wasm_f32x4_make(in[4][k], in[5][k], 0.0f, 0.0f);
            x[b][0] = top;
            x[b][1] = wasm_i32x4_shuffle(top, below, 1, 2, 3, 4);
            x[b][2] = wasm_i32x4_shuffle(top, below, 2, 3, 4, 5);
        }
        v128_t acc = job->accumulate ? wasm_f32x4_make(z[0][c], z[1][c], z[2][c], z[3][c])
                                     : wasm_f32x4_splat(job->bias);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                if (ix[b] >= 0) acc = CL_F32X4_MADD(acc, w[3 * a + b], x[b][a]);
        z[0][c] = wasm_f32x4_extract_lane(acc, 0);
        z[1][c] = wasm_f32x4_extract_lane(acc, 1);
        z[2][c] = wasm_f32x4_extract_lane(acc, 2);
        z[3][c] = wasm_f32x4_extract_lane(acc, 3);
    }
}

/* Whether output rows j1 + 1 .. j1 + ROWS - 1 read every row (no zero
 * padding) and each the rows of the one before moved down by one, as output
 * row j1 (rows: its k1 input rows) does inside the image. */
static int rows_slide(const plane_geom *g, int j1, const float *const *rows, int k1)
{
    const float *next[CL_MAX_KERNEL];
    int wrow[CL_MAX_KERNEL];
    const float *const *prev = rows;
    const float *keep[CL_MAX_KERNEL];
    for (int i = 1; i < ROWS; i++) {
        if (row_inputs(g, j1 + i, next, wrow) != k1) return 0;
        for (int r = 0; r + 1 < k1; r++)
            if (next[r] != prev[r + 1]) return 0;
        for (int r = 0; r < k1; r++) keep[r] = next[r];
        prev = keep;
    }
    return 1;
}

void cl_f32_conv2d_plane_wasmsimd(const cl_plane_job *job)
{
    const int k1 = job->k1, k2 = job->k2, s = job->stride, ow = job->ow, w = job->w;
    const int row0 = job->row0, row1 = job->row1, accumulate = job->accumulate;
    const float *wt = job->wt;
    const float bias = job->bias;
    assert(0 <= row0 && row0 <= row1 && row1 <= job->oh);
    assert(k1 >= 1 && k1 <= CL_MAX_KERNEL && k2 >= 1 && k2 <= CL_MAX_KERNEL);
    plane_geom g = {job, cl_conv_pad_before(k1, job->pad), cl_conv_pad_before(k2, job->pad), 0, 0};
    const int p2 = g.p2;
    g.lo = (p2 + s - 1) / s;
    int last = w - k2 + p2; /* largest allowed j2 * s */
    g.hi = last < 0 ? 0 : last / s + 1;
    if (g.hi > ow) g.hi = ow;
    if (g.lo > g.hi) g.lo = g.hi;
    const int lo = g.lo, hi = g.hi;
    const int fast3 = s == 1 && k1 == 3 && k2 == 3;
    uint32_t bias_bits;
    memcpy(&bias_bits, &bias, sizeof bias_bits);
    const int start = accumulate ? START_Z : bias_bits == 0x80000000u ? START_FIRST : START_BIAS;
    edge_cols edges;
    edge_setup(job, p2, lo, lo + (hi - lo) / 4 * 4, &edges);

    v128_t wv[CL_MAX_KERNEL * CL_MAX_KERNEL];
    if (!fast3)
        for (int t = 0; t < k1 * k2; t++) wv[t] = wasm_f32x4_splat(wt[t]);
    const v128_t vb = wasm_f32x4_splat(bias);
    /* for the rows kernel: wi[(r * k2 + b) * ROWS + i] = w[r - i][b], for the
     * input rows r that every output row of a group takes */
    v128_t wi[CL_MAX_KERNEL * CL_MAX_KERNEL * ROWS];
    if (s == 1 && !fast3 && k1 >= ROWS)
        for (int r = ROWS - 1; r < k1; r++)
            for (int b = 0; b < k2; b++)
                for (int i = 0; i < ROWS; i++) wi[(r * k2 + b) * ROWS + i] = wv[(r - i) * k2 + b];

    const float *rows[CL_MAX_KERNEL], *rows2[CL_MAX_KERNEL];
    int wrow[CL_MAX_KERNEL], wrow2[CL_MAX_KERNEL];

    for (int j1 = row0; j1 < row1;) {
        float *zr = job->z + (size_t)(j1 - job->z_row0) * ow;
        const int nrows = row_inputs(&g, j1, rows, wrow);
        if (fast3 && nrows == 3) {
            /* 4, 2 or 1 rows at once: as many as slide down by exactly one input row each */
            const float *in[4 + 2] = {rows[0], rows[1], rows[2]};
            float *zs[4] = {zr};
            int R = 1;
            for (int i = 1; i < 4 && j1 + i < row1; i++) {
                if (row_inputs(&g, j1 + i, rows2, wrow2) != 3 || rows2[0] != in[i] ||
                    rows2[1] != in[i + 1])
                    break;
                in[i + 2] = rows2[2];
                zs[i] = zr + (size_t)i * ow;
                R = i + 1;
            }
            if (R == 3) R = 2;
            /* the rows' spacing where all six are evenly spaced (not 0: an
             * edge-padded row repeated is read through its pointers) */
            ptrdiff_t xs = R == 4 ? in[1] - in[0] : 0;
            for (int q = 1; q < 5 && xs; q++)
                if (in[q + 1] - in[q] != xs) xs = 0;
            int j = interior_3x3(in, xs, R, -p2, wt, lo, hi, start, bias, zs, (size_t)ow);
            assert(j == lo + (hi - lo) / 4 * 4);
            (void)j;
            if (R == 4) {
                rows_edges_3x3(job, &edges, in, zs);
            } else {
                static const int wrow3[3] = {0, 1, 2};
                for (int i = 0; i < R; i++) row_edges(job, &edges, in + i, wrow3, 3, zs[i]);
            }
            j1 += R;
            continue;
        }
        if (s == 1 && !fast3 && nrows == k1 && k1 >= ROWS && j1 + ROWS <= row1 &&
            rows_slide(&g, j1, rows, k1)) {
            /* ROWS rows at once, from rows[0..k1-1] and the ROWS - 1 rows below them */
            const float *in[CL_MAX_KERNEL + ROWS];
            float *zs[ROWS];
            for (int a = 0; a < k1; a++) in[a] = rows[a];
            for (int i = 1; i < ROWS; i++) {
                row_inputs(&g, j1 + i, rows2, wrow2);
                in[k1 + i - 1] = rows2[k1 - 1];
            }
            for (int i = 0; i < ROWS; i++) zs[i] = zr + (size_t)i * ow;
            int j = interior_rows(in, wv, wi, k1, k2, -p2, lo, hi, accumulate, vb, zs);
            assert(j == lo + (hi - lo) / 4 * 4);
            (void)j;
            for (int i = 0; i < ROWS; i++) {
                row_inputs(&g, j1 + i, rows2, wrow2);
                row_edges(job, &edges, rows2, wrow2, k1, zs[i]);
            }
            j1 += ROWS;
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
                    a0 = CL_F32X4_MADD(a0, wr[b], load_strided(xp + b, s));
            }
            wasm_v128_store(zr + j, a0);
        }
        assert(j == lo + (hi - lo) / 4 * 4);
        row_edges(job, &edges, rows, wrow, nrows, zr);
        j1++;
    }
}

/* Six chains of multiplications (x *= m) and six of additions (a += c), each
 * operation waiting only for the one before it in its chain, twice a round: as
 * many chains as the multipliers and adders can overlap (three to four cycles
 * of latency, two a cycle of each), and 14 registers, so V8 spills none. m is
 * the float after 1, so x grows by e^24 at most in 10^8 rounds. (GCC keeps
 * SIMDe's vectors in memory across this loop and reaches half the peak:
 * tools/bench-native.c measures the native peak with GCC's own vectors.) */
float cl_f32x4_muladd_peak_wasmsimd(int n)
{
    const v128_t m = wasm_f32x4_splat(1.00000012f), c = wasm_f32x4_splat(1.0f);
    v128_t x0 = wasm_f32x4_splat(1.0f), x1 = wasm_f32x4_splat(2.0f), x2 = wasm_f32x4_splat(3.0f),
           x3 = wasm_f32x4_splat(4.0f), x4 = wasm_f32x4_splat(5.0f), x5 = wasm_f32x4_splat(6.0f);
    v128_t a0 = x0, a1 = x1, a2 = x2, a3 = x3, a4 = x4, a5 = x5;
    for (int i = 0; i < n; i++) {
        for (int u = 0; u < 2; u++) {
            x0 = wasm_f32x4_mul(x0, m); a0 = wasm_f32x4_add(a0, c);
            x1 = wasm_f32x4_mul(x1, m); a1 = wasm_f32x4_add(a1, c);
            x2 = wasm_f32x4_mul(x2, m); a2 = wasm_f32x4_add(a2, c);
            x3 = wasm_f32x4_mul(x3, m); a3 = wasm_f32x4_add(a3, c);
            x4 = wasm_f32x4_mul(x4, m); a4 = wasm_f32x4_add(a4, c);
            x5 = wasm_f32x4_mul(x5, m); a5 = wasm_f32x4_add(a5, c);
        }
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(x0, x1), wasm_f32x4_add(x2, x3)),
                              wasm_f32x4_add(x4, x5));
    s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                                         wasm_f32x4_add(a4, a5)));
    return wasm_f32x4_extract_lane(s, 0);
}

/* The relaxed build's twin of the peak above: twelve chains a += m * c
 * (CL_F32X4_MADD, the kernels' own form: the accumulator is the chain), one
 * step of each a round (12 fused multiply-adds of 4 lanes: 96 flops, as
 * above): enough chains for two a cycle of four cycles' latency, and few
 * enough registers. (Two steps a round, as above, ran at half this speed in
 * V8.) a grows by about 1 a step. Meant for the relaxed build: in the SIMD
 * build m * c is a constant the compiler works out once, so only the
 * additions are left. */
float cl_f32x4_madd_peak_wasmsimd(int n)
{
    const v128_t m = wasm_f32x4_splat(1.00000012f), c = wasm_f32x4_splat(1.0f);
    v128_t x0 = wasm_f32x4_splat(1.0f), x1 = wasm_f32x4_splat(2.0f), x2 = wasm_f32x4_splat(3.0f),
           x3 = wasm_f32x4_splat(4.0f), x4 = wasm_f32x4_splat(5.0f), x5 = wasm_f32x4_splat(6.0f);
    v128_t x6 = x0, x7 = x1, x8 = x2, x9 = x3, x10 = x4, x11 = x5;
    for (int i = 0; i < n; i++) {
        x0 = CL_F32X4_MADD(x0, m, c); x1 = CL_F32X4_MADD(x1, m, c);
        x2 = CL_F32X4_MADD(x2, m, c); x3 = CL_F32X4_MADD(x3, m, c);
        x4 = CL_F32X4_MADD(x4, m, c); x5 = CL_F32X4_MADD(x5, m, c);
        x6 = CL_F32X4_MADD(x6, m, c); x7 = CL_F32X4_MADD(x7, m, c);
        x8 = CL_F32X4_MADD(x8, m, c); x9 = CL_F32X4_MADD(x9, m, c);
        x10 = CL_F32X4_MADD(x10, m, c); x11 = CL_F32X4_MADD(x11, m, c);
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(x0, x1), wasm_f32x4_add(x2, x3)),
                              wasm_f32x4_add(x4, x5));
    s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(x6, x7), wasm_f32x4_add(x8, x9)),
                                         wasm_f32x4_add(x10, x11)));
    return wasm_f32x4_extract_lane(s, 0);
}
