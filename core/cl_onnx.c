/* cl_onnx.c - ONNX export (what the file holds is described in cl_onnx.h).
 *
 * Three parts: a protobuf writer (varints, length-delimited fields, raw
 * little-endian floats) that counts when it has no buffer; a plan, the ONNX
 * nodes for the model's layers, made from the public model API only; and one
 * writer per ONNX message (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto and the type messages inside it). Field numbers
 * are those of onnx/onnx.proto. */
#include "cl_onnx.h"
#include "cl_writer.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------- class names */

/* Length of the valid UTF-8 sequence at s (1..4 bytes), 0 if it is not one. */
static size_t utf8_char(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

cl_status cl_nn_check_class_names(const cl_nn *m, const char *class_names)
{
    if (!m) return CL_ERR_NULL;
    if (!class_names || !*class_names) return CL_OK;
    const unsigned char *s = (const unsigned char *)class_names;
    size_t len = strlen(class_names);
    if (len > CL_MAX_CLASS_NAMES) return CL_ERR_ARG;
    int count = 1, filled = 0; /* names so far, and whether this one has a non-space */
    for (size_t i = 0; i < len;) {
        if (s[i] == ',') {
            if (!filled) return CL_ERR_ARG;
            count++;
            filled = 0;
            i++;
            continue;
        }
        if (s[i] < 0x20 || s[i] == 0x7F) return CL_ERR_ARG;
        size_t n = utf8_char(s + i);
        if (n == 0 || n > len - i) return CL_ERR_ARG;
        if (s[i] != ' ') filled = 1;
        i += n;
    }
    if (!filled) return CL_ERR_ARG;
    return count == cl_nn_classes(m) ? CL_OK : CL_ERR_MISMATCH;
}

size_t cl_class_name_at(const char *class_names, int i, const char **start)
{
    *start = "";
    if (!class_names) return 0;
    const char *s = class_names;
    for (int k = 0; k < i && s; k++) {
        s = strchr(s, ',');
        if (s) s++;
    }
    if (!s) return 0;
    const char *end = strchr(s, ',');
    if (!end) end = s + strlen(s);
    while (s < end && *s == ' ') s++;
    while (end > s && end[-1] == ' ') end--;
    *start = s;
    return (size_t)(end - s);
}

/* --------------------------------------------------- protobuf writer */

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* The protobuf writer: counts bytes, and writes them too when buf is set (cl_writer.h). */
typedef cl_writer pb;

static void pb_varint(pb *w, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    cl_writer_put(w, b, n);
}

static void pb_tag(pb *w, int field, int wire) { pb_varint(w, (uint64_t)field << 3 | (uint64_t)wire); }

/* int32 and int64 fields; a negative value takes 10 bytes, as protobuf writes it */
static void pb_int(pb *w, int field, int64_t v)
{
    pb_tag(w, field, WIRE_VARINT);
    pb_varint(w, (uint64_t)v);
}

static void pb_bytes(pb *w, int field, const void *p, size_t n)
{
    pb_tag(w, field, WIRE_LEN);
    pb_varint(w, n);
    cl_writer_put(w, p, n);
}

static void pb_string(pb *w, int field, const char *s) { pb_bytes(w, field, s, strlen(s)); }

/* n floats as little-endian float32 bytes (TensorProto.raw_data) */
static void pb_floats(pb *w, int field, const float *v, size_t n)
{
    if (n > SIZE_MAX / 4) {
        w->bad = 1;
        return;
    }
    pb_tag(w, field, WIRE_LEN);
    pb_varint(w, 4 * n);
    if (!w->buf) { /* counting: no need to read the values */
        if (cl_writer_room(w, 4 * n)) w->at += 4 * n;
        return;
    }
    for (size_t i = 0; i < n && !w->bad; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        const uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
        cl_writer_put(w, b, 4);
    }
}

/* ----------------------------------------------------------- the plan */

#define MAX_NODES (2 * CL_NN_MAX_LAYERS + 2)
#define NAME_LEN 48
#define MAX_ATTRS 3

typedef struct onnx_attr {
    const char *name;
    int n;      /* values in v */
    int scalar; /* 1: an INT attribute (field i), 0: INTS */
    int64_t v[4];
} onnx_attr;

typedef struct onnx_node {
    const char *op;
    char name[NAME_LEN]; /* also its output's name, except the last node's ("output") */
    int from;            /* node whose output is the first input; -1: the graph input */
    int layer;           /* layer whose weights and bias are inputs 2 and 3, 0: none */
    int reshape;         /* 1: input 2 is the Reshape target (N, K, 1, 1) */
    int nattr;
    onnx_attr attr[MAX_ATTRS];
} onnx_node;

typedef struct onnx_plan {
    const cl_nn *m;
    const char *class_names;
    int nn;
    onnx_node node[MAX_NODES];
    int weighted[CL_NN_MAX_LAYERS + 1]; /* layers with weights, in order */
    int nweighted;
    int reshape; /* the graph needs the Reshape target initializer */
} onnx_plan;

#define GRAPH_INPUT "image"
#define GRAPH_OUTPUT "output"
#define RESHAPE_TARGET "to_nchw_shape"

static onnx_node *add_node(onnx_plan *p, const char *op, int layer, const char *suffix)
{
    assert(p->nn < MAX_NODES);
    onnx_node *n = &p->node[p->nn];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->from = p->nn - 1;
    snprintf(n->name, sizeof n->name, "l%d_%s%s", layer, cl_nn_layer_name(p->m, layer), suffix);
    p->nn++;
    return n;
}

static void add_attr(onnx_node *n, const char *name, int scalar, int count, int64_t a, int64_t b)
{
    assert(n->nattr < MAX_ATTRS);
    onnx_attr *t = &n->attr[n->nattr++];
    t->name = name;
    t->scalar = scalar;
    t->n = count;
    for (int i = 0; i < count; i++) t->v[i] = i % 2 ? b : a;
}

/* The nodes for m's layers. rank is that of the current ONNX tensor: 4
 * (N, C, H, W) or 2 (N, F); the engine has no such difference (a dense
 * layer's (K) is its (K, 1, 1)), so views are made explicit where a layer
 * needs the other rank. */
static void make_plan(onnx_plan *p, const cl_nn *m, const char *class_names)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->class_names = class_names;
    int rank = 4;
    const int nl = cl_nn_layer_count(m);
    for (int i = 1; i < nl; i++) {
        const int kind = cl_nn_layer_kind(m, i);
        const int to2 = rank == 4 && (kind == CL_LAYER_DENSE || kind == CL_LAYER_SOFTMAX);
        const int to4 = rank == 2 && (kind == CL_LAYER_CONV || kind == CL_LAYER_MAXPOOL ||
                                      kind == CL_LAYER_AVGPOOL);
        if (to2) {
            add_attr(add_node(p, "Flatten", i, "_flatten"), "axis", 1, 1, 1, 0);
            rank = 2;
        }
        if (to4) {
            add_node(p, "Reshape", i, "_to_nchw")->reshape = 1;
            p->reshape = 1;
            rank = 4;
        }
        onnx_node *n;
        switch (kind) {
        case CL_LAYER_DENSE:
            n = add_node(p, "Gemm", i, "");
            n->layer = i;
            add_attr(n, "transB", 1, 1, 1, 0);
            break;
        case CL_LAYER_CONV: {
            n = add_node(p, "Conv", i, "");
            n->layer = i;
            const int kh = cl_nn_layer_geometry(m, i, 0), kw = cl_nn_layer_geometry(m, i, 1);
            const int pad = cl_nn_layer_geometry(m, i, 2), stride = cl_nn_layer_geometry(m, i, 3);
            add_attr(n, "kernel_shape", 0, 2, kh, kw);
            add_attr(n, "pads", 0, 4, pad, pad); /* top, left, bottom, right */
            add_attr(n, "strides", 0, 2, stride, stride);
            break;
        }
        case CL_LAYER_MAXPOOL:
        case CL_LAYER_AVGPOOL: {
            n = add_node(p, kind == CL_LAYER_MAXPOOL ? "MaxPool" : "AveragePool", i, "");
            const int k = cl_nn_layer_geometry(m, i, 0);
            add_attr(n, "kernel_shape", 0, 2, k, k);
            add_attr(n, "strides", 0, 2, k, k);
            break;
        }
        case CL_LAYER_FLATTEN:
            add_attr(add_node(p, "Flatten", i, ""), "axis", 1, 1, 1, 0);
            rank = 2;
            break;
        case CL_LAYER_RELU: add_node(p, "Relu", i, ""); break;
        case CL_LAYER_SIGMOID: add_node(p, "Sigmoid", i, ""); break;
        case CL_LAYER_TANH: add_node(p, "Tanh", i, ""); break;
        case CL_LAYER_SOFTMAX: add_attr(add_node(p, "Softmax", i, ""), "axis", 1, 1, 1, 0); break;
        default: add_node(p, "Identity", i, ""); break; /* linear */
        }
        if (cl_nn_layer_weight_shape(m, i, 0) > 0) p->weighted[p->nweighted++] = i;
    }
    /* the engine's output is (N, outputs) whatever the last layer's shape */
    if (rank == 4) add_attr(add_node(p, "Flatten", nl - 1, "_flatten"), "axis", 1, 1, 1, 0);
}

static const char *output_name(const onnx_plan *p, int node)
{
    return node < 0 ? GRAPH_INPUT : node == p->nn - 1 ? GRAPH_OUTPUT : p->node[node].name;
}

/* ------------------------------------------------------ the messages */

/* Each writes one message's fields; i says which one (a node, a tensor...). */
typedef void (*pb_writer)(pb *w, const onnx_plan *p, int i);

/* A length-delimited submessage: measured by a counting pass, then written. */
static void pb_message(pb *w, int field, pb_writer fn, const onnx_plan *p, int i)
{
    pb count = {0};
    fn(&count, p, i);
    if (count.bad) {
        w->bad = 1;
        return;
    }
    pb_tag(w, field, WIRE_LEN);
    pb_varint(w, count.at);
    fn(w, p, i);
}

/* AttributeProto: name 1, i 3, ints 8, type 20 (INT 2, INTS 7); i = node * MAX_ATTRS + attr */
static void write_attribute(pb *w, const onnx_plan *p, int i)
{
    const onnx_attr *a = &p->node[i / MAX_ATTRS].attr[i % MAX_ATTRS];
    pb_string(w, 1, a->name);
    if (a->scalar)
        pb_int(w, 3, a->v[0]);
    else
        for (int k = 0; k < a->n; k++) pb_int(w, 8, a->v[k]);
    pb_int(w, 20, a->scalar ? 2 : 7);
}

static void tensor_name(const onnx_plan *p, int layer, int role, char *out, size_t len)
{
    snprintf(out, len, "l%d_%s.%s", layer, cl_nn_layer_name(p->m, layer), role ? "bias" : "weight");
}

/* NodeProto: input 1, output 2, name 3, op_type 4, attribute 5 */
static void write_node(pb *w, const onnx_plan *p, int i)
{
    const onnx_node *n = &p->node[i];
    char name[NAME_LEN + 8];
    pb_string(w, 1, output_name(p, n->from));
    if (n->layer)
        for (int role = 0; role < 2; role++) {
            tensor_name(p, n->layer, role, name, sizeof name);
            pb_string(w, 1, name);
        }
    if (n->reshape) pb_string(w, 1, RESHAPE_TARGET);
    pb_string(w, 2, output_name(p, i));
    pb_string(w, 3, n->name);
    pb_string(w, 4, n->op);
    for (int k = 0; k < n->nattr; k++) pb_message(w, 5, write_attribute, p, i * MAX_ATTRS + k);
}

/* TensorProto: dims 1, data_type 2 (FLOAT 1, INT64 7), name 8, raw_data 9.
 * i = 2 * (index in p->weighted) + role (0 weights, 1 bias); -1 the Reshape target. */
static void write_tensor(pb *w, const onnx_plan *p, int i)
{
    if (i < 0) {
        /* (N, K, 1, 1): 0 keeps N, -1 takes what is left (K) */
        static const uint8_t shape[32] = {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
        pb_int(w, 1, 4);
        pb_int(w, 2, 7);
        pb_string(w, 8, RESHAPE_TARGET);
        pb_bytes(w, 9, shape, sizeof shape);
        return;
    }
    const int layer = p->weighted[i / 2], role = i % 2;
    cl_nn *m = (cl_nn *)p->m; /* the getters hand out writable pointers; only read here */
    int dims[4], nd;
    if (role == 1) {
        dims[0] = cl_nn_layer_weight_shape(m, layer, 0);
        nd = 1;
    } else {
        nd = cl_nn_layer_kind(m, layer) == CL_LAYER_CONV ? 4 : 2; /* dense: (OUT, IN) */
        for (int d = 0; d < nd; d++) dims[d] = cl_nn_layer_weight_shape(m, layer, d);
    }
    size_t count = 1;
    for (int d = 0; d < nd; d++) {
        pb_int(w, 1, dims[d]);
        if (cl_mul_size(count, (size_t)dims[d], &count) != CL_OK) w->bad = 1;
    }
    pb_int(w, 2, 1);
    char name[NAME_LEN + 8];
    tensor_name(p, layer, role, name, sizeof name);
    pb_string(w, 8, name);
    pb_floats(w, 9, role ? cl_nn_layer_bias(m, layer) : cl_nn_layer_weights(m, layer), count);
}

/* TensorShapeProto.Dimension: dim_value 1, dim_param 2; i = 0 the batch ("N"), else the size */
static void write_dim(pb *w, const onnx_plan *p, int i)
{
    (void)p;
    if (i == 0)
        pb_string(w, 2, "N");
    else
        pb_int(w, 1, i);
}

/* TensorShapeProto: dim 1; i = 0 the input (N, C, H, W), 1 the output (N, outputs) */
static void write_shape(pb *w, const onnx_plan *p, int i)
{
    pb_message(w, 1, write_dim, p, 0);
    if (i == 0)
        for (int d = 0; d < 3; d++) pb_message(w, 1, write_dim, p, cl_nn_layer_shape(p->m, 0, d));
    else
        pb_message(w, 1, write_dim, p, cl_nn_outputs(p->m));
}

/* TypeProto.Tensor: elem_type 1 (FLOAT 1), shape 2 */
static void write_tensor_type(pb *w, const onnx_plan *p, int i)
{
    pb_int(w, 1, 1);
    pb_message(w, 2, write_shape, p, i);
}

/* TypeProto: tensor_type 1 */
static void write_type(pb *w, const onnx_plan *p, int i) { pb_message(w, 1, write_tensor_type, p, i); }

/* ValueInfoProto: name 1, type 2, doc_string 3; i = 0 the input, 1 the output */
static void write_value_info(pb *w, const onnx_plan *p, int i)
{
    pb_string(w, 1, i == 0 ? GRAPH_INPUT : GRAPH_OUTPUT);
    pb_message(w, 2, write_type, p, i);
    pb_string(w, 3, i == 0 ? "images (N, C, H, W) float32: each pixel byte / 255 (0..1, 0 black)"
                           : "(N, outputs) float32, one row per image");
}

/* GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12 */
static void write_graph(pb *w, const onnx_plan *p, int i)
{
    (void)i;
    for (int k = 0; k < p->nn; k++) pb_message(w, 1, write_node, p, k);
    pb_string(w, 2, cl_nn_spec(p->m));
    for (int k = 0; k < 2 * p->nweighted; k++) pb_message(w, 5, write_tensor, p, k);
    if (p->reshape) pb_message(w, 5, write_tensor, p, -1);
    pb_string(w, 10, "A convlab model, one node per layer of its spec (see the model's metadata)");
    pb_message(w, 11, write_value_info, p, 0);
    pb_message(w, 12, write_value_info, p, 1);
}

/* OperatorSetIdProto: domain 1 ("" is the default domain), version 2 */
static void write_opset(pb *w, const onnx_plan *p, int i)
{
    (void)p;
    (void)i;
    pb_string(w, 1, "");
    pb_int(w, 2, CL_ONNX_OPSET);
}

enum { META_SPEC, META_SHAPE, META_LAYOUT, META_SCALING, META_CLASSES, META_OUTPUT, META_COUNT };

/* The class names, one ',' between them (spaces around each dropped), or the
 * class numbers when there are none. */
static void write_class_names(pb *w, const onnx_plan *p, int field)
{
    const int k = cl_nn_classes(p->m);
    const int named = p->class_names && *p->class_names;
    char num[16];
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            pb_tag(w, field, WIRE_LEN);
            pb_varint(w, total);
        }
        for (int c = 0; c < k; c++) {
            const char *s = num;
            size_t n = named ? cl_class_name_at(p->class_names, c, &s)
                             : (size_t)snprintf(num, sizeof num, "%d", c);
            if (pass == 0)
                total += n + (c > 0);
            else {
                if (c > 0) cl_writer_put(w, ",", 1);
                cl_writer_put(w, s, n);
            }
        }
    }
}

/* StringStringEntryProto: key 1, value 2 */
static void write_meta(pb *w, const onnx_plan *p, int i)
{
    const cl_nn *m = p->m;
    static const char *const keys[META_COUNT] = {"spec", "input_shape", "input_layout", "input_scaling",
                                                 "class_names", "output"};
    pb_string(w, 1, keys[i]);
    char shape[48];
    const int last = cl_nn_layer_kind(m, cl_nn_layer_count(m) - 1), single = cl_nn_outputs(m) == 1;
    switch (i) {
    case META_SPEC: pb_string(w, 2, cl_nn_spec(m)); break;
    case META_SHAPE:
        snprintf(shape, sizeof shape, "%d,%d,%d", cl_nn_layer_shape(m, 0, 0), cl_nn_layer_shape(m, 0, 1),
                 cl_nn_layer_shape(m, 0, 2));
        pb_string(w, 2, shape);
        break;
    case META_LAYOUT:
        pb_string(w, 2, "NCHW: input_shape is (C, H, W) of one image; the input tensor is (N, C, H, W), "
                        "N images of C planes of H rows of W pixels");
        break;
    case META_SCALING:
        pb_string(w, 2, "float32 = pixel byte / 255, so 0..255 becomes 0..1 (0 black), as convlab reads "
                        "images and as torchvision's ToTensor() gives them");
        break;
    case META_CLASSES: write_class_names(w, p, 2); break;
    default:
        pb_string(w, 2, last == CL_LAYER_SOFTMAX ? "class probabilities (softmax), in class_names order"
                        : single && last == CL_LAYER_SIGMOID ? "the probability of class 1 (sigmoid): class 1 above 0.5"
                        : single ? "one linear output: class 1 above 0.5"
                        : last == CL_LAYER_SIGMOID ? "one sigmoid per class; the predicted class is the largest"
                                                   : "linear outputs, one per class; the predicted class is the largest");
        break;
    }
}

/* ModelProto: ir_version 1, producer_name 2, doc_string 6, graph 7,
 * opset_import 8, metadata_props 14 */
static void write_model(pb *w, const onnx_plan *p, int i)
{
    (void)i;
    pb_int(w, 1, CL_ONNX_IR_VERSION);
    pb_string(w, 2, "convlab");
    pb_string(w, 6, "Trained in convlab, an in-browser CNN lab. Input \"image\" (N, C, H, W) float32, "
                    "pixel bytes / 255; output \"output\" (N, outputs). See metadata_props.");
    pb_message(w, 7, write_graph, p, 0);
    pb_message(w, 8, write_opset, p, 0);
    for (int k = 0; k < META_COUNT; k++) pb_message(w, 14, write_meta, p, k);
}

/* ------------------------------------------------------------ public */

size_t cl_nn_onnx_size(const cl_nn *m, const char *class_names)
{
    if (cl_nn_check_class_names(m, class_names) != CL_OK) return 0;
    onnx_plan p;
    make_plan(&p, m, class_names);
    pb count = {0};
    write_model(&count, &p, 0);
    return count.bad ? 0 : count.at;
}

cl_status cl_nn_save_onnx(const cl_nn *m, const char *class_names, uint8_t *buf, size_t len)
{
    if (!m || !buf) return CL_ERR_NULL;
    cl_status st = cl_nn_check_class_names(m, class_names);
    if (st != CL_OK) return st;
    onnx_plan p;
    make_plan(&p, m, class_names);
    pb count = {0};
    write_model(&count, &p, 0);
    if (count.bad) return CL_ERR_OVERFLOW;
    if (len < count.at) return CL_ERR_OUTPUT;
    pb out = {.buf = buf, .cap = count.at};
    write_model(&out, &p, 0);
    assert(!out.bad && out.at == count.at);
    return CL_OK;
}
