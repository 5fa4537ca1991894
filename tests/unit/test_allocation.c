/*
 * test_allocation.c - unit tests for the allocation rules
 * (domain/allocation.c): blood groups as an order line gives them, every
 * substitution of the default table for red cells, plasma and platelets
 * (and none for the other families), RhD-negative for an RhD-positive
 * recipient and never the reverse, first-expiring-first-out within a group
 * and the exact group before any substitute, attributes honoured, expired
 * units passed over, partial fills.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/allocation.h"
#include "domain/catalog.h"

static blood_group group(abo_type abo, int negative)
{
    return (blood_group){abo, negative};
}

static void test_groups(void **state)
{
    (void)state;
    blood_group g;
    err e;
    char text[BLOOD_GROUP_TEXT_MAX];
    struct {
        const char *text, *as;
    } good[] = {{"O POS", "O POS"}, {"o neg", "O NEG"}, {"AB+", "AB POS"}, {"A-", "A NEG"},
                {" B  NEG ", "B NEG"}, {"abpos", "AB POS"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(blood_group_parse(good[i].text, &g, "group", &e), 0);
        assert_string_equal(blood_group_format(g, text), good[i].as);
    }
    const char *bad[] = {"", "A", "POS", "C POS", "O POSITIVE", "O++", "AB NEG X", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(blood_group_parse(bad[i], &g, "group", &e), -1);
        assert_string_equal(e.field, "group");
    }
}

/* Whether `donor` may go to `recipient` (ABO only, both RhD-positive)
 * under the defaults of `family`, and at which place. */
static int place(int family, abo_type recipient, abo_type donor)
{
    abo_substitutes table;
    abo_substitutes_default(family, &table);
    return allocation_rank(&table, group(recipient, 0), group(donor, 0));
}

static void test_default_table(void **state)
{
    (void)state;
    /* red cells: O to every group, A and B to AB */
    const int red[ABO_COUNT][ABO_COUNT] = {
        /* donor:      O   A   B   AB    recipient: */
        [ABO_O] = {0, -1, -1, -1},
        [ABO_A] = {2, 0, -1, -1},
        [ABO_B] = {2, -1, 0, -1},
        [ABO_AB] = {6, 2, 4, 0},
    };
    /* plasma (and platelets until the medical director's table): AB to
     * every group, A and B to O */
    const int plasma[ABO_COUNT][ABO_COUNT] = {
        [ABO_O] = {0, 2, 4, 6},
        [ABO_A] = {-1, 0, -1, 2},
        [ABO_B] = {-1, -1, 0, 2},
        [ABO_AB] = {-1, -1, -1, 0},
    };
    for (int r = 0; r < ABO_COUNT; r++)
        for (int d = 0; d < ABO_COUNT; d++) {
            assert_int_equal(place(CATALOG_RED_CELLS, (abo_type)r, (abo_type)d), red[r][d]);
            assert_int_equal(place(CATALOG_PLASMA, (abo_type)r, (abo_type)d), plasma[r][d]);
            assert_int_equal(place(CATALOG_PLATELETS, (abo_type)r, (abo_type)d), plasma[r][d]);
            int exact_only = r == d ? 0 : -1;
            assert_int_equal(place(CATALOG_WHOLE_BLOOD, (abo_type)r, (abo_type)d), exact_only);
            assert_int_equal(place(CATALOG_CRYOPRECIPITATE, (abo_type)r, (abo_type)d), exact_only);
            assert_int_equal(place(CATALOG_GRANULOCYTES, (abo_type)r, (abo_type)d), exact_only);
        }
}

static void test_rhd(void **state)
{
    (void)state;
    abo_substitutes table;
    abo_substitutes_default(CATALOG_RED_CELLS, &table);
    for (int r = 0; r < ABO_COUNT; r++)
        for (int d = 0; d < ABO_COUNT; d++) {
            int abo = allocation_rank(&table, group((abo_type)r, 0), group((abo_type)d, 0));
            /* negative for positive: allowed wherever the ABO is, one step after */
            int neg_for_pos = allocation_rank(&table, group((abo_type)r, 0), group((abo_type)d, 1));
            assert_int_equal(neg_for_pos, abo < 0 ? -1 : abo + 1);
            /* positive for negative: never */
            blood_group recipient_neg = group((abo_type)r, 1);
            assert_int_equal(allocation_rank(&table, recipient_neg, group((abo_type)d, 0)), -1);
            /* negative for negative: as the ABO */
            assert_int_equal(allocation_rank(&table, recipient_neg, group((abo_type)d, 1)), abo);
        }
}

static void test_fefo_and_exact_first(void **state)
{
    (void)state;
    abo_substitutes table;
    abo_substitutes_default(CATALOG_RED_CELLS, &table);
    const int64_t now = 1000000;
    allocation_candidate units[] = {
        {1, {ABO_O, 1}, now + 100, 0, 0},  /* O NEG, expires first */
        {2, {ABO_A, 0}, now + 500, 0, 0},  /* A POS, late */
        {3, {ABO_A, 0}, now + 200, 0, 0},  /* A POS, early */
        {4, {ABO_A, 1}, now + 150, 0, 0},  /* A NEG */
        {5, {ABO_O, 0}, now + 300, 0, 0},  /* O POS */
        {6, {ABO_A, 0}, now - 1, 0, 0},    /* A POS, expired */
        {7, {ABO_B, 0}, now + 50, 0, 0},   /* B POS: not for A */
        {8, {ABO_A, 0}, now + 200, 0, 0},  /* A POS, same expiry as 3: by id */
    };
    allocation_request request = {.group = {ABO_A, 0}, .needed = 10};
    allocation_pick picks[8];
    size_t n = allocation_choose(&table, &request, units, 8, now, picks);
    /* A POS by expiry (3, 8 by id, 2), then A NEG, then O POS, then O NEG */
    const int64_t order[] = {3, 8, 2, 4, 5, 1};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(units[picks[i].index].id, order[i]);
    assert_false(picks[0].substitution);
    assert_false(picks[2].substitution);
    assert_true(picks[3].substitution);
    assert_true(picks[5].substitution);
    /* a partial fill takes the first ones; what is not filled stays owed */
    request.needed = 2;
    assert_int_equal(allocation_choose(&table, &request, units, 8, now, picks), 2);
    assert_int_equal(units[picks[1].index].id, 8);
    /* nothing needed, nothing offered */
    request.needed = 0;
    assert_int_equal(allocation_choose(&table, &request, units, 8, now, picks), 0);
    request.needed = 3;
    assert_int_equal(allocation_choose(&table, &request, units, 0, now, picks), 0);
    /* an RhD-negative recipient: only negative units */
    request = (allocation_request){.group = {ABO_A, 1}, .needed = 10};
    n = allocation_choose(&table, &request, units, 8, now, picks);
    assert_int_equal(n, 2);
    assert_int_equal(units[picks[0].index].id, 4);
    assert_int_equal(units[picks[1].index].id, 1);
}

static void test_attributes(void **state)
{
    (void)state;
    abo_substitutes table;
    abo_substitutes_default(CATALOG_RED_CELLS, &table);
    const int64_t now = 0;
    allocation_candidate units[] = {
        {1, {ABO_O, 0}, 100, 0, 0},
        {2, {ABO_O, 0}, 200, 1, 0}, /* irradiated */
        {3, {ABO_O, 0}, 300, 0, 1}, /* CMV-negative */
        {4, {ABO_O, 0}, 400, 1, 1}, /* both */
    };
    allocation_pick picks[4];
    allocation_request request = {.group = {ABO_O, 0}, .irradiated = 1, .needed = 4};
    size_t n = allocation_choose(&table, &request, units, 4, now, picks);
    assert_int_equal(n, 2);
    assert_int_equal(units[picks[0].index].id, 2);
    assert_int_equal(units[picks[1].index].id, 4);
    request = (allocation_request){.group = {ABO_O, 0}, .cmv_negative = 1, .needed = 4};
    n = allocation_choose(&table, &request, units, 4, now, picks);
    assert_int_equal(n, 2);
    assert_int_equal(units[picks[0].index].id, 3);
    request.irradiated = 1;
    n = allocation_choose(&table, &request, units, 4, now, picks);
    assert_int_equal(n, 1);
    assert_int_equal(units[picks[0].index].id, 4);
    /* no attribute asked: every unit may go, first expiring first */
    request = (allocation_request){.group = {ABO_O, 0}, .needed = 4};
    assert_int_equal(allocation_choose(&table, &request, units, 4, now, picks), 4);
    assert_int_equal(units[picks[0].index].id, 1);
}

static void test_edited_table(void **state)
{
    (void)state;
    abo_substitutes table;
    memset(&table, 0, sizeof table);
    /* the exact group only: nothing else goes, even O red cells */
    assert_int_equal(allocation_rank(&table, group(ABO_A, 0), group(ABO_O, 0)), -1);
    assert_int_equal(allocation_rank(&table, group(ABO_A, 0), group(ABO_A, 1)), 1);
    table.donors[ABO_AB][0] = ABO_O;
    table.donors[ABO_AB][1] = ABO_B;
    table.count[ABO_AB] = 2;
    assert_int_equal(allocation_rank(&table, group(ABO_AB, 0), group(ABO_O, 0)), 2);
    assert_int_equal(allocation_rank(&table, group(ABO_AB, 0), group(ABO_B, 0)), 4);
    assert_int_equal(allocation_rank(&table, group(ABO_AB, 0), group(ABO_A, 0)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),      cmocka_unit_test(test_default_table),
        cmocka_unit_test(test_rhd),         cmocka_unit_test(test_fefo_and_exact_first),
        cmocka_unit_test(test_attributes),  cmocka_unit_test(test_edited_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
