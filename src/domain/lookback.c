/*
 * lookback.c - the window, the deadlines and the trace actions of a
 * lookback case (see lookback.h).
 */
#include <string.h>
#include "domain/lookback.h"

civil_day lookback_window_start(int has_nonreactive, civil_day last_nonreactive,
                                civil_day trigger_day, int months)
{
    return date_add_months(has_nonreactive ? last_nonreactive : trigger_day, -months);
}

static const char *const step_names[LOOKBACK_STEP_COUNT] = {"quarantine", "notice", "followup"};
static const int step_days[LOOKBACK_STEP_COUNT] = {
    LOOKBACK_QUARANTINE_DAYS, LOOKBACK_NOTICE_DAYS, LOOKBACK_FOLLOWUP_DAYS};

int lookback_step_parse(const char *name)
{
    for (int step = 0; name && step < LOOKBACK_STEP_COUNT; step++)
        if (strcmp(name, step_names[step]) == 0)
            return step;
    return -1;
}

const char *lookback_step_name(lookback_step step)
{
    return (unsigned)step < LOOKBACK_STEP_COUNT ? step_names[step] : "";
}

civil_day lookback_due(lookback_step step, civil_day opened_on)
{
    return date_add_days(opened_on, (unsigned)step < LOOKBACK_STEP_COUNT ? step_days[step] : 0);
}

int lookback_overdue(civil_day due, int done, civil_day today)
{
    return !done && today > due;
}

int lookback_done_check(civil_day done_on, civil_day opened_on, civil_day today,
                        const char *field, err *e)
{
    char day[DATE_TEXT_MAX];
    if (done_on < opened_on)
        return err_set(e, ERR_INVALID, field, "must not be before the case was opened (%s)",
                       date_format(opened_on, day, sizeof day));
    if (done_on > today)
        return err_set(e, ERR_INVALID, field, "must not be in the future");
    return 0;
}

lookback_action lookback_action_for(blood_unit_status status)
{
    if (blood_unit_status_in_inventory(status))
        return LOOKBACK_ACTION_QUARANTINED;
    if (status == UNIT_SHIPPED || status == UNIT_TRANSFUSED_REPORTED)
        return LOOKBACK_ACTION_SHIPPED;
    return LOOKBACK_ACTION_NONE;
}

const char *lookback_action_name(lookback_action action)
{
    switch (action) {
    case LOOKBACK_ACTION_QUARANTINED: return "quarantined";
    case LOOKBACK_ACTION_SHIPPED: return "shipped";
    case LOOKBACK_ACTION_NONE: break;
    }
    return "none";
}
