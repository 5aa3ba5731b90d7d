/* fuzz-seeds - writes the large seed inputs of fuzz/fuzz_model.c (make fuzz).
 *
 *   build/native/fuzz-seeds DIR
 *
 * libFuzzer grows its inputs a few bytes at a time, so from the small seeds in
 * tests/fuzz-regressions/model/ it never reaches a model file of realistic
 * size (the MLP 784-128-10 the train page saves is 407 KB). These seeds are
 * real saved models, freshly initialised (no training needed: the loader does
 * not care what the weights are), from a few KB to 3 MB, with every layer kind,
 * optimiser and loss. They are written at build time into build/fuzz/ and not
 * committed. Each file is the fuzz target's mode byte (1: the CRC is fixed
 * after mutation, see fuzz_model.c) followed by the model file. */
#include "cl_nn.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct seed {
    const char *name, *spec;
    int c, h, w, opt, loss;
    float lr, mom, l2;
} seed;

static const seed seeds[] = {
    /* the train page's and the README's models, on Fashion-MNIST's 1x28x28 */
    {"mlp-784-128-10", "dense128-relu-dense10-softmax", 1, 28, 28, CL_OPT_SGD, -1, 0.1f, 0.9f, 0.0f},
    {"cnn-reference", "conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax", 1, 28, 28,
     CL_OPT_ADAM, -1, 0.002f, 0.9f, 0.0f},
    {"cnn-default", "conv3x3x8-relu-maxpool2-conv3x3x16-relu-dense64-relu-dense10-softmax", 1, 28, 28,
     CL_OPT_ADAM, -1, 0.002f, 0.9f, 0.0001f},
    {"mlp-784-512-256-10", "dense512-relu-dense256-relu-dense10-softmax", 1, 28, 28, CL_OPT_MOMENTUM,
     CL_LOSS_MSE, 0.01f, 0.9f, 0.001f},
    {"mlp-784-1024-10", "dense1024-sigmoid-dense10-sigmoid", 1, 28, 28, CL_OPT_SGD, CL_LOSS_BCE, 0.5f,
     0.0f, 0.0f},
    /* padding, stride, average pooling, flatten, tanh, a linear output */
    {"cnn-strided", "conv5x5x16p2s2-tanh-avgpool2-flatten-dense32-linear-dense10", 1, 28, 28,
     CL_OPT_SGD, CL_LOSS_MSE, 0.05f, 0.0f, 0.0f},
    /* a colour input, wider convolutions (2.2 MB) */
    {"cnn-rgb-32", "conv3x3x32p1-relu-maxpool2-conv3x3x64p1-relu-maxpool2-dense128-relu-dense10-softmax",
     3, 32, 32, CL_OPT_ADAM, -1, 0.001f, 0.9f, 0.0f},
    /* one sigmoid output unit (binary) */
    {"mlp-binary", "dense64-tanh-dense1-sigmoid", 1, 28, 28, CL_OPT_SGD, -1, 0.1f, 0.0f, 0.0f},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz-seeds DIR\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        const seed *s = &seeds[i];
        char err[256];
        cl_nn *m = NULL;
        if (cl_nn_create(&m, s->spec, s->c, s->h, s->w, (uint32_t)(1000 + i), err, sizeof err) != CL_OK ||
            cl_nn_set_optimizer(m, s->opt, s->lr, s->mom, s->l2) != CL_OK ||
            (s->loss >= 0 && cl_nn_set_loss(m, s->loss) != CL_OK)) {
            fprintf(stderr, "fuzz-seeds: %s: %s\n", s->name, m ? "bad settings" : err);
            cl_nn_free(m);
            return 1;
        }
        size_t len = cl_nn_save_size(m);
        uint8_t *buf = malloc(len + 1);
        if (!buf) return 1;
        buf[0] = 1;
        cl_status st = cl_nn_save(m, buf + 1, len);
        cl_nn_free(m);
        char path[1024];
        snprintf(path, sizeof path, "%s/seed-%s", argv[1], s->name);
        FILE *f = st == CL_OK ? fopen(path, "wb") : NULL;
        int ok = f && fwrite(buf, 1, len + 1, f) == len + 1;
        if (f && fclose(f) != 0) ok = 0;
        if (!ok) {
            fprintf(stderr, "fuzz-seeds: cannot write %s\n", path);
            free(buf);
            return 1;
        }
        free(buf);
    }
    return 0;
}
