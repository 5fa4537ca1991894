/*
 * management.h - management contracts (docs/contract_services.md): the
 * company runs a customer's blood center or donor center for a monthly
 * fixed fee and/or fees per unit and per procedure reported. The fixed fee
 * accrues per day of service through the termination date (the last day
 * of service); each finished month's accrual posts unbilled receivables
 * (1150) against management contract revenue (4200) under the contract's
 * market and adds a line to the customer's draft invoice of that month
 * (invoiced monthly in arrears: issuing it moves 1150 to 1100). The one
 * writer of management_contracts, management_accruals and
 * management_volumes.
 */
#ifndef BLOODOPS_SERVICE_MANAGEMENT_H
#define BLOODOPS_SERVICE_MANAGEMENT_H

#include "service/service.h"

typedef struct {
    const char *customer;      /* a customer's or a hospital's code */
    const char *kind;          /* blood-center or donor-center */
    const char *market;        /* the market the revenue is posted under */
    const char *start;         /* YYYY-MM-DD, the first day of service */
    const char *term;          /* the agreed term in months (NULL or "": none) */
    const char *monthly_fee;   /* dollars, each fee optional, at least one above zero */
    const char *per_unit;
    const char *per_procedure;
} management_input;

/* A new contract, in force from its start. */
int management_contract_add(service_context *ctx, const management_input *in, json_t **out,
                            err *e);

/* A contract with its accruals by month (latest first) and "accrued_total",
 * the lifetime total. */
int management_contract_get(service_context *ctx, const char *contract, json_t **out, err *e);

typedef struct {
    const char *status;   /* active, terminated or NULL for both */
    const char *customer; /* a customer's code */
    service_page page;    /* sort by id, customer, kind, market, start, terminated_on */
} management_filter;
int management_contract_list(service_context *ctx, management_filter *filter, json_t **out,
                             err *e);

/* Terminate: `date` is the last day of service, on or after the start and
 * not before the last day of a month already accrued (that month's
 * revenue is booked: refused naming "date"); a contract is terminated
 * once. */
int management_contract_terminate(service_context *ctx, const char *contract, const char *date,
                                  const char *reason, json_t **out, err *e);

/* The units and procedures the center reported for month `period`
 * (YYYY-MM), for the per-unit and per-procedure fees: replaced until the
 * month is accrued, refused after. Answers the contract. */
int management_volumes_report(service_context *ctx, const char *contract, const char *period,
                              const char *units, const char *procedures, json_t **out, err *e);

/* Accrue every month of `period` (a month, quarter or year, as the reports
 * take it) for every contract serving in it: per contract and month one
 * transaction with the accrual, its journal entry dated the month's last
 * day and its invoice line. A month accrued already (by this run, another
 * or one at the same time) is left alone. Refused naming "period" when the
 * period is malformed, not over yet (arrears: a month accrues once it has
 * ended, in the default zone) or in a closed period. Answers {"period",
 * "accrued": [...], "total"}. */
int management_accrue(service_context *ctx, const char *period, json_t **out, err *e);

/* Revenue accrued in `period` by contract (with each one's months in the
 * period and its lifetime total) and by market. */
int management_revenue(service_context *ctx, const char *period, json_t **out, err *e);

#endif
