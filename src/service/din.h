/*
 * din.h - allocating donation identification numbers (SPEC 3.3): DINs are
 * handed out per facility identification number (FIN) and nominal year,
 * sequentially from 000001, each exactly once, however many requests ask
 * at the same time and on either backend.
 *
 * How: one transaction makes sure the (fin, year) row of din_sequences
 * exists (INSERT ... ON CONFLICT DO NOTHING), then moves it forward with
 * one conditional UPDATE ... RETURNING last_sequence. That statement is
 * the serialisation point: SQLite runs one write transaction at a time
 * (BEGIN IMMEDIATE), PostgreSQL makes a second allocation for the same FIN
 * and year wait on the row lock and then read the committed value. The
 * numbers taken are written to `dins` (UNIQUE (fin, year, sequence)), with
 * one audit record for the whole allocation. Nothing deletes a DIN or
 * lowers a sequence (triggers refuse both), so a number is never reused.
 */
#ifndef BLOODOPS_SERVICE_DIN_H
#define BLOODOPS_SERVICE_DIN_H

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

#endif
