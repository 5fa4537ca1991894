/*
 * donor.c - donors, their deferrals, their eligibility and the thresholds
 * of the eligibility rules (see donor.h; the rules are in
 * domain/eligibility.c, the field rules in domain/donor.c).
 *
 * Donor numbers are allocated inside the registering transaction: the
 * highest number taken, plus one, inserted with ON CONFLICT (donor_number)
 * DO NOTHING. On SQLite the write lock makes that number free; on
 * PostgreSQL a concurrent registration that took it first makes the insert
 * wait for its commit and do nothing, and the next attempt reads the new
 * highest number. Donors are never deleted, so a number is never reused.
 *
 * Days (docs/DESIGN.md, "Time"): a donation's day is its date at the center
 * that collected it (local_date() in SQL, the center's time zone); a
 * donor's "today" (their standing, a deferral starting now) is the date in
 * the zone of their home center, TIME_ZONE_DEFAULT when they have none.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "base/local_time.h"
#include "domain/capability.h"
#include "domain/catalog.h"
#include "domain/donor.h"
#include "domain/registry.h"
#include "domain/testing.h"
#include "service/audit.h"
#include "service/din.h"
#include "service/donor.h"

enum { RECENT_COLLECTIONS = 20, ALLOCATE_ATTEMPTS = 100 };

/* --- small parsers --------------------------------------------------------- */

/* A copy of a donor number, trimmed and in capitals, checked. */
static int number_take(const char *text, char out[DONOR_NUMBER_LENGTH + 8], const char *field,
                       err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (strlen(text) > DONOR_NUMBER_LENGTH + 4)
        return donor_number_check(text, field, e);
    snprintf(out, DONOR_NUMBER_LENGTH + 8, "%s", text);
    service_normalize_code(out);
    return donor_number_check(out, field, e);
}

static int id_take(const char *text, int64_t *id, const char *field, err *e)
{
    long value;
    if (service_number_take(text, 1, 2000000000L, &value, field, e))
        return -1;
    *id = value;
    return 0;
}

/* --- reading donors -------------------------------------------------------- */

#define DONOR_COLUMNS                                                                            \
    "d.donor_number, d.family_name, d.given_name, d.birth_date, d.sex, d.phone, d.email, "        \
    "d.address, d.identity_document, d.home_center, d.abo, d.rhd, d.created_at, d.updated_at"
enum { DONOR_COLUMN_COUNT = 14 };

static json_t *donor_json(db_stmt *stmt)
{
    static const char *const keys[] = {
        "donor_number", "family_name", "given_name", "birth_date", "sex",        "phone",
        "email",        "address",     "identity_document", "home_center", "abo", "rhd",
        "created_at",   "updated_at"};
    json_t *donor = json_object();
    for (int i = 0; i < DONOR_COLUMN_COUNT; i++)
        json_object_set_new(donor, keys[i], service_json_text(db_column_text(stmt, i)));
    return donor;
}

/* The donor with this number, as JSON, and its id. */
static int donor_fetch(db_conn *db, const char *number, int64_t *id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " DONOR_COLUMNS ", d.id FROM donors d WHERE d.donor_number = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, number);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        if (out)
            *out = donor_json(stmt);
        if (id)
            *id = db_column_int64(stmt, DONOR_COLUMN_COUNT);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "donor_number", "no donor %s", number);
    return step == DB_ROW ? 0 : -1;
}

/* 0 when donor `id` is within the acting user's scope (service.h,
 * SERVICE_DONOR_SCOPE); else ERR_NOT_FOUND naming `field` with `absent`,
 * as for a donor that is not there. */
static int donor_scope_check(service_context *ctx, int64_t id, const char *field,
                             const char *absent, err *e)
{
    int visible = service_donor_visible(ctx, id, e);
    if (visible < 0)
        return -1;
    return visible ? 0 : err_set(e, ERR_NOT_FOUND, field, "%s", absent);
}

/* The same, for the donor of number `number` (an extra read only for a
 * user limited to their centers). */
static int donor_number_scope_check(service_context *ctx, const char *number, const char *field,
                                    err *e)
{
    if (!service_limited_to_centers(ctx))
        return 0;
    int64_t id = 0;
    char absent[48];
    snprintf(absent, sizeof absent, "no donor %.20s", number);
    return donor_fetch(ctx->db, number, &id, NULL, e) ||
                   donor_scope_check(ctx, id, field, absent, e)
               ? -1
               : 0;
}

/* --- days -------------------------------------------------------------------- */

/* The time zone of a donor's days: their home center's, else the default
 * (SQL, over the donors row `alias`). */
#define DONOR_ZONE(alias)                                                                          \
    "COALESCE((SELECT hz.time_zone FROM centers hz WHERE hz.code = " alias ".home_center), '"      \
    TIME_ZONE_DEFAULT "')"

/* Today in the zone the prepared `stmt` answers in its first column:
 * 1 when it did, 0 when it found no row, -1 on failure. */
static int zone_row_today(db_stmt *stmt, civil_day *today, err *e)
{
    char zone[TIME_ZONE_NAME_MAX] = "";
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        snprintf(zone, sizeof zone, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? 0 : -1;
    return local_today(zone, today, e) ? -1 : 1;
}

/* Today at donor center `center` (a normalised code), or in the default
 * zone for "" (a donor of no center). */
static int center_today(db_conn *db, const char *center, civil_day *today, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT COALESCE((SELECT time_zone FROM centers WHERE code = ?), ?)", &stmt,
                   e))
        return -1;
    db_bind_text(stmt, 1, center);
    db_bind_text(stmt, 2, TIME_ZONE_DEFAULT);
    return zone_row_today(stmt, today, e) == 1 ? 0 : -1;
}

/* Today where donor `id` belongs (DONOR_ZONE); ERR_NOT_FOUND naming
 * "donor" when there is no such donor. */
static int donor_today(db_conn *db, int64_t id, civil_day *today, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " DONOR_ZONE("d") " FROM donors d WHERE d.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    int found = zone_row_today(stmt, today, e);
    if (found == 0)
        return err_set(e, ERR_NOT_FOUND, "donor", "no donor with id %lld", (long long)id);
    return found == 1 ? 0 : -1;
}

/* --- thresholds ------------------------------------------------------------ */

/* The thresholds in force: the defaults, overridden by eligibility_settings
 * (values out of range, which only a hand edit could store, are ignored). */
static int thresholds_load(db_conn *db, eligibility_thresholds *t, err *e)
{
    eligibility_thresholds_default(t);
    db_stmt *stmt;
    if (db_prepare(db, "SELECT name, value FROM eligibility_settings", &stmt, e))
        return -1;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        const char *name = db_column_text(stmt, 0);
        long value = (long)db_column_int64(stmt, 1);
        const eligibility_threshold_name *n = eligibility_threshold_find(name);
        if (n && value >= n->min && value <= n->max)
            *(long *)((char *)t + n->offset) = value;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* --- eligibility ------------------------------------------------------------ */

int donor_eligibility_request_parse(const eligibility_request *r, eligibility_input *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!r->procedure || !*r->procedure)
        return err_set(e, ERR_INVALID, "procedure",
                       "is required: whole_blood, double_red_cells, plateletpheresis or "
                       "plasmapheresis");
    int procedure = eligibility_procedure_parse(r->procedure);
    if (procedure < 0)
        return err_set(e, ERR_INVALID, "procedure",
                       "must be whole_blood, double_red_cells, plateletpheresis or plasmapheresis");
    out->procedure = (donation_procedure)procedure;
    if (r->scope && strcmp(r->scope, "full") != 0) {
        if (strcmp(r->scope, "donor") != 0)
            return err_set(e, ERR_INVALID, "scope", "must be full or donor");
        /* The consent is about who the donor is: the age rule reads it. */
        for (int i = 0; i < MEASUREMENT_MEASURED_COUNT; i++)
            if (r->measurements[i])
                return err_set(e, ERR_INVALID, measurement_fields[i].name,
                               "is not judged in the donor step (scope donor): leave it out, or "
                               "check with scope full");
        out->skip_measurements = 1;
    }
    out->today = date_today();
    if (r->on && date_parse(r->on, &out->today, "on", e))
        return -1;
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        long value;
        if (!r->measurements[i])
            continue;
        if (measurement_parse((measurement_id)i, r->measurements[i], &value, e))
            return -1;
        measurement_input_set(out, (measurement_id)i, value);
    }
    const char *systolic = r->measurements[MEASUREMENT_SYSTOLIC];
    const char *diastolic = r->measurements[MEASUREMENT_DIASTOLIC];
    if (!systolic != !diastolic)
        return err_set(e, ERR_INVALID, systolic ? "diastolic" : "systolic",
                       "is required with %s: blood pressure is both numbers",
                       systolic ? "systolic" : "diastolic");
    return 0;
}

typedef struct {
    eligibility_deferral deferral;
    char code[32];
} loaded_deferral;

/* The donor's collections that can still hold back a donation on `today`
 * (the longest interval, or 12 months for the platelet count), each on its
 * day at the center that collected it, and the deferrals not ended that had
 * begun by then. */
static int history_load(db_conn *db, int64_t donor_id, const eligibility_thresholds *t,
                        civil_day today, eligibility_donation **donations, size_t *donation_count,
                        loaded_deferral **deferrals, size_t *deferral_count, err *e)
{
    long back = 400;
    if (t->days_after_whole_blood > back)
        back = t->days_after_whole_blood;
    if (t->days_after_double_red_cells > back)
        back = t->days_after_double_red_cells;
    /* A UTC window a day wider at each end than the days wanted finds them
     * by the index, whatever the zones; each center's calendar decides. */
    char from[TIMESTAMP_TEXT_MAX], to[TIMESTAMP_TEXT_MAX], day[DATE_TEXT_MAX];
    civil_day first = date_add_days(today, -(int32_t)back);
    timestamp_format((int64_t)date_add_days(first, -1) * 86400, from, sizeof from);
    timestamp_format((int64_t)date_add_days(today, 2) * 86400, to, sizeof to);
    date_format(today, day, sizeof day);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT c.procedure, local_date(z.time_zone, c.collected_at) FROM collections c "
                   "JOIN centers z ON z.code = c.center WHERE c.donor_id = ? "
                   "AND c.collected_at >= ? AND c.collected_at < ? ORDER BY c.collected_at",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, from);
    db_bind_text(stmt, 3, to);
    size_t capacity = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int procedure = eligibility_procedure_parse(db_column_text(stmt, 0));
        char date[DATE_TEXT_MAX];
        snprintf(date, sizeof date, "%s", db_column_text(stmt, 1));
        civil_day on;
        if (procedure < 0 || date_parse(date, &on, NULL, NULL) || on < first || on > today)
            continue;
        if (*donation_count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            eligibility_donation *grown = realloc(*donations, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            *donations = grown;
        }
        (*donations)[(*donation_count)++] =
            (eligibility_donation){(donation_procedure)procedure, on};
    }
    db_reset(stmt);
    if (step == DB_FAILED ||
        db_prepare(db,
                   "SELECT kind, until_date, reason_code FROM deferrals WHERE donor_id = ? "
                   "AND ended_at IS NULL AND starts_on <= ? ORDER BY id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, day);
    capacity = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int kind = eligibility_deferral_kind_parse(db_column_text(stmt, 0));
        civil_day until = 0;
        if (kind < 0 || (kind == DEFERRAL_TEMPORARY &&
                         date_parse(db_column_text(stmt, 1), &until, NULL, NULL)))
            kind = DEFERRAL_INDEFINITE; /* unreadable: the safe side */
        if (*deferral_count == capacity) {
            capacity = capacity ? capacity * 2 : 4;
            loaded_deferral *grown = realloc(*deferrals, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            *deferrals = grown;
        }
        loaded_deferral *d = &(*deferrals)[(*deferral_count)++];
        snprintf(d->code, sizeof d->code, "%s", db_column_text(stmt, 2));
        d->deferral = (eligibility_deferral){(deferral_kind)kind, until, NULL};
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static json_t *date_json(int has, civil_day day)
{
    char text[DATE_TEXT_MAX];
    return has ? json_string(date_format(day, text, sizeof text)) : json_null();
}

int donor_eligibility_evaluate_in(service_context *ctx, const char *donor_number,
                                  const char *field, eligibility_input *in, donor_found *found,
                                  eligibility_result *result, err *e)
{
    assert(db_in_transaction(ctx->db));
    char typed[DONOR_NUMBER_LENGTH + 8];
    eligibility_thresholds t;
    if (!donor_number || !*donor_number)
        return err_set(e, ERR_INVALID, field, "is required");
    if (number_take(donor_number, typed, field, e))
        return err_set(e, ERR_NOT_FOUND, field, "no donor %.20s", donor_number);
    if (thresholds_load(ctx->db, &t, e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT id, donor_number, birth_date, sex, abo, rhd FROM donors "
                   "WHERE donor_number = ?",
                   &stmt, e))
        return -1;
    db_bind_text_static(stmt, 1, typed);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        found->id = db_column_int64(stmt, 0);
        snprintf(found->number, sizeof found->number, "%s", db_column_text(stmt, 1));
        if (date_parse(db_column_text(stmt, 2), &in->birth_date, NULL, NULL))
            in->birth_date = in->today;
        in->sex = strcmp(db_column_text(stmt, 3), "M") == 0 ? DONOR_MALE : DONOR_FEMALE;
        testing_group_text(db_column_is_null(stmt, 4) ? NULL : db_column_text(stmt, 4),
                           db_column_is_null(stmt, 5) ? NULL : db_column_text(stmt, 5),
                           found->group, sizeof found->group);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, field, "no donor %.20s", donor_number);
    if (step == DB_FAILED)
        return -1;
    int64_t donor_id = found->id;

    eligibility_donation *donations = NULL;
    loaded_deferral *loaded = NULL;
    eligibility_deferral *deferrals = NULL;
    size_t donation_count = 0, deferral_count = 0;
    int rc = history_load(ctx->db, donor_id, &t, in->today, &donations, &donation_count, &loaded,
                          &deferral_count, e);
    if (rc == 0 && deferral_count &&
        !(deferrals = malloc(deferral_count * sizeof *deferrals)))
        rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (rc == 0) {
        for (size_t i = 0; i < deferral_count; i++) {
            deferrals[i] = loaded[i].deferral;
            deferrals[i].reason_code = loaded[i].code;
        }
        in->donations = donations;
        in->donation_count = donation_count;
        in->deferrals = deferrals;
        in->deferral_count = deferral_count;
        eligibility_evaluate(&t, in, result);
        in->donations = NULL;
        in->deferrals = NULL;
    }
    free(donations);
    free(loaded);
    free(deferrals);
    return rc;
}

int donor_eligibility(service_context *ctx, const char *donor_number,
                      const eligibility_request *request, json_t **out, err *e)
{
    eligibility_input in;
    eligibility_result result;
    donor_found found;
    char number[DONOR_NUMBER_LENGTH + 8];
    /* A malformed number is refused as such here (a collection, which
     * names a donor on file, answers "no donor"). */
    if (number_take(donor_number, number, "donor_number", e) ||
        donor_eligibility_request_parse(request, &in, e) || db_begin_read(ctx->db, e))
        return -1;
    int64_t id = 0;
    /* Without a day asked for, today where the donor belongs. */
    int rc = donor_number_scope_check(ctx, number, "donor_number", e) ||
             (!(request->on && *request->on) &&
              (donor_fetch(ctx->db, number, &id, NULL, e) || donor_today(ctx->db, id, &in.today, e))) ||
             donor_eligibility_evaluate_in(ctx, number, "donor_number", &in, &found, &result, e);
    db_rollback(ctx->db);
    if (rc)
        return -1;
    json_t *failures = json_array();
    for (size_t i = 0; i < result.failure_count; i++) {
        const eligibility_failure *f = &result.failures[i];
        json_array_append_new(failures,
                              json_pack("{s:s, s:s, s:s, s:o}", "rule", f->rule, "field", f->field,
                                        "reason", f->reason, "eligible_from",
                                        date_json(f->has_eligible_from, f->eligible_from)));
    }
    *out = json_pack("{s:s, s:s, s:s, s:o, s:b, s:o, s:o}", "donor_number", found.number,
                     "procedure", eligibility_procedure_name(in.procedure), "scope",
                     in.skip_measurements ? "donor" : "full", "on", date_json(1, in.today),
                     "eligible", result.eligible, "eligible_from",
                     date_json(result.has_eligible_from, result.eligible_from), "failures",
                     failures);
    return *out ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
}

/* --- the donor's standing ----------------------------------------------------- */

/* Read after DONOR_COLUMNS: the donor's id, the deferral in force that
 * decides the standing (the most severe: permanent, then indefinite, then
 * the temporary one that ends last), the last donation of each procedure,
 * in the order of donation_procedure, the donor's today and time zone. A
 * last donation is "DAY AT": its day at the center that collected it, then
 * its UTC time (which tells two donations of one day apart). The donor's
 * today is the date now (?1, a UTC timestamp, bound by standing_bind) in the
 * zone of their home center, or the default zone, unless a day is given
 * (?2, "" for none: the worklist's day). The intervals only need each
 * kind's last donation. */
#define STANDING_ZONE "COALESCE(hc.time_zone, '" TIME_ZONE_DEFAULT "')"
#define STANDING_TODAY "COALESCE(NULLIF(?2, ''), local_date(" STANDING_ZONE ", ?1))"
#define STANDING_LAST_DONATION(procedure)                                                        \
    "(SELECT local_date(z.time_zone, c.collected_at) || ' ' || c.collected_at "                   \
    "FROM collections c JOIN centers z ON z.code = c.center WHERE c.donor_id = d.id "             \
    "AND c.procedure = '" procedure "' ORDER BY c.collected_at DESC LIMIT 1)"
#define STANDING_COLUMNS                                                                         \
    "d.id, t.kind, t.reason_code, t.until_date, " STANDING_LAST_DONATION("whole_blood") ", "      \
    STANDING_LAST_DONATION("double_red_cells") ", " STANDING_LAST_DONATION("plateletpheresis")   \
    ", " STANDING_LAST_DONATION("plasmapheresis") ", " STANDING_TODAY ", " STANDING_ZONE
#define STANDING_JOIN                                                                            \
    " LEFT JOIN centers hc ON hc.code = d.home_center"                                            \
    " LEFT JOIN deferrals t ON t.id = (SELECT f.id FROM deferrals f WHERE f.donor_id = d.id "     \
    "AND f.ended_at IS NULL AND f.starts_on <= " STANDING_TODAY " AND (f.until_date IS NULL OR "  \
    "f.until_date > " STANDING_TODAY ") ORDER BY CASE f.kind WHEN 'permanent' THEN 0 "            \
    "WHEN 'indefinite' THEN 1 ELSE 2 END, f.until_date DESC, f.id DESC LIMIT 1)"
enum {
    STANDING_ID = DONOR_COLUMN_COUNT,
    STANDING_KIND,
    STANDING_REASON_CODE,
    STANDING_UNTIL,
    STANDING_LAST_DONATIONS, /* PROCEDURE_COUNT columns */
    STANDING_TODAY_COLUMN = STANDING_LAST_DONATIONS + PROCEDURE_COUNT,
    STANDING_ZONE_COLUMN
};

/* The moment a standing is for, the day when one is given for every donor
 * (today_text "" for none: each donor's today), and the thresholds in
 * force. */
typedef struct {
    eligibility_thresholds thresholds;
    char now[TIMESTAMP_TEXT_MAX];
    civil_day today; /* when today_text is not "" */
    char today_text[DATE_TEXT_MAX];
} standing_day;

static int standing_day_load(db_conn *db, standing_day *s, err *e)
{
    timestamp_format(timestamp_now(), s->now, sizeof s->now);
    s->today = date_today();
    s->today_text[0] = '\0';
    return thresholds_load(db, &s->thresholds, e);
}

/* Bind STANDING_JOIN's two parameters (?1 and ?2: `index` is 1). */
static void standing_bind(db_stmt *stmt, int index, const standing_day *s)
{
    db_bind_text(stmt, index, s->now);
    db_bind_text(stmt, index + 1, s->today_text);
}

/* The day of a timestamp or date column; 0 when it is NULL or unreadable. */
static int column_day(db_stmt *stmt, int column, civil_day *out)
{
    const char *text = db_column_text(stmt, column);
    char date[DATE_TEXT_MAX];
    if (!text)
        return 0;
    snprintf(date, sizeof date, "%s", text);
    return date_parse(date, out, NULL, NULL) == 0;
}

/* What the standing of the current row (DONOR_COLUMNS, STANDING_COLUMNS)
 * is evaluated from: the day, the birth date, the last donation of each
 * procedure and the deferral that decides, read into `in` (which points
 * into `history`), and the donor's last donation of all. */
typedef struct {
    eligibility_donation donations[PROCEDURE_COUNT];
    eligibility_deferral deferral;
    int last;            /* the procedure of the last donation, -1 before the first */
    civil_day last_day;
} standing_history;

static void standing_input_read(db_stmt *stmt, const standing_day *s, eligibility_input *in,
                                standing_history *history)
{
    memset(in, 0, sizeof *in);
    if (!column_day(stmt, STANDING_TODAY_COLUMN, &in->today))
        in->today = s->today;
    if (!column_day(stmt, 3, &in->birth_date))
        in->birth_date = in->today;
    const char *last_at = NULL;
    history->last = -1;
    history->last_day = 0;
    for (int p = 0; p < PROCEDURE_COUNT; p++) {
        civil_day day;
        if (!column_day(stmt, STANDING_LAST_DONATIONS + p, &day))
            continue;
        history->donations[in->donation_count++] =
            (eligibility_donation){(donation_procedure)p, day};
        const char *at = db_column_text(stmt, STANDING_LAST_DONATIONS + p);
        if (!last_at || strcmp(at, last_at) > 0)
            last_at = at, history->last = p, history->last_day = day;
    }
    in->donations = history->donations;
    if (!db_column_is_null(stmt, STANDING_KIND)) {
        int kind = eligibility_deferral_kind_parse(db_column_text(stmt, STANDING_KIND));
        civil_day until = 0;
        if (kind < 0 || (kind == DEFERRAL_TEMPORARY && !column_day(stmt, STANDING_UNTIL, &until)))
            kind = DEFERRAL_INDEFINITE; /* unreadable: the safe side */
        history->deferral = (eligibility_deferral){(deferral_kind)kind, until,
                                                   db_column_text(stmt, STANDING_REASON_CODE)};
        in->deferrals = &history->deferral;
        in->deferral_count = 1;
    }
}

/* The last donation of a standing_history: "last_donation_on" and
 * "last_donation_procedure" of `donor` (null before the first). */
static void last_donation_add(const standing_history *history, json_t *donor)
{
    json_object_set_new(donor, "last_donation_on",
                        date_json(history->last >= 0, history->last_day));
    json_object_set_new(donor, "last_donation_procedure",
                        service_json_text(history->last >= 0
                                              ? eligibility_procedure_name(
                                                    (donation_procedure)history->last)
                                              : NULL));
}

/* Add the standing of the current row (DONOR_COLUMNS, STANDING_COLUMNS)
 * to `donor` (the keys are listed at donor_list in donor.h). */
static void standing_add(db_stmt *stmt, const standing_day *s, json_t *donor)
{
    eligibility_input in;
    standing_history history;
    standing_input_read(stmt, s, &in, &history);
    donor_standing standing;
    eligibility_standing_evaluate(&s->thresholds, &in, &standing);
    json_object_set_new(donor, "time_zone",
                        json_string(db_column_text(stmt, STANDING_ZONE_COLUMN)));
    json_object_set_new(donor, "status",
                        json_string(eligibility_standing_name(standing.status)));
    json_object_set_new(donor, "deferred", json_boolean(standing.status != STANDING_ELIGIBLE));
    json_object_set_new(donor, "status_reason_code", service_json_text(standing.reason_code));
    json_object_set_new(donor, "deferred_until",
                        date_json(standing.status == STANDING_DEFERRED_TEMPORARY,
                                  standing.deferred_until));
    json_object_set_new(donor, "next_eligible_on",
                        date_json(standing.has_next_day, standing.next_day));
    last_donation_add(&history, donor);
}

/* --- deferrals --------------------------------------------------------------- */

#define DEFERRAL_COLUMNS                                                                         \
    "d.id, n.donor_number, d.kind, d.reason_code, d.reason, d.starts_on, d.until_date, "         \
    "d.source, d.din, d.created_by, d.created_at, d.ended_at, d.ended_by, d.end_reason, "        \
    DONOR_ZONE("n")

static json_t *deferral_json(db_stmt *stmt)
{
    static const char *const keys[] = {"donor_number", "kind",       "reason_code", "reason",
                                       "starts_on",    "until",      "source",      "din",
                                       "created_by",   "created_at", "ended_at",    "ended_by",
                                       "end_reason"};
    json_t *deferral = json_pack("{s:I}", "id", (json_int_t)db_column_int64(stmt, 0));
    for (int i = 0; i < 13; i++)
        json_object_set_new(deferral, keys[i], service_json_text(db_column_text(stmt, i + 1)));
    /* In force today where the donor belongs. */
    char today[DATE_TEXT_MAX];
    civil_day local = date_today();
    local_today(db_column_text(stmt, 14), &local, NULL);
    date_format(local, today, sizeof today);
    const char *until = db_column_text(stmt, 6);
    int in_force = db_column_is_null(stmt, 11) && strcmp(db_column_text(stmt, 5), today) <= 0 &&
                   (!until || strcmp(until, today) > 0);
    json_object_set_new(deferral, "in_force", json_boolean(in_force));
    return din_eye_readable_add(deferral, "din", "eye_readable");
}

static int deferral_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT " DEFERRAL_COLUMNS " FROM deferrals d "
                   "JOIN donors n ON n.id = d.donor_id "
                   "WHERE d.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, deferral_json, out, "id", e, "no deferral %lld", (long long)id);
}

/* Check a deferral request; `starts_on` is the first day it applies. */
static int deferral_check(const deferral_request *r, civil_day starts_on, err *e)
{
    int kind = eligibility_deferral_kind_parse(r->kind);
    if (kind < 0)
        return err_set(e, ERR_INVALID, "kind", "must be temporary, indefinite or permanent");
    if (donor_deferral_reason_check(r->reason_code, "reason_code", e) ||
        (r->reason && registry_text_check(r->reason, DONOR_REASON_MAX, "reason", e)))
        return -1;
    if (r->reason_code && strcmp(r->reason_code, "OTHER") == 0 && registry_text_blank(r->reason))
        return err_set(e, ERR_INVALID, "reason", "is required with reason code OTHER");
    if (r->source && strcmp(r->source, "staff") != 0 && strcmp(r->source, "test") != 0)
        return err_set(e, ERR_INVALID, "source", "must be staff or test");
    if (r->din && (!*r->din || strlen(r->din) > 20))
        return err_set(e, ERR_INVALID, "din", "must be a DIN of at most 20 characters");
    if (kind != DEFERRAL_TEMPORARY) {
        if (r->until)
            return err_set(e, ERR_INVALID, "until",
                           "only a temporary deferral ends on a date (this one is %s)", r->kind);
        return 0;
    }
    civil_day until;
    char first[DATE_TEXT_MAX];
    if (!r->until || !*r->until)
        return err_set(e, ERR_INVALID, "until",
                       "is required for a temporary deferral: the first day the donor may give "
                       "again (YYYY-MM-DD)");
    if (date_parse(r->until, &until, "until", e))
        return -1;
    if (until <= starts_on)
        return err_set(e, ERR_INVALID, "until", "must be after %s",
                       date_format(starts_on, first, sizeof first));
    if (date_days_between(starts_on, until) > DONOR_DEFERRAL_DAYS_MAX)
        return err_set(e, ERR_INVALID, "until",
                       "must be at most ten years away (for longer, defer indefinitely)");
    return 0;
}

int donor_group_set_in(service_context *ctx, int64_t donor_id, const char *abo, const char *rhd,
                       err *e)
{
    assert(db_in_transaction(ctx->db));
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db, "UPDATE donors SET abo = ?, rhd = ?, updated_at = ? WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, abo);
    db_bind_text(stmt, 2, rhd);
    db_bind_text(stmt, 3, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_int64(stmt, 4, donor_id);
    return db_exec_stmt(stmt, e);
}

int donor_deferral_add_in(service_context *ctx, int64_t donor_id, const deferral_request *r,
                          json_t **out, err *e)
{
    assert(db_in_transaction(ctx->db));
    /* Starting today where the donor belongs, unless the caller says. */
    civil_day starts_on = 0;
    if (r->starts_on && *r->starts_on) {
        if (date_parse(r->starts_on, &starts_on, "starts_on", e))
            return -1;
    } else if (donor_today(ctx->db, donor_id, &starts_on, e)) {
        return -1;
    }
    if (deferral_check(r, starts_on, e))
        return -1;
    char starts[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    date_format(starts_on, starts, sizeof starts);
    timestamp_format(timestamp_now(), now, sizeof now);
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO deferrals (donor_id, kind, reason_code, reason, starts_on, "
                   "until_date, source, din, created_by, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    int kind = eligibility_deferral_kind_parse(r->kind);
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, r->kind);
    db_bind_text(stmt, 3, r->reason_code);
    db_bind_text(stmt, 4, r->reason ? r->reason : "");
    db_bind_text(stmt, 5, starts);
    db_bind_text(stmt, 6, kind == DEFERRAL_TEMPORARY ? r->until : NULL);
    db_bind_text(stmt, 7, r->source ? r->source : "staff");
    db_bind_text(stmt, 8, r->din);
    db_bind_text(stmt, 9, ctx->actor.username);
    db_bind_text(stmt, 10, now);
    int64_t id;
    json_t *deferral = NULL;
    if (db_insert_returning_id(stmt, &id, e) || deferral_fetch(ctx->db, id, &deferral, e))
        return -1;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    int rc = audit_append(ctx, "deferral", id_text, "add", NULL, deferral, r->reason, e);
    if (rc == 0 && out)
        *out = deferral;
    else
        json_decref(deferral);
    return rc;
}

int donor_defer(service_context *ctx, const char *donor_number, const deferral_request *request,
                json_t **out, err *e)
{
    char number[DONOR_NUMBER_LENGTH + 8];
    /* Staff defer; a deferral from a test is made only by the result that
     * caused it (service/testing.c), with its donation. */
    deferral_request r = *request;
    r.starts_on = NULL;
    r.source = "staff";
    r.din = NULL;
    /* Checked here against the earliest day that is today anywhere; again
     * against the donor's today when it is added. */
    if (number_take(donor_number, number, "donor_number", e) ||
        deferral_check(&r, date_add_days(date_today(), -1), e) || service_begin(ctx, e))
        return -1;
    int64_t id = 0;
    char absent[48];
    snprintf(absent, sizeof absent, "no donor %s", number);
    int rc = donor_fetch(ctx->db, number, &id, NULL, e) ||
                     donor_scope_check(ctx, id, "donor_number", absent, e) ||
                     donor_deferral_add_in(ctx, id, &r, out, e)
                 ? -1
                 : 0;
    return service_finish(ctx, rc, e);
}

int donor_deferral_end(service_context *ctx, const char *id_text, const char *reason,
                       json_t **out, err *e)
{
    int64_t id;
    if (id_take(id_text, &id, "id", e))
        return -1;
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "is required: why the deferral ends");
    if (registry_text_check(reason, DONOR_REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    int rc = deferral_fetch(ctx->db, id, &before, e);
    if (rc == 0 && service_limited_to_centers(ctx)) {
        /* Out of scope is as if it were not there. */
        const char *number = json_string_value(json_object_get(before, "donor_number"));
        rc = donor_number_scope_check(ctx, number, "id", e);
        if (rc && e && e->code == ERR_NOT_FOUND)
            err_set(e, ERR_NOT_FOUND, "id", "no deferral %lld", (long long)id);
    }
    if (rc == 0) {
        const char *ended = json_string_value(json_object_get(before, "ended_at"));
        const char *kind = json_string_value(json_object_get(before, "kind"));
        const char *source = json_string_value(json_object_get(before, "source"));
        if (ended)
            rc = err_set(e, ERR_CONFLICT, "id", "deferral %lld was already ended on %s",
                         (long long)id, ended);
        else if (strcmp(kind, "permanent") == 0 && strcmp(source, "test") == 0 &&
                 !capability_allows(ctx->actor.roles, CAPABILITY_DEFERRALS_END_PERMANENT))
            rc = err_set(e, ERR_FORBIDDEN, "id",
                         "deferral %lld is permanent and was made by a reactive test: only an "
                         "administrator can end it",
                         (long long)id);
    }
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    if (rc == 0 && (rc = db_prepare(ctx->db,
                                    "UPDATE deferrals SET ended_at = ?, ended_by = ?, "
                                    "end_reason = ? WHERE id = ? AND ended_at IS NULL",
                                    &stmt, e)) == 0) {
        db_bind_text(stmt, 1, now);
        db_bind_text(stmt, 2, ctx->actor.username);
        db_bind_text(stmt, 3, reason);
        db_bind_int64(stmt, 4, id);
        rc = db_exec_stmt(stmt, e);
        if (rc == 0 && db_changes(ctx->db) != 1)
            rc = err_set(e, ERR_CONFLICT, "id", "deferral %lld was just ended by someone else",
                         (long long)id);
    }
    if (rc == 0)
        rc = deferral_fetch(ctx->db, id, &after, e) ||
                     audit_append(ctx, "deferral", id_text, "end", before, after, reason, e)
                 ? -1
                 : 0;
    return service_finish_record(ctx, rc, before, after, out, e);
}

int donor_deferral_reasons_list(service_context *ctx, json_t **out, err *e)
{
    (void)ctx;
    (void)e;
    json_t *items = json_array();
    for (const donor_deferral_reason *r = donor_deferral_reasons; r->code; r++)
        json_array_append_new(items, json_pack("{s:s, s:s}", "code", r->code, "description",
                                               r->description));
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* --- donors: register, list, show, update ------------------------------------ */

/* The contact fields given, checked; home_center trimmed and in capitals
 * into `center` ("" when it is to be cleared). */
/* A home center's code (NULL or "": none, `center` ""), trimmed and in
 * capitals, checked; errors name "home_center". */
static int home_center_take(const char *text, char center[REGISTRY_CODE_MAX + 8], err *e)
{
    return service_code_filter_take(text, center, "home_center", e);
}

static int contact_check(const donor_fields *f, char center[REGISTRY_CODE_MAX + 8], err *e)
{
    if (donor_phone_check(f->phone, "phone", e) || donor_email_check(f->email, "email", e) ||
        donor_address_check(f->address, "address", e))
        return -1;
    return home_center_take(f->home_center, center, e);
}

static int center_exists(db_conn *db, const char *code, err *e)
{
    if (!*code)
        return 0;
    db_stmt *stmt;
    if (db_prepare(db, "SELECT 1 FROM centers WHERE code = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_INVALID, "home_center",
                       "no donor center '%s' (see the list of centers)", code);
    return step == DB_ROW ? 0 : -1;
}

/* The donor number of an existing donor found by `sql` with two text
 * parameters (the second may be NULL); "" when none. */
static int existing_number(db_conn *db, const char *sql, const char *first, const char *second,
                           char number[32], err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, first);
    if (second)
        db_bind_text(stmt, 2, second);
    number[0] = '\0';
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        snprintf(number, 32, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

typedef struct {
    const donor_fields *f;
    char name_key[DONOR_NAME_KEY_MAX];
    char identity[DONOR_IDENTITY_MAX];
    char center[REGISTRY_CODE_MAX + 8];
    char number[DONOR_NUMBER_LENGTH + 8]; /* "" to allocate */
    donor_sex sex;
} donor_new;

/* Insert the donor under the number given, or the next free one; the
 * number taken is left in d->number. */
static int donor_insert(db_conn *db, donor_new *d, const char *now, int64_t *id, err *e)
{
    int given = d->number[0] != '\0';
    for (int attempt = 0; attempt < ALLOCATE_ATTEMPTS; attempt++) {
        db_stmt *stmt;
        if (!given) {
            char last[32];
            if (existing_number(db,
                                "SELECT donor_number FROM donors WHERE donor_number <= ? "
                                "ORDER BY donor_number DESC LIMIT 1",
                                "D9999999", NULL, last, e))
                return -1;
            long next = *last ? donor_number_value(last) + 1 : 1;
            if (next > DONOR_NUMBER_MAX)
                return err_set(e, ERR_CONFLICT, "donor_number",
                               "every donor number up to D%07d is taken", DONOR_NUMBER_MAX);
            donor_number_format(next, d->number, sizeof d->number);
        }
        if (db_prepare(db,
                       "INSERT INTO donors (donor_number, family_name, given_name, name_key, "
                       "birth_date, sex, phone, email, address, identity_document, home_center, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (donor_number) DO NOTHING RETURNING id",
                       &stmt, e))
            return -1;
        const donor_fields *f = d->f;
        db_bind_text(stmt, 1, d->number);
        db_bind_text(stmt, 2, f->family_name);
        db_bind_text(stmt, 3, f->given_name);
        db_bind_text(stmt, 4, d->name_key);
        db_bind_text(stmt, 5, f->birth_date);
        db_bind_text(stmt, 6, donor_sex_name(d->sex));
        db_bind_text(stmt, 7, f->phone ? f->phone : "");
        db_bind_text(stmt, 8, f->email ? f->email : "");
        db_bind_text(stmt, 9, f->address ? f->address : "");
        db_bind_text(stmt, 10, *d->identity ? d->identity : NULL);
        db_bind_text(stmt, 11, *d->center ? d->center : NULL);
        db_bind_text(stmt, 12, now);
        db_bind_text(stmt, 13, now);
        db_step_result step = db_step(stmt, e);
        if (step == DB_ROW) {
            *id = db_column_int64(stmt, 0);
            step = db_step(stmt, e);
        }
        db_reset(stmt);
        if (step == DB_FAILED) {
            if (e && e->code == ERR_CONFLICT)
                err_set(e, ERR_CONFLICT, "identity_document",
                        "another donor with this identity document was registered at the same "
                        "time");
            return -1;
        }
        if (*id)
            return 0;
        if (given)
            break;
    }
    return err_set(e, ERR_CONFLICT, "donor_number", "donor number %s is taken", d->number);
}

int donor_register(service_context *ctx, const donor_fields *f, json_t **out, err *e)
{
    donor_new d = {.f = f};
    civil_day birth, today = 0;
    /* Not born after today anywhere (checked again against the donor's
     * own today below). */
    if (donor_name_check(f->family_name, "family_name", e) ||
        donor_name_check(f->given_name, "given_name", e) ||
        donor_birth_date_check(f->birth_date, date_add_days(date_today(), 1), &birth,
                               "birth_date", e) ||
        donor_sex_parse(f->sex, &d.sex, "sex", e) || contact_check(f, d.center, e))
        return -1;
    if (f->identity_document && *f->identity_document &&
        donor_identity_fold(f->identity_document, d.identity, sizeof d.identity,
                            "identity_document", e))
        return -1;
    if (f->donor_number && number_take(f->donor_number, d.number, "donor_number", e))
        return -1;
    donor_name_key(f->family_name, f->given_name, d.name_key, sizeof d.name_key);

    if (service_begin(ctx, e))
        return -1;
    char existing[32] = "", now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    int64_t id = 0;
    json_t *donor = NULL;
    int rc = center_exists(ctx->db, d.center, e);
    /* Staff limited to their centers register donors of those centers (a
     * donor of none would be out of their sight at once): of their only
     * center when none is given. */
    if (rc == 0 && service_limited_to_centers(ctx)) {
        if (!*d.center)
            rc = service_only_center(ctx, d.center, "home_center", e);
        if (rc == 0)
            rc = service_center_allowed(ctx, d.center, "home_center", e);
    }
    if (rc == 0)
        rc = center_today(ctx->db, d.center, &today, e) ||
             donor_birth_date_check(f->birth_date, today, &birth, "birth_date", e);
    if (rc == 0 && *d.identity &&
        (rc = existing_number(ctx->db,
                              "SELECT donor_number FROM donors WHERE identity_document = ?",
                              d.identity, NULL, existing, e)) == 0 &&
        *existing)
        rc = err_set(e, ERR_CONFLICT, "identity_document",
                     "donor %s already has identity document %s: search for them instead of "
                     "registering again",
                     existing, d.identity);
    if (rc == 0 &&
        (rc = existing_number(ctx->db,
                              "SELECT donor_number FROM donors WHERE name_key = ? AND "
                              "birth_date = ? ORDER BY donor_number LIMIT 1",
                              d.name_key, f->birth_date, existing, e)) == 0 &&
        *existing)
        rc = err_set(e, ERR_CONFLICT, "birth_date",
                     "donor %s has the same name and birth date: search for them instead of "
                     "registering again",
                     existing);
    if (rc == 0 && *d.number &&
        (rc = existing_number(ctx->db, "SELECT donor_number FROM donors WHERE donor_number = ?",
                              d.number, NULL, existing, e)) == 0 &&
        *existing)
        rc = err_set(e, ERR_CONFLICT, "donor_number", "donor number %s is taken", d.number);
    if (rc == 0)
        rc = donor_insert(ctx->db, &d, now, &id, e) ||
                     donor_fetch(ctx->db, d.number, NULL, &donor, e) ||
                     audit_append(ctx, "donor", d.number, "register", NULL, donor, NULL, e)
                 ? -1
                 : 0;
    if (service_finish(ctx, rc, e)) {
        json_decref(donor);
        return -1;
    }
    *out = donor;
    return 0;
}

/* The status filter of a list: "" (all), "eligible", "deferred", or a
 * deferred standing, whose deferral kind goes into *kind. */
static int status_filter_take(const char *status, const char **kind, err *e)
{
    *kind = NULL;
    if (!*status || strcmp(status, "deferred") == 0)
        return 0;
    int standing = eligibility_standing_parse(status);
    if (standing < 0)
        return err_set(e, ERR_INVALID, "status",
                       "must be eligible, deferred, deferred_temporary, deferred_indefinite or "
                       "deferred_permanent");
    if (standing == STANDING_DEFERRED_TEMPORARY)
        *kind = "temporary";
    else if (standing == STANDING_DEFERRED_INDEFINITE)
        *kind = "indefinite";
    else if (standing == STANDING_DEFERRED_PERMANENT)
        *kind = "permanent";
    return 0;
}

/* A row of the list: the donor with its standing on the day `data` is. */
static json_t *donor_list_item(db_stmt *stmt, void *data)
{
    json_t *donor = donor_json(stmt);
    standing_add(stmt, data, donor);
    return donor;
}

/* The columns the list sorts by (the donor number is the tie-break). */
static const service_sort_key donor_sort_keys[] = {
    {"donor_number", "d.donor_number"},
    {"name", "d.name_key"},
    {"birth_date", "d.birth_date"},
    {"sex", "d.sex"},
    {"home_center", "COALESCE(d.home_center, '')"},
    {"group", SERVICE_GROUP_TEXT("d.abo", "d.rhd")},
    {"status", "CASE WHEN t.id IS NULL THEN 0 WHEN t.kind = 'temporary' THEN 1 "
               "WHEN t.kind = 'indefinite' THEN 2 ELSE 3 END"},
    {"last_donation_on", "COALESCE((SELECT MAX(l.collected_at) FROM collections l "
                         "WHERE l.donor_id = d.id), '')"},
};
static const service_sort donor_sort =
    SERVICE_SORT(donor_sort_keys, "d.donor_number", "d.donor_number");

int donor_list(service_context *ctx, donor_filter *filter, json_t **out, err *e)
{
    char number_pattern[256] = "", name_pattern[256] = "", folded[256] = "", upper[128] = "";
    char center[REGISTRY_CODE_MAX + 8] = "", group[TESTING_GROUP_TEXT_MAX] = "";
    const char *search = filter->search ? filter->search : "";
    const char *status = filter->status ? filter->status : "", *kind;
    if (service_page_check(&filter->page, e) || status_filter_take(status, &kind, e))
        return -1;
    if (strlen(search) > 100)
        return err_set(e, ERR_INVALID, "q", "must be at most 100 characters");
    if (*search) {
        snprintf(upper, sizeof upper, "%s", search);
        service_normalize_code(upper);
        donor_name_fold(search, folded, sizeof folded);
        if (service_like_pattern(upper, number_pattern, sizeof number_pattern, "q", e) ||
            service_like_pattern(*folded ? folded : upper, name_pattern, sizeof name_pattern, "q",
                                 e))
            return -1;
    }
    if (home_center_take(filter->home_center, center, e) ||
        (filter->group && *filter->group && testing_group_take(filter->group, group, "group", e)))
        return -1;
    standing_day day;
    if (db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt;
    int rc = standing_day_load(ctx->db, &day, e) ||
             service_list_prepare(
                 ctx->db,
                 "SELECT " DONOR_COLUMNS ", " STANDING_COLUMNS "%s FROM donors d" STANDING_JOIN
                 " WHERE d.donor_number > ?3 "
                 "AND (?4 = '' OR d.donor_number LIKE ?5 ESCAPE '\\' "
                 "OR d.name_key LIKE ?6 ESCAPE '\\' OR d.birth_date = ?4) "
                 "AND (?7 = '' OR (?7 = 'eligible' AND t.id IS NULL) "
                 "OR (?7 = 'deferred' AND t.id IS NOT NULL) OR t.kind = ?8) "
                 "AND (?9 = '' OR d.home_center = ?9) "
                 "AND (?10 = '' OR " SERVICE_GROUP_TEXT("d.abo", "d.rhd") " = ?10) "
                 "AND " SERVICE_DONOR_SCOPE("d") " ORDER BY %s LIMIT ?14 OFFSET ?15",
                 &filter->page, &donor_sort, &stmt, e);
    if (rc == 0) {
        standing_bind(stmt, 1, &day);
        db_bind_text(stmt, 3, filter->page.after ? filter->page.after : "");
        db_bind_text(stmt, 4, upper);
        db_bind_text(stmt, 5, number_pattern);
        db_bind_text(stmt, 6, name_pattern);
        db_bind_text(stmt, 7, status);
        db_bind_text(stmt, 8, kind);
        db_bind_text(stmt, 9, center);
        db_bind_text(stmt, 10, group);
        service_bind_scope(stmt, 11, 3, ctx);
        db_bind_int64(stmt, 14, filter->page.limit);
        db_bind_int64(stmt, 15, filter->page.offset);
        rc = service_collect_page_with(stmt, donor_list_item, &day, &filter->page,
                                       "donor_number", out, e);
    }
    db_rollback(ctx->db);
    return rc ? -1 : 0;
}

/* --- donors due back -------------------------------------------------------- */

/* The donors with a donation whose interval may have ended on one of the
 * days of the list: for each procedure, the collections made that
 * procedure's interval before those days, a day wider at either end (the
 * standing then decides exactly). Each window is a range of
 * collections_center (center, collected_at) for every center. */
#define DUE_BACK_WINDOW(procedure, from, to)                                                     \
    "SELECT w.donor_id FROM collections w WHERE w.center IN (SELECT code FROM centers) "          \
    "AND w.collected_at >= " from " AND w.collected_at < " to " AND w.procedure = '" procedure "'"

typedef struct {
    civil_day since;
    json_t *donor;
} due_back_row;

static int due_back_compare(const void *a, const void *b)
{
    const due_back_row *x = a, *y = b;
    if (x->since != y->since)
        return x->since < y->since ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x->donor, "donor_number")),
                  json_string_value(json_object_get(y->donor, "donor_number")));
}

/* The donor of the current row as the due-back list shows it. */
static json_t *due_back_json(db_stmt *stmt, const standing_history *history, civil_day since)
{
    static const struct {
        const char *key;
        int column;
    } columns[] = {{"donor_number", 0}, {"family_name", 1}, {"given_name", 2},
                   {"phone", 5},        {"email", 6},       {"home_center", 9}};
    json_t *donor = json_object();
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        json_object_set_new(donor, columns[i].key,
                            service_json_text(db_column_text(stmt, columns[i].column)));
    last_donation_add(history, donor);
    json_object_set_new(donor, "eligible_since", date_json(1, since));
    return donor;
}

int donor_due_back(service_context *ctx, const donor_due_back_request *request, json_t **out,
                   err *e)
{
    if (request->days < 1 || request->days > 366)
        return err_set(e, ERR_INVALID, "days", "must be a whole number from 1 to 366");
    if (request->limit < 0 || request->limit > SERVICE_PAGE_MAX)
        return err_set(e, ERR_INVALID, "limit", "must be a whole number from 0 to %d",
                       SERVICE_PAGE_MAX);
    standing_day day;
    if (db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt = NULL;
    /* Each donor is judged on their own today, at their home center
     * (today_text stays "", docs/donors.md "Days"); request->today only
     * places the windows of candidates, a day wider at each end for the
     * zones whose date is not request->today's. */
    int rc = standing_day_load(ctx->db, &day, e);
    day.today = request->today;
    if (rc == 0)
        rc = db_prepare(ctx->db,
                        "SELECT " DONOR_COLUMNS ", " STANDING_COLUMNS " FROM donors d" STANDING_JOIN
                        " WHERE d.id IN (" DUE_BACK_WINDOW("whole_blood", "?3", "?4")
                        " UNION ALL " DUE_BACK_WINDOW("double_red_cells", "?5", "?6")
                        " UNION ALL " DUE_BACK_WINDOW("plateletpheresis", "?7", "?8")
                        " UNION ALL " DUE_BACK_WINDOW("plasmapheresis", "?9", "?10")
                        ") AND " SERVICE_DONOR_SCOPE("d"),
                        &stmt, e);
    due_back_row *rows = NULL;
    size_t count = 0, capacity = 0;
    if (rc == 0) {
        standing_bind(stmt, 1, &day);
        char from[PROCEDURE_COUNT][DATE_TEXT_MAX], to[PROCEDURE_COUNT][DATE_TEXT_MAX];
        for (int p = 0; p < PROCEDURE_COUNT; p++) {
            int32_t interval =
                (int32_t)eligibility_interval_days(&day.thresholds, (donation_procedure)p);
            date_format(date_add_days(day.today, -interval - request->days - 1), from[p],
                        sizeof from[p]);
            date_format(date_add_days(day.today, 3 - interval), to[p], sizeof to[p]);
            db_bind_text(stmt, 3 + 2 * p, from[p]);
            db_bind_text(stmt, 4 + 2 * p, to[p]);
        }
        service_bind_scope(stmt, 3 + 2 * PROCEDURE_COUNT, 3, ctx);
        db_step_result step;
        while ((step = db_step(stmt, e)) == DB_ROW) {
            eligibility_input in;
            standing_history history;
            civil_day since;
            standing_input_read(stmt, &day, &in, &history);
            if (!eligibility_due_back(&day.thresholds, &in, request->days, &since))
                continue;
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 32;
                due_back_row *grown = realloc(rows, capacity * sizeof *grown);
                if (!grown) {
                    step = DB_FAILED;
                    err_set(e, ERR_INTERNAL, NULL, "out of memory");
                    break;
                }
                rows = grown;
            }
            rows[count++] = (due_back_row){since, due_back_json(stmt, &history, since)};
        }
        db_reset(stmt);
        rc = step == DB_FAILED ? -1 : 0;
    }
    db_rollback(ctx->db);
    if (count)
        qsort(rows, count, sizeof *rows, due_back_compare);
    json_t *items = json_array();
    for (size_t i = 0; i < count; i++) {
        if (rc == 0 && i < (size_t)request->limit)
            json_array_append(items, rows[i].donor);
        json_decref(rows[i].donor);
    }
    free(rows);
    if (rc) {
        json_decref(items);
        return -1;
    }
    *out = json_pack("{s:I, s:i, s:o}", "count", (json_int_t)count, "days", request->days,
                     "items", items);
    return 0;
}

/* Step `stmt` to its end, appending each row built by `build` to `items`. */
static int rows_append(db_stmt *stmt, json_t *(*build)(db_stmt *), json_t *items, err *e)
{
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_array_append_new(items, build(stmt));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static json_t *blood_group_json(db_stmt *stmt)
{
    return din_eye_readable_add(
        json_pack("{s:s, s:o, s:o, s:s}", "din", db_column_text(stmt, 0), "abo",
                  service_json_text(db_column_text(stmt, 1)), "rhd",
                  service_json_text(db_column_text(stmt, 2)), "tested_on",
                  db_column_text(stmt, 3)),
        "din", "eye_readable");
}

static json_t *collection_json(db_stmt *stmt)
{
    return din_eye_readable_add(json_pack("{s:s, s:s, s:s, s:s, s:s}", "din",
                                          db_column_text(stmt, 0), "procedure",
                                          db_column_text(stmt, 1), "collected_at",
                                          db_column_text(stmt, 2), "center",
                                          db_column_text(stmt, 3), "time_zone",
                                          db_column_text(stmt, 4)),
                                "din", "eye_readable");
}

/* Add the history of donor `id` to `donor`. */
static int donor_history(db_conn *db, int64_t id, json_t *donor, err *e)
{
    json_t *groups = json_array(), *deferrals = json_array(), *collections = json_array();
    json_object_set_new(donor, "blood_groups", groups);
    json_object_set_new(donor, "deferrals", deferrals);
    json_object_set_new(donor, "collections", collections);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT din, abo, rhd, tested_on FROM donor_blood_groups WHERE donor_id = ? "
                   "ORDER BY tested_on DESC, id DESC",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (rows_append(stmt, blood_group_json, groups, e) ||
        db_prepare(db,
                   "SELECT " DEFERRAL_COLUMNS " FROM deferrals d "
                   "JOIN donors n ON n.id = d.donor_id "
                   "WHERE d.donor_id = ? ORDER BY d.id DESC",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (rows_append(stmt, deferral_json, deferrals, e) ||
        db_prepare(db,
                   "SELECT c.din, c.procedure, c.collected_at, c.center, z.time_zone "
                   "FROM collections c JOIN centers z ON z.code = c.center "
                   "WHERE c.donor_id = ? ORDER BY c.collected_at DESC LIMIT ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, RECENT_COLLECTIONS);
    return rows_append(stmt, collection_json, collections, e);
}

/* The donor with this number and its standing, as JSON, and its id. */
static int donor_fetch_standing(db_conn *db, const char *number, int64_t *id, json_t **out,
                                err *e)
{
    standing_day day;
    db_stmt *stmt;
    if (standing_day_load(db, &day, e) ||
        db_prepare(db,
                   "SELECT " DONOR_COLUMNS ", " STANDING_COLUMNS " FROM donors d" STANDING_JOIN
                   " WHERE d.donor_number = ?",
                   &stmt, e))
        return -1;
    standing_bind(stmt, 1, &day);
    db_bind_text(stmt, 3, number);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *out = donor_json(stmt);
        standing_add(stmt, &day, *out);
        *id = db_column_int64(stmt, STANDING_ID);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "donor_number", "no donor %s", number);
    return step == DB_ROW ? 0 : -1;
}

int donor_get(service_context *ctx, const char *donor_number, json_t **out, err *e)
{
    char number[DONOR_NUMBER_LENGTH + 8];
    if (number_take(donor_number, number, "donor_number", e) || db_begin_read(ctx->db, e))
        return -1;
    int64_t id = 0;
    json_t *donor = NULL;
    char absent[48];
    snprintf(absent, sizeof absent, "no donor %s", number);
    int rc = donor_fetch_standing(ctx->db, number, &id, &donor, e) ||
                     donor_scope_check(ctx, id, "donor_number", absent, e) ||
                     donor_history(ctx->db, id, donor, e)
                 ? -1
                 : 0;
    db_rollback(ctx->db);
    if (rc) {
        json_decref(donor);
        return -1;
    }
    *out = donor;
    return 0;
}

int donor_update(service_context *ctx, const char *donor_number, const donor_fields *f,
                 json_t **out, err *e)
{
    char number[DONOR_NUMBER_LENGTH + 8], center[REGISTRY_CODE_MAX + 8];
    if (number_take(donor_number, number, "donor_number", e))
        return -1;
    if (!f->phone && !f->email && !f->address && !f->home_center)
        return err_set(e, ERR_INVALID, "body",
                       "give at least one of phone, email, address, home_center");
    if (contact_check(f, center, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    int rc = donor_fetch(ctx->db, number, NULL, &before, e) ||
             donor_number_scope_check(ctx, number, "donor_number", e);
    if (rc == 0 && f->home_center)
        rc = center_exists(ctx->db, center, e) ||
             (*center && service_center_allowed(ctx, center, "home_center", e));
    db_stmt *stmt;
    if (rc == 0 &&
        (rc = db_prepare(ctx->db,
                         "UPDATE donors SET phone = COALESCE(?, phone), "
                         "email = COALESCE(?, email), address = COALESCE(?, address), "
                         "home_center = CASE WHEN ? = 1 THEN ? ELSE home_center END, "
                         "updated_at = ? WHERE donor_number = ?",
                         &stmt, e)) == 0) {
        db_bind_text(stmt, 1, f->phone);
        db_bind_text(stmt, 2, f->email);
        db_bind_text(stmt, 3, f->address);
        db_bind_int64(stmt, 4, f->home_center != NULL);
        db_bind_text(stmt, 5, *center ? center : NULL);
        db_bind_text(stmt, 6, now);
        db_bind_text(stmt, 7, number);
        rc = db_exec_stmt(stmt, e) || donor_fetch(ctx->db, number, NULL, &after, e) ||
                     audit_append(ctx, "donor", number, "update", before, after, NULL, e)
                 ? -1
                 : 0;
    }
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- eligibility settings ------------------------------------------------------ */

static json_t *setting_json(const eligibility_threshold_name *n, const eligibility_thresholds *t,
                            const eligibility_thresholds *defaults)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "name", n->name, "description",
                     n->description, "value", (json_int_t)eligibility_threshold_get(t, n),
                     "default", (json_int_t)eligibility_threshold_get(defaults, n), "min",
                     (json_int_t)n->min, "max", (json_int_t)n->max);
}

int eligibility_settings_list(service_context *ctx, json_t **out, err *e)
{
    eligibility_thresholds t, defaults;
    eligibility_thresholds_default(&defaults);
    if (thresholds_load(ctx->db, &t, e))
        return -1;
    json_t *items = json_array();
    for (const eligibility_threshold_name *n = eligibility_threshold_names; n->name; n++)
        json_array_append_new(items, setting_json(n, &t, &defaults));
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

int eligibility_setting_set(service_context *ctx, const char *name, const char *value,
                            json_t **out, err *e)
{
    if (!capability_allows(ctx->actor.roles, CAPABILITY_SETTINGS_WRITE))
        return err_set(e, ERR_FORBIDDEN, "name",
                       "only an administrator sets eligibility thresholds");
    const eligibility_threshold_name *n = eligibility_threshold_find(name);
    if (!n)
        return err_set(e, ERR_NOT_FOUND, "name", "no eligibility threshold '%.64s'",
                       name ? name : "");
    long number;
    if (service_number_take(value, n->min, n->max, &number, "value", e) || service_begin(ctx, e))
        return -1;
    eligibility_thresholds t, defaults;
    eligibility_thresholds_default(&defaults);
    int rc = thresholds_load(ctx->db, &t, e);
    long old = rc == 0 ? eligibility_threshold_get(&t, n) : 0;
    if (rc == 0)
        rc = eligibility_threshold_set(&t, n->name, number, e);
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    db_stmt *stmt;
    if (rc == 0 && old != number &&
        (rc = db_prepare(ctx->db,
                         "INSERT INTO eligibility_settings (name, value, updated_at, updated_by) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                         "value = excluded.value, updated_at = excluded.updated_at, "
                         "updated_by = excluded.updated_by",
                         &stmt, e)) == 0) {
        db_bind_text(stmt, 1, n->name);
        db_bind_int64(stmt, 2, number);
        db_bind_text(stmt, 3, now);
        db_bind_text(stmt, 4, ctx->actor.username);
        json_t *before = json_pack("{s:I}", "value", (json_int_t)old);
        json_t *after = json_pack("{s:I}", "value", (json_int_t)number);
        rc = db_exec_stmt(stmt, e) || audit_append(ctx, "eligibility_setting", n->name, "set",
                                                   before, after, NULL, e)
                 ? -1
                 : 0;
        json_decref(before);
        json_decref(after);
    }
    if (service_finish(ctx, rc, e))
        return -1;
    *out = setting_json(n, &t, &defaults);
    return 0;
}
