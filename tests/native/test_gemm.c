/* test_gemm.c - GEMM: every implementation in every transpose form it takes
 * against a double-precision sum, on sizes around the 4 x 8 tile and the k block, with
 * leading dimensions wider than the matrices, beta 0 (C may hold NaN) and 1.
 *
 * Tolerance: |got - exact| <= 4 k eps sum_p |a_ip b_pj| + 1e-30, the bound of
 * a float sum of k products in any order (eps = FLT_EPSILON). Buffers are
 * allocated to the last element they may touch, so ASan sees any overread. */
#include "cl_gemm.h"
#include "cl_test.h"

#include <float.h>
#include <string.h>

typedef void (*gemm_fn)(int, int, int, int, int, const float *, int, const float *, int, float,
                        float *, int);

/* C = A B^T only, by dot products: the SIMD build's kernel for few columns */
static void nt_dot(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc)
{
    assert_true(!ta && tb);
    cl_f32_gemm_nt_dot_wasmsimd(m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* Every implementation, and the forms it takes: all (the references, plain C
 * and the dispatcher), or the leaves' k >= 1 and beta 0 or 1 (the vector
 * kernels; the dot kernel only for A B^T). */
enum { ALL_FORMS, COMMON_FORMS, NT_ONLY };
static const struct {
    const char *name;
    gemm_fn fn;
    int forms;
} impls[] = {
    {"ref", cl_f32_gemm_ref, ALL_FORMS},
    {"scalar", cl_f32_gemm_scalar, ALL_FORMS},
    {"wasmsimd", cl_f32_gemm_wasmsimd, COMMON_FORMS},
    {"nt_dot_wasmsimd", nt_dot, NT_ONLY},
    {"cl_gemm", cl_gemm, ALL_FORMS},
};
#define NIMPL (sizeof impls / sizeof impls[0])

static int takes(size_t f, int ta, int tb)
{
    return impls[f].forms != NT_ONLY || (!ta && tb);
}

/* a rows x cols matrix with row stride ld, sized to its last element */
static float *matrix(int rows, int cols, int ld, uint32_t *seed)
{
    size_t n = rows == 0 || cols == 0 ? 1 : (size_t)(rows - 1) * ld + cols;
    float *p = malloc(sizeof(float) * n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) p[i] = t_uniform(seed, -1.0f, 1.0f);
    return p;
}

/* Runs one case through impl and checks it; pad widens each leading dimension. */
static void check_case(gemm_fn fn, const char *name, int ta, int tb, int m, int n, int k,
                       float beta, int pad, uint32_t *seed)
{
    const int ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
    const int lda = ac + pad, ldb = bc + pad, ldc = n + pad;
    float *a = matrix(ar, ac, lda, seed), *b = matrix(br, bc, ldb, seed);
    float *c = matrix(m, n, ldc, seed);
    const size_t nc = (size_t)(m - 1) * ldc + n;
    float *c0 = malloc(sizeof(float) * nc);
    assert_non_null(c0);
    /* beta = 0 must overwrite whatever C holds, NaN included */
    if (beta == 0.0f)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = NAN;
    memcpy(c0, c, sizeof(float) * nc);

    fn(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);

    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double exact = 0.0, mag = 0.0;
            for (int p = 0; p < k; p++) {
                double av = ta ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                double bv = tb ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                exact += av * bv;
                mag += fabs(av * bv);
            }
            const size_t at = (size_t)i * ldc + j;
            if (beta != 0.0f) {
                exact += beta * (double)c0[at];
                mag += fabs(beta * (double)c0[at]);
            }
            const double tol = 4.0 * (k + 1) * FLT_EPSILON * mag + 1e-30;
            if (!(fabs(c[at] - exact) <= tol)) {
                print_error("%s ta=%d tb=%d m=%d n=%d k=%d beta=%g pad=%d: C[%d][%d] = %.9g, "
                            "want %.9g (tol %.3g)\n",
                            name, ta, tb, m, n, k, (double)beta, pad, i, j, (double)c[at], exact,
                            tol);
                fail();
            }
        }
    /* the gaps between rows of C (pad > 0) are not C: untouched */
    for (int i = 0; i + 1 < m; i++)
        for (int j = n; j < ldc; j++) assert_true(c[(size_t)i * ldc + j] == c0[(size_t)i * ldc + j]);
    free(a), free(b), free(c), free(c0);
}

static const int ms[] = {1, 3, 4, 5, 9, 32};
static const int ns[] = {1, 7, 8, 9, 17, 33};
static const int ks[] = {1, 3, 8, 255, 257};

static void sweep(int ta, int tb)
{
    uint32_t seed = 0x1234567u + (uint32_t)(ta * 2 + tb);
    for (size_t f = 0; f < NIMPL; f++)
        for (size_t i = 0; takes(f, ta, tb) && i < sizeof ms / sizeof ms[0]; i++)
            for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
                for (size_t p = 0; p < sizeof ks / sizeof ks[0]; p++) {
                    const int pad = (int)((i + j + p) % 3); /* 0, 1 or 2 extra columns */
                    check_case(impls[f].fn, impls[f].name, ta, tb, ms[i], ns[j], ks[p], 0.0f, pad,
                               &seed);
                    check_case(impls[f].fn, impls[f].name, ta, tb, ms[i], ns[j], ks[p], 1.0f, pad,
                               &seed);
                }
}

static void test_nn(void **state) { (void)state; sweep(0, 0); }
static void test_nt(void **state) { (void)state; sweep(0, 1); }
static void test_tn(void **state) { (void)state; sweep(1, 0); }
static void test_tt(void **state) { (void)state; sweep(1, 1); }

/* The dense layer's shapes at a small batch, and k spanning several blocks. */
static void test_layer_shapes(void **state)
{
    (void)state;
    uint32_t seed = 99;
    for (size_t f = 0; f < NIMPL; f++) {
        check_case(impls[f].fn, impls[f].name, 0, 1, 6, 130, 785, 0.0f, 0, &seed); /* Y = X W^T */
        check_case(impls[f].fn, impls[f].name, 0, 1, 6, 10, 130, 0.0f, 0, &seed);
        if (!takes(f, 0, 0)) continue;
        check_case(impls[f].fn, impls[f].name, 0, 0, 6, 785, 130, 0.0f, 0, &seed); /* dX = dY W */
        check_case(impls[f].fn, impls[f].name, 1, 0, 130, 785, 6, 1.0f, 0, &seed); /* dW += */
        check_case(impls[f].fn, impls[f].name, 1, 0, 10, 130, 6, 1.0f, 0, &seed);
        check_case(impls[f].fn, impls[f].name, 0, 0, 5, 19, 600, 1.0f, 1, &seed);
    }
}

/* The dispatcher's rare forms: beta neither 0 nor 1 goes to plain C. */
static void test_other_beta(void **state)
{
    (void)state;
    uint32_t seed = 5;
    for (size_t f = 0; f < NIMPL; f++) {
        if (impls[f].forms != ALL_FORMS) continue;
        check_case(impls[f].fn, impls[f].name, 0, 1, 5, 9, 40, 0.5f, 1, &seed);
        check_case(impls[f].fn, impls[f].name, 1, 0, 9, 17, 3, -2.0f, 0, &seed);
    }
}

/* k = 0: C = beta C (zero for beta 0); m or n = 0 writes nothing. The
 * vector kernels take k >= 1 only: the dispatcher sends k = 0 to plain C. */
static void test_empty(void **state)
{
    (void)state;
    for (size_t f = 0; f < NIMPL; f++) {
        if (impls[f].forms != ALL_FORMS) continue;
        float a[1] = {1}, b[1] = {1};
        float c[6] = {1, 2, 3, 4, 5, 6};
        impls[f].fn(0, 0, 2, 3, 0, a, 1, b, 3, 1.0f, c, 3);
        const float same[6] = {1, 2, 3, 4, 5, 6};
        assert_close_f32(c, same, 6, 0, 0);
        impls[f].fn(0, 1, 2, 3, 0, a, 1, b, 1, 0.0f, c, 3);
        const float zero[6] = {0};
        assert_close_f32(c, zero, 6, 0, 0);
        float d[2] = {7, 8};
        impls[f].fn(1, 0, 0, 2, 4, a, 1, b, 2, 0.0f, d, 2);
        impls[f].fn(0, 0, 2, 0, 4, a, 4, b, 1, 0.0f, d, 1);
        const float d0[2] = {7, 8};
        assert_close_f32(d, d0, 2, 0, 0);
    }
}

/* A 2 x 3 by hand, all three forms: rows (1 2 3), (4 5 6). */
static void test_by_hand(void **state)
{
    (void)state;
    const float a[6] = {1, 2, 3, 4, 5, 6};
    for (size_t f = 0; f < NIMPL; f++) {
        float c[4];
        impls[f].fn(0, 1, 2, 2, 3, a, 3, a, 3, 0.0f, c, 2); /* A A^T */
        const float aat[4] = {14, 32, 32, 77};
        assert_close_f32(c, aat, 4, 0, 0);
        if (!takes(f, 1, 0)) continue;
        float d[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        impls[f].fn(1, 0, 3, 3, 2, a, 3, a, 3, 1.0f, d, 3); /* 1 + A^T A */
        const float ata[9] = {18, 23, 28, 23, 30, 37, 28, 37, 46};
        assert_close_f32(d, ata, 9, 0, 0);
        const float e[6] = {1, 0, 0, 1, 1, 1}; /* (3, 2) */
        float g[4];
        impls[f].fn(0, 0, 2, 2, 3, a, 3, e, 2, 0.0f, g, 2);
        const float ae[4] = {4, 5, 10, 11};
        assert_close_f32(g, ae, 4, 0, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),     cmocka_unit_test(test_empty),
        cmocka_unit_test(test_nn),          cmocka_unit_test(test_nt),
        cmocka_unit_test(test_tn),          cmocka_unit_test(test_tt),
        cmocka_unit_test(test_layer_shapes), cmocka_unit_test(test_other_beta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
