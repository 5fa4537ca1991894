/*
 * registry.c - markets, donor centers and hospitals (see registry.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/registry.h"

/* A normalised copy of a code (trimmed, upper case), checked. */
int registry_code_take(const char *raw, char out[REGISTRY_CODE_MAX + 8], const char *field, err *e)
{
    if (!raw || !*raw)
        return err_set(e, ERR_INVALID, field, "is required");
    if (strlen(raw) > REGISTRY_CODE_MAX + 4)
        return err_set(e, ERR_INVALID, field, "must be 2 to %d characters", REGISTRY_CODE_MAX);
    snprintf(out, REGISTRY_CODE_MAX + 8, "%s", raw);
    service_normalize_code(out);
    return registry_code_check(out, field, e);
}

int registry_market_id(db_conn *db, const char *code, int64_t *id, const char *field, err *e)
{
    int found = service_id_find(db, "SELECT id FROM markets WHERE code = ?", code, id, e);
    if (found == 1)
        return err_set(e, ERR_INVALID, field, "no market '%s' (see the list of markets)", code);
    return found;
}

int registry_hospital_today(db_conn *db, int64_t hospital_id, civil_day *today, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT m.time_zone FROM hospitals h LEFT JOIN markets m ON m.id = h.market_id "
                   "WHERE h.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, hospital_id);
    db_step_result step = db_step(stmt, e);
    const char *zone = step == DB_ROW ? db_column_text(stmt, 0) : NULL;
    if (step != DB_FAILED && local_today(zone ? zone : TIME_ZONE_DEFAULT, today, NULL))
        *today = date_today(); /* a zone on record is one that was checked */
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The time zone of market `id`, the zone of a center added to it without
 * one. */
static int market_zone(db_conn *db, int64_t id, char zone[TIME_ZONE_NAME_MAX], err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT time_zone FROM markets WHERE id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        snprintf(zone, TIME_ZONE_NAME_MAX, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_CONFLICT, "market", "the market was removed meanwhile");
    return step == DB_ROW ? 0 : -1;
}

static const char *column_or_null(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? NULL : db_column_text(stmt, column);
}

/* The text of `key` in a record, NULL when it is null. */
static const char *field_text(json_t *record, const char *key)
{
    return json_string_value(json_object_get(record, key));
}

/* An edit's input may repeat the record's code, but not change it: the code
 * is the key that other records and the books refer to. */
static int code_kept(const char *given, const char *code, err *e)
{
    char normal[REGISTRY_CODE_MAX + 8];
    if (!given)
        return 0;
    if (registry_code_take(given, normal, "code", e))
        return -1;
    if (strcmp(normal, code) != 0)
        return err_set(e, ERR_INVALID, "code", "cannot be changed: %s is the key of the record",
                       code);
    return 0;
}

/* A normalised copy of a facility identification number, checked; "" (no
 * number) stays "". */
static int fin_take(const char *raw, char out[8], err *e)
{
    out[0] = '\0';
    if (!raw || !*raw)
        return 0;
    if (strlen(raw) >= 8)
        return registry_fin_check(raw, "fin", e);
    snprintf(out, 8, "%s", raw);
    service_normalize_code(out);
    return registry_fin_check(out, "fin", e);
}

/* Billing terms from their decimal text, checked. */
static int terms_take(const char *text, long *days, err *e)
{
    char *end = NULL;
    errno = 0;
    *days = strtol(text, &end, 10);
    if (!*text || *end || errno)
        return err_set(e, ERR_INVALID, "billing_terms_days", "must be a whole number of days");
    return registry_billing_terms_check(*days, "billing_terms_days", e);
}

/* The audit record of an edit: the before and after values of the fields
 * that differ between the two versions of the record, nothing else. */
static int audit_update(service_context *ctx, const char *entity, const char *code,
                        json_t *before, json_t *after, err *e)
{
    json_t *old_values = json_object(), *new_values = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(after, key, value)
    {
        json_t *previous = json_object_get(before, key);
        if (previous && json_equal(previous, value))
            continue;
        json_object_set(old_values, key, previous ? previous : json_null());
        json_object_set(new_values, key, value);
    }
    int rc = audit_append(ctx, entity, code, "update", old_values, new_values, NULL, e);
    json_decref(old_values);
    json_decref(new_values);
    return rc;
}

typedef int (*record_fetch)(db_conn *db, const char *code, json_t **out, err *e);

/* After an edit's conditional UPDATE: it must have changed exactly the row
 * that was read (else someone changed the record meanwhile); then the record
 * as it now is, and the audit record of what changed. */
static int update_applied(service_context *ctx, const char *entity, const char *what,
                          const char *code, record_fetch fetch, json_t *before, json_t **after,
                          err *e)
{
    if (db_changes(ctx->db) != 1)
        return err_set(e, ERR_CONFLICT, "code", "%s %s was changed meanwhile: read it again", what,
                       code);
    if (fetch(ctx->db, code, after, e))
        return -1;
    return audit_update(ctx, entity, code, before, *after, e);
}

/* A read of one record by its code as typed (any case). */
static int record_get(service_context *ctx, const char *code, record_fetch fetch, json_t **out,
                      err *e)
{
    char normal[REGISTRY_CODE_MAX + 8];
    if (registry_code_take(code, normal, "code", e))
        return -1;
    return fetch(ctx->db, normal, out, e);
}

/* --- markets -------------------------------------------------------------- */

#define MARKET_COLUMNS "m.code, m.name, m.created_at, m.time_zone"

static json_t *market_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "code", db_column_text(stmt, 0), "name",
                     db_column_text(stmt, 1), "created_at", db_column_text(stmt, 2), "time_zone",
                     db_column_text(stmt, 3));
}

static int market_fetch(db_conn *db, const char *code, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " MARKET_COLUMNS " FROM markets m WHERE m.code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    return service_fetch_one(stmt, market_json, out, "code", e, "no market '%s'", code);
}

/* The end of every registry creation: run the prepared INSERT of `code`,
 * read the record back and audit its creation. A unique key taken meanwhile
 * is ERR_CONFLICT naming "code" with `taken` ("market 'LA' already
 * exists"). */
static int record_inserted(service_context *ctx, db_stmt *insert, const char *entity,
                           const char *code, const char *taken,
                           int (*fetch)(db_conn *, const char *, json_t **, err *),
                           json_t **record, err *e)
{
    if (db_exec_stmt(insert, e)) {
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "code", "%s", taken);
        return -1;
    }
    return fetch(ctx->db, code, record, e) ||
                   audit_append(ctx, entity, code, "create", NULL, *record, NULL, e)
               ? -1
               : 0;
}

int market_add(service_context *ctx, const market_input *in, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], now[TIMESTAMP_TEXT_MAX];
    const char *zone = in->time_zone ? in->time_zone : TIME_ZONE_DEFAULT;
    if (registry_code_take(in->code, code, "code", e) || registry_name_check(in->name, "name", e) ||
        time_zone_check(zone, "time_zone", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    db_stmt *stmt;
    json_t *market = NULL;
    if (db_prepare(ctx->db,
                   "INSERT INTO markets (code, name, created_at, time_zone) VALUES (?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_bind_text(stmt, 2, in->name);
    db_bind_text(stmt, 3, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 4, zone);
    char taken[64];
    snprintf(taken, sizeof taken, "market '%s' already exists", code);
    rc = record_inserted(ctx, stmt, "market", code, taken, market_fetch, &market, e);
done:
    return service_finish_record(ctx, rc, NULL, market, out, e);
}

/* The columns each list sorts by (the code is the tie-break). */
static const service_sort_key market_sort_keys[] = {
    {"code", "m.code"}, {"name", "m.name"}, {"created_at", "m.created_at"},
    {"time_zone", "m.time_zone"}};
static const service_sort market_sort = SERVICE_SORT(market_sort_keys, "m.code", "m.code");

int market_list(service_context *ctx, market_filter *filter, json_t **out, err *e)
{
    char pattern[256] = "";
    if (service_page_check(&filter->page, e) ||
        service_like_pattern(filter->search, pattern, sizeof pattern, "q", e))
        return -1;
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " MARKET_COLUMNS "%s FROM markets m WHERE m.code > ?1 "
                             "AND (?2 = '' OR UPPER(m.code) LIKE UPPER(?2) ESCAPE '\\' "
                             "OR UPPER(m.name) LIKE UPPER(?2) ESCAPE '\\') "
                             "ORDER BY %s LIMIT ?3 OFFSET ?4",
                             &filter->page, &market_sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, filter->page.after ? filter->page.after : "");
    db_bind_text(stmt, 2, pattern);
    db_bind_int64(stmt, 3, filter->page.limit);
    db_bind_int64(stmt, 4, filter->page.offset);
    return service_collect_page(stmt, market_json, &filter->page, "code", out, e);
}

int market_get(service_context *ctx, const char *code, json_t **out, err *e)
{
    return record_get(ctx, code, market_fetch, out, e);
}

int market_update(service_context *ctx, const char *code, const market_input *in, json_t **out,
                  err *e)
{
    char normal[REGISTRY_CODE_MAX + 8];
    if (registry_code_take(code, normal, "code", e) || code_kept(in->code, normal, e))
        return -1;
    if (!in->name && !in->time_zone)
        return err_set(e, ERR_INVALID, "name",
                       "is required, or time_zone (a market's name and zone are what change)");
    if ((in->name && registry_name_check(in->name, "name", e)) ||
        (in->time_zone && time_zone_check(in->time_zone, "time_zone", e)))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    if (market_fetch(ctx->db, normal, &before, e))
        goto done;
    const char *new_name = in->name ? in->name : field_text(before, "name");
    const char *new_zone = in->time_zone ? in->time_zone : field_text(before, "time_zone");
    if (strcmp(new_name, field_text(before, "name")) == 0 &&
        strcmp(new_zone, field_text(before, "time_zone")) == 0) {
        after = json_incref(before); /* nothing changes: nothing written */
        rc = 0;
        goto done;
    }
    /* Only the market as read changes: a concurrent edit changes no row. */
    if (db_prepare(ctx->db,
                   "UPDATE markets SET name = ?, time_zone = ? WHERE code = ? AND name = ? "
                   "AND time_zone = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, new_name);
    db_bind_text(stmt, 2, new_zone);
    db_bind_text(stmt, 3, normal);
    db_bind_text(stmt, 4, field_text(before, "name"));
    db_bind_text(stmt, 5, field_text(before, "time_zone"));
    if (db_exec_stmt(stmt, e))
        goto done;
    rc = update_applied(ctx, "market", "market", normal, market_fetch, before, &after, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- centers -------------------------------------------------------------- */

#define CENTER_COLUMNS                                                                      \
    "c.code, c.name, m.code, c.fin, c.address, c.open_date, c.close_date, c.close_reason, " \
    "c.created_at, c.time_zone"
#define CENTER_FROM " FROM centers c JOIN markets m ON m.id = c.market_id "

static json_t *center_json(db_stmt *stmt)
{
    const char *close_date = column_or_null(stmt, 6), *zone = db_column_text(stmt, 9);
    /* Closed once the close date has come where the center is (a close date
     * in the future is a planned closure: the center still operates until
     * then). */
    int closed = 0;
    if (close_date) {
        char today[DATE_TEXT_MAX];
        civil_day local;
        if (local_today(zone, &local, NULL)) /* a zone on record is one that was checked */
            local = date_today();
        date_format(local, today, sizeof today);
        closed = strcmp(close_date, today) <= 0;
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "code",
                     db_column_text(stmt, 0), "name", db_column_text(stmt, 1), "market",
                     db_column_text(stmt, 2), "fin", service_json_text(column_or_null(stmt, 3)),
                     "address", db_column_text(stmt, 4), "open_date", db_column_text(stmt, 5),
                     "close_date", service_json_text(close_date), "close_reason",
                     service_json_text(column_or_null(stmt, 7)), "status",
                     closed ? "closed" : "open", "created_at", db_column_text(stmt, 8),
                     "time_zone", zone);
}

static int center_fetch(db_conn *db, const char *code, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " CENTER_COLUMNS CENTER_FROM "WHERE c.code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    return service_fetch_one(stmt, center_json, out, "code", e, "no donor center '%s'", code);
}

/* Neither the code nor the facility number may be in use. Checked before
 * the insert (rather than read from a unique violation afterwards) so the
 * error names the right field on every backend: PostgreSQL refuses any
 * further statement in a transaction once one has failed. */
static int center_keys_free(db_conn *db, const char *code, const char *fin, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT 1 FROM centers WHERE code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    if (step == DB_ROW)
        return err_set(e, ERR_CONFLICT, "code", "donor center '%s' already exists", code);
    if (step == DB_FAILED || !*fin)
        return step == DB_FAILED ? -1 : 0;
    if (db_prepare(db, "SELECT code FROM centers WHERE fin = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, fin);
    step = db_step(stmt, e);
    if (step == DB_ROW)
        err_set(e, ERR_CONFLICT, "fin", "facility identification number %s belongs to center %s",
                fin, db_column_text(stmt, 0));
    db_reset(stmt);
    return step == DB_DONE ? 0 : -1;
}

int center_add(service_context *ctx, const center_input *in, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8], fin[8] = "";
    char open_text[DATE_TEXT_MAX] = "", now[TIMESTAMP_TEXT_MAX];
    civil_day open_date = 0;
    if (registry_code_take(in->code, code, "code", e) || registry_name_check(in->name, "name", e) ||
        registry_code_take(in->market, market, "market", e) ||
        registry_text_check(in->address, REGISTRY_ADDRESS_MAX, "address", e))
        return -1;
    if (fin_take(in->fin, fin, e))
        return -1;
    if (in->open_date && date_parse(in->open_date, &open_date, "open_date", e))
        return -1;
    if (in->open_date)
        date_format(open_date, open_text, sizeof open_text);
    if (in->time_zone && time_zone_check(in->time_zone, "time_zone", e))
        return -1;

    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t market_id;
    json_t *center = NULL;
    db_stmt *stmt;
    char zone[TIME_ZONE_NAME_MAX];
    if (registry_market_id(ctx->db, market, &market_id, "market", e) ||
        center_keys_free(ctx->db, code, fin, e) ||
        (!in->time_zone && market_zone(ctx->db, market_id, zone, e)))
        goto done;
    if (in->time_zone)
        snprintf(zone, sizeof zone, "%s", in->time_zone);
    /* Opened today where the center is, when no date is given. */
    if (!in->open_date &&
        (local_today(zone, &open_date, e) || !date_format(open_date, open_text, sizeof open_text)))
        goto done;
    if (db_prepare(ctx->db,
                   "INSERT INTO centers (code, name, market_id, fin, address, open_date, "
                   "created_at, time_zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_bind_text(stmt, 2, in->name);
    db_bind_int64(stmt, 3, market_id);
    db_bind_text(stmt, 4, *fin ? fin : NULL);
    db_bind_text(stmt, 5, in->address ? in->address : "");
    db_bind_text(stmt, 6, open_text);
    db_bind_text(stmt, 7, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 8, zone);
    /* Taken by a concurrent request between the check and the insert. */
    char taken[80];
    snprintf(taken, sizeof taken, "donor center '%s' or its facility number is taken", code);
    rc = record_inserted(ctx, stmt, "center", code, taken, center_fetch, &center, e);
done:
    return service_finish_record(ctx, rc, NULL, center, out, e);
}

static const service_sort_key center_sort_keys[] = {
    {"code", "c.code"},
    {"name", "c.name"},
    {"market", "m.code"},
    {"fin", "COALESCE(c.fin, '')"},
    {"open_date", "c.open_date"},
    {"close_date", "COALESCE(c.close_date, '9999-12-31')"},
    {"time_zone", "c.time_zone"}};
static const service_sort center_sort = SERVICE_SORT(center_sort_keys, "c.code", "c.code");

int center_list(service_context *ctx, center_filter *filter, json_t **out, err *e)
{
    if (service_page_check(&filter->page, e))
        return -1;
    char market[REGISTRY_CODE_MAX + 8] = "", now[TIMESTAMP_TEXT_MAX], pattern[256] = "";
    if (filter->market && registry_code_take(filter->market, market, "market", e))
        return -1;
    if (filter->status && strcmp(filter->status, "open") && strcmp(filter->status, "closed"))
        return err_set(e, ERR_INVALID, "status", "must be open or closed");
    if (service_like_pattern(filter->search, pattern, sizeof pattern, "q", e))
        return -1;
    timestamp_format(timestamp_now(), now, sizeof now);
    db_stmt *stmt;
    /* Closed once the close date has come in the center's zone. */
    if (service_list_prepare(ctx->db,
                   "SELECT " CENTER_COLUMNS "%s" CENTER_FROM
                   "WHERE c.code > ?1 AND (?2 = '' OR m.code = ?2) "
                   "AND (?3 = '' OR (?3 = 'closed') = "
                   "(c.close_date IS NOT NULL AND c.close_date <= local_date(c.time_zone, ?4))) "
                   "AND (?5 = '' OR UPPER(c.code) LIKE UPPER(?5) ESCAPE '\\' "
                   "OR UPPER(c.name) LIKE UPPER(?5) ESCAPE '\\') "
                   "ORDER BY %s LIMIT ?6 OFFSET ?7",
                   &filter->page, &center_sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, filter->page.after ? filter->page.after : "");
    db_bind_text(stmt, 2, market);
    db_bind_text(stmt, 3, filter->status ? filter->status : "");
    db_bind_text(stmt, 4, now);
    db_bind_text(stmt, 5, pattern);
    db_bind_int64(stmt, 6, filter->page.limit);
    db_bind_int64(stmt, 7, filter->page.offset);
    return service_collect_page(stmt, center_json, &filter->page, "code", out, e);
}

int center_get(service_context *ctx, const char *code, json_t **out, err *e)
{
    return record_get(ctx, code, center_fetch, out, e);
}

int center_close(service_context *ctx, const char *code, const char *close_date,
                 const char *reason, json_t **out, err *e)
{
    char normal[REGISTRY_CODE_MAX + 8];
    civil_day close_day, open_day;
    if (registry_code_take(code, normal, "code", e))
        return -1;
    if (!close_date || !*close_date)
        return err_set(e, ERR_INVALID, "close_date", "is required");
    if (date_parse(close_date, &close_day, "close_date", e))
        return -1;
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "a reason is required to close a center");
    if (registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    if (center_fetch(ctx->db, normal, &before, e))
        goto done;
    if (!json_is_null(json_object_get(before, "close_date"))) {
        err_set(e, ERR_CONFLICT, "code", "donor center %s is already closed (on %s)", normal,
                json_string_value(json_object_get(before, "close_date")));
        goto done;
    }
    if (date_parse(json_string_value(json_object_get(before, "open_date")), &open_day, "open_date",
                   e) ||
        registry_close_date_check(open_day, close_day, "close_date", e))
        goto done;
    /* Only an open center closes, and only with the open date checked
     * above: a concurrent close or correction changes no row here. */
    if (db_prepare(ctx->db,
                   "UPDATE centers SET close_date = ?, close_reason = ? "
                   "WHERE code = ? AND close_date IS NULL AND open_date = ?",
                   &stmt, e))
        goto done;
    char close_text[DATE_TEXT_MAX];
    db_bind_text(stmt, 1, date_format(close_day, close_text, sizeof close_text));
    db_bind_text(stmt, 2, reason);
    db_bind_text(stmt, 3, normal);
    db_bind_text(stmt, 4, field_text(before, "open_date"));
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) != 1) {
        err_set(e, ERR_CONFLICT, "code", "donor center %s was closed or changed meanwhile",
                normal);
        goto done;
    }
    if (center_fetch(ctx->db, normal, &after, e))
        goto done;
    rc = audit_append(ctx, "center", normal, "close", before, after, reason, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* The facility number is not another center's (checked before the update,
 * for the same reason as center_keys_free). */
static int center_fin_free(db_conn *db, const char *code, const char *fin, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT code FROM centers WHERE fin = ? AND code <> ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, fin);
    db_bind_text(stmt, 2, code);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        err_set(e, ERR_CONFLICT, "fin", "facility identification number %s belongs to center %s",
                fin, db_column_text(stmt, 0));
    db_reset(stmt);
    return step == DB_DONE ? 0 : -1;
}

/* A closed center can still be corrected (a misspelt name, a wrong facility
 * number, an open date entered wrongly): the books keep referring to it by
 * its code, and the audit record keeps what it was before. Its close date
 * and reason are not edited here. */
int center_update(service_context *ctx, const char *code, const center_input *in, json_t **out,
                  err *e)
{
    char normal[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8] = "", fin[8] = "";
    char open_text[DATE_TEXT_MAX] = "";
    civil_day open_day = 0, close_day;
    if (registry_code_take(code, normal, "code", e) || code_kept(in->code, normal, e) ||
        (in->name && registry_name_check(in->name, "name", e)) ||
        (in->market && registry_code_take(in->market, market, "market", e)) ||
        fin_take(in->fin, fin, e) ||
        registry_text_check(in->address, REGISTRY_ADDRESS_MAX, "address", e) ||
        (in->open_date && date_parse(in->open_date, &open_day, "open_date", e)) ||
        (in->time_zone && time_zone_check(in->time_zone, "time_zone", e)))
        return -1;
    if (in->open_date)
        date_format(open_day, open_text, sizeof open_text);

    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t market_id = 0;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    if (center_fetch(ctx->db, normal, &before, e))
        goto done;
    /* The record as it will be: what is given, else what it was. */
    const char *old_fin = field_text(before, "fin") ? field_text(before, "fin") : "";
    const char *old_close = field_text(before, "close_date");
    const char *new_name = in->name ? in->name : field_text(before, "name");
    const char *new_market = in->market ? market : field_text(before, "market");
    const char *new_fin = in->fin ? fin : old_fin;
    const char *new_address = in->address ? in->address : field_text(before, "address");
    const char *new_open = in->open_date ? open_text : field_text(before, "open_date");
    const char *new_zone = in->time_zone ? in->time_zone : field_text(before, "time_zone");
    if (registry_market_id(ctx->db, new_market, &market_id, "market", e))
        goto done;
    if (*new_fin && strcmp(new_fin, old_fin) != 0 && center_fin_free(ctx->db, normal, new_fin, e))
        goto done;
    if (old_close && in->open_date) {
        if (date_parse(old_close, &close_day, "close_date", e))
            goto done;
        if (registry_close_date_check(open_day, close_day, "open_date", NULL)) {
            err_set(e, ERR_INVALID, "open_date", "must not be after the close date %s", old_close);
            goto done;
        }
    }
    if (!strcmp(new_name, field_text(before, "name")) &&
        !strcmp(new_market, field_text(before, "market")) && !strcmp(new_fin, old_fin) &&
        !strcmp(new_address, field_text(before, "address")) &&
        !strcmp(new_open, field_text(before, "open_date")) &&
        !strcmp(new_zone, field_text(before, "time_zone"))) {
        after = json_incref(before); /* nothing changes: nothing written */
        rc = 0;
        goto done;
    }
    /* Only the center as read changes: if a concurrent request changed or
     * closed it, no row matches and the caller reads it again. */
    if (db_prepare(ctx->db,
                   "UPDATE centers SET name = ?, market_id = ?, fin = ?, address = ?, "
                   "open_date = ?, time_zone = ? WHERE code = ? AND name = ? "
                   "AND market_id = (SELECT id FROM markets WHERE code = ?) "
                   "AND COALESCE(fin, '') = ? AND address = ? AND open_date = ? "
                   "AND COALESCE(close_date, '') = ? AND time_zone = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, new_name);
    db_bind_int64(stmt, 2, market_id);
    db_bind_text(stmt, 3, *new_fin ? new_fin : NULL);
    db_bind_text(stmt, 4, new_address);
    db_bind_text(stmt, 5, new_open);
    db_bind_text(stmt, 6, new_zone);
    db_bind_text(stmt, 7, normal);
    db_bind_text(stmt, 8, field_text(before, "name"));
    db_bind_text(stmt, 9, field_text(before, "market"));
    db_bind_text(stmt, 10, old_fin);
    db_bind_text(stmt, 11, field_text(before, "address"));
    db_bind_text(stmt, 12, field_text(before, "open_date"));
    db_bind_text(stmt, 13, old_close ? old_close : "");
    db_bind_text(stmt, 14, field_text(before, "time_zone"));
    if (db_exec_stmt(stmt, e)) {
        /* Taken by a concurrent request between the check and the update. */
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "fin", "facility identification number %s was taken meanwhile",
                    new_fin);
        goto done;
    }
    rc = update_applied(ctx, "center", "donor center", normal, center_fetch, before, &after, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- hospitals ------------------------------------------------------------ */

#define HOSPITAL_COLUMNS \
    "h.code, h.name, m.code, h.address, h.billing_terms_days, h.created_at"
#define HOSPITAL_FROM " FROM hospitals h LEFT JOIN markets m ON m.id = h.market_id "

static json_t *hospital_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:I, s:s}", "code", db_column_text(stmt, 0), "name",
                     db_column_text(stmt, 1), "market", service_json_text(column_or_null(stmt, 2)),
                     "address", db_column_text(stmt, 3), "billing_terms_days",
                     (json_int_t)db_column_int64(stmt, 4), "created_at", db_column_text(stmt, 5));
}

static int hospital_fetch(db_conn *db, const char *code, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " HOSPITAL_COLUMNS HOSPITAL_FROM "WHERE h.code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    return service_fetch_one(stmt, hospital_json, out, "code", e, "no hospital '%s'", code);
}

int hospital_add(service_context *ctx, const hospital_input *in, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8] = "", now[TIMESTAMP_TEXT_MAX];
    long terms = 30;
    if (registry_code_take(in->code, code, "code", e) || registry_name_check(in->name, "name", e) ||
        (in->market && *in->market && registry_code_take(in->market, market, "market", e)) ||
        registry_text_check(in->address, REGISTRY_ADDRESS_MAX, "address", e))
        return -1;
    if (in->billing_terms_days && terms_take(in->billing_terms_days, &terms, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t market_id = 0;
    json_t *hospital = NULL;
    db_stmt *stmt;
    if (*market && registry_market_id(ctx->db, market, &market_id, "market", e))
        goto done;
    if (db_prepare(ctx->db,
                   "INSERT INTO hospitals (code, name, market_id, address, billing_terms_days, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_bind_text(stmt, 2, in->name);
    if (market_id)
        db_bind_int64(stmt, 3, market_id);
    else
        db_bind_null(stmt, 3);
    db_bind_text(stmt, 4, in->address ? in->address : "");
    db_bind_int64(stmt, 5, terms);
    db_bind_text(stmt, 6, timestamp_format(timestamp_now(), now, sizeof now));
    char taken[64];
    snprintf(taken, sizeof taken, "hospital '%s' already exists", code);
    rc = record_inserted(ctx, stmt, "hospital", code, taken, hospital_fetch, &hospital, e);
done:
    return service_finish_record(ctx, rc, NULL, hospital, out, e);
}

static const service_sort_key hospital_sort_keys[] = {
    {"code", "h.code"},
    {"name", "h.name"},
    {"market", "COALESCE(m.code, '')"},
    {"billing_terms_days", "h.billing_terms_days"}};
static const service_sort hospital_sort = SERVICE_SORT(hospital_sort_keys, "h.code", "h.code");

int hospital_list(service_context *ctx, hospital_filter *filter, json_t **out, err *e)
{
    if (service_page_check(&filter->page, e))
        return -1;
    char market[REGISTRY_CODE_MAX + 8] = "", pattern[256] = "";
    if (filter->market && registry_code_take(filter->market, market, "market", e))
        return -1;
    if (service_like_pattern(filter->search, pattern, sizeof pattern, "q", e))
        return -1;
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                   "SELECT " HOSPITAL_COLUMNS "%s" HOSPITAL_FROM
                   "WHERE h.code > ?1 AND (?2 = '' OR m.code = ?2) "
                   "AND (?3 = '' OR UPPER(h.code) LIKE UPPER(?3) ESCAPE '\\' "
                   "OR UPPER(h.name) LIKE UPPER(?3) ESCAPE '\\') "
                   "ORDER BY %s LIMIT ?4 OFFSET ?5",
                   &filter->page, &hospital_sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, filter->page.after ? filter->page.after : "");
    db_bind_text(stmt, 2, market);
    db_bind_text(stmt, 3, pattern);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, hospital_json, &filter->page, "code", out, e);
}

int hospital_get(service_context *ctx, const char *code, json_t **out, err *e)
{
    return record_get(ctx, code, hospital_fetch, out, e);
}

int hospital_update(service_context *ctx, const char *code, const hospital_input *in,
                    json_t **out, err *e)
{
    char normal[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8] = "";
    long terms = 0;
    if (registry_code_take(code, normal, "code", e) || code_kept(in->code, normal, e) ||
        (in->name && registry_name_check(in->name, "name", e)) ||
        (in->market && *in->market && registry_code_take(in->market, market, "market", e)) ||
        registry_text_check(in->address, REGISTRY_ADDRESS_MAX, "address", e) ||
        (in->billing_terms_days && terms_take(in->billing_terms_days, &terms, e)))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t market_id = 0;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    if (hospital_fetch(ctx->db, normal, &before, e))
        goto done;
    /* The record as it will be: what is given, else what it was ("" for
     * no market). */
    const char *old_market = field_text(before, "market") ? field_text(before, "market") : "";
    long old_terms = (long)json_integer_value(json_object_get(before, "billing_terms_days"));
    const char *new_name = in->name ? in->name : field_text(before, "name");
    const char *new_market = in->market ? market : old_market;
    const char *new_address = in->address ? in->address : field_text(before, "address");
    long new_terms = in->billing_terms_days ? terms : old_terms;
    if (*new_market && registry_market_id(ctx->db, new_market, &market_id, "market", e))
        goto done;
    if (!strcmp(new_name, field_text(before, "name")) && !strcmp(new_market, old_market) &&
        !strcmp(new_address, field_text(before, "address")) && new_terms == old_terms) {
        after = json_incref(before); /* nothing changes: nothing written */
        rc = 0;
        goto done;
    }
    /* Only the hospital as read changes: a concurrent edit changes no row. */
    if (db_prepare(ctx->db,
                   "UPDATE hospitals SET name = ?, market_id = ?, address = ?, "
                   "billing_terms_days = ? WHERE code = ? AND name = ? "
                   "AND COALESCE(market_id, 0) = COALESCE((SELECT id FROM markets WHERE code = ?), 0) "
                   "AND address = ? AND billing_terms_days = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, new_name);
    if (market_id)
        db_bind_int64(stmt, 2, market_id);
    else
        db_bind_null(stmt, 2);
    db_bind_text(stmt, 3, new_address);
    db_bind_int64(stmt, 4, new_terms);
    db_bind_text(stmt, 5, normal);
    db_bind_text(stmt, 6, field_text(before, "name"));
    db_bind_text(stmt, 7, old_market);
    db_bind_text(stmt, 8, field_text(before, "address"));
    db_bind_int64(stmt, 9, old_terms);
    if (db_exec_stmt(stmt, e))
        goto done;
    rc = update_applied(ctx, "hospital", "hospital", normal, hospital_fetch, before, &after, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}
