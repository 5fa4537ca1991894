/*
 * fuzz_csv.c - libFuzzer target for the CSV splitter and writer
 * (base/csv.h): csv_split, csv_chomp and csv_append_field.
 *
 * The input is one line: up to its first NUL for csv_split, as the
 * importers hand lines to it, and every byte for csv_line_flaw. What must hold for any line:
 *   - csv_split agrees, field by field, with a reference splitter written
 *     here from RFC 4180 as csv.h states it (quoted fields, doubled quotes,
 *     no text after a closing quote, at most `max` fields), for several
 *     `max` values; the fields it gives lie inside the line;
 *   - the fields written back with csv_append_field, joined by commas,
 *     split again into the same fields; a line without quotes or line
 *     breaks is written back byte for byte;
 *   - any text written as one field by csv_append_field splits back into
 *     exactly that one field;
 *   - csv_chomp removes one "\n", then one "\r", and nothing else;
 *   - csv_line_flaw, given every byte of the input (NULs included), finds
 *     a flaw exactly when a NUL byte or invalid UTF-8 (Unicode's table 3-7,
 *     checked here) is in it, names the first, and names the field it is
 *     in: the last field of the line cut just before it.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buffer.h"
#include "base/csv.h"

enum { FIELDS_MAX = 16 };

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_csv: %s\n", what);
        abort();
    }
}

/* The reference: fields copied out of `line` into `out` (each
 * NUL-terminated, one after another); the count, or -1. */
static int reference_split(const char *line, int max, char *out, const char **fields)
{
    int count = 0;
    const char *p = line;
    for (;;) {
        if (count == max)
            return -1;
        fields[count++] = out;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p)
                    return -1;
                if (p[0] == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            if (*p && *p != ',')
                return -1;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        *out++ = '\0';
        if (!*p)
            return count;
        p++; /* the comma */
    }
}

/* The length of the valid UTF-8 character at p (Unicode's table 3-7), 0
 * when none begins there. */
static size_t utf8_length(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        low = c == 0xE0 ? 0xA0 : 0x80;
        high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        low = c == 0xF0 ? 0x90 : 0x80;
        high = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (n > left || p[1] < low || p[1] > high)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static void check_flaw(const uint8_t *data, size_t size)
{
    size_t at = 0;
    int nul = 0;
    while (at < size) {
        size_t n = utf8_length(data + at, size - at);
        if (!n || !data[at]) {
            nul = !data[at];
            break;
        }
        at += n;
    }
    int field = -1;
    const char *flaw = csv_line_flaw((const char *)data, size, &field);
    if (at == size) {
        require(flaw == NULL, "csv_line_flaw finds a flaw in a clean line");
        return;
    }
    require(flaw != NULL, "csv_line_flaw misses a flaw");
    require(strstr(flaw, nul ? "NUL" : "UTF-8") != NULL, "csv_line_flaw names another flaw");
    /* The line cut before the flaw: the flaw is in its last field. */
    char *before = malloc(at + 1);
    memcpy(before, data, at);
    before[at] = '\0';
    char **fields = malloc((at + 1) * sizeof *fields);
    int count = csv_split(before, fields, (int)at + 1);
    require(field >= 0, "csv_line_flaw names no field");
    if (count > 0)
        require(field == count - 1, "csv_line_flaw names another field");
    free(fields);
    free(before);
}

static void check_split(const char *line, size_t length, int max)
{
    char *copy = malloc(length + 1), *expected = malloc(length + 2 * FIELDS_MAX + 2);
    memcpy(copy, line, length + 1);
    char *fields[FIELDS_MAX];
    const char *reference[FIELDS_MAX];
    int count = csv_split(copy, fields, max);
    int reference_count = reference_split(line, max, expected, reference);
    require(count == reference_count, "csv_split and the reference count differently");
    for (int i = 0; i < count; i++) {
        require(fields[i] >= copy && fields[i] <= copy + length, "a field outside the line");
        require(strcmp(fields[i], reference[i]) == 0, "a field differs from the reference");
    }
    if (count > 0) {
        /* Written back and split again: the same fields. */
        buffer out = {0};
        for (int i = 0; i < count; i++) {
            if (i)
                buffer_append_char(&out, ',');
            csv_append_field(&out, fields[i]);
        }
        buffer_append_char(&out, '\0');
        if (!strpbrk(line, "\"\r\n"))
            require(strcmp(out.data, line) == 0, "a line without quotes is not written back as it was");
        char *again[FIELDS_MAX];
        int again_count = csv_split(out.data, again, FIELDS_MAX);
        require(again_count == count, "written back, the line splits into another count");
        for (int i = 0; i < count; i++)
            require(strcmp(again[i], fields[i]) == 0, "written back, a field changes");
        buffer_free(&out);
    }
    free(copy);
    free(expected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = '\0';
    size_t length = strlen(line);

    static const int maxima[] = {1, 4, 5, 7, FIELDS_MAX};
    for (size_t i = 0; i < sizeof maxima / sizeof maxima[0]; i++)
        check_split(line, length, maxima[i]);

    /* The whole text as one field. */
    buffer one = {0};
    csv_append_field(&one, line);
    buffer_append_char(&one, '\0');
    char *field[2];
    require(csv_split(one.data, field, 2) == 1, "one field written does not split into one");
    require(strcmp(field[0], line) == 0, "one field written does not split back to its text");
    buffer_free(&one);

    /* csv_chomp: "\n" then "\r" at the end, nothing else. */
    size_t expected = length;
    if (expected && line[expected - 1] == '\n')
        expected--;
    if (expected && line[expected - 1] == '\r')
        expected--;
    char *chomped = malloc(length + 1);
    memcpy(chomped, line, length + 1);
    require(csv_chomp(chomped) == expected && strlen(chomped) == expected &&
                memcmp(chomped, line, expected) == 0,
            "csv_chomp removed something else");
    free(chomped);
    free(line);
    check_flaw(data, size);
    return 0;
}
