/*
 * fuzz_import_lines.c - libFuzzer target for the line reader every CSV
 * import goes through (service/service.h: service_file_lines_next and
 * service_file_data_next, which the journal, results and catalog imports
 * read their files with), and the flaw check it calls (base/csv.h:
 * csv_line_flaw).
 *
 * The input is the file. The reader is compared with a reference written
 * here from service.h: lines end at "\n"; a line holding a NUL byte or
 * invalid UTF-8 is a problem naming its line and a field of the header,
 * never handed on; the others lose "\n" then "\r" (and line 1 a byte order
 * mark); blank lines and '#' comments are skipped; the first other line is
 * the header (a "header" problem on its line when it differs, or at the end
 * when there is none); every later one is a data line. What must hold:
 *   - the data lines handed on, with their numbers, and the problems, with
 *     their lines and fields, are the reference's;
 *   - the SHA-256 is that of every byte of the input, the line count that
 *     of the input's lines.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "service/service.h"

static const char HEADER[] = "date,entry,account,center,amount,memo";

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_import_lines: %s\n", what);
        abort();
    }
}

/* Valid UTF-8 as Unicode's table 3-7 has it: the length of the character
 * at p, 0 when none begins there. */
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
        if (c == 0xE0)
            low = 0xA0;
        if (c == 0xED)
            high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            low = 0x90;
        if (c == 0xF4)
            high = 0x8F;
    } else
        return 0;
    if (n > left || p[1] < low || p[1] > high)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* Whether the line has a NUL byte or invalid UTF-8. */
static int flawed(const unsigned char *line, size_t length)
{
    for (size_t at = 0; at < length;) {
        size_t n = line[at] ? utf8_length(line + at, length - at) : 0;
        if (!n)
            return 1;
        at += n;
    }
    return 0;
}

static int header_field(const char *name)
{
    if (strncmp(name, "field ", 6) == 0)
        return 1;
    for (const char *p = HEADER; *p;) {
        size_t length = strcspn(p, ",");
        if (strlen(name) == length && strncmp(p, name, length) == 0)
            return 1;
        p += length + (p[length] == ',');
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reference: the expected data lines and problems. */
    typedef struct {
        long line;
        const char *field; /* NULL: a data line */
        const char *text;
        size_t length;
    } expected_item;
    expected_item *expected = calloc(size + 2, sizeof *expected);
    size_t count = 0;
    long lines = 0;
    int header_seen = 0;
    for (size_t at = 0; at < size;) {
        const uint8_t *end = memchr(data + at, '\n', size - at);
        size_t length = end ? (size_t)(end - (data + at)) + 1 : size - at;
        const char *text = (const char *)data + at;
        at += length;
        lines++;
        if (flawed((const unsigned char *)text, length)) {
            expected[count++] = (expected_item){lines, "", NULL, 0};
            continue;
        }
        if (length && text[length - 1] == '\n')
            length--;
        if (length && text[length - 1] == '\r')
            length--;
        if (lines == 1 && length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3, length -= 3;
        if (!length || text[0] == '#')
            continue;
        if (!header_seen) {
            header_seen = 1;
            if (length != strlen(HEADER) || memcmp(text, HEADER, length) != 0)
                expected[count++] = (expected_item){lines, "header", NULL, 0};
            continue;
        }
        expected[count++] = (expected_item){lines, NULL, text, length};
    }
    if (!header_seen)
        expected[count++] = (expected_item){lines ? lines : 1, "header", NULL, 0};

    /* The reader. */
    char empty[1] = "";
    FILE *file = fmemopen(size ? (void *)data : empty, size ? size : 1, "rb");
    require(file != NULL, "fmemopen failed");
    if (!size)
        fgetc(file); /* an empty file: at its end at once */
    service_problems problems = {.items = json_array(), .max = (size_t)-1};
    service_file_lines reader;
    service_file_lines_open(&reader, file, HEADER, &problems);
    size_t seen = 0, next_problem = 0;
    int more;
    do {
        more = service_file_data_next(&reader);
        /* The problems told since the last line, then the line. */
        for (; next_problem < json_array_size(problems.items); next_problem++) {
            json_t *problem = json_array_get(problems.items, next_problem);
            require(seen < count && expected[seen].field, "a problem the reference does not have");
            long line = (long)json_integer_value(json_object_get(problem, "line"));
            const char *field = json_string_value(json_object_get(problem, "field"));
            require(line == expected[seen].line, "a problem on another line");
            if (*expected[seen].field)
                require(strcmp(field, expected[seen].field) == 0, "a problem names another field");
            else
                require(header_field(field), "a flawed line's problem names no field of the header");
            seen++;
        }
        if (more) {
            require(seen < count && !expected[seen].field, "a line the reference does not hand on");
            require(reader.number == expected[seen].line, "a line with another number");
            require(strlen(reader.line) == expected[seen].length &&
                        memcmp(reader.line, expected[seen].text, expected[seen].length) == 0,
                    "a line with other text");
            seen++;
        }
    } while (more);
    require(seen == count, "the reader ends before the reference");
    require(problems.count == (long)json_array_size(problems.items), "problems miscounted");
    require(reader.number == lines, "another number of lines");

    char sha256[SERVICE_SHA256_HEX_SIZE], reference[SERVICE_SHA256_HEX_SIZE];
    err e = {0};
    require(service_file_lines_close(&reader, sha256, &e) == 0, "the reader could not close");
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, size);
    sodium_bin2hex(reference, sizeof reference, digest, sizeof digest);
    require(strcmp(sha256, reference) == 0, "the SHA-256 is not the input's");
    fclose(file);
    json_decref(problems.items);
    free(expected);
    return 0;
}
