/*
 * measurements.h - the measurements taken before a donation (docs/donors.md,
 * "Rules and defaults") as a JSON body carries them: the eligibility check
 * (api_donors.c) and the collection (api_collections.c) take the same fields
 * the same way.
 */
#ifndef BLOODOPS_HTTP_MEASUREMENTS_H
#define BLOODOPS_HTTP_MEASUREMENTS_H

#include "http/http.h"
#include "service/donor.h"

/* The procedure and the measurements, for a route's http_field list. */
#define HTTP_MEASUREMENT_FIELDS                                                                  \
    {"procedure", FIELD_STRING, 1}, {"weight_lb", FIELD_INTEGER_TEXT, 0},                        \
        {"height_in", FIELD_INTEGER_TEXT, 0}, {"hemoglobin", FIELD_DECIMAL_TEXT, 0},             \
        {"hematocrit", FIELD_INTEGER_TEXT, 0}, {"temperature", FIELD_DECIMAL_TEXT, 0},           \
        {"systolic", FIELD_INTEGER_TEXT, 0}, {"diastolic", FIELD_INTEGER_TEXT, 0},               \
        {"pulse", FIELD_INTEGER_TEXT, 0}, {"platelet_count", FIELD_INTEGER_TEXT, 0},             \
        {"parental_consent", FIELD_BOOLEAN, 0}

/* Read them from a body checked against HTTP_MEASUREMENT_FIELDS (`on` is
 * left as it is). */
void http_body_measurements(http_request *request, eligibility_request *out);

#endif
