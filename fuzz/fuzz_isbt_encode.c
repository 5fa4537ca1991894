/*
 * fuzz_isbt_encode.c - libFuzzer target for the ISBT 128 encode side
 * (domain/isbt.h): the make functions that build each data structure from
 * its parts (isbt_din_make, isbt_din_parse, isbt_blood_group_make,
 * isbt_product_make, isbt_datetime_make, isbt_datetime_parse,
 * isbt_special_testing_make) and isbt_structure_encode.
 *
 * The first byte picks the function, the rest is its parameters as lines
 * (texts as they are, numbers through strtol, so out-of-range values come
 * too). What must hold:
 *   - a refusal is ERR_INVALID naming one of the parameters the function
 *     documents, with a message;
 *   - an accepted structure keeps the parts it was given (the DIN its
 *     facility, year and sequence; a date its day and time, 23:59 without
 *     one), encodes to at most ISBT_STRUCTURE_TEXT_MAX - 1 characters that
 *     begin with its data identifier, and that text parses back
 *     (isbt_scan_parse) to exactly one structure of the same kind holding
 *     the same values, which encodes to the same text again;
 *   - describing it gives a non-empty text that fits its buffer.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/isbt.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_isbt_encode: %s\n", what);
        abort();
    }
}

static long number(const char *text)
{
    errno = 0;
    long value = strtol(text, NULL, 10);
    return errno ? -1 : value;
}

static void refused(const err *e, const char *const *fields)
{
    require(e->code == ERR_INVALID && e->message[0], "a refusal without a message");
    for (; *fields; fields++)
        if (strcmp(e->field, *fields) == 0)
            return;
    fprintf(stderr, "field '%s'\n", e->field);
    require(0, "a refusal names another field");
}

/* Encode, parse back, compare, encode again. */
static void round_trip(const isbt_structure *s)
{
    char text[ISBT_STRUCTURE_TEXT_MAX + 8], again[ISBT_STRUCTURE_TEXT_MAX + 8];
    memset(text, 'x', sizeof text);
    size_t length = isbt_structure_encode(s, text, ISBT_STRUCTURE_TEXT_MAX);
    require(length > 0 && length < ISBT_STRUCTURE_TEXT_MAX && strlen(text) == length,
            "an encoding of the wrong length");
    const char *identifier = isbt_structure_identifier(s->kind);
    require(strncmp(text, identifier, strlen(identifier)) == 0,
            "an encoding without its data identifier");
    static isbt_scan scan;
    err e = {0};
    if (isbt_scan_parse(text, length, "scan", &scan, &e)) {
        fprintf(stderr, "encoded '%s': %s\n", text, e.message);
        require(0, "an encoded structure does not parse");
    }
    require(scan.count == 1 && scan.structures[0].kind == s->kind &&
                scan.structures[0].length == length,
            "an encoded structure parses to something else");
    const isbt_structure *p = &scan.structures[0];
    switch (s->kind) {
    case ISBT_STRUCTURE_DIN:
        require(strcmp(p->din.din, s->din.din) == 0 && strcmp(p->din.flags, s->din.flags) == 0 &&
                    p->din.checksum == s->din.checksum &&
                    p->din.check_character == s->din.check_character &&
                    p->din.flag_type == s->din.flag_type,
                "a DIN parses back to another");
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP:
        require(strcmp(p->blood_group.code, s->blood_group.code) == 0 &&
                    p->blood_group.phenotype == s->blood_group.phenotype &&
                    p->blood_group.abo == s->blood_group.abo &&
                    p->blood_group.rhd == s->blood_group.rhd &&
                    p->blood_group.use == s->blood_group.use,
                "a blood group parses back to another");
        break;
    case ISBT_STRUCTURE_PRODUCT:
        require(strcmp(p->product.code, s->product.code) == 0 &&
                    p->product.donation_type == s->product.donation_type &&
                    strcmp(p->product.divisions, s->product.divisions) == 0,
                "a product parses back to another");
        break;
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        require(strcmp(p->special_testing.code, s->special_testing.code) == 0,
                "a special testing code parses back to another");
        break;
    default: {
        const isbt_datetime *a = &p->datetime, *b = &s->datetime;
        int timed = s->kind == ISBT_STRUCTURE_EXPIRATION || s->kind == ISBT_STRUCTURE_COLLECTION ||
                    s->kind == ISBT_STRUCTURE_PRODUCTION;
        require(a->year == b->year && a->month == b->month && a->day == b->day &&
                    a->day_of_year == b->day_of_year,
                "a date parses back to another");
        require(a->has_time == timed, "a date parses back with has_time wrong");
        if (timed)
            require(a->hour == b->hour && a->minute == b->minute, "a time parses back to another");
        else
            require(a->hour == 23 && a->minute == 59, "a date without time is not 23:59");
    }
    }
    require(isbt_structure_encode(p, again, ISBT_STRUCTURE_TEXT_MAX) == length &&
                strcmp(again, text) == 0,
            "encoded again, the text changes");
    char described[ISBT_DESCRIPTION_MAX + 8];
    memset(described, 'x', sizeof described);
    isbt_structure_describe(s, described, ISBT_DESCRIPTION_MAX);
    require(memchr(described, '\0', ISBT_DESCRIPTION_MAX) && described[0], "an empty description");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 512)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *line[6] = {"", "", "", "", "", ""};
    char *p = text;
    for (int i = 0; i < 6 && p; i++) {
        char *next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        line[i] = p;
        p = next;
    }

    isbt_structure s;
    memset(&s, 0, sizeof s);
    err e = {0};
    switch (data[0] % 7) {
    case 0: { /* facility, year, sequence, flags */
        s.kind = ISBT_STRUCTURE_DIN;
        long year = number(line[1]), sequence = number(line[2]);
        if (year < -1000 || year > 1000)
            year = -1;
        if (isbt_din_make(line[0], (int)year, sequence, *line[3] ? line[3] : NULL, &s.din, &e)) {
            static const char *const fields[] = {"facility", "year", "sequence", "flags", NULL};
            refused(&e, fields);
            break;
        }
        char expected[32];
        snprintf(expected, sizeof expected, "%s%02ld%06ld", line[0], year, sequence);
        require(strcmp(s.din.din, expected) == 0 && strcmp(s.din.facility, line[0]) == 0,
                "a DIN made of other parts");
        require(s.din.checksum == isbt_checksum(s.din.din, ISBT_DIN_LENGTH),
                "a DIN with another checksum");
        round_trip(&s);
        isbt_din_set_check_flags(&s.din);
        round_trip(&s);
        break;
    }
    case 1: /* the 13 characters, typed */
        s.kind = ISBT_STRUCTURE_DIN;
        if (isbt_din_parse(line[0], &s.din, "din", &e)) {
            static const char *const fields[] = {"din", NULL};
            refused(&e, fields);
            break;
        }
        round_trip(&s);
        isbt_din_set_check_flags(&s.din);
        round_trip(&s);
        break;
    case 2: { /* abo, rhd, use (names or numbers), phenotype */
        s.kind = ISBT_STRUCTURE_BLOOD_GROUP;
        int abo = isbt_abo_parse(line[0]), rhd = isbt_rhd_parse(line[1]),
            use = isbt_intended_use_parse(line[2]);
        if (abo < 0)
            abo = (int)number(line[0]);
        if (rhd < 0)
            rhd = (int)number(line[1]);
        if (use < 0)
            use = (int)number(line[2]);
        if (isbt_blood_group_make((isbt_abo)abo, (isbt_rhd)rhd, (isbt_intended_use)use,
                                  line[3][0] ? line[3][0] : '0', &s.blood_group, &e)) {
            static const char *const fields[] = {"abo", "rhd", "use", "phenotype", NULL};
            refused(&e, fields);
            break;
        }
        require(s.blood_group.abo == (isbt_abo)abo && s.blood_group.use == (isbt_intended_use)use,
                "a blood group of other parts");
        round_trip(&s);
        break;
    }
    case 3: /* description code, donation type, divisions */
        s.kind = ISBT_STRUCTURE_PRODUCT;
        if (isbt_product_make(line[0], line[1][0], *line[2] ? line[2] : NULL, &s.product, &e)) {
            static const char *const fields[] = {"code", "donation_type", "divisions", NULL};
            refused(&e, fields);
            break;
        }
        require(strncmp(s.product.code, line[0], 5) == 0 &&
                    strcmp(s.product.description_code, line[0]) == 0,
                "a product of another description code");
        round_trip(&s);
        break;
    case 4:   /* year, month, day, hour, minute, kind */
    case 5: { /* text, kind */
        long kind = number(line[5]);
        s.kind = (isbt_structure_kind)(ISBT_STRUCTURE_EXPIRATION_DATE + (int)((unsigned long)kind % 6));
        int made;
        if (data[0] % 7 == 4) {
            long parts[5];
            for (int i = 0; i < 5; i++) {
                parts[i] = number(line[i]);
                if (parts[i] < -100000 || parts[i] > 100000)
                    parts[i] = -2;
            }
            made = isbt_datetime_make((int)parts[0], (int)parts[1], (int)parts[2], (int)parts[3],
                                      (int)parts[4], &s.datetime, "at", &e) == 0;
            if (made)
                require(s.datetime.year == parts[0] && s.datetime.month == parts[1] &&
                            s.datetime.day == parts[2] &&
                            s.datetime.hour == (parts[3] == -1 ? 23 : parts[3]) &&
                            s.datetime.minute == (parts[3] == -1 ? 59 : parts[4]),
                        "a date and time of other parts");
        } else {
            made = isbt_datetime_parse(line[0], &s.datetime, "at", &e) == 0;
            if (made) {
                char written[32];
                if (strlen(line[0]) == 10)
                    snprintf(written, sizeof written, "%04d-%02d-%02d", s.datetime.year,
                             s.datetime.month, s.datetime.day);
                else
                    snprintf(written, sizeof written, "%04d-%02d-%02d%c%02d:%02d",
                             s.datetime.year, s.datetime.month, s.datetime.day, line[0][10],
                             s.datetime.hour, s.datetime.minute);
                require(strcmp(written, line[0]) == 0, "a date and time read as another");
            }
        }
        if (!made) {
            static const char *const fields[] = {"at", NULL};
            refused(&e, fields);
            break;
        }
        round_trip(&s);
        break;
    }
    case 6:
        s.kind = ISBT_STRUCTURE_SPECIAL_TESTING;
        if (isbt_special_testing_make(line[0], &s.special_testing, "code", &e)) {
            static const char *const fields[] = {"code", NULL};
            refused(&e, fields);
            break;
        }
        require(strcmp(s.special_testing.code, line[0]) == 0, "a special testing code changes");
        round_trip(&s);
        break;
    }
    free(text);
    return 0;
}
