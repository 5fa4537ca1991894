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
    TESTING_IMPORT_RESULTS_MAX = 100000, /* results in one file */
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
    service_page page;  /* `after` is a unit id */
} testing_queue_filter;

/* The quarantined units, in order of id, each with the release decision:
 *   {"items": [{"unit_id", "din", "product_code", "division", "family",
 *               "center", "abo", "rhd", "expires_at",
 *               "state": "ready"|"waiting"|"blocked",
 *               "missing": [tests], "problems": [texts]}], "next_after"}.
 * Errors name "center", "after" or "limit". */
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
