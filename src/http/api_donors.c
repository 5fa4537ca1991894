/*
 * api_donors.c - donors, deferrals and eligibility over HTTP (SPEC 3.4):
 *   POST  /api/v1/donors                              register (201)
 *   GET   /api/v1/donors?q=&limit=&after=             search
 *   GET   /api/v1/donors/{donor_number}               one donor with history
 *   PATCH /api/v1/donors/{donor_number}               contact fields
 *   POST  /api/v1/donors/{donor_number}/eligibility   a check: changes nothing
 *   POST  /api/v1/donors/{donor_number}/deferrals     defer (201)
 *   POST  /api/v1/deferrals/{id}/end                  end a deferral
 *   GET   /api/v1/deferral-reasons
 *   GET   /api/v1/eligibility/settings
 *   PUT   /api/v1/eligibility/settings/{name}         (admin)
 * Reads for admin, center_staff, lab, distribution, auditor and executive;
 * donor writes for admin and center_staff, deferrals also for lab.
 */
#include <stdio.h>
#include "http/http.h"
#include "service/donor.h"

#define READERS                                                                                  \
    (ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB | ROLE_DISTRIBUTION | ROLE_AUDITOR |             \
     ROLE_EXECUTIVE)
#define DONOR_WRITERS (ROLE_ADMIN | ROLE_CENTER_STAFF)
#define DEFERRAL_WRITERS (ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB)

static void donors_register(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"family_name", FIELD_STRING, 1},   {"given_name", FIELD_STRING, 1},
        {"birth_date", FIELD_STRING, 1},    {"sex", FIELD_STRING, 1},
        {"phone", FIELD_STRING, 0},         {"email", FIELD_STRING, 0},
        {"address", FIELD_STRING, 0},       {"identity_document", FIELD_STRING, 0},
        {"home_center", FIELD_STRING, 0},   {"donor_number", FIELD_STRING, 0},
        {0}};
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
    int rc = http_body_check(request, fields, &e) ||
             donor_register(&request->service, &f, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void donors_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    donor_filter filter = {.search = http_query(request, "q")};
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

static void donors_edit(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"phone", FIELD_STRING, 0},
                                        {"email", FIELD_STRING, 0},
                                        {"address", FIELD_STRING, 0},
                                        {"home_center", FIELD_STRING, 0},
                                        {0}};
    err e;
    json_t *result = NULL;
    donor_fields f = {.phone = http_body_string(request, "phone"),
                      .email = http_body_string(request, "email"),
                      .address = http_body_string(request, "address"),
                      .home_center = http_body_string(request, "home_center")};
    int rc = http_body_check(request, fields, &e) ||
             donor_update(&request->service, request->path_params[0], &f, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* Hemoglobin and temperature come as JSON numbers (13.4) or text ("13.4"):
 * numbers are turned into their text for the service to read. */
static int decimals_as_text(http_request *request, err *e)
{
    static const char *const names[] = {"hemoglobin", "temperature"};
    for (int i = 0; i < 2 && json_is_object(request->json); i++) {
        json_t *value = json_object_get(request->json, names[i]);
        char text[64];
        if (!value || json_is_null(value) || json_is_string(value))
            continue;
        if (!json_is_number(value))
            return err_set(e, ERR_INVALID, names[i], "must be a number, e.g. %s",
                           i == 0 ? "13.4" : "36.8");
        if (json_is_integer(value))
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        else
            snprintf(text, sizeof text, "%.15g", json_real_value(value));
        json_object_set_new(request->json, names[i], json_string(text));
    }
    return 0;
}

static void donors_eligibility(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"procedure", FIELD_STRING, 1},        {"weight_lb", FIELD_INTEGER_TEXT, 0},
        {"height_in", FIELD_INTEGER_TEXT, 0},  {"hemoglobin", FIELD_STRING, 0},
        {"hematocrit", FIELD_INTEGER_TEXT, 0}, {"temperature", FIELD_STRING, 0},
        {"systolic", FIELD_INTEGER_TEXT, 0},   {"diastolic", FIELD_INTEGER_TEXT, 0},
        {"pulse", FIELD_INTEGER_TEXT, 0},      {"platelet_count", FIELD_INTEGER_TEXT, 0},
        {"parental_consent", FIELD_BOOLEAN, 0}, {"on", FIELD_STRING, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = decimals_as_text(request, &e) || http_body_check(request, fields, &e);
    if (rc == 0) {
        json_t *consent = json_object_get(request->json, "parental_consent");
        eligibility_request r = {
            .procedure = http_body_string(request, "procedure"),
            .weight_lb = http_body_integer_text(request, "weight_lb"),
            .height_in = http_body_integer_text(request, "height_in"),
            .hemoglobin = http_body_string(request, "hemoglobin"),
            .hematocrit = http_body_integer_text(request, "hematocrit"),
            .temperature = http_body_string(request, "temperature"),
            .systolic = http_body_integer_text(request, "systolic"),
            .diastolic = http_body_integer_text(request, "diastolic"),
            .pulse = http_body_integer_text(request, "pulse"),
            .platelet_count = http_body_integer_text(request, "platelet_count"),
            .parental_consent = json_is_boolean(consent) ? (json_is_true(consent) ? "yes" : "no")
                                                         : NULL,
            .on = http_body_string(request, "on"),
        };
        rc = donor_eligibility(&request->service, request->path_params[0], &r, &result, &e);
    }
    http_reply_result(response, 200, rc, result, &e);
}

static void donors_defer(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"kind", FIELD_STRING, 1},   {"reason_code", FIELD_STRING, 1}, {"reason", FIELD_STRING, 0},
        {"until", FIELD_STRING, 0},  {"source", FIELD_STRING, 0},      {"din", FIELD_STRING, 0},
        {0}};
    err e;
    json_t *result = NULL;
    deferral_request r = {.kind = http_body_string(request, "kind"),
                          .reason_code = http_body_string(request, "reason_code"),
                          .reason = http_body_string(request, "reason"),
                          .until = http_body_string(request, "until"),
                          .source = http_body_string(request, "source"),
                          .din = http_body_string(request, "din")};
    int rc = http_body_check(request, fields, &e) ||
             donor_defer(&request->service, request->path_params[0], &r, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void deferrals_end(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"reason", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             donor_deferral_end(&request->service, request->path_params[0],
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

static void settings_set(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"value", FIELD_INTEGER_TEXT, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             eligibility_setting_set(&request->service, request->path_params[0],
                                     http_body_integer_text(request, "value"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

const http_route http_routes_donors[] = {
    {"POST", "/api/v1/donors", donors_register, DONOR_WRITERS, 1},
    {"GET", "/api/v1/donors", donors_list, READERS, 0},
    {"GET", "/api/v1/donors/{donor_number}", donors_show, READERS, 0},
    {"PATCH", "/api/v1/donors/{donor_number}", donors_edit, DONOR_WRITERS, 1},
    {"POST", "/api/v1/donors/{donor_number}/eligibility", donors_eligibility, READERS, 1},
    {"POST", "/api/v1/donors/{donor_number}/deferrals", donors_defer, DEFERRAL_WRITERS, 1},
    {"POST", "/api/v1/deferrals/{id}/end", deferrals_end, DEFERRAL_WRITERS, 1},
    {"GET", "/api/v1/deferral-reasons", deferral_reasons, READERS, 0},
    {"GET", "/api/v1/eligibility/settings", settings_list, READERS, 0},
    {"PUT", "/api/v1/eligibility/settings/{name}", settings_set, ROLE_ADMIN, 1},
    {0},
};
