/*
 * import_file.h - the shared run of an all-or-nothing CSV import from the
 * command line (catalog import, journal import): open the file named by
 * the first argument, open the database, make the import call, and on a
 * refused file print each problem as FILE:LINE: field: message.
 */
#ifndef BLOODOPS_CLI_IMPORT_FILE_H
#define BLOODOPS_CLI_IMPORT_FILE_H

#include <stdio.h>
#include "cli/cli.h"

/* An import service: reads `csv` (named `path` in its messages). On a
 * refused file it answers -1 with *out set to {"errors": [{line, field,
 * message}...], "error_count": N}; on any other failure -1 with *out NULL
 * and `e` set. */
typedef int (*cli_import_call)(service_context *ctx, FILE *csv, const char *path, void *arg,
                               json_t **out, err *e);

/* Run `call` on the file named by invocation->positional[0]. Returns
 * CLI_OK with *result set (the caller prints and frees it), or CLI_FAILED
 * after printing the problems or the error on stderr. */
int cli_import_file(cli_invocation *invocation, cli_import_call call, void *arg,
                    json_t **result);

#endif
