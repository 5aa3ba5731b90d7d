/* test_filter.c - cl_filter_rgba, RGBA bytes to RGBA bytes in one call:
 * against the three public calls it stands for (bytes to planes, convolution,
 * planes to bytes), bit for bit, on every mode, padding, display and a range
 * of strides and kernels, with and without the caller's float planes, whole
 * or a band of output rows at a time; and every bad argument. */
#include "cl_conv.h"
#include "cl_filter.h"
#include "cl_image.h"
#include "cl_test.h"

#include <string.h>

/* One call (strips) against the three public steps it stands for. */
static void check_filter_weights(uint32_t *seed, int h, int w, int mode, int k1, int k2, int pad,
                                 int stride, int display, float odd_weight)
{
    int oh, ow;
    if (mode == CL_FILTER_MAGNITUDE) k1 = k2 = 3;
    if (cl_conv_out_size(h, w, k1, k2, pad, stride, &oh, &ow) != CL_OK) return;
    const int c = mode == CL_FILTER_GRAY ? 1 : 3;
    const int oc = (mode == CL_FILTER_GRAY || mode == CL_FILTER_SUM) ? 1 : 3;
    const int kc = mode == CL_FILTER_SUM ? 3 : (mode == CL_FILTER_PER_CHANNEL ? 1 + 2 * (k1 % 2) : 1);
    if (display == CL_DISPLAY_DIVERGING && oc != 1) return;
    size_t n = (size_t)h * w, on = (size_t)oh * ow;
    uint8_t *rgba = malloc(4 * n), *want = malloc(4 * on), *got = malloc(4 * on);
    float *x1 = malloc(3 * n * 4), *x2 = malloc(3 * n * 4), *z1 = malloc(3 * on * 4),
          *z2 = malloc(3 * on * 4), *tmp = malloc(on * 4), wt[3 * 225];
    for (size_t i = 0; i < 4 * n; i++) rgba[i] = (uint8_t)t_rand(seed);
    for (int i = 0; i < kc * k1 * k2; i++) wt[i] = t_uniform(seed, -0.5f, 0.7f);
    if (odd_weight != 0.0f) wt[(k1 * k2) / 2] = odd_weight;
    float bias = mode == CL_FILTER_SUM ? t_uniform(seed, -9.0f, 9.0f) : 0.0f;
    /* the three steps */
    assert_int_equal(cl_image_from_u8(rgba, h, w, 4, mode == CL_FILTER_GRAY, x1), CL_OK);
    cl_status st = mode == CL_FILTER_SUM         ? cl_conv2d_sum(x1, c, h, w, wt, k1, k2, bias, pad, stride, z1, oh, ow)
                   : mode == CL_FILTER_MAGNITUDE ? cl_conv2d_gradient_magnitude(x1, c, h, w, pad, stride, z1, oh, ow, tmp)
                                                 : cl_conv2d_per_channel(x1, c, h, w, wt, kc, k1, k2, pad, stride, z1, oh, ow);
    assert_int_equal(st, CL_OK);
    assert_int_equal(cl_image_to_rgba(z1, oc, oh, ow, display, want), CL_OK);
    const float want_max = cl_image_max_abs(z1, oc * on);
    /* one call */
    float max_abs = -1.0f;
    cl_filter_params p = {rgba, h, w, mode, wt, kc, k1, k2, bias, pad, stride, display,
                          x2, z2, tmp, got, oh, ow, &max_abs, 0, 0};
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    assert_same_f32(x2, x1, c * n);
    assert_same_f32(z2, z1, oc * on);
    assert_equal_u8(got, want, 4 * on);
    assert_same_f32(&max_abs, &want_max, 1);
    /* the planes not asked for (NULL) live in the engine's own buffers, a strip
     * at a time with CL_DISPLAY_CLAMP: the same bytes, and the same floats where given */
    for (int drop = 1; drop < 8; drop++) {
        memset(got, 0, 4 * on);
        memset(x2, 0, 3 * n * 4);
        memset(z2, 0, 3 * on * 4);
        p.x = drop & 1 ? NULL : x2;
        p.z = drop & 2 ? NULL : z2;
        p.tmp = drop & 4 ? NULL : tmp;
        max_abs = -1.0f;
        p.max_abs = drop == 4 ? NULL : &max_abs; /* not asked for: left alone */
        assert_int_equal(cl_filter_rgba(&p), CL_OK);
        assert_equal_u8(got, want, 4 * on);
        if (p.max_abs) assert_same_f32(&max_abs, &want_max, 1); /* a strip at a time when z is NULL */
        else assert_true(max_abs == -1.0f);
        if (p.x) assert_same_f32(x2, x1, c * n);
        if (p.z) assert_same_f32(z2, z1, oc * on);
    }
    /* a band of output rows, as several engines make the whole output: the
     * whole call's rows, bit for bit, its values, and its own largest |value|
     * (a display other than clamp scales the band by it) */
    for (int band = 0; band < 3; band++) {
        int r0 = (int)(t_rand(seed) % (uint32_t)oh), r1 = r0 + 1 + (int)(t_rand(seed) % (uint32_t)(oh - r0));
        if (band == 0) r0 = 0, r1 = oh; /* the whole, said as a band */
        const size_t bn = (size_t)(r1 - r0) * ow;
        float band_max = 0.0f;
        for (int ch = 0; ch < oc; ch++) {
            float m = cl_image_max_abs(z1 + ch * on + (size_t)r0 * ow, bn);
            if (m > band_max) band_max = m;
            memcpy(z2 + ch * bn, z1 + ch * on + (size_t)r0 * ow, bn * 4); /* the band's planes */
        }
        assert_int_equal(cl_image_to_rgba(z2, oc, r1 - r0, ow, display, want), CL_OK);
        float *zb = malloc(3 * bn * 4);
        memcpy(zb, z2, oc * bn * 4);
        const int drops[3] = {0, 1 + band % 2, 3}; /* x, z given or NULL */
        for (int d = 0; d < 3; d++) {
            const int drop = drops[d];
            memset(got, 0, 4 * on);
            memset(z2, 0, 3 * on * 4);
            max_abs = -1.0f;
            p.x = drop & 1 ? NULL : x2;
            p.z = drop & 2 ? NULL : z2;
            p.tmp = NULL;
            p.max_abs = &max_abs;
            p.row0 = r0, p.row1 = r1;
            assert_int_equal(cl_filter_rgba(&p), CL_OK);
            assert_equal_u8(got, want, 4 * bn);
            assert_same_f32(&max_abs, &band_max, 1);
            if (p.z) assert_same_f32(z2, zb, oc * bn);
            if (p.x) assert_same_f32(x2, x1, c * n);
        }
        free(zb);
    }
    p.row0 = p.row1 = 0;
    free(rgba); free(want); free(got); free(x1); free(x2); free(z1); free(z2); free(tmp);
}

static void check_filter(uint32_t *seed, int h, int w, int mode, int k1, int k2, int pad, int stride,
                         int display)
{
    check_filter_weights(seed, h, w, mode, k1, k2, pad, stride, display, 0.0f);
}

static void test_filter_rgba_matches_steps(void **state)
{
    (void)state;
    uint32_t seed = 4242;
    /* tall images make many strips; small ones one strip; reflect on tiny images folds */
    const int shapes[][2] = {{1, 1},   {2, 3},    {5, 7},    {33, 17},
                             {700, 9}, {90, 300}, {3, 1050}, {61, 1500}};
    for (int sh = 0; sh < 8; sh++)
        for (int mode = 0; mode < 4; mode++)
            for (int pad = 0; pad < 4; pad++)
                for (int s = 1; s <= 4; s += 1 + (sh % 2))
                    for (int d = 0; d < CL_DISPLAY_COUNT; d++) {
                        int k = 1 + (sh + mode + pad + s + d) % 7;
                        check_filter(&seed, shapes[sh][0], shapes[sh][1], mode, k, 1 + (k * 5) % 7,
                                     pad, s, d);
                    }
    check_filter(&seed, 700, 105, CL_FILTER_PER_CHANNEL, 15, 15, CL_PAD_REFLECT, 1, CL_DISPLAY_CLAMP);
    check_filter(&seed, 64, 64, CL_FILTER_SUM, 4, 6, CL_PAD_EDGE, 3, CL_DISPLAY_CLAMP);
}

/* The largest |value| of a result with NaN (an infinite weight times 0) and
 * infinite values: the NaN ignored, as cl_image_max_abs does, strip by strip
 * as over the whole planes; values above 255 too. */
static void test_max_abs_of_odd_values(void **state)
{
    (void)state;
    uint32_t seed = 77;
    const float odd[] = {INFINITY, -INFINITY, NAN, 1e30f, 300.0f};
    for (int i = 0; i < 5; i++)
        for (int d = 0; d < CL_DISPLAY_COUNT; d++) {
            check_filter_weights(&seed, 40, 23, CL_FILTER_GRAY, 3, 3, CL_PAD_ZERO, 1, d, odd[i]);
            check_filter_weights(&seed, 37, 19, CL_FILTER_PER_CHANNEL, 5, 3, CL_PAD_REFLECT, 2, d, odd[i]);
        }
}

/* Each argument refused with its status; x, z and tmp may be NULL. */
static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t px[64] = {0}, out[64];
    float x[48], z[48], tmp[16], wt[27] = {0};
    const cl_filter_params good = {px, 4, 4, CL_FILTER_PER_CHANNEL, wt, 1, 3, 3, 0.0f, CL_PAD_ZERO, 1,
                                   CL_DISPLAY_CLAMP, x, z, tmp, out, 4, 4, NULL, 0, 0};
    cl_filter_params p = good;
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    assert_int_equal(cl_filter_rgba(NULL), CL_ERR_NULL);
    p.mode = 4;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_ARG);
    p = good, p.rgba = NULL;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_NULL);
    p = good, p.out = NULL;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_NULL);
    p = good, p.wt = NULL;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_NULL);
    p = good, p.wt = NULL, p.mode = CL_FILTER_MAGNITUDE; /* the engine's own kernels */
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    /* x, z and tmp may be NULL: the engine uses its own buffers */
    p = good, p.mode = CL_FILTER_MAGNITUDE, p.x = p.z = p.tmp = NULL;
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    p = good, p.display = CL_DISPLAY_ABS_SCALED, p.x = p.z = p.tmp = NULL;
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    p = good, p.mode = CL_FILTER_SUM; /* one kernel for three planes */
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_CHANNELS);
    p = good, p.kc = 2;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_CHANNELS);
    p = good, p.display = CL_DISPLAY_DIVERGING; /* three planes */
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_CHANNELS);
    p = good, p.display = 9;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_ARG);
    p = good, p.oh = p.ow = 2;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_OUTPUT);
    p.pad = CL_PAD_VALID;
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
    p.h = p.w = 2, p.oh = p.ow = 1;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_KERNEL_TOO_BIG);
    p = good, p.stride = CL_MAX_STRIDE + 1;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_STRIDE);
    p = good, p.k1 = CL_MAX_KERNEL + 1;
    assert_int_equal(cl_filter_rgba(&p), CL_ERR_KERNEL_SIZE);
    /* a band of rows must be within the output, and not empty */
    const int bands[][2] = {{-1, 2}, {2, 2}, {3, 1}, {0, 5}, {4, 5}};
    for (int i = 0; i < 5; i++) {
        p = good, p.row0 = bands[i][0], p.row1 = bands[i][1];
        assert_int_equal(cl_filter_rgba(&p), CL_ERR_ARG);
    }
    p = good, p.row0 = 3, p.row1 = 4;
    assert_int_equal(cl_filter_rgba(&p), CL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_rgba_matches_steps),
        cmocka_unit_test(test_max_abs_of_odd_values),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
