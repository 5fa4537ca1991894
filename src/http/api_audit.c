/*
 * api_audit.c - the audit trail for auditors and administrators:
 *   GET /api/v1/audit?entity=&since=&limit=&after=
 *   GET /api/v1/audit/verify
 */
#include "http/http.h"
#include "service/audit.h"

static void audit_log(http_request *request, http_response *response)
{
    err e;
    json_t *result;
    audit_filter filter = {.entity = http_query(request, "entity"),
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

const http_route http_routes_audit[] = {
    {"GET", "/api/v1/audit", audit_log, ROLE_ADMIN | ROLE_AUDITOR, 0},
    {"GET", "/api/v1/audit/verify", audit_check, ROLE_ADMIN | ROLE_AUDITOR, 0},
    {0},
};
