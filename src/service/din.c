/*
 * din.c - allocating and looking up donation identification numbers, and
 * taking one for a collection inside its transaction (see din.h for how
 * concurrent allocations stay sequential and unique).
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "domain/isbt.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/din.h"

/* The nominal year: two digits, this year, the one before or the one after
 * (modulo 100: in 2099 the year after is 00). This year is UTC's here (the
 * year either side covers every zone); without a year, the allocation
 * takes the current one of the center's calendar (local_year). */
static int year_take(const char *text, int *year, err *e)
{
    int year_now, month, day;
    date_to_ymd(date_today(), &year_now, &month, &day);
    int current = year_now % 100;
    if (!text) {
        *year = current;
        return 0;
    }
    size_t length = strlen(text);
    if (length < 1 || length > 2 || !isdigit((unsigned char)text[0]) ||
        (length == 2 && !isdigit((unsigned char)text[1])))
        return err_set(e, ERR_INVALID, "year", "must be the two last digits of the year, e.g. %02d",
                       current);
    int value = length == 2 ? (text[0] - '0') * 10 + (text[1] - '0') : text[0] - '0';
    if (value != current && value != (current + 1) % 100 && value != (current + 99) % 100)
        return err_set(e, ERR_INVALID, "year",
                       "must be this year (%02d), the year before or the year after", current);
    *year = value;
    return 0;
}

/* The nominal year of a DIN allocated now at a center in `zone`: the
 * year of its own calendar (two digits). */
static int local_year(const char *zone, int *year, err *e)
{
    civil_day today;
    int full, month, day;
    if (local_today(zone, &today, e))
        return -1;
    date_to_ymd(today, &full, &month, &day);
    *year = full % 100;
    return 0;
}

/* The center's FIN, when the center exists, is open today (in its own
 * zone) and has one; its open date too when `open_date` is not NULL, its
 * time zone when `zone` is not NULL. */
static int center_fin(db_conn *db, const char *code, char fin[8], char *open_date, char *zone,
                      err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT fin, close_date, open_date, time_zone FROM centers WHERE code = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    int rc = 0;
    if (step == DB_DONE) {
        rc = err_set(e, ERR_INVALID, "center", "no donor center '%s' (see the list of centers)",
                     code);
    } else if (step == DB_ROW) {
        char today[DATE_TEXT_MAX] = "";
        civil_day local = 0;
        const char *close_date = db_column_is_null(stmt, 1) ? NULL : db_column_text(stmt, 1);
        if (local_today(db_column_text(stmt, 3), &local, e) == 0)
            date_format(local, today, sizeof today);
        if (!*today)
            rc = -1;
        else if (close_date && strcmp(close_date, today) <= 0)
            rc = err_set(e, ERR_CONFLICT, "center",
                         "donor center %s closed on %s: it collects no more donations", code,
                         close_date);
        else if (db_column_is_null(stmt, 0) || !*db_column_text(stmt, 0))
            rc = err_set(e, ERR_CONFLICT, "center",
                         "donor center %s has no ISBT 128 facility identification number (set "
                         "its fin first)",
                         code);
        else
            snprintf(fin, 8, "%s", db_column_text(stmt, 0));
        if (rc == 0 && open_date)
            snprintf(open_date, DATE_TEXT_MAX, "%s", db_column_text(stmt, 2));
        if (rc == 0 && zone)
            snprintf(zone, TIME_ZONE_NAME_MAX, "%s", db_column_text(stmt, 3));
    } else {
        rc = -1;
    }
    db_reset(stmt);
    return rc;
}

/* Move (fin, year)'s sequence forward by `count` unless it would pass the
 * end: 1 when it moved, 0 when it did not (or the row does not exist).
 * Conditional, so a request that would pass 999999 changes nothing and no
 * statement fails (PostgreSQL would refuse every statement after a failed
 * one). */
static int sequence_move(db_conn *db, const char *fin, int year, long count, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "UPDATE din_sequences SET last_sequence = last_sequence + ? "
                   "WHERE fin = ? AND year = ? AND last_sequence <= ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, count);
    db_bind_text(stmt, 2, fin);
    db_bind_int64(stmt, 3, year);
    db_bind_int64(stmt, 4, ISBT_SEQUENCE_MAX - count);
    return db_exec_stmt(stmt, e) ? -1 : (int)db_changes(db);
}

/* Move the (fin, year) sequence forward by count; *last is the new last
 * sequence. */
static int sequence_take(db_conn *db, const char *fin, int year, long count, int64_t *last,
                         err *e)
{
    /* Most allocations find the year's row there: move it first, and make
     * the row only when nothing moved (the first DIN of a FIN's year). */
    int moved = sequence_move(db, fin, year, count, e);
    if (moved == 0) {
        db_stmt *stmt;
        if (db_prepare(db,
                       "INSERT INTO din_sequences (fin, year, last_sequence) VALUES (?, ?, 0) "
                       "ON CONFLICT (fin, year) DO NOTHING",
                       &stmt, e))
            return -1;
        db_bind_text(stmt, 1, fin);
        db_bind_int64(stmt, 2, year);
        if (db_exec_stmt(stmt, e))
            return -1;
        moved = sequence_move(db, fin, year, count, e);
    }
    if (moved < 0)
        return -1;
    db_stmt *stmt;
    if (db_prepare(db, "SELECT last_sequence FROM din_sequences WHERE fin = ? AND year = ?", &stmt,
                   e))
        return -1;
    db_bind_text(stmt, 1, fin);
    db_bind_int64(stmt, 2, year);
    int64_t used = 0;
    db_step_result step;
    if ((step = db_step(stmt, e)) == DB_ROW)
        used = db_column_int64(stmt, 0);
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (moved) {
        *last = used;
        return 0;
    }
    return err_set(e, ERR_CONFLICT, "count",
                   "only %lld DINs remain for %s in year %02d (sequences end at %d)",
                   (long long)(ISBT_SEQUENCE_MAX - used), fin, year, ISBT_SEQUENCE_MAX);
}

/* Record DIN `sequence` of (fin, year) as allocated to `center`. */
static int din_insert(service_context *ctx, const char *fin, int year, int64_t sequence,
                      const char *center, const char *now, isbt_din *din, err *e)
{
    db_stmt *stmt;
    if (isbt_din_make(fin, year, (long)sequence, NULL, din, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO dins (din, fin, year, sequence, center, allocated_at, "
                   "allocated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_text_static(stmt, 1, din->din);
    db_bind_text_static(stmt, 2, fin);
    db_bind_int64(stmt, 3, year);
    db_bind_int64(stmt, 4, sequence);
    db_bind_text_static(stmt, 5, center);
    db_bind_text_static(stmt, 6, now);
    db_bind_text_static(stmt, 7, ctx->actor.username);
    return db_exec_stmt(stmt, e);
}

static json_t *din_item(const isbt_din *din)
{
    char eye[ISBT_EYE_READABLE_MAX], check[2] = {din->check_character, '\0'};
    isbt_din_eye_readable(din, eye, sizeof eye);
    isbt_din copy = *din;
    isbt_din_set_check_flags(&copy);
    return json_pack("{s:s, s:I, s:s, s:s, s:s}", "din", din->din, "sequence",
                     (json_int_t)strtol(din->sequence, NULL, 10), "check_character", check,
                     "flags", copy.flags, "eye_readable", eye);
}

int din_allocate(service_context *ctx, const char *center, const char *count, const char *year,
                 json_t **out, err *e)
{
    char code[REGISTRY_CODE_MAX + 8];
    long how_many = 1;
    int nominal_year = 0;
    if (!center || !*center)
        return err_set(e, ERR_INVALID, "center", "is required");
    if (strlen(center) > REGISTRY_CODE_MAX + 4)
        return err_set(e, ERR_INVALID, "center", "no donor center '%.20s...'", center);
    snprintf(code, sizeof code, "%s", center);
    service_normalize_code(code);
    if (registry_code_check(code, "center", e) ||
        (count && service_number_take(count, 1, DIN_ALLOCATE_MAX, &how_many, "count", e)) ||
        year_take(year, &nominal_year, e))
        return -1;

    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    char fin[8] = "", now[TIMESTAMP_TEXT_MAX], year_text[8], zone[TIME_ZONE_NAME_MAX];
    int64_t last = 0;
    json_t *result = NULL, *dins = json_array();
    timestamp_format(timestamp_now(), now, sizeof now);
    /* Without a year, the current one of the center's own calendar. */
    if (center_fin(ctx->db, code, fin, NULL, zone, e) ||
        service_center_allowed(ctx, code, "center", e) ||
        (!year && local_year(zone, &nominal_year, e)) ||
        sequence_take(ctx->db, fin, nominal_year, how_many, &last, e))
        goto done;
    snprintf(year_text, sizeof year_text, "%02d", nominal_year);
    int64_t first = last - how_many + 1;
    isbt_din din, first_din, last_din;
    memset(&first_din, 0, sizeof first_din);
    memset(&last_din, 0, sizeof last_din);
    for (int64_t sequence = first; sequence <= last; sequence++) {
        if (din_insert(ctx, fin, nominal_year, sequence, code, now, &din, e))
            goto done;
        json_array_append_new(dins, din_item(&din));
        if (sequence == first)
            first_din = din;
        last_din = din;
    }
    json_t *record = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s}", "center", code, "fin",
                               fin, "year", year_text, "count", (json_int_t)how_many,
                               "first_sequence", (json_int_t)first, "last_sequence",
                               (json_int_t)last, "first_din", first_din.din, "last_din",
                               last_din.din);
    rc = audit_append(ctx, "din", first_din.din, "allocate", NULL, record, NULL, e);
    if (rc == 0) {
        din_eye_readable_add(record, "first_din", "first_eye_readable");
        din_eye_readable_add(record, "last_din", "last_eye_readable");
        json_object_set_new(record, "allocated_at", json_string(now));
        json_object_set_new(record, "dins", dins);
        dins = NULL;
        result = record;
    } else {
        json_decref(record);
    }
done:
    json_decref(dins);
    if (service_finish(ctx, rc, e)) {
        json_decref(result);
        return -1;
    }
    *out = result;
    return 0;
}

int din_text_parse(const char *text, isbt_din *out, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "din", "is required");
    size_t characters = 0, others = 0;
    for (const char *p = text; *p; p++) {
        if (isalnum((unsigned char)*p))
            characters++;
        else if (*p != ' ')
            others++;
    }
    if (characters == ISBT_DIN_LENGTH && others == 0) {
        char upper[64];
        snprintf(upper, sizeof upper, "%s", text);
        for (char *p = upper; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return isbt_din_parse(upper, out, "din", e);
    }
    return isbt_din_check(text, out, "din", e);
}

char *din_eye_readable(const char *din, char *out, size_t size)
{
    isbt_din parsed;
    out[0] = '\0';
    if (isbt_din_parse(din, &parsed, "din", NULL) == 0)
        isbt_din_eye_readable(&parsed, out, size);
    return out;
}

json_t *din_eye_readable_add(json_t *object, const char *din_key, const char *key)
{
    char eye[ISBT_EYE_READABLE_MAX];
    const char *din = json_string_value(json_object_get(object, din_key));
    if (object)
        json_object_set_new(object, key,
                            din && *din_eye_readable(din, eye, sizeof eye) ? json_string(eye)
                                                                           : json_null());
    return object;
}

int din_get(service_context *ctx, const char *text, json_t **out, err *e)
{
    isbt_din din;
    if (din_text_parse(text, &din, e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT fin, year, sequence, center, allocated_at, allocated_by FROM dins "
                   "WHERE din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din.din);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW) {
        json_t *item = din_item(&din);
        char year[8];
        snprintf(year, sizeof year, "%02d", (int)db_column_int64(stmt, 1));
        json_object_set_new(item, "fin", json_string(db_column_text(stmt, 0)));
        json_object_set_new(item, "year", json_string(year));
        json_object_set_new(item, "center", json_string(db_column_text(stmt, 3)));
        json_object_set_new(item, "allocated_at", json_string(db_column_text(stmt, 4)));
        json_object_set_new(item, "allocated_by", json_string(db_column_text(stmt, 5)));
        *out = item;
    }
    db_reset(stmt);
    if (step == DB_DONE)
        return err_set(e, ERR_NOT_FOUND, "din", "DIN %s was not allocated here", din.din);
    return step == DB_ROW ? 0 : -1;
}

/* --- inside a collection's transaction ------------------------------------- */

int din_center_check_in(service_context *ctx, const char *center, char fin[8],
                        char open_date[DATE_TEXT_MAX], char zone[TIME_ZONE_NAME_MAX], err *e)
{
    assert(db_in_transaction(ctx->db));
    return center_fin(ctx->db, center, fin, open_date, zone, e);
}

int din_allocate_in(service_context *ctx, const char *center, const char *fin, const char *zone,
                    isbt_din *out, err *e)
{
    assert(db_in_transaction(ctx->db));
    int year;
    int64_t sequence = 0;
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    if (local_year(zone, &year, e) || sequence_take(ctx->db, fin, year, 1, &sequence, e))
        return -1;
    return din_insert(ctx, fin, year, sequence, center, now, out, e);
}

int din_unused_check_in(service_context *ctx, const isbt_din *din, const char *center, err *e)
{
    assert(db_in_transaction(ctx->db));
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT d.center, c.collected_at FROM dins d "
                   "LEFT JOIN collections c ON c.din = d.din WHERE d.din = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din->din);
    db_step_result step = db_step(stmt, e);
    int rc = step == DB_FAILED ? -1 : 0;
    if (step == DB_DONE)
        rc = err_set(e, ERR_INVALID, "din",
                     "DIN %s was not allocated here: scan a label printed for %s", din->din,
                     center);
    else if (step == DB_ROW && strcmp(db_column_text(stmt, 0), center) != 0)
        rc = err_set(e, ERR_INVALID, "din", "DIN %s was allocated to donor center %s, not %s",
                     din->din, db_column_text(stmt, 0), center);
    else if (step == DB_ROW && !db_column_is_null(stmt, 1))
        rc = err_set(e, ERR_CONFLICT, "din", "DIN %s is already used by the collection of %s",
                     din->din, db_column_text(stmt, 1));
    db_reset(stmt);
    return rc;
}
