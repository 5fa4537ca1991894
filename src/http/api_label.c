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
    err e;
    label *l = arena_alloc(request->arena, sizeof *l);
    int dpi;
    if (label_make(&input, l, &e) || label_dpi_parse(http_query(request, "dpi"), &dpi, &e)) {
        http_reply_error(response, &e);
        return;
    }
    int format = format_text ? label_format_parse(format_text) : LABEL_SVG;
    if (format < 0) {
        err_set(&e, ERR_INVALID, "format", "must be svg, pdf or png");
        http_reply_error(response, &e);
        return;
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
