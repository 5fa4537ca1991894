/*
 * processing.c - the components each procedure yields, their divisions,
 * and the inventory's days-to-expiry bands (see processing.h).
 */
#include <stdio.h>
#include "domain/processing.h"

typedef struct {
    unsigned char min, max;
} family_limit;

/* limits[procedure][family]: how many units of the family it yields. */
static const family_limit limits[PROCEDURE_COUNT][CATALOG_FAMILY_COUNT] = {
    [PROCEDURE_WHOLE_BLOOD] = {[CATALOG_RED_CELLS] = {0, 1},
                               [CATALOG_PLASMA] = {0, 1},
                               [CATALOG_PLATELETS] = {0, 1},
                               [CATALOG_CRYOPRECIPITATE] = {0, 1}},
    [PROCEDURE_DOUBLE_RED_CELLS] = {[CATALOG_RED_CELLS] = {2, 2}},
    [PROCEDURE_PLATELETPHERESIS] = {[CATALOG_PLATELETS] = {1, 3}, [CATALOG_PLASMA] = {0, 1}},
    [PROCEDURE_PLASMAPHERESIS] = {[CATALOG_PLASMA] = {1, 2}},
};

static const char *const division_codes[] = {"A0", "B0", "C0", "D0", "E0", "F0", "G0", "H0"};

void processing_family_limits(donation_procedure procedure, catalog_family family, int *min,
                              int *max)
{
    *min = *max = 0;
    if ((unsigned)procedure >= PROCEDURE_COUNT || (unsigned)family >= CATALOG_FAMILY_COUNT)
        return;
    *min = limits[procedure][family].min;
    *max = limits[procedure][family].max;
}

const char *processing_division(size_t index, size_t count)
{
    if (count <= 1)
        return "00";
    return index < sizeof division_codes / sizeof division_codes[0] ? division_codes[index] : "";
}

/* "red_cells (at most 1), plasma (at most 1)...": what a procedure yields. */
static void yields_text(donation_procedure procedure, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int family = 0; family < CATALOG_FAMILY_COUNT; family++) {
        const family_limit *limit = &limits[procedure][family];
        if (!limit->max || used >= size)
            continue;
        const char *name = catalog_family_name((catalog_family)family);
        int written;
        if (limit->min == limit->max)
            written = snprintf(out + used, size - used, "%s%s (%d)", used ? ", " : "", name,
                               limit->max);
        else
            written = snprintf(out + used, size - used, "%s%s (%d to %d)", used ? ", " : "", name,
                               limit->min, limit->max);
        used += written > 0 ? (size_t)written : 0;
    }
}

int processing_plan(donation_procedure procedure, const catalog_family *families, size_t count,
                    char divisions[][PROCESSING_DIVISION_SIZE], err *e)
{
    if ((unsigned)procedure >= PROCEDURE_COUNT)
        return err_set(e, ERR_INVALID, "procedure", "is not a procedure");
    const char *name = eligibility_procedure_name(procedure);
    char yields[160];
    yields_text(procedure, yields, sizeof yields);
    if (count == 0)
        return err_set(e, ERR_INVALID, "components",
                       "at least one component is required: a %s collection yields %s", name,
                       yields);
    if (count > PROCESSING_COMPONENTS_MAX)
        return err_set(e, ERR_INVALID, "components",
                       "at most %d components are made from one collection (%zu given)",
                       PROCESSING_COMPONENTS_MAX, count);
    size_t total[CATALOG_FAMILY_COUNT] = {0};
    for (size_t i = 0; i < count; i++) {
        char field[32];
        snprintf(field, sizeof field, "components[%zu].product", i);
        if ((unsigned)families[i] >= CATALOG_FAMILY_COUNT)
            return err_set(e, ERR_INVALID, field, "is not a product family");
        const family_limit *limit = &limits[procedure][families[i]];
        if (!limit->max)
            return err_set(e, ERR_INVALID, field,
                           "is %s: a %s collection yields %s", catalog_family_name(families[i]),
                           name, yields);
        if (++total[families[i]] > limit->max)
            return err_set(e, ERR_INVALID, field, "is one %s unit too many: a %s collection "
                           "yields %s",
                           catalog_family_name(families[i]), name, yields);
    }
    for (int family = 0; family < CATALOG_FAMILY_COUNT; family++)
        if (total[family] < limits[procedure][family].min)
            return err_set(e, ERR_INVALID, "components",
                           "a %s collection yields %s: %zu %s unit%s given", name, yields,
                           total[family], catalog_family_name((catalog_family)family),
                           total[family] == 1 ? "" : "s");
    size_t seen[CATALOG_FAMILY_COUNT] = {0};
    for (size_t i = 0; i < count; i++)
        snprintf(divisions[i], PROCESSING_DIVISION_SIZE, "%s",
                 processing_division(seen[families[i]]++, total[families[i]]));
    return 0;
}

/* --- inventory bands ------------------------------------------------------- */

static const char *const band_names[PROCESSING_BAND_COUNT] = {
    "expired", "0-1", "2-3", "4-7", "8-14", "15+",
};

/* The first day after each band, from today (-1: none). */
static const int band_end_days[PROCESSING_BAND_COUNT] = {-1, 2, 4, 8, 15, -1};

const char *processing_band_name(processing_band band)
{
    return (unsigned)band < PROCESSING_BAND_COUNT ? band_names[band] : "";
}

int processing_band_end_day(processing_band band)
{
    return (unsigned)band < PROCESSING_BAND_COUNT ? band_end_days[band] : -1;
}

processing_band processing_band_of(int64_t expires_at, civil_day expires_on, int64_t now,
                                   civil_day today, int *days)
{
    *days = (int)date_days_between(today, expires_on);
    if (expires_at <= now)
        return PROCESSING_BAND_EXPIRED;
    for (int band = PROCESSING_BAND_0_1; band < PROCESSING_BAND_15_PLUS; band++)
        if (*days < band_end_days[band])
            return (processing_band)band;
    return PROCESSING_BAND_15_PLUS;
}
