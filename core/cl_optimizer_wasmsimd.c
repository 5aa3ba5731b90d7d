/* cl_optimizer_wasmsimd.c - the optimisers' updates with WASM SIMD128
 * intrinsics (see cl_optimizer.h), 4 parameters a step.
 *
 * Same expressions, same order as the _ref loops in cl_optimizer.c (mul and
 * add, no FMA), so the results are bit-identical; the tail goes to the
 * references (cl_simd.h). Finiteness: a lane is fine when |x| <= FLT_MAX
 * (false for inf and NaN); the lanes' masks are and-ed and tested once at
 * the end. */
#include "cl_optimizer.h"
#include "cl_simd.h"

#include <float.h>

#define B1 ((float)CL_ADAM_B1)
#define B2 ((float)CL_ADAM_B2)

static v128_t finite_mask(v128_t x)
{
    return wasm_f32x4_le(wasm_f32x4_abs(x), wasm_f32x4_splat(FLT_MAX));
}

/* g + l2 w: the gradient with its weight decay, as every update starts */
static v128_t decayed(const float *g, v128_t vl2, v128_t w)
{
    return wasm_f32x4_add(wasm_v128_load(g), wasm_f32x4_mul(vl2, w));
}

int cl_f32_sgd_update_wasmsimd(const float *w, const float *g, float *wn, size_t n, float lr, float l2)
{
    const v128_t vlr = wasm_f32x4_splat(lr), vl2 = wasm_f32x4_splat(l2);
    v128_t ok = wasm_i32x4_splat(-1);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t x = wasm_v128_load(w + i);
        v128_t v = wasm_f32x4_sub(x, wasm_f32x4_mul(vlr, decayed(g + i, vl2, x)));
        wasm_v128_store(wn + i, v);
        ok = wasm_v128_and(ok, finite_mask(v));
    }
    const int bad = cl_f32_sgd_update_ref(w + i, g + i, wn + i, n - i, lr, l2);
    return bad || !wasm_i32x4_all_true(ok);
}

int cl_f32_momentum_update_wasmsimd(const float *w, const float *v, const float *g, float *wn, float *vn,
                                    size_t n, float lr, float mom, float l2)
{
    const v128_t vlr = wasm_f32x4_splat(lr), vl2 = wasm_f32x4_splat(l2), vm = wasm_f32x4_splat(mom);
    v128_t ok = wasm_i32x4_splat(-1);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t x = wasm_v128_load(w + i);
        v128_t vv = wasm_f32x4_sub(wasm_f32x4_mul(vm, wasm_v128_load(v + i)),
                                   wasm_f32x4_mul(vlr, decayed(g + i, vl2, x)));
        v128_t ww = wasm_f32x4_add(x, vv);
        wasm_v128_store(vn + i, vv);
        wasm_v128_store(wn + i, ww);
        ok = wasm_v128_and(ok, finite_mask(ww));
    }
    const int bad = cl_f32_momentum_update_ref(w + i, v + i, g + i, wn + i, vn + i, n - i, lr, mom, l2);
    return bad || !wasm_i32x4_all_true(ok);
}

int cl_f32_adam_update_wasmsimd(const float *w, const float *m1, const float *m2, const float *g,
                                float *wn, float *m1n, float *m2n, size_t n, float lr_t, float eps_t,
                                float l2)
{
    const v128_t vl2 = wasm_f32x4_splat(l2), vlr = wasm_f32x4_splat(lr_t), veps = wasm_f32x4_splat(eps_t);
    const v128_t b1 = wasm_f32x4_splat(B1), c1 = wasm_f32x4_splat(1.0f - B1);
    const v128_t b2 = wasm_f32x4_splat(B2), c2 = wasm_f32x4_splat(1.0f - B2);
    v128_t ok = wasm_i32x4_splat(-1);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t x = wasm_v128_load(w + i);
        v128_t gg = decayed(g + i, vl2, x);
        v128_t a = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m1 + i)), wasm_f32x4_mul(c1, gg));
        /* (1 - b2) * gg * gg evaluates left to right, as in C */
        v128_t b = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(m2 + i)),
                                  wasm_f32x4_mul(wasm_f32x4_mul(c2, gg), gg));
        v128_t step = wasm_f32x4_div(wasm_f32x4_mul(vlr, a), wasm_f32x4_add(wasm_f32x4_sqrt(b), veps));
        v128_t ww = wasm_f32x4_sub(x, step);
        wasm_v128_store(m1n + i, a);
        wasm_v128_store(m2n + i, b);
        wasm_v128_store(wn + i, ww);
        ok = wasm_v128_and(ok, wasm_v128_and(finite_mask(ww), finite_mask(b)));
    }
    const int bad = cl_f32_adam_update_ref(w + i, m1 + i, m2 + i, g + i, wn + i, m1n + i, m2n + i,
                                           n - i, lr_t, eps_t, l2);
    return bad || !wasm_i32x4_all_true(ok);
}
