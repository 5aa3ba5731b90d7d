/* test_conv.c - convolution: the class's worked example by hand, the SIMD and
 * scalar planes against the reference on awkward sizes, and every bad argument. */
#include "cl_conv.h"
#include "cl_image.h"
#include "cl_kernel.h"
#include "cl_test.h"

#include <math.h>
#include <string.h>

static const float worked_w[9] = {0, 1, 2, 2, 2, 0, 0, 1, 2};
static const float dot_x[9] = {255, 255, 255, 255, 0, 255, 255, 255, 255};

static void test_worked_example_valid(void **state)
{
    (void)state;
    /* 255 * (sum of W = 10) - 255 * W[1,1] (the dark centre) = 2040 */
    float z[1] = {-1};
    int oh, ow;
    assert_int_equal(cl_conv_out_size(3, 3, 3, 3, CL_PAD_VALID, 1, &oh, &ow), CL_OK);
    assert_int_equal(oh, 1);
    assert_int_equal(ow, 1);
    assert_int_equal(cl_conv2d_sum(dot_x, 1, 3, 3, worked_w, 3, 3, 0.0f, CL_PAD_VALID, 1, z, 1, 1),
                     CL_OK);
    assert_true(z[0] == 2040.0f);
}

static void test_worked_example_zero_padding(void **state)
{
    (void)state;
    /* each computed by hand from Z[j1,j2] = sum W[k1,k2] X[j1+k1-1, j2+k2-1], zeros outside */
    const float want[9] = {765, 1530, 1275, 2040, 2040, 1020, 765, 1530, 1275};
    float z[9];
    assert_int_equal(cl_conv2d_sum(dot_x, 1, 3, 3, worked_w, 3, 3, 0.0f, CL_PAD_ZERO, 1, z, 3, 3),
                     CL_OK);
    assert_close_f32(z, want, 9, 0.0, 0.0);
}

static void test_worked_example_numbers(void **state)
{
    (void)state;
    /* a 4 x 4 matrix of small numbers; each output sum done by hand:
     * Z[0,0] = (0+2+6) + (0+2+0) + (0+0+2) = 12, Z[0,1] = 3 + 6 + 5 = 14, ... */
    const float x[16] = {1, 2, 3, 0, 0, 1, 2, 3, 3, 0, 1, 2, 2, 3, 0, 1};
    const float want[4] = {12, 14, 14, 12};
    float z[4], zs[4];
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, worked_w, 3, 3, 0.0f, CL_PAD_VALID, 1, z, 2, 2), CL_OK);
    assert_close_f32(z, want, 4, 0.0, 0.0);
    /* stride 2 keeps only Z[0,0]; bias is added once */
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, worked_w, 3, 3, 0.5f, CL_PAD_VALID, 2, zs, 1, 1), CL_OK);
    assert_true(zs[0] == 12.5f);
}

static void test_multichannel_sum_by_hand(void **state)
{
    (void)state;
    /* two channels, 1 x 1 kernels 2 and -1, bias 3: z = 2 a - b + 3 */
    const float x[2 * 4] = {1, 2, 3, 4, 10, 20, 30, 40};
    const float w[2] = {2, -1};
    const float want[4] = {2 - 10 + 3, 4 - 20 + 3, 6 - 30 + 3, 8 - 40 + 3};
    float z[4];
    assert_int_equal(cl_conv2d_sum(x, 2, 2, 2, w, 1, 1, 3.0f, CL_PAD_VALID, 1, z, 2, 2), CL_OK);
    assert_close_f32(z, want, 4, 0.0, 0.0);
}

static void test_padding_modes_by_hand(void **state)
{
    (void)state;
    /* a 1 x 3 kernel picking the left neighbour, on the row a b c = 1 2 3 */
    const float x[3] = {1, 2, 3};
    const float k[3] = {1, 0, 0};
    float z[3];
    const float want_zero[3] = {0, 1, 2}, want_reflect[3] = {2, 1, 2}, want_edge[3] = {1, 1, 2};
    assert_int_equal(cl_conv2d_sum(x, 1, 1, 3, k, 1, 3, 0, CL_PAD_ZERO, 1, z, 1, 3), CL_OK);
    assert_close_f32(z, want_zero, 3, 0, 0);
    assert_int_equal(cl_conv2d_sum(x, 1, 1, 3, k, 1, 3, 0, CL_PAD_REFLECT, 1, z, 1, 3), CL_OK);
    assert_close_f32(z, want_reflect, 3, 0, 0);
    assert_int_equal(cl_conv2d_sum(x, 1, 1, 3, k, 1, 3, 0, CL_PAD_EDGE, 1, z, 1, 3), CL_OK);
    assert_close_f32(z, want_edge, 3, 0, 0);
    /* reflect folds again when the padding is wider than the image: dcb|abcd|cba... */
    assert_int_equal(cl_pad_index(-1, 4, CL_PAD_REFLECT), 1);
    assert_int_equal(cl_pad_index(-3, 4, CL_PAD_REFLECT), 3);
    assert_int_equal(cl_pad_index(-4, 4, CL_PAD_REFLECT), 2);
    assert_int_equal(cl_pad_index(4, 4, CL_PAD_REFLECT), 2);
    assert_int_equal(cl_pad_index(7, 4, CL_PAD_REFLECT), 1);
    assert_int_equal(cl_pad_index(-5, 1, CL_PAD_REFLECT), 0);
    assert_int_equal(cl_pad_index(-2, 4, CL_PAD_EDGE), 0);
    assert_int_equal(cl_pad_index(9, 4, CL_PAD_EDGE), 3);
    assert_int_equal(cl_pad_index(-1, 4, CL_PAD_ZERO), -1);
}

static void test_out_size(void **state)
{
    (void)state;
    int oh, ow;
    /* the class's photo, 700 rows x 1050 columns, 3 x 3, "same", stride 1 */
    assert_int_equal(cl_conv_out_size(700, 1050, 3, 3, CL_PAD_ZERO, 1, &oh, &ow), CL_OK);
    assert_int_equal(oh, 700);
    assert_int_equal(ow, 1050);
    assert_int_equal(cl_conv_out_size(700, 1050, 3, 5, CL_PAD_VALID, 1, &oh, &ow), CL_OK);
    assert_int_equal(oh, 698);
    assert_int_equal(ow, 1046);
    /* (700 - 4 + 3) / 2 + 1 = 350 with an even kernel: 1 row before, 2 after */
    assert_int_equal(cl_conv_out_size(700, 1050, 4, 4, CL_PAD_EDGE, 2, &oh, &ow), CL_OK);
    assert_int_equal(oh, 350);
    assert_int_equal(ow, 525);
    assert_int_equal(cl_conv_pad_before(4, CL_PAD_EDGE), 1);
    assert_int_equal(cl_conv_out_size(5, 5, 3, 3, CL_PAD_VALID, 4, &oh, &ow), CL_OK);
    assert_int_equal(oh, 1);
    assert_int_equal(ow, 1);
}

static const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33};
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])

/* A whole-plane job: output rows row0..row1-1 of x (h x w) into z (oh x ow). */
static cl_plane_job whole(const float *x, int h, int w, const float *wt, int k1, int k2, float bias,
                          int pad, int stride, int acc, float *z, int oh, int ow, int row0, int row1)
{
    const cl_plane_job job = {x, h, w, h, wt, k1, k2, pad, stride, acc, bias, z, oh, ow, 0, row0, row1};
    return job;
}

/* The rows [lo, hi) of an h x w plane that output rows r0..r1-1 read, after padding. */
static void rows_read(int h, int k1, int pad, int stride, int r0, int r1, int *lo, int *hi)
{
    int p1 = cl_conv_pad_before(k1, pad), a = h, b = 0;
    for (int j1 = r0; j1 < r1; j1++)
        for (int t = 0; t < k1; t++) {
            int iy = cl_pad_index(j1 * stride - p1 + t, h, pad);
            if (iy >= 0 && iy < a) a = iy;
            if (iy >= 0 && iy + 1 > b) b = iy + 1;
        }
    *lo = a < b ? a : 0;
    *hi = a < b ? b : 0;
}

/* Runs one case through ref, scalar and SIMD planes (fresh and accumulating)
 * and the public calls; all must agree exactly: they add in the same order. */
static void check_case(uint32_t *seed, int c, int h, int w, int k1, int k2, int pad, int stride)
{
    int oh, ow;
    cl_status st = cl_conv_out_size(h, w, k1, k2, pad, stride, &oh, &ow);
    if (st == CL_ERR_KERNEL_TOO_BIG) {
        assert_true(pad == CL_PAD_VALID && (k1 > h || k2 > w));
        return;
    }
    assert_int_equal(st, CL_OK);
    size_t nx = (size_t)c * h * w, nk = (size_t)c * k1 * k2, nz = (size_t)oh * ow;
    float *x = malloc(nx * sizeof *x), *wt = malloc(nk * sizeof *wt);
    float *zref = malloc(c * nz * sizeof(float)), *zgot = malloc(c * nz * sizeof(float));
    for (size_t i = 0; i < nx; i++) x[i] = (float)(t_rand(seed) % 256);
    for (size_t i = 0; i < nk; i++) wt[i] = t_uniform(seed, -1.0f, 1.0f);
    /* no bias (-0, where the vector loops start at the first term), a bias of +0
     * (which turns a -0 sum into +0), or any bias */
    const uint32_t kind = t_rand(seed) % 3;
    float bias = kind == 0 ? -0.0f : kind == 1 ? 0.0f : t_uniform(seed, -2.0f, 2.0f);

    const cl_plane_fn fast[2] = {cl_f32_conv2d_plane_scalar, cl_f32_conv2d_plane_wasmsimd};
    for (int f = 0; f < 2; f++) {
        for (int acc = 0; acc < 2; acc++) {
            for (size_t i = 0; i < nz; i++) zref[i] = zgot[i] = (float)i;
            cl_plane_job job = whole(x, h, w, wt, k1, k2, bias, pad, stride, acc, zref, oh, ow, 0, oh);
            cl_f32_conv2d_plane_ref(&job);
            job.z = zgot;
            fast[f](&job);
            assert_same_f32(zgot, zref, nz);
            /* the same rows computed in two ranges, split at an arbitrary row */
            int split = (int)(t_rand(seed) % (uint32_t)(oh + 1));
            for (size_t i = 0; i < nz; i++) zgot[i] = (float)i;
            job.row0 = split;
            job.row1 = oh;
            fast[f](&job);
            job.row0 = 0;
            job.row1 = split;
            fast[f](&job);
            assert_same_f32(zgot, zref, nz);
            /* rows r0..r1-1 from a ring holding only the input rows they read
             * (x_ring), into a buffer of only those output rows (z_row0), by all three */
            int r0 = (int)(t_rand(seed) % (uint32_t)oh);
            int r1 = r0 + 1 + (int)(t_rand(seed) % (uint32_t)(oh - r0));
            int lo, hi;
            rows_read(h, k1, pad, stride, r0, r1, &lo, &hi);
            int ring = hi - lo + (int)(t_rand(seed) % 3);
            if (ring < 1) ring = 1;
            float *xs = malloc((size_t)ring * w * sizeof *xs);
            float *zs = malloc((size_t)(r1 - r0) * ow * sizeof *zs);
            for (size_t i = 0; i < (size_t)ring * w; i++) xs[i] = NAN; /* rows not read */
            for (int iy = lo; iy < hi; iy++)
                memcpy(xs + (size_t)(iy % ring) * w, x + (size_t)iy * w, (size_t)w * sizeof *xs);
            memcpy(zs, zref + (size_t)r0 * ow, (size_t)(r1 - r0) * ow * sizeof *zs);
            if (acc) /* accumulate onto what a first pass left, as the summed mode does */
                for (size_t i = 0; i < (size_t)(r1 - r0) * ow; i++) zs[i] = (float)(i + (size_t)r0 * ow);
            const cl_plane_job win = {xs, h, w, ring, wt, k1, k2, pad, stride, acc, bias,
                                      zs, oh, ow, r0, r0, r1};
            const cl_plane_fn all[3] = {cl_f32_conv2d_plane_ref, cl_f32_conv2d_plane_scalar,
                                        cl_f32_conv2d_plane_wasmsimd};
            float *zs2 = malloc((size_t)(r1 - r0) * ow * sizeof *zs2);
            for (int g = 0; g < 3; g++) {
                memcpy(zs2, zs, (size_t)(r1 - r0) * ow * sizeof *zs2);
                cl_plane_job wj = win;
                wj.z = zs2;
                all[g](&wj);
                assert_same_f32(zs2, zref + (size_t)r0 * ow, (size_t)(r1 - r0) * ow);
            }
            free(xs);
            free(zs);
            free(zs2);
        }
    }
    /* multi-channel sum */
    for (int ch = 0; ch < c; ch++)
    {
        cl_plane_job job = whole(x + ch * (size_t)h * w, h, w, wt + ch * (size_t)k1 * k2, k1, k2,
                                 bias, pad, stride, ch > 0, zref, oh, ow, 0, oh);
        cl_f32_conv2d_plane_ref(&job);
    }
    assert_int_equal(cl_conv2d_sum(x, c, h, w, wt, k1, k2, bias, pad, stride, zgot, oh, ow), CL_OK);
    assert_same_f32(zgot, zref, nz);
    /* per channel, each with its own kernel */
    for (int ch = 0; ch < c; ch++)
    {
        cl_plane_job job = whole(x + ch * (size_t)h * w, h, w, wt + ch * (size_t)k1 * k2, k1, k2,
                                 -0.0f, pad, stride, 0, zref + ch * nz, oh, ow, 0, oh);
        cl_f32_conv2d_plane_ref(&job);
    }
    assert_int_equal(cl_conv2d_per_channel(x, c, h, w, wt, c, k1, k2, pad, stride, zgot, oh, ow),
                     CL_OK);
    assert_same_f32(zgot, zref, c * nz);
    free(x);
    free(wt);
    free(zref);
    free(zgot);
}

static void test_fast_matches_reference_all_sizes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    int n = 0;
    /* every image size pair x every padding x every stride, kernel sides cycling
     * through 1..15 in both directions, channels 1..4 */
    for (int a = 0; a < NSIZES; a++)
        for (int b = 0; b < NSIZES; b++)
            for (int pad = 0; pad < 4; pad++)
                for (int s = 1; s <= 4; s++)
                    for (int k = 1; k <= 15; k += 2) {
                        int k1 = k, k2 = ((k + a + b + s) % 15) + 1;
                        check_case(&seed, 1 + n % 4, sizes[a], sizes[b], k1, k2, pad, s);
                        n++;
                    }
    assert_true(n > 9000);
}

static void test_fast_matches_reference_all_kernels(void **state)
{
    (void)state;
    uint32_t seed = 777;
    /* every K1 x K2 from 1 x 1 to 15 x 15 on sizes smaller than, equal to and
     * larger than the kernel */
    const int shapes[][2] = {{17, 33}, {9, 5}, {15, 16}};
    for (int sh = 0; sh < 3; sh++)
        for (int k1 = 1; k1 <= 15; k1++)
            for (int k2 = 1; k2 <= 15; k2++)
                for (int pad = 0; pad < 4; pad++)
                    for (int s = 1; s <= 4; s += (sh == 0 ? 1 : 3))
                        check_case(&seed, 1 + (k1 + k2) % 4, shapes[sh][0], shapes[sh][1], k1, k2,
                                   pad, s);
}

static void test_large_image_matches_reference(void **state)
{
    (void)state;
    uint32_t seed = 99;
    /* a photo-sized strip: long rows exercise the 8-wide loop and its tails */
    check_case(&seed, 3, 37, 1050, 3, 3, CL_PAD_ZERO, 1);
    check_case(&seed, 3, 20, 701, 7, 7, CL_PAD_REFLECT, 1);
    check_case(&seed, 1, 16, 523, 15, 15, CL_PAD_EDGE, 2);
}

/* A window of rows kept in a ring (x_ring rows, row iy at iy % x_ring), as the
 * pages' strips do: the vector loops take several output rows at once where
 * their input rows lie evenly spaced in memory, so the ring's wrap is put at
 * every place inside such a group of rows, for 3 x 3 and larger kernels,
 * fresh and accumulating, against the reference. */
static void test_ring_wrap_inside_row_groups(void **state)
{
    (void)state;
    enum { H = 14, W = 23 };
    uint32_t seed = 4242;
    float x[H * W], wt[49], ring[H * W], zref[H * W], zgot[H * W];
    for (int i = 0; i < H * W; i++) x[i] = (float)(t_rand(&seed) % 256);
    for (int i = 0; i < 49; i++) wt[i] = t_uniform(&seed, -1.0f, 1.0f);
    const cl_plane_fn fns[2] = {cl_f32_conv2d_plane_scalar, cl_f32_conv2d_plane_wasmsimd};
    int cases = 0;
    for (int k = 3; k <= 7; k += 2)
        for (int pad = 0; pad < 4; pad++)
            for (int acc = 0; acc < 2; acc++) {
                int oh, ow;
                assert_int_equal(cl_conv_out_size(H, W, k, k, pad, 1, &oh, &ow), CL_OK);
                for (int r0 = 0; r0 < oh; r0++) {
                    int lo, hi;
                    rows_read(H, k, pad, 1, r0, oh, &lo, &hi);
                    /* exactly the rows read: lo lands at lo % n, and the
                     * rows after it wrap to the ring's start */
                    const int n = hi - lo;
                    for (int i = 0; i < H * W; i++) ring[i] = NAN;
                    for (int iy = lo; iy < hi; iy++)
                        memcpy(ring + (size_t)(iy % n) * W, x + (size_t)iy * W, W * sizeof *x);
                    for (int i = 0; i < oh * ow; i++) zref[i] = zgot[i] = (float)i - 7.5f;
                    const cl_plane_job ref = {x, H, W, H, wt, k, k, pad, 1, acc, 0.25f,
                                              zref, oh, ow, 0, r0, oh};
                    cl_f32_conv2d_plane_ref(&ref);
                    for (int f = 0; f < 2; f++) {
                        for (int i = 0; i < oh * ow; i++) zgot[i] = (float)i - 7.5f;
                        const cl_plane_job win = {ring, H, W, n, wt, k, k, pad, 1, acc, 0.25f,
                                                  zgot + (size_t)r0 * ow, oh, ow, r0, r0, oh};
                        fns[f](&win);
                        assert_same_f32(zgot, zref, (size_t)oh * ow);
                        cases++;
                    }
                }
            }
    assert_true(cases > 300);
}

/* Signed zeros: on a black image with negative weights every product is -0.
 * A bias of +0 makes each sum +0; no bias (-0) leaves it -0, in all three
 * implementations, on the border and inside, for 3 x 3 and other sizes. */
static void test_signed_zero_sums(void **state)
{
    (void)state;
    enum { H = 9, W = 13 };
    float x[H * W] = {0}, wt[25], z[H * W];
    for (int i = 0; i < 25; i++) wt[i] = -0.5f - (float)i;
    const cl_plane_fn fns[3] = {cl_f32_conv2d_plane_ref, cl_f32_conv2d_plane_scalar,
                                cl_f32_conv2d_plane_wasmsimd};
    for (int k = 1; k <= 5; k += 2)
        for (int b = 0; b < 2; b++)
            for (int f = 0; f < 3; f++) {
                const float bias = b ? 0.0f : -0.0f;
                const cl_plane_job job = {x, H, W, H, wt, k, k, CL_PAD_ZERO, 1, 0, bias, z, H, W, 0, 0, H};
                for (int i = 0; i < H * W; i++) z[i] = 1.0f;
                fns[f](&job);
                for (int i = 0; i < H * W; i++) {
                    assert_true(z[i] == 0.0f);
                    assert_int_equal(signbit(z[i]) != 0, !b);
                }
            }
    /* the per-channel call adds no bias: its sums of -0 stay -0 */
    assert_int_equal(cl_conv2d_per_channel(x, 1, H, W, wt, 1, 3, 3, CL_PAD_ZERO, 1, z, H, W), CL_OK);
    for (int i = 0; i < H * W; i++) assert_true(z[i] == 0.0f && signbit(z[i]));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    float x[16] = {0}, w[9] = {0}, z[16], tmp[16];
    int oh, ow;
    assert_int_equal(cl_conv_out_size(4, 4, 3, 3, 0, 1, NULL, &ow), CL_ERR_NULL);
    assert_int_equal(cl_conv_out_size(0, 4, 3, 3, 0, 1, &oh, &ow), CL_ERR_SIZE);
    assert_int_equal(cl_conv_out_size(4, -1, 3, 3, 0, 1, &oh, &ow), CL_ERR_SIZE);
    assert_int_equal(cl_conv_out_size(CL_MAX_DIM + 1, 4, 3, 3, 0, 1, &oh, &ow), CL_ERR_SIZE);
    assert_int_equal(cl_conv_out_size(4, 4, 0, 3, 0, 1, &oh, &ow), CL_ERR_KERNEL_SIZE);
    assert_int_equal(cl_conv_out_size(4, 4, 3, 16, 0, 1, &oh, &ow), CL_ERR_KERNEL_SIZE);
    assert_int_equal(cl_conv_out_size(4, 4, 3, 3, 0, 0, &oh, &ow), CL_ERR_STRIDE);
    assert_int_equal(cl_conv_out_size(4, 4, 3, 3, 0, 5, &oh, &ow), CL_ERR_STRIDE);
    assert_int_equal(cl_conv_out_size(4, 4, 3, 3, 4, 1, &oh, &ow), CL_ERR_PADDING);
    assert_int_equal(cl_conv_out_size(4, 4, 3, 3, -1, 1, &oh, &ow), CL_ERR_PADDING);
    assert_int_equal(cl_conv_out_size(2, 4, 3, 3, CL_PAD_VALID, 1, &oh, &ow), CL_ERR_KERNEL_TOO_BIG);
    /* the same kernel is fine once padded */
    assert_int_equal(cl_conv_out_size(2, 4, 3, 3, CL_PAD_ZERO, 1, &oh, &ow), CL_OK);

    assert_int_equal(cl_conv2d_sum(NULL, 1, 4, 4, w, 3, 3, 0, 0, 1, z, 2, 2), CL_ERR_NULL);
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, NULL, 3, 3, 0, 0, 1, z, 2, 2), CL_ERR_NULL);
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, w, 3, 3, 0, 0, 1, NULL, 2, 2), CL_ERR_NULL);
    assert_int_equal(cl_conv2d_sum(x, 0, 4, 4, w, 3, 3, 0, 0, 1, z, 2, 2), CL_ERR_CHANNELS);
    assert_int_equal(cl_conv2d_sum(x, CL_MAX_CONV_CHANNELS + 1, 4, 4, w, 3, 3, 0, 0, 1, z, 2, 2),
                     CL_ERR_CHANNELS);
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, w, 3, 3, 0, 0, 1, z, 3, 2), CL_ERR_OUTPUT);
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, w, 3, 3, 0, 0, 1, z, 2, 4), CL_ERR_OUTPUT);
    assert_int_equal(cl_conv2d_sum(x, 1, 2, 2, w, 3, 3, 0, 0, 1, z, 1, 1), CL_ERR_KERNEL_TOO_BIG);
    assert_int_equal(cl_conv2d_per_channel(x, 2, 2, 2, w, 3, 1, 1, 0, 1, z, 2, 2), CL_ERR_CHANNELS);
    assert_int_equal(cl_conv2d_per_channel(x, 1, 4, 4, w, 1, 3, 3, 0, 9, z, 2, 2), CL_ERR_STRIDE);
    assert_int_equal(cl_conv2d_gradient_magnitude(x, 1, 4, 4, 0, 1, z, 2, 2, NULL), CL_ERR_NULL);
    assert_int_equal(cl_conv2d_gradient_magnitude(x, 1, 4, 4, 7, 1, z, 2, 2, tmp), CL_ERR_PADDING);
    /* nothing was written by a refused call */
    for (int i = 0; i < 4; i++) z[i] = 42.0f;
    assert_int_equal(cl_conv2d_sum(x, 1, 4, 4, w, 3, 3, 0, 0, 1, z, 2, 3), CL_ERR_OUTPUT);
    for (int i = 0; i < 4; i++) assert_true(z[i] == 42.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example_valid),
        cmocka_unit_test(test_worked_example_zero_padding),
        cmocka_unit_test(test_worked_example_numbers),
        cmocka_unit_test(test_multichannel_sum_by_hand),
        cmocka_unit_test(test_padding_modes_by_hand),
        cmocka_unit_test(test_out_size),
        cmocka_unit_test(test_fast_matches_reference_all_sizes),
        cmocka_unit_test(test_fast_matches_reference_all_kernels),
        cmocka_unit_test(test_large_image_matches_reference),
        cmocka_unit_test(test_ring_wrap_inside_row_groups),
        cmocka_unit_test(test_signed_zero_sums),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("conv", tests, NULL, NULL);
}
