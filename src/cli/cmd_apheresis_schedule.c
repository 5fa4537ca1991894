/*
 * cmd_apheresis_schedule.c - the schedule of apheresis procedures from the
 * command line (docs/apheresis.md, "The schedule"), the use cases of
 * service/apheresis_schedule.h:
 *   bloodops apheresis device add --serial SERIAL --model MODEL --market CODE
 *   bloodops apheresis device list [--market CODE] [--active true|false]
 *   bloodops apheresis device deactivate SERIAL
 *   bloodops apheresis book ORDER --nurse USER --device SERIAL --start T --end T
 *   bloodops apheresis booking list [--order ID] [--status STATUS]
 *   bloodops apheresis booking show ID
 *   bloodops apheresis booking cancel ID --reason TEXT
 *   bloodops apheresis schedule --market CODE --day DATE [--nurse USER] [--device SERIAL]
 * Times are ISO 8601 instants with Z or an offset (2026-12-08T08:00-08:00);
 * bookings print their times in the market's zone.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "service/apheresis_schedule.h"

static const cli_column device_columns[] = {
    {"serial", "SERIAL"}, {"model", "MODEL"}, {"market", "MARKET"}, {"active", "ACTIVE"},
    {"created_at", "ADDED"}, {0}};
static const cli_column booking_columns[] = {
    {"id", "BOOKING"},      {"order", "ORDER"},        {"patient_name", "PATIENT"},
    {"procedure_label", "PROCEDURE"}, {"hospital", "HOSPITAL"}, {"nurse", "NURSE"},
    {"device", "DEVICE"},   {"start_local", "START"},  {"end_local", "END"},
    {"status", "STATUS"},   {0}};

static void print_device(const cli_invocation *invocation, json_t *device)
{
    cli_print_object(invocation, device, invocation->format == OUTPUT_JSON ? NULL : device_columns);
}

static void print_booking(const cli_invocation *invocation, json_t *booking)
{
    cli_print_object(invocation, booking,
                     invocation->format == OUTPUT_JSON ? NULL : booking_columns);
}

/* `book` prints the new booking's id alone in a table, for scripts. */
static void print_booking_id(const cli_invocation *invocation, json_t *booking)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(booking, "id")));
    else
        cli_print_object(invocation, booking, NULL);
}

static int call_device_add(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return apheresis_device_add(ctx, cli_option_value(invocation, "serial"),
                                cli_option_value(invocation, "model"),
                                cli_option_value(invocation, "market"), out, e);
}

static int call_device_deactivate(service_context *ctx, cli_invocation *invocation,
                                  json_t **out, err *e)
{
    return apheresis_device_deactivate(ctx, invocation->positional[0], out, e);
}

static int call_book(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    apheresis_booking_input in = {.order = invocation->positional[0],
                                  .nurse = cli_option_value(invocation, "nurse"),
                                  .device = cli_option_value(invocation, "device"),
                                  .start = cli_option_value(invocation, "start"),
                                  .end = cli_option_value(invocation, "end")};
    return apheresis_booking_create(ctx, &in, out, e);
}

static int call_booking_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return apheresis_booking_get(ctx, invocation->positional[0], out, e);
}

static int call_booking_cancel(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    return apheresis_booking_cancel(ctx, invocation->positional[0],
                                    cli_option_value(invocation, "reason"), out, e);
}

static int call_schedule(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return apheresis_schedule_board(ctx, cli_option_value(invocation, "market"),
                                    cli_option_value(invocation, "day"),
                                    cli_option_value(invocation, "nurse"),
                                    cli_option_value(invocation, "device"), out, e);
}

/* The board: its bookings, then each nurse's and device's day with the
 * free times between bookings. */
static void print_schedule(const cli_invocation *invocation, json_t *board)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, board, NULL);
        return;
    }
    json_t *bookings = json_object_get(board, "bookings");
    if (invocation->format == OUTPUT_CSV) {
        cli_print_list(invocation, bookings, booking_columns);
        return;
    }
    printf("%s (%s), %s, %s\n\n", json_string_value(json_object_get(board, "market_name")),
           json_string_value(json_object_get(board, "market")),
           json_string_value(json_object_get(board, "day")),
           json_string_value(json_object_get(board, "time_zone")));
    if (!json_array_size(bookings)) {
        printf("No procedure is booked.\n");
        return;
    }
    cli_print_list(invocation, bookings, booking_columns);
    static const char *const kinds[] = {"nurses", "devices"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *lane;
        json_array_foreach(json_object_get(board, kinds[k]), i, lane) {
            printf("\n%s %s (%s):", k == 0 ? "Nurse" : "Device",
                   json_string_value(json_object_get(lane, "key")),
                   json_string_value(json_object_get(lane, "name")));
            size_t j;
            json_t *slot;
            json_array_foreach(json_object_get(lane, "slots"), j, slot) {
                const char *kind = json_string_value(json_object_get(slot, "kind"));
                printf("%s %s-%s ", j ? "," : "", json_string_value(json_object_get(slot, "from")),
                       json_string_value(json_object_get(slot, "to")));
                if (!strcmp(kind, "free"))
                    printf("free");
                else
                    printf("booking %lld",
                           (long long)json_integer_value(json_object_get(slot, "booking")));
            }
            putchar('\n');
        }
    }
}

static int run_device_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_device_add, print_device);
}
static int run_device_deactivate(cli_invocation *invocation)
{
    return cli_run(invocation, call_device_deactivate, print_device);
}
static int run_book(cli_invocation *invocation)
{
    return cli_run(invocation, call_book, print_booking_id);
}
static int run_booking_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_booking_show, print_booking);
}
static int run_booking_cancel(cli_invocation *invocation)
{
    return cli_run(invocation, call_booking_cancel, print_booking);
}
static int run_schedule(cli_invocation *invocation)
{
    return cli_run(invocation, call_schedule, print_schedule);
}

static int call_device_list(service_context *ctx, const void *filter, service_page *page,
                            json_t **out, err *e)
{
    apheresis_device_filter f = *(const apheresis_device_filter *)filter;
    f.page = *page;
    return apheresis_device_list(ctx, &f, out, e);
}

static int run_device_list(cli_invocation *invocation)
{
    apheresis_device_filter filter = {.market = cli_option_value(invocation, "market"),
                                      .active = cli_option_value(invocation, "active")};
    return cli_print_all_pages(invocation, call_device_list, &filter, 0, device_columns);
}

static int call_booking_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    apheresis_booking_filter f = *(const apheresis_booking_filter *)filter;
    f.page = *page;
    return apheresis_booking_list(ctx, &f, out, e);
}

static int run_booking_list(cli_invocation *invocation)
{
    apheresis_booking_filter filter = {.order = cli_option_value(invocation, "order"),
                                       .status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_booking_list, &filter, 0, booking_columns);
}

static const cli_option device_options[] = {
    {"serial", "SERIAL", "the device's serial number (unique)"},
    {"model", "MODEL", "the device's model"},
    {"market", "CODE", "the market the device serves"},
    {0}};
static const cli_option device_list_options[] = {
    {"market", "CODE", "one market's devices"},
    {"active", "true|false", "active or deactivated devices only"},
    {0}};
static const cli_option book_options[] = {
    {"nurse", "USER", "the nurse's username (an apheresis nurse of the hospital's market)"},
    {"device", "SERIAL", "the device's serial number (of the hospital's market)"},
    {"start", "TIME", "the start, ISO 8601 with Z or an offset (2026-12-08T08:00-08:00)"},
    {"end", "TIME", "the expected end, after the start, at most 12 hours later"},
    {0}};
static const cli_option booking_list_options[] = {
    {"order", "ID", "one order's bookings"},
    {"status", "STATUS", "booked, cancelled or done"},
    {0}};
static const cli_option cancel_options[] = {
    {"reason", "TEXT", "why the booking is cancelled"}, {0}};
static const cli_option schedule_options[] = {
    {"market", "CODE", "the market"},
    {"day", "DATE", "the market's local day, YYYY-MM-DD"},
    {"nurse", "USER", "one nurse's bookings"},
    {"device", "SERIAL", "one device's bookings"},
    {0}};

static const cli_command apheresis_schedule_commands[] = {
    {.noun = "apheresis", .verb = "device add", .run = run_device_add, .options = device_options,
     .summary = "register an apheresis device", .opens_database = 1},
    {.noun = "apheresis", .verb = "device list", .run = run_device_list,
     .options = device_list_options, .summary = "apheresis devices", .opens_database = 1},
    {.noun = "apheresis", .verb = "device deactivate", .run = run_device_deactivate,
     .arguments = "SERIAL", .positional_min = 1, .positional_max = 1,
     .summary = "deactivate a device: never booked again", .opens_database = 1},
    {.noun = "apheresis", .verb = "book", .run = run_book, .arguments = "ORDER",
     .positional_min = 1, .positional_max = 1, .options = book_options,
     .summary = "book a procedure of an order: a nurse and a device; prints the booking's id",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "booking list", .run = run_booking_list,
     .options = booking_list_options, .summary = "bookings of apheresis procedures",
     .opens_database = 1},
    {.noun = "apheresis", .verb = "booking show", .run = run_booking_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .summary = "a booking", .opens_database = 1},
    {.noun = "apheresis", .verb = "booking cancel", .run = run_booking_cancel,
     .arguments = "ID", .positional_min = 1, .positional_max = 1, .options = cancel_options,
     .summary = "cancel a booking, with its reason", .opens_database = 1},
    {.noun = "apheresis", .verb = "schedule", .run = run_schedule, .options = schedule_options,
     .summary = "the schedule board of a market's day, with the free times",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_apheresis_schedule = {
    .name = "apheresis_schedule", .area = AREA_SERVICES, .commands = apheresis_schedule_commands};
