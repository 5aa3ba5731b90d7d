/* cl_nn.c - the model: memory (one block of parameters carved into named
 * pointers), creation, settings, the forward and backward passes over the
 * layers, the training step, inference and inspection. What each layer
 * computes is in its own file (cl_dense.c, cl_conv_layer.c, cl_pool.c,
 * cl_activation.c), as are the losses (cl_loss.c), the optimisers
 * (cl_optimizer.c) and the spec parser (cl_nn_spec.c). */
#include "cl_nn.h"

#include "cl_activation.h"
#include "cl_conv_layer.h"
#include "cl_dense.h"
#include "cl_gemm.h"
#include "cl_image.h"
#include "cl_loss.h"
#include "cl_nn_spec.h"
#include "cl_optimizer.h"
#include "cl_pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* examples per chunk in evaluate/predict */
#define EVAL_CHUNK 100

struct cl_nn {
    char spec[CL_NN_MAX_SPEC];
    uint32_t seed;
    uint64_t rng;
    int nl;                        /* layers incl. input */
    cl_nn_layer layer[CL_NN_MAX_LAYERS + 1];
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
    double undo_b1t, undo_b2t;     /* before the last update (cl_nn_split_undo) */

    uint8_t split_labels[CL_NN_MAX_BATCH]; /* the batch of cl_nn_split_forward, in batch order */

    /* activations for up to cap examples */
    int cap;
    float *act;
    float *work;
    int n;                         /* examples in the last batch run */

    float last_loss;
    int last_correct;
    float eval_loss, eval_acc;
    int32_t *confusion;
    volatile unsigned touched; /* load_u8's early reads, kept */
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
        cl_nn_layer *L = &m->layer[i];
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
        cl_nn_layer *L = &m->layer[i];
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
        cl_nn_layer *L = &m->layer[i];
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
        cl_nn_layer *L = &m->layer[i];
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
    cl_status st = cl_nn_parse_spec(spec, c, h, w, m->layer, &m->nl, m->spec, &np, err, errlen);
    if (st != CL_OK) {
        free(m);
        return st;
    }
    /* weights first, then biases, each tensor at a multiple of 4 floats */
    size_t off = 0;
    for (int i = 1; i < m->nl; i++) {
        cl_nn_layer *L = &m->layer[i];
        L->he_init = i + 1 < m->nl && m->layer[i + 1].kind == CL_LAYER_RELU;
        if (!L->nw) continue;
        L->w_off = off;
        off += round4(L->nw);
    }
    m->Pw = off;
    for (int i = 1; i < m->nl; i++) {
        cl_nn_layer *L = &m->layer[i];
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

/* ----------------------------------------------------------- forward pass */

static void layer_forward(cl_nn *m, int i, int n)
{
    cl_nn_layer *L = &m->layer[i];
    const cl_nn_layer *P = &m->layer[i - 1];
    size_t total = L->size * (size_t)n;
    switch (L->kind) {
    case CL_LAYER_DENSE:
        cl_dense_forward(P->out, L->wt, L->bias, L->out, n, (int)P->size, L->k);
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
    case CL_LAYER_RELU: cl_relu_forward(P->out, L->out, total); break;
    case CL_LAYER_SIGMOID: cl_sigmoid_forward(P->out, L->out, total); break;
    case CL_LAYER_TANH: cl_tanh_forward(P->out, L->out, total); break;
    case CL_LAYER_SOFTMAX: cl_softmax_forward(P->out, L->out, n, L->size); break;
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
    cl_nn_layer *L = &m->layer[i];
    cl_nn_layer *P = &m->layer[i - 1];
    float *dx = i > 1 ? P->dout : NULL;
    size_t total = L->size * (size_t)n;
    switch (L->kind) {
    case CL_LAYER_DENSE:
        cl_dense_backward(P->out, L->wt, L->dout, dx, L->dwt, L->dbias, n, (int)P->size, L->k);
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
    case CL_LAYER_RELU: if (dx) cl_relu_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_SIGMOID: if (dx) cl_sigmoid_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_TANH: if (dx) cl_tanh_backward(L->out, L->dout, dx, total); break;
    case CL_LAYER_SOFTMAX: if (dx) cl_softmax_backward(L->out, L->dout, dx, n, L->size); break;
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

/* Data loss summed over the n examples (the caller divides), correct count,
 * optional confusion counts; with delta, writes dJ/d(output) of the mean loss
 * and returns the layer where backward starts (the fused softmax/sigmoid
 * cross-entropies skip the output layer and give dJ/dlogits). */
static int loss_eval(cl_nn *m, const uint8_t *labels, int n, int batch, int delta, double *sum,
                     int *correct, int32_t *confusion)
{
    const int L = m->nl - 1, K = m->outputs;
    const float *y = m->layer[L].out;
    const float *z = m->layer[L - 1].out; /* logits of a softmax/sigmoid output */
    int ok = 0;
    for (int r = 0; r < n; r++) {
        const int pred = predicted(m, y + (size_t)r * K);
        ok += pred == labels[r];
        if (confusion) confusion[labels[r] * m->classes + pred]++;
    }
    *correct = ok;
    switch (m->loss) {
    case CL_LOSS_XENT:
        *sum = cl_loss_xent(z, y, labels, n, K, batch, delta ? m->layer[L - 1].dout : NULL);
        return L - 1;
    case CL_LOSS_BCE:
        *sum = cl_loss_bce(z, y, labels, n, K, batch, delta ? m->layer[L - 1].dout : NULL);
        return L - 1;
    default:
        *sum = cl_loss_mse(y, labels, n, K, batch, delta ? m->layer[L].dout : NULL);
        return L;
    }
}

/* -------------------------------------------------------------- optimisers */

/* The optimiser step on parameters [lo, hi) (l2: whether they are weights,
 * which take the L2 term): reads the current bank, writes the other. b1t and
 * b2t are Adam's beta^t of this step. Returns nonzero on a value that is not
 * finite. */
static int update_range(const cl_nn *m, size_t lo, size_t hi, int l2, double b1t, double b2t)
{
    const size_t P = m->P, n = hi - lo;
    const float *src = bank(m, m->cur) + lo;
    float *dst = bank(m, 1 - m->cur) + lo;
    const float *g = m->grad + lo;
    const float decay = l2 ? m->l2 : 0.0f;
    switch (m->opt) {
    case CL_OPT_SGD: return cl_sgd_update(src, g, dst, n, m->lr, decay);
    case CL_OPT_MOMENTUM: return cl_momentum_update(src, src + P, g, dst, dst + P, n, m->lr, m->mom, decay);
    default: {
        float lr_t, eps_t;
        cl_adam_step(m->lr, b1t, b2t, &lr_t, &eps_t);
        return cl_adam_update(src, src + P, src + 2 * P, g, dst, dst + P, dst + 2 * P, n, lr_t, eps_t,
                              decay);
    }
    }
}

/* One optimiser step over the parameter ranges r[0..count-1] ([lo, hi): the
 * weights [0, Pw) take the L2 term, the biases [Pw, P) not; a range lies in
 * one of the two): reads the current bank and writes the other, then makes it
 * the current one; on a value that is not finite the current bank stays,
 * unchanged. Parameters outside the ranges are not written in the new bank. */
static cl_status apply_ranges(cl_nn *m, const size_t (*r)[2], int count)
{
    double b1t = m->b1t, b2t = m->b2t;
    if (m->opt == CL_OPT_ADAM) {
        b1t *= CL_ADAM_B1;
        b2t *= CL_ADAM_B2;
    }
    int bad = 0;
    for (int i = 0; i < count; i++)
        if (r[i][1] > r[i][0]) bad |= update_range(m, r[i][0], r[i][1], r[i][0] < m->Pw, b1t, b2t);
    if (bad) return CL_ERR_DIVERGED; /* the current bank still holds the last good state */
    m->undo_b1t = m->b1t;
    m->undo_b2t = m->b2t;
    m->cur = 1 - m->cur;
    m->b1t = b1t;
    m->b2t = b2t;
    m->steps++;
    carve_params(m);
    return CL_OK;
}

/* One optimiser step over all parameters, l2 on the weights [0, Pw) only. */
static cl_status apply_update(cl_nn *m)
{
    const size_t r[2][2] = {{0, m->Pw}, {m->Pw, m->P}};
    return apply_ranges(m, r, 2);
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
    if (idx) {
        /* a shuffled batch's rows lie anywhere in the training set (47 MB for
         * Fashion-MNIST's): each one's first read misses the caches and the
         * TLB. A byte of each of their cache lines read first puts all those
         * misses in flight at once, instead of one row's after the last's. */
        unsigned seen = 0;
        for (int r = 0; r < n; r++) {
            const uint8_t *src = images + (size_t)idx[r] * sz;
            for (size_t j = 0; j < sz; j += 64) seen += src[j];
        }
        m->touched = seen;
    }
    for (int r = 0; r < n; r++) {
        const uint8_t *src = images + (idx ? (size_t)idx[r] : (size_t)r) * sz;
        float *dst = x + (size_t)r * sz;
        cl_u8_scale(src, sz, 1.0f / 255.0f, dst);
    }
}

/* forward, loss, backward and (if update) the optimiser step on the n
 * examples already in layer 0; labels[0..n-1] in batch order; the gradient
 * is that of the mean loss over batch >= n examples (n of them here). */
static cl_status run_step(cl_nn *m, const uint8_t *labels, int n, int batch, int update)
{
    forward(m, n);
    double sum;
    int correct;
    int start = loss_eval(m, labels, n, batch, 1, &sum, &correct, NULL);
    m->last_loss = (float)(sum / n);
    m->last_correct = correct;
    if (!isfinite(sum) || !isfinite(m->last_loss)) return CL_ERR_DIVERGED;
    memset(m->grad, 0, m->P * sizeof(float));
    for (int i = start; i >= 1; i--) layer_backward(m, i, n);
    return update ? apply_update(m) : CL_OK;
}

/* The examples idx[0..n-1] (or 0..n-1) in layer 0, then run_step. */
static cl_status step_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels, const int32_t *idx,
                          int n, int batch, int update)
{
    cl_status st = check_batch(m, images, NULL, n);
    if (st != CL_OK) return st;
    if (batch < n || batch > CL_NN_MAX_BATCH) return CL_ERR_SIZE;
    if (!labels) return CL_ERR_NULL;
    uint8_t lab[CL_NN_MAX_BATCH];
    for (int i = 0; i < n; i++) {
        if (idx && idx[i] < 0) return CL_ERR_ARG;
        lab[i] = labels[idx ? idx[i] : i];
    }
    if ((st = check_batch(m, images, lab, n)) != CL_OK) return st;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    load_u8(m, images, idx, n);
    return run_step(m, lab, n, batch, update);
}

cl_status cl_nn_train_step_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                               const int32_t *idx, int n)
{
    return step_idx(m, images, labels, idx, n, n, 1);
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
    return run_step(m, labels, n, n, update);
}

cl_status cl_nn_train_step_f32(cl_nn *m, const float *x, const uint8_t *labels, int n)
{
    return step_f32(m, x, labels, n, 1);
}

cl_status cl_nn_gradients_f32(cl_nn *m, const float *x, const uint8_t *labels, int n)
{
    return step_f32(m, x, labels, n, 0);
}

/* ------------------------------------------------- data-parallel training */

cl_status cl_nn_gradients_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                              const int32_t *idx, int n, int batch)
{
    return step_idx(m, images, labels, idx, n, batch, 0);
}

/* ------------------------------------------------ model-parallel training */

/* Whether layer 1 is dense with an elementwise activation after it and more
 * layers after that: the layers a split step divides. */
static int splittable(const cl_nn *m)
{
    if (m->nl < 4 || m->layer[1].kind != CL_LAYER_DENSE) return 0;
    const int a = m->layer[2].kind;
    if (a != CL_LAYER_RELU && a != CL_LAYER_SIGMOID && a != CL_LAYER_TANH) return 0;
    /* the layer where backward starts (loss_eval) lies after the activation */
    const int fused = m->loss == CL_LOSS_XENT || m->loss == CL_LOSS_BCE;
    return m->nl - 1 - fused >= 3;
}

int cl_nn_split_units(const cl_nn *m) { return m && splittable(m) ? m->layer[1].k : 0; }

float *cl_nn_split_values(cl_nn *m) { return m && splittable(m) ? m->layer[2].out : NULL; }

static cl_status split_args(const cl_nn *m, int u0, int u1)
{
    if (!m) return CL_ERR_NULL;
    if (!splittable(m)) return CL_ERR_ARG;
    if (u0 < 0 || u0 >= u1 || u1 > m->layer[1].k) return CL_ERR_ARG;
    return CL_OK;
}

/* The activation of layer 2 on units [u0, u1) of each of the n rows. */
static void split_activation(cl_nn *m, int n, int u0, int u1)
{
    const cl_nn_layer *L = &m->layer[1];
    cl_nn_layer *A = &m->layer[2];
    const int units = L->k;
    for (int r = 0; r < n; r++) {
        const size_t at = (size_t)r * units + u0, k = (size_t)(u1 - u0);
        switch (A->kind) {
        case CL_LAYER_RELU: cl_relu_forward(L->out + at, A->out + at, k); break;
        case CL_LAYER_SIGMOID: cl_sigmoid_forward(L->out + at, A->out + at, k); break;
        default: cl_tanh_forward(L->out + at, A->out + at, k); break;
        }
    }
}

cl_status cl_nn_split_forward(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                              const int32_t *idx, int n, int u0, int u1)
{
    cl_status st = split_args(m, u0, u1);
    if (st != CL_OK) return st;
    if ((st = check_batch(m, images, NULL, n)) != CL_OK) return st;
    if (!labels || !idx) return CL_ERR_NULL;
    for (int i = 0; i < n; i++) {
        if (idx[i] < 0) return CL_ERR_ARG;
        m->split_labels[i] = labels[idx[i]];
    }
    if ((st = check_batch(m, images, m->split_labels, n)) != CL_OK) return st;
    if ((st = ensure_capacity(m, n)) != CL_OK) return st;
    load_u8(m, images, idx, n);
    /* layer 1's units [u0, u1): rows u0..u1-1 of its weights (out x in), the
     * same sums in the same order as the whole layer's GEMM */
    cl_nn_layer *L = &m->layer[1];
    const int in = (int)m->layer[0].size, units = L->k;
    for (int r = 0; r < n; r++)
        memcpy(L->out + (size_t)r * units + u0, L->bias + u0, (size_t)(u1 - u0) * sizeof(float));
    cl_gemm_cols(0, 1, n, u1 - u0, in, m->layer[0].out, in, L->wt + (size_t)u0 * in, in, 1.0f,
                 L->out + u0, units, units);
    split_activation(m, n, u0, u1);
    m->n = n;
    return CL_OK;
}

cl_status cl_nn_split_step(cl_nn *m, int n, int u0, int u1)
{
    cl_status st = split_args(m, u0, u1);
    if (st != CL_OK) return st;
    if (n != m->n) return CL_ERR_ARG;
    for (int i = 3; i < m->nl; i++) layer_forward(m, i, n);
    double sum;
    int correct;
    const int start = loss_eval(m, m->split_labels, n, n, 1, &sum, &correct, NULL);
    m->last_loss = (float)(sum / n);
    m->last_correct = correct;
    if (!isfinite(sum) || !isfinite(m->last_loss)) return CL_ERR_DIVERGED;
    /* what this engine updates: layer 1's rows and biases u0..u1-1, and every
     * other layer's parameters (weights first, then biases, as the block lays
     * them out); only their gradient is made (the other rows' is not read) */
    cl_nn_layer *L = &m->layer[1], *A = &m->layer[2];
    const int in = (int)m->layer[0].size, units = L->k;
    const size_t w1 = L->w_off, b1 = L->b_off, wn = (size_t)units * in;
    const size_t own[6][2] = {{0, w1}, {w1 + (size_t)u0 * in, w1 + (size_t)u1 * in}, {w1 + wn, m->Pw},
                              {m->Pw, b1}, {b1 + u0, b1 + u1}, {b1 + units, m->P}};
    for (int i = 0; i < 6; i++)
        if (own[i][1] > own[i][0]) memset(m->grad + own[i][0], 0, (own[i][1] - own[i][0]) * sizeof(float));
    for (int i = start; i >= 3; i--) layer_backward(m, i, n);
    /* the activation's and layer 1's backward on units [u0, u1) */
    for (int r = 0; r < n; r++) {
        const size_t at = (size_t)r * units + u0, k = (size_t)(u1 - u0);
        switch (A->kind) {
        case CL_LAYER_RELU: cl_relu_backward(A->out + at, A->dout + at, L->dout + at, k); break;
        case CL_LAYER_SIGMOID: cl_sigmoid_backward(A->out + at, A->dout + at, L->dout + at, k); break;
        default: cl_tanh_backward(A->out + at, A->dout + at, L->dout + at, k); break;
        }
    }
    cl_gemm(1, 0, u1 - u0, in, n, L->dout + u0, units, m->layer[0].out, in, 1.0f,
            L->dwt + (size_t)u0 * in, in);
    for (int r = 0; r < n; r++) {
        const float *d = L->dout + (size_t)r * units;
        for (int o = u0; o < u1; o++) L->dbias[o] += d[o];
    }
    return apply_ranges(m, own, 6);
}

cl_status cl_nn_split_undo(cl_nn *m)
{
    if (!m) return CL_ERR_NULL;
    if (m->steps < 1) return CL_ERR_ARG;
    m->cur = 1 - m->cur;
    m->b1t = m->undo_b1t;
    m->b2t = m->undo_b2t;
    m->steps--;
    carve_params(m);
    return CL_OK;
}

/* Optimiser state arrays in use beside the weights: 0 (SGD), 1 (momentum), 2 (Adam). */
static int state_arrays(const cl_nn *m)
{
    return m->opt == CL_OPT_SGD ? 0 : m->opt == CL_OPT_MOMENTUM ? 1 : 2;
}

int cl_nn_split_rows_floats(const cl_nn *m, int u0, int u1)
{
    if (split_args(m, u0, u1) != CL_OK) return 0;
    return (1 + state_arrays(m)) * (u1 - u0) * ((int)m->layer[0].size + 1);
}

/* Copies units [u0, u1)'s rows out of the current bank into dst, or (dst
 * NULL) from src into it; CL_ERR_NULL when both are NULL. */
static cl_status split_rows(const cl_nn *m, int u0, int u1, float *dst, const float *src)
{
    cl_status st = split_args(m, u0, u1);
    if (st != CL_OK) return st;
    if (!dst && !src) return CL_ERR_NULL;
    const cl_nn_layer *L = &m->layer[1];
    const size_t in = m->layer[0].size, k = (size_t)(u1 - u0), rows = k * (in + 1);
    float *p = bank(m, m->cur);
    for (int s = 0; s <= state_arrays(m); s++) {
        float *w = p + (size_t)s * m->P + L->w_off + (size_t)u0 * in, *b = p + (size_t)s * m->P + L->b_off + u0;
        if (dst) {
            memcpy(dst + s * rows, w, k * in * sizeof(float));
            memcpy(dst + s * rows + k * in, b, k * sizeof(float));
        } else {
            memcpy(w, src + s * rows, k * in * sizeof(float));
            memcpy(b, src + s * rows + k * in, k * sizeof(float));
        }
    }
    return CL_OK;
}

cl_status cl_nn_split_get_rows(const cl_nn *m, int u0, int u1, float *dst)
{
    return split_rows(m, u0, u1, dst, NULL);
}

cl_status cl_nn_split_set_rows(cl_nn *m, int u0, int u1, const float *src)
{
    return split_rows(m, u0, u1, NULL, src);
}

int cl_nn_param_floats(const cl_nn *m) { return m ? (int)m->P : 0; }
float *cl_nn_params(cl_nn *m) { return m ? bank(m, m->cur) : NULL; }
float *cl_nn_grads(cl_nn *m) { return m ? m->grad : NULL; }

cl_status cl_nn_add_gradients(cl_nn *m, const float *g)
{
    if (!m || !g) return CL_ERR_NULL;
    /* one add per element, in element order: the same bits on every build */
    for (size_t i = 0; i < m->P; i++) m->grad[i] += g[i];
    return CL_OK;
}

cl_status cl_nn_apply_gradients(cl_nn *m)
{
    if (!m) return CL_ERR_NULL;
    return apply_update(m);
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
        loss_eval(m, labels + at, c, c, 0, &s, &k, m->confusion);
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

static const cl_nn_layer *get_layer(const cl_nn *m, int i)
{
    return m && i >= 0 && i < m->nl ? &m->layer[i] : NULL;
}

int cl_nn_layer_count(const cl_nn *m) { return m ? m->nl : 0; }

int cl_nn_layer_kind(const cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L ? L->kind : -1;
}

const char *cl_nn_layer_name(const cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L ? L->name : "";
}

int cl_nn_layer_shape(const cl_nn *m, int i, int dim)
{
    const cl_nn_layer *L = get_layer(m, i);
    if (!L) return -1;
    return dim == 0 ? L->c : dim == 1 ? L->h : dim == 2 ? L->w : -1;
}

int cl_nn_layer_geometry(const cl_nn *m, int i, int what)
{
    const cl_nn_layer *L = get_layer(m, i);
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
    const cl_nn_layer *L = get_layer(m, i);
    return L ? (int)(L->nw + L->nb) : -1;
}

int cl_nn_param_count(const cl_nn *m) { return m ? (int)m->nparams : 0; }

int cl_nn_layer_weight_shape(const cl_nn *m, int i, int dim)
{
    const cl_nn_layer *L = get_layer(m, i);
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
    const cl_nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->wt : NULL;
}

float *cl_nn_layer_bias(cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->bias : NULL;
}

const float *cl_nn_layer_grad_weights(const cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->dwt : NULL;
}

const float *cl_nn_layer_grad_bias(const cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L && L->nw ? L->dbias : NULL;
}

const float *cl_nn_layer_output(const cl_nn *m, int i)
{
    const cl_nn_layer *L = get_layer(m, i);
    return L ? L->out : NULL;
}

const float *cl_nn_output(const cl_nn *m) { return m ? m->layer[m->nl - 1].out : NULL; }
int cl_nn_outputs(const cl_nn *m) { return m ? m->outputs : 0; }
int cl_nn_classes(const cl_nn *m) { return m ? m->classes : 0; }
