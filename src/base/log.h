/*
 * log.h - structured logging to stderr in logfmt.
 *
 * One line per event: `ts=2026-11-21T10:00:00Z level=info msg="..." k=v ...`.
 * Values with spaces, quotes or '=' are quoted and escaped by log_field so a
 * line always parses. Lines are written with one write() so that threads do
 * not interleave.
 */
#ifndef BLOODOPS_BASE_LOG_H
#define BLOODOPS_BASE_LOG_H

#include "buffer.h"

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Messages below this level are dropped (default LOG_INFO; BLOODOPS_LOG_LEVEL
 * = debug|info|warn|error sets it at start-up through log_init). */
void log_init(void);
void log_set_level(log_level level);

/* Append ` key=value` to b, quoting value when it needs it. */
void log_field(buffer *b, const char *key, const char *value);

/* Write one line: ts, level, msg, then `fields` (already formatted with
 * log_field, may be NULL or ""). */
void log_write(log_level level, const char *msg, const char *fields);

/* Convenience: printf-style message, no extra fields. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
