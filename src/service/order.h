/*
 * order.h - hospitals' orders and their allocation (docs/distribution.md,
 * "Orders and their clocks", "Allocation"): an order with its priority's
 * clock and its lines, the open-orders board, allocation of released units
 * first-expiring-first-out with ABO/RhD substitution under the table held
 * as data, the backorder a partial fill leaves, undoing an allocation
 * before shipping, and the substitution table itself. The one writer of
 * orders, order_lines, allocations and abo_substitutions; units change
 * status through unit.c's unit_allocation_mark_in.
 */
#ifndef BLOODOPS_SERVICE_ORDER_H
#define BLOODOPS_SERVICE_ORDER_H

#include "domain/allocation.h"
#include "domain/catalog.h"
#include "domain/distribution.h"
#include "service/service.h"

typedef struct {
    const char *hospital;  /* a hospital's code */
    const char *priority;  /* stat, asap, routine */
    const char *needed_by; /* UTC: YYYY-MM-DDTHH:MM[:SS][Z], not in the past */
} order_input;

/* A new open order; its clock starts now. */
int order_create(service_context *ctx, const order_input *in, json_t **out, err *e);

typedef struct {
    const char *family;   /* a product family */
    const char *group;    /* a whole ABO/RhD group: "O NEG", "A+" */
    const char *quantity; /* 1..500 */
    int irradiated, cmv_negative;
} order_line_input;

/* Add a line to open order `order` (its id). */
int order_line_add(service_context *ctx, const char *order, const order_line_input *in,
                   json_t **out, err *e);

/* The most lines an order (and a standing order) holds. */
enum { ORDER_LINES_MAX = 50 };

/* A line's input as checked by order_line_check: what order_line_add_in
 * writes, and what a standing order keeps for its orders. */
typedef struct {
    catalog_family family;
    blood_group group;
    long quantity; /* 1..500 */
    int irradiated, cmv_negative;
} order_line_spec;

/* The rules of a line (family, whole group, quantity 1..500), each refusal
 * naming its field; *out holds the line when they pass. No database. */
int order_line_check(const order_line_input *in, order_line_spec *out, err *e);

/* Inside the caller's transaction: a new open order of hospital
 * `hospital_id` needed by `needed_by` (UTC seconds; not checked against
 * now), its clock starting now, made from standing order
 * `standing_order_id` (0: none). Audited on the order; its id in *id and,
 * when `record` is not NULL, the order as audited in *record (the
 * caller's to free). */
int order_create_in(service_context *ctx, int64_t hospital_id, order_priority priority,
                    int64_t needed_by, int64_t standing_order_id, int64_t *id, json_t **record,
                    err *e);
/* Inside the caller's transaction: add the checked `line` to open order
 * `order_id` (refused naming "order" when not open or full). Audited; when
 * `record` is not NULL, the order as audited in *record (the caller's to
 * free). */
int order_line_add_in(service_context *ctx, int64_t order_id, const order_line_spec *line,
                      json_t **record, err *e);

/* An order with its clock, its lines, their allocations (each unit, its
 * group and whether it substitutes) and what each line still lacks. */
int order_get(service_context *ctx, const char *order, json_t **out, err *e);

typedef struct {
    const char *hospital, *status; /* status: "open" (the board) or NULL for every order */
    service_page page; /* sort by deadline, needed_by, ordered_at, hospital, priority */
} order_filter;
/* Orders with their clocks (deadline, seconds_left, overdue) and the units
 * ordered and allocated. */
int order_list(service_context *ctx, order_filter *filter, json_t **out, err *e);

/* Allocate released, unexpired units to every line of open order `order`
 * that still lacks units (allocation_choose). A unit taken meanwhile by
 * another allocation is passed over for the next one. Answers the order. */
int order_allocate(service_context *ctx, const char *order, json_t **out, err *e);
/* Undo every allocation of open order `order` (the units back to released)
 * under `reason`. Answers the order. */
int order_unallocate(service_context *ctx, const char *order, const char *reason, json_t **out,
                     err *e);
/* Cancel open order `order` for `reason` (required): its allocations of
 * units not shipped undone as order_unallocate does, the order marked
 * cancelled with who, when and why; what it shipped stays shipped.
 * Audited on the order. Answers the order. */
int order_cancel(service_context *ctx, const char *order, const char *reason, json_t **out,
                 err *e);

/* Inside the caller's transaction (a shipment): mark open order `order_id`
 * shipped when every line has shipped its quantity (shipment_units);
 * *closed is 1 when it did. Audited on the order. */
int order_close_when_filled_in(service_context *ctx, int64_t order_id, int *closed, err *e);

/* Inside the caller's transaction (a return): mark the active allocation
 * of unit `unit_id` returned, so that the unit may be allocated again; it
 * stays on the order that shipped it. */
int order_allocation_returned_in(service_context *ctx, int64_t unit_id, err *e);

/* The ABO substitution table: {"substitutions": [{"family", "recipient",
 * "donors": ["O", ...]}]} for every family and recipient group. */
int substitution_list(service_context *ctx, json_t **out, err *e);
/* Replace the donors of (`family`, `recipient`) with `donors` ("A,B,O" in
 * order of preference; "none" or "" for the exact group only). Audited. */
int substitution_set(service_context *ctx, const char *family, const char *recipient,
                     const char *donors, json_t **out, err *e);

#endif
