/*
 * donor.h - donors, their deferrals and their eligibility (SPEC 3.4).
 *
 * The functions ending in _in run inside the caller's transaction: a
 * collection checks eligibility again inside its own transaction
 * (service/collection.c), and a reactive test result defers the donor in
 * the transaction that records it (service/testing.c).
 */
#ifndef BLOODOPS_SERVICE_DONOR_H
#define BLOODOPS_SERVICE_DONOR_H

#include "domain/eligibility.h"
#include "service/service.h"

/* A planned procedure and today's measurements, as text received from the
 * API or the command line (NULL when not measured): weight_lb, height_in,
 * pulse, systolic, diastolic, hematocrit and platelet_count are whole
 * numbers; hemoglobin ("13.4", g/dL) and temperature ("36.8", degrees C)
 * take one decimal. `on` is the day, YYYY-MM-DD (NULL for today);
 * parental_consent "yes"/"no"/NULL. */
typedef struct {
    const char *procedure;
    const char *weight_lb, *height_in, *hemoglobin, *hematocrit, *temperature, *systolic,
        *diastolic, *pulse, *platelet_count;
    const char *parental_consent;
    const char *on;
} eligibility_request;

/* Check the request's values and fill the domain input's procedure, today
 * and measurements (the donor's part is filled by the service). ERR_INVALID
 * naming the field at fault. */
int donor_eligibility_request_parse(const eligibility_request *request, eligibility_input *out,
                                    err *e);

/* Evaluate eligibility of donor `donor_id` inside the caller's transaction
 * (or read snapshot), with the thresholds in force, the donor's earlier
 * collections and open deferrals. *out is
 *   {"donor_number", "procedure", "on", "eligible": bool,
 *    "eligible_from": "YYYY-MM-DD"|null,
 *    "failures": [{"rule", "field", "reason", "eligible_from"|null}, ...]}
 * Answers 0 whether or not the donor is eligible; -1 with ERR_NOT_FOUND
 * naming "donor" for no such donor, ERR_INVALID naming a field. */
int donor_eligibility_in(service_context *ctx, int64_t donor_id,
                         const eligibility_request *request, json_t **out, err *e);

/* The id of the donor with this donor number; ERR_NOT_FOUND naming
 * `field` when there is none. */
int donor_id_find(service_context *ctx, const char *donor_number, const char *field,
                  int64_t *donor_id, err *e);

/* Defer donor `donor_id` inside the caller's transaction, with its audit
 * record. kind "temporary" (until: YYYY-MM-DD, after `starts_on`),
 * "indefinite" or "permanent"; source "staff" or "test"; din the donation
 * that caused it (NULL for none). *out (may be NULL) the deferral as JSON. */
typedef struct {
    const char *kind, *reason_code, *reason, *starts_on, *until, *source, *din;
} deferral_request;
int donor_deferral_add_in(service_context *ctx, int64_t donor_id, const deferral_request *request,
                          json_t **out, err *e);

#endif
