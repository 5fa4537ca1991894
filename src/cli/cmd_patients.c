/*
 * cmd_patients.c - apheresis patients and physicians' orders from the
 * command line (docs/apheresis.md), the use cases of service/apheresis.h:
 *   bloodops patient add --hospital CODE --mrn MRN --family-name NAME
 *                        --given-name NAME --birth-date DATE --sex male|female
 *                        --height-m H --weight-kg W
 *   bloodops patient edit ID [--mrn ...] [--family-name ...] ...
 *   bloodops patient list [--hospital CODE] [--q TEXT]
 *   bloodops patient show ID
 *   bloodops apheresis order add --patient ID --physician NAME --procedure-type TYPE
 *                                --indication TEXT --asfa-category I..IV --asfa-grade 1A..2C
 *                                --procedures N --frequency "every 2 days" [prescription]
 *   bloodops apheresis order list [--patient ID] [--status STATUS]
 *   bloodops apheresis order show ID
 *   bloodops apheresis order cancel ID --reason TEXT
 * A show is a read of a patient's record, audited as the local operator's.
 * An order is printed with its calculations: each figure with the inputs
 * it came from and its unit.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "service/apheresis.h"

static const cli_column patient_columns[] = {
    {"id", "PATIENT"},       {"hospital", "HOSPITAL"},     {"mrn", "MRN"},
    {"family_name", "FAMILY NAME"}, {"given_name", "GIVEN NAME"}, {"birth_date", "BORN"},
    {"sex", "SEX"},          {"height_m", "HEIGHT (m)"},   {"weight_kg", "WEIGHT (kg)"},
    {"active_orders", "ACTIVE ORDERS"}, {0}};
static const cli_column patient_list_columns[] = {
    {"id", "PATIENT"},       {"hospital", "HOSPITAL"},     {"mrn", "MRN"},
    {"family_name", "FAMILY NAME"}, {"given_name", "GIVEN NAME"}, {"birth_date", "BORN"},
    {"active_orders", "ACTIVE ORDERS"}, {0}};
static const cli_column order_list_columns[] = {
    {"id", "ORDER"},         {"patient", "PATIENT"},       {"patient_name", "NAME"},
    {"hospital", "HOSPITAL"}, {"procedure_type", "PROCEDURE"}, {"procedures", "PROCEDURES"},
    {"frequency", "FREQUENCY"}, {"status", "STATUS"},      {"created_at", "ORDERED"}, {0}};
static const cli_column order_columns[] = {
    {"id", "ORDER"},         {"patient", "PATIENT"},       {"patient_name", "NAME"},
    {"mrn", "MRN"},          {"hospital", "HOSPITAL"},     {"physician", "PHYSICIAN"},
    {"procedure_label", "PROCEDURE"}, {"indication", "INDICATION"},
    {"asfa_category", "ASFA CATEGORY"}, {"asfa_grade", "ASFA GRADE"},
    {"procedures", "PROCEDURES"}, {"frequency", "FREQUENCY"}, {"status", "STATUS"},
    {"status_reason", "REASON"}, {"created_at", "ORDERED"}, {"created_by", "BY"}, {0}};
static const cli_column figure_columns[] = {
    {"kind", "KIND"}, {"key", "FIGURE"}, {"value", "VALUE"}, {"unit", "UNIT"}, {0}};

/* A number as text, as short as reads back ("1.6", "60"); a text as it
 * is. Tables print reals with every digit otherwise. */
static json_t *shown_text(const json_t *value)
{
    char text[32];
    if (!json_is_number(value))
        return json_deep_copy(value);
    snprintf(text, sizeof text, "%.15g", json_number_value(value));
    return json_string(text);
}

/* A calculation's JSON (service/apheresis_calc.h) as rows: its inputs,
 * then its figures, each key, value and unit. */
static json_t *calculation_rows(json_t *calculation)
{
    json_t *rows = json_array(), *inputs = json_object_get(calculation, "inputs");
    const char *key;
    json_t *value;
    for (int pass = 0; pass < 2; pass++) {
        json_t *from = pass == 0 ? inputs : calculation;
        json_object_foreach(from, key, value) {
            if (pass == 1 && (json_is_object(value) ? value == inputs : !strcmp(key, "calculator")))
                continue;
            json_t *shown =
                shown_text(json_is_object(value) ? json_object_get(value, "value") : value);
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:o, s:s}", "kind", pass == 0 ? "input" : "figure",
                                "key", key, "value", shown, "unit",
                                json_is_object(value)
                                    ? json_string_value(json_object_get(value, "unit"))
                                    : ""));
        }
    }
    return rows;
}

/* The order, then each calculation as a table. */
static void print_order(const cli_invocation *invocation, json_t *order)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, order, invocation->format == OUTPUT_JSON ? NULL
                                                                              : order_columns);
        return;
    }
    cli_print_object(invocation, order, order_columns);
    const char *name;
    json_t *calculation;
    json_object_foreach(json_object_get(order, "calculations"), name, calculation) {
        printf("\nCalculation: %s\n", name);
        json_t *rows = calculation_rows(calculation);
        cli_print_list(invocation, rows, figure_columns);
        json_decref(rows);
    }
}

/* The patient, then their orders. */
static void print_patient(const cli_invocation *invocation, json_t *patient)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, patient, invocation->format == OUTPUT_JSON
                                                  ? NULL
                                                  : patient_columns);
        return;
    }
    json_t *shown = json_copy(patient);
    json_object_set_new(shown, "height_m", shown_text(json_object_get(patient, "height_m")));
    json_object_set_new(shown, "weight_kg", shown_text(json_object_get(patient, "weight_kg")));
    cli_print_object(invocation, shown, patient_columns);
    json_decref(shown);
    json_t *orders = json_object_get(patient, "orders");
    if (json_array_size(orders)) {
        printf("\nOrders\n");
        cli_print_list(invocation, orders, order_list_columns);
    }
}

/* `add` prints the new record's id alone, for scripts. */
static void print_id(const cli_invocation *invocation, json_t *record)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(record, "id")));
    else
        cli_print_object(invocation, record, NULL);
}

static apheresis_patient_input patient_input(const cli_invocation *invocation)
{
    return (apheresis_patient_input){
        .hospital = cli_option_value(invocation, "hospital"),
        .mrn = cli_option_value(invocation, "mrn"),
        .family_name = cli_option_value(invocation, "family-name"),
        .given_name = cli_option_value(invocation, "given-name"),
        .birth_date = cli_option_value(invocation, "birth-date"),
        .sex = cli_option_value(invocation, "sex"),
        .height_m = cli_option_value(invocation, "height-m"),
        .weight_kg = cli_option_value(invocation, "weight-kg")};
}

static int call_patient_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                            err *e)
{
    apheresis_patient_input in = patient_input(invocation);
    return apheresis_patient_create(ctx, &in, out, e);
}

static int call_patient_edit(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    apheresis_patient_input in = patient_input(invocation);
    return apheresis_patient_edit(ctx, invocation->positional[0], &in, out, e);
}

static int call_patient_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return apheresis_patient_get(ctx, invocation->positional[0], out, e);
}

static int call_order_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                          err *e)
{
    apheresis_order_input in = {
        .patient = cli_option_value(invocation, "patient"),
        .physician = cli_option_value(invocation, "physician"),
        .procedure_type = cli_option_value(invocation, "procedure-type"),
        .indication = cli_option_value(invocation, "indication"),
        .asfa_category = cli_option_value(invocation, "asfa-category"),
        .asfa_grade = cli_option_value(invocation, "asfa-grade"),
        .procedures = cli_option_value(invocation, "procedures"),
        .frequency = cli_option_value(invocation, "frequency"),
        .hct = cli_option_value(invocation, "hct"),
        .volumes = cli_option_value(invocation, "volumes"),
        .albumin_fraction = cli_option_value(invocation, "albumin-fraction"),
        .replacement_hct = cli_option_value(invocation, "replacement-hct"),
        .remaining = cli_option_value(invocation, "remaining"),
        .target_hct = cli_option_value(invocation, "target-hct"),
        .unit_ml = cli_option_value(invocation, "unit-ml"),
        .anticoagulant = cli_option_value(invocation, "anticoagulant"),
        .ratio = cli_option_value(invocation, "ratio"),
        .inlet_ml_min = cli_option_value(invocation, "inlet-ml-min"),
    };
    return apheresis_order_create(ctx, &in, out, e);
}

static int call_order_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                           err *e)
{
    return apheresis_order_get(ctx, invocation->positional[0], out, e);
}

static int call_order_cancel(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return apheresis_order_cancel(ctx, invocation->positional[0],
                                  cli_option_value(invocation, "reason"), out, e);
}

static int run_patient_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_patient_add, print_id);
}
static int run_patient_edit(cli_invocation *invocation)
{
    return cli_run(invocation, call_patient_edit, print_patient);
}
static int run_patient_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_patient_show, print_patient);
}
static int run_order_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_order_add, print_id);
}
static int run_order_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_order_show, print_order);
}
static int run_order_cancel(cli_invocation *invocation)
{
    return cli_run(invocation, call_order_cancel, print_order);
}

static int call_patient_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    apheresis_patient_filter f = *(const apheresis_patient_filter *)filter;
    f.page = *page;
    return apheresis_patient_list(ctx, &f, out, e);
}

static int run_patient_list(cli_invocation *invocation)
{
    apheresis_patient_filter filter = {.hospital = cli_option_value(invocation, "hospital"),
                                       .q = cli_option_value(invocation, "q")};
    return cli_print_all_pages(invocation, call_patient_list, &filter, 0, patient_list_columns);
}

static int call_order_list(service_context *ctx, const void *filter, service_page *page,
                           json_t **out, err *e)
{
    apheresis_order_filter f = *(const apheresis_order_filter *)filter;
    f.page = *page;
    return apheresis_order_list(ctx, &f, out, e);
}

static int run_order_list(cli_invocation *invocation)
{
    apheresis_order_filter filter = {.patient = cli_option_value(invocation, "patient"),
                                     .status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_order_list, &filter, 0, order_list_columns);
}

static const cli_option patient_options[] = {
    {"hospital", "CODE", "the patient's hospital (add only)"},
    {"mrn", "MRN", "the medical record number at that hospital"},
    {"family-name", "NAME", "family name"},
    {"given-name", "NAME", "given name"},
    {"birth-date", "DATE", "date of birth, YYYY-MM-DD"},
    {"sex", "male|female", "the patient's sex (the blood volume's formula differs)"},
    {"height-m", "H", "height in metres (0.3 to 2.5)"},
    {"weight-kg", "W", "weight in kg (0.5 to 350)"},
    {0}};
static const cli_option patient_list_options[] = {
    {"hospital", "CODE", "one hospital's patients"},
    {"q", "TEXT", "a piece of the MRN or of a name"},
    {0}};
static const cli_option order_options[] = {
    {"patient", "ID", "the patient"},
    {"physician", "NAME", "the ordering physician"},
    {"procedure-type", "TYPE",
     "plasma_exchange, red_cell_exchange, leukocytapheresis, plateletpheresis, photopheresis, "
     "ldl_apheresis, stem_cell_collection or adsorptive"},
    {"indication", "TEXT", "the indication"},
    {"asfa-category", "I..IV", "the indication's ASFA category"},
    {"asfa-grade", "GRADE", "the ASFA grade: 1A, 1B, 1C, 2A, 2B, 2C"},
    {"procedures", "N", "procedures in the course (1 to 60; adsorptive: 5 or 10)"},
    {"frequency", "TEXT", "'daily', 'every N days' or 'N per week'"},
    {"hct", "FRACTION", "the patient's hematocrit at ordering (0.42)"},
    {"volumes", "N", "plasma exchange: plasma volumes to exchange"},
    {"albumin-fraction", "F", "plasma exchange: part replaced by 5% albumin (default 1)"},
    {"replacement-hct", "FRACTION", "red cell exchange: the replacement cells' hematocrit"},
    {"remaining", "FRACTION", "red cell exchange: fraction of the patient's cells to remain"},
    {"target-hct", "FRACTION", "red cell exchange: the target hematocrit"},
    {"unit-ml", "ML", "red cell exchange: volume of a red cell unit (default 275)"},
    {"anticoagulant", "NAME", "acd_a, acd_b, heparin, citrate or heparin_acd_a"},
    {"ratio", "N", "the N of the AC:inlet ratio 1:N ('1:N' is taken too)"},
    {"inlet-ml-min", "R", "the inlet rate in mL/min, for the anticoagulant flow"},
    {0}};
static const cli_option order_list_options[] = {
    {"patient", "ID", "one patient's orders"},
    {"status", "STATUS", "active, completed or cancelled"},
    {0}};
static const cli_option cancel_options[] = {{"reason", "TEXT", "why the order is cancelled"},
                                            {0}};

static const cli_command patient_commands[] = {
    {.noun = "patient", .verb = "add", .run = run_patient_add, .options = patient_options,
     .summary = "an apheresis patient at a hospital; prints their id", .opens_database = 1},
    {.noun = "patient", .verb = "edit", .run = run_patient_edit, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = patient_options,
     .summary = "change a patient's MRN, names, birth date, sex, height or weight",
     .opens_database = 1},
    {.noun = "patient", .verb = "list", .run = run_patient_list,
     .options = patient_list_options, .summary = "apheresis patients by name and MRN",
     .opens_database = 1},
    {.noun = "patient", .verb = "show", .run = run_patient_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "a patient's record and orders (the read is audited)", .opens_database = 1},
    {.noun = "apheresis", .verb = "order add", .run = run_order_add, .options = order_options,
     .summary = "a physician's apheresis order; prints its id", .opens_database = 1},
    {.noun = "apheresis", .verb = "order list", .run = run_order_list,
     .options = order_list_options, .summary = "physicians' apheresis orders",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "order show", .run = run_order_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "an order with its calculations (the read is audited)", .opens_database = 1},
    {.noun = "apheresis", .verb = "order cancel", .run = run_order_cancel, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = cancel_options,
     .summary = "cancel an active order, with its reason", .opens_database = 1},
    {0},
};

const cli_module cli_module_patients = {
    .name = "patients", .area = AREA_SERVICES, .commands = patient_commands};
