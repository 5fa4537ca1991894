/*
 * donor.h - donors, their deferrals and their eligibility (docs/donors.md).
 *
 * The functions ending in _in run inside the caller's transaction: a
 * collection checks eligibility again inside its own transaction
 * (service/collection.c), and a reactive test result defers the donor in
 * the transaction that records it (service/testing.c). The other functions
 * are use cases of their own: one transaction each (or one read snapshot),
 * audited when they change anything. The rules, thresholds and codes are
 * in docs/donors.md.
 */
#ifndef BLOODOPS_SERVICE_DONOR_H
#define BLOODOPS_SERVICE_DONOR_H

#include "domain/eligibility.h"
#include "domain/measurement.h"
#include "domain/testing.h"
#include "service/service.h"

/* A planned procedure and today's measurements, as text received from the
 * API or the command line: `measurements[id]` is the text of field `id` of
 * domain/measurement.h (NULL when not measured), read with its rules there
 * (whole numbers; hemoglobin "13.4" and temperature "36.8" with one
 * decimal; the parental consent "yes"/"no"). `on` is the day, YYYY-MM-DD
 * (NULL for today). `scope` is "full" (NULL: every rule) or "donor": the
 * donor step of a collection, judging only the rules about who the donor
 * is and what they gave (deferrals, age, intervals, platelet counts), with
 * no measurement given. */
typedef struct {
    const char *scope;
    const char *procedure;
    const char *measurements[MEASUREMENT_COUNT];
    const char *on;
} eligibility_request;

/* Check the request's values and fill the domain input's procedure, today
 * and measurements (the donor's part is filled by the service). ERR_INVALID
 * naming the field at fault. */
int donor_eligibility_request_parse(const eligibility_request *request, eligibility_input *out,
                                    err *e);

/* Evaluate the eligibility of the donor with this number inside the
 * caller's transaction (or read snapshot), with the thresholds in force,
 * the donor's earlier collections and open deferrals, reading the donor
 * once: `in` holds the parsed request (donor_eligibility_request_parse)
 * and gets the donor's facts; `found` the donor's id, number and
 * established group on file. Answers 0 whether or not the donor is
 * eligible; -1 with ERR_NOT_FOUND naming `field` when no donor has that
 * number. */
enum { DONOR_NUMBER_TEXT_MAX = 32 };
typedef struct {
    int64_t id;
    char number[DONOR_NUMBER_TEXT_MAX];
    char group[TESTING_GROUP_TEXT_MAX]; /* "O POS", "untyped" (testing_group_text) */
} donor_found;
int donor_eligibility_evaluate_in(service_context *ctx, const char *donor_number,
                                  const char *field, eligibility_input *in, donor_found *found,
                                  eligibility_result *result, err *e);

/* Defer donor `donor_id` inside the caller's transaction, with its audit
 * record. kind "temporary" (until: YYYY-MM-DD, after `starts_on`),
 * "indefinite" or "permanent"; source "staff" or "test"; din the donation
 * that caused it (NULL for none). *out (may be NULL) the deferral as JSON. */
typedef struct {
    const char *kind, *reason_code, *reason, *starts_on, *until, *source, *din;
} deferral_request;
/* Set donor `donor_id`'s established ABO/RhD (NULL: not established),
 * inside the caller's transaction (its audit record is the caller's). */
int donor_group_set_in(service_context *ctx, int64_t donor_id, const char *abo, const char *rhd,
                       err *e);

int donor_deferral_add_in(service_context *ctx, int64_t donor_id, const deferral_request *request,
                          json_t **out, err *e);

/* --- donors ------------------------------------------------------------------ */

/* The fields of a donor as text (NULL when not given). Registration needs
 * family_name, given_name, birth_date (YYYY-MM-DD) and sex (F or M);
 * identity_document is "type:number"; home_center a center code;
 * donor_number "D" and seven digits, allocated when NULL. An update takes
 * only the contact fields: phone, email, address, home_center ("" clears
 * one). */
typedef struct {
    const char *family_name, *given_name, *birth_date, *sex, *phone, *email, *address,
        *identity_document, *home_center, *donor_number;
} donor_fields;

/* Register a donor: *out is the donor
 *   {"donor_number", "family_name", "given_name", "birth_date", "sex", "phone",
 *    "email", "address", "identity_document", "home_center", "abo", "rhd",
 *    "created_at", "updated_at"}.
 * ERR_INVALID naming the field at fault; ERR_CONFLICT naming
 * "identity_document" or "birth_date" (same folded name and birth date)
 * with the existing donor's number, or "donor_number" when taken. */
int donor_register(service_context *ctx, const donor_fields *fields, json_t **out, err *e);

typedef struct {
    const char *search; /* donor number or folded name (substring), or a birth date */
    const char *status; /* NULL or "": all; "eligible", "deferred" (any kind), or one
                         * standing: "deferred_temporary", "deferred_indefinite",
                         * "deferred_permanent" */
    const char *home_center; /* NULL or "": all; the donors of this home center */
    const char *group;       /* NULL or "": all; an ABO/RhD group (testing_group_take) */
    service_page page;       /* `after` is a donor number */
} donor_filter;

/* Donors in order of donor number, {"items": [donor...], "next_after"}, or
 * sorted by "donor_number", "name", "birth_date", "sex", "home_center",
 * "group", "status" or "last_donation_on" (page.sort, with "total").
 * Each donor carries its standing today (eligibility_standing_evaluate):
 *   "status" ("eligible", "deferred_temporary", "deferred_indefinite",
 *   "deferred_permanent"), "deferred" (bool), "status_reason_code" (the
 *   deciding deferral's code, or null), "deferred_until" (a temporary
 *   deferral's end, or null), "next_eligible_on" (the first day, today or
 *   later, deferrals, age and intervals let the donor give; null when
 *   waiting does not help), "last_donation_on" and
 *   "last_donation_procedure" (null before the first).
 * ERR_INVALID naming "status", "q", "home_center", "group", "sort",
 * "offset" or "after". */
int donor_list(service_context *ctx, donor_filter *filter, json_t **out, err *e);

/* Donors due back (docs/worklists.md, "Donors due back"): the donors in
 * the acting user's scope who may give today, on the calendar of their
 * home center, and whose donation interval ended within the `days` days
 * up to it (domain eligibility_due_back: eligible today, held back by an
 * interval `days` days earlier), so that staff can call them. `today`
 * only places the search: the candidates are read by the day of their
 * donations (the collections of each procedure's interval before those
 * days, a day wider at each end), then each is judged on its own today
 * by the standing's rules. Answers
 *   {"count": all of them, "days",
 *    "items": [{"donor_number", "family_name", "given_name", "phone", "email",
 *               "home_center", "last_donation_on", "last_donation_procedure",
 *               "eligible_since"}] (the first `limit`, longest due first)}.
 * ERR_INVALID naming "days" (1 to 366) or "limit" (0 to 500). */
typedef struct {
    civil_day today;
    int days;
    int limit;
} donor_due_back_request;
int donor_due_back(service_context *ctx, const donor_due_back_request *request, json_t **out,
                   err *e);

/* One donor, with its standing (as donor_list), "blood_groups"
 * [{"din", "abo", "rhd", "tested_on"}], "deferrals" [deferral...] (newest
 * first, ended ones too) and "collections" [{"din", "procedure",
 * "collected_at", "center"}] (the 20 most recent). */
int donor_get(service_context *ctx, const char *donor_number, json_t **out, err *e);

/* Change the contact fields given (phone, email, address, home_center);
 * audited with the donor before and after. *out is the donor. */
int donor_update(service_context *ctx, const char *donor_number, const donor_fields *changes,
                 json_t **out, err *e);

/* May the donor give `request->procedure` on `request->on`? A read (one
 * snapshot) answering
 *   {"donor_number", "procedure", "scope", "on", "eligible": bool,
 *    "eligible_from": "YYYY-MM-DD"|null,
 *    "failures": [{"rule", "field", "reason", "eligible_from"|null}, ...]}
 * ERR_INVALID naming a field; ERR_NOT_FOUND naming "donor_number". */
int donor_eligibility(service_context *ctx, const char *donor_number,
                      const eligibility_request *request, json_t **out, err *e);

/* --- deferrals ------------------------------------------------------------- */

/* Staff defer a donor from today (request's starts_on, source and din are
 * ignored: the deferral's source is "staff"; a deferral from a test is made
 * only with the result that caused it): kind, reason_code (donor_deferral_reasons), reason, until
 * (temporary only, after today). *out is the deferral
 *   {"id", "donor_number", "kind", "reason_code", "reason", "starts_on", "until",
 *    "source", "din", "created_by", "created_at", "ended_at", "ended_by",
 *    "end_reason", "in_force"}. */
int donor_defer(service_context *ctx, const char *donor_number, const deferral_request *request,
                json_t **out, err *e);

/* End deferral `id` (decimal text) for `reason` (required). A permanent
 * deferral made by a test (source "test") is ended only by an
 * administrator (ERR_FORBIDDEN naming "id"); an ended one is ERR_CONFLICT.
 * *out is the deferral. */
int donor_deferral_end(service_context *ctx, const char *id, const char *reason, json_t **out,
                       err *e);

/* The reason codes: {"items": [{"code", "description"}]}. */
int donor_deferral_reasons_list(service_context *ctx, json_t **out, err *e);

/* --- eligibility settings -------------------------------------------------- */

/* The thresholds: {"items": [{"name", "description", "value", "default",
 * "min", "max"}]}, in the order of eligibility_threshold_names. */
int eligibility_settings_list(service_context *ctx, json_t **out, err *e);

/* Set threshold `name` to `value` (decimal text), administrators only
 * (ERR_FORBIDDEN); audited with the value before and after. *out is the
 * setting as listed. ERR_NOT_FOUND naming "name", ERR_INVALID naming
 * "value". */
int eligibility_setting_set(service_context *ctx, const char *name, const char *value,
                            json_t **out, err *e);

#endif
