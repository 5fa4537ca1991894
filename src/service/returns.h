/*
 * returns.h - units returned by hospitals (docs/distribution.md,
 * "Returns"): the evidence of the cold chain (receipt temperature, seal,
 * minutes out of controlled storage) judged against the limits of the
 * unit's family, the unit back on the shelf (released) when the chain was
 * kept or discarded with why, the credit memo its contract's return policy
 * gives (through billing), and the cost put back into inventory. The one
 * writer of unit_returns and return_limits; units move through unit.c.
 */
#ifndef BLOODOPS_SERVICE_RETURNS_H
#define BLOODOPS_SERVICE_RETURNS_H

#include "service/service.h"

typedef struct {
    const char *din;         /* the unit's DIN, any form the label scanner gives */
    const char *product;     /* its product code, when the DIN shipped several units */
    const char *hospital;    /* the hospital returning it; NULL: the one it was shipped to */
    const char *date;        /* the day it came back, not before its shipment nor after today */
    const char *temperature; /* receipt temperature, degrees Celsius */
    const char *seal;        /* "intact" or "broken" */
    const char *minutes_out; /* minutes out of controlled storage, 0 or more */
} return_input;

/* Record the return of a shipped unit (one transaction). A unit never
 * shipped, or shipped to another hospital, is refused naming "din". */
int return_record(service_context *ctx, const return_input *in, json_t **out, err *e);
/* One return by its id. */
int return_get(service_context *ctx, const char *id, json_t **out, err *e);

/* The cold-chain limits of every family: {"limits": [{"family",
 * "min_temperature", "max_temperature", "max_minutes_out" (null: none)}]}. */
int return_limits_list(service_context *ctx, json_t **out, err *e);
/* Set a family's limits (an administrator), audited; max_minutes_out NULL
 * or "" for no limit. Answers the list. */
int return_limit_set(service_context *ctx, const char *family, const char *min_temperature,
                     const char *max_temperature, const char *max_minutes_out, json_t **out,
                     err *e);

#endif
