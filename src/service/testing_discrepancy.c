/*
 * testing_discrepancy.c - ABO/RhD discrepancies (docs/testing.md, "ABO/RhD
 * discrepancies"): a donation typed otherwise than its donor's established
 * group is an open item, opened where the typing is found to disagree
 * (testing.c: the import, an amendment, units made later), until it is
 * resolved: the confirmatory typing recorded under a signature (which may
 * set the donor's group, and nothing else does), then the donation's units
 * released under a signature or discarded with the reason. Each step is
 * one transaction with its audit record. The only writer of
 * typing_discrepancies.
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "domain/registry.h"
#include "domain/testing.h"
#include "service/audit.h"
#include "service/din.h"
#include "service/donor.h"
#include "service/testing.h"
#include "service/testing_internal.h"
#include "service/unit.h"

static const char RELEASE_MEANING[] = "released for distribution after ABO/RhD confirmation";
static const char CONFIRM_MEANING[] = "confirmatory ABO/RhD typing";
enum { REASON_MAX = 500 };

static const char *or_null(const char *text) { return text && *text ? text : NULL; }

static json_t *text_at(db_stmt *stmt, int column)
{
    return service_json_text(db_column_is_null(stmt, column) ? NULL
                                                             : db_column_text(stmt, column));
}

static const char *column_or_null(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? NULL : db_column_text(stmt, column);
}

/* The columns every answer reads, from typing_discrepancies t, the donor d
 * and the donation's collection c at its center z (whose clock its times
 * are shown on). */
#define DISCREPANCY_SELECT                                                                       \
    "t.id, t.din, d.donor_number, t.donor_abo, t.donor_rhd, t.donation_abo, t.donation_rhd, "    \
    "t.status, t.opened_at, t.opened_by, t.confirm_abo, t.confirm_rhd, t.confirm_signature_id, " \
    "t.confirmed_at, t.confirmed_by, t.donor_updated, t.resolution_reason, "                     \
    "t.resolution_signature_id, t.resolved_at, t.resolved_by, d.abo, d.rhd, c.center, "          \
    "z.time_zone"
#define DISCREPANCY_FROM                                                                         \
    " FROM typing_discrepancies t JOIN donors d ON d.id = t.donor_id "                           \
    "JOIN collections c ON c.din = t.din JOIN centers z ON z.code = c.center"
#define DISCREPANCY_COLUMNS DISCREPANCY_SELECT DISCREPANCY_FROM

/* A row of DISCREPANCY_COLUMNS as the API shows it. */
static json_t *discrepancy_item(db_stmt *stmt)
{
    char donor[TESTING_GROUP_TEXT_MAX], donation[TESTING_GROUP_TEXT_MAX],
        now[TESTING_GROUP_TEXT_MAX], hold[TESTING_PROBLEM_MAX];
    const char *donor_abo = column_or_null(stmt, 3), *donor_rhd = column_or_null(stmt, 4);
    const char *abo = column_or_null(stmt, 5), *rhd = column_or_null(stmt, 6);
    json_t *item = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
        (json_int_t)db_column_int64(stmt, 0), "din", db_column_text(stmt, 1), "donor_number",
        db_column_text(stmt, 2), "donor_group",
        testing_group_text(donor_abo, donor_rhd, donor, sizeof donor), "donation_group",
        testing_group_text(abo, rhd, donation, sizeof donation), "hold",
        testing_discrepancy_text(donor_abo, donor_rhd, abo, rhd, hold, sizeof hold), "status",
        db_column_text(stmt, 7), "opened_at", db_column_text(stmt, 8), "opened_by",
        db_column_text(stmt, 9), "donor_group_now",
        testing_group_text(column_or_null(stmt, 20), column_or_null(stmt, 21), now, sizeof now),
        "center", db_column_text(stmt, 22), "time_zone", db_column_text(stmt, 23));
    json_t *confirmation = json_null();
    if (!db_column_is_null(stmt, 12)) {
        char group[TESTING_GROUP_TEXT_MAX];
        confirmation = json_pack(
            "{s:o, s:o, s:s, s:I, s:o, s:o, s:b}", "abo", text_at(stmt, 10), "rhd",
            text_at(stmt, 11), "group",
            testing_group_text(column_or_null(stmt, 10), column_or_null(stmt, 11), group,
                               sizeof group),
            "signature_id", (json_int_t)db_column_int64(stmt, 12), "confirmed_at",
            text_at(stmt, 13), "confirmed_by", text_at(stmt, 14), "donor_updated",
            (int)db_column_int64(stmt, 15));
    }
    json_t *resolution = json_null();
    if (!db_column_is_null(stmt, 18))
        resolution = json_pack("{s:o, s:o, s:o, s:o, s:o}", "outcome", text_at(stmt, 7),
                               "reason", text_at(stmt, 16), "signature_id",
                               db_column_is_null(stmt, 17)
                                   ? json_null()
                                   : json_integer(db_column_int64(stmt, 17)),
                               "resolved_at", text_at(stmt, 18), "resolved_by",
                               text_at(stmt, 19));
    json_object_set_new(item, "confirmation", confirmation);
    json_object_set_new(item, "resolution", resolution);
    return din_eye_readable_add(item, "din", "eye_readable");
}

int testing_discrepancy_unresolved(db_conn *db, const char *din, int64_t *id, char *hold, err *e)
{
    db_stmt *stmt;
    *id = 0;
    if (db_prepare(db,
                   "SELECT id, donor_abo, donor_rhd, donation_abo, donation_rhd "
                   "FROM typing_discrepancies WHERE din = ? AND status IN ('open', 'confirmed')",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        *id = db_column_int64(stmt, 0);
        testing_discrepancy_text(column_or_null(stmt, 1), column_or_null(stmt, 2),
                                 column_or_null(stmt, 3), column_or_null(stmt, 4), hold,
                                 TESTING_PROBLEM_MAX);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int testing_discrepancy_open_in(service_context *ctx, const char *din, const testing_donor *donor,
                                const char *abo, const char *rhd, int64_t *id, err *e)
{
    assert(db_in_transaction(ctx->db));
    char hold[TESTING_PROBLEM_MAX], now[TIMESTAMP_TEXT_MAX];
    if (testing_discrepancy_unresolved(ctx->db, din, id, hold, e))
        return -1;
    if (*id)
        return 0; /* still open: the one item for this donation */
    const char *donor_abo = donor->has_abo ? donor->abo : NULL;
    const char *donor_rhd = donor->has_rhd ? donor->rhd : NULL;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO typing_discrepancies (din, donor_id, donor_abo, donor_rhd, "
                   "donation_abo, donation_rhd, status, opened_at, opened_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_bind_int64(stmt, 2, donor->id);
    db_bind_text(stmt, 3, donor_abo);
    db_bind_text(stmt, 4, donor_rhd);
    db_bind_text(stmt, 5, abo);
    db_bind_text(stmt, 6, rhd);
    db_bind_text(stmt, 7, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 8, ctx->actor.username);
    if (db_insert_returning_id(stmt, id, e))
        return -1;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)*id);
    return testing_audit_new(ctx, "typing_discrepancy", key, "open", NULL,
                             json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "din", din, "donor",
                                       donor->number, "donor_abo", service_json_text(donor_abo),
                                       "donor_rhd", service_json_text(donor_rhd), "donation_abo",
                                       service_json_text(abo), "donation_rhd",
                                       service_json_text(rhd)),
                             testing_discrepancy_text(donor_abo, donor_rhd, abo, rhd, hold,
                                                      sizeof hold),
                             e);
}

/* --- reading ------------------------------------------------------------------- */

/* The discrepancy `id` as an item, inside the caller's transaction. */
static int discrepancy_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " DISCREPANCY_COLUMNS " WHERE t.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, discrepancy_item, out, "id", e, "no ABO/RhD discrepancy %lld",
                             (long long)id);
}

/* The item with the donation's units as they stand. */
static int discrepancy_detail(service_context *ctx, int64_t id, json_t **out, err *e)
{
    testing_panel panel;
    json_t *item = NULL, *units = NULL;
    if (discrepancy_fetch(ctx->db, id, &item, e) || testing_panel_load(ctx->db, &panel, e) ||
        testing_donation_units(ctx, &panel, json_string_value(json_object_get(item, "din")),
                               &units, e)) {
        json_decref(item);
        return -1;
    }
    char abo[4], rhd[4], group[TESTING_GROUP_TEXT_MAX];
    if (testing_donation_typing(ctx->db, json_string_value(json_object_get(item, "din")), abo,
                                rhd, e)) {
        json_decref(item);
        json_decref(units);
        return -1;
    }
    json_object_set_new(item, "donation_group_now",
                        json_string(testing_group_text(or_null(abo), or_null(rhd), group,
                                                       sizeof group)));
    json_object_set_new(item, "units", units);
    *out = item;
    return 0;
}

/* "unresolved" (default: open or confirmed), "resolved" (released or
 * discarded), "all", or one status. */
static const struct {
    const char *name, *first, *second;
} status_filters[] = {
    {"unresolved", "open", "confirmed"}, {"resolved", "released", "discarded"},
    {"open", "open", "open"},            {"confirmed", "confirmed", "confirmed"},
    {"released", "released", "released"}, {"discarded", "discarded", "discarded"},
    {"all", "", ""},
};

/* The columns the list sorts by (the discrepancy's id is the tie-break). */
static const service_sort_key discrepancy_sort_keys[] = {
    {"id", "t.id"},
    {"din", "t.din"},
    {"donor_number", "d.donor_number"},
    {"donor_group", SERVICE_GROUP_TEXT("t.donor_abo", "t.donor_rhd")},
    {"donation_group", SERVICE_GROUP_TEXT("t.donation_abo", "t.donation_rhd")},
    {"center", "c.center"},
    {"opened_at", "t.opened_at"},
    {"status", "t.status"},
};
static const service_sort discrepancy_sort = SERVICE_SORT(discrepancy_sort_keys, "t.id", "t.id");

int testing_discrepancy_list(service_context *ctx, testing_discrepancy_filter *filter,
                             json_t **out, err *e)
{
    const char *status = filter->status && *filter->status ? filter->status : "unresolved";
    size_t chosen = sizeof status_filters / sizeof status_filters[0];
    for (size_t i = 0; i < sizeof status_filters / sizeof status_filters[0]; i++)
        if (strcmp(status, status_filters[i].name) == 0)
            chosen = i;
    int64_t after = 0;
    char center[REGISTRY_CODE_MAX + 8];
    service_day_range opened;
    if (chosen == sizeof status_filters / sizeof status_filters[0])
        return err_set(e, ERR_INVALID, "status",
                       "must be unresolved, resolved, all, open, confirmed, released or "
                       "discarded");
    if (service_code_filter_take(filter->center, center, "center", e) ||
        service_day_range_take(filter->from, filter->to, &opened, e) ||
        service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    db_stmt *stmt;
    if (db_begin_read(ctx->db, e))
        return -1;
    /* The days opened are the center's (docs/DESIGN.md, "Time"). */
    int rc = service_list_prepare(
        ctx->db,
        "SELECT " DISCREPANCY_SELECT "%s" DISCREPANCY_FROM
        " WHERE (?1 = '' OR t.status IN (?1, ?2)) AND t.id > ?3 AND (?5 = '' OR c.center = ?5) "
        "AND (?6 = '' OR local_date(z.time_zone, t.opened_at) >= ?6) "
        "AND (?7 = '' OR local_date(z.time_zone, t.opened_at) <= ?7) "
        "ORDER BY %s LIMIT ?4 OFFSET ?8",
        &filter->page, &discrepancy_sort, &stmt, e);
    if (rc == 0) {
        db_bind_text(stmt, 1, status_filters[chosen].first);
        db_bind_text(stmt, 2, status_filters[chosen].second);
        db_bind_int64(stmt, 3, after);
        db_bind_int64(stmt, 4, filter->page.limit);
        db_bind_text(stmt, 5, center);
        db_bind_text(stmt, 6, opened.from);
        db_bind_text(stmt, 7, opened.to);
        db_bind_int64(stmt, 8, filter->page.offset);
        rc = service_collect_page(stmt, discrepancy_item, &filter->page, "id", out, e);
    }
    db_rollback(ctx->db);
    return rc;
}

int testing_discrepancy_get(service_context *ctx, const char *id_text, json_t **out, err *e)
{
    int64_t id = 0;
    if (testing_id_take(id_text, "ABO/RhD discrepancy", &id, e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = discrepancy_detail(ctx, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

/* --- the steps ------------------------------------------------------------------- */

/* What a step reads of the discrepancy inside its transaction. */
typedef struct {
    int64_t id;
    char key[24];
    char din[ISBT_DIN_LENGTH + 1];
    char status[16];
    int64_t donor_id;
    char donor_number[16];
    char donor_abo[4], donor_rhd[4];     /* the donor's group now, "" when not known */
    char confirm_abo[4], confirm_rhd[4]; /* "" before the confirmation */
} discrepancy_state;

static int state_read(db_conn *db, int64_t id, discrepancy_state *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT t.din, t.status, t.donor_id, d.donor_number, d.abo, d.rhd, "
                   "t.confirm_abo, t.confirm_rhd FROM typing_discrepancies t "
                   "JOIN donors d ON d.id = t.donor_id WHERE t.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        out->id = id;
        snprintf(out->key, sizeof out->key, "%lld", (long long)id);
        snprintf(out->din, sizeof out->din, "%s", db_column_text(stmt, 0));
        snprintf(out->status, sizeof out->status, "%s", db_column_text(stmt, 1));
        out->donor_id = db_column_int64(stmt, 2);
        snprintf(out->donor_number, sizeof out->donor_number, "%s", db_column_text(stmt, 3));
        const char *parts[4] = {column_or_null(stmt, 4), column_or_null(stmt, 5),
                                column_or_null(stmt, 6), column_or_null(stmt, 7)};
        char *into[4] = {out->donor_abo, out->donor_rhd, out->confirm_abo, out->confirm_rhd};
        for (int i = 0; i < 4; i++)
            snprintf(into[i], 4, "%s", parts[i] ? parts[i] : "");
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "id", "no ABO/RhD discrepancy %lld", (long long)id);
    return step == DB_ROW ? 0 : -1;
}

/* The step may run only while the discrepancy is in one of these states. */
static int status_allows(const discrepancy_state *s, const char *one, const char *other,
                         const char *what, err *e)
{
    if (strcmp(s->status, one) == 0 || (other && strcmp(s->status, other) == 0))
        return 0;
    if (strcmp(s->status, "confirmed") == 0)
        return err_set(e, ERR_CONFLICT, "status",
                       "discrepancy %s has its confirmatory typing already: release or discard "
                       "the units",
                       s->key);
    if (strcmp(s->status, "open") == 0)
        return err_set(e, ERR_CONFLICT, "status",
                       "discrepancy %s has no confirmatory typing yet: record it before %s",
                       s->key, what);
    return err_set(e, ERR_CONFLICT, "status", "discrepancy %s is resolved already (%s)", s->key,
                   s->status);
}

/* Mark the discrepancy resolved: `outcome` with its reason or signature. */
static int resolve_in(service_context *ctx, const discrepancy_state *s, const char *outcome,
                      const char *reason, int64_t signature_id, const char *now, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "UPDATE typing_discrepancies SET status = ?, resolution_reason = ?, "
                   "resolution_signature_id = ?, resolved_at = ?, resolved_by = ? "
                   "WHERE id = ? AND status = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, outcome);
    db_bind_text(stmt, 2, reason);
    if (signature_id)
        db_bind_int64(stmt, 3, signature_id);
    else
        db_bind_null(stmt, 3);
    db_bind_text(stmt, 4, now);
    db_bind_text(stmt, 5, ctx->actor.username);
    db_bind_int64(stmt, 6, s->id);
    db_bind_text(stmt, 7, s->status);
    if (db_exec_stmt(stmt, e))
        return -1;
    if (db_changes(ctx->db) != 1)
        return err_set(e, ERR_CONFLICT, "status", "discrepancy %s changed meanwhile: try again",
                       s->key);
    json_t *after = json_pack("{s:s, s:o}", "status", outcome, "reason", service_json_text(reason));
    if (signature_id)
        json_object_set_new(after, "signature_id", json_integer(signature_id));
    return testing_audit_new(ctx, "typing_discrepancy", s->key, outcome,
                             json_pack("{s:s}", "status", s->status), after, reason, e);
}

/* Finish a step: commit, then answer the discrepancy as it now stands. */
static int step_finish(service_context *ctx, int rc, int64_t id, json_t **out, err *e)
{
    if (service_finish(ctx, rc, e))
        return -1;
    if (db_begin_read(ctx->db, e))
        return -1;
    rc = discrepancy_detail(ctx, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

int testing_discrepancy_confirm(service_context *ctx, const char *id_text,
                                const testing_confirmation_request *request, json_t **out,
                                err *e)
{
    int64_t id = 0, signer_id = 0;
    const char *abo = NULL, *rhd = NULL;
    if (testing_id_take(id_text, "ABO/RhD discrepancy", &id, e) ||
        testing_result_parse(TESTING_ABO, request->abo, &abo, "abo", e) ||
        testing_result_parse(TESTING_RHD, request->rhd, &rhd, "rhd", e))
        return -1;
    /* What can be refused without the signature is refused first. */
    discrepancy_state s = {0};
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = state_read(ctx->db, id, &s, e) || status_allows(&s, "open", NULL, "", e) ? -1 : 0;
    db_rollback(ctx->db);
    if (rc)
        return -1;
    if (request->update_donor && strcmp(s.donor_abo, abo) == 0 && strcmp(s.donor_rhd, rhd) == 0)
        return err_set(e, ERR_INVALID, "update_donor_group",
                       "donor %s is on record as %s %s already: there is nothing to update",
                       s.donor_number, abo, rhd);
    if (testing_signature_check(ctx, request->username, request->password, CAPABILITY_TESTING,
                                &signer_id, e) ||
        service_begin(ctx, e))
        return -1;
    char now[TIMESTAMP_TEXT_MAX], why[160];
    timestamp_format(timestamp_now(), now, sizeof now);
    int64_t signature_id = 0;
    db_stmt *stmt;
    rc = state_read(ctx->db, id, &s, e) || status_allows(&s, "open", NULL, "", e) ||
                 testing_signature_add_in(ctx, signer_id, CONFIRM_MEANING, "typing_discrepancy",
                                          now, &signature_id, e) ||
                 db_prepare(ctx->db,
                            "UPDATE typing_discrepancies SET status = 'confirmed', "
                            "confirm_abo = ?, confirm_rhd = ?, confirm_signature_id = ?, "
                            "confirmed_at = ?, confirmed_by = ?, donor_updated = ? "
                            "WHERE id = ? AND status = 'open'",
                            &stmt, e)
             ? -1
             : 0;
    if (rc == 0) {
        db_bind_text(stmt, 1, abo);
        db_bind_text(stmt, 2, rhd);
        db_bind_int64(stmt, 3, signature_id);
        db_bind_text(stmt, 4, now);
        db_bind_text(stmt, 5, request->username);
        db_bind_int64(stmt, 6, request->update_donor ? 1 : 0);
        db_bind_int64(stmt, 7, id);
        rc = db_exec_stmt(stmt, e);
        if (rc == 0 && db_changes(ctx->db) != 1)
            rc = err_set(e, ERR_CONFLICT, "status", "discrepancy %s changed meanwhile: try again",
                         s.key);
    }
    snprintf(why, sizeof why, "confirmatory typing %s %s of DIN %s (ABO/RhD discrepancy %s)", abo,
             rhd, s.din, s.key);
    if (rc == 0)
        rc = testing_audit_new(ctx, "typing_discrepancy", s.key, "confirm",
                               json_pack("{s:s}", "status", "open"),
                               json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "status", "confirmed",
                                         "abo", abo, "rhd", rhd, "signature_id",
                                         (json_int_t)signature_id, "signed_by",
                                         request->username, "donor_updated",
                                         request->update_donor),
                               why, e);
    /* The donor's group changes only here, and only when the confirmation says so. */
    if (rc == 0 && request->update_donor)
        rc = donor_group_set_in(ctx, s.donor_id, abo, rhd, e) ||
                     testing_audit_new(ctx, "donor", s.donor_number, "blood_group",
                                       json_pack("{s:o, s:o}", "abo",
                                                 service_json_text(or_null(s.donor_abo)), "rhd",
                                                 service_json_text(or_null(s.donor_rhd))),
                                       json_pack("{s:s, s:s, s:s}", "abo", abo, "rhd", rhd, "din",
                                                 s.din),
                                       why, e)
                 ? -1
                 : 0;
    return step_finish(ctx, rc, id, out, e);
}

int testing_discrepancy_release(service_context *ctx, const char *id_text,
                                const testing_discrepancy_release_request *request, json_t **out,
                                err *e)
{
    int64_t id = 0, signer_id = 0;
    const char *meaning = request->meaning && *request->meaning ? request->meaning
                                                                 : RELEASE_MEANING;
    if (testing_id_take(id_text, "ABO/RhD discrepancy", &id, e) ||
        registry_text_check(meaning, TESTING_MEANING_MAX, "meaning", e))
        return -1;
    discrepancy_state s = {0};
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = state_read(ctx->db, id, &s, e) ||
                     status_allows(&s, "confirmed", NULL, "releasing the units", e)
                 ? -1
                 : 0;
    db_rollback(ctx->db);
    if (rc || testing_signature_check(ctx, request->username, request->password,
                                      CAPABILITY_RELEASE_SIGN, &signer_id, e) ||
        service_begin(ctx, e))
        return -1;
    char abo[4], rhd[4], now[TIMESTAMP_TEXT_MAX], typed[TESTING_GROUP_TEXT_MAX],
        confirmed[TESTING_GROUP_TEXT_MAX], donor[TESTING_GROUP_TEXT_MAX], why[96];
    timestamp_format(timestamp_now(), now, sizeof now);
    rc = state_read(ctx->db, id, &s, e) ||
                 status_allows(&s, "confirmed", NULL, "releasing the units", e) ||
                 testing_donation_typing(ctx->db, s.din, abo, rhd, e)
             ? -1
             : 0;
    testing_group_text(or_null(abo), or_null(rhd), typed, sizeof typed);
    testing_group_text(s.confirm_abo, s.confirm_rhd, confirmed, sizeof confirmed);
    testing_group_text(or_null(s.donor_abo), or_null(s.donor_rhd), donor, sizeof donor);
    /* The units carry the donation's typing: released only when the
     * confirmation says the same and the donor's group agrees with it. */
    if (rc == 0 && (strcmp(abo, s.confirm_abo) || strcmp(rhd, s.confirm_rhd)))
        rc = err_set(e, ERR_CONFLICT, "confirmation",
                     "the confirmatory typing (%s) is not the donation's typing (%s): amend the "
                     "donation's ABO/RhD result, or discard the units",
                     confirmed, typed);
    else if (rc == 0 && !testing_group_agrees(or_null(s.donor_abo), or_null(s.donor_rhd),
                                              s.confirm_abo, s.confirm_rhd))
        rc = err_set(e, ERR_CONFLICT, "donor_group",
                     "donor %s is on record as %s, the confirmatory typing says %s: the donor's "
                     "group is set only by a confirmation that says so; discard the units",
                     s.donor_number, donor, confirmed);
    /* The discrepancy's hold lifted, then the units released as any are. */
    int64_t ids[TESTING_RELEASE_UNITS_MAX];
    size_t count = 0;
    if (rc == 0)
        rc = unit_ids_of_donation(ctx, s.din, 1, ids, TESTING_RELEASE_UNITS_MAX, &count, e);
    snprintf(why, sizeof why, "ABO/RhD discrepancy %s confirmed %s", s.key, confirmed);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        int lifted = 0;
        rc = unit_hold_lift_in(ctx, ids[i], TESTING_DISCREPANCY_HOLD, 1, why, &lifted, e);
    }
    json_t *released = NULL;
    int64_t signature_id = 0;
    testing_panel panel;
    if (rc == 0 && count) {
        rc = testing_panel_load(ctx->db, &panel, e) ||
                     testing_release_in(ctx, &panel, ids, count, signer_id, request->username,
                                        meaning, &released, e)
                 ? -1
                 : 0;
        signature_id = json_integer_value(
            json_object_get(json_object_get(released, "signature"), "id"));
    } else if (rc == 0) {
        /* No unit made yet: the confirmation is signed all the same. */
        rc = testing_signature_add_in(ctx, signer_id, meaning, "typing_discrepancy", now,
                                      &signature_id, e);
    }
    json_decref(released);
    if (rc == 0)
        rc = resolve_in(ctx, &s, "released", NULL, signature_id, now, e);
    return step_finish(ctx, rc, id, out, e);
}

int testing_discrepancy_discard(service_context *ctx, const char *id_text, const char *reason,
                                json_t **out, err *e)
{
    int64_t id = 0;
    if (testing_id_take(id_text, "ABO/RhD discrepancy", &id, e) ||
        registry_required_text_check(reason, REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    discrepancy_state s = {0};
    char now[TIMESTAMP_TEXT_MAX], why[REASON_MAX * 4 + 64];
    timestamp_format(timestamp_now(), now, sizeof now);
    int rc = state_read(ctx->db, id, &s, e) ||
                     status_allows(&s, "open", "confirmed", "", e)
                 ? -1
                 : 0;
    snprintf(why, sizeof why, "ABO/RhD discrepancy %s: %s", s.key, reason);
    if (rc == 0)
        rc = testing_donation_discard_in(ctx, s.din, why, e) ||
                     resolve_in(ctx, &s, "discarded", reason, 0, now, e)
                 ? -1
                 : 0;
    return step_finish(ctx, rc, id, out, e);
}
