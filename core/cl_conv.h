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
 * 1..CL_MAX_DIM (cl_base.h), 1..CL_MAX_CONV_CHANNELS planes. Every call checks
 * its arguments and returns a cl_status; no call allocates. Outputs must not
 * overlap inputs.
 *
 * Three implementations of one plane compute the same sums in the same order
 * (per output, k1-major then k2), so their results are bit-identical:
 *   _ref       the naive loop of the formula above: the test oracle;
 *   _scalar    a row-wise loop without vector instructions (the scalar build);
 *   _wasmsimd  WASM SIMD128 intrinsics, 12 or 4 outputs a step (natively through SIMDe).
 * The calls below use the fastest one compiled in (cl_conv2d_plane; see cl_conv_simd()).
 * cl_filter.h runs the same convolution from RGBA bytes to RGBA bytes in one call;
 * the network's convolution layer is cl_conv_layer.h.
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
/* The peak the convolution is measured against (tools/bench-native.c,
 * tests/bench/conv.bench.mjs): n rounds of 12 independent vector multiplications
 * and 12 vector additions (4 lanes each: 96 flops a round, n * 96 in all), as
 * many as the vector units can overlap. WASM SIMD128 has no fused multiply-add
 * (nor does the engine use one: its sums keep the reference's roundings), so a
 * separate multiplication and addition is the unit of work the kernels do too.
 * Returns a value that depends on every operation, so none is left out. */
CL_API float cl_f32x4_muladd_peak_wasmsimd(int n);
/* The same with fused multiply-adds where the build has them (relaxed SIMD:
 * CL_F32X4_MADD in cl_simd.h): n rounds of 12 chained vector multiply-adds
 * (96 flops a round). In the SIMD build, a multiplication then an addition. */
CL_API float cl_f32x4_madd_peak_wasmsimd(int n);
#endif
/* The fastest of the three in this build: the dispatcher of every call above
 * and of cl_filter_rgba. */
void cl_conv2d_plane(const cl_plane_job *job);

/* The "bias" of the calls that add none. -0 is the identity of IEEE addition
 * (v + -0 == v for every v, -0 and NaN included, where +0 turns -0 into +0),
 * so a sum started there is the sum of its terms alone, and the vector loops
 * may start it at the first term and save an addition per output. */
#define CL_NO_BIAS (-0.0f)

/* The shape checks of every multi-plane call (cl_filter_rgba's too): c planes
 * of h x w, the kernel, padding and stride, and that oh, ow is the output size.
 * On success the planes' sizes fit in size_t. */
cl_status cl_conv_check_shape(int c, int h, int w, int k1, int k2, int pad, int stride, int oh,
                              int ow);

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
