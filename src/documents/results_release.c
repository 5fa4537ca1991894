/*
 * results_release.c - the draft earnings release (results_release.h): one
 * function per paragraph, each choosing its words from the signs and sizes
 * of the figures (increased or decreased, income or loss, the accounts that
 * moved most), then the consistency findings as a list.
 *
 * Pure: no I/O, no clock, no global or static mutable state.
 */
#include "documents/results_release.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/results_format.h"
#include "documents/table.h"

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
            if (line > 0 && table_span_width(text, end) > room)
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
    int64_t basic = results_magnitude(period->eps_basic_cents);
    int64_t diluted = results_magnitude(period->eps_diluted_cents);
    if (basic == diluted)
        buffer_printf(p, ", or %s per share basic and diluted", results_per_share(basic).text);
    else
        buffer_printf(p, ", or %s per share basic and %s per share diluted",
                      results_per_share(basic).text, results_per_share(diluted).text);
}

static void release_opening(buffer *p, const results_report *report)
{
    const results_period *now = &report->current;
    buffer_printf(p, "The Company today announced %s quarter %d results of operations that ",
                  results_quarter_word(now), now->period.year);
    if (now->net_income == 0) {
        buffer_printf(p, "broke even on revenue of %s.", results_dollars(now->revenue).text);
        return;
    }
    buffer_printf(p, "resulted in a %s of %s", now->net_income > 0 ? "profit" : "loss",
                  results_dollars(results_magnitude(now->net_income)).text);
    per_share_clause(p, now);
    buffer_printf(p, ", on revenue of %s.", results_dollars(now->revenue).text);
}

static void release_revenue_total(buffer *p, const results_period *now,
                                  const results_period *before)
{
    buffer_printf(p, "Revenue in the %s quarter of %d was ", results_quarter_word(now),
                  now->period.year);
    int64_t change = now->revenue - before->revenue, tenths;
    if (change == 0)
        buffer_append_text(p, "the same as");
    else if (!results_change_tenths(now->revenue, before->revenue, &tenths))
        buffer_printf(p, "%s, compared with", results_dollars(now->revenue).text);
    else if (tenths == 0)
        buffer_printf(p, "slightly %s than", change < 0 ? "less" : "more");
    else
        buffer_printf(p, "%s %s than", results_percent_size(tenths).text,
                      change < 0 ? "less" : "more");
    buffer_printf(p, " the %s reported in the same period of %d.",
                  results_dollars(before->revenue).text, before->period.year);
}

/* ", or 4.7%," : the size of a change in percent, when the prior is not
 * zero. */
static void change_percent_clause(buffer *p, int64_t now, int64_t before)
{
    int64_t tenths;
    if (results_change_tenths(now, before, &tenths))
        buffer_printf(p, ", or %s,", results_percent_size(tenths).text);
}

/* " SUBJECT decreased $94,000" and 1, or " SUBJECT was unchanged at
 * $1,891,000." and 0: the start of the sentences below. */
static int release_change_start(buffer *p, const char *subject, int64_t now, int64_t before)
{
    int64_t change = now - before;
    if (change == 0) {
        buffer_printf(p, " %s was unchanged at %s.", subject, results_dollars(now).text);
        return 0;
    }
    buffer_printf(p, " %s %s %s", subject, increase_word(change),
                  results_dollars(results_magnitude(change)).text);
    return 1;
}

/* "SUBJECT decreased $101,000 to $4,845,000, or 2.0%." */
static void release_change_to(buffer *p, const char *subject, int64_t now, int64_t before)
{
    int64_t tenths;
    if (!release_change_start(p, subject, now, before))
        return;
    buffer_printf(p, " to %s", results_dollars(now).text);
    if (results_change_tenths(now, before, &tenths))
        buffer_printf(p, ", or %s", results_percent_size(tenths).text);
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
    buffer_printf(p, " from %s reported in the %s quarter of %d.", results_dollars(before).text,
                  results_quarter_word(prior), prior->period.year);
}

/* "SUBJECT decreased $94,000, or 4.7%, to $1,891,000." */
static void release_change_by(buffer *p, const char *subject, int64_t now, int64_t before)
{
    if (!release_change_start(p, subject, now, before))
        return;
    change_percent_clause(p, now, before);
    buffer_printf(p, " to %s.", results_dollars(now).text);
}

static void release_revenue(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    if (!report->has_prior) {
        buffer_printf(p,
                      "Revenue in the %s quarter of %d was %s: blood products revenue of %s, "
                      "of which %s from ongoing donor centers, and blood services revenue of %s.",
                      results_quarter_word(now), now->period.year,
                      results_dollars(now->revenue).text,
                      results_dollars(now->blood_products_revenue).text,
                      results_dollars(now->ongoing_revenue).text,
                      results_dollars(now->blood_services_revenue).text);
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
                      results_dollars(now->closed_revenue).text,
                      results_dollars(before->closed_revenue).text, results_quarter_word(before),
                      before->period.year);
    release_change_by(p, "Blood services revenue in the quarter", now->blood_services_revenue,
                      before->blood_services_revenue);
}

/* "a gross profit of $1,431,000" / "a gross loss of $12,000" */
static results_phrase gross_result(int64_t profit)
{
    results_phrase t;
    snprintf(t.text, sizeof t.text, "a gross %s of %s", profit < 0 ? "loss" : "profit",
             results_dollars(results_magnitude(profit)).text);
    return t;
}

/* "increased to 21.2% from 14.4%" / "was unchanged at 21.2%" */
static void margin_movement(buffer *p, int64_t now, int64_t before, const char *from)
{
    if (now == before)
        buffer_printf(p, "was unchanged at %s", results_percent(now, 0).text);
    else
        buffer_printf(p, "%s to %s%s%s", increase_word(now - before), results_percent(now, 0).text,
                      from, results_percent(before, 0).text);
}

static void release_gross_profit(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    int64_t margin = 0, prior_margin = 0;
    int has_margin = results_percent_tenths(now->gross_profit, now->revenue, &margin);
    buffer_printf(p, "The %s quarter results produced %s", results_quarter_word(now),
                  gross_result(now->gross_profit).text);
    if (!report->has_prior) {
        if (has_margin)
            buffer_printf(p, ", a gross profit percentage of %s", results_percent(margin, 0).text);
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
                      results_quarter_word(before), before->period.year,
                      results_dollars(-before->closed_gross_profit).text);
    else if (before->closed_gross_profit > 0)
        buffer_printf(p,
                      " During the %s quarter of %d, the closed donor centers generated a "
                      "gross profit of %s.",
                      results_quarter_word(before), before->period.year,
                      results_dollars(before->closed_gross_profit).text);

    if (now->closed_gross_profit == 0 && before->closed_gross_profit < 0)
        buffer_printf(p,
                      " The closure of these facilities eliminated these operating losses in "
                      "the %s quarter of %d.",
                      results_quarter_word(now), now->period.year);
    else if (now->closed_gross_profit != 0)
        buffer_printf(p, " In the %s quarter of %d, the closed donor centers generated %s of %s.",
                      results_quarter_word(now), now->period.year,
                      now->closed_gross_profit < 0 ? "operating losses" : "a gross profit",
                      results_dollars(results_magnitude(now->closed_gross_profit)).text);
}

static void release_ongoing_centers(buffer *p, const results_period *now,
                                    const results_period *before)
{
    int64_t change = now->ongoing_gross_profit - before->ongoing_gross_profit, tenths;
    if (now->ongoing_gross_profit > 0 && before->ongoing_gross_profit > 0 && change != 0 &&
        results_change_tenths(now->ongoing_gross_profit, before->ongoing_gross_profit, &tenths))
        buffer_printf(p, " Gross profit from the ongoing donor centers %s %s to %s.",
                      increase_word(change), results_percent_size(tenths).text,
                      results_dollars(now->ongoing_gross_profit).text);
    else
        buffer_printf(p,
                      " Gross profit from the ongoing donor centers was %s, compared with %s "
                      "in the %s quarter of %d.",
                      results_dollars(now->ongoing_gross_profit).text,
                      results_dollars(before->ongoing_gross_profit).text,
                      results_quarter_word(before), before->period.year);

    int64_t margin, prior_margin;
    if (results_percent_tenths(now->ongoing_gross_profit, now->ongoing_revenue, &margin) &&
        results_percent_tenths(before->ongoing_gross_profit, before->ongoing_revenue,
                               &prior_margin)) {
        buffer_printf(p,
                      " The gross profit percentage for the ongoing donor centers during the "
                      "%s quarter ",
                      results_quarter_word(now));
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
                      results_dollars(now->blood_products_gross_profit).text,
                      results_dollars(now->ongoing_gross_profit).text);
        if (results_percent_tenths(now->ongoing_gross_profit, now->ongoing_revenue, &margin))
            buffer_printf(p, ", a gross profit percentage of %s", results_percent(margin, 0).text);
        buffer_append_char(p, '.');
        return;
    }
    int64_t change = now->blood_products_gross_profit - before->blood_products_gross_profit;
    if (change == 0) {
        buffer_printf(p, "Gross profit from the blood products segment was unchanged at %s.",
                      results_dollars(now->blood_products_gross_profit).text);
    } else {
        buffer_printf(p, "Gross profit from the blood products segment %s %s",
                      increase_word(change), results_dollars(results_magnitude(change)).text);
        change_percent_clause(p, now->blood_products_gross_profit,
                              before->blood_products_gross_profit);
        buffer_printf(p, " during the %s quarter of %d compared with %d.",
                      results_quarter_word(now), now->period.year, before->period.year);
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

static int64_t movement_size(const results_ga_movement *m)
{
    return results_magnitude(m->current - m->prior);
}

/* Index of the account that moved most (the first of equals), skipping
 * `skip`; count when none moved. */
static size_t largest_movement(const results_ga_movement *movements, size_t count, size_t skip)
{
    size_t best = count;
    for (size_t i = 0; i < count; i++)
        if (i != skip && movement_size(&movements[i]) > 0 &&
            (best == count || movement_size(&movements[i]) > movement_size(&movements[best])))
            best = i;
    return best;
}

/* The two accounts that moved most, most first. */
static size_t largest_movements(const results_ga_movement *movements, size_t count, size_t top[2])
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
    results_ga_movement *movements = results_ga_movements(report, &count);
    size_t found = largest_movements(movements, count, top);
    for (size_t i = 0; i < found; i++) {
        const results_ga_movement *m = &movements[top[i]];
        int64_t change = m->current - m->prior;
        buffer_append_text(p, i == 0 ? " This is primarily the result of " : " and ");
        buffer_printf(p, "%s in ", change < 0 ? "a decrease" : "an increase");
        account_phrase(p, m->name);
        buffer_printf(p, " of %s", results_dollars(results_magnitude(change)).text);
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
                      results_dollars(now->general_administrative).text, results_quarter_word(now),
                      now->period.year);
        return;
    }
    int64_t change = now->general_administrative - before->general_administrative;
    if (change == 0) {
        buffer_printf(p,
                      "General and administrative expenses were unchanged at %s in the %s "
                      "quarter of %d when compared with %d.",
                      results_dollars(now->general_administrative).text, results_quarter_word(now),
                      now->period.year, before->period.year);
    } else {
        buffer_printf(p, "General and administrative expenses %s in the %s quarter of %d by %s",
                      increase_word(change), results_quarter_word(now), now->period.year,
                      results_dollars(results_magnitude(change)).text);
        change_percent_clause(p, now->general_administrative, before->general_administrative);
        buffer_printf(p, " when compared with %d.", before->period.year);
    }
    release_expense_reasons(p, report);
}

/* "net income of $246,000" / "a net loss of $12,000" */
static results_phrase net_result(int64_t net_income)
{
    results_phrase t;
    snprintf(t.text, sizeof t.text, "%s of %s", net_income < 0 ? "a net loss" : "net income",
             results_dollars(results_magnitude(net_income)).text);
    return t;
}

/* "$14,000" when `before` is of the same kind (income, or loss) as `now`,
 * else the amount with its kind: "income of $14,000", "a loss of $9,000". */
static results_phrase compared_amount(int64_t now, int64_t before, const char *income,
                                      const char *loss)
{
    results_phrase t;
    if ((now < 0) == (before < 0))
        snprintf(t.text, sizeof t.text, "%s", results_dollars(results_magnitude(before)).text);
    else
        snprintf(t.text, sizeof t.text, "%s of %s", before < 0 ? loss : income,
                 results_dollars(results_magnitude(before)).text);
    return t;
}

/* "Income before income taxes was $246,000, compared with $14,000. The
 * provision for income taxes was $0, compared with $6,000." */
static void release_income_taxes(buffer *p, const results_period *now, const results_period *before)
{
    int64_t income = now->income_before_taxes, taxes = now->income_taxes;
    buffer_printf(p, " %s before income taxes was %s, compared with %s.",
                  income < 0 ? "The loss" : "Income",
                  results_dollars(results_magnitude(income)).text,
                  compared_amount(income, before->income_before_taxes, "income", "a loss").text);
    buffer_printf(p, " The %s was %s, compared with %s.",
                  taxes < 0 ? "income tax benefit" : "provision for income taxes",
                  results_dollars(results_magnitude(taxes)).text,
                  compared_amount(taxes, before->income_taxes, "a provision", "a benefit").text);
}

static void release_net_income(buffer *p, const results_report *report)
{
    const results_period *now = &report->current, *before = &report->prior;
    buffer_printf(p, "The %s quarter results produced %s", results_quarter_word(now),
                  net_result(now->net_income).text);
    per_share_clause(p, now);
    if (!report->has_prior) {
        buffer_append_char(p, '.');
        return;
    }
    int same_kind = (now->net_income < 0) == (before->net_income < 0);
    buffer_printf(p, ", compared with %s for the %s quarter of %d.",
                  same_kind ? results_dollars(results_magnitude(before->net_income)).text
                            : net_result(before->net_income).text,
                  results_quarter_word(before), before->period.year);
    release_income_taxes(p, now, before);
}

/* "the end of 2003" for a December 31 year end, else "March 31, 2003". */
static results_text year_end_name(civil_day day)
{
    int year, month, day_of_month;
    date_to_ymd(day, &year, &month, &day_of_month);
    results_text t;
    if (month == 12 && day_of_month == 31)
        snprintf(t.text, sizeof t.text, "the end of %d", year);
    else
        t = results_long_date(day);
    return t;
}

/* "increased to $1,763,000 from $1,179,000" */
static void amount_movement(buffer *p, int64_t now, int64_t before)
{
    if (now == before)
        buffer_printf(p, "was unchanged at %s from", results_dollars(now).text);
    else
        buffer_printf(p, "%s to %s from %s", increase_word(now - before), results_dollars(now).text,
                      results_dollars(before).text);
}

static void release_dso(buffer *p, const results_report *report)
{
    const results_position *now = &report->current.position;
    if (!now->has_dso)
        return;
    buffer_printf(p, " As of %s, days sales outstanding stood at %lld days",
                  results_long_date(now->date).text, (long long)now->dso_days);
    const results_position *earlier[2] = {report->has_year_end ? &report->year_end : NULL,
                                          report->has_prior ? &report->prior.position : NULL};
    int compared = 0;
    for (int i = 0; i < 2; i++) {
        if (earlier[i] == NULL || !earlier[i]->has_dso)
            continue;
        buffer_printf(p, "%s %lld days as of %s", compared ? ", and" : ", compared with",
                      (long long)earlier[i]->dso_days, results_long_date(earlier[i]->date).text);
        compared = 1;
    }
    buffer_append_char(p, '.');
}

static void release_balance_sheet(buffer *p, const results_report *report)
{
    const results_position *now = &report->current.position, *end = &report->year_end;
    buffer_printf(p, "The balance sheet as of %s shows cash and marketable securities of %s",
                  results_long_date(now->date).text,
                  results_dollars(now->cash_and_securities).text);
    if (!report->has_year_end) {
        buffer_printf(p, ". Working capital was %s and net accounts receivable were %s.",
                      results_dollars(now->working_capital).text,
                      results_dollars(now->net_receivables).text);
        release_dso(p, report);
        buffer_printf(p, " %s", results_receivables_source(now));
        return;
    }
    results_text end_name = year_end_name(end->date);
    buffer_printf(p, " compared with %s as of %s. Working capital ",
                  results_dollars(end->cash_and_securities).text, end_name.text);
    amount_movement(p, now->working_capital, end->working_capital);
    buffer_printf(p, " as of %s. Net accounts receivable ", end_name.text);
    amount_movement(p, now->net_receivables, end->net_receivables);
    buffer_printf(p, " as of %s.", results_long_date(end->date).text);
    release_dso(p, report);
    buffer_printf(p, " %s", results_receivables_source(now));
}

static void release_findings(buffer *out, const results_report *report)
{
    buffer findings_text = BUFFER_INIT, item = BUFFER_INIT;
    buffer_append_text(out, "Consistency findings\n--------------------\n\n");
    if (results_check(report, &findings_text) == 0)
        buffer_append_text(out, "No inconsistencies found.\n");
    const char *cursor = buffer_text(&findings_text), *line;
    size_t length;
    while (results_next_line(&cursor, &line, &length)) {
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
    snprintf(title, sizeof title, "DRAFT - %s QUARTER %d RESULTS", results_quarter_word(now),
             now->period.year);
    for (char *c = title; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    buffer_printf(out, "%s\n\n", title);

    buffer p = BUFFER_INIT;
    if (results_nothing_posted(report)) {
        results_nothing_posted_sentence(report, &p);
        paragraph(out, &p);
        buffer_free(&p);
        return;
    }
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
