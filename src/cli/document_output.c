/*
 * document_output.c - a report's destination and format from --output and
 * --format (document_output.h).
 */
#include "cli/document_output.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

cli_format cli_document_format(const cli_invocation *invocation, const char *output, int data_too)
{
    if (invocation->format_given)
        return invocation->format;
    const char *dot = output ? strrchr(output, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return OUTPUT_TABLE;
    if (strcasecmp(dot, ".pdf") == 0)
        return OUTPUT_PDF;
    if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)
        return OUTPUT_HTML;
    if (data_too && strcasecmp(dot, ".csv") == 0)
        return OUTPUT_CSV;
    if (data_too && strcasecmp(dot, ".json") == 0)
        return OUTPUT_JSON;
    return OUTPUT_TABLE;
}

int cli_document_check(const char *output, cli_format format)
{
    if (output || format != OUTPUT_PDF || !isatty(STDOUT_FILENO))
        return CLI_OK;
    err e;
    err_set(&e, ERR_INVALID, "output",
            "a PDF is not for a terminal: give --output FILE.pdf or redirect standard output");
    return cli_fail(&e);
}

int cli_document_write(const char *output, const buffer *document)
{
    if (!output) {
        if ((document->length > 0 &&
             fwrite(document->data, 1, document->length, stdout) != document->length) ||
            fflush(stdout) != 0) {
            fprintf(stderr, "bloodops: cannot write to standard output\n");
            return CLI_FAILED;
        }
        return CLI_OK;
    }
    FILE *file = fopen(output, "wb");
    if (!file) {
        fprintf(stderr, "bloodops: --output: cannot create %s\n", output);
        return CLI_FAILED;
    }
    size_t written = document->length > 0 ? fwrite(document->data, 1, document->length, file) : 0;
    if (fclose(file) != 0 || written != document->length) {
        fprintf(stderr, "bloodops: --output: cannot write %s\n", output);
        remove(output);
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cli_document_run(cli_invocation *invocation, const cli_document_command *command)
{
    err e;
    service_context ctx;
    const char *id = invocation->positional[0];
    const char *output = cli_option_value(invocation, "output");
    cli_format format = cli_document_format(invocation, output, 0);
    int data = format == OUTPUT_JSON || format == OUTPUT_CSV ||
               (command->table_is_data && format == OUTPUT_TABLE && !output);
    if (data && output) {
        err_set(&e, ERR_INVALID, "output", "takes %s as text, html or pdf", command->what);
        return cli_fail(&e);
    }
    if (!data && cli_document_check(output, format) != CLI_OK)
        return CLI_FAILED;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc, status = CLI_OK;
    if (data) {
        json_t *record = NULL;
        rc = command->read(&ctx, id, &record, &e);
        if (rc == 0)
            command->print(invocation, record);
        json_decref(record);
    } else {
        buffer document = BUFFER_INIT;
        rc = command->render(&ctx, id,
                             format == OUTPUT_HTML  ? "html"
                             : format == OUTPUT_PDF ? "pdf"
                                                    : "text",
                             &document, &e);
        if (rc == 0)
            status = cli_document_write(output, &document);
        buffer_free(&document);
    }
    cli_close(&ctx);
    return rc ? cli_fail(&e) : status;
}
