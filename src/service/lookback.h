/*
 * lookback.h - lookback cases (docs/testing.md, "Lookback"): opened by a
 * reactive screening result for a marker (inside the transaction of the
 * results import), the trace of the donor's earlier donations in the window,
 * the steps and their deadlines, closing, and the printable report.
 *
 * The trace (at opening) finds the donor's donations collected from the
 * window's start (domain/lookback.h) up to the trigger donation, and for
 * each of their units: still in inventory -> quarantined at once with the
 * hold "lookback case N" (a unit already quarantined only gets the hold);
 * shipped or transfused -> listed with the hospital that received it, to
 * be told; discarded or expired -> nothing. It reads through indexes only
 * (collections by donor and time, test results and units by DIN).
 */
#ifndef BLOODOPS_SERVICE_LOOKBACK_H
#define BLOODOPS_SERVICE_LOOKBACK_H

#include "base/buffer.h"
#include "documents/lookback_report.h"
#include "service/service.h"

/* Open the case for donor `donor_id`'s reactive result on `test` (of
 * `marker`) for donation `trigger_din`, and trace it, inside the caller's
 * transaction, with its audit record. *case_id is the new case; 0 when a
 * case for this donation and marker is already open or closed (nothing
 * done). */
int lookback_open_in(service_context *ctx, int64_t donor_id, const char *trigger_din,
                     const char *marker, const char *test, int64_t *case_id, err *e);

typedef struct {
    const char *status; /* "open", "closed", NULL or "" for both */
    const char *from, *to; /* opened on or after, on or before (YYYY-MM-DD); NULL or "" */
    service_page page;  /* `after` is a case id */
} lookback_filter;

/* Cases in order of id: {"items": [{"id", "donor_number", "marker", "test",
 * "trigger_din", "opened_on", "status", "next_due", "overdue": bool}],
 * "next_after"}, or sorted by "id", "opened_on", "donor_number", "marker",
 * "status" or "next_due" (closed cases, which have none, last) with
 * "total". Errors name "status", "from", "to", "sort", "offset", "after"
 * or "limit". */
int lookback_case_list(service_context *ctx, lookback_filter *filter, json_t **out, err *e);

/* One case (`id` decimal text):
 *   {"id", "status", "donor_number", "marker", "test", "trigger_din",
 *    "opened_on", "opened_at", "window_start", "window_end",
 *    "deadlines": [{"step", "due", "done_on", "overdue": bool}] (quarantine,
 *                  notice, followup),
 *    "followup_result", "closed_at", "closed_by", "close_reason",
 *    "units": [{"unit_id", "din", "product_code", "division",
 *               "status_at_trace", "status", "action", "hospital"}],
 *    "hospitals": [codes]}.
 * ERR_NOT_FOUND naming "id". */
int lookback_case_get(service_context *ctx, const char *id, json_t **out, err *e);

/* The case as a printable report (documents/lookback_report.h), appended
 * to *out: plain text, an HTML page or a PDF. `format` "text" (NULL or ""),
 * "html" or "pdf", *chosen the one it names; ERR_INVALID naming "format". */
int lookback_case_report(service_context *ctx, const char *id, const char *format, buffer *out,
                         lookback_report_format *chosen, err *e);

/* Record a step done: `step` "quarantine", "notice" or "followup";
 * `done_on` YYYY-MM-DD (NULL: today) from the opening day to today;
 * `result` the follow-up's result (required for followup, refused for the
 * others). Audited. *out is the case. ERR_CONFLICT naming "step" when it
 * was already recorded, naming "status" when the case is closed. */
typedef struct {
    const char *step, *done_on, *result;
} lookback_step_request;
int lookback_step_record(service_context *ctx, const char *id,
                         const lookback_step_request *request, json_t **out, err *e);

/* Close the case for `reason` (required); allowed only when the three
 * steps are done (ERR_CONFLICT naming "step" with the first one still
 * open). Audited. *out is the case. */
int lookback_case_close(service_context *ctx, const char *id, const char *reason, json_t **out,
                        err *e);

#endif
