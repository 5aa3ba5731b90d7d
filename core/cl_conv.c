/* cl_conv.c - argument checks, padding, the reference and scalar planes, dispatch. */
#include "cl_conv.h"
#include "cl_image.h"

#include <assert.h>
#include <math.h>

int cl_pad_index(int i, int n, int pad)
{
    if (i >= 0 && i < n) return i;
    switch (pad) {
    case CL_PAD_ZERO:
        return -1;
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
    default: /* valid padding: nothing outside the image */
        return -1;
    }
}

void cl_inside_cols(int w, int ow, int stride, int off, int *lo, int *hi)
{
    int j_lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int j_hi = w - 1 - off < 0 ? 0 : (w - 1 - off) / stride + 1;
    if (j_hi > ow) j_hi = ow;
    if (j_lo > j_hi) j_lo = j_hi;
    *lo = j_lo;
    *hi = j_hi;
}

int cl_conv_pad_before(int k, int pad)
{
    return pad == CL_PAD_VALID ? 0 : (k - 1) / 2;
}

static cl_status check_geometry(int h, int w, int k1, int k2, int pad, int stride)
{
    if (h < 1 || w < 1 || h > CL_MAX_DIM || w > CL_MAX_DIM) return CL_ERR_SIZE;
    if (k1 < 1 || k2 < 1 || k1 > CL_MAX_KERNEL || k2 > CL_MAX_KERNEL) return CL_ERR_KERNEL_SIZE;
    if (stride < 1 || stride > CL_MAX_STRIDE) return CL_ERR_STRIDE;
    if (pad < CL_PAD_VALID || pad > CL_PAD_EDGE) return CL_ERR_PADDING;
    return CL_OK;
}

cl_status cl_conv_out_size(int h, int w, int k1, int k2, int pad, int stride, int *oh, int *ow)
{
    if (!oh || !ow) return CL_ERR_NULL;
    cl_status st = check_geometry(h, w, k1, k2, pad, stride);
    if (st != CL_OK) return st;
    /* padded size = n + (k - 1) for the "same" modes, n for valid */
    int ph = pad == CL_PAD_VALID ? h : h + k1 - 1;
    int pw = pad == CL_PAD_VALID ? w : w + k2 - 1;
    if (k1 > ph || k2 > pw) return CL_ERR_KERNEL_TOO_BIG;
    *oh = (ph - k1) / stride + 1;
    *ow = (pw - k2) / stride + 1;
    return CL_OK;
}

/* Checks shared by every multi-plane call; on success the planes fit in size_t. */
static cl_status check_call(const float *x, int c, int h, int w, const float *wt,
                            int k1, int k2, int pad, int stride, const float *z, int oh, int ow)
{
    if (!x || !wt || !z) return CL_ERR_NULL;
    if (c < 1 || c > CL_MAX_CONV_CHANNELS) return CL_ERR_CHANNELS;
    int eh, ew;
    cl_status st = cl_conv_out_size(h, w, k1, k2, pad, stride, &eh, &ew);
    if (st != CL_OK) return st;
    if (oh != eh || ow != ew) return CL_ERR_OUTPUT;
    size_t bytes;
    /* the input is the largest buffer: c * h * w floats */
    return cl_mul_size4((size_t)c, (size_t)h, (size_t)w, sizeof(float), &bytes);
}

void cl_f32_conv2d_plane_ref(const float *x, int h, int w, const float *wt, int k1, int k2,
                             float bias, int pad, int stride, int accumulate,
                             float *z, int oh, int ow, int row0, int row1)
{
    assert(0 <= row0 && row0 <= row1 && row1 <= oh);
    (void)oh;
    int p1 = cl_conv_pad_before(k1, pad), p2 = cl_conv_pad_before(k2, pad);
    for (int j1 = row0; j1 < row1; j1++) {
        for (int j2 = 0; j2 < ow; j2++) {
            float acc = accumulate ? z[(size_t)j1 * ow + j2] : bias;
            for (int a = 0; a < k1; a++) {
                int iy = cl_pad_index(j1 * stride + a - p1, h, pad);
                if (iy < 0) continue;
                for (int b = 0; b < k2; b++) {
                    int ix = cl_pad_index(j2 * stride + b - p2, w, pad);
                    if (ix < 0) continue;
                    acc += wt[a * k2 + b] * x[(size_t)iy * w + ix];
                }
            }
            z[(size_t)j1 * ow + j2] = acc;
        }
    }
}

void cl_f32_conv2d_plane_scalar(const float *x, int h, int w, const float *wt, int k1, int k2,
                                float bias, int pad, int stride, int accumulate,
                                float *z, int oh, int ow, int row0, int row1)
{
    assert(0 <= row0 && row0 <= row1 && row1 <= oh);
    (void)oh;
    int p1 = cl_conv_pad_before(k1, pad), p2 = cl_conv_pad_before(k2, pad);
    for (int j1 = row0; j1 < row1; j1++) {
        float *zr = z + (size_t)j1 * ow;
        if (!accumulate)
            for (int j2 = 0; j2 < ow; j2++) zr[j2] = bias;
        for (int a = 0; a < k1; a++) {
            int iy = cl_pad_index(j1 * stride + a - p1, h, pad);
            if (iy < 0) continue;
            const float *xr = x + (size_t)iy * w;
            for (int b = 0; b < k2; b++) {
                float wv = wt[a * k2 + b];
                int off = b - p2, lo, hi;
                cl_inside_cols(w, ow, stride, off, &lo, &hi);
                for (int j2 = 0; j2 < lo; j2++) {
                    int ix = cl_pad_index(j2 * stride + off, w, pad);
                    if (ix >= 0) zr[j2] += wv * xr[ix];
                }
                const float *xs = xr + off;
                for (int j2 = lo; j2 < hi; j2++) zr[j2] += wv * xs[j2 * stride];
                for (int j2 = hi; j2 < ow; j2++) {
                    int ix = cl_pad_index(j2 * stride + off, w, pad);
                    if (ix >= 0) zr[j2] += wv * xr[ix];
                }
            }
        }
    }
}

typedef void (*plane_fn)(const float *, int, int, const float *, int, int, float, int, int, int,
                         float *, int, int, int, int);

static plane_fn fast_plane(void)
{
#ifdef CL_HAVE_SIMD
    return cl_f32_conv2d_plane_wasmsimd;
#else
    return cl_f32_conv2d_plane_scalar;
#endif
}

int cl_conv_simd(void)
{
#ifdef CL_HAVE_SIMD
    return 1;
#else
    return 0;
#endif
}

cl_status cl_conv2d_sum(const float *x, int c, int h, int w, const float *wt, int k1, int k2,
                        float bias, int pad, int stride, float *z, int oh, int ow)
{
    cl_status st = check_call(x, c, h, w, wt, k1, k2, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    plane_fn plane = fast_plane();
    size_t in_plane = (size_t)h * w, k_plane = (size_t)k1 * k2;
    for (int ch = 0; ch < c; ch++)
        plane(x + ch * in_plane, h, w, wt + ch * k_plane, k1, k2, bias, pad, stride, ch > 0,
              z, oh, ow, 0, oh);
    return CL_OK;
}

cl_status cl_conv2d_per_channel(const float *x, int c, int h, int w, const float *wt, int kc,
                                int k1, int k2, int pad, int stride, float *z, int oh, int ow)
{
    cl_status st = check_call(x, c, h, w, wt, k1, k2, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    if (kc != 1 && kc != c) return CL_ERR_CHANNELS;
    plane_fn plane = fast_plane();
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow, k_plane = (size_t)k1 * k2;
    for (int ch = 0; ch < c; ch++)
        plane(x + ch * in_plane, h, w, wt + (kc == 1 ? 0 : ch * k_plane), k1, k2, 0.0f, pad,
              stride, 0, z + ch * out_plane, oh, ow, 0, oh);
    return CL_OK;
}

/* The class's Sobel kernels: Gx finds vertical edges, Gy horizontal ones. */
static const float sobel_x[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
static const float sobel_y[9] = {1, 2, 1, 0, 0, 0, -1, -2, -1};

cl_status cl_conv2d_gradient_magnitude(const float *x, int c, int h, int w, int pad, int stride,
                                       float *z, int oh, int ow, float *tmp)
{
    cl_status st = check_call(x, c, h, w, sobel_x, 3, 3, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    if (!tmp) return CL_ERR_NULL;
    plane_fn plane = fast_plane();
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
    for (int ch = 0; ch < c; ch++) {
        float *zc = z + ch * out_plane;
        plane(x + ch * in_plane, h, w, sobel_x, 3, 3, 0.0f, pad, stride, 0, zc, oh, ow, 0, oh);
        plane(x + ch * in_plane, h, w, sobel_y, 3, 3, 0.0f, pad, stride, 0, tmp, oh, ow, 0, oh);
        for (size_t i = 0; i < out_plane; i++) zc[i] = sqrtf(zc[i] * zc[i] + tmp[i] * tmp[i]);
    }
    return CL_OK;
}

/* ---- the page's path: RGBA -> planes -> convolution -> RGBA ---- */

static void u8_rows_to_planar(const uint8_t *rgba, int h, int w, int to_gray, float *x, int r0,
                              int r1)
{
    size_t off = (size_t)r0 * w, n = (size_t)(r1 - r0) * w, plane = (size_t)h * w;
#ifdef CL_HAVE_SIMD
    cl_u8_to_planar_wasmsimd(rgba + 4 * off, n, 4, to_gray, x + off, plane);
#else
    cl_u8_to_planar_ref(rgba + 4 * off, n, 4, to_gray, x + off, plane);
#endif
}

static void planar_rows_to_rgba(const float *z, int c, int oh, int ow, float scale, int use_abs,
                                uint8_t *out, int r0, int r1)
{
    size_t off = (size_t)r0 * ow, n = (size_t)(r1 - r0) * ow, plane = (size_t)oh * ow;
#ifdef CL_HAVE_SIMD
    cl_planar_to_rgba_wasmsimd(z + off, c, n, plane, scale, use_abs, out + 4 * off);
#else
    cl_planar_to_rgba_ref(z + off, c, n, plane, scale, use_abs, out + 4 * off);
#endif
}

/* Output rows r0..r1-1 of every output plane; their input rows are converted. */
static void filter_rows(int mode, const float *x, int c, int h, int w, const float *wt, int kc,
                        int k1, int k2, float bias, int pad, int stride, float *z, float *tmp,
                        int oh, int ow, int r0, int r1)
{
    plane_fn plane = fast_plane();
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow, k_plane = (size_t)k1 * k2;
    switch (mode) {
    case CL_FILTER_SUM:
        for (int ch = 0; ch < c; ch++)
            plane(x + ch * in_plane, h, w, wt + ch * k_plane, k1, k2, bias, pad, stride, ch > 0, z,
                  oh, ow, r0, r1);
        break;
    case CL_FILTER_MAGNITUDE:
        for (int ch = 0; ch < c; ch++) {
            float *zc = z + ch * out_plane;
            plane(x + ch * in_plane, h, w, sobel_x, 3, 3, 0.0f, pad, stride, 0, zc, oh, ow, r0, r1);
            plane(x + ch * in_plane, h, w, sobel_y, 3, 3, 0.0f, pad, stride, 0, tmp, oh, ow, r0, r1);
            for (size_t i = (size_t)r0 * ow; i < (size_t)r1 * ow; i++)
                zc[i] = sqrtf(zc[i] * zc[i] + tmp[i] * tmp[i]);
        }
        break;
    default: /* gray and per channel */
        for (int ch = 0; ch < c; ch++)
            plane(x + ch * in_plane, h, w, wt + (kc == 1 ? 0 : ch * k_plane), k1, k2, 0.0f, pad,
                  stride, 0, z + ch * out_plane, oh, ow, r0, r1);
        break;
    }
}

cl_status cl_filter_rgba(const uint8_t *rgba, int h, int w, int mode, const float *wt, int kc,
                         int k1, int k2, float bias, int pad, int stride, int display, float *x,
                         float *z, float *tmp, uint8_t *out, int oh, int ow)
{
    if (mode < CL_FILTER_GRAY || mode > CL_FILTER_MAGNITUDE) return CL_ERR_ARG;
    if (mode == CL_FILTER_MAGNITUDE) {
        k1 = k2 = 3;
        wt = sobel_x; /* not read: checked for NULL only */
        kc = 1;
        if (!tmp) return CL_ERR_NULL;
    }
    const int c = mode == CL_FILTER_GRAY ? 1 : 3;
    const int oc = (mode == CL_FILTER_GRAY || mode == CL_FILTER_SUM) ? 1 : 3;
    if (!rgba || !out) return CL_ERR_NULL;
    cl_status st = check_call(x, c, h, w, wt, k1, k2, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    if (mode == CL_FILTER_SUM ? kc != 3 : mode == CL_FILTER_PER_CHANNEL ? (kc != 1 && kc != 3)
                                                                        : kc != 1)
        return CL_ERR_CHANNELS;
    if (display < 0 || display >= CL_DISPLAY_COUNT) return CL_ERR_ARG;
    if (display == CL_DISPLAY_DIVERGING && oc != 1) return CL_ERR_CHANNELS;
    size_t bytes;
    if ((st = cl_mul_size4((size_t)h, (size_t)w, 4, sizeof(float), &bytes)) != CL_OK) return st;
    const int gray = mode == CL_FILTER_GRAY;

    if (display != CL_DISPLAY_CLAMP) {
        /* the scale depends on the largest value: finish the floats, then map them */
        u8_rows_to_planar(rgba, h, w, gray, x, 0, h);
        filter_rows(mode, x, c, h, w, wt, kc, k1, k2, bias, pad, stride, z, tmp, oh, ow, 0, oh);
        return cl_image_to_rgba(z, oc, oh, ow, display, out);
    }
    /* Strips of about 64 KiB of floats per plane: the input rows a strip reads
     * are converted just before it (rows are converted once, in order, and
     * padding only ever maps to rows below max(needed, k1), see cl_pad_index),
     * and its output rows are mapped to bytes right after. */
    const int p1 = cl_conv_pad_before(k1, pad);
    int rows = (int)(16384 / ((size_t)ow + 1)) + 1;
    if (rows > oh) rows = oh;
    int done = 0; /* input rows 0..done-1 are converted */
    for (int r0 = 0; r0 < oh; r0 += rows) {
        int r1 = r0 + rows < oh ? r0 + rows : oh;
        int need = (r1 - 1) * stride - p1 + k1; /* one past the last input row read */
        if (need < k1) need = k1;
        if (need > h) need = h;
        if (need > done) {
            u8_rows_to_planar(rgba, h, w, gray, x, done, need);
            done = need;
        }
        filter_rows(mode, x, c, h, w, wt, kc, k1, k2, bias, pad, stride, z, tmp, oh, ow, r0, r1);
        planar_rows_to_rgba(z, oc, oh, ow, 1.0f, 0, out, r0, r1);
    }
    if (done < h) u8_rows_to_planar(rgba, h, w, gray, x, done, h); /* x is complete on return */
    return CL_OK;
}
