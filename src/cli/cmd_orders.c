/*
 * cmd_orders.c - hospitals' orders and their allocation from the command
 * line (docs/distribution.md):
 *   bloodops order create --hospital CODE --priority stat|asap|routine --needed-by DATETIME
 *   bloodops order line ORDER --family FAMILY --group GROUP --quantity N
 *                             [--irradiated] [--cmv-negative]
 *   bloodops order allocate ORDER
 *   bloodops order unallocate ORDER [--reason TEXT]
 *   bloodops order cancel ORDER --reason TEXT
 *   bloodops order show ORDER
 *   bloodops order list [--hospital CODE] [--status open|shipped|cancelled]
 *   bloodops substitution list
 *   bloodops substitution set FAMILY ABO --donors "A,B,O"
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "service/order.h"

static const cli_column order_columns[] = {
    {"id", "ORDER"}, {"hospital", "HOSPITAL"}, {"priority", "PRIORITY"},
    {"ordered_at", "ORDERED"}, {"needed_by", "NEEDED BY"}, {"deadline", "DEADLINE"},
    {"seconds_left", "SECONDS LEFT"}, {"overdue", "OVERDUE"}, {"status", "STATUS"},
    {"units_ordered", "ORDERED UNITS"}, {"units_allocated", "ALLOCATED"},
    {"backorder", "BACKORDER"}, {"standing_order", "STANDING ORDER"}, {0}};
static const cli_column line_columns[] = {
    {"id", "LINE"}, {"family", "FAMILY"}, {"group", "GROUP"}, {"irradiated", "IRRADIATED"},
    {"cmv_negative", "CMV-NEG"}, {"quantity", "QUANTITY"}, {"allocated", "ALLOCATED"},
    {"backorder", "BACKORDER"}, {0}};
static const cli_column allocation_columns[] = {
    {"line", "LINE"}, {"unit", "UNIT"}, {"eye_readable", "DIN"},
    {"product_code", "PRODUCT"}, {"group", "GROUP"}, {"substitution", "SUBSTITUTION"},
    {"expires_at", "EXPIRES"}, {0}};
static const cli_column substitution_columns[] = {
    {"family", "FAMILY"}, {"recipient", "RECIPIENT"}, {"donors_text", "MAY ALSO GET"}, {0}};

/* The order, its lines, then every allocation with its line. */
static void print_order(const cli_invocation *invocation, json_t *order)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, order, NULL);
        return;
    }
    json_t *lines = json_object_get(order, "lines"), *allocations = json_array(), *line;
    size_t i, j;
    json_array_foreach(lines, i, line) {
        json_t *a;
        json_array_foreach(json_object_get(line, "allocations"), j, a) {
            json_t *row = json_deep_copy(a);
            json_object_set(row, "line", json_object_get(line, "id"));
            json_array_append_new(allocations, row);
        }
    }
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, allocations, allocation_columns);
    } else {
        cli_print_object(invocation, order, order_columns);
        printf("\nLines\n");
        cli_print_list(invocation, lines, line_columns);
        if (json_array_size(allocations)) {
            printf("\nAllocated units\n");
            cli_print_list(invocation, allocations, allocation_columns);
        }
    }
    json_decref(allocations);
}

/* `order create` prints the order's id alone, for scripts. */
static void print_order_id(const cli_invocation *invocation, json_t *order)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(order, "id")));
    else
        cli_print_object(invocation, order, order_columns);
}

static int call_create(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    order_input in = {.hospital = cli_option_value(invocation, "hospital"),
                      .priority = cli_option_value(invocation, "priority"),
                      .needed_by = cli_option_value(invocation, "needed-by")};
    return order_create(ctx, &in, out, e);
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
    return order_line_add(ctx, invocation->positional[0], &in, out, e);
}

static int call_allocate(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return order_allocate(ctx, invocation->positional[0], out, e);
}

static int call_unallocate(service_context *ctx, cli_invocation *invocation, json_t **out,
                           err *e)
{
    return order_unallocate(ctx, invocation->positional[0],
                            cli_option_value(invocation, "reason"), out, e);
}

static int call_cancel(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return order_cancel(ctx, invocation->positional[0], cli_option_value(invocation, "reason"),
                        out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return order_get(ctx, invocation->positional[0], out, e);
}

static int run_create(cli_invocation *invocation)
{
    return cli_run(invocation, call_create, print_order_id);
}
static int run_line(cli_invocation *invocation)
{
    return cli_run(invocation, call_line, print_order);
}
static int run_allocate(cli_invocation *invocation)
{
    return cli_run(invocation, call_allocate, print_order);
}
static int run_unallocate(cli_invocation *invocation)
{
    return cli_run(invocation, call_unallocate, print_order);
}
static int run_cancel(cli_invocation *invocation)
{
    return cli_run(invocation, call_cancel, print_order);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_order);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    order_filter f = *(const order_filter *)filter;
    f.page = *page;
    return order_list(ctx, &f, out, e);
}

static int run_list(cli_invocation *invocation)
{
    order_filter filter = {.hospital = cli_option_value(invocation, "hospital"),
                           .status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, order_columns);
}

/* --- the substitution table -------------------------------------------------------- */

static int call_substitutions(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    (void)invocation;
    return substitution_list(ctx, out, e);
}

static int call_substitution_set(service_context *ctx, cli_invocation *invocation, json_t **out,
                                 err *e)
{
    return substitution_set(ctx, invocation->positional[0], invocation->positional[1],
                            cli_option_value(invocation, "donors"), out, e);
}

/* One row per family and recipient, the donor groups joined ("A, B, O"). */
static void print_substitutions(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    json_t *rows = json_array(), *row;
    size_t i, j;
    json_array_foreach(json_object_get(result, "substitutions"), i, row) {
        char text[32] = "";
        json_t *donor;
        json_array_foreach(json_object_get(row, "donors"), j, donor) {
            size_t n = strlen(text);
            snprintf(text + n, sizeof text - n, "%s%s", j ? ", " : "", json_string_value(donor));
        }
        json_t *copy = json_deep_copy(row);
        json_object_set_new(copy, "donors_text", json_string(*text ? text : "(own group only)"));
        json_array_append_new(rows, copy);
    }
    cli_print_list(invocation, rows, substitution_columns);
    json_decref(rows);
}

static int run_substitutions(cli_invocation *invocation)
{
    return cli_run(invocation, call_substitutions, print_substitutions);
}
static int run_substitution_set(cli_invocation *invocation)
{
    return cli_run(invocation, call_substitution_set, print_substitutions);
}

static const cli_option create_options[] = {
    {"hospital", "CODE", "the hospital ordering"},
    {"priority", "stat|asap|routine", "its clock to shipment: 1, 4 or 24 hours"},
    {"needed-by", "DATETIME", "when the hospital needs it, YYYY-MM-DDTHH:MM in UTC"},
    {0}};
static const cli_option line_options[] = {
    {"family", "FAMILY", "a product family (red_cells, plasma, platelets...)"},
    {"group", "GROUP", "the recipient's ABO/RhD: O POS, O NEG, A+, AB- ..."},
    {"quantity", "N", "how many units (1 to 500)"},
    {"irradiated", NULL, "irradiated units only"},
    {"cmv-negative", NULL, "CMV-negative units only"},
    {0}};
static const cli_option unallocate_options[] = {{"reason", "TEXT", "why"}, {0}};
static const cli_option cancel_options[] = {
    {"reason", "TEXT", "why the order is cancelled (required)"}, {0}};
static const cli_option list_options[] = {
    {"hospital", "CODE", "one hospital's orders"},
    {"status", "open|shipped|cancelled", "only orders in it (open: the board)"},
    {0}};
static const cli_option substitution_set_options[] = {
    {"donors", "GROUPS", "the groups it may also get in order of preference: \"A,B,O\", or none"},
    {0}};

static const cli_command order_commands[] = {
    {.noun = "order", .verb = "create", .run = run_create, .options = create_options,
     .summary = "take a hospital's order; prints its id", .opens_database = 1},
    {.noun = "order", .verb = "line", .run = run_line, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1, .options = line_options,
     .summary = "add a line to an order", .opens_database = 1},
    {.noun = "order", .verb = "allocate", .run = run_allocate, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1,
     .summary = "allocate released units, first expiring first, with substitutions",
     .opens_database = 1},
    {.noun = "order", .verb = "unallocate", .run = run_unallocate, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1, .options = unallocate_options,
     .summary = "undo an order's allocations before shipping", .opens_database = 1},
    {.noun = "order", .verb = "cancel", .run = run_cancel, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1, .options = cancel_options,
     .summary = "cancel an open order: its units not shipped back on the shelf",
     .opens_database = 1},
    {.noun = "order", .verb = "show", .run = run_show, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1,
     .summary = "an order with its lines, allocations and backorders", .opens_database = 1},
    {.noun = "order", .verb = "list", .run = run_list, .options = list_options,
     .summary = "orders with their clocks", .opens_database = 1},
    {.noun = "substitution", .verb = "list", .run = run_substitutions,
     .summary = "the ABO substitution table", .opens_database = 1},
    {.noun = "substitution", .verb = "set", .run = run_substitution_set,
     .arguments = "FAMILY ABO", .positional_min = 2, .positional_max = 2,
     .options = substitution_set_options,
     .summary = "the groups a recipient group may also get", .opens_database = 1},
    {0},
};

const cli_module cli_module_orders = {
    .name = "orders", .area = AREA_DISTRIBUTION, .commands = order_commands};
