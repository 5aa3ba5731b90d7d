/* cl_loss.c - cross-entropy, binary cross-entropy and mean squared error
 * (see cl_loss.h). */
#include "cl_loss.h"

#include <math.h>
#include <stddef.h>

/* the target of output j for an example labelled label, with k outputs */
static float target(int k, int label, int j)
{
    return k == 1 ? (float)label : (float)(j == label);
}

double cl_loss_xent(const float *z, const float *p, const uint8_t *labels, int n, int k, int batch,
                    float *dz)
{
    const float scale = 1.0f / (float)batch;
    double s = 0.0;
    for (int r = 0; r < n; r++) {
        const float *zr = z + (size_t)r * k, *pr = p + (size_t)r * k;
        const int lab = labels[r];
        /* -log softmax(z)[lab] = log sum_j e^(z_j - max) - (z_lab - max) */
        float mx = zr[0];
        for (int j = 1; j < k; j++) mx = zr[j] > mx ? zr[j] : mx;
        double se = 0.0;
        for (int j = 0; j < k; j++) se += exp((double)zr[j] - mx);
        s += log(se) - ((double)zr[lab] - mx);
        if (dz)
            for (int j = 0; j < k; j++) dz[(size_t)r * k + j] = (pr[j] - target(k, lab, j)) * scale;
    }
    return s;
}

double cl_loss_bce(const float *z, const float *p, const uint8_t *labels, int n, int k, int batch,
                   float *dz)
{
    const float scale = 1.0f / ((float)batch * (float)k);
    double s = 0.0;
    for (int r = 0; r < n; r++) {
        const float *zr = z + (size_t)r * k, *pr = p + (size_t)r * k;
        for (int j = 0; j < k; j++) {
            /* -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)) = max(z, 0) - z t + log(1 + e^-|z|) */
            double zz = zr[j], t = target(k, labels[r], j);
            s += ((zz > 0 ? zz : 0) - zz * t + log1p(exp(-fabs(zz)))) / k;
            if (dz) dz[(size_t)r * k + j] = (pr[j] - (float)t) * scale;
        }
    }
    return s;
}

double cl_loss_mse(const float *y, const uint8_t *labels, int n, int k, int batch, float *dy)
{
    const float scale = 1.0f / ((float)batch * (float)k);
    double s = 0.0;
    for (int r = 0; r < n; r++)
        for (int j = 0; j < k; j++) {
            float e = y[(size_t)r * k + j] - target(k, labels[r], j);
            s += (double)e * e / k;
            if (dy) dy[(size_t)r * k + j] = 2.0f * e * scale;
        }
    return s;
}
