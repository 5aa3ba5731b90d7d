/*
 * cl_writer.h - the exporters' byte writer (internal to core/: cl_onnx.c and
 * cl_pytorch.c). Each exporter runs its one writing code twice: first with no
 * buffer, to count the file's bytes, then into a buffer of exactly that size.
 *
 *     cl_writer count = {0};          // buf NULL: count only
 *     write_file(&count, ...);
 *     cl_writer out = {.buf = dst, .cap = count.at};
 *     write_file(&out, ...);          // the same bytes, written
 *
 * Never writes past cap; a size past SIZE_MAX (or past cap, which the callers
 * rule out by sizing first) sets bad, and every later write does nothing.
 */
#ifndef CL_WRITER_H
#define CL_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cl_writer {
    uint8_t *buf; /* NULL: count only */
    size_t cap, at;
    int bad;
} cl_writer;

/* Makes room for n bytes: 0 if they do not fit (bad is then set). */
static inline int cl_writer_room(cl_writer *w, size_t n)
{
    if (w->bad || n > SIZE_MAX - w->at || (w->buf && w->at + n > w->cap)) {
        w->bad = 1;
        return 0;
    }
    return 1;
}

/* n bytes from p (counted only, when there is no buffer). */
static inline void cl_writer_put(cl_writer *w, const void *p, size_t n)
{
    if (!cl_writer_room(w, n)) return;
    if (w->buf) memcpy(w->buf + w->at, p, n);
    w->at += n;
}

#endif
