/* cl_gemm_wasmsimd.c - GEMM with WASM SIMD128 intrinsics (see cl_gemm.h).
 *
 * C is computed in tiles of MR x NR = 4 x 8: eight f32x4 accumulators stay in
 * registers while k runs (V8 has 16 xmm registers and no FMA, so each step
 * also needs two B vectors, one broadcast of A and a temporary: 12 in all).
 * op(B) is packed, kc x 8 at a time, into a panel on the stack, which makes
 * its two storages read alike and zero-pads the last columns; op(A) is read
 * in place with a broadcast load (load32_splat) in either storage. Partial
 * tiles go through a small buffer, so nothing reads or writes past C; the
 * last rows (m % 4) are done one at a time. For A B^T with few columns (say
 * 10), cl_f32_gemm_nt_dot_wasmsimd takes dot products along k instead. */
#include "cl_gemm.h"
#include "cl_simd.h"

#include <assert.h>
#include <string.h>

#define MR 4
#define NR CL_GEMM_TILE_N
#define KC 256

/* panel (kc, NR) = op(B)[p0 .. p0+kc)[j0 .. j0+nc), zeros in columns nc..NR-1 */
static void pack_b(int tb, const float *b, int ldb, int p0, int kc, int j0, int nc, float *panel)
{
    if (!tb) {
        const float *src = b + (size_t)p0 * ldb + j0;
        if (nc == NR) {
            for (int p = 0; p < kc; p++, src += ldb) {
                wasm_v128_store(panel + p * NR, wasm_v128_load(src));
                wasm_v128_store(panel + p * NR + 4, wasm_v128_load(src + 4));
            }
        } else {
            for (int p = 0; p < kc; p++, src += ldb) {
                int j = 0;
                for (; j < nc; j++) panel[p * NR + j] = src[j];
                for (; j < NR; j++) panel[p * NR + j] = 0.0f;
            }
        }
        return;
    }
    /* B stored (N, K): row j0 + j of B is column j of the panel */
    const float *src = b + (size_t)j0 * ldb + p0;
    int p = 0;
    if (nc == NR) {
        /* 4 x 4 transposes: rows j..j+3 of B, k p..p+3 */
        for (; p + 4 <= kc; p += 4)
            for (int j = 0; j < NR; j += 4) {
                const float *s = src + (size_t)j * ldb + p;
                v128_t r0 = wasm_v128_load(s), r1 = wasm_v128_load(s + ldb),
                       r2 = wasm_v128_load(s + 2 * (size_t)ldb),
                       r3 = wasm_v128_load(s + 3 * (size_t)ldb);
                v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
                v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
                v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
                v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
                float *d = panel + p * NR + j;
                wasm_v128_store(d, wasm_i64x2_shuffle(t0, t2, 0, 2));
                wasm_v128_store(d + NR, wasm_i64x2_shuffle(t0, t2, 1, 3));
                wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t1, t3, 0, 2));
                wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t1, t3, 1, 3));
            }
    }
    for (; p < kc; p++) {
        int j = 0;
        for (; j < nc; j++) panel[p * NR + j] = src[(size_t)j * ldb + p];
        for (; j < NR; j++) panel[p * NR + j] = 0.0f;
    }
}

/* One MR x NR tile: c (MR, NR) with row stride ldc; load_c adds the old C.
 * Row r of op(A) at step p is at a + off[r] + p * step. */
static inline void kernel_4x8(int kc, const float *a, const size_t off[MR], size_t step,
                              const float *panel, float *c, size_t ldc, int load_c)
{
    v128_t c00, c01, c10, c11, c20, c21, c30, c31;
    if (load_c) {
        c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
        c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
        c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4);
        c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
    } else {
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
    }
    const float *a0 = a + off[0], *a1 = a + off[1], *a2 = a + off[2], *a3 = a + off[3];
    for (int p = 0; p < kc; p++) {
        const v128_t b0 = wasm_v128_load(panel), b1 = wasm_v128_load(panel + 4);
        panel += NR;
        CL_SIMD_TILE_4X8_UPDATE(a0, a1, a2, a3);
        a0 += step, a1 += step, a2 += step, a3 += step;
    }
    wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
    wasm_v128_store(c + ldc, c10), wasm_v128_store(c + ldc + 4, c11);
    wasm_v128_store(c + 2 * ldc, c20), wasm_v128_store(c + 2 * ldc + 4, c21);
    wasm_v128_store(c + 3 * ldc, c30), wasm_v128_store(c + 3 * ldc + 4, c31);
}

/* One row of C, 8 wide: the tail rows of m (no work spent on dropped rows). */
static inline void kernel_1x8(int kc, const float *a, size_t step, const float *panel,
                              float *c, int load_c)
{
    v128_t c0 = load_c ? wasm_v128_load(c) : wasm_f32x4_splat(0.0f);
    v128_t c1 = load_c ? wasm_v128_load(c + 4) : wasm_f32x4_splat(0.0f);
    for (int p = 0; p < kc; p++, panel += NR, a += step) {
        const v128_t av = wasm_v128_load32_splat(a);
        c0 = CL_F32X4_MADD(c0, av, wasm_v128_load(panel));
        c1 = CL_F32X4_MADD(c1, av, wasm_v128_load(panel + 4));
    }
    wasm_v128_store(c, c0);
    wasm_v128_store(c + 4, c1);
}

/* (s0, s1, s2, s3) = the sums of the lanes of v0, v1, v2, v3 */
static inline v128_t sum4(v128_t v0, v128_t v1, v128_t v2, v128_t v3)
{
    const v128_t t0 = wasm_f32x4_add(wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5),
                                     wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7));
    const v128_t t1 = wasm_f32x4_add(wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5),
                                     wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7));
    return wasm_f32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5),
                          wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
}

/* C = A B^T + beta C with few columns (see cl_gemm.h): dot products along
 * k, where both A (M, K) and B (N, K) are contiguous, in tiles of 4 rows x
 * 2 columns with the 8 sums in registers. */
void cl_f32_gemm_nt_dot_wasmsimd(int m, int n, int k, const float *a, int lda, const float *b,
                                 int ldb, float beta, float *c, int ldc)
{
    assert(m >= 0 && n >= 0 && k >= 0 && (beta == 0.0f || beta == 1.0f));
    for (int i0 = 0; i0 < m; i0 += 4) {
        /* rows past m and columns past n repeat the last one; dropped */
        const float *ar[4];
        for (int r = 0; r < 4; r++) ar[r] = a + (size_t)(i0 + r < m ? i0 + r : m - 1) * lda;
        for (int j0 = 0; j0 < n; j0 += 2) {
            const float *b0 = b + (size_t)j0 * ldb, *b1 = b + (size_t)(j0 + 1 < n ? j0 + 1 : j0) * ldb;
            v128_t s00, s01, s10, s11, s20, s21, s30, s31;
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = wasm_f32x4_splat(0.0f);
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                const v128_t v0 = wasm_v128_load(b0 + p), v1 = wasm_v128_load(b1 + p);
                v128_t x = wasm_v128_load(ar[0] + p);
                s00 = CL_F32X4_MADD(s00, x, v0);
                s01 = CL_F32X4_MADD(s01, x, v1);
                x = wasm_v128_load(ar[1] + p);
                s10 = CL_F32X4_MADD(s10, x, v0);
                s11 = CL_F32X4_MADD(s11, x, v1);
                x = wasm_v128_load(ar[2] + p);
                s20 = CL_F32X4_MADD(s20, x, v0);
                s21 = CL_F32X4_MADD(s21, x, v1);
                x = wasm_v128_load(ar[3] + p);
                s30 = CL_F32X4_MADD(s30, x, v0);
                s31 = CL_F32X4_MADD(s31, x, v1);
            }
            /* lanes: (row 0, col 0), (row 1, col 0), (row 2, col 0), (row 3, col 0), then col 1 */
            float d0[4], d1[4];
            wasm_v128_store(d0, sum4(s00, s10, s20, s30));
            wasm_v128_store(d1, sum4(s01, s11, s21, s31));
            for (int r = 0; r < 4 && i0 + r < m; r++) {
                float x0 = d0[r], x1 = d1[r];
                for (int q = p; q < k; q++) {
                    x0 += ar[r][q] * b0[q];
                    x1 += ar[r][q] * b1[q];
                }
                float *cr = c + (size_t)(i0 + r) * ldc + j0;
                cr[0] = beta == 0.0f ? x0 : x0 + beta * cr[0];
                if (j0 + 1 < n) cr[1] = beta == 0.0f ? x1 : x1 + beta * cr[1];
            }
        }
    }
}

void cl_f32_gemm_wasmsimd(int ta, int tb, int m, int n, int k, const float *a, int lda,
                          const float *b, int ldb, float beta, float *c, int ldc)
{
    assert(m >= 0 && n >= 0 && k >= 1 && (beta == 0.0f || beta == 1.0f));
    if (m == 0 || n == 0) return;
    float panel[KC * NR];
    float tile[MR * NR] = {0}; /* columns past C are computed, then dropped */
    for (int p0 = 0; p0 < k; p0 += KC) {
        const int kc = k - p0 < KC ? k - p0 : KC;
        const int load_c = p0 > 0 || beta != 0.0f;
        for (int j0 = 0; j0 < n; j0 += NR) {
            const int nc = n - j0 < NR ? n - j0 : NR;
            pack_b(tb, b, ldb, p0, kc, j0, nc, panel);
            for (int i0 = 0; i0 < m; i0 += MR) {
                const int mr = m - i0 < MR ? m - i0 : MR;
                /* rows past m repeat the last row; their results are dropped */
                size_t off[MR];
                const float *a_blk;
                size_t step;
                if (ta) {
                    a_blk = a + (size_t)p0 * lda + i0;
                    step = (size_t)lda;
                    for (int r = 0; r < MR; r++) off[r] = (size_t)(r < mr ? r : mr - 1);
                } else {
                    a_blk = a + (size_t)i0 * lda + p0;
                    step = 1;
                    for (int r = 0; r < MR; r++) off[r] = (size_t)(r < mr ? r : mr - 1) * lda;
                }
                float *ct = c + (size_t)i0 * ldc + j0;
                if (mr == MR && nc == NR) {
                    kernel_4x8(kc, a_blk, off, step, panel, ct, (size_t)ldc, load_c);
                } else if (mr < MR) {
                    for (int r = 0; r < mr; r++) {
                        float *cr = nc == NR ? ct + (size_t)r * ldc : tile;
                        if (load_c && nc < NR) memcpy(tile, ct + (size_t)r * ldc, sizeof(float) * nc);
                        kernel_1x8(kc, a_blk + off[r], step, panel, cr, load_c);
                        if (nc < NR) memcpy(ct + (size_t)r * ldc, tile, sizeof(float) * nc);
                    }
                } else {
                    if (load_c)
                        for (int r = 0; r < mr; r++)
                            memcpy(tile + r * NR, ct + (size_t)r * ldc, sizeof(float) * nc);
                    kernel_4x8(kc, a_blk, off, step, panel, tile, NR, load_c);
                    for (int r = 0; r < mr; r++)
                        memcpy(ct + (size_t)r * ldc, tile + r * NR, sizeof(float) * nc);
                }
            }
        }
    }
}
