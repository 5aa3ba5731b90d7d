/*
 * cl_pool.h - max- and average-pooling on a batch, forward and backward side
 * by side. Windows of k x k with stride k, no padding:
 *     x (B, C, H, W) -> y (B, C, H/k, W/k)   (floor: rows and columns beyond
 *                                             the last whole window are dropped)
 * Planar NCHW float32; nothing allocates. The unsuffixed calls dispatch: the
 * 2 x 2 max-pool, the one CNNs use, has a vector kernel in the SIMD build;
 * every other k, and the scalar build, take the reference.
 */
#ifndef CL_POOL_H
#define CL_POOL_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y (B, C, H/k, W/k) = the maximum of each window; argmax (same shape) keeps
 * the index in x of each maximum (the first one on ties) for the backward
 * pass: the flat index from x[0] of the whole batch,
 * (b * C + c) * H * W + row * W + col.
 * (With NaN inputs the SIMD and reference versions may pick different ones.) */
CL_API void cl_maxpool_forward(const float *x, int b, int c, int h, int w, int k, float *y,
                               int32_t *argmax);
/* dx (B, C, H, W) = 0 everywhere but at each argmax, where it gets dy. */
CL_API void cl_maxpool_backward(const float *dy, const int32_t *argmax, int b, int c, int h, int w,
                                int k, float *dx);

/* y = the mean of each window; backward spreads dy / k^2 over its window
 * (dx is overwritten; the dropped rows and columns get no gradient). Light
 * work (one addition per input): plain loops in every build. */
CL_API void cl_avgpool_forward(const float *x, int b, int c, int h, int w, int k, float *y);
CL_API void cl_avgpool_backward(const float *dy, int b, int c, int h, int w, int k, float *dx);

void cl_f32_maxpool_forward_ref(const float *x, int b, int c, int h, int w, int k, float *y,
                                int32_t *argmax);
void cl_f32_maxpool_backward_ref(const float *dy, const int32_t *argmax, int b, int c, int h,
                                 int w, int k, float *dx);
#ifdef CL_HAVE_SIMD
/* k = 2 only: 4 outputs (8 inputs of 2 rows) a step. */
void cl_f32_maxpool2x2_forward_wasmsimd(const float *x, int b, int c, int h, int w, float *y,
                                        int32_t *argmax);
/* any k: dx cleared with vector stores, then one store per output */
void cl_f32_maxpool_backward_wasmsimd(const float *dy, const int32_t *argmax, int b, int c, int h,
                                      int w, int k, float *dx);
#endif

#ifdef __cplusplus
}
#endif
#endif
