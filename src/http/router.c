/*
 * router.c - from a complete request to a handler: route lookup, session,
 * CSRF and role checks, JSON body parsing and validation (texts that are
 * not UTF-8, hold a NUL or a bidirectional control refused naming their
 * field), the error envelope (with the Retry-After of a refusal that
 * passes with time).
 *
 * The permission check happens here, before any handler runs, for every
 * route: a route names the capability it needs (or says it is public), so
 * no handler can forget it (Fossil's "check credentials first", made
 * structural); a route that names neither is refused. The routes are those
 * of every module (http_modules, generated from the modules' declarations),
 * matched whatever their order: the most specific pattern wins (the
 * routes are ranked once, so the first that matches is taken).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/date.h"
#include "base/utf8.h"
#include "http/dispatch.h"
#include "service/idempotency.h"
#include "base/log.h"

unsigned http_status_of(err_code code)
{
    switch (code) {
    case ERR_NONE: return 200;
    case ERR_INVALID: return 400;
    case ERR_UNAUTHORIZED: return 401;
    case ERR_FORBIDDEN: return 403;
    case ERR_NOT_FOUND: return 404;
    case ERR_CONFLICT: return 409;
    case ERR_TOO_LARGE: return 413;
    case ERR_THROTTLED: return 429;
    case ERR_BUSY: return 503;
    case ERR_INTERNAL: return 500;
    }
    return 500;
}

void http_reply(http_response *response, unsigned status, json_t *json)
{
    json_decref(response->json);
    if (!response->body_static)
        free((void *)response->body);
    response->body = NULL;
    response->body_length = 0;
    response->body_static = 0;
    response->content_type = NULL;
    response->retry_after = 0;
    response->status = status;
    response->json = json;
}

void http_reply_bytes(http_response *response, unsigned status, const char *content_type,
                      char *bytes, size_t length)
{
    http_reply(response, status, NULL);
    response->body = bytes;
    response->body_length = bytes ? length : 0;
    response->content_type = content_type;
}

void http_reply_text(http_response *response, unsigned status, const char *content_type,
                     char *text)
{
    http_reply_bytes(response, status, content_type, text, text ? strlen(text) : 0);
}

void http_reply_json_text(http_response *response, unsigned status, int rc, buffer *text,
                          const err *e)
{
    if (rc) {
        buffer_free(text);
        http_reply_error(response, e);
        return;
    }
    size_t length = text->length;
    /* No content type: JSON is the default (server.c). */
    http_reply_bytes(response, status, NULL, buffer_take(text), length);
}

void http_reply_static(http_response *response, unsigned status, const char *content_type,
                       const char *bytes, size_t length)
{
    http_reply(response, status, NULL);
    response->body = bytes;
    response->body_length = length;
    response->body_static = 1;
    response->content_type = content_type;
}

void http_reply_result(http_response *response, unsigned status, int rc, json_t *result,
                       const err *e)
{
    if (rc)
        http_reply_error(response, e);
    else
        http_reply(response, status, result);
}

/* `text` made valid UTF-8 in `out` (at least as large): a byte that begins
 * no character becomes '?', a character cut short at the end is dropped.
 * An error may quote what a client sent (a path, a member's name, the
 * piece of a body jansson shows), and JSON holds only UTF-8: without this
 * the envelope could not be written at all. */
static const char *utf8_clean(const char *text, char *out, size_t size)
{
    snprintf(out, size, "%s", text);
    size_t length = strlen(out);
    for (size_t at = 0;;) {
        long bad = utf8_invalid_at(out + at, length - at);
        if (bad < 0)
            break;
        at += (size_t)bad;
        unsigned char lead = (unsigned char)out[at];
        size_t need = (lead & 0xE0) == 0xC0   ? 2
                      : (lead & 0xF0) == 0xE0 ? 3
                      : (lead & 0xF8) == 0xF0 ? 4
                                              : 0;
        size_t rest = length - at;
        int cut_short = need && rest < need;
        for (size_t i = 1; cut_short && i < rest; i++)
            cut_short = ((unsigned char)out[at + i] & 0xC0) == 0x80;
        if (cut_short) {
            out[at] = '\0';
            break;
        }
        out[at++] = '?';
    }
    return out;
}

void http_reply_error(http_response *response, const err *e)
{
    char message[sizeof e->message], field[sizeof e->field];
    json_t *error = json_pack("{s:s, s:s}", "code", err_code_name(e->code), "message",
                              e->message[0] ? utf8_clean(e->message, message, sizeof message)
                                            : err_code_name(e->code));
    if (e->field[0])
        json_object_set_new(error, "field", json_string(utf8_clean(e->field, field, sizeof field)));
    http_reply(response, http_status_of(e->code), json_pack("{s:o}", "error", error));
    /* A refusal that passes with time says when (server.c: Retry-After). */
    if ((e->code == ERR_THROTTLED || e->code == ERR_BUSY) && e->retry_after > 0)
        response->retry_after = e->retry_after;
}

/* 1 when `name` is one of the comma-separated names of `list`. */
static int name_listed(const char *list, const char *name)
{
    size_t length = strlen(name);
    for (const char *at = list; at && *at;) {
        const char *end = strchr(at, ',');
        size_t item = end ? (size_t)(end - at) : strlen(at);
        if (item == length && strncmp(at, name, length) == 0)
            return 1;
        at = end ? end + 1 : NULL;
    }
    return 0;
}

const char *http_query(http_request *request, const char *name)
{
    /* A route reads only the parameters it declares (and its description
     * shows): any other is a mistake of the code, logged so that the
     * tests, which read the server's log, fail on it. */
    if (request->route && !name_listed(request->route->query, name)) {
        log_error("%s %s reads the query parameter '%s', which its route does not declare",
                  request->route->method, request->route->pattern, name);
        return NULL;
    }
    return MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, name);
}

int http_query_page(http_request *request, service_page *page, err *e)
{
    const char *limit = http_query(request, "limit");
    memset(page, 0, sizeof *page);
    long value;
    if (limit) {
        if (service_number_take(limit, 1, SERVICE_PAGE_MAX, &value, "limit", e))
            return -1;
        page->limit = (int)value;
    }
    page->after = http_query(request, "after");
    /* Sorted lists declare sort and offset; the others never read them. */
    if (request->route && name_listed(request->route->query, "sort")) {
        page->sort = http_query(request, "sort");
        const char *offset = http_query(request, "offset");
        if (offset) {
            if (service_number_take(offset, 0, SERVICE_OFFSET_MAX, &value, "offset", e))
                return -1;
            page->offset = value;
            page->counted = 1;
        }
    }
    return 0;
}

/* --- body ----------------------------------------------------------------- */

static const char *type_name(http_field_type type)
{
    switch (type) {
    case FIELD_STRING: return "a string";
    case FIELD_INTEGER: return "a whole number";
    case FIELD_BOOLEAN: return "true or false";
    case FIELD_INTEGER_TEXT: return "a whole number (or its decimal text)";
    case FIELD_DECIMAL_TEXT: return "a number (or its decimal text)";
    case FIELD_ARRAY: return "an array";
    }
    return "?";
}

/* --- text inside a body ---------------------------------------------------
 *
 * Every string of a parsed body is valid UTF-8 without NUL (jansson refuses
 * the rest); what it may still hold and must not is checked here. */

/* The code point at the start of valid UTF-8 text, and its length. */
static uint32_t code_point_at(const unsigned char *text, size_t *length)
{
    unsigned char lead = text[0];
    if (lead < 0x80) {
        *length = 1;
        return lead;
    }
    if ((lead & 0xE0) == 0xC0) {
        *length = 2;
        return ((uint32_t)(lead & 0x1F) << 6) | (text[1] & 0x3Fu);
    }
    if ((lead & 0xF0) == 0xE0) {
        *length = 3;
        return ((uint32_t)(lead & 0x0F) << 12) | ((uint32_t)(text[1] & 0x3F) << 6) |
               (text[2] & 0x3Fu);
    }
    *length = 4;
    return ((uint32_t)(lead & 0x07) << 18) | ((uint32_t)(text[1] & 0x3F) << 12) |
           ((uint32_t)(text[2] & 0x3F) << 6) | (text[3] & 0x3Fu);
}

/* Characters that show nothing: controls, spaces of every width, joiners,
 * direction marks, the byte order mark, Hangul fillers. */
static int is_invisible(uint32_t c)
{
    return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || c == 0x34F || c == 0x61C ||
           c == 0x115F || c == 0x1160 || c == 0x1680 || c == 0x180E ||
           (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
           (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0x3164 || c == 0xFEFF ||
           c == 0xFFA0;
}

/* The Unicode bidirectional controls (embeddings, overrides, isolates and
 * marks): stored in a name or a code they make it read other than it is
 * ("Trojan Source", CVE-2021-42574). */
static int is_bidi_control(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
           c == 0x200F || c == 0x61C;
}

static int text_has_visible_character(const char *text, size_t length)
{
    const unsigned char *at = (const unsigned char *)text;
    for (size_t i = 0, step; i < length; i += step)
        if (!is_invisible(code_point_at(at + i, &step)))
            return 1;
    return 0;
}

/* 0, or the first bidirectional control of the text. */
static uint32_t text_bidi_control(const char *text, size_t length)
{
    const unsigned char *at = (const unsigned char *)text;
    for (size_t i = 0, step; i < length; i += step) {
        uint32_t c = code_point_at(at + i, &step);
        if (is_bidi_control(c))
            return c;
    }
    return 0;
}

/* Refuse a bidirectional control in any string of `value` (an element of
 * an array, a member of an object, at any depth), naming where it is:
 * "name", "lines[1].memo". Passwords are secrets, never shown: any
 * character is theirs to use. */
static int bidi_check(json_t *value, const char *path, err *e)
{
    if (json_is_string(value)) {
        uint32_t c = text_bidi_control(json_string_value(value), json_string_length(value));
        if (c)
            return err_set(e, ERR_INVALID, *path ? path : NULL,
                           "must not contain the bidirectional control character U+%04X: it "
                           "makes a text read other than it is",
                           (unsigned)c);
        return 0;
    }
    char inner[ERR_FIELD_MAX + 24]; /* err_set keeps what fits */
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member)
        {
            if (strstr(key, "password"))
                continue;
            if (*path)
                snprintf(inner, sizeof inner, "%s.%s", path, key);
            else
                snprintf(inner, sizeof inner, "%s", key);
            if (bidi_check(member, inner, e))
                return -1;
        }
    } else if (json_is_array(value)) {
        size_t index;
        json_t *element;
        json_array_foreach(value, index, element)
        {
            snprintf(inner, sizeof inner, "%s[%zu]", path, index);
            if (bidi_check(element, inner, e))
                return -1;
        }
    }
    return 0;
}

/* --- a body jansson refused: which string was at fault ---------------------
 *
 * jansson says where it stopped and why, but not in which field. When the
 * fault is inside a string (bytes that are not UTF-8, a NUL written
 * \u0000, a raw control character), this walk of the body's structure
 * finds that string and the path to it, so the refusal can name the field.
 * It trusts the structure only up to the fault: the caller uses its answer
 * only when the fault comes no later than where jansson stopped. */

enum { SCAN_DEPTH_MAX = 32 };

typedef struct {
    int is_object;
    int expecting_key; /* objects: the next string is a member's name */
    size_t index;      /* arrays: the element being read */
    char key[ERR_FIELD_MAX];
} scan_level;

typedef struct {
    size_t offset;       /* of the faulty byte in the body */
    int in_key;          /* the fault is in a member's name */
    char field[ERR_FIELD_MAX + 32];
    char message[128];
} body_fault;

/* The length of the valid UTF-8 sequence at `at` (at most `left` bytes),
 * or 0 when it is not one: overlong forms, surrogates and code points
 * over U+10FFFF are not UTF-8 either. */
static size_t utf8_sequence_length(const unsigned char *at, size_t left)
{
    unsigned char lead = at[0];
    size_t length;
    uint32_t c, minimum;
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, c = lead & 0x1Fu, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, c = lead & 0x0Fu, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, c = lead & 0x07u, minimum = 0x10000;
    } else {
        return 0;
    }
    if (length > left)
        return 0;
    for (size_t i = 1; i < length; i++) {
        if ((at[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (at[i] & 0x3Fu);
    }
    if (c < minimum || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return length;
}

static void scan_path(const scan_level *levels, int depth, int with_last, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < depth; i++) {
        if (i == depth - 1 && !with_last)
            break;
        int written;
        if (levels[i].is_object)
            written = snprintf(out + used, size - used, "%s%s", used ? "." : "", levels[i].key);
        else
            written = snprintf(out + used, size - used, "[%zu]", levels[i].index);
        if (written < 0 || (size_t)written >= size - used)
            return;
        used += (size_t)written;
    }
}

/* The value of four hexadecimal digits, or 0x10000 when they are not. */
static unsigned hex4(const unsigned char *at)
{
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = at[i];
        unsigned digit = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16u;
        if (digit > 15)
            return 0x10000;
        value = value * 16 + digit;
    }
    return value;
}

/* Read the string whose opening quote is at body[start]; *end: just past
 * its closing quote. Fills `fault` (offset, message) and returns 1 at the
 * first thing in it that JSON text or bloodops does not allow. The text of
 * a member's name is copied to `key` when it fits. */
static int scan_string(const unsigned char *body, size_t length, size_t start, size_t *end,
                       char *key, size_t key_size, body_fault *fault)
{
    size_t i = start + 1, kept = 0;
    while (i < length && body[i] != '"') {
        unsigned char c = body[i];
        size_t step = 1;
        if (c == '\\') {
            step = 2;
            if (i + 5 < length && body[i + 1] == 'u' && memcmp(body + i + 2, "0000", 4) == 0) {
                fault->offset = i;
                snprintf(fault->message, sizeof fault->message,
                         "must not contain a NUL character (\\u0000)");
                return 1;
            }
            if (i + 5 < length && body[i + 1] == 'u') {
                step = 6;
                /* UTF-16 in escapes: a high surrogate must be followed by a
                 * low one, and a low one must follow a high one. */
                unsigned unit = hex4(body + i + 2);
                int paired = i + 11 < length && body[i + 6] == '\\' && body[i + 7] == 'u' &&
                             hex4(body + i + 8) >= 0xDC00 && hex4(body + i + 8) <= 0xDFFF;
                if ((unit >= 0xD800 && unit <= 0xDBFF && !paired) ||
                    (unit >= 0xDC00 && unit <= 0xDFFF)) {
                    fault->offset = i;
                    snprintf(fault->message, sizeof fault->message,
                             "is not valid Unicode: \\u%04X is half of a surrogate pair", unit);
                    return 1;
                }
                if (unit >= 0xD800 && unit <= 0xDBFF)
                    step = 12;
            }
        } else if (c < 0x20) {
            fault->offset = i;
            if (c == 0)
                snprintf(fault->message, sizeof fault->message,
                         "must not contain a NUL character (byte 0x00)");
            else
                snprintf(fault->message, sizeof fault->message,
                         "must not contain the raw control character 0x%02X: escape it", c);
            return 1;
        } else if (c >= 0x80) {
            step = utf8_sequence_length(body + i, length - i);
            if (!step) {
                fault->offset = i;
                snprintf(fault->message, sizeof fault->message,
                         "is not valid UTF-8 (byte 0x%02X at position %zu of the body)", c, i);
                return 1;
            }
        }
        if (key && kept + step < key_size && c != '\\') {
            memcpy(key + kept, body + i, step);
            kept += step;
        }
        i += step;
    }
    if (key)
        key[kept < key_size ? kept : key_size - 1] = '\0';
    *end = i + 1;
    return 0;
}

/* 1 with `fault` filled when a string of the body holds what makes it
 * unreadable; 0 when none does (the body is wrong some other way). */
static int body_fault_find(const char *text, size_t length, body_fault *fault)
{
    const unsigned char *body = (const unsigned char *)text;
    scan_level levels[SCAN_DEPTH_MAX];
    int depth = 0;
    memset(fault, 0, sizeof *fault);
    for (size_t i = 0; i < length;) {
        unsigned char c = body[i];
        scan_level *top = depth ? &levels[depth - 1] : NULL;
        if (c == '{' || c == '[') {
            if (depth == SCAN_DEPTH_MAX)
                return 0;
            memset(&levels[depth], 0, sizeof levels[depth]);
            levels[depth].is_object = c == '{';
            levels[depth].expecting_key = c == '{';
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth)
                depth--;
        } else if (c == ',' && top) {
            if (top->is_object)
                top->expecting_key = 1;
            else
                top->index++;
        } else if (c == ':' && top && top->is_object) {
            top->expecting_key = 0;
        } else if (c == '"') {
            int is_key = top && top->is_object && top->expecting_key;
            size_t end;
            if (scan_string(body, length, i, &end, is_key ? top->key : NULL,
                            is_key ? sizeof top->key : 0, fault)) {
                fault->in_key = is_key;
                /* A member's name at fault: the object holding it is named. */
                scan_path(levels, depth, !is_key, fault->field, sizeof fault->field);
                return 1;
            }
            i = end;
            continue;
        }
        i++;
    }
    return 0;
}

/* The name of `key` inside `prefix` ("lines[1]" + "amount"), for errors. */
static const char *field_path(char *out, size_t size, const char *prefix, const char *key)
{
    if (prefix && *prefix)
        snprintf(out, size, "%s.%s", prefix, key);
    else
        snprintf(out, size, "%s", key);
    return out;
}

/* Check one object against `fields`; `prefix` names it in errors ("" for
 * the body itself, "lines[1]" for an element of an array). */
static int object_check(json_t *object, const http_field *fields, const char *prefix, err *e)
{
    /* Longer than a field may be: err_set cuts it, on a character boundary. */
    char name[ERR_FIELD_MAX * 2];
    if (!json_is_object(object)) {
        if (!*prefix)
            return err_set(e, ERR_INVALID, NULL, "the request body must be a JSON object");
        return err_set(e, ERR_INVALID, prefix, "must be a JSON object");
    }
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value)
    {
        const http_field *field = fields;
        while (field->name && strcmp(field->name, key) != 0)
            field++;
        if (!field->name)
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, key),
                           "unknown field '%s'", key);
        int ok = json_is_null(value) && !field->required;
        switch (field->type) {
        case FIELD_STRING: ok = ok || json_is_string(value); break;
        case FIELD_INTEGER: ok = ok || json_is_integer(value); break;
        case FIELD_BOOLEAN: ok = ok || json_is_boolean(value); break;
        case FIELD_INTEGER_TEXT: ok = ok || json_is_integer(value) || json_is_string(value); break;
        case FIELD_DECIMAL_TEXT: ok = ok || json_is_number(value) || json_is_string(value); break;
        case FIELD_ARRAY: ok = ok || json_is_array(value); break;
        }
        if (!ok)
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, key), "must be %s",
                           type_name(field->type));
        if (field->type == FIELD_ARRAY && field->items && json_is_array(value)) {
            field_path(name, sizeof name, prefix, key);
            size_t index;
            json_t *element;
            json_array_foreach(value, index, element)
            {
                char element_name[sizeof name + 24]; /* err_set keeps what fits */
                snprintf(element_name, sizeof element_name, "%s[%zu]", name, index);
                if (object_check(element, field->items, element_name, e))
                    return -1;
            }
        }
    }
    for (const http_field *field = fields; field->name; field++) {
        if (!field->required)
            continue;
        json_t *given = json_object_get(object, field->name);
        if (!given)
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, field->name),
                           "is required");
        /* A required text must say something: spaces alone say nothing. */
        if (field->type == FIELD_STRING && json_is_string(given) &&
            !text_has_visible_character(json_string_value(given), json_string_length(given)))
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, field->name),
                           "is required: it must not be empty or only spaces");
    }
    return 0;
}

int http_body_check(http_request *request, const http_field *fields, err *e)
{
    return object_check(request->json, fields, "", e);
}

const char *http_body_string(http_request *request, const char *name)
{
    return json_string_value(json_object_get(request->json, name));
}

const char *http_body_number_text(http_request *request, const char *name)
{
    json_t *value = json_object_get(request->json, name);
    if (json_is_string(value))
        return json_string_value(value);
    if (json_is_real(value))
        return arena_printf(request->arena, "%.15g", json_real_value(value));
    if (!json_is_integer(value))
        return NULL;
    return arena_printf(request->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
}

/* --- routing -------------------------------------------------------------- */

/* Match path against pattern; fills params. Segments in braces match any
 * one non-empty segment. */
static int path_matches(const char *pattern, const char *path, const char **params, arena *a)
{
    int count = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *pattern_end = strchr(pattern, '}');
            const char *segment_end = strchr(path, '/');
            if (!segment_end)
                segment_end = path + strlen(path);
            if (segment_end == path || count >= HTTP_PATH_PARAMS_MAX)
                return 0;
            params[count++] = arena_strndup(a, path, (size_t)(segment_end - path));
            pattern = pattern_end + 1;
            path = segment_end;
        } else if (*pattern == *path) {
            pattern++;
            path++;
        } else {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

/* Every route of every module, the most specific patterns first: a route
 * ranks by its segments, one bit each from the highest down, set for a
 * literal one. Two patterns that match one path have as many segments, and
 * the one with a literal where the other first has a parameter ranks
 * higher ("/units/expiry-sweep" before "/units/{id}"), so the first route
 * of this list that matches a method and path is the one to take. Built
 * once, from http_modules. */
enum { ROUTES_MAX = 1024 };
static const http_route *routes_ranked[ROUTES_MAX];
static size_t routes_ranked_count;
static pthread_once_t routes_ranked_once = PTHREAD_ONCE_INIT;

static unsigned pattern_rank(const char *pattern)
{
    unsigned rank = 0, bit = 1u << 31;
    for (const char *segment = pattern; *segment == '/' && bit; bit >>= 1) {
        segment++;
        if (*segment != '{')
            rank |= bit;
        segment += strcspn(segment, "/");
    }
    return rank;
}

static int rank_compare(const void *a, const void *b)
{
    unsigned x = pattern_rank((*(const http_route *const *)a)->pattern);
    unsigned y = pattern_rank((*(const http_route *const *)b)->pattern);
    return x < y ? 1 : x > y ? -1 : 0;
}

static void routes_rank(void)
{
    for (const http_module *const *module = http_modules; *module; module++)
        for (const http_route *route = (*module)->routes; route->method; route++) {
            if (routes_ranked_count == ROUTES_MAX) {
                log_error("more than %d routes: raise ROUTES_MAX in router.c", ROUTES_MAX);
                abort();
            }
            routes_ranked[routes_ranked_count++] = route;
        }
    qsort(routes_ranked, routes_ranked_count, sizeof routes_ranked[0], rank_compare);
}

static const char *session_token(http_request *request)
{
    const char *authorization =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Authorization");
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0)
        return authorization + 7;
    const char *cookie =
        MHD_lookup_connection_value(request->connection, MHD_COOKIE_KIND, "bloodops_session");
    if (cookie)
        request->via_cookie = 1;
    return cookie;
}

/* --- sessions seen lately ---------------------------------------------------
 *
 * Every request checks its session; for the reads that make most of the
 * traffic (a scanner looking DINs up), each worker thread remembers the
 * sessions it checked. A remembered session is used only while nothing was
 * written through this server since (a logout, a disabled user, a changed
 * password all write) and for at most SESSION_CACHE_MS, which bounds how
 * late this server sees a session ended by another process on the same
 * database (the command line, a second server). Expiry is checked on every
 * use. */

enum { SESSION_CACHE_SLOTS = 64, SESSION_CACHE_MS = 1000 };

typedef struct {
    char token[AUTH_TOKEN_TEXT];
    auth_session session;
    uint64_t generation;
    int64_t until_ms;
} remembered_session;

static _Thread_local remembered_session session_cache[SESSION_CACHE_SLOTS];
static atomic_uint_fast64_t write_generation = 1;

void http_writes_done(void) { atomic_fetch_add(&write_generation, 1); }

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Tokens are random hex: their first characters spread them well. */
static remembered_session *session_slot(const char *token)
{
    unsigned spread = (unsigned char)token[0] * 31u + (unsigned char)token[1];
    return &session_cache[spread % SESSION_CACHE_SLOTS];
}

static int session_lookup(db_conn *db, const char *token, auth_session *out, err *e)
{
    if (strlen(token) != AUTH_TOKEN_TEXT - 1)
        return auth_session_lookup(db, token, out, e);
    remembered_session *slot = session_slot(token);
    uint64_t generation = atomic_load(&write_generation);
    if (slot->generation == generation && slot->until_ms > monotonic_ms() &&
        memcmp(slot->token, token, AUTH_TOKEN_TEXT) == 0 &&
        slot->session.expires_at > timestamp_now()) {
        *out = slot->session;
        return 0;
    }
    if (auth_session_lookup(db, token, out, e))
        return -1;
    memcpy(slot->token, token, AUTH_TOKEN_TEXT);
    slot->session = *out;
    slot->generation = generation;
    slot->until_ms = monotonic_ms() + SESSION_CACHE_MS;
    return 0;
}

static int authenticate(http_request *request, err *e)
{
    const char *token = session_token(request);
    if (!token)
        return err_set(e, ERR_UNAUTHORIZED, NULL,
                       "not logged in: log in at POST /api/v1/login and send the session cookie "
                       "or an Authorization: Bearer token");
    if (session_lookup(request->service.db, token, &request->session, e))
        return -1;
    request->authenticated = 1;
    request->service.actor = request->session.actor;
    return 0;
}

static int is_safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static int parse_body(http_request *request, err *e)
{
    const char *type =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Content-Type");
    if (!type || strncasecmp(type, "application/json", 16) != 0)
        return err_set(e, ERR_INVALID, "Content-Type", "must be application/json");
    if (request->body_length == 0)
        return err_set(e, ERR_INVALID, NULL, "a JSON body is required");
    json_error_t parse_error;
    request->json = json_loadb(request->body, request->body_length, JSON_REJECT_DUPLICATES,
                               &parse_error);
    if (!request->json) {
        /* Bytes that are not UTF-8 or a NUL inside a string: name the
         * field they are in rather than only where jansson stopped. */
        body_fault fault;
        if (body_fault_find(request->body, request->body_length, &fault) &&
            fault.offset <= (size_t)parse_error.position) {
            if (fault.in_key)
                return err_set(e, ERR_INVALID, fault.field[0] ? fault.field : NULL,
                               "a field name %s", fault.message);
            return err_set(e, ERR_INVALID, fault.field[0] ? fault.field : NULL, "%s",
                           fault.message);
        }
        return err_set(e, ERR_INVALID, NULL, "malformed JSON at line %d, column %d: %s",
                       parse_error.line, parse_error.column, parse_error.text);
    }
    return bidi_check(request->json, "", e);
}

/* A POST with an Idempotency-Key: replay the remembered answer, or run the
 * handler and remember its answer (not server errors: those may succeed
 * when retried). A write request is one job (server.c, store/db.h), so the
 * answer is remembered in the same transaction as the change it reports:
 * both are committed, or neither. On SQLite the lookup runs on the writer
 * too, after every earlier write: a retry sent while the first request is
 * still queued finds its answer. */
static void run_idempotent(const http_route *route, http_request *request,
                           http_response *response)
{
    err e;
    char request_hash[IDEMPOTENCY_HASH_TEXT];
    idempotency_answer answer;
    int64_t user_id = request->session.actor.user_id;
    if (idempotency_key_check(request->idempotency_key, &e)) {
        http_reply_error(response, &e);
        return;
    }
    idempotency_request_hash(request->method, request->path, request->body, request->body_length,
                             request_hash);
    if (idempotency_lookup(request->service.db, user_id, request->idempotency_key, request_hash,
                           &answer, &e)) {
        http_reply_error(response, &e);
        return;
    }
    if (answer.found) {
        http_reply(response, (unsigned)answer.status, json_loads(answer.response, 0, NULL));
        response->replayed = 1;
        free(answer.response);
        return;
    }
    route->handler(request, response);
    if (response->status >= 500 || !response->json)
        return;
    char *text = json_dumps(response->json, JSON_COMPACT);
    if (idempotency_remember(request->service.db, user_id, request->idempotency_key, request_hash,
                             (int)response->status, text, &e))
        log_warn("could not remember Idempotency-Key answer: %s", e.message);
    free(text);
}

const http_route *http_route_streamed(const char *method, const char *path)
{
    pthread_once(&routes_ranked_once, routes_rank);
    arena *scratch = arena_new();
    const http_route *found = NULL;
    for (size_t i = 0; i < routes_ranked_count && !found; i++) {
        const char *params[HTTP_PATH_PARAMS_MAX] = {0};
        if (strcmp(routes_ranked[i]->method, method) == 0 &&
            path_matches(routes_ranked[i]->pattern, path, params, scratch))
            found = routes_ranked[i];
    }
    arena_free(scratch);
    return found && found->upload ? found : NULL;
}

const http_route *http_route_check(http_request *request, http_response *response)
{
    err e;
    err_clear(&e);
    const http_route *route = NULL;
    int path_known = 0;
    char allow[64] = "";
    /* HEAD is GET without the body (libmicrohttpd drops it). */
    const char *method = strcmp(request->method, "HEAD") == 0 ? "GET" : request->method;
    pthread_once(&routes_ranked_once, routes_rank);
    for (size_t i = 0; i < routes_ranked_count && !route; i++) {
        const http_route *candidate = routes_ranked[i];
        const char *params[HTTP_PATH_PARAMS_MAX] = {0};
        if (strcmp(candidate->method, method) == 0 &&
            path_matches(candidate->pattern, request->path, params, request->arena)) {
            route = candidate;
            memcpy(request->path_params, params, sizeof params);
        }
    }
    /* No route for this method: which methods the path has, for 405. */
    for (size_t i = 0; i < routes_ranked_count && !route; i++) {
        const http_route *candidate = routes_ranked[i];
        const char *params[HTTP_PATH_PARAMS_MAX] = {0};
        if (!path_matches(candidate->pattern, request->path, params, request->arena))
            continue;
        path_known = 1;
        if (!strstr(allow, candidate->method) &&
            strlen(allow) + strlen(candidate->method) + 3 < sizeof allow)
            snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
                     allow[0] ? ", " : "", candidate->method);
    }
    if (!route) {
        /* Under /api/ nothing is revealed, not even which paths exist, to a
         * caller without a session. */
        if (strncmp(request->path, "/api/", 5) == 0 && authenticate(request, &e))
            goto fail;
        if (path_known) {
            response->allow = arena_strdup(request->arena, allow);
            err_set(&e, ERR_INVALID, NULL, "%s is not allowed here (allowed: %s)",
                    request->method, allow);
            http_reply_error(response, &e);
            response->status = 405;
            json_object_set_new(json_object_get(response->json, "error"), "code",
                                json_string("method_not_allowed"));
            return NULL;
        }
        err_set(&e, ERR_NOT_FOUND, NULL, "no such endpoint: %s %s", request->method,
                request->path);
        goto fail;
    }
    if (!route->public_access) {
        if (authenticate(request, &e))
            goto fail;
        if (request->via_cookie && !is_safe_method(request->method)) {
            const char *csrf =
                MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "X-CSRF-Token");
            if (!csrf || !auth_tokens_equal(csrf, request->session.csrf_token)) {
                err_set(&e, ERR_FORBIDDEN, "X-CSRF-Token",
                        "missing or wrong CSRF token: send the csrf_token given at login in the "
                        "X-CSRF-Token header");
                goto fail;
            }
        }
        /* A route that names no capability is held by nobody. */
        if (!capability_allows(request->session.actor.roles, route->capability)) {
            err_set(&e, ERR_FORBIDDEN, NULL, "your role does not allow %s %s", request->method,
                    request->path);
            goto fail;
        }
    }
    if (route->body && (parse_body(request, &e) || http_body_check(request, route->body, &e)))
        goto fail;
    request->route = route;
    return route;
fail:
    http_reply_error(response, &e);
    return NULL;
}

void http_route_run(const http_route *route, http_request *request, http_response *response)
{
    /* A streamed upload is not remembered: its body is a file, not in
     * memory to digest, and the import it feeds refuses a file imported
     * before by the file's own SHA-256. */
    if (request->idempotency_key && request->authenticated && !route->upload &&
        strcmp(request->method, "POST") == 0)
        run_idempotent(route, request, response);
    else
        route->handler(request, response);
}

void http_dispatch(http_request *request, http_response *response)
{
    const http_route *route = http_route_check(request, response);
    if (route)
        http_route_run(route, request, response);
}
