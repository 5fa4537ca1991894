/*
 * results_format.h - what the documents of the quarterly results share
 * (results_report.c, results_release.c): the figures as the report prints
 * them (whole dollars, percents, points, dates, quarter words), on top of
 * those the consistency findings print (domain/results.h), and the
 * accounts and donor centers of both periods paired.
 *
 * Short texts are returned by value (results_text), so that
 * `results_dollars(x).text` can be used inside one printf call without a
 * shared static buffer: the documents are written on several server threads
 * at once.
 */
#ifndef BLOODOPS_DOCUMENTS_RESULTS_FORMAT_H
#define BLOODOPS_DOCUMENTS_RESULTS_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "domain/results.h"

/* A few words around a short text ("a gross loss of $12,000"). */
typedef struct {
    char text[2 * sizeof(results_text)];
} results_phrase;

int64_t results_magnitude(int64_t amount);

/* "$6,736,000", "($194,000)": whole dollars as the reports print them. */
results_text results_dollars(int64_t cents);
/* "6736000.00": the CSV form. */
results_text results_plain_money(int64_t cents);
/* "21.2%", or "+16.5%" when signed. */
results_text results_percent(int64_t tenths, int signed_form);
/* "2.8%" for -28: the release says "decreased ..., or 2.8%". */
results_text results_percent_size(int64_t tenths);
/* "+6.8 pts": a change of a percentage, in percentage points. */
results_text results_points(int64_t tenths);
/* "-12" */
results_text results_integer(int64_t value);
/* "Mar 31, 2004" */
results_text results_short_date(civil_day day);
/* "March 31," : the release's column heading. */
results_text results_month_day(civil_day day);
int results_year_of(civil_day day);
/* "first" ... "fourth" (of the period's quarter). */
const char *results_quarter_word(const results_period *period);

/* Step through text line by line: sets *line and *length (without the
 * line break) and returns 1, or returns 0 at the end. */
int results_next_line(const char **cursor, const char **line, size_t *length);

/* One G&A account in both periods (0 where a period lacks it). */
typedef struct {
    const char *code, *name;
    int64_t current, prior;
} results_ga_movement;

/* The accounts of the current period in their order, then the prior
 * period's that the current one lacks. Free the array. */
results_ga_movement *results_ga_movements(const results_report *report, size_t *count);

/* One donor center in both periods (NULL where a period lacks it). */
typedef struct {
    const results_center *current, *prior;
} results_center_pair;

/* The centers of the current period in their order, then those only the
 * prior period has (closed since). Free the array. */
results_center_pair *results_center_pairs(const results_report *report, size_t *count);

/* "LA-01 Sherman Oaks Donor Center" */
void results_center_label(const results_center_pair *pair, char *out, size_t size);

/* calloc that aborts without memory (as buffer.c: nothing sensible to do
 * without it); at least one element. */
void *results_allocate(size_t count, size_t size);

#endif
