/*
 * allowance.h - the allowance for doubtful accounts and what moves it
 * (docs/billing.md): the rates per aging bucket, the allowance an aging
 * requires and its adjusting entry, write-offs of what is open on an
 * invoice, recoveries of written-off amounts, and days sales outstanding
 * of a period from the ledger.
 *
 * Accounts: 1100 receivables, 1190 allowance for doubtful accounts, 6100
 * bad-debt provision, 1000 cash. Every change is one transaction with its
 * journal entry (source "billing") and its audit record; a date in a
 * closed period is refused naming "date". Amounts are dollar text.
 */
#ifndef BLOODOPS_SERVICE_ALLOWANCE_H
#define BLOODOPS_SERVICE_ALLOWANCE_H

#include "domain/receivables.h"
#include "service/service.h"

/* The rate of every bucket: {"rates": {"current": "1.00", ...}} (percent). */
int receivables_rates_get(service_context *ctx, json_t **out, err *e);
/* Set the rates given (rates[b] NULL leaves bucket b alone; at least one
 * is given). A bad rate is refused naming its bucket. */
int receivables_rates_set(service_context *ctx, const char *const rates[AGING_BUCKET_COUNT],
                          json_t **out, err *e);

/* The allowance at `date`: per bucket the aging's open amount, the rate
 * and the allowance it needs; "required", "balance" (what account 1190
 * holds, credit positive), "adjustment" (required - balance) and the
 * proposed "entry" (null when nothing to adjust). With post = 1 the entry
 * is posted under `reason` and "journal_entry" names it. */
int receivables_allowance(service_context *ctx, const char *date, int post, const char *reason,
                          json_t **out, err *e);

/* Write off what is open on the issued invoice `invoice` (number or id) on
 * `date`: allowance against receivable; what is open drops to zero. */
int receivables_write_off(service_context *ctx, const char *invoice, const char *date,
                          const char *reason, json_t **out, err *e);

/* Cash received on `date` for what was written off on `invoice`: the
 * write-off reversed up to `amount` (receivable against allowance) and the
 * cash recorded (cash against receivable), in one entry. */
int receivables_recover(service_context *ctx, const char *invoice, const char *date,
                        const char *amount, const char *reference, json_t **out, err *e);

/* The write-offs of `invoice` (number or id), the recoveries on them and
 * what is open on it: the answer of a write-off or a recovery. */
int receivables_write_offs_of(service_context *ctx, const char *invoice, json_t **out, err *e);
/* The write-offs of every invoice dated from..to (either may be NULL or
 * empty), newest first, as a list: {"items", "next_after", "total" when
 * sorted or offset}. */
typedef struct {
    const char *from, *to;
    service_page page; /* sort by date, invoice, amount, recovered, id */
} write_off_filter;
int receivables_write_offs_list(service_context *ctx, write_off_filter *filter, json_t **out,
                                err *e);

/* Days sales outstanding of a period ("2004Q1", "2004-03", "2004") from
 * the ledger: receivables and allowance at its last day, its revenue and
 * its days; "dso" in tenths as text ("46.5") and "dso_days", null without
 * revenue. */
int receivables_dso_of(service_context *ctx, const char *period, json_t **out, err *e);

/* The same figures inside the caller's snapshot for the days from..to:
 * receivables (accounts of the receivables group that are assets),
 * allowance (its contra accounts, credit positive) at `to`, revenue of the
 * days, and whether any billing document is dated up to `to`. */
typedef struct {
    int64_t receivables, allowance, revenue;
    int days, has_documents, has_dso;
    int64_t dso_tenths, dso_days;
} receivables_dso_figures;
int receivables_dso_at(db_conn *db, civil_day from, civil_day to, receivables_dso_figures *out,
                       err *e);

/* What the billing documents say at `day`: *has = 1 when an issued invoice
 * or a credit memo is dated up to it; *open: the aging's total (what the
 * documents leave open); *allowance: the allowance entries less the
 * write-offs plus the recoveries dated up to it. */
int receivables_documents_at(db_conn *db, civil_day day, int *has, int64_t *open,
                             int64_t *allowance, err *e);

#endif
