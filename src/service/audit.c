/*
 * audit.c - the hash-chained, append-only audit trail (see audit.h).
 *
 * The hash of record n is BLAKE2b-256 over its fields, each length-prefixed
 * so that no two different records serialise alike, and over the hash of
 * record n-1. The chain head row is updated in the same transaction, which
 * also serialises appends from concurrent writers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "base/buffer.h"
#include "base/date.h"
#include "service/audit.h"

enum { HASH_BYTES = 32, HASH_HEX = HASH_BYTES * 2 + 1 };

typedef struct {
    int64_t seq;
    const char *at, *actor, *entity, *entity_id, *action, *before, *after, *reason, *prev_hash;
} audit_record;

static void hash_part(crypto_generichash_state *state, const char *text)
{
    char prefix[32];
    int n = text ? snprintf(prefix, sizeof prefix, "%zu:", strlen(text))
                 : snprintf(prefix, sizeof prefix, "-:");
    crypto_generichash_update(state, (const unsigned char *)prefix, (size_t)n);
    if (text)
        crypto_generichash_update(state, (const unsigned char *)text, strlen(text));
}

static void audit_record_hash(const audit_record *r, char hex[HASH_HEX])
{
    crypto_generichash_state state;
    unsigned char digest[HASH_BYTES];
    char seq[24];
    snprintf(seq, sizeof seq, "%" PRId64, r->seq);
    crypto_generichash_init(&state, NULL, 0, HASH_BYTES);
    const char *parts[] = {seq,          r->at,     r->actor, r->entity, r->entity_id,
                           r->action,    r->before, r->after, r->reason, r->prev_hash};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        hash_part(&state, parts[i]);
    crypto_generichash_final(&state, digest, HASH_BYTES);
    sodium_bin2hex(hex, HASH_HEX, digest, HASH_BYTES);
}

static char *json_canonical(json_t *value)
{
    return value ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

int audit_append(service_context *ctx, const char *entity, const char *entity_id,
                 const char *action, json_t *before, json_t *after, const char *reason,
                 err *e)
{
    char *before_text = json_canonical(before), *after_text = json_canonical(after);
    int rc = (before && !before_text) || (after && !after_text)
                 ? err_set(e, ERR_INTERNAL, NULL, "out of memory")
                 : audit_append_text(ctx, entity, entity_id, action, before_text, after_text,
                                     reason, e);
    free(before_text);
    free(after_text);
    return rc;
}

int audit_append_text(service_context *ctx, const char *entity, const char *entity_id,
                      const char *action, const char *before_json, const char *after_json,
                      const char *reason, err *e)
{
    /* Claim the next seq by updating the chain head first: on PostgreSQL
     * this row lock makes concurrent appenders (even from several server
     * processes) wait their turn, so the chain stays one chain; on SQLite
     * the write transaction already serialises them. The head is then read
     * back (a RETURNING clause would cost SQLite a temporary table per
     * record). */
    db_stmt *stmt;
    if (db_prepare(ctx->db, "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1", &stmt,
                   e) ||
        db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db, "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", &stmt, e))
        return -1;
    if (db_step(stmt, e) != DB_ROW) {
        db_reset(stmt);
        return err_set(e, ERR_INTERNAL, NULL, "the audit chain head is missing");
    }
    char prev_hash[HASH_HEX], hash[HASH_HEX], at[TIMESTAMP_TEXT_MAX];
    int64_t seq = db_column_int64(stmt, 0);
    snprintf(prev_hash, sizeof prev_hash, "%s", db_column_text(stmt, 1));
    db_reset(stmt);

    audit_record record = {
        .seq = seq, .at = timestamp_format(timestamp_now(), at, sizeof at),
        .actor = ctx->actor.username, .entity = entity, .entity_id = entity_id,
        .action = action, .before = before_json, .after = after_json,
        .reason = reason, .prev_hash = prev_hash,
    };
    audit_record_hash(&record, hash);

    if (db_prepare(ctx->db,
                   "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, "
                   "before_json, after_json, reason, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, seq);
    db_bind_text_static(stmt, 2, record.at);
    db_bind_text_static(stmt, 3, record.actor);
    db_bind_text_static(stmt, 4, entity);
    db_bind_text_static(stmt, 5, entity_id);
    db_bind_text_static(stmt, 6, action);
    db_bind_text_static(stmt, 7, before_json);
    db_bind_text_static(stmt, 8, after_json);
    db_bind_text_static(stmt, 9, reason);
    db_bind_text_static(stmt, 10, prev_hash);
    db_bind_text_static(stmt, 11, hash);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db, "UPDATE audit_head SET last_hash = ? WHERE id = 1", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hash);
    return db_exec_stmt(stmt, e);
}

int audit_verify(db_conn *db, audit_verification *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (db_begin_read(db, e))
        return -1;
    db_stmt *stmt;
    int rc = -1;
    char expected_prev[HASH_HEX] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    int64_t expected_seq = 1;
    if (db_prepare(db,
                   "SELECT seq, at, actor, entity, entity_id, action, before_json, after_json, "
                   "reason, prev_hash, hash FROM audit_log ORDER BY seq",
                   &stmt, e))
        goto done;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        audit_record r;
        const char *text[11];
        for (int c = 1; c < 11; c++)
            text[c] = db_column_is_null(stmt, c) ? NULL : db_column_text(stmt, c);
        r.seq = db_column_int64(stmt, 0);
        r.at = text[1], r.actor = text[2], r.entity = text[3], r.entity_id = text[4];
        r.action = text[5], r.before = text[6], r.after = text[7], r.reason = text[8];
        r.prev_hash = text[9];
        const char *stored_hash = text[10] ? text[10] : "";
        char computed[HASH_HEX];
        audit_record_hash(&r, computed);
        if (r.seq != expected_seq) {
            out->first_bad_seq = expected_seq;
            snprintf(out->problem, sizeof out->problem,
                     "record %" PRId64 " is missing (the next record found is %" PRId64 ")",
                     expected_seq, r.seq);
            break;
        }
        if (!r.prev_hash || strcmp(r.prev_hash, expected_prev) != 0) {
            out->first_bad_seq = r.seq;
            snprintf(out->problem, sizeof out->problem,
                     "record %" PRId64 " does not link to the record before it", r.seq);
            break;
        }
        if (strcmp(computed, stored_hash) != 0) {
            out->first_bad_seq = r.seq;
            snprintf(out->problem, sizeof out->problem,
                     "record %" PRId64 " (%s %s %s) was altered: its content does not match "
                     "its hash",
                     r.seq, r.entity ? r.entity : "?", r.entity_id ? r.entity_id : "?",
                     r.action ? r.action : "?");
            break;
        }
        snprintf(expected_prev, sizeof expected_prev, "%s", stored_hash);
        out->records_checked++;
        expected_seq++;
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        goto done;
    if (out->first_bad_seq == 0) {
        /* The head must point at the last record: otherwise records were
         * removed from the end (or the head was tampered with). */
        if (db_prepare(db, "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", &stmt, e))
            goto done;
        if (db_step(stmt, e) != DB_ROW) {
            db_reset(stmt);
            out->first_bad_seq = expected_seq;
            snprintf(out->problem, sizeof out->problem, "the audit chain head is missing");
        } else {
            int64_t last_seq = db_column_int64(stmt, 0);
            int same_hash = strcmp(db_column_text(stmt, 1), expected_prev) == 0;
            db_reset(stmt);
            if (last_seq != expected_seq - 1 || !same_hash) {
                out->first_bad_seq = last_seq >= expected_seq ? expected_seq : last_seq;
                snprintf(out->problem, sizeof out->problem,
                         "the chain head names record %" PRId64 " but the trail ends at %" PRId64
                         ": records were removed or the head was altered",
                         last_seq, expected_seq - 1);
            }
        }
    }
    rc = 0;
done:
    db_rollback(db);
    return rc;
}

static json_t *audit_row_json(db_stmt *stmt)
{
    json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "seq",
                            (json_int_t)db_column_int64(stmt, 0), "at", db_column_text(stmt, 1),
                            "actor", db_column_text(stmt, 2), "entity", db_column_text(stmt, 3),
                            "entity_id", db_column_text(stmt, 4), "action",
                            db_column_text(stmt, 5));
    const char *names[] = {"before", "after"};
    for (int i = 0; i < 2; i++) {
        json_t *value = NULL;
        if (!db_column_is_null(stmt, 6 + i))
            value = json_loads(db_column_text(stmt, 6 + i), JSON_DECODE_ANY, NULL);
        json_object_set_new(row, names[i], value ? value : json_null());
    }
    json_object_set_new(row, "reason",
                        service_json_text(db_column_is_null(stmt, 8) ? NULL
                                                                     : db_column_text(stmt, 8)));
    return row;
}

int audit_list(service_context *ctx, audit_filter *filter, json_t **out, err *e)
{
    if (service_page_check(&filter->page, e))
        return -1;
    int64_t after_seq = 0;
    if (filter->page.after) {
        char *end = NULL;
        after_seq = strtoll(filter->page.after, &end, 10);
        if (!*filter->page.after || *end || after_seq < 0)
            return err_set(e, ERR_INVALID, "after", "must be a record number");
    }
    char since[TIMESTAMP_TEXT_MAX] = "";
    if (filter->since) {
        civil_day day;
        if (date_parse(filter->since, &day, "since", e))
            return -1;
        date_format(day, since, sizeof since);
    }
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT seq, at, actor, entity, entity_id, action, before_json, after_json, "
                   "reason FROM audit_log WHERE seq > ?1 AND (?2 = '' OR entity = ?2) "
                   "AND (?3 = '' OR at >= ?3) ORDER BY seq LIMIT ?4",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, after_seq);
    db_bind_text(stmt, 2, filter->entity ? filter->entity : "");
    db_bind_text(stmt, 3, since);
    db_bind_int64(stmt, 4, filter->page.limit);
    return service_collect_page(stmt, audit_row_json, &filter->page, "seq", out, e);
}
