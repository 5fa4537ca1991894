/*
 * distribution.h - the rules of selling blood products to hospitals
 * (docs/distribution.md), pure functions: the surcharge kinds, the price
 * of a unit under a contract version (a price per product code or else per
 * family, plus the surcharges its attributes and its delivery call for),
 * the version in force on a day, a renewal's increase rounded half up to
 * the cent, and an order's priority with its clock from order to shipment.
 */
#ifndef BLOODOPS_DOMAIN_DISTRIBUTION_H
#define BLOODOPS_DOMAIN_DISTRIBUTION_H

#include <stddef.h>
#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

/* The surcharges a contract may set: a fixed set. Names: "irradiated",
 * "cmv_negative", "washed", "leukoreduced", "stat_delivery",
 * "after_hours_delivery". */
typedef enum {
    SURCHARGE_IRRADIATED,
    SURCHARGE_CMV_NEGATIVE,
    SURCHARGE_WASHED,
    SURCHARGE_LEUKOREDUCED,
    SURCHARGE_STAT_DELIVERY,
    SURCHARGE_AFTER_HOURS_DELIVERY,
    SURCHARGE_KIND_COUNT
} surcharge_kind;

const char *surcharge_kind_name(surcharge_kind kind);
/* The kind named `text` (a '-' is read as '_': "cmv-negative"); ERR_INVALID
 * naming `field` and listing the kinds when there is none. */
int surcharge_kind_parse(const char *text, surcharge_kind *out, const char *field, err *e);

/* One price of a contract version: for a product code, or (product_code
 * NULL) for every product of a family (catalog_family). */
typedef struct {
    const char *product_code;
    int family;
    int64_t cents;
} contract_price;

/* What prices a unit: a version's prices and surcharges (-1: not set, not
 * charged). */
typedef struct {
    const contract_price *prices;
    size_t price_count;
    int64_t surcharges[SURCHARGE_KIND_COUNT];
} contract_terms;

/* The unit being priced and how it is delivered. */
typedef struct {
    const char *product_code;
    int family;
    int irradiated, cmv_negative, washed, leukoreduced; /* the product's attributes */
    int stat, after_hours;                              /* the delivery */
} priced_unit;

typedef struct {
    int64_t base;                               /* the product's or the family's price */
    int by_product;                             /* 1: the product code's own price */
    int64_t surcharges[SURCHARGE_KIND_COUNT];   /* what each kind added (0 when none) */
    int64_t total;
} unit_price;

/* The price of `unit` under `terms`: the product code's price, or else its
 * family's, plus each surcharge the contract sets for an attribute the unit
 * has or a delivery it gets. ERR_INVALID naming "product" when the version
 * prices neither the code nor the family. */
int contract_unit_price(const contract_terms *terms, const priced_unit *unit, unit_price *out,
                        err *e);

/* A version's days in force: from, and to (inclusive) when has_to. */
typedef struct {
    civil_day from, to;
    int has_to;
} contract_period;

/* 1 when `day` falls in `period`. */
int contract_period_covers(const contract_period *period, civil_day day);
/* 1 when the two periods share a day. */
int contract_periods_overlap(const contract_period *a, const contract_period *b);
/* The index of the version in force on `day` among `count` (the latest
 * starting one when several would be), or -1 when none is. */
int contract_in_force(const contract_period *versions, size_t count, civil_day day);

/* A renewal's price: `cents` raised by `percent_hundredths` (250 = 2.50 %),
 * rounded half up to the cent. -1 on overflow. */
int contract_increase(int64_t cents, int64_t percent_hundredths, int64_t *out);

/* --- orders ------------------------------------------------------------------ */

/* An order's priority and its clock from order to shipment: STAT 1 hour,
 * ASAP 4 hours, routine 24 hours. Names "stat", "asap", "routine". */
typedef enum { ORDER_STAT, ORDER_ASAP, ORDER_ROUTINE, ORDER_PRIORITY_COUNT } order_priority;

const char *order_priority_name(order_priority priority);
/* ERR_INVALID naming `field` when `text` is none of the names. */
int order_priority_parse(const char *text, order_priority *out, const char *field, err *e);
/* The hours the priority allows from order to shipment. */
int order_priority_hours(order_priority priority);

/* An order's clock at `now` (UTC seconds): its deadline (ordered_at plus the
 * priority's hours), the seconds left (negative once past) and whether it
 * is overdue (past the deadline and not shipped). */
typedef struct {
    int64_t deadline;
    int64_t seconds_left;
    int overdue;
} order_clock;
void order_clock_at(int64_t ordered_at, order_priority priority, int64_t now, order_clock *out);

/* --- returns ------------------------------------------------------------------ */

/* The cold-chain limits of a family: the receipt temperature from min to
 * max tenths of a degree Celsius inclusive, and at most max_minutes_out
 * out of controlled storage (-1: no limit). */
typedef struct {
    int64_t min_tenths, max_tenths, max_minutes_out;
} cold_chain_limits;

/* What a returned unit showed: its receipt temperature, whether its seal
 * was intact and its minutes out of controlled storage. */
typedef struct {
    int64_t temperature_tenths, minutes_out;
    int seal_intact;
} return_evidence;

/* Tenths of a degree Celsius as text with one decimal: 45 -> "4.5",
 * -5 -> "-0.5". */
void temperature_tenths_text(int64_t tenths, char *out, size_t size);

/* 1 when the cold chain was kept (seal intact, temperature within the
 * limits, minutes out within the limit), else 0 with why in `why` ("seal
 * broken", "received at 12.0 C, outside 1.0 to 10.0 C", "45 minutes out
 * of controlled storage, more than 30"). */
int return_cold_chain_kept(const cold_chain_limits *limits, const return_evidence *evidence,
                           char *why, size_t size);

/* The credit a return earns under its contract's policy: `price` cents at
 * `credit_hundredths` (8000 = 80 %) rounded half up, when the chain was
 * kept and the unit came back within `return_days` days of its shipment
 * (`days_since_shipment`); else 0. */
int64_t return_credit(int64_t price, int64_t credit_hundredths, int64_t return_days,
                      int64_t days_since_shipment, int cold_chain_kept);

#endif
