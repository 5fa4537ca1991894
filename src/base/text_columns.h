/*
 * text_columns.h - text laid out for a terminal: paragraphs wrapped at a
 * width, and two-column lists (a name, then its description) whose
 * descriptions all start at one column, as the command line's help prints
 * them.
 *
 * Widths count characters (UTF-8 code points), not bytes. Text is wrapped
 * at spaces; a word longer than a whole line is cut at the width, so no line
 * is ever longer than asked.
 */
#ifndef BLOODOPS_BASE_TEXT_COLUMNS_H
#define BLOODOPS_BASE_TEXT_COLUMNS_H

#include <stddef.h>
#include "base/buffer.h"

/* Append `text` wrapped at `line_width` characters, every line starting
 * with `indent` spaces and ending with '\n'. */
void text_wrap(buffer *out, const char *text, size_t indent, size_t line_width);

/* Append one row of a two-column list: `indent` spaces, `name` padded to
 * `name_width`, two spaces, then `description` wrapped at `line_width`
 * with its continuation lines starting under its first character. A name
 * wider than `name_width` stands on a line of its own and the description
 * starts on the next line, at the same column as every other's. */
void text_columns_row(buffer *out, const char *name, const char *description, size_t indent,
                      size_t name_width, size_t line_width);

/* The width of `text` (of its first `length` bytes) in characters. */
size_t text_width(const char *text);
size_t text_span_width(const char *text, size_t length);

#endif
