/*
 * trial.c - clinical-trial site services: sponsor contracts, sites, signed
 * tasks, training, the readiness board and billing under the cap (see
 * trial.h; docs/contract_services.md). The one writer of trial_contracts,
 * trial_fees, trial_sites, trial_tasks, trial_training and trial_bills;
 * postings through ledger_post, invoice lines through billing.c, the
 * readiness rule and the cap arithmetic in domain/trial.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/registry.h"
#include "domain/trial.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/billing.h"
#include "service/ledger.h"
#include "service/registry.h"
#include "service/trial.h"

/* A hundred million dollars: beyond any trial contract. */
static const int64_t MONEY_MAX_CENTS = 10000000000LL;

enum { TEXT_MAX = 200, PROTOCOLS_MAX = 2000 };

/* --- input -------------------------------------------------------------------------- */

/* Required text of at most `max` bytes. */
static int text_take(const char *text, size_t max, const char *field, const char *what, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: %s", what);
    if (strlen(text) > max)
        return err_set(e, ERR_INVALID, field, "is longer than %zu characters", max);
    return 0;
}

/* Dollars, zero or more (`positive`: above zero), into cents. */
static int dollars_take(const char *text, int positive, int64_t *cents, const char *field,
                        err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: dollars");
    if (money_parse(text, cents, field, e))
        return -1;
    if (*cents < 0)
        return err_set(e, ERR_INVALID, field, "%s is negative", text);
    if (positive && *cents == 0)
        return err_set(e, ERR_INVALID, field, "must be above zero");
    if (*cents > MONEY_MAX_CENTS)
        return err_set(e, ERR_INVALID, field, "%s is more than any trial contract", text);
    return 0;
}

static const char *dollars(int64_t cents, char *out, size_t size)
{
    return money_format(cents, MONEY_PLAIN, out, size);
}

/* --- reading ------------------------------------------------------------------------ */

#define CONTRACT_COLUMNS                                                                           \
    "c.id, c.sponsor, COALESCE(ho.name, NULLIF(cu.name, ''), c.sponsor), c.device, "            \
    "c.protocols, m.code, "                                                                        \
    "c.start_date, c.end_date, c.cap_cents, c.billed_cents, c.created_at, c.created_by, "         \
    "c.updated_at, (SELECT COUNT(*) FROM trial_sites s WHERE s.contract_id = c.id)"
#define CONTRACT_FROM                                                                              \
    " FROM trial_contracts c JOIN markets m ON m.id = c.market_id "                                \
    "LEFT JOIN customers cu ON cu.code = c.sponsor LEFT JOIN hospitals ho ON ho.code = c.sponsor"

/* "A, B\nC" -> ["A", "B", "C"] */
static json_t *protocols_json(const char *text)
{
    json_t *list = json_array();
    char item[TEXT_MAX + 1];
    size_t n = 0;
    for (const char *p = text;; p++) {
        if (!*p || *p == '\n' || *p == ',') {
            while (n && item[n - 1] == ' ')
                n--;
            item[n] = 0;
            if (n)
                json_array_append_new(list, json_string(item));
            n = 0;
            if (!*p)
                break;
        } else if (n < TEXT_MAX && !(n == 0 && (*p == ' ' || *p == '\r')))
            item[n++] = *p;
    }
    return list;
}

static json_t *contract_json(db_stmt *stmt)
{
    int64_t cap = db_column_int64(stmt, 8), billed = db_column_int64(stmt, 9);
    json_t *c = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
                          (json_int_t)db_column_int64(stmt, 0), "sponsor",
                          db_column_text(stmt, 1), "sponsor_name", db_column_text(stmt, 2),
                          "device", db_column_text(stmt, 3), "protocols",
                          protocols_json(db_column_text(stmt, 4)), "market",
                          db_column_text(stmt, 5), "start", db_column_text(stmt, 6), "end",
                          db_column_text(stmt, 7), "created_at", db_column_text(stmt, 10),
                          "created_by", db_column_text(stmt, 11), "updated_at",
                          db_column_text(stmt, 12), "site_count",
                          (json_int_t)db_column_int64(stmt, 13));
    json_object_set_new(c, "cap", service_money_json(cap));
    json_object_set_new(c, "billed", service_money_json(billed));
    json_object_set_new(c, "headroom", service_money_json(cap - billed));
    return c;
}

#define SITE_COLUMNS                                                                               \
    "s.id, s.contract_id, s.name, s.country, s.city, s.investigator, m.code, s.status, "          \
    "s.created_at, s.created_by, s.updated_at, "                                                   \
    "(SELECT COUNT(*) FROM trial_tasks t WHERE t.site_id = s.id AND t.kind = 'setup'), "          \
    "(SELECT COUNT(*) FROM trial_tasks t WHERE t.site_id = s.id AND t.kind = 'verification'), "   \
    "(SELECT COUNT(*) FROM trial_training r WHERE r.site_id = s.id AND r.role = 'investigator'), " \
    "(SELECT COUNT(*) FROM trial_training r WHERE r.site_id = s.id AND r.role = 'nurse'), "       \
    "(SELECT COUNT(*) FROM trial_bills b WHERE b.site_id = s.id AND b.kind = 'procedure'), "      \
    "(SELECT COALESCE(SUM(b.amount_cents), 0) FROM trial_bills b WHERE b.site_id = s.id)"
#define SITE_FROM " FROM trial_sites s JOIN markets m ON m.id = s.market_id"

static void site_facts(db_stmt *stmt, trial_site_facts *facts)
{
    facts->set_up = db_column_int64(stmt, 11) > 0;
    facts->verified = db_column_int64(stmt, 12) > 0;
    facts->investigators_trained = (int)db_column_int64(stmt, 13);
    facts->nurses_trained = (int)db_column_int64(stmt, 14);
}

static json_t *site_json(db_stmt *stmt)
{
    trial_site_facts facts;
    site_facts(stmt, &facts);
    unsigned lacks = trial_site_lacks(&facts);
    json_t *missing = json_array();
    for (unsigned bit = 1; bit <= TRIAL_LACKS_NURSE; bit <<= 1)
        if (lacks & bit)
            json_array_append_new(missing, json_string(trial_lack_name(bit)));
    json_t *s = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                          (json_int_t)db_column_int64(stmt, 0), "contract",
                          (json_int_t)db_column_int64(stmt, 1), "name", db_column_text(stmt, 2),
                          "country", db_column_text(stmt, 3), "city", db_column_text(stmt, 4),
                          "investigator", db_column_text(stmt, 5), "market",
                          db_column_text(stmt, 6), "status", db_column_text(stmt, 7),
                          "created_at", db_column_text(stmt, 8), "created_by",
                          db_column_text(stmt, 9), "updated_at", db_column_text(stmt, 10));
    json_object_set_new(s, "ready", json_boolean(lacks == 0));
    json_object_set_new(s, "lacks", missing);
    json_object_set_new(s, "set_up", json_boolean(facts.set_up));
    json_object_set_new(s, "verified", json_boolean(facts.verified));
    json_object_set_new(s, "trained_investigators", json_integer(facts.investigators_trained));
    json_object_set_new(s, "trained_nurses", json_integer(facts.nurses_trained));
    json_object_set_new(s, "procedures", json_integer(db_column_int64(stmt, 15)));
    json_object_set_new(s, "billed", service_money_json(db_column_int64(stmt, 16)));
    return s;
}

static json_t *fee_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o, s:s, s:s}", "kind", db_column_text(stmt, 0), "price",
                     service_money_json(db_column_int64(stmt, 1)), "set_at",
                     db_column_text(stmt, 2), "set_by", db_column_text(stmt, 3));
}

#define BILL_COLUMNS                                                                               \
    "b.id, b.site_id, s.name, b.kind, b.procedure_id, b.billed_on, b.price_cents, "                \
    "b.amount_cents, b.note, b.journal_entry_id, b.invoice_id, i.number, b.created_at, "          \
    "b.created_by"
#define BILL_FROM                                                                                  \
    " FROM trial_bills b JOIN trial_sites s ON s.id = b.site_id "                                  \
    "LEFT JOIN invoices i ON i.id = b.invoice_id"

static json_t *optional_id(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? json_null()
                                           : json_integer(db_column_int64(stmt, column));
}

static json_t *bill_json(db_stmt *stmt)
{
    json_t *b = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:s}",
                          "id", (json_int_t)db_column_int64(stmt, 0), "site",
                          (json_int_t)db_column_int64(stmt, 1), "site_name",
                          db_column_text(stmt, 2), "kind", db_column_text(stmt, 3), "procedure",
                          optional_id(stmt, 4), "date", db_column_text(stmt, 5), "price",
                          service_money_json(db_column_int64(stmt, 6)), "amount",
                          service_money_json(db_column_int64(stmt, 7)), "note",
                          db_column_text(stmt, 8), "journal_entry", optional_id(stmt, 9),
                          "invoice", optional_id(stmt, 10), "invoice_number",
                          service_json_text(db_column_text(stmt, 11)), "created_at",
                          db_column_text(stmt, 12), "created_by", db_column_text(stmt, 13));
    return b;
}

static json_t *task_json(db_stmt *stmt)
{
    json_t *t = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
                          (json_int_t)db_column_int64(stmt, 0), "kind", db_column_text(stmt, 1),
                          "date", db_column_text(stmt, 2), "signed_by", db_column_text(stmt, 3),
                          "signed_at", db_column_text(stmt, 4));
    json_object_set_new(t, "billed", db_column_is_null(stmt, 5)
                                         ? json_null()
                                         : service_money_json(db_column_int64(stmt, 5)));
    json_object_set_new(t, "note", service_json_text(db_column_text(stmt, 6)));
    return t;
}

static json_t *training_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "person", db_column_text(stmt, 1),
                     "role", db_column_text(stmt, 2), "date", db_column_text(stmt, 3), "trainer",
                     db_column_text(stmt, 4), "topic", db_column_text(stmt, 5), "created_at",
                     db_column_text(stmt, 6), "created_by", db_column_text(stmt, 7));
}

/* The contract row alone. */
static int contract_row(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " CONTRACT_COLUMNS CONTRACT_FROM " WHERE c.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, contract_json, out, "contract", e,
                             "no trial contract %" PRId64, id);
}

static int contract_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    json_t *contract = NULL, *fees = NULL, *sites = NULL, *bills = NULL;
    if (contract_row(db, id, &contract, e))
        return -1;
    if (service_collect_rows_of(db,
                                "SELECT kind, price_cents, set_at, set_by FROM trial_fees "
                                "WHERE contract_id = ? ORDER BY CASE kind WHEN 'setup' THEN 1 "
                                "WHEN 'verification' THEN 2 WHEN 'training' THEN 3 ELSE 4 END",
                                id, fee_json, &fees, e) ||
        service_collect_rows_of(db,
                                "SELECT " SITE_COLUMNS SITE_FROM
                                " WHERE s.contract_id = ? ORDER BY s.id",
                                id, site_json, &sites, e) ||
        service_collect_rows_of(db,
                                "SELECT " BILL_COLUMNS BILL_FROM
                                " WHERE b.contract_id = ? ORDER BY b.id DESC",
                                id, bill_json, &bills, e)) {
        json_decref(contract);
        json_decref(fees);
        json_decref(sites);
        return -1;
    }
    json_object_set_new(contract, "fees", fees);
    json_object_set_new(contract, "sites", sites);
    json_object_set_new(contract, "bills", bills);
    *out = contract;
    return 0;
}

static int site_row(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " SITE_COLUMNS SITE_FROM " WHERE s.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, site_json, out, "site", e, "no trial site %" PRId64, id);
}

static int site_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    json_t *site = NULL, *tasks = NULL, *training = NULL, *bills = NULL, *contract = NULL;
    if (site_row(db, id, &site, e))
        return -1;
    if (contract_row(db, json_integer_value(json_object_get(site, "contract")), &contract, e) ||
        service_collect_rows_of(db,
                                "SELECT t.id, t.kind, t.done_on, t.signed_by, t.signed_at, "
                                "b.amount_cents, b.note FROM trial_tasks t "
                                "LEFT JOIN trial_bills b ON b.id = t.bill_id "
                                "WHERE t.site_id = ? ORDER BY t.id",
                                id, task_json, &tasks, e) ||
        service_collect_rows_of(db,
                                "SELECT id, person, role, trained_on, trainer, topic, created_at, "
                                "created_by FROM trial_training WHERE site_id = ? "
                                "ORDER BY trained_on, id",
                                id, training_json, &training, e) ||
        service_collect_rows_of(db,
                                "SELECT " BILL_COLUMNS BILL_FROM
                                " WHERE b.site_id = ? ORDER BY b.id DESC",
                                id, bill_json, &bills, e)) {
        json_decref(site);
        json_decref(contract);
        json_decref(tasks);
        json_decref(training);
        return -1;
    }
    json_object_set_new(site, "contract_summary", contract);
    json_object_set_new(site, "tasks", tasks);
    json_object_set_new(site, "training", training);
    json_object_set_new(site, "bills", bills);
    *out = site;
    return 0;
}

static int trial_audit(service_context *ctx, const char *entity, int64_t id, const char *action,
                       json_t *before, json_t *after, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, entity, key, action, before, after, NULL, e);
}

/* The market `code` (given) or *market_id left as it is. */
static int market_find(db_conn *db, const char *code, int64_t *market_id, err *e)
{
    char market[REGISTRY_CODE_MAX + 8];
    if (!code || !*code)
        return 0;
    if (registry_code_take(code, market, "market", e))
        return -1;
    int found = service_id_find(db, "SELECT id FROM markets WHERE code = ?", market, market_id, e);
    if (found == 1)
        return err_set(e, ERR_INVALID, "market", "no market '%s'", market);
    return found ? -1 : 0;
}

/* The one id column `sql` (one integer parameter) finds for `id`: 0 and
 * *out, 1 when no row, -1 on a database error. */
static int id_lookup(db_conn *db, const char *sql, int64_t id, int64_t *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *out = db_column_int64(stmt, 0);
    db_reset(stmt);
    return step == DB_FAILED ? -1 : step == DB_ROW ? 0 : 1;
}

/* --- contracts ---------------------------------------------------------------------- */

int trial_contract_add(service_context *ctx, const trial_contract_input *in, json_t **out,
                       err *e)
{
    char sponsor[REGISTRY_CODE_MAX + 8], start_text[DATE_TEXT_MAX], end_text[DATE_TEXT_MAX],
        now[TIMESTAMP_TEXT_MAX];
    civil_day start, end;
    int64_t cap;
    if (!in->sponsor || !*in->sponsor)
        return err_set(e, ERR_INVALID, "sponsor", "is required: the sponsor's customer code");
    if (registry_code_take(in->sponsor, sponsor, "sponsor", e) ||
        text_take(in->device, TEXT_MAX, "device", "the device under trial", e) ||
        (in->protocols && strlen(in->protocols) > PROTOCOLS_MAX &&
         err_set(e, ERR_INVALID, "protocols", "is longer than %d characters", PROTOCOLS_MAX)) ||
        service_date_take(in->start, &start, "start", e) ||
        service_date_take(in->end, &end, "end", e))
        return -1;
    if (end < start)
        return err_set(e, ERR_INVALID, "end", "%s is before the start %s", in->end, in->start);
    if (dollars_take(in->cap, 1, &cap, "cap", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t market_id = 0, id = 0;
    db_stmt *stmt;
    int rc = -1;
    /* A billing customer, or a hospital (billed under its code). */
    if (db_prepare(ctx->db,
                   "SELECT market_id FROM customers WHERE code = ?1 AND hospital_id IS NULL "
                   "UNION ALL SELECT market_id FROM hospitals WHERE code = ?1",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, sponsor);
    db_step_result step = db_step(stmt, e);
    int known = step == DB_ROW;
    if (known && !db_column_is_null(stmt, 0))
        market_id = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step == DB_FAILED)
        goto done;
    if (!known) {
        err_set(e, ERR_INVALID, "sponsor", "no billing customer or hospital '%s'", sponsor);
        goto done;
    }
    if (market_find(ctx->db, in->market, &market_id, e))
        goto done;
    if (!market_id) {
        err_set(e, ERR_INVALID, "market",
                "is required: the sponsor '%s' has no market to post the revenue under", sponsor);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO trial_contracts (sponsor, device, protocols, market_id, "
                   "start_date, end_date, cap_cents, created_at, created_by, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    service_now_text(now);
    db_bind_text(stmt, 1, sponsor);
    db_bind_text(stmt, 2, in->device);
    db_bind_text(stmt, 3, in->protocols ? in->protocols : "");
    db_bind_int64(stmt, 4, market_id);
    db_bind_text(stmt, 5, date_format(start, start_text, sizeof start_text));
    db_bind_text(stmt, 6, date_format(end, end_text, sizeof end_text));
    db_bind_int64(stmt, 7, cap);
    db_bind_text(stmt, 8, now);
    db_bind_text(stmt, 9, ctx->actor.username);
    db_bind_text(stmt, 10, now);
    rc = db_insert_returning_id(stmt, &id, e) || contract_fetch(ctx->db, id, &record, e) ||
                 trial_audit(ctx, "trial_contract", id, "create", NULL, record, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int trial_contract_get(service_context *ctx, const char *contract, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    return contract_fetch(ctx->db, id, out, e);
}

int trial_contract_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *items = NULL;
    if (db_prepare(ctx->db, "SELECT " CONTRACT_COLUMNS CONTRACT_FROM " ORDER BY c.id DESC", &stmt,
                   e) ||
        service_collect_rows(stmt, contract_json, &items, e))
        return -1;
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* Lock the contract's row for the rest of the transaction: every bill of a
 * contract updates it first, so bills of one contract follow one another
 * on both backends and each reads what the one before committed. */
static int contract_lock(service_context *ctx, int64_t id, err *e)
{
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db, "UPDATE trial_contracts SET updated_at = ? WHERE id = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_int64(stmt, 2, id);
    return db_exec_stmt(stmt, e);
}

int trial_fee_set(service_context *ctx, const char *contract, const char *kind_text,
                  const char *price, json_t **out, err *e)
{
    int64_t id, cents;
    trial_kind kind;
    char now[TIMESTAMP_TEXT_MAX];
    if (service_id_take(contract, &id, "contract", e) ||
        trial_kind_parse(kind_text, 0, &kind, "kind", e) ||
        dollars_take(price, 0, &cents, "price", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_fetch(ctx->db, id, &before, e) || contract_lock(ctx, id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO trial_fees (contract_id, kind, price_cents, set_at, set_by) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (contract_id, kind) DO UPDATE SET "
                   "price_cents = ?3, set_at = ?4, set_by = ?5",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, trial_kind_name(kind));
    db_bind_int64(stmt, 3, cents);
    db_bind_text(stmt, 4, service_now_text(now));
    db_bind_text(stmt, 5, ctx->actor.username);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 trial_audit(ctx, "trial_contract", id, "fee", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- sites -------------------------------------------------------------------------- */

int trial_site_add(service_context *ctx, const char *contract, const trial_site_input *in,
                   json_t **out, err *e)
{
    int64_t contract_id, market_id = 0, id = 0;
    char now[TIMESTAMP_TEXT_MAX];
    if (service_id_take(contract, &contract_id, "contract", e) ||
        text_take(in->name, TEXT_MAX, "name", "the site's name", e))
        return -1;
    if (!in->country || (strcmp(in->country, "US") && strcmp(in->country, "CA")))
        return err_set(e, ERR_INVALID, "country", "must be US or CA");
    if (text_take(in->city, TEXT_MAX, "city", "the site's city", e) ||
        text_take(in->investigator, TEXT_MAX, "investigator", "the principal investigator", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    db_stmt *stmt;
    int rc = -1;
    int found = id_lookup(ctx->db, "SELECT market_id FROM trial_contracts WHERE id = ?",
                          contract_id, &market_id, e);
    if (found) {
        if (found == 1)
            err_set(e, ERR_NOT_FOUND, "contract", "no trial contract %" PRId64, contract_id);
        goto done;
    }
    if (market_find(ctx->db, in->market, &market_id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO trial_sites (contract_id, name, country, city, investigator, "
                   "market_id, created_at, created_by, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    service_now_text(now);
    db_bind_int64(stmt, 1, contract_id);
    db_bind_text(stmt, 2, in->name);
    db_bind_text(stmt, 3, in->country);
    db_bind_text(stmt, 4, in->city);
    db_bind_text(stmt, 5, in->investigator);
    db_bind_int64(stmt, 6, market_id);
    db_bind_text(stmt, 7, now);
    db_bind_text(stmt, 8, ctx->actor.username);
    db_bind_text(stmt, 9, now);
    rc = db_insert_returning_id(stmt, &id, e) || site_fetch(ctx->db, id, &record, e) ||
                 trial_audit(ctx, "trial_site", id, "create", NULL, record, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int trial_site_get(service_context *ctx, const char *site, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(site, &id, "site", e))
        return -1;
    return site_fetch(ctx->db, id, out, e);
}

/* The site's contract; ERR_NOT_FOUND naming "site" when there is no such
 * site (`site` checked by service_id_take already). */
static int site_contract(db_conn *db, int64_t site, int64_t *contract_id, err *e)
{
    int found = id_lookup(db, "SELECT contract_id FROM trial_sites WHERE id = ?", site,
                          contract_id, e);
    if (found == 1)
        return err_set(e, ERR_NOT_FOUND, "site", "no trial site %" PRId64, site);
    return found ? -1 : 0;
}

/* The site's status from its facts, unless it is active or closed. */
static int site_status_update(service_context *ctx, int64_t id, const char *forced, err *e)
{
    json_t *site = NULL;
    if (site_row(ctx->db, id, &site, e))
        return -1;
    const char *status = json_string_value(json_object_get(site, "status"));
    const char *next = forced;
    if (!next) {
        trial_site_facts facts = {json_is_true(json_object_get(site, "set_up")),
                                  json_is_true(json_object_get(site, "verified")),
                                  (int)json_integer_value(
                                      json_object_get(site, "trained_investigators")),
                                  (int)json_integer_value(json_object_get(site, "trained_nurses"))};
        next = !strcmp(status, "active") || !strcmp(status, "closed") ? status
                                                                      : trial_site_status(&facts);
    }
    int rc = 0;
    if (strcmp(next, status)) {
        char now[TIMESTAMP_TEXT_MAX];
        db_stmt *stmt;
        rc = db_prepare(ctx->db, "UPDATE trial_sites SET status = ?, updated_at = ? WHERE id = ?",
                        &stmt, e);
        if (!rc) {
            db_bind_text(stmt, 1, next);
            db_bind_text(stmt, 2, service_now_text(now));
            db_bind_int64(stmt, 3, id);
            rc = db_exec_stmt(stmt, e);
        }
    }
    json_decref(site);
    return rc;
}

/* --- billing under the cap ---------------------------------------------------------- */

/* The sponsor's draft invoice: the one an earlier bill of the contract
 * made, while it is a draft; else a new draft dated `day`. */
static int sponsor_invoice(service_context *ctx, int64_t contract_id, const char *sponsor,
                           civil_day day, int64_t *invoice_id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT b.invoice_id FROM trial_bills b JOIN invoices i ON i.id = b.invoice_id "
                   "WHERE b.contract_id = ? AND i.status = 'draft' ORDER BY b.invoice_id DESC "
                   "LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, contract_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *invoice_id = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_ROW)
        return 0;
    return invoice_draft_in(ctx, sponsor, day, "sponsor", invoice_id, e);
}

typedef struct {
    int64_t contract_id, site_id, procedure_id; /* procedure_id 0: a task */
    trial_kind kind;
    civil_day day;
    const char *what; /* for the line's description */
} bill_request;

/* Bill the request's fee to the sponsor inside the caller's transaction:
 * the contract locked first, then the cap checked and the billed total
 * raised, the posting 1150/4300 under the site's market, the line on the
 * sponsor's draft invoice and the bill. *bill_id 0: the fee is zero or not
 * set, nothing billed. */
static int bill_in(service_context *ctx, const bill_request *r, int64_t *bill_id, err *e)
{
    char sponsor[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8], day_text[DATE_TEXT_MAX],
        description[300], note[160] = "", price_text[MONEY_TEXT_MAX], a[MONEY_TEXT_MAX],
        b[MONEY_TEXT_MAX], ref[48], now[TIMESTAMP_TEXT_MAX];
    civil_day start, end;
    int64_t cap, billed, price = 0, amount, entry_id = 0, invoice_id = 0, line_id = 0;
    int capped;
    db_stmt *stmt;
    *bill_id = 0;
    if (contract_lock(ctx, r->contract_id, e) ||
        db_prepare(ctx->db,
                   "SELECT c.sponsor, c.start_date, c.end_date, c.cap_cents, c.billed_cents, "
                   "(SELECT f.price_cents FROM trial_fees f WHERE f.contract_id = c.id "
                   "AND f.kind = ?2), (SELECT m.code FROM trial_sites s JOIN markets m "
                   "ON m.id = s.market_id WHERE s.id = ?3) "
                   "FROM trial_contracts c WHERE c.id = ?1",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, r->contract_id);
    db_bind_text(stmt, 2, trial_kind_name(r->kind));
    db_bind_int64(stmt, 3, r->site_id);
    db_step_result step = db_step(stmt, e);
    int rc = 0;
    if (step == DB_ROW) {
        snprintf(sponsor, sizeof sponsor, "%s", db_column_text(stmt, 0));
        rc = date_parse(db_column_text(stmt, 1), &start, "start", e) ||
             date_parse(db_column_text(stmt, 2), &end, "end", e);
        cap = db_column_int64(stmt, 3);
        billed = db_column_int64(stmt, 4);
        price = db_column_is_null(stmt, 5) ? 0 : db_column_int64(stmt, 5);
        snprintf(market, sizeof market, "%s", db_column_text(stmt, 6));
    }
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_FAILED ? -1 : err_set(e, ERR_NOT_FOUND, "contract", "no trial contract");
    if (rc)
        return -1;
    if (price == 0)
        return 0;
    date_format(r->day, day_text, sizeof day_text);
    if (r->day > end)
        return err_set(e, ERR_INVALID, "date",
                       "%s is after the contract's end %s: nothing is billed after it", day_text,
                       date_format(end, a, sizeof a));
    if (r->day < start)
        return err_set(e, ERR_INVALID, "date", "%s is before the contract's start %s", day_text,
                       date_format(start, a, sizeof a));
    if (trial_cap_bill(cap, billed, price, &amount, &capped))
        return err_set(e, ERR_CONFLICT, "headroom",
                       "the contract's cap of $%s is reached: the headroom is $%s, nothing more "
                       "is billed",
                       dollars(cap, a, sizeof a), dollars(cap - billed, b, sizeof b));
    if (capped && amount < price)
        snprintf(note, sizeof note, "billed up to the contract's cap of $%s (fee $%s)",
                 dollars(cap, a, sizeof a), dollars(price, b, sizeof b));
    else if (capped)
        snprintf(note, sizeof note, "reaches the contract's cap of $%s", dollars(cap, a, sizeof a));
    snprintf(description, sizeof description, "Clinical trial %s, contract %" PRId64 "%s%s",
             r->what, r->contract_id, *note ? ": " : "", note);
    if (db_prepare(ctx->db,
                   "UPDATE trial_contracts SET billed_cents = billed_cents + ? WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, amount);
    db_bind_int64(stmt, 2, r->contract_id);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO trial_bills (contract_id, site_id, kind, procedure_id, billed_on, "
                   "price_cents, amount_cents, note, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, r->contract_id);
    db_bind_int64(stmt, 2, r->site_id);
    db_bind_text(stmt, 3, trial_kind_name(r->kind));
    if (r->procedure_id)
        db_bind_int64(stmt, 4, r->procedure_id);
    else
        db_bind_null(stmt, 4);
    db_bind_text(stmt, 5, day_text);
    db_bind_int64(stmt, 6, price);
    db_bind_int64(stmt, 7, amount);
    db_bind_text(stmt, 8, note);
    db_bind_text(stmt, 9, service_now_text(now));
    db_bind_text(stmt, 10, ctx->actor.username);
    if (db_insert_returning_id(stmt, bill_id, e))
        return -1;
    snprintf(ref, sizeof ref, "trial:%" PRId64 ":%" PRId64, r->contract_id, *bill_id);
    ledger_line lines[2] = {{"1150", market, amount, NULL}, {"4300", market, -amount, NULL}};
    ledger_entry entry = {.date = r->day, .description = description, .source = "trials",
                          .source_ref = ref, .lines = lines, .line_count = 2};
    invoice_line_input line = {.description = description, .quantity = "1",
                               .price = dollars(amount, price_text, sizeof price_text),
                               .account = "4300", .center = market};
    invoice_line_origin origin = {.source = "trial_task", .source_ref = ref, .recognised = 1};
    if (ledger_post(ctx, &entry, &entry_id, e) ||
        sponsor_invoice(ctx, r->contract_id, sponsor, r->day, &invoice_id, e) ||
        invoice_line_post_in(ctx, invoice_id, &line, &origin, &line_id, e) ||
        db_prepare(ctx->db,
                   "UPDATE trial_bills SET journal_entry_id = ?, invoice_id = ?, "
                   "invoice_line_id = ? WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, entry_id);
    db_bind_int64(stmt, 2, invoice_id);
    db_bind_int64(stmt, 3, line_id);
    db_bind_int64(stmt, 4, *bill_id);
    return db_exec_stmt(stmt, e);
}

/* --- tasks, training, procedures ---------------------------------------------------- */

/* 1 when the site has signed its task `kind`. */
static int task_signed(db_conn *db, int64_t site_id, const char *kind, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT 1 FROM trial_tasks WHERE site_id = ? AND kind = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, site_id);
    db_bind_text(stmt, 2, kind);
    return service_row_exists(stmt, e);
}

int trial_task_sign(service_context *ctx, const char *site, const char *kind_text,
                    const char *date, const char *signer, const char *password, json_t **out,
                    err *e)
{
    int64_t site_id, contract_id, signer_id = 0, bill_id = 0, task_id = 0;
    trial_kind kind;
    civil_day day;
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX], what[TEXT_MAX + 64];
    if (service_id_take(site, &site_id, "site", e) ||
        trial_kind_parse(kind_text, 1, &kind, "kind", e) ||
        service_date_take(date, &day, "date", e))
        return -1;
    if (!signer || !*signer)
        signer = ctx->actor.username; /* a logged-in user signs as themselves */
    if (!password || !*password)
        return err_set(e, ERR_INVALID, "password", "is required: the signer's password");
    /* The signature first, outside the transaction: the password hash takes a while. */
    if (auth_signature_check(ctx, signer, password, CAPABILITY_TRIALS_WRITE, &signer_id, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (site_contract(ctx->db, site_id, &contract_id, e) ||
        contract_lock(ctx, contract_id, e) || site_fetch(ctx->db, site_id, &before, e))
        goto done;
    const char *status = json_string_value(json_object_get(before, "status"));
    if (!strcmp(status, "closed")) {
        err_set(e, ERR_CONFLICT, "site", "site %" PRId64 " is closed", site_id);
        goto done;
    }
    int done_before = task_signed(ctx->db, site_id, trial_kind_name(kind), e);
    if (done_before < 0)
        goto done;
    if (done_before) {
        err_set(e, ERR_CONFLICT, "kind", "the %s of site %" PRId64 " is signed off already",
                trial_kind_name(kind), site_id);
        goto done;
    }
    if (kind == TRIAL_VERIFICATION) {
        int set_up = task_signed(ctx->db, site_id, "setup", e);
        if (set_up < 0)
            goto done;
        if (!set_up) {
            err_set(e, ERR_CONFLICT, "kind",
                    "site %" PRId64 " is not set up: sign off its setup before its verification",
                    site_id);
            goto done;
        }
    }
    snprintf(what, sizeof what, "site %s: %s",
             json_string_value(json_object_get(before, "name")), trial_kind_name(kind));
    bill_request request = {.contract_id = contract_id, .site_id = site_id, .kind = kind,
                            .day = day, .what = what};
    if (bill_in(ctx, &request, &bill_id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO trial_tasks (site_id, kind, done_on, signed_by, signer_id, "
                   "signed_at, bill_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, site_id);
    db_bind_text(stmt, 2, trial_kind_name(kind));
    db_bind_text(stmt, 3, date_format(day, day_text, sizeof day_text));
    db_bind_text(stmt, 4, signer);
    db_bind_int64(stmt, 5, signer_id);
    db_bind_text(stmt, 6, service_now_text(now));
    if (bill_id)
        db_bind_int64(stmt, 7, bill_id);
    else
        db_bind_null(stmt, 7);
    rc = db_insert_returning_id(stmt, &task_id, e) ||
                 site_status_update(ctx, site_id, NULL, e) ||
                 site_fetch(ctx->db, site_id, &after, e) ||
                 trial_audit(ctx, "trial_site", site_id, "sign", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int trial_train(service_context *ctx, const char *site, const trial_training_input *in,
                json_t **out, err *e)
{
    int64_t site_id, contract_id, id;
    civil_day day;
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    if (service_id_take(site, &site_id, "site", e) ||
        text_take(in->person, TEXT_MAX, "person", "who was trained", e))
        return -1;
    if (!in->role || (strcmp(in->role, "investigator") && strcmp(in->role, "nurse")))
        return err_set(e, ERR_INVALID, "role", "must be investigator or nurse");
    if (service_date_take(in->date, &day, "date", e) ||
        text_take(in->trainer, TEXT_MAX, "trainer", "who trained them", e) ||
        (in->topic && strlen(in->topic) > TEXT_MAX &&
         err_set(e, ERR_INVALID, "topic", "is longer than %d characters", TEXT_MAX)))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    int found = id_lookup(ctx->db, "SELECT contract_id FROM trial_sites WHERE id = ?", site_id,
                          &contract_id, e);
    if (found) {
        if (found == 1)
            err_set(e, ERR_INVALID, "site", "no trial site %" PRId64, site_id);
        goto done;
    }
    if (site_fetch(ctx->db, site_id, &before, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO trial_training (site_id, person, role, trained_on, trainer, "
                   "topic, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, site_id);
    db_bind_text(stmt, 2, in->person);
    db_bind_text(stmt, 3, in->role);
    db_bind_text(stmt, 4, date_format(day, day_text, sizeof day_text));
    db_bind_text(stmt, 5, in->trainer);
    db_bind_text(stmt, 6, in->topic ? in->topic : "");
    db_bind_text(stmt, 7, service_now_text(now));
    db_bind_text(stmt, 8, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || site_status_update(ctx, site_id, NULL, e) ||
                 site_fetch(ctx->db, site_id, &after, e) ||
                 trial_audit(ctx, "trial_site", site_id, "train", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int trial_procedure_link(service_context *ctx, const char *site, const char *procedure,
                         json_t **out, err *e)
{
    int64_t site_id, contract_id, procedure_id, bill_id = 0;
    civil_day day;
    char what[TEXT_MAX + 64];
    if (service_id_take(site, &site_id, "site", e) ||
        service_id_take(procedure, &procedure_id, "procedure", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (site_contract(ctx->db, site_id, &contract_id, e) || contract_lock(ctx, contract_id, e) ||
        site_fetch(ctx->db, site_id, &before, e))
        goto done;
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "ready") && strcmp(status, "active")) {
        err_set(e, ERR_CONFLICT, "site",
                "site %" PRId64 " is %s, not ready: it must be set up, verified and have a "
                "trained investigator and nurse before investigational procedures",
                site_id, status);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "SELECT p.status, p.performed_on, (SELECT b.site_id FROM trial_bills b "
                   "WHERE b.procedure_id = p.id) FROM apheresis_procedures p WHERE p.id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, procedure_id);
    db_step_result step = db_step(stmt, e);
    int problem = 0;
    if (step == DB_ROW) {
        if (strcmp(db_column_text(stmt, 0), "signed"))
            problem = err_set(e, ERR_CONFLICT, "procedure",
                              "procedure %" PRId64 " is not signed: sign its record first",
                              procedure_id);
        else if (!db_column_is_null(stmt, 2))
            problem = err_set(e, ERR_CONFLICT, "procedure",
                              "procedure %" PRId64 " is linked to trial site %" PRId64 " already",
                              procedure_id, (int64_t)db_column_int64(stmt, 2));
        else
            problem = date_parse(db_column_text(stmt, 1), &day, "procedure", e);
    }
    db_reset(stmt);
    if (step == DB_FAILED || problem)
        goto done;
    if (step != DB_ROW) {
        err_set(e, ERR_INVALID, "procedure", "no apheresis procedure %" PRId64, procedure_id);
        goto done;
    }
    snprintf(what, sizeof what, "site %s: investigational procedure %" PRId64,
             json_string_value(json_object_get(before, "name")), procedure_id);
    bill_request request = {.contract_id = contract_id, .site_id = site_id,
                            .procedure_id = procedure_id, .kind = TRIAL_PROCEDURE, .day = day,
                            .what = what};
    if (bill_in(ctx, &request, &bill_id, e))
        goto done;
    if (!bill_id) {
        err_set(e, ERR_CONFLICT, "procedure",
                "contract %" PRId64 " has no procedure fee: set it before linking procedures",
                contract_id);
        goto done;
    }
    rc = site_status_update(ctx, site_id, "active", e) ||
                 site_fetch(ctx->db, site_id, &after, e) ||
                 trial_audit(ctx, "trial_site", site_id, "procedure", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- the readiness board ------------------------------------------------------------ */

int trial_board(service_context *ctx, const char *contract, const char *country,
                const char *status, json_t **out, err *e)
{
    int64_t id;
    static const char *const statuses[] = {"planned", "setting_up", "verified",
                                           "ready",   "active",     "closed"};
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    country = country ? country : "";
    status = status ? status : "";
    if (*country && strcmp(country, "US") && strcmp(country, "CA"))
        return err_set(e, ERR_INVALID, "country", "must be US or CA");
    if (*status) {
        size_t i = 0;
        while (i < 6 && strcmp(status, statuses[i]))
            i++;
        if (i == 6)
            return err_set(e, ERR_INVALID, "status",
                           "must be planned, setting_up, verified, ready, active or closed");
    }
    json_t *board = NULL, *sites = NULL;
    db_stmt *stmt;
    if (contract_row(ctx->db, id, &board, e))
        return -1;
    if (db_prepare(ctx->db,
                   "SELECT " SITE_COLUMNS SITE_FROM " WHERE s.contract_id = ?1 "
                   "AND (?2 = '' OR s.country = ?2) AND (?3 = '' OR s.status = ?3) ORDER BY s.id",
                   &stmt, e)) {
        json_decref(board);
        return -1;
    }
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, country);
    db_bind_text(stmt, 3, status);
    if (service_collect_rows(stmt, site_json, &sites, e)) {
        json_decref(board);
        return -1;
    }
    size_t ready = 0, i;
    json_t *s;
    json_array_foreach(sites, i, s) ready += json_is_true(json_object_get(s, "ready"));
    json_object_set_new(board, "sites", sites);
    json_object_set_new(board, "ready_count", json_integer((json_int_t)ready));
    *out = board;
    return 0;
}
