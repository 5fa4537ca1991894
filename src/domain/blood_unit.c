/*
 * blood_unit.c - the unit state machine (see blood_unit.h): the table of
 * allowed transitions and the message that names the current state.
 */
#include <string.h>
#include "domain/blood_unit.h"

static const char *const status_names[UNIT_STATUS_COUNT] = {
    "quarantined", "released", "allocated", "shipped",
    "returned",    "discarded", "expired",  "transfused_reported",
};

#define TO(status) (1u << (status))

/* allowed[from] is the set of statuses `from` may move to. */
static const unsigned allowed[UNIT_STATUS_COUNT] = {
    /* tested and signed, or found unfit */
    [UNIT_QUARANTINED] = TO(UNIT_RELEASED) | TO(UNIT_DISCARDED) | TO(UNIT_EXPIRED),
    /* on the shelf: picked for an order, held again (lookback), or lost */
    [UNIT_RELEASED] =
        TO(UNIT_ALLOCATED) | TO(UNIT_QUARANTINED) | TO(UNIT_DISCARDED) | TO(UNIT_EXPIRED),
    /* picked: shipped, put back on the shelf, or held */
    [UNIT_ALLOCATED] = TO(UNIT_SHIPPED) | TO(UNIT_RELEASED) | TO(UNIT_QUARANTINED) |
                       TO(UNIT_DISCARDED) | TO(UNIT_EXPIRED),
    /* at the hospital: transfused, or sent back */
    [UNIT_SHIPPED] = TO(UNIT_RETURNED) | TO(UNIT_TRANSFUSED_REPORTED),
    /* back from a hospital: inspected and put back, held, or thrown away */
    [UNIT_RETURNED] =
        TO(UNIT_RELEASED) | TO(UNIT_QUARANTINED) | TO(UNIT_DISCARDED) | TO(UNIT_EXPIRED),
    [UNIT_DISCARDED] = 0,
    [UNIT_EXPIRED] = 0,
    [UNIT_TRANSFUSED_REPORTED] = 0,
};

const char *blood_unit_status_name(blood_unit_status status)
{
    return (unsigned)status < UNIT_STATUS_COUNT ? status_names[status] : "unknown";
}

static const char *const status_labels[UNIT_STATUS_COUNT] = {
    "Quarantined", "Released", "Allocated", "Shipped",
    "Returned",    "Discarded", "Expired", "Transfused (reported)",
};

const char *blood_unit_status_label(blood_unit_status status)
{
    return (unsigned)status < UNIT_STATUS_COUNT ? status_labels[status] : "Unknown";
}

int blood_unit_status_parse(const char *name)
{
    for (int status = 0; name && status < UNIT_STATUS_COUNT; status++)
        if (strcmp(name, status_names[status]) == 0)
            return status;
    return -1;
}

int blood_unit_status_final(blood_unit_status status)
{
    return (unsigned)status < UNIT_STATUS_COUNT && allowed[status] == 0;
}

int blood_unit_status_in_inventory(blood_unit_status status)
{
    return status == UNIT_QUARANTINED || status == UNIT_RELEASED || status == UNIT_ALLOCATED ||
           status == UNIT_RETURNED;
}

int blood_unit_transition_check(blood_unit_status from, blood_unit_status to, err *e)
{
    if ((unsigned)from >= UNIT_STATUS_COUNT || (unsigned)to >= UNIT_STATUS_COUNT)
        return err_set(e, ERR_INVALID, "status", "is not a unit status");
    if (allowed[from] & TO(to))
        return 0;
    if (allowed[from] == 0)
        return err_set(e, ERR_CONFLICT, "status", "unit is %s: it cannot become %s (%s is final)",
                       status_names[from], status_names[to], status_names[from]);
    char choices[160] = "";
    for (int next = 0; next < UNIT_STATUS_COUNT; next++) {
        if (!(allowed[from] & TO(next)))
            continue;
        if (choices[0])
            strncat(choices, ", ", sizeof choices - strlen(choices) - 1);
        strncat(choices, status_names[next], sizeof choices - strlen(choices) - 1);
    }
    return err_set(e, ERR_CONFLICT, "status",
                   "unit is %s: it cannot become %s (from %s it can become %s)",
                   status_names[from], status_names[to], status_names[from], choices);
}
