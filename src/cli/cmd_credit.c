/*
 * cmd_credit.c - the line of credit and its covenants, from the command
 * line (service/covenant.h):
 *   bloodops credit line show
 *   bloodops credit line set --lender TEXT --limit DOLLARS --from DATE --to DATE
 *   bloodops credit line extend --to DATE --agreed DATE [--note TEXT]
 *   bloodops credit covenant add --kind KIND --threshold VALUE --from DATE
 *   bloodops credit covenant list
 *   bloodops credit covenant end ID --to DATE
 * The quarterly report (`bloodops report quarterly`) judges the covenants.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "service/covenant.h"

static const cli_column line_columns[] = {
    {"lender", "LENDER"},     {"limit", "LIMIT", CLI_MONEY},  {"term_start", "FROM"},
    {"term_end", "TO"},       {"original_end", "FIRST END"},  {"extended", "EXTENDED"},
    {"updated_at", "UPDATED"}, {0}};
static const cli_column extension_columns[] = {
    {"id", "ID"},         {"new_end", "NEW END"}, {"previous_end", "PREVIOUS END"},
    {"agreed_on", "AGREED"}, {"note", "NOTE"},    {0}};
static const cli_column covenant_columns[] = {
    {"id", "ID"},        {"kind", "KIND"},         {"threshold", "THRESHOLD"},
    {"effective_from", "FROM"}, {"effective_to", "TO"}, {"active", "ACTIVE"}, {0}};

static void print_line(const cli_invocation *invocation, json_t *line)
{
    cli_print_object(invocation, line, invocation->format == OUTPUT_JSON ? NULL : line_columns);
    json_t *extensions = json_object_get(line, "extensions");
    if (invocation->format == OUTPUT_TABLE && json_array_size(extensions) > 0) {
        printf("\nExtensions\n");
        cli_print_list(invocation, extensions, extension_columns);
    }
}

/* An extension: the line, then which notes payable it may move. */
static void print_extended(const cli_invocation *invocation, json_t *line)
{
    print_line(invocation, line);
    if (invocation->format == OUTPUT_TABLE)
        printf("\n%s\n", json_string_value(json_object_get(line, "reclassify")));
}

static void print_covenant(const cli_invocation *invocation, json_t *covenant)
{
    cli_print_object(invocation, covenant, covenant_columns);
}

static void print_covenants(const cli_invocation *invocation, json_t *list)
{
    cli_print_list(invocation, json_object_get(list, "items"), covenant_columns);
}

static int call_line_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return credit_line_get(ctx, out, e);
}

static int call_line_set(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    credit_line_input in = {.lender = cli_option_value(invocation, "lender"),
                            .limit = cli_option_value(invocation, "limit"),
                            .from = cli_option_value(invocation, "from"),
                            .to = cli_option_value(invocation, "to")};
    return credit_line_set(ctx, &in, out, e);
}

static int call_line_extend(service_context *ctx, cli_invocation *invocation, json_t **out,
                            err *e)
{
    credit_extension_input in = {.to = cli_option_value(invocation, "to"),
                                 .agreed = cli_option_value(invocation, "agreed"),
                                 .note = cli_option_value(invocation, "note")};
    return credit_line_extend(ctx, &in, out, e);
}

static int call_covenant_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    covenant_input in = {.kind = cli_option_value(invocation, "kind"),
                         .threshold = cli_option_value(invocation, "threshold"),
                         .from = cli_option_value(invocation, "from")};
    return covenant_add(ctx, &in, out, e);
}

static int call_covenant_list(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    (void)invocation;
    return covenant_list(ctx, out, e);
}

static int call_covenant_end(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return covenant_end(ctx, invocation->positional[0], cli_option_value(invocation, "to"), out,
                        e);
}

static int run_line_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_line_show, print_line);
}
static int run_line_set(cli_invocation *invocation)
{
    return cli_run(invocation, call_line_set, print_line);
}
static int run_line_extend(cli_invocation *invocation)
{
    return cli_run(invocation, call_line_extend, print_extended);
}
static int run_covenant_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_covenant_add, print_covenant);
}
static int run_covenant_list(cli_invocation *invocation)
{
    return cli_run(invocation, call_covenant_list, print_covenants);
}
static int run_covenant_end(cli_invocation *invocation)
{
    return cli_run(invocation, call_covenant_end, print_covenant);
}

static const cli_option line_set_options[] = {
    {"lender", "TEXT", "the bank (1 to 120 characters)"},
    {"limit", "DOLLARS", "what may be drawn, in dollars"},
    {"from", "DATE", "the first day of the term"},
    {"to", "DATE", "the last day of the term"},
    {0}};
static const cli_option line_extend_options[] = {
    {"to", "DATE", "the new end of the term, after the current one"},
    {"agreed", "DATE", "the day the amendment was agreed"},
    {"note", "TEXT", "what the amendment says (optional)"},
    {0}};
static const cli_option covenant_add_options[] = {
    {"kind", "KIND",
     "min_tangible_net_worth, max_liabilities_to_net_worth, min_quick_ratio or "
     "min_quarterly_net_income"},
    {"threshold", "VALUE", "dollars for the dollar kinds, a ratio with at most two decimals"},
    {"from", "DATE", "the first day the covenant is in force"},
    {0}};
static const cli_option covenant_end_options[] = {
    {"to", "DATE", "the last day the covenant is in force"}, {0}};

static const cli_command credit_commands[] = {
    {.noun = "credit", .verb = "line show", .run = run_line_show,
     .summary = "the line of credit, its term and its extensions", .opens_database = 1},
    {.noun = "credit", .verb = "line set", .run = run_line_set, .options = line_set_options,
     .summary = "set the line of credit (lender, limit, term)", .opens_database = 1},
    {.noun = "credit", .verb = "line extend", .run = run_line_extend,
     .options = line_extend_options, .summary = "extend the term of the line of credit",
     .opens_database = 1},
    {.noun = "credit", .verb = "covenant add", .run = run_covenant_add,
     .options = covenant_add_options, .summary = "add a financial covenant of the line",
     .opens_database = 1},
    {.noun = "credit", .verb = "covenant list", .run = run_covenant_list,
     .summary = "the covenants, ended ones too", .opens_database = 1},
    {.noun = "credit", .verb = "covenant end", .run = run_covenant_end, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = covenant_end_options,
     .summary = "end a covenant on a date", .opens_database = 1},
    {0},
};

const cli_module cli_module_credit = {
    .name = "credit", .area = AREA_FINANCE, .commands = credit_commands};
