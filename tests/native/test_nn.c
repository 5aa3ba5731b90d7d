/* test_nn.c - the network model as a whole: every layer's and loss's
 * backward pass, through the model, against central differences of an
 * independent double-precision forward pass; learning a small synthetic
 * problem, reproducibility, the divergence guard, inspection. Each layer,
 * loss and optimiser on its own: test_dense.c, test_conv_layer.c,
 * test_pool.c, test_activation.c, test_loss.c, test_optimizer.c; the spec:
 * test_nn_spec.c; save/load: test_nn_io.c. */
#include "cl_nn.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * The oracle: a double-precision forward pass written from the formulas,
 * reading the model's structure and weights through the public getters. */

typedef struct ref_model {
    int nl;
    double *w[CL_NN_MAX_LAYERS + 1], *b[CL_NN_MAX_LAYERS + 1];
    size_t nw[CL_NN_MAX_LAYERS + 1], nb[CL_NN_MAX_LAYERS + 1];
} ref_model;

static void ref_init(ref_model *r, cl_nn *m)
{
    memset(r, 0, sizeof *r);
    r->nl = cl_nn_layer_count(m);
    for (int i = 1; i < r->nl; i++) {
        const float *w = cl_nn_layer_weights(m, i), *b = cl_nn_layer_bias(m, i);
        if (!w) continue;
        size_t nw = 1;
        for (int d = 0; d < 4; d++) nw *= (size_t)cl_nn_layer_weight_shape(m, i, d);
        size_t nb = (size_t)cl_nn_layer_params(m, i) - nw;
        r->nw[i] = nw;
        r->nb[i] = nb;
        r->w[i] = malloc(nw * sizeof(double));
        r->b[i] = malloc(nb * sizeof(double));
        for (size_t j = 0; j < nw; j++) r->w[i][j] = w[j];
        for (size_t j = 0; j < nb; j++) r->b[i][j] = b[j];
    }
}

static void ref_free(ref_model *r)
{
    for (int i = 0; i <= CL_NN_MAX_LAYERS; i++) {
        free(r->w[i]);
        free(r->b[i]);
    }
}

static size_t shape_size(const cl_nn *m, int i)
{
    return (size_t)cl_nn_layer_shape(m, i, 0) * (size_t)cl_nn_layer_shape(m, i, 1) *
           (size_t)cl_nn_layer_shape(m, i, 2);
}

/* One example x through layer i (input shape of layer i-1); y gets layer i's output. */
static void ref_layer(const cl_nn *m, const ref_model *r, int i, const double *x, double *y)
{
    const int c = cl_nn_layer_shape(m, i - 1, 0), h = cl_nn_layer_shape(m, i - 1, 1),
              w = cl_nn_layer_shape(m, i - 1, 2);
    const int oc = cl_nn_layer_shape(m, i, 0), oh = cl_nn_layer_shape(m, i, 1),
              ow = cl_nn_layer_shape(m, i, 2);
    const size_t in = (size_t)c * h * w, out = (size_t)oc * oh * ow;
    switch (cl_nn_layer_kind(m, i)) {
    case CL_LAYER_DENSE:
        for (size_t o = 0; o < out; o++) {
            double s = r->b[i][o];
            for (size_t j = 0; j < in; j++) s += r->w[i][o * in + j] * x[j];
            y[o] = s;
        }
        break;
    case CL_LAYER_CONV: {
        const int kh = cl_nn_layer_geometry(m, i, 0), kw = cl_nn_layer_geometry(m, i, 1),
                  pad = cl_nn_layer_geometry(m, i, 2), st = cl_nn_layer_geometry(m, i, 3);
        for (int o = 0; o < oc; o++)
            for (int a = 0; a < oh; a++)
                for (int bb = 0; bb < ow; bb++) {
                    double s = r->b[i][o];
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++) {
                                int yy = a * st + u - pad, xx = bb * st + v - pad;
                                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                s += r->w[i][((o * c + ch) * kh + u) * kw + v] * x[(ch * h + yy) * w + xx];
                            }
                    y[(o * oh + a) * ow + bb] = s;
                }
        break;
    }
    case CL_LAYER_MAXPOOL:
    case CL_LAYER_AVGPOOL: {
        const int k = cl_nn_layer_geometry(m, i, 0);
        const int is_max = cl_nn_layer_kind(m, i) == CL_LAYER_MAXPOOL;
        for (int ch = 0; ch < c; ch++)
            for (int a = 0; a < oh; a++)
                for (int bb = 0; bb < ow; bb++) {
                    double s = is_max ? -INFINITY : 0.0;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++) {
                            double t = x[(ch * h + a * k + u) * w + bb * k + v];
                            s = is_max ? (t > s ? t : s) : s + t;
                        }
                    y[(ch * oh + a) * ow + bb] = is_max ? s : s / (k * k);
                }
        break;
    }
    case CL_LAYER_RELU:
        for (size_t j = 0; j < out; j++) y[j] = x[j] > 0 ? x[j] : 0;
        break;
    case CL_LAYER_SIGMOID:
        for (size_t j = 0; j < out; j++) y[j] = 1.0 / (1.0 + exp(-x[j]));
        break;
    case CL_LAYER_TANH:
        for (size_t j = 0; j < out; j++) y[j] = tanh(x[j]);
        break;
    case CL_LAYER_SOFTMAX: {
        double mx = x[0], s = 0;
        for (size_t j = 1; j < out; j++) mx = x[j] > mx ? x[j] : mx;
        for (size_t j = 0; j < out; j++) s += exp(x[j] - mx);
        for (size_t j = 0; j < out; j++) y[j] = exp(x[j] - mx) / s;
        break;
    }
    default: /* flatten, linear */
        memcpy(y, x, out * sizeof(double));
        break;
    }
}

/* Mean loss over n examples x (n, input) in double; out (n, outputs) if not NULL. */
static double ref_loss(const cl_nn *m, const ref_model *r, const float *x, const uint8_t *labels, int n,
                       double *out)
{
    size_t biggest = 0;
    for (int i = 0; i < r->nl; i++) biggest = shape_size(m, i) > biggest ? shape_size(m, i) : biggest;
    double *a = malloc(biggest * sizeof(double)), *b = malloc(biggest * sizeof(double));
    const size_t in = shape_size(m, 0);
    const int K = cl_nn_outputs(m), loss = cl_nn_get_loss_kind(m);
    double total = 0;
    for (int e = 0; e < n; e++) {
        for (size_t j = 0; j < in; j++) a[j] = x[(size_t)e * in + j];
        for (int i = 1; i < r->nl; i++) {
            ref_layer(m, r, i, a, b);
            double *t = a;
            a = b;
            b = t;
        }
        if (out) memcpy(out + (size_t)e * K, a, (size_t)K * sizeof(double));
        for (int j = 0; j < K; j++) {
            double t = K == 1 ? labels[e] : (j == labels[e]);
            if (loss == CL_LOSS_XENT) total -= t * log(a[j]);
            else if (loss == CL_LOSS_BCE) total -= (t * log(a[j]) + (1 - t) * log(1 - a[j])) / K;
            else total += (a[j] - t) * (a[j] - t) / K;
        }
    }
    free(a);
    free(b);
    return total / n;
}

typedef struct nn_case {
    const cl_nn *m;
    const ref_model *r;
    const float *x;
    const uint8_t *labels;
    int n;
} nn_case;

static double nn_loss(const void *ctx)
{
    const nn_case *q = ctx;
    return ref_loss(q->m, q->r, q->x, q->labels, q->n, NULL);
}

/* Checks every parameter's gradient, and the forward outputs, of spec on
 * random inputs. Tolerance: the float gradients against double central
 * differences (h = 1e-6, error ~1e-9) within 2e-3 relative + 2e-5 absolute;
 * float rounding in a few-layer net stays well inside that. */
static void check_gradients(const char *spec, int c, int h, int w, int loss, int n, uint32_t seed)
{
    char err[256];
    cl_nn *m;
    cl_status st = cl_nn_create(&m, spec, c, h, w, seed, err, sizeof err);
    if (st != CL_OK) print_error("%s: %s\n", spec, err);
    assert_int_equal(st, CL_OK);
    if (loss >= 0) assert_int_equal(cl_nn_set_loss(m, loss), CL_OK);
    const size_t in = shape_size(m, 0);
    const int K = cl_nn_outputs(m);
    uint32_t s = seed * 7919u + 1;
    float *x = malloc(in * (size_t)n * sizeof(float));
    uint8_t labels[16];
    for (size_t j = 0; j < in * (size_t)n; j++) x[j] = t_uniform(&s, -1.0f, 1.0f);
    for (int e = 0; e < n; e++) labels[e] = (uint8_t)(t_rand(&s) % (uint32_t)(K == 1 ? 2 : K));
    /* biases away from zero so that they matter */
    for (int i = 1; i < cl_nn_layer_count(m); i++) {
        float *b = cl_nn_layer_bias(m, i);
        int nb = b ? cl_nn_layer_weight_shape(m, i, 0) : 0;
        for (int j = 0; j < nb; j++) b[j] = t_uniform(&s, -0.3f, 0.3f);
    }
    assert_int_equal(cl_nn_gradients_f32(m, x, labels, n), CL_OK);

    ref_model r;
    ref_init(&r, m);
    double *yref = malloc((size_t)n * K * sizeof(double));
    double l0 = ref_loss(m, &r, x, labels, n, yref);
    float *yf = malloc((size_t)n * K * sizeof(float));
    for (int j = 0; j < n * K; j++) yf[j] = (float)yref[j];
    assert_close_f32(cl_nn_output(m), yf, (size_t)n * K, 1e-4, 1e-6);
    assert_true(fabs(cl_nn_loss(m) - l0) <= 1e-4 * fabs(l0) + 1e-6);

    const double hstep = 1e-6;
    for (int i = 1; i < r.nl; i++) {
        if (!r.w[i]) continue;
        for (int role = 0; role < 2; role++) {
            double *p = role ? r.b[i] : r.w[i];
            size_t np = role ? r.nb[i] : r.nw[i];
            const float *g = role ? cl_nn_layer_grad_bias(m, i) : cl_nn_layer_grad_weights(m, i);
            float *num = malloc(np * sizeof(float));
            const nn_case q = {m, &r, x, labels, n};
            t_central_diff(p, np, hstep, nn_loss, &q, num);
            print_message("  %s layer %d %s: %zu gradients\n", spec, i, role ? "bias" : "weights", np);
            assert_close_f32(g, num, np, 2e-3, 2e-5);
            free(num);
        }
    }
    ref_free(&r);
    free(yref);
    free(yf);
    free(x);
    cl_nn_free(m);
}

static void test_grad_conv_stride_pad_tanh_maxpool_xent(void **state)
{
    (void)state;
    /* 2x9x8 -> conv p1 s2: 3x5x4 -> conv 2x3: 4x4x2 -> maxpool2: 4x2x1 -> dense5 */
    check_gradients("conv3x3x3p1s2-tanh-conv2x3x4-relu-maxpool2-dense5-softmax", 2, 9, 8, -1, 3, 1);
}

static void test_grad_avgpool_flatten_sigmoid_bce(void **state)
{
    (void)state;
    /* 1x7x7 -> 2x7x7 -> avgpool2 (drops the 7th row/column): 2x3x3 -> 18 -> 7 -> 3 */
    check_gradients("conv3x3x2p1-sigmoid-avgpool2-flatten-dense7-tanh-dense3-sigmoid", 1, 7, 7, -1, 3, 2);
}

static void test_grad_big_kernel_stride3_dense_after_conv(void **state)
{
    (void)state;
    /* 3x11x10 -> conv5x5 p2 s3: 4x4x4 (dense flattens implicitly) */
    check_gradients("conv5x5x4p2s3-relu-dense4-softmax", 3, 11, 10, -1, 2, 3);
}

static void test_grad_avgpool3_odd(void **state)
{
    (void)state;
    check_gradients("conv1x1x2-avgpool3-dense3-softmax", 2, 8, 7, -1, 2, 4);
}

static void test_grad_mse_linear(void **state)
{
    (void)state;
    check_gradients("dense6-relu-dense4-linear", 1, 3, 5, CL_LOSS_MSE, 4, 5);
    check_gradients("dense6-tanh-dense4", 1, 3, 5, CL_LOSS_MSE, 3, 6);
}

static void test_grad_mse_softmax_and_sigmoid(void **state)
{
    (void)state;
    /* MSE through the softmax Jacobian and through the sigmoid */
    check_gradients("dense5-sigmoid-dense4-softmax", 1, 2, 3, CL_LOSS_MSE, 3, 7);
    check_gradients("dense5-relu-dense3-sigmoid", 1, 2, 3, CL_LOSS_MSE, 3, 8);
}

static void test_grad_single_output_bce(void **state)
{
    (void)state;
    check_gradients("dense3-tanh-dense1-sigmoid", 1, 1, 4, CL_LOSS_BCE, 5, 9);
}

static void test_grad_maxpool3_stride_conv(void **state)
{
    (void)state;
    check_gradients("conv2x2x3s2-maxpool3-dense2-softmax", 1, 13, 14, -1, 2, 10);
}

/* ------------------------------------------------------------- learning */

static void learn(const char *spec, int loss, int opt, float lr, int steps)
{
    enum { N = 256, TEST = 200, B = 16 };
    uint8_t img[N * 64], lab[N], timg[TEST * 64], tlab[TEST];
    t_squares(img, lab, N, 11);
    t_squares(timg, tlab, TEST, 99);
    cl_nn *m;
    char err[200];
    assert_int_equal(cl_nn_create(&m, spec, 1, 8, 8, 3, err, sizeof err), CL_OK);
    assert_int_equal(cl_nn_set_optimizer(m, opt, lr, 0.9f, 1e-4f), CL_OK);
    if (loss >= 0) assert_int_equal(cl_nn_set_loss(m, loss), CL_OK);
    assert_int_equal(cl_nn_evaluate(m, timg, tlab, TEST), CL_OK);
    float start = cl_nn_eval_loss(m);
    int32_t order[N];
    for (int s = 0; s < steps; s++) {
        if (s % (N / B) == 0) cl_nn_shuffle(m, order, N);
        assert_int_equal(cl_nn_train_step_idx(m, img, lab, order + (s % (N / B)) * B, B), CL_OK);
    }
    assert_int_equal(cl_nn_evaluate(m, timg, tlab, TEST), CL_OK);
    print_message("  %s: test loss %.3f -> %.3f, accuracy %.3f\n", spec, start, cl_nn_eval_loss(m),
                  cl_nn_eval_accuracy(m));
    assert_true(cl_nn_eval_loss(m) < 0.25f * start);
    assert_true(cl_nn_eval_accuracy(m) > 0.9f); /* chance is 0.25 */
    /* the confusion matrix counts every example once, its diagonal the correct ones */
    const int32_t *cm = cl_nn_confusion(m);
    int total = 0, diag = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
            total += cm[a * 4 + b];
            if (a == b) diag += cm[a * 4 + b];
        }
    assert_int_equal(total, TEST);
    assert_int_equal(diag, (int)lroundf(cl_nn_eval_accuracy(m) * TEST));
    cl_nn_free(m);
}

static void test_learns_squares_cnn_adam(void **state)
{
    (void)state;
    learn("conv3x3x4-relu-maxpool2-dense4-softmax", -1, CL_OPT_ADAM, 0.01f, 150);
}

static void test_learns_squares_mlp_momentum(void **state)
{
    (void)state;
    learn("dense16-relu-dense4-softmax", -1, CL_OPT_MOMENTUM, 0.05f, 150);
}

static void test_learns_squares_sgd_sigmoid_bce_and_mse(void **state)
{
    (void)state;
    learn("dense16-tanh-dense4-sigmoid", -1, CL_OPT_SGD, 1.0f, 300);
    learn("avgpool2-dense16-tanh-dense4", CL_LOSS_MSE, CL_OPT_SGD, 0.1f, 300);
}

/* ------------------------------------------------------- reproducibility */

static cl_nn *train_some(uint32_t seed, int opt)
{
    enum { N = 64 };
    uint8_t img[N * 64], lab[N];
    t_squares(img, lab, N, 5);
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "conv3x3x3p1-relu-avgpool2-dense8-tanh-dense4-softmax", 1, 8, 8,
                                  seed, NULL, 0),
                     CL_OK);
    assert_int_equal(cl_nn_set_optimizer(m, opt, 0.01f, 0.9f, 0.001f), CL_OK);
    int32_t order[N];
    for (int e = 0; e < 3; e++) {
        cl_nn_shuffle(m, order, N);
        for (int i = 0; i < N; i += 16) assert_int_equal(cl_nn_train_step_idx(m, img, lab, order + i, 16), CL_OK);
    }
    return m;
}

static int same_weights(cl_nn *a, cl_nn *b)
{
    for (int i = 1; i < cl_nn_layer_count(a); i++) {
        if (!cl_nn_layer_weights(a, i)) continue;
        size_t n = (size_t)cl_nn_layer_params(a, i) - (size_t)cl_nn_layer_weight_shape(a, i, 0);
        if (memcmp(cl_nn_layer_weights(a, i), cl_nn_layer_weights(b, i), n * sizeof(float)) ||
            memcmp(cl_nn_layer_bias(a, i), cl_nn_layer_bias(b, i),
                   (size_t)cl_nn_layer_weight_shape(a, i, 0) * sizeof(float)))
            return 0;
    }
    return 1;
}

static void test_same_seed_same_weights(void **state)
{
    (void)state;
    for (int opt = CL_OPT_SGD; opt <= CL_OPT_ADAM; opt++) {
        cl_nn *a = train_some(7, opt), *b = train_some(7, opt), *c = train_some(8, opt);
        assert_true(same_weights(a, b));
        assert_true(cl_nn_loss(a) == cl_nn_loss(b));
        assert_false(same_weights(a, c));
        assert_int_equal(cl_nn_steps(a), 12);
        cl_nn_free(a);
        cl_nn_free(b);
        cl_nn_free(c);
    }
}

static void test_shuffle_is_permutation(void **state)
{
    (void)state;
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "dense2", 1, 1, 1, 1, NULL, 0), CL_OK);
    int32_t idx[1000];
    int seen[1000] = {0};
    assert_int_equal(cl_nn_shuffle(m, idx, 1000), CL_OK);
    int moved = 0;
    for (int i = 0; i < 1000; i++) {
        assert_true(idx[i] >= 0 && idx[i] < 1000);
        seen[idx[i]]++;
        moved += idx[i] != i;
    }
    for (int i = 0; i < 1000; i++) assert_int_equal(seen[i], 1);
    assert_true(moved > 900);
    assert_int_equal(cl_nn_shuffle(m, idx, 0), CL_OK);
    assert_int_equal(cl_nn_shuffle(m, NULL, 3), CL_ERR_NULL);
    cl_nn_free(m);
}

/* -------------------------------------------------------------- training API */

static void test_u8_idx_and_f32_steps_agree(void **state)
{
    (void)state;
    enum { N = 8 };
    uint8_t img[N * 64], lab[N], gathered[N * 64], glab[N];
    float x[N * 64];
    t_squares(img, lab, N, 21);
    const int32_t idx[N] = {5, 2, 7, 0, 1, 6, 3, 4};
    for (int e = 0; e < N; e++) {
        memcpy(gathered + e * 64, img + idx[e] * 64, 64);
        glab[e] = lab[idx[e]];
        for (int j = 0; j < 64; j++) x[e * 64 + j] = (float)gathered[e * 64 + j] / 255.0f;
    }
    cl_nn *a, *b, *c;
    const char *spec = "conv3x3x2-relu-dense4-softmax";
    assert_int_equal(cl_nn_create(&a, spec, 1, 8, 8, 4, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_create(&b, spec, 1, 8, 8, 4, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_create(&c, spec, 1, 8, 8, 4, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_train_step_idx(a, img, lab, idx, N), CL_OK);
    assert_int_equal(cl_nn_train_step(b, gathered, glab, N), CL_OK);
    assert_int_equal(cl_nn_train_step_f32(c, x, glab, N), CL_OK);
    assert_true(same_weights(a, b));
    assert_true(cl_nn_loss(a) == cl_nn_loss(b));
    /* x/255 and x*(1/255) may differ in the last bit */
    assert_true(fabsf(cl_nn_loss(a) - cl_nn_loss(c)) < 1e-5f);
    assert_int_equal(cl_nn_batch(a), N);
    assert_true(cl_nn_correct(a) >= 0 && cl_nn_correct(a) <= N);
    cl_nn_free(a);
    cl_nn_free(b);
    cl_nn_free(c);
}

static void test_bad_training_arguments(void **state)
{
    (void)state;
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "dense3-softmax", 1, 2, 2, 1, NULL, 0), CL_OK);
    uint8_t img[8] = {1, 2, 3, 4, 5, 6, 7, 8}, lab[2] = {0, 3};
    float before[12];
    memcpy(before, cl_nn_layer_weights(m, 1), sizeof before);
    assert_int_equal(cl_nn_train_step(m, img, lab, 2), CL_ERR_ARG); /* label 3 of 3 classes */
    assert_int_equal(cl_nn_train_step(m, img, lab, 0), CL_ERR_SIZE);
    assert_int_equal(cl_nn_train_step(m, img, lab, CL_NN_MAX_BATCH + 1), CL_ERR_SIZE);
    assert_int_equal(cl_nn_train_step(m, NULL, lab, 1), CL_ERR_NULL);
    assert_int_equal(cl_nn_train_step(m, img, NULL, 1), CL_ERR_NULL);
    assert_int_equal(cl_nn_train_step(NULL, img, lab, 1), CL_ERR_NULL);
    const int32_t neg[1] = {-1};
    assert_int_equal(cl_nn_train_step_idx(m, img, lab, neg, 1), CL_ERR_ARG);
    assert_int_equal(cl_nn_evaluate(m, img, lab, 2), CL_ERR_ARG);
    assert_memory_equal(before, cl_nn_layer_weights(m, 1), sizeof before);
    assert_int_equal(cl_nn_steps(m), 0);
    /* settings */
    assert_int_equal(cl_nn_set_optimizer(m, 3, 0.1f, 0.9f, 0.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_SGD, 0.0f, 0.9f, 0.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_SGD, NAN, 0.9f, 0.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_MOMENTUM, 0.1f, 1.0f, 0.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_SGD, 0.1f, 0.9f, -1.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_lr(m, -1.0f), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_loss(m, CL_LOSS_BCE), CL_ERR_MISMATCH); /* needs sigmoid */
    assert_int_equal(cl_nn_set_loss(m, 7), CL_ERR_ARG);
    assert_int_equal(cl_nn_set_loss(m, CL_LOSS_MSE), CL_OK);
    assert_int_equal(cl_nn_get_loss_kind(m), CL_LOSS_MSE);
    cl_nn_free(m);
    assert_int_equal(cl_nn_create(&m, "dense3-relu", 1, 2, 2, 1, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_get_loss_kind(m), CL_LOSS_MSE);
    assert_int_equal(cl_nn_set_loss(m, CL_LOSS_XENT), CL_ERR_MISMATCH); /* needs softmax */
    cl_nn_free(m);
    cl_nn_free(NULL);
}

/* ------------------------------------------------------------- divergence */

static void snapshot(cl_nn *m, float *buf)
{
    for (int i = 1; i < cl_nn_layer_count(m); i++) {
        if (!cl_nn_layer_weights(m, i)) continue;
        int nb = cl_nn_layer_weight_shape(m, i, 0), np = cl_nn_layer_params(m, i);
        memcpy(buf, cl_nn_layer_weights(m, i), (size_t)(np - nb) * sizeof(float));
        memcpy(buf + np - nb, cl_nn_layer_bias(m, i), (size_t)nb * sizeof(float));
        buf += np;
    }
}

static void test_divergence_keeps_last_good_weights(void **state)
{
    (void)state;
    enum { N = 32 };
    uint8_t img[N * 64], lab[N];
    t_squares(img, lab, N, 3);
    for (int opt = CL_OPT_SGD; opt <= CL_OPT_ADAM; opt++) {
        cl_nn *m;
        assert_int_equal(cl_nn_create(&m, "conv3x3x2-relu-dense8-relu-dense4-softmax", 1, 8, 8, 2, NULL, 0),
                         CL_OK);
        assert_int_equal(cl_nn_set_optimizer(m, opt, opt == CL_OPT_ADAM ? 1e25f : 1e20f, 0.9f, 0.0f), CL_OK);
        const int np = cl_nn_param_count(m);
        float *before = malloc((size_t)np * sizeof(float)), *after = malloc((size_t)np * sizeof(float));
        cl_status st = CL_OK;
        int steps = 0;
        while (steps < 50) {
            snapshot(m, before);
            st = cl_nn_train_step(m, img + (steps % 2) * 16 * 64, lab + (steps % 2) * 16, 16);
            if (st != CL_OK) break;
            steps++;
        }
        print_message("  optimiser %d diverged after %d good steps\n", opt, steps);
        assert_int_equal(st, CL_ERR_DIVERGED);
        assert_int_equal(cl_nn_steps(m), steps);
        snapshot(m, after);
        assert_memory_equal(before, after, (size_t)np * sizeof(float));
        for (int j = 0; j < np; j++) assert_true(isfinite(after[j]));
        /* a sane learning rate trains on from there */
        assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_SGD, 1e-3f, 0.0f, 0.0f), CL_OK);
        if (cl_nn_train_step(m, img, lab, 16) == CL_OK) assert_int_equal(cl_nn_steps(m), 1);
        free(before);
        free(after);
        cl_nn_free(m);
    }
}

static void test_nan_input_diverges_without_update(void **state)
{
    (void)state;
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "dense4-relu-dense3-softmax", 1, 1, 5, 2, NULL, 0), CL_OK);
    float x[10] = {0.1f, 0.2f, NAN, 0.3f, 0.4f, 0, 0, 0, 0, 0};
    uint8_t lab[2] = {1, 2};
    float before[64], after[64];
    snapshot(m, before);
    assert_int_equal(cl_nn_train_step_f32(m, x, lab, 2), CL_ERR_DIVERGED);
    snapshot(m, after);
    assert_memory_equal(before, after, (size_t)cl_nn_param_count(m) * sizeof(float));
    assert_int_equal(cl_nn_steps(m), 0);
    cl_nn_free(m);
}

/* ------------------------------------------------------------- inspection */

static void test_reference_cnn_shapes_and_params(void **state)
{
    (void)state;
    cl_nn *m;
    char err[200];
    assert_int_equal(cl_nn_create(&m, "conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax", 1, 28,
                                  28, 1, err, sizeof err),
                     CL_OK);
    assert_string_equal(err, "");
    /* by hand: 28-3+1 = 26, /2 = 13, 13-3+1 = 11, /2 = 5; 8*9+8, 16*8*9+16, 10*400+10 */
    static const int want[9][4] = {{1, 28, 28, 0},    {8, 26, 26, 80},  {8, 26, 26, 0},
                                   {8, 13, 13, 0},    {16, 11, 11, 1168}, {16, 11, 11, 0},
                                   {16, 5, 5, 0},     {10, 1, 1, 4010}, {10, 1, 1, 0}};
    assert_int_equal(cl_nn_layer_count(m), 9);
    for (int i = 0; i < 9; i++) {
        for (int d = 0; d < 3; d++) assert_int_equal(cl_nn_layer_shape(m, i, d), want[i][d]);
        assert_int_equal(cl_nn_layer_params(m, i), want[i][3]);
    }
    assert_int_equal(cl_nn_param_count(m), 80 + 1168 + 4010);
    assert_string_equal(cl_nn_layer_name(m, 0), "input1x28x28");
    assert_string_equal(cl_nn_layer_name(m, 4), "conv3x3x16");
    assert_int_equal(cl_nn_layer_kind(m, 3), CL_LAYER_MAXPOOL);
    assert_int_equal(cl_nn_layer_kind(m, 9), -1);
    assert_int_equal(cl_nn_layer_weight_shape(m, 4, 1), 8);
    assert_int_equal(cl_nn_layer_weight_shape(m, 7, 1), 400);
    assert_null(cl_nn_layer_weights(m, 2));
    assert_int_equal(cl_nn_outputs(m), 10);
    assert_int_equal(cl_nn_classes(m), 10);
    assert_int_equal(cl_nn_get_loss_kind(m), CL_LOSS_XENT);
    /* He-uniform before relu: |w| <= sqrt(6/9); Xavier before softmax: sqrt(6/410) */
    const float *w1 = cl_nn_layer_weights(m, 1), *w7 = cl_nn_layer_weights(m, 7);
    float mx1 = 0, mx7 = 0;
    for (int j = 0; j < 72; j++) mx1 = fmaxf(mx1, fabsf(w1[j]));
    for (int j = 0; j < 4000; j++) mx7 = fmaxf(mx7, fabsf(w7[j]));
    assert_true(mx1 <= sqrtf(6.0f / 9) && mx1 > 0.5f * sqrtf(6.0f / 9));
    assert_true(mx7 <= sqrtf(6.0f / 410) && mx7 > 0.9f * sqrtf(6.0f / 410));

    /* activations of one image: relu is max(0, conv), softmax sums to 1,
     * predict gives the same probabilities */
    uint8_t img[784];
    uint32_t s = 5;
    for (int j = 0; j < 784; j++) img[j] = (uint8_t)(t_rand(&s) & 255);
    assert_int_equal(cl_nn_forward(m, img, 1), CL_OK);
    const float *conv = cl_nn_layer_output(m, 1), *relu = cl_nn_layer_output(m, 2);
    for (int j = 0; j < 8 * 26 * 26; j++) assert_true(relu[j] == (conv[j] > 0 ? conv[j] : 0));
    assert_true(cl_nn_layer_output(m, 0)[5] == (float)img[5] * (1.0f / 255.0f));
    float sum = 0, probs[10];
    for (int j = 0; j < 10; j++) sum += cl_nn_output(m)[j];
    assert_true(fabsf(sum - 1.0f) < 1e-5f);
    assert_int_equal(cl_nn_predict(m, img, 1, probs), CL_OK);
    assert_memory_equal(probs, cl_nn_output(m), sizeof probs);
    cl_nn_free(m);
}

static void test_predict_and_evaluate_agree(void **state)
{
    (void)state;
    /* more than one chunk (100) and a partial one */
    enum { N = 233 };
    static uint8_t img[N * 64], lab[N];
    static float probs[N * 4];
    t_squares(img, lab, N, 8);
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "dense5-relu-dense4-softmax", 1, 8, 8, 9, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_predict(m, img, N, probs), CL_OK);
    double loss = 0;
    int ok = 0;
    for (int e = 0; e < N; e++) {
        loss -= log(probs[e * 4 + lab[e]]);
        int best = 0;
        for (int j = 1; j < 4; j++)
            if (probs[e * 4 + j] > probs[e * 4 + best]) best = j;
        ok += best == lab[e];
    }
    assert_int_equal(cl_nn_evaluate(m, img, lab, N), CL_OK);
    assert_true(fabs(cl_nn_eval_loss(m) - loss / N) < 1e-5);
    assert_true(fabsf(cl_nn_eval_accuracy(m) - (float)ok / N) < 1e-6f);
    cl_nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grad_conv_stride_pad_tanh_maxpool_xent),
        cmocka_unit_test(test_grad_avgpool_flatten_sigmoid_bce),
        cmocka_unit_test(test_grad_big_kernel_stride3_dense_after_conv),
        cmocka_unit_test(test_grad_avgpool3_odd),
        cmocka_unit_test(test_grad_mse_linear),
        cmocka_unit_test(test_grad_mse_softmax_and_sigmoid),
        cmocka_unit_test(test_grad_single_output_bce),
        cmocka_unit_test(test_grad_maxpool3_stride_conv),
        cmocka_unit_test(test_learns_squares_cnn_adam),
        cmocka_unit_test(test_learns_squares_mlp_momentum),
        cmocka_unit_test(test_learns_squares_sgd_sigmoid_bce_and_mse),
        cmocka_unit_test(test_same_seed_same_weights),
        cmocka_unit_test(test_shuffle_is_permutation),
        cmocka_unit_test(test_u8_idx_and_f32_steps_agree),
        cmocka_unit_test(test_bad_training_arguments),
        cmocka_unit_test(test_divergence_keeps_last_good_weights),
        cmocka_unit_test(test_nan_input_diverges_without_update),
        cmocka_unit_test(test_reference_cnn_shapes_and_params),
        cmocka_unit_test(test_predict_and_evaluate_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
