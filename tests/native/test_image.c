/* test_image.c - byte <-> float conversions: values by hand, the grayscale
 * rule on every colour, the vector versions against the references on every
 * length, bad arguments. */
#include "cl_image.h"
#include "cl_test.h"

#include <string.h>

static void test_rgba_to_planes_by_hand(void **state)
{
    (void)state;
    /* 2 pixels: pure red, and (10, 20, 30) with alpha 7 (alpha is dropped) */
    const uint8_t px[8] = {255, 0, 0, 255, 10, 20, 30, 7};
    float planes[6], gray[2];
    assert_int_equal(cl_image_planes(4, 0), 3);
    assert_int_equal(cl_image_planes(4, 1), 1);
    assert_int_equal(cl_image_planes(1, 0), 1);
    assert_int_equal(cl_image_from_u8(px, 1, 2, 4, 0, planes), CL_OK);
    const float want[6] = {255, 10, 0, 20, 0, 30}; /* R plane, G plane, B plane */
    assert_close_f32(planes, want, 6, 0, 0);
    /* gray: 299 * 255 = 76245 thousandths -> 76; 299*10 + 587*20 + 114*30 = 18110 -> 18 */
    assert_int_equal(cl_image_from_u8(px, 1, 2, 4, 1, gray), CL_OK);
    const float want_gray[2] = {76, 18};
    assert_close_f32(gray, want_gray, 2, 0, 0);
    /* green 255 -> 149685 -> 150, blue 255 -> 29070 -> 29, white stays 255 */
    const uint8_t rgb[9] = {0, 255, 0, 0, 0, 255, 255, 255, 255};
    float g3[3];
    assert_int_equal(cl_image_from_u8(rgb, 3, 1, 3, 1, g3), CL_OK);
    const float want3[3] = {150, 29, 255};
    assert_close_f32(g3, want3, 3, 0, 0);
    const uint8_t one[2] = {0, 200};
    float o[2];
    assert_int_equal(cl_image_from_u8(one, 2, 1, 1, 0, o), CL_OK);
    assert_true(o[0] == 0.0f && o[1] == 200.0f);
}

/* The grayscale rule, written out in whole numbers as cl_image.h states it
 * (the oracle): q = 299 R + 587 G + 114 B thousandths, rounded to the nearest
 * whole 1000, an exact half (q ending in 500) to the even one. */
static float exact_gray(int r, int g, int b)
{
    const int q = 299 * r + 587 * g + 114 * b;
    int y = q / 1000;
    const int rest = q % 1000;
    if (rest > 500 || (rest == 500 && y % 2 == 1)) y++;
    return (float)y;
}

/* Exact halves by hand, among them the ones float32 arithmetic rounded the
 * wrong way (it gave 57, 57, 103, 103 and 11 for these). */
static void test_gray_ties_by_hand(void **state)
{
    (void)state;
    static const struct {
        uint8_t r, g, b;
        float y;
    } cases[] = {
        {76, 54, 27, 58},   /* 22724 + 31698 + 3078 = 57500: 57.5 -> 58 */
        {46, 72, 13, 58},   /* 57500 */
        {2, 68, 149, 58},   /* 57500 */
        {5, 161, 57, 102},  /* 102500: 102.5 -> 102 */
        {24, 142, 105, 102}, /* 102500 */
        {1, 171, 16, 102},  /* 102500 */
        {3, 15, 7, 10},     /* 10500: 10.5 -> 10 */
        {0, 84, 28, 52},    /* 52500 */
        {0, 0, 0, 0},
        {255, 255, 255, 255},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    uint8_t rgba[4 * 10], rgb[3 * 10];
    float y4[10], y3[10];
    for (size_t i = 0; i < n; i++) {
        const uint8_t px[4] = {cases[i].r, cases[i].g, cases[i].b, 255};
        memcpy(rgba + 4 * i, px, 4);
        memcpy(rgb + 3 * i, px, 3);
    }
    /* 10 pixels: the vector kernel takes 8, its tail the last 2 */
    assert_int_equal(cl_image_from_u8(rgba, 1, (int)n, 4, 1, y4), CL_OK);
    assert_int_equal(cl_image_from_u8(rgb, (int)n, 1, 3, 1, y3), CL_OK);
    for (size_t i = 0; i < n; i++) {
        if (y4[i] != cases[i].y || y3[i] != cases[i].y)
            print_error("(%d, %d, %d): Y %g (RGBA), %g (RGB), want %g\n", cases[i].r, cases[i].g,
                        cases[i].b, (double)y4[i], (double)y3[i], (double)cases[i].y);
        assert_true(y4[i] == cases[i].y && y3[i] == cases[i].y);
        assert_true(exact_gray(cases[i].r, cases[i].g, cases[i].b) == cases[i].y);
    }
}

/* All 2^24 colours, through the reference (RGBA and RGB) and the vector
 * kernel, against the rule in whole numbers: 16,782 of them are exact halves. */
static void test_gray_every_colour(void **state)
{
    (void)state;
    const size_t n = 256 * 256; /* one red value at a time: every (G, B) */
    uint8_t *rgba = malloc(4 * n), *rgb = malloc(3 * n);
    float *want = malloc(n * sizeof *want), *ref4 = malloc(n * sizeof *ref4),
          *ref3 = malloc(n * sizeof *ref3), *simd = malloc(n * sizeof *simd);
    assert_true(rgba && rgb && want && ref4 && ref3 && simd);
    long ties = 0;
    for (int r = 0; r < 256; r++) {
        for (size_t i = 0; i < n; i++) {
            const int g = (int)(i >> 8), b = (int)(i & 255);
            const uint8_t px[4] = {(uint8_t)r, (uint8_t)g, (uint8_t)b, 255};
            memcpy(rgba + 4 * i, px, 4);
            memcpy(rgb + 3 * i, px, 3);
            want[i] = exact_gray(r, g, b);
            ties += (299 * r + 587 * g + 114 * b) % 1000 == 500;
        }
        cl_u8_to_planar_ref(rgba, n, 4, 1, ref4, n);
        cl_u8_to_planar_ref(rgb, n, 3, 1, ref3, n);
        cl_u8_to_planar_wasmsimd(rgba, n, 4, 1, simd, n);
        for (size_t i = 0; i < n; i++) {
            if (ref4[i] == want[i] && ref3[i] == want[i] && simd[i] == want[i]) continue;
            print_error("(%d, %d, %d): reference %g (RGBA) %g (RGB), vector %g, want %g\n", r,
                        (int)(i >> 8), (int)(i & 255), (double)ref4[i], (double)ref3[i],
                        (double)simd[i], (double)want[i]);
            fail();
        }
    }
    assert_int_equal(ties, 16782);
    free(rgba); free(rgb); free(want); free(ref4); free(ref3); free(simd);
}

static void test_display_by_hand(void **state)
{
    (void)state;
    /* clamp: negatives and NaN to 0, above 255 to 255, halves to even */
    const float v[8] = {-5.0f, 0.5f, 1.5f, 254.5f, 300.0f, NAN, 127.49f, 2.5f};
    uint8_t out[32];
    assert_int_equal(cl_image_to_rgba(v, 1, 2, 4, CL_DISPLAY_CLAMP, out), CL_OK);
    const uint8_t want[8] = {0, 0, 2, 254, 255, 0, 127, 2};
    for (int i = 0; i < 8; i++) {
        assert_int_equal(out[4 * i], want[i]);
        assert_int_equal(out[4 * i + 1], want[i]);
        assert_int_equal(out[4 * i + 2], want[i]);
        assert_int_equal(out[4 * i + 3], 255);
    }
    /* |v| scaled so that the largest (510) is 255: 255 -> 127.5 -> 128 */
    const float s[5] = {-510, 255, 0, 51, -1};
    assert_int_equal(cl_image_to_rgba(s, 1, 1, 5, CL_DISPLAY_ABS_SCALED, out), CL_OK);
    const uint8_t want_s[5] = {255, 128, 0, 26, 0}; /* 25.5 -> 26 (even); 0.5 -> 0 */
    for (int i = 0; i < 5; i++) assert_int_equal(out[4 * i], want_s[i]);
    /* all zero stays black, no division by zero */
    const float zeros[4] = {0, 0, -0.0f, 0};
    assert_int_equal(cl_image_to_rgba(zeros, 1, 2, 2, CL_DISPLAY_ABS_SCALED, out), CL_OK);
    for (int i = 0; i < 4; i++) assert_int_equal(out[4 * i], 0);
    /* diverging: -max is the blue end, 0 white, +max the red end */
    const float d[3] = {-4, 0, 4};
    assert_int_equal(cl_image_to_rgba(d, 1, 1, 3, CL_DISPLAY_DIVERGING, out), CL_OK);
    const uint8_t want_d[12] = {33, 102, 172, 255, 247, 247, 247, 255, 178, 24, 43, 255};
    assert_equal_u8(out, want_d, 12);
    /* three planes become R, G, B */
    const float rgb[3] = {1, 2, 3};
    assert_int_equal(cl_image_to_rgba(rgb, 3, 1, 1, CL_DISPLAY_CLAMP, out), CL_OK);
    const uint8_t want_rgb[4] = {1, 2, 3, 255};
    assert_equal_u8(out, want_rgb, 4);
}

static void test_vector_matches_reference(void **state)
{
    (void)state;
    uint32_t seed = 31337;
    /* every length from 1 to 67 pixels (tails of 0..3 after the 4-wide loop), and a big one */
    for (size_t n = 1; n <= 68; n++) {
        if (n == 68) n = 1050 * 7 + 3;
        uint8_t *src = malloc(4 * n), *a = malloc(4 * n), *b = malloc(4 * n);
        float *p_ref = malloc(3 * n * sizeof(float)), *p_simd = malloc(3 * n * sizeof(float));
        for (size_t i = 0; i < 4 * n; i++) src[i] = (uint8_t)t_rand(&seed);
        for (int gray = 0; gray < 2; gray++) {
            size_t planes = gray ? 1 : 3;
            cl_u8_to_planar_ref(src, n, 4, gray, p_ref, n);
            cl_u8_to_planar_wasmsimd(src, n, 4, gray, p_simd, n);
            assert_close_f32(p_simd, p_ref, planes * n, 0, 0);
        }
        /* floats over and beyond the byte range, with halves, negatives and NaN */
        for (size_t i = 0; i < 3 * n; i++) {
            uint32_t r = t_rand(&seed);
            p_ref[i] = (r % 7 == 0) ? NAN : (float)((int)(r % 1400) - 400) / 2.0f;
        }
        for (int c = 1; c <= 3; c += 2)
            for (int use_abs = 0; use_abs < 2; use_abs++) {
                float scale = use_abs ? 0.37f : 1.0f;
                cl_planar_to_rgba_ref(p_ref, c, n, n, scale, use_abs, a);
                cl_planar_to_rgba_wasmsimd(p_ref, c, n, n, scale, use_abs, b);
                assert_equal_u8(b, a, 4 * n);
            }
        /* the diverging map, with values beyond the scale, at a few scales */
        for (int k = 0; k < 3; k++) {
            float inv = k == 0 ? 1.0f / 350.0f : k == 1 ? 1.0f / 97.3f : 0.0f;
            cl_f32_diverging_ref(p_ref, n, inv, a);
            cl_f32_diverging_wasmsimd(p_ref, n, inv, b);
            assert_equal_u8(b, a, 4 * n);
        }
        float mr = cl_f32_max_abs_ref(p_ref, 3 * n), ms = cl_f32_max_abs_wasmsimd(p_ref, 3 * n);
        assert_true(mr == ms);
        assert_true(mr > 0.0f && mr <= 500.0f);
        free(src); free(a); free(b); free(p_ref); free(p_simd);
    }
}

/* A network's input (cl_nn's batches): each byte times a scale, one product,
 * the vector version against the reference and against the rule written out,
 * every byte value, every length to 50 at every start of 16-byte alignment
 * (tails after the 16-wide loop) and a long run. */
static void test_bytes_scaled(void **state)
{
    (void)state;
    uint8_t src[1100];
    float want[1100], got[1100];
    for (int i = 0; i < 1100; i++) src[i] = (uint8_t)(i < 256 ? i : i * 37 + i / 256); /* every value first */
    const float scales[3] = {1.0f / 255.0f, 1.0f, -0.7f};
    for (int k = 0; k < 3; k++) {
        for (size_t off = 0; off < 16; off++)
            for (size_t n = 0; n <= 50; n++) {
                cl_u8_scale_ref(src + off, n, scales[k], want);
                for (size_t i = 0; i < n; i++) assert_true(want[i] == (float)src[off + i] * scales[k]);
                memset(got, 0xff, sizeof got);
                cl_u8_scale_wasmsimd(src + off, n, scales[k], got);
                assert_close_f32(got, want, n, 0, 0);
                uint32_t nan_bits;
                memcpy(&nan_bits, &got[n], 4);
                assert_int_equal(nan_bits, 0xffffffffu); /* nothing written past the end */
            }
        cl_u8_scale_ref(src, 1099, scales[k], want);
        cl_u8_scale(src, 1099, scales[k], got);
        assert_close_f32(got, want, 1099, 0, 0);
    }
    float v;
    const uint8_t max = 255;
    cl_u8_scale(&max, 1, 1.0f / 255.0f, &v);
    assert_true(v == 1.0f);
}

/* The bounded byte mapping: the same bytes as the reference's clamp for every
 * number within +-CL_BOUNDED_MAX, halves (ties go to even), both ends and
 * beyond them, 1 and 3 planes, lengths that leave a scalar tail. */
static void test_bounded_bytes_match_reference(void **state)
{
    (void)state;
    uint32_t seed = 99;
    const float special[] = {-0.5f,   0.5f,      1.5f,      2.5f,     -0.0f,      0.0f,
                             254.5f,  255.0f,    255.49f,   255.5f,   256.0f,     -1.0f,
                             -0.49f,  127.5f,    0.4999f,   1e-30f,   -1e-30f,    CL_BOUNDED_MAX,
                             -CL_BOUNDED_MAX, 2097151.5f, -2097151.5f, 300.25f, 65535.5f, -65536.0f};
    const size_t ns = sizeof special / sizeof special[0];
    for (size_t n = 1; n < 70; n += 1 + n / 8) {
        float *p = malloc(3 * n * sizeof *p);
        uint8_t *a = malloc(4 * n), *b = malloc(4 * n);
        for (int round = 0; round < 20; round++) {
            for (size_t i = 0; i < 3 * n; i++) {
                uint32_t r = t_rand(&seed) % 4;
                p[i] = r == 0   ? special[t_rand(&seed) % ns]
                       : r == 1 ? (float)((int)(t_rand(&seed) % 700) - 200) * 0.5f /* halves */
                       : r == 2 ? t_uniform(&seed, -400.0f, 700.0f)
                                : t_uniform(&seed, -CL_BOUNDED_MAX, CL_BOUNDED_MAX);
            }
            for (int c = 1; c <= 3; c += 2) {
                cl_planar_to_rgba_ref(p, c, n, n, 1.0f, 0, a);
                memset(b, 0, 4 * n);
                cl_planar_to_rgba_bounded_wasmsimd(p, c, n, n, b);
                assert_equal_u8(b, a, 4 * n);
            }
        }
        free(p); free(a); free(b);
    }
}

static void test_max_abs_by_hand(void **state)
{
    (void)state;
    const float v[11] = {1, -2, 3, NAN, -7.5f, 2, 0, 0, 0, 0, 6};
    assert_true(cl_image_max_abs(v, 11) == 7.5f);
    assert_true(cl_image_max_abs(v, 2) == 2.0f);
    assert_true(cl_image_max_abs(v, 0) == 0.0f);
    assert_true(cl_image_max_abs(NULL, 5) == 0.0f);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t px[16] = {0};
    float f[16] = {0};
    assert_int_equal(cl_image_from_u8(NULL, 1, 1, 4, 0, f), CL_ERR_NULL);
    assert_int_equal(cl_image_from_u8(px, 1, 1, 4, 0, NULL), CL_ERR_NULL);
    assert_int_equal(cl_image_from_u8(px, 0, 1, 4, 0, f), CL_ERR_SIZE);
    assert_int_equal(cl_image_from_u8(px, 1, CL_MAX_DIM + 1, 4, 0, f), CL_ERR_SIZE);
    assert_int_equal(cl_image_from_u8(px, 1, 1, 2, 0, f), CL_ERR_CHANNELS);
    assert_int_equal(cl_image_to_rgba(f, 2, 1, 1, 0, px), CL_ERR_CHANNELS);
    assert_int_equal(cl_image_to_rgba(f, 3, 1, 1, CL_DISPLAY_DIVERGING, px), CL_ERR_CHANNELS);
    assert_int_equal(cl_image_to_rgba(f, 1, 1, 1, CL_DISPLAY_COUNT, px), CL_ERR_ARG);
    assert_int_equal(cl_image_to_rgba(f, 1, -1, 1, 0, px), CL_ERR_SIZE);
    /* nothing written by a refused call */
    memset(px, 9, sizeof px);
    assert_int_equal(cl_image_to_rgba(f, 1, 1, 1, -1, px), CL_ERR_ARG);
    for (int i = 0; i < 16; i++) assert_int_equal(px[i], 9);
}

/* Mapping to a given largest |value| is clipping to it, then mapping to the
 * largest: bit for bit, for |value| and the diverging map, with values on
 * both sides of the scale, at it and NaN; a scale that is no positive
 * number shows black. */
static void test_display_to_a_given_scale(void **state)
{
    (void)state;
    uint32_t seed = 31;
    enum { H = 7, W = 41, N = H * W };
    float v[3 * N], clipped[3 * N];
    uint8_t want[4 * N], got[4 * N];
    for (int i = 0; i < 3 * N; i++) v[i] = t_uniform(&seed, -500.0f, 500.0f);
    v[5] = 120.0f, v[6] = -120.0f, v[7] = NAN, v[8] = 0.0f, v[9] = -0.0f, v[10] = 119.99999f;
    const float scales[] = {120.0f, 0.75f, 499.0f, 3e-6f};
    for (int s = 0; s < 4; s++) {
        const float p = scales[s];
        for (int i = 0; i < 3 * N; i++) clipped[i] = v[i] != v[i] ? v[i] : v[i] > p ? p : v[i] < -p ? -p : v[i];
        clipped[11] = p; /* the largest |value| of the clipped values is p */
        v[11] = p;
        for (int c = 1; c <= 3; c += 2)
            for (int d = CL_DISPLAY_ABS_SCALED; d <= CL_DISPLAY_DIVERGING; d++) {
                if (d == CL_DISPLAY_DIVERGING && c != 1) continue;
                assert_int_equal(cl_image_to_rgba(clipped, c, H, W, d, want), CL_OK);
                assert_int_equal(cl_image_to_rgba_scaled(v, c, H, W, d, p, got), CL_OK);
                assert_equal_u8(got, want, 4 * N);
            }
    }
    /* no positive scale: black (|value|), white (diverging) */
    for (int s = 0; s < 3; s++) {
        const float bad[] = {0.0f, -1.0f, NAN};
        assert_int_equal(cl_image_to_rgba_scaled(v, 1, H, W, CL_DISPLAY_ABS_SCALED, bad[s], got), CL_OK);
        for (int i = 0; i < N; i++) assert_int_equal(got[4 * i], 0);
        assert_int_equal(cl_image_to_rgba_scaled(v, 1, H, W, CL_DISPLAY_DIVERGING, bad[s], got), CL_OK);
        for (int i = 0; i < N; i++) assert_int_equal(got[4 * i + 1], 247);
    }
    assert_int_equal(cl_image_to_rgba_scaled(v, 3, H, W, CL_DISPLAY_DIVERGING, 1.0f, got), CL_ERR_CHANNELS);
    assert_int_equal(cl_image_to_rgba_scaled(NULL, 1, H, W, CL_DISPLAY_CLAMP, 1.0f, got), CL_ERR_NULL);
}

static int cmp_abs(const void *a, const void *b)
{
    const float x = fabsf(*(const float *)a), y = fabsf(*(const float *)b);
    return (x > y) - (x < y);
}

/* The quantile of |v| against sorting every |v|: the ceil(q * n)-th
 * smallest, and how many are above it; ties, zeros, NaN (skipped), one
 * value, none. */
static void test_abs_percentile_against_sorting(void **state)
{
    (void)state;
    uint32_t seed = 5;
    enum { N = 20000 };
    float *v = malloc(N * sizeof *v), *sorted = malloc(N * sizeof *sorted), out[3];
    const double qs[] = {0.95, 0.5, 1.0, 1e-9, 0.999, 0.99};
    for (int round = 0; round < 6; round++) {
        size_t n = round == 5 ? 1 : N - 977 * (size_t)round;
        for (size_t i = 0; i < n; i++) {
            float x = t_uniform(&seed, -1000.0f, 1000.0f);
            if (round == 1) x = (float)((int)x % 7);             /* many ties */
            if (round == 2) x = (float)ldexp(x, (int)(i % 40) - 20); /* many scales */
            if (round == 3 && i % 3 == 0) x = 0.0f;
            v[i] = x;
        }
        if (round == 4) v[17] = NAN, v[99] = INFINITY;
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i] == v[i]) sorted[count++] = v[i];
        qsort(sorted, count, sizeof *sorted, cmp_abs);
        for (int k = 0; k < 6; k++) {
            size_t rank = (size_t)ceil(qs[k] * (double)count);
            if (rank < 1) rank = 1;
            const float p = fabsf(sorted[rank - 1]);
            size_t above = 0;
            for (size_t i = 0; i < count; i++) above += fabsf(sorted[i]) > p;
            assert_int_equal(cl_image_abs_percentile(v, n, qs[k], out), CL_OK);
            assert_true(out[0] == p);
            assert_true(out[1] == (float)above);
            assert_true(out[2] == (float)count);
        }
    }
    assert_int_equal(cl_image_abs_percentile(v, 0, 0.5, out), CL_OK);
    assert_true(out[0] == 0.0f && out[1] == 0.0f && out[2] == 0.0f);
    assert_int_equal(cl_image_abs_percentile(v, 10, 0.0, out), CL_ERR_ARG);
    assert_int_equal(cl_image_abs_percentile(v, 10, 1.5, out), CL_ERR_ARG);
    assert_int_equal(cl_image_abs_percentile(NULL, 10, 0.5, out), CL_ERR_NULL);
    free(v);
    free(sorted);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rgba_to_planes_by_hand),
        cmocka_unit_test(test_gray_ties_by_hand),
        cmocka_unit_test(test_gray_every_colour),
        cmocka_unit_test(test_display_by_hand),
        cmocka_unit_test(test_vector_matches_reference),
        cmocka_unit_test(test_bounded_bytes_match_reference),
        cmocka_unit_test(test_bytes_scaled),
        cmocka_unit_test(test_max_abs_by_hand),
        cmocka_unit_test(test_display_to_a_given_scale),
        cmocka_unit_test(test_abs_percentile_against_sorting),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
