/*
 * pdf.h - PDF documents through cairo (docs/DESIGN.md, "Documents"): a
 * document's plain-text rendering set on A4 pages, so that a report's PDF
 * holds exactly the figures and words of its text.
 *
 * The text is set in DejaVu Sans Mono (tools/deps.sh installs it), its first
 * line in bold as the document's title. It is set at 9 pt, smaller (down to
 * 7 pt) when its longest line would not fit the page's width at 9 pt; a line
 * still too wide is wrapped at a space (or cut where there is none), the
 * rest indented to where the line's text begins after its first run of two
 * or more spaces (a table's second column, a fact's value). A block of
 * lines between blank lines is not split across pages when it fits on one
 * (a table stays whole); a form feed starts a new page. Each page carries
 * at its foot the issuing company and the title, when it was printed (UTC,
 * to the minute) and "page N of M". The PDF's metadata holds the title and
 * "bloodops" as its creator.
 *
 * No I/O: cairo writes through a callback into the caller's buffer.
 */
#ifndef BLOODOPS_DOCUMENTS_PDF_H
#define BLOODOPS_DOCUMENTS_PDF_H

#include "base/buffer.h"
#include "base/error.h"

/* The content type of a PDF: "application/pdf". */
extern const char pdf_content_type[];

/* Append to *out the PDF of `text` (UTF-8, lines ending in "\n") titled
 * `title` (its metadata and the page footers; NULL: the first line) and
 * issued by `issuer` (the company's name for the footers; NULL or empty:
 * none). On failure *out is left as it was and ERR_INTERNAL names what
 * cairo said. */
int pdf_from_text(const char *title, const char *issuer, const char *text, buffer *out, err *e);

#endif
