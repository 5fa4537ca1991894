/*
 * din.h - allocating donation identification numbers (docs/isbt.md, "Product
 * catalog and DIN allocation"): DINs are handed out per facility
 * identification number (FIN) and nominal year, sequentially from 000001,
 * each exactly once, however many requests ask at the same time and on either
 * backend.
 *
 * How: one transaction moves the (fin, year) row of din_sequences forward
 * with one conditional UPDATE (making the row first, INSERT ... ON
 * CONFLICT DO NOTHING, when it is not there yet) and reads the new
 * last_sequence back. That UPDATE is the serialisation point: SQLite runs one write transaction at a time
 * (BEGIN IMMEDIATE), PostgreSQL makes a second allocation for the same FIN
 * and year wait on the row lock and then read the committed value. The
 * numbers taken are written to `dins` (UNIQUE (fin, year, sequence)), with
 * one audit record for the whole allocation. Nothing deletes a DIN or
 * lowers a sequence (triggers refuse both), so a number is never reused.
 */
#ifndef BLOODOPS_SERVICE_DIN_H
#define BLOODOPS_SERVICE_DIN_H

#include "base/date.h"
#include "base/local_time.h"
#include "domain/isbt.h"
#include "service/service.h"

enum { DIN_ALLOCATE_MAX = 1000 };

/* Allocate `count` DINs (decimal text 1..1000; NULL = 1) for the donor
 * center `center` (it must exist, be open and have a FIN) in the nominal
 * year `year` (two digits; NULL = the current year; the year before and
 * the year after are accepted too, for labels printed around New Year).
 * Answers {"center", "fin", "year", "first_sequence", "last_sequence",
 * "count", "dins": [{"din", "sequence", "check_character", "flags",
 * "eye_readable"}]}. Errors name "center", "count" or "year"; when the
 * year's 999,999 numbers would be passed: ERR_CONFLICT naming "count". */
int din_allocate(service_context *ctx, const char *center, const char *count, const char *year,
                 json_t **out, err *e);

/* One allocated DIN: who took it, for which center, when, and its check
 * character. `din` is typed by hand with its check character (refused,
 * naming "din", when it does not match: isbt_din_check), or given as the
 * 13 characters alone ("W123426000001", spaces allowed). ERR_NOT_FOUND
 * naming "din" when it was never allocated here. */
int din_get(service_context *ctx, const char *din, json_t **out, err *e);

/* A DIN in any form people and scanners give it: the 13 characters alone
 * ("W123426000001", spaces allowed, any case), typed with its check
 * character ("W123426000001K", "W1234 26 000001 [K]") or scanned with its
 * data identifier and flags ("=W12342600000100"). ERR_INVALID naming
 * "din"; a check character that does not match is refused. */
int din_text_parse(const char *text, isbt_din *out, err *e);

/* The printed form of a stored DIN (13 characters): "W1234 26 000001 [K]".
 * Returns out (ISBT_EYE_READABLE_MAX bytes); "" when `din` is not one. */
char *din_eye_readable(const char *din, char *out, size_t size);
/* Set member `key` of `object` to the printed form of the DIN held in its
 * member `din_key` ("din" -> "eye_readable", "trigger_din" ->
 * "trigger_eye_readable"), null when that holds none: every answer that
 * carries a DIN carries its printed form, so no client computes a check
 * character. Returns object. */
json_t *din_eye_readable_add(json_t *object, const char *din_key, const char *key);

/* The functions below run inside the caller's transaction (a collection
 * takes its DIN in its own), and write no audit record of their own: the
 * caller's record names the DIN. */

/* Donor center `center` (a normalised code) can collect: it exists, is
 * open today (in its time zone) and has a FIN. Gives its FIN, open date
 * (YYYY-MM-DD) and time zone. Errors name "center", as din_allocate's. */
int din_center_check_in(service_context *ctx, const char *center, char fin[8],
                        char open_date[DATE_TEXT_MAX], char zone[TIME_ZONE_NAME_MAX], err *e);

/* Allocate the next DIN of the center's FIN `fin` in the current nominal
 * year of the center's calendar (time zone `zone`), for `center`. */
int din_allocate_in(service_context *ctx, const char *center, const char *fin, const char *zone,
                    isbt_din *out, err *e);

/* A DIN scanned from a pre-printed label may be used for a collection at
 * `center`: it was allocated (ERR_INVALID naming "din" otherwise) to this
 * center (ERR_INVALID naming "din" and the center it belongs to) and no
 * collection uses it yet (ERR_CONFLICT naming "din"). */
int din_unused_check_in(service_context *ctx, const isbt_din *din, const char *center, err *e);

#endif
