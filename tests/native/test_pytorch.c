/* test_pytorch.c - the PyTorch export as text: the modules each spec gives,
 * the embedded weights decoded (base64 read here from its definition) against
 * the model's bit for bit under the state-dict key of their module, class
 * names as Python literals, exact sizes and buffers too small. That torch
 * runs the file and computes what the engine computes is checked where
 * python3-torch is installed (tests/wasm/onnx.test.mjs). */
#include "cl_pytorch.h"
#include "cl_onnx.h"
#include "cl_test.h"

#include <string.h>

static cl_nn *model(const char *spec, int c, int h, int w)
{
    cl_nn *m;
    char err[256];
    cl_status st = cl_nn_create(&m, spec, c, h, w, 9, err, sizeof err);
    if (st != CL_OK) print_error("%s: %s\n", spec, err);
    assert_int_equal(st, CL_OK);
    return m;
}

/* The script as a NUL-terminated string (the engine writes no NUL). */
static char *script(const cl_nn *m, const char *names)
{
    size_t len = cl_nn_pytorch_size(m, names);
    assert_true(len > 0);
    char *text = malloc(len + 1);
    memset(text, 0x55, len + 1);
    assert_int_equal(cl_nn_save_pytorch(m, names, text, len + 1), CL_OK);
    assert_int_equal(text[len], 0x55); /* exactly len bytes written */
    text[len] = 0;
    assert_int_equal(strlen(text), len);
    return text;
}

static void expect_line(const char *text, const char *line)
{
    if (!strstr(text, line)) print_error("no line containing: %s\n", line);
    assert_non_null(strstr(text, line));
}

static void test_modules_mirror_the_spec(void **state)
{
    (void)state;
    cl_nn *m = model("conv5x5x4p2s2-tanh-avgpool2-dense16-sigmoid-conv1x1x3-maxpool1-linear-flatten-dense4-softmax",
                     1, 28, 28);
    char *text = script(m, NULL);
    /* in order, each with its index (the state-dict key), token and shapes */
    static const char *const lines[] = {
        "        nn.Conv2d(1, 4, kernel_size=(5, 5), stride=2, padding=2),    # 0: conv5x5x4p2s2, (1, 28, 28) -> (4, 14, 14)\n",
        "        nn.Tanh(),",
        "# 1: tanh, (4, 14, 14) -> (4, 14, 14)\n",
        "        nn.AvgPool2d(2),",
        "        nn.Flatten(),",
        "# 3: flatten for dense16, (4, 7, 7) -> 196 in (C, H, W) order\n",
        "        nn.Linear(196, 16),",
        "# 4: dense16, 196 -> 16\n",
        "        nn.Sigmoid(),",
        "        nn.Unflatten(1, (16, 1, 1)),",
        "# 6: (C, H, W) for conv1x1x3, 16 -> (16, 1, 1)\n",
        "        nn.Conv2d(16, 3, kernel_size=(1, 1), stride=1, padding=0),",
        "        nn.MaxPool2d(1),",
        "        nn.Identity(),",
        "# 9: linear, (3, 1, 1) -> (3, 1, 1)\n",
        "        nn.Flatten(),",
        "# 10: flatten, (3, 1, 1) -> 3\n",
        "        nn.Linear(3, 4),",
        "        nn.Softmax(dim=1),",
        "# 12: softmax, 4 -> 4\n",
        "    )\n",
    };
    const char *at = text;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *next = strstr(at, lines[i]);
        if (!next) print_error("line %zu not found (in order): %s\n", i, lines[i]);
        assert_non_null(next);
        at = next + strlen(lines[i]);
    }
    expect_line(text, "SPEC = \"conv5x5x4p2s2-tanh-avgpool2-dense16-sigmoid-conv1x1x3-maxpool1-linear-flatten-dense4-softmax\"\n");
    expect_line(text, "INPUT_SHAPE = (1, 28, 28)");
    expect_line(text, "CLASS_NAMES = [\"0\", \"1\", \"2\", \"3\"]\n");
    expect_line(text, "    return int(row.argmax())\n");
    expect_line(text, "\nif __name__ == \"__main__\":\n    main(sys.argv[1:])\n");
    free(text);
    cl_nn_free(m);
    /* a 4-D last layer is flattened: the output is (N, outputs) as the engine's */
    m = model("conv3x3x2-relu", 1, 5, 5);
    text = script(m, NULL);
    expect_line(text, "# 2: the output, (2, 3, 3) -> 18 in (C, H, W) order\n");
    free(text);
    cl_nn_free(m);
    /* one sigmoid output: class 1 above 0.5 */
    m = model("dense1-sigmoid", 1, 3, 3);
    text = script(m, "no,yes");
    expect_line(text, "CLASS_NAMES = [\"no\", \"yes\"]\n");
    expect_line(text, "    return int(row[0] > 0.5)\n");
    free(text);
    cl_nn_free(m);
}

static int b64_value(char ch)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = ch ? strchr(digits, ch) : NULL;
    return p ? (int)(p - digits) : -1;
}

/* Decodes the base64 text from s up to the closing triple quote into floats
 * (little-endian), checking line lengths (76 characters, the last shorter). */
static size_t decode_block(const char *s, float *out, size_t max)
{
    uint8_t bytes[4];
    size_t nb = 0, nf = 0, line = 0;
    uint32_t group = 0;
    int have = 0, pad = 0;
    for (; strncmp(s, "\"\"\"", 3) != 0; s++) {
        assert_true(*s != 0);
        if (*s == '\n') {
            assert_true(line > 0 && line <= 76 && line % 4 == 0);
            line = 0;
            continue;
        }
        line++;
        int v = *s == '=' ? 0 : b64_value(*s);
        assert_true(v >= 0);
        if (*s == '=') pad++;
        group = group << 6 | (uint32_t)v;
        if (++have < 4) continue;
        for (int k = 0; k < 3 - pad; k++) {
            bytes[nb++] = (uint8_t)(group >> (16 - 8 * k));
            if (nb == 4) {
                uint32_t u = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
                             (uint32_t)bytes[3] << 24;
                assert_true(nf < max);
                memcpy(&out[nf++], &u, 4);
                nb = 0;
            }
        }
        group = 0;
        have = 0;
    }
    assert_int_equal(line, 0); /* the block ends with a newline */
    assert_int_equal(nb, 0);
    return nf;
}

static void test_weights_decode_to_the_model(void **state)
{
    (void)state;
    /* sizes whose byte counts are 0, 1 and 2 mod 3 (4n mod 3 = n mod 3), and over one line */
    cl_nn *m = model("conv3x3x4p1-relu-maxpool2-dense7-tanh-dense5-conv1x1x2-softmax", 3, 8, 8);
    const uint8_t lab[1] = {1};
    uint8_t img[3 * 64];
    uint32_t s = 4;
    for (size_t i = 0; i < sizeof img; i++) img[i] = (uint8_t)t_rand(&s);
    for (int k = 0; k < 3; k++) assert_int_equal(cl_nn_train_step(m, img, lab, 1), CL_OK);
    char *text = script(m, NULL);
    /* module indices: 0 conv, 1 relu, 2 maxpool, 3 flatten, 4 dense7, 5 tanh, 6 dense5, 7 unflatten, 8 conv */
    static const struct { int layer, module; } where[] = {{1, 0}, {4, 4}, {6, 6}, {7, 8}};
    for (size_t t = 0; t < sizeof where / sizeof where[0]; t++) {
        const int i = where[t].layer;
        for (int role = 0; role < 2; role++) {
            char key[64];
            int d[4];
            size_t count = 1;
            for (int j = 0; j < 4; j++) count *= (size_t)(d[j] = cl_nn_layer_weight_shape(m, i, j));
            if (role == 1) {
                count = (size_t)d[0];
                snprintf(key, sizeof key, "    \"%d.bias\": ((%d,), \"\"\"\n", where[t].module, d[0]);
            } else if (cl_nn_layer_kind(m, i) == CL_LAYER_CONV) {
                snprintf(key, sizeof key, "    \"%d.weight\": ((%d, %d, %d, %d), \"\"\"\n", where[t].module, d[0],
                         d[1], d[2], d[3]);
            } else {
                snprintf(key, sizeof key, "    \"%d.weight\": ((%d, %d), \"\"\"\n", where[t].module, d[0], d[1]);
            }
            const char *at = strstr(text, key);
            if (!at) print_error("no entry %s", key);
            assert_non_null(at);
            float *got = malloc(sizeof(float) * (count + 1));
            assert_int_equal(decode_block(at + strlen(key), got, count + 1), count);
            assert_same_f32(got, role ? cl_nn_layer_bias(m, i) : cl_nn_layer_weights(m, i), count);
            free(got);
        }
    }
    free(text);
    cl_nn_free(m);
}

static void test_class_names_as_python_literals(void **state)
{
    (void)state;
    cl_nn *m = model("dense3-softmax", 1, 2, 2);
    char *text = script(m, " T-shirt/top , say \"hi\",back\\slash Tシャツ ");
    expect_line(text, "CLASS_NAMES = [\"T-shirt/top\", \"say \\\"hi\\\"\", \"back\\\\slash Tシャツ\"]\n");
    free(text);
    char buf[8];
    assert_int_equal(cl_nn_save_pytorch(m, "a,b", buf, sizeof buf), CL_ERR_MISMATCH);
    assert_int_equal(cl_nn_save_pytorch(m, "a,\x01,c", buf, sizeof buf), CL_ERR_ARG);
    assert_int_equal(cl_nn_pytorch_size(m, "a,b"), 0);
    cl_nn_free(m);
}

static void test_size_exact_and_small_buffers(void **state)
{
    (void)state;
    cl_nn *m = model("conv3x3x4-relu-maxpool2-dense10-softmax", 1, 28, 28);
    size_t len = cl_nn_pytorch_size(m, NULL);
    /* base64: 4 characters per 3 bytes of weights */
    assert_true(len > 4 * 4 * (size_t)cl_nn_param_count(m) / 3);
    char *buf = malloc(len), *again = malloc(len);
    memset(buf, 0x55, len);
    assert_int_equal(cl_nn_save_pytorch(m, NULL, buf, len - 1), CL_ERR_OUTPUT);
    for (size_t i = 0; i < len; i++) assert_int_equal(buf[i], 0x55);
    assert_int_equal(cl_nn_save_pytorch(m, NULL, buf, len), CL_OK);
    assert_int_equal(cl_nn_save_pytorch(m, NULL, again, len), CL_OK);
    assert_memory_equal(buf, again, len);
    assert_int_equal(buf[len - 1], '\n');
    assert_int_equal(cl_nn_save_pytorch(NULL, NULL, buf, len), CL_ERR_NULL);
    assert_int_equal(cl_nn_save_pytorch(m, NULL, NULL, len), CL_ERR_NULL);
    assert_int_equal(cl_nn_pytorch_size(NULL, NULL), 0);
    free(buf);
    free(again);
    cl_nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modules_mirror_the_spec),
        cmocka_unit_test(test_weights_decode_to_the_model),
        cmocka_unit_test(test_class_names_as_python_literals),
        cmocka_unit_test(test_size_exact_and_small_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
