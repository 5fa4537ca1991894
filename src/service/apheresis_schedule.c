/*
 * apheresis_schedule.c - apheresis devices, bookings of a nurse and a
 * device, and the schedule board (see apheresis_schedule.h;
 * docs/apheresis.md, "The schedule"). The one writer of
 * apheresis_devices, apheresis_bookings and apheresis_schedule_locks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "domain/apheresis.h"
#include "domain/registry.h"
#include "service/apheresis_schedule.h"
#include "service/audit.h"
#include "service/registry.h"

enum { SERIAL_MAX = 40, REASON_MAX = 500, BOARD_MAX = 500, HHMM_MAX = 8 };

/* The lists' market scope: placeholders ?6 and ?7. */
#define MARKET_SCOPE(column) SERVICE_MARKET_SCOPE(column, "?6", "?7")

static int audit_record(service_context *ctx, const char *entity, int64_t id, const char *action,
                        json_t *before, json_t *after, const char *reason, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, entity, key, action, before, after, reason, e);
}

/* A one-line text without surrounding spaces (a serial number). */
static int one_line_check(const char *text, size_t max, const char *field, err *e)
{
    if (registry_required_text_check(text, max, field, e))
        return -1;
    for (const char *p = text; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            return err_set(e, ERR_INVALID, field, "must be one line");
    if (text[0] == ' ' || text[strlen(text) - 1] == ' ')
        return err_set(e, ERR_INVALID, field, "must not begin or end with a space");
    return 0;
}

/* 0 when the actor may work in market `market_id` (not limited, or one of
 * theirs); ERR_FORBIDDEN naming `field` otherwise. */
static int market_allowed(service_context *ctx, int64_t market_id, const char *code,
                          const char *field, err *e)
{
    if (!service_limited_to_markets(ctx))
        return 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM user_markets WHERE user_id = ? AND market_id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, ctx->actor.user_id);
    db_bind_int64(stmt, 2, market_id);
    int found = service_row_exists(stmt, e);
    if (found < 0)
        return -1;
    return found ? 0 : err_set(e, ERR_FORBIDDEN, field, "market %s is not one of yours", code);
}

/* --- instants ---------------------------------------------------------------------- */

static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

#define INSTANT_FORM                                                                               \
    "an ISO 8601 date and time with Z or an offset (2026-12-08T08:00:00Z, "                        \
    "2026-12-08T08:00-08:00)"
#define INSTANT_SYNTAX "must be " INSTANT_FORM

/* An ISO 8601 instant: YYYY-MM-DDTHH:MM[:SS[.fff]] then Z or +HH:MM, -HH:MM,
 * +HHMM; seconds since the epoch into *out. */
static int instant_take(const char *text, int64_t *out, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (" INSTANT_FORM ")");
    size_t n = strlen(text);
    if (n < 17 || n > 40 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
        text[13] != ':')
        return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
    char utc[TIMESTAMP_TEXT_MAX];
    const char *p = text + 16;
    int second = 0;
    if (*p == ':') {
        second = digits(p + 1, 2);
        if (second < 0)
            return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
        p += 3;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, hours = digits(p + 1, 2), minutes;
        if (p[3] == ':' && strlen(p) == 6)
            minutes = digits(p + 4, 2);
        else if (strlen(p) == 5)
            minutes = digits(p + 3, 2);
        else
            return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
        if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59)
            return err_set(e, ERR_INVALID, field, "has an offset out of range");
        offset = sign * (hours * 3600 + minutes * 60);
    } else {
        return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
    }
    /* second is two digits (0-99, timestamp_parse refuses past 59) */
    snprintf(utc, sizeof utc, "%.10sT%.5s:%02uZ", text, text + 11, (unsigned)second % 100u);
    if (timestamp_parse(utc, out, field, e))
        return err_set(e, ERR_INVALID, field, INSTANT_SYNTAX);
    *out -= offset;
    return 0;
}

/* "08:00": the clock time in `zone` of `utc`. */
static void clock_text(const char *zone, int64_t utc, char out[HHMM_MAX])
{
    local_time t;
    if (local_time_of(zone, utc, &t, NULL))
        snprintf(out, HHMM_MAX, "?");
    else
        snprintf(out, HHMM_MAX, "%02d:%02d", t.hour, t.minute);
}

static int64_t instant_of(const char *text)
{
    int64_t t = 0;
    timestamp_parse(text, &t, "at", NULL);
    return t;
}

/* --- devices ----------------------------------------------------------------------- */

#define DEVICE_COLUMNS                                                                             \
    "d.id, d.serial, d.model, m.code, d.active, d.created_at, d.created_by, d.deactivated_at, "   \
    "d.deactivated_by"
#define DEVICE_FROM " FROM apheresis_devices d JOIN markets m ON m.id = d.market_id"

static json_t *device_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:o}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "serial", db_column_text(stmt, 1),
                     "model", db_column_text(stmt, 2), "market", db_column_text(stmt, 3),
                     "active", (int)db_column_int64(stmt, 4), "created_at",
                     db_column_text(stmt, 5), "created_by", db_column_text(stmt, 6),
                     "deactivated_at", service_json_text(db_column_text(stmt, 7)),
                     "deactivated_by", service_json_text(db_column_text(stmt, 8)));
}

static int device_fetch(service_context *ctx, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT " DEVICE_COLUMNS DEVICE_FROM " WHERE d.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, device_json, out, "device", e, "no device %" PRId64, id);
}

int apheresis_device_add(service_context *ctx, const char *serial, const char *model,
                         const char *market, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8];
    if (one_line_check(serial, SERIAL_MAX, "serial", e) ||
        registry_name_check(model, "model", e) ||
        registry_code_take(market, code, "market", e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t market_id, id = 0;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (registry_market_id(ctx->db, code, &market_id, "market", e) ||
        market_allowed(ctx, market_id, code, "market", e) ||
        db_prepare(ctx->db, "SELECT 1 FROM apheresis_devices WHERE serial = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, serial);
    int taken = service_row_exists(stmt, e);
    if (taken) {
        if (taken > 0)
            err_set(e, ERR_CONFLICT, "serial", "a device with the serial number %s is registered already",
                    serial);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO apheresis_devices (serial, model, market_id, created_at, "
                   "created_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, serial);
    db_bind_text(stmt, 2, model);
    db_bind_int64(stmt, 3, market_id);
    db_bind_text(stmt, 4, service_now_text(now));
    db_bind_text(stmt, 5, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || device_fetch(ctx, id, &record, e) ||
                 audit_record(ctx, "apheresis_device", id, "create", NULL, record, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

/* The device with serial `serial` (within the actor's markets when
 * `scoped`): its id, market and whether it is active, or ERR_NOT_FOUND /
 * ERR_INVALID (`code`) naming `field`. */
static int device_find(service_context *ctx, const char *serial, int scoped, const char *field,
                       err_code code, int64_t *id, int64_t *market_id, int *active, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT d.id, d.market_id, d.active FROM apheresis_devices d WHERE d.serial = ?1 "
                   "AND " SERVICE_MARKET_SCOPE("d.market_id", "?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, serial);
    db_bind_int64(stmt, 2, scoped ? service_limited_to_markets(ctx) : 0);
    db_bind_int64(stmt, 3, ctx->actor.user_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *id = db_column_int64(stmt, 0);
        *market_id = db_column_int64(stmt, 1);
        *active = (int)db_column_int64(stmt, 2);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, code, field, "no apheresis device with the serial number %s", serial);
    return step == DB_ROW ? 0 : -1;
}

int apheresis_device_deactivate(service_context *ctx, const char *serial, json_t **out, err *e)
{
    if (one_line_check(serial, SERIAL_MAX, "device", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    int64_t id, market_id;
    int active;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (device_find(ctx, serial, 1, "device", ERR_NOT_FOUND, &id, &market_id, &active, e) ||
        device_fetch(ctx, id, &before, e))
        goto done;
    if (!active) {
        err_set(e, ERR_CONFLICT, "device", "device %s is inactive already", serial);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_devices SET active = 0, deactivated_at = ?, "
                   "deactivated_by = ? WHERE id = ? AND active = 1",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_text(stmt, 2, ctx->actor.username);
    db_bind_int64(stmt, 3, id);
    rc = db_exec_stmt(stmt, e) || device_fetch(ctx, id, &after, e) ||
                 audit_record(ctx, "apheresis_device", id, "deactivate", before, after, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

static const service_sort_key device_sort_keys[] = {
    {"id", "d.id"}, {"serial", "d.serial"}, {"model", "d.model"}, {"market", "m.code"}};

/* The lists bind their filters at ?1 and ?2, the cursor, limit and offset
 * at ?3 to ?5 and the market scope at ?6 and ?7. */
static int list_page(service_context *ctx, db_stmt *stmt, const service_page *page,
                     int64_t after, json_t *(*build)(db_stmt *), json_t **out, err *e)
{
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, page->limit);
    db_bind_int64(stmt, 5, page->offset);
    service_bind_market_scope(stmt, 6, 7, ctx);
    return service_collect_page(stmt, build, page, "id", out, e);
}

int apheresis_device_list(service_context *ctx, apheresis_device_filter *filter, json_t **out,
                          err *e)
{
    char market[REGISTRY_CODE_MAX + 8] = "";
    int64_t after = 0, active = -1;
    const char *a = filter->active && *filter->active ? filter->active : NULL;
    if (a && strcmp(a, "true") && strcmp(a, "false"))
        return err_set(e, ERR_INVALID, "active", "must be true or false");
    if (a)
        active = strcmp(a, "true") == 0;
    if ((filter->market && *filter->market &&
         registry_code_take(filter->market, market, "market", e)) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(device_sort_keys, "d.id", "d.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " DEVICE_COLUMNS "%s" DEVICE_FROM
                             " WHERE (?1 = '' OR m.code = ?1) AND (?2 < 0 OR d.active = ?2) "
                             "AND d.id > ?3 AND " MARKET_SCOPE("d.market_id")
                             " ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, market);
    db_bind_int64(stmt, 2, active);
    return list_page(ctx, stmt, &filter->page, after, device_json, out, e);
}

/* --- bookings: reading ------------------------------------------------------------- */

/* The last column says whether the actor may read the patient (the
 * market scope at the placeholders `limited` and `user`): their name is
 * withheld otherwise. */
#define BOOKING_COLUMNS_SCOPED(limited, user)                                                      \
    "b.id, b.order_id, o.procedure_type, p.id, p.family_name, p.given_name, h.code, h.name, "     \
    "m.code, m.time_zone, u.username, u.full_name, d.serial, d.model, b.starts_at, b.ends_at, "   \
    "b.status, b.status_reason, b.created_at, b.created_by, b.cancelled_at, b.cancelled_by, "     \
    "CASE WHEN " SERVICE_MARKET_SCOPE("b.market_id", limited, user) " THEN 1 ELSE 0 END"
#define BOOKING_COLUMNS BOOKING_COLUMNS_SCOPED("?6", "?7")
#define BOOKING_FROM                                                                               \
    " FROM apheresis_bookings b JOIN apheresis_orders o ON o.id = b.order_id "                    \
    "JOIN apheresis_patients p ON p.id = o.patient_id JOIN hospitals h ON h.id = b.hospital_id " \
    "JOIN markets m ON m.id = b.market_id JOIN users u ON u.id = b.nurse_id "                     \
    "JOIN apheresis_devices d ON d.id = b.device_id"

static json_t *booking_json(db_stmt *stmt)
{
    const char *zone = db_column_text(stmt, 9);
    int64_t start = instant_of(db_column_text(stmt, 14)), end = instant_of(db_column_text(stmt, 15));
    char start_local[LOCAL_TIME_TEXT_MAX], end_local[LOCAL_TIME_TEXT_MAX];
    char name[256];
    int visible = (int)db_column_int64(stmt, 22);
    apheresis_procedure procedure;
    const char *label = db_column_text(stmt, 2);
    if (apheresis_procedure_parse(label, "procedure_type", &procedure, NULL) == 0)
        label = apheresis_procedure_label(procedure);
    snprintf(name, sizeof name, "%s, %s", db_column_text(stmt, 4), db_column_text(stmt, 5));
    json_t *b = json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
        "s:s, s:s}",
        "id", (json_int_t)db_column_int64(stmt, 0), "order", (json_int_t)db_column_int64(stmt, 1),
        "procedure_type", db_column_text(stmt, 2), "procedure_label", label, "patient",
        visible ? json_integer(db_column_int64(stmt, 3)) : json_null(), "patient_name",
        visible ? json_string(name) : json_null(), "hospital", db_column_text(stmt, 6),
        "hospital_name", db_column_text(stmt, 7), "market", db_column_text(stmt, 8), "time_zone",
        zone, "nurse", db_column_text(stmt, 10), "nurse_name", db_column_text(stmt, 11), "device",
        db_column_text(stmt, 12), "device_model", db_column_text(stmt, 13), "starts_at",
        db_column_text(stmt, 14), "ends_at", db_column_text(stmt, 15), "start_local",
        local_time_format(zone, start, start_local, sizeof start_local), "end_local",
        local_time_format(zone, end, end_local, sizeof end_local), "status",
        db_column_text(stmt, 16));
    json_object_set_new(b, "status_reason", service_json_text(db_column_text(stmt, 17)));
    json_object_set_new(b, "created_at", json_string(db_column_text(stmt, 18)));
    json_object_set_new(b, "created_by", json_string(db_column_text(stmt, 19)));
    json_object_set_new(b, "cancelled_at", service_json_text(db_column_text(stmt, 20)));
    json_object_set_new(b, "cancelled_by", service_json_text(db_column_text(stmt, 21)));
    return b;
}

/* Booking `id` within the actor's markets, else ERR_NOT_FOUND naming
 * "booking". */
static int booking_fetch(service_context *ctx, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " BOOKING_COLUMNS_SCOPED("?2", "?3") BOOKING_FROM
                   " WHERE b.id = ?1 AND " SERVICE_MARKET_SCOPE("b.market_id", "?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    return service_fetch_one(stmt, booking_json, out, "booking", e, "no booking %" PRId64, id);
}

int apheresis_booking_get(service_context *ctx, const char *booking, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(booking, &id, "booking", e))
        return -1;
    return booking_fetch(ctx, id, out, e);
}

static const service_sort_key booking_sort_keys[] = {
    {"id", "b.id"}, {"starts_at", "b.starts_at"}, {"status", "b.status"}};

int apheresis_booking_list(service_context *ctx, apheresis_booking_filter *filter, json_t **out,
                           err *e)
{
    const char *status = filter->status ? filter->status : "";
    int64_t order = 0, after = 0;
    if (*status && strcmp(status, "booked") && strcmp(status, "cancelled") &&
        strcmp(status, "done"))
        return err_set(e, ERR_INVALID, "status", "must be booked, cancelled or done");
    if ((filter->order && *filter->order && service_id_take(filter->order, &order, "order", e)) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(booking_sort_keys, "b.id", "b.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " BOOKING_COLUMNS "%s" BOOKING_FROM
                             " WHERE (?1 = 0 OR b.order_id = ?1) AND (?2 = '' OR b.status = ?2) "
                             "AND b.id > ?3 AND " MARKET_SCOPE("b.market_id")
                             " ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order);
    db_bind_text(stmt, 2, status);
    return list_page(ctx, stmt, &filter->page, after, booking_json, out, e);
}

/* --- bookings: writing ------------------------------------------------------------- */

/* What a booking needs to know of its order. */
typedef struct {
    int64_t hospital_id, market_id;
    long procedures;
    char status[16], market[REGISTRY_CODE_MAX + 8], zone[TIME_ZONE_NAME_MAX];
} order_facts;

/* Order `id` of a patient within the actor's markets, else ERR_NOT_FOUND
 * naming "order"; a hospital without a market has no schedule. */
static int order_facts_get(service_context *ctx, int64_t id, order_facts *f, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT o.status, o.procedures, h.id, COALESCE(h.market_id, 0), "
                   "COALESCE(m.code, ''), COALESCE(m.time_zone, '') FROM apheresis_orders o "
                   "JOIN apheresis_patients p ON p.id = o.patient_id "
                   "JOIN hospitals h ON h.id = p.hospital_id "
                   "LEFT JOIN markets m ON m.id = h.market_id WHERE o.id = ?1 AND "
                   SERVICE_MARKET_SCOPE("h.market_id", "?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        snprintf(f->status, sizeof f->status, "%s", db_column_text(stmt, 0));
        f->procedures = (long)db_column_int64(stmt, 1);
        f->hospital_id = db_column_int64(stmt, 2);
        f->market_id = db_column_int64(stmt, 3);
        snprintf(f->market, sizeof f->market, "%s", db_column_text(stmt, 4));
        snprintf(f->zone, sizeof f->zone, "%s", db_column_text(stmt, 5));
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "order", "no apheresis order %" PRId64, id);
    if (step != DB_ROW)
        return -1;
    if (!f->market_id)
        return err_set(e, ERR_INVALID, "order",
                       "the patient's hospital has no market: it has no schedule");
    return 0;
}

/* The nurse `username`: a user holding apheresis_nurse, not disabled,
 * whose markets include `market_id`; ERR_INVALID naming "nurse" otherwise. */
static int nurse_find(service_context *ctx, const char *username, int64_t market_id,
                      const char *market, int64_t *id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT u.id, u.disabled, (SELECT COUNT(*) FROM user_roles r WHERE "
                   "r.user_id = u.id AND r.role = 'apheresis_nurse'), (SELECT COUNT(*) FROM "
                   "user_markets um WHERE um.user_id = u.id AND um.market_id = ?2) FROM users u "
                   "WHERE u.username = ?1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, username);
    db_bind_int64(stmt, 2, market_id);
    db_step_result step = db_step(stmt, e);
    int64_t disabled = 0, nurse = 0, in_market = 0;
    if (step == DB_ROW) {
        *id = db_column_int64(stmt, 0);
        disabled = db_column_int64(stmt, 1);
        nurse = db_column_int64(stmt, 2);
        in_market = db_column_int64(stmt, 3);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_DONE)
        return err_set(e, ERR_INVALID, "nurse", "no user %s", username);
    if (disabled)
        return err_set(e, ERR_INVALID, "nurse", "user %s is disabled", username);
    if (!nurse)
        return err_set(e, ERR_INVALID, "nurse", "user %s is not an apheresis nurse", username);
    if (!in_market)
        return err_set(e, ERR_INVALID, "nurse", "%s is not a nurse of market %s", username,
                       market);
    return 0;
}

/* Hold the lock row of (kind, id) until the transaction ends: make it
 * when missing, then update it (the update is the lock). */
static int schedule_lock(db_conn *db, const char *kind, int64_t id, err *e)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        db_stmt *stmt;
        if (db_prepare(db,
                       "UPDATE apheresis_schedule_locks SET bookings = bookings + 1 "
                       "WHERE kind = ? AND resource_id = ?",
                       &stmt, e))
            return -1;
        db_bind_text(stmt, 1, kind);
        db_bind_int64(stmt, 2, id);
        if (db_exec_stmt(stmt, e))
            return -1;
        if (db_changes(db) > 0)
            return 0;
        if (db_prepare(db,
                       "INSERT INTO apheresis_schedule_locks (kind, resource_id) VALUES (?, ?) "
                       "ON CONFLICT (kind, resource_id) DO NOTHING",
                       &stmt, e))
            return -1;
        db_bind_text(stmt, 1, kind);
        db_bind_int64(stmt, 2, id);
        if (db_exec_stmt(stmt, e))
            return -1;
    }
    return err_set(e, ERR_BUSY, "", "the schedule's lock row of %s %" PRId64 " is missing", kind,
                   id);
}

/* ERR_CONFLICT naming `field` when `column` (nurse_id, device_id) `id` has
 * a booked or done booking overlapping [start, end). */
static int overlap_check(service_context *ctx, const char *column, int64_t id, const char *start,
                         const char *end, const char *field, const char *who, const char *zone,
                         err *e)
{
    char sql[512];
    db_stmt *stmt;
    snprintf(sql, sizeof sql,
             "SELECT id, starts_at, ends_at FROM apheresis_bookings WHERE %s = ? AND status <> "
             "'cancelled' AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 1",
             column);
    if (db_prepare(ctx->db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, end);
    db_bind_text(stmt, 3, start);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        char from[LOCAL_TIME_TEXT_MAX], to[LOCAL_TIME_TEXT_MAX];
        local_time_format(zone, instant_of(db_column_text(stmt, 1)), from, sizeof from);
        local_time_format(zone, instant_of(db_column_text(stmt, 2)), to, sizeof to);
        err_set(e, ERR_CONFLICT, field,
                "%s %s is booked at that time: booking %" PRId64 ", %s to %s (%s to %s)", field,
                who, db_column_int64(stmt, 0), from, to, db_column_text(stmt, 1),
                db_column_text(stmt, 2));
    }
    db_reset(stmt);
    return step == DB_DONE ? 0 : -1;
}

/* The booking's times checked against now: end after start, at most
 * APHERESIS_BOOKING_MAX_SECONDS, start not before the grace nor too far
 * ahead. */
static int times_take(const apheresis_booking_input *in, char start[TIMESTAMP_TEXT_MAX],
                      char end[TIMESTAMP_TEXT_MAX], err *e)
{
    int64_t s, t, now = timestamp_now();
    if (instant_take(in->start, &s, "start", e) || instant_take(in->end, &t, "end", e))
        return -1;
    if (t <= s)
        return err_set(e, ERR_INVALID, "end", "must be after the start");
    if (t - s > APHERESIS_BOOKING_MAX_SECONDS)
        return err_set(e, ERR_INVALID, "end", "a procedure is booked for at most %d hours",
                       APHERESIS_BOOKING_MAX_SECONDS / 3600);
    if (s < now - APHERESIS_BOOKING_GRACE_SECONDS)
        return err_set(e, ERR_INVALID, "start", "is in the past (more than %d minutes ago)",
                       APHERESIS_BOOKING_GRACE_SECONDS / 60);
    if (s > now + (int64_t)APHERESIS_BOOKING_AHEAD_DAYS * 86400)
        return err_set(e, ERR_INVALID, "start", "is more than %d days ahead",
                       APHERESIS_BOOKING_AHEAD_DAYS);
    timestamp_format(s, start, TIMESTAMP_TEXT_MAX);
    timestamp_format(t, end, TIMESTAMP_TEXT_MAX);
    return 0;
}

int apheresis_booking_create(service_context *ctx, const apheresis_booking_input *in,
                             json_t **out, err *e)
{
    int64_t order_id, nurse_id = 0, device_id = 0, device_market = 0;
    char start[TIMESTAMP_TEXT_MAX], end[TIMESTAMP_TEXT_MAX];
    if (service_id_take(in->order, &order_id, "order", e) ||
        registry_required_text_check(in->nurse, 64, "nurse", e) ||
        registry_required_text_check(in->device, SERIAL_MAX, "device", e) ||
        times_take(in, start, end, e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    order_facts f;
    int active = 0;
    char now[TIMESTAMP_TEXT_MAX];
    int64_t id = 0, booked = 0;
    db_stmt *stmt;
    int rc = -1;
    if (order_facts_get(ctx, order_id, &f, e))
        goto done;
    if (strcmp(f.status, "active") != 0) {
        err_set(e, ERR_CONFLICT, "order", "order %" PRId64 " is %s: it is not booked", order_id,
                f.status);
        goto done;
    }
    if (nurse_find(ctx, in->nurse, f.market_id, f.market, &nurse_id, e))
        goto done;
    /* The device is looked for among every market's: one of another
     * market is refused as such, not as unknown. */
    if (device_find(ctx, in->device, 0, "device", ERR_INVALID, &device_id, &device_market,
                    &active, e))
        goto done;
    if (!active) {
        err_set(e, ERR_INVALID, "device", "device %s is inactive", in->device);
        goto done;
    }
    if (device_market != f.market_id) {
        err_set(e, ERR_INVALID, "device", "device %s is not one of market %s", in->device,
                f.market);
        goto done;
    }
    /* Serialise with every other booking of this device, nurse or order:
     * in a fixed order (by kind, then id) so two bookings never wait for
     * each other in a circle. */
    if (schedule_lock(ctx->db, "device", device_id, e) ||
        schedule_lock(ctx->db, "nurse", nurse_id, e) ||
        schedule_lock(ctx->db, "order", order_id, e) ||
        db_prepare(ctx->db,
                   "SELECT COUNT(*) FROM apheresis_bookings WHERE order_id = ? AND status <> "
                   "'cancelled'",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, order_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        booked = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step != DB_ROW)
        goto done;
    if (booked >= f.procedures) {
        err_set(e, ERR_CONFLICT, "order",
                "the course of order %" PRId64 " has %ld procedure%s, all booked", order_id,
                f.procedures, f.procedures == 1 ? "" : "s");
        goto done;
    }
    if (overlap_check(ctx, "nurse_id", nurse_id, start, end, "nurse", in->nurse, f.zone, e) ||
        overlap_check(ctx, "device_id", device_id, start, end, "device", in->device, f.zone, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO apheresis_bookings (order_id, hospital_id, market_id, nurse_id, "
                   "device_id, starts_at, ends_at, created_at, created_by) VALUES (?, ?, ?, ?, "
                   "?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, order_id);
    db_bind_int64(stmt, 2, f.hospital_id);
    db_bind_int64(stmt, 3, f.market_id);
    db_bind_int64(stmt, 4, nurse_id);
    db_bind_int64(stmt, 5, device_id);
    db_bind_text(stmt, 6, start);
    db_bind_text(stmt, 7, end);
    db_bind_text(stmt, 8, service_now_text(now));
    db_bind_text(stmt, 9, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || booking_fetch(ctx, id, &record, e) ||
                 audit_record(ctx, "apheresis_booking", id, "create", NULL, record, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int apheresis_booking_cancel(service_context *ctx, const char *booking, const char *reason,
                             json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(booking, &id, "booking", e) ||
        registry_required_text_check(reason, REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (booking_fetch(ctx, id, &before, e))
        goto done;
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "booked") != 0) {
        err_set(e, ERR_CONFLICT, "booking", "booking %" PRId64 " is %s already", id, status);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_bookings SET status = 'cancelled', status_reason = ?, "
                   "cancelled_at = ?, cancelled_by = ? WHERE id = ? AND status = 'booked'",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, reason);
    db_bind_text(stmt, 2, service_now_text(now));
    db_bind_text(stmt, 3, ctx->actor.username);
    db_bind_int64(stmt, 4, id);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) == 0) {
        err_set(e, ERR_CONFLICT, "booking", "booking %" PRId64 " changed meanwhile", id);
        goto done;
    }
    rc = booking_fetch(ctx, id, &after, e) ||
                 audit_record(ctx, "apheresis_booking", id, "cancel", before, after, reason, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int apheresis_booking_done_in(service_context *ctx, int64_t id, int64_t order_id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_bookings SET status = 'done' WHERE id = ? AND order_id = ? "
                   "AND status = 'booked'",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, order_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    if (db_changes(ctx->db) == 0)
        return err_set(e, ERR_CONFLICT, "booking",
                       "booking %" PRId64 " is not a booked procedure of order %" PRId64, id,
                       order_id);
    return audit_record(ctx, "apheresis_booking", id, "done", NULL, NULL, NULL, e);
}

/* --- the board --------------------------------------------------------------------- */

/* The lanes of one kind ("nurse", "device"): per person or device, its
 * bookings of the day in order and the free times between them, from
 * 00:00 to 24:00 local. */
static json_t *lanes_of(json_t *bookings, const char *kind, const char *key, const char *name_key,
                        const char *zone, int64_t day_start, int64_t day_end)
{
    json_t *lanes = json_array();
    size_t i, j;
    json_t *b;
    json_array_foreach(bookings, i, b) {
        const char *who = json_string_value(json_object_get(b, key));
        int seen = 0;
        for (j = 0; j < i && !seen; j++)
            seen = !strcmp(json_string_value(json_object_get(json_array_get(bookings, j), key)),
                           who);
        if (seen)
            continue;
        json_t *slots = json_array();
        int64_t free_from = day_start;
        char from[HHMM_MAX], to[HHMM_MAX];
        for (j = i; j < json_array_size(bookings); j++) {
            json_t *other = json_array_get(bookings, j);
            if (strcmp(json_string_value(json_object_get(other, key)), who))
                continue;
            int64_t s = instant_of(json_string_value(json_object_get(other, "starts_at")));
            int64_t t = instant_of(json_string_value(json_object_get(other, "ends_at")));
            if (s < day_start)
                s = day_start;
            if (t > day_end)
                t = day_end;
            if (s > free_from) {
                clock_text(zone, free_from, from);
                clock_text(zone, s, to);
                json_array_append_new(slots, json_pack("{s:s, s:s, s:s, s:I}", "kind", "free",
                                                       "from", from, "to", to, "minutes",
                                                       (json_int_t)((s - free_from) / 60)));
            }
            clock_text(zone, s, from);
            if (t >= day_end)
                snprintf(to, sizeof to, "24:00");
            else
                clock_text(zone, t, to);
            json_array_append_new(slots,
                                  json_pack("{s:s, s:I, s:s, s:s}", "kind", "booking", "booking",
                                            json_integer_value(json_object_get(other, "id")),
                                            "from", from, "to", to));
            if (t > free_from)
                free_from = t;
        }
        if (free_from < day_end) {
            clock_text(zone, free_from, from);
            json_array_append_new(slots, json_pack("{s:s, s:s, s:s, s:I}", "kind", "free", "from",
                                                   from, "to", "24:00", "minutes",
                                                   (json_int_t)((day_end - free_from) / 60)));
        }
        json_array_append_new(lanes,
                              json_pack("{s:s, s:s, s:s, s:o}", "kind", kind, "key", who, "name",
                                        json_string_value(json_object_get(b, name_key)), "slots",
                                        slots));
    }
    return lanes;
}

int apheresis_schedule_board(service_context *ctx, const char *market, const char *day,
                             const char *nurse, const char *device, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], zone[TIME_ZONE_NAME_MAX] = TIME_ZONE_DEFAULT,
                                      name[256] = "", text[DATE_TEXT_MAX];
    char start[TIMESTAMP_TEXT_MAX] = "", end[TIMESTAMP_TEXT_MAX] = "";
    civil_day date;
    const char *n = nurse && *nurse ? nurse : "", *d = device && *device ? device : "";
    if (!market || !*market)
        return err_set(e, ERR_INVALID, "market", "is required (a market's code)");
    if (!day || !*day)
        return err_set(e, ERR_INVALID, "day", "is required (YYYY-MM-DD)");
    if (registry_code_take(market, code, "market", e) || date_parse(day, &date, "day", e))
        return -1;
    json_t *bookings = NULL;
    int64_t market_id, day_start, day_end;
    db_stmt *stmt;
    int rc = -1;
    if (registry_market_id(ctx->db, code, &market_id, "market", e) ||
        db_prepare(ctx->db, "SELECT name, time_zone FROM markets WHERE id = ?", &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, market_id);
    if (db_step(stmt, e) == DB_ROW) {
        snprintf(name, sizeof name, "%s", db_column_text(stmt, 0));
        snprintf(zone, sizeof zone, "%s", db_column_text(stmt, 1));
    }
    db_reset(stmt);
    if (local_time_instant(zone, date, 0, 0, 0, &day_start, e) ||
        local_time_instant(zone, date_add_days(date, 1), 0, 0, 0, &day_end, e))
        goto done;
    if (*n) {
        if (db_prepare(ctx->db, "SELECT id FROM users WHERE username = ?", &stmt, e))
            goto done;
        db_bind_text(stmt, 1, n);
        int found = service_row_exists(stmt, e);
        if (found <= 0) {
            if (found == 0)
                err_set(e, ERR_INVALID, "nurse", "no user %s", n);
            goto done;
        }
    }
    if (*d) {
        if (db_prepare(ctx->db, "SELECT 1 FROM apheresis_devices WHERE serial = ?", &stmt, e))
            goto done;
        db_bind_text(stmt, 1, d);
        int found = service_row_exists(stmt, e);
        if (found <= 0) {
            if (found == 0)
                err_set(e, ERR_INVALID, "device", "no apheresis device with the serial number %s",
                        d);
            goto done;
        }
    }
    timestamp_format(day_start, start, sizeof start);
    timestamp_format(day_end, end, sizeof end);
    if (db_prepare(ctx->db,
                   "SELECT " BOOKING_COLUMNS BOOKING_FROM
                   " WHERE b.market_id = ?1 AND b.status <> 'cancelled' AND b.starts_at < ?2 "
                   "AND b.ends_at > ?3 AND (?4 = '' OR u.username = ?4) AND (?5 = '' OR "
                   "d.serial = ?5) ORDER BY b.starts_at, b.id LIMIT ?8",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, market_id);
    db_bind_text(stmt, 2, end);
    db_bind_text(stmt, 3, start);
    db_bind_text(stmt, 4, n);
    db_bind_text(stmt, 5, d);
    service_bind_market_scope(stmt, 6, 7, ctx);
    db_bind_int64(stmt, 8, BOARD_MAX);
    if (service_collect_rows(stmt, booking_json, &bookings, e))
        goto done;
    rc = 0;
done:
    if (rc)
        return -1;
    json_t *board = json_pack("{s:s, s:s, s:s}", "market", code, "market_name", name,
                              "time_zone", zone);
    json_object_set_new(board, "day", json_string(date_format(date, text, sizeof text)));
    json_object_set_new(board, "previous_day",
                        json_string(date_format(date_add_days(date, -1), text, sizeof text)));
    json_object_set_new(board, "next_day",
                        json_string(date_format(date_add_days(date, 1), text, sizeof text)));
    json_object_set_new(board, "starts_at", json_string(start));
    json_object_set_new(board, "ends_at", json_string(end));
    json_object_set_new(board, "nurse", *n ? json_string(n) : json_null());
    json_object_set_new(board, "device", *d ? json_string(d) : json_null());
    json_object_set_new(board, "nurses",
                        lanes_of(bookings, "nurse", "nurse", "nurse_name", zone, day_start,
                                 day_end));
    json_object_set_new(board, "devices",
                        lanes_of(bookings, "device", "device", "device_model", zone, day_start,
                                 day_end));
    json_object_set_new(board, "bookings", bookings);
    *out = board;
    return 0;
}
