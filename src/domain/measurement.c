/*
 * measurement.c - the table of the measurements taken before a donation,
 * their parsing, and where the rule engine's input holds each one (see
 * measurement.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "domain/catalog.h"
#include "domain/measurement.h"

#define MEASUREMENT_ROW_(id, name, option, value_name, kind, min, max, label, unit, unit_text,  \
                         help)                                                                   \
    [MEASUREMENT_##id] = {name,  option, value_name, MEASUREMENT_##kind, min, max, label, unit,  \
                          unit_text, help},
const measurement_field measurement_fields[MEASUREMENT_COUNT] = {
    MEASUREMENT_TABLE(MEASUREMENT_ROW_)};
#undef MEASUREMENT_ROW_

/* Where eligibility_input holds each measured value and its flag. */
static const struct {
    size_t value, measured;
} input_slots[MEASUREMENT_MEASURED_COUNT] = {
    [MEASUREMENT_WEIGHT_LB] = {offsetof(eligibility_input, weight_lb),
                               offsetof(eligibility_input, has_weight)},
    [MEASUREMENT_HEIGHT_IN] = {offsetof(eligibility_input, height_in),
                               offsetof(eligibility_input, has_height)},
    [MEASUREMENT_HEMOGLOBIN] = {offsetof(eligibility_input, hemoglobin),
                                offsetof(eligibility_input, has_hemoglobin)},
    [MEASUREMENT_HEMATOCRIT] = {offsetof(eligibility_input, hematocrit),
                                offsetof(eligibility_input, has_hematocrit)},
    [MEASUREMENT_TEMPERATURE] = {offsetof(eligibility_input, temperature),
                                 offsetof(eligibility_input, has_temperature)},
    [MEASUREMENT_SYSTOLIC] = {offsetof(eligibility_input, systolic),
                              offsetof(eligibility_input, has_blood_pressure)},
    [MEASUREMENT_DIASTOLIC] = {offsetof(eligibility_input, diastolic),
                               offsetof(eligibility_input, has_blood_pressure)},
    [MEASUREMENT_PULSE] = {offsetof(eligibility_input, pulse),
                           offsetof(eligibility_input, has_pulse)},
    [MEASUREMENT_PLATELET_COUNT] = {offsetof(eligibility_input, platelet_count),
                                    offsetof(eligibility_input, has_platelet_count)},
};

const char *measurement_kind_name(measurement_kind kind)
{
    switch (kind) {
    case MEASUREMENT_WHOLE: return "whole";
    case MEASUREMENT_TENTHS: return "tenths";
    case MEASUREMENT_YES_NO: return "yes_no";
    }
    return "";
}

int measurement_decimals(measurement_kind kind) { return kind == MEASUREMENT_TENTHS ? 1 : 0; }

int measurement_find(const char *name)
{
    for (int i = 0; name && i < MEASUREMENT_COUNT; i++)
        if (strcmp(measurement_fields[i].name, name) == 0)
            return i;
    return -1;
}

/* A whole number from min to max, as strtol reads it. */
static int whole_take(const char *text, long min, long max, long *out, const char *field, err *e)
{
    char *end = NULL;
    errno = 0;
    long value = text && *text ? strtol(text, &end, 10) : 0;
    if (!text || !*text || *end || errno || value < min || value > max)
        return err_set(e, ERR_INVALID, field, "must be a whole number from %ld to %ld", min, max);
    *out = value;
    return 0;
}

/* A number with at most one decimal ("13.4", "13"), in tenths, from min to
 * max tenths. */
static int tenths_take(const char *text, long min, long max, const char *unit, long *out,
                       const char *field, err *e)
{
    long value = 0;
    const char *p = text;
    int digits = 0;
    while (p && isdigit((unsigned char)*p) && digits < 6)
        value = value * 10 + (*p++ - '0'), digits++;
    value *= 10;
    if (p && *p == '.' && isdigit((unsigned char)p[1]))
        value += p[1] - '0', p += 2;
    if (!text || !digits || *p || value < min || value > max)
        return err_set(e, ERR_INVALID, field,
                       "must be a number in %s with at most one decimal, from %ld.%ld to %ld.%ld",
                       unit, min / 10, min % 10, max / 10, max % 10);
    *out = value;
    return 0;
}

int measurement_parse(measurement_id id, const char *text, long *out, err *e)
{
    if ((unsigned)id >= MEASUREMENT_COUNT)
        return err_set(e, ERR_INVALID, NULL, "is not a measurement");
    const measurement_field *f = &measurement_fields[id];
    switch (f->kind) {
    case MEASUREMENT_WHOLE:
        return whole_take(text, f->min, f->max, out, f->name, e);
    case MEASUREMENT_TENTHS:
        return tenths_take(text, f->min, f->max, f->unit_text, out, f->name, e);
    case MEASUREMENT_YES_NO: {
        int flag = 0;
        if (catalog_flag_parse(text, &flag, f->name, e))
            return -1;
        *out = flag;
        return 0;
    }
    }
    return err_set(e, ERR_INVALID, f->name, "is not a measurement");
}

void measurement_input_set(eligibility_input *in, measurement_id id, long value)
{
    if (id == MEASUREMENT_PARENTAL_CONSENT) {
        in->parental_consent = value != 0;
    } else if ((unsigned)id < MEASUREMENT_MEASURED_COUNT) {
        *(long *)((char *)in + input_slots[id].value) = value;
        *(int *)((char *)in + input_slots[id].measured) = 1;
    }
}

int measurement_input_get(const eligibility_input *in, measurement_id id, long *value)
{
    *value = 0;
    if (id == MEASUREMENT_PARENTAL_CONSENT) {
        *value = in->parental_consent != 0;
        return 1;
    }
    if ((unsigned)id >= MEASUREMENT_MEASURED_COUNT ||
        !*(const int *)((const char *)in + input_slots[id].measured))
        return 0;
    *value = *(const long *)((const char *)in + input_slots[id].value);
    return 1;
}
