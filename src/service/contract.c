/*
 * contract.c - hospitals' supply contracts (see contract.h;
 * docs/distribution.md). The one writer of contracts, contract_prices and
 * contract_surcharges; the pricing rules are domain/distribution.c's.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/catalog.h"
#include "domain/receivables.h"
#include "service/audit.h"
#include "service/contract.h"
#include "service/registry.h"

enum { CONTRACT_PRICES_MAX = 200, CONTRACT_RETURN_DAYS_MAX = 365 };

static int price_take(const char *text, int64_t *cents, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "price", "is required (dollars, e.g. 125.00)");
    return receivables_price_parse(text, cents, "price", e);
}

/* --- reading a version ------------------------------------------------------- */

#define CONTRACT_COLUMNS                                                                           \
    "k.id, h.code, h.name, k.version, k.effective_from, k.effective_to, k.return_days, "          \
    "k.return_credit_hundredths, k.renewed_from, k.increase_hundredths, k.created_at, "           \
    "k.created_by, k.hospital_id"
#define CONTRACT_FROM " FROM contracts k JOIN hospitals h ON h.id = k.hospital_id"

static json_t *contract_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:I, s:o, s:o, s:o, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "hospital", db_column_text(stmt, 1),
                     "hospital_name", db_column_text(stmt, 2), "version",
                     (json_int_t)db_column_int64(stmt, 3), "effective_from",
                     db_column_text(stmt, 4), "effective_to",
                     service_json_text(db_column_text(stmt, 5)), "return_days",
                     (json_int_t)db_column_int64(stmt, 6), "return_credit",
                     service_money_json(db_column_int64(stmt, 7)), "renewed_from",
                     db_column_is_null(stmt, 8) ? json_null()
                                                : json_integer(db_column_int64(stmt, 8)),
                     "increase", service_money_json(db_column_int64(stmt, 9)), "created_at",
                     db_column_text(stmt, 10), "created_by", db_column_text(stmt, 11));
}

/* What a version holds that its checks need. */
typedef struct {
    int64_t id, hospital_id, version;
    contract_period period;
    char hospital[REGISTRY_CODE_MAX + 8];
} contract_row;

static int period_of(db_stmt *stmt, int from_column, contract_period *period, err *e)
{
    if (date_parse(db_column_text(stmt, from_column), &period->from, "effective_from", e))
        return -1;
    period->has_to = !db_column_is_null(stmt, from_column + 1);
    period->to = 0;
    return period->has_to
               ? date_parse(db_column_text(stmt, from_column + 1), &period->to, "effective_to", e)
               : 0;
}

static int contract_load(db_conn *db, int64_t id, contract_row *row, json_t **record, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " CONTRACT_COLUMNS CONTRACT_FROM " WHERE k.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_FAILED)
        return -1;
    if (step != DB_ROW) {
        db_reset(stmt);
        return err_set(e, ERR_NOT_FOUND, "contract", "no contract %" PRId64, id);
    }
    int rc = 0;
    if (row) {
        row->id = id;
        row->hospital_id = db_column_int64(stmt, 12);
        row->version = db_column_int64(stmt, 3);
        snprintf(row->hospital, sizeof row->hospital, "%s", db_column_text(stmt, 1));
        rc = period_of(stmt, 4, &row->period, e);
    }
    if (record && !rc)
        *record = contract_json(stmt);
    db_reset(stmt);
    return rc;
}

static json_t *price_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:o}", "target", db_column_text(stmt, 0), "code",
                     db_column_text(stmt, 1), "price",
                     service_money_json(db_column_int64(stmt, 2)));
}

static json_t *surcharge_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o}", "kind", db_column_text(stmt, 0), "price",
                     service_money_json(db_column_int64(stmt, 1)));
}

/* The version `id` with its prices (products first, then families) and
 * surcharges. */
static int contract_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    json_t *record = NULL, *prices = NULL, *surcharges = NULL;
    db_stmt *stmt;
    if (contract_load(db, id, NULL, &record, e))
        return -1;
    if (db_prepare(db,
                   "SELECT target, code, price_cents FROM contract_prices WHERE contract_id = ? "
                   "ORDER BY target DESC, code",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, price_json, &prices, e))
        goto failed;
    if (db_prepare(db,
                   "SELECT kind, price_cents FROM contract_surcharges WHERE contract_id = ? "
                   "ORDER BY kind",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, surcharge_json, &surcharges, e))
        goto failed;
    json_object_set_new(record, "prices", prices);
    json_object_set_new(record, "surcharges", surcharges);
    *out = record;
    return 0;
failed:
    json_decref(record);
    json_decref(prices);
    json_decref(surcharges);
    return -1;
}

/* The versions of a hospital, ordered by their first day. */
typedef struct {
    int64_t ids[CONTRACT_PRICES_MAX];
    int64_t versions[CONTRACT_PRICES_MAX];
    contract_period periods[CONTRACT_PRICES_MAX];
    size_t count;
    int64_t last_version;
} hospital_versions;

static int versions_load(db_conn *db, int64_t hospital_id, hospital_versions *out, err *e)
{
    db_stmt *stmt;
    memset(out, 0, sizeof *out);
    if (db_prepare(db,
                   "SELECT id, version, effective_from, effective_to FROM contracts "
                   "WHERE hospital_id = ? ORDER BY effective_from, id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, hospital_id);
    db_step_result step;
    int rc = 0;
    while (!rc && (step = db_step(stmt, e)) == DB_ROW) {
        if (out->count == CONTRACT_PRICES_MAX) {
            rc = err_set(e, ERR_INVALID, "hospital", "has too many contract versions");
            break;
        }
        out->ids[out->count] = db_column_int64(stmt, 0);
        out->versions[out->count] = db_column_int64(stmt, 1);
        if (out->versions[out->count] > out->last_version)
            out->last_version = out->versions[out->count];
        rc = period_of(stmt, 2, &out->periods[out->count], e);
        out->count++;
    }
    db_reset(stmt);
    return rc || step == DB_FAILED ? -1 : 0;
}

static int hospital_find(db_conn *db, const char *code, int64_t *id, err *e)
{
    int found = service_id_find(db, "SELECT id FROM hospitals WHERE code = ?", code, id, e);
    if (found == 1)
        return err_set(e, ERR_INVALID, "hospital", "no hospital '%s'", code);
    return found;
}

static char *period_text(const contract_period *p, char *out, size_t size)
{
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX];
    snprintf(out, size, "%s to %s", date_format(p->from, from, sizeof from),
             p->has_to ? date_format(p->to, to, sizeof to) : "open end");
    return out;
}

static int version_insert(service_context *ctx, int64_t hospital_id, int64_t version,
                          const contract_period *period, long return_days, int64_t credit,
                          int64_t renewed_from, int64_t increase, int64_t *id, err *e)
{
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO contracts (hospital_id, version, effective_from, effective_to, "
                   "return_days, return_credit_hundredths, renewed_from, increase_hundredths, "
                   "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_int64(stmt, 2, version);
    db_bind_text(stmt, 3, date_format(period->from, from, sizeof from));
    if (period->has_to)
        db_bind_text(stmt, 4, date_format(period->to, to, sizeof to));
    else
        db_bind_null(stmt, 4);
    db_bind_int64(stmt, 5, return_days);
    db_bind_int64(stmt, 6, credit);
    if (renewed_from)
        db_bind_int64(stmt, 7, renewed_from);
    else
        db_bind_null(stmt, 7);
    db_bind_int64(stmt, 8, increase);
    db_bind_text(stmt, 9, service_now_text(now));
    db_bind_text(stmt, 10, ctx->actor.username);
    return db_insert_returning_id(stmt, id, e);
}

static int record_audit(service_context *ctx, int64_t id, const char *action, json_t *before,
                        json_t *after, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, "contract", key, action, before, after, NULL, e);
}

/* --- use cases ---------------------------------------------------------------- */

int contract_add(service_context *ctx, const contract_input *in, json_t **out, err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8];
    contract_period period = {0};
    long return_days = 0;
    int64_t credit = 0;
    int has_days = in->return_days && *in->return_days,
        has_credit = in->return_credit && *in->return_credit;
    if (!in->hospital || !*in->hospital)
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(in->hospital, hospital, "hospital", e) ||
        service_date_take(in->from, &period.from, "from", e))
        return -1;
    if (in->to && *in->to) {
        if (date_parse(in->to, &period.to, "to", e))
            return -1;
        if (period.to < period.from)
            return err_set(e, ERR_INVALID, "to", "must not be before from");
        period.has_to = 1;
    }
    if (has_days != has_credit)
        return err_set(e, ERR_INVALID, has_days ? "return_credit" : "return_days",
                       "is required with %s: the return policy is both",
                       has_days ? "return_days" : "return_credit");
    if (has_days &&
        (service_number_take(in->return_days, 0, CONTRACT_RETURN_DAYS_MAX, &return_days,
                             "return_days", e) ||
         receivables_rate_parse(in->return_credit, &credit, "return_credit", e)))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t hospital_id = 0, id = 0;
    hospital_versions *versions = malloc(sizeof *versions);
    int rc = versions ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (rc || hospital_find(ctx->db, hospital, &hospital_id, e) ||
        versions_load(ctx->db, hospital_id, versions, e)) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < versions->count; i++)
        if (contract_periods_overlap(&versions->periods[i], &period)) {
            char text[64];
            rc = err_set(e, ERR_INVALID, "from",
                         "overlaps version %" PRId64 " of %s's contract (%s): renew it instead",
                         versions->versions[i], hospital,
                         period_text(&versions->periods[i], text, sizeof text));
            goto done;
        }
    rc = version_insert(ctx, hospital_id, versions->last_version + 1, &period, return_days, credit,
                        0, 0, &id, e) ||
                 contract_fetch(ctx->db, id, &record, e) ||
                 record_audit(ctx, id, "add", NULL, record, e)
             ? -1
             : 0;
done:
    free(versions);
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int contract_price_set(service_context *ctx, const char *contract, const char *product,
                       const char *family, const char *price, json_t **out, err *e)
{
    int64_t id, cents;
    int has_product = product && *product, has_family = family && *family;
    char code[32];
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    if (has_product == has_family)
        return err_set(e, ERR_INVALID, has_product ? "family" : "product",
                       has_product ? "give a product or a family, not both"
                                   : "is required: a product code, or else a family");
    if (has_family) {
        int f = catalog_family_parse(family);
        if (f < 0)
            return err_set(e, ERR_INVALID, "family",
                           "'%.40s' is not a family: whole_blood, red_cells, platelets, plasma, "
                           "cryoprecipitate or granulocytes",
                           family);
        snprintf(code, sizeof code, "%s", catalog_family_name((catalog_family)f));
    } else {
        if (catalog_code_check(product, "product", e))
            return -1;
        snprintf(code, sizeof code, "%s", product);
    }
    if (price_take(price, &cents, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_fetch(ctx->db, id, &before, e))
        goto done;
    if (has_product) {
        int64_t ignored;
        int found = service_id_find(ctx->db, "SELECT 1 FROM products WHERE code = ?", code,
                                    &ignored, e);
        if (found) {
            if (found == 1)
                err_set(e, ERR_INVALID, "product", "no product '%s' in the catalog", code);
            goto done;
        }
    }
    /* Its terms are read (and renewed) up to CONTRACT_PRICES_MAX prices:
     * a price past them would be ignored, so it is refused. */
    if (db_prepare(ctx->db,
                   "SELECT COUNT(*) FROM contract_prices WHERE contract_id = ? "
                   "AND NOT (target = ? AND code = ?)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, has_product ? "product" : "family");
    db_bind_text(stmt, 3, code);
    db_step_result step = db_step(stmt, e);
    int64_t others = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (step != DB_ROW)
        goto done;
    if (others >= CONTRACT_PRICES_MAX) {
        err_set(e, ERR_INVALID, has_product ? "product" : "family",
                "a contract has at most %d prices: set a family's price instead of "
                "its products'", CONTRACT_PRICES_MAX);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO contract_prices (contract_id, target, code, price_cents) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (contract_id, target, code) "
                   "DO UPDATE SET price_cents = ?4",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, has_product ? "product" : "family");
    db_bind_text(stmt, 3, code);
    db_bind_int64(stmt, 4, cents);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 record_audit(ctx, id, "price", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int contract_surcharge_set(service_context *ctx, const char *contract, const char *kind,
                           const char *price, json_t **out, err *e)
{
    int64_t id, cents;
    surcharge_kind k;
    if (service_id_take(contract, &id, "contract", e) ||
        surcharge_kind_parse(kind, &k, "kind", e) ||
        price_take(price, &cents, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_fetch(ctx->db, id, &before, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO contract_surcharges (contract_id, kind, price_cents) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (contract_id, kind) "
                   "DO UPDATE SET price_cents = ?3",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, surcharge_kind_name(k));
    db_bind_int64(stmt, 3, cents);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 record_audit(ctx, id, "surcharge", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* Copy the prices (table "contract_prices") or surcharges of `from` to
 * `to`, each raised by `increase`. */
static int terms_copy(db_conn *db, int prices, int64_t from, int64_t to, int64_t increase,
                      err *e)
{
    db_stmt *read, *write;
    int64_t cents[CONTRACT_PRICES_MAX];
    char keys[CONTRACT_PRICES_MAX][2][32];
    size_t count = 0;
    if (db_prepare(db,
                   prices ? "SELECT target, code, price_cents FROM contract_prices "
                            "WHERE contract_id = ?"
                          : "SELECT kind, '', price_cents FROM contract_surcharges "
                            "WHERE contract_id = ?",
                   &read, e))
        return -1;
    db_bind_int64(read, 1, from);
    db_step_result step;
    while ((step = db_step(read, e)) == DB_ROW && count < CONTRACT_PRICES_MAX) {
        snprintf(keys[count][0], sizeof keys[count][0], "%s", db_column_text(read, 0));
        snprintf(keys[count][1], sizeof keys[count][1], "%s", db_column_text(read, 1));
        if (contract_increase(db_column_int64(read, 2), increase, &cents[count])) {
            db_reset(read);
            return err_set(e, ERR_INVALID, "increase", "raises a price past what can be kept");
        }
        count++;
    }
    db_reset(read);
    if (step == DB_FAILED)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (db_prepare(db,
                       prices ? "INSERT INTO contract_prices (contract_id, target, code, "
                                "price_cents) VALUES (?, ?, ?, ?)"
                              : "INSERT INTO contract_surcharges (contract_id, kind, price_cents) "
                                "VALUES (?, ?, ?)",
                       &write, e))
            return -1;
        db_bind_int64(write, 1, to);
        db_bind_text(write, 2, keys[i][0]);
        if (prices) {
            db_bind_text(write, 3, keys[i][1]);
            db_bind_int64(write, 4, cents[i]);
        } else {
            db_bind_int64(write, 3, cents[i]);
        }
        if (db_exec_stmt(write, e))
            return -1;
    }
    return 0;
}

int contract_renew(service_context *ctx, const char *contract, const char *from,
                   const char *increase, json_t **out, err *e)
{
    int64_t id, raise = 0;
    contract_period period = {0};
    if (service_id_take(contract, &id, "contract", e) || service_date_take(from, &period.from, "from", e))
        return -1;
    if (increase && *increase && receivables_rate_parse(increase, &raise, "increase", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *old_before = NULL, *old_after = NULL, *record = NULL;
    contract_row row;
    int64_t new_id = 0, return_days = 0, credit = 0;
    hospital_versions *versions = malloc(sizeof *versions);
    int rc = -1;
    db_stmt *stmt;
    if (!versions) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto done;
    }
    if (contract_load(ctx->db, id, &row, NULL, e) ||
        contract_fetch(ctx->db, id, &old_before, e) ||
        versions_load(ctx->db, row.hospital_id, versions, e))
        goto done;
    for (size_t i = 0; i < versions->count; i++)
        if (versions->ids[i] != id && versions->periods[i].from > row.period.from) {
            err_set(e, ERR_INVALID, "contract",
                    "version %" PRId64 " of %s's contract is not the latest: renew version "
                    "%" PRId64,
                    row.version, row.hospital, versions->versions[i]);
            goto done;
        }
    if (period.from <= row.period.from) {
        char text[DATE_TEXT_MAX];
        err_set(e, ERR_INVALID, "from", "must be after %s, the first day of version %" PRId64,
                date_format(row.period.from, text, sizeof text), row.version);
        goto done;
    }
    return_days = json_integer_value(json_object_get(old_before, "return_days"));
    if (receivables_rate_parse(json_string_value(json_object_get(old_before, "return_credit")),
                               &credit, "return_credit", e))
        goto done;
    /* the version renewed ends the day before the renewal */
    if (!row.period.has_to || row.period.to >= period.from) {
        char to[DATE_TEXT_MAX];
        if (db_prepare(ctx->db, "UPDATE contracts SET effective_to = ? WHERE id = ?", &stmt, e))
            goto done;
        db_bind_text(stmt, 1, date_format(date_add_days(period.from, -1), to, sizeof to));
        db_bind_int64(stmt, 2, id);
        if (db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &old_after, e) ||
            record_audit(ctx, id, "end", old_before, old_after, e))
            goto done;
    }
    if (version_insert(ctx, row.hospital_id, versions->last_version + 1, &period,
                       (long)return_days, credit, id, raise, &new_id, e) ||
        terms_copy(ctx->db, 1, id, new_id, raise, e) ||
        terms_copy(ctx->db, 0, id, new_id, raise, e) ||
        contract_fetch(ctx->db, new_id, &record, e) ||
        record_audit(ctx, new_id, "renew", NULL, record, e))
        goto done;
    rc = 0;
done:
    free(versions);
    json_decref(old_after);
    return service_finish_record(ctx, rc, old_before, record, out, e);
}

int contract_get(service_context *ctx, const char *contract, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(contract, &id, "contract", e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = contract_fetch(ctx->db, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

static const service_sort_key contract_sort_keys[] = {
    {"hospital", "h.code"},
    {"version", "k.version"},
    {"effective_from", "k.effective_from"},
    {"effective_to", "COALESCE(k.effective_to, '9999-12-31')"},
};

int contract_list(service_context *ctx, contract_filter *filter, json_t **out, err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8] = "";
    if (filter->hospital && *filter->hospital &&
        registry_code_take(filter->hospital, hospital, "hospital", e))
        return -1;
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(contract_sort_keys, "k.id", "k.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " CONTRACT_COLUMNS "%s" CONTRACT_FROM
                             " WHERE (? = '' OR h.code = ?) AND k.id > ? ORDER BY %s "
                             "LIMIT ? OFFSET ?",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hospital);
    db_bind_text(stmt, 2, hospital);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, contract_json, &filter->page, "id", out, e);
}

/* --- the version in force and a unit's price ------------------------------------ */

/* The terms of version `id` as the domain prices with them; the texts of
 * the product codes live in `codes`. */
typedef struct {
    contract_price prices[CONTRACT_PRICES_MAX];
    char codes[CONTRACT_PRICES_MAX][32];
    contract_terms terms;
} loaded_terms;

static int terms_load(db_conn *db, int64_t id, loaded_terms *out, err *e)
{
    db_stmt *stmt;
    memset(out, 0, sizeof *out);
    for (int k = 0; k < SURCHARGE_KIND_COUNT; k++)
        out->terms.surcharges[k] = -1;
    out->terms.prices = out->prices;
    if (db_prepare(db,
                   "SELECT target, code, price_cents FROM contract_prices WHERE contract_id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step;
    size_t n = 0;
    while ((step = db_step(stmt, e)) == DB_ROW && n < CONTRACT_PRICES_MAX) {
        contract_price *p = &out->prices[n];
        snprintf(out->codes[n], sizeof out->codes[n], "%s", db_column_text(stmt, 1));
        if (strcmp(db_column_text(stmt, 0), "product") == 0) {
            p->product_code = out->codes[n];
            p->family = -1;
        } else {
            p->family = catalog_family_parse(out->codes[n]);
        }
        p->cents = db_column_int64(stmt, 2);
        n++;
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    out->terms.price_count = n;
    if (db_prepare(db, "SELECT kind, price_cents FROM contract_surcharges WHERE contract_id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    while ((step = db_step(stmt, e)) == DB_ROW) {
        surcharge_kind k;
        err ignored;
        if (!surcharge_kind_parse(db_column_text(stmt, 0), &k, "kind", &ignored))
            out->terms.surcharges[k] = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The price of a unit of `unit`'s product under `terms`: its family and
 * attributes from the catalog. */
static int price_from_catalog(db_conn *db, const contract_terms *terms, priced_unit *unit,
                              unit_price *price, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT family, irradiated, cmv_negative, leukoreduced FROM products "
                   "WHERE code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, unit->product_code);
    db_step_result step = db_step(stmt, e);
    if (step == DB_FAILED)
        return -1;
    if (step != DB_ROW) {
        db_reset(stmt);
        return err_set(e, ERR_INVALID, "product", "no product '%s' in the catalog",
                       unit->product_code);
    }
    unit->family = catalog_family_parse(db_column_text(stmt, 0));
    unit->irradiated = (int)db_column_int64(stmt, 1);
    unit->cmv_negative = (int)db_column_int64(stmt, 2);
    unit->leukoreduced = (int)db_column_int64(stmt, 3);
    db_reset(stmt);
    return contract_unit_price(terms, unit, price, e);
}

/* The price of `product` under `terms`, as {base, by, surcharges, total}. */
static int unit_price_of(db_conn *db, const contract_terms *terms, const char *product,
                         const contract_quote_input *in, json_t **out, err *e)
{
    priced_unit unit = {.product_code = product, .washed = in->washed, .stat = in->stat,
                        .after_hours = in->after_hours};
    unit_price price;
    if (price_from_catalog(db, terms, &unit, &price, e))
        return -1;
    json_t *surcharges = json_array();
    for (int k = 0; k < SURCHARGE_KIND_COUNT; k++)
        if (price.surcharges[k])
            json_array_append_new(surcharges,
                                  json_pack("{s:s, s:o}", "kind",
                                            surcharge_kind_name((surcharge_kind)k), "price",
                                            service_money_json(price.surcharges[k])));
    *out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "product", product, "family",
                     catalog_family_name((catalog_family)unit.family), "priced_by",
                     price.by_product ? "product" : "family", "base",
                     service_money_json(price.base),
                     "surcharges", surcharges, "total", service_money_json(price.total));
    return 0;
}

/* The version of `hospital_id` in force on `day` (versions: room to load
 * them into). */
static int in_force_find(db_conn *db, int64_t hospital_id, const char *hospital, civil_day day,
                         hospital_versions *versions, int64_t *contract_id, err *e)
{
    char day_text[DATE_TEXT_MAX];
    if (versions_load(db, hospital_id, versions, e))
        return -1;
    int found = contract_in_force(versions->periods, versions->count, day);
    if (found < 0)
        return err_set(e, ERR_INVALID, "date", "no contract of hospital %s is in force on %s",
                       hospital, date_format(day, day_text, sizeof day_text));
    *contract_id = versions->ids[found];
    return 0;
}

int contract_in_force_in(db_conn *db, int64_t hospital_id, const char *hospital, civil_day day,
                         int64_t *contract_id, err *e)
{
    hospital_versions *versions = malloc(sizeof *versions);
    if (!versions)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    int rc = in_force_find(db, hospital_id, hospital, day, versions, contract_id, e);
    free(versions);
    return rc;
}

int contract_unit_price_in(db_conn *db, int64_t contract_id, const char *product, int stat,
                           int after_hours, unit_price *price, err *e)
{
    loaded_terms *terms = malloc(sizeof *terms);
    if (!terms)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    priced_unit unit = {.product_code = product, .stat = stat, .after_hours = after_hours};
    int rc = terms_load(db, contract_id, terms, e) ||
                     price_from_catalog(db, &terms->terms, &unit, price, e)
                 ? -1
                 : 0;
    free(terms);
    return rc;
}

int contract_quote(service_context *ctx, const contract_quote_input *in, json_t **out, err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8], day_text[DATE_TEXT_MAX];
    civil_day day;
    if (!in->hospital || !*in->hospital)
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(in->hospital, hospital, "hospital", e) ||
        service_date_take(in->date, &day, "date", e))
        return -1;
    if (in->product && *in->product && catalog_code_check(in->product, "product", e))
        return -1;
    if (db_begin_read(ctx->db, e))
        return -1;
    int64_t hospital_id;
    json_t *record = NULL, *price = NULL;
    loaded_terms *terms = NULL;
    hospital_versions *versions = malloc(sizeof *versions);
    int rc = -1;
    if (!versions) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto done;
    }
    int64_t contract_id = 0;
    if (hospital_find(ctx->db, hospital, &hospital_id, e) ||
        in_force_find(ctx->db, hospital_id, hospital, day, versions, &contract_id, e) ||
        contract_fetch(ctx->db, contract_id, &record, e))
        goto done;
    if (in->product && *in->product) {
        terms = malloc(sizeof *terms);
        if (!terms) {
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
            goto done;
        }
        if (terms_load(ctx->db, contract_id, terms, e) ||
            unit_price_of(ctx->db, &terms->terms, in->product, in, &price, e))
            goto done;
    }
    *out = json_pack("{s:s, s:s, s:o, s:o}", "hospital", hospital, "date",
                     date_format(day, day_text, sizeof day_text), "contract", record, "price",
                     price ? price : json_null());
    record = price = NULL;
    rc = 0;
done:
    db_rollback(ctx->db);
    free(versions);
    free(terms);
    json_decref(record);
    json_decref(price);
    return rc;
}
