/*
 * cl_activation.h - the activation layers, forward and backward side by side:
 * relu, sigmoid and tanh elementwise, softmax along each example's outputs.
 *
 *     y (n) = f(x (n))                forward
 *     dx (n) = dy (n) * f'(x)          backward, with f' written from y, so
 *                                      the model keeps only each layer's output
 * Plain loops in every build (their cost is small beside the GEMM and the
 * convolutions); dx is overwritten; nothing allocates.
 */
#ifndef CL_ACTIVATION_H
#define CL_ACTIVATION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* y = max(x, 0); dx = dy where y > 0, else 0 */
void cl_relu_forward(const float *x, float *y, size_t n);
void cl_relu_backward(const float *y, const float *dy, float *dx, size_t n);

/* y = 1 / (1 + e^-x); dx = dy y (1 - y) */
void cl_sigmoid_forward(const float *x, float *y, size_t n);
void cl_sigmoid_backward(const float *y, const float *dy, float *dx, size_t n);

/* y = tanh x; dx = dy (1 - y^2) */
void cl_tanh_forward(const float *x, float *y, size_t n);
void cl_tanh_backward(const float *y, const float *dy, float *dx, size_t n);

/* y (B, K) = softmax of each row of x (B, K), computed from x - max(row) so
 * that no exponential overflows. Backward: dx = y (dy - <dy, y>) per row, the
 * softmax's Jacobian; used when the loss is not cross-entropy (with
 * cross-entropy, cl_loss_xent gives the gradient of the logits directly). */
void cl_softmax_forward(const float *x, float *y, int b, size_t k);
void cl_softmax_backward(const float *y, const float *dy, float *dx, int b, size_t k);

#ifdef __cplusplus
}
#endif
#endif
