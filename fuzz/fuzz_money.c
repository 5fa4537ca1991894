/*
 * fuzz_money.c - libFuzzer target for amounts of money (base/money.h):
 * money_parse and money_format.
 *
 * The input is read twice: as text (up to its first NUL) for money_parse,
 * and its first 8 bytes as a number of cents for money_format. What must
 * hold:
 *   - money_parse accepts exactly the grammar of money.h (optional '-',
 *     digits, optionally '.' and one or two digits) within int64_t cents,
 *     and the cents equal those computed here in 128 bits; a refusal is
 *     ERR_INVALID naming the field, with a message;
 *   - a parsed amount formats (plain) back to an amount that parses to the
 *     same cents, and the plain text is the input normalised (no leading
 *     zeros, two decimals, no "-0");
 *   - any cents format, with every option, to text that fits
 *     MONEY_TEXT_MAX and reads back to the same cents once the grouping
 *     commas, the dollar sign and the parentheses are taken away; the
 *     whole-dollar form is the amount rounded half away from zero.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/money.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_money: %s\n", what);
        abort();
    }
}

/* The grammar and value of money.h, computed in 128 bits: 1 when `text`
 * is an amount that fits, with its cents. */
static int reference_parse(const char *text, int64_t *cents)
{
    const char *p = text;
    int negative = *p == '-';
    p += negative;
    if (*p < '0' || *p > '9')
        return 0;
    __int128 value = 0;
    int big = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        value = value * 10 + (*p - '0');
        if (value > ((__int128)1 << 70))
            big = 1, value = (__int128)1 << 70;
    }
    value *= 100;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        value += (*p++ - '0') * 10;
        if (*p >= '0' && *p <= '9')
            value += *p++ - '0';
    }
    if (*p)
        return 0;
    if (negative)
        value = -value;
    if (big || value > INT64_MAX || value < INT64_MIN)
        return 0;
    *cents = (int64_t)value;
    return 1;
}

/* The formatted text with ',', '$' and the parentheses taken away ("(x)"
 * becomes "-x"). */
static void unformat(const char *text, char *out)
{
    size_t n = 0;
    size_t length = strlen(text);
    int parens = length >= 2 && text[0] == '(' && text[length - 1] == ')';
    if (parens)
        out[n++] = '-';
    for (size_t i = parens; i < length - parens; i++)
        if (text[i] != ',' && text[i] != '$')
            out[n++] = text[i];
    out[n] = '\0';
}

static void check_format(int64_t cents)
{
    static const int options[] = {MONEY_PLAIN,
                                  MONEY_GROUPED,
                                  MONEY_DOLLAR,
                                  MONEY_GROUPED | MONEY_DOLLAR,
                                  MONEY_PARENS,
                                  MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS,
                                  MONEY_WHOLE,
                                  MONEY_WHOLE | MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS};
    /* Half away from zero, in 128 bits. */
    __int128 magnitude = cents < 0 ? -(__int128)cents : cents;
    __int128 whole = (magnitude + 50) / 100;
    __int128 rounded = cents < 0 ? -whole * 100 : whole * 100;
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        char text[MONEY_TEXT_MAX + 8], plain[MONEY_TEXT_MAX + 8];
        memset(text, 'x', sizeof text);
        money_format(cents, options[i], text, MONEY_TEXT_MAX);
        require(memchr(text, '\0', MONEY_TEXT_MAX) != NULL, "format overflows MONEY_TEXT_MAX");
        require(strlen(text) < MONEY_TEXT_MAX - 1, "format fills MONEY_TEXT_MAX (truncated?)");
        unformat(text, plain);
        int64_t back = 0;
        err e = {0};
        if (options[i] & MONEY_WHOLE) {
            /* "-$1" is 100 cents away from zero: compare in 128 bits. */
            __int128 value = 0;
            const char *p = plain;
            int negative = *p == '-';
            p += negative;
            for (; *p; p++) {
                require(*p >= '0' && *p <= '9', "whole-dollar form holds a non-digit");
                value = value * 10 + (*p - '0');
            }
            value *= 100;
            if (negative) {
                require(value != 0, "whole-dollar form prints -0");
                value = -value;
            }
            require(value == rounded, "whole-dollar form is not rounded half away from zero");
        } else {
            require(money_parse(plain, &back, "amount", &e) == 0, "a formatted amount does not parse");
            require(back == cents, "a formatted amount parses to other cents");
            if (cents >= 0 || !(options[i] & MONEY_PARENS))
                require(text[0] != '(', "parentheses around a positive amount");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    int64_t cents = 0, expected = 0;
    err e = {0};
    int accepted = money_parse(text, &cents, "amount", &e) == 0;
    int reference = reference_parse(text, &expected);
    require(accepted == reference, "money_parse and the grammar disagree");
    if (accepted) {
        require(cents == expected, "money_parse gives other cents");
        char plain[MONEY_TEXT_MAX];
        money_format(cents, MONEY_PLAIN, plain, sizeof plain);
        int64_t again = 0;
        require(money_parse(plain, &again, "amount", &e) == 0 && again == cents,
                "a parsed amount does not format back to itself");
        /* Normalised: no leading zero but one before the point, no "-0.00". */
        const char *digits = plain + (plain[0] == '-');
        require(digits[0] != '0' || digits[1] == '.', "leading zero in the plain form");
        require(strcmp(plain, "-0.00") != 0, "negative zero in the plain form");
        check_format(cents);
    } else {
        require(e.code == ERR_INVALID && strcmp(e.field, "amount") == 0 && e.message[0],
                "a refusal does not name the field");
    }

    int64_t binary = 0;
    memcpy(&binary, data, size < sizeof binary ? size : sizeof binary);
    check_format(binary);
    free(text);
    return 0;
}
