/*
 * eligibility.h - may this donor give this procedure today? (docs/donors.md,
 * "Eligibility")
 *
 * A rule engine over plain data: the thresholds (eligibility_thresholds,
 * defaults of docs/donors.md, "Thresholds are data", each overridable by name
 * from the database), the donor (age, sex, height, weight), the vitals and
 * blood counts measured today, the donor's earlier donations and open
 * deferrals. The answer is every rule that fails, each with its reason, the
 * field at fault and the first day the donor becomes eligible for it (or
 * none, when waiting does not help: a low hemoglobin today is remeasured, a
 * permanent deferral never ends). Pure functions: no I/O, no clock (the day
 * is an input).
 *
 * Units: weight in pounds, height in inches, hemoglobin in tenths of g/dL
 * (125 = 12.5 g/dL), hematocrit in percent, temperature in tenths of a
 * degree Celsius (375 = 37.5 C), blood pressure in mmHg, pulse in beats
 * per minute, platelet count in thousands per microlitre (150 = 150,000/uL).
 */
#ifndef BLOODOPS_DOMAIN_ELIGIBILITY_H
#define BLOODOPS_DOMAIN_ELIGIBILITY_H

#include <stddef.h>
#include "base/date.h"
#include "base/error.h"

typedef enum {
    PROCEDURE_WHOLE_BLOOD,
    PROCEDURE_DOUBLE_RED_CELLS,
    PROCEDURE_PLATELETPHERESIS,
    PROCEDURE_PLASMAPHERESIS,
    PROCEDURE_COUNT
} donation_procedure;

/* "whole_blood", "double_red_cells", "plateletpheresis", "plasmapheresis";
 * parse answers -1 when unknown. */
const char *eligibility_procedure_name(donation_procedure procedure);
int eligibility_procedure_parse(const char *name);
/* As people read it: "Whole blood", "Double red cells (apheresis)",
 * "Platelets by apheresis", "Plasma by apheresis". */
const char *eligibility_procedure_label(donation_procedure procedure);

typedef enum { DONOR_FEMALE, DONOR_MALE } donor_sex;

/* The thresholds, all whole numbers in the units above. The names used in
 * the database and on the command line are the field names
 * ("min_age_years", "min_hemoglobin_female", ...): see
 * eligibility_threshold_names. */
typedef struct {
    long min_age_years;              /* 17 */
    long min_age_with_consent_years; /* 16 */
    long min_weight_lb;              /* 110 */
    long min_hemoglobin_female;      /* 125 (12.5 g/dL) */
    long min_hemoglobin_male;        /* 130 */
    long min_hematocrit_female;      /* 38 */
    long min_hematocrit_male;        /* 39 */
    long max_temperature;            /* 375 (37.5 C) */
    long min_systolic, max_systolic;   /* 90, 180 */
    long min_diastolic, max_diastolic; /* 50, 100 */
    long min_pulse, max_pulse;         /* 50, 100 */
    long days_after_whole_blood;       /* 56 */
    long days_after_double_red_cells;  /* 112 */
    long double_red_min_hemoglobin;    /* 133 */
    long double_red_min_hematocrit;    /* 40 */
    long double_red_min_weight_male;   /* 130 */
    long double_red_min_height_male;   /* 61 (5 ft 1 in) */
    long double_red_min_weight_female; /* 150 */
    long double_red_min_height_female; /* 65 (5 ft 5 in) */
    long platelet_min_days_apart;      /* 2 */
    long platelet_max_in_7_days;       /* 2 */
    long platelet_max_in_12_months;    /* 24 */
    long platelet_min_count;           /* 150 (150,000/uL) */
    long plasma_min_days_apart;        /* 28 */
} eligibility_thresholds;

/* The defaults (docs/donors.md, "Thresholds are data"). */
void eligibility_thresholds_default(eligibility_thresholds *out);

/* The name, meaning and allowed range of each threshold, in struct order;
 * terminated by a NULL name. */
typedef struct {
    const char *name;        /* "min_weight_lb" */
    const char *description; /* "minimum weight (lb)" */
    size_t offset;           /* offsetof(eligibility_thresholds, ...) */
    long min, max;           /* allowed values */
} eligibility_threshold_name;
extern const eligibility_threshold_name eligibility_threshold_names[];

/* The entry of threshold `name`; NULL when there is none by that name. */
const eligibility_threshold_name *eligibility_threshold_find(const char *name);
/* The value of threshold `n` in `thresholds`. */
long eligibility_threshold_get(const eligibility_thresholds *thresholds,
                               const eligibility_threshold_name *n);

/* Set the threshold `name` to `value`: ERR_NOT_FOUND naming "name" when
 * there is none by that name, ERR_INVALID naming "value" outside its
 * range. */
int eligibility_threshold_set(eligibility_thresholds *thresholds, const char *name, long value,
                              err *e);

/* One earlier donation. */
typedef struct {
    donation_procedure procedure;
    civil_day day;
} eligibility_donation;

typedef enum { DEFERRAL_TEMPORARY, DEFERRAL_INDEFINITE, DEFERRAL_PERMANENT } deferral_kind;
/* "temporary", "indefinite", "permanent"; parse answers -1 when unknown. */
const char *eligibility_deferral_kind_name(deferral_kind kind);
int eligibility_deferral_kind_parse(const char *name);

/* One deferral that has not been ended. */
typedef struct {
    deferral_kind kind;
    civil_day until; /* temporary: the first day the donor may give again */
    const char *reason_code;
} eligibility_deferral;

/* A measurement is "not measured" when its `has_` flag is 0: a rule that
 * needs it fails with "not measured" (the staff must take it), except the
 * platelet count, needed only for plateletpheresis, and hematocrit, which
 * is an alternative to hemoglobin (at least one of the two). */
typedef struct {
    donation_procedure procedure;
    civil_day today;
    civil_day birth_date;
    donor_sex sex;
    int parental_consent; /* a 16-year-old with consent may give */
    /* The donor step of a collection, before anything is measured: only the
     * rules about who the donor is and what they gave (deferrals, age,
     * intervals, platelet counts); no measurement is judged. */
    int skip_measurements;
    int has_weight, has_height, has_hemoglobin, has_hematocrit, has_temperature,
        has_blood_pressure, has_pulse, has_platelet_count;
    long weight_lb, height_in, hemoglobin, hematocrit, temperature, systolic, diastolic, pulse,
        platelet_count;
    const eligibility_donation *donations; /* earlier donations, any order */
    size_t donation_count;
    const eligibility_deferral *deferrals; /* deferrals not ended */
    size_t deferral_count;
} eligibility_input;

enum { ELIGIBILITY_FAILURES_MAX = 32, ELIGIBILITY_REASON_MAX = 200 };

typedef struct {
    const char *rule;  /* "min_weight", "interval_whole_blood", "deferral", ... */
    const char *field; /* the input at fault: "weight_lb", "hemoglobin", "procedure", ... */
    char reason[ELIGIBILITY_REASON_MAX]; /* "weight 105 lb is under the minimum of 110 lb" */
    int has_eligible_from; /* 0 when waiting does not make the donor eligible */
    civil_day eligible_from;
} eligibility_failure;

typedef struct {
    int eligible;
    size_t failure_count;
    eligibility_failure failures[ELIGIBILITY_FAILURES_MAX];
    /* The first day every failed rule that waiting cures is cured, when
     * all failures are of that kind; 0 in has_eligible_from otherwise. */
    int has_eligible_from;
    civil_day eligible_from;
} eligibility_result;

/* Apply every rule for input->procedure. Never fails: an impossible input
 * (a birth date after today) is a failed rule, not an error. */
void eligibility_evaluate(const eligibility_thresholds *thresholds, const eligibility_input *input,
                          eligibility_result *out);

/* --- the donor's standing ---------------------------------------------------
 *
 * What a list of donors shows of each: whether a deferral holds them back
 * (the most severe in force decides: permanent, then indefinite, then the
 * temporary one that ends last) and the first day from `today` they may
 * give any procedure as far as their deferrals, their age (counted with
 * parental consent, which staff confirm at the desk) and the intervals
 * after their earlier donations allow. Measurements are taken at the desk
 * and are not part of it, nor are the platelet counts of plateletpheresis. */
typedef enum {
    STANDING_ELIGIBLE,
    STANDING_DEFERRED_TEMPORARY,
    STANDING_DEFERRED_INDEFINITE,
    STANDING_DEFERRED_PERMANENT,
    STANDING_COUNT
} donor_standing_status;

/* "eligible", "deferred_temporary", "deferred_indefinite",
 * "deferred_permanent"; parse answers -1 when unknown. */
const char *eligibility_standing_name(donor_standing_status status);
int eligibility_standing_parse(const char *name);

typedef struct {
    donor_standing_status status;
    const char *reason_code; /* of the deferral that decides; NULL when eligible */
    civil_day deferred_until; /* STANDING_DEFERRED_TEMPORARY: the deferral's end */
    int has_next_day;         /* 0 when waiting does not help (indefinite, permanent) */
    civil_day next_day;       /* the first day, today or later, the donor may give */
} donor_standing;

/* The standing of the donor described by `input` (its today, birth date,
 * donations and deferrals; the procedure, consent and measurements are not
 * read) under `thresholds`. */
void eligibility_standing_evaluate(const eligibility_thresholds *thresholds,
                                   const eligibility_input *input, donor_standing *out);

/* The days a donation of `procedure` holds back the next one: 56 after
 * whole blood, 112 after double red cells, 2 after plateletpheresis, 28
 * after plasmapheresis (the thresholds' values). */
long eligibility_interval_days(const eligibility_thresholds *thresholds,
                               donation_procedure procedure);

/* Due back (docs/worklists.md): the donor described by `input` may give on
 * input->today (their standing: no deferral in force and nothing left to
 * wait for), could not on the day `days` days earlier, judged on the same
 * donations, and could have then without those donations: an interval
 * ended in between. 1 with *since the first day they could give again
 * (from that earlier day on); 0 otherwise. */
int eligibility_due_back(const eligibility_thresholds *thresholds, const eligibility_input *input,
                         int days, civil_day *since);

#endif
