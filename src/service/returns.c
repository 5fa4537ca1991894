/*
 * returns.c - units returned by hospitals (see returns.h;
 * docs/distribution.md, "Returns"). The one writer of unit_returns and
 * return_limits; the unit moves through unit.c, the credit memo through
 * billing, the cost back into inventory through the ledger. The judgement
 * (cold chain kept, the credit) is domain/distribution.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/catalog.h"
#include "domain/distribution.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/billing.h"
#include "service/din.h"
#include "service/ledger.h"
#include "service/order.h"
#include "service/registry.h"
#include "service/returns.h"
#include "service/sales.h"
#include "service/shipment.h"
#include "service/unit.h"

enum { MINUTES_OUT_MAX = 100000 };

/* --- reading ------------------------------------------------------------------ */

static json_t *return_json(db_stmt *stmt)
{
    char temperature[24];
    temperature_tenths_text(db_column_int64(stmt, 10), temperature, sizeof temperature);
    json_t *r = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:s, s:s, s:o, s:o, "
        "s:o, s:s, s:s}",
        "id", (json_int_t)db_column_int64(stmt, 0), "unit", (json_int_t)db_column_int64(stmt, 1),
        "din", db_column_text(stmt, 2), "product_code", db_column_text(stmt, 3), "family",
        db_column_text(stmt, 4), "center", db_column_text(stmt, 5), "shipment",
        (json_int_t)db_column_int64(stmt, 6), "hospital", db_column_text(stmt, 7), "ship_date",
        db_column_text(stmt, 8), "return_date", db_column_text(stmt, 9), "temperature",
        temperature, "minutes_out", (json_int_t)db_column_int64(stmt, 12), "cold_chain_kept",
        db_column_int64(stmt, 13) != 0, "outcome", db_column_text(stmt, 14), "reason",
        db_column_text(stmt, 15), "credit", service_money_json(db_column_int64(stmt, 16)),
        "credit_memo",
        db_column_is_null(stmt, 17) ? json_null() : json_integer(db_column_int64(stmt, 17)),
        "journal_entry",
        db_column_is_null(stmt, 18) ? json_null() : json_integer(db_column_int64(stmt, 18)),
        "created_at", db_column_text(stmt, 19), "created_by", db_column_text(stmt, 20));
    json_object_set_new(r, "seal", json_string(db_column_int64(stmt, 11) ? "intact" : "broken"));
    return din_eye_readable_add(r, "din", "eye_readable");
}

static int return_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT r.id, r.unit_id, u.din, u.product_code, u.family, u.center, "
                   "r.shipment_id, h.code, s.ship_date, r.return_date, r.temperature_tenths, "
                   "r.seal_intact, r.minutes_out, r.cold_chain_kept, r.outcome, r.reason, "
                   "r.credit_cents, r.credit_memo_id, r.journal_entry_id, r.created_at, "
                   "r.created_by FROM unit_returns r JOIN units u ON u.id = r.unit_id "
                   "JOIN hospitals h ON h.id = r.hospital_id "
                   "JOIN shipments s ON s.id = r.shipment_id WHERE r.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, return_json, out, "return", e, "no return %" PRId64, id);
}

int return_get(service_context *ctx, const char *id_text, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(id_text, &id, "return", e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = return_fetch(ctx->db, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

/* --- recording a return -------------------------------------------------------- */

/* The shipped unit a return names, with what its shipment says. */
typedef struct {
    int64_t unit_id, shipment_id, hospital_id, contract_id, invoice_id, price, cost;
    char din[16], product[16], family[32], center[24], hospital[32], ship_date[16];
    char expires_at[TIMESTAMP_TEXT_MAX];
} shipped;

static int shipped_find(db_conn *db, const char *din, const char *eye, const char *product,
                        shipped *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT u.id, x.shipment_id, s.hospital_id, s.contract_id, "
                   "COALESCE(s.invoice_id, 0), x.price_cents, x.cost_cents, u.product_code, "
                   "u.family, x.center, h.code, s.ship_date, u.expires_at FROM units u "
                   "JOIN shipment_units x ON x.unit_id = u.id "
                   "JOIN shipments s ON s.id = x.shipment_id "
                   "JOIN hospitals h ON h.id = s.hospital_id "
                   "WHERE u.din = ?1 AND u.status = 'shipped' AND (?2 = '' OR u.product_code = ?2) "
                   "AND NOT EXISTS (SELECT 1 FROM unit_returns r WHERE r.unit_id = u.id "
                   "AND r.shipment_id = x.shipment_id) ORDER BY u.id, x.shipment_id DESC",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_bind_text(stmt, 2, product ? product : "");
    db_step_result step;
    int found = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (found && out->unit_id != db_column_int64(stmt, 0)) {
            db_reset(stmt);
            return err_set(e, ERR_INVALID, "product",
                           "DIN %s shipped more than one unit: say which by its product code",
                           eye);
        }
        if (found)
            continue;
        found = 1;
        out->unit_id = db_column_int64(stmt, 0);
        out->shipment_id = db_column_int64(stmt, 1);
        out->hospital_id = db_column_int64(stmt, 2);
        out->contract_id = db_column_int64(stmt, 3);
        out->invoice_id = db_column_int64(stmt, 4);
        out->price = db_column_int64(stmt, 5);
        out->cost = db_column_int64(stmt, 6);
        snprintf(out->product, sizeof out->product, "%s", db_column_text(stmt, 7));
        snprintf(out->family, sizeof out->family, "%s", db_column_text(stmt, 8));
        snprintf(out->center, sizeof out->center, "%s", db_column_text(stmt, 9));
        snprintf(out->hospital, sizeof out->hospital, "%s", db_column_text(stmt, 10));
        snprintf(out->ship_date, sizeof out->ship_date, "%s", db_column_text(stmt, 11));
        snprintf(out->expires_at, sizeof out->expires_at, "%s", db_column_text(stmt, 12));
        snprintf(out->din, sizeof out->din, "%s", din);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (!found)
        return err_set(e, ERR_INVALID, "din", "DIN %s: no unit of it is out at a hospital (never "
                       "shipped, or returned already)", eye);
    return 0;
}

static int limits_load(db_conn *db, const char *family, cold_chain_limits *limits, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT min_tenths, max_tenths, max_minutes_out FROM return_limits "
                   "WHERE family = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, family);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        limits->min_tenths = db_column_int64(stmt, 0);
        limits->max_tenths = db_column_int64(stmt, 1);
        limits->max_minutes_out = db_column_is_null(stmt, 2) ? -1 : db_column_int64(stmt, 2);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step != DB_ROW)
        return err_set(e, ERR_INTERNAL, "family", "no cold-chain limits for %s", family);
    return 0;
}

/* The contract's return policy: days and credit in hundredths of a percent. */
static int policy_load(db_conn *db, int64_t contract_id, int64_t *days, int64_t *credit, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT return_days, return_credit_hundredths FROM contracts WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, contract_id);
    db_step_result step = db_step(stmt, e);
    *days = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    *credit = step == DB_ROW ? db_column_int64(stmt, 1) : 0;
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The credit memo: against the shipment's invoice when it is issued and
 * still has that much open, else a standalone credit to the hospital
 * (its draft is not credited: the credit nets against it once issued). */
static int credit_post(service_context *ctx, const shipped *u, const char *date, int64_t credit,
                       const char *reason, int64_t *memo_id, err *e)
{
    db_stmt *stmt;
    int against_invoice = 0;
    if (u->invoice_id) {
        if (db_prepare(ctx->db, "SELECT status, open_cents FROM invoices WHERE id = ?", &stmt, e))
            return -1;
        db_bind_int64(stmt, 1, u->invoice_id);
        db_step_result step = db_step(stmt, e);
        against_invoice = step == DB_ROW && strcmp(db_column_text(stmt, 0), "issued") == 0 &&
                          db_column_int64(stmt, 1) >= credit;
        db_reset(stmt);
        if (step == DB_FAILED)
            return -1;
    }
    char amount[MONEY_TEXT_MAX], invoice[24];
    snprintf(invoice, sizeof invoice, "%" PRId64, u->invoice_id);
    credit_input in = {.invoice = against_invoice ? invoice : NULL,
                       .customer = against_invoice ? NULL : u->hospital,
                       .date = date,
                       .amount = money_format(credit, MONEY_PLAIN, amount, sizeof amount),
                       .reason = reason,
                       .account = "4000",
                       .center = u->center};
    return credit_create_in(ctx, &in, memo_id, e);
}

/* The unit's cost back from the cost of blood products into inventories. */
static int cost_back(service_context *ctx, const shipped *u, civil_day day, int64_t return_id,
                     int64_t *entry_id, err *e)
{
    char description[64], ref[32];
    snprintf(description, sizeof description, "return %" PRId64 " to inventory", return_id);
    snprintf(ref, sizeof ref, "return:%" PRId64, return_id);
    return unit_cost_post_in(ctx, "1200", "5000", u->center, day, u->cost, description,
                             "distribution", ref, entry_id, e);
}

int return_record(service_context *ctx, const return_input *in, json_t **out, err *e)
{
    isbt_din din;
    civil_day day;
    long tenths = 0, minutes = 0;
    int seal_intact;
    char hospital[REGISTRY_CODE_MAX + 8] = "", eye[ISBT_EYE_READABLE_MAX];
    if (!in->din || !*in->din)
        return err_set(e, ERR_INVALID, "din", "is required");
    if (din_text_parse(in->din, &din, e))
        return -1;
    if (in->product && *in->product && catalog_code_check(in->product, "product", e))
        return -1;
    if (in->hospital && *in->hospital && registry_code_take(in->hospital, hospital, "hospital", e))
        return -1;
    if (!in->date || !*in->date)
        return err_set(e, ERR_INVALID, "date", "is required (YYYY-MM-DD)");
    if (date_parse(in->date, &day, "date", e))
        return -1;
    if (shipment_temperature_take(in->temperature, &tenths, e))
        return -1;
    if (!in->seal || (strcmp(in->seal, "intact") != 0 && strcmp(in->seal, "broken") != 0))
        return err_set(e, ERR_INVALID, "seal", "must be intact or broken");
    seal_intact = strcmp(in->seal, "intact") == 0;
    if (!in->minutes_out || !*in->minutes_out)
        return err_set(e, ERR_INVALID, "minutes_out", "is required (0 or more)");
    if (service_number_take(in->minutes_out, 0, MINUTES_OUT_MAX, &minutes, "minutes_out", e))
        return -1;
    din_eye_readable(din.din, eye, sizeof eye);
    if (service_begin(ctx, e))
        return -1;
    shipped u;
    memset(&u, 0, sizeof u);
    json_t *after = NULL;
    cold_chain_limits limits;
    int64_t policy_days = 0, policy_credit = 0, credit = 0, memo_id = 0, entry_id = 0, id = 0;
    char why[160], reason[300], now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX], key[24];
    int rc = -1;
    db_stmt *stmt;
    service_now_text(now);
    date_format(day, day_text, sizeof day_text);
    if (shipped_find(ctx->db, din.din, eye, in->product, &u, e))
        goto done;
    /* The future where the hospital is: its market's day, not UTC's. */
    civil_day today;
    if (registry_hospital_today(ctx->db, u.hospital_id, &today, e))
        goto done;
    if (day > today) {
        err_set(e, ERR_INVALID, "date", "a return cannot be dated in the future");
        goto done;
    }
    if (*hospital && strcmp(hospital, u.hospital) != 0) {
        err_set(e, ERR_INVALID, "din", "DIN %s was shipped to %s, not to %s: only %s can return it",
                eye, u.hospital, hospital, u.hospital);
        goto done;
    }
    civil_day shipped_on;
    if (date_parse(u.ship_date, &shipped_on, "ship_date", e))
        goto done;
    if (day < shipped_on) {
        err_set(e, ERR_INVALID, "date", "DIN %s was shipped on %s: it cannot come back before",
                eye, u.ship_date);
        goto done;
    }
    if (limits_load(ctx->db, u.family, &limits, e) ||
        policy_load(ctx->db, u.contract_id, &policy_days, &policy_credit, e))
        goto done;
    return_evidence evidence = {tenths, minutes, seal_intact};
    int kept = return_cold_chain_kept(&limits, &evidence, why, sizeof why);
    int expired = strcmp(u.expires_at, now) <= 0;
    int released = kept && !expired;
    if (kept && expired)
        snprintf(why, sizeof why, "cold chain kept, but the unit expired at %s", u.expires_at);
    credit = return_credit(u.price, policy_credit, policy_days,
                           date_days_between(shipped_on, day), kept);
    snprintf(reason, sizeof reason, "returned by %s on %s (shipment %" PRId64 "): %s",
             u.hospital, day_text, u.shipment_id, why);
    if (order_allocation_returned_in(ctx, u.unit_id, e) ||
        unit_status_change_in(ctx, u.unit_id, UNIT_RETURNED, reason, NULL, e) ||
        unit_status_change_in(ctx, u.unit_id, released ? UNIT_RELEASED : UNIT_DISCARDED, reason,
                              NULL, e))
        goto done;
    if (db_prepare(ctx->db,
                   "INSERT INTO unit_returns (unit_id, shipment_id, hospital_id, return_date, "
                   "temperature_tenths, seal_intact, minutes_out, cold_chain_kept, outcome, "
                   "reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, u.unit_id);
    db_bind_int64(stmt, 2, u.shipment_id);
    db_bind_int64(stmt, 3, u.hospital_id);
    db_bind_text(stmt, 4, day_text);
    db_bind_int64(stmt, 5, tenths);
    db_bind_int64(stmt, 6, seal_intact);
    db_bind_int64(stmt, 7, minutes);
    db_bind_int64(stmt, 8, kept);
    db_bind_text(stmt, 9, released ? "released" : "discarded");
    db_bind_text(stmt, 10, why);
    db_bind_text(stmt, 11, now);
    db_bind_text(stmt, 12, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e))
        goto done;
    if (credit > 0) {
        char memo_reason[120];
        snprintf(memo_reason, sizeof memo_reason, "return %" PRId64 " of unit %s %s (shipment %" PRId64 ")",
                 id, eye, u.product, u.shipment_id);
        if (credit_post(ctx, &u, day_text, credit, memo_reason, &memo_id, e))
            goto done;
    }
    if (released && u.cost > 0 && cost_back(ctx, &u, day, id, &entry_id, e))
        goto done;
    if (db_prepare(ctx->db,
                   "UPDATE unit_returns SET credit_cents = ?, credit_memo_id = ?, "
                   "journal_entry_id = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, credit);
    if (memo_id)
        db_bind_int64(stmt, 2, memo_id);
    else
        db_bind_null(stmt, 2);
    if (entry_id)
        db_bind_int64(stmt, 3, entry_id);
    else
        db_bind_null(stmt, 3);
    db_bind_int64(stmt, 4, id);
    sales_change sold = {.returned = 1, .credited = credit > 0, .credit_cents = credit};
    if (db_exec_stmt(stmt, e) ||
        sales_day_add_in(ctx->db, day_text, u.family, u.center, &sold, e) ||
        return_fetch(ctx->db, id, &after, e))
        goto done;
    snprintf(key, sizeof key, "%" PRId64, id);
    rc = audit_append(ctx, "unit_return", key, "create", NULL, after, NULL, e);
done:
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

/* --- the limits --------------------------------------------------------------------- */

static json_t *limit_json(db_stmt *stmt)
{
    char low[24], high[24];
    temperature_tenths_text(db_column_int64(stmt, 1), low, sizeof low);
    temperature_tenths_text(db_column_int64(stmt, 2), high, sizeof high);
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "family", db_column_text(stmt, 0),
                     "min_temperature", low, "max_temperature", high, "max_minutes_out",
                     db_column_is_null(stmt, 3) ? json_null()
                                                : json_integer(db_column_int64(stmt, 3)),
                     "updated_at", db_column_text(stmt, 4), "updated_by",
                     db_column_text(stmt, 5));
}

static int limits_fetch(db_conn *db, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *rows = NULL;
    if (db_prepare(db,
                   "SELECT family, min_tenths, max_tenths, max_minutes_out, updated_at, "
                   "updated_by FROM return_limits ORDER BY family",
                   &stmt, e) ||
        service_collect_rows(stmt, limit_json, &rows, e))
        return -1;
    *out = json_pack("{s:o}", "limits", rows);
    return 0;
}

int return_limits_list(service_context *ctx, json_t **out, err *e)
{
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = limits_fetch(ctx->db, out, e);
    db_rollback(ctx->db);
    return rc;
}

int return_limit_set(service_context *ctx, const char *family_text, const char *min_text,
                     const char *max_text, const char *minutes_text, json_t **out, err *e)
{
    int family = family_text ? catalog_family_parse(family_text) : -1;
    long low = 0, high = 0, minutes = -1;
    if (family < 0)
        return err_set(e, ERR_INVALID, "family", "'%.40s' is not a family",
                       family_text ? family_text : "");
    err inner;
    if (shipment_temperature_take(min_text, &low, &inner))
        return err_set(e, ERR_INVALID, "min_temperature", "%s", inner.message);
    if (shipment_temperature_take(max_text, &high, &inner))
        return err_set(e, ERR_INVALID, "max_temperature", "%s", inner.message);
    if (low > high)
        return err_set(e, ERR_INVALID, "max_temperature", "is below the minimum");
    if (minutes_text && *minutes_text &&
        service_number_take(minutes_text, 0, MINUTES_OUT_MAX, &minutes, "max_minutes_out", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    const char *name = catalog_family_name((catalog_family)family);
    int rc = -1;
    if (limits_fetch(ctx->db, &before, e) ||
        db_prepare(ctx->db,
                   "UPDATE return_limits SET min_tenths = ?, max_tenths = ?, max_minutes_out = ?, "
                   "updated_at = ?, updated_by = ? WHERE family = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, low);
    db_bind_int64(stmt, 2, high);
    if (minutes >= 0)
        db_bind_int64(stmt, 3, minutes);
    else
        db_bind_null(stmt, 3);
    db_bind_text(stmt, 4, service_now_text(now));
    db_bind_text(stmt, 5, ctx->actor.username);
    db_bind_text(stmt, 6, name);
    if (db_exec_stmt(stmt, e) || limits_fetch(ctx->db, &after, e))
        goto done;
    rc = audit_append(ctx, "return_limits", name, "set", before, after, NULL, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}
