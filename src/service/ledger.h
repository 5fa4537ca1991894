/*
 * ledger.h - use cases of the general ledger (docs/reports.md, "The ledger"):
 * the chart of accounts, posting journal entries (from operations, by hand,
 * by CSV import), reversals, export, closing periods with an electronic
 * signature, weighted shares, and the balances every report reads.
 *
 * Entries are never edited or deleted: a correction is a reversing entry.
 * Every posting checks that its lines balance (sum to zero), that each
 * account and center exists and that its date is not in a closed period,
 * then writes the entry, its lines and the monthly balances (per month,
 * account and center) in the caller's transaction, so reports read a few
 * hundred balance rows instead of the journal.
 */
#ifndef BLOODOPS_SERVICE_LEDGER_H
#define BLOODOPS_SERVICE_LEDGER_H

#include <stdio.h>
#include "base/buffer.h"
#include "base/date.h"
#include "domain/ledger.h"
#include "service/service.h"

/* --- chart of accounts ---------------------------------------------------- */

typedef struct {
    const char *code, *name, *type, *term, *segment, *group; /* strings as given */
} account_input;

int account_add(service_context *ctx, const account_input *in, json_t **out, err *e);
/* The whole chart in code order ({"items": [...]}); a chart is small. */
int account_list(service_context *ctx, json_t **out, err *e);

/* --- posting ------------------------------------------------------------- */

typedef struct {
    const char *account; /* account code */
    const char *center;  /* donor center or market code; NULL or "" for none */
    int64_t amount;      /* cents, debit positive, credit negative */
    const char *memo;    /* NULL for none */
} ledger_line;

typedef struct {
    civil_day date;
    const char *description;
    const char *source;     /* "distribution", "apheresis", "contracts", "manual"... */
    const char *source_ref; /* the record that produced it; NULL for none */
    const ledger_line *lines;
    size_t line_count;
} ledger_entry;

/* Post a balanced entry inside the caller's open transaction (the caller
 * began it with service_begin and commits it with its own event), with its
 * audit record. Refused (ERR_INVALID naming "lines[N].account" and so on)
 * when it does not balance, names an unknown account or center, or falls in
 * a closed period; the caller then rolls back its whole event. */
int ledger_post(service_context *ctx, const ledger_entry *entry, int64_t *entry_id, err *e);

/* Lookups the posting checks make, for services that check their input
 * before they post (billing names its own fields). */
/* The id of an account code; ERR_INVALID naming `field` when unknown. */
int ledger_account_id(db_conn *db, const char *code, int64_t *id, const char *field, err *e);
/* A center code must name a donor center or a market; "" or NULL is none. */
int ledger_center_check(db_conn *db, const char *code, const char *field, err *e);
/* The closed period holding `date`, or "" when the date is open. */
int ledger_closed_period_of(db_conn *db, civil_day date, char period[LEDGER_PERIOD_TEXT_MAX],
                            err *e);

/* A manual entry as strings (CLI arguments, a JSON body). */
typedef struct {
    const char *account, *center, *amount, *memo; /* amount: signed dollars "-1500.00" */
} journal_line_input;

typedef struct {
    const char *date, *description;
    const journal_line_input *lines;
    size_t line_count;
} journal_entry_input;

int journal_post(service_context *ctx, const journal_entry_input *in, json_t **out, err *e);
/* Reverse an entry: a new entry of the opposite lines, dated `date` (NULL:
 * the original's date), with a required reason. An entry is reversed once. */
int journal_reverse(service_context *ctx, const char *entry_id, const char *date,
                    const char *reason, json_t **out, err *e);
int journal_get(service_context *ctx, const char *entry_id, json_t **out, err *e);

typedef struct {
    const char *from, *to; /* entry dates, inclusive; NULL for open ends */
    const char *account;   /* entries with a line on this account */
    const char *source;    /* entries of this source ("manual", "import"...) */
    const char *search;    /* part of the description, entry key or a line's memo */
    service_page page;     /* `after` is an entry id; sort by id, date, description,
                            * source, total, created_at, created_by */
} journal_filter;
/* Entries in number order (or sorted, with the total count). With an
 * account, each entry also carries that account's debits and credits in it
 * ("account_debits", "account_credits") and the answer their sums over
 * every entry the filters match ("account_totals": {"account", "debits",
 * "credits"}), read in the same snapshot: the activity a trial balance
 * shows for the account over the same dates. */
int journal_list(service_context *ctx, journal_filter *filter, json_t **out, err *e);

/* --- import and export --------------------------------------------------- */

enum { JOURNAL_IMPORT_ERRORS_MAX = 1000 };

typedef struct {
    void (*progress)(void *context, long lines_read); /* every 100,000 lines; may be NULL */
    void *progress_context;
    /* NULL: a file already imported (same SHA-256) or an entry key already
     * imported (or used twice in the file) is refused, naming the earlier
     * import. A reason (words, audited with the import) imports it again
     * on purpose. */
    const char *reimport_reason;
} journal_import_options;

/* Import a CSV journal (header date,entry,account,center,amount,memo) as a
 * whole or not at all. On success *out is {"import_id", "entries", "lines",
 * "sha256", "first_entry", "last_entry"}. When anything is wrong the
 * journal is untouched, the call returns -1 with ERR_INVALID and *out is
 * {"errors": [{"line", "field", "message"}...], "error_count"} listing
 * every problem by line number (the first JOURNAL_IMPORT_ERRORS_MAX). */
int journal_import(service_context *ctx, FILE *csv, const char *file_name,
                   const journal_import_options *options, json_t **out, err *e);

/* Write entries dated from..to (NULL for open ends), in entry order, to
 * `write` in chunks: JOURNAL_EXPORT_CSV is the import format;
 * JOURNAL_EXPORT_HLEDGER is hledger's journal syntax (docs/reports.md,
 * "The journal for hledger"). */
typedef enum { JOURNAL_EXPORT_CSV, JOURNAL_EXPORT_HLEDGER } journal_export_format;
typedef int (*journal_write_fn)(void *context, const char *bytes, size_t length);
int journal_export(service_context *ctx, const char *from, const char *to,
                   journal_export_format format, journal_write_fn write, void *write_context,
                   err *e);

/* --- periods and shares --------------------------------------------------- */

/* Close a period ("2004-03", "2004Q1", "2004") with the electronic
 * signature of `signer`, who re-enters the password; the signer must hold
 * the finance or admin role. */
int period_close(service_context *ctx, const char *period, const char *signer,
                 const char *password, const char *reason, json_t **out, err *e);
int period_list(service_context *ctx, json_t **out, err *e);
/* The months to close (docs/worklists.md): those that ended before the
 * month of `today`, after the last closed period (the one that ends
 * last), and hold postings, oldest first:
 *   {"last_closed": "2004Q1"|null,
 *    "items": [{"period": "2004-04", "first_day", "last_day"}]}. */
int ledger_periods_to_close(service_context *ctx, civil_day today, json_t **out, err *e);

int shares_set(service_context *ctx, const char *period, const char *basic,
               const char *diluted, json_t **out, err *e);
int shares_list(service_context *ctx, json_t **out, err *e);

/* --- balances for reports ------------------------------------------------- */

/* One account's chart entry as reports need it. */
typedef struct {
    int64_t id;
    char code[LEDGER_ACCOUNT_CODE_MAX + 1];
    char name[128];
    account_type type;
    int non_current;         /* term */
    int segment_services;    /* 0 blood products, 1 blood services (when it has one) */
    char report_group[16];   /* "cash", "receivables" or "" */
} ledger_account;

typedef struct {
    ledger_account *items;
    size_t count;
} ledger_chart;

int ledger_chart_load(db_conn *db, ledger_chart *chart, err *e);
void ledger_chart_free(ledger_chart *chart);
const ledger_account *ledger_chart_find(const ledger_chart *chart, int64_t account_id);

/* Debits and credits (both positive) of one account and center. */
typedef struct {
    int64_t account_id;
    char center[24];
    int64_t debit, credit;
} ledger_sum;

typedef struct {
    ledger_sum *items;
    size_t count, capacity;
} ledger_sums;

/* Sum the postings dated from..to (inclusive; from = 0 for "since the
 * beginning") per account and center. Whole months come from the balances;
 * only the days of a partial first or last month are read from the journal
 * (through the entry date index). */
int ledger_sums_between(db_conn *db, civil_day from, civil_day to, ledger_sums *out, err *e);
void ledger_sums_free(ledger_sums *sums);
/* How many journal entries are dated from..to (inclusive): 0 says a
 * period has nothing posted, which the reports say in words rather than
 * as a page of zeros. Reads through the entry date index. */
int ledger_entries_between(db_conn *db, civil_day from, civil_day to, int64_t *count, err *e);
/* Add one sum at the end (growing the array); -1 when out of memory. */
int ledger_sums_append(ledger_sums *sums, const ledger_sum *sum);

/* The weighted shares of a quarter; *found = 0 when none were set. */
int ledger_shares_of(db_conn *db, const char *quarter_text, int64_t *basic, int64_t *diluted,
                     int *found, err *e);

#endif
