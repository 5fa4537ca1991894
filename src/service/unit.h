/*
 * unit.h - blood units once made: changing their status (the one way every
 * module does it), looking them up by DIN, inventory and the expiry sweep.
 *
 * unit_status_change_in is the single place a unit's status changes: it
 * checks the transition (domain/blood_unit.h), updates the unit, appends
 * the unit_events row and the audit record, all inside the caller's
 * transaction, so the change commits or vanishes with the use case that
 * asked for it (a release, a discard after a reactive test, a lookback
 * hold, a shipment).
 */
#ifndef BLOODOPS_SERVICE_UNIT_H
#define BLOODOPS_SERVICE_UNIT_H

#include "domain/blood_unit.h"
#include "service/service.h"

/* Move unit `unit_id` to `to`, recording `reason` (may be "" but not NULL
 * for moves a person decides; the audit keeps it). Inside the caller's
 * transaction. ERR_NOT_FOUND naming "unit" when there is no such unit,
 * ERR_CONFLICT naming "status" (with the current status) when the move is
 * not allowed. `hold` is stored in units.hold: a text for a move to
 * quarantined that says why the unit is held, NULL to clear it. */
int unit_status_change_in(service_context *ctx, int64_t unit_id, blood_unit_status to,
                          const char *reason, const char *hold, err *e);

#endif
