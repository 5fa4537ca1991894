/*
 * lookback_report.c - the report of a lookback case (lookback_report.h):
 * four blocks, each a plain table of the table writer (the facts, the
 * deadlines, the units traced) or a line (the hospitals to notify), in
 * text with capitals for the headings, in HTML with an <h2> for each; the
 * PDF is the text set on pages.
 */
#include "documents/lookback_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/pdf.h"
#include "documents/table.h"

int lookback_report_format_parse(const char *name)
{
    return document_format_parse(name);
}

const char *lookback_report_content_type(lookback_report_format format)
{
    return document_content_type((document_format)format);
}

static const char *shown(const char *text)
{
    return text ? text : "-";
}

/* --- the facts: [label, value] ---------------------------------------------- */

enum { FACTS_MAX = 8 };

typedef struct {
    const char *label[FACTS_MAX];
    char *value[FACTS_MAX];
    size_t count;
} facts;

static void fact(facts *f, const char *label, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void fact(facts *f, const char *label, const char *format, ...)
{
    if (f->count == FACTS_MAX)
        return;
    buffer value = BUFFER_INIT;
    va_list args;
    va_start(args, format);
    buffer_vprintf(&value, format, args);
    va_end(args);
    f->label[f->count] = label;
    f->value[f->count++] = buffer_take(&value);
}

static void facts_of(const lookback_report *r, facts *f)
{
    memset(f, 0, sizeof *f);
    fact(f, "Status", "%s", shown(r->status));
    fact(f, "Donor", "%s", shown(r->donor_number));
    fact(f, "Marker", "%s (reactive %s)", shown(r->marker), shown(r->test));
    fact(f, "Trigger donation", "%s", shown(r->trigger_din));
    fact(f, "Window", "donations collected from %s to before %s", shown(r->window_start),
         shown(r->window_end));
    fact(f, "Opened", "%s (%s)", shown(r->opened_on), shown(r->opened_at));
    fact(f, "Follow-up result", "%s", shown(r->followup_result));
    if (r->closed_at)
        fact(f, "Closed", "%s by %s: %s", r->closed_at, shown(r->closed_by),
             shown(r->close_reason));
}

static void facts_free(facts *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->value[i]);
}

/* --- the tables, in either format -------------------------------------------- */

/* The heads of the text and of the HTML differ in case only, and in the
 * division's name ("DIV" in the narrow text column). */
static const char *head(table_format format, const char *text_head, const char *html_head)
{
    return format == TABLE_HTML ? html_head : text_head;
}

static void facts_table(const lookback_report *r, table_format format, buffer *out)
{
    facts f;
    facts_of(r, &f);
    table t;
    table_init(&t, out, format, TABLE_STUB);
    table_add_column(&t, NULL, 18, TABLE_LEFT);
    table_add_column(&t, NULL, 0, TABLE_LEFT);
    table_begin(&t, NULL, NULL);
    for (size_t i = 0; i < f.count; i++)
        table_row(&t, (const char *[]){f.label[i], f.value[i]});
    table_end(&t);
    facts_free(&f);
}

static void deadlines_table(const lookback_report *r, table_format format, buffer *out)
{
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, head(format, "step", "Step"), 12, TABLE_LEFT);
    table_add_column(&t, head(format, "due", "Due"), 11, TABLE_LEFT);
    table_add_column(&t, head(format, "done", "Done"), 11, TABLE_LEFT);
    table_add_column(&t, "", 0, TABLE_LEFT);
    table_begin(&t, format == TABLE_TEXT ? "DEADLINES" : NULL, NULL);
    for (size_t i = 0; i < r->deadline_count; i++) {
        const lookback_report_deadline *d = &r->deadlines[i];
        const char *late = d->overdue ? "OVERDUE" : "";
        table_row_marked(&t,
                         (const char *[]){shown(d->step), shown(d->due), shown(d->done_on), late},
                         (const char *[]){NULL, NULL, NULL, d->overdue ? "overdue" : NULL}, 0);
    }
    table_end(&t);
}

static void units_table(const lookback_report *r, table_format format, buffer *out)
{
    char caption[48];
    snprintf(caption, sizeof caption, "UNITS TRACED (%zu)", r->unit_count);
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, "DIN", 19, TABLE_LEFT); /* as printed: "W1234 26 000005 [D]" */
    table_add_column(&t, head(format, "PRODUCT", "Product"), 7, TABLE_LEFT);
    table_add_column(&t, head(format, "DIV", "Division"), 4, TABLE_LEFT);
    table_add_column(&t, head(format, "AT TRACE", "At trace"), 20, TABLE_LEFT);
    table_add_column(&t, head(format, "NOW", "Now"), 20, TABLE_LEFT);
    table_add_column(&t, head(format, "ACTION", "Action"), 12, TABLE_LEFT);
    table_add_column(&t, head(format, "SHIPPED ON", "Shipped on"), 10, TABLE_LEFT);
    table_add_column(&t, head(format, "HOSPITAL", "Hospital"), 0, TABLE_LEFT);
    table_begin(&t, format == TABLE_TEXT ? caption : NULL, NULL);
    for (size_t i = 0; i < r->unit_count; i++) {
        const lookback_report_unit *u = &r->units[i];
        table_row(&t, (const char *[]){shown(u->din), shown(u->product_code), shown(u->division),
                                       shown(u->status_at_trace), shown(u->status),
                                       shown(u->action), shown(u->shipped_on),
                                       shown(u->hospital)});
    }
    table_end(&t);
}

/* --- text -------------------------------------------------------------------- */

static void render_text(const lookback_report *r, buffer *out)
{
    buffer_printf(out, "LOOKBACK CASE %lld\n\n", r->id);
    facts_table(r, TABLE_TEXT, out);
    buffer_append_char(out, '\n');
    deadlines_table(r, TABLE_TEXT, out);
    buffer_append_char(out, '\n');
    units_table(r, TABLE_TEXT, out);
    if (r->unit_count == 0)
        buffer_append_text(out, "(no earlier donation in the window)\n");
    buffer_append_text(out, "\nHOSPITALS TO NOTIFY: ");
    for (size_t i = 0; i < r->hospital_count; i++)
        buffer_printf(out, "%s%s", i ? ", " : "", shown(r->hospitals[i]));
    buffer_printf(out, "%s\n", r->hospital_count ? "" : "none");
}

/* --- HTML -------------------------------------------------------------------- */

static void html_escaped(buffer *out, const char *text)
{
    buffer_append_markup(out, text, strlen(text));
}

static void render_html(const lookback_report *r, buffer *out)
{
    buffer_printf(out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>Lookback case %lld</title><style>"
                  "body{font:11pt sans-serif;margin:15mm;max-width:180mm}"
                  "table{border-collapse:collapse;margin:0 0 1em}"
                  "th,td{border:1px solid #999;padding:2px 6px;text-align:left}"
                  ".overdue{font-weight:bold;color:#a00}</style></head><body>\n"
                  "<h1>Lookback case %lld</h1>\n",
                  r->id, r->id);
    facts_table(r, TABLE_HTML, out);
    buffer_append_text(out, "<h2>Deadlines</h2>\n");
    deadlines_table(r, TABLE_HTML, out);
    buffer_printf(out, "<h2>Units traced (%zu)</h2>\n", r->unit_count);
    units_table(r, TABLE_HTML, out);
    buffer_append_text(out, "<h2>Hospitals to notify</h2>\n<p>");
    for (size_t i = 0; i < r->hospital_count; i++) {
        buffer_append_text(out, i ? ", " : "");
        html_escaped(out, shown(r->hospitals[i]));
    }
    buffer_printf(out, "%s</p>\n</body></html>\n", r->hospital_count ? "" : "none");
}

/* --- the interface ------------------------------------------------------------ */

int lookback_report_render(const lookback_report *report, lookback_report_format format,
                           buffer *out, err *e)
{
    if (format == LOOKBACK_REPORT_HTML) {
        render_html(report, out);
        return 0;
    }
    if (format != LOOKBACK_REPORT_PDF) {
        render_text(report, out);
        return 0;
    }
    buffer text = BUFFER_INIT;
    char title[48];
    snprintf(title, sizeof title, "Lookback case %lld", report->id);
    render_text(report, &text);
    int rc = pdf_from_text(title, report->company, buffer_text(&text), out, e);
    buffer_free(&text);
    return rc;
}
