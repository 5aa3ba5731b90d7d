/* test_idx.c - the IDX reader on hand-made byte strings (every refusal with
 * its status) and, when Debian's dataset-fashion-mnist is installed, on the
 * real Fashion-MNIST test files. */
#define _POSIX_C_SOURCE 200809L
#include "cl_idx.h"
#include "cl_test.h"

#include <string.h>
#include <zlib.h>

/* header for an unsigned-byte file with nd dims, then the bytes v, v+1, ... */
static size_t make_idx(uint8_t *buf, int nd, const uint32_t *dims, size_t data_bytes)
{
    buf[0] = buf[1] = 0;
    buf[2] = 0x08;
    buf[3] = (uint8_t)nd;
    for (int d = 0; d < nd; d++)
        for (int k = 0; k < 4; k++) buf[4 + 4 * d + k] = (uint8_t)(dims[d] >> (24 - 8 * k));
    size_t h = 4 + 4 * (size_t)nd;
    for (size_t i = 0; i < data_bytes; i++) buf[h + i] = (uint8_t)(i % 7);
    return h + data_bytes;
}

static void test_valid_images_and_labels(void **state)
{
    (void)state;
    uint8_t img[64], lab[16];
    const uint32_t idims[3] = {3, 2, 4}, ldims[1] = {3};
    size_t il = make_idx(img, 3, idims, 24), ll = make_idx(lab, 1, ldims, 3);
    cl_idx im, lb;
    assert_int_equal(cl_idx_parse_images(img, il, &im), CL_OK);
    assert_int_equal(im.magic, 0x803);
    assert_int_equal(im.ndims, 3);
    assert_int_equal(im.count, 3);
    assert_int_equal(im.dims[1], 2);
    assert_int_equal(im.dims[2], 4);
    assert_int_equal(im.item_bytes, 8);
    assert_int_equal(im.offset, 16);
    assert_int_equal(cl_idx_parse_labels(lab, ll, &lb), CL_OK);
    assert_int_equal(lb.magic, 0x801);
    assert_int_equal(lb.count, 3);
    assert_int_equal(lb.item_bytes, 1);
    assert_int_equal(lb.offset, 8);
    assert_int_equal(cl_idx_check_pair(&im, &lb, lab, 10), CL_OK);
    assert_int_equal(cl_idx_check_pair(&im, &lb, lab, 2), CL_ERR_ARG); /* label 2 */
    assert_int_equal(cl_idx_check_pair(&im, &lb, lab, 0), CL_ERR_ARG);
    /* 2 dimensions are fine for the general parser */
    const uint32_t d2[2] = {2, 5};
    size_t l2 = make_idx(img, 2, d2, 10);
    assert_int_equal(cl_idx_parse(img, l2, &im), CL_OK);
    assert_int_equal(im.magic, 0x802);
    assert_int_equal(im.item_bytes, 5);
    assert_int_equal(cl_idx_parse_images(img, l2, &im), CL_ERR_FORMAT);
    /* the struct is eight int32 for JavaScript */
    assert_int_equal(sizeof(cl_idx), 32);
}

static void test_refusals(void **state)
{
    (void)state;
    uint8_t buf[64];
    const uint32_t dims[3] = {2, 3, 3};
    cl_idx v;
    size_t n = make_idx(buf, 3, dims, 18);
    assert_int_equal(n, 34);
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_OK);
    /* every shorter prefix is truncated, except the empty one */
    assert_int_equal(cl_idx_parse(buf, 0, &v), CL_ERR_FORMAT);
    for (size_t k = 1; k < n; k++) assert_int_equal(cl_idx_parse(buf, k, &v), CL_ERR_TRUNCATED);
    /* bytes after the data */
    buf[n] = 0;
    assert_int_equal(cl_idx_parse(buf, n + 1, &v), CL_ERR_FORMAT);
    /* magic: leading bytes, element type, number of dimensions */
    buf[0] = 1;
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_FORMAT);
    buf[0] = 0;
    buf[1] = 8;
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_FORMAT);
    buf[1] = 0;
    buf[2] = 0x0D; /* float: not accepted */
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_FORMAT);
    buf[2] = 0x08;
    buf[3] = 0;
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_FORMAT);
    buf[3] = 4;
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_FORMAT);
    buf[3] = 3;
    /* a labels file is not an images file and vice versa */
    assert_int_equal(cl_idx_parse_labels(buf, n, &v), CL_ERR_FORMAT);
    /* zero and huge dimensions */
    const uint32_t zero[3] = {2, 0, 3}, huge[3] = {0x10000, 0x10000, 0x10000}, big[1] = {0x80000000u};
    n = make_idx(buf, 3, zero, 0);
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_SIZE);
    n = make_idx(buf, 3, huge, 0);
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_SIZE);
    n = make_idx(buf, 1, big, 0);
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_SIZE);
    /* dimensions promising more bytes than there are */
    const uint32_t more[3] = {60000, 28, 28};
    n = make_idx(buf, 3, more, 40);
    assert_int_equal(cl_idx_parse(buf, n, &v), CL_ERR_TRUNCATED);
    /* NULLs, and counts that differ */
    assert_int_equal(cl_idx_parse(NULL, 10, &v), CL_ERR_NULL);
    assert_int_equal(cl_idx_parse(buf, n, NULL), CL_ERR_NULL);
    cl_idx a = {.count = 3}, b = {.count = 4};
    assert_int_equal(cl_idx_check_pair(&a, &b, buf, 10), CL_ERR_MISMATCH);
    assert_int_equal(cl_idx_check_pair(&a, NULL, buf, 10), CL_ERR_NULL);
}

static uint8_t *gunzip(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    int got;
    while ((got = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    gzclose(f);
    *len = n;
    return buf;
}

static void test_fashion_mnist_test_set(void **state)
{
    (void)state;
    size_t il, ll;
    uint8_t *img = gunzip("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", &il);
    uint8_t *lab = gunzip("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz", &ll);
    if (!img || !lab) {
        free(img);
        free(lab);
        skip(); /* dataset-fashion-mnist not installed */
    }
    cl_idx im, lb;
    assert_int_equal(cl_idx_parse_images(img, il, &im), CL_OK);
    assert_int_equal(cl_idx_parse_labels(lab, ll, &lb), CL_OK);
    assert_int_equal(im.count, 10000);
    assert_int_equal(im.dims[1], 28);
    assert_int_equal(im.dims[2], 28);
    assert_int_equal(cl_idx_check_pair(&im, &lb, lab, 10), CL_OK);
    /* every class appears 1000 times in the test set */
    int per[10] = {0};
    for (int i = 0; i < 10000; i++) per[lab[lb.offset + i]]++;
    for (int k = 0; k < 10; k++) assert_int_equal(per[k], 1000);
    assert_int_equal(cl_idx_parse_images(img, il - 1, &im), CL_ERR_TRUNCATED);
    free(img);
    free(lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_images_and_labels),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_fashion_mnist_test_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
