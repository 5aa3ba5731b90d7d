/* cl_idx.c - IDX header checks; see cl_idx.h for the format. */
#include "cl_idx.h"

#include <stdint.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

cl_status cl_idx_parse(const uint8_t *bytes, size_t len, cl_idx *out)
{
    if (!bytes || !out) return CL_ERR_NULL;
    if (len == 0) return CL_ERR_FORMAT;
    /* magic: 0, 0, type 0x08 (unsigned byte), 1..3 dimensions; a short prefix
     * of it is a truncated file, anything else another format */
    static const uint8_t lo[4] = {0, 0, 0x08, 1}, hi[4] = {0, 0, 0x08, 3};
    for (size_t i = 0; i < 4 && i < len; i++)
        if (bytes[i] < lo[i] || bytes[i] > hi[i]) return CL_ERR_FORMAT;
    if (len < 4) return CL_ERR_TRUNCATED;
    int nd = bytes[3];
    size_t header = 4 + 4 * (size_t)nd;
    if (len < header) return CL_ERR_TRUNCATED;
    cl_idx v = {.magic = 0x800 | nd, .ndims = nd, .dims = {1, 1, 1}};
    uint64_t total = 1;
    for (int d = 0; d < nd; d++) {
        uint32_t n = be32(bytes + 4 + 4 * d);
        if (n == 0 || n > INT32_MAX) return CL_ERR_SIZE;
        total *= n; /* each factor < 2^31 and the running product is checked below */
        if (total > (uint64_t)INT32_MAX - header) return CL_ERR_SIZE;
        v.dims[d] = (int32_t)n;
    }
    if ((uint64_t)len < header + total) return CL_ERR_TRUNCATED;
    if ((uint64_t)len > header + total) return CL_ERR_FORMAT;
    v.count = v.dims[0];
    v.item_bytes = v.dims[1] * v.dims[2]; /* <= total, so it fits */
    v.offset = (int32_t)header;
    *out = v;
    return CL_OK;
}

/* cl_idx_parse, refusing any other number of dimensions than ndims. */
static cl_status parse_ndims(const uint8_t *bytes, size_t len, int ndims, cl_idx *out)
{
    cl_idx v;
    cl_status st = cl_idx_parse(bytes, len, &v);
    if (st != CL_OK) return st;
    if (v.ndims != ndims) return CL_ERR_FORMAT;
    *out = v;
    return CL_OK;
}

cl_status cl_idx_parse_images(const uint8_t *bytes, size_t len, cl_idx *out)
{
    return parse_ndims(bytes, len, 3, out);
}

cl_status cl_idx_parse_labels(const uint8_t *bytes, size_t len, cl_idx *out)
{
    return parse_ndims(bytes, len, 1, out);
}

cl_status cl_idx_check_pair(const cl_idx *images, const cl_idx *labels, const uint8_t *label_bytes,
                            int classes)
{
    if (!images || !labels || !label_bytes) return CL_ERR_NULL;
    if (images->count != labels->count) return CL_ERR_MISMATCH;
    if (classes < 1 || classes > 256) return CL_ERR_ARG;
    const uint8_t *l = label_bytes + labels->offset;
    for (int32_t i = 0; i < labels->count; i++)
        if (l[i] >= classes) return CL_ERR_ARG;
    return CL_OK;
}
