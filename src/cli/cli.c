/*
 * cli.c - argument parsing, help, and dispatch of `bloodops <noun> <verb>`.
 *
 * Options are `--name value` or `--name=value`. The global options --db PATH
 * (or BLOODOPS_DB; default ./var/bloodops.db), --format (table|json|csv, or
 * a report's or an image's own formats: cli_command.document_formats) and
 * --help (-h) may come anywhere: before the noun, between the noun and the
 * verb, or among the command's own options, which come after the verb. A
 * global option given twice must be given the same value both times. Exit
 * status: 0 success, 1 failure, 2 usage. A verb may be two words (`order
 * standing add`: the command row's verb is "standing add").
 *
 * Help prints two-column lists (base/text_columns.h): every description of
 * a page starts at one column, wrapped at 80 characters.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/text_columns.h"
#include "cli/cli.h"
#include "store/db.h"

#define DEFAULT_DB "./var/bloodops.db"

/* Help: lines of at most HELP_WIDTH characters; a name (a command and its
 * arguments, an option and its value) wider than HELP_NAME_MAX stands on a
 * line of its own. */
enum { HELP_WIDTH = 80, HELP_INDENT = 2, HELP_NAME_MAX = 34 };

/* The --format values of each kind of command (cli_command.document_formats):
 * as help and errors write them, and each name with what it chooses. */
static const struct {
    const char *choices;
    const char *names[8];
    cli_format formats[8];
} format_lists[] = {
    [CLI_DATA_FORMATS] = {"table, json or csv", {"table", "json", "csv"},
                          {OUTPUT_TABLE, OUTPUT_JSON, OUTPUT_CSV}},
    /* "table", every command's default, is the report's text */
    [CLI_REPORT_FORMATS] = {"text, json, csv, html or pdf",
                            {"table", "text", "json", "csv", "html", "pdf"},
                            {OUTPUT_TABLE, OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_CSV, OUTPUT_HTML,
                             OUTPUT_PDF}},
    [CLI_IMAGE_FORMATS] = {"svg, pdf or png", {"svg", "pdf", "png"},
                           {OUTPUT_SVG, OUTPUT_PDF, OUTPUT_PNG}},
    /* "table", every command's default, is the CSV import format */
    [CLI_JOURNAL_FORMATS] = {"csv or hledger", {"table", "csv", "hledger"},
                             {OUTPUT_TABLE, OUTPUT_CSV, OUTPUT_HLEDGER}},
};

static const struct {
    const char *value_name, *help;
} format_help[] = {
    [CLI_DATA_FORMATS] = {"table|json|csv",
                          "how data is printed (default table; amounts grouped by thousands "
                          "only in tables)"},
    [CLI_REPORT_FORMATS] = {"text|json|csv|html|pdf", "how the report is printed (default text)"},
    [CLI_IMAGE_FORMATS] = {"svg|pdf|png", "the image (default: --output's extension, else svg)"},
    [CLI_JOURNAL_FORMATS] = {"csv|hledger",
                             "the journal's syntax (default csv, the import format)"},
};

/* The global options, in the order help lists them. */
enum { GLOBAL_DB, GLOBAL_FORMAT, GLOBAL_HELP, GLOBAL_COUNT };
static const cli_option global_options[GLOBAL_COUNT] = {
    [GLOBAL_DB] = {"db", "PATH", "the database (BLOODOPS_DB; default " DEFAULT_DB ")"},
    [GLOBAL_FORMAT] = {"format", "FORMAT", NULL}, /* value and help: format_help */
    [GLOBAL_HELP] = {"help", NULL, "help for the command (also -h)"},
};

/* The global options as given, wherever they were. */
typedef struct {
    const char *values[GLOBAL_COUNT]; /* help: "1" */
} global_values;

/* The command being run: cli_fail names the options of its table. */
static const cli_command *running_command;

/* --- help ----------------------------------------------------------------- */

/* A help page's two-column rows, printed together so that every description
 * starts at one column. */
typedef struct {
    char name[96];
    const char *description;
    const char *heading; /* printed (after a blank line) before the row */
} help_row;

typedef struct {
    help_row *rows;
    size_t count, capacity;
} help_list;

static help_row *help_add(help_list *list, const char *heading, const char *description)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 32;
        list->rows = realloc(list->rows, list->capacity * sizeof *list->rows);
        if (!list->rows)
            abort();
    }
    help_row *row = &list->rows[list->count++];
    row->heading = heading;
    row->description = description;
    row->name[0] = '\0';
    return row;
}

static void help_add_command(help_list *list, const char *heading, const cli_command *command)
{
    help_row *row = help_add(list, heading, command->summary);
    snprintf(row->name, sizeof row->name, "%s%s%s%s%s", command->noun, command->verb ? " " : "",
             command->verb ? command->verb : "", command->arguments ? " " : "",
             command->arguments ? command->arguments : "");
}

static void help_add_option(help_list *list, const char *heading, const cli_option *option,
                            const char *value_name, const char *help)
{
    help_row *row = help_add(list, heading, help);
    snprintf(row->name, sizeof row->name, "--%s%s%s", option->name, value_name ? " " : "",
             value_name ? value_name : "");
}

/* The global options, for a command of `document_formats`. */
static void help_add_globals(help_list *list, int document_formats)
{
    const char *heading = "global options, before or after the command";
    for (int g = 0; g < GLOBAL_COUNT; g++) {
        const cli_option *option = &global_options[g];
        if (g == GLOBAL_FORMAT)
            help_add_option(list, heading, option, format_help[document_formats].value_name,
                            format_help[document_formats].help);
        else
            help_add_option(list, heading, option, option->value_name, option->help);
        heading = NULL;
    }
}

/* Print the rows to `out` and free them. */
static void help_print(FILE *out, help_list *list)
{
    size_t width = 0;
    for (size_t i = 0; i < list->count; i++) {
        size_t name = text_width(list->rows[i].name);
        if (name > width && name <= HELP_NAME_MAX)
            width = name;
    }
    buffer text = BUFFER_INIT;
    for (size_t i = 0; i < list->count; i++) {
        if (list->rows[i].heading)
            buffer_printf(&text, "\n%s:\n", list->rows[i].heading);
        text_columns_row(&text, list->rows[i].name, list->rows[i].description, HELP_INDENT,
                         width, HELP_WIDTH);
    }
    fputs(buffer_text(&text), out);
    buffer_free(&text);
    free(list->rows);
    *list = (help_list){0};
}

static void print_paragraph(FILE *out, const char *text)
{
    buffer wrapped = BUFFER_INIT;
    text_wrap(&wrapped, text, 0, HELP_WIDTH);
    fputs(buffer_text(&wrapped), out);
    buffer_free(&wrapped);
}

static void print_overview(FILE *out)
{
    fprintf(out, "bloodops - runs a blood-services company: donor centers, hospitals, results.\n\n"
                 "usage: bloodops [global options] <noun> <verb> [arguments] [options]\n");
    help_list list = {0};
    for (int a = 0; a < AREA_COUNT; a++) {
        const char *heading = area_title((area)a);
        for (const cli_module *const *module = cli_modules; *module; module++) {
            if ((*module)->area != (area)a)
                continue;
            for (const cli_command *command = (*module)->commands; command->noun; command++) {
                help_add_command(&list, heading, command);
                heading = NULL;
            }
        }
    }
    help_add_globals(&list, CLI_DATA_FORMATS);
    help_print(out, &list);
    fputc('\n', out);
    print_paragraph(out, "bloodops help <noun> [<verb>] (or bloodops <noun> [<verb>] --help) "
                         "shows a command's options. Reports and labels take their own "
                         "--format values: see their help.");
}

static void print_noun_help(FILE *out, const char *noun)
{
    fprintf(out, "usage: bloodops [global options] %s <verb> [arguments] [options]\n", noun);
    help_list list = {0};
    const char *heading = "verbs";
    for (const cli_module *const *module = cli_modules; *module; module++)
        for (const cli_command *command = (*module)->commands; command->noun; command++)
            if (strcmp(command->noun, noun) == 0) {
                help_add_command(&list, heading, command);
                heading = NULL;
            }
    help_print(out, &list);
    fprintf(out, "\nbloodops %s <verb> --help shows a verb's options.\n", noun);
}

static void print_command_help(FILE *out, const cli_command *command)
{
    fprintf(out, "usage: bloodops %s%s%s%s%s [options]\n\n", command->noun,
            command->verb ? " " : "", command->verb ? command->verb : "",
            command->arguments ? " " : "", command->arguments ? command->arguments : "");
    print_paragraph(out, command->summary);
    help_list list = {0};
    const char *heading = "options";
    for (const cli_option *option = command->options; option && option->name; option++) {
        help_add_option(&list, heading, option, option->value_name, option->help);
        heading = NULL;
    }
    help_add_globals(&list, command->document_formats);
    help_print(out, &list);
}

/* --- parsing -------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *detail, const cli_command *command)
{
    fflush(stdout);
    fprintf(stderr, "bloodops: ");
    fprintf(stderr, fmt, detail);
    if (command)
        fprintf(stderr, " (see: bloodops %s%s%s --help)\n", command->noun,
                command->verb ? " " : "", command->verb ? command->verb : "");
    else
        fprintf(stderr, " (see: bloodops --help)\n");
    return CLI_USAGE;
}

static int noun_exists(const char *noun)
{
    for (const cli_module *const *module = cli_modules; *module; module++)
        for (const cli_command *command = (*module)->commands; command->noun; command++)
            if (strcmp(command->noun, noun) == 0)
                return 1;
    return 0;
}

static const cli_command *find_command(const char *noun, const char *verb)
{
    for (const cli_module *const *module = cli_modules; *module; module++)
        for (const cli_command *command = (*module)->commands; command->noun; command++)
            if (strcmp(command->noun, noun) == 0 &&
                ((!command->verb && !verb) || (command->verb && verb && !strcmp(command->verb, verb))))
                return command;
    return NULL;
}

/* The command that argv[at] (and argv[at + 1], for a verb of two words:
 * `order standing add`) names after `noun`; *words says how many it took. */
static const cli_command *find_verb(const char *noun, int argc, char **argv, int at, int *words)
{
    *words = 0;
    if (at >= argc || argv[at][0] == '-')
        return NULL;
    const cli_command *command = find_command(noun, argv[at]);
    if (command) {
        *words = 1;
        return command;
    }
    if (at + 1 >= argc || argv[at + 1][0] == '-')
        return NULL;
    char joined[64];
    if (snprintf(joined, sizeof joined, "%s %s", argv[at], argv[at + 1]) >= (int)sizeof joined)
        return NULL;
    if ((command = find_command(noun, joined)))
        *words = 2;
    return command;
}

/* "bloodops: unknown verb ..." for argv[at] (with argv[at + 1] when
 * argv[at] begins verbs of two words: `order standing bogus`). */
static void unknown_verb(const char *noun, int argc, char **argv, int at)
{
    size_t n = strlen(argv[at]);
    int two = 0;
    for (const cli_module *const *module = cli_modules; *module && !two; module++)
        for (const cli_command *command = (*module)->commands; command->noun; command++)
            if (!strcmp(command->noun, noun) && command->verb &&
                !strncmp(command->verb, argv[at], n) && command->verb[n] == ' ')
                two = 1;
    if (two && at + 1 < argc && argv[at + 1][0] != '-')
        fprintf(stderr, "bloodops: unknown verb '%s %s' for '%s'\n", argv[at], argv[at + 1], noun);
    else if (two)
        fprintf(stderr, "bloodops: '%s %s' needs one more word\n", noun, argv[at]);
    else
        fprintf(stderr, "bloodops: unknown verb '%s' for '%s'\n", argv[at], noun);
}

static int is_help(const char *argument)
{
    return strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0;
}

static int wants_help(int argc, char **argv, int from)
{
    for (int i = from; i < argc; i++)
        if (is_help(argv[i]))
            return 1;
    return 0;
}

/* The format `name` (NULL: the default, table) chooses for `command`. */
static int format_parse(const cli_command *command, const char *name, cli_format *out)
{
    if (!name) {
        *out = command->document_formats == CLI_IMAGE_FORMATS ? OUTPUT_SVG : OUTPUT_TABLE;
        return 0;
    }
    for (int i = 0; format_lists[command->document_formats].names[i]; i++)
        if (strcmp(format_lists[command->document_formats].names[i], name) == 0) {
            *out = format_lists[command->document_formats].formats[i];
            return 0;
        }
    return -1;
}

/* 1 when `name` is a format of some command. */
static int format_known(const char *name)
{
    for (size_t l = 0; l < sizeof format_lists / sizeof format_lists[0]; l++)
        for (int i = 0; format_lists[l].names[i]; i++)
            if (strcmp(format_lists[l].names[i], name) == 0)
                return 1;
    return 0;
}

/* Split "--name" or "--name=value": the name into `name`, *value the text
 * after '=' or NULL. -1 for an empty or overlong name. */
static int split_option(const char *argument, char *name, size_t size, const char **value)
{
    const char *equals = strchr(argument, '=');
    size_t length = equals ? (size_t)(equals - argument - 2) : strlen(argument + 2);
    if (length == 0 || length >= size)
        return -1;
    memcpy(name, argument + 2, length);
    name[length] = '\0';
    *value = equals ? equals + 1 : NULL;
    return 0;
}

static int global_index(const char *name)
{
    for (int g = 0; g < GLOBAL_COUNT; g++)
        if (strcmp(global_options[g].name, name) == 0)
            return g;
    return -1;
}

/* argv[*i] is the global option `g` (its name already split off, `value`
 * the text after '=' or NULL): take its value, from argv[*i + 1] when it
 * needs one, and advance *i past what it used. CLI_OK or a usage error. */
static int take_global(int g, const char *value, int argc, char **argv, int *i,
                       global_values *given, const cli_command *command)
{
    const char *name = global_options[g].name;
    if (!global_options[g].value_name) {
        if (value)
            return usage_error("option '--%s' takes no value", name, command);
        value = "1";
    } else if (!value) {
        /* The next word is the value, unless it is another option: then
         * the value was left out (a path starting "--" goes as --db=PATH). */
        if (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0)
            return usage_error("option '--%s' needs a value", name, command);
        value = argv[++*i];
    }
    /* `--format market list`: the format was left out and the command
     * taken for it. Refused here, naming that, rather than reading 'list'
     * as an unknown command; any other wrong value is refused later with
     * the formats of the command it was given to. */
    if (g == GLOBAL_FORMAT && !format_known(value) && noun_exists(value))
        return usage_error("option '--format' needs a format before the command, not '%s'",
                           value, command);
    if (given->values[g] && strcmp(given->values[g], value) != 0) {
        char message[256];
        snprintf(message, sizeof message,
                 "option '--%s' is given twice with different values ('%.80s' and '%.80s')",
                 name, given->values[g], value);
        return usage_error("%s", message, command);
    }
    given->values[g] = value;
    return CLI_OK;
}

/* The global options before the command's words, from argv[*i] on: taken
 * until the first word, or (after the noun) the first other option, where
 * *i stops. Before the noun, another option is a usage error. */
static int take_leading_globals(int argc, char **argv, int *i, global_values *given,
                                int before_noun)
{
    for (; *i < argc && argv[*i][0] == '-'; ++*i) {
        const char *argument = argv[*i];
        if (strcmp(argument, "-h") == 0) {
            given->values[GLOBAL_HELP] = "1";
            continue;
        }
        char name[48];
        const char *value = NULL;
        int g = strncmp(argument, "--", 2) == 0 &&
                        split_option(argument, name, sizeof name, &value) == 0
                    ? global_index(name)
                    : -1;
        if (g < 0 && before_noun)
            return usage_error("unknown option '%s': only --db, --format and --help may come "
                               "before the command",
                               argument, NULL);
        if (g < 0)
            return CLI_OK;
        int status = take_global(g, value, argc, argv, i, given, NULL);
        if (status != CLI_OK)
            return status;
    }
    return CLI_OK;
}

/* The command's own arguments and options from argv[from] on, the global
 * options among them. */
static int parse_arguments(cli_invocation *invocation, int argc, char **argv, int from,
                           global_values *given)
{
    const cli_command *command = invocation->command;
    for (int i = from; i < argc; i++) {
        const char *argument = argv[i];
        if (strncmp(argument, "--", 2) != 0) {
            if (invocation->positional_count >= command->positional_max)
                return usage_error("unexpected argument '%s'", argument, command);
            invocation->positional[invocation->positional_count++] = argument;
            continue;
        }
        char name[48];
        const char *value;
        if (split_option(argument, name, sizeof name, &value) != 0)
            return usage_error("unknown option '%s'", argument, command);
        int g = global_index(name);
        if (g >= 0) {
            int status = take_global(g, value, argc, argv, &i, given, command);
            if (status != CLI_OK)
                return status;
            continue;
        }
        int index = -1;
        for (int o = 0; command->options && command->options[o].name; o++) {
            assert(o < CLI_OPTIONS_MAX); /* the command table declares too many */
            if (strcmp(command->options[o].name, name) == 0)
                index = o;
        }
        if (index < 0)
            return usage_error("unknown option '--%s'", name, command);
        int takes_value = command->options[index].value_name != NULL;
        if (takes_value && !value) {
            if (i + 1 >= argc)
                return usage_error("option '--%s' needs a value", name, command);
            value = argv[++i];
        } else if (!takes_value && value) {
            return usage_error("option '--%s' takes no value", name, command);
        }
        if (invocation->values[index])
            return usage_error("option '--%s' is given twice", name, command);
        invocation->values[index] = takes_value ? value : "1";
    }
    if (invocation->positional_count < command->positional_min)
        return usage_error("missing argument %s", command->arguments, command);
    const char *format = given->values[GLOBAL_FORMAT];
    if (format_parse(command, format, &invocation->format) != 0) {
        char message[96];
        snprintf(message, sizeof message, "--format must be %s, not '%%s'",
                 format_lists[command->document_formats].choices);
        return usage_error(message, format, command);
    }
    invocation->format_given = format != NULL;
    invocation->db_location = given->values[GLOBAL_DB];
    if (!invocation->db_location)
        invocation->db_location = getenv("BLOODOPS_DB");
    if (!invocation->db_location || !*invocation->db_location)
        invocation->db_location = DEFAULT_DB;
    return CLI_OK;
}

/* When standard output and standard error are the same file, terminal or
 * pipe (2>&1), standard output is written line by line, so that its lines
 * and the error lines come out in the order they were printed (stderr is
 * unbuffered; log lines are written with write(2)). Otherwise each keeps
 * its own buffering: a listing written to a file is not slowed down. */
static void keep_output_in_order(void)
{
    struct stat out, error;
    if (fstat(1, &out) == 0 && fstat(2, &error) == 0 && out.st_dev == error.st_dev &&
        out.st_ino == error.st_ino)
        setvbuf(stdout, NULL, _IOLBF, 0);
}

/* `bloodops help [<noun> [<verb>]]`: the overview, a noun's verbs or a
 * command's options. */
static int run_help(int argc, char **argv, int from)
{
    if (from >= argc) {
        print_overview(stdout);
        return CLI_OK;
    }
    const char *noun = argv[from], *verb = from + 1 < argc ? argv[from + 1] : NULL;
    if (!noun_exists(noun))
        return usage_error("unknown command '%s'", noun, NULL);
    int words;
    const cli_command *command =
        verb ? find_verb(noun, argc, argv, from + 1, &words) : find_command(noun, NULL);
    if (command) {
        print_command_help(stdout, command);
        return CLI_OK;
    }
    if (verb) {
        unknown_verb(noun, argc, argv, from + 1);
        return CLI_USAGE;
    }
    print_noun_help(stdout, noun);
    return CLI_OK;
}

int cli_main(int argc, char **argv)
{
    log_init();
    keep_output_in_order();
    global_values given = {0};
    int i = 1;
    int status = take_leading_globals(argc, argv, &i, &given, 1);
    if (status != CLI_OK)
        return status;
    if (i >= argc) {
        print_overview(stdout);
        return given.values[GLOBAL_HELP] ? CLI_OK : CLI_USAGE;
    }
    const char *noun = argv[i++];
    if (strcmp(noun, "help") == 0)
        return run_help(argc, argv, i);
    if (!noun_exists(noun))
        return usage_error("unknown command '%s'", noun, NULL);
    /* Global options may stand between the noun and the verb. */
    if ((status = take_leading_globals(argc, argv, &i, &given, 0)) != CLI_OK)
        return status;
    /* A noun alone (version, init, serve, inventory) or a noun and its verb. */
    const char *verb = i < argc && argv[i][0] != '-' ? argv[i] : NULL;
    int words = 0;
    const cli_command *command = verb ? find_verb(noun, argc, argv, i, &words) : NULL;
    if (command)
        i += words;
    else
        command = find_command(noun, NULL);
    int help = given.values[GLOBAL_HELP] || wants_help(argc, argv, i);
    if (!command) {
        if (help) {
            print_noun_help(stdout, noun);
            return CLI_OK;
        }
        if (verb)
            unknown_verb(noun, argc, argv, i);
        else if (i < argc)
            fprintf(stderr, "bloodops: %s comes after the verb: bloodops %s <verb> [arguments] "
                            "[options]\n",
                    argv[i], noun);
        print_noun_help(i < argc ? stderr : stdout, noun);
        return CLI_USAGE;
    }
    if (help) {
        print_command_help(stdout, command);
        return CLI_OK;
    }
    cli_invocation invocation = {.command = command};
    status = parse_arguments(&invocation, argc, argv, i, &given);
    if (status != CLI_OK)
        return status;
    if (command->opens_database && !db_is_postgres(invocation.db_location)) {
        struct stat info;
        if (stat(invocation.db_location, &info) != 0) {
            fprintf(stderr, "bloodops: no database at %s: create it with 'bloodops init --db %s'\n",
                    invocation.db_location, invocation.db_location);
            return CLI_FAILED;
        }
    }
    running_command = command;
    return command->run(&invocation);
}

const char *cli_option_value(const cli_invocation *invocation, const char *name)
{
    for (int o = 0; invocation->command->options && invocation->command->options[o].name; o++)
        if (strcmp(invocation->command->options[o].name, name) == 0)
            return invocation->values[o];
    return NULL;
}

int cli_open(cli_invocation *invocation, service_context *ctx, err *e)
{
    memset(ctx, 0, sizeof *ctx);
    service_actor_local(&ctx->actor);
    return db_open(invocation->db_location, &ctx->db, e);
}

void cli_close(service_context *ctx)
{
    db_close(ctx->db);
    ctx->db = NULL;
}

/* Whether `option` carries the service field `field`: its declared field,
 * else its own name with '_' for '-'. A declared field ending in "[]"
 * carries a list and each of its items: "applications[]" carries
 * "applications", "applications[2]" and "applications[2].amount". */
static int carries(const cli_option *option, const char *field)
{
    size_t length = option->field ? strlen(option->field) : 0;
    if (length > 2 && strcmp(option->field + length - 2, "[]") == 0)
        return strncmp(field, option->field, length - 2) == 0 &&
               (field[length - 2] == '\0' || field[length - 2] == '[');
    if (option->field)
        return strcmp(option->field, field) == 0;
    const char *name = option->name;
    for (; *name && *field; name++, field++)
        if (*name != *field && !(*name == '-' && *field == '_'))
            return 0;
    return *name == *field;
}

/* The option the user types for `field`, "--date", or NULL. */
static const char *option_for_field(const cli_command *command, const char *field)
{
    for (int o = 0; command && command->options && command->options[o].name; o++)
        if (carries(&command->options[o], field))
            return command->options[o].name;
    for (int g = 0; g < GLOBAL_COUNT; g++)
        if (global_options[g].value_name && carries(&global_options[g], field))
            return global_options[g].name;
    return NULL;
}

int cli_fail(const err *e)
{
    fflush(stdout);
    const char *option = e->field[0] ? option_for_field(running_command, e->field) : NULL;
    if (option)
        fprintf(stderr, "bloodops: --%s: %s\n", option, e->message);
    else if (e->field[0])
        fprintf(stderr, "bloodops: %s: %s\n", e->field, e->message);
    else
        fprintf(stderr, "bloodops: %s\n", e->message);
    return CLI_FAILED;
}

const char *cli_read_password(const cli_invocation *invocation, char *line, size_t size)
{
    const char *from_environment = getenv("BLOODOPS_PASSWORD");
    if (from_environment && *from_environment)
        return from_environment;
    if (!cli_option_value(invocation, "password-stdin"))
        return NULL;
    if (!fgets(line, (int)size, stdin))
        line[0] = 0;
    line[strcspn(line, "\r\n")] = 0;
    return line;
}
