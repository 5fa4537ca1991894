/*
 * test_date.c - unit tests for date.c: civil dates, strict parsing,
 * quarters as reports use them, and UTC timestamps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/date.h"

static civil_day ymd(int year, int month, int day)
{
    civil_day d = 0;
    err e;
    if (date_from_ymd(year, month, day, &d, "date", &e) != 0)
        fail_msg("%04d-%02d-%02d rejected: %s", year, month, day, e.message);
    return d;
}

static const char *text_of(civil_day d)
{
    static char text[DATE_TEXT_MAX];
    return date_format(d, text, sizeof text);
}

static void test_epoch_and_known_days(void **state)
{
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(1970, 1, 2), 1);
    assert_int_equal(ymd(1969, 12, 31), -1);
    assert_int_equal(ymd(2000, 3, 1), 11017);
    assert_int_equal(ymd(2004, 3, 31), 12508);
    assert_string_equal(text_of(0), "1970-01-01");
    assert_string_equal(text_of(-1), "1969-12-31");
    assert_string_equal(text_of(ymd(1, 1, 1)), "0001-01-01");
    assert_string_equal(text_of(ymd(9999, 12, 31)), "9999-12-31");
}

static void test_round_trip_every_day_1900_to_2100(void **state)
{
    civil_day first = ymd(1900, 1, 1);
    civil_day last = ymd(2100, 12, 31);
    int year = 1900, month = 1, day = 1; /* walked independently */
    for (civil_day d = first; d <= last; d++) {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        if (y != year || m != month || dd != day)
            fail_msg("day %d gave %04d-%02d-%02d, expected %04d-%02d-%02d", d, y, m, dd, year,
                     month, day);
        assert_int_equal(ymd(y, m, dd), d);
        char expected[48];
        snprintf(expected, sizeof expected, "%04d-%02d-%02d", year, month, day);
        assert_string_equal(text_of(d), expected);
        if (++day > date_days_in_month(year, month)) {
            day = 1;
            if (++month > 12) {
                month = 1;
                year++;
            }
        }
    }
    assert_int_equal(year, 2101);
    assert_int_equal(last - first + 1, 73414); /* 201 years, 49 leap days */
}

static void test_leap_years(void **state)
{
    assert_true(date_is_leap_year(2004));
    assert_true(date_is_leap_year(2000));
    assert_false(date_is_leap_year(1900));
    assert_false(date_is_leap_year(2003));
    assert_int_equal(date_days_in_month(2004, 2), 29);
    assert_int_equal(date_days_in_month(2003, 2), 28);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2003, 4), 30);
    assert_int_equal(date_days_in_month(2003, 12), 31);
}

static void test_from_ymd_rejects_impossible_dates(void **state)
{
    civil_day d = 12345;
    err e;
    assert_int_equal(date_from_ymd(2003, 2, 29, &d, "collected_on", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "collected_on");
    assert_int_equal(date_from_ymd(2004, 13, 1, &d, "collected_on", &e), -1);
    assert_int_equal(date_from_ymd(2004, 0, 1, &d, "collected_on", &e), -1);
    assert_int_equal(date_from_ymd(2004, 4, 31, &d, "collected_on", &e), -1);
    assert_int_equal(date_from_ymd(2004, 4, 0, &d, "collected_on", &e), -1);
    assert_int_equal(date_from_ymd(0, 1, 1, &d, "collected_on", &e), -1);
    assert_int_equal(date_from_ymd(10000, 1, 1, &d, "collected_on", &e), -1);
    assert_int_equal(d, 12345);
    assert_int_equal(date_from_ymd(2004, 2, 29, &d, "collected_on", &e), 0);
}

static void test_parse_strict(void **state)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_parse("2004-02-29", &d, "expires_on", &e), 0);
    assert_int_equal(d, ymd(2004, 2, 29));
    assert_int_equal(date_parse("0001-01-01", &d, "expires_on", &e), 0);
    assert_int_equal(date_parse("9999-12-31", &d, "expires_on", &e), 0);

    const char *bad[] = {"2003-02-29", "2004-13-01", "2004-1-01",   "2004-01-1",  "2004-01-01x",
                         "2004-01-01 ", " 2004-01-01", "",          "2004/01/01", "04-01-01",
                         "20040101",   "2004-00-10", "2004-01-32", "0000-01-01", "+004-01-01",
                         "2004-01-0a", "2004-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        civil_day untouched = 777;
        err_clear(&e);
        if (date_parse(bad[i], &untouched, "expires_on", &e) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_int_equal(untouched, 777);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "expires_on");
        assert_non_null(strstr(e.message, "must be a date YYYY-MM-DD"));
    }
    assert_int_equal(date_parse(NULL, &d, "expires_on", &e), -1);
}

/* A day from its text, for the month arithmetic below. */
static civil_day ymd_text(const char *text)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_parse(text, &d, "day", &e), 0);
    return d;
}

static void test_add_months_clamps_to_month_end(void **state)
{
    assert_string_equal(text_of(date_add_months(ymd_text("2026-11-21"), -12)), "2025-11-21");
    assert_string_equal(text_of(date_add_months(ymd_text("2026-01-15"), -1)), "2025-12-15");
    assert_string_equal(text_of(date_add_months(ymd_text("2026-12-31"), 2)), "2027-02-28");
    /* Month ends clamp. */
    assert_string_equal(text_of(date_add_months(ymd_text("2026-03-31"), -1)), "2026-02-28");
    assert_string_equal(text_of(date_add_months(ymd_text("2026-05-31"), -1)), "2026-04-30");
    /* Leap years: a leap day to the year before and after, and into one. */
    assert_string_equal(text_of(date_add_months(ymd_text("2024-02-29"), -12)), "2023-02-28");
    assert_string_equal(text_of(date_add_months(ymd_text("2024-02-29"), 12)), "2025-02-28");
    assert_string_equal(text_of(date_add_months(ymd_text("2024-03-31"), -1)), "2024-02-29");
    assert_string_equal(text_of(date_add_months(ymd_text("2025-02-28"), -12)), "2024-02-28");
    assert_string_equal(text_of(date_add_months(ymd_text("2000-02-29"), -48)), "1996-02-29");
    assert_string_equal(text_of(date_add_months(ymd_text("2026-06-10"), 0)), "2026-06-10");
}

static void test_add_days_across_boundaries(void **state)
{
    assert_string_equal(text_of(date_add_days(ymd(2004, 1, 31), 1)), "2004-02-01");
    assert_string_equal(text_of(date_add_days(ymd(2004, 2, 28), 1)), "2004-02-29");
    assert_string_equal(text_of(date_add_days(ymd(2003, 2, 28), 1)), "2003-03-01");
    assert_string_equal(text_of(date_add_days(ymd(2004, 12, 31), 1)), "2005-01-01");
    assert_string_equal(text_of(date_add_days(ymd(2005, 1, 1), -1)), "2004-12-31");
    assert_string_equal(text_of(date_add_days(ymd(2004, 3, 1), -1)), "2004-02-29");
    /* platelets collected 2004-02-27 with a 5-day shelf life */
    assert_string_equal(text_of(date_add_days(ymd(2004, 2, 27), 5)), "2004-03-03");
    /* red cells, 42 days */
    assert_string_equal(text_of(date_add_days(ymd(2003, 12, 1), 42)), "2004-01-12");
    assert_string_equal(text_of(date_add_days(ymd(2004, 1, 1), 366)), "2005-01-01");
}

static void test_days_between(void **state)
{
    assert_int_equal(date_days_between(ymd(2004, 1, 1), ymd(2004, 12, 31)), 365);
    assert_int_equal(date_days_between(ymd(2004, 12, 31), ymd(2004, 1, 1)), -365);
    assert_int_equal(date_days_between(ymd(2003, 1, 1), ymd(2004, 1, 1)), 365);
    assert_int_equal(date_days_between(ymd(2004, 1, 1), ymd(2005, 1, 1)), 366);
    assert_int_equal(date_days_between(ymd(2004, 5, 5), ymd(2004, 5, 5)), 0);
}

static void test_day_of_year(void **state)
{
    assert_int_equal(date_day_of_year(ymd(2004, 1, 1)), 1);
    assert_int_equal(date_day_of_year(ymd(2004, 3, 1)), 61);
    assert_int_equal(date_day_of_year(ymd(2003, 3, 1)), 60);
    assert_int_equal(date_day_of_year(ymd(2004, 12, 31)), 366);
    assert_int_equal(date_day_of_year(ymd(2003, 12, 31)), 365);
}

static void test_today_is_plausible(void **state)
{
    civil_day today = date_today();
    assert_true(today > ymd(2020, 1, 1));
    assert_true(today < ymd(2200, 1, 1));
    assert_int_equal(today, (civil_day)(timestamp_now() / 86400));
}

static void test_quarter_lengths(void **state)
{
    assert_int_equal(quarter_days((quarter){2004, 1}), 91); /* leap February */
    assert_int_equal(quarter_days((quarter){2003, 1}), 90);
    assert_int_equal(quarter_days((quarter){2003, 2}), 91);
    assert_int_equal(quarter_days((quarter){2003, 3}), 92);
    assert_int_equal(quarter_days((quarter){2003, 4}), 92);
    assert_int_equal(quarter_days((quarter){1900, 1}), 90);
    assert_int_equal(quarter_days((quarter){2000, 1}), 91);
}

static void test_quarter_first_and_last_days(void **state)
{
    assert_string_equal(text_of(quarter_first_day((quarter){2004, 1})), "2004-01-01");
    assert_string_equal(text_of(quarter_last_day((quarter){2004, 1})), "2004-03-31");
    assert_string_equal(text_of(quarter_first_day((quarter){2004, 2})), "2004-04-01");
    assert_string_equal(text_of(quarter_last_day((quarter){2004, 2})), "2004-06-30");
    assert_string_equal(text_of(quarter_first_day((quarter){2004, 3})), "2004-07-01");
    assert_string_equal(text_of(quarter_last_day((quarter){2004, 3})), "2004-09-30");
    assert_string_equal(text_of(quarter_first_day((quarter){2004, 4})), "2004-10-01");
    assert_string_equal(text_of(quarter_last_day((quarter){2004, 4})), "2004-12-31");
}

static void test_quarter_of(void **state)
{
    quarter q = quarter_of(ymd(2004, 3, 31));
    assert_int_equal(q.year, 2004);
    assert_int_equal(q.quarter, 1);
    q = quarter_of(ymd(2004, 4, 1));
    assert_int_equal(q.quarter, 2);
    q = quarter_of(ymd(2003, 12, 31));
    assert_int_equal(q.year, 2003);
    assert_int_equal(q.quarter, 4);
    /* every day of a year lies in the quarter that contains it */
    for (civil_day d = ymd(2004, 1, 1); d <= ymd(2004, 12, 31); d++) {
        q = quarter_of(d);
        assert_true(quarter_first_day(q) <= d && d <= quarter_last_day(q));
    }
}

static void test_quarter_year_earlier(void **state)
{
    quarter q = quarter_year_earlier((quarter){2004, 1});
    assert_int_equal(q.year, 2003);
    assert_int_equal(q.quarter, 1);
    q = quarter_year_earlier((quarter){2000, 4});
    assert_int_equal(q.year, 1999);
    assert_int_equal(q.quarter, 4);
}

static void test_quarter_parse_and_format(void **state)
{
    quarter q = {0, 0};
    char text[8];
    err e;
    assert_int_equal(quarter_parse("2004Q1", &q, "quarter", &e), 0);
    assert_int_equal(q.year, 2004);
    assert_int_equal(q.quarter, 1);
    assert_int_equal(quarter_parse("2003q4", &q, "quarter", &e), 0);
    assert_int_equal(q.year, 2003);
    assert_int_equal(q.quarter, 4);
    assert_string_equal(quarter_format(q, text, sizeof text), "2003Q4");
    assert_string_equal(quarter_format((quarter){2004, 1}, text, sizeof text), "2004Q1");

    const char *bad[] = {"2004Q0", "2004Q5", "2004Q", "2004Q12", "04Q1", "2004-Q1", "2004 Q1",
                         "",       "Q1",     "0000Q1", "2004Q1 ", "2004X1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&e);
        if (quarter_parse(bad[i], &q, "quarter", &e) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "quarter");
    }
}

static void test_timestamp_format(void **state)
{
    char text[TIMESTAMP_TEXT_MAX];
    assert_string_equal(timestamp_format(0, text, sizeof text), "1970-01-01T00:00:00Z");
    assert_string_equal(timestamp_format(-1, text, sizeof text), "1969-12-31T23:59:59Z");
    assert_string_equal(timestamp_format(1080777540, text, sizeof text), "2004-03-31T23:59:00Z");
    assert_string_equal(timestamp_format(4102444800, text, sizeof text), "2100-01-01T00:00:00Z");
    /* Absurd seconds format to "" without overflowing (found by fuzzing). */
    assert_string_equal(timestamp_format(INT64_MIN, text, sizeof text), "");
    assert_string_equal(timestamp_format(INT64_MAX, text, sizeof text), "");
    /* Leap days, the ends of the years a date may have, and beyond them. */
    assert_string_equal(timestamp_format(951782400 + 86399, text, sizeof text),
                        "2000-02-29T23:59:59Z");
    assert_string_equal(timestamp_format(253402300799, text, sizeof text), "9999-12-31T23:59:59Z");
    assert_string_equal(timestamp_format(-62135596800, text, sizeof text), "0001-01-01T00:00:00Z");
    assert_string_equal(timestamp_format(253402300800, text, sizeof text), "");
    assert_string_equal(timestamp_format(-62135596801, text, sizeof text), "");
}

static void test_timestamp_parse_round_trip(void **state)
{
    int64_t seconds = 0;
    char text[TIMESTAMP_TEXT_MAX];
    err e;
    assert_int_equal(timestamp_parse("2004-03-31T23:59:00Z", &seconds, "at", &e), 0);
    assert_true(seconds == 1080777540);
    assert_int_equal(timestamp_parse("1970-01-01T00:00:00Z", &seconds, "at", &e), 0);
    assert_true(seconds == 0);
    assert_int_equal(timestamp_parse("1969-12-31T23:59:59Z", &seconds, "at", &e), 0);
    assert_true(seconds == -1);

    const int64_t samples[] = {0, 1, -1, 86399, 86400, 951782400, 1080777540, 2147483647,
                               2147483648, 253402300799 /* 9999-12-31T23:59:59Z */};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int64_t back = 0;
        timestamp_format(samples[i], text, sizeof text);
        assert_int_equal(timestamp_parse(text, &back, "at", &e), 0);
        assert_true(back == samples[i]);
    }
    /* a timestamp and the date in it agree */
    assert_int_equal(timestamp_parse("2004-02-29T12:00:00Z", &seconds, "at", &e), 0);
    assert_int_equal(seconds / 86400, ymd(2004, 2, 29));
}

static void test_timestamp_parse_strict(void **state)
{
    const char *bad[] = {"2004-03-31T23:59:00",   "2004-03-31 23:59:00Z", "2004-03-31T24:00:00Z",
                         "2004-03-31T23:60:00Z",  "2004-03-31T23:59:60Z", "2003-02-29T00:00:00Z",
                         "2004-03-31T23:59:00+00:00", "2004-03-31t23:59:00Z", "2004-03-31T23:59Z",
                         "2004-03-31",            "",                     "2004-03-31T23:59:00Zx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t seconds = 42;
        err e;
        err_clear(&e);
        if (timestamp_parse(bad[i], &seconds, "at", &e) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_true(seconds == 42);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "at");
    }
}

static void test_timestamp_now_is_plausible(void **state)
{
    int64_t now = timestamp_now();
    assert_true(now > 1577836800);  /* 2020-01-01 */
    assert_true(now < 7258118400);  /* 2200-01-01 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_and_known_days),
        cmocka_unit_test(test_round_trip_every_day_1900_to_2100),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_from_ymd_rejects_impossible_dates),
        cmocka_unit_test(test_parse_strict),
        cmocka_unit_test(test_add_days_across_boundaries),
        cmocka_unit_test(test_add_months_clamps_to_month_end),
        cmocka_unit_test(test_days_between),
        cmocka_unit_test(test_day_of_year),
        cmocka_unit_test(test_today_is_plausible),
        cmocka_unit_test(test_quarter_lengths),
        cmocka_unit_test(test_quarter_first_and_last_days),
        cmocka_unit_test(test_quarter_of),
        cmocka_unit_test(test_quarter_year_earlier),
        cmocka_unit_test(test_quarter_parse_and_format),
        cmocka_unit_test(test_timestamp_format),
        cmocka_unit_test(test_timestamp_parse_round_trip),
        cmocka_unit_test(test_timestamp_parse_strict),
        cmocka_unit_test(test_timestamp_now_is_plausible),
    };
    return cmocka_run_group_tests_name("date: civil days, quarters and UTC timestamps", tests, NULL, NULL);
}
