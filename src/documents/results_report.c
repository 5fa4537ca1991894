/*
 * results_report.c - the quarterly results as a document
 * (results_report.h): the sections of the report, each described once as
 * tables of the table writer (documents/table.h) and written as aligned
 * text or HTML; the CSV, one row per figure through the same writer; the
 * HTML page with its bar charts; the PDF, the text set on pages
 * (documents/pdf.h).
 *
 * Pure, like the arithmetic it prints: no I/O, no clock, no global or
 * static mutable state (the documents are written on several server
 * threads at once).
 */
#include "documents/results_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text_columns.h"
#include "documents/pdf.h"
#include "documents/results_format.h"
#include "documents/table.h"

/* ======================================================================
 * The sections shared by the text and HTML renderings
 * ==================================================================== */

/* Text column widths: the release's table, then the detail (80 columns);
 * the table writer sets each column after the first off by one space. */
enum { STATEMENT_LABEL = 46, STATEMENT_COLUMN = 13 };
enum { DETAIL_LABEL = 32, MONEY_COLUMN = 12, CHANGE_COLUMN = 8 };

/* A table of the report (ruled, documents/table.h) whose first column
 * names the rows; `stub_head` heads it. */
static table report_table(table_format format, buffer *out, const char *stub_head, int stub_width)
{
    table t;
    table_init(&t, out, format, TABLE_RULED | TABLE_STUB);
    table_add_column(&t, stub_head, stub_width, TABLE_LEFT);
    return t;
}

/* A column of figures, right-aligned. The head must outlive the table. */
static void value_column(table *t, const char *head, int width)
{
    table_add_column(t, head, width, TABLE_RIGHT);
}

static int looks_negative(const char *cell)
{
    return cell[0] == '(' || cell[0] == '-';
}

/* One row: its name and the cells of the figures; in HTML a negative
 * figure is marked (class "negative"), and a total is set off. */
static void report_row(table *t, const char *label, const char *const cells[], int total)
{
    const char *all[TABLE_COLUMNS_MAX], *classes[TABLE_COLUMNS_MAX] = {NULL};
    all[0] = label;
    for (size_t i = 1; i < t->count; i++) {
        all[i] = cells[i - 1];
        classes[i] = looks_negative(cells[i - 1]) ? "negative" : NULL;
    }
    table_row_marked(t, all, classes, total);
}

/* The columns of a comparison: current, prior, change, change %. The
 * names must outlive the table (the caller's results_texts). */
static void comparison_columns(table *t, const results_report *report, const char *current,
                               const char *prior)
{
    value_column(t, current, MONEY_COLUMN);
    if (report->has_prior) {
        value_column(t, prior, MONEY_COLUMN);
        value_column(t, "Change", MONEY_COLUMN);
        value_column(t, "Change %", CHANGE_COLUMN);
    }
}

/* A money row: the amounts, the change in dollars, the change in percent
 * (empty when the prior is zero). */
/* A row of two figures written by `text` (dollars, counts), their change
 * and the change in percent. */
static void change_row(table *t, const char *label, int64_t current, int64_t prior, int total,
                       results_text (*text)(int64_t))
{
    results_text now = text(current), before = text(prior), change = text(current - prior);
    results_text change_percent = {""};
    int64_t tenths;
    if (results_change_tenths(current, prior, &tenths))
        change_percent = results_percent(tenths, 1);
    const char *cells[] = {now.text, before.text, change.text, change_percent.text};
    report_row(t, label, cells, total);
}

static void money_row(table *t, const char *label, int64_t current, int64_t prior, int total)
{
    change_row(t, label, current, prior, total, results_dollars);
}

static results_text margin_text(int has, int64_t tenths)
{
    results_text t = {"n/a"};
    return has ? results_percent(tenths, 0) : t;
}

/* A gross margin row: both margins and the change in points. */
static void margin_row(table *t, const char *label, int64_t profit, int64_t revenue,
                       int64_t prior_profit, int64_t prior_revenue)
{
    int64_t now = 0, before = 0;
    int has_now = results_percent_tenths(profit, revenue, &now);
    int has_before = results_percent_tenths(prior_profit, prior_revenue, &before);
    results_text change = {""};
    if (has_now && has_before)
        change = results_points(now - before);
    results_text now_text = margin_text(has_now, now),
                 before_text = margin_text(has_before, before);
    const char *cells[] = {now_text.text, before_text.text, change.text, ""};
    report_row(t, label, cells, 0);
}

static void section_statement(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    table t = report_table(format, out, "Statements of Operations", STATEMENT_LABEL);
    results_text year = results_integer(now->period.year),
                 prior_year = results_integer(before->period.year);
    results_phrase span;
    snprintf(span.text, sizeof span.text, "Three Months Ended\n%s",
             results_month_day(now->last_day).text);
    value_column(&t, year.text, STATEMENT_COLUMN);
    if (report->has_prior)
        value_column(&t, prior_year.text, STATEMENT_COLUMN);
    table_begin(&t, "Condensed Consolidated Data (Unaudited)", span.text);

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
        results_text a = results_dollars(lines[i].now), b = results_dollars(lines[i].before);
        report_row(&t, lines[i].label, (const char *[]){a.text, b.text}, lines[i].total);
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
        results_text a = {"n/a"}, b = {"n/a"};
        if (now->has_shares)
            a = shares[i].is_eps ? results_per_share(shares[i].now)
                                 : results_grouped_count(shares[i].now);
        if (before->has_shares)
            b = shares[i].is_eps ? results_per_share(shares[i].before)
                                 : results_grouped_count(shares[i].before);
        report_row(&t, shares[i].label, (const char *[]){a.text, b.text}, 0);
    }
    table_end(&t);
}

static void section_balance_sheet(table_format format, buffer *out, const results_report *report)
{
    const results_position *p = &report->current.position;
    table t = report_table(format, out, "", STATEMENT_LABEL);
    results_text year = results_integer(results_year_of(p->date)),
                 span = results_month_day(p->date);
    value_column(&t, year.text, STATEMENT_COLUMN);
    table_begin(&t, "Balance Sheets", span.text);

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
        results_text amount = results_dollars(lines[i].amount);
        report_row(&t, lines[i].label, (const char *[]){amount.text}, lines[i].total);
    }
    table_end(&t);
}

/* A row for each code either period's lines have (`now` first, in its
 * order, then the codes only `before` has), labelled "  PREFIX, CODE" and
 * compared with `text`; a code a period lacks counts 0. No lines: no rows. */
static void code_rows(table *t, const char *prefix, const results_line *now, size_t now_count,
                      const results_line *before, size_t before_count,
                      results_text (*text)(int64_t))
{
    const results_line *lines[2] = {now, before};
    const size_t counts[2] = {now_count, before_count};
    for (int which = 0; which < 2; which++)
        for (size_t i = 0; i < counts[which]; i++) {
            const char *code = lines[which][i].code;
            int64_t amounts[2] = {0, 0};
            int seen_before = 0;
            for (int k = 0; k < 2; k++)
                for (size_t j = 0; j < counts[k]; j++)
                    if (strcmp(lines[k][j].code, code) == 0) {
                        amounts[k] = lines[k][j].amount;
                        if (k == 0 && which == 1)
                            seen_before = 1; /* listed with the current period's codes */
                    }
            if (seen_before)
                continue;
            char label[RESULTS_CODE_MAX + 60];
            snprintf(label, sizeof label, "  %s, %s", prefix, *code ? code : "no market");
            change_row(t, label, amounts[0], amounts[1], 0, text);
        }
}

static void section_segments(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    results_text now_name = results_period_name(now), before_name = results_period_name(before);

    table revenue = report_table(format, out, "Segment", DETAIL_LABEL);
    comparison_columns(&revenue, report, now_name.text, before_name.text);
    table_begin(&revenue, "Revenue by segment", NULL);
    money_row(&revenue, "Blood products", now->blood_products_revenue,
              before->blood_products_revenue, 0);
    money_row(&revenue, "  Ongoing donor centers", now->ongoing_revenue, before->ongoing_revenue,
              0);
    money_row(&revenue, "  Closed donor centers", now->closed_revenue, before->closed_revenue, 0);
    money_row(&revenue, "Blood services", now->blood_services_revenue,
              before->blood_services_revenue, 0);
    /* the management contracts' revenue of each market (docs/contract_services.md) */
    code_rows(&revenue, "Management contracts", now->management_markets,
              now->management_market_count, before->management_markets,
              before->management_market_count, results_dollars);
    money_row(&revenue, "Total revenue", now->revenue, before->revenue, 1);
    /* books without shipments: no rows of units */
    if (now->units_shipped || before->units_shipped) {
        change_row(&revenue, "Net units sold, blood products (units)", now->net_units_sold,
                   before->net_units_sold, 0, results_grouped_count);
        code_rows(&revenue, "Net units sold", now->family_units, now->family_unit_count,
                  before->family_units, before->family_unit_count, results_grouped_count);
    }
    if (now->apheresis_procedures || before->apheresis_procedures) {
        change_row(&revenue, "Apheresis procedures, blood services (count)",
                   now->apheresis_procedures, before->apheresis_procedures, 0,
                   results_grouped_count);
        code_rows(&revenue, "Apheresis procedures", now->apheresis_markets,
                  now->apheresis_market_count, before->apheresis_markets,
                  before->apheresis_market_count, results_grouped_count);
        money_row(&revenue, "  Average apheresis price", now->apheresis_average_price,
                  before->apheresis_average_price, 0);
    }
    table_end(&revenue);

    table profit = report_table(format, out, "Segment", DETAIL_LABEL);
    comparison_columns(&profit, report, now_name.text, before_name.text);
    table_begin(&profit, "Gross profit by segment", NULL);
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

    table margin = report_table(format, out, "", DETAIL_LABEL);
    comparison_columns(&margin, report, now_name.text, before_name.text);
    table_begin(&margin, "Gross margin", NULL);
    margin_row(&margin, "Total", now->gross_profit, now->revenue, before->gross_profit,
               before->revenue);
    margin_row(&margin, "Ongoing donor centers", now->ongoing_gross_profit, now->ongoing_revenue,
               before->ongoing_gross_profit, before->ongoing_revenue);
    table_end(&margin);
}

static void section_expenses(table_format format, buffer *out, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    results_text now_name = results_period_name(now), before_name = results_period_name(before);
    table t = report_table(format, out, "Account", DETAIL_LABEL);
    comparison_columns(&t, report, now_name.text, before_name.text);
    table_begin(&t, "General and administrative expenses by account", NULL);

    size_t count;
    results_ga_movement *movements = results_ga_movements(report, &count);
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

static results_text position_figure(const results_position *p, int figure)
{
    switch (figure) {
    case POSITION_CASH: return results_dollars(p->cash_and_securities);
    case POSITION_WORKING_CAPITAL: return results_dollars(p->working_capital);
    case POSITION_RECEIVABLES: return results_dollars(p->net_receivables);
    default: return p->has_dso ? results_integer(p->dso_days) : (results_text){"n/a"};
    }
}

static void section_position(table_format format, buffer *out, const results_report *report)
{
    static const char *const labels[] = {"Cash and marketable securities", "Working capital",
                                         "Net accounts receivable", "Days sales outstanding"};
    const results_position *shown[3];
    size_t count = positions_shown(report, shown);
    results_text heads[3], cells[3];
    const char *texts[3];
    table t = report_table(format, out, "", DETAIL_LABEL);
    for (size_t i = 0; i < count; i++) {
        heads[i] = results_short_date(shown[i]->date);
        value_column(&t, heads[i].text, STATEMENT_COLUMN);
    }
    table_begin(&t, "Working capital, receivables and days sales outstanding", NULL);
    for (int figure = POSITION_CASH; figure <= POSITION_DSO; figure++) {
        for (size_t i = 0; i < count; i++) {
            cells[i] = position_figure(shown[i], figure);
            texts[i] = cells[i].text;
        }
        report_row(&t, labels[figure], texts, 0);
    }
    table_end(&t);
}

static void section_centers_of(table_format format, buffer *out, const results_period *period)
{
    if (period->center_count == 0)
        return;
    char caption[sizeof(results_phrase)];
    snprintf(caption, sizeof caption, "Gross profit by donor center, %s",
             results_period_name(period).text);
    table t = report_table(format, out, "Donor center", DETAIL_LABEL);
    value_column(&t, "Status", 7);
    value_column(&t, "Revenue", 11);
    value_column(&t, "Cost", 11);
    value_column(&t, "Gross profit", 12);
    value_column(&t, "Margin", 6);
    table_begin(&t, caption, NULL);

    int64_t revenue = 0, cost = 0, profit = 0;
    for (size_t i = 0; i < period->center_count; i++) {
        const results_center *c = &period->centers[i];
        char label[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2];
        snprintf(label, sizeof label, "%s %s", c->code, c->name);
        int64_t tenths = 0;
        int has_margin = results_percent_tenths(c->gross_profit, c->revenue, &tenths);
        results_text r = results_dollars(c->revenue), k = results_dollars(c->cost),
                     g = results_dollars(c->gross_profit);
        results_text m = margin_text(has_margin, tenths);
        report_row(
            &t, label,
            (const char *[]){c->closed ? "closed" : "ongoing", r.text, k.text, g.text, m.text}, 0);
        revenue += c->revenue, cost += c->cost, profit += c->gross_profit;
    }
    int64_t tenths = 0;
    int has_margin = results_percent_tenths(profit, revenue, &tenths);
    results_text r = results_dollars(revenue), k = results_dollars(cost),
                 g = results_dollars(profit);
    results_text m = margin_text(has_margin, tenths);
    report_row(&t, "Total donor centers", (const char *[]){"", r.text, k.text, g.text, m.text}, 1);
    table_end(&t);
}

static void html_escape(buffer *out, const char *text);

/* The line of credit's term and each covenant in force at the quarter's
 * end: threshold, value, met or breached, and the margin (headroom). */
static const char *covenant_label(covenant_kind kind)
{
    switch (kind) {
    case COVENANT_MIN_TANGIBLE_NET_WORTH: return "Tangible net worth, at least";
    case COVENANT_MAX_LIABILITIES_TO_NET_WORTH: return "Liabilities/net worth, at most";
    case COVENANT_MIN_QUICK_RATIO: return "Quick ratio, at least";
    default: return "Quarterly net income, at least";
    }
}

/* A covenant's figure as the report prints it: dollars grouped, a ratio
 * to two decimals; "n/a" when it has none. */
static results_text covenant_figure(covenant_kind kind, int has, int64_t amount)
{
    results_text t;
    char ratio[COVENANT_TEXT_MAX];
    if (!has)
        snprintf(t.text, sizeof t.text, "n/a");
    else if (covenant_kind_is_ratio(kind))
        snprintf(t.text, sizeof t.text, "%s", covenant_amount_format(kind, amount, ratio));
    else
        t = results_dollars(amount);
    return t;
}

static void section_covenants(table_format format, buffer *out, const results_report *report)
{
    const covenant_section *s = &report->covenants;
    if (!s->loaded || (!s->has_line && s->count == 0))
        return;
    if (format == TABLE_HTML)
        buffer_append_text(out, "<h2>Line of credit and covenants</h2>\n");
    if (s->has_line) {
        char start[DATE_TEXT_MAX], end[DATE_TEXT_MAX], original[DATE_TEXT_MAX];
        buffer line = BUFFER_INIT;
        buffer_printf(&line, "Line of credit with %s, limit %s, term %s to %s", s->lender,
                      results_dollars(s->limit).text,
                      date_format(s->term_start, start, sizeof start),
                      date_format(s->term_end, end, sizeof end));
        if (s->extended)
            buffer_printf(&line, " (extended from %s)",
                          date_format(s->original_end, original, sizeof original));
        buffer_append_text(&line, ".");
        if (format == TABLE_HTML) {
            buffer_append_text(out, "<p>");
            html_escape(out, buffer_text(&line));
            buffer_append_text(out, "</p>\n");
        } else {
            buffer_append_text(out, "\n");
            text_wrap(out, buffer_text(&line), 0, 76);
        }
        buffer_free(&line);
    }
    if (s->count == 0)
        return;
    table t = report_table(format, out, "Covenant", DETAIL_LABEL);
    value_column(&t, "Threshold", 13);
    value_column(&t, "Value", 13);
    value_column(&t, "Status", 8);
    value_column(&t, "Margin", 11);
    char caption[sizeof(results_phrase)];
    snprintf(caption, sizeof caption, "Covenants at %s",
             results_short_date(report->current.last_day).text);
    table_begin(&t, caption, NULL);
    for (size_t i = 0; i < s->count; i++) {
        const covenant_check *c = &s->checks[i];
        results_text threshold = covenant_figure(c->kind, 1, c->threshold),
                     value = covenant_figure(c->kind, c->has_value, c->value),
                     margin = covenant_figure(c->kind, c->has_value, c->margin);
        report_row(&t, covenant_label(c->kind),
                   (const char *[]){threshold.text, value.text, c->met ? "met" : "breached",
                                    margin.text},
                   0);
    }
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
        while (results_next_line(&cursor, &line, &length))
            buffer_printf(out, "  - %.*s\n", (int)length, line);
    }
    buffer_free(&findings_text);
}

void results_render_text(const results_report *report, buffer *out)
{
    buffer_printf(out, "Quarterly results, %s\n", results_period_name(&report->current).text);
    if (results_nothing_posted(report)) {
        buffer_append_text(out, "\n");
        results_nothing_posted_sentence(report, out);
        buffer_append_text(out, "\n");
        return;
    }
    section_statement(TABLE_TEXT, out, report);
    section_balance_sheet(TABLE_TEXT, out, report);
    section_segments(TABLE_TEXT, out, report);
    section_expenses(TABLE_TEXT, out, report);
    section_position(TABLE_TEXT, out, report);
    text_wrap(out, results_receivables_source(&report->current.position), 0, 76);
    section_centers_of(TABLE_TEXT, out, &report->current);
    if (report->has_prior)
        section_centers_of(TABLE_TEXT, out, &report->prior);
    section_covenants(TABLE_TEXT, out, report);
    text_findings(report, out);
}

/* ======================================================================
 * CSV
 * ==================================================================== */

/* The CSV is one table of eight columns (documents/table.h): each row
 * says the dates it compares, a span of days for flows
 * ("2004-01-01/2004-03-31", ISO 8601's interval) and one day for
 * positions, the same dates the report's page and text compare. */
typedef struct {
    table *table;
    char current[2 * DATE_TEXT_MAX], prior[2 * DATE_TEXT_MAX];
} csv_out;

static void csv_dates_span(csv_out *t, const results_period *now, int has_prior,
                           const results_period *before)
{
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX];
    snprintf(t->current, sizeof t->current, "%s/%s",
             date_format(now->first_day, first, sizeof first),
             date_format(now->last_day, last, sizeof last));
    t->prior[0] = '\0';
    if (has_prior)
        snprintf(t->prior, sizeof t->prior, "%s/%s",
                 date_format(before->first_day, first, sizeof first),
                 date_format(before->last_day, last, sizeof last));
}

static void csv_dates_day(csv_out *t, civil_day now, int has_prior, civil_day before)
{
    date_format(now, t->current, sizeof t->current);
    t->prior[0] = '\0';
    if (has_prior)
        date_format(before, t->prior, sizeof t->prior);
}

static void csv_row(csv_out *t, const char *section, const char *item, const char *current,
                    const char *prior, const char *change, const char *change_percent)
{
    table_row(t->table, (const char *[]){section, item, current, prior, change, change_percent,
                                         t->current, t->prior});
}

/* Money in the current and the comparison column; the comparison, change
 * and percent are left empty when there is no comparison. */
static void csv_money(csv_out *t, const char *section, const char *item, int64_t current,
                      int has_prior, int64_t prior)
{
    results_text now = results_plain_money(current), before = {""}, change = {""},
                 change_percent = {""};
    int64_t tenths;
    if (has_prior) {
        before = results_plain_money(prior);
        change = results_plain_money(current - prior);
        if (results_change_tenths(current, prior, &tenths))
            change_percent = results_plain_tenths(tenths);
    }
    csv_row(t, section, item, now.text, before.text, change.text, change_percent.text);
}

/* Counts (shares): integers, with a percent change. */
static void csv_count(csv_out *t, const char *section, const char *item, int has_now, int64_t current,
                      int has_prior, int64_t prior)
{
    results_text now = {""}, before = {""}, change = {""}, change_percent = {""};
    int64_t tenths;
    if (has_now)
        now = results_integer(current);
    if (has_prior)
        before = results_integer(prior);
    if (has_now && has_prior) {
        change = results_integer(current - prior);
        if (results_change_tenths(current, prior, &tenths))
            change_percent = results_plain_tenths(tenths);
    }
    csv_row(t, section, item, now.text, before.text, change.text, change_percent.text);
}

/* Earnings per share: dollars with cents, no percent change. */
static void csv_eps(csv_out *t, const char *item, const results_report *report, int64_t current,
                    int64_t prior)
{
    int has_now = report->current.has_shares;
    int has_prior = report->has_prior && report->prior.has_shares;
    results_text now = {""}, before = {""}, change = {""};
    if (has_now)
        now = results_plain_money(current);
    if (has_prior)
        before = results_plain_money(prior);
    if (has_now && has_prior)
        change = results_plain_money(current - prior);
    csv_row(t, "statement", item, now.text, before.text, change.text, "");
}

/* Margins: percents, the change in points, no percent change. */
static void csv_margin(csv_out *t, const char *item, int64_t profit, int64_t revenue, int has_prior,
                       int64_t prior_profit, int64_t prior_revenue)
{
    int64_t now = 0, before = 0;
    int has_now = results_percent_tenths(profit, revenue, &now);
    int has_before = has_prior && results_percent_tenths(prior_profit, prior_revenue, &before);
    results_text a = {""}, b = {""}, change = {""};
    if (has_now)
        a = results_plain_tenths(now);
    if (has_before)
        b = results_plain_tenths(before);
    if (has_now && has_before)
        change = results_plain_tenths(now - before);
    csv_row(t, "gross_margin", item, a.text, b.text, change.text, "");
}

static void csv_statement(csv_out *t, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int p = report->has_prior;
    csv_money(t, "statement", "Revenues", now->revenue, p, before->revenue);
    csv_money(t, "statement", "Gross profit", now->gross_profit, p, before->gross_profit);
    csv_money(t, "statement", "Income before income taxes", now->income_before_taxes, p,
              before->income_before_taxes);
    csv_money(t, "statement", "Provision (benefit) for income taxes", now->income_taxes, p,
              before->income_taxes);
    csv_money(t, "statement", "Net income", now->net_income, p, before->net_income);
    csv_eps(t, "Basic earnings per share", report, now->eps_basic_cents, before->eps_basic_cents);
    csv_eps(t, "Diluted earnings per share", report, now->eps_diluted_cents,
            before->eps_diluted_cents);
    int shares_before = p && before->has_shares;
    csv_count(t, "statement", "Weighted average shares outstanding - basic", now->has_shares,
              now->shares_basic, shares_before, before->shares_basic);
    csv_count(t, "statement", "Weighted average shares outstanding - diluted", now->has_shares,
              now->shares_diluted, shares_before, before->shares_diluted);
}

/* The balance sheet against the previous fiscal year end, as the page
 * and the release compare it. */
static void csv_balance_sheet(csv_out *t, const results_report *report)
{
    const results_position *now = &report->current.position, *before = &report->year_end;
    int p = report->has_year_end;
    csv_dates_day(t, now->date, p, before->date);
    csv_money(t, "balance_sheet", "Cash and marketable securities", now->cash_and_securities, p,
              before->cash_and_securities);
    csv_money(t, "balance_sheet", "Other current assets", now->other_current_assets, p,
              before->other_current_assets);
    csv_money(t, "balance_sheet", "Non-current assets", now->non_current_assets, p,
              before->non_current_assets);
    csv_money(t, "balance_sheet", "Total assets", now->total_assets, p, before->total_assets);
    csv_money(t, "balance_sheet", "Current liabilities", now->current_liabilities, p,
              before->current_liabilities);
    csv_money(t, "balance_sheet", "Long-term liabilities", now->long_term_liabilities, p,
              before->long_term_liabilities);
    csv_money(t, "balance_sheet", "Shareholders' equity", now->equity, p, before->equity);
    csv_money(t, "balance_sheet", "Total liabilities and shareholders' equity",
              now->total_liabilities_and_equity, p, before->total_liabilities_and_equity);
}

static void csv_segments(csv_out *t, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int p = report->has_prior;
    csv_money(t, "revenue", "Blood products", now->blood_products_revenue, p,
              before->blood_products_revenue);
    csv_money(t, "revenue", "Ongoing donor centers", now->ongoing_revenue, p,
              before->ongoing_revenue);
    csv_money(t, "revenue", "Closed donor centers", now->closed_revenue, p, before->closed_revenue);
    csv_money(t, "revenue", "Blood services", now->blood_services_revenue, p,
              before->blood_services_revenue);
    csv_money(t, "revenue", "Total", now->revenue, p, before->revenue);
    csv_money(t, "gross_profit", "Blood products", now->blood_products_gross_profit, p,
              before->blood_products_gross_profit);
    csv_money(t, "gross_profit", "Ongoing donor centers", now->ongoing_gross_profit, p,
              before->ongoing_gross_profit);
    csv_money(t, "gross_profit", "Closed donor centers", now->closed_gross_profit, p,
              before->closed_gross_profit);
    csv_money(t, "gross_profit", "Blood services", now->blood_services_gross_profit, p,
              before->blood_services_gross_profit);
    csv_money(t, "gross_profit", "Total", now->gross_profit, p, before->gross_profit);
    csv_margin(t, "Total", now->gross_profit, now->revenue, p, before->gross_profit,
               before->revenue);
    csv_margin(t, "Ongoing donor centers", now->ongoing_gross_profit, now->ongoing_revenue, p,
               before->ongoing_gross_profit, before->ongoing_revenue);
}

static void csv_expenses(csv_out *t, const results_report *report)
{
    size_t count;
    results_ga_movement *movements = results_ga_movements(report, &count);
    for (size_t i = 0; i < count; i++) {
        char item[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2];
        snprintf(item, sizeof item, "%s %s", movements[i].code, movements[i].name);
        csv_money(t, "general_administrative", item, movements[i].current, report->has_prior,
                  movements[i].prior);
    }
    free(movements);
    csv_money(t, "general_administrative", "Total", report->current.general_administrative,
              report->has_prior, report->prior.general_administrative);
    csv_money(t, "other", "Other expense (income), net", report->current.other_expense,
              report->has_prior, report->prior.other_expense);
}

/* Working capital, receivables, DSO (and cash) against one earlier
 * position: the same date a year earlier ("position") or the previous
 * fiscal year end ("year_end"). */
static void csv_position(csv_out *t, const char *section, const results_position *now, int has_before,
                         const results_position *before)
{
    csv_dates_day(t, now->date, has_before, before->date);
    csv_money(t, section, "Cash and marketable securities", now->cash_and_securities, has_before,
              before->cash_and_securities);
    csv_money(t, section, "Working capital", now->working_capital, has_before,
              before->working_capital);
    csv_money(t, section, "Net accounts receivable", now->net_receivables, has_before,
              before->net_receivables);
    results_text a = {""}, b = {""}, change = {""};
    if (now->has_dso)
        a = results_integer(now->dso_days);
    if (has_before && before->has_dso)
        b = results_integer(before->dso_days);
    if (now->has_dso && has_before && before->has_dso)
        change = results_integer(now->dso_days - before->dso_days);
    csv_row(t, section, "Days sales outstanding", a.text, b.text, change.text, "");
}

static void csv_centers(csv_out *t, const results_report *report)
{
    static const results_center none; /* a period without the center: zeros */
    size_t count;
    results_center_pair *pairs = results_center_pairs(report, &count);
    for (size_t i = 0; i < count; i++) {
        const results_center *now = pairs[i].current ? pairs[i].current : &none;
        const results_center *before = pairs[i].prior ? pairs[i].prior : &none;
        char item[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 12];
        results_center_label(&pairs[i], item, sizeof item);
        if (!pairs[i].current || pairs[i].current->closed)
            strcat(item, " (closed)");
        int p = report->has_prior;
        csv_money(t, "center_revenue", item, now->revenue, p, before->revenue);
        csv_money(t, "center_cost", item, now->cost, p, before->cost);
        csv_money(t, "center_gross_profit", item, now->gross_profit, p, before->gross_profit);
    }
    free(pairs);
}

void results_render_csv(const results_report *report, buffer *out)
{
    table csv;
    table_init(&csv, out, TABLE_CSV, 0);
    static const char *const heads[] = {"section", "item",           "current",      "prior",
                                        "change",  "change_percent", "current_date", "prior_date"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        table_add_column(&csv, heads[i], 0, TABLE_LEFT);
    table_begin(&csv, NULL, NULL);
    csv_out out_dates = {.table = &csv}, *t = &out_dates;
    csv_dates_span(t, &report->current, report->has_prior, &report->prior);
    csv_statement(t, report);
    csv_balance_sheet(t, report);
    csv_dates_span(t, &report->current, report->has_prior, &report->prior);
    csv_segments(t, report);
    csv_expenses(t, report);
    csv_position(t, "position", &report->current.position, report->has_prior,
                 &report->prior.position);
    if (report->has_year_end)
        csv_position(t, "year_end", &report->current.position, 1, &report->year_end);
    csv_dates_span(t, &report->current, report->has_prior, &report->prior);
    csv_centers(t, report);
    table_end(&csv);
}

/* ======================================================================
 * HTML
 * ==================================================================== */

/* HTML text and attribute values, escaped. */
static void html_escape(buffer *out, const char *text)
{
    buffer_append_markup(out, text, strlen(text));
}

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
    buffer_append_markup(out, text, (size_t)(p - text));
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
            buffer_printf(out, ": %s</title></rect>\n", results_dollars(bars[i].value[s]).text);
            buffer_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                          CHART_WIDTH - 2, bar_y + CHART_BAR - 3,
                          results_dollars(bars[i].value[s]).text);
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
    results_text a = results_period_name(now), b = results_period_name(before);
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
    results_center_pair *pairs = results_center_pairs(report, &count);
    if (count == 0) {
        free(pairs);
        return;
    }
    chart_bar *bars = results_allocate(count, sizeof *bars);
    char(*labels)[RESULTS_CODE_MAX + RESULTS_NAME_MAX + 2] =
        results_allocate(count, sizeof *labels);
    for (size_t i = 0; i < count; i++) {
        results_center_label(&pairs[i], labels[i], sizeof labels[i]);
        bars[i].label = labels[i];
        bars[i].value[0] = pairs[i].current ? pairs[i].current->gross_profit : 0;
        bars[i].value[1] = pairs[i].prior ? pairs[i].prior->gross_profit : 0;
    }
    results_text a = results_period_name(&report->current), b = results_period_name(&report->prior);
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
    while (results_next_line(&cursor, &line, &length)) {
        buffer_append_text(out, "<li>");
        buffer_append_markup(out, line, length);
        buffer_append_text(out, "</li>\n");
    }
    buffer_append_text(out, "</ul>\n</section>\n");
}

static void html_heading(buffer *out, const results_report *report)
{
    const results_period *now = &report->current;
    buffer_printf(out, "<h1>Quarterly results: %s quarter %d</h1>\n<p>Three months ended %s",
                  results_quarter_word(now), now->period.year,
                  results_long_date(now->last_day).text);
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
                  results_period_name(&report->current).text, html_style);
    html_heading(out, report);
    if (results_nothing_posted(report)) {
        buffer_append_text(out, "<p>");
        buffer found = BUFFER_INIT;
        results_nothing_posted_sentence(report, &found);
        buffer_append_markup(out, buffer_text(&found), found.length);
        buffer_free(&found);
        buffer_append_text(out, "</p>\n</main>\n</body>\n</html>\n");
        buffer_free(&findings_text);
        return;
    }
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
    buffer_printf(out, "<p>%s</p>\n", results_receivables_source(&report->current.position));
    buffer_append_text(out, "<h2>Donor centers</h2>\n");
    section_centers_of(TABLE_HTML, out, &report->current);
    if (report->has_prior)
        section_centers_of(TABLE_HTML, out, &report->prior);
    html_center_chart(out, report);
    section_covenants(TABLE_HTML, out, report);
    html_findings(out, &findings_text, count);
    buffer_append_text(out, "</main>\n</body>\n</html>\n");
    buffer_free(&findings_text);
}

/* ======================================================================
 * The draft earnings release
 * ==================================================================== */

enum { RELEASE_WIDTH = 76 };

/* ======================================================================
 * PDF
 * ==================================================================== */

int results_render_pdf(const results_report *report, buffer *out, err *e)
{
    buffer text = BUFFER_INIT;
    char title[sizeof(results_phrase)];
    snprintf(title, sizeof title, "Quarterly results, %s",
             results_period_name(&report->current).text);
    results_render_text(report, &text);
    int rc = pdf_from_text(title, report->company, buffer_text(&text), out, e);
    buffer_free(&text);
    return rc;
}
