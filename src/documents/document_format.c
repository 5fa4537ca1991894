/*
 * document_format.c - a document's format by name and its content type
 * (document_format.h).
 */
#include "documents/document_format.h"

#include <string.h>

#include "documents/pdf.h"

int document_format_parse(const char *name)
{
    if (!name || !*name || strcmp(name, "text") == 0)
        return DOCUMENT_TEXT;
    if (strcmp(name, "html") == 0)
        return DOCUMENT_HTML;
    if (strcmp(name, "pdf") == 0)
        return DOCUMENT_PDF;
    return -1;
}

const char *document_content_type(document_format format)
{
    return format == DOCUMENT_HTML  ? "text/html; charset=utf-8"
           : format == DOCUMENT_PDF ? pdf_content_type
                                    : "text/plain; charset=utf-8";
}
