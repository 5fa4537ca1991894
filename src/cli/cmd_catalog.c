/*
 * cmd_catalog.c - ISBT 128 product catalog and DIN allocation from the
 * command line:
 *   bloodops catalog import FILE.csv      all or nothing, problems as FILE:LINE: field: message
 *   bloodops catalog list [--family F] [--search Q]
 *   bloodops catalog show CODE
 *   bloodops din allocate --center CODE [--count N] [--year YY]
 *   bloodops din show DIN                 with or without its check character
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/import_file.h"
#include "service/catalog.h"
#include "service/din.h"

static const cli_column product_columns[] = {
    {"code", "CODE"},
    {"family", "FAMILY"},
    {"description", "DESCRIPTION"},
    {"storage_min_c", "MIN C"},
    {"storage_max_c", "MAX C"},
    {"shelf_life_value", "SHELF LIFE"},
    {"shelf_life_unit", "UNIT"},
    {"nominal_volume_ml", "ML"},
    {"demo", "DEMO"},
    {0}};
static const cli_column product_detail_columns[] = {
    {"code", "CODE"},
    {"description", "DESCRIPTION"},
    {"family", "FAMILY"},
    {"storage_min_c", "STORAGE MIN (C)"},
    {"storage_max_c", "STORAGE MAX (C)"},
    {"shelf_life_value", "SHELF LIFE"},
    {"shelf_life_unit", "SHELF LIFE UNIT"},
    {"nominal_volume_ml", "VOLUME (ML)"},
    {"irradiated", "IRRADIATED"},
    {"leukoreduced", "LEUKOREDUCED"},
    {"cmv_negative", "CMV-NEGATIVE"},
    {"pathogen_reduced", "PATHOGEN-REDUCED"},
    {"demo", "DEMO DATA"},
    {"created_at", "CREATED"},
    {"updated_at", "UPDATED"},
    {0}};
static const cli_column din_columns[] = {
    {"din", "DIN"},
    {"check_character", "K"},
    {"flags", "FLAGS"},
    {"eye_readable", "PRINTED"},
    {0}};
static const cli_column din_detail_columns[] = {
    {"din", "DIN"},
    {"eye_readable", "PRINTED"},
    {"check_character", "CHECK CHARACTER"},
    {"flags", "CHECK FLAGS"},
    {"fin", "FIN"},
    {"year", "YEAR"},
    {"sequence", "SEQUENCE"},
    {"center", "CENTER"},
    {"allocated_at", "ALLOCATED"},
    {"allocated_by", "BY"},
    {0}};

/* --- catalog --------------------------------------------------------------- */

static int call_product_show(service_context *ctx, const void *code, json_t **out, err *e)
{
    return catalog_product_get(ctx, code, out, e);
}

static int call_product_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    catalog_filter copy = *(const catalog_filter *)filter;
    copy.page = *page;
    return catalog_product_list(ctx, &copy, out, e);
}

static int run_catalog_list(cli_invocation *invocation)
{
    catalog_filter filter = {.family = cli_option_value(invocation, "family"),
                             .search = cli_option_value(invocation, "search")};
    return cli_print_all_pages(invocation, call_product_list, &filter, 0, product_columns);
}

static int run_catalog_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_product_show, invocation->positional[0],
                         product_detail_columns);
}

static int call_catalog_import(service_context *ctx, FILE *csv, const char *path, void *arg,
                               json_t **out, err *e)
{
    (void)arg;
    return catalog_import(ctx, csv, path, out, e);
}

static int run_catalog_import(cli_invocation *invocation)
{
    json_t *result;
    if (cli_import_file(invocation, call_catalog_import, NULL, &result))
        return CLI_FAILED;
    const char *path = invocation->positional[0];
    if (invocation->format == OUTPUT_TABLE)
        printf("imported %" JSON_INTEGER_FORMAT " products from %s: %" JSON_INTEGER_FORMAT
               " added, %" JSON_INTEGER_FORMAT " updated, %" JSON_INTEGER_FORMAT " unchanged\n",
               json_integer_value(json_object_get(result, "products")), path,
               json_integer_value(json_object_get(result, "added")),
               json_integer_value(json_object_get(result, "updated")),
               json_integer_value(json_object_get(result, "unchanged")));
    else
        cli_print_object(invocation, result, NULL);
    json_decref(result);
    return CLI_OK;
}

/* --- DINs ------------------------------------------------------------------ */

static int call_din_show(service_context *ctx, const void *din, json_t **out, err *e)
{
    return din_get(ctx, din, out, e);
}

static int run_din_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_din_show, invocation->positional[0],
                         din_detail_columns);
}

static int run_din_allocate(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    json_t *result = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = din_allocate(&ctx, cli_option_value(invocation, "center"),
                          cli_option_value(invocation, "count"),
                          cli_option_value(invocation, "year"), &result, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, result, NULL);
    else
        cli_print_list(invocation, json_object_get(result, "dins"), din_columns);
    json_decref(result);
    return CLI_OK;
}

static const cli_option catalog_list_options[] = {
    {"family", "FAMILY",
     "whole_blood, red_cells, platelets, plasma, cryoprecipitate or granulocytes"},
    {"search", "TEXT", "code or description contains TEXT"},
    {0}};
static const cli_option din_allocate_options[] = {
    {"center", "CODE", "the donor center (open, with a facility identification number)"},
    {"count", "N", "how many DINs, 1 to 1000 (default 1)"},
    {"year", "YY", "nominal year, two digits (default this year)"},
    {0}};

static const cli_command catalog_commands[] = {
    {.noun = "catalog", .verb = "import", .run = run_catalog_import, .arguments = "FILE.csv",
     .positional_min = 1, .positional_max = 1,
     .summary = "import a product catalog CSV, all or nothing", .opens_database = 1},
    {.noun = "catalog", .verb = "list", .run = run_catalog_list, .options = catalog_list_options,
     .summary = "list the product catalog", .opens_database = 1},
    {.noun = "catalog", .verb = "show", .run = run_catalog_show, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .summary = "show one product", .opens_database = 1},
    {.noun = "din", .verb = "allocate", .run = run_din_allocate, .options = din_allocate_options,
     .summary = "allocate the next DINs of a donor center", .opens_database = 1},
    {.noun = "din", .verb = "show", .run = run_din_show, .arguments = "DIN", .positional_min = 1,
     .positional_max = 1,
     .summary = "show an allocated DIN (typed with its check character, or its 13 characters)",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_catalog = {
    .name = "catalog", .area = AREA_LABORATORY, .commands = catalog_commands};
