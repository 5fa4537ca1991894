/*
 * cli.c - argument parsing, help, and dispatch of `bloodops <noun> <verb>`.
 *
 * Options are `--name value` or `--name=value`; every command also takes
 * --db PATH (or BLOODOPS_DB; default ./var/bloodops.db), --format
 * table|json|csv (a report's or an image's own formats when it declares
 * them: cli_command.document_formats) and --help. Exit status: 0 success,
 * 1 failure, 2 usage.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/log.h"
#include "cli/cli.h"
#include "store/db.h"

#define DEFAULT_DB "./var/bloodops.db"

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
};

static const struct {
    const char *option, *help;
} format_help[] = {
    [CLI_DATA_FORMATS] = {"--format table|json|csv", "how data is printed (default table)"},
    [CLI_REPORT_FORMATS] = {"--format text|json|csv|html|pdf",
                            "how the report is printed (default text)"},
    [CLI_IMAGE_FORMATS] = {"--format svg|pdf|png",
                           "the image (default: --output's extension, else svg)"},
};

static void print_usage_line(FILE *out, const cli_command *command)
{
    char head[64];
    if (command->verb)
        snprintf(head, sizeof head, "%s %s", command->noun, command->verb);
    else
        snprintf(head, sizeof head, "%s", command->noun);
    fprintf(out, "  bloodops %-23s %-10s %s\n", head, command->arguments ? command->arguments : "",
            command->summary);
}

static void print_overview(FILE *out)
{
    fprintf(out, "bloodops - runs a blood-services company: donor centers, hospitals, results.\n\n"
                 "usage: bloodops <noun> <verb> [arguments] [options]\n");
    for (int a = 0; a < AREA_COUNT; a++) {
        int heading = 0;
        for (const cli_module *const *module = cli_modules; *module; module++) {
            if ((*module)->area != (area)a)
                continue;
            if (!heading++)
                fprintf(out, "\n%s:\n", area_title((area)a));
            for (const cli_command *command = (*module)->commands; command->noun; command++)
                print_usage_line(out, command);
        }
    }
    fprintf(out, "\noptions of every command:\n"
                 "  --db PATH                  the database (BLOODOPS_DB; default " DEFAULT_DB ")\n"
                 "  --format table|json|csv    how data is printed (default table)\n"
                 "  --help                     help for the command\n");
}

static void print_noun_help(FILE *out, const char *noun)
{
    fprintf(out, "usage: bloodops %s <verb> [arguments] [options]\n\nverbs:\n", noun);
    for (const cli_module *const *module = cli_modules; *module; module++)
        for (const cli_command *command = (*module)->commands; command->noun; command++)
            if (strcmp(command->noun, noun) == 0)
                print_usage_line(out, command);
    fprintf(out, "\nbloodops %s <verb> --help shows a verb's options.\n", noun);
}

static void print_command_help(FILE *out, const cli_command *command)
{
    fprintf(out, "usage: bloodops %s%s%s %s [options]\n\n%s\n\noptions:\n", command->noun,
            command->verb ? " " : "", command->verb ? command->verb : "",
            command->arguments ? command->arguments : "", command->summary);
    for (const cli_option *option = command->options; option && option->name; option++) {
        char head[48];
        snprintf(head, sizeof head, "--%s%s%s", option->name, option->value_name ? " " : "",
                 option->value_name ? option->value_name : "");
        fprintf(out, "  %-26s %s\n", head, option->help);
    }
    fprintf(out, "  %-26s %s\n  %-26s %s\n  %-26s %s\n", "--db PATH",
            "the database (BLOODOPS_DB; default " DEFAULT_DB ")",
            format_help[command->document_formats].option,
            format_help[command->document_formats].help, "--help", "this help");
}

static int usage_error(const char *fmt, const char *detail, const cli_command *command)
{
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

static int wants_help(int argc, char **argv, int from)
{
    for (int i = from; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
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

static int parse_arguments(cli_invocation *invocation, int argc, char **argv, int from)
{
    const cli_command *command = invocation->command;
    const char *format = NULL;
    invocation->db_location = getenv("BLOODOPS_DB");
    for (int i = from; i < argc; i++) {
        const char *argument = argv[i];
        if (strncmp(argument, "--", 2) != 0) {
            if (invocation->positional_count >= command->positional_max)
                return usage_error("unexpected argument '%s'", argument, command);
            invocation->positional[invocation->positional_count++] = argument;
            continue;
        }
        char name[48];
        const char *equals = strchr(argument, '=');
        size_t length = equals ? (size_t)(equals - argument - 2) : strlen(argument + 2);
        if (length == 0 || length >= sizeof name)
            return usage_error("unknown option '%s'", argument, command);
        memcpy(name, argument + 2, length);
        name[length] = '\0';
        const char *value = equals ? equals + 1 : NULL;
        int index = -1, takes_value = 1;
        if (strcmp(name, "db") && strcmp(name, "format")) {
            for (int o = 0; command->options && command->options[o].name; o++) {
                assert(o < CLI_OPTIONS_MAX); /* the command table declares too many */
                if (strcmp(command->options[o].name, name) == 0)
                    index = o;
            }
            if (index < 0)
                return usage_error("unknown option '--%s'", name, command);
            takes_value = command->options[index].value_name != NULL;
        }
        if (takes_value && !value) {
            if (i + 1 >= argc)
                return usage_error("option '--%s' needs a value", name, command);
            value = argv[++i];
        } else if (!takes_value && value) {
            return usage_error("option '--%s' takes no value", name, command);
        }
        if (strcmp(name, "db") == 0)
            invocation->db_location = value;
        else if (strcmp(name, "format") == 0)
            format = value;
        else if (invocation->values[index])
            return usage_error("option '--%s' is given twice", name, command);
        else
            invocation->values[index] = takes_value ? value : "1";
    }
    if (invocation->positional_count < command->positional_min)
        return usage_error("missing argument %s", command->arguments, command);
    if (format_parse(command, format, &invocation->format) != 0) {
        char message[96];
        snprintf(message, sizeof message, "--format must be %s, not '%%s'",
                 format_lists[command->document_formats].choices);
        return usage_error(message, format, command);
    }
    invocation->format_given = format != NULL;
    if (!invocation->db_location || !*invocation->db_location)
        invocation->db_location = DEFAULT_DB;
    return CLI_OK;
}

int cli_main(int argc, char **argv)
{
    log_init();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_overview(stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *noun = argv[1];
    if (!noun_exists(noun))
        return usage_error("unknown command '%s'", noun, NULL);
    /* A noun alone (version, init, serve) or a noun and its verb. */
    const char *verb = argc > 2 && strncmp(argv[2], "-", 1) != 0 ? argv[2] : NULL;
    const cli_command *command = find_command(noun, verb);
    int from = verb ? 3 : 2;
    if (!command && (command = find_command(noun, NULL)) != NULL)
        from = 2;
    if (!command) {
        if (!verb || wants_help(argc, argv, 2)) {
            print_noun_help(verb ? stderr : stdout, noun);
            return verb ? CLI_USAGE : (wants_help(argc, argv, 2) ? CLI_OK : CLI_USAGE);
        }
        fprintf(stderr, "bloodops: unknown verb '%s' for '%s'\n", verb, noun);
        print_noun_help(stderr, noun);
        return CLI_USAGE;
    }
    if (wants_help(argc, argv, from)) {
        print_command_help(stdout, command);
        return CLI_OK;
    }
    cli_invocation invocation = {.command = command};
    int status = parse_arguments(&invocation, argc, argv, from);
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

int cli_fail(const err *e)
{
    if (e->field[0])
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
