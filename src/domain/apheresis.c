/*
 * apheresis.c - the clinical calculations of therapeutic apheresis (see
 * apheresis.h; docs/apheresis.md states the formulas, ranges and rounding).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/decimal.h"
#include "domain/apheresis.h"

/* A volume within this many mL of a multiple of a vial or unit counts as
 * that multiple when rounding up (the error of a few double operations). */
#define ROUND_UP_SLACK_ML 1e-6

/* --- Inputs as text ------------------------------------------------------ */

int apheresis_number_parse(const char *text, const char *field, double *out, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (a number, e.g. 1.80)");
    if (decimal_parse(text, out))
        return err_set(e, ERR_INVALID, field,
                       "'%.30s' is not a number: write digits with an optional decimal point, "
                       "e.g. 1.80",
                       text);
    return 0;
}

int apheresis_sex_parse(const char *text, const char *field, apheresis_sex *out, err *e)
{
    if (text && (!strcasecmp(text, "male") || !strcasecmp(text, "m"))) {
        *out = APHERESIS_MALE;
        return 0;
    }
    if (text && (!strcasecmp(text, "female") || !strcasecmp(text, "f"))) {
        *out = APHERESIS_FEMALE;
        return 0;
    }
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (male or female)");
    return err_set(e, ERR_INVALID, field, "must be male or female, not '%.30s'", text);
}

const char *apheresis_sex_name(apheresis_sex sex)
{
    return sex == APHERESIS_FEMALE ? "female" : "male";
}

const char *apheresis_tbv_method_name(apheresis_tbv_method method)
{
    return method == APHERESIS_TBV_WEIGHT ? "weight" : "nadler";
}

/* --- Checks -------------------------------------------------------------- */

/* min <= value <= max, else refused naming `field` with `what`. */
static int in_range(double value, double min, double max, const char *field, const char *what,
                    err *e)
{
    if (!isfinite(value) || value < min || value > max)
        return err_set(e, ERR_INVALID, field, "%s", what);
    return 0;
}

/* Strictly between 0 and 1. */
static int open_fraction(double value, const char *field, const char *what, err *e)
{
    if (!isfinite(value) || value <= 0 || value >= 1)
        return err_set(e, ERR_INVALID, field, "%s", what);
    return 0;
}

/* `ml` in vials or units of `size` mL, rounded up; 0 for nothing. */
static long count_up(double ml, double size)
{
    if (ml <= ROUND_UP_SLACK_ML)
        return 0;
    return (long)ceil((ml - ROUND_UP_SLACK_ML) / size);
}

/* --- Total blood volume -------------------------------------------------- */

int apheresis_tbv_compute(apheresis_sex sex, double height_m, double weight_kg,
                          apheresis_tbv *out, err *e)
{
    if (sex != APHERESIS_MALE && sex != APHERESIS_FEMALE)
        return err_set(e, ERR_INVALID, "sex", "must be male or female");
    if (in_range(height_m, APHERESIS_HEIGHT_M_MIN, APHERESIS_HEIGHT_M_MAX, "height_m",
                 "must be between 0.3 and 2.5 m", e) ||
        in_range(weight_kg, APHERESIS_WEIGHT_KG_MIN, APHERESIS_WEIGHT_KG_MAX, "weight_kg",
                 "must be between 0.5 and 350 kg", e))
        return -1;
    memset(out, 0, sizeof *out);
    out->sex = sex;
    out->height_m = height_m;
    out->weight_kg = weight_kg;
    if (weight_kg < APHERESIS_NADLER_MIN_KG) {
        out->method = APHERESIS_TBV_WEIGHT;
        out->ml_per_kg =
            sex == APHERESIS_MALE ? APHERESIS_ML_PER_KG_MALE : APHERESIS_ML_PER_KG_FEMALE;
        out->tbv_l = weight_kg * out->ml_per_kg / 1000.0;
        return 0;
    }
    double cube = height_m * height_m * height_m;
    out->method = APHERESIS_TBV_NADLER;
    out->tbv_l = sex == APHERESIS_MALE ? 0.3669 * cube + 0.03219 * weight_kg + 0.6041
                                       : 0.3561 * cube + 0.03308 * weight_kg + 0.1833;
    return 0;
}

/* --- Plasma exchange ----------------------------------------------------- */

int apheresis_fraction_remaining(double exchanged_l, double plasma_volume_l, double *out, err *e)
{
    if (!isfinite(exchanged_l) || exchanged_l < 0)
        return err_set(e, ERR_INVALID, "exchanged_l", "must be 0 L or more");
    if (!isfinite(plasma_volume_l) || plasma_volume_l <= 0)
        return err_set(e, ERR_INVALID, "plasma_volume_l", "must be more than 0 L");
    *out = exp(-exchanged_l / plasma_volume_l);
    return 0;
}

int apheresis_replacement_compute(double exchange_ml, double albumin_fraction,
                                  apheresis_replacement *out, err *e)
{
    if (!isfinite(exchange_ml) || exchange_ml < 0)
        return err_set(e, ERR_INVALID, "exchange_ml", "must be 0 mL or more");
    if (in_range(albumin_fraction, 0, 1, "albumin_fraction",
                 "must be between 0 (all plasma) and 1 (all albumin)", e))
        return -1;
    memset(out, 0, sizeof *out);
    out->exchange_ml = exchange_ml;
    out->albumin_fraction = albumin_fraction;
    out->plasma_fraction = 1.0 - albumin_fraction;
    out->albumin_ml = exchange_ml * albumin_fraction;
    out->plasma_ml = exchange_ml - out->albumin_ml;
    out->albumin_vials = count_up(out->albumin_ml, APHERESIS_ALBUMIN_VIAL_ML);
    out->albumin_g = (double)out->albumin_vials * APHERESIS_ALBUMIN_VIAL_G;
    out->plasma_units = count_up(out->plasma_ml, APHERESIS_PLASMA_UNIT_ML);
    return 0;
}

int apheresis_plasma_exchange_compute(const apheresis_tbv *tbv, double hct, double volumes,
                                      double albumin_fraction, apheresis_plasma_exchange *out,
                                      err *e)
{
    if (open_fraction(hct, "hct",
                      "must be a fraction strictly between 0 and 1 (0.42 for 42%): at 0 there "
                      "are no red cells, at 1 no plasma",
                      e))
        return -1;
    if (!isfinite(volumes) || volumes <= 0 || volumes > APHERESIS_VOLUMES_MAX)
        return err_set(e, ERR_INVALID, "volumes",
                       "must be more than 0 and at most 3 plasma volumes");
    if (in_range(albumin_fraction, 0, 1, "albumin_fraction",
                 "must be between 0 (all plasma) and 1 (all albumin)", e))
        return -1;
    memset(out, 0, sizeof *out);
    out->tbv = *tbv;
    out->hct = hct;
    out->volumes = volumes;
    out->plasma_volume_l = tbv->tbv_l * (1.0 - hct);
    out->exchange_l = volumes * out->plasma_volume_l;
    if (apheresis_fraction_remaining(out->exchange_l, out->plasma_volume_l, &out->remaining, e) ||
        apheresis_replacement_compute(out->exchange_l * 1000.0, albumin_fraction,
                                      &out->replacement, e))
        return -1;
    return 0;
}

/* --- Red cell exchange --------------------------------------------------- */

int apheresis_red_cell_exchange_compute(double tbv_l, double hct, double replacement_hct,
                                        double remaining, double unit_ml,
                                        apheresis_red_cell_exchange *out, err *e)
{
    if (unit_ml == 0)
        unit_ml = APHERESIS_RED_CELL_UNIT_ML_DEFAULT;
    if (in_range(tbv_l, APHERESIS_TBV_L_MIN, APHERESIS_TBV_L_MAX, "tbv_l",
                 "must be between 0.03 and 20 L", e) ||
        open_fraction(hct, "hct",
                      "must be a fraction strictly between 0 and 1 (0.30 for 30%): at 0 there "
                      "are no red cells to exchange, at 1 no plasma",
                      e) ||
        open_fraction(replacement_hct, "replacement_hct",
                      "must be a fraction strictly between 0 and 1 (0.60 for 60%): the "
                      "hematocrit of the replacement red cells",
                      e) ||
        open_fraction(remaining, "remaining",
                      "must be a fraction strictly between 0 and 1 (0.30 for 30%): none left "
                      "would need an endless exchange, all left no exchange",
                      e) ||
        in_range(unit_ml, APHERESIS_RED_CELL_UNIT_ML_MIN, APHERESIS_RED_CELL_UNIT_ML_MAX,
                 "unit_ml", "must be between 100 and 500 mL", e))
        return -1;
    memset(out, 0, sizeof *out);
    out->tbv_l = tbv_l;
    out->hct = hct;
    out->replacement_hct = replacement_hct;
    out->remaining = remaining;
    out->unit_ml = unit_ml;
    out->exchange_l = tbv_l * (hct / replacement_hct) * log(1.0 / remaining);
    out->units = count_up(out->exchange_l * 1000.0, unit_ml);
    return 0;
}

/* --- Anticoagulant ------------------------------------------------------- */

int apheresis_anticoagulant_compute(double inlet_ml_min, double ratio,
                                    apheresis_anticoagulant *out, err *e)
{
    if (!isfinite(inlet_ml_min) || inlet_ml_min <= 0 || inlet_ml_min > APHERESIS_INLET_ML_MIN_MAX)
        return err_set(e, ERR_INVALID, "inlet_ml_min",
                       "must be more than 0 and at most 200 mL/min");
    if (in_range(ratio, APHERESIS_RATIO_MIN, APHERESIS_RATIO_MAX, "ratio",
                 "must be the N of a ratio 1:N between 2 and 50", e))
        return -1;
    memset(out, 0, sizeof *out);
    out->inlet_ml_min = inlet_ml_min;
    out->ratio = ratio;
    out->ac_ml_min = inlet_ml_min / ratio;
    out->ac_ml_h = out->ac_ml_min * 60.0;
    out->blood_ml_min = inlet_ml_min - out->ac_ml_min;
    return 0;
}

/* --- Adsorptive apheresis ------------------------------------------------ */

int apheresis_adsorptive_compute(long sessions, apheresis_adsorptive *out, err *e)
{
    if (sessions != 5 && sessions != 10)
        return err_set(e, ERR_INVALID, "sessions", "must be 5 or 10 weekly sessions");
    memset(out, 0, sizeof *out);
    out->sessions = sessions;
    out->flow_ml_min = APHERESIS_ADSORPTIVE_ML_MIN;
    out->minutes = APHERESIS_ADSORPTIVE_MINUTES;
    out->per_session_l = out->flow_ml_min * out->minutes / 1000.0;
    out->total_l = (double)sessions * out->per_session_l;
    return 0;
}

/* --- Figures ------------------------------------------------------------- */

/* Decimals shown: inputs as given, litres 2, mL and counts whole, flows
 * and grams 1, fractions 4. */
enum { AS_GIVEN = -1, WHOLE = 0, TENTHS = 1, LITRES = 2, FRACTION = 4 };

static void add(apheresis_figures *out, int input, const char *key, const char *label,
                double value, const char *unit, int decimals)
{
    if (out->count == APHERESIS_FIGURES_MAX)
        abort(); /* a result lists more figures than the table holds: a bug */
    out->items[out->count++] = (apheresis_figure){.key = key,
                                                  .label = label,
                                                  .unit = unit,
                                                  .value = value,
                                                  .decimals = decimals,
                                                  .input = input};
}

static void add_text(apheresis_figures *out, int input, const char *key, const char *label,
                     const char *text)
{
    add(out, input, key, label, 0, NULL, AS_GIVEN);
    out->items[out->count - 1].text = text;
}

static void tbv_inputs(const apheresis_tbv *r, apheresis_figures *out)
{
    add_text(out, 1, "sex", "sex", apheresis_sex_name(r->sex));
    add(out, 1, "height_m", "height", r->height_m, "m", AS_GIVEN);
    add(out, 1, "weight_kg", "weight", r->weight_kg, "kg", AS_GIVEN);
}

static void tbv_results(const apheresis_tbv *r, apheresis_figures *out)
{
    add_text(out, 0, "method", "method", apheresis_tbv_method_name(r->method));
    if (r->method == APHERESIS_TBV_WEIGHT)
        add(out, 0, "ml_per_kg", "blood volume per kg (under 35 kg)", r->ml_per_kg, "mL/kg",
            WHOLE);
    add(out, 0, "tbv", "total blood volume", r->tbv_l, "L", LITRES);
}

void apheresis_tbv_figures(const apheresis_tbv *r, apheresis_figures *out)
{
    tbv_inputs(r, out);
    tbv_results(r, out);
}

void apheresis_plasma_exchange_figures(const apheresis_plasma_exchange *r,
                                       apheresis_figures *out)
{
    const apheresis_replacement *m = &r->replacement;
    tbv_inputs(&r->tbv, out);
    add(out, 1, "hct", "hematocrit", r->hct, "fraction", AS_GIVEN);
    add(out, 1, "volumes", "plasma volumes to exchange", r->volumes, "plasma volumes", AS_GIVEN);
    add(out, 1, "albumin_fraction", "albumin part of the replacement", m->albumin_fraction,
        "fraction", AS_GIVEN);
    tbv_results(&r->tbv, out);
    add(out, 0, "plasma_volume", "plasma volume", r->plasma_volume_l, "L", LITRES);
    add(out, 0, "exchange_volume", "exchange volume", r->exchange_l, "L", LITRES);
    add(out, 0, "remaining", "fraction of a substance remaining", r->remaining, "fraction",
        FRACTION);
    add(out, 0, "plasma_fraction", "plasma part of the replacement", m->plasma_fraction,
        "fraction", FRACTION);
    add(out, 0, "albumin_volume", "5% albumin to give", m->albumin_ml, "mL", WHOLE);
    add(out, 0, "albumin_vials", "5% albumin vials of 250 mL", (double)m->albumin_vials,
        "vials", WHOLE);
    add(out, 0, "albumin_protein", "albumin in those vials", m->albumin_g, "g", TENTHS);
    add(out, 0, "plasma_replacement_volume", "plasma to give", m->plasma_ml, "mL", WHOLE);
    add(out, 0, "plasma_units", "plasma units of 250 mL", (double)m->plasma_units, "units",
        WHOLE);
}

void apheresis_red_cell_exchange_figures(const apheresis_red_cell_exchange *r,
                                         apheresis_figures *out)
{
    add(out, 1, "tbv_l", "total blood volume", r->tbv_l, "L", AS_GIVEN);
    add(out, 1, "hct", "patient's hematocrit", r->hct, "fraction", AS_GIVEN);
    add(out, 1, "replacement_hct", "replacement cells' hematocrit", r->replacement_hct,
        "fraction", AS_GIVEN);
    add(out, 1, "remaining", "fraction of the patient's cells remaining", r->remaining,
        "fraction", AS_GIVEN);
    add(out, 1, "unit_ml", "volume of a red cell unit", r->unit_ml, "mL", AS_GIVEN);
    add(out, 0, "exchange_volume", "red cell exchange volume", r->exchange_l, "L", LITRES);
    add(out, 0, "exchange_volume_ml", "red cell exchange volume", r->exchange_l * 1000.0, "mL",
        WHOLE);
    add(out, 0, "units", "red cell units", (double)r->units, "units", WHOLE);
}

void apheresis_anticoagulant_figures(const apheresis_anticoagulant *r, apheresis_figures *out)
{
    add(out, 1, "inlet_ml_min", "inlet rate", r->inlet_ml_min, "mL/min", AS_GIVEN);
    add(out, 1, "ratio", "N of the AC:inlet ratio 1:N", r->ratio, "parts of inlet", AS_GIVEN);
    add(out, 0, "ac_rate", "anticoagulant flow", r->ac_ml_min, "mL/min", TENTHS);
    add(out, 0, "ac_rate_hour", "anticoagulant per hour", r->ac_ml_h, "mL/h", WHOLE);
    add(out, 0, "blood_rate", "patient's blood in the inlet", r->blood_ml_min, "mL/min", TENTHS);
}

void apheresis_adsorptive_figures(const apheresis_adsorptive *r, apheresis_figures *out)
{
    add(out, 1, "sessions", "weekly sessions", (double)r->sessions, "sessions", WHOLE);
    add(out, 0, "flow", "flow through the column", r->flow_ml_min, "mL/min", WHOLE);
    add(out, 0, "session_minutes", "length of a session", r->minutes, "min", WHOLE);
    add(out, 0, "per_session", "processed per session", r->per_session_l, "L", LITRES);
    add(out, 0, "total", "processed over the course", r->total_l, "L", LITRES);
    add(out, 0, "weeks", "length of the course", (double)r->sessions, "weeks", WHOLE);
}

double apheresis_figure_rounded(const apheresis_figure *figure)
{
    if (figure->decimals < 0)
        return figure->value;
    double scale = pow(10.0, figure->decimals);
    return round(figure->value * scale) / scale;
}

/* --- Physicians' orders -------------------------------------------------- */

static const struct {
    const char *name, *label;
} procedures[APHERESIS_PROCEDURE_COUNT] = {
    [APHERESIS_PLASMA_EXCHANGE] = {"plasma_exchange", "therapeutic plasma exchange"},
    [APHERESIS_RED_CELL_EXCHANGE] = {"red_cell_exchange", "red cell exchange"},
    [APHERESIS_LEUKOCYTAPHERESIS] = {"leukocytapheresis", "leukocytapheresis"},
    [APHERESIS_PLATELETPHERESIS] = {"plateletpheresis", "therapeutic plateletpheresis"},
    [APHERESIS_PHOTOPHERESIS] = {"photopheresis", "photopheresis"},
    [APHERESIS_LDL] = {"ldl_apheresis", "LDL apheresis"},
    [APHERESIS_STEM_CELL] = {"stem_cell_collection", "stem cell collection"},
    [APHERESIS_ADSORPTIVE] = {"adsorptive", "granulocyte/monocyte adsorptive apheresis"},
};

const char *apheresis_procedure_name(apheresis_procedure procedure)
{
    return (int)procedure >= 0 && procedure < APHERESIS_PROCEDURE_COUNT
               ? procedures[procedure].name
               : "";
}

const char *apheresis_procedure_label(apheresis_procedure procedure)
{
    return (int)procedure >= 0 && procedure < APHERESIS_PROCEDURE_COUNT
               ? procedures[procedure].label
               : "";
}

int apheresis_procedure_parse(const char *text, const char *field, apheresis_procedure *out,
                              err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    for (int p = 0; p < APHERESIS_PROCEDURE_COUNT; p++)
        if (!strcasecmp(text, procedures[p].name)) {
            *out = (apheresis_procedure)p;
            return 0;
        }
    return err_set(e, ERR_INVALID, field,
                   "'%.30s' is not a procedure: plasma_exchange, red_cell_exchange, "
                   "leukocytapheresis, plateletpheresis, photopheresis, ldl_apheresis, "
                   "stem_cell_collection or adsorptive",
                   text);
}

/* `text` (any case) among `names`, written back as listed into `out`. */
static int one_of(const char *text, const char *const *names, size_t count, const char *field,
                  const char *what, char *out, size_t size, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (%s)", what);
    for (size_t i = 0; i < count; i++)
        if (!strcasecmp(text, names[i])) {
            snprintf(out, size, "%s", names[i]);
            return 0;
        }
    return err_set(e, ERR_INVALID, field, "must be %s, not '%.30s'", what, text);
}

const char *const apheresis_asfa_categories[APHERESIS_ASFA_CATEGORY_COUNT] = {"I", "II", "III",
                                                                              "IV"};
const char *const apheresis_asfa_grades[APHERESIS_ASFA_GRADE_COUNT] = {"1A", "1B", "1C",
                                                                      "2A", "2B", "2C"};
const apheresis_anticoagulant_entry apheresis_anticoagulants[APHERESIS_ANTICOAGULANT_COUNT] = {
    {"acd_a", "ACD-A"},
    {"acd_b", "ACD-B"},
    {"heparin", "heparin"},
    {"citrate", "trisodium citrate 4%"},
    {"heparin_acd_a", "heparin and ACD-A"},
};

int apheresis_asfa_category_parse(const char *text, const char *field, char *out, size_t size,
                                  err *e)
{
    return one_of(text, apheresis_asfa_categories, APHERESIS_ASFA_CATEGORY_COUNT, field,
                  "an ASFA category: I, II, III or IV", out, size, e);
}

int apheresis_asfa_grade_parse(const char *text, const char *field, char *out, size_t size,
                               err *e)
{
    return one_of(text, apheresis_asfa_grades, APHERESIS_ASFA_GRADE_COUNT, field,
                  "an ASFA grade: 1A, 1B, 1C, 2A, 2B or 2C", out, size, e);
}

int apheresis_anticoagulant_parse(const char *text, const char *field, const char **name,
                                  err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    for (int i = 0; i < APHERESIS_ANTICOAGULANT_COUNT; i++)
        if (!strcasecmp(text, apheresis_anticoagulants[i].name)) {
            *name = apheresis_anticoagulants[i].name;
            return 0;
        }
    return err_set(e, ERR_INVALID, field,
                   "must be an anticoagulant: acd_a, acd_b, heparin, citrate or heparin_acd_a, "
                   "not '%.30s'",
                   text);
}

/* A whole number of 1 to 3 digits at *p, moving past it; -1 if none. */
static long small_number(const char **p)
{
    long n = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 4) {
        n = n * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    return digits == 0 || digits > 3 ? -1 : n;
}

int apheresis_frequency_parse(const char *text, const char *field, apheresis_frequency *out,
                              err *e)
{
    static const char *const what =
        "must be 'daily', 'every N days' (N from 1 to 28) or 'N per week' (N from 1 to 7)";
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: %s", what + strlen("must be "));
    const char *p = text;
    long n;
    if (!strcasecmp(text, "daily")) {
        *out = (apheresis_frequency){APHERESIS_EVERY_DAYS, 1};
        return 0;
    }
    if (!strncasecmp(p, "every ", 6)) {
        p += 6;
        n = small_number(&p);
        if (n >= 1 && n <= APHERESIS_EVERY_DAYS_MAX &&
            (!strcasecmp(p, " days") || (n == 1 && !strcasecmp(p, " day")))) {
            *out = (apheresis_frequency){APHERESIS_EVERY_DAYS, n};
            return 0;
        }
        return err_set(e, ERR_INVALID, field, "%s, not '%.30s'", what, text);
    }
    n = small_number(&p);
    if (n >= 1 && n <= APHERESIS_PER_WEEK_MAX && !strcasecmp(p, " per week")) {
        *out = (apheresis_frequency){APHERESIS_PER_WEEK, n};
        return 0;
    }
    return err_set(e, ERR_INVALID, field, "%s, not '%.30s'", what, text);
}

const char *apheresis_frequency_kind_name(apheresis_frequency_kind kind)
{
    return kind == APHERESIS_PER_WEEK ? "per_week" : "every_days";
}

void apheresis_frequency_format(const apheresis_frequency *frequency, char *out, size_t size)
{
    if (frequency->kind == APHERESIS_PER_WEEK)
        snprintf(out, size, "%ld per week", frequency->n);
    else if (frequency->n == 1)
        snprintf(out, size, "daily");
    else
        snprintf(out, size, "every %ld days", frequency->n);
}
