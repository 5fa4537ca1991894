/*
 * company.h - the company that runs this installation (docs/registry.md,
 * "The company"): its name, which documents and printouts carry. One
 * record, read by anyone logged in, changed by an administrator.
 */
#ifndef BLOODOPS_SERVICE_COMPANY_H
#define BLOODOPS_SERVICE_COMPANY_H

#include "domain/registry.h"
#include "service/service.h"

enum { COMPANY_NAME_MAX = REGISTRY_NAME_BYTES_MAX };

/* {"name", "updated_at"}. */
int company_get(service_context *ctx, json_t **out, err *e);

/* The name alone, into `out` ("" when none is set): for documents. */
int company_name(db_conn *db, char out[COMPANY_NAME_MAX], err *e);

/* Set the name (required, a display name as the registry's: 1 to 120
 * characters, no surrounding space, no control characters; errors name
 * "name"), audited ("company", "update"). A name
 * that does not change writes nothing. */
int company_set(service_context *ctx, const char *name, json_t **out, err *e);

#endif
