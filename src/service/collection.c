/*
 * collection.c - recording collections, reading them, and processing them
 * into units (see collection.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "domain/catalog.h"
#include "domain/processing.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/collection.h"
#include "service/din.h"
#include "service/testing.h"
#include "service/unit.h"

/* --- reading --------------------------------------------------------------- */

#define COLLECTION_COLUMNS                                                                       \
    "c.din, d.donor_number, c.center, c.procedure, c.collected_at, c.device, c.volume_ml, "     \
    "c.reaction, c.staff, c.processed_at, c.reaction_note, c.weight_lb, c.height_in, "          \
    "c.hemoglobin_dl10, c.hematocrit, c.temperature_c10, c.systolic, c.diastolic, c.pulse, "    \
    "c.platelet_count_k, c.created_at, c.parental_consent"

/* A collection in a list: the first ten columns of COLLECTION_COLUMNS and
 * the parental consent. */
static json_t *collection_item(db_stmt *stmt)
{
    char eye[ISBT_EYE_READABLE_MAX];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:b}", "din",
                     db_column_text(stmt, 0), "eye_readable",
                     din_eye_readable(db_column_text(stmt, 0), eye, sizeof eye), "donor_number",
                     db_column_text(stmt, 1), "center", db_column_text(stmt, 2), "procedure",
                     db_column_text(stmt, 3), "collected_at", db_column_text(stmt, 4), "device",
                     db_column_text(stmt, 5), "volume_ml", (json_int_t)db_column_int64(stmt, 6),
                     "reaction", db_column_text(stmt, 7), "staff", db_column_text(stmt, 8),
                     "processed", !db_column_is_null(stmt, 9), "parental_consent",
                     db_column_int64(stmt, 21) != 0);
}

/* A measurement column: null, a whole number, or tenths as "13.5". */
static json_t *measurement(db_stmt *stmt, int column, int tenths)
{
    if (db_column_is_null(stmt, column))
        return json_null();
    int64_t value = db_column_int64(stmt, column);
    if (!tenths)
        return json_integer((json_int_t)value);
    char text[32];
    snprintf(text, sizeof text, "%s%lld.%lld", value < 0 ? "-" : "",
             (long long)(value < 0 ? -value : value) / 10,
             (long long)(value < 0 ? -value : value) % 10);
    return json_string(text);
}

static json_t *collection_detail(db_stmt *stmt)
{
    static const struct {
        const char *key;
        int tenths;
    } measured[] = {{"weight_lb", 0},   {"height_in", 0}, {"hemoglobin", 1},
                    {"hematocrit", 0},  {"temperature", 1}, {"systolic", 0},
                    {"diastolic", 0},   {"pulse", 0},       {"platelet_count", 0}};
    json_t *item = collection_item(stmt);
    json_object_set_new(item, "reaction_note", json_string(db_column_text(stmt, 10)));
    for (int i = 0; i < 9; i++)
        json_object_set_new(item, measured[i].key, measurement(stmt, 11 + i, measured[i].tenths));
    json_object_set_new(item, "processed_at",
                        service_json_text(db_column_is_null(stmt, 9) ? NULL
                                                                     : db_column_text(stmt, 9)));
    json_object_set_new(item, "created_at", json_string(db_column_text(stmt, 20)));
    return item;
}

static int collection_fetch(service_context *ctx, const char *din, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " COLLECTION_COLUMNS " FROM collections c "
                   "JOIN donors d ON d.id = c.donor_id WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *out = collection_detail(stmt);
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "din", "no collection with DIN %s", din);
    return step == DB_ROW ? 0 : -1;
}

int collection_get(service_context *ctx, const char *text, json_t **out, err *e)
{
    isbt_din din;
    return din_text_parse(text, &din, e) || collection_fetch(ctx, din.din, out, e) ? -1 : 0;
}

/* A normalised center code (trimmed, upper case), checked; naming field. */
static int center_take(const char *text, char out[REGISTRY_CODE_MAX + 8], err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "center", "is required");
    if (strlen(text) > REGISTRY_CODE_MAX + 4)
        return err_set(e, ERR_INVALID, "center", "no donor center '%.20s...'", text);
    snprintf(out, REGISTRY_CODE_MAX + 8, "%s", text);
    service_normalize_code(out);
    return registry_code_check(out, "center", e);
}

int collection_list(service_context *ctx, const collection_filter *filter, json_t **out, err *e)
{
    service_page page = filter->page;
    char center[REGISTRY_CODE_MAX + 8] = "", from[DATE_TEXT_MAX] = "", to[DATE_TEXT_MAX] = "";
    const char *processed = filter->processed && *filter->processed ? filter->processed : "";
    if (service_page_check(&page, e) ||
        (filter->center && *filter->center && center_take(filter->center, center, e)))
        return -1;
    if (filter->on && *filter->on) {
        civil_day day;
        if (date_parse(filter->on, &day, "on", e))
            return -1;
        date_format(day, from, sizeof from);
        date_format(date_add_days(day, 1), to, sizeof to);
    }
    if (*processed && strcmp(processed, "yes") != 0 && strcmp(processed, "no") != 0)
        return err_set(e, ERR_INVALID, "processed", "must be yes or no");
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " COLLECTION_COLUMNS " FROM collections c "
                   "JOIN donors d ON d.id = c.donor_id WHERE c.din > ? "
                   "AND (? = '' OR c.center = ?) "
                   "AND (? = '' OR (c.collected_at >= ? AND c.collected_at < ?)) "
                   "AND (? = '' OR (? = 'yes' AND c.processed_at IS NOT NULL) "
                   "OR (? = 'no' AND c.processed_at IS NULL)) "
                   "ORDER BY c.din LIMIT ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, page.after ? page.after : "");
    db_bind_text(stmt, 2, center);
    db_bind_text(stmt, 3, center);
    db_bind_text(stmt, 4, from);
    db_bind_text(stmt, 5, from);
    db_bind_text(stmt, 6, to);
    db_bind_text(stmt, 7, processed);
    db_bind_text(stmt, 8, processed);
    db_bind_text(stmt, 9, processed);
    db_bind_int64(stmt, 10, page.limit);
    return service_collect_page(stmt, collection_item, &page, "din", out, e);
}

/* --- recording ------------------------------------------------------------- */

static const char *const reactions[] = {"none", "mild", "moderate", "severe"};

/* Free text of at most `max` characters, one line when `one_line`. */
static int text_take(const char *text, size_t max, int one_line, const char *field, err *e)
{
    if (!text)
        return 0;
    if (registry_text_check(text, max, field, e))
        return -1;
    if (one_line && strchr(text, '\n'))
        return err_set(e, ERR_INVALID, field, "must be one line");
    return 0;
}

/* Bind a measurement: its value, or NULL when not measured. */
static void bind_measurement(db_stmt *stmt, int index, int measured, long value)
{
    if (measured)
        db_bind_int64(stmt, index, value);
    else
        db_bind_null(stmt, index);
}

/* ERR_CONFLICT naming the first failed rule's field, with every reason. */
static int not_eligible(json_t *result, const char *donor, const char *procedure, const char *on,
                        err *e)
{
    json_t *failures = json_object_get(result, "failures"), *failure;
    char reasons[ERR_MESSAGE_MAX] = "";
    size_t i, used = 0;
    json_array_foreach(failures, i, failure)
    {
        int written = snprintf(reasons + used, sizeof reasons - used, "%s%s", i ? "; " : "",
                               json_string_value(json_object_get(failure, "reason")));
        if (written < 0 || (size_t)written >= sizeof reasons - used)
            break;
        used += (size_t)written;
    }
    return err_set(e, ERR_CONFLICT,
                   json_string_value(json_object_get(json_array_get(failures, 0), "field")),
                   "donor %s is not eligible for %s on %s: %s", donor, procedure, on, reasons);
}

int collection_record(service_context *ctx, const collection_request *request, json_t **out,
                      err *e)
{
    char center[REGISTRY_CODE_MAX + 8], day[DATE_TEXT_MAX], collected_at[TIMESTAMP_TEXT_MAX];
    char now_text[TIMESTAMP_TEXT_MAX];
    int64_t now = timestamp_now(), collected = now;
    long volume = 0;
    eligibility_request eligibility = request->eligibility;
    eligibility_input measured;
    isbt_din scanned;
    const char *reaction = request->reaction && *request->reaction ? request->reaction : "none";
    const char *staff = request->staff ? request->staff : ctx->actor.username;
    int reaction_known = 0;
    for (size_t i = 0; i < sizeof reactions / sizeof reactions[0]; i++)
        reaction_known |= strcmp(reaction, reactions[i]) == 0;

    if (!request->donor || !*request->donor)
        return err_set(e, ERR_INVALID, "donor", "is required: the donor number");
    if (center_take(request->center, center, e))
        return -1;
    if (request->collected_at && timestamp_parse(request->collected_at, &collected,
                                                 "collected_at", e))
        return -1;
    if (collected > now)
        return err_set(e, ERR_INVALID, "collected_at", "must not be in the future");
    timestamp_format(collected, collected_at, sizeof collected_at);
    timestamp_format(now, now_text, sizeof now_text);
    snprintf(day, sizeof day, "%.10s", collected_at);
    eligibility.on = day;
    if (donor_eligibility_request_parse(&eligibility, &measured, e) ||
        text_take(request->device, COLLECTION_DEVICE_MAX, 1, "device", e))
        return -1;
    if (!request->volume_ml)
        return err_set(e, ERR_INVALID, "volume_ml", "is required: the volume collected in mL");
    if (service_number_take(request->volume_ml, 1, COLLECTION_VOLUME_MAX_ML, &volume,
                            "volume_ml", e))
        return -1;
    if (!reaction_known)
        return err_set(e, ERR_INVALID, "reaction", "must be none, mild, moderate or severe");
    if (text_take(request->reaction_note, COLLECTION_NOTE_MAX, 0, "reaction_note", e) ||
        text_take(staff, SERVICE_USERNAME_MAX, 1, "staff", e))
        return -1;
    if (!*staff)
        return err_set(e, ERR_INVALID, "staff", "must not be empty");
    if (request->din && din_text_parse(request->din, &scanned, e))
        return -1;

    if (service_begin(ctx, e))
        return -1;
    char fin[8], open_date[DATE_TEXT_MAX];
    int64_t donor_id = 0;
    isbt_din din;
    json_t *eligible = NULL, *result = NULL;
    int rc = din_center_check_in(ctx, center, fin, open_date, e);
    if (rc == 0 && strcmp(day, open_date) < 0)
        rc = err_set(e, ERR_INVALID, "collected_at", "is before donor center %s opened (%s)",
                     center, open_date);
    if (rc == 0)
        rc = donor_id_find(ctx, request->donor, "donor", &donor_id, e) ||
             donor_eligibility_in(ctx, donor_id, &eligibility, &eligible, e);
    if (rc == 0 && !json_is_true(json_object_get(eligible, "eligible")))
        rc = not_eligible(eligible, request->donor, eligibility.procedure, day, e);
    if (rc == 0)
        rc = request->din ? din_unused_check_in(ctx, &scanned, center, e)
                          : din_allocate_in(ctx, center, fin, &din, e);
    if (rc == 0 && request->din)
        din = scanned;
    db_stmt *stmt;
    if (rc == 0 &&
        (rc = db_prepare(ctx->db,
                         "INSERT INTO collections (din, donor_id, center, procedure, "
                         "collected_at, device, volume_ml, weight_lb, height_in, hemoglobin_dl10, "
                         "hematocrit, pulse, systolic, diastolic, temperature_c10, "
                         "platelet_count_k, reaction, reaction_note, staff, created_at, "
                         "parental_consent) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &stmt, e)) == 0) {
        const eligibility_input *m = &measured;
        db_bind_text(stmt, 1, din.din);
        db_bind_int64(stmt, 2, donor_id);
        db_bind_text(stmt, 3, center);
        db_bind_text(stmt, 4, eligibility_procedure_name(m->procedure));
        db_bind_text(stmt, 5, collected_at);
        db_bind_text(stmt, 6, request->device ? request->device : "");
        db_bind_int64(stmt, 7, volume);
        bind_measurement(stmt, 8, m->has_weight, m->weight_lb);
        bind_measurement(stmt, 9, m->has_height, m->height_in);
        bind_measurement(stmt, 10, m->has_hemoglobin, m->hemoglobin);
        bind_measurement(stmt, 11, m->has_hematocrit, m->hematocrit);
        bind_measurement(stmt, 12, m->has_pulse, m->pulse);
        bind_measurement(stmt, 13, m->has_blood_pressure, m->systolic);
        bind_measurement(stmt, 14, m->has_blood_pressure, m->diastolic);
        bind_measurement(stmt, 15, m->has_temperature, m->temperature);
        bind_measurement(stmt, 16, m->has_platelet_count, m->platelet_count);
        db_bind_text(stmt, 17, reaction);
        db_bind_text(stmt, 18, request->reaction_note ? request->reaction_note : "");
        db_bind_text(stmt, 19, staff);
        db_bind_text(stmt, 20, now_text);
        db_bind_int64(stmt, 21, measured.parental_consent);
        if ((rc = db_exec_stmt(stmt, e)) != 0 && e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "din", "DIN %s is already used by another collection",
                    din.din);
    }
    if (rc == 0)
        rc = collection_fetch(ctx, din.din, &result, e);
    if (rc == 0) {
        json_object_set_new(result, "din_allocated", json_boolean(request->din == NULL));
        rc = audit_append(ctx, "collection", din.din, "record", NULL, result, NULL, e);
    }
    json_decref(eligible);
    if (service_finish(ctx, rc, e)) {
        json_decref(result);
        return -1;
    }
    /* The answer is the record; the detail (measurements) is for `show`. */
    static const char *const detail_only[] = {
        "din_allocated", "reaction_note", "weight_lb", "height_in",      "hemoglobin",
        "hematocrit",    "temperature",   "systolic",  "diastolic",      "pulse",
        "platelet_count", "processed_at", "created_at"};
    for (size_t i = 0; i < sizeof detail_only / sizeof detail_only[0]; i++)
        json_object_del(result, detail_only[i]);
    *out = result;
    return 0;
}

/* --- processing ------------------------------------------------------------- */

/* What processing needs of a product. */
typedef struct {
    catalog_family family;
    long shelf_life;
    catalog_shelf_unit shelf_unit;
    long nominal_volume_ml;
} product_facts;

static int product_facts_read(db_conn *db, const char *code, const char *field,
                              product_facts *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT family, shelf_life_value, shelf_life_unit, nominal_volume_ml "
                   "FROM products WHERE code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    int rc = step == DB_FAILED ? -1 : 0;
    if (step == DB_DONE)
        rc = err_set(e, ERR_INVALID, field, "no product %s in the catalog", code);
    if (step == DB_ROW) {
        int family = catalog_family_parse(db_column_text(stmt, 0));
        out->family = family < 0 ? CATALOG_FAMILY_COUNT : (catalog_family)family;
        out->shelf_life = (long)db_column_int64(stmt, 1);
        out->shelf_unit = catalog_shelf_unit_parse(db_column_text(stmt, 2)) == CATALOG_SHELF_HOURS
                              ? CATALOG_SHELF_HOURS
                              : CATALOG_SHELF_DAYS;
        out->nominal_volume_ml = (long)db_column_int64(stmt, 3);
    }
    db_reset(stmt);
    return rc;
}

typedef struct {
    char code[16];
    long volume_ml; /* 0: the nominal volume */
    product_facts facts;
} planned_unit;

/* Insert one unit in quarantine, its first event and its audit record. */
static int unit_make(service_context *ctx, const char *din, const char *center,
                     const planned_unit *unit, const char *division, const char *produced_at,
                     const char *expires_at, const char *abo, const char *rhd, err *e)
{
    db_stmt *stmt;
    int64_t id = 0;
    long volume = unit->volume_ml ? unit->volume_ml : unit->facts.nominal_volume_ml;
    const char *family = catalog_family_name(unit->facts.family);
    if (db_prepare(ctx->db,
                   "INSERT INTO units (din, product_code, donation_type, division, family, "
                   "center, volume_ml, abo, rhd, status, produced_at, expires_at, updated_at) "
                   "VALUES (?, ?, 'V', ?, ?, ?, ?, ?, ?, 'quarantined', ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_bind_text(stmt, 2, unit->code);
    db_bind_text(stmt, 3, division);
    db_bind_text(stmt, 4, family);
    db_bind_text(stmt, 5, center);
    db_bind_int64(stmt, 6, volume);
    db_bind_text(stmt, 7, *abo ? abo : NULL);
    db_bind_text(stmt, 8, *rhd ? rhd : NULL);
    db_bind_text(stmt, 9, produced_at);
    db_bind_text(stmt, 10, expires_at);
    db_bind_text(stmt, 11, produced_at);
    if (db_insert_returning_id(stmt, &id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO unit_events (unit_id, from_status, to_status, reason, at, actor) "
                   "VALUES (?, NULL, 'quarantined', ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, "made in quarantine from its collection");
    db_bind_text(stmt, 3, produced_at);
    db_bind_text(stmt, 4, ctx->actor.username);
    if (db_exec_stmt(stmt, e))
        return -1;
    char name[64];
    snprintf(name, sizeof name, "%.13s %.5s %.2s", din, unit->code, division);
    json_t *after = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "id",
                              (json_int_t)id, "product_code", unit->code, "division",
                              division, "family", family, "center", center, "volume_ml",
                              (json_int_t)volume, "status", "quarantined", "expires_at",
                              expires_at, "abo", service_json_text(*abo ? abo : NULL), "rhd",
                              service_json_text(*rhd ? rhd : NULL));
    int rc = audit_append(ctx, "unit", name, "create", NULL, after, NULL, e);
    json_decref(after);
    return rc;
}

/* The procedure, center and collection time of collection `din`, which
 * must not be processed yet. */
static int unprocessed_read(db_conn *db, const char *din, char procedure[32],
                            char center[REGISTRY_CODE_MAX + 8],
                            char collected_at[TIMESTAMP_TEXT_MAX], err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT procedure, center, collected_at, processed_at FROM collections "
                   "WHERE din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step = db_step(stmt, e);
    int rc = step == DB_FAILED ? -1 : 0;
    if (step == DB_ROW) {
        snprintf(procedure, 32, "%s", db_column_text(stmt, 0));
        snprintf(center, REGISTRY_CODE_MAX + 8, "%s", db_column_text(stmt, 1));
        snprintf(collected_at, TIMESTAMP_TEXT_MAX, "%s", db_column_text(stmt, 2));
        if (!db_column_is_null(stmt, 3))
            rc = err_set(e, ERR_CONFLICT, "din",
                         "collection %s was processed at %s: a collection is processed once",
                         din, db_column_text(stmt, 3));
    } else if (step == DB_DONE) {
        rc = err_set(e, ERR_NOT_FOUND, "din", "no collection with DIN %s", din);
    }
    db_reset(stmt);
    return rc;
}

int collection_process(service_context *ctx, const char *text,
                       const collection_component *components, size_t count, json_t **out,
                       err *e)
{
    isbt_din din;
    planned_unit units[PROCESSING_COMPONENTS_MAX];
    memset(units, 0, sizeof units);
    if (din_text_parse(text, &din, e))
        return -1;
    if (count && !components)
        return err_set(e, ERR_INVALID, "components", "must be a list of products");
    /* More than the maximum is refused by processing_plan, naming the
     * procedure's yield; only the first ones need checking. */
    size_t checked = count < PROCESSING_COMPONENTS_MAX ? count : PROCESSING_COMPONENTS_MAX;
    for (size_t i = 0; i < checked; i++) {
        char field[48];
        const char *product = components[i].product;
        snprintf(field, sizeof field, "components[%zu].product", i);
        if (!product || !*product)
            return err_set(e, ERR_INVALID, field, "is required: a product code of the catalog");
        /* Refused rather than cut short: "E0300      X" is not E0300. */
        if (strlen(product) >= sizeof units[i].code)
            return err_set(e, ERR_INVALID, field, "'%.20s...' is not a product code of the catalog",
                           product);
        snprintf(units[i].code, sizeof units[i].code, "%s", product);
        service_normalize_code(units[i].code);
        if (catalog_code_check(units[i].code, field, e))
            return -1;
        snprintf(field, sizeof field, "components[%zu].volume_ml", i);
        if (components[i].volume_ml &&
            service_number_take(components[i].volume_ml, 1, COLLECTION_VOLUME_MAX_ML,
                                &units[i].volume_ml, field, e))
            return -1;
    }

    if (service_begin(ctx, e))
        return -1;
    db_stmt *stmt;
    char procedure[32] = "", center[REGISTRY_CODE_MAX + 8], collected_at[TIMESTAMP_TEXT_MAX];
    char now[TIMESTAMP_TEXT_MAX], abo[4], rhd[4];
    int64_t made_at = timestamp_now();
    timestamp_format(made_at, now, sizeof now);
    json_t *result = NULL, *made = NULL;
    int rc = unprocessed_read(ctx->db, din.din, procedure, center, collected_at, e);
    catalog_family families[PROCESSING_COMPONENTS_MAX];
    for (size_t i = 0; rc == 0 && i < checked; i++) {
        char field[48];
        snprintf(field, sizeof field, "components[%zu].product", i);
        rc = product_facts_read(ctx->db, units[i].code, field, &units[i].facts, e);
        families[i] = units[i].facts.family;
    }
    int procedure_value = eligibility_procedure_parse(procedure);
    char divisions[PROCESSING_COMPONENTS_MAX][PROCESSING_DIVISION_SIZE];
    if (rc == 0)
        rc = processing_plan((donation_procedure)procedure_value, families, count, divisions, e);
    int64_t collected = 0;
    if (rc == 0)
        rc = timestamp_parse(collected_at, &collected, "collected_at", e) ||
             testing_donation_typing(ctx->db, din.din, abo, rhd, e);
    /* Conditional: of two processings at once, the second changes nothing. */
    if (rc == 0 &&
        (rc = db_prepare(ctx->db,
                         "UPDATE collections SET processed_at = ? "
                         "WHERE din = ? AND processed_at IS NULL",
                         &stmt, e)) == 0) {
        db_bind_text(stmt, 1, now);
        db_bind_text(stmt, 2, din.din);
        if ((rc = db_exec_stmt(stmt, e)) == 0 && db_changes(ctx->db) != 1)
            rc = err_set(e, ERR_CONFLICT, "din",
                         "collection %s was processed meanwhile: a collection is processed once",
                         din.din);
    }
    for (size_t i = 0; rc == 0 && i < count; i++) {
        int64_t expiry = 0;
        char expires_at[TIMESTAMP_TEXT_MAX];
        rc = catalog_expiry(collected, units[i].facts.shelf_life, units[i].facts.shelf_unit,
                            &expiry, e);
        timestamp_format(expiry, expires_at, sizeof expires_at);
        /* A component past its shelf life is never made (platelets five
         * days after the collection, say). */
        if (rc == 0 && expiry <= made_at) {
            char field[48];
            snprintf(field, sizeof field, "components[%zu].product", i);
            rc = err_set(e, ERR_INVALID, field,
                         "%s from a collection of %s would have expired at %s: it cannot be made",
                         units[i].code, collected_at, expires_at);
        }
        if (rc == 0)
            rc = unit_make(ctx, din.din, center, &units[i], divisions[i], now, expires_at, abo,
                           rhd, e);
    }
    /* Results that came in before the units existed hold or discard them. */
    if (rc == 0)
        rc = testing_units_made_in(ctx, din.din, e);
    if (rc == 0)
        rc = unit_items_in(ctx, din.din, &made, e);
    if (rc == 0) {
        json_t *before = json_pack("{s:n}", "processed_at");
        json_t *after = json_pack("{s:s, s:O}", "processed_at", now, "units", made);
        rc = audit_append(ctx, "collection", din.din, "process", before, after, NULL, e);
        json_decref(before);
        json_decref(after);
    }
    if (rc == 0)
        result = json_pack("{s:s, s:o}", "din", din.din, "units", made);
    else
        json_decref(made);
    if (service_finish(ctx, rc ? -1 : 0, e)) {
        json_decref(result);
        return -1;
    }
    *out = result;
    return 0;
}
