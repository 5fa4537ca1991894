/*
 * fuzz_eligibility.c - libFuzzer target for the eligibility request's text
 * fields (service/donor.h: donor_eligibility_request_parse), and the rule
 * engine it feeds (domain/eligibility.h: eligibility_evaluate) under the
 * default thresholds.
 *
 * The input is lines: scope, procedure, weight_lb, height_in, hemoglobin,
 * hematocrit, temperature, systolic, diastolic, pulse, platelet_count,
 * parental_consent, on (a missing line, or "~", is a field not given);
 * then the donor: birth date, sex (F or M), and earlier donations
 * ("plasmapheresis 2026-01-02") or deferrals ("deferral temporary
 * 2026-03-01", "deferral permanent"), one a line. What must hold:
 *   - a refused request names a field that is at fault by the rules of
 *     donor.h, checked here one field at a time; an accepted one has no
 *     field at fault, and carries each measurement's value as read here
 *     (whole numbers, or tenths for hemoglobin and temperature), its
 *     has_ flags, the day `on`, and skip_measurements for scope donor;
 *   - the engine answers eligible exactly when no rule failed; every
 *     failure names its rule and field and says why; scope donor judges no
 *     measurement; and when waiting cures every failure, the donor is
 *     eligible on eligible_from and not the day before.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "service/donor.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_eligibility: %s\n", what);
        abort();
    }
}

enum {
    F_SCOPE, F_PROCEDURE, F_WEIGHT, F_HEIGHT, F_HEMOGLOBIN, F_HEMATOCRIT, F_TEMPERATURE,
    F_SYSTOLIC, F_DIASTOLIC, F_PULSE, F_PLATELETS, F_CONSENT, F_ON, F_BIRTH, F_SEX, F_FIXED
};
static const char *const names[F_FIXED] = {
    "scope", "procedure", "weight_lb", "height_in", "hemoglobin", "hematocrit", "temperature",
    "systolic", "diastolic", "pulse", "platelet_count", "parental_consent", "on", "birth", "sex"};

/* The measurements: field, tenths or whole, range (tenths for tenths). */
static const struct {
    int field, tenths;
    long min, max;
} measures[] = {{F_WEIGHT, 0, 1, 1000},        {F_HEIGHT, 0, 12, 120},
                {F_HEMOGLOBIN, 1, 10, 300},    {F_HEMATOCRIT, 0, 1, 100},
                {F_TEMPERATURE, 1, 300, 450},  {F_SYSTOLIC, 0, 20, 300},
                {F_DIASTOLIC, 0, 10, 250},     {F_PULSE, 0, 10, 300},
                {F_PLATELETS, 0, 1, 3000}};
enum { MEASURES = sizeof measures / sizeof measures[0] };

/* A whole number as strtol reads it, the whole text, in range. */
static int whole(const char *text, long min, long max, long *out)
{
    if (!*text)
        return 0;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (*end || errno || value < min || value > max)
        return 0;
    *out = value;
    return 1;
}

/* One to six digits, then optionally '.' and one digit: tenths. */
static int tenths(const char *text, long min, long max, long *out)
{
    size_t digits = strspn(text, "0123456789");
    if (digits < 1 || digits > 6)
        return 0;
    long value = strtol(text, NULL, 10) * 10;
    const char *p = text + digits;
    if (p[0] == '.' && p[1] >= '0' && p[1] <= '9' && !p[2])
        value += p[1] - '0';
    else if (*p)
        return 0;
    if (value < min || value > max)
        return 0;
    *out = value;
    return 1;
}

static int consent(const char *text)
{
    static const char *const known[] = {"yes", "1", "true", "y", "no", "0", "false", "n", ""};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcasecmp(text, known[i]) == 0)
            return 1;
    return 0;
}

/* Whether field `f` of the request is at fault, judged alone. */
static int at_fault(const char *const *v, int f)
{
    long value;
    civil_day day;
    int donor_scope = v[F_SCOPE] && strcmp(v[F_SCOPE], "donor") == 0;
    switch (f) {
    case F_PROCEDURE:
        return !v[F_PROCEDURE] || eligibility_procedure_parse(v[F_PROCEDURE]) < 0;
    case F_SCOPE:
        return v[F_SCOPE] && strcmp(v[F_SCOPE], "full") != 0 && !donor_scope;
    case F_ON:
        return v[F_ON] && date_parse(v[F_ON], &day, "on", NULL) != 0;
    case F_CONSENT:
        return v[F_CONSENT] && !consent(v[F_CONSENT]);
    }
    for (size_t i = 0; i < MEASURES; i++) {
        if (measures[i].field != f)
            continue;
        if (f == F_SYSTOLIC && !v[F_SYSTOLIC] && v[F_DIASTOLIC])
            return 1;
        if (f == F_DIASTOLIC && !v[F_DIASTOLIC] && v[F_SYSTOLIC])
            return 1;
        if (!v[f])
            return 0;
        if (donor_scope)
            return 1;
        return measures[i].tenths ? !tenths(v[f], measures[i].min, measures[i].max, &value)
                                  : !whole(v[f], measures[i].min, measures[i].max, &value);
    }
    return 0;
}

static void check_result(const eligibility_input *in, const eligibility_result *r)
{
    require(r->failure_count <= ELIGIBILITY_FAILURES_MAX, "more failures than the array holds");
    require(r->eligible == (r->failure_count == 0), "eligible disagrees with the failures");
    for (size_t i = 0; i < r->failure_count; i++) {
        const eligibility_failure *f = &r->failures[i];
        require(f->rule && *f->rule && f->field && *f->field, "a failure names no rule or field");
        require(memchr(f->reason, '\0', sizeof f->reason) && f->reason[0], "a failure says nothing");
        if (in->skip_measurements)
            for (size_t m = 0; m < MEASURES; m++)
                require(strcmp(f->field, names[measures[m].field]) != 0,
                        "scope donor judged a measurement");
    }
    if (r->has_eligible_from)
        require(!r->eligible && r->eligible_from > in->today, "eligible_from is not ahead");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *v[F_FIXED] = {0};
    char *extra[8];
    size_t extra_count = 0;
    char *line = text;
    for (int i = 0; line; i++) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (i < F_FIXED)
            v[i] = strcmp(line, "~") == 0 ? NULL : line;
        else if (extra_count < sizeof extra / sizeof extra[0])
            extra[extra_count++] = line;
        line = next;
    }

    eligibility_request request = {
        .scope = v[F_SCOPE], .procedure = v[F_PROCEDURE], .on = v[F_ON],
        .measurements = {[MEASUREMENT_WEIGHT_LB] = v[F_WEIGHT],
                         [MEASUREMENT_HEIGHT_IN] = v[F_HEIGHT],
                         [MEASUREMENT_HEMOGLOBIN] = v[F_HEMOGLOBIN],
                         [MEASUREMENT_HEMATOCRIT] = v[F_HEMATOCRIT],
                         [MEASUREMENT_TEMPERATURE] = v[F_TEMPERATURE],
                         [MEASUREMENT_SYSTOLIC] = v[F_SYSTOLIC],
                         [MEASUREMENT_DIASTOLIC] = v[F_DIASTOLIC],
                         [MEASUREMENT_PULSE] = v[F_PULSE],
                         [MEASUREMENT_PLATELET_COUNT] = v[F_PLATELETS],
                         [MEASUREMENT_PARENTAL_CONSENT] = v[F_CONSENT]}};
    eligibility_input in;
    err e = {0};
    if (donor_eligibility_request_parse(&request, &in, &e)) {
        require(e.code == ERR_INVALID && e.message[0], "a refusal without a message");
        int named = -1;
        for (int f = 0; f < F_BIRTH; f++)
            if (strcmp(e.field, names[f]) == 0)
                named = f;
        require(named >= 0, "a refusal names no field of the request");
        require(at_fault(v, named), "a refusal names a field that is not at fault");
        free(text);
        return 0;
    }
    for (int f = 0; f < F_BIRTH; f++)
        require(!at_fault(v, f), "a request with a field at fault is accepted");
    require(in.procedure == (donation_procedure)eligibility_procedure_parse(v[F_PROCEDURE]),
            "another procedure");
    require(in.skip_measurements == (v[F_SCOPE] && strcmp(v[F_SCOPE], "donor") == 0),
            "skip_measurements differs from the scope");
    civil_day on = date_today();
    if (v[F_ON])
        date_parse(v[F_ON], &on, "on", NULL);
    require(in.today == on, "another day");
    const int has[MEASURES] = {in.has_weight, in.has_height, in.has_hemoglobin, in.has_hematocrit,
                               in.has_temperature, in.has_blood_pressure, in.has_blood_pressure,
                               in.has_pulse, in.has_platelet_count};
    const long values[MEASURES] = {in.weight_lb, in.height_in, in.hemoglobin, in.hematocrit,
                                   in.temperature, in.systolic, in.diastolic, in.pulse,
                                   in.platelet_count};
    for (size_t m = 0; m < MEASURES; m++) {
        const char *given = v[measures[m].field];
        require(has[m] == (given != NULL), "a has_ flag differs from what was given");
        long expected = 0;
        if (given)
            measures[m].tenths
                ? tenths(given, measures[m].min, measures[m].max, &expected)
                : whole(given, measures[m].min, measures[m].max, &expected);
        require(values[m] == expected, "a measurement read as another value");
    }

    /* The donor, then the rules. */
    in.birth_date = in.today - 30 * 365;
    if (v[F_BIRTH])
        date_parse(v[F_BIRTH], &in.birth_date, "birth", NULL);
    if (in.birth_date > in.today)
        in.birth_date = in.today;
    in.sex = v[F_SEX] && v[F_SEX][0] == 'M' ? DONOR_MALE : DONOR_FEMALE;
    eligibility_donation donations[8];
    eligibility_deferral deferrals[8];
    for (size_t i = 0; i < extra_count; i++) {
        char kind[32] = "", day[16] = "";
        if (sscanf(extra[i], "deferral %31s %15s", kind, day) >= 1) {
            eligibility_deferral *d = &deferrals[in.deferral_count];
            int k = eligibility_deferral_kind_parse(kind);
            if (k < 0)
                continue;
            d->kind = (deferral_kind)k;
            d->reason_code = "FUZZ";
            d->until = in.today + 1;
            if (*day && date_parse(day, &d->until, "until", NULL))
                continue;
            in.deferral_count++;
        } else if (sscanf(extra[i], "%31s %15s", kind, day) == 2) {
            eligibility_donation *d = &donations[in.donation_count];
            int p = eligibility_procedure_parse(kind);
            if (p < 0 || date_parse(day, &d->day, "day", NULL) || d->day > in.today)
                continue;
            d->procedure = (donation_procedure)p;
            in.donation_count++;
        }
    }
    in.donations = donations;
    in.deferrals = deferrals;
    eligibility_thresholds thresholds;
    eligibility_thresholds_default(&thresholds);
    eligibility_result result;
    eligibility_evaluate(&thresholds, &in, &result);
    check_result(&in, &result);
    if (result.has_eligible_from) {
        eligibility_input later = in;
        later.today = result.eligible_from;
        eligibility_result then;
        eligibility_evaluate(&thresholds, &later, &then);
        require(then.eligible, "not eligible on eligible_from");
        later.today = result.eligible_from - 1;
        eligibility_evaluate(&thresholds, &later, &then);
        require(!then.eligible, "eligible_from is not the first eligible day");
    }
    free(text);
    return 0;
}
