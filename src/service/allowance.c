/*
 * allowance.c - the allowance for doubtful accounts, write-offs,
 * recoveries and DSO (see allowance.h). The one writer of
 * receivable_rates, allowance_adjustments, write_offs and recoveries; what
 * is open on an invoice changes through billing's invoice_open_change_in.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/ledger.h"
#include "domain/registry.h"
#include "domain/results.h"
#include "service/allowance.h"
#include "service/audit.h"
#include "service/billing.h"
#include "service/ledger.h"

static json_t *money_text(int64_t cents)
{
    char text[MONEY_TEXT_MAX];
    return json_string(money_format(cents, MONEY_PLAIN, text, sizeof text));
}

/* A rate in hundredths of a percent as "2.50". */
static json_t *rate_text(int64_t hundredths)
{
    return money_text(hundredths); /* the same two decimals */
}

static const char *now_text(char out[TIMESTAMP_TEXT_MAX])
{
    return timestamp_format(timestamp_now(), out, TIMESTAMP_TEXT_MAX);
}

/* --- rates ---------------------------------------------------------------- */

static int rates_load(db_conn *db, int64_t rates[AGING_BUCKET_COUNT], err *e)
{
    db_stmt *stmt;
    memset(rates, 0, sizeof(int64_t) * AGING_BUCKET_COUNT);
    if (db_prepare(db, "SELECT bucket, rate_hundredths FROM receivable_rates", &stmt, e))
        return -1;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int bucket = aging_bucket_parse(db_column_text(stmt, 0));
        if (bucket >= 0)
            rates[bucket] = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static json_t *rates_json(const int64_t rates[AGING_BUCKET_COUNT])
{
    json_t *o = json_object();
    for (int b = 0; b < AGING_BUCKET_COUNT; b++)
        json_object_set_new(o, aging_bucket_name((aging_bucket)b), rate_text(rates[b]));
    return json_pack("{s:o}", "rates", o);
}

int receivables_rates_get(service_context *ctx, json_t **out, err *e)
{
    int64_t rates[AGING_BUCKET_COUNT];
    if (rates_load(ctx->db, rates, e))
        return -1;
    *out = rates_json(rates);
    return 0;
}

int receivables_rates_set(service_context *ctx, const char *const rates[AGING_BUCKET_COUNT],
                          json_t **out, err *e)
{
    int64_t parsed[AGING_BUCKET_COUNT] = {0};
    int given = 0;
    for (int b = 0; b < AGING_BUCKET_COUNT; b++) {
        if (!rates[b])
            continue;
        given++;
        if (receivables_rate_parse(rates[b], &parsed[b], aging_bucket_name((aging_bucket)b), e))
            return -1;
    }
    if (!given)
        return err_set(e, ERR_INVALID, "rates",
                       "give at least one rate: current=PCT 1-30=PCT ... over-120=PCT");
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    int64_t current[AGING_BUCKET_COUNT];
    char now[TIMESTAMP_TEXT_MAX];
    int rc = -1;
    db_stmt *stmt;
    if (rates_load(ctx->db, current, e))
        goto done;
    before = rates_json(current);
    now_text(now);
    for (int b = 0; b < AGING_BUCKET_COUNT; b++) {
        if (!rates[b])
            continue;
        if (db_prepare(ctx->db,
                       "UPDATE receivable_rates SET rate_hundredths = ?, updated_at = ?, "
                       "updated_by = ? WHERE bucket = ?",
                       &stmt, e))
            goto done;
        db_bind_int64(stmt, 1, parsed[b]);
        db_bind_text(stmt, 2, now);
        db_bind_text(stmt, 3, ctx->actor.username);
        db_bind_text(stmt, 4, aging_bucket_name((aging_bucket)b));
        if (db_exec_stmt(stmt, e))
            goto done;
        current[b] = parsed[b];
    }
    after = rates_json(current);
    rc = audit_append(ctx, "receivable_rates", "rates", "set", before, after, NULL, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- the allowance ---------------------------------------------------------- */

/* The aging's buckets at `day` (by due date) as cents. */
static int aging_buckets(db_conn *db, civil_day day, int64_t open[AGING_BUCKET_COUNT], err *e)
{
    aging_totals totals;
    if (receivables_aging_totals(db, day, 0, &totals, e))
        return -1;
    memcpy(open, totals.buckets, sizeof totals.buckets);
    aging_totals_free(&totals);
    return 0;
}

/* The allowance's figures in cents: required, held (balance) and
 * adjustment = required - balance. */
typedef struct {
    int64_t required, balance, adjustment;
} allowance_figures;

/* What the allowance needs at `day`, what 1190 holds and the entry that
 * closes the gap: the answer of receivables_allowance without posting,
 * and its figures into *f. */
static int allowance_compute(db_conn *db, civil_day day, json_t **out, allowance_figures *f,
                             err *e)
{
    int64_t open[AGING_BUCKET_COUNT], rates[AGING_BUCKET_COUNT], per[AGING_BUCKET_COUNT], debit;
    if (aging_buckets(db, day, open, e) || rates_load(db, rates, e) ||
        billing_account_balance_at(db, "1190", day, &debit, e))
        return -1;
    int64_t required = receivables_allowance_required(open, rates, per), balance = -debit;
    json_t *buckets = json_array();
    for (int b = 0; b < AGING_BUCKET_COUNT; b++)
        json_array_append_new(buckets,
                              json_pack("{s:s, s:o, s:o, s:o}", "bucket",
                                        aging_bucket_name((aging_bucket)b), "open",
                                        money_text(open[b]), "rate", rate_text(rates[b]),
                                        "allowance", money_text(per[b])));
    f->required = required;
    f->balance = balance;
    int64_t *adjustment = &f->adjustment;
    *adjustment = required - balance;
    json_t *entry = json_null();
    if (*adjustment != 0) {
        int64_t amount = *adjustment > 0 ? *adjustment : -*adjustment;
        const char *debited = *adjustment > 0 ? "6100" : "1190";
        const char *credited = *adjustment > 0 ? "1190" : "6100";
        entry = json_pack("{s:s, s:[{s:s, s:o, s:o}, {s:s, s:o, s:o}]}", "description",
                          *adjustment > 0 ? "Bad-debt provision: allowance raised"
                                          : "Allowance released against the bad-debt provision",
                          "lines", "account", debited, "debit", money_text(amount), "credit",
                          money_text(0), "account", credited, "debit", money_text(0), "credit",
                          money_text(amount));
    }
    char day_text[DATE_TEXT_MAX];
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:n}", "date",
                     date_format(day, day_text, sizeof day_text), "buckets", buckets, "required",
                     money_text(required), "balance", money_text(balance), "adjustment",
                     money_text(*adjustment), "entry", entry, "posted", 0, "journal_entry");
    return 0;
}

int receivables_allowance(service_context *ctx, const char *date, int post, const char *reason,
                          json_t **out, err *e)
{
    civil_day day;
    allowance_figures f;
    if (!post) {
        if (billing_date_take(ctx->db, date, &day, 0, e) || db_begin_read(ctx->db, e))
            return -1;
        int rc = allowance_compute(ctx->db, day, out, &f, e);
        db_rollback(ctx->db);
        return rc;
    }
    if (billing_reason_take(reason, e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int rc = -1;
    int64_t entry_id, id;
    if (billing_date_take(ctx->db, date, &day, 1, e) ||
        allowance_compute(ctx->db, day, &record, &f, e))
        goto done;
    int64_t adjustment = f.adjustment;
    if (adjustment == 0) {
        err_set(e, ERR_INVALID, "date", "the allowance at %s already holds what is required: "
                "there is nothing to post", json_string_value(json_object_get(record, "date")));
        goto done;
    }
    int64_t amount = adjustment > 0 ? adjustment : -adjustment;
    ledger_line lines[] = {
        {.account = adjustment > 0 ? "6100" : "1190", .center = "", .amount = amount,
         .memo = reason},
        {.account = adjustment > 0 ? "1190" : "6100", .center = "", .amount = -amount},
    };
    const char *description =
        json_string_value(json_object_get(json_object_get(record, "entry"), "description"));
    char now[TIMESTAMP_TEXT_MAX], key[24];
    db_stmt *stmt;
    if (billing_post(ctx, day, description, "allowance", lines, 2, &entry_id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO allowance_adjustments (as_of, required_cents, balance_cents, "
                   "amount_cents, reason, journal_entry_id, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, json_string_value(json_object_get(record, "date")));
    db_bind_int64(stmt, 2, f.required);
    db_bind_int64(stmt, 3, f.balance);
    db_bind_int64(stmt, 4, adjustment);
    db_bind_text(stmt, 5, reason);
    db_bind_int64(stmt, 6, entry_id);
    db_bind_text(stmt, 7, now_text(now));
    db_bind_text(stmt, 8, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e))
        goto done;
    json_object_set_new(record, "posted", json_true());
    json_object_set_new(record, "journal_entry", json_integer(entry_id));
    snprintf(key, sizeof key, "%" PRId64, id);
    rc = audit_append(ctx, "allowance_adjustment", key, "post", NULL, record, reason, e);
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

/* --- write-offs and recoveries ------------------------------------------------ */

typedef struct {
    int64_t id, total, open, paid, written_off, recovered;
    char status[16], number[RECEIVABLES_NUMBER_TEXT_MAX];
    civil_day date;
} invoice_state;

static int invoice_state_load(db_conn *db, const char *text, invoice_state *out, err *e)
{
    db_stmt *stmt;
    memset(out, 0, sizeof *out);
    if (billing_invoice_find(db, text, &out->id, e) ||
        db_prepare(db,
                   "SELECT i.status, COALESCE(i.number, ''), i.invoice_date, i.total_cents, "
                   "i.open_cents, COALESCE((SELECT SUM(a.amount_cents) FROM payment_applications "
                   "a WHERE a.invoice_id = i.id AND a.undone_date IS NULL), 0), "
                   "COALESCE((SELECT SUM(w.amount_cents) FROM write_offs w "
                   "WHERE w.invoice_id = i.id), 0), COALESCE((SELECT SUM(w.recovered_cents) "
                   "FROM write_offs w WHERE w.invoice_id = i.id), 0) FROM invoices i WHERE i.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, out->id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        snprintf(out->status, sizeof out->status, "%s", db_column_text(stmt, 0));
        snprintf(out->number, sizeof out->number, "%s", db_column_text(stmt, 1));
        date_parse(db_column_text(stmt, 2), &out->date, "date", NULL);
        out->total = db_column_int64(stmt, 3);
        out->open = db_column_int64(stmt, 4);
        out->paid = db_column_int64(stmt, 5);
        out->written_off = db_column_int64(stmt, 6);
        out->recovered = db_column_int64(stmt, 7);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "invoice", "no invoice '%s'", text);
    return step == DB_ROW ? 0 : -1;
}

#define WRITE_OFF_COLUMNS                                                                          \
    "w.id, i.number, w.write_off_date, w.amount_cents, w.recovered_cents, w.reason, "            \
    "w.journal_entry_id, w.created_at, w.created_by"

static json_t *write_off_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:I, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "invoice", db_column_text(stmt, 1),
                     "date", db_column_text(stmt, 2), "amount",
                     money_text(db_column_int64(stmt, 3)), "recovered",
                     money_text(db_column_int64(stmt, 4)), "reason", db_column_text(stmt, 5),
                     "journal_entry", (json_int_t)db_column_int64(stmt, 6), "created_at",
                     db_column_text(stmt, 7), "created_by", db_column_text(stmt, 8));
}

static json_t *recovery_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:s, s:I, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "write_off",
                     (json_int_t)db_column_int64(stmt, 1), "date", db_column_text(stmt, 2),
                     "amount", money_text(db_column_int64(stmt, 3)), "reference",
                     db_column_text(stmt, 4), "journal_entry",
                     (json_int_t)db_column_int64(stmt, 5), "created_at", db_column_text(stmt, 6),
                     "created_by", db_column_text(stmt, 7));
}

/* The invoice's write-offs, their recoveries and what is open on it now. */
static int write_offs_answer(db_conn *db, const invoice_state *invoice, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *rows = NULL;
    if (db_prepare(db,
                   "SELECT " WRITE_OFF_COLUMNS " FROM write_offs w JOIN invoices i "
                   "ON i.id = w.invoice_id WHERE w.invoice_id = ? ORDER BY w.id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, invoice->id);
    if (service_collect_rows(stmt, write_off_json, &rows, e))
        return -1;
    invoice_state now;
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, invoice->id);
    if (invoice_state_load(db, id, &now, e)) {
        json_decref(rows);
        return -1;
    }
    json_t *recovered = NULL;
    if (db_prepare(db,
                   "SELECT r.id, r.write_off_id, r.recovery_date, r.amount_cents, r.reference, "
                   "r.journal_entry_id, r.created_at, r.created_by FROM recoveries r JOIN "
                   "write_offs w ON w.id = r.write_off_id WHERE w.invoice_id = ? ORDER BY r.id",
                   &stmt, e)) {
        json_decref(rows);
        return -1;
    }
    db_bind_int64(stmt, 1, invoice->id);
    if (service_collect_rows(stmt, recovery_json, &recovered, e)) {
        json_decref(rows);
        return -1;
    }
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "invoice", now.number, "total",
                     money_text(now.total), "open", money_text(now.open), "written_off",
                     money_text(now.written_off), "recovered", money_text(now.recovered),
                     "write_offs", rows, "recoveries", recovered);
    return 0;
}

int receivables_write_offs_of(service_context *ctx, const char *invoice, json_t **out, err *e)
{
    invoice_state state;
    if (invoice_state_load(ctx->db, invoice, &state, e))
        return -1;
    return write_offs_answer(ctx->db, &state, out, e);
}

static const service_sort_key write_off_sort_keys[] = {
    {"date", "w.write_off_date"}, {"invoice", "i.number"}, {"amount", "w.amount_cents"},
    {"recovered", "w.recovered_cents"}, {"id", "w.id"}};

int receivables_write_offs_list(service_context *ctx, write_off_filter *filter, json_t **out,
                                err *e)
{
    service_day_range days;
    int64_t after;
    if (service_day_range_take(filter->from, filter->to, &days, e) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    /* Newest first; a page after the write-off ?3 starts after it in that order. */
    static const service_sort sort = SERVICE_SORT(
        write_off_sort_keys, "w.write_off_date DESC, w.id DESC", "w.id DESC");
    db_stmt *stmt;
    if (service_list_prepare(
            ctx->db,
            "SELECT " WRITE_OFF_COLUMNS "%s FROM write_offs w JOIN invoices i "
            "ON i.id = w.invoice_id WHERE (?1 = '' OR w.write_off_date >= ?1) "
            "AND (?2 = '' OR w.write_off_date <= ?2) AND (?3 = 0 OR w.write_off_date < "
            "(SELECT a.write_off_date FROM write_offs a WHERE a.id = ?3) OR (w.write_off_date = "
            "(SELECT a.write_off_date FROM write_offs a WHERE a.id = ?3) AND w.id < ?3)) "
            "ORDER BY %s LIMIT ?4 OFFSET ?5",
            &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, days.from);
    db_bind_text(stmt, 2, days.to);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, write_off_json, &filter->page, "id", out, e);
}

int receivables_write_off(service_context *ctx, const char *invoice, const char *date,
                          const char *reason, json_t **out, err *e)
{
    civil_day day;
    if (billing_reason_take(reason, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *record = NULL;
    invoice_state state;
    int64_t entry_id, id;
    int rc = -1;
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    if (invoice_state_load(ctx->db, invoice, &state, e))
        goto done;
    if (strcmp(state.status, "issued") != 0) {
        err_set(e, ERR_INVALID, "invoice", "a draft is not owed: it is changed, not written off");
        goto done;
    }
    if (state.open <= 0) {
        if (state.paid >= state.total)
            err_set(e, ERR_INVALID, "invoice", "invoice %s is paid: nothing is open to write off",
                    state.number);
        else
            err_set(e, ERR_INVALID, "invoice", "invoice %s has nothing open to write off",
                    state.number);
        goto done;
    }
    if (billing_date_take(ctx->db, date, &day, 0, e))
        goto done;
    if (day < state.date) {
        err_set(e, ERR_INVALID, "date", "is before the invoice's date %s",
                date_format(state.date, day_text, sizeof day_text));
        goto done;
    }
    if (billing_date_take(ctx->db, date, &day, 1, e) ||
        write_offs_answer(ctx->db, &state, &before, e))
        goto done;
    char description[96], ref[40];
    snprintf(description, sizeof description, "Write-off of invoice %s", state.number);
    snprintf(ref, sizeof ref, "invoice:%s", state.number);
    ledger_line lines[] = {
        {.account = "1190", .center = "", .amount = state.open, .memo = reason},
        {.account = "1100", .center = "", .amount = -state.open},
    };
    db_stmt *stmt;
    if (billing_post(ctx, day, description, ref, lines, 2, &entry_id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO write_offs (invoice_id, write_off_date, amount_cents, reason, "
                   "journal_entry_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, state.id);
    db_bind_text(stmt, 2, date_format(day, day_text, sizeof day_text));
    db_bind_int64(stmt, 3, state.open);
    db_bind_text(stmt, 4, reason);
    db_bind_int64(stmt, 5, entry_id);
    db_bind_text(stmt, 6, now_text(now));
    db_bind_text(stmt, 7, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e) ||
        invoice_open_change_in(ctx, state.id, -state.open, day, e) ||
        write_offs_answer(ctx->db, &state, &record, e))
        goto done;
    rc = audit_append(ctx, "invoice", state.number, "write_off", before, record, reason, e);
done:
    return service_finish_record(ctx, rc, before, record, out, e);
}

int receivables_recover(service_context *ctx, const char *invoice, const char *date,
                        const char *amount_text, const char *reference, json_t **out, err *e)
{
    civil_day day;
    int64_t amount;
    if (billing_amount_take(amount_text, &amount, "amount", e))
        return -1;
    if (registry_text_blank(reference))
        return err_set(e, ERR_INVALID, "reference", "is required: the check or transfer");
    if (registry_text_check(reference, 200, "reference", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *record = NULL;
    invoice_state state;
    int64_t entry_id;
    int rc = -1;
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX], money[MONEY_TEXT_MAX];
    if (invoice_state_load(ctx->db, invoice, &state, e))
        goto done;
    int64_t recoverable = state.written_off - state.recovered;
    if (state.written_off == 0) {
        err_set(e, ERR_INVALID, "invoice", "invoice %s has no write-off to recover",
                *state.number ? state.number : invoice);
        goto done;
    }
    if (amount > recoverable) {
        err_set(e, ERR_INVALID, "amount",
                "invoice %s has %s written off and not recovered: a recovery cannot exceed it",
                state.number, money_format(recoverable, MONEY_PLAIN, money, sizeof money));
        goto done;
    }
    if (billing_date_take(ctx->db, date, &day, 1, e) ||
        write_offs_answer(ctx->db, &state, &before, e))
        goto done;
    char description[96], ref[40];
    snprintf(description, sizeof description, "Recovery on invoice %s written off", state.number);
    snprintf(ref, sizeof ref, "invoice:%s", state.number);
    ledger_line lines[] = {
        {.account = "1100", .center = "", .amount = amount, .memo = "write-off reversed"},
        {.account = "1190", .center = "", .amount = -amount},
        {.account = "1000", .center = "", .amount = amount, .memo = reference},
        {.account = "1100", .center = "", .amount = -amount, .memo = "cash received"},
    };
    if (billing_post(ctx, day, description, ref, lines, 4, &entry_id, e))
        goto done;
    /* Spread over the invoice's write-offs, oldest first. */
    int64_t left = amount;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT id, amount_cents - recovered_cents, write_off_date FROM write_offs "
                   "WHERE invoice_id = ? AND recovered_cents < amount_cents ORDER BY id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, state.id);
    int64_t ids[64], takes[64];
    size_t count = 0;
    db_step_result step;
    while (left > 0 && count < 64 && (step = db_step(stmt, e)) == DB_ROW) {
        civil_day written;
        date_parse(db_column_text(stmt, 2), &written, "date", NULL);
        if (day < written) {
            err_set(e, ERR_INVALID, "date", "is before the write-off's date %s",
                    db_column_text(stmt, 2));
            db_reset(stmt);
            goto done;
        }
        ids[count] = db_column_int64(stmt, 0);
        takes[count] = db_column_int64(stmt, 1) < left ? db_column_int64(stmt, 1) : left;
        left -= takes[count++];
    }
    db_reset(stmt);
    if (left > 0 && step == DB_FAILED)
        goto done;
    if (left > 0) {
        err_set(e, ERR_CONFLICT, "amount", "the write-offs changed meanwhile: read them again");
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if (db_prepare(ctx->db,
                       "UPDATE write_offs SET recovered_cents = recovered_cents + ? WHERE id = ?",
                       &stmt, e))
            goto done;
        db_bind_int64(stmt, 1, takes[i]);
        db_bind_int64(stmt, 2, ids[i]);
        if (db_exec_stmt(stmt, e) ||
            db_prepare(ctx->db,
                       "INSERT INTO recoveries (write_off_id, recovery_date, amount_cents, "
                       "reference, journal_entry_id, created_at, created_by) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &stmt, e))
            goto done;
        db_bind_int64(stmt, 1, ids[i]);
        db_bind_text(stmt, 2, date_format(day, day_text, sizeof day_text));
        db_bind_int64(stmt, 3, takes[i]);
        db_bind_text(stmt, 4, reference);
        db_bind_int64(stmt, 5, entry_id);
        db_bind_text(stmt, 6, now_text(now));
        db_bind_text(stmt, 7, ctx->actor.username);
        if (db_exec_stmt(stmt, e))
            goto done;
    }
    if (write_offs_answer(ctx->db, &state, &record, e))
        goto done;
    rc = audit_append(ctx, "invoice", state.number, "recover", before, record, reference, e);
done:
    return service_finish_record(ctx, rc, before, record, out, e);
}

/* --- DSO ------------------------------------------------------------------- */

int receivables_dso_at(db_conn *db, civil_day from, civil_day to, receivables_dso_figures *out,
                       err *e)
{
    ledger_chart chart = {0};
    ledger_sums position = {0}, period = {0};
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (ledger_chart_load(db, &chart, e) ||
        ledger_sums_between(db, ledger_beginning(), to, &position, e) ||
        ledger_sums_between(db, from, to, &period, e))
        goto done;
    for (size_t i = 0; i < position.count; i++) {
        const ledger_account *account = ledger_chart_find(&chart, position.items[i].account_id);
        if (!account || strcmp(account->report_group, "receivables") != 0)
            continue;
        int64_t debit = position.items[i].debit - position.items[i].credit;
        if (account->type == ACCOUNT_CONTRA_ASSET)
            out->allowance -= debit;
        else
            out->receivables += debit;
    }
    for (size_t i = 0; i < period.count; i++) {
        const ledger_account *account = ledger_chart_find(&chart, period.items[i].account_id);
        if (account && account->type == ACCOUNT_REVENUE)
            out->revenue += period.items[i].credit - period.items[i].debit;
    }
    out->days = (int)date_days_between(from, to) + 1;
    out->has_dso = receivables_dso(out->receivables, out->allowance, out->revenue, out->days,
                                   &out->dso_tenths, &out->dso_days);
    char to_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT CASE WHEN EXISTS (SELECT 1 FROM invoices WHERE status = 'issued' "
                   "AND invoice_date <= ?1) THEN 1 ELSE 0 END",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, date_format(to, to_text, sizeof to_text));
    db_step_result step = db_step(stmt, e);
    out->has_documents = step == DB_ROW && db_column_int64(stmt, 0) != 0;
    db_reset(stmt);
    rc = step == DB_FAILED ? -1 : 0;
done:
    ledger_chart_free(&chart);
    ledger_sums_free(&position);
    ledger_sums_free(&period);
    return rc;
}

int receivables_dso_of(service_context *ctx, const char *period_text, json_t **out, err *e)
{
    ledger_period period;
    if (!period_text || !*period_text)
        return err_set(e, ERR_INVALID, "period", "is required: 2004Q1, 2004-03 or 2004");
    if (ledger_period_parse(period_text, &period, "period", e) || db_begin_read(ctx->db, e))
        return -1;
    receivables_dso_figures f;
    int rc = receivables_dso_at(ctx->db, period.first_day, period.last_day, &f, e);
    db_rollback(ctx->db);
    if (rc)
        return -1;
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX], tenths[24];
    results_format_tenths(f.dso_tenths, 0, tenths, sizeof tenths);
    tenths[strlen(tenths) - 1] = '\0'; /* days, not a percentage: "58.6" */
    *out = json_pack(
        "{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "period", period.text, "first_day",
        date_format(period.first_day, first, sizeof first), "last_day",
        date_format(period.last_day, last, sizeof last), "days", f.days, "receivables",
        money_text(f.receivables), "allowance", money_text(f.allowance), "net_receivables",
        money_text(f.receivables - f.allowance), "revenue", money_text(f.revenue), "dso",
        f.has_dso ? json_string(tenths) : json_null(),
        "dso_days", f.has_dso ? json_integer(f.dso_days) : json_null());
    return 0;
}

int receivables_documents_at(db_conn *db, civil_day day, int *has, int64_t *open,
                             int64_t *allowance, err *e)
{
    char day_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    *has = 0;
    *open = *allowance = 0;
    if (db_prepare(db,
                   "SELECT CASE WHEN EXISTS (SELECT 1 FROM invoices WHERE status = 'issued' AND "
                   "invoice_date <= ?1) OR EXISTS (SELECT 1 FROM credit_memos WHERE "
                   "credit_date <= ?1) THEN 1 ELSE 0 END, "
                   "COALESCE((SELECT SUM(amount_cents) FROM allowance_adjustments "
                   "WHERE as_of <= ?1), 0) - COALESCE((SELECT SUM(amount_cents) FROM write_offs "
                   "WHERE write_off_date <= ?1), 0) + COALESCE((SELECT SUM(amount_cents) "
                   "FROM recoveries WHERE recovery_date <= ?1), 0)",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, date_format(day, day_text, sizeof day_text));
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *has = db_column_int64(stmt, 0) != 0;
        *allowance = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    if (step != DB_ROW)
        return -1;
    if (!*has)
        return 0;
    /* What the aging at `day` totals, from the open total's changes by day
     * (billing.c, receivables_day_add): days, not documents, are read. */
    if (db_prepare(db,
                   "SELECT COALESCE(SUM(open_change_cents), 0) FROM receivables_days "
                   "WHERE day <= ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, day_text);
    step = db_step(stmt, e);
    if (step == DB_ROW)
        *open = db_column_int64(stmt, 0);
    db_reset(stmt);
    return step == DB_ROW ? 0 : -1;
}
