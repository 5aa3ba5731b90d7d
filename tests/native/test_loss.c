/* test_loss.c - the losses: each sum against the formula in double, each
 * gradient against central differences of the mean loss in double, with one
 * output and several, and logits far outside expf's range.
 * Tolerances: the cross-entropies are summed in double from float logits
 * (rtol 1e-12), MSE from float differences y - t (rtol 1e-6); the gradients
 * come from float probabilities (about 1e-7 off), so atol 1e-6. */
#include "cl_activation.h"
#include "cl_loss.h"
#include "cl_test.h"

#include <string.h>

enum { XENT, BCE, MSE };

/* the target of output j for label lab, with k outputs */
static double target(int k, int lab, int j)
{
    return k == 1 ? lab : j == lab;
}

/* the loss of one example from its inputs v (logits, or y for MSE), in double */
static double example_d(int kind, const double *v, int k, int lab)
{
    double s = 0.0;
    if (kind == XENT) {
        double mx = v[0], se = 0.0;
        for (int j = 1; j < k; j++) mx = fmax(mx, v[j]);
        for (int j = 0; j < k; j++) se += exp(v[j] - mx);
        return -(v[lab] - mx - log(se));
    }
    for (int j = 0; j < k; j++) {
        const double t = target(k, lab, j);
        if (kind == BCE) {
            const double p = 1 / (1 + exp(-v[j]));
            s -= (t * log(p) + (1 - t) * log(1 - p)) / k;
        } else {
            s += (v[j] - t) * (v[j] - t) / k;
        }
    }
    return s;
}

static double sum_d(int kind, const double *v, const uint8_t *labels, int n, int k)
{
    double s = 0.0;
    for (int r = 0; r < n; r++) s += example_d(kind, v + (size_t)r * k, k, labels[r]);
    return s;
}

typedef struct loss_case {
    int kind;
    const double *v;
    const uint8_t *labels;
    int n, k;
} loss_case;

/* the mean loss J of a case */
static double mean_d(const void *ctx)
{
    const loss_case *q = ctx;
    return sum_d(q->kind, q->v, q->labels, q->n, q->k) / q->n;
}

/* what the model passes: logits and their softmax or sigmoid, or y alone */
static double run(int kind, const float *v, const uint8_t *labels, int n, int k, float *d)
{
    const size_t nv = (size_t)n * k;
    float *p = malloc(sizeof(float) * nv);
    if (kind == XENT) cl_softmax_forward(v, p, n, (size_t)k);
    if (kind == BCE) cl_sigmoid_forward(v, p, nv);
    const double s = kind == XENT  ? cl_loss_xent(v, p, labels, n, k, n, d)
                     : kind == BCE ? cl_loss_bce(v, p, labels, n, k, n, d)
                                   : cl_loss_mse(v, labels, n, k, n, d);
    free(p);
    return s;
}

static void check(int kind, int n, int k, uint32_t *seed)
{
    const size_t nv = (size_t)n * k;
    uint8_t labels[8];
    float *v = t_floats(nv, seed, -3, 3), *d = t_floats(nv, seed, 5, 6), *g = malloc(sizeof(float) * nv);
    for (int r = 0; r < n; r++) labels[r] = (uint8_t)(t_rand(seed) % (uint32_t)(k == 1 ? 2 : k));
    double *vd = t_doubles(v, nv);
    const double s = run(kind, v, labels, n, k, d), want = sum_d(kind, vd, labels, n, k);
    /* MSE takes y - t in float, as the model's outputs are: 2^-24 relative per term */
    const double rtol = kind == MSE ? 1e-6 : 1e-12;
    if (!(fabs(s - want) <= rtol * fabs(want) + 1e-15))
        print_error("loss %d, n %d, k %d: %.17g, want %.17g\n", kind, n, k, s, want);
    assert_true(fabs(s - want) <= rtol * fabs(want) + 1e-15);
    /* the gradient of the mean loss */
    const loss_case lc = {kind, vd, labels, n, k};
    t_central_diff(vd, nv, 1e-6, mean_d, &lc, g);
    assert_close_f32(d, g, nv, 1e-4, 1e-6);
    /* no gradient asked for: the same sum, bit for bit */
    assert_true(run(kind, v, labels, n, k, NULL) == s);
    free(v), free(d), free(g), free(vd);
}

static void test_against_double(void **state)
{
    (void)state;
    uint32_t seed = 9;
    for (int kind = XENT; kind <= MSE; kind++)
        for (int k = kind == XENT ? 2 : 1; k <= 10; k += 3)
            for (int n = 1; n <= 8; n += 3) check(kind, n, k, &seed);
}

/* Logits of +-1000: the losses stay finite and right. */
static void test_large_logits(void **state)
{
    (void)state;
    const float z[3] = {1000, -1000, 0};
    const uint8_t first = 0, second = 1;
    assert_true(fabs(run(XENT, z, &first, 1, 3, NULL)) < 1e-12);
    assert_true(fabs(run(XENT, z, &second, 1, 3, NULL) - 2000) < 1e-9);
    /* BCE of the one-hot (1, 0, 0): (0 + 0 + log 2) / 3; of (0, 1, 0): (1000 + 1000 + log 2) / 3 */
    assert_true(fabs(run(BCE, z, &first, 1, 3, NULL) - log(2.0) / 3) < 1e-12);
    assert_true(fabs(run(BCE, z, &second, 1, 3, NULL) - (2000 + log(2.0)) / 3) < 1e-9);
    /* one output: the label is the target; its gradient (p - t) / n */
    const float one[1] = {-1000};
    float d[1];
    assert_true(fabs(run(BCE, one, &second, 1, 1, d) - 1000) < 1e-9);
    assert_true(d[0] == -1.0f);
}

/* A part of a batch (rows lo..hi of B, batch = B): its rows of the whole
 * batch's gradient bit for bit, and its share of the sum (data-parallel steps). */
static void test_part_of_batch(void **state)
{
    (void)state;
    enum { B = 7, K = 5 };
    uint32_t seed = 4;
    uint8_t labels[B];
    for (int r = 0; r < B; r++) labels[r] = (uint8_t)(t_rand(&seed) % K);
    float *z = t_floats(B * K, &seed, -3, 3), p[B * K], whole[B * K], part[B * K];
    for (int kind = XENT; kind <= MSE; kind++) {
        if (kind == XENT) cl_softmax_forward(z, p, B, K);
        if (kind == BCE) cl_sigmoid_forward(z, p, (size_t)B * K);
        const float *v = z; /* MSE reads y (here z), the cross-entropies z and p */
        double all = kind == XENT  ? cl_loss_xent(v, p, labels, B, K, B, whole)
                     : kind == BCE ? cl_loss_bce(v, p, labels, B, K, B, whole)
                                   : cl_loss_mse(v, labels, B, K, B, whole);
        double sum = 0;
        for (int lo = 0; lo < B; lo += 3) {
            int n = lo + 3 <= B ? 3 : B - lo;
            const size_t at = (size_t)lo * K;
            sum += kind == XENT  ? cl_loss_xent(v + at, p + at, labels + lo, n, K, B, part + at)
                   : kind == BCE ? cl_loss_bce(v + at, p + at, labels + lo, n, K, B, part + at)
                                 : cl_loss_mse(v + at, labels + lo, n, K, B, part + at);
        }
        assert_same_f32(part, whole, (size_t)B * K);
        assert_true(fabs(sum - all) <= 1e-12 * fabs(all));
    }
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_double),
        cmocka_unit_test(test_large_logits),
        cmocka_unit_test(test_part_of_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
