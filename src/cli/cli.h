/*
 * cli.h - the command line: `bloodops <noun> <verb> [arguments] [options]`.
 *
 * Each command is a row of its module's table (noun, verb, its options, a
 * run function); the modules are found at build time (cli_modules). cli.c
 * parses the arguments against that entry, so every command gets the
 * global options --db, --format (table|json|csv, or the formats of a report
 * or an image it declares) and --help, which may come before the noun,
 * between the noun and the verb or among the command's own options; unknown
 * options are refused with exit status 2, and errors are printed as one
 * line on stderr naming the option the user typed. Commands call one
 * service and print its JSON result as a table, JSON or CSV (output.c).
 */
#ifndef BLOODOPS_CLI_CLI_H
#define BLOODOPS_CLI_CLI_H

#include <jansson.h>
#include "base/error.h"
#include "domain/area.h"
#include "service/service.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };
/* A command declares at most CLI_OPTIONS_MAX options (checked when its
 * arguments are parsed); an option given twice is a usage error. */
enum { CLI_OPTIONS_MAX = 32, CLI_POSITIONAL_MAX = 64 };

typedef struct {
    const char *name;       /* without the leading "--" */
    const char *value_name; /* "DATE"; NULL for a flag without value */
    const char *help;
    /* The field a service names when it refuses this option's value, when
     * that is not the option's name with '_' for '-' ("close_date" for
     * --date; "birth_date" for --birth-date needs nothing): an error about
     * that field is printed as one about the option (cli_fail). A field
     * ending in "[]" ("applications[]") is a list the option gives: every
     * item's field ("applications[1].amount") is printed as the option. */
    const char *field;
} cli_option;

/* What --format chooses. Reports (CLI_REPORT_FORMATS) also print as text
 * (the default, "table" is the same) or as an HTML page; images
 * (CLI_IMAGE_FORMATS) are SVG, PDF or PNG. */
typedef enum {
    OUTPUT_TABLE, OUTPUT_JSON, OUTPUT_CSV, OUTPUT_TEXT, OUTPUT_HTML,
    OUTPUT_SVG, OUTPUT_PDF, OUTPUT_PNG, OUTPUT_HLEDGER
} cli_format;

/* The --format values a command takes (cli_command.document_formats). */
enum {
    CLI_DATA_FORMATS = 0,   /* table|json|csv, default table */
    CLI_REPORT_FORMATS = 1, /* text|json|csv|html|pdf, default text */
    CLI_IMAGE_FORMATS = 2,  /* svg|pdf|png, no default: format_given says */
    CLI_JOURNAL_FORMATS = 3, /* csv|hledger, default csv (journal export) */
};

struct cli_command;

typedef struct {
    const struct cli_command *command;
    const char *values[CLI_OPTIONS_MAX]; /* by index in command->options; flags get "1" */
    const char *positional[CLI_POSITIONAL_MAX];
    int positional_count;
    const char *db_location;
    cli_format format;
    int format_given; /* 1: --format was on the command line */
} cli_invocation;

/* A command, written with named fields:
 *   {.noun = "journal", .verb = "show", .run = run_journal_show,
 *    .arguments = "ENTRY", .positional_min = 1, .positional_max = 1,
 *    .summary = "show an entry and its lines", .opens_database = 1},
 */
typedef struct cli_command {
    const char *noun, *verb; /* verb NULL: a noun alone (init, serve) */
    int (*run)(cli_invocation *invocation);
    const char *arguments; /* usage of positional arguments, e.g. "CODE" */
    int positional_min, positional_max;
    const cli_option *options; /* terminated by {0} */
    const char *summary;
    int opens_database; /* 1: the database must exist (every command but init) */
    int document_formats; /* CLI_DATA_FORMATS, CLI_REPORT_FORMATS, CLI_IMAGE_FORMATS or
                             CLI_JOURNAL_FORMATS */
} cli_command;

/* A module's commands, declared beside them as
 *   const cli_module cli_module_NAME = {.name = "NAME", .area = AREA_..,
 *                                       .commands = NAME_commands};
 * and found by tools/gen-modules.sh, which lists every such declaration in
 * src/cli/ (build/.../gen/cli_modules.c): cli.c needs no edit when a module
 * is added. `commands` ends with a zeroed row; help groups the commands by
 * area. */
typedef struct {
    const char *name;
    area area;
    const cli_command *commands;
} cli_module;

/* Every module, ending with NULL (generated). */
extern const cli_module *const cli_modules[];

/* Entry point from main(): returns the exit status. */
int cli_main(int argc, char **argv);

/* The value of --name, or NULL. */
const char *cli_option_value(const cli_invocation *invocation, const char *name);

/* Open the database for a command and set up a context acting as the local
 * operator. */
int cli_open(cli_invocation *invocation, service_context *ctx, err *e);
void cli_close(service_context *ctx);

/* Print "bloodops: FIELD: MESSAGE" on stderr and return CLI_FAILED. A
 * field that one of the running command's options carries (or a global
 * option: "db") is printed as that option, "--date" for "close_date"; any
 * other field (a positional argument, a column of a file) as it is.
 * Standard output is flushed first, so the error follows what was printed
 * before it. */
int cli_fail(const err *e);

/* Output. A column shows one key of each item; a CLI_MONEY column holds
 * amounts ("6736000.00"), which tables print grouped and right-aligned as
 * the reports do ("6,736,000.00", "(250.00)"), CSV and JSON as they are. */
typedef enum { CLI_TEXT = 0, CLI_MONEY } cli_column_kind;

typedef struct {
    const char *key;
    const char *header;
    cli_column_kind kind;
} cli_column;

/* Print a list of objects. */
void cli_print_list(const cli_invocation *invocation, json_t *items, const cli_column *columns);
/* The same, a table showing the UTC times of items that name no time zone
 * of their own in `zone` (the zone of the record they belong to). */
void cli_print_list_in_zone(const cli_invocation *invocation, json_t *items,
                            const cli_column *columns, const char *zone);
/* Print one object: as "key: value" lines for tables, else as a one-row list. */
void cli_print_object(const cli_invocation *invocation, json_t *object, const cli_column *columns);

/* A command's service call, reading its own options and arguments, and how
 * the command prints its answer. */
typedef int (*cli_command_call)(service_context *ctx, cli_invocation *invocation, json_t **out,
                                err *e);
typedef void (*cli_printer)(const cli_invocation *invocation, json_t *result);

/* Open the database, make the call and print its answer with `print`.
 * Returns the exit status. */
int cli_run(cli_invocation *invocation, cli_command_call call, cli_printer print);

/* A service call that answers one object for `input`. */
typedef int (*cli_object_call)(service_context *ctx, const void *input, json_t **out, err *e);

/* Open the database, make the call and print its object. Returns the exit
 * status. */
int cli_print_one(cli_invocation *invocation, cli_object_call call, const void *input,
                  const cli_column *columns);

/* A service call that answers one page of a list for `filter`. */
typedef int (*cli_page_call)(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e);

/* Open the database, follow the pages of `call` to the end (or to
 * max_items, 0 for all) and print them: the command line always shows the
 * whole list, not a first page. Returns the exit status. */
int cli_print_all_pages(cli_invocation *invocation, cli_page_call call, const void *filter,
                        long max_items, const cli_column *columns);

/* Read a password: BLOODOPS_PASSWORD, or the first line of standard input
 * with --password-stdin; NULL when neither (the caller may generate one). */
const char *cli_read_password(const cli_invocation *invocation, char *line, size_t size);

#endif
