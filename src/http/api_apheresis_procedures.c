/*
 * api_apheresis_procedures.c - apheresis procedure records over HTTP
 * (docs/apheresis.md, "Procedures"): record, change or amend, sign, show
 * and list; the hospitals' apheresis contracts, the standard costs and the
 * volumes. The same use cases as `bloodops apheresis record|change|sign|
 * amend|procedure|contract|cost|volumes`. Routes at the end of this file.
 */
#include <stdio.h>
#include <string.h>
#include "http/http.h"
#include "service/apheresis_procedure.h"

/* --- procedures ---------------------------------------------------------- */

static const http_field event_fields[] = {
    {"what", FIELD_STRING, 1}, {"severity", FIELD_STRING, 1}, {"action", FIELD_STRING, 1}, {0}};

#define PROCEDURE_FIELDS(required)                                                                 \
    {"booking", FIELD_INTEGER_TEXT, 0}, {"started_at", FIELD_STRING, required},                   \
        {"ended_at", FIELD_STRING, required}, {"nurse", FIELD_STRING, 0},                          \
        {"device_serial", FIELD_STRING, required}, {"kit_lot", FIELD_STRING, required},            \
        {"before_systolic", FIELD_DECIMAL_TEXT, 0}, {"before_diastolic", FIELD_DECIMAL_TEXT, 0},   \
        {"before_pulse", FIELD_DECIMAL_TEXT, 0}, {"before_temperature", FIELD_DECIMAL_TEXT, 0},    \
        {"before_spo2", FIELD_DECIMAL_TEXT, 0}, {"after_systolic", FIELD_DECIMAL_TEXT, 0},         \
        {"after_diastolic", FIELD_DECIMAL_TEXT, 0}, {"after_pulse", FIELD_DECIMAL_TEXT, 0},        \
        {"after_temperature", FIELD_DECIMAL_TEXT, 0}, {"after_spo2", FIELD_DECIMAL_TEXT, 0},       \
        {"blood_processed_ml", FIELD_INTEGER_TEXT, 0},                                             \
        {"plasma_removed_ml", FIELD_INTEGER_TEXT, 0}, {"albumin_vials", FIELD_INTEGER_TEXT, 0},    \
        {"plasma_units", FIELD_INTEGER_TEXT, 0}, {"saline_ml", FIELD_INTEGER_TEXT, 0},             \
        {"anticoagulant_ml", FIELD_INTEGER_TEXT, 0}, {"ratio", FIELD_DECIMAL_TEXT, 0},             \
        {"calcium_mg", FIELD_INTEGER_TEXT, 0},                                                     \
        {"adverse_events", FIELD_ARRAY, 0, event_fields}, {"stat", FIELD_BOOLEAN, 0},              \
        {"outcome", FIELD_STRING, required}, {"abort_reason", FIELD_STRING, 0}

static const http_field record_body[] = {
    {"order", FIELD_INTEGER_TEXT, 1}, PROCEDURE_FIELDS(1), {0}};
static const http_field change_body[] = {
    {"order", FIELD_INTEGER_TEXT, 0}, PROCEDURE_FIELDS(0), {"reason", FIELD_STRING, 0}, {0}};

/* The body as the service's input (the events in the request's arena). */
static apheresis_procedure_input procedure_input(http_request *request)
{
    apheresis_procedure_input in = {
        .order = http_body_number_text(request, "order"),
        .booking = http_body_number_text(request, "booking"),
        .started_at = http_body_string(request, "started_at"),
        .ended_at = http_body_string(request, "ended_at"),
        .nurse = http_body_string(request, "nurse"),
        .device_serial = http_body_string(request, "device_serial"),
        .kit_lot = http_body_string(request, "kit_lot"),
        .blood_processed_ml = http_body_number_text(request, "blood_processed_ml"),
        .plasma_removed_ml = http_body_number_text(request, "plasma_removed_ml"),
        .albumin_vials = http_body_number_text(request, "albumin_vials"),
        .plasma_units = http_body_number_text(request, "plasma_units"),
        .saline_ml = http_body_number_text(request, "saline_ml"),
        .anticoagulant_ml = http_body_number_text(request, "anticoagulant_ml"),
        .ratio = http_body_number_text(request, "ratio"),
        .calcium_mg = http_body_number_text(request, "calcium_mg"),
        .outcome = http_body_string(request, "outcome"),
        .abort_reason = http_body_string(request, "abort_reason"),
    };
    for (int i = 0; i < APHERESIS_VITALS; i++) {
        char name[32];
        snprintf(name, sizeof name, "before_%s", apheresis_vital_names[i]);
        in.before[i] = http_body_number_text(request, name);
        snprintf(name, sizeof name, "after_%s", apheresis_vital_names[i]);
        in.after[i] = http_body_number_text(request, name);
    }
    json_t *stat = json_object_get(request->json, "stat");
    if (json_is_boolean(stat))
        in.stat = json_is_true(stat) ? "true" : "false";
    json_t *events = json_object_get(request->json, "adverse_events");
    if (json_is_array(events)) {
        size_t n = json_array_size(events);
        apheresis_adverse_event *list = arena_alloc(request->arena, (n ? n : 1) * sizeof *list);
        for (size_t i = 0; i < n; i++) {
            json_t *ev = json_array_get(events, i);
            list[i] = (apheresis_adverse_event){
                json_string_value(json_object_get(ev, "what")),
                json_string_value(json_object_get(ev, "severity")),
                json_string_value(json_object_get(ev, "action"))};
        }
        in.events = list;
        in.event_count = n;
        in.events_given = 1;
    }
    return in;
}

static void procedures_record(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_procedure_input in = procedure_input(request);
    int rc = apheresis_procedure_record(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void procedures_change(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_procedure_input in = procedure_input(request);
    int rc = apheresis_procedure_change(&request->service, request->path_params[0], &in,
                                        http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* The signer is the user of the session, re-entering the password. */
static const http_field sign_body[] = {{"password", FIELD_STRING, 1}, {0}};

static void procedures_sign(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    /* The path names one record (the command line signs several). */
    int rc = strchr(request->path_params[0], ',')
                 ? err_set(&e, ERR_INVALID, "procedure", "must be one procedure's id")
                 : apheresis_procedure_sign(&request->service, request->path_params[0],
                                            request->service.actor.username,
                                            http_body_string(request, "password"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void procedures_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_procedure_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void procedures_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_procedure_filter filter = {.order = http_query(request, "order"),
                                         .status = http_query(request, "status")};
    int rc = http_query_page(request, &filter.page, &e) ||
             apheresis_procedure_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- contracts, costs, volumes ------------------------------------------- */

static const http_field contract_body[] = {{"hospital", FIELD_STRING, 1},
                                           {"effective_from", FIELD_STRING, 1},
                                           {"effective_to", FIELD_STRING, 0},
                                           {"abort_percent", FIELD_INTEGER_TEXT, 1},
                                           {0}};

static void contracts_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_contract_add(&request->service, http_body_string(request, "hospital"),
                                    http_body_string(request, "effective_from"),
                                    http_body_string(request, "effective_to"),
                                    http_body_number_text(request, "abort_percent"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void contracts_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_contract_list(&request->service, http_query(request, "hospital"), &result,
                                     &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void contracts_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_contract_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field price_body[] = {
    {"procedure_type", FIELD_STRING, 1}, {"price", FIELD_STRING, 1}, {0}};

static void contracts_price(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_contract_price(&request->service, request->path_params[0],
                                      http_body_string(request, "procedure_type"),
                                      http_body_string(request, "price"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field surcharge_body[] = {
    {"kind", FIELD_STRING, 1}, {"amount", FIELD_STRING, 1}, {0}};

static void contracts_surcharge(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_contract_surcharge(&request->service, request->path_params[0],
                                          http_body_string(request, "kind"),
                                          http_body_string(request, "amount"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field cost_body[] = {{"item", FIELD_STRING, 1}, {"amount", FIELD_STRING, 1},
                                       {0}};

static void costs_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_cost_set(&request->service, http_body_string(request, "item"),
                                http_body_string(request, "amount"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void costs_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_cost_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void volumes(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_volumes(&request->service, http_query(request, "period"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route apheresis_procedures_routes[] = {
    {.method = "GET", .pattern = "/api/v1/apheresis-procedures", .handler = procedures_list,
     .capability = CAPABILITY_APHERESIS, .query = "order,status,limit,after,sort,offset",
     .response = "ApheresisProcedureList",
     .summary = "Apheresis procedure records (a nurse: of their markets' hospitals)"},
    {.method = "POST", .pattern = "/api/v1/apheresis-procedures", .handler = procedures_record,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = record_body,
     .response = "ApheresisProcedure", .status = 201,
     .summary = "Record a procedure performed under an active order (a draft until signed)"},
    {.method = "GET", .pattern = "/api/v1/apheresis-procedures/{id}", .handler = procedures_show,
     .capability = CAPABILITY_APHERESIS, .response = "ApheresisProcedure",
     .summary = "A procedure record beside its order's prescription, with its amendments; the "
                "read is audited"},
    {.method = "PATCH", .pattern = "/api/v1/apheresis-procedures/{id}",
     .handler = procedures_change, .capability = CAPABILITY_APHERESIS_WRITE, .body = change_body,
     .response = "ApheresisProcedure",
     .summary = "Change a draft record, or amend a signed one with a reason (the record before "
                "is kept)"},
    {.method = "POST", .pattern = "/api/v1/apheresis-procedures/{id}/sign",
     .handler = procedures_sign, .capability = CAPABILITY_APHERESIS_WRITE, .body = sign_body,
     .response = "ApheresisProcedure",
     .summary = "Sign a record as its nurse (password re-entered): frozen, billed to the "
                "hospital at its contract's price and posted, in one transaction"},
    {.method = "GET", .pattern = "/api/v1/apheresis-contracts", .handler = contracts_list,
     .capability = CAPABILITY_CONTRACTS, .query = "hospital",
     .response = "ApheresisContractList",
     .summary = "Hospitals' apheresis contracts with their prices and surcharges"},
    {.method = "POST", .pattern = "/api/v1/apheresis-contracts", .handler = contracts_add,
     .capability = CAPABILITY_CONTRACTS_WRITE, .body = contract_body,
     .response = "ApheresisContract", .status = 201,
     .summary = "A hospital's apheresis contract from a day (an open one before it ends the "
                "day before), with its abort rule"},
    {.method = "GET", .pattern = "/api/v1/apheresis-contracts/{id}", .handler = contracts_show,
     .capability = CAPABILITY_CONTRACTS, .response = "ApheresisContract",
     .summary = "An apheresis contract with its prices and surcharges"},
    {.method = "PUT", .pattern = "/api/v1/apheresis-contracts/{id}/prices",
     .handler = contracts_price, .capability = CAPABILITY_CONTRACTS_WRITE, .body = price_body,
     .response = "ApheresisContract",
     .summary = "Set the contract's price of a procedure type"},
    {.method = "PUT", .pattern = "/api/v1/apheresis-contracts/{id}/surcharges",
     .handler = contracts_surcharge, .capability = CAPABILITY_CONTRACTS_WRITE,
     .body = surcharge_body, .response = "ApheresisContract",
     .summary = "Set a surcharge: after_hours, weekend, holiday or stat"},
    {.method = "GET", .pattern = "/api/v1/apheresis-costs", .handler = costs_list,
     .capability = CAPABILITY_CONTRACTS, .response = "ApheresisCostList",
     .summary = "Standard costs: nurse hours by market, kits by procedure type, fluids"},
    {.method = "PUT", .pattern = "/api/v1/apheresis-costs", .handler = costs_set,
     .capability = CAPABILITY_SETTINGS_WRITE, .body = cost_body, .response = "ApheresisCost",
     .summary = "Set a standard cost (nurse_hour:MARKET, kit:TYPE, albumin_vial, plasma_unit)"},
    {.method = "GET", .pattern = "/api/v1/apheresis-volumes", .handler = volumes,
     .capability = CAPABILITY_REPORTS, .query = "period", .response = "ApheresisVolumes",
     .summary = "Signed procedures of a period by market and type, with the average price"},
    {0},
};

const http_module http_module_apheresis_procedures = {
    .name = "apheresis_procedures", .area = AREA_SERVICES,
    .routes = apheresis_procedures_routes};
