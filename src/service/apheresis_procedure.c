/*
 * apheresis_procedure.c - apheresis procedure records, their signature,
 * amendments and billing, the apheresis contracts, standard costs and
 * volumes (see apheresis_procedure.h; docs/apheresis.md "Procedures").
 * The one writer of apheresis_procedures, apheresis_procedure_amendments,
 * apheresis_contracts, apheresis_contract_prices,
 * apheresis_contract_surcharges and apheresis_costs.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "base/money.h"
#include "domain/apheresis.h"
#include "domain/ledger.h"
#include "domain/measurement.h"
#include "domain/receivables.h"
#include "domain/registry.h"
#include "domain/schedule.h"
#include "service/apheresis.h"
#include "service/apheresis_procedure.h"
#include "service/apheresis_schedule.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/billing.h"
#include "service/ledger.h"
#include "service/registry.h"

enum { TEXT_MAX = 100, REASON_MAX = 500, EVENTS_MAX = 20, VOLUME_MAX = 100000,
       AMENDMENTS_SHOWN = 100, NUM_TEXT = 32 };

const char *const apheresis_vital_names[APHERESIS_VITALS] = {"systolic", "diastolic", "pulse",
                                                             "temperature", "spo2"};

#define SCOPE(limited, user) SERVICE_MARKET_SCOPE("h.market_id", limited, user)

static int given(const char *text)
{
    return text && *text;
}

static int audit_record(service_context *ctx, const char *entity, int64_t id, const char *action,
                        json_t *before, json_t *after, const char *reason, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, entity, key, action, before, after, reason, e);
}

/* --- reading a record ---------------------------------------------------------------- */

#define PROC_COLUMNS                                                                               \
    "a.id, a.order_id, COALESCE(a.booking_id, 0), a.started_at, a.ended_at, a.performed_on, "     \
    "a.nurse, a.device_serial, a.kit_lot, a.vitals_before, a.vitals_after, "                      \
    "a.blood_processed_ml, a.plasma_removed_ml, a.albumin_vials, a.plasma_units, a.saline_ml, "   \
    "a.anticoagulant_ml, a.ratio, a.calcium_mg, a.adverse_events, a.stat, a.outcome, "            \
    "a.abort_reason, a.status, a.signed_at, a.signed_by, a.surcharges, "                          \
    "COALESCE(a.price_cents, -1), COALESCE(a.cost_cents, -1), COALESCE(a.invoice_id, 0), "        \
    "COALESCE(a.journal_entry_id, 0), a.created_at, a.created_by, a.updated_at, a.updated_by, "   \
    "o.procedure_type, h.code, COALESCE(m.code, ''), p.family_name, p.given_name, p.mrn, "        \
    "(SELECT COUNT(*) FROM apheresis_procedure_amendments x WHERE x.procedure_id = a.id), "       \
    "COALESCE(a.contract_id, 0)"
#define PROC_FROM                                                                                  \
    " FROM apheresis_procedures a JOIN apheresis_orders o ON o.id = a.order_id "                  \
    "JOIN apheresis_patients p ON p.id = o.patient_id JOIN hospitals h ON h.id = p.hospital_id "  \
    "LEFT JOIN markets m ON m.id = h.market_id"

static json_t *text_json(db_stmt *stmt, int column)
{
    return service_json_text(db_column_text(stmt, column));
}

static json_t *stored_json(db_stmt *stmt, int column, size_t fallback_array)
{
    const char *text = db_column_text(stmt, column);
    json_t *value = text ? json_loads(text, 0, NULL) : NULL;
    if (!value)
        value = fallback_array ? json_array() : json_object();
    return value;
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *money_or_null(int64_t cents)
{
    return cents < 0 ? json_null() : service_money_json(cents);
}

/* The list's item: who, what and where, no clinical figures. */
static json_t *procedure_item_json(db_stmt *stmt)
{
    char name[2 * REGISTRY_NAME_MAX + 4];
    snprintf(name, sizeof name, "%s, %s", db_column_text(stmt, 38), db_column_text(stmt, 39));
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "order",
                     (json_int_t)db_column_int64(stmt, 1), "procedure_type",
                     db_column_text(stmt, 35), "hospital", db_column_text(stmt, 36), "market",
                     db_column_text(stmt, 37), "patient_name", name, "mrn",
                     db_column_text(stmt, 40), "performed_on", db_column_text(stmt, 5), "nurse",
                     db_column_text(stmt, 6), "outcome", db_column_text(stmt, 21), "status",
                     db_column_text(stmt, 23), "started_at", db_column_text(stmt, 3), "price",
                     money_or_null(db_column_int64(stmt, 27)));
}

static json_t *procedure_json(db_stmt *stmt)
{
    json_t *r = procedure_item_json(stmt);
    json_object_set_new(r, "booking", id_or_null(db_column_int64(stmt, 2)));
    json_object_set_new(r, "ended_at", json_string(db_column_text(stmt, 4)));
    json_object_set_new(r, "device_serial", json_string(db_column_text(stmt, 7)));
    json_object_set_new(r, "kit_lot", json_string(db_column_text(stmt, 8)));
    json_object_set_new(r, "vitals_before", stored_json(stmt, 9, 0));
    json_object_set_new(r, "vitals_after", stored_json(stmt, 10, 0));
    static const char *const volumes[] = {"blood_processed_ml", "plasma_removed_ml",
                                          "albumin_vials",      "plasma_units",
                                          "saline_ml",          "anticoagulant_ml"};
    for (int i = 0; i < 6; i++)
        json_object_set_new(r, volumes[i], json_integer(db_column_int64(stmt, 11 + i)));
    json_object_set_new(r, "ratio", text_json(stmt, 17));
    json_object_set_new(r, "calcium_mg", json_integer(db_column_int64(stmt, 18)));
    json_object_set_new(r, "adverse_events", stored_json(stmt, 19, 1));
    json_object_set_new(r, "stat", json_boolean(db_column_int64(stmt, 20)));
    json_object_set_new(r, "abort_reason", text_json(stmt, 22));
    json_object_set_new(r, "signed_at", text_json(stmt, 24));
    json_object_set_new(r, "signed_by", text_json(stmt, 25));
    json_object_set_new(r, "surcharges", stored_json(stmt, 26, 1));
    json_object_set_new(r, "cost", money_or_null(db_column_int64(stmt, 28)));
    json_object_set_new(r, "invoice", id_or_null(db_column_int64(stmt, 29)));
    json_object_set_new(r, "journal_entry", id_or_null(db_column_int64(stmt, 30)));
    json_object_set_new(r, "contract", id_or_null(db_column_int64(stmt, 42)));
    json_object_set_new(r, "amendment_count", json_integer(db_column_int64(stmt, 41)));
    json_object_set_new(r, "created_at", json_string(db_column_text(stmt, 31)));
    json_object_set_new(r, "created_by", json_string(db_column_text(stmt, 32)));
    json_object_set_new(r, "updated_at", json_string(db_column_text(stmt, 33)));
    json_object_set_new(r, "updated_by", json_string(db_column_text(stmt, 34)));
    return r;
}

static int procedure_fetch(service_context *ctx, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " PROC_COLUMNS PROC_FROM " WHERE a.id = ?1 AND " SCOPE("?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    return service_fetch_one(stmt, procedure_json, out, "procedure",
                             e, "no apheresis procedure %" PRId64, id);
}

/* --- checking a record ------------------------------------------------------------------ */

/* A record's values, checked. */
typedef struct {
    int64_t order_id, booking_id, hospital_id, start, end;
    char procedure_type[40], hospital[REGISTRY_CODE_MAX + 8], market[REGISTRY_CODE_MAX + 8],
        zone[TIME_ZONE_NAME_MAX];
    char started[TIMESTAMP_TEXT_MAX], ended[TIMESTAMP_TEXT_MAX], day[DATE_TEXT_MAX];
    civil_day performed_on;
    const char *nurse, *device, *kit, *outcome, *abort_reason;
    long volumes[7]; /* blood, plasma, albumin vials, plasma units, saline, AC, calcium */
    char ratio[NUM_TEXT];
    int has_ratio, stat;
    char *vitals_before, *vitals_after, *events; /* JSON text, malloc'd */
} record;

static const char *const volume_fields[7] = {"blood_processed_ml", "plasma_removed_ml",
                                             "albumin_vials",      "plasma_units",
                                             "saline_ml",          "anticoagulant_ml",
                                             "calcium_mg"};

static void record_free(record *r)
{
    free(r->vitals_before);
    free(r->vitals_after);
    free(r->events);
}

/* The vitals given as a JSON object text, each checked like a donor's
 * (domain/measurement.h) and SpO2 a whole percent 50 to 100, naming the
 * field "before_pulse", "after_spo2"... */
static int vitals_take(const char *const texts[APHERESIS_VITALS], const char *when, char **out,
                       err *e)
{
    static const measurement_id ids[4] = {MEASUREMENT_SYSTOLIC, MEASUREMENT_DIASTOLIC,
                                          MEASUREMENT_PULSE, MEASUREMENT_TEMPERATURE};
    json_t *vitals = json_object();
    for (int i = 0; i < APHERESIS_VITALS; i++) {
        if (!given(texts[i]))
            continue;
        char field[32];
        snprintf(field, sizeof field, "%s_%s", when, apheresis_vital_names[i]);
        long value;
        if (i < 4) {
            if (measurement_parse(ids[i], texts[i], &value, e)) {
                json_decref(vitals);
                char message[ERR_MESSAGE_MAX];
                snprintf(message, sizeof message, "%s", e->message);
                return err_set(e, ERR_INVALID, field, "%s", message);
            }
        } else if (service_number_take(texts[i], 50, 100, &value, field, e)) {
            json_decref(vitals);
            return -1;
        }
        json_object_set_new(vitals, apheresis_vital_names[i],
                            i == 3 ? json_real(value / 10.0) : json_integer(value));
    }
    /* Ten digits: a temperature of 36.8 reads back as 36.8. */
    *out = json_dumps(vitals, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    json_decref(vitals);
    return *out ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
}

static int events_take(const apheresis_procedure_input *in, char **out, err *e)
{
    if (in->event_count > EVENTS_MAX)
        return err_set(e, ERR_INVALID, "adverse_events", "at most %d adverse events", EVENTS_MAX);
    json_t *events = json_array();
    for (size_t i = 0; i < in->event_count; i++) {
        const apheresis_adverse_event *ev = &in->events[i];
        char field[48];
        snprintf(field, sizeof field, "adverse_events[%zu].what", i);
        if (registry_required_text_check(ev->what, REASON_MAX, field, e))
            goto failed;
        snprintf(field, sizeof field, "adverse_events[%zu].severity", i);
        if (!ev->severity || (strcmp(ev->severity, "mild") && strcmp(ev->severity, "moderate") &&
                              strcmp(ev->severity, "severe"))) {
            err_set(e, ERR_INVALID, field, "must be mild, moderate or severe");
            goto failed;
        }
        snprintf(field, sizeof field, "adverse_events[%zu].action", i);
        if (registry_required_text_check(ev->action, REASON_MAX, field, e))
            goto failed;
        json_array_append_new(events, json_pack("{s:s, s:s, s:s}", "what", ev->what, "severity",
                                                ev->severity, "action", ev->action));
    }
    *out = json_dumps(events, JSON_COMPACT);
    json_decref(events);
    return *out ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
failed:
    json_decref(events);
    return -1;
}

/* The order `id` in the actor's scope: its procedure type, hospital,
 * market and zone into r. */
static int order_find(service_context *ctx, int64_t id, int need_active, record *r, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT o.procedure_type, o.status, h.id, h.code, COALESCE(m.code, ''), "
                   "COALESCE(m.time_zone, '') FROM apheresis_orders o "
                   "JOIN apheresis_patients p ON p.id = o.patient_id "
                   "JOIN hospitals h ON h.id = p.hospital_id "
                   "LEFT JOIN markets m ON m.id = h.market_id WHERE o.id = ?1 AND " SCOPE("?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    db_step_result step = db_step(stmt, e);
    int active = 0;
    if (step == DB_ROW) {
        snprintf(r->procedure_type, sizeof r->procedure_type, "%s", db_column_text(stmt, 0));
        active = strcmp(db_column_text(stmt, 1), "active") == 0;
        r->hospital_id = db_column_int64(stmt, 2);
        snprintf(r->hospital, sizeof r->hospital, "%s", db_column_text(stmt, 3));
        snprintf(r->market, sizeof r->market, "%s", db_column_text(stmt, 4));
        snprintf(r->zone, sizeof r->zone, "%s",
                 *db_column_text(stmt, 5) ? db_column_text(stmt, 5) : TIME_ZONE_DEFAULT);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "order", "no apheresis order %" PRId64, id);
    if (need_active && !active)
        return err_set(e, ERR_CONFLICT, "order", "order %" PRId64 " is not active", id);
    r->order_id = id;
    return 0;
}

/* Check a whole input (every field present as the record will hold it). */
static int record_take(service_context *ctx, const apheresis_procedure_input *in, int new_record,
                       record *r, err *e)
{
    memset(r, 0, sizeof *r);
    if (service_id_take(in->order, &r->order_id, "order", e))
        return -1;
    if (given(in->booking) && service_id_take(in->booking, &r->booking_id, "booking", e))
        return -1;
    if (!given(in->started_at))
        return err_set(e, ERR_INVALID, "started_at", "is required (YYYY-MM-DDTHH:MM:SSZ)");
    if (!given(in->ended_at))
        return err_set(e, ERR_INVALID, "ended_at", "is required (YYYY-MM-DDTHH:MM:SSZ)");
    if (timestamp_parse(in->started_at, &r->start, "started_at", e) ||
        timestamp_parse(in->ended_at, &r->end, "ended_at", e))
        return -1;
    if (r->end <= r->start)
        return err_set(e, ERR_INVALID, "ended_at", "must be after started_at");
    if (r->end - r->start > 24 * 3600)
        return err_set(e, ERR_INVALID, "ended_at", "a procedure lasts at most 24 hours");
    if (r->end > timestamp_now() + 300)
        return err_set(e, ERR_INVALID, "ended_at", "%s is in the future", in->ended_at);
    timestamp_format(r->start, r->started, sizeof r->started);
    timestamp_format(r->end, r->ended, sizeof r->ended);
    r->nurse = given(in->nurse) ? in->nurse : ctx->actor.username;
    if (registry_required_text_check(in->device_serial, TEXT_MAX, "device_serial", e) ||
        registry_required_text_check(in->kit_lot, TEXT_MAX, "kit_lot", e))
        return -1;
    r->device = in->device_serial;
    r->kit = in->kit_lot;
    const char *volume_texts[7] = {in->blood_processed_ml, in->plasma_removed_ml,
                                   in->albumin_vials,      in->plasma_units,
                                   in->saline_ml,          in->anticoagulant_ml,
                                   in->calcium_mg};
    for (int i = 0; i < 7; i++) {
        if (!given(volume_texts[i])) {
            r->volumes[i] = 0;
            continue;
        }
        if (volume_texts[i][0] == '-')
            return err_set(e, ERR_INVALID, volume_fields[i], "must not be negative");
        if (service_number_take(volume_texts[i], 0, VOLUME_MAX, &r->volumes[i], volume_fields[i],
                                e))
            return -1;
    }
    if (given(in->ratio)) {
        const char *ratio = strncmp(in->ratio, "1:", 2) == 0 ? in->ratio + 2 : in->ratio;
        double n;
        if (apheresis_number_parse(ratio, "ratio", &n, e))
            return -1;
        if (!(n >= 1 && n <= 100))
            return err_set(e, ERR_INVALID, "ratio", "must be 1:N with N from 1 to 100");
        snprintf(r->ratio, sizeof r->ratio, "%s", ratio);
        r->has_ratio = 1;
    }
    if (!given(in->stat) || strcmp(in->stat, "false") == 0)
        r->stat = 0;
    else if (strcmp(in->stat, "true") == 0)
        r->stat = 1;
    else
        return err_set(e, ERR_INVALID, "stat", "must be true or false");
    r->outcome = in->outcome;
    if (!given(r->outcome) || (strcmp(r->outcome, "completed") && strcmp(r->outcome, "aborted")))
        return err_set(e, ERR_INVALID, "outcome", "must be completed or aborted");
    r->abort_reason = given(in->abort_reason) ? in->abort_reason : NULL;
    if (strcmp(r->outcome, "aborted") == 0) {
        if (registry_required_text_check(in->abort_reason, REASON_MAX, "abort_reason", e))
            return -1;
    } else if (r->abort_reason) {
        return err_set(e, ERR_INVALID, "abort_reason", "is only for an aborted procedure");
    }
    if (vitals_take(in->before, "before", &r->vitals_before, e) ||
        vitals_take(in->after, "after", &r->vitals_after, e) || events_take(in, &r->events, e))
        return -1;
    /* The order, its hospital's day and the nurse. */
    if (order_find(ctx, r->order_id, new_record, r, e) ||
        local_date_of(r->zone, r->start, &r->performed_on, e))
        return -1;
    date_format(r->performed_on, r->day, sizeof r->day);
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM users WHERE username = ? AND disabled = 0", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, r->nurse);
    int known = service_row_exists(stmt, e);
    if (known < 0)
        return -1;
    if (!known && ctx->actor.user_id != 0)
        return err_set(e, ERR_INVALID, "nurse", "no user '%s'", r->nurse);
    return 0;
}

/* Bind the record's values at 1..21 of an INSERT or UPDATE. */
static void record_bind(db_stmt *stmt, const record *r)
{
    db_bind_int64(stmt, 1, r->order_id);
    if (r->booking_id)
        db_bind_int64(stmt, 2, r->booking_id);
    else
        db_bind_null(stmt, 2);
    db_bind_text(stmt, 3, r->started);
    db_bind_text(stmt, 4, r->ended);
    db_bind_text(stmt, 5, r->day);
    db_bind_text(stmt, 6, r->nurse);
    db_bind_text(stmt, 7, r->device);
    db_bind_text(stmt, 8, r->kit);
    db_bind_text(stmt, 9, r->vitals_before);
    db_bind_text(stmt, 10, r->vitals_after);
    for (int i = 0; i < 6; i++)
        db_bind_int64(stmt, 11 + i, r->volumes[i]);
    if (r->has_ratio)
        db_bind_text(stmt, 17, r->ratio);
    else
        db_bind_null(stmt, 17);
    db_bind_int64(stmt, 18, r->volumes[6]);
    db_bind_text(stmt, 19, r->events);
    db_bind_int64(stmt, 20, r->stat);
    db_bind_text(stmt, 21, r->outcome);
    if (r->abort_reason)
        db_bind_text(stmt, 22, r->abort_reason);
    else
        db_bind_null(stmt, 22);
}

int apheresis_procedure_record(service_context *ctx, const apheresis_procedure_input *in,
                               json_t **out, err *e)
{
    record r;
    json_t *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    int64_t id = 0;
    db_stmt *stmt;
    int rc = -1;
    if (service_begin(ctx, e))
        return -1;
    if (record_take(ctx, in, 1, &r, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO apheresis_procedures (order_id, booking_id, started_at, ended_at, "
                   "performed_on, nurse, device_serial, kit_lot, vitals_before, vitals_after, "
                   "blood_processed_ml, plasma_removed_ml, albumin_vials, plasma_units, "
                   "saline_ml, anticoagulant_ml, ratio, calcium_mg, adverse_events, stat, "
                   "outcome, abort_reason, created_at, created_by, updated_at, updated_by) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                   "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?23, ?24) RETURNING id",
                   &stmt, e))
        goto done;
    record_bind(stmt, &r);
    db_bind_text(stmt, 23, service_now_text(now));
    db_bind_text(stmt, 24, ctx->actor.username);
    /* The booking it was performed under (if named) is done: one procedure
     * of the course, and its nurse and device no longer held ahead. */
    rc = db_insert_returning_id(stmt, &id, e) ||
                 (r.booking_id && apheresis_booking_done_in(ctx, r.booking_id, r.order_id, e)) ||
                 procedure_fetch(ctx, id, &after, e) ||
                 audit_record(ctx, "apheresis_procedure", id, "create", NULL, after, NULL, e)
             ? -1
             : 0;
done:
    record_free(&r);
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

/* --- changing and amending ---------------------------------------------------------------- */

/* Where merged_input writes the stored values it reads back as text. */
typedef struct {
    char numbers[16][NUM_TEXT];
    char vitals[2][APHERESIS_VITALS][NUM_TEXT];
    apheresis_adverse_event events[EVENTS_MAX];
} stored_texts;

/* The stored record as an input, the fields `in` gives over it; the texts
 * it reads back into `t`. */
static void merged_input(const apheresis_procedure_input *in, const json_t *stored,
                         apheresis_procedure_input *m, stored_texts *t)
{
    *m = *in;
    int k = 0;
#define STORED_TEXT(field, key)                                                                    \
    if (!m->field)                                                                                 \
    m->field = json_string_value(json_object_get(stored, key))
#define STORED_NUMBER(field, key)                                                                  \
    if (!m->field) {                                                                               \
        const json_t *v = json_object_get(stored, key);                                            \
        if (json_is_number(v)) {                                                                   \
            snprintf(t->numbers[k], NUM_TEXT, "%.15g", json_number_value(v));                      \
            m->field = t->numbers[k++];                                                            \
        }                                                                                          \
    }
    STORED_NUMBER(order, "order");
    STORED_NUMBER(booking, "booking");
    STORED_TEXT(started_at, "started_at");
    STORED_TEXT(ended_at, "ended_at");
    STORED_TEXT(nurse, "nurse");
    STORED_TEXT(device_serial, "device_serial");
    STORED_TEXT(kit_lot, "kit_lot");
    STORED_NUMBER(blood_processed_ml, "blood_processed_ml");
    STORED_NUMBER(plasma_removed_ml, "plasma_removed_ml");
    STORED_NUMBER(albumin_vials, "albumin_vials");
    STORED_NUMBER(plasma_units, "plasma_units");
    STORED_NUMBER(saline_ml, "saline_ml");
    STORED_NUMBER(anticoagulant_ml, "anticoagulant_ml");
    STORED_NUMBER(calcium_mg, "calcium_mg");
    STORED_TEXT(ratio, "ratio");
    STORED_TEXT(outcome, "outcome");
    STORED_TEXT(abort_reason, "abort_reason");
    if (!m->stat)
        m->stat = json_is_true(json_object_get(stored, "stat")) ? "true" : "false";
#undef STORED_TEXT
#undef STORED_NUMBER
    /* Vitals: a side given at all replaces that side. */
    const char *when[2] = {"vitals_before", "vitals_after"};
    const char **sides[2] = {m->before, m->after};
    for (int s = 0; s < 2; s++) {
        int any = 0;
        for (int i = 0; i < APHERESIS_VITALS; i++)
            any |= sides[s][i] != NULL;
        if (any)
            continue;
        const json_t *vitals = json_object_get(stored, when[s]);
        for (int i = 0; i < APHERESIS_VITALS; i++) {
            const json_t *v = json_object_get(vitals, apheresis_vital_names[i]);
            if (json_is_number(v)) {
                snprintf(t->vitals[s][i], NUM_TEXT, "%.15g", json_number_value(v));
                sides[s][i] = t->vitals[s][i];
            }
        }
    }
    if (!in->events_given) {
        const json_t *stored_events = json_object_get(stored, "adverse_events");
        size_t n = json_array_size(stored_events);
        for (size_t i = 0; i < n && i < EVENTS_MAX; i++) {
            const json_t *ev = json_array_get(stored_events, i);
            t->events[i] = (apheresis_adverse_event){
                json_string_value(json_object_get(ev, "what")),
                json_string_value(json_object_get(ev, "severity")),
                json_string_value(json_object_get(ev, "action"))};
        }
        m->events = t->events;
        m->event_count = n < EVENTS_MAX ? n : EVENTS_MAX;
    }
}

int apheresis_procedure_change(service_context *ctx, const char *procedure,
                               const apheresis_procedure_input *in, const char *reason,
                               json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(procedure, &id, "procedure", e))
        return -1;
    if (given(reason) && registry_required_text_check(reason, REASON_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    record r;
    memset(&r, 0, sizeof r);
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (procedure_fetch(ctx, id, &before, e))
        goto done;
    int signed_record = strcmp(json_string_value(json_object_get(before, "status")), "signed") == 0;
    if (signed_record) {
        if (!given(reason)) {
            err_set(e, ERR_INVALID, "reason",
                    "is required: procedure %" PRId64 " is signed, and an amendment says why",
                    id);
            goto done;
        }
        /* What the procedure was billed on stays as it was signed. */
        const struct {
            const char *text, *field;
        } billed[] = {{in->order, "order"},     {in->started_at, "started_at"},
                      {in->ended_at, "ended_at"}, {in->nurse, "nurse"},
                      {in->outcome, "outcome"}, {in->stat, "stat"}};
        for (size_t i = 0; i < sizeof billed / sizeof billed[0]; i++)
            if (billed[i].text) {
                err_set(e, ERR_INVALID, billed[i].field,
                        "cannot be amended: the signed procedure was billed on it (a credit "
                        "corrects the invoice)");
                goto done;
            }
    } else if (in->order) {
        err_set(e, ERR_INVALID, "order", "cannot be changed: record the procedure anew");
        goto done;
    }
    apheresis_procedure_input m;
    stored_texts texts;
    merged_input(in, before, &m, &texts);
    if (record_take(ctx, &m, 0, &r, e) ||
        db_prepare(ctx->db,
                   "UPDATE apheresis_procedures SET order_id = ?1, booking_id = ?2, "
                   "started_at = ?3, ended_at = ?4, performed_on = ?5, nurse = ?6, "
                   "device_serial = ?7, kit_lot = ?8, vitals_before = ?9, vitals_after = ?10, "
                   "blood_processed_ml = ?11, plasma_removed_ml = ?12, albumin_vials = ?13, "
                   "plasma_units = ?14, saline_ml = ?15, anticoagulant_ml = ?16, ratio = ?17, "
                   "calcium_mg = ?18, adverse_events = ?19, stat = ?20, outcome = ?21, "
                   "abort_reason = ?22, updated_at = ?23, updated_by = ?24 WHERE id = ?25",
                   &stmt, e))
        goto done;
    record_bind(stmt, &r);
    db_bind_text(stmt, 23, service_now_text(now));
    db_bind_text(stmt, 24, ctx->actor.username);
    db_bind_int64(stmt, 25, id);
    if (db_exec_stmt(stmt, e) || procedure_fetch(ctx, id, &after, e))
        goto done;
    if (signed_record) {
        char *before_text = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
        char *after_text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
        int failed = !before_text || !after_text ||
                     db_prepare(ctx->db,
                                "INSERT INTO apheresis_procedure_amendments (procedure_id, reason, "
                                "before_json, after_json, amended_at, amended_by) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                &stmt, e);
        if (!failed) {
            db_bind_int64(stmt, 1, id);
            db_bind_text(stmt, 2, reason);
            db_bind_text(stmt, 3, before_text);
            db_bind_text(stmt, 4, after_text);
            db_bind_text(stmt, 5, now);
            db_bind_text(stmt, 6, ctx->actor.username);
            failed = db_exec_stmt(stmt, e);
        } else if (!before_text || !after_text) {
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
        free(before_text);
        free(after_text);
        if (failed)
            goto done;
        json_decref(after);
        after = NULL;
        if (procedure_fetch(ctx, id, &after, e))
            goto done;
    }
    rc = audit_record(ctx, "apheresis_procedure", id, signed_record ? "amend" : "edit", before,
                      after, reason, e);
done:
    record_free(&r);
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- signing: price, cost, invoice and posting ---------------------------------------------- */

/* The n-th (1..) `weekday` (0 Monday .. 6 Sunday, as weekday_of) of a
 * month; n = 0: the last. */
static civil_day nth_weekday(int year, int month, int weekday, int n)
{
    civil_day d;
    if (n == 0) {
        date_from_ymd(year, month, date_days_in_month(year, month), &d, NULL, NULL);
        return d - ((weekday_of(d) - weekday + 7) % 7);
    }
    date_from_ymd(year, month, 1, &d, NULL, NULL);
    return d + (weekday - weekday_of(d) + 7) % 7 + 7 * (n - 1);
}

/* The United States' federal holidays, on their own dates (not the
 * observed Friday or Monday). */
static int federal_holiday(civil_day d)
{
    int y, m, day;
    date_to_ymd(d, &y, &m, &day);
    if ((m == 1 && day == 1) || (m == 6 && day == 19) || (m == 7 && day == 4) ||
        (m == 11 && day == 11) || (m == 12 && day == 25))
        return 1;
    return d == nth_weekday(y, 1, 0, 3) || d == nth_weekday(y, 2, 0, 3) ||
           d == nth_weekday(y, 5, 0, 0) || d == nth_weekday(y, 9, 0, 1) ||
           d == nth_weekday(y, 10, 0, 2) || d == nth_weekday(y, 11, 3, 4);
}

/* One cents value by key from `sql` (one placeholder): 1 found, 0 not. */
static int cents_of(db_conn *db, const char *sql, int64_t id, const char *key, int64_t *cents,
                    err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    if (id)
        db_bind_int64(stmt, 1, id);
    if (key)
        db_bind_text(stmt, id ? 2 : 1, key);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *cents = db_column_int64(stmt, 0);
    db_reset(stmt);
    return step == DB_FAILED ? -1 : step == DB_ROW;
}

static int standard_cost(db_conn *db, const char *item, int64_t *cents, err *e)
{
    int found = cents_of(db, "SELECT cents FROM apheresis_costs WHERE item = ?", 0, item, cents,
                         e);
    if (found == 0)
        return err_set(e, ERR_CONFLICT, "cost",
                       "no standard cost '%s': an administrator sets it (bloodops apheresis "
                       "cost set %s AMOUNT)",
                       item, item);
    return found < 0 ? -1 : 0;
}

typedef struct {
    int64_t contract_id, base, price, cost;
    json_t *surcharges;
} billing_figures;

static int price_work(service_context *ctx, const record *r, billing_figures *b, err *e)
{
    db_stmt *stmt;
    int64_t abort_percent = 100;
    if (db_prepare(ctx->db,
                   "SELECT id, abort_percent FROM apheresis_contracts WHERE hospital_id = ?1 AND "
                   "effective_from <= ?2 AND (effective_to IS NULL OR effective_to >= ?2) "
                   "ORDER BY effective_from DESC LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, r->hospital_id);
    db_bind_text(stmt, 2, r->day);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        b->contract_id = db_column_int64(stmt, 0);
        abort_percent = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_DONE)
        return err_set(e, ERR_CONFLICT, "contract",
                       "%s has no apheresis contract in force on %s: add one (bloodops "
                       "apheresis contract add)",
                       r->hospital, r->day);
    int found = cents_of(ctx->db,
                         "SELECT price_cents FROM apheresis_contract_prices WHERE contract_id = ? "
                         "AND procedure_type = ?",
                         b->contract_id, r->procedure_type, &b->base, e);
    if (found < 0)
        return -1;
    if (!found)
        return err_set(e, ERR_CONFLICT, "contract",
                       "%s's apheresis contract %" PRId64 " (in force on %s) has no price for %s",
                       r->hospital, b->contract_id, r->day, r->procedure_type);
    local_time start;
    if (local_time_of(r->zone, r->start, &start, e))
        return -1;
    int wd = weekday_of(r->performed_on);
    const struct {
        const char *kind;
        int applies;
    } kinds[] = {{"after_hours", start.hour < 7 || start.hour >= 19},
                 {"weekend", wd >= 5},
                 {"holiday", federal_holiday(r->performed_on)},
                 {"stat", r->stat}};
    b->surcharges = json_array();
    int64_t total = b->base;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int64_t amount = 0;
        if (!kinds[i].applies)
            continue;
        found = cents_of(ctx->db,
                         "SELECT amount_cents FROM apheresis_contract_surcharges WHERE "
                         "contract_id = ? AND kind = ?",
                         b->contract_id, kinds[i].kind, &amount, e);
        if (found < 0)
            return -1;
        if (!found)
            continue;
        total += amount;
        json_array_append_new(b->surcharges, json_pack("{s:s, s:o}", "kind", kinds[i].kind,
                                                       "amount", service_money_json(amount)));
    }
    if (strcmp(r->outcome, "aborted") == 0)
        total = (total * abort_percent + 50) / 100;
    b->price = total;
    /* The cost: the nurse's time at the market's rate, the kit, the fluids. */
    char nurse_item[48], kit_item[64];
    int64_t rate, kit, vial = 0, unit = 0;
    snprintf(nurse_item, sizeof nurse_item, "nurse_hour:%s", r->market);
    snprintf(kit_item, sizeof kit_item, "kit:%s", r->procedure_type);
    if (standard_cost(ctx->db, nurse_item, &rate, e) ||
        standard_cost(ctx->db, kit_item, &kit, e) ||
        (r->volumes[2] && standard_cost(ctx->db, "albumin_vial", &vial, e)) ||
        (r->volumes[3] && standard_cost(ctx->db, "plasma_unit", &unit, e)))
        return -1;
    b->cost = ((r->end - r->start) * rate + 1800) / 3600 + kit + r->volumes[2] * vial +
              r->volumes[3] * unit;
    return 0;
}

static int procedure_post(service_context *ctx, int64_t id, const record *r,
                          const billing_figures *b, int64_t *entry_id, err *e)
{
    const char *center = *r->market ? r->market : NULL;
    ledger_line lines[4];
    size_t k = 0;
    if (b->price) {
        lines[k++] = (ledger_line){"1150", center, b->price, NULL};
        lines[k++] = (ledger_line){"4100", center, -b->price, NULL};
    }
    if (b->cost) {
        lines[k++] = (ledger_line){"5100", center, b->cost, NULL};
        lines[k++] = (ledger_line){"2100", center, -b->cost, NULL};
    }
    char description[64], ref[40];
    snprintf(description, sizeof description, "apheresis procedure %" PRId64, id);
    snprintf(ref, sizeof ref, "apheresis_procedure:%" PRId64, id);
    ledger_entry entry = {.date = r->performed_on, .description = description,
                          .source = "apheresis", .source_ref = ref, .lines = lines,
                          .line_count = k};
    *entry_id = 0;
    return k ? ledger_post(ctx, &entry, entry_id, e) : 0;
}

/* The stored record as the input that made it. */
static int stored_record(service_context *ctx, const json_t *stored, record *r, err *e)
{
    apheresis_procedure_input none = {0}, m;
    stored_texts texts;
    merged_input(&none, stored, &m, &texts);
    return record_take(ctx, &m, 0, r, e);
}

/* Refuse signing what the signer may not sign, before the password is
 * checked (a refused signature is recorded). */
static int sign_check(const json_t *stored, const char *signer, err *e)
{
    const char *nurse = json_string_value(json_object_get(stored, "nurse"));
    if (strcmp(json_string_value(json_object_get(stored, "status")), "signed") == 0)
        return err_set(e, ERR_CONFLICT, "procedure", "procedure %" JSON_INTEGER_FORMAT
                       " is signed already (by %s): change it by an amendment",
                       json_integer_value(json_object_get(stored, "id")),
                       json_string_value(json_object_get(stored, "signed_by")));
    if (!signer || strcmp(signer, nurse) != 0)
        return err_set(e, ERR_FORBIDDEN, "signer",
                       "only the procedure's nurse, %s, signs its record", nurse);
    return 0;
}

/* Count a signed procedure in its day's and market's volumes
 * (schema/029_apheresis_days.sql), in the signing's transaction. */
static int volume_day_add_in(db_conn *db, const char *day, const char *market, int64_t price,
                             err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "INSERT INTO apheresis_days (day, market, procedures, revenue_cents) "
                   "VALUES (?, ?, 1, ?) ON CONFLICT (day, market) DO UPDATE SET "
                   "procedures = apheresis_days.procedures + 1, "
                   "revenue_cents = apheresis_days.revenue_cents + excluded.revenue_cents",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, day);
    db_bind_text(stmt, 2, market);
    db_bind_int64(stmt, 3, price);
    return db_exec_stmt(stmt, e);
}

/* Sign procedure `id` inside the caller's transaction, its signer's
 * password checked already: the record frozen, its invoice line, its
 * posting and its audit record; the record as signed in *after. */
static int sign_in(service_context *ctx, int64_t id, const char *signer, json_t **after, err *e)
{
    json_t *before = NULL;
    record r;
    memset(&r, 0, sizeof r);
    billing_figures b = {0};
    char now[TIMESTAMP_TEXT_MAX], description[160], price_text[MONEY_TEXT_MAX], ref[48];
    int64_t invoice_id = 0, line_id = 0, entry_id = 0;
    db_stmt *stmt;
    int rc = -1;
    if (procedure_fetch(ctx, id, &before, e) || sign_check(before, signer, e) ||
        stored_record(ctx, before, &r, e) || price_work(ctx, &r, &b, e) ||
        invoice_draft_in(ctx, r.hospital, r.performed_on, "hospital", &invoice_id, e))
        goto done;
    apheresis_procedure type = APHERESIS_PLASMA_EXCHANGE;
    apheresis_procedure_parse(r.procedure_type, "procedure_type", &type, NULL);
    snprintf(description, sizeof description, "%s%s, procedure %" PRId64 " (%s)",
             apheresis_procedure_label(type),
             strcmp(r.outcome, "aborted") == 0 ? " (aborted)" : "", id, r.day);
    snprintf(ref, sizeof ref, "apheresis_procedure:%" PRId64, id);
    invoice_line_input line = {.description = description, .quantity = "1",
                               .price = money_format(b.price, MONEY_PLAIN, price_text,
                                                     sizeof price_text),
                               .account = "4100", .center = r.market};
    invoice_line_origin origin = {.source = "procedure", .source_ref = ref, .recognised = 1};
    char *surcharges = json_dumps(b.surcharges, JSON_COMPACT);
    if (!surcharges) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto done;
    }
    if (invoice_line_post_in(ctx, invoice_id, &line, &origin, &line_id, e) ||
        procedure_post(ctx, id, &r, &b, &entry_id, e) ||
        db_prepare(ctx->db,
                   "UPDATE apheresis_procedures SET status = 'signed', signed_at = ?, "
                   "signed_by = ?, contract_id = ?, surcharges = ?, price_cents = ?, "
                   "cost_cents = ?, invoice_id = ?, invoice_line_id = ?, journal_entry_id = ? "
                   "WHERE id = ? AND status = 'draft'",
                   &stmt, e)) {
        free(surcharges);
        goto done;
    }
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_text(stmt, 2, signer);
    db_bind_int64(stmt, 3, b.contract_id);
    db_bind_text(stmt, 4, surcharges);
    db_bind_int64(stmt, 5, b.price);
    db_bind_int64(stmt, 6, b.cost);
    db_bind_int64(stmt, 7, invoice_id);
    db_bind_int64(stmt, 8, line_id);
    if (entry_id)
        db_bind_int64(stmt, 9, entry_id);
    else
        db_bind_null(stmt, 9);
    db_bind_int64(stmt, 10, id);
    int failed = db_exec_stmt(stmt, e);
    free(surcharges);
    if (failed || volume_day_add_in(ctx->db, r.day, r.market, b.price, e) ||
        procedure_fetch(ctx, id, after, e))
        goto done;
    rc = audit_record(ctx, "apheresis_procedure", id, "sign", before, *after, NULL, e);
done:
    json_decref(before);
    json_decref(b.surcharges);
    record_free(&r);
    return rc;
}

/* The ids of a list of procedures ("12,13,14"), each a draft `signer` may
 * sign (checked in a read of its own, before the password is). */
static int sign_list_take(service_context *ctx, const char *procedures, const char *signer,
                          int64_t ids[APHERESIS_SIGN_MAX], size_t *count, err *e)
{
    *count = 0;
    if (!given(procedures))
        return err_set(e, ERR_INVALID, "procedure", "is required: one procedure's id or several, "
                                                    "separated by commas");
    char copy[APHERESIS_SIGN_MAX * 24];
    if (strlen(procedures) >= sizeof copy)
        return err_set(e, ERR_INVALID, "procedure", "at most %d procedures are signed at once",
                       APHERESIS_SIGN_MAX);
    snprintf(copy, sizeof copy, "%s", procedures);
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (*count == APHERESIS_SIGN_MAX)
            return err_set(e, ERR_INVALID, "procedure", "at most %d procedures are signed at once",
                           APHERESIS_SIGN_MAX);
        if (service_id_take(item, &ids[*count], "procedure", e))
            return -1;
        for (size_t k = 0; k < *count; k++)
            if (ids[k] == ids[*count])
                return err_set(e, ERR_INVALID, "procedure", "procedure %" PRId64 " is listed twice",
                               ids[k]);
        (*count)++;
    }
    if (*count == 0)
        return err_set(e, ERR_INVALID, "procedure", "is required: one procedure's id or several, "
                                                    "separated by commas");
    if (service_begin(ctx, e))
        return -1;
    int rc = 0;
    for (size_t k = 0; k < *count && rc == 0; k++) {
        json_t *stored = NULL;
        rc = procedure_fetch(ctx, ids[k], &stored, e) || sign_check(stored, signer, e) ? -1 : 0;
        json_decref(stored);
    }
    return service_finish(ctx, rc, e);
}

int apheresis_procedure_sign(service_context *ctx, const char *procedures, const char *signer,
                             const char *password, json_t **out, err *e)
{
    int64_t ids[APHERESIS_SIGN_MAX], signer_id;
    size_t count;
    if (!given(signer))
        signer = ctx->actor.username;
    /* One password check for the whole list: the nurse signs the day's
     * records in one act, each record bearing the signature. */
    if (sign_list_take(ctx, procedures, signer, ids, &count, e) ||
        auth_signature_check(ctx, signer, password, CAPABILITY_APHERESIS_WRITE, &signer_id, e) ||
        service_begin(ctx, e))
        return -1;
    json_t *signed_records = json_array(), *after = NULL;
    int rc = 0;
    for (size_t k = 0; k < count && rc == 0; k++) {
        after = NULL;
        rc = sign_in(ctx, ids[k], signer, &after, e);
        if (rc == 0)
            json_array_append_new(signed_records, after);
    }
    if (service_finish(ctx, rc, e)) {
        json_decref(signed_records);
        return -1;
    }
    /* One procedure answers its record, as it always has; several, the
     * list of them. */
    if (count == 1) {
        *out = json_incref(json_array_get(signed_records, 0));
        json_decref(signed_records);
    } else {
        *out = json_pack("{s:o}", "items", signed_records);
    }
    return 0;
}

/* --- reading -------------------------------------------------------------------------------- */

/* A whole number as an integer ("3260", not "3260.0"), else a real. */
static json_t *number_json(double value)
{
    double whole = round(value);
    return fabs(value - whole) < 1e-6 ? json_integer((json_int_t)whole) : json_real(value);
}

/* A figure's value from the order's calculations, calc[name][key].value
 * times `scale` (1000: litres as mL, rounded to the mL). */
static json_t *figure(const json_t *order, const char *name, const char *key, double scale)
{
    const json_t *v = json_object_get(
        json_object_get(json_object_get(json_object_get(order, "calculations"), name), key),
        "value");
    if (!json_is_number(v))
        return json_null();
    double value = json_number_value(v) * scale;
    return number_json(scale >= 1000 ? round(value) : value);
}

static json_t *compared(const char *what, const char *unit, json_t *prescribed, json_t *delivered)
{
    return json_pack("{s:s, s:s, s:o, s:o}", "what", what, "unit", unit, "prescribed", prescribed,
                     "delivered", delivered);
}

/* What the order prescribed beside what the record says was given. */
static json_t *prescribed_vs_delivered(const json_t *order, const json_t *rec)
{
    json_t *rows = json_array();
    const json_t *prescription = json_object_get(order, "prescription");
    json_array_append_new(rows, compared("exchange volume / plasma removed", "mL",
                                         figure(order, "plasma_exchange", "exchange_volume", 1000),
                                         json_deep_copy(json_object_get(rec, "plasma_removed_ml"))));
    json_array_append_new(rows, compared("5% albumin vials", "vials",
                                         figure(order, "plasma_exchange", "albumin_vials", 1),
                                         json_deep_copy(json_object_get(rec, "albumin_vials"))));
    json_array_append_new(rows, compared("plasma units", "units",
                                         figure(order, "plasma_exchange", "plasma_units", 1),
                                         json_deep_copy(json_object_get(rec, "plasma_units"))));
    const json_t *ratio = json_object_get(prescription, "ratio");
    const char *given_ratio = json_string_value(json_object_get(rec, "ratio"));
    json_array_append_new(rows, compared("anticoagulant ratio 1:N", "N",
                                         json_is_number(ratio) ? number_json(json_number_value(ratio))
                                                               : json_null(),
                                         given_ratio ? number_json(atof(given_ratio)) : json_null()));
    return rows;
}

static json_t *amendment_json(db_stmt *stmt)
{
    json_t *before = json_loads(db_column_text(stmt, 2), 0, NULL);
    json_t *after = json_loads(db_column_text(stmt, 3), 0, NULL);
    json_t *changed = json_array();
    const char *key;
    json_t *value;
    json_object_foreach(after, key, value)
    {
        if (strcmp(key, "updated_at") && strcmp(key, "updated_by") &&
            strcmp(key, "amendment_count") && !json_equal(value, json_object_get(before, key)))
            json_array_append_new(changed, json_string(key));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "reason", db_column_text(stmt, 1),
                     "amended_at", db_column_text(stmt, 4), "amended_by",
                     db_column_text(stmt, 5), "changed", changed, "before",
                     before ? before : json_null(), "after", after ? after : json_null());
}

int apheresis_procedure_get(service_context *ctx, const char *procedure, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(procedure, &id, "procedure", e) || service_begin(ctx, e))
        return -1;
    json_t *rec = NULL, *amendments = NULL;
    db_stmt *stmt;
    int rc = procedure_fetch(ctx, id, &rec, e) ||
                     db_prepare(ctx->db,
                                "SELECT id, reason, before_json, after_json, amended_at, "
                                "amended_by FROM apheresis_procedure_amendments WHERE "
                                "procedure_id = ? ORDER BY id LIMIT ?",
                                &stmt, e)
                 ? -1
                 : 0;
    if (rc == 0) {
        db_bind_int64(stmt, 1, id);
        db_bind_int64(stmt, 2, AMENDMENTS_SHOWN);
        rc = service_collect_rows(stmt, amendment_json, &amendments, e) ||
                     audit_record(ctx, "apheresis_procedure", id, "read", NULL, NULL, NULL, e)
                 ? -1
                 : 0;
    }
    if (service_finish(ctx, rc, e)) {
        json_decref(rec);
        json_decref(amendments);
        return -1;
    }
    json_object_set_new(rec, "amendments", amendments);
    /* The order's prescription and calculations (its read audited too). */
    json_t *order = NULL;
    char order_id[24];
    snprintf(order_id, sizeof order_id, "%" JSON_INTEGER_FORMAT,
             json_integer_value(json_object_get(rec, "order")));
    if (apheresis_order_get(ctx, order_id, &order, e)) {
        json_decref(rec);
        return -1;
    }
    json_object_set_new(rec, "prescription", json_deep_copy(json_object_get(order, "prescription")));
    json_object_set_new(rec, "prescribed_vs_delivered", prescribed_vs_delivered(order, rec));
    json_decref(order);
    *out = rec;
    return 0;
}

static const service_sort_key procedure_sort_keys[] = {
    {"id", "a.id"},
    {"performed_on", "a.performed_on"},
    {"status", "a.status"},
};

int apheresis_procedure_list(service_context *ctx, apheresis_procedure_filter *filter,
                             json_t **out, err *e)
{
    const char *status = filter->status ? filter->status : "";
    int64_t order = 0, after = 0;
    if (*status && strcmp(status, "draft") && strcmp(status, "signed"))
        return err_set(e, ERR_INVALID, "status", "must be draft or signed");
    if ((given(filter->order) && service_id_take(filter->order, &order, "order", e)) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(procedure_sort_keys, "a.id", "a.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " PROC_COLUMNS "%s" PROC_FROM
                             " WHERE (?1 = 0 OR a.order_id = ?1) AND (?2 = '' OR a.status = ?2) "
                             "AND a.id > ?3 AND " SCOPE("?6", "?7")
                             " ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order);
    db_bind_text(stmt, 2, status);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    service_bind_market_scope(stmt, 6, 7, ctx);
    return service_collect_page(stmt, procedure_item_json, &filter->page, "id", out, e);
}

/* --- contracts ------------------------------------------------------------------------------ */

static json_t *contract_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "hospital", db_column_text(stmt, 1),
                     "market", db_column_text(stmt, 2), "effective_from",
                     db_column_text(stmt, 3), "effective_to", text_json(stmt, 4),
                     "abort_percent", (json_int_t)db_column_int64(stmt, 5), "created_at",
                     db_column_text(stmt, 6), "created_by", db_column_text(stmt, 7));
}

#define CONTRACT_SELECT                                                                            \
    "SELECT c.id, h.code, COALESCE(m.code, ''), c.effective_from, c.effective_to, "                \
    "c.abort_percent, c.created_at, c.created_by FROM apheresis_contracts c "                      \
    "JOIN hospitals h ON h.id = c.hospital_id LEFT JOIN markets m ON m.id = h.market_id"

static json_t *price_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o}", "key", db_column_text(stmt, 0), "amount",
                     service_money_json(db_column_int64(stmt, 1)));
}

/* The contract with its prices and surcharges. */
static int contract_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *c = NULL, *prices = NULL, *surcharges = NULL;
    if (db_prepare(db, CONTRACT_SELECT " WHERE c.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, contract_json, &c, "contract", e,
                          "no apheresis contract %" PRId64, id) ||
        db_prepare(db,
                   "SELECT procedure_type, price_cents FROM apheresis_contract_prices WHERE "
                   "contract_id = ? ORDER BY procedure_type",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, price_json, &prices, e) ||
        db_prepare(db,
                   "SELECT kind, amount_cents FROM apheresis_contract_surcharges WHERE "
                   "contract_id = ? ORDER BY kind",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, price_json, &surcharges, e))
        goto failed;
    json_object_set_new(c, "prices", prices);
    json_object_set_new(c, "surcharges", surcharges);
    *out = c;
    return 0;
failed:
    json_decref(c);
    json_decref(prices);
    return -1;
}

int apheresis_contract_add(service_context *ctx, const char *hospital, const char *from,
                           const char *to, const char *abort_percent, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8], from_text[DATE_TEXT_MAX], to_text[DATE_TEXT_MAX],
        previous_end[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    civil_day first, last = 0;
    long percent;
    if (!given(hospital))
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(hospital, code, "hospital", e))
        return -1;
    if (!given(from))
        return err_set(e, ERR_INVALID, "effective_from", "is required (YYYY-MM-DD)");
    if (date_parse(from, &first, "effective_from", e) ||
        (given(to) && date_parse(to, &last, "effective_to", e)))
        return -1;
    if (given(to) && last < first)
        return err_set(e, ERR_INVALID, "effective_to", "must not be before effective_from");
    if (!given(abort_percent))
        return err_set(e, ERR_INVALID, "abort_percent", "is required (0 to 100)");
    if (service_number_take(abort_percent, 0, 100, &percent, "abort_percent", e))
        return -1;
    date_format(first, from_text, sizeof from_text);
    if (given(to))
        date_format(last, to_text, sizeof to_text);
    date_format(date_add_days(first, -1), previous_end, sizeof previous_end);
    if (service_begin(ctx, e))
        return -1;
    json_t *after = NULL, *ended_before = NULL, *ended_after = NULL;
    int64_t hospital_id = 0, id = 0, ended = 0;
    db_stmt *stmt;
    int rc = -1;
    int missing = service_id_find(ctx->db, "SELECT id FROM hospitals WHERE code = ?", code,
                                  &hospital_id, e);
    if (missing < 0)
        goto done;
    if (missing) {
        err_set(e, ERR_INVALID, "hospital", "no hospital '%s'", code);
        goto done;
    }
    /* An open contract that began before ends the day before this one (a
     * change of that contract, with its own audit record). */
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_contracts SET effective_to = ?1 WHERE hospital_id = ?2 AND "
                   "effective_to IS NULL AND effective_from < ?3 RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, previous_end);
    db_bind_int64(stmt, 2, hospital_id);
    db_bind_text(stmt, 3, from_text);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        ended = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step == DB_FAILED)
        goto done;
    if (ended) {
        if (contract_fetch(ctx->db, ended, &ended_after, e))
            goto done;
        ended_before = json_deep_copy(ended_after);
        json_object_set_new(ended_before, "effective_to", json_null());
        if (audit_record(ctx, "apheresis_contract", ended, "end", ended_before, ended_after, NULL,
                         e))
            goto done;
    }
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM apheresis_contracts WHERE hospital_id = ?1 AND "
                   "(effective_to IS NULL OR effective_to >= ?2) AND (?3 = '' OR "
                   "effective_from <= ?3)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, from_text);
    db_bind_text(stmt, 3, given(to) ? to_text : "");
    int overlap = service_row_exists(stmt, e);
    if (overlap) {
        if (overlap > 0)
            err_set(e, ERR_CONFLICT, "effective_from",
                    "%s has an apheresis contract in force in that time", code);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO apheresis_contracts (hospital_id, effective_from, effective_to, "
                   "abort_percent, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, from_text);
    if (given(to))
        db_bind_text(stmt, 3, to_text);
    else
        db_bind_null(stmt, 3);
    db_bind_int64(stmt, 4, percent);
    db_bind_text(stmt, 5, service_now_text(now));
    db_bind_text(stmt, 6, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || contract_fetch(ctx->db, id, &after, e) ||
                 audit_record(ctx, "apheresis_contract", id, "create", NULL, after, NULL, e)
             ? -1
             : 0;
done:
    json_decref(ended_before);
    json_decref(ended_after);
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

/* Set one amount of a contract: `sql` upserts (contract, key, cents). */
static int contract_amount_set(service_context *ctx, const char *contract, const char *key,
                               const char *amount, const char *field, const char *sql,
                               const char *action, json_t **out, err *e)
{
    int64_t id, cents;
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    if (!given(amount))
        return err_set(e, ERR_INVALID, field, "is required (dollars, e.g. 1200.00)");
    if (receivables_price_parse(amount, &cents, field, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (contract_fetch(ctx->db, id, &before, e) || db_prepare(ctx->db, sql, &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, key);
    db_bind_int64(stmt, 3, cents);
    rc = db_exec_stmt(stmt, e) || contract_fetch(ctx->db, id, &after, e) ||
                 audit_record(ctx, "apheresis_contract", id, action, before, after, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int apheresis_contract_price(service_context *ctx, const char *contract,
                             const char *procedure_type, const char *price, json_t **out,
                             err *e)
{
    apheresis_procedure type;
    if (apheresis_procedure_parse(procedure_type, "procedure_type", &type, e))
        return -1;
    return contract_amount_set(
        ctx, contract, apheresis_procedure_name(type), price, "price",
        "INSERT INTO apheresis_contract_prices (contract_id, procedure_type, price_cents) "
        "VALUES (?1, ?2, ?3) ON CONFLICT (contract_id, procedure_type) DO UPDATE SET "
        "price_cents = ?3",
        "price", out, e);
}

int apheresis_contract_surcharge(service_context *ctx, const char *contract, const char *kind,
                                 const char *amount, json_t **out, err *e)
{
    if (!kind || (strcmp(kind, "after_hours") && strcmp(kind, "weekend") &&
                  strcmp(kind, "holiday") && strcmp(kind, "stat")))
        return err_set(e, ERR_INVALID, "kind", "must be after_hours, weekend, holiday or stat");
    return contract_amount_set(
        ctx, contract, kind, amount, "amount",
        "INSERT INTO apheresis_contract_surcharges (contract_id, kind, amount_cents) "
        "VALUES (?1, ?2, ?3) ON CONFLICT (contract_id, kind) DO UPDATE SET amount_cents = ?3",
        "surcharge", out, e);
}

int apheresis_contract_get(service_context *ctx, const char *contract, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(contract, &id, "contract", e))
        return -1;
    return contract_fetch(ctx->db, id, out, e);
}

int apheresis_contract_list(service_context *ctx, const char *hospital, json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8] = "";
    if (given(hospital) && registry_code_take(hospital, code, "hospital", e))
        return -1;
    db_stmt *stmt;
    json_t *list = NULL;
    if (db_prepare(ctx->db,
                   CONTRACT_SELECT " WHERE (?1 = '' OR h.code = ?1) ORDER BY h.code, "
                                   "c.effective_from LIMIT 500",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    if (service_collect_rows(stmt, contract_json, &list, e))
        return -1;
    /* The prices and surcharges of all listed contracts: one statement
     * each, not one per contract. */
    json_t *by_id = json_object(), *c;
    char key[24];
    size_t i;
    json_array_foreach(list, i, c)
    {
        json_object_set_new(c, "prices", json_array());
        json_object_set_new(c, "surcharges", json_array());
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(c, "id")));
        json_object_set(by_id, key, c);
    }
    static const char *const amounts[][2] = {
        {"prices", "SELECT x.procedure_type, x.price_cents, x.contract_id FROM "
                   "apheresis_contract_prices x JOIN apheresis_contracts c ON c.id = "
                   "x.contract_id JOIN hospitals h ON h.id = c.hospital_id WHERE (?1 = '' OR "
                   "h.code = ?1) ORDER BY x.contract_id, x.procedure_type"},
        {"surcharges", "SELECT x.kind, x.amount_cents, x.contract_id FROM "
                       "apheresis_contract_surcharges x JOIN apheresis_contracts c ON c.id = "
                       "x.contract_id JOIN hospitals h ON h.id = c.hospital_id WHERE (?1 = '' "
                       "OR h.code = ?1) ORDER BY x.contract_id, x.kind"}};
    int rc = 0;
    for (size_t k = 0; k < 2 && !rc; k++) {
        if (db_prepare(ctx->db, amounts[k][1], &stmt, e)) {
            rc = -1;
            break;
        }
        db_bind_text(stmt, 1, code);
        db_step_result step;
        while ((step = db_step(stmt, e)) == DB_ROW) {
            snprintf(key, sizeof key, "%" PRId64, db_column_int64(stmt, 2));
            json_t *owner = json_object_get(by_id, key);
            if (owner) /* beyond the listed 500: not shown */
                json_array_append_new(json_object_get(owner, amounts[k][0]), price_json(stmt));
        }
        db_reset(stmt);
        if (step == DB_FAILED)
            rc = -1;
    }
    json_decref(by_id);
    if (rc) {
        json_decref(list);
        return -1;
    }
    *out = json_pack("{s:o}", "items", list);
    return 0;
}

/* --- standard costs --------------------------------------------------------------------------- */

static json_t *cost_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o, s:s, s:s}", "item", db_column_text(stmt, 0), "amount",
                     service_money_json(db_column_int64(stmt, 1)), "updated_at",
                     db_column_text(stmt, 2), "updated_by", db_column_text(stmt, 3));
}

int apheresis_cost_set(service_context *ctx, const char *item, const char *amount,
                       json_t **out, err *e)
{
    char key[64];
    int64_t cents;
    if (!given(item))
        return err_set(e, ERR_INVALID, "item", "is required");
    if (strncmp(item, "nurse_hour:", 11) == 0) {
        char market[REGISTRY_CODE_MAX + 8];
        if (registry_code_take(item + 11, market, "item", e))
            return -1;
        snprintf(key, sizeof key, "nurse_hour:%s", market);
    } else if (strncmp(item, "kit:", 4) == 0) {
        apheresis_procedure type;
        if (apheresis_procedure_parse(item + 4, "item", &type, e))
            return -1;
        snprintf(key, sizeof key, "kit:%s", apheresis_procedure_name(type));
    } else if (strcmp(item, "albumin_vial") == 0 || strcmp(item, "plasma_unit") == 0) {
        snprintf(key, sizeof key, "%s", item);
    } else {
        return err_set(e, ERR_INVALID, "item",
                       "must be nurse_hour:MARKET, kit:PROCEDURE_TYPE, albumin_vial or "
                       "plasma_unit");
    }
    if (!given(amount))
        return err_set(e, ERR_INVALID, "amount", "is required (dollars, e.g. 85.00)");
    if (receivables_price_parse(amount, &cents, "amount", e) || service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    if (strncmp(key, "nurse_hour:", 11) == 0) {
        int64_t market_id = 0;
        int missing = service_id_find(ctx->db, "SELECT id FROM markets WHERE code = ?", key + 11,
                                      &market_id, e);
        if (missing < 0)
            goto done;
        if (missing) {
            err_set(e, ERR_INVALID, "item", "no market '%s'", key + 11);
            goto done;
        }
    }
    if (db_prepare(ctx->db, "SELECT item, cents, updated_at, updated_by FROM apheresis_costs "
                            "WHERE item = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, key);
    if (service_fetch_one(stmt, cost_json, &before, "item", e, "none") && e->code != ERR_NOT_FOUND)
        goto done;
    if (db_prepare(ctx->db,
                   "INSERT INTO apheresis_costs (item, cents, updated_at, updated_by) VALUES "
                   "(?1, ?2, ?3, ?4) ON CONFLICT (item) DO UPDATE SET cents = ?2, "
                   "updated_at = ?3, updated_by = ?4",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, key);
    db_bind_int64(stmt, 2, cents);
    db_bind_text(stmt, 3, service_now_text(now));
    db_bind_text(stmt, 4, ctx->actor.username);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db, "SELECT item, cents, updated_at, updated_by FROM apheresis_costs "
                            "WHERE item = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, key);
    rc = service_fetch_one(stmt, cost_json, &after, "item", e, "no cost %s", key) ||
                 audit_append(ctx, "apheresis_cost", key, "set", before, after, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int apheresis_cost_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *items = NULL;
    if (db_prepare(ctx->db,
                   "SELECT item, cents, updated_at, updated_by FROM apheresis_costs ORDER BY item",
                   &stmt, e) ||
        service_collect_rows(stmt, cost_json, &items, e))
        return -1;
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* --- volumes ------------------------------------------------------------------------------------ */

static json_t *average(int64_t revenue, int64_t count)
{
    return service_money_json(count ? (revenue + count / 2) / count : 0);
}

static json_t *volume_json(db_stmt *stmt)
{
    int64_t count = db_column_int64(stmt, 2), revenue = db_column_int64(stmt, 4);
    return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o}", "market", db_column_text(stmt, 0),
                     "procedure_type", db_column_text(stmt, 1), "procedures", (json_int_t)count,
                     "aborted", (json_int_t)db_column_int64(stmt, 3), "revenue",
                     service_money_json(revenue), "average_price", average(revenue, count));
}

#define VOLUME_FROM                                                                                \
    " FROM apheresis_procedures a JOIN apheresis_orders o ON o.id = a.order_id "                  \
    "JOIN apheresis_patients p ON p.id = o.patient_id JOIN hospitals h ON h.id = p.hospital_id "  \
    "LEFT JOIN markets m ON m.id = h.market_id WHERE a.status = 'signed' AND "                    \
    "a.performed_on >= ?1 AND a.performed_on <= ?2"

static void bind_days(db_stmt *stmt, civil_day first, civil_day last)
{
    char a[DATE_TEXT_MAX], b[DATE_TEXT_MAX];
    db_bind_text(stmt, 1, date_format(first, a, sizeof a));
    db_bind_text(stmt, 2, date_format(last, b, sizeof b));
}

/* The sums of apheresis_days, kept as procedures are signed: as many rows
 * as days and markets, however many procedures. */
#define VOLUME_DAYS " FROM apheresis_days WHERE day >= ?1 AND day <= ?2"

int apheresis_volumes_between(db_conn *db, civil_day first, civil_day last, int64_t *procedures,
                              int64_t *revenue, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT COALESCE(SUM(procedures), 0), COALESCE(SUM(revenue_cents), 0)"
                   VOLUME_DAYS, &stmt, e))
        return -1;
    bind_days(stmt, first, last);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *procedures = db_column_int64(stmt, 0);
        *revenue = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_ROW ? 0 : -1;
}

static json_t *market_volume_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:I, s:I}", "market", db_column_text(stmt, 0), "procedures",
                     (json_int_t)db_column_int64(stmt, 1), "revenue_cents",
                     (json_int_t)db_column_int64(stmt, 2));
}

int apheresis_market_volumes_between(db_conn *db, civil_day first, civil_day last,
                                     json_t **markets, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT market, SUM(procedures), SUM(revenue_cents)" VOLUME_DAYS
                   " GROUP BY market ORDER BY market",
                   &stmt, e))
        return -1;
    bind_days(stmt, first, last);
    return service_collect_rows(stmt, market_volume_json, markets, e);
}

int apheresis_volumes(service_context *ctx, const char *period, json_t **out, err *e)
{
    ledger_period p;
    if (!given(period))
        return err_set(e, ERR_INVALID, "period", "is required (2026, 2026Q4 or 2026-12)");
    if (ledger_period_parse(period, &p, "period", e))
        return -1;
    db_stmt *stmt;
    json_t *rows = NULL;
    int64_t count = 0, revenue = 0;
    if (db_prepare(ctx->db,
                   "SELECT COALESCE(m.code, ''), o.procedure_type, COUNT(*), "
                   "SUM(CASE WHEN a.outcome = 'aborted' THEN 1 ELSE 0 END), "
                   "SUM(a.price_cents)" VOLUME_FROM
                   " GROUP BY COALESCE(m.code, ''), o.procedure_type "
                   "ORDER BY COALESCE(m.code, ''), o.procedure_type",
                   &stmt, e))
        return -1;
    bind_days(stmt, p.first_day, p.last_day);
    if (service_collect_rows(stmt, volume_json, &rows, e) ||
        apheresis_volumes_between(ctx->db, p.first_day, p.last_day, &count, &revenue, e)) {
        json_decref(rows);
        return -1;
    }
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX];
    *out = json_pack("{s:s, s:s, s:s, s:o, s:o}", "period", p.text, "first_day",
                     date_format(p.first_day, first, sizeof first), "last_day",
                     date_format(p.last_day, last, sizeof last), "items", rows, "total",
                     json_pack("{s:I, s:o, s:o}", "procedures", (json_int_t)count, "revenue",
                               service_money_json(revenue), "average_price",
                               average(revenue, count)));
    return 0;
}
