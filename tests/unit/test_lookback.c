/*
 * test_lookback.c - unit tests for the dates of a lookback case
 * (domain/lookback.c): the window from the last nonreactive result or
 * from the trigger (calendar months: base/date), the
 * three deadlines, when a step is overdue, the days a step may be
 * recorded on, and what a trace does with a unit in each status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/date.h"
#include "domain/lookback.h"

static civil_day day(const char *text)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_parse(text, &d, "day", &e), 0);
    return d;
}

static const char *text_of(civil_day d)
{
    static char out[DATE_TEXT_MAX];
    return date_format(d, out, sizeof out);
}

static void test_window(void **state)
{
    /* From the most recent nonreactive result for the marker ... */
    assert_string_equal(
        text_of(lookback_window_start(1, day("2026-05-04"), day("2026-11-21"),
                                      LOOKBACK_WINDOW_MONTHS)),
        "2025-05-04");
    /* ... or, with none, from the trigger donation. */
    assert_string_equal(
        text_of(lookback_window_start(0, 0, day("2026-11-21"), LOOKBACK_WINDOW_MONTHS)),
        "2025-11-21");
    assert_string_equal(text_of(lookback_window_start(1, day("2024-02-29"), day("2024-06-01"), 12)),
                        "2023-02-28");
    /* The window's length is a setting. */
    assert_string_equal(text_of(lookback_window_start(0, 0, day("2026-11-21"), 6)), "2026-05-21");
}

static void test_deadlines(void **state)
{
    civil_day opened = day("2026-11-21");
    assert_string_equal(text_of(lookback_due(LOOKBACK_QUARANTINE, opened)), "2026-11-24");
    assert_string_equal(text_of(lookback_due(LOOKBACK_NOTICE, opened)), "2026-11-24");
    assert_string_equal(text_of(lookback_due(LOOKBACK_FOLLOWUP, opened)), "2027-01-05");
    /* Across a month end and a leap February. */
    assert_string_equal(text_of(lookback_due(LOOKBACK_QUARANTINE, day("2028-02-27"))),
                        "2028-03-01");
    assert_string_equal(text_of(lookback_due(LOOKBACK_NOTICE, day("2027-02-27"))), "2027-03-02");
    assert_string_equal(text_of(lookback_due(LOOKBACK_FOLLOWUP, day("2028-01-20"))),
                        "2028-03-05");
    assert_string_equal(text_of(lookback_due(LOOKBACK_FOLLOWUP, day("2027-01-20"))),
                        "2027-03-06");
    assert_string_equal(text_of(lookback_due(LOOKBACK_QUARANTINE, day("2026-12-30"))),
                        "2027-01-02");
}

static void test_overdue(void **state)
{
    civil_day due = day("2026-11-24");
    assert_false(lookback_overdue(due, 0, day("2026-11-23")));
    assert_false(lookback_overdue(due, 0, due)); /* the due day itself is in time */
    assert_true(lookback_overdue(due, 0, day("2026-11-25")));
    assert_false(lookback_overdue(due, 1, day("2026-12-25"))); /* done */
}

static void test_steps(void **state)
{
    for (int step = 0; step < LOOKBACK_STEP_COUNT; step++)
        assert_int_equal(lookback_step_parse(lookback_step_name(step)), step);
    assert_int_equal(lookback_step_parse("quarantine"), LOOKBACK_QUARANTINE);
    assert_int_equal(lookback_step_parse("notice"), LOOKBACK_NOTICE);
    assert_int_equal(lookback_step_parse("followup"), LOOKBACK_FOLLOWUP);
    assert_int_equal(lookback_step_parse("follow-up"), -1);
    assert_int_equal(lookback_step_parse(NULL), -1);

    err e;
    civil_day opened = day("2026-11-21"), today = day("2026-11-23");
    assert_int_equal(lookback_done_check(opened, opened, today, "done_on", &e), 0);
    assert_int_equal(lookback_done_check(today, opened, today, "done_on", &e), 0);
    assert_int_equal(lookback_done_check(day("2026-11-20"), opened, today, "done_on", &e), -1);
    assert_string_equal(e.field, "done_on");
    assert_non_null(strstr(e.message, "2026-11-21"));
    assert_int_equal(lookback_done_check(day("2026-11-24"), opened, today, "done_on", &e), -1);
    assert_non_null(strstr(e.message, "future"));
}

static void test_actions(void **state)
{
    assert_int_equal(lookback_action_for(UNIT_QUARANTINED), LOOKBACK_ACTION_QUARANTINED);
    assert_int_equal(lookback_action_for(UNIT_RELEASED), LOOKBACK_ACTION_QUARANTINED);
    assert_int_equal(lookback_action_for(UNIT_ALLOCATED), LOOKBACK_ACTION_QUARANTINED);
    assert_int_equal(lookback_action_for(UNIT_RETURNED), LOOKBACK_ACTION_QUARANTINED);
    assert_int_equal(lookback_action_for(UNIT_SHIPPED), LOOKBACK_ACTION_SHIPPED);
    assert_int_equal(lookback_action_for(UNIT_TRANSFUSED_REPORTED), LOOKBACK_ACTION_SHIPPED);
    assert_int_equal(lookback_action_for(UNIT_DISCARDED), LOOKBACK_ACTION_NONE);
    assert_int_equal(lookback_action_for(UNIT_EXPIRED), LOOKBACK_ACTION_NONE);
    assert_string_equal(lookback_action_name(LOOKBACK_ACTION_QUARANTINED), "quarantined");
    assert_string_equal(lookback_action_name(LOOKBACK_ACTION_SHIPPED), "shipped");
    assert_string_equal(lookback_action_name(LOOKBACK_ACTION_NONE), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_deadlines), cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_steps),    cmocka_unit_test(test_actions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
