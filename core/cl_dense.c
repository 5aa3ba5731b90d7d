/* cl_dense.c - the fully connected layer (see cl_dense.h): three GEMMs and a column sum. */
#include "cl_dense.h"
#include "cl_gemm.h"

#include <string.h>

void cl_dense_forward(const float *x, const float *w, const float *bias, float *y, int b, int in,
                      int out)
{
    for (int r = 0; r < b; r++) memcpy(y + (size_t)r * out, bias, (size_t)out * sizeof(float));
    cl_gemm(0, 1, b, out, in, x, in, w, in, 1.0f, y, out);
}

void cl_dense_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                       float *db, int b, int in, int out)
{
    cl_gemm(1, 0, out, in, b, dy, out, x, in, 1.0f, dw, in);
    for (int r = 0; r < b; r++) {
        const float *dyr = dy + (size_t)r * out;
        for (int o = 0; o < out; o++) db[o] += dyr[o];
    }
    if (dx) cl_gemm(0, 0, b, in, out, dy, out, w, in, 0.0f, dx, in);
}
