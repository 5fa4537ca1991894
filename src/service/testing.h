/*
 * testing.h - laboratory test results and release (docs/testing.md): the test
 * panel, the import of a results file, the release queue and the release
 * of units with an electronic signature.
 *
 * The import is all or nothing, in one transaction: every line is checked
 * (a problem per line and field), and only a file without any problem is
 * written, with a test_imports row and one audit record, and then what the
 * results cause, in the same transaction, for each donation touched:
 *   - ABO and RhD set the group of all the donation's units and the
 *     donor's typing history (donor_blood_groups). A donor without an
 *     established group gets it from this typing (each of ABO and RhD
 *     independently, the first typing establishes it); a donor whose
 *     established group differs keeps it, and every unit of the donation
 *     is held "ABO/RhD discrepancy: donor history O POS, donation A POS";
 *   - a positive antibody screen holds the units;
 *   - a reactive infectious marker discards every unit of the donation
 *     still on the shelf, defers the donor (domain/testing.h) and opens a
 *     lookback case (service/lookback.h), once per donation and marker.
 * Results are never overwritten: a second result for a DIN and test is a
 * problem of the file.
 *
 * Release: a quarantined unit is ready when domain/testing.h's decision
 * says so; releasing signs (auth_signature_check: the signer re-enters the
 * password and must hold lab or admin), checks every unit, and moves them
 * to released through unit_status_change_in, all in one transaction.
 */
#ifndef BLOODOPS_SERVICE_TESTING_H
#define BLOODOPS_SERVICE_TESTING_H

#include <stdio.h>
#include "service/service.h"

enum {
    TESTING_IMPORT_ERRORS_MAX = 1000,   /* problems listed (all are counted) */
    TESTING_IMPORT_RESULTS_MAX = 1000000, /* results in one file: 32 bytes each in memory */
    TESTING_RELEASE_UNITS_MAX = 500,     /* units signed at once */
    TESTING_MEANING_MAX = 200,           /* characters of a signature's meaning */
};

/* The panel: {"items": [{"test", "kind", "marker", "description",
 * "required": bool}], "next_after": null}, in the order of test codes. */
int testing_panel_list(service_context *ctx, json_t **out, err *e);

/* Require (`required` "yes"/"no", also true/false, 1/0) the result of
 * `test` before release; audited. *out is the test as listed.
 * ERR_NOT_FOUND naming "test", ERR_INVALID naming "required". */
int testing_panel_require(service_context *ctx, const char *test, const char *required,
                          json_t **out, err *e);

/* Import a results file: CSV with the header `din,test,result,date`
 * (docs/testing.md). On success *out is
 *   {"file", "file_sha256", "import_id", "imported": N, "donations": M,
 *    "discrepancies": [{"din", "donor_number", "donor_group",
 *                       "donation_group", "hold"}],
 *    "held": [dins held for a positive antibody screen],
 *    "discarded": [dins], "deferred": [donor numbers], "lookback_cases": [ids]}.
 * A file with problems writes nothing: -1 with ERR_INVALID naming the
 * first problem's field, and *out {"errors": [{"line", "field",
 * "message"}...], "error_count"}. Any other failure: -1 and *out NULL. */
int testing_results_import(service_context *ctx, FILE *csv, const char *file_name, json_t **out,
                           err *e);

typedef struct {
    const char *center; /* only this donor center, NULL or "" for all */
    const char *group;  /* only the units of this ABO/RhD ("O POS", "untyped":
                           testing_group_take), NULL or "" for all */
    service_page page;  /* `after` is a unit id */
} testing_queue_filter;

/* The quarantined units, in order of id, each with the release decision:
 *   {"items": [{"unit_id", "din", "product_code", "division", "family",
 *               "center", "abo", "rhd", "expires_at",
 *               "state": "ready"|"waiting"|"blocked",
 *               "missing": [tests], "problems": [texts]}], "next_after"}.
 * Errors name "center", "group", "after" or "limit". */
int testing_release_queue(service_context *ctx, testing_queue_filter *filter, json_t **out,
                          err *e);

/* A release: the unit ids as decimal text, the signer and the password,
 * the meaning of the signature (NULL: "released for distribution"). */
typedef struct {
    const char *const *units;
    size_t unit_count;
    const char *username, *password, *meaning;
} testing_release_request;

/* Sign and release. *out is
 *   {"signature": {"id", "signed_by", "meaning", "signed_at"},
 *    "released": [{"unit_id", "din", "product_code", "division", "status",
 *                  "released_at"}]}.
 * ERR_INVALID naming "units" (none, a duplicate, not an id) or "meaning";
 * ERR_UNAUTHORIZED naming "password" for a wrong password (recorded and
 * throttled like a failed login); ERR_FORBIDDEN naming "username" without
 * the lab or admin role; ERR_NOT_FOUND naming "units" for an unknown
 * unit; ERR_CONFLICT naming "units" with the unit and why when one is not
 * ready (or was held or moved meanwhile). Nothing is released unless every
 * unit is. */
int testing_release(service_context *ctx, const testing_release_request *request, json_t **out,
                    err *e);


/* --- amendments (testing_amend.c; docs/testing.md, "Amending a result") ----- */

/* A result as it stands: {"id", "din", "eye_readable", "test", "kind",
 * "result", "original_result", "tested_on", "amended": bool,
 * "amendments": [{"id", "previous_result", "result", "reason",
 * "signature_id", "signed_by", "amended_at", "amended_by"}] (oldest
 * first)}. */

/* The results of donation `din` (any form of a DIN): {"din",
 * "eye_readable", "items": [result...], "next_after": null}, by test.
 * ERR_NOT_FOUND naming "din" when no collection has it. */
int testing_results_of_donation(service_context *ctx, const char *din, json_t **out, err *e);

/* One result by its id (decimal text); ERR_NOT_FOUND naming "id". */
int testing_result_get(service_context *ctx, const char *id, json_t **out, err *e);

/* An amendment: the new value (any spelling the import accepts), why
 * (required), and the electronic signature of the user making it. */
typedef struct {
    const char *result, *reason, *username, *password;
} testing_amend_request;

/* Amend result `id`: in one transaction the amendment (the result itself
 * is kept as it was), its signature and audit record (before and after),
 * and the donation re-evaluated by the rules of the import: ABO/RhD
 * retyped (a discrepancy opened when it disagrees), a positive screen
 * holding the units or a negative one lifting that hold, a reactive
 * marker discarding and deferring and opening the lookback case.
 *   {"amendment": {...}, "result": result, "units": [testing_donation_units],
 *    "effects": {"discrepancies", "held", "unheld", "discarded", "deferred",
 *                "lookback_cases"}, "notes": [texts]}
 * ERR_NOT_FOUND naming "id"; ERR_INVALID naming "result" (not a value of
 * the test, or the value it has now) or "reason"; the signature's errors
 * (testing_release); ERR_CONFLICT naming "result" when it was amended
 * meanwhile. */
int testing_result_amend(service_context *ctx, const char *id,
                         const testing_amend_request *request, json_t **out, err *e);

/* --- ABO/RhD discrepancies (testing_discrepancy.c) ------------------------- */

/* A discrepancy: {"id", "din", "eye_readable", "donor_number",
 * "donor_group", "donation_group" (as found), "hold", "status" ("open",
 * "confirmed", "released", "discarded"), "opened_at", "opened_by",
 * "donor_group_now", "center" and "time_zone" (the donation's center and
 * its zone, on whose clock the times are shown), "confirmation": null |
 * {"abo", "rhd", "group", "signature_id", "confirmed_at", "confirmed_by",
 * "donor_updated"}, "resolution": null | {"outcome", "reason",
 * "signature_id", "resolved_at", "resolved_by"}}; one alone also has
 * "donation_group_now" and "units" (testing_donation_units). */
typedef struct {
    const char *status; /* "unresolved" (NULL, ""), "resolved", "all", or a status */
    const char *center; /* the donation's center, NULL or "" for every one */
    const char *from, *to; /* opened on or after, on or before (YYYY-MM-DD, the
                              center's days); NULL or "" */
    service_page page;  /* `after` is an id */
} testing_discrepancy_filter;

/* The list in order of id, {"items", "next_after"}, or sorted by "id",
 * "din", "donor_number", "donor_group", "donation_group", "center",
 * "opened_at" or "status" with "total". Errors name "status", "center",
 * "from", "to", "sort", "offset", "after" or "limit". */

int testing_discrepancy_list(service_context *ctx, testing_discrepancy_filter *filter,
                             json_t **out, err *e);
/* ERR_NOT_FOUND naming "id". */
int testing_discrepancy_get(service_context *ctx, const char *id, json_t **out, err *e);

/* The confirmatory typing of an open discrepancy, signed (lab or admin):
 * abo and rhd as a results file writes them; `update_donor` sets the
 * donor's established group to it (the only way it ever changes).
 * ERR_INVALID naming "abo", "rhd" or "update_donor_group" (the donor has
 * that group already); ERR_CONFLICT naming "status" once confirmed or
 * resolved. *out is the discrepancy. */
typedef struct {
    const char *abo, *rhd;
    int update_donor;
    const char *username, *password;
} testing_confirmation_request;
int testing_discrepancy_confirm(service_context *ctx, const char *id,
                                const testing_confirmation_request *request, json_t **out,
                                err *e);

/* Release the units of a confirmed discrepancy, signed (release.sign):
 * allowed when the confirmation is the donation's typing and the donor's
 * group agrees with it (ERR_CONFLICT naming "confirmation" or
 * "donor_group" otherwise). The discrepancy's hold is lifted and the
 * donation's quarantined units released as testing_release releases them
 * (ERR_CONFLICT naming "units" when one is not ready: nothing changes). */
typedef struct {
    const char *username, *password, *meaning;
} testing_discrepancy_release_request;
int testing_discrepancy_release(service_context *ctx, const char *id,
                                const testing_discrepancy_release_request *request, json_t **out,
                                err *e);

/* Discard every unit of the donation still on the shelves, for `reason`
 * (required), and resolve the discrepancy so. */
int testing_discrepancy_discard(service_context *ctx, const char *id, const char *reason,
                                json_t **out, err *e);

/* The units of donation `din` were just made (inside the caller's
 * transaction): apply what the laboratory reported before they existed.
 * An ABO/RhD discrepancy with the donor's history or a positive antibody
 * screen holds them; a reactive infectious marker discards them (the
 * deferral and the lookback case were made when the result came in). */
int testing_units_made_in(service_context *ctx, const char *din, err *e);

/* The typing of donation `din` from every result it has: abo ("A", "B",
 * "AB", "O") and rhd ("POS", "NEG"), "" when not typed. */
int testing_donation_typing(db_conn *db, const char *din, char abo[4], char rhd[4], err *e);

#endif
