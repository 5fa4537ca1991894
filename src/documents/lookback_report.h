/*
 * lookback_report.h - the printable report of a lookback case
 * (docs/testing.md, "Lookback"): the case's facts, its deadlines, the units
 * the trace found and the hospitals to notify, as plain text, as an HTML
 * page or as a PDF (the text set on pages, documents/pdf.h). The tables go
 * through the table writer (documents/table.h).
 *
 * The case comes as plain values, filled by the service from the case it
 * reads (service/lookback.c); a text that is NULL prints as "-".
 */
#ifndef BLOODOPS_DOCUMENTS_LOOKBACK_REPORT_H
#define BLOODOPS_DOCUMENTS_LOOKBACK_REPORT_H

#include <stddef.h>
#include "base/buffer.h"
#include "base/error.h"
#include "documents/document_format.h"

/* The formats of every document (documents/document_format.h). */
typedef enum {
    LOOKBACK_REPORT_TEXT = DOCUMENT_TEXT,
    LOOKBACK_REPORT_HTML = DOCUMENT_HTML,
    LOOKBACK_REPORT_PDF = DOCUMENT_PDF
} lookback_report_format;

/* "text" (NULL or "" too), "html" or "pdf"; -1 when unknown. */
int lookback_report_format_parse(const char *name);
/* "text/plain; charset=utf-8", "text/html; charset=utf-8",
 * "application/pdf". */
const char *lookback_report_content_type(lookback_report_format format);

typedef struct {
    const char *step, *due;
    const char *done_on; /* NULL: not done */
    int overdue;
} lookback_report_deadline;

typedef struct {
    const char *din, *product_code, *division, *status_at_trace, *status, *action;
    const char *hospital;   /* NULL: none */
    const char *shipped_on; /* the day its latest shipment left; NULL: never shipped */
} lookback_report_unit;

typedef struct {
    long long id;
    const char *status, *donor_number, *marker, *test;
    const char *trigger_din;               /* as printed: "W0001 26 000009 [5]" */
    const char *window_start, *window_end; /* the window, its end excluded */
    const char *opened_on, *opened_at;
    const char *followup_result;                      /* NULL: not recorded */
    const char *closed_at, *closed_by, *close_reason; /* closed_at NULL: open */
    const lookback_report_deadline *deadlines;
    size_t deadline_count;
    const lookback_report_unit *units;
    size_t unit_count;
    const char *const *hospitals; /* their codes */
    size_t hospital_count;
    const char *company; /* who issues the report (the PDF's footers); NULL: none */
} lookback_report;

/* Append the report to *out. ERR_INTERNAL when cairo fails (PDF). */
int lookback_report_render(const lookback_report *report, lookback_report_format format,
                           buffer *out, err *e);

#endif
