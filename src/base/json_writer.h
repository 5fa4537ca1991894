/*
 * json_writer.h - JSON text written straight into a buffer, for the hot
 * read paths (the DIN lookup) where building a jansson tree and then
 * serialising it would cost more than the database reads.
 *
 * The writer only tracks where a comma goes: the caller writes keys inside
 * objects and none inside arrays, and closes what it opens. Strings are
 * escaped as jansson does (quote, backslash and control characters; other
 * UTF-8 bytes as they are), so the text parses back to the same values.
 *
 *   json_writer w = {&out};
 *   json_write_object_begin(&w, NULL);
 *   json_write_string(&w, "din", "W123426123456");
 *   json_write_array_begin(&w, "units");
 *   ...
 *   json_write_array_end(&w);
 *   json_write_object_end(&w);
 */
#ifndef BLOODOPS_BASE_JSON_WRITER_H
#define BLOODOPS_BASE_JSON_WRITER_H

#include <stdint.h>
#include "base/buffer.h"

typedef struct {
    buffer *out;
    int comma; /* a value was written at this level: the next needs a comma */
} json_writer;

/* Each takes the member's key inside an object, NULL inside an array. */
void json_write_object_begin(json_writer *w, const char *key);
void json_write_object_end(json_writer *w);
void json_write_array_begin(json_writer *w, const char *key);
void json_write_array_end(json_writer *w);
/* value NULL writes null. */
void json_write_string(json_writer *w, const char *key, const char *value);
void json_write_integer(json_writer *w, const char *key, int64_t value);
void json_write_boolean(json_writer *w, const char *key, int value);
void json_write_null(json_writer *w, const char *key);

/* text as a JSON string, quoted and escaped. */
void buffer_append_json_string(buffer *b, const char *text);

#endif
