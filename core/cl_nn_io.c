/* cl_nn_io.c - save and load a model (the format is described in cl_nn.h).
 * Uses only the public model API: a file is a spec plus the tensors that
 * cl_nn_layer_weights/_bias expose, in layer order. */
#include "cl_nn.h"

#include <math.h>
#include <string.h>

#define MAGIC "CLNN"
#define VERSION ((uint32_t)CL_NN_FILE_VERSION)
#define FIXED_HEADER CL_NN_FILE_HEADER_BYTES
#define MAX_TENSORS CL_NN_MAX_TENSORS

uint32_t cl_crc32(const uint8_t *buf, size_t len)
{
    /* a byte at a time from the usual 256-entry table (entry n is n run bit by
     * bit through the polynomial 0xEDB88320): model files reach megabytes, and
     * make fuzz checks each input several times */
    static const uint32_t table[256] = {
        0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu,
        0xE963A535u, 0x9E6495A3u, 0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u,
        0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u, 0x1DB71064u, 0x6AB020F2u,
        0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
        0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u,
        0xFA0F3D63u, 0x8D080DF5u, 0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u,
        0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu, 0x35B5A8FAu, 0x42B2986Cu,
        0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
        0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u,
        0xCFBA9599u, 0xB8BDA50Fu, 0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u,
        0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du, 0x76DC4190u, 0x01DB7106u,
        0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
        0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du,
        0x91646C97u, 0xE6635C01u, 0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu,
        0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u, 0x65B0D9C6u, 0x12B7E950u,
        0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
        0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u,
        0xA4D1C46Du, 0xD3D6F4FBu, 0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u,
        0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u, 0x5005713Cu, 0x270241AAu,
        0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
        0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u,
        0xB7BD5C3Bu, 0xC0BA6CADu, 0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au,
        0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u, 0xE3630B12u, 0x94643B84u,
        0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
        0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu,
        0x196C3671u, 0x6E6B06E7u, 0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu,
        0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u, 0xD6D6A3E8u, 0xA1D1937Eu,
        0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
        0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u,
        0x316E8EEFu, 0x4669BE79u, 0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u,
        0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu, 0xC5BA3BBEu, 0xB2BD0B28u,
        0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
        0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu,
        0x72076785u, 0x05005713u, 0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u,
        0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u, 0x86D3D2D4u, 0xF1D4E242u,
        0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
        0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u,
        0x616BFFD3u, 0x166CCF45u, 0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u,
        0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu, 0xAED16A4Au, 0xD9D65ADCu,
        0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
        0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u,
        0x54DE5729u, 0x23D967BFu, 0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u,
        0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du};
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) crc = table[(crc ^ buf[i]) & 0xFFu] ^ (crc >> 8);
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
