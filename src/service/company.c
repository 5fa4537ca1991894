/*
 * company.c - the company record (one row of `company`, schema/014): its
 * name for documents and printouts. This file is the table's only writer.
 */
#include "service/company.h"

#include <string.h>

#include "domain/registry.h"
#include "service/audit.h"

static json_t *company_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s}", "name", db_column_text(stmt, 0), "updated_at",
                     db_column_text(stmt, 1));
}

static int company_fetch(db_conn *db, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT name, updated_at FROM company WHERE id = 1", &stmt, e))
        return -1;
    return service_fetch_one(stmt, company_json, out, "name", e, "the company record is missing");
}

int company_get(service_context *ctx, json_t **out, err *e)
{
    return company_fetch(ctx->db, out, e);
}

int company_name(db_conn *db, char out[COMPANY_NAME_MAX], err *e)
{
    json_t *company = NULL;
    out[0] = '\0';
    if (company_fetch(db, &company, e))
        return -1;
    snprintf(out, COMPANY_NAME_MAX, "%s", json_string_value(json_object_get(company, "name")));
    json_decref(company);
    return 0;
}

int company_set(service_context *ctx, const char *name, json_t **out, err *e)
{
    if (!name)
        return err_set(e, ERR_INVALID, "name", "is required");
    if (registry_name_check(name, "name", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    if (company_fetch(ctx->db, &before, e))
        goto done;
    if (strcmp(name, json_string_value(json_object_get(before, "name"))) == 0) {
        after = json_incref(before); /* nothing changes: nothing written */
        rc = 0;
        goto done;
    }
    if (db_prepare(ctx->db, "UPDATE company SET name = ?1, updated_at = ?2 WHERE id = 1", &stmt,
                   e))
        goto done;
    db_bind_text(stmt, 1, name);
    db_bind_text(stmt, 2, timestamp_format(timestamp_now(), now, sizeof now));
    if (db_exec_stmt(stmt, e) || company_fetch(ctx->db, &after, e) ||
        audit_append(ctx, "company", "1", "update", before, after, NULL, e))
        goto done;
    rc = 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}
