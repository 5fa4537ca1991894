/*
 * testing.c - the test panel, the results import and what results cause
 * (group, holds, discard, deferral, lookback), the release queue and the
 * signed release (see testing.h).
 *
 * The import runs in one write transaction: every line is checked against
 * the panel and the database (the DIN's collection, a result already
 * recorded) and kept in memory; a file with any problem is rolled back
 * before anything is written. The good rows are then sorted by DIN and
 * test, so that a DIN and test given twice are found side by side and the
 * donations touched are handled one after the other, in DIN order.
 */
#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/buffer.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/local_time.h"
#include "domain/catalog.h"
#include "domain/registry.h"
#include "domain/testing.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/din.h"
#include "service/donor.h"
#include "service/lookback.h"
#include "service/testing.h"
#include "service/testing_internal.h"
#include "service/unit.h"

static const char IMPORT_HEADER[] = "din,test,result,date";
static const char DEFAULT_MEANING[] = "released for distribution";
enum { TEST_CODE_MAX = TESTING_TEST_CODE_MAX };
typedef testing_panel_test panel_test;
typedef testing_panel test_panel;
typedef testing_donor donation_donor;

/* --- the panel ------------------------------------------------------------------ */

int testing_panel_load(db_conn *db, test_panel *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT test, kind, marker, required FROM test_panel ORDER BY test", &stmt,
                   e))
        return -1;
    out->count = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && out->count < TESTING_PANEL_MAX) {
        panel_test *t = &out->tests[out->count++];
        snprintf(t->test, sizeof t->test, "%s", db_column_text(stmt, 0));
        int kind = testing_kind_parse(db_column_text(stmt, 1));
        t->kind = kind < 0 ? TESTING_INFECTIOUS : (testing_kind)kind;
        snprintf(t->marker, sizeof t->marker, "%s", db_column_text(stmt, 2));
        t->required = db_column_int64(stmt, 3) != 0;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int testing_id_take(const char *text, const char *what, int64_t *id, err *e)
{
    char *end = NULL;
    long long value = text && *text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || value <= 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no %s '%.30s'", what, text ? text : "");
    *id = value;
    return 0;
}

const panel_test *testing_panel_find(const test_panel *panel, const char *test)
{
    for (size_t i = 0; i < panel->count; i++)
        if (strcmp(panel->tests[i].test, test) == 0)
            return &panel->tests[i];
    return NULL;
}

static json_t *panel_item(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b}", "test", db_column_text(stmt, 0), "kind",
                     db_column_text(stmt, 1), "marker", db_column_text(stmt, 2), "description",
                     db_column_text(stmt, 3), "required", (int)db_column_int64(stmt, 4));
}

#define PANEL_SQL "SELECT test, kind, marker, description, required FROM test_panel"

int testing_panel_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    service_page all = {.limit = 0};
    if (db_prepare(ctx->db, PANEL_SQL " ORDER BY test", &stmt, e))
        return -1;
    return service_collect_page(stmt, panel_item, &all, "test", out, e);
}

static int panel_get(db_conn *db, const char *test, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, PANEL_SQL " WHERE test = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, test);
    return service_fetch_one(stmt, panel_item, out, "test", e, "no test '%s' in the panel", test);
}

int testing_audit_new(service_context *ctx, const char *entity, const char *entity_id,
                      const char *action, json_t *before, json_t *after, const char *reason,
                      err *e)
{
    int rc = audit_append(ctx, entity, entity_id, action, before, after, reason, e);
    json_decref(before);
    json_decref(after);
    return rc;
}

int testing_panel_require(service_context *ctx, const char *test, const char *required,
                          json_t **out, err *e)
{
    char code[TEST_CODE_MAX];
    int flag = 0;
    if (!test || !*test || strlen(test) >= sizeof code)
        return err_set(e, ERR_NOT_FOUND, "test", "no test '%.30s' in the panel", test ? test : "");
    snprintf(code, sizeof code, "%s", test);
    service_normalize_code(code);
    if (!required || !*required || catalog_flag_parse(required, &flag, "required", e))
        return err_set(e, ERR_INVALID, "required", "must be yes or no");
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = panel_get(ctx->db, code, &before, e) ||
             db_prepare(ctx->db, "UPDATE test_panel SET required = ? WHERE test = ?", &stmt, e);
    if (rc == 0) {
        db_bind_int64(stmt, 1, flag);
        db_bind_text(stmt, 2, code);
        rc = db_exec_stmt(stmt, e) || panel_get(ctx->db, code, &after, e) ||
             testing_audit_new(ctx, "test_panel", code, "require",
                       json_pack("{s:O}", "required", json_object_get(before, "required")),
                       json_pack("{s:b}", "required", flag), NULL, e);
    }
    return service_finish_record(ctx, rc ? -1 : 0, before, after, out, e);
}

/* --- holds ------------------------------------------------------------------------ */

enum { DONATION_UNITS_MAX = 64 };

/* Hold (discard 0) or discard (1) every unit of donation `din` still on
 * the shelves, for `why`. */
static int donation_units_set(service_context *ctx, const char *din, const char *why,
                              int discard, err *e)
{
    int64_t ids[DONATION_UNITS_MAX];
    int statuses[DONATION_UNITS_MAX];
    size_t count = 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT id, status FROM units WHERE din = ? ORDER BY id", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && count < DONATION_UNITS_MAX) {
        ids[count] = db_column_int64(stmt, 0);
        statuses[count++] = blood_unit_status_parse(db_column_text(stmt, 1));
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (statuses[i] < 0 || !blood_unit_status_in_inventory((blood_unit_status)statuses[i]))
            continue;
        if (discard ? unit_status_change_in(ctx, ids[i], UNIT_DISCARDED, why, NULL, e)
                    : unit_hold_in(ctx, ids[i], why, e))
            return -1;
    }
    return 0;
}

int testing_donation_hold_in(service_context *ctx, const char *din, const char *why, err *e)
{
    return donation_units_set(ctx, din, why, 0, e);
}

int testing_donation_discard_in(service_context *ctx, const char *din, const char *why, err *e)
{
    return donation_units_set(ctx, din, why, 1, e);
}

/* --- the results import ------------------------------------------------------------ */

/* A checked line, kept small (32 bytes): a file may hold a million. */
typedef struct {
    const char *result; /* the stored spelling (static) */
    char din[ISBT_DIN_LENGTH + 1];
    uint8_t test;       /* its index in the panel, which is in the order of test codes */
    civil_day tested_on;
    uint32_t line;
} result_row;

/* The results recorded for the DIN last looked up. */
typedef struct {
    char test[TEST_CODE_MAX];
    char result[16];
    char tested_on[DATE_TEXT_MAX];
} recorded_result;

typedef struct {
    test_panel panel;
    result_row *rows;
    size_t count, capacity;
    service_problems problems;
    civil_day today; /* at the center of the DIN looked up last */
    /* The last DIN looked up: a file lists the tests of a donation together. */
    char din[ISBT_DIN_LENGTH + 1];
    int din_found;
    civil_day collected;
    recorded_result recorded[TESTING_PANEL_MAX]; /* its results on record */
    size_t recorded_count;
} import_state;

/* The results on record for s->din, into s->recorded: one read per
 * donation, not one per line. */
static int recorded_load(db_conn *db, import_state *s, err *e)
{
    db_stmt *stmt;
    s->recorded_count = 0;
    if (db_prepare(db, "SELECT test, result, tested_on FROM test_results_current WHERE din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, s->din);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && s->recorded_count < TESTING_PANEL_MAX) {
        recorded_result *r = &s->recorded[s->recorded_count++];
        snprintf(r->test, sizeof r->test, "%s", db_column_text(stmt, 0));
        snprintf(r->result, sizeof r->result, "%s", db_column_text(stmt, 1));
        snprintf(r->tested_on, sizeof r->tested_on, "%s", db_column_text(stmt, 2));
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* Look up the collection of `din` into s->din_found, s->collected (its
 * day at its center), s->today (today at that center) and its results on
 * record. */
static int collection_find(db_conn *db, import_state *s, const char *din, err *e)
{
    if (strcmp(s->din, din) == 0)
        return 0;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    if (db_prepare(db,
                   "SELECT local_date(z.time_zone, c.collected_at), local_date(z.time_zone, ?) "
                   "FROM collections c JOIN centers z ON z.code = c.center WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 2, din);
    db_step_result step = db_step(stmt, e);
    s->din_found = step == DB_ROW;
    char day[DATE_TEXT_MAX] = "", today[DATE_TEXT_MAX] = "";
    if (step == DB_ROW) {
        snprintf(day, sizeof day, "%s", db_column_text(stmt, 0));
        snprintf(today, sizeof today, "%s", db_column_text(stmt, 1));
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    snprintf(s->din, sizeof s->din, "%s", din);
    s->recorded_count = 0;
    if (s->din_found && date_parse(day, &s->collected, "collected_at", NULL))
        s->collected = 0;
    if (!s->din_found || date_parse(today, &s->today, "today", NULL))
        s->today = date_today();
    return s->din_found ? recorded_load(db, s, e) : 0;
}

/* A problem when the DIN of `row` (s->din) already has a result for its test. */
static void result_unique(import_state *s, const result_row *row)
{
    const char *test = s->panel.tests[row->test].test;
    for (size_t i = 0; i < s->recorded_count; i++)
        if (strcmp(s->recorded[i].test, test) == 0)
            service_problem(&s->problems, row->line, "test",
                            "DIN %s already has a %s result (%s, %s): results are never "
                            "overwritten",
                            row->din, test, s->recorded[i].result, s->recorded[i].tested_on);
}

/* Check one line; a good one is kept. -1 only for a failure of the machine. */
static int import_line(db_conn *db, import_state *s, char *text, long number, err *e)
{
    char *f[5];
    int count = csv_split(text, f, 5);
    if (count != 4) {
        service_problem(&s->problems, number, "line", "must have 4 fields: %s (has %s)",
                        IMPORT_HEADER, count < 0 ? "more or an unclosed quote" : "fewer");
        return 0;
    }
    result_row row = {.line = (uint32_t)number};
    long problems_before = s->problems.count;
    err problem;
    isbt_din din;
    int din_known = 0;
    if (din_text_parse(f[0], &din, &problem)) {
        service_problem(&s->problems, number, "din", "%s", problem.message);
    } else {
        snprintf(row.din, sizeof row.din, "%s", din.din);
        if (collection_find(db, s, row.din, e))
            return -1;
        if (!(din_known = s->din_found))
            service_problem(&s->problems, number, "din", "no collection has DIN %s", row.din);
    }
    char code[TEST_CODE_MAX];
    snprintf(code, sizeof code, "%s", f[1]);
    service_normalize_code(code);
    const panel_test *test = NULL;
    if (strlen(f[1]) >= sizeof code || !(test = testing_panel_find(&s->panel, code)))
        service_problem(&s->problems, number, "test",
                        "'%.30s' is not a test of the panel (bloodops results panel)", f[1]);
    else if (testing_result_parse(test->kind, f[2], &row.result, "result", &problem))
        service_problem(&s->problems, number, "result", "%s", problem.message);
    civil_day day;
    char collected[DATE_TEXT_MAX];
    if (date_parse(f[3], &day, "date", &problem))
        service_problem(&s->problems, number, "date", "%s", problem.message);
    else if (day > s->today)
        service_problem(&s->problems, number, "date", "%s is in the future", f[3]);
    else if (din_known && day < s->collected)
        service_problem(&s->problems, number, "date",
                        "%s is before the collection of DIN %s on %s", f[3], row.din,
                        date_format(s->collected, collected, sizeof collected));
    else
        row.tested_on = day;
    if (test)
        row.test = (uint8_t)(test - s->panel.tests);
    if (din_known && test)
        result_unique(s, &row);
    if (s->problems.count != problems_before)
        return 0;
    if (s->count == TESTING_IMPORT_RESULTS_MAX) {
        service_problem(&s->problems, number, "file", "holds more than %d results",
                        TESTING_IMPORT_RESULTS_MAX);
        return 0;
    }
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 64;
        result_row *grown = realloc(s->rows, capacity * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        s->rows = grown;
        s->capacity = capacity;
    }
    s->rows[s->count++] = row;
    return 0;
}

static int compare_rows(const void *a, const void *b)
{
    const result_row *x = a, *y = b;
    int order = strcmp(x->din, y->din);
    if (!order)
        order = (x->test > y->test) - (x->test < y->test);
    return order ? order : (x->line > y->line) - (x->line < y->line);
}

/* Read and check the whole file. -1 only for a failure of the machine. */
static int import_read(db_conn *db, import_state *s, FILE *csv,
                       char sha256[SERVICE_SHA256_HEX_SIZE], err *e)
{
    service_file_lines lines;
    service_file_lines_open(&lines, csv, IMPORT_HEADER, &s->problems);
    int rc = 0;
    while (rc == 0 && service_file_data_next(&lines))
        rc = import_line(db, s, lines.line, lines.number, e);
    long last = lines.number;
    int header_seen = lines.header_seen;
    if (service_file_lines_close(&lines, sha256, e))
        rc = -1;
    if (rc)
        return -1;
    if (header_seen && s->count == 0 && s->problems.count == 0)
        service_problem(&s->problems, last, "file", "has no results after the header");
    if (s->count > 1)
        qsort(s->rows, s->count, sizeof *s->rows, compare_rows);
    for (size_t i = 1, first = 0; i < s->count; i++) {
        if (strcmp(s->rows[i].din, s->rows[first].din) ||
            s->rows[i].test != s->rows[first].test) {
            first = i;
            continue;
        }
        service_problem(&s->problems, s->rows[i].line, "test",
                        "a %s result for DIN %s is already on line %lu",
                        s->panel.tests[s->rows[i].test].test,
                        s->rows[i].din, (unsigned long)s->rows[first].line);
    }
    return 0;
}

static void add_unique(json_t *array, json_t *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item) if (json_equal(item, value))
    {
        json_decref(value);
        return;
    }
    json_array_append_new(array, value);
}

/* The printed form of every DIN an import's summary names, added to the
 * answer (the audit record keeps the summary as imported): each
 * discrepancy gets its "eye_readable", and "eye_readable" maps each DIN of
 * "held" and "discarded" to its own. */
static json_t *summary_eye_readable(json_t *summary)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(summary, "discrepancies"), i, item)
        din_eye_readable_add(item, "din", "eye_readable");
    json_t *printed = json_object();
    static const char *const lists[] = {"held", "discarded"};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        json_array_foreach(json_object_get(summary, lists[l]), i, item)
        {
            char eye[ISBT_EYE_READABLE_MAX];
            const char *din = json_string_value(item);
            if (din && *din_eye_readable(din, eye, sizeof eye))
                json_object_set_new(printed, din, json_string(eye));
        }
    json_object_set_new(summary, "eye_readable", printed);
    return summary;
}

int testing_donor_of(db_conn *db, const char *din, donation_donor *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT d.id, d.donor_number, d.abo, d.rhd, z.time_zone FROM collections c "
                   "JOIN donors d ON d.id = c.donor_id JOIN centers z ON z.code = c.center "
                   "WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        out->id = db_column_int64(stmt, 0);
        snprintf(out->number, sizeof out->number, "%s", db_column_text(stmt, 1));
        out->has_abo = !db_column_is_null(stmt, 2);
        out->has_rhd = !db_column_is_null(stmt, 3);
        snprintf(out->abo, sizeof out->abo, "%s", out->has_abo ? db_column_text(stmt, 2) : "");
        snprintf(out->rhd, sizeof out->rhd, "%s", out->has_rhd ? db_column_text(stmt, 3) : "");
        snprintf(out->zone, sizeof out->zone, "%s", db_column_text(stmt, 4));
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_INTERNAL, "din", "the collection of DIN %s has gone", din);
    return step == DB_ROW ? 0 : -1;
}

int testing_donation_typing(db_conn *db, const char *din, char abo[4], char rhd[4], err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT p.kind, r.result FROM test_results_current r JOIN test_panel p ON "
                   "p.test = r.test WHERE r.din = ? AND p.kind IN ('abo', 'rhd') ORDER BY r.test",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    abo[0] = rhd[0] = '\0';
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        snprintf(strcmp(db_column_text(stmt, 0), "abo") == 0 ? abo : rhd, 4, "%s",
                 db_column_text(stmt, 1));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static const char *or_null(const char *text) { return text && *text ? text : NULL; }

void testing_screen_hold_text(const char *test, char *out, size_t size)
{
    snprintf(out, size, "antibody screen positive (%s)", test);
}

int testing_donation_group_in(service_context *ctx, const char *din, const donation_donor *donor,
                              const char *tested_on, json_t *summary, err *e)
{
    char abo[4], rhd[4], now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    db_stmt *stmt;
    long typed_units = 0;
    if (testing_donation_typing(ctx->db, din, abo, rhd, e) ||
        unit_typing_set_in(ctx, din, or_null(abo), or_null(rhd), &typed_units, e))
        return -1;
    json_int_t units = (json_int_t)typed_units;
    if (db_prepare(ctx->db,
                   "INSERT INTO donor_blood_groups (donor_id, din, abo, rhd, tested_on) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (donor_id, din) DO UPDATE SET "
                   "abo = excluded.abo, rhd = excluded.rhd, tested_on = excluded.tested_on",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, donor->id);
    db_bind_text(stmt, 2, din);
    db_bind_text(stmt, 3, or_null(abo));
    db_bind_text(stmt, 4, or_null(rhd));
    db_bind_text(stmt, 5, tested_on);
    if (db_exec_stmt(stmt, e) ||
        testing_audit_new(ctx, "donation", din, "typed", NULL,
                  json_pack("{s:o, s:o, s:I}", "abo", service_json_text(or_null(abo)), "rhd",
                            service_json_text(or_null(rhd)), "units", units),
                  NULL, e))
        return -1;
    const char *history_abo = donor->has_abo ? donor->abo : NULL;
    const char *history_rhd = donor->has_rhd ? donor->rhd : NULL;
    if (!testing_group_agrees(history_abo, history_rhd, or_null(abo), or_null(rhd))) {
        char why[TESTING_PROBLEM_MAX], history[TESTING_GROUP_TEXT_MAX],
            donation[TESTING_GROUP_TEXT_MAX];
        testing_discrepancy_text(history_abo, history_rhd, or_null(abo), or_null(rhd), why,
                                 sizeof why);
        json_array_append_new(
            json_object_get(summary, "discrepancies"),
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "din", din, "donor_number", donor->number,
                      "donor_group",
                      testing_group_text(history_abo, history_rhd, history, sizeof history),
                      "donation_group",
                      testing_group_text(or_null(abo), or_null(rhd), donation, sizeof donation),
                      "hold", why));
        int64_t discrepancy = 0;
        return testing_discrepancy_open_in(ctx, din, donor, or_null(abo), or_null(rhd),
                                           &discrepancy, e) ||
                       testing_donation_hold_in(ctx, din, why, e)
                   ? -1
                   : 0;
    }
    /* The first typing establishes the donor's group, part by part. */
    const char *new_abo = history_abo ? history_abo : or_null(abo);
    const char *new_rhd = history_rhd ? history_rhd : or_null(rhd);
    if (new_abo == history_abo && new_rhd == history_rhd)
        return 0;
    return donor_group_set_in(ctx, donor->id, new_abo, new_rhd, e) ||
                   testing_audit_new(ctx, "donor", donor->number, "blood_group",
                             json_pack("{s:o, s:o}", "abo", service_json_text(history_abo), "rhd",
                                       service_json_text(history_rhd)),
                             json_pack("{s:o, s:o, s:s}", "abo", service_json_text(new_abo),
                                       "rhd", service_json_text(new_rhd), "din", din),
                             "established by the first typing", e)
               ? -1
               : 0;
}

int testing_donation_reactive_in(service_context *ctx, const char *din, const panel_test *test,
                                 const char *tested_on, const donation_donor *donor,
                                 json_t *summary, err *e)
{
    int64_t case_id = 0;
    if (lookback_open_in(ctx, donor->id, din, test->marker, test->test, &case_id, e))
        return -1;
    if (case_id == 0)
        return 0; /* this donation and marker were dealt with already */
    json_array_append_new(json_object_get(summary, "lookback_cases"), json_integer(case_id));
    char why[TESTING_PROBLEM_MAX], today[DATE_TEXT_MAX], until[DATE_TEXT_MAX];
    snprintf(why, sizeof why, "reactive %s (test %s, %s) on donation %s", test->marker,
             test->test, tested_on, din);
    if (testing_donation_discard_in(ctx, din, why, e))
        return -1;
    add_unique(json_object_get(summary, "discarded"), json_string(din));
    testing_deferral deferral;
    civil_day day; /* today at the center of the donation */
    if (local_today(donor->zone, &day, e))
        return -1;
    testing_deferral_for(test->marker, day, &deferral);
    deferral_request request = {
        .kind = eligibility_deferral_kind_name(deferral.kind),
        .reason_code = deferral.reason_code,
        .reason = why,
        .starts_on = date_format(day, today, sizeof today),
        .until = deferral.has_until ? date_format(deferral.until, until, sizeof until) : NULL,
        .source = "test",
        .din = din,
    };
    if (donor_deferral_add_in(ctx, donor->id, &request, NULL, e))
        return -1;
    add_unique(json_object_get(summary, "deferred"), json_string(donor->number));
    return 0;
}

int testing_units_made_in(service_context *ctx, const char *din, err *e)
{
    assert(db_in_transaction(ctx->db));
    donation_donor donor;
    char abo[4], rhd[4];
    if (testing_donor_of(ctx->db, din, &donor, e) || testing_donation_typing(ctx->db, din, abo, rhd, e))
        return -1;
    /* A discrepancy found now (the donor's group was established since the
     * typing came in) is opened; one still unresolved holds the units. */
    char why[TESTING_PROBLEM_MAX];
    int64_t discrepancy = 0;
    if (!testing_group_agrees(donor.has_abo ? donor.abo : NULL, donor.has_rhd ? donor.rhd : NULL,
                              or_null(abo), or_null(rhd))) {
        testing_discrepancy_text(donor.has_abo ? donor.abo : NULL,
                                 donor.has_rhd ? donor.rhd : NULL, or_null(abo), or_null(rhd),
                                 why, sizeof why);
        if (testing_discrepancy_open_in(ctx, din, &donor, or_null(abo), or_null(rhd),
                                        &discrepancy, e) ||
            testing_donation_hold_in(ctx, din, why, e))
            return -1;
    } else if (testing_discrepancy_unresolved(ctx->db, din, &discrepancy, why, e) ||
               (discrepancy && testing_donation_hold_in(ctx, din, why, e))) {
        return -1;
    }
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT p.kind, r.result, p.marker, r.test, r.tested_on FROM test_results_current r "
                   "JOIN test_panel p ON p.test = r.test "
                   "WHERE r.din = ? AND p.kind IN ('antibody', 'infectious') ORDER BY r.test",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    /* The reasons first, then the changes: the statement is not stepped
     * while the units change. */
    char hold[TESTING_PROBLEM_MAX] = "", discard[TESTING_PROBLEM_MAX] = "";
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int kind = testing_kind_parse(db_column_text(stmt, 0));
        if (kind < 0 || !testing_result_blocks((testing_kind)kind, db_column_text(stmt, 1)))
            continue;
        if (kind == TESTING_ANTIBODY && !hold[0])
            testing_screen_hold_text(db_column_text(stmt, 3), hold, sizeof hold);
        else if (kind == TESTING_INFECTIOUS && !discard[0])
            snprintf(discard, sizeof discard, "reactive %s (test %s, %s) on donation %s",
                     db_column_text(stmt, 2), db_column_text(stmt, 3), db_column_text(stmt, 4),
                     din);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    return (hold[0] && testing_donation_hold_in(ctx, din, hold, e)) ||
                   (discard[0] && testing_donation_discard_in(ctx, din, discard, e))
               ? -1
               : 0;
}


/* What the results of one donation (rows[0..count), sorted by test) cause. */
static int donation_apply(service_context *ctx, const test_panel *panel, const result_row *rows,
                          size_t count, json_t *summary, err *e)
{
    donation_donor donor;
    if (testing_donor_of(ctx->db, rows[0].din, &donor, e))
        return -1;
    char typed_on[DATE_TEXT_MAX] = "", tested_on[DATE_TEXT_MAX];
    for (size_t i = 0; i < count; i++)
        if (panel->tests[rows[i].test].kind == TESTING_ABO ||
            panel->tests[rows[i].test].kind == TESTING_RHD)
            date_format(rows[i].tested_on, typed_on, sizeof typed_on);
    if (*typed_on && testing_donation_group_in(ctx, rows[0].din, &donor, typed_on, summary, e))
        return -1;
    for (size_t i = 0; i < count; i++) {
        const result_row *row = &rows[i];
        const panel_test *test = &panel->tests[row->test];
        if (!testing_result_blocks(test->kind, row->result))
            continue;
        if (test->kind == TESTING_ANTIBODY) {
            char why[TESTING_PROBLEM_MAX];
            testing_screen_hold_text(test->test, why, sizeof why);
            if (testing_donation_hold_in(ctx, row->din, why, e))
                return -1;
            add_unique(json_object_get(summary, "held"), json_string(row->din));
        } else if (testing_donation_reactive_in(
                       ctx, row->din, test,
                       date_format(row->tested_on, tested_on, sizeof tested_on), &donor, summary,
                       e)) {
            return -1;
        }
    }
    return 0;
}

int testing_result_link_in(service_context *ctx, int64_t result_id, int64_t previous,
                           int64_t amendment_id, err *e)
{
    assert(db_in_transaction(ctx->db));
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "UPDATE test_results SET amendment_id = ? "
                   "WHERE id = ? AND COALESCE(amendment_id, 0) = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, amendment_id);
    db_bind_int64(stmt, 2, result_id);
    db_bind_int64(stmt, 3, previous);
    if (db_exec_stmt(stmt, e))
        return -1;
    return db_changes(ctx->db) == 1
               ? 0
               : err_set(e, ERR_CONFLICT, "result",
                         "result %lld was amended meanwhile: look again", (long long)result_id);
}

/* Write the checked rows and what they cause. */
static int import_write(service_context *ctx, import_state *s, json_t *summary, err *e)
{
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    int64_t import_id = 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO test_imports (file_sha256, results, imported_at, imported_by) "
                   "VALUES (?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, json_string_value(json_object_get(summary, "file_sha256")));
    db_bind_int64(stmt, 2, (int64_t)s->count);
    db_bind_text(stmt, 3, now);
    db_bind_text(stmt, 4, ctx->actor.username);
    if (db_insert_returning_id(stmt, &import_id, e))
        return -1;
    json_object_set_new(summary, "import_id", json_integer(import_id));
    if (db_prepare(ctx->db,
                   "INSERT INTO test_results (din, test, result, tested_on, import_id) "
                   "VALUES (?, ?, ?, ?, ?)",
                   &stmt, e))
        return -1;
    char tested_on[DATE_TEXT_MAX];
    for (size_t i = 0; i < s->count; i++) {
        const result_row *row = &s->rows[i];
        db_bind_text_static(stmt, 1, row->din);
        db_bind_text_static(stmt, 2, s->panel.tests[row->test].test);
        db_bind_text_static(stmt, 3, row->result);
        db_bind_text(stmt, 4, date_format(row->tested_on, tested_on, sizeof tested_on));
        db_bind_int64(stmt, 5, import_id);
        if (db_exec_stmt(stmt, e)) {
            if (e->code == ERR_CONFLICT)
                err_set(e, ERR_CONFLICT, "test",
                        "line %lu: a %s result for DIN %s was recorded meanwhile; nothing was "
                        "imported",
                        (unsigned long)row->line, s->panel.tests[row->test].test, row->din);
            return -1;
        }
    }
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)import_id);
    json_int_t donations = 0;
    for (size_t first = 0, i = 1; first < s->count; i++)
        if (i == s->count || strcmp(s->rows[i].din, s->rows[first].din)) {
            donations++;
            if (donation_apply(ctx, &s->panel, s->rows + first, i - first, summary, e))
                return -1;
            first = i;
        }
    json_object_set_new(summary, "donations", json_integer(donations));
    return testing_audit_new(ctx, "test_import", id_text, "import", NULL, json_deep_copy(summary), NULL,
                     e);
}

/* A results file imported before (the same SHA-256) would only repeat
 * results that are never recorded twice: its one problem names that
 * import, in place of one per line. */
static int earlier_import_check(db_conn *db, const char *sha256, service_problems *problems,
                                err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT id, imported_at, imported_by FROM test_imports WHERE file_sha256 = ? "
                   "ORDER BY id LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, sha256);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        service_problem_alone(problems, 1, "file",
                              "this file was already imported by results import %" PRId64
                              " (%.10s, by %s): its results are on record already",
                              db_column_int64(stmt, 0), db_column_text(stmt, 1),
                              db_column_text(stmt, 2));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int testing_results_import(service_context *ctx, FILE *csv, const char *file_name, json_t **out,
                           err *e)
{
    *out = NULL;
    if (!file_name || !*file_name)
        return err_set(e, ERR_INVALID, "file_name", "is required");
    if (registry_text_check(file_name, 200, "file_name", e))
        return -1;
    import_state s = {.problems = {json_array(), 0, TESTING_IMPORT_ERRORS_MAX},
                      .today = date_today()};
    char sha256[SERVICE_SHA256_HEX_SIZE] = "";
    if (service_begin(ctx, e)) {
        json_decref(s.problems.items);
        return -1;
    }
    int rc = testing_panel_load(ctx->db, &s.panel, e) || import_read(ctx->db, &s, csv, sha256, e) ||
                     earlier_import_check(ctx->db, sha256, &s.problems, e)
                 ? -1
                 : 0;
    json_t *summary = NULL;
    if (rc == 0 && s.problems.count) {
        rc = service_problems_fail(&s.problems, e);
        *out = json_pack("{s:O, s:I}", "errors", s.problems.items, "error_count",
                         (json_int_t)s.problems.count);
    } else if (rc == 0) {
        summary = json_pack("{s:s, s:s, s:I, s:[], s:[], s:[], s:[], s:[]}", "file", file_name,
                            "file_sha256", sha256, "imported", (json_int_t)s.count,
                            "discrepancies", "held", "discarded", "deferred", "lookback_cases");
        rc = import_write(ctx, &s, summary, e);
    }
    if (service_finish(ctx, rc ? -1 : 0, e) == 0 && rc == 0)
        *out = summary_eye_readable(summary);
    else
        json_decref(summary);
    free(s.rows);
    json_decref(s.problems.items);
    return rc || !*out ? -1 : 0;
}

/* --- release ---------------------------------------------------------------------- */

#define QUEUE_COLUMNS                                                                            \
    "u.id, u.din, u.product_code, u.division, u.family, u.center, u.abo, u.rhd, "                \
    "u.expires_at, u.status, u.hold, d.abo, d.rhd, (SELECT t.id FROM typing_discrepancies t "    \
    "WHERE t.din = u.din AND t.status IN ('open', 'confirmed')), z.time_zone FROM units u "      \
    "JOIN collections c ON c.din = u.din JOIN donors d ON d.id = c.donor_id "                    \
    "JOIN centers z ON z.code = u.center"

static json_t *text_or_null(db_stmt *stmt, int column)
{
    return service_json_text(db_column_is_null(stmt, column) ? NULL
                                                             : db_column_text(stmt, column));
}

/* A row of QUEUE_COLUMNS, with what the decision needs besides. */
static json_t *queue_item(db_stmt *stmt)
{
    json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, "
                             "s:s}",
                     "unit_id", (json_int_t)db_column_int64(stmt, 0), "din",
                     db_column_text(stmt, 1), "product_code", db_column_text(stmt, 2),
                     "division", db_column_text(stmt, 3), "family", db_column_text(stmt, 4),
                     "center", db_column_text(stmt, 5), "abo", text_or_null(stmt, 6), "rhd",
                     text_or_null(stmt, 7), "expires_at", db_column_text(stmt, 8), "status",
                     db_column_text(stmt, 9), "hold", text_or_null(stmt, 10), "donor_abo",
                     text_or_null(stmt, 11), "donor_rhd", text_or_null(stmt, 12),
                     "discrepancy_id",
                     db_column_is_null(stmt, 13) ? json_null()
                                                 : json_integer(db_column_int64(stmt, 13)),
                     "time_zone", db_column_text(stmt, 14));
    return unit_expiry_add(din_eye_readable_add(item, "din", "eye_readable"));
}

/* Decide on the unit of `item` (a queue_item): its results, the panel,
 * the decision; "state", "missing" and "problems" are set on the item and
 * the fields only the decision needed removed. */
static int item_decide(db_conn *db, const test_panel *panel, json_t *item,
                       testing_release_decision *decision, err *e)
{
    testing_panel_entry entries[TESTING_PANEL_MAX];
    char results[TESTING_PANEL_MAX][16];
    for (size_t i = 0; i < panel->count; i++)
        entries[i] = (testing_panel_entry){panel->tests[i].test, panel->tests[i].kind,
                                           panel->tests[i].marker, panel->tests[i].required,
                                           NULL};
    db_stmt *stmt;
    if (db_prepare(db, "SELECT test, result FROM test_results_current WHERE din = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, json_string_value(json_object_get(item, "din")));
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        for (size_t i = 0; i < panel->count; i++)
            if (strcmp(entries[i].test, db_column_text(stmt, 0)) == 0) {
                snprintf(results[i], sizeof results[i], "%s", db_column_text(stmt, 1));
                entries[i].result = results[i];
            }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    int status = blood_unit_status_parse(json_string_value(json_object_get(item, "status")));
    int64_t expires_at = 0;
    timestamp_parse(json_string_value(json_object_get(item, "expires_at")), &expires_at,
                    "expires_at", NULL);
    testing_release_input input = {
        .status = status < 0 ? UNIT_DISCARDED : (blood_unit_status)status,
        .panel = entries,
        .panel_count = panel->count,
        .abo = json_string_value(json_object_get(item, "abo")),
        .rhd = json_string_value(json_object_get(item, "rhd")),
        .donor_abo = json_string_value(json_object_get(item, "donor_abo")),
        .donor_rhd = json_string_value(json_object_get(item, "donor_rhd")),
        .hold = json_string_value(json_object_get(item, "hold")),
        .expires_at = expires_at,
        .now = timestamp_now(),
    };
    testing_release_decide(&input, decision);
    json_t *missing = json_array(), *problems = json_array();
    for (size_t i = 0; i < decision->missing_count; i++)
        json_array_append_new(missing, json_string(decision->missing[i]));
    for (size_t i = 0; i < decision->problem_count; i++)
        json_array_append_new(problems, json_string(decision->problems[i]));
    json_object_set_new(item, "state",
                        json_string(testing_release_state_name(decision->state)));
    json_object_set_new(item, "missing", missing);
    json_object_set_new(item, "problems", problems);
    json_object_del(item, "status");
    json_object_del(item, "hold");
    json_object_del(item, "donor_abo");
    json_object_del(item, "donor_rhd");
    return 0;
}

int testing_release_queue(service_context *ctx, testing_queue_filter *filter, json_t **out,
                          err *e)
{
    char center[REGISTRY_CODE_MAX + 8] = "", group[TESTING_GROUP_TEXT_MAX] = "";
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e) ||
        (filter->group && *filter->group && testing_group_take(filter->group, group, "group", e)))
        return -1;
    if (filter->center && *filter->center) {
        if (strlen(filter->center) >= sizeof center)
            return err_set(e, ERR_NOT_FOUND, "center", "no donor center '%.20s...'",
                           filter->center);
        snprintf(center, sizeof center, "%s", filter->center);
        service_normalize_code(center);
    }
    test_panel panel;
    json_t *page = NULL;
    db_stmt *stmt;
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = testing_panel_load(ctx->db, &panel, e);
    if (rc == 0 && *center &&
        (rc = db_prepare(ctx->db, "SELECT 1 FROM centers WHERE code = ?", &stmt, e)) == 0) {
        db_bind_text(stmt, 1, center);
        db_step_result step = db_step(stmt, e);
        db_reset(stmt);
        if (step != DB_ROW)
            rc = step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "center", "no donor center '%s'",
                                           center)
                                 : -1;
    }
    if (rc == 0 && (rc = db_prepare(ctx->db,
                                    "SELECT " QUEUE_COLUMNS " WHERE u.status = 'quarantined' "
                                    "AND (?1 = '' OR u.center = ?1) AND u.id > ?2 "
                                    "AND (?3 = '' OR " SERVICE_GROUP_TEXT("u.abo", "u.rhd")
                                    " = ?3) AND " SERVICE_CENTER_SCOPE("u.center")
                                    " ORDER BY u.id LIMIT ?",
                                    &stmt, e)) == 0) {
        db_bind_text(stmt, 1, center);
        db_bind_int64(stmt, 2, after);
        db_bind_text(stmt, 3, group);
        db_bind_int64(stmt, service_bind_scope(stmt, 4, 2, ctx), filter->page.limit);
        rc = service_collect_page(stmt, queue_item, &filter->page, "unit_id", &page, e);
    }
    testing_release_decision decision;
    json_t *items = json_object_get(page, "items");
    for (size_t i = 0; rc == 0 && i < json_array_size(items); i++)
        rc = item_decide(ctx->db, &panel, json_array_get(items, i), &decision, e);
    db_rollback(ctx->db);
    if (rc) {
        json_decref(page);
        return -1;
    }
    *out = page;
    return 0;
}

/* Unit ids as decimal text, each once. */
static int release_units_parse(const testing_release_request *request, int64_t *ids, err *e)
{
    if (request->unit_count == 0)
        return err_set(e, ERR_INVALID, "units", "is required: at least one unit id");
    if (request->unit_count > TESTING_RELEASE_UNITS_MAX)
        return err_set(e, ERR_INVALID, "units", "at most %d units at once",
                       TESTING_RELEASE_UNITS_MAX);
    for (size_t i = 0; i < request->unit_count; i++) {
        const char *text = request->units[i];
        char *end = NULL;
        long long value = text && *text ? strtoll(text, &end, 10) : 0;
        if (!text || !*text || *end || value <= 0)
            return err_set(e, ERR_INVALID, "units", "'%.30s' is not a unit id",
                           text ? text : "");
        for (size_t j = 0; j < i; j++)
            if (ids[j] == value)
                return err_set(e, ERR_INVALID, "units", "unit %lld is listed twice", value);
        ids[i] = value;
    }
    return 0;
}

/* Inside the release's transaction: unit `id` is ready, else the error. */
static int release_check(service_context *ctx, const test_panel *panel, int64_t id,
                         json_t **unit, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT " QUEUE_COLUMNS " WHERE u.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    json_t *item = step == DB_ROW ? queue_item(stmt) : NULL;
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "units", "no unit %lld", (long long)id)
                               : -1;
    testing_release_decision decision;
    if (item_decide(ctx->db, panel, item, &decision, e)) {
        json_decref(item);
        return -1;
    }
    *unit = item;
    if (decision.state == TESTING_READY)
        return 0;
    char why[TESTING_PROBLEM_MAX * 2] = "";
    if (decision.state == TESTING_BLOCKED) {
        for (size_t i = 0; i < decision.problem_count; i++)
            snprintf(why + strlen(why), sizeof why - strlen(why), "%s%s", i ? "; " : "",
                     decision.problems[i]);
    } else {
        snprintf(why, sizeof why, "missing ");
        for (size_t i = 0; i < decision.missing_count; i++)
            snprintf(why + strlen(why), sizeof why - strlen(why), "%s%s", i ? ", " : "",
                     decision.missing[i]);
    }
    return err_set(e, ERR_CONFLICT, "units", "unit %lld (%s %s %s) is %s: %s; nothing was released",
                   (long long)id, json_string_value(json_object_get(item, "din")),
                   json_string_value(json_object_get(item, "product_code")),
                   json_string_value(json_object_get(item, "division")),
                   testing_release_state_name(decision.state), why);
}

int testing_signature_add_in(service_context *ctx, int64_t signer_id, const char *meaning,
                             const char *entity, const char *at, int64_t *id, err *e)
{
    assert(db_in_transaction(ctx->db));
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO signatures (user_id, meaning, entity, signed_at) "
                   "VALUES (?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, signer_id);
    db_bind_text(stmt, 2, meaning);
    db_bind_text(stmt, 3, entity);
    db_bind_text(stmt, 4, at);
    return db_insert_returning_id(stmt, id, e);
}

int testing_signature_check(service_context *ctx, const char *username, const char *password,
                            capability needed, int64_t *signer_id, err *e)
{
    /* The signature first, outside any transaction: argon2 takes a while. */
    if (auth_signature_check(ctx, username, password, needed, signer_id, e)) {
        if (strcmp(e->field, "signer") == 0)
            snprintf(e->field, sizeof e->field, "username");
        return -1;
    }
    return 0;
}

int testing_release_in(service_context *ctx, const test_panel *panel, const int64_t *ids,
                       size_t count, int64_t signer_id, const char *username,
                       const char *meaning, json_t **out, err *e)
{
    assert(db_in_transaction(ctx->db));
    int rc = 0;
    json_t *released = json_array();
    for (size_t i = 0; rc == 0 && i < count; i++) {
        json_t *unit = NULL;
        rc = release_check(ctx, panel, ids[i], &unit, e);
        if (unit)
            json_array_append_new(released, unit);
    }
    char now[TIMESTAMP_TEXT_MAX], reason[TESTING_MEANING_MAX * 4 + 48];
    timestamp_format(timestamp_now(), now, sizeof now);
    int64_t signature_id = 0;
    if (rc == 0)
        rc = testing_signature_add_in(ctx, signer_id, meaning, "unit_release", now,
                                      &signature_id, e);
    snprintf(reason, sizeof reason, "signature %lld: %s", (long long)signature_id, meaning);
    json_t *unit_ids = json_array();
    size_t i;
    json_t *unit;
    char zone[TIME_ZONE_NAME_MAX] = ""; /* copied: `unit` is replaced below */
    json_array_foreach(released, i, unit)
    {
        if (rc)
            break;
        /* Conditional on what release_check read (unit_release_mark_in). */
        int changed = 0;
        rc = unit_release_mark_in(ctx, ids[i], signature_id, now, &changed, e);
        if (rc == 0 && !changed)
            rc = err_set(e, ERR_CONFLICT, "units",
                         "unit %lld was held or moved meanwhile; nothing was released",
                         (long long)ids[i]);
        if (rc == 0)
            rc = unit_status_change_in(ctx, ids[i], UNIT_RELEASED, reason, NULL, e);
        json_array_append_new(unit_ids, json_integer(ids[i]));
        /* The signature is shown on the clock of the units' center, or of
         * the company's default zone when they come from centers in
         * several zones (docs/DESIGN.md, "Time"). */
        const char *unit_zone = json_string_value(json_object_get(unit, "time_zone"));
        if (!*zone || strcmp(zone, unit_zone) != 0)
            snprintf(zone, sizeof zone, "%s", *zone ? TIME_ZONE_DEFAULT : unit_zone);
        json_t *shown = json_pack("{s:I, s:O, s:O, s:O, s:s, s:s, s:s}", "unit_id",
                                  (json_int_t)ids[i], "din", json_object_get(unit, "din"),
                                  "product_code", json_object_get(unit, "product_code"),
                                  "division", json_object_get(unit, "division"), "status",
                                  "released", "released_at", now, "time_zone", unit_zone);
        json_array_set_new(released, i, din_eye_readable_add(shown, "din", "eye_readable"));
    }
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)signature_id);
    json_t *signature = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)signature_id,
                                  "signed_by", username, "meaning", meaning, "signed_at", now,
                                  "time_zone", *zone ? zone : TIME_ZONE_DEFAULT);
    if (rc == 0)
        rc = testing_audit_new(ctx, "signature", id_text, "sign", NULL,
                               json_pack("{s:O, s:s, s:o}", "signed_by",
                                         json_object_get(signature, "signed_by"), "entity",
                                         "unit_release", "units", json_incref(unit_ids)),
                               meaning, e);
    json_decref(unit_ids);
    if (rc) {
        json_decref(released);
        json_decref(signature);
        return -1;
    }
    *out = json_pack("{s:o, s:o}", "signature", signature, "released", released);
    return 0;
}

int testing_release(service_context *ctx, const testing_release_request *request, json_t **out,
                    err *e)
{
    int64_t ids[TESTING_RELEASE_UNITS_MAX];
    const char *meaning = request->meaning && *request->meaning ? request->meaning
                                                                 : DEFAULT_MEANING;
    int64_t signer_id = 0;
    if (release_units_parse(request, ids, e) ||
        registry_text_check(meaning, TESTING_MEANING_MAX, "meaning", e) ||
        testing_signature_check(ctx, request->username, request->password,
                                CAPABILITY_RELEASE_SIGN, &signer_id, e))
        return -1;
    test_panel panel;
    if (service_begin(ctx, e))
        return -1;
    json_t *answer = NULL;
    int rc = testing_panel_load(ctx->db, &panel, e) ||
                     testing_release_in(ctx, &panel, ids, request->unit_count, signer_id,
                                        request->username, meaning, &answer, e)
                 ? -1
                 : 0;
    if (service_finish(ctx, rc, e)) {
        json_decref(answer);
        return -1;
    }
    *out = answer;
    return 0;
}

int testing_donation_units(service_context *ctx, const test_panel *panel, const char *din,
                           json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT " QUEUE_COLUMNS " WHERE u.din = ? ORDER BY u.id", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    json_t *units = NULL;
    if (service_collect_rows(stmt, queue_item, &units, e))
        return -1;
    size_t i;
    json_t *unit;
    json_array_foreach(units, i, unit)
    {
        json_t *status = json_incref(json_object_get(unit, "status"));
        json_t *hold = json_incref(json_object_get(unit, "hold"));
        testing_release_decision decision;
        if (item_decide(ctx->db, panel, unit, &decision, e)) {
            json_decref(status);
            json_decref(hold);
            json_decref(units);
            return -1;
        }
        json_object_set_new(unit, "status", status);
        json_object_set_new(unit, "hold", hold);
        /* Only a quarantined unit waits for a release decision. */
        if (strcmp(json_string_value(status), "quarantined") != 0) {
            json_object_set_new(unit, "state", json_null());
            json_object_set_new(unit, "missing", json_array());
            json_object_set_new(unit, "problems", json_array());
        }
        json_object_del(unit, "family");
        json_object_del(unit, "center");
        json_object_del(unit, "expires_at");
    }
    *out = units;
    return 0;
}
