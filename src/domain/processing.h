/*
 * processing.h - what a collection may be made into (docs/collections.md,
 * "Processing into components"), and how close a unit on the shelf is to its
 * expiry. Pure functions, no I/O.
 *
 * The components of one collection, by procedure (one unit of a family is
 * division "00"; a family split into several units gets the ISBT 128
 * divisions "A0", "B0", "C0" in the order the units are given):
 *
 *   whole_blood       at most one red_cells, one plasma, one platelets and
 *                     one cryoprecipitate unit (at least one unit in all)
 *   double_red_cells  exactly two red_cells units (A0, B0)
 *   plateletpheresis  one to three platelets units (a split: A0, B0, C0)
 *                     and at most one plasma unit
 *   plasmapheresis    one or two plasma units (A0, B0 when two)
 *
 * Inventory bands: a unit whose expiry time has come (expires <= now) is
 * "expired"; otherwise it falls in "0-1", "2-3", "4-7", "8-14" or "15+" by
 * the calendar days from today's date to its expiry date (a unit expiring
 * tomorrow at 23:59 is in "0-1").
 */
#ifndef BLOODOPS_DOMAIN_PROCESSING_H
#define BLOODOPS_DOMAIN_PROCESSING_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"
#include "domain/catalog.h"
#include "domain/eligibility.h"

enum {
    PROCESSING_COMPONENTS_MAX = 4, /* units made from one collection */
    PROCESSING_DIVISION_SIZE = 3,  /* "A0" with its NUL */
};

/* How many units of `family` a collection by `procedure` yields: from
 * *min to *max; both 0 when the procedure yields none of that family. */
void processing_family_limits(donation_procedure procedure, catalog_family family, int *min,
                              int *max);

/* Check the units to be made from one collection, given by family in the
 * order asked (families[i] is unit i's), against the rules above, and give
 * unit i its division in divisions[i]. ERR_INVALID naming "components"
 * (none, too many, too few of a family) or "components[i].product" (a
 * family the procedure does not yield, or one unit too many of it). */
int processing_plan(donation_procedure procedure, const catalog_family *families, size_t count,
                    char divisions[][PROCESSING_DIVISION_SIZE], err *e);

/* The division of unit `index` (from 0) of `count` units of one family:
 * "00" when count is 1, else "A0", "B0", "C0"... */
const char *processing_division(size_t index, size_t count);

typedef enum {
    PROCESSING_BAND_EXPIRED,
    PROCESSING_BAND_0_1,
    PROCESSING_BAND_2_3,
    PROCESSING_BAND_4_7,
    PROCESSING_BAND_8_14,
    PROCESSING_BAND_15_PLUS,
    PROCESSING_BAND_COUNT
} processing_band;

/* "expired", "0-1", "2-3", "4-7", "8-14", "15+". */
const char *processing_band_name(processing_band band);

/* The first day after the band, counted from today: 2 for "0-1", 4 for
 * "2-3", 8 for "4-7", 15 for "8-14"; -1 for "expired" and "15+", which
 * have no such end. A unit is in the band when its expiry date is before
 * today plus this many days and not in an earlier band; "expired" when its
 * expiry time has come. The inventory (service/unit.c) counts by these
 * limits in SQL. */
int processing_band_end_day(processing_band band);

/* The band of a unit expiring at `expires_at` (seconds since the epoch,
 * UTC), which is day `expires_on` at its center, at the time `now`, today
 * being `today` there; *days is the calendar days from today to its expiry
 * date (0 today, 1 tomorrow, negative before today). The same limits as the
 * inventory's counts. */
processing_band processing_band_of(int64_t expires_at, civil_day expires_on, int64_t now,
                                   civil_day today, int *days);

#endif
