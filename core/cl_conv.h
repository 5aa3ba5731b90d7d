/*
 * cl_conv.h - 2D convolution of planar float images, as the class defines it.
 *
 *     Z[j1, j2] = sum_{k1 < K1} sum_{k2 < K2} W[k1, k2] * X[j1*s + k1 - p1, j2*s + k2 - p2]
 *
 * (cross-correlation: the kernel is not flipped, as in every CNN library).
 * Images are planar float32: a (C, H, W) image is C planes of H rows of W
 * values, row-major, values on the 0-255 scale of the 8-bit input.
 *
 * Usage:
 *
 *     int oh, ow;
 *     cl_conv_out_size(700, 1050, 3, 3, CL_PAD_ZERO, 1, &oh, &ow);   // 700 x 1050
 *     float k[9];
 *     cl_kernel_preset(CL_KERNEL_SOBEL_X, 3, 3, 0.0f, k);
 *     cl_conv2d_sum(x, 1, 700, 1050, k, 3, 3, 0.0f, CL_PAD_ZERO, 1, z, oh, ow);
 *
 * Padding: CL_PAD_VALID adds nothing, so the output is (H - K1)/s + 1 rows.
 * The other modes pad "same": p1 = (K1 - 1) / 2 rows on top and K1 - 1 - p1
 * below (likewise columns), so that stride 1 keeps the size; they differ in
 * what the padded pixels hold:
 *   CL_PAD_ZERO     zeros
 *   CL_PAD_REFLECT  the mirror image without repeating the edge (dcb|abcd|cba),
 *                   folded again as often as needed when the kernel is larger
 *                   than the image
 *   CL_PAD_EDGE     copies of the nearest edge pixel (aaa|abcd|ddd)
 *
 * Limits: kernel sides 1..CL_MAX_KERNEL, stride 1..CL_MAX_STRIDE, image sides
 * 1..CL_MAX_DIM. Every call checks its arguments and returns a cl_status;
 * no call allocates. Outputs must not overlap inputs.
 *
 * Three implementations compute the same sums in the same order:
 *   _ref       the naive loop of the formula above: the test oracle;
 *   _scalar    a row-wise loop without vector instructions (the scalar build);
 *   _wasmsimd  WASM SIMD128 intrinsics, 8 outputs per step (native through SIMDe).
 * The unsuffixed calls pick the fastest one compiled in (see cl_conv_simd()).
 * Results of the three agree to float rounding (the order of additions per
 * output is the same, k1-major then k2, so they are usually bit-identical).
 */
#ifndef CL_CONV_H
#define CL_CONV_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most planes one call takes (CL_MAX_KERNEL, CL_MAX_STRIDE: cl_base.h). */
#define CL_MAX_CONV_CHANNELS 64

typedef enum cl_pad {
    CL_PAD_VALID = 0,
    CL_PAD_ZERO = 1,
    CL_PAD_REFLECT = 2,
    CL_PAD_EDGE = 3
} cl_pad;

/* Output height and width of a convolution of an H x W image with a K1 x K2
 * kernel. Checks all arguments; CL_ERR_KERNEL_TOO_BIG when the output is empty. */
CL_API cl_status cl_conv_out_size(int h, int w, int k1, int k2, int pad, int stride,
                                  int *oh, int *ow);

/* Padding before the first row and column (p1, p2) for a mode; the padding
 * after is K - 1 - p. Zero for CL_PAD_VALID. */
CL_API int cl_conv_pad_before(int k, int pad);

/* Multi-channel convolution, as in a CNN layer with one output channel:
 *   x    (C, H, W) input
 *   w    (C, K1, K2) one kernel per input channel
 *   z    (OH, OW) = sum over c of conv(x[c], w[c]) + bias
 * oh, ow must be what cl_conv_out_size() gives (else CL_ERR_OUTPUT). */
CL_API cl_status cl_conv2d_sum(const float *x, int c, int h, int w,
                               const float *wt, int k1, int k2, float bias,
                               int pad, int stride, float *z, int oh, int ow);

/* Per-channel convolution, as for blurring a colour image:
 *   x    (C, H, W) input
 *   w    (KC, K1, K2) with KC = C (a kernel per channel) or KC = 1 (one shared kernel)
 *   z    (C, OH, OW), z[c] = conv(x[c], w[c or 0]) */
CL_API cl_status cl_conv2d_per_channel(const float *x, int c, int h, int w,
                                       const float *wt, int kc, int k1, int k2,
                                       int pad, int stride, float *z, int oh, int ow);

/* Sobel gradient magnitude of each channel: z[c] = sqrt(Gx^2 + Gy^2) with the
 * class's Gx, Gy (3 x 3). tmp must hold OH * OW floats (the Gy plane). */
CL_API cl_status cl_conv2d_gradient_magnitude(const float *x, int c, int h, int w,
                                              int pad, int stride, float *z, int oh, int ow,
                                              float *tmp);

/* 1 if the unsuffixed calls use the WASM SIMD kernel, 0 for the scalar one. */
CL_API int cl_conv_simd(void);

/* The page's whole path in one call: 8-bit RGBA in, convolution, RGBA out.
 *   rgba   (H, W, 4) bytes; alpha is ignored
 *   mode   CL_FILTER_GRAY (luma, one plane), CL_FILTER_PER_CHANNEL (R, G, B each with
 *          its kernel: kc = 1 or 3), CL_FILTER_SUM (3 -> 1 plane, kc = 3, + bias),
 *          CL_FILTER_MAGNITUDE (Sobel gradient magnitude per channel; wt unused)
 *   x      the input planes, cl_image_planes(4, mode == GRAY) x H x W floats (written),
 *          or NULL if the caller does not need them
 *   z      the result planes (1 for GRAY and SUM, else 3) x OH x OW floats (written; the
 *          numbers behind the picture, e.g. for a step-by-step view), or NULL
 *   tmp    OH x OW floats for CL_FILTER_MAGNITUDE, or NULL; unused by the other modes
 *   out    (OH, OW, 4) RGBA bytes, mapped with `display` (a cl_display)
 * With CL_DISPLAY_CLAMP the work goes in strips of rows, so that each strip's
 * floats are still in the cache when the next step reads them; the planes not
 * asked for then live only in small buffers of the engine's own, a strip at a
 * time (the fastest way from bytes to bytes). The other displays scale by the
 * largest value, so they make every float first (in the engine's own buffers
 * when x or z is NULL). CL_ERR_NOMEM if those buffers cannot be had. */
enum { CL_FILTER_GRAY = 0, CL_FILTER_PER_CHANNEL = 1, CL_FILTER_SUM = 2, CL_FILTER_MAGNITUDE = 3 };
CL_API cl_status cl_filter_rgba(const uint8_t *rgba, int h, int w, int mode, const float *wt,
                                int kc, int k1, int k2, float bias, int pad, int stride,
                                int display, float *x, float *z, float *tmp, uint8_t *out,
                                int oh, int ow);

/* One plane of a convolution, for the three implementations below. They take
 * already-validated arguments (assert on nonsense).
 *   x     rows of an h x w plane: row iy at x + (iy % x_ring) * w, x_ring = h for
 *         a whole plane, or the length of a ring of rows that holds every row
 *         output rows row0..row1-1 read (only those are touched)
 *   wt    k1 x k2 weights
 *   z     output row j1 (row0 <= j1 < row1, of an oh x ow plane) at
 *         z + (j1 - z_row0) * ow; if accumulate, z += conv, else z = conv + bias */
typedef struct cl_plane_job {
    const float *x;
    int h, w, x_ring;
    const float *wt;
    int k1, k2, pad, stride, accumulate;
    float bias;
    float *z;
    int oh, ow, z_row0, row0, row1;
} cl_plane_job;
typedef void (*cl_plane_fn)(const cl_plane_job *job);
void cl_f32_conv2d_plane_ref(const cl_plane_job *job);
void cl_f32_conv2d_plane_scalar(const cl_plane_job *job);
#ifdef CL_HAVE_SIMD
void cl_f32_conv2d_plane_wasmsimd(const cl_plane_job *job);
#endif

/* The outputs j (lo <= j < hi, within 0..ow-1) of a row whose input column
 * j * stride + off lies inside a row of w pixels: the columns a tap at offset
 * off reads without padding. (Inline: the network's conv layer uses it too.) */
static inline void cl_inside_cols(int w, int ow, int stride, int off, int *lo, int *hi)
{
    int j_lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int j_hi = w - 1 - off < 0 ? 0 : (w - 1 - off) / stride + 1;
    if (j_hi > ow) j_hi = ow;
    if (j_lo > j_hi) j_lo = j_hi;
    *lo = j_lo;
    *hi = j_hi;
}

/* Index of the input pixel that padding mode `pad` puts at position i of a
 * line of n pixels (i may be negative or >= n); -1 for a zero pixel (zero
 * padding, and anything outside the image with valid padding). */
CL_API int cl_pad_index(int i, int n, int pad);

/* The same, inline, for the engine's own loops (cl_pad_index is its export). */
static inline int cl_pad_index_inline(int i, int n, int pad)
{
    if (i >= 0 && i < n) return i;
    switch (pad) {
    case CL_PAD_EDGE:
        return i < 0 ? 0 : n - 1;
    case CL_PAD_REFLECT: {
        if (n == 1) return 0;
        /* dcb|abcd|cba repeats with period 2(n-1); fold into it */
        int period = 2 * (n - 1);
        int m = i % period;
        if (m < 0) m += period;
        return m < n ? m : period - m;
    }
    default: /* zero padding, and valid padding: nothing outside the image */
        return -1;
    }
}

#ifdef __cplusplus
}
#endif
#endif
