/*
 * collection.h - collections at donor centers and their processing into
 * components (docs/collections.md).
 *
 * Recording a collection is one transaction: the center must be open and
 * have a FIN, the donor must be eligible for the procedure on the day of
 * the collection (checked again inside the transaction with the
 * measurements taken, service/donor.h), and the collection takes a DIN:
 * the one scanned from a pre-printed label allocated to that center and
 * not used yet, or the center's next one, allocated in the same
 * transaction (after the eligibility check, so a refused donor moves no
 * sequence). Processing makes the units (domain/processing.h says which),
 * each in quarantine with its expiry from the catalog, once per
 * collection. Both write their audit records in their transaction.
 *
 * Days are the center's (its time zone, docs/DESIGN.md "Time"): the day of
 * a collection, which the eligibility rules judge and the expiry of its
 * units counts from, is the date its center's clocks showed; "today" for a
 * center's opening and closing is the date there.
 */
#ifndef BLOODOPS_SERVICE_COLLECTION_H
#define BLOODOPS_SERVICE_COLLECTION_H

#include "service/donor.h"
#include "service/service.h"

enum { COLLECTION_VOLUME_MAX_ML = 1000, COLLECTION_DEVICE_MAX = 100,
       COLLECTION_NOTE_MAX = 500 };

/* A collection as received (text, NULL when not given). */
typedef struct {
    const char *donor;         /* donor number, required */
    const char *center;        /* donor center code, required */
    const char *din;           /* a DIN scanned or typed from a pre-printed label; NULL:
                                  allocate the center's next one */
    const char *collected_at;  /* "2026-11-21T10:15:00Z", not in the future, not before the
                                  center opened; NULL: now */
    const char *device;        /* the collection device, up to 100 characters */
    const char *volume_ml;     /* collected volume, 1..1000, required */
    const char *reaction;      /* none (default), mild, moderate, severe */
    const char *reaction_note; /* up to 500 characters */
    const char *staff;         /* who collected; NULL: the acting user */
    /* The procedure (required), the measurements and parental consent;
     * `on` is ignored: eligibility is for the day of collected_at at the
     * center. */
    eligibility_request eligibility;
} collection_request;

/* Record a collection (one transaction). Answers
 *   {"din", "eye_readable", "donor_number", "center", "procedure",
 *    "collected_at", "device", "volume_ml", "reaction", "staff",
 *    "processed": false, "parental_consent", "time_zone" (the center's)}
 * ERR_INVALID naming the field at fault (a DIN not allocated to this
 * center: "din"); ERR_NOT_FOUND naming "donor"; ERR_CONFLICT naming
 * "center" (closed, no FIN), "din" (already used) or, for a donor who is
 * not eligible, the first failed rule's field with every reason. */
int collection_record(service_context *ctx, const collection_request *request, json_t **out,
                      err *e);
/* The same, writing the answer as JSON text into `answer` (the API's way:
 * on the writer's thread, no tree to build, serialise and free). */
int collection_record_write(service_context *ctx, const collection_request *request,
                            buffer *answer, err *e);

/* One collection with its measurements: the fields above and
 * "reaction_note", "weight_lb", "height_in", "hemoglobin" ("13.5" g/dL),
 * "hematocrit", "temperature" ("36.8" C), "systolic", "diastolic",
 * "pulse", "platelet_count" (thousands per uL), "processed_at",
 * "created_at" (null when not measured or not processed). The DIN in any
 * form din_text_parse takes; ERR_NOT_FOUND naming "din". */
/* 0 unless the collection (the donation) `din` is of a center outside
 * the acting user's scope (docs/users.md, "Scope"), which is then as if it
 * were not there: ERR_NOT_FOUND naming "din". */
int collection_scope_check(service_context *ctx, const char *din, err *e);

int collection_get(service_context *ctx, const char *din, json_t **out, err *e);

typedef struct {
    const char *center;    /* a center code, NULL for all */
    const char *on;        /* YYYY-MM-DD: collected that day (at the center), NULL for any */
    const char *from, *to; /* YYYY-MM-DD: collected on or after, on or before (the
                              center's days), NULL for any */
    const char *group;     /* the donor's ABO/RhD on record ("O POS", "untyped":
                              testing_group_take), NULL for any */
    const char *processed; /* "yes" or "no", NULL for both */
    service_page page;     /* `after` is a DIN */
} collection_filter;

/* Collections in DIN order: {"items": [record answers, each with the
 * donor's group on record, "donor_group"], "next_after"}, or sorted (by
 * "din", "collected_at", "center", "donor_number", "group", "procedure"
 * or "processed_at") with "total". Errors name "center", "on", "from",
 * "to", "group", "processed", "sort", "offset" or "limit". */
int collection_list(service_context *ctx, const collection_filter *filter, json_t **out, err *e);

/* One component asked for: a product code of the catalog and its volume
 * (1..1000 mL; NULL: the product's nominal volume). */
typedef struct {
    const char *product;
    const char *volume_ml;
} collection_component;

/* Process collection `din` into `count` units (one transaction): every
 * product must be in the catalog and its family yielded by the procedure
 * (domain/processing.h gives the divisions). Each unit is made in
 * quarantine (a unit_events row from no status, and an audit record),
 * produced now, expiring at catalog_expiry(collected_at, shelf life) (a
 * shelf life in days: 23:59 on the center's clock of the last day, stored
 * as its UTC instant), with the donation's ABO/RhD when the laboratory has
 * typed it. Answers
 * {"din", "units": [unit_lookup's unit items]}. ERR_INVALID naming
 * "components" or "components[i].product" / ".volume_ml"; ERR_NOT_FOUND
 * naming "din"; ERR_CONFLICT naming "din" when it was processed before. */
int collection_process(service_context *ctx, const char *din,
                       const collection_component *components, size_t count, json_t **out,
                       err *e);

#endif
