/*
 * isbt_values.c - the ISBT 128 data structures that carry a product's
 * description and times: the product code (data structure 003, ST-001
 * 2.4.3 and table 7 for the type of collection), dates and times in the
 * century/year/day-of-year form (004-009) and the special testing code
 * (010). Each has a make function for what a user or a service gives, and
 * a content parser for the scan parser (isbt.c); both refuse the same
 * things.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "base/date.h"
#include "domain/isbt_internal.h"

/* --- Product code -------------------------------------------------------- */

typedef enum {
    DIVISIONS_WITH_COLLECTION_TYPE, /* t is the type of collection, ds the divisions */
    DIVISIONS_THREE_DIGITS,         /* tds is a three-digit division or pack code */
    DIVISIONS_RESERVED,             /* tds is reserved: 000 */
    DIVISIONS_NATIONAL              /* tds is defined with the national or local code */
} divisions_form;

typedef struct {
    const char *name;
    divisions_form form;
} product_family;

/* The family named by α (and, for X and Y, the next character), or NULL
 * when ST-001 2.4.3 assigns none. */
static const product_family *family_of(const unsigned char *description_code)
{
    static const product_family
        blood = {"blood component", DIVISIONS_WITH_COLLECTION_TYPE},
        mpho = {"MPHO with INN or USAN name", DIVISIONS_WITH_COLLECTION_TYPE},
        cellular = {"cellular therapy", DIVISIONS_WITH_COLLECTION_TYPE},
        regenerated = {"regenerated tissue", DIVISIONS_WITH_COLLECTION_TYPE},
        derivative = {"plasma derivative", DIVISIONS_WITH_COLLECTION_TYPE},
        other_blood = {"other blood product", DIVISIONS_RESERVED},
        trial = {"clinical trials", DIVISIONS_WITH_COLLECTION_TYPE},
        therapy = {"other therapy (human milk, topical)", DIVISIONS_THREE_DIGITS},
        organ = {"organ", DIVISIONS_THREE_DIGITS},
        reproductive = {"reproductive tissue and cells", DIVISIONS_THREE_DIGITS},
        tissue = {"tissue", DIVISIONS_THREE_DIGITS},
        ocular = {"ocular tissue", DIVISIONS_THREE_DIGITS},
        microbiota = {"fecal microbiota", DIVISIONS_THREE_DIGITS},
        national = {"national code", DIVISIONS_NATIONAL},
        local = {"local (facility) code", DIVISIONS_NATIONAL};
    switch (description_code[0]) {
    case 'E':
    case 'F':
        return &blood;
    case 'H':
        return &mpho;
    case 'S':
        return &cellular;
    case 'P':
        return &regenerated;
    case 'X':
        return description_code[1] == '0'            ? &derivative
               : isbt_is_digit(description_code[1]) ? &other_blood
                                                     : NULL;
    case 'Y':
        return isbt_is_upper(description_code[1]) ? &trial : NULL;
    case 'M':
        return &therapy;
    case 'N':
        return &organ;
    case 'R':
        return &reproductive;
    case 'T':
        return &tissue;
    case 'V':
        return &ocular;
    case 'W':
        return &microbiota;
    case 'A':
    case 'B':
    case 'C':
        return &national;
    case 'D':
        return &local;
    }
    return NULL;
}

/* ST-001 table 7. */
static const struct {
    char code;
    const char *meaning;
} collection_types[] = {
    {'0', "not specified"},
    {'V', "volunteer homologous (allogeneic)"},
    {'R', "volunteer research (not for human application)"},
    {'S', "volunteer source"},
    {'T', "volunteer therapeutic"},
    {'P', "paid homologous (allogeneic)"},
    {'r', "paid research (not for human application)"},
    {'s', "paid source"},
    {'A', "autologous, eligible for crossover"},
    {'1', "for autologous use only"},
    {'X', "for autologous use only, biohazard"},
    {'D', "volunteer directed, eligible for crossover"},
    {'d', "paid directed, eligible for crossover"},
    {'2', "for directed recipient use only"},
    {'L', "for directed recipient use only, limited exposure"},
    {'E', "medical exception, for specified recipient only (allogeneic)"},
    {'Q', "see the special testing bar code"},
    {'3', "for directed recipient use only, biohazard"},
    {'4', "designated"},
    {'5', "dedicated"},
    {'6', "designated, biohazard"},
    {'F', "family reserved"},
    {'C', "replacement"},
    {'7', "for allogeneic use"},
    {'8', "for autologous use, contains allogeneic material"},
    {'B', "directed/dedicated/designated collection use only"},
    {'H', "directed/dedicated/designated collection, biohazardous"},
    {'J', "directed/dedicated/designated collection, eligible for crossover"},
    {'G', "for emergency use only"},
};

static const char *collection_type_meaning(int code)
{
    for (size_t i = 0; i < sizeof collection_types / sizeof collection_types[0]; i++)
        if (collection_types[i].code == code)
            return collection_types[i].meaning;
    return NULL;
}

/* What is wrong with the eight characters αooootds, or NULL; *position is
 * the character at fault and *element the field a user gave it in. */
static const char *product_problem(const unsigned char *code, size_t *position,
                                   const char **element)
{
    *element = "code";
    *position = 0;
    if (!isbt_is_upper(code[0]))
        return "the product description code must begin with a capital letter";
    for (size_t i = 1; i < 5; i++)
        if (!isbt_is_upper_or_digit(code[i])) {
            *position = i;
            return "the product description code must be a capital letter followed by four "
                   "capital letters or digits";
        }
    const product_family *family = family_of(code);
    if (!family)
        return "the product description code must begin with a letter that names a product "
               "family: A-F, H, M, N, P, R-T, V, W, X0-X9, YA-YZ";
    *position = 5;
    switch (family->form) {
    case DIVISIONS_WITH_COLLECTION_TYPE:
        *element = "donation_type";
        if (!collection_type_meaning(code[5]))
            return "the type of collection must be a code of ISBT 128 table 7 (V: volunteer "
                   "homologous, 0: not specified, ...)";
        *element = "divisions";
        *position = 6;
        if (!isbt_is_upper_or_digit(code[6]))
            return "the first division character must be a capital letter or a digit";
        *position = 7;
        if (!isbt_is_lower(code[7]) && !isbt_is_digit(code[7]))
            return "the second division character must be a small letter or a digit";
        return NULL;
    case DIVISIONS_THREE_DIGITS:
        *element = "divisions";
        for (size_t i = 5; i < 8; i++)
            if (!isbt_is_digit(code[i])) {
                *position = i;
                return "the division or pack code of these products must be three digits";
            }
        return NULL;
    case DIVISIONS_RESERVED:
        *element = "divisions";
        for (size_t i = 5; i < 8; i++)
            if (code[i] != '0') {
                *position = i;
                return "the last three characters of these products are reserved and must be "
                       "000";
            }
        return NULL;
    case DIVISIONS_NATIONAL:
        *element = "divisions";
        if (!isbt_is_upper_or_digit(code[5]) && !isbt_is_lower(code[5]))
            return "the last three characters must be letters or digits";
        *position = 6;
        if (!isbt_is_upper_or_digit(code[6]))
            return "the seventh character must be a capital letter or a digit";
        *position = 7;
        if (!isbt_is_lower(code[7]) && !isbt_is_digit(code[7]))
            return "the eighth character must be a small letter or a digit";
        return NULL;
    }
    return NULL;
}

static void product_fill(const unsigned char *code, isbt_product *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->code, code, 8);
    memcpy(out->description_code, code, 5);
    const product_family *family = family_of(code);
    assert(family);
    out->family = family->name;
    if (family->form == DIVISIONS_WITH_COLLECTION_TYPE) {
        out->donation_type = (char)code[5];
        out->donation_type_meaning = collection_type_meaning(code[5]);
        memcpy(out->divisions, code + 6, 2);
    } else {
        memcpy(out->divisions, code + 5, 3);
    }
}

int isbt_product_parse_content(const unsigned char *content, size_t offset, const char *field,
                               isbt_product *out, size_t *error_offset, err *e)
{
    size_t position;
    const char *element;
    const char *problem = product_problem(content, &position, &element);
    if (problem) {
        char shown[8];
        *error_offset = offset + position;
        return err_set(e, ERR_INVALID, field, "at offset %zu: %s, found %s", offset + position,
                       problem, isbt_byte_text(content[position], shown, sizeof shown));
    }
    product_fill(content, out);
    return 0;
}

int isbt_product_make(const char *description_code, char donation_type, const char *divisions,
                      isbt_product *out, err *e)
{
    if (!description_code || strlen(description_code) != 5)
        return err_set(e, ERR_INVALID, "code",
                       "must be a product description code: a capital letter and four capital "
                       "letters or digits, e.g. E0791");
    /* The description code alone first, with divisions every family accepts. */
    unsigned char code[9];
    memcpy(code, description_code, 5);
    memcpy(code + 5, "000", 4);
    size_t position;
    const char *element;
    const char *problem = product_problem(code, &position, &element);
    if (problem)
        return err_set(e, ERR_INVALID, "code", "%s", problem);
    const product_family *family = family_of(code);
    int with_type = family->form == DIVISIONS_WITH_COLLECTION_TYPE;
    if (with_type && !donation_type)
        return err_set(e, ERR_INVALID, "donation_type",
                       "is required for %s products: a type of collection of ISBT 128 table 7 "
                       "(V: volunteer homologous, ...)",
                       family->name);
    if (!with_type && donation_type)
        return err_set(e, ERR_INVALID, "donation_type",
                       "does not apply to %s products: their last three characters are the "
                       "divisions",
                       family->name);
    if (!divisions || !*divisions)
        divisions = with_type ? "00" : "000";
    size_t division_length = with_type ? 2 : 3;
    if (strlen(divisions) != division_length)
        return err_set(e, ERR_INVALID, "divisions", "must be %s characters (%s when not divided)",
                       with_type ? "two" : "three", with_type ? "00" : "000");
    if (with_type)
        code[5] = (unsigned char)donation_type;
    memcpy(code + 8 - division_length, divisions, division_length);
    problem = product_problem(code, &position, &element);
    if (problem)
        return err_set(e, ERR_INVALID, element, "%s", problem);
    product_fill(code, out);
    return 0;
}

/* --- Dates and times ----------------------------------------------------- */

enum { YEAR_FIRST = 1900, YEAR_LAST = 2899 };

/* cyy is the last three digits of the year, read in 1900-2899. */
static int year_of_cyy(int cyy)
{
    assert(cyy >= 0 && cyy <= 999);
    return cyy >= 900 ? 1000 + cyy : 2000 + cyy;
}

static void datetime_set_day(isbt_datetime *out, civil_day day)
{
    date_to_ymd(day, &out->year, &out->month, &out->day);
    out->day_of_year = date_day_of_year(day);
}

int isbt_datetime_parse_content(const unsigned char *content, int with_time, size_t offset,
                                const char *field, isbt_datetime *out, size_t *error_offset,
                                err *e)
{
    size_t length = with_time ? ISBT_DATETIME_CONTENT_LENGTH : ISBT_DATE_CONTENT_LENGTH;
    for (size_t i = 0; i < length; i++)
        if (!isbt_is_digit(content[i])) {
            char shown[8];
            *error_offset = offset + i;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: the %s must be digits (%s), found %s", offset + i,
                           with_time ? "date and time" : "date",
                           with_time ? "cyyjjjhhmm: year, day of the year, hour, minute"
                                     : "cyyjjj: year and day of the year",
                           isbt_byte_text(content[i], shown, sizeof shown));
        }
    int cyy = (content[0] - '0') * 100 + (content[1] - '0') * 10 + (content[2] - '0');
    int day_of_year = (content[3] - '0') * 100 + (content[4] - '0') * 10 + (content[5] - '0');
    int year = year_of_cyy(cyy);
    int days = date_is_leap_year(year) ? 366 : 365;
    if (day_of_year < 1 || day_of_year > days) {
        *error_offset = offset + 3;
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: day of the year %03d does not exist in %d (001 to %d)",
                       offset + 3, day_of_year, year, days);
    }
    memset(out, 0, sizeof *out);
    civil_day first;
    int rc = date_from_ymd(year, 1, 1, &first, field, NULL);
    assert(rc == 0);
    (void)rc;
    datetime_set_day(out, date_add_days(first, day_of_year - 1));
    out->hour = 23;
    out->minute = 59;
    if (with_time) {
        int hour = (content[6] - '0') * 10 + (content[7] - '0');
        int minute = (content[8] - '0') * 10 + (content[9] - '0');
        if (hour > 23) {
            *error_offset = offset + 6;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: hour %02d is out of range (00 to 23)", offset + 6,
                           hour);
        }
        if (minute > 59) {
            *error_offset = offset + 8;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: minute %02d is out of range (00 to 59)", offset + 8,
                           minute);
        }
        out->hour = hour;
        out->minute = minute;
        out->has_time = 1;
    }
    return 0;
}

int isbt_datetime_make(int year, int month, int day, int hour, int minute,
                       isbt_datetime *out, const char *field, err *e)
{
    if (year < YEAR_FIRST || year > YEAR_LAST)
        return err_set(e, ERR_INVALID, field, "must be in the years %d to %d", YEAR_FIRST,
                       YEAR_LAST);
    civil_day date;
    if (date_from_ymd(year, month, day, &date, field, NULL))
        return err_set(e, ERR_INVALID, field, "%04d-%02d-%02d is not a date", year, month, day);
    if (hour != -1 && (hour < 0 || hour > 23 || minute < 0 || minute > 59))
        return err_set(e, ERR_INVALID, field, "the time must be from 00:00 to 23:59");
    memset(out, 0, sizeof *out);
    datetime_set_day(out, date);
    out->has_time = hour != -1;
    out->hour = hour == -1 ? 23 : hour;
    out->minute = hour == -1 ? 59 : minute;
    return 0;
}

static int two_digits(const char *text)
{
    return isbt_is_digit(text[0]) && isbt_is_digit(text[1]) ? (text[0] - '0') * 10 + text[1] - '0'
                                                            : -1;
}

int isbt_datetime_parse(const char *text, isbt_datetime *out, const char *field, err *e)
{
    size_t length = text ? strlen(text) : 0;
    if (length != 10 && length != 16)
        return err_set(e, ERR_INVALID, field,
                       "must be a date, YYYY-MM-DD (the time is then 23:59), or a date and time, "
                       "YYYY-MM-DDTHH:MM");
    char date_text[11];
    memcpy(date_text, text, 10);
    date_text[10] = '\0';
    civil_day date;
    if (date_parse(date_text, &date, field, e))
        return -1;
    int year, month, day;
    date_to_ymd(date, &year, &month, &day);
    if (length == 10)
        return isbt_datetime_make(year, month, day, -1, 0, out, field, e);
    int hour = two_digits(text + 11), minute = two_digits(text + 14);
    if ((text[10] != 'T' && text[10] != ' ') || text[13] != ':' || hour < 0 || minute < 0)
        return err_set(e, ERR_INVALID, field,
                       "must be a date and time, YYYY-MM-DDTHH:MM (or a date, YYYY-MM-DD)");
    return isbt_datetime_make(year, month, day, hour, minute, out, field, e);
}

/* --- Special testing ----------------------------------------------------- */

int isbt_special_testing_parse_content(const unsigned char *content, size_t offset,
                                       const char *field, isbt_special_testing *out,
                                       size_t *error_offset, err *e)
{
    for (size_t i = 0; i < ISBT_SPECIAL_TESTING_CONTENT_LENGTH; i++)
        if (!isbt_is_upper_or_digit(content[i])) {
            char shown[8];
            *error_offset = offset + i;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: the special testing code must be five capital "
                           "letters or digits, found %s",
                           offset + i, isbt_byte_text(content[i], shown, sizeof shown));
        }
    memset(out, 0, sizeof *out);
    memcpy(out->code, content, ISBT_SPECIAL_TESTING_CONTENT_LENGTH);
    return 0;
}

int isbt_special_testing_make(const char *code, isbt_special_testing *out, const char *field,
                              err *e)
{
    size_t error_offset;
    if (!code || strlen(code) != ISBT_SPECIAL_TESTING_CONTENT_LENGTH)
        return err_set(e, ERR_INVALID, field, "must be five capital letters or digits");
    if (isbt_special_testing_parse_content((const unsigned char *)code, 0, field, out,
                                           &error_offset, NULL))
        return err_set(e, ERR_INVALID, field, "must be five capital letters or digits");
    return 0;
}
