/*
 * measurement.h - the measurements taken before a donation, and the
 * parental consent of a 16-year-old donor, in one table: each field's API
 * name, command-line option, label, unit, kind (a whole number, a number
 * with one decimal, or yes/no), the values accepted and a line of help.
 * What reads or shows a measurement reads this table: the API's body
 * fields (http/measurements.h) and its reference data (GET
 * /api/v1/reference, which the web application builds its form from), the
 * command-line options (cli/measurements.h), the service's checks
 * (donor_eligibility_request_parse) and a collection's columns
 * (service/collection.c). Pure functions, no I/O.
 *
 * Values are held as the rule engine reads them (eligibility.h): whole
 * numbers in their unit, hemoglobin and temperature in tenths (134 = 13.4
 * g/dL), yes/no as 1/0.
 */
#ifndef BLOODOPS_DOMAIN_MEASUREMENT_H
#define BLOODOPS_DOMAIN_MEASUREMENT_H

#include <stddef.h>
#include "base/error.h"
#include "domain/eligibility.h"

typedef enum {
    MEASUREMENT_WHOLE,  /* a whole number: "150" */
    MEASUREMENT_TENTHS, /* at most one decimal: "13.4", held as 134 */
    MEASUREMENT_YES_NO, /* yes or no: held as 1 or 0 */
} measurement_kind;

/*
 * The table, one X(...) per field, in the order forms, options, checks and
 * answers list them (the measured values first, the consent last):
 *
 *   X(ID, NAME, OPTION, VALUE_NAME, KIND, MIN, MAX, LABEL, UNIT, UNIT_TEXT, HELP)
 *
 * ID: the field's MEASUREMENT_ID. NAME: its name in the API, in answers and
 * in the rule engine's failures. OPTION and VALUE_NAME: its command-line
 * option (VALUE_NAME NULL: a flag, given means yes). MIN and MAX: the values
 * accepted, in tenths for MEASUREMENT_TENTHS (none for yes/no). LABEL and
 * UNIT: as a form shows them, "Hemoglobin (g/dL)" (UNIT "" for none).
 * UNIT_TEXT: the unit in the words of an error message. HELP: how to give
 * the value, for a form's hint and the option's help.
 */
#define MEASUREMENT_TABLE(X)                                                                       \
    X(WEIGHT_LB, "weight_lb", "weight-lb", "LB", WHOLE, 1, 1000, "Weight", "lb", "lb",             \
      "Whole pounds.")                                                                             \
    X(HEIGHT_IN, "height_in", "height-in", "IN", WHOLE, 12, 120, "Height", "in", "in",             \
      "Whole inches (5 ft 5 in = 65); needed for double red cells.")                               \
    X(HEMOGLOBIN, "hemoglobin", "hemoglobin", "G/DL", TENTHS, 10, 300, "Hemoglobin", "g/dL",       \
      "g/dL", "In g/dL, one decimal, e.g. 13.4.")                                                  \
    X(HEMATOCRIT, "hematocrit", "hematocrit", "PCT", WHOLE, 1, 100, "Hematocrit", "%", "%",        \
      "Whole percent; instead of or with hemoglobin.")                                             \
    X(TEMPERATURE, "temperature", "temperature", "C", TENTHS, 300, 450, "Temperature",             \
      "\u00b0C", "degrees Celsius", "Degrees Celsius, one decimal, e.g. 36.8.")                    \
    X(SYSTOLIC, "systolic", "systolic", "MMHG", WHOLE, 20, 300, "Systolic pressure", "mmHg",       \
      "mmHg", "The upper number of the blood pressure; given with the diastolic.")                 \
    X(DIASTOLIC, "diastolic", "diastolic", "MMHG", WHOLE, 10, 250, "Diastolic pressure",           \
      "mmHg", "mmHg", "The lower number of the blood pressure; given with the systolic.")          \
    X(PULSE, "pulse", "pulse", "BPM", WHOLE, 10, 300, "Pulse", "beats per minute",                 \
      "beats per minute", "Whole beats per minute.")                                               \
    X(PLATELET_COUNT, "platelet_count", "platelet-count", "K/UL", WHOLE, 1, 3000,                  \
      "Platelet count", "thousands per \u00b5L", "thousands per uL",                               \
      "For platelets by apheresis: 150 = 150,000/\u00b5L.")                                        \
    X(PARENTAL_CONSENT, "parental_consent", "parental-consent", NULL, YES_NO, 0, 1,                \
      "Parental consent", "", "", "For a 16-year-old donor: a parent consents.")

#define MEASUREMENT_ENUM_(id, ...) MEASUREMENT_##id,
typedef enum {
    MEASUREMENT_TABLE(MEASUREMENT_ENUM_)
    MEASUREMENT_COUNT,
    /* The measured values come first: a collection stores each in a
     * column of its own; the parental consent is not a measurement. */
    MEASUREMENT_MEASURED_COUNT = MEASUREMENT_PARENTAL_CONSENT,
} measurement_id;
#undef MEASUREMENT_ENUM_

typedef struct {
    const char *name;       /* "hemoglobin" */
    const char *option;     /* "hemoglobin", as --hemoglobin */
    const char *value_name; /* "G/DL"; NULL: a flag */
    measurement_kind kind;
    long min, max;          /* accepted, in tenths for MEASUREMENT_TENTHS */
    const char *label;      /* "Hemoglobin" */
    const char *unit;       /* "g/dL"; "" for none */
    const char *unit_text;  /* "degrees Celsius": as an error message says it */
    const char *help;       /* "One decimal, e.g. 13.4." */
} measurement_field;

/* The table, indexed by measurement_id. */
extern const measurement_field measurement_fields[MEASUREMENT_COUNT];

/* "whole", "tenths", "yes_no". */
const char *measurement_kind_name(measurement_kind kind);
/* Decimals shown: 1 for tenths, else 0. */
int measurement_decimals(measurement_kind kind);
/* The field called `name` (its API name); -1 when none is. */
int measurement_find(const char *name);

/* Read the text of field `id` as the API or the command line gave it into
 * *out (tenths for MEASUREMENT_TENTHS, 1 or 0 for yes/no). ERR_INVALID
 * naming the field, with what is accepted: "must be a whole number from 1
 * to 1000", "must be a number in g/dL with at most one decimal, from 1.0
 * to 30.0", "must be yes or no". */
int measurement_parse(measurement_id id, const char *text, long *out, err *e);

/* Put a parsed value into the rule engine's input: the measurement and
 * its "measured" flag (has_weight...), or the parental consent. */
void measurement_input_set(eligibility_input *in, measurement_id id, long value);
/* Whether field `id` was measured in `in`, and its value in *value (the
 * parental consent is always given: 1 or 0). */
int measurement_input_get(const eligibility_input *in, measurement_id id, long *value);

#endif
