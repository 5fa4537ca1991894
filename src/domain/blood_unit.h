/*
 * blood_unit.h - the states of a blood unit and the transitions between
 * them (docs/collections.md, "Unit states"), in one place.
 *
 * A unit is one bag: a DIN, a product code and a division. It is made in
 * quarantine; it is released only when its tests allow it (service/testing
 * decides, with an electronic signature), then allocated to an order,
 * shipped, and either transfused (reported by the hospital) or returned.
 * Discarded, expired and transfused_reported are final. Every status change
 * in the program asks blood_unit_transition_check first, so an illegal move
 * is refused with the current state named, whoever asks.
 */
#ifndef BLOODOPS_DOMAIN_BLOOD_UNIT_H
#define BLOODOPS_DOMAIN_BLOOD_UNIT_H

#include "base/error.h"

typedef enum {
    UNIT_QUARANTINED,
    UNIT_RELEASED,
    UNIT_ALLOCATED,
    UNIT_SHIPPED,
    UNIT_RETURNED,
    UNIT_DISCARDED,
    UNIT_EXPIRED,
    UNIT_TRANSFUSED_REPORTED,
    UNIT_STATUS_COUNT
} blood_unit_status;

/* "quarantined", "released", "allocated", "shipped", "returned",
 * "discarded", "expired", "transfused_reported". */
const char *blood_unit_status_name(blood_unit_status status);
/* As people read it: "Quarantined", "Released", ..., "Transfused
 * (reported)". */
const char *blood_unit_status_label(blood_unit_status status);
/* -1 when unknown. */
int blood_unit_status_parse(const char *name);

/* Whether the status can never change again. */
int blood_unit_status_final(blood_unit_status status);
/* Whether a unit in this status is on the shelf of a donor center (counts
 * in inventory and expires there): quarantined, released, allocated,
 * returned. */
int blood_unit_status_in_inventory(blood_unit_status status);

/* ERR_CONFLICT naming "status" when `from` cannot move to `to`: "unit is
 * shipped: it cannot be released (from shipped it can become returned or
 * transfused_reported)". */
int blood_unit_transition_check(blood_unit_status from, blood_unit_status to, err *e);

#endif
