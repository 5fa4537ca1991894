/*
 * cmd_collections.c - collections, units and inventory from the command
 * line:
 *   bloodops collection record --donor N --center C --procedure P --volume-ml ML
 *            [--din DIN --collected-at T --device D --reaction R --reaction-note TEXT
 *             --staff NAME --parental-consent --weight-lb LB --hemoglobin G/DL ...]
 *   bloodops collection list [--center C --on DATE --processed yes|no]
 *   bloodops collection show DIN
 *   bloodops collection process DIN PRODUCT[:ML] ...
 *   bloodops unit lookup DIN                 the donation, its units and tests
 *   bloodops unit show ID                    one unit and its events
 *   bloodops unit discard ID --reason TEXT
 *   bloodops unit expire [--as-of T]         the expiry sweep
 *   bloodops inventory [--center C --family F --status S]   with available, allocated, demand
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/measurements.h"
#include "service/collection.h"
#include "service/unit.h"

static const cli_column collection_columns[] = {
    {"din", "DIN"},           {"donor_number", "DONOR"},    {"center", "CENTER"},
    {"procedure", "PROCEDURE"}, {"collected_at", "COLLECTED"}, {"volume_ml", "ML"},
    {"reaction", "REACTION"}, {"staff", "STAFF"},           {"processed", "PROCESSED"},
    {0}};
static const cli_column collection_detail_columns[] = {
    {"din", "DIN"},
    {"eye_readable", "PRINTED"},
    {"donor_number", "DONOR"},
    {"center", "CENTER"},
    {"procedure", "PROCEDURE"},
    {"collected_at", "COLLECTED"},
    {"device", "DEVICE"},
    {"volume_ml", "VOLUME (ML)"},
    {"reaction", "REACTION"},
    {"reaction_note", "REACTION NOTE"},
    {"staff", "STAFF"},
    {"weight_lb", "WEIGHT (LB)"},
    {"height_in", "HEIGHT (IN)"},
    {"hemoglobin", "HEMOGLOBIN (G/DL)"},
    {"hematocrit", "HEMATOCRIT (%)"},
    {"temperature", "TEMPERATURE (C)"},
    {"systolic", "SYSTOLIC"},
    {"diastolic", "DIASTOLIC"},
    {"pulse", "PULSE"},
    {"platelet_count", "PLATELETS (K/UL)"},
    {"processed_at", "PROCESSED"},
    {"created_at", "RECORDED"},
    {0}};
static const cli_column record_columns[] = {
    {"din", "DIN"},           {"eye_readable", "PRINTED"},    {"donor_number", "DONOR"},
    {"center", "CENTER"},     {"procedure", "PROCEDURE"},     {"collected_at", "COLLECTED"},
    {"device", "DEVICE"},     {"volume_ml", "VOLUME (ML)"},   {"reaction", "REACTION"},
    {"staff", "STAFF"},       {"processed", "PROCESSED"},     {0}};
static const cli_column unit_columns[] = {
    {"id", "ID"},           {"product_code", "PRODUCT"}, {"division", "DIV"},
    {"family", "FAMILY"},   {"status", "STATUS"},        {"abo", "ABO"},
    {"rhd", "RHD"},         {"volume_ml", "ML"},         {"expires_at", "EXPIRES"},
    {"hold", "HOLD"},       {0}};
static const cli_column unit_detail_columns[] = {
    {"id", "ID"},
    {"din", "DIN"},
    {"eye_readable", "PRINTED"},
    {"product_code", "PRODUCT"},
    {"division", "DIVISION"},
    {"description", "DESCRIPTION"},
    {"family", "FAMILY"},
    {"center", "CENTER"},
    {"status", "STATUS"},
    {"hold", "HOLD"},
    {"abo", "ABO"},
    {"rhd", "RHD"},
    {"volume_ml", "VOLUME (ML)"},
    {"produced_at", "PRODUCED"},
    {"expires_at", "EXPIRES"},
    {"released_at", "RELEASED"},
    {"hospital", "HOSPITAL"},
    {"updated_at", "UPDATED"},
    {0}};
static const cli_column event_columns[] = {
    {"at", "AT"}, {"from_status", "FROM"}, {"to_status", "TO"}, {"actor", "BY"},
    {"reason", "REASON"}, {0}};
static const cli_column donation_columns[] = {
    {"din", "DIN"},           {"eye_readable", "PRINTED"}, {"donor_number", "DONOR"},
    {"center", "CENTER"},     {"procedure", "PROCEDURE"}, {"collected_at", "COLLECTED"},
    {"processed", "PROCESSED"}, {0}};
static const cli_column test_columns[] = {
    {"test", "TEST"}, {"result", "RESULT"}, {"tested_on", "TESTED"}, {0}};
static const cli_column expired_columns[] = {
    {"id", "ID"},   {"din", "DIN"}, {"product_code", "PRODUCT"}, {"division", "DIV"},
    {"from_status", "WAS"}, {"expires_at", "EXPIRED AT"}, {0}};
static const cli_column inventory_columns[] = {
    {"center", "CENTER"}, {"family", "FAMILY"}, {"group", "GROUP"}, {"band", "DAYS LEFT"},
    {"status", "STATUS"}, {"count", "UNITS"}, {0}};
/* The inventory's lines as a table prints them (inventory_line_flat). */
static const cli_column inventory_line_columns[] = {
    {"center", "CENTER"},   {"family", "FAMILY"},       {"group", "GROUP"},
    {"expired", "EXPIRED"}, {"0-1", "0-1 D"},           {"2-3", "2-3 D"},
    {"4-7", "4-7 D"},       {"8-14", "8-14 D"},         {"15+", "15+ D"},
    {"count", "UNITS"},     {"available", "AVAILABLE"}, {"allocated", "ALLOCATED"},
    {"backorder", "BACKORDER"}, {"warning", "WARNING"}, {0}};
static const cli_column inventory_demand_columns[] = {
    {"family", "FAMILY"},       {"group", "GROUP"},         {"orders", "ORDERS"},
    {"backorder", "BACKORDER"}, {"available", "AVAILABLE"}, {"short", "SHORT"}, {0}};

static const char *opt(const cli_invocation *invocation, const char *name)
{
    return cli_option_value(invocation, name);
}

/* An object as "key: value" lines, then its lists under their titles; in
 * JSON the whole object; in CSV the first list. */
static void print_sections(const cli_invocation *invocation, json_t *object,
                           const cli_column *columns, const char *list_key,
                           const cli_column *list_columns, const char *list2_key,
                           const cli_column *list2_columns)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, object, NULL);
        return;
    }
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, json_object_get(object, list_key), list_columns);
        return;
    }
    const char *zone = json_string_value(json_object_get(object, "time_zone"));
    cli_print_object(invocation, object, columns);
    printf("\n%s:\n", list_key);
    cli_print_list_in_zone(invocation, json_object_get(object, list_key), list_columns, zone);
    if (list2_key) {
        printf("\n%s:\n", list2_key);
        cli_print_list_in_zone(invocation, json_object_get(object, list2_key), list2_columns,
                               zone);
    }
}

/* --- collections ------------------------------------------------------------ */

static int call_record(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    collection_request r = {
        .donor = opt(invocation, "donor"),
        .center = opt(invocation, "center"),
        .din = opt(invocation, "din"),
        .collected_at = opt(invocation, "collected-at"),
        .device = opt(invocation, "device"),
        .volume_ml = opt(invocation, "volume-ml"),
        .reaction = opt(invocation, "reaction"),
        .reaction_note = opt(invocation, "reaction-note"),
        .staff = opt(invocation, "staff"),
    };
    cli_measurements(invocation, &r.eligibility);
    return collection_record(ctx, &r, out, e);
}

static void print_record(const cli_invocation *invocation, json_t *result)
{
    cli_print_object(invocation, result, record_columns);
}

static int run_record(cli_invocation *invocation)
{
    return cli_run(invocation, call_record, print_record);
}

static int call_collection_list(service_context *ctx, const void *filter, service_page *page,
                                json_t **out, err *e)
{
    collection_filter copy = *(const collection_filter *)filter;
    copy.page = *page;
    return collection_list(ctx, &copy, out, e);
}

static int run_collection_list(cli_invocation *invocation)
{
    collection_filter filter = {.center = opt(invocation, "center"),
                                .on = opt(invocation, "on"),
                                .from = opt(invocation, "from"),
                                .to = opt(invocation, "to"),
                                .group = opt(invocation, "group"),
                                .processed = opt(invocation, "processed")};
    return cli_print_all_pages(invocation, call_collection_list, &filter, 0, collection_columns);
}

static int call_collection_show(service_context *ctx, const void *din, json_t **out, err *e)
{
    return collection_get(ctx, din, out, e);
}

static int run_collection_show(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_collection_show, invocation->positional[0],
                         collection_detail_columns);
}

static int call_process(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    collection_component components[CLI_POSITIONAL_MAX];
    char products[CLI_POSITIONAL_MAX][24];
    size_t count = 0;
    for (int i = 1; i < invocation->positional_count; i++, count++) {
        const char *argument = invocation->positional[i], *colon = strchr(argument, ':');
        snprintf(products[count], sizeof products[count], "%.*s",
                 colon ? (int)(colon - argument) : (int)strlen(argument), argument);
        components[count].product = products[count];
        components[count].volume_ml = colon ? colon + 1 : NULL;
    }
    return collection_process(ctx, invocation->positional[0], components, count, out, e);
}

static void print_process(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, result, NULL);
    else
        cli_print_list_in_zone(invocation, json_object_get(result, "units"), unit_columns,
                               json_string_value(json_object_get(result, "time_zone")));
}

static int run_process(cli_invocation *invocation)
{
    return cli_run(invocation, call_process, print_process);
}

/* --- units ------------------------------------------------------------------ */

static int call_lookup(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return unit_lookup(ctx, invocation->positional[0], out, e);
}

static void print_lookup(const cli_invocation *invocation, json_t *result)
{
    print_sections(invocation, result, donation_columns, "units", unit_columns, "tests",
                   test_columns);
}

static int run_lookup(cli_invocation *invocation)
{
    return cli_run(invocation, call_lookup, print_lookup);
}

static int call_unit_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return unit_get(ctx, invocation->positional[0], out, e);
}

static void print_unit(const cli_invocation *invocation, json_t *result)
{
    print_sections(invocation, result, unit_detail_columns, "events", event_columns, NULL, NULL);
}

static int run_unit_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_unit_show, print_unit);
}

static int call_discard(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return unit_discard(ctx, invocation->positional[0], opt(invocation, "reason"), out, e);
}

static int run_discard(cli_invocation *invocation)
{
    return cli_run(invocation, call_discard, print_unit);
}

static int call_expire(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return unit_expiry_sweep(ctx, opt(invocation, "as-of"), out, e);
}

static void print_expire(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    if (invocation->format == OUTPUT_TABLE)
        printf("%" JSON_INTEGER_FORMAT " units expired as of %s\n",
               json_integer_value(json_object_get(result, "expired")),
               json_string_value(json_object_get(result, "as_of")));
    if (json_array_size(json_object_get(result, "units")) || invocation->format == OUTPUT_CSV)
        cli_print_list(invocation, json_object_get(result, "units"), expired_columns);
}

static int run_expire(cli_invocation *invocation)
{
    return cli_run(invocation, call_expire, print_expire);
}

/* --- inventory -------------------------------------------------------------- */

static int call_inventory(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    unit_inventory_filter filter = {.center = opt(invocation, "center"),
                                    .family = opt(invocation, "family"),
                                    .status = opt(invocation, "status")};
    return unit_inventory(ctx, &filter, out, e);
}

/* An inventory line flat for a table: its bands as columns, its warnings
 * in one column ("-" when none). */
static json_t *inventory_line_flat(json_t *line)
{
    json_t *flat = json_deep_copy(line), *count, *warning;
    const char *band;
    json_object_foreach(json_object_get(line, "by_band"), band, count)
        json_object_set(flat, band, count);
    char text[512] = "";
    size_t i, used = 0;
    json_array_foreach(json_object_get(line, "warnings"), i, warning)
    {
        int n = snprintf(text + used, sizeof text - used, "%s%s", used ? "; " : "",
                         json_string_value(json_object_get(warning, "message")));
        if (n < 0 || (size_t)n >= sizeof text - used)
            break;
        used += (size_t)n;
    }
    json_object_set_new(flat, "warning", json_string(used ? text : "-"));
    return flat;
}

static void print_inventory(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_list(invocation, json_object_get(result, "rows"), inventory_columns);
        return;
    }
    json_t *lines = json_array(), *line;
    size_t i;
    json_array_foreach(json_object_get(result, "lines"), i, line)
        json_array_append_new(lines, inventory_line_flat(line));
    cli_print_list(invocation, lines, inventory_line_columns);
    json_decref(lines);
    json_t *demand = json_object_get(result, "demand");
    if (json_array_size(demand)) {
        printf("\nDemand of the open orders (units ordered, not allocated yet):\n");
        cli_print_list(invocation, demand, inventory_demand_columns);
    }
    json_t *totals = json_object_get(result, "totals"), *count;
    const char *band;
    printf("\n%" JSON_INTEGER_FORMAT " units in inventory as of %s (%" JSON_INTEGER_FORMAT
           " available, %" JSON_INTEGER_FORMAT " allocated); days left:",
           json_integer_value(json_object_get(totals, "count")),
           json_string_value(json_object_get(result, "as_of")),
           json_integer_value(json_object_get(totals, "available")),
           json_integer_value(json_object_get(totals, "allocated")));
    json_object_foreach(json_object_get(totals, "by_band"), band, count)
        printf(" %s %" JSON_INTEGER_FORMAT, band, json_integer_value(count));
    printf("\n");
}

static int run_inventory(cli_invocation *invocation)
{
    return cli_run(invocation, call_inventory, print_inventory);
}

static const cli_option record_options[] = {
    {"donor", "NUMBER", "the donor number (required)"},
    {"center", "CODE", "the donor center (required; open, with a FIN)"},
    {"volume-ml", "ML", "the volume collected, 1 to 1000 mL (required)"},
    {"din", "DIN", "the DIN of a pre-printed label, scanned or typed (default: allocate one)"},
    {"collected-at", "TIME", "when, YYYY-MM-DDTHH:MM:SSZ (default now)"},
    {"device", "TEXT", "the collection device"},
    {"reaction", "R", "none (default), mild, moderate or severe"},
    {"reaction-note", "TEXT", "what happened"},
    {"staff", "NAME", "who collected (default: you)"},
    CLI_MEASUREMENT_OPTIONS,
    {0}};
static const cli_option collection_list_options[] = {
    {"center", "CODE", "collected at this center"},
    {"on", "DATE", "collected on this day, YYYY-MM-DD"},
    {"from", "DATE", "collected on or after this day (the center's), YYYY-MM-DD"},
    {"to", "DATE", "collected on or before this day (the center's), YYYY-MM-DD"},
    {"group", "GROUP", "the donor's ABO/RhD on record: O POS, A NEG..., or untyped"},
    {"processed", "yes|no", "processed into components or not"},
    {0}};
static const cli_option discard_options[] = {
    {"reason", "TEXT", "why the unit is discarded (required)"}, {0}};
static const cli_option expire_options[] = {
    {"as-of", "TIME", "expire what had expired by then, YYYY-MM-DDTHH:MM:SSZ (default now)"},
    {0}};
static const cli_option inventory_options[] = {
    {"center", "CODE", "only this center"},
    {"family", "FAMILY", "red_cells, platelets, plasma, cryoprecipitate..."},
    {"status", "STATUS", "quarantined, released, allocated or returned"},
    {0}};

static const cli_command collections_commands[] = {
    {.noun = "collection", .verb = "record", .run = run_record, .options = record_options,
     .summary = "record a collection, with the measurements taken before it (eligibility is checked again)",
     .opens_database = 1},
    {.noun = "collection", .verb = "list", .run = run_collection_list,
     .options = collection_list_options, .summary = "list collections", .opens_database = 1},
    {.noun = "collection", .verb = "show", .run = run_collection_show, .arguments = "DIN",
     .positional_min = 1, .positional_max = 1,
     .summary = "show a collection with its measurements", .opens_database = 1},
    {.noun = "collection", .verb = "process", .run = run_process,
     .arguments = "DIN PRODUCT[:ML]...", .positional_min = 2, .positional_max = CLI_POSITIONAL_MAX,
     .summary = "make the units of a collection (volume: the catalog's unless given)",
     .opens_database = 1},
    {.noun = "unit", .verb = "lookup", .run = run_lookup, .arguments = "DIN", .positional_min = 1,
     .positional_max = 1,
     .summary = "a donation by its DIN (any form): collection, units, test results",
     .opens_database = 1},
    {.noun = "unit", .verb = "show", .run = run_unit_show, .arguments = "ID", .positional_min = 1,
     .positional_max = 1, .summary = "show a unit and its events", .opens_database = 1},
    {.noun = "unit", .verb = "discard", .run = run_discard, .arguments = "ID", .positional_min = 1,
     .positional_max = 1, .options = discard_options, .summary = "discard a unit found unfit",
     .opens_database = 1},
    {.noun = "unit", .verb = "expire", .run = run_expire, .options = expire_options,
     .summary = "expire every unit in inventory whose expiry has come", .opens_database = 1},
    {.noun = "inventory", .run = run_inventory, .options = inventory_options,
     .summary = "units in inventory by center, family, ABO/RhD and days to expiry, with the "
                "allocated and the open orders' demand",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_collections = {
    .name = "collections", .area = AREA_DONORS, .commands = collections_commands};
