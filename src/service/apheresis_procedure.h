/*
 * apheresis_procedure.h - the record of a therapeutic apheresis procedure
 * performed under a physician's order (docs/apheresis.md, "Procedures"):
 * recorded by its nurse, signed by them with their password re-entered
 * (then frozen, changed only by an amendment with its reason), and on
 * signing billed to the hospital at its apheresis contract's price with
 * the revenue and the cost posted by market, in one transaction. Also the
 * hospitals' apheresis contracts (prices per procedure type, surcharges,
 * the abort rule), the standard costs, and the volumes by market, type and
 * period. The one writer of schema/023_apheresis_procedures.sql's tables
 * and of the signed procedures counted by day and market
 * (schema/029_apheresis_days.sql), which the totals below read.
 *
 * Scope: an apheresis nurse limited to their markets sees and records
 * procedures of those markets' hospitals only (ERR_NOT_FOUND otherwise).
 */
#ifndef BLOODOPS_SERVICE_APHERESIS_PROCEDURE_H
#define BLOODOPS_SERVICE_APHERESIS_PROCEDURE_H

#include "base/date.h"
#include "service/service.h"

/* The vitals taken before and after: systolic, diastolic (mmHg), pulse
 * (beats per minute), temperature (degrees Celsius, one decimal), SpO2
 * (percent). NULL or "": not taken. */
enum { APHERESIS_VITALS = 5 };
extern const char *const apheresis_vital_names[APHERESIS_VITALS];

typedef struct {
    const char *what, *severity, *action; /* severity: mild, moderate, severe */
} apheresis_adverse_event;

/* A procedure's fields as text; NULL: not given (a change keeps it). */
typedef struct {
    const char *order;       /* the physician's order (its id); not changeable */
    const char *booking;     /* the booking it fulfils (an id), optional */
    const char *started_at, *ended_at; /* UTC timestamps YYYY-MM-DDTHH:MM:SSZ */
    const char *nurse;       /* a user name; default: the acting user */
    const char *device_serial, *kit_lot;
    const char *before[APHERESIS_VITALS], *after[APHERESIS_VITALS];
    const char *blood_processed_ml, *plasma_removed_ml; /* whole mL */
    const char *albumin_vials, *plasma_units, *saline_ml;
    const char *anticoagulant_ml, *ratio; /* ratio: N of 1:N ("1:12" taken too) */
    const char *calcium_mg;                /* calcium given, whole mg */
    const apheresis_adverse_event *events; /* when events_given */
    size_t event_count;
    int events_given;
    const char *stat;        /* "true"/"false": a stat call-out */
    const char *outcome;     /* completed, aborted */
    const char *abort_reason; /* required when aborted */
} apheresis_procedure_input;

/* A new draft record under an active order of the actor's markets. */
int apheresis_procedure_record(service_context *ctx, const apheresis_procedure_input *in,
                               json_t **out, err *e);
/* Change a record: a draft is edited (audited "edit"); a signed record
 * only by an amendment with `reason` (required), which keeps the record
 * before and after; the order, the times, the nurse, the outcome and the
 * stat flag of a signed record are what it was billed on and cannot be
 * amended (ERR_INVALID naming the field). */
int apheresis_procedure_change(service_context *ctx, const char *procedure,
                               const apheresis_procedure_input *in, const char *reason,
                               json_t **out, err *e);
/* Sign a draft: `signer` must be its nurse, re-entering `password`. In one
 * transaction: the record signed and frozen, a draft invoice of the
 * hospital dated the procedure's day with its line at the contract price
 * (+ surcharges, or the abort rule), the posting 1150/4100 for the price
 * and 5100/2100 for the cost, centred on the hospital's market, and the
 * audit record. No contract in force that day: ERR_CONFLICT naming
 * "contract", the hospital and the day.
 * `procedures` may list several ids separated by commas (at most
 * APHERESIS_SIGN_MAX): the nurse signs the day's records in one act, one
 * password check, all of them or none; the answer is then {"items": [the
 * records]} instead of the one record. */
enum { APHERESIS_SIGN_MAX = 100 };
int apheresis_procedure_sign(service_context *ctx, const char *procedures, const char *signer,
                             const char *password, json_t **out, err *e);
/* A record with its order's prescription beside what was delivered and
 * its amendments; the read is audited. */
int apheresis_procedure_get(service_context *ctx, const char *procedure, json_t **out, err *e);

typedef struct {
    const char *order;  /* one order's procedures (an id), or NULL */
    const char *status; /* draft, signed, or NULL */
    service_page page;  /* sort by id, performed_on, status */
} apheresis_procedure_filter;
int apheresis_procedure_list(service_context *ctx, apheresis_procedure_filter *filter,
                             json_t **out, err *e);

/* --- contracts and costs ------------------------------------------------- */

/* A hospital's contract from `from` (YYYY-MM-DD) to `to` (NULL: open), an
 * aborted procedure billed `abort_percent` (0 to 100) of its price. An
 * open contract of the hospital that began before `from` ends the day
 * before; any other overlap is ERR_CONFLICT naming "effective_from". */
int apheresis_contract_add(service_context *ctx, const char *hospital, const char *from,
                           const char *to, const char *abort_percent, json_t **out, err *e);
/* Set the contract's price of a procedure type (dollars, two decimals). */
int apheresis_contract_price(service_context *ctx, const char *contract,
                             const char *procedure_type, const char *price, json_t **out,
                             err *e);
/* Set a surcharge: after_hours, weekend, holiday or stat (dollars). */
int apheresis_contract_surcharge(service_context *ctx, const char *contract, const char *kind,
                                 const char *amount, json_t **out, err *e);
int apheresis_contract_get(service_context *ctx, const char *contract, json_t **out, err *e);
/* Contracts of one hospital (a code) or of all, with their prices. */
int apheresis_contract_list(service_context *ctx, const char *hospital, json_t **out, err *e);

/* Set a standard cost: item nurse_hour:MARKET (cents per hour of a
 * market's nurse), kit:PROCEDURE_TYPE, albumin_vial or plasma_unit. */
int apheresis_cost_set(service_context *ctx, const char *item, const char *amount,
                       json_t **out, err *e);
int apheresis_cost_list(service_context *ctx, json_t **out, err *e);

/* Signed procedures performed in `period` (2026, 2026Q4, 2026-12) by
 * market and procedure type: count, aborted, revenue and average price. */
int apheresis_volumes(service_context *ctx, const char *period, json_t **out, err *e);
/* The signed procedures performed on the days first..last and what they
 * were billed (cents), for the quarterly report, from their sums by day. */
int apheresis_volumes_between(db_conn *db, civil_day first, civil_day last, int64_t *procedures,
                              int64_t *revenue, err *e);
/* The same by market, in market order: *markets = [{"market" ("" for a
 * hospital without one), "procedures", "revenue_cents"}]. */
int apheresis_market_volumes_between(db_conn *db, civil_day first, civil_day last,
                                     json_t **markets, err *e);

#endif
