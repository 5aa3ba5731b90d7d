/* test_fuzz_regressions.c - replays every file of tests/fuzz-regressions/
 * (seeds and any input a fuzzer ever crashed on) through the fuzz targets'
 * own entry points, under the sanitizers. Run from the repository root
 * (make test-native does), or set CL_FUZZ_REGRESSIONS to the folder. */
#define _POSIX_C_SOURCE 200809L
#include "cl_test.h"

#include <dirent.h>
#include <string.h>

#define FUZZ_ENTRY fuzz_idx_one
#include "../../fuzz/fuzz_idx.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_model_one
#include "../../fuzz/fuzz_model.c"
#undef FUZZ_ENTRY

static int replay(const char *sub, int (*entry)(const uint8_t *, size_t))
{
    const char *root = getenv("CL_FUZZ_REGRESSIONS");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", root ? root : "tests/fuzz-regressions", sub);
    DIR *d = opendir(dir);
    if (!d) {
        print_error("cannot open %s (run from the repository root)\n", dir);
        return -1;
    }
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t *buf = malloc(1 << 20);
        size_t n = fread(buf, 1, 1 << 20, f);
        fclose(f);
        print_message("  %s (%zu bytes)\n", path, n);
        entry(buf, n);
        free(buf);
        count++;
    }
    closedir(d);
    return count;
}

static void test_idx_inputs(void **state)
{
    (void)state;
    assert_true(replay("idx", fuzz_idx_one) >= 2); /* at least the seeds */
}

static void test_model_inputs(void **state)
{
    (void)state;
    assert_true(replay("model", fuzz_model_one) >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idx_inputs),
        cmocka_unit_test(test_model_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
