/*
 * report.h - the financial reports (docs/reports.md): trial balance, income
 * statement, balance sheet, and the quarterly results with the draft
 * earnings release. Every figure comes from the monthly balances the ledger
 * keeps as entries post (ledger.h), never from a scan of the journal.
 *
 * The JSON of each report is documented in docs/reports.md; its keys are
 * stable. Money is a decimal string in dollars with two places
 * ("6736000.00"), percentages a string with one decimal ("-2.8") or null
 * when not meaningful (a zero prior).
 */
#ifndef BLOODOPS_SERVICE_REPORT_H
#define BLOODOPS_SERVICE_REPORT_H

#include "domain/results.h"
#include "service/service.h"

/* Which days a report covers: a period ("2004Q1", "2004-03", "2004") or
 * from..to dates; exactly one of the two forms. */
typedef struct {
    const char *period, *from, *to;
} report_range;

/* Per account: debits and credits of the range, and the balance at its end
 * (balance-sheet accounts since the beginning, income accounts since the
 * start of the fiscal year, earlier years' earnings on their own line). */
int report_trial_balance(service_context *ctx, const report_range *range, json_t **out, err *e);
/* Revenue, cost of revenue, gross profit, G&A, other, income before taxes,
 * provision, net income, each by account. */
int report_income_statement(service_context *ctx, const report_range *range, json_t **out,
                            err *e);
/* Assets, liabilities and equity by account at the end of `date`. */
int report_balance_sheet(service_context *ctx, const char *date, json_t **out, err *e);

/* The quarterly results of `period` ("2004Q1") compared with `compare`
 * (a quarter; NULL for the same quarter a year earlier; "none" for no
 * comparison). Ongoing and closed centers are those of the end of `period`,
 * for both quarters. The caller frees with results_report_free. */
int report_quarterly_load(service_context *ctx, const char *period, const char *compare,
                          results_report *out, err *e);

/* The report as JSON (figures, changes, findings), and back: a report JSON,
 * possibly edited by hand, read as it stands (nothing is re-derived) so its
 * consistency can be checked and a release drafted from it. */
json_t *report_quarterly_json(const results_report *report);
int report_quarterly_from_json(json_t *json, results_report *out, err *e);

/* What the dashboard shows for a quarter ("2004Q1"; NULL or "" for the
 * latest quarter with postings): the quarterly report against the same
 * quarter a year earlier, the quarters on record, revenue by segment for
 * each quarter up to the one shown (at most the last twelve), and the
 * income-statement accounts that moved most against the year before (at
 * most eight, largest first). Keys in docs/reports.md. */
int report_dashboard(service_context *ctx, const char *quarter, json_t **out, err *e);

/* The consistency findings of the latest quarter with postings, as the
 * quarterly report gives them (against the same quarter a year earlier):
 * {"quarter": "2004Q1"|null (nothing posted yet), "findings": [texts]}. */
int report_quarter_findings(service_context *ctx, json_t **out, err *e);

#endif
