/*
 * lookback.h - the dates of a lookback case (docs/testing.md, "Lookback"),
 * as pure date arithmetic, and what a trace does with each unit it finds.
 * The case's printable report is documents/lookback_report.h.
 *
 * Window: a donor's repeatedly reactive screening result for a marker
 * looks back at the donor's earlier donations collected on or after
 * window_start, which is LOOKBACK_WINDOW_MONTHS (12, the window
 * docs/testing.md states) calendar months before the donor's most recent
 * nonreactive result for that marker on an earlier donation, or, when
 * there is none, before the trigger donation's day. Months are calendar months clamped to the
 * month's end (12 months before 2024-02-29 is 2023-02-28).
 *
 * Deadlines are calendar days counted from the day the case is opened:
 * quarantine and consignee notice within 3 days, the follow-up result
 * within 45. A step is overdue when today is past its due day and it has
 * not been done.
 */
#ifndef BLOODOPS_DOMAIN_LOOKBACK_H
#define BLOODOPS_DOMAIN_LOOKBACK_H

#include "base/date.h"
#include "base/error.h"
#include "domain/blood_unit.h"

enum {
    LOOKBACK_WINDOW_MONTHS = 12,
    LOOKBACK_QUARANTINE_DAYS = 3,
    LOOKBACK_NOTICE_DAYS = 3,
    LOOKBACK_FOLLOWUP_DAYS = 45,
    LOOKBACK_RESULT_MAX = 500, /* characters of a follow-up result or a closing reason */
};

/* The first day of the window: `months` before the most recent
 * nonreactive result (has_nonreactive) or else before the trigger
 * donation's day. */
civil_day lookback_window_start(int has_nonreactive, civil_day last_nonreactive,
                                civil_day trigger_day, int months);

typedef enum {
    LOOKBACK_QUARANTINE, /* "quarantine" */
    LOOKBACK_NOTICE,     /* "notice": the consignees told */
    LOOKBACK_FOLLOWUP,   /* "followup": the follow-up result recorded */
    LOOKBACK_STEP_COUNT
} lookback_step;

/* -1 when unknown. */
int lookback_step_parse(const char *name);
const char *lookback_step_name(lookback_step step);

/* The due day of each step for a case opened on `opened_on`. */
civil_day lookback_due(lookback_step step, civil_day opened_on);

/* 1 when `today` is past `due` and the step is not done. */
int lookback_overdue(civil_day due, int done, civil_day today);

/* A step's done day must lie from the opening day to today. ERR_INVALID
 * naming `field`. */
int lookback_done_check(civil_day done_on, civil_day opened_on, civil_day today,
                        const char *field, err *e);

/* What the trace does with a unit of an earlier donation: still in
 * inventory (quarantined, released, allocated, returned) -> held at once;
 * shipped or transfused -> the hospital is to be told; discarded or
 * expired -> nothing. */
typedef enum {
    LOOKBACK_ACTION_QUARANTINED,
    LOOKBACK_ACTION_SHIPPED,
    LOOKBACK_ACTION_NONE
} lookback_action;

lookback_action lookback_action_for(blood_unit_status status);
/* "quarantined", "shipped", "none". */
const char *lookback_action_name(lookback_action action);

#endif
