/*
 * utf8.h - checking UTF-8 text: every text bloodops stores goes into JSON,
 * which must be valid UTF-8 (no overlong forms, no surrogates, nothing
 * past U+10FFFF, no sequence cut short).
 */
#ifndef BLOODOPS_BASE_UTF8_H
#define BLOODOPS_BASE_UTF8_H

#include <stddef.h>

/* The offset of the first byte of `length` bytes that does not begin a
 * valid UTF-8 character; -1 when all are valid. */
long utf8_invalid_at(const char *text, size_t length);

/* The characters (code points) of a NUL-terminated text; -1 when it is not
 * valid UTF-8. */
long utf8_characters(const char *text);

/* Make `text` valid UTF-8 in place: each byte that begins no valid
 * character becomes '?' (a message quoting a value cut by "%.40s" in the
 * middle of a character). */
void utf8_repair(char *text);

#endif
