/*
 * billing.h - use cases of billing and receivables (docs/billing.md):
 * customers, invoices (draft, then issued under a gapless yearly number),
 * credit memos, payments and their applications, and the aging at a date
 * tied to the receivables account of the ledger.
 *
 * Every change is one transaction with its audit record and, where money
 * moves, its journal entry posted through ledger_post in the same
 * transaction (accounts 1100 receivables, 1150 unbilled receivables, 2150
 * customer deposits, 1000 cash). A date in a closed period is refused
 * naming "date". Amounts are answered as dollar text ("1234.56").
 */
#ifndef BLOODOPS_SERVICE_BILLING_H
#define BLOODOPS_SERVICE_BILLING_H

#include "base/date.h"
#include "domain/receivables.h"
#include "service/ledger.h"
#include "service/service.h"

/* The most lines an invoice holds (a shipment's units each take one). */
enum { INVOICE_LINES_MAX = 400 };

/* --- customers ------------------------------------------------------------ */

/* Strings as given; NULL leaves a field alone in an edit. */
typedef struct {
    const char *code, *name, *market, *billing_address, *billing_terms_days;
} customer_input;

/* Add a customer that is not a hospital (every hospital already is one,
 * under its code). */
int customer_add(service_context *ctx, const customer_input *in, json_t **out, err *e);
/* Edit a customer that is not a hospital (a hospital's name, address,
 * market and terms are edited in the registry). */
int customer_edit(service_context *ctx, const char *code, const customer_input *in, json_t **out,
                  err *e);
/* One customer with what is open: {"code", "name", "kind", "market",
 * "billing_address", "billing_terms_days", "open", "unapplied"}. */
int customer_get(service_context *ctx, const char *code, json_t **out, err *e);

typedef struct {
    const char *search;  /* part of the code or name */
    service_page page;   /* sort by code, name, kind, market */
} customer_filter;
int customer_list(service_context *ctx, customer_filter *filter, json_t **out, err *e);

/* --- invoices -------------------------------------------------------------- */

/* A draft for the customer `customer` dated `date`; terms NULL: the
 * customer's. */
int invoice_create(service_context *ctx, const char *customer, const char *date,
                   const char *terms_days, json_t **out, err *e);

/* Inside the caller's transaction: a new draft for customer `customer`
 * (a customer's or a hospital's code; a hospital billed the first time
 * becomes a customer) dated `day` under the customer's terms, audited;
 * its id in *invoice_id. A day in a closed period is refused naming
 * "date", an unknown customer naming `field`. */
int invoice_draft_in(service_context *ctx, const char *customer, civil_day day,
                     const char *field, int64_t *invoice_id, err *e);

typedef struct {
    const char *description, *quantity, *price, *account, *center;
} invoice_line_input;

/* Add a manual line to a draft (`invoice` is its id). */
int invoice_line_add(service_context *ctx, const char *invoice, const invoice_line_input *in,
                     json_t **out, err *e);
/* Remove a manual line from a draft; a line from an event (a shipment, a
 * procedure, a contract fee, a trial task) is refused naming "line". */
int invoice_line_remove(service_context *ctx, const char *invoice, const char *line,
                        json_t **out, err *e);
/* Change a draft's date, its terms or both (NULL or "": unchanged); the
 * new date must fall in an open period ("date"), the terms 0 to 365
 * ("terms"). The due date is fixed when it is issued. An issued invoice
 * is refused naming "invoice". */
int invoice_edit(service_context *ctx, const char *invoice, const char *date,
                 const char *terms_days, json_t **out, err *e);
/* Delete a draft and its lines, audited with the draft as it was; the
 * answer is that draft with "deleted": true. Refused naming "invoice": an
 * issued invoice, and a draft holding a line from an event (its event
 * posted it to unbilled receivables). */
int invoice_delete(service_context *ctx, const char *invoice, json_t **out, err *e);

/* What another module's event bills (distribution, apheresis, contracts):
 * its source ("shipment", "procedure", "contract_fee", "trial_task"), the
 * record it comes from, and whether the event already recognised the
 * revenue into unbilled receivables (then issuing moves 1150 to 1100
 * instead of crediting revenue). */
typedef struct {
    const char *source, *source_ref;
    int recognised;
} invoice_line_origin;

/* Add a line to the draft `invoice_id` inside the caller's open
 * transaction (the caller audits its own event; this appends the line's
 * audit record). Refused like invoice_line_add. */
int invoice_line_post_in(service_context *ctx, int64_t invoice_id, const invoice_line_input *in,
                         const invoice_line_origin *origin, int64_t *line_id, err *e);

/* Change what is open on the issued invoice `invoice_id` by `change`
 * cents (negative: paid, credited or written off; positive: undone) from
 * `day`, the document's date, inside the caller's transaction. Refused
 * (ERR_CONFLICT naming "invoice") when it would fall below zero or above
 * the total. Every document that changes an invoice's open amount calls
 * it, so the row's open amount is what the aging of today reads, and the
 * open total of each day (receivables_days) what the report reads at a
 * past date. */
int invoice_open_change_in(service_context *ctx, int64_t invoice_id, int64_t change,
                           civil_day day, err *e);

/* Issue a draft: the next number of its year, the due date from its
 * terms, and the posting (receivables against each line's revenue, or
 * against unbilled receivables for recognised lines), dated the invoice
 * date. */
int invoice_issue(service_context *ctx, const char *invoice, json_t **out, err *e);
/* An invoice by id or number, with its lines, credits, applications and
 * what is open. */
int invoice_get(service_context *ctx, const char *invoice, json_t **out, err *e);

typedef struct {
    const char *status, *customer, *from, *to; /* invoice dates, inclusive */
    service_page page; /* sort by number, date, due_date, customer, total, open, status */
} invoice_filter;
int invoice_list(service_context *ctx, invoice_filter *filter, json_t **out, err *e);

/* --- credit memos ---------------------------------------------------------- */

typedef struct {
    const char *invoice;  /* number or id; NULL for a standalone credit */
    const char *customer; /* required for a standalone credit */
    const char *date, *amount, *reason;
    const char *account;  /* revenue reversed; default: the invoice's first line's */
    const char *center;   /* default: the same line's */
} credit_input;
int credit_create(service_context *ctx, const credit_input *in, json_t **out, err *e);
/* The same inside the caller's transaction (a return credited under its
 * contract): the credit memo's id in *credit_id. */
int credit_create_in(service_context *ctx, const credit_input *in, int64_t *credit_id, err *e);

/* Credit memos, against invoices and standalone, each with "type":
 * "credit"; every filter optional: a customer's code, an invoice's number,
 * credit dates from..to (inclusive). */
typedef struct {
    const char *customer, *invoice, *from, *to;
    service_page page; /* sort by id (the default), date, customer, invoice, amount */
} credit_filter;
int credit_list(service_context *ctx, credit_filter *filter, json_t **out, err *e);

/* --- payments --------------------------------------------------------------- */

typedef struct {
    const char *invoice, *amount;
} payment_application_input;

typedef struct {
    const char *customer, *date, *amount, *method, *reference;
    const payment_application_input *applications;
    size_t application_count;
} payment_input;

/* Record a payment: cash against receivables for what is applied, against
 * customer deposits for the rest (unapplied cash). */
int payment_record(service_context *ctx, const payment_input *in, json_t **out, err *e);
/* Apply unapplied cash of payment `payment` to invoices on `date`. */
int payment_apply(service_context *ctx, const char *payment, const char *date,
                  const payment_application_input *applications, size_t count, json_t **out,
                  err *e);
/* Undo an application: the money goes back to unapplied cash. */
int payment_unapply(service_context *ctx, const char *application, const char *date,
                    const char *reason, json_t **out, err *e);
int payment_get(service_context *ctx, const char *payment, json_t **out, err *e);

/* Payments without their applications, each with what is unapplied of
 * it; every filter optional: a customer's code, payment dates from..to
 * (inclusive), unapplied "true" (only those with unapplied cash) or
 * "false". */
typedef struct {
    const char *customer, *from, *to, *unapplied;
    service_page page; /* sort by id (the default), date, customer, amount, unapplied, reference */
} payment_filter;
int payment_list(service_context *ctx, payment_filter *filter, json_t **out, err *e);

/* --- aging ------------------------------------------------------------------- */

/* The open documents at `date` in buckets by due date (`by` "due" or NULL)
 * or invoice date ("invoice"), per customer with its documents, and the
 * tie-out: "ledger_receivables" (account 1100 at the date), "difference"
 * and "findings" (a sentence when they differ). */
int receivables_aging(service_context *ctx, const char *date, const char *by, json_t **out,
                      err *e);
/* The same inside the caller's transaction or snapshot, for a parsed day
 * (by_invoice 1: days from the invoice date). */
int receivables_aging_at(db_conn *db, civil_day day, int by_invoice, json_t **out, err *e);
/* What a customer's statement at `date` shows, read in one snapshot:
 * {"aging": the aging of every customer as receivables_aging answers it,
 * "unapplied": [{"payment", "date", "reference", "unapplied"}], the
 * customer's payments with cash not applied at that date, and
 * "unapplied_total"}. `code` is the customer's code as stored. */
int customer_statement_read(service_context *ctx, const char *code, const char *date,
                            const char *by, json_t **out, err *e);

/* The aging's totals alone, per bucket and per customer (by the
 * customer's row id), for a caller that needs no documents (a summary, a
 * benchmark). On or after every document it reads the open amounts kept
 * on the invoices (from_rows = 1) through the index of open invoices,
 * else it sums the documents as receivables_aging does. */
typedef struct {
    int64_t buckets[AGING_BUCKET_COUNT];
} aging_customer_totals;
typedef struct {
    int64_t buckets[AGING_BUCKET_COUNT], total;
    aging_customer_totals *customers; /* indexed by customer id, customer_count of them */
    size_t customer_count;
    int from_rows;
} aging_totals;
int receivables_aging_totals(db_conn *db, civil_day day, int by_invoice, aging_totals *out,
                             err *e);
void aging_totals_free(aging_totals *totals);

/* The balance (debits less credits) of the account `code` with every
 * posting dated up to `day`. */
int billing_account_balance_at(db_conn *db, const char *code, civil_day day, int64_t *balance,
                               err *e);

/* --- shared with the allowance's use cases (allowance.c) ------------------ */

/* A required date ("date"); with open = 1 it must also fall in an open
 * period. */
int billing_date_take(db_conn *db, const char *text, civil_day *day, int open, err *e);
/* Dollars with at most two decimals, more than zero. */
int billing_amount_take(const char *text, int64_t *cents, const char *field, err *e);
/* A required reason ("reason"). */
int billing_reason_take(const char *reason, err *e);
/* Post an entry of source "billing" through ledger_post. */
int billing_post(service_context *ctx, civil_day date, const char *description,
                 const char *source_ref, const ledger_line *lines, size_t count, int64_t *entry,
                 err *e);
/* The invoice an id or a number names (ERR_NOT_FOUND naming "invoice"). */
int billing_invoice_find(db_conn *db, const char *text, int64_t *id, err *e);

#endif
