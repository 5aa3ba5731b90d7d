/* fuzz_model.c - libFuzzer target for the model loader and the spec parser
 * (make fuzz). The first byte picks what the rest is:
 *   bit 0 clear  a model file as it is (the CRC rejects most mutations)
 *   bit 0 set    a model file whose CRC is recomputed first, so that the
 *                fuzzer reaches the structure checks behind it
 *   bit 1 set    a spec string for a 1x12x12 input
 * A model that loads must run forward, save back to the same bytes, and
 * take its saved weights back (cl_nn_load_weights).
 * The same entry point, renamed, replays tests/fuzz-regressions/model/.
 *
 * Large files: the seeds of make fuzz include real saved models of 20 KB to
 * 3 MB (tools/fuzz-seeds.c), and a structure-aware mutator (below) keeps
 * their size field and CRC right, so that mutations of big files reach the
 * parser and the model instead of stopping at the first checks. */
#include "cl_nn.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#define FUZZ_CUSTOM_MUTATOR 1
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
            /* and its weights load into the model it made */
            assert(cl_nn_load_weights(m, again, len, err, sizeof err) == CL_OK);
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

#ifdef FUZZ_CUSTOM_MUTATOR
/* ---- structure-aware mutation (libFuzzer only, not in the replay) ----
 * Why: a model file gives its own size in its header and ends with a CRC-32 of
 * everything before it. Mode 1 recomputes the CRC, but libFuzzer's generic
 * mutations of a 400 KB file still land almost always in the weights (which the
 * loader only checks for being finite), or insert or erase bytes, so that the
 * size no longer matches. For mode-1 model files this mutator mostly works on
 * what the loader parses (header, spec, tensor table), can regrow the values to
 * what a mutated table asks for, or writes a whole valid file for a mutated
 * spec or input shape (a new architecture, up to max_len); then it sets the
 * size field and the CRC, so the result passes those checks and exercises the
 * parser's later checks, cl_nn_create, the table against the spec, and a
 * forward pass of the loaded model. One mutation in eight stays generic, so
 * that damaged sizes and CRCs are still tried. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define FILE_HEADER 52 /* bytes up to and including the spec length (cl_nn.h) */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Where the parts of a file f of len bytes are, as far as they are readable:
 * the tensor table at `table` (nt entries, or nt < 0 if unreadable), the values
 * from `values` on. len >= FILE_HEADER + 8. */
typedef struct layout {
    size_t spec_len, table, values;
    long nt;
} layout;

static layout layout_of(const uint8_t *f, size_t len)
{
    layout l = {0, 0, len - 4, -1};
    size_t sl = rd32(f + 48);
    if (sl > len - FILE_HEADER - 8) return l;
    l.spec_len = sl;
    l.table = FILE_HEADER + sl + 4;
    size_t nt = rd32(f + FILE_HEADER + sl);
    if (nt > 2 * CL_NN_MAX_LAYERS || 12 * nt > len - 4 - l.table) return l;
    l.nt = (long)nt;
    l.values = l.table + 12 * nt;
    return l;
}

/* libFuzzer's mutation on the first `head` bytes only; the rest moves along. */
static size_t mutate_head(uint8_t *f, size_t len, size_t cap, size_t head)
{
    size_t tail = len - head;
    uint8_t *keep = malloc(tail ? tail : 1);
    if (!keep) return len;
    memcpy(keep, f + head, tail);
    size_t room = cap - tail; /* >= head */
    size_t h = LLVMFuzzerMutate(f, head, room < head + 64 ? room : head + 64);
    memcpy(f + h, keep, tail);
    free(keep);
    return h + tail;
}

/* Resizes the values to what the tensor table asks for (new values 0.01). */
static size_t fit_values(uint8_t *f, size_t len, size_t cap)
{
    if (len < FILE_HEADER + 8) return len;
    layout l = layout_of(f, len);
    if (l.nt < 0) return len;
    size_t floats = 0;
    for (long i = 0; i < l.nt; i++) floats += rd32(f + l.table + 12 * (size_t)i + 8);
    if (floats > (cap - l.values - 4) / 4) return len;
    size_t want = l.values + 4 * floats + 4;
    for (size_t at = len - 4; at + 4 <= want - 4; at += 4) wr32(f + at, 0x3c23d70au);
    return want;
}

/* A new valid file for a mutated spec (or input shape), with the header's
 * seed and settings where they are valid for it. */
static size_t respec(uint8_t *f, size_t len, size_t cap, uint32_t *r)
{
    layout l = layout_of(f, len);
    char spec[CL_NN_MAX_SPEC];
    size_t sl = l.spec_len < sizeof spec - 1 ? l.spec_len : sizeof spec - 1;
    memcpy(spec, f + FILE_HEADER, sl);
    int c = (int)rd32(f + 12), h = (int)rd32(f + 16), w = (int)rd32(f + 20);
    if (next_rand(r) % 4 == 0) {
        /* another input shape: 1-4 channels, sides 1-64 */
        c = 1 + (int)(next_rand(r) % 4);
        h = 1 + (int)(next_rand(r) % 64);
        w = next_rand(r) % 2 ? h : 1 + (int)(next_rand(r) % 64);
    } else {
        sl = LLVMFuzzerMutate((uint8_t *)spec, sl, sizeof spec - 1);
    }
    spec[sl] = 0;
    /* Build only models whose file fits in cap (so their block, 28 bytes a
     * parameter, stays under 7 x max_len), and at most about twice as big as
     * this one: small inputs stay small and fast (the spec parser is explored
     * by thousands of them a second), while the big seeds lead to big models. */
    if (cap > 2 * len + 4096) cap = 2 * len + 4096;
    int np = cl_nn_spec_param_count(spec, c, h, w);
    if (np < 0 || (size_t)np > cap / 4) return len;
    cl_nn *m = NULL;
    if (cl_nn_create(&m, spec, c, h, w, rd32(f + 24), NULL, 0) != CL_OK) return len;
    uint32_t opt = rd32(f + 28), loss = rd32(f + 44);
    float lr, mom, l2;
    memcpy(&lr, f + 32, 4);
    memcpy(&mom, f + 36, 4);
    memcpy(&l2, f + 40, 4);
    if (opt <= CL_OPT_ADAM) cl_nn_set_optimizer(m, (int)opt, lr, mom, l2);
    if (loss <= CL_LOSS_BCE) cl_nn_set_loss(m, (int)loss);
    size_t n = cl_nn_save_size(m);
    if (n <= cap && cl_nn_save(m, f, n) == CL_OK) len = n;
    cl_nn_free(m);
    return len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint32_t r = seed | 1u;
    if (size < 1 + FILE_HEADER + 8 || max_size < size || (data[0] & 3) != 1 ||
        memcmp(data + 1, "CLNN", 4) != 0 || next_rand(&r) % 8 == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    uint8_t *f = data + 1;
    size_t len = size - 1, cap = max_size - 1;
    layout l = layout_of(f, len);
    switch (next_rand(&r) % 5) {
    case 0: /* header, spec and table; the values stay as they are */
        len = mutate_head(f, len, cap, l.values);
        break;
    case 1: /* the same, then as many values as the new table asks for */
        len = fit_values(f, mutate_head(f, len, cap, l.values), cap);
        break;
    case 2: /* the header's fixed fields only (shape, seed, settings) */
        len = mutate_head(f, len, cap, FILE_HEADER);
        break;
    case 3: /* another architecture, a consistent file */
        len = respec(f, len, cap, &r);
        break;
    default: { /* one value made special: NaN, infinities, huge, tiny, -0 */
        static const uint32_t special[] = {0x7fc00000u, 0x7f800000u, 0xff800000u, 0x7f7fffffu,
                                           0x00000001u, 0x80000000u, 0xc61c4000u};
        size_t floats = (len - 4 - l.values) / 4;
        if (floats)
            wr32(f + l.values + 4 * (next_rand(&r) % floats),
                 special[next_rand(&r) % (sizeof special / sizeof special[0])]);
        break;
    }
    }
    if (len >= FILE_HEADER + 8) {
        wr32(f + 8, (uint32_t)len);
        wr32(f + len - 4, cl_crc32(f, len - 4));
    }
    return len + 1;
}
#endif
