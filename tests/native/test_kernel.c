/* test_kernel.c - preset kernels: their values, what they do to simple images
 * (a box blur keeps a constant image, Sobel finds a vertical step), and
 * normalisation, including kernels that sum to zero. */
#include "cl_conv.h"
#include "cl_kernel.h"
#include "cl_test.h"

#include <string.h>

static float sum_of(const float *k, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += k[i];
    return (float)s;
}

static void test_fixed_presets(void **state)
{
    (void)state;
    float k[9];
    const struct { int kind; float want[9]; } cases[] = {
        {CL_KERNEL_SOBEL_X, {1, 0, -1, 2, 0, -2, 1, 0, -1}},
        {CL_KERNEL_SOBEL_Y, {1, 2, 1, 0, 0, 0, -1, -2, -1}},
        {CL_KERNEL_SHARPEN, {0, -1, 0, -1, 5, -1, 0, -1, 0}},
        {CL_KERNEL_LAPLACIAN, {0, 1, 0, 1, -4, 1, 0, 1, 0}},
        {CL_KERNEL_EMBOSS, {-2, -1, 0, -1, 1, 1, 0, 1, 2}},
        {CL_KERNEL_IDENTITY, {0, 0, 0, 0, 1, 0, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(cl_kernel_preset(cases[i].kind, 3, 3, 0.0f, k), CL_OK);
        assert_close_f32(k, cases[i].want, 9, 0, 0);
    }
}

static void test_sized_presets(void **state)
{
    (void)state;
    float k[15 * 15];
    for (int k1 = 1; k1 <= 15; k1 += 2)
        for (int k2 = 1; k2 <= 15; k2 += 3) {
            int n = k1 * k2;
            assert_int_equal(cl_kernel_preset(CL_KERNEL_BOX, k1, k2, 0, k), CL_OK);
            for (int i = 0; i < n; i++) assert_true(k[i] == 1.0f / (float)n);
            assert_int_equal(cl_kernel_preset(CL_KERNEL_GAUSSIAN, k1, k2, 1.5f, k), CL_OK);
            assert_true(fabsf(sum_of(k, n) - 1.0f) < 1e-5f);
            /* symmetric about the centre, largest there */
            for (int a = 0; a < k1; a++)
                for (int b = 0; b < k2; b++) {
                    assert_true(fabsf(k[a * k2 + b] - k[(k1 - 1 - a) * k2 + (k2 - 1 - b)]) < 1e-7f);
                    assert_true(k[a * k2 + b] <= k[(k1 / 2) * k2 + k2 / 2]);
                }
            assert_int_equal(cl_kernel_preset(CL_KERNEL_IDENTITY, k1, k2, 0, k), CL_OK);
            assert_true(sum_of(k, n) == 1.0f);
            assert_true(k[((k1 - 1) / 2) * k2 + (k2 - 1) / 2] == 1.0f);
        }
    /* a wider Gaussian is flatter: its centre weight is smaller */
    float narrow[25], wide[25];
    cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, 0.5f, narrow);
    cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, 3.0f, wide);
    assert_true(narrow[12] > 0.6f && wide[12] < 0.06f);
}

static void test_box_blur_of_constant_is_constant(void **state)
{
    (void)state;
    enum { H = 9, W = 13 };
    float x[H * W], z[H * W], k[7 * 5];
    for (int i = 0; i < H * W; i++) x[i] = 173.0f;
    assert_int_equal(cl_kernel_preset(CL_KERNEL_BOX, 7, 5, 0, k), CL_OK);
    /* edge and reflect padding repeat the constant, so every output is the constant */
    for (int pad = CL_PAD_REFLECT; pad <= CL_PAD_EDGE; pad++) {
        int oh, ow;
        assert_int_equal(cl_conv_out_size(H, W, 7, 5, pad, 1, &oh, &ow), CL_OK);
        assert_int_equal(cl_conv2d_sum(x, 1, H, W, k, 7, 5, 0, pad, 1, z, oh, ow), CL_OK);
        for (int i = 0; i < oh * ow; i++) assert_true(fabsf(z[i] - 173.0f) < 173.0f * 1e-5f);
    }
    /* valid: the whole output; zero padding: only where the window is inside */
    assert_int_equal(cl_conv2d_sum(x, 1, H, W, k, 7, 5, 0, CL_PAD_VALID, 1, z, 3, 9), CL_OK);
    for (int i = 0; i < 3 * 9; i++) assert_true(fabsf(z[i] - 173.0f) < 173.0f * 1e-5f);
    assert_int_equal(cl_conv2d_sum(x, 1, H, W, k, 7, 5, 0, CL_PAD_ZERO, 1, z, H, W), CL_OK);
    assert_true(fabsf(z[4 * W + 6] - 173.0f) < 173.0f * 1e-5f);
    assert_true(z[0] < 100.0f); /* the corner's window is mostly zeros */
}

static void test_sobel_of_vertical_step(void **state)
{
    (void)state;
    /* dark left half (0), bright right half (255), the step between columns 4 and 5 */
    enum { H = 6, W = 10 };
    float x[H * W], gx[H * W], gy[H * W], mag[H * W], tmp[H * W], k[9];
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) x[r * W + c] = c >= 5 ? 255.0f : 0.0f;
    cl_kernel_preset(CL_KERNEL_SOBEL_X, 3, 3, 0, k);
    assert_int_equal(cl_conv2d_sum(x, 1, H, W, k, 3, 3, 0, CL_PAD_EDGE, 1, gx, H, W), CL_OK);
    cl_kernel_preset(CL_KERNEL_SOBEL_Y, 3, 3, 0, k);
    assert_int_equal(cl_conv2d_sum(x, 1, H, W, k, 3, 3, 0, CL_PAD_EDGE, 1, gy, H, W), CL_OK);
    assert_int_equal(cl_conv2d_gradient_magnitude(x, 1, H, W, CL_PAD_EDGE, 1, mag, H, W, tmp), CL_OK);
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            /* Gx = left column - right column, weights 1 2 1: -4 * 255 on both sides of the step */
            float want = (c == 4 || c == 5) ? -1020.0f : 0.0f;
            assert_true(gx[r * W + c] == want);
            assert_true(gy[r * W + c] == 0.0f); /* no horizontal edge */
            assert_true(mag[r * W + c] == fabsf(want));
        }
}

static void test_normalise(void **state)
{
    (void)state;
    float k[4] = {1, 2, 3, 4};
    int scaled = -1;
    assert_int_equal(cl_kernel_normalise(k, 2, 2, &scaled), CL_OK);
    assert_int_equal(scaled, 1);
    const float want[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    assert_close_f32(k, want, 4, 1e-6, 0);
    /* Sobel sums to zero and an all-zero kernel has nothing to divide: both stay as they are */
    float s[9];
    cl_kernel_preset(CL_KERNEL_SOBEL_X, 3, 3, 0, s);
    float before[9];
    memcpy(before, s, sizeof s);
    assert_int_equal(cl_kernel_normalise(s, 3, 3, &scaled), CL_OK);
    assert_int_equal(scaled, 0);
    assert_close_f32(s, before, 9, 0, 0);
    float zeros[4] = {0, 0, 0, 0};
    assert_int_equal(cl_kernel_normalise(zeros, 2, 2, &scaled), CL_OK);
    assert_int_equal(scaled, 0);
    for (int i = 0; i < 4; i++) assert_true(zeros[i] == 0.0f);
    /* a negative sum still normalises to +1 */
    float neg[2] = {-1, -3};
    assert_int_equal(cl_kernel_normalise(neg, 1, 2, NULL), CL_OK);
    assert_true(fabsf(neg[0] - 0.25f) < 1e-7f && fabsf(neg[1] - 0.75f) < 1e-7f);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    float k[16 * 16];
    assert_int_equal(cl_kernel_preset(CL_KERNEL_BOX, 3, 3, 0, NULL), CL_ERR_NULL);
    assert_int_equal(cl_kernel_preset(-1, 3, 3, 0, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_COUNT, 3, 3, 0, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_BOX, 0, 3, 0, k), CL_ERR_KERNEL_SIZE);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_BOX, 3, 16, 0, k), CL_ERR_KERNEL_SIZE);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_SOBEL_X, 5, 5, 0, k), CL_ERR_KERNEL_SIZE);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, 0.0f, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, -1.0f, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, NAN, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_preset(CL_KERNEL_GAUSSIAN, 5, 5, INFINITY, k), CL_ERR_ARG);
    assert_int_equal(cl_kernel_normalise(NULL, 3, 3, NULL), CL_ERR_NULL);
    assert_int_equal(cl_kernel_normalise(k, 0, 3, NULL), CL_ERR_KERNEL_SIZE);
    k[0] = NAN;
    assert_int_equal(cl_kernel_normalise(k, 1, 1, NULL), CL_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_presets),
        cmocka_unit_test(test_sized_presets),
        cmocka_unit_test(test_box_blur_of_constant_is_constant),
        cmocka_unit_test(test_sobel_of_vertical_step),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
