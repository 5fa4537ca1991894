/*
 * fuzz_http_fake.h - a request as the router (http/router.c) sees it,
 * without a socket: the fuzz targets of the router define libmicrohttpd's
 * MHD_lookup_connection_value here, and the router's calls resolve to it
 * (an executable's definition comes before the shared library's). It
 * answers from a request read out of the fuzz input the way libmicrohttpd
 * splits one: the path before '?', unescaped (MHD_http_unescape, the
 * library's own); the query's parameters split at '&' and '=', '+' read
 * as a space, each unescaped; headers "Name: value" (names matched
 * without regard to case); cookies "a=b; c=d" from the Cookie header.
 */
#ifndef BLOODOPS_FUZZ_HTTP_FAKE_H
#define BLOODOPS_FUZZ_HTTP_FAKE_H

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <microhttpd.h>

enum { FAKE_VALUES_MAX = 64 };

typedef struct {
    const char *key, *value; /* value NULL: a parameter without '=' */
} fake_value;

typedef struct {
    fake_value headers[FAKE_VALUES_MAX], arguments[FAKE_VALUES_MAX], cookies[FAKE_VALUES_MAX];
    size_t header_count, argument_count, cookie_count;
} fake_connection;

static fake_connection fake;

const char *MHD_lookup_connection_value(struct MHD_Connection *connection,
                                        enum MHD_ValueKind kind, const char *key)
{
    (void)connection;
    if (!key)
        return NULL;
    if (kind == MHD_HEADER_KIND) {
        for (size_t i = 0; i < fake.header_count; i++)
            if (strcasecmp(fake.headers[i].key, key) == 0)
                return fake.headers[i].value;
    } else if (kind == MHD_GET_ARGUMENT_KIND) {
        for (size_t i = 0; i < fake.argument_count; i++)
            if (strcmp(fake.arguments[i].key, key) == 0)
                return fake.arguments[i].value;
    } else if (kind == MHD_COOKIE_KIND) {
        for (size_t i = 0; i < fake.cookie_count; i++)
            if (strcmp(fake.cookies[i].key, key) == 0)
                return fake.cookies[i].value;
    }
    return NULL;
}

/* Split the query string `query` (changed in place) into parameters. */
static inline void fake_arguments(char *query)
{
    for (char *part = query; part && fake.argument_count < FAKE_VALUES_MAX;) {
        char *next = strchr(part, '&');
        if (next)
            *next++ = '\0';
        if (*part) {
            char *value = strchr(part, '=');
            if (value) {
                *value++ = '\0';
                for (char *p = value; *p; p++)
                    if (*p == '+')
                        *p = ' ';
                MHD_http_unescape(value);
            }
            for (char *p = part; *p; p++)
                if (*p == '+')
                    *p = ' ';
            MHD_http_unescape(part);
            fake.arguments[fake.argument_count++] = (fake_value){part, value};
        }
        part = next;
    }
}

static char *fake_cookie_copy; /* the Cookie header's copy, split */

/* Cookies of a Cookie header (a copy is split). */
static inline void fake_cookies(const char *header)
{
    free(fake_cookie_copy);
    fake_cookie_copy = strdup(header);
    fake.cookie_count = 0;
    for (char *part = fake_cookie_copy; part && fake.cookie_count < FAKE_VALUES_MAX;) {
        char *next = strchr(part, ';');
        if (next)
            *next++ = '\0';
        while (*part == ' ')
            part++;
        char *value = strchr(part, '=');
        if (value) {
            *value++ = '\0';
            fake.cookies[fake.cookie_count++] = (fake_value){part, value};
        }
        part = next;
    }
}

/* Forget the last request's values. */
static inline void fake_reset(void)
{
    memset(&fake, 0, sizeof fake);
}

/* Read "METHOD TARGET\nName: value\n...\n\nbody" from `text` (`size` bytes
 * and a NUL after them, changed in place): the method, the path, the body
 * (every byte after the first empty line) and its length. Returns 0 when
 * there is no request line. */
static inline int fake_request(char *text, size_t size, const char **method, const char **path,
                        const char **body, size_t *body_length)
{
    fake_reset();
    *body = "";
    *body_length = 0;
    char *separator = NULL;
    for (size_t i = 0; i + 1 < size && !separator; i++)
        if (text[i] == '\n' && text[i + 1] == '\n')
            separator = text + i;
    if (separator) {
        *separator = '\0';
        *body = separator + 2;
        *body_length = (size_t)(text + size - *body);
    }
    char *line = text, *next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    char *space = strchr(line, ' ');
    if (!space)
        return 0;
    *space = '\0';
    *method = line;
    char *target = space + 1;
    char *query = strchr(target, '?');
    if (query) {
        *query++ = '\0';
        fake_arguments(query);
    }
    MHD_http_unescape(target);
    *path = target;
    for (line = next; line && fake.header_count < FAKE_VALUES_MAX; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ')
            value++;
        fake.headers[fake.header_count++] = (fake_value){line, value};
        if (strcasecmp(line, "Cookie") == 0)
            fake_cookies(value);
    }
    return 1;
}

#endif
