/*
 * decimal.h - a decimal number as a person writes it, read into a double:
 * digits, optionally a '-' before them and a '.' and more digits after
 * them ("1.80", "-5", "0.45", "12"). strtod alone would also take " 4",
 * "+4", "4e0", "0x4", "inf" and "nan", and stop before trailing junk; this
 * takes none of those, nor ".5" or "5.". The callers name the field and
 * say what it must be.
 */
#ifndef BLOODOPS_BASE_DECIMAL_H
#define BLOODOPS_BASE_DECIMAL_H

/* 0 and *out the value when `text` is such a number, else -1 (*out
 * untouched); NULL and "" are not numbers. */
int decimal_parse(const char *text, double *out);

#endif
