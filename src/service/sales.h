/*
 * sales.h - net units sold (docs/distribution.md, "Net units sold"): per
 * product family and donor center over a period, the units shipped, the
 * units returned (and of those the ones credited), the net units sold
 * (shipped less returned with credit), the net revenue (the shipped
 * units' prices less the credits of their returns) and the average price
 * of a unit sold. They are kept summed by day, family and center
 * (sales_days), added to by the shipments and the returns as they are
 * made, so that a period reads its days, not its units.
 */
#ifndef BLOODOPS_SERVICE_SALES_H
#define BLOODOPS_SERVICE_SALES_H

#include "service/service.h"

/* The net units sold of `period` ("2004", "2004Q1", "2004-03"; else
 * ERR_INVALID naming "period"): {"period", "from", "to", "rows":
 * [{"family", "center", "units_shipped", "units_returned",
 * "units_returned_credited", "net_units", "revenue", "average_price"
 * (null when no unit was sold net)}], "families": [the same summed per
 * family, without "center"], "total": {the same over everything}}. */
int sales_units(service_context *ctx, const char *period, json_t **out, err *e);

/* The same for the days `from` to `to` inclusive (YYYY-MM-DD), in the
 * caller's read transaction (the quarterly report): the object without
 * "period". */
int sales_units_between(db_conn *db, const char *from, const char *to, json_t **out, err *e);

/* What a shipment or a return adds to the sums of `day` (YYYY-MM-DD) for
 * `family` and `center`: units shipped and their prices, units returned,
 * the ones credited and their credits. Inside the caller's transaction
 * (shipment.c, returns.c). */
typedef struct {
    int64_t shipped, shipped_cents, returned, credited, credit_cents;
} sales_change;
int sales_day_add_in(db_conn *db, const char *day, const char *family, const char *center,
                     const sales_change *change, err *e);

#endif
