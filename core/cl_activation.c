/* cl_activation.c - relu, sigmoid, tanh and softmax (see cl_activation.h). */
#include "cl_activation.h"

#include <math.h>

void cl_relu_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void cl_relu_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void cl_sigmoid_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void cl_sigmoid_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}

void cl_tanh_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

void cl_tanh_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

void cl_softmax_forward(const float *x, float *y, int b, size_t k)
{
    for (int r = 0; r < b; r++) {
        const float *xr = x + (size_t)r * k;
        float *yr = y + (size_t)r * k;
        float mx = xr[0];
        for (size_t j = 1; j < k; j++) mx = xr[j] > mx ? xr[j] : mx;
        float sum = 0.0f;
        for (size_t j = 0; j < k; j++) sum += yr[j] = expf(xr[j] - mx);
        float inv = 1.0f / sum;
        for (size_t j = 0; j < k; j++) yr[j] *= inv;
    }
}

void cl_softmax_backward(const float *y, const float *dy, float *dx, int b, size_t k)
{
    for (int r = 0; r < b; r++) {
        const float *yr = y + (size_t)r * k, *dyr = dy + (size_t)r * k;
        float *dxr = dx + (size_t)r * k;
        float dot = 0.0f;
        for (size_t j = 0; j < k; j++) dot += dyr[j] * yr[j];
        for (size_t j = 0; j < k; j++) dxr[j] = yr[j] * (dyr[j] - dot);
    }
}
