/*
 * decimal.c - a decimal number as a person writes it (see decimal.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/decimal.h"

int decimal_parse(const char *text, double *out)
{
    if (!text)
        return -1;
    const char *p = text + (*text == '-');
    size_t whole = strspn(p, "0123456789"), decimals = 0;
    if (p[whole] == '.')
        decimals = strspn(p + whole + 1, "0123456789");
    int written = whole && (p[whole] == '\0' || (decimals && p[whole + 1 + decimals] == '\0'));
    if (!written)
        return -1;
    char *end = NULL;
    double value = strtod(text, &end);
    if (*end || !isfinite(value))
        return -1;
    *out = value;
    return 0;
}
