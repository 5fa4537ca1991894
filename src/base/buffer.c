/*
 * buffer.c - a growable, always NUL-terminated byte buffer.
 *
 * Capacity doubles, so appending n bytes one at a time costs O(n) overall.
 * Out of memory aborts (see buffer.h for why); so does a size that would
 * overflow size_t, which can only be a bug.
 */
#include "base/buffer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BUFFER_MIN_CAPACITY = 64 };

_Noreturn static void die(const char *what)
{
    fprintf(stderr, "bloodops: buffer: %s\n", what);
    abort();
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static void reserve(buffer *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->length)
        die("size overflow");
    size_t needed = b->length + extra + 1;
    if (b->data != NULL && needed <= b->capacity)
        return;
    size_t capacity = b->capacity < BUFFER_MIN_CAPACITY ? BUFFER_MIN_CAPACITY : b->capacity;
    while (capacity < needed)
        capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
    char *data = realloc(b->data, capacity);
    if (data == NULL)
        die("out of memory");
    b->data = data;
    b->capacity = capacity;
}

void buffer_append(buffer *b, const void *bytes, size_t length)
{
    /* Appending a piece of the buffer to itself must survive the realloc
     * that may move it. */
    const char *source = bytes;
    uintptr_t address = (uintptr_t)source, start = (uintptr_t)b->data;
    if (b->data != NULL && address >= start && address < start + b->capacity) {
        size_t offset = (size_t)(address - start);
        reserve(b, length);
        source = b->data + offset;
    } else {
        reserve(b, length);
    }
    if (length > 0)
        memmove(b->data + b->length, source, length);
    b->length += length;
    b->data[b->length] = '\0';
}

void buffer_append_text(buffer *b, const char *text)
{
    buffer_append(b, text, strlen(text));
}

void buffer_append_char(buffer *b, char c)
{
    reserve(b, 1);
    b->data[b->length++] = c;
    b->data[b->length] = '\0';
}

void buffer_append_markup(buffer *b, const char *text, size_t length)
{
    for (const char *p = text; p < text + length; p++) {
        switch (*p) {
        case '&': buffer_append_text(b, "&amp;"); break;
        case '<': buffer_append_text(b, "&lt;"); break;
        case '>': buffer_append_text(b, "&gt;"); break;
        case '"': buffer_append_text(b, "&quot;"); break;
        case '\'': buffer_append_text(b, "&#39;"); break;
        default: buffer_append_char(b, *p);
        }
    }
}

void buffer_printf(buffer *b, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    buffer_vprintf(b, fmt, args);
    va_end(args);
}

void buffer_vprintf(buffer *b, const char *fmt, va_list args)
{
    /* Try in the space already there; most calls fit and print once. */
    reserve(b, 0);
    va_list copy;
    va_copy(copy, args);
    size_t room = b->capacity - b->length;
    int written = vsnprintf(b->data + b->length, room, fmt, copy);
    va_end(copy);
    if (written < 0)
        die("bad format");
    if ((size_t)written >= room) {
        reserve(b, (size_t)written);
        vsnprintf(b->data + b->length, (size_t)written + 1, fmt, args);
    }
    b->length += (size_t)written;
}

void buffer_reset(buffer *b)
{
    b->length = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

char *buffer_take(buffer *b)
{
    char *text = b->data;
    if (text == NULL) {
        text = malloc(1);
        if (text == NULL)
            die("out of memory");
        text[0] = '\0';
    }
    b->data = NULL;
    b->length = 0;
    b->capacity = 0;
    return text;
}

void buffer_free(buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->length = 0;
    b->capacity = 0;
}

const char *buffer_text(const buffer *b)
{
    return b->data != NULL ? b->data : "";
}
