/*
 * cmd_contracts.c - hospitals' supply contracts from the command line
 * (docs/distribution.md):
 *   bloodops contract add --hospital CODE --from DATE [--to DATE]
 *                         [--return-days N --return-credit PCT]
 *   bloodops contract price CONTRACT (--product CODE | --family FAMILY) --price DOLLARS
 *   bloodops contract surcharge CONTRACT --kind KIND --price DOLLARS
 *   bloodops contract renew CONTRACT --from DATE [--increase PCT]
 *   bloodops contract list [--hospital CODE]
 *   bloodops contract show CONTRACT
 *   bloodops contract quote --hospital CODE --date DATE [--product CODE ...]
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/contract.h"

static const cli_column contract_columns[] = {
    {"id", "CONTRACT"}, {"hospital", "HOSPITAL"}, {"version", "VERSION"},
    {"effective_from", "FROM"}, {"effective_to", "TO"}, {"return_days", "RETURN DAYS"},
    {"return_credit", "RETURN CREDIT %"}, {"renewed_from", "RENEWS"},
    {"increase", "INCREASE %"}, {0}};
static const cli_column price_columns[] = {
    {"target", "BY"}, {"code", "CODE"}, {"price", "PRICE", CLI_MONEY}, {0}};
static const cli_column surcharge_columns[] = {
    {"kind", "SURCHARGE"}, {"price", "PRICE", CLI_MONEY}, {0}};
static const cli_column quote_columns[] = {
    {"product", "PRODUCT"}, {"family", "FAMILY"}, {"priced_by", "PRICED BY"},
    {"base", "BASE", CLI_MONEY}, {"total", "TOTAL", CLI_MONEY}, {0}};

/* A version, then its prices and its surcharges. */
static void print_contract(const cli_invocation *invocation, json_t *contract)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, contract, NULL);
        return;
    }
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, json_object_get(contract, "prices"), price_columns);
        return;
    }
    cli_print_object(invocation, contract, contract_columns);
    printf("\nPrices\n");
    cli_print_list(invocation, json_object_get(contract, "prices"), price_columns);
    if (json_array_size(json_object_get(contract, "surcharges"))) {
        printf("\nSurcharges\n");
        cli_print_list(invocation, json_object_get(contract, "surcharges"), surcharge_columns);
    }
}

static int call_add(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    contract_input in = {
        .hospital = cli_option_value(invocation, "hospital"),
        .from = cli_option_value(invocation, "from"),
        .to = cli_option_value(invocation, "to"),
        .return_days = cli_option_value(invocation, "return-days"),
        .return_credit = cli_option_value(invocation, "return-credit"),
    };
    return contract_add(ctx, &in, out, e);
}

static int call_price(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return contract_price_set(ctx, invocation->positional[0],
                              cli_option_value(invocation, "product"),
                              cli_option_value(invocation, "family"),
                              cli_option_value(invocation, "price"), out, e);
}

static int call_surcharge(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return contract_surcharge_set(ctx, invocation->positional[0],
                                  cli_option_value(invocation, "kind"),
                                  cli_option_value(invocation, "price"), out, e);
}

static int call_renew(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return contract_renew(ctx, invocation->positional[0], cli_option_value(invocation, "from"),
                          cli_option_value(invocation, "increase"), out, e);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return contract_get(ctx, invocation->positional[0], out, e);
}

static int call_quote(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    contract_quote_input in = {
        .hospital = cli_option_value(invocation, "hospital"),
        .date = cli_option_value(invocation, "date"),
        .product = cli_option_value(invocation, "product"),
        .washed = cli_option_value(invocation, "washed") != NULL,
        .stat = cli_option_value(invocation, "stat") != NULL,
        .after_hours = cli_option_value(invocation, "after-hours") != NULL,
    };
    return contract_quote(ctx, &in, out, e);
}

/* The version in force, then the product's price and its surcharges. */
static void print_quote(const cli_invocation *invocation, json_t *quote)
{
    json_t *price = json_object_get(quote, "price");
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, quote, NULL);
        return;
    }
    if (invocation->format == OUTPUT_TABLE) {
        printf("In force for %s on %s:\n\n", json_string_value(json_object_get(quote, "hospital")),
               json_string_value(json_object_get(quote, "date")));
        cli_print_object(invocation, json_object_get(quote, "contract"), contract_columns);
    }
    if (!json_is_object(price))
        return;
    if (invocation->format == OUTPUT_TABLE)
        printf("\n");
    cli_print_object(invocation, price, quote_columns);
    if (invocation->format == OUTPUT_TABLE &&
        json_array_size(json_object_get(price, "surcharges"))) {
        printf("\nSurcharges\n");
        cli_print_list(invocation, json_object_get(price, "surcharges"), surcharge_columns);
    }
}

static int run_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_add, print_contract);
}
static int run_price(cli_invocation *invocation)
{
    return cli_run(invocation, call_price, print_contract);
}
static int run_surcharge(cli_invocation *invocation)
{
    return cli_run(invocation, call_surcharge, print_contract);
}
static int run_renew(cli_invocation *invocation)
{
    return cli_run(invocation, call_renew, print_contract);
}
static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_contract);
}
static int run_quote(cli_invocation *invocation)
{
    return cli_run(invocation, call_quote, print_quote);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    contract_filter f = *(const contract_filter *)filter;
    f.page = *page;
    return contract_list(ctx, &f, out, e);
}

static int run_list(cli_invocation *invocation)
{
    contract_filter filter = {.hospital = cli_option_value(invocation, "hospital")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, contract_columns);
}

static const cli_option add_options[] = {
    {"hospital", "CODE", "the hospital"},
    {"from", "DATE", "first day in force, YYYY-MM-DD"},
    {"to", "DATE", "last day in force (default: open-ended)"},
    {"return-days", "N", "returns credited within N days of shipment"},
    {"return-credit", "PCT", "share of the price credited on a return, in percent"},
    {0}};
static const cli_option price_options[] = {
    {"product", "CODE", "a product code (E0791)"},
    {"family", "FAMILY", "a product family (red_cells), priced when the code is not"},
    {"price", "DOLLARS", "the price of one unit (at most two decimals)"},
    {0}};
static const cli_option surcharge_options[] = {
    {"kind", "KIND", "irradiated, cmv_negative, washed, leukoreduced, stat_delivery or "
                     "after_hours_delivery"},
    {"price", "DOLLARS", "the surcharge per unit"},
    {0}};
static const cli_option renew_options[] = {
    {"from", "DATE", "first day of the new version; the one renewed ends the day before"},
    {"increase", "PCT", "every price raised by this percentage, half up to the cent"},
    {0}};
static const cli_option list_options[] = {{"hospital", "CODE", "one hospital's versions"}, {0}};
static const cli_option quote_options[] = {
    {"hospital", "CODE", "the hospital"},
    {"date", "DATE", "the day (the shipping date)"},
    {"product", "CODE", "price one unit of this product"},
    {"washed", NULL, "the unit is washed"},
    {"stat", NULL, "a STAT delivery"},
    {"after-hours", NULL, "an after-hours delivery", "after_hours"},
    {0}};

static const cli_command contract_commands[] = {
    {.noun = "contract", .verb = "add", .run = run_add, .options = add_options,
     .summary = "a new version of a hospital's supply contract", .opens_database = 1},
    {.noun = "contract", .verb = "price", .run = run_price, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = price_options,
     .summary = "set the price of a product code or of a family", .opens_database = 1},
    {.noun = "contract", .verb = "surcharge", .run = run_surcharge, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = surcharge_options,
     .summary = "set a surcharge", .opens_database = 1},
    {.noun = "contract", .verb = "renew", .run = run_renew, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = renew_options,
     .summary = "renew as a new version, prices raised by a percentage", .opens_database = 1},
    {.noun = "contract", .verb = "list", .run = run_list, .options = list_options,
     .summary = "supply contract versions", .opens_database = 1},
    {.noun = "contract", .verb = "show", .run = run_show, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1,
     .summary = "a version with its prices and surcharges", .opens_database = 1},
    {.noun = "contract", .verb = "quote", .run = run_quote, .options = quote_options,
     .summary = "the version in force on a day and a product's price under it",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_contracts = {
    .name = "contracts", .area = AREA_DISTRIBUTION, .commands = contract_commands};
