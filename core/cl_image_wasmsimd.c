/* cl_image_wasmsimd.c - byte <-> float conversions, 4 pixels per step.
 * Same results as the _ref loops in cl_image.c, bit for bit (the grayscale
 * rule by another exact route, said below); the last pixels go to them (the
 * tail rule of cl_simd.h). */
#include "cl_image.h"
#include "cl_simd.h"

#include <assert.h>

/* Grayscale, 4 pixels at a time: q = 299 R + 587 G + 114 B in whole-number
 * lanes (exact, as the reference's), then Y = nearest(q / 1000) in float32,
 * which is the reference's rule for every q: q < 2^24 converts exactly; an
 * exact half, q = 1000 k + 500, divides to k + 0.5 exactly (representable for
 * k <= 255), which nearest() sends to the even neighbour; any other q lies at
 * least 0.001 from a half, far beyond the division's rounding error (at most
 * 2^-24 * 256 < 0.00002). tests/native/test_image.c checks all 2^24 colours. */
void cl_u8_to_planar_wasmsimd(const uint8_t *src, size_t n, int sc, int to_gray, float *dst,
                              size_t plane)
{
    assert(sc == 4);
    (void)sc;
    const v128_t mask = wasm_i32x4_splat(0xff);
    const v128_t wr = wasm_i32x4_splat(CL_LUMA_R), wg = wasm_i32x4_splat(CL_LUMA_G),
                 wb = wasm_i32x4_splat(CL_LUMA_B);
    const v128_t scale = wasm_f32x4_splat((float)CL_LUMA_SCALE);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t px = wasm_v128_load(src + 4 * i); /* 4 pixels, one per 32-bit lane: A B G R */
        v128_t r = wasm_v128_and(px, mask);
        v128_t g = wasm_v128_and(wasm_u32x4_shr(px, 8), mask);
        v128_t b = wasm_v128_and(wasm_u32x4_shr(px, 16), mask);
        if (to_gray) {
            v128_t q = wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_mul(wr, r), wasm_i32x4_mul(wg, g)),
                                      wasm_i32x4_mul(wb, b));
            v128_t y = wasm_f32x4_div(wasm_f32x4_convert_i32x4(q), scale);
            wasm_v128_store(dst + i, wasm_f32x4_nearest(y));
        } else {
            wasm_v128_store(dst + i, wasm_f32x4_convert_i32x4(r));
            wasm_v128_store(dst + plane + i, wasm_f32x4_convert_i32x4(g));
            wasm_v128_store(dst + 2 * plane + i, wasm_f32x4_convert_i32x4(b));
        }
    }
    if (i < n) cl_u8_to_planar_ref(src + 4 * i, n - i, 4, to_gray, dst + i, plane);
}

/* 16 bytes a step, widened to four vectors of 32-bit lanes (exact), converted
 * (exact) and multiplied: the reference's one product each. (Clang makes the
 * plain loop a lane-by-lane conversion: 3 to 4 times slower.) */
void cl_u8_scale_wasmsimd(const uint8_t *src, size_t n, float s, float *dst)
{
    const v128_t vs = wasm_f32x4_splat(s);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const v128_t b = wasm_v128_load(src + i);
        const v128_t lo = wasm_u16x8_extend_low_u8x16(b), hi = wasm_u16x8_extend_high_u8x16(b);
        wasm_v128_store(dst + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_extend_low_u16x8(lo)), vs));
        wasm_v128_store(dst + i + 4, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_extend_high_u16x8(lo)), vs));
        wasm_v128_store(dst + i + 8, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_extend_low_u16x8(hi)), vs));
        wasm_v128_store(dst + i + 12, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_extend_high_u16x8(hi)), vs));
    }
    if (i < n) cl_u8_scale_ref(src + i, n - i, s, dst + i);
}

/* Floats already scaled -> whole numbers 0..255 in 32-bit lanes, as to_byte():
 * pmax(0, v) is 0 for negatives and NaN, pmin(255, v) caps (each a single
 * instruction, unlike min/max with their NaN rules); adding 2^23 then rounds
 * to a whole number, halves to even, and leaves it in the low mantissa bits. */
static inline v128_t to_bytes32(v128_t v)
{
    v = wasm_f32x4_pmin(wasm_f32x4_splat(255.0f), wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), v));
    return wasm_v128_and(wasm_f32x4_add(v, wasm_f32x4_splat(8388608.0f)), wasm_i32x4_splat(0xff));
}

void cl_planar_to_rgba_wasmsimd(const float *src, int c, size_t n, size_t plane, float scale,
                                int use_abs, uint8_t *dst)
{
    const v128_t vs = wasm_f32x4_splat(scale);
    const v128_t alpha = wasm_i32x4_splat((int32_t)0xff000000u);
    const float *r = src, *g = c == 1 ? src : src + plane, *b = c == 1 ? src : src + 2 * plane;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t vr = wasm_v128_load(r + i);
        if (use_abs) vr = wasm_f32x4_mul(wasm_f32x4_abs(vr), vs);
        v128_t px;
        if (c == 1) {
            v128_t y = to_bytes32(vr);
            px = wasm_v128_or(y, wasm_v128_or(wasm_i32x4_shl(y, 8), wasm_i32x4_shl(y, 16)));
        } else {
            v128_t vg = wasm_v128_load(g + i), vb = wasm_v128_load(b + i);
            if (use_abs) {
                vg = wasm_f32x4_mul(wasm_f32x4_abs(vg), vs);
                vb = wasm_f32x4_mul(wasm_f32x4_abs(vb), vs);
            }
            px = wasm_v128_or(to_bytes32(vr),
                              wasm_v128_or(wasm_i32x4_shl(to_bytes32(vg), 8),
                                           wasm_i32x4_shl(to_bytes32(vb), 16)));
        }
        wasm_v128_store(dst + 4 * i, wasm_v128_or(px, alpha));
    }
    if (i < n) cl_planar_to_rgba_ref(src + i, c, n - i, plane, scale, use_abs, dst + 4 * i);
}

/* A number within +-2^22 rounded to the nearest whole number, halves to
 * even, as a 32-bit integer: adding 1.5 * 2^23 leaves it in the low mantissa
 * bits, offset by 2^22, and subtracting the sum's bit pattern for 0 takes the
 * offset and the exponent away. */
static inline v128_t round_to_i32(v128_t v)
{
    return wasm_i32x4_sub(wasm_f32x4_add(v, wasm_f32x4_splat(12582912.0f)),
                          wasm_i32x4_splat(0x4B400000));
}

/* The order of the bytes of four RGBA pixels in [R0..R3 G0..G3 B0..B3 A0..A3].
 * Not const, and visible outside this file, so that the compiler loads it
 * rather than folding it into a constant shuffle: V8 rebuilds a constant
 * shuffle's mask on every step of a loop, but keeps a loaded one in a register. */
uint8_t cl_rgba_byte_order[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};

/* Four pixels of whole numbers (32-bit lanes) to RGBA bytes, alpha 255: the
 * saturating narrowings (i32 -> i16, then i16 -> u8) clamp to 0..255, and
 * one byte swizzle puts the bytes in order. */
static inline v128_t rgba_from_i32(v128_t ir, v128_t ig, v128_t ib, v128_t order)
{
    v128_t rg = wasm_i16x8_narrow_i32x4(ir, ig);                    /* R0..R3 G0..G3 */
    v128_t ba = wasm_i16x8_narrow_i32x4(ib, wasm_i32x4_splat(255)); /* B0..B3 A A A A */
    return wasm_i8x16_swizzle(wasm_u8x16_narrow_i16x8(rg, ba), order);
}

void cl_planar_to_rgba_bounded_wasmsimd(const float *src, int c, size_t n, size_t plane,
                                        uint8_t *dst)
{
    const v128_t order = wasm_v128_load(cl_rgba_byte_order);
    size_t i = 0;
    if (c == 1) {
        for (; i + 4 <= n; i += 4) {
            v128_t y = round_to_i32(wasm_v128_load(src + i));
            wasm_v128_store(dst + 4 * i, rgba_from_i32(y, y, y, order));
        }
    } else {
        const float *r = src, *g = src + plane, *b = src + 2 * plane;
        for (; i + 4 <= n; i += 4)
            wasm_v128_store(dst + 4 * i, rgba_from_i32(round_to_i32(wasm_v128_load(r + i)),
                                                       round_to_i32(wasm_v128_load(g + i)),
                                                       round_to_i32(wasm_v128_load(b + i)), order));
    }
    if (i < n) cl_planar_to_rgba_ref(src + i, c, n - i, plane, 1.0f, 0, dst + 4 * i);
}

float cl_f32_max_abs_wasmsimd(const float *src, size_t n)
{
    /* pmax(m, |v|) keeps m when v is NaN, as the reference skips NaN */
    v128_t m0 = wasm_f32x4_splat(0.0f), m1 = m0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        m0 = wasm_f32x4_pmax(m0, wasm_f32x4_abs(wasm_v128_load(src + i)));
        m1 = wasm_f32x4_pmax(m1, wasm_f32x4_abs(wasm_v128_load(src + i + 4)));
    }
    m0 = wasm_f32x4_pmax(m0, m1);
    float lanes[4], m = 0.0f;
    wasm_v128_store(lanes, m0);
    for (int l = 0; l < 4; l++)
        if (lanes[l] > m) m = lanes[l];
    float t = cl_f32_max_abs_ref(src + i, n - i);
    return t > m ? t : m;
}

void cl_f32_diverging_wasmsimd(const float *src, size_t n, float inv, uint8_t *dst)
{
    static const float white[3] = {CL_DIVERGING_WHITE}, red[3] = {CL_DIVERGING_RED},
                       blue[3] = {CL_DIVERGING_BLUE};
    const v128_t vinv = wasm_f32x4_splat(inv), zero = wasm_f32x4_splat(0.0f),
                 one = wasm_f32x4_splat(1.0f);
    const v128_t alpha = wasm_i32x4_splat((int32_t)0xff000000u);
    v128_t vw[3], dred[3], dblue[3];
    for (int ch = 0; ch < 3; ch++) {
        vw[ch] = wasm_f32x4_splat(white[ch]);
        dred[ch] = wasm_f32x4_splat(red[ch] - white[ch]);
        dblue[ch] = wasm_f32x4_splat(blue[ch] - white[ch]);
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t t = wasm_f32x4_mul(wasm_v128_load(src + i), vinv);
        v128_t neg = wasm_f32x4_lt(t, zero); /* false for NaN: the red side, at u = 0 */
        /* u = min(|t|, 1), and 0 for NaN: pmin keeps NaN, pmax(0, NaN) is 0 */
        v128_t u = wasm_f32x4_pmax(zero, wasm_f32x4_pmin(wasm_f32x4_abs(t), one));
        v128_t px = alpha;
        for (int ch = 0; ch < 3; ch++) {
            v128_t d = wasm_v128_bitselect(dblue[ch], dred[ch], neg);
            v128_t b = to_bytes32(wasm_f32x4_add(vw[ch], wasm_f32x4_mul(d, u)));
            px = wasm_v128_or(px, wasm_i32x4_shl(b, 8 * ch));
        }
        wasm_v128_store(dst + 4 * i, px);
    }
    if (i < n) cl_f32_diverging_ref(src + i, n - i, inv, dst + 4 * i);
}
