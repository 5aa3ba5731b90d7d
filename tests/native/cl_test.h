/* cl_test.h - helpers shared by the cmocka tests of core/. */
#ifndef CL_TEST_H
#define CL_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A small deterministic generator for test data (xorshift32). */
static inline uint32_t t_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}
/* uniform in [lo, hi) */
static inline float t_uniform(uint32_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(t_rand(s) >> 8) / 16777216.0f;
}

/* A data set of n 1x8x8 images in 4 classes (lab: 0-3): a bright 3x3 square in
 * the quadrant of the class, moved by a pixel or not, on noise. */
static inline void t_squares(uint8_t *img, uint8_t *lab, int n, uint32_t seed)
{
    uint32_t s = seed;
    for (int e = 0; e < n; e++) {
        int k = (int)(t_rand(&s) % 4);
        lab[e] = (uint8_t)k;
        uint8_t *p = img + e * 64;
        for (int j = 0; j < 64; j++) p[j] = (uint8_t)(t_rand(&s) % 60);
        int r0 = (k / 2) * 4 + (int)(t_rand(&s) % 2), c0 = (k % 2) * 4 + (int)(t_rand(&s) % 2);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) p[(r0 + a) * 8 + c0 + b] = (uint8_t)(200 + t_rand(&s) % 56);
    }
}

/* n floats uniform in [lo, hi), malloc'ed (free them); n = 0 gives one float */
static inline float *t_floats(size_t n, uint32_t *seed, float lo, float hi)
{
    float *p = malloc(sizeof(float) * (n ? n : 1));
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) p[i] = t_uniform(seed, lo, hi);
    return p;
}

/* a malloc'ed copy of n floats in double, for the double-precision oracles */
static inline double *t_doubles(const float *p, size_t n)
{
    double *d = malloc(sizeof(double) * (n ? n : 1));
    assert_non_null(d);
    for (size_t i = 0; i < n; i++) d[i] = p[i];
    return d;
}

/* The loss a central difference reads: L of whatever ctx points to. */
typedef double (*t_loss_fn)(const void *ctx);

/* g[i] = (L(v + h e_i) - L(v - h e_i)) / (2 h) for the n entries of v, in
 * double: the numeric gradient every backward pass is checked against. L
 * reads v through ctx; v is restored after each entry. */
static inline void t_central_diff(double *v, size_t n, double h, t_loss_fn loss, const void *ctx,
                                  float *g)
{
    for (size_t i = 0; i < n; i++) {
        const double keep = v[i];
        v[i] = keep + h;
        const double lp = loss(ctx);
        v[i] = keep - h;
        const double lm = loss(ctx);
        v[i] = keep;
        g[i] = (float)((lp - lm) / (2 * h));
    }
}

/* Compares n floats: |got - want| <= atol + rtol * |want| everywhere. On failure
 * prints the first index that is off and the largest difference, then fails. */
#define assert_close_f32(got, want, n, rtol, atol) \
    t_assert_close_f32((got), (want), (n), (rtol), (atol), #got, __FILE__, __LINE__)
static inline void t_assert_close_f32(const float *got, const float *want, size_t n, double rtol,
                                      double atol, const char *what, const char *file, int line)
{
    size_t first = n, worst = 0;
    double worst_d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - (double)want[i]);
        int bad = !(d <= atol + rtol * fabs((double)want[i])); /* NaN is bad */
        if (bad && first == n) first = i;
        if (!(d <= worst_d)) { worst_d = d; worst = i; }
    }
    if (first != n) {
        print_error("%s:%d: %s differs: first at [%zu] got %.9g want %.9g; largest |diff| %.3g at "
                    "[%zu] (rtol %g, atol %g, n %zu)\n",
                    file, line, what, first, (double)got[first], (double)want[first], worst_d,
                    worst, rtol, atol, n);
        _fail(file, line);
    }
}

/* Compares n floats bit for bit: -0 is not +0, and NaNs must match to the bit. */
#define assert_same_f32(got, want, n) t_assert_same_f32((got), (want), (n), #got, __FILE__, __LINE__)
static inline void t_assert_same_f32(const float *got, const float *want, size_t n,
                                     const char *what, const char *file, int line)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t a, b;
        memcpy(&a, got + i, 4);
        memcpy(&b, want + i, 4);
        if (a != b) {
            print_error("%s:%d: %s differs first at [%zu]: got %.9g (0x%08x) want %.9g (0x%08x)\n",
                        file, line, what, i, (double)got[i], (unsigned)a, (double)want[i],
                        (unsigned)b);
            _fail(file, line);
        }
    }
}

#define assert_equal_u8(got, want, n) t_assert_equal_u8((got), (want), (n), #got, __FILE__, __LINE__)
static inline void t_assert_equal_u8(const uint8_t *got, const uint8_t *want, size_t n,
                                     const char *what, const char *file, int line)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            print_error("%s:%d: %s differs first at [%zu]: got %u want %u\n", file, line, what, i,
                        got[i], want[i]);
            _fail(file, line);
        }
}

#endif
