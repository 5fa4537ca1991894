/*
 * error.h - errors as values.
 *
 * A function that can fail returns 0 on success and -1 on failure, and fills
 * an `err` with a code (what kind of failure, mapped to an HTTP status and a
 * CLI exit code at the edges), a human message and, when the failure is
 * about one input field, that field's name. Only main() exits.
 */
#ifndef BLOODOPS_BASE_ERROR_H
#define BLOODOPS_BASE_ERROR_H

#include <stddef.h>

typedef enum {
    ERR_NONE = 0,
    ERR_INVALID,      /* bad input: a field is missing, malformed or out of range */
    ERR_NOT_FOUND,    /* the thing named does not exist */
    ERR_CONFLICT,     /* duplicate, or the current state forbids the change */
    ERR_UNAUTHORIZED, /* no valid session or credentials */
    ERR_FORBIDDEN,    /* authenticated, but the role or scope does not allow it */
    ERR_THROTTLED,    /* too many attempts: try again later */
    ERR_TOO_LARGE,    /* request body or file over the limit */
    ERR_BUSY,         /* the database is busy or a transaction must be retried */
    ERR_INTERNAL      /* a bug or an environment failure (I/O, out of memory) */
} err_code;

enum { ERR_FIELD_MAX = 64, ERR_MESSAGE_MAX = 320 };

typedef struct {
    err_code code;
    char field[ERR_FIELD_MAX];     /* "" when the error is not about one field */
    char message[ERR_MESSAGE_MAX]; /* one clear line, no trailing newline */
    long retry_after; /* ERR_THROTTLED, ERR_BUSY: seconds until a retry may pass; 0 unknown */
} err;

/* Fill *e (when e is not NULL) and return -1, so callers can write
 * `return err_set(e, ERR_INVALID, "code", "must be 2 to 16 letters");`.
 * field may be NULL. The message is printf-formatted and truncated to fit. */
int err_set(err *e, err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* err_set, then the seconds until a retry may pass (Retry-After). */
int err_set_retry(err *e, err_code code, long retry_after, const char *field, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
/* Reset to "no error". */
void err_clear(err *e);

/* Stable machine name of a code, used in the JSON error envelope:
 * "invalid_input", "not_found", "conflict", "unauthorized", "forbidden",
 * "throttled", "too_large", "busy", "internal". */
const char *err_code_name(err_code code);

#endif
