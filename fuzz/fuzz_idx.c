/* fuzz_idx.c - libFuzzer target for the IDX reader (make fuzz).
 * The same entry point, renamed, replays tests/fuzz-regressions/idx/ in
 * tests/native/test_fuzz_regressions.c. */
#include "cl_idx.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);
int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    cl_idx v;
    if (cl_idx_parse(data, size, &v) == CL_OK) {
        /* the view must describe exactly the bytes given: read them all */
        assert(v.offset >= 8 && (size_t)v.offset <= size);
        assert((size_t)v.offset + (size_t)v.count * (size_t)v.item_bytes == size);
        unsigned sum = 0;
        for (size_t i = (size_t)v.offset; i < size; i++) sum += data[i];
        if (v.ndims == 1) {
            cl_status st = cl_idx_check_pair(&v, &v, data, 10);
            assert(st == CL_OK || st == CL_ERR_ARG);
        }
        (void)sum;
    }
    cl_idx_parse_images(data, size, &v);
    cl_idx_parse_labels(data, size, &v);
    return 0;
}
