/*
 * testing.h - the laboratory's rules (docs/testing.md): what a result may say
 * for each kind of test, ABO/RhD agreement with the donor's history, the
 * deferral a reactive marker calls for, and the release decision for a
 * quarantined unit. Pure functions, no I/O, no clock.
 *
 * Results are stored in one spelling per kind: ABO "A", "B", "AB", "O";
 * RhD "POS", "NEG"; antibody screen "negative", "positive"; infectious
 * markers "nonreactive", "reactive". The file from the laboratory may
 * write them in any case, and RhD as positive/negative, infectious
 * markers as NR/R.
 *
 * Deferral for a reactive marker (testing_deferral_for): HIV, HBV, HCV and
 * HTLV defer permanently; SYPHILIS defers for 12 months (temporary, until
 * the same day 12 months later, clamped to the month's end); any other
 * marker defers indefinitely, until medical review ends it.
 */
#ifndef BLOODOPS_DOMAIN_TESTING_H
#define BLOODOPS_DOMAIN_TESTING_H

#include <stddef.h>
#include <stdint.h>
#include "base/buffer.h"
#include "base/date.h"
#include "base/error.h"
#include "domain/blood_unit.h"
#include "domain/eligibility.h"

typedef enum {
    TESTING_ABO,        /* "abo" */
    TESTING_RHD,        /* "rhd" */
    TESTING_ANTIBODY,   /* "antibody" */
    TESTING_INFECTIOUS, /* "infectious" */
    TESTING_KIND_COUNT
} testing_kind;

/* -1 when unknown. */
int testing_kind_parse(const char *name);
const char *testing_kind_name(testing_kind kind);

/* The stored spelling of a result as reported for a test of `kind`:
 * *canonical points to a static string. ERR_INVALID naming `field` with
 * the values allowed when `text` is none of them. */
int testing_result_parse(testing_kind kind, const char *text, const char **canonical,
                         const char *field, err *e);

/* The stored values of `kind`, in order ("A", "B", "AB", "O"): how many,
 * at most `max` put in `out` (static strings). */
size_t testing_result_values(testing_kind kind, const char **out, size_t max);

/* 1 when a stored result stops a release: a positive antibody screen, a
 * reactive infectious marker. */
int testing_result_blocks(testing_kind kind, const char *result);

/* --- ABO/RhD --------------------------------------------------------------- */

enum { TESTING_GROUP_TEXT_MAX = 16, TESTING_PROBLEM_MAX = 160 };

/* "O POS", "A NEG"; a part not known is left out ("AB", "NEG"), both
 * unknown give "untyped". abo and rhd may be NULL. Returns out. */
char *testing_group_text(const char *abo, const char *rhd, char *out, size_t size);

/* A group as a filter gives it ("o pos", " AB  NEG ", "O+", "untyped") in
 * the form testing_group_text writes: "O POS", "AB NEG", "O POS",
 * "untyped" (one part alone, "O" or "NEG", is the group of a donor or unit
 * typed in part). ERR_INVALID naming `field` when it is none of these. */
int testing_group_take(const char *text, char out[TESTING_GROUP_TEXT_MAX], const char *field,
                       err *e);

/* 1 when the donation's typing agrees with the donor's established group:
 * every part known on both sides is equal (a part the donor has no
 * history for agrees). NULL means not known. */
int testing_group_agrees(const char *donor_abo, const char *donor_rhd, const char *abo,
                         const char *rhd);

/* "ABO/RhD discrepancy: donor history O POS, donation A POS". Returns out. */
char *testing_discrepancy_text(const char *donor_abo, const char *donor_rhd, const char *abo,
                               const char *rhd, char *out, size_t size);

/* --- deferral for a reactive marker --------------------------------------- */

enum { TESTING_SYPHILIS_DEFERRAL_MONTHS = 12 };

typedef struct {
    deferral_kind kind;
    const char *reason_code; /* "REACTIVE_TEST" (domain/donor.h) */
    int has_until;           /* temporary only */
    civil_day until;         /* the first day the donor may give again */
} testing_deferral;

/* The deferral a confirmed reactive result for `marker` ("HIV", "HBV",
 * "HCV", "HTLV", "SYPHILIS", ...) calls for, starting on `on`. */
void testing_deferral_for(const char *marker, civil_day on, testing_deferral *out);

/* --- holds ---------------------------------------------------------------- */

/* 1 when `hold` (units.hold: reasons separated by "; ", NULL when none)
 * holds for `reason` exactly: "lookback case 1" is not in "lookback case 12". */
int testing_hold_has(const char *hold, const char *reason);

/* The hold of an ABO/RhD discrepancy starts with this (testing_discrepancy_text). */
#define TESTING_DISCREPANCY_HOLD "ABO/RhD discrepancy:"

/* `hold` without its parts equal to `reason` (or, `prefix` 1, starting
 * with it), into `out` ("" when nothing is left); answers how many parts
 * went. Parts are separated by "; ", as testing_hold_has reads them. */
size_t testing_hold_without(const char *hold, const char *reason, int prefix, buffer *out);

/* --- release decision ------------------------------------------------------ */

enum { TESTING_PANEL_MAX = 64, TESTING_PROBLEMS_MAX = 16 };

/* One test of the panel, with the donation's result when it has one. */
typedef struct {
    const char *test;   /* "HIV" */
    testing_kind kind;
    const char *marker; /* "HIV" */
    int required;
    const char *result; /* stored spelling, NULL when none yet */
} testing_panel_entry;

typedef struct {
    blood_unit_status status;
    const testing_panel_entry *panel; /* every test of the panel */
    size_t panel_count;
    const char *abo, *rhd;             /* the unit's typing (units.abo/rhd), NULL when none */
    const char *donor_abo, *donor_rhd; /* the donor's established group, NULL when none */
    const char *hold;                  /* units.hold, NULL when none */
    int64_t expires_at, now;           /* UTC seconds */
} testing_release_input;

typedef enum { TESTING_READY, TESTING_WAITING, TESTING_BLOCKED } testing_release_state;

/* "ready", "waiting", "blocked". */
const char *testing_release_state_name(testing_release_state state);

typedef struct {
    testing_release_state state;
    /* Tests that have no result yet: every required one, and ABO and RhD
     * always (a unit is never released untyped). Point into the input. */
    size_t missing_count;
    const char *missing[TESTING_PANEL_MAX];
    /* Why the unit may not be released whatever comes: "HIV reactive",
     * "antibody screen positive (ABSCREEN)", the discrepancy, the hold,
     * "expired at 2026-11-21T23:59:00Z", "unit is released". */
    size_t problem_count;
    char problems[TESTING_PROBLEMS_MAX][TESTING_PROBLEM_MAX];
} testing_release_decision;

/* Blocked when there is any problem; else waiting when a result is
 * missing; else ready. A unit is ready when it is quarantined, every
 * required test has a result, every infectious marker with a result is
 * nonreactive, the antibody screen is not positive, ABO and RhD are typed
 * and agree with the donor's established group, it has no hold and has
 * not expired. */
void testing_release_decide(const testing_release_input *input, testing_release_decision *out);

#endif
