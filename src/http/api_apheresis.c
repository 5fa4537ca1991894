/*
 * api_apheresis.c - therapeutic apheresis over HTTP (docs/apheresis.md):
 * patients, physicians' orders with their calculations, and the
 * calculators, the same use cases as `bloodops patient add|list|show|edit`,
 * `bloodops apheresis order add|list|show|cancel` and `bloodops apheresis
 * calc NAME` (whose --format json the calculators answer). Its routes are
 * declared at the end of this file.
 */
#include "http/http.h"
#include "service/apheresis.h"
#include "service/apheresis_calc.h"

/* --- patients ------------------------------------------------------------ */

static void patients_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_patient_filter filter = {.hospital = http_query(request, "hospital"),
                                       .q = http_query(request, "q")};
    int rc = http_query_page(request, &filter.page, &e) ||
             apheresis_patient_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field patient_body[] = {
    {"hospital", FIELD_STRING, 1},     {"mrn", FIELD_STRING, 1},
    {"family_name", FIELD_STRING, 1},  {"given_name", FIELD_STRING, 1},
    {"birth_date", FIELD_STRING, 1},   {"sex", FIELD_STRING, 1},
    {"height_m", FIELD_DECIMAL_TEXT, 1}, {"weight_kg", FIELD_DECIMAL_TEXT, 1},
    {0}};

static const http_field patient_edit_body[] = {
    {"hospital", FIELD_STRING, 0},     {"mrn", FIELD_STRING, 0},
    {"family_name", FIELD_STRING, 0},  {"given_name", FIELD_STRING, 0},
    {"birth_date", FIELD_STRING, 0},   {"sex", FIELD_STRING, 0},
    {"height_m", FIELD_DECIMAL_TEXT, 0}, {"weight_kg", FIELD_DECIMAL_TEXT, 0},
    {0}};

static apheresis_patient_input patient_input(http_request *request)
{
    return (apheresis_patient_input){
        .hospital = http_body_string(request, "hospital"),
        .mrn = http_body_string(request, "mrn"),
        .family_name = http_body_string(request, "family_name"),
        .given_name = http_body_string(request, "given_name"),
        .birth_date = http_body_string(request, "birth_date"),
        .sex = http_body_string(request, "sex"),
        .height_m = http_body_number_text(request, "height_m"),
        .weight_kg = http_body_number_text(request, "weight_kg")};
}

static void patients_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_patient_input in = patient_input(request);
    int rc = apheresis_patient_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void patients_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_patient_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void patients_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_patient_input in = patient_input(request);
    int rc = apheresis_patient_edit(&request->service, request->path_params[0], &in, &result,
                                    &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- orders -------------------------------------------------------------- */

static void orders_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_order_filter filter = {.patient = http_query(request, "patient"),
                                     .status = http_query(request, "status")};
    int rc = http_query_page(request, &filter.page, &e) ||
             apheresis_order_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field order_body[] = {
    {"patient", FIELD_INTEGER_TEXT, 1},
    {"physician", FIELD_STRING, 1},
    {"procedure_type", FIELD_STRING, 1},
    {"indication", FIELD_STRING, 1},
    {"asfa_category", FIELD_STRING, 1},
    {"asfa_grade", FIELD_STRING, 1},
    {"procedures", FIELD_INTEGER_TEXT, 1},
    {"frequency", FIELD_STRING, 1},
    {"hct", FIELD_DECIMAL_TEXT, 0},
    {"volumes", FIELD_DECIMAL_TEXT, 0},
    {"albumin_fraction", FIELD_DECIMAL_TEXT, 0},
    {"replacement_hct", FIELD_DECIMAL_TEXT, 0},
    {"remaining", FIELD_DECIMAL_TEXT, 0},
    {"target_hct", FIELD_DECIMAL_TEXT, 0},
    {"unit_ml", FIELD_DECIMAL_TEXT, 0},
    {"anticoagulant", FIELD_STRING, 0},
    {"ratio", FIELD_DECIMAL_TEXT, 0},
    {"inlet_ml_min", FIELD_DECIMAL_TEXT, 0},
    {0}};

static void orders_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_order_input in = {
        .patient = http_body_number_text(request, "patient"),
        .physician = http_body_string(request, "physician"),
        .procedure_type = http_body_string(request, "procedure_type"),
        .indication = http_body_string(request, "indication"),
        .asfa_category = http_body_string(request, "asfa_category"),
        .asfa_grade = http_body_string(request, "asfa_grade"),
        .procedures = http_body_number_text(request, "procedures"),
        .frequency = http_body_string(request, "frequency"),
        .hct = http_body_number_text(request, "hct"),
        .volumes = http_body_number_text(request, "volumes"),
        .albumin_fraction = http_body_number_text(request, "albumin_fraction"),
        .replacement_hct = http_body_number_text(request, "replacement_hct"),
        .remaining = http_body_number_text(request, "remaining"),
        .target_hct = http_body_number_text(request, "target_hct"),
        .unit_ml = http_body_number_text(request, "unit_ml"),
        .anticoagulant = http_body_string(request, "anticoagulant"),
        .ratio = http_body_number_text(request, "ratio"),
        .inlet_ml_min = http_body_number_text(request, "inlet_ml_min"),
    };
    int rc = apheresis_order_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void orders_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_order_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field cancel_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void orders_cancel(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_order_cancel(&request->service, request->path_params[0],
                                    http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- the calculators ----------------------------------------------------- */

static const char *query_value(void *request, const char *field)
{
    return http_query(request, field);
}

static void calc(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_calc_run(request->path_params[0], query_value, request, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route apheresis_routes[] = {
    {.method = "GET", .pattern = "/api/v1/patients", .handler = patients_list,
     .capability = CAPABILITY_APHERESIS, .query = "hospital,q,limit,after,sort,offset",
     .response = "ApheresisPatientList",
     .summary = "Apheresis patients by name and MRN (a nurse: of their markets' hospitals)"},
    {.method = "POST", .pattern = "/api/v1/patients", .handler = patients_create,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = patient_body,
     .response = "ApheresisPatient", .status = 201,
     .summary = "A patient at a hospital: MRN, names, birth date, sex, height, weight"},
    {.method = "GET", .pattern = "/api/v1/patients/{id}", .handler = patients_show,
     .capability = CAPABILITY_APHERESIS, .response = "ApheresisPatient",
     .summary = "A patient's record with their blood volume and orders; the read is audited"},
    {.method = "PATCH", .pattern = "/api/v1/patients/{id}", .handler = patients_edit,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = patient_edit_body,
     .response = "ApheresisPatient",
     .summary = "Change a patient's MRN, names, birth date, sex, height or weight"},
    {.method = "GET", .pattern = "/api/v1/apheresis-orders", .handler = orders_list,
     .capability = CAPABILITY_APHERESIS, .query = "patient,status,limit,after,sort,offset",
     .response = "ApheresisOrderList",
     .summary = "Physicians' apheresis orders; status=active|completed|cancelled"},
    {.method = "POST", .pattern = "/api/v1/apheresis-orders", .handler = orders_create,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = order_body,
     .response = "ApheresisOrder", .status = 201,
     .summary = "A physician's order: procedure, indication with its ASFA category and grade, "
                "course, prescription; answered with its calculations"},
    {.method = "GET", .pattern = "/api/v1/apheresis-orders/{id}", .handler = orders_show,
     .capability = CAPABILITY_APHERESIS, .response = "ApheresisOrder",
     .summary = "An order with its calculations, each figure with its inputs; the read is "
                "audited"},
    {.method = "POST", .pattern = "/api/v1/apheresis-orders/{id}/cancel",
     .handler = orders_cancel, .capability = CAPABILITY_APHERESIS_WRITE, .body = cancel_body,
     .response = "ApheresisOrder", .summary = "Cancel an active order, with its reason"},
    {.method = "GET", .pattern = "/api/v1/apheresis/calc/{name}", .handler = calc,
     .capability = CAPABILITY_APHERESIS_CALC,
     .query = "sex,height_m,weight_kg,hct,volumes,albumin_fraction,tbv_l,replacement_hct,"
              "remaining,unit_ml,inlet_ml_min,ratio,sessions",
     .response = "ApheresisCalculation",
     .summary = "A calculator (tbv, plasma-exchange, red-cell-exchange, anticoagulant, "
                "adsorptive) on the inputs given as query parameters, as `bloodops apheresis "
                "calc NAME --format json` answers"},
    {0},
};

const http_module http_module_apheresis = {
    .name = "apheresis", .area = AREA_SERVICES, .routes = apheresis_routes};
