/* test_base.c - what every module relies on: the status messages (the limits
 * they quote included), checked size products, error text into a caller's
 * buffer, and aligned allocation. */
#include "cl_base.h"
#include "cl_test.h"

static void test_size_products_checked(void **state)
{
    (void)state;
    size_t out = 7;
    assert_int_equal(cl_mul_size(SIZE_MAX / 2 + 1, 2, &out), CL_ERR_OVERFLOW);
    assert_int_equal(out, 7);
    assert_int_equal(cl_mul_size(SIZE_MAX / 3, 3, &out), CL_OK);
    assert_true(out == (SIZE_MAX / 3) * 3);
    /* 2^16 * 2^16 * 2^16 * 2^17 = 2^65 overflows a 64-bit (and a 32-bit) size_t */
    assert_int_equal(cl_mul_size4((size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 17, &out),
                     CL_ERR_OVERFLOW);
    assert_int_equal(cl_mul_size4(3, 5, 7, 11, &out), CL_OK);
    assert_int_equal(out, 1155);
}

static void test_status_messages(void **state)
{
    (void)state;
    for (int s = 0; s < CL_STATUS_COUNT; s++) {
        const char *m = cl_status_message(s);
        assert_non_null(m);
        assert_true(strlen(m) > 1);
        assert_string_not_equal(m, "unknown status code");
    }
    assert_string_equal(cl_status_message(CL_STATUS_COUNT), "unknown status code");
    assert_string_equal(cl_status_message(-3), "unknown status code");
}

/* The messages of the limits say the limits' values. */
static void test_messages_quote_the_limits(void **state)
{
    (void)state;
    char want[64];
    snprintf(want, sizeof want, "between 1 and %d", CL_MAX_KERNEL);
    assert_non_null(strstr(cl_status_message(CL_ERR_KERNEL_SIZE), want));
    snprintf(want, sizeof want, "between 1 and %d", CL_MAX_STRIDE);
    assert_non_null(strstr(cl_status_message(CL_ERR_STRIDE), want));
}

static void test_set_error(void **state)
{
    (void)state;
    char err[8] = "xxxxxxx";
    cl_set_error(err, sizeof err, "layer %d is %s", 12, "bad");
    assert_string_equal(err, "layer 1"); /* cut to fit, always NUL-terminated */
    cl_set_error(NULL, 100, "ignored");
    cl_set_error(err, 0, "ignored");
    assert_string_equal(err, "layer 1");
}

static void test_alloc_is_aligned(void **state)
{
    (void)state;
    for (size_t n = 0; n < 40; n += 7) {
        void *p = cl_alloc(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 1, n);
        cl_free(p);
    }
    assert_null(cl_alloc(SIZE_MAX - 3));
    cl_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_products_checked),
        cmocka_unit_test(test_status_messages),
        cmocka_unit_test(test_messages_quote_the_limits),
        cmocka_unit_test(test_set_error),
        cmocka_unit_test(test_alloc_is_aligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
