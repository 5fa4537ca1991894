/*
 * measurements.h - the measurements taken before a donation as a JSON body
 * carries them: the eligibility check (api_donors.c) and the collection
 * (api_collections.c) take the same fields the same way, the fields of the
 * table in domain/measurement.h.
 */
#ifndef BLOODOPS_HTTP_MEASUREMENTS_H
#define BLOODOPS_HTTP_MEASUREMENTS_H

#include "domain/measurement.h"
#include "http/http.h"
#include "service/donor.h"

/* The body field type of each kind of measurement. */
#define HTTP_MEASUREMENT_TYPE_WHOLE FIELD_INTEGER_TEXT
#define HTTP_MEASUREMENT_TYPE_TENTHS FIELD_DECIMAL_TEXT
#define HTTP_MEASUREMENT_TYPE_YES_NO FIELD_BOOLEAN
#define HTTP_MEASUREMENT_FIELD_(id, name, option, value_name, kind, ...)                          \
    , {name, HTTP_MEASUREMENT_TYPE_##kind, 0}

/* The procedure and the measurements, for a route's http_field list. */
#define HTTP_MEASUREMENT_FIELDS                                                                  \
    {"procedure", FIELD_STRING, 1} MEASUREMENT_TABLE(HTTP_MEASUREMENT_FIELD_)

/* Read them from a body checked against HTTP_MEASUREMENT_FIELDS (`on` is
 * left as it is). */
void http_body_measurements(http_request *request, eligibility_request *out);

#endif
