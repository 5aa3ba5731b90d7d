/*
 * cl_nnk.h - the network's compute kernels on batches: convolution layer
 * forward and both backward passes, max- and average-pooling. The model code
 * (cl_nn.h) calls these; they never allocate: callers pass the workspace.
 *
 * Layout: NCHW, planar float32. Shapes are in the comments of each call.
 * Convolution layers pad with zeros, `pad` rows/columns on every side:
 *     OH = (H + 2 pad - KH) / stride + 1,  OW likewise.
 * Pooling uses windows of k x k with stride k, no padding: OH = H / k (floor).
 *
 * Each kernel has a naive _ref next to it (the oracle) and a fast version; the
 * unsuffixed call picks the fastest compiled in. Backward passes accumulate
 * into dw and db with += (zero them once per batch); dx is overwritten.
 *
 * How the fast convolution works (cl_nnk.c, cl_nnk_wasmsimd.c): image by
 * image. Stride 1 (SIMD build) takes the "wide" path below: no im2col, the
 * taps read shifted vectors from a zero-padded copy of the image, in tiles of
 * 4 channels x 8 positions held in registers. Other strides, and the scalar
 * build, unfold the image (im2col) and call cl_gemm. The workspace is for one
 * image at a time, so it does not depend on the batch size.
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
 */
#ifndef CL_NNK_H
#define CL_NNK_H

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

/* y (B, OC, OH, OW) = conv(x (B, C, H, W), w (OC, C, KH, KW)) + bias (OC); bias may be NULL. */
CL_API void cl_conv_layer_forward(const cl_conv_shape *s, const float *x, const float *w,
                                  const float *bias, float *y, float *work);
CL_API void cl_f32_conv_layer_forward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                          const float *bias, float *y);

/* Given dy (B, OC, OH, OW): dw (OC, C, KH, KW) += dL/dw, db (OC) += dL/db,
 * dx (B, C, H, W) = dL/dx. dx may be NULL (first layer: no input gradient). */
CL_API void cl_conv_layer_backward(const cl_conv_shape *s, const float *x, const float *w,
                                   const float *dy, float *dx, float *dw, float *db, float *work);
CL_API void cl_f32_conv_layer_backward_ref(const cl_conv_shape *s, const float *x, const float *w,
                                           const float *dy, float *dx, float *dw, float *db);

/* Max-pooling: y (B, C, H/k, W/k); argmax (same shape) keeps the index in x
 * of each maximum (the first one on ties) for the backward pass: the flat
 * index from x[0] of the whole batch, (b * C + c) * H * W + row * W + col.
 * (With NaN inputs the SIMD and reference versions may pick different ones.) */
CL_API void cl_maxpool_forward(const float *x, int b, int c, int h, int w, int k, float *y,
                               int32_t *argmax);
/* dx (B, C, H, W) = 0 everywhere but at each argmax, where it gets dy. */
CL_API void cl_maxpool_backward(const float *dy, const int32_t *argmax, int b, int c, int h, int w,
                                int k, float *dx);
/* Average-pooling: y = mean of each k x k window; backward spreads dy / k^2.
 * Rows and columns beyond a whole window (H % k) get no gradient. */
CL_API void cl_avgpool_forward(const float *x, int b, int c, int h, int w, int k, float *y);
CL_API void cl_avgpool_backward(const float *dy, int b, int c, int h, int w, int k, float *dx);

/* ---- the building blocks, each with its reference (for the tests) ---- */

/* col (C*KH*KW, OH*OW) = the unfolded image x (C, H, W), zeros in the padding:
 * row (ch*KH + u)*KW + v, column i*OW + j holds x[ch][i*stride - pad + u][j*stride - pad + v]. */
void cl_f32_im2col_ref(const cl_conv_shape *s, const float *x, float *col);
/* dx (C, H, W) = the sum of every col entry into the pixel it came from (dx is overwritten). */
void cl_f32_col2im_ref(const cl_conv_shape *s, const float *col, float *dx);
/* sums (rows) += the sum of each row of a (rows, cols). */
void cl_f32_row_sums_ref(const float *a, int rows, int cols, float *sums);
void cl_f32_maxpool_forward_ref(const float *x, int b, int c, int h, int w, int k, float *y,
                                int32_t *argmax);
void cl_f32_maxpool_backward_ref(const float *dy, const int32_t *argmax, int b, int c, int h,
                                 int w, int k, float *dx);
/* The conv layer on im2col and cl_gemm with the plain-C building blocks. */
void cl_f32_conv_layer_forward_scalar(const cl_conv_shape *s, const float *x, const float *w,
                                      const float *bias, float *y, float *work);
void cl_f32_conv_layer_backward_scalar(const cl_conv_shape *s, const float *x, const float *w,
                                       const float *dy, float *dx, float *dw, float *db,
                                       float *work);

/* Stride 1 without im2col ("wide" layout). The input (C, H, W) is copied with
 * ph, pw zero rows/columns on each side into (C, HP, WP) plus a zero tail, so
 * that output (i, j) of channel o is sum_t w[o][t] xin[i*WP + j + off[t]],
 * off[t] = ch*HP*WP + u*WP + v for tap t = (ch*KH + u)*KW + v. Outputs are
 * computed for the contiguous positions q = i*WP + j, q < Q = (OH-1)*WP + OW,
 * in vectors of 8, into a wide output (OC, YS) with YS >= Q rounded up to 8;
 * the columns j >= OW in between are computed there, then dropped (unwide). */
typedef struct cl_conv_wide {
    int c, h, w, ph, pw, kh, kw; /* input, padding, kernel */
    int hp, wp, oh, ow, q;       /* padded input, output, positions */
    size_t xlen;                 /* floats of the padded copy, tail included */
} cl_conv_wide;
void cl_conv_wide_init(cl_conv_wide *g, int c, int h, int w, int ph, int pw, int kh, int kw);
void cl_conv_wide_offsets(const cl_conv_wide *g, int32_t *off);
/* xin (xlen) = x (C, H, W) padded as g says, zeros around and after. */
void cl_f32_pad_copy_ref(const cl_conv_wide *g, const float *x, float *xin);
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
/* x (C, H, W) = the inside of a padded xin (the inverse of pad_copy). */
void cl_f32_unpad_ref(const cl_conv_wide *g, const float *xin, float *x);
/* dxin[ch*HP*WP + q + u*WP + v] += sum_o w (OC, C, KH, KW)[o][ch][u][v] dyw[o * ys + q]
 * for q < Q: the input gradient in the padded layout (dxin cleared by the caller). */
void cl_f32_conv_wide_dx_ref(const float *dyw, int ys, int q, int oc, const float *w,
                             const cl_conv_wide *g, float *dxin);

#ifdef CL_HAVE_SIMD
void cl_f32_widen_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ys, float *dyw);
void cl_f32_unpad_wasmsimd(const cl_conv_wide *g, const float *xin, float *x);
void cl_f32_conv_wide_dx_wasmsimd(const float *dyw, int ys, int q, int oc, const float *w,
                                  const cl_conv_wide *g, float *dxin);
void cl_f32_pad_copy_wasmsimd(const cl_conv_wide *g, const float *x, float *xin);
void cl_f32_conv_wide_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *w,
                               const float *bias, int oc, int q, float *yw, int ys);
void cl_f32_unwide_wasmsimd(const float *yw, int ys, int oc, int oh, int ow, int wp, float *y);
void cl_f32_pack_dy_wasmsimd(const float *dy, int oc, int oh, int ow, int wp, int ocp, float *dyp);
void cl_f32_conv_wide_dw_wasmsimd(const float *xin, const int32_t *off, int ckk, const float *dyp,
                                  int q, int ocp, int oc, float *dwt);
void cl_f32_im2col_wasmsimd(const cl_conv_shape *s, const float *x, float *col);
void cl_f32_col2im_wasmsimd(const cl_conv_shape *s, const float *col, float *dx);
void cl_f32_row_sums_wasmsimd(const float *a, int rows, int cols, float *sums);
/* k = 2 vectorised; other k go to the reference */
void cl_f32_maxpool_forward_wasmsimd(const float *x, int b, int c, int h, int w, int k, float *y,
                                     int32_t *argmax);
void cl_f32_maxpool_backward_wasmsimd(const float *dy, const int32_t *argmax, int b, int c, int h,
                                      int w, int k, float *dx);
void cl_f32_conv_layer_forward_wasmsimd(const cl_conv_shape *s, const float *x, const float *w,
                                        const float *bias, float *y, float *work);
void cl_f32_conv_layer_backward_wasmsimd(const cl_conv_shape *s, const float *x, const float *w,
                                         const float *dy, float *dx, float *dw, float *db,
                                         float *work);
#endif

#ifdef __cplusplus
}
#endif
#endif
