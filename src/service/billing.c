/*
 * billing.c - customers, invoices, credit memos, payments and the aging
 * (see billing.h). The one writer of customers, invoice_counters,
 * invoices, invoice_lines, credit_memos, payments and payment_applications.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/receivables.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/billing.h"
#include "service/ledger.h"
#include "service/registry.h"

enum { PAYMENT_APPLICATIONS_MAX = 200 };

static json_t *money_json(int64_t cents)
{
    char text[MONEY_TEXT_MAX];
    return json_string(money_format(cents, MONEY_PLAIN, text, sizeof text));
}

static const char *now_text(char out[TIMESTAMP_TEXT_MAX])
{
    return timestamp_format(timestamp_now(), out, TIMESTAMP_TEXT_MAX);
}

/* A date's posting must fall in an open period. */
static int date_open(db_conn *db, civil_day day, const char *field, err *e)
{
    char closed[LEDGER_PERIOD_TEXT_MAX], text[DATE_TEXT_MAX];
    if (ledger_closed_period_of(db, day, closed, e))
        return -1;
    if (*closed)
        return err_set(e, ERR_INVALID, field, "%s falls in the closed period %s",
                       date_format(day, text, sizeof text), closed);
    return 0;
}

static int amount_take(const char *text, int64_t *cents, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (dollars, e.g. 125.00)");
    if (receivables_price_parse(text, cents, field, e))
        return -1;
    if (*cents <= 0)
        return err_set(e, ERR_INVALID, field, "must be more than zero");
    return 0;
}

static int reason_take(const char *reason, err *e)
{
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "is required: say why");
    return registry_text_check(reason, RECEIVABLES_REASON_MAX, "reason", e);
}

static int id_take(const char *text, int64_t *id, const char *field, err *e)
{
    long value;
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (service_number_take(text, 1, 2000000000L, &value, field, e))
        return -1;
    *id = value;
    return 0;
}

static int post(service_context *ctx, civil_day date, const char *description,
                const char *source_ref, const ledger_line *lines, size_t count, int64_t *entry,
                err *e)
{
    ledger_entry entry_in = {.date = date,
                             .description = description,
                             .source = "billing",
                             .source_ref = source_ref,
                             .lines = lines,
                             .line_count = count};
    return ledger_post(ctx, &entry_in, entry, e);
}

/* --- customers ------------------------------------------------------------ */

/* Every customer: the rows of customers (a hospital's fields read from the
 * registry) and the hospitals not billed yet. */
#define CUSTOMERS_SQL                                                                              \
    "(SELECT c.code AS code, COALESCE(h.name, c.name) AS name, "                                  \
    "CASE WHEN c.hospital_id IS NULL THEN 'other' ELSE 'hospital' END AS kind, m.code AS market, " \
    "COALESCE(h.address, c.billing_address) AS billing_address, "                                 \
    "COALESCE(h.billing_terms_days, c.billing_terms_days) AS billing_terms_days "                 \
    "FROM customers c LEFT JOIN hospitals h ON h.id = c.hospital_id "                             \
    "LEFT JOIN markets m ON m.id = COALESCE(h.market_id, c.market_id) "                           \
    "UNION ALL SELECT h.code, h.name, 'hospital', m.code, h.address, h.billing_terms_days "       \
    "FROM hospitals h LEFT JOIN markets m ON m.id = h.market_id "                                 \
    "WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.hospital_id = h.id))"

static const service_column customer_columns[] = {
    {"code", SERVICE_COLUMN_TEXT},
    {"name", SERVICE_COLUMN_TEXT},
    {"kind", SERVICE_COLUMN_TEXT},
    {"market", SERVICE_COLUMN_TEXT},
    {"billing_address", SERVICE_COLUMN_TEXT},
    {"billing_terms_days", SERVICE_COLUMN_INTEGER},
};
#define CUSTOMER_COLUMNS "code, name, kind, market, billing_address, billing_terms_days"

static json_t *customer_json(db_stmt *stmt)
{
    return service_row_object(stmt, customer_columns,
                              sizeof customer_columns / sizeof customer_columns[0]);
}

static int customer_fetch(db_conn *db, const char *code, json_t **out, const char *field, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " CUSTOMER_COLUMNS " FROM " CUSTOMERS_SQL " cu WHERE code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    return service_fetch_one(stmt, customer_json, out, field, e, "no customer '%s'", code);
}

/* The customers row of `code` (made for a hospital billed the first
 * time when `make`): its id and terms. 1 when there is no such customer
 * (ERR_INVALID naming `field` set). */
static int customer_resolve(service_context *ctx, const char *raw, int make, const char *field,
                            int64_t *id, long *terms, err *e)
{
    char code[REGISTRY_CODE_MAX + 8];
    if (registry_code_take(raw, code, field, e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT c.id, COALESCE(h.billing_terms_days, c.billing_terms_days) "
                   "FROM customers c LEFT JOIN hospitals h ON h.id = c.hospital_id "
                   "WHERE c.code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *id = db_column_int64(stmt, 0);
        if (terms)
            *terms = (long)db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    if (step != DB_DONE)
        return step == DB_ROW ? 0 : -1;
    int64_t hospital_id;
    int found = service_id_find(ctx->db, "SELECT id FROM hospitals WHERE code = ?", code,
                                &hospital_id, e);
    if (found == 1) {
        err_set(e, ERR_INVALID, field, "no customer or hospital '%s'", code);
        return 1;
    }
    if (found)
        return -1;
    if (!make) {
        *id = 0;
        return 0;
    }
    char now[TIMESTAMP_TEXT_MAX];
    if (db_prepare(ctx->db,
                   "INSERT INTO customers (code, hospital_id, created_at, created_by) "
                   "VALUES (?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_bind_int64(stmt, 2, hospital_id);
    db_bind_text(stmt, 3, now_text(now));
    db_bind_text(stmt, 4, ctx->actor.username);
    if (db_insert_returning_id(stmt, id, e))
        return -1;
    if (terms) {
        if (db_prepare(ctx->db, "SELECT billing_terms_days FROM hospitals WHERE id = ?", &stmt, e))
            return -1;
        db_bind_int64(stmt, 1, hospital_id);
        step = db_step(stmt, e);
        if (step == DB_ROW)
            *terms = (long)db_column_int64(stmt, 0);
        db_reset(stmt);
        if (step != DB_ROW)
            return -1;
    }
    json_t *record = NULL;
    if (customer_fetch(ctx->db, code, &record, field, e))
        return -1;
    int rc = audit_append(ctx, "customer", code, "create", NULL, record,
                          "a hospital billed the first time", e);
    json_decref(record);
    return rc;
}

/* Check the fields of a customer that is not a hospital. */
static int customer_fields_check(service_context *ctx, const customer_input *in, int adding,
                                 int64_t *market_id, long *terms, err *e)
{
    if (adding || in->name) {
        if (registry_required_text_check(in->name, REGISTRY_NAME_MAX, "name", e))
            return -1;
    }
    if (in->billing_address &&
        registry_text_check(in->billing_address, REGISTRY_ADDRESS_MAX, "billing_address", e))
        return -1;
    if (in->billing_terms_days &&
        (service_number_take(in->billing_terms_days, 0, 365, terms, "billing_terms_days", e) ||
         registry_billing_terms_check(*terms, "billing_terms_days", e)))
        return -1;
    *market_id = 0;
    if (in->market && *in->market) {
        char market[REGISTRY_CODE_MAX + 8];
        if (registry_code_take(in->market, market, "market", e) ||
            registry_market_id(ctx->db, market, market_id, "market", e))
            return -1;
    }
    return 0;
}

int customer_add(service_context *ctx, const customer_input *in, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], now[TIMESTAMP_TEXT_MAX];
    int64_t market_id;
    long terms = 30;
    if (registry_code_take(in->code, code, "code", e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int rc = -1;
    if (customer_fields_check(ctx, in, 1, &market_id, &terms, e))
        goto done;
    json_t *existing = NULL;
    if (customer_fetch(ctx->db, code, &existing, "code", e) == 0) {
        json_decref(existing);
        err_set(e, ERR_CONFLICT, "code", "%s is already a customer", code);
        goto done;
    }
    if (e->code != ERR_NOT_FOUND)
        goto done;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO customers (code, name, market_id, billing_address, "
                   "billing_terms_days, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_bind_text(stmt, 2, in->name);
    if (market_id)
        db_bind_int64(stmt, 3, market_id);
    else
        db_bind_null(stmt, 3);
    db_bind_text(stmt, 4, in->billing_address ? in->billing_address : "");
    db_bind_int64(stmt, 5, terms);
    db_bind_text(stmt, 6, now_text(now));
    db_bind_text(stmt, 7, ctx->actor.username);
    if (db_exec_stmt(stmt, e) || customer_fetch(ctx->db, code, &record, "code", e))
        goto done;
    rc = audit_append(ctx, "customer", code, "create", NULL, record, NULL, e);
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int customer_edit(service_context *ctx, const char *raw, const customer_input *in, json_t **out,
                  err *e)
{
    char code[REGISTRY_CODE_MAX + 8];
    int64_t market_id;
    long terms = -1;
    if (registry_code_take(raw, code, "code", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    int rc = -1;
    if (customer_fetch(ctx->db, code, &before, "code", e))
        goto done;
    if (strcmp(json_string_value(json_object_get(before, "kind")), "hospital") == 0) {
        err_set(e, ERR_INVALID, "code",
                "%s is a hospital: edit its name, address, market and terms in the registry", code);
        goto done;
    }
    if (customer_fields_check(ctx, in, 0, &market_id, &terms, e))
        goto done;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "UPDATE customers SET name = CASE WHEN ? = 1 THEN ? ELSE name END, "
                   "billing_address = CASE WHEN ? = 1 THEN ? ELSE billing_address END, "
                   "billing_terms_days = CASE WHEN ? >= 0 THEN ? ELSE billing_terms_days END, "
                   "market_id = CASE WHEN ? = 1 THEN ? ELSE market_id END WHERE code = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, in->name != NULL);
    db_bind_text(stmt, 2, in->name ? in->name : "");
    db_bind_int64(stmt, 3, in->billing_address != NULL);
    db_bind_text(stmt, 4, in->billing_address ? in->billing_address : "");
    db_bind_int64(stmt, 5, terms);
    db_bind_int64(stmt, 6, terms);
    db_bind_int64(stmt, 7, in->market != NULL);
    if (market_id)
        db_bind_int64(stmt, 8, market_id);
    else
        db_bind_null(stmt, 8);
    db_bind_text(stmt, 9, code);
    if (db_exec_stmt(stmt, e) || customer_fetch(ctx->db, code, &after, "code", e))
        goto done;
    rc = audit_append(ctx, "customer", code, "update", before, after, NULL, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* What is open on a customer's invoices and credits, and its unapplied
 * cash, as they stand. */
static int customer_balances(db_conn *db, const char *code, int64_t *open, int64_t *unapplied,
                             err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT COALESCE((SELECT SUM(i.open_cents) FROM invoices i "
                   "WHERE i.customer_id = c.id AND i.status = 'issued'), 0) "
                   "- COALESCE((SELECT SUM(cm.amount_cents) FROM credit_memos cm "
                   "WHERE cm.customer_id = c.id AND cm.invoice_id IS NULL), 0), "
                   "COALESCE((SELECT SUM(p.amount_cents) FROM payments p "
                   "WHERE p.customer_id = c.id), 0) "
                   "- COALESCE((SELECT SUM(a.amount_cents) FROM payment_applications a JOIN "
                   "payments p ON p.id = a.payment_id WHERE p.customer_id = c.id "
                   "AND a.undone_date IS NULL), 0) FROM customers c WHERE c.code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    *open = *unapplied = 0;
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *open = db_column_int64(stmt, 0);
        *unapplied = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int customer_get(service_context *ctx, const char *raw, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8];
    int64_t open, unapplied;
    if (registry_code_take(raw, code, "code", e))
        return -1;
    if (customer_fetch(ctx->db, code, out, "code", e))
        return -1;
    if (customer_balances(ctx->db, code, &open, &unapplied, e)) {
        json_decref(*out);
        return -1;
    }
    json_object_set_new(*out, "open", money_json(open));
    json_object_set_new(*out, "unapplied", money_json(unapplied));
    return 0;
}

static const service_sort_key customer_sort_keys[] = {
    {"code", "code"}, {"name", "name"}, {"kind", "kind"}, {"market", "market"}};

int customer_list(service_context *ctx, customer_filter *filter, json_t **out, err *e)
{
    char pattern[256] = "";
    if (service_page_check(&filter->page, e) ||
        service_like_pattern(filter->search ? filter->search : "", pattern, sizeof pattern, "q",
                             e))
        return -1;
    static const service_sort sort = SERVICE_SORT(customer_sort_keys, "code", "code");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " CUSTOMER_COLUMNS "%s FROM " CUSTOMERS_SQL " cu "
                             "WHERE (? = '' OR code LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') "
                             "AND (? = '' OR code > ?) ORDER BY %s LIMIT ? OFFSET ?",
                             &filter->page, &sort, &stmt, e))
        return -1;
    const char *after = filter->page.after ? filter->page.after : "";
    db_bind_text(stmt, 1, pattern);
    db_bind_text(stmt, 2, pattern);
    db_bind_text(stmt, 3, pattern);
    db_bind_text(stmt, 4, after);
    db_bind_text(stmt, 5, after);
    db_bind_int64(stmt, 6, filter->page.limit);
    db_bind_int64(stmt, 7, filter->page.offset);
    return service_collect_page(stmt, customer_json, &filter->page, "code", out, e);
}

/* --- invoices -------------------------------------------------------------- */

/* An invoice's columns; open = total less active applications, credits
 * and write-offs, kept on the row by invoice_open_change_in. */
#define INVOICE_OPEN_SQL "i.open_cents"
#define INVOICE_COLUMNS                                                                            \
    "i.id, i.number, i.status, c.code, i.invoice_date, i.terms_days, i.due_date, "               \
    "i.total_cents, " INVOICE_OPEN_SQL ", i.journal_entry_id, i.issued_at, i.issued_by, "        \
    "i.created_at, i.created_by"
#define INVOICE_FROM " FROM invoices i JOIN customers c ON c.id = i.customer_id"

/* Add `change` to the open total from `day` on (receivables_days): the
 * day a document counts from in the aging at a date, its own date or its
 * invoice's (`invoice_date`, "" for a standalone credit) when later. */
static int receivables_day_add(db_conn *db, civil_day day, const char *invoice_date,
                               int64_t change, err *e)
{
    char day_text[DATE_TEXT_MAX];
    date_format(day, day_text, sizeof day_text);
    db_stmt *stmt;
    if (db_prepare(db,
                   "INSERT INTO receivables_days (day, open_change_cents) VALUES (?, ?) "
                   "ON CONFLICT (day) DO UPDATE SET open_change_cents = "
                   "receivables_days.open_change_cents + excluded.open_change_cents",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, strcmp(invoice_date, day_text) > 0 ? invoice_date : day_text);
    db_bind_int64(stmt, 2, change);
    return db_exec_stmt(stmt, e);
}

int invoice_open_change_in(service_context *ctx, int64_t invoice_id, int64_t change,
                           civil_day day, err *e)
{
    db_stmt *stmt;
    if (!db_in_transaction(ctx->db))
        return err_set(e, ERR_INTERNAL, NULL, "invoice_open_change_in needs the caller's transaction");
    if (db_prepare(ctx->db,
                   "UPDATE invoices SET open_cents = open_cents + ?1 WHERE id = ?2 "
                   "AND status = 'issued' AND open_cents + ?1 >= 0 AND open_cents + ?1 <= "
                   "total_cents RETURNING invoice_date",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, change);
    db_bind_int64(stmt, 2, invoice_id);
    char invoice_date[DATE_TEXT_MAX] = "";
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        snprintf(invoice_date, sizeof invoice_date, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step != DB_ROW)
        return err_set(e, ERR_CONFLICT, "invoice",
                       "what is open on the invoice changed meanwhile: read it again");
    return receivables_day_add(ctx->db, day, invoice_date, change, e);
}

static json_t *invoice_json(db_stmt *stmt)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(db_column_int64(stmt, 0)));
    for (int i = 1; i <= 13; i++) {
        static const char *const keys[] = {
            NULL,         "number",     "status",   "customer",   "date",  "terms_days",
            "due_date",   "total",      "open",     "journal_entry", "issued_at", "issued_by",
            "created_at", "created_by"};
        json_t *value;
        if (db_column_is_null(stmt, i))
            value = json_null();
        else if (i == 7 || i == 8)
            value = money_json(db_column_int64(stmt, i));
        else if (i == 5 || i == 9)
            value = json_integer(db_column_int64(stmt, i));
        else
            value = json_string(db_column_text(stmt, i));
        json_object_set_new(o, keys[i], value);
    }
    return o;
}

/* The invoice `text` names: its id (digits) or its number (2004-000123). */
static int invoice_find(db_conn *db, const char *text, const char *field, int64_t *id, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: an invoice's id or number");
    int found;
    if (strspn(text, "0123456789") == strlen(text) && strlen(text) < 12)
        found = service_id_find(db, "SELECT id FROM invoices WHERE id = CAST(? AS INTEGER)", text,
                                id, e);
    else
        found = service_id_find(db, "SELECT id FROM invoices WHERE number = ?", text, id, e);
    if (found == 1)
        return err_set(e, ERR_NOT_FOUND, field, "no invoice '%s'", text);
    return found;
}

typedef struct {
    int64_t id, customer_id, total, open;
    char status[16], number[RECEIVABLES_NUMBER_TEXT_MAX], customer[REGISTRY_CODE_MAX + 8];
    civil_day date;
    long terms;
} invoice_row;

static int invoice_load(db_conn *db, int64_t id, invoice_row *row, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT i.id, i.customer_id, i.total_cents, " INVOICE_OPEN_SQL
                   ", i.status, COALESCE(i.number, ''), c.code, i.invoice_date, i.terms_days"
                   INVOICE_FROM " WHERE i.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        row->id = db_column_int64(stmt, 0);
        row->customer_id = db_column_int64(stmt, 1);
        row->total = db_column_int64(stmt, 2);
        row->open = db_column_int64(stmt, 3);
        snprintf(row->status, sizeof row->status, "%s", db_column_text(stmt, 4));
        snprintf(row->number, sizeof row->number, "%s", db_column_text(stmt, 5));
        snprintf(row->customer, sizeof row->customer, "%s", db_column_text(stmt, 6));
        date_parse(db_column_text(stmt, 7), &row->date, "date", NULL);
        row->terms = (long)db_column_int64(stmt, 8);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "invoice", "no invoice %" PRId64, id);
    return step == DB_ROW ? 0 : -1;
}

static const service_column line_columns[] = {
    {"id", SERVICE_COLUMN_INTEGER},     {"source", SERVICE_COLUMN_TEXT},
    {"source_ref", SERVICE_COLUMN_TEXT}, {"description", SERVICE_COLUMN_TEXT},
    {"quantity", SERVICE_COLUMN_INTEGER}, {"price", SERVICE_COLUMN_INTEGER},
    {"amount", SERVICE_COLUMN_INTEGER}, {"account", SERVICE_COLUMN_TEXT},
    {"center", SERVICE_COLUMN_TEXT},
};

static json_t *line_json(db_stmt *stmt)
{
    json_t *o = service_row_object(stmt, line_columns, sizeof line_columns / sizeof line_columns[0]);
    char text[MONEY_TEXT_MAX];
    /* quantity in hundredths reads like money: "2.50" */
    json_object_set_new(o, "quantity",
                        json_string(money_format(db_column_int64(stmt, 4), MONEY_PLAIN, text,
                                                 sizeof text)));
    json_object_set_new(o, "price", money_json(db_column_int64(stmt, 5)));
    json_object_set_new(o, "amount", money_json(db_column_int64(stmt, 6)));
    return o;
}

static json_t *credit_json(db_stmt *stmt);
static json_t *application_json(db_stmt *stmt);

#define CREDIT_COLUMNS                                                                             \
    "cm.id, c.code, i.number, cm.credit_date, cm.amount_cents, ac.code, cm.center, cm.reason, "  \
    "cm.journal_entry_id, cm.created_at, cm.created_by"
#define CREDIT_FROM                                                                                \
    " FROM credit_memos cm JOIN customers c ON c.id = cm.customer_id "                            \
    "LEFT JOIN invoices i ON i.id = cm.invoice_id JOIN accounts ac ON ac.id = cm.account_id"
#define APPLICATION_COLUMNS                                                                        \
    "a.id, a.payment_id, i.number, a.applied_date, a.amount_cents, a.journal_entry_id, "         \
    "a.undone_date, a.undo_reason, a.undo_entry_id, a.created_by"
#define APPLICATION_FROM                                                                           \
    " FROM payment_applications a JOIN invoices i ON i.id = a.invoice_id"

/* The applications of one invoice or payment (`column` = id, a constant of
 * this file) as the record's "applications". */
static int applications_attach(db_conn *db, const char *column, int64_t id, json_t *record,
                               err *e)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT " APPLICATION_COLUMNS APPLICATION_FROM " WHERE %s = ? ORDER BY a.id", column);
    db_stmt *stmt;
    json_t *applications = NULL;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, application_json, &applications, e))
        return -1;
    json_object_set_new(record, "applications", applications);
    return 0;
}

/* Invoice `id`'s own row, as invoice_fetch answers it but for its lines,
 * credits and applications. */
static int invoice_row_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " INVOICE_COLUMNS INVOICE_FROM " WHERE i.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, invoice_json, out, "invoice", e, "no invoice %" PRId64, id);
}

static int invoice_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (invoice_row_fetch(db, id, out, e))
        return -1;
    json_t *lines = NULL, *credits = NULL;
    if (db_prepare(db,
                   "SELECT l.id, l.source, l.source_ref, l.description, l.quantity_hundredths, "
                   "l.unit_price_cents, l.amount_cents, ac.code, l.center FROM invoice_lines l "
                   "JOIN accounts ac ON ac.id = l.account_id WHERE l.invoice_id = ? ORDER BY l.id",
                   &stmt, e))
        goto fail;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, line_json, &lines, e))
        goto fail;
    json_object_set_new(*out, "lines", lines);
    if (db_prepare(db, "SELECT " CREDIT_COLUMNS CREDIT_FROM " WHERE cm.invoice_id = ? ORDER BY cm.id",
                   &stmt, e))
        goto fail;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, credit_json, &credits, e))
        goto fail;
    json_object_set_new(*out, "credits", credits);
    if (applications_attach(db, "a.invoice_id", id, *out, e))
        goto fail;
    return 0;
fail:
    json_decref(*out);
    *out = NULL;
    return -1;
}

/* The draft's insert and audit, for a customer resolved and a day open. */
static int draft_insert(service_context *ctx, int64_t customer_id, civil_day day, long terms,
                        int64_t *id, json_t **record, err *e)
{
    char now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX], key[24];
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO invoices (customer_id, invoice_date, terms_days, created_at, "
                   "created_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, customer_id);
    db_bind_text(stmt, 2, date_format(day, day_text, sizeof day_text));
    db_bind_int64(stmt, 3, terms);
    db_bind_text(stmt, 4, now_text(now));
    db_bind_text(stmt, 5, ctx->actor.username);
    if (db_insert_returning_id(stmt, id, e))
        return -1;
    /* The new draft read back as invoice_fetch answers it, by its row
     * alone: it has no lines, credits or applications yet (three queries
     * fewer for each shipment, which makes a draft). */
    if (invoice_row_fetch(ctx->db, *id, record, e))
        return -1;
    json_object_set_new(*record, "lines", json_array());
    json_object_set_new(*record, "credits", json_array());
    json_object_set_new(*record, "applications", json_array());
    snprintf(key, sizeof key, "%" PRId64, *id);
    return audit_append(ctx, "invoice", key, "create", NULL, *record, NULL, e);
}

int invoice_draft_in(service_context *ctx, const char *customer, civil_day day,
                     const char *field, int64_t *invoice_id, err *e)
{
    int64_t customer_id;
    long terms;
    json_t *record = NULL;
    if (!db_in_transaction(ctx->db))
        return err_set(e, ERR_INTERNAL, NULL, "invoice_draft_in needs the caller's transaction");
    if (customer_resolve(ctx, customer, 1, field, &customer_id, &terms, e) ||
        date_open(ctx->db, day, "date", e))
        return -1;
    int rc = draft_insert(ctx, customer_id, day, terms, invoice_id, &record, e);
    json_decref(record);
    return rc;
}

/* An invoice's terms in days ("terms"), 0 to 365; *terms stays -1 when
 * none is given. */
static int terms_take(const char *text, long *terms, err *e)
{
    *terms = -1;
    return text && *text ? service_number_take(text, 0, 365, terms, "terms", e) : 0;
}

int invoice_create(service_context *ctx, const char *customer, const char *date,
                   const char *terms_text, json_t **out, err *e)
{
    civil_day day;
    long terms;
    if (service_date_take(date, &day, "date", e) || terms_take(terms_text, &terms, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t customer_id, id;
    long customer_terms;
    int rc = -1;
    if (customer_resolve(ctx, customer, 1, "customer", &customer_id, &customer_terms, e) ||
        date_open(ctx->db, day, "date", e))
        goto done;
    rc = draft_insert(ctx, customer_id, day, terms >= 0 ? terms : customer_terms, &id, &record, e);
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

static int draft_check(const invoice_row *row, err *e)
{
    if (strcmp(row->status, "draft") != 0)
        return err_set(e, ERR_INVALID, "invoice",
                       "invoice %s is issued: an issued invoice is never changed (a credit memo "
                       "corrects it)",
                       row->number);
    return 0;
}

/* Refused naming `field` when the draft `invoice_id` holds a line from an
 * event (its source is not manual), or when that line is `line_id` (0:
 * any line): the event posted it to unbilled receivables, so it belongs
 * to the event's record and goes away only through it. */
static int event_lines_refuse(db_conn *db, int64_t invoice_id, int64_t line_id,
                              const char *field, const char *what, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT id, source, source_ref FROM invoice_lines WHERE invoice_id = ?1 "
                   "AND (?2 = 0 OR id = ?2) AND source <> 'manual' ORDER BY id LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, invoice_id);
    db_bind_int64(stmt, 2, line_id);
    db_step_result step = db_step(stmt, e);
    char source[32] = "", ref[64] = "";
    int64_t line = 0;
    if (step == DB_ROW) {
        line = db_column_int64(stmt, 0);
        snprintf(source, sizeof source, "%s", db_column_text(stmt, 1));
        snprintf(ref, sizeof ref, "%s", db_column_text(stmt, 2));
        for (char *c = source; *c; c++) /* contract_fee: "contract fee" */
            if (*c == '_')
                *c = ' ';
    }
    db_reset(stmt);
    if (step == DB_ROW)
        return err_set(e, ERR_INVALID, field,
                       "%s: line %" PRId64 " comes from a %s (%s), which posted it to unbilled "
                       "receivables; it belongs to that operation (issue the invoice, then credit "
                       "what is wrong)",
                       what, line, source, *ref ? ref : "no reference");
    return step == DB_DONE ? 0 : -1;
}

static int source_known(const char *source)
{
    static const char *const sources[] = {"manual", "shipment", "procedure", "contract_fee",
                                          "trial_task"};
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        if (strcmp(source, sources[i]) == 0)
            return 1;
    return 0;
}

/* Run `sql` (binding the invoice's id to ?1) on the draft `id`, which
 * must still be a draft: ERR_CONFLICT naming "invoice" when it was issued
 * or deleted meanwhile. On PostgreSQL the row stays locked until the
 * transaction ends, so an issue of the same draft waits for it. */
static int draft_write(service_context *ctx, int64_t id, const char *sql, db_stmt **stmt, err *e)
{
    if (db_prepare(ctx->db, sql, stmt, e))
        return -1;
    db_bind_int64(*stmt, 1, id);
    return 0;
}

static int draft_written(service_context *ctx, db_stmt *stmt, err *e)
{
    if (db_exec_stmt(stmt, e))
        return -1;
    if (db_changes(ctx->db) != 1)
        return err_set(e, ERR_CONFLICT, "invoice",
                       "the draft was issued or deleted meanwhile: read it again");
    return 0;
}

int invoice_line_post_in(service_context *ctx, int64_t invoice_id, const invoice_line_input *in,
                         const invoice_line_origin *origin, int64_t *line_id, err *e)
{
    int64_t quantity, price, amount, account_id;
    invoice_row row;
    char center[REGISTRY_CODE_MAX + 8] = "", now[TIMESTAMP_TEXT_MAX];
    if (!db_in_transaction(ctx->db))
        return err_set(e, ERR_INTERNAL, NULL, "invoice_line_post_in needs the caller's transaction");
    if (!origin->source || !source_known(origin->source))
        return err_set(e, ERR_INVALID, "source",
                       "must be manual, shipment, procedure, contract_fee or trial_task");
    if (registry_required_text_check(in->description, RECEIVABLES_DESCRIPTION_MAX, "description",
                                     e) ||
        receivables_quantity_parse(in->quantity, &quantity, "quantity", e) ||
        receivables_price_parse(in->price, &price, "price", e))
        return -1;
    if (receivables_line_amount(quantity, price, &amount) || amount > (int64_t)1e13)
        return err_set(e, ERR_INVALID, "price", "the line's amount is too large");
    if (in->center && *in->center) {
        snprintf(center, sizeof center, "%s", in->center);
        service_normalize_code(center);
    }
    if (invoice_load(ctx->db, invoice_id, &row, e) || draft_check(&row, e) ||
        ledger_account_id(ctx->db, in->account ? in->account : "", &account_id, "account", e) ||
        ledger_center_check(ctx->db, center, "center", e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, invoice_id);
    db_step_result step = db_step(stmt, e);
    int64_t count = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (step != DB_ROW)
        return -1;
    if (count >= INVOICE_LINES_MAX)
        return err_set(e, ERR_INVALID, "invoice", "an invoice has at most %d lines",
                       INVOICE_LINES_MAX);
    /* The total first, on a draft only: it takes the invoice's row, so an
     * issue running at once either waits for this line or has issued
     * before it, and the line is then refused (PostgreSQL reads each
     * statement afresh). */
    if (draft_write(ctx, invoice_id,
                    "UPDATE invoices SET total_cents = total_cents + ?2 WHERE id = ?1 "
                    "AND status = 'draft'",
                    &stmt, e))
        return -1;
    db_bind_int64(stmt, 2, amount);
    if (draft_written(ctx, stmt, e))
        return -1;
    if (db_prepare(ctx->db,
                   "INSERT INTO invoice_lines (invoice_id, source, source_ref, description, "
                   "quantity_hundredths, unit_price_cents, amount_cents, account_id, center, "
                   "recognised, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, invoice_id);
    db_bind_text(stmt, 2, origin->source);
    db_bind_text(stmt, 3, origin->source_ref ? origin->source_ref : "");
    db_bind_text(stmt, 4, in->description);
    db_bind_int64(stmt, 5, quantity);
    db_bind_int64(stmt, 6, price);
    db_bind_int64(stmt, 7, amount);
    db_bind_int64(stmt, 8, account_id);
    db_bind_text(stmt, 9, center);
    db_bind_int64(stmt, 10, origin->recognised ? 1 : 0);
    db_bind_text(stmt, 11, now_text(now));
    if (db_insert_returning_id(stmt, line_id, e))
        return -1;
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, invoice_id);
    json_t *line = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "line", (json_int_t)*line_id,
                             "source", origin->source, "description", in->description, "account",
                             in->account, "center", center, "quantity", in->quantity, "amount",
                             money_json(amount));
    int rc = audit_append(ctx, "invoice", key, "add_line", NULL, line, NULL, e);
    json_decref(line);
    return rc;
}

int invoice_line_add(service_context *ctx, const char *invoice, const invoice_line_input *in,
                     json_t **out, err *e)
{
    if (service_begin(ctx, e))
        return -1;
    int64_t id, line_id;
    json_t *record = NULL;
    invoice_line_origin manual = {.source = "manual"};
    int rc = invoice_find(ctx->db, invoice, "invoice", &id, e) ||
             invoice_line_post_in(ctx, id, in, &manual, &line_id, e) ||
             invoice_fetch(ctx->db, id, &record, e);
    return service_finish_record(ctx, rc ? -1 : 0, NULL, record, out, e);
}

int invoice_line_remove(service_context *ctx, const char *invoice, const char *line, json_t **out,
                        err *e)
{
    int64_t id, line_id;
    invoice_row row;
    if (id_take(line, &line_id, "line", e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int rc = -1;
    if (invoice_find(ctx->db, invoice, "invoice", &id, e) || invoice_load(ctx->db, id, &row, e) ||
        draft_check(&row, e) ||
        event_lines_refuse(ctx->db, id, line_id, "line", "the line is not removed", e))
        goto done;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "DELETE FROM invoice_lines WHERE id = ? AND invoice_id = ? RETURNING amount_cents",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, line_id);
    db_bind_int64(stmt, 2, id);
    db_step_result step = db_step(stmt, e);
    int64_t amount = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (step == DB_DONE)
        err_set(e, ERR_NOT_FOUND, "line", "invoice %" PRId64 " has no line %" PRId64, id, line_id);
    if (step != DB_ROW)
        goto done;
    if (draft_write(ctx, id,
                    "UPDATE invoices SET total_cents = total_cents - ?2 WHERE id = ?1 "
                    "AND status = 'draft'",
                    &stmt, e))
        goto done;
    db_bind_int64(stmt, 2, amount);
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    json_t *removed = json_pack("{s:I, s:o}", "line", (json_int_t)line_id, "amount",
                                money_json(amount));
    rc = draft_written(ctx, stmt, e) ||
         audit_append(ctx, "invoice", key, "remove_line", removed, NULL, NULL, e) ||
         invoice_fetch(ctx->db, id, &record, e);
    json_decref(removed);
done:
    return service_finish_record(ctx, rc ? -1 : 0, NULL, record, out, e);
}

int invoice_edit(service_context *ctx, const char *invoice, const char *date,
                 const char *terms_text, json_t **out, err *e)
{
    civil_day day = 0;
    long terms;
    char day_text[DATE_TEXT_MAX] = "", key[24];
    int has_date = date && *date;
    if (!has_date && !(terms_text && *terms_text))
        return err_set(e, ERR_INVALID, "date", "give the draft's new date, its terms or both");
    if ((has_date && service_date_take(date, &day, "date", e)) ||
        terms_take(terms_text, &terms, e) || service_begin(ctx, e))
        return -1;
    if (has_date)
        date_format(day, day_text, sizeof day_text);
    int64_t id;
    invoice_row row;
    json_t *before = NULL, *record = NULL;
    db_stmt *stmt;
    int rc = -1;
    /* Only the new date must be open: a draft whose date fell in a period
     * closed since is re-dated here (or deleted). */
    if (invoice_find(ctx->db, invoice, "invoice", &id, e) || invoice_load(ctx->db, id, &row, e) ||
        draft_check(&row, e) || (has_date && date_open(ctx->db, day, "date", e)) ||
        invoice_fetch(ctx->db, id, &before, e) ||
        draft_write(ctx, id,
                    "UPDATE invoices SET invoice_date = CASE WHEN ?2 = '' THEN invoice_date "
                    "ELSE ?2 END, terms_days = CASE WHEN ?3 < 0 THEN terms_days ELSE ?3 END "
                    "WHERE id = ?1 AND status = 'draft'",
                    &stmt, e))
        goto done;
    db_bind_text(stmt, 2, day_text);
    db_bind_int64(stmt, 3, terms);
    snprintf(key, sizeof key, "%" PRId64, id);
    rc = draft_written(ctx, stmt, e) || invoice_fetch(ctx->db, id, &record, e) ||
         audit_append(ctx, "invoice", key, "update", before, record, NULL, e);
done:
    return service_finish_record(ctx, rc ? -1 : 0, before, record, out, e);
}

int invoice_delete(service_context *ctx, const char *invoice, json_t **out, err *e)
{
    if (service_begin(ctx, e))
        return -1;
    int64_t id;
    invoice_row row;
    json_t *before = NULL, *record = NULL;
    db_stmt *stmt;
    char key[24];
    int rc = -1;
    /* The invoice's row first (the conditional write that takes it), then
     * its lines, then the row itself. */
    if (invoice_find(ctx->db, invoice, "invoice", &id, e) || invoice_load(ctx->db, id, &row, e) ||
        draft_check(&row, e) ||
        event_lines_refuse(ctx->db, id, 0, "invoice", "a draft with lines from operations is not deleted",
                           e) ||
        invoice_fetch(ctx->db, id, &before, e) ||
        draft_write(ctx, id, "UPDATE invoices SET total_cents = 0 WHERE id = ?1 AND status = 'draft'",
                    &stmt, e) ||
        draft_written(ctx, stmt, e) ||
        draft_write(ctx, id, "DELETE FROM invoice_lines WHERE invoice_id = ?1", &stmt, e) ||
        db_exec_stmt(stmt, e) ||
        draft_write(ctx, id, "DELETE FROM invoices WHERE id = ?1 AND status = 'draft'", &stmt, e) ||
        draft_written(ctx, stmt, e))
        goto done;
    snprintf(key, sizeof key, "%" PRId64, id);
    if (audit_append(ctx, "invoice", key, "delete", before, NULL, NULL, e))
        goto done;
    record = json_deep_copy(before);
    json_object_set_new(record, "deleted", json_true());
    rc = 0;
done:
    return service_finish_record(ctx, rc, before, record, out, e);
}

/* The next number of `year`, in the issuing transaction: the counter row
 * stays locked until it ends, so concurrent issues queue for it. */
static int number_next(db_conn *db, int year, long *sequence, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "INSERT INTO invoice_counters (year, last_number) VALUES (?, 1) "
                   "ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1 "
                   "RETURNING last_number",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, year);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *sequence = (long)db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_INTERNAL, "invoice", "no number was assigned")
                               : -1;
    if (*sequence > RECEIVABLES_SEQUENCE_MAX)
        return err_set(e, ERR_INVALID, "invoice", "%d has used every invoice number", year);
    return 0;
}

/* The draft's own date must fall in an open period: the request names no
 * date, so the refusal says whose date it is and what to do. */
static int issue_date_open(db_conn *db, civil_day day, err *e)
{
    if (date_open(db, day, "date", e) == 0)
        return 0;
    if (e->code != ERR_INVALID)
        return -1;
    char said[ERR_MESSAGE_MAX];
    snprintf(said, sizeof said, "%s", e->message);
    return err_set(e, ERR_INVALID, "date",
                   "the invoice's date %s: re-date the draft (or delete it) before issuing it",
                   said);
}

int invoice_issue(service_context *ctx, const char *invoice, json_t **out, err *e)
{
    if (service_begin(ctx, e))
        return -1;
    int64_t id, entry_id;
    invoice_row row;
    json_t *before = NULL, *record = NULL;
    ledger_line *lines = NULL;
    char *texts = NULL;
    int rc = -1;
    /* The invoice's row taken first, if still a draft: a line added at the
     * same time is then either read below or refused (invoice_line_post_in). */
    db_stmt *stmt;
    if (invoice_find(ctx->db, invoice, "invoice", &id, e) ||
        draft_write(ctx, id, "UPDATE invoices SET status = status WHERE id = ?1 AND status = 'draft'",
                    &stmt, e) ||
        db_exec_stmt(stmt, e) || invoice_load(ctx->db, id, &row, e) || draft_check(&row, e) ||
        issue_date_open(ctx->db, row.date, e))
        goto done;
    /* The lines to post: each one's receivable and its credit. */
    if (db_prepare(ctx->db,
                   "SELECT l.amount_cents, ac.code, l.center, l.recognised FROM invoice_lines l "
                   "JOIN accounts ac ON ac.id = l.account_id WHERE l.invoice_id = ? ORDER BY l.id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    lines = calloc(2 * INVOICE_LINES_MAX, sizeof *lines);
    texts = calloc(INVOICE_LINES_MAX, 2 * (LEDGER_ACCOUNT_CODE_MAX + REGISTRY_CODE_MAX + 16));
    if (!lines || !texts) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto done;
    }
    size_t count = 0, line_count = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        line_count++;
        int64_t amount = db_column_int64(stmt, 0);
        if (amount == 0)
            continue;
        char *account = texts + count * (LEDGER_ACCOUNT_CODE_MAX + REGISTRY_CODE_MAX + 16);
        char *center = account + LEDGER_ACCOUNT_CODE_MAX + 8;
        snprintf(account, LEDGER_ACCOUNT_CODE_MAX + 8, "%s",
                 db_column_int64(stmt, 3) ? "1150" : db_column_text(stmt, 1));
        snprintf(center, REGISTRY_CODE_MAX + 8, "%s", db_column_text(stmt, 2));
        lines[count++] = (ledger_line){.account = "1100", .center = center, .amount = amount};
        lines[count++] = (ledger_line){.account = account, .center = center, .amount = -amount};
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        goto done;
    if (line_count == 0) {
        err_set(e, ERR_INVALID, "lines", "the invoice has no lines: add one before issuing it");
        goto done;
    }
    int year, month, day;
    date_to_ymd(row.date, &year, &month, &day);
    long sequence = 0;
    char number[RECEIVABLES_NUMBER_TEXT_MAX], due[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX],
        description[96], ref[40];
    if (invoice_fetch(ctx->db, id, &before, e) || number_next(ctx->db, year, &sequence, e))
        goto done;
    receivables_number_format(year, sequence, number, sizeof number);
    date_format(receivables_due_date(row.date, row.terms), due, sizeof due);
    snprintf(description, sizeof description, "Invoice %s to %s", number, row.customer);
    snprintf(ref, sizeof ref, "invoice:%s", number);
    entry_id = 0;
    if (count >= 2 && post(ctx, row.date, description, ref, lines, count, &entry_id, e))
        goto done;
    if (db_prepare(ctx->db,
                   "UPDATE invoices SET status = 'issued', year = ?, sequence = ?, number = ?, "
                   "due_date = ?, journal_entry_id = ?, issued_at = ?, issued_by = ?, "
                   "open_cents = total_cents WHERE id = ? AND status = 'draft'",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, year);
    db_bind_int64(stmt, 2, sequence);
    db_bind_text(stmt, 3, number);
    db_bind_text(stmt, 4, due);
    if (entry_id)
        db_bind_int64(stmt, 5, entry_id);
    else
        db_bind_null(stmt, 5);
    db_bind_text(stmt, 6, now_text(now));
    db_bind_text(stmt, 7, ctx->actor.username);
    db_bind_int64(stmt, 8, id);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) != 1) {
        err_set(e, ERR_CONFLICT, "invoice", "the invoice was issued meanwhile: read it again");
        goto done;
    }
    if (receivables_day_add(ctx->db, row.date, "", row.total, e) ||
        invoice_fetch(ctx->db, id, &record, e))
        goto done;
    rc = audit_append(ctx, "invoice", number, "issue", before, record, NULL, e);
done:
    free(lines);
    free(texts);
    return service_finish_record(ctx, rc, before, record, out, e);
}

int invoice_get(service_context *ctx, const char *invoice, json_t **out, err *e)
{
    int64_t id;
    if (invoice_find(ctx->db, invoice, "invoice", &id, e))
        return -1;
    return invoice_fetch(ctx->db, id, out, e);
}

static const service_sort_key invoice_sort_keys[] = {
    {"number", "i.number"},       {"date", "i.invoice_date"}, {"due_date", "i.due_date"},
    {"customer", "c.code"},       {"total", "i.total_cents"}, {"open", INVOICE_OPEN_SQL},
    {"status", "i.status"},       {"id", "i.id"}};

/* The filters every list of billing documents takes, checked: a
 * customer's code, the documents' days from..to and the page's `after`
 * key. Each list's SELECT binds them first (list_filters_bind): ?1 the
 * customer, ?2 and ?3 the days, ?4 the key after which the page starts,
 * ?5 the limit and ?6 the offset; its own filters follow from ?7. */
typedef struct {
    char customer[REGISTRY_CODE_MAX + 8], from[DATE_TEXT_MAX], to[DATE_TEXT_MAX];
    int64_t after;
} list_filters;

static int list_filters_take(const char *customer, const char *from, const char *to,
                             service_page *page, list_filters *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (customer && *customer && registry_code_take(customer, out->customer, "customer", e))
        return -1;
    service_day_range days;
    if (service_day_range_take(from, to, &days, e))
        return -1;
    memcpy(out->from, days.from, sizeof out->from);
    memcpy(out->to, days.to, sizeof out->to);
    return service_page_check(page, e) || service_page_after_id(page, &out->after, e) ? -1 : 0;
}

static int list_prepare(db_conn *db, const char *sql, const service_page *page,
                        const service_sort *sort, const list_filters *filters, db_stmt **stmt,
                        err *e)
{
    if (service_list_prepare(db, sql, page, sort, stmt, e))
        return -1;
    db_bind_text(*stmt, 1, filters->customer);
    db_bind_text(*stmt, 2, filters->from);
    db_bind_text(*stmt, 3, filters->to);
    db_bind_int64(*stmt, 4, filters->after);
    db_bind_int64(*stmt, 5, page->limit);
    db_bind_int64(*stmt, 6, page->offset);
    return 0;
}

int invoice_list(service_context *ctx, invoice_filter *filter, json_t **out, err *e)
{
    const char *status = filter->status ? filter->status : "";
    list_filters filters;
    if (*status && strcmp(status, "draft") != 0 && strcmp(status, "issued") != 0)
        return err_set(e, ERR_INVALID, "status", "must be draft or issued");
    if (list_filters_take(filter->customer, filter->from, filter->to, &filter->page, &filters, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(invoice_sort_keys, "i.id", "i.id");
    db_stmt *stmt;
    if (list_prepare(ctx->db,
                     "SELECT " INVOICE_COLUMNS "%s" INVOICE_FROM
                     " WHERE (?1 = '' OR c.code = ?1) AND (?2 = '' OR i.invoice_date >= ?2) "
                     "AND (?3 = '' OR i.invoice_date <= ?3) AND i.id > ?4 "
                     "AND (?7 = '' OR i.status = ?7) ORDER BY %s LIMIT ?5 OFFSET ?6",
                     &filter->page, &sort, &filters, &stmt, e))
        return -1;
    db_bind_text(stmt, 7, status);
    return service_collect_page(stmt, invoice_json, &filter->page, "id", out, e);
}

/* --- credit memos ---------------------------------------------------------- */

static json_t *credit_json(db_stmt *stmt)
{
    static const service_column columns[] = {
        {"id", SERVICE_COLUMN_INTEGER},   {"customer", SERVICE_COLUMN_TEXT},
        {"invoice", SERVICE_COLUMN_TEXT}, {"date", SERVICE_COLUMN_TEXT},
        {"amount", SERVICE_COLUMN_INTEGER}, {"account", SERVICE_COLUMN_TEXT},
        {"center", SERVICE_COLUMN_TEXT},  {"reason", SERVICE_COLUMN_TEXT},
        {"journal_entry", SERVICE_COLUMN_INTEGER}, {"created_at", SERVICE_COLUMN_TEXT},
        {"created_by", SERVICE_COLUMN_TEXT}};
    json_t *o = service_row_object(stmt, columns, sizeof columns / sizeof columns[0]);
    json_object_set_new(o, "amount", money_json(db_column_int64(stmt, 4)));
    json_object_set_new(o, "type", json_string("credit"));
    return o;
}

/* A credit memo's input, checked: its day, amount, account and center. */
typedef struct {
    civil_day day;
    int64_t amount;
    char center[REGISTRY_CODE_MAX + 8], account[LEDGER_ACCOUNT_CODE_MAX + 8];
    int has_invoice;
} credit_checked;

static int credit_check(const credit_input *in, credit_checked *c, err *e)
{
    memset(c, 0, sizeof *c);
    int has_invoice = in->invoice && *in->invoice, has_customer = in->customer && *in->customer;
    c->has_invoice = has_invoice;
    if (has_invoice == has_customer)
        return err_set(e, ERR_INVALID, has_invoice ? "customer" : "invoice",
                       "give either the invoice credited or, for a standalone credit, the customer");
    if (service_date_take(in->date, &c->day, "date", e) || amount_take(in->amount, &c->amount, "amount", e) ||
        reason_take(in->reason, e))
        return -1;
    if (in->account && *in->account)
        snprintf(c->account, sizeof c->account, "%s", in->account);
    if (in->center && *in->center) {
        snprintf(c->center, sizeof c->center, "%s", in->center);
        service_normalize_code(c->center);
    }
    return 0;
}

/* The credit memo of a checked input, inside the caller's transaction:
 * its posting, its row, the invoice's open amount, its audit record. */
static int credit_write(service_context *ctx, const credit_input *in, credit_checked *c,
                        int64_t *credit_id, json_t **out, err *e)
{
    civil_day day = c->day;
    int64_t amount = c->amount;
    char *center = c->center, *account = c->account;
    int has_invoice = c->has_invoice;
    size_t center_size = sizeof c->center, account_size = sizeof c->account;
    json_t *record = NULL;
    int64_t customer_id = 0, invoice_id = 0, account_id, entry_id, id;
    invoice_row row = {0};
    int rc = -1;
    db_stmt *stmt;
    if (has_invoice) {
        if (invoice_find(ctx->db, in->invoice, "invoice", &invoice_id, e) ||
            invoice_load(ctx->db, invoice_id, &row, e))
            goto done;
        if (strcmp(row.status, "issued") != 0) {
            err_set(e, ERR_INVALID, "invoice", "a draft is changed, not credited");
            goto done;
        }
        char open[MONEY_TEXT_MAX];
        if (amount > row.open) {
            err_set(e, ERR_INVALID, "amount", "invoice %s has %s open: a credit cannot exceed it",
                    row.number, money_format(row.open, MONEY_PLAIN, open, sizeof open));
            goto done;
        }
        customer_id = row.customer_id;
        if (!*account) { /* the revenue of the invoice's first line */
            if (db_prepare(ctx->db,
                           "SELECT ac.code, l.center FROM invoice_lines l JOIN accounts ac "
                           "ON ac.id = l.account_id WHERE l.invoice_id = ? ORDER BY l.id LIMIT 1",
                           &stmt, e))
                goto done;
            db_bind_int64(stmt, 1, invoice_id);
            db_step_result step = db_step(stmt, e);
            if (step == DB_ROW) {
                snprintf(account, account_size, "%s", db_column_text(stmt, 0));
                if (!*center)
                    snprintf(center, center_size, "%s", db_column_text(stmt, 1));
            }
            db_reset(stmt);
            if (step == DB_FAILED)
                goto done;
        }
    } else {
        int found = customer_resolve(ctx, in->customer, 1, "customer", &customer_id, NULL, e);
        if (found)
            goto done;
        if (!*account) {
            err_set(e, ERR_INVALID, "account",
                    "is required for a standalone credit: the revenue account it reverses");
            goto done;
        }
    }
    if (ledger_account_id(ctx->db, account, &account_id, "account", e) ||
        ledger_center_check(ctx->db, center, "center", e) || date_open(ctx->db, day, "date", e))
        goto done;
    char now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX], description[120], ref[40];
    /* The row first, so that the entry's reference is its id; the entry's
     * id is set once posted (as a payment's). */
    if (db_prepare(ctx->db,
                   "INSERT INTO credit_memos (customer_id, invoice_id, credit_date, amount_cents, "
                   "account_id, center, reason, journal_entry_id, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, customer_id);
    if (invoice_id)
        db_bind_int64(stmt, 2, invoice_id);
    else
        db_bind_null(stmt, 2);
    db_bind_text(stmt, 3, date_format(day, day_text, sizeof day_text));
    db_bind_int64(stmt, 4, amount);
    db_bind_int64(stmt, 5, account_id);
    db_bind_text(stmt, 6, center);
    db_bind_text(stmt, 7, in->reason);
    db_bind_text(stmt, 8, now_text(now));
    db_bind_text(stmt, 9, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e))
        goto done;
    snprintf(ref, sizeof ref, "credit:%" PRId64, id);
    if (has_invoice)
        snprintf(description, sizeof description, "Credit memo on invoice %s", row.number);
    else
        snprintf(description, sizeof description, "Credit memo to %s", in->customer);
    ledger_line lines[] = {
        {.account = account, .center = center, .amount = amount, .memo = in->reason},
        {.account = "1100", .center = center, .amount = -amount},
    };
    if (post(ctx, day, description, ref, lines, 2, &entry_id, e) ||
        db_prepare(ctx->db, "UPDATE credit_memos SET journal_entry_id = ? WHERE id = ?", &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, entry_id);
    db_bind_int64(stmt, 2, id);
    if (db_exec_stmt(stmt, e) ||
        (invoice_id ? invoice_open_change_in(ctx, invoice_id, -amount, day, e)
                    : receivables_day_add(ctx->db, day, "", -amount, e)) ||
        db_prepare(ctx->db, "SELECT " CREDIT_COLUMNS CREDIT_FROM " WHERE cm.id = ?", &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, credit_json, &record, "credit", e, "no credit memo"))
        goto done;
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    rc = audit_append(ctx, "credit_memo", key, "create", NULL, record, in->reason, e);
done:
    if (rc == 0 && credit_id)
        *credit_id = id;
    if (rc == 0 && out)
        *out = record;
    else
        json_decref(record);
    return rc;
}

int credit_create(service_context *ctx, const credit_input *in, json_t **out, err *e)
{
    credit_checked c;
    if (credit_check(in, &c, e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int rc = credit_write(ctx, in, &c, NULL, &record, e);
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int credit_create_in(service_context *ctx, const credit_input *in, int64_t *credit_id, err *e)
{
    credit_checked c;
    if (!db_in_transaction(ctx->db))
        return err_set(e, ERR_INTERNAL, NULL, "credit_create_in needs the caller's transaction");
    if (credit_check(in, &c, e))
        return -1;
    return credit_write(ctx, in, &c, credit_id, NULL, e);
}

static const service_sort_key credit_sort_keys[] = {
    {"id", "cm.id"},         {"date", "cm.credit_date"},         {"customer", "c.code"},
    {"invoice", "COALESCE(i.number, '')"}, {"amount", "cm.amount_cents"}};

int credit_list(service_context *ctx, credit_filter *filter, json_t **out, err *e)
{
    list_filters filters;
    const char *invoice = filter->invoice ? filter->invoice : "";
    if (strlen(invoice) >= RECEIVABLES_NUMBER_TEXT_MAX)
        return err_set(e, ERR_INVALID, "invoice", "must be an invoice number (2004-000123)");
    if (list_filters_take(filter->customer, filter->from, filter->to, &filter->page, &filters, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(credit_sort_keys, "cm.id", "cm.id");
    db_stmt *stmt;
    if (list_prepare(ctx->db,
                     "SELECT " CREDIT_COLUMNS "%s" CREDIT_FROM
                     " WHERE (?1 = '' OR c.code = ?1) AND (?2 = '' OR cm.credit_date >= ?2) "
                     "AND (?3 = '' OR cm.credit_date <= ?3) AND cm.id > ?4 "
                     "AND (?7 = '' OR i.number = ?7) ORDER BY %s LIMIT ?5 OFFSET ?6",
                     &filter->page, &sort, &filters, &stmt, e))
        return -1;
    db_bind_text(stmt, 7, invoice);
    return service_collect_page(stmt, credit_json, &filter->page, "id", out, e);
}

/* --- payments --------------------------------------------------------------- */

static json_t *application_json(db_stmt *stmt)
{
    static const service_column columns[] = {
        {"id", SERVICE_COLUMN_INTEGER},          {"payment", SERVICE_COLUMN_INTEGER},
        {"invoice", SERVICE_COLUMN_TEXT},        {"date", SERVICE_COLUMN_TEXT},
        {"amount", SERVICE_COLUMN_INTEGER},      {"journal_entry", SERVICE_COLUMN_INTEGER},
        {"undone_date", SERVICE_COLUMN_TEXT},    {"undo_reason", SERVICE_COLUMN_TEXT},
        {"undo_entry", SERVICE_COLUMN_INTEGER},  {"created_by", SERVICE_COLUMN_TEXT}};
    json_t *o = service_row_object(stmt, columns, sizeof columns / sizeof columns[0]);
    json_object_set_new(o, "amount", money_json(db_column_int64(stmt, 4)));
    if (db_column_is_null(stmt, 8))
        json_object_set_new(o, "undo_entry", json_null());
    return o;
}

/* Check applications against the customer's open invoices; their total
 * into *total. Names "applications[N].invoice" or ".amount". */
typedef struct {
    int64_t invoice_id, amount;
    char number[RECEIVABLES_NUMBER_TEXT_MAX];
} application_checked;

static int applications_check(service_context *ctx, int64_t customer_id, const char *customer,
                              civil_day day, const payment_application_input *in, size_t count,
                              application_checked *out, int64_t *total, err *e)
{
    *total = 0;
    if (count > PAYMENT_APPLICATIONS_MAX)
        return err_set(e, ERR_INVALID, "applications", "at most %d applications at once",
                       PAYMENT_APPLICATIONS_MAX);
    for (size_t i = 0; i < count; i++) {
        char field[48];
        invoice_row row;
        snprintf(field, sizeof field, "applications[%zu].amount", i);
        if (amount_take(in[i].amount, &out[i].amount, field, e)) {
            char said[ERR_MESSAGE_MAX]; /* which invoice's amount */
            snprintf(said, sizeof said, "%s", e->message);
            return err_set(e, ERR_INVALID, field, "the amount applied to invoice %s %s",
                           in[i].invoice ? in[i].invoice : "", said);
        }
        snprintf(field, sizeof field, "applications[%zu].invoice", i);
        if (invoice_find(ctx->db, in[i].invoice, field, &out[i].invoice_id, e)) {
            e->code = ERR_INVALID;
            return -1;
        }
        if (invoice_load(ctx->db, out[i].invoice_id, &row, e))
            return -1;
        if (strcmp(row.status, "issued") != 0)
            return err_set(e, ERR_INVALID, field, "invoice %s is a draft: issue it first",
                           in[i].invoice);
        if (row.customer_id != customer_id)
            return err_set(e, ERR_INVALID, field,
                           "invoice %s belongs to customer %s, not %s", row.number, row.customer,
                           customer);
        if (row.date > day)
            return err_set(e, ERR_INVALID, field, "invoice %s is dated after the payment",
                           row.number);
        int64_t open = row.open;
        for (size_t j = 0; j < i; j++) /* the same invoice twice in one call */
            if (out[j].invoice_id == out[i].invoice_id)
                open -= out[j].amount;
        if (out[i].amount > open) {
            char text[MONEY_TEXT_MAX];
            snprintf(field, sizeof field, "applications[%zu].amount", i);
            return err_set(e, ERR_INVALID, field,
                           "invoice %s has %s open: applying more would overpay it", row.number,
                           money_format(open, MONEY_PLAIN, text, sizeof text));
        }
        snprintf(out[i].number, sizeof out[i].number, "%s", row.number);
        *total += out[i].amount;
    }
    return 0;
}

static int applications_insert(service_context *ctx, int64_t payment_id, civil_day day,
                               int64_t entry_id, const application_checked *apps, size_t count,
                               err *e)
{
    char now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    for (size_t i = 0; i < count; i++) {
        if (db_prepare(ctx->db,
                       "INSERT INTO payment_applications (payment_id, invoice_id, applied_date, "
                       "amount_cents, journal_entry_id, created_at, created_by) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &stmt, e))
            return -1;
        db_bind_int64(stmt, 1, payment_id);
        db_bind_int64(stmt, 2, apps[i].invoice_id);
        db_bind_text(stmt, 3, date_format(day, day_text, sizeof day_text));
        db_bind_int64(stmt, 4, apps[i].amount);
        db_bind_int64(stmt, 5, entry_id);
        db_bind_text(stmt, 6, now_text(now));
        db_bind_text(stmt, 7, ctx->actor.username);
        if (db_exec_stmt(stmt, e) || invoice_open_change_in(ctx, apps[i].invoice_id,
                                                            -apps[i].amount, day, e))
            return -1;
    }
    return 0;
}

/* What of payment p is not applied (applications undone count as not). */
#define PAYMENT_UNAPPLIED_SQL                                                                      \
    "(p.amount_cents - COALESCE((SELECT SUM(a.amount_cents) FROM payment_applications a "        \
    "WHERE a.payment_id = p.id AND a.undone_date IS NULL), 0))"
#define PAYMENT_COLUMNS                                                                            \
    "p.id, c.code, p.payment_date, p.amount_cents, p.method, p.reference, p.journal_entry_id, "  \
    PAYMENT_UNAPPLIED_SQL ", p.created_at, p.created_by"

static json_t *payment_json(db_stmt *stmt)
{
    static const service_column columns[] = {
        {"id", SERVICE_COLUMN_INTEGER},     {"customer", SERVICE_COLUMN_TEXT},
        {"date", SERVICE_COLUMN_TEXT},      {"amount", SERVICE_COLUMN_INTEGER},
        {"method", SERVICE_COLUMN_TEXT},    {"reference", SERVICE_COLUMN_TEXT},
        {"journal_entry", SERVICE_COLUMN_INTEGER}, {"unapplied", SERVICE_COLUMN_INTEGER},
        {"created_at", SERVICE_COLUMN_TEXT}, {"created_by", SERVICE_COLUMN_TEXT}};
    json_t *o = service_row_object(stmt, columns, sizeof columns / sizeof columns[0]);
    json_object_set_new(o, "amount", money_json(db_column_int64(stmt, 3)));
    json_object_set_new(o, "unapplied", money_json(db_column_int64(stmt, 7)));
    return o;
}

static int payment_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT " PAYMENT_COLUMNS " FROM payments p JOIN customers c "
                   "ON c.id = p.customer_id WHERE p.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, payment_json, out, "payment", e, "no payment %" PRId64, id))
        return -1;
    if (applications_attach(db, "a.payment_id", id, *out, e)) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int payment_record(service_context *ctx, const payment_input *in, json_t **out, err *e)
{
    civil_day day;
    int64_t amount;
    if (service_date_take(in->date, &day, "date", e) || amount_take(in->amount, &amount, "amount", e))
        return -1;
    if (registry_required_text_check(in->reference, 100, "reference", e) ||
        (in->method && registry_text_check(in->method, 40, "method", e)))
        return -1;
    if (in->application_count > PAYMENT_APPLICATIONS_MAX)
        return err_set(e, ERR_INVALID, "applications", "at most %d applications at once",
                       PAYMENT_APPLICATIONS_MAX);
    if (service_begin(ctx, e))
        return -1;
    application_checked apps[PAYMENT_APPLICATIONS_MAX];
    json_t *record = NULL;
    int64_t customer_id, applied, entry_id, id;
    char code[REGISTRY_CODE_MAX + 8] = "";
    int rc = -1;
    if (customer_resolve(ctx, in->customer, 1, "customer", &customer_id, NULL, e))
        goto done;
    snprintf(code, sizeof code, "%s", in->customer);
    service_normalize_code(code);
    if (applications_check(ctx, customer_id, code, day, in->applications,
                           in->application_count, apps, &applied, e) ||
        date_open(ctx->db, day, "date", e))
        goto done;
    if (applied > amount) {
        char text[MONEY_TEXT_MAX];
        err_set(e, ERR_INVALID, "applications", "the applications exceed the payment's %s",
                money_format(amount, MONEY_PLAIN, text, sizeof text));
        goto done;
    }
    char now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX], description[160], ref[40];
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO payments (customer_id, payment_date, amount_cents, method, "
                   "reference, journal_entry_id, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, NULL, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, customer_id);
    db_bind_text(stmt, 2, date_format(day, day_text, sizeof day_text));
    db_bind_int64(stmt, 3, amount);
    db_bind_text(stmt, 4, in->method ? in->method : "");
    db_bind_text(stmt, 5, in->reference);
    db_bind_text(stmt, 6, now_text(now));
    db_bind_text(stmt, 7, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e))
        goto done;
    snprintf(description, sizeof description, "Payment %" PRId64 " from %s, %s", id, code,
             in->reference);
    snprintf(ref, sizeof ref, "payment:%" PRId64, id);
    ledger_line lines[3] = {{.account = "1000", .center = "", .amount = amount}};
    size_t count = 1;
    if (applied)
        lines[count++] = (ledger_line){.account = "1100", .center = "", .amount = -applied};
    if (amount > applied)
        lines[count++] = (ledger_line){.account = "2150", .center = "", .amount = applied - amount};
    if (post(ctx, day, description, ref, lines, count, &entry_id, e) ||
        db_prepare(ctx->db, "UPDATE payments SET journal_entry_id = ? WHERE id = ?", &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, entry_id);
    db_bind_int64(stmt, 2, id);
    if (db_exec_stmt(stmt, e) ||
        applications_insert(ctx, id, day, entry_id, apps, in->application_count, e) ||
        payment_fetch(ctx->db, id, &record, e))
        goto done;
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    rc = audit_append(ctx, "payment", key, "record", NULL, record, NULL, e);
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int payment_apply(service_context *ctx, const char *payment, const char *date,
                  const payment_application_input *applications, size_t count, json_t **out,
                  err *e)
{
    civil_day day;
    int64_t payment_id;
    if (id_take(payment, &payment_id, "payment", e) || service_date_take(date, &day, "date", e))
        return -1;
    if (count == 0)
        return err_set(e, ERR_INVALID, "applications", "name at least one invoice and amount");
    if (count > PAYMENT_APPLICATIONS_MAX)
        return err_set(e, ERR_INVALID, "applications", "at most %d applications at once",
                       PAYMENT_APPLICATIONS_MAX);
    if (service_begin(ctx, e))
        return -1;
    application_checked apps[PAYMENT_APPLICATIONS_MAX];
    json_t *before = NULL, *record = NULL;
    int64_t applied, entry_id, customer_id = 0, unapplied = 0;
    char customer[REGISTRY_CODE_MAX + 8] = "", payment_date[DATE_TEXT_MAX] = "";
    int rc = -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT p.customer_id, c.code, p.payment_date, " PAYMENT_UNAPPLIED_SQL
                   " FROM payments p "
                   "JOIN customers c ON c.id = p.customer_id WHERE p.id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, payment_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        customer_id = db_column_int64(stmt, 0);
        snprintf(customer, sizeof customer, "%s", db_column_text(stmt, 1));
        snprintf(payment_date, sizeof payment_date, "%s", db_column_text(stmt, 2));
        unapplied = db_column_int64(stmt, 3);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        err_set(e, ERR_NOT_FOUND, "payment", "no payment %" PRId64, payment_id);
    if (step != DB_ROW)
        goto done;
    civil_day paid;
    date_parse(payment_date, &paid, "date", NULL);
    if (day < paid) {
        err_set(e, ERR_INVALID, "date", "is before the payment's date %s", payment_date);
        goto done;
    }
    if (applications_check(ctx, customer_id, customer, day, applications, count, apps, &applied,
                           e) ||
        date_open(ctx->db, day, "date", e))
        goto done;
    if (applied > unapplied) {
        char text[MONEY_TEXT_MAX];
        err_set(e, ERR_INVALID, "applications", "payment %" PRId64 " has %s unapplied",
                payment_id, money_format(unapplied, MONEY_PLAIN, text, sizeof text));
        goto done;
    }
    char description[96], ref[40], key[24];
    snprintf(description, sizeof description, "Unapplied cash of payment %" PRId64 " applied",
             payment_id);
    snprintf(ref, sizeof ref, "payment:%" PRId64, payment_id);
    ledger_line lines[] = {{.account = "2150", .center = "", .amount = applied},
                           {.account = "1100", .center = "", .amount = -applied}};
    if (payment_fetch(ctx->db, payment_id, &before, e) ||
        post(ctx, day, description, ref, lines, 2, &entry_id, e) ||
        applications_insert(ctx, payment_id, day, entry_id, apps, count, e) ||
        payment_fetch(ctx->db, payment_id, &record, e))
        goto done;
    snprintf(key, sizeof key, "%" PRId64, payment_id);
    rc = audit_append(ctx, "payment", key, "apply", before, record, NULL, e);
done:
    return service_finish_record(ctx, rc, before, record, out, e);
}

int payment_unapply(service_context *ctx, const char *application, const char *date,
                    const char *reason, json_t **out, err *e)
{
    civil_day day;
    int64_t id;
    if (id_take(application, &id, "application", e) || service_date_take(date, &day, "date", e) ||
        reason_take(reason, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *record = NULL;
    int64_t payment_id = 0, amount = 0, entry_id, invoice_id = 0;
    char applied_date[DATE_TEXT_MAX] = "", number[RECEIVABLES_NUMBER_TEXT_MAX] = "";
    int undone = 0, rc = -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT a.payment_id, a.amount_cents, a.applied_date, a.undone_date IS NOT NULL, "
                   "i.number, a.invoice_id" APPLICATION_FROM " WHERE a.id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        payment_id = db_column_int64(stmt, 0);
        amount = db_column_int64(stmt, 1);
        snprintf(applied_date, sizeof applied_date, "%s", db_column_text(stmt, 2));
        undone = db_column_int64(stmt, 3) != 0;
        snprintf(number, sizeof number, "%s", db_column_text(stmt, 4));
        invoice_id = db_column_int64(stmt, 5);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        err_set(e, ERR_NOT_FOUND, "application", "no application %" PRId64, id);
    if (step != DB_ROW)
        goto done;
    if (undone) {
        err_set(e, ERR_CONFLICT, "application", "application %" PRId64 " is already undone", id);
        goto done;
    }
    civil_day applied;
    date_parse(applied_date, &applied, "date", NULL);
    if (day < applied) {
        err_set(e, ERR_INVALID, "date", "is before the application's date %s", applied_date);
        goto done;
    }
    if (date_open(ctx->db, day, "date", e))
        goto done;
    char description[120], ref[40], key[24], day_text[DATE_TEXT_MAX];
    snprintf(description, sizeof description,
             "Application %" PRId64 " of payment %" PRId64 " to invoice %s undone", id, payment_id,
             number);
    snprintf(ref, sizeof ref, "payment:%" PRId64, payment_id);
    ledger_line lines[] = {{.account = "1100", .center = "", .amount = amount},
                           {.account = "2150", .center = "", .amount = -amount, .memo = reason}};
    if (payment_fetch(ctx->db, payment_id, &before, e) ||
        post(ctx, day, description, ref, lines, 2, &entry_id, e) ||
        db_prepare(ctx->db,
                   "UPDATE payment_applications SET undone_date = ?, undo_reason = ?, "
                   "undo_entry_id = ? WHERE id = ? AND undone_date IS NULL",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, date_format(day, day_text, sizeof day_text));
    db_bind_text(stmt, 2, reason);
    db_bind_int64(stmt, 3, entry_id);
    db_bind_int64(stmt, 4, id);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) != 1) {
        err_set(e, ERR_CONFLICT, "application", "the application was undone meanwhile");
        goto done;
    }
    if (invoice_open_change_in(ctx, invoice_id, amount, day, e) ||
        payment_fetch(ctx->db, payment_id, &record, e))
        goto done;
    snprintf(key, sizeof key, "%" PRId64, payment_id);
    rc = audit_append(ctx, "payment", key, "unapply", before, record, reason, e);
done:
    return service_finish_record(ctx, rc, before, record, out, e);
}

int payment_get(service_context *ctx, const char *payment, json_t **out, err *e)
{
    int64_t id;
    if (id_take(payment, &id, "payment", e))
        return -1;
    return payment_fetch(ctx->db, id, out, e);
}

static const service_sort_key payment_sort_keys[] = {
    {"id", "p.id"},         {"date", "p.payment_date"},   {"customer", "c.code"},
    {"amount", "p.amount_cents"}, {"unapplied", PAYMENT_UNAPPLIED_SQL},
    {"reference", "p.reference"}};

int payment_list(service_context *ctx, payment_filter *filter, json_t **out, err *e)
{
    list_filters filters;
    const char *unapplied = filter->unapplied ? filter->unapplied : "";
    if (*unapplied && strcmp(unapplied, "true") != 0 && strcmp(unapplied, "false") != 0)
        return err_set(e, ERR_INVALID, "unapplied", "must be true or false");
    if (list_filters_take(filter->customer, filter->from, filter->to, &filter->page, &filters, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(payment_sort_keys, "p.id", "p.id");
    db_stmt *stmt;
    if (list_prepare(ctx->db,
                     "SELECT " PAYMENT_COLUMNS "%s FROM payments p JOIN customers c "
                     "ON c.id = p.customer_id WHERE (?1 = '' OR c.code = ?1) "
                     "AND (?2 = '' OR p.payment_date >= ?2) AND (?3 = '' OR p.payment_date <= ?3) "
                     "AND p.id > ?4 AND (?7 = 0 OR " PAYMENT_UNAPPLIED_SQL " > 0) "
                     "ORDER BY %s LIMIT ?5 OFFSET ?6",
                     &filter->page, &sort, &filters, &stmt, e))
        return -1;
    db_bind_int64(stmt, 7, strcmp(unapplied, "true") == 0);
    return service_collect_page(stmt, payment_json, &filter->page, "id", out, e);
}

/* --- aging ------------------------------------------------------------------- */

static json_t *buckets_json(const int64_t *amounts)
{
    json_t *o = json_object();
    for (int b = 0; b < AGING_BUCKET_COUNT; b++)
        json_object_set_new(o, aging_bucket_name((aging_bucket)b), money_json(amounts[b]));
    return o;
}

int billing_account_balance_at(db_conn *db, const char *code, civil_day day, int64_t *balance,
                               err *e)
{
    int64_t account_id;
    ledger_sums sums = {0};
    if (ledger_account_id(db, code, &account_id, "account", e) ||
        ledger_sums_between(db, 0, day, &sums, e))
        return -1;
    *balance = 0;
    for (size_t i = 0; i < sums.count; i++)
        if (sums.items[i].account_id == account_id)
            *balance += sums.items[i].debit - sums.items[i].credit;
    ledger_sums_free(&sums);
    return 0;
}

/* The open documents at ?1 from the documents themselves (any day). */
#define AGING_DOCUMENTS_SQL                                                                        \
    "SELECT c.code, COALESCE(h.name, c.name), 'invoice', i.number, i.invoice_date, "             \
    "i.due_date, i.total_cents - COALESCE((SELECT SUM(a.amount_cents) FROM "                     \
    "payment_applications a WHERE a.invoice_id = i.id AND a.applied_date <= ?1 "                 \
    "AND (a.undone_date IS NULL OR a.undone_date > ?1)), 0) - COALESCE((SELECT "                 \
    "SUM(cm.amount_cents) FROM credit_memos cm WHERE cm.invoice_id = i.id AND "                  \
    "cm.credit_date <= ?1), 0) - COALESCE((SELECT SUM(w.amount_cents) FROM write_offs w "        \
    "WHERE w.invoice_id = i.id AND w.write_off_date <= ?1), 0) AS open_cents "                   \
    "FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN hospitals h "            \
    "ON h.id = c.hospital_id WHERE i.status = 'issued' AND i.invoice_date <= ?1 "                \
    "UNION ALL " AGING_CREDITS_SQL
/* Standalone credits dated up to ?1, negative. */
#define AGING_CREDITS_SQL                                                                          \
    "SELECT c.code, COALESCE(h.name, c.name), 'credit', 'CM-' || CAST(cm.id AS TEXT), "          \
    "cm.credit_date, cm.credit_date, -cm.amount_cents FROM credit_memos cm JOIN customers c "    \
    "ON c.id = cm.customer_id LEFT JOIN hospitals h ON h.id = c.hospital_id "                    \
    "WHERE cm.invoice_id IS NULL AND cm.credit_date <= ?1 ORDER BY 1, 5, 4"
/* The same on or after every document: the open amounts kept on the rows. */
#define AGING_ROWS_SQL                                                                             \
    "SELECT c.code, COALESCE(h.name, c.name), 'invoice', i.number, i.invoice_date, "             \
    "i.due_date, i.open_cents FROM invoices i JOIN customers c ON c.id = i.customer_id "         \
    "LEFT JOIN hospitals h ON h.id = c.hospital_id WHERE i.open_cents <> 0 "                     \
    "UNION ALL " AGING_CREDITS_SQL

/* *rows = 1 when `day` is on or after the newest date of every document
 * that changes what is open (issue, application and its undo, credit,
 * write-off): then the open amounts on the rows are the aging's. Each MAX
 * reads one end of an index. */
static int aging_reads_rows(db_conn *db, const char *day, int *rows, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT CASE WHEN COALESCE((SELECT MAX(invoice_date) FROM invoices), '') <= ?1 "
                   "AND COALESCE((SELECT MAX(credit_date) FROM credit_memos), '') <= ?1 "
                   "AND COALESCE((SELECT MAX(applied_date) FROM payment_applications), '') <= ?1 "
                   "AND COALESCE((SELECT MAX(undone_date) FROM payment_applications), '') <= ?1 "
                   "AND COALESCE((SELECT MAX(write_off_date) FROM write_offs), '') <= ?1 "
                   "THEN 1 ELSE 0 END",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, day);
    db_step_result step = db_step(stmt, e);
    *rows = step == DB_ROW && db_column_int64(stmt, 0) != 0;
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* A customer of the aging done: its buckets, their total and its documents. */
static void aging_customer_close(json_t *customer, const int64_t *buckets, json_t *documents)
{
    int64_t total = 0;
    for (int b = 0; b < AGING_BUCKET_COUNT; b++)
        total += buckets[b];
    json_object_set_new(customer, "buckets", buckets_json(buckets));
    json_object_set_new(customer, "total", money_json(total));
    json_object_set_new(customer, "documents", documents);
}

int receivables_aging_at(db_conn *db, civil_day day, int by_invoice, json_t **out, err *e)
{
    char day_text[DATE_TEXT_MAX];
    date_format(day, day_text, sizeof day_text);
    int rc = -1;
    json_t *result = NULL, *customers = json_array();
    db_stmt *stmt;
    /* Issued invoices dated up to the day, with what was open on it, and
     * standalone credits as negative documents; by customer, then date. On
     * or after the newest document of every kind, what was open is what is
     * open now: the open invoices are read from their rows (through the
     * index of open invoices) instead of summing every application. */
    int fast = 0;
    if (aging_reads_rows(db, day_text, &fast, e) ||
        db_prepare(db, fast ? AGING_ROWS_SQL : AGING_DOCUMENTS_SQL, &stmt, e))
        goto done;
    db_bind_text(stmt, 1, day_text);
    int64_t totals[AGING_BUCKET_COUNT] = {0}, customer_totals[AGING_BUCKET_COUNT] = {0}, total = 0;
    json_t *current = NULL, *documents = NULL;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int64_t open = db_column_int64(stmt, 6);
        if (open == 0)
            continue;
        const char *code = db_column_text(stmt, 0);
        if (!current || strcmp(json_string_value(json_object_get(current, "code")), code) != 0) {
            if (current)
                aging_customer_close(current, customer_totals, documents);
            memset(customer_totals, 0, sizeof customer_totals);
            current = json_pack("{s:s, s:s}", "code", code, "name", db_column_text(stmt, 1));
            documents = json_array();
            json_array_append_new(customers, current);
        }
        civil_day invoice_date, due;
        date_parse(db_column_text(stmt, 4), &invoice_date, "date", NULL);
        date_parse(db_column_text(stmt, 5), &due, "date", NULL);
        civil_day from = by_invoice ? invoice_date : due;
        aging_bucket bucket = aging_bucket_of(from, day);
        int32_t days = date_days_between(from, day);
        customer_totals[bucket] += open;
        totals[bucket] += open;
        total += open;
        json_int_t past = days > 0 ? days : 0;
        json_array_append_new(
            documents, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:I}", "type",
                                 db_column_text(stmt, 2), "number", db_column_text(stmt, 3),
                                 "date", db_column_text(stmt, 4), "due_date",
                                 db_column_text(stmt, 5), "open", money_json(open), "bucket",
                                 aging_bucket_name(bucket), "days", past));
    }
    db_reset(stmt);
    if (current)
        aging_customer_close(current, customer_totals, documents);
    if (step == DB_FAILED)
        goto done;
    int64_t ledger;
    if (billing_account_balance_at(db, "1100", day, &ledger, e))
        goto done;
    json_t *findings = json_array();
    if (ledger != total) {
        char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], d[MONEY_TEXT_MAX], sentence[256];
        snprintf(sentence, sizeof sentence,
                 "The aging totals %s but account 1100 holds %s on %s: a difference of %s that "
                 "documents do not explain (entries posted to 1100 by hand or by an import).",
                 money_format(total, MONEY_GROUPED, a, sizeof a),
                 money_format(ledger, MONEY_GROUPED, b, sizeof b), day_text,
                 money_format(ledger - total, MONEY_GROUPED, d, sizeof d));
        json_array_append_new(findings, json_string(sentence));
    }
    result = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "date", day_text, "by",
                       by_invoice ? "invoice" : "due", "buckets", buckets_json(totals), "total",
                       money_json(total), "ledger_receivables", money_json(ledger), "difference",
                       money_json(ledger - total), "findings", findings, "customers", customers);
    customers = NULL;
    rc = 0;
done:
    json_decref(customers);
    if (rc)
        return -1;
    *out = result;
    return 0;
}

/* The totals' rows: customer id, due date, invoice date, open cents. */
#define AGING_TOTALS_CREDITS_SQL                                                                   \
    "SELECT customer_id, credit_date, credit_date, -amount_cents FROM credit_memos "             \
    "WHERE invoice_id IS NULL AND credit_date <= ?1"
#define AGING_TOTALS_ROWS_SQL                                                                      \
    "SELECT customer_id, due_date, invoice_date, open_cents FROM invoices "                      \
    "WHERE open_cents <> 0 UNION ALL " AGING_TOTALS_CREDITS_SQL
#define AGING_TOTALS_DOCUMENTS_SQL                                                                 \
    "SELECT i.customer_id, i.due_date, i.invoice_date, i.total_cents - COALESCE((SELECT "        \
    "SUM(a.amount_cents) FROM payment_applications a WHERE a.invoice_id = i.id AND "            \
    "a.applied_date <= ?1 AND (a.undone_date IS NULL OR a.undone_date > ?1)), 0) - "            \
    "COALESCE((SELECT SUM(cm.amount_cents) FROM credit_memos cm WHERE cm.invoice_id = i.id "   \
    "AND cm.credit_date <= ?1), 0) - COALESCE((SELECT SUM(w.amount_cents) FROM write_offs w "  \
    "WHERE w.invoice_id = i.id AND w.write_off_date <= ?1), 0) FROM invoices i "                \
    "WHERE i.status = 'issued' AND i.invoice_date <= ?1 UNION ALL " AGING_TOTALS_CREDITS_SQL

int receivables_aging_totals(db_conn *db, civil_day day, int by_invoice, aging_totals *out,
                             err *e)
{
    char day_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    memset(out, 0, sizeof *out);
    date_format(day, day_text, sizeof day_text);
    if (aging_reads_rows(db, day_text, &out->from_rows, e) ||
        db_prepare(db, out->from_rows ? AGING_TOTALS_ROWS_SQL : AGING_TOTALS_DOCUMENTS_SQL, &stmt,
                   e))
        return -1;
    db_bind_text(stmt, 1, day_text);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int64_t open = db_column_int64(stmt, 3), id = db_column_int64(stmt, 0);
        if (open == 0 || id < 0)
            continue;
        if ((size_t)id >= out->customer_count) {
            size_t count = (size_t)id * 2 + 16;
            aging_customer_totals *grown = realloc(out->customers, count * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                aging_totals_free(out);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            memset(grown + out->customer_count, 0,
                   (count - out->customer_count) * sizeof *grown);
            out->customers = grown;
            out->customer_count = count;
        }
        civil_day from;
        date_parse(db_column_text(stmt, by_invoice ? 2 : 1), &from, "date", NULL);
        aging_bucket bucket = aging_bucket_of(from, day);
        out->customers[id].buckets[bucket] += open;
        out->buckets[bucket] += open;
        out->total += open;
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        aging_totals_free(out);
        return -1;
    }
    return 0;
}

void aging_totals_free(aging_totals *totals)
{
    free(totals->customers);
    totals->customers = NULL;
    totals->customer_count = 0;
}

/* The aging's day ("date", required) and what its days count from ("by":
 * due, the default, or invoice). */
static int aging_take(const char *date, const char *by, civil_day *day, int *by_invoice, err *e)
{
    if (service_date_take(date, day, "date", e))
        return -1;
    *by_invoice = 0;
    if (by && *by) {
        if (strcmp(by, "invoice") == 0)
            *by_invoice = 1;
        else if (strcmp(by, "due") != 0)
            return err_set(e, ERR_INVALID, "by", "must be due or invoice");
    }
    return 0;
}

int receivables_aging(service_context *ctx, const char *date, const char *by, json_t **out,
                      err *e)
{
    civil_day day;
    int by_invoice;
    if (aging_take(date, by, &day, &by_invoice, e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = receivables_aging_at(ctx->db, day, by_invoice, out, e);
    db_rollback(ctx->db);
    return rc;
}

/* The payments of the customer `code` with cash not applied at `day`
 * (dated up to it, less their applications dated up to it and not undone
 * by then: what account 2150 holds for the customer that day), oldest
 * first, and their total. */
static int unapplied_at(db_conn *db, const char *code, civil_day day, json_t **payments,
                        int64_t *total, err *e)
{
    char day_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT p.id, p.payment_date, p.reference, p.amount_cents - COALESCE((SELECT "
                   "SUM(a.amount_cents) FROM payment_applications a WHERE a.payment_id = p.id "
                   "AND a.applied_date <= ?1 AND (a.undone_date IS NULL OR a.undone_date > ?1)), "
                   "0) FROM payments p JOIN customers c ON c.id = p.customer_id "
                   "WHERE c.code = ?2 AND p.payment_date <= ?1 ORDER BY p.payment_date, p.id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, date_format(day, day_text, sizeof day_text));
    db_bind_text(stmt, 2, code);
    *payments = json_array();
    *total = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int64_t unapplied = db_column_int64(stmt, 3);
        if (unapplied <= 0)
            continue;
        *total += unapplied;
        json_array_append_new(*payments,
                              json_pack("{s:I, s:s, s:s, s:o}", "payment",
                                        (json_int_t)db_column_int64(stmt, 0), "date",
                                        db_column_text(stmt, 1), "reference",
                                        db_column_text(stmt, 2), "unapplied",
                                        money_json(unapplied)));
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(*payments);
        *payments = NULL;
        return -1;
    }
    return 0;
}

int customer_statement_read(service_context *ctx, const char *code, const char *date,
                            const char *by, json_t **out, err *e)
{
    civil_day day;
    int by_invoice;
    if (aging_take(date, by, &day, &by_invoice, e) || db_begin_read(ctx->db, e))
        return -1;
    json_t *aging = NULL, *payments = NULL;
    int64_t total = 0;
    int rc = receivables_aging_at(ctx->db, day, by_invoice, &aging, e) ||
                     unapplied_at(ctx->db, code, day, &payments, &total, e)
                 ? -1
                 : 0;
    db_rollback(ctx->db);
    if (rc) {
        json_decref(aging);
        return -1;
    }
    *out = json_pack("{s:o, s:o, s:o}", "aging", aging, "unapplied", payments, "unapplied_total",
                     money_json(total));
    return 0;
}

/* --- shared with the allowance's use cases (allowance.c) ------------------- */

int billing_date_take(db_conn *db, const char *text, civil_day *day, int open, err *e)
{
    if (service_date_take(text, day, "date", e))
        return -1;
    return open ? date_open(db, *day, "date", e) : 0;
}

int billing_amount_take(const char *text, int64_t *cents, const char *field, err *e)
{
    return amount_take(text, cents, field, e);
}

int billing_reason_take(const char *reason, err *e)
{
    return reason_take(reason, e);
}

int billing_post(service_context *ctx, civil_day date, const char *description,
                 const char *source_ref, const ledger_line *lines, size_t count, int64_t *entry,
                 err *e)
{
    return post(ctx, date, description, source_ref, lines, count, entry, e);
}

int billing_invoice_find(db_conn *db, const char *text, int64_t *id, err *e)
{
    return invoice_find(db, text, "invoice", id, e);
}
