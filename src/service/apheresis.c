/*
 * apheresis.c - apheresis patients and physicians' orders (see
 * apheresis.h; docs/apheresis.md). The one writer of apheresis_patients
 * and apheresis_orders; the calculations are domain/apheresis.c's, their
 * JSON service/apheresis_calc.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/date.h"
#include "base/decimal.h"
#include "base/local_time.h"
#include "domain/apheresis.h"
#include "domain/registry.h"
#include "service/apheresis.h"
#include "service/apheresis_calc.h"
#include "service/audit.h"
#include "service/registry.h"

enum { MRN_MAX = 32, INDICATION_MAX = 500, REASON_MAX = 500, ORDERS_SHOWN = 100 };

/* The market scope of a statement reading patients (`h`, their
 * hospitals), its placeholders numbered after the statement's own. */
#define PATIENT_SCOPE(limited, user) SERVICE_MARKET_SCOPE("h.market_id", limited, user)

/* A decimal kept as text, as a JSON number (null when not given). */
static json_t *decimal_json(const char *text)
{
    double value;
    if (!text || decimal_parse(text, &value))
        return json_null();
    return json_real(value);
}

static json_t *text_json(db_stmt *stmt, int column)
{
    return service_json_text(db_column_text(stmt, column));
}

/* --- patients: reading ------------------------------------------------------------- */

#define PATIENT_COLUMNS                                                                            \
    "p.id, h.code, h.name, COALESCE(m.code, ''), p.mrn, p.family_name, p.given_name, "             \
    "p.birth_date, p.sex, p.height_m, p.weight_kg, p.created_at, p.created_by, p.updated_at, "    \
    "p.updated_by, (SELECT COUNT(*) FROM apheresis_orders o WHERE o.patient_id = p.id AND "        \
    "o.status = 'active')"
#define PATIENT_FROM                                                                               \
    " FROM apheresis_patients p JOIN hospitals h ON h.id = p.hospital_id "                         \
    "LEFT JOIN markets m ON m.id = h.market_id"

/* A patient as the list shows them: who and where, no clinical data. */
static json_t *patient_item_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "hospital", db_column_text(stmt, 1),
                     "hospital_name", db_column_text(stmt, 2), "market",
                     db_column_text(stmt, 3), "mrn", db_column_text(stmt, 4), "family_name",
                     db_column_text(stmt, 5), "given_name", db_column_text(stmt, 6),
                     "birth_date", db_column_text(stmt, 7), "active_orders",
                     (json_int_t)db_column_int64(stmt, 15));
}

/* The whole record. */
static json_t *patient_json(db_stmt *stmt)
{
    json_t *p = patient_item_json(stmt);
    json_object_set_new(p, "sex", json_string(db_column_text(stmt, 8)));
    json_object_set_new(p, "height_m", decimal_json(db_column_text(stmt, 9)));
    json_object_set_new(p, "weight_kg", decimal_json(db_column_text(stmt, 10)));
    json_object_set_new(p, "created_at", text_json(stmt, 11));
    json_object_set_new(p, "created_by", text_json(stmt, 12));
    json_object_set_new(p, "updated_at", text_json(stmt, 13));
    json_object_set_new(p, "updated_by", text_json(stmt, 14));
    return p;
}

/* The patient's blood volume, from their record's sex, height and weight. */
static int patient_tbv(const json_t *patient, apheresis_tbv *tbv, err *e)
{
    apheresis_sex sex;
    if (apheresis_sex_parse(json_string_value(json_object_get(patient, "sex")), "sex", &sex, e))
        return -1;
    return apheresis_tbv_compute(sex, json_real_value(json_object_get(patient, "height_m")),
                                 json_real_value(json_object_get(patient, "weight_kg")), tbv, e);
}

/* Patient `id` within the actor's scope, else ERR_NOT_FOUND naming
 * `field`. */
static int patient_fetch(service_context *ctx, int64_t id, const char *field, json_t **out,
                         err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " PATIENT_COLUMNS PATIENT_FROM " WHERE p.id = ?1 AND " PATIENT_SCOPE("?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    return service_fetch_one(stmt, patient_json, out, field, e, "no patient %" PRId64, id);
}

static int audit_record(service_context *ctx, const char *entity, int64_t id, const char *action,
                        json_t *before, json_t *after, const char *reason, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, entity, key, action, before, after, reason, e);
}

/* --- patients: checks -------------------------------------------------------------- */

static int mrn_check(const char *mrn, err *e)
{
    if (registry_required_text_check(mrn, MRN_MAX, "mrn", e))
        return -1;
    for (const char *p = mrn; *p; p++)
        if (*p == '\n')
            return err_set(e, ERR_INVALID, "mrn", "must be one line");
    if (mrn[0] == ' ' || mrn[strlen(mrn) - 1] == ' ')
        return err_set(e, ERR_INVALID, "mrn", "must not begin or end with a space");
    return 0;
}

/* Sex, height and weight as the blood volume takes them. */
static int body_check(const char *sex_text, const char *height, const char *weight, err *e)
{
    apheresis_sex sex;
    double height_m, weight_kg;
    apheresis_tbv tbv;
    return apheresis_sex_parse(sex_text, "sex", &sex, e) ||
                   apheresis_number_parse(height, "height_m", &height_m, e) ||
                   apheresis_number_parse(weight, "weight_kg", &weight_kg, e) ||
                   apheresis_tbv_compute(sex, height_m, weight_kg, &tbv, e)
               ? -1
               : 0;
}

/* A birth date, not after `today`, written back into `out`. */
static int birth_date_check(const char *text, civil_day today, char out[DATE_TEXT_MAX], err *e)
{
    civil_day day;
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "birth_date", "is required (YYYY-MM-DD)");
    if (date_parse(text, &day, "birth_date", e))
        return -1;
    if (day > today)
        return err_set(e, ERR_INVALID, "birth_date", "%s is in the future", text);
    if (date_days_between(day, today) > 130 * 366)
        return err_set(e, ERR_INVALID, "birth_date", "%s is more than 130 years ago", text);
    date_format(day, out, DATE_TEXT_MAX);
    return 0;
}

/* Today at the hospital `hospital_id` (its market's zone, else the
 * default's). */
static int hospital_today(db_conn *db, int64_t hospital_id, civil_day *today, err *e)
{
    db_stmt *stmt;
    char zone[TIME_ZONE_NAME_MAX] = TIME_ZONE_DEFAULT;
    if (db_prepare(db,
                   "SELECT COALESCE(m.time_zone, '') FROM hospitals h "
                   "LEFT JOIN markets m ON m.id = h.market_id WHERE h.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, hospital_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW && *db_column_text(stmt, 0))
        snprintf(zone, sizeof zone, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    return local_today(zone, today, e);
}

/* The hospital `code` (taken as typed elsewhere) into *id: ERR_INVALID
 * when there is none, ERR_FORBIDDEN when it is outside the actor's
 * markets. */
static int hospital_find(service_context *ctx, const char *code, int64_t *id, err *e)
{
    char normal[REGISTRY_CODE_MAX + 8];
    if (!code || !*code)
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(code, normal, "hospital", e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT h.id, CASE WHEN " SERVICE_MARKET_SCOPE("h.market_id", "?2", "?3")
                   " THEN 1 ELSE 0 END FROM hospitals h WHERE h.code = ?1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, normal);
    service_bind_market_scope(stmt, 2, 3, ctx);
    db_step_result step = db_step(stmt, e);
    int visible = 0;
    if (step == DB_ROW) {
        *id = db_column_int64(stmt, 0);
        visible = db_column_int64(stmt, 1) != 0;
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_DONE)
        return err_set(e, ERR_INVALID, "hospital", "no hospital '%s'", normal);
    if (!visible)
        return err_set(e, ERR_FORBIDDEN, "hospital",
                       "%s is not in a market you are assigned to: an administrator assigns "
                       "markets (bloodops user scope)",
                       normal);
    return 0;
}

/* --- patients: writing ------------------------------------------------------------- */

int apheresis_patient_create(service_context *ctx, const apheresis_patient_input *in,
                             json_t **out, err *e)
{
    if (mrn_check(in->mrn, e) || registry_name_check(in->family_name, "family_name", e) ||
        registry_name_check(in->given_name, "given_name", e) ||
        body_check(in->sex, in->height_m, in->weight_kg, e))
        return -1;
    if (!in->birth_date || !*in->birth_date)
        return err_set(e, ERR_INVALID, "birth_date", "is required (YYYY-MM-DD)");
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t hospital_id = 0, id = 0;
    civil_day today;
    char birth[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    apheresis_sex sex;
    db_stmt *stmt;
    int rc = -1;
    if (hospital_find(ctx, in->hospital, &hospital_id, e) ||
        hospital_today(ctx->db, hospital_id, &today, e) ||
        birth_date_check(in->birth_date, today, birth, e) ||
        apheresis_sex_parse(in->sex, "sex", &sex, e))
        goto done;
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM apheresis_patients WHERE hospital_id = ? AND mrn = ?", &stmt,
                   e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, in->mrn);
    int taken = service_row_exists(stmt, e);
    if (taken) {
        if (taken > 0)
            err_set(e, ERR_CONFLICT, "mrn", "the hospital has a patient with the number %s",
                    in->mrn);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO apheresis_patients (hospital_id, mrn, family_name, given_name, "
                   "birth_date, sex, height_m, weight_kg, created_at, created_by, updated_at, "
                   "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10) "
                   "RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, in->mrn);
    db_bind_text(stmt, 3, in->family_name);
    db_bind_text(stmt, 4, in->given_name);
    db_bind_text(stmt, 5, birth);
    db_bind_text(stmt, 6, apheresis_sex_name(sex));
    db_bind_text(stmt, 7, in->height_m);
    db_bind_text(stmt, 8, in->weight_kg);
    db_bind_text(stmt, 9, service_now_text(now));
    db_bind_text(stmt, 10, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e)) {
        /* Another request added that MRN at the hospital meanwhile. */
        if (e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "mrn", "the hospital has a patient with the number %s",
                    in->mrn);
        goto done;
    }
    rc = patient_fetch(ctx, id, "patient", &record, e) ||
                 audit_record(ctx, "apheresis_patient", id, "create", NULL, record, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

/* The field's new text when given, else the record's. */
static const char *kept(const char *given_text, const json_t *record, const char *key)
{
    return given_text ? given_text : json_string_value(json_object_get(record, key));
}

enum { NUMBER_TEXT_MAX = 32 };

/* The same for a number, the record's written into `out`. */
static const char *kept_number(const char *given_text, const json_t *record, const char *key,
                               char out[NUMBER_TEXT_MAX])
{
    if (given_text)
        return given_text;
    snprintf(out, NUMBER_TEXT_MAX, "%.15g", json_real_value(json_object_get(record, key)));
    return out;
}

int apheresis_patient_edit(service_context *ctx, const char *patient,
                           const apheresis_patient_input *in, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(patient, &id, "patient", e))
        return -1;
    if (in->hospital)
        return err_set(e, ERR_INVALID, "hospital",
                       "cannot be changed: a patient at another hospital is a new patient");
    if (!in->mrn && !in->family_name && !in->given_name && !in->birth_date && !in->sex &&
        !in->height_m && !in->weight_kg)
        return err_set(e, ERR_INVALID, "mrn",
                       "is required, or another field to change (family_name, given_name, "
                       "birth_date, sex, height_m, weight_kg)");
    if ((in->mrn && mrn_check(in->mrn, e)) ||
        (in->family_name && registry_name_check(in->family_name, "family_name", e)) ||
        (in->given_name && registry_name_check(in->given_name, "given_name", e)))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char height[NUMBER_TEXT_MAX], weight[NUMBER_TEXT_MAX], birth[DATE_TEXT_MAX],
        now[TIMESTAMP_TEXT_MAX];
    int64_t hospital_id = 0;
    civil_day today;
    apheresis_sex sex;
    db_stmt *stmt;
    int rc = -1;
    if (patient_fetch(ctx, id, "patient", &before, e))
        goto done;
    const char *sex_given = kept(in->sex, before, "sex");
    const char *height_given = kept_number(in->height_m, before, "height_m", height);
    const char *weight_given = kept_number(in->weight_kg, before, "weight_kg", weight);
    if (body_check(sex_given, height_given, weight_given, e) ||
        apheresis_sex_parse(sex_given, "sex", &sex, e) ||
        db_prepare(ctx->db, "SELECT hospital_id FROM apheresis_patients WHERE id = ?", &stmt,
                   e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step != DB_ROW) {
        db_reset(stmt);
        if (step == DB_DONE)
            err_set(e, ERR_NOT_FOUND, "patient", "no patient %" PRId64, id);
        goto done;
    }
    hospital_id = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (hospital_today(ctx->db, hospital_id, &today, e) ||
        birth_date_check(kept(in->birth_date, before, "birth_date"), today,
                         birth, e))
        goto done;
    const char *mrn = kept(in->mrn, before, "mrn");
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM apheresis_patients WHERE hospital_id = ? AND mrn = ? AND id <> ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, mrn);
    db_bind_int64(stmt, 3, id);
    int taken = service_row_exists(stmt, e);
    if (taken) {
        if (taken > 0)
            err_set(e, ERR_CONFLICT, "mrn", "the hospital has another patient with the number %s",
                    mrn);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_patients SET mrn = ?, family_name = ?, given_name = ?, "
                   "birth_date = ?, sex = ?, height_m = ?, weight_kg = ?, updated_at = ?, "
                   "updated_by = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, mrn);
    db_bind_text(stmt, 2, kept(in->family_name, before, "family_name"));
    db_bind_text(stmt, 3, kept(in->given_name, before, "given_name"));
    db_bind_text(stmt, 4, birth);
    db_bind_text(stmt, 5, apheresis_sex_name(sex));
    db_bind_text(stmt, 6, height_given);
    db_bind_text(stmt, 7, weight_given);
    db_bind_text(stmt, 8, service_now_text(now));
    db_bind_text(stmt, 9, ctx->actor.username);
    db_bind_int64(stmt, 10, id);
    rc = db_exec_stmt(stmt, e) || patient_fetch(ctx, id, "patient", &after, e) ||
                 audit_record(ctx, "apheresis_patient", id, "edit", before, after, NULL, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- orders: the prescription and its calculations --------------------------------- */

/* An order's prescription and course, checked: numbers with `has_` 0
 * when not given. */
typedef struct {
    apheresis_procedure procedure;
    long procedures;
    int has_hct, has_volumes, has_albumin, has_replacement_hct, has_remaining, has_target_hct,
        has_unit_ml, has_ratio, has_inlet;
    double hct, volumes, albumin_fraction, replacement_hct, remaining, target_hct, unit_ml,
        ratio, inlet_ml_min;
    const char *anticoagulant; /* NULL when not given */
} prescription;

static int given(const char *text)
{
    return text && *text;
}

/* A number of the prescription when given; *has says whether it was. */
static int optional_number(const char *text, const char *field, int *has, double *out, err *e)
{
    *has = given(text);
    return *has ? apheresis_number_parse(text, field, out, e) : 0;
}

/* Refuses a field given for a procedure it does not apply to. */
static int not_for(int has, const char *field, apheresis_procedure procedure, err *e)
{
    if (has)
        return err_set(e, ERR_INVALID, field, "does not apply to %s",
                       apheresis_procedure_label(procedure));
    return 0;
}

static int required_for(int has, const char *field, apheresis_procedure procedure, err *e)
{
    if (!has)
        return err_set(e, ERR_INVALID, field, "is required for %s",
                       apheresis_procedure_label(procedure));
    return 0;
}

static int open_fraction_check(int has, double value, const char *field, err *e)
{
    if (has && !(value > 0 && value < 1))
        return err_set(e, ERR_INVALID, field,
                       "must be a fraction strictly between 0 and 1 (0.30 for 30%%)");
    return 0;
}

/* The course and prescription of `in` checked, into *p (the anticoagulant
 * points to a constant). The calculations check the ranges they use. */
static int prescription_take(const apheresis_order_input *in, prescription *p, err *e)
{
    memset(p, 0, sizeof *p);
    const char *ratio = in->ratio;
    /* "1:12" is the ratio as written on the device; "12" its N. */
    if (ratio && strncmp(ratio, "1:", 2) == 0)
        ratio += 2;
    if (apheresis_procedure_parse(in->procedure_type, "procedure_type", &p->procedure, e) ||
        service_number_take(in->procedures, 1, APHERESIS_PROCEDURES_MAX, &p->procedures,
                            "procedures", e) ||
        optional_number(in->hct, "hct", &p->has_hct, &p->hct, e) ||
        optional_number(in->volumes, "volumes", &p->has_volumes, &p->volumes, e) ||
        optional_number(in->albumin_fraction, "albumin_fraction", &p->has_albumin,
                        &p->albumin_fraction, e) ||
        optional_number(in->replacement_hct, "replacement_hct", &p->has_replacement_hct,
                        &p->replacement_hct, e) ||
        optional_number(in->remaining, "remaining", &p->has_remaining, &p->remaining, e) ||
        optional_number(in->target_hct, "target_hct", &p->has_target_hct, &p->target_hct, e) ||
        optional_number(in->unit_ml, "unit_ml", &p->has_unit_ml, &p->unit_ml, e) ||
        optional_number(ratio, "ratio", &p->has_ratio, &p->ratio, e) ||
        optional_number(in->inlet_ml_min, "inlet_ml_min", &p->has_inlet, &p->inlet_ml_min, e) ||
        (given(in->anticoagulant) &&
         apheresis_anticoagulant_parse(in->anticoagulant, "anticoagulant", &p->anticoagulant,
                                       e)))
        return -1;
    apheresis_procedure t = p->procedure;
    int exchange = t == APHERESIS_PLASMA_EXCHANGE, red = t == APHERESIS_RED_CELL_EXCHANGE;
    if ((!exchange && (not_for(p->has_volumes, "volumes", t, e) ||
                       not_for(p->has_albumin, "albumin_fraction", t, e))) ||
        (!red && (not_for(p->has_replacement_hct, "replacement_hct", t, e) ||
                  not_for(p->has_remaining, "remaining", t, e) ||
                  not_for(p->has_target_hct, "target_hct", t, e) ||
                  not_for(p->has_unit_ml, "unit_ml", t, e))) ||
        (exchange && (required_for(p->has_hct, "hct", t, e) ||
                      required_for(p->has_volumes, "volumes", t, e))) ||
        (red && (required_for(p->has_hct, "hct", t, e) ||
                 required_for(p->has_replacement_hct, "replacement_hct", t, e) ||
                 required_for(p->has_remaining, "remaining", t, e))) ||
        open_fraction_check(p->has_hct, p->hct, "hct", e) ||
        open_fraction_check(p->has_target_hct, p->target_hct, "target_hct", e))
        return -1;
    if (t == APHERESIS_ADSORPTIVE && p->procedures != 5 && p->procedures != 10)
        return err_set(e, ERR_INVALID, "procedures",
                       "must be 5 or 10 for an adsorptive course (weekly sessions)");
    if (p->has_unit_ml && p->unit_ml == 0)
        return err_set(e, ERR_INVALID, "unit_ml", "must be between 100 and 500 mL");
    if (p->has_ratio && !p->anticoagulant)
        return err_set(e, ERR_INVALID, "anticoagulant", "is required with a ratio");
    if (p->has_inlet && !p->has_ratio)
        return err_set(e, ERR_INVALID, "ratio", "is required with an inlet rate (1:N)");
    return 0;
}

/* The order's calculations from the patient's blood volume and the
 * prescription: {"tbv", "plasma_exchange"?, "red_cell_exchange"?,
 * "adsorptive"?, "anticoagulant"?}, each as its calculator answers. */
static int calculations(const apheresis_tbv *tbv, const prescription *p, json_t **out, err *e)
{
    json_t *all = json_object();
    apheresis_figures figures = {0};
    apheresis_tbv_figures(tbv, &figures);
    json_object_set_new(all, "tbv", apheresis_figures_json("tbv", &figures));
    if (p->procedure == APHERESIS_PLASMA_EXCHANGE) {
        apheresis_plasma_exchange r;
        if (apheresis_plasma_exchange_compute(tbv, p->hct, p->volumes,
                                              p->has_albumin ? p->albumin_fraction : 1.0, &r, e))
            goto failed;
        figures.count = 0;
        apheresis_plasma_exchange_figures(&r, &figures);
        json_object_set_new(all, "plasma_exchange",
                            apheresis_figures_json("plasma-exchange", &figures));
    }
    if (p->procedure == APHERESIS_RED_CELL_EXCHANGE) {
        apheresis_red_cell_exchange r;
        if (apheresis_red_cell_exchange_compute(
                tbv->tbv_l, p->hct, p->replacement_hct, p->remaining,
                p->has_unit_ml ? p->unit_ml : APHERESIS_RED_CELL_UNIT_ML_DEFAULT, &r, e))
            goto failed;
        figures.count = 0;
        apheresis_red_cell_exchange_figures(&r, &figures);
        json_object_set_new(all, "red_cell_exchange",
                            apheresis_figures_json("red-cell-exchange", &figures));
    }
    if (p->procedure == APHERESIS_ADSORPTIVE) {
        apheresis_adsorptive r;
        if (apheresis_adsorptive_compute(p->procedures, &r, e))
            goto failed;
        figures.count = 0;
        apheresis_adsorptive_figures(&r, &figures);
        json_object_set_new(all, "adsorptive", apheresis_figures_json("adsorptive", &figures));
    }
    if (p->has_inlet) {
        apheresis_anticoagulant r;
        if (apheresis_anticoagulant_compute(p->inlet_ml_min, p->ratio, &r, e))
            goto failed;
        figures.count = 0;
        apheresis_anticoagulant_figures(&r, &figures);
        json_object_set_new(all, "anticoagulant",
                            apheresis_figures_json("anticoagulant", &figures));
    } else if (p->has_ratio && !(p->ratio >= APHERESIS_RATIO_MIN && p->ratio <= APHERESIS_RATIO_MAX)) {
        err_set(e, ERR_INVALID, "ratio", "must be the N of a ratio 1:N between 2 and 50");
        goto failed;
    }
    *out = all;
    return 0;
failed:
    json_decref(all);
    return -1;
}

/* --- orders: reading --------------------------------------------------------------- */

#define ORDER_COLUMNS                                                                              \
    "o.id, o.patient_id, p.family_name, p.given_name, p.mrn, h.code, o.physician, "               \
    "o.procedure_type, o.indication, o.asfa_category, o.asfa_grade, o.procedures, "                \
    "o.frequency_kind, o.frequency_n, o.volumes, o.albumin_fraction, o.replacement_hct, "         \
    "o.remaining, o.target_hct, o.unit_ml, o.anticoagulant, o.ratio, o.inlet_ml_min, o.hct, "     \
    "o.status, o.status_reason, o.created_at, o.created_by, o.cancelled_at, o.cancelled_by, "     \
    "h.name, COALESCE(m.code, '')"
#define ORDER_FROM                                                                                 \
    " FROM apheresis_orders o JOIN apheresis_patients p ON p.id = o.patient_id "                  \
    "JOIN hospitals h ON h.id = p.hospital_id LEFT JOIN markets m ON m.id = h.market_id"

static const char *procedure_label_of(const char *name)
{
    apheresis_procedure procedure;
    err ignored;
    return apheresis_procedure_parse(name, "procedure_type", &procedure, &ignored)
               ? name
               : apheresis_procedure_label(procedure);
}

static void frequency_text(db_stmt *stmt, char *out, size_t size)
{
    apheresis_frequency frequency = {
        strcmp(db_column_text(stmt, 12), "per_week") == 0 ? APHERESIS_PER_WEEK
                                                          : APHERESIS_EVERY_DAYS,
        (long)db_column_int64(stmt, 13)};
    apheresis_frequency_format(&frequency, out, size);
}

/* An order as lists show it: whose, which procedure, its course, status. */
static json_t *order_item_json(db_stmt *stmt)
{
    char name[2 * REGISTRY_NAME_BYTES_MAX + 4], frequency[32];
    snprintf(name, sizeof name, "%s, %s", db_column_text(stmt, 2), db_column_text(stmt, 3));
    frequency_text(stmt, frequency, sizeof frequency);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
                     "id", (json_int_t)db_column_int64(stmt, 0), "patient",
                     (json_int_t)db_column_int64(stmt, 1), "patient_name", name, "mrn",
                     db_column_text(stmt, 4), "hospital", db_column_text(stmt, 5),
                     "hospital_name", db_column_text(stmt, 30), "market",
                     db_column_text(stmt, 31), "procedure_type", db_column_text(stmt, 7),
                     "procedure_label", procedure_label_of(db_column_text(stmt, 7)),
                     "procedures", (json_int_t)db_column_int64(stmt, 11), "frequency",
                     frequency, "status", db_column_text(stmt, 24), "created_at",
                     db_column_text(stmt, 26), "created_by", db_column_text(stmt, 27));
}

/* The prescription's keys and their columns. */
static const struct {
    const char *key;
    int column;
} prescription_columns[] = {
    {"hct", 23},          {"volumes", 14}, {"albumin_fraction", 15}, {"replacement_hct", 16},
    {"remaining", 17},    {"target_hct", 18}, {"unit_ml", 19},       {"ratio", 21},
    {"inlet_ml_min", 22},
};

/* The whole order, without its calculations. */
static json_t *order_json(db_stmt *stmt)
{
    json_t *o = order_item_json(stmt);
    json_t *given_values = json_object();
    for (size_t i = 0; i < sizeof prescription_columns / sizeof prescription_columns[0]; i++)
        json_object_set_new(given_values, prescription_columns[i].key,
                            decimal_json(db_column_text(stmt, prescription_columns[i].column)));
    json_object_set_new(given_values, "anticoagulant", text_json(stmt, 20));
    json_object_set_new(o, "prescription", given_values);
    json_object_set_new(o, "physician", json_string(db_column_text(stmt, 6)));
    json_object_set_new(o, "indication", json_string(db_column_text(stmt, 8)));
    json_object_set_new(o, "asfa_category", json_string(db_column_text(stmt, 9)));
    json_object_set_new(o, "asfa_grade", json_string(db_column_text(stmt, 10)));
    json_object_set_new(o, "frequency_kind", json_string(db_column_text(stmt, 12)));
    json_object_set_new(o, "frequency_n", json_integer(db_column_int64(stmt, 13)));
    json_object_set_new(o, "status_reason", text_json(stmt, 25));
    json_object_set_new(o, "cancelled_at", text_json(stmt, 28));
    json_object_set_new(o, "cancelled_by", text_json(stmt, 29));
    return o;
}

/* The order's prescription back as the input it was given in. */
static void order_input_of(const json_t *order, apheresis_order_input *in, char texts[12][32])
{
    const json_t *given_values = json_object_get(order, "prescription");
    const char **fields[] = {&in->hct,       &in->volumes,   &in->albumin_fraction,
                             &in->replacement_hct, &in->remaining, &in->target_hct,
                             &in->unit_ml,   &in->ratio,     &in->inlet_ml_min};
    memset(in, 0, sizeof *in);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const json_t *value = json_object_get(given_values, prescription_columns[i].key);
        if (json_is_number(value)) {
            snprintf(texts[i], 32, "%.15g", json_number_value(value));
            *fields[i] = texts[i];
        }
    }
    in->anticoagulant = json_string_value(json_object_get(given_values, "anticoagulant"));
    in->procedure_type = json_string_value(json_object_get(order, "procedure_type"));
    snprintf(texts[11], 32, "%" JSON_INTEGER_FORMAT,
             json_integer_value(json_object_get(order, "procedures")));
    in->procedures = texts[11];
}

/* Order `id` within the actor's scope with its calculations, else
 * ERR_NOT_FOUND naming `field`. */
static int order_fetch(service_context *ctx, int64_t id, const char *field, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *order = NULL, *patient = NULL, *figures = NULL;
    if (db_prepare(ctx->db,
                   "SELECT " ORDER_COLUMNS ORDER_FROM " WHERE o.id = ?1 AND " PATIENT_SCOPE("?2", "?3"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_market_scope(stmt, 2, 3, ctx);
    if (service_fetch_one(stmt, order_json, &order, field, e, "no apheresis order %" PRId64,
                          id))
        return -1;
    apheresis_order_input in;
    char texts[12][32];
    prescription p;
    apheresis_tbv tbv;
    order_input_of(order, &in, texts);
    int rc = patient_fetch(ctx, json_integer_value(json_object_get(order, "patient")), field,
                           &patient, e) ||
                     patient_tbv(patient, &tbv, e) || prescription_take(&in, &p, e) ||
                     calculations(&tbv, &p, &figures, e)
                 ? -1
                 : 0;
    json_decref(patient);
    if (rc) {
        json_decref(order);
        return -1;
    }
    json_object_set_new(order, "calculations", figures);
    *out = order;
    return 0;
}

/* --- orders: writing --------------------------------------------------------------- */

/* Binds a prescription's number as the text it was given in, or NULL. */
static void bind_given(db_stmt *stmt, int index, const char *text)
{
    if (given(text))
        db_bind_text(stmt, index, text);
    else
        db_bind_null(stmt, index);
}

int apheresis_order_create(service_context *ctx, const apheresis_order_input *in, json_t **out,
                           err *e)
{
    int64_t patient_id;
    prescription p;
    apheresis_frequency frequency;
    char category[4], grade[4];
    const char *ratio = in->ratio && strncmp(in->ratio, "1:", 2) == 0 ? in->ratio + 2 : in->ratio;
    if (service_id_take(in->patient, &patient_id, "patient", e) ||
        registry_name_check(in->physician, "physician", e) ||
        apheresis_procedure_parse(in->procedure_type, "procedure_type", &p.procedure, e) ||
        registry_required_text_check(in->indication, INDICATION_MAX, "indication", e) ||
        apheresis_asfa_category_parse(in->asfa_category, "asfa_category", category,
                                      sizeof category, e) ||
        apheresis_asfa_grade_parse(in->asfa_grade, "asfa_grade", grade, sizeof grade, e) ||
        prescription_take(in, &p, e) ||
        apheresis_frequency_parse(in->frequency, "frequency", &frequency, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *patient = NULL, *record = NULL, *figures = NULL;
    apheresis_tbv tbv;
    char now[TIMESTAMP_TEXT_MAX];
    int64_t id = 0;
    db_stmt *stmt;
    int rc = -1;
    /* The calculations must stand on the patient's data before the order
     * is kept: a prescription they refuse is refused naming its field. */
    if (patient_fetch(ctx, patient_id, "patient", &patient, e) ||
        patient_tbv(patient, &tbv, e) || calculations(&tbv, &p, &figures, e))
        goto done;
    if (db_prepare(ctx->db,
                   "INSERT INTO apheresis_orders (patient_id, physician, procedure_type, "
                   "indication, asfa_category, asfa_grade, procedures, frequency_kind, "
                   "frequency_n, volumes, albumin_fraction, replacement_hct, remaining, "
                   "target_hct, unit_ml, anticoagulant, ratio, inlet_ml_min, hct, created_at, "
                   "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, patient_id);
    db_bind_text(stmt, 2, in->physician);
    db_bind_text(stmt, 3, apheresis_procedure_name(p.procedure));
    db_bind_text(stmt, 4, in->indication);
    db_bind_text(stmt, 5, category);
    db_bind_text(stmt, 6, grade);
    db_bind_int64(stmt, 7, p.procedures);
    db_bind_text(stmt, 8, apheresis_frequency_kind_name(frequency.kind));
    db_bind_int64(stmt, 9, frequency.n);
    bind_given(stmt, 10, in->volumes);
    bind_given(stmt, 11, in->albumin_fraction);
    bind_given(stmt, 12, in->replacement_hct);
    bind_given(stmt, 13, in->remaining);
    bind_given(stmt, 14, in->target_hct);
    bind_given(stmt, 15, in->unit_ml);
    if (p.anticoagulant)
        db_bind_text(stmt, 16, p.anticoagulant);
    else
        db_bind_null(stmt, 16);
    bind_given(stmt, 17, ratio);
    bind_given(stmt, 18, in->inlet_ml_min);
    bind_given(stmt, 19, in->hct);
    db_bind_text(stmt, 20, service_now_text(now));
    db_bind_text(stmt, 21, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || order_fetch(ctx, id, "order", &record, e) ||
                 audit_record(ctx, "apheresis_order", id, "create", NULL, record, NULL, e)
             ? -1
             : 0;
done:
    json_decref(patient);
    json_decref(figures);
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int apheresis_order_cancel(service_context *ctx, const char *order, const char *reason,
                           json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(order, &id, "order", e) ||
        registry_required_text_check(reason, REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (order_fetch(ctx, id, "order", &before, e))
        goto done;
    const char *status = json_string_value(json_object_get(before, "status"));
    if (strcmp(status, "active") != 0) {
        err_set(e, ERR_CONFLICT, "order", "order %" PRId64 " is %s already", id, status);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "UPDATE apheresis_orders SET status = 'cancelled', status_reason = ?, "
                   "cancelled_at = ?, cancelled_by = ? WHERE id = ? AND status = 'active'",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, reason);
    db_bind_text(stmt, 2, service_now_text(now));
    db_bind_text(stmt, 3, ctx->actor.username);
    db_bind_int64(stmt, 4, id);
    rc = db_exec_stmt(stmt, e) || order_fetch(ctx, id, "order", &after, e) ||
                 audit_record(ctx, "apheresis_order", id, "cancel", before, after, reason, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- reads of a record: audited ---------------------------------------------------- */

/* Read one record with `fetch` and write the audit record of the read,
 * in one transaction: a read that cannot be recorded is not answered. */
static int audited_read(service_context *ctx, const char *text, const char *field,
                        const char *entity,
                        int (*fetch)(service_context *, int64_t, const char *, json_t **, err *),
                        json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(text, &id, field, e) || service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int rc = fetch(ctx, id, field, &record, e) ||
                     audit_record(ctx, entity, id, "read", NULL, NULL, NULL, e)
                 ? -1
                 : 0;
    if (service_finish(ctx, rc, e)) {
        json_decref(record);
        return -1;
    }
    *out = record;
    return 0;
}

/* The patient with their orders (the latest first). */
static int patient_with_orders(service_context *ctx, int64_t id, const char *field,
                               json_t **out, err *e)
{
    json_t *patient = NULL, *orders = NULL, *figures = NULL;
    apheresis_tbv tbv;
    db_stmt *stmt;
    if (patient_fetch(ctx, id, field, &patient, e))
        return -1;
    if (patient_tbv(patient, &tbv, e) ||
        db_prepare(ctx->db,
                   "SELECT " ORDER_COLUMNS ORDER_FROM " WHERE o.patient_id = ? ORDER BY o.id DESC "
                   "LIMIT ?",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, ORDERS_SHOWN);
    if (service_collect_rows(stmt, order_item_json, &orders, e))
        goto failed;
    apheresis_figures tbv_figures = {0};
    apheresis_tbv_figures(&tbv, &tbv_figures);
    figures = apheresis_figures_json("tbv", &tbv_figures);
    json_object_set_new(patient, "tbv", figures);
    json_object_set_new(patient, "orders", orders);
    *out = patient;
    return 0;
failed:
    json_decref(patient);
    json_decref(orders);
    return -1;
}

int apheresis_patient_get(service_context *ctx, const char *patient, json_t **out, err *e)
{
    return audited_read(ctx, patient, "patient", "apheresis_patient", patient_with_orders, out,
                        e);
}

int apheresis_order_get(service_context *ctx, const char *order, json_t **out, err *e)
{
    return audited_read(ctx, order, "order", "apheresis_order", order_fetch, out, e);
}

/* --- lists ------------------------------------------------------------------------- */

/* Both lists' statements take their filters at ?1 and ?2, the cursor, the
 * limit and the offset at ?3 to ?5, the market scope at ?6 and ?7: bind
 * those and answer the page. */
static int list_page(service_context *ctx, db_stmt *stmt, const service_page *page,
                     int64_t after, json_t *(*build)(db_stmt *), json_t **out, err *e)
{
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, page->limit);
    db_bind_int64(stmt, 5, page->offset);
    service_bind_market_scope(stmt, 6, 7, ctx);
    return service_collect_page(stmt, build, page, "id", out, e);
}

static const service_sort_key patient_sort_keys[] = {
    {"id", "p.id"},
    {"name", "p.family_name || ' ' || p.given_name"},
    {"mrn", "p.mrn"},
    {"hospital", "h.code"},
    {"birth_date", "p.birth_date"},
};

int apheresis_patient_list(service_context *ctx, apheresis_patient_filter *filter, json_t **out,
                           err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8] = "", pattern[256] = "";
    int64_t after = 0;
    if ((filter->hospital && *filter->hospital &&
         registry_code_take(filter->hospital, hospital, "hospital", e)) ||
        service_like_pattern(filter->q, pattern, sizeof pattern, "q", e) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(patient_sort_keys, "p.id", "p.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " PATIENT_COLUMNS "%s" PATIENT_FROM
                             " WHERE (?1 = '' OR h.code = ?1) AND (?2 = '' OR UPPER(p.mrn) "
                             "LIKE UPPER(?2) ESCAPE '\\' OR UPPER(p.family_name) LIKE UPPER(?2) "
                             "ESCAPE '\\' OR UPPER(p.given_name) LIKE UPPER(?2) ESCAPE '\\') "
                             "AND p.id > ?3 AND " PATIENT_SCOPE("?6", "?7")
                             " ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hospital);
    db_bind_text(stmt, 2, pattern);
    return list_page(ctx, stmt, &filter->page, after, patient_item_json, out, e);
}

static const service_sort_key order_sort_keys[] = {
    {"id", "o.id"},
    {"patient", "p.family_name || ' ' || p.given_name"},
    {"procedure_type", "o.procedure_type"},
    {"status", "o.status"},
    {"created_at", "o.created_at"},
};

int apheresis_order_list(service_context *ctx, apheresis_order_filter *filter, json_t **out,
                         err *e)
{
    const char *status = filter->status ? filter->status : "";
    int64_t patient = 0, after = 0;
    if (*status && strcmp(status, "active") && strcmp(status, "completed") &&
        strcmp(status, "cancelled"))
        return err_set(e, ERR_INVALID, "status", "must be active, completed or cancelled");
    if ((filter->patient && *filter->patient &&
         service_id_take(filter->patient, &patient, "patient", e)) ||
        service_page_check(&filter->page, e) || service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(order_sort_keys, "o.id", "o.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " ORDER_COLUMNS "%s" ORDER_FROM
                             " WHERE (?1 = 0 OR o.patient_id = ?1) AND (?2 = '' OR o.status = ?2) "
                             "AND o.id > ?3 AND " PATIENT_SCOPE("?6", "?7")
                             " ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, patient);
    db_bind_text(stmt, 2, status);
    return list_page(ctx, stmt, &filter->page, after, order_item_json, out, e);
}
