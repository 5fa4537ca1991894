/*
 * test_covenant.c - unit tests for the covenants of the line of credit
 * (domain/covenant.c): the kinds, how thresholds are written (two decimals
 * at most for a ratio, no negative limit), each value from the quarter's
 * figures, rounding half up to two decimals, and compliance at, just above
 * and just below the threshold ("at least" / "at most": the threshold
 * itself is met).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/covenant.h"

/* The first quarter of 2004 (cents): equity 3,657,000; current
 * liabilities 3,471,000, long-term 1,286,000; cash 911,000 and net
 * receivables 3,442,000; net income 246,000. */
static const covenant_figures q1_2004 = {
    .equity = 365700000,
    .intangibles = 0,
    .current_liabilities = 347100000,
    .long_term_liabilities = 128600000,
    .quick_assets = 91100000 + 344200000,
    .net_income = 24600000,
};

static covenant_check judged(covenant_kind kind, int64_t threshold, const covenant_figures *f)
{
    covenant_check c = {.kind = kind, .threshold = threshold};
    covenant_evaluate(&c, f);
    return c;
}

static void test_kinds(void **state)
{
    (void)state;
    err e;
    covenant_kind kind;
    for (int i = 0; i < COVENANT_KIND_COUNT; i++) {
        assert_int_equal(covenant_kind_parse(covenant_kind_name((covenant_kind)i), &kind, "kind", &e),
                         0);
        assert_int_equal(kind, i);
    }
    assert_int_equal(covenant_kind_parse("max_debt", &kind, "kind", &e), -1);
    assert_string_equal(e.field, "kind");
    assert_int_equal(covenant_kind_parse(NULL, &kind, "kind", &e), -1);
    assert_true(covenant_kind_is_ratio(COVENANT_MIN_QUICK_RATIO));
    assert_false(covenant_kind_is_ratio(COVENANT_MIN_TANGIBLE_NET_WORTH));
    assert_false(covenant_kind_is_minimum(COVENANT_MAX_LIABILITIES_TO_NET_WORTH));
}

static void test_thresholds(void **state)
{
    (void)state;
    err e;
    int64_t t = 0;
    assert_int_equal(covenant_threshold_parse(COVENANT_MIN_QUICK_RATIO, "1.25", &t, "threshold", &e), 0);
    assert_int_equal(t, 125);
    assert_int_equal(covenant_threshold_parse(COVENANT_MIN_QUICK_RATIO, "1.5", &t, "threshold", &e), 0);
    assert_int_equal(t, 150);
    assert_int_equal(covenant_threshold_parse(COVENANT_MIN_QUICK_RATIO, "2", &t, "threshold", &e), 0);
    assert_int_equal(t, 200);
    /* three decimals, a sign, junk: refused naming the field */
    static const char *const bad[] = {"1.255", "-1.2", "1.", ".5", "1,25", "", "12345", "1e2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(
            covenant_threshold_parse(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, bad[i], &t, "threshold", &e),
            -1);
        assert_string_equal(e.field, "threshold");
    }
    assert_int_equal(
        covenant_threshold_parse(COVENANT_MIN_TANGIBLE_NET_WORTH, "3000000", &t, "threshold", &e), 0);
    assert_int_equal(t, 300000000);
    assert_int_equal(
        covenant_threshold_parse(COVENANT_MIN_TANGIBLE_NET_WORTH, "-1", &t, "threshold", &e), -1);
    assert_int_equal(
        covenant_threshold_parse(COVENANT_MIN_TANGIBLE_NET_WORTH, "1.005", &t, "threshold", &e), -1);
    /* a tolerated quarterly loss */
    assert_int_equal(
        covenant_threshold_parse(COVENANT_MIN_QUARTERLY_NET_INCOME, "-50000", &t, "threshold", &e), 0);
    assert_int_equal(t, -5000000);

    char text[COVENANT_TEXT_MAX];
    assert_string_equal(covenant_amount_format(COVENANT_MIN_QUICK_RATIO, 125, text), "1.25");
    assert_string_equal(covenant_amount_format(COVENANT_MIN_QUICK_RATIO, -5, text), "-0.05");
    assert_string_equal(covenant_amount_format(COVENANT_MIN_TANGIBLE_NET_WORTH, 365700000, text),
                        "3657000.00");
}

static void test_values(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(covenant_value(COVENANT_MIN_TANGIBLE_NET_WORTH, &q1_2004, &v), 1);
    assert_int_equal(v, 365700000);
    /* 4,757,000 / 3,657,000 = 1.3008 -> 1.30 */
    assert_int_equal(covenant_value(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, &q1_2004, &v), 1);
    assert_int_equal(v, 130);
    /* 4,353,000 / 3,471,000 = 1.2541 -> 1.25 */
    assert_int_equal(covenant_value(COVENANT_MIN_QUICK_RATIO, &q1_2004, &v), 1);
    assert_int_equal(v, 125);
    assert_int_equal(covenant_value(COVENANT_MIN_QUARTERLY_NET_INCOME, &q1_2004, &v), 1);
    assert_int_equal(v, 24600000);

    /* intangibles come off the net worth */
    covenant_figures f = q1_2004;
    f.intangibles = 50000000;
    assert_int_equal(covenant_value(COVENANT_MIN_TANGIBLE_NET_WORTH, &f, &v), 1);
    assert_int_equal(v, 315700000);

    /* half up at the third decimal: 1.125 -> 1.13, 1.12499 -> 1.12 */
    f = (covenant_figures){.equity = 800, .current_liabilities = 900};
    assert_int_equal(covenant_value(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, &f, &v), 1);
    assert_int_equal(v, 113);
    f = (covenant_figures){.equity = 100000, .current_liabilities = 112499};
    assert_int_equal(covenant_value(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, &f, &v), 1);
    assert_int_equal(v, 112);
    f = (covenant_figures){.quick_assets = 2250, .current_liabilities = 2000};
    assert_int_equal(covenant_value(COVENANT_MIN_QUICK_RATIO, &f, &v), 1);
    assert_int_equal(v, 113);
}

static void test_compliance(void **state)
{
    (void)state;
    /* exactly at the threshold: met, margin 0 */
    covenant_check c = judged(COVENANT_MIN_TANGIBLE_NET_WORTH, 365700000, &q1_2004);
    assert_true(c.met);
    assert_int_equal(c.margin, 0);
    c = judged(COVENANT_MIN_TANGIBLE_NET_WORTH, 365700001, &q1_2004);
    assert_false(c.met);
    assert_int_equal(c.margin, -1);
    c = judged(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, 130, &q1_2004);
    assert_true(c.met);
    assert_int_equal(c.margin, 0);
    c = judged(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, 129, &q1_2004);
    assert_false(c.met);
    assert_int_equal(c.margin, -1);
    c = judged(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, 150, &q1_2004);
    assert_true(c.met);
    assert_int_equal(c.margin, 20);
    /* 1.2541 is shown as 1.25 and judged as shown: met at 1.25, not at 1.26 */
    c = judged(COVENANT_MIN_QUICK_RATIO, 125, &q1_2004);
    assert_true(c.met);
    c = judged(COVENANT_MIN_QUICK_RATIO, 126, &q1_2004);
    assert_false(c.met);
    assert_int_equal(c.margin, -1);
    c = judged(COVENANT_MIN_QUARTERLY_NET_INCOME, 24600000, &q1_2004);
    assert_true(c.met);
    c = judged(COVENANT_MIN_QUARTERLY_NET_INCOME, 25000000, &q1_2004);
    assert_false(c.met);
    assert_int_equal(c.margin, -400000);
    /* a tolerated loss */
    covenant_figures loss = q1_2004;
    loss.net_income = -4000000;
    c = judged(COVENANT_MIN_QUARTERLY_NET_INCOME, -5000000, &loss);
    assert_true(c.met);
    assert_int_equal(c.margin, 1000000);

    /* no net worth: the ratio has no value and the covenant is breached */
    covenant_figures broke = q1_2004;
    broke.equity = 0;
    c = judged(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, 500, &broke);
    assert_false(c.has_value);
    assert_false(c.met);
    broke.equity = -100;
    c = judged(COVENANT_MAX_LIABILITIES_TO_NET_WORTH, 500, &broke);
    assert_false(c.met);
    /* no current liabilities: nothing to cover, the quick ratio is met */
    covenant_figures none = q1_2004;
    none.current_liabilities = 0;
    c = judged(COVENANT_MIN_QUICK_RATIO, 200, &none);
    assert_false(c.has_value);
    assert_true(c.met);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_compliance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
