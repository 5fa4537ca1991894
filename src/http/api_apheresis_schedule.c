/*
 * api_apheresis_schedule.c - the schedule of apheresis procedures over HTTP
 * (docs/apheresis.md, "The schedule"): the devices, the bookings of a
 * nurse and a device for an order, and the schedule board of a market's
 * day; the same use cases as `bloodops apheresis device add|list|deactivate`,
 * `bloodops apheresis book`, `bloodops apheresis booking list|show|cancel`
 * and `bloodops apheresis schedule`. Its routes are declared at the end of
 * this file.
 */
#include "http/http.h"
#include "service/apheresis_schedule.h"

/* --- devices ------------------------------------------------------------- */

static void devices_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_device_filter filter = {.market = http_query(request, "market"),
                                      .active = http_query(request, "active")};
    int rc = http_query_page(request, &filter.page, &e) ||
             apheresis_device_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field device_body[] = {
    {"serial", FIELD_STRING, 1}, {"model", FIELD_STRING, 1}, {"market", FIELD_STRING, 1}, {0}};

static void devices_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_device_add(&request->service, http_body_string(request, "serial"),
                                  http_body_string(request, "model"),
                                  http_body_string(request, "market"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static const http_field empty_body[] = {{0}};

static void devices_deactivate(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_device_deactivate(&request->service, request->path_params[0], &result,
                                         &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- bookings ------------------------------------------------------------ */

static void bookings_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_booking_filter filter = {.order = http_query(request, "order"),
                                       .status = http_query(request, "status")};
    int rc = http_query_page(request, &filter.page, &e) ||
             apheresis_booking_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field booking_body[] = {
    {"order", FIELD_INTEGER_TEXT, 1}, {"nurse", FIELD_STRING, 1}, {"device", FIELD_STRING, 1},
    {"start", FIELD_STRING, 1},       {"end", FIELD_STRING, 1},   {0}};

static void bookings_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    apheresis_booking_input in = {.order = http_body_number_text(request, "order"),
                                  .nurse = http_body_string(request, "nurse"),
                                  .device = http_body_string(request, "device"),
                                  .start = http_body_string(request, "start"),
                                  .end = http_body_string(request, "end")};
    int rc = apheresis_booking_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void bookings_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_booking_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field cancel_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void bookings_cancel(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_booking_cancel(&request->service, request->path_params[0],
                                      http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- the board ----------------------------------------------------------- */

static void schedule(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = apheresis_schedule_board(&request->service, http_query(request, "market"),
                                      http_query(request, "day"), http_query(request, "nurse"),
                                      http_query(request, "device"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route apheresis_schedule_routes[] = {
    {.method = "GET", .pattern = "/api/v1/apheresis-devices", .handler = devices_list,
     .capability = CAPABILITY_APHERESIS, .query = "market,active,limit,after,sort,offset",
     .response = "ApheresisDeviceList",
     .summary = "Apheresis devices by serial number (a nurse: of their markets)"},
    {.method = "POST", .pattern = "/api/v1/apheresis-devices", .handler = devices_create,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = device_body,
     .response = "ApheresisDevice", .status = 201,
     .summary = "Register an apheresis device: serial number (unique), model, market"},
    {.method = "POST", .pattern = "/api/v1/apheresis-devices/{serial}/deactivate",
     .handler = devices_deactivate, .capability = CAPABILITY_APHERESIS_WRITE,
     .body = empty_body, .response = "ApheresisDevice",
     .summary = "Deactivate a device: kept with its bookings, never booked again"},
    {.method = "GET", .pattern = "/api/v1/apheresis-bookings", .handler = bookings_list,
     .capability = CAPABILITY_APHERESIS, .query = "order,status,limit,after,sort,offset",
     .response = "ApheresisBookingList",
     .summary = "Bookings of apheresis procedures; status=booked|cancelled|done"},
    {.method = "POST", .pattern = "/api/v1/apheresis-bookings", .handler = bookings_create,
     .capability = CAPABILITY_APHERESIS_WRITE, .body = booking_body,
     .response = "ApheresisBooking", .status = 201,
     .summary = "Book a procedure of an order's course: a nurse and a device from start to "
                "end, never twice at once"},
    {.method = "GET", .pattern = "/api/v1/apheresis-bookings/{id}", .handler = bookings_show,
     .capability = CAPABILITY_APHERESIS, .response = "ApheresisBooking",
     .summary = "A booking with its times in the market's zone"},
    {.method = "POST", .pattern = "/api/v1/apheresis-bookings/{id}/cancel",
     .handler = bookings_cancel, .capability = CAPABILITY_APHERESIS_WRITE, .body = cancel_body,
     .response = "ApheresisBooking", .summary = "Cancel a booking, with its reason"},
    {.method = "GET", .pattern = "/api/v1/apheresis-schedule", .handler = schedule,
     .capability = CAPABILITY_APHERESIS, .query = "market,day,nurse,device",
     .response = "ApheresisSchedule",
     .summary = "The schedule board of a market's local day: bookings, and per nurse and "
                "device the free times between them"},
    {0},
};

const http_module http_module_apheresis_schedule = {
    .name = "apheresis_schedule", .area = AREA_SERVICES, .routes = apheresis_schedule_routes};
