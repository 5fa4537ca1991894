/*
 * catalog.h - the blood component product catalog's rules (docs/isbt.md,
 * "Product catalog and DIN allocation"): what makes a valid catalog entry
 * (product description code, family, storage temperature range, shelf life,
 * nominal volume, attributes) and the expiry of a unit made from it. Pure
 * functions, no I/O.
 *
 * Expiry (catalog_expiry): a unit expires at its collection (or
 * production) time plus the product's shelf life. A shelf life in hours is
 * exact: collected 2026-03-02 10:15, 24 hours -> 2026-03-03 10:15 (an
 * instant, whatever the clocks do meanwhile). A shelf life in days counts
 * the facility's calendar days and ends at 23:59 of the last one, the time
 * ISBT 128 applies when only a date is given (docs/isbt.md): red cells
 * collected on day D at any time, 42 days -> day D+42 at 23:59. Day D is
 * the collection's date where the facility is (its time zone), which the
 * service gives, and the service turns "23:59 on day D+42 there" into the
 * UTC instant it stores (base/local_time.h): the rule itself knows no zone.
 */
#ifndef BLOODOPS_DOMAIN_CATALOG_H
#define BLOODOPS_DOMAIN_CATALOG_H

#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

enum {
    CATALOG_CODE_LENGTH = 5,          /* "E0791" */
    CATALOG_DESCRIPTION_MAX = 200,    /* characters */
    CATALOG_TEMPERATURE_MIN = -200,   /* degrees Celsius: liquid nitrogen vapour */
    CATALOG_TEMPERATURE_MAX = 40,
    CATALOG_SHELF_DAYS_MAX = 3650,    /* ten years: frozen red cells */
    CATALOG_SHELF_HOURS_MAX = 8760,   /* a year */
    CATALOG_VOLUME_MAX_ML = 2000,
};

/* The product families (docs/isbt.md, the catalog's CSV format). Names:
 * "whole_blood", "red_cells", "platelets", "plasma", "cryoprecipitate",
 * "granulocytes". */
typedef enum {
    CATALOG_WHOLE_BLOOD,
    CATALOG_RED_CELLS,
    CATALOG_PLATELETS,
    CATALOG_PLASMA,
    CATALOG_CRYOPRECIPITATE,
    CATALOG_GRANULOCYTES,
    CATALOG_FAMILY_COUNT
} catalog_family;

typedef enum { CATALOG_SHELF_DAYS, CATALOG_SHELF_HOURS } catalog_shelf_unit;

/* -1 when unknown. */
int catalog_family_parse(const char *name);
const char *catalog_family_name(catalog_family family);
/* As people read it: "Whole blood", "Red cells", "Platelets", "Plasma",
 * "Cryoprecipitate", "Granulocytes". */
const char *catalog_family_label(catalog_family family);
/* "days" or "hours"; -1 otherwise. */
int catalog_shelf_unit_parse(const char *name);
const char *catalog_shelf_unit_name(catalog_shelf_unit unit);

typedef struct {
    const char *code;        /* "E0791" */
    const char *description; /* "RED BLOOD CELLS|CPD>AS-1/450mL/refg" */
    catalog_family family;
    long storage_min_c, storage_max_c; /* whole degrees Celsius */
    long shelf_life_value;
    catalog_shelf_unit shelf_life_unit;
    long nominal_volume_ml;
    int irradiated, leukoreduced, cmv_negative, pathogen_reduced, demo; /* 0 or 1 */
} catalog_product;

/* A blood component product description code: E or F (the blood component
 * ranges of ISBT 128, E0001-F9999) and four digits, not 0000. Field "code". */
int catalog_code_check(const char *code, const char *field, err *e);
/* 1 to 200 characters of UTF-8 text, no control characters, no spaces at
 * either end. Field "description". */
int catalog_description_check(const char *text, const char *field, err *e);
/* Both within -200..40 degrees Celsius, min <= max. Fields "storage_min_c",
 * "storage_max_c". */
int catalog_storage_check(long min_c, long max_c, err *e);
/* 1..3650 days or 1..8760 hours. Field "shelf_life_value". */
int catalog_shelf_life_check(long value, catalog_shelf_unit unit, err *e);
/* 1..2000 mL. Field "nominal_volume_ml". */
int catalog_volume_check(long ml, err *e);
/* Every check above, in the order of the fields. */
int catalog_product_check(const catalog_product *product, err *e);

/* An attribute flag as text: "yes"/"no", "1"/"0", "true"/"false" (any
 * case); "" is no. Errors name `field`. */
int catalog_flag_parse(const char *text, int *out, const char *field, err *e);

/* The end of a shelf life in days: this time of the facility's day. */
enum { CATALOG_EXPIRY_HOUR = 23, CATALOG_EXPIRY_MINUTE = 59 };

typedef struct {
    int end_of_day; /* 1 (days): at CATALOG_EXPIRY_HOUR:MINUTE of `day` where
                     * the facility is; 0 (hours): at the instant `at` */
    civil_day day;
    int64_t at;     /* UTC seconds */
} catalog_expiry_time;

/* The expiry of a unit collected (or produced) at `start` (UTC seconds),
 * which was day `start_day` where the facility is, with the given shelf
 * life: days -> the day `value` days after start_day, at 23:59 there;
 * hours -> the instant start + value hours. Errors name
 * "shelf_life_value" when the shelf life is out of range (*out
 * untouched). */
int catalog_expiry(int64_t start, civil_day start_day, long value, catalog_shelf_unit unit,
                   catalog_expiry_time *out, err *e);

#endif
