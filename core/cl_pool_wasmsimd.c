/* cl_pool_wasmsimd.c - max-pooling with WASM SIMD128 intrinsics (see
 * cl_pool.h): the 2 x 2 forward pass, 4 outputs (8 inputs of 2 rows) a step,
 * and the backward pass. */
#include "cl_pool.h"
#include "cl_simd.h"

void cl_f32_maxpool2x2_forward_wasmsimd(const float *x, int b, int c, int h, int w, float *y,
                                        int32_t *argmax)
{
    const int oh = h / 2, ow = w / 2;
    const v128_t lane2 = wasm_i32x4_make(0, 2, 4, 6);
    for (int pl = 0; pl < b * c; pl++) {
        const int32_t plane0 = (int32_t)pl * h * w;
        for (int i = 0; i < oh; i++) {
            const float *r0 = x + (size_t)plane0 + (size_t)(2 * i) * w, *r1 = r0 + w;
            float *yr = y + ((size_t)pl * oh + i) * ow;
            int32_t *ar = argmax + ((size_t)pl * oh + i) * ow;
            const int32_t row0 = plane0 + 2 * i * w;
            int j = 0;
            for (; j + 4 <= ow; j += 4) {
                const v128_t a = wasm_v128_load(r0 + 2 * j), a2 = wasm_v128_load(r0 + 2 * j + 4);
                const v128_t d = wasm_v128_load(r1 + 2 * j), d2 = wasm_v128_load(r1 + 2 * j + 4);
                const v128_t e0 = wasm_i32x4_shuffle(a, a2, 0, 2, 4, 6);
                const v128_t o0 = wasm_i32x4_shuffle(a, a2, 1, 3, 5, 7);
                const v128_t e1 = wasm_i32x4_shuffle(d, d2, 0, 2, 4, 6);
                const v128_t o1 = wasm_i32x4_shuffle(d, d2, 1, 3, 5, 7);
                /* the maximum, then the first candidate (row-major) equal to it */
                const v128_t best = wasm_f32x4_pmax(wasm_f32x4_pmax(e0, o0), wasm_f32x4_pmax(e1, o1));
                const v128_t i0 = wasm_i32x4_add(wasm_i32x4_splat(row0 + 2 * j), lane2);
                v128_t idx = wasm_i32x4_add(i0, wasm_i32x4_splat(w + 1));
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(w)), idx,
                                          wasm_f32x4_eq(e1, best));
                idx = wasm_v128_bitselect(wasm_i32x4_add(i0, wasm_i32x4_splat(1)), idx,
                                          wasm_f32x4_eq(o0, best));
                idx = wasm_v128_bitselect(i0, idx, wasm_f32x4_eq(e0, best));
                wasm_v128_store(yr + j, best);
                wasm_v128_store(ar + j, idx);
            }
            for (; j < ow; j++) {
                int32_t at = row0 + 2 * j;
                const int32_t cand[3] = {at + 1, at + w, at + w + 1};
                for (int q = 0; q < 3; q++)
                    if (x[cand[q]] > x[at]) at = cand[q];
                yr[j] = x[at];
                ar[j] = at;
            }
        }
    }
}

void cl_f32_maxpool_backward_wasmsimd(const float *dy, const int32_t *argmax, int b, int c, int h,
                                      int w, int k, float *dx)
{
    /* clearing dx with vector stores, then one scalar store per output, beats
     * building every input pixel from compares (measured in V8) */
    const size_t ny = (size_t)b * c * (h / k) * (w / k);
    cl_simd_zero_f32(dx, (size_t)b * c * h * w);
    for (size_t o = 0; o < ny; o++) dx[argmax[o]] = dy[o];
}

