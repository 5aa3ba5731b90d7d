/* cl_nn.c - the model: spec parser and shape inference, layers as
 * forward/backward pairs, losses, optimisers, inspection. The heavy loops
 * (GEMM, convolution, pooling) are the kernels of cl_gemm.h, cl_conv_layer.h
 * and cl_pool.h. */
#include "cl_nn.h"

#include "cl_gemm.h"
#include "cl_conv_layer.h"
#include "cl_pool.h"

#include <assert.h>
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* examples per chunk in evaluate/predict */
#define EVAL_CHUNK 100

#define ADAM_EPS 1e-8f

typedef struct nn_layer {
    int kind;
    char name[32];
    int c, h, w;         /* output shape per example */
    size_t size;         /* c * h * w */
    int k;               /* dense units, conv output channels, pool window */
    int kh, kw, pad, stride;
    cl_conv_shape conv;  /* conv geometry; .b set per call */
    size_t nw, nb;       /* weights and biases (0 for layers without) */
    size_t w_off, b_off; /* offsets in a parameter bank (multiples of 4) */
    int he_init;
    /* carved pointers */
    float *wt, *bias;    /* into the current bank */
    float *dwt, *dbias;  /* into the gradient region */
    float *out, *dout;   /* activations (cap, size) and their gradient; NULL dout for layer 0 */
    int32_t *argmax;     /* maxpool only */
} nn_layer;

struct cl_nn {
    char spec[CL_NN_MAX_SPEC];
    uint32_t seed;
    uint64_t rng;
    int nl;                        /* layers incl. input */
    nn_layer layer[CL_NN_MAX_LAYERS + 1];
    int outputs, classes;

    /* parameters: block = bank 0 [w | s1 | s2], bank 1 [w | s1 | s2], grads;
     * each region P floats, weights of all layers first (Pw), then biases */
    size_t P, Pw, nparams;
    float *block;
    int cur;                       /* current bank */
    float *grad;

    int opt, loss;
    float lr, mom, l2;
    int steps;
    double b1t, b2t;               /* Adam: beta1^t, beta2^t */

    /* activations for up to cap examples */
    int cap;
    float *act;
    float *work;
    int n;                         /* examples in the last batch run */

    float last_loss;
    int last_correct;
    float eval_loss, eval_acc;
    int32_t *confusion;
};

/* --------------------------------------------------------------------- rng */

/* splitmix64: tiny, full period, and the same on every platform */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) with 24 bits: exact in float */
static float rng_uniform(uint64_t *s)
{
    return (float)(rng_next(s) >> 40) * (1.0f / 16777216.0f);
}

/* ------------------------------------------------------------- spec parser */

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
static cl_status parse_token(const char *t, nn_layer *L, int pos, char *err, int errlen)
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
static cl_status infer_shape(nn_layer *L, const nn_layer *in, int pos, int last, char *err,
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

/* Parses spec into layer[0..*nl-1] (layer 0 the input). norm receives the
 * normalised spec. Sizes are bounded, so the products below cannot overflow. */
static cl_status parse_spec(const char *spec, int c, int h, int w, nn_layer *layer, int *nl,
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
    nn_layer *in = &layer[0];
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
        nn_layer *L = &layer[count];
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
    nn_layer layer[CL_NN_MAX_LAYERS + 1];
    char norm[CL_NN_MAX_SPEC];
    int nl;
    size_t np;
    return parse_spec(spec, c, h, w, layer, &nl, norm, &np, err, errlen);
}

int cl_nn_spec_param_count(const char *spec, int c, int h, int w)
{
    nn_layer layer[CL_NN_MAX_LAYERS + 1];
    char norm[CL_NN_MAX_SPEC];
    int nl;
    size_t np;
    if (parse_spec(spec, c, h, w, layer, &nl, norm, &np, NULL, 0) != CL_OK) return -1;
    return (int)np; /* at most CL_NN_MAX_PARAMS */
}

/* ------------------------------------------------------- memory and carving */

static size_t round4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static float *bank(const cl_nn *m, int b)
{
    return m->block + (size_t)b * 3 * m->P;
}

static void carve_params(cl_nn *m)
{
    float *p = bank(m, m->cur);
    for (int i = 1; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        if (!L->nw) continue;
        L->wt = p + L->w_off;
        L->bias = p + L->b_off;
        L->dwt = m->grad + L->w_off;
        L->dbias = m->grad + L->b_off;
    }
}

static int is_view(int kind)
{
    return kind == CL_LAYER_FLATTEN || kind == CL_LAYER_LINEAR;
}

/* Grows the activation block to hold n examples; pointers are re-carved. */
static cl_status ensure_capacity(cl_nn *m, int n)
{
    if (n <= m->cap) return CL_OK;
    size_t floats = 0, work = 0;
    for (int i = 0; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        size_t sz;
        if (cl_mul_size(L->size, (size_t)n, &sz) != CL_OK) return CL_ERR_OVERFLOW;
        if (i > 0 && is_view(L->kind)) continue;
        /* out, dout (not for the input) and the int32 argmax of a max-pool */
        int copies = (i == 0 ? 1 : 2) + (L->kind == CL_LAYER_MAXPOOL);
        if (sz > SIZE_MAX / 8 || floats > SIZE_MAX / 2 - 3 * sz) return CL_ERR_OVERFLOW;
        floats += round4(sz) * (size_t)copies;
        if (L->kind == CL_LAYER_CONV) {
            cl_conv_shape s = L->conv;
            s.b = n;
            size_t wk = cl_conv_layer_workspace(&s);
            if (wk > work) work = wk;
        }
    }
    size_t bytes;
    if (work > SIZE_MAX / 8 || floats > SIZE_MAX / 2 - work ||
        cl_mul_size(floats + round4(work), sizeof(float), &bytes) != CL_OK)
        return CL_ERR_OVERFLOW;
    float *act = cl_alloc(bytes);
    if (!act) return CL_ERR_NOMEM;
    cl_free(m->act);
    m->act = act;
    m->cap = n;
    float *p = act;
    for (int i = 0; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        size_t sz = round4(L->size * (size_t)n);
        L->argmax = NULL;
        if (i > 0 && is_view(L->kind)) {
            L->out = m->layer[i - 1].out;
            L->dout = m->layer[i - 1].dout;
            continue;
        }
        L->out = p;
        p += sz;
        L->dout = NULL;
        if (i > 0) {
            L->dout = p;
            p += sz;
        }
        if (L->kind == CL_LAYER_MAXPOOL) {
            L->argmax = (int32_t *)(void *)p;
            p += sz;
        }
    }
    m->work = p;
    return CL_OK;
}

/* --------------------------------------------------------------- creation */

static void init_weights(cl_nn *m)
{
    for (int i = 1; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        if (!L->nw) continue;
        size_t fan_in = L->nw / L->nb;
        size_t fan_out = L->kind == CL_LAYER_CONV ? (size_t)L->k * (size_t)(L->kh * L->kw) : (size_t)L->k;
        float limit = L->he_init ? sqrtf(6.0f / (float)fan_in) : sqrtf(6.0f / (float)(fan_in + fan_out));
        for (size_t j = 0; j < L->nw; j++) L->wt[j] = (2.0f * rng_uniform(&m->rng) - 1.0f) * limit;
        memset(L->bias, 0, L->nb * sizeof(float));
    }
}

static int default_loss(const cl_nn *m)
{
    int last = m->layer[m->nl - 1].kind;
    return last == CL_LAYER_SOFTMAX ? CL_LOSS_XENT : last == CL_LAYER_SIGMOID ? CL_LOSS_BCE : CL_LOSS_MSE;
}

static void reset_optimizer_state(cl_nn *m)
{
    /* s1, s2 of the current bank; the other bank is written whole by the next update */
    memset(bank(m, m->cur) + m->P, 0, 2 * m->P * sizeof(float));
    m->steps = 0;
    m->b1t = 1.0;
    m->b2t = 1.0;
}

cl_status cl_nn_create(cl_nn **out, const char *spec, int c, int h, int w, uint32_t seed, char *err,
                       int errlen)
{
    if (!out) {
        cl_set_error(err, errlen, "no place for the model (out is NULL)");
        return CL_ERR_NULL;
    }
    *out = NULL;
    cl_nn *m = calloc(1, sizeof *m);
    if (!m) {
        cl_set_error(err, errlen, "out of memory");
        return CL_ERR_NOMEM;
    }
    size_t np;
    cl_status st = parse_spec(spec, c, h, w, m->layer, &m->nl, m->spec, &np, err, errlen);
    if (st != CL_OK) {
        free(m);
        return st;
    }
    /* weights first, then biases, each tensor at a multiple of 4 floats */
    size_t off = 0;
    for (int i = 1; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        L->he_init = i + 1 < m->nl && m->layer[i + 1].kind == CL_LAYER_RELU;
        if (!L->nw) continue;
        L->w_off = off;
        off += round4(L->nw);
    }
    m->Pw = off;
    for (int i = 1; i < m->nl; i++) {
        nn_layer *L = &m->layer[i];
        if (!L->nw) continue;
        L->b_off = off;
        off += round4(L->nb);
    }
    m->P = off;
    m->nparams = np;
    m->block = cl_alloc(7 * m->P * sizeof(float)); /* P <= 2^24 + padding: no overflow */
    if (!m->block) {
        free(m);
        cl_set_error(err, errlen, "out of memory");
        return CL_ERR_NOMEM;
    }
    memset(m->block, 0, 7 * m->P * sizeof(float));
    m->grad = m->block + 6 * m->P;
    m->cur = 0;
    carve_params(m);

    m->seed = seed;
    m->rng = (uint64_t)seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    init_weights(m);

    m->outputs = (int)m->layer[m->nl - 1].size;
    m->classes = m->outputs == 1 ? 2 : m->outputs;
    if (m->classes <= CL_NN_MAX_CONFUSION) {
        m->confusion = calloc((size_t)m->classes * (size_t)m->classes, sizeof(int32_t));
        if (!m->confusion) {
            cl_nn_free(m);
            cl_set_error(err, errlen, "out of memory");
            return CL_ERR_NOMEM;
        }
    }
    m->opt = CL_OPT_SGD;
    m->lr = 0.01f;
    m->mom = 0.9f;
    m->l2 = 0.0f;
    m->loss = default_loss(m);
    reset_optimizer_state(m);
    *out = m;
    return CL_OK;
}

void cl_nn_free(cl_nn *m)
{
    if (!m) return;
    cl_free(m->block);
    cl_free(m->act);
    free(m->confusion);
    free(m);
}

const char *cl_nn_spec(const cl_nn *m) { return m ? m->spec : ""; }
uint32_t cl_nn_seed(const cl_nn *m) { return m ? m->seed : 0; }

/* --------------------------------------------------------------- settings */

cl_status cl_nn_set_optimizer(cl_nn *m, int opt, float lr, float momentum, float l2)
{
    if (!m) return CL_ERR_NULL;
    if (opt < CL_OPT_SGD || opt > CL_OPT_ADAM || !(lr > 0.0f) || !(lr < 1e30f) || !(momentum >= 0.0f) ||
        !(momentum < 1.0f) || !(l2 >= 0.0f) || !(l2 < 1e30f))
        return CL_ERR_ARG;
    m->opt = opt;
    m->lr = lr;
    m->mom = momentum;
    m->l2 = l2;
    reset_optimizer_state(m);
    return CL_OK;
}

cl_status cl_nn_set_lr(cl_nn *m, float lr)
{
    if (!m) return CL_ERR_NULL;
    if (!(lr > 0.0f) || !(lr < 1e30f)) return CL_ERR_ARG;
    m->lr = lr;
    return CL_OK;
}

cl_status cl_nn_set_loss(cl_nn *m, int loss)
{
    if (!m) return CL_ERR_NULL;
    if (loss < CL_LOSS_XENT || loss > CL_LOSS_BCE) return CL_ERR_ARG;
    int last = m->layer[m->nl - 1].kind;
    if (loss == CL_LOSS_XENT && last != CL_LAYER_SOFTMAX) return CL_ERR_MISMATCH;
    if (loss == CL_LOSS_BCE && last != CL_LAYER_SIGMOID) return CL_ERR_MISMATCH;
    m->loss = loss;
    return CL_OK;
}

int cl_nn_get_loss_kind(const cl_nn *m) { return m ? m->loss : -1; }
int cl_nn_get_optimizer(const cl_nn *m) { return m ? m->opt : -1; }
float cl_nn_get_lr(const cl_nn *m) { return m ? m->lr : 0.0f; }
float cl_nn_get_momentum(const cl_nn *m) { return m ? m->mom : 0.0f; }
float cl_nn_get_l2(const cl_nn *m) { return m ? m->l2 : 0.0f; }
int cl_nn_steps(const cl_nn *m) { return m ? m->steps : 0; }

/* ----------------------------------------------------- layers: activations */

/* y (n) = act(x (n)); the backward passes use y only. */
static void relu_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
static void relu_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

static void sigmoid_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}
static void sigmoid_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}

static void tanh_forward(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}
static void tanh_backward(const float *y, const float *dy, float *dx, size_t n)
{
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

/* y (B, K) = softmax of each row of x (B, K) */
static void softmax_forward(const float *x, float *y, int b, size_t k)
{
    for (int r = 0; r < b; r++) {
        const float *xr = x + (size_t)r * k;
        float *yr = y + (size_t)r * k;
        float mx = xr[0];
        for (size_t j = 1; j < k; j++) mx = xr[j] > mx ? xr[j] : mx;
        float sum = 0.0f;
        for (size_t j = 0; j < k; j++) sum += yr[j] = expf(xr[j] - mx);
        float inv = 1.0f / sum;
        for (size_t j = 0; j < k; j++) yr[j] *= inv;
    }
}
/* dx = y * (dy - <dy, y>) per row: the softmax Jacobian (used when the loss is
 * not cross-entropy; with cross-entropy the loss gives dL/dx directly). */
static void softmax_backward(const float *y, const float *dy, float *dx, int b, size_t k)
{
    for (int r = 0; r < b; r++) {
        const float *yr = y + (size_t)r * k, *dyr = dy + (size_t)r * k;
        float *dxr = dx + (size_t)r * k;
        float dot = 0.0f;
        for (size_t j = 0; j < k; j++) dot += dyr[j] * yr[j];
        for (size_t j = 0; j < k; j++) dxr[j] = yr[j] * (dyr[j] - dot);
    }
}

/* ----------------------------------------------------------- layers: dense */

/* y (B, OUT) = x (B, IN) W^T + b;  W (OUT, IN) */
static void dense_forward(const float *x, const float *w, const float *bias, float *y, int b, int in,
                          int out)
{
    for (int r = 0; r < b; r++) memcpy(y + (size_t)r * out, bias, (size_t)out * sizeof(float));
    cl_gemm(0, 1, b, out, in, x, in, w, in, 1.0f, y, out);
}

/* dW (OUT, IN) += dy^T x, db (OUT) += column sums of dy (B, OUT), dx (B, IN) = dy W (if dx) */
static void dense_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                           float *db, int b, int in, int out)
{
    cl_gemm(1, 0, out, in, b, dy, out, x, in, 1.0f, dw, in);
    for (int r = 0; r < b; r++) {
        const float *dyr = dy + (size_t)r * out;
        for (int o = 0; o < out; o++) db[o] += dyr[o];
    }
    if (dx) cl_gemm(0, 0, b, in, out, dy, out, w, in, 0.0f, dx, in);
}

/* ----------------------------------------------------------- forward pass */

static void layer_forward(cl_nn *m, int i, int n)
{
    nn_layer *L = &m->layer[i];
    const nn_layer *P = &m->layer[i - 1];
    size_t total = L->size * (size_t)n;
    switch (L->kind) {
    case CL_LAYER_DENSE:
        dense_forward(P->out, L->wt, L->bias, L->out, n, (int)P->size, L->k);
        break;
    case CL_LAYER_CONV: {
        cl_conv_shape s = L->conv;
        s.b = n;
        cl_conv_layer_forward(&s, P->out, L->wt, L->bias, L->out, m->work);
        break;
    }
    case CL_LAYER_MAXPOOL:
        cl_maxpool_forward(P->out, n, P->c, P->h, P->w, L->k, L->out, L->argmax);
        break;
    case CL_LAYER_AVGPOOL:
        cl_avgpool_forward(P->out, n, P->c, P->h, P->w, L->k, L->out);
        break;
    case CL_LAYER_RELU: relu_forward(P->out, L->out, total); break;
    case CL_LAYER_SIGMOID: sigmoid_forward(P->out, L->out, total); break;
    case CL_LAYER_TANH: tanh_forward(P->out, L->out, total); break;
    case CL_LAYER_SOFTMAX: softmax_forward(P->out, L->out, n, L->size); break;
    default: break; /* flatten, linear: views of the layer before */
    }
}

static void forward(cl_nn *m, int n)
{
    for (int i = 1; i < m->nl; i++) layer_forward(m, i, n);
    m->n = n;
}

/* Backward of layer i: parameter gradients (+=) and, unless i == 1, the
 * gradient of layer i-1's output. */
static void layer_backward(cl_nn *m, int i, int n)
{
    nn_layer *L = &m->layer[i];
    nn_layer *P = &m->layer[i - 1];
    float *dx = i > 1 ? P->dout : NULL;
    size_t total = L->size * (size_t)n;
    switch (L->kind) {
    case CL_LAYER_DENSE:
        dense_backward(P->out, L->wt, L->dout, dx, L->dwt, L->dbias, n, (int)P->size, L->k);
        break;
    case CL_LAYER_CONV: {
        cl_conv_shape s = L->conv;
        s.b = n;
        cl_conv_layer_backward(&s, P->out, L->wt, L->dout, dx, L->dwt, L->dbias, m->work);
        break;
    }
    case CL_LAYER_MAXPOOL:
        if (dx) cl_maxpool_backward(L->dout, L->argmax, n, P->c, P->h, P->w, L->k, dx);
        break;
    case CL_LAYER_AVGPOOL:
        if (dx) cl_avgpool_backward(L->dout, n, P->c, P->h, P->w, L->k, dx);
        break;
    case CL_LAYER_RELU: if (dx) relu_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_SIGMOID: if (dx) sigmoid_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_TANH: if (dx) tanh_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_SOFTMAX: if (dx) softmax_backward(L->out, L->dout, dx, n, L->size); break;
    default: break; /* views share their gradient with the layer before */
    }
}

/* ------------------------------------------------------------------ losses */

static int argmax_row(const float *y, int k)
{
    int best = 0;
    for (int j = 1; j < k; j++)
        if (y[j] > y[best]) best = j;
    return best;
}

static int predicted(const cl_nn *m, const float *y)
{
    return m->outputs == 1 ? (y[0] > 0.5f) : argmax_row(y, m->outputs);
}

static float target(const cl_nn *m, int label, int j)
{
    return m->outputs == 1 ? (float)label : (float)(j == label);
}

/* Data loss summed over the n examples (the caller divides), correct count,
 * optional confusion counts; with delta, writes dJ/d(output) of the mean loss
 * and returns the layer where backward starts (the fused softmax/sigmoid
 * cross-entropies skip the output layer and give dJ/dlogits). */
static int loss_eval(cl_nn *m, const uint8_t *labels, int n, int delta, double *sum, int *correct,
                     int32_t *confusion)
{
    const int L = m->nl - 1, K = m->outputs;
    const nn_layer *out = &m->layer[L];
    const float *y = out->out;
    const float *z = m->layer[L - 1].out; /* logits of a softmax/sigmoid output */
    int start = L;
    float *d = out->dout;
    if (m->loss != CL_LOSS_MSE) {
        start = L - 1;
        d = m->layer[L - 1].dout;
    }
    double s = 0.0;
    int ok = 0;
    const float scale_xent = 1.0f / (float)n, scale = 1.0f / ((float)n * (float)K);
    for (int r = 0; r < n; r++) {
        const float *yr = y + (size_t)r * K, *zr = z + (size_t)r * K;
        int lab = labels[r];
        int pred = predicted(m, yr);
        ok += pred == lab;
        if (confusion) confusion[lab * m->classes + pred]++;
        float *dr = delta && d ? d + (size_t)r * K : NULL;
        switch (m->loss) {
        case CL_LOSS_XENT: {
            float mx = zr[0];
            for (int j = 1; j < K; j++) mx = zr[j] > mx ? zr[j] : mx;
            double se = 0.0;
            for (int j = 0; j < K; j++) se += exp((double)zr[j] - mx);
            s += log(se) - ((double)zr[lab] - mx);
            if (dr)
                for (int j = 0; j < K; j++) dr[j] = (yr[j] - target(m, lab, j)) * scale_xent;
            break;
        }
        case CL_LOSS_BCE:
            for (int j = 0; j < K; j++) {
                double zz = zr[j], t = target(m, lab, j);
                s += ((zz > 0 ? zz : 0) - zz * t + log1p(exp(-fabs(zz)))) / K;
                if (dr) dr[j] = (yr[j] - (float)t) * scale;
            }
            break;
        default: /* MSE */
            for (int j = 0; j < K; j++) {
                float e = yr[j] - target(m, lab, j);
                s += (double)e * e / K;
                if (dr) dr[j] = 2.0f * e * scale;
            }
            break;
        }
    }
    *sum = s;
    *correct = ok;
    return start;
}

/* -------------------------------------------------------------- optimisers */

/* Each update reads the current bank and writes the other; returns nonzero if
 * any new value is not finite. l2 applies to [0, Pw) only (weights). The
 * references below are the oracle of cl_nn_wasmsimd.c, which must compute
 * the same expressions in the same order. */
static int finite_f(float v)
{
    return fabsf(v) <= FLT_MAX;
}

int cl_f32_sgd_update_ref(const float *w, const float *g, float *wn, size_t n, float lr, float l2)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float v = w[i] - lr * (g[i] + l2 * w[i]);
        wn[i] = v;
        bad |= !finite_f(v);
    }
    return bad;
}

int cl_f32_momentum_update_ref(const float *w, const float *v, const float *g, float *wn, float *vn,
                               size_t n, float lr, float mom, float l2)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float vv = mom * v[i] - lr * (g[i] + l2 * w[i]);
        float ww = w[i] + vv;
        vn[i] = vv;
        wn[i] = ww;
        bad |= !finite_f(ww);
    }
    return bad;
}

int cl_f32_adam_update_ref(const float *w, const float *m1, const float *m2, const float *g, float *wn,
                           float *m1n, float *m2n, size_t n, float lr_t, float eps_t, float l2)
{
    const float b1 = (float)CL_ADAM_B1, b2 = (float)CL_ADAM_B2;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float gg = g[i] + l2 * w[i];
        float a = b1 * m1[i] + (1.0f - b1) * gg;
        float b = b2 * m2[i] + (1.0f - b2) * gg * gg;
        float ww = w[i] - lr_t * a / (sqrtf(b) + eps_t);
        m1n[i] = a;
        m2n[i] = b;
        wn[i] = ww;
        bad |= !finite_f(ww) || !finite_f(b);
    }
    return bad;
}

#ifdef CL_HAVE_SIMD
#define sgd_update cl_f32_sgd_update_wasmsimd
#define momentum_update cl_f32_momentum_update_wasmsimd
#define adam_update cl_f32_adam_update_wasmsimd
#else
#define sgd_update cl_f32_sgd_update_ref
#define momentum_update cl_f32_momentum_update_ref
#define adam_update cl_f32_adam_update_ref
#endif

static cl_status apply_update(cl_nn *m)
{
    const size_t P = m->P, Pw = m->Pw;
    const float *src = bank(m, m->cur);
    float *dst = bank(m, 1 - m->cur);
    const float *g = m->grad;
    int bad = 0;
    double b1t = m->b1t, b2t = m->b2t;
    switch (m->opt) {
    case CL_OPT_SGD:
        bad |= sgd_update(src, g, dst, Pw, m->lr, m->l2);
        bad |= sgd_update(src + Pw, g + Pw, dst + Pw, P - Pw, m->lr, 0.0f);
        break;
    case CL_OPT_MOMENTUM:
        bad |= momentum_update(src, src + P, g, dst, dst + P, Pw, m->lr, m->mom, m->l2);
        bad |= momentum_update(src + Pw, src + P + Pw, g + Pw, dst + Pw, dst + P + Pw, P - Pw, m->lr,
                               m->mom, 0.0f);
        break;
    default: {
        b1t *= CL_ADAM_B1;
        b2t *= CL_ADAM_B2;
        /* lr * mhat / (sqrt(vhat) + eps) with the bias corrections folded in */
        float lr_t = (float)(m->lr * sqrt(1.0 - b2t) / (1.0 - b1t));
        float eps_t = (float)(ADAM_EPS * sqrt(1.0 - b2t));
        bad |= adam_update(src, src + P, src + 2 * P, g, dst, dst + P, dst + 2 * P, Pw, lr_t, eps_t,
                           m->l2);
        bad |= adam_update(src + Pw, src + P + Pw, src + 2 * P + Pw, g + Pw, dst + Pw, dst + P + Pw,
                           dst + 2 * P + Pw, P - Pw, lr_t, eps_t, 0.0f);
        break;
    }
    }
    if (bad) return CL_ERR_DIVERGED; /* the current bank still holds the last good state */
    m->cur = 1 - m->cur;
    m->b1t = b1t;
    m->b2t = b2t;
    m->steps++;
    carve_params(m);
    return CL_OK;
}

/* ---------------------------------------------------------------- training */

static cl_status check_batch(const cl_nn *m, const void *x, const uint8_t *labels, int n)
{
    if (!m || !x) return CL_ERR_NULL;
    if (n < 1 || n > CL_NN_MAX_BATCH) return CL_ERR_SIZE;
    if (labels) {
        int top = m->outputs == 1 ? 2 : m->outputs;
        for (int i = 0; i < n; i++)
            if (labels[i] >= top) return CL_ERR_ARG;
    }
    return CL_OK;
}

static void load_u8(cl_nn *m, const uint8_t *images, const int32_t *idx, int n)
{
    const size_t sz = m->layer[0].size;
    float *x = m->layer[0].out;
    for (int r = 0; r < n; r++) {
        const uint8_t *src = images + (idx ? (size_t)idx[r] : (size_t)r) * sz;
        float *dst = x + (size_t)r * sz;
        for (size_t j = 0; j < sz; j++) dst[j] = (float)src[j] * (1.0f / 255.0f);
    }
}

/* forward, loss, backward and (if update) the optimiser step on the n
 * examples already in layer 0; labels[0..n-1] in batch order. */
static cl_status run_step(cl_nn *m, const uint8_t *labels, int n, int update)
{
    forward(m, n);
    double sum;
    int correct;
    int start = loss_eval(m, labels, n, 1, &sum, &correct, NULL);
    m->last_loss = (float)(sum / n);
    m->last_correct = correct;
    if (!isfinite(sum) || !isfinite(m->last_loss)) return CL_ERR_DIVERGED;
    memset(m->grad, 0, m->P * sizeof(float));
    for (int i = start; i >= 1; i--) layer_backward(m, i, n);
    return update ? apply_update(m) : CL_OK;
}

cl_status cl_nn_train_step_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                               const int32_t *idx, int n)
{
    cl_status st = check_batch(m, images, NULL, n);
    if (st != CL_OK) return st;
    if (!labels) return CL_ERR_NULL;
    uint8_t lab[CL_NN_MAX_BATCH];
    for (int i = 0; i < n; i++) {
        if (idx && idx[i] < 0) return CL_ERR_ARG;
        lab[i] = labels[idx ? idx[i] : i];
    }
    if ((st = check_batch(m, images, lab, n)) != CL_OK) return st;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    load_u8(m, images, idx, n);
    return run_step(m, lab, n, 1);
}

cl_status cl_nn_train_step(cl_nn *m, const uint8_t *images, const uint8_t *labels, int n)
{
    return cl_nn_train_step_idx(m, images, labels, NULL, n);
}

static cl_status step_f32(cl_nn *m, const float *x, const uint8_t *labels, int n, int update)
{
    cl_status st = check_batch(m, x, labels, n);
    if (st != CL_OK) return st;
    if (!labels) return CL_ERR_NULL;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    memcpy(m->layer[0].out, x, m->layer[0].size * (size_t)n * sizeof(float));
    return run_step(m, labels, n, update);
}

cl_status cl_nn_train_step_f32(cl_nn *m, const float *x, const uint8_t *labels, int n)
{
    return step_f32(m, x, labels, n, 1);
}

cl_status cl_nn_gradients_f32(cl_nn *m, const float *x, const uint8_t *labels, int n)
{
    return step_f32(m, x, labels, n, 0);
}

float cl_nn_loss(const cl_nn *m) { return m ? m->last_loss : 0.0f; }
int cl_nn_correct(const cl_nn *m) { return m ? m->last_correct : 0; }
int cl_nn_batch(const cl_nn *m) { return m ? m->n : 0; }

cl_status cl_nn_shuffle(cl_nn *m, int32_t *idx, int n)
{
    if (!m || !idx) return CL_ERR_NULL;
    if (n < 0) return CL_ERR_SIZE;
    for (int i = 0; i < n; i++) idx[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(rng_next(&m->rng) % (uint64_t)(i + 1));
        int32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    return CL_OK;
}

/* --------------------------------------------------------------- inference */

cl_status cl_nn_forward(cl_nn *m, const uint8_t *images, int n)
{
    cl_status st = check_batch(m, images, NULL, n);
    if (st != CL_OK) return st;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    load_u8(m, images, NULL, n);
    forward(m, n);
    return CL_OK;
}

cl_status cl_nn_forward_f32(cl_nn *m, const float *x, int n)
{
    cl_status st = check_batch(m, x, NULL, n);
    if (st != CL_OK) return st;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    memcpy(m->layer[0].out, x, m->layer[0].size * (size_t)n * sizeof(float));
    forward(m, n);
    return CL_OK;
}

cl_status cl_nn_predict(cl_nn *m, const uint8_t *images, int n, float *probs)
{
    if (!m || !images || !probs) return CL_ERR_NULL;
    if (n < 1) return CL_ERR_SIZE;
    const size_t isz = m->layer[0].size, K = (size_t)m->outputs;
    for (int at = 0; at < n; at += EVAL_CHUNK) {
        int c = n - at < EVAL_CHUNK ? n - at : EVAL_CHUNK;
        cl_status st = cl_nn_forward(m, images + (size_t)at * isz, c);
        if (st != CL_OK) return st;
        memcpy(probs + (size_t)at * K, m->layer[m->nl - 1].out, (size_t)c * K * sizeof(float));
    }
    return CL_OK;
}

cl_status cl_nn_evaluate(cl_nn *m, const uint8_t *images, const uint8_t *labels, int n)
{
    if (!m || !images || !labels) return CL_ERR_NULL;
    if (n < 1) return CL_ERR_SIZE;
    int top = m->outputs == 1 ? 2 : m->outputs;
    for (int i = 0; i < n; i++)
        if (labels[i] >= top) return CL_ERR_ARG;
    if (m->confusion) memset(m->confusion, 0, (size_t)m->classes * (size_t)m->classes * sizeof(int32_t));
    const size_t isz = m->layer[0].size;
    double total = 0.0;
    long ok = 0;
    for (int at = 0; at < n; at += EVAL_CHUNK) {
        int c = n - at < EVAL_CHUNK ? n - at : EVAL_CHUNK;
        cl_status st = cl_nn_forward(m, images + (size_t)at * isz, c);
        if (st != CL_OK) return st;
        double s;
        int k;
        loss_eval(m, labels + at, c, 0, &s, &k, m->confusion);
        total += s;
        ok += k;
    }
    m->eval_loss = (float)(total / n);
    m->eval_acc = (float)((double)ok / n);
    return CL_OK;
}

float cl_nn_eval_loss(const cl_nn *m) { return m ? m->eval_loss : 0.0f; }
float cl_nn_eval_accuracy(const cl_nn *m) { return m ? m->eval_acc : 0.0f; }
const int32_t *cl_nn_confusion(const cl_nn *m) { return m ? m->confusion : NULL; }

/* -------------------------------------------------------------- inspection */

static const nn_layer *get_layer(const cl_nn *m, int i)
{
    return m && i >= 0 && i < m->nl ? &m->layer[i] : NULL;
}

int cl_nn_layer_count(const cl_nn *m) { return m ? m->nl : 0; }

int cl_nn_layer_kind(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L ? L->kind : -1;
}

const char *cl_nn_layer_name(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L ? L->name : "";
}

int cl_nn_layer_shape(const cl_nn *m, int i, int dim)
{
    const nn_layer *L = get_layer(m, i);
    if (!L) return -1;
    return dim == 0 ? L->c : dim == 1 ? L->h : dim == 2 ? L->w : -1;
}

int cl_nn_layer_geometry(const cl_nn *m, int i, int what)
{
    const nn_layer *L = get_layer(m, i);
    if (!L || what < 0 || what > 3) return -1;
    if (L->kind == CL_LAYER_CONV) {
        int g[4] = {L->kh, L->kw, L->pad, L->stride};
        return g[what];
    }
    if (L->kind == CL_LAYER_MAXPOOL || L->kind == CL_LAYER_AVGPOOL) return what == 2 ? 0 : L->k;
    return 0;
}

int cl_nn_layer_params(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L ? (int)(L->nw + L->nb) : -1;
}

int cl_nn_param_count(const cl_nn *m) { return m ? (int)m->nparams : 0; }

int cl_nn_layer_weight_shape(const cl_nn *m, int i, int dim)
{
    const nn_layer *L = get_layer(m, i);
    if (!L || dim < 0 || dim > 3) return -1;
    if (L->kind == CL_LAYER_DENSE) {
        int in = (int)m->layer[i - 1].size;
        return dim == 0 ? L->k : dim == 1 ? in : 1;
    }
    if (L->kind == CL_LAYER_CONV) {
        int d[4] = {L->k, m->layer[i - 1].c, L->kh, L->kw};
        return d[dim];
    }
    return 0;
}

float *cl_nn_layer_weights(cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->wt : NULL;
}

float *cl_nn_layer_bias(cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->bias : NULL;
}

const float *cl_nn_layer_grad_weights(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->dwt : NULL;
}

const float *cl_nn_layer_grad_bias(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->dbias : NULL;
}

const float *cl_nn_layer_output(const cl_nn *m, int i)
{
    const nn_layer *L = get_layer(m, i);
    return L ? L->out : NULL;
}

const float *cl_nn_output(const cl_nn *m) { return m ? m->layer[m->nl - 1].out : NULL; }
int cl_nn_outputs(const cl_nn *m) { return m ? m->outputs : 0; }
int cl_nn_classes(const cl_nn *m) { return m ? m->classes : 0; }
