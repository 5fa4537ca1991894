/*
 * test_results.c - unit tests for the quarterly results (domain/results.c,
 * and their documents: src/documents/results_report.c, results_release.c):
 * the release's arithmetic and rounding, the figures derived from the
 * first quarter 2004 release (docs/reports.md, "The published figures"),
 * the consistency findings a hand-edited report must raise, and what a
 * reader sees in the text table, the CSV, the HTML page, the PDF and the
 * draft earnings release.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairo_caches.h"
#include "documents/results_release.h"
#include "documents/results_report.h"
#include "domain/results.h"

/* ---------------------------------------------------------------------------
 * The reference report: Q1 2004 vs Q1 2003 as published (docs/reports.md,
 * "The published figures"), in cents. The split of the centers and the
 * balance sheets at 2003-03-31 and 2003-12-31 beyond the published figures
 * (cash, working capital, receivables) are invented but consistent with them.
 * ------------------------------------------------------------------------- */

static int64_t usd(int64_t dollars)
{
    return dollars * 100;
}

static civil_day day(int year, int month, int day_of_month)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_from_ymd(year, month, day_of_month, &d, "date", &e), 0);
    return d;
}

static results_line *ga_lines(int64_t salaries, int64_t bad_debt, int64_t insurance, int64_t other)
{
    const results_line lines[] = {
        {"6000", "Salaries and benefits (G&A)", usd(salaries)},
        {"6100", "Bad-debt provision", usd(bad_debt)},
        {"6200", "Insurance", usd(insurance)},
        {"6900", "Other G&A", usd(other)},
    };
    results_line *copy = malloc(sizeof lines);
    assert_non_null(copy);
    memcpy(copy, lines, sizeof lines);
    return copy;
}

/* Two ongoing centers and two closed in the restructuring of 2003. */
static results_center *centers(int current)
{
    const results_center q1_2004[] = {
        {"LA-01", "Sherman Oaks Donor Center", 0, usd(2600000), usd(2150000), 0},
        {"LA-02", "Hemet Donor Center", 0, usd(2180000), usd(1843000), 0},
        {"NC-01", "Charlotte Donor Center", 1, usd(65000), usd(65000), 0},
        {"PA-01", "Pittsburgh Donor Center", 1, 0, 0, 0},
    };
    const results_center q1_2003[] = {
        {"LA-01", "Sherman Oaks Donor Center", 0, usd(2250000), usd(1990000), 0},
        {"LA-02", "Hemet Donor Center", 0, usd(1852000), usd(1656000), 0},
        {"NC-01", "Charlotte Donor Center", 1, usd(500000), usd(610000), 0},
        {"PA-01", "Pittsburgh Donor Center", 1, usd(344000), usd(428000), 0},
    };
    results_center *copy = malloc(sizeof q1_2004);
    assert_non_null(copy);
    memcpy(copy, current ? q1_2004 : q1_2003, sizeof q1_2004);
    return copy;
}

static void fill_q1_2004(results_period *p)
{
    p->period = (quarter){2004, 1};
    p->revenue = usd(6736000);
    p->blood_products_revenue = usd(4845000);
    p->ongoing_revenue = usd(4780000);
    p->closed_revenue = usd(65000);
    p->blood_services_revenue = usd(1891000);
    p->cost_of_revenue = usd(5305000);
    p->blood_products_gross_profit = usd(787000);
    p->ongoing_gross_profit = usd(787000);
    p->closed_gross_profit = 0;
    p->blood_services_gross_profit = usd(644000);
    p->ga_lines = ga_lines(610000, 164000, 189000, 221000);
    p->ga_count = 4;
    p->general_administrative = usd(1184000);
    p->other_expense = usd(1000);
    p->income_taxes = 0;
    p->has_shares = 1;
    p->shares_basic = 7756000;
    p->shares_diluted = 7947000;
    p->centers = centers(1);
    p->center_count = 4;
    p->position = (results_position){
        .date = day(2004, 3, 31),
        .cash_and_securities = usd(911000),
        .other_current_assets = usd(4323000),
        .non_current_assets = usd(3180000),
        .current_liabilities = usd(3471000),
        .long_term_liabilities = usd(1286000),
        .equity = usd(3657000),
        .net_receivables = usd(3442000),
        .quarter_revenue = usd(6736000),
        .quarter_days = 91,
    };
}

static void fill_q1_2003(results_period *p)
{
    p->period = (quarter){2003, 1};
    p->revenue = usd(6931000);
    p->blood_products_revenue = usd(4946000);
    p->ongoing_revenue = usd(4102000);
    p->closed_revenue = usd(844000);
    p->blood_services_revenue = usd(1985000);
    p->cost_of_revenue = usd(5931000);
    p->blood_products_gross_profit = usd(262000);
    p->ongoing_gross_profit = usd(456000);
    p->closed_gross_profit = usd(-194000);
    p->blood_services_gross_profit = usd(738000);
    p->ga_lines = ga_lines(600000, 40000, 120000, 225000);
    p->ga_count = 4;
    p->general_administrative = usd(985000);
    p->other_expense = usd(1000);
    p->income_taxes = usd(6000);
    p->has_shares = 1;
    p->shares_basic = 7751000;
    p->shares_diluted = 7834000;
    p->centers = centers(0);
    p->center_count = 4;
    p->position = (results_position){
        .date = day(2003, 3, 31),
        .cash_and_securities = usd(1020000),
        .other_current_assets = usd(4950000),
        .non_current_assets = usd(3600000),
        .current_liabilities = usd(4800000),
        .long_term_liabilities = usd(1500000),
        .equity = usd(3270000),
        .net_receivables = usd(4389000),
        .quarter_revenue = usd(6931000),
        .quarter_days = 90,
    };
}

static void fill_year_end_2003(results_position *p)
{
    *p = (results_position){
        .date = day(2003, 12, 31),
        .cash_and_securities = usd(935000),
        .other_current_assets = usd(3900000),
        .non_current_assets = usd(3300000),
        .current_liabilities = usd(3656000),
        .long_term_liabilities = usd(1068000),
        .equity = usd(3411000),
        .net_receivables = usd(3128000),
        .quarter_revenue = usd(6850000),
        .quarter_days = 92,
    };
}

/* The report as the service builds it: amounts loaded, then derived. */
static results_report reference_report(void)
{
    results_report r;
    memset(&r, 0, sizeof r);
    fill_q1_2004(&r.current);
    r.has_prior = 1;
    fill_q1_2003(&r.prior);
    r.has_year_end = 1;
    fill_year_end_2003(&r.year_end);
    results_derive(&r.current);
    results_derive(&r.prior);
    results_derive_position(&r.year_end);
    r.current.entries = 412; /* posted: the report has figures */
    r.prior.entries = 398;
    return r;
}

static void test_a_quarter_with_nothing_posted_says_so(void **state)
{
    (void)state;
    results_report r = reference_report();
    r.current.entries = 0;
    assert_true(results_nothing_posted(&r));
    buffer text = BUFFER_INIT, html = BUFFER_INIT, release = BUFFER_INIT;
    results_render_text(&r, &text);
    results_render_html(&r, &html);
    results_render_release(&r, &release);
    const char *sentence = "Nothing is posted in Q1 2004 (January 1, 2004 to March 31, 2004): "
                           "there are no results to report for this quarter.";
    assert_non_null(strstr(buffer_text(&text), sentence));
    assert_null(strstr(buffer_text(&text), "Revenues"));
    assert_non_null(strstr(buffer_text(&html), sentence));
    assert_null(strstr(buffer_text(&html), "No inconsistencies found"));
    assert_null(strstr(buffer_text(&release), "Consistency findings"));
    buffer_free(&text);
    buffer_free(&html);
    buffer_free(&release);
    /* A report read from JSON without the count (-1) has figures to show. */
    r.current.entries = -1;
    assert_false(results_nothing_posted(&r));
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * Helpers to read what was rendered
 * ------------------------------------------------------------------------- */

typedef void (*renderer)(const results_report *, buffer *);

static char *render(renderer how, const results_report *report)
{
    buffer out = BUFFER_INIT;
    how(report, &out);
    return buffer_take(&out);
}

/* The text with every run of spaces and line breaks made one space, so that
 * a sentence can be found whatever the wrapping. */
static char *flatten(const char *text)
{
    char *flat = malloc(strlen(text) + 1);
    assert_non_null(flat);
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        int space = *p == ' ' || *p == '\n';
        if (space && (n == 0 || flat[n - 1] == ' '))
            continue;
        flat[n++] = space ? ' ' : *p;
    }
    flat[n] = '\0';
    return flat;
}

static void assert_contains(const char *text, const char *wanted)
{
    if (strstr(text, wanted) == NULL)
        fail_msg("expected to find \"%s\" in:\n%s", wanted, text);
}

static void assert_lacks(const char *text, const char *unwanted)
{
    if (strstr(text, unwanted) != NULL)
        fail_msg("did not expect \"%s\" in:\n%s", unwanted, text);
}

/* The first line that starts with `label` (a copy into `line`). */
static const char *line_starting(const char *text, const char *label, char *line, size_t size)
{
    for (const char *p = text; p && *p;) {
        size_t length = strcspn(p, "\n");
        if (strncmp(p, label, strlen(label)) == 0) {
            snprintf(line, size, "%.*s", (int)length, p);
            return line;
        }
        p = p[length] ? p + length + 1 : NULL;
    }
    fail_msg("no line starts with \"%s\" in:\n%s", label, text);
    return NULL;
}

/* Every sentence must be found in the flattened release. */
static void assert_sentences(const char *release, const char *const sentences[], size_t count)
{
    char *flat = flatten(release);
    for (size_t i = 0; i < count; i++)
        assert_contains(flat, sentences[i]);
    free(flat);
}

/* ---------------------------------------------------------------------------
 * Arithmetic
 * ------------------------------------------------------------------------- */

static void test_muldiv_rounds_half_away_from_zero(void **state)
{
    assert_int_equal(results_muldiv_round(5, 1, 2), 3);   /* 2.5 */
    assert_int_equal(results_muldiv_round(-5, 1, 2), -3); /* -2.5 */
    assert_int_equal(results_muldiv_round(5, 1, -2), -3);
    assert_int_equal(results_muldiv_round(-5, -1, -2), -3);
    assert_int_equal(results_muldiv_round(7, 1, 3), 2); /* 2.33 */
    assert_int_equal(results_muldiv_round(8, 1, 3), 3); /* 2.67 */
    assert_int_equal(results_muldiv_round(-8, 1, 3), -3);
    assert_int_equal(results_muldiv_round(1, 1, 3), 0);
    /* 128-bit intermediate: the product overflows int64_t, the result not. */
    assert_true(results_muldiv_round(INT64_MAX, 1000, 1000) == INT64_MAX);
    assert_true(results_muldiv_round(INT64_MIN, 3, 3) == INT64_MIN);
    /* A result that cannot fit saturates instead of wrapping. */
    assert_true(results_muldiv_round(INT64_MAX, 2, 1) == INT64_MAX);
    assert_true(results_muldiv_round(INT64_MAX, -2, 1) == INT64_MIN);
}

static void test_percent_of_a_whole(void **state)
{
    int64_t tenths = 999;
    assert_int_equal(results_percent_tenths(usd(787000), usd(4780000), &tenths), 1);
    assert_int_equal(tenths, 165); /* 16.46% */
    assert_int_equal(results_percent_tenths(usd(1431000), usd(6736000), &tenths), 1);
    assert_int_equal(tenths, 212);
    assert_int_equal(results_percent_tenths(1, 200, &tenths), 1); /* exactly 0.5% */
    assert_int_equal(tenths, 5);
    assert_int_equal(results_percent_tenths(1, 2000, &tenths), 1); /* 0.05%: half up to 0.1% */
    assert_int_equal(tenths, 1);
    assert_int_equal(results_percent_tenths(-1, 2000, &tenths), 1);
    assert_int_equal(tenths, -1);

    tenths = 999;
    assert_int_equal(results_percent_tenths(usd(5), 0, &tenths), 0);
    assert_int_equal(tenths, 999); /* untouched */
}

static void test_percent_change(void **state)
{
    int64_t tenths = 0;
    assert_int_equal(results_change_tenths(usd(6736000), usd(6931000), &tenths), 1);
    assert_int_equal(tenths, -28); /* -2.81% */
    assert_int_equal(results_change_tenths(usd(4780000), usd(4102000), &tenths), 1);
    assert_int_equal(tenths, 165);
    assert_int_equal(results_change_tenths(usd(787000), usd(262000), &tenths), 1);
    assert_int_equal(tenths, 2004); /* +200.4% */

    /* Exact halves of a tenth go away from zero, in both directions. */
    assert_int_equal(results_change_tenths(10005, 10000, &tenths), 1);
    assert_int_equal(tenths, 1); /* +0.05% -> +0.1% */
    assert_int_equal(results_change_tenths(9995, 10000, &tenths), 1);
    assert_int_equal(tenths, -1); /* -0.05% -> -0.1% */

    /* The sign follows the change even when the prior is a loss. */
    assert_int_equal(results_change_tenths(usd(-97000), usd(-194000), &tenths), 1);
    assert_int_equal(tenths, 500);
    assert_int_equal(results_change_tenths(0, usd(-194000), &tenths), 1);
    assert_int_equal(tenths, 1000);

    /* No percent from a zero prior. */
    tenths = 42;
    assert_int_equal(results_change_tenths(usd(65000), 0, &tenths), 0);
    assert_int_equal(tenths, 42);
}

static void test_format_tenths(void **state)
{
    char text[16];
    assert_string_equal(results_format_tenths(-28, 1, text, sizeof text), "-2.8%");
    assert_string_equal(results_format_tenths(165, 1, text, sizeof text), "+16.5%");
    assert_string_equal(results_format_tenths(212, 0, text, sizeof text), "21.2%");
    assert_string_equal(results_format_tenths(-28, 0, text, sizeof text), "-2.8%");
    assert_string_equal(results_format_tenths(0, 1, text, sizeof text), "0.0%");
    assert_string_equal(results_format_tenths(-5, 1, text, sizeof text), "-0.5%");
    assert_string_equal(results_format_tenths(2004, 1, text, sizeof text), "+200.4%");
}

static void test_dso_rounds_to_tenths_then_to_days(void **state)
{
    int64_t tenths = 0, days = 0;
    /* 3,442,000 / 6,736,000 x 91 = 46.4997: 46.5 first, then 47 (rounding
     * straight to the day would give 46, which is not what was published). */
    assert_int_equal(results_dso(usd(3442000), usd(6736000), 91, &tenths, &days), 1);
    assert_int_equal(tenths, 465);
    assert_int_equal(days, 47);
    assert_int_equal(results_dso(usd(3128000), usd(6850000), 92, &tenths, &days), 1);
    assert_int_equal(days, 42);
    assert_int_equal(results_dso(usd(4389000), usd(6931000), 90, &tenths, &days), 1);
    assert_int_equal(tenths, 570);
    assert_int_equal(days, 57);

    tenths = days = -1;
    assert_int_equal(results_dso(usd(3442000), 0, 91, &tenths, &days), 0);
    assert_int_equal(results_dso(usd(3442000), usd(-5), 91, &tenths, &days), 0);
    assert_int_equal(tenths, -1);
    assert_int_equal(days, -1);
}

static void test_dso_counts_the_leap_day(void **state)
{
    /* The first quarter has 91 days in 2004 and 90 in 2003: the same
     * receivables and revenue give a day more of sales outstanding. */
    assert_int_equal(quarter_days((quarter){2004, 1}), 91);
    assert_int_equal(quarter_days((quarter){2003, 1}), 90);
    int64_t tenths = 0, days = 0;
    assert_int_equal(
        results_dso(usd(3442000), usd(6736000), quarter_days((quarter){2003, 1}), &tenths, &days),
        1);
    assert_int_equal(tenths, 460);
    assert_int_equal(days, 46);
    assert_int_equal(
        results_dso(usd(3442000), usd(6736000), quarter_days((quarter){2004, 1}), &tenths, &days),
        1);
    assert_int_equal(days, 47);
}

static void test_eps_rounds_to_the_cent(void **state)
{
    int64_t cents = -1;
    assert_int_equal(results_eps_cents(usd(246000), 7756000, &cents), 1);
    assert_int_equal(cents, 3); /* $0.0317 */
    assert_int_equal(results_eps_cents(usd(246000), 7947000, &cents), 1);
    assert_int_equal(cents, 3); /* $0.0310 */
    assert_int_equal(results_eps_cents(usd(8000), 7751000, &cents), 1);
    assert_int_equal(cents, 0); /* $0.0010 */
    assert_int_equal(results_eps_cents(usd(150000), 6000000, &cents), 1);
    assert_int_equal(cents, 3); /* exactly $0.025 */
    assert_int_equal(results_eps_cents(usd(-150000), 6000000, &cents), 1);
    assert_int_equal(cents, -3);

    cents = 7;
    assert_int_equal(results_eps_cents(usd(246000), 0, &cents), 0);
    assert_int_equal(cents, 7);
}

/* ---------------------------------------------------------------------------
 * Derived figures of the reference report
 * ------------------------------------------------------------------------- */

static void test_derive_statement_figures(void **state)
{
    results_report r = reference_report();
    const results_period *now = &r.current, *before = &r.prior;

    assert_true(now->first_day == day(2004, 1, 1));
    assert_true(now->last_day == day(2004, 3, 31));
    assert_true(now->gross_profit == usd(1431000));
    assert_true(before->gross_profit == usd(1000000));
    assert_true(now->income_before_taxes == usd(246000));
    assert_true(before->income_before_taxes == usd(14000));
    assert_true(now->net_income == usd(246000));
    assert_true(before->net_income == usd(8000));
    assert_int_equal(now->eps_basic_cents, 3);
    assert_int_equal(now->eps_diluted_cents, 3);
    assert_int_equal(before->eps_basic_cents, 0);
    assert_int_equal(before->eps_diluted_cents, 0);

    /* Each center's gross profit; the closed ones lost 194,000 in 2003. */
    assert_true(now->centers[0].gross_profit == usd(450000));
    assert_true(now->centers[2].gross_profit == 0);
    assert_true(before->centers[2].gross_profit + before->centers[3].gross_profit == usd(-194000));

    int64_t tenths;
    assert_int_equal(results_percent_tenths(now->gross_profit, now->revenue, &tenths), 1);
    assert_int_equal(tenths, 212);
    assert_int_equal(results_percent_tenths(before->gross_profit, before->revenue, &tenths), 1);
    assert_int_equal(tenths, 144);
    assert_int_equal(
        results_percent_tenths(before->ongoing_gross_profit, before->ongoing_revenue, &tenths), 1);
    assert_int_equal(tenths, 111);
    results_change_tenths(now->ongoing_gross_profit, before->ongoing_gross_profit, &tenths);
    assert_int_equal(tenths, 726);
    results_change_tenths(now->general_administrative, before->general_administrative, &tenths);
    assert_int_equal(tenths, 202);
    results_change_tenths(now->blood_services_revenue, before->blood_services_revenue, &tenths);
    assert_int_equal(tenths, -47);
    results_change_tenths(now->blood_products_revenue, before->blood_products_revenue, &tenths);
    assert_int_equal(tenths, -20);
    results_report_free(&r);
}

static void test_derive_positions(void **state)
{
    results_report r = reference_report();
    const results_position *now = &r.current.position;
    assert_true(now->date == day(2004, 3, 31));
    assert_true(now->total_assets == usd(8414000));
    assert_true(now->total_liabilities_and_equity == usd(8414000));
    assert_true(now->working_capital == usd(1763000));
    assert_int_equal(now->has_dso, 1);
    assert_int_equal(now->dso_tenths, 465);
    assert_int_equal(now->dso_days, 47);

    assert_true(r.year_end.working_capital == usd(1179000));
    assert_int_equal(r.year_end.dso_days, 42);
    assert_int_equal(r.prior.position.dso_days, 57);

    /* No revenue in the quarter: no DSO, and no stale value either. */
    results_position empty = r.year_end;
    empty.quarter_revenue = 0;
    results_derive_position(&empty);
    assert_int_equal(empty.has_dso, 0);
    assert_int_equal(empty.dso_days, 0);
    results_report_free(&r);
}

static void test_report_free_empties_the_arrays(void **state)
{
    results_report r = reference_report();
    results_report_free(&r);
    assert_null(r.current.ga_lines);
    assert_null(r.current.centers);
    assert_null(r.prior.ga_lines);
    assert_int_equal(r.prior.center_count, 0);
    results_report_free(&r); /* twice is harmless */
}

/* ---------------------------------------------------------------------------
 * Consistency findings
 * ------------------------------------------------------------------------- */

static void test_check_finds_nothing_in_a_consistent_report(void **state)
{
    results_report r = reference_report();
    buffer out = BUFFER_INIT;
    assert_int_equal(results_check(&r, &out), 0);
    assert_string_equal(buffer_text(&out), "");
    assert_int_equal(results_check(&r, NULL), 0);
    buffer_free(&out);
    results_report_free(&r);
}

static void test_check_flags_the_published_net_income(void **state)
{
    /* The published table printed 264,000 where the arithmetic gives 246,000. */
    results_report r = reference_report();
    r.current.net_income = usd(264000);
    buffer out = BUFFER_INIT;
    assert_int_equal(results_check(&r, &out), 1);
    assert_string_equal(buffer_text(&out),
                        "Q1 2004: net income $264,000 is not income before income taxes $246,000 "
                        "less the provision $0 ($246,000)\n");
    buffer_free(&out);
    results_report_free(&r);
}

static void test_check_flags_a_balance_sheet_that_does_not_balance(void **state)
{
    results_report r = reference_report();
    r.current.position.equity += usd(100000);
    results_derive_position(&r.current.position); /* totals add up, but differ */
    buffer out = BUFFER_INIT;
    assert_int_equal(results_check(&r, &out), 1);
    assert_string_equal(buffer_text(&out),
                        "March 31, 2004: the balance sheet does not balance: total assets "
                        "$8,414,000 differ from total liabilities and shareholders' equity "
                        "$8,514,000 by $100,000\n");

    /* A total typed over by hand is also not the sum of its parts. */
    results_report_free(&r);
    r = reference_report();
    r.current.position.total_liabilities_and_equity = usd(8514000);
    buffer_reset(&out);
    assert_int_equal(results_check(&r, &out), 2);
    assert_contains(buffer_text(&out),
                    "March 31, 2004: total liabilities and shareholders' equity $8,514,000 are not "
                    "current liabilities $3,471,000 plus long-term liabilities $1,286,000 plus "
                    "shareholders' equity $3,657,000 ($8,414,000)\n");
    buffer_free(&out);
    results_report_free(&r);
}

static void test_check_flags_totals_that_are_not_their_parts(void **state)
{
    results_report r = reference_report();
    r.current.blood_services_revenue = usd(1981000);   /* revenue != segments */
    r.prior.ga_lines[1].amount = usd(45000);           /* G&A != its accounts */
    r.current.eps_diluted_cents = 4;                   /* EPS != recomputed */
    r.current.position.working_capital = usd(1736000); /* transposed digits */
    r.year_end.dso_days = 40;                          /* DSO != recomputed */
    r.prior.closed_gross_profit = usd(-149000);        /* BP GP != ongoing + closed */
    buffer out = BUFFER_INIT;
    assert_int_equal(results_check(&r, &out), 6);
    const char *text = buffer_text(&out);
    assert_contains(text, "Q1 2004: revenue $6,736,000 is not blood products revenue $4,845,000 "
                          "plus blood services revenue $1,981,000 ($6,826,000)\n");
    assert_contains(text, "Q1 2003: general and administrative expenses $985,000 are not the sum "
                          "of their 4 accounts ($990,000)\n");
    assert_contains(text, "Q1 2004: diluted earnings per share $0.04 is not net income $246,000 "
                          "over 7,947,000 weighted shares ($0.03)\n");
    assert_contains(text, "March 31, 2004: working capital $1,736,000 is not current assets "
                          "$5,234,000 less current liabilities $3,471,000 ($1,763,000)\n");
    assert_contains(text, "December 31, 2003: days sales outstanding of 40 days (42.0) are not "
                          "net receivables $3,128,000 over revenue $6,850,000 for 92 days "
                          "(42.0, so 42 days)\n");
    assert_contains(text, "Q1 2003: blood products gross profit $262,000 is not ongoing donor "
                          "centers $456,000 plus closed donor centers ($149,000) ($307,000)\n");
    buffer_free(&out);
    results_report_free(&r);
}

static void test_check_shows_cents_when_the_difference_is_cents(void **state)
{
    results_report r = reference_report();
    r.current.income_before_taxes += 40;
    r.current.net_income += 40;
    buffer out = BUFFER_INIT;
    assert_int_equal(results_check(&r, &out), 1);
    assert_contains(buffer_text(&out), "Q1 2004: income before income taxes $246,000.40 is not");
    buffer_free(&out);
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------- */

static void test_text_has_the_release_table(void **state)
{
    results_report r = reference_report();
    char *text = render(results_render_text, &r);
    char line[256];

    assert_contains(text, "Condensed Consolidated Data");
    assert_contains(text, "Three Months Ended");
    assert_contains(text, "March 31,");
    line_starting(text, "Statements of Operations", line, sizeof line);
    assert_contains(line, "2004");
    assert_contains(line, "2003");
    line_starting(text, "Revenues", line, sizeof line);
    assert_contains(line, "$6,736,000");
    assert_contains(line, "$6,931,000");
    line_starting(text, "Net income", line, sizeof line);
    assert_contains(line, "$246,000");
    assert_contains(line, "$8,000");
    line_starting(text, "Basic and diluted per share amounts", line, sizeof line);
    assert_contains(line, "$0.03");
    assert_contains(line, "$0.00");
    line_starting(text, "Weighted average shares outstanding - diluted", line, sizeof line);
    assert_contains(line, "7,947,000");
    assert_contains(line, "7,834,000");
    line_starting(text, "Total liabilities and shareholders' equity", line, sizeof line);
    assert_contains(line, "$8,414,000");

    /* The detail: changes in dollars and percent, margins, DSO. */
    line_starting(text, "Total revenue", line, sizeof line);
    assert_contains(line, "($195,000)");
    assert_contains(line, "-2.8%");
    line_starting(text, "  Ongoing donor centers", line, sizeof line);
    assert_contains(line, "+16.5%");
    line_starting(text, "Total  ", line, sizeof line); /* the gross margin */
    assert_contains(line, "21.2%");
    assert_contains(line, "14.4%");
    assert_contains(line, "+6.8 pts");
    line_starting(text, "6100 Bad-debt provision", line, sizeof line);
    assert_contains(line, "$124,000");
    line_starting(text, "Days sales outstanding", line, sizeof line);
    assert_string_equal(line, "Days sales outstanding                      47            42"
                              "            57");
    /* A closed center's loss shows in parentheses. */
    assert_contains(text, "Gross profit by donor center, Q1 2003");
    line_starting(text, "NC-01 Charlotte Donor Center", line, sizeof line);
    assert_contains(line, "closed");
    assert_contains(text, "($110,000)");

    assert_lacks(text, "Consistency findings");
    free(text);
    results_report_free(&r);
}

static void test_text_without_prior_or_shares(void **state)
{
    results_report r = reference_report();
    r.has_prior = 0;
    r.has_year_end = 0;
    r.current.has_shares = 0;
    char *text = render(results_render_text, &r);
    char line[256];

    line_starting(text, "Revenues", line, sizeof line);
    assert_contains(line, "$6,736,000");
    assert_lacks(line, "$6,931,000");
    line_starting(text, "Basic and diluted per share amounts", line, sizeof line);
    assert_contains(line, "n/a");
    line_starting(text, "Weighted average shares outstanding - basic", line, sizeof line);
    assert_contains(line, "n/a");
    assert_lacks(text, "Q1 2003");
    assert_lacks(text, "Change");
    line_starting(text, "Days sales outstanding", line, sizeof line);
    assert_string_equal(line, "Days sales outstanding                      47");
    free(text);
    results_report_free(&r);
}

static void test_text_ends_with_the_findings(void **state)
{
    results_report r = reference_report();
    r.current.net_income = usd(264000);
    char *text = render(results_render_text, &r);
    const char *findings = strstr(text, "Consistency findings");
    assert_non_null(findings);
    assert_contains(findings, "- Q1 2004: net income $264,000 is not income before income taxes");
    free(text);
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * CSV
 * ------------------------------------------------------------------------- */

static void test_csv_rows(void **state)
{
    results_report r = reference_report();
    snprintf(r.current.centers[0].name, RESULTS_NAME_MAX, "Sherman Oaks, \"Ventura Blvd\"");
    char *csv = render(results_render_csv, &r);

    assert_int_equal(strncmp(csv, "section,item,current,prior,change,change_percent,current_date,"
                                  "prior_date\n", 73), 0);
    assert_contains(csv, "\nstatement,Revenues,6736000.00,6931000.00,-195000.00,-2.8,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\nstatement,Net income,246000.00,8000.00,238000.00,2975.0"
                         ",2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\nstatement,Basic earnings per share,0.03,0.00,0.03,"
                         ",2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\nstatement,Weighted average shares outstanding - basic,"
                         "7756000,7751000,5000,0.1,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\nrevenue,Closed donor centers,65000.00,844000.00,-779000.00,-92.3"
                         ",2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\ngross_profit,Closed donor centers,0.00,-194000.00,194000.00,100.0"
                         ",2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\ngross_margin,Total,21.2,14.4,6.8,,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\ngeneral_administrative,6100 Bad-debt provision,"
                         "164000.00,40000.00,124000.00,310.0,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\nbalance_sheet,Total assets,8414000.00,8135000.00,279000.00,3.4,"
                         "2004-03-31,2003-12-31\n");
    assert_contains(csv, "\nposition,Days sales outstanding,47,57,-10,,2004-03-31,2003-03-31\n");
    assert_contains(csv, "\nyear_end,Working capital,1763000.00,1179000.00,584000.00,49.5,"
                         "2004-03-31,2003-12-31\n");
    assert_contains(csv, "\nyear_end,Days sales outstanding,47,42,5,,2004-03-31,2003-12-31\n");
    /* A name with a comma and quotes is one quoted field. */
    assert_contains(csv, "\ncenter_gross_profit,\"LA-01 Sherman Oaks, \"\"Ventura Blvd\"\"\","
                         "450000.00,260000.00,190000.00,73.1,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    assert_contains(csv, "\ncenter_gross_profit,NC-01 Charlotte Donor Center (closed),"
                         "0.00,-110000.00,110000.00,100.0,2004-01-01/2004-03-31,2003-01-01/2003-03-31\n");
    free(csv);
    results_report_free(&r);
}

static void test_csv_without_prior_leaves_cells_empty(void **state)
{
    results_report r = reference_report();
    r.has_prior = 0;
    char *csv = render(results_render_csv, &r);
    assert_contains(csv, "\nstatement,Revenues,6736000.00,,,,2004-01-01/2004-03-31,\n");
    assert_contains(csv, "\ngross_margin,Ongoing donor centers,16.5,,,,2004-01-01/2004-03-31,\n");
    free(csv);
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * HTML
 * ------------------------------------------------------------------------- */

static void test_html_page(void **state)
{
    results_report r = reference_report();
    snprintf(r.current.centers[1].name, RESULTS_NAME_MAX, "Hemet <b>&</b> \"Valley\"");
    snprintf(r.current.ga_lines[3].name, RESULTS_NAME_MAX, "Other <script>");
    char *html = render(results_render_html, &r);

    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
    assert_contains(html, "<caption>Condensed Consolidated Data (Unaudited)</caption>");
    assert_contains(html, "<th scope=\"col\">2004</th><th scope=\"col\">2003</th>");
    assert_contains(html, "<th scope=\"row\">Revenues</th><td>$6,736,000</td><td>$6,931,000</td>");
    assert_contains(html, "@media print");
    assert_contains(html, "<svg role=\"img\" aria-labelledby=\"revenue-chart-title\"");
    assert_contains(html, "<svg role=\"img\" aria-labelledby=\"center-chart-title\"");
    /* Names from the data are text, never markup. */
    assert_contains(html, "LA-02 Hemet &lt;b&gt;&amp;&lt;/b&gt; &quot;Valley&quot;");
    assert_contains(html, "6900 Other &lt;script&gt;");
    assert_lacks(html, "<b>");
    assert_lacks(html, "<script");
    /* Self-contained: nothing fetched. */
    assert_lacks(html, "<link");
    assert_lacks(html, "src=");
    assert_contains(html, "<p>No inconsistencies found.</p>");
    assert_contains(html, "</html>\n");
    free(html);
    results_report_free(&r);
}

static void test_html_lists_findings(void **state)
{
    results_report r = reference_report();
    r.current.net_income = usd(264000);
    char *html = render(results_render_html, &r);
    assert_contains(html, "<a href=\"#findings\">1 consistency finding</a>");
    assert_contains(html, "<li>Q1 2004: net income $264,000 is not income before income taxes");
    free(html);
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * PDF (its text read back in tests/api/documents.test.js)
 * ------------------------------------------------------------------------- */

static void test_pdf_document(void **state)
{
    results_report r = reference_report();
    buffer pdf = BUFFER_INIT;
    err e;
    assert_int_equal(results_render_pdf(&r, &pdf, &e), 0);
    assert_true(pdf.length > 1000);
    assert_memory_equal(pdf.data, "%PDF-", 5);
    assert_memory_equal(pdf.data + pdf.length - 6, "%%EOF\n", 6);
    const char title[] = "/Title (Quarterly results, Q1 2004)";
    int found = 0;
    for (size_t i = 0; !found && i + sizeof title - 1 <= pdf.length; i++)
        found = memcmp(pdf.data + i, title, sizeof title - 1) == 0;
    assert_true(found);
    buffer_free(&pdf);
    results_report_free(&r);
}

/* ---------------------------------------------------------------------------
 * The draft earnings release
 * ------------------------------------------------------------------------- */

static void test_release_reproduces_the_published_sentences(void **state)
{
    results_report r = reference_report();
    char *release = render(results_render_release, &r);
    static const char *const sentences[] = {
        "first quarter 2004 results of operations that resulted in a profit of $246,000, or "
        "$0.03 per share basic and diluted, on revenue of $6,736,000.",
        "Revenue in the first quarter of 2004 was 2.8% less than the $6,931,000 reported in the "
        "same period of 2003.",
        "Blood products revenue decreased $101,000 to $4,845,000, or 2.0%.",
        "Blood products revenue from ongoing donor centers increased $678,000, or 16.5%, from "
        "$4,102,000 reported in the first quarter of 2003.",
        "Blood services revenue in the quarter decreased $94,000, or 4.7%, to $1,891,000.",
        "The first quarter results produced a gross profit of $1,431,000 compared with a gross "
        "profit of $1,000,000 for the same period in 2003. The gross profit percentage in the "
        "quarter increased to 21.2% from 14.4% for the same period in 2003.",
        "Gross profit from the blood products segment increased $525,000, or 200.4%, during the "
        "first quarter of 2004 compared with 2003.",
        "During the first quarter of 2003, the closed donor centers generated operating losses "
        "of $194,000. The closure of these facilities eliminated these operating losses in the "
        "first quarter of 2004.",
        "Gross profit from the ongoing donor centers increased 72.6% to $787,000.",
        "The gross profit percentage for the ongoing donor centers during the first quarter "
        "increased to 16.5%, compared with 11.1% during the same period in 2003.",
        "General and administrative expenses increased in the first quarter of 2004 by $199,000, "
        "or 20.2%, when compared with 2003. This is primarily the result of an increase in "
        "bad-debt provision of $124,000 and an increase in insurance of $69,000.",
        "The first quarter results produced net income of $246,000, or $0.03 per share basic "
        "and diluted, compared with $8,000 for the first quarter of 2003. Income before income "
        "taxes was $246,000, compared with $14,000. The provision for income taxes was $0, "
        "compared with $6,000.",
        "The balance sheet as of March 31, 2004 shows cash and marketable securities of $911,000 "
        "compared with $935,000 as of the end of 2003.",
        "Working capital increased to $1,763,000 from $1,179,000 as of the end of 2003.",
        "Net accounts receivable increased to $3,442,000 from $3,128,000 as of December 31, 2003.",
        "As of March 31, 2004, days sales outstanding stood at 47 days, compared with 42 days as "
        "of December 31, 2003, and 57 days as of March 31, 2003.",
        "Consistency findings",
        "No inconsistencies found.",
    };
    assert_int_equal(strncmp(release, "DRAFT - FIRST QUARTER 2004 RESULTS\n", 35), 0);
    assert_sentences(release, sentences, sizeof sentences / sizeof sentences[0]);
    free(release);
    results_report_free(&r);
}

static void test_release_is_wrapped(void **state)
{
    results_report r = reference_report();
    r.current.net_income = usd(264000); /* a long finding is wrapped too */
    char *release = render(results_render_release, &r);
    size_t longest = 0;
    for (const char *p = release; *p;) {
        size_t length = strcspn(p, "\n");
        longest = length > longest ? length : longest;
        p += length + (p[length] == '\n');
    }
    assert_true(longest <= 76);
    assert_true(longest >= 60); /* paragraphs, not one word per line */
    assert_sentences(release,
                     (const char *const[]){"- Q1 2004: net income $264,000 is not income "
                                           "before income taxes $246,000 less the "
                                           "provision $0 ($246,000)"},
                     1);
    assert_lacks(release, "No inconsistencies found.");
    free(release);
    results_report_free(&r);
}

/* A third quarter with the signs the other way round: revenue up, a net
 * loss against a profit, G&A down, a closed center still losing money,
 * taxes a benefit, and a segment without revenue a year earlier. */
static results_report reversed_report(void)
{
    results_report r = reference_report();
    results_period *now = &r.current, *before = &r.prior;
    now->period = (quarter){2005, 3};
    before->period = (quarter){2004, 3};
    now->revenue = usd(7624100);
    now->blood_services_revenue = usd(2779100); /* +794,100, +40.0% */
    now->cost_of_revenue = usd(6600000);        /* GP 1,024,100 */
    now->blood_services_gross_profit = usd(237100);
    now->closed_gross_profit = usd(-20000);
    now->ongoing_gross_profit = usd(807000);
    now->ga_lines[0].amount = usd(900000);      /* salaries +300,000 */
    now->ga_lines[1].amount = usd(10000);       /* bad debt -30,000 */
    now->ga_lines[2].amount = usd(100000);      /* insurance -20,000 */
    now->ga_lines[3].amount = usd(25000);       /* other -200,000 */
    now->general_administrative = usd(1035000); /* +50,000 */
    now->income_taxes = usd(-3000);
    now->position.quarter_revenue = now->revenue;
    now->position.quarter_days = quarter_days(now->period);
    results_derive(now);
    results_derive(before);
    r.has_year_end = 0;
    return r;
}

static void test_release_words_follow_the_signs(void **state)
{
    results_report r = reversed_report();
    buffer findings = BUFFER_INIT;
    assert_int_equal(results_check(&r, &findings), 0);
    buffer_free(&findings);
    assert_true(r.current.net_income == usd(-8900)); /* 1,024,100 - 1,035,000 - 1,000 + 3,000 */
    char *release = render(results_render_release, &r);
    static const char *const sentences[] = {
        "third quarter 2005 results of operations that resulted in a loss of $8,900, or $0.00 "
        "per share basic and diluted, on revenue of $7,624,100.",
        "Revenue in the third quarter of 2005 was 10.0% more than the $6,931,000 reported in the "
        "same period of 2004.",
        "Blood services revenue in the quarter increased $794,100, or 40.0%, to $2,779,100.",
        "In the third quarter of 2005, the closed donor centers generated operating losses of "
        "$20,000.",
        "General and administrative expenses increased in the third quarter of 2005 by $50,000, "
        "or 5.1%, when compared with 2004. This is primarily the result of an increase in "
        "salaries and benefits (G&A) of $300,000 and a decrease in other G&A of $200,000.",
        "The third quarter results produced a net loss of $8,900, or $0.00 per share basic and "
        "diluted, compared with net income of $8,000 for the third quarter of 2004.",
        "The loss before income taxes was $11,900, compared with income of $14,000. The income "
        "tax benefit was $3,000, compared with a provision of $6,000.",
        "As of September 30, 2005, days sales outstanding stood at",
    };
    assert_sentences(release, sentences, sizeof sentences / sizeof sentences[0]);
    assert_contains(release, "DRAFT - THIRD QUARTER 2005 RESULTS");
    free(release);
    results_report_free(&r);
}

static void test_release_gives_no_percent_from_a_zero_prior(void **state)
{
    results_report r = reference_report();
    r.prior.blood_services_revenue = 0;
    r.prior.revenue = r.prior.blood_products_revenue;
    r.prior.cost_of_revenue -= usd(1985000 - 738000);
    r.prior.blood_services_gross_profit = 0;
    results_derive(&r.prior);
    char *release = render(results_render_release, &r);
    char *flat = flatten(release);
    assert_contains(flat, "Blood services revenue in the quarter increased $1,891,000 to "
                          "$1,891,000.");
    free(flat);
    free(release);
    results_report_free(&r);
}

static void test_release_without_prior(void **state)
{
    results_report r = reference_report();
    r.has_prior = 0;
    r.has_year_end = 0;
    char *release = render(results_render_release, &r);
    static const char *const sentences[] = {
        "resulted in a profit of $246,000, or $0.03 per share basic and diluted, on revenue of "
        "$6,736,000.",
        "Revenue in the first quarter of 2004 was $6,736,000: blood products revenue of "
        "$4,845,000, of which $4,780,000 from ongoing donor centers, and blood services revenue "
        "of $1,891,000.",
        "The first quarter results produced a gross profit of $1,431,000, a gross profit "
        "percentage of 21.2%.",
        "General and administrative expenses were $1,184,000 in the first quarter of 2004.",
        "The first quarter results produced net income of $246,000, or $0.03 per share basic "
        "and diluted.",
        "Working capital was $1,763,000 and net accounts receivable were $3,442,000.",
        "As of March 31, 2004, days sales outstanding stood at 47 days.",
        "No inconsistencies found.",
    };
    assert_sentences(release, sentences, sizeof sentences / sizeof sentences[0]);
    assert_lacks(release, "2003");
    assert_lacks(release, "compared with");
    free(release);
    results_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_muldiv_rounds_half_away_from_zero),
        cmocka_unit_test(test_percent_of_a_whole),
        cmocka_unit_test(test_percent_change),
        cmocka_unit_test(test_format_tenths),
        cmocka_unit_test(test_dso_rounds_to_tenths_then_to_days),
        cmocka_unit_test(test_dso_counts_the_leap_day),
        cmocka_unit_test(test_eps_rounds_to_the_cent),
        cmocka_unit_test(test_derive_statement_figures),
        cmocka_unit_test(test_derive_positions),
        cmocka_unit_test(test_report_free_empties_the_arrays),
        cmocka_unit_test(test_check_finds_nothing_in_a_consistent_report),
        cmocka_unit_test(test_check_flags_the_published_net_income),
        cmocka_unit_test(test_check_flags_a_balance_sheet_that_does_not_balance),
        cmocka_unit_test(test_check_flags_totals_that_are_not_their_parts),
        cmocka_unit_test(test_check_shows_cents_when_the_difference_is_cents),
        cmocka_unit_test(test_text_has_the_release_table),
        cmocka_unit_test(test_text_without_prior_or_shares),
        cmocka_unit_test(test_text_ends_with_the_findings),
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_a_quarter_with_nothing_posted_says_so),
        cmocka_unit_test(test_csv_without_prior_leaves_cells_empty),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_html_lists_findings),
        cmocka_unit_test(test_pdf_document),
        cmocka_unit_test(test_release_reproduces_the_published_sentences),
        cmocka_unit_test(test_release_is_wrapped),
        cmocka_unit_test(test_release_words_follow_the_signs),
        cmocka_unit_test(test_release_gives_no_percent_from_a_zero_prior),
        cmocka_unit_test(test_release_without_prior),
    };
    return cmocka_run_group_tests(tests, NULL, cairo_caches_release);
}
