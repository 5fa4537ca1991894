/*
 * standing_order.h - standing orders (docs/distribution.md, "Standing
 * orders"): a hospital's order repeated on a weekly schedule (weekdays, a
 * local time of day the units are needed by, a first and an optional last
 * day) with its lines, and the run that creates each scheduled day's order
 * through order.c. The one writer of standing_orders, standing_order_lines
 * and standing_order_days.
 */
#ifndef BLOODOPS_SERVICE_STANDING_ORDER_H
#define BLOODOPS_SERVICE_STANDING_ORDER_H

#include "service/order.h"
#include "service/service.h"

typedef struct {
    const char *hospital; /* a hospital's code */
    const char *priority; /* stat, asap, routine */
    const char *days;     /* the weekdays: "mon,wed,fri" */
    const char *time;     /* needed by, HH:MM local time of the hospital's zone */
    const char *from;     /* the first day, YYYY-MM-DD */
    const char *to;       /* the last day (NULL or "": no end), not before from */
} standing_order_input;

/* A new active standing order, without lines yet. */
int standing_order_create(service_context *ctx, const standing_order_input *in, json_t **out,
                          err *e);
/* Add a line (the rules of an order's line) to active standing order
 * `standing_order` (its id). Answers the standing order. */
int standing_order_line_add(service_context *ctx, const char *standing_order,
                            const order_line_input *in, json_t **out, err *e);
/* Remove line `line` (its id) of active standing order `standing_order`:
 * the orders created from now on go without it. Answers the standing
 * order. */
int standing_order_line_remove(service_context *ctx, const char *standing_order,
                               const char *line, json_t **out, err *e);
/* Stop a standing order: it creates no more orders (those it created
 * stay). Answers the standing order. */
int standing_order_stop(service_context *ctx, const char *standing_order, json_t **out, err *e);
/* A standing order with its lines and the orders it created, latest day
 * first. */
int standing_order_get(service_context *ctx, const char *standing_order, json_t **out, err *e);

typedef struct {
    const char *hospital, *status; /* status: active, stopped or NULL for both */
    service_page page;             /* sort by id, hospital, priority, from, time */
} standing_order_filter;
int standing_order_list(service_context *ctx, standing_order_filter *filter, json_t **out,
                        err *e);

/* Create the orders of every active standing order for each scheduled day
 * from its first day or its hospital's today (the later) through `through`
 * (YYYY-MM-DD; NULL or "": the hospital's tomorrow), at most 31 days
 * ahead. A day already created, one whose needed-by time has passed and a
 * standing order without lines create nothing. Each day's order is one
 * transaction. Answers {"through", "created": [{standing_order, hospital,
 * day, order, needed_by}]}. */
int standing_orders_run(service_context *ctx, const char *through, json_t **out, err *e);

#endif
