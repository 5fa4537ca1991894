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
