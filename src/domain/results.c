/*
 * results.c - the quarterly results (results.h): the arithmetic of the
 * published release, the derivation of totals from the amounts the service
 * loads, the consistency findings, and the four renderings of a report
 * (terminal text, CSV, a self-contained HTML page, the draft earnings
 * release).
 *
 * Pure: no I/O, no clock, no global or static mutable state, because the
 * renderers run on several server threads at once. Every amount is integer
 * cents and every rounding goes through round_quotient, half away from zero.
 * Short texts (formatted amounts, dates) are returned in small structs by
 * value, so that `dollars(x).text` can be used inside one printf call
 * without a shared static buffer.
 *
 * The text and HTML renderings share their tables: each section describes
 * its rows once through a `table` writer that prints either aligned columns
 * or HTML.
 */
#include "domain/results.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/money.h"

/* ======================================================================
 * Arithmetic
 * ==================================================================== */

/* numerator / denominator rounded half away from zero, saturated to the
 * int64_t range. denominator must not be 0. */
static int64_t round_quotient(__int128 numerator, __int128 denominator)
{
    int negative = (numerator < 0) != (denominator < 0);
    unsigned __int128 dividend =
        numerator < 0 ? -(unsigned __int128)numerator : (unsigned __int128)numerator;
    unsigned __int128 divisor =
        denominator < 0 ? -(unsigned __int128)denominator : (unsigned __int128)denominator;
    unsigned __int128 quotient = dividend / divisor;
    unsigned __int128 remainder = dividend % divisor;
    if (remainder >= divisor - remainder) /* at least half: away from zero */
        quotient++;

    if (negative)
        return quotient > (unsigned __int128)INT64_MAX ? INT64_MIN : -(int64_t)quotient;
    return quotient > (unsigned __int128)INT64_MAX ? INT64_MAX : (int64_t)quotient;
}

int64_t results_muldiv_round(int64_t a, int64_t b, int64_t c)
{
    return round_quotient((__int128)a * b, c);
}

int results_percent_tenths(int64_t part, int64_t whole, int64_t *tenths)
{
    if (whole == 0)
        return 0;
    *tenths = round_quotient((__int128)part * 1000, whole);
    return 1;
}

int results_change_tenths(int64_t current, int64_t prior, int64_t *tenths)
{
    if (prior == 0)
        return 0;
    /* Against the size of the prior, so that the sign follows the change:
     * a loss of 194,000 that shrinks to 97,000 is +50.0%, not -50.0%. */
    __int128 magnitude = prior < 0 ? -(__int128)prior : (__int128)prior;
    *tenths = round_quotient(((__int128)current - prior) * 1000, magnitude);
    return 1;
}

int results_dso(int64_t net_receivables, int64_t revenue, int days, int64_t *tenths,
                int64_t *whole_days)
{
    if (revenue <= 0 || days <= 0)
        return 0;
    /* Tenths first, then the day, as the release does: 46.4997 -> 46.5 -> 47. */
    int64_t in_tenths = round_quotient((__int128)net_receivables * days * 10, revenue);
    if (tenths)
        *tenths = in_tenths;
    if (whole_days)
        *whole_days = round_quotient(in_tenths, 10);
    return 1;
}

int results_eps_cents(int64_t net_income, int64_t shares, int64_t *cents)
{
    if (shares <= 0)
        return 0;
    *cents = round_quotient(net_income, shares); /* cents of income per share */
    return 1;
}

char *results_format_tenths(int64_t tenths, int signed_form, char *out, size_t size)
{
    uint64_t magnitude = tenths < 0 ? (uint64_t)0 - (uint64_t)tenths : (uint64_t)tenths;
    const char *sign = tenths < 0 ? "-" : signed_form && tenths > 0 ? "+" : "";
    snprintf(out, size, "%s%llu.%llu%%", sign, (unsigned long long)(magnitude / 10),
             (unsigned long long)(magnitude % 10));
    return out;
}

/* ======================================================================
 * The figures: one formula per derived figure, used by derive and check
 * ==================================================================== */

static int64_t magnitude_of(int64_t amount)
{
    return amount < 0 ? -amount : amount;
}

static int64_t expected_gross_profit(const results_period *p)
{
    return p->revenue - p->cost_of_revenue;
}

static int64_t expected_income_before_taxes(const results_period *p)
{
    return p->gross_profit - p->general_administrative - p->other_expense;
}

static int64_t expected_net_income(const results_period *p)
{
    return p->income_before_taxes - p->income_taxes;
}

static int64_t expected_total_assets(const results_position *p)
{
    return p->cash_and_securities + p->other_current_assets + p->non_current_assets;
}

static int64_t expected_total_liabilities_and_equity(const results_position *p)
{
    return p->current_liabilities + p->long_term_liabilities + p->equity;
}

static int64_t current_assets(const results_position *p)
{
    return p->cash_and_securities + p->other_current_assets;
}

static int64_t expected_working_capital(const results_position *p)
{
    return current_assets(p) - p->current_liabilities;
}

void results_derive_position(results_position *position)
{
    position->total_assets = expected_total_assets(position);
    position->total_liabilities_and_equity = expected_total_liabilities_and_equity(position);
    position->working_capital = expected_working_capital(position);
    position->dso_tenths = position->dso_days = 0;
    position->has_dso =
        results_dso(position->net_receivables, position->quarter_revenue, position->quarter_days,
                    &position->dso_tenths, &position->dso_days);
}

void results_derive(results_period *period)
{
    period->first_day = quarter_first_day(period->period);
    period->last_day = quarter_last_day(period->period);
    for (size_t i = 0; i < period->center_count; i++)
        period->centers[i].gross_profit = period->centers[i].revenue - period->centers[i].cost;

    period->gross_profit = expected_gross_profit(period);
    period->income_before_taxes = expected_income_before_taxes(period);
    period->net_income = expected_net_income(period);
    if (period->has_shares) {
        period->eps_basic_cents = period->eps_diluted_cents = 0;
        results_eps_cents(period->net_income, period->shares_basic, &period->eps_basic_cents);
        results_eps_cents(period->net_income, period->shares_diluted, &period->eps_diluted_cents);
    }
    period->position.date = period->last_day;
    results_derive_position(&period->position);
}

static void period_free(results_period *period)
{
    free(period->ga_lines);
    free(period->centers);
    period->ga_lines = NULL;
    period->centers = NULL;
    period->ga_count = period->center_count = 0;
}

void results_report_free(results_report *report)
{
    period_free(&report->current);
    period_free(&report->prior);
}

/* ======================================================================
 * Short texts, returned by value (see the file comment)
 * ==================================================================== */

typedef struct {
    char text[64];
} short_text;

/* A few words around a short text ("a gross loss of $12,000"). */
typedef struct {
    char text[2 * sizeof(short_text)];
} phrase;

enum { REPORT_MONEY = MONEY_GROUPED | MONEY_DOLLAR | MONEY_WHOLE | MONEY_PARENS };

/* "$6,736,000", "($194,000)": whole dollars as the reports print them. */
static short_text dollars(int64_t cents)
{
    short_text t;
    money_format(cents, REPORT_MONEY, t.text, sizeof t.text);
    return t;
}

/* Whole dollars unless the amount has cents ("$246,000.40"): a finding
 * about a difference of cents must show it. */
static short_text exact_dollars(int64_t cents)
{
    short_text t;
    int options = cents % 100 == 0 ? REPORT_MONEY : REPORT_MONEY & ~MONEY_WHOLE;
    money_format(cents, options, t.text, sizeof t.text);
    return t;
}

/* "$0.03" */
static short_text per_share(int64_t cents)
{
    short_text t;
    money_format(cents, MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS, t.text, sizeof t.text);
    return t;
}

/* "6736000.00": the CSV form. */
static short_text plain_money(int64_t cents)
{
    short_text t;
    money_format(cents, MONEY_PLAIN, t.text, sizeof t.text);
    return t;
}

/* "21.2%", or "+16.5%" when signed. */
static short_text percent(int64_t tenths, int signed_form)
{
    short_text t;
    results_format_tenths(tenths, signed_form, t.text, sizeof t.text);
    return t;
}

/* "2.8%" for -28: the release says "decreased ..., or 2.8%". */
static short_text percent_size(int64_t tenths)
{
    return percent(magnitude_of(tenths), 0);
}

/* "-2.8" (the CSV form of a percent or of a change in points). */
static short_text plain_tenths(int64_t tenths)
{
    short_text t = percent(tenths, 0);
    t.text[strlen(t.text) - 1] = '\0';
    return t;
}

/* "+6.8 pts": a change of a percentage, in percentage points. */
static short_text points(int64_t tenths)
{
    short_text t = percent(tenths, 1);
    snprintf(t.text + strlen(t.text) - 1, 5, " pts");
    return t;
}

/* "7,756,000" */
static short_text grouped_count(int64_t count)
{
    char digits[32];
    uint64_t size = count < 0 ? (uint64_t)0 - (uint64_t)count : (uint64_t)count;
    int length = snprintf(digits, sizeof digits, "%llu", (unsigned long long)size);
    short_text t;
    size_t n = 0;
    if (count < 0)
        t.text[n++] = '-';
    for (int i = 0; i < length; i++) {
        if (i > 0 && (length - i) % 3 == 0)
            t.text[n++] = ',';
        t.text[n++] = digits[i];
    }
    t.text[n] = '\0';
    return t;
}

static short_text integer(int64_t value)
{
    short_text t;
    snprintf(t.text, sizeof t.text, "%lld", (long long)value);
    return t;
}

/* "Q1 2004" */
static short_text period_name(const results_period *period)
{
    short_text t;
    snprintf(t.text, sizeof t.text, "Q%d %d", period->period.quarter, period->period.year);
    return t;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* "March 31, 2004" */
static short_text long_date(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    short_text t;
    snprintf(t.text, sizeof t.text, "%s %d, %d", month_names[month - 1], day_of_month, year);
    return t;
}

/* "Mar 31, 2004" */
static short_text short_date(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    short_text t;
    snprintf(t.text, sizeof t.text, "%.3s %d, %d", month_names[month - 1], day_of_month, year);
    return t;
}

/* "March 31," : the release's column heading. */
static short_text month_day(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    short_text t;
    snprintf(t.text, sizeof t.text, "%s %d,", month_names[month - 1], day_of_month);
    return t;
}

static int year_of(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    return year;
}

static const char *quarter_word(const results_period *period)
{
    static const char *const words[] = {"first", "second", "third", "fourth"};
    int q = period->period.quarter;
    return q >= 1 && q <= 4 ? words[q - 1] : "reported";
}

/* Characters on screen of the first `length` bytes of UTF-8 text
 * (continuation bytes do not count). */
static size_t span_width(const char *text, size_t length)
{
    size_t width = 0;
    for (size_t i = 0; i < length; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            width++;
    return width;
}

static size_t text_width(const char *text)
{
    return span_width(text, strlen(text));
}

/* Step through text line by line: sets *line and *length (without the
 * line break) and returns 1, or returns 0 at the end. */
static int next_line(const char **cursor, const char **line, size_t *length)
{
    if (**cursor == '\0')
        return 0;
    *line = *cursor;
    *length = strcspn(*cursor, "\n");
    *cursor += *length + ((*cursor)[*length] == '\n');
    return 1;
}

/* ======================================================================
 * Pairing the accounts and centers of both periods
 * ==================================================================== */

static void *allocate(size_t count, size_t size)
{
    void *memory = calloc(count ? count : 1, size);
    if (memory == NULL)
        abort(); /* as buffer.c: nothing sensible to do without memory */
    return memory;
}

/* One G&A account in both periods (0 where a period lacks it). */
typedef struct {
    const char *code, *name;
    int64_t current, prior;
} ga_movement;

static const results_line *find_line(const results_period *period, const char *code)
{
    for (size_t i = 0; i < period->ga_count; i++)
        if (strcmp(period->ga_lines[i].code, code) == 0)
            return &period->ga_lines[i];
    return NULL;
}

/* The accounts of the current period in their order, then the prior
 * period's that the current one lacks. Free the array. */
static ga_movement *ga_movements(const results_report *report, size_t *count)
{
    const results_period *current = &report->current, *prior = &report->prior;
    size_t prior_count = report->has_prior ? prior->ga_count : 0;
    ga_movement *movements = allocate(current->ga_count + prior_count, sizeof *movements);
    size_t n = 0;
    for (size_t i = 0; i < current->ga_count; i++) {
        const results_line *line = &current->ga_lines[i];
        const results_line *before = report->has_prior ? find_line(prior, line->code) : NULL;
        movements[n++] =
            (ga_movement){line->code, line->name, line->amount, before ? before->amount : 0};
    }
    for (size_t i = 0; i < prior_count; i++) {
        const results_line *line = &prior->ga_lines[i];
        if (!find_line(current, line->code))
            movements[n++] = (ga_movement){line->code, line->name, 0, line->amount};
    }
    *count = n;
    return movements;
}

/* One donor center in both periods (NULL where a period lacks it). */
typedef struct {
    const results_center *current, *prior;
} center_pair;

static const results_center *find_center(const results_period *period, const char *code)
{
    for (size_t i = 0; i < period->center_count; i++)
        if (strcmp(period->centers[i].code, code) == 0)
            return &period->centers[i];
    return NULL;
}

/* The centers of the current period in their order, then those only the
 * prior period has (closed since). Free the array. */
static center_pair *center_pairs(const results_report *report, size_t *count)
{
    const results_period *current = &report->current, *prior = &report->prior;
    size_t prior_count = report->has_prior ? prior->center_count : 0;
    center_pair *pairs = allocate(current->center_count + prior_count, sizeof *pairs);
    size_t n = 0;
    for (size_t i = 0; i < current->center_count; i++) {
        const results_center *c = &current->centers[i];
        pairs[n++] = (center_pair){c, report->has_prior ? find_center(prior, c->code) : NULL};
    }
    for (size_t i = 0; i < prior_count; i++)
        if (!find_center(current, prior->centers[i].code))
            pairs[n++] = (center_pair){NULL, &prior->centers[i]};
    *count = n;
    return pairs;
}

/* "LA-01 Sherman Oaks Donor Center" */
static void center_label(const center_pair *pair, char *out, size_t size)
{
    const results_center *c = pair->current ? pair->current : pair->prior;
    snprintf(out, size, "%s %s", c->code, c->name);
}

/* ======================================================================
 * Consistency findings
 * ==================================================================== */

typedef struct {
    buffer *out; /* NULL: count only */
    int count;
    char where[64]; /* what the findings are about: "Q1 2004", "March 31, 2004" */
} findings;

static void finding(findings *f, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void finding(findings *f, const char *format, ...)
{
    f->count++;
    if (f->out == NULL)
        return;
    buffer_printf(f->out, "%s: ", f->where);
    va_list args;
    va_start(args, format);
    buffer_vprintf(f->out, format, args);
    va_end(args);
    buffer_append_char(f->out, '\n');
}

/* "WHAT $X is not A $a plus B $b ($sum)": the common shape of a total that
 * is not the sum of its two parts. */
static void check_sum(findings *f, const char *what, int64_t total, const char *first,
                      int64_t first_amount, const char *second, int64_t second_amount)
{
    int64_t sum = first_amount + second_amount;
    if (total != sum)
        finding(f, "%s %s is not %s %s plus %s %s (%s)", what, exact_dollars(total).text, first,
                exact_dollars(first_amount).text, second, exact_dollars(second_amount).text,
                exact_dollars(sum).text);
}

static void check_revenue(findings *f, const results_period *p)
{
    check_sum(f, "revenue", p->revenue, "blood products revenue", p->blood_products_revenue,
              "blood services revenue", p->blood_services_revenue);
    check_sum(f, "blood products revenue", p->blood_products_revenue, "ongoing donor centers",
              p->ongoing_revenue, "closed donor centers", p->closed_revenue);
}

static void check_gross_profit(findings *f, const results_period *p)
{
    int64_t expected = expected_gross_profit(p);
    if (p->gross_profit != expected)
        finding(f, "gross profit %s is not revenue %s less cost of revenue %s (%s)",
                exact_dollars(p->gross_profit).text, exact_dollars(p->revenue).text,
                exact_dollars(p->cost_of_revenue).text, exact_dollars(expected).text);
    check_sum(f, "gross profit", p->gross_profit, "blood products gross profit",
              p->blood_products_gross_profit, "blood services gross profit",
              p->blood_services_gross_profit);
    check_sum(f, "blood products gross profit", p->blood_products_gross_profit,
              "ongoing donor centers", p->ongoing_gross_profit, "closed donor centers",
              p->closed_gross_profit);
    for (size_t i = 0; i < p->center_count; i++) {
        const results_center *c = &p->centers[i];
        if (c->gross_profit != c->revenue - c->cost)
            finding(f, "donor center %s gross profit %s is not revenue %s less cost %s (%s)",
                    c->code, exact_dollars(c->gross_profit).text, exact_dollars(c->revenue).text,
                    exact_dollars(c->cost).text, exact_dollars(c->revenue - c->cost).text);
    }
}

static void check_expenses_and_income(findings *f, const results_period *p)
{
    if (p->ga_count > 0) {
        int64_t sum = 0;
        for (size_t i = 0; i < p->ga_count; i++)
            sum += p->ga_lines[i].amount;
        if (p->general_administrative != sum)
            finding(f,
                    "general and administrative expenses %s are not the sum of their %zu "
                    "accounts (%s)",
                    exact_dollars(p->general_administrative).text, p->ga_count,
                    exact_dollars(sum).text);
    }
    int64_t before_taxes = expected_income_before_taxes(p);
    if (p->income_before_taxes != before_taxes)
        finding(f,
                "income before income taxes %s is not gross profit %s less general and "
                "administrative expenses %s and other expense %s (%s)",
                exact_dollars(p->income_before_taxes).text, exact_dollars(p->gross_profit).text,
                exact_dollars(p->general_administrative).text, exact_dollars(p->other_expense).text,
                exact_dollars(before_taxes).text);
    int64_t net = expected_net_income(p);
    if (p->net_income != net)
        finding(f, "net income %s is not income before income taxes %s less the provision %s (%s)",
                exact_dollars(p->net_income).text, exact_dollars(p->income_before_taxes).text,
                exact_dollars(p->income_taxes).text, exact_dollars(net).text);
}

static void check_one_eps(findings *f, const results_period *p, const char *kind, int64_t shares,
                          int64_t eps)
{
    int64_t expected;
    if (!results_eps_cents(p->net_income, shares, &expected))
        finding(f,
                "%s weighted average shares %s are not positive, so there is no %s earnings "
                "per share",
                kind, grouped_count(shares).text, kind);
    else if (eps != expected)
        finding(f, "%s earnings per share %s is not net income %s over %s weighted shares (%s)",
                kind, per_share(eps).text, exact_dollars(p->net_income).text,
                grouped_count(shares).text, per_share(expected).text);
}

static void check_position(findings *f, const results_position *p)
{
    snprintf(f->where, sizeof f->where, "%s", long_date(p->date).text);

    int64_t assets = expected_total_assets(p);
    if (p->total_assets != assets)
        finding(f,
                "total assets %s are not cash and marketable securities %s plus other current "
                "assets %s plus non-current assets %s (%s)",
                exact_dollars(p->total_assets).text, exact_dollars(p->cash_and_securities).text,
                exact_dollars(p->other_current_assets).text,
                exact_dollars(p->non_current_assets).text, exact_dollars(assets).text);
    int64_t claims = expected_total_liabilities_and_equity(p);
    if (p->total_liabilities_and_equity != claims)
        finding(f,
                "total liabilities and shareholders' equity %s are not current liabilities %s "
                "plus long-term liabilities %s plus shareholders' equity %s (%s)",
                exact_dollars(p->total_liabilities_and_equity).text,
                exact_dollars(p->current_liabilities).text,
                exact_dollars(p->long_term_liabilities).text, exact_dollars(p->equity).text,
                exact_dollars(claims).text);
    if (p->total_assets != p->total_liabilities_and_equity)
        finding(
            f,
            "the balance sheet does not balance: total assets %s differ from total "
            "liabilities and shareholders' equity %s by %s",
            exact_dollars(p->total_assets).text,
            exact_dollars(p->total_liabilities_and_equity).text,
            exact_dollars(magnitude_of(p->total_assets - p->total_liabilities_and_equity)).text);
    int64_t working = expected_working_capital(p);
    if (p->working_capital != working)
        finding(f, "working capital %s is not current assets %s less current liabilities %s (%s)",
                exact_dollars(p->working_capital).text, exact_dollars(current_assets(p)).text,
                exact_dollars(p->current_liabilities).text, exact_dollars(working).text);

    if (!p->has_dso)
        return;
    int64_t tenths, days;
    if (!results_dso(p->net_receivables, p->quarter_revenue, p->quarter_days, &tenths, &days))
        finding(f,
                "days sales outstanding are given but the quarter's revenue %s over %d days "
                "gives none",
                exact_dollars(p->quarter_revenue).text, p->quarter_days);
    else if (p->dso_days != days || p->dso_tenths != tenths)
        finding(f,
                "days sales outstanding of %lld days (%s) are not net receivables %s over "
                "revenue %s for %d days (%s, so %lld days)",
                (long long)p->dso_days, plain_tenths(p->dso_tenths).text,
                exact_dollars(p->net_receivables).text, exact_dollars(p->quarter_revenue).text,
                p->quarter_days, plain_tenths(tenths).text, (long long)days);
}

static void check_period(findings *f, const results_period *p)
{
    snprintf(f->where, sizeof f->where, "%s", period_name(p).text);
    check_revenue(f, p);
    check_gross_profit(f, p);
    check_expenses_and_income(f, p);
    if (p->has_shares) {
        check_one_eps(f, p, "basic", p->shares_basic, p->eps_basic_cents);
        check_one_eps(f, p, "diluted", p->shares_diluted, p->eps_diluted_cents);
    }
    check_position(f, &p->position);
}

int results_check(const results_report *report, buffer *out)
{
    findings f = {out, 0, ""};
    check_period(&f, &report->current);
    if (report->has_prior)
        check_period(&f, &report->prior);
    if (report->has_year_end)
        check_position(&f, &report->year_end);
    return f.count;
}

/* ======================================================================
 * Tables, printed as aligned text or as HTML
 * ==================================================================== */

typedef enum { TABLE_TEXT, TABLE_HTML } table_format;

enum { TABLE_MAX_COLUMNS = 6 };

typedef struct {
    table_format format;
    buffer *out;
    int label_width; /* text: characters of the first column */
    size_t count;    /* columns after the label */
    const char *heads[TABLE_MAX_COLUMNS];
    int widths[TABLE_MAX_COLUMNS]; /* text: characters of each column */
} table;

/* The first `length` bytes of text, escaped for HTML text and attributes;
 * a line break becomes a space. */
static void html_escape_bytes(buffer *out, const char *text, size_t length)
{
    const char *end = text + length;
    for (const char *line = text; line < end;) {
        const char *stop = memchr(line, '\n', (size_t)(end - line));
        size_t run = stop ? (size_t)(stop - line) : (size_t)(end - line);
        buffer_append_markup(out, line, run);
        if (stop)
            buffer_append_char(out, ' ');
        line += run + (stop != NULL);
    }
}

static void html_escape(buffer *out, const char *text)
{
    html_escape_bytes(out, text, strlen(text));
}

static void pad(buffer *out, size_t spaces)
{
    for (size_t i = 0; i < spaces; i++)
        buffer_append_char(out, ' ');
}

static void text_left(buffer *out, const char *text, int width)
{
    size_t w = text_width(text);
    buffer_append_text(out, text);
    pad(out, w < (size_t)width ? (size_t)width - w : 0);
}

/* Right-aligned, with at least one space before it. */
static void text_right(buffer *out, const char *text, int width)
{
    size_t w = text_width(text);
    pad(out, w < (size_t)width ? (size_t)width - w : 1);
    buffer_append_text(out, text);
}

/* End the line, without the spaces that padded empty cells. */
static void end_line(buffer *out)
{
    while (out->length > 0 && out->data[out->length - 1] == ' ')
        out->data[--out->length] = '\0';
    buffer_append_char(out, '\n');
}

static int columns_width(const table *t)
{
    int width = 0;
    for (size_t i = 0; i < t->count; i++)
        width += t->widths[i];
    return width;
}

/* Each line of `text` centered over the value columns. */
static void text_span_heading(const table *t, const char *text)
{
    int span = columns_width(t);
    const char *line;
    size_t length;
    while (next_line(&text, &line, &length)) {
        int indent = t->label_width + (span - (int)span_width(line, length)) / 2;
        pad(t->out, indent > 0 ? (size_t)indent : 0);
        buffer_printf(t->out, "%.*s\n", (int)length, line);
    }
}

static void text_rule(const table *t, char c)
{
    pad(t->out, (size_t)t->label_width);
    for (size_t i = 0; i < t->count; i++) {
        pad(t->out, 2);
        for (int k = 2; k < t->widths[i]; k++)
            buffer_append_char(t->out, c);
    }
    buffer_append_char(t->out, '\n');
}

static void text_row(const table *t, const char *label, const char *const cells[])
{
    if (text_width(label) > (size_t)t->label_width) {
        buffer_printf(t->out, "%s\n", label);
        label = "";
    }
    text_left(t->out, label, t->label_width);
    for (size_t i = 0; i < t->count; i++)
        text_right(t->out, cells[i], t->widths[i]);
    end_line(t->out);
}

/* Start a table: a caption, an optional heading over all the value
 * columns ("Three Months Ended\nMarch 31,"), and the column heads. */
static void table_begin(table *t, const char *caption, const char *span, const char *label_head)
{
    if (t->format == TABLE_TEXT) {
        buffer_printf(t->out, "\n%s\n", caption);
        for (size_t i = text_width(caption); i > 0; i--)
            buffer_append_char(t->out, '-');
        buffer_append_text(t->out, "\n\n");
        if (span)
            text_span_heading(t, span);
        text_row(t, label_head, t->heads);
        text_rule(t, '-');
        return;
    }
    buffer_append_text(t->out, "<table>\n<caption>");
    html_escape(t->out, caption);
    buffer_append_text(t->out, "</caption>\n<thead>\n");
    if (span) {
        buffer_printf(t->out, "<tr><td></td><th scope=\"colgroup\" colspan=\"%zu\">", t->count);
        html_escape(t->out, span);
        buffer_append_text(t->out, "</th></tr>\n");
    }
    if (*label_head) {
        buffer_append_text(t->out, "<tr><th scope=\"col\">");
        html_escape(t->out, label_head);
        buffer_append_text(t->out, "</th>");
    } else {
        buffer_append_text(t->out, "<tr><td></td>");
    }
    for (size_t i = 0; i < t->count; i++) {
        buffer_append_text(t->out, "<th scope=\"col\">");
        html_escape(t->out, t->heads[i]);
        buffer_append_text(t->out, "</th>");
    }
    buffer_append_text(t->out, "</tr>\n</thead>\n<tbody>\n");
}

static int looks_negative(const char *cell)
{
    return cell[0] == '(' || cell[0] == '-';
}

/* One row; a total is set off by a rule (text) or a class (HTML). */
static void table_row(table *t, const char *label, const char *const cells[], int total)
{
    if (t->format == TABLE_TEXT) {
        if (total)
            text_rule(t, '-');
        text_row(t, label, cells);
        return;
    }
    buffer_append_text(t->out,
                       total ? "<tr class=\"total\"><th scope=\"row\">" : "<tr><th scope=\"row\">");
    html_escape(t->out, label);
    buffer_append_text(t->out, "</th>");
    for (size_t i = 0; i < t->count; i++) {
        buffer_append_text(t->out, looks_negative(cells[i]) ? "<td class=\"negative\">" : "<td>");
        html_escape(t->out, cells[i]);
        buffer_append_text(t->out, "</td>");
    }
    buffer_append_text(t->out, "</tr>\n");
}

/* A heading row inside a table ("Assets"). */
static void table_group(table *t, const char *label)
{
    if (t->format == TABLE_TEXT) {
        buffer_printf(t->out, "%s\n", label);
        return;
    }
    buffer_printf(t->out, "<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"%zu\">",
                  t->count + 1);
    html_escape(t->out, label);
    buffer_append_text(t->out, "</th></tr>\n");
}

static void table_end(table *t)
{
    if (t->format == TABLE_TEXT)
        text_rule(t, '=');
    else
        buffer_append_text(t->out, "</tbody>\n</table>\n");
}

static table table_new(table_format format, buffer *out, int label_width)
{
    table t;
    memset(&t, 0, sizeof t);
    t.format = format;
    t.out = out;
    t.label_width = label_width;
    return t;
}

static void table_column(table *t, const char *head, int width)
{
    if (t->count < TABLE_MAX_COLUMNS) {
        t->heads[t->count] = head;
        t->widths[t->count] = width;
        t->count++;
    }
}

/* ======================================================================
 * The sections shared by the text and HTML renderings
 * ==================================================================== */

/* Text column widths: the release's table, then the detail (80 columns). */
enum { STATEMENT_LABEL = 46, STATEMENT_COLUMN = 14 };
enum { DETAIL_LABEL = 32, MONEY_COLUMN = 13, CHANGE_COLUMN = 9 };

/* The columns of a comparison: current, prior, change, change %. The
 * names must outlive the table (the caller's short_texts). */
static void comparison_columns(table *t, const results_report *report, const char *current,
                               const char *prior)
{
    table_column(t, current, MONEY_COLUMN);
    if (report->has_prior) {
        table_column(t, prior, MONEY_COLUMN);
        table_column(t, "Change", MONEY_COLUMN);
        table_column(t, "Change %", CHANGE_COLUMN);
    }
}

/* A money row: the amounts, the change in dollars, the change in percent
 * (empty when the prior is zero). */
static void money_row(table *t, const char *label, int64_t current, int64_t prior, int total)
{
    short_text now = dollars(current), before = dollars(prior), change = dollars(current - prior);
    short_text change_percent = {""};
    int64_t tenths;
    if (results_change_tenths(current, prior, &tenths))
        change_percent = percent(tenths, 1);
    const char *cells[] = {now.text, before.text, change.text, change_percent.text};
    table_row(t, label, cells, total);
}

static short_text margin_text(int has, int64_t tenths)
{
    short_text t = {"n/a"};
    return has ? percent(tenths, 0) : t;
}

/* A gross margin row: both margins and the change in points. */
static void margin_row(table *t, const char *label, int64_t profit, int64_t revenue,
                       int64_t prior_profit, int64_t prior_revenue)
{
    int64_t now = 0, before = 0;
    int has_now = results_percent_tenths(profit, revenue, &now);
    int has_before = results_percent_tenths(prior_profit, prior_revenue, &before);
    short_text change = {""};
    if (has_now && has_before)
        change = points(now - before);
    short_text now_text = margin_text(has_now, now), before_text = margin_text(has_before, before);
    const char *cells[] = {now_text.text, before_text.text, change.text, ""};
    table_row(t, label, cells, 0);
}

static void section_statement(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    table t = table_new(format, out, STATEMENT_LABEL);
    short_text year = integer(now->period.year), prior_year = integer(before->period.year);
    phrase span;
    snprintf(span.text, sizeof span.text, "Three Months Ended\n%s", month_day(now->last_day).text);
    table_column(&t, year.text, STATEMENT_COLUMN);
    if (report->has_prior)
        table_column(&t, prior_year.text, STATEMENT_COLUMN);
    table_begin(&t, "Condensed Consolidated Data (Unaudited)", span.text,
                "Statements of Operations");

    struct {
        const char *label;
        int64_t now, before;
        int total;
    } lines[] = {
        {"Revenues", now->revenue, before->revenue, 0},
        {"Gross profit", now->gross_profit, before->gross_profit, 0},
        {"Income before income taxes", now->income_before_taxes, before->income_before_taxes, 0},
        {"Provision (benefit) for income taxes", now->income_taxes, before->income_taxes, 0},
        {"Net income", now->net_income, before->net_income, 1},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        short_text a = dollars(lines[i].now), b = dollars(lines[i].before);
        table_row(&t, lines[i].label, (const char *[]){a.text, b.text}, lines[i].total);
    }

    int same_eps = now->eps_basic_cents == now->eps_diluted_cents &&
                   (!report->has_prior || !before->has_shares ||
                    before->eps_basic_cents == before->eps_diluted_cents);
    struct {
        const char *label;
        int64_t now, before;
        int is_eps;
    } shares[] = {
        {same_eps ? "Basic and diluted per share amounts" : "Basic per share amounts",
         now->eps_basic_cents, before->eps_basic_cents, 1},
        {"Diluted per share amounts", now->eps_diluted_cents, before->eps_diluted_cents, 1},
        {"Weighted average shares outstanding - basic", now->shares_basic, before->shares_basic, 0},
        {"Weighted average shares outstanding - diluted", now->shares_diluted,
         before->shares_diluted, 0},
    };
    for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++) {
        if (i == 1 && same_eps)
            continue;
        short_text a = {"n/a"}, b = {"n/a"};
        if (now->has_shares)
            a = shares[i].is_eps ? per_share(shares[i].now) : grouped_count(shares[i].now);
        if (before->has_shares)
            b = shares[i].is_eps ? per_share(shares[i].before) : grouped_count(shares[i].before);
        table_row(&t, shares[i].label, (const char *[]){a.text, b.text}, 0);
    }
    table_end(&t);
}

static void section_balance_sheet(table_format format, buffer *out, const results_report *report)
{
    const results_position *p = &report->current.position;
    table t = table_new(format, out, STATEMENT_LABEL);
    short_text year = integer(year_of(p->date)), span = month_day(p->date);
    table_column(&t, year.text, STATEMENT_COLUMN);
    table_begin(&t, "Balance Sheets", span.text, "");

    struct {
        const char *group, *label;
        int64_t amount;
        int total;
    } lines[] = {
        {"Assets", "Cash and marketable securities", p->cash_and_securities, 0},
        {NULL, "Other current assets", p->other_current_assets, 0},
        {NULL, "Non-current assets", p->non_current_assets, 0},
        {NULL, "Total assets", p->total_assets, 1},
        {"Liabilities and Shareholders' Equity", "Current liabilities", p->current_liabilities, 0},
        {NULL, "Long-term liabilities", p->long_term_liabilities, 0},
        {NULL, "Shareholders' equity", p->equity, 0},
        {NULL, "Total liabilities and shareholders' equity", p->total_liabilities_and_equity, 1},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (lines[i].group)
            table_group(&t, lines[i].group);
        short_text amount = dollars(lines[i].amount);
        table_row(&t, lines[i].label, (const char *[]){amount.text}, lines[i].total);
    }
    table_end(&t);
}

static void section_segments(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    short_text now_name = period_name(now), before_name = period_name(before);

    table revenue = table_new(format, out, DETAIL_LABEL);
    comparison_columns(&revenue, report, now_name.text, before_name.text);
    table_begin(&revenue, "Revenue by segment", NULL, "Segment");
    money_row(&revenue, "Blood products", now->blood_products_revenue,
              before->blood_products_revenue, 0);
    money_row(&revenue, "  Ongoing donor centers", now->ongoing_revenue, before->ongoing_revenue,
              0);
    money_row(&revenue, "  Closed donor centers", now->closed_revenue, before->closed_revenue, 0);
    money_row(&revenue, "Blood services", now->blood_services_revenue,
              before->blood_services_revenue, 0);
    money_row(&revenue, "Total revenue", now->revenue, before->revenue, 1);
    table_end(&revenue);

    table profit = table_new(format, out, DETAIL_LABEL);
    comparison_columns(&profit, report, now_name.text, before_name.text);
    table_begin(&profit, "Gross profit by segment", NULL, "Segment");
    money_row(&profit, "Blood products", now->blood_products_gross_profit,
              before->blood_products_gross_profit, 0);
    money_row(&profit, "  Ongoing donor centers", now->ongoing_gross_profit,
              before->ongoing_gross_profit, 0);
    money_row(&profit, "  Closed donor centers", now->closed_gross_profit,
              before->closed_gross_profit, 0);
    money_row(&profit, "Blood services", now->blood_services_gross_profit,
              before->blood_services_gross_profit, 0);
    money_row(&profit, "Total gross profit", now->gross_profit, before->gross_profit, 1);
    table_end(&profit);

    table margin = table_new(format, out, DETAIL_LABEL);
    comparison_columns(&margin, report, now_name.text, before_name.text);
    table_begin(&margin, "Gross margin", NULL, "");
    margin_row(&margin, "Total", now->gross_profit, now->revenue, before->gross_profit,
               before->revenue);
    margin_row(&margin, "Ongoing donor centers", now->ongoing_gross_profit, now->ongoing_revenue,
               before->ongoing_gross_profit, before->ongoing_revenue);
    table_end(&margin);
}

static void section_expenses(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    short_text now_name = period_name(now), before_name = period_name(before);
    table t = table_new(format, out, DETAIL_LABEL);
    comparison_columns(&t, report, now_name.text, before_name.text);
    table_begin(&t, "General and administrative expenses by account", NULL, "Account");

    size_t count;
    ga_movement *movements = ga_movements(report, &count);
    for (size_t i = 0; i < count; i++) {
        char label[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2];
        snprintf(label, sizeof label, "%s %s", movements[i].code, movements[i].name);
        money_row(&t, label, movements[i].current, movements[i].prior, 0);
    }
    free(movements);
    money_row(&t, "Total general and administrative", now->general_administrative,
              before->general_administrative, 1);
    money_row(&t, "Other expense (income), net", now->other_expense, before->other_expense, 0);
    table_end(&t);
}

/* The positions of the position table, in the order of the brief: at the
 * period end, at the previous fiscal year end, a year earlier. */
static size_t positions_shown(const results_report *report, const results_position *shown[3])
{
    size_t n = 0;
    shown[n++] = &report->current.position;
    if (report->has_year_end)
        shown[n++] = &report->year_end;
    if (report->has_prior)
        shown[n++] = &report->prior.position;
    return n;
}

enum { POSITION_CASH, POSITION_WORKING_CAPITAL, POSITION_RECEIVABLES, POSITION_DSO };

static short_text position_figure(const results_position *p, int figure)
{
    switch (figure) {
    case POSITION_CASH: return dollars(p->cash_and_securities);
    case POSITION_WORKING_CAPITAL: return dollars(p->working_capital);
    case POSITION_RECEIVABLES: return dollars(p->net_receivables);
    default: return p->has_dso ? integer(p->dso_days) : (short_text){"n/a"};
    }
}

static void section_position(table_format format, buffer *out, const results_report *report)
{
    static const char *const labels[] = {"Cash and marketable securities", "Working capital",
                                         "Net accounts receivable", "Days sales outstanding"};
    const results_position *shown[3];
    size_t count = positions_shown(report, shown);
    short_text heads[3], cells[3];
    const char *texts[3];
    table t = table_new(format, out, DETAIL_LABEL);
    for (size_t i = 0; i < count; i++) {
        heads[i] = short_date(shown[i]->date);
        table_column(&t, heads[i].text, STATEMENT_COLUMN);
    }
    table_begin(&t, "Working capital, receivables and days sales outstanding", NULL, "");
    for (int figure = POSITION_CASH; figure <= POSITION_DSO; figure++) {
        for (size_t i = 0; i < count; i++) {
            cells[i] = position_figure(shown[i], figure);
            texts[i] = cells[i].text;
        }
        table_row(&t, labels[figure], texts, 0);
    }
    table_end(&t);
}

static void section_centers_of(table_format format, buffer *out, const results_period *period)
{
    if (period->center_count == 0)
        return;
    char caption[sizeof(phrase)];
    snprintf(caption, sizeof caption, "Gross profit by donor center, %s", period_name(period).text);
    table t = table_new(format, out, DETAIL_LABEL);
    table_column(&t, "Status", 8);
    table_column(&t, "Revenue", 12);
    table_column(&t, "Cost", 12);
    table_column(&t, "Gross profit", 13);
    table_column(&t, "Margin", 7);
    table_begin(&t, caption, NULL, "Donor center");

    int64_t revenue = 0, cost = 0, profit = 0;
    for (size_t i = 0; i < period->center_count; i++) {
        const results_center *c = &period->centers[i];
        char label[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2];
        snprintf(label, sizeof label, "%s %s", c->code, c->name);
        int64_t tenths = 0;
        int has_margin = results_percent_tenths(c->gross_profit, c->revenue, &tenths);
        short_text r = dollars(c->revenue), k = dollars(c->cost), g = dollars(c->gross_profit);
        short_text m = margin_text(has_margin, tenths);
        table_row(
            &t, label,
            (const char *[]){c->closed ? "closed" : "ongoing", r.text, k.text, g.text, m.text}, 0);
        revenue += c->revenue, cost += c->cost, profit += c->gross_profit;
    }
    int64_t tenths = 0;
    int has_margin = results_percent_tenths(profit, revenue, &tenths);
    short_text r = dollars(revenue), k = dollars(cost), g = dollars(profit);
    short_text m = margin_text(has_margin, tenths);
    table_row(&t, "Total donor centers", (const char *[]){"", r.text, k.text, g.text, m.text}, 1);
    table_end(&t);
}

/* ======================================================================
 * Text
 * ==================================================================== */

static void text_findings(const results_report *report, buffer *out)
{
    buffer findings_text = BUFFER_INIT;
    if (results_check(report, &findings_text) > 0) {
        buffer_append_text(out, "\nConsistency findings\n--------------------\n\n");
        const char *cursor = buffer_text(&findings_text), *line;
        size_t length;
        while (next_line(&cursor, &line, &length))
            buffer_printf(out, "  - %.*s\n", (int)length, line);
    }
    buffer_free(&findings_text);
}

void results_render_text(const results_report *report, buffer *out)
{
    buffer_printf(out, "Quarterly results, %s\n", period_name(&report->current).text);
    section_statement(TABLE_TEXT, out, report);
    section_balance_sheet(TABLE_TEXT, out, report);
    section_segments(TABLE_TEXT, out, report);
    section_expenses(TABLE_TEXT, out, report);
    section_position(TABLE_TEXT, out, report);
    section_centers_of(TABLE_TEXT, out, &report->current);
    if (report->has_prior)
        section_centers_of(TABLE_TEXT, out, &report->prior);
    text_findings(report, out);
}

/* ======================================================================
 * CSV
 * ==================================================================== */

static void csv_row(buffer *out, const char *section, const char *item, const char *current,
                    const char *prior, const char *change, const char *change_percent)
{
    const char *fields[] = {section, item, current, prior, change, change_percent};
    for (size_t i = 0; i < 6; i++) {
        if (i > 0)
            buffer_append_char(out, ',');
        csv_append_field(out, fields[i]);
    }
    buffer_append_char(out, '\n');
}

/* Money in the current and the comparison column; the comparison, change
 * and percent are left empty when there is no comparison. */
static void csv_money(buffer *out, const char *section, const char *item, int64_t current,
                      int has_prior, int64_t prior)
{
    short_text now = plain_money(current), before = {""}, change = {""}, change_percent = {""};
    int64_t tenths;
    if (has_prior) {
        before = plain_money(prior);
        change = plain_money(current - prior);
        if (results_change_tenths(current, prior, &tenths))
            change_percent = plain_tenths(tenths);
    }
    csv_row(out, section, item, now.text, before.text, change.text, change_percent.text);
}

/* Counts (shares): integers, with a percent change. */
static void csv_count(buffer *out, const char *section, const char *item, int has_now,
                      int64_t current, int has_prior, int64_t prior)
{
    short_text now = {""}, before = {""}, change = {""}, change_percent = {""};
    int64_t tenths;
    if (has_now)
        now = integer(current);
    if (has_prior)
        before = integer(prior);
    if (has_now && has_prior) {
        change = integer(current - prior);
        if (results_change_tenths(current, prior, &tenths))
            change_percent = plain_tenths(tenths);
    }
    csv_row(out, section, item, now.text, before.text, change.text, change_percent.text);
}

/* Earnings per share: dollars with cents, no percent change. */
static void csv_eps(buffer *out, const char *item, const results_report *report, int64_t current,
                    int64_t prior)
{
    int has_now = report->current.has_shares;
    int has_prior = report->has_prior && report->prior.has_shares;
    short_text now = {""}, before = {""}, change = {""};
    if (has_now)
        now = plain_money(current);
    if (has_prior)
        before = plain_money(prior);
    if (has_now && has_prior)
        change = plain_money(current - prior);
    csv_row(out, "statement", item, now.text, before.text, change.text, "");
}

/* Margins: percents, the change in points, no percent change. */
static void csv_margin(buffer *out, const char *item, int64_t profit, int64_t revenue,
                       int has_prior, int64_t prior_profit, int64_t prior_revenue)
{
    int64_t now = 0, before = 0;
    int has_now = results_percent_tenths(profit, revenue, &now);
    int has_before = has_prior && results_percent_tenths(prior_profit, prior_revenue, &before);
    short_text a = {""}, b = {""}, change = {""};
    if (has_now)
        a = plain_tenths(now);
    if (has_before)
        b = plain_tenths(before);
    if (has_now && has_before)
        change = plain_tenths(now - before);
    csv_row(out, "gross_margin", item, a.text, b.text, change.text, "");
}

static void csv_statement(buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int p = report->has_prior;
    csv_money(out, "statement", "Revenues", now->revenue, p, before->revenue);
    csv_money(out, "statement", "Gross profit", now->gross_profit, p, before->gross_profit);
    csv_money(out, "statement", "Income before income taxes", now->income_before_taxes, p,
              before->income_before_taxes);
    csv_money(out, "statement", "Provision (benefit) for income taxes", now->income_taxes, p,
              before->income_taxes);
    csv_money(out, "statement", "Net income", now->net_income, p, before->net_income);
    csv_eps(out, "Basic earnings per share", report, now->eps_basic_cents, before->eps_basic_cents);
    csv_eps(out, "Diluted earnings per share", report, now->eps_diluted_cents,
            before->eps_diluted_cents);
    int shares_before = p && before->has_shares;
    csv_count(out, "statement", "Weighted average shares outstanding - basic", now->has_shares,
              now->shares_basic, shares_before, before->shares_basic);
    csv_count(out, "statement", "Weighted average shares outstanding - diluted", now->has_shares,
              now->shares_diluted, shares_before, before->shares_diluted);
}

static void csv_balance_sheet(buffer *out, const results_report *report)
{
    const results_position *now = &report->current.position, *before = &report->prior.position;
    int p = report->has_prior;
    csv_money(out, "balance_sheet", "Cash and marketable securities", now->cash_and_securities, p,
              before->cash_and_securities);
    csv_money(out, "balance_sheet", "Other current assets", now->other_current_assets, p,
              before->other_current_assets);
    csv_money(out, "balance_sheet", "Non-current assets", now->non_current_assets, p,
              before->non_current_assets);
    csv_money(out, "balance_sheet", "Total assets", now->total_assets, p, before->total_assets);
    csv_money(out, "balance_sheet", "Current liabilities", now->current_liabilities, p,
              before->current_liabilities);
    csv_money(out, "balance_sheet", "Long-term liabilities", now->long_term_liabilities, p,
              before->long_term_liabilities);
    csv_money(out, "balance_sheet", "Shareholders' equity", now->equity, p, before->equity);
    csv_money(out, "balance_sheet", "Total liabilities and shareholders' equity",
              now->total_liabilities_and_equity, p, before->total_liabilities_and_equity);
}

static void csv_segments(buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int p = report->has_prior;
    csv_money(out, "revenue", "Blood products", now->blood_products_revenue, p,
              before->blood_products_revenue);
    csv_money(out, "revenue", "Ongoing donor centers", now->ongoing_revenue, p,
              before->ongoing_revenue);
    csv_money(out, "revenue", "Closed donor centers", now->closed_revenue, p,
              before->closed_revenue);
    csv_money(out, "revenue", "Blood services", now->blood_services_revenue, p,
              before->blood_services_revenue);
    csv_money(out, "revenue", "Total", now->revenue, p, before->revenue);
    csv_money(out, "gross_profit", "Blood products", now->blood_products_gross_profit, p,
              before->blood_products_gross_profit);
    csv_money(out, "gross_profit", "Ongoing donor centers", now->ongoing_gross_profit, p,
              before->ongoing_gross_profit);
    csv_money(out, "gross_profit", "Closed donor centers", now->closed_gross_profit, p,
              before->closed_gross_profit);
    csv_money(out, "gross_profit", "Blood services", now->blood_services_gross_profit, p,
              before->blood_services_gross_profit);
    csv_money(out, "gross_profit", "Total", now->gross_profit, p, before->gross_profit);
    csv_margin(out, "Total", now->gross_profit, now->revenue, p, before->gross_profit,
               before->revenue);
    csv_margin(out, "Ongoing donor centers", now->ongoing_gross_profit, now->ongoing_revenue, p,
               before->ongoing_gross_profit, before->ongoing_revenue);
}

static void csv_expenses(buffer *out, const results_report *report)
{
    size_t count;
    ga_movement *movements = ga_movements(report, &count);
    for (size_t i = 0; i < count; i++) {
        char item[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2];
        snprintf(item, sizeof item, "%s %s", movements[i].code, movements[i].name);
        csv_money(out, "general_administrative", item, movements[i].current, report->has_prior,
                  movements[i].prior);
    }
    free(movements);
    csv_money(out, "general_administrative", "Total", report->current.general_administrative,
              report->has_prior, report->prior.general_administrative);
    csv_money(out, "other", "Other expense (income), net", report->current.other_expense,
              report->has_prior, report->prior.other_expense);
}

/* Working capital, receivables, DSO (and cash) against one earlier
 * position: the same date a year earlier ("position") or the previous
 * fiscal year end ("year_end"). */
static void csv_position(buffer *out, const char *section, const results_position *now,
                         int has_before, const results_position *before)
{
    csv_money(out, section, "Cash and marketable securities", now->cash_and_securities, has_before,
              before->cash_and_securities);
    csv_money(out, section, "Working capital", now->working_capital, has_before,
              before->working_capital);
    csv_money(out, section, "Net accounts receivable", now->net_receivables, has_before,
              before->net_receivables);
    short_text a = {""}, b = {""}, change = {""};
    if (now->has_dso)
        a = integer(now->dso_days);
    if (has_before && before->has_dso)
        b = integer(before->dso_days);
    if (now->has_dso && has_before && before->has_dso)
        change = integer(now->dso_days - before->dso_days);
    csv_row(out, section, "Days sales outstanding", a.text, b.text, change.text, "");
}

static void csv_centers(buffer *out, const results_report *report)
{
    static const results_center none; /* a period without the center: zeros */
    size_t count;
    center_pair *pairs = center_pairs(report, &count);
    for (size_t i = 0; i < count; i++) {
        const results_center *now = pairs[i].current ? pairs[i].current : &none;
        const results_center *before = pairs[i].prior ? pairs[i].prior : &none;
        char item[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 12];
        center_label(&pairs[i], item, sizeof item);
        if (!pairs[i].current || pairs[i].current->closed)
            strcat(item, " (closed)");
        int p = report->has_prior;
        csv_money(out, "center_revenue", item, now->revenue, p, before->revenue);
        csv_money(out, "center_cost", item, now->cost, p, before->cost);
        csv_money(out, "center_gross_profit", item, now->gross_profit, p, before->gross_profit);
    }
    free(pairs);
}

void results_render_csv(const results_report *report, buffer *out)
{
    buffer_append_text(out, "section,item,current,prior,change,change_percent\n");
    csv_statement(out, report);
    csv_balance_sheet(out, report);
    csv_segments(out, report);
    csv_expenses(out, report);
    csv_position(out, "position", &report->current.position, report->has_prior,
                 &report->prior.position);
    if (report->has_year_end)
        csv_position(out, "year_end", &report->current.position, 1, &report->year_end);
    csv_centers(out, report);
}

/* ======================================================================
 * HTML
 * ==================================================================== */

static const char html_style[] =
    "body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1a1a1a;background:#fff;margin:0}\n"
    "main{max-width:62rem;margin:0 auto;padding:1.5rem}\n"
    "h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}\n"
    "table{border-collapse:collapse;margin:.75rem 0 1.5rem}\n"
    "caption{text-align:left;font-weight:600;padding-bottom:.4rem}\n"
    "th,td{padding:.25rem .75rem;border-bottom:1px solid #d0d0d0}\n"
    "th[scope=row]{text-align:left;font-weight:normal}\n"
    "thead th{text-align:right;border-bottom:2px solid #333}\n"
    "thead th:first-child{text-align:left}\n"
    "th[scope=rowgroup]{text-align:left;font-weight:600;padding-top:.75rem}\n"
    "td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.total th,tr.total td{font-weight:600;border-top:1px solid #333}\n"
    ".negative{color:#a4161a}\n"
    ".alert{border-left:4px solid #a4161a;padding:.5rem 1rem;background:#fdf0f0}\n"
    "figure{margin:1rem 0 2rem}figcaption{font-size:.9rem;color:#444}\n"
    "svg{max-width:100%;height:auto}svg text{font-size:12px;fill:#1a1a1a}\n"
    ".bar-current{fill:#1f4e79}.bar-prior{fill:#8fb8de}.axis{stroke:#333}\n"
    "@media print{body{font-size:10pt}main{max-width:none;padding:0}"
    "h2{break-after:avoid}table,figure{break-inside:avoid}a{color:inherit}"
    ".alert{background:none}}\n";

enum { CHART_WIDTH = 680, CHART_LABEL = 220, CHART_VALUE = 100, CHART_BAR = 14 };

/* One category of a bar chart: up to two series (current, prior). */
typedef struct {
    const char *label;
    int64_t value[2];
} chart_bar;

/* Pixel position of `value` on a scale from low to high. */
static int64_t chart_x(int64_t value, int64_t low, int64_t high)
{
    int64_t plot = CHART_WIDTH - CHART_LABEL - CHART_VALUE;
    return CHART_LABEL + results_muldiv_round(value - low, plot, high - low);
}

/* At most `limit` characters of UTF-8 text, with an ellipsis when cut. */
static void svg_label(buffer *out, const char *text, size_t limit)
{
    size_t characters = 0;
    const char *p = text;
    for (; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++characters > limit)
            break;
    }
    html_escape_bytes(out, text, (size_t)(p - text));
    if (*p)
        buffer_append_text(out, "\xE2\x80\xA6");
}

static void svg_bars(buffer *out, const chart_bar *bars, size_t count, size_t series,
                     const char *const series_names[], int64_t low, int64_t high, int top)
{
    int64_t zero = chart_x(0, low, high);
    int row_height = (int)series * CHART_BAR + 12;
    for (size_t i = 0; i < count; i++) {
        int y = top + (int)i * row_height;
        buffer_printf(out, "<text x=\"%d\" y=\"%d\">", 0, y + (int)series * CHART_BAR / 2 + 4);
        svg_label(out, bars[i].label, 32);
        buffer_append_text(out, "</text>\n");
        for (size_t s = 0; s < series; s++) {
            int64_t end = chart_x(bars[i].value[s], low, high);
            int64_t left = end < zero ? end : zero, width = end < zero ? zero - end : end - zero;
            int bar_y = y + (int)s * CHART_BAR;
            buffer_printf(out,
                          "<rect class=\"%s\" x=\"%lld\" y=\"%d\" width=\"%lld\" height=\"%d\">"
                          "<title>",
                          s == 0 ? "bar-current" : "bar-prior", (long long)left, bar_y,
                          (long long)width, CHART_BAR - 2);
            html_escape(out, series_names[s]);
            buffer_printf(out, ": %s</title></rect>\n", dollars(bars[i].value[s]).text);
            buffer_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                          CHART_WIDTH - 2, bar_y + CHART_BAR - 3, dollars(bars[i].value[s]).text);
        }
    }
    buffer_printf(out, "<line class=\"axis\" x1=\"%lld\" x2=\"%lld\" y1=\"%d\" y2=\"%d\"/>\n",
                  (long long)zero, (long long)zero, top - 4, top + (int)count * row_height - 8);
}

/* A horizontal bar chart with a legend; negative values extend left of
 * the zero axis. */
static void svg_chart(buffer *out, const char *id, const char *title, const chart_bar *bars,
                      size_t count, size_t series, const char *const series_names[])
{
    int64_t low = 0, high = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t s = 0; s < series; s++) {
            low = bars[i].value[s] < low ? bars[i].value[s] : low;
            high = bars[i].value[s] > high ? bars[i].value[s] : high;
        }
    if (high == low)
        high = low + 1;
    int top = 28, height = top + (int)count * ((int)series * CHART_BAR + 12) + 4;

    buffer_printf(out,
                  "<figure>\n<svg role=\"img\" aria-labelledby=\"%s-title\" viewBox=\"0 0 %d %d\" "
                  "width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n"
                  "<title id=\"%s-title\">",
                  id, CHART_WIDTH, height, CHART_WIDTH, height, id);
    html_escape(out, title);
    buffer_append_text(out, "</title>\n");
    for (size_t s = 0; s < series; s++) {
        int x = CHART_LABEL + (int)s * 140;
        buffer_printf(out,
                      "<rect class=\"%s\" x=\"%d\" y=\"4\" width=\"12\" height=\"12\"/>"
                      "<text x=\"%d\" y=\"14\">",
                      s == 0 ? "bar-current" : "bar-prior", x, x + 16);
        html_escape(out, series_names[s]);
        buffer_append_text(out, "</text>\n");
    }
    svg_bars(out, bars, count, series, series_names, low, high, top);
    buffer_append_text(out, "</svg>\n<figcaption>");
    html_escape(out, title);
    buffer_append_text(out, " (the table above holds the same figures)</figcaption>\n</figure>\n");
}

static void html_revenue_chart(buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    short_text a = period_name(now), b = period_name(before);
    const char *names[] = {a.text, b.text};
    chart_bar bars[] = {
        {"Blood products", {now->blood_products_revenue, before->blood_products_revenue}},
        {"Ongoing donor centers", {now->ongoing_revenue, before->ongoing_revenue}},
        {"Closed donor centers", {now->closed_revenue, before->closed_revenue}},
        {"Blood services", {now->blood_services_revenue, before->blood_services_revenue}},
    };
    svg_chart(out, "revenue-chart", "Revenue by segment", bars, 4, report->has_prior ? 2 : 1,
              names);
}

/* Gross profit of each center in both periods: losses show left of the
 * axis, so that the non-performing centers stand out. */
static void html_center_chart(buffer *out, const results_report *report)
{
    size_t count;
    center_pair *pairs = center_pairs(report, &count);
    if (count == 0) {
        free(pairs);
        return;
    }
    chart_bar *bars = allocate(count, sizeof *bars);
    char(*labels)[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2] = allocate(count, sizeof *labels);
    for (size_t i = 0; i < count; i++) {
        center_label(&pairs[i], labels[i], sizeof labels[i]);
        bars[i].label = labels[i];
        bars[i].value[0] = pairs[i].current ? pairs[i].current->gross_profit : 0;
        bars[i].value[1] = pairs[i].prior ? pairs[i].prior->gross_profit : 0;
    }
    short_text a = period_name(&report->current), b = period_name(&report->prior);
    const char *names[] = {a.text, b.text};
    svg_chart(out, "center-chart", "Gross profit by donor center", bars, count,
              report->has_prior ? 2 : 1, names);
    free(labels);
    free(bars);
    free(pairs);
}

static void html_findings(buffer *out, const buffer *lines, int count)
{
    buffer_append_text(out, "<section aria-labelledby=\"findings\">\n"
                            "<h2 id=\"findings\">Consistency findings</h2>\n");
    if (count == 0) {
        buffer_append_text(out, "<p>No inconsistencies found.</p>\n</section>\n");
        return;
    }
    buffer_append_text(out, "<ul>\n");
    const char *cursor = buffer_text(lines), *line;
    size_t length;
    while (next_line(&cursor, &line, &length)) {
        buffer_append_text(out, "<li>");
        html_escape_bytes(out, line, length);
        buffer_append_text(out, "</li>\n");
    }
    buffer_append_text(out, "</ul>\n</section>\n");
}

static void html_heading(buffer *out, const results_report *report)
{
    const results_period *now = &report->current;
    buffer_printf(out, "<h1>Quarterly results: %s quarter %d</h1>\n<p>Three months ended %s",
                  quarter_word(now), now->period.year, long_date(now->last_day).text);
    if (report->has_prior)
        buffer_printf(out, ", compared with the same period of %d", report->prior.period.year);
    buffer_append_text(out, ". Whole dollars; negative amounts in parentheses.</p>\n");
}

void results_render_html(const results_report *report, buffer *out)
{
    buffer findings_text = BUFFER_INIT;
    int count = results_check(report, &findings_text);

    buffer_printf(out,
                  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>Quarterly results, %s</title>\n<style>\n%s</style>\n</head>\n"
                  "<body>\n<main>\n",
                  period_name(&report->current).text, html_style);
    html_heading(out, report);
    if (count > 0)
        buffer_printf(out,
                      "<p class=\"alert\" role=\"note\"><a href=\"#findings\">%d consistency "
                      "finding%s</a>: some figures do not add up.</p>\n",
                      count, count == 1 ? "" : "s");

    section_statement(TABLE_HTML, out, report);
    section_balance_sheet(TABLE_HTML, out, report);
    buffer_append_text(out, "<h2>Segments</h2>\n");
    section_segments(TABLE_HTML, out, report);
    html_revenue_chart(out, report);
    buffer_append_text(out, "<h2>Expenses</h2>\n");
    section_expenses(TABLE_HTML, out, report);
    buffer_append_text(out, "<h2>Working capital and receivables</h2>\n");
    section_position(TABLE_HTML, out, report);
    buffer_append_text(out, "<h2>Donor centers</h2>\n");
    section_centers_of(TABLE_HTML, out, &report->current);
    if (report->has_prior)
        section_centers_of(TABLE_HTML, out, &report->prior);
    html_center_chart(out, report);
    html_findings(out, &findings_text, count);
    buffer_append_text(out, "</main>\n</body>\n</html>\n");
    buffer_free(&findings_text);
}

/* ======================================================================
 * The draft earnings release
 * ==================================================================== */

enum { RELEASE_WIDTH = 76 };

/* Append `text` wrapped at RELEASE_WIDTH: the first line after `first`,
 * the following ones after `rest` (both indentations). */
static void wrap(buffer *out, const char *text, const char *first, const char *rest)
{
    const char *indent = first;
    while (*text == ' ')
        text++;
    while (*text) {
        size_t room = RELEASE_WIDTH - strlen(indent), used = 0, line = 0;
        /* Take whole words while they fit (at least one word per line). */
        while (text[used]) {
            size_t end = used + strcspn(text + used, " ");
            if (line > 0 && span_width(text, end) > room)
                break;
            line = end;
            used = end;
            while (text[used] == ' ')
                used++;
        }
        buffer_printf(out, "%s%.*s\n", indent, (int)line, text);
        text += used;
        indent = rest;
    }
}

/* A paragraph of the release: wrapped, then a blank line. */
static void paragraph(buffer *out, buffer *sentences)
{
    if (sentences->length > 0) {
        wrap(out, buffer_text(sentences), "", "");
        buffer_append_char(out, '\n');
    }
    buffer_reset(sentences);
}

static const char *increase_word(int64_t change)
{
    return change < 0 ? "decreased" : "increased";
}

/* ", or $0.03 per share basic and diluted" (magnitudes: the words say
 * profit or loss). Nothing without shares. */
static void per_share_clause(buffer *p, const results_period *period)
{
    if (!period->has_shares)
        return;
    int64_t basic = magnitude_of(period->eps_basic_cents);
    int64_t diluted = magnitude_of(period->eps_diluted_cents);
    if (basic == diluted)
        buffer_printf(p, ", or %s per share basic and diluted", per_share(basic).text);
    else
        buffer_printf(p, ", or %s per share basic and %s per share diluted", per_share(basic).text,
                      per_share(diluted).text);
}

static void release_opening(buffer *p, const results_report *report)
{
    const results_period *now = &report->current;
    buffer_printf(p, "The Company today announced %s quarter %d results of operations that ",
                  quarter_word(now), now->period.year);
    if (now->net_income == 0) {
        buffer_printf(p, "broke even on revenue of %s.", dollars(now->revenue).text);
        return;
    }
    buffer_printf(p, "resulted in a %s of %s", now->net_income > 0 ? "profit" : "loss",
                  dollars(magnitude_of(now->net_income)).text);
    per_share_clause(p, now);
    buffer_printf(p, ", on revenue of %s.", dollars(now->revenue).text);
}

static void release_revenue_total(buffer *p, const results_period *now,
                                  const results_period *before)
{
    buffer_printf(p, "Revenue in the %s quarter of %d was ", quarter_word(now), now->period.year);
    int64_t change = now->revenue - before->revenue, tenths;
    if (change == 0)
        buffer_append_text(p, "the same as");
    else if (!results_change_tenths(now->revenue, before->revenue, &tenths))
        buffer_printf(p, "%s, compared with", dollars(now->revenue).text);
    else if (tenths == 0)
        buffer_printf(p, "slightly %s than", change < 0 ? "less" : "more");
    else
        buffer_printf(p, "%s %s than", percent_size(tenths).text, change < 0 ? "less" : "more");
    buffer_printf(p, " the %s reported in the same period of %d.", dollars(before->revenue).text,
                  before->period.year);
}

/* ", or 4.7%," : the size of a change in percent, when the prior is not
 * zero. */
static void change_percent_clause(buffer *p, int64_t now, int64_t before)
{
    int64_t tenths;
    if (results_change_tenths(now, before, &tenths))
        buffer_printf(p, ", or %s,", percent_size(tenths).text);
}

/* " SUBJECT decreased $94,000" and 1, or " SUBJECT was unchanged at
 * $1,891,000." and 0: the start of the sentences below. */
static int release_change_start(buffer *p, const char *subject, int64_t now, int64_t before)
{
    int64_t change = now - before;
    if (change == 0) {
        buffer_printf(p, " %s was unchanged at %s.", subject, dollars(now).text);
        return 0;
    }
    buffer_printf(p, " %s %s %s", subject, increase_word(change),
                  dollars(magnitude_of(change)).text);
    return 1;
}

/* "SUBJECT decreased $101,000 to $4,845,000, or 2.0%." */
static void release_change_to(buffer *p, const char *subject, int64_t now, int64_t before)
{
    int64_t tenths;
    if (!release_change_start(p, subject, now, before))
        return;
    buffer_printf(p, " to %s", dollars(now).text);
    if (results_change_tenths(now, before, &tenths))
        buffer_printf(p, ", or %s", percent_size(tenths).text);
    buffer_append_char(p, '.');
}

/* "SUBJECT increased $678,000, or 16.5%, from $4,102,000 reported in the
 * first quarter of 2003." */
static void release_change_from(buffer *p, const char *subject, int64_t now, int64_t before,
                                const results_period *prior)
{
    if (!release_change_start(p, subject, now, before))
        return;
    change_percent_clause(p, now, before);
    buffer_printf(p, " from %s reported in the %s quarter of %d.", dollars(before).text,
                  quarter_word(prior), prior->period.year);
}

/* "SUBJECT decreased $94,000, or 4.7%, to $1,891,000." */
static void release_change_by(buffer *p, const char *subject, int64_t now, int64_t before)
{
    if (!release_change_start(p, subject, now, before))
        return;
    change_percent_clause(p, now, before);
    buffer_printf(p, " to %s.", dollars(now).text);
}

static void release_revenue(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    if (!report->has_prior) {
        buffer_printf(p,
                      "Revenue in the %s quarter of %d was %s: blood products revenue of %s, "
                      "of which %s from ongoing donor centers, and blood services revenue of %s.",
                      quarter_word(now), now->period.year, dollars(now->revenue).text,
                      dollars(now->blood_products_revenue).text, dollars(now->ongoing_revenue).text,
                      dollars(now->blood_services_revenue).text);
        return;
    }
    release_revenue_total(p, now, before);
    release_change_to(p, "Blood products revenue", now->blood_products_revenue,
                      before->blood_products_revenue);
    release_change_from(p, "Blood products revenue from ongoing donor centers",
                        now->ongoing_revenue, before->ongoing_revenue, before);
    if (now->closed_revenue != 0 || before->closed_revenue != 0)
        buffer_printf(p,
                      " Donor centers now closed contributed %s of revenue, compared with %s "
                      "in the %s quarter of %d.",
                      dollars(now->closed_revenue).text, dollars(before->closed_revenue).text,
                      quarter_word(before), before->period.year);
    release_change_by(p, "Blood services revenue in the quarter", now->blood_services_revenue,
                      before->blood_services_revenue);
}

/* "a gross profit of $1,431,000" / "a gross loss of $12,000" */
static phrase gross_result(int64_t profit)
{
    phrase t;
    snprintf(t.text, sizeof t.text, "a gross %s of %s", profit < 0 ? "loss" : "profit",
             dollars(magnitude_of(profit)).text);
    return t;
}

/* "increased to 21.2% from 14.4%" / "was unchanged at 21.2%" */
static void margin_movement(buffer *p, int64_t now, int64_t before, const char *from)
{
    if (now == before)
        buffer_printf(p, "was unchanged at %s", percent(now, 0).text);
    else
        buffer_printf(p, "%s to %s%s%s", increase_word(now - before), percent(now, 0).text, from,
                      percent(before, 0).text);
}

static void release_gross_profit(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int64_t margin = 0, prior_margin = 0;
    int has_margin = results_percent_tenths(now->gross_profit, now->revenue, &margin);
    buffer_printf(p, "The %s quarter results produced %s", quarter_word(now),
                  gross_result(now->gross_profit).text);
    if (!report->has_prior) {
        if (has_margin)
            buffer_printf(p, ", a gross profit percentage of %s", percent(margin, 0).text);
        buffer_append_char(p, '.');
        return;
    }
    buffer_printf(p, " compared with %s for the same period in %d.",
                  gross_result(before->gross_profit).text, before->period.year);
    if (has_margin &&
        results_percent_tenths(before->gross_profit, before->revenue, &prior_margin)) {
        buffer_append_text(p, " The gross profit percentage in the quarter ");
        margin_movement(p, margin, prior_margin, " from ");
        buffer_printf(p, " for the same period in %d.", before->period.year);
    }
}

static void release_closed_centers(buffer *p, const results_period *now,
                                   const results_period *before)
{
    if (before->closed_gross_profit < 0)
        buffer_printf(p,
                      " During the %s quarter of %d, the closed donor centers generated "
                      "operating losses of %s.",
                      quarter_word(before), before->period.year,
                      dollars(-before->closed_gross_profit).text);
    else if (before->closed_gross_profit > 0)
        buffer_printf(p,
                      " During the %s quarter of %d, the closed donor centers generated a "
                      "gross profit of %s.",
                      quarter_word(before), before->period.year,
                      dollars(before->closed_gross_profit).text);

    if (now->closed_gross_profit == 0 && before->closed_gross_profit < 0)
        buffer_printf(p,
                      " The closure of these facilities eliminated these operating losses in "
                      "the %s quarter of %d.",
                      quarter_word(now), now->period.year);
    else if (now->closed_gross_profit != 0)
        buffer_printf(p, " In the %s quarter of %d, the closed donor centers generated %s of %s.",
                      quarter_word(now), now->period.year,
                      now->closed_gross_profit < 0 ? "operating losses" : "a gross profit",
                      dollars(magnitude_of(now->closed_gross_profit)).text);
}

static void release_ongoing_centers(buffer *p, const results_period *now,
                                    const results_period *before)
{
    int64_t change = now->ongoing_gross_profit - before->ongoing_gross_profit, tenths;
    if (now->ongoing_gross_profit > 0 && before->ongoing_gross_profit > 0 && change != 0 &&
        results_change_tenths(now->ongoing_gross_profit, before->ongoing_gross_profit, &tenths))
        buffer_printf(p, " Gross profit from the ongoing donor centers %s %s to %s.",
                      increase_word(change), percent_size(tenths).text,
                      dollars(now->ongoing_gross_profit).text);
    else
        buffer_printf(p,
                      " Gross profit from the ongoing donor centers was %s, compared with %s "
                      "in the %s quarter of %d.",
                      dollars(now->ongoing_gross_profit).text,
                      dollars(before->ongoing_gross_profit).text, quarter_word(before),
                      before->period.year);

    int64_t margin, prior_margin;
    if (results_percent_tenths(now->ongoing_gross_profit, now->ongoing_revenue, &margin) &&
        results_percent_tenths(before->ongoing_gross_profit, before->ongoing_revenue,
                               &prior_margin)) {
        buffer_printf(p,
                      " The gross profit percentage for the ongoing donor centers during the "
                      "%s quarter ",
                      quarter_word(now));
        margin_movement(p, margin, prior_margin, ", compared with ");
        buffer_printf(p, " during the same period in %d.", before->period.year);
    }
}

static void release_segment_profit(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    if (!report->has_prior) {
        int64_t margin;
        buffer_printf(p,
                      "Gross profit from the blood products segment was %s; the ongoing donor "
                      "centers produced %s",
                      dollars(now->blood_products_gross_profit).text,
                      dollars(now->ongoing_gross_profit).text);
        if (results_percent_tenths(now->ongoing_gross_profit, now->ongoing_revenue, &margin))
            buffer_printf(p, ", a gross profit percentage of %s", percent(margin, 0).text);
        buffer_append_char(p, '.');
        return;
    }
    int64_t change = now->blood_products_gross_profit - before->blood_products_gross_profit;
    if (change == 0) {
        buffer_printf(p, "Gross profit from the blood products segment was unchanged at %s.",
                      dollars(now->blood_products_gross_profit).text);
    } else {
        buffer_printf(p, "Gross profit from the blood products segment %s %s",
                      increase_word(change), dollars(magnitude_of(change)).text);
        change_percent_clause(p, now->blood_products_gross_profit,
                              before->blood_products_gross_profit);
        buffer_printf(p, " during the %s quarter of %d compared with %d.", quarter_word(now),
                      now->period.year, before->period.year);
    }
    release_closed_centers(p, now, before);
    release_ongoing_centers(p, now, before);
}

/* "bad-debt provision" from "Bad-debt provision"; "IT services" and
 * "G&A ..." keep their capitals (the second character tells an acronym). */
static void account_phrase(buffer *p, const char *name)
{
    int capitalised_word = isupper((unsigned char)name[0]) && islower((unsigned char)name[1]);
    if (capitalised_word) {
        buffer_append_char(p, (char)tolower((unsigned char)name[0]));
        name++;
    }
    buffer_append_text(p, name);
}

static int64_t movement_size(const ga_movement *m)
{
    return magnitude_of(m->current - m->prior);
}

/* Index of the account that moved most (the first of equals), skipping
 * `skip`; count when none moved. */
static size_t largest_movement(const ga_movement *movements, size_t count, size_t skip)
{
    size_t best = count;
    for (size_t i = 0; i < count; i++)
        if (i != skip && movement_size(&movements[i]) > 0 &&
            (best == count || movement_size(&movements[i]) > movement_size(&movements[best])))
            best = i;
    return best;
}

/* The two accounts that moved most, most first. */
static size_t largest_movements(const ga_movement *movements, size_t count, size_t top[2])
{
    size_t found = 0;
    top[0] = largest_movement(movements, count, count);
    if (top[0] < count) {
        found++;
        top[1] = largest_movement(movements, count, top[0]);
        if (top[1] < count)
            found++;
    }
    return found;
}

static void release_expense_reasons(buffer *p, const results_report *report)
{
    size_t count, top[2];
    ga_movement *movements = ga_movements(report, &count);
    size_t found = largest_movements(movements, count, top);
    for (size_t i = 0; i < found; i++) {
        const ga_movement *m = &movements[top[i]];
        int64_t change = m->current - m->prior;
        buffer_append_text(p, i == 0 ? " This is primarily the result of " : " and ");
        buffer_printf(p, "%s in ", change < 0 ? "a decrease" : "an increase");
        account_phrase(p, m->name);
        buffer_printf(p, " of %s", dollars(magnitude_of(change)).text);
    }
    if (found > 0)
        buffer_append_char(p, '.');
    free(movements);
}

static void release_expenses(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    if (!report->has_prior) {
        buffer_printf(p, "General and administrative expenses were %s in the %s quarter of %d.",
                      dollars(now->general_administrative).text, quarter_word(now),
                      now->period.year);
        return;
    }
    int64_t change = now->general_administrative - before->general_administrative;
    if (change == 0) {
        buffer_printf(p,
                      "General and administrative expenses were unchanged at %s in the %s "
                      "quarter of %d when compared with %d.",
                      dollars(now->general_administrative).text, quarter_word(now),
                      now->period.year, before->period.year);
    } else {
        buffer_printf(p, "General and administrative expenses %s in the %s quarter of %d by %s",
                      increase_word(change), quarter_word(now), now->period.year,
                      dollars(magnitude_of(change)).text);
        change_percent_clause(p, now->general_administrative, before->general_administrative);
        buffer_printf(p, " when compared with %d.", before->period.year);
    }
    release_expense_reasons(p, report);
}

/* "net income of $246,000" / "a net loss of $12,000" */
static phrase net_result(int64_t net_income)
{
    phrase t;
    snprintf(t.text, sizeof t.text, "%s of %s", net_income < 0 ? "a net loss" : "net income",
             dollars(magnitude_of(net_income)).text);
    return t;
}

/* "$14,000" when `before` is of the same kind (income, or loss) as `now`,
 * else the amount with its kind: "income of $14,000", "a loss of $9,000". */
static phrase compared_amount(int64_t now, int64_t before, const char *income, const char *loss)
{
    phrase t;
    if ((now < 0) == (before < 0))
        snprintf(t.text, sizeof t.text, "%s", dollars(magnitude_of(before)).text);
    else
        snprintf(t.text, sizeof t.text, "%s of %s", before < 0 ? loss : income,
                 dollars(magnitude_of(before)).text);
    return t;
}

/* "Income before income taxes was $246,000, compared with $14,000. The
 * provision for income taxes was $0, compared with $6,000." */
static void release_income_taxes(buffer *p, const results_period *now, const results_period *before)
{
    int64_t income = now->income_before_taxes, taxes = now->income_taxes;
    buffer_printf(p, " %s before income taxes was %s, compared with %s.",
                  income < 0 ? "The loss" : "Income", dollars(magnitude_of(income)).text,
                  compared_amount(income, before->income_before_taxes, "income", "a loss").text);
    buffer_printf(p, " The %s was %s, compared with %s.",
                  taxes < 0 ? "income tax benefit" : "provision for income taxes",
                  dollars(magnitude_of(taxes)).text,
                  compared_amount(taxes, before->income_taxes, "a provision", "a benefit").text);
}

static void release_net_income(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    buffer_printf(p, "The %s quarter results produced %s", quarter_word(now),
                  net_result(now->net_income).text);
    per_share_clause(p, now);
    if (!report->has_prior) {
        buffer_append_char(p, '.');
        return;
    }
    int same_kind = (now->net_income < 0) == (before->net_income < 0);
    buffer_printf(p, ", compared with %s for the %s quarter of %d.",
                  same_kind ? dollars(magnitude_of(before->net_income)).text
                            : net_result(before->net_income).text,
                  quarter_word(before), before->period.year);
    release_income_taxes(p, now, before);
}

/* "the end of 2003" for a December 31 year end, else "March 31, 2003". */
static short_text year_end_name(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    short_text t;
    if (month == 12 && day_of_month == 31)
        snprintf(t.text, sizeof t.text, "the end of %d", year);
    else
        t = long_date(day);
    return t;
}

/* "increased to $1,763,000 from $1,179,000" */
static void amount_movement(buffer *p, int64_t now, int64_t before)
{
    if (now == before)
        buffer_printf(p, "was unchanged at %s from", dollars(now).text);
    else
        buffer_printf(p, "%s to %s from %s", increase_word(now - before), dollars(now).text,
                      dollars(before).text);
}

static void release_dso(buffer *p, const results_report *report)
{
    const results_position *now = &report->current.position;
    if (!now->has_dso)
        return;
    buffer_printf(p, " As of %s, days sales outstanding stood at %lld days",
                  long_date(now->date).text, (long long)now->dso_days);
    const results_position *earlier[2] = {report->has_year_end ? &report->year_end : NULL,
                                          report->has_prior ? &report->prior.position : NULL};
    int compared = 0;
    for (int i = 0; i < 2; i++) {
        if (earlier[i] == NULL || !earlier[i]->has_dso)
            continue;
        buffer_printf(p, "%s %lld days as of %s", compared ? ", and" : ", compared with",
                      (long long)earlier[i]->dso_days, long_date(earlier[i]->date).text);
        compared = 1;
    }
    buffer_append_char(p, '.');
}

static void release_balance_sheet(buffer *p, const results_report *report)
{
    const results_position *now = &report->current.position, *end = &report->year_end;
    buffer_printf(p, "The balance sheet as of %s shows cash and marketable securities of %s",
                  long_date(now->date).text, dollars(now->cash_and_securities).text);
    if (!report->has_year_end) {
        buffer_printf(p, ". Working capital was %s and net accounts receivable were %s.",
                      dollars(now->working_capital).text, dollars(now->net_receivables).text);
        release_dso(p, report);
        return;
    }
    short_text end_name = year_end_name(end->date);
    buffer_printf(p, " compared with %s as of %s. Working capital ",
                  dollars(end->cash_and_securities).text, end_name.text);
    amount_movement(p, now->working_capital, end->working_capital);
    buffer_printf(p, " as of %s. Net accounts receivable ", end_name.text);
    amount_movement(p, now->net_receivables, end->net_receivables);
    buffer_printf(p, " as of %s.", long_date(end->date).text);
    release_dso(p, report);
}

static void release_findings(buffer *out, const results_report *report)
{
    buffer findings_text = BUFFER_INIT, item = BUFFER_INIT;
    buffer_append_text(out, "Consistency findings\n--------------------\n\n");
    if (results_check(report, &findings_text) == 0)
        buffer_append_text(out, "No inconsistencies found.\n");
    const char *cursor = buffer_text(&findings_text), *line;
    size_t length;
    while (next_line(&cursor, &line, &length)) {
        buffer_reset(&item);
        buffer_append(&item, line, length);
        wrap(out, buffer_text(&item), "- ", "  ");
    }
    buffer_free(&item);
    buffer_free(&findings_text);
}

void results_render_release(const results_report *report, buffer *out)
{
    const results_period *now = &report->current;
    char title[64];
    snprintf(title, sizeof title, "DRAFT - %s QUARTER %d RESULTS", quarter_word(now),
             now->period.year);
    for (char *c = title; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    buffer_printf(out, "%s\n\n", title);

    buffer p = BUFFER_INIT;
    void (*const paragraphs[])(buffer *, const results_report *) = {
        release_opening,  release_revenue,    release_gross_profit,  release_segment_profit,
        release_expenses, release_net_income, release_balance_sheet,
    };
    for (size_t i = 0; i < sizeof paragraphs / sizeof paragraphs[0]; i++) {
        paragraphs[i](&p, report);
        paragraph(out, &p);
    }
    buffer_free(&p);
    release_findings(out, report);
}
