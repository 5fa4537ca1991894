/*
 * csv.h - comma-separated values as bloodops files use them (RFC 4180):
 * a header row, fields separated by commas, a field quoted with double
 * quotes when it holds a comma, a quote or a line break, quotes doubled.
 */
#ifndef BLOODOPS_BASE_CSV_H
#define BLOODOPS_BASE_CSV_H

#include <stddef.h>
#include "base/buffer.h"

/* Split one line (without its line ending) into at most `max` fields, in
 * place: quotes are removed and doubled quotes undone. Returns the number of
 * fields, or -1 when a quoted field is not closed or there are more than
 * `max` fields. */
int csv_split(char *line, char **fields, int max);

/* What a line of `length` bytes (read as bytes: it may hold a NUL, which
 * would cut it short as a C string) holds that no field may: "holds a NUL
 * byte" or "is not valid UTF-8 text", with *field the 0-based field where
 * it first occurs (commas outside quotes counted); NULL when nothing. */
const char *csv_line_flaw(const char *line, size_t length, int *field);

/* Strip a trailing "\n" or "\r\n" in place; returns the new length. */
size_t csv_chomp(char *line);

/* Append one field, quoted when it needs to be. */
void csv_append_field(buffer *out, const char *text);

#endif
