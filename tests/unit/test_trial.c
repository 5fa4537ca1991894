/*
 * test_trial.c - unit tests for clinical-trial site services
 * (domain/trial.c): the readiness rule at each missing piece and the
 * status it gives, the fee kinds, and the cap arithmetic (a line under
 * the cap, the line that reaches it billed up to it, nothing after).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/trial.h"

static void test_readiness(void **state)
{
    (void)state;
    trial_site_facts all = {1, 1, 1, 1};
    assert_int_equal(trial_site_lacks(&all), 0);
    assert_string_equal(trial_site_status(&all), "ready");

    trial_site_facts f = all;
    f.set_up = 0;
    assert_int_equal(trial_site_lacks(&f), TRIAL_LACKS_SETUP);
    assert_string_equal(trial_site_status(&f), "planned");
    f = all;
    f.verified = 0;
    assert_int_equal(trial_site_lacks(&f), TRIAL_LACKS_VERIFICATION);
    assert_string_equal(trial_site_status(&f), "setting_up");
    f = all;
    f.investigators_trained = 0;
    assert_int_equal(trial_site_lacks(&f), TRIAL_LACKS_INVESTIGATOR);
    assert_string_equal(trial_site_status(&f), "verified");
    f = all;
    f.nurses_trained = 0;
    assert_int_equal(trial_site_lacks(&f), TRIAL_LACKS_NURSE);
    assert_string_equal(trial_site_status(&f), "verified");

    /* Two nurses and no investigator is not ready; nothing at all lacks all four. */
    trial_site_facts nurses = {1, 1, 0, 2};
    assert_int_equal(trial_site_lacks(&nurses), TRIAL_LACKS_INVESTIGATOR);
    trial_site_facts none = {0, 0, 0, 0};
    assert_int_equal(trial_site_lacks(&none), TRIAL_LACKS_SETUP | TRIAL_LACKS_VERIFICATION |
                                                  TRIAL_LACKS_INVESTIGATOR | TRIAL_LACKS_NURSE);
    assert_string_equal(trial_lack_name(TRIAL_LACKS_NURSE), "trained_nurse");
    assert_string_equal(trial_lack_name(TRIAL_LACKS_INVESTIGATOR), "trained_investigator");
}

static void test_kinds(void **state)
{
    (void)state;
    trial_kind k;
    err e;
    assert_int_equal(trial_kind_parse("procedure", 0, &k, "kind", NULL), 0);
    assert_int_equal(k, TRIAL_PROCEDURE);
    assert_int_equal(trial_kind_parse("training", 1, &k, "kind", NULL), 0);
    assert_string_equal(trial_kind_name(k), "training");
    assert_int_equal(trial_kind_parse("procedure", 1, &k, "kind", &e), -1);
    assert_string_equal(e.field, "kind");
    assert_int_equal(trial_kind_parse("monitoring", 0, &k, "kind", &e), -1);
    assert_int_equal(trial_kind_parse(NULL, 0, &k, "kind", &e), -1);
}

static void test_cap(void **state)
{
    (void)state;
    int64_t amount;
    int capped;
    /* Under the cap: the fee. */
    assert_int_equal(trial_cap_bill(100000, 20000, 30000, &amount, &capped), 0);
    assert_int_equal(amount, 30000);
    assert_int_equal(capped, 0);
    /* Passing the cap: the headroom, capped. */
    assert_int_equal(trial_cap_bill(100000, 80000, 30000, &amount, &capped), 0);
    assert_int_equal(amount, 20000);
    assert_int_equal(capped, 1);
    /* Exactly reaching it: the fee, and it is the line that reaches the cap. */
    assert_int_equal(trial_cap_bill(100000, 70000, 30000, &amount, &capped), 0);
    assert_int_equal(amount, 30000);
    assert_int_equal(capped, 1);
    /* One cent left. */
    assert_int_equal(trial_cap_bill(100000, 99999, 30000, &amount, &capped), 0);
    assert_int_equal(amount, 1);
    /* Nothing left: refused. */
    assert_int_equal(trial_cap_bill(100000, 100000, 1, &amount, &capped), -1);
    assert_int_equal(amount, 0);
    /* A zero fee bills nothing, even at the cap it is not a line. */
    assert_int_equal(trial_cap_bill(100000, 50000, 0, &amount, &capped), 0);
    assert_int_equal(amount, 0);
    /* Figures no contract has. */
    assert_int_equal(trial_cap_bill(100, 200, 1, &amount, &capped), -1);
    assert_int_equal(trial_cap_bill(100, 0, -1, &amount, &capped), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readiness),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
