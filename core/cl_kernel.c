#include "cl_kernel.h"
#include "cl_conv.h"

#include <math.h>
#include <string.h>

static const float fixed3[][9] = {
    [CL_KERNEL_SOBEL_X] = {1, 0, -1, 2, 0, -2, 1, 0, -1},
    [CL_KERNEL_SOBEL_Y] = {1, 2, 1, 0, 0, 0, -1, -2, -1},
    [CL_KERNEL_SHARPEN] = {0, -1, 0, -1, 5, -1, 0, -1, 0},
    [CL_KERNEL_LAPLACIAN] = {0, 1, 0, 1, -4, 1, 0, 1, 0},
    [CL_KERNEL_EMBOSS] = {-2, -1, 0, -1, 1, 1, 0, 1, 2},
};

cl_status cl_kernel_preset(int kind, int k1, int k2, float sigma, float *out)
{
    if (!out) return CL_ERR_NULL;
    if (kind < 0 || kind >= CL_KERNEL_COUNT) return CL_ERR_ARG;
    if (k1 < 1 || k2 < 1 || k1 > CL_MAX_KERNEL || k2 > CL_MAX_KERNEL) return CL_ERR_KERNEL_SIZE;
    int n = k1 * k2;
    switch (kind) {
    case CL_KERNEL_IDENTITY:
        memset(out, 0, sizeof(float) * n);
        out[((k1 - 1) / 2) * k2 + (k2 - 1) / 2] = 1.0f;
        return CL_OK;
    case CL_KERNEL_BOX:
        for (int i = 0; i < n; i++) out[i] = 1.0f / (float)n;
        return CL_OK;
    case CL_KERNEL_GAUSSIAN: {
        if (!(sigma > 0.0f) || !isfinite(sigma)) return CL_ERR_ARG;
        double cy = (k1 - 1) / 2.0, cx = (k2 - 1) / 2.0, sum = 0.0, g[CL_MAX_KERNEL * CL_MAX_KERNEL];
        for (int a = 0; a < k1; a++)
            for (int b = 0; b < k2; b++) {
                double dy = a - cy, dx = b - cx;
                g[a * k2 + b] = exp(-(dy * dy + dx * dx) / (2.0 * (double)sigma * sigma));
                sum += g[a * k2 + b];
            }
        for (int i = 0; i < n; i++) out[i] = (float)(g[i] / sum);
        return CL_OK;
    }
    default:
        if (k1 != 3 || k2 != 3) return CL_ERR_KERNEL_SIZE;
        memcpy(out, fixed3[kind], sizeof(float) * 9);
        return CL_OK;
    }
}

const float *cl_kernel_3x3(int kind)
{
    return kind >= CL_KERNEL_SOBEL_X && kind < CL_KERNEL_COUNT ? fixed3[kind] : NULL;
}

cl_status cl_kernel_normalise(float *k, int k1, int k2, int *scaled)
{
    if (!k) return CL_ERR_NULL;
    if (k1 < 1 || k2 < 1 || k1 > CL_MAX_KERNEL || k2 > CL_MAX_KERNEL) return CL_ERR_KERNEL_SIZE;
    double sum = 0.0, mag = 0.0;
    for (int i = 0; i < k1 * k2; i++) {
        if (!isfinite(k[i])) return CL_ERR_ARG;
        sum += k[i];
        mag += fabs(k[i]);
    }
    int ok = mag > 0.0 && fabs(sum) >= 1e-6 * mag;
    if (ok)
        for (int i = 0; i < k1 * k2; i++) k[i] = (float)(k[i] / sum);
    if (scaled) *scaled = ok;
    return CL_OK;
}
