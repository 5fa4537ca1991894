/*
 * test_eligibility.c - unit tests for the eligibility rule engine
 * (domain/eligibility.c): every threshold of docs/donors.md ("Rules and
 * defaults") at, just below and just above its limit, for both sexes; the
 * intervals between procedures on the day before, the day of and the day
 * after; the platelet counts in 7 days and 12 months; age on the birthday and
 * for leap-day birthdays; hematocrit as the alternative to hemoglobin;
 * deferrals; several failures reported together with the combined
 * eligible_from; thresholds overridden.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/date.h"
#include "domain/eligibility.h"

static civil_day day(const char *text)
{
    civil_day d = 0;
    err e;
    assert_int_equal(date_parse(text, &d, "day", &e), 0);
    return d;
}

static eligibility_thresholds defaults;

static int setup(void **state)
{
    (void)state;
    eligibility_thresholds_default(&defaults);
    return 0;
}

/* A healthy 30-year-old woman, measured today, planning `procedure` on
 * 2026-06-15, with no history. */
static eligibility_input healthy(donation_procedure procedure, donor_sex sex)
{
    eligibility_input in;
    memset(&in, 0, sizeof in);
    in.procedure = procedure;
    in.today = day("2026-06-15");
    in.birth_date = day("1996-03-10");
    in.sex = sex;
    in.has_weight = in.has_height = in.has_hemoglobin = in.has_temperature = 1;
    in.has_blood_pressure = in.has_pulse = in.has_platelet_count = 1;
    in.weight_lb = 170;
    in.height_in = 68;
    in.hemoglobin = 140;
    in.temperature = 366;
    in.systolic = 120;
    in.diastolic = 80;
    in.pulse = 70;
    in.platelet_count = 250;
    return in;
}

static eligibility_result result;

static const eligibility_failure *evaluate(const eligibility_thresholds *t,
                                           const eligibility_input *in)
{
    eligibility_evaluate(t, in, &result);
    assert_int_equal(result.eligible, result.failure_count == 0);
    return result.failure_count ? &result.failures[0] : NULL;
}

static void assert_eligible(const eligibility_input *in)
{
    evaluate(&defaults, in);
    if (!result.eligible)
        fail_msg("expected eligible, failed %s: %s", result.failures[0].rule,
                 result.failures[0].reason);
    assert_int_equal(result.has_eligible_from, 0);
}

/* Exactly one failure, of `rule` naming `field`; eligible_from when given. */
static const eligibility_failure *assert_fails(const eligibility_input *in, const char *rule,
                                               const char *field, const char *eligible_from)
{
    const eligibility_failure *f = evaluate(&defaults, in);
    assert_non_null(f);
    if (result.failure_count != 1)
        fail_msg("expected one failure (%s), got %zu: %s, %s", rule, result.failure_count,
                 result.failures[0].rule, result.failures[1].rule);
    assert_string_equal(f->rule, rule);
    assert_string_equal(f->field, field);
    assert_true(strlen(f->reason) > 0);
    if (eligible_from) {
        assert_int_equal(f->has_eligible_from, 1);
        assert_int_equal(f->eligible_from, day(eligible_from));
        assert_int_equal(result.has_eligible_from, 1);
        assert_int_equal(result.eligible_from, day(eligible_from));
    } else {
        assert_int_equal(f->has_eligible_from, 0);
        assert_int_equal(result.has_eligible_from, 0);
    }
    return f;
}

static void test_healthy_donor_is_eligible_for_every_procedure(void **state)
{
    (void)state;
    for (int p = 0; p < PROCEDURE_COUNT; p++)
        for (int s = 0; s < 2; s++) {
            eligibility_input in = healthy((donation_procedure)p, (donor_sex)s);
            assert_eligible(&in);
        }
}

static void test_procedure_names(void **state)
{
    (void)state;
    assert_int_equal(eligibility_procedure_parse("whole_blood"), PROCEDURE_WHOLE_BLOOD);
    assert_int_equal(eligibility_procedure_parse("double_red_cells"), PROCEDURE_DOUBLE_RED_CELLS);
    assert_int_equal(eligibility_procedure_parse("plateletpheresis"), PROCEDURE_PLATELETPHERESIS);
    assert_int_equal(eligibility_procedure_parse("plasmapheresis"), PROCEDURE_PLASMAPHERESIS);
    assert_int_equal(eligibility_procedure_parse("Whole_blood"), -1);
    assert_int_equal(eligibility_procedure_parse(NULL), -1);
    assert_string_equal(eligibility_procedure_name(PROCEDURE_PLASMAPHERESIS), "plasmapheresis");
    assert_int_equal(eligibility_deferral_kind_parse("permanent"), DEFERRAL_PERMANENT);
    assert_int_equal(eligibility_deferral_kind_parse("forever"), -1);
    assert_string_equal(eligibility_deferral_kind_name(DEFERRAL_TEMPORARY), "temporary");
}

static void test_age(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.birth_date = day("2009-06-15"); /* 17 today */
    assert_eligible(&in);
    in.birth_date = day("2009-06-16"); /* 17 tomorrow */
    const eligibility_failure *f = assert_fails(&in, "min_age", "birth_date", "2026-06-16");
    assert_non_null(strstr(f->reason, "age 16 is under the minimum of 17"));
    in.birth_date = day("2009-06-14");
    assert_eligible(&in);

    /* 16 with parental consent. */
    in.parental_consent = 1;
    in.birth_date = day("2010-06-15"); /* 16 today */
    assert_eligible(&in);
    in.birth_date = day("2010-06-16"); /* 16 tomorrow */
    assert_fails(&in, "min_age", "birth_date", "2026-06-16");
    in.parental_consent = 0;
    in.birth_date = day("2010-06-15"); /* 16 without consent: waits for 17 */
    assert_fails(&in, "min_age", "birth_date", "2027-06-15");

    /* Born after the day of the check: no waiting cures it. */
    in.birth_date = day("2026-06-16");
    assert_fails(&in, "min_age", "birth_date", NULL);
}

static void test_age_leap_day_birthdays(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    /* 17th birthday in a common year: 1 March. */
    in.birth_date = day("2008-02-29");
    in.today = day("2025-02-28");
    assert_fails(&in, "min_age", "birth_date", "2025-03-01");
    in.today = day("2025-03-01");
    assert_eligible(&in);
    /* 16th birthday, with consent, in a leap year: 29 February itself. */
    in.parental_consent = 1;
    in.today = day("2024-02-28");
    assert_fails(&in, "min_age", "birth_date", "2024-02-29");
    in.today = day("2024-02-29");
    assert_eligible(&in);
}

static void test_weight(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.weight_lb = 110;
    assert_eligible(&in);
    in.weight_lb = 111;
    assert_eligible(&in);
    in.weight_lb = 109;
    const eligibility_failure *f = assert_fails(&in, "min_weight", "weight_lb", NULL);
    assert_string_equal(f->reason, "weight 109 lb is under the minimum of 110 lb");
    in.has_weight = 0;
    f = assert_fails(&in, "min_weight", "weight_lb", NULL);
    assert_non_null(strstr(f->reason, "not measured"));
}

static void test_hemoglobin_by_sex(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.hemoglobin = 125;
    assert_eligible(&in);
    in.hemoglobin = 126;
    assert_eligible(&in);
    in.hemoglobin = 124;
    const eligibility_failure *f = assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "hemoglobin 12.4 g/dL is under the minimum of 12.5 g/dL"));
    assert_non_null(strstr(f->reason, "women"));

    in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    in.hemoglobin = 130;
    assert_eligible(&in);
    in.hemoglobin = 131;
    assert_eligible(&in);
    in.hemoglobin = 129;
    f = assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "12.9 g/dL is under the minimum of 13.0 g/dL"));
}

static void test_hematocrit_alternative(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.has_hemoglobin = 0;
    in.has_hematocrit = 1;
    in.hematocrit = 38;
    assert_eligible(&in);
    in.hematocrit = 39;
    assert_eligible(&in);
    in.hematocrit = 37;
    const eligibility_failure *f = assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "hematocrit 37% is under the minimum"));

    in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    in.has_hemoglobin = 0;
    in.has_hematocrit = 1;
    in.hematocrit = 39;
    assert_eligible(&in);
    in.hematocrit = 38;
    assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);

    /* Either measure suffices: a low hemoglobin with a good hematocrit. */
    in.has_hemoglobin = 1;
    in.hemoglobin = 128;
    in.hematocrit = 40;
    assert_eligible(&in);
    in.hematocrit = 38; /* both low: one failure naming both */
    f = assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "hemoglobin 12.8 g/dL and hematocrit 38% are under"));

    /* Neither measured. */
    in.has_hemoglobin = in.has_hematocrit = 0;
    f = assert_fails(&in, "min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "not measured"));
}

static void test_temperature(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.temperature = 375;
    assert_eligible(&in);
    in.temperature = 374;
    assert_eligible(&in);
    in.temperature = 376;
    const eligibility_failure *f = assert_fails(&in, "max_temperature", "temperature", NULL);
    assert_string_equal(f->reason, "temperature 37.6 C is over the maximum of 37.5 C");
    in.has_temperature = 0;
    assert_fails(&in, "max_temperature", "temperature", NULL);
}

static void test_blood_pressure_and_pulse(void **state)
{
    (void)state;
    static const struct {
        long low, high;
        const char *low_rule, *high_rule, *field;
    } cases[] = {{90, 180, "min_systolic", "max_systolic", "systolic"},
                 {50, 100, "min_diastolic", "max_diastolic", "diastolic"},
                 {50, 100, "min_pulse", "max_pulse", "pulse"}};
    for (size_t c = 0; c < 3; c++) {
        eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
        long *slot = c == 0 ? &in.systolic : c == 1 ? &in.diastolic : &in.pulse;
        long values[] = {cases[c].low, cases[c].low + 1, cases[c].high - 1, cases[c].high};
        for (size_t v = 0; v < 4; v++) {
            *slot = values[v];
            assert_eligible(&in);
        }
        *slot = cases[c].low - 1;
        assert_fails(&in, cases[c].low_rule, cases[c].field, NULL);
        *slot = cases[c].high + 1;
        const eligibility_failure *f = assert_fails(&in, cases[c].high_rule, cases[c].field, NULL);
        assert_non_null(strstr(f->reason, "over the maximum"));
    }
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    in.systolic = 85;
    in.diastolic = 45;
    evaluate(&defaults, &in);
    assert_int_equal(result.failure_count, 2); /* both numbers reported */
    in.has_blood_pressure = 0;
    assert_fails(&in, "blood_pressure", "systolic", NULL);
    in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    in.has_pulse = 0;
    assert_fails(&in, "pulse", "pulse", NULL);
}

static void test_double_red_cells(void **state)
{
    (void)state;
    /* Men: 130 lb, 5 ft 1 in. */
    eligibility_input in = healthy(PROCEDURE_DOUBLE_RED_CELLS, DONOR_MALE);
    in.weight_lb = 130;
    in.height_in = 61;
    assert_eligible(&in);
    in.weight_lb = 129;
    const eligibility_failure *f = assert_fails(&in, "double_red_min_weight", "weight_lb", NULL);
    assert_non_null(strstr(f->reason, "129 lb is under the minimum of 130 lb for double red"));
    in.weight_lb = 131;
    in.height_in = 60;
    f = assert_fails(&in, "double_red_min_height", "height_in", NULL);
    assert_non_null(strstr(f->reason, "5 ft 0 in"));
    in.height_in = 62;
    assert_eligible(&in);
    in.has_height = 0;
    assert_fails(&in, "double_red_min_height", "height_in", NULL);

    /* Women: 150 lb, 5 ft 5 in. */
    in = healthy(PROCEDURE_DOUBLE_RED_CELLS, DONOR_FEMALE);
    in.weight_lb = 150;
    in.height_in = 65;
    assert_eligible(&in);
    in.weight_lb = 149;
    assert_fails(&in, "double_red_min_weight", "weight_lb", NULL);
    in.weight_lb = 151;
    in.height_in = 64;
    assert_fails(&in, "double_red_min_height", "height_in", NULL);
    in.height_in = 66;
    assert_eligible(&in);

    /* 13.3 g/dL or hematocrit 40%, whatever the sex. */
    in.hemoglobin = 133;
    assert_eligible(&in);
    in.hemoglobin = 134;
    assert_eligible(&in);
    in.hemoglobin = 132;
    f = assert_fails(&in, "double_red_min_hemoglobin", "hemoglobin", NULL);
    assert_non_null(strstr(f->reason, "13.2 g/dL is under the minimum of 13.3 g/dL"));
    in.has_hematocrit = 1;
    in.hematocrit = 40;
    assert_eligible(&in);
    in.hematocrit = 39;
    assert_fails(&in, "double_red_min_hemoglobin", "hemoglobin", NULL);
    in.hematocrit = 41;
    assert_eligible(&in);
}

static void test_platelet_count(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_PLATELETPHERESIS, DONOR_FEMALE);
    in.platelet_count = 150;
    assert_eligible(&in);
    in.platelet_count = 151;
    assert_eligible(&in);
    in.platelet_count = 149;
    const eligibility_failure *f =
        assert_fails(&in, "platelet_min_count", "platelet_count", NULL);
    assert_string_equal(f->reason, "platelet count 149,000/uL is under the minimum of 150,000/uL");
    in.has_platelet_count = 0;
    assert_fails(&in, "platelet_min_count", "platelet_count", NULL);
    /* Not needed for the other procedures. */
    in.procedure = PROCEDURE_PLASMAPHERESIS;
    assert_eligible(&in);
}

/* The day before, of and after the end of an interval: `earlier` given on
 * `given`, `next` planned; it may be given `days` days later. */
static void assert_interval(donation_procedure earlier, donation_procedure next, long days,
                            const char *rule)
{
    eligibility_donation donation = {earlier, day("2026-01-10")};
    eligibility_input in = healthy(next, DONOR_MALE);
    in.donations = &donation;
    in.donation_count = 1;
    civil_day from = date_add_days(donation.day, (int32_t)days);
    char from_text[DATE_TEXT_MAX];
    date_format(from, from_text, sizeof from_text);
    in.today = date_add_days(from, -1);
    const eligibility_failure *f = assert_fails(&in, rule, "procedure", from_text);
    assert_non_null(strstr(f->reason, "2026-01-10"));
    in.today = from;
    assert_eligible(&in);
    in.today = date_add_days(from, 1);
    assert_eligible(&in);
    in.today = donation.day; /* the same day */
    assert_fails(&in, rule, "procedure", from_text);
}

static void test_intervals(void **state)
{
    (void)state;
    /* Red-cell losses: 56 days after whole blood, 112 after double red
     * cells, before any procedure. */
    for (int next = 0; next < PROCEDURE_COUNT; next++) {
        assert_interval(PROCEDURE_WHOLE_BLOOD, (donation_procedure)next, 56,
                        "interval_whole_blood");
        assert_interval(PROCEDURE_DOUBLE_RED_CELLS, (donation_procedure)next, 112,
                        "interval_double_red_cells");
        /* Plasma: 28 days; platelets: 2 days. */
        assert_interval(PROCEDURE_PLASMAPHERESIS, (donation_procedure)next, 28,
                        "interval_plasmapheresis");
        assert_interval(PROCEDURE_PLATELETPHERESIS, (donation_procedure)next, 2,
                        "interval_plateletpheresis");
    }
}

static void test_intervals_use_the_latest_donation(void **state)
{
    (void)state;
    eligibility_donation donations[] = {
        {PROCEDURE_WHOLE_BLOOD, day("2026-05-01")},
        {PROCEDURE_WHOLE_BLOOD, day("2025-11-01")},
    };
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.donations = donations;
    in.donation_count = 2;
    assert_fails(&in, "interval_whole_blood", "procedure", "2026-06-26");
}

static void test_platelets_in_7_days(void **state)
{
    (void)state;
    /* Two in the last 7 days: the third waits for the older to leave. */
    eligibility_donation donations[] = {
        {PROCEDURE_PLATELETPHERESIS, day("2026-06-09")},
        {PROCEDURE_PLATELETPHERESIS, day("2026-06-12")},
    };
    eligibility_input in = healthy(PROCEDURE_PLATELETPHERESIS, DONOR_MALE);
    in.donations = donations;
    in.donation_count = 2;
    in.today = day("2026-06-15"); /* 06-09 is 6 days back: still in the window */
    const eligibility_failure *f =
        assert_fails(&in, "platelet_max_in_7_days", "procedure", "2026-06-16");
    assert_non_null(strstr(f->reason, "2 plateletpheresis donations in the last 7 days"));
    in.today = day("2026-06-16"); /* 06-09 is 7 days back: out */
    assert_eligible(&in);
    in.today = day("2026-06-17");
    assert_eligible(&in);
    /* One in the window is fine (2 days apart is enough). */
    donations[0].day = day("2026-06-01");
    in.today = day("2026-06-14");
    assert_eligible(&in);
    /* Other procedures do not count. */
    donations[0] = (eligibility_donation){PROCEDURE_PLASMAPHERESIS, day("2026-05-01")};
    donations[1].day = day("2026-06-12");
    in.today = day("2026-06-14");
    assert_eligible(&in);
}

static void test_platelets_in_12_months(void **state)
{
    (void)state;
    /* 24 donations, every 14 days, the oldest on 2025-07-01. */
    eligibility_donation donations[25];
    civil_day first = day("2025-07-01");
    for (int i = 0; i < 24; i++)
        donations[i] = (eligibility_donation){PROCEDURE_PLATELETPHERESIS,
                                              date_add_days(first, 14 * i)};
    eligibility_input in = healthy(PROCEDURE_PLATELETPHERESIS, DONOR_FEMALE);
    in.donations = donations;
    in.donation_count = 24;
    in.today = day("2026-06-30"); /* the oldest is still within 12 months */
    const eligibility_failure *f =
        assert_fails(&in, "platelet_max_in_12_months", "procedure", "2026-07-01");
    assert_non_null(strstr(f->reason, "24 plateletpheresis donations in the last 12 months"));
    in.today = day("2026-07-01"); /* 12 months after the oldest: out */
    assert_eligible(&in);
    in.today = day("2026-07-02");
    assert_eligible(&in);
    /* 23 in the window: the 24th may be given. */
    in.donations = donations + 1;
    in.donation_count = 23;
    in.today = day("2026-06-30");
    assert_eligible(&in);
    /* A leap-day donation counts until 28 February of the next year. */
    eligibility_donation leap[] = {{PROCEDURE_PLATELETPHERESIS, day("2024-02-29")}};
    eligibility_thresholds one = defaults;
    one.platelet_max_in_12_months = 1;
    in.donations = leap;
    in.donation_count = 1;
    in.today = day("2025-02-27");
    evaluate(&one, &in);
    assert_int_equal(result.failure_count, 1);
    assert_string_equal(result.failures[0].rule, "platelet_max_in_12_months");
    assert_int_equal(result.failures[0].eligible_from, day("2025-02-28"));
    in.today = day("2025-02-28");
    evaluate(&one, &in);
    assert_int_equal(result.eligible, 1);
}

static void test_deferrals(void **state)
{
    (void)state;
    eligibility_deferral deferral = {DEFERRAL_TEMPORARY, day("2026-07-01"), "TRAVEL"};
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.deferrals = &deferral;
    in.deferral_count = 1;
    in.today = day("2026-06-30");
    const eligibility_failure *f = assert_fails(&in, "deferral", "deferral", "2026-07-01");
    assert_string_equal(f->reason, "deferred (TRAVEL) until 2026-07-01");
    in.today = day("2026-07-01"); /* the donor may give again on until */
    assert_eligible(&in);
    deferral.kind = DEFERRAL_INDEFINITE;
    f = assert_fails(&in, "deferral", "deferral", NULL);
    assert_string_equal(f->reason, "deferred indefinitely (TRAVEL)");
    deferral.kind = DEFERRAL_PERMANENT;
    deferral.reason_code = "REACTIVE_TEST";
    f = assert_fails(&in, "deferral", "deferral", NULL);
    assert_string_equal(f->reason, "permanently deferred (REACTIVE_TEST)");
}

/* The donor step judges no measurement: a donor with nothing measured is
 * stopped only by who they are and what they gave. */
static void test_donor_step_skips_measurements(void **state)
{
    (void)state;
    eligibility_input in;
    memset(&in, 0, sizeof in);
    in.procedure = PROCEDURE_PLATELETPHERESIS;
    in.today = day("2026-06-15");
    in.birth_date = day("1996-03-10");
    in.skip_measurements = 1;
    assert_eligible(&in);
    in.skip_measurements = 0;
    evaluate(&defaults, &in);
    assert_true(result.failure_count >= 5); /* weight, red cells, vitals, platelet count */
    in.skip_measurements = 1;
    eligibility_donation donation = {PROCEDURE_WHOLE_BLOOD, day("2026-06-01")};
    in.donations = &donation;
    in.donation_count = 1;
    assert_fails(&in, "interval_whole_blood", "procedure", "2026-07-27");
    in.donation_count = 0;
    in.birth_date = day("2010-07-01"); /* 15 */
    assert_fails(&in, "min_age", "birth_date", "2027-07-01");
}

/* The standing a list shows: the most severe deferral in force decides,
 * and the next day is the first the waiting rules allow. */
static void test_standing(void **state)
{
    (void)state;
    donor_standing s;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_ELIGIBLE);
    assert_null(s.reason_code);
    assert_int_equal(s.has_next_day, 1);
    assert_int_equal(s.next_day, in.today);

    /* A whole blood donation 20 days ago: eligible, from day 56. */
    eligibility_donation donations[] = {{PROCEDURE_WHOLE_BLOOD, day("2026-05-26")},
                                        {PROCEDURE_PLATELETPHERESIS, day("2026-06-14")}};
    in.donations = donations;
    in.donation_count = 2;
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_ELIGIBLE);
    assert_int_equal(s.next_day, day("2026-07-21"));

    /* Two temporary deferrals: the one that ends last decides. */
    eligibility_deferral deferrals[] = {{DEFERRAL_TEMPORARY, day("2026-09-01"), "TRAVEL"},
                                        {DEFERRAL_TEMPORARY, day("2026-10-01"), "TATTOO_PIERCING"},
                                        {DEFERRAL_TEMPORARY, day("2026-06-15"), "ILLNESS"},
                                        {DEFERRAL_PERMANENT, 0, "REACTIVE_TEST"},
                                        {DEFERRAL_INDEFINITE, 0, "MEDICATION"}};
    in.deferrals = deferrals;
    in.deferral_count = 3;
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_DEFERRED_TEMPORARY);
    assert_string_equal(s.reason_code, "TATTOO_PIERCING");
    assert_int_equal(s.deferred_until, day("2026-10-01"));
    assert_int_equal(s.next_day, day("2026-10-01"));
    assert_string_equal(eligibility_standing_name(s.status), "deferred_temporary");

    /* A temporary deferral that ended today is over. */
    in.deferrals = &deferrals[2];
    in.deferral_count = 1;
    in.donation_count = 0;
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_ELIGIBLE);
    assert_int_equal(s.next_day, in.today);

    /* Permanent outranks indefinite and temporary, in any order; no day. */
    in.deferrals = deferrals;
    in.deferral_count = 5;
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_DEFERRED_PERMANENT);
    assert_string_equal(s.reason_code, "REACTIVE_TEST");
    assert_int_equal(s.has_next_day, 0);
    in.deferrals = &deferrals[4];
    in.deferral_count = 1;
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_DEFERRED_INDEFINITE);
    assert_string_equal(s.reason_code, "MEDICATION");
    assert_int_equal(s.has_next_day, 0);

    /* Age counts with consent: a 15-year-old may give from 16. */
    in.deferral_count = 0;
    in.birth_date = day("2011-01-20");
    eligibility_standing_evaluate(&defaults, &in, &s);
    assert_int_equal(s.status, STANDING_ELIGIBLE);
    assert_int_equal(s.next_day, day("2027-01-20"));

    for (int i = 0; i < STANDING_COUNT; i++)
        assert_int_equal(eligibility_standing_parse(eligibility_standing_name(i)), i);
    assert_int_equal(eligibility_standing_parse("deferred"), -1);
    assert_int_equal(eligibility_standing_parse(NULL), -1);
}

static void test_every_failure_reported(void **state)
{
    (void)state;
    eligibility_donation donation = {PROCEDURE_WHOLE_BLOOD, day("2026-05-01")};
    eligibility_deferral deferral = {DEFERRAL_TEMPORARY, day("2026-08-01"), "TATTOO_PIERCING"};
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_MALE);
    in.donations = &donation;
    in.donation_count = 1;
    in.deferrals = &deferral;
    in.deferral_count = 1;
    /* Curable only by waiting: the latest day of the two. */
    evaluate(&defaults, &in);
    assert_int_equal(result.failure_count, 2);
    assert_int_equal(result.has_eligible_from, 1);
    assert_int_equal(result.eligible_from, day("2026-08-01"));
    deferral.until = day("2026-06-20");
    evaluate(&defaults, &in);
    assert_int_equal(result.eligible_from, day("2026-06-26")); /* 05-01 + 56 */
    /* Add what waiting does not cure: no overall day. */
    in.weight_lb = 100;
    in.hemoglobin = 120;
    in.pulse = 110;
    evaluate(&defaults, &in);
    assert_int_equal(result.eligible, 0);
    assert_int_equal(result.failure_count, 5);
    assert_int_equal(result.has_eligible_from, 0);
    const char *rules[5];
    for (size_t i = 0; i < 5; i++)
        rules[i] = result.failures[i].rule;
    const char *expected[] = {"deferral", "min_weight", "min_hemoglobin", "max_pulse",
                              "interval_whole_blood"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(rules[i], expected[i]);
    assert_int_equal(result.failures[4].has_eligible_from, 1);
    assert_int_equal(result.failures[1].has_eligible_from, 0);
}

static void test_thresholds_overridden(void **state)
{
    (void)state;
    eligibility_thresholds t = defaults;
    err e;
    assert_int_equal(eligibility_threshold_set(&t, "min_weight_lb", 120, &e), 0);
    assert_int_equal(t.min_weight_lb, 120);
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    in.weight_lb = 115;
    evaluate(&t, &in);
    assert_int_equal(result.failure_count, 1);
    assert_string_equal(result.failures[0].reason, "weight 115 lb is under the minimum of 120 lb");
    assert_eligible(&in); /* the defaults accept 115 */

    assert_int_equal(eligibility_threshold_set(&t, "days_after_whole_blood", 60, &e), 0);
    eligibility_donation donation = {PROCEDURE_WHOLE_BLOOD, day("2026-04-20")};
    in.weight_lb = 130;
    in.donations = &donation;
    in.donation_count = 1; /* 56 days ago */
    evaluate(&t, &in);
    assert_int_equal(result.failure_count, 1);
    assert_int_equal(result.eligible_from, day("2026-06-19"));

    /* Refused: unknown name, out of range, a minimum above its maximum. */
    assert_int_equal(eligibility_threshold_set(&t, "min_wait", 1, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_string_equal(e.field, "name");
    assert_int_equal(eligibility_threshold_set(&t, "min_weight_lb", 79, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "value");
    assert_int_equal(eligibility_threshold_set(&t, "min_systolic", 190, &e), -1);
    assert_string_equal(e.field, "value");
    assert_non_null(strstr(e.message, "max_systolic"));
    assert_int_equal(t.min_systolic, 90); /* unchanged */
    assert_int_equal(t.min_weight_lb, 120);
}

static void test_threshold_names(void **state)
{
    (void)state;
    size_t count = 0;
    for (const eligibility_threshold_name *n = eligibility_threshold_names; n->name; n++) {
        long value = *(const long *)((const char *)&defaults + n->offset);
        assert_true(value >= n->min && value <= n->max);
        assert_int_equal(n->offset, count * sizeof(long)); /* struct order, each once */
        assert_ptr_equal(eligibility_threshold_find(n->name), n);
        assert_int_equal(eligibility_threshold_get(&defaults, n), value);
        count++;
    }
    assert_null(eligibility_threshold_find("min_weight"));
    assert_null(eligibility_threshold_find(NULL));
    assert_int_equal(count * sizeof(long), sizeof(eligibility_thresholds));
    assert_int_equal(defaults.min_hemoglobin_female, 125);
    assert_int_equal(defaults.days_after_double_red_cells, 112);
}

/* Due back: may give today, held back by an interval a week ago. Today is
 * 2026-06-15; whole blood holds back 56 days. */
static void test_due_back(void **state)
{
    (void)state;
    eligibility_input in = healthy(PROCEDURE_WHOLE_BLOOD, DONOR_FEMALE);
    civil_day since = 0;
    eligibility_donation donation = {PROCEDURE_WHOLE_BLOOD, day("2026-04-17")}; /* 59 days */
    in.donations = &donation;
    in.donation_count = 1;
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 1);
    assert_int_equal(since, day("2026-06-12"));

    /* 62 days ago: ended 6 days ago, due; 63 days ago: could give a week ago. */
    donation.day = day("2026-04-14");
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 1);
    assert_int_equal(since, day("2026-06-09"));
    donation.day = day("2026-04-13");
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 0);
    /* Ends today: due since today; ends tomorrow: not yet. */
    donation.day = day("2026-04-20");
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 1);
    assert_int_equal(since, in.today);
    donation.day = day("2026-04-21");
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 0);

    /* Double red cells hold back 112 days, every procedure alike. */
    donation = (eligibility_donation){PROCEDURE_DOUBLE_RED_CELLS, day("2026-02-20")};
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 1);
    assert_int_equal(since, day("2026-06-12"));
    assert_int_equal(eligibility_interval_days(&defaults, PROCEDURE_DOUBLE_RED_CELLS), 112);
    assert_int_equal(eligibility_interval_days(&defaults, PROCEDURE_PLATELETPHERESIS), 2);

    /* A deferral in force today: not due. One that ended 3 days ago,
     * without an interval: not due either (not an interval). */
    donation = (eligibility_donation){PROCEDURE_WHOLE_BLOOD, day("2026-04-17")};
    eligibility_deferral travel = {DEFERRAL_TEMPORARY, day("2026-07-01"), "TRAVEL"};
    in.deferrals = &travel;
    in.deferral_count = 1;
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 0);
    travel.until = day("2026-06-12");
    in.donation_count = 0;
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 0);
    in.donation_count = 1;
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 1);

    /* No donation at all: never due back. */
    in.deferral_count = 0;
    in.donation_count = 0;
    assert_int_equal(eligibility_due_back(&defaults, &in, 7, &since), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy_donor_is_eligible_for_every_procedure),
        cmocka_unit_test(test_procedure_names),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_age_leap_day_birthdays),
        cmocka_unit_test(test_weight),
        cmocka_unit_test(test_hemoglobin_by_sex),
        cmocka_unit_test(test_hematocrit_alternative),
        cmocka_unit_test(test_temperature),
        cmocka_unit_test(test_blood_pressure_and_pulse),
        cmocka_unit_test(test_double_red_cells),
        cmocka_unit_test(test_platelet_count),
        cmocka_unit_test(test_intervals),
        cmocka_unit_test(test_intervals_use_the_latest_donation),
        cmocka_unit_test(test_platelets_in_7_days),
        cmocka_unit_test(test_platelets_in_12_months),
        cmocka_unit_test(test_deferrals),
        cmocka_unit_test(test_donor_step_skips_measurements),
        cmocka_unit_test(test_standing),
        cmocka_unit_test(test_due_back),
        cmocka_unit_test(test_every_failure_reported),
        cmocka_unit_test(test_thresholds_overridden),
        cmocka_unit_test(test_threshold_names),
    };
    return cmocka_run_group_tests_name("eligibility rules", tests, setup, NULL);
}
