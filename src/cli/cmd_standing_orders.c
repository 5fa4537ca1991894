/*
 * cmd_standing_orders.c - standing orders from the command line
 * (docs/distribution.md, "Standing orders"):
 *   bloodops order standing add --hospital CODE --priority stat|asap|routine
 *                               --days mon,wed,fri --time HH:MM --from DATE [--to DATE]
 *   bloodops order standing line ID --family FAMILY --group GROUP --quantity N
 *                                   [--irradiated] [--cmv-negative]
 *   bloodops order standing remove-line ID LINE
 *   bloodops order standing list [--hospital CODE] [--status active|stopped]
 *   bloodops order standing show ID
 *   bloodops order standing stop ID
 *   bloodops order standing run [--through DATE]
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/standing_order.h"

static const cli_column standing_columns[] = {
    {"id", "STANDING ORDER"}, {"hospital", "HOSPITAL"}, {"priority", "PRIORITY"},
    {"days", "DAYS"}, {"time", "NEEDED BY"}, {"time_zone", "ZONE"}, {"from", "FROM"},
    {"to", "TO"}, {"active", "ACTIVE"}, {"lines_count", "LINES"}, {"units", "UNITS"},
    {"last_day_created", "LAST DAY CREATED"}, {0}};
static const cli_column line_columns[] = {
    {"id", "LINE"}, {"family", "FAMILY"}, {"group", "GROUP"}, {"irradiated", "IRRADIATED"},
    {"cmv_negative", "CMV-NEG"}, {"quantity", "QUANTITY"}, {0}};
static const cli_column created_columns[] = {
    {"day", "DAY"}, {"order", "ORDER"}, {"needed_by", "NEEDED BY"}, {"status", "STATUS"}, {0}};
static const cli_column run_columns[] = {
    {"standing_order", "STANDING ORDER"}, {"hospital", "HOSPITAL"}, {"day", "DAY"},
    {"order", "ORDER"}, {"needed_by", "NEEDED BY"}, {0}};

/* The standing order, its lines, then the orders it created. */
static void print_standing(const cli_invocation *invocation, json_t *standing)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, standing, invocation->format == OUTPUT_JSON
                                                   ? NULL
                                                   : standing_columns);
        return;
    }
    cli_print_object(invocation, standing, standing_columns);
    printf("\nLines\n");
    cli_print_list(invocation, json_object_get(standing, "lines"), line_columns);
    if (json_array_size(json_object_get(standing, "orders"))) {
        printf("\nOrders created\n");
        cli_print_list(invocation, json_object_get(standing, "orders"), created_columns);
    }
}

/* `order standing add` prints the standing order's id alone, for scripts. */
static void print_standing_id(const cli_invocation *invocation, json_t *standing)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(standing, "id")));
    else
        cli_print_object(invocation, standing, standing_columns);
}

/* The orders a run created, one row each. */
static void print_run(const cli_invocation *invocation, json_t *run)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, run, NULL);
    else
        cli_print_list(invocation, json_object_get(run, "created"), run_columns);
}

static int call_add(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    standing_order_input in = {.hospital = cli_option_value(invocation, "hospital"),
                               .priority = cli_option_value(invocation, "priority"),
                               .days = cli_option_value(invocation, "days"),
                               .time = cli_option_value(invocation, "time"),
                               .from = cli_option_value(invocation, "from"),
                               .to = cli_option_value(invocation, "to")};
    return standing_order_create(ctx, &in, out, e);
}

static int call_line(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    order_line_input in = {
        .family = cli_option_value(invocation, "family"),
        .group = cli_option_value(invocation, "group"),
        .quantity = cli_option_value(invocation, "quantity"),
        .irradiated = cli_option_value(invocation, "irradiated") != NULL,
        .cmv_negative = cli_option_value(invocation, "cmv-negative") != NULL,
    };
    return standing_order_line_add(ctx, invocation->positional[0], &in, out, e);
}

static int call_remove_line(service_context *ctx, cli_invocation *invocation, json_t **out,
                            err *e)
{
    return standing_order_line_remove(ctx, invocation->positional[0], invocation->positional[1],
                                      out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return standing_order_get(ctx, invocation->positional[0], out, e);
}

static int call_stop(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return standing_order_stop(ctx, invocation->positional[0], out, e);
}

static int call_run(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return standing_orders_run(ctx, cli_option_value(invocation, "through"), out, e);
}

static int run_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_add, print_standing_id);
}
static int run_line(cli_invocation *invocation)
{
    return cli_run(invocation, call_line, print_standing);
}
static int run_remove_line(cli_invocation *invocation)
{
    return cli_run(invocation, call_remove_line, print_standing);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_standing);
}
static int run_stop(cli_invocation *invocation)
{
    return cli_run(invocation, call_stop, print_standing);
}
static int run_run(cli_invocation *invocation)
{
    return cli_run(invocation, call_run, print_run);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    standing_order_filter f = *(const standing_order_filter *)filter;
    f.page = *page;
    return standing_order_list(ctx, &f, out, e);
}

static int run_list(cli_invocation *invocation)
{
    standing_order_filter filter = {.hospital = cli_option_value(invocation, "hospital"),
                                    .status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, standing_columns);
}

static const cli_option add_options[] = {
    {"hospital", "CODE", "the hospital ordering"},
    {"priority", "stat|asap|routine", "each order's clock to shipment: 1, 4 or 24 hours"},
    {"days", "DAYS", "the weekdays it recurs on: mon,wed,fri (mon to sun)"},
    {"time", "HH:MM", "the time of day the units are needed by, the hospital's local time"},
    {"from", "DATE", "the first day, YYYY-MM-DD"},
    {"to", "DATE", "the last day (none: until stopped)"},
    {0}};
static const cli_option line_options[] = {
    {"family", "FAMILY", "a product family (red_cells, plasma, platelets...)"},
    {"group", "GROUP", "the recipient's ABO/RhD: O POS, O NEG, A+, AB- ..."},
    {"quantity", "N", "how many units each day (1 to 500)"},
    {"irradiated", NULL, "irradiated units only"},
    {"cmv-negative", NULL, "CMV-negative units only"},
    {0}};
static const cli_option list_options[] = {
    {"hospital", "CODE", "one hospital's standing orders"},
    {"status", "active|stopped", "only active or only stopped ones"},
    {0}};
static const cli_option run_options[] = {
    {"through", "DATE", "create the days through DATE (default: tomorrow; at most 31 days ahead)"},
    {0}};

static const cli_command standing_commands[] = {
    {.noun = "order", .verb = "standing add", .run = run_add, .options = add_options,
     .summary = "a standing order on a weekly schedule; prints its id", .opens_database = 1},
    {.noun = "order", .verb = "standing line", .run = run_line, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = line_options,
     .summary = "add a line to a standing order", .opens_database = 1},
    {.noun = "order", .verb = "standing remove-line", .run = run_remove_line,
     .arguments = "ID LINE",
     .positional_min = 2, .positional_max = 2,
     .summary = "remove a line of a standing order", .opens_database = 1},
    {.noun = "order", .verb = "standing list", .run = run_list, .options = list_options,
     .summary = "standing orders with their schedules", .opens_database = 1},
    {.noun = "order", .verb = "standing show", .run = run_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "a standing order, its lines and the orders it created", .opens_database = 1},
    {.noun = "order", .verb = "standing stop", .run = run_stop, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "stop a standing order: it creates no more orders", .opens_database = 1},
    {.noun = "order", .verb = "standing run", .run = run_run, .options = run_options,
     .summary = "create the scheduled days' orders (the server does it every sweep)",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_standing_orders = {
    .name = "standing_orders", .area = AREA_DISTRIBUTION, .commands = standing_commands};
