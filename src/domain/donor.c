/*
 * donor.c - the rules of a donor record and the folding of names and
 * identity documents (see donor.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/donor.h"
#include "domain/registry.h"

int donor_name_check(const char *name, const char *field, err *e)
{
    if (!name || !*name)
        return err_set(e, ERR_INVALID, field, "is required");
    if (strchr(name, '\n'))
        return err_set(e, ERR_INVALID, field, "must be one line");
    return registry_name_check(name, field, e);
}

int donor_sex_parse(const char *text, donor_sex *out, const char *field, err *e)
{
    if (text && (strcmp(text, "F") == 0 || strcmp(text, "f") == 0))
        return *out = DONOR_FEMALE, 0;
    if (text && (strcmp(text, "M") == 0 || strcmp(text, "m") == 0))
        return *out = DONOR_MALE, 0;
    return err_set(e, ERR_INVALID, field, "must be F or M");
}

const char *donor_sex_name(donor_sex sex) { return sex == DONOR_MALE ? "M" : "F"; }

int donor_birth_date_check(const char *text, civil_day today, civil_day *out, const char *field,
                           err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (YYYY-MM-DD)");
    civil_day day;
    if (date_parse(text, &day, field, e))
        return -1;
    if (day > today)
        return err_set(e, ERR_INVALID, field, "must not be in the future");
    int y, m, d;
    date_to_ymd(today, &y, &m, &d);
    if (y - DONOR_AGE_MAX_YEARS > 0) {
        civil_day oldest;
        if (date_from_ymd(y - DONOR_AGE_MAX_YEARS, 1, 1, &oldest, field, e))
            return -1;
        if (day < oldest)
            return err_set(e, ERR_INVALID, field, "must be less than %d years ago",
                           DONOR_AGE_MAX_YEARS);
    }
    *out = day;
    return 0;
}

int donor_number_check(const char *number, const char *field, err *e)
{
    if (donor_number_value(number) < 1)
        return err_set(e, ERR_INVALID, field,
                       "must be D and seven digits, e.g. D0000001 (not D0000000)");
    return 0;
}

char *donor_number_format(long n, char *out, size_t size)
{
    snprintf(out, size, "D%07ld", n);
    return out;
}

long donor_number_value(const char *number)
{
    if (!number || strlen(number) != DONOR_NUMBER_LENGTH || number[0] != 'D')
        return -1;
    long value = 0;
    for (int i = 1; i < DONOR_NUMBER_LENGTH; i++) {
        if (!isdigit((unsigned char)number[i]))
            return -1;
        value = value * 10 + (number[i] - '0');
    }
    return value;
}

/* --- folding ---------------------------------------------------------------- */

/* U+00C0..U+00FF without their accents (NULL: kept as it is). */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

/* U+0100..U+017F: the base letter of each. */
static const char latin_extended_a[] = "aaaaaa"
                                       "cccccccc"
                                       "dddd"
                                       "eeeeeeeeee"
                                       "gggggggg"
                                       "hhhh"
                                       "iiiiiiiiii"
                                       "ii"
                                       "jj"
                                       "kkk"
                                       "llllllllll"
                                       "nnnnnn"
                                       "n"
                                       "nn"
                                       "oooooo"
                                       "oo"
                                       "rrrrrr"
                                       "ssssssss"
                                       "tttttt"
                                       "uuuuuuuuuuuu"
                                       "ww"
                                       "yyy"
                                       "zzzzzz"
                                       "s";
_Static_assert(sizeof latin_extended_a == 129, "one letter for each of U+0100..U+017F");

typedef struct {
    char *out;
    size_t size, length;
    int space; /* a space is owed before the next letter */
} fold_writer;

static void fold_put(fold_writer *w, const char *bytes, size_t count)
{
    if (w->space && w->length > 0 && w->length + 1 < w->size)
        w->out[w->length++] = ' ';
    w->space = 0;
    if (w->length + count >= w->size)
        return; /* truncated: keys of over-long names are cut, never overflow */
    memcpy(w->out + w->length, bytes, count);
    w->length += count;
    w->out[w->length] = '\0';
}

void donor_name_fold(const char *name, char *out, size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    fold_writer w = {out, size, 0, 0};
    const unsigned char *p = (const unsigned char *)(name ? name : "");
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if (isalnum(c)) {
                char lower = (char)tolower((int)c);
                fold_put(&w, &lower, 1);
            } else if (c == '\'' || c == '`') {
                /* dropped */
            } else if (isspace(c) || c == '-' || c == '.' || c == ',' || c == '|') {
                w.space = 1;
            } else {
                char same = (char)c;
                fold_put(&w, &same, 1);
            }
            p++;
            continue;
        }
        size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        for (size_t i = 1; i < length; i++)
            if ((p[i] & 0xC0) != 0x80)
                length = i; /* broken sequence: copy what there is */
        unsigned code = length == 2 ? ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu) : 0;
        if (length == 3 && c == 0xE2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99)) {
            /* U+2018, U+2019: typographic apostrophes, dropped */
        } else if (code >= 0xC0 && code <= 0xFF && latin1[code - 0xC0]) {
            fold_put(&w, latin1[code - 0xC0], strlen(latin1[code - 0xC0]));
        } else if (code >= 0x100 && code <= 0x17F) {
            fold_put(&w, &latin_extended_a[code - 0x100], 1);
        } else {
            fold_put(&w, (const char *)p, length);
        }
        p += length;
    }
}

void donor_name_key(const char *family_name, const char *given_name, char *out, size_t size)
{
    char given[DONOR_NAME_KEY_MAX / 2];
    donor_name_fold(family_name, out, size / 2);
    donor_name_fold(given_name, given, sizeof given);
    size_t length = strlen(out);
    snprintf(out + length, size - length, "|%s", given);
}

int donor_identity_fold(const char *text, char *out, size_t size, const char *field, err *e)
{
    static const char format[] =
        "must be TYPE:NUMBER, e.g. passport:X1234567 (type 2 to 20 letters, digits or _; "
        "number 3 to 30 letters or digits)";
    const char *colon = text ? strchr(text, ':') : NULL;
    if (!colon || strlen(text) > 100)
        return err_set(e, ERR_INVALID, field, format);
    char type[32], number[48];
    size_t type_length = 0, number_length = 0;
    for (const char *p = text; p < colon; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ')
            continue;
        if (!(isalnum(c) || c == '_') || type_length == 20)
            return err_set(e, ERR_INVALID, field, format);
        type[type_length++] = (char)tolower(c);
    }
    for (const char *p = colon + 1; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '-' || c == '.' || c == '/')
            continue;
        if (!isalnum(c) || number_length == 30)
            return err_set(e, ERR_INVALID, field, format);
        number[number_length++] = (char)toupper(c);
    }
    if (type_length < 2 || number_length < 3)
        return err_set(e, ERR_INVALID, field, format);
    type[type_length] = number[number_length] = '\0';
    if ((size_t)snprintf(out, size, "%s:%s", type, number) >= size)
        return err_set(e, ERR_INVALID, field, format);
    return 0;
}

/* --- contact ---------------------------------------------------------------- */

int donor_phone_check(const char *phone, const char *field, err *e)
{
    size_t digits = 0, length = phone ? strlen(phone) : 0;
    if (length == 0)
        return 0;
    for (const char *p = phone; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr(" +()-./", *p))
            return err_set(e, ERR_INVALID, field,
                           "must be digits, spaces and + ( ) - . / only, e.g. +1 213 555 0100");
    }
    if (digits < 3 || length > DONOR_PHONE_MAX)
        return err_set(e, ERR_INVALID, field,
                       "must hold 3 or more digits and at most %d characters", DONOR_PHONE_MAX);
    return 0;
}

int donor_email_check(const char *email, const char *field, err *e)
{
    size_t length = email ? strlen(email) : 0;
    if (length == 0)
        return 0;
    const char *at = strchr(email, '@');
    const char *dot = at ? strrchr(at, '.') : NULL;
    int bad = length > DONOR_EMAIL_MAX || !at || at == email || strchr(at + 1, '@') || !dot ||
              dot == at + 1 || !dot[1];
    for (const char *p = email; !bad && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            bad = 1;
    if (bad)
        return err_set(e, ERR_INVALID, field, "must be an e-mail address, e.g. name@example.org");
    return registry_text_check(email, DONOR_EMAIL_MAX, field, e);
}

int donor_address_check(const char *address, const char *field, err *e)
{
    return address ? registry_text_check(address, DONOR_ADDRESS_MAX, field, e) : 0;
}

/* --- reactions -------------------------------------------------------------- */

const donor_reaction donor_reactions[] = {
    {"none", "None"}, {"mild", "Mild"}, {"moderate", "Moderate"}, {"severe", "Severe"}, {NULL, NULL},
};

int donor_reaction_known(const char *code)
{
    for (const donor_reaction *r = donor_reactions; code && r->code; r++)
        if (strcmp(r->code, code) == 0)
            return 1;
    return 0;
}

/* --- deferral reasons ------------------------------------------------------ */

const donor_deferral_reason donor_deferral_reasons[] = {
    {"LOW_HEMOGLOBIN", "hemoglobin or hematocrit under the minimum"},
    {"VITAL_SIGNS", "temperature, blood pressure or pulse out of range"},
    {"LOW_WEIGHT", "weight under the minimum"},
    {"ILLNESS", "current illness, infection or fever"},
    {"MEDICATION", "medication that defers (anticoagulants, isotretinoin, ...)"},
    {"VACCINATION", "recent vaccination with a live vaccine"},
    {"TRAVEL", "travel to or residence in a malaria or vCJD risk area"},
    {"TATTOO_PIERCING", "tattoo, piercing or accidental needle exposure"},
    {"SURGERY", "recent surgery or transfusion received"},
    {"PREGNANCY", "pregnancy or recent delivery"},
    {"PROCEDURE_REACTION", "reaction to an earlier donation"},
    {"BEHAVIOURAL_RISK", "behaviour with a risk of transfusion-transmitted infection"},
    {"MEDICAL_HISTORY", "medical history that defers (cancer, heart disease, ...)"},
    {"REACTIVE_TEST", "a confirmed reactive infectious disease test"},
    {"OTHER", "another reason, written in the deferral's text"},
    {NULL, NULL},
};

int donor_deferral_reason_check(const char *code, const char *field, err *e)
{
    for (const donor_deferral_reason *r = donor_deferral_reasons; code && r->code; r++)
        if (strcmp(r->code, code) == 0)
            return 0;
    return err_set(e, ERR_INVALID, field,
                   "must be one of the deferral reason codes (GET /api/v1/deferral-reasons), "
                   "e.g. LOW_HEMOGLOBIN, TRAVEL, MEDICATION, OTHER");
}
