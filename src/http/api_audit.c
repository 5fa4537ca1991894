/*
 * api_audit.c - the audit trail and the check of its hash chain.
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include "http/http.h"
#include "service/audit.h"

static void audit_log(http_request *request, http_response *response)
{
    err e;
    json_t *result;
    audit_filter filter = {.entity = http_query(request, "entity"),
                           .entity_id = http_query(request, "entity_id"),
                           .actor = http_query(request, "actor"),
                           .action = http_query(request, "action"),
                           .from = http_query(request, "from"),
                           .to = http_query(request, "to"),
                           .since = http_query(request, "since")};
    if (http_query_page(request, &filter.page, &e) ||
        audit_list(&request->service, &filter, &result, &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200, result);
}

static void audit_check(http_request *request, http_response *response)
{
    err e;
    audit_verification verification;
    if (audit_verify(request->service.db, &verification, &e)) {
        http_reply_error(response, &e);
        return;
    }
    json_t *result = json_pack("{s:b, s:I}", "intact", verification.first_bad_seq == 0,
                               "records_checked", (json_int_t)verification.records_checked);
    if (verification.first_bad_seq) {
        json_object_set_new(result, "first_bad_seq", json_integer(verification.first_bad_seq));
        json_object_set_new(result, "problem", json_string(verification.problem));
    }
    http_reply(response, 200, result);
}

static const http_route audit_routes[] = {
    {.method = "GET", .pattern = "/api/v1/audit", .handler = audit_log,
     .capability = CAPABILITY_AUDIT,
     .query = "entity,entity_id,actor,action,from,to,since,limit,after,sort,offset",
     .response = "AuditList",
     .summary = "The audit trail, filtered by record, actor, action and days; in order of "
                "record number, or sorted (sort=-seq: newest first) with the total"},
    {.method = "GET", .pattern = "/api/v1/audit/verify", .handler = audit_check,
     .capability = CAPABILITY_AUDIT, .response = "AuditVerification",
     .summary = "Check the audit trail's hash chain"},
    {0},
};

const http_module http_module_audit = {
    .name = "audit", .area = AREA_ADMINISTRATION, .routes = audit_routes};
