/*
 * cmd_shipments.c - shipping an order's allocated units from the command
 * line (docs/distribution.md, "Shipments"):
 *   bloodops shipment create ORDER --scan DIN [DIN...] --temperature C --shipper TEXT
 *                            [--date DATE] [--after-hours]
 *   bloodops shipment show SHIPMENT [--format json|csv|text|html|pdf] [--output FILE]
 * `show` prints the shipment with its prices (as JSON or CSV too); with
 * --format text, html or pdf (or --output) its packing list
 * (documents/packing_list.h).
 * The DINs after the first may follow --scan as further arguments or be
 * given in --scan separated by commas.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/document_output.h"
#include "service/shipment.h"

static const cli_column shipment_columns[] = {
    {"id", "SHIPMENT"}, {"order", "ORDER"}, {"hospital", "HOSPITAL"}, {"ship_date", "DATE"},
    {"temperature", "TEMPERATURE C"}, {"shipper", "SHIPPER"}, {"contract", "CONTRACT"},
    {"invoice", "INVOICE"}, {"journal_entry", "JOURNAL ENTRY"}, {"order_status", "ORDER STATUS"},
    {"total", "TOTAL"}, {0}};
static const cli_column unit_columns[] = {
    {"eye_readable", "DIN"}, {"product_code", "PRODUCT"}, {"family", "FAMILY"},
    {"group", "GROUP"}, {"center", "CENTER"}, {"expires_at", "EXPIRES"}, {"price", "PRICE"},
    {0}};

static void print_shipment(const cli_invocation *invocation, json_t *shipment)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, shipment, NULL);
        return;
    }
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, json_object_get(shipment, "units"), unit_columns);
        return;
    }
    cli_print_object(invocation, shipment, shipment_columns);
    printf("\nUnits\n");
    cli_print_list(invocation, json_object_get(shipment, "units"), unit_columns);
}

static int call_create(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    static char copy[16384];
    const char *scans[SHIPMENT_SCANS_MAX];
    size_t count = 0;
    const char *scan = cli_option_value(invocation, "scan");
    if ((size_t)snprintf(copy, sizeof copy, "%s", scan ? scan : "") >= sizeof copy)
        return err_set(e, ERR_INVALID, "scan", "is longer than %zu characters", sizeof copy - 1);
    /* Past the most a shipment holds, refused, not dropped. */
    for (char *save = NULL, *part = strtok_r(copy, ", ", &save); part;
         part = strtok_r(NULL, ", ", &save), count++)
        if (count < SHIPMENT_SCANS_MAX)
            scans[count] = part;
    for (int i = 1; i < invocation->positional_count; i++, count++)
        if (count < SHIPMENT_SCANS_MAX)
            scans[count] = invocation->positional[i];
    if (count > SHIPMENT_SCANS_MAX)
        return err_set(e, ERR_INVALID, "scan", "a shipment holds at most %d units",
                       SHIPMENT_SCANS_MAX);
    shipment_input in = {.order = invocation->positional[0], .scans = scans,
                         .scan_count = count,
                         .temperature = cli_option_value(invocation, "temperature"),
                         .shipper = cli_option_value(invocation, "shipper"),
                         .date = cli_option_value(invocation, "date"),
                         .after_hours = cli_option_value(invocation, "after-hours") != NULL};
    return shipment_create(ctx, &in, out, e);
}


static int run_create(cli_invocation *invocation)
{
    return cli_run(invocation, call_create, print_shipment);
}
static int render_packing_list(service_context *ctx, const char *id, const char *format,
                               buffer *out, err *e)
{
    document_format chosen;
    return shipment_packing_list(ctx, id, format, out, &chosen, e);
}

/* The shipment as a table, JSON or CSV; the packing list as text, HTML or
 * PDF, to standard output or --output FILE (cli/document_output.h). */
static int run_show(cli_invocation *invocation)
{
    static const cli_document_command show = {.read = shipment_get,
                                               .print = print_shipment,
                                               .render = render_packing_list,
                                               .table_is_data = 1,
                                               .what = "the packing list"};
    return cli_document_run(invocation, &show);
}

static const cli_option create_options[] = {
    {"scan", "DIN", "a DIN scanned (more may follow as arguments, or separated by commas)"},
    {"temperature", "C", "the packing temperature in degrees Celsius"},
    {"shipper", "TEXT", "who carries it"},
    {"date", "DATE", "the ship date (default today), which prices it"},
    {"after-hours", NULL, "delivered after hours (its surcharge)"},
    {0}};
static const cli_option show_options[] = {
    {"output", "FILE", "write the packing list there (FILE.pdf: a PDF, FILE.html: HTML)"}, {0}};

static const cli_command shipment_commands[] = {
    {.noun = "shipment", .verb = "create", .run = run_create, .arguments = "ORDER [DIN...]",
     .positional_min = 1, .positional_max = CLI_POSITIONAL_MAX, .options = create_options,
     .summary = "ship an order's allocated units, confirmed by their DINs", .opens_database = 1},
    {.noun = "shipment", .verb = "show", .run = run_show, .arguments = "SHIPMENT",
     .positional_min = 1, .positional_max = 1, .options = show_options,
     .summary = "a shipment with its units and prices, or its packing list",
     .opens_database = 1, .document_formats = CLI_REPORT_FORMATS},
    {0},
};

const cli_module cli_module_shipments = {
    .name = "shipments", .area = AREA_DISTRIBUTION, .commands = shipment_commands};
