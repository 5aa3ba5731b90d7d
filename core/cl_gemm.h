/*
 * cl_gemm.h - single-precision matrix multiply, the network's hot loop.
 *
 *     C = op(A) * op(B) + beta * C        row-major, beta is 0 or 1
 *
 * op(A) is (M, K): A stored (M, K) with row stride lda, or, when ta = 1,
 * stored (K, M) and read transposed. op(B) is (K, N): B stored (K, N) with
 * row stride ldb, or, when tb = 1, stored (N, K). C is (M, N), row stride ldc.
 *
 * A dense layer with weights W (OUT, IN) row-major uses the three forms:
 *     forward   Y  (B, OUT) = X (B, IN) * W^T          ta = 0, tb = 1
 *     backward  dX (B, IN)  = dY (B, OUT) * W          ta = 0, tb = 0
 *               dW (OUT, IN) += dY^T (OUT, B) * X      ta = 1, tb = 0, beta = 1
 *
 * _ref is the naive triple loop (the oracle); _scalar the best plain C, for
 * every form; the _wasmsimd kernels (WASM SIMD128) are leaves for the common
 * forms, k >= 1 and beta 0 or 1. cl_gemm() picks for each call: in the SIMD
 * build a vector kernel where one fits, else _scalar. None allocates.
 */
#ifndef CL_GEMM_H
#define CL_GEMM_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

CL_API void cl_f32_gemm_ref(int ta, int tb, int m, int n, int k, const float *a, int lda,
                            const float *b, int ldb, float beta, float *c, int ldc);
CL_API void cl_f32_gemm_scalar(int ta, int tb, int m, int n, int k, const float *a, int lda,
                               const float *b, int ldb, float beta, float *c, int ldc);
#ifdef CL_HAVE_SIMD
/* Columns of the SIMD kernel's 4 x 8 tile of C. */
#define CL_GEMM_TILE_N 8
/* Any form, in 4 x 8 tiles of C; k >= 1, beta 0 or 1. */
void cl_f32_gemm_wasmsimd(int ta, int tb, int m, int n, int k, const float *a, int lda,
                          const float *b, int ldb, float beta, float *c, int ldc);
/* C = A B^T + beta C only (ta = 0, tb = 1), by dot products along k: for a C
 * with few columns; beta 0 or 1. */
void cl_f32_gemm_nt_dot_wasmsimd(int m, int n, int k, const float *a, int lda, const float *b,
                                 int ldb, float beta, float *c, int ldc);
#endif

/* The dispatcher: the fastest of the above that takes this call's form. */
CL_API void cl_gemm(int ta, int tb, int m, int n, int k, const float *a, int lda,
                           const float *b, int ldb, float beta, float *c, int ldc);
/* Columns of a product whole_n columns wide, by the kernel cl_gemm picks for
 * the whole (each kernel sums every element in the same order wherever its
 * column lies, so these columns are the whole call's bits; a kernel picked
 * for n alone may sum in another order). */
CL_API void cl_gemm_cols(int ta, int tb, int m, int n, int k, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc, int whole_n);

#ifdef __cplusplus
}
#endif
#endif
