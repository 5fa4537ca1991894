/*
 * log.c - structured logging to stderr in logfmt.
 *
 * Every event is one line `ts=... level=... msg=... k=v ...` built in memory
 * and handed to a single write(2): stderr is unbuffered and shared by the
 * HTTP worker threads, and one write per line is what keeps their lines
 * from interleaving (atomic for pipes up to PIPE_BUF, and in practice for
 * files opened with O_APPEND and terminals).
 *
 * Standard output is flushed before each line, so that a line never
 * overtakes what was printed on stdout before it when both streams are the
 * same file.
 *
 * Quoting follows logfmt as Go's go-logfmt and Heroku read it: a value is
 * quoted when it is empty or holds a space, '"', '=' or a control
 * character; inside quotes '"' and '\' are escaped and control characters
 * are written as \n, \r, \t or \u00XX, so that a value taken from a request
 * can never break a line in two or forge a field.
 */
#include "base/log.h"

#include "base/date.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Atomic because log_set_level may run while workers are logging. */
static atomic_int minimum_level = LOG_INFO;

static const char *level_name(log_level level)
{
    switch (level) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO: return "info";
    case LOG_WARN: return "warn";
    case LOG_ERROR: return "error";
    }
    return "error";
}

void log_set_level(log_level level)
{
    atomic_store(&minimum_level, (int)level);
}

void log_init(void)
{
    static const log_level levels[] = {LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR};
    const char *setting = getenv("BLOODOPS_LOG_LEVEL");
    if (setting == NULL || setting[0] == '\0')
        return;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (strcasecmp(setting, level_name(levels[i])) == 0) {
            log_set_level(levels[i]);
            return;
        }
    }
    /* A typo should not silently hide the messages the operator asked for. */
    log_warn("BLOODOPS_LOG_LEVEL=%s is not one of debug, info, warn, error; keeping the current level",
             setting);
}

static int needs_quotes(const char *value)
{
    if (value[0] == '\0')
        return 1; /* `key=` is legal logfmt, but key="" is unmistakable */
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '=')
            return 1;
    }
    return 0;
}

void log_field(buffer *b, const char *key, const char *value)
{
    if (value == NULL)
        value = "";
    buffer_append_char(b, ' ');
    /* Keys are written by programmers, but a bad one must still not break
     * the line: anything that would need quoting becomes '_'. */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        buffer_append_char(b, (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '=') ? '_' : (char)*p);
    buffer_append_char(b, '=');

    if (!needs_quotes(value)) {
        buffer_append_text(b, value);
        return;
    }
    buffer_append_char(b, '"');
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        switch (*p) {
        case '"': buffer_append_text(b, "\\\""); break;
        case '\\': buffer_append_text(b, "\\\\"); break;
        case '\n': buffer_append_text(b, "\\n"); break;
        case '\r': buffer_append_text(b, "\\r"); break;
        case '\t': buffer_append_text(b, "\\t"); break;
        default:
            if (*p < ' ' || *p == 0x7f)
                buffer_printf(b, "\\u%04x", *p);
            else
                buffer_append_char(b, (char)*p);
        }
    }
    buffer_append_char(b, '"');
}

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return; /* nowhere left to report a failure to log */
        }
        data += written;
        length -= (size_t)written;
    }
}

void log_write(log_level level, const char *msg, const char *fields)
{
    if ((int)level < atomic_load(&minimum_level))
        return;

    char ts[TIMESTAMP_TEXT_MAX];
    buffer line = BUFFER_INIT;
    buffer_append_text(&line, "ts=");
    buffer_append_text(&line, timestamp_format(timestamp_now(), ts, sizeof ts));
    buffer_append_text(&line, " level=");
    buffer_append_text(&line, level_name(level));
    log_field(&line, "msg", msg);
    if (fields != NULL && fields[0] != '\0') {
        if (fields[0] != ' ')
            buffer_append_char(&line, ' ');
        /* Fields should come from log_field; if a caller built them by hand
         * a raw line break must still not start a fake event. */
        for (const char *p = fields; *p; p++)
            buffer_append_char(&line, (*p == '\n' || *p == '\r') ? ' ' : *p);
    }
    buffer_append_char(&line, '\n');
    /* What the program printed on stdout before this event goes out first:
     * when both streams are one file (2>&1) the lines keep their order. */
    fflush(stdout);
    write_all(STDERR_FILENO, line.data, line.length);
    buffer_free(&line);
}

static void log_formatted(log_level level, const char *fmt, va_list args)
{
    /* Skip the formatting work for messages that would be dropped. */
    if ((int)level < atomic_load(&minimum_level))
        return;
    buffer message = BUFFER_INIT;
    buffer_vprintf(&message, fmt, args);
    log_write(level, buffer_text(&message), NULL);
    buffer_free(&message);
}

void log_info(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    log_formatted(LOG_INFO, fmt, args);
    va_end(args);
}

void log_warn(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    log_formatted(LOG_WARN, fmt, args);
    va_end(args);
}

void log_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    log_formatted(LOG_ERROR, fmt, args);
    va_end(args);
}
