/*
 * api_testing.c - laboratory results, release and lookback over HTTP (SPEC
 * 3.5), the same use cases as `bloodops results|release|lookback`:
 *   POST /api/v1/test-results/import      {"file_name", "content"} (admin, lab)
 *   GET  /api/v1/test-panel               PUT /api/v1/test-panel/{test} {"required"} (admin)
 *   GET  /api/v1/release-queue?center=&limit=&after=   (lab, admin, center_staff)
 *   POST /api/v1/releases                 {"units", "username", "password", "meaning"}
 *   GET  /api/v1/lookback-cases?status=open|closed&limit=&after=
 *   GET  /api/v1/lookback-cases/{id}      GET /api/v1/lookback-cases/{id}/report?format=text|html|pdf
 *   POST /api/v1/lookback-cases/{id}/steps {"step", "done_on", "result"}
 *   POST /api/v1/lookback-cases/{id}/close {"reason"}
 * A refused results file answers the error envelope naming the first
 * problem, with every problem listed in it: "problems" [{"line", "field",
 * "message"}] and "problem_count".
 */
#include <stdio.h>
#include <string.h>
#include "http/http.h"
#include "service/lookback.h"
#include "service/testing.h"

#define LAB_WRITERS (ROLE_LAB | ROLE_ADMIN)
#define QUEUE_READERS (ROLE_LAB | ROLE_ADMIN | ROLE_CENTER_STAFF)
#define LOOKBACK_READERS (ROLE_LAB | ROLE_ADMIN | ROLE_DISTRIBUTION | ROLE_AUDITOR)

/* --- results and the panel ------------------------------------------------------ */

static void results_import(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"file_name", FIELD_STRING, 0}, {"content", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    if (http_body_check(request, fields, &e)) {
        http_reply_error(response, &e);
        return;
    }
    const char *name = http_body_string(request, "file_name");
    const char *content = http_body_string(request, "content");
    FILE *csv = *content ? fmemopen((void *)content, strlen(content), "r") : NULL;
    int rc = csv ? testing_results_import(&request->service, csv, name ? name : "upload.csv",
                                          &result, &e)
                 : err_set(&e, ERR_INVALID, "content", "is required: the CSV text of the file");
    if (csv)
        fclose(csv);
    if (rc && result) {
        /* The envelope, with every problem of the file. */
        json_t *error = json_pack("{s:s, s:s, s:O, s:O}", "code", err_code_name(e.code),
                                  "message", e.message, "problems",
                                  json_object_get(result, "errors"), "problem_count",
                                  json_object_get(result, "error_count"));
        if (e.field[0])
            json_object_set_new(error, "field", json_string(e.field));
        json_decref(result);
        http_reply(response, http_status_of(e.code), json_pack("{s:o}", "error", error));
        return;
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void panel_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = testing_panel_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void panel_require(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"required", FIELD_BOOLEAN, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             testing_panel_require(
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
    testing_queue_filter filter = {.center = http_query(request, "center")};
    int rc = http_query_page(request, &filter.page, &e) ||
             testing_release_queue(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* "units" is an array of unit ids: whole numbers, or their decimal text. */
static void release_sign(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"units", FIELD_ARRAY, 1},
                                        {"username", FIELD_STRING, 1},
                                        {"password", FIELD_STRING, 1},
                                        {"meaning", FIELD_STRING, 0},
                                        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
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

/* --- lookback ------------------------------------------------------------------------- */

static void cases_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    lookback_filter filter = {.status = http_query(request, "status")};
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

static void case_step(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"step", FIELD_STRING, 1},
                                        {"done_on", FIELD_STRING, 0},
                                        {"result", FIELD_STRING, 0},
                                        {0}};
    err e;
    json_t *result = NULL;
    lookback_step_request in = {http_body_string(request, "step"),
                                http_body_string(request, "done_on"),
                                http_body_string(request, "result")};
    int rc = http_body_check(request, fields, &e) ||
             lookback_step_record(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void case_close(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"reason", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             lookback_case_close(&request->service, request->path_params[0],
                                 http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

const http_route http_routes_testing[] = {
    {"POST", "/api/v1/test-results/import", results_import, LAB_WRITERS, 1},
    {"GET", "/api/v1/test-panel", panel_list, ROLES_ALL, 0},
    {"PUT", "/api/v1/test-panel/{test}", panel_require, ROLE_ADMIN, 1},
    {"GET", "/api/v1/release-queue", release_queue, QUEUE_READERS, 0},
    {"POST", "/api/v1/releases", release_sign, LAB_WRITERS, 1},
    {"GET", "/api/v1/lookback-cases", cases_list, LOOKBACK_READERS, 0},
    {"GET", "/api/v1/lookback-cases/{id}", case_show, LOOKBACK_READERS, 0},
    {"GET", "/api/v1/lookback-cases/{id}/report", case_report, LOOKBACK_READERS, 0},
    {"POST", "/api/v1/lookback-cases/{id}/steps", case_step, LAB_WRITERS, 1},
    {"POST", "/api/v1/lookback-cases/{id}/close", case_close, LAB_WRITERS, 1},
    {0},
};
