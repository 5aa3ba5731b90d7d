/*
 * cl_optimizer.h - the optimisers' updates on a block of n parameters: plain
 * SGD, SGD with momentum, and Adam. The model (cl_nn.c) runs them over all its
 * parameters at once, with l2 on the weights and 0 on the biases.
 *
 *     SGD       w' = w - lr (g + l2 w)
 *     momentum  v' = mom v - lr (g + l2 w),   w' = w + v'
 *     Adam      g~ = g + l2 w,  m1' = b1 m1 + (1 - b1) g~,  m2' = b2 m2 + (1 - b2) g~^2,
 *               w' = w - lr_t m1' / (sqrt(m2') + eps_t)
 *               (lr_t, eps_t: the bias corrections folded in, see cl_adam_step)
 *
 * Each reads the current values (w and its state) and writes the new ones to
 * other buffers (wn ...), so that a step whose result is not finite can be
 * dropped: each returns nonzero if any new w (or Adam's m2) is not finite.
 * _ref is the plain loop, the oracle and the scalar build's; _wasmsimd gives
 * the same bits 4 lanes at a time; the unsuffixed calls dispatch.
 */
#ifndef CL_OPTIMIZER_H
#define CL_OPTIMIZER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CL_ADAM_B1 0.9   /* Adam's beta1 */
#define CL_ADAM_B2 0.999 /* Adam's beta2 */
#define CL_ADAM_EPS 1e-8f

int cl_sgd_update(const float *w, const float *g, float *wn, size_t n, float lr, float l2);
int cl_momentum_update(const float *w, const float *v, const float *g, float *wn, float *vn,
                       size_t n, float lr, float mom, float l2);
int cl_adam_update(const float *w, const float *m1, const float *m2, const float *g, float *wn,
                   float *m1n, float *m2n, size_t n, float lr_t, float eps_t, float l2);
/* Adam's step size and epsilon for the step whose b1t = beta1^t, b2t = beta2^t:
 * lr_t = lr sqrt(1 - b2t) / (1 - b1t), eps_t = CL_ADAM_EPS sqrt(1 - b2t), so that
 * lr_t m1 / (sqrt(m2) + eps_t) = lr mhat / (sqrt(vhat) + eps). */
void cl_adam_step(float lr, double b1t, double b2t, float *lr_t, float *eps_t);

int cl_f32_sgd_update_ref(const float *w, const float *g, float *wn, size_t n, float lr, float l2);
int cl_f32_momentum_update_ref(const float *w, const float *v, const float *g, float *wn, float *vn,
                               size_t n, float lr, float mom, float l2);
int cl_f32_adam_update_ref(const float *w, const float *m1, const float *m2, const float *g,
                           float *wn, float *m1n, float *m2n, size_t n, float lr_t, float eps_t,
                           float l2);
#ifdef CL_HAVE_SIMD
int cl_f32_sgd_update_wasmsimd(const float *w, const float *g, float *wn, size_t n, float lr,
                               float l2);
int cl_f32_momentum_update_wasmsimd(const float *w, const float *v, const float *g, float *wn,
                                    float *vn, size_t n, float lr, float mom, float l2);
int cl_f32_adam_update_wasmsimd(const float *w, const float *m1, const float *m2, const float *g,
                                float *wn, float *m1n, float *m2n, size_t n, float lr_t,
                                float eps_t, float l2);
#endif

#ifdef __cplusplus
}
#endif
#endif
