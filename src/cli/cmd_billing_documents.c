/*
 * cmd_billing_documents.c - the printable documents of billing from the
 * command line (docs/billing.md, "Documents"):
 *   bloodops invoice pdf INVOICE [--output FILE]
 *   bloodops customer statement CODE --date DATE [--by due|invoice]
 *            [--format text|html|pdf] [--output FILE]
 * A PDF goes to --output FILE or to standard output when that is not a
 * terminal (cli/document_output.h).
 */
#include "cli/cli.h"
#include "cli/document_output.h"
#include "service/billing_documents.h"

/* Render with `render` in `format` and write it where --output says. */
static int document_run(cli_invocation *invocation, cli_format format,
                        int (*render)(service_context *ctx, cli_invocation *invocation,
                                      const char *format, buffer *out, err *e))
{
    err e;
    service_context ctx;
    const char *output = cli_option_value(invocation, "output");
    if (format == OUTPUT_JSON || format == OUTPUT_CSV) {
        err_set(&e, ERR_INVALID, "format", "must be text, html or pdf");
        return cli_fail(&e);
    }
    if (cli_document_check(output, format) != CLI_OK)
        return CLI_FAILED;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    buffer document = BUFFER_INIT;
    int status = CLI_OK;
    int rc = render(&ctx, invocation,
                    format == OUTPUT_HTML  ? "html"
                    : format == OUTPUT_PDF ? "pdf"
                                           : "text",
                    &document, &e);
    if (rc == 0)
        status = cli_document_write(output, &document);
    buffer_free(&document);
    cli_close(&ctx);
    return rc ? cli_fail(&e) : status;
}

static int render_invoice(service_context *ctx, cli_invocation *invocation, const char *format,
                          buffer *out, err *e)
{
    document_format chosen;
    return invoice_document_get(ctx, invocation->positional[0], format, out, &chosen, e);
}

static int run_invoice_pdf(cli_invocation *invocation)
{
    return document_run(invocation, OUTPUT_PDF, render_invoice);
}

static int render_statement(service_context *ctx, cli_invocation *invocation,
                            const char *format, buffer *out, err *e)
{
    document_format chosen;
    return customer_statement(ctx, invocation->positional[0],
                              cli_option_value(invocation, "date"),
                              cli_option_value(invocation, "by"), format, out, &chosen, e);
}

static int run_customer_statement(cli_invocation *invocation)
{
    const char *output = cli_option_value(invocation, "output");
    return document_run(invocation, cli_document_format(invocation, output, 0), render_statement);
}

static const cli_option pdf_options[] = {
    {"output", "FILE", "write the PDF there (default: standard output, not a terminal)"}, {0}};
static const cli_option statement_options[] = {
    {"date", "DATE", "the statement's date: what is open on that day"},
    {"by", "due|invoice", "count days from the due date (default) or the invoice date"},
    {"output", "FILE", "write it there (FILE.pdf: a PDF, FILE.html: HTML)"},
    {0}};

static const cli_command billing_document_commands[] = {
    {.noun = "invoice", .verb = "pdf", .run = run_invoice_pdf, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1, .options = pdf_options,
     .summary = "an invoice (id or number) as a PDF", .opens_database = 1},
    {.noun = "customer", .verb = "statement", .run = run_customer_statement,
     .arguments = "CODE", .positional_min = 1, .positional_max = 1,
     .options = statement_options,
     .summary = "a customer's open documents and their aging at a date",
     .opens_database = 1, .document_formats = CLI_REPORT_FORMATS},
    {0},
};

const cli_module cli_module_billing_documents = {
    .name = "billing_documents", .area = AREA_FINANCE, .commands = billing_document_commands};
