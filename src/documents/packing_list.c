/*
 * packing_list.c - the packing list of a shipment (packing_list.h): the
 * facts as a stub table, then the units, in text with capitals for the
 * headings, in HTML with an <h2>; the PDF is the text set on pages.
 */
#include "documents/packing_list.h"

#include <stdio.h>
#include <string.h>

#include "documents/pdf.h"
#include "documents/table.h"

static const char *shown(const char *text)
{
    return text ? text : "-";
}

static void facts_table(const packing_list *p, table_format format, buffer *out)
{
    char order[32], temperature[48], to[160];
    snprintf(order, sizeof order, "%lld", p->order);
    snprintf(temperature, sizeof temperature, "%s C", shown(p->temperature));
    snprintf(to, sizeof to, "%s (%s)", shown(p->hospital_name), shown(p->hospital));
    table t;
    table_init(&t, out, format, TABLE_STUB);
    table_add_column(&t, NULL, 14, TABLE_LEFT);
    table_add_column(&t, NULL, 0, TABLE_LEFT);
    table_begin(&t, NULL, NULL);
    table_row(&t, (const char *[]){"From", shown(p->company)});
    table_row(&t, (const char *[]){"To", to});
    table_row(&t, (const char *[]){"Order", order});
    table_row(&t, (const char *[]){"Ship date", shown(p->ship_date)});
    table_row(&t, (const char *[]){"Shipper", shown(p->shipper)});
    table_row(&t, (const char *[]){"Packed at", temperature});
    table_end(&t);
}

static void units_table(const packing_list *p, table_format format, buffer *out)
{
    char caption[48];
    snprintf(caption, sizeof caption, "UNITS (%zu)", p->unit_count);
    int html = format == TABLE_HTML;
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, "DIN", 20, TABLE_LEFT);
    table_add_column(&t, html ? "Product" : "PRODUCT", 7, TABLE_LEFT);
    table_add_column(&t, html ? "Family" : "FAMILY", 15, TABLE_LEFT);
    table_add_column(&t, html ? "ABO/RhD" : "ABO/RHD", 7, TABLE_LEFT);
    table_add_column(&t, html ? "Expires" : "EXPIRES", 20, TABLE_LEFT);
    table_add_column(&t, html ? "Received" : "RECEIVED", 0, TABLE_LEFT);
    table_begin(&t, html ? NULL : caption, NULL);
    for (size_t i = 0; i < p->unit_count; i++) {
        const packing_list_unit *u = &p->units[i];
        table_row(&t, (const char *[]){shown(u->din), shown(u->product_code), shown(u->family),
                                       shown(u->group), shown(u->expires_at), "[ ]"});
    }
    table_end(&t);
}

static void render_text(const packing_list *p, buffer *out)
{
    buffer_printf(out, "PACKING LIST - SHIPMENT %lld\n\n", p->id);
    facts_table(p, TABLE_TEXT, out);
    buffer_append_char(out, '\n');
    units_table(p, TABLE_TEXT, out);
    buffer_append_text(out, "\nReceived by: ____________________  Date/time: ______________  "
                            "Temperature on receipt: ______ C\n");
}

static void render_html(const packing_list *p, buffer *out)
{
    buffer_printf(out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>Packing list, shipment %lld</title><style>"
                  "body{font:11pt sans-serif;margin:15mm;max-width:180mm}"
                  "table{border-collapse:collapse;margin:0 0 1em}"
                  "th,td{border:1px solid #999;padding:2px 6px;text-align:left}"
                  "</style></head><body>\n<h1>Packing list, shipment %lld</h1>\n",
                  p->id, p->id);
    facts_table(p, TABLE_HTML, out);
    buffer_printf(out, "<h2>Units (%zu)</h2>\n", p->unit_count);
    units_table(p, TABLE_HTML, out);
    buffer_append_text(out, "<p>Received by: ____________________ Date/time: ______________ "
                            "Temperature on receipt: ______ C</p>\n</body></html>\n");
}

int packing_list_render(const packing_list *list, document_format format, buffer *out, err *e)
{
    if (format == DOCUMENT_HTML) {
        render_html(list, out);
        return 0;
    }
    if (format != DOCUMENT_PDF) {
        render_text(list, out);
        return 0;
    }
    buffer text = BUFFER_INIT;
    char title[64];
    snprintf(title, sizeof title, "Packing list, shipment %lld", list->id);
    render_text(list, &text);
    int rc = pdf_from_text(title, list->company, buffer_text(&text), out, e);
    buffer_free(&text);
    return rc;
}
