/*
 * management.c - management contracts, their accrual run and revenue (see
 * management.h; docs/contract_services.md). The one writer of
 * management_contracts, management_accruals and management_volumes; the
 * postings go through ledger_post, the invoice lines through billing.c
 * (invoice_draft_in, invoice_line_post_in), the proration through
 * domain/management.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "base/money.h"
#include "domain/ledger.h"
#include "domain/management.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/billing.h"
#include "service/ledger.h"
#include "service/management.h"
#include "service/registry.h"

/* A billion dollars a month: beyond any contract. */
static const int64_t FEE_MAX_CENTS = 100000000000LL;

enum {
    TERM_MONTHS_MAX = 1200,
    VOLUME_MAX = 10000000,
    REASON_MAX = 500,
    RUN_MONTHS_MAX = 12,
};

/* --- reading ------------------------------------------------------------------------ */

#define CONTRACT_COLUMNS                                                                           \
    "c.id, c.customer, COALESCE(h.name, NULLIF(cu.name, ''), ''), c.kind, m.code, c.start_date, "  \
    "c.term_months, c.monthly_fee_cents, c.per_unit_cents, c.per_procedure_cents, "                \
    "c.terminated_on, c.termination_reason, c.terminated_by, c.created_at, c.created_by, "         \
    "c.updated_at, (SELECT COALESCE(SUM(a.amount_cents), 0) FROM management_accruals a "           \
    "WHERE a.contract_id = c.id), (SELECT MAX(a.period) FROM management_accruals a "               \
    "WHERE a.contract_id = c.id)"
#define CONTRACT_FROM                                                                              \
    " FROM management_contracts c JOIN markets m ON m.id = c.market_id "                           \
    "LEFT JOIN customers cu ON cu.code = c.customer "                                              \
    "LEFT JOIN hospitals h ON h.code = c.customer"

static json_t *optional_money(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? json_null()
                                           : service_money_json(db_column_int64(stmt, column));
}

static json_t *contract_json(db_stmt *stmt)
{
    json_t *c = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                          (json_int_t)db_column_int64(stmt, 0), "customer",
                          db_column_text(stmt, 1), "customer_name", db_column_text(stmt, 2),
                          "kind", db_column_text(stmt, 3), "market", db_column_text(stmt, 4),
                          "start", db_column_text(stmt, 5), "created_at",
                          db_column_text(stmt, 13), "created_by", db_column_text(stmt, 14),
                          "updated_at", db_column_text(stmt, 15));
    json_object_set_new(c, "term_months",
                        db_column_is_null(stmt, 6) ? json_null()
                                                   : json_integer(db_column_int64(stmt, 6)));
    json_object_set_new(c, "monthly_fee", optional_money(stmt, 7));
    json_object_set_new(c, "per_unit", optional_money(stmt, 8));
    json_object_set_new(c, "per_procedure", optional_money(stmt, 9));
    json_object_set_new(c, "status",
                        json_string(db_column_is_null(stmt, 10) ? "active" : "terminated"));
    json_object_set_new(c, "terminated_on", service_json_text(db_column_text(stmt, 10)));
    json_object_set_new(c, "termination_reason", service_json_text(db_column_text(stmt, 11)));
    json_object_set_new(c, "terminated_by", service_json_text(db_column_text(stmt, 12)));
    json_object_set_new(c, "accrued_total", service_money_json(db_column_int64(stmt, 16)));
    json_object_set_new(c, "last_period_accrued", service_json_text(db_column_text(stmt, 17)));
    return c;
}

static json_t *accrual_json(db_stmt *stmt)
{
    json_t *a = json_pack("{s:s, s:I, s:I, s:I, s:o}", "period", db_column_text(stmt, 0),
                          "days_served", (json_int_t)db_column_int64(stmt, 1), "units",
                          (json_int_t)db_column_int64(stmt, 2), "procedures",
                          (json_int_t)db_column_int64(stmt, 3), "amount",
                          service_money_json(db_column_int64(stmt, 4)));
    json_object_set_new(a, "journal_entry", db_column_is_null(stmt, 5)
                                                ? json_null()
                                                : json_integer(db_column_int64(stmt, 5)));
    json_object_set_new(a, "invoice", db_column_is_null(stmt, 6)
                                          ? json_null()
                                          : json_integer(db_column_int64(stmt, 6)));
    json_object_set_new(a, "invoice_number", service_json_text(db_column_text(stmt, 7)));
    return a;
}

static json_t *volume_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:I, s:I}", "period", db_column_text(stmt, 0), "units",
                     (json_int_t)db_column_int64(stmt, 1), "procedures",
                     (json_int_t)db_column_int64(stmt, 2));
}

/* The rows `sql` (one parameter: the contract's id) finds, built by
 * `build`, into a new array *out. */
/* The contract `id` with its accruals and reported volumes. */
static int contract_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *contract = NULL, *accruals = NULL, *volumes = NULL;
    if (db_prepare(db, "SELECT " CONTRACT_COLUMNS CONTRACT_FROM " WHERE c.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, contract_json, &contract, "contract", e,
                          "no management contract %" PRId64, id))
        return -1;
    if (service_collect_rows_of(db,
                                "SELECT a.period, a.days_served, a.units, a.procedures, "
                                "a.amount_cents, a.journal_entry_id, a.invoice_id, i.number "
                                "FROM management_accruals a "
                                "LEFT JOIN invoices i ON i.id = a.invoice_id "
                                "WHERE a.contract_id = ? ORDER BY a.period DESC",
                                id, accrual_json, &accruals, e) ||
        service_collect_rows_of(db,
                                "SELECT period, units, procedures FROM management_volumes "
                                "WHERE contract_id = ? ORDER BY period DESC",
                                id, volume_json, &volumes, e)) {
        json_decref(contract);
        json_decref(accruals);
        return -1;
    }
    json_object_set_new(contract, "accruals", accruals);
    json_object_set_new(contract, "volumes", volumes);
    *out = contract;
    return 0;
}

static int contract_audit(service_context *ctx, int64_t id, const char *action, json_t *before,
                          json_t *after, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, "management_contract", key, action, before, after, NULL, e);
}

/* Lock the contract's row for the rest of the transaction (a write that
 * changes nothing), so that a termination, a volume report and an accrual
 * of the same contract follow one another on PostgreSQL as they do on
 * SQLite: each then reads what the one before it committed. */
static int contract_lock(db_conn *db, int64_t id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "UPDATE management_contracts SET id = id WHERE id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return db_exec_stmt(stmt, e);
}

/* --- input -------------------------------------------------------------------------- */

/* An optional fee in dollars: *cents -1 when not given; negative refused. */
static int fee_take(const char *text, int64_t *cents, const char *field, err *e)
{
    *cents = -1;
    if (!text || !*text)
        return 0;
    if (money_parse(text, cents, field, e))
        return -1;
    if (*cents < 0)
        return err_set(e, ERR_INVALID, field, "%s is negative: a fee is zero or more", text);
    if (*cents > FEE_MAX_CENTS)
        return err_set(e, ERR_INVALID, field, "%s is more than any contract's fee", text);
    return 0;
}

static void bind_optional(db_stmt *stmt, int index, int64_t value)
{
    if (value < 0)
        db_bind_null(stmt, index);
    else
        db_bind_int64(stmt, index, value);
}

/* The customer `code` exists as a billing customer or a hospital. */
static int customer_check(db_conn *db, const char *code, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT 1 WHERE EXISTS (SELECT 1 FROM customers WHERE code = ?1) "
                   "OR EXISTS (SELECT 1 FROM hospitals WHERE code = ?1)",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    int found = service_row_exists(stmt, e);
    if (found < 0)
        return -1;
    return found ? 0 : err_set(e, ERR_INVALID, "customer", "no customer or hospital '%s'", code);
}

/* --- adding, terminating, volumes --------------------------------------------------- */

int management_contract_add(service_context *ctx, const management_input *in, json_t **out,
                            err *e)
{
    char customer[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8], start_text[DATE_TEXT_MAX];
    managed_kind kind;
    civil_day start;
    long term = -1;
    int64_t monthly = -1, per_unit = -1, per_procedure = -1;
    if (!in->customer || !*in->customer)
        return err_set(e, ERR_INVALID, "customer", "is required: a customer's code");
    if (registry_code_take(in->customer, customer, "customer", e) ||
        managed_kind_parse(in->kind, &kind, "kind", e))
        return -1;
    if (!in->market || !*in->market)
        return err_set(e, ERR_INVALID, "market", "is required: the market the revenue goes to");
    if (registry_code_take(in->market, market, "market", e))
        return -1;
    if (!in->start || !*in->start)
        return err_set(e, ERR_INVALID, "start", "is required: the first day of service");
    if (date_parse(in->start, &start, "start", e) ||
        (in->term && *in->term &&
         service_number_take(in->term, 1, TERM_MONTHS_MAX, &term, "term", e)) ||
        fee_take(in->monthly_fee, &monthly, "monthly_fee", e) ||
        fee_take(in->per_unit, &per_unit, "per_unit", e) ||
        fee_take(in->per_procedure, &per_procedure, "per_procedure", e))
        return -1;
    if (monthly <= 0 && per_unit <= 0 && per_procedure <= 0)
        return err_set(e, ERR_INVALID, "monthly_fee",
                       "a contract needs a fee: a monthly fee, a fee per unit or per procedure");
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t market_id = 0, id = 0;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    int found = service_id_find(ctx->db, "SELECT id FROM markets WHERE code = ?", market,
                                &market_id, e);
    if (found) {
        if (found == 1)
            err_set(e, ERR_INVALID, "market", "no market '%s'", market);
        goto done;
    }
    if (customer_check(ctx->db, customer, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO management_contracts (customer, kind, market_id, start_date, "
                   "term_months, monthly_fee_cents, per_unit_cents, per_procedure_cents, "
                   "created_at, created_by, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    service_now_text(now);
    db_bind_text(stmt, 1, customer);
    db_bind_text(stmt, 2, managed_kind_name(kind));
    db_bind_int64(stmt, 3, market_id);
    db_bind_text(stmt, 4, date_format(start, start_text, sizeof start_text));
    bind_optional(stmt, 5, term);
    bind_optional(stmt, 6, monthly);
    bind_optional(stmt, 7, per_unit);
    bind_optional(stmt, 8, per_procedure);
    db_bind_text(stmt, 9, now);
    db_bind_text(stmt, 10, ctx->actor.username);
    db_bind_text(stmt, 11, now);
    rc = db_insert_returning_id(stmt, &id, e) || contract_fetch(ctx->db, id, &record, e) ||
                 contract_audit(ctx, id, "create", NULL, record, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int management_contract_get(service_context *ctx, const char *contract, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    return contract_fetch(ctx->db, id, out, e);
}

static const service_sort_key contract_sort_keys[] = {
    {"id", "c.id"},          {"customer", "c.customer"},
    {"kind", "c.kind"},      {"market", "m.code"},
    {"start", "c.start_date"}, {"terminated_on", "c.terminated_on"},
};

int management_contract_list(service_context *ctx, management_filter *filter, json_t **out,
                             err *e)
{
    char customer[REGISTRY_CODE_MAX + 8] = "";
    const char *status = filter->status ? filter->status : "";
    int64_t terminated = -1;
    if (!strcmp(status, "active"))
        terminated = 0;
    else if (!strcmp(status, "terminated"))
        terminated = 1;
    else if (*status)
        return err_set(e, ERR_INVALID, "status", "must be active or terminated");
    if (filter->customer && *filter->customer &&
        registry_code_take(filter->customer, customer, "customer", e))
        return -1;
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(contract_sort_keys, "c.id", "c.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " CONTRACT_COLUMNS "%s" CONTRACT_FROM
                             " WHERE (?1 = '' OR c.customer = ?1) AND (?2 < 0 OR "
                             "(CASE WHEN c.terminated_on IS NULL THEN 0 ELSE 1 END) = ?2) "
                             "AND c.id > ?3 ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, customer);
    db_bind_int64(stmt, 2, terminated);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, contract_json, &filter->page, "id", out, e);
}

int management_contract_terminate(service_context *ctx, const char *contract, const char *date,
                                  const char *reason, json_t **out, err *e)
{
    int64_t id;
    civil_day day;
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    if (!date || !*date)
        return err_set(e, ERR_INVALID, "date", "is required: the last day of service");
    if (date_parse(date, &day, "date", e))
        return -1;
    if (!reason || !*reason)
        return err_set(e, ERR_INVALID, "reason", "is required: why the contract ends");
    if (strlen(reason) > REASON_MAX)
        return err_set(e, ERR_INVALID, "reason", "is longer than %d characters", REASON_MAX);
    date_format(day, day_text, sizeof day_text);
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_lock(ctx->db, id, e) || contract_fetch(ctx->db, id, &before, e))
        goto done;
    const char *start = json_string_value(json_object_get(before, "start"));
    const char *ended = json_string_value(json_object_get(before, "terminated_on"));
    const char *last = json_string_value(json_object_get(before, "last_period_accrued"));
    if (ended) {
        err_set(e, ERR_INVALID, "contract", "contract %" PRId64 " was terminated already on %s",
                id, ended);
        goto done;
    }
    if (strcmp(day_text, start) < 0) {
        err_set(e, ERR_INVALID, "date", "%s is before the contract's start %s", day_text, start);
        goto done;
    }
    if (last) {
        management_month m;
        char last_day[DATE_TEXT_MAX];
        if (management_month_parse(last, &m, "period", e))
            goto done;
        date_format(management_month_last_day(m), last_day, sizeof last_day);
        if (strcmp(day_text, last_day) < 0) {
            err_set(e, ERR_INVALID, "date",
                    "%s falls before the end of %s, whose fee is accrued and invoiced already: "
                    "terminate on %s or later (or credit the customer)",
                    day_text, last, last_day);
            goto done;
        }
    }
    if (db_prepare(ctx->db,
                   "UPDATE management_contracts SET terminated_on = ?, termination_reason = ?, "
                   "terminated_by = ?, updated_at = ? WHERE id = ? AND terminated_on IS NULL",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, day_text);
    db_bind_text(stmt, 2, reason);
    db_bind_text(stmt, 3, ctx->actor.username);
    db_bind_text(stmt, 4, service_now_text(now));
    db_bind_int64(stmt, 5, id);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 contract_audit(ctx, id, "terminate", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int management_volumes_report(service_context *ctx, const char *contract, const char *period,
                              const char *units, const char *procedures, json_t **out, err *e)
{
    int64_t id;
    management_month m;
    long unit_count = 0, procedure_count = 0;
    char text[8], now[TIMESTAMP_TEXT_MAX];
    if (service_id_take(contract, &id, "contract", e) ||
        management_month_parse(period, &m, "period", e) ||
        (units && *units && service_number_take(units, 0, VOLUME_MAX, &unit_count, "units", e)) ||
        (procedures && *procedures &&
         service_number_take(procedures, 0, VOLUME_MAX, &procedure_count, "procedures", e)))
        return -1;
    snprintf(text, sizeof text, "%04d-%02d", m.year, m.month);
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_lock(ctx->db, id, e) || contract_fetch(ctx->db, id, &before, e))
        goto done;
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX];
    date_format(management_month_first_day(m), first, sizeof first);
    date_format(management_month_last_day(m), last, sizeof last);
    const char *start = json_string_value(json_object_get(before, "start"));
    const char *ended = json_string_value(json_object_get(before, "terminated_on"));
    if (strcmp(last, start) < 0 || (ended && strcmp(first, ended) > 0)) {
        err_set(e, ERR_INVALID, "period", "contract %" PRId64 " does not serve in %s", id, text);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM management_accruals WHERE contract_id = ? AND period = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, text);
    int accrued = service_row_exists(stmt, e);
    if (accrued < 0)
        goto done;
    if (accrued) {
        err_set(e, ERR_INVALID, "period", "%s is accrued already: its volumes are billed", text);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO management_volumes (contract_id, period, units, procedures, "
                   "reported_at, reported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                   "ON CONFLICT (contract_id, period) DO UPDATE SET units = ?3, procedures = ?4, "
                   "reported_at = ?5, reported_by = ?6",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, text);
    db_bind_int64(stmt, 3, unit_count);
    db_bind_int64(stmt, 4, procedure_count);
    db_bind_text(stmt, 5, service_now_text(now));
    db_bind_text(stmt, 6, ctx->actor.username);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 contract_audit(ctx, id, "volumes", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- the accrual run ------------------------------------------------------------------ */

/* A period's months: a month, quarter or year whose every month has ended
 * and none is closed. */
static int run_period_take(db_conn *db, const char *text, ledger_period *period,
                           management_month *months, size_t *count, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "period", "is required: a month (2004-06), a quarter "
                                                 "(2004Q2) or a year");
    if (ledger_period_parse(text, period, "period", e))
        return -1;
    civil_day today;
    if (local_today(TIME_ZONE_DEFAULT, &today, e))
        return -1;
    if (period->last_day >= today)
        return err_set(e, ERR_INVALID, "period",
                       "%s has not ended yet: a month's fee accrues once the month is over "
                       "(invoiced in arrears)",
                       period->text);
    char closed[LEDGER_PERIOD_TEXT_MAX];
    *count = 0;
    for (civil_day d = period->first_day; d <= period->last_day && *count < RUN_MONTHS_MAX;) {
        int y, mo, dd;
        date_to_ymd(d, &y, &mo, &dd);
        management_month m = {y, mo};
        if (ledger_closed_period_of(db, management_month_last_day(m), closed, e))
            return -1;
        if (*closed)
            return err_set(e, ERR_INVALID, "period",
                           "%04d-%02d is in the closed period %s: nothing can be posted to it",
                           y, mo, closed);
        months[(*count)++] = m;
        d = management_month_last_day(m) + 1;
    }
    return 0;
}

/* What the run needs of a contract. */
typedef struct {
    int64_t id;
    char customer[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8], kind[16];
    civil_day start, end;
    int has_end;
    int64_t monthly, per_unit, per_procedure; /* 0 when not set */
} run_contract;

/* The contracts serving some day of [first, last], in id order (malloc). */
static int run_contracts_read(db_conn *db, civil_day first, civil_day last,
                              run_contract **items, size_t *count, err *e)
{
    char first_text[DATE_TEXT_MAX], last_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    *items = NULL;
    *count = 0;
    if (db_begin_read(db, e))
        return -1;
    if (db_prepare(db,
                   "SELECT c.id, c.customer, m.code, c.kind, c.start_date, c.terminated_on, "
                   "COALESCE(c.monthly_fee_cents, 0), COALESCE(c.per_unit_cents, 0), "
                   "COALESCE(c.per_procedure_cents, 0) FROM management_contracts c "
                   "JOIN markets m ON m.id = c.market_id WHERE c.start_date <= ?2 AND "
                   "(c.terminated_on IS NULL OR c.terminated_on >= ?1) ORDER BY c.id",
                   &stmt, e)) {
        db_rollback(db);
        return -1;
    }
    db_bind_text(stmt, 1, date_format(first, first_text, sizeof first_text));
    db_bind_text(stmt, 2, date_format(last, last_text, sizeof last_text));
    size_t capacity = 0;
    db_step_result step;
    int rc = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            run_contract *grown = realloc(*items, capacity * sizeof **items);
            if (!grown) {
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
                break;
            }
            *items = grown;
        }
        run_contract *c = &(*items)[*count];
        memset(c, 0, sizeof *c);
        c->id = db_column_int64(stmt, 0);
        snprintf(c->customer, sizeof c->customer, "%s", db_column_text(stmt, 1));
        snprintf(c->market, sizeof c->market, "%s", db_column_text(stmt, 2));
        snprintf(c->kind, sizeof c->kind, "%s", db_column_text(stmt, 3));
        c->has_end = !db_column_is_null(stmt, 5);
        c->monthly = db_column_int64(stmt, 6);
        c->per_unit = db_column_int64(stmt, 7);
        c->per_procedure = db_column_int64(stmt, 8);
        if (date_parse(db_column_text(stmt, 4), &c->start, "start", e) ||
            (c->has_end && date_parse(db_column_text(stmt, 5), &c->end, "terminated_on", e))) {
            rc = -1;
            break;
        }
        (*count)++;
    }
    if (step == DB_FAILED)
        rc = -1;
    db_reset(stmt);
    db_rollback(db);
    if (rc) {
        free(*items);
        *items = NULL;
        *count = 0;
    }
    return rc;
}

/* The volumes reported for a contract's month (0 and 0 when none). */
static int volumes_of(db_conn *db, int64_t id, const char *period, int64_t *units,
                      int64_t *procedures, err *e)
{
    db_stmt *stmt;
    *units = *procedures = 0;
    if (db_prepare(db,
                   "SELECT units, procedures FROM management_volumes "
                   "WHERE contract_id = ? AND period = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, period);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *units = db_column_int64(stmt, 0);
        *procedures = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The draft invoice of the customer's management fees for `period`, made
 * by an earlier accrual of the month and not issued yet; else a new draft
 * dated the month's last day. */
static int month_invoice(service_context *ctx, const char *customer, const char *period,
                         civil_day last_day, int64_t *invoice_id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT a.invoice_id FROM management_accruals a "
                   "JOIN management_contracts c ON c.id = a.contract_id "
                   "JOIN invoices i ON i.id = a.invoice_id "
                   "WHERE c.customer = ? AND a.period = ? AND i.status = 'draft' "
                   "ORDER BY a.invoice_id LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, customer);
    db_bind_text(stmt, 2, period);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *invoice_id = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_ROW)
        return 0;
    return invoice_draft_in(ctx, customer, last_day, "customer", invoice_id, e);
}

/* The month's fixed fee and volume fees of contract `c`. */
static int month_amount(const run_contract *c, management_month m, int days, int64_t units,
                        int64_t procedures, int64_t *amount, err *e)
{
    int64_t fixed = 0, by_units = 0, by_procedures = 0;
    if (management_fee_accrual(c->monthly, days, management_month_days(m), &fixed) ||
        money_mul(c->per_unit, units, &by_units) ||
        money_mul(c->per_procedure, procedures, &by_procedures) ||
        money_add(fixed, by_units, amount) || money_add(*amount, by_procedures, amount))
        return err_set(e, ERR_INVALID, "period", "contract %" PRId64 "'s fees overflow", c->id);
    return 0;
}

/* One month of one contract, in its own transaction: nothing when the
 * month was accrued already (by this run, another or at the same time: the
 * key of management_accruals), the contract serves no day of it (it was
 * terminated meanwhile) or it comes to nothing; else the accrual, its
 * posting and its invoice line, audited. *made answers the accrual (NULL
 * when nothing was made) and *made_cents its amount (0 when nothing). */
static int run_month(service_context *ctx, const run_contract *c, management_month m,
                     json_t **made, int64_t *made_cents, err *e)
{
    char period[8], now[TIMESTAMP_TEXT_MAX], ref[48], description[128],
        price[MONEY_TEXT_MAX], key[24];
    snprintf(period, sizeof period, "%04d-%02d", m.year, m.month);
    civil_day last_day = management_month_last_day(m);
    *made = NULL;
    *made_cents = 0;
    if (service_begin(ctx, e))
        return -1;
    db_stmt *stmt;
    int rc = -1, keep = 0;
    int64_t units, procedures, amount = 0, accrual_id = 0, entry_id = 0, invoice_id = 0,
                                          line_id = 0;
    /* The termination as it stands now, inside the transaction. */
    civil_day end = c->end;
    int has_end = c->has_end;
    if (contract_lock(ctx->db, c->id, e) ||
        db_prepare(ctx->db, "SELECT terminated_on FROM management_contracts WHERE id = ?", &stmt,
                   e))
        goto done;
    db_bind_int64(stmt, 1, c->id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW && !db_column_is_null(stmt, 0)) {
        has_end = 1;
        if (date_parse(db_column_text(stmt, 0), &end, "terminated_on", e))
            step = DB_FAILED;
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        goto done;
    int days = management_days_served(m, c->start, has_end, end);
    if (volumes_of(ctx->db, c->id, period, &units, &procedures, e) ||
        month_amount(c, m, days, units, procedures, &amount, e))
        goto done;
    if (days == 0 || amount == 0) {
        rc = 0;
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO management_accruals (contract_id, period, days_served, units, "
                   "procedures, amount_cents, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contract_id, period) DO NOTHING "
                   "RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, c->id);
    db_bind_text(stmt, 2, period);
    db_bind_int64(stmt, 3, days);
    db_bind_int64(stmt, 4, units);
    db_bind_int64(stmt, 5, procedures);
    db_bind_int64(stmt, 6, amount);
    db_bind_text(stmt, 7, service_now_text(now));
    db_bind_text(stmt, 8, ctx->actor.username);
    step = db_step(stmt, e);
    if (step == DB_ROW)
        accrual_id = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step != DB_ROW) {
        rc = step == DB_FAILED ? -1 : 0; /* accrued by another run: nothing to do */
        goto done;
    }
    keep = 1;
    snprintf(ref, sizeof ref, "management:%" PRId64 ":%s", c->id, period);
    snprintf(description, sizeof description,
             "Management fee, %s, %s: %d of %d days (contract %" PRId64 ")", c->kind, period,
             days, management_month_days(m), c->id);
    ledger_line lines[2] = {{"1150", c->market, amount, NULL}, {"4200", c->market, -amount, NULL}};
    ledger_entry entry = {.date = last_day, .description = description, .source = "management",
                          .source_ref = ref, .lines = lines, .line_count = 2};
    invoice_line_input line = {.description = description, .quantity = "1",
                               .price = money_format(amount, MONEY_PLAIN, price, sizeof price),
                               .account = "4200", .center = c->market};
    invoice_line_origin origin = {.source = "contract_fee", .source_ref = ref, .recognised = 1};
    if (ledger_post(ctx, &entry, &entry_id, e) ||
        month_invoice(ctx, c->customer, period, last_day, &invoice_id, e) ||
        invoice_line_post_in(ctx, invoice_id, &line, &origin, &line_id, e) ||
        db_prepare(ctx->db,
                   "UPDATE management_accruals SET journal_entry_id = ?, invoice_id = ?, "
                   "invoice_line_id = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, entry_id);
    db_bind_int64(stmt, 2, invoice_id);
    db_bind_int64(stmt, 3, line_id);
    db_bind_int64(stmt, 4, accrual_id);
    if (db_exec_stmt(stmt, e))
        goto done;
    *made = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I}", "contract",
                      (json_int_t)c->id, "customer", c->customer, "market", c->market, "period",
                      period, "kind", c->kind, "days_served", (json_int_t)days, "units",
                      (json_int_t)units, "procedures", (json_int_t)procedures, "amount",
                      service_money_json(amount), "journal_entry", (json_int_t)entry_id,
                      "invoice", (json_int_t)invoice_id);
    snprintf(key, sizeof key, "%" PRId64, c->id);
    rc = audit_append(ctx, "management_contract", key, "accrue", NULL, *made, NULL, e);
done:
    if (rc == 0 && !keep) {
        service_finish(ctx, -1, e); /* nothing to keep */
        return 0;
    }
    if (service_finish(ctx, rc, e)) {
        json_decref(*made);
        *made = NULL;
        return -1;
    }
    *made_cents = amount;
    return 0;
}

int management_accrue(service_context *ctx, const char *period_text, json_t **out, err *e)
{
    ledger_period period;
    management_month months[RUN_MONTHS_MAX];
    size_t month_count = 0, count = 0;
    run_contract *contracts = NULL;
    if (run_period_take(ctx->db, period_text, &period, months, &month_count, e) ||
        run_contracts_read(ctx->db, period.first_day, period.last_day, &contracts, &count, e))
        return -1;
    json_t *accrued = json_array();
    int64_t total = 0;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        for (size_t k = 0; k < month_count && rc == 0; k++) {
            json_t *made = NULL;
            int64_t cents = 0;
            rc = run_month(ctx, &contracts[i], months[k], &made, &cents, e);
            if (rc == 0 && made) {
                total += cents;
                json_array_append_new(accrued, made);
            }
        }
    free(contracts);
    if (rc) {
        json_decref(accrued);
        return -1;
    }
    *out = json_pack("{s:s, s:o, s:o}", "period", period.text, "accrued", accrued, "total",
                     service_money_json(total));
    return 0;
}

/* --- revenue ------------------------------------------------------------------------ */

static json_t *market_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o}", "market", db_column_text(stmt, 0), "amount",
                     service_money_json(db_column_int64(stmt, 1)));
}

int management_revenue(service_context *ctx, const char *period_text, json_t **out, err *e)
{
    ledger_period period;
    if (!period_text || !*period_text)
        return err_set(e, ERR_INVALID, "period", "is required: a month, a quarter or a year");
    if (ledger_period_parse(period_text, &period, "period", e))
        return -1;
    int fy, fm, fd, ly, lm, ld;
    date_to_ymd(period.first_day, &fy, &fm, &fd);
    date_to_ymd(period.last_day, &ly, &lm, &ld);
    char from[8], to[8];
    snprintf(from, sizeof from, "%04d-%02d", fy, fm);
    snprintf(to, sizeof to, "%04d-%02d", ly, lm);
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT c.id, c.customer, c.kind, m.code, a.period, a.days_served, "
                   "a.amount_cents, (SELECT SUM(t.amount_cents) FROM management_accruals t "
                   "WHERE t.contract_id = c.id), c.terminated_on "
                   "FROM management_accruals a JOIN management_contracts c ON c.id = a.contract_id "
                   "JOIN markets m ON m.id = c.market_id WHERE a.period >= ? AND a.period <= ? "
                   "ORDER BY c.id, a.period",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, from);
    db_bind_text(stmt, 2, to);
    json_t *contracts = json_array(), *current = NULL, *markets = NULL;
    int64_t total = 0, contract_total = 0, current_id = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int64_t id = db_column_int64(stmt, 0), amount = db_column_int64(stmt, 6);
        if (!current || id != current_id) {
            if (current)
                json_object_set_new(current, "amount", service_money_json(contract_total));
            current = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:[]}", "contract",
                                (json_int_t)id, "customer", db_column_text(stmt, 1), "kind",
                                db_column_text(stmt, 2), "market", db_column_text(stmt, 3),
                                "lifetime_total", service_money_json(db_column_int64(stmt, 7)),
                                "terminated_on", service_json_text(db_column_text(stmt, 8)),
                                "months");
            json_array_append_new(contracts, current);
            current_id = id;
            contract_total = 0;
        }
        json_array_append_new(json_object_get(current, "months"),
                              json_pack("{s:s, s:I, s:o}", "period", db_column_text(stmt, 4),
                                        "days_served", (json_int_t)db_column_int64(stmt, 5),
                                        "amount", service_money_json(amount)));
        contract_total += amount;
        total += amount;
    }
    db_reset(stmt);
    if (current)
        json_object_set_new(current, "amount", service_money_json(contract_total));
    if (step == DB_FAILED ||
        db_prepare(ctx->db,
                   "SELECT m.code, SUM(a.amount_cents) FROM management_accruals a "
                   "JOIN management_contracts c ON c.id = a.contract_id "
                   "JOIN markets m ON m.id = c.market_id WHERE a.period >= ? AND a.period <= ? "
                   "GROUP BY m.code ORDER BY m.code",
                   &stmt, e)) {
        json_decref(contracts);
        return -1;
    }
    db_bind_text(stmt, 1, from);
    db_bind_text(stmt, 2, to);
    if (service_collect_rows(stmt, market_json, &markets, e)) {
        json_decref(contracts);
        return -1;
    }
    *out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "period", period.text, "from", from, "to",
                     to, "contracts", contracts, "markets", markets, "total",
                     service_money_json(total));
    return 0;
}
