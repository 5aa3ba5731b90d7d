/* cl_filter.c - RGBA bytes to RGBA bytes through a convolution, in strips
 * of rows (see cl_filter.h). */
#include "cl_filter.h"
#include "cl_conv.h"
#include "cl_image.h"
#include "cl_kernel.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>

/* The layout JavaScript fills (cl_filter.h): 21 words of 4 bytes, wherever
 * pointers are 4 bytes (wasm32). */
#define WORD(field, i) (sizeof(void *) != 4 || offsetof(cl_filter_params, field) == 4 * (i))
_Static_assert(sizeof(void *) != 4 || sizeof(cl_filter_params) == CL_FILTER_PARAMS_BYTES,
               "cl_filter_params is 21 words on wasm32");
_Static_assert(WORD(rgba, 0) && WORD(h, 1) && WORD(mode, 3) && WORD(wt, 4) && WORD(bias, 8) &&
                   WORD(display, 11) && WORD(x, 12) && WORD(out, 15) && WORD(ow, 17) &&
                   WORD(max_abs, 18) && WORD(row0, 19) && WORD(row1, 20),
               "cl_filter_params' words are where cl_filter.h says");

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
        cl_u8_to_planar(rgba + 4 * (size_t)r0 * w, (size_t)run * w, 4, to_gray,
                        bf->x + (size_t)slot * w, bf->x_plane);
        r0 += run;
    }
}

/* Output rows r0..r1-1 of bf->z (oc planes), clamped, into RGBA bytes out,
 * whose first row is output row out_row0; bounded: every value is known to
 * be a number within +-CL_BOUNDED_MAX. */
static void planar_rows_to_rgba(const filter_bufs *bf, int oc, int ow, int bounded, uint8_t *out,
                                int out_row0, int r0, int r1)
{
    const float *src = bf->z + (size_t)(r0 - bf->z_row0) * ow;
    size_t n = (size_t)(r1 - r0) * ow;
    uint8_t *dst = out + 4 * (size_t)(r0 - out_row0) * ow;
    if (bounded)
        cl_planar_to_rgba_bounded(src, oc, n, bf->z_plane, dst);
    else
        cl_planar_to_rgba(src, oc, n, bf->z_plane, 1.0f, 0, dst);
}

/* The largest |value| of output rows r0..r1-1 of bf->z's oc planes, or m if larger. */
static float rows_max_abs(const filter_bufs *bf, int oc, int ow, int r0, int r1, float m)
{
    const size_t n = (size_t)(r1 - r0) * ow;
    for (int ch = 0; ch < oc; ch++) {
        float a = cl_image_max_abs(bf->z + ch * bf->z_plane + (size_t)(r0 - bf->z_row0) * ow, n);
        if (a > m) m = a;
    }
    return m;
}

/* Output rows r0..r1-1 of every output plane of the filter q (c input
 * planes); the input rows they read are in bf->x. */
static void filter_rows(const cl_filter_params *q, const filter_bufs *bf, int c, int r0, int r1)
{
    const float *sobel_x = cl_kernel_3x3(CL_KERNEL_SOBEL_X), *sobel_y = cl_kernel_3x3(CL_KERNEL_SOBEL_Y);
    const int ow = q->ow;
    cl_plane_job job = {NULL, q->h, q->w, bf->x_ring, NULL, q->k1, q->k2, q->pad, q->stride, 0,
                        CL_NO_BIAS, NULL, q->oh, ow, bf->z_row0, r0, r1};
    const size_t k_plane = (size_t)q->k1 * q->k2;
    for (int ch = 0; ch < c; ch++) {
        job.x = bf->x + ch * bf->x_plane;
        switch (q->mode) {
        case CL_FILTER_SUM:
            job.wt = q->wt + ch * k_plane;
            job.bias = q->bias;
            job.accumulate = ch > 0;
            job.z = bf->z;
            cl_conv2d_plane(&job);
            break;
        case CL_FILTER_MAGNITUDE: {
            float *zc = bf->z + ch * bf->z_plane;
            job.wt = sobel_x;
            job.z = zc;
            cl_conv2d_plane(&job);
            job.wt = sobel_y;
            job.z = bf->tmp;
            cl_conv2d_plane(&job);
            size_t i0 = (size_t)(r0 - bf->z_row0) * ow, i1 = i0 + (size_t)(r1 - r0) * ow;
            for (size_t i = i0; i < i1; i++) zc[i] = sqrtf(zc[i] * zc[i] + bf->tmp[i] * bf->tmp[i]);
            break;
        }
        default: /* gray and per channel */
            job.wt = q->wt + (q->kc == 1 ? 0 : ch * k_plane);
            job.z = bf->z + ch * bf->z_plane;
            cl_conv2d_plane(&job);
            break;
        }
    }
}

/* 1 if every output is sure to be a number within +-CL_BOUNDED_MAX: inputs are
 * 0..255, so |z| <= |bias| + 255 * sum |w| (the sum over every kernel given is
 * an over-estimate, and 2^21 leaves room for rounding); a gradient magnitude
 * is at most sqrt(2) * 4 * 255. Not for non-finite weights: their sum fails. */
static int outputs_bounded(const cl_filter_params *q)
{
    if (q->mode == CL_FILTER_MAGNITUDE) return 1;
    float s = 0.0f;
    for (int t = 0; t < q->kc * q->k1 * q->k2; t++) s += fabsf(q->wt[t]);
    return fabsf(q->bias) + 255.0f * s < CL_BOUNDED_MAX;
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

/* How many input rows, from the first, output rows ..r1-1 need converted:
 * one past the last row they read. Padding maps rows outside the image to
 * rows below max(that, k1) (see cl_pad_index), so converting rows in order
 * up to this count always has what a strip reads. */
static int rows_needed(int h, int k1, int pad, int stride, int r1)
{
    int need = (r1 - 1) * stride - cl_conv_pad_before(k1, pad) + k1;
    if (need < k1) need = k1;
    return need < h ? need : h;
}

/* The first input row the strips of `rows` output rows from row0 to row1
 * read: where converting starts (padding may fold a later strip's rows
 * back, on a small image). */
static int first_row_read(int h, int k1, int pad, int stride, int row0, int row1, int rows)
{
    int first = h;
    for (int r0 = row0; r0 < row1; r0 += rows) {
        int r1 = r0 + rows < row1 ? r0 + rows : row1, lo, hi;
        strip_input_rows(h, k1, pad, stride, r0, r1, &lo, &hi);
        if (lo < hi && lo < first) first = lo;
    }
    return first < h ? first : 0;
}

/* The length of a ring of input rows that, with rows converted in order up to
 * rows_needed() before each strip of `rows` output rows (from output row
 * row0 to row1), still holds every row the strip reads: the most, over the
 * strips, from the lowest row read to the last converted. */
static int ring_rows(int h, int k1, int pad, int stride, int row0, int row1, int rows)
{
    int ring = 1;
    for (int r0 = row0; r0 < row1; r0 += rows) {
        int r1 = r0 + rows < row1 ? r0 + rows : row1, lo, hi;
        strip_input_rows(h, k1, pad, stride, r0, r1, &lo, &hi);
        int need = rows_needed(h, k1, pad, stride, r1);
        assert(hi <= need);
        if (need - lo > ring) ring = need - lo;
    }
    return ring;
}

cl_status cl_filter_rgba(const cl_filter_params *p)
{
    if (!p) return CL_ERR_NULL;
    cl_filter_params q = *p; /* the gradient magnitude's kernels are the engine's own */
    if (q.mode == CL_FILTER_MAGNITUDE) {
        q.k1 = q.k2 = 3;
        q.wt = cl_kernel_3x3(CL_KERNEL_SOBEL_X); /* not read: checked for NULL only */
        q.kc = 1;
    }
    const uint8_t *rgba = q.rgba;
    const int h = q.h, w = q.w, mode = q.mode, k1 = q.k1, k2 = q.k2, kc = q.kc, pad = q.pad,
              stride = q.stride, display = q.display, oh = q.oh, ow = q.ow;
    float *x = q.x, *z = q.z, *tmp = q.tmp;
    if (mode < CL_FILTER_GRAY || mode > CL_FILTER_MAGNITUDE) return CL_ERR_ARG;
    const int c = mode == CL_FILTER_GRAY ? 1 : 3;
    const int oc = (mode == CL_FILTER_GRAY || mode == CL_FILTER_SUM) ? 1 : 3;
    if (!rgba || !q.out || !q.wt) return CL_ERR_NULL;
    cl_status st = cl_conv_check_shape(c, h, w, k1, k2, pad, stride, oh, ow);
    if (st != CL_OK) return st;
    if (mode == CL_FILTER_SUM ? kc != 3 : mode == CL_FILTER_PER_CHANNEL ? (kc != 1 && kc != 3)
                                                                        : kc != 1)
        return CL_ERR_CHANNELS;
    if (display < 0 || display >= CL_DISPLAY_COUNT) return CL_ERR_ARG;
    if (display == CL_DISPLAY_DIVERGING && oc != 1) return CL_ERR_CHANNELS;
    int row0 = q.row0, row1 = q.row1; /* the band of output rows made */
    if (row0 == 0 && row1 == 0) row1 = oh;
    if (row0 < 0 || row1 <= row0 || row1 > oh) return CL_ERR_ARG;
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
    if (rows > row1 - row0) rows = row1 - row0;
    const size_t out_plane = (size_t)(row1 - row0) * ow; /* a plane of the band */
    filter_bufs bf = {x, z, tmp, (size_t)h * w, out_plane, h, row0};
    if (own_x)
        bf.x_ring = ring_rows(h, k1, pad, stride, row0, row1, rows), bf.x_plane = (size_t)bf.x_ring * w;
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
        float *at = mine;
        if (own_x) bf.x = at, at += parts[0];
        if (!z) bf.z = at, at += parts[1] + parts[2];
        if (own_tmp) bf.tmp = at;
    }

    const int bounded = clamp && outputs_bounded(&q);
    float max_abs = 0.0f; /* of the strips so far, with CL_DISPLAY_CLAMP */
    /* input rows ..done-1 are converted: in the engine's ring, from the first
     * the band reads; the caller's planes are made whole */
    int done = own_x ? first_row_read(h, k1, pad, stride, row0, row1, rows) : 0;
    for (int r0 = row0; r0 < row1; r0 += rows) {
        int r1 = r0 + rows < row1 ? r0 + rows : row1;
        int need = rows_needed(h, k1, pad, stride, r1);
        if (need > done) {
            u8_rows_to_planar(rgba, w, gray, &bf, done, need);
            done = need;
        }
        if (own_z) bf.z_row0 = r0;
        filter_rows(&q, &bf, c, r0, r1);
        if (clamp) planar_rows_to_rgba(&bf, oc, ow, bounded, q.out, row0, r0, r1);
        if (clamp && q.max_abs) max_abs = rows_max_abs(&bf, oc, ow, r0, r1, max_abs);
    }
    if (!own_x && done < h) u8_rows_to_planar(rgba, w, gray, &bf, done, h); /* x is complete */
    /* the other displays scale by the largest value: map the finished planes to it */
    if (!clamp) {
        max_abs = cl_image_max_abs(bf.z, (size_t)oc * out_plane);
        st = cl_image_to_rgba_scaled(bf.z, oc, row1 - row0, ow, display, max_abs, q.out);
    }
    if (st == CL_OK && q.max_abs) *q.max_abs = max_abs;
    cl_free(mine);
    return st;
}
