/*
 * utf8.c - checking UTF-8 text (see utf8.h).
 */
#include <string.h>
#include "base/utf8.h"

/* The length of the valid character at p (at most `left` bytes), 0 when
 * none begins there. */
static size_t character_length(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    size_t extra;
    unsigned long point;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        extra = 1, point = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        extra = 2, point = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        extra = 3, point = c & 0x07;
    else
        return 0;
    if (extra >= left)
        return 0;
    for (size_t i = 1; i <= extra; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        point = (point << 6) | (p[i] & 0x3F);
    }
    static const unsigned long smallest[] = {0, 0x80, 0x800, 0x10000};
    if (point < smallest[extra] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
        return 0;
    return extra + 1;
}

long utf8_invalid_at(const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t at = 0;
    while (at < length) {
        size_t step = character_length(p + at, length - at);
        if (!step)
            return (long)at;
        at += step;
    }
    return -1;
}

long utf8_characters(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t length = strlen(text);
    long count = 0;
    for (size_t at = 0; at < length; count++) {
        size_t step = character_length(p + at, length - at);
        if (!step)
            return -1;
        at += step;
    }
    return count;
}

void utf8_repair(char *text)
{
    unsigned char *p = (unsigned char *)text;
    size_t length = strlen(text);
    for (size_t at = 0; at < length;) {
        size_t step = character_length(p + at, length - at);
        if (!step) {
            p[at] = '?';
            step = 1;
        }
        at += step;
    }
}
