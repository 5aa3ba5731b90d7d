/*
 * cl_base.h - status codes, checked size arithmetic and memory for the convlab core.
 *
 * Every public call in core/ that can fail on its input returns a cl_status.
 * CL_OK is 0; anything else is an error whose text cl_status_message() gives:
 *
 *     cl_status st = cl_conv2d_sum(...);
 *     if (st != CL_OK) fprintf(stderr, "convlab: %s\n", cl_status_message(st));
 *
 * Nothing in core/ prints, exits or keeps global state; programmer errors
 * inside core (broken invariants, not bad input) are caught by assert().
 *
 * CL_API marks a public function. In the WebAssembly builds it also exports
 * the function from the module, so the export list lives beside the code.
 */
#ifndef CL_BASE_H
#define CL_BASE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define CL_API EMSCRIPTEN_KEEPALIVE
#else
#define CL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cl_status {
    CL_OK = 0,
    CL_ERR_NULL = 1,             /* a required pointer is NULL */
    CL_ERR_SIZE = 2,             /* a dimension is zero, negative or above its limit */
    CL_ERR_OVERFLOW = 3,         /* a product of dimensions does not fit in size_t */
    CL_ERR_NOMEM = 4,            /* an allocation failed */
    CL_ERR_CHANNELS = 5,         /* unsupported number of channels */
    CL_ERR_KERNEL_SIZE = 6,      /* kernel side outside 1..CL_MAX_KERNEL */
    CL_ERR_KERNEL_TOO_BIG = 7,   /* kernel larger than the (padded) image: empty output */
    CL_ERR_STRIDE = 8,           /* stride outside 1..CL_MAX_STRIDE */
    CL_ERR_PADDING = 9,          /* unknown padding mode */
    CL_ERR_ARG = 10,             /* another argument is out of its range */
    CL_ERR_OUTPUT = 11,          /* the output buffer has the wrong size */
    CL_ERR_SPEC = 12,            /* a model spec cannot be parsed or its shapes do not fit */
    CL_ERR_FORMAT = 13,          /* bytes are not in the expected file format */
    CL_ERR_VERSION = 14,         /* a file has a format version this build cannot read */
    CL_ERR_CHECKSUM = 15,        /* a file's checksum does not match its contents */
    CL_ERR_TRUNCATED = 16,       /* a file ends before its header says it should */
    CL_ERR_MISMATCH = 17,        /* a file or buffer is for another architecture or shape */
    CL_ERR_DIVERGED = 18,        /* the loss became NaN or infinite */
    CL_STATUS_COUNT
} cl_status;

/* The limits every part of the engine shares (the image convolution, the
 * network's conv layer, its spec); each module's own limits are in its header.
 * Largest side of an image, in pixels: 32768 x 32768 x 4 channels x 4 bytes
 * does not fit in a 32-bit size_t, so callers still rely on the checked products. */
#define CL_MAX_DIM 32768
/* Largest kernel side (rows or columns), and largest stride. */
#define CL_MAX_KERNEL 15
#define CL_MAX_STRIDE 4

/* A short English sentence for a status; never NULL, even for unknown codes. */
CL_API const char *cl_status_message(int status);

/* *out = a * b, or CL_ERR_OVERFLOW if the product does not fit in size_t. */
cl_status cl_mul_size(size_t a, size_t b, size_t *out);
/* *out = a * b * c * d, checked the same way (pass 1 for unused factors). */
cl_status cl_mul_size4(size_t a, size_t b, size_t c, size_t d, size_t *out);

/* Writes a printf-style message into err (errlen bytes, always NUL-terminated);
 * does nothing when err is NULL or errlen <= 0. For calls that explain a refusal. */
void cl_set_error(char *err, int errlen, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The value of one of the engine's integer constants by its name in the
 * headers: every limit and every enum value a caller may keep a copy of
 * ("CL_MAX_KERNEL", "CL_PAD_ZERO", "CL_ERR_DIVERGED", "CL_NN_MAX_FILE_BYTES",
 * ...), so that the copy (the JS glue's, say) can be checked against the
 * engine it runs with. CL_CONSTANT_UNKNOWN for a name it does not know, and
 * for NULL. Names are matched exactly (case too). Float constants (CL_LUMA_R,
 * CL_ADAM_B1, ...) are not answered. Defined in cl_constant.c. */
#define CL_CONSTANT_UNKNOWN INT_MIN
CL_API int cl_constant(const char *name);

/* 16-byte aligned allocation for SIMD data; cl_free(NULL) is safe.
 * Exported so the JavaScript glue can own buffers inside the WASM memory. */
CL_API void *cl_alloc(size_t bytes);
CL_API void cl_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
