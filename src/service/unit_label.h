/*
 * unit_label.h - the printable ISBT 128 label of a recorded unit
 * (docs/isbt.md, "Labels of recorded units"): the unit, its product's
 * description, its collection's date and facility read in one snapshot,
 * turned into a label_input and drawn by label_make (domain/label.h) and
 * label_render (documents/label_render.h), exactly as `label render` draws
 * one from typed values.
 *
 * What goes on the label, from the database:
 *   DIN          units.din, flags "00"
 *   group        units.abo/rhd ("O"/"POS") as the code of data structure
 *                002 ("5100"), through isbt_blood_group_make (default
 *                intended use, no phenotype)
 *   product      units.product_code, donation_type and division
 *                ("=<E0300V00")
 *   expiry       units.expires_at, to the minute, on the clock of the
 *                collection center's time zone (stored in UTC)
 *   collected    collections.collected_at, to the minute, likewise
 *   description  products.description, facility the collection center's
 *                name (each shortened with "..." to what the label prints)
 *
 * A read: no write, no audit record. Refused: a unit that is not on record,
 * one discarded or expired (or past its expiry time, not swept yet), one
 * without its ABO/RhD typing.
 */
#ifndef BLOODOPS_SERVICE_UNIT_LABEL_H
#define BLOODOPS_SERVICE_UNIT_LABEL_H

#include "base/buffer.h"
#include "domain/label.h"
#include "service/service.h"

/* Render the label of unit `id` (decimal text, as in GET /api/v1/units/{id})
 * as `format` at `dpi` (PNG only; 0 for LABEL_DPI_DEFAULT), appending the
 * document to *document. When out is not NULL it receives what was drawn:
 *   {"unit", "din", "eye_readable", "product_code", "division", "status",
 *    "format", "content_type", "file_name" ("W123426000001-E0300-00.svg"),
 *    "bytes", "din_data", "group_data", "product_data", "expiry_data"}
 * (the *_data: each bar code's data as a scanner reads it).
 * Errors: ERR_NOT_FOUND naming "unit"; ERR_CONFLICT naming "status" for a
 * discarded or expired unit (or one past its expiry time), "abo" for a
 * unit not typed yet ("rhd" when only its RhD type is missing); ERR_INVALID
 * naming "dpi"; ERR_INTERNAL when stored data cannot be encoded or the
 * drawing fails. */
int unit_label_render(service_context *ctx, const char *id, label_format format, int dpi,
                      buffer *document, json_t **out, err *e);

#endif
