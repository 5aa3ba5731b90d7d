/*
 * cl_filter.h - a convolution of an 8-bit RGBA image, bytes to bytes, in one
 * call: the pixels become float planes, the planes are convolved (cl_conv.h),
 * the result is mapped to RGBA bytes for display (cl_image.h). It is the same
 * as those three calls (cl_image_from_u8, cl_conv2d_*, cl_image_to_rgba), bit
 * for bit, but works in strips of rows, so that what one step writes is still
 * in the cache when the next reads it, and the float planes need not be kept
 * at all: the fastest way from bytes to bytes (benchmarks, and tests/wasm,
 * call it through filterImage() of the JS glue).
 *
 *     cl_filter_params p = {.rgba = in, .h = 700, .w = 1050, .mode = CL_FILTER_PER_CHANNEL,
 *                           .wt = gauss, .kc = 1, .k1 = 3, .k2 = 3, .pad = CL_PAD_ZERO,
 *                           .stride = 1, .display = CL_DISPLAY_CLAMP, .out = rgba_out,
 *                           .oh = 700, .ow = 1050};   // oh, ow: cl_conv_out_size()
 *     cl_status st = cl_filter_rgba(&p);
 */
#ifndef CL_FILTER_H
#define CL_FILTER_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is convolved, and how (cl_filter_params.mode). */
enum {
    CL_FILTER_GRAY = 0,        /* the luma plane, one kernel (kc = 1): one output plane */
    CL_FILTER_PER_CHANNEL = 1, /* R, G and B each with its kernel (kc = 3) or one shared (kc = 1) */
    CL_FILTER_SUM = 2,         /* the three planes summed, a kernel each (kc = 3), + bias: one plane */
    CL_FILTER_MAGNITUDE = 3    /* the Sobel gradient magnitude of R, G and B; wt, kc, k1, k2 unused */
};

/* The arguments of cl_filter_rgba. Every field is 4 bytes on wasm32 (ints,
 * the float bias, pointers), in this order, so JavaScript fills the struct as
 * 21 words, CL_FILTER_PARAMS_BYTES in all: word i at byte 4 i, an Int32Array
 * over it with the bias written through a Float32Array at word 8. */
typedef struct cl_filter_params {
    const uint8_t *rgba; /* word 0: (H, W, 4) bytes in; alpha is ignored */
    int h, w;            /* words 1, 2 */
    int mode;            /* word 3: CL_FILTER_* */
    const float *wt;     /* word 4: (KC, K1, K2) kernels (any pointer for MAGNITUDE) */
    int kc, k1, k2;      /* words 5, 6, 7 */
    float bias;          /* word 8: added by CL_FILTER_SUM only */
    int pad, stride;     /* words 9, 10: cl_pad, 1..CL_MAX_STRIDE */
    int display;         /* word 11: cl_display, how floats become bytes */
    float *x;            /* word 12: the input planes, cl_image_planes(4, mode == GRAY) x H x W
                            floats (written), or NULL if the caller does not need them */
    float *z;            /* word 13: the result planes, (1 for GRAY and SUM, else 3) x R x OW
                            floats (written: the numbers behind the picture), or NULL; R: the
                            rows made (OH unless row0, row1 say a band) */
    float *tmp;          /* word 14: R x OW floats for MAGNITUDE, or NULL */
    uint8_t *out;        /* word 15: (R, OW, 4) RGBA bytes out */
    int oh, ow;          /* words 16, 17: the output size cl_conv_out_size() gives */
    float *max_abs;      /* word 18: where to write the largest |value| of the result (NaN
                            ignored: cl_image_max_abs of z), or NULL. With CL_DISPLAY_CLAMP it is
                            taken a strip at a time, so a legend needs no float planes kept */
    int row0, row1;      /* words 19, 20: make output rows row0..row1-1 only, a band of the
                            whole image's output with its bits (0, 0: every row); z, tmp and out
                            then hold those rows, row0 first. Bands made by several engines at
                            once, one each, are the whole output (a display other than clamp
                            scales a band by its own largest value) */
} cl_filter_params;
#define CL_FILTER_PARAMS_BYTES 84 /* sizeof (cl_filter_params) on wasm32 */

/* Runs the filter p describes. With CL_DISPLAY_CLAMP the work goes in strips
 * of rows, the planes not asked for (x, z, tmp NULL) living only in small
 * buffers of the engine's own, a strip at a time (and so does the largest
 * |value|, if asked for). The other displays scale by
 * the largest value, so they make every float first (in the engine's own
 * buffers when x or z is NULL). Statuses: those of the three calls it stands
 * for, CL_ERR_NULL for a missing rgba, wt or out, CL_ERR_ARG for an unknown
 * mode or display or a band outside 0..OH, CL_ERR_CHANNELS for a kc the mode does not take or a
 * diverging display of three planes, CL_ERR_NOMEM if the engine's buffers
 * cannot be had. Nothing is kept between calls. */
CL_API cl_status cl_filter_rgba(const cl_filter_params *p);

#ifdef __cplusplus
}
#endif
#endif
