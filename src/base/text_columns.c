/*
 * text_columns.c - wrapping paragraphs and laying out two-column lists for
 * a terminal (text_columns.h).
 */
#include "base/text_columns.h"

#include <string.h>

/* The length in bytes of the first `characters` characters of text (all of
 * it when shorter). */
static size_t bytes_of(const char *text, size_t length, size_t characters)
{
    size_t i = 0;
    while (i < length && characters > 0) {
        i++;
        while (i < length && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++;
        characters--;
    }
    return i;
}

size_t text_span_width(const char *text, size_t length)
{
    size_t width = 0;
    for (size_t i = 0; i < length; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            width++;
    return width;
}

size_t text_width(const char *text)
{
    return text_span_width(text, strlen(text));
}

static void pad(buffer *out, size_t count)
{
    while (count--)
        buffer_append_char(out, ' ');
}

/* Append `text` wrapped into lines of at most `width` characters; the
 * first line starts where the caller left off, the next ones with `indent`
 * spaces. */
static void wrap_lines(buffer *out, const char *text, size_t indent, size_t width)
{
    if (width < 1)
        width = 1;
    size_t used = 0; /* characters on the current line */
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t length = strcspn(p, " ");
        size_t word = text_span_width(p, length);
        if (used > 0 && used + 1 + word > width) {
            buffer_append_char(out, '\n');
            pad(out, indent);
            used = 0;
        }
        if (used > 0) {
            buffer_append_char(out, ' ');
            used++;
        }
        /* A word longer than a line is cut at the width. */
        while (word > width - used) {
            size_t cut = bytes_of(p, length, width - used);
            buffer_append(out, p, cut);
            buffer_append_char(out, '\n');
            pad(out, indent);
            p += cut;
            length -= cut;
            word = text_span_width(p, length);
            used = 0;
        }
        buffer_append(out, p, length);
        used += word;
        p += length;
    }
    buffer_append_char(out, '\n');
}

void text_wrap(buffer *out, const char *text, size_t indent, size_t line_width)
{
    pad(out, indent);
    wrap_lines(out, text, indent, line_width > indent ? line_width - indent : 1);
}

void text_columns_row(buffer *out, const char *name, const char *description, size_t indent,
                      size_t name_width, size_t line_width)
{
    size_t column = indent + name_width + 2;
    size_t width = text_width(name);
    pad(out, indent);
    buffer_append_text(out, name);
    if (width > name_width) {
        buffer_append_char(out, '\n');
        pad(out, column);
    } else {
        pad(out, name_width - width + 2);
    }
    wrap_lines(out, description ? description : "", column,
               line_width > column ? line_width - column : 1);
}
