/*
 * unit.h - blood units: making them (for the processing of a collection,
 * service/collection.h), changing their status (the one way every module
 * does it), their holds, typing and release marks, looking them up by DIN,
 * showing one with its history, discarding one, inventory and the expiry
 * sweep. This file's unit.c is the only one that writes the units and
 * unit_events tables: other modules call the *_in functions below inside
 * their own transaction.
 *
 * unit_status_change_in is the single place a unit's status changes: it
 * checks the transition (domain/blood_unit.h), updates the unit, appends
 * the unit_events row and the audit record, all inside the caller's
 * transaction, so the change commits or vanishes with the use case that
 * asked for it (a release, a discard after a reactive test, a lookback
 * hold, a shipment). A unit discarded or expired while its cost was in
 * inventories posts that cost to the cost of blood products (5000 against
 * 1200) in the same transaction.
 */
#ifndef BLOODOPS_SERVICE_UNIT_H
#define BLOODOPS_SERVICE_UNIT_H

#include "domain/blood_unit.h"
#include "service/service.h"

/* The standard cost of a unit of `family` (unit_standard_costs), in
 * cents; 0 for a family without one. What making a unit puts into
 * inventories (1200), and what its shipment, discard or expiry takes out
 * (docs/collections.md, "The cost of the inventory"). */
int unit_standard_cost(db_conn *db, const char *family, int64_t *cents, err *e);

/* Inside the caller's transaction: post `cents` (> 0) of inventory cost,
 * `debit` against `credit` (1200/2100 units made, 5000/1200 units thrown
 * away, 1200/5000 a return back on the shelf), both lines at `center`,
 * dated `day`, as `source` with `source_ref`; the entry's id in *entry_id
 * (may be NULL). */
int unit_cost_post_in(service_context *ctx, const char *debit, const char *credit,
                      const char *center, civil_day day, int64_t cents, const char *description,
                      const char *source, const char *source_ref, int64_t *entry_id, err *e);

/* Move unit `unit_id` to `to`, recording `reason` (may be "" but not NULL
 * for moves a person decides; the audit keeps it). Inside the caller's
 * transaction. ERR_NOT_FOUND naming "unit" when there is no such unit,
 * ERR_CONFLICT naming "status" (with the current status) when the move is
 * not allowed. `hold` is stored in units.hold: a text for a move to
 * quarantined that says why the unit is held, NULL to clear it. */
int unit_status_change_in(service_context *ctx, int64_t unit_id, blood_unit_status to,
                          const char *reason, const char *hold, err *e);

/* Allocate a released unit to an order (allocate 1: released -> allocated)
 * or put an allocated one back on the shelf (0: allocated -> released),
 * through the same change as unit_status_change_in, inside the caller's
 * transaction. A unit not in the status it moves from, or moved meanwhile
 * by a concurrent transaction (the update is conditional on the status),
 * is left as it is: *moved = 0 and no error, so that an allocation takes
 * the next unit. */
int unit_allocation_mark_in(service_context *ctx, int64_t unit_id, int allocate,
                            const char *reason, int *moved, err *e);

/* Ship allocated unit `unit_id` to hospital `hospital` (its code):
 * allocated -> shipped through the same change as unit_status_change_in,
 * and units.hospital set, inside the caller's transaction. A unit not
 * allocated is refused (ERR_CONFLICT naming "status"). */
int unit_ship_mark_in(service_context *ctx, int64_t unit_id, const char *hospital,
                      const char *reason, err *e);

/* A unit to make, in quarantine: abo and rhd "" when not typed yet. */
typedef struct {
    const char *din, *center, *product_code, *division, *family;
    long volume_ml;
    const char *produced_at, *expires_at, *abo, *rhd;
} unit_new;

/* Insert the unit, its first event and its audit record, inside the
 * caller's transaction. */
int unit_make_in(service_context *ctx, const unit_new *unit, err *e);

/* Hold unit `unit_id` for `why` ("lookback case 3", "ABO/RhD discrepancy:
 * ...") inside the caller's transaction, audited: a quarantined unit gets
 * the hold (added to one it has, "; " between, unless testing_hold_has
 * finds it there already), a unit elsewhere on the shelves (released,
 * allocated, returned) goes back to quarantined with it through
 * unit_status_change_in; a unit no longer in inventory is left as it is.
 * ERR_NOT_FOUND naming "unit". */
int unit_hold_in(service_context *ctx, int64_t unit_id, const char *why, err *e);

/* Lift from quarantined unit `unit_id` the parts of its hold equal to
 * `reason` (`prefix` 1: starting with it; domain/testing.h
 * testing_hold_without), inside the caller's transaction, audited
 * ("unhold", with `why`). *lifted is 1 when a part went; a unit that is
 * not quarantined, or not held for it, is left as it is. What decides
 * whether the unit may then be released is the release decision, as for
 * any unit. ERR_NOT_FOUND naming "unit". */
int unit_hold_lift_in(service_context *ctx, int64_t unit_id, const char *reason, int prefix,
                      const char *why, int *lifted, err *e);

/* Set the ABO/RhD of every unit of donation `din` (NULL: not typed);
 * *units is how many. Inside the caller's transaction. */
int unit_typing_set_in(service_context *ctx, const char *din, const char *abo, const char *rhd,
                       long *units, err *e);

/* Mark quarantined, unheld unit `unit_id` released under signature
 * `signature_id` at `at` (its status moves through unit_status_change_in);
 * *changed is 0 when it was held or moved meanwhile. */
int unit_release_mark_in(service_context *ctx, int64_t unit_id, int64_t signature_id,
                         const char *at, int *changed, err *e);

/* The ids of the units made from donation `din`, in the order they were
 * made (only the quarantined ones when `quarantined_only`), into ids[max]:
 * *count of them. More than `max` is ERR_INTERNAL naming "din" rather than
 * a silent stop. */
int unit_ids_of_donation(service_context *ctx, const char *din, int quarantined_only,
                         int64_t *ids, size_t max, size_t *count, err *e);

/* The units made from donation `din` (13 characters), in the order they
 * were made, as the items of unit_lookup's "units"; inside the caller's
 * transaction or on their own. */
int unit_items_in(service_context *ctx, const char *din, json_t **out, err *e);

/* A donation by its DIN in any form (service/din.h din_text_parse), the
 * hot path of the label scanner: three indexed reads of prepared
 * statements (collection, units, test results), in the caller's read
 * transaction if there is one, written as JSON text into `out` (no jansson
 * tree: the HTTP answer is this text):
 *   {"din", "eye_readable", "donor_number", "center", "procedure",
 *    "collected_at", "processed": bool,
 *    "units": [{"id", "product_code", "division", "description", "family",
 *               "status", "hold", "abo", "rhd", "volume_ml", "expires_at"}]
 *             (by product code and division),
 *    "tests": [{"test", "result", "tested_on"}]}
 * ERR_NOT_FOUND naming "din" when no collection has that DIN; on an error
 * `out` may hold part of the text. */
int unit_lookup_write(service_context *ctx, const char *din, buffer *out, err *e);

/* The same document parsed (the command line). */
int unit_lookup(service_context *ctx, const char *din, json_t **out, err *e);

/* A unit id from its decimal text ("12"); ERR_NOT_FOUND naming "unit"
 * otherwise. */
int unit_id_take(const char *text, int64_t *id, err *e);

/* One unit by its id (decimal text) with its history: the lookup's unit
 * fields and "din", "eye_readable", "center", "produced_at", "released_at",
 * "hospital", "updated_at", "events": [{"from_status", "to_status",
 * "reason", "at", "actor"}] (from_status null for the unit's creation).
 * ERR_NOT_FOUND naming "unit". */
/* 0 when unit `id` is within the acting user's scope (its center one of
 * theirs, or the user not limited to centers); ERR_NOT_FOUND naming "unit"
 * otherwise, as for a unit that is not there. */
int unit_scope_check(service_context *ctx, int64_t id, err *e);

int unit_get(service_context *ctx, const char *id, json_t **out, err *e);

/* Discard a unit found unfit by staff (one transaction): `reason` is
 * required (up to 500 characters). Answers the unit as unit_get does.
 * ERR_CONFLICT naming "status" when the unit's status does not allow it. */
int unit_discard(service_context *ctx, const char *id, const char *reason, json_t **out, err *e);

/* Inventory: the units on the shelves (blood_unit_status_in_inventory)
 * counted by center, family, ABO/RhD group ("O POS", "untyped"), status
 * and days-to-expiry band (domain/processing.h), beside the open orders'
 * demand, in one read snapshot. Filters (NULL or "" for all): a center
 * code, a family, an inventory status. Answers {"as_of", "rows":
 * [{"center", "family", "group", "band", "status", "count"}], "lines":
 * [{"center", "family", "group", "count", "by_band", "available",
 * "allocated", "expiring": {"0-1", "2-3"}, "backorder", "short",
 * "warnings": [{"kind", "message"}]}], "demand": [{"family", "group",
 * "orders", "backorder", "available", "short"}], "totals": {"count",
 * "by_band", "by_family", "by_group", "available", "allocated"}} (by_band
 * lists every band, 0 included). Available: released, expiry ahead. The
 * demand: the open orders' lines' quantities less their allocations not
 * undone, by family and group, against the units available of that exact
 * group within the center and family filters and the user's centers
 * (whatever the status filter). Warnings, on a line whose family and
 * group are in demand only: "expiring_0_1", "expiring_2_3" (its available
 * units in those bands) and "short". Errors name "center", "family" or
 * "status". */
typedef struct {
    const char *center, *family, *status;
} unit_inventory_filter;
int unit_inventory(service_context *ctx, const unit_inventory_filter *filter, json_t **out,
                   err *e);

/* The units on the shelves (the statuses inventory counts), each as the
 * lookup gives it with its "din", "eye_readable", "center" and "order"
 * (the order an allocated unit is allocated to, else null): in order of
 * id, or sorted by "din", "product_code", "family", "center", "group",
 * "status", "hold" or "expires_at" (page.sort, with "total"). Filters
 * (NULL or "" for all) as the inventory's, and an ABO/RhD group as the
 * inventory writes it ("O POS", "untyped") and a days-to-expiry band
 * ("expired", "0-1", ...): the units of one count of the inventory.
 * Errors name "center", "family", "status", "group", "band", "sort",
 * "offset", "after" or "limit". */
typedef struct {
    const char *center, *family, *status, *group, *band;
    service_page page; /* `after` is a unit id */
} unit_list_filter;
int unit_list(service_context *ctx, unit_list_filter *filter, json_t **out, err *e);

/* The days from today to a unit's expiry date and its inventory band now
 * (processing_band_of), added to `unit` from its "expires_at":
 * "days_to_expiry" (0 today, 1 tomorrow, negative before today) and
 * "expiry_band" ("expired", "0-1", "2-3", "4-7", "8-14", "15+"). Every
 * unit the service answers carries them. Returns unit. */
json_t *unit_expiry_add(json_t *unit);

/* The expiry sweep (one transaction): every unit in an inventory status
 * whose expiry time has come by `as_of` (a timestamp not in the future;
 * NULL: now) becomes expired through unit_status_change_in, with the
 * reason "expired at <expires_at>". Answers {"as_of", "expired": N,
 * "units": [{"id", "din", "product_code", "division", "from_status",
 * "expires_at"}]}. ERR_INVALID naming "as_of". */
int unit_expiry_sweep(service_context *ctx, const char *as_of, json_t **out, err *e);

#endif
