/*
 * packing_list.h - the packing list of a shipment (docs/distribution.md,
 * "Shipments"): who ships to whom, the order, the ship date, the shipper
 * and the packing temperature, then every unit in the box (DIN as
 * printed, product, ABO/RhD, expiry) with a box to tick on receipt, as
 * plain text, an HTML page or a PDF (the text set on pages,
 * documents/pdf.h). The tables go through the table writer
 * (documents/table.h).
 *
 * Pure: the shipment comes as plain values, filled by the service
 * (service/shipment.c); a text that is NULL prints as "-". Prices are not
 * on it: they are on the invoice.
 */
#ifndef BLOODOPS_DOCUMENTS_PACKING_LIST_H
#define BLOODOPS_DOCUMENTS_PACKING_LIST_H

#include <stddef.h>
#include "base/buffer.h"
#include "base/error.h"
#include "documents/document_format.h"

typedef struct {
    const char *din, *product_code, *family, *group, *expires_at;
} packing_list_unit;

typedef struct {
    long long id, order;
    const char *company, *hospital, *hospital_name, *ship_date, *shipper, *temperature;
    const packing_list_unit *units;
    size_t unit_count;
} packing_list;

/* Append the packing list to *out. ERR_INTERNAL when cairo fails (PDF). */
int packing_list_render(const packing_list *list, document_format format, buffer *out, err *e);

#endif
