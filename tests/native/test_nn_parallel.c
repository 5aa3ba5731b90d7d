/* test_nn_parallel.c - data-parallel training through the model's API
 * (cl_nn.h, "data-parallel training"): one part of a batch is exactly
 * cl_nn_train_step_idx; parts of a batch computed on separate engines sum to
 * the whole batch's gradient (a double-precision sum of per-example gradients
 * is the oracle); the combine is the plain in-order sum, bit for bit; a run
 * over W engines is the same bits run after run and stays close to W = 1. */
#include "cl_nn.h"
#include "cl_test.h"

#include <string.h>

enum { N = 96, SIDE = 8, PIX = SIDE * SIDE };

static const char *SPECS[] = {
    "conv3x3x4-relu-maxpool2-dense4-softmax",
    "dense16-relu-dense4-softmax",
    "conv3x3x3p1-tanh-avgpool2-dense4-sigmoid",
    "dense8-tanh-dense4",
};
enum { NSPECS = sizeof SPECS / sizeof SPECS[0] };

static cl_nn *make(const char *spec, int opt)
{
    cl_nn *m;
    char err[200];
    assert_int_equal(cl_nn_create(&m, spec, 1, SIDE, SIDE, 17, err, sizeof err), CL_OK);
    assert_int_equal(cl_nn_set_optimizer(m, opt, 0.02f, 0.9f, 0.001f), CL_OK);
    return m;
}

static size_t floats(const cl_nn *m) { return (size_t)cl_nn_param_floats(m); }

/* One data-parallel step over w engines: engine k takes examples
 * [k B / w, (k + 1) B / w) of the batch; engine 0 sums the parts in order,
 * steps, and the others take its parameters. */
static cl_status parallel_step(cl_nn **e, int w, const uint8_t *img, const uint8_t *lab,
                               const int32_t *idx, int b)
{
    float *part = malloc(floats(e[0]) * sizeof(float));
    for (int k = 0; k < w; k++) {
        int lo = k * b / w, hi = (k + 1) * b / w;
        assert_int_equal(cl_nn_gradients_idx(e[k], img, lab, idx + lo, hi - lo, b), CL_OK);
    }
    for (int k = 1; k < w; k++) {
        memcpy(part, cl_nn_grads(e[k]), floats(e[0]) * sizeof(float)); /* what a message carries */
        assert_int_equal(cl_nn_add_gradients(e[0], part), CL_OK);
    }
    cl_status st = cl_nn_apply_gradients(e[0]);
    for (int k = 1; k < w; k++) memcpy(cl_nn_params(e[k]), cl_nn_params(e[0]), floats(e[0]) * sizeof(float));
    free(part);
    return st;
}

/* 3 epochs of batches of 16 (the last of each epoch 6 examples short: 96 = 5 x 16 + 16). */
static void run(cl_nn **e, int w, int steps_per_epoch_short)
{
    uint8_t img[N * PIX], lab[N];
    t_squares(img, lab, N, 5);
    int32_t order[N];
    for (int ep = 0; ep < 3; ep++) {
        cl_nn_shuffle(e[0], order, N);
        for (int i = 0; i < N; i += 16) {
            int b = steps_per_epoch_short && i + 16 >= N ? 10 : 16;
            if (w == 0) assert_int_equal(cl_nn_train_step_idx(e[0], img, lab, order + i, b), CL_OK);
            else assert_int_equal(parallel_step(e, w, img, lab, order + i, b), CL_OK);
        }
    }
}

/* One part (W = 1) is cl_nn_train_step_idx bit for bit, for every optimiser and loss. */
static void test_one_part_is_train_step(void **state)
{
    (void)state;
    for (int s = 0; s < NSPECS; s++)
        for (int opt = CL_OPT_SGD; opt <= CL_OPT_ADAM; opt++) {
            cl_nn *a = make(SPECS[s], opt), *b = make(SPECS[s], opt);
            run(&a, 0, 1);
            run(&b, 1, 1);
            assert_int_equal(cl_nn_param_floats(a), cl_nn_param_floats(b));
            assert_same_f32(cl_nn_params(b), cl_nn_params(a), floats(a));
            assert_true(cl_nn_loss(a) == cl_nn_loss(b));
            assert_int_equal(cl_nn_steps(a), cl_nn_steps(b));
            assert_int_equal(cl_nn_steps(a), 18);
            cl_nn_free(a);
            cl_nn_free(b);
        }
}

/* The parts' gradients, summed, are the batch's: against the sum in double of
 * one-example gradients (each the mean over the batch: batch = 16). */
static void test_parts_sum_to_batch_gradient(void **state)
{
    (void)state;
    uint8_t img[N * PIX], lab[N];
    t_squares(img, lab, N, 8);
    int32_t idx[16];
    for (int i = 0; i < 16; i++) idx[i] = (i * 37) % N;
    for (int s = 0; s < NSPECS; s++) {
        cl_nn *m = make(SPECS[s], CL_OPT_SGD);
        const size_t P = floats(m);
        double *want = calloc(P, sizeof(double));
        for (int i = 0; i < 16; i++) {
            assert_int_equal(cl_nn_gradients_idx(m, img, lab, idx + i, 1, 16), CL_OK);
            for (size_t j = 0; j < P; j++) want[j] += cl_nn_grads(m)[j];
        }
        float *wantf = malloc(P * sizeof(float)), *whole = malloc(P * sizeof(float));
        for (size_t j = 0; j < P; j++) wantf[j] = (float)want[j];
        assert_int_equal(cl_nn_gradients_idx(m, img, lab, idx, 16, 16), CL_OK);
        memcpy(whole, cl_nn_grads(m), P * sizeof(float));
        assert_close_f32(whole, wantf, P, 1e-5, 1e-7);
        for (int w = 2; w <= 5; w++) {
            cl_nn *e[5];
            for (int k = 0; k < w; k++) e[k] = make(SPECS[s], CL_OPT_SGD);
            for (int k = 0; k < w; k++) {
                int lo = k * 16 / w, hi = (k + 1) * 16 / w;
                assert_int_equal(cl_nn_gradients_idx(e[k], img, lab, idx + lo, hi - lo, 16), CL_OK);
            }
            /* the combine is the plain in-order sum, bit for bit */
            float *naive = malloc(P * sizeof(float));
            memcpy(naive, cl_nn_grads(e[0]), P * sizeof(float));
            for (int k = 1; k < w; k++) {
                for (size_t j = 0; j < P; j++) naive[j] += cl_nn_grads(e[k])[j];
                assert_int_equal(cl_nn_add_gradients(e[0], cl_nn_grads(e[k])), CL_OK);
            }
            assert_same_f32(cl_nn_grads(e[0]), naive, P);
            assert_close_f32(cl_nn_grads(e[0]), wantf, P, 1e-5, 1e-7);
            for (int k = 0; k < w; k++) cl_nn_free(e[k]);
            free(naive);
        }
        cl_nn_free(m);
        free(want), free(wantf), free(whole);
    }
}

/* W engines: the same bits run after run; within a stated tolerance of W = 1
 * after 18 steps (the sums over the batch in another order). */
static void test_parallel_runs_reproducible(void **state)
{
    (void)state;
    for (int s = 0; s < NSPECS; s++)
        for (int opt = CL_OPT_SGD; opt <= CL_OPT_ADAM; opt += 2)
            for (int w = 2; w <= 3; w++) {
                cl_nn *one = make(SPECS[s], opt), *a[3], *b[3];
                for (int k = 0; k < w; k++) a[k] = make(SPECS[s], opt), b[k] = make(SPECS[s], opt);
                run(&one, 1, 0);
                run(a, w, 0);
                run(b, w, 0);
                const size_t P = floats(one);
                assert_same_f32(cl_nn_params(b[0]), cl_nn_params(a[0]), P);
                for (int k = 1; k < w; k++) assert_same_f32(cl_nn_params(a[k]), cl_nn_params(a[0]), P);
                /* Adam divides by sqrt(m2): a tiny gradient's rounding moves a weight
                 * by up to lr, so its tolerance is wider */
                assert_close_f32(cl_nn_params(a[0]), cl_nn_params(one), P, 1e-3,
                                 opt == CL_OPT_ADAM ? 2e-3 : 1e-5);
                cl_nn_free(one);
                for (int k = 0; k < w; k++) cl_nn_free(a[k]), cl_nn_free(b[k]);
            }
}

static void test_parallel_arguments(void **state)
{
    (void)state;
    cl_nn *m = make(SPECS[1], CL_OPT_SGD);
    uint8_t img[4 * PIX] = {0}, lab[4] = {0, 1, 2, 3}, bad[4] = {0, 1, 2, 9};
    const int32_t idx[4] = {0, 1, 2, 3};
    assert_int_equal(cl_nn_gradients_idx(m, img, lab, idx, 4, 3), CL_ERR_SIZE); /* batch < n */
    assert_int_equal(cl_nn_gradients_idx(m, img, lab, idx, 4, CL_NN_MAX_BATCH + 1), CL_ERR_SIZE);
    assert_int_equal(cl_nn_gradients_idx(m, img, bad, idx, 4, 8), CL_ERR_ARG);
    assert_int_equal(cl_nn_gradients_idx(m, NULL, lab, idx, 4, 8), CL_ERR_NULL);
    assert_int_equal(cl_nn_add_gradients(m, NULL), CL_ERR_NULL);
    assert_int_equal(cl_nn_add_gradients(NULL, (const float *)(const void *)idx), CL_ERR_NULL);
    assert_int_equal(cl_nn_apply_gradients(NULL), CL_ERR_NULL);
    assert_null(cl_nn_params(NULL));
    assert_null(cl_nn_grads(NULL));
    assert_int_equal(cl_nn_param_floats(NULL), 0);
    /* the block: every layer's weights, then the biases; at least the parameters */
    assert_true(cl_nn_param_floats(m) >= cl_nn_param_count(m));
    assert_ptr_equal(cl_nn_params(m), cl_nn_layer_weights(m, 1));
    float *before = cl_nn_params(m);
    assert_int_equal(cl_nn_gradients_idx(m, img, lab, idx, 4, 8), CL_OK);
    assert_int_equal(cl_nn_steps(m), 0);
    assert_int_equal(cl_nn_apply_gradients(m), CL_OK);
    assert_int_equal(cl_nn_steps(m), 1);
    assert_ptr_equal(cl_nn_params(m), cl_nn_layer_weights(m, 1));
    assert_true(cl_nn_params(m) != before);
    /* a gradient that is not finite: diverged, nothing changes */
    float keep[64];
    memcpy(keep, cl_nn_params(m), sizeof keep);
    cl_nn_grads(m)[3] = 1e38f;
    cl_nn_grads(m)[4] = -INFINITY;
    assert_int_equal(cl_nn_apply_gradients(m), CL_ERR_DIVERGED);
    assert_same_f32(cl_nn_params(m), keep, 64);
    assert_int_equal(cl_nn_steps(m), 1);
    cl_nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_part_is_train_step),
        cmocka_unit_test(test_parts_sum_to_batch_gradient),
        cmocka_unit_test(test_parallel_runs_reproducible),
        cmocka_unit_test(test_parallel_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
