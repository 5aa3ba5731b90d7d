/* cl_nn_spec.c - the spec language of cl_nn.h: a spec is read token by
 * token (parse_token), each layer's output shape and parameter count follow
 * from the layer before (infer_shape), and every limit is checked on the way,
 * with a message that names the layer. */
#include "cl_nn_spec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Reads 1..7 decimal digits at *p. */
static int parse_num(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    int nd = 0;
    while (isdigit((unsigned char)*s)) {
        if (++nd > 7) return 0;
        v = v * 10 + (*s - '0');
        s++;
    }
    if (nd == 0) return 0;
    *p = s;
    *out = (int)v;
    return 1;
}

static int starts(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0) return 0;
    *rest = s + n;
    return 1;
}

#define EXPECTED                                                                          \
    "expected dense<N>, conv<KH>x<KW>x<N>[p<P>][s<S>], maxpool<K>, avgpool<K>, flatten, " \
    "relu, sigmoid, tanh, linear or softmax"

/* Parses one token into L (kind and numbers); shapes come later. */
static cl_status parse_token(const char *t, cl_nn_layer *L, int pos, char *err, int errlen)
{
    const char *p;
    memset(L, 0, sizeof *L);
    size_t tl = strlen(t); /* the caller keeps tokens shorter than name */
    memcpy(L->name, t, tl < sizeof L->name ? tl + 1 : 0);
    static const struct { const char *name; int kind; } simple[] = {
        {"flatten", CL_LAYER_FLATTEN}, {"relu", CL_LAYER_RELU},     {"sigmoid", CL_LAYER_SIGMOID},
        {"tanh", CL_LAYER_TANH},       {"linear", CL_LAYER_LINEAR}, {"softmax", CL_LAYER_SOFTMAX},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (strcmp(t, simple[i].name) == 0) {
            L->kind = simple[i].kind;
            return CL_OK;
        }
    if (starts(t, "dense", &p)) {
        L->kind = CL_LAYER_DENSE;
        if (!parse_num(&p, &L->k) || *p) {
            cl_set_error(err, errlen, "layer %d \"%s\": write dense<N> with N the number of units, e.g. dense128",
                    pos, t);
            return CL_ERR_SPEC;
        }
        if (L->k < 1 || L->k > CL_NN_MAX_UNITS) {
            cl_set_error(err, errlen, "layer %d \"%s\": units must be between 1 and %d", pos, t, CL_NN_MAX_UNITS);
            return CL_ERR_SPEC;
        }
        return CL_OK;
    }
    if (starts(t, "conv", &p)) {
        L->kind = CL_LAYER_CONV;
        L->stride = 1;
        if (!parse_num(&p, &L->kh) || *p++ != 'x' || !parse_num(&p, &L->kw) || *p++ != 'x' ||
            !parse_num(&p, &L->k)) {
            cl_set_error(err, errlen,
                    "layer %d \"%s\": write conv<KH>x<KW>x<N> (kernel rows, columns, output "
                    "channels), e.g. conv3x3x8, optionally followed by p<P> and s<S>",
                    pos, t);
            return CL_ERR_SPEC;
        }
        int seen_p = 0, seen_s = 0;
        while (*p) {
            char opt = *p++;
            int v;
            if ((opt != 'p' && opt != 's') || !parse_num(&p, &v) || (opt == 'p' ? seen_p : seen_s)) {
                cl_set_error(err, errlen,
                        "layer %d \"%s\": after conv<KH>x<KW>x<N> only p<P> (padding) and s<S> "
                        "(stride) may follow, each once, e.g. conv3x3x8p1s2",
                        pos, t);
                return CL_ERR_SPEC;
            }
            if (opt == 'p') { L->pad = v; seen_p = 1; }
            else { L->stride = v; seen_s = 1; }
        }
        if (L->kh < 1 || L->kw < 1 || L->kh > CL_MAX_KERNEL || L->kw > CL_MAX_KERNEL) {
            cl_set_error(err, errlen, "layer %d \"%s\": kernel sides must be between 1 and %d", pos, t,
                    CL_MAX_KERNEL);
            return CL_ERR_SPEC;
        }
        if (L->k < 1 || L->k > CL_NN_MAX_CHANNELS) {
            cl_set_error(err, errlen, "layer %d \"%s\": output channels must be between 1 and %d", pos, t,
                    CL_NN_MAX_CHANNELS);
            return CL_ERR_SPEC;
        }
        if (L->stride < 1 || L->stride > CL_MAX_STRIDE) {
            cl_set_error(err, errlen, "layer %d \"%s\": stride must be between 1 and %d", pos, t, CL_MAX_STRIDE);
            return CL_ERR_SPEC;
        }
        if (L->pad >= L->kh || L->pad >= L->kw) {
            cl_set_error(err, errlen,
                    "layer %d \"%s\": padding %d must be smaller than the kernel side (p%d is "
                    "\"same\" for a %dx%d kernel)",
                    pos, t, L->pad, (L->kh - 1) / 2, L->kh, L->kh);
            return CL_ERR_SPEC;
        }
        return CL_OK;
    }
    int is_max = starts(t, "maxpool", &p);
    if (is_max || starts(t, "avgpool", &p)) {
        L->kind = is_max ? CL_LAYER_MAXPOOL : CL_LAYER_AVGPOOL;
        if (!parse_num(&p, &L->k) || *p) {
            cl_set_error(err, errlen, "layer %d \"%s\": write %s<K> with K the window side, e.g. %s2", pos,
                    t, is_max ? "maxpool" : "avgpool", is_max ? "maxpool" : "avgpool");
            return CL_ERR_SPEC;
        }
        if (L->k < 1 || L->k > CL_MAX_KERNEL) {
            cl_set_error(err, errlen, "layer %d \"%s\": the window side must be between 1 and %d", pos, t,
                    CL_MAX_KERNEL);
            return CL_ERR_SPEC;
        }
        return CL_OK;
    }
    if (!*t)
        cl_set_error(err, errlen, "layer %d is empty (two '-' in a row, or one at an end?)", pos);
    else
        cl_set_error(err, errlen, "layer %d \"%s\": unknown layer; " EXPECTED, pos, t);
    return CL_ERR_SPEC;
}

/* Fills L's output shape and parameter counts from the input shape in. */
static cl_status infer_shape(cl_nn_layer *L, const cl_nn_layer *in, int pos, int last, char *err,
                             int errlen)
{
    L->c = in->c;
    L->h = in->h;
    L->w = in->w;
    switch (L->kind) {
    case CL_LAYER_DENSE:
        L->c = L->k;
        L->h = L->w = 1;
        L->nw = (size_t)L->k * in->size;
        L->nb = (size_t)L->k;
        break;
    case CL_LAYER_CONV: {
        if (in->c > CL_NN_MAX_CHANNELS) {
            cl_set_error(err, errlen,
                    "layer %d \"%s\": its input has %d channels, more than %d (put the dense "
                    "layers after the convolutions)",
                    pos, L->name, in->c, CL_NN_MAX_CHANNELS);
            return CL_ERR_SPEC;
        }
        int ph = in->h + 2 * L->pad, pw = in->w + 2 * L->pad;
        if (L->kh > ph || L->kw > pw) {
            cl_set_error(err, errlen, "layer %d \"%s\": a %dx%d kernel does not fit the %dx%d input%s", pos,
                    L->name, L->kh, L->kw, in->h, in->w, L->pad ? " even with its padding" : "");
            return CL_ERR_SPEC;
        }
        L->conv = (cl_conv_shape){.b = 1, .c = in->c, .h = in->h, .w = in->w, .oc = L->k,
                                  .kh = L->kh, .kw = L->kw, .pad = L->pad, .stride = L->stride};
        if (cl_conv_shape_init(&L->conv) != CL_OK) {
            cl_set_error(err, errlen, "layer %d \"%s\": this convolution is not supported on a %dx%dx%d input",
                    pos, L->name, in->c, in->h, in->w);
            return CL_ERR_SPEC;
        }
        L->c = L->k;
        L->h = L->conv.oh;
        L->w = L->conv.ow;
        L->nw = (size_t)L->k * (size_t)in->c * (size_t)(L->kh * L->kw);
        L->nb = (size_t)L->k;
        break;
    }
    case CL_LAYER_MAXPOOL:
    case CL_LAYER_AVGPOOL:
        if (L->k > in->h || L->k > in->w) {
            cl_set_error(err, errlen, "layer %d \"%s\": a %dx%d window does not fit the %dx%d input", pos,
                    L->name, L->k, L->k, in->h, in->w);
            return CL_ERR_SPEC;
        }
        L->h = in->h / L->k;
        L->w = in->w / L->k;
        break;
    case CL_LAYER_FLATTEN:
        L->c = (int)in->size;
        L->h = L->w = 1;
        break;
    case CL_LAYER_SOFTMAX:
        if (!last) {
            cl_set_error(err, errlen, "layer %d \"%s\": softmax is an output function: it must be the last layer",
                    pos, L->name);
            return CL_ERR_SPEC;
        }
        if (in->size < 2) {
            cl_set_error(err, errlen,
                    "layer %d \"%s\": softmax over a single output is always 1 (use sigmoid for a "
                    "yes/no output)",
                    pos, L->name);
            return CL_ERR_SPEC;
        }
        break;
    default:
        break;
    }
    L->size = (size_t)L->c * (size_t)L->h * (size_t)L->w;
    return CL_OK;
}

/* Sizes are bounded, so the products below cannot overflow. */
cl_status cl_nn_parse_spec(const char *spec, int c, int h, int w, cl_nn_layer *layer, int *nl,
                           char *norm, size_t *nparams, char *err, int errlen)
{
    if (!spec) {
        cl_set_error(err, errlen, "no spec given");
        return CL_ERR_NULL;
    }
    if (c < 1 || h < 1 || w < 1 || c > CL_NN_MAX_CHANNELS || h > CL_MAX_DIM || w > CL_MAX_DIM ||
        (size_t)c * (size_t)h * (size_t)w > CL_NN_MAX_ACTIVATIONS) {
        cl_set_error(err, errlen, "the input shape %dx%dx%d (channels x height x width) is not allowed", c, h, w);
        return CL_ERR_SIZE;
    }
    /* normalise: lower case, no white space */
    size_t n = 0;
    for (const char *s = spec; *s; s++) {
        if (isspace((unsigned char)*s)) continue;
        if (n + 1 >= CL_NN_MAX_SPEC) {
            cl_set_error(err, errlen, "the spec is longer than %d characters", CL_NN_MAX_SPEC - 1);
            return CL_ERR_SPEC;
        }
        norm[n++] = (char)tolower((unsigned char)*s);
    }
    norm[n] = 0;
    if (n == 0) {
        cl_set_error(err, errlen, "the spec is empty; for example dense128-relu-dense10-softmax");
        return CL_ERR_SPEC;
    }
    cl_nn_layer *in = &layer[0];
    memset(in, 0, sizeof *in);
    in->kind = CL_LAYER_INPUT;
    in->c = c;
    in->h = h;
    in->w = w;
    in->size = (size_t)c * (size_t)h * (size_t)w;
    snprintf(in->name, sizeof in->name, "input%dx%dx%d", c, h, w);

    int count = 1;
    size_t params = 0, acts = in->size;
    int with_weights = 0;
    const char *s = norm;
    for (;;) {
        const char *dash = strchr(s, '-');
        size_t len = dash ? (size_t)(dash - s) : strlen(s);
        char tok[CL_NN_MAX_SPEC];
        memcpy(tok, s, len);
        tok[len] = 0;
        if (count > CL_NN_MAX_LAYERS) {
            cl_set_error(err, errlen, "layer %d \"%s\": too many layers (at most %d)", count, tok,
                    CL_NN_MAX_LAYERS);
            return CL_ERR_SPEC;
        }
        if (len >= sizeof layer[0].name) {
            cl_set_error(err, errlen, "layer %d \"%.20s...\": the layer name is too long", count, tok);
            return CL_ERR_SPEC;
        }
        cl_status st = parse_token(tok, &layer[count], count, err, errlen);
        if (st != CL_OK) return st;
        st = infer_shape(&layer[count], &layer[count - 1], count, dash == NULL, err, errlen);
        if (st != CL_OK) return st;
        cl_nn_layer *L = &layer[count];
        params += L->nw + L->nb;
        acts += L->size;
        if (L->nw) with_weights = 1;
        if (params > CL_NN_MAX_PARAMS) {
            cl_set_error(err, errlen, "layer %d \"%s\": the model would have more than %d parameters",
                    count, tok, CL_NN_MAX_PARAMS);
            return CL_ERR_SPEC;
        }
        if (acts > CL_NN_MAX_ACTIVATIONS) {
            cl_set_error(err, errlen, "layer %d \"%s\": the activations would take more than %d floats per image",
                    count, tok, CL_NN_MAX_ACTIVATIONS);
            return CL_ERR_SPEC;
        }
        count++;
        if (!dash) break;
        s = dash + 1;
    }
    if (!with_weights) {
        cl_set_error(err, errlen, "the model has no layer with weights: add a dense<N> or conv layer");
        return CL_ERR_SPEC;
    }
    *nl = count;
    *nparams = params;
    cl_set_error(err, errlen, "%s", "");
    return CL_OK;
}

cl_status cl_nn_check_spec(const char *spec, int c, int h, int w, char *err, int errlen)
{
    cl_nn_layer layer[CL_NN_MAX_LAYERS + 1];
    char norm[CL_NN_MAX_SPEC];
    int nl;
    size_t np;
    return cl_nn_parse_spec(spec, c, h, w, layer, &nl, norm, &np, err, errlen);
}

int cl_nn_spec_param_count(const char *spec, int c, int h, int w)
{
    cl_nn_layer layer[CL_NN_MAX_LAYERS + 1];
    char norm[CL_NN_MAX_SPEC];
    int nl;
    size_t np;
    if (cl_nn_parse_spec(spec, c, h, w, layer, &nl, norm, &np, NULL, 0) != CL_OK) return -1;
    return (int)np; /* at most CL_NN_MAX_PARAMS */
}

