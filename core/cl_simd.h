/*
 * cl_simd.h - the WASM SIMD128 intrinsics, for the vector kernels only, and
 * the rules every one of them keeps.
 *
 * Emscripten with -msimd128 gives the real <wasm_simd128.h>. Natively, SIMDe
 * implements the same intrinsics (on SSE/AVX where it can), so the very same
 * kernel source runs in the native tests under the sanitizers.
 * Only the *_wasmsimd.c files include this; the scalar build leaves them out.
 *
 * The rules of a *_wasmsimd function:
 *   - It is a leaf. It does one job on the whole domain its header gives (for
 *     example "k = 2" or "k >= 1, beta 0 or 1") and calls no other
 *     implementation of that job. Which kernel runs for which arguments, and
 *     the plain-C fallback for forms no kernel covers, is decided in one place:
 *     the unsuffixed dispatcher (cl_gemm, cl_maxpool_forward, cl_u8_to_planar...).
 *   - It computes what its _ref computes, in the same order, so that the two
 *     agree bit for bit, unless its header says where they may differ.
 *   - The tail: a vector loop covers whole vectors only, and hands what is
 *     left to the reference. An element-wise kernel calls its _ref on the rest,
 *     on the same pointers moved past the vectors,
 *         cl_f32_sgd_update_ref(w + i, g + i, wn + i, n - i, lr, l2);
 *     a kernel whose vectors run along the rows of a larger loop ends each row
 *     with the reference's loop body. Nothing reads or writes past the end of
 *     a buffer to round a length up to a vector.
 */
#ifndef CL_SIMD_H
#define CL_SIMD_H

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__wasm__)
#error "the *_wasmsimd.c kernels need -msimd128; the scalar build must leave them out"
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif

#include <stddef.h>

/* acc + a * b, the multiply-add of the convolution and GEMM loops.
 * Built with -msimd128 (convlab-simd.wasm, and natively through SIMDe): a
 * multiplication, then an addition, each rounded, as the reference does, so
 * the kernels agree with it bit for bit.
 * Built with -mrelaxed-simd too (convlab-relaxed.wasm, LLVM 16: Makefile):
 * f32x4.relaxed_madd, which the engine may do as one fused multiply-add,
 * rounded once (x86 with FMA, ARM), or as the two operations (older x86).
 * Each term then differs from the reference's by at most one rounding of
 * a * b: a sum of n terms is within 2 * n * 2^-24 * (sum of |terms|) of it
 * (tests/wasm/relaxed.test.mjs checks the build with that bound).
 * Only the sums of products use it: the image's display mapping, the
 * optimisers and the peak microbenchmark keep their own separate operations. */
#if defined(__wasm_relaxed_simd__)
typedef float cl_f32x4_ __attribute__((__vector_size__(16)));
#define CL_F32X4_MADD(acc, a, b)                                                    \
    ((v128_t)__builtin_wasm_relaxed_madd_f32x4((cl_f32x4_)(a), (cl_f32x4_)(b), \
                                               (cl_f32x4_)(acc)))
#else
#define CL_F32X4_MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

/* p[0 .. n) = 0 */
static inline void cl_simd_zero_f32(float *p, size_t n)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4) wasm_v128_store(p + j, wasm_f32x4_splat(0.0f));
    for (; j < n; j++) p[j] = 0.0f;
}

/* dst[0 .. n) = src[0 .. n), n small (a row): 8, then 4 floats a step */
static inline void cl_simd_copy_f32(float *dst, const float *src, size_t n)
{
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        wasm_v128_store(dst + j, wasm_v128_load(src + j));
        wasm_v128_store(dst + j + 4, wasm_v128_load(src + j + 4));
    }
    for (; j + 4 <= n; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
    for (; j < n; j++) dst[j] = src[j];
}

/* The rank-1 update of a 4 x 8 tile of accumulators, the inner step of the
 * GEMM and of the conv layer's wide kernels: c[r][j] += a_r * b[j] for the
 * caller's v128_t c00, c01 (row 0) .. c30, c31 (row 3), with a_r loaded from
 * the float pointers p0..p3 and b[0..8) in the caller's vectors b0, b1.
 * A macro rather than a function taking an array of accumulators: V8 kept
 * such arrays in memory instead of registers. */
#define CL_SIMD_TILE_4X8_UPDATE(p0, p1, p2, p3)                         \
    do {                                                                \
        v128_t a_ = wasm_v128_load32_splat(p0);                         \
        c00 = CL_F32X4_MADD(c00, a_, b0);                               \
        c01 = CL_F32X4_MADD(c01, a_, b1);                               \
        a_ = wasm_v128_load32_splat(p1);                                \
        c10 = CL_F32X4_MADD(c10, a_, b0);                               \
        c11 = CL_F32X4_MADD(c11, a_, b1);                               \
        a_ = wasm_v128_load32_splat(p2);                                \
        c20 = CL_F32X4_MADD(c20, a_, b0);                               \
        c21 = CL_F32X4_MADD(c21, a_, b1);                               \
        a_ = wasm_v128_load32_splat(p3);                                \
        c30 = CL_F32X4_MADD(c30, a_, b0);                               \
        c31 = CL_F32X4_MADD(c31, a_, b1);                               \
    } while (0)

#endif
