/* cl_pool.c - max- and average-pooling (see cl_pool.h): the references,
 * which are also the scalar build's pooling, and the dispatch. */
#include "cl_pool.h"

#include <string.h>

/* ---- max-pooling ---- */

void cl_f32_maxpool_forward_ref(const float *x, int b, int c, int h, int w, int k, float *y,
                                int32_t *argmax)
{
    const int oh = h / k, ow = w / k;
    for (int pl = 0; pl < b * c; pl++) {
        const float *xp = x + (size_t)pl * h * w;
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                size_t best = (size_t)i * k * w + (size_t)j * k;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) {
                        const size_t at = (size_t)(i * k + u) * w + (size_t)(j * k + v);
                        if (xp[at] > xp[best]) best = at;
                    }
                const size_t o = ((size_t)pl * oh + i) * ow + j;
                y[o] = xp[best];
                argmax[o] = (int32_t)((size_t)pl * h * w + best);
            }
    }
}

void cl_f32_maxpool_backward_ref(const float *dy, const int32_t *argmax, int b, int c, int h,
                                 int w, int k, float *dx)
{
    const size_t ny = (size_t)b * c * (h / k) * (w / k);
    memset(dx, 0, sizeof(float) * b * c * h * w);
    for (size_t o = 0; o < ny; o++) dx[argmax[o]] += dy[o];
}

void cl_maxpool_forward(const float *x, int b, int c, int h, int w, int k, float *y,
                        int32_t *argmax)
{
#ifdef CL_HAVE_SIMD
    if (k == 2) {
        cl_f32_maxpool2x2_forward_wasmsimd(x, b, c, h, w, y, argmax);
        return;
    }
#endif
    cl_f32_maxpool_forward_ref(x, b, c, h, w, k, y, argmax);
}

void cl_maxpool_backward(const float *dy, const int32_t *argmax, int b, int c, int h, int w,
                         int k, float *dx)
{
#ifdef CL_HAVE_SIMD
    cl_f32_maxpool_backward_wasmsimd(dy, argmax, b, c, h, w, k, dx);
#else
    cl_f32_maxpool_backward_ref(dy, argmax, b, c, h, w, k, dx);
#endif
}

/* ---- average-pooling ---- */

void cl_avgpool_forward(const float *x, int b, int c, int h, int w, int k, float *y)
{
    const int oh = h / k, ow = w / k;
    const float scale = 1.0f / (float)(k * k);
    for (int pl = 0; pl < b * c; pl++) {
        const float *xp = x + (size_t)pl * h * w;
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                float acc = 0.0f;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) acc += xp[(size_t)(i * k + u) * w + j * k + v];
                y[((size_t)pl * oh + i) * ow + j] = acc * scale;
            }
    }
}

void cl_avgpool_backward(const float *dy, int b, int c, int h, int w, int k, float *dx)
{
    const int oh = h / k, ow = w / k;
    const float scale = 1.0f / (float)(k * k);
    memset(dx, 0, sizeof(float) * b * c * h * w);
    for (int pl = 0; pl < b * c; pl++) {
        float *xp = dx + (size_t)pl * h * w;
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                const float g = dy[((size_t)pl * oh + i) * ow + j] * scale;
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++) xp[(size_t)(i * k + u) * w + j * k + v] = g;
            }
    }
}
