#include "cl_base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* the limits' values in the messages, as text */
#define TEXT(x) #x
#define VALUE_TEXT(x) TEXT(x)

static const char *const messages[CL_STATUS_COUNT] = {
    [CL_OK] = "ok",
    [CL_ERR_NULL] = "a required pointer is NULL",
    [CL_ERR_SIZE] = "a size is zero, negative or larger than allowed",
    [CL_ERR_OVERFLOW] = "the dimensions are too large: their product overflows",
    [CL_ERR_NOMEM] = "out of memory",
    [CL_ERR_CHANNELS] = "unsupported number of channels",
    [CL_ERR_KERNEL_SIZE] = "kernel sides must be between 1 and " VALUE_TEXT(CL_MAX_KERNEL),
    [CL_ERR_KERNEL_TOO_BIG] = "the kernel is larger than the image, so the output would be empty",
    [CL_ERR_STRIDE] = "stride must be between 1 and " VALUE_TEXT(CL_MAX_STRIDE),
    [CL_ERR_PADDING] = "unknown padding mode",
    [CL_ERR_ARG] = "an argument is out of range",
    [CL_ERR_OUTPUT] = "the output buffer does not have the expected size",
    [CL_ERR_SPEC] = "the model description is not valid",
    [CL_ERR_FORMAT] = "the data is not in the expected format",
    [CL_ERR_VERSION] = "the file was written by an unsupported version",
    [CL_ERR_CHECKSUM] = "the file is corrupted: its checksum does not match",
    [CL_ERR_TRUNCATED] = "the file is truncated",
    [CL_ERR_MISMATCH] = "the data does not match the expected shape or architecture",
    [CL_ERR_DIVERGED] = "training diverged: the loss is not a finite number",
};

const char *cl_status_message(int status)
{
    if (status < 0 || status >= CL_STATUS_COUNT || !messages[status])
        return "unknown status code";
    return messages[status];
}

cl_status cl_mul_size(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return CL_ERR_OVERFLOW;
    *out = a * b;
    return CL_OK;
}

cl_status cl_mul_size4(size_t a, size_t b, size_t c, size_t d, size_t *out)
{
    size_t ab, abc;
    cl_status st;
    if ((st = cl_mul_size(a, b, &ab)) != CL_OK) return st;
    if ((st = cl_mul_size(ab, c, &abc)) != CL_OK) return st;
    return cl_mul_size(abc, d, out);
}

void cl_set_error(char *err, int errlen, const char *fmt, ...)
{
    if (!err || errlen <= 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, (size_t)errlen, fmt, ap);
    va_end(ap);
}

void *cl_alloc(size_t bytes)
{
    if (bytes == 0) bytes = 1;
    /* aligned_alloc wants a multiple of the alignment */
    if (bytes > SIZE_MAX - 15) return NULL;
    return aligned_alloc(16, (bytes + 15) & ~(size_t)15);
}

void cl_free(void *p)
{
    free(p);
}
