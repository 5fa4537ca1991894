/*
 * role.h - the roles (docs/users.md, "Roles") and their sets.
 *
 * A user holds one or more roles; a route or a service allows a set of
 * roles. Sets are bit masks so the check on every request is one AND.
 */
#ifndef BLOODOPS_DOMAIN_ROLE_H
#define BLOODOPS_DOMAIN_ROLE_H

#include <stddef.h>
#include "base/error.h"

typedef enum {
    ROLE_ADMIN = 1u << 0,
    ROLE_CENTER_STAFF = 1u << 1,
    ROLE_LAB = 1u << 2,
    ROLE_DISTRIBUTION = 1u << 3,
    ROLE_APHERESIS_NURSE = 1u << 4,
    ROLE_CONTRACT_SERVICES = 1u << 5,
    ROLE_FINANCE = 1u << 6,
    ROLE_EXECUTIVE = 1u << 7,
    ROLE_AUDITOR = 1u << 8,
} role;

typedef unsigned role_set;

#define ROLE_COUNT 9
#define ROLES_ALL ((role_set)((1u << ROLE_COUNT) - 1))
/* Roles that may change state; the auditor only reads. */
#define ROLES_WRITERS (ROLES_ALL & ~(role_set)ROLE_AUDITOR)

/* "center_staff" -> ROLE_CENTER_STAFF; 0 when unknown. */
role role_from_name(const char *name);
const char *role_name(role r);

/* Parse "finance,executive" (comma-separated, no duplicates, at least one). */
int role_set_parse(const char *text, role_set *out, const char *field, err *e);
/* Write "finance,executive" into out; returns out. */
char *role_set_format(role_set roles, char *out, size_t size);

#endif
