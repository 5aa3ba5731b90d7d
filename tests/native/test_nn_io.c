/* test_nn_io.c - saving and loading models: exact round trips, and every
 * kind of damaged or mismatched file refused with its status and a message. */
#include "cl_nn.h"
#include "cl_test.h"

#include <string.h>

static const char *const SPEC = "conv3x3x4p1-relu-maxpool2-dense6-tanh-dense3-softmax";

static cl_nn *trained(void)
{
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, SPEC, 1, 6, 7, 12, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_set_optimizer(m, CL_OPT_ADAM, 0.01f, 0.5f, 0.002f), CL_OK);
    uint8_t img[8 * 42], lab[8];
    uint32_t s = 3;
    for (int i = 0; i < 8 * 42; i++) img[i] = (uint8_t)t_rand(&s);
    for (int i = 0; i < 8; i++) lab[i] = (uint8_t)(i % 3);
    for (int k = 0; k < 5; k++) assert_int_equal(cl_nn_train_step(m, img, lab, 8), CL_OK);
    return m;
}

static uint8_t *saved(const cl_nn *m, size_t *len)
{
    *len = cl_nn_save_size(m);
    uint8_t *buf = malloc(*len + 16);
    assert_int_equal(cl_nn_save(m, buf, *len), CL_OK);
    return buf;
}

/* rewrites the trailing CRC so that only the intended damage remains */
static void fix_crc(uint8_t *buf, size_t len)
{
    uint32_t c = cl_crc32(buf, len - 4);
    for (int i = 0; i < 4; i++) buf[len - 4 + i] = (uint8_t)(c >> (8 * i));
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void test_crc32_known_value(void **state)
{
    (void)state;
    /* the standard check value of CRC-32/IEEE */
    assert_int_equal(cl_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    assert_int_equal(cl_crc32((const uint8_t *)"", 0), 0);
    /* against the definition, bit by bit: every one-byte input (which uses
     * every entry of the table) and random buffers of 1 to 300 bytes */
    uint8_t buf[300];
    uint32_t s = 11;
    for (int n = 1; n <= 300; n++) {
        for (int i = 0; i < n; i++) buf[i] = (uint8_t)(n == 1 ? 0 : t_rand(&s));
        for (int b = 0; b < (n == 1 ? 256 : 1); b++) {
            if (n == 1) buf[0] = (uint8_t)b;
            uint32_t crc = 0xFFFFFFFFu;
            for (int i = 0; i < n; i++) {
                crc ^= buf[i];
                for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
            }
            assert_int_equal(cl_crc32(buf, (size_t)n), ~crc);
        }
    }
}

static void test_round_trip_is_exact(void **state)
{
    (void)state;
    cl_nn *m = trained();
    size_t len;
    uint8_t *buf = saved(m, &len);
    /* header 52 + spec + count 4 + table 12 per tensor + values + crc */
    size_t values = (size_t)cl_nn_param_count(m);
    assert_int_equal(len, 52 + strlen(SPEC) + 4 + 12 * 6 + 4 * values + 4);
    assert_memory_equal(buf, "CLNN", 4);
    cl_nn *l;
    char err[256];
    assert_int_equal(cl_nn_load(&l, buf, len, err, sizeof err), CL_OK);
    assert_string_equal(err, "");
    assert_string_equal(cl_nn_spec(l), SPEC);
    assert_int_equal(cl_nn_seed(l), 12);
    assert_int_equal(cl_nn_get_optimizer(l), CL_OPT_ADAM);
    assert_true(cl_nn_get_lr(l) == 0.01f && cl_nn_get_momentum(l) == 0.5f && cl_nn_get_l2(l) == 0.002f);
    for (int i = 0; i < cl_nn_layer_count(m); i++) {
        if (!cl_nn_layer_weights(m, i)) continue;
        int nb = cl_nn_layer_weight_shape(m, i, 0), np = cl_nn_layer_params(m, i);
        assert_memory_equal(cl_nn_layer_weights(m, i), cl_nn_layer_weights(l, i), (size_t)(np - nb) * 4);
        assert_memory_equal(cl_nn_layer_bias(m, i), cl_nn_layer_bias(l, i), (size_t)nb * 4);
    }
    /* saving the loaded model gives the same bytes; predictions agree bit for bit */
    size_t len2;
    uint8_t *buf2 = saved(l, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    uint8_t img[42];
    for (int i = 0; i < 42; i++) img[i] = (uint8_t)(i * 6);
    float p1[3], p2[3];
    assert_int_equal(cl_nn_predict(m, img, 1, p1), CL_OK);
    assert_int_equal(cl_nn_predict(l, img, 1, p2), CL_OK);
    assert_memory_equal(p1, p2, sizeof p1);
    /* load_weights into a fresh model of the same spec */
    cl_nn *f;
    assert_int_equal(cl_nn_create(&f, SPEC, 1, 6, 7, 99, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_load_weights(f, buf, len, err, sizeof err), CL_OK);
    assert_int_equal(cl_nn_predict(f, img, 1, p2), CL_OK);
    assert_memory_equal(p1, p2, sizeof p1);
    assert_int_equal(cl_nn_save(m, buf2, len - 1), CL_ERR_OUTPUT);
    free(buf);
    free(buf2);
    cl_nn_free(m);
    cl_nn_free(l);
    cl_nn_free(f);
}

static void expect_refused(const uint8_t *buf, size_t len, cl_status want, const char *needle)
{
    cl_nn *l = (cl_nn *)&l;
    char err[256] = "";
    cl_status st = cl_nn_load(&l, buf, len, err, sizeof err);
    if (st != want || !strstr(err, needle))
        print_error("status %d (want %d), message \"%s\" (want \"%s\")\n", st, want, err, needle);
    assert_int_equal(st, want);
    assert_null(l);
    assert_non_null(strstr(err, needle));
}

static void test_damaged_files_refused(void **state)
{
    (void)state;
    cl_nn *m = trained();
    size_t len;
    uint8_t *buf = saved(m, &len);
    uint8_t *bad = malloc(len + 16);

    expect_refused(buf, 0, CL_ERR_FORMAT, "not a convlab model");
    expect_refused(buf, 3, CL_ERR_TRUNCATED, "truncated");
    expect_refused(buf, 10, CL_ERR_TRUNCATED, "truncated");
    expect_refused(buf, len - 1, CL_ERR_TRUNCATED, "truncated");
    expect_refused(buf, len / 2, CL_ERR_TRUNCATED, "truncated");
    memcpy(bad, buf, len);
    memset(bad + len, 0, 16);
    expect_refused(bad, len + 3, CL_ERR_FORMAT, "extra bytes");

    memcpy(bad, buf, len);
    bad[0] = 'X';
    expect_refused(bad, len, CL_ERR_FORMAT, "not a convlab model");

    memcpy(bad, buf, len); /* one flipped bit in a weight */
    bad[len - 40] ^= 0x10;
    expect_refused(bad, len, CL_ERR_CHECKSUM, "CRC-32");
    memcpy(bad, buf, len); /* a flipped bit in the spec */
    bad[53] ^= 1;
    expect_refused(bad, len, CL_ERR_CHECKSUM, "corrupted");

    memcpy(bad, buf, len);
    put32(bad + 4, 2);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_VERSION, "version 2");

    memcpy(bad, buf, len); /* a spec that does not parse */
    memcpy(bad + 52, "conv9", 5);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_SPEC, "layer 1 \"conv9x3x4p1\": a 9x3 kernel");

    memcpy(bad, buf, len); /* another valid spec: the values do not fit it */
    memcpy(bad + 52, "conv3x3x5", 9);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_MISMATCH, "the file holds 283 values, the model \"conv3x3x5");

    memcpy(bad, buf, len); /* another input size: the dense layer has another size */
    put32(bad + 16, 8);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_MISMATCH, "on 1x8x7 has 355 parameters");

    const size_t table = 52 + strlen(SPEC);
    memcpy(bad, buf, len); /* as many values as the spec's, split otherwise: 35 + 5, not 36 + 4 */
    put32(bad + table + 4 + 8, 35);
    put32(bad + table + 4 + 12 + 8, 5);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_MISMATCH, "tensor 0: the file has 35 values for layer 1 weights");

    memcpy(bad, buf, len);
    put32(bad + 8, 20); /* total size smaller than any header */
    expect_refused(bad, len, CL_ERR_FORMAT, "impossible file size");

    memcpy(bad, buf, len);
    put32(bad + 48, 5000); /* spec length beyond the file */
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "spec length");

    memcpy(bad, buf, len);
    put32(bad + table, 1000000);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "tensor table");

    memcpy(bad, buf, len); /* a tensor count that does not add up to the data */
    put32(bad + table + 4 + 8, 99);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "tensors hold");

    memcpy(bad, buf, len); /* a NaN weight */
    put32(bad + len - 8, 0x7fc00000u);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "not a finite number");

    memcpy(bad, buf, len);
    put32(bad + 28, 9);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "unknown optimiser");

    memcpy(bad, buf, len); /* a learning rate of 0 */
    put32(bad + 32, 0);
    fix_crc(bad, len);
    expect_refused(bad, len, CL_ERR_FORMAT, "training settings");

    /* load_weights into a model of another spec */
    cl_nn *other;
    char err[256];
    assert_int_equal(cl_nn_create(&other, "dense3-softmax", 1, 6, 7, 1, NULL, 0), CL_OK);
    assert_int_equal(cl_nn_load_weights(other, buf, len, err, sizeof err), CL_ERR_MISMATCH);
    assert_non_null(strstr(err, "this model is \"dense3-softmax\""));
    cl_nn_free(other);
    assert_int_equal(cl_nn_load(NULL, buf, len, NULL, 0), CL_ERR_NULL);
    cl_nn *l;
    assert_int_equal(cl_nn_load(&l, NULL, len, NULL, 0), CL_ERR_NULL);
    free(bad);
    free(buf);
    cl_nn_free(m);
}

/* Every truncation and every single-byte change of a small file is refused
 * (the CRC catches what the structure does not) and never crashes. */
static void test_every_truncation_and_byte_flip(void **state)
{
    (void)state;
    cl_nn *m;
    assert_int_equal(cl_nn_create(&m, "dense2-sigmoid", 1, 1, 3, 1, NULL, 0), CL_OK);
    size_t len;
    uint8_t *buf = saved(m, &len);
    cl_nn *l;
    for (size_t n = 0; n < len; n++) {
        cl_status st = cl_nn_load(&l, buf, n, NULL, 0);
        assert_true(st == CL_ERR_TRUNCATED || st == CL_ERR_FORMAT);
    }
    uint8_t *bad = malloc(len);
    for (size_t i = 0; i < len; i++) {
        memcpy(bad, buf, len);
        bad[i] ^= 0xA5;
        cl_status st = cl_nn_load(&l, bad, len, NULL, 0);
        assert_int_not_equal(st, CL_OK);
        assert_null(l);
    }
    free(bad);
    free(buf);
    cl_nn_free(m);
}

/* The largest single allocation made while `watching`, seen through the
 * address sanitizer's malloc hook (the tests are always built with it). */
#if defined(__SANITIZE_ADDRESS__)
int __sanitizer_install_malloc_and_free_hooks(void (*on_malloc)(const volatile void *, size_t),
                                              void (*on_free)(const volatile void *));
static int watching;
static size_t largest_alloc;
static void on_malloc(const volatile void *p, size_t size)
{
    (void)p;
    if (watching && size > largest_alloc) largest_alloc = size;
}
static void on_free(const volatile void *p) { (void)p; }
#endif

/* A file of a few hundred bytes must not make the loader build a big model
 * before it finds that the file's values do not fit the spec: the spec below
 * has 16.4 million parameters (a 460 MB block, and in WebAssembly a memory
 * that never shrinks again), the file holds 2 values. */
static void test_small_file_allocates_little(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    static int hooked;
    if (!hooked) assert_int_not_equal(__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free), 0);
    hooked = 1;
    const char *spec = "dense4096-dense4000";
    assert_int_equal(cl_nn_spec_param_count(spec, 1, 1, 1), 4096 * 2 + 4000 * 4096 + 4000);
    const size_t sl = strlen(spec), len = 52 + sl + 4 + 2 * 12 + 2 * 4 + 4;
    uint8_t buf[128] = "CLNN";
    const uint32_t head[12] = {1, (uint32_t)len, 1, 1, 1, 7, CL_OPT_SGD, 0x3c23d70a /* 0.01 */, 0, 0,
                               CL_LOSS_MSE, (uint32_t)sl};
    for (int i = 0; i < 12; i++) put32(buf + 4 + 4 * i, head[i]);
    memcpy(buf + 52, spec, sl);
    const uint32_t table[7] = {2, 1, 0, 1, 1, 1, 1}; /* 2 tensors: layer 1 weights 1, bias 1 */
    for (int i = 0; i < 7; i++) put32(buf + 52 + sl + 4 * i, table[i]);
    fix_crc(buf, len);
    watching = 1;
    largest_alloc = 0;
    cl_nn *l;
    char err[256];
    cl_nn_load(&l, buf, len, err, sizeof err);
    watching = 0;
    cl_nn_free(l);
    if (largest_alloc > 65536) print_error("the loader allocated %zu bytes at once\n", largest_alloc);
    assert_true(largest_alloc <= 65536);
    expect_refused(buf, len, CL_ERR_MISMATCH, "the file holds 2 values");
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_known_value),
        cmocka_unit_test(test_round_trip_is_exact),
        cmocka_unit_test(test_damaged_files_refused),
        cmocka_unit_test(test_every_truncation_and_byte_flip),
        cmocka_unit_test(test_small_file_allocates_little),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
