/*
 * cl_nn_spec.h - a model's layers as its spec describes them: the parser
 * (cl_nn_spec.c) for the model (cl_nn.c). The language and its limits are
 * described in cl_nn.h, whose cl_nn_check_spec and cl_nn_spec_param_count are
 * defined in cl_nn_spec.c.
 */
#ifndef CL_NN_SPEC_H
#define CL_NN_SPEC_H

#include "cl_nn.h"
#include "cl_conv_layer.h"

/* One layer of a model. The parser fills the first part from the spec; the
 * model places the layer's parameters and activations (the second part). */
typedef struct cl_nn_layer {
    /* from the spec */
    int kind;            /* cl_layer_kind */
    char name[32];       /* its token, e.g. "conv3x3x8"; "input1x28x28" for layer 0 */
    int c, h, w;         /* output shape per example */
    size_t size;         /* c * h * w */
    int k;               /* dense units, conv output channels, pool window */
    int kh, kw, pad, stride;
    cl_conv_shape conv;  /* conv geometry; .b set per call */
    size_t nw, nb;       /* weights and biases (0 for layers without) */
    /* the model's */
    size_t w_off, b_off; /* offsets in a parameter bank (multiples of 4) */
    int he_init;
    float *wt, *bias;    /* into the current bank */
    float *dwt, *dbias;  /* into the gradient region */
    float *out, *dout;   /* activations (cap, size) and their gradient; NULL dout for layer 0 */
    int32_t *argmax;     /* maxpool only */
} cl_nn_layer;

/* Parses spec for an input (c, h, w) into layer[0 .. *nl - 1], layer 0 the
 * input; layer has room for CL_NN_MAX_LAYERS + 1. norm (CL_NN_MAX_SPEC bytes)
 * receives the normalised spec, *nparams the model's parameter count. On
 * failure, err (errlen bytes, may be NULL) names the bad layer; else it is "". */
cl_status cl_nn_parse_spec(const char *spec, int c, int h, int w, cl_nn_layer *layer, int *nl,
                           char *norm, size_t *nparams, char *err, int errlen);

#endif
