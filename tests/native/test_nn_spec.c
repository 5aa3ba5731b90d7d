/* test_nn_spec.c - the spec parser: the layers it reads, each limit at its
 * edge, normalisation, and every bad spec with a message naming the layer. */
#include "cl_nn_spec.h"
#include "cl_test.h"

#include <string.h>

/* The parser's own result: each layer's kind, shape and parameter counts. */
static void test_parsed_layers(void **state)
{
    (void)state;
    cl_nn_layer layer[CL_NN_MAX_LAYERS + 1];
    char norm[CL_NN_MAX_SPEC], err[200];
    int nl;
    size_t np;
    assert_int_equal(cl_nn_parse_spec("conv5x5x6p2s2-relu-maxpool2-flatten-dense10-softmax", 3, 32, 30, layer,
                                      &nl, norm, &np, err, sizeof err),
                     CL_OK);
    assert_string_equal(err, "");
    assert_int_equal(nl, 7);
    static const struct {
        int kind, c, h, w;
        size_t nw, nb;
    } want[7] = {
        {CL_LAYER_INPUT, 3, 32, 30, 0, 0},
        {CL_LAYER_CONV, 6, 16, 15, 6 * 3 * 25, 6}, /* (32 + 4 - 5) / 2 + 1, (30 + 4 - 5) / 2 + 1 */
        {CL_LAYER_RELU, 6, 16, 15, 0, 0},
        {CL_LAYER_MAXPOOL, 6, 8, 7, 0, 0},
        {CL_LAYER_FLATTEN, 6 * 8 * 7, 1, 1, 0, 0},
        {CL_LAYER_DENSE, 10, 1, 1, 10 * 336, 10},
        {CL_LAYER_SOFTMAX, 10, 1, 1, 0, 0},
    };
    for (int i = 0; i < nl; i++) {
        assert_int_equal(layer[i].kind, want[i].kind);
        assert_int_equal(layer[i].c, want[i].c);
        assert_int_equal(layer[i].h, want[i].h);
        assert_int_equal(layer[i].w, want[i].w);
        assert_int_equal(layer[i].size, (size_t)want[i].c * want[i].h * want[i].w);
        assert_int_equal(layer[i].nw, want[i].nw);
        assert_int_equal(layer[i].nb, want[i].nb);
    }
    assert_int_equal(np, 6 * 75 + 6 + 3360 + 10);
    assert_int_equal(cl_nn_spec_param_count(norm, 3, 32, 30), (int)np);
    /* the conv layer's geometry, ready for its kernels but for the batch */
    assert_int_equal(layer[1].conv.c, 3);
    assert_int_equal(layer[1].conv.oc, 6);
    assert_int_equal(layer[1].conv.pad, 2);
    assert_int_equal(layer[1].conv.stride, 2);
    assert_int_equal(layer[1].conv.oh, 16);
    assert_int_equal(layer[1].conv.ow, 15);
    assert_int_equal(cl_nn_spec_param_count("dense10-bogus", 1, 28, 28), -1);
}

/* Each limit of cl_nn.h: its value is accepted, one more is refused. */
static void test_limits_at_their_edges(void **state)
{
    (void)state;
    char spec[64];
    snprintf(spec, sizeof spec, "conv%dx1x1", CL_MAX_KERNEL);
    assert_int_equal(cl_nn_check_spec(spec, 1, CL_MAX_KERNEL, 1, NULL, 0), CL_OK);
    snprintf(spec, sizeof spec, "conv%dx1x1", CL_MAX_KERNEL + 1);
    assert_int_equal(cl_nn_check_spec(spec, 1, CL_MAX_KERNEL + 1, 1, NULL, 0), CL_ERR_SPEC);
    snprintf(spec, sizeof spec, "conv1x1x1s%d", CL_MAX_STRIDE);
    assert_int_equal(cl_nn_check_spec(spec, 1, 9, 9, NULL, 0), CL_OK);
    snprintf(spec, sizeof spec, "conv1x1x1s%d", CL_MAX_STRIDE + 1);
    assert_int_equal(cl_nn_check_spec(spec, 1, 9, 9, NULL, 0), CL_ERR_SPEC);
    snprintf(spec, sizeof spec, "conv1x1x%d", CL_NN_MAX_CHANNELS);
    assert_int_equal(cl_nn_check_spec(spec, 1, 1, 1, NULL, 0), CL_OK);
    snprintf(spec, sizeof spec, "conv1x1x%d", CL_NN_MAX_CHANNELS + 1);
    assert_int_equal(cl_nn_check_spec(spec, 1, 1, 1, NULL, 0), CL_ERR_SPEC);
    assert_int_equal(cl_nn_check_spec("conv1x1x1", CL_NN_MAX_CHANNELS + 1, 1, 1, NULL, 0), CL_ERR_SIZE);
    snprintf(spec, sizeof spec, "dense%d", CL_NN_MAX_UNITS);
    assert_int_equal(cl_nn_check_spec(spec, 1, 1, 1, NULL, 0), CL_OK);
    snprintf(spec, sizeof spec, "dense%d", CL_NN_MAX_UNITS + 1);
    assert_int_equal(cl_nn_check_spec(spec, 1, 1, 1, NULL, 0), CL_ERR_SPEC);
    /* parameters: dense N on an input of I values has N * I + N */
    snprintf(spec, sizeof spec, "dense%d", CL_NN_MAX_PARAMS / 2 - 1);
    assert_int_equal(cl_nn_check_spec(spec, 1, 1, 1, NULL, 0), CL_ERR_SPEC); /* too many units first */
    assert_int_equal(cl_nn_spec_param_count("dense255", 1, 256, 256), 255 * 65536 + 255);
    assert_int_equal(cl_nn_check_spec("dense256", 1, 256, 256, NULL, 0), CL_ERR_SPEC); /* 2^24 + 256 */
    /* activations per example: 2047 x 2049 = 2^22 - 1 inputs and one output
     * are exactly the limit; two outputs are one float too many */
    assert_int_equal(2047 * 2049 + 1, CL_NN_MAX_ACTIVATIONS);
    assert_int_equal(cl_nn_check_spec("dense1", 1, 2047, 2049, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_check_spec("dense2", 1, 2047, 2049, NULL, 0), CL_ERR_SPEC);
}

static void expect_bad(const char *spec, int c, int h, int w, cl_status want, const char *needle)
{
    char err[256] = "unchanged";
    cl_nn *m = (cl_nn *)&err; /* must be reset to NULL */
    cl_status st = cl_nn_create(&m, spec, c, h, w, 1, err, sizeof err);
    if (st != want || !strstr(err, needle))
        print_error("spec \"%s\": status %d (want %d), message \"%s\" (want \"%s\" in it)\n", spec ? spec : "(null)",
                    st, want, err, needle);
    assert_int_equal(st, want);
    assert_null(m);
    assert_non_null(strstr(err, needle));
    assert_int_equal(cl_nn_check_spec(spec, c, h, w, err, sizeof err), want);
}

static void test_bad_specs_name_the_layer(void **state)
{
    (void)state;
    expect_bad("", 1, 28, 28, CL_ERR_SPEC, "empty");
    expect_bad("   ", 1, 28, 28, CL_ERR_SPEC, "empty");
    expect_bad(NULL, 1, 28, 28, CL_ERR_NULL, "no spec");
    expect_bad("dense10--softmax", 1, 28, 28, CL_ERR_SPEC, "layer 2 is empty");
    expect_bad("dense10-softmax-", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"softmax\": softmax is an output");
    expect_bad("-dense10", 1, 28, 28, CL_ERR_SPEC, "layer 1 is empty");
    expect_bad("dense0-softmax", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"dense0\": units");
    expect_bad("dense-softmax", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"dense\": write dense<N>");
    expect_bad("dense12a", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"dense12a\"");
    expect_bad("dense99999999", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"dense99999999\"");
    expect_bad("dense100000", 1, 28, 28, CL_ERR_SPEC, "units must be between 1 and 65536");
    expect_bad("conv3x3-relu", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"conv3x3\": write conv<KH>x<KW>x<N>");
    expect_bad("relu-conv3x3x0", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"conv3x3x0\": output channels");
    expect_bad("conv16x3x8", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"conv16x3x8\": kernel sides");
    expect_bad("conv3x3x8p3", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"conv3x3x8p3\": padding 3");
    expect_bad("conv3x3x8s9", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"conv3x3x8s9\": stride");
    expect_bad("conv3x3x8p1p1", 1, 28, 28, CL_ERR_SPEC, "each once");
    expect_bad("conv3x3x8q1", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"conv3x3x8q1\": after conv");
    expect_bad("conv15x15x4-conv15x15x4", 1, 28, 28, CL_ERR_SPEC,
               "layer 2 \"conv15x15x4\": a 15x15 kernel does not fit the 14x14 input");
    expect_bad("conv5x5x4", 1, 3, 3, CL_ERR_SPEC, "does not fit the 3x3 input");
    expect_bad("dense10-maxpool2", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"maxpool2\": a 2x2 window does not fit the 1x1");
    expect_bad("conv3x3x8-avgpool0", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"avgpool0\": the window side");
    expect_bad("maxpool-dense10", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"maxpool\": write maxpool<K>");
    expect_bad("softmax-dense10", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"softmax\": softmax is an output function");
    expect_bad("relu-sigmoid-flatten", 1, 28, 28, CL_ERR_SPEC, "no layer with weights");
    expect_bad("dense1-softmax", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"softmax\": softmax over a single output");
    expect_bad("dense10-foo-softmax", 1, 28, 28, CL_ERR_SPEC, "layer 2 \"foo\": unknown layer; expected dense<N>");
    expect_bad("dense128-relu-dense10-softmax-", 1, 28, 28, CL_ERR_SPEC, "layer 4");
    expect_bad("dense65536-dense65536", 1, 28, 28, CL_ERR_SPEC, "layer 1 \"dense65536\": the model would have more");
    expect_bad("dense10", 0, 28, 28, CL_ERR_SIZE, "input shape");
    expect_bad("dense10", 1, -1, 28, CL_ERR_SIZE, "input shape");
    expect_bad("dense10-averyveryveryverylonglayername-x", 1, 28, 28, CL_ERR_SPEC, "layer 2");
    char long_spec[400];
    memset(long_spec, 'a', sizeof long_spec - 1);
    long_spec[sizeof long_spec - 1] = 0;
    expect_bad(long_spec, 1, 28, 28, CL_ERR_SPEC, "longer than 255");
    char many[200] = "dense4";
    for (int i = 0; i < 32; i++) strcat(many, "-relu");
    expect_bad(many, 1, 28, 28, CL_ERR_SPEC, "layer 33 \"relu\": too many layers");
    /* a NULL or short message buffer is fine */
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "bad", 1, 2, 2, 1, NULL, 0), CL_ERR_SPEC);
    char tiny[8];
    assert_int_equal(cl_nn_create(&m, "bad", 1, 2, 2, 1, tiny, sizeof tiny), CL_ERR_SPEC);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(cl_nn_create(NULL, "dense2", 1, 2, 2, 1, NULL, 0), CL_ERR_NULL);
}

static void test_spec_is_normalised(void **state)
{
    (void)state;
    cl_nn *m;
    char err[100];
    assert_int_equal(cl_nn_create(&m, " Dense128 - ReLU -\tdense10 - SoftMax ", 1, 28, 28, 1, err, sizeof err), CL_OK);
    assert_string_equal(cl_nn_spec(m), "dense128-relu-dense10-softmax");
    assert_int_equal(cl_nn_param_count(m), 784 * 128 + 128 + 1290);
    cl_nn_free(m);
    /* "same" padding and stride, average pooling, an explicit flatten, colour input */
    assert_int_equal(cl_nn_create(&m, "conv5x5x6p2s2-tanh-avgpool2-flatten-dense3-sigmoid", 3, 32, 30, 1, err,
                                  sizeof err),
                     CL_OK);
    assert_int_equal(cl_nn_layer_shape(m, 1, 1), 16);
    assert_int_equal(cl_nn_layer_shape(m, 1, 2), 15);
    assert_int_equal(cl_nn_layer_shape(m, 3, 2), 7);
    assert_int_equal(cl_nn_layer_shape(m, 4, 0), 6 * 8 * 7);
    assert_int_equal(cl_nn_layer_geometry(m, 1, 2), 2);
    assert_int_equal(cl_nn_layer_geometry(m, 1, 3), 2);
    assert_int_equal(cl_nn_layer_geometry(m, 3, 0), 2);
    assert_int_equal(cl_nn_get_loss_kind(m), CL_LOSS_BCE);
    cl_nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsed_layers),
        cmocka_unit_test(test_limits_at_their_edges),
        cmocka_unit_test(test_bad_specs_name_the_layer),
        cmocka_unit_test(test_spec_is_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
