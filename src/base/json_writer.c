/*
 * json_writer.c - JSON text written straight into a buffer (see
 * json_writer.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/json_writer.h"

void buffer_append_json_string(buffer *b, const char *text)
{
    static const char hex[] = "0123456789ABCDEF"; /* upper case, as jansson */
    buffer_append_char(b, '"');
    const char *run = text;
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buffer_append(b, run, (size_t)(p - run));
        run = p + 1;
        char escape[7] = {'\\', 0};
        size_t length = 2;
        switch (c) {
        case '"': escape[1] = '"'; break;
        case '\\': escape[1] = '\\'; break;
        case '\b': escape[1] = 'b'; break;
        case '\f': escape[1] = 'f'; break;
        case '\n': escape[1] = 'n'; break;
        case '\r': escape[1] = 'r'; break;
        case '\t': escape[1] = 't'; break;
        default:
            memcpy(escape + 1, "u00", 3);
            escape[4] = hex[c >> 4];
            escape[5] = hex[c & 15];
            length = 6;
        }
        buffer_append(b, escape, length);
    }
    buffer_append(b, run, strlen(run));
    buffer_append_char(b, '"');
}

/* The comma before a member or element, and the member's key. */
static void member(json_writer *w, const char *key)
{
    if (w->comma)
        buffer_append_char(w->out, ',');
    if (key) {
        buffer_append_json_string(w->out, key);
        buffer_append_char(w->out, ':');
    }
    w->comma = 1;
}

static void container_begin(json_writer *w, const char *key, char opening)
{
    member(w, key);
    buffer_append_char(w->out, opening);
    w->comma = 0;
}

static void container_end(json_writer *w, char closing)
{
    buffer_append_char(w->out, closing);
    w->comma = 1;
}

void json_write_object_begin(json_writer *w, const char *key) { container_begin(w, key, '{'); }
void json_write_object_end(json_writer *w) { container_end(w, '}'); }
void json_write_array_begin(json_writer *w, const char *key) { container_begin(w, key, '['); }
void json_write_array_end(json_writer *w) { container_end(w, ']'); }

void json_write_string(json_writer *w, const char *key, const char *value)
{
    member(w, key);
    if (value)
        buffer_append_json_string(w->out, value);
    else
        buffer_append(w->out, "null", 4);
}

void json_write_integer(json_writer *w, const char *key, int64_t value)
{
    /* Digits from the end (no snprintf: the hot paths write many). */
    char text[24], *p = text + sizeof text;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0)
        *--p = '-';
    member(w, key);
    buffer_append(w->out, p, (size_t)(text + sizeof text - p));
}

void json_write_boolean(json_writer *w, const char *key, int value)
{
    member(w, key);
    if (value)
        buffer_append(w->out, "true", 4);
    else
        buffer_append(w->out, "false", 5);
}

void json_write_null(json_writer *w, const char *key)
{
    member(w, key);
    buffer_append(w->out, "null", 4);
}
