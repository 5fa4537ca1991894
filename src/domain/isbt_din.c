/*
 * isbt_din.c - the ISBT 128 donation identification number (data structure
 * 001, ST-001 2.4.1): its facility identification number, its flag
 * characters (table 3), the ISO/IEC 7064 MOD 37-2 check character that
 * guards typed entry (appendix A), the check of a hand-typed DIN, and the
 * eye-readable form printed under its bar code (7.4.1, 7.5.1.1).
 *
 * The DIN is the one structure whose data identifier is a single "=": its
 * second character is the first character of the facility number, which
 * is why α excludes O and 0 (they would collide with other identifiers).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "domain/isbt_internal.h"

static const char check_characters[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

int isbt_checksum(const char *characters, size_t length)
{
    assert(characters || length == 0);
    /* The recursive form of the pure system (ISO/IEC 7064 7.1): the running
     * sum times 2 at each step gives every character its weight 2^n. */
    int sum = 0;
    for (size_t i = 0; i < length; i++) {
        int c = (unsigned char)characters[i], value;
        if (isbt_is_digit(c))
            value = c - '0';
        else if (isbt_is_upper(c))
            value = c - 'A' + 10;
        else
            return -1;
        sum = ((sum + value) * 2) % 37;
    }
    return (38 - sum) % 37;
}

char isbt_check_character(int checksum)
{
    assert(checksum >= 0 && checksum <= 36);
    return check_characters[checksum];
}

char *isbt_byte_text(unsigned char c, char *out, size_t size)
{
    assert(size >= 8);
    if (c >= 0x21 && c <= 0x7E)
        snprintf(out, size, "'%c'", c);
    else
        snprintf(out, size, "0x%02X", c);
    return out;
}

/* What is wrong with the first `count` characters of a DIN's data content
 * (αppppyynnnnnn, then the flags ff when count is 15), or NULL when nothing
 * is; *position is the character at fault. */
static const char *din_character_problem(const unsigned char *text, size_t count,
                                         size_t *position)
{
    assert(count == ISBT_DIN_LENGTH || count == ISBT_DIN_CONTENT_LENGTH);
    for (size_t i = 0; i < count; i++) {
        int c = text[i];
        *position = i;
        if (i == 0 && !isbt_is_facility_first(c))
            return "the facility identification number must begin with a capital letter "
                   "other than O or a digit 1-9";
        if ((i == 1 || i == 2) && !isbt_is_facility_second(c))
            return "characters 2 and 3 of the facility identification number must be capital "
                   "letters other than O or digits";
        if ((i == 3 || i == 4) && !isbt_is_digit(c))
            return "characters 4 and 5 of the facility identification number must be digits";
        if ((i == 5 || i == 6) && !isbt_is_digit(c))
            return "the year must be two digits";
        if (i >= 7 && i < ISBT_DIN_LENGTH && !isbt_is_digit(c))
            return "the sequence number must be six digits";
        if (i >= ISBT_DIN_LENGTH && !isbt_is_flag_character(c))
            return "the flag characters must be digits or capital letters from A-H, J-N, P, "
                   "R-Y";
    }
    return NULL;
}

static isbt_flag_type flag_type_of(const char *flags)
{
    if (!isbt_is_digit(flags[0]) || !isbt_is_digit(flags[1]))
        return ISBT_FLAGS_RESERVED;
    int value = (flags[0] - '0') * 10 + (flags[1] - '0');
    if (value == 0)
        return ISBT_FLAGS_NOT_USED;
    if (value == 14 || value >= 97)
        return ISBT_FLAGS_RESERVED;
    if (value < 20)
        return ISBT_FLAGS_PROCESS_CONTROL;
    if (value < 60)
        return ISBT_FLAGS_LOCAL;
    return ISBT_FLAGS_CHECK;
}

/* Fill *out from valid characters: 13 of the DIN and two flags. */
static void din_fill(const char *din, const char *flags, isbt_din *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->din, din, ISBT_DIN_LENGTH);
    memcpy(out->facility, din, ISBT_FACILITY_LENGTH);
    memcpy(out->year, din + 5, 2);
    memcpy(out->sequence, din + 7, 6);
    memcpy(out->flags, flags, 2);
    out->flag_type = flag_type_of(out->flags);
    out->checksum = isbt_checksum(out->din, ISBT_DIN_LENGTH);
    assert(out->checksum >= 0);
    out->check_character = isbt_check_character(out->checksum);
}

/* 1 when type 3 flags do not carry the DIN's checksum. */
static int check_flags_mismatch(const isbt_din *din)
{
    if (din->flag_type != ISBT_FLAGS_CHECK)
        return 0;
    int value = (din->flags[0] - '0') * 10 + (din->flags[1] - '0');
    return value != 60 + din->checksum;
}

int isbt_din_parse_content(const unsigned char *content, size_t offset, const char *field,
                           isbt_din *out, size_t *error_offset, err *e)
{
    size_t position;
    const char *problem = din_character_problem(content, ISBT_DIN_CONTENT_LENGTH, &position);
    if (problem) {
        char shown[8];
        *error_offset = offset + position;
        return err_set(e, ERR_INVALID, field, "at offset %zu: %s, found %s", offset + position,
                       problem, isbt_byte_text(content[position], shown, sizeof shown));
    }
    din_fill((const char *)content, (const char *)content + ISBT_DIN_LENGTH, out);
    if (check_flags_mismatch(out)) {
        *error_offset = offset + ISBT_DIN_LENGTH;
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: flag characters %s are a check value (60-96) that does "
                       "not match the donation identification number %s: misread or altered",
                       offset + ISBT_DIN_LENGTH, out->flags, out->din);
    }
    return 0;
}

int isbt_fin_check(const char *fin, const char *field, err *e)
{
    if (!fin || strlen(fin) != ISBT_FACILITY_LENGTH || !isbt_is_facility_first(fin[0]) ||
        !isbt_is_facility_second(fin[1]) || !isbt_is_facility_second(fin[2]) ||
        !isbt_is_digit(fin[3]) || !isbt_is_digit(fin[4]))
        return err_set(e, ERR_INVALID, field,
                       "must be an ISBT 128 facility identification number: a capital letter "
                       "other than O (or a digit 1-9), two capital letters other than O or "
                       "digits, then two digits, e.g. W1234");
    return 0;
}

int isbt_din_make(const char *facility, int year, long sequence, const char *flags,
                  isbt_din *out, err *e)
{
    if (isbt_fin_check(facility, "facility", e))
        return -1;
    if (year < 0 || year > 99)
        return err_set(e, ERR_INVALID, "year",
                       "must be the last two digits of the year, 00 to 99");
    if (sequence < 0 || sequence > ISBT_SEQUENCE_MAX)
        return err_set(e, ERR_INVALID, "sequence", "must be a number from 0 to 999999");
    if (!flags || !*flags)
        flags = "00";
    if (strlen(flags) != 2 || !isbt_is_flag_character(flags[0]) ||
        !isbt_is_flag_character(flags[1]))
        return err_set(e, ERR_INVALID, "flags",
                       "must be two characters, digits or capital letters from A-H, J-N, P, "
                       "R-Y (00 when not used)");
    char din[ISBT_DIN_LENGTH + 1];
    snprintf(din, sizeof din, "%s%02d%06ld", facility, year, sequence);
    din_fill(din, flags, out);
    if (check_flags_mismatch(out))
        return err_set(e, ERR_INVALID, "flags",
                       "must be %d for this number: flags 60 to 96 carry its check value",
                       60 + out->checksum);
    return 0;
}

void isbt_din_set_check_flags(isbt_din *din)
{
    assert(din->checksum >= 0 && din->checksum <= 36);
    din->flags[0] = (char)('0' + (60 + din->checksum) / 10);
    din->flags[1] = (char)('0' + (60 + din->checksum) % 10);
    din->flags[2] = '\0';
    din->flag_type = ISBT_FLAGS_CHECK;
}

enum { TYPED_MAX = 32 };

static int typed_shape_error(const char *field, err *e)
{
    return err_set(e, ERR_INVALID, field,
                   "must be the 13 characters of the donation identification number followed by "
                   "its check character, e.g. G1234 17 654321 A");
}

/* Copy `text` without its spaces into out, letters raised to capitals;
 * -1 when it does not fit. */
static int compact_text(const char *text, char *out, size_t size)
{
    size_t length = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            continue;
        if (length + 1 >= size)
            return -1;
        out[length++] = isbt_is_lower(*p) ? (char)(*p - 'a' + 'A') : *p;
    }
    out[length] = '\0';
    return 0;
}

/* The first problem among the 13 characters of a typed DIN, as an error. */
static int typed_characters_error(const char *compact, const char *field, err *e)
{
    size_t position;
    const char *problem =
        din_character_problem((const unsigned char *)compact, ISBT_DIN_LENGTH, &position);
    if (!problem)
        return 0;
    char shown[8];
    return err_set(e, ERR_INVALID, field, "%s, found %s at character %zu", problem,
                   isbt_byte_text((unsigned char)compact[position], shown, sizeof shown),
                   position + 1);
}

int isbt_din_parse(const char *text, isbt_din *out, const char *field, err *e)
{
    char compact[TYPED_MAX];
    if (!text || compact_text(text, compact, sizeof compact) ||
        strlen(compact) != ISBT_DIN_LENGTH)
        return err_set(e, ERR_INVALID, field,
                       "must be the 13 characters of a donation identification number, e.g. "
                       "G1234 17 654321");
    if (typed_characters_error(compact, field, e))
        return -1;
    din_fill(compact, "00", out);
    return 0;
}

int isbt_din_check(const char *typed, isbt_din *out, const char *field, err *e)
{
    if (!typed || !*typed)
        return err_set(e, ERR_INVALID, field, "is required");
    if (typed[0] == '=') {
        /* Scanned into the field: the data structure itself, flags and all. */
        isbt_scan scan;
        if (isbt_scan_parse(typed, strlen(typed), field, &scan, e))
            return -1;
        if (scan.count != 1 || scan.structures[0].kind != ISBT_STRUCTURE_DIN)
            return err_set(e, ERR_INVALID, field,
                           "must be one donation identification number, not other data "
                           "structures");
        *out = scan.structures[0].din;
        return 0;
    }
    /* Typed: spaces dropped, lower case raised. */
    char compact[TYPED_MAX];
    if (compact_text(typed, compact, sizeof compact) ||
        strlen(compact) < ISBT_DIN_LENGTH + 1)
        return typed_shape_error(field, e);
    if (typed_characters_error(compact, field, e))
        return -1;
    /* What follows the 13 characters: K, [K], (ff)K or (ff)[K]. */
    const char *rest = compact + ISBT_DIN_LENGTH;
    char flags[3] = "00";
    if (rest[0] == '(') {
        if (!isbt_is_flag_character(rest[1]) || !isbt_is_flag_character(rest[2]) ||
            rest[3] != ')')
            return err_set(e, ERR_INVALID, field,
                           "the flag characters must be two digits or letters in parentheses, "
                           "e.g. (02)");
        flags[0] = rest[1];
        flags[1] = rest[2];
        rest += 4;
    }
    char typed_check;
    if (rest[0] == '[' && rest[1] && rest[2] == ']' && !rest[3])
        typed_check = rest[1];
    else if (rest[0] && !rest[1])
        typed_check = rest[0];
    else
        return typed_shape_error(field, e);
    if (!strchr(check_characters, typed_check))
        return err_set(e, ERR_INVALID, field,
                       "the check character must be a digit, a capital letter or *");
    isbt_din din;
    din_fill(compact, flags, &din);
    if (check_flags_mismatch(&din))
        return err_set(e, ERR_INVALID, field,
                       "the flag characters %s are a check value (60-96) that does not match "
                       "the number: check what was typed",
                       din.flags);
    if (typed_check != din.check_character)
        return err_set(e, ERR_INVALID, field,
                       "check character %c does not match the donation identification number "
                       "%s: check what was typed",
                       typed_check, din.din);
    *out = din;
    return 0;
}

int isbt_din_flags_printed(const isbt_din *din)
{
    return din->flag_type != ISBT_FLAGS_NOT_USED && din->flag_type != ISBT_FLAGS_CHECK;
}

char *isbt_din_eye_readable(const isbt_din *din, char *out, size_t size)
{
    assert(size >= ISBT_EYE_READABLE_MAX);
    if (isbt_din_flags_printed(din))
        snprintf(out, size, "%s %s %s (%s) [%c]", din->facility, din->year, din->sequence,
                 din->flags, din->check_character);
    else
        snprintf(out, size, "%s %s %s [%c]", din->facility, din->year, din->sequence,
                 din->check_character);
    return out;
}

/* ST-001 table 3, values 01 to 19. */
static const char *const process_control_meanings[20] = {
    [1] = "container 1 of a set",
    [2] = "container 2 of a set",
    [3] = "container 3 of a set",
    [4] = "container 4 of a set",
    [5] = "second (or repeated) demand-printed label",
    [6] = "pilot tube label",
    [7] = "test tube label",
    [8] = "donor record label",
    [9] = "sample tube for NAT testing",
    [10] = "samples for bacterial testing",
    [11] = "match with unit label",
    [12] = "affixed partial label",
    [13] = "attached label (used with an affixed partial label)",
    [15] = "container 5 of a set",
    [16] = "container 6 of a set",
    [17] = "container 7 of a set",
    [18] = "container 8 of a set",
    [19] = "container 9 of a set",
};

const char *isbt_flags_meaning(const isbt_din *din)
{
    switch (din->flag_type) {
    case ISBT_FLAGS_NOT_USED:
        return "not used";
    case ISBT_FLAGS_PROCESS_CONTROL: {
        int value = (din->flags[0] - '0') * 10 + (din->flags[1] - '0');
        assert(value > 0 && value < 20 && process_control_meanings[value]);
        return process_control_meanings[value];
    }
    case ISBT_FLAGS_LOCAL:
        return "process control defined by the facility";
    case ISBT_FLAGS_CHECK:
        return "check value of the number (60 + its checksum)";
    case ISBT_FLAGS_RESERVED:
        return "reserved for future assignment";
    }
    return "";
}

const char *isbt_flag_type_name(isbt_flag_type type)
{
    switch (type) {
    case ISBT_FLAGS_NOT_USED:
        return "not_used";
    case ISBT_FLAGS_PROCESS_CONTROL:
        return "process_control";
    case ISBT_FLAGS_LOCAL:
        return "local";
    case ISBT_FLAGS_CHECK:
        return "check";
    case ISBT_FLAGS_RESERVED:
        return "reserved";
    }
    return "";
}
