/*
 * test_measurement.c - unit tests of the table of measurements taken
 * before a donation (domain/measurement.c): every field named, labelled,
 * helped and in the order collections store them; the values each accepts
 * (the same as the eligibility check has always taken: at its limits, one
 * past them, decimals, signs and words) with the message that names the
 * field; values put into and read from the rule engine's input; and the
 * API's body fields and the command line's options, both made from the
 * table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli/measurements.h"
#include "domain/measurement.h"
#include "http/measurements.h"

/* What the eligibility check accepted before the table, field by field. */
static const struct {
    const char *name;
    measurement_kind kind;
    long min, max;
} accepted[MEASUREMENT_COUNT] = {
    {"weight_lb", MEASUREMENT_WHOLE, 1, 1000},      {"height_in", MEASUREMENT_WHOLE, 12, 120},
    {"hemoglobin", MEASUREMENT_TENTHS, 10, 300},    {"hematocrit", MEASUREMENT_WHOLE, 1, 100},
    {"temperature", MEASUREMENT_TENTHS, 300, 450},  {"systolic", MEASUREMENT_WHOLE, 20, 300},
    {"diastolic", MEASUREMENT_WHOLE, 10, 250},      {"pulse", MEASUREMENT_WHOLE, 10, 300},
    {"platelet_count", MEASUREMENT_WHOLE, 1, 3000}, {"parental_consent", MEASUREMENT_YES_NO, 0, 1},
};

static void test_every_field_is_described(void **state)
{
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        assert_string_equal(f->name, accepted[i].name);
        assert_int_equal(f->kind, accepted[i].kind);
        assert_int_equal(f->min, accepted[i].min);
        assert_int_equal(f->max, accepted[i].max);
        /* The option is the name with hyphens. */
        char option[64];
        snprintf(option, sizeof option, "%s", f->name);
        for (char *p = option; *p; p++)
            if (*p == '_')
                *p = '-';
        assert_string_equal(f->option, option);
        /* Only the yes/no field is a flag. */
        assert_int_equal(f->value_name == NULL, f->kind == MEASUREMENT_YES_NO);
        assert_true(f->label[0] >= 'A' && f->label[0] <= 'Z');
        assert_true(f->help[0] && f->help[strlen(f->help) - 1] == '.');
        assert_int_equal(f->unit[0] == '\0', f->kind == MEASUREMENT_YES_NO);
        assert_int_equal(measurement_find(f->name), i);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(measurement_fields[j].name, f->name);
    }
    assert_int_equal(measurement_find("volume_ml"), -1);
    assert_int_equal(measurement_find(NULL), -1);
    /* The measured values come first; the consent last. */
    assert_int_equal(MEASUREMENT_MEASURED_COUNT, MEASUREMENT_COUNT - 1);
    assert_int_equal(MEASUREMENT_PARENTAL_CONSENT, MEASUREMENT_COUNT - 1);
}

static void test_labels_and_units_as_forms_show_them(void **state)
{
    static const char *const shown[MEASUREMENT_COUNT] = {
        "Weight (lb)", "Height (in)", "Hemoglobin (g/dL)", "Hematocrit (%)",
        "Temperature (\u00b0C)", "Systolic pressure (mmHg)", "Diastolic pressure (mmHg)",
        "Pulse (beats per minute)", "Platelet count (thousands per \u00b5L)", "Parental consent"};
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        char text[96];
        if (f->unit[0])
            snprintf(text, sizeof text, "%s (%s)", f->label, f->unit);
        else
            snprintf(text, sizeof text, "%s", f->label);
        assert_string_equal(text, shown[i]);
    }
    assert_string_equal(measurement_kind_name(MEASUREMENT_WHOLE), "whole");
    assert_string_equal(measurement_kind_name(MEASUREMENT_TENTHS), "tenths");
    assert_string_equal(measurement_kind_name(MEASUREMENT_YES_NO), "yes_no");
    assert_int_equal(measurement_decimals(MEASUREMENT_TENTHS), 1);
    assert_int_equal(measurement_decimals(MEASUREMENT_WHOLE), 0);
    assert_int_equal(measurement_decimals(MEASUREMENT_YES_NO), 0);
}

static void assert_parsed(measurement_id id, const char *text, long expected)
{
    err e = {0};
    long value = -99;
    if (measurement_parse(id, text, &value, &e))
        fail_msg("%s = '%s' refused: %s", measurement_fields[id].name, text, e.message);
    assert_int_equal(value, expected);
}

static void assert_refused(measurement_id id, const char *text, const char *message)
{
    err e = {0};
    long value = -99;
    assert_int_equal(measurement_parse(id, text, &value, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, measurement_fields[id].name);
    assert_string_equal(e.message, message);
    assert_int_equal(value, -99);
}

static void test_whole_numbers_within_their_range(void **state)
{
    static const char *const messages[MEASUREMENT_COUNT] = {
        [MEASUREMENT_WEIGHT_LB] = "must be a whole number from 1 to 1000",
        [MEASUREMENT_HEIGHT_IN] = "must be a whole number from 12 to 120",
        [MEASUREMENT_HEMATOCRIT] = "must be a whole number from 1 to 100",
        [MEASUREMENT_SYSTOLIC] = "must be a whole number from 20 to 300",
        [MEASUREMENT_DIASTOLIC] = "must be a whole number from 10 to 250",
        [MEASUREMENT_PULSE] = "must be a whole number from 10 to 300",
        [MEASUREMENT_PLATELET_COUNT] = "must be a whole number from 1 to 3000",
    };
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        if (measurement_fields[i].kind != MEASUREMENT_WHOLE)
            continue;
        long min = accepted[i].min, max = accepted[i].max;
        char text[32];
        snprintf(text, sizeof text, "%ld", min);
        assert_parsed(i, text, min);
        snprintf(text, sizeof text, "%ld", max);
        assert_parsed(i, text, max);
        snprintf(text, sizeof text, "%ld", min - 1);
        assert_refused(i, text, messages[i]);
        snprintf(text, sizeof text, "%ld", max + 1);
        assert_refused(i, text, messages[i]);
        assert_refused(i, "", messages[i]);
        assert_refused(i, "70.5", messages[i]);
        assert_refused(i, "seventy", messages[i]);
        assert_refused(i, "70 ", messages[i]);
        assert_refused(i, "99999999999999999999999", messages[i]);
    }
    /* As strtol reads it: a sign and leading spaces pass. */
    assert_parsed(MEASUREMENT_PULSE, "+70", 70);
    assert_parsed(MEASUREMENT_PULSE, " 70", 70);
}

static void test_tenths_with_at_most_one_decimal(void **state)
{
    const char *hemoglobin = "must be a number in g/dL with at most one decimal, from 1.0 to 30.0";
    assert_parsed(MEASUREMENT_HEMOGLOBIN, "13.4", 134);
    assert_parsed(MEASUREMENT_HEMOGLOBIN, "13", 130);
    assert_parsed(MEASUREMENT_HEMOGLOBIN, "1.0", 10);
    assert_parsed(MEASUREMENT_HEMOGLOBIN, "30.0", 300);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "0.9", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "30.1", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "13.45", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, ".5", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "13.", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "-13.4", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, "", hemoglobin);
    assert_refused(MEASUREMENT_HEMOGLOBIN, NULL, hemoglobin);
    const char *temperature =
        "must be a number in degrees Celsius with at most one decimal, from 30.0 to 45.0";
    assert_parsed(MEASUREMENT_TEMPERATURE, "36.8", 368);
    assert_parsed(MEASUREMENT_TEMPERATURE, "30", 300);
    assert_parsed(MEASUREMENT_TEMPERATURE, "45.0", 450);
    assert_refused(MEASUREMENT_TEMPERATURE, "29.9", temperature);
    assert_refused(MEASUREMENT_TEMPERATURE, "45.1", temperature);
    assert_refused(MEASUREMENT_TEMPERATURE, "98.6F", temperature);
}

static void test_yes_or_no(void **state)
{
    assert_parsed(MEASUREMENT_PARENTAL_CONSENT, "yes", 1);
    assert_parsed(MEASUREMENT_PARENTAL_CONSENT, "true", 1);
    assert_parsed(MEASUREMENT_PARENTAL_CONSENT, "no", 0);
    assert_parsed(MEASUREMENT_PARENTAL_CONSENT, "false", 0);
    assert_refused(MEASUREMENT_PARENTAL_CONSENT, "maybe", "must be yes or no");
}

static void test_values_go_where_the_rules_read_them(void **state)
{
    eligibility_input in;
    memset(&in, 0, sizeof in);
    long value;
    for (int i = 0; i < MEASUREMENT_MEASURED_COUNT; i++)
        assert_int_equal(measurement_input_get(&in, i, &value), 0);
    measurement_input_set(&in, MEASUREMENT_WEIGHT_LB, 150);
    measurement_input_set(&in, MEASUREMENT_HEMOGLOBIN, 134);
    measurement_input_set(&in, MEASUREMENT_SYSTOLIC, 120);
    measurement_input_set(&in, MEASUREMENT_DIASTOLIC, 80);
    measurement_input_set(&in, MEASUREMENT_PLATELET_COUNT, 250);
    measurement_input_set(&in, MEASUREMENT_PARENTAL_CONSENT, 1);
    assert_true(in.has_weight && in.weight_lb == 150);
    assert_true(in.has_hemoglobin && in.hemoglobin == 134);
    assert_true(in.has_blood_pressure && in.systolic == 120 && in.diastolic == 80);
    assert_true(in.has_platelet_count && in.platelet_count == 250);
    assert_int_equal(in.parental_consent, 1);
    assert_false(in.has_height || in.has_hematocrit || in.has_temperature || in.has_pulse);
    assert_int_equal(measurement_input_get(&in, MEASUREMENT_HEMOGLOBIN, &value), 1);
    assert_int_equal(value, 134);
    assert_int_equal(measurement_input_get(&in, MEASUREMENT_DIASTOLIC, &value), 1);
    assert_int_equal(value, 80);
    assert_int_equal(measurement_input_get(&in, MEASUREMENT_PULSE, &value), 0);
    assert_int_equal(value, 0);
    assert_int_equal(measurement_input_get(&in, MEASUREMENT_PARENTAL_CONSENT, &value), 1);
    assert_int_equal(value, 1);
}

static void test_body_fields_and_options_come_from_the_table(void **state)
{
    static const http_field fields[] = {HTTP_MEASUREMENT_FIELDS, {0}};
    static const cli_option options[] = {CLI_MEASUREMENT_OPTIONS, {0}};
    assert_string_equal(fields[0].name, "procedure");
    assert_int_equal(fields[0].required, 1);
    assert_string_equal(options[0].name, "procedure");
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        assert_string_equal(fields[i + 1].name, f->name);
        assert_int_equal(fields[i + 1].required, 0);
        assert_int_equal(fields[i + 1].type, f->kind == MEASUREMENT_WHOLE    ? FIELD_INTEGER_TEXT
                                             : f->kind == MEASUREMENT_TENTHS ? FIELD_DECIMAL_TEXT
                                                                             : FIELD_BOOLEAN);
        assert_string_equal(options[i + 1].name, f->option);
        if (f->value_name)
            assert_string_equal(options[i + 1].value_name, f->value_name);
        else
            assert_null(options[i + 1].value_name);
        assert_string_equal(options[i + 1].help, f->help);
    }
    assert_null(fields[MEASUREMENT_COUNT + 1].name);
    assert_null(options[MEASUREMENT_COUNT + 1].name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_is_described),
        cmocka_unit_test(test_labels_and_units_as_forms_show_them),
        cmocka_unit_test(test_whole_numbers_within_their_range),
        cmocka_unit_test(test_tenths_with_at_most_one_decimal),
        cmocka_unit_test(test_yes_or_no),
        cmocka_unit_test(test_values_go_where_the_rules_read_them),
        cmocka_unit_test(test_body_fields_and_options_come_from_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
