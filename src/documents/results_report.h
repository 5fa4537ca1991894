/*
 * results_report.h - the quarterly results as a document (the rules of
 * docs/reports.md, "The quarterly results"): the table of the published
 * release and the detail behind it, for a terminal, as CSV, as a
 * self-contained HTML page and as a PDF. The figures come from
 * domain/results.h, already derived; every rendering ends with (or, in
 * HTML, points to) the consistency findings of results_check.
 */
#ifndef BLOODOPS_DOCUMENTS_RESULTS_REPORT_H
#define BLOODOPS_DOCUMENTS_RESULTS_REPORT_H

#include "base/buffer.h"
#include "base/error.h"
#include "domain/results.h"

/* The table of the published release and the detail of docs/reports.md
 * ("The quarterly results"), for a terminal (whole dollars, changes in
 * dollars and percent). */
void results_render_text(const results_report *report, buffer *out);
/* One row per figure: section,item,current,prior,change,change_percent
 * (money in decimal dollars, two places; percents and margins in percent
 * with one decimal, the change of a margin in points; shares as integers;
 * DSO in whole days; empty cells where a figure does not apply). "prior" is
 * the comparison period, except in the section "year_end" where it is the
 * previous fiscal year end. Sections: statement, balance_sheet, revenue,
 * gross_profit, gross_margin, general_administrative, other, position,
 * year_end, center_revenue, center_cost, center_gross_profit. */
void results_render_csv(const results_report *report, buffer *out);
/* A self-contained HTML page (inline CSS, SVG bar charts), printable. */
void results_render_html(const results_report *report, buffer *out);
/* The text rendering as a PDF (documents/pdf.h), titled "Quarterly
 * results, Q1 2004". ERR_INTERNAL when cairo fails. */
int results_render_pdf(const results_report *report, buffer *out, err *e);

#endif
