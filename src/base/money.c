/*
 * money.c - int64_t cents: checked arithmetic, parsing and formatting.
 *
 * Amounts are never floating point: a double cannot hold 0.10 exactly and
 * a report summing millions of units would drift by cents. Every rounding
 * here is half away from zero, which is what accountants call "half up" and
 * what the reports the program reproduces use. Magnitudes are handled as
 * uint64_t so that INT64_MIN, whose negation does not fit in int64_t, needs
 * no special case.
 */
#include "base/money.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

int money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t sum;
    if (__builtin_add_overflow(a, b, &sum))
        return -1;
    *out = sum;
    return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t difference;
    if (__builtin_sub_overflow(a, b, &difference))
        return -1;
    *out = difference;
    return 0;
}

int money_mul(int64_t a, int64_t factor, int64_t *out)
{
    int64_t product;
    if (__builtin_mul_overflow(a, factor, &product))
        return -1;
    *out = product;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The one message for every malformed amount, so that users of the CSV
 * importer and of the forms see the same explanation. */
#define MONEY_SYNTAX_MESSAGE "must be an amount in dollars with at most two decimals, e.g. 1234.56"

int money_parse(const char *text, int64_t *cents, const char *field, err *e)
{
    if (text == NULL)
        return err_set(e, ERR_INVALID, field, MONEY_SYNTAX_MESSAGE);

    const char *p = text;
    int negative = 0;
    if (*p == '-') {
        negative = 1;
        p++;
    }
    if (!is_digit(*p))
        return err_set(e, ERR_INVALID, field, MONEY_SYNTAX_MESSAGE);

    /* The largest magnitude allowed: 2^63 cents for a negative amount
     * (INT64_MIN), 2^63 - 1 for a positive one. */
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0; /* whole dollars first, then cents */
    int overflow = 0;

    for (; is_digit(*p); p++) {
        if (__builtin_mul_overflow(magnitude, 10u, &magnitude) ||
            __builtin_add_overflow(magnitude, (uint64_t)(*p - '0'), &magnitude))
            overflow = 1; /* keep scanning: a syntax error is reported first */
    }

    uint64_t fraction = 0;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return err_set(e, ERR_INVALID, field, MONEY_SYNTAX_MESSAGE);
        fraction = (uint64_t)(*p - '0') * 10;
        p++;
        if (is_digit(*p)) {
            fraction += (uint64_t)(*p - '0');
            p++;
        }
    }
    if (*p != '\0')
        return err_set(e, ERR_INVALID, field, MONEY_SYNTAX_MESSAGE);

    if (overflow || __builtin_mul_overflow(magnitude, 100u, &magnitude) ||
        __builtin_add_overflow(magnitude, fraction, &magnitude) || magnitude > limit)
        return err_set(e, ERR_INVALID, field,
                       "is too large an amount (the limit is 92233720368547758.07 in either direction)");

    /* Negating in uint64_t and converting is well defined for 2^63 on every
     * two's complement target; spell it out to avoid signed overflow. */
    *cents = negative ? (magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude)
                      : (int64_t)magnitude;
    return 0;
}

/* Write the decimal digits of value into out, with a ',' every three digits
 * when grouped. Returns the number of characters written (no NUL). */
static size_t format_integer(uint64_t value, int grouped, char *out)
{
    char reversed[32];
    size_t count = 0;
    int digits = 0;
    do {
        if (grouped && digits > 0 && digits % 3 == 0)
            reversed[count++] = ',';
        reversed[count++] = (char)('0' + value % 10);
        value /= 10;
        digits++;
    } while (value > 0);
    for (size_t i = 0; i < count; i++)
        out[i] = reversed[count - 1 - i];
    return count;
}

char *money_format(int64_t cents, int options, char *out, size_t size)
{
    assert(out != NULL && size > 0);

    int negative = cents < 0;
    uint64_t magnitude = negative ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    uint64_t whole;
    uint64_t fraction = 0;

    if (options & MONEY_WHOLE) {
        /* Half up on the magnitude is half away from zero on the amount.
         * 2^63 + 50 still fits in uint64_t. */
        whole = (magnitude + 50) / 100;
        if (whole == 0)
            negative = 0; /* -$0.40 rounds to $0, not to a negative zero */
    } else {
        whole = magnitude / 100;
        fraction = magnitude % 100;
    }

    /* Longest: "($92,233,720,368,547,758.08)" is 28 characters. */
    char text[48];
    size_t n = 0;
    int parens = negative && (options & MONEY_PARENS);
    if (parens)
        text[n++] = '(';
    else if (negative)
        text[n++] = '-';
    if (options & MONEY_DOLLAR)
        text[n++] = '$';
    n += format_integer(whole, options & MONEY_GROUPED, text + n);
    if (!(options & MONEY_WHOLE)) {
        text[n++] = '.';
        text[n++] = (char)('0' + fraction / 10);
        text[n++] = (char)('0' + fraction % 10);
    }
    if (parens)
        text[n++] = ')';
    text[n] = '\0';

    /* as snprintf "%s" would, cut to the size, without its cost */
    size_t kept = n < size ? n : size - 1;
    memcpy(out, text, kept);
    out[kept] = '\0';
    return out;
}

const char *money_format_text(const char *text, int options, char *out, size_t size)
{
    int64_t cents;
    if (!text || money_parse(text, &cents, NULL, NULL))
        return NULL;
    return money_format(cents, options, out, size);
}

int money_scale(int64_t amount, int64_t numerator, int64_t denominator, int64_t *out)
{
    if (denominator == 0)
        return -1;

    /* The product of two int64_t always fits in 128 bits, so the exact
     * quotient can be rounded once, at the end. */
    __int128 product = (__int128)amount * numerator;
    int negative = (product < 0) != (denominator < 0);
    unsigned __int128 dividend = product < 0 ? -(unsigned __int128)product : (unsigned __int128)product;
    unsigned __int128 divisor = denominator < 0 ? -(unsigned __int128)(__int128)denominator
                                                : (unsigned __int128)denominator;

    unsigned __int128 quotient = dividend / divisor;
    unsigned __int128 remainder = dividend % divisor;
    if (remainder >= divisor - remainder) /* remainder >= divisor / 2, exactly */
        quotient++;

    if (quotient == 0) {
        *out = 0;
        return 0;
    }
    if (negative) {
        if (quotient > (unsigned __int128)INT64_MAX + 1)
            return -1;
        *out = quotient == (unsigned __int128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)quotient;
    } else {
        if (quotient > (unsigned __int128)INT64_MAX)
            return -1;
        *out = (int64_t)quotient;
    }
    return 0;
}
