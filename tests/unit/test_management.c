/*
 * test_management.c - unit tests for management contracts' accrual
 * (domain/management.c): the days of a month served between a start and a
 * termination (both inclusive) in months of 28, 29, 30 and 31 days, and
 * the month's fee prorated by them, rounded half up to the cent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/management.h"

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    assert_int_equal(date_parse(text, &day, "date", NULL), 0);
    return day;
}

static management_month month_of(const char *text)
{
    management_month m = {0, 0};
    assert_int_equal(management_month_parse(text, &m, "period", NULL), 0);
    return m;
}

/* The accrual of `fee` cents for month `month` of a contract from `start`
 * through `end` (NULL: not terminated). */
static int64_t accrual(int64_t fee, const char *month, const char *start, const char *end)
{
    management_month m = month_of(month);
    int days = management_days_served(m, day_of(start), end != NULL, end ? day_of(end) : 0);
    int64_t cents = -1;
    assert_int_equal(management_fee_accrual(fee, days, management_month_days(m), &cents), 0);
    return cents;
}

static void test_months(void **state)
{
    (void)state;
    err e;
    management_month m;
    assert_int_equal(management_month_days(month_of("2003-02")), 28);
    assert_int_equal(management_month_days(month_of("2004-02")), 29);
    assert_int_equal(management_month_days(month_of("2000-02")), 29);
    assert_int_equal(management_month_days(month_of("1900-02")), 28);
    assert_int_equal(management_month_days(month_of("2004-04")), 30);
    assert_int_equal(management_month_days(month_of("2004-05")), 31);
    assert_int_equal(management_month_first_day(month_of("2004-06")), day_of("2004-06-01"));
    assert_int_equal(management_month_last_day(month_of("2004-06")), day_of("2004-06-30"));
    assert_int_equal(management_month_last_day(month_of("2004-12")), day_of("2004-12-31"));
    assert_int_equal(management_month_parse("2004-13", &m, "period", &e), -1);
    assert_string_equal(e.field, "period");
    assert_int_equal(management_month_parse("2004-5", &m, "period", &e), -1);
    assert_int_equal(management_month_parse("2004Q2", &m, "period", &e), -1);
    assert_int_equal(management_month_parse("", &m, "period", &e), -1);
    assert_int_equal(management_month_parse("2004-05x", &m, "period", &e), -1);
}

static void test_kinds(void **state)
{
    (void)state;
    err e;
    managed_kind kind;
    assert_int_equal(managed_kind_parse("blood-center", &kind, "kind", &e), 0);
    assert_int_equal(kind, MANAGED_BLOOD_CENTER);
    assert_int_equal(managed_kind_parse("donor-center", &kind, "kind", &e), 0);
    assert_string_equal(managed_kind_name(kind), "donor-center");
    assert_int_equal(managed_kind_parse("hospital", &kind, "kind", &e), -1);
    assert_string_equal(e.field, "kind");
    assert_int_equal(managed_kind_parse(NULL, &kind, "kind", &e), -1);
}

static void test_days_served(void **state)
{
    (void)state;
    management_month june = month_of("2004-06");
    civil_day start = day_of("2004-01-01");
    /* A whole month of each length. */
    assert_int_equal(management_days_served(month_of("2003-02"), start - 400, 0, 0), 28);
    assert_int_equal(management_days_served(month_of("2004-02"), start, 0, 0), 29);
    assert_int_equal(management_days_served(june, start, 0, 0), 30);
    assert_int_equal(management_days_served(month_of("2004-07"), start, 0, 0), 31);
    /* Terminated on 2004-06-21, its last day of service: 21 days. */
    assert_int_equal(management_days_served(june, start, 1, day_of("2004-06-21")), 21);
    /* On the first day: one day; on the last: the whole month. */
    assert_int_equal(management_days_served(june, start, 1, day_of("2004-06-01")), 1);
    assert_int_equal(management_days_served(june, start, 1, day_of("2004-06-30")), 30);
    /* Nothing after the termination, nothing before the start. */
    assert_int_equal(management_days_served(month_of("2004-07"), start, 1, day_of("2004-06-30")),
                     0);
    assert_int_equal(management_days_served(month_of("2003-12"), start, 0, 0), 0);
    /* Start and termination in the same month: 10th to 20th, 11 days. */
    assert_int_equal(
        management_days_served(june, day_of("2004-06-10"), 1, day_of("2004-06-20")), 11);
    /* Started on the last day of a month: one day. */
    assert_int_equal(management_days_served(june, day_of("2004-06-30"), 0, 0), 1);
}

static void test_accrual(void **state)
{
    (void)state;
    /* A full month is exactly the fee, whatever its length. */
    assert_int_equal(accrual(1000000, "2003-02", "2003-01-01", NULL), 1000000);
    assert_int_equal(accrual(1000000, "2004-02", "2003-01-01", NULL), 1000000);
    assert_int_equal(accrual(1000000, "2004-04", "2003-01-01", NULL), 1000000);
    assert_int_equal(accrual(1000000, "2004-05", "2003-01-01", NULL), 1000000);
    /* $10,000.00 x 21 / 30 = 7,000.00 exactly. */
    assert_int_equal(accrual(1000000, "2004-06", "2003-01-01", "2004-06-21"), 700000);
    /* $10,000.00 x 10 / 31 = 3,225.806.. -> 3,225.81 (rounded up). */
    assert_int_equal(accrual(1000000, "2004-05", "2004-05-22", NULL), 322581);
    /* $10,000.00 x 1 / 28 = 357.142.. -> 357.14 (rounded down). */
    assert_int_equal(accrual(1000000, "2003-02", "2003-01-01", "2003-02-01"), 35714);
    /* Leap February: $10,000.00 x 15 / 29 = 5,172.413.. -> 5,172.41. */
    assert_int_equal(accrual(1000000, "2004-02", "2003-01-01", "2004-02-15"), 517241);
    /* Half a cent rounds up: $0.01 x 15 / 30 = 0.005 -> 0.01. */
    assert_int_equal(accrual(1, "2004-06", "2004-06-16", NULL), 1);
    /* $0.45 x 1 / 30 = 0.015 -> 0.02. */
    assert_int_equal(accrual(45, "2004-06", "2004-06-30", NULL), 2);
    /* Terminated on the last day of the month: the whole fee. */
    assert_int_equal(accrual(1234567, "2004-04", "2003-01-01", "2004-04-30"), 1234567);
    /* Nothing after the termination, nothing before the start. */
    assert_int_equal(accrual(1000000, "2004-07", "2003-01-01", "2004-06-30"), 0);
    assert_int_equal(accrual(1000000, "2002-12", "2003-01-01", NULL), 0);
    /* Start and termination the same month: 11 of 30 days of $3,000.00. */
    assert_int_equal(accrual(300000, "2004-06", "2004-06-10", "2004-06-20"), 110000);
    /* More days than the month has is refused. */
    int64_t out;
    assert_int_equal(management_fee_accrual(100, 31, 30, &out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_days_served),
        cmocka_unit_test(test_accrual),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
