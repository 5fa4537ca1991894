/*
 * api_ledger.c - the general ledger and the financial reports over HTTP
 * (SPEC 3.10 and 3.11), the same use cases as `bloodops account|journal|
 * period|shares|report`:
 *   GET  /api/v1/accounts                      POST /api/v1/accounts
 *   GET  /api/v1/journal?from=&to=&account=&limit=&after=
 *   POST /api/v1/journal                       GET  /api/v1/journal/{id}
 *   POST /api/v1/journal/{id}/reverse
 *   GET  /api/v1/periods                       POST /api/v1/periods/close
 *   GET  /api/v1/shares                        POST /api/v1/shares
 *   GET  /api/v1/reports/trial-balance?period= | ?from=&to=
 *   GET  /api/v1/reports/income-statement?period= | ?from=&to=
 *   GET  /api/v1/reports/balance-sheet?date=
 *   GET  /api/v1/reports/quarterly?period=&compare=&format=json|text|csv|html|pdf
 *   GET  /api/v1/reports/release?period=&compare=
 *   GET  /api/v1/reports/dashboard?quarter=         (the web dashboard)
 * Finance, executives, auditors and administrators read; finance and
 * administrators write. Closing a period is signed by the session's user,
 * who re-enters the password.
 */
#include <string.h>
#include "documents/pdf.h"
#include "documents/results_release.h"
#include "documents/results_report.h"
#include "http/http.h"
#include "service/ledger.h"
#include "service/report.h"

#define LEDGER_READERS (ROLE_FINANCE | ROLE_EXECUTIVE | ROLE_AUDITOR | ROLE_ADMIN)
#define LEDGER_WRITERS (ROLE_FINANCE | ROLE_ADMIN)

/* --- chart of accounts ----------------------------------------------------- */

static void accounts_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = account_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void accounts_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
        {"type", FIELD_STRING, 1},    {"term", FIELD_STRING, 0},
        {"segment", FIELD_STRING, 0}, {"group", FIELD_STRING, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        account_input in = {
            .code = http_body_string(request, "code"),
            .name = http_body_string(request, "name"),
            .type = http_body_string(request, "type"),
            .term = http_body_string(request, "term"),
            .segment = http_body_string(request, "segment"),
            .group = http_body_string(request, "group"),
        };
        rc = account_add(&request->service, &in, &result, &e);
    }
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

static void journal_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"date", FIELD_STRING, 1},
        {"description", FIELD_STRING, 1},
        {"lines", FIELD_ARRAY, 1, journal_line_fields},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
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
        rc = journal_post(&request->service, &in, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void journal_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = journal_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void journal_reverse_entry(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"reason", FIELD_STRING, 1}, {"date", FIELD_STRING, 0}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             journal_reverse(&request->service, request->path_params[0],
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
static void periods_close(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"period", FIELD_STRING, 1}, {"password", FIELD_STRING, 1},
        {"reason", FIELD_STRING, 0}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             period_close(&request->service, http_body_string(request, "period"),
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

static void shares_put(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"period", FIELD_STRING, 1},
        {"basic", FIELD_INTEGER_TEXT, 1},
        {"diluted", FIELD_INTEGER_TEXT, 1},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             shares_set(&request->service, http_body_string(request, "period"),
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

const http_route http_routes_ledger[] = {
    {"GET", "/api/v1/accounts", accounts_list, LEDGER_READERS, 0},
    {"POST", "/api/v1/accounts", accounts_add, LEDGER_WRITERS, 1},
    {"GET", "/api/v1/journal", journal_entries, LEDGER_READERS, 0},
    {"POST", "/api/v1/journal", journal_add, LEDGER_WRITERS, 1},
    {"GET", "/api/v1/journal/{id}", journal_show, LEDGER_READERS, 0},
    {"POST", "/api/v1/journal/{id}/reverse", journal_reverse_entry, LEDGER_WRITERS, 1},
    {"GET", "/api/v1/periods", periods_list, LEDGER_READERS, 0},
    {"POST", "/api/v1/periods/close", periods_close, LEDGER_WRITERS, 1},
    {"GET", "/api/v1/shares", shares_all, LEDGER_READERS, 0},
    {"POST", "/api/v1/shares", shares_put, LEDGER_WRITERS, 1},
    {"GET", "/api/v1/reports/trial-balance", trial_balance, LEDGER_READERS, 0},
    {"GET", "/api/v1/reports/income-statement", income_statement, LEDGER_READERS, 0},
    {"GET", "/api/v1/reports/balance-sheet", balance_sheet, LEDGER_READERS, 0},
    {"GET", "/api/v1/reports/quarterly", quarterly, LEDGER_READERS, 0},
    {"GET", "/api/v1/reports/release", release, LEDGER_READERS, 0},
    {"GET", "/api/v1/reports/dashboard", dashboard, LEDGER_READERS, 0},
    {0},
};
