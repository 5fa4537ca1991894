/*
 * management.h - the rules of management contracts (docs/contract_services.md),
 * pure functions: the kinds of center managed, the days of a month a
 * contract serves (from its start through its termination, both
 * inclusive) and the month's accrual of its fixed fee, prorated by those
 * days and rounded half up to the cent, in whole cents.
 */
#ifndef BLOODOPS_DOMAIN_MANAGEMENT_H
#define BLOODOPS_DOMAIN_MANAGEMENT_H

#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

/* What a contract manages: "blood-center" (a hospital's blood center) or
 * "donor-center". */
typedef enum { MANAGED_BLOOD_CENTER, MANAGED_DONOR_CENTER } managed_kind;

/* "blood-center" or "donor-center" (also with '_'); refused naming `field`. */
int managed_kind_parse(const char *text, managed_kind *out, const char *field, err *e);
const char *managed_kind_name(managed_kind kind);

/* A calendar month. */
typedef struct {
    int year, month;
} management_month;

/* "2004-05" -> {2004, 5}; refused naming `field`. */
int management_month_parse(const char *text, management_month *out, const char *field, err *e);
civil_day management_month_first_day(management_month m);
civil_day management_month_last_day(management_month m);
int management_month_days(management_month m); /* 28 to 31 */

/* The days of month `m` served by a contract that starts on `start` and
 * (has_end) ends on `end`, its last day of service, both inclusive: 0
 * for a month wholly before the start or after the end. */
int management_days_served(management_month m, civil_day start, int has_end, civil_day end);

/* The fixed fee's accrual of a month: monthly_fee x days_served /
 * days_in_month, rounded half up to the cent. A full month is exactly the
 * fee. -1 on overflow (a fee beyond any contract). */
int management_fee_accrual(int64_t monthly_fee, int days_served, int days_in_month,
                           int64_t *out);

#endif
