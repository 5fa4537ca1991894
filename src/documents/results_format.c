/*
 * results_format.c - the figures in words and the pairing of both periods
 * that the documents of the quarterly results share (results_format.h).
 */
#include "documents/results_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"

int64_t results_magnitude(int64_t amount)
{
    return amount < 0 ? -amount : amount;
}

/* --- the figures in words ------------------------------------------------- */

enum { REPORT_MONEY = MONEY_GROUPED | MONEY_DOLLAR | MONEY_WHOLE | MONEY_PARENS };

/* "$6,736,000", "($194,000)": whole dollars as the reports print them. */
results_text results_dollars(int64_t cents)
{
    results_text t;
    money_format(cents, REPORT_MONEY, t.text, sizeof t.text);
    return t;
}

/* "6736000.00": the CSV form. */
results_text results_plain_money(int64_t cents)
{
    results_text t;
    money_format(cents, MONEY_PLAIN, t.text, sizeof t.text);
    return t;
}

/* "21.2%", or "+16.5%" when signed. */
results_text results_percent(int64_t tenths, int signed_form)
{
    results_text t;
    results_format_tenths(tenths, signed_form, t.text, sizeof t.text);
    return t;
}

/* "2.8%" for -28: the release says "decreased ..., or 2.8%". */
results_text results_percent_size(int64_t tenths)
{
    return results_percent(results_magnitude(tenths), 0);
}

/* "+6.8 pts": a change of a percentage, in percentage points. */
results_text results_points(int64_t tenths)
{
    results_text t = results_percent(tenths, 1);
    snprintf(t.text + strlen(t.text) - 1, 5, " pts");
    return t;
}

results_text results_integer(int64_t value)
{
    results_text t;
    snprintf(t.text, sizeof t.text, "%lld", (long long)value);
    return t;
}

/* "Mar 31, 2004" */
results_text results_short_date(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    results_text t;
    snprintf(t.text, sizeof t.text, "%.3s %d, %d", results_month_names[month - 1], day_of_month,
             year);
    return t;
}

/* "March 31," : the release's column heading. */
results_text results_month_day(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    results_text t;
    snprintf(t.text, sizeof t.text, "%s %d,", results_month_names[month - 1], day_of_month);
    return t;
}

int results_year_of(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    return year;
}

const char *results_quarter_word(const results_period *period)
{
    static const char *const words[] = {"first", "second", "third", "fourth"};
    int q = period->period.quarter;
    return q >= 1 && q <= 4 ? words[q - 1] : "reported";
}

/* Step through text line by line: sets *line and *length (without the
 * line break) and returns 1, or returns 0 at the end. */
int results_next_line(const char **cursor, const char **line, size_t *length)
{
    if (**cursor == '\0')
        return 0;
    *line = *cursor;
    *length = strcspn(*cursor, "\n");
    *cursor += *length + ((*cursor)[*length] == '\n');
    return 1;
}

/* --- pairing the accounts and centers of both periods --------------------- */

void *results_allocate(size_t count, size_t size)
{
    void *memory = calloc(count ? count : 1, size);
    if (memory == NULL)
        abort(); /* as buffer.c: nothing sensible to do without memory */
    return memory;
}

static const results_line *find_line(const results_period *period, const char *code)
{
    for (size_t i = 0; i < period->ga_count; i++)
        if (strcmp(period->ga_lines[i].code, code) == 0)
            return &period->ga_lines[i];
    return NULL;
}

/* The accounts of the current period in their order, then the prior
 * period's that the current one lacks. Free the array. */
results_ga_movement *results_ga_movements(const results_report *report, size_t *count)
{
    const results_period *current = &report->current, *prior = &report->prior;
    size_t prior_count = report->has_prior ? prior->ga_count : 0;
    results_ga_movement *movements =
        results_allocate(current->ga_count + prior_count, sizeof *movements);
    size_t n = 0;
    for (size_t i = 0; i < current->ga_count; i++) {
        const results_line *line = &current->ga_lines[i];
        const results_line *before = report->has_prior ? find_line(prior, line->code) : NULL;
        movements[n++] = (results_ga_movement){line->code, line->name, line->amount,
                                               before ? before->amount : 0};
    }
    for (size_t i = 0; i < prior_count; i++) {
        const results_line *line = &prior->ga_lines[i];
        if (!find_line(current, line->code))
            movements[n++] = (results_ga_movement){line->code, line->name, 0, line->amount};
    }
    *count = n;
    return movements;
}

static const results_center *find_center(const results_period *period, const char *code)
{
    for (size_t i = 0; i < period->center_count; i++)
        if (strcmp(period->centers[i].code, code) == 0)
            return &period->centers[i];
    return NULL;
}

/* The centers of the current period in their order, then those only the
 * prior period has (closed since). Free the array. */
results_center_pair *results_center_pairs(const results_report *report, size_t *count)
{
    const results_period *current = &report->current, *prior = &report->prior;
    size_t prior_count = report->has_prior ? prior->center_count : 0;
    results_center_pair *pairs =
        results_allocate(current->center_count + prior_count, sizeof *pairs);
    size_t n = 0;
    for (size_t i = 0; i < current->center_count; i++) {
        const results_center *c = &current->centers[i];
        pairs[n++] =
            (results_center_pair){c, report->has_prior ? find_center(prior, c->code) : NULL};
    }
    for (size_t i = 0; i < prior_count; i++)
        if (!find_center(current, prior->centers[i].code))
            pairs[n++] = (results_center_pair){NULL, &prior->centers[i]};
    *count = n;
    return pairs;
}

/* "LA-01 Sherman Oaks Donor Center" */
void results_center_label(const results_center_pair *pair, char *out, size_t size)
{
    const results_center *c = pair->current ? pair->current : pair->prior;
    snprintf(out, size, "%s %s", c->code, c->name);
}
