/*
 * document_format.h - the formats a printable document is asked in (the
 * lookback report, the invoice, the customer statement): plain text, an
 * HTML page or a PDF, by the name a caller gives (`?format=`, `--format`),
 * and the content type each is served as.
 */
#ifndef BLOODOPS_DOCUMENTS_DOCUMENT_FORMAT_H
#define BLOODOPS_DOCUMENTS_DOCUMENT_FORMAT_H

typedef enum { DOCUMENT_TEXT, DOCUMENT_HTML, DOCUMENT_PDF } document_format;

/* "text" (NULL or "" too), "html" or "pdf"; -1 when unknown. */
int document_format_parse(const char *name);

/* "text/plain; charset=utf-8", "text/html; charset=utf-8",
 * "application/pdf". */
const char *document_content_type(document_format format);

#endif
