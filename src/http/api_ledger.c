/*
 * api_ledger.c - the general ledger and the financial reports over HTTP
 * (docs/reports.md), the same use cases as `bloodops account|journal|
 * period|shares|report`. Closing a period is signed by the session's user,
 * who re-enters the password.
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include <string.h>
#include "documents/pdf.h"
#include "documents/results_release.h"
#include "documents/results_report.h"
#include "http/http.h"
#include "service/ledger.h"
#include "service/report.h"

/* --- chart of accounts ----------------------------------------------------- */

static void accounts_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = account_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field accounts_add_body[] = {
    {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
    {"type", FIELD_STRING, 1},    {"term", FIELD_STRING, 0},
    {"segment", FIELD_STRING, 0}, {"group", FIELD_STRING, 0},
    {0}};

static void accounts_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    account_input in = {
        .code = http_body_string(request, "code"),
        .name = http_body_string(request, "name"),
        .type = http_body_string(request, "type"),
        .term = http_body_string(request, "term"),
        .segment = http_body_string(request, "segment"),
        .group = http_body_string(request, "group"),
    };
    int rc = account_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

/* --- journal entries -------------------------------------------------------- */

static void journal_entries(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    journal_filter filter = {
        .from = http_query(request, "from"),
        .to = http_query(request, "to"),
        .account = http_query(request, "account"),
        .source = http_query(request, "source"),
        .search = http_query(request, "q"),
    };
    int rc = http_query_page(request, &filter.page, &e) ||
             journal_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* Amounts are strings ("-1500.00", debit positive, credit negative) so that
 * no binary floating point ever touches money. */
static const http_field journal_line_fields[] = {
    {"account", FIELD_STRING, 1},
    {"center", FIELD_STRING, 0},
    {"amount", FIELD_STRING, 1},
    {"memo", FIELD_STRING, 0},
    {0}};

static const http_field journal_add_body[] = {
    {"date", FIELD_STRING, 1},
    {"description", FIELD_STRING, 1},
    {"lines", FIELD_ARRAY, 1, journal_line_fields},
    {0}};

static void journal_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    json_t *lines = json_object_get(request->json, "lines");
    size_t count = json_array_size(lines);
    journal_line_input *in_lines =
        arena_alloc(request->arena, (count ? count : 1) * sizeof *in_lines);
    for (size_t i = 0; i < count; i++) {
        json_t *line = json_array_get(lines, i);
        in_lines[i] = (journal_line_input){
            .account = json_string_value(json_object_get(line, "account")),
            .center = json_string_value(json_object_get(line, "center")),
            .amount = json_string_value(json_object_get(line, "amount")),
            .memo = json_string_value(json_object_get(line, "memo")),
        };
    }
    journal_entry_input in = {
        .date = http_body_string(request, "date"),
        .description = http_body_string(request, "description"),
        .lines = in_lines,
        .line_count = count,
    };
    int rc = journal_post(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void journal_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = journal_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field journal_reverse_entry_body[] = {
    {"reason", FIELD_STRING, 1}, {"date", FIELD_STRING, 0}, {0}};

static void journal_reverse_entry(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = journal_reverse(&request->service, request->path_params[0],
                             http_body_string(request, "date"),
                             http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

/* --- periods and shares ------------------------------------------------------ */

static void periods_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = period_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* The signer is the user of the session, who re-enters the password: a
 * wrong one is 401 naming "password" (the failure is throttled and
 * audited like a failed login, and nothing is closed). */
static const http_field periods_close_body[] = {
    {"period", FIELD_STRING, 1}, {"password", FIELD_STRING, 1},
    {"reason", FIELD_STRING, 0}, {0}};

static void periods_close(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = period_close(&request->service, http_body_string(request, "period"),
                          request->service.actor.username,
                          http_body_string(request, "password"),
                          http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void shares_all(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = shares_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field shares_put_body[] = {
    {"period", FIELD_STRING, 1},
    {"basic", FIELD_INTEGER_TEXT, 1},
    {"diluted", FIELD_INTEGER_TEXT, 1},
    {0}};

static void shares_put(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = shares_set(&request->service, http_body_string(request, "period"),
                        http_body_number_text(request, "basic"),
                        http_body_number_text(request, "diluted"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- reports ----------------------------------------------------------------- */

static report_range range_of(http_request *request)
{
    return (report_range){http_query(request, "period"), http_query(request, "from"),
                          http_query(request, "to")};
}

static void trial_balance(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    report_range range = range_of(request);
    int rc = report_trial_balance(&request->service, &range, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void income_statement(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    report_range range = range_of(request);
    int rc = report_income_statement(&request->service, &range, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void balance_sheet(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = report_balance_sheet(&request->service, http_query(request, "date"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

typedef enum {
    QUARTERLY_JSON,
    QUARTERLY_TEXT,
    QUARTERLY_CSV,
    QUARTERLY_HTML,
    QUARTERLY_PDF
} quarterly_format;

static int quarterly_format_parse(const char *text, quarterly_format *format, err *e)
{
    static const struct {
        const char *name;
        quarterly_format format;
    } formats[] = {{"json", QUARTERLY_JSON},
                   {"text", QUARTERLY_TEXT},
                   {"csv", QUARTERLY_CSV},
                   {"html", QUARTERLY_HTML},
                   {"pdf", QUARTERLY_PDF}};
    if (!text || !*text) {
        *format = QUARTERLY_JSON;
        return 0;
    }
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(text, formats[i].name) == 0) {
            *format = formats[i].format;
            return 0;
        }
    return err_set(e, ERR_INVALID, "format", "must be json, text, csv, html or pdf");
}

/* The quarterly results: JSON by default (the keys are in docs/reports.md),
 * or the text, CSV, HTML or PDF the command line prints. */
static void quarterly(http_request *request, http_response *response)
{
    err e;
    quarterly_format format = QUARTERLY_JSON;
    results_report report;
    if (quarterly_format_parse(http_query(request, "format"), &format, &e) ||
        report_quarterly_load(&request->service, http_query(request, "period"),
                              http_query(request, "compare"), &report, &e)) {
        http_reply_error(response, &e);
        return;
    }
    if (format == QUARTERLY_JSON) {
        http_reply(response, 200, report_quarterly_json(&report));
    } else if (format == QUARTERLY_PDF) {
        buffer out = BUFFER_INIT;
        if (results_render_pdf(&report, &out, &e)) {
            buffer_free(&out);
            http_reply_error(response, &e);
        } else {
            size_t length = out.length;
            http_reply_bytes(response, 200, pdf_content_type, buffer_take(&out), length);
        }
    } else {
        buffer out = BUFFER_INIT;
        const char *content_type = "text/plain; charset=utf-8";
        if (format == QUARTERLY_CSV) {
            results_render_csv(&report, &out);
            content_type = "text/csv; charset=utf-8";
        } else if (format == QUARTERLY_HTML) {
            results_render_html(&report, &out);
            content_type = "text/html; charset=utf-8";
        } else {
            results_render_text(&report, &out);
        }
        http_reply_text(response, 200, content_type, buffer_take(&out));
    }
    results_report_free(&report);
}

/* What the web application's dashboard shows for a quarter. */
static void dashboard(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = report_dashboard(&request->service, http_query(request, "quarter"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* The draft earnings release, and its consistency findings one per item. */
static void release(http_request *request, http_response *response)
{
    err e;
    results_report report;
    if (report_quarterly_load(&request->service, http_query(request, "period"),
                              http_query(request, "compare"), &report, &e)) {
        http_reply_error(response, &e);
        return;
    }
    buffer text = BUFFER_INIT, findings = BUFFER_INIT;
    results_render_release(&report, &text);
    results_check(&report, &findings);
    json_t *list = json_array();
    for (const char *line = buffer_text(&findings); *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length)
            json_array_append_new(list, json_stringn(line, length));
        line += end ? length + 1 : length;
    }
    http_reply(response, 200,
               json_pack("{s:s, s:o}", "text", buffer_text(&text), "findings", list));
    buffer_free(&text);
    buffer_free(&findings);
    results_report_free(&report);
}

static const http_route ledger_routes[] = {
    {.method = "GET", .pattern = "/api/v1/accounts", .handler = accounts_list,
     .capability = CAPABILITY_REPORTS, .response = "AccountList",
     .summary = "The chart of accounts"},
    {.method = "POST", .pattern = "/api/v1/accounts", .handler = accounts_add,
     .capability = CAPABILITY_LEDGER_WRITE, .body = accounts_add_body, .response = "Account",
     .status = 201, .summary = "Add an account to the chart"},
    {.method = "GET", .pattern = "/api/v1/journal", .handler = journal_entries,
     .capability = CAPABILITY_REPORTS, .query = "from,to,account,source,q,limit,after,sort,offset",
     .response = "JournalList", .summary = "Journal entries"},
    {.method = "POST", .pattern = "/api/v1/journal", .handler = journal_add,
     .capability = CAPABILITY_LEDGER_WRITE, .body = journal_add_body, .response = "JournalEntry",
     .status = 201, .summary = "Post a balanced manual entry"},
    {.method = "GET", .pattern = "/api/v1/journal/{id}", .handler = journal_show,
     .capability = CAPABILITY_REPORTS, .response = "JournalEntry",
     .summary = "One journal entry with its lines"},
    {.method = "POST", .pattern = "/api/v1/journal/{id}/reverse", .handler = journal_reverse_entry,
     .capability = CAPABILITY_LEDGER_WRITE, .body = journal_reverse_entry_body,
     .response = "JournalEntry", .status = 201, .summary = "Post the reversing entry of an entry"},
    {.method = "GET", .pattern = "/api/v1/periods", .handler = periods_list,
     .capability = CAPABILITY_REPORTS, .response = "PeriodList", .summary = "Closed periods"},
    {.method = "POST", .pattern = "/api/v1/periods/close", .handler = periods_close,
     .capability = CAPABILITY_LEDGER_WRITE, .body = periods_close_body, .response = "Period",
     .status = 201, .summary = "Close a period with an electronic signature"},
    {.method = "GET", .pattern = "/api/v1/shares", .handler = shares_all,
     .capability = CAPABILITY_REPORTS, .response = "ShareList",
     .summary = "Weighted average shares by quarter"},
    {.method = "POST", .pattern = "/api/v1/shares", .handler = shares_put,
     .capability = CAPABILITY_LEDGER_WRITE, .body = shares_put_body, .response = "Shares",
     .summary = "Set a quarter's weighted average shares"},
    {.method = "GET", .pattern = "/api/v1/reports/trial-balance", .handler = trial_balance,
     .capability = CAPABILITY_REPORTS, .query = "period,from,to", .response = "TrialBalance",
     .summary = "Debits, credits and balances by account"},
    {.method = "GET", .pattern = "/api/v1/reports/income-statement", .handler = income_statement,
     .capability = CAPABILITY_REPORTS, .query = "period,from,to", .response = "IncomeStatement",
     .summary = "The income statement of a period"},
    {.method = "GET", .pattern = "/api/v1/reports/balance-sheet", .handler = balance_sheet,
     .capability = CAPABILITY_REPORTS, .query = "date", .response = "BalanceSheet",
     .summary = "The balance sheet at a date"},
    {.method = "GET", .pattern = "/api/v1/reports/quarterly", .handler = quarterly,
     .capability = CAPABILITY_REPORTS, .query = "format,period,compare",
     .response = "QuarterlyReport", .produces = "text/plain,text/csv,text/html,application/pdf",
     .summary = "The quarterly results in the layout of the published release"},
    {.method = "GET", .pattern = "/api/v1/reports/release", .handler = release,
     .capability = CAPABILITY_REPORTS, .query = "period,compare", .response = "Release",
     .summary = "The draft earnings release with its consistency findings"},
    {.method = "GET", .pattern = "/api/v1/reports/dashboard", .handler = dashboard,
     .capability = CAPABILITY_REPORTS, .query = "quarter", .response = "Dashboard",
     .summary = "A quarter's key figures against the same quarter a year earlier"},
    {0},
};

const http_module http_module_ledger = {
    .name = "ledger", .area = AREA_FINANCE, .routes = ledger_routes};
