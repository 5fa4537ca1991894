/*
 * capability.h - the role matrix: what a user may do, by capability, and
 * which roles hold each one. This one table decides every permission: the
 * routes name the capability they need (http.h), the services check theirs
 * for what a route cannot see (ending a permanent deferral, signing), and
 * GET /api/v1/me tells the web application which capabilities the user
 * holds so its pages and navigation follow the same table (docs/users.md).
 */
#ifndef BLOODOPS_DOMAIN_CAPABILITY_H
#define BLOODOPS_DOMAIN_CAPABILITY_H

#include "domain/role.h"

/* CAPABILITY_NONE (0) is what a table row holds when it names none: it is
 * held by nobody, so a route that forgets its capability is denied. */
typedef enum {
    CAPABILITY_NONE = 0,
    CAPABILITY_SESSION,           /* anyone logged in: their session, the version */
    CAPABILITY_REFERENCE,         /* products, DINs, test panel, labels to print */
    CAPABILITY_REGISTRY,          /* markets, centers, hospitals: read */
    CAPABILITY_MARKETS_WRITE,
    CAPABILITY_CENTERS_WRITE,
    CAPABILITY_HOSPITALS_WRITE,
    CAPABILITY_USERS,             /* the list of users */
    CAPABILITY_USERS_WRITE,
    CAPABILITY_AUDIT,             /* the audit trail and its verification */
    CAPABILITY_SETTINGS_WRITE,    /* eligibility thresholds, the required test panel */
    CAPABILITY_REPORTS,           /* the books and the reports: read */
    CAPABILITY_LEDGER_WRITE,      /* accounts, entries, reversals, shares, period close */
    CAPABILITY_DONORS,
    CAPABILITY_DONORS_WRITE,
    CAPABILITY_DEFERRALS_WRITE,
    CAPABILITY_DEFERRALS_END_PERMANENT, /* a permanent deferral made by a reactive test */
    CAPABILITY_COLLECTIONS,
    CAPABILITY_COLLECTIONS_WRITE, /* record collections, allocate DINs */
    CAPABILITY_COLLECTIONS_PROCESS,
    CAPABILITY_UNITS,
    CAPABILITY_UNITS_DISCARD,
    CAPABILITY_UNITS_EXPIRY_SWEEP,
    CAPABILITY_INVENTORY,
    CAPABILITY_TESTING,           /* import test results */
    CAPABILITY_RELEASE,           /* the release queue */
    CAPABILITY_RELEASE_SIGN,
    CAPABILITY_LOOKBACK,
    CAPABILITY_LOOKBACK_WRITE,
    CAPABILITY_BILLING,           /* customers, invoices, credits, payments, aging: read */
    CAPABILITY_BILLING_WRITE,
    CAPABILITY_CONTRACTS,         /* hospitals' supply contracts and their prices: read */
    CAPABILITY_CONTRACTS_WRITE,
    CAPABILITY_ORDERS,            /* hospitals' orders, the board, allocations: read */
    CAPABILITY_ORDERS_WRITE,
    CAPABILITY_APHERESIS,         /* apheresis patients, physicians' orders: read (market scope) */
    CAPABILITY_APHERESIS_WRITE,   /* add and edit patients, add and cancel orders */
    CAPABILITY_APHERESIS_CALC,    /* the apheresis calculators: no patient data */
    CAPABILITY_MANAGEMENT,        /* management contracts and their accrued revenue: read */
    CAPABILITY_MANAGEMENT_WRITE,  /* add, terminate, report volumes */
    CAPABILITY_TRIALS,            /* clinical-trial contracts, sites, the readiness board: read */
    CAPABILITY_TRIALS_WRITE,      /* add contracts, fees, sites; sign tasks; log training */
    CAPABILITY_COUNT
} capability;

typedef struct {
    const char *name;    /* "collections.write": as /api/v1/me lists it */
    role_set roles;      /* any one of them holds the capability */
    const char *summary; /* what it lets a user do, for help and docs */
} capability_entry;

/* The row of `c`; CAPABILITY_NONE and out-of-range values get a row of no
 * roles named "none". */
const capability_entry *capability_get(capability c);
/* 1 when a user with `roles` holds `c`. */
int capability_allows(role_set roles, capability c);
/* The capability called `name`, or CAPABILITY_NONE. */
capability capability_from_name(const char *name);

/* Scope. Donor-center staff work at their own centers: a user who holds
 * center_staff and none of the roles that see every center (admin, lab,
 * distribution, executive, auditor) sees and changes only the donors,
 * collections, units and inventory of the centers assigned to them. An
 * apheresis nurse who is not an administrator works only in the markets
 * assigned to them, even when also an executive or an auditor: the
 * market scope guards patient data, which only the nurses of the market
 * and administrators see. (docs/users.md, "Scope".) */
#define ROLES_EVERY_CENTER \
    (ROLE_ADMIN | ROLE_LAB | ROLE_DISTRIBUTION | ROLE_EXECUTIVE | ROLE_AUDITOR)
#define ROLES_EVERY_MARKET ROLE_ADMIN
/* 1 when a user with `roles` is limited to the centers assigned to them. */
int capability_limits_centers(role_set roles);
/* 1 when a user with `roles` is limited to the markets assigned to them. */
int capability_limits_markets(role_set roles);

#endif
