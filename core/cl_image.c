#include "cl_image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cl_image_planes(int src_channels, int to_gray)
{
    return (src_channels == 1 || to_gray) ? 1 : 3;
}

static cl_status check_image(const void *src, const void *dst, int c, int h, int w, size_t *n)
{
    if (!src || !dst) return CL_ERR_NULL;
    if (h < 1 || w < 1 || h > CL_MAX_DIM || w > CL_MAX_DIM) return CL_ERR_SIZE;
    size_t bytes;
    /* the float side is the larger: c (<= 4) planes of 4-byte floats */
    cl_status st = cl_mul_size4((size_t)h, (size_t)w, (size_t)c, sizeof(float), &bytes);
    if (st != CL_OK) return st;
    *n = (size_t)h * (size_t)w;
    return CL_OK;
}

/* The rule of cl_image.h in whole numbers: q thousandths rounded to the
 * nearest whole 1000, an exact half (q ending in 500) to the even one. */
static float luma(int r, int g, int b)
{
    const int q = CL_LUMA_R * r + CL_LUMA_G * g + CL_LUMA_B * b;
    int y = q / CL_LUMA_SCALE;
    const int rest = q % CL_LUMA_SCALE;
    if (rest > CL_LUMA_SCALE / 2 || (rest == CL_LUMA_SCALE / 2 && (y & 1))) y++;
    return (float)y;
}

void cl_u8_to_planar_ref(const uint8_t *src, size_t n, int sc, int to_gray, float *dst,
                         size_t plane)
{
    if (sc == 1) {
        for (size_t i = 0; i < n; i++) dst[i] = src[i];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const int r = src[i * sc], g = src[i * sc + 1], b = src[i * sc + 2];
        if (to_gray) {
            dst[i] = luma(r, g, b);
        } else {
            dst[i] = r;
            dst[plane + i] = g;
            dst[2 * plane + i] = b;
        }
    }
}

void cl_u8_scale_ref(const uint8_t *src, size_t n, float s, float *dst)
{
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i] * s;
}

cl_status cl_image_from_u8(const uint8_t *src, int h, int w, int sc, int to_gray, float *dst)
{
    size_t n;
    cl_status st = check_image(src, dst, 4, h, w, &n);
    if (st != CL_OK) return st;
    if (sc != 1 && sc != 3 && sc != 4) return CL_ERR_CHANNELS;
    cl_u8_to_planar(src, n, sc, to_gray != 0, dst, n);
    return CL_OK;
}

/* v (already scaled) to a byte: NaN and negatives to 0, above 255 to 255,
 * halves to even. */
static uint8_t to_byte(float v)
{
    if (!(v > 0.0f)) return 0;
    if (v > 255.0f) return 255;
    return (uint8_t)nearbyintf(v);
}

void cl_planar_to_rgba_ref(const float *src, int c, size_t n, size_t plane, float scale,
                           int use_abs, uint8_t *dst)
{
    for (size_t i = 0; i < n; i++) {
        for (int ch = 0; ch < 3; ch++) {
            float v = src[(c == 1 ? 0 : ch) * plane + i];
            if (use_abs) v = fabsf(v) * scale;
            dst[4 * i + ch] = to_byte(v);
        }
        dst[4 * i + 3] = 255;
    }
}

float cl_image_max_abs(const float *src, size_t n)
{
    if (!src) return 0.0f;
#ifdef CL_HAVE_SIMD
    return cl_f32_max_abs_wasmsimd(src, n);
#else
    return cl_f32_max_abs_ref(src, n);
#endif
}

float cl_f32_max_abs_ref(const float *src, size_t n)
{
    float m = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(src[i]);
        if (a > m) m = a; /* false for NaN */
    }
    return m;
}

/* Diverging map: t = v * inv in [-1, 1] from blue (-1) through white (0) to
 * red (+1), the end colours of ColorBrewer's RdBu (CL_DIVERGING_*), which keep
 * both ends dark enough to read on white and stay readable for red-green
 * colour blindness. NaN shows white. */
void cl_f32_diverging_ref(const float *src, size_t n, float inv, uint8_t *dst)
{
    static const float white[3] = {CL_DIVERGING_WHITE}, red[3] = {CL_DIVERGING_RED},
                       blue[3] = {CL_DIVERGING_BLUE};
    for (size_t i = 0; i < n; i++) {
        float t = src[i] * inv;
        if (!(t == t)) t = 0.0f;
        const float *end = t < 0 ? blue : red;
        float u = fabsf(t) > 1.0f ? 1.0f : fabsf(t);
        for (int ch = 0; ch < 3; ch++) dst[4 * i + ch] = to_byte(white[ch] + (end[ch] - white[ch]) * u);
        dst[4 * i + 3] = 255;
    }
}

static cl_status check_to_rgba(const float *src, int c, int h, int w, int display, uint8_t *dst,
                               size_t *n)
{
    cl_status st = check_image(src, dst, 4, h, w, n);
    if (st != CL_OK) return st;
    if (c != 1 && c != 3) return CL_ERR_CHANNELS;
    if (display < 0 || display >= CL_DISPLAY_COUNT) return CL_ERR_ARG;
    if (display == CL_DISPLAY_DIVERGING && c != 1) return CL_ERR_CHANNELS;
    return CL_OK;
}

cl_status cl_image_to_rgba(const float *src, int c, int h, int w, int display, uint8_t *dst)
{
    size_t n;
    cl_status st = check_to_rgba(src, c, h, w, display, dst, &n);
    if (st != CL_OK) return st;
    /* the scale: the largest |value| over every plane */
    const float m = display == CL_DISPLAY_CLAMP ? 0.0f : cl_image_max_abs(src, n * (size_t)c);
    return cl_image_to_rgba_scaled(src, c, h, w, display, m, dst);
}

cl_status cl_image_to_rgba_scaled(const float *src, int c, int h, int w, int display, float max,
                                  uint8_t *dst)
{
    size_t n;
    cl_status st = check_to_rgba(src, c, h, w, display, dst, &n);
    if (st != CL_OK) return st;
    const float m = max; /* not a positive number (0, NaN): everything shows as 0 */
    if (display == CL_DISPLAY_DIVERGING) {
        float inv = m > 0.0f ? 1.0f / m : 0.0f;
#ifdef CL_HAVE_SIMD
        cl_f32_diverging_wasmsimd(src, n, inv, dst);
#else
        cl_f32_diverging_ref(src, n, inv, dst);
#endif
        return CL_OK;
    }
    float scale = 1.0f;
    int use_abs = display == CL_DISPLAY_ABS_SCALED;
    if (use_abs) scale = m > 0.0f ? 255.0f / m : 0.0f;
    cl_planar_to_rgba(src, c, n, n, scale, use_abs, dst);
    return CL_OK;
}

/* ---- the dispatchers ---- */

void cl_u8_to_planar(const uint8_t *src, size_t n, int sc, int to_gray, float *dst, size_t plane)
{
#ifdef CL_HAVE_SIMD
    /* gray and packed RGB are rare here: the canvas gives RGBA */
    if (sc == 4) {
        cl_u8_to_planar_wasmsimd(src, n, sc, to_gray, dst, plane);
        return;
    }
#endif
    cl_u8_to_planar_ref(src, n, sc, to_gray, dst, plane);
}

void cl_u8_scale(const uint8_t *src, size_t n, float s, float *dst)
{
#ifdef CL_HAVE_SIMD
    cl_u8_scale_wasmsimd(src, n, s, dst);
#else
    cl_u8_scale_ref(src, n, s, dst);
#endif
}

void cl_planar_to_rgba(const float *src, int c, size_t n, size_t plane, float scale, int use_abs,
                       uint8_t *dst)
{
#ifdef CL_HAVE_SIMD
    cl_planar_to_rgba_wasmsimd(src, c, n, plane, scale, use_abs, dst);
#else
    cl_planar_to_rgba_ref(src, c, n, plane, scale, use_abs, dst);
#endif
}

void cl_planar_to_rgba_bounded(const float *src, int c, size_t n, size_t plane, uint8_t *dst)
{
#ifdef CL_HAVE_SIMD
    cl_planar_to_rgba_bounded_wasmsimd(src, c, n, plane, dst);
#else
    cl_planar_to_rgba_ref(src, c, n, plane, 1.0f, 0, dst);
#endif
}

/* |v|'s bin: the top 16 bits of its bit pattern without the sign, which grow
 * with |v| (IEEE 754 orders non-negative numbers as their bits). */
#define ABS_BINS (1u << 15)
static uint32_t abs_bits(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b & 0x7fffffffu;
}

static int cmp_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

cl_status cl_image_abs_percentile(const float *src, size_t n, double q, float *out)
{
    if (!src || !out) return CL_ERR_NULL;
    if (!(q > 0.0 && q <= 1.0)) return CL_ERR_ARG;
    uint32_t *hist = cl_alloc(ABS_BINS * sizeof *hist);
    if (!hist) return CL_ERR_NOMEM;
    memset(hist, 0, ABS_BINS * sizeof *hist);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t b = abs_bits(src[i]);
        if (b > 0x7f800000u) continue; /* NaN */
        hist[b >> 16]++;
        count++;
    }
    out[0] = out[1] = 0.0f;
    out[2] = (float)count;
    size_t rank = (size_t)ceil(q * (double)count); /* the rank-th smallest |v|, from 1 */
    if (rank < 1) rank = 1;
    if (count == 0) {
        cl_free(hist);
        return CL_OK;
    }
    size_t below = 0;
    uint32_t bin = 0;
    while (below + hist[bin] < rank) below += hist[bin++];
    size_t above = 0;
    for (uint32_t b = bin + 1; b < ABS_BINS; b++) above += hist[b];
    float *in_bin = cl_alloc((size_t)hist[bin] * sizeof *in_bin);
    if (!in_bin) {
        cl_free(hist);
        return CL_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t b = abs_bits(src[i]);
        if (b <= 0x7f800000u && (b >> 16) == bin) in_bin[k++] = fabsf(src[i]);
    }
    qsort(in_bin, k, sizeof *in_bin, cmp_float);
    const float p = in_bin[rank - below - 1];
    for (size_t j = rank - below; j < k; j++) above += in_bin[j] > p;
    out[0] = p;
    out[1] = (float)above;
    cl_free(in_bin);
    cl_free(hist);
    return CL_OK;
}
