/*
 * registry.h - use cases of the organization registry (docs/registry.md):
 * markets, donor centers and hospitals.
 *
 * Inputs are plain strings as they arrive from a form, a command line or a
 * JSON body (NULL = not given); every value is checked here, so the CLI and
 * the API accept and refuse exactly the same things. Codes are trimmed and
 * upper-cased. Results are JSON objects (see docs/api.md for their fields).
 *
 * Edits (*_update) take the record's code and the fields to change (NULL =
 * leave as is); a code is the key of its record and never changes. Every
 * field is checked before anything is written; the record is changed only
 * if nobody changed it since it was read (else ERR_CONFLICT, read it again),
 * and the audit record ("update") holds the before and after values of the
 * changed fields only. An edit that changes nothing writes nothing (no
 * audit record either) and answers the record as it is.
 */
#ifndef BLOODOPS_SERVICE_REGISTRY_H
#define BLOODOPS_SERVICE_REGISTRY_H

#include "domain/registry.h"
#include "service/service.h"

typedef struct {
    const char *code, *name;
    const char *time_zone; /* an IANA name (base/local_time.h); NULL = TIME_ZONE_DEFAULT */
} market_input;

typedef struct {
    const char *search; /* substring of code or name, case-insensitive */
    service_page page;  /* `after` is a market code */
} market_filter;

/* A business code as given, trimmed and upper-cased into `out`, and
 * checked (domain/registry.h); ERR_INVALID naming `field` otherwise. */
int registry_code_take(const char *raw, char out[REGISTRY_CODE_MAX + 8], const char *field, err *e);

/* The id of market `code` (already normalised): ERR_INVALID naming `field`
 * ("no market 'X'") when there is none. */
int registry_market_id(db_conn *db, const char *code, int64_t *id, const char *field, err *e);

/* Today where hospital `hospital_id` is: in the time zone of its market
 * (TIME_ZONE_DEFAULT for a hospital with none, or none found), the day
 * its shipments leave and its returns come back on. */
int registry_hospital_today(db_conn *db, int64_t hospital_id, civil_day *today, err *e);

int market_add(service_context *ctx, const market_input *in, json_t **out, err *e);
int market_list(service_context *ctx, market_filter *filter, json_t **out, err *e);
int market_get(service_context *ctx, const char *code, json_t **out, err *e);
/* Rename a market or change its time zone (NULL = leave as is; at least
 * one is required). A market's centers keep their own zones. */
int market_update(service_context *ctx, const char *code, const market_input *in, json_t **out,
                  err *e);

typedef struct {
    const char *code, *name, *market, *fin, *address;
    const char *open_date; /* YYYY-MM-DD; NULL = today */
    const char *time_zone; /* an IANA name; NULL = the market's (when added) */
} center_input;

typedef struct {
    const char *market; /* only this market's centers */
    const char *status; /* "open" or "closed" (as of today), NULL for all */
    const char *search; /* substring of code or name, case-insensitive */
    service_page page;  /* `after` is a center code */
} center_filter;

int center_add(service_context *ctx, const center_input *in, json_t **out, err *e);
int center_list(service_context *ctx, center_filter *filter, json_t **out, err *e);
int center_get(service_context *ctx, const char *code, json_t **out, err *e);
/* Record that a center closed (or will close) on close_date, with a reason. */
int center_close(service_context *ctx, const char *code, const char *close_date,
                 const char *reason, json_t **out, err *e);
/* Correct a center: name, market, fin, address, open_date, time_zone
 * (NULL = leave as is; "" clears fin or address). A closed center can be
 * corrected too. */
int center_update(service_context *ctx, const char *code, const center_input *in, json_t **out,
                  err *e);

typedef struct {
    const char *code, *name, *market, *address;
    const char *billing_terms_days; /* decimal text; NULL = 30 */
} hospital_input;

typedef struct {
    const char *market;
    const char *search;
    service_page page; /* `after` is a hospital code */
} hospital_filter;

int hospital_add(service_context *ctx, const hospital_input *in, json_t **out, err *e);
int hospital_list(service_context *ctx, hospital_filter *filter, json_t **out, err *e);
int hospital_get(service_context *ctx, const char *code, json_t **out, err *e);
/* Correct a hospital: name, market ("" = none), address, billing terms
 * (NULL = leave as is). */
int hospital_update(service_context *ctx, const char *code, const hospital_input *in,
                    json_t **out, err *e);

#endif
