/*
 * test_receivables.c - unit tests for the arithmetic of billing
 * (domain/receivables.c): quantities and prices, the money of a line
 * rounded half up, due dates, the aging bucket at every edge and across a
 * leap day, and the invoice number's text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/receivables.h"

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    assert_int_equal(date_parse(text, &day, "date", NULL), 0);
    return day;
}

static void test_quantity_and_price(void **state)
{
    int64_t value;
    err e;
    assert_int_equal(receivables_quantity_parse("3", &value, "quantity", &e), 0);
    assert_int_equal(value, 300);
    assert_int_equal(receivables_quantity_parse("2.5", &value, "quantity", &e), 0);
    assert_int_equal(value, 250);
    assert_int_equal(receivables_quantity_parse("0.01", &value, "quantity", &e), 0);
    assert_int_equal(value, 1);
    const char *bad_quantities[] = {"-1", "0", "0.00", "1.234", "", "abc", "1.", ".5", "1e3"};
    for (size_t i = 0; i < sizeof bad_quantities / sizeof bad_quantities[0]; i++) {
        assert_int_equal(receivables_quantity_parse(bad_quantities[i], &value, "quantity", &e), -1);
        assert_string_equal(e.field, "quantity");
    }
    assert_int_equal(receivables_price_parse("185.50", &value, "price", &e), 0);
    assert_int_equal(value, 18550);
    assert_int_equal(receivables_price_parse("0", &value, "price", &e), 0);
    assert_int_equal(value, 0);
    const char *bad_prices[] = {"1.234", "-5", "$5", "1,000", "", "12.5.1"};
    for (size_t i = 0; i < sizeof bad_prices / sizeof bad_prices[0]; i++) {
        assert_int_equal(receivables_price_parse(bad_prices[i], &value, "price", &e), -1);
        assert_string_equal(e.field, "price");
    }
}

static void test_line_amount(void **state)
{
    int64_t cents;
    assert_int_equal(receivables_line_amount(300, 18550, &cents), 0); /* 3 x 185.50 */
    assert_int_equal(cents, 55650);
    assert_int_equal(receivables_line_amount(250, 1001, &cents), 0); /* 2.5 x 10.01 = 25.025 */
    assert_int_equal(cents, 2503);                                  /* half up */
    assert_int_equal(receivables_line_amount(150, 333, &cents), 0);  /* 1.5 x 3.33 = 4.995 */
    assert_int_equal(cents, 500);
    assert_int_equal(receivables_line_amount(133, 100, &cents), 0);  /* 1.33 x 1.00 */
    assert_int_equal(cents, 133);
    assert_int_equal(receivables_line_amount(1, 49, &cents), 0);     /* 0.01 x 0.49 = 0.0049 */
    assert_int_equal(cents, 0);
    assert_int_equal(receivables_line_amount(1, 50, &cents), 0);     /* 0.005: half up */
    assert_int_equal(cents, 1);
    assert_int_equal(receivables_line_amount(INT64_MAX, INT64_MAX, &cents), -1);
}

static void test_due_date(void **state)
{
    assert_int_equal(receivables_due_date(day_of("2004-01-31"), 30), day_of("2004-03-01"));
    assert_int_equal(receivables_due_date(day_of("2003-01-31"), 30), day_of("2003-03-02"));
    assert_int_equal(receivables_due_date(day_of("2004-02-15"), 0), day_of("2004-02-15"));
    assert_int_equal(receivables_due_date(day_of("2004-12-15"), 45), day_of("2005-01-29"));
}

static void test_bucket_edges(void **state)
{
    civil_day due = day_of("2004-01-01");
    struct {
        int days;
        aging_bucket bucket;
    } edges[] = {{-5, AGING_CURRENT}, {0, AGING_CURRENT},   {1, AGING_1_30},
                 {30, AGING_1_30},    {31, AGING_31_60},    {60, AGING_31_60},
                 {61, AGING_61_90},   {90, AGING_61_90},    {91, AGING_91_120},
                 {120, AGING_91_120}, {121, AGING_OVER_120}, {4000, AGING_OVER_120}};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        assert_int_equal(aging_bucket_of(due, date_add_days(due, edges[i].days)), edges[i].bucket);
    assert_string_equal(aging_bucket_name(AGING_CURRENT), "current");
    assert_string_equal(aging_bucket_name(AGING_61_90), "61-90");
    assert_string_equal(aging_bucket_name(AGING_OVER_120), "over-120");
}

/* Days are counted on the calendar: February of a leap year has 29. */
static void test_leap_years(void **state)
{
    /* Due 2004-01-31: 2004-03-01 is 30 days later in a leap year. */
    assert_int_equal(aging_bucket_of(day_of("2004-01-31"), day_of("2004-03-01")), AGING_1_30);
    assert_int_equal(aging_bucket_of(day_of("2004-01-31"), day_of("2004-03-02")), AGING_31_60);
    /* The same dates a year earlier: 29 days, then 30. */
    assert_int_equal(aging_bucket_of(day_of("2003-01-31"), day_of("2003-03-02")), AGING_1_30);
    assert_int_equal(aging_bucket_of(day_of("2003-01-31"), day_of("2003-03-03")), AGING_31_60);
    /* Due on the leap day itself: 120 days later is 2004-06-28. */
    assert_int_equal(aging_bucket_of(day_of("2004-02-29"), day_of("2004-06-28")), AGING_91_120);
    assert_int_equal(aging_bucket_of(day_of("2004-02-29"), day_of("2004-06-29")), AGING_OVER_120);
    /* Across the end of a leap year: 2004-11-01 + 61 days = 2005-01-01. */
    assert_int_equal(aging_bucket_of(day_of("2004-11-01"), day_of("2004-12-31")), AGING_31_60);
    assert_int_equal(aging_bucket_of(day_of("2004-11-01"), day_of("2005-01-01")), AGING_61_90);
    /* 2000 is a leap year, 1900 is not. */
    assert_int_equal(aging_bucket_of(day_of("2000-02-01"), day_of("2000-03-03")), AGING_31_60);
    assert_int_equal(aging_bucket_of(day_of("1900-02-01"), day_of("1900-03-03")), AGING_1_30);
    assert_int_equal(aging_bucket_of(day_of("1900-02-01"), day_of("1900-03-04")), AGING_31_60);
}

static void test_number_text(void **state)
{
    char text[RECEIVABLES_NUMBER_TEXT_MAX];
    assert_string_equal(receivables_number_format(2004, 123, text, sizeof text), "2004-000123");
    assert_string_equal(receivables_number_format(2004, 999999, text, sizeof text), "2004-999999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantity_and_price), cmocka_unit_test(test_line_amount),
        cmocka_unit_test(test_due_date),           cmocka_unit_test(test_bucket_edges),
        cmocka_unit_test(test_leap_years),         cmocka_unit_test(test_number_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
