/*
 * cmd_reports.c - the financial reports from the command line:
 *   bloodops report trial-balance|income-statement --period P | --from D --to D
 *   bloodops report balance-sheet --date D
 *   bloodops report quarterly --period 2004Q1 [--compare 2003Q1|none]
 *                             [--format text|json|csv|html] [--output FILE[.pdf]]
 *   bloodops report release --period 2004Q1 [--compare 2003Q1] [--input FILE.json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "cli/cli.h"
#include "cli/document_output.h"
#include "documents/results_release.h"
#include "documents/results_report.h"
#include "service/report.h"

static const cli_column trial_balance_columns[] = {
    {"code", "ACCOUNT"},
    {"name", "NAME"},
    {"debits", "DEBITS", CLI_MONEY},
    {"credits", "CREDITS", CLI_MONEY},
    {"debit_balance", "DEBIT BALANCE", CLI_MONEY},
    {"credit_balance", "CREDIT BALANCE", CLI_MONEY},
    {0}};

/* "6736000.00" -> "6,736,000.00" for a terminal. */
static const char *grouped(json_t *amount, char *out, size_t size)
{
    const char *text = money_format_text(json_string_value(amount), MONEY_GROUPED | MONEY_PARENS,
                                         out, size);
    return text ? text : "";
}

static void print_amount_line(int indent, const char *label, json_t *amount)
{
    char text[MONEY_TEXT_MAX];
    printf("%*s%-*s %18s\n", indent, "", 56 - indent, label, grouped(amount, text, sizeof text));
}

static void print_accounts(json_t *accounts)
{
    size_t index;
    json_t *account;
    char label[200];
    json_array_foreach(accounts, index, account) {
        const char *code = json_string_value(json_object_get(account, "code"));
        snprintf(label, sizeof label, "%s%s%s", code, *code ? " " : "",
                 json_string_value(json_object_get(account, "name")));
        print_amount_line(4, label, json_object_get(account, "amount"));
    }
}

/* A report JSON printed as JSON, or as a statement by `print_text`. */
typedef int (*report_call)(service_context *ctx, const void *input, json_t **out, err *e);

static const cli_column statement_columns[] = {
    {"section", "SECTION"}, {"code", "ACCOUNT"}, {"name", "NAME"}, {"amount", "AMOUNT", CLI_MONEY}, {0}};

/* A statement as rows for CSV: each account line under its section
 * ("assets.current"), and each total as a row of its own ("net_income"). */
static void statement_rows(json_t *node, const char *section, json_t *rows)
{
    const char *key;
    json_t *value;
    json_object_foreach(node, key, value) {
        char path[96];
        snprintf(path, sizeof path, "%s%s%s", section, *section ? "." : "", key);
        if (json_is_object(value)) {
            statement_rows(value, path, rows);
        } else if (json_is_array(value)) {
            size_t index;
            json_t *line;
            json_array_foreach(value, index, line)
                json_array_append_new(rows, json_pack("{s:s, s:O, s:O, s:O}", "section", path,
                                                      "code", json_object_get(line, "code"),
                                                      "name", json_object_get(line, "name"),
                                                      "amount", json_object_get(line, "amount")));
        } else if (strcmp(key, "from") && strcmp(key, "to") && strcmp(key, "date")) {
            json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:O}", "section", section,
                                                  "code", "", "name", key, "amount", value));
        }
    }
}

/* Open the database and make the call: CLI_OK with *report set, or the
 * exit status after printing the error. */
static int fetch_report(cli_invocation *invocation, report_call call, const void *input,
                        json_t **report)
{
    err e;
    service_context ctx;
    *report = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = call(&ctx, input, report, &e);
    cli_close(&ctx);
    return rc ? cli_fail(&e) : CLI_OK;
}

static int run_report(cli_invocation *invocation, report_call call, const void *input,
                      void (*print_text)(json_t *report))
{
    json_t *report;
    int status = fetch_report(invocation, call, input, &report);
    if (status != CLI_OK)
        return status;
    if (invocation->format == OUTPUT_TABLE) {
        print_text(report);
    } else if (invocation->format == OUTPUT_CSV) {
        json_t *rows = json_array();
        statement_rows(report, "", rows);
        cli_print_list(invocation, rows, statement_columns);
        json_decref(rows);
    } else {
        cli_print_object(invocation, report, NULL);
    }
    json_decref(report);
    return CLI_OK;
}

static report_range range_of(const cli_invocation *invocation)
{
    return (report_range){cli_option_value(invocation, "period"),
                          cli_option_value(invocation, "from"), cli_option_value(invocation, "to")};
}

/* --- trial balance, income statement, balance sheet -------------------------- */

static int call_trial_balance(service_context *ctx, const void *range, json_t **out, err *e)
{
    return report_trial_balance(ctx, range, out, e);
}

static int run_trial_balance(cli_invocation *invocation)
{
    report_range range = range_of(invocation);
    json_t *report;
    int status = fetch_report(invocation, call_trial_balance, &range, &report);
    if (status != CLI_OK)
        return status;
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, report, NULL);
    } else {
        cli_print_list(invocation, json_object_get(report, "items"), trial_balance_columns);
        if (invocation->format == OUTPUT_TABLE) {
            json_t *totals = json_object_get(report, "totals");
            char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], c[MONEY_TEXT_MAX], d[MONEY_TEXT_MAX];
            printf("\nTotals: debits %s, credits %s; debit balances %s, credit balances %s\n",
                   grouped(json_object_get(totals, "debits"), a, sizeof a),
                   grouped(json_object_get(totals, "credits"), b, sizeof b),
                   grouped(json_object_get(totals, "debit_balances"), c, sizeof c),
                   grouped(json_object_get(totals, "credit_balances"), d, sizeof d));
        }
    }
    json_decref(report);
    return CLI_OK;
}

static void print_income_statement(json_t *r)
{
    printf("Income statement, %s to %s\n\n", json_string_value(json_object_get(r, "from")),
           json_string_value(json_object_get(r, "to")));
    printf("Revenue\n");
    print_accounts(json_object_get(r, "revenue"));
    print_amount_line(0, "Total revenue", json_object_get(r, "total_revenue"));
    printf("Cost of revenue\n");
    print_accounts(json_object_get(r, "cost_of_revenue"));
    print_amount_line(0, "Gross profit", json_object_get(r, "gross_profit"));
    printf("General and administrative\n");
    print_accounts(json_object_get(r, "general_administrative"));
    print_amount_line(0, "Total general and administrative",
                      json_object_get(r, "total_general_administrative"));
    print_amount_line(0, "Operating income", json_object_get(r, "operating_income"));
    printf("Other expense (income)\n");
    print_accounts(json_object_get(r, "other"));
    print_amount_line(0, "Income before income taxes", json_object_get(r, "income_before_taxes"));
    print_amount_line(0, "Provision for income taxes", json_object_get(r, "total_income_taxes"));
    print_amount_line(0, "Net income", json_object_get(r, "net_income"));
}

static int call_income_statement(service_context *ctx, const void *range, json_t **out, err *e)
{
    return report_income_statement(ctx, range, out, e);
}

static int run_income_statement(cli_invocation *invocation)
{
    report_range range = range_of(invocation);
    return run_report(invocation, call_income_statement, &range, print_income_statement);
}

static void print_balance_sheet(json_t *r)
{
    json_t *assets = json_object_get(r, "assets"), *liabilities = json_object_get(r, "liabilities");
    json_t *equity = json_object_get(r, "equity");
    printf("Balance sheet at %s\n\nCurrent assets\n", json_string_value(json_object_get(r, "date")));
    print_accounts(json_object_get(assets, "current"));
    print_amount_line(0, "Total current assets", json_object_get(assets, "total_current"));
    printf("Non-current assets\n");
    print_accounts(json_object_get(assets, "non_current"));
    print_amount_line(0, "Total assets", json_object_get(assets, "total"));
    printf("\nCurrent liabilities\n");
    print_accounts(json_object_get(liabilities, "current"));
    print_amount_line(0, "Total current liabilities", json_object_get(liabilities, "total_current"));
    printf("Long-term liabilities\n");
    print_accounts(json_object_get(liabilities, "long_term"));
    print_amount_line(0, "Total liabilities", json_object_get(liabilities, "total"));
    printf("Shareholders' equity\n");
    print_accounts(json_object_get(equity, "accounts"));
    print_amount_line(0, "Total shareholders' equity", json_object_get(equity, "total"));
    print_amount_line(0, "Total liabilities and shareholders' equity",
                      json_object_get(r, "total_liabilities_and_equity"));
    print_amount_line(0, "Working capital", json_object_get(r, "working_capital"));
}

static int call_balance_sheet(service_context *ctx, const void *date, json_t **out, err *e)
{
    return report_balance_sheet(ctx, date, out, e);
}

static int run_balance_sheet(cli_invocation *invocation)
{
    return run_report(invocation, call_balance_sheet, cli_option_value(invocation, "date"),
                      print_balance_sheet);
}

/* --- quarterly results and the draft release ---------------------------------- */

static int load_quarterly(cli_invocation *invocation, results_report *report, err *e)
{
    service_context ctx;
    if (cli_open(invocation, &ctx, e))
        return -1;
    int rc = report_quarterly_load(&ctx, cli_option_value(invocation, "period"),
                                   cli_option_value(invocation, "compare"), report, e);
    cli_close(&ctx);
    return rc;
}

/* The report as text, JSON, CSV, HTML or PDF, to standard output or
 * --output FILE (cli/document_output.h: its extension chooses the format
 * when --format is not given). */
static int run_quarterly(cli_invocation *invocation)
{
    err e;
    results_report report;
    const char *output = cli_option_value(invocation, "output");
    cli_format format = cli_document_format(invocation, output, 1);
    if (cli_document_check(output, format) != CLI_OK)
        return CLI_FAILED;
    if (load_quarterly(invocation, &report, &e))
        return cli_fail(&e);
    buffer out = BUFFER_INIT;
    int status = CLI_OK;
    if (format == OUTPUT_JSON) {
        json_t *json = report_quarterly_json(&report);
        char *text = json_dumps(json, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        buffer_printf(&out, "%s\n", text);
        free(text);
        json_decref(json);
    } else if (format == OUTPUT_CSV) {
        results_render_csv(&report, &out);
    } else if (format == OUTPUT_HTML) {
        results_render_html(&report, &out);
    } else if (format == OUTPUT_PDF) {
        if (results_render_pdf(&report, &out, &e))
            status = cli_fail(&e);
    } else {
        results_render_text(&report, &out);
    }
    if (status == CLI_OK)
        status = cli_document_write(output, &out);
    buffer_free(&out);
    results_report_free(&report);
    return status;
}

/* A report JSON from a file (as `report quarterly --format json` writes it,
 * perhaps edited by hand). */
static int read_report_file(const char *path, results_report *report, err *e)
{
    json_error_t problem;
    json_t *json = json_load_file(path, 0, &problem);
    if (!json)
        return err_set(e, ERR_INVALID, "input", "%s:%d: %s", path, problem.line, problem.text);
    int rc = report_quarterly_from_json(json, report, e);
    json_decref(json);
    return rc;
}

static int run_release(cli_invocation *invocation)
{
    err e;
    results_report report;
    const char *input = cli_option_value(invocation, "input");
    if (input && (cli_option_value(invocation, "period") || cli_option_value(invocation, "compare"))) {
        err_set(&e, ERR_INVALID, "input",
                "the periods come from the file: give --input or --period, not both");
        return cli_fail(&e);
    }
    if (input ? read_report_file(input, &report, &e) : load_quarterly(invocation, &report, &e))
        return cli_fail(&e);
    buffer out = BUFFER_INIT;
    results_render_release(&report, &out);
    fputs(buffer_text(&out) ? buffer_text(&out) : "", stdout);
    buffer_free(&out);
    results_report_free(&report);
    return CLI_OK;
}

static const cli_option range_options[] = {
    {"period", "PERIOD", "a year (2004), quarter (2004Q1) or month (2004-03)"},
    {"from", "DATE", "first day, with --to, instead of a period"},
    {"to", "DATE", "last day"},
    {0}};
static const cli_option balance_sheet_options[] = {
    {"date", "DATE", "the balance sheet at the end of this day"}, {0}};
static const cli_option quarterly_options[] = {
    {"period", "QUARTER", "the quarter reported, e.g. 2004Q1"},
    {"compare", "QUARTER", "compare with this quarter (default a year earlier; none for none)"},
    {"output", "FILE", "write the report there (FILE.pdf: a PDF; .html, .csv, .json: those)"},
    {0}};
static const cli_option release_options[] = {
    {"period", "QUARTER", "the quarter reported, e.g. 2004Q1"},
    {"compare", "QUARTER", "compare with this quarter (default a year earlier)"},
    {"input", "FILE.json", "draft from a quarterly report JSON instead of the ledger"},
    {0}};

static const cli_command reports_commands[] = {
    {.noun = "report", .verb = "trial-balance", .run = run_trial_balance, .options = range_options,
     .summary = "debits, credits and balances by account", .opens_database = 1},
    {.noun = "report", .verb = "income-statement", .run = run_income_statement,
     .options = range_options, .summary = "the income statement of a period", .opens_database = 1},
    {.noun = "report", .verb = "balance-sheet", .run = run_balance_sheet,
     .options = balance_sheet_options, .summary = "the balance sheet at a date",
     .opens_database = 1},
    {.noun = "report", .verb = "quarterly", .run = run_quarterly, .options = quarterly_options,
     .summary = "the quarterly results in the layout of the published release",
     .opens_database = 1, .document_formats = CLI_REPORT_FORMATS},
    {.noun = "report", .verb = "release", .run = run_release, .options = release_options,
     .summary = "the draft earnings release with its consistency findings", .opens_database = 1},
    {0},
};

const cli_module cli_module_reports = {
    .name = "reports", .area = AREA_FINANCE, .commands = reports_commands};
