/*
 * cl_idx.h - the IDX format of (Fashion-)MNIST, read from bytes in memory.
 *
 *     bytes 0-1  zero
 *     byte  2    element type: 0x08 = unsigned byte (the only one accepted)
 *     byte  3    number of dimensions D (1..3)
 *     then D big-endian uint32 dimensions, then the elements, row-major
 * Images: magic 0x00000803 (N, rows, cols); labels: 0x00000801 (N).
 *
 * Usage (the browser decompresses the .gz with DecompressionStream; the
 * native trainer with zlib):
 *
 *     cl_idx im, lb;
 *     if (cl_idx_parse_images(img_bytes, img_len, &im) != CL_OK) ...
 *     if (cl_idx_parse_labels(lab_bytes, lab_len, &lb) != CL_OK) ...
 *     if (cl_idx_check_pair(&im, &lb, lab_bytes, 10) != CL_OK) ...   // counts, labels < 10
 *     const uint8_t *pixels = img_bytes + im.offset;   // im.count images of im.dims[1] x im.dims[2]
 *
 * Nothing is copied or allocated: the parsed view points into the caller's
 * bytes. Statuses: CL_ERR_NULL, CL_ERR_FORMAT (bad magic, type, number of
 * dimensions, or bytes after the data), CL_ERR_SIZE (a zero dimension, or
 * more than 2^31 - 1 bytes), CL_ERR_TRUNCATED (fewer bytes than the
 * dimensions say), CL_ERR_MISMATCH (images and labels differ in count),
 * CL_ERR_ARG (a label >= the number of classes).
 */
#ifndef CL_IDX_H
#define CL_IDX_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Eight int32 so that JavaScript reads it as an Int32Array(8). */
typedef struct cl_idx {
    int32_t magic;      /* 0x801, 0x802, 0x803 */
    int32_t ndims;      /* 1..3 */
    int32_t dims[3];    /* dims[0] = number of items; unused dims are 1 */
    int32_t count;      /* dims[0] */
    int32_t item_bytes; /* product of dims[1..] */
    int32_t offset;     /* where the elements start in the buffer */
} cl_idx;

/* Any unsigned-byte IDX file with 1 to 3 dimensions. */
CL_API cl_status cl_idx_parse(const uint8_t *bytes, size_t len, cl_idx *out);
/* The same, but also requires 3 dimensions (images) / 1 dimension (labels). */
CL_API cl_status cl_idx_parse_images(const uint8_t *bytes, size_t len, cl_idx *out);
CL_API cl_status cl_idx_parse_labels(const uint8_t *bytes, size_t len, cl_idx *out);
/* Images and labels have the same count, and every label (in label_bytes,
 * the whole labels file) is < classes. */
CL_API cl_status cl_idx_check_pair(const cl_idx *images, const cl_idx *labels,
                                   const uint8_t *label_bytes, int classes);

#ifdef __cplusplus
}
#endif
#endif
