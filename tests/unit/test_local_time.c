/*
 * test_local_time.c - unit tests for local_time.c: zone names checked, UTC
 * instants as local dates and times and back across the daylight-saving
 * changes of 2004 in Los Angeles and New York, the zone's short name, and
 * an instant whose UTC date is not its local date.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/local_time.h"

#define LA "America/Los_Angeles"
#define NY "America/New_York"

static int64_t utc(const char *text)
{
    int64_t seconds = 0;
    err e;
    if (timestamp_parse(text, &seconds, "at", &e))
        fail_msg("%s: %s", text, e.message);
    return seconds;
}

static civil_day day(const char *text)
{
    civil_day d = 0;
    err e;
    if (date_parse(text, &d, "date", &e))
        fail_msg("%s: %s", text, e.message);
    return d;
}

/* "YYYY-MM-DD HH:MM:SS" of `at` in `zone`. */
static const char *local_text(const char *zone, int64_t at)
{
    static char text[40];
    local_time t;
    char date[DATE_TEXT_MAX];
    err e;
    if (local_time_of(zone, at, &t, &e))
        fail_msg("%s: %s", zone, e.message);
    snprintf(text, sizeof text, "%s %02d:%02d:%02d", date_format(t.date, date, sizeof date),
             t.hour, t.minute, t.second);
    return text;
}

static const char *instant_text(const char *zone, const char *date, int h, int m, int s)
{
    static char text[TIMESTAMP_TEXT_MAX];
    int64_t at = 0;
    err e;
    if (local_time_instant(zone, day(date), h, m, s, &at, &e))
        fail_msg("%s %s: %s", zone, date, e.message);
    return timestamp_format(at, text, sizeof text);
}

static const char *abbreviation(const char *zone, const char *at)
{
    static char text[TIME_ZONE_ABBREVIATION_MAX];
    err e;
    if (local_zone_abbreviation(zone, utc(at), text, sizeof text, &e))
        fail_msg("%s: %s", zone, e.message);
    return text;
}

static void test_zone_names(void **state)
{
    err e;
    assert_int_equal(time_zone_check(LA, "time_zone", &e), 0);
    assert_int_equal(time_zone_check(NY, "time_zone", &e), 0);
    assert_int_equal(time_zone_check("Europe/Paris", "time_zone", &e), 0);
    assert_int_equal(time_zone_check("US/Pacific", "time_zone", &e), 0); /* an IANA alias */
    const char *refused[] = {"Mars/Olympus_Mons", "america/los_angeles", "PST", "EST", "UTC",
                             "Etc/GMT+5", "GMT+05:00", " America/Los_Angeles",
                             "America/Los Angeles", "", "America/Los_Angeles/Extra"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(time_zone_check(refused[i], "time_zone", &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "time_zone");
    }
    assert_int_equal(time_zone_check(NULL, "time_zone", &e), -1);
    assert_non_null(strstr(e.message, "IANA"));
    char long_name[200];
    memset(long_name, 'A', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    long_name[7] = '/';
    assert_int_equal(time_zone_check(long_name, "time_zone", &e), -1);
    assert_string_equal(e.field, "time_zone");
}

static void test_unknown_zone_is_refused_not_read_as_utc(void **state)
{
    err e;
    local_time t;
    civil_day d;
    int64_t at;
    char text[LOCAL_TIME_TEXT_MAX] = "x";
    memset(&e, 0, sizeof e);
    assert_int_equal(local_time_of("Mars/Olympus_Mons", utc("2004-03-10T06:30:00Z"), &t, &e), -1);
    assert_string_equal(e.field, "time_zone");
    assert_int_equal(local_date_of("Nowhere/Else", 0, &d, &e), -1);
    assert_int_equal(local_today("PST", &d, &e), -1);
    assert_int_equal(local_time_instant("Etc/GMT+5", day("2004-03-09"), 23, 59, 0, &at, &e), -1);
    assert_int_equal(local_zone_abbreviation(NULL, 0, text, sizeof text, &e), -1);
    assert_string_equal(local_time_format("Mars/Olympus_Mons", 0, text, sizeof text), "");
}

/* A change of the clocks: the last second before it and the first after,
 * as UTC instants, as the local clocks show them, and the zone's short
 * names either side. */
typedef struct {
    const char *zone;
    const char *last_utc, *last_local, *last_abbreviation;
    const char *first_utc, *first_local, *first_abbreviation;
} clock_change;

static void assert_clock_change(const clock_change *c)
{
    assert_string_equal(local_text(c->zone, utc(c->last_utc)), c->last_local);
    assert_string_equal(local_text(c->zone, utc(c->first_utc)), c->first_local);
    assert_string_equal(abbreviation(c->zone, c->last_utc), c->last_abbreviation);
    assert_string_equal(abbreviation(c->zone, c->first_utc), c->first_abbreviation);
}

/* 2004-04-04: at 02:00 the clocks of both zones go to 03:00. */
static void test_spring_forward_2004(void **state)
{
    static const clock_change changes[] = {
        {LA, "2004-04-04T09:59:59Z", "2004-04-04 01:59:59", "PST", "2004-04-04T10:00:00Z",
         "2004-04-04 03:00:00", "PDT"},
        {NY, "2004-04-04T06:59:59Z", "2004-04-04 01:59:59", "EST", "2004-04-04T07:00:00Z",
         "2004-04-04 03:00:00", "EDT"},
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        assert_clock_change(&changes[i]);
    /* The day is 23 hours long: its end at 23:59 is 06:59Z in PDT. */
    assert_string_equal(instant_text(LA, "2004-04-03", 23, 59, 0), "2004-04-04T07:59:00Z");
    assert_string_equal(instant_text(LA, "2004-04-04", 23, 59, 0), "2004-04-05T06:59:00Z");
    assert_string_equal(instant_text(NY, "2004-04-04", 23, 59, 0), "2004-04-05T03:59:00Z");
    assert_string_equal(instant_text(LA, "2004-04-04", 0, 0, 0), "2004-04-04T08:00:00Z");
    /* 02:30 does not exist that night: read as 03:30 PDT. */
    assert_string_equal(instant_text(LA, "2004-04-04", 2, 30, 0), "2004-04-04T10:30:00Z");
}

/* 2004-10-31: at 02:00 the clocks go back to 01:00. */
static void test_fall_back_2004(void **state)
{
    static const clock_change changes[] = {
        {LA, "2004-10-31T08:59:59Z", "2004-10-31 01:59:59", "PDT", "2004-10-31T09:00:00Z",
         "2004-10-31 01:00:00", "PST"},
        {NY, "2004-10-31T05:59:59Z", "2004-10-31 01:59:59", "EDT", "2004-10-31T06:00:00Z",
         "2004-10-31 01:00:00", "EST"},
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        assert_clock_change(&changes[i]);
    /* 01:30 happens twice: the first (PDT) is meant. */
    assert_string_equal(instant_text(LA, "2004-10-31", 1, 30, 0), "2004-10-31T08:30:00Z");
    /* The day is 25 hours long: 23:59 PDT the day before, 23:59 PST on it. */
    assert_string_equal(instant_text(LA, "2004-10-30", 23, 59, 0), "2004-10-31T06:59:00Z");
    assert_string_equal(instant_text(LA, "2004-10-31", 23, 59, 0), "2004-11-01T07:59:00Z");
    assert_string_equal(instant_text(NY, "2004-10-31", 23, 59, 59), "2004-11-01T04:59:59Z");
}

/* 2004-03-10T06:30Z is still 2004-03-09 in Los Angeles (22:30 PST), and
 * already 2004-03-10 in New York (01:30 EST). */
static void test_near_midnight_a_different_day_than_utc(void **state)
{
    civil_day d;
    err e;
    int64_t at = utc("2004-03-10T06:30:00Z");
    assert_int_equal(local_date_of(LA, at, &d, &e), 0);
    assert_int_equal(d, day("2004-03-09"));
    assert_int_equal(local_date_of(NY, at, &d, &e), 0);
    assert_int_equal(d, day("2004-03-10"));
    assert_string_equal(local_text(NY, at), "2004-03-10 01:30:00");
    char text[LOCAL_TIME_TEXT_MAX];
    assert_string_equal(local_time_format(LA, at, text, sizeof text), "2004-03-09 22:30 PST");
    assert_string_equal(local_time_format(NY, at, text, sizeof text), "2004-03-10 01:30 EST");
    assert_string_equal(local_time_format(LA, utc("2004-07-01T19:05:00Z"), text, sizeof text),
                        "2004-07-01 12:05 PDT");
    /* The end of the local day 2004-03-09 is 07:59 UTC on the 10th. */
    assert_string_equal(instant_text(LA, "2004-03-09", 23, 59, 0), "2004-03-10T07:59:00Z");
    /* A whole year either side, and before the epoch. */
    assert_string_equal(local_text(LA, utc("1969-12-31T12:00:00Z")), "1969-12-31 04:00:00");
    assert_string_equal(instant_text(NY, "1960-06-15", 12, 0, 0), "1960-06-15T16:00:00Z");
}

static void test_today_is_the_local_date_of_now(void **state)
{
    civil_day today, of_now;
    err e;
    int64_t before = timestamp_now();
    assert_int_equal(local_today(LA, &today, &e), 0);
    assert_int_equal(local_date_of(LA, before, &of_now, &e), 0);
    /* Equal unless midnight passed between the two calls. */
    assert_true(today == of_now || today == of_now + 1);
    assert_true(today - date_today() >= -1 && today - date_today() <= 1);
}

/* local_today keeps the last (second, zone) it was asked: another zone in
 * the same second is asked afresh. Kiritimati (UTC+14) and Pago Pago
 * (UTC-11) are always on different days, 25 hours apart. */
static void test_today_of_another_zone_in_the_same_second(void **state)
{
    civil_day ahead, behind, again;
    err e;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(local_today("Pacific/Kiritimati", &ahead, &e), 0);
        assert_int_equal(local_today("Pacific/Pago_Pago", &behind, &e), 0);
        assert_int_equal(local_today("Pacific/Kiritimati", &again, &e), 0);
        assert_true(ahead - behind == 1 || ahead - behind == 2);
        assert_true(again == ahead || again == ahead + 1);
    }
    assert_int_equal(local_today("Mars/Olympus_Mons", &again, &e), -1);
    assert_string_equal(e.field, "time_zone");
}

static void test_round_trip_every_hour_of_2004(void **state)
{
    int64_t start = utc("2004-01-01T00:00:00Z"), end = utc("2005-01-01T00:00:00Z");
    const char *zones[] = {LA, NY, "Europe/Paris", "Australia/Lord_Howe"};
    for (size_t z = 0; z < 4; z++)
        for (int64_t at = start; at < end; at += 3600) {
            local_time t;
            int64_t back;
            err e;
            assert_int_equal(local_time_of(zones[z], at, &t, &e), 0);
            assert_int_equal(local_time_instant(zones[z], t.date, t.hour, t.minute, t.second,
                                                &back, &e),
                             0);
            /* Only a repeated wall time reads back as its first instant. */
            assert_true(back == at || (back < at && at - back <= 3600));
        }
}

static void *convert_in_thread(void *zone)
{
    for (int i = 0; i < 200; i++) {
        char text[LOCAL_TIME_TEXT_MAX];
        local_time_format(zone, 1078900200 + i * 86400, text, sizeof text);
        if (!*text)
            return (void *)1;
    }
    return NULL;
}

static void test_threads_each_have_their_calendars(void **state)
{
    pthread_t threads[4];
    const char *zones[] = {LA, NY, LA, "Europe/Paris"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, convert_in_thread, (void *)zones[i]),
                         0);
    for (int i = 0; i < 4; i++) {
        void *result = (void *)2;
        pthread_join(threads[i], &result);
        assert_null(result);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zone_names),
        cmocka_unit_test(test_unknown_zone_is_refused_not_read_as_utc),
        cmocka_unit_test(test_spring_forward_2004),
        cmocka_unit_test(test_fall_back_2004),
        cmocka_unit_test(test_near_midnight_a_different_day_than_utc),
        cmocka_unit_test(test_today_is_the_local_date_of_now),
        cmocka_unit_test(test_today_of_another_zone_in_the_same_second),
        cmocka_unit_test(test_round_trip_every_hour_of_2004),
        cmocka_unit_test(test_threads_each_have_their_calendars),
    };
    return cmocka_run_group_tests_name("local_time: time zones through ICU", tests, NULL, NULL);
}
