/*
 * cmd_returns.c - units returned by hospitals from the command line
 * (docs/distribution.md, "Returns"):
 *   bloodops return record DIN --date DATE --temperature C --seal intact|broken --minutes-out N
 *                          [--hospital CODE] [--product CODE]
 *   bloodops return show ID
 *   bloodops return limits
 *   bloodops return limit FAMILY --min C --max C [--minutes-out N]
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/returns.h"

static const cli_column return_columns[] = {
    {"id", "RETURN"}, {"eye_readable", "DIN"}, {"product_code", "PRODUCT"},
    {"hospital", "HOSPITAL"}, {"shipment", "SHIPMENT"}, {"ship_date", "SHIPPED"},
    {"return_date", "RETURNED"}, {"temperature", "TEMPERATURE C"}, {"seal", "SEAL"},
    {"minutes_out", "MINUTES OUT"}, {"cold_chain_kept", "COLD CHAIN KEPT"},
    {"outcome", "OUTCOME"}, {"reason", "WHY"}, {"credit", "CREDIT"},
    {"credit_memo", "CREDIT MEMO"}, {0}};
static const cli_column limit_columns[] = {
    {"family", "FAMILY"}, {"min_temperature", "MIN C"}, {"max_temperature", "MAX C"},
    {"max_minutes_out", "MAX MINUTES OUT"}, {0}};

static void print_return(const cli_invocation *invocation, json_t *r)
{
    cli_print_object(invocation, r, invocation->format == OUTPUT_JSON ? NULL : return_columns);
}

static void print_limits(const cli_invocation *invocation, json_t *limits)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, limits, NULL);
    else
        cli_print_list(invocation, json_object_get(limits, "limits"), limit_columns);
}

static int call_record(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return_input in = {.din = invocation->positional[0],
                       .product = cli_option_value(invocation, "product"),
                       .hospital = cli_option_value(invocation, "hospital"),
                       .date = cli_option_value(invocation, "date"),
                       .temperature = cli_option_value(invocation, "temperature"),
                       .seal = cli_option_value(invocation, "seal"),
                       .minutes_out = cli_option_value(invocation, "minutes-out")};
    return return_record(ctx, &in, out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return return_get(ctx, invocation->positional[0], out, e);
}

static int call_limits(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return return_limits_list(ctx, out, e);
}

static int call_limit(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return return_limit_set(ctx, invocation->positional[0], cli_option_value(invocation, "min"),
                            cli_option_value(invocation, "max"),
                            cli_option_value(invocation, "minutes-out"), out, e);
}

static int run_record(cli_invocation *invocation)
{
    return cli_run(invocation, call_record, print_return);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_return);
}
static int run_limits(cli_invocation *invocation)
{
    return cli_run(invocation, call_limits, print_limits);
}
static int run_limit(cli_invocation *invocation)
{
    return cli_run(invocation, call_limit, print_limits);
}

static const cli_option record_options[] = {
    {"date", "DATE", "the day it came back"},
    {"temperature", "C", "its temperature on receipt, degrees Celsius"},
    {"seal", "intact|broken", "whether its seal was intact"},
    {"minutes-out", "N", "minutes out of controlled storage"},
    {"hospital", "CODE", "the hospital returning it (default: the one it was shipped to)"},
    {"product", "CODE", "its product code, when the DIN shipped several units"},
    {0}};
static const cli_option limit_options[] = {
    {"min", "C", "the lowest receipt temperature kept"},
    {"max", "C", "the highest receipt temperature kept"},
    {"minutes-out", "N", "the most minutes out of controlled storage (none: no limit)"},
    {0}};

static const cli_command return_commands[] = {
    {.noun = "return", .verb = "record", .run = run_record, .arguments = "DIN",
     .positional_min = 1, .positional_max = 1, .options = record_options,
     .summary = "record a unit returned by a hospital, with its cold-chain evidence",
     .opens_database = 1},
    {.noun = "return", .verb = "show", .run = run_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .summary = "a return with its outcome and credit",
     .opens_database = 1},
    {.noun = "return", .verb = "limits", .run = run_limits,
     .summary = "the cold-chain limits of every family", .opens_database = 1},
    {.noun = "return", .verb = "limit", .run = run_limit, .arguments = "FAMILY",
     .positional_min = 1, .positional_max = 1, .options = limit_options,
     .summary = "set a family's cold-chain limits", .opens_database = 1},
    {0},
};

const cli_module cli_module_returns = {
    .name = "returns", .area = AREA_DISTRIBUTION, .commands = return_commands};
