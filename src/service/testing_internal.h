/*
 * testing_internal.h - what the laboratory's service files share
 * (testing.c: the panel, the results import, release; testing_amend.c:
 * amendments of a result; testing_discrepancy.c: ABO/RhD discrepancies),
 * so that a correction or a resolution goes through the very code the
 * import and the release use: the same holds, the same reactive path
 * (discard, deferral, lookback), the same typing of a donation and the
 * same release of units. Not for other modules: they call testing.h.
 * The *_in functions run inside the caller's transaction.
 */
#ifndef BLOODOPS_SERVICE_TESTING_INTERNAL_H
#define BLOODOPS_SERVICE_TESTING_INTERNAL_H

#include "base/local_time.h"
#include "domain/testing.h"
#include "service/service.h"

enum { TESTING_TEST_CODE_MAX = 24 };

typedef struct {
    char test[TESTING_TEST_CODE_MAX];
    char marker[TESTING_TEST_CODE_MAX];
    testing_kind kind;
    int required;
} testing_panel_test;

typedef struct {
    testing_panel_test tests[TESTING_PANEL_MAX];
    size_t count;
} testing_panel;

int testing_panel_load(db_conn *db, testing_panel *out, err *e);

/* A record's id from its decimal text; ERR_NOT_FOUND naming "id" ("no
 * `what` '...'") when it is not one. */
int testing_id_take(const char *text, const char *what, int64_t *id, err *e);
const testing_panel_test *testing_panel_find(const testing_panel *panel, const char *test);

/* audit_append, taking over `before` and `after`. */
int testing_audit_new(service_context *ctx, const char *entity, const char *entity_id,
                      const char *action, json_t *before, json_t *after, const char *reason,
                      err *e);

/* The donor of a donation, with the established group ("" when a part is
 * not established). */
typedef struct {
    int64_t id;
    char number[16];
    char abo[4], rhd[4];
    int has_abo, has_rhd;
    char zone[TIME_ZONE_NAME_MAX]; /* of the center that collected the donation */
} testing_donor;

int testing_donor_of(db_conn *db, const char *din, testing_donor *out, err *e);

/* Hold, or discard, every unit of donation `din` still on the shelves, for
 * `why`. */
int testing_donation_hold_in(service_context *ctx, const char *din, const char *why, err *e);
int testing_donation_discard_in(service_context *ctx, const char *din, const char *why, err *e);

/* The ABO/RhD of donation `din` from its results as they stand: the units'
 * typing, the donor's typing history, then the donor's group established
 * (first typing) or a discrepancy (units held, the discrepancy opened, an
 * item added to summary's "discrepancies"). */
int testing_donation_group_in(service_context *ctx, const char *din, const testing_donor *donor,
                              const char *tested_on, json_t *summary, err *e);

/* A reactive result of `test` on donation `din`, tested on `tested_on`:
 * the lookback case (once per donation and marker), the donation's units
 * still on the shelves discarded, the donor deferred; summary's
 * "lookback_cases", "discarded" and "deferred" told. */
int testing_donation_reactive_in(service_context *ctx, const char *din,
                                 const testing_panel_test *test, const char *tested_on,
                                 const testing_donor *donor, json_t *summary, err *e);

/* The text of a positive antibody screen's hold: "antibody screen positive (ABSCREEN)". */
void testing_screen_hold_text(const char *test, char *out, size_t size);

/* Link result `result_id` to its latest amendment `amendment_id`, when it
 * is still linked to `previous` (0: never amended); ERR_CONFLICT naming
 * "result" when it was amended meanwhile. The result's own columns never
 * change (schema 011 refuses it). */
int testing_result_link_in(service_context *ctx, int64_t result_id, int64_t previous,
                           int64_t amendment_id, err *e);

/* A signatures row: `signer_id` signed `meaning` for `entity` at `at`. */
int testing_signature_add_in(service_context *ctx, int64_t signer_id, const char *meaning,
                             const char *entity, const char *at, int64_t *id, err *e);

/* An electronic signature checked (auth_signature_check) with the
 * signer's error named "username", as every signed request of the
 * laboratory names it. */
int testing_signature_check(service_context *ctx, const char *username, const char *password,
                            capability needed, int64_t *signer_id, err *e);

/* Release units `ids` (count of them) under a new signature of
 * `signer_id` meaning `meaning`: each checked ready (409 naming "units"
 * otherwise), marked, moved to released, the signature audited. *out as
 * testing_release answers it. */
int testing_release_in(service_context *ctx, const testing_panel *panel, const int64_t *ids,
                       size_t count, int64_t signer_id, const char *username,
                       const char *meaning, json_t **out, err *e);

/* The units of donation `din` as they stand, each with its release
 * decision: [{"unit_id", "din", "eye_readable", "product_code",
 * "division", "status", "hold", "abo", "rhd", "state", "missing",
 * "problems"}] ("state" null for a unit that is not quarantined). */
int testing_donation_units(service_context *ctx, const testing_panel *panel, const char *din,
                           json_t **out, err *e);

/* --- discrepancies (testing_discrepancy.c) --------------------------------- */

/* Open the discrepancy of donation `din` (the donor's group and the
 * donation's typing as found), unless one is unresolved already; audited.
 * *id is the unresolved discrepancy (new or not). */
int testing_discrepancy_open_in(service_context *ctx, const char *din, const testing_donor *donor,
                                const char *abo, const char *rhd, int64_t *id, err *e);

/* The unresolved discrepancy of donation `din`: *id 0 when none, else its
 * id and the hold its units carry (TESTING_PROBLEM_MAX bytes). */
int testing_discrepancy_unresolved(db_conn *db, const char *din, int64_t *id, char *hold,
                                   err *e);

#endif
