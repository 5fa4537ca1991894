/*
 * test_catalog.c - unit tests for the product catalog's rules and the expiry
 * of a unit (domain/catalog.c): the entries a catalog import accepts and
 * refuses, and the expiry a label would carry for typical shelf lives
 * (docs/isbt.md, "Product catalog and DIN allocation"; red cells 42 days,
 * platelets 5 or 7 days, frozen plasma a year, hours for products that expire
 * within the day).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "domain/catalog.h"

/* UTC seconds of "YYYY-MM-DDTHH:MM:SSZ". */
static int64_t at(const char *text)
{
    int64_t seconds = 0;
    err e;
    assert_int_equal(timestamp_parse(text, &seconds, "at", &e), 0);
    return seconds;
}

/* The expiry of a unit collected at `start` (UTC) on the facility's day
 * `start_day`, written "YYYY-MM-DD 23:59 local" for a shelf life in days
 * (the day, at the end of the facility's day) and as the UTC instant for
 * one in hours. */
static const char *expiry_of(const char *start, const char *start_day, long value,
                             catalog_shelf_unit unit)
{
    static char text[40];
    catalog_expiry_time expiry;
    civil_day day = 0;
    err e;
    assert_int_equal(date_parse(start_day, &day, "day", &e), 0);
    assert_int_equal(catalog_expiry(at(start), day, value, unit, &expiry, &e), 0);
    if (!expiry.end_of_day)
        return timestamp_format(expiry.at, text, sizeof text);
    char date[DATE_TEXT_MAX];
    snprintf(text, sizeof text, "%s %02d:%02d local", date_format(expiry.day, date, sizeof date),
             CATALOG_EXPIRY_HOUR, CATALOG_EXPIRY_MINUTE);
    return text;
}

/* For a facility whose calendar is UTC's: the start's UTC date is its day. */
static void assert_expiry(const char *start, long value, catalog_shelf_unit unit,
                          const char *expected)
{
    char day[DATE_TEXT_MAX];
    snprintf(day, sizeof day, "%.10s", start);
    assert_string_equal(expiry_of(start, day, value, unit), expected);
}

static void test_codes(void **state)
{
    err e;
    assert_int_equal(catalog_code_check("E0791", "code", &e), 0);
    assert_int_equal(catalog_code_check("F1234", "code", &e), 0);
    assert_int_equal(catalog_code_check("E0000", "code", &e), -1);
    assert_int_equal(catalog_code_check("e0791", "code", &e), -1);
    assert_int_equal(catalog_code_check("S1234", "code", &e), -1); /* not a blood component */
    assert_int_equal(catalog_code_check("E079", "code", &e), -1);
    assert_int_equal(catalog_code_check("E07911", "code", &e), -1);
    assert_int_equal(catalog_code_check("E07A1", "code", &e), -1);
    assert_int_equal(catalog_code_check(NULL, "product", &e), -1);
    assert_string_equal(e.field, "product");
    assert_int_equal(e.code, ERR_INVALID);
}

static void test_families_and_units(void **state)
{
    assert_int_equal(catalog_family_parse("whole_blood"), CATALOG_WHOLE_BLOOD);
    assert_int_equal(catalog_family_parse("red_cells"), CATALOG_RED_CELLS);
    assert_int_equal(catalog_family_parse("platelets"), CATALOG_PLATELETS);
    assert_int_equal(catalog_family_parse("plasma"), CATALOG_PLASMA);
    assert_int_equal(catalog_family_parse("cryoprecipitate"), CATALOG_CRYOPRECIPITATE);
    assert_int_equal(catalog_family_parse("granulocytes"), CATALOG_GRANULOCYTES);
    assert_int_equal(catalog_family_parse("Plasma"), -1);
    assert_int_equal(catalog_family_parse("whole blood"), -1);
    assert_int_equal(catalog_family_parse(NULL), -1);
    for (int i = 0; i < CATALOG_FAMILY_COUNT; i++)
        assert_int_equal(catalog_family_parse(catalog_family_name(i)), i);
    assert_int_equal(catalog_shelf_unit_parse("days"), CATALOG_SHELF_DAYS);
    assert_int_equal(catalog_shelf_unit_parse("hours"), CATALOG_SHELF_HOURS);
    assert_int_equal(catalog_shelf_unit_parse("weeks"), -1);
    assert_int_equal(catalog_shelf_unit_parse(""), -1);
}

static void test_fields(void **state)
{
    err e;
    assert_int_equal(catalog_description_check("RED BLOOD CELLS|AS-1 (demo)", "description", &e), 0);
    assert_int_equal(catalog_description_check("", "description", &e), -1);
    assert_int_equal(catalog_description_check(" padded", "description", &e), -1);
    assert_int_equal(catalog_description_check("tab\there", "description", &e), -1);
    assert_string_equal(e.field, "description");

    assert_int_equal(catalog_storage_check(1, 6, &e), 0);     /* red cells */
    assert_int_equal(catalog_storage_check(20, 24, &e), 0);   /* platelets */
    assert_int_equal(catalog_storage_check(-80, -18, &e), 0); /* frozen plasma */
    assert_int_equal(catalog_storage_check(6, 1, &e), -1);
    assert_string_equal(e.field, "storage_max_c");
    assert_int_equal(catalog_storage_check(-201, 6, &e), -1);
    assert_string_equal(e.field, "storage_min_c");
    assert_int_equal(catalog_storage_check(1, 41, &e), -1);
    assert_string_equal(e.field, "storage_max_c");

    assert_int_equal(catalog_shelf_life_check(42, CATALOG_SHELF_DAYS, &e), 0);
    assert_int_equal(catalog_shelf_life_check(24, CATALOG_SHELF_HOURS, &e), 0);
    assert_int_equal(catalog_shelf_life_check(0, CATALOG_SHELF_DAYS, &e), -1);
    assert_string_equal(e.field, "shelf_life_value");
    assert_int_equal(catalog_shelf_life_check(3651, CATALOG_SHELF_DAYS, &e), -1);
    assert_int_equal(catalog_shelf_life_check(8761, CATALOG_SHELF_HOURS, &e), -1);
    assert_int_equal(catalog_shelf_life_check(5, (catalog_shelf_unit)7, &e), -1);
    assert_string_equal(e.field, "shelf_life_unit");

    assert_int_equal(catalog_volume_check(300, &e), 0);
    assert_int_equal(catalog_volume_check(0, &e), -1);
    assert_string_equal(e.field, "nominal_volume_ml");
    assert_int_equal(catalog_volume_check(2001, &e), -1);

    int flag = -1;
    assert_int_equal(catalog_flag_parse("yes", &flag, "irradiated", &e), 0);
    assert_int_equal(flag, 1);
    assert_int_equal(catalog_flag_parse("No", &flag, "irradiated", &e), 0);
    assert_int_equal(flag, 0);
    assert_int_equal(catalog_flag_parse("1", &flag, "irradiated", &e), 0);
    assert_int_equal(flag, 1);
    assert_int_equal(catalog_flag_parse("", &flag, "irradiated", &e), 0);
    assert_int_equal(flag, 0);
    assert_int_equal(catalog_flag_parse("maybe", &flag, "cmv_negative", &e), -1);
    assert_string_equal(e.field, "cmv_negative");
}

static void test_product(void **state)
{
    err e;
    catalog_product p = {.code = "E0791", .description = "RED BLOOD CELLS (demo)",
                         .family = CATALOG_RED_CELLS, .storage_min_c = 1, .storage_max_c = 6,
                         .shelf_life_value = 42, .shelf_life_unit = CATALOG_SHELF_DAYS,
                         .nominal_volume_ml = 300, .leukoreduced = 1};
    assert_int_equal(catalog_product_check(&p, &e), 0);
    p.family = (catalog_family)CATALOG_FAMILY_COUNT;
    assert_int_equal(catalog_product_check(&p, &e), -1);
    assert_string_equal(e.field, "family");
    p.family = CATALOG_RED_CELLS;
    p.code = "X0791";
    assert_int_equal(catalog_product_check(&p, &e), -1);
    assert_string_equal(e.field, "code");
}

static void test_expiry_in_days(void **state)
{
    /* Red cells, 42 days: collected at 10:00 on day D, expire at 23:59 of
     * day D+42, whatever the time of collection. */
    assert_expiry("2026-03-02T10:00:00Z", 42, CATALOG_SHELF_DAYS, "2026-04-13 23:59 local");
    assert_expiry("2026-03-02T00:00:00Z", 42, CATALOG_SHELF_DAYS, "2026-04-13 23:59 local");
    assert_expiry("2026-03-02T23:59:59Z", 42, CATALOG_SHELF_DAYS, "2026-04-13 23:59 local");
    /* Platelets, 5 and 7 days. */
    assert_expiry("2026-01-01T08:30:00Z", 5, CATALOG_SHELF_DAYS, "2026-01-06 23:59 local");
    assert_expiry("2026-01-01T08:30:00Z", 7, CATALOG_SHELF_DAYS, "2026-01-08 23:59 local");
    /* Frozen plasma, one year written as 365 days: across a leap day the
     * date lands one day before the anniversary. */
    assert_expiry("2026-06-15T14:00:00Z", 365, CATALOG_SHELF_DAYS, "2027-06-15 23:59 local");
    assert_expiry("2027-06-15T14:00:00Z", 365, CATALOG_SHELF_DAYS, "2028-06-14 23:59 local");
    /* Month and year ends. */
    assert_expiry("2024-02-28T12:00:00Z", 1, CATALOG_SHELF_DAYS, "2024-02-29 23:59 local");
    assert_expiry("2026-12-31T23:00:00Z", 1, CATALOG_SHELF_DAYS, "2027-01-01 23:59 local");
    /* Before 1970 too. */
    assert_expiry("1969-12-31T10:00:00Z", 1, CATALOG_SHELF_DAYS, "1970-01-01 23:59 local");
    /* The facility's day, not UTC's: collected 2004-03-10 06:30 UTC in Los
     * Angeles, which is 22:30 on the 9th there: 42 days from the 9th. */
    assert_string_equal(
        expiry_of("2004-03-10T06:30:00Z", "2004-03-09", 42, CATALOG_SHELF_DAYS),
        "2004-04-20 23:59 local");
    assert_string_equal(
        expiry_of("2004-03-10T06:30:00Z", "2004-03-10", 42, CATALOG_SHELF_DAYS),
        "2004-04-21 23:59 local");
}

static void test_expiry_in_hours(void **state)
{
    /* Exact: thawed plasma 24 hours, a pooled product 4 hours. */
    assert_expiry("2026-03-02T10:15:00Z", 24, CATALOG_SHELF_HOURS, "2026-03-03T10:15:00Z");
    assert_expiry("2026-03-02T22:30:00Z", 4, CATALOG_SHELF_HOURS, "2026-03-03T02:30:00Z");
    assert_expiry("2026-12-31T23:59:00Z", 1, CATALOG_SHELF_HOURS, "2027-01-01T00:59:00Z");
    /* An instant: the facility's day plays no part. */
    assert_string_equal(expiry_of("2004-03-10T06:30:00Z", "2004-03-09", 24, CATALOG_SHELF_HOURS),
                        "2004-03-11T06:30:00Z");
}

static void test_expiry_refused(void **state)
{
    err e;
    catalog_expiry_time expiry = {.at = 7};
    assert_int_equal(catalog_expiry(0, 0, 0, CATALOG_SHELF_DAYS, &expiry, &e), -1);
    assert_string_equal(e.field, "shelf_life_value");
    assert_int_equal(catalog_expiry(0, 0, -3, CATALOG_SHELF_HOURS, &expiry, &e), -1);
    assert_int_equal(expiry.at, 7); /* untouched */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_families_and_units),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_product),
        cmocka_unit_test(test_expiry_in_days),
        cmocka_unit_test(test_expiry_in_hours),
        cmocka_unit_test(test_expiry_refused),
    };
    return cmocka_run_group_tests_name("product catalog and expiry", tests, NULL, NULL);
}
