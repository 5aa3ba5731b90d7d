/*
 * cl_conv_layer.h - the network's convolution layer on a batch: forward, and
 * the backward pass (weight, bias and input gradients), side by side. The
 * model (cl_nn.c) calls it; it never allocates: callers pass the workspace.
 *
 * Layout: NCHW, planar float32. The layer pads with zeros, `pad` rows and
 * columns on every side:
 *     OH = (H + 2 pad - KH) / stride + 1,  OW likewise.
 * (The image convolution of the kernels page, with its padding modes, is
 * cl_conv.h.)
 *
 * Typical use, one conv layer of a batch:
 *
 *     cl_conv_shape s = {.b = 32, .c = 1, .h = 28, .w = 28, .oc = 8, .kh = 3, .kw = 3,
 *                        .pad = 0, .stride = 1};
 *     if (cl_conv_shape_init(&s) != CL_OK) ...;              // s.oh = s.ow = 26
 *     float *work = cl_alloc(sizeof(float) * cl_conv_layer_workspace(&s));
 *     cl_conv_layer_forward(&s, x, w, bias, y, work);
 *     memset(dw, 0, ...); memset(db, 0, ...);
 *     cl_conv_layer_backward(&s, x, w, dy, NULL, dw, db, work);  // first layer: no dx
 *
 * Implementations, all image by image, so that the workspace does not depend
 * on the batch size:
 *   _ref     the formula, one output (or one gradient term) at a time: the oracle;
 *   _im2col  any shape: the image unfolded into a matrix (im2col), then GEMM
 *            (cl_gemm.h), which does all the arithmetic;
 *   _wide    stride 1 with padding below the kernel side, SIMD build only: no
 *            im2col, the taps read shifted vectors from a zero-padded copy of
 *            the image, in tiles of 4 channels x 8 positions held in registers
 *            (the blocks below, cl_conv_layer_wasmsimd.c).
 * cl_conv_layer_forward/_backward dispatch: _wide where it fits in the SIMD
 * build, else _im2col (with the vector building blocks in the SIMD build).
 * Backward passes accumulate into dw and db with += (zero them once per
 * batch); dx is overwritten.
 */
#ifndef CL_CONV_LAYER_H
#define CL_CONV_LAYER_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cl_conv_shape {
    int b, c, h, w;       /* input (B, C, H, W) */
    int oc, kh, kw;       /* weights (OC, C, KH, KW), bias (OC) */
    int pad, stride;      /* zero padding on each side, stride */
    int oh, ow;           /* output (B, OC, OH, OW), filled by cl_conv_shape_init */
} cl_conv_shape;

/* Fills oh, ow; CL_ERR_* if a size is out of range or the output is empty. */
CL_API cl_status cl_conv_shape_init(cl_conv_shape *s);

/* Floats of workspace that forward and backward need for this shape. */
CL_API size_t cl_conv_layer_workspace(const cl_conv_shape *s);

/* ---- forward and backward ---- */

/* y (B, OC, OH, OW) = conv(x (B, C, H, W), w (OC, C, KH, KW)) + bias (OC); bias may be NULL. */
CL_API void cl_conv_layer_forward(const cl_conv_shape *s, const float *x, const float *w,
                                  const float *bias, float *y, float *work);
/* Given dy (B, OC, OH, OW): dw (OC, C, KH, KW) += dL/dw, db (OC) += dL/db,
 * dx (B, C, H, W) = dL/dx. dx may be NULL (first layer: no input gradient). */
CL_API void cl_conv_layer_backward(const cl_conv_shape *s, const float *x, const float *w,
                                   const float *dy, float *dx, float *dw, float *db, float *work);

CL_API void cl_f32_conv_layer_forward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                          const float *bias, float *y);
CL_API void cl_f32_conv_layer_backward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                           const float *dy, float *dx, float *dw, float *db);

/* Any shape, on im2col and cl_gemm:
 *     col (C*KH*KW, OH*OW) = im2col(x[b])
 *     y[b] (OC, OH*OW)      = w (OC, C*KH*KW) col + bias
 *     dw   (OC, C*KH*KW)   += dy[b] col^T    (or accumulated transposed, see cl_conv_layer.c)
 *     dx[b]                 = col2im(w^T dy[b]) */
void cl_f32_conv_layer_forward_im2col(const cl_conv_shape *s, const float *x, const float *w,
                                      const float *bias, float *y, float *work);
void cl_f32_conv_layer_backward_im2col(const cl_conv_shape *s, const float *x, const float *w,
                                       const float *dy, float *dx, float *dw, float *db,
                                       float *work);
/* 1 if the wide path takes this shape: stride 1, padding below the kernel side. */
int cl_conv_layer_wide_fits(const cl_conv_shape *s);
#ifdef CL_HAVE_SIMD
void cl_f32_conv_layer_forward_wide(const cl_conv_shape *s, const float *x, const float *w,
                                    const float *bias, float *y, float *work);
void cl_f32_conv_layer_backward_wide(const cl_conv_shape *s, const float *x, const float *w,
                                     const float *dy, float *dx, float *dw, float *db,
                                     float *work);
#endif

/* ---- the building blocks of _im2col, each with its reference ---- */

/* Rows t*OH .. t*OH + OH-1 of the col matrix come from the kernel's tap
 * t = (ch*KH + u)*KW + v: input channel ch, kernel row u; output column j reads
 * input column j*stride + off (off = v - pad), inside the row for lo <= j < hi. */
typedef struct cl_col_tap {
    int ch, u, off, lo, hi;
} cl_col_tap;
cl_col_tap cl_col_tap_at(const cl_conv_shape *s, int t);

/* col (C*KH*KW, OH*OW) = the unfolded image x (C, H, W), zeros in the padding:
 * row (ch*KH + u)*KW + v, column i*OW + j holds x[ch][i*stride - pad + u][j*stride - pad + v]. */
void cl_f32_im2col_ref(const cl_conv_shape *s, const float *x, float *col);
/* dx (C, H, W) = the sum of every col entry into the pixel it came from (dx is overwritten). */
void cl_f32_col2im_ref(const cl_conv_shape *s, const float *col, float *dx);
/* sums (rows) += the sum of each row of a (rows, cols). */
void cl_f32_row_sums_ref(const float *a, int rows, int cols, float *sums);
#ifdef CL_HAVE_SIMD
void cl_f32_im2col_wasmsimd(const cl_conv_shape *s, const float *x, float *col);
void cl_f32_col2im_wasmsimd(const cl_conv_shape *s, const float *col, float *dx);
/* adds in another order than the reference (8 lanes, then the tail) */
void cl_f32_row_sums_wasmsimd(const float *a, int rows, int cols, float *sums);
#endif

/* ---- the building blocks of _wide ----
 * The input (C, H, W) is copied with ph, pw zero rows/columns on each side
 * into (C, HP, WP) plus a zero tail, so that output (i, j) of channel o is
 * sum_t w[o][t] xin[i*WP + j + off[t]], off[t] = ch*HP*WP + u*WP + v for tap
 * t = (ch*KH + u)*KW + v. Outputs are computed for the contiguous positions
 * q = i*WP + j, q < Q = (OH-1)*WP + OW, in vectors of 8, into a wide output
 * (OC, YS) with YS >= Q rounded up to 8; the columns j >= OW in between are
 * computed there, then dropped (unwide). */
typedef struct cl_conv_wide {
    int c, h, w, ph, pw, kh, kw; /* input, padding, kernel */
    int hp, wp, oh, ow, q;       /* padded input, output, positions */
    size_t xlen;                 /* floats of the padded copy, tail included */
} cl_conv_wide;
void cl_conv_wide_init(cl_conv_wide *g, int c, int h, int w, int ph, int pw, int kh, int kw);
void cl_conv_wide_offsets(const cl_conv_wide *g, int32_t *off);
/* xin (xlen) = x (C, H, W) padded as g says, zeros around and after. */
void cl_f32_pad_copy_ref(const cl_conv_wide *g, const float *x, float *xin);
/* x (C, H, W) = the inside of a padded xin (the inverse of pad_copy). */
void cl_f32_unpad_ref(const cl_conv_wide *g, const float *xin, float *x);
/* yw[o * ys + q] = sum_t w (OC, CKK)[o][t] xin[q + off[t]] + bias[o] (bias may be
 * NULL) for q < Q; the vector version also fills q up to Q rounded up to 8. */
void cl_f32_conv_wide_ref(const float *xin, const int32_t *off, int ckk, const float *w,
                          const float *bias, int oc, int q, float *yw, int ys);
/* y (OC, OH, OW) = the kept columns j < OW of yw (positions i*WP + j). */
void cl_f32_unwide_ref(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y);
/* dyp (Q, OCP) = dy (OC, OH, OW) transposed to positions q = i*WP + j, zeros at
 * j >= OW and o >= OC; OCP = OC rounded up to 8. */
void cl_f32_pack_dy_ref(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp);
/* dwt (CKK, OCP) += sum over q < Q of xin[q + off[t]] * dyp[q][o], o < OC. */
void cl_f32_conv_wide_dw_ref(const float *xin, const int32_t *off, int ckk, const float *dyp,
                             int q, int ocp, int oc, float *dwt);
/* dyw[o * ys + i*WP + j] = dy (OC, OH, OW), zeros at j >= OW and up to ys. */
void cl_f32_widen_ref(const float *dy, int oc, int oh, int ow, int wp, int ys, float *dyw);
/* dxin[ch*HP*WP + q + u*WP + v] += sum_o w (OC, C, KH, KW)[o][ch][u][v] dyw[o * ys + q]
 * for q < Q: the input gradient in the padded layout (dxin cleared by the caller). */
void cl_f32_conv_wide_dx_ref(const float *dyw, int ys, int q, int oc, const float *w,
                             const cl_conv_wide *g, float *dxin);
#ifdef CL_HAVE_SIMD
void cl_f32_pad_copy_wasmsimd(const cl_conv_wide *g, const float *x, float *xin);
void cl_f32_unpad_wasmsimd(const cl_conv_wide *g, const float *xin, float *x);
void cl_f32_conv_wide_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *w,
                               const float *bias, int oc, int q, float *yw, int ys);
void cl_f32_unwide_wasmsimd(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y);
void cl_f32_pack_dy_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp);
void cl_f32_conv_wide_dw_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *dyp,
                                  int q, int ocp, int oc, float *dwt);
void cl_f32_widen_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ys, float *dyw);
void cl_f32_conv_wide_dx_wasmsimd(const float *dyw, int ys, int q, int oc, const float *w,
                                  const cl_conv_wide *g, float *dxin);
#endif

#ifdef __cplusplus
}
#endif
#endif
