/*
 * testing_amend.c - correcting a recorded test result (docs/testing.md,
 * "Amending a result"): never in place, always by an amendment with the new
 * value, the reason and the electronic signature of the person making it,
 * in the transaction that re-evaluates the donation by the import's own
 * rules (testing_internal.h). The only writer of test_result_amendments.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "domain/registry.h"
#include "domain/testing.h"
#include "service/din.h"
#include "service/testing.h"
#include "service/testing_internal.h"
#include "service/unit.h"

enum { REASON_MAX = 500 };
static const char AMEND_MEANING[] = "test result amended";

/* --- reading --------------------------------------------------------------------- */

#define RESULT_COLUMNS                                                                           \
    "r.id, r.din, r.test, p.kind, r.result, r.original_result, r.tested_on, r.amendment_id "    \
    "FROM test_results_current r JOIN test_panel p ON p.test = r.test"

static json_t *result_item(db_stmt *stmt)
{
    json_t *item = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_column_int64(stmt, 0),
        "din", db_column_text(stmt, 1), "test", db_column_text(stmt, 2), "kind",
        db_column_text(stmt, 3), "result", db_column_text(stmt, 4), "original_result",
        db_column_text(stmt, 5), "tested_on", db_column_text(stmt, 6), "amended",
        !db_column_is_null(stmt, 7));
    /* What an amendment may set it to: the values of its kind. */
    const char *values[8];
    int kind = testing_kind_parse(db_column_text(stmt, 3));
    size_t count = kind < 0 ? 0 : testing_result_values((testing_kind)kind, values, 8);
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, json_string(values[i]));
    json_object_set_new(item, "values", list);
    return din_eye_readable_add(item, "din", "eye_readable");
}

static json_t *amendment_item(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "previous_result",
                     db_column_text(stmt, 1), "result", db_column_text(stmt, 2), "reason",
                     db_column_text(stmt, 3), "signature_id",
                     (json_int_t)db_column_int64(stmt, 4), "signed_by", db_column_text(stmt, 5),
                     "amended_at", db_column_text(stmt, 6), "amended_by",
                     db_column_text(stmt, 7), "time_zone", db_column_text(stmt, 8));
}

/* Each result of `items` gets its "amendments", oldest first, each with
 * the time zone of the donation's center (its time is shown there). */
static int amendments_add(db_conn *db, json_t *items, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT a.id, a.previous_result, a.result, a.reason, a.signature_id, "
                   "u.username, a.amended_at, a.amended_by, z.time_zone "
                   "FROM test_result_amendments a "
                   "JOIN signatures s ON s.id = a.signature_id JOIN users u ON u.id = s.user_id "
                   "JOIN test_results r ON r.id = a.result_id JOIN collections c ON c.din = r.din "
                   "JOIN centers z ON z.code = c.center WHERE a.result_id = ? ORDER BY a.id",
                   &stmt, e))
        return -1;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        json_t *amendments = NULL;
        db_bind_int64(stmt, 1, json_integer_value(json_object_get(item, "id")));
        if (!json_is_true(json_object_get(item, "amended")))
            amendments = json_array(); /* spares a read for most results */
        else if (service_collect_rows(stmt, amendment_item, &amendments, e))
            return -1;
        json_object_set_new(item, "amendments", amendments);
    }
    return 0;
}

static int result_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *items = NULL;
    if (db_prepare(db, "SELECT " RESULT_COLUMNS " WHERE r.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, result_item, out, "id", e, "no test result %lld", (long long)id))
        return -1;
    items = json_pack("[O]", *out);
    int rc = amendments_add(db, items, e);
    json_decref(items);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int testing_result_get(service_context *ctx, const char *id_text, json_t **out, err *e)
{
    int64_t id = 0;
    if (testing_id_take(id_text, "test result", &id, e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = result_fetch(ctx->db, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

int testing_results_of_donation(service_context *ctx, const char *text, json_t **out, err *e)
{
    isbt_din din;
    if (din_text_parse(text, &din, e) || db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt;
    json_t *items = NULL;
    int rc = db_prepare(ctx->db, "SELECT 1 FROM collections WHERE din = ?", &stmt, e);
    if (rc == 0) {
        db_bind_text(stmt, 1, din.din);
        int found = service_row_exists(stmt, e);
        rc = found < 0 ? -1
             : found   ? 0
                       : err_set(e, ERR_NOT_FOUND, "din", "no donation %s", din.din);
    }
    if (rc == 0 &&
        (rc = db_prepare(ctx->db, "SELECT " RESULT_COLUMNS " WHERE r.din = ? ORDER BY r.test",
                         &stmt, e)) == 0) {
        db_bind_text(stmt, 1, din.din);
        rc = service_collect_rows(stmt, result_item, &items, e) ||
                     amendments_add(ctx->db, items, e)
                 ? -1
                 : 0;
    }
    db_rollback(ctx->db);
    if (rc) {
        json_decref(items);
        return -1;
    }
    *out = din_eye_readable_add(
        json_pack("{s:s, s:o, s:n}", "din", din.din, "items", items, "next_after"), "din",
        "eye_readable");
    return 0;
}

/* --- amending -------------------------------------------------------------------- */

/* What an amendment reads of the result. */
typedef struct {
    int64_t id, amendment_id; /* amendment_id 0 when never amended */
    char key[24];
    char din[ISBT_DIN_LENGTH + 1];
    char test[TESTING_TEST_CODE_MAX];
    char result[16];
    char tested_on[DATE_TEXT_MAX];
} result_state;

static int state_read(db_conn *db, int64_t id, result_state *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT din, test, result, tested_on, amendment_id FROM test_results_current "
                   "WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        out->id = id;
        snprintf(out->key, sizeof out->key, "%lld", (long long)id);
        snprintf(out->din, sizeof out->din, "%s", db_column_text(stmt, 0));
        snprintf(out->test, sizeof out->test, "%s", db_column_text(stmt, 1));
        snprintf(out->result, sizeof out->result, "%s", db_column_text(stmt, 2));
        snprintf(out->tested_on, sizeof out->tested_on, "%s", db_column_text(stmt, 3));
        out->amendment_id = db_column_is_null(stmt, 4) ? 0 : db_column_int64(stmt, 4);
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "id", "no test result %lld", (long long)id);
    return step == DB_ROW ? 0 : -1;
}

/* Every unit of the donation in its state before the amendment:
 * {"<id>": "status"}. */
static int statuses_read(db_conn *db, const char *din, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT id, status FROM units WHERE din = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    *out = json_object();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_object_set_new(*out, db_column_text(stmt, 0), json_string(db_column_text(stmt, 1)));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(json_t *notes, const char *fmt, ...)
{
    char text[400];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    json_array_append_new(notes, json_string(text));
}

/* The donation re-evaluated for the new value of `test`, by the rules of
 * the import. */
static int reevaluate(service_context *ctx, const result_state *s, const testing_panel_test *test,
                      const char *previous, const char *now_result, json_t *effects,
                      json_t *notes, err *e)
{
    testing_donor donor;
    if (testing_donor_of(ctx->db, s->din, &donor, e))
        return -1;
    char why[TESTING_PROBLEM_MAX];
    switch (test->kind) {
    case TESTING_ABO:
    case TESTING_RHD: {
        int64_t open = 0;
        if (testing_donation_group_in(ctx, s->din, &donor, s->tested_on, effects, e) ||
            testing_discrepancy_unresolved(ctx->db, s->din, &open, why, e))
            return -1;
        if (open)
            note(notes,
                 "ABO/RhD discrepancy %lld of this donation is unresolved: its units stay held "
                 "until it is resolved (confirmatory typing, then release or discard)",
                 (long long)open);
        return 0;
    }
    case TESTING_ANTIBODY:
        testing_screen_hold_text(test->test, why, sizeof why);
        if (testing_result_blocks(test->kind, now_result)) {
            json_array_append_new(json_object_get(effects, "held"), json_string(s->din));
            return testing_donation_hold_in(ctx, s->din, why, e);
        } else {
            int64_t ids[TESTING_RELEASE_UNITS_MAX];
            size_t count = 0;
            if (unit_ids_of_donation(ctx, s->din, 0, ids, TESTING_RELEASE_UNITS_MAX, &count, e))
                return -1;
            int any = 0;
            for (size_t i = 0; i < count; i++) {
                int lifted = 0;
                if (unit_hold_lift_in(ctx, ids[i], why, 0, "antibody screen amended to negative",
                                      &lifted, e))
                    return -1;
                any |= lifted;
            }
            if (any)
                json_array_append_new(json_object_get(effects, "unheld"), json_string(s->din));
        }
        return 0;
    case TESTING_INFECTIOUS:
        if (testing_result_blocks(test->kind, now_result))
            return testing_donation_reactive_in(ctx, s->din, test, s->tested_on, &donor, effects,
                                                e);
        if (testing_result_blocks(test->kind, previous))
            note(notes,
                 "the deferral of donor %s and the lookback case the reactive %s result opened "
                 "stay as they are: end or close them on their own",
                 donor.number, test->marker);
        return 0;
    case TESTING_KIND_COUNT: break;
    }
    return 0;
}

/* What the units went through, said plainly: discarded units stay
 * discarded, units that left are not called back by an amendment. */
static void units_told(json_t *units, json_t *before, const char *now_result,
                       const testing_panel_test *test, json_t *notes)
{
    size_t i;
    json_t *unit;
    json_array_foreach(units, i, unit)
    {
        char key[24];
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(unit, "unit_id")));
        const char *was = json_string_value(json_object_get(before, key));
        const char *status = json_string_value(json_object_get(unit, "status"));
        json_object_set_new(unit, "status_before", json_string(was ? was : status));
        const char *name = json_string_value(json_object_get(unit, "product_code"));
        if (strcmp(status, "discarded") == 0 && was && strcmp(was, "discarded") == 0 &&
            !testing_result_blocks(test->kind, now_result))
            note(notes,
                 "unit %s (%s) was discarded and stays discarded: a discarded unit never returns "
                 "to the shelves",
                 key, name);
        else if ((strcmp(status, "shipped") == 0 || strcmp(status, "transfused_reported") == 0) &&
                 testing_result_blocks(test->kind, now_result))
            note(notes,
                 "unit %s (%s) has left (%s): an amendment does not call it back; its hospital is "
                 "told through the lookback case",
                 key, name, status);
    }
}

int testing_result_amend(service_context *ctx, const char *id_text,
                         const testing_amend_request *request, json_t **out, err *e)
{
    int64_t id = 0, signer_id = 0;
    const char *value = NULL;
    if (testing_id_take(id_text, "test result", &id, e) ||
        registry_required_text_check(request->reason, REASON_MAX, "reason", e))
        return -1;
    /* Everything that can be refused before the signature is refused first. */
    result_state s = {0};
    testing_panel panel;
    const testing_panel_test *test = NULL;
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = state_read(ctx->db, id, &s, e) || testing_panel_load(ctx->db, &panel, e) ? -1 : 0;
    db_rollback(ctx->db);
    if (rc)
        return -1;
    if (!(test = testing_panel_find(&panel, s.test)))
        return err_set(e, ERR_INTERNAL, "id", "test %s of result %s is not in the panel", s.test,
                       s.key);
    if (testing_result_parse(test->kind, request->result, &value, "result", e))
        return -1;
    if (strcmp(value, s.result) == 0)
        return err_set(e, ERR_INVALID, "result",
                       "the %s result of DIN %s is %s already: an amendment changes the value",
                       s.test, s.din, s.result);
    if (testing_signature_check(ctx, request->username, request->password, CAPABILITY_TESTING,
                                &signer_id, e) ||
        service_begin(ctx, e))
        return -1;
    int64_t expected = s.amendment_id, signature_id = 0, amendment_id = 0;
    char now[TIMESTAMP_TEXT_MAX], previous[16];
    timestamp_format(timestamp_now(), now, sizeof now);
    json_t *before = NULL, *units = NULL, *result = NULL, *notes = json_array();
    json_t *effects = json_pack("{s:[], s:[], s:[], s:[], s:[], s:[]}", "discrepancies", "held",
                                "unheld", "discarded", "deferred", "lookback_cases");
    db_stmt *stmt;
    rc = state_read(ctx->db, id, &s, e) ? -1 : 0;
    snprintf(previous, sizeof previous, "%s", s.result);
    if (rc == 0 && (s.amendment_id != expected || strcmp(s.result, value) == 0))
        rc = err_set(e, ERR_CONFLICT, "result",
                     "the %s result of DIN %s was amended meanwhile (it is %s now): look again",
                     s.test, s.din, s.result);
    if (rc == 0)
        rc = statuses_read(ctx->db, s.din, &before, e) ||
                     testing_signature_add_in(ctx, signer_id, AMEND_MEANING,
                                              "test_result_amendment", now, &signature_id, e) ||
                     db_prepare(ctx->db,
                                "INSERT INTO test_result_amendments (result_id, previous_result, "
                                "result, reason, signature_id, amended_at, amended_by) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                &stmt, e)
                 ? -1
                 : 0;
    if (rc == 0) {
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, previous);
        db_bind_text(stmt, 3, value);
        db_bind_text(stmt, 4, request->reason);
        db_bind_int64(stmt, 5, signature_id);
        db_bind_text(stmt, 6, now);
        db_bind_text(stmt, 7, ctx->actor.username);
        rc = db_insert_returning_id(stmt, &amendment_id, e) ||
                     testing_result_link_in(ctx, id, expected, amendment_id, e) ||
                     testing_audit_new(ctx, "test_result", s.key, "amend",
                                       json_pack("{s:s, s:s, s:s}", "din", s.din, "test", s.test,
                                                 "result", previous),
                                       json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "din", s.din,
                                                 "test", s.test, "result", value,
                                                 "amendment_id", (json_int_t)amendment_id,
                                                 "signature_id", (json_int_t)signature_id,
                                                 "signed_by", request->username),
                                       request->reason, e) ||
                     reevaluate(ctx, &s, test, previous, value, effects, notes, e) ||
                     testing_donation_units(ctx, &panel, s.din, &units, e) ||
                     result_fetch(ctx->db, id, &result, e)
                 ? -1
                 : 0;
    }
    if (rc == 0)
        units_told(units, before, value, test, notes);
    json_decref(before);
    if (service_finish(ctx, rc, e)) {
        json_decref(units);
        json_decref(result);
        json_decref(effects);
        json_decref(notes);
        return -1;
    }
    json_t *amendments = json_object_get(result, "amendments");
    json_t *amendment = json_incref(json_array_get(amendments, json_array_size(amendments) - 1));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(effects, "discrepancies"), i, item)
        din_eye_readable_add(item, "din", "eye_readable");
    *out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "amendment", amendment, "result", result,
                     "units", units, "effects", effects, "notes", notes);
    return 0;
}
