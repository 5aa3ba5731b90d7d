/* cl_conv.c - argument checks, padding, the reference and scalar planes, the
 * dispatch, and the multi-plane calls of cl_conv.h. */
#include "cl_conv.h"
#include "cl_kernel.h"

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

cl_status cl_conv_check_shape(int c, int h, int w, int k1, int k2, int pad, int stride, int oh,
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
    return cl_conv_check_shape(c, h, w, k1, k2, pad, stride, oh, ow);
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

void cl_conv2d_plane(const cl_plane_job *job)
{
#ifdef CL_HAVE_SIMD
    cl_f32_conv2d_plane_wasmsimd(job);
#else
    cl_f32_conv2d_plane_scalar(job);
#endif
}

/* Runs the fast plane on whole planes: output rows 0..oh-1 of x (h x w) into z (oh x ow). */
static void whole_plane(const float *x, int h, int w, const float *wt, int k1, int k2, float bias,
                        int pad, int stride, int accumulate, float *z, int oh, int ow)
{
    const cl_plane_job job = {x, h, w, h, wt, k1, k2, pad, stride, accumulate, bias,
                              z, oh, ow, 0, 0, oh};
    cl_conv2d_plane(&job);
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
        whole_plane(x + ch * in_plane, h, w, wt + (kc == 1 ? 0 : ch * k_plane), k1, k2, CL_NO_BIAS, pad,
                    stride, 0, z + ch * out_plane, oh, ow);
    return CL_OK;
}

cl_status cl_conv2d_gradient_magnitude(const float *x, int c, int h, int w, int pad, int stride,
                                       float *z, int oh, int ow, float *tmp)
{
    /* the class's Sobel kernels: Gx finds vertical edges, Gy horizontal ones */
    const float *sobel_x = cl_kernel_3x3(CL_KERNEL_SOBEL_X), *sobel_y = cl_kernel_3x3(CL_KERNEL_SOBEL_Y);
    cl_status st = check_call(x, c, h, w, sobel_x, 3, 3, pad, stride, z, oh, ow);
    if (st != CL_OK) return st;
    if (!tmp) return CL_ERR_NULL;
    size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
    for (int ch = 0; ch < c; ch++) {
        float *zc = z + ch * out_plane;
        whole_plane(x + ch * in_plane, h, w, sobel_x, 3, 3, CL_NO_BIAS, pad, stride, 0, zc, oh, ow);
        whole_plane(x + ch * in_plane, h, w, sobel_y, 3, 3, CL_NO_BIAS, pad, stride, 0, tmp, oh, ow);
        for (size_t i = 0; i < out_plane; i++) zc[i] = sqrtf(zc[i] * zc[i] + tmp[i] * tmp[i]);
    }
    return CL_OK;
}
