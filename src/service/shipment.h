/*
 * shipment.h - shipments of an order's allocated units to its hospital
 * (docs/distribution.md, "Shipments"): the units confirmed by scanning
 * their DINs, each priced under the contract version in force on the ship
 * date, and in the same transaction the units shipped (unit.c), a draft
 * invoice of the shipment with a line per unit (billing's
 * invoice_line_post_in), the cost and revenue posting by center (ledger)
 * and the order closed when filled (order.c). The one writer of shipments
 * and shipment_units.
 */
#ifndef BLOODOPS_SERVICE_SHIPMENT_H
#define BLOODOPS_SERVICE_SHIPMENT_H

#include "base/buffer.h"
#include "documents/document_format.h"
#include "service/billing.h"
#include "service/service.h"

/* A shipment's units each take a line of its invoice: no more than an
 * invoice holds. */
enum { SHIPMENT_SCANS_MAX = INVOICE_LINES_MAX };

typedef struct {
    const char *order;       /* its id */
    const char *const *scans; /* the DINs scanned, any form the label scanner gives */
    size_t scan_count;
    const char *temperature; /* packing temperature, degrees Celsius ("4", "-18.5") */
    const char *shipper;
    const char *date;        /* the ship date, YYYY-MM-DD, not after today; NULL: today */
    int after_hours;         /* delivered after hours (its surcharge) */
} shipment_input;

/* The shipments of order `order` (its id), oldest first: {"items":
 * [{"id", "ship_date", "shipper", "temperature", "units", "total",
 * "invoice"}]}. */
int shipment_list(service_context *ctx, const char *order, json_t **out, err *e);

/* A temperature as people give it: a number of degrees Celsius (-100 to
 * 60, at most one decimal), in tenths; ERR_INVALID naming "temperature". */
int shipment_temperature_take(const char *text, long *tenths, err *e);

/* Ship the scanned units of order `order`. Each scan must be a unit
 * allocated to the order, still allocated (a unit already shipped, held or
 * expired is refused), not expired: else ERR_INVALID naming "scans[N]"
 * with the DIN and why. Answers the shipment as shipment_get does. */
int shipment_create(service_context *ctx, const shipment_input *in, json_t **out, err *e);

/* A shipment: {"id", "order", "hospital", "hospital_name", "ship_date",
 * "temperature", "shipper", "contract", "invoice", "journal_entry",
 * "order_status", "created_at", "created_by", "total", "units": [{"unit",
 * "din", "eye_readable", "product_code", "family", "group", "center",
 * "expires_at", "price", "cost"}]}. */
int shipment_get(service_context *ctx, const char *shipment, json_t **out, err *e);

/* The packing list of shipment `shipment` in `format` ("text", NULL or "",
 * "html", "pdf"; else ERR_INVALID naming "format") appended to *out, the
 * format chosen in *chosen (documents/packing_list.h). */
int shipment_packing_list(service_context *ctx, const char *shipment, const char *format,
                          buffer *out, document_format *chosen, err *e);

#endif
