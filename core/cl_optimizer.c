/* cl_optimizer.c - the optimisers' updates (see cl_optimizer.h): the
 * references, which cl_optimizer_wasmsimd.c must match expression for
 * expression, and the dispatch. */
#include "cl_optimizer.h"

#include <float.h>
#include <math.h>

/* |v| <= FLT_MAX: false for infinities and NaN */
static int finite_f(float v)
{
    return fabsf(v) <= FLT_MAX;
}

int cl_f32_sgd_update_ref(const float *w, const float *g, float *wn, size_t n, float lr, float l2)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float v = w[i] - lr * (g[i] + l2 * w[i]);
        wn[i] = v;
        bad |= !finite_f(v);
    }
    return bad;
}

int cl_f32_momentum_update_ref(const float *w, const float *v, const float *g, float *wn, float *vn,
                               size_t n, float lr, float mom, float l2)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float vv = mom * v[i] - lr * (g[i] + l2 * w[i]);
        float ww = w[i] + vv;
        vn[i] = vv;
        wn[i] = ww;
        bad |= !finite_f(ww);
    }
    return bad;
}

int cl_f32_adam_update_ref(const float *w, const float *m1, const float *m2, const float *g, float *wn,
                           float *m1n, float *m2n, size_t n, float lr_t, float eps_t, float l2)
{
    const float b1 = (float)CL_ADAM_B1, b2 = (float)CL_ADAM_B2;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float gg = g[i] + l2 * w[i];
        float a = b1 * m1[i] + (1.0f - b1) * gg;
        float b = b2 * m2[i] + (1.0f - b2) * gg * gg;
        float ww = w[i] - lr_t * a / (sqrtf(b) + eps_t);
        m1n[i] = a;
        m2n[i] = b;
        wn[i] = ww;
        bad |= !finite_f(ww) || !finite_f(b);
    }
    return bad;
}

void cl_adam_step(float lr, double b1t, double b2t, float *lr_t, float *eps_t)
{
    *lr_t = (float)(lr * sqrt(1.0 - b2t) / (1.0 - b1t));
    *eps_t = (float)(CL_ADAM_EPS * sqrt(1.0 - b2t));
}

int cl_sgd_update(const float *w, const float *g, float *wn, size_t n, float lr, float l2)
{
#ifdef CL_HAVE_SIMD
    return cl_f32_sgd_update_wasmsimd(w, g, wn, n, lr, l2);
#else
    return cl_f32_sgd_update_ref(w, g, wn, n, lr, l2);
#endif
}

int cl_momentum_update(const float *w, const float *v, const float *g, float *wn, float *vn,
                       size_t n, float lr, float mom, float l2)
{
#ifdef CL_HAVE_SIMD
    return cl_f32_momentum_update_wasmsimd(w, v, g, wn, vn, n, lr, mom, l2);
#else
    return cl_f32_momentum_update_ref(w, v, g, wn, vn, n, lr, mom, l2);
#endif
}

int cl_adam_update(const float *w, const float *m1, const float *m2, const float *g, float *wn,
                   float *m1n, float *m2n, size_t n, float lr_t, float eps_t, float l2)
{
#ifdef CL_HAVE_SIMD
    return cl_f32_adam_update_wasmsimd(w, m1, m2, g, wn, m1n, m2n, n, lr_t, eps_t, l2);
#else
    return cl_f32_adam_update_ref(w, m1, m2, g, wn, m1n, m2n, n, lr_t, eps_t, l2);
#endif
}
