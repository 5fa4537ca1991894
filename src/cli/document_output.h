/*
 * document_output.h - where a report printed from the command line goes
 * (`report quarterly`, `lookback report`, `shipment show`): standard
 * output, or the file of --output FILE, whose extension chooses the format
 * when --format is not given (.pdf a PDF, .html or .htm an HTML page, .csv
 * and .json where the command has them, anything else text). A PDF is refused for a
 * terminal, before any work is done.
 */
#ifndef BLOODOPS_CLI_DOCUMENT_OUTPUT_H
#define BLOODOPS_CLI_DOCUMENT_OUTPUT_H

#include "base/buffer.h"
#include "cli/cli.h"

/* The format: --format when given, else from the extension of `output`
 * (NULL: none) among those `data_too` allows (1: .csv and .json as well),
 * else text (OUTPUT_TABLE, every report's default). */
cli_format cli_document_format(const cli_invocation *invocation, const char *output, int data_too);

/* CLI_OK, or CLI_FAILED after saying why: a PDF bound for a terminal. */
int cli_document_check(const char *output, cli_format format);

/* Write `document` to `output` (NULL: standard output). CLI_OK, or
 * CLI_FAILED after saying why (a file that cannot be written is removed). */
int cli_document_write(const char *output, const buffer *document);

/* A command that prints one record (positional[0]) either as data or as
 * its document: read(ctx, id, &record) and print(invocation, record) for
 * JSON and CSV (and for the table when `table_is_data`), else
 * render(ctx, id, "text"|"html"|"pdf", &document) written to standard
 * output or --output FILE; --output with data is refused naming
 * "output" ("takes `what` as text, html or pdf"). Returns the exit
 * status. */
typedef struct {
    int (*read)(service_context *ctx, const char *id, json_t **out, err *e);
    void (*print)(const cli_invocation *invocation, json_t *record);
    int (*render)(service_context *ctx, const char *id, const char *format, buffer *out, err *e);
    int table_is_data;
    const char *what;
} cli_document_command;
int cli_document_run(cli_invocation *invocation, const cli_document_command *command);

#endif
