/* fuzz_model.c - libFuzzer target for the model loader and the spec parser
 * (make fuzz). The first byte picks what the rest is:
 *   bit 0 clear  a model file as it is (the CRC rejects most mutations)
 *   bit 0 set    a model file whose CRC is recomputed first, so that the
 *                fuzzer reaches the structure checks behind it
 *   bit 1 set    a spec string for a 1x12x12 input
 * A model that loads must run forward and save back to the same bytes.
 * The same entry point, renamed, replays tests/fuzz-regressions/model/. */
#include "cl_nn.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);
int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const int mode = data[0];
    data++;
    size--;
    char err[256];
    cl_nn *m = NULL;
    if (mode & 2) {
        char spec[CL_NN_MAX_SPEC + 8];
        size_t n = size < sizeof spec - 1 ? size : sizeof spec - 1;
        memcpy(spec, data, n);
        spec[n] = 0;
        cl_status st = cl_nn_create(&m, spec, 1, 12, 12, 1, err, sizeof err);
        assert((st == CL_OK) == (m != NULL));
        assert(st == CL_OK || err[0] != 0);
    } else {
        uint8_t *buf = malloc(size ? size : 1);
        if (!buf) return 0;
        memcpy(buf, data, size);
        if ((mode & 1) && size >= 4) {
            uint32_t c = cl_crc32(buf, size - 4);
            for (int i = 0; i < 4; i++) buf[size - 4 + i] = (uint8_t)(c >> (8 * i));
        }
        cl_status st = cl_nn_load(&m, buf, size, err, sizeof err);
        assert((st == CL_OK) == (m != NULL));
        assert(st == CL_OK || err[0] != 0);
        if (m) {
            size_t len = cl_nn_save_size(m);
            uint8_t *again = malloc(len);
            assert(again && cl_nn_save(m, again, len) == CL_OK);
            /* the spec is stored normalised, so a loaded file saves back unchanged
             * unless its spec was written in another case or with spaces */
            if (len == size && strncmp((const char *)buf + 52, cl_nn_spec(m), strlen(cl_nn_spec(m))) == 0)
                assert(memcmp(again, buf, len) == 0);
            free(again);
        }
        free(buf);
    }
    if (m && cl_nn_param_count(m) <= (1 << 20)) {
        size_t in = (size_t)cl_nn_layer_shape(m, 0, 0) * (size_t)cl_nn_layer_shape(m, 0, 1) *
                    (size_t)cl_nn_layer_shape(m, 0, 2);
        uint8_t *img = in <= (1u << 20) ? calloc(in, 1) : NULL;
        if (img) {
            cl_status st = cl_nn_forward(m, img, 1);
            assert(st == CL_OK || st == CL_ERR_NOMEM);
            free(img);
        }
    }
    cl_nn_free(m);
    return 0;
}
