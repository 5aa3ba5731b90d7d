/*
 * cl_kernel.h - preset kernels for the kernels page and the tests.
 *
 *     float k[5 * 5];
 *     cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, 1.0f, k);   // sums to 1
 *
 * Kernels are (K1, K2) row-major: K1 rows, K2 columns. Sizes are free for the
 * identity, box and Gaussian presets; the others are the classic 3 x 3 ones
 * and ask for k1 = k2 = 3 (else CL_ERR_KERNEL_SIZE). The gradient magnitude is
 * not a linear kernel: see cl_conv2d_gradient_magnitude().
 */
#ifndef CL_KERNEL_H
#define CL_KERNEL_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cl_kernel_kind {
    CL_KERNEL_IDENTITY = 0,  /* 1 at the centre ((K1-1)/2, (K2-1)/2), 0 elsewhere */
    CL_KERNEL_BOX = 1,       /* uniform average: every weight 1 / (K1 * K2) */
    CL_KERNEL_GAUSSIAN = 2,  /* exp(-(dy^2 + dx^2) / (2 sigma^2)) about the centre, normalised to sum 1 */
    CL_KERNEL_SOBEL_X = 3,   /* [[1,0,-1],[2,0,-2],[1,0,-1]]: vertical edges */
    CL_KERNEL_SOBEL_Y = 4,   /* [[1,2,1],[0,0,0],[-1,-2,-1]]: horizontal edges */
    CL_KERNEL_SHARPEN = 5,   /* [[0,-1,0],[-1,5,-1],[0,-1,0]] */
    CL_KERNEL_LAPLACIAN = 6, /* [[0,1,0],[1,-4,1],[0,1,0]] */
    CL_KERNEL_EMBOSS = 7,    /* [[-2,-1,0],[-1,1,1],[0,1,2]] */
    CL_KERNEL_COUNT
} cl_kernel_kind;

/* Fills out (k1 * k2 floats). sigma is used by the Gaussian only and must be
 * > 0 and finite there (else CL_ERR_ARG). */
CL_API cl_status cl_kernel_preset(int kind, int k1, int k2, float sigma, float *out);

/* Scales a kernel so that its weights sum to 1. A kernel whose sum is 0 (or
 * too close to 0 to divide by, |sum| < 1e-6 * sum|w|), like Sobel, is left as
 * it is and *scaled is set to 0; otherwise *scaled is 1. scaled may be NULL. */
CL_API cl_status cl_kernel_normalise(float *k, int k1, int k2, int *scaled);

/* The 9 weights of a classic 3 x 3 preset (CL_KERNEL_SOBEL_X .. CL_KERNEL_EMBOSS),
 * read-only, for the engine's own use (the gradient magnitude's Sobel pair);
 * NULL for the other kinds. */
const float *cl_kernel_3x3(int kind);

#ifdef __cplusplus
}
#endif
#endif
