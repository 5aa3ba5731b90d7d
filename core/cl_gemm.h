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
 * _ref is the naive triple loop (the oracle); _scalar the best plain C;
 * _wasmsimd the WASM SIMD128 kernel. cl_gemm() picks the fastest compiled in.
 * None allocates.
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
CL_API void cl_f32_gemm_wasmsimd(int ta, int tb, int m, int n, int k, const float *a, int lda,
                                 const float *b, int ldb, float beta, float *c, int ldc);
#endif

/* The fastest of the above in this build. */
CL_API void cl_gemm(int ta, int tb, int m, int n, int k, const float *a, int lda,
                           const float *b, int ldb, float beta, float *c, int ldc);

#ifdef __cplusplus
}
#endif
#endif
