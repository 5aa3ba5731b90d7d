/* test_nn_split.c - model-parallel training through the model's API (cl_nn.h,
 * "model-parallel training"): a batch over W engines that split the units of
 * layer 1 gives, collected (each engine's own rows of layer 1, the rest from
 * any of them), cl_nn_train_step_idx's parameters bit for bit, for W = 1, 2,
 * 3 and 5 (uneven ranges, so the GEMMs' edge tiles are split too), every
 * activation, optimiser and loss; the loss and the count of correct answers
 * are the batch's; a network that cannot be split is refused; a step that
 * diverges changes nothing, and a step taken is taken back by undo. */
#include "cl_nn.h"
#include "cl_test.h"

#include <string.h>

enum { N = 96, SIDE = 8, PIX = SIDE * SIDE, MAXW = 5 };

static const char *SPECS[] = {
    "dense19-relu-dense4-softmax",
    "dense13-tanh-dense4",
    "dense12-sigmoid-dense6-relu-dense4-softmax",
    "dense9-relu-dense4-sigmoid",
};
enum { NSPECS = sizeof SPECS / sizeof SPECS[0] };

static cl_nn *make(const char *spec, int opt)
{
    cl_nn *m;
    char err[200];
    assert_int_equal(cl_nn_create(&m, spec, 1, SIDE, SIDE, 17, err, sizeof err), CL_OK);
    assert_int_equal(cl_nn_set_optimizer(m, opt, 0.05f, 0.9f, 0.001f), CL_OK);
    return m;
}

/* Units [u[k], u[k + 1]) for engine k of w: uneven, the first ones larger. */
static void ranges(int units, int w, int *u)
{
    u[0] = 0;
    for (int k = 1; k <= w; k++) u[k] = u[k - 1] + units / w + (k <= units % w);
}

/* One split step over w engines; returns the first engine's status. */
static cl_status split_step(cl_nn **e, int w, const int *u, const uint8_t *img, const uint8_t *lab,
                            const int32_t *idx, int b)
{
    const int units = cl_nn_split_units(e[0]);
    for (int k = 0; k < w; k++)
        assert_int_equal(cl_nn_split_forward(e[k], img, lab, idx, b, u[k], u[k + 1]), CL_OK);
    for (int k = 0; k < w; k++)
        for (int j = 0; j < w; j++) {
            if (j == k) continue;
            const float *from = cl_nn_split_values(e[k]);
            float *to = cl_nn_split_values(e[j]);
            for (int r = 0; r < b; r++)
                memcpy(to + (size_t)r * units + u[k], from + (size_t)r * units + u[k],
                       (size_t)(u[k + 1] - u[k]) * sizeof(float));
        }
    cl_status st = CL_OK;
    for (int k = 0; k < w; k++) {
        cl_status s = cl_nn_split_step(e[k], b, u[k], u[k + 1]);
        if (k == 0) st = s;
        else assert_int_equal(s, st);
    }
    return st;
}

/* The parameters the engines hold between them: engine 0's, with each
 * engine's own rows and biases of layer 1. */
static float *collected(cl_nn **e, int w, const int *u)
{
    const size_t P = (size_t)cl_nn_param_floats(e[0]);
    float *all = malloc(P * sizeof(float));
    memcpy(all, cl_nn_params(e[0]), P * sizeof(float));
    const int in = cl_nn_layer_weight_shape(e[0], 1, 1);
    for (int k = 1; k < w; k++) {
        const float *p = cl_nn_params(e[k]);
        const size_t wo = (size_t)(cl_nn_layer_weights(e[k], 1) - p), bo = (size_t)(cl_nn_layer_bias(e[k], 1) - p);
        memcpy(all + wo + (size_t)u[k] * in, p + wo + (size_t)u[k] * in, (size_t)(u[k + 1] - u[k]) * in * sizeof(float));
        memcpy(all + bo + u[k], p + bo + u[k], (size_t)(u[k + 1] - u[k]) * sizeof(float));
    }
    return all;
}

/* Engine 0 takes every other engine's rows of layer 1 with their optimiser
 * state (cl_nn_split_get_rows, cl_nn_split_set_rows). */
static void gather_rows(cl_nn **e, int w, const int *u)
{
    for (int k = 1; k < w; k++) {
        const int n = cl_nn_split_rows_floats(e[k], u[k], u[k + 1]);
        assert_int_equal(n, cl_nn_split_rows_floats(e[0], u[k], u[k + 1]));
        float *rows = malloc((size_t)n * sizeof(float));
        assert_int_equal(cl_nn_split_get_rows(e[k], u[k], u[k + 1], rows), CL_OK);
        assert_int_equal(cl_nn_split_set_rows(e[0], u[k], u[k + 1], rows), CL_OK);
        free(rows);
    }
}

/* 3 epochs of batches of 16, the last of each 10: W engines against one;
 * then engine 0, given the others' rows, trains on alone as the one would. */
static void test_split_is_train_step(void **state)
{
    (void)state;
    uint8_t img[N * PIX], lab[N];
    t_squares(img, lab, N, 5);
    int checked = 0;
    for (int s = 0; s < NSPECS; s++)
        for (int opt = CL_OPT_SGD; opt <= CL_OPT_ADAM; opt++)
            for (int w = 1; w <= MAXW; w++) {
                if (w == 4) continue;
                cl_nn *a = make(SPECS[s], opt), *e[MAXW];
                for (int k = 0; k < w; k++) e[k] = make(SPECS[s], opt);
                const int units = cl_nn_split_units(a);
                assert_true(units >= 9);
                int u[MAXW + 1];
                ranges(units, w, u);
                int32_t order[N];
                for (int ep = 0; ep < 3; ep++) {
                    cl_nn_shuffle(a, order, N);
                    for (int i = 0; i < N; i += 16) {
                        const int b = i + 16 >= N ? 10 : 16;
                        assert_int_equal(cl_nn_train_step_idx(a, img, lab, order + i, b), CL_OK);
                        assert_int_equal(split_step(e, w, u, img, lab, order + i, b), CL_OK);
                        for (int k = 0; k < w; k++) {
                            assert_true(cl_nn_loss(e[k]) == cl_nn_loss(a));
                            assert_int_equal(cl_nn_correct(e[k]), cl_nn_correct(a));
                        }
                    }
                }
                float *all = collected(e, w, u);
                assert_same_f32(all, cl_nn_params(a), (size_t)cl_nn_param_floats(a));
                free(all);
                /* the rows and their optimiser state: the next steps alone are the one's too */
                gather_rows(e, w, u);
                assert_same_f32(cl_nn_params(e[0]), cl_nn_params(a), (size_t)cl_nn_param_floats(a));
                for (int i = 0; i < N; i += 16) {
                    assert_int_equal(cl_nn_train_step_idx(a, img, lab, order + i, 16), CL_OK);
                    assert_int_equal(cl_nn_train_step_idx(e[0], img, lab, order + i, 16), CL_OK);
                }
                assert_same_f32(cl_nn_params(e[0]), cl_nn_params(a), (size_t)cl_nn_param_floats(a));
                for (int k = 0; k < w; k++) {
                    assert_int_equal(cl_nn_steps(e[k]), k ? 18 : 24);
                    cl_nn_free(e[k]);
                }
                cl_nn_free(a);
                checked++;
            }
    assert_int_equal(checked, NSPECS * 3 * 4);
}

static void test_split_arguments(void **state)
{
    (void)state;
    uint8_t img[N * PIX], lab[N];
    t_squares(img, lab, N, 9);
    int32_t idx[16];
    for (int i = 0; i < 16; i++) idx[i] = i;
    /* what cannot be split: a convolution first, no activation after layer 1, nothing after it */
    const char *no[] = {"conv3x3x4-relu-maxpool2-dense4-softmax", "dense8-dense4-softmax", "dense4-softmax"};
    for (int i = 0; i < 3; i++) {
        cl_nn *m = make(no[i], CL_OPT_SGD);
        assert_int_equal(cl_nn_split_units(m), 0);
        assert_null(cl_nn_split_values(m));
        assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 1), CL_ERR_ARG);
        float row[8 * 8 + 1];
        assert_int_equal(cl_nn_split_rows_floats(m, 0, 1), 0);
        assert_int_equal(cl_nn_split_get_rows(m, 0, 1, row), CL_ERR_ARG);
        cl_nn_free(m);
    }
    cl_nn *m = make("dense16-relu-dense4-softmax", CL_OPT_SGD);
    assert_int_equal(cl_nn_split_units(m), 16);
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 8, 8), CL_ERR_ARG);
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, -1, 8), CL_ERR_ARG);
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 17), CL_ERR_ARG);
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 0, 0, 16), CL_ERR_SIZE);
    assert_int_equal(cl_nn_split_forward(m, img, NULL, idx, 16, 0, 16), CL_ERR_NULL);
    assert_int_equal(cl_nn_split_forward(NULL, img, lab, idx, 16, 0, 16), CL_ERR_NULL);
    assert_int_equal(cl_nn_split_undo(m), CL_ERR_ARG); /* no step to take back */
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 16), CL_OK);
    assert_int_equal(cl_nn_split_step(m, 15, 0, 16), CL_ERR_ARG); /* not the batch forward had */
    /* the rows: weights (64 inputs) and bias per unit, once per state array in use */
    assert_int_equal(cl_nn_split_rows_floats(m, 0, 16), 16 * 65);
    assert_int_equal(cl_nn_split_rows_floats(m, 3, 5), 2 * 65);
    assert_int_equal(cl_nn_split_rows_floats(m, 5, 5), 0);
    assert_int_equal(cl_nn_split_rows_floats(m, 0, 17), 0);
    assert_int_equal(cl_nn_split_rows_floats(NULL, 0, 1), 0);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_MOMENTUM, 0.01f, 0.9f, 0.0f), CL_OK);
    assert_int_equal(cl_nn_split_rows_floats(m, 3, 5), 2 * 2 * 65);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_ADAM, 0.01f, 0.9f, 0.0f), CL_OK);
    assert_int_equal(cl_nn_split_rows_floats(m, 3, 5), 3 * 2 * 65);
    float rows[3 * 2 * 65];
    assert_int_equal(cl_nn_split_get_rows(m, 3, 5, NULL), CL_ERR_NULL);
    assert_int_equal(cl_nn_split_set_rows(m, 3, 5, NULL), CL_ERR_NULL);
    assert_int_equal(cl_nn_split_get_rows(m, 5, 3, rows), CL_ERR_ARG);
    assert_int_equal(cl_nn_split_get_rows(NULL, 3, 5, rows), CL_ERR_NULL);
    /* out and back in: rows 3 and 4 of the weights, their biases */
    assert_int_equal(cl_nn_split_get_rows(m, 3, 5, rows), CL_OK);
    assert_true(rows[0] == cl_nn_layer_weights(m, 1)[3 * 64]);
    assert_true(rows[2 * 64 + 1] == cl_nn_layer_bias(m, 1)[4]);
    rows[2 * 64 + 1] = 0.5f;
    assert_int_equal(cl_nn_split_set_rows(m, 3, 5, rows), CL_OK);
    assert_true(cl_nn_layer_bias(m, 1)[4] == 0.5f);
    cl_nn_free(m);
}

/* A step that diverges (a learning rate far too large) leaves the parameters
 * as they were; undo takes back a step that was taken. */
static void test_split_diverged_and_undo(void **state)
{
    (void)state;
    uint8_t img[N * PIX], lab[N];
    t_squares(img, lab, N, 3);
    int32_t idx[16];
    for (int i = 0; i < 16; i++) idx[i] = i;
    cl_nn *m = make("dense16-relu-dense4-softmax", CL_OPT_ADAM);
    const size_t P = (size_t)cl_nn_param_floats(m);
    float *before = malloc(P * sizeof(float));
    memcpy(before, cl_nn_params(m), P * sizeof(float));
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 16), CL_OK);
    assert_int_equal(cl_nn_split_step(m, 16, 0, 16), CL_OK);
    assert_int_equal(cl_nn_steps(m), 1);
    assert_true(memcmp(before, cl_nn_params(m), P * sizeof(float)) != 0);
    assert_int_equal(cl_nn_split_undo(m), CL_OK);
    assert_int_equal(cl_nn_steps(m), 0);
    assert_same_f32(cl_nn_params(m), before, P);
    /* after the undo, the same step again gives the same parameters as one engine's step */
    cl_nn *a = make("dense16-relu-dense4-softmax", CL_OPT_ADAM);
    assert_int_equal(cl_nn_train_step_idx(a, img, lab, idx, 16), CL_OK);
    assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 16), CL_OK);
    assert_int_equal(cl_nn_split_step(m, 16, 0, 16), CL_OK);
    assert_same_f32(cl_nn_params(m), cl_nn_params(a), P);
    /* a learning rate that overflows: diverged, nothing changed */
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_SGD, 1e29f, 0.0f, 0.0f), CL_OK);
    memcpy(before, cl_nn_params(m), P * sizeof(float));
    cl_status st = CL_OK;
    for (int i = 0; i < 5 && st == CL_OK; i++) {
        memcpy(before, cl_nn_params(m), P * sizeof(float));
        assert_int_equal(cl_nn_split_forward(m, img, lab, idx, 16, 0, 16), CL_OK);
        st = cl_nn_split_step(m, 16, 0, 16);
    }
    assert_int_equal(st, CL_ERR_DIVERGED);
    assert_same_f32(cl_nn_params(m), before, P);
    free(before);
    cl_nn_free(a);
    cl_nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_is_train_step),
        cmocka_unit_test(test_split_arguments),
        cmocka_unit_test(test_split_diverged_and_undo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
