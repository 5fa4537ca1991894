/*
 * worklist.c - the sections of a worklist and who gets them (see
 * worklist.h; docs/worklists.md).
 */
#include "domain/worklist.h"

static const worklist_section_entry sections[WORKLIST_SECTION_COUNT] = {
    [WORKLIST_COLLECTIONS_TODAY] = {"collections_today", "Collections today", AREA_DONORS,
                                    CAPABILITY_COLLECTIONS_WRITE},
    [WORKLIST_DONORS_DUE_BACK] = {"donors_due_back", "Donors due back", AREA_DONORS,
                                  CAPABILITY_COLLECTIONS_WRITE},
    [WORKLIST_RELEASE_QUEUE] = {"release_queue", "Units waiting for release", AREA_LABORATORY,
                                CAPABILITY_RELEASE_SIGN},
    [WORKLIST_ABO_DISCREPANCIES] = {"abo_discrepancies", "ABO/RhD discrepancies to resolve",
                                    AREA_LABORATORY, CAPABILITY_TESTING},
    [WORKLIST_LOOKBACK_DEADLINES] = {"lookback_deadlines", "Lookback deadlines",
                                     AREA_LABORATORY, CAPABILITY_LOOKBACK_WRITE},
    [WORKLIST_PERIODS_TO_CLOSE] = {"periods_to_close", "Periods to close", AREA_FINANCE,
                                   CAPABILITY_LEDGER_WRITE},
    [WORKLIST_QUARTER_FINDINGS] = {"quarter_findings", "Consistency findings", AREA_FINANCE,
                                   CAPABILITY_LEDGER_WRITE},
};

const worklist_section_entry *worklist_section_get(worklist_section s)
{
    return (int)s >= 0 && s < WORKLIST_SECTION_COUNT ? &sections[s] : NULL;
}

int worklist_section_allowed(role_set roles, worklist_section s)
{
    const worklist_section_entry *entry = worklist_section_get(s);
    return entry && capability_allows(roles, entry->capability);
}
