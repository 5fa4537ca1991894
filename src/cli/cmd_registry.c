/*
 * cmd_registry.c - the organization registry from the command line:
 *   bloodops market add|list|show|edit
 *   bloodops center add|list|show|edit|close
 *   bloodops hospital add|list|show|edit
 * `edit CODE` changes only the options given (an empty --fin or --address
 * clears it, an empty --market leaves a hospital without a market).
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "service/registry.h"

static const cli_column market_columns[] = {
    {"code", "CODE"}, {"name", "NAME"}, {"time_zone", "TIME ZONE"}, {"created_at", "CREATED"},
    {0}};
static const cli_column center_columns[] = {
    {"code", "CODE"},           {"name", "NAME"},         {"market", "MARKET"},
    {"fin", "FIN"},             {"open_date", "OPENED"},  {"close_date", "CLOSED"},
    {"status", "STATUS"},       {"time_zone", "TIME ZONE"}, {0}};
static const cli_column center_detail_columns[] = {
    {"code", "CODE"},         {"name", "NAME"},           {"market", "MARKET"},
    {"fin", "FIN"},           {"address", "ADDRESS"},     {"open_date", "OPENED"},
    {"close_date", "CLOSED"}, {"close_reason", "REASON"}, {"status", "STATUS"},
    {"time_zone", "TIME ZONE"}, {"created_at", "CREATED"}, {0}};
static const cli_column hospital_columns[] = {
    {"code", "CODE"}, {"name", "NAME"}, {"market", "MARKET"},
    {"billing_terms_days", "TERMS"}, {0}};
static const cli_column hospital_detail_columns[] = {
    {"code", "CODE"},       {"name", "NAME"},
    {"market", "MARKET"},   {"address", "ADDRESS"},
    {"billing_terms_days", "TERMS (DAYS)"}, {"created_at", "CREATED"}, {0}};

/* --- markets -------------------------------------------------------------- */

static int call_market_add(service_context *ctx, const void *in, json_t **out, err *e)
{
    return market_add(ctx, in, out, e);
}
static int call_market_show(service_context *ctx, const void *code, json_t **out, err *e)
{
    return market_get(ctx, code, out, e);
}
/* An edit: the record's code and the fields to change. */
typedef struct {
    const char *code;
    const void *input;
} edit_request;
static int call_market_edit(service_context *ctx, const void *input, json_t **out, err *e)
{
    const edit_request *request = input;
    return market_update(ctx, request->code, request->input, out, e);
}
static int call_market_list(service_context *ctx, const void *filter, service_page *page,
                            json_t **out, err *e)
{
    market_filter copy = *(const market_filter *)filter;
    copy.page = *page;
    return market_list(ctx, &copy, out, e);
}

static int run_market_add(cli_invocation *invocation)
{
    market_input in = {cli_option_value(invocation, "code"), cli_option_value(invocation, "name"),
                       cli_option_value(invocation, "time-zone")};
    return cli_print_one(invocation, call_market_add, &in, market_columns);
}

static int run_market_list(cli_invocation *invocation)
{
    market_filter filter = {.search = cli_option_value(invocation, "search")};
    return cli_print_all_pages(invocation, call_market_list, &filter, 0, market_columns);
}

static int run_market_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_market_show, invocation->positional[0], market_columns);
}

static int run_market_edit(cli_invocation *invocation)
{
    market_input in = {.name = cli_option_value(invocation, "name"),
                       .time_zone = cli_option_value(invocation, "time-zone")};
    edit_request request = {invocation->positional[0], &in};
    return cli_print_one(invocation, call_market_edit, &request, market_columns);
}

/* --- centers -------------------------------------------------------------- */

static int call_center_add(service_context *ctx, const void *in, json_t **out, err *e)
{
    return center_add(ctx, in, out, e);
}
static int call_center_show(service_context *ctx, const void *code, json_t **out, err *e)
{
    return center_get(ctx, code, out, e);
}
typedef struct {
    const char *code, *date, *reason;
} close_request;
static int call_center_close(service_context *ctx, const void *input, json_t **out, err *e)
{
    const close_request *request = input;
    return center_close(ctx, request->code, request->date, request->reason, out, e);
}
static int call_center_edit(service_context *ctx, const void *input, json_t **out, err *e)
{
    const edit_request *request = input;
    return center_update(ctx, request->code, request->input, out, e);
}
static int call_center_list(service_context *ctx, const void *filter, service_page *page,
                            json_t **out, err *e)
{
    center_filter copy = *(const center_filter *)filter;
    copy.page = *page;
    return center_list(ctx, &copy, out, e);
}

static int run_center_add(cli_invocation *invocation)
{
    center_input in = {
        .code = cli_option_value(invocation, "code"),
        .name = cli_option_value(invocation, "name"),
        .market = cli_option_value(invocation, "market"),
        .fin = cli_option_value(invocation, "fin"),
        .address = cli_option_value(invocation, "address"),
        .open_date = cli_option_value(invocation, "opened"),
        .time_zone = cli_option_value(invocation, "time-zone"),
    };
    return cli_print_one(invocation, call_center_add, &in, center_detail_columns);
}

static int run_center_list(cli_invocation *invocation)
{
    center_filter filter = {.market = cli_option_value(invocation, "market"),
                            .status = cli_option_value(invocation, "status"),
                            .search = cli_option_value(invocation, "search")};
    return cli_print_all_pages(invocation, call_center_list, &filter, 0, center_columns);
}

static int run_center_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_center_show, invocation->positional[0],
                     center_detail_columns);
}

static int run_center_edit(cli_invocation *invocation)
{
    center_input in = {
        .name = cli_option_value(invocation, "name"),
        .market = cli_option_value(invocation, "market"),
        .fin = cli_option_value(invocation, "fin"),
        .address = cli_option_value(invocation, "address"),
        .open_date = cli_option_value(invocation, "opened"),
        .time_zone = cli_option_value(invocation, "time-zone"),
    };
    edit_request request = {invocation->positional[0], &in};
    return cli_print_one(invocation, call_center_edit, &request, center_detail_columns);
}

static int run_center_close(cli_invocation *invocation)
{
    close_request request = {invocation->positional[0], cli_option_value(invocation, "date"),
                             cli_option_value(invocation, "reason")};
    return cli_print_one(invocation, call_center_close, &request, center_detail_columns);
}

/* --- hospitals ------------------------------------------------------------ */

static int call_hospital_add(service_context *ctx, const void *in, json_t **out, err *e)
{
    return hospital_add(ctx, in, out, e);
}
static int call_hospital_show(service_context *ctx, const void *code, json_t **out, err *e)
{
    return hospital_get(ctx, code, out, e);
}
static int call_hospital_edit(service_context *ctx, const void *input, json_t **out, err *e)
{
    const edit_request *request = input;
    return hospital_update(ctx, request->code, request->input, out, e);
}
static int call_hospital_list(service_context *ctx, const void *filter, service_page *page,
                              json_t **out, err *e)
{
    hospital_filter copy = *(const hospital_filter *)filter;
    copy.page = *page;
    return hospital_list(ctx, &copy, out, e);
}

static int run_hospital_add(cli_invocation *invocation)
{
    hospital_input in = {
        .code = cli_option_value(invocation, "code"),
        .name = cli_option_value(invocation, "name"),
        .market = cli_option_value(invocation, "market"),
        .address = cli_option_value(invocation, "address"),
        .billing_terms_days = cli_option_value(invocation, "terms"),
    };
    return cli_print_one(invocation, call_hospital_add, &in, hospital_detail_columns);
}

static int run_hospital_list(cli_invocation *invocation)
{
    hospital_filter filter = {.market = cli_option_value(invocation, "market"),
                              .search = cli_option_value(invocation, "search")};
    return cli_print_all_pages(invocation, call_hospital_list, &filter, 0, hospital_columns);
}

static int run_hospital_edit(cli_invocation *invocation)
{
    hospital_input in = {
        .name = cli_option_value(invocation, "name"),
        .market = cli_option_value(invocation, "market"),
        .address = cli_option_value(invocation, "address"),
        .billing_terms_days = cli_option_value(invocation, "terms"),
    };
    edit_request request = {invocation->positional[0], &in};
    return cli_print_one(invocation, call_hospital_edit, &request, hospital_detail_columns);
}

static int run_hospital_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_hospital_show, invocation->positional[0],
                     hospital_detail_columns);
}

static const cli_option market_add_options[] = {
    {"code", "CODE", "short code, e.g. LA"}, {"name", "NAME", "e.g. Los Angeles"},
    {"time-zone", "NAME", "IANA time zone, e.g. America/New_York (default America/Los_Angeles)"},
    {0}};
static const cli_option market_edit_options[] = {
    {"name", "NAME", "the new name"},
    {"time-zone", "NAME", "IANA time zone (its centers keep theirs)"},
    {0}};
static const cli_option market_list_options[] = {
    {"search", "TEXT", "code or name contains TEXT"}, {0}};
static const cli_option center_add_options[] = {
    {"code", "CODE", "short code, e.g. LA-01"},
    {"name", "NAME", "the center's name"},
    {"market", "CODE", "the market it belongs to"},
    {"fin", "FIN", "ISBT 128 facility identification number, e.g. W1234"},
    {"address", "TEXT", "street address"},
    {"opened", "DATE", "open date YYYY-MM-DD (default today)", "open_date"},
    {"time-zone", "NAME", "IANA time zone, e.g. America/New_York (default: the market's)"},
    {0}};
static const cli_option center_edit_options[] = {
    {"name", "NAME", "the center's name"},
    {"market", "CODE", "the market it belongs to"},
    {"fin", "FIN", "ISBT 128 facility identification number (\"\" clears it)"},
    {"address", "TEXT", "street address (\"\" clears it)"},
    {"opened", "DATE", "open date YYYY-MM-DD", "open_date"},
    {"time-zone", "NAME", "IANA time zone, e.g. America/New_York"},
    {0}};
static const cli_option center_list_options[] = {
    {"market", "CODE", "only this market"},
    {"status", "open|closed", "only open or only closed centers"},
    {"search", "TEXT", "code or name contains TEXT"},
    {0}};
static const cli_option center_close_options[] = {
    {"date", "DATE", "the last day of operation, YYYY-MM-DD", "close_date"},
    {"reason", "TEXT", "why it closes (kept in the audit trail)"},
    {0}};
static const cli_option hospital_add_options[] = {
    {"code", "CODE", "short code, e.g. CEDARS"},
    {"name", "NAME", "the hospital's name"},
    {"market", "CODE", "the market it is in"},
    {"address", "TEXT", "billing address"},
    {"terms", "DAYS", "payment terms in days (default 30)", "billing_terms_days"},
    {0}};
static const cli_option hospital_edit_options[] = {
    {"name", "NAME", "the hospital's name"},
    {"market", "CODE", "the market it is in (\"\" for none)"},
    {"address", "TEXT", "billing address"},
    {"terms", "DAYS", "payment terms in days", "billing_terms_days"},
    {0}};
static const cli_option hospital_list_options[] = {
    {"market", "CODE", "only this market"}, {"search", "TEXT", "code or name contains TEXT"}, {0}};

static const cli_command registry_commands[] = {
    {.noun = "market", .verb = "add", .run = run_market_add, .options = market_add_options,
     .summary = "add a market", .opens_database = 1},
    {.noun = "market", .verb = "list", .run = run_market_list, .options = market_list_options,
     .summary = "list markets", .opens_database = 1},
    {.noun = "market", .verb = "show", .run = run_market_show, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .summary = "show one market", .opens_database = 1},
    {.noun = "market", .verb = "edit", .run = run_market_edit, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = market_edit_options,
     .summary = "rename a market or change its time zone", .opens_database = 1},
    {.noun = "center", .verb = "add", .run = run_center_add, .options = center_add_options,
     .summary = "add a donor center", .opens_database = 1},
    {.noun = "center", .verb = "list", .run = run_center_list, .options = center_list_options,
     .summary = "list donor centers", .opens_database = 1},
    {.noun = "center", .verb = "show", .run = run_center_show, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .summary = "show one donor center",
     .opens_database = 1},
    {.noun = "center", .verb = "edit", .run = run_center_edit, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = center_edit_options,
     .summary = "correct a donor center (only the options given change)", .opens_database = 1},
    {.noun = "center", .verb = "close", .run = run_center_close, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = center_close_options,
     .summary = "record that a donor center closes", .opens_database = 1},
    {.noun = "hospital", .verb = "add", .run = run_hospital_add, .options = hospital_add_options,
     .summary = "add a hospital (a customer)", .opens_database = 1},
    {.noun = "hospital", .verb = "list", .run = run_hospital_list,
     .options = hospital_list_options, .summary = "list hospitals", .opens_database = 1},
    {.noun = "hospital", .verb = "show", .run = run_hospital_show, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .summary = "show one hospital",
     .opens_database = 1},
    {.noun = "hospital", .verb = "edit", .run = run_hospital_edit, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = hospital_edit_options,
     .summary = "correct a hospital (only the options given change)", .opens_database = 1},
    {0},
};

const cli_module cli_module_registry = {
    .name = "registry", .area = AREA_ADMINISTRATION, .commands = registry_commands};
