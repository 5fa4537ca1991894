/*
 * buffer.h - a growable byte buffer, always NUL-terminated.
 *
 * Used to build JSON, CSV, SQL-free text output and hash input. Allocation
 * failure aborts (there is nothing sensible to do in a request without
 * memory, and it keeps every caller simple).
 */
#ifndef BLOODOPS_BASE_BUFFER_H
#define BLOODOPS_BASE_BUFFER_H

#include <stddef.h>
#include <stdarg.h>

typedef struct {
    char *data; /* NULL until the first append; always NUL-terminated after */
    size_t length;
    size_t capacity;
} buffer;

#define BUFFER_INIT {NULL, 0, 0}

void buffer_append(buffer *b, const void *bytes, size_t length);
void buffer_append_text(buffer *b, const char *text);
void buffer_append_char(buffer *b, char c);
/* The first `length` bytes of text escaped for HTML or XML text and
 * attribute values (& < > " '). */
void buffer_append_markup(buffer *b, const char *text, size_t length);
void buffer_printf(buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buffer_vprintf(buffer *b, const char *fmt, va_list args);
/* Empty the buffer but keep its memory. */
void buffer_reset(buffer *b);
/* Hand the contents to the caller (free() it) and leave the buffer empty.
 * Returns "" allocated when the buffer was empty, never NULL. */
char *buffer_take(buffer *b);
void buffer_free(buffer *b);
/* The text, "" when nothing was appended yet. */
const char *buffer_text(const buffer *b);

#endif
