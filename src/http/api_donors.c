/*
 * api_donors.c - donors, deferrals and eligibility over HTTP (docs/donors.md).
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include <stdio.h>
#include "http/http.h"
#include "http/measurements.h"
#include "service/donor.h"

static const http_field donors_register_body[] = {
    {"family_name", FIELD_STRING, 1},   {"given_name", FIELD_STRING, 1},
    {"birth_date", FIELD_STRING, 1},    {"sex", FIELD_STRING, 1},
    {"phone", FIELD_STRING, 0},         {"email", FIELD_STRING, 0},
    {"address", FIELD_STRING, 0},       {"identity_document", FIELD_STRING, 0},
    {"home_center", FIELD_STRING, 0},   {"donor_number", FIELD_STRING, 0},
    {0}};

static void donors_register(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    donor_fields f = {
        .family_name = http_body_string(request, "family_name"),
        .given_name = http_body_string(request, "given_name"),
        .birth_date = http_body_string(request, "birth_date"),
        .sex = http_body_string(request, "sex"),
        .phone = http_body_string(request, "phone"),
        .email = http_body_string(request, "email"),
        .address = http_body_string(request, "address"),
        .identity_document = http_body_string(request, "identity_document"),
        .home_center = http_body_string(request, "home_center"),
        .donor_number = http_body_string(request, "donor_number"),
    };
    int rc = donor_register(&request->service, &f, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void donors_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    donor_filter filter = {.search = http_query(request, "q"),
                           .status = http_query(request, "status"),
                           .home_center = http_query(request, "home_center"),
                           .group = http_query(request, "group")};
    int rc = http_query_page(request, &filter.page, &e) ||
             donor_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void donors_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = donor_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field donors_edit_body[] = {
    {"phone", FIELD_STRING, 0},
    {"email", FIELD_STRING, 0},
    {"address", FIELD_STRING, 0},
    {"home_center", FIELD_STRING, 0},
    {0}};

static void donors_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    donor_fields f = {.phone = http_body_string(request, "phone"),
                      .email = http_body_string(request, "email"),
                      .address = http_body_string(request, "address"),
                      .home_center = http_body_string(request, "home_center")};
    int rc = donor_update(&request->service, request->path_params[0], &f, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

void http_body_measurements(http_request *request, eligibility_request *out)
{
    out->procedure = http_body_string(request, "procedure");
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        if (f->kind == MEASUREMENT_YES_NO) {
            json_t *flag = json_object_get(request->json, f->name);
            out->measurements[i] =
                json_is_boolean(flag) ? (json_is_true(flag) ? "yes" : "no") : NULL;
        } else {
            out->measurements[i] = http_body_number_text(request, f->name);
        }
    }
}

static const http_field donors_eligibility_body[] = {
    HTTP_MEASUREMENT_FIELDS, {"on", FIELD_STRING, 0}, {"scope", FIELD_STRING, 0}, {0}};

static void donors_eligibility(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    eligibility_request r = {.on = http_body_string(request, "on"),
                             .scope = http_body_string(request, "scope")};
    http_body_measurements(request, &r);
    int rc = donor_eligibility(&request->service, request->path_params[0], &r, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field donors_defer_body[] = {
    {"kind", FIELD_STRING, 1},   {"reason_code", FIELD_STRING, 1}, {"reason", FIELD_STRING, 0},
    {"until", FIELD_STRING, 0}, {0}};

static void donors_defer(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    deferral_request r = {.kind = http_body_string(request, "kind"),
                          .reason_code = http_body_string(request, "reason_code"),
                          .reason = http_body_string(request, "reason"),
                          .until = http_body_string(request, "until")};
    int rc = donor_defer(&request->service, request->path_params[0], &r, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static const http_field deferrals_end_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void deferrals_end(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = donor_deferral_end(&request->service, request->path_params[0],
                                http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void deferral_reasons(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = donor_deferral_reasons_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void settings_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = eligibility_settings_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field settings_set_body[] = {{"value", FIELD_INTEGER_TEXT, 1}, {0}};

static void settings_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = eligibility_setting_set(&request->service, request->path_params[0],
                                     http_body_number_text(request, "value"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route donors_routes[] = {
    {.method = "POST", .pattern = "/api/v1/donors", .handler = donors_register,
     .capability = CAPABILITY_DONORS_WRITE, .body = donors_register_body, .response = "Donor",
     .status = 201, .summary = "Register a donor (refused when the same person is registered)"},
    {.method = "GET", .pattern = "/api/v1/donors", .handler = donors_list,
     .capability = CAPABILITY_DONORS, .query = "q,status,home_center,group,limit,after,sort,offset",
     .response = "DonorList",
     .summary = "Search donors, each with their standing"},
    {.method = "GET", .pattern = "/api/v1/donors/{donor_number}", .handler = donors_show,
     .capability = CAPABILITY_DONORS, .response = "Donor",
     .summary = "One donor with groups, deferrals and recent collections"},
    {.method = "PATCH", .pattern = "/api/v1/donors/{donor_number}", .handler = donors_edit,
     .capability = CAPABILITY_DONORS_WRITE, .body = donors_edit_body, .response = "Donor",
     .summary = "Change a donor's contact fields"},
    {.method = "POST", .pattern = "/api/v1/donors/{donor_number}/eligibility",
     .handler = donors_eligibility, .capability = CAPABILITY_DONORS,
     .body = donors_eligibility_body, .response = "Eligibility",
     .summary = "Check a donor's eligibility for a procedure (changes nothing)"},
    {.method = "POST", .pattern = "/api/v1/donors/{donor_number}/deferrals",
     .handler = donors_defer, .capability = CAPABILITY_DEFERRALS_WRITE, .body = donors_defer_body,
     .response = "Deferral", .status = 201, .summary = "Defer a donor"},
    {.method = "POST", .pattern = "/api/v1/deferrals/{id}/end", .handler = deferrals_end,
     .capability = CAPABILITY_DEFERRALS_WRITE, .body = deferrals_end_body, .response = "Deferral",
     .summary = "End a deferral"},
    {.method = "GET", .pattern = "/api/v1/deferral-reasons", .handler = deferral_reasons,
     .capability = CAPABILITY_DONORS, .response = "DeferralReasons",
     .summary = "The deferral reason codes"},
    {.method = "GET", .pattern = "/api/v1/eligibility/settings", .handler = settings_list,
     .capability = CAPABILITY_DONORS, .response = "EligibilitySettings",
     .summary = "The eligibility thresholds in force"},
    {.method = "PUT", .pattern = "/api/v1/eligibility/settings/{name}", .handler = settings_set,
     .capability = CAPABILITY_SETTINGS_WRITE, .body = settings_set_body,
     .response = "EligibilitySetting", .summary = "Set an eligibility threshold"},
    {0},
};

const http_module http_module_donors = {
    .name = "donors", .area = AREA_DONORS, .routes = donors_routes};
