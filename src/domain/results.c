/*
 * results.c - the quarterly results (results.h): the arithmetic of the
 * published release, the derivation of totals from the amounts the service
 * loads, the consistency findings, and the few figures in words that the
 * findings print. The documents made of a report (the text, CSV, HTML and
 * PDF report, the draft earnings release) are written by
 * src/documents/results_report.c and results_release.c.
 *
 * Pure: no I/O, no clock, no global or static mutable state, because the
 * checks run on several server threads at once. Every amount is integer
 * cents and every rounding goes through round_quotient, half away from zero.
 */
#include "domain/results.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *results_receivables_source(const results_position *position)
{
    return position->receivables_from_documents
               ? "Net accounts receivable, the allowance for doubtful accounts and days sales "
                 "outstanding come from the billing documents: open invoices and credits, "
                 "allowance entries, write-offs and recoveries."
               : "Net accounts receivable and days sales outstanding come from the ledger's "
                 "receivables accounts: no invoice had been issued by then.";
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
    free(period->management_markets);
    free(period->family_units);
    free(period->apheresis_markets);
    period->ga_lines = NULL;
    period->centers = NULL;
    period->management_markets = period->family_units = period->apheresis_markets = NULL;
    period->ga_count = period->center_count = period->management_market_count = 0;
    period->family_unit_count = period->apheresis_market_count = 0;
}

void results_report_free(results_report *report)
{
    period_free(&report->current);
    period_free(&report->prior);
    covenant_section_free(&report->covenants);
}

/* ======================================================================
 * The figures in words, as the findings print them (results.h)
 * ==================================================================== */

enum { REPORT_MONEY = MONEY_GROUPED | MONEY_DOLLAR | MONEY_WHOLE | MONEY_PARENS };

results_text results_exact_dollars(int64_t cents)
{
    results_text t;
    int options = cents % 100 == 0 ? REPORT_MONEY : REPORT_MONEY & ~MONEY_WHOLE;
    money_format(cents, options, t.text, sizeof t.text);
    return t;
}

results_text results_per_share(int64_t cents)
{
    results_text t;
    money_format(cents, MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS, t.text, sizeof t.text);
    return t;
}

results_text results_plain_tenths(int64_t tenths)
{
    results_text t;
    results_format_tenths(tenths, 0, t.text, sizeof t.text);
    t.text[strlen(t.text) - 1] = '\0';
    return t;
}

results_text results_grouped_count(int64_t count)
{
    char digits[32];
    uint64_t size = count < 0 ? (uint64_t)0 - (uint64_t)count : (uint64_t)count;
    int length = snprintf(digits, sizeof digits, "%llu", (unsigned long long)size);
    results_text t;
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

results_text results_period_name(const results_period *period)
{
    results_text t;
    snprintf(t.text, sizeof t.text, "Q%d %d", period->period.quarter, period->period.year);
    return t;
}

int results_nothing_posted(const results_report *report)
{
    return report->current.entries == 0;
}

void results_nothing_posted_sentence(const results_report *report, buffer *out)
{
    const results_period *now = &report->current;
    buffer_printf(out,
                  "Nothing is posted in %s (%s to %s): there are no results to report for this "
                  "quarter.",
                  results_period_name(now).text, results_long_date(now->first_day).text,
                  results_long_date(now->last_day).text);
}

const char *const results_month_names[12] = {"January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December"};

results_text results_long_date(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    results_text t;
    snprintf(t.text, sizeof t.text, "%s %d, %d", results_month_names[month - 1], day_of_month,
             year);
    return t;
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
        finding(f, "%s %s is not %s %s plus %s %s (%s)", what, results_exact_dollars(total).text,
                first, results_exact_dollars(first_amount).text, second,
                results_exact_dollars(second_amount).text, results_exact_dollars(sum).text);
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
                results_exact_dollars(p->gross_profit).text, results_exact_dollars(p->revenue).text,
                results_exact_dollars(p->cost_of_revenue).text,
                results_exact_dollars(expected).text);
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
                    c->code, results_exact_dollars(c->gross_profit).text,
                    results_exact_dollars(c->revenue).text, results_exact_dollars(c->cost).text,
                    results_exact_dollars(c->revenue - c->cost).text);
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
                    results_exact_dollars(p->general_administrative).text, p->ga_count,
                    results_exact_dollars(sum).text);
    }
    int64_t before_taxes = expected_income_before_taxes(p);
    if (p->income_before_taxes != before_taxes)
        finding(f,
                "income before income taxes %s is not gross profit %s less general and "
                "administrative expenses %s and other expense %s (%s)",
                results_exact_dollars(p->income_before_taxes).text,
                results_exact_dollars(p->gross_profit).text,
                results_exact_dollars(p->general_administrative).text,
                results_exact_dollars(p->other_expense).text,
                results_exact_dollars(before_taxes).text);
    int64_t net = expected_net_income(p);
    if (p->net_income != net)
        finding(f, "net income %s is not income before income taxes %s less the provision %s (%s)",
                results_exact_dollars(p->net_income).text,
                results_exact_dollars(p->income_before_taxes).text,
                results_exact_dollars(p->income_taxes).text, results_exact_dollars(net).text);
}

static void check_one_eps(findings *f, const results_period *p, const char *kind, int64_t shares,
                          int64_t eps)
{
    int64_t expected;
    if (!results_eps_cents(p->net_income, shares, &expected))
        finding(f,
                "%s weighted average shares %s are not positive, so there is no %s earnings "
                "per share",
                kind, results_grouped_count(shares).text, kind);
    else if (eps != expected)
        finding(f, "%s earnings per share %s is not net income %s over %s weighted shares (%s)",
                kind, results_per_share(eps).text, results_exact_dollars(p->net_income).text,
                results_grouped_count(shares).text, results_per_share(expected).text);
}

static void check_position(findings *f, const results_position *p)
{
    snprintf(f->where, sizeof f->where, "%s", results_long_date(p->date).text);

    int64_t assets = expected_total_assets(p);
    if (p->total_assets != assets)
        finding(f,
                "total assets %s are not cash and marketable securities %s plus other current "
                "assets %s plus non-current assets %s (%s)",
                results_exact_dollars(p->total_assets).text,
                results_exact_dollars(p->cash_and_securities).text,
                results_exact_dollars(p->other_current_assets).text,
                results_exact_dollars(p->non_current_assets).text,
                results_exact_dollars(assets).text);
    int64_t claims = expected_total_liabilities_and_equity(p);
    if (p->total_liabilities_and_equity != claims)
        finding(f,
                "total liabilities and shareholders' equity %s are not current liabilities %s "
                "plus long-term liabilities %s plus shareholders' equity %s (%s)",
                results_exact_dollars(p->total_liabilities_and_equity).text,
                results_exact_dollars(p->current_liabilities).text,
                results_exact_dollars(p->long_term_liabilities).text,
                results_exact_dollars(p->equity).text, results_exact_dollars(claims).text);
    if (p->total_assets != p->total_liabilities_and_equity)
        finding(
            f,
            "the balance sheet does not balance: total assets %s differ from total "
            "liabilities and shareholders' equity %s by %s",
            results_exact_dollars(p->total_assets).text,
            results_exact_dollars(p->total_liabilities_and_equity).text,
            results_exact_dollars(magnitude_of(p->total_assets - p->total_liabilities_and_equity))
                .text);
    int64_t working = expected_working_capital(p);
    if (p->working_capital != working)
        finding(f, "working capital %s is not current assets %s less current liabilities %s (%s)",
                results_exact_dollars(p->working_capital).text,
                results_exact_dollars(current_assets(p)).text,
                results_exact_dollars(p->current_liabilities).text,
                results_exact_dollars(working).text);

    if (!p->has_dso)
        return;
    int64_t tenths, days;
    if (!results_dso(p->net_receivables, p->quarter_revenue, p->quarter_days, &tenths, &days))
        finding(f,
                "days sales outstanding are given but the quarter's revenue %s over %d days "
                "gives none",
                results_exact_dollars(p->quarter_revenue).text, p->quarter_days);
    else if (p->dso_days != days || p->dso_tenths != tenths)
        finding(f,
                "days sales outstanding of %lld days (%s) are not net receivables %s over "
                "revenue %s for %d days (%s, so %lld days)",
                (long long)p->dso_days, results_plain_tenths(p->dso_tenths).text,
                results_exact_dollars(p->net_receivables).text,
                results_exact_dollars(p->quarter_revenue).text, p->quarter_days,
                results_plain_tenths(tenths).text, (long long)days);
}

static void check_period(findings *f, const results_period *p)
{
    snprintf(f->where, sizeof f->where, "%s", results_period_name(p).text);
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
