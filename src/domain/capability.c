/*
 * capability.c - the role matrix (see capability.h): every capability, the
 * roles that hold it and what it allows.
 */
#include <string.h>
#include "domain/capability.h"

#define ROLES_BUT_FINANCE (ROLES_ALL & ~(role_set)ROLE_FINANCE)

static const capability_entry capabilities[CAPABILITY_COUNT] = {
    [CAPABILITY_NONE] = {"none", 0, "nothing: what a route that names no capability gets"},
    [CAPABILITY_SESSION] = {"session", ROLES_ALL, "see and end one's own session"},
    [CAPABILITY_REFERENCE] = {"reference", ROLES_ALL,
                              "read the product catalog, DINs, the test panel, print labels"},
    [CAPABILITY_REGISTRY] = {"registry", ROLES_ALL, "read markets, donor centers and hospitals"},
    [CAPABILITY_MARKETS_WRITE] = {"markets.write", ROLE_ADMIN, "add and edit markets"},
    [CAPABILITY_CENTERS_WRITE] = {"centers.write", ROLE_ADMIN,
                                  "add, edit and close donor centers"},
    [CAPABILITY_HOSPITALS_WRITE] = {"hospitals.write",
                                    ROLE_ADMIN | ROLE_DISTRIBUTION | ROLE_FINANCE,
                                    "add and edit hospitals"},
    [CAPABILITY_USERS] = {"users", ROLE_ADMIN | ROLE_AUDITOR, "list users and their roles"},
    [CAPABILITY_USERS_WRITE] = {"users.write", ROLE_ADMIN,
                                "add users, set passwords, disable users"},
    [CAPABILITY_AUDIT] = {"audit", ROLE_ADMIN | ROLE_AUDITOR,
                          "read and verify the audit trail"},
    [CAPABILITY_SETTINGS_WRITE] = {"settings.write", ROLE_ADMIN,
                                   "set eligibility thresholds and the required test panel"},
    [CAPABILITY_REPORTS] = {"reports", ROLE_FINANCE | ROLE_EXECUTIVE | ROLE_AUDITOR | ROLE_ADMIN,
                            "read the books, the financial reports and the quarterly results"},
    [CAPABILITY_LEDGER_WRITE] = {"ledger.write", ROLE_FINANCE | ROLE_ADMIN,
                                 "add accounts and entries, reverse, set shares, close periods"},
    [CAPABILITY_DONORS] = {"donors",
                           ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB | ROLE_DISTRIBUTION |
                               ROLE_AUDITOR | ROLE_EXECUTIVE,
                           "read donors, their deferrals and eligibility"},
    [CAPABILITY_DONORS_WRITE] = {"donors.write", ROLE_ADMIN | ROLE_CENTER_STAFF,
                                 "register and edit donors"},
    [CAPABILITY_DEFERRALS_WRITE] = {"deferrals.write", ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB,
                                    "defer donors and end deferrals"},
    [CAPABILITY_DEFERRALS_END_PERMANENT] = {"deferrals.end_permanent", ROLE_ADMIN,
                                            "end a permanent deferral made by a reactive test"},
    [CAPABILITY_COLLECTIONS] = {"collections", ROLES_BUT_FINANCE, "read collections"},
    [CAPABILITY_COLLECTIONS_WRITE] = {"collections.write", ROLE_ADMIN | ROLE_CENTER_STAFF,
                                      "record collections and allocate DINs"},
    [CAPABILITY_COLLECTIONS_PROCESS] = {"collections.process",
                                        ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB,
                                        "process collections into units"},
    [CAPABILITY_UNITS] = {"units", ROLES_BUT_FINANCE, "look units up, print their labels"},
    [CAPABILITY_UNITS_DISCARD] = {"units.discard", ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB,
                                  "discard units"},
    [CAPABILITY_UNITS_EXPIRY_SWEEP] = {"units.expiry_sweep", ROLE_ADMIN,
                                       "mark expired units expired"},
    [CAPABILITY_INVENTORY] = {"inventory", ROLES_BUT_FINANCE, "read the inventory"},
    [CAPABILITY_TESTING] = {"testing", ROLE_LAB | ROLE_ADMIN, "import test results"},
    [CAPABILITY_RELEASE] = {"release", ROLE_LAB | ROLE_ADMIN | ROLE_CENTER_STAFF,
                            "read the release queue"},
    [CAPABILITY_RELEASE_SIGN] = {"release.sign", ROLE_LAB | ROLE_ADMIN,
                                 "release units with an electronic signature"},
    [CAPABILITY_LOOKBACK] = {"lookback", ROLE_LAB | ROLE_ADMIN | ROLE_DISTRIBUTION | ROLE_AUDITOR,
                             "read lookback cases and their reports"},
    [CAPABILITY_LOOKBACK_WRITE] = {"lookback.write", ROLE_LAB | ROLE_ADMIN,
                                   "record lookback steps and close cases"},
    [CAPABILITY_BILLING] = {"billing", ROLE_FINANCE | ROLE_EXECUTIVE | ROLE_AUDITOR | ROLE_ADMIN,
                            "read customers, invoices, credits, payments and the aging"},
    [CAPABILITY_BILLING_WRITE] = {"billing.write", ROLE_FINANCE | ROLE_ADMIN,
                                  "add customers, issue invoices and credits, record payments"},
    [CAPABILITY_CONTRACTS] = {"contracts",
                              ROLE_DISTRIBUTION | ROLE_FINANCE | ROLE_EXECUTIVE | ROLE_AUDITOR |
                                  ROLE_ADMIN,
                              "read hospitals' supply contracts, their prices and surcharges"},
    [CAPABILITY_CONTRACTS_WRITE] = {"contracts.write", ROLE_DISTRIBUTION | ROLE_ADMIN,
                                    "add and renew supply contracts, set their prices"},
    [CAPABILITY_ORDERS] = {"orders",
                           ROLE_DISTRIBUTION | ROLE_EXECUTIVE | ROLE_AUDITOR | ROLE_ADMIN,
                           "read hospitals' orders, the open-orders board, allocations and the "
                           "ABO substitution table"},
    [CAPABILITY_ORDERS_WRITE] = {"orders.write", ROLE_DISTRIBUTION | ROLE_ADMIN,
                                 "take orders, allocate units to them and undo allocations"},
    /* Patient data: only the nurses who treat them (of their markets'
     * hospitals) and administrators; executives and auditors read the
     * volumes and prices (reports, contracts), never a patient. */
    [CAPABILITY_APHERESIS] = {"apheresis", ROLE_APHERESIS_NURSE | ROLE_ADMIN,
                              "read apheresis patients, physicians' orders with their "
                              "calculations, bookings and procedure records (nurses: of their "
                              "markets' hospitals)"},
    [CAPABILITY_APHERESIS_WRITE] = {"apheresis.write", ROLE_APHERESIS_NURSE | ROLE_ADMIN,
                                    "add and edit apheresis patients, add and cancel "
                                    "physicians' orders"},
    /* The calculators hold no patient data: the clinical roles and those
     * who read the orders whose figures they check. */
    [CAPABILITY_APHERESIS_CALC] = {"apheresis.calc",
                                   ROLE_APHERESIS_NURSE | ROLE_LAB | ROLE_EXECUTIVE |
                                       ROLE_AUDITOR | ROLE_ADMIN,
                                   "use the apheresis calculators (blood volume, plasma and "
                                   "red cell exchange, anticoagulant, adsorptive course)"},
    [CAPABILITY_MANAGEMENT] = {"management",
                               ROLE_CONTRACT_SERVICES | ROLE_FINANCE | ROLE_EXECUTIVE |
                                   ROLE_AUDITOR | ROLE_ADMIN,
                               "read management contracts and the revenue they accrued"},
    [CAPABILITY_MANAGEMENT_WRITE] = {"management.write", ROLE_CONTRACT_SERVICES | ROLE_ADMIN,
                                     "add and terminate management contracts, report their "
                                     "volumes"},
    [CAPABILITY_TRIALS] = {"trials",
                           ROLE_CONTRACT_SERVICES | ROLE_FINANCE | ROLE_EXECUTIVE | ROLE_AUDITOR |
                               ROLE_ADMIN,
                           "read clinical-trial contracts, their sites, the readiness board and "
                           "what was billed under the cap"},
    [CAPABILITY_TRIALS_WRITE] = {"trials.write", ROLE_CONTRACT_SERVICES | ROLE_ADMIN,
                                 "add clinical-trial contracts, fees and sites, sign off site "
                                 "tasks, log training, link investigational procedures"},
};

const capability_entry *capability_get(capability c)
{
    if ((int)c <= 0 || c >= CAPABILITY_COUNT)
        return &capabilities[CAPABILITY_NONE];
    return &capabilities[c];
}

int capability_allows(role_set roles, capability c)
{
    return (roles & capability_get(c)->roles) != 0;
}

capability capability_from_name(const char *name)
{
    for (int c = 1; c < CAPABILITY_COUNT; c++)
        if (strcmp(capabilities[c].name, name) == 0)
            return (capability)c;
    return CAPABILITY_NONE;
}

int capability_limits_centers(role_set roles)
{
    return (roles & ROLE_CENTER_STAFF) && !(roles & ROLES_EVERY_CENTER);
}

int capability_limits_markets(role_set roles)
{
    return (roles & ROLE_APHERESIS_NURSE) && !(roles & ROLES_EVERY_MARKET);
}
