/*
 * reference.h - the reference data of the blood-products chain, as one
 * JSON object for clients that show and check forms (the web application
 * loads it once per session from GET /api/v1/reference): the procedures
 * with the components each yields, the product families, the unit
 * statuses, the donor reactions and the measurements taken before a
 * donation, and for therapeutic apheresis the procedure types, ASFA
 * categories and grades and anticoagulants an order takes. Everything
 * comes from the domain's own tables, so a client never keeps a copy of
 * a rule. No database is read.
 */
#ifndef BLOODOPS_SERVICE_REFERENCE_H
#define BLOODOPS_SERVICE_REFERENCE_H

#include <jansson.h>
#include "base/error.h"

/*
 * {"procedures": [{"code": "plateletpheresis", "label": "Platelets by apheresis",
 *                  "yields": [{"family": "platelets", "min": 1, "max": 3}, ...]}, ...],
 *  "families": [{"code": "red_cells", "label": "Red cells"}, ...],
 *  "unit_statuses": [{"code": "quarantined", "label": "Quarantined",
 *                     "in_inventory": true, "final": false}, ...],
 *  "reactions": [{"code": "none", "label": "None"}, ...],
 *  "measurements": [{"name": "hemoglobin", "label": "Hemoglobin", "unit": "g/dL",
 *                    "kind": "tenths", "min": 1.0, "max": 30.0, "decimals": 1,
 *                    "help": "..."}, ...]}
 * `yields` lists the families a procedure's collection can be made into,
 * in family order, with how many units of each (min 0: optional). Tenths
 * are given as numbers with their decimal; a yes/no field has min and max
 * null. ERR_INTERNAL when out of memory.
 */
int reference_get(json_t **out, err *e);

#endif
