/*
 * cmd_sales.c - net units sold from the command line
 * (docs/distribution.md, "Net units sold"):
 *   bloodops sales units --period PERIOD [--format table|json|csv]
 * The table lists each family and center, then the families' sums and the
 * total.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/sales.h"

static const cli_column row_columns[] = {
    {"family", "FAMILY"}, {"center", "CENTER"}, {"units_shipped", "SHIPPED"},
    {"units_returned", "RETURNED"}, {"units_returned_credited", "RETURNED CREDITED"},
    {"net_units", "NET UNITS SOLD"}, {"revenue", "NET REVENUE"},
    {"average_price", "AVERAGE PRICE"}, {0}};
static const cli_column family_columns[] = {
    {"family", "FAMILY"}, {"units_shipped", "SHIPPED"}, {"units_returned", "RETURNED"},
    {"units_returned_credited", "RETURNED CREDITED"}, {"net_units", "NET UNITS SOLD"},
    {"revenue", "NET REVENUE"}, {"average_price", "AVERAGE PRICE"}, {0}};

static void print_units(const cli_invocation *invocation, json_t *sales)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, sales, NULL);
        return;
    }
    cli_print_list(invocation, json_object_get(sales, "rows"), row_columns);
    if (invocation->format == OUTPUT_CSV)
        return;
    printf("\nBy family\n");
    cli_print_list(invocation, json_object_get(sales, "families"), family_columns);
    printf("\nTotal\n");
    cli_print_object(invocation, json_object_get(sales, "total"), family_columns + 1);
}

static int call_units(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return sales_units(ctx, cli_option_value(invocation, "period"), out, e);
}

static int run_units(cli_invocation *invocation)
{
    return cli_run(invocation, call_units, print_units);
}

static const cli_option units_options[] = {
    {"period", "PERIOD", "a year (2004), a quarter (2004Q1) or a month (2004-03)"}, {0}};

static const cli_command sales_commands[] = {
    {.noun = "sales", .verb = "units", .run = run_units, .options = units_options,
     .summary = "net units sold per family and center: shipped less returned with credit",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_sales = {
    .name = "sales", .area = AREA_DISTRIBUTION, .commands = sales_commands};
