/* test_constant.c - cl_constant: every integer constant of the headers by
 * name, with the value of the macro or enum itself; the sentinel for any
 * other name; and, read from the headers in core/ at test time, no constant a header
 * defines is missing (a new limit or enum value must be added to
 * cl_constant.c, or to the list below of constants that are not integers). */
#include "cl_base.h"
#include "cl_conv.h"
#include "cl_filter.h"
#include "cl_image.h"
#include "cl_kernel.h"
#include "cl_nn.h"
#include "cl_onnx.h"
#include "cl_test.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>

#define C(x) {#x, (long long)(x)}
static const struct {
    const char *name;
    long long value;
} expected[] = {
    C(CL_OK), C(CL_ERR_NULL), C(CL_ERR_SIZE), C(CL_ERR_OVERFLOW), C(CL_ERR_NOMEM),
    C(CL_ERR_CHANNELS), C(CL_ERR_KERNEL_SIZE), C(CL_ERR_KERNEL_TOO_BIG), C(CL_ERR_STRIDE),
    C(CL_ERR_PADDING), C(CL_ERR_ARG), C(CL_ERR_OUTPUT), C(CL_ERR_SPEC), C(CL_ERR_FORMAT),
    C(CL_ERR_VERSION), C(CL_ERR_CHECKSUM), C(CL_ERR_TRUNCATED), C(CL_ERR_MISMATCH),
    C(CL_ERR_DIVERGED), C(CL_STATUS_COUNT), C(CL_MAX_DIM), C(CL_MAX_KERNEL), C(CL_MAX_STRIDE),
    C(CL_CONSTANT_UNKNOWN), C(CL_MAX_CONV_CHANNELS), C(CL_PAD_VALID), C(CL_PAD_ZERO),
    C(CL_PAD_REFLECT), C(CL_PAD_EDGE), C(CL_FILTER_GRAY), C(CL_FILTER_PER_CHANNEL),
    C(CL_FILTER_SUM), C(CL_FILTER_MAGNITUDE), C(CL_FILTER_PARAMS_BYTES), C(CL_DISPLAY_CLAMP),
    C(CL_DISPLAY_ABS_SCALED), C(CL_DISPLAY_DIVERGING), C(CL_DISPLAY_COUNT), C(CL_LUMA_R), C(CL_LUMA_G), C(CL_LUMA_B), C(CL_LUMA_SCALE),
    C(CL_KERNEL_IDENTITY),
    C(CL_KERNEL_BOX), C(CL_KERNEL_GAUSSIAN), C(CL_KERNEL_SOBEL_X), C(CL_KERNEL_SOBEL_Y),
    C(CL_KERNEL_SHARPEN), C(CL_KERNEL_LAPLACIAN), C(CL_KERNEL_EMBOSS), C(CL_KERNEL_COUNT),
    C(CL_NN_MAX_LAYERS), C(CL_NN_MAX_SPEC), C(CL_NN_MAX_PARAMS), C(CL_NN_MAX_UNITS),
    C(CL_NN_MAX_CHANNELS), C(CL_NN_MAX_ACTIVATIONS), C(CL_NN_MAX_BATCH), C(CL_NN_MAX_CONFUSION),
    C(CL_LAYER_INPUT), C(CL_LAYER_DENSE), C(CL_LAYER_CONV), C(CL_LAYER_MAXPOOL),
    C(CL_LAYER_AVGPOOL), C(CL_LAYER_FLATTEN), C(CL_LAYER_RELU), C(CL_LAYER_SIGMOID),
    C(CL_LAYER_TANH), C(CL_LAYER_LINEAR), C(CL_LAYER_SOFTMAX), C(CL_LOSS_XENT), C(CL_LOSS_MSE),
    C(CL_LOSS_BCE), C(CL_OPT_SGD), C(CL_OPT_MOMENTUM), C(CL_OPT_ADAM), C(CL_NN_FILE_VERSION),
    C(CL_NN_FILE_HEADER_BYTES), C(CL_NN_MAX_TENSORS), C(CL_NN_MAX_FILE_BYTES),
    C(CL_ONNX_IR_VERSION), C(CL_ONNX_OPSET), C(CL_MAX_CLASS_NAMES),
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

/* Names in the headers that are not integer constants, and why. */
static const char *const not_integers[] = {
    "CL_API",                                             /* the export attribute */
    "CL_NO_BIAS", "CL_BOUNDED_MAX",                       /* floats, internal */
    "CL_DIVERGING_WHITE", "CL_DIVERGING_RED", "CL_DIVERGING_BLUE", /* RGB triplets */
    "CL_ADAM_B1", "CL_ADAM_B2", "CL_ADAM_EPS",            /* floats */
    "CL_GEMM_TILE_N",                                     /* the SIMD kernel's tile, internal */
};

static void test_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEXPECTED; i++) {
        if (cl_constant(expected[i].name) != expected[i].value)
            print_error("%s: %d, want %lld\n", expected[i].name, cl_constant(expected[i].name),
                        expected[i].value);
        assert_true(cl_constant(expected[i].name) == expected[i].value);
    }
    /* a few by value, as the JS copies have them */
    assert_int_equal(cl_constant("CL_MAX_KERNEL"), 15);
    assert_int_equal(cl_constant("CL_MAX_STRIDE"), 4);
    assert_int_equal(cl_constant("CL_PAD_ZERO"), 1);
    assert_int_equal(cl_constant("CL_DISPLAY_DIVERGING"), 2);
    assert_int_equal(cl_constant("CL_KERNEL_SOBEL_X"), 3);
    assert_int_equal(cl_constant("CL_ERR_DIVERGED"), 18);
    assert_int_equal(cl_constant("CL_NN_MAX_BATCH"), 4096);
    assert_int_equal(cl_constant("CL_FILTER_PARAMS_BYTES"), 84);
}

/* The largest model file: header, the longest spec, the tensor count and a
 * full table, every parameter, the CRC; and a real file's size is the same
 * sum of its own parts. */
static void test_model_file_bound(void **state)
{
    (void)state;
    assert_int_equal(cl_constant("CL_NN_MAX_FILE_BYTES"),
                     52 + 255 + 4 + 12 * 64 + 4 * (1 << 24) + 4);
    cl_nn *m;
    const char *spec = "conv3x3x4p1-relu-maxpool2-dense6-tanh-dense3-softmax";
    assert_int_equal(cl_nn_create(&m, spec, 1, 8, 8, 1, NULL, 0), CL_OK);
    int tensors = 0;
    for (int i = 1; i < cl_nn_layer_count(m); i++) tensors += cl_nn_layer_weights(m, i) ? 2 : 0;
    assert_int_equal(cl_nn_save_size(m), (size_t)CL_NN_FILE_HEADER_BYTES + strlen(spec) + 4 +
                                             12 * (size_t)tensors + 4 * (size_t)cl_nn_param_count(m) + 4);
    assert_true(cl_nn_save_size(m) < (size_t)CL_NN_MAX_FILE_BYTES);
    cl_nn_free(m);
}

static void test_unknown_names(void **state)
{
    (void)state;
    assert_int_equal(CL_CONSTANT_UNKNOWN, INT_MIN);
    const char *bad[] = {"", "CL_", "cl_max_kernel", "CL_MAX_KERNEL ", " CL_MAX_KERNEL", "CL_MAX_KERNE",
                         "CL_MAX_KERNELS", "CL_ADAM_B1", "CL_API", "MAX_KERNEL", "CL_NN_MAX_SPEC\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cl_constant(bad[i]), CL_CONSTANT_UNKNOWN);
    assert_int_equal(cl_constant(NULL), CL_CONSTANT_UNKNOWN);
    /* the sentinel is no constant's value but its own */
    for (size_t i = 0; i < NEXPECTED; i++)
        if (strcmp(expected[i].name, "CL_CONSTANT_UNKNOWN") != 0)
            assert_true(expected[i].value != CL_CONSTANT_UNKNOWN);
}

/* ---- every constant the headers define ---- */

/* The file, comments and string literals blanked out (NUL-terminated, malloc'ed). */
static char *read_code(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    s[n] = 0;
    for (long i = 0; i < n; i++) {
        if (s[i] == '/' && s[i + 1] == '*') {
            for (; i < n && !(s[i] == '*' && s[i + 1] == '/'); i++) s[i] = s[i] == '\n' ? '\n' : ' ';
            if (i < n) s[i] = s[i + 1] = ' ';
        } else if (s[i] == '/' && s[i + 1] == '/') {
            for (; i < n && s[i] != '\n'; i++) s[i] = ' ';
        } else if (s[i] == '"') {
            for (s[i++] = ' '; i < n && s[i] != '"'; i++) s[i] = ' ';
            if (i < n) s[i] = ' ';
        }
    }
    return s;
}

static int is_name_char(char c) { return isupper((unsigned char)c) || isdigit((unsigned char)c) || c == '_'; }

static int unknown_names; /* names a header defines that cl_constant does not know */

/* Checks one name the header defines; returns 1 if it must be answered.
 * An unknown name is counted, not failed on the spot, so that the scan frees
 * what it holds before the test fails. */
static int check_name(const char *file, const char *at, size_t len)
{
    char name[64];
    assert_true(len < sizeof name);
    memcpy(name, at, len);
    name[len] = 0;
    for (size_t i = 0; i < sizeof not_integers / sizeof not_integers[0]; i++)
        if (strcmp(name, not_integers[i]) == 0) return 0;
    if (cl_constant(name) == CL_CONSTANT_UNKNOWN && strcmp(name, "CL_CONSTANT_UNKNOWN") != 0) {
        print_error("%s defines %s, which cl_constant does not know\n", file, name);
        unknown_names++;
    }
    return 1;
}

/* The object-like macros with a value, and the enumerators, of one header. */
static int scan_header(const char *path)
{
    char *s = read_code(path);
    int found = 0;
    for (char *p = s; *p; p++) {
        if (*p == '#' && (p == s || p[-1] == '\n')) {
            char *q = p + 1;
            while (*q == ' ') q++;
            if (strncmp(q, "define", 6) != 0) continue;
            q += 6;
            while (*q == ' ') q++;
            char *name = q;
            while (is_name_char(*q)) q++;
            if (strncmp(name, "CL_", 3) != 0 || *q == '(') continue; /* function-like */
            char *v = q;
            while (*v == ' ' || *v == '\t') v++;
            if (*v == '\n' || *v == 0) continue; /* guards, an empty CL_API */
            found += check_name(path, name, (size_t)(q - name));
        } else if (strncmp(p, "enum", 4) == 0 && (p == s || !is_name_char(p[-1])) && !is_name_char(p[4])) {
            char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
            if (!open || !close) continue;
            /* enumerators: the name after '{' or ',' */
            for (char *q = open; q < close; q++) {
                if (*q != '{' && *q != ',') continue;
                char *n = q + 1;
                while (isspace((unsigned char)*n)) n++;
                char *e = n;
                while (is_name_char(*e)) e++;
                if (e > n && strncmp(n, "CL_", 3) == 0) found += check_name(path, n, (size_t)(e - n));
            }
            p = close;
        }
    }
    free(s);
    return found;
}

static void test_every_header_constant_is_known(void **state)
{
    (void)state;
    DIR *d = opendir("core");
    assert_non_null(d); /* the tests run from the repository's root */
    int found = 0, headers = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".h") != 0) continue;
        char path[300];
        snprintf(path, sizeof path, "core/%s", e->d_name);
        found += scan_header(path);
        headers++;
    }
    closedir(d);
    assert_int_equal(unknown_names, 0);
    print_message("  %d integer constants in %d headers\n", found, headers);
    /* the scan itself works: it finds every constant of the list above */
    assert_true(headers >= 10);
    assert_int_equal(found, (int)NEXPECTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_model_file_bound),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_every_header_constant_is_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
