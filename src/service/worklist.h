/*
 * worklist.h - the work of the day on each operational role's home page
 * (docs/worklists.md): one read composed of the other services' reads, with
 * the sections the acting user's capabilities allow (domain/worklist.h) and
 * within their scope.
 */
#ifndef BLOODOPS_SERVICE_WORKLIST_H
#define BLOODOPS_SERVICE_WORKLIST_H

#include "service/service.h"

/* The worklist of the acting user, with at most `limit` items per section
 * (decimal text, 1 to 500; NULL: 10), each section counting every item:
 *   {"today": "YYYY-MM-DD",
 *    "sections": [{"name", "area", "title", "count", "items": [...], ...}]}
 * in the order of domain/worklist.h, only those the user gets ([] for a
 * user who gets none). The sections and their items:
 *   collections_today  "on" (today): [{"din", "eye_readable", "donor_number",
 *                      "center", "procedure", "collected_at", "processed"}],
 *                      the latest first;
 *   donors_due_back    "days": donor_due_back's items (service/donor.h);
 *   release_queue      [{"state": "ready"|"waiting"|"blocked", "count"}],
 *                      count: every unit in the queue;
 *   lookback_deadlines "due_by": open cases whose next step is due by then
 *                      (or overdue): [{"id", "donor_number", "marker",
 *                      "trigger_din", "trigger_eye_readable", "next_due",
 *                      "overdue"}], soonest first;
 *   periods_to_close   "last_closed": ledger_periods_to_close's items;
 *   quarter_findings   "quarter" (null when nothing is posted): [texts].
 * ERR_INVALID naming "limit". */
int worklist_get(service_context *ctx, const char *limit, json_t **out, err *e);

#endif
