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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "domain/apheresis.h"
#include "service/apheresis_calc.h"

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

/* A calculator's field as its option: "height_m" -> "height-m". */
static const char *option_of(const char *field, char *out, size_t size)
{
    snprintf(out, size, "%s", field);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
    return out;
}

/* An input's text by its field name: the option's value. */
static const char *option_value(void *data, const char *field)
{
    char option[32];
    return cli_option_value(data, option_of(field, option, sizeof option));
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

/* The calculator's JSON (service/apheresis_calc.h), as the API answers it. */
static void print_json(const char *name, const apheresis_figures *figures)
{
    json_t *object = apheresis_figures_json(name, figures);
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
    const apheresis_calculator *calculator = apheresis_calculator_find(name);
    char option[32];
    if (!calculator)
        return usage("unknown calculator '%s': tbv, plasma-exchange, red-cell-exchange, "
                     "anticoagulant or adsorptive",
                     name);
    for (int o = 0; apheresis_calc_fields[o]; o++) {
        const char *field = apheresis_calc_fields[o];
        if (option_value(invocation, field) && !apheresis_calculator_takes(calculator, field)) {
            fprintf(stderr, "bloodops: --%s does not apply to '%s' (see: bloodops apheresis "
                            "calc --help)\n",
                    option_of(field, option, sizeof option), name);
            return CLI_USAGE;
        }
    }
    for (int r = 0; r < APHERESIS_CALC_FIELDS_MAX && calculator->required[r]; r++)
        if (!option_value(invocation, calculator->required[r])) {
            fprintf(stderr, "bloodops: --%s is required for '%s' (see: bloodops apheresis calc "
                            "--help)\n",
                    option_of(calculator->required[r], option, sizeof option), name);
            return CLI_USAGE;
        }
    err e;
    apheresis_figures figures = {0};
    if (apheresis_calc_figures(calculator, option_value, invocation, &figures, &e))
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
