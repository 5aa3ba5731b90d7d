/*
 * cl_simd.h - the WASM SIMD128 intrinsics, for the vector kernels only.
 *
 * Emscripten with -msimd128 gives the real <wasm_simd128.h>. Natively, SIMDe
 * implements the same intrinsics (on SSE/AVX where it can), so the very same
 * kernel source runs in the native tests under the sanitizers.
 * Only the *_wasmsimd.c files include this; the scalar build leaves them out.
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

#endif
