/*
 * results.h - the quarterly results: the figures of the published release,
 * the arithmetic that derives them and the consistency findings (the rules
 * of docs/reports.md, "The quarterly results" and "The draft earnings
 * release and its findings"). Pure functions over plain structs: the
 * service layer fills a results_report from the ledger's balances (or from
 * a report JSON given back by a user); this module computes and checks it.
 * The documents made of it (the report as text, CSV, HTML or PDF, and the
 * draft earnings release) are in src/documents/results_report.h and
 * results_release.h.
 *
 * Every amount is in integer cents. The derived figures follow the release:
 *   percent change = change / |prior|, to one decimal, half away from zero
 *                    (-2.8%, +16.5%); none when the prior is zero (dividing
 *                    by the size of the prior makes the sign follow the
 *                    change: a loss shrinking from 194,000 to 97,000 is
 *                    +50.0%);
 *   gross margin   = gross profit / revenue, to one decimal;
 *   DSO            = net receivables at period end / revenue of the period
 *                    x days in the period, to one decimal, then to the whole
 *                    day, half up (3,442,000 / 6,736,000 x 91 = 46.5 -> 47);
 *   EPS            = net income / weighted shares, to the cent, half away
 *                    from zero.
 */
#ifndef BLOODOPS_DOMAIN_RESULTS_H
#define BLOODOPS_DOMAIN_RESULTS_H

#include <stdint.h>
#include <stddef.h>
#include "base/buffer.h"
#include "domain/registry.h"
#include "base/date.h"
#include "domain/covenant.h"

/* --- arithmetic ---------------------------------------------------------- */

/* The functions that may have no answer return 1 when they wrote it and 0
 * (writing nothing) when there is none. */

/* a x b / c rounded half away from zero, exact for any int64_t operands
 * (128-bit intermediates); a result beyond int64_t saturates to
 * INT64_MIN/INT64_MAX. c must not be 0. */
int64_t results_muldiv_round(int64_t a, int64_t b, int64_t c);

/* Tenths of a percent of `part` in `whole` (787,000 of 4,780,000 -> 165,
 * i.e. 16.5%). Returns 0 and leaves *tenths alone when whole is 0. */
int results_percent_tenths(int64_t part, int64_t whole, int64_t *tenths);

/* Percent change from prior to current in tenths (-28 for -2.8%). 0 and
 * nothing written when prior is 0 (no meaningful change). */
int results_change_tenths(int64_t current, int64_t prior, int64_t *tenths);

/* Days sales outstanding in tenths of a day and in whole days, as the
 * release computes it (tenths first, then the day: 46.4997 -> 46.5 -> 47).
 * 0 and nothing written when revenue <= 0 or days <= 0. Either output may
 * be NULL. */
int results_dso(int64_t net_receivables, int64_t revenue, int days, int64_t *tenths,
                int64_t *whole_days);

/* Earnings per share in cents; 0 and nothing written when shares <= 0. */
int results_eps_cents(int64_t net_income, int64_t shares, int64_t *cents);

/* "-2.8%", "+16.5%", "21.2%" (sign only when `signed_form`). */
char *results_format_tenths(int64_t tenths, int signed_form, char *out, size_t size);

/* --- the figures --------------------------------------------------------- */

enum { RESULTS_CODE_MAX = 24, RESULTS_NAME_MAX = 124 };

/* One G&A account (its nature): "6100 Bad-debt provision". */
typedef struct {
    char code[RESULTS_CODE_MAX];
    char name[RESULTS_NAME_MAX];
    int64_t amount; /* expense for the period */
} results_line;

/* One donor center's blood products for the period. */
typedef struct {
    char code[RESULTS_CODE_MAX];
    char name[RESULTS_NAME_MAX];
    int closed; /* close date on or before the end of the period reported */
    int64_t revenue, cost, gross_profit;
} results_center;

/* Balance-sheet position at one date. */
typedef struct {
    civil_day date;
    int64_t cash_and_securities;   /* accounts in the "cash" group */
    int64_t other_current_assets;  /* other current assets, net of contra */
    int64_t non_current_assets;
    int64_t total_assets;
    int64_t current_liabilities;
    int64_t long_term_liabilities;
    int64_t equity;                /* equity accounts plus earnings to date */
    int64_t total_liabilities_and_equity;
    int64_t working_capital;       /* current assets - current liabilities */
    int64_t net_receivables;       /* accounts in the "receivables" group */
    int64_t quarter_revenue;       /* revenue of the quarter ending at `date` */
    int quarter_days;              /* days of that quarter */
    int has_dso;
    int64_t dso_tenths, dso_days;
    int64_t allowance;             /* allowance for doubtful accounts, credit positive */
    int receivables_from_documents; /* 1: net receivables and the allowance were read from
                                     * the billing documents, 0: from the ledger */
} results_position;

/* The sentence that says where a position's net receivables, allowance
 * and DSO come from (the billing documents or the ledger's accounts). */
const char *results_receivables_source(const results_position *position);

/* Everything reported for one quarter. */
typedef struct {
    quarter period;
    civil_day first_day, last_day;
    int64_t entries; /* journal entries dated in the quarter: 0, nothing is posted */

    int64_t revenue;
    int64_t blood_products_revenue, ongoing_revenue, closed_revenue;
    int64_t blood_services_revenue;
    int64_t cost_of_revenue;
    int64_t gross_profit;
    int64_t blood_products_gross_profit, ongoing_gross_profit, closed_gross_profit;
    int64_t blood_services_gross_profit;
    int64_t general_administrative;
    int64_t other_expense;         /* interest and other, net (income negative) */
    int64_t income_before_taxes;
    int64_t income_taxes;          /* provision (benefit negative) */
    int64_t net_income;

    int has_shares;
    int64_t shares_basic, shares_diluted;
    int64_t eps_basic_cents, eps_diluted_cents; /* valid when has_shares */

    results_line *ga_lines; /* G&A by account, in code order */
    size_t ga_count;
    results_center *centers; /* blood products by donor center, in code order */
    size_t center_count;

    results_position position; /* at last_day */

    /* blood products' units (service/sales.h): shipped, returned with a
     * credit, and the net units sold (shipped less returned with credit) */
    int64_t units_shipped, units_returned_credited, net_units_sold;
    /* therapeutic apheresis (service/apheresis_procedure.h): signed
     * procedures performed in the period and their average price, cents */
    int64_t apheresis_procedures, apheresis_average_price;
    /* the net units sold by product family (code: the family, amount:
     * units) and the signed procedures by market (code: the market, ""
     * for a hospital without one; amount: procedures), in code order */
    results_line *family_units;
    size_t family_unit_count;
    results_line *apheresis_markets;
    size_t apheresis_market_count;

    /* management contract revenue (account 4200) posted under a market,
     * by market in code order (code: the market; docs/contract_services.md) */
    results_line *management_markets;
    size_t management_market_count;
} results_period;

typedef struct {
    results_period current;
    int has_prior;
    results_period prior;           /* the comparison period (a year earlier) */
    int has_year_end;
    results_position year_end;      /* at the end of the previous fiscal year */
    char company[REGISTRY_NAME_BYTES_MAX]; /* who issues it (PDF footers); "": none */
    /* the line of credit's term and its covenants judged at the end of the
     * current quarter (loaded 0 for a report read back from JSON) */
    covenant_section covenants;
} results_report;

/* Fill the figures that derive from others. Used after loading amounts.
 *
 * The caller (the service, from the ledger) fills: period; revenue,
 * blood_products_revenue, ongoing_revenue, closed_revenue,
 * blood_services_revenue; cost_of_revenue; blood_products_gross_profit,
 * ongoing_gross_profit, closed_gross_profit, blood_services_gross_profit;
 * ga_lines and general_administrative; other_expense; income_taxes;
 * has_shares, shares_basic, shares_diluted; centers (code, name, closed,
 * revenue, cost); and in the position the raw amounts: cash_and_securities,
 * other_current_assets, non_current_assets, current_liabilities,
 * long_term_liabilities, equity, net_receivables, quarter_revenue,
 * quarter_days.
 *
 * results_derive then sets: first_day and last_day (from period);
 * each center's gross_profit = revenue - cost;
 * gross_profit = revenue - cost_of_revenue;
 * income_before_taxes = gross_profit - general_administrative - other_expense;
 * net_income = income_before_taxes - income_taxes;
 * eps_basic_cents, eps_diluted_cents when has_shares (0 when the shares
 * are not positive); position.date = last_day; and the position as below.
 *
 * results_derive_position sets total_assets = cash_and_securities +
 * other_current_assets + non_current_assets; total_liabilities_and_equity =
 * current_liabilities + long_term_liabilities + equity; working_capital =
 * cash_and_securities + other_current_assets - current_liabilities;
 * has_dso, dso_tenths, dso_days (from net_receivables, quarter_revenue and
 * quarter_days; has_dso 0 when the revenue is not positive). Call it alone
 * for the year-end position (its date is the caller's).
 *
 * Subtotals the caller fills (segment revenues and gross profits, G&A) are
 * not recomputed: results_check compares them with their parts. A report
 * read back from a user's JSON is checked as given, without deriving. */
void results_derive(results_period *period);
void results_derive_position(results_position *position);

/* Free the arrays of a report (not the report itself): ga_lines and
 * centers of current and prior, the covenant checks, allocated by the caller with malloc. Leaves
 * them NULL with counts 0. */
void results_report_free(results_report *report);

/* --- consistency findings ------------------------------------------------ */

/* Checks each period's figures: totals against the sum of their parts
 * (revenue = segments, blood products = ongoing + closed, gross profit =
 * segments, G&A = its accounts, income before taxes = gross profit - G&A -
 * other, net income = income before taxes - provision, EPS, total assets =
 * its parts = liabilities and equity, working capital, DSO; and each donor
 * center's gross profit = revenue - cost), for the current period, the
 * prior one and the year-end position when present. Appends one line per
 * finding to `out` (may be NULL to count only), naming the period or the
 * date and the figures in whole dollars (with cents when they have any):
 *   "Q1 2004: net income $264,000 is not income before income taxes
 *    $246,000 less the provision $0 ($246,000)"
 *   "March 31, 2004: the balance sheet does not balance: total assets
 *    $8,414,000 differ from total liabilities and shareholders' equity
 *    $8,514,000 by $100,000"
 * and returns the number of findings. */
int results_check(const results_report *report, buffer *out);

/* --- the figures in words ---------------------------------------------- */

/* The texts the consistency findings print, which the documents print too
 * (src/documents/results_format.h adds the others). Returned by value, so
 * that `results_exact_dollars(x).text` can be used inside one printf call
 * without a shared static buffer. */
typedef struct {
    char text[64];
} results_text;

/* Whole dollars unless the amount has cents, negative in parentheses:
 * "$246,000", "$246,000.40", "($194,000)" (a finding about a difference of
 * cents must show it). */
results_text results_exact_dollars(int64_t cents);
/* Per-share amounts to the cent: "$0.03". */
results_text results_per_share(int64_t cents);
/* Tenths as a plain number: "-2.8" (a percent or a change in points). */
results_text results_plain_tenths(int64_t tenths);
/* A count with thousands separators: "7,756,000". */
results_text results_grouped_count(int64_t count);
/* "Q1 2004" */
results_text results_period_name(const results_period *period);
/* 1 when no journal entry is dated in the reported quarter (entries 0; a
 * report read from JSON without the count is taken as posted). The
 * documents then say so in one sentence instead of a page of zeros and
 * a consistency check of nothing. */
int results_nothing_posted(const results_report *report);
/* That sentence: "Nothing is posted in Q1 2005 (January 1, 2005 to March
 * 31, 2005): there are no results to report for this quarter." */
void results_nothing_posted_sentence(const results_report *report, buffer *out);
/* "March 31, 2004" */
results_text results_long_date(civil_day day);
/* "January" ... "December". */
extern const char *const results_month_names[12];

#endif
