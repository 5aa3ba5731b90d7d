/* test_optimizer.c - the optimisers' updates: by hand, the Adam step size,
 * and the vector kernels and the dispatchers against the references, bit for
 * bit, on lengths around the 4-lane vector, with a NaN in the vector part or
 * the tail (every update must report it). */
#include "cl_optimizer.h"
#include "cl_test.h"

static void test_optimizer_kernels_by_hand(void **state)
{
    (void)state;
    const float w[2] = {1.0f, -2.0f}, g[2] = {0.5f, 0.25f}, v[2] = {0.1f, -0.1f};
    float wn[2], vn[2], m1n[2], m2n[2];
    const float z[2] = {0, 0};
    assert_int_equal(cl_f32_sgd_update_ref(w, g, wn, 2, 0.1f, 0.5f), 0);
    /* w - lr (g + l2 w) */
    assert_true(fabsf(wn[0] - (1.0f - 0.1f * (0.5f + 0.5f))) < 1e-7f);
    assert_true(fabsf(wn[1] - (-2.0f - 0.1f * (0.25f - 1.0f))) < 1e-7f);
    assert_int_equal(cl_f32_momentum_update_ref(w, v, g, wn, vn, 2, 0.1f, 0.9f, 0.0f), 0);
    assert_true(fabsf(vn[0] - (0.09f - 0.05f)) < 1e-7f && fabsf(wn[0] - 1.04f) < 1e-6f);
    /* Adam's first step moves each weight by lr against the gradient's sign */
    float lr = 0.01f, lr_t, eps_t;
    cl_adam_step(lr, CL_ADAM_B1, CL_ADAM_B2, &lr_t, &eps_t);
    assert_true(fabsf(lr_t - (float)(lr * sqrt(1 - 0.999) / (1 - 0.9))) <= 1e-9f);
    assert_true(fabsf(eps_t - (float)(1e-8 * sqrt(1 - 0.999))) <= 1e-15f);
    assert_int_equal(cl_f32_adam_update_ref(w, z, z, g, wn, m1n, m2n, 2, lr_t, eps_t, 0.0f), 0);
    assert_true(fabsf(wn[0] - (1.0f - lr)) < 1e-5f && fabsf(wn[1] - (-2.0f - lr)) < 1e-5f);
    const float inf_g[2] = {INFINITY, 0};
    assert_int_equal(cl_f32_sgd_update_ref(w, inf_g, wn, 2, 0.1f, 0.0f), 1);
}

static void test_optimizer_simd_matches_ref(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 3, 4, 5, 7, 8, 9, 17, 64, 131};
    uint32_t s = 77;
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t];
        float w[131], v[131], m2[131], g[131], a1[131], a2[131], a3[131], b1[131], b2[131], b3[131];
        for (size_t i = 0; i < n; i++) {
            w[i] = t_uniform(&s, -1, 1);
            v[i] = t_uniform(&s, -0.1f, 0.1f);
            m2[i] = t_uniform(&s, 0, 0.01f);
            g[i] = t_uniform(&s, -1, 1);
        }
        for (int bad = 0; bad < 2; bad++) {
            if (bad) g[n - 1] = NAN; /* in the tail or the vector part */
            int r1 = cl_f32_sgd_update_ref(w, g, a1, n, 0.1f, 0.01f);
            int r2 = cl_f32_sgd_update_wasmsimd(w, g, b1, n, 0.1f, 0.01f);
            assert_int_equal(r1, bad);
            assert_int_equal(r2, bad);
            if (!bad) assert_memory_equal(a1, b1, n * sizeof(float));
            r1 = cl_f32_momentum_update_ref(w, v, g, a1, a2, n, 0.1f, 0.9f, 0.01f);
            r2 = cl_f32_momentum_update_wasmsimd(w, v, g, b1, b2, n, 0.1f, 0.9f, 0.01f);
            assert_int_equal(r1, bad);
            assert_int_equal(r2, bad);
            if (!bad) assert_memory_equal(a1, b1, n * sizeof(float));
            if (!bad) assert_memory_equal(a2, b2, n * sizeof(float));
            r1 = cl_f32_adam_update_ref(w, v, m2, g, a1, a2, a3, n, 0.003f, 3e-10f, 0.01f);
            r2 = cl_f32_adam_update_wasmsimd(w, v, m2, g, b1, b2, b3, n, 0.003f, 3e-10f, 0.01f);
            assert_int_equal(r1, bad);
            assert_int_equal(r2, bad);
            if (!bad) {
                assert_memory_equal(a1, b1, n * sizeof(float));
                assert_memory_equal(a2, b2, n * sizeof(float));
                assert_memory_equal(a3, b3, n * sizeof(float));
            }
            /* the dispatchers: the same bits as the references */
            assert_int_equal(cl_sgd_update(w, g, b1, n, 0.1f, 0.01f), bad);
            assert_int_equal(cl_f32_sgd_update_ref(w, g, a1, n, 0.1f, 0.01f), bad);
            if (!bad) assert_memory_equal(a1, b1, n * sizeof(float));
            assert_int_equal(cl_momentum_update(w, v, g, b1, b2, n, 0.1f, 0.9f, 0.01f), bad);
            assert_int_equal(cl_f32_momentum_update_ref(w, v, g, a1, a2, n, 0.1f, 0.9f, 0.01f), bad);
            if (!bad) assert_memory_equal(a1, b1, n * sizeof(float));
            if (!bad) assert_memory_equal(a2, b2, n * sizeof(float));
            assert_int_equal(cl_adam_update(w, v, m2, g, b1, b2, b3, n, 0.003f, 3e-10f, 0.01f), bad);
            assert_int_equal(cl_f32_adam_update_ref(w, v, m2, g, a1, a2, a3, n, 0.003f, 3e-10f, 0.01f), bad);
            if (!bad) {
                assert_memory_equal(a1, b1, n * sizeof(float));
                assert_memory_equal(a2, b2, n * sizeof(float));
                assert_memory_equal(a3, b3, n * sizeof(float));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimizer_kernels_by_hand),
        cmocka_unit_test(test_optimizer_simd_matches_ref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
