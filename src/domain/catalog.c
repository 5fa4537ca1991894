/*
 * catalog.c - the product catalog's rules and the expiry of a unit (see
 * catalog.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "base/date.h"
#include "domain/catalog.h"
#include "domain/registry.h"

static const char *const family_names[CATALOG_FAMILY_COUNT] = {
    "whole_blood", "red_cells", "platelets", "plasma", "cryoprecipitate", "granulocytes",
};

static const char *const family_labels[CATALOG_FAMILY_COUNT] = {
    "Whole blood", "Red cells", "Platelets", "Plasma", "Cryoprecipitate", "Granulocytes",
};

const char *catalog_family_label(catalog_family family)
{
    return family >= 0 && family < CATALOG_FAMILY_COUNT ? family_labels[family] : "";
}

int catalog_family_parse(const char *name)
{
    for (int i = 0; name && i < CATALOG_FAMILY_COUNT; i++)
        if (strcmp(name, family_names[i]) == 0)
            return i;
    return -1;
}

const char *catalog_family_name(catalog_family family)
{
    return family >= 0 && family < CATALOG_FAMILY_COUNT ? family_names[family] : "";
}

int catalog_shelf_unit_parse(const char *name)
{
    if (name && strcmp(name, "days") == 0)
        return CATALOG_SHELF_DAYS;
    if (name && strcmp(name, "hours") == 0)
        return CATALOG_SHELF_HOURS;
    return -1;
}

const char *catalog_shelf_unit_name(catalog_shelf_unit unit)
{
    return unit == CATALOG_SHELF_HOURS ? "hours" : "days";
}

int catalog_code_check(const char *code, const char *field, err *e)
{
    if (!code || strlen(code) != CATALOG_CODE_LENGTH || (code[0] != 'E' && code[0] != 'F') ||
        !isdigit((unsigned char)code[1]) || !isdigit((unsigned char)code[2]) ||
        !isdigit((unsigned char)code[3]) || !isdigit((unsigned char)code[4]) ||
        strcmp(code + 1, "0000") == 0)
        return err_set(e, ERR_INVALID, field,
                       "must be a blood component product description code: E or F and four "
                       "digits, e.g. E0791");
    return 0;
}

int catalog_description_check(const char *text, const char *field, err *e)
{
    size_t length = text ? strlen(text) : 0;
    if (length == 0)
        return err_set(e, ERR_INVALID, field, "must not be empty");
    if (registry_text_check(text, CATALOG_DESCRIPTION_MAX, field, e))
        return -1;
    if (isspace((unsigned char)text[0]) || isspace((unsigned char)text[length - 1]))
        return err_set(e, ERR_INVALID, field, "must not begin or end with a space");
    if (strchr(text, '\n'))
        return err_set(e, ERR_INVALID, field, "must be one line");
    return 0;
}

int catalog_storage_check(long min_c, long max_c, err *e)
{
    if (min_c < CATALOG_TEMPERATURE_MIN || min_c > CATALOG_TEMPERATURE_MAX)
        return err_set(e, ERR_INVALID, "storage_min_c",
                       "must be whole degrees Celsius from %d to %d", CATALOG_TEMPERATURE_MIN,
                       CATALOG_TEMPERATURE_MAX);
    if (max_c < CATALOG_TEMPERATURE_MIN || max_c > CATALOG_TEMPERATURE_MAX)
        return err_set(e, ERR_INVALID, "storage_max_c",
                       "must be whole degrees Celsius from %d to %d", CATALOG_TEMPERATURE_MIN,
                       CATALOG_TEMPERATURE_MAX);
    if (min_c > max_c)
        return err_set(e, ERR_INVALID, "storage_max_c",
                       "must not be below storage_min_c (%ld)", min_c);
    return 0;
}

int catalog_shelf_life_check(long value, catalog_shelf_unit unit, err *e)
{
    if (unit != CATALOG_SHELF_DAYS && unit != CATALOG_SHELF_HOURS)
        return err_set(e, ERR_INVALID, "shelf_life_unit", "must be days or hours");
    long max = unit == CATALOG_SHELF_DAYS ? CATALOG_SHELF_DAYS_MAX : CATALOG_SHELF_HOURS_MAX;
    if (value < 1 || value > max)
        return err_set(e, ERR_INVALID, "shelf_life_value", "must be a whole number of %s from 1 to %ld",
                       catalog_shelf_unit_name(unit), max);
    return 0;
}

int catalog_volume_check(long ml, err *e)
{
    if (ml < 1 || ml > CATALOG_VOLUME_MAX_ML)
        return err_set(e, ERR_INVALID, "nominal_volume_ml", "must be whole millilitres from 1 to %d",
                       CATALOG_VOLUME_MAX_ML);
    return 0;
}

int catalog_product_check(const catalog_product *p, err *e)
{
    if (catalog_code_check(p->code, "code", e) ||
        catalog_description_check(p->description, "description", e))
        return -1;
    if (p->family < 0 || p->family >= CATALOG_FAMILY_COUNT)
        return err_set(e, ERR_INVALID, "family",
                       "must be whole_blood, red_cells, platelets, plasma, cryoprecipitate or "
                       "granulocytes");
    return catalog_storage_check(p->storage_min_c, p->storage_max_c, e) ||
                   catalog_shelf_life_check(p->shelf_life_value, p->shelf_life_unit, e) ||
                   catalog_volume_check(p->nominal_volume_ml, e)
               ? -1
               : 0;
}

int catalog_flag_parse(const char *text, int *out, const char *field, err *e)
{
    static const char *const yes[] = {"yes", "1", "true", "y"};
    static const char *const no[] = {"no", "0", "false", "n", ""};
    for (size_t i = 0; text && i < sizeof yes / sizeof yes[0]; i++)
        if (strcasecmp(text, yes[i]) == 0)
            return *out = 1, 0;
    for (size_t i = 0; text && i < sizeof no / sizeof no[0]; i++)
        if (strcasecmp(text, no[i]) == 0)
            return *out = 0, 0;
    return err_set(e, ERR_INVALID, field, "must be yes or no");
}

int catalog_expiry(int64_t start, civil_day start_day, long value, catalog_shelf_unit unit,
                   catalog_expiry_time *out, err *e)
{
    if (catalog_shelf_life_check(value, unit, e))
        return -1;
    if (unit == CATALOG_SHELF_HOURS)
        *out = (catalog_expiry_time){.end_of_day = 0, .at = start + (int64_t)value * 3600};
    else
        *out = (catalog_expiry_time){.end_of_day = 1,
                                     .day = date_add_days(start_day, (int32_t)value)};
    return 0;
}
