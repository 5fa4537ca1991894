/*
 * api_testing.c - laboratory results, release and lookback over HTTP
 * (docs/testing.md), the same use cases as
 * `bloodops results|release|lookback`. A refused results file answers the error envelope naming the first
 * problem, with every problem listed in it: "problems" [{"line", "field",
 * "message"}] and "problem_count".
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "http/http.h"
#include "service/lookback.h"
#include "service/testing.h"

/* --- results and the panel ------------------------------------------------------ */

static const http_field results_import_body[] = {
    {"file_name", FIELD_STRING, 0}, {"content", FIELD_STRING, 1}, {0}};

/* The import's answer: the summary, or the envelope with every problem of
 * the file. */
static void import_reply(http_response *response, int rc, json_t *result, const err *e)
{
    if (rc && result) {
        /* The envelope, with every problem of the file. */
        json_t *error = json_pack("{s:s, s:s, s:O, s:O}", "code", err_code_name(e->code),
                                  "message", e->message, "problems",
                                  json_object_get(result, "errors"), "problem_count",
                                  json_object_get(result, "error_count"));
        if (e->field[0])
            json_object_set_new(error, "field", json_string(e->field));
        json_decref(result);
        http_reply(response, http_status_of(e->code), json_pack("{s:o}", "error", error));
        return;
    }
    http_reply_result(response, 201, rc, result, e);
}

static void results_import(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    const char *name = http_body_string(request, "file_name");
    const char *content = http_body_string(request, "content");
    FILE *csv = *content ? fmemopen((void *)content, strlen(content), "r") : NULL;
    int rc = csv ? testing_results_import(&request->service, csv, name ? name : "upload.csv",
                                          &result, &e)
                 : err_set(&e, ERR_INVALID, "content", "is required: the CSV text of the file");
    if (csv)
        fclose(csv);
    import_reply(response, rc, result, &e);
}

/* A results file sent whole as the request body (text/csv), streamed by
 * the server into a temporary file (http_route.upload) and imported by the
 * same service as above: a file of tens of megabytes, past the JSON body
 * limit. ?file_name= names it. */
static void results_upload(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    const char *type =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Content-Type");
    const char *name = http_query(request, "file_name");
    int rc = 0;
    if (type && strncasecmp(type, "text/", 5) != 0 &&
        strncasecmp(type, "application/octet-stream", 24) != 0 &&
        strncasecmp(type, "application/vnd.ms-excel", 24) != 0)
        rc = err_set(&e, ERR_INVALID, "Content-Type",
                     "must be text/csv: send the results file itself as the body");
    else if (!request->upload || request->upload_length == 0)
        rc = err_set(&e, ERR_INVALID, "file", "is required: send the results file as the body");
    else
        rc = testing_results_import(&request->service, request->upload,
                                    name && *name ? name : "upload.csv", &result, &e);
    import_reply(response, rc, result, &e);
}

static void panel_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_panel_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field panel_require_body[] = {{"required", FIELD_BOOLEAN, 1}, {0}};

static void panel_require(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_panel_require(
                 &request->service, request->path_params[0],
                 json_is_true(json_object_get(request->json, "required")) ? "yes" : "no",
                 &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- release ------------------------------------------------------------------------- */

static void release_queue(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    testing_queue_filter filter = {.center = http_query(request, "center"),
                                   .group = http_query(request, "group")};
    int rc = http_query_page(request, &filter.page, &e) ||
             testing_release_queue(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* "units" is an array of unit ids: whole numbers, or their decimal text. */
static const http_field release_sign_body[] = {
    {"units", FIELD_ARRAY, 1},
    {"username", FIELD_STRING, 1},
    {"password", FIELD_STRING, 1},
    {"meaning", FIELD_STRING, 0},
    {0}};

static void release_sign(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = 0;
    json_t *units = json_object_get(request->json, "units");
    size_t count = json_array_size(units);
    const char **ids = arena_alloc(request->arena, (count ? count : 1) * sizeof *ids);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        json_t *unit = json_array_get(units, i);
        if (json_is_integer(unit))
            ids[i] = arena_printf(request->arena, "%" JSON_INTEGER_FORMAT,
                                  json_integer_value(unit));
        else if (json_is_string(unit))
            ids[i] = json_string_value(unit);
        else
            rc = err_set(&e, ERR_INVALID, "units", "element %zu must be a unit id", i);
    }
    if (rc == 0) {
        testing_release_request in = {
            .units = ids,
            .unit_count = count,
            .username = http_body_string(request, "username"),
            .password = http_body_string(request, "password"),
            .meaning = http_body_string(request, "meaning"),
        };
        rc = testing_release(&request->service, &in, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

/* --- amendments ---------------------------------------------------------------------- */

static void results_of_donation(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    const char *din = http_query(request, "din");
    int rc = din && *din ? testing_results_of_donation(&request->service, din, &result, &e)
                         : err_set(&e, ERR_INVALID, "din", "is required: ?din= the donation");
    http_reply_result(response, 200, rc, result, &e);
}

static void result_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_result_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field amend_body[] = {{"result", FIELD_STRING, 1},
                                        {"reason", FIELD_STRING, 1},
                                        {"username", FIELD_STRING, 1},
                                        {"password", FIELD_STRING, 1},
                                        {0}};

static void result_amend(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    testing_amend_request in = {http_body_string(request, "result"),
                                http_body_string(request, "reason"),
                                http_body_string(request, "username"),
                                http_body_string(request, "password")};
    int rc = testing_result_amend(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

/* --- ABO/RhD discrepancies ------------------------------------------------------------- */

static void discrepancies_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    testing_discrepancy_filter filter = {.status = http_query(request, "status"),
                                         .center = http_query(request, "center"),
                                         .from = http_query(request, "from"),
                                         .to = http_query(request, "to")};
    int rc = http_query_page(request, &filter.page, &e) ||
             testing_discrepancy_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void discrepancy_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_discrepancy_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field confirm_body[] = {{"abo", FIELD_STRING, 1},
                                          {"rhd", FIELD_STRING, 1},
                                          {"update_donor_group", FIELD_BOOLEAN, 0},
                                          {"username", FIELD_STRING, 1},
                                          {"password", FIELD_STRING, 1},
                                          {0}};

static void discrepancy_confirm(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    testing_confirmation_request in = {
        .abo = http_body_string(request, "abo"),
        .rhd = http_body_string(request, "rhd"),
        .update_donor = json_is_true(json_object_get(request->json, "update_donor_group")),
        .username = http_body_string(request, "username"),
        .password = http_body_string(request, "password"),
    };
    int rc = testing_discrepancy_confirm(&request->service, request->path_params[0], &in, &result,
                                         &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field discrepancy_release_body[] = {{"username", FIELD_STRING, 1},
                                                      {"password", FIELD_STRING, 1},
                                                      {"meaning", FIELD_STRING, 0},
                                                      {0}};

static void discrepancy_release(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    testing_discrepancy_release_request in = {http_body_string(request, "username"),
                                              http_body_string(request, "password"),
                                              http_body_string(request, "meaning")};
    int rc = testing_discrepancy_release(&request->service, request->path_params[0], &in, &result,
                                         &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field discrepancy_discard_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void discrepancy_discard(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_discrepancy_discard(&request->service, request->path_params[0],
                                         http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- lookback ------------------------------------------------------------------------- */

static void cases_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    lookback_filter filter = {.status = http_query(request, "status"),
                              .from = http_query(request, "from"),
                              .to = http_query(request, "to")};
    int rc = http_query_page(request, &filter.page, &e) ||
             lookback_case_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void case_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = lookback_case_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* The report as text, HTML or PDF (?format=text|html|pdf). */
static void case_report(http_request *request, http_response *response)
{
    err e;
    buffer out = BUFFER_INIT;
    lookback_report_format format;
    if (lookback_case_report(&request->service, request->path_params[0],
                             http_query(request, "format"), &out, &format, &e)) {
        buffer_free(&out);
        http_reply_error(response, &e);
        return;
    }
    const char *content_type = lookback_report_content_type(format);
    if (format == LOOKBACK_REPORT_PDF) {
        size_t length = out.length;
        http_reply_bytes(response, 200, content_type, buffer_take(&out), length);
    } else {
        http_reply_text(response, 200, content_type, buffer_take(&out));
    }
}

static const http_field case_step_body[] = {
    {"step", FIELD_STRING, 1},
    {"done_on", FIELD_STRING, 0},
    {"result", FIELD_STRING, 0},
    {0}};

static void case_step(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    lookback_step_request in = {http_body_string(request, "step"),
                                http_body_string(request, "done_on"),
                                http_body_string(request, "result")};
    int rc = lookback_step_record(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field case_close_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void case_close(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = lookback_case_close(&request->service, request->path_params[0],
                                 http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route testing_routes[] = {
    {.method = "POST", .pattern = "/api/v1/test-results/import", .handler = results_import,
     .capability = CAPABILITY_TESTING, .body = results_import_body, .response = "ResultsImport",
     .status = 201, .summary = "Import laboratory results (CSV), all or nothing"},
    {.method = "POST", .pattern = "/api/v1/test-results/upload", .handler = results_upload,
     .capability = CAPABILITY_TESTING, .upload = 1, .query = "file_name",
     .response = "ResultsImport", .status = 201,
     .summary = "Import a results file sent as the body (text/csv, streamed; up to the upload "
                "limit), all or nothing"},
    {.method = "GET", .pattern = "/api/v1/test-results", .handler = results_of_donation,
     .capability = CAPABILITY_TESTING, .query = "din", .response = "TestResultList",
     .summary = "The results of a donation as they stand, with their amendments"},
    {.method = "GET", .pattern = "/api/v1/test-results/{id}", .handler = result_show,
     .capability = CAPABILITY_TESTING, .response = "TestResult",
     .summary = "One test result with its amendments"},
    {.method = "POST", .pattern = "/api/v1/test-results/{id}/amendments", .handler = result_amend,
     .capability = CAPABILITY_TESTING, .body = amend_body, .response = "ResultAmendment",
     .status = 201,
     .summary = "Amend a result under an electronic signature; the donation is re-evaluated"},
    {.method = "GET", .pattern = "/api/v1/typing-discrepancies", .handler = discrepancies_list,
     .capability = CAPABILITY_TESTING, .query = "status,center,from,to,limit,after,sort,offset",
     .response = "TypingDiscrepancyList",
     .summary = "ABO/RhD discrepancies: unresolved by default"},
    {.method = "GET", .pattern = "/api/v1/typing-discrepancies/{id}", .handler = discrepancy_show,
     .capability = CAPABILITY_TESTING, .response = "TypingDiscrepancy",
     .summary = "One ABO/RhD discrepancy with the donation's units"},
    {.method = "POST", .pattern = "/api/v1/typing-discrepancies/{id}/confirmation",
     .handler = discrepancy_confirm, .capability = CAPABILITY_TESTING, .body = confirm_body,
     .response = "TypingDiscrepancy",
     .summary = "Record the confirmatory typing under an electronic signature"},
    {.method = "POST", .pattern = "/api/v1/typing-discrepancies/{id}/release",
     .handler = discrepancy_release, .capability = CAPABILITY_RELEASE_SIGN,
     .body = discrepancy_release_body, .response = "TypingDiscrepancy",
     .summary = "Release the donation's units of a confirmed discrepancy, signed"},
    {.method = "POST", .pattern = "/api/v1/typing-discrepancies/{id}/discard",
     .handler = discrepancy_discard, .capability = CAPABILITY_TESTING,
     .body = discrepancy_discard_body, .response = "TypingDiscrepancy",
     .summary = "Discard the donation's units and resolve the discrepancy"},
    {.method = "GET", .pattern = "/api/v1/test-panel", .handler = panel_list,
     .capability = CAPABILITY_REFERENCE, .response = "TestPanel",
     .summary = "The tests of the panel and which are required"},
    {.method = "PUT", .pattern = "/api/v1/test-panel/{test}", .handler = panel_require,
     .capability = CAPABILITY_SETTINGS_WRITE, .body = panel_require_body, .response = "PanelTest",
     .summary = "Require a test's result before release, or not"},
    {.method = "GET", .pattern = "/api/v1/release-queue", .handler = release_queue,
     .capability = CAPABILITY_RELEASE, .query = "center,group,limit,after",
     .response = "ReleaseQueue",
     .summary = "Quarantined units: ready, waiting for results, or blocked"},
    {.method = "POST", .pattern = "/api/v1/releases", .handler = release_sign,
     .capability = CAPABILITY_RELEASE_SIGN, .body = release_sign_body, .response = "Releases",
     .status = 201, .summary = "Release units under an electronic signature"},
    {.method = "GET", .pattern = "/api/v1/lookback-cases", .handler = cases_list,
     .capability = CAPABILITY_LOOKBACK, .query = "status,from,to,limit,after,sort,offset",
     .response = "LookbackCaseList", .summary = "Lookback cases with their deadlines"},
    {.method = "GET", .pattern = "/api/v1/lookback-cases/{id}", .handler = case_show,
     .capability = CAPABILITY_LOOKBACK, .response = "LookbackCase",
     .summary = "One lookback case: trace, steps, deadlines"},
    {.method = "GET", .pattern = "/api/v1/lookback-cases/{id}/report", .handler = case_report,
     .capability = CAPABILITY_LOOKBACK, .query = "format", .produces = "text/plain,text/html,application/pdf",
     .summary = "The printable report of a lookback case"},
    {.method = "POST", .pattern = "/api/v1/lookback-cases/{id}/steps", .handler = case_step,
     .capability = CAPABILITY_LOOKBACK_WRITE, .body = case_step_body, .response = "LookbackCase",
     .summary = "Record a step of a lookback case"},
    {.method = "POST", .pattern = "/api/v1/lookback-cases/{id}/close", .handler = case_close,
     .capability = CAPABILITY_LOOKBACK_WRITE, .body = case_close_body, .response = "LookbackCase",
     .summary = "Close a lookback case"},
    {0},
};

const http_module http_module_testing = {
    .name = "testing", .area = AREA_LABORATORY, .routes = testing_routes};
