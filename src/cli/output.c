/*
 * output.c - printing service results as an aligned table, JSON or CSV.
 *
 * Everything a command prints as data goes through here, so every command
 * supports --format table|json|csv the same way. CSV follows RFC 4180
 * (quotes doubled, fields with commas, quotes or newlines quoted). Amounts
 * (CLI_MONEY columns) are grouped by thousands and right-aligned in tables,
 * as the reports print them; CSV and JSON carry them as the service answers
 * them ("6736000.00"), for programs to read.
 *
 * Times: JSON and CSV print them as the services answer them, in UTC. A
 * table shows the UTC times of a record that names its time zone (a
 * "time_zone" member: a center's, a market's, a collection's), or of a list
 * printed in a zone (the units of a donation), as the clocks there show
 * them, with the zone named ("2004-03-09 22:30 PST").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buffer.h"
#include "base/local_time.h"
#include "base/money.h"
#include "base/text_columns.h"
#include "cli/cli.h"

/* The text shown for one value. */
static void value_text(json_t *value, buffer *out)
{
    buffer_reset(out);
    if (!value || json_is_null(value))
        return;
    if (json_is_string(value))
        buffer_append_text(out, json_string_value(value));
    else if (json_is_integer(value))
        buffer_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    else if (json_is_true(value))
        buffer_append_text(out, "yes");
    else if (json_is_false(value))
        buffer_append_text(out, "no");
    else if (json_is_array(value)) {
        size_t i;
        json_t *element;
        buffer element_text = BUFFER_INIT;
        json_array_foreach(value, i, element)
        {
            value_text(element, &element_text);
            buffer_printf(out, "%s%s", i ? "," : "", buffer_text(&element_text));
        }
        buffer_free(&element_text);
    } else {
        char *dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        buffer_append_text(out, dumped ? dumped : "");
        free(dumped);
    }
}

/* Print `text` padded to `width` (right-aligned for amounts); the last
 * column of a row is not padded. */
static void print_cell(const char *text, const cli_column *column, size_t width, int last)
{
    size_t pad = width > text_width(text) ? width - text_width(text) : 0;
    if (column->kind == CLI_MONEY)
        printf("%*s%s", (int)pad, "", text);
    else
        printf("%s%*s", text, last ? 0 : (int)pad, "");
}

static void print_csv_field(const char *text)
{
    if (strpbrk(text, ",\"\r\n")) {
        putchar('"');
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                putchar('"');
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(text, stdout);
    }
}

/* The text a table shows for `column` of `item`: an amount grouped by
 * thousands, negatives in parentheses ("(1,234.56)"); a UTC time of a
 * record with a time zone (its own, else `zone`) on that zone's clock; else
 * the value. */
static void cell_text(json_t *item, const cli_column *column, const char *zone, buffer *out)
{
    json_t *value = json_object_get(item, column->key);
    char grouped[MONEY_TEXT_MAX];
    if (column->kind == CLI_MONEY && json_is_string(value) &&
        money_format_text(json_string_value(value), MONEY_GROUPED | MONEY_PARENS, grouped,
                          sizeof grouped)) {
        buffer_reset(out);
        buffer_append_text(out, grouped);
        return;
    }
    if (json_is_string(json_object_get(item, "time_zone")))
        zone = json_string_value(json_object_get(item, "time_zone"));
    int64_t at;
    char local[LOCAL_TIME_TEXT_MAX];
    if (zone && json_is_string(value) &&
        timestamp_parse(json_string_value(value), &at, NULL, NULL) == 0 &&
        *local_time_format(zone, at, local, sizeof local)) {
        buffer_reset(out);
        buffer_append_text(out, local);
        return;
    }
    value_text(value, out);
}

static void print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    printf("%s\n", text ? text : "null");
    free(text);
}

void cli_print_list(const cli_invocation *invocation, json_t *items, const cli_column *columns)
{
    cli_print_list_in_zone(invocation, items, columns, NULL);
}

void cli_print_list_in_zone(const cli_invocation *invocation, json_t *items,
                            const cli_column *columns, const char *zone)
{
    size_t column_count = 0;
    while (columns[column_count].key)
        column_count++;
    if (invocation->format == OUTPUT_JSON) {
        print_json(items);
        return;
    }
    buffer text = BUFFER_INIT;
    size_t i;
    json_t *item;
    if (invocation->format == OUTPUT_CSV) {
        for (size_t c = 0; c < column_count; c++) {
            if (c)
                putchar(',');
            print_csv_field(columns[c].key);
        }
        putchar('\n');
        json_array_foreach(items, i, item)
        {
            for (size_t c = 0; c < column_count; c++) {
                if (c)
                    putchar(',');
                value_text(json_object_get(item, columns[c].key), &text);
                print_csv_field(buffer_text(&text));
            }
            putchar('\n');
        }
        buffer_free(&text);
        return;
    }
    size_t *widths = calloc(column_count, sizeof *widths);
    for (size_t c = 0; c < column_count; c++)
        widths[c] = text_width(columns[c].header);
    json_array_foreach(items, i, item) for (size_t c = 0; c < column_count; c++)
    {
        cell_text(item, &columns[c], zone, &text);
        size_t width = text_width(buffer_text(&text));
        if (width > widths[c])
            widths[c] = width;
    }
    for (size_t c = 0; c < column_count; c++) {
        fputs(c ? "  " : "", stdout);
        print_cell(columns[c].header, &columns[c], widths[c], c + 1 == column_count);
    }
    putchar('\n');
    json_array_foreach(items, i, item)
    {
        for (size_t c = 0; c < column_count; c++) {
            cell_text(item, &columns[c], zone, &text);
            fputs(c ? "  " : "", stdout);
            print_cell(buffer_text(&text), &columns[c], widths[c], c + 1 == column_count);
        }
        putchar('\n');
    }
    if (json_array_size(items) == 0)
        printf("(none)\n");
    free(widths);
    buffer_free(&text);
}

void cli_print_object(const cli_invocation *invocation, json_t *object, const cli_column *columns)
{
    if (invocation->format != OUTPUT_TABLE) {
        if (invocation->format == OUTPUT_JSON) {
            print_json(object);
            return;
        }
        json_t *items = json_pack("[O]", object);
        cli_print_list(invocation, items, columns);
        json_decref(items);
        return;
    }
    size_t label_width = 0;
    for (const cli_column *c = columns; c->key; c++)
        if (text_width(c->header) > label_width)
            label_width = text_width(c->header);
    buffer text = BUFFER_INIT;
    for (const cli_column *c = columns; c->key; c++) {
        cell_text(object, c, NULL, &text);
        printf("%s%*s  %s\n", c->header, (int)(label_width + 1 - text_width(c->header)), "",
               buffer_text(&text));
    }
    buffer_free(&text);
}

int cli_run(cli_invocation *invocation, cli_command_call call, cli_printer print)
{
    err e;
    service_context ctx;
    json_t *result = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = call(&ctx, invocation, &result, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    print(invocation, result);
    json_decref(result);
    return CLI_OK;
}

int cli_print_one(cli_invocation *invocation, cli_object_call call, const void *input,
                  const cli_column *columns)
{
    err e;
    service_context ctx;
    json_t *result = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = call(&ctx, input, &result, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    cli_print_object(invocation, result, columns);
    json_decref(result);
    return CLI_OK;
}

int cli_print_all_pages(cli_invocation *invocation, cli_page_call call, const void *filter,
                        long max_items, const cli_column *columns)
{
    err e;
    service_context ctx;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    json_t *all = json_array();
    service_page page = {.limit = SERVICE_PAGE_MAX};
    char after[128];
    int rc;
    for (;;) {
        long wanted = max_items ? max_items - (long)json_array_size(all) : SERVICE_PAGE_MAX;
        page.limit = (int)(wanted < SERVICE_PAGE_MAX ? wanted : SERVICE_PAGE_MAX);
        json_t *result;
        if ((rc = call(&ctx, filter, &page, &result, &e)) != 0)
            break;
        json_array_extend(all, json_object_get(result, "items"));
        /* The key of the next page is a code (text) or a sequence number. */
        json_t *next = json_object_get(result, "next_after");
        page.after = NULL;
        if (json_is_string(next)) {
            snprintf(after, sizeof after, "%s", json_string_value(next));
            page.after = after;
        } else if (json_is_integer(next)) {
            snprintf(after, sizeof after, "%" JSON_INTEGER_FORMAT, json_integer_value(next));
            page.after = after;
        }
        json_decref(result);
        if (!page.after || (max_items && (long)json_array_size(all) >= max_items))
            break;
    }
    cli_close(&ctx);
    if (rc == 0)
        cli_print_list(invocation, all, columns);
    json_decref(all);
    return rc ? cli_fail(&e) : CLI_OK;
}
