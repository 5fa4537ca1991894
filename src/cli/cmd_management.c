/*
 * cmd_management.c - management contracts from the command line
 * (docs/contract_services.md):
 *   bloodops management add --customer CODE --kind blood-center|donor-center --market CODE
 *                           --start DATE [--term MONTHS] [--monthly-fee DOLLARS]
 *                           [--per-unit DOLLARS] [--per-procedure DOLLARS]
 *   bloodops management terminate ID --date DATE --reason TEXT
 *   bloodops management report ID --period YYYY-MM [--units N] [--procedures N]
 *   bloodops management accrue --period PERIOD
 *   bloodops management revenue --period PERIOD
 *   bloodops management list [--status active|terminated] [--customer CODE]
 *   bloodops management show ID
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/management.h"

static const cli_column contract_columns[] = {
    {"id", "CONTRACT"},
    {"customer", "CUSTOMER"},
    {"kind", "KIND"},
    {"market", "MARKET"},
    {"start", "START"},
    {"term_months", "TERM (MONTHS)"},
    {"monthly_fee", "MONTHLY FEE", CLI_MONEY},
    {"per_unit", "PER UNIT", CLI_MONEY},
    {"per_procedure", "PER PROCEDURE", CLI_MONEY},
    {"status", "STATUS"},
    {"terminated_on", "LAST DAY"},
    {"termination_reason", "REASON"},
    {"accrued_total", "ACCRUED", CLI_MONEY},
    {0}};
static const cli_column accrual_columns[] = {
    {"period", "MONTH"}, {"days_served", "DAYS"}, {"units", "UNITS"},
    {"procedures", "PROCEDURES"}, {"amount", "AMOUNT", CLI_MONEY},
    {"journal_entry", "ENTRY"}, {"invoice", "INVOICE"}, {"invoice_number", "NUMBER"}, {0}};
static const cli_column run_columns[] = {
    {"contract", "CONTRACT"}, {"customer", "CUSTOMER"}, {"market", "MARKET"},
    {"period", "MONTH"}, {"days_served", "DAYS"}, {"amount", "AMOUNT", CLI_MONEY},
    {"journal_entry", "ENTRY"}, {"invoice", "INVOICE"}, {0}};
static const cli_column revenue_columns[] = {
    {"contract", "CONTRACT"}, {"customer", "CUSTOMER"}, {"kind", "KIND"},
    {"market", "MARKET"}, {"amount", "REVENUE", CLI_MONEY},
    {"lifetime_total", "LIFETIME", CLI_MONEY}, {"terminated_on", "LAST DAY"}, {0}};
static const cli_column market_columns[] = {
    {"market", "MARKET"}, {"amount", "REVENUE", CLI_MONEY}, {0}};

/* The contract, then its accruals by month. */
static void print_contract(const cli_invocation *invocation, json_t *contract)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, contract,
                         invocation->format == OUTPUT_JSON ? NULL : contract_columns);
        return;
    }
    cli_print_object(invocation, contract, contract_columns);
    if (json_array_size(json_object_get(contract, "accruals"))) {
        printf("\nAccrued by month\n");
        cli_print_list(invocation, json_object_get(contract, "accruals"), accrual_columns);
    }
}

/* `management add` prints the contract's id alone, for scripts. */
static void print_contract_id(const cli_invocation *invocation, json_t *contract)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(contract, "id")));
    else
        cli_print_object(invocation, contract, contract_columns);
}

static void print_run(const cli_invocation *invocation, json_t *run)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, run, NULL);
    else
        cli_print_list(invocation, json_object_get(run, "accrued"), run_columns);
}

static void print_revenue(const cli_invocation *invocation, json_t *revenue)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, revenue, NULL);
        return;
    }
    cli_print_list(invocation, json_object_get(revenue, "contracts"), revenue_columns);
    if (invocation->format == OUTPUT_TABLE) {
        printf("\nBy market\n");
        cli_print_list(invocation, json_object_get(revenue, "markets"), market_columns);
    }
}

static int call_add(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    management_input in = {.customer = cli_option_value(invocation, "customer"),
                           .kind = cli_option_value(invocation, "kind"),
                           .market = cli_option_value(invocation, "market"),
                           .start = cli_option_value(invocation, "start"),
                           .term = cli_option_value(invocation, "term"),
                           .monthly_fee = cli_option_value(invocation, "monthly-fee"),
                           .per_unit = cli_option_value(invocation, "per-unit"),
                           .per_procedure = cli_option_value(invocation, "per-procedure")};
    return management_contract_add(ctx, &in, out, e);
}

static int call_terminate(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return management_contract_terminate(ctx, invocation->positional[0],
                                         cli_option_value(invocation, "date"),
                                         cli_option_value(invocation, "reason"), out, e);
}

static int call_report(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return management_volumes_report(ctx, invocation->positional[0],
                                     cli_option_value(invocation, "period"),
                                     cli_option_value(invocation, "units"),
                                     cli_option_value(invocation, "procedures"), out, e);
}

static int call_accrue(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return management_accrue(ctx, cli_option_value(invocation, "period"), out, e);
}

static int call_revenue(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return management_revenue(ctx, cli_option_value(invocation, "period"), out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return management_contract_get(ctx, invocation->positional[0], out, e);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    management_filter f = *(const management_filter *)filter;
    f.page = *page;
    return management_contract_list(ctx, &f, out, e);
}

static int run_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_add, print_contract_id);
}
static int run_terminate(cli_invocation *invocation)
{
    return cli_run(invocation, call_terminate, print_contract);
}
static int run_report(cli_invocation *invocation)
{
    return cli_run(invocation, call_report, print_contract);
}
static int run_accrue(cli_invocation *invocation)
{
    return cli_run(invocation, call_accrue, print_run);
}
static int run_revenue(cli_invocation *invocation)
{
    return cli_run(invocation, call_revenue, print_revenue);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_contract);
}
static int run_list(cli_invocation *invocation)
{
    management_filter filter = {.status = cli_option_value(invocation, "status"),
                                .customer = cli_option_value(invocation, "customer")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, contract_columns);
}

static const cli_option add_options[] = {
    {"customer", "CODE", "the customer billed: a customer's or a hospital's code"},
    {"kind", "blood-center|donor-center", "what the company manages"},
    {"market", "CODE", "the market its revenue is reported under"},
    {"start", "DATE", "the first day of service, YYYY-MM-DD"},
    {"term", "MONTHS", "the agreed term in months (none: until terminated)"},
    {"monthly-fee", "DOLLARS", "the monthly fixed fee, prorated by the days served"},
    {"per-unit", "DOLLARS", "the fee per unit reported"},
    {"per-procedure", "DOLLARS", "the fee per procedure reported"},
    {0}};
static const cli_option terminate_options[] = {
    {"date", "DATE", "the last day of service"},
    {"reason", "TEXT", "why the contract ends"},
    {0}};
static const cli_option report_options[] = {
    {"period", "YYYY-MM", "the month reported"},
    {"units", "N", "the units the center reported for the month"},
    {"procedures", "N", "the procedures the center reported for the month"},
    {0}};
static const cli_option accrue_options[] = {
    {"period", "PERIOD", "a month (2004-06), a quarter (2004Q2) or a year, ended and open"},
    {0}};
static const cli_option revenue_options[] = {
    {"period", "PERIOD", "a month, a quarter or a year"},
    {0}};
static const cli_option list_options[] = {
    {"status", "active|terminated", "only contracts in force or only terminated ones"},
    {"customer", "CODE", "one customer's contracts"},
    {0}};

static const cli_command management_commands[] = {
    {.noun = "management", .verb = "add", .run = run_add, .options = add_options,
     .summary = "a management contract; prints its id", .opens_database = 1},
    {.noun = "management", .verb = "terminate", .run = run_terminate, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = terminate_options,
     .summary = "terminate a contract: its last day of service and why", .opens_database = 1},
    {.noun = "management", .verb = "report", .run = run_report, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = report_options,
     .summary = "the units and procedures of a month, for the per-unit and per-procedure fees",
     .opens_database = 1},
    {.noun = "management", .verb = "accrue", .run = run_accrue, .options = accrue_options,
     .summary = "accrue and invoice the fees of the months of a period (once each)",
     .opens_database = 1},
    {.noun = "management", .verb = "revenue", .run = run_revenue, .options = revenue_options,
     .summary = "revenue accrued by contract and by market in a period", .opens_database = 1},
    {.noun = "management", .verb = "list", .run = run_list, .options = list_options,
     .summary = "management contracts with what they accrued", .opens_database = 1},
    {.noun = "management", .verb = "show", .run = run_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "a contract with its accruals by month", .opens_database = 1},
    {0},
};

const cli_module cli_module_management = {
    .name = "management", .area = AREA_SERVICES, .commands = management_commands};
