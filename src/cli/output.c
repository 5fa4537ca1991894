/*
 * output.c - printing service results as an aligned table, JSON or CSV.
 *
 * Everything a command prints as data goes through here, so every command
 * supports --format table|json|csv the same way. CSV follows RFC 4180
 * (quotes doubled, fields with commas, quotes or newlines quoted).
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
        char *dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        buffer_append_text(out, dumped ? dumped : "");
        free(dumped);
    }
}

/* Display width of UTF-8 text: count code points, not bytes. */
static size_t text_width(const char *text)
{
    size_t width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80)
            width++;
    return width;
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

/* The text a table shows for `key` of `item`: its value, or a UTC time of
 * a record with a time zone (its own, else `zone`) in that zone. */
static void cell_text(json_t *item, const char *key, const char *zone, buffer *out)
{
    json_t *value = json_object_get(item, key);
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
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY);
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
        cell_text(item, columns[c].key, zone, &text);
        size_t width = text_width(buffer_text(&text));
        if (width > widths[c])
            widths[c] = width;
    }
    for (size_t c = 0; c < column_count; c++)
        printf("%s%-*s", c ? "  " : "", c + 1 < column_count ? (int)widths[c] : 0,
               columns[c].header);
    putchar('\n');
    json_array_foreach(items, i, item)
    {
        for (size_t c = 0; c < column_count; c++) {
            cell_text(item, columns[c].key, zone, &text);
            const char *shown = buffer_text(&text);
            size_t pad = c + 1 < column_count ? widths[c] - text_width(shown) : 0;
            printf("%s%s%*s", c ? "  " : "", shown, (int)pad, "");
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
        cell_text(object, c->key, NULL, &text);
        printf("%-*s  %s\n", (int)label_width + 1, c->header, buffer_text(&text));
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
