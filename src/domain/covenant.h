/*
 * covenant.h - the financial covenants of the line of credit
 * (docs/reports.md, "Covenants of the line of credit"): the kinds of
 * covenant, how a threshold is written, each covenant's value computed from
 * the quarter's figures and whether it is met. Pure functions over plain
 * structs; the service (service/covenant.h) keeps the line and its
 * covenants and fills the figures from the quarterly report.
 *
 * Amounts are integer cents; ratios integer hundredths (1.25 -> 125). A
 * ratio's value is rounded to two decimals, half up, before it is compared,
 * so the report's figure is the one judged. The agreement reads "at least"
 * for a minimum and "at most" for a maximum: a value exactly at the
 * threshold meets the covenant. The margin is the headroom: value less
 * threshold for a minimum, threshold less value for a maximum; negative
 * when breached.
 */
#ifndef BLOODOPS_DOMAIN_COVENANT_H
#define BLOODOPS_DOMAIN_COVENANT_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/error.h"

typedef enum {
    COVENANT_MIN_TANGIBLE_NET_WORTH,      /* dollars: equity less intangibles */
    COVENANT_MAX_LIABILITIES_TO_NET_WORTH, /* ratio: total liabilities / equity */
    COVENANT_MIN_QUICK_RATIO,             /* ratio: quick assets / current liabilities */
    COVENANT_MIN_QUARTERLY_NET_INCOME,    /* dollars: the quarter's net income */
    COVENANT_KIND_COUNT
} covenant_kind;

/* "min_tangible_net_worth"... */
const char *covenant_kind_name(covenant_kind kind);
/* 0 and *out for a known name; ERR_INVALID naming `field` (listing the
 * kinds) otherwise. */
int covenant_kind_parse(const char *text, covenant_kind *out, const char *field, err *e);
int covenant_kind_is_ratio(covenant_kind kind);
int covenant_kind_is_minimum(covenant_kind kind);

/* A threshold as written: dollars ("1500000", "-50000.00", as money_parse
 * reads them; negative only for the quarterly net income, a loss the
 * agreement tolerates) or a ratio (digits with at most two decimals,
 * "1.25", not negative). ERR_INVALID naming `field` otherwise. */
int covenant_threshold_parse(covenant_kind kind, const char *text, int64_t *out,
                             const char *field, err *e);

enum { COVENANT_TEXT_MAX = 32 };
/* A threshold, value or margin as the API writes it: dollars "1500000.00",
 * a ratio "1.25" (hundredths, "-0.05" for a negative margin). */
char *covenant_amount_format(covenant_kind kind, int64_t amount, char out[COVENANT_TEXT_MAX]);

/* The quarter's figures a covenant reads, in cents. */
typedef struct {
    int64_t equity;              /* equity with earnings to date */
    int64_t intangibles;         /* intangible assets (none in the default chart) */
    int64_t current_liabilities;
    int64_t long_term_liabilities;
    int64_t quick_assets;        /* cash, marketable securities, net receivables */
    int64_t net_income;          /* of the quarter */
} covenant_figures;

/* One covenant judged at a date. has_value 0: the ratio has no value (a
 * net worth at or below zero: breached; no current liabilities: the quick
 * ratio is met); margin is then 0 and meaningless. */
typedef struct {
    int64_t id;
    covenant_kind kind;
    int64_t threshold;
    civil_day effective_from;
    int has_value;
    int64_t value;
    int met;
    int64_t margin;
} covenant_check;

/* The value of `kind` from the figures: 1 and *value, or 0 when it has
 * none (see covenant_check). */
int covenant_value(covenant_kind kind, const covenant_figures *figures, int64_t *value);

/* Judge one covenant: fills has_value, value, met and margin of `check`
 * (kind and threshold set by the caller). */
void covenant_evaluate(covenant_check *check, const covenant_figures *figures);

enum { COVENANT_LENDER_MAX = 124 };

/* The line's term and the covenants in force at a date, judged: what the
 * quarterly report shows. loaded 0: the report was not read from the
 * books (one given back as JSON), nothing to show. */
typedef struct {
    int loaded;
    int has_line;
    char lender[COVENANT_LENDER_MAX];
    int64_t limit;
    civil_day term_start, term_end, original_end;
    int extended;                 /* term_end is after original_end */
    covenant_check *checks;       /* malloc'd, in id order */
    size_t count;
} covenant_section;

void covenant_section_free(covenant_section *section);

#endif
