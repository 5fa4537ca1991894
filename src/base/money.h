/*
 * money.h - amounts of money as int64_t cents.
 *
 * Money is never floating point. Arithmetic is overflow-checked; parsing takes
 * decimal dollars as they appear in CSV files and forms ("1234.56", "-0.05",
 * "12", "12.5"); formatting gives what reports print ("$6,736,000",
 * "(1,234.56)"). Rounding is half up (away from zero) wherever it happens.
 */
#ifndef BLOODOPS_BASE_MONEY_H
#define BLOODOPS_BASE_MONEY_H

#include <stdint.h>
#include <stddef.h>
#include "error.h"

/* *out = a + b (resp. a - b, a * factor); returns -1 on overflow, *out untouched. */
int money_add(int64_t a, int64_t b, int64_t *out);
int money_sub(int64_t a, int64_t b, int64_t *out);
int money_mul(int64_t a, int64_t factor, int64_t *out);

/* Parse decimal dollars: optional leading '-', digits, optional '.' and one or
 * two digits. No '$', no thousands separators, no spaces, no exponent.
 * Fails with ERR_INVALID naming `field` on anything else or on overflow. */
int money_parse(const char *text, int64_t *cents, const char *field, err *e);

/* Formatting options, combinable. */
enum {
    MONEY_PLAIN = 0,          /* "-1234.56": the file format, no grouping */
    MONEY_GROUPED = 1 << 0,   /* thousands separators: "1,234.56" */
    MONEY_DOLLAR = 1 << 1,    /* leading "$": "$1,234.56" */
    MONEY_WHOLE = 1 << 2,     /* whole dollars, rounded half up: "$6,736,000" */
    MONEY_PARENS = 1 << 3     /* negatives in parentheses: "(1,234.56)" */
};
enum { MONEY_TEXT_MAX = 32 };

/* Write the formatted amount into out (at least MONEY_TEXT_MAX bytes);
 * returns out. */
char *money_format(int64_t cents, int options, char *out, size_t size);

/* The same for an amount written as money_parse reads it ("6736000.00",
 * as the services answer amounts): "6,736,000.00" with MONEY_GROUPED.
 * Returns NULL, out untouched, when `text` is not such an amount. */
const char *money_format_text(const char *text, int options, char *out, size_t size);

/* a * numerator / denominator rounded half up (away from zero); used for
 * percentages, prorations and rates. Returns -1 on overflow or a zero
 * denominator. */
int money_scale(int64_t amount, int64_t numerator, int64_t denominator, int64_t *out);

#endif
