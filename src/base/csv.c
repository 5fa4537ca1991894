/*
 * csv.c - splitting and writing CSV fields (see csv.h).
 */
#include <string.h>
#include "base/csv.h"
#include "base/utf8.h"

int csv_split(char *line, char **fields, int max)
{
    int count = 0;
    char *read = line;
    for (;;) {
        if (count == max)
            return -1;
        char *write = read;
        fields[count++] = write;
        if (*read == '"') {
            read++;
            for (;;) {
                if (*read == '\0')
                    return -1; /* the quoted field never closes */
                if (*read == '"' && read[1] == '"') {
                    *write++ = '"';
                    read += 2;
                } else if (*read == '"') {
                    read++;
                    break;
                } else {
                    *write++ = *read++;
                }
            }
            if (*read != ',' && *read != '\0')
                return -1; /* text after the closing quote */
        } else {
            while (*read && *read != ',')
                *write++ = *read++;
        }
        int more = *read == ',';
        *write = '\0';
        if (!more)
            return count;
        read++;
    }
}

size_t csv_chomp(char *line)
{
    size_t length = strlen(line);
    if (length && line[length - 1] == '\n')
        line[--length] = '\0';
    if (length && line[length - 1] == '\r')
        line[--length] = '\0';
    return length;
}

void csv_append_field(buffer *out, const char *text)
{
    text = text ? text : "";
    if (!strpbrk(text, ",\"\r\n")) {
        buffer_append_text(out, text);
        return;
    }
    buffer_append_char(out, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            buffer_append_char(out, '"');
        buffer_append_char(out, *p);
    }
    buffer_append_char(out, '"');
}

const char *csv_line_flaw(const char *line, size_t length, int *field)
{
    const char *nul = memchr(line, '\0', length);
    long invalid = utf8_invalid_at(line, length);
    size_t at;
    const char *what;
    if (nul && (invalid < 0 || (size_t)(nul - line) < (size_t)invalid)) {
        at = (size_t)(nul - line);
        what = "holds a NUL byte";
    } else if (invalid >= 0) {
        at = (size_t)invalid;
        what = "is not valid UTF-8 text";
    } else {
        return NULL;
    }
    /* Fields counted as csv_split reads them: a quote opens a quoted field
     * only as the field's first character, and a doubled quote inside one
     * is a quote. */
    int quoted = 0, field_start = 1;
    *field = 0;
    for (size_t i = 0; i < at; i++) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < at && line[i + 1] == '"')
                i++; /* a doubled quote: still inside */
            else if (c == '"')
                quoted = 0;
        } else if (c == '"' && field_start) {
            quoted = 1;
        } else if (c == ',') {
            ++*field;
            field_start = 1;
            continue;
        }
        field_start = 0;
    }
    return what;
}
