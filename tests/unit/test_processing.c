/*
 * test_processing.c - unit tests of what a collection may be made into and
 * of the inventory bands (domain/processing.c): whole blood into red
 * cells, plasma, platelets and cryoprecipitate, one of each at most;
 * double red cells into exactly two red cell units (A0, B0); apheresis
 * platelets whole (00) or split in two or three (A0, B0, C0) with at most
 * one plasma unit; plasmapheresis into one or two plasma units; every
 * refusal naming the component at fault. The inventory bands' names and
 * their limits in days (tests/api/collections.test.js counts units in
 * them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/date.h"
#include "domain/processing.h"

#define RC CATALOG_RED_CELLS
#define PL CATALOG_PLASMA
#define PLT CATALOG_PLATELETS
#define CRYO CATALOG_CRYOPRECIPITATE
#define WB CATALOG_WHOLE_BLOOD
#define GRAN CATALOG_GRANULOCYTES

static char divisions[PROCESSING_COMPONENTS_MAX + 4][PROCESSING_DIVISION_SIZE];

/* Plan `count` families; assert success and the divisions given. */
static void assert_plan(donation_procedure procedure, const catalog_family *families, size_t count,
                        const char *const *expected)
{
    err e;
    memset(divisions, 0, sizeof divisions);
    if (processing_plan(procedure, families, count, divisions, &e) != 0)
        fail_msg("refused: %s: %s", e.field, e.message);
    for (size_t i = 0; i < count; i++)
        assert_string_equal(divisions[i], expected[i]);
}

/* Plan and assert a refusal naming `field`, with `words` in the message. */
static void assert_refused(donation_procedure procedure, const catalog_family *families,
                           size_t count, const char *field, const char *words)
{
    err e;
    err_clear(&e);
    assert_int_equal(processing_plan(procedure, families, count, divisions, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, field);
    if (!strstr(e.message, words))
        fail_msg("'%s' not in: %s", words, e.message);
}

static void test_whole_blood(void **state)
{
    const catalog_family all[] = {RC, PL, PLT, CRYO};
    assert_plan(PROCEDURE_WHOLE_BLOOD, all, 4, (const char *[]){"00", "00", "00", "00"});
    const catalog_family some[] = {PL, RC};
    assert_plan(PROCEDURE_WHOLE_BLOOD, some, 2, (const char *[]){"00", "00"});
    const catalog_family one[] = {RC};
    assert_plan(PROCEDURE_WHOLE_BLOOD, one, 1, (const char *[]){"00"});

    const catalog_family two_red[] = {RC, PL, RC};
    assert_refused(PROCEDURE_WHOLE_BLOOD, two_red, 3, "components[2].product",
                   "one red_cells unit too many");
    const catalog_family granulocytes[] = {RC, GRAN};
    assert_refused(PROCEDURE_WHOLE_BLOOD, granulocytes, 2, "components[1].product",
                   "is granulocytes: a whole_blood collection yields red_cells (0 to 1)");
    const catalog_family whole[] = {WB};
    assert_refused(PROCEDURE_WHOLE_BLOOD, whole, 1, "components[0].product", "is whole_blood");
    assert_refused(PROCEDURE_WHOLE_BLOOD, NULL, 0, "components", "at least one component");
    const catalog_family five[] = {RC, PL, PLT, CRYO, RC};
    assert_refused(PROCEDURE_WHOLE_BLOOD, five, 5, "components", "at most 4 components");
}

static void test_double_red_cells(void **state)
{
    const catalog_family two[] = {RC, RC};
    assert_plan(PROCEDURE_DOUBLE_RED_CELLS, two, 2, (const char *[]){"A0", "B0"});
    const catalog_family one[] = {RC};
    assert_refused(PROCEDURE_DOUBLE_RED_CELLS, one, 1, "components", "1 red_cells unit given");
    const catalog_family three[] = {RC, RC, RC};
    assert_refused(PROCEDURE_DOUBLE_RED_CELLS, three, 3, "components[2].product", "too many");
    const catalog_family plasma[] = {RC, RC, PL};
    assert_refused(PROCEDURE_DOUBLE_RED_CELLS, plasma, 3, "components[2].product",
                   "is plasma: a double_red_cells collection yields red_cells (2)");
}

static void test_plateletpheresis(void **state)
{
    const catalog_family single[] = {PLT};
    assert_plan(PROCEDURE_PLATELETPHERESIS, single, 1, (const char *[]){"00"});
    const catalog_family split2[] = {PLT, PLT};
    assert_plan(PROCEDURE_PLATELETPHERESIS, split2, 2, (const char *[]){"A0", "B0"});
    const catalog_family split3[] = {PLT, PLT, PLT};
    assert_plan(PROCEDURE_PLATELETPHERESIS, split3, 3, (const char *[]){"A0", "B0", "C0"});
    /* Plasma alongside keeps 00; the platelets are still counted A0, B0, C0. */
    const catalog_family with_plasma[] = {PLT, PL, PLT, PLT};
    assert_plan(PROCEDURE_PLATELETPHERESIS, with_plasma, 4,
                (const char *[]){"A0", "00", "B0", "C0"});
    const catalog_family single_plasma[] = {PL, PLT};
    assert_plan(PROCEDURE_PLATELETPHERESIS, single_plasma, 2, (const char *[]){"00", "00"});

    const catalog_family four[] = {PLT, PLT, PLT, PLT};
    assert_refused(PROCEDURE_PLATELETPHERESIS, four, 4, "components[3].product",
                   "one platelets unit too many");
    const catalog_family only_plasma[] = {PL};
    assert_refused(PROCEDURE_PLATELETPHERESIS, only_plasma, 1, "components",
                   "0 platelets units given");
    const catalog_family two_plasma[] = {PLT, PL, PL};
    assert_refused(PROCEDURE_PLATELETPHERESIS, two_plasma, 3, "components[2].product",
                   "one plasma unit too many");
    const catalog_family red[] = {PLT, RC};
    assert_refused(PROCEDURE_PLATELETPHERESIS, red, 2, "components[1].product", "is red_cells");
}

static void test_plasmapheresis(void **state)
{
    const catalog_family one[] = {PL};
    assert_plan(PROCEDURE_PLASMAPHERESIS, one, 1, (const char *[]){"00"});
    const catalog_family two[] = {PL, PL};
    assert_plan(PROCEDURE_PLASMAPHERESIS, two, 2, (const char *[]){"A0", "B0"});
    const catalog_family three[] = {PL, PL, PL};
    assert_refused(PROCEDURE_PLASMAPHERESIS, three, 3, "components[2].product", "too many");
    const catalog_family cryo[] = {CRYO};
    assert_refused(PROCEDURE_PLASMAPHERESIS, cryo, 1, "components[0].product",
                   "is cryoprecipitate");
}

static void test_limits_and_divisions(void **state)
{
    int min, max;
    processing_family_limits(PROCEDURE_WHOLE_BLOOD, CATALOG_CRYOPRECIPITATE, &min, &max);
    assert_int_equal(min, 0);
    assert_int_equal(max, 1);
    processing_family_limits(PROCEDURE_PLATELETPHERESIS, CATALOG_PLATELETS, &min, &max);
    assert_int_equal(min, 1);
    assert_int_equal(max, 3);
    processing_family_limits(PROCEDURE_DOUBLE_RED_CELLS, CATALOG_PLASMA, &min, &max);
    assert_int_equal(max, 0);
    processing_family_limits(PROCEDURE_COUNT, CATALOG_PLASMA, &min, &max);
    assert_int_equal(max, 0);
    assert_string_equal(processing_division(0, 1), "00");
    assert_string_equal(processing_division(0, 3), "A0");
    assert_string_equal(processing_division(2, 3), "C0");
    err e;
    const catalog_family one[] = {RC};
    assert_int_equal(processing_plan(PROCEDURE_COUNT, one, 1, divisions, &e), -1);
    assert_string_equal(e.field, "procedure");
}

static void test_bands(void **state)
{
    static const char *const names[] = {"expired", "0-1", "2-3", "4-7", "8-14", "15+"};
    static const int ends[] = {-1, 2, 4, 8, 15, -1};
    for (int band = 0; band < PROCESSING_BAND_COUNT; band++) {
        assert_string_equal(processing_band_name((processing_band)band), names[band]);
        assert_int_equal(processing_band_end_day((processing_band)band), ends[band]);
    }
    assert_string_equal(processing_band_name(PROCESSING_BAND_COUNT), "");
}

/* A unit's band and days to expiry from its expiry time: the day of the
 * expiry counts, not the hours left; a time that has come is expired. The
 * center here keeps UTC's calendar, so the expiry's day is its UTC date. */
static void test_band_of(void **state)
{
    civil_day today;
    err e;
    assert_int_equal(date_parse("2026-11-20", &today, "d", &e), 0);
    int64_t midnight = (int64_t)today * 86400, now = midnight + 10 * 3600; /* 10:00 */
    static const struct {
        int64_t offset; /* from today's midnight */
        processing_band band;
        int days;
    } cases[] = {
        {9 * 3600, PROCESSING_BAND_EXPIRED, 0},                 /* today, 09:00: gone */
        {10 * 3600, PROCESSING_BAND_EXPIRED, 0},                /* now exactly */
        {-3600, PROCESSING_BAND_EXPIRED, -1},                   /* yesterday */
        {23 * 3600 + 59 * 60, PROCESSING_BAND_0_1, 0},          /* today 23:59 */
        {86400 + 23 * 3600 + 59 * 60, PROCESSING_BAND_0_1, 1},  /* tomorrow 23:59 */
        {2 * 86400, PROCESSING_BAND_2_3, 2},                    /* midnight after tomorrow */
        {3 * 86400 + 86399, PROCESSING_BAND_2_3, 3},
        {4 * 86400, PROCESSING_BAND_4_7, 4},
        {7 * 86400 + 1, PROCESSING_BAND_4_7, 7},
        {8 * 86400, PROCESSING_BAND_8_14, 8},
        {14 * 86400 + 5, PROCESSING_BAND_8_14, 14},
        {15 * 86400, PROCESSING_BAND_15_PLUS, 15},
        {365 * 86400, PROCESSING_BAND_15_PLUS, 365},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int days = -99;
        int64_t at = midnight + cases[i].offset;
        civil_day on = (civil_day)((at >= 0 ? at : at - 86399) / 86400);
        assert_int_equal(processing_band_of(at, on, now, today, &days), cases[i].band);
        assert_int_equal(days, cases[i].days);
    }
    /* The day is the center's: expiring at 07:59 UTC tomorrow, which is
     * 23:59 today in Los Angeles, is "0-1" with 0 days left there. */
    int days = -99;
    assert_int_equal(processing_band_of(midnight + 86400 + 7 * 3600 + 59 * 60, today, now, today,
                                        &days),
                     PROCESSING_BAND_0_1);
    assert_int_equal(days, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_blood),
        cmocka_unit_test(test_double_red_cells),
        cmocka_unit_test(test_plateletpheresis),
        cmocka_unit_test(test_plasmapheresis),
        cmocka_unit_test(test_limits_and_divisions),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_band_of),
    };
    return cmocka_run_group_tests_name("component processing and inventory bands", tests, NULL,
                                       NULL);
}
