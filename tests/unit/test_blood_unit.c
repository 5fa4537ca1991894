/*
 * test_blood_unit.c - unit tests of the blood unit state machine
 * (domain/blood_unit.c): every one of the 64 moves between the eight statuses
 * is allowed or refused as docs/collections.md ("Unit states") and
 * blood_unit.h say, a refusal names "status" and the current status, the
 * final statuses, the statuses counted in inventory, and the status names
 * both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/blood_unit.h"

#define Q UNIT_QUARANTINED
#define R UNIT_RELEASED
#define A UNIT_ALLOCATED
#define S UNIT_SHIPPED
#define T UNIT_RETURNED
#define D UNIT_DISCARDED
#define X UNIT_EXPIRED
#define F UNIT_TRANSFUSED_REPORTED

/* allowed[from][to], written out from docs/collections.md ("Unit states")
 * rather than taken from the implementation's table. */
static const int allowed[UNIT_STATUS_COUNT][UNIT_STATUS_COUNT] = {
    /*             Q  R  A  S  T  D  X  F */
    [Q] = {0, 1, 0, 0, 0, 1, 1, 0}, /* released when tested and signed, or found unfit */
    [R] = {1, 0, 1, 0, 0, 1, 1, 0}, /* allocated, held again (lookback), discarded, expired */
    [A] = {1, 1, 0, 1, 0, 1, 1, 0}, /* shipped, back on the shelf, held, discarded, expired */
    [S] = {0, 0, 0, 0, 1, 0, 0, 1}, /* returned or transfused */
    [T] = {1, 1, 0, 0, 0, 1, 1, 0}, /* inspected: put back, held, discarded, expired */
    [D] = {0},
    [X] = {0},
    [F] = {0},
};

static void test_every_transition(void **state)
{
    for (int from = 0; from < UNIT_STATUS_COUNT; from++)
        for (int to = 0; to < UNIT_STATUS_COUNT; to++) {
            err e;
            err_clear(&e);
            int rc =
                blood_unit_transition_check((blood_unit_status)from, (blood_unit_status)to, &e);
            if (allowed[from][to]) {
                if (rc != 0)
                    fail_msg("%s -> %s should be allowed: %s", blood_unit_status_name(from),
                             blood_unit_status_name(to), e.message);
                continue;
            }
            if (rc != -1)
                fail_msg("%s -> %s should be refused", blood_unit_status_name(from),
                         blood_unit_status_name(to));
            assert_int_equal(e.code, ERR_CONFLICT);
            assert_string_equal(e.field, "status");
            char current[64];
            snprintf(current, sizeof current, "unit is %s:", blood_unit_status_name(from));
            assert_non_null(strstr(e.message, current));
            assert_non_null(strstr(e.message, blood_unit_status_name(to)));
        }
}

static void test_refusal_messages(void **state)
{
    err e;
    assert_int_equal(blood_unit_transition_check(UNIT_SHIPPED, UNIT_RELEASED, &e), -1);
    assert_string_equal(e.message, "unit is shipped: it cannot become released (from shipped it "
                                   "can become returned, transfused_reported)");
    assert_int_equal(blood_unit_transition_check(UNIT_DISCARDED, UNIT_RELEASED, &e), -1);
    assert_string_equal(e.message,
                        "unit is discarded: it cannot become released (discarded is final)");
    /* Staying put is not a move. */
    assert_int_equal(blood_unit_transition_check(UNIT_QUARANTINED, UNIT_QUARANTINED, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    /* Out of range: not a status at all. */
    assert_int_equal(blood_unit_transition_check(UNIT_STATUS_COUNT, UNIT_RELEASED, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "status");
    assert_int_equal(blood_unit_transition_check(UNIT_RELEASED, (blood_unit_status)-1, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
}

static void test_final_and_inventory(void **state)
{
    static const int final[UNIT_STATUS_COUNT] = {[D] = 1, [X] = 1, [F] = 1};
    static const int in_inventory[UNIT_STATUS_COUNT] = {[Q] = 1, [R] = 1, [A] = 1, [T] = 1};
    for (int status = 0; status < UNIT_STATUS_COUNT; status++) {
        assert_int_equal(blood_unit_status_final((blood_unit_status)status), final[status]);
        assert_int_equal(blood_unit_status_in_inventory((blood_unit_status)status),
                         in_inventory[status]);
    }
    assert_int_equal(blood_unit_status_final(UNIT_STATUS_COUNT), 0);
    assert_int_equal(blood_unit_status_in_inventory(UNIT_STATUS_COUNT), 0);
}

static void test_names(void **state)
{
    static const char *const names[UNIT_STATUS_COUNT] = {
        "quarantined", "released", "allocated", "shipped",
        "returned",    "discarded", "expired",  "transfused_reported"};
    for (int status = 0; status < UNIT_STATUS_COUNT; status++) {
        assert_string_equal(blood_unit_status_name((blood_unit_status)status), names[status]);
        assert_int_equal(blood_unit_status_parse(names[status]), status);
    }
    assert_string_equal(blood_unit_status_name(UNIT_STATUS_COUNT), "unknown");
    assert_int_equal(blood_unit_status_parse("Released"), -1);
    assert_int_equal(blood_unit_status_parse("transfused"), -1);
    assert_int_equal(blood_unit_status_parse(""), -1);
    assert_int_equal(blood_unit_status_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_refusal_messages),
        cmocka_unit_test(test_final_and_inventory),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("blood_unit", tests, NULL, NULL);
}
