/*
 * lookback.c - lookback cases: opening and tracing inside the import's
 * transaction, the list, one case, its printable report, its steps and its
 * closing (see lookback.h).
 *
 * The trace reads the donor's donations through collections_donor (donor,
 * collected_at), the last nonreactive result of each through test_results'
 * (din, test) key, and the units of each donation through units' (din,
 * product_code, division) key: a handful of index lookups, whatever the
 * size of the tables.
 *
 * A case's days are those of the center that collected the trigger
 * donation (its time zone): the day the case opened and its deadlines, the
 * window's days, "today" when a deadline is judged overdue or a step is
 * recorded.
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/buffer.h"
#include "base/date.h"
#include "base/local_time.h"
#include "domain/lookback.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/company.h"
#include "service/din.h"
#include "service/lookback.h"
#include "service/testing.h"
#include "service/unit.h"

enum { TRACE_DONATIONS_MAX = 400, TRACE_UNITS_MAX = 2000, DIN_TEXT = 16 };

/* Today in `zone` (a zone on record), or UTC's should it be unusable. */
static civil_day today_in(const char *zone)
{
    civil_day today = date_today();
    local_today(zone, &today, NULL);
    return today;
}

/* --- opening and tracing ------------------------------------------------------ */

typedef struct {
    int64_t id;
    char status[24];
    char hospital[24];
    int has_hospital;
} traced_unit;

/* The donor's donations from the day window_start (at the center of each)
 * up to the trigger. */
static int trace_donations(db_conn *db, int64_t donor_id, const char *window_start,
                           const char *trigger_at, char (*dins)[DIN_TEXT], size_t *count,
                           err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT c.din FROM collections c JOIN centers z ON z.code = c.center "
                   "WHERE c.donor_id = ? AND local_date(z.time_zone, c.collected_at) >= ? "
                   "AND c.collected_at < ? ORDER BY c.collected_at",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, window_start);
    db_bind_text(stmt, 3, trigger_at);
    *count = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && *count < TRACE_DONATIONS_MAX)
        snprintf(dins[(*count)++], DIN_TEXT, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static int trace_units(db_conn *db, const char *din, traced_unit *units, size_t *count, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT id, status, hospital FROM units WHERE din = ? ORDER BY id", &stmt,
                   e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && *count < TRACE_UNITS_MAX) {
        traced_unit *unit = &units[(*count)++];
        unit->id = db_column_int64(stmt, 0);
        snprintf(unit->status, sizeof unit->status, "%s", db_column_text(stmt, 1));
        unit->has_hospital = !db_column_is_null(stmt, 2);
        snprintf(unit->hospital, sizeof unit->hospital, "%s",
                 unit->has_hospital ? db_column_text(stmt, 2) : "");
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The most recent nonreactive result for `marker` on the donor's
 * donations collected before the trigger: 1 and its day, or 0. */
static int last_nonreactive(db_conn *db, int64_t donor_id, const char *trigger_at,
                            const char *marker, civil_day *day, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT MAX(r.tested_on) FROM collections c "
                   "JOIN test_results_current r ON r.din = c.din "
                   "JOIN test_panel p ON p.test = r.test "
                   "WHERE c.donor_id = ? AND c.collected_at < ? AND p.marker = ? "
                   "AND r.result = 'nonreactive'",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, trigger_at);
    db_bind_text(stmt, 3, marker);
    db_step_result step = db_step(stmt, e);
    int found = step == DB_ROW && !db_column_is_null(stmt, 0) &&
                date_parse(db_column_text(stmt, 0), day, "tested_on", NULL) == 0;
    db_reset(stmt);
    return step == DB_FAILED ? -1 : found;
}

int lookback_open_in(service_context *ctx, int64_t donor_id, const char *trigger_din,
                     const char *marker, const char *test, int64_t *case_id, err *e)
{
    assert(db_in_transaction(ctx->db));
    *case_id = 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT (SELECT COUNT(*) FROM lookback_cases WHERE trigger_din = ? AND "
                   "marker = ?), c.collected_at, z.time_zone FROM collections c "
                   "JOIN centers z ON z.code = c.center WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, trigger_din);
    db_bind_text(stmt, 2, marker);
    db_bind_text(stmt, 3, trigger_din);
    db_step_result step = db_step(stmt, e);
    int64_t existing = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    char trigger_at[TIMESTAMP_TEXT_MAX + 8] = "", zone[TIME_ZONE_NAME_MAX] = "";
    if (step == DB_ROW) {
        snprintf(trigger_at, sizeof trigger_at, "%s", db_column_text(stmt, 1));
        snprintf(zone, sizeof zone, "%s", db_column_text(stmt, 2));
    }
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "din", "no collection has DIN %s",
                                         trigger_din)
                               : -1;
    if (existing)
        return 0;
    /* The days of the trigger's center: the trigger donation's, today's. */
    civil_day nonreactive = 0, today = 0, trigger_day = 0;
    int64_t trigger_instant = 0;
    if (timestamp_parse(trigger_at, &trigger_instant, "collected_at", e) ||
        local_date_of(zone, trigger_instant, &trigger_day, e) || local_today(zone, &today, e))
        return -1;
    int has_nonreactive = last_nonreactive(ctx->db, donor_id, trigger_at, marker, &nonreactive, e);
    if (has_nonreactive < 0)
        return -1;
    civil_day window = lookback_window_start(has_nonreactive, nonreactive, trigger_day,
                                             LOOKBACK_WINDOW_MONTHS);
    char window_start[DATE_TEXT_MAX], opened_on[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX],
        due[LOOKBACK_STEP_COUNT][DATE_TEXT_MAX];
    date_format(window, window_start, sizeof window_start);
    date_format(today, opened_on, sizeof opened_on);
    timestamp_format(timestamp_now(), now, sizeof now);
    for (int s = 0; s < LOOKBACK_STEP_COUNT; s++)
        date_format(lookback_due((lookback_step)s, today), due[s], sizeof due[s]);
    if (db_prepare(ctx->db,
                   "INSERT INTO lookback_cases (donor_id, trigger_din, marker, test, opened_on, "
                   "opened_at, window_start, quarantine_due, notice_due, followup_due) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor_id);
    db_bind_text(stmt, 2, trigger_din);
    db_bind_text(stmt, 3, marker);
    db_bind_text(stmt, 4, test);
    db_bind_text(stmt, 5, opened_on);
    db_bind_text(stmt, 6, now);
    db_bind_text(stmt, 7, window_start);
    db_bind_text(stmt, 8, due[LOOKBACK_QUARANTINE]);
    db_bind_text(stmt, 9, due[LOOKBACK_NOTICE]);
    db_bind_text(stmt, 10, due[LOOKBACK_FOLLOWUP]);
    int64_t id = 0;
    if (db_insert_returning_id(stmt, &id, e))
        return -1;

    /* The trace: read everything first, then hold and record. */
    char (*dins)[DIN_TEXT] = malloc(TRACE_DONATIONS_MAX * sizeof *dins);
    traced_unit *units = malloc(TRACE_UNITS_MAX * sizeof *units);
    size_t donation_count = 0, unit_count = 0;
    int rc = dins && units ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (rc == 0)
        rc = trace_donations(ctx->db, donor_id, window_start, trigger_at, dins, &donation_count,
                             e);
    for (size_t i = 0; rc == 0 && i < donation_count; i++)
        rc = trace_units(ctx->db, dins[i], units, &unit_count, e);
    char hold[48];
    snprintf(hold, sizeof hold, "lookback case %lld", (long long)id);
    json_int_t held = 0, shipped = 0;
    for (size_t i = 0; rc == 0 && i < unit_count; i++) {
        int status = blood_unit_status_parse(units[i].status);
        lookback_action action =
            status < 0 ? LOOKBACK_ACTION_NONE : lookback_action_for((blood_unit_status)status);
        if (action == LOOKBACK_ACTION_QUARANTINED) {
            held++;
            rc = unit_hold_in(ctx, units[i].id, hold, e);
        } else if (action == LOOKBACK_ACTION_SHIPPED) {
            shipped++;
        }
        if (rc == 0)
            rc = db_prepare(ctx->db,
                            "INSERT INTO lookback_units (case_id, unit_id, status_at_trace, "
                            "action, hospital) VALUES (?, ?, ?, ?, ?)",
                            &stmt, e);
        if (rc == 0) {
            db_bind_int64(stmt, 1, id);
            db_bind_int64(stmt, 2, units[i].id);
            db_bind_text(stmt, 3, units[i].status);
            db_bind_text(stmt, 4, lookback_action_name(action));
            db_bind_text(stmt, 5, units[i].has_hospital ? units[i].hospital : NULL);
            rc = db_exec_stmt(stmt, e);
        }
    }
    free(dins);
    free(units);
    if (rc)
        return -1;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    json_t *after = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "trigger_din", trigger_din, "marker",
        marker, "test", test, "opened_on", opened_on, "window_start", window_start, "donations",
        (json_int_t)donation_count, "units", (json_int_t)unit_count, "quarantined", held,
        "shipped", shipped);
    rc = audit_append(ctx, "lookback_case", id_text, "open", NULL, after, NULL, e);
    json_decref(after);
    if (rc == 0)
        *case_id = id;
    return rc;
}

/* --- reading ---------------------------------------------------------------------- */

/* A case id given as text; `key` (may be NULL) gets it as the audit names it. */
static int id_take(const char *text, int64_t *id, char key[24], err *e)
{
    char *end = NULL;
    long long value = text && *text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || value <= 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no lookback case '%.30s'", text ? text : "");
    *id = value;
    if (key)
        snprintf(key, 24, "%lld", value);
    return 0;
}

static json_t *date_or_null(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? json_null()
                                           : json_stringn(db_column_text(stmt, column), 10);
}

/* Column 9, the window's end, is the trigger donation's day at its center;
 * column 20 that center's time zone. */
#define CASE_COLUMNS_LIST                                                                        \
    "k.id, k.status, d.donor_number, k.marker, k.test, k.trigger_din, k.opened_on, "             \
    "k.opened_at, k.window_start, local_date(z.time_zone, c.collected_at), k.quarantine_due, "   \
    "k.notice_due, k.followup_due, k.quarantine_done_at, k.notice_done_at, k.followup_done_at, " \
    "k.followup_result, k.closed_at, k.closed_by, k.close_reason, z.time_zone"
#define CASE_FROM                                                                                \
    " FROM lookback_cases k JOIN donors d ON d.id = k.donor_id "                                 \
    "JOIN collections c ON c.din = k.trigger_din JOIN centers z ON z.code = c.center"
#define CASE_COLUMNS CASE_COLUMNS_LIST CASE_FROM
enum { COLUMN_DUE = 10, COLUMN_DONE = 13, COLUMN_ZONE = 20 };

static json_t *text_or_null(db_stmt *stmt, int column)
{
    return service_json_text(db_column_is_null(stmt, column) ? NULL
                                                             : db_column_text(stmt, column));
}

/* The deadlines of a CASE_COLUMNS row: [{step, due, done_on, overdue}]. */
static json_t *deadlines_json(db_stmt *stmt, civil_day today, const char **next_due,
                              int *overdue)
{
    json_t *deadlines = json_array();
    *next_due = NULL;
    *overdue = 0;
    for (int s = 0; s < LOOKBACK_STEP_COUNT; s++) {
        const char *due = db_column_text(stmt, COLUMN_DUE + s);
        int done = !db_column_is_null(stmt, COLUMN_DONE + s);
        civil_day due_day = 0;
        date_parse(due, &due_day, "due", NULL);
        int late = lookback_overdue(due_day, done, today);
        *overdue = *overdue || late;
        if (!done && (!*next_due || strcmp(due, *next_due) < 0))
            *next_due = due;
        json_array_append_new(deadlines,
                              json_pack("{s:s, s:s, s:o, s:b}", "step",
                                        lookback_step_name((lookback_step)s), "due", due,
                                        "done_on", date_or_null(stmt, COLUMN_DONE + s),
                                        "overdue", late));
    }
    return deadlines;
}

static json_t *case_list_item(db_stmt *stmt)
{
    const char *next_due;
    int overdue;
    json_t *deadlines =
        deadlines_json(stmt, today_in(db_column_text(stmt, COLUMN_ZONE)), &next_due, &overdue);
    json_t *item = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "id",
        (json_int_t)db_column_int64(stmt, 0), "status", db_column_text(stmt, 1), "donor_number",
        db_column_text(stmt, 2), "marker", db_column_text(stmt, 3), "test",
        db_column_text(stmt, 4), "trigger_din", db_column_text(stmt, 5), "opened_on",
        db_column_text(stmt, 6), "next_due",
        service_json_text(strcmp(db_column_text(stmt, 1), "open") == 0 ? next_due : NULL),
        "overdue", overdue && strcmp(db_column_text(stmt, 1), "open") == 0);
    json_decref(deadlines);
    return din_eye_readable_add(item, "trigger_din", "trigger_eye_readable");
}

/* The next deadline of an open case: the earliest due day of a step not
 * done (deadlines_json's next_due); closed cases, which have none, last. */
#define CASE_NEXT_DUE                                                                            \
    "CASE WHEN k.status <> 'open' THEN '9999-12-31' "                                            \
    "WHEN k.quarantine_done_at IS NULL "                                                         \
    "AND (k.notice_done_at IS NOT NULL OR k.quarantine_due <= k.notice_due) "                    \
    "AND (k.followup_done_at IS NOT NULL OR k.quarantine_due <= k.followup_due) "                \
    "THEN k.quarantine_due "                                                                     \
    "WHEN k.notice_done_at IS NULL "                                                             \
    "AND (k.followup_done_at IS NOT NULL OR k.notice_due <= k.followup_due) THEN k.notice_due "  \
    "WHEN k.followup_done_at IS NULL THEN k.followup_due ELSE '9999-12-31' END"

/* The columns the list sorts by (the case number is the tie-break). */
static const service_sort_key case_sort_keys[] = {
    {"id", "k.id"},
    {"opened_on", "k.opened_on"},
    {"donor_number", "d.donor_number"},
    {"marker", "k.marker"},
    {"status", "k.status"},
    {"next_due", CASE_NEXT_DUE},
};
static const service_sort case_sort = SERVICE_SORT(case_sort_keys, "k.id", "k.id");

int lookback_case_list(service_context *ctx, lookback_filter *filter, json_t **out, err *e)
{
    const char *status = filter->status && *filter->status ? filter->status : "";
    service_day_range days;
    if (*status && strcmp(status, "open") && strcmp(status, "closed"))
        return err_set(e, ERR_INVALID, "status", "must be open or closed");
    if (service_day_range_take(filter->from, filter->to, &days, e))
        return -1;
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " CASE_COLUMNS_LIST "%s" CASE_FROM
                             " WHERE (?1 = '' OR k.status = ?1) AND k.id > ?2 "
                             "AND (?4 = '' OR k.opened_on >= ?4) AND (?5 = '' OR k.opened_on <= ?5) "
                             "ORDER BY %s LIMIT ?3 OFFSET ?6",
                             &filter->page, &case_sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, status);
    db_bind_int64(stmt, 2, after);
    db_bind_int64(stmt, 3, filter->page.limit);
    db_bind_text(stmt, 4, days.from);
    db_bind_text(stmt, 5, days.to);
    db_bind_int64(stmt, 6, filter->page.offset);
    return service_collect_page(stmt, case_list_item, &filter->page, "id", out, e);
}

static json_t *case_json(db_stmt *stmt)
{
    const char *next_due;
    int overdue;
    json_t *deadlines =
        deadlines_json(stmt, today_in(db_column_text(stmt, COLUMN_ZONE)), &next_due, &overdue);
    json_t *c = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
                     "s:o, s:s}",
                     "id", (json_int_t)db_column_int64(stmt, 0), "status",
                     db_column_text(stmt, 1), "donor_number", db_column_text(stmt, 2), "marker",
                     db_column_text(stmt, 3), "test", db_column_text(stmt, 4), "trigger_din",
                     db_column_text(stmt, 5), "opened_on", db_column_text(stmt, 6), "opened_at",
                     db_column_text(stmt, 7), "window_start", db_column_text(stmt, 8),
                     "window_end", json_stringn(db_column_text(stmt, 9), 10), "deadlines",
                     deadlines, "followup_result", text_or_null(stmt, 16), "closed_at",
                     text_or_null(stmt, 17), "closed_by", text_or_null(stmt, 18),
                     "close_reason", text_or_null(stmt, 19), "time_zone",
                     db_column_text(stmt, COLUMN_ZONE));
    return din_eye_readable_add(c, "trigger_din", "trigger_eye_readable");
}

static json_t *traced_unit_json(db_stmt *stmt)
{
    json_t *unit = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "unit_id",
                     (json_int_t)db_column_int64(stmt, 0), "din", db_column_text(stmt, 1),
                     "product_code", db_column_text(stmt, 2), "division",
                     db_column_text(stmt, 3), "status_at_trace", db_column_text(stmt, 4),
                     "status", db_column_text(stmt, 5), "action", db_column_text(stmt, 6),
                     "hospital", text_or_null(stmt, 7));
    /* the consignee: the shipment that took it there and its date */
    json_object_set_new(unit, "shipment",
                        db_column_is_null(stmt, 8) ? json_null()
                                                   : json_integer(db_column_int64(stmt, 8)));
    json_object_set_new(unit, "shipped_on", text_or_null(stmt, 9));
    return din_eye_readable_add(unit, "din", "eye_readable");
}

/* One case with its units, on the caller's connection. */
static int case_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " CASE_COLUMNS " WHERE k.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    json_t *item = step == DB_ROW ? case_json(stmt) : NULL;
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE
                   ? err_set(e, ERR_NOT_FOUND, "id", "no lookback case %lld", (long long)id)
                   : -1;
    json_t *units = NULL;
    if (db_prepare(db,
                   "SELECT l.unit_id, u.din, u.product_code, u.division, l.status_at_trace, "
                   "u.status, l.action, l.hospital, (SELECT s.id FROM shipment_units x "
                   "JOIN shipments s ON s.id = x.shipment_id WHERE x.unit_id = l.unit_id "
                   "ORDER BY s.id DESC LIMIT 1), (SELECT s.ship_date FROM shipment_units x "
                   "JOIN shipments s ON s.id = x.shipment_id WHERE x.unit_id = l.unit_id "
                   "ORDER BY s.id DESC LIMIT 1) FROM lookback_units l "
                   "JOIN units u ON u.id = l.unit_id WHERE l.case_id = ? ORDER BY l.unit_id",
                   &stmt, e)) {
        json_decref(item);
        return -1;
    }
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, traced_unit_json, &units, e)) {
        json_decref(item);
        return -1;
    }
    json_t *hospitals = json_array(), *unit;
    size_t i;
    json_array_foreach(units, i, unit)
    {
        json_t *hospital = json_object_get(unit, "hospital");
        size_t j;
        json_t *seen;
        int known = !json_is_string(hospital);
        json_array_foreach(hospitals, j, seen) known = known || json_equal(seen, hospital);
        if (!known)
            json_array_append(hospitals, hospital);
    }
    json_object_set_new(item, "units", units);
    json_object_set_new(item, "hospitals", hospitals);
    *out = item;
    return 0;
}

int lookback_case_get(service_context *ctx, const char *id_text, json_t **out, err *e)
{
    int64_t id;
    if (id_take(id_text, &id, NULL, e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = case_fetch(ctx->db, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

/* --- steps and closing --------------------------------------------------------------- */

/* The opening day of open case `id`, which steps are done and today at
 * its center (when `today` is not NULL), inside the caller's transaction.
 * ERR_CONFLICT naming "status" when it is closed. */
static int case_open_state(db_conn *db, int64_t id, civil_day *opened_on,
                           int done[LOOKBACK_STEP_COUNT], civil_day *today, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT k.status, k.opened_on, k.quarantine_done_at, k.notice_done_at, "
                   "k.followup_done_at, z.time_zone FROM lookback_cases k "
                   "JOIN collections c ON c.din = k.trigger_din "
                   "JOIN centers z ON z.code = c.center WHERE k.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    int open = 0;
    if (step == DB_ROW) {
        open = strcmp(db_column_text(stmt, 0), "open") == 0;
        date_parse(db_column_text(stmt, 1), opened_on, "opened_on", NULL);
        for (int s = 0; s < LOOKBACK_STEP_COUNT; s++)
            done[s] = !db_column_is_null(stmt, 2 + s);
        if (today)
            *today = today_in(db_column_text(stmt, 5));
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "id", "no lookback case %lld", (long long)id);
    if (step == DB_ROW && !open)
        return err_set(e, ERR_CONFLICT, "status", "lookback case %lld is closed", (long long)id);
    return step == DB_ROW ? 0 : -1;
}

/* End a change of a case: commit with *out the case, or roll back. */
static int case_change_finish(service_context *ctx, int rc, json_t **out, err *e)
{
    if (service_finish(ctx, rc ? -1 : 0, e)) {
        if (rc == 0)
            json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int lookback_step_record(service_context *ctx, const char *id_text,
                         const lookback_step_request *request, json_t **out, err *e)
{
    static const char *const updates[LOOKBACK_STEP_COUNT] = {
        "UPDATE lookback_cases SET quarantine_done_at = ? WHERE id = ?",
        "UPDATE lookback_cases SET notice_done_at = ? WHERE id = ?",
        "UPDATE lookback_cases SET followup_done_at = ?, followup_result = ? WHERE id = ?",
    };
    int64_t id;
    char key[24];
    if (id_take(id_text, &id, key, e))
        return -1;
    int step = lookback_step_parse(request->step);
    if (step < 0)
        return err_set(e, ERR_INVALID, "step", "must be quarantine, notice or followup");
    civil_day today = 0, done_on = 0;
    if (request->done_on && date_parse(request->done_on, &done_on, "done_on", e))
        return -1;
    const char *result = request->result && *request->result ? request->result : NULL;
    if (step == LOOKBACK_FOLLOWUP && !result)
        return err_set(e, ERR_INVALID, "result", "is required: the follow-up's result");
    if (step != LOOKBACK_FOLLOWUP && result)
        return err_set(e, ERR_INVALID, "result", "is only for the followup step");
    if (result && registry_text_check(result, LOOKBACK_RESULT_MAX, "result", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int done[LOOKBACK_STEP_COUNT];
    civil_day opened_on = 0;
    char day[DATE_TEXT_MAX];
    db_stmt *stmt;
    /* Done today at the case's center, unless the day is given. */
    int rc = case_open_state(ctx->db, id, &opened_on, done, &today, e);
    if (!request->done_on)
        done_on = today;
    if (rc == 0 && done[step])
        rc = err_set(e, ERR_CONFLICT, "step", "the %s step of lookback case %lld is already "
                     "recorded", lookback_step_name((lookback_step)step), (long long)id);
    if (rc == 0)
        rc = lookback_done_check(done_on, opened_on, today, "done_on", e) ||
             db_prepare(ctx->db, updates[step], &stmt, e);
    if (rc == 0) {
        db_bind_text(stmt, 1, date_format(done_on, day, sizeof day));
        db_bind_int64(stmt, step == LOOKBACK_FOLLOWUP ? 3 : 2, id);
        if (step == LOOKBACK_FOLLOWUP)
            db_bind_text(stmt, 2, result);
        json_t *after = json_pack("{s:s, s:s, s:o}", "step",
                                  lookback_step_name((lookback_step)step), "done_on", day,
                                  "result", service_json_text(result));
        rc = db_exec_stmt(stmt, e) ||
             audit_append(ctx, "lookback_case", key, "step", NULL, after, NULL, e) ||
             case_fetch(ctx->db, id, out, e);
        json_decref(after);
    }
    return case_change_finish(ctx, rc, out, e);
}

int lookback_case_close(service_context *ctx, const char *id_text, const char *reason,
                        json_t **out, err *e)
{
    int64_t id;
    char key[24];
    if (id_take(id_text, &id, key, e))
        return -1;
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "is required: why the case is closed");
    if (registry_text_check(reason, LOOKBACK_RESULT_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int done[LOOKBACK_STEP_COUNT];
    civil_day opened_on = 0;
    int rc = case_open_state(ctx->db, id, &opened_on, done, NULL, e);
    for (int s = 0; rc == 0 && s < LOOKBACK_STEP_COUNT; s++)
        if (!done[s])
            rc = err_set(e, ERR_CONFLICT, "step",
                         "the %s step is not recorded yet: a case closes when quarantine, "
                         "notice and followup are done",
                         lookback_step_name((lookback_step)s));
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    db_stmt *stmt;
    if (rc == 0 &&
        (rc = db_prepare(ctx->db,
                         "UPDATE lookback_cases SET status = 'closed', closed_at = ?, "
                         "closed_by = ?, close_reason = ? WHERE id = ?",
                         &stmt, e)) == 0) {
        db_bind_text(stmt, 1, now);
        db_bind_text(stmt, 2, ctx->actor.username);
        db_bind_text(stmt, 3, reason);
        db_bind_int64(stmt, 4, id);
        json_t *before = json_pack("{s:s}", "status", "open");
        json_t *after = json_pack("{s:s}", "status", "closed");
        rc = db_exec_stmt(stmt, e) ||
             audit_append(ctx, "lookback_case", key, "close", before, after, reason, e) ||
             case_fetch(ctx->db, id, out, e);
        json_decref(before);
        json_decref(after);
    }
    return case_change_finish(ctx, rc, out, e);
}

/* --- the printable report ------------------------------------------------------------ */

/* A text of the case, or NULL when it is null or missing. */
static const char *text_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

int lookback_case_report(service_context *ctx, const char *id, const char *format, buffer *out,
                         lookback_report_format *chosen, err *e)
{
    int parsed = lookback_report_format_parse(format);
    if (parsed < 0)
        return err_set(e, ERR_INVALID, "format", "must be text, html or pdf");
    *chosen = (lookback_report_format)parsed;
    json_t *c = NULL;
    char company[COMPANY_NAME_MAX];
    if (lookback_case_get(ctx, id, &c, e))
        return -1;
    if (company_name(ctx->db, company, e)) {
        json_decref(c);
        return -1;
    }

    json_t *deadlines = json_object_get(c, "deadlines"), *units = json_object_get(c, "units");
    json_t *hospitals = json_object_get(c, "hospitals"), *item;
    size_t i;
    lookback_report_deadline *steps = calloc(json_array_size(deadlines) + 1, sizeof *steps);
    lookback_report_unit *traced = calloc(json_array_size(units) + 1, sizeof *traced);
    const char **codes = calloc(json_array_size(hospitals) + 1, sizeof *codes);
    if (!steps || !traced || !codes)
        abort(); /* as buffer.c: nothing sensible to do without memory */
    json_array_foreach(deadlines, i, item)
        steps[i] = (lookback_report_deadline){text_at(item, "step"), text_at(item, "due"),
                                              text_at(item, "done_on"),
                                              json_is_true(json_object_get(item, "overdue"))};
    json_array_foreach(units, i, item)
        traced[i] = (lookback_report_unit){
            text_at(item, "eye_readable"), text_at(item, "product_code"), text_at(item, "division"),
            text_at(item, "status_at_trace"), text_at(item, "status"), text_at(item, "action"),
            text_at(item, "hospital"), text_at(item, "shipped_on")};
    json_array_foreach(hospitals, i, item)
        codes[i] = json_string_value(item);

    char eye[ISBT_EYE_READABLE_MAX];
    const char *din = text_at(c, "trigger_din");
    lookback_report report = {
        .id = (long long)json_integer_value(json_object_get(c, "id")),
        .status = text_at(c, "status"),
        .donor_number = text_at(c, "donor_number"),
        .marker = text_at(c, "marker"),
        .test = text_at(c, "test"),
        .trigger_din = din && *din_eye_readable(din, eye, sizeof eye) ? eye : din,
        .window_start = text_at(c, "window_start"),
        .window_end = text_at(c, "window_end"),
        .opened_on = text_at(c, "opened_on"),
        .opened_at = text_at(c, "opened_at"),
        .followup_result = text_at(c, "followup_result"),
        .closed_at = text_at(c, "closed_at"),
        .closed_by = text_at(c, "closed_by"),
        .close_reason = text_at(c, "close_reason"),
        .deadlines = steps,
        .deadline_count = json_array_size(deadlines),
        .units = traced,
        .unit_count = json_array_size(units),
        .hospitals = codes,
        .hospital_count = json_array_size(hospitals),
        .company = company,
    };
    int rc = lookback_report_render(&report, *chosen, out, e);
    free(steps);
    free(traced);
    free(codes);
    json_decref(c);
    return rc;
}
