/*
 * test_receivables.c - unit tests for the arithmetic of billing
 * (domain/receivables.c): quantities and prices, the money of a line
 * rounded half up, due dates, the aging bucket at every edge and across a
 * leap day, the invoice number's text, the rates and the allowance they
 * require at each bucket edge, and DSO net of the allowance.
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
    /* too large, also past int64_t: refused as too large, not as malformed */
    const char *huge_quantities[] = {"1000000.01", "99999999999999999999", "92233720368547758.07"};
    for (size_t i = 0; i < sizeof huge_quantities / sizeof huge_quantities[0]; i++) {
        assert_int_equal(receivables_quantity_parse(huge_quantities[i], &value, "quantity", &e), -1);
        assert_string_equal(e.field, "quantity");
        assert_non_null(strstr(e.message, "at most 1000000"));
    }
    assert_int_equal(receivables_quantity_parse("1000000", &value, "quantity", &e), 0);
    assert_int_equal(value, RECEIVABLES_QUANTITY_MAX);
    const char *huge_prices[] = {"1000000000.01", "123456789012345678901234567890", "92233720368547758.08"};
    for (size_t i = 0; i < sizeof huge_prices / sizeof huge_prices[0]; i++) {
        assert_int_equal(receivables_price_parse(huge_prices[i], &value, "price", &e), -1);
        assert_string_equal(e.field, "price");
        assert_non_null(strstr(e.message, "at most 1000000000.00"));
    }
    assert_int_equal(receivables_price_parse("1000000000.00", &value, "price", &e), 0);
    /* the largest line: a million units at a billion dollars, no overflow */
    assert_int_equal(receivables_line_amount(RECEIVABLES_QUANTITY_MAX, value, &value), 0);
    assert_true(value == (int64_t)1000000 * 1000000000 * 100);
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

static void test_rates(void **state)
{
    int64_t rate;
    err e;
    assert_int_equal(receivables_rate_parse("2.5", &rate, "1-30", &e), 0);
    assert_int_equal(rate, 250);
    assert_int_equal(receivables_rate_parse("100", &rate, "over-120", &e), 0);
    assert_int_equal(rate, 10000);
    assert_int_equal(receivables_rate_parse("0", &rate, "current", &e), 0);
    assert_int_equal(rate, 0);
    assert_int_equal(receivables_rate_parse("12.25%", &rate, "31-60", &e), 0);
    assert_int_equal(rate, 1225);
    const char *bad[] = {"100.01", "101", "-1", "-0.5", "1.234", "", "x", "%", "5%%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(receivables_rate_parse(bad[i], &rate, "61-90", &e), -1);
        assert_string_equal(e.field, "61-90");
    }
    assert_int_equal(aging_bucket_parse("91-120"), AGING_91_120);
    assert_int_equal(aging_bucket_parse("over-120"), AGING_OVER_120);
    assert_int_equal(aging_bucket_parse("120+"), -1);
    assert_int_equal(aging_bucket_parse(NULL), -1);
}

static void test_bucket_allowance_rounding(void **state)
{
    /* 12.345 rounds up to 12.35 only at the half cent: 1234.50 x 1% = 12.345 */
    assert_int_equal(receivables_bucket_allowance(123450, 100), 1235);
    assert_int_equal(receivables_bucket_allowance(123449, 100), 1234);
    /* 0.01 x 50% = 0.005 -> 0.01; 0.01 x 49.99% -> 0.00 */
    assert_int_equal(receivables_bucket_allowance(1, 5000), 1);
    assert_int_equal(receivables_bucket_allowance(1, 4999), 0);
    assert_int_equal(receivables_bucket_allowance(1000000, 10000), 1000000);
    assert_int_equal(receivables_bucket_allowance(1000000, 0), 0);
    /* a bucket that is a net credit needs no allowance */
    assert_int_equal(receivables_bucket_allowance(-50000, 5000), 0);
    /* a hundred billion dollars at 100% does not overflow */
    assert_int_equal(receivables_bucket_allowance(10000000000000LL, 10000), 10000000000000LL);
}

/* Documents of 1,000.00 due 0, 1, 30, 31, 60, 61, 90, 91, 120 and 121 days
 * before the day, bucketed as the aging does and reserved at 1, 2, 5, 10,
 * 25 and 50 %. */
static void test_allowance_at_bucket_edges(void **state)
{
    civil_day as_of = day_of("2004-03-01");
    static const int days[] = {0, 1, 30, 31, 60, 61, 90, 91, 120, 121};
    static const aging_bucket expected[] = {AGING_CURRENT, AGING_1_30,   AGING_1_30,
                                            AGING_31_60,   AGING_31_60,  AGING_61_90,
                                            AGING_61_90,   AGING_91_120, AGING_91_120,
                                            AGING_OVER_120};
    int64_t open[AGING_BUCKET_COUNT] = {0}, per[AGING_BUCKET_COUNT];
    const int64_t rates[AGING_BUCKET_COUNT] = {100, 200, 500, 1000, 2500, 5000};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        aging_bucket bucket = aging_bucket_of(as_of - days[i], as_of);
        assert_int_equal(bucket, expected[i]);
        open[bucket] += 100000;
    }
    int64_t required = receivables_allowance_required(open, rates, per);
    assert_int_equal(per[AGING_CURRENT], 1000);    /* 1,000 x 1% */
    assert_int_equal(per[AGING_1_30], 4000);       /* 2,000 x 2% */
    assert_int_equal(per[AGING_31_60], 10000);     /* 2,000 x 5% */
    assert_int_equal(per[AGING_61_90], 20000);     /* 2,000 x 10% */
    assert_int_equal(per[AGING_91_120], 50000);    /* 2,000 x 25% */
    assert_int_equal(per[AGING_OVER_120], 50000);  /* 1,000 x 50% */
    assert_int_equal(required, 135000);
    /* across the leap day: due 2004-02-28 is 2 days past on 2004-03-01 */
    assert_int_equal(aging_bucket_of(day_of("2004-02-28"), as_of), AGING_1_30);
    assert_int_equal(aging_bucket_of(day_of("2003-11-02"), as_of), AGING_91_120);   /* 120 */
    assert_int_equal(aging_bucket_of(day_of("2003-11-01"), as_of), AGING_OVER_120); /* 121 */
    /* rounding happens per bucket, then the buckets add up */
    int64_t odd[AGING_BUCKET_COUNT] = {333, 333, 0, 0, 0, 0};
    const int64_t halves[AGING_BUCKET_COUNT] = {150, 150, 0, 0, 0, 0}; /* 4.995 -> 5 each */
    assert_int_equal(receivables_allowance_required(odd, halves, NULL), 10);
}

static void test_dso(void **state)
{
    int64_t tenths, days;
    /* The release's quarter: 3,442,000 / 6,736,000 x 91 = 46.4997 -> 46.5 -> 47 */
    assert_int_equal(receivables_dso(350000000, 5800000, 673600000, 91, &tenths, &days), 1);
    assert_int_equal(tenths, 465);
    assert_int_equal(days, 47);
    /* the allowance lowers DSO: 100,000 - 10,000 over 300,000 in 90 days = 27 */
    assert_int_equal(receivables_dso(10000000, 1000000, 30000000, 90, &tenths, &days), 1);
    assert_int_equal(tenths, 270);
    assert_int_equal(days, 27);
    /* no revenue: no DSO */
    assert_int_equal(receivables_dso(10000000, 0, 0, 90, &tenths, &days), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantity_and_price), cmocka_unit_test(test_line_amount),
        cmocka_unit_test(test_due_date),           cmocka_unit_test(test_bucket_edges),
        cmocka_unit_test(test_leap_years),         cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_rates),              cmocka_unit_test(test_bucket_allowance_rounding),
        cmocka_unit_test(test_allowance_at_bucket_edges), cmocka_unit_test(test_dso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
