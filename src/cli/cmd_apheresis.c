/*
 * cmd_apheresis.c - the apheresis calculators from the command line
 * (domain/apheresis.h; docs/apheresis.md); they open no database:
 *   bloodops apheresis calc tbv                 total blood volume
 *   bloodops apheresis calc plasma-exchange     plasma volume, exchange
 *                                               volume, fraction remaining,
 *                                               albumin vials, plasma units
 *   bloodops apheresis calc red-cell-exchange   exchange volume, red cell units
 *   bloodops apheresis calc anticoagulant       AC flow for an inlet rate and ratio
 *   bloodops apheresis calc adsorptive          volume processed by a course
 * Scripts use these names and options. A table (the default) lists what
 * was given, then the figures; --format json gives every figure with its
 * unit ({"tbv": {"value": 5.32, "unit": "L"}, ...}) and the inputs under
 * "inputs"; --format csv one row per input or figure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "domain/apheresis.h"

enum { CALCULATOR_OPTIONS_MAX = 8 };

static const cli_option calc_options[] = {
    {"sex", "male|female", "tbv, plasma-exchange: the patient's sex"},
    {"height-m", "H", "tbv, plasma-exchange: height in metres (0.3 to 2.5)"},
    {"weight-kg", "W", "tbv, plasma-exchange: weight in kg (0.5 to 350; under 35: by weight)"},
    {"hct", "FRACTION",
     "plasma-exchange, red-cell-exchange: the patient's hematocrit, strictly between 0 and 1 "
     "(0.42)"},
    {"volumes", "N", "plasma-exchange: plasma volumes to exchange (more than 0, at most 3)"},
    {"albumin-fraction", "F",
     "plasma-exchange: part of the replacement given as 5% albumin, the rest plasma (0 to 1; "
     "default 1)"},
    {"tbv-l", "L", "red-cell-exchange: total blood volume in litres (0.03 to 20)"},
    {"replacement-hct", "FRACTION",
     "red-cell-exchange: hematocrit of the replacement red cells (strictly between 0 and 1)"},
    {"remaining", "FRACTION",
     "red-cell-exchange: fraction of the patient's red cells to leave (strictly between 0 and "
     "1)"},
    {"unit-ml", "ML", "red-cell-exchange: volume of a red cell unit (100 to 500; default 275)"},
    {"inlet-ml-min", "R", "anticoagulant: inlet rate in mL/min (more than 0, at most 200)"},
    {"ratio", "N", "anticoagulant: the N of the AC:inlet ratio 1:N (2 to 50; '1:N' is taken too)"},
    {"sessions", "5|10", "adsorptive: weekly sessions in the course"},
    {0}};

/* A number option: its value parsed strictly, refused naming its field (the
 * option with '_' for '-', which cli_fail prints as the option). */
static int number(const cli_invocation *invocation, const char *option, double *out, err *e)
{
    char field[32];
    snprintf(field, sizeof field, "%s", option);
    for (char *p = field; *p; p++)
        if (*p == '-')
            *p = '_';
    return apheresis_number_parse(cli_option_value(invocation, option), field, out, e);
}

/* --- The calculators ----------------------------------------------------- */

static int calc_tbv(const cli_invocation *invocation, apheresis_figures *figures, err *e)
{
    apheresis_sex sex;
    double height_m, weight_kg;
    apheresis_tbv r;
    if (apheresis_sex_parse(cli_option_value(invocation, "sex"), "sex", &sex, e) ||
        number(invocation, "height-m", &height_m, e) ||
        number(invocation, "weight-kg", &weight_kg, e) ||
        apheresis_tbv_compute(sex, height_m, weight_kg, &r, e))
        return -1;
    apheresis_tbv_figures(&r, figures);
    return 0;
}

static int calc_plasma_exchange(const cli_invocation *invocation, apheresis_figures *figures,
                                err *e)
{
    apheresis_sex sex;
    double height_m, weight_kg, hct, volumes, albumin_fraction = 1.0;
    apheresis_tbv tbv;
    apheresis_plasma_exchange r;
    if (apheresis_sex_parse(cli_option_value(invocation, "sex"), "sex", &sex, e) ||
        number(invocation, "height-m", &height_m, e) ||
        number(invocation, "weight-kg", &weight_kg, e) || number(invocation, "hct", &hct, e) ||
        number(invocation, "volumes", &volumes, e) ||
        (cli_option_value(invocation, "albumin-fraction") &&
         number(invocation, "albumin-fraction", &albumin_fraction, e)) ||
        apheresis_tbv_compute(sex, height_m, weight_kg, &tbv, e) ||
        apheresis_plasma_exchange_compute(&tbv, hct, volumes, albumin_fraction, &r, e))
        return -1;
    apheresis_plasma_exchange_figures(&r, figures);
    return 0;
}

static int calc_red_cell_exchange(const cli_invocation *invocation, apheresis_figures *figures,
                                  err *e)
{
    double tbv_l, hct, replacement_hct, remaining, unit_ml = APHERESIS_RED_CELL_UNIT_ML_DEFAULT;
    apheresis_red_cell_exchange r;
    if (number(invocation, "tbv-l", &tbv_l, e) || number(invocation, "hct", &hct, e) ||
        number(invocation, "replacement-hct", &replacement_hct, e) ||
        number(invocation, "remaining", &remaining, e) ||
        (cli_option_value(invocation, "unit-ml") && number(invocation, "unit-ml", &unit_ml, e)))
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

static int calc_anticoagulant(const cli_invocation *invocation, apheresis_figures *figures,
                              err *e)
{
    double inlet, ratio;
    apheresis_anticoagulant r;
    const char *ratio_text = cli_option_value(invocation, "ratio");
    /* "1:13" is the ratio as written on the device; "13" its N. */
    if (ratio_text && strncmp(ratio_text, "1:", 2) == 0)
        ratio_text += 2;
    if (number(invocation, "inlet-ml-min", &inlet, e) ||
        apheresis_number_parse(ratio_text, "ratio", &ratio, e) ||
        apheresis_anticoagulant_compute(inlet, ratio, &r, e))
        return -1;
    apheresis_anticoagulant_figures(&r, figures);
    return 0;
}

static int calc_adsorptive(const cli_invocation *invocation, apheresis_figures *figures, err *e)
{
    double sessions;
    apheresis_adsorptive r;
    if (number(invocation, "sessions", &sessions, e))
        return -1;
    if (sessions != floor(sessions))
        return err_set(e, ERR_INVALID, "sessions", "must be 5 or 10 weekly sessions");
    if (apheresis_adsorptive_compute((long)sessions, &r, e))
        return -1;
    apheresis_adsorptive_figures(&r, figures);
    return 0;
}

/* Each calculator: the options it needs, those it may take, and the
 * calculation that fills the figures. */
static const struct {
    const char *name;
    const char *required[CALCULATOR_OPTIONS_MAX];
    const char *optional[CALCULATOR_OPTIONS_MAX];
    int (*calculate)(const cli_invocation *invocation, apheresis_figures *figures, err *e);
} calculators[] = {
    {"tbv", {"sex", "height-m", "weight-kg"}, {0}, calc_tbv},
    {"plasma-exchange",
     {"sex", "height-m", "weight-kg", "hct", "volumes"},
     {"albumin-fraction"},
     calc_plasma_exchange},
    {"red-cell-exchange",
     {"tbv-l", "hct", "replacement-hct", "remaining"},
     {"unit-ml"},
     calc_red_cell_exchange},
    {"anticoagulant", {"inlet-ml-min", "ratio"}, {0}, calc_anticoagulant},
    {"adsorptive", {"sessions"}, {0}, calc_adsorptive},
};
enum { CALCULATOR_COUNT = sizeof calculators / sizeof calculators[0] };

static int listed(const char *const *names, const char *name)
{
    for (int i = 0; i < CALCULATOR_OPTIONS_MAX && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* --- Output -------------------------------------------------------------- */

/* The text of a figure's value: its text, or the number rounded to its
 * decimals (as given: the shortest that reads back). */
static void value_text(const apheresis_figure *f, char *out, size_t size)
{
    if (f->text)
        snprintf(out, size, "%s", f->text);
    else if (f->decimals < 0)
        snprintf(out, size, "%.15g", f->value);
    else
        snprintf(out, size, "%.*f", f->decimals, apheresis_figure_rounded(f));
}

static json_t *value_json(const apheresis_figure *f)
{
    if (f->text)
        return json_string(f->text);
    json_t *value = f->decimals == 0 ? json_integer((json_int_t)apheresis_figure_rounded(f))
                                     : json_real(apheresis_figure_rounded(f));
    return json_pack("{s:o, s:s}", "value", value, "unit", f->unit);
}

/* {"calculator": NAME, "inputs": {...}, figure: {"value", "unit"}, ...}. */
static void print_json(const char *name, const apheresis_figures *figures)
{
    json_t *object = json_pack("{s:s, s:{}}", "calculator", name, "inputs");
    json_t *inputs = json_object_get(object, "inputs");
    for (size_t i = 0; i < figures->count; i++) {
        const apheresis_figure *f = &figures->items[i];
        json_object_set_new(f->input ? inputs : object, f->key, value_json(f));
    }
    /* 15 digits: a figure rounded to 5.32 prints as 5.32, not 5.3200000000000003 */
    char *text = json_dumps(object, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    printf("%s\n", text ? text : "null");
    free(text);
    json_decref(object);
}

/* Which figures a table shows. */
enum { ROWS_INPUTS, ROWS_FIGURES, ROWS_ALL };

/* The figures as rows of text: key, kind (input or figure), figure (its
 * label), value, unit. */
static json_t *rows(const apheresis_figures *figures, int which)
{
    json_t *items = json_array();
    char value[64];
    for (size_t i = 0; i < figures->count; i++) {
        const apheresis_figure *f = &figures->items[i];
        if ((which == ROWS_INPUTS && !f->input) || (which == ROWS_FIGURES && f->input))
            continue;
        value_text(f, value, sizeof value);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", f->key,
                                               "kind", f->input ? "input" : "figure", "figure",
                                               f->label, "value", value, "unit",
                                               f->unit ? f->unit : ""));
    }
    return items;
}

static void print_figures(const cli_invocation *invocation, const char *name,
                          const apheresis_figures *figures)
{
    if (invocation->format == OUTPUT_JSON) {
        print_json(name, figures);
        return;
    }
    if (invocation->format == OUTPUT_CSV) {
        static const cli_column columns[] = {{"key", "key"},     {"kind", "kind"},
                                             {"figure", "figure"}, {"value", "value"},
                                             {"unit", "unit"},   {0}};
        json_t *items = rows(figures, ROWS_ALL);
        cli_print_list(invocation, items, columns);
        json_decref(items);
        return;
    }
    static const cli_column given[] = {
        {"figure", "GIVEN"}, {"value", "VALUE"}, {"unit", "UNIT"}, {0}};
    static const cli_column computed[] = {
        {"figure", "FIGURE"}, {"value", "VALUE"}, {"unit", "UNIT"}, {0}};
    json_t *items = rows(figures, ROWS_INPUTS);
    cli_print_list(invocation, items, given);
    json_decref(items);
    putchar('\n');
    items = rows(figures, ROWS_FIGURES);
    cli_print_list(invocation, items, computed);
    json_decref(items);
}

/* --- apheresis calc ------------------------------------------------------ */

static int usage(const char *message, const char *detail)
{
    fprintf(stderr, "bloodops: ");
    fprintf(stderr, message, detail);
    fprintf(stderr, " (see: bloodops apheresis calc --help)\n");
    return CLI_USAGE;
}

static int run_calc(cli_invocation *invocation)
{
    const char *name = invocation->positional[0];
    int c = 0;
    while (c < CALCULATOR_COUNT && strcmp(calculators[c].name, name) != 0)
        c++;
    if (c == CALCULATOR_COUNT)
        return usage("unknown calculator '%s': tbv, plasma-exchange, red-cell-exchange, "
                     "anticoagulant or adsorptive",
                     name);
    for (int o = 0; calc_options[o].name; o++) {
        const char *option = calc_options[o].name;
        if (invocation->values[o] && !listed(calculators[c].required, option) &&
            !listed(calculators[c].optional, option)) {
            fprintf(stderr, "bloodops: --%s does not apply to '%s' (see: bloodops apheresis "
                            "calc --help)\n",
                    option, name);
            return CLI_USAGE;
        }
    }
    for (int r = 0; r < CALCULATOR_OPTIONS_MAX && calculators[c].required[r]; r++)
        if (!cli_option_value(invocation, calculators[c].required[r])) {
            fprintf(stderr, "bloodops: --%s is required for '%s' (see: bloodops apheresis calc "
                            "--help)\n",
                    calculators[c].required[r], name);
            return CLI_USAGE;
        }
    err e;
    apheresis_figures figures = {0};
    if (calculators[c].calculate(invocation, &figures, &e))
        return cli_fail(&e);
    print_figures(invocation, name, &figures);
    return CLI_OK;
}

static const cli_command apheresis_commands[] = {
    {.noun = "apheresis", .verb = "calc", .run = run_calc, .arguments = "CALCULATOR",
     .positional_min = 1, .positional_max = 1, .options = calc_options,
     .summary = "an apheresis calculation, without a database: tbv, plasma-exchange, red-cell-exchange, anticoagulant or adsorptive"},
    {0},
};

const cli_module cli_module_apheresis = {
    .name = "apheresis", .area = AREA_SERVICES, .commands = apheresis_commands};
