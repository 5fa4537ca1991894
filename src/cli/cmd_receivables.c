/*
 * cmd_receivables.c - the allowance for doubtful accounts, write-offs,
 * recoveries and DSO from the command line (docs/billing.md):
 *   bloodops receivables rates [set BUCKET=PCT...]
 *   bloodops receivables allowance --date DATE [--post --reason TEXT]
 *   bloodops receivables write-off NUMBER --date DATE --reason TEXT
 *   bloodops receivables recover NUMBER --date DATE --amount DOLLARS --reference TEXT
 *   bloodops receivables write-offs [--from DATE] [--to DATE]
 *   bloodops receivables dso --period PERIOD
 * (`receivables aging` is billing's, cmd_billing.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "service/allowance.h"

static const cli_column rate_columns[] = {
    {"bucket", "BUCKET"}, {"rate", "RATE %"}, {0}};
static const cli_column allowance_columns[] = {
    {"bucket", "BUCKET"}, {"open", "OPEN", CLI_MONEY}, {"rate", "RATE %"},
    {"allowance", "ALLOWANCE", CLI_MONEY}, {0}};
static const cli_column write_off_columns[] = {
    {"id", "WRITE-OFF"}, {"invoice", "INVOICE"}, {"date", "DATE"},
    {"amount", "AMOUNT", CLI_MONEY}, {"recovered", "RECOVERED", CLI_MONEY},
    {"reason", "REASON"}, {"journal_entry", "ENTRY"}, {0}};
static const cli_column dso_columns[] = {
    {"period", "PERIOD"}, {"last_day", "AT"}, {"receivables", "RECEIVABLES", CLI_MONEY},
    {"allowance", "ALLOWANCE", CLI_MONEY}, {"net_receivables", "NET", CLI_MONEY},
    {"revenue", "REVENUE", CLI_MONEY}, {"days", "DAYS"}, {"dso", "DSO"},
    {"dso_days", "DSO DAYS"}, {0}};

/* --- rates ------------------------------------------------------------------ */

/* `rates` alone shows them; `rates set BUCKET=PCT...` sets those given. */
static int call_rates(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    if (invocation->positional_count == 0)
        return receivables_rates_get(ctx, out, e);
    if (strcmp(invocation->positional[0], "set") != 0)
        return err_set(e, ERR_INVALID, "rates", "say `rates` to show them or `rates set "
                       "current=PCT 1-30=PCT ...` to set them, not '%s'",
                       invocation->positional[0]);
    const char *rates[AGING_BUCKET_COUNT] = {0};
    char names[CLI_POSITIONAL_MAX][24];
    for (int i = 1; i < invocation->positional_count; i++) {
        const char *pair = invocation->positional[i], *equals = strchr(pair, '=');
        size_t length = equals ? (size_t)(equals - pair) : strlen(pair);
        snprintf(names[i], sizeof names[i], "%.*s", (int)(length < 23 ? length : 23), pair);
        int bucket = aging_bucket_parse(names[i]);
        if (bucket < 0)
            return err_set(e, ERR_INVALID, names[i],
                           "is not a bucket: current, 1-30, 31-60, 61-90, 91-120 or over-120");
        if (!equals)
            return err_set(e, ERR_INVALID, names[i], "give it as %s=PCT", names[i]);
        if (rates[bucket])
            return err_set(e, ERR_INVALID, names[i], "is given twice");
        rates[bucket] = equals + 1;
    }
    return receivables_rates_set(ctx, rates, out, e);
}

static void print_rates(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    json_t *rows = json_array(), *rates = json_object_get(result, "rates"), *rate;
    const char *bucket;
    json_object_foreach(rates, bucket, rate)
        json_array_append_new(rows, json_pack("{s:s, s:O}", "bucket", bucket, "rate", rate));
    cli_print_list(invocation, rows, rate_columns);
    json_decref(rows);
}

static int run_rates(cli_invocation *invocation)
{
    return cli_run(invocation, call_rates, print_rates);
}

/* --- the allowance ------------------------------------------------------------ */

static int call_allowance(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return receivables_allowance(ctx, cli_option_value(invocation, "date"),
                                 cli_option_value(invocation, "post") != NULL,
                                 cli_option_value(invocation, "reason"), out, e);
}

/* The buckets, then the required allowance, what 1190 holds and the entry
 * proposed or posted. */
static void print_allowance(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    cli_print_list(invocation, json_object_get(result, "buckets"), allowance_columns);
    if (invocation->format != OUTPUT_TABLE)
        return;
    printf("\nAllowance required at %s: %s; account 1190 holds %s; adjustment: %s\n",
           json_string_value(json_object_get(result, "date")),
           json_string_value(json_object_get(result, "required")),
           json_string_value(json_object_get(result, "balance")),
           json_string_value(json_object_get(result, "adjustment")));
    json_t *entry = json_object_get(result, "entry");
    if (!json_is_object(entry)) {
        printf("Nothing to post: the allowance holds what is required.\n");
        return;
    }
    int posted = json_is_true(json_object_get(result, "posted"));
    printf("%s entry: %s\n", posted ? "Posted" : "Proposed",
           json_string_value(json_object_get(entry, "description")));
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(entry, "lines"), i, line)
        printf("  %-6s debit %14s  credit %14s\n",
               json_string_value(json_object_get(line, "account")),
               json_string_value(json_object_get(line, "debit")),
               json_string_value(json_object_get(line, "credit")));
    if (posted)
        printf("Journal entry %lld.\n",
               (long long)json_integer_value(json_object_get(result, "journal_entry")));
    else
        printf("Post it with --post --reason TEXT.\n");
}

static int run_allowance(cli_invocation *invocation)
{
    return cli_run(invocation, call_allowance, print_allowance);
}

/* --- write-offs and recoveries --------------------------------------------------- */

static int call_write_off(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return receivables_write_off(ctx, invocation->positional[0],
                                 cli_option_value(invocation, "date"),
                                 cli_option_value(invocation, "reason"), out, e);
}

static int call_recover(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return receivables_recover(ctx, invocation->positional[0], cli_option_value(invocation, "date"),
                               cli_option_value(invocation, "amount"),
                               cli_option_value(invocation, "reference"), out, e);
}

static void print_write_offs(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    cli_print_list(invocation, json_object_get(result, "write_offs"), write_off_columns);
    if (invocation->format == OUTPUT_TABLE)
        printf("\nInvoice %s: total %s, open %s, written off %s, recovered %s\n",
               json_string_value(json_object_get(result, "invoice")),
               json_string_value(json_object_get(result, "total")),
               json_string_value(json_object_get(result, "open")),
               json_string_value(json_object_get(result, "written_off")),
               json_string_value(json_object_get(result, "recovered")));
}

static int run_write_off(cli_invocation *invocation)
{
    return cli_run(invocation, call_write_off, print_write_offs);
}

static int run_recover(cli_invocation *invocation)
{
    return cli_run(invocation, call_recover, print_write_offs);
}

static int call_write_off_list(service_context *ctx, const void *filter, service_page *page,
                               json_t **out, err *e)
{
    write_off_filter f = *(const write_off_filter *)filter;
    f.page = *page;
    return receivables_write_offs_list(ctx, &f, out, e);
}

static int run_write_off_list(cli_invocation *invocation)
{
    write_off_filter filter = {.from = cli_option_value(invocation, "from"),
                               .to = cli_option_value(invocation, "to")};
    return cli_print_all_pages(invocation, call_write_off_list, &filter, 0, write_off_columns);
}

/* --- DSO ------------------------------------------------------------------------- */

static int call_dso(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return receivables_dso_of(ctx, cli_option_value(invocation, "period"), out, e);
}

static void print_dso(const cli_invocation *invocation, json_t *result)
{
    cli_print_object(invocation, result, dso_columns);
}

static int run_dso(cli_invocation *invocation)
{
    return cli_run(invocation, call_dso, print_dso);
}

/* --- the table ------------------------------------------------------------------- */

static const cli_option allowance_options[] = {
    {"date", "DATE", "the day the allowance is measured and posted"},
    {"post", NULL, "post the adjusting entry (needs --reason)"},
    {"reason", "TEXT", "why the entry is posted"},
    {0}};
static const cli_option write_off_options[] = {
    {"date", "DATE", "the write-off's date"}, {"reason", "TEXT", "why (required)"}, {0}};
static const cli_option recover_options[] = {
    {"date", "DATE", "the day the cash came in"},
    {"amount", "DOLLARS", "the amount received (at most what was written off)"},
    {"reference", "TEXT", "check number, transfer reference"},
    {0}};
static const cli_option write_off_list_options[] = {
    {"from", "DATE", "written off on or after"}, {"to", "DATE", "written off on or before"}, {0}};
static const cli_option dso_options[] = {
    {"period", "PERIOD", "2004Q1, 2004-03 or 2004"}, {0}};

static const cli_command receivables_commands[] = {
    {.noun = "receivables", .verb = "rates", .run = run_rates, .arguments = "[set BUCKET=PCT...]",
     .positional_max = CLI_POSITIONAL_MAX,
     .summary = "the allowance's rate per aging bucket; `set current=PCT 1-30=PCT ...` sets them",
     .opens_database = 1},
    {.noun = "receivables", .verb = "allowance", .run = run_allowance,
     .options = allowance_options,
     .summary = "the allowance the aging requires, what 1190 holds and the adjusting entry",
     .opens_database = 1},
    {.noun = "receivables", .verb = "write-off", .run = run_write_off, .arguments = "NUMBER",
     .positional_min = 1, .positional_max = 1, .options = write_off_options,
     .summary = "write off what is open on an invoice (allowance against receivable)",
     .opens_database = 1},
    {.noun = "receivables", .verb = "recover", .run = run_recover, .arguments = "NUMBER",
     .positional_min = 1, .positional_max = 1, .options = recover_options,
     .summary = "cash received on a written-off invoice: the write-off reversed, the cash recorded",
     .opens_database = 1},
    {.noun = "receivables", .verb = "write-offs", .run = run_write_off_list,
     .options = write_off_list_options,
     .summary = "every write-off in a range of days, newest first, with what was recovered",
     .opens_database = 1},
    {.noun = "receivables", .verb = "dso", .run = run_dso, .options = dso_options,
     .summary = "days sales outstanding of a period, net of the allowance", .opens_database = 1},
    {0},
};

const cli_module cli_module_receivables = {
    .name = "receivables", .area = AREA_FINANCE, .commands = receivables_commands};
