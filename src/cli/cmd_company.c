/*
 * cmd_company.c - the company that runs this installation, from the
 * command line:
 *   bloodops company show
 *   bloodops company set --name NAME
 * Its name is printed at the foot of every PDF and at the head of every
 * printed page of the web application.
 */
#include "cli/cli.h"
#include "service/company.h"

static const cli_column company_columns[] = {{"name", "NAME"}, {"updated_at", "UPDATED"}, {0}};

static int call_company_show(service_context *ctx, const void *unused, json_t **out, err *e)
{
    (void)unused;
    return company_get(ctx, out, e);
}

static int call_company_set(service_context *ctx, const void *name, json_t **out, err *e)
{
    return company_set(ctx, name, out, e);
}

static int run_company_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_company_show, NULL, company_columns);
}

static int run_company_set(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_company_set, cli_option_value(invocation, "name"),
                         company_columns);
}

static const cli_option company_set_options[] = {
    {"name", "NAME", "the company's name (1 to 120 characters)"}, {0}};

static const cli_command company_commands[] = {
    {.noun = "company", .verb = "show", .run = run_company_show,
     .summary = "show the company's name", .opens_database = 1},
    {.noun = "company", .verb = "set", .run = run_company_set, .options = company_set_options,
     .summary = "set the company's name (printed on documents)", .opens_database = 1},
    {0},
};

const cli_module cli_module_company = {
    .name = "company", .area = AREA_ADMINISTRATION, .commands = company_commands};
