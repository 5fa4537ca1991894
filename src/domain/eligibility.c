/*
 * eligibility.c - the eligibility rule engine (docs/donors.md, "Eligibility";
 * see eligibility.h): the thresholds with their defaults, names and ranges,
 * and eligibility_evaluate, which applies every rule of the planned procedure
 * and reports every failure. The choices a physician makes (which intervals
 * apply between which procedures, which measure of red cells suffices) are
 * written in docs/donors.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/eligibility.h"

static const char *const procedure_names[PROCEDURE_COUNT] = {
    "whole_blood", "double_red_cells", "plateletpheresis", "plasmapheresis",
};

const char *eligibility_procedure_name(donation_procedure procedure)
{
    return procedure >= 0 && procedure < PROCEDURE_COUNT ? procedure_names[procedure] : "";
}

static const char *const procedure_labels[PROCEDURE_COUNT] = {
    "Whole blood", "Double red cells (apheresis)", "Platelets by apheresis",
    "Plasma by apheresis",
};

const char *eligibility_procedure_label(donation_procedure procedure)
{
    return procedure >= 0 && procedure < PROCEDURE_COUNT ? procedure_labels[procedure] : "";
}

int eligibility_procedure_parse(const char *name)
{
    for (int i = 0; name && i < PROCEDURE_COUNT; i++)
        if (strcmp(name, procedure_names[i]) == 0)
            return i;
    return -1;
}

static const char *const kind_names[] = {"temporary", "indefinite", "permanent"};

const char *eligibility_deferral_kind_name(deferral_kind kind)
{
    return kind >= DEFERRAL_TEMPORARY && kind <= DEFERRAL_PERMANENT ? kind_names[kind] : "";
}

int eligibility_deferral_kind_parse(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, kind_names[i]) == 0)
            return i;
    return -1;
}

/* --- thresholds ------------------------------------------------------------ */

void eligibility_thresholds_default(eligibility_thresholds *t)
{
    *t = (eligibility_thresholds){
        .min_age_years = 17,
        .min_age_with_consent_years = 16,
        .min_weight_lb = 110,
        .min_hemoglobin_female = 125,
        .min_hemoglobin_male = 130,
        .min_hematocrit_female = 38,
        .min_hematocrit_male = 39,
        .max_temperature = 375,
        .min_systolic = 90,
        .max_systolic = 180,
        .min_diastolic = 50,
        .max_diastolic = 100,
        .min_pulse = 50,
        .max_pulse = 100,
        .days_after_whole_blood = 56,
        .days_after_double_red_cells = 112,
        .double_red_min_hemoglobin = 133,
        .double_red_min_hematocrit = 40,
        .double_red_min_weight_male = 130,
        .double_red_min_height_male = 61,
        .double_red_min_weight_female = 150,
        .double_red_min_height_female = 65,
        .platelet_min_days_apart = 2,
        .platelet_max_in_7_days = 2,
        .platelet_max_in_12_months = 24,
        .platelet_min_count = 150,
        .plasma_min_days_apart = 28,
    };
}

#define THRESHOLD(name, description, min, max)                                                   \
    {#name, description, offsetof(eligibility_thresholds, name), min, max}

const eligibility_threshold_name eligibility_threshold_names[] = {
    THRESHOLD(min_age_years, "minimum age (years)", 16, 30),
    THRESHOLD(min_age_with_consent_years, "minimum age with parental consent (years)", 14, 30),
    THRESHOLD(min_weight_lb, "minimum weight (lb)", 80, 300),
    THRESHOLD(min_hemoglobin_female, "minimum hemoglobin, women (tenths of g/dL)", 100, 200),
    THRESHOLD(min_hemoglobin_male, "minimum hemoglobin, men (tenths of g/dL)", 100, 200),
    THRESHOLD(min_hematocrit_female, "minimum hematocrit, women (%)", 30, 60),
    THRESHOLD(min_hematocrit_male, "minimum hematocrit, men (%)", 30, 60),
    THRESHOLD(max_temperature, "maximum temperature (tenths of a degree C)", 360, 400),
    THRESHOLD(min_systolic, "minimum systolic pressure (mmHg)", 60, 200),
    THRESHOLD(max_systolic, "maximum systolic pressure (mmHg)", 100, 250),
    THRESHOLD(min_diastolic, "minimum diastolic pressure (mmHg)", 30, 120),
    THRESHOLD(max_diastolic, "maximum diastolic pressure (mmHg)", 60, 150),
    THRESHOLD(min_pulse, "minimum pulse (beats per minute)", 30, 120),
    THRESHOLD(max_pulse, "maximum pulse (beats per minute)", 60, 200),
    THRESHOLD(days_after_whole_blood, "days after a whole blood donation", 1, 365),
    THRESHOLD(days_after_double_red_cells, "days after a double red cell donation", 1, 730),
    THRESHOLD(double_red_min_hemoglobin, "double red cells: minimum hemoglobin (tenths of g/dL)",
              100, 200),
    THRESHOLD(double_red_min_hematocrit, "double red cells: minimum hematocrit (%)", 30, 60),
    THRESHOLD(double_red_min_weight_male, "double red cells: minimum weight, men (lb)", 80, 400),
    THRESHOLD(double_red_min_height_male, "double red cells: minimum height, men (in)", 48, 84),
    THRESHOLD(double_red_min_weight_female, "double red cells: minimum weight, women (lb)", 80,
              400),
    THRESHOLD(double_red_min_height_female, "double red cells: minimum height, women (in)", 48,
              84),
    THRESHOLD(platelet_min_days_apart, "plateletpheresis: minimum days apart", 1, 60),
    THRESHOLD(platelet_max_in_7_days, "plateletpheresis: maximum donations in 7 days", 1, 7),
    THRESHOLD(platelet_max_in_12_months, "plateletpheresis: maximum donations in 12 months", 1,
              52),
    THRESHOLD(platelet_min_count, "plateletpheresis: minimum platelet count (1,000/uL)", 50,
              1000),
    THRESHOLD(plasma_min_days_apart, "plasmapheresis: minimum days apart", 1, 365),
    {NULL, NULL, 0, 0, 0},
};

static long *threshold_at(eligibility_thresholds *t, size_t offset)
{
    return (long *)((char *)t + offset);
}

/* Pairs that must stay in order whatever is set. */
static const struct {
    size_t low, high;
    const char *low_name, *high_name;
} threshold_pairs[] = {
    {offsetof(eligibility_thresholds, min_systolic), offsetof(eligibility_thresholds, max_systolic),
     "min_systolic", "max_systolic"},
    {offsetof(eligibility_thresholds, min_diastolic),
     offsetof(eligibility_thresholds, max_diastolic), "min_diastolic", "max_diastolic"},
    {offsetof(eligibility_thresholds, min_pulse), offsetof(eligibility_thresholds, max_pulse),
     "min_pulse", "max_pulse"},
    {offsetof(eligibility_thresholds, min_age_with_consent_years),
     offsetof(eligibility_thresholds, min_age_years), "min_age_with_consent_years",
     "min_age_years"},
};

const eligibility_threshold_name *eligibility_threshold_find(const char *name)
{
    for (const eligibility_threshold_name *n = eligibility_threshold_names; name && n->name; n++)
        if (strcmp(n->name, name) == 0)
            return n;
    return NULL;
}

long eligibility_threshold_get(const eligibility_thresholds *t, const eligibility_threshold_name *n)
{
    return *(const long *)((const char *)t + n->offset);
}

int eligibility_threshold_set(eligibility_thresholds *t, const char *name, long value, err *e)
{
    const eligibility_threshold_name *n = eligibility_threshold_find(name);
    if (!n)
        return err_set(e, ERR_NOT_FOUND, "name", "no eligibility threshold '%.64s'",
                       name ? name : "");
    if (value < n->min || value > n->max)
        return err_set(e, ERR_INVALID, "value", "%s must be a whole number from %ld to %ld",
                       n->name, n->min, n->max);
    long *slot = threshold_at(t, n->offset), old = *slot;
    *slot = value;
    for (size_t i = 0; i < sizeof threshold_pairs / sizeof threshold_pairs[0]; i++) {
        long low = *threshold_at(t, threshold_pairs[i].low);
        long high = *threshold_at(t, threshold_pairs[i].high);
        if (low > high) {
            *slot = old;
            return err_set(e, ERR_INVALID, "value", "%s (%ld) must not be above %s (%ld)",
                           threshold_pairs[i].low_name, low, threshold_pairs[i].high_name, high);
        }
    }
    return 0;
}

/* --- evaluation ------------------------------------------------------------ */

/* The result being built: failures beyond the array's room still count in
 * the overall eligible_from. */
typedef struct {
    eligibility_result *out;
    int all_curable;
    civil_day latest;
} builder;

static void fail(builder *b, const char *rule, const char *field, int curable, civil_day from,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void fail(builder *b, const char *rule, const char *field, int curable, civil_day from,
                 const char *fmt, ...)
{
    b->out->eligible = 0;
    if (!curable)
        b->all_curable = 0;
    else if (from > b->latest)
        b->latest = from;
    if (b->out->failure_count == ELIGIBILITY_FAILURES_MAX)
        return;
    eligibility_failure *f = &b->out->failures[b->out->failure_count++];
    f->rule = rule;
    f->field = field;
    f->has_eligible_from = curable;
    f->eligible_from = curable ? from : 0;
    va_list args;
    va_start(args, fmt);
    vsnprintf(f->reason, sizeof f->reason, fmt, args);
    va_end(args);
}

/* The day a person born on `birth` turns `years`: the birthday that year,
 * or 1 March for a 29 February birthday in a common year. */
static civil_day birthday(civil_day birth, long years)
{
    int y, m, d;
    date_to_ymd(birth, &y, &m, &d);
    civil_day out;
    long year = y + years;
    if (year > 9999)
        year = 9999;
    if (m == 2 && d == 29 && !date_is_leap_year((int)year))
        m = 3, d = 1;
    date_from_ymd((int)year, m, d, &out, NULL, NULL);
    return out;
}

static void check_age(const eligibility_thresholds *t, const eligibility_input *in, builder *b)
{
    char birth[DATE_TEXT_MAX];
    date_format(in->birth_date, birth, sizeof birth);
    if (in->birth_date > in->today) {
        fail(b, "min_age", "birth_date", 0, 0, "birth date %s is after the day of the check",
             birth);
        return;
    }
    int with_consent = in->parental_consent && t->min_age_with_consent_years < t->min_age_years;
    long needed = with_consent ? t->min_age_with_consent_years : t->min_age_years;
    civil_day from = birthday(in->birth_date, needed);
    if (in->today >= from)
        return;
    int y0, m0, d0, y1, m1, d1;
    date_to_ymd(in->birth_date, &y0, &m0, &d0);
    date_to_ymd(in->today, &y1, &m1, &d1);
    long age = y1 - y0 - (m1 < m0 || (m1 == m0 && d1 < d0));
    char from_text[DATE_TEXT_MAX];
    date_format(from, from_text, sizeof from_text);
    if (with_consent)
        fail(b, "min_age", "birth_date", 1, from,
             "age %ld is under the minimum of %ld with parental consent (born %s; old enough "
             "on %s)",
             age, needed, birth, from_text);
    else
        fail(b, "min_age", "birth_date", 1, from,
             "age %ld is under the minimum of %ld (%ld with parental consent; born %s; old "
             "enough on %s)",
             age, needed, t->min_age_with_consent_years, birth, from_text);
}

static void not_measured(builder *b, const char *rule, const char *field, const char *what)
{
    fail(b, rule, field, 0, 0, "%s not measured: it must be taken before the donation", what);
}

static void check_weight_height(const eligibility_thresholds *t, const eligibility_input *in,
                                builder *b)
{
    int male = in->sex == DONOR_MALE;
    const char *who = male ? "men" : "women";
    long minimum = t->min_weight_lb;
    const char *rule = "min_weight";
    if (in->procedure == PROCEDURE_DOUBLE_RED_CELLS) {
        long red = male ? t->double_red_min_weight_male : t->double_red_min_weight_female;
        if (red > minimum)
            minimum = red, rule = "double_red_min_weight";
    }
    if (!in->has_weight)
        not_measured(b, rule, "weight_lb", "weight");
    else if (in->weight_lb < minimum) {
        if (strcmp(rule, "min_weight") == 0)
            fail(b, rule, "weight_lb", 0, 0, "weight %ld lb is under the minimum of %ld lb",
                 in->weight_lb, minimum);
        else
            fail(b, rule, "weight_lb", 0, 0,
                 "weight %ld lb is under the minimum of %ld lb for double red cells (%s)",
                 in->weight_lb, minimum, who);
    }
    if (in->procedure != PROCEDURE_DOUBLE_RED_CELLS)
        return;
    long height = male ? t->double_red_min_height_male : t->double_red_min_height_female;
    if (!in->has_height)
        not_measured(b, "double_red_min_height", "height_in", "height");
    else if (in->height_in < height)
        fail(b, "double_red_min_height", "height_in", 0, 0,
             "height %ld in (%ld ft %ld in) is under the minimum of %ld in (%ld ft %ld in) for "
             "double red cells (%s)",
             in->height_in, in->height_in / 12, in->height_in % 12, height, height / 12,
             height % 12, who);
}

/* Hemoglobin or hematocrit: either measured value at its minimum passes. */
static void check_red_cells(const eligibility_thresholds *t, const eligibility_input *in,
                            builder *b)
{
    int male = in->sex == DONOR_MALE;
    long hemoglobin = male ? t->min_hemoglobin_male : t->min_hemoglobin_female;
    long hematocrit = male ? t->min_hematocrit_male : t->min_hematocrit_female;
    const char *rule = "min_hemoglobin", *purpose = male ? "for men" : "for women";
    if (in->procedure == PROCEDURE_DOUBLE_RED_CELLS) {
        rule = "double_red_min_hemoglobin";
        purpose = "for double red cells";
        if (t->double_red_min_hemoglobin > hemoglobin)
            hemoglobin = t->double_red_min_hemoglobin;
        if (t->double_red_min_hematocrit > hematocrit)
            hematocrit = t->double_red_min_hematocrit;
    }
    if (!in->has_hemoglobin && !in->has_hematocrit) {
        not_measured(b, rule, "hemoglobin", "hemoglobin (or hematocrit)");
        return;
    }
    if ((in->has_hemoglobin && in->hemoglobin >= hemoglobin) ||
        (in->has_hematocrit && in->hematocrit >= hematocrit))
        return;
    char measured[120] = "", minimum[80];
    if (in->has_hemoglobin && in->has_hematocrit)
        snprintf(measured, sizeof measured, "hemoglobin %ld.%ld g/dL and hematocrit %ld%% are",
                 in->hemoglobin / 10, in->hemoglobin % 10, in->hematocrit);
    else if (in->has_hemoglobin)
        snprintf(measured, sizeof measured, "hemoglobin %ld.%ld g/dL is", in->hemoglobin / 10,
                 in->hemoglobin % 10);
    else
        snprintf(measured, sizeof measured, "hematocrit %ld%% is", in->hematocrit);
    snprintf(minimum, sizeof minimum, "%ld.%ld g/dL (hematocrit %ld%%)", hemoglobin / 10,
             hemoglobin % 10, hematocrit);
    fail(b, rule, "hemoglobin", 0, 0, "%s under the minimum of %s %s", measured, minimum,
         purpose);
}

static void check_range(builder *b, const char *rule_low, const char *rule_high,
                        const char *field, const char *what, const char *unit, long value,
                        long low, long high)
{
    if (value < low)
        fail(b, rule_low, field, 0, 0, "%s %ld %s is under the minimum of %ld %s", what, value,
             unit, low, unit);
    else if (value > high)
        fail(b, rule_high, field, 0, 0, "%s %ld %s is over the maximum of %ld %s", what, value,
             unit, high, unit);
}

static void check_vitals(const eligibility_thresholds *t, const eligibility_input *in,
                         builder *b)
{
    if (!in->has_temperature)
        not_measured(b, "max_temperature", "temperature", "temperature");
    else if (in->temperature > t->max_temperature)
        fail(b, "max_temperature", "temperature", 0, 0,
             "temperature %ld.%ld C is over the maximum of %ld.%ld C", in->temperature / 10,
             labs(in->temperature % 10), t->max_temperature / 10, t->max_temperature % 10);
    if (!in->has_blood_pressure) {
        not_measured(b, "blood_pressure", "systolic", "blood pressure");
    } else {
        check_range(b, "min_systolic", "max_systolic", "systolic", "systolic pressure", "mmHg",
                    in->systolic, t->min_systolic, t->max_systolic);
        check_range(b, "min_diastolic", "max_diastolic", "diastolic", "diastolic pressure",
                    "mmHg", in->diastolic, t->min_diastolic, t->max_diastolic);
    }
    if (!in->has_pulse)
        not_measured(b, "pulse", "pulse", "pulse");
    else
        check_range(b, "min_pulse", "max_pulse", "pulse", "pulse", "beats per minute", in->pulse,
                    t->min_pulse, t->max_pulse);
    if (in->procedure != PROCEDURE_PLATELETPHERESIS)
        return;
    if (!in->has_platelet_count)
        not_measured(b, "platelet_min_count", "platelet_count", "platelet count");
    else if (in->platelet_count < t->platelet_min_count)
        fail(b, "platelet_min_count", "platelet_count", 0, 0,
             "platelet count %ld,000/uL is under the minimum of %ld,000/uL", in->platelet_count,
             t->platelet_min_count);
}

long eligibility_interval_days(const eligibility_thresholds *t, donation_procedure procedure)
{
    switch (procedure) {
    case PROCEDURE_WHOLE_BLOOD:
        return t->days_after_whole_blood;
    case PROCEDURE_DOUBLE_RED_CELLS:
        return t->days_after_double_red_cells;
    case PROCEDURE_PLATELETPHERESIS:
        return t->platelet_min_days_apart;
    case PROCEDURE_PLASMAPHERESIS:
        return t->plasma_min_days_apart;
    default:
        return 0;
    }
}

/* Every earlier donation holds the donor back for the days of its kind
 * (docs/donors.md): red-cell losses before any procedure, plasma before
 * any, platelets before any. One failure per kind, with the latest day. */
static void check_intervals(const eligibility_thresholds *t, const eligibility_input *in,
                            builder *b)
{
    static const char *const rules[PROCEDURE_COUNT] = {
        "interval_whole_blood", "interval_double_red_cells", "interval_plateletpheresis",
        "interval_plasmapheresis"};
    static const char *const what[PROCEDURE_COUNT] = {
        "whole blood donation", "double red cell donation", "plateletpheresis",
        "plasmapheresis"};
    int found[PROCEDURE_COUNT] = {0};
    civil_day last[PROCEDURE_COUNT] = {0};
    for (size_t i = 0; i < in->donation_count; i++) {
        donation_procedure p = in->donations[i].procedure;
        if (p < 0 || p >= PROCEDURE_COUNT)
            continue;
        if (!found[p] || in->donations[i].day > last[p])
            last[p] = in->donations[i].day;
        found[p] = 1;
    }
    for (int p = 0; p < PROCEDURE_COUNT; p++) {
        if (!found[p])
            continue;
        long days = eligibility_interval_days(t, (donation_procedure)p);
        civil_day from = date_add_days(last[p], (int32_t)days);
        if (in->today >= from)
            continue;
        char on[DATE_TEXT_MAX], from_text[DATE_TEXT_MAX];
        date_format(last[p], on, sizeof on);
        date_format(from, from_text, sizeof from_text);
        fail(b, rules[p], "procedure", 1, from,
             "last %s on %s: %s only %ld days after it, from %s", what[p], on,
             eligibility_procedure_name(in->procedure), days, from_text);
    }
}

static int compare_days_descending(const void *a, const void *b)
{
    civil_day x = *(const civil_day *)a, y = *(const civil_day *)b;
    return (x < y) - (x > y);
}

/* Plateletpheresis: at most `max` in any window of 7 days and of 12
 * months, the planned one included. A donation on day d counts in the
 * window of day t while t < end(d); when `max` already count, the donor
 * may give again when the max-th most recent leaves the window. */
static void check_platelet_frequency(const eligibility_thresholds *t, const eligibility_input *in,
                                     builder *b)
{
    civil_day *days = malloc((in->donation_count ? in->donation_count : 1) * sizeof *days);
    if (!days)
        return;
    for (int window = 0; window < 2; window++) {
        long max = window == 0 ? t->platelet_max_in_7_days : t->platelet_max_in_12_months;
        size_t count = 0;
        for (size_t i = 0; i < in->donation_count; i++) {
            civil_day d = in->donations[i].day;
            civil_day end = window == 0 ? date_add_days(d, 7) : date_add_months(d, 12);
            if (in->donations[i].procedure == PROCEDURE_PLATELETPHERESIS && d <= in->today &&
                in->today < end)
                days[count++] = d;
        }
        if ((long)count < max)
            continue;
        qsort(days, count, sizeof *days, compare_days_descending);
        civil_day d = days[max - 1];
        civil_day from = window == 0 ? date_add_days(d, 7) : date_add_months(d, 12);
        char from_text[DATE_TEXT_MAX];
        date_format(from, from_text, sizeof from_text);
        if (window == 0)
            fail(b, "platelet_max_in_7_days", "procedure", 1, from,
                 "%zu plateletpheresis donations in the last 7 days: at most %ld in 7 days "
                 "(eligible on %s)",
                 count, max, from_text);
        else
            fail(b, "platelet_max_in_12_months", "procedure", 1, from,
                 "%zu plateletpheresis donations in the last 12 months: at most %ld in 12 "
                 "months (eligible on %s)",
                 count, max, from_text);
    }
    free(days);
}

static void check_deferrals(const eligibility_input *in, builder *b)
{
    for (size_t i = 0; i < in->deferral_count; i++) {
        const eligibility_deferral *d = &in->deferrals[i];
        const char *code = d->reason_code ? d->reason_code : "";
        if (d->kind == DEFERRAL_TEMPORARY) {
            if (in->today >= d->until)
                continue;
            char until[DATE_TEXT_MAX];
            date_format(d->until, until, sizeof until);
            fail(b, "deferral", "deferral", 1, d->until, "deferred (%s) until %s", code, until);
        } else if (d->kind == DEFERRAL_INDEFINITE) {
            fail(b, "deferral", "deferral", 0, 0, "deferred indefinitely (%s)", code);
        } else {
            fail(b, "deferral", "deferral", 0, 0, "permanently deferred (%s)", code);
        }
    }
}

void eligibility_evaluate(const eligibility_thresholds *thresholds, const eligibility_input *input,
                          eligibility_result *out)
{
    memset(out, 0, sizeof *out);
    out->eligible = 1;
    builder b = {.out = out, .all_curable = 1, .latest = input->today};
    if (input->procedure < 0 || input->procedure >= PROCEDURE_COUNT) {
        fail(&b, "procedure", "procedure", 0, 0,
             "procedure must be whole_blood, double_red_cells, plateletpheresis or "
             "plasmapheresis");
        return;
    }
    check_deferrals(input, &b);
    check_age(thresholds, input, &b);
    if (!input->skip_measurements) {
        check_weight_height(thresholds, input, &b);
        check_red_cells(thresholds, input, &b);
        check_vitals(thresholds, input, &b);
    }
    check_intervals(thresholds, input, &b);
    if (input->procedure == PROCEDURE_PLATELETPHERESIS)
        check_platelet_frequency(thresholds, input, &b);
    if (!out->eligible && b.all_curable) {
        out->has_eligible_from = 1;
        out->eligible_from = b.latest;
    }
}

/* --- the donor's standing ---------------------------------------------------- */

static const char *const standing_names[STANDING_COUNT] = {
    "eligible", "deferred_temporary", "deferred_indefinite", "deferred_permanent"};

const char *eligibility_standing_name(donor_standing_status status)
{
    return status >= 0 && status < STANDING_COUNT ? standing_names[status] : "";
}

int eligibility_standing_parse(const char *name)
{
    for (int i = 0; name && i < STANDING_COUNT; i++)
        if (strcmp(name, standing_names[i]) == 0)
            return i;
    return -1;
}

void eligibility_standing_evaluate(const eligibility_thresholds *thresholds,
                                   const eligibility_input *input, donor_standing *out)
{
    memset(out, 0, sizeof *out);
    out->status = STANDING_ELIGIBLE;
    for (size_t i = 0; i < input->deferral_count; i++) {
        const eligibility_deferral *d = &input->deferrals[i];
        donor_standing_status status = STANDING_DEFERRED_TEMPORARY;
        if (d->kind == DEFERRAL_PERMANENT)
            status = STANDING_DEFERRED_PERMANENT;
        else if (d->kind == DEFERRAL_INDEFINITE)
            status = STANDING_DEFERRED_INDEFINITE;
        if (status == STANDING_DEFERRED_TEMPORARY && input->today >= d->until)
            continue; /* over */
        if (status < out->status ||
            (status == out->status &&
             (status != STANDING_DEFERRED_TEMPORARY || d->until <= out->deferred_until)))
            continue;
        out->status = status;
        out->reason_code = d->reason_code;
        out->deferred_until = status == STANDING_DEFERRED_TEMPORARY ? d->until : 0;
    }
    /* The rules that waiting cures, as the check of any procedure applies
     * them: intervals hold back every procedure alike. */
    eligibility_input check = *input;
    check.procedure = PROCEDURE_WHOLE_BLOOD;
    check.parental_consent = 1;
    check.skip_measurements = 1;
    eligibility_result result;
    eligibility_evaluate(thresholds, &check, &result);
    if (result.eligible || result.has_eligible_from) {
        out->has_next_day = 1;
        out->next_day = result.eligible ? input->today : result.eligible_from;
    }
}

int eligibility_due_back(const eligibility_thresholds *thresholds, const eligibility_input *input,
                         int days, civil_day *since)
{
    donor_standing today, then, unheld;
    eligibility_standing_evaluate(thresholds, input, &today);
    if (today.status != STANDING_ELIGIBLE || !today.has_next_day ||
        today.next_day != input->today)
        return 0;
    /* The earlier day, from the donations alone: a deferral that ended
     * since is not an interval. */
    eligibility_input earlier = *input;
    earlier.today = date_add_days(input->today, -days);
    earlier.deferrals = NULL;
    earlier.deferral_count = 0;
    eligibility_standing_evaluate(thresholds, &earlier, &then);
    if (then.has_next_day && then.next_day == earlier.today)
        return 0;
    eligibility_input without = earlier;
    without.donations = NULL;
    without.donation_count = 0;
    eligibility_standing_evaluate(thresholds, &without, &unheld);
    if (!unheld.has_next_day || unheld.next_day != earlier.today)
        return 0; /* not an interval (the age rule) */
    *since = then.has_next_day ? then.next_day : input->today;
    return 1;
}
