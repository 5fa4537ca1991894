/*
 * test_testing.c - unit tests for the laboratory's rules (domain/testing.c):
 * the result values each kind of test accepts and how they are stored,
 * ABO/RhD agreement and the discrepancy
 * text, the deferral for each reactive marker, and the release decision in
 * every case that makes a unit wait or blocks it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/date.h"
#include "domain/testing.h"

static civil_day day(const char *text)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_parse(text, &d, "day", &e), 0);
    return d;
}

static const char *stored(testing_kind kind, const char *text)
{
    const char *canonical = NULL;
    err e;
    if (testing_result_parse(kind, text, &canonical, "result", &e))
        return NULL;
    return canonical;
}

static void test_kinds(void **state)
{
    for (int kind = 0; kind < TESTING_KIND_COUNT; kind++)
        assert_int_equal(testing_kind_parse(testing_kind_name(kind)), kind);
    assert_int_equal(testing_kind_parse("ABO"), -1);
    assert_int_equal(testing_kind_parse(NULL), -1);
}

static void test_result_values(void **state)
{
    assert_string_equal(stored(TESTING_ABO, "A"), "A");
    assert_string_equal(stored(TESTING_ABO, "ab"), "AB");
    assert_string_equal(stored(TESTING_ABO, "O"), "O");
    assert_null(stored(TESTING_ABO, "0"));
    assert_null(stored(TESTING_ABO, "A POS"));
    assert_string_equal(stored(TESTING_RHD, "POS"), "POS");
    assert_string_equal(stored(TESTING_RHD, "positive"), "POS");
    assert_string_equal(stored(TESTING_RHD, "Negative"), "NEG");
    assert_null(stored(TESTING_RHD, "+"));
    assert_string_equal(stored(TESTING_ANTIBODY, "negative"), "negative");
    assert_string_equal(stored(TESTING_ANTIBODY, "POSITIVE"), "positive");
    assert_null(stored(TESTING_ANTIBODY, "reactive"));
    assert_string_equal(stored(TESTING_INFECTIOUS, "nonreactive"), "nonreactive");
    assert_string_equal(stored(TESTING_INFECTIOUS, "NR"), "nonreactive");
    assert_string_equal(stored(TESTING_INFECTIOUS, "r"), "reactive");
    assert_string_equal(stored(TESTING_INFECTIOUS, "Reactive"), "reactive");
    assert_null(stored(TESTING_INFECTIOUS, "negative"));
    assert_null(stored(TESTING_INFECTIOUS, ""));

    const char *canonical;
    err e;
    assert_int_equal(testing_result_parse(TESTING_RHD, "maybe", &canonical, "result", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "result");
    assert_non_null(strstr(e.message, "POS or NEG"));

    assert_true(testing_result_blocks(TESTING_INFECTIOUS, "reactive"));
    assert_false(testing_result_blocks(TESTING_INFECTIOUS, "nonreactive"));
    assert_true(testing_result_blocks(TESTING_ANTIBODY, "positive"));
    assert_false(testing_result_blocks(TESTING_ANTIBODY, "negative"));
    assert_false(testing_result_blocks(TESTING_ABO, "A"));
    assert_false(testing_result_blocks(TESTING_INFECTIOUS, NULL));
}

static void test_groups(void **state)
{
    char text[TESTING_PROBLEM_MAX];
    assert_string_equal(testing_group_text("O", "POS", text, sizeof text), "O POS");
    assert_string_equal(testing_group_text("AB", NULL, text, sizeof text), "AB");
    assert_string_equal(testing_group_text(NULL, "NEG", text, sizeof text), "NEG");
    assert_string_equal(testing_group_text(NULL, NULL, text, sizeof text), "untyped");

    assert_true(testing_group_agrees("O", "POS", "O", "POS"));
    assert_true(testing_group_agrees(NULL, NULL, "A", "NEG")); /* no history yet */
    assert_true(testing_group_agrees("O", "POS", "O", NULL));  /* RhD not typed yet */
    assert_false(testing_group_agrees("O", "POS", "A", "POS"));
    assert_false(testing_group_agrees("O", "POS", "O", "NEG"));
    assert_false(testing_group_agrees("O", NULL, "B", "NEG"));

    assert_string_equal(testing_discrepancy_text("O", "POS", "A", "POS", text, sizeof text),
                        "ABO/RhD discrepancy: donor history O POS, donation A POS");
}

static void test_group_take(void **state)
{
    char group[TESTING_GROUP_TEXT_MAX];
    err e;
    static const char *const good[][2] = {
        {"O POS", "O POS"}, {" ab  neg ", "AB NEG"}, {"O+", "O POS"}, {"a-", "A NEG"},
        {"Untyped", "untyped"}, {"AB", "AB"}, {"neg", "NEG"}, {"B\tPOS", "B POS"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(testing_group_take(good[i][0], group, "group", &e), 0);
        assert_string_equal(group, good[i][1]);
    }
    static const char *const bad[] = {"", "  ", "C POS", "O POSITIVE", "POS O", "O POS X", "+",
                                      "O+ POS", "O+X", "O A+", "ABABABABAB", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(testing_group_take(bad[i], group, "group", &e), -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "group");
    }
}

static void test_deferral_per_marker(void **state)
{
    testing_deferral d;
    const char *permanent[] = {"HIV", "HBV", "HCV", "HTLV"};
    for (size_t i = 0; i < 4; i++) {
        testing_deferral_for(permanent[i], day("2026-11-21"), &d);
        assert_int_equal(d.kind, DEFERRAL_PERMANENT);
        assert_false(d.has_until);
        assert_string_equal(d.reason_code, "REACTIVE_TEST");
    }

    testing_deferral_for("SYPHILIS", day("2026-11-21"), &d);
    assert_int_equal(d.kind, DEFERRAL_TEMPORARY);
    assert_true(d.has_until);
    assert_int_equal(d.until, day("2027-11-21"));
    assert_string_equal(d.reason_code, "REACTIVE_TEST");
    /* 12 months after a leap day: the end of February. */
    testing_deferral_for("SYPHILIS", day("2028-02-29"), &d);
    assert_int_equal(d.until, day("2029-02-28"));

    testing_deferral_for("WNV", day("2026-11-21"), &d); /* a marker added to the panel */
    assert_int_equal(d.kind, DEFERRAL_INDEFINITE);
    assert_false(d.has_until);
}

static void test_hold_has(void **state)
{
    assert_true(testing_hold_has("lookback case 1", "lookback case 1"));
    assert_true(testing_hold_has("lookback case 12; lookback case 1", "lookback case 1"));
    assert_true(testing_hold_has("antibody screen positive (ABSCREEN); lookback case 3",
                                 "antibody screen positive (ABSCREEN)"));
    /* A reason is a whole part, not a piece of one. */
    assert_false(testing_hold_has("lookback case 12", "lookback case 1"));
    assert_false(testing_hold_has("lookback case 12; lookback case 31", "lookback case 1"));
    assert_false(testing_hold_has(NULL, "lookback case 1"));
    assert_false(testing_hold_has("", "lookback case 1"));
    assert_false(testing_hold_has("lookback case 1", ""));
}

static void test_hold_without(void **state)
{
    buffer rest = BUFFER_INIT;
    /* Only whole parts go; the rest keeps its order and separators. */
    assert_int_equal(testing_hold_without("lookback case 12; antibody screen positive (ABSCREEN); "
                                          "lookback case 1",
                                          "lookback case 1", 0, &rest),
                     1);
    assert_string_equal(buffer_text(&rest),
                        "lookback case 12; antibody screen positive (ABSCREEN)");
    assert_int_equal(testing_hold_without("antibody screen positive (ABSCREEN)",
                                          "antibody screen positive (ABSCREEN)", 0, &rest),
                     1);
    assert_string_equal(buffer_text(&rest), "");
    /* As a prefix: every discrepancy, whatever groups it names. */
    assert_int_equal(testing_hold_without("ABO/RhD discrepancy: donor history O POS, donation A "
                                          "POS; lookback case 3",
                                          TESTING_DISCREPANCY_HOLD, 1, &rest),
                     1);
    assert_string_equal(buffer_text(&rest), "lookback case 3");
    assert_int_equal(testing_hold_without("lookback case 3", TESTING_DISCREPANCY_HOLD, 1, &rest), 0);
    assert_string_equal(buffer_text(&rest), "lookback case 3");
    assert_int_equal(testing_hold_without(NULL, "lookback case 3", 0, &rest), 0);
    assert_string_equal(buffer_text(&rest), "");
    buffer_free(&rest);
}

static void test_values_of_kind(void **state)
{
    const char *values[8];
    assert_int_equal(testing_result_values(TESTING_ABO, values, 8), 4);
    assert_string_equal(values[0], "A");
    assert_string_equal(values[3], "O");
    assert_int_equal(testing_result_values(TESTING_RHD, values, 8), 2);
    assert_string_equal(values[0], "POS");
    assert_string_equal(values[1], "NEG");
    assert_int_equal(testing_result_values(TESTING_INFECTIOUS, values, 8), 2);
    assert_string_equal(values[0], "nonreactive");
    assert_string_equal(values[1], "reactive");
    assert_int_equal(testing_result_values(TESTING_ANTIBODY, values, 1), 1);
}

/* --- the release decision --------------------------------------------------- */

static testing_panel_entry panel[] = {
    {"ABO", TESTING_ABO, "ABO", 1, "O"},
    {"RHD", TESTING_RHD, "RHD", 1, "POS"},
    {"ABSCREEN", TESTING_ANTIBODY, "ABSCREEN", 1, "negative"},
    {"HIV", TESTING_INFECTIOUS, "HIV", 1, "nonreactive"},
    {"NAT_HIV", TESTING_INFECTIOUS, "HIV", 1, "nonreactive"},
    {"HCV", TESTING_INFECTIOUS, "HCV", 1, "nonreactive"},
    {"SYPHILIS", TESTING_INFECTIOUS, "SYPHILIS", 0, NULL}, /* not required, not done */
};
enum { PANEL_COUNT = sizeof panel / sizeof panel[0] };

static testing_panel_entry tests[PANEL_COUNT];

static testing_release_input ready_input(void)
{
    memcpy(tests, panel, sizeof tests);
    return (testing_release_input){
        .status = UNIT_QUARANTINED,
        .panel = tests,
        .panel_count = PANEL_COUNT,
        .abo = "O",
        .rhd = "POS",
        .donor_abo = "O",
        .donor_rhd = "POS",
        .hold = NULL,
        .expires_at = 2000000000,
        .now = 1900000000,
    };
}

static testing_release_decision decide(const testing_release_input *in)
{
    testing_release_decision out;
    testing_release_decide(in, &out);
    return out;
}

static int has_problem(const testing_release_decision *d, const char *piece)
{
    for (size_t i = 0; i < d->problem_count; i++)
        if (strstr(d->problems[i], piece))
            return 1;
    return 0;
}

static void test_release_ready(void **state)
{
    testing_release_input in = ready_input();
    testing_release_decision d = decide(&in);
    assert_int_equal(d.state, TESTING_READY);
    assert_int_equal(d.missing_count, 0);
    assert_int_equal(d.problem_count, 0);
    assert_string_equal(testing_release_state_name(d.state), "ready");
    /* A first typing: no history to disagree with. */
    in.donor_abo = in.donor_rhd = NULL;
    assert_int_equal(decide(&in).state, TESTING_READY);
    /* A reactive result on a test outside the required panel still blocks. */
    tests[6].result = "reactive";
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_true(has_problem(&d, "SYPHILIS reactive (SYPHILIS)"));
}

static void test_release_waiting(void **state)
{
    testing_release_input in = ready_input();
    tests[3].result = NULL; /* HIV */
    tests[5].result = NULL; /* HCV */
    testing_release_decision d = decide(&in);
    assert_int_equal(d.state, TESTING_WAITING);
    assert_string_equal(testing_release_state_name(d.state), "waiting");
    assert_int_equal(d.missing_count, 2);
    assert_string_equal(d.missing[0], "HIV");
    assert_string_equal(d.missing[1], "HCV");

    /* ABO and RhD are always needed, even when not marked required. */
    in = ready_input();
    tests[0].required = 0;
    tests[0].result = NULL;
    in.abo = NULL;
    d = decide(&in);
    assert_int_equal(d.state, TESTING_WAITING);
    assert_int_equal(d.missing_count, 1);
    assert_string_equal(d.missing[0], "ABO");

    /* A panel without an RhD test: the unit still waits for its typing. */
    in = ready_input();
    in.panel_count = 1;
    in.rhd = NULL;
    d = decide(&in);
    assert_int_equal(d.state, TESTING_WAITING);
    assert_string_equal(d.missing[d.missing_count - 1], "RHD");
}

static void test_release_blocked(void **state)
{
    testing_release_input in = ready_input();
    tests[4].result = "reactive"; /* NAT_HIV */
    testing_release_decision d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_string_equal(testing_release_state_name(d.state), "blocked");
    assert_true(has_problem(&d, "HIV reactive (NAT_HIV)"));

    in = ready_input();
    tests[2].result = "positive";
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_true(has_problem(&d, "antibody screen positive (ABSCREEN)"));

    /* Blocked beats waiting: a reactive marker with others still missing. */
    in = ready_input();
    tests[3].result = "reactive";
    tests[5].result = NULL;
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_int_equal(d.missing_count, 1);
}

static void test_release_group_hold_expiry_status(void **state)
{
    testing_release_input in = ready_input();
    in.abo = "A";
    testing_release_decision d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_int_equal(d.problem_count, 1);
    assert_string_equal(d.problems[0], "ABO/RhD discrepancy: donor history O POS, donation A POS");
    /* The import holds the units with that text: said once, not twice. */
    in.hold = "ABO/RhD discrepancy: donor history O POS, donation A POS";
    d = decide(&in);
    assert_int_equal(d.problem_count, 1);
    assert_string_equal(d.problems[0],
                        "held: ABO/RhD discrepancy: donor history O POS, donation A POS");

    in = ready_input();
    in.rhd = "NEG";
    d = decide(&in);
    assert_true(has_problem(&d, "donor history O POS, donation O NEG"));

    in = ready_input();
    in.hold = "lookback case 7";
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_string_equal(d.problems[0], "held: lookback case 7");
    in.hold = "";
    assert_int_equal(decide(&in).state, TESTING_READY);

    in = ready_input();
    in.now = in.expires_at; /* expires at this very second */
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_true(has_problem(&d, "expired at 2033-05-18T03:33:20Z"));

    in = ready_input();
    in.status = UNIT_RELEASED;
    d = decide(&in);
    assert_int_equal(d.state, TESTING_BLOCKED);
    assert_true(has_problem(&d, "unit is released"));
    in.status = UNIT_DISCARDED;
    d = decide(&in);
    assert_true(has_problem(&d, "unit is discarded"));
}

int main(void)
{
    const struct CMUnitTest tests_list[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_result_values),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_group_take),
        cmocka_unit_test(test_deferral_per_marker),
        cmocka_unit_test(test_hold_has),
        cmocka_unit_test(test_hold_without),
        cmocka_unit_test(test_values_of_kind),
        cmocka_unit_test(test_release_ready),
        cmocka_unit_test(test_release_waiting),
        cmocka_unit_test(test_release_blocked),
        cmocka_unit_test(test_release_group_hold_expiry_status),
    };
    return cmocka_run_group_tests(tests_list, NULL, NULL);
}
