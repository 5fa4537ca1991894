/*
 * apheresis_calc.c - the apheresis calculators by name, reading their
 * inputs as text, and the JSON of their figures (see apheresis_calc.h).
 */
#include <math.h>
#include <string.h>
#include "service/apheresis_calc.h"

const char *const apheresis_calc_fields[] = {
    "sex",          "height_m",     "weight_kg", "hct",   "volumes", "albumin_fraction",
    "tbv_l",        "replacement_hct", "remaining", "unit_ml", "inlet_ml_min", "ratio",
    "sessions",     NULL};

static int number(apheresis_calc_value value, void *data, const char *field, double *out,
                  err *e)
{
    return apheresis_number_parse(value(data, field), field, out, e);
}

static int calc_tbv(apheresis_calc_value value, void *data, apheresis_figures *figures, err *e)
{
    apheresis_sex sex;
    double height_m, weight_kg;
    apheresis_tbv r;
    if (apheresis_sex_parse(value(data, "sex"), "sex", &sex, e) ||
        number(value, data, "height_m", &height_m, e) ||
        number(value, data, "weight_kg", &weight_kg, e) ||
        apheresis_tbv_compute(sex, height_m, weight_kg, &r, e))
        return -1;
    apheresis_tbv_figures(&r, figures);
    return 0;
}

static int calc_plasma_exchange(apheresis_calc_value value, void *data,
                                apheresis_figures *figures, err *e)
{
    apheresis_sex sex;
    double height_m, weight_kg, hct, volumes, albumin_fraction = 1.0;
    apheresis_tbv tbv;
    apheresis_plasma_exchange r;
    if (apheresis_sex_parse(value(data, "sex"), "sex", &sex, e) ||
        number(value, data, "height_m", &height_m, e) ||
        number(value, data, "weight_kg", &weight_kg, e) ||
        number(value, data, "hct", &hct, e) || number(value, data, "volumes", &volumes, e) ||
        (value(data, "albumin_fraction") &&
         number(value, data, "albumin_fraction", &albumin_fraction, e)) ||
        apheresis_tbv_compute(sex, height_m, weight_kg, &tbv, e) ||
        apheresis_plasma_exchange_compute(&tbv, hct, volumes, albumin_fraction, &r, e))
        return -1;
    apheresis_plasma_exchange_figures(&r, figures);
    return 0;
}

static int calc_red_cell_exchange(apheresis_calc_value value, void *data,
                                  apheresis_figures *figures, err *e)
{
    double tbv_l, hct, replacement_hct, remaining, unit_ml = APHERESIS_RED_CELL_UNIT_ML_DEFAULT;
    apheresis_red_cell_exchange r;
    if (number(value, data, "tbv_l", &tbv_l, e) || number(value, data, "hct", &hct, e) ||
        number(value, data, "replacement_hct", &replacement_hct, e) ||
        number(value, data, "remaining", &remaining, e) ||
        (value(data, "unit_ml") && number(value, data, "unit_ml", &unit_ml, e)))
        return -1;
    /* 0 means the default to the domain: typed, it is refused as a volume. */
    if (unit_ml == 0)
        return err_set(e, ERR_INVALID, "unit_ml", "must be between 100 and 500 mL");
    if (apheresis_red_cell_exchange_compute(tbv_l, hct, replacement_hct, remaining, unit_ml, &r,
                                            e))
        return -1;
    apheresis_red_cell_exchange_figures(&r, figures);
    return 0;
}

static int calc_anticoagulant(apheresis_calc_value value, void *data, apheresis_figures *figures,
                              err *e)
{
    double inlet, ratio;
    apheresis_anticoagulant r;
    const char *ratio_text = value(data, "ratio");
    /* "1:13" is the ratio as written on the device; "13" its N. */
    if (ratio_text && strncmp(ratio_text, "1:", 2) == 0)
        ratio_text += 2;
    if (number(value, data, "inlet_ml_min", &inlet, e) ||
        apheresis_number_parse(ratio_text, "ratio", &ratio, e) ||
        apheresis_anticoagulant_compute(inlet, ratio, &r, e))
        return -1;
    apheresis_anticoagulant_figures(&r, figures);
    return 0;
}

static int calc_adsorptive(apheresis_calc_value value, void *data, apheresis_figures *figures,
                           err *e)
{
    double sessions;
    apheresis_adsorptive r;
    if (number(value, data, "sessions", &sessions, e))
        return -1;
    if (sessions != floor(sessions))
        return err_set(e, ERR_INVALID, "sessions", "must be 5 or 10 weekly sessions");
    if (apheresis_adsorptive_compute((long)sessions, &r, e))
        return -1;
    apheresis_adsorptive_figures(&r, figures);
    return 0;
}

static const apheresis_calculator calculators[] = {
    {"tbv", {"sex", "height_m", "weight_kg"}, {0}, calc_tbv},
    {"plasma-exchange",
     {"sex", "height_m", "weight_kg", "hct", "volumes"},
     {"albumin_fraction"},
     calc_plasma_exchange},
    {"red-cell-exchange",
     {"tbv_l", "hct", "replacement_hct", "remaining"},
     {"unit_ml"},
     calc_red_cell_exchange},
    {"anticoagulant", {"inlet_ml_min", "ratio"}, {0}, calc_anticoagulant},
    {"adsorptive", {"sessions"}, {0}, calc_adsorptive},
};

const apheresis_calculator *apheresis_calculator_find(const char *name)
{
    for (size_t c = 0; name && c < sizeof calculators / sizeof calculators[0]; c++)
        if (strcmp(calculators[c].name, name) == 0)
            return &calculators[c];
    return NULL;
}

static int listed(const char *const *names, const char *name)
{
    for (int i = 0; i < APHERESIS_CALC_FIELDS_MAX && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

int apheresis_calculator_takes(const apheresis_calculator *calculator, const char *field)
{
    return listed(calculator->required, field) || listed(calculator->optional, field);
}

int apheresis_calc_figures(const apheresis_calculator *calculator, apheresis_calc_value value,
                           void *data, apheresis_figures *figures, err *e)
{
    return calculator->calculate(value, data, figures, e);
}

static json_t *value_json(const apheresis_figure *f)
{
    if (f->text)
        return json_string(f->text);
    json_t *value = f->decimals == 0 ? json_integer((json_int_t)apheresis_figure_rounded(f))
                                     : json_real(apheresis_figure_rounded(f));
    return json_pack("{s:o, s:s}", "value", value, "unit", f->unit);
}

json_t *apheresis_figures_json(const char *name, const apheresis_figures *figures)
{
    json_t *object = json_pack("{s:s, s:{}}", "calculator", name, "inputs");
    json_t *inputs = json_object_get(object, "inputs");
    for (size_t i = 0; i < figures->count; i++) {
        const apheresis_figure *f = &figures->items[i];
        json_object_set_new(f->input ? inputs : object, f->key, value_json(f));
    }
    return object;
}

int apheresis_calc_run(const char *name, apheresis_calc_value value, void *data, json_t **out,
                       err *e)
{
    const apheresis_calculator *calculator = apheresis_calculator_find(name);
    if (!calculator)
        return err_set(e, ERR_NOT_FOUND, "name",
                       "no calculator '%.30s': tbv, plasma-exchange, red-cell-exchange, "
                       "anticoagulant or adsorptive",
                       name ? name : "");
    for (int i = 0; apheresis_calc_fields[i]; i++)
        if (value(data, apheresis_calc_fields[i]) &&
            !apheresis_calculator_takes(calculator, apheresis_calc_fields[i]))
            return err_set(e, ERR_INVALID, apheresis_calc_fields[i], "does not apply to '%s'",
                           calculator->name);
    for (int i = 0; i < APHERESIS_CALC_FIELDS_MAX && calculator->required[i]; i++)
        if (!value(data, calculator->required[i]))
            return err_set(e, ERR_INVALID, calculator->required[i], "is required for '%s'",
                           calculator->name);
    apheresis_figures figures = {0};
    if (apheresis_calc_figures(calculator, value, data, &figures, e))
        return -1;
    *out = apheresis_figures_json(calculator->name, &figures);
    return 0;
}
