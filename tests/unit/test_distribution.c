/*
 * test_distribution.c - unit tests for the rules of distribution
 * (domain/distribution.c): surcharge kinds, a unit's price under a
 * contract version (product before family, surcharges only for what the
 * unit has and the contract sets), the version in force on a day, a
 * renewal's increase rounded half up, and an order's clock by priority.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/catalog.h"
#include "domain/distribution.h"

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    assert_int_equal(date_parse(text, &day, "date", NULL), 0);
    return day;
}

static void test_surcharge_kinds(void **state)
{
    (void)state;
    surcharge_kind kind;
    err e;
    const char *names[] = {"irradiated", "cmv_negative", "washed", "leukoreduced",
                           "stat_delivery", "after_hours_delivery"};
    for (int k = 0; k < SURCHARGE_KIND_COUNT; k++) {
        assert_string_equal(surcharge_kind_name((surcharge_kind)k), names[k]);
        assert_int_equal(surcharge_kind_parse(names[k], &kind, "kind", &e), 0);
        assert_int_equal(kind, k);
    }
    assert_int_equal(surcharge_kind_parse("cmv-negative", &kind, "kind", &e), 0);
    assert_int_equal(kind, SURCHARGE_CMV_NEGATIVE);
    const char *bad[] = {"", "gold", "Irradiated", "irradiated ", "stat"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(surcharge_kind_parse(bad[i], &kind, "kind", &e), -1);
        assert_string_equal(e.field, "kind");
    }
}

static void test_unit_price(void **state)
{
    (void)state;
    const contract_price prices[] = {
        {NULL, CATALOG_RED_CELLS, 20000},
        {"E0301", -1, 23005},
        {NULL, CATALOG_PLASMA, 5500},
    };
    contract_terms terms = {.prices = prices, .price_count = 3};
    for (int k = 0; k < SURCHARGE_KIND_COUNT; k++)
        terms.surcharges[k] = -1;
    terms.surcharges[SURCHARGE_IRRADIATED] = 4000;
    terms.surcharges[SURCHARGE_STAT_DELIVERY] = 7550;
    terms.surcharges[SURCHARGE_WASHED] = 0;
    unit_price price;
    err e;
    /* the product's own price before its family's */
    priced_unit unit = {.product_code = "E0301", .family = CATALOG_RED_CELLS, .irradiated = 1,
                        .leukoreduced = 1};
    assert_int_equal(contract_unit_price(&terms, &unit, &price, &e), 0);
    assert_int_equal(price.base, 23005);
    assert_int_equal(price.by_product, 1);
    assert_int_equal(price.surcharges[SURCHARGE_IRRADIATED], 4000);
    assert_int_equal(price.surcharges[SURCHARGE_LEUKOREDUCED], 0); /* not set: not charged */
    assert_int_equal(price.total, 27005);
    /* the family's price, with a STAT delivery */
    unit = (priced_unit){.product_code = "E0300", .family = CATALOG_RED_CELLS, .stat = 1};
    assert_int_equal(contract_unit_price(&terms, &unit, &price, &e), 0);
    assert_int_equal(price.by_product, 0);
    assert_int_equal(price.total, 20000 + 7550);
    /* a surcharge the unit does not have is not charged */
    unit = (priced_unit){.product_code = "E0500", .family = CATALOG_PLASMA};
    assert_int_equal(contract_unit_price(&terms, &unit, &price, &e), 0);
    assert_int_equal(price.total, 5500);
    /* neither the product nor its family priced */
    unit = (priced_unit){.product_code = "E0400", .family = CATALOG_PLATELETS};
    assert_int_equal(contract_unit_price(&terms, &unit, &price, &e), -1);
    assert_string_equal(e.field, "product");
    assert_non_null(strstr(e.message, "E0400"));
}

static void test_in_force(void **state)
{
    (void)state;
    contract_period versions[] = {
        {day_of("2003-01-01"), day_of("2003-12-31"), 1},
        {day_of("2004-01-01"), 0, 0},
    };
    assert_int_equal(contract_in_force(versions, 2, day_of("2002-12-31")), -1);
    assert_int_equal(contract_in_force(versions, 2, day_of("2003-01-01")), 0);
    assert_int_equal(contract_in_force(versions, 2, day_of("2003-12-31")), 0);
    assert_int_equal(contract_in_force(versions, 2, day_of("2004-01-01")), 1);
    assert_int_equal(contract_in_force(versions, 2, day_of("2030-06-30")), 1);
    assert_int_equal(contract_in_force(versions, 0, day_of("2004-01-01")), -1);
    /* a gap between versions: none in force there */
    contract_period gap[] = {
        {day_of("2003-01-01"), day_of("2003-06-30"), 1},
        {day_of("2003-08-01"), day_of("2003-12-31"), 1},
    };
    assert_int_equal(contract_in_force(gap, 2, day_of("2003-07-15")), -1);
    assert_int_equal(contract_in_force(gap, 2, day_of("2004-01-01")), -1);
    assert_true(contract_periods_overlap(&versions[0], &versions[0]));
    assert_false(contract_periods_overlap(&versions[0], &versions[1]));
    assert_false(contract_periods_overlap(&gap[0], &gap[1]));
    contract_period open = {day_of("2003-12-31"), 0, 0};
    assert_true(contract_periods_overlap(&versions[0], &open));
    assert_true(contract_periods_overlap(&open, &versions[1]));
}

static void test_increase(void **state)
{
    (void)state;
    int64_t out;
    assert_int_equal(contract_increase(23005, 350, &out), 0);
    assert_int_equal(out, 23810); /* 238.10175 */
    assert_int_equal(contract_increase(20100, 350, &out), 0);
    assert_int_equal(out, 20804); /* 208.035: half up */
    assert_int_equal(contract_increase(7550, 350, &out), 0);
    assert_int_equal(out, 7814); /* 78.1425 */
    assert_int_equal(contract_increase(5500, 1000, &out), 0);
    assert_int_equal(out, 6050);
    assert_int_equal(contract_increase(12345, 0, &out), 0);
    assert_int_equal(out, 12345);
    assert_int_equal(contract_increase(INT64_MAX, 10000, &out), -1);
}

static void test_order_clock(void **state)
{
    (void)state;
    order_priority p;
    err e;
    assert_int_equal(order_priority_parse("stat", &p, "priority", &e), 0);
    assert_int_equal(p, ORDER_STAT);
    assert_int_equal(order_priority_parse("routine", &p, "priority", &e), 0);
    assert_int_equal(order_priority_parse("STAT", &p, "priority", &e), -1);
    assert_string_equal(e.field, "priority");
    assert_int_equal(order_priority_hours(ORDER_STAT), 1);
    assert_int_equal(order_priority_hours(ORDER_ASAP), 4);
    assert_int_equal(order_priority_hours(ORDER_ROUTINE), 24);
    order_clock clock;
    order_clock_at(1000000, ORDER_STAT, 1000000 + 1800, &clock);
    assert_int_equal(clock.deadline, 1000000 + 3600);
    assert_int_equal(clock.seconds_left, 1800);
    assert_false(clock.overdue);
    order_clock_at(1000000, ORDER_ASAP, 1000000 + 4 * 3600, &clock);
    assert_int_equal(clock.seconds_left, 0);
    assert_false(clock.overdue); /* on the deadline is not past it */
    order_clock_at(1000000, ORDER_ASAP, 1000000 + 4 * 3600 + 1, &clock);
    assert_true(clock.overdue);
    order_clock_at(1000000, ORDER_ROUTINE, 1000000 + 25 * 3600, &clock);
    assert_int_equal(clock.seconds_left, -3600);
    assert_true(clock.overdue);
}

/* The cold chain: each limit on its own, on the limit is kept. */
static void test_cold_chain(void **state)
{
    (void)state;
    char why[120];
    cold_chain_limits red = {10, 100, 30};
    return_evidence ok = {40, 30, 1};
    assert_int_equal(return_cold_chain_kept(&red, &ok, why, sizeof why), 1);
    return_evidence edge = {100, 0, 1};
    assert_int_equal(return_cold_chain_kept(&red, &edge, why, sizeof why), 1);
    return_evidence seal = {40, 0, 0};
    assert_int_equal(return_cold_chain_kept(&red, &seal, why, sizeof why), 0);
    assert_string_equal(why, "seal broken");
    return_evidence warm = {101, 0, 1};
    assert_int_equal(return_cold_chain_kept(&red, &warm, why, sizeof why), 0);
    assert_string_equal(why, "received at 10.1 C, outside 1.0 to 10.0 C");
    return_evidence cold = {-5, 0, 1};
    assert_int_equal(return_cold_chain_kept(&red, &cold, why, sizeof why), 0);
    assert_string_equal(why, "received at -0.5 C, outside 1.0 to 10.0 C");
    return_evidence long_out = {40, 31, 1};
    assert_int_equal(return_cold_chain_kept(&red, &long_out, why, sizeof why), 0);
    assert_string_equal(why, "31 minutes out of controlled storage, more than 30");
    cold_chain_limits platelets = {200, 240, -1};
    return_evidence hours = {220, 600, 1};
    assert_int_equal(return_cold_chain_kept(&platelets, &hours, why, sizeof why), 1);
}

/* The credit: within the days, at the percentage rounded half up, only
 * with the chain kept. */
static void test_return_credit(void **state)
{
    (void)state;
    assert_int_equal(return_credit(20001, 8000, 3, 3, 1), 16001); /* 160.008 -> 160.01 */
    assert_int_equal(return_credit(20000, 8000, 3, 0, 1), 16000);
    assert_int_equal(return_credit(20000, 8000, 3, 4, 1), 0);
    assert_int_equal(return_credit(20000, 8000, 3, 1, 0), 0);
    assert_int_equal(return_credit(20000, 0, 3, 1, 1), 0);
    assert_int_equal(return_credit(20000, 10000, 0, 0, 1), 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_surcharge_kinds), cmocka_unit_test(test_unit_price),
        cmocka_unit_test(test_in_force),        cmocka_unit_test(test_increase),
        cmocka_unit_test(test_order_clock),     cmocka_unit_test(test_cold_chain),
        cmocka_unit_test(test_return_credit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
