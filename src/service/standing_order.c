/*
 * standing_order.c - standing orders and their run (see standing_order.h;
 * docs/distribution.md, "Standing orders"). The one writer of
 * standing_orders, standing_order_lines and standing_order_days; the orders
 * a run creates are made by order.c (order_create_in, order_line_add_in),
 * the schedule's days by domain/schedule.c.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/local_time.h"
#include "domain/distribution.h"
#include "domain/registry.h"
#include "domain/schedule.h"
#include "service/audit.h"
#include "service/registry.h"
#include "service/standing_order.h"

enum {
    RUN_DAYS_AHEAD_MAX = 31, /* the farthest `through` a run takes, after today */
    RUN_DAYS_MAX = RUN_DAYS_AHEAD_MAX + 2,
    RECENT_ORDERS_SHOWN = 30,
};

/* --- reading ------------------------------------------------------------------------ */

#define STANDING_COLUMNS                                                                           \
    "s.id, h.code, h.name, COALESCE(m.time_zone, ''), s.priority, s.weekdays, s.needed_time, "     \
    "s.first_day, s.last_day, s.active, s.created_at, s.created_by, s.stopped_at, "                \
    "s.stopped_by, (SELECT COUNT(*) FROM standing_order_lines l "                                  \
    "WHERE l.standing_order_id = s.id), (SELECT COALESCE(SUM(l.quantity), 0) "                     \
    "FROM standing_order_lines l WHERE l.standing_order_id = s.id), "                              \
    "(SELECT MAX(d.day) FROM standing_order_days d WHERE d.standing_order_id = s.id)"
#define STANDING_FROM                                                                              \
    " FROM standing_orders s JOIN hospitals h ON h.id = s.hospital_id "                            \
    "LEFT JOIN markets m ON m.id = h.market_id"

static const char *zone_or_default(const char *zone)
{
    return zone && *zone ? zone : TIME_ZONE_DEFAULT;
}

static json_t *text_or_null(db_stmt *stmt, int column)
{
    return service_json_text(db_column_text(stmt, column));
}

static json_t *standing_json(db_stmt *stmt)
{
    json_t *s = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:I}", "id",
        (json_int_t)db_column_int64(stmt, 0), "hospital", db_column_text(stmt, 1),
        "hospital_name", db_column_text(stmt, 2), "time_zone",
        zone_or_default(db_column_text(stmt, 3)), "priority", db_column_text(stmt, 4), "days",
        db_column_text(stmt, 5), "time", db_column_text(stmt, 6), "from",
        db_column_text(stmt, 7), "active", db_column_int64(stmt, 9) != 0, "created_at",
        db_column_text(stmt, 10), "created_by", db_column_text(stmt, 11), "lines_count",
        (json_int_t)db_column_int64(stmt, 14), "units", (json_int_t)db_column_int64(stmt, 15));
    json_object_set_new(s, "to", text_or_null(stmt, 8));
    json_object_set_new(s, "stopped_at", text_or_null(stmt, 12));
    json_object_set_new(s, "stopped_by", text_or_null(stmt, 13));
    json_object_set_new(s, "last_day_created", text_or_null(stmt, 16));
    return s;
}

static json_t *standing_line_json(db_stmt *stmt)
{
    char group[24];
    snprintf(group, sizeof group, "%s %s", db_column_text(stmt, 2), db_column_text(stmt, 3));
    return json_pack("{s:I, s:s, s:s, s:b, s:b, s:I}", "id", (json_int_t)db_column_int64(stmt, 0),
                     "family", db_column_text(stmt, 1), "group", group, "irradiated",
                     db_column_int64(stmt, 4) != 0, "cmv_negative", db_column_int64(stmt, 5) != 0,
                     "quantity", (json_int_t)db_column_int64(stmt, 6));
}

static json_t *created_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:I, s:s, s:s}", "day", db_column_text(stmt, 0), "order",
                     (json_int_t)db_column_int64(stmt, 1), "needed_by", db_column_text(stmt, 2),
                     "status", db_column_text(stmt, 3));
}

/* The standing order `id` with its lines and the orders it created. */
static int standing_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *standing = NULL, *lines = NULL, *orders = NULL;
    if (db_prepare(db, "SELECT " STANDING_COLUMNS STANDING_FROM " WHERE s.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, standing_json, &standing, "standing_order", e,
                          "no standing order %" PRId64, id))
        return -1;
    if (db_prepare(db,
                   "SELECT id, family, abo, rhd, irradiated, cmv_negative, quantity "
                   "FROM standing_order_lines WHERE standing_order_id = ? ORDER BY id",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, standing_line_json, &lines, e))
        goto failed;
    if (db_prepare(db,
                   "SELECT d.day, d.order_id, o.needed_by, o.status FROM standing_order_days d "
                   "JOIN orders o ON o.id = d.order_id WHERE d.standing_order_id = ? "
                   "ORDER BY d.day DESC LIMIT ?",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    db_bind_int64(stmt, 2, RECENT_ORDERS_SHOWN);
    if (service_collect_rows(stmt, created_json, &orders, e))
        goto failed;
    json_object_set_new(standing, "lines", lines);
    json_object_set_new(standing, "orders", orders);
    *out = standing;
    return 0;
failed:
    json_decref(standing);
    json_decref(lines);
    json_decref(orders);
    return -1;
}

static int standing_audit(service_context *ctx, int64_t id, const char *action, json_t *before,
                          json_t *after, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, "standing_order", key, action, before, after, NULL, e);
}

/* The standing order exists and is active; refuses otherwise naming
 * "standing_order". */
static int standing_active_check(db_conn *db, int64_t id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT active FROM standing_orders WHERE id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_FAILED)
        return -1;
    int rc = 0;
    if (step != DB_ROW)
        rc = err_set(e, ERR_NOT_FOUND, "standing_order", "no standing order %" PRId64, id);
    else if (db_column_int64(stmt, 0) == 0)
        rc = err_set(e, ERR_INVALID, "standing_order", "standing order %" PRId64 " is stopped",
                     id);
    db_reset(stmt);
    return rc;
}

/* --- creating, lines, stopping ----------------------------------------------------- */

int standing_order_create(service_context *ctx, const standing_order_input *in, json_t **out,
                          err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8], days_text[WEEKDAY_SET_TEXT_MAX],
        time_text[SCHEDULE_TIME_TEXT_MAX], from_text[DATE_TEXT_MAX], to_text[DATE_TEXT_MAX];
    order_priority priority;
    weekday_set days;
    int minutes;
    civil_day from, to = 0;
    int has_to = in->to && *in->to;
    if (!in->hospital || !*in->hospital)
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(in->hospital, hospital, "hospital", e) ||
        order_priority_parse(in->priority, &priority, "priority", e) ||
        weekday_set_parse(in->days, &days, "days", e) ||
        schedule_time_parse(in->time, &minutes, "time", e))
        return -1;
    if (!in->from || !*in->from)
        return err_set(e, ERR_INVALID, "from", "is required: the first day (YYYY-MM-DD)");
    if (date_parse(in->from, &from, "from", e) || (has_to && date_parse(in->to, &to, "to", e)))
        return -1;
    if (has_to && to < from)
        return err_set(e, ERR_INVALID, "to", "%s is before the first day %s",
                       date_format(to, to_text, sizeof to_text),
                       date_format(from, from_text, sizeof from_text));
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t hospital_id = 0, id = 0;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    int found = service_id_find(ctx->db, "SELECT id FROM hospitals WHERE code = ?", hospital,
                                &hospital_id, e);
    if (found) {
        if (found == 1)
            err_set(e, ERR_INVALID, "hospital", "no hospital '%s'", hospital);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO standing_orders (hospital_id, priority, weekdays, needed_time, "
                   "first_day, last_day, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, order_priority_name(priority));
    db_bind_text(stmt, 3, weekday_set_format(days, days_text, sizeof days_text));
    db_bind_text(stmt, 4, schedule_time_format(minutes, time_text, sizeof time_text));
    db_bind_text(stmt, 5, date_format(from, from_text, sizeof from_text));
    if (has_to)
        db_bind_text(stmt, 6, date_format(to, to_text, sizeof to_text));
    else
        db_bind_null(stmt, 6);
    db_bind_text(stmt, 7, service_now_text(now));
    db_bind_text(stmt, 8, ctx->actor.username);
    rc = db_insert_returning_id(stmt, &id, e) || standing_fetch(ctx->db, id, &record, e) ||
                 standing_audit(ctx, id, "create", NULL, record, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int standing_order_line_add(service_context *ctx, const char *standing_order,
                            const order_line_input *in, json_t **out, err *e)
{
    int64_t id;
    order_line_spec line;
    if (service_id_take(standing_order, &id, "standing_order", e) ||
        order_line_check(in, &line, e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (standing_active_check(ctx->db, id, e) || standing_fetch(ctx->db, id, &before, e))
        goto done;
    if (json_array_size(json_object_get(before, "lines")) >= ORDER_LINES_MAX) {
        err_set(e, ERR_INVALID, "standing_order",
                "has %d lines already, the most an order takes", ORDER_LINES_MAX);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO standing_order_lines (standing_order_id, family, abo, rhd, "
                   "irradiated, cmv_negative, quantity, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    db_bind_text(stmt, 2, catalog_family_name(line.family));
    db_bind_text(stmt, 3, abo_name(line.group.abo));
    db_bind_text(stmt, 4, line.group.negative ? "NEG" : "POS");
    db_bind_int64(stmt, 5, line.irradiated);
    db_bind_int64(stmt, 6, line.cmv_negative);
    db_bind_int64(stmt, 7, line.quantity);
    db_bind_text(stmt, 8, service_now_text(now));
    rc = db_exec_stmt(stmt, e) || standing_fetch(ctx->db, id, &after, e) ||
                 standing_audit(ctx, id, "line", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int standing_order_line_remove(service_context *ctx, const char *standing_order,
                               const char *line, json_t **out, err *e)
{
    int64_t id, line_id;
    if (service_id_take(standing_order, &id, "standing_order", e) ||
        service_id_take(line, &line_id, "line", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (standing_active_check(ctx->db, id, e) || standing_fetch(ctx->db, id, &before, e) ||
        db_prepare(ctx->db,
                   "DELETE FROM standing_order_lines WHERE id = ? AND standing_order_id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, line_id);
    db_bind_int64(stmt, 2, id);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) == 0) {
        err_set(e, ERR_NOT_FOUND, "line",
                "standing order %" PRId64 " has no line %" PRId64, id, line_id);
        goto done;
    }
    rc = standing_fetch(ctx->db, id, &after, e) ||
                 standing_audit(ctx, id, "line_remove", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int standing_order_stop(service_context *ctx, const char *standing_order, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(standing_order, &id, "standing_order", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    char now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (standing_active_check(ctx->db, id, e) || standing_fetch(ctx->db, id, &before, e) ||
        db_prepare(ctx->db,
                   "UPDATE standing_orders SET active = 0, stopped_at = ?, stopped_by = ? "
                   "WHERE id = ? AND active = 1",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_text(stmt, 2, ctx->actor.username);
    db_bind_int64(stmt, 3, id);
    rc = db_exec_stmt(stmt, e) || standing_fetch(ctx->db, id, &after, e) ||
                 standing_audit(ctx, id, "stop", before, after, e)
             ? -1
             : 0;
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int standing_order_get(service_context *ctx, const char *standing_order, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(standing_order, &id, "standing_order", e))
        return -1;
    return standing_fetch(ctx->db, id, out, e);
}

static const service_sort_key standing_sort_keys[] = {
    {"id", "s.id"},
    {"hospital", "h.code"},
    {"priority", "s.priority"},
    {"from", "s.first_day"},
    {"time", "s.needed_time"},
    {"active", "s.active"},
};

int standing_order_list(service_context *ctx, standing_order_filter *filter, json_t **out,
                        err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8] = "";
    const char *status = filter->status ? filter->status : "";
    int64_t active = -1;
    if (!strcmp(status, "active"))
        active = 1;
    else if (!strcmp(status, "stopped"))
        active = 0;
    else if (*status)
        return err_set(e, ERR_INVALID, "status", "must be active or stopped");
    if (filter->hospital && *filter->hospital &&
        registry_code_take(filter->hospital, hospital, "hospital", e))
        return -1;
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(standing_sort_keys, "s.id", "s.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " STANDING_COLUMNS "%s" STANDING_FROM
                             " WHERE (?1 = '' OR h.code = ?1) AND (?2 < 0 OR s.active = ?2) "
                             "AND s.id > ?3 ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hospital);
    db_bind_int64(stmt, 2, active);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, standing_json, &filter->page, "id", out, e);
}

/* --- the run ------------------------------------------------------------------------ */

/* What a run needs of an active standing order. */
typedef struct {
    int64_t id, hospital_id;
    char hospital[REGISTRY_CODE_MAX + 8];
    char zone[TIME_ZONE_NAME_MAX];
    order_priority priority;
    weekday_set days;
    int minutes;
    civil_day first, last; /* last: -1 when open-ended */
} run_item;

/* Every active standing order with lines, in id order, into *items (malloc). */
static int run_items_read(db_conn *db, run_item **items, size_t *count, err *e)
{
    db_stmt *stmt;
    *items = NULL;
    *count = 0;
    if (db_begin_read(db, e))
        return -1;
    if (db_prepare(db,
                   "SELECT s.id, s.hospital_id, h.code, COALESCE(m.time_zone, ''), s.priority, "
                   "s.weekdays, s.needed_time, s.first_day, s.last_day" STANDING_FROM
                   " WHERE s.active = 1 AND EXISTS (SELECT 1 FROM standing_order_lines l "
                   "WHERE l.standing_order_id = s.id) ORDER BY s.id",
                   &stmt, e)) {
        db_rollback(db);
        return -1;
    }
    size_t capacity = 0;
    db_step_result step;
    int rc = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            run_item *grown = realloc(*items, capacity * sizeof **items);
            if (!grown) {
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
                break;
            }
            *items = grown;
        }
        run_item *item = &(*items)[*count];
        memset(item, 0, sizeof *item);
        item->id = db_column_int64(stmt, 0);
        item->hospital_id = db_column_int64(stmt, 1);
        snprintf(item->hospital, sizeof item->hospital, "%s", db_column_text(stmt, 2));
        snprintf(item->zone, sizeof item->zone, "%s", zone_or_default(db_column_text(stmt, 3)));
        item->last = -1;
        if (order_priority_parse(db_column_text(stmt, 4), &item->priority, "priority", e) ||
            weekday_set_parse(db_column_text(stmt, 5), &item->days, "days", e) ||
            schedule_time_parse(db_column_text(stmt, 6), &item->minutes, "time", e) ||
            date_parse(db_column_text(stmt, 7), &item->first, "from", e) ||
            (!db_column_is_null(stmt, 8) &&
             date_parse(db_column_text(stmt, 8), &item->last, "to", e))) {
            rc = -1;
            break;
        }
        (*count)++;
    }
    if (step == DB_FAILED)
        rc = -1;
    db_reset(stmt);
    db_rollback(db);
    if (rc) {
        free(*items);
        *items = NULL;
        *count = 0;
    }
    return rc;
}

/* One day of one standing order, in its own transaction: nothing when the
 * day was created already (by this run, another or at the same time: the
 * key of standing_order_days) or the standing order was stopped meanwhile;
 * else the order, its lines, the day's record, audited. *order_id 0 when
 * nothing was created. */
static int run_day(service_context *ctx, const run_item *item, civil_day day, int64_t needed_by,
                   int64_t *order_id, err *e)
{
    char day_text[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX], key[24];
    date_format(day, day_text, sizeof day_text);
    *order_id = 0;
    if (service_begin(ctx, e))
        return -1;
    db_stmt *stmt;
    int rc = -1, made = 0;
    int64_t id = 0;
    if (db_prepare(ctx->db,
                   "SELECT 1 FROM standing_orders s WHERE s.id = ?1 AND s.active = 1 AND NOT "
                   "EXISTS (SELECT 1 FROM standing_order_days d WHERE d.standing_order_id = ?1 "
                   "AND d.day = ?2)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, item->id);
    db_bind_text(stmt, 2, day_text);
    int due = service_row_exists(stmt, e);
    if (due <= 0) {
        rc = due;
        goto done;
    }
    if (order_create_in(ctx, item->hospital_id, item->priority, needed_by, item->id, &id, NULL,
                        e) ||
        db_prepare(ctx->db,
                   "SELECT family, abo, rhd, irradiated, cmv_negative, quantity "
                   "FROM standing_order_lines WHERE standing_order_id = ? ORDER BY id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, item->id);
    /* The lines are read whole before order.c's statements run. */
    order_line_input inputs[ORDER_LINES_MAX];
    char texts[ORDER_LINES_MAX][3][24];
    size_t count = 0;
    db_step_result step = DB_DONE;
    while (count < ORDER_LINES_MAX && (step = db_step(stmt, e)) == DB_ROW) {
        snprintf(texts[count][0], sizeof texts[count][0], "%s", db_column_text(stmt, 0));
        snprintf(texts[count][1], sizeof texts[count][1], "%s %s", db_column_text(stmt, 1),
                 db_column_text(stmt, 2));
        snprintf(texts[count][2], sizeof texts[count][2], "%" PRId64, db_column_int64(stmt, 5));
        inputs[count] = (order_line_input){.family = texts[count][0],
                                           .group = texts[count][1],
                                           .quantity = texts[count][2],
                                           .irradiated = db_column_int64(stmt, 3) != 0,
                                           .cmv_negative = db_column_int64(stmt, 4) != 0};
        count++;
    }
    db_reset(stmt);
    if (count < ORDER_LINES_MAX && step == DB_FAILED)
        goto done;
    for (size_t i = 0; i < count; i++) {
        order_line_spec line;
        if (order_line_check(&inputs[i], &line, e) || order_line_add_in(ctx, id, &line, NULL, e))
            goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO standing_order_days (standing_order_id, day, order_id, "
                   "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (standing_order_id, day) "
                   "DO NOTHING RETURNING order_id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, item->id);
    db_bind_text(stmt, 2, day_text);
    db_bind_int64(stmt, 3, id);
    db_bind_text(stmt, 4, service_now_text(now));
    made = service_row_exists(stmt, e);
    if (made <= 0) {
        /* Another run made the day meanwhile: undo this order, quietly. */
        rc = made;
        goto done;
    }
    json_t *record = json_pack("{s:s, s:I}", "day", day_text, "order", (json_int_t)id);
    snprintf(key, sizeof key, "%" PRId64, item->id);
    rc = audit_append(ctx, "standing_order", key, "run", NULL, record, NULL, e);
    json_decref(record);
done:
    if (rc == 0 && !made) {
        service_finish(ctx, -1, e); /* nothing to keep */
        return 0;
    }
    if (service_finish(ctx, rc, e))
        return -1;
    *order_id = id;
    return 0;
}

int standing_orders_run(service_context *ctx, const char *through, json_t **out, err *e)
{
    civil_day until = -1;
    char text[DATE_TEXT_MAX], needed[TIMESTAMP_TEXT_MAX];
    if (through && *through) {
        if (date_parse(through, &until, "through", e))
            return -1;
        if (until > date_add_days(date_today(), RUN_DAYS_AHEAD_MAX))
            return err_set(e, ERR_INVALID, "through",
                           "%s is more than %d days ahead: orders are made at most a month "
                           "before their day",
                           through, RUN_DAYS_AHEAD_MAX);
    }
    run_item *items = NULL;
    size_t count = 0;
    if (run_items_read(ctx->db, &items, &count, e))
        return -1;
    json_t *created = json_array();
    int64_t now = timestamp_now();
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        const run_item *item = &items[i];
        civil_day today, days[RUN_DAYS_MAX];
        if (local_today(item->zone, &today, e)) {
            rc = -1;
            break;
        }
        civil_day from = item->first > today ? item->first : today;
        civil_day to = until >= 0 ? until : date_add_days(today, 1);
        if (item->last >= 0 && item->last < to)
            to = item->last;
        size_t n = schedule_days(item->days, from, to, days, RUN_DAYS_MAX);
        if (n > RUN_DAYS_MAX)
            n = RUN_DAYS_MAX;
        for (size_t d = 0; d < n && rc == 0; d++) {
            int64_t needed_by, order_id = 0;
            if (local_time_instant(item->zone, days[d], item->minutes / 60, item->minutes % 60,
                                   0, &needed_by, e)) {
                rc = -1;
                break;
            }
            if (needed_by <= now)
                continue; /* too late for that day: not back-filled */
            rc = run_day(ctx, item, days[d], needed_by, &order_id, e);
            if (rc == 0 && order_id)
                json_array_append_new(
                    created, json_pack("{s:I, s:s, s:s, s:I, s:s}", "standing_order",
                                       (json_int_t)item->id, "hospital", item->hospital, "day",
                                       date_format(days[d], text, sizeof text), "order",
                                       (json_int_t)order_id, "needed_by",
                                       timestamp_format(needed_by, needed, sizeof needed)));
        }
    }
    free(items);
    if (rc) {
        json_decref(created);
        return -1;
    }
    *out = json_pack("{s:o, s:o}", "through",
                     until >= 0 ? json_string(date_format(until, text, sizeof text))
                                : json_null(),
                     "created", created);
    return 0;
}
