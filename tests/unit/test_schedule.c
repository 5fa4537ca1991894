/*
 * test_schedule.c - unit tests for a standing order's weekly schedule
 * (domain/schedule.c): weekdays of dates, weekday lists read and written,
 * the time of day, and which days of a range fall on the schedule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/schedule.h"

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    assert_int_equal(date_parse(text, &day, "date", NULL), 0);
    return day;
}

static void test_weekday_of(void **state)
{
    (void)state;
    assert_int_equal(weekday_of(day_of("1970-01-01")), 3); /* a Thursday */
    assert_int_equal(weekday_of(day_of("2026-12-07")), 0); /* a Monday */
    assert_int_equal(weekday_of(day_of("2026-12-13")), 6); /* a Sunday */
    assert_int_equal(weekday_of(day_of("1969-12-31")), 2); /* before the epoch */
    assert_int_equal(weekday_of(day_of("2000-02-29")), 1);
}

static void test_weekday_set(void **state)
{
    (void)state;
    weekday_set days = 0;
    err e;
    char text[WEEKDAY_SET_TEXT_MAX];
    assert_int_equal(weekday_set_parse("mon,wed,fri", &days, "days", &e), 0);
    assert_int_equal(days, 0x15);
    assert_string_equal(weekday_set_format(days, text, sizeof text), "mon,wed,fri");
    assert_int_equal(weekday_set_parse(" Sunday , MON", &days, "days", &e), 0);
    assert_string_equal(weekday_set_format(days, text, sizeof text), "mon,sun");
    assert_int_equal(weekday_set_parse("mon,tue,wed,thu,fri,sat,sun", &days, "days", &e), 0);
    assert_int_equal(days, WEEKDAY_ALL);
    assert_string_equal(weekday_set_format(days, text, sizeof text),
                        "mon,tue,wed,thu,fri,sat,sun");
    const char *bad[] = {NULL, "", "  ", "mon,,fri", "mon,", "funday", "mon,mon", "m",
                         "mondays", "mon;fri"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        days = 99;
        assert_int_equal(weekday_set_parse(bad[i], &days, "days", &e), -1);
        assert_string_equal(e.field, "days");
        assert_int_equal(days, 99);
    }
    weekday_set_parse("", &days, "days", &e);
    assert_non_null(strstr(e.message, "required"));
    weekday_set_parse("mon,funday", &days, "days", &e);
    assert_non_null(strstr(e.message, "'funday' is not a weekday"));
}

static void test_time(void **state)
{
    (void)state;
    int minutes = -1;
    err e;
    char text[SCHEDULE_TIME_TEXT_MAX];
    assert_int_equal(schedule_time_parse("07:00", &minutes, "time", &e), 0);
    assert_int_equal(minutes, 420);
    assert_string_equal(schedule_time_format(minutes, text, sizeof text), "07:00");
    assert_int_equal(schedule_time_parse("00:00", &minutes, "time", &e), 0);
    assert_int_equal(minutes, 0);
    assert_int_equal(schedule_time_parse("23:59", &minutes, "time", &e), 0);
    assert_int_equal(minutes, 23 * 60 + 59);
    const char *bad[] = {NULL, "", "7:00", "07:0", "24:00", "07:60", "07-00", "07:00:00",
                         " 7:00", "ab:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(schedule_time_parse(bad[i], &minutes, "time", &e), -1);
        assert_string_equal(e.field, "time");
    }
}

static void test_days_in_range(void **state)
{
    (void)state;
    civil_day out[16];
    weekday_set mwf = 0x15;
    /* Monday 2026-12-07 through Sunday 2026-12-13. */
    civil_day monday = day_of("2026-12-07");
    assert_int_equal(schedule_days(mwf, monday, monday + 6, out, 16), 3);
    assert_int_equal(out[0], monday);
    assert_int_equal(out[1], day_of("2026-12-09"));
    assert_int_equal(out[2], day_of("2026-12-11"));
    /* One day, on and off the schedule; an empty range. */
    assert_int_equal(schedule_days(mwf, monday + 1, monday + 1, out, 16), 0);
    assert_int_equal(schedule_days(mwf, monday + 2, monday + 2, out, 16), 1);
    assert_int_equal(schedule_days(mwf, monday + 3, monday + 2, out, 16), 0);
    /* Every day for two weeks; only the first max are written. */
    assert_int_equal(schedule_days(WEEKDAY_ALL, monday, monday + 13, out, 5), 14);
    assert_int_equal(out[4], monday + 4);
    /* Sunday only, across a year's end. */
    assert_int_equal(schedule_days(1u << 6, day_of("2026-12-25"), day_of("2027-01-05"), out, 16),
                     2);
    assert_int_equal(out[0], day_of("2026-12-27"));
    assert_int_equal(out[1], day_of("2027-01-03"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekday_of),
        cmocka_unit_test(test_weekday_set),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_days_in_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
