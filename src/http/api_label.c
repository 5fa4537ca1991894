/*
 * api_label.c - printable ISBT 128 unit labels (domain/label.h):
 *
 *   GET /api/v1/labels/render?din=&group=&product=&expires=[&format=svg|pdf|png]
 *       [&flags=&donation_type=&divisions=&collected=&description=&facility_name=&dpi=]
 *
 * answers the 100 mm x 100 mm base label as image/svg+xml (the default),
 * application/pdf or image/png; a bad value is the usual error envelope
 * naming its parameter. Until units are recorded (the next issue) a label
 * is rendered from explicit values; it reads and writes nothing.
 */
#include <stdlib.h>
#include <string.h>
#include "domain/label.h"
#include "http/http.h"

static void render(http_request *request, http_response *response)
{
    label_input input = {
        .din = http_query(request, "din"),
        .flags = http_query(request, "flags"),
        .group = http_query(request, "group"),
        .product = http_query(request, "product"),
        .donation_type = http_query(request, "donation_type"),
        .divisions = http_query(request, "divisions"),
        .expires = http_query(request, "expires"),
        .collected = http_query(request, "collected"),
        .description = http_query(request, "description"),
        .facility_name = http_query(request, "facility_name"),
    };
    const char *format_text = http_query(request, "format");
    const char *dpi_text = http_query(request, "dpi");
    err e;
    label *l = arena_alloc(request->arena, sizeof *l);
    if (label_make(&input, l, &e)) {
        http_reply_error(response, &e);
        return;
    }
    int format = format_text ? label_format_parse(format_text) : LABEL_SVG;
    if (format < 0) {
        err_set(&e, ERR_INVALID, "format", "must be svg, pdf or png");
        http_reply_error(response, &e);
        return;
    }
    int dpi = 0;
    if (dpi_text) {
        char *end;
        long value = strtol(dpi_text, &end, 10);
        if (end == dpi_text || *end || value < LABEL_DPI_MIN || value > LABEL_DPI_MAX) {
            err_set(&e, ERR_INVALID, "dpi", "must be a whole number of dots per inch, %d to %d",
                    LABEL_DPI_MIN, LABEL_DPI_MAX);
            http_reply_error(response, &e);
            return;
        }
        dpi = (int)value;
    }
    buffer document = BUFFER_INIT;
    if (label_render(l, (label_format)format, dpi, &document, &e)) {
        buffer_free(&document);
        http_reply_error(response, &e);
        return;
    }
    size_t length = document.length;
    http_reply_bytes(response, 200, label_format_content_type((label_format)format),
                     buffer_take(&document), length);
}

const http_route http_routes_label[] = {
    {"GET", "/api/v1/labels/render", render, ROLES_ALL, 0},
    {0},
};
