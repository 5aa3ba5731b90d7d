/*
 * cl_dense.h - the fully connected (dense) layer on a batch, forward and
 * backward side by side.
 *
 *     y (B, OUT) = x (B, IN) W^T + b        W (OUT, IN) row-major, b (OUT)
 *
 * (An input of shape (C, H, W) per example is read flat, C*H*W values in that
 * order: the model's "flatten" is a view, no copy.) The products are cl_gemm
 * calls in its three forms; nothing allocates.
 */
#ifndef CL_DENSE_H
#define CL_DENSE_H

#ifdef __cplusplus
extern "C" {
#endif

/* y (B, OUT) = x (B, IN) W^T + bias (OUT); bias is required. */
void cl_dense_forward(const float *x, const float *w, const float *bias, float *y, int b, int in,
                      int out);
/* Given dy (B, OUT): dw (OUT, IN) += dy^T x, db (OUT) += the column sums of
 * dy, and dx (B, IN) = dy W unless dx is NULL (the first layer needs none).
 * dw and db accumulate: zero them once per batch. */
void cl_dense_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                       float *db, int b, int in, int out);

#ifdef __cplusplus
}
#endif
#endif
