/*
 * cmd_ledger.c - the general ledger from the command line:
 *   bloodops account add|list
 *   bloodops journal post|show|list|reverse|import|export [--format csv|hledger]
 *   bloodops period close|list
 *   bloodops shares set|list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/import_file.h"
#include "service/ledger.h"

static const cli_column account_columns[] = {
    {"code", "CODE"}, {"name", "NAME"},       {"type", "TYPE"},
    {"term", "TERM"}, {"segment", "SEGMENT"}, {"group", "GROUP"}, {0}};
static const cli_column entry_columns[] = {
    {"id", "ENTRY"},        {"date", "DATE"},         {"description", "DESCRIPTION"},
    {"source", "SOURCE"},   {"total", "TOTAL", CLI_MONEY}, {"reverses", "REVERSES"},
    {"reversed_by", "REVERSED BY"}, {0}};
static const cli_column entry_detail_columns[] = {
    {"id", "ENTRY"},         {"date", "DATE"},         {"description", "DESCRIPTION"},
    {"source", "SOURCE"},    {"source_ref", "SOURCE REF"}, {"reverses", "REVERSES"},
    {"reversed_by", "REVERSED BY"}, {"created_at", "POSTED"}, {"created_by", "POSTED BY"},
    {0}};
static const cli_column line_columns[] = {
    {"account", "ACCOUNT"}, {"center", "CENTER"}, {"amount", "AMOUNT", CLI_MONEY}, {"memo", "MEMO"}, {0}};
static const cli_column period_columns[] = {
    {"period", "PERIOD"},       {"first_day", "FROM"},     {"last_day", "TO"},
    {"signed_by", "SIGNED BY"}, {"signed_at", "SIGNED AT"}, {"reason", "REASON"}, {0}};
static const cli_column shares_columns[] = {
    {"period", "PERIOD"}, {"basic", "BASIC"}, {"diluted", "DILUTED"},
    {"updated_at", "UPDATED"}, {"updated_by", "BY"}, {0}};

/* A call that answers {"items": [...]} of a short list (chart, periods). */
typedef int (*list_call)(service_context *ctx, json_t **out, err *e);

static int print_short_list(cli_invocation *invocation, list_call call, const cli_column *columns)
{
    err e;
    service_context ctx;
    json_t *result = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = call(&ctx, &result, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    cli_print_list(invocation, json_object_get(result, "items"), columns);
    json_decref(result);
    return CLI_OK;
}

/* --- accounts -------------------------------------------------------------- */

static int call_account_add(service_context *ctx, const void *in, json_t **out, err *e)
{
    return account_add(ctx, in, out, e);
}

static int run_account_add(cli_invocation *invocation)
{
    account_input in = {
        .code = cli_option_value(invocation, "code"),
        .name = cli_option_value(invocation, "name"),
        .type = cli_option_value(invocation, "type"),
        .term = cli_option_value(invocation, "term"),
        .segment = cli_option_value(invocation, "segment"),
        .group = cli_option_value(invocation, "group"),
    };
    return cli_print_one(invocation, call_account_add, &in, account_columns);
}

static int run_account_list(cli_invocation *invocation)
{
    return print_short_list(invocation, account_list, account_columns);
}

/* --- journal entries ------------------------------------------------------- */

/* An entry: its header, then its lines (JSON and CSV print it whole). */
static void print_entry(const cli_invocation *invocation, json_t *entry)
{
    if (invocation->format != OUTPUT_CSV) {
        cli_print_object(invocation, entry, entry_detail_columns);
        if (invocation->format == OUTPUT_JSON)
            return;
        printf("\n");
    }
    cli_print_list(invocation, json_object_get(entry, "lines"), line_columns);
}

typedef int (*entry_call)(service_context *ctx, const void *input, json_t **out, err *e);

static int print_entry_call(cli_invocation *invocation, entry_call call, const void *input)
{
    err e;
    service_context ctx;
    json_t *entry = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = call(&ctx, input, &entry, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    print_entry(invocation, entry);
    json_decref(entry);
    return CLI_OK;
}

static int call_journal_post(service_context *ctx, const void *in, json_t **out, err *e)
{
    return journal_post(ctx, in, out, e);
}

/* "6200/LA=1500.00" -> account 6200, center LA, amount 1500.00. The text
 * is split in place. */
static int parse_line_argument(char *text, journal_line_input *line, const char *memo,
                               size_t index, err *e)
{
    char *equals = strchr(text, '=');
    if (!equals)
        return err_set(e, ERR_INVALID, "line",
                       "'%s' (line %zu) must be ACCOUNT[/CENTER]=AMOUNT, like 6200=1500.00 or "
                       "4000/LA-01=-250.00",
                       text, index + 1);
    *equals = '\0';
    char *slash = strchr(text, '/');
    if (slash)
        *slash = '\0';
    *line = (journal_line_input){.account = text, .center = slash ? slash + 1 : NULL,
                                 .amount = equals + 1, .memo = memo};
    return 0;
}

static int run_journal_post(cli_invocation *invocation)
{
    err e;
    journal_line_input lines[CLI_POSITIONAL_MAX];
    char copies[CLI_POSITIONAL_MAX][128];
    const char *memo = cli_option_value(invocation, "memo");
    for (int i = 0; i < invocation->positional_count; i++) {
        if (strlen(invocation->positional[i]) >= sizeof copies[i]) {
            err_set(&e, ERR_INVALID, "line", "line %d is longer than %zu characters", i + 1,
                    sizeof copies[i] - 1);
            return cli_fail(&e);
        }
        snprintf(copies[i], sizeof copies[i], "%s", invocation->positional[i]);
        if (parse_line_argument(copies[i], &lines[i], memo, (size_t)i, &e))
            return cli_fail(&e);
    }
    journal_entry_input in = {.date = cli_option_value(invocation, "date"),
                              .description = cli_option_value(invocation, "description"),
                              .lines = lines,
                              .line_count = (size_t)invocation->positional_count};
    return print_entry_call(invocation, call_journal_post, &in);
}

static int call_journal_show(service_context *ctx, const void *id, json_t **out, err *e)
{
    return journal_get(ctx, id, out, e);
}

static int run_journal_show(cli_invocation *invocation)
{
    return print_entry_call(invocation, call_journal_show, invocation->positional[0]);
}

typedef struct {
    const char *id, *date, *reason;
} reverse_request;

static int call_journal_reverse(service_context *ctx, const void *input, json_t **out, err *e)
{
    const reverse_request *request = input;
    return journal_reverse(ctx, request->id, request->date, request->reason, out, e);
}

static int run_journal_reverse(cli_invocation *invocation)
{
    reverse_request request = {invocation->positional[0], cli_option_value(invocation, "date"),
                               cli_option_value(invocation, "reason")};
    return print_entry_call(invocation, call_journal_reverse, &request);
}

static int call_journal_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    journal_filter copy = *(const journal_filter *)filter;
    copy.page = *page;
    return journal_list(ctx, &copy, out, e);
}

static int run_journal_list(cli_invocation *invocation)
{
    journal_filter filter = {.from = cli_option_value(invocation, "from"),
                             .to = cli_option_value(invocation, "to"),
                             .account = cli_option_value(invocation, "account")};
    const char *limit = cli_option_value(invocation, "limit");
    char *end = NULL;
    long max_items = limit ? strtol(limit, &end, 10) : 0;
    if (limit && (!*limit || *end || max_items < 1)) {
        err e;
        err_set(&e, ERR_INVALID, "limit", "must be a whole number from 1");
        return cli_fail(&e);
    }
    return cli_print_all_pages(invocation, call_journal_list, &filter, max_items, entry_columns);
}

/* --- import and export ----------------------------------------------------- */

static void show_progress(void *context, long lines)
{
    int *on_terminal = context;
    if (*on_terminal)
        fprintf(stderr, "\rjournal import: %ld lines read", lines);
    else if (lines % 1000000 == 0)
        fprintf(stderr, "journal import: %ld lines read\n", lines);
}

typedef struct {
    const cli_invocation *invocation;
    int *on_terminal;
} import_call;

/* The progress line ends before anything else is said about the import. */
static int call_journal_import(service_context *ctx, FILE *csv, const char *path, void *arg,
                               json_t **out, err *e)
{
    const import_call *call = arg;
    journal_import_options options = {show_progress, call->on_terminal,
                                      cli_option_value(call->invocation, "reimport-reason")};
    int rc = journal_import(ctx, csv, path, &options, out, e);
    if (*call->on_terminal)
        fprintf(stderr, "\n");
    return rc;
}

static int run_journal_import(cli_invocation *invocation)
{
    int on_terminal = isatty(STDERR_FILENO);
    import_call call = {invocation, &on_terminal};
    json_t *result;
    if (cli_import_file(invocation, call_journal_import, &call, &result))
        return CLI_FAILED;
    const char *path = invocation->positional[0];
    if (invocation->format == OUTPUT_TABLE)
        printf("imported %" JSON_INTEGER_FORMAT " entries (%" JSON_INTEGER_FORMAT
               " lines) from %s as import %" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(result, "entries")),
               json_integer_value(json_object_get(result, "lines")), path,
               json_integer_value(json_object_get(result, "import_id")));
    else
        cli_print_object(invocation, result, NULL);
    json_decref(result);
    return CLI_OK;
}

static int write_to_file(void *context, const char *bytes, size_t length)
{
    return fwrite(bytes, 1, length, context) == length ? 0 : -1;
}

static int run_journal_export(cli_invocation *invocation)
{
    err e;
    const char *path = cli_option_value(invocation, "output");
    char temporary[4096];
    FILE *out = stdout;
    if (path) {
        snprintf(temporary, sizeof temporary, "%s.partial", path);
        if (!(out = fopen(temporary, "w"))) {
            err_set(&e, ERR_INVALID, "output", "cannot write %s", temporary);
            return cli_fail(&e);
        }
    }
    service_context ctx;
    int rc = cli_open(invocation, &ctx, &e);
    if (rc == 0) {
        rc = journal_export(&ctx, cli_option_value(invocation, "from"),
                            cli_option_value(invocation, "to"),
                            invocation->format == OUTPUT_HLEDGER ? JOURNAL_EXPORT_HLEDGER
                                                                 : JOURNAL_EXPORT_CSV,
                            write_to_file, out, &e);
        cli_close(&ctx);
    }
    if (path) {
        /* A file appears whole or not at all. */
        if (fclose(out) != 0 && rc == 0)
            rc = err_set(&e, ERR_INTERNAL, "output", "could not write %s", path);
        if (rc == 0 && rename(temporary, path) != 0)
            rc = err_set(&e, ERR_INTERNAL, "output", "could not create %s", path);
        if (rc)
            remove(temporary);
    }
    return rc ? cli_fail(&e) : CLI_OK;
}

/* --- periods and shares ---------------------------------------------------- */

typedef struct {
    const char *period, *signer, *password, *reason;
} close_request;

static int call_period_close(service_context *ctx, const void *input, json_t **out, err *e)
{
    const close_request *request = input;
    return period_close(ctx, request->period, request->signer, request->password,
                        request->reason, out, e);
}

static int run_period_close(cli_invocation *invocation)
{
    char typed[256];
    close_request request = {invocation->positional[0], cli_option_value(invocation, "signer"),
                             cli_read_password(invocation, typed, sizeof typed),
                             cli_option_value(invocation, "reason")};
    return cli_print_one(invocation, call_period_close, &request, period_columns);
}

static int run_period_list(cli_invocation *invocation)
{
    return print_short_list(invocation, period_list, period_columns);
}

typedef struct {
    const char *period, *basic, *diluted;
} shares_request;

static int call_shares_set(service_context *ctx, const void *input, json_t **out, err *e)
{
    const shares_request *request = input;
    return shares_set(ctx, request->period, request->basic, request->diluted, out, e);
}

static int run_shares_set(cli_invocation *invocation)
{
    shares_request request = {cli_option_value(invocation, "period"),
                              cli_option_value(invocation, "basic"),
                              cli_option_value(invocation, "diluted")};
    return cli_print_one(invocation, call_shares_set, &request, shares_columns);
}

static int run_shares_list(cli_invocation *invocation)
{
    return print_short_list(invocation, shares_list, shares_columns);
}

static const cli_option account_add_options[] = {
    {"code", "CODE", "account number, e.g. 6150"},
    {"name", "NAME", "e.g. Professional fees"},
    {"type", "TYPE",
     "asset, contra_asset, liability, equity, revenue, cost_of_revenue, "
     "general_administrative, other or income_tax"},
    {"term", "current|non_current", "for assets and liabilities"},
    {"segment", "blood_products|blood_services", "for revenue and cost of revenue"},
    {"group", "cash|receivables", "report group of a current asset"},
    {0}};
static const cli_option journal_post_options[] = {
    {"date", "DATE", "the entry's date, YYYY-MM-DD"},
    {"description", "TEXT", "what the entry records"},
    {"memo", "TEXT", "a memo on every line"},
    {0}};
static const cli_option journal_list_options[] = {
    {"from", "DATE", "entries dated on or after"},
    {"to", "DATE", "entries dated on or before"},
    {"account", "CODE", "entries with a line on this account"},
    {"limit", "N", "at most N entries"},
    {0}};
static const cli_option journal_reverse_options[] = {
    {"reason", "TEXT", "why the entry is reversed (required)"},
    {"date", "DATE", "date of the reversal (default: the entry's date)"},
    {0}};
static const cli_option journal_export_options[] = {
    {"from", "DATE", "entries dated on or after"},
    {"to", "DATE", "entries dated on or before"},
    {"output", "FILE", "write to FILE (default standard output)"},
    {0}};
static const cli_option period_close_options[] = {
    {"signer", "USER", "the finance user who signs; the password is re-entered"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {"reason", "TEXT", "a note kept with the signature"},
    {0}};
static const cli_option shares_set_options[] = {
    {"period", "QUARTER", "e.g. 2004Q1"},
    {"basic", "N", "weighted average shares outstanding, basic"},
    {"diluted", "N", "weighted average shares outstanding, diluted"},
    {0}};

static const cli_option journal_import_options_cli[] = {
    {"reimport-reason", "TEXT",
     "import again on purpose a file or entry keys imported before (audited with the import)"},
    {0}};

static const cli_command ledger_commands[] = {
    {.noun = "account", .verb = "add", .run = run_account_add, .options = account_add_options,
     .summary = "add an account to the chart", .opens_database = 1},
    {.noun = "account", .verb = "list", .run = run_account_list,
     .summary = "the chart of accounts", .opens_database = 1},
    {.noun = "journal", .verb = "post", .run = run_journal_post,
     .arguments = "ACCOUNT[/CENTER]=AMOUNT...", .positional_min = 2,
     .positional_max = CLI_POSITIONAL_MAX, .options = journal_post_options,
     .summary = "post a balanced manual entry (debit +, credit -)", .opens_database = 1},
    {.noun = "journal", .verb = "show", .run = run_journal_show, .arguments = "ENTRY",
     .positional_min = 1, .positional_max = 1, .summary = "show an entry and its lines",
     .opens_database = 1},
    {.noun = "journal", .verb = "list", .run = run_journal_list, .options = journal_list_options,
     .summary = "list entries", .opens_database = 1},
    {.noun = "journal", .verb = "reverse", .run = run_journal_reverse, .arguments = "ENTRY",
     .positional_min = 1, .positional_max = 1, .options = journal_reverse_options,
     .summary = "post the reversing entry of an entry", .opens_database = 1},
    {.noun = "journal", .verb = "import", .run = run_journal_import, .arguments = "FILE.csv",
     .positional_min = 1, .positional_max = 1, .options = journal_import_options_cli,
     .summary = "import a CSV journal, all or nothing; a file or entry key imported before is refused",
     .opens_database = 1},
    {.noun = "journal", .verb = "export", .run = run_journal_export,
     .options = journal_export_options,
     .summary = "export the journal as CSV (the import format) or for hledger",
     .opens_database = 1, .document_formats = CLI_JOURNAL_FORMATS},
    {.noun = "period", .verb = "close", .run = run_period_close, .arguments = "PERIOD",
     .positional_min = 1, .positional_max = 1, .options = period_close_options,
     .summary = "close 2004-03, 2004Q1 or 2004 with an electronic signature", .opens_database = 1},
    {.noun = "period", .verb = "list", .run = run_period_list, .summary = "closed periods",
     .opens_database = 1},
    {.noun = "shares", .verb = "set", .run = run_shares_set, .options = shares_set_options,
     .summary = "set a quarter's weighted average shares", .opens_database = 1},
    {.noun = "shares", .verb = "list", .run = run_shares_list,
     .summary = "weighted shares by quarter", .opens_database = 1},
    {0},
};

const cli_module cli_module_ledger = {
    .name = "ledger", .area = AREA_FINANCE, .commands = ledger_commands};
