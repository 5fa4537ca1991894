/*
 * covenant.h - the company's bank line of credit and its financial
 * covenants (docs/reports.md, "Covenants of the line of credit"): set the
 * line, extend its term, add and end covenants, and judge the covenants in
 * force at a quarter's end for the quarterly report (domain/covenant.h does
 * the arithmetic). Reading needs the reports capability; writing
 * ledger.write, the capability of whoever keeps the books and closes their
 * periods. Every change is audited.
 */
#ifndef BLOODOPS_SERVICE_COVENANT_H
#define BLOODOPS_SERVICE_COVENANT_H

#include "domain/covenant.h"
#include "service/service.h"

/* The line: {"lender", "limit", "term_start", "term_end", "original_end",
 * "extended", "updated_at", "updated_by", "extensions": [{"id", "new_end",
 * "previous_end", "agreed_on", "note", "created_at", "created_by"}]};
 * ERR_NOT_FOUND ("credit_line") when none is set. */
int credit_line_get(service_context *ctx, json_t **out, err *e);

/* Set the line (a new agreement; replaces the one set before, whose
 * extensions stay on record): lender (1 to 120 characters), limit (dollars,
 * not negative), from and to (dates, from not after to). Audited
 * ("credit_line", "set"). */
typedef struct {
    const char *lender, *limit, *from, *to;
} credit_line_input;
int credit_line_set(service_context *ctx, const credit_line_input *in, json_t **out, err *e);

/* Extend the term: `to` after the current end, `agreed` the day the
 * amendment was agreed, an optional note. Answers the line with
 * "reclassify": a sentence on the notes payable the extension may move
 * from current to long-term (a journal entry the user makes). Audited
 * ("credit_line", "extend"). */
typedef struct {
    const char *to, *agreed, *note;
} credit_extension_input;
int credit_line_extend(service_context *ctx, const credit_extension_input *in, json_t **out,
                       err *e);

/* A covenant: {"id", "kind", "threshold", "effective_from", "effective_to",
 * "active", "created_at", "created_by"}; the threshold as written for its
 * kind (dollars "1500000.00" or a ratio "1.25"). */
typedef struct {
    const char *kind, *threshold, *from;
} covenant_input;
int covenant_add(service_context *ctx, const covenant_input *in, json_t **out, err *e);

/* End covenant `id` on `to` (required: the last day it is in force, not
 * before its start), once. Audited ("covenant", "end"). */
int covenant_end(service_context *ctx, const char *id, const char *to, json_t **out, err *e);

/* Every covenant, ended ones too, in id order: {"items": [...]}. */
int covenant_list(service_context *ctx, json_t **out, err *e);

/* Inside the caller's read: the line's term and the covenants in force on
 * `date`, judged on `figures`, into `out` (loaded 1; the caller frees with
 * covenant_section_free). */
int covenant_section_load_in(db_conn *db, civil_day date, const covenant_figures *figures,
                             covenant_section *out, err *e);

/* The section as the quarterly report's JSON "covenants" (docs/reports.md). */
json_t *covenant_section_json(const covenant_section *section);

#endif
