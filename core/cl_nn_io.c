/* cl_nn_io.c - save and load a model (the format is described in cl_nn.h).
 * Uses only the public model API: a file is a spec plus the tensors that
 * cl_nn_layer_weights/_bias expose, in layer order. */
#include "cl_nn.h"

#include <math.h>
#include <string.h>

#define MAGIC "CLNN"
#define VERSION 1u
#define FIXED_HEADER 52 /* bytes up to and including the spec length */
#define MAX_TENSORS (2 * CL_NN_MAX_LAYERS)

uint32_t cl_crc32(const uint8_t *buf, size_t len)
{
    /* bitwise, no table: a model file is a few hundred kilobytes at most */
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void putf(uint8_t *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put32(p, v);
}

static float getf(const uint8_t *p)
{
    uint32_t v = get32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

/* The model's tensors in file order: weights then bias of each layer with weights. */
typedef struct tensor {
    int layer, role;
    size_t count;
} tensor;

static int model_tensors(const cl_nn *m, tensor *t)
{
    int nt = 0;
    for (int i = 1; i < cl_nn_layer_count(m); i++) {
        int np = cl_nn_layer_params(m, i);
        if (np <= 0) continue;
        size_t nw = 1;
        for (int d = 0; d < 4; d++) nw *= (size_t)cl_nn_layer_weight_shape(m, i, d);
        t[nt++] = (tensor){i, 0, nw};
        t[nt++] = (tensor){i, 1, (size_t)np - nw};
    }
    return nt;
}

static float *tensor_ptr(cl_nn *m, const tensor *t)
{
    return t->role == 0 ? cl_nn_layer_weights(m, t->layer) : cl_nn_layer_bias(m, t->layer);
}

size_t cl_nn_save_size(const cl_nn *m)
{
    if (!m) return 0;
    tensor t[MAX_TENSORS];
    int nt = model_tensors(m, t);
    size_t floats = 0;
    for (int i = 0; i < nt; i++) floats += t[i].count;
    return FIXED_HEADER + strlen(cl_nn_spec(m)) + 4 + 12 * (size_t)nt + 4 * floats + 4;
}

cl_status cl_nn_save(const cl_nn *m, uint8_t *buf, size_t len)
{
    if (!m || !buf) return CL_ERR_NULL;
    size_t total = cl_nn_save_size(m);
    if (len < total) return CL_ERR_OUTPUT;
    const char *spec = cl_nn_spec(m);
    size_t sl = strlen(spec);
    memcpy(buf, MAGIC, 4);
    put32(buf + 4, VERSION);
    put32(buf + 8, (uint32_t)total);
    for (int d = 0; d < 3; d++) put32(buf + 12 + 4 * d, (uint32_t)cl_nn_layer_shape(m, 0, d));
    put32(buf + 24, cl_nn_seed(m));
    put32(buf + 28, (uint32_t)cl_nn_get_optimizer(m));
    putf(buf + 32, cl_nn_get_lr(m));
    putf(buf + 36, cl_nn_get_momentum(m));
    putf(buf + 40, cl_nn_get_l2(m));
    put32(buf + 44, (uint32_t)cl_nn_get_loss_kind(m));
    put32(buf + 48, (uint32_t)sl);
    uint8_t *p = buf + FIXED_HEADER;
    memcpy(p, spec, sl);
    p += sl;
    tensor t[MAX_TENSORS];
    int nt = model_tensors(m, t);
    put32(p, (uint32_t)nt);
    p += 4;
    for (int i = 0; i < nt; i++, p += 12) {
        put32(p, (uint32_t)t[i].layer);
        put32(p + 4, (uint32_t)t[i].role);
        put32(p + 8, (uint32_t)t[i].count);
    }
    for (int i = 0; i < nt; i++) {
        const float *v = tensor_ptr((cl_nn *)m, &t[i]);
        for (size_t j = 0; j < t[i].count; j++, p += 4) putf(p, v[j]);
    }
    put32(p, cl_crc32(buf, total - 4));
    return CL_OK;
}

/* A checked view of a file's parts. */
typedef struct file_view {
    int c, h, w;
    uint32_t seed;
    int opt, loss;
    float lr, mom, l2;
    char spec[CL_NN_MAX_SPEC];
    int nt;
    tensor t[MAX_TENSORS];
    size_t floats; /* values in the file, all tensors together */
    const uint8_t *data;
} file_view;

static cl_status parse_file(const uint8_t *buf, size_t len, file_view *v, char *err, int errlen)
{
    if (!buf) {
        cl_set_error(err, errlen, "no data");
        return CL_ERR_NULL;
    }
    if (len > 0 && len < 4 && memcmp(buf, MAGIC, len) == 0) {
        cl_set_error(err, errlen, "the model file is truncated: %zu bytes, not even a header", len);
        return CL_ERR_TRUNCATED;
    }
    if (len < 4 || memcmp(buf, MAGIC, 4) != 0) {
        cl_set_error(err, errlen, "not a convlab model file (it does not start with \"CLNN\")");
        return CL_ERR_FORMAT;
    }
    if (len < 12) {
        cl_set_error(err, errlen, "the model file is truncated: %zu bytes, not even a header", len);
        return CL_ERR_TRUNCATED;
    }
    uint32_t version = get32(buf + 4), total = get32(buf + 8);
    if (version != VERSION) {
        cl_set_error(err, errlen, "model file version %u; this build reads version %u", version, VERSION);
        return CL_ERR_VERSION;
    }
    if (total < FIXED_HEADER + 8) {
        cl_set_error(err, errlen, "the header gives an impossible file size (%u bytes)", total);
        return CL_ERR_FORMAT;
    }
    if (len < total) {
        cl_set_error(err, errlen, "the model file is truncated: %zu of %u bytes", len, total);
        return CL_ERR_TRUNCATED;
    }
    if (len > total) {
        cl_set_error(err, errlen, "%zu extra bytes after the end of the model (%u bytes)", len - total, total);
        return CL_ERR_FORMAT;
    }
    uint32_t want = get32(buf + total - 4), got = cl_crc32(buf, total - 4);
    if (want != got) {
        cl_set_error(err, errlen, "the model file is corrupted: CRC-32 %08x, expected %08x", got, want);
        return CL_ERR_CHECKSUM;
    }
    /* the checksum matches, but the contents are still checked one by one */
    uint32_t c = get32(buf + 12), h = get32(buf + 16), w = get32(buf + 20);
    uint32_t opt = get32(buf + 28), loss = get32(buf + 44), sl = get32(buf + 48);
    if (c < 1 || h < 1 || w < 1 || c > CL_MAX_DIM || h > CL_MAX_DIM || w > CL_MAX_DIM) {
        cl_set_error(err, errlen, "the input shape %ux%ux%u is not valid", c, h, w);
        return CL_ERR_FORMAT;
    }
    v->c = (int)c;
    v->h = (int)h;
    v->w = (int)w;
    v->seed = get32(buf + 24);
    v->lr = getf(buf + 32);
    v->mom = getf(buf + 36);
    v->l2 = getf(buf + 40);
    if (opt > CL_OPT_ADAM || loss > CL_LOSS_BCE) {
        cl_set_error(err, errlen, "unknown optimiser (%u) or loss (%u)", opt, loss);
        return CL_ERR_FORMAT;
    }
    v->opt = (int)opt;
    v->loss = (int)loss;
    size_t end = total - 4, at = FIXED_HEADER;
    if (sl < 1 || sl >= CL_NN_MAX_SPEC || sl + 4 > end - at) {
        cl_set_error(err, errlen, "the spec length (%u bytes) is not valid", sl);
        return CL_ERR_FORMAT;
    }
    memcpy(v->spec, buf + at, sl);
    v->spec[sl] = 0;
    if (strlen(v->spec) != sl) {
        cl_set_error(err, errlen, "the spec contains a NUL byte");
        return CL_ERR_FORMAT;
    }
    at += sl;
    uint32_t nt = get32(buf + at);
    at += 4;
    if (nt > MAX_TENSORS || (size_t)nt * 12 > end - at) {
        cl_set_error(err, errlen, "the tensor table (%u tensors) is not valid", nt);
        return CL_ERR_FORMAT;
    }
    v->nt = (int)nt;
    size_t floats = 0;
    for (uint32_t i = 0; i < nt; i++, at += 12) {
        uint32_t layer = get32(buf + at), role = get32(buf + at + 4), count = get32(buf + at + 8);
        if (layer > CL_NN_MAX_LAYERS || role > 1 || count > CL_NN_MAX_PARAMS) {
            cl_set_error(err, errlen, "tensor %u (layer %u, role %u, %u values) is not valid", i, layer, role,
                    count);
            return CL_ERR_FORMAT;
        }
        v->t[i] = (tensor){(int)layer, (int)role, count};
        floats += v->t[i].count;
    }
    if (floats * 4 != end - at) {
        cl_set_error(err, errlen, "the tensors hold %zu values but the file has room for %zu", floats,
                (end - at) / 4);
        return CL_ERR_FORMAT;
    }
    v->floats = floats;
    v->data = buf + at;
    for (size_t i = 0; i < floats; i++)
        if (!isfinite(getf(v->data + 4 * i))) {
            cl_set_error(err, errlen, "weight %zu is not a finite number", i);
            return CL_ERR_FORMAT;
        }
    return CL_OK;
}

/* Checks v's tensor table against m and copies the weights in. */
static cl_status fill(cl_nn *m, const file_view *v, char *err, int errlen)
{
    tensor t[MAX_TENSORS];
    int nt = model_tensors(m, t);
    if (nt != v->nt) {
        cl_set_error(err, errlen, "the file has %d tensors, the model %d", v->nt, nt);
        return CL_ERR_MISMATCH;
    }
    for (int i = 0; i < nt; i++)
        if (t[i].layer != v->t[i].layer || t[i].role != v->t[i].role || t[i].count != v->t[i].count) {
            cl_set_error(err, errlen, "tensor %d: the file has %zu values for layer %d %s, the model %zu for layer %d %s",
                    i, v->t[i].count, v->t[i].layer, v->t[i].role ? "bias" : "weights", t[i].count,
                    t[i].layer, t[i].role ? "bias" : "weights");
            return CL_ERR_MISMATCH;
        }
    const uint8_t *p = v->data;
    for (int i = 0; i < nt; i++) {
        float *dst = tensor_ptr(m, &t[i]);
        for (size_t j = 0; j < t[i].count; j++, p += 4) dst[j] = getf(p);
    }
    return CL_OK;
}

cl_status cl_nn_load(cl_nn **out, const uint8_t *buf, size_t len, char *err, int errlen)
{
    if (!out) return CL_ERR_NULL;
    *out = NULL;
    file_view v;
    cl_status st = parse_file(buf, len, &v, err, errlen);
    if (st != CL_OK) return st;
    /* Before building the model (its memory is 7 floats per parameter), check
     * that the file holds as many values as the spec has parameters: a file of
     * a few bytes may name a spec of millions. */
    int np = cl_nn_spec_param_count(v.spec, v.c, v.h, v.w);
    if (np >= 0 && (size_t)np != v.floats) {
        cl_set_error(err, errlen, "the file holds %zu values, the model \"%s\" on %dx%dx%d has %d parameters",
                v.floats, v.spec, v.c, v.h, v.w, np);
        return CL_ERR_MISMATCH;
    }
    cl_nn *m;
    char why[200];
    st = cl_nn_create(&m, v.spec, v.c, v.h, v.w, v.seed, why, sizeof why);
    if (st != CL_OK) {
        cl_set_error(err, errlen, "the model's spec \"%s\" is not valid: %s", v.spec, why);
        return st;
    }
    if ((st = fill(m, &v, err, errlen)) != CL_OK) {
        cl_nn_free(m);
        return st;
    }
    if (cl_nn_set_optimizer(m, v.opt, v.lr, v.mom, v.l2) != CL_OK || cl_nn_set_loss(m, v.loss) != CL_OK) {
        cl_nn_free(m);
        cl_set_error(err, errlen, "the training settings in the file are not valid for this model");
        return CL_ERR_FORMAT;
    }
    cl_set_error(err, errlen, "%s", "");
    *out = m;
    return CL_OK;
}

cl_status cl_nn_load_weights(cl_nn *m, const uint8_t *buf, size_t len, char *err, int errlen)
{
    if (!m) return CL_ERR_NULL;
    file_view v;
    cl_status st = parse_file(buf, len, &v, err, errlen);
    if (st != CL_OK) return st;
    if (strcmp(v.spec, cl_nn_spec(m)) != 0 || v.c != cl_nn_layer_shape(m, 0, 0) ||
        v.h != cl_nn_layer_shape(m, 0, 1) || v.w != cl_nn_layer_shape(m, 0, 2)) {
        cl_set_error(err, errlen, "the file is for \"%s\" on %dx%dx%d, this model is \"%s\" on %dx%dx%d", v.spec,
                v.c, v.h, v.w, cl_nn_spec(m), cl_nn_layer_shape(m, 0, 0), cl_nn_layer_shape(m, 0, 1),
                cl_nn_layer_shape(m, 0, 2));
        return CL_ERR_MISMATCH;
    }
    if ((st = fill(m, &v, err, errlen)) != CL_OK) return st;
    /* the old moments belong to other weights */
    cl_nn_set_optimizer(m, cl_nn_get_optimizer(m), cl_nn_get_lr(m), cl_nn_get_momentum(m),
                        cl_nn_get_l2(m));
    cl_set_error(err, errlen, "%s", "");
    return CL_OK;
}
