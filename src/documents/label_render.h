/*
 * label_render.h - the ISBT 128 base label drawn (docs/isbt.md, "Labels"):
 * a label checked by label_make (domain/label.h) laid out once in
 * millimetres, 100 mm x 100 mm in four quadrants, and drawn through one
 * small canvas as SVG (text written here), PDF or PNG (cairo), each into a
 * memory buffer: no file is touched.
 */
#ifndef BLOODOPS_DOCUMENTS_LABEL_RENDER_H
#define BLOODOPS_DOCUMENTS_LABEL_RENDER_H

#include "base/buffer.h"
#include "base/error.h"
#include "domain/label.h"

/* Render the label, appending the document to *out (SVG text, PDF or PNG
 * bytes; out->length is its size). dpi is the PNG's resolution (dots per
 * inch, LABEL_DPI_MIN..MAX; 0 for LABEL_DPI_DEFAULT) and is ignored by the
 * vector formats. Errors: ERR_INVALID naming "dpi"; ERR_INTERNAL when
 * libzint or cairo fail. */
int label_render(const label *l, label_format format, int dpi, buffer *out, err *e);

#endif
