/* nn-cases - the native reference run for tests/wasm/nn.test.mjs.
 *
 *   build/native/nn-cases OUT.json
 *
 * Trains a few small models for a few steps on synthetic data that the node
 * test regenerates with the same xorshift32 generator, and writes per case:
 * the loss of every step, all weights at the end, the test loss, accuracy and
 * confusion matrix, and the probabilities for the first images. Floats are
 * printed with 9 significant digits, so they read back exactly. */
#include "cl_nn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct nn_case {
    const char *name, *spec;
    int c, h, w, opt, loss;
    float lr, mom, l2;
    int steps, batch;
} nn_case;

/* Keep in step with CASES in tests/wasm/nn.test.mjs. */
static const nn_case cases[] = {
    {"cnn-adam", "conv3x3x4p1-relu-maxpool2-conv3x3x6s2-tanh-avgpool2-dense5-sigmoid-dense4-softmax", 1, 12,
     12, CL_OPT_ADAM, -1, 0.01f, 0.9f, 0.0f, 8, 8},
    {"mlp-momentum", "dense16-relu-dense4-softmax", 1, 12, 12, CL_OPT_MOMENTUM, -1, 0.05f, 0.9f, 0.01f, 8, 8},
    {"cnn-sgd-bce", "conv3x3x3-relu-dense4-sigmoid", 1, 12, 12, CL_OPT_SGD, -1, 0.5f, 0.0f, 0.0f, 8, 8},
    {"mlp-mse", "dense8-tanh-dense4", 1, 12, 12, CL_OPT_SGD, CL_LOSS_MSE, 0.2f, 0.0f, 0.0f, 8, 8},
};
enum { N = 64, CLASSES = 4, SEED = 2024, PROBE = 4 };

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void print_floats(FILE *f, const char *key, const float *v, size_t n)
{
    fprintf(f, "\"%s\":[", key);
    for (size_t i = 0; i < n; i++) fprintf(f, "%s%.9g", i ? "," : "", (double)v[i]);
    fprintf(f, "]");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nn-cases OUT.json\n");
        return 1;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "{\"n\":%d,\"classes\":%d,\"seed\":%d,\"cases\":[", N, CLASSES, SEED);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const nn_case *cs = &cases[k];
        const size_t isz = (size_t)cs->c * cs->h * cs->w;
        uint8_t *img = malloc(N * isz), lab[N];
        uint32_t s = SEED + (uint32_t)k;
        for (size_t i = 0; i < N * isz; i++) img[i] = (uint8_t)(xorshift32(&s) & 255);
        for (int i = 0; i < N; i++) lab[i] = (uint8_t)(xorshift32(&s) % CLASSES);
        cl_nn *m;
        char err[256];
        if (cl_nn_create(&m, cs->spec, cs->c, cs->h, cs->w, 7, err, sizeof err) != CL_OK ||
            cl_nn_set_optimizer(m, cs->opt, cs->lr, cs->mom, cs->l2) != CL_OK ||
            (cs->loss >= 0 && cl_nn_set_loss(m, cs->loss) != CL_OK)) {
            fprintf(stderr, "nn-cases: %s: %s\n", cs->name, err);
            return 1;
        }
        /* the untrained weights: bit-identical in every build */
        fprintf(f, "%s{\"name\":\"%s\",", k ? "," : "", cs->name);
        print_floats(f, "init", cl_nn_layer_weights(m, 1), (size_t)cl_nn_layer_weight_shape(m, 1, 0) *
                                                                 (size_t)cl_nn_layer_weight_shape(m, 1, 1) *
                                                                 (size_t)cl_nn_layer_weight_shape(m, 1, 2) *
                                                                 (size_t)cl_nn_layer_weight_shape(m, 1, 3));
        float losses[64];
        int32_t order[N];
        cl_nn_shuffle(m, order, N);
        for (int st = 0; st < cs->steps; st++) {
            if (cl_nn_train_step_idx(m, img, lab, order + st * cs->batch % N, cs->batch) != CL_OK) {
                fprintf(stderr, "nn-cases: %s: step %d failed\n", cs->name, st);
                return 1;
            }
            losses[st] = cl_nn_loss(m);
        }
        fprintf(f, ",\"params\":%d,", cl_nn_param_count(m));
        print_floats(f, "losses", losses, (size_t)cs->steps);
        fprintf(f, ",");
        float *w = malloc((size_t)cl_nn_param_count(m) * sizeof(float));
        size_t at = 0;
        for (int i = 1; i < cl_nn_layer_count(m); i++) {
            if (!cl_nn_layer_weights(m, i)) continue;
            size_t nb = (size_t)cl_nn_layer_weight_shape(m, i, 0), np = (size_t)cl_nn_layer_params(m, i);
            memcpy(w + at, cl_nn_layer_weights(m, i), (np - nb) * sizeof(float));
            memcpy(w + at + np - nb, cl_nn_layer_bias(m, i), nb * sizeof(float));
            at += np;
        }
        print_floats(f, "weights", w, at);
        cl_nn_evaluate(m, img, lab, N);
        fprintf(f, ",\"eval_loss\":%.9g,\"eval_acc\":%.9g,\"confusion\":[", (double)cl_nn_eval_loss(m),
                (double)cl_nn_eval_accuracy(m));
        const int32_t *cm = cl_nn_confusion(m);
        for (int i = 0; i < cl_nn_classes(m) * cl_nn_classes(m); i++) fprintf(f, "%s%d", i ? "," : "", cm[i]);
        fprintf(f, "],");
        float probs[PROBE * 16];
        cl_nn_predict(m, img, PROBE, probs);
        print_floats(f, "probs", probs, (size_t)PROBE * (size_t)cl_nn_outputs(m));
        fprintf(f, ",\"save_size\":%zu}", cl_nn_save_size(m));
        free(w);
        free(img);
        cl_nn_free(m);
    }
    fprintf(f, "]}\n");
    return fclose(f) == 0 ? 0 : 1;
}
