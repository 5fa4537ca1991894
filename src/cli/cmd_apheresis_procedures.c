/*
 * cmd_apheresis_procedures.c - apheresis procedure records, contracts,
 * standard costs and volumes from the command line (docs/apheresis.md,
 * "Procedures"), the use cases of service/apheresis_procedure.h:
 *   bloodops apheresis record ORDER --started-at T --ended-at T --device-serial S --kit-lot L
 *            --outcome completed|aborted [--abort-reason TEXT] [volumes, vitals, events...]
 *   bloodops apheresis change PROCEDURE [fields]        (a draft)
 *   bloodops apheresis amend PROCEDURE --reason TEXT [fields]  (a signed record)
 *   bloodops apheresis sign PROCEDURE [--signer USER] [--password-stdin]
 *   bloodops apheresis procedure show ID | procedure list [--order ID] [--status S]
 *   bloodops apheresis contract add --hospital CODE --from DATE [--to DATE] --abort-percent N
 *   bloodops apheresis contract price CONTRACT --procedure-type TYPE --price DOLLARS
 *   bloodops apheresis contract surcharge CONTRACT --kind KIND --amount DOLLARS
 *   bloodops apheresis contract list [--hospital CODE] | contract show ID
 *   bloodops apheresis cost set ITEM AMOUNT | cost list
 *   bloodops apheresis volumes --period P
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "service/apheresis_procedure.h"

static const cli_column procedure_columns[] = {
    {"id", "PROCEDURE"},       {"order", "ORDER"},         {"procedure_type", "PROCEDURE TYPE"},
    {"hospital", "HOSPITAL"},  {"patient_name", "PATIENT"}, {"mrn", "MRN"},
    {"performed_on", "DAY"},   {"started_at", "STARTED"},   {"ended_at", "ENDED"},
    {"nurse", "NURSE"},        {"device_serial", "DEVICE"}, {"kit_lot", "KIT LOT"},
    {"blood_processed_ml", "BLOOD PROCESSED (mL)"}, {"plasma_removed_ml", "PLASMA REMOVED (mL)"},
    {"albumin_vials", "ALBUMIN VIALS"}, {"plasma_units", "PLASMA UNITS"},
    {"saline_ml", "SALINE (mL)"}, {"anticoagulant_ml", "ANTICOAGULANT (mL)"},
    {"ratio", "RATIO 1:N"},    {"calcium_mg", "CALCIUM (mg)"}, {"outcome", "OUTCOME"},
    {"abort_reason", "ABORT REASON"}, {"status", "STATUS"}, {"signed_by", "SIGNED BY"},
    {"signed_at", "SIGNED AT"}, {"price", "PRICE", CLI_MONEY}, {"cost", "COST", CLI_MONEY},
    {"invoice", "INVOICE"},    {"amendment_count", "AMENDMENTS"}, {0}};
static const cli_column procedure_list_columns[] = {
    {"id", "PROCEDURE"}, {"order", "ORDER"},   {"procedure_type", "PROCEDURE TYPE"},
    {"hospital", "HOSPITAL"}, {"patient_name", "PATIENT"}, {"performed_on", "DAY"},
    {"nurse", "NURSE"},  {"outcome", "OUTCOME"}, {"status", "STATUS"},
    {"price", "PRICE", CLI_MONEY}, {0}};
static const cli_column compared_columns[] = {
    {"what", "WHAT"}, {"prescribed", "PRESCRIBED"}, {"delivered", "DELIVERED"}, {"unit", "UNIT"},
    {0}};
static const cli_column amendment_columns[] = {
    {"id", "AMENDMENT"}, {"amended_at", "AT"}, {"amended_by", "BY"}, {"reason", "REASON"}, {0}};
static const cli_column contract_columns[] = {
    {"id", "CONTRACT"},     {"hospital", "HOSPITAL"},         {"market", "MARKET"},
    {"effective_from", "FROM"}, {"effective_to", "TO"},       {"abort_percent", "ABORT %"},
    {0}};
static const cli_column amount_columns[] = {{"key", "ITEM"}, {"amount", "AMOUNT", CLI_MONEY},
                                            {0}};
static const cli_column cost_columns[] = {{"item", "ITEM"}, {"amount", "AMOUNT", CLI_MONEY},
                                          {"updated_at", "UPDATED"}, {"updated_by", "BY"}, {0}};
static const cli_column volume_columns[] = {
    {"market", "MARKET"},     {"procedure_type", "PROCEDURE TYPE"}, {"procedures", "PROCEDURES"},
    {"aborted", "ABORTED"},   {"revenue", "REVENUE", CLI_MONEY},
    {"average_price", "AVERAGE PRICE", CLI_MONEY}, {0}};

/* --- procedures ----------------------------------------------------------- */

/* `record` prints the new record's id alone, for scripts. */
static void print_id(const cli_invocation *invocation, json_t *record)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(record, "id")));
    else
        cli_print_object(invocation, record, NULL);
}

/* The record, what was prescribed beside what was given, the amendments. */
static void print_procedure(const cli_invocation *invocation, json_t *procedure)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, procedure,
                         invocation->format == OUTPUT_JSON ? NULL : procedure_columns);
        return;
    }
    cli_print_object(invocation, procedure, procedure_columns);
    json_t *rows = json_object_get(procedure, "prescribed_vs_delivered");
    if (json_array_size(rows)) {
        printf("\nPrescribed vs delivered\n");
        cli_print_list(invocation, rows, compared_columns);
    }
    json_t *amendments = json_object_get(procedure, "amendments");
    if (json_array_size(amendments)) {
        printf("\nAmendments\n");
        cli_print_list(invocation, amendments, amendment_columns);
    }
}

enum { EVENTS_TAKEN = 20 };

/* --adverse-events "what|severity|action;what|severity|action" ("" none). */
typedef struct {
    char text[2048];
    apheresis_adverse_event events[EVENTS_TAKEN + 1];
} events_buffer;

static apheresis_procedure_input procedure_input(const cli_invocation *invocation,
                                                 events_buffer *taken)
{
    apheresis_procedure_input in = {
        .order = strcmp(invocation->command->verb, "record") == 0 ? invocation->positional[0]
                                                                   : NULL,
        .booking = cli_option_value(invocation, "booking"),
        .started_at = cli_option_value(invocation, "started-at"),
        .ended_at = cli_option_value(invocation, "ended-at"),
        .nurse = cli_option_value(invocation, "nurse"),
        .device_serial = cli_option_value(invocation, "device-serial"),
        .kit_lot = cli_option_value(invocation, "kit-lot"),
        .blood_processed_ml = cli_option_value(invocation, "blood-processed-ml"),
        .plasma_removed_ml = cli_option_value(invocation, "plasma-removed-ml"),
        .albumin_vials = cli_option_value(invocation, "albumin-vials"),
        .plasma_units = cli_option_value(invocation, "plasma-units"),
        .saline_ml = cli_option_value(invocation, "saline-ml"),
        .anticoagulant_ml = cli_option_value(invocation, "anticoagulant-ml"),
        .ratio = cli_option_value(invocation, "ratio"),
        .calcium_mg = cli_option_value(invocation, "calcium-mg"),
        .stat = cli_option_value(invocation, "stat"),
        .outcome = cli_option_value(invocation, "outcome"),
        .abort_reason = cli_option_value(invocation, "abort-reason"),
    };
    for (int i = 0; i < APHERESIS_VITALS; i++) {
        char name[32];
        snprintf(name, sizeof name, "before-%s", apheresis_vital_names[i]);
        in.before[i] = cli_option_value(invocation, name);
        snprintf(name, sizeof name, "after-%s", apheresis_vital_names[i]);
        in.after[i] = cli_option_value(invocation, name);
    }
    const char *events = cli_option_value(invocation, "adverse-events");
    if (events) {
        snprintf(taken->text, sizeof taken->text, "%s", events);
        size_t n = 0;
        char *save = NULL;
        for (char *one = strtok_r(taken->text, ";", &save); one && n <= EVENTS_TAKEN;
             one = strtok_r(NULL, ";", &save)) {
            char *severity = strchr(one, '|'), *action = severity ? strchr(severity + 1, '|') : NULL;
            if (severity)
                *severity++ = 0;
            if (action)
                *action++ = 0;
            taken->events[n++] = (apheresis_adverse_event){one, severity, action};
        }
        in.events = taken->events;
        in.event_count = n;
        in.events_given = 1;
    }
    return in;
}

static int call_record(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    events_buffer *taken = calloc(1, sizeof *taken);
    if (!taken)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    apheresis_procedure_input in = procedure_input(invocation, taken);
    int rc = apheresis_procedure_record(ctx, &in, out, e);
    free(taken);
    return rc;
}

static int call_change(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    const char *reason = cli_option_value(invocation, "reason");
    if (strcmp(invocation->command->verb, "amend") == 0 && (!reason || !*reason))
        return err_set(e, ERR_INVALID, "reason", "is required: an amendment says why");
    events_buffer *taken = calloc(1, sizeof *taken);
    if (!taken)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    apheresis_procedure_input in = procedure_input(invocation, taken);
    int rc = apheresis_procedure_change(ctx, invocation->positional[0], &in, reason, out, e);
    free(taken);
    return rc;
}

static int call_sign(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    char typed[256];
    return apheresis_procedure_sign(ctx, invocation->positional[0],
                                    cli_option_value(invocation, "signer"),
                                    cli_read_password(invocation, typed, sizeof typed), out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return apheresis_procedure_get(ctx, invocation->positional[0], out, e);
}

static int run_record(cli_invocation *invocation)
{
    return cli_run(invocation, call_record, print_id);
}
static int run_change(cli_invocation *invocation)
{
    return cli_run(invocation, call_change, print_procedure);
}
/* One record signed prints as the record; several, as the list of them. */
static void print_signed(const cli_invocation *invocation, json_t *result)
{
    json_t *items = json_object_get(result, "items");
    if (!items) {
        print_procedure(invocation, result);
        return;
    }
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, result, NULL);
    else
        cli_print_list(invocation, items, procedure_list_columns);
}

static int run_sign(cli_invocation *invocation)
{
    return cli_run(invocation, call_sign, print_signed);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_procedure);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    apheresis_procedure_filter f = *(const apheresis_procedure_filter *)filter;
    f.page = *page;
    return apheresis_procedure_list(ctx, &f, out, e);
}

static int run_list(cli_invocation *invocation)
{
    apheresis_procedure_filter filter = {.order = cli_option_value(invocation, "order"),
                                         .status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, procedure_list_columns);
}

/* --- contracts, costs, volumes -------------------------------------------- */

static void print_contract(const cli_invocation *invocation, json_t *contract)
{
    cli_print_object(invocation, contract,
                     invocation->format == OUTPUT_JSON ? NULL : contract_columns);
    if (invocation->format != OUTPUT_TABLE)
        return;
    printf("\nPrices\n");
    cli_print_list(invocation, json_object_get(contract, "prices"), amount_columns);
    printf("\nSurcharges\n");
    cli_print_list(invocation, json_object_get(contract, "surcharges"), amount_columns);
}

static void print_items(const cli_invocation *invocation, json_t *result,
                        const cli_column *columns)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, result, NULL);
    else
        cli_print_list(invocation, json_object_get(result, "items"), columns);
}
static void print_contracts(const cli_invocation *invocation, json_t *result)
{
    print_items(invocation, result, contract_columns);
}
static void print_costs(const cli_invocation *invocation, json_t *result)
{
    print_items(invocation, result, cost_columns);
}
static void print_cost(const cli_invocation *invocation, json_t *result)
{
    cli_print_object(invocation, result, invocation->format == OUTPUT_JSON ? NULL : cost_columns);
}

static void print_volumes(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    json_t *rows = json_copy(json_object_get(result, "items"));
    json_t *total = json_deep_copy(json_object_get(result, "total"));
    json_object_set_new(total, "market", json_string("TOTAL"));
    json_object_set_new(total, "procedure_type", json_string(""));
    json_object_set_new(total, "aborted", json_string(""));
    json_array_append_new(rows, total);
    if (invocation->format == OUTPUT_TABLE)
        printf("Apheresis volumes %s (%s to %s)\n",
               json_string_value(json_object_get(result, "period")),
               json_string_value(json_object_get(result, "first_day")),
               json_string_value(json_object_get(result, "last_day")));
    cli_print_list(invocation, rows, volume_columns);
    json_decref(rows);
}

static int call_contract_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return apheresis_contract_add(ctx, cli_option_value(invocation, "hospital"),
                                  cli_option_value(invocation, "from"),
                                  cli_option_value(invocation, "to"),
                                  cli_option_value(invocation, "abort-percent"), out, e);
}
static int call_contract_price(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    return apheresis_contract_price(ctx, invocation->positional[0],
                                    cli_option_value(invocation, "procedure-type"),
                                    cli_option_value(invocation, "price"), out, e);
}
static int call_contract_surcharge(service_context *ctx, cli_invocation *invocation,
                                   json_t **out, err *e)
{
    return apheresis_contract_surcharge(ctx, invocation->positional[0],
                                        cli_option_value(invocation, "kind"),
                                        cli_option_value(invocation, "amount"), out, e);
}
static int call_contract_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    return apheresis_contract_get(ctx, invocation->positional[0], out, e);
}
static int call_contract_list(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    return apheresis_contract_list(ctx, cli_option_value(invocation, "hospital"), out, e);
}
static int call_cost_set(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return apheresis_cost_set(ctx, invocation->positional[0], invocation->positional[1], out, e);
}
static int call_cost_list(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return apheresis_cost_list(ctx, out, e);
}
static int call_volumes(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return apheresis_volumes(ctx, cli_option_value(invocation, "period"), out, e);
}

static int run_contract_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_add, print_contract);
}
static int run_contract_price(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_price, print_contract);
}
static int run_contract_surcharge(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_surcharge, print_contract);
}
static int run_contract_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_show, print_contract);
}
static int run_contract_list(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_list, print_contracts);
}
static int run_cost_set(cli_invocation *invocation)
{
    return cli_run(invocation, call_cost_set, print_cost);
}
static int run_cost_list(cli_invocation *invocation)
{
    return cli_run(invocation, call_cost_list, print_costs);
}
static int run_volumes(cli_invocation *invocation)
{
    return cli_run(invocation, call_volumes, print_volumes);
}

#define RECORD_OPTIONS                                                                             \
    {"booking", "ID", "the booking the procedure fulfils"},                                        \
        {"started-at", "TIME", "when it began, UTC: 2026-12-05T17:00:00Z"},                        \
        {"ended-at", "TIME", "when it ended, UTC"},                                                \
        {"nurse", "USER", "the nurse who performed it (default: you)"},                            \
        {"device-serial", "SERIAL", "the apheresis device's serial number"},                       \
        {"kit-lot", "LOT", "the column or kit lot"},                                               \
        {"before-systolic", "MMHG", "systolic pressure before"},                                   \
        {"before-diastolic", "MMHG", "diastolic pressure before"},                                 \
        {"before-pulse", "BPM", "pulse before"},                                                   \
        {"before-temperature", "C", "temperature before (one decimal)"},                           \
        {"before-spo2", "PCT", "SpO2 before (50 to 100)"},                                         \
        {"after-systolic", "MMHG", "systolic pressure after"},                                     \
        {"after-diastolic", "MMHG", "diastolic pressure after"},                                   \
        {"after-pulse", "BPM", "pulse after"},                                                     \
        {"after-temperature", "C", "temperature after"},                                           \
        {"after-spo2", "PCT", "SpO2 after"},                                                       \
        {"blood-processed-ml", "ML", "whole blood processed"},                                     \
        {"plasma-removed-ml", "ML", "plasma removed"},                                             \
        {"albumin-vials", "N", "5% albumin vials given"},                                          \
        {"plasma-units", "N", "plasma units given"},                                               \
        {"saline-ml", "ML", "saline given"},                                                       \
        {"anticoagulant-ml", "ML", "anticoagulant used"},                                          \
        {"ratio", "N", "the anticoagulant ratio's N (1:N)"},                                       \
        {"calcium-mg", "MG", "calcium given, in mg"},                                              \
        {"adverse-events", "LIST", "'what|mild|action;...' (severity mild, moderate, severe)",    \
         "adverse_events"},                                                                        \
        {"stat", "true|false", "a stat call-out"},                                                 \
        {"outcome", "OUTCOME", "completed or aborted"},                                            \
        {"abort-reason", "TEXT", "why it was aborted"}

static const cli_option record_options[] = {RECORD_OPTIONS, {0}};
static const cli_option amend_options[] = {
    RECORD_OPTIONS, {"reason", "TEXT", "why a signed record is amended"}, {0}};
static const cli_option sign_options[] = {
    {"signer", "USER", "the nurse who signs (a logged-in user signs as themselves)"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option list_options[] = {
    {"order", "ID", "one order's procedures"}, {"status", "STATUS", "draft or signed"}, {0}};
static const cli_option contract_options[] = {
    {"hospital", "CODE", "the hospital"},
    {"from", "DATE", "first day in force", "effective_from"},
    {"to", "DATE", "last day in force (default: open)", "effective_to"},
    {"abort-percent", "N", "an aborted procedure is billed N% of its price (0 to 100)"},
    {0}};
static const cli_option price_options[] = {
    {"procedure-type", "TYPE", "plasma_exchange, red_cell_exchange, ..."},
    {"price", "DOLLARS", "the price, two decimals at most"},
    {0}};
static const cli_option surcharge_options[] = {
    {"kind", "KIND", "after_hours, weekend, holiday or stat"},
    {"amount", "DOLLARS", "added to the price"},
    {0}};
static const cli_option hospital_option[] = {{"hospital", "CODE", "one hospital's"}, {0}};
static const cli_option period_option[] = {
    {"period", "PERIOD", "a year (2026), a quarter (2026Q4) or a month (2026-12)"}, {0}};

static const cli_command apheresis_procedure_commands[] = {
    {.noun = "apheresis", .verb = "record", .run = run_record, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1, .options = record_options,
     .summary = "record a procedure performed under an order (a draft); prints its id",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "change", .run = run_change, .arguments = "PROCEDURE",
     .positional_min = 1, .positional_max = 1, .options = record_options,
     .summary = "change a draft procedure record", .opens_database = 1},
    {.noun = "apheresis", .verb = "amend", .run = run_change, .arguments = "PROCEDURE",
     .positional_min = 1, .positional_max = 1, .options = amend_options,
     .summary = "amend a signed procedure record, with the reason", .opens_database = 1},
    {.noun = "apheresis", .verb = "sign", .run = run_sign, .arguments = "PROCEDURE[,PROCEDURE...]",
     .positional_min = 1, .positional_max = 1, .options = sign_options,
     .summary = "sign procedure records as their nurse (the day's at once): frozen, billed, posted",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "procedure show", .run = run_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "a procedure record, prescribed vs delivered, its amendments (read audited)",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "procedure list", .run = run_list, .options = list_options,
     .summary = "procedure records", .opens_database = 1},
    {.noun = "apheresis", .verb = "contract add", .run = run_contract_add,
     .options = contract_options, .summary = "a hospital's apheresis contract",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "contract price", .run = run_contract_price,
     .arguments = "CONTRACT", .positional_min = 1, .positional_max = 1,
     .options = price_options, .summary = "set a contract's price of a procedure type",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "contract surcharge", .run = run_contract_surcharge,
     .arguments = "CONTRACT", .positional_min = 1, .positional_max = 1,
     .options = surcharge_options, .summary = "set a contract's surcharge",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "contract show", .run = run_contract_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "an apheresis contract with its prices and surcharges", .opens_database = 1},
    {.noun = "apheresis", .verb = "contract list", .run = run_contract_list,
     .options = hospital_option, .summary = "apheresis contracts", .opens_database = 1},
    {.noun = "apheresis", .verb = "cost set", .run = run_cost_set, .arguments = "ITEM AMOUNT",
     .positional_min = 2, .positional_max = 2,
     .summary = "set a standard cost: nurse_hour:MARKET, kit:TYPE, albumin_vial, plasma_unit",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "cost list", .run = run_cost_list,
     .summary = "the standard costs", .opens_database = 1},
    {.noun = "apheresis", .verb = "volumes", .run = run_volumes, .options = period_option,
     .summary = "signed procedures of a period by market and type, with the average price",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_apheresis_procedures = {
    .name = "apheresis_procedures", .area = AREA_SERVICES,
    .commands = apheresis_procedure_commands};
