/*
 * api_trial.c - clinical-trial site services over HTTP
 * (docs/contract_services.md, "Clinical-trial site services"), the same
 * use cases as `bloodops trial ...`. A task is signed by the user of the
 * session, re-entering the password. Every POST takes an Idempotency-Key
 * (router.c). Its routes are declared at the end of this file.
 */
#include "http/http.h"
#include "service/trial.h"

static void contracts_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_contract_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field contract_body[] = {
    {"sponsor", FIELD_STRING, 1}, {"device", FIELD_STRING, 1}, {"protocols", FIELD_STRING, 0},
    {"market", FIELD_STRING, 0},  {"start", FIELD_STRING, 1},  {"end", FIELD_STRING, 1},
    {"cap", FIELD_STRING, 1},     {0}};

static void contracts_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    trial_contract_input in = {.sponsor = http_body_string(request, "sponsor"),
                               .device = http_body_string(request, "device"),
                               .protocols = http_body_string(request, "protocols"),
                               .market = http_body_string(request, "market"),
                               .start = http_body_string(request, "start"),
                               .end = http_body_string(request, "end"),
                               .cap = http_body_string(request, "cap")};
    int rc = trial_contract_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void contracts_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_contract_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field fee_body[] = {
    {"kind", FIELD_STRING, 1}, {"price", FIELD_STRING, 1}, {0}};

static void contracts_fee(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_fee_set(&request->service, request->path_params[0],
                           http_body_string(request, "kind"), http_body_string(request, "price"),
                           &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void contracts_board(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_board(&request->service, request->path_params[0],
                         http_query(request, "country"), http_query(request, "status"), &result,
                         &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field site_body[] = {
    {"name", FIELD_STRING, 1}, {"country", FIELD_STRING, 1},      {"city", FIELD_STRING, 1},
    {"investigator", FIELD_STRING, 1}, {"market", FIELD_STRING, 0}, {0}};

static void sites_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    trial_site_input in = {.name = http_body_string(request, "name"),
                           .country = http_body_string(request, "country"),
                           .city = http_body_string(request, "city"),
                           .investigator = http_body_string(request, "investigator"),
                           .market = http_body_string(request, "market")};
    int rc = trial_site_add(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void sites_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_site_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* The signer is the user of the session, re-entering the password. */
static const http_field task_body[] = {
    {"kind", FIELD_STRING, 1}, {"date", FIELD_STRING, 1}, {"password", FIELD_STRING, 1}, {0}};

static void sites_task(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_task_sign(&request->service, request->path_params[0],
                             http_body_string(request, "kind"), http_body_string(request, "date"),
                             request->service.actor.username,
                             http_body_string(request, "password"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field training_body[] = {
    {"person", FIELD_STRING, 1},  {"role", FIELD_STRING, 1},  {"date", FIELD_STRING, 1},
    {"trainer", FIELD_STRING, 1}, {"topic", FIELD_STRING, 0}, {0}};

static void sites_train(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    trial_training_input in = {.person = http_body_string(request, "person"),
                               .role = http_body_string(request, "role"),
                               .date = http_body_string(request, "date"),
                               .trainer = http_body_string(request, "trainer"),
                               .topic = http_body_string(request, "topic")};
    int rc = trial_train(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field procedure_body[] = {{"procedure", FIELD_INTEGER_TEXT, 1}, {0}};

static void sites_procedure(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = trial_procedure_link(&request->service, request->path_params[0],
                                  http_body_number_text(request, "procedure"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route trial_routes[] = {
    {.method = "GET", .pattern = "/api/v1/trial-contracts", .handler = contracts_list,
     .capability = CAPABILITY_TRIALS, .response = "TrialContractList",
     .summary = "Clinical-trial contracts with billed, cap and headroom"},
    {.method = "POST", .pattern = "/api/v1/trial-contracts", .handler = contracts_add,
     .capability = CAPABILITY_TRIALS_WRITE, .body = contract_body, .response = "TrialContract",
     .status = 201,
     .summary = "A sponsor's trial contract: sponsor, device, protocols, start, end and cap"},
    {.method = "GET", .pattern = "/api/v1/trial-contracts/{id}", .handler = contracts_show,
     .capability = CAPABILITY_TRIALS, .response = "TrialContract",
     .summary = "A trial contract: billed, cap, headroom, fees, sites and bills"},
    {.method = "POST", .pattern = "/api/v1/trial-contracts/{id}/fees", .handler = contracts_fee,
     .capability = CAPABILITY_TRIALS_WRITE, .body = fee_body, .response = "TrialContract",
     .summary = "Set the fee of setup, verification, training or procedure"},
    {.method = "GET", .pattern = "/api/v1/trial-contracts/{id}/board",
     .handler = contracts_board, .capability = CAPABILITY_TRIALS, .query = "country,status",
     .response = "TrialBoard",
     .summary = "The readiness board: each site of the contract and what it still lacks"},
    {.method = "POST", .pattern = "/api/v1/trial-contracts/{id}/sites", .handler = sites_add,
     .capability = CAPABILITY_TRIALS_WRITE, .body = site_body, .response = "TrialSite",
     .status = 201,
     .summary = "A site of the contract: name, country (US or CA), city, investigator"},
    {.method = "GET", .pattern = "/api/v1/trial-sites/{id}", .handler = sites_show,
     .capability = CAPABILITY_TRIALS, .response = "TrialSite",
     .summary = "A site with its signed-off tasks, training log and bills"},
    {.method = "POST", .pattern = "/api/v1/trial-sites/{id}/tasks", .handler = sites_task,
     .capability = CAPABILITY_TRIALS_WRITE, .body = task_body, .response = "TrialSite",
     .summary = "Sign off a site task (password re-entered); bills its fee under the cap"},
    {.method = "POST", .pattern = "/api/v1/trial-sites/{id}/training", .handler = sites_train,
     .capability = CAPABILITY_TRIALS_WRITE, .body = training_body, .response = "TrialSite",
     .summary = "Log a training of the site's investigator or nurse"},
    {.method = "POST", .pattern = "/api/v1/trial-sites/{id}/procedures",
     .handler = sites_procedure, .capability = CAPABILITY_TRIALS_WRITE, .body = procedure_body,
     .response = "TrialSite",
     .summary = "Link a signed apheresis procedure as investigational; bills its fee under "
                "the cap"},
    {0},
};

const http_module http_module_trial = {
    .name = "trial", .area = AREA_SERVICES, .routes = trial_routes};
