/* cl_conv.c - argument checks, padding, the reference and scalar planes, dispatch. */
#include "cl_conv.h"
#include "cl_image.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>

int cl_pad_index(int i, int n, int pad)
{
    return cl_pad_index_inline(i, n, pad);
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

/* The shape checks of every multi-plane call; on success the planes fit in size_t. */
static cl_status check_shape(int c, int h, int w, int k1, int k2, int pad, int stride, int oh,
                             int ow)
{
    if (c < 1 || c > CL_MAX_CONV_CHANNELS) return CL_ERR_CHANNELS;
    int eh, ew;
    cl_status st = cl_conv_out_size(h, w, k1, k2, pad, stride, &eh, &ew);
    if (st != CL_OK) return st;
    if (oh != eh || ow != ew) return CL_ERR_OUTPUT;
    size_t bytes;
    /* the input is the largest buffer: c * h * w floats */
    return cl_mul_size4((size_t)c, (size_t)h, (size_t)w, sizeof(float), &bytes);
}

static cl_status check_call(const float *x, int c, int h, int w, const float *wt, int k1, int k2,
                            int pad, int stride, const float *z, int oh, int ow)
{
    if (!x || !wt || !z) return CL_ERR_NULL;
    return check_shape(c, h, w, k1, k2, pad, stride, oh, ow);
}

void cl_f32_conv2d_plane_ref(const cl_plane_job *job)
{
    const int h = job->h, w = job->w, k1 = job->k1, k2 = job->k2, pad = job->pad,
              stride = job->stride, ow = job->ow;
    assert(0 <= job->row0 && job->row0 <= job->row1 && job->row1 <= job->oh);
    const float *x = job->x, *wt = job->wt;
    int p1 = cl_conv_pad_before(k1, pad), p2 = cl_conv_pad_before(k2, pad);
    for (int j1 = job->row0; j1 < job->row1; j1++) {
        float *zr = job->z + (size_t)(j1 - job->z_row0) * ow;
        for (int j2 = 0; j2 < ow; j2++) {
            float acc = job->accumulate ? zr[j2] : job->bias;
            for (int a = 0; a < k1; a++) {
                int iy = cl_pad_index_inline(j1 * stride + a - p1, h, pad);
                if (iy < 0) continue;
                for (int b = 0; b < k2; b++) {
                    int ix = cl_pad_index_inline(j2 * stride + b - p2, w, pad);
                    if (ix < 0) continue;
                    acc += wt[a * k2 + b] * x[(size_t)(iy % job->x_ring) * w + ix];
                }
            }
            zr[j2] = acc;
        }
    }
}

void cl_f32_conv2d_plane_scalar(const cl_plane_job *job)
{
    const int h = job->h, w = job->w, k1 = job->k1, k2 = job->k2, pad = job->pad,
              stride = job->stride, ow = job->ow;
    assert(0 <= job->row0 && job->row0 <= job->row1 && job->row1 <= job->oh);
    int p1 = cl_conv_pad_before(k1, pad), p2 = cl_conv_pad_before(k2, pad);
    for (int j1 = job->row0; j1 < job->row1; j1++) {
        float *zr = job->z + (size_t)(j1 - job->z_row0) * ow;
        if (!job->accumulate)
            for (int j2 = 0; j2 < ow; j2++) zr[j2] = job->bias;
        for (int a = 0; a < k1; a++) {
            int iy = cl_pad_index_inline(j1 * stride + a - p1, h, pad);
            if (iy < 0) continue;
                const float *xr = job->x + (size_t)(iy % job->x_ring) * w;
            for (int b = 0; b < k2; b++) {
                float wv = job->wt[a * k2 + b];
                int off = b - p2, lo, hi;
                cl_inside_cols(w, ow, stride, off, &lo, &hi);
                for (int j2 = 0; j2 < lo; j2++) {
                    int ix = cl_pad_index_inline(j2 * stride + off, w, pad);
                    if (ix >= 0) zr[j2] += wv * xr[ix];
                }
                const float *xs = xr + off;
                for (int j2 = lo; j2 < hi; j2++) zr[j2] += wv * xs[j2 * stride];
                for (int j2 = hi; j2 < ow; j2++) {
                    int ix = cl_pad_index_inline(j2 * stride + off, w, pad);
                    if (ix >= 0) zr[j2] += wv * xr[ix];
                }
            }
        }
    }
}

static cl_plane_fn fast_plane(void)
{
#ifdef CL_HAVE_SIMD
    return cl_f32_conv2d_plane_wasmsimd;
#else
    return cl_f32_conv2d_plane_scalar;
#endif
}

/* The "bias" of the calls that add none. -0 is the identity of IEEE addition
 * (v + -0 == v for every v, -0 and NaN included, where +0 turns -0 into +0),
 * so a sum started there is the sum of its terms alone, and the vector loops
 * may start it at the first term and save an addition per output. */
#define NO_BIAS (-0.0f)

/* Runs the fast plane on whole planes: output rows 0..oh-1 of x (h x w) into z (oh x ow). */
static void whole_plane(const float *x, int h, int w, const float *wt, int k1, int k2, float bias,
                        int pad, int stride, int accumulate, float *z, int oh, int ow)
{
    const cl_plane_job job = {x, h, w, h, wt, k1, k2, pad, stride, accumulate, bias,
                              z, oh, ow, 0, 0, oh};
    fast_plane()(&job);
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
    size_t in_plane = (size_t)h * w, k_plane = (size_t)k1 * k2;
    for (int ch = 0; ch < c; ch++)
        whole_plane(x + ch * in_plane, h, w, wt + ch * k_plane, k1, k2, bias, pad, stride, ch > 0,
                    z, oh, ow);
    return CL_OK;
}

cl_status cl_conv2d_per_channel(const float *x, int c, int h, int w, const float *wt, int kc,
                                int k1, int k2, int pad, int stride, float *z, int oh, int ow)
{
    cl_status st = check_call(x, c, h, w, wt, k1, k2, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    if (kc != 1 && kc != c) return CL_ERR_CHANNELS;
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow, k_plane = (size_t)k1 * k2;
    for (int ch = 0; ch < c; ch++)
        whole_plane(x + ch * in_plane, h, w, wt + (kc == 1 ? 0 : ch * k_plane), k1, k2, NO_BIAS, pad,
                    stride, 0, z + ch * out_plane, oh, ow);
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
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
    for (int ch = 0; ch < c; ch++) {
        float *zc = z + ch * out_plane;
        whole_plane(x + ch * in_plane, h, w, sobel_x, 3, 3, NO_BIAS, pad, stride, 0, zc, oh, ow);
        whole_plane(x + ch * in_plane, h, w, sobel_y, 3, 3, NO_BIAS, pad, stride, 0, tmp, oh, ow);
        for (size_t i = 0; i < out_plane; i++) zc[i] = sqrtf(zc[i] * zc[i] + tmp[i] * tmp[i]);
    }
    return CL_OK;
}

/* ---- the page's path: RGBA -> planes -> convolution -> RGBA ---- */

/* Where cl_filter_rgba keeps its floats. x: c planes `x_plane` floats apart,
 * input row iy at row iy % x_ring of each (x_ring = h: the caller's whole
 * planes; else a ring of the engine's own); z and tmp: output rows z_row0..,
 * the planes of z `z_plane` floats apart, tmp one plane shaped like them. */
typedef struct filter_bufs {
    float *x, *z, *tmp;
    size_t x_plane, z_plane;
    int x_ring, z_row0;
} filter_bufs;

/* Input rows r0..r1-1 (bytes) into the planes of bf->x, in runs that do not wrap. */
static void u8_rows_to_planar(const uint8_t *rgba, int w, int to_gray, const filter_bufs *bf,
                              int r0, int r1)
{
    while (r0 < r1) {
        int slot = r0 % bf->x_ring, run = bf->x_ring - slot;
        if (run > r1 - r0) run = r1 - r0;
        const uint8_t *src = rgba + 4 * (size_t)r0 * w;
        float *dst = bf->x + (size_t)slot * w;
#ifdef CL_HAVE_SIMD
        cl_u8_to_planar_wasmsimd(src, (size_t)run * w, 4, to_gray, dst, bf->x_plane);
#else
        cl_u8_to_planar_ref(src, (size_t)run * w, 4, to_gray, dst, bf->x_plane);
#endif
        r0 += run;
    }
}

/* Output rows r0..r1-1 of bf->z (oc planes), clamped, into RGBA bytes;
 * bounded: every value is known to be a number within +-CL_BOUNDED_MAX. */
static void planar_rows_to_rgba(const filter_bufs *bf, int oc, int ow, int bounded, uint8_t *out,
                                int r0, int r1)
{
    const float *src = bf->z + (size_t)(r0 - bf->z_row0) * ow;
    size_t n = (size_t)(r1 - r0) * ow;
#ifdef CL_HAVE_SIMD
    if (bounded)
        cl_planar_to_rgba_bounded_wasmsimd(src, oc, n, bf->z_plane, out + 4 * (size_t)r0 * ow);
    else
        cl_planar_to_rgba_wasmsimd(src, oc, n, bf->z_plane, 1.0f, 0, out + 4 * (size_t)r0 * ow);
#else
    (void)bounded;
    cl_planar_to_rgba_ref(src, oc, n, bf->z_plane, 1.0f, 0, out + 4 * (size_t)r0 * ow);
#endif
}

/* Output rows r0..r1-1 of every output plane; the input rows they read are in bf->x. */
static void filter_rows(int mode, const filter_bufs *bf, int c, int h, int w, const float *wt,
                        int kc, int k1, int k2, float bias, int pad, int stride, int oh, int ow,
                        int r0, int r1)
{
    cl_plane_fn plane = fast_plane();
    cl_plane_job job = {NULL, h, w, bf->x_ring, NULL, k1, k2, pad, stride, 0, NO_BIAS,
                        NULL, oh, ow, bf->z_row0, r0, r1};
    const size_t k_plane = (size_t)k1 * k2;
    for (int ch = 0; ch < c; ch++) {
        job.x = bf->x + ch * bf->x_plane;
        switch (mode) {
        case CL_FILTER_SUM:
            job.wt = wt + ch * k_plane;
            job.bias = bias;
            job.accumulate = ch > 0;
            job.z = bf->z;
            plane(&job);
            break;
        case CL_FILTER_MAGNITUDE: {
            float *zc = bf->z + ch * bf->z_plane;
            job.wt = sobel_x;
            job.z = zc;
            plane(&job);
            job.wt = sobel_y;
            job.z = bf->tmp;
            plane(&job);
            size_t i0 = (size_t)(r0 - bf->z_row0) * ow, i1 = i0 + (size_t)(r1 - r0) * ow;
            for (size_t i = i0; i < i1; i++) zc[i] = sqrtf(zc[i] * zc[i] + bf->tmp[i] * bf->tmp[i]);
            break;
        }
        default: /* gray and per channel */
            job.wt = wt + (kc == 1 ? 0 : ch * k_plane);
            job.z = bf->z + ch * bf->z_plane;
            plane(&job);
            break;
        }
    }
}

/* 1 if every output is sure to be a number within +-CL_BOUNDED_MAX: inputs are
 * 0..255, so |z| <= |bias| + 255 * sum |w| (the sum over every kernel given is
 * an over-estimate, and 2^21 leaves room for rounding); a gradient magnitude
 * is at most sqrt(2) * 4 * 255. Not for non-finite weights: their sum fails. */
static int outputs_bounded(int mode, const float *wt, int kc, int k1, int k2, float bias)
{
    if (mode == CL_FILTER_MAGNITUDE) return 1;
    float s = 0.0f;
    for (int t = 0; t < kc * k1 * k2; t++) s += fabsf(wt[t]);
    return fabsf(bias) + 255.0f * s < CL_BOUNDED_MAX;
}

/* The input rows output rows r0..r1-1 read, after padding: [*lo, *hi); empty if none. */
static void strip_input_rows(int h, int k1, int pad, int stride, int r0, int r1, int *lo, int *hi)
{
    const int p1 = cl_conv_pad_before(k1, pad);
    int a = h, b = 0;
    for (int j1 = r0; j1 < r1; j1++)
        for (int t = 0; t < k1; t++) {
            int iy = cl_pad_index_inline(j1 * stride - p1 + t, h, pad);
            if (iy < 0) continue;
            if (iy < a) a = iy;
            if (iy + 1 > b) b = iy + 1;
        }
    *lo = a < b ? a : 0;
    *hi = a < b ? b : 0;
}

/* How many input rows, from the first, output rows 0..r1-1 need converted:
 * one past the last row they read. Padding maps rows outside the image to
 * rows below max(that, k1) (see cl_pad_index), so converting rows in order
 * up to this count always has what a strip reads. */
static int rows_needed(int h, int k1, int pad, int stride, int r1)
{
    int need = (r1 - 1) * stride - cl_conv_pad_before(k1, pad) + k1;
    if (need < k1) need = k1;
    return need < h ? need : h;
}

/* The length of a ring of input rows that, with rows converted in order up to
 * rows_needed() before each strip of `rows` output rows, still holds every
 * row the strip reads: the most, over the strips, from the lowest row read
 * to the last converted. */
static int ring_rows(int h, int k1, int pad, int stride, int oh, int rows)
{
    int ring = 1;
    for (int r0 = 0; r0 < oh; r0 += rows) {
        int r1 = r0 + rows < oh ? r0 + rows : oh, lo, hi;
        strip_input_rows(h, k1, pad, stride, r0, r1, &lo, &hi);
        int need = rows_needed(h, k1, pad, stride, r1);
        assert(hi <= need);
        if (need - lo > ring) ring = need - lo;
    }
    return ring;
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
    }
    const int c = mode == CL_FILTER_GRAY ? 1 : 3;
    const int oc = (mode == CL_FILTER_GRAY || mode == CL_FILTER_SUM) ? 1 : 3;
    if (!rgba || !out || !wt) return CL_ERR_NULL;
    cl_status st = check_shape(c, h, w, k1, k2, pad, stride, oh, ow);
    if (st != CL_OK) return st;
    if (mode == CL_FILTER_SUM ? kc != 3 : mode == CL_FILTER_PER_CHANNEL ? (kc != 1 && kc != 3)
                                                                        : kc != 1)
        return CL_ERR_CHANNELS;
    if (display < 0 || display >= CL_DISPLAY_COUNT) return CL_ERR_ARG;
    if (display == CL_DISPLAY_DIVERGING && oc != 1) return CL_ERR_CHANNELS;
    size_t bytes;
    if ((st = cl_mul_size4((size_t)h, (size_t)w, 4, sizeof(float), &bytes)) != CL_OK) return st;
    const int gray = mode == CL_FILTER_GRAY, clamp = display == CL_DISPLAY_CLAMP;

    /* Strips of output rows: the input rows a strip reads are converted just
     * before it (each once, in order), and with CL_DISPLAY_CLAMP its output
     * rows are mapped to bytes right after, while all are in the cache. With
     * the caller's planes, strips of about 64 KiB of floats per output plane;
     * with the engine's own, a ring of input rows and 8 output rows (fewer
     * made each call cost more than it saved; measured in Chromium, 3 x 3 on
     * 1050 x 700). */
    const int own_x = !x, own_z = !z && clamp;
    const int own_tmp = mode == CL_FILTER_MAGNITUDE && (!tmp || own_z);
    int rows = own_x && own_z ? 8 : (int)(16384 / ((size_t)ow + 1)) + 1;
    if (rows > oh) rows = oh;
    const size_t out_plane = (size_t)oh * ow;
    filter_bufs bf = {x, z, tmp, (size_t)h * w, out_plane, h, 0};
    if (own_x) bf.x_ring = ring_rows(h, k1, pad, stride, oh, rows), bf.x_plane = (size_t)bf.x_ring * w;
    if (own_z) bf.z_plane = (size_t)rows * ow;
    /* one block for all of them, its size checked: on wasm32 it can exceed 4 GiB */
    const size_t parts[4] = {own_x ? c * bf.x_plane : 0, own_z ? oc * bf.z_plane : 0,
                             !z && !clamp ? oc * out_plane : 0, own_tmp ? bf.z_plane : 0};
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (parts[i] > SIZE_MAX / sizeof(float) - n) return CL_ERR_OVERFLOW;
        n += parts[i];
    }
    float *mine = NULL;
    if (n) {
        mine = cl_alloc(n * sizeof(float));
        if (!mine) return CL_ERR_NOMEM;
        float *p = mine;
        if (own_x) bf.x = p, p += parts[0];
        if (!z) bf.z = p, p += parts[1] + parts[2];
        if (own_tmp) bf.tmp = p;
    }

    const int bounded = clamp && outputs_bounded(mode, wt, kc, k1, k2, bias);
    int done = 0; /* input rows 0..done-1 are converted */
    for (int r0 = 0; r0 < oh; r0 += rows) {
        int r1 = r0 + rows < oh ? r0 + rows : oh;
        int need = rows_needed(h, k1, pad, stride, r1);
        if (need > done) {
            u8_rows_to_planar(rgba, w, gray, &bf, done, need);
            done = need;
        }
        if (own_z) bf.z_row0 = r0;
        filter_rows(mode, &bf, c, h, w, wt, kc, k1, k2, bias, pad, stride, oh, ow, r0, r1);
        if (clamp) planar_rows_to_rgba(&bf, oc, ow, bounded, out, r0, r1);
    }
    if (!own_x && done < h) u8_rows_to_planar(rgba, w, gray, &bf, done, h); /* x is complete */
    /* the other displays scale by the largest value: map the finished planes */
    if (!clamp) st = cl_image_to_rgba(bf.z, oc, oh, ow, display, out);
    cl_free(mine);
    return st;
}
