/*
 * role.c - role names and role sets (see role.h).
 */
#include <string.h>
#include <stdio.h>
#include "domain/role.h"

static const char *const role_names[ROLE_COUNT] = {
    "admin",   "center_staff", "lab",      "distribution", "apheresis_nurse",
    "contract_services", "finance", "executive", "auditor",
};

role role_from_name(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(name, role_names[i]) == 0)
            return (role)(1u << i);
    return 0;
}

const char *role_name(role r)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (r == (role)(1u << i))
            return role_names[i];
    return "?";
}

int role_set_parse(const char *text, role_set *out, const char *field, err *e)
{
    role_set roles = 0;
    const char *start = text ? text : "";
    for (;;) {
        const char *end = strchr(start, ',');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        char name[32];
        if (length == 0 || length >= sizeof name)
            return err_set(e, ERR_INVALID, field,
                           "must be one or more roles separated by commas, e.g. finance,executive");
        memcpy(name, start, length);
        name[length] = '\0';
        role r = role_from_name(name);
        if (!r)
            return err_set(e, ERR_INVALID, field,
                           "unknown role '%s' (roles: admin, center_staff, lab, distribution, "
                           "apheresis_nurse, contract_services, finance, executive, auditor)",
                           name);
        if (roles & r)
            return err_set(e, ERR_INVALID, field, "role '%s' is given twice", name);
        roles |= r;
        if (!end)
            break;
        start = end + 1;
    }
    *out = roles;
    return 0;
}

char *role_set_format(role_set roles, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (!(roles & (1u << i)))
            continue;
        int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", role_names[i]);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return out;
}
