/*
 * unit.c - blood units once made (see unit.h): the one function that
 * changes a unit's status, the lookup by DIN, one unit with its events,
 * discard, inventory (beside the open orders' demand) and the expiry sweep.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "domain/catalog.h"
#include "domain/processing.h"
#include "domain/registry.h"
#include "domain/testing.h"
#include "service/audit.h"
#include "service/collection.h"
#include "service/din.h"
#include "service/ledger.h"
#include "service/unit.h"

/* What the status and hold changes read of a unit first. */
typedef struct {
    int status; /* blood_unit_status, or -1 when unknown */
    char status_name[24];
    int has_hold;
    buffer hold;   /* "" when none; the caller frees it */
    char name[64]; /* "DIN PRODUCT DIVISION", as the audit trail names a unit */
} unit_state;

static int unit_state_read(service_context *ctx, int64_t unit_id, unit_state *state, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT status, din, product_code, division, hold FROM units WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, unit_id);
    db_step_result step = db_step(stmt, e);
    if (step != DB_ROW) {
        db_reset(stmt);
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "unit", "no unit %lld", (long long)unit_id)
                               : -1;
    }
    state->status = blood_unit_status_parse(db_column_text(stmt, 0));
    snprintf(state->status_name, sizeof state->status_name, "%s", db_column_text(stmt, 0));
    snprintf(state->name, sizeof state->name, "%s %s %s", db_column_text(stmt, 1),
             db_column_text(stmt, 2), db_column_text(stmt, 3));
    state->has_hold = !db_column_is_null(stmt, 4);
    state->hold = (buffer)BUFFER_INIT;
    buffer_append_text(&state->hold, state->has_hold ? db_column_text(stmt, 4) : "");
    db_reset(stmt);
    return 0;
}

/* --- the inventory's cost ---------------------------------------------------- */

int unit_standard_cost(db_conn *db, const char *family, int64_t *cents, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT cost_cents FROM unit_standard_costs WHERE family = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, family);
    db_step_result step = db_step(stmt, e);
    *cents = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int unit_cost_post_in(service_context *ctx, const char *debit, const char *credit,
                      const char *center, civil_day day, int64_t cents, const char *description,
                      const char *source, const char *source_ref, int64_t *entry_id, err *e)
{
    ledger_line lines[] = {{debit, center, cents, NULL}, {credit, center, -cents, NULL}};
    ledger_entry entry = {.date = day, .description = description, .source = source,
                          .source_ref = source_ref, .lines = lines, .line_count = 2};
    int64_t id;
    return ledger_post(ctx, &entry, entry_id ? entry_id : &id, e);
}

/* A unit discarded or expired while its cost was in inventories (made,
 * released or allocated; not one back from a hospital, whose cost its
 * shipment took out): its standard cost to the cost of blood products,
 * 5000 against 1200, at its center, dated today there. */
static int written_off_post(service_context *ctx, int64_t unit_id, const char *unit_name,
                            blood_unit_status to, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT u.center, z.time_zone, COALESCE(c.cost_cents, 0) FROM units u "
                   "JOIN centers z ON z.code = u.center "
                   "LEFT JOIN unit_standard_costs c ON c.family = u.family WHERE u.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, unit_id);
    if (db_step(stmt, e) != DB_ROW) {
        db_reset(stmt);
        return -1;
    }
    char center[REGISTRY_CODE_MAX + 8], zone[TIME_ZONE_NAME_MAX];
    snprintf(center, sizeof center, "%s", db_column_text(stmt, 0));
    snprintf(zone, sizeof zone, "%s", db_column_text(stmt, 1));
    int64_t cost = db_column_int64(stmt, 2);
    db_reset(stmt);
    civil_day today;
    if (cost == 0)
        return 0;
    if (local_today(zone, &today, e))
        return -1;
    char description[96], ref[32];
    snprintf(description, sizeof description, "unit %s %s", unit_name,
             to == UNIT_EXPIRED ? "expired" : "discarded");
    snprintf(ref, sizeof ref, "unit:%lld", (long long)unit_id);
    return unit_cost_post_in(ctx, "5000", "1200", center, today, cost, description, "collections",
                             ref, NULL, e);
}

/* The status change of unit_status_change_in; with `moved`, only from
 * status `expected`: a unit found in another status, or moved meanwhile
 * by a concurrent transaction, is left as it is with *moved = 0 and no
 * error (the caller takes another unit). A `hospital` (not NULL) is
 * recorded as where the unit went, by the same UPDATE. */
static int status_change(service_context *ctx, int64_t unit_id, blood_unit_status to,
                         const char *reason, const char *hold, const char *hospital,
                         blood_unit_status expected, int *moved, err *e)
{
    assert(db_in_transaction(ctx->db));
    unit_state state;
    if (moved)
        *moved = 0;
    if (unit_state_read(ctx, unit_id, &state, e))
        return -1;
    int from = state.status;
    if (moved && from != (int)expected) {
        buffer_free(&state.hold);
        return 0;
    }
    json_t *before = json_pack("{s:s, s:o}", "status", state.status_name, "hold",
                               service_json_text(state.has_hold ? buffer_text(&state.hold) : NULL));
    buffer_free(&state.hold);
    db_stmt *stmt;
    if (from < 0 || blood_unit_transition_check((blood_unit_status)from, to, e)) {
        json_decref(before);
        if (from < 0)
            return err_set(e, ERR_INTERNAL, "status", "unit %s has an unknown status", state.name);
        return -1;
    }
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    const char *to_name = blood_unit_status_name(to);
    int rc = -1;
    /* Conditional on the status read: of two changes at once (PostgreSQL,
     * READ COMMITTED), the second finds the unit moved and is refused. */
    if (db_prepare(ctx->db,
                   "UPDATE units SET status = ?, hold = ?, updated_at = ?, "
                   "hospital = COALESCE(?, hospital) WHERE id = ? AND status = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, to_name);
    db_bind_text(stmt, 2, hold);
    db_bind_text(stmt, 3, now);
    db_bind_text(stmt, 4, hospital);
    db_bind_int64(stmt, 5, unit_id);
    db_bind_text(stmt, 6, blood_unit_status_name((blood_unit_status)from));
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) != 1) {
        if (moved) {
            rc = 0;
            goto done;
        }
        err_set(e, ERR_CONFLICT, "status", "unit %s changed meanwhile (it was %s): try again",
                state.name, blood_unit_status_name((blood_unit_status)from));
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO unit_events (unit_id, from_status, to_status, reason, at, actor) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, unit_id);
    db_bind_text(stmt, 2, blood_unit_status_name((blood_unit_status)from));
    db_bind_text(stmt, 3, to_name);
    db_bind_text(stmt, 4, reason ? reason : "");
    db_bind_text(stmt, 5, now);
    db_bind_text(stmt, 6, ctx->actor.username);
    if (db_exec_stmt(stmt, e))
        goto done;
    json_t *after = json_pack("{s:s, s:o}", "status", to_name, "hold", service_json_text(hold));
    rc = audit_append(ctx, "unit", state.name, "status", before, after,
                      reason && *reason ? reason : NULL, e);
    json_decref(after);
    if (rc == 0 && (to == UNIT_DISCARDED || to == UNIT_EXPIRED) &&
        (from == UNIT_QUARANTINED || from == UNIT_RELEASED || from == UNIT_ALLOCATED))
        rc = written_off_post(ctx, unit_id, state.name, to, e);
    if (moved && !rc)
        *moved = 1;
done:
    json_decref(before);
    return rc;
}

int unit_status_change_in(service_context *ctx, int64_t unit_id, blood_unit_status to,
                          const char *reason, const char *hold, err *e)
{
    return status_change(ctx, unit_id, to, reason, hold, NULL, to, NULL, e);
}

int unit_allocation_mark_in(service_context *ctx, int64_t unit_id, int allocate,
                            const char *reason, int *moved, err *e)
{
    return status_change(ctx, unit_id, allocate ? UNIT_ALLOCATED : UNIT_RELEASED, reason, NULL,
                         NULL, allocate ? UNIT_RELEASED : UNIT_ALLOCATED, moved, e);
}

int unit_ship_mark_in(service_context *ctx, int64_t unit_id, const char *hospital,
                      const char *reason, err *e)
{
    return status_change(ctx, unit_id, UNIT_SHIPPED, reason, NULL, hospital, UNIT_SHIPPED, NULL,
                         e);
}

/* --- reading --------------------------------------------------------------- */

/* The columns of unit_item, from units u joined with products p and the
 * unit's center z (UNIT_ITEM_FROM), and the members they become; then the
 * center's time zone (UNIT_ITEM_ZONE), which the days to expiry are
 * counted in, and the caller's columns from UNIT_ITEM_EXTRA on. */
#define UNIT_ITEM_COLUMNS                                                                        \
    "u.id, u.product_code, u.division, p.description, u.family, u.status, u.hold, u.abo, "       \
    "u.rhd, u.volume_ml, u.expires_at, z.time_zone"
#define UNIT_ITEM_FROM                                                                           \
    " FROM units u JOIN products p ON p.code = u.product_code JOIN centers z ON z.code = u.center "
static const service_column unit_item_columns[] = {
    {"id", SERVICE_COLUMN_INTEGER},   {"product_code", SERVICE_COLUMN_TEXT},
    {"division", SERVICE_COLUMN_TEXT}, {"description", SERVICE_COLUMN_TEXT},
    {"family", SERVICE_COLUMN_TEXT},   {"status", SERVICE_COLUMN_TEXT},
    {"hold", SERVICE_COLUMN_TEXT},     {"abo", SERVICE_COLUMN_TEXT},
    {"rhd", SERVICE_COLUMN_TEXT},      {"volume_ml", SERVICE_COLUMN_INTEGER},
    {"expires_at", SERVICE_COLUMN_TEXT}};
#define UNIT_ITEM_COLUMN_COUNT (sizeof unit_item_columns / sizeof unit_item_columns[0])
enum { UNIT_ITEM_ZONE = 11, UNIT_ITEM_EXTRA = 12 };
_Static_assert(UNIT_ITEM_ZONE == sizeof unit_item_columns / sizeof unit_item_columns[0],
               "the zone follows the unit's members");

static const service_column test_item_columns[] = {
    {"test", SERVICE_COLUMN_TEXT}, {"result", SERVICE_COLUMN_TEXT}, {"tested_on", SERVICE_COLUMN_TEXT}};

static json_t *column_text(db_stmt *stmt, int column)
{
    return service_json_text(db_column_is_null(stmt, column) ? NULL : db_column_text(stmt, column));
}

/* --- how near a unit is to its expiry -------------------------------------- */

/* The band of a unit expiring at `expires_at` (a stored timestamp) now,
 * and the days from today to its expiry date, both days of its center's
 * time zone `zone`. */
static processing_band expiry_of(const char *expires_at, const char *zone, int *days)
{
    int64_t at = 0;
    civil_day today, on;
    if (!zone)
        zone = TIME_ZONE_DEFAULT;
    if (local_today(zone, &today, NULL)) /* a zone on record: checked */
        today = date_today();
    timestamp_parse(expires_at, &at, "expires_at", NULL); /* stored: always valid */
    if (local_date_of(zone, at, &on, NULL))
        on = today;
    return processing_band_of(at, on, timestamp_now(), today, days);
}

/* unit_expiry_add's members, the unit's center in time zone `zone`. */
static json_t *expiry_members_add(json_t *unit, const char *zone)
{
    const char *expires_at = json_string_value(json_object_get(unit, "expires_at"));
    if (!expires_at)
        return unit;
    int days;
    processing_band band = expiry_of(expires_at, zone, &days);
    json_object_set_new(unit, "days_to_expiry", json_integer(days));
    json_object_set_new(unit, "expiry_band", json_string(processing_band_name(band)));
    return unit;
}

json_t *unit_expiry_add(json_t *unit)
{
    return expiry_members_add(unit, json_string_value(json_object_get(unit, "time_zone")));
}

/* unit_expiry_add's members written after a row's columns (UNIT_ITEM_COLUMNS);
 * `column` points to the index of expires_at. */
static void expiry_write(json_writer *w, db_stmt *stmt, void *column)
{
    int days;
    processing_band band = expiry_of(db_column_text(stmt, *(const int *)column),
                                     db_column_text(stmt, UNIT_ITEM_ZONE), &days);
    json_write_integer(w, "days_to_expiry", days);
    json_write_string(w, "expiry_band", processing_band_name(band));
}

static json_t *unit_item(db_stmt *stmt)
{
    return expiry_members_add(service_row_object(stmt, unit_item_columns, UNIT_ITEM_COLUMN_COUNT),
                              db_column_text(stmt, UNIT_ITEM_ZONE));
}

/* The units of a donation: in the order they were made, or (the DIN
 * lookup) by product code and division, the order of the index that finds
 * them, which spares the hottest read a sort. */
static int unit_items_prepare(service_context *ctx, const char *din, int by_code,
                              db_stmt **stmt, err *e)
{
#define UNITS_OF_DONATION "SELECT " UNIT_ITEM_COLUMNS UNIT_ITEM_FROM "WHERE u.din = ? "
    if (db_prepare(ctx->db,
                   by_code ? UNITS_OF_DONATION "ORDER BY u.product_code, u.division"
                           : UNITS_OF_DONATION "ORDER BY u.id",
                   stmt, e))
        return -1;
    db_bind_text(*stmt, 1, din);
    return 0;
}

int unit_make_in(service_context *ctx, const unit_new *unit, err *e)
{
    assert(db_in_transaction(ctx->db));
    db_stmt *stmt;
    int64_t id = 0;
    if (db_prepare(ctx->db,
                   "INSERT INTO units (din, product_code, donation_type, division, family, "
                   "center, volume_ml, abo, rhd, status, produced_at, expires_at, updated_at) "
                   "VALUES (?, ?, 'V', ?, ?, ?, ?, ?, ?, 'quarantined', ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, unit->din);
    db_bind_text(stmt, 2, unit->product_code);
    db_bind_text(stmt, 3, unit->division);
    db_bind_text(stmt, 4, unit->family);
    db_bind_text(stmt, 5, unit->center);
    db_bind_int64(stmt, 6, unit->volume_ml);
    db_bind_text(stmt, 7, *unit->abo ? unit->abo : NULL);
    db_bind_text(stmt, 8, *unit->rhd ? unit->rhd : NULL);
    db_bind_text(stmt, 9, unit->produced_at);
    db_bind_text(stmt, 10, unit->expires_at);
    db_bind_text(stmt, 11, unit->produced_at);
    if (db_insert_returning_id(stmt, &id, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO unit_events (unit_id, from_status, to_status, reason, at, actor) "
                   "VALUES (?, NULL, 'quarantined', ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, "made in quarantine from its collection");
    db_bind_text(stmt, 3, unit->produced_at);
    db_bind_text(stmt, 4, ctx->actor.username);
    if (db_exec_stmt(stmt, e))
        return -1;
    char name[64];
    snprintf(name, sizeof name, "%.13s %.5s %.2s", unit->din, unit->product_code, unit->division);
    json_t *after = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id,
        "product_code", unit->product_code, "division", unit->division, "family", unit->family,
        "center", unit->center, "volume_ml", (json_int_t)unit->volume_ml, "status",
        "quarantined", "expires_at", unit->expires_at, "abo",
        service_json_text(*unit->abo ? unit->abo : NULL), "rhd",
        service_json_text(*unit->rhd ? unit->rhd : NULL));
    int rc = audit_append(ctx, "unit", name, "create", NULL, after, NULL, e);
    json_decref(after);
    return rc;
}

/* Replace the hold of quarantined unit `unit_id` when it still is
 * `from_hold` ("" for none) by `to_hold`; *changed is 0 when the unit moved
 * or changed meanwhile. */
static int unit_hold_replace(service_context *ctx, int64_t unit_id, const char *from_hold,
                             const char *to_hold, int *changed, err *e)
{
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    /* Conditional on what the caller read: a release or another hold at
     * once (PostgreSQL, READ COMMITTED) must not be lost. */
    if (db_prepare(ctx->db,
                   "UPDATE units SET hold = ?, updated_at = ? "
                   "WHERE id = ? AND status = 'quarantined' AND COALESCE(hold, '') = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, to_hold);
    db_bind_text(stmt, 2, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_int64(stmt, 3, unit_id);
    db_bind_text(stmt, 4, from_hold);
    if (db_exec_stmt(stmt, e))
        return -1;
    *changed = db_changes(ctx->db) == 1;
    return 0;
}

/* Replace the hold `state` read of quarantined unit `unit_id` by `to`
 * (NULL: none), audited as `action` for `why`; ERR_CONFLICT when the unit
 * changed meanwhile. */
static int unit_hold_write(service_context *ctx, int64_t unit_id, const unit_state *state,
                           const char *to, const char *action, const char *why, err *e)
{
    const char *old = buffer_text(&state->hold);
    int changed = 0;
    if (unit_hold_replace(ctx, unit_id, old, to, &changed, e))
        return -1;
    if (!changed)
        return err_set(e, ERR_CONFLICT, "unit", "unit %s changed meanwhile: try again",
                       state->name);
    json_t *before = json_pack("{s:o}", "hold", service_json_text(state->has_hold ? old : NULL));
    json_t *after = json_pack("{s:o}", "hold", service_json_text(to));
    int rc = audit_append(ctx, "unit", state->name, action, before, after, why, e);
    json_decref(before);
    json_decref(after);
    return rc;
}

int unit_hold_in(service_context *ctx, int64_t unit_id, const char *why, err *e)
{
    assert(db_in_transaction(ctx->db));
    unit_state state;
    if (unit_state_read(ctx, unit_id, &state, e))
        return -1;
    buffer hold = BUFFER_INIT;
    const char *old = buffer_text(&state.hold);
    int rc = 0;
    if (state.status < 0 || !blood_unit_status_in_inventory((blood_unit_status)state.status))
        goto done; /* gone from the shelves: nothing to hold */
    if (testing_hold_has(old, why))
        buffer_append_text(&hold, old);
    else
        buffer_printf(&hold, "%s%s%s", old, *old ? "; " : "", why);
    if (state.status != UNIT_QUARANTINED) {
        rc = unit_status_change_in(ctx, unit_id, UNIT_QUARANTINED, why, buffer_text(&hold), e);
        goto done;
    }
    if (strcmp(buffer_text(&hold), old) == 0)
        goto done;
    rc = unit_hold_write(ctx, unit_id, &state, buffer_text(&hold), "hold", why, e);
done:
    buffer_free(&state.hold);
    buffer_free(&hold);
    return rc;
}

int unit_hold_lift_in(service_context *ctx, int64_t unit_id, const char *reason, int prefix,
                      const char *why, int *lifted, err *e)
{
    assert(db_in_transaction(ctx->db));
    *lifted = 0;
    unit_state state;
    if (unit_state_read(ctx, unit_id, &state, e))
        return -1;
    buffer rest = BUFFER_INIT;
    const char *old = buffer_text(&state.hold);
    int rc = 0;
    if (state.status != UNIT_QUARANTINED || !testing_hold_without(old, reason, prefix, &rest))
        goto done;
    rc = unit_hold_write(ctx, unit_id, &state, rest.length ? buffer_text(&rest) : NULL, "unhold",
                         why, e);
    *lifted = rc == 0;
done:
    buffer_free(&state.hold);
    buffer_free(&rest);
    return rc;
}

int unit_typing_set_in(service_context *ctx, const char *din, const char *abo, const char *rhd,
                       long *units, err *e)
{
    assert(db_in_transaction(ctx->db));
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db, "UPDATE units SET abo = ?, rhd = ?, updated_at = ? WHERE din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, abo);
    db_bind_text(stmt, 2, rhd);
    db_bind_text(stmt, 3, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 4, din);
    if (db_exec_stmt(stmt, e))
        return -1;
    *units = (long)db_changes(ctx->db);
    return 0;
}

int unit_release_mark_in(service_context *ctx, int64_t unit_id, int64_t signature_id,
                         const char *at, int *changed, err *e)
{
    assert(db_in_transaction(ctx->db));
    db_stmt *stmt;
    /* Conditional on what the caller read: a hold or a discard committed
     * meanwhile (PostgreSQL, READ COMMITTED) refuses the release instead of
     * being overwritten by it. */
    if (db_prepare(ctx->db,
                   "UPDATE units SET release_signature_id = ?, released_at = ? "
                   "WHERE id = ? AND status = 'quarantined' AND COALESCE(hold, '') = ''",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, signature_id);
    db_bind_text(stmt, 2, at);
    db_bind_int64(stmt, 3, unit_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    *changed = db_changes(ctx->db) == 1;
    return 0;
}

int unit_ids_of_donation(service_context *ctx, const char *din, int quarantined_only,
                         int64_t *ids, size_t max, size_t *count, err *e)
{
    db_stmt *stmt;
    *count = 0;
    if (db_prepare(ctx->db,
                   "SELECT id FROM units WHERE din = ?1 AND (?2 = 0 OR status = 'quarantined') "
                   "ORDER BY id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    db_bind_int64(stmt, 2, quarantined_only);
    db_step_result step;
    int over = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (*count == max) {
            over = 1;
            break;
        }
        ids[(*count)++] = db_column_int64(stmt, 0);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    return over ? err_set(e, ERR_INTERNAL, "din", "donation %s has more than %zu units", din, max)
                : 0;
}

int unit_items_in(service_context *ctx, const char *din, json_t **out, err *e)
{
    db_stmt *stmt;
    return unit_items_prepare(ctx, din, 0, &stmt, e) ||
                   service_collect_rows(stmt, unit_item, out, e)
               ? -1
               : 0;
}

int unit_lookup_write(service_context *ctx, const char *text, buffer *out, err *e)
{
    int expires_column = (int)UNIT_ITEM_COLUMN_COUNT - 1;
    isbt_din din;
    db_stmt *stmt;
    if (din_text_parse(text, &din, e) || collection_scope_check(ctx, din.din, e) ||
        db_prepare(ctx->db,
                   "SELECT d.donor_number, c.center, c.procedure, c.collected_at, "
                   "c.processed_at, z.time_zone FROM collections c "
                   "JOIN donors d ON d.id = c.donor_id JOIN centers z ON z.code = c.center "
                   "WHERE c.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din.din);
    db_step_result step = db_step(stmt, e);
    json_writer w = {out, 0};
    if (step == DB_ROW) {
        char eye[ISBT_EYE_READABLE_MAX];
        isbt_din_eye_readable(&din, eye, sizeof eye);
        json_write_object_begin(&w, NULL);
        json_write_string(&w, "din", din.din);
        json_write_string(&w, "eye_readable", eye);
        json_write_string(&w, "donor_number", db_column_text(stmt, 0));
        json_write_string(&w, "center", db_column_text(stmt, 1));
        json_write_string(&w, "procedure", db_column_text(stmt, 2));
        json_write_string(&w, "collected_at", db_column_text(stmt, 3));
        json_write_boolean(&w, "processed", !db_column_is_null(stmt, 4));
        json_write_string(&w, "time_zone", db_column_text(stmt, 5));
    }
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "din", "no donation %s", din.din) : -1;
    if (unit_items_prepare(ctx, din.din, 1, &stmt, e) ||
        service_rows_write_with(&w, "units", stmt, unit_item_columns, UNIT_ITEM_COLUMN_COUNT,
                                expiry_write, &expires_column, e) ||
        db_prepare(ctx->db,
                   "SELECT test, result, tested_on FROM test_results_current WHERE din = ? "
                   "ORDER BY test",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din.din);
    if (service_rows_write(&w, "tests", stmt, test_item_columns,
                           sizeof test_item_columns / sizeof test_item_columns[0], e))
        return -1;
    json_write_object_end(&w);
    return 0;
}

int unit_lookup(service_context *ctx, const char *din, json_t **out, err *e)
{
    buffer text = BUFFER_INIT;
    int rc = unit_lookup_write(ctx, din, &text, e);
    if (rc == 0 && !(*out = json_loads(buffer_text(&text), 0, NULL)))
        rc = err_set(e, ERR_INTERNAL, NULL, "the lookup of %s wrote invalid JSON", din);
    buffer_free(&text);
    return rc;
}

int unit_id_take(const char *text, int64_t *id, err *e)
{
    size_t length = text ? strlen(text) : 0;
    int digits = length > 0 && length <= 18;
    for (size_t i = 0; digits && i < length; i++)
        digits = isdigit((unsigned char)text[i]) != 0;
    if (!digits || (*id = strtoll(text, NULL, 10)) < 1)
        return err_set(e, ERR_NOT_FOUND, "unit", "no unit '%.40s' (units are numbered 1, 2, 3...)",
                       text ? text : "");
    return 0;
}

static json_t *event_item(db_stmt *stmt)
{
    return json_pack("{s:o, s:s, s:s, s:s, s:s}", "from_status", column_text(stmt, 0),
                     "to_status", db_column_text(stmt, 1), "reason", db_column_text(stmt, 2), "at",
                     db_column_text(stmt, 3), "actor", db_column_text(stmt, 4));
}

static int unit_fetch(service_context *ctx, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " UNIT_ITEM_COLUMNS ", u.din, u.center, u.produced_at, u.released_at, "
                   "u.hospital, u.updated_at, (SELECT s.id FROM shipment_units x "
                   "JOIN shipments s ON s.id = x.shipment_id WHERE x.unit_id = u.id "
                   "ORDER BY s.id DESC LIMIT 1), (SELECT s.ship_date FROM shipment_units x "
                   "JOIN shipments s ON s.id = x.shipment_id WHERE x.unit_id = u.id "
                   "ORDER BY s.id DESC LIMIT 1)" UNIT_ITEM_FROM "WHERE u.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    json_t *unit = NULL;
    if (step == DB_ROW) {
        char eye[ISBT_EYE_READABLE_MAX];
        unit = unit_item(stmt);
        const char *unit_din = db_column_text(stmt, UNIT_ITEM_EXTRA);
        json_object_set_new(unit, "din", json_string(unit_din));
        json_object_set_new(unit, "eye_readable",
                            json_string(din_eye_readable(unit_din, eye, sizeof eye)));
        json_object_set_new(unit, "center", json_string(db_column_text(stmt, UNIT_ITEM_EXTRA + 1)));
        json_object_set_new(unit, "produced_at",
                            json_string(db_column_text(stmt, UNIT_ITEM_EXTRA + 2)));
        json_object_set_new(unit, "released_at", column_text(stmt, UNIT_ITEM_EXTRA + 3));
        json_object_set_new(unit, "hospital", column_text(stmt, UNIT_ITEM_EXTRA + 4));
        json_object_set_new(unit, "updated_at",
                            json_string(db_column_text(stmt, UNIT_ITEM_EXTRA + 5)));
        json_object_set_new(unit, "time_zone", json_string(db_column_text(stmt, UNIT_ITEM_ZONE)));
        /* where it went: its latest shipment (the hospital above) */
        json_object_set_new(unit, "shipment",
                            db_column_is_null(stmt, UNIT_ITEM_EXTRA + 6)
                                ? json_null()
                                : json_pack("{s:I, s:s, s:o}", "id",
                                            (json_int_t)db_column_int64(stmt, UNIT_ITEM_EXTRA + 6),
                                            "date", db_column_text(stmt, UNIT_ITEM_EXTRA + 7),
                                            "hospital",
                                            column_text(stmt, UNIT_ITEM_EXTRA + 4)));
    }
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "unit", "no unit %lld", (long long)id)
                               : -1;
    json_t *events = NULL;
    if (db_prepare(ctx->db,
                   "SELECT from_status, to_status, reason, at, actor FROM unit_events "
                   "WHERE unit_id = ? ORDER BY id",
                   &stmt, e)) {
        json_decref(unit);
        return -1;
    }
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, event_item, &events, e)) {
        json_decref(unit);
        return -1;
    }
    json_object_set_new(unit, "events", events);
    *out = unit;
    return 0;
}

int unit_scope_check(service_context *ctx, int64_t id, err *e)
{
    if (!service_limited_to_centers(ctx))
        return 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM units u WHERE u.id = ? AND " SERVICE_CENTER_SCOPE("u.center"),
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    service_bind_scope(stmt, 2, 2, ctx);
    int in_scope = service_row_exists(stmt, e);
    if (in_scope < 0)
        return -1;
    return in_scope ? 0 : err_set(e, ERR_NOT_FOUND, "unit", "no unit %lld", (long long)id);
}

int unit_get(service_context *ctx, const char *text, json_t **out, err *e)
{
    int64_t id;
    return unit_id_take(text, &id, e) || unit_scope_check(ctx, id, e) ||
                   unit_fetch(ctx, id, out, e)
               ? -1
               : 0;
}

/* --- discard ---------------------------------------------------------------- */

int unit_discard(service_context *ctx, const char *text, const char *reason, json_t **out, err *e)
{
    int64_t id;
    if (unit_id_take(text, &id, e))
        return -1;
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "is required: say why the unit is discarded");
    if (registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    json_t *unit = NULL;
    int rc = unit_scope_check(ctx, id, e) ||
             unit_status_change_in(ctx, id, UNIT_DISCARDED, reason, NULL, e) ||
             unit_fetch(ctx, id, &unit, e);
    if (service_finish(ctx, rc ? -1 : 0, e)) {
        json_decref(unit);
        return -1;
    }
    *out = unit;
    return 0;
}

/* --- inventory and the sweep --------------------------------------------- */

enum { INVENTORY_STATUSES = 4 };

/* The names of the statuses counted in inventory, bound to the four
 * placeholders of "status IN (?, ?, ?, ?)"; or `only` in each. */
static void inventory_statuses_bind(db_stmt *stmt, int first, const char *only)
{
    int bound = 0;
    for (int status = 0; status < UNIT_STATUS_COUNT && bound < INVENTORY_STATUSES; status++)
        if (blood_unit_status_in_inventory((blood_unit_status)status))
            db_bind_text(stmt, first + bound++,
                         only ? only : blood_unit_status_name((blood_unit_status)status));
}

/* Add `count` to the number at `key` of `object`. */
static void count_add(json_t *object, const char *key, json_int_t count)
{
    json_t *value = json_object_get(object, key);
    json_object_set_new(object, key,
                        json_integer((value ? json_integer_value(value) : 0) + count));
}

/* The filters the inventory and the unit list share, checked: a center
 * code ("" for all), a family ("" for all), an inventory status (NULL for
 * every one). */
typedef struct {
    char center[REGISTRY_CODE_MAX + 8];
    const char *family, *status;
} shelf_filter;

static int shelf_filter_take(const char *center, const char *family, const char *status,
                             shelf_filter *out, err *e)
{
    out->center[0] = '\0';
    out->family = family && *family ? family : "";
    out->status = status && *status ? status : NULL;
    if (center && *center) {
        snprintf(out->center, sizeof out->center, "%.*s", REGISTRY_CODE_MAX + 4, center);
        service_normalize_code(out->center);
        if (registry_code_check(out->center, "center", e))
            return -1;
    }
    if (*out->family && catalog_family_parse(out->family) < 0)
        return err_set(e, ERR_INVALID, "family",
                       "must be whole_blood, red_cells, platelets, plasma, cryoprecipitate or "
                       "granulocytes");
    int status_value = out->status ? blood_unit_status_parse(out->status) : -1;
    if (out->status && (status_value < 0 ||
                        !blood_unit_status_in_inventory((blood_unit_status)status_value)))
        return err_set(e, ERR_INVALID, "status",
                       "must be a status counted in inventory: quarantined, released, allocated "
                       "or returned");
    return 0;
}

/* The band of a unit's expiry (processing_band's order) in SQL, the unit's
 * center's time zone in `zone`: expired when its time has come (now, ?1),
 * else by the day it expires on its center's calendar, before the first
 * day after each band (today there plus ?2, ?3, ?4, ?5 days), as
 * shelf_bands_bind binds them. */
#define SHELF_DAY(zone, expr) "local_date(" zone ", " expr ")"
#define SHELF_BAND_END(zone, n) "local_date(" zone ", ?1, ?" #n ")"
#define SHELF_BAND(column, zone)                                                                 \
    "CASE WHEN " column " <= ?1 THEN 0 "                                                         \
    "WHEN " SHELF_DAY(zone, column) " < " SHELF_BAND_END(zone, 2) " THEN 1 "                     \
    "WHEN " SHELF_DAY(zone, column) " < " SHELF_BAND_END(zone, 3) " THEN 2 "                     \
    "WHEN " SHELF_DAY(zone, column) " < " SHELF_BAND_END(zone, 4) " THEN 3 "                     \
    "WHEN " SHELF_DAY(zone, column) " < " SHELF_BAND_END(zone, 5) " THEN 4 ELSE 5 END"

/* Bind SHELF_BAND's limits; `as_of` gets the time they are for. */
static void shelf_bands_bind(db_stmt *stmt, char as_of[TIMESTAMP_TEXT_MAX])
{
    timestamp_format(timestamp_now(), as_of, TIMESTAMP_TEXT_MAX);
    db_bind_text(stmt, 1, as_of);
    for (int band = PROCESSING_BAND_0_1; band < PROCESSING_BAND_15_PLUS; band++)
        db_bind_int64(stmt, 1 + band, processing_band_end_day((processing_band)band));
}

/* The group of a row's ABO and RhD columns (`abo`, the RhD after it) as
 * testing_group_text writes it ("O POS", "untyped"). */
static const char *row_group(db_stmt *stmt, int abo, char group[TESTING_GROUP_TEXT_MAX])
{
    return testing_group_text(db_column_is_null(stmt, abo) ? NULL : db_column_text(stmt, abo),
                              db_column_is_null(stmt, abo + 1) ? NULL
                                                               : db_column_text(stmt, abo + 1),
                              group, TESTING_GROUP_TEXT_MAX);
}

/* The open orders' demand not yet met, by family and ABO/RhD group: for
 * each line of an open order, its quantity less its allocations not undone
 * (order.c's backorder), summed over the lines still owing units, with the
 * number of orders they belong to; `family` ("" for all) narrows it. Read
 * through orders_status, order_lines_order and allocations_line. Appends
 * {"family", "group", "orders", "backorder"} to `demand` in the order of
 * family and group. */
static int inventory_demand_read(db_conn *db, const char *family, json_t *demand, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT family, abo, rhd, COUNT(DISTINCT order_id), SUM(owed) FROM ("
                   "SELECT l.order_id, l.family, l.abo, l.rhd, l.quantity - (SELECT COUNT(*) "
                   "FROM allocations a WHERE a.order_line_id = l.id AND a.undone_at IS NULL) "
                   "AS owed FROM orders o JOIN order_lines l ON l.order_id = o.id "
                   "WHERE o.status = 'open' AND (?1 = '' OR l.family = ?1)) owing "
                   "WHERE owed > 0 GROUP BY family, abo, rhd ORDER BY family, abo, rhd",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, family);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        char group[TESTING_GROUP_TEXT_MAX];
        row_group(stmt, 1, group);
        json_array_append_new(demand,
                              json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "family",
                                        db_column_text(stmt, 0), "group", group, "orders",
                                        (json_int_t)db_column_int64(stmt, 3), "backorder",
                                        (json_int_t)db_column_int64(stmt, 4), "available",
                                        (json_int_t)0, "short", (json_int_t)0));
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The demand entry of `family` and `group`, or NULL when none owes units. */
static json_t *demand_of(json_t *demand, const char *family, const char *group)
{
    size_t i;
    json_t *entry;
    json_array_foreach(demand, i, entry)
    {
        if (strcmp(json_string_value(json_object_get(entry, "family")), family) == 0 &&
            strcmp(json_string_value(json_object_get(entry, "group")), group) == 0)
            return entry;
    }
    return NULL;
}

/* The units available to fill the demand in `demand`, whatever the status
 * filter: released, expiry still ahead (as_of, the time the bands are
 * for), on the shelves of the inventory's centers (`shelf`'s center and
 * family, the user's scope), by family and group; sets each entry's
 * "available" and "short" (the backorder the available units do not
 * cover, 0 when they do). Read through units_inventory. */
static int inventory_available_read(service_context *ctx, const shelf_filter *shelf,
                                    const char *as_of, json_t *demand, err *e)
{
    if (json_array_size(demand) == 0)
        return 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT family, abo, rhd, COUNT(*) FROM units u WHERE u.status = ?1 "
                   "AND u.expires_at > ?2 AND (?3 = '' OR u.center = ?3) "
                   "AND (?4 = '' OR u.family = ?4) AND " SERVICE_CENTER_SCOPE("u.center")
                   " GROUP BY family, abo, rhd",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, blood_unit_status_name(UNIT_RELEASED));
    db_bind_text(stmt, 2, as_of);
    db_bind_text(stmt, 3, shelf->center);
    db_bind_text(stmt, 4, shelf->family);
    service_bind_scope(stmt, 5, 2, ctx);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        char group[TESTING_GROUP_TEXT_MAX];
        row_group(stmt, 1, group);
        json_t *entry = demand_of(demand, db_column_text(stmt, 0), group);
        if (entry)
            json_object_set_new(entry, "available",
                                json_integer((json_int_t)db_column_int64(stmt, 3)));
    }
    db_reset(stmt);
    size_t i;
    json_t *entry;
    json_array_foreach(demand, i, entry)
    {
        json_int_t owed = json_integer_value(json_object_get(entry, "backorder")),
                   available = json_integer_value(json_object_get(entry, "available"));
        json_object_set_new(entry, "short", json_integer(owed > available ? owed - available : 0));
    }
    return step == DB_FAILED ? -1 : 0;
}

/* A warning of an inventory line: its kind and what it says. */
static void warning_add(json_t *warnings, const char *kind, const char *message)
{
    json_array_append_new(warnings, json_pack("{s:s, s:s}", "kind", kind, "message", message));
}

/* A line's warnings when its family and group are in demand (`wanted`):
 * available units expiring within 0-1 then 2-3 days (to go out first),
 * then the backorder the available units do not cover. */
static json_t *line_warnings(json_t *line, json_t *wanted)
{
    json_t *warnings = json_array();
    if (!wanted)
        return warnings;
    json_t *expiring = json_object_get(line, "expiring");
    static const struct {
        const char *band, *kind, *advice;
    } soon[] = {{"0-1", "expiring_0_1", "send out first"}, {"2-3", "expiring_2_3", "send out next"}};
    char text[96];
    for (size_t i = 0; i < sizeof soon / sizeof soon[0]; i++) {
        json_int_t n = json_integer_value(json_object_get(expiring, soon[i].band));
        if (n <= 0)
            continue;
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT " %s in %s days: %s", n,
                 n == 1 ? "expires" : "expire", soon[i].band, soon[i].advice);
        warning_add(warnings, soon[i].kind, text);
    }
    json_int_t missing = json_integer_value(json_object_get(wanted, "short"));
    if (missing > 0) {
        snprintf(text, sizeof text, "short by %" JSON_INTEGER_FORMAT, missing);
        warning_add(warnings, "short", text);
    }
    return warnings;
}

/* A new inventory line of center, family and group, every band at 0. */
static json_t *line_new(const char *center, const char *family, const char *group)
{
    json_t *by_band = json_object();
    for (int band = 0; band < PROCESSING_BAND_COUNT; band++)
        json_object_set_new(by_band, processing_band_name((processing_band)band), json_integer(0));
    return json_pack("{s:s, s:s, s:s, s:I, s:o, s:I, s:I, s:{s:I, s:I}}", "center", center,
                     "family", family, "group", group, "count", (json_int_t)0, "by_band", by_band,
                     "available", (json_int_t)0, "allocated", (json_int_t)0, "expiring", "0-1",
                     (json_int_t)0, "2-3", (json_int_t)0);
}

/* The rows (in the order of center, family, group) as lines of center,
 * family and group: their counts by band, the units available (released,
 * expiry ahead) and allocated, the available ones expiring within 0-1 and
 * 2-3 days, the backorder and shortfall of their family and group, and
 * their warnings. */
static json_t *inventory_lines(json_t *rows, json_t *demand)
{
    json_t *lines = json_array(), *line = NULL, *row;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        const char *center = json_string_value(json_object_get(row, "center")),
                   *family = json_string_value(json_object_get(row, "family")),
                   *group = json_string_value(json_object_get(row, "group")),
                   *band = json_string_value(json_object_get(row, "band")),
                   *status = json_string_value(json_object_get(row, "status"));
        json_int_t count = json_integer_value(json_object_get(row, "count"));
        if (!line || strcmp(json_string_value(json_object_get(line, "center")), center) ||
            strcmp(json_string_value(json_object_get(line, "family")), family) ||
            strcmp(json_string_value(json_object_get(line, "group")), group)) {
            line = line_new(center, family, group);
            json_array_append_new(lines, line);
        }
        count_add(line, "count", count);
        count_add(json_object_get(line, "by_band"), band, count);
        if (strcmp(status, blood_unit_status_name(UNIT_ALLOCATED)) == 0)
            count_add(line, "allocated", count);
        else if (strcmp(status, blood_unit_status_name(UNIT_RELEASED)) == 0 &&
                 strcmp(band, processing_band_name(PROCESSING_BAND_EXPIRED)) != 0) {
            count_add(line, "available", count);
            if (json_object_get(json_object_get(line, "expiring"), band))
                count_add(json_object_get(line, "expiring"), band, count);
        }
    }
    json_array_foreach(lines, i, line)
    {
        json_t *wanted = demand_of(demand, json_string_value(json_object_get(line, "family")),
                                   json_string_value(json_object_get(line, "group")));
        json_object_set_new(line, "backorder",
                            json_integer(wanted ? json_integer_value(
                                                      json_object_get(wanted, "backorder"))
                                                : 0));
        json_object_set_new(line, "short",
                            json_integer(wanted ? json_integer_value(
                                                      json_object_get(wanted, "short"))
                                                : 0));
        json_object_set_new(line, "warnings", line_warnings(line, wanted));
    }
    return lines;
}

/* The counts by center, family, status, group and band (the rows), in
 * the order of center, family, group, band, status, appended to `rows`
 * and added up in `totals`. */
static int inventory_rows_read(service_context *ctx, const shelf_filter *shelf,
                               char as_of[TIMESTAMP_TEXT_MAX], json_t *rows, json_t *totals,
                               err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT center, family, status, abo, rhd, band, COUNT(*) FROM ("
                   "SELECT u.center, u.family, u.status, u.abo, u.rhd, "
                   SHELF_BAND("u.expires_at", "z.time_zone") " AS band "
                   "FROM units u JOIN centers z ON z.code = u.center "
                   "WHERE u.status IN (?6, ?7, ?8, ?9) AND (?10 = '' OR u.center = ?10) "
                   "AND (?11 = '' OR u.family = ?11) AND " SERVICE_CENTER_SCOPE("u.center")
                   ") shelf "
                   "GROUP BY center, family, status, abo, rhd, band "
                   "ORDER BY center, family, COALESCE(abo, ''), COALESCE(rhd, ''), band, status",
                   &stmt, e))
        return -1;
    shelf_bands_bind(stmt, as_of);
    inventory_statuses_bind(stmt, 6, shelf->status);
    db_bind_text(stmt, 10, shelf->center);
    db_bind_text(stmt, 11, shelf->family);
    service_bind_scope(stmt, 12, 2, ctx);
    json_t *by_band = json_object_get(totals, "by_band"),
           *by_family = json_object_get(totals, "by_family"),
           *by_group = json_object_get(totals, "by_group");
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        char group[TESTING_GROUP_TEXT_MAX];
        row_group(stmt, 3, group);
        const char *band = processing_band_name((processing_band)db_column_int64(stmt, 5));
        json_int_t count = (json_int_t)db_column_int64(stmt, 6);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "center",
                                              db_column_text(stmt, 0), "family",
                                              db_column_text(stmt, 1), "group", group, "band",
                                              band, "status", db_column_text(stmt, 2), "count",
                                              count));
        count_add(totals, "count", count);
        count_add(by_band, band, count);
        count_add(by_family, db_column_text(stmt, 1), count);
        count_add(by_group, group, count);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int unit_inventory(service_context *ctx, const unit_inventory_filter *filter, json_t **out,
                   err *e)
{
    shelf_filter shelf;
    if (shelf_filter_take(filter->center, filter->family, filter->status, &shelf, e))
        return -1;
    char as_of[TIMESTAMP_TEXT_MAX];
    json_t *rows = json_array(), *demand = json_array(),
           *totals = json_pack("{s:I, s:{}, s:{}, s:{}}", "count", (json_int_t)0, "by_band",
                               "by_family", "by_group");
    json_t *by_band = json_object_get(totals, "by_band");
    for (int band = 0; band < PROCESSING_BAND_COUNT; band++)
        json_object_set_new(by_band, processing_band_name((processing_band)band), json_integer(0));
    /* One read snapshot: the counts, the open orders' demand and the units
     * available for it agree with one another. */
    int rc = db_begin_read(ctx->db, e);
    if (rc == 0) {
        rc = inventory_rows_read(ctx, &shelf, as_of, rows, totals, e) ||
             inventory_demand_read(ctx->db, shelf.family, demand, e) ||
             inventory_available_read(ctx, &shelf, as_of, demand, e);
        db_rollback(ctx->db);
    }
    if (rc) {
        json_decref(rows);
        json_decref(demand);
        json_decref(totals);
        return -1;
    }
    json_t *lines = inventory_lines(rows, demand), *line;
    json_int_t available = 0, allocated = 0;
    size_t i;
    json_array_foreach(lines, i, line)
    {
        available += json_integer_value(json_object_get(line, "available"));
        allocated += json_integer_value(json_object_get(line, "allocated"));
    }
    json_object_set_new(totals, "available", json_integer(available));
    json_object_set_new(totals, "allocated", json_integer(allocated));
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "as_of", as_of, "rows", rows, "lines", lines,
                     "demand", demand, "totals", totals);
    return 0;
}

/* --- the units on the shelves ------------------------------------------------ */

/* A row of the unit list: the lookup's unit fields with its DIN, center,
 * the center's time zone and the order it is allocated to (null when
 * none). */
static json_t *shelf_unit_item(db_stmt *stmt)
{
    char eye[ISBT_EYE_READABLE_MAX];
    json_t *unit = unit_item(stmt);
    const char *din = db_column_text(stmt, UNIT_ITEM_EXTRA);
    json_object_set_new(unit, "din", json_string(din));
    json_object_set_new(unit, "eye_readable", json_string(din_eye_readable(din, eye, sizeof eye)));
    json_object_set_new(unit, "center", json_string(db_column_text(stmt, UNIT_ITEM_EXTRA + 1)));
    json_object_set_new(unit, "time_zone", json_string(db_column_text(stmt, UNIT_ITEM_ZONE)));
    json_object_set_new(unit, "order",
                        db_column_is_null(stmt, UNIT_ITEM_EXTRA + 2)
                            ? json_null()
                            : json_integer((json_int_t)db_column_int64(stmt, UNIT_ITEM_EXTRA + 2)));
    return unit;
}

/* The order an allocated unit is allocated to (sl.order_id, NULL for a
 * unit not allocated): its one allocation neither undone nor returned,
 * found through the allocations_unit_active index. */
#define SHELF_ORDER_JOIN                                                                         \
    "LEFT JOIN allocations sa ON sa.unit_id = u.id AND u.status = 'allocated' "                   \
    "AND sa.undone_at IS NULL AND sa.returned_at IS NULL "                                       \
    "LEFT JOIN order_lines sl ON sl.id = sa.order_line_id "

/* The columns the unit list sorts by (the unit id is the tie-break). */
static const service_sort_key shelf_sort_keys[] = {
    {"din", "u.din"},
    {"product_code", "u.product_code"},
    {"family", "u.family"},
    {"center", "u.center"},
    {"group", SERVICE_GROUP_TEXT("u.abo", "u.rhd")},
    {"status", "u.status"},
    {"hold", "COALESCE(u.hold, '')"},
    {"expires_at", "u.expires_at"},
};
static const service_sort shelf_sort = SERVICE_SORT(shelf_sort_keys, "u.id", "u.id");

int unit_list(service_context *ctx, unit_list_filter *filter, json_t **out, err *e)
{
    shelf_filter shelf;
    char group[TESTING_GROUP_TEXT_MAX] = "";
    int band = -1;
    int64_t after = 0;
    if (shelf_filter_take(filter->center, filter->family, filter->status, &shelf, e) ||
        (filter->group && *filter->group && testing_group_take(filter->group, group, "group", e)))
        return -1;
    if (filter->band && *filter->band) {
        for (int b = 0; b < PROCESSING_BAND_COUNT && band < 0; b++)
            if (strcmp(filter->band, processing_band_name((processing_band)b)) == 0)
                band = b;
        if (band < 0)
            return err_set(e, ERR_INVALID, "band",
                           "must be a days-to-expiry band: expired, 0-1, 2-3, 4-7, 8-14 or 15+");
    }
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    char as_of[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (service_list_prepare(
            ctx->db,
            "SELECT " UNIT_ITEM_COLUMNS ", u.din, u.center, sl.order_id%s" UNIT_ITEM_FROM
            SHELF_ORDER_JOIN "WHERE u.status IN (?6, ?7, ?8, ?9) AND (?10 = '' OR u.center = ?10) "
            "AND (?11 = '' OR u.family = ?11) "
            "AND (?12 = '' OR " SERVICE_GROUP_TEXT("u.abo", "u.rhd") " = ?12) "
            "AND (?13 < 0 OR " SHELF_BAND("u.expires_at", "z.time_zone") " = ?13) AND u.id > ?14 "
            "AND " SERVICE_CENTER_SCOPE("u.center") " ORDER BY %s LIMIT ?17 OFFSET ?18",
            &filter->page, &shelf_sort, &stmt, e))
        return -1;
    shelf_bands_bind(stmt, as_of);
    inventory_statuses_bind(stmt, 6, shelf.status);
    db_bind_text(stmt, 10, shelf.center);
    db_bind_text(stmt, 11, shelf.family);
    db_bind_text(stmt, 12, group);
    db_bind_int64(stmt, 13, band);
    db_bind_int64(stmt, 14, after);
    service_bind_scope(stmt, 15, 2, ctx);
    db_bind_int64(stmt, 17, filter->page.limit);
    db_bind_int64(stmt, 18, filter->page.offset);
    return service_collect_page(stmt, shelf_unit_item, &filter->page, "id", out, e);
}

int unit_expiry_sweep(service_context *ctx, const char *as_of, json_t **out, err *e)
{
    int64_t now = timestamp_now(), when = now;
    if (as_of && timestamp_parse(as_of, &when, "as_of", e))
        return -1;
    if (when > now)
        return err_set(e, ERR_INVALID, "as_of",
                       "must not be in the future: units expire when their time has come");
    char when_text[TIMESTAMP_TEXT_MAX];
    timestamp_format(when, when_text, sizeof when_text);
    if (service_begin(ctx, e))
        return -1;
    db_stmt *stmt;
    json_t *units = json_array();
    int rc = db_prepare(ctx->db,
                        "SELECT id, din, product_code, division, status, expires_at FROM units "
                        "WHERE status IN (?, ?, ?, ?) AND expires_at <= ? ORDER BY expires_at, id",
                        &stmt, e);
    if (rc == 0) {
        inventory_statuses_bind(stmt, 1, NULL);
        db_bind_text(stmt, 5, when_text);
        db_step_result step;
        while ((step = db_step(stmt, e)) == DB_ROW)
            json_array_append_new(
                units, din_eye_readable_add(
                           json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
                                     (json_int_t)db_column_int64(stmt, 0), "din",
                                     db_column_text(stmt, 1), "product_code",
                                     db_column_text(stmt, 2), "division", db_column_text(stmt, 3),
                                     "from_status", db_column_text(stmt, 4), "expires_at",
                                     db_column_text(stmt, 5)),
                           "din", "eye_readable"));
        db_reset(stmt);
        rc = step == DB_FAILED ? -1 : 0;
    }
    size_t i;
    json_t *unit;
    json_array_foreach(units, i, unit)
    {
        if (rc)
            break;
        char reason[64];
        snprintf(reason, sizeof reason, "expired at %s",
                 json_string_value(json_object_get(unit, "expires_at")));
        rc = unit_status_change_in(ctx, json_integer_value(json_object_get(unit, "id")),
                                   UNIT_EXPIRED, reason, NULL, e);
    }
    if (service_finish(ctx, rc, e)) {
        json_decref(units);
        return -1;
    }
    *out = json_pack("{s:s, s:I, s:o}", "as_of", when_text, "expired",
                     (json_int_t)json_array_size(units), "units", units);
    return 0;
}
