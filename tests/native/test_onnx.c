/* test_onnx.c - the ONNX export, read back by a small protobuf reader written
 * here from the wire format: the nodes each spec gives (ops, attributes, how
 * they chain), the initializers against the model's weights bit for bit, the
 * input and output types, the metadata, exact sizes, buffers too small, and
 * class names refused. That the file computes what the engine computes is
 * checked by ONNX Runtime (tests/wasm/onnx.test.mjs). */
#include "cl_onnx.h"
#include "cl_test.h"

#include <string.h>

/* ------------------------------------------------ a protobuf reader */

typedef struct msg {
    const uint8_t *p;
    size_t len;
} msg;

typedef struct field {
    int num, wire;
    uint64_t v;   /* wire 0: the varint */
    msg sub;      /* wire 2: the bytes */
} field;

static uint64_t read_varint(const uint8_t **at, const uint8_t *end)
{
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        assert_true(*at < end && shift < 64);
        uint8_t b = *(*at)++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) return v;
    }
}

/* The k-th field numbered num in m (wire types 0 and 2 only, as the writer
 * uses); 0 if there are fewer. Fails the test on a malformed message. */
static int get_field(msg m, int num, int k, field *out)
{
    const uint8_t *at = m.p, *end = m.p + m.len;
    while (at < end) {
        uint64_t key = read_varint(&at, end);
        field f = {(int)(key >> 3), (int)(key & 7), 0, {NULL, 0}};
        if (f.wire == 0) {
            f.v = read_varint(&at, end);
        } else {
            assert_int_equal(f.wire, 2);
            uint64_t n = read_varint(&at, end);
            assert_true(n <= (uint64_t)(end - at));
            f.sub = (msg){at, (size_t)n};
            at += n;
        }
        if (f.num == num && k-- == 0) {
            *out = f;
            return 1;
        }
    }
    return 0;
}

static int count_fields(msg m, int num)
{
    field f;
    int n = 0;
    while (get_field(m, num, n, &f)) n++;
    return n;
}

static msg sub(msg m, int num, int k)
{
    field f;
    assert_true(get_field(m, num, k, &f));
    assert_int_equal(f.wire, 2);
    return f.sub;
}

static int64_t varint(msg m, int num, int k)
{
    field f;
    assert_true(get_field(m, num, k, &f));
    assert_int_equal(f.wire, 0);
    return (int64_t)f.v;
}

/* a string field as a NUL-terminated copy (static: one at a time) */
static const char *str(msg m, int num, int k)
{
    static char s[8192];
    msg b = sub(m, num, k);
    assert_true(b.len < sizeof s);
    memcpy(s, b.p, b.len);
    s[b.len] = 0;
    return s;
}

/* ------------------------------------------------------- helpers */

static cl_nn *model(const char *spec, int c, int h, int w)
{
    cl_nn *m;
    char err[256];
    cl_status st = cl_nn_create(&m, spec, c, h, w, 5, err, sizeof err);
    if (st != CL_OK) print_error("%s: %s\n", spec, err);
    assert_int_equal(st, CL_OK);
    return m;
}

/* The model's ONNX bytes in a buffer one byte longer, that byte 0xAA. */
static uint8_t *exported(const cl_nn *m, const char *names, size_t *len)
{
    *len = cl_nn_onnx_size(m, names);
    assert_true(*len > 0);
    uint8_t *buf = malloc(*len + 1);
    memset(buf, 0xAA, *len + 1);
    assert_int_equal(cl_nn_save_onnx(m, names, buf, *len + 1), CL_OK);
    assert_int_equal(buf[*len], 0xAA);
    return buf;
}

/* ModelProto field 7 */
static msg graph_of(const uint8_t *buf, size_t len) { return sub((msg){buf, len}, 7, 0); }

/* the op types of the graph's nodes, joined by ',' */
static void ops_of(msg g, char *out, size_t n)
{
    out[0] = 0;
    for (int k = 0; k < count_fields(g, 1); k++) {
        if (k) strncat(out, ",", n - strlen(out) - 1);
        strncat(out, str(sub(g, 1, k), 4, 0), n - strlen(out) - 1);
    }
}

/* the attribute called name of a node: its ints (INTS) or its one int (INT) */
static int attribute(msg node, const char *name, int64_t *v, int max)
{
    for (int k = 0; k < count_fields(node, 5); k++) {
        msg a = sub(node, 5, k);
        if (strcmp(str(a, 1, 0), name) != 0) continue;
        int64_t type = varint(a, 20, 0);
        if (type == 2) {
            v[0] = varint(a, 3, 0);
            return 1;
        }
        assert_int_equal(type, 7);
        int n = count_fields(a, 8);
        assert_true(n <= max);
        for (int i = 0; i < n; i++) v[i] = varint(a, 8, i);
        return n;
    }
    return 0;
}

/* --------------------------------------------------------- tests */

static void test_header_bytes_by_hand(void **state)
{
    (void)state;
    cl_nn *m = model("dense3-softmax", 1, 2, 2);
    size_t len;
    uint8_t *buf = exported(m, NULL, &len);
    /* field 1 varint 7 (ir_version), field 2 length 7 "convlab" (producer_name) */
    static const uint8_t want[] = {0x08, 0x07, 0x12, 0x07, 'c', 'o', 'n', 'v', 'l', 'a', 'b'};
    assert_equal_u8(buf, want, sizeof want);
    msg file = {buf, len};
    assert_int_equal(varint(file, 1, 0), CL_ONNX_IR_VERSION);
    msg opset = sub(file, 8, 0);
    assert_string_equal(str(opset, 1, 0), "");
    assert_int_equal(varint(opset, 2, 0), 13);
    free(buf);
    cl_nn_free(m);
}

static void test_nodes_for_each_spec(void **state)
{
    (void)state;
    static const struct { const char *spec; int c, h, w; const char *ops; } cases[] = {
        {"dense128-relu-dense10-softmax", 1, 28, 28, "Flatten,Gemm,Relu,Gemm,Softmax"},
        {"conv3x3x8-relu-maxpool2-conv3x3x16-relu-maxpool2-dense10-softmax", 1, 28, 28,
         "Conv,Relu,MaxPool,Conv,Relu,MaxPool,Flatten,Gemm,Softmax"},
        {"conv3x3x4p1s2-tanh-avgpool2-dense8-sigmoid-dense3", 1, 12, 12,
         "Conv,Tanh,AveragePool,Flatten,Gemm,Sigmoid,Gemm"},
        /* a conv after a dense layer: its (K) becomes (K, 1, 1); ends 4-D: flattened */
        {"dense8-conv1x1x2-maxpool1-linear", 2, 3, 3, "Flatten,Gemm,Reshape,Conv,MaxPool,Identity,Flatten"},
        {"conv3x3x2-softmax", 1, 5, 5, "Conv,Flatten,Softmax"},
        {"flatten-dense3-flatten", 3, 2, 2, "Flatten,Gemm,Flatten"},
        {"conv3x3x2", 1, 5, 5, "Conv,Flatten"},
        {"dense1-sigmoid", 1, 4, 4, "Flatten,Gemm,Sigmoid"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        cl_nn *m = model(cases[t].spec, cases[t].c, cases[t].h, cases[t].w);
        size_t len;
        uint8_t *buf = exported(m, NULL, &len);
        msg g = graph_of(buf, len);
        char ops[256];
        ops_of(g, ops, sizeof ops);
        if (strcmp(ops, cases[t].ops) != 0) print_error("%s: %s\n", cases[t].spec, ops);
        assert_string_equal(ops, cases[t].ops);
        assert_string_equal(str(g, 2, 0), cl_nn_spec(m));
        /* a chain: each node reads the one before, the first the input, the last gives the output */
        int nn = count_fields(g, 1);
        char prev[64] = "image";
        for (int k = 0; k < nn; k++) {
            msg node = sub(g, 1, k);
            assert_string_equal(str(node, 1, 0), prev);
            const char *op = str(node, 4, 0);
            int inputs = !strcmp(op, "Gemm") || !strcmp(op, "Conv") ? 3 : !strcmp(op, "Reshape") ? 2 : 1;
            assert_int_equal(count_fields(node, 1), inputs);
            assert_int_equal(count_fields(node, 2), 1);
            snprintf(prev, sizeof prev, "%s", str(node, 2, 0));
            if (k < nn - 1) assert_string_equal(prev, str(node, 3, 0)); /* output named as its node */
            int64_t v[4];
            if (!strcmp(op, "Gemm")) {
                assert_int_equal(attribute(node, "transB", v, 4), 1);
                assert_int_equal(v[0], 1);
            }
            if (!strcmp(op, "Flatten") || !strcmp(op, "Softmax")) {
                assert_int_equal(attribute(node, "axis", v, 4), 1);
                assert_int_equal(v[0], 1);
            }
            if (!strcmp(op, "Reshape")) assert_string_equal(str(node, 1, 1), "to_nchw_shape");
        }
        assert_string_equal(prev, "output");
        free(buf);
        cl_nn_free(m);
    }
}

static void test_conv_and_pool_attributes(void **state)
{
    (void)state;
    cl_nn *m = model("conv5x5x3p2s2-relu-maxpool3-conv3x2x2s3-avgpool1", 2, 21, 21);
    size_t len;
    uint8_t *buf = exported(m, NULL, &len);
    msg g = graph_of(buf, len);
    int64_t v[4];
    msg conv = sub(g, 1, 0), pool = sub(g, 1, 2), conv2 = sub(g, 1, 3), avg = sub(g, 1, 4);
    assert_int_equal(attribute(conv, "kernel_shape", v, 4), 2);
    assert_true(v[0] == 5 && v[1] == 5);
    assert_int_equal(attribute(conv, "pads", v, 4), 4);
    assert_true(v[0] == 2 && v[1] == 2 && v[2] == 2 && v[3] == 2);
    assert_int_equal(attribute(conv, "strides", v, 4), 2);
    assert_true(v[0] == 2 && v[1] == 2);
    assert_string_equal(str(conv, 1, 1), "l1_conv5x5x3p2s2.weight");
    assert_string_equal(str(conv, 1, 2), "l1_conv5x5x3p2s2.bias");
    assert_int_equal(attribute(pool, "kernel_shape", v, 4), 2);
    assert_true(v[0] == 3 && v[1] == 3);
    assert_int_equal(attribute(pool, "strides", v, 4), 2);
    assert_true(v[0] == 3 && v[1] == 3);
    assert_int_equal(attribute(pool, "pads", v, 4), 0); /* none: the engine drops what is left over */
    assert_int_equal(attribute(conv2, "kernel_shape", v, 4), 2);
    assert_true(v[0] == 3 && v[1] == 2);
    assert_int_equal(attribute(conv2, "pads", v, 4), 4);
    assert_true(v[0] == 0 && v[3] == 0);
    assert_int_equal(attribute(conv2, "strides", v, 4), 2);
    assert_true(v[0] == 3 && v[1] == 3);
    assert_string_equal(str(avg, 4, 0), "AveragePool");
    free(buf);
    cl_nn_free(m);
}

static void test_initializers_are_the_weights(void **state)
{
    (void)state;
    cl_nn *m = model("conv3x3x4p1-relu-maxpool2-dense300-tanh-dense5-conv1x1x2-softmax", 3, 8, 8);
    size_t len;
    uint8_t *buf = exported(m, NULL, &len);
    msg g = graph_of(buf, len);
    int k = 0;
    for (int i = 1; i < cl_nn_layer_count(m); i++) {
        int nw = cl_nn_layer_params(m, i);
        if (cl_nn_layer_weight_shape(m, i, 0) <= 0) continue;
        int conv = cl_nn_layer_kind(m, i) == CL_LAYER_CONV;
        for (int role = 0; role < 2; role++, k++) {
            msg t = sub(g, 5, k);
            char name[64];
            snprintf(name, sizeof name, "l%d_%s.%s", i, cl_nn_layer_name(m, i), role ? "bias" : "weight");
            assert_string_equal(str(t, 8, 0), name);
            assert_int_equal(varint(t, 2, 0), 1); /* FLOAT */
            int nd = role ? 1 : conv ? 4 : 2;
            assert_int_equal(count_fields(t, 1), nd);
            size_t count = 1;
            for (int d = 0; d < nd; d++) {
                assert_int_equal(varint(t, 1, d), cl_nn_layer_weight_shape(m, i, d));
                count *= (size_t)varint(t, 1, d);
            }
            const float *v = role ? cl_nn_layer_bias(m, i) : cl_nn_layer_weights(m, i);
            msg raw = sub(t, 9, 0);
            assert_int_equal(raw.len, 4 * count);
            float *got = malloc(4 * count);
            for (size_t j = 0; j < count; j++) {
                const uint8_t *b = raw.p + 4 * j; /* little-endian whatever the host */
                uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
                memcpy(&got[j], &u, 4);
            }
            assert_same_f32(got, v, count);
            free(got);
            nw -= (int)count;
        }
        assert_int_equal(nw, 0);
    }
    /* and the Reshape target of the conv after dense5: int64 (0, -1, 1, 1) */
    msg t = sub(g, 5, k);
    assert_string_equal(str(t, 8, 0), "to_nchw_shape");
    assert_int_equal(varint(t, 2, 0), 7);
    assert_int_equal(varint(t, 1, 0), 4);
    msg raw = sub(t, 9, 0);
    int64_t shape[4];
    assert_int_equal(raw.len, sizeof shape);
    for (int i = 0; i < 4; i++) {
        uint64_t u = 0;
        for (int b = 7; b >= 0; b--) u = u << 8 | raw.p[8 * i + b];
        shape[i] = (int64_t)u;
    }
    assert_true(shape[0] == 0 && shape[1] == -1 && shape[2] == 1 && shape[3] == 1);
    assert_int_equal(count_fields(g, 5), k + 1);
    free(buf);
    cl_nn_free(m);
}

/* the dims of a ValueInfoProto's tensor type: "N" for the free batch, else the size */
static void dims_of(msg vi, char *out, size_t n)
{
    msg shape = sub(sub(sub(vi, 2, 0), 1, 0), 2, 0);
    assert_int_equal(varint(sub(sub(vi, 2, 0), 1, 0), 1, 0), 1); /* FLOAT */
    out[0] = 0;
    for (int k = 0; k < count_fields(shape, 1); k++) {
        msg d = sub(shape, 1, k);
        char one[32];
        field f;
        if (get_field(d, 2, 0, &f))
            snprintf(one, sizeof one, "%s%s", k ? "," : "", str(d, 2, 0));
        else
            snprintf(one, sizeof one, "%s%lld", k ? "," : "", (long long)varint(d, 1, 0));
        strncat(out, one, n - strlen(out) - 1);
    }
}

static void test_input_and_output(void **state)
{
    (void)state;
    cl_nn *m = model("conv3x3x2-relu-dense7-softmax", 3, 9, 10);
    size_t len;
    uint8_t *buf = exported(m, NULL, &len);
    msg g = graph_of(buf, len);
    char dims[64];
    assert_int_equal(count_fields(g, 11), 1);
    assert_int_equal(count_fields(g, 12), 1);
    assert_string_equal(str(sub(g, 11, 0), 1, 0), "image");
    dims_of(sub(g, 11, 0), dims, sizeof dims);
    assert_string_equal(dims, "N,3,9,10");
    assert_string_equal(str(sub(g, 12, 0), 1, 0), "output");
    dims_of(sub(g, 12, 0), dims, sizeof dims);
    assert_string_equal(dims, "N,7");
    free(buf);
    cl_nn_free(m);
}

/* the value of metadata key in the model, or NULL */
static const char *meta(const uint8_t *buf, size_t len, const char *key)
{
    msg file = {buf, len};
    for (int k = 0; k < count_fields(file, 14); k++) {
        msg e = sub(file, 14, k);
        if (!strcmp(str(e, 1, 0), key)) return str(e, 2, 0);
    }
    return NULL;
}

static void test_metadata(void **state)
{
    (void)state;
    cl_nn *m = model("conv3x3x2-relu-dense3-softmax", 1, 28, 28);
    size_t len;
    uint8_t *buf = exported(m, " T-shirt/top , Tシャツ,Trouser \"long\"", &len);
    assert_string_equal(meta(buf, len, "spec"), "conv3x3x2-relu-dense3-softmax");
    assert_string_equal(meta(buf, len, "input_shape"), "1,28,28");
    assert_non_null(strstr(meta(buf, len, "input_layout"), "NCHW"));
    assert_non_null(strstr(meta(buf, len, "input_scaling"), "/ 255"));
    assert_string_equal(meta(buf, len, "class_names"), "T-shirt/top,Tシャツ,Trouser \"long\"");
    assert_non_null(strstr(meta(buf, len, "output"), "softmax"));
    assert_string_equal(str((msg){buf, len}, 2, 0), "convlab");
    free(buf);
    /* no names: the class numbers; a single sigmoid output has two classes */
    buf = exported(m, NULL, &len);
    assert_string_equal(meta(buf, len, "class_names"), "0,1,2");
    free(buf);
    cl_nn_free(m);
    m = model("dense1-sigmoid", 1, 2, 2);
    buf = exported(m, "", &len);
    assert_string_equal(meta(buf, len, "class_names"), "0,1");
    assert_non_null(strstr(meta(buf, len, "output"), "class 1 above 0.5"));
    free(buf);
    cl_nn_free(m);
}

static void test_size_exact_and_small_buffers(void **state)
{
    (void)state;
    cl_nn *m = model("conv3x3x4-relu-maxpool2-dense10-softmax", 1, 28, 28);
    const char *names = "a,b,c,d,e,f,g,h,i,j";
    size_t len = cl_nn_onnx_size(m, names);
    /* header, the 5,258-ish floats as raw data, names: well over 4 bytes per weight */
    assert_true(len > 4 * (size_t)cl_nn_param_count(m));
    uint8_t *buf = malloc(len), *again = malloc(len);
    memset(buf, 0xAA, len);
    assert_int_equal(cl_nn_save_onnx(m, names, buf, len - 1), CL_ERR_OUTPUT);
    for (size_t i = 0; i < len; i++) assert_int_equal(buf[i], 0xAA); /* nothing written */
    assert_int_equal(cl_nn_save_onnx(m, names, buf, len), CL_OK);
    assert_int_equal(cl_nn_save_onnx(m, names, again, len), CL_OK);
    assert_memory_equal(buf, again, len); /* the same bytes each time */
    assert_int_equal(cl_nn_save_onnx(NULL, names, buf, len), CL_ERR_NULL);
    assert_int_equal(cl_nn_save_onnx(m, names, NULL, len), CL_ERR_NULL);
    assert_int_equal(cl_nn_onnx_size(NULL, names), 0);
    /* the whole file parses as one message to its last byte (get_field walks it all) */
    field f;
    assert_false(get_field((msg){buf, len}, 99, 0, &f));
    free(buf);
    free(again);
    cl_nn_free(m);
}

static void test_class_names_refused(void **state)
{
    (void)state;
    cl_nn *m = model("dense3-softmax", 1, 2, 2);
    static const struct { const char *names; cl_status st; } cases[] = {
        {"a,b", CL_ERR_MISMATCH},
        {"a,b,c,d", CL_ERR_MISMATCH},
        {"a,,c", CL_ERR_ARG},
        {"a,b,", CL_ERR_ARG},
        {"a, ,c", CL_ERR_ARG},
        {"a,b\tx,c", CL_ERR_ARG},     /* a control character */
        {"a,b\x7f,c", CL_ERR_ARG},
        {"a,\xC0\xAF,c", CL_ERR_ARG}, /* an overlong '/' */
        {"a,\xED\xA0\x80,c", CL_ERR_ARG}, /* a UTF-16 surrogate */
        {"a,\xF4\x90\x80\x80,c", CL_ERR_ARG}, /* past U+10FFFF */
        {"a,b,\xE3\x82", CL_ERR_ARG},  /* cut short */
        {"a,b,c", CL_OK},
        {" a , b , c ", CL_OK},
        {"Tシャツ,é,\xF0\x9F\x91\x9F", CL_OK},
        {NULL, CL_OK},
        {"", CL_OK},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        cl_status st = cl_nn_check_class_names(m, cases[t].names);
        if (st != cases[t].st) print_error("case %zu: status %d\n", t, st);
        assert_int_equal(st, cases[t].st);
        uint8_t buf[4];
        if (st != CL_OK) {
            assert_int_equal(cl_nn_onnx_size(m, cases[t].names), 0);
            assert_int_equal(cl_nn_save_onnx(m, cases[t].names, buf, sizeof buf), st);
        } else {
            assert_true(cl_nn_onnx_size(m, cases[t].names) > 0);
        }
    }
    /* the longest string accepted (three names: "y", then two of x's), and one byte more */
    char *long_names = malloc(CL_MAX_CLASS_NAMES + 2);
    memset(long_names, 'x', CL_MAX_CLASS_NAMES + 1);
    long_names[0] = 'y';
    long_names[1] = long_names[CL_MAX_CLASS_NAMES / 2] = ',';
    long_names[CL_MAX_CLASS_NAMES] = 0;
    assert_int_equal(cl_nn_check_class_names(m, long_names), CL_OK);
    long_names[CL_MAX_CLASS_NAMES] = 'x';
    long_names[CL_MAX_CLASS_NAMES + 1] = 0;
    assert_int_equal(cl_nn_check_class_names(m, long_names), CL_ERR_ARG);
    free(long_names);
    assert_int_equal(cl_nn_check_class_names(NULL, "a"), CL_ERR_NULL);
    cl_nn_free(m);
}

static void test_class_name_at(void **state)
{
    (void)state;
    const char *s;
    size_t n = cl_class_name_at(" a b , c", 0, &s);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "a b", 3);
    n = cl_class_name_at(" a b , c", 1, &s);
    assert_int_equal(n, 1);
    assert_memory_equal(s, "c", 1);
    assert_int_equal(cl_class_name_at(" a b , c", 2, &s), 0);
    assert_int_equal(cl_class_name_at(NULL, 0, &s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_bytes_by_hand),
        cmocka_unit_test(test_nodes_for_each_spec),
        cmocka_unit_test(test_conv_and_pool_attributes),
        cmocka_unit_test(test_initializers_are_the_weights),
        cmocka_unit_test(test_input_and_output),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_size_exact_and_small_buffers),
        cmocka_unit_test(test_class_names_refused),
        cmocka_unit_test(test_class_name_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
