/*
 * error.c - errors as values: filling an err and naming its code.
 *
 * The message ends up in JSON error envelopes and on terminals, so when it
 * must be truncated it is cut on a UTF-8 character boundary: a half
 * character would make the JSON encoder reject the whole response.
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Cut text (already NUL-terminated within size) so that it does not end in
 * the middle of a multi-byte UTF-8 sequence. */
static void trim_to_utf8_boundary(char *text)
{
    size_t length = strlen(text);
    size_t start = length;

    /* Walk back over continuation bytes to the lead byte of the last
     * character, then check that the character is complete. */
    while (start > 0 && ((unsigned char)text[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char)text[start - 1];
    size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
    if (length - (start - 1) < need)
        text[start - 1] = '\0';
}

static void copy_truncated(char *dest, size_t size, const char *src)
{
    size_t length = strlen(src);
    if (length >= size) {
        memcpy(dest, src, size - 1);
        dest[size - 1] = '\0';
        trim_to_utf8_boundary(dest);
    } else {
        memcpy(dest, src, length + 1);
    }
}

static int err_fill(err *e, err_code code, long retry_after, const char *field, const char *fmt,
                    va_list args)
{
    if (e == NULL)
        return -1;
    e->code = code;
    e->retry_after = retry_after;
    copy_truncated(e->field, sizeof e->field, field ? field : "");
    int written = vsnprintf(e->message, sizeof e->message, fmt, args);
    if (written < 0)
        e->message[0] = '\0';
    else if ((size_t)written >= sizeof e->message)
        trim_to_utf8_boundary(e->message);
    return -1;
}

int err_set(err *e, err_code code, const char *field, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    err_fill(e, code, 0, field, fmt, args);
    va_end(args);
    return -1;
}

int err_set_retry(err *e, err_code code, long retry_after, const char *field, const char *fmt,
                  ...)
{
    va_list args;
    va_start(args, fmt);
    err_fill(e, code, retry_after, field, fmt, args);
    va_end(args);
    return -1;
}

void err_clear(err *e)
{
    if (e == NULL)
        return;
    e->code = ERR_NONE;
    e->retry_after = 0;
    e->field[0] = '\0';
    e->message[0] = '\0';
}

const char *err_code_name(err_code code)
{
    switch (code) {
    case ERR_NONE: return "none";
    case ERR_INVALID: return "invalid_input";
    case ERR_NOT_FOUND: return "not_found";
    case ERR_CONFLICT: return "conflict";
    case ERR_UNAUTHORIZED: return "unauthorized";
    case ERR_FORBIDDEN: return "forbidden";
    case ERR_THROTTLED: return "throttled";
    case ERR_TOO_LARGE: return "too_large";
    case ERR_BUSY: return "busy";
    case ERR_INTERNAL: return "internal";
    }
    /* A value outside the enum is a bug somewhere; report it as one. */
    return "internal";
}
