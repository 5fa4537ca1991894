/*
 * api_label.c - printable ISBT 128 unit labels (domain/label.h): one drawn
 * from explicit values (reads and writes nothing), and the label of a
 * recorded unit (service/unit_label.h), drawn from what is on record.
 * Both answer the 100 mm x 100 mm base label as image/svg+xml (the
 * default), application/pdf or image/png; a bad value is the usual error
 * envelope naming its parameter. The unit's label comes with
 * `Content-Disposition: inline; filename="W123426000001-E0300-00.svg"`,
 * the name a browser gives it when saved.
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include "documents/label_render.h"
#include "domain/label.h"
#include "http/http.h"
#include "service/unit_label.h"

/* The format parameter: svg (the default), pdf or png; ERR_INVALID naming
 * "format" otherwise. */
static int format_take(http_request *request, label_format *format, err *e)
{
    const char *text = http_query(request, "format");
    int value = text ? label_format_parse(text) : LABEL_SVG;
    if (value < 0)
        return err_set(e, ERR_INVALID, "format", "must be svg, pdf or png");
    *format = (label_format)value;
    return 0;
}

/* Answer the document (the buffer's bytes, taken). */
static void reply_document(http_response *response, label_format format, buffer *document)
{
    size_t length = document->length;
    http_reply_bytes(response, 200, label_format_content_type(format), buffer_take(document),
                     length);
}

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
    err e;
    label *l = arena_alloc(request->arena, sizeof *l);
    int dpi;
    label_format format = LABEL_SVG;
    if (label_make(&input, l, &e) || label_dpi_parse(http_query(request, "dpi"), &dpi, &e) ||
        format_take(request, &format, &e)) {
        http_reply_error(response, &e);
        return;
    }
    buffer document = BUFFER_INIT;
    if (label_render(l, format, dpi, &document, &e)) {
        buffer_free(&document);
        http_reply_error(response, &e);
        return;
    }
    reply_document(response, format, &document);
}

static void unit_label(http_request *request, http_response *response)
{
    err e;
    int dpi;
    label_format format = LABEL_SVG;
    buffer document = BUFFER_INIT;
    json_t *drawn = NULL;
    if (label_dpi_parse(http_query(request, "dpi"), &dpi, &e) ||
        format_take(request, &format, &e) ||
        unit_label_render(&request->service, request->path_params[0], format, dpi, &document,
                          &drawn, &e)) {
        buffer_free(&document);
        http_reply_error(response, &e);
        return;
    }
    reply_document(response, format, &document);
    response->content_disposition =
        arena_printf(request->arena, "inline; filename=\"%s\"",
                     json_string_value(json_object_get(drawn, "file_name")));
    json_decref(drawn);
}

static const http_route label_routes[] = {
    {.method = "GET", .pattern = "/api/v1/labels/render", .handler = render,
     .capability = CAPABILITY_REFERENCE,
     .query = "din,flags,group,product,donation_type,divisions,expires,collected,description,facility_name,dpi,format",
     .produces = "image/svg+xml,application/pdf,image/png",
     .summary = "Render an ISBT 128 unit label from its values (reads and writes nothing)"},
    {.method = "GET", .pattern = "/api/v1/units/{id}/label", .handler = unit_label,
     .capability = CAPABILITY_UNITS, .query = "dpi,format",
     .produces = "image/svg+xml,application/pdf,image/png",
     .summary = "The ISBT 128 label of a recorded unit"},
    {0},
};

const http_module http_module_label = {
    .name = "label", .area = AREA_LABORATORY, .routes = label_routes};
