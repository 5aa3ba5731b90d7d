/* cl_gemm.c - single-precision GEMM: the naive reference, a blocked plain-C
 * version for the scalar build, and the dispatcher that picks a kernel for
 * each call. See cl_gemm.h. */
#include "cl_gemm.h"

#include <assert.h>

/* op(A)[i][k] and op(B)[k][j] for either storage. */
#define A_AT(i, k) (ta ? a[(size_t)(k) * lda + (i)] : a[(size_t)(i) * lda + (k)])
#define B_AT(k, j) (tb ? b[(size_t)(j) * ldb + (k)] : b[(size_t)(k) * ldb + (j)])

void cl_f32_gemm_ref(int ta, int tb, int m, int n, int k, const float *a, int lda,
                     const float *b, int ldb, float beta, float *c, int ldc)
{
    assert(m >= 0 && n >= 0 && k >= 0);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float acc = 0.0f;
            for (int p = 0; p < k; p++) acc += A_AT(i, p) * B_AT(p, j);
            float *cij = &c[(size_t)i * ldc + j];
            /* beta = 0 overwrites: C may hold garbage (even NaN) then */
            *cij = beta == 0.0f ? acc : acc + beta * *cij;
        }
}

/* The scalar kernel works on tiles of SR x SC outputs of C, with op(B)'s
 * columns packed into a contiguous (kc, SC) panel so that both storages of B
 * read the same way; kc is blocked so the panel stays in L1. */
#define SR 4
#define SC 4
#define SKC 256

/* Packs op(B)[p0 .. p0+kc)[j0 .. j0+nc) into panel (kc, SC), zero columns past nc. */
static void pack_b_scalar(int tb, const float *b, int ldb, int p0, int kc, int j0, int nc,
                          float *panel)
{
    for (int p = 0; p < kc; p++)
        for (int j = 0; j < SC; j++)
            panel[p * SC + j] = j < nc ? B_AT(p0 + p, j0 + j) : 0.0f;
}

void cl_f32_gemm_scalar(int ta, int tb, int m, int n, int k, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc)
{
    assert(m >= 0 && n >= 0 && k >= 0);
    if (m == 0 || n == 0) return;
    float panel[SKC * SC];
    if (k == 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float *cij = &c[(size_t)i * ldc + j];
                *cij = beta == 0.0f ? 0.0f : beta * *cij;
            }
        return;
    }
    for (int p0 = 0; p0 < k; p0 += SKC) {
        const int kc = k - p0 < SKC ? k - p0 : SKC;
        const int first = p0 == 0;
        for (int j0 = 0; j0 < n; j0 += SC) {
            const int nc = n - j0 < SC ? n - j0 : SC;
            pack_b_scalar(tb, b, ldb, p0, kc, j0, nc, panel);
            for (int i0 = 0; i0 < m; i0 += SR) {
                const int mr = m - i0 < SR ? m - i0 : SR;
                float acc[SR][SC] = {{0}};
                if (mr == SR) {
                    for (int p = 0; p < kc; p++) {
                        const float *bp = panel + p * SC;
                        for (int r = 0; r < SR; r++) {
                            const float av = A_AT(i0 + r, p0 + p);
                            for (int j = 0; j < SC; j++) acc[r][j] += av * bp[j];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        const float *bp = panel + p * SC;
                        for (int r = 0; r < mr; r++) {
                            const float av = A_AT(i0 + r, p0 + p);
                            for (int j = 0; j < SC; j++) acc[r][j] += av * bp[j];
                        }
                    }
                }
                for (int r = 0; r < mr; r++) {
                    float *cr = c + (size_t)(i0 + r) * ldc + j0;
                    for (int j = 0; j < nc; j++) {
                        if (!first) cr[j] += acc[r][j];
                        else cr[j] = beta == 0.0f ? acc[r][j] : acc[r][j] + beta * cr[j];
                    }
                }
            }
        }
    }
}

#ifdef CL_HAVE_SIMD
/* The SIMD build's tiles are 8 columns wide: a B^T with few columns, far from
 * a multiple of 8 (say 10), would spend most of them on padding, so it takes
 * dot products along k instead, where k is long enough for them. */
static int few_columns(int ta, int tb, int n, int k)
{
    const int padded = (n + CL_GEMM_TILE_N - 1) / CL_GEMM_TILE_N * CL_GEMM_TILE_N;
    return tb && !ta && k >= 32 && 4 * (padded - n) > padded;
}
#endif

void cl_gemm(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b,
             int ldb, float beta, float *c, int ldc)
{
    cl_gemm_cols(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc, n);
}

void cl_gemm_cols(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b,
                  int ldb, float beta, float *c, int ldc, int whole_n)
{
    (void)whole_n;
#ifdef CL_HAVE_SIMD
    /* the vector kernels take beta 0 or 1 and k >= 1; the rare other forms go to plain C */
    if (k >= 1 && (beta == 0.0f || beta == 1.0f)) {
        if (few_columns(ta, tb, whole_n, k))
            cl_f32_gemm_nt_dot_wasmsimd(m, n, k, a, lda, b, ldb, beta, c, ldc);
        else
            cl_f32_gemm_wasmsimd(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    cl_f32_gemm_scalar(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
}
