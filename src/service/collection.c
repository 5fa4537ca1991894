/*
 * collection.c - recording collections, reading them, and processing them
 * into units (see collection.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/json_writer.h"
#include "base/local_time.h"
#include "domain/catalog.h"
#include "domain/donor.h"
#include "domain/measurement.h"
#include "domain/processing.h"
#include "domain/registry.h"
#include "domain/testing.h"
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
    "c.platelet_count_k, c.created_at, c.parental_consent, z.time_zone"
/* The center of a COLLECTION_COLUMNS row, for its time zone. */
#define COLLECTION_CENTER " JOIN centers z ON z.code = c.center "

/* The measurements are stored from column 11 on, in the order of the
 * table of domain/measurement.h (MEASUREMENT_MEASURED_COUNT of them);
 * tenths ones (hemoglobin_dl10, temperature_c10) are answered as "13.5". */
enum { MEASUREMENTS = MEASUREMENT_MEASURED_COUNT, MEASUREMENT_FIRST_COLUMN = 11 };

/* One collection's values, read from a row of COLLECTION_COLUMNS or taken
 * from what is being recorded: the one source of both its JSON forms. */
typedef struct {
    const char *din, *donor_number, *center, *procedure, *collected_at, *device, *reaction,
        *staff, *processed_at, *reaction_note, *created_at; /* processed_at NULL: not yet */
    const char *time_zone; /* the center's: its times are shown on that clock */
    const char *donor_group; /* the donor's ABO/RhD on record (a list's item and the
                                answer to recording; not the detail), or NULL */
    int64_t volume_ml;
    int parental_consent;
    int measured[MEASUREMENTS];
    int64_t value[MEASUREMENTS];
} collection_values;

static void collection_values_read(db_stmt *stmt, collection_values *v)
{
    v->din = db_column_text(stmt, 0);
    v->donor_number = db_column_text(stmt, 1);
    v->center = db_column_text(stmt, 2);
    v->procedure = db_column_text(stmt, 3);
    v->collected_at = db_column_text(stmt, 4);
    v->device = db_column_text(stmt, 5);
    v->volume_ml = db_column_int64(stmt, 6);
    v->reaction = db_column_text(stmt, 7);
    v->staff = db_column_text(stmt, 8);
    v->processed_at = db_column_is_null(stmt, 9) ? NULL : db_column_text(stmt, 9);
    v->reaction_note = db_column_text(stmt, 10);
    for (int i = 0; i < MEASUREMENTS; i++) {
        int column = MEASUREMENT_FIRST_COLUMN + i;
        v->measured[i] = !db_column_is_null(stmt, column);
        v->value[i] = v->measured[i] ? db_column_int64(stmt, column) : 0;
    }
    v->created_at = db_column_text(stmt, 20);
    v->parental_consent = db_column_int64(stmt, 21) != 0;
    v->time_zone = db_column_text(stmt, 22);
}

/* A collection in a list, and the answer to recording one (with the
 * donor's group on record). */
static void collection_item_write(const collection_values *v, buffer *out)
{
    char eye[ISBT_EYE_READABLE_MAX];
    json_writer w = {out};
    json_write_object_begin(&w, NULL);
    json_write_string(&w, "din", v->din);
    json_write_string(&w, "eye_readable", din_eye_readable(v->din, eye, sizeof eye));
    json_write_string(&w, "donor_number", v->donor_number);
    json_write_string(&w, "center", v->center);
    json_write_string(&w, "procedure", v->procedure);
    json_write_string(&w, "collected_at", v->collected_at);
    json_write_string(&w, "device", v->device);
    json_write_integer(&w, "volume_ml", v->volume_ml);
    json_write_string(&w, "reaction", v->reaction);
    json_write_string(&w, "staff", v->staff);
    json_write_boolean(&w, "processed", v->processed_at != NULL);
    json_write_boolean(&w, "parental_consent", v->parental_consent);
    json_write_string(&w, "time_zone", v->time_zone);
    if (v->donor_group)
        json_write_string(&w, "donor_group", v->donor_group);
    json_write_object_end(&w);
}

/* A row of COLLECTION_COLUMNS followed by the donor's abo and rhd, as a
 * list shows it. */
static json_t *collection_item(db_stmt *stmt)
{
    collection_values v;
    char group[TESTING_GROUP_TEXT_MAX];
    buffer text = BUFFER_INIT;
    collection_values_read(stmt, &v);
    v.donor_group = testing_group_text(
        db_column_is_null(stmt, 23) ? NULL : db_column_text(stmt, 23),
        db_column_is_null(stmt, 24) ? NULL : db_column_text(stmt, 24), group, sizeof group);
    collection_item_write(&v, &text);
    json_t *item = json_loads(buffer_text(&text), 0, NULL);
    buffer_free(&text);
    return item;
}

static void measurement_write(json_writer *w, const collection_values *v, measurement_id i)
{
    const measurement_field *f = &measurement_fields[i];
    if (!v->measured[i]) {
        json_write_null(w, f->name);
    } else if (f->kind != MEASUREMENT_TENTHS) {
        json_write_integer(w, f->name, v->value[i]);
    } else {
        char text[SERVICE_TENTHS_TEXT_MAX];
        json_write_string(w, f->name, service_tenths_format(v->value[i], text));
    }
}

/* The collection with its measurements as canonical JSON (compact, keys in
 * byte order: what audit records store), written straight from the
 * values. din_allocated < 0 leaves that member out (it is known only when
 * recording). tests/api/collections.test.js holds a recorded collection's
 * audit record to the collection as read back, canonical byte for byte. */
static void collection_detail_write(const collection_values *v, int din_allocated, buffer *out)
{
    char eye[ISBT_EYE_READABLE_MAX];
    json_writer w = {out};
    json_write_object_begin(&w, NULL);
    json_write_string(&w, "center", v->center);
    json_write_string(&w, "collected_at", v->collected_at);
    json_write_string(&w, "created_at", v->created_at);
    json_write_string(&w, "device", v->device);
    measurement_write(&w, v, MEASUREMENT_DIASTOLIC);
    json_write_string(&w, "din", v->din);
    if (din_allocated >= 0)
        json_write_boolean(&w, "din_allocated", din_allocated);
    json_write_string(&w, "donor_number", v->donor_number);
    json_write_string(&w, "eye_readable", din_eye_readable(v->din, eye, sizeof eye));
    measurement_write(&w, v, MEASUREMENT_HEIGHT_IN);
    measurement_write(&w, v, MEASUREMENT_HEMATOCRIT);
    measurement_write(&w, v, MEASUREMENT_HEMOGLOBIN);
    json_write_boolean(&w, "parental_consent", v->parental_consent);
    measurement_write(&w, v, MEASUREMENT_PLATELET_COUNT);
    json_write_string(&w, "procedure", v->procedure);
    json_write_boolean(&w, "processed", v->processed_at != NULL);
    json_write_string(&w, "processed_at", v->processed_at);
    measurement_write(&w, v, MEASUREMENT_PULSE);
    json_write_string(&w, "reaction", v->reaction);
    json_write_string(&w, "reaction_note", v->reaction_note);
    json_write_string(&w, "staff", v->staff);
    measurement_write(&w, v, MEASUREMENT_SYSTOLIC);
    measurement_write(&w, v, MEASUREMENT_TEMPERATURE);
    json_write_string(&w, "time_zone", v->time_zone);
    json_write_integer(&w, "volume_ml", v->volume_ml);
    measurement_write(&w, v, MEASUREMENT_WEIGHT_LB);
    json_write_object_end(&w);
}

static int collection_fetch(service_context *ctx, const char *din, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " COLLECTION_COLUMNS " FROM collections c "
                   "JOIN donors d ON d.id = c.donor_id" COLLECTION_CENTER "WHERE c.din = ? "
                   "AND " SERVICE_CENTER_SCOPE("c.center"),
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    service_bind_scope(stmt, 2, 2, ctx);
    db_step_result step = db_step(stmt, e);
    buffer text = BUFFER_INIT;
    if (step == DB_ROW) {
        collection_values v;
        collection_values_read(stmt, &v);
        collection_detail_write(&v, -1, &text);
    }
    db_reset(stmt);
    if (step == DB_ROW && !(*out = json_loads(buffer_text(&text), 0, NULL))) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        step = DB_FAILED;
    }
    buffer_free(&text);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "din", "no collection with DIN %s", din);
    return step == DB_ROW ? 0 : -1;
}

int collection_scope_check(service_context *ctx, const char *din, err *e)
{
    if (!service_limited_to_centers(ctx))
        return 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM collections c WHERE c.din = ? AND NOT "
                   SERVICE_CENTER_SCOPE("c.center"),
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    service_bind_scope(stmt, 2, 2, ctx);
    int elsewhere = service_row_exists(stmt, e);
    if (elsewhere < 0)
        return -1;
    return elsewhere ? err_set(e, ERR_NOT_FOUND, "din", "no donation %s", din) : 0;
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

/* The columns the list sorts by. */
static const service_sort_key collection_sort_keys[] = {
    {"din", "c.din"},
    {"collected_at", "c.collected_at"},
    {"center", "c.center"},
    {"donor_number", "d.donor_number"},
    {"procedure", "c.procedure"},
    {"processed_at", "c.processed_at"},
    {"group", SERVICE_GROUP_TEXT("d.abo", "d.rhd")},
};

int collection_list(service_context *ctx, const collection_filter *filter, json_t **out, err *e)
{
    service_page page = filter->page;
    char center[REGISTRY_CODE_MAX + 8] = "", group[TESTING_GROUP_TEXT_MAX] = "";
    service_day_range days, on = {0};
    const char *processed = filter->processed && *filter->processed ? filter->processed : "";
    if (service_page_check(&page, e) ||
        service_code_filter_take(filter->center, center, "center", e) ||
        service_day_range_take(filter->from, filter->to, &days, e) ||
        (filter->group && *filter->group && testing_group_take(filter->group, group, "group", e)))
        return -1;
    if (filter->on && *filter->on) {
        civil_day day;
        char text[DATE_TEXT_MAX];
        if (date_parse(filter->on, &day, "on", e))
            return -1;
        /* The day at each collection's center: the range of that one day. */
        date_format(day, text, sizeof text);
        if (service_day_range_take(text, text, &on, e))
            return -1;
    }
    if (*processed && strcmp(processed, "yes") != 0 && strcmp(processed, "no") != 0)
        return err_set(e, ERR_INVALID, "processed", "must be yes or no");
    static const service_sort sort = SERVICE_SORT(collection_sort_keys, "c.din", "c.din");
    db_stmt *stmt;
    /* A UTC window a day wider at each end than the days asked finds the
     * candidates by the index on the time, and the center's calendar
     * decides (docs/DESIGN.md, "Time"). */
    if (service_list_prepare(ctx->db,
                             "SELECT " COLLECTION_COLUMNS ", d.abo, d.rhd%s FROM collections c "
                             "JOIN donors d ON d.id = c.donor_id" COLLECTION_CENTER
                             "WHERE c.din > ?1 AND (?2 = '' OR c.center = ?2) "
                             "AND (?3 = '' OR (c.collected_at >= ?4 AND c.collected_at < ?5 "
                             "AND local_date(z.time_zone, c.collected_at) = ?3)) "
                             "AND (?6 = '' OR (?6 = 'yes' AND c.processed_at IS NOT NULL) "
                             "OR (?6 = 'no' AND c.processed_at IS NULL)) "
                             "AND (?7 = '' OR (c.collected_at >= ?8 "
                             "AND local_date(z.time_zone, c.collected_at) >= ?7)) "
                             "AND (?9 = '' OR (c.collected_at < ?10 "
                             "AND local_date(z.time_zone, c.collected_at) <= ?9)) "
                             "AND (?11 = '' OR " SERVICE_GROUP_TEXT("d.abo", "d.rhd") " = ?11) "
                             "AND " SERVICE_CENTER_SCOPE("c.center")
                             " ORDER BY %s LIMIT ?14 OFFSET ?15",
                             &page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, page.after ? page.after : "");
    db_bind_text(stmt, 2, center);
    db_bind_text(stmt, 3, on.from);
    db_bind_text(stmt, 4, on.window_from);
    db_bind_text(stmt, 5, on.window_to);
    db_bind_text(stmt, 6, processed);
    db_bind_text(stmt, 7, days.from);
    db_bind_text(stmt, 8, days.window_from);
    db_bind_text(stmt, 9, days.to);
    db_bind_text(stmt, 10, days.window_to);
    db_bind_text(stmt, 11, group);
    service_bind_scope(stmt, 12, 2, ctx);
    db_bind_int64(stmt, 14, page.limit);
    db_bind_int64(stmt, 15, page.offset);
    return service_collect_page(stmt, collection_item, &page, "din", out, e);
}

/* --- recording ------------------------------------------------------------- */

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
static void bind_measurement(db_stmt *stmt, int index, int measured, int64_t value)
{
    if (measured)
        db_bind_int64(stmt, index, value);
    else
        db_bind_null(stmt, index);
}

/* ERR_CONFLICT naming the first failed rule's field, with every reason. */
static int not_eligible(const eligibility_result *result, const char *donor,
                        const char *procedure, const char *on, err *e)
{
    char reasons[ERR_MESSAGE_MAX] = "";
    size_t used = 0;
    for (size_t i = 0; i < result->failure_count; i++) {
        int written = snprintf(reasons + used, sizeof reasons - used, "%s%s", i ? "; " : "",
                               result->failures[i].reason);
        if (written < 0 || (size_t)written >= sizeof reasons - used)
            break;
        used += (size_t)written;
    }
    return err_set(e, ERR_CONFLICT, result->failure_count ? result->failures[0].field : NULL,
                   "donor %s is not eligible for %s on %s: %s", donor, procedure, on, reasons);
}

int collection_record(service_context *ctx, const collection_request *request, json_t **out,
                      err *e)
{
    buffer text = BUFFER_INIT;
    int rc = collection_record_write(ctx, request, &text, e);
    if (rc == 0 && !(*out = json_loads(buffer_text(&text), 0, NULL)))
        rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
    buffer_free(&text);
    return rc;
}

int collection_record_write(service_context *ctx, const collection_request *request,
                            buffer *answer, err *e)
{
    char center[REGISTRY_CODE_MAX + 8], day[DATE_TEXT_MAX] = "",
        collected_at[TIMESTAMP_TEXT_MAX];
    char now_text[TIMESTAMP_TEXT_MAX], zone[TIME_ZONE_NAME_MAX] = "";
    int64_t now = timestamp_now(), collected = now;
    long volume = 0;
    eligibility_request eligibility = request->eligibility;
    eligibility_input measured;
    isbt_din scanned;
    const char *reaction = request->reaction && *request->reaction ? request->reaction : "none";
    const char *staff = request->staff ? request->staff : ctx->actor.username;
    int reaction_known = donor_reaction_known(reaction);

    if (!request->donor || !*request->donor)
        return err_set(e, ERR_INVALID, "donor", "is required: the donor number");
    if (center_take(request->center, center, e) ||
        service_center_allowed(ctx, center, "center", e))
        return -1;
    if (request->collected_at && timestamp_parse(request->collected_at, &collected,
                                                 "collected_at", e))
        return -1;
    if (collected > now)
        return err_set(e, ERR_INVALID, "collected_at", "must not be in the future");
    timestamp_format(collected, collected_at, sizeof collected_at);
    timestamp_format(now, now_text, sizeof now_text);
    /* The day the rules judge is the collection's day at its center, known
     * once the center is read (below). */
    eligibility.on = NULL;
    eligibility.scope = NULL; /* a collection judges every rule */
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
    isbt_din din;
    eligibility_result eligible;
    donor_found donor = {0};
    int rc = din_center_check_in(ctx, center, fin, open_date, zone, e);
    if (rc == 0)
        rc = local_date_of(zone, collected, &measured.today, e);
    if (rc == 0)
        date_format(measured.today, day, sizeof day);
    if (rc == 0 && strcmp(day, open_date) < 0)
        rc = err_set(e, ERR_INVALID, "collected_at", "is before donor center %s opened (%s)",
                     center, open_date);
    if (rc == 0)
        rc = donor_eligibility_evaluate_in(ctx, request->donor, "donor", &measured, &donor,
                                           &eligible, e);
    if (rc == 0 && !eligible.eligible)
        rc = not_eligible(&eligible, request->donor, eligibility.procedure, day, e);
    if (rc == 0)
        rc = request->din ? din_unused_check_in(ctx, &scanned, center, e)
                          : din_allocate_in(ctx, center, fin, zone, &din, e);
    if (rc == 0 && request->din)
        din = scanned;
    /* The row, its audit record and the answer all come from these values:
     * nothing is read back (this is the writer's hottest path). */
    const eligibility_input *m = &measured;
    collection_values v = {
        .din = din.din, .center = center, .collected_at = collected_at,
        .procedure = eligibility_procedure_name(m->procedure),
        .device = request->device ? request->device : "", .volume_ml = volume,
        .reaction = reaction, .staff = staff, .processed_at = NULL,
        .reaction_note = request->reaction_note ? request->reaction_note : "",
        .created_at = now_text, .parental_consent = m->parental_consent != 0,
        .time_zone = zone,
    };
    for (int i = 0; i < MEASUREMENTS; i++) {
        long value;
        v.measured[i] = measurement_input_get(m, (measurement_id)i, &value);
        v.value[i] = value;
    }
    db_stmt *stmt;
    if (rc == 0 &&
        (rc = db_prepare(ctx->db,
                         "INSERT INTO collections (din, donor_id, center, procedure, "
                         "collected_at, device, volume_ml, reaction, reaction_note, staff, "
                         "created_at, parental_consent, weight_lb, height_in, hemoglobin_dl10, "
                         "hematocrit, temperature_c10, systolic, diastolic, pulse, "
                         "platelet_count_k) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &stmt, e)) == 0) {
        db_bind_text_static(stmt, 1, v.din);
        db_bind_int64(stmt, 2, donor.id);
        db_bind_text_static(stmt, 3, v.center);
        db_bind_text_static(stmt, 4, v.procedure);
        db_bind_text_static(stmt, 5, v.collected_at);
        db_bind_text_static(stmt, 6, v.device);
        db_bind_int64(stmt, 7, v.volume_ml);
        db_bind_text_static(stmt, 8, v.reaction);
        db_bind_text_static(stmt, 9, v.reaction_note);
        db_bind_text_static(stmt, 10, v.staff);
        db_bind_text_static(stmt, 11, v.created_at);
        db_bind_int64(stmt, 12, v.parental_consent);
        for (int i = 0; i < MEASUREMENTS; i++) /* in the order of domain/measurement.h */
            bind_measurement(stmt, 13 + i, v.measured[i], v.value[i]);
        if ((rc = db_exec_stmt(stmt, e)) != 0 && e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "din", "DIN %s is already used by another collection",
                    din.din);
    }
    if (rc == 0) {
        v.donor_number = donor.number;
        v.donor_group = donor.group;
        buffer detail = BUFFER_INIT;
        collection_detail_write(&v, request->din == NULL, &detail);
        rc = audit_append_text(ctx, "collection", din.din, "record", NULL, buffer_text(&detail),
                               NULL, e);
        buffer_free(&detail);
        if (rc == 0)
            collection_item_write(&v, answer);
    }
    return service_finish(ctx, rc, e);
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

/* The units made from collection `din` into inventories: the standard
 * cost of each (unit_standard_cost) against accrued expenses, 1200 against
 * 2100, at `center`, dated the day `made_at` at the center. */
static int inventory_post(service_context *ctx, const char *din, const char *center,
                          const char *zone, int64_t made_at, const planned_unit *units,
                          size_t count, err *e)
{
    int64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        int64_t cost;
        if (unit_standard_cost(ctx->db, catalog_family_name(units[i].facts.family), &cost, e))
            return -1;
        total += cost;
    }
    civil_day day;
    if (total == 0 || local_date_of(zone, made_at, &day, e))
        return total == 0 ? 0 : -1;
    char description[64], ref[32];
    snprintf(description, sizeof description, "collection %s: units into inventory", din);
    snprintf(ref, sizeof ref, "collection:%s", din);
    return unit_cost_post_in(ctx, "1200", "2100", center, day, total, description, "collections",
                             ref, NULL, e);
}

/* The procedure, center, the center's time zone and the collection time
 * of collection `din`, which must not be processed yet. */
static int unprocessed_read(db_conn *db, const char *din, char procedure[32],
                            char center[REGISTRY_CODE_MAX + 8], char zone[TIME_ZONE_NAME_MAX],
                            char collected_at[TIMESTAMP_TEXT_MAX], err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT c.procedure, c.center, c.collected_at, c.processed_at, z.time_zone "
                   "FROM collections c JOIN centers z ON z.code = c.center WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step = db_step(stmt, e);
    int rc = step == DB_FAILED ? -1 : 0;
    if (step == DB_ROW) {
        snprintf(procedure, 32, "%s", db_column_text(stmt, 0));
        snprintf(center, REGISTRY_CODE_MAX + 8, "%s", db_column_text(stmt, 1));
        snprintf(collected_at, TIMESTAMP_TEXT_MAX, "%s", db_column_text(stmt, 2));
        snprintf(zone, TIME_ZONE_NAME_MAX, "%s", db_column_text(stmt, 4));
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
    char now[TIMESTAMP_TEXT_MAX], abo[4], rhd[4], zone[TIME_ZONE_NAME_MAX] = "";
    int64_t made_at = timestamp_now();
    timestamp_format(made_at, now, sizeof now);
    json_t *result = NULL, *made = NULL;
    int rc = collection_scope_check(ctx, din.din, e) ||
             unprocessed_read(ctx->db, din.din, procedure, center, zone, collected_at, e);
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
    civil_day collected_on = 0; /* the collection's day at its center */
    if (rc == 0)
        rc = timestamp_parse(collected_at, &collected, "collected_at", e) ||
             local_date_of(zone, collected, &collected_on, e) ||
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
        catalog_expiry_time end;
        /* A shelf life in days ends at 23:59 on the center's clock. */
        rc = catalog_expiry(collected, collected_on, units[i].facts.shelf_life,
                            units[i].facts.shelf_unit, &end, e);
        if (rc == 0)
            rc = end.end_of_day ? local_time_instant(zone, end.day, CATALOG_EXPIRY_HOUR,
                                                     CATALOG_EXPIRY_MINUTE, 0, &expiry, e)
                                : (expiry = end.at, 0);
        timestamp_format(expiry, expires_at, sizeof expires_at);
        /* A component past its shelf life is never made (platelets five
         * days after the collection, say). */
        if (rc == 0 && expiry <= made_at) {
            char field[48];
            snprintf(field, sizeof field, "components[%zu].product", i);
            char collected_local[LOCAL_TIME_TEXT_MAX], expires_local[LOCAL_TIME_TEXT_MAX];
            rc = err_set(e, ERR_INVALID, field,
                         "%s from a collection of %s would have expired at %s: it cannot be made",
                         units[i].code,
                         local_time_format(zone, collected, collected_local, sizeof collected_local),
                         local_time_format(zone, expiry, expires_local, sizeof expires_local));
        }
        if (rc == 0)
            rc = unit_make_in(ctx,
                              &(unit_new){.din = din.din,
                                          .center = center,
                                          .product_code = units[i].code,
                                          .division = divisions[i],
                                          .family = catalog_family_name(units[i].facts.family),
                                          .volume_ml = units[i].volume_ml
                                                           ? units[i].volume_ml
                                                           : units[i].facts.nominal_volume_ml,
                                          .produced_at = now,
                                          .expires_at = expires_at,
                                          .abo = abo,
                                          .rhd = rhd},
                              e);
    }
    /* The units go into inventories at their standard cost (1200 against
     * the collection's accrued costs, 2100), on the day they are made at
     * their center; a discard or a shipment takes it out again. */
    if (rc == 0)
        rc = inventory_post(ctx, din.din, center, zone, made_at, units, count, e);
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
        result = din_eye_readable_add(json_pack("{s:s, s:o, s:s}", "din", din.din, "units", made,
                                                "time_zone", zone),
                                      "din", "eye_readable");
    else
        json_decref(made);
    if (service_finish(ctx, rc ? -1 : 0, e)) {
        json_decref(result);
        return -1;
    }
    *out = result;
    return 0;
}
