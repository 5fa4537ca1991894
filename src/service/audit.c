/*
 * audit.c - the hash-chained, append-only audit trail (see audit.h).
 *
 * The hash of record n is BLAKE2b-256 over its fields, each length-prefixed
 * so that no two different records serialise alike, and over the hash of
 * record n-1. The chain head row is updated in the same transaction, which
 * also serialises appends from concurrent writers.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "base/buffer.h"
#include "base/date.h"
#include "base/json_writer.h"
#include "service/audit.h"

enum { HASH_BYTES = 32, HASH_HEX = HASH_BYTES * 2 + 1 };

typedef struct {
    int64_t seq;
    const char *at, *actor, *entity, *entity_id, *action, *before, *after, *reason, *prev_hash;
} audit_record;

/* The decimal digits of `value` written to end just before `end`; returns
 * where they start (no snprintf: six records a shipment hash ten parts
 * each, and write their integers, where snprintf cost several percent). */
static char *digits_before(char *end, uint64_t value)
{
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    return end;
}

static void hash_part(crypto_generichash_state *state, const char *text)
{
    /* "<length>:" then the text, or "-:" for NULL */
    char prefix[24], *end = prefix + sizeof prefix - 1, *start = end;
    *end = ':';
    size_t length = text ? strlen(text) : 0;
    if (text)
        start = digits_before(end, length);
    else
        *--start = '-';
    crypto_generichash_update(state, (const unsigned char *)start, (size_t)(end - start) + 1);
    if (text)
        crypto_generichash_update(state, (const unsigned char *)text, length);
}

static void audit_record_hash(const audit_record *r, char hex[HASH_HEX])
{
    crypto_generichash_state state;
    unsigned char digest[HASH_BYTES];
    char seq_digits[24], *seq;
    seq_digits[sizeof seq_digits - 1] = '\0';
    seq = digits_before(seq_digits + sizeof seq_digits - 1,
                        r->seq < 0 ? (uint64_t)0 - (uint64_t)r->seq : (uint64_t)r->seq);
    if (r->seq < 0)
        *--seq = '-';
    crypto_generichash_init(&state, NULL, 0, HASH_BYTES);
    const char *parts[] = {seq,          r->at,     r->actor, r->entity, r->entity_id,
                           r->action,    r->before, r->after, r->reason, r->prev_hash};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        hash_part(&state, parts[i]);
    crypto_generichash_final(&state, digest, HASH_BYTES);
    sodium_bin2hex(hex, HASH_HEX, digest, HASH_BYTES);
}

/* --- the canonical text of a record's before and after -------------------------
 *
 * Compact JSON with every object's keys in byte order: the text jansson's
 * json_dumps writes with JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY,
 * byte for byte (the hashes of the chain are over this text, so it may
 * never change). Written here directly because json_dumps cost a shipment
 * (six records) about a tenth of its time: it allocates and sorts a key
 * array per object and hands the text over piece by piece. Strings are
 * escaped by buffer_append_json_string, which escapes as jansson does.
 * Reals and strings holding a NUL byte, which no record holds today, are
 * left to json_dumps itself (canonical_write answers -1). */

enum { CANONICAL_MEMBERS_ON_STACK = 32 };

typedef struct {
    const char *key;
    json_t *value;
} canonical_member;

static int canonical_write(buffer *out, json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT: {
        size_t count = json_object_size(value), n = 0;
        canonical_member on_stack[CANONICAL_MEMBERS_ON_STACK];
        canonical_member *members = count <= CANONICAL_MEMBERS_ON_STACK
                                        ? on_stack
                                        : malloc(count * sizeof *members);
        if (!members)
            return -1;
        const char *key;
        json_t *member;
        /* Insertion sort by key as the members come: a record's objects
         * have a few dozen members at most, and qsort allocated. */
        json_object_foreach(value, key, member) {
            size_t i = n++;
            while (i > 0 && strcmp(members[i - 1].key, key) > 0) {
                members[i] = members[i - 1];
                i--;
            }
            members[i] = (canonical_member){key, member};
        }
        int rc = 0;
        buffer_append_char(out, '{');
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (i)
                buffer_append_char(out, ',');
            buffer_append_json_string(out, members[i].key);
            buffer_append_char(out, ':');
            rc = canonical_write(out, members[i].value);
        }
        buffer_append_char(out, '}');
        if (members != on_stack)
            free(members);
        return rc;
    }
    case JSON_ARRAY:
        buffer_append_char(out, '[');
        for (size_t i = 0; i < json_array_size(value); i++) {
            if (i)
                buffer_append_char(out, ',');
            if (canonical_write(out, json_array_get(value, i)))
                return -1;
        }
        buffer_append_char(out, ']');
        return 0;
    case JSON_STRING:
        if (strlen(json_string_value(value)) != json_string_length(value))
            return -1;
        buffer_append_json_string(out, json_string_value(value));
        return 0;
    case JSON_INTEGER: {
        json_int_t number = json_integer_value(value);
        char digits[24], *end = digits + sizeof digits, *start;
        if (number < 0) {
            start = digits_before(end, (uint64_t)0 - (uint64_t)number);
            *--start = '-';
        } else {
            start = digits_before(end, (uint64_t)number);
        }
        buffer_append(out, start, (size_t)(end - start));
        return 0;
    }
    case JSON_TRUE:
        buffer_append(out, "true", 4);
        return 0;
    case JSON_FALSE:
        buffer_append(out, "false", 5);
        return 0;
    case JSON_NULL:
        buffer_append(out, "null", 4);
        return 0;
    default:
        return -1; /* a real */
    }
}

char *audit_json_canonical(json_t *value)
{
    if (!value)
        return NULL;
    buffer out = BUFFER_INIT;
    if (canonical_write(&out, value) == 0)
        return buffer_take(&out);
    buffer_free(&out);
    return json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

int audit_append(service_context *ctx, const char *entity, const char *entity_id,
                 const char *action, json_t *before, json_t *after, const char *reason,
                 err *e)
{
    char *before_text = audit_json_canonical(before), *after_text = audit_json_canonical(after);
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
     * the write transaction already serialises them, so the head is read
     * and then written once, seq and hash together, after the record (one
     * statement fewer per record: a shipment writes six). On SQLite the
     * head is read back rather than returned (a RETURNING clause would cost
     * SQLite a temporary table per record); PostgreSQL returns it from the
     * update that claims it, one round trip instead of two. */
    int head_locked = strcmp(db_backend_name(ctx->db), "sqlite") != 0;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   head_locked ? "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 "
                                 "RETURNING last_seq, last_hash"
                               : "SELECT last_seq, last_hash FROM audit_head WHERE id = 1",
                   &stmt, e))
        return -1;
    if (db_step(stmt, e) != DB_ROW) {
        db_reset(stmt);
        return err_set(e, ERR_INTERNAL, NULL, "the audit chain head is missing");
    }
    char prev_hash[HASH_HEX], hash[HASH_HEX], at[TIMESTAMP_TEXT_MAX];
    int64_t seq = db_column_int64(stmt, 0) + !head_locked;
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
        db_prepare(ctx->db, "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, seq);
    db_bind_text(stmt, 2, hash);
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

enum { AUDIT_FILTER_MAX = 100, AUDIT_CONDITIONS_MAX = 8 };

/* A text filter trimmed of spaces (and in lower case when `lower`): ""
 * when not given; ERR_INVALID naming `field` when longer than
 * AUDIT_FILTER_MAX characters or holding a control character. */
static int filter_take(const char *text, int lower, char out[AUDIT_FILTER_MAX + 1],
                       const char *field, err *e)
{
    out[0] = '\0';
    if (!text)
        return 0;
    while (isspace((unsigned char)*text))
        text++;
    size_t length = strlen(text);
    while (length && isspace((unsigned char)text[length - 1]))
        length--;
    if (length > AUDIT_FILTER_MAX)
        return err_set(e, ERR_INVALID, field, "must be at most %d characters", AUDIT_FILTER_MAX);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            return err_set(e, ERR_INVALID, field, "must be one line of text");
        out[i] = lower ? (char)tolower(c) : (char)c;
    }
    out[length] = '\0';
    return 0;
}

/* A day filter: "" when not given, else the day as YYYY-MM-DD. */
static int day_take(const char *text, civil_day *day, char out[TIMESTAMP_TEXT_MAX],
                    const char *field, err *e)
{
    out[0] = '\0';
    if (!text || !*text)
        return 0;
    if (date_parse(text, day, field, e))
        return -1;
    date_format(*day, out, TIMESTAMP_TEXT_MAX);
    return 0;
}

/* The WHERE clause of a listing (" WHERE ... AND ...", or "" without a
 * condition), its placeholders numbered in order from 1, and the values
 * they take. */
typedef struct {
    buffer sql;
    const char *values[AUDIT_CONDITIONS_MAX];
    int count;
} audit_where;

/* Add "<column> <op> ?N" for a filter that is given. */
static void where_add(audit_where *where, const char *condition, const char *value)
{
    if (!*value)
        return;
    where->values[where->count++] = value;
    buffer_printf(&where->sql, "%s %s ?%d", where->count == 1 ? " WHERE" : " AND", condition,
                  where->count);
}

/* The columns the list sorts by. `at` follows seq but for clock steps. */
static const service_sort_key audit_sort_keys[] = {
    {"seq", "seq"},       {"at", "at"},         {"actor", "actor"},
    {"entity", "entity"}, {"entity_id", "entity_id"}, {"action", "action"},
};

int audit_list(service_context *ctx, audit_filter *filter, json_t **out, err *e)
{
    service_page *page = &filter->page;
    if (service_page_check(page, e))
        return -1;
    int64_t after_seq;
    if (service_page_after_id(page, &after_seq, e))
        return -1;
    char entity[AUDIT_FILTER_MAX + 1], entity_id[AUDIT_FILTER_MAX + 1],
        entity_id_upper[AUDIT_FILTER_MAX + 1], actor[AUDIT_FILTER_MAX + 1],
        action[AUDIT_FILTER_MAX + 1], from[TIMESTAMP_TEXT_MAX], to[TIMESTAMP_TEXT_MAX];
    civil_day from_day = {0}, to_day = {0};
    if (filter->since && *filter->since && filter->from && *filter->from)
        return err_set(e, ERR_INVALID, "since", "give from or since (its older name), not both");
    const char *from_text = filter->from && *filter->from ? filter->from : filter->since;
    if (filter_take(filter->entity, 1, entity, "entity", e) ||
        filter_take(filter->entity_id, 0, entity_id, "entity_id", e) ||
        filter_take(filter->actor, 0, actor, "actor", e) ||
        filter_take(filter->action, 1, action, "action", e) ||
        day_take(from_text, &from_day, from, from_text == filter->since ? "since" : "from", e) ||
        day_take(filter->to, &to_day, to, "to", e))
        return -1;
    if (*entity_id && !*entity)
        return err_set(e, ERR_INVALID, "entity",
                       "give the kind of record (user, center, unit...) with its id");
    if (*from && *to && to_day < from_day)
        return err_set(e, ERR_INVALID, "to", "must not be before from (%s)", from);
    /* An id matches as recorded or in upper case (codes, DINs and donor
     * numbers are recorded in upper case, typed in any). */
    snprintf(entity_id_upper, sizeof entity_id_upper, "%s", entity_id);
    service_normalize_code(entity_id_upper);
    /* `to` is inclusive: records before the next day. */
    if (*to)
        date_format(date_add_days(to_day, 1), to, sizeof to);

    char order[SERVICE_ORDER_MAX], after_text[24] = "";
    if (service_order_by(page, audit_sort_keys, sizeof audit_sort_keys / sizeof *audit_sort_keys,
                         filter->newest_first ? "seq DESC" : "seq", "seq DESC", order, e))
        return -1;
    if (page->after && *page->after)
        snprintf(after_text, sizeof after_text, "%" PRId64, after_seq);

    /* Only the filters given are conditions of the statement, so that each
     * can use its index (a condition "?N = '' OR column = ?N" would read
     * the whole trail). The page's records are chosen by their seq first,
     * which the indexes hold, and only those 25 or so are then read whole:
     * sorting whole records would read every matching record's before and
     * after. For the same reason the count is a subquery over the same
     * conditions (one statement, one snapshot), not a window over the
     * rows. */
    audit_where where = {.sql = BUFFER_INIT};
    where_add(&where, filter->newest_first ? "seq <" : "seq >", after_text);
    where_add(&where, "entity =", entity);
    if (*entity_id) {
        where_add(&where, "entity_id IN (", entity_id);
        where.values[where.count++] = entity_id_upper;
        buffer_printf(&where.sql, ", ?%d)", where.count);
    }
    where_add(&where, "actor =", actor);
    where_add(&where, "action =", action);
    where_add(&where, "at >=", from);
    where_add(&where, "at <", to);
    buffer sql = BUFFER_INIT;
    buffer_append_text(&sql, "SELECT seq, at, actor, entity, entity_id, action, before_json, "
                             "after_json, reason");
    if (service_page_sorted(page))
        buffer_printf(&sql, ", (SELECT COUNT(*) FROM audit_log%s) AS total_rows",
                      buffer_text(&where.sql));
    buffer_printf(&sql,
                  " FROM audit_log WHERE seq IN (SELECT seq FROM audit_log%s ORDER BY %s "
                  "LIMIT ?%d OFFSET ?%d) ORDER BY %s",
                  buffer_text(&where.sql), order, where.count + 1, where.count + 2, order);
    db_stmt *stmt;
    int rc = db_prepare(ctx->db, buffer_text(&sql), &stmt, e);
    buffer_free(&sql);
    buffer_free(&where.sql);
    if (rc)
        return -1;
    for (int i = 0; i < where.count; i++) {
        if (where.values[i] == after_text)
            db_bind_int64(stmt, i + 1, after_seq);
        else
            db_bind_text(stmt, i + 1, where.values[i]);
    }
    db_bind_int64(stmt, where.count + 1, page->limit);
    db_bind_int64(stmt, where.count + 2, page->offset);
    return service_collect_page(stmt, audit_row_json, page, "seq", out, e);
}
