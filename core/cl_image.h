/*
 * cl_image.h - 8-bit interleaved pixels <-> planar float32 images.
 *
 * Outside (canvas, files): interleaved bytes, (H, W, C) with C = 1 (gray),
 * 3 (RGB) or 4 (RGBA, the canvas's ImageData). Inside: planar floats, (C, H, W),
 * on the same 0-255 scale, one plane per channel: the channel split is the
 * layout itself (plane c starts at c * H * W).
 *
 *     float *x = cl_alloc(3 * h * w * sizeof(float));
 *     cl_image_from_u8(rgba, h, w, 4, 0, x);      // 3 planes R, G, B
 *     ... cl_conv2d_per_channel(x, 3, ...) into z ...
 *     cl_image_to_rgba(z, 3, oh, ow, CL_DISPLAY_CLAMP, out_rgba);
 *
 * Grayscale uses the ITU-R BT.601 luma weights, 0.299, 0.587 and 0.114, and
 * rounds to a whole number (halves to even) as an 8-bit grayscale image would
 * be. The sum is computed exactly, in thousandths, so that every exact half is
 * one and goes to the even number:
 *     q = 299 R + 587 G + 114 B           (0 to 255,000, a whole number)
 *     Y = q / 1000 rounded to the nearest whole number, halves to even
 * e.g. (76, 54, 27): q = 57,500, Y = 58; (5, 161, 57): q = 102,500, Y = 102.
 */
#ifndef CL_IMAGE_H
#define CL_IMAGE_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The luma weights in thousandths (CL_LUMA_SCALE): 0.299, 0.587, 0.114. */
#define CL_LUMA_R 299
#define CL_LUMA_G 587
#define CL_LUMA_B 114
#define CL_LUMA_SCALE 1000

/* How float results become 0-255 bytes for display. */
typedef enum cl_display {
    CL_DISPLAY_CLAMP = 0,      /* round(v) clamped to 0..255; NaN shows as 0 */
    CL_DISPLAY_ABS_SCALED = 1, /* round(|v| * 255 / max|v|), max over all planes; for signed
                                  results such as Sobel; all-zero input shows black */
    CL_DISPLAY_DIVERGING = 2,  /* one plane only: negative blue, 0 white, positive red,
                                  scaled by max|v| (see cl_image_max_abs for the legend) */
    CL_DISPLAY_COUNT
} cl_display;

/* Number of planes cl_image_from_u8 writes: 1 for gray input or to_gray, else 3. */
CL_API int cl_image_planes(int src_channels, int to_gray);

/* src: (H, W, src_channels) bytes, src_channels 1, 3 or 4 (alpha is dropped).
 * dst: cl_image_planes(src_channels, to_gray) planes of H x W floats. */
CL_API cl_status cl_image_from_u8(const uint8_t *src, int h, int w, int src_channels,
                                  int to_gray, float *dst);

/* src: (C, H, W) floats with C = 1 (shown gray) or 3 (shown as RGB).
 * dst: (H, W, 4) RGBA bytes, alpha 255. display is a cl_display. */
CL_API cl_status cl_image_to_rgba(const float *src, int c, int h, int w, int display,
                                  uint8_t *dst);

/* cl_image_to_rgba with the scale's largest |value| given (ABS_SCALED and
 * DIVERGING; CLAMP ignores it): values beyond it show as the strongest
 * colour, as if clipped to it. A max that is not a positive number shows
 * everything as 0. */
CL_API cl_status cl_image_to_rgba_scaled(const float *src, int c, int h, int w, int display,
                                         float max, uint8_t *dst);

/* Largest |v| over n floats (0 for n = 0; NaN values are skipped). */
CL_API float cl_image_max_abs(const float *src, size_t n);

/* The q-th quantile (0 < q <= 1) of |v| over n floats, NaN skipped: the
 * ceil(q * count)-th smallest |v| (at least the first), exactly. out[0]: it
 * (0 when there are no values), out[1]: how many |v| are above it, out[2]:
 * the count. For a colour scale to typical values: most of an edge
 * kernel's result is faint, and its few strongest values would make the
 * rest dark. Statuses: CL_ERR_NULL, CL_ERR_ARG (q), CL_ERR_NOMEM. */
CL_API cl_status cl_image_abs_percentile(const float *src, size_t n, double q, float *out);

/* Reference and vector versions of the two hot conversions, for tests and
 * benchmarks (arguments already validated). They convert n pixels; `plane`
 * is the distance in floats between the planes (n for a whole image, H * W
 * for a strip of rows inside one). */
void cl_u8_to_planar_ref(const uint8_t *src, size_t n, int src_channels, int to_gray, float *dst,
                         size_t plane);
void cl_planar_to_rgba_ref(const float *src, int c, size_t n, size_t plane, float scale,
                           int use_abs, uint8_t *dst);
float cl_f32_max_abs_ref(const float *src, size_t n);
/* dst[i] = src[i] * s: each byte as a float (exact), then one product (a
 * network's input: the pixels times 1/255). */
void cl_u8_scale_ref(const uint8_t *src, size_t n, float s, float *dst);
/* The diverging map of n values, t = v * inv, to RGBA. */
void cl_f32_diverging_ref(const float *src, size_t n, float inv, uint8_t *dst);
#define CL_DIVERGING_WHITE 247, 247, 247
#define CL_DIVERGING_RED 178, 24, 43
#define CL_DIVERGING_BLUE 33, 102, 172
#ifdef CL_HAVE_SIMD
void cl_f32_diverging_wasmsimd(const float *src, size_t n, float inv, uint8_t *dst);
float cl_f32_max_abs_wasmsimd(const float *src, size_t n);
/* RGBA input only (src_channels = 4: what a canvas gives) */
void cl_u8_to_planar_wasmsimd(const uint8_t *src, size_t n, int src_channels, int to_gray,
                              float *dst, size_t plane);
void cl_u8_scale_wasmsimd(const uint8_t *src, size_t n, float s, float *dst);
void cl_planar_to_rgba_wasmsimd(const float *src, int c, size_t n, size_t plane, float scale,
                                int use_abs, uint8_t *dst);
/* The clamped map (scale 1, no |v|) for values known to be numbers within
 * +-CL_BOUNDED_MAX: the same bytes as cl_planar_to_rgba_ref, in fewer steps. */
void cl_planar_to_rgba_bounded_wasmsimd(const float *src, int c, size_t n, size_t plane,
                                        uint8_t *dst);
extern uint8_t cl_rgba_byte_order[16]; /* its byte order; never written */
#endif
#define CL_BOUNDED_MAX 2097152.0f /* 2^21 */

/* The dispatchers: the conversions as this build runs them, with the vector
 * kernel where it takes the arguments, else the reference (the same bytes and
 * floats either way). cl_planar_to_rgba_bounded is the clamped map (scale 1,
 * no |v|) of values known to be numbers within +-CL_BOUNDED_MAX. */
void cl_u8_to_planar(const uint8_t *src, size_t n, int src_channels, int to_gray, float *dst,
                     size_t plane);
void cl_planar_to_rgba(const float *src, int c, size_t n, size_t plane, float scale, int use_abs,
                       uint8_t *dst);
void cl_u8_scale(const uint8_t *src, size_t n, float s, float *dst);
void cl_planar_to_rgba_bounded(const float *src, int c, size_t n, size_t plane, uint8_t *dst);

#ifdef __cplusplus
}
#endif
#endif
