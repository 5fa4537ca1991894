/*
 * apheresis_schedule.h - the schedule of apheresis procedures
 * (docs/apheresis.md, "The schedule"): the registry of apheresis devices,
 * the bookings of a nurse and a device for one procedure of a physician's
 * order, and the schedule board of a market's day. The one writer of
 * apheresis_devices, apheresis_bookings and apheresis_schedule_locks.
 *
 * A nurse or a device is never booked twice at overlapping times, nor an
 * order's course beyond its number of procedures, even when bookings
 * arrive at once: each booking first updates the lock rows of its device,
 * nurse and order (in that order) and only then looks for a conflict.
 *
 * Scope: a user limited to their markets (service.h, SERVICE_MARKET_SCOPE)
 * books only the orders of their markets' patients (another order is not
 * there: ERR_NOT_FOUND naming "order"), adds and deactivates only their
 * markets' devices and sees the bookings of their markets; on the board of
 * another market the patients' names are withheld.
 */
#ifndef BLOODOPS_SERVICE_APHERESIS_SCHEDULE_H
#define BLOODOPS_SERVICE_APHERESIS_SCHEDULE_H

#include "service/service.h"

enum {
    /* A booking may start at most this long before now (a procedure
     * entered just after it began). */
    APHERESIS_BOOKING_GRACE_SECONDS = 30 * 60,
    /* The longest booking. */
    APHERESIS_BOOKING_MAX_SECONDS = 12 * 3600,
    /* How far ahead a booking may start. */
    APHERESIS_BOOKING_AHEAD_DAYS = 366,
};

/* A new device: serial number (unique), model, market code. */
int apheresis_device_add(service_context *ctx, const char *serial, const char *model,
                         const char *market, json_t **out, err *e);
/* Deactivate device `serial`: kept, never booked again. */
int apheresis_device_deactivate(service_context *ctx, const char *serial, json_t **out, err *e);

typedef struct {
    const char *market; /* a market's code, or NULL */
    const char *active; /* "true", "false", or NULL: both */
    service_page page;  /* sort by id, serial, model, market */
} apheresis_device_filter;
int apheresis_device_list(service_context *ctx, apheresis_device_filter *filter, json_t **out,
                          err *e);

/* A booking's fields as text. */
typedef struct {
    const char *order;  /* an active order's id */
    const char *nurse;  /* a username holding apheresis_nurse in the hospital's market */
    const char *device; /* an active device's serial, of the hospital's market */
    const char *start, *end; /* ISO 8601 instants with Z or an offset */
} apheresis_booking_input;

/* Book a procedure of the order's course. ERR_INVALID naming the field
 * for bad input; ERR_CONFLICT naming "nurse" or "device" (with the
 * conflicting booking's id and times) when either is booked at an
 * overlapping time, naming "order" when the order is not active or its
 * course is fully booked. */
int apheresis_booking_create(service_context *ctx, const apheresis_booking_input *in,
                             json_t **out, err *e);
int apheresis_booking_get(service_context *ctx, const char *booking, json_t **out, err *e);
/* Cancel a booked booking with its reason: its nurse and device are free
 * again and the course has the procedure back. */
int apheresis_booking_cancel(service_context *ctx, const char *booking, const char *reason,
                             json_t **out, err *e);
/* Mark booking `id` done inside the caller's transaction (the procedure
 * recorded for it): ERR_CONFLICT naming "booking" unless it is a booked
 * procedure of order `order_id`. */
int apheresis_booking_done_in(service_context *ctx, int64_t id, int64_t order_id, err *e);

typedef struct {
    const char *order;  /* one order's bookings (an id), or NULL */
    const char *status; /* booked, cancelled, done, or NULL */
    service_page page;  /* sort by id, starts_at, status */
} apheresis_booking_filter;
int apheresis_booking_list(service_context *ctx, apheresis_booking_filter *filter, json_t **out,
                           err *e);

/* The board of market `market` on the local day `day` (YYYY-MM-DD, the
 * market's zone): every booked or done booking overlapping that day, and
 * per nurse and per device its bookings and the free times between them;
 * `nurse` (a username) and `device` (a serial) narrow it, either NULL. */
int apheresis_schedule_board(service_context *ctx, const char *market, const char *day,
                             const char *nurse, const char *device, json_t **out, err *e);

#endif
