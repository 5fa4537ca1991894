/*
 * covenant.c - the line of credit and its covenants (covenant.h): the one
 * writer of credit_lines, credit_line_extensions and covenants
 * (schema/025), and the covenants section of the quarterly report.
 */
#include "service/covenant.h"

#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/registry.h"
#include "service/audit.h"

enum { NOTE_MAX = 500 };

static json_t *extension_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "new_end", db_column_text(stmt, 1),
                     "previous_end", db_column_text(stmt, 2), "agreed_on",
                     db_column_text(stmt, 3), "note", db_column_text(stmt, 4), "created_at",
                     db_column_text(stmt, 5), "created_by", db_column_text(stmt, 6));
}

static json_t *line_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:s}", "lender",
                     db_column_text(stmt, 0), "limit",
                     service_money_json(db_column_int64(stmt, 1)), "term_start",
                     db_column_text(stmt, 2), "term_end", db_column_text(stmt, 3),
                     "original_end", db_column_text(stmt, 4), "extended",
                     strcmp(db_column_text(stmt, 3), db_column_text(stmt, 4)) > 0, "updated_at",
                     db_column_text(stmt, 5), "updated_by", db_column_text(stmt, 6));
}

static int line_fetch(db_conn *db, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT lender, limit_cents, start_date, end_date, original_end, updated_at, "
                   "updated_by FROM credit_lines WHERE id = 1",
                   &stmt, e) ||
        service_fetch_one(stmt, line_json, out, "credit_line", e, "no line of credit is set"))
        return -1;
    json_t *extensions = NULL;
    if (service_collect_rows_of(db,
                                "SELECT id, new_end, previous_end, agreed_on, note, created_at, "
                                "created_by FROM credit_line_extensions WHERE id > ?1 ORDER BY id",
                                0, extension_json, &extensions, e)) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    json_object_set_new(*out, "extensions", extensions);
    return 0;
}

int credit_line_get(service_context *ctx, json_t **out, err *e)
{
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = line_fetch(ctx->db, out, e);
    db_rollback(ctx->db);
    return rc;
}

int credit_line_set(service_context *ctx, const credit_line_input *in, json_t **out, err *e)
{
    int64_t limit;
    civil_day from, to;
    if (!in->lender)
        return err_set(e, ERR_INVALID, "lender", "is required");
    if (registry_name_check(in->lender, "lender", e))
        return -1;
    if (!in->limit || !*in->limit)
        return err_set(e, ERR_INVALID, "limit", "is required, in dollars");
    if (money_parse(in->limit, &limit, "limit", e))
        return -1;
    if (limit < 0)
        return err_set(e, ERR_INVALID, "limit", "must not be negative");
    if (service_date_take(in->from, &from, "from", e) || service_date_take(in->to, &to, "to", e))
        return -1;
    if (from > to)
        return err_set(e, ERR_INVALID, "from", "must not be after to (%s)", in->to);
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX], from_text[DATE_TEXT_MAX], to_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    /* The line as it stands (before), or none yet: an insert. */
    int exists = line_fetch(ctx->db, &before, e) == 0;
    if (!exists && e->code != ERR_NOT_FOUND)
        goto done;
    if (db_prepare(ctx->db,
                   exists ? "UPDATE credit_lines SET lender = ?1, limit_cents = ?2, "
                            "start_date = ?3, end_date = ?4, original_end = ?4, updated_at = ?5, "
                            "updated_by = ?6 WHERE id = 1"
                          : "INSERT INTO credit_lines (id, lender, limit_cents, start_date, "
                            "end_date, original_end, updated_at, updated_by) "
                            "VALUES (1, ?1, ?2, ?3, ?4, ?4, ?5, ?6)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, in->lender);
    db_bind_int64(stmt, 2, limit);
    db_bind_text(stmt, 3, date_format(from, from_text, sizeof from_text));
    db_bind_text(stmt, 4, date_format(to, to_text, sizeof to_text));
    db_bind_text(stmt, 5, service_now_text(now));
    db_bind_text(stmt, 6, ctx->actor.username);
    if (db_exec_stmt(stmt, e) || line_fetch(ctx->db, &after, e) ||
        audit_append(ctx, "credit_line", "1", "set", before, after, NULL, e))
        goto done;
    rc = 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int credit_line_extend(service_context *ctx, const credit_extension_input *in, json_t **out,
                       err *e)
{
    civil_day to, agreed;
    const char *note = in->note ? in->note : "";
    if (service_date_take(in->to, &to, "to", e) || service_date_take(in->agreed, &agreed, "agreed", e))
        return -1;
    if (strlen(note) > NOTE_MAX)
        return err_set(e, ERR_INVALID, "note", "must be at most %d characters", NOTE_MAX);
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX], to_text[DATE_TEXT_MAX], agreed_text[DATE_TEXT_MAX];
    db_stmt *stmt;
    if (line_fetch(ctx->db, &before, e))
        goto done;
    const char *current_end = json_string_value(json_object_get(before, "term_end"));
    date_format(to, to_text, sizeof to_text);
    if (strcmp(to_text, current_end) <= 0) {
        err_set(e, ERR_INVALID, "to", "must be after the current end of the term (%s)",
                current_end);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO credit_line_extensions (new_end, previous_end, agreed_on, note, "
                   "created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, to_text);
    db_bind_text(stmt, 2, current_end);
    db_bind_text(stmt, 3, date_format(agreed, agreed_text, sizeof agreed_text));
    db_bind_text(stmt, 4, note);
    db_bind_text(stmt, 5, service_now_text(now));
    db_bind_text(stmt, 6, ctx->actor.username);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db,
                   "UPDATE credit_lines SET end_date = ?1, updated_at = ?2, updated_by = ?3 "
                   "WHERE id = 1",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, to_text);
    db_bind_text(stmt, 2, now);
    db_bind_text(stmt, 3, ctx->actor.username);
    if (db_exec_stmt(stmt, e) || line_fetch(ctx->db, &after, e) ||
        audit_append(ctx, "credit_line", "1", "extend", before, after, NULL, e))
        goto done;
    rc = 0;
done:
    rc = service_finish_record(ctx, rc, before, after, out, e);
    if (rc == 0)
        json_object_set_new(
            *out, "reclassify",
            json_sprintf("With the term to %s, notes payable due after a year may move from "
                         "account 2200 (current) to 2500 (long-term): a journal entry you "
                         "make, as of %s.",
                         to_text, agreed_text));
    return rc;
}

/* --- covenants ---------------------------------------------------------- */

static json_t *covenant_json(db_stmt *stmt)
{
    covenant_kind kind = COVENANT_MIN_TANGIBLE_NET_WORTH;
    char threshold[COVENANT_TEXT_MAX];
    err ignored;
    covenant_kind_parse(db_column_text(stmt, 1), &kind, "kind", &ignored);
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:s, s:s}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "kind", db_column_text(stmt, 1),
                     "threshold", covenant_amount_format(kind, db_column_int64(stmt, 2), threshold),
                     "effective_from", db_column_text(stmt, 3), "effective_to",
                     db_column_is_null(stmt, 4) ? json_null() : json_string(db_column_text(stmt, 4)),
                     "active", (int)db_column_int64(stmt, 5), "created_at", db_column_text(stmt, 6),
                     "created_by", db_column_text(stmt, 7));
}

#define COVENANT_COLUMNS                                                                          \
    "SELECT id, kind, threshold, effective_from, effective_to, active, created_at, created_by "   \
    "FROM covenants "

static int covenant_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, COVENANT_COLUMNS "WHERE id = ?1", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    return service_fetch_one(stmt, covenant_json, out, "id", e, "no covenant %lld",
                             (long long)id);
}

int covenant_add(service_context *ctx, const covenant_input *in, json_t **out, err *e)
{
    covenant_kind kind;
    int64_t threshold, id;
    civil_day from;
    if (!in->kind || !*in->kind)
        return err_set(e, ERR_INVALID, "kind", "is required");
    if (covenant_kind_parse(in->kind, &kind, "kind", e) ||
        covenant_threshold_parse(kind, in->threshold, &threshold, "threshold", e) ||
        service_date_take(in->from, &from, "from", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *after = NULL;
    char now[TIMESTAMP_TEXT_MAX], from_text[DATE_TEXT_MAX], id_text[24];
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO covenants (kind, threshold, effective_from, created_at, "
                   "created_by) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, covenant_kind_name(kind));
    db_bind_int64(stmt, 2, threshold);
    db_bind_text(stmt, 3, date_format(from, from_text, sizeof from_text));
    db_bind_text(stmt, 4, service_now_text(now));
    db_bind_text(stmt, 5, ctx->actor.username);
    if (db_insert_returning_id(stmt, &id, e) || covenant_fetch(ctx->db, id, &after, e))
        goto done;
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    if (audit_append(ctx, "covenant", id_text, "create", NULL, after, NULL, e))
        goto done;
    rc = 0;
done:
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

int covenant_end(service_context *ctx, const char *id_text, const char *to, json_t **out, err *e)
{
    int64_t id;
    civil_day end;
    if (service_id_take(id_text, &id, "id", e) || service_date_take(to, &end, "to", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *before = NULL, *after = NULL;
    char end_text[DATE_TEXT_MAX], key[24];
    db_stmt *stmt;
    if (covenant_fetch(ctx->db, id, &before, e))
        goto done;
    date_format(end, end_text, sizeof end_text);
    if (!json_is_true(json_object_get(before, "active"))) {
        err_set(e, ERR_CONFLICT, "id", "covenant %lld has already ended", (long long)id);
        goto done;
    }
    if (strcmp(end_text, json_string_value(json_object_get(before, "effective_from"))) < 0) {
        err_set(e, ERR_INVALID, "to", "must not be before the covenant's start (%s)",
                json_string_value(json_object_get(before, "effective_from")));
        goto done;
    }
    if (db_prepare(ctx->db, "UPDATE covenants SET effective_to = ?1, active = 0 WHERE id = ?2",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, end_text);
    db_bind_int64(stmt, 2, id);
    snprintf(key, sizeof key, "%lld", (long long)id);
    if (db_exec_stmt(stmt, e) || covenant_fetch(ctx->db, id, &after, e) ||
        audit_append(ctx, "covenant", key, "end", before, after, NULL, e))
        goto done;
    rc = 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int covenant_list(service_context *ctx, json_t **out, err *e)
{
    json_t *items = NULL;
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = service_collect_rows_of(ctx->db, COVENANT_COLUMNS "WHERE id > ?1 ORDER BY id", 0,
                                     covenant_json, &items, e);
    db_rollback(ctx->db);
    if (rc == 0)
        *out = json_pack("{s:o}", "items", items);
    return rc;
}

/* --- the quarterly report's section -------------------------------------- */

static int section_line_in(db_conn *db, covenant_section *out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT lender, limit_cents, start_date, end_date, original_end "
                   "FROM credit_lines WHERE id = 1",
                   &stmt, e))
        return -1;
    int step = db_step(stmt, e);
    if (step < 0)
        return -1;
    if (step == 1) {
        out->has_line = 1;
        snprintf(out->lender, sizeof out->lender, "%s", db_column_text(stmt, 0));
        out->limit = db_column_int64(stmt, 1);
        if (date_parse(db_column_text(stmt, 2), &out->term_start, "term_start", e) ||
            date_parse(db_column_text(stmt, 3), &out->term_end, "term_end", e) ||
            date_parse(db_column_text(stmt, 4), &out->original_end, "original_end", e)) {
            db_reset(stmt);
            return -1;
        }
        out->extended = out->term_end > out->original_end;
    }
    db_reset(stmt);
    return 0;
}

int covenant_section_load_in(db_conn *db, civil_day date, const covenant_figures *figures,
                             covenant_section *out, err *e)
{
    memset(out, 0, sizeof *out);
    out->loaded = 1;
    if (section_line_in(db, out, e))
        return -1;
    char day[DATE_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT id, kind, threshold, effective_from FROM covenants "
                   "WHERE effective_from <= ?1 AND (effective_to IS NULL OR effective_to >= ?1) "
                   "ORDER BY id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, date_format(date, day, sizeof day));
    int step;
    while ((step = db_step(stmt, e)) == 1) {
        covenant_check *grown = realloc(out->checks, (out->count + 1) * sizeof *grown);
        if (!grown) {
            db_reset(stmt);
            covenant_section_free(out);
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
        out->checks = grown;
        covenant_check *check = &out->checks[out->count++];
        memset(check, 0, sizeof *check);
        check->id = db_column_int64(stmt, 0);
        if (covenant_kind_parse(db_column_text(stmt, 1), &check->kind, "kind", e) ||
            date_parse(db_column_text(stmt, 3), &check->effective_from, "effective_from", e)) {
            step = -1;
            break;
        }
        check->threshold = db_column_int64(stmt, 2);
        covenant_evaluate(check, figures);
    }
    db_reset(stmt);
    if (step < 0) {
        covenant_section_free(out);
        return -1;
    }
    return 0;
}

static json_t *amount_json(covenant_kind kind, int has, int64_t amount)
{
    char text[COVENANT_TEXT_MAX];
    return has ? json_string(covenant_amount_format(kind, amount, text)) : json_null();
}

json_t *covenant_section_json(const covenant_section *s)
{
    if (!s->loaded)
        return json_null();
    char start[DATE_TEXT_MAX], end[DATE_TEXT_MAX], original[DATE_TEXT_MAX];
    json_t *line = json_null();
    if (s->has_line)
        line = json_pack("{s:s, s:o, s:s, s:s, s:s, s:b}", "lender", s->lender, "limit",
                         service_money_json(s->limit), "term_start",
                         date_format(s->term_start, start, sizeof start), "term_end",
                         date_format(s->term_end, end, sizeof end), "original_end",
                         date_format(s->original_end, original, sizeof original), "extended",
                         s->extended);
    json_t *checks = json_array();
    for (size_t i = 0; i < s->count; i++) {
        const covenant_check *c = &s->checks[i];
        char from[DATE_TEXT_MAX];
        json_array_append_new(
            checks,
            json_pack("{s:I, s:s, s:o, s:s, s:o, s:b, s:o}", "id", (json_int_t)c->id, "kind",
                      covenant_kind_name(c->kind), "threshold",
                      amount_json(c->kind, 1, c->threshold), "effective_from",
                      date_format(c->effective_from, from, sizeof from), "value",
                      amount_json(c->kind, c->has_value, c->value), "met", c->met, "margin",
                      amount_json(c->kind, c->has_value, c->margin)));
    }
    return json_pack("{s:o, s:o}", "line", line, "checks", checks);
}
