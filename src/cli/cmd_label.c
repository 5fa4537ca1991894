/*
 * cmd_label.c - printable ISBT 128 unit labels from the command line
 * (domain/label.h):
 *   bloodops label render --din ... --group ... --product ... --expires ...
 *       the 100 mm x 100 mm base label from typed values; opens no database
 *   bloodops label unit ID
 *       the label of a recorded unit (service/unit_label.h): its DIN,
 *       ABO/RhD typing, product, expiry, collection date and facility as
 *       stored; opens the database
 *
 * Both write SVG (to standard output, or --output FILE), PDF or PNG
 * (--output FILE, or standard output when it is not a terminal). The image
 * format is --format svg|pdf|png (the commands declare their own formats,
 * as reports do: CLI_IMAGE_FORMATS), else the extension of --output, else
 * SVG. After writing a file they print what they wrote as a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cli/cli.h"
#include "documents/label_render.h"
#include "domain/label.h"
#include "service/unit_label.h"

/* svg, pdf or png from --format, else from the extension of --output, else svg. */
static label_format format_of(const cli_invocation *invocation, const char *output)
{
    if (invocation->format_given)
        return invocation->format == OUTPUT_PDF   ? LABEL_PDF
               : invocation->format == OUTPUT_PNG ? LABEL_PNG
                                                  : LABEL_SVG;
    const char *dot = output ? strrchr(output, '.') : NULL;
    if (dot && strcasecmp(dot, ".pdf") == 0)
        return LABEL_PDF;
    if (dot && strcasecmp(dot, ".png") == 0)
        return LABEL_PNG;
    return LABEL_SVG;
}

static int write_file(const char *path, const buffer *document)
{
    FILE *file = fopen(path, "wb");
    if (!file) {
        fprintf(stderr, "bloodops: --output: cannot create %s\n", path);
        return CLI_FAILED;
    }
    size_t written = fwrite(document->data, 1, document->length, file);
    if (fclose(file) != 0 || written != document->length) {
        fprintf(stderr, "bloodops: --output: cannot write %s\n", path);
        remove(path);
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* Refuse a PDF or PNG bound for a terminal, before any work is done. */
static int terminal_check(const char *output, label_format format)
{
    if (output || format == LABEL_SVG || !isatty(STDOUT_FILENO))
        return CLI_OK;
    err e;
    err_set(&e, ERR_INVALID, "output", "a PDF or PNG is not for a terminal: give --output "
                                       "FILE or redirect standard output");
    return cli_fail(&e);
}

/* Write the document to standard output, or to `output` and then print
 * `summary` (what was written, with "file" added) as a table of
 * `columns`. Frees the document; takes summary. */
static int deliver(const cli_invocation *invocation, const char *output, buffer *document,
                   json_t *summary, const cli_column *columns)
{
    int status = CLI_OK;
    if (!output) {
        if (fwrite(document->data, 1, document->length, stdout) != document->length ||
            fflush(stdout) != 0) {
            fprintf(stderr, "bloodops: cannot write to standard output\n");
            status = CLI_FAILED;
        }
    } else if ((status = write_file(output, document)) == CLI_OK) {
        json_object_set_new(summary, "file", json_string(output));
        cli_invocation table = *invocation; /* --format chose the image */
        table.format = OUTPUT_TABLE;
        cli_print_object(&table, summary, columns);
    }
    json_decref(summary);
    buffer_free(document);
    return status;
}

static int run_render(cli_invocation *invocation)
{
    label_input input = {
        .din = cli_option_value(invocation, "din"),
        .flags = cli_option_value(invocation, "flags"),
        .group = cli_option_value(invocation, "group"),
        .product = cli_option_value(invocation, "product"),
        .donation_type = cli_option_value(invocation, "donation-type"),
        .divisions = cli_option_value(invocation, "divisions"),
        .expires = cli_option_value(invocation, "expires"),
        .collected = cli_option_value(invocation, "collected"),
        .description = cli_option_value(invocation, "description"),
        .facility_name = cli_option_value(invocation, "facility-name"),
    };
    const char *output = cli_option_value(invocation, "output");
    err e;
    static label l;
    int dpi;
    if (label_make(&input, &l, &e) ||
        label_dpi_parse(cli_option_value(invocation, "dpi"), &dpi, &e))
        return cli_fail(&e);
    label_format format = format_of(invocation, output);
    if (terminal_check(output, format) != CLI_OK)
        return CLI_FAILED;
    buffer document = BUFFER_INIT;
    if (label_render(&l, format, dpi, &document, &e)) {
        buffer_free(&document);
        return cli_fail(&e);
    }
    /* What was written, and the data of each bar code (as scanned). */
    static const char *const keys[] = {"din_data", "group_data", "product_data", "expiry_data"};
    char eye_readable[ISBT_EYE_READABLE_MAX], data[ISBT_STRUCTURE_TEXT_MAX];
    json_t *summary = json_pack(
        "{s:s, s:I, s:s}", "format", label_format_name(format), "bytes",
        (json_int_t)document.length, "din",
        isbt_din_eye_readable(&l.din.din, eye_readable, sizeof eye_readable));
    for (int i = 0; i < 4; i++) {
        label_barcode_data(&l, i, data, sizeof data);
        json_object_set_new(summary, keys[i], json_string(data));
    }
    static const cli_column columns[] = {
        {"file", "FILE"},           {"format", "FORMAT"},
        {"bytes", "BYTES"},         {"din", "DIN"},
        {"din_data", "DIN DATA"},   {"group_data", "GROUP DATA"},
        {"product_data", "PRODUCT DATA"}, {"expiry_data", "EXPIRY DATA"},
        {0}};
    return deliver(invocation, output, &document, summary, columns);
}

static int run_unit(cli_invocation *invocation)
{
    const char *output = cli_option_value(invocation, "output");
    err e;
    int dpi;
    if (label_dpi_parse(cli_option_value(invocation, "dpi"), &dpi, &e))
        return cli_fail(&e);
    label_format format = format_of(invocation, output);
    if (terminal_check(output, format) != CLI_OK)
        return CLI_FAILED;
    service_context ctx;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    buffer document = BUFFER_INIT;
    json_t *summary = NULL;
    int rc = unit_label_render(&ctx, invocation->positional[0], format, dpi, &document, &summary,
                               &e);
    cli_close(&ctx);
    if (rc) {
        buffer_free(&document);
        return cli_fail(&e);
    }
    static const cli_column columns[] = {
        {"file", "FILE"},           {"format", "FORMAT"},
        {"bytes", "BYTES"},         {"unit", "UNIT"},
        {"din", "DIN"},             {"eye_readable", "PRINTED DIN"},
        {"product_code", "PRODUCT"}, {"division", "DIVISION"},
        {"status", "STATUS"},       {"din_data", "DIN DATA"},
        {"group_data", "GROUP DATA"}, {"product_data", "PRODUCT DATA"},
        {"expiry_data", "EXPIRY DATA"}, {0}};
    return deliver(invocation, output, &document, summary, columns);
}

static const cli_option render_options[] = {
    {"din", "DIN", "donation identification number: 13 characters, or with its check character"},
    {"flags", "FF", "flag characters (default 00, or those of a scanned DIN)"},
    {"group", "GGRE", "blood group code of ISBT 128 data structure 002, e.g. 5100 (O RhD pos)"},
    {"product", "CODE", "product description code (E0791) or whole product code (E0791V00)"},
    {"donation-type", "T", "type of collection of table 7 (V: volunteer homologous)"},
    {"divisions", "DD", "divisions (default 00, or 000 for tissues and others)"},
    {"expires", "WHEN", "expiration, YYYY-MM-DD[THH:MM] (time 23:59 if omitted)"},
    {"collected", "WHEN", "collection, YYYY-MM-DD[THH:MM], printed when given"},
    {"description", "TEXT", "the product's name as printed (default: its family)"},
    {"facility-name", "TEXT", "the collection facility, printed under the DIN"},
    {"output", "FILE", "write the label there (default: standard output)"},
    {"dpi", "N", "PNG resolution in dots per inch (default 203: 8 dots per mm)"},
    {0}};

static const cli_option unit_options[] = {
    {"output", "FILE", "write the label there (default: standard output)"},
    {"dpi", "N", "PNG resolution in dots per inch (default 203: 8 dots per mm)"},
    {0}};

static const cli_command label_commands[] = {
    {.noun = "label", .verb = "render", .run = run_render, .options = render_options,
     .summary = "render a 100 mm x 100 mm ISBT 128 unit label (SVG, PDF or PNG) from its values",
     .document_formats = CLI_IMAGE_FORMATS},
    {.noun = "label", .verb = "unit", .run = run_unit, .arguments = "ID", .positional_min = 1,
     .positional_max = 1, .options = unit_options,
     .summary = "render the ISBT 128 label of a recorded unit (SVG, PDF or PNG) from what is on "
                "record",
     .opens_database = 1, .document_formats = CLI_IMAGE_FORMATS},
    {0},
};

const cli_module cli_module_label = {
    .name = "label", .area = AREA_LABORATORY, .commands = label_commands};
