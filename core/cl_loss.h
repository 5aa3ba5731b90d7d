/*
 * cl_loss.h - the training losses on a batch of n examples with K outputs,
 * each with its gradient beside it.
 *
 * The target of example r is the one-hot vector of labels[r]; with a single
 * output (K = 1) it is labels[r] itself, 0 or 1. Each call returns the loss
 * summed over the n examples, in double (the caller divides by n), and, when
 * its gradient buffer is not NULL, writes the gradient (n, K) of the mean
 * loss J = sum / B over a batch of B examples, of which these n are a part
 * (batch = B >= n; B = n for a whole batch; a part is what one worker of a
 * data-parallel step computes, cl_nn.h):
 *
 *   cl_loss_xent  softmax cross-entropy, -log p[label], from the logits z and
 *                 their softmax p:          dJ/dz = (p - t) / B
 *   cl_loss_bce   binary cross-entropy, the mean over the K outputs, from the
 *                 logits z and their sigmoid p:  dJ/dz = (p - t) / (B K)
 *   cl_loss_mse   mean over the K outputs of (y - t)^2:  dJ/dy = 2 (y - t) / (B K)
 *
 * The cross-entropies are computed from the logits (log-sum-exp, log1p) so
 * that they stay finite where p rounds to 0 or 1; their gradients skip the
 * softmax or sigmoid layer, whose backward pass the model then leaves out.
 */
#ifndef CL_LOSS_H
#define CL_LOSS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

double cl_loss_xent(const float *z, const float *p, const uint8_t *labels, int n, int k, int batch,
                    float *dz);
double cl_loss_bce(const float *z, const float *p, const uint8_t *labels, int n, int k, int batch,
                   float *dz);
double cl_loss_mse(const float *y, const uint8_t *labels, int n, int k, int batch, float *dy);

#ifdef __cplusplus
}
#endif
#endif
