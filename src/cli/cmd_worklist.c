/*
 * cmd_worklist.c - the worklist from the command line (docs/worklists.md):
 *   bloodops worklist [--limit N]
 * Every section the operator gets (the local operator holds every role),
 * each as a heading with its count and a table of its first items;
 * --format json prints the answer of GET /api/v1/worklist, csv one row per
 * section with its count.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "service/worklist.h"

/* The columns of each section's items, by section name. */
static const struct {
    const char *name;
    cli_column columns[10];
} section_columns[] = {
    {"collections_today",
     {{"eye_readable", "DIN"}, {"donor_number", "DONOR"}, {"center", "CENTER"},
      {"procedure", "PROCEDURE"}, {"collected_at", "COLLECTED"}, {"processed", "PROCESSED"}, {0}}},
    {"donors_due_back",
     {{"donor_number", "DONOR"}, {"family_name", "FAMILY NAME"}, {"given_name", "GIVEN NAME"},
      {"phone", "PHONE"}, {"home_center", "HOME CENTER"}, {"last_donation_on", "LAST DONATION"},
      {"last_donation_procedure", "PROCEDURE"}, {"eligible_since", "ELIGIBLE SINCE"}, {0}}},
    {"release_queue", {{"state", "STATE"}, {"count", "UNITS"}, {0}}},
    {"abo_discrepancies",
     {{"id", "ID"}, {"eye_readable", "DIN"}, {"donor_number", "DONOR"}, {"donor_group", "DONOR GROUP"},
      {"donation_group", "TYPED"}, {"status", "STATUS"}, {"opened_at", "OPENED"}, {0}}},
    {"lookback_deadlines",
     {{"id", "CASE"}, {"donor_number", "DONOR"}, {"marker", "MARKER"},
      {"trigger_eye_readable", "TRIGGER DIN"}, {"next_due", "NEXT DUE"}, {"overdue", "OVERDUE"},
      {0}}},
    {"periods_to_close", {{"period", "PERIOD"}, {"first_day", "FROM"}, {"last_day", "TO"}, {0}}},
    {"quarter_findings", {{"finding", "FINDING"}, {0}}},
};

static const cli_column summary_columns[] = {
    {"name", "SECTION"}, {"title", "TITLE"}, {"count", "COUNT"}, {0}};

static int call_worklist(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return worklist_get(ctx, cli_option_value(invocation, "limit"), out, e);
}

/* What a section says beside its title: its day, its quarter... */
static void section_heading(json_t *section)
{
    const char *name = json_string_value(json_object_get(section, "name"));
    json_int_t count = json_integer_value(json_object_get(section, "count"));
    printf("%s: %" JSON_INTEGER_FORMAT, json_string_value(json_object_get(section, "title")),
           count);
    if (strcmp(name, "donors_due_back") == 0)
        printf(" (interval ended in the last %" JSON_INTEGER_FORMAT " days)",
               json_integer_value(json_object_get(section, "days")));
    else if (strcmp(name, "lookback_deadlines") == 0)
        printf(" (a step due by %s, or overdue)",
               json_string_value(json_object_get(section, "due_by")));
    else if (strcmp(name, "periods_to_close") == 0) {
        const char *closed = json_string_value(json_object_get(section, "last_closed"));
        printf(" (last closed: %s)", closed ? closed : "none");
    } else if (strcmp(name, "quarter_findings") == 0) {
        const char *latest = json_string_value(json_object_get(section, "quarter"));
        printf(" (%s)", latest ? latest : "nothing is posted yet");
    }
    printf("\n");
}

static void print_worklist(const cli_invocation *invocation, json_t *result)
{
    json_t *sections = json_object_get(result, "sections"), *section;
    size_t index;
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, sections, summary_columns);
        return;
    }
    printf("Worklist for %s\n", json_string_value(json_object_get(result, "today")));
    if (json_array_size(sections) == 0)
        printf("\nNo worklist: none of your roles has work listed here.\n");
    json_array_foreach(sections, index, section) {
        const char *name = json_string_value(json_object_get(section, "name"));
        json_t *items = json_object_get(section, "items");
        json_int_t count = json_integer_value(json_object_get(section, "count"));
        printf("\n");
        section_heading(section);
        if (count == 0) {
            printf("  nothing to do\n");
            continue;
        }
        json_t *rows = json_incref(items);
        if (strcmp(name, "quarter_findings") == 0) {
            /* Findings are texts: one row each. */
            json_decref(rows);
            rows = json_array();
            json_t *text;
            size_t i;
            json_array_foreach(items, i, text)
                json_array_append_new(rows, json_pack("{s:O}", "finding", text));
        }
        for (size_t c = 0; c < sizeof section_columns / sizeof section_columns[0]; c++)
            if (strcmp(section_columns[c].name, name) == 0)
                cli_print_list(invocation, rows, section_columns[c].columns);
        json_decref(rows);
        if (strcmp(name, "release_queue") != 0 && (json_int_t)json_array_size(items) < count)
            printf("... and %" JSON_INTEGER_FORMAT " more (--limit shows more)\n",
                   count - (json_int_t)json_array_size(items));
    }
}

static int run_worklist(cli_invocation *invocation)
{
    return cli_run(invocation, call_worklist, print_worklist);
}

static const cli_option worklist_options[] = {
    {"limit", "N", "items shown per section, 1 to 500 (default 10; all are counted)"}, {0}};

static const cli_command worklist_commands[] = {
    {.noun = "worklist", .run = run_worklist, .options = worklist_options,
     .summary = "the work of the day: collections, donors due back, release, lookback, closing",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_worklist = {
    .name = "worklist", .area = AREA_ADMINISTRATION, .commands = worklist_commands};
