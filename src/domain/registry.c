/*
 * registry.c - validation rules of the organization registry (registry.h).
 */
#include <ctype.h>
#include <string.h>
#include "base/utf8.h"
#include "domain/registry.h"

int registry_code_check(const char *code, const char *field, err *e)
{
    size_t length = code ? strlen(code) : 0;
    if (length < 2 || length > REGISTRY_CODE_MAX)
        return err_set(e, ERR_INVALID, field, "must be 2 to %d characters", REGISTRY_CODE_MAX);
    if (!isupper((unsigned char)code[0]) && !isdigit((unsigned char)code[0]))
        return err_set(e, ERR_INVALID, field, "must start with a capital letter or a digit");
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isupper(c) && !isdigit(c) && c != '-' && c != '_')
            return err_set(e, ERR_INVALID, field,
                           "may hold only capital letters, digits, '-' and '_'");
    }
    return 0;
}

static int has_control_characters(const char *text, int allow_newline)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p < 0x20 && !(allow_newline && *p == '\n')) || *p == 0x7f)
            return 1;
    return 0;
}

/* Whether text holds a Unicode bidirectional control (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069): they make a name or a reason
 * display other than it is stored (a right-to-left override reverses what
 * follows it). Text in right-to-left scripts needs none of them. */
static int has_bidi_controls(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (p[0] == 0xD8 && p[1] == 0x9C)
            return 1;
        if (p[0] == 0xE2 && p[1] == 0x80 &&
            (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
            return 1;
        if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
            return 1;
    }
    return 0;
}

int registry_name_check(const char *name, const char *field, err *e)
{
    size_t length = name ? strlen(name) : 0;
    if (length == 0)
        return err_set(e, ERR_INVALID, field, "must not be empty");
    long characters = utf8_characters(name);
    if (characters < 0)
        return err_set(e, ERR_INVALID, field, "must be valid UTF-8 text");
    if (characters > REGISTRY_NAME_MAX)
        return err_set(e, ERR_INVALID, field, "must be at most %d characters", REGISTRY_NAME_MAX);
    if (isspace((unsigned char)name[0]) || isspace((unsigned char)name[length - 1]))
        return err_set(e, ERR_INVALID, field, "must not begin or end with a space");
    if (has_control_characters(name, 0))
        return err_set(e, ERR_INVALID, field, "must not contain control characters");
    if (has_bidi_controls(name))
        return err_set(e, ERR_INVALID, field,
                       "must not contain bidirectional control characters (they make text read "
                       "other than it is stored)");
    return 0;
}

int registry_text_check(const char *text, size_t max_length, const char *field, err *e)
{
    if (!text)
        return 0;
    long characters = utf8_characters(text);
    if (characters < 0)
        return err_set(e, ERR_INVALID, field, "must be valid UTF-8 text");
    if ((size_t)characters > max_length)
        return err_set(e, ERR_INVALID, field, "must be at most %zu characters", max_length);
    if (has_control_characters(text, 1))
        return err_set(e, ERR_INVALID, field, "must not contain control characters");
    if (has_bidi_controls(text))
        return err_set(e, ERR_INVALID, field,
                       "must not contain bidirectional control characters (they make text read "
                       "other than it is stored)");
    return 0;
}

int registry_text_blank(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
        if (!isspace(*p))
            return 0;
    return 1;
}

int registry_required_text_check(const char *text, size_t max_length, const char *field, err *e)
{
    if (registry_text_blank(text))
        return err_set(e, ERR_INVALID, field, "is required: give it in words");
    return registry_text_check(text, max_length, field, e);
}

int registry_fin_check(const char *fin, const char *field, err *e)
{
    /* The form ICCBBA assigns today, a subset of what isbt_fin_check reads:
     * the letter O is never used (it would read as a zero on a label). */
    if (!fin || strlen(fin) != 5 || !isupper((unsigned char)fin[0]) || fin[0] == 'O' ||
        !isdigit((unsigned char)fin[1]) || !isdigit((unsigned char)fin[2]) ||
        !isdigit((unsigned char)fin[3]) || !isdigit((unsigned char)fin[4]))
        return err_set(e, ERR_INVALID, field,
                       "must be an ISBT 128 facility identification number: a capital letter "
                       "other than O and four digits, e.g. W1234");
    return 0;
}

int registry_billing_terms_check(long days, const char *field, err *e)
{
    if (days < 0 || days > 365)
        return err_set(e, ERR_INVALID, field, "must be a number of days from 0 to 365");
    return 0;
}

int registry_center_closed_for(int has_close_date, civil_day close_date, civil_day period_end)
{
    return has_close_date && close_date <= period_end;
}

int registry_close_date_check(civil_day open_date, civil_day close_date, const char *field, err *e)
{
    if (close_date < open_date)
        return err_set(e, ERR_INVALID, field, "must not be before the open date");
    return 0;
}
