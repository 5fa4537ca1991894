/*
 * import_file.c - opening, running and reporting a CSV import (see
 * import_file.h).
 */
#include "cli/import_file.h"

static void print_import_problems(const char *file, json_t *errors)
{
    size_t index;
    json_t *problem, *listed = json_object_get(errors, "errors");
    json_array_foreach(listed, index, problem) {
        fprintf(stderr, "%s:%" JSON_INTEGER_FORMAT ": %s: %s\n", file,
                json_integer_value(json_object_get(problem, "line")),
                json_string_value(json_object_get(problem, "field")),
                json_string_value(json_object_get(problem, "message")));
    }
    json_int_t count = json_integer_value(json_object_get(errors, "error_count"));
    json_int_t shown = (json_int_t)json_array_size(listed);
    if (count > shown)
        fprintf(stderr, "... and %" JSON_INTEGER_FORMAT " more\n", count - shown);
    fprintf(stderr, "bloodops: nothing was imported: %" JSON_INTEGER_FORMAT " problem%s in %s\n",
            count, count == 1 ? "" : "s", file);
}

int cli_import_file(cli_invocation *invocation, cli_import_call call, void *arg,
                    json_t **result)
{
    err e;
    const char *path = invocation->positional[0];
    *result = NULL;
    FILE *csv = fopen(path, "r");
    if (!csv) {
        err_set(&e, ERR_INVALID, "file", "cannot open %s", path);
        return cli_fail(&e);
    }
    service_context ctx;
    if (cli_open(invocation, &ctx, &e)) {
        fclose(csv);
        return cli_fail(&e);
    }
    int rc = call(&ctx, csv, path, arg, result, &e);
    fclose(csv);
    cli_close(&ctx);
    if (rc == 0)
        return CLI_OK;
    if (*result)
        print_import_problems(path, *result);
    else
        cli_fail(&e);
    json_decref(*result);
    *result = NULL;
    return CLI_FAILED;
}
