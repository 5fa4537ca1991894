/*
 * order.c - orders, their allocation and the substitution table (see
 * order.h; docs/distribution.md). The one writer of orders, order_lines,
 * allocations and abo_substitutions; the matching and ordering of units
 * are domain/allocation.c's, a unit's status changes through unit.c.
 */
#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "domain/catalog.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/din.h"
#include "service/order.h"
#include "service/registry.h"
#include "service/unit.h"

enum { ORDER_QUANTITY_MAX = 500, CANDIDATES_MAX = 2000, REASON_MAX = 500 };

/* A time in UTC as YYYY-MM-DDTHH:MM, with seconds and a Z or not. */
static int utc_take(const char *text, int64_t *seconds, const char *field, err *e)
{
    char full[TIMESTAMP_TEXT_MAX + 8];
    size_t n = text ? strlen(text) : 0;
    if (!n)
        return err_set(e, ERR_INVALID, field, "is required (YYYY-MM-DDTHH:MM, UTC)");
    if (n == 16)
        snprintf(full, sizeof full, "%s:00Z", text);
    else if (n == 17 && text[16] == 'Z')
        snprintf(full, sizeof full, "%.16s:00Z", text);
    else if (n == 19)
        snprintf(full, sizeof full, "%sZ", text);
    else if (n == 20)
        snprintf(full, sizeof full, "%s", text);
    else
        return err_set(e, ERR_INVALID, field, "must be YYYY-MM-DDTHH:MM (UTC), not '%.30s'", text);
    return timestamp_parse(full, seconds, field, e);
}

static int flag_of(db_stmt *stmt, int column)
{
    return db_column_int64(stmt, column) != 0;
}

/* --- reading an order ------------------------------------------------------------ */

#define ORDER_COLUMNS                                                                              \
    "o.id, h.code, h.name, o.priority, o.ordered_at, o.needed_by, o.deadline, o.status, "         \
    "o.created_by, (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l "                     \
    "WHERE l.order_id = o.id), (SELECT COUNT(*) FROM allocations a JOIN order_lines l "           \
    "ON l.id = a.order_line_id WHERE l.order_id = o.id AND a.undone_at IS NULL), "                 \
    "o.standing_order_id, o.cancelled_at, o.cancelled_by, o.cancel_reason"
#define ORDER_FROM " FROM orders o JOIN hospitals h ON h.id = o.hospital_id"

static json_t *order_json(db_stmt *stmt)
{
    order_priority priority = ORDER_ROUTINE;
    int64_t ordered_at = 0;
    order_clock clock;
    err ignored;
    order_priority_parse(db_column_text(stmt, 3), &priority, "priority", &ignored);
    timestamp_parse(db_column_text(stmt, 4), &ordered_at, "ordered_at", &ignored);
    order_clock_at(ordered_at, priority, timestamp_now(), &clock);
    int open = strcmp(db_column_text(stmt, 7), "open") == 0;
    int cancelled = strcmp(db_column_text(stmt, 7), "cancelled") == 0;
    int64_t ordered = db_column_int64(stmt, 9), allocated = db_column_int64(stmt, 10);
    json_t *order = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:s, s:s, s:I, s:I, s:I}",
        "id", (json_int_t)db_column_int64(stmt, 0), "hospital",
        db_column_text(stmt, 1), "hospital_name", db_column_text(stmt, 2),
        "priority", db_column_text(stmt, 3), "ordered_at", db_column_text(stmt, 4),
        "needed_by", db_column_text(stmt, 5), "deadline", db_column_text(stmt, 6),
        "seconds_left", (json_int_t)clock.seconds_left, "overdue",
        open && clock.overdue, "status", db_column_text(stmt, 7), "created_by",
        db_column_text(stmt, 8), "units_ordered", (json_int_t)ordered,
        "units_allocated", (json_int_t)allocated, "backorder",
        (json_int_t)(cancelled ? 0 : ordered - allocated));
    json_object_set_new(order, "standing_order",
                        db_column_is_null(stmt, 11)
                            ? json_null()
                            : json_integer((json_int_t)db_column_int64(stmt, 11)));
    static const char *const cancel_keys[] = {"cancelled_at", "cancelled_by", "cancel_reason"};
    for (int i = 0; i < 3; i++)
        json_object_set_new(order, cancel_keys[i],
                            db_column_is_null(stmt, 12 + i)
                                ? json_null()
                                : json_string(db_column_text(stmt, 12 + i)));
    return order;
}

static json_t *allocation_json(db_stmt *stmt)
{
    json_t *a = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
                          (json_int_t)db_column_int64(stmt, 0), "unit",
                          (json_int_t)db_column_int64(stmt, 1), "din", db_column_text(stmt, 2),
                          "product_code", db_column_text(stmt, 3), "group",
                          db_column_text(stmt, 4), "substitution", flag_of(stmt, 5), "expires_at",
                          db_column_text(stmt, 6), "allocated_at", db_column_text(stmt, 7));
    return din_eye_readable_add(a, "din", "eye_readable");
}

static json_t *line_json(db_stmt *stmt)
{
    char group[BLOOD_GROUP_TEXT_MAX + 8];
    snprintf(group, sizeof group, "%s %s", db_column_text(stmt, 2), db_column_text(stmt, 3));
    return json_pack("{s:I, s:s, s:s, s:b, s:b, s:I}", "id", (json_int_t)db_column_int64(stmt, 0),
                     "family", db_column_text(stmt, 1), "group", group, "irradiated",
                     flag_of(stmt, 4), "cmv_negative", flag_of(stmt, 5), "quantity",
                     (json_int_t)db_column_int64(stmt, 6));
}

/* The order `id` with its lines and their allocations not undone. */
static int order_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *order = NULL, *lines = NULL;
    if (db_prepare(db, "SELECT " ORDER_COLUMNS ORDER_FROM " WHERE o.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, order_json, &order, "order", e, "no order %" PRId64, id))
        return -1;
    if (db_prepare(db,
                   "SELECT id, family, abo, rhd, irradiated, cmv_negative, quantity "
                   "FROM order_lines WHERE order_id = ? ORDER BY id",
                   &stmt, e))
        goto failed;
    db_bind_int64(stmt, 1, id);
    if (service_collect_rows(stmt, line_json, &lines, e))
        goto failed;
    size_t i;
    json_t *line;
    /* a cancelled order owes nothing */
    int owes = strcmp(json_string_value(json_object_get(order, "status")), "cancelled") != 0;
    json_array_foreach(lines, i, line) {
        json_t *allocations = NULL;
        if (db_prepare(db,
                       "SELECT a.id, a.unit_id, u.din, u.product_code, a.unit_group, "
                       "a.substitution, u.expires_at, a.allocated_at FROM allocations a "
                       "JOIN units u ON u.id = a.unit_id WHERE a.order_line_id = ? "
                       "AND a.undone_at IS NULL ORDER BY a.id",
                       &stmt, e))
            goto failed;
        db_bind_int64(stmt, 1, json_integer_value(json_object_get(line, "id")));
        if (service_collect_rows(stmt, allocation_json, &allocations, e))
            goto failed;
        json_int_t quantity = json_integer_value(json_object_get(line, "quantity"));
        json_int_t allocated = (json_int_t)json_array_size(allocations);
        json_object_set_new(line, "allocated", json_integer(allocated));
        json_object_set_new(line, "backorder", json_integer(owes ? quantity - allocated : 0));
        json_object_set_new(line, "allocations", allocations);
    }
    json_object_set_new(order, "lines", lines);
    *out = order;
    return 0;
failed:
    json_decref(order);
    json_decref(lines);
    return -1;
}

/* The order's hospital and whether it is open; refuses an order that is
 * not open naming "order". */
static int order_open_check(db_conn *db, int64_t id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT status FROM orders WHERE id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_FAILED)
        return -1;
    int rc = 0;
    if (step != DB_ROW)
        rc = err_set(e, ERR_NOT_FOUND, "order", "no order %" PRId64, id);
    else if (strcmp(db_column_text(stmt, 0), "open") != 0)
        rc = err_set(e, ERR_INVALID, "order", "order %" PRId64 " is %s, not open", id,
                     db_column_text(stmt, 0));
    db_reset(stmt);
    return rc;
}

static int order_audit(service_context *ctx, int64_t id, const char *action, json_t *before,
                       json_t *after, const char *reason, err *e)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, id);
    return audit_append(ctx, "order", key, action, before, after, reason, e);
}

/* The order `id` read again after `action`, into *after, and the change
 * audited with the order before and after. */
static int order_changed(service_context *ctx, int64_t id, const char *action, json_t *before,
                         json_t **after, const char *reason, err *e)
{
    return order_fetch(ctx->db, id, after, e) ||
                   order_audit(ctx, id, action, before, *after, reason, e)
               ? -1
               : 0;
}

/* --- orders and lines ----------------------------------------------------------- */

int order_create_in(service_context *ctx, int64_t hospital_id, order_priority priority,
                    int64_t needed_by, int64_t standing_order_id, int64_t *id, json_t **out,
                    err *e)
{
    assert(db_in_transaction(ctx->db));
    char ordered[TIMESTAMP_TEXT_MAX], needed[TIMESTAMP_TEXT_MAX], deadline[TIMESTAMP_TEXT_MAX];
    int64_t now = timestamp_now();
    order_clock clock;
    order_clock_at(now, priority, now, &clock);
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO orders (hospital_id, priority, ordered_at, needed_by, deadline, "
                   "created_by, standing_order_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, hospital_id);
    db_bind_text(stmt, 2, order_priority_name(priority));
    db_bind_text(stmt, 3, timestamp_format(now, ordered, sizeof ordered));
    db_bind_text(stmt, 4, timestamp_format(needed_by, needed, sizeof needed));
    db_bind_text(stmt, 5, timestamp_format(clock.deadline, deadline, sizeof deadline));
    db_bind_text(stmt, 6, ctx->actor.username);
    if (standing_order_id)
        db_bind_int64(stmt, 7, standing_order_id);
    else
        db_bind_null(stmt, 7);
    json_t *record = NULL;
    int rc = db_insert_returning_id(stmt, id, e) || order_fetch(ctx->db, *id, &record, e) ||
                     order_audit(ctx, *id, "create", NULL, record, NULL, e)
                 ? -1
                 : 0;
    if (!rc && out)
        *out = json_incref(record);
    json_decref(record);
    return rc;
}

int order_create(service_context *ctx, const order_input *in, json_t **out, err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8], needed[TIMESTAMP_TEXT_MAX];
    order_priority priority;
    int64_t needed_by, now = timestamp_now();
    if (!in->hospital || !*in->hospital)
        return err_set(e, ERR_INVALID, "hospital", "is required");
    if (registry_code_take(in->hospital, hospital, "hospital", e) ||
        order_priority_parse(in->priority, &priority, "priority", e) ||
        utc_take(in->needed_by, &needed_by, "needed_by", e))
        return -1;
    if (needed_by < now)
        return err_set(e, ERR_INVALID, "needed_by", "%s is in the past",
                       timestamp_format(needed_by, needed, sizeof needed));
    if (service_begin(ctx, e))
        return -1;
    json_t *record = NULL;
    int64_t hospital_id = 0, id = 0;
    int rc = -1;
    int found = service_id_find(ctx->db, "SELECT id FROM hospitals WHERE code = ?", hospital,
                                &hospital_id, e);
    if (found) {
        if (found == 1)
            err_set(e, ERR_INVALID, "hospital", "no hospital '%s'", hospital);
        goto done;
    }
    rc = order_create_in(ctx, hospital_id, priority, needed_by, 0, &id, &record, e);
done:
    return service_finish_record(ctx, rc, NULL, record, out, e);
}

int order_line_check(const order_line_input *in, order_line_spec *out, err *e)
{
    int family = in->family && *in->family ? catalog_family_parse(in->family) : -2;
    if (family == -2)
        return err_set(e, ERR_INVALID, "family", "is required");
    if (family < 0)
        return err_set(e, ERR_INVALID, "family",
                       "'%.40s' is not a family: whole_blood, red_cells, platelets, plasma, "
                       "cryoprecipitate or granulocytes",
                       in->family);
    if (blood_group_parse(in->group, &out->group, "group", e))
        return -1;
    if (!in->quantity || !*in->quantity)
        return err_set(e, ERR_INVALID, "quantity", "is required");
    if (service_number_take(in->quantity, 1, ORDER_QUANTITY_MAX, &out->quantity, "quantity", e))
        return -1;
    out->family = (catalog_family)family;
    out->irradiated = in->irradiated ? 1 : 0;
    out->cmv_negative = in->cmv_negative ? 1 : 0;
    return 0;
}

int order_line_add_in(service_context *ctx, int64_t order_id, const order_line_spec *line,
                      json_t **out, err *e)
{
    assert(db_in_transaction(ctx->db));
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    int rc = -1;
    if (order_open_check(ctx->db, order_id, e) || order_fetch(ctx->db, order_id, &before, e))
        goto done;
    if (json_array_size(json_object_get(before, "lines")) >= ORDER_LINES_MAX) {
        err_set(e, ERR_INVALID, "order", "has %d lines already, the most an order takes",
                ORDER_LINES_MAX);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO order_lines (order_id, family, abo, rhd, irradiated, "
                   "cmv_negative, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, order_id);
    db_bind_text(stmt, 2, catalog_family_name(line->family));
    db_bind_text(stmt, 3, abo_name(line->group.abo));
    db_bind_text(stmt, 4, line->group.negative ? "NEG" : "POS");
    db_bind_int64(stmt, 5, line->irradiated);
    db_bind_int64(stmt, 6, line->cmv_negative);
    db_bind_int64(stmt, 7, line->quantity);
    db_bind_text(stmt, 8, service_now_text(now));
    rc = db_exec_stmt(stmt, e) || order_changed(ctx, order_id, "line", before, &after, NULL, e)
             ? -1
             : 0;
    if (!rc && out)
        *out = json_incref(after);
done:
    json_decref(before);
    json_decref(after);
    return rc;
}

int order_line_add(service_context *ctx, const char *order, const order_line_input *in,
                   json_t **out, err *e)
{
    int64_t id;
    order_line_spec line;
    if (service_id_take(order, &id, "order", e) || order_line_check(in, &line, e) ||
        service_begin(ctx, e))
        return -1;
    json_t *after = NULL;
    int rc = order_line_add_in(ctx, id, &line, &after, e);
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

int order_get(service_context *ctx, const char *order, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(order, &id, "order", e))
        return -1;
    return order_fetch(ctx->db, id, out, e);
}

static const service_sort_key order_sort_keys[] = {
    {"id", "o.id"},
    {"deadline", "o.deadline"},
    {"needed_by", "o.needed_by"},
    {"ordered_at", "o.ordered_at"},
    {"hospital", "h.code"},
    {"priority", "o.priority"},
    {"status", "o.status"},
};

int order_list(service_context *ctx, order_filter *filter, json_t **out, err *e)
{
    char hospital[REGISTRY_CODE_MAX + 8] = "";
    const char *status = filter->status ? filter->status : "";
    if (*status && strcmp(status, "open") != 0 && strcmp(status, "shipped") != 0 &&
        strcmp(status, "cancelled") != 0)
        return err_set(e, ERR_INVALID, "status", "must be open, shipped or cancelled");
    if (filter->hospital && *filter->hospital &&
        registry_code_take(filter->hospital, hospital, "hospital", e))
        return -1;
    int64_t after = 0;
    if (service_page_check(&filter->page, e) ||
        service_page_after_id(&filter->page, &after, e))
        return -1;
    static const service_sort sort = SERVICE_SORT(order_sort_keys, "o.id", "o.id");
    db_stmt *stmt;
    if (service_list_prepare(ctx->db,
                             "SELECT " ORDER_COLUMNS "%s" ORDER_FROM
                             " WHERE (?1 = '' OR h.code = ?1) AND (?2 = '' OR o.status = ?2) "
                             "AND o.id > ?3 ORDER BY %s LIMIT ?4 OFFSET ?5",
                             &filter->page, &sort, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hospital);
    db_bind_text(stmt, 2, status);
    db_bind_int64(stmt, 3, after);
    db_bind_int64(stmt, 4, filter->page.limit);
    db_bind_int64(stmt, 5, filter->page.offset);
    return service_collect_page(stmt, order_json, &filter->page, "id", out, e);
}

/* --- the substitution table ------------------------------------------------------ */

static int substitutes_load(db_conn *db, const char *family, abo_substitutes *out, err *e)
{
    db_stmt *stmt;
    memset(out, 0, sizeof *out);
    if (db_prepare(db,
                   "SELECT recipient, donor FROM abo_substitutions WHERE family = ? "
                   "ORDER BY recipient, preference, donor",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, family);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        int recipient = abo_parse(db_column_text(stmt, 0));
        int donor = abo_parse(db_column_text(stmt, 1));
        if (recipient < 0 || donor < 0 || donor == recipient ||
            out->count[recipient] >= ABO_COUNT - 1)
            continue;
        out->donors[recipient][out->count[recipient]++] = (abo_type)donor;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static json_t *substitutes_json(const char *family, const abo_substitutes *table)
{
    json_t *rows = json_array();
    for (int r = 0; r < ABO_COUNT; r++) {
        json_t *donors = json_array();
        for (int i = 0; i < table->count[r]; i++)
            json_array_append_new(donors, json_string(abo_name(table->donors[r][i])));
        json_array_append_new(rows, json_pack("{s:s, s:s, s:o}", "family", family, "recipient",
                                              abo_name((abo_type)r), "donors", donors));
    }
    return rows;
}

int substitution_list(service_context *ctx, json_t **out, err *e)
{
    json_t *all = json_array();
    for (int f = 0; f < CATALOG_FAMILY_COUNT; f++) {
        abo_substitutes table;
        const char *family = catalog_family_name((catalog_family)f);
        if (substitutes_load(ctx->db, family, &table, e)) {
            json_decref(all);
            return -1;
        }
        json_t *rows = substitutes_json(family, &table);
        json_array_extend(all, rows);
        json_decref(rows);
    }
    *out = json_pack("{s:o}", "substitutions", all);
    return 0;
}

int substitution_set(service_context *ctx, const char *family_text, const char *recipient_text,
                     const char *donors, json_t **out, err *e)
{
    int family = family_text ? catalog_family_parse(family_text) : -1;
    if (family < 0)
        return err_set(e, ERR_INVALID, "family",
                       "'%.40s' is not a family: whole_blood, red_cells, platelets, plasma, "
                       "cryoprecipitate or granulocytes",
                       family_text ? family_text : "");
    int recipient = abo_parse(recipient_text);
    if (recipient < 0)
        return err_set(e, ERR_INVALID, "recipient", "must be O, A, B or AB");
    if (!donors)
        return err_set(e, ERR_INVALID, "donors",
                       "is required: the groups in order of preference (\"O\", \"A,B,O\"), or "
                       "\"none\" for the exact group only");
    abo_type list[ABO_COUNT];
    int count = 0;
    char copy[64];
    if (strlen(donors) >= sizeof copy)
        return err_set(e, ERR_INVALID, "donors", "is too long");
    snprintf(copy, sizeof copy, "%s", strcmp(donors, "none") == 0 ? "" : donors);
    for (char *save = NULL, *part = strtok_r(copy, ",", &save); part;
         part = strtok_r(NULL, ",", &save)) {
        while (*part == ' ')
            part++;
        size_t n = strlen(part);
        while (n && part[n - 1] == ' ')
            part[--n] = '\0';
        int donor = abo_parse(part);
        if (donor < 0)
            return err_set(e, ERR_INVALID, "donors", "'%s' is not a group: O, A, B or AB", part);
        if (donor == recipient)
            return err_set(e, ERR_INVALID, "donors",
                           "%s is the recipient's own group, always given first", part);
        for (int i = 0; i < count; i++)
            if (list[i] == (abo_type)donor)
                return err_set(e, ERR_INVALID, "donors", "%s is given twice", part);
        list[count++] = (abo_type)donor;
    }
    if (service_begin(ctx, e))
        return -1;
    const char *name = catalog_family_name((catalog_family)family);
    abo_substitutes table;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX], key[48];
    int rc = -1;
    if (substitutes_load(ctx->db, name, &table, e))
        goto done;
    before = json_pack("{s:o}", "substitutions", substitutes_json(name, &table));
    if (db_prepare(ctx->db, "DELETE FROM abo_substitutions WHERE family = ? AND recipient = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, name);
    db_bind_text(stmt, 2, abo_name((abo_type)recipient));
    if (db_exec_stmt(stmt, e))
        goto done;
    service_now_text(now);
    for (int i = 0; i < count; i++) {
        if (db_prepare(ctx->db,
                       "INSERT INTO abo_substitutions (family, recipient, donor, preference, "
                       "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)",
                       &stmt, e))
            goto done;
        db_bind_text(stmt, 1, name);
        db_bind_text(stmt, 2, abo_name((abo_type)recipient));
        db_bind_text(stmt, 3, abo_name(list[i]));
        db_bind_int64(stmt, 4, i + 1);
        db_bind_text(stmt, 5, now);
        db_bind_text(stmt, 6, ctx->actor.username);
        if (db_exec_stmt(stmt, e))
            goto done;
    }
    if (substitutes_load(ctx->db, name, &table, e))
        goto done;
    after = json_pack("{s:o}", "substitutions", substitutes_json(name, &table));
    snprintf(key, sizeof key, "%s/%s", name, abo_name((abo_type)recipient));
    rc = audit_append(ctx, "abo_substitution", key, "set", before, after, NULL, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* --- allocation ------------------------------------------------------------------ */

/* A line still open on the order. */
typedef struct {
    int64_t id;
    char family[32];
    allocation_request request;
} open_line;

static int open_lines_load(db_conn *db, int64_t order_id, open_line *lines, size_t *count,
                           err *e)
{
    db_stmt *stmt;
    *count = 0;
    if (db_prepare(db,
                   "SELECT l.id, l.family, l.abo, l.rhd, l.irradiated, l.cmv_negative, "
                   "l.quantity - (SELECT COUNT(*) FROM allocations a WHERE a.order_line_id = l.id "
                   "AND a.undone_at IS NULL) FROM order_lines l WHERE l.order_id = ? ORDER BY l.id",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order_id);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW && *count < ORDER_LINES_MAX) {
        open_line *l = &lines[*count];
        l->id = db_column_int64(stmt, 0);
        snprintf(l->family, sizeof l->family, "%s", db_column_text(stmt, 1));
        int abo = abo_parse(db_column_text(stmt, 2));
        l->request.group.abo = abo < 0 ? ABO_O : (abo_type)abo;
        l->request.group.negative = strcmp(db_column_text(stmt, 3), "NEG") == 0;
        l->request.irradiated = flag_of(stmt, 4);
        l->request.cmv_negative = flag_of(stmt, 5);
        l->request.needed = (long)db_column_int64(stmt, 6);
        (*count)++;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* The units line `line` may take, as the chooser ranks them: for each
 * group the table lets the recipient have, in the order of preference
 * (the exact group, then each ABO substitute; for an RhD-positive
 * recipient each ABO's RhD-positive units, then its RhD-negative ones),
 * its released units not expired at `now` with the attributes asked for,
 * first expiring first, leaving out the `tried` ones: as many of each
 * group as the line still needs, for the chooser takes no more of one
 * group. So the chooser sees every unit it could pick however full the
 * shelves are, and allocation reads a few index entries per group (the
 * index units_allocatable holds what this reads). */
static int candidates_load(db_conn *db, const char *family, const allocation_request *request,
                           const abo_substitutes *table, const char *now, const int64_t *tried,
                           size_t tried_count, allocation_candidate *out, size_t *count, err *e)
{
    *count = 0;
    abo_type abos[ABO_COUNT];
    int abo_count = 0;
    abos[abo_count++] = request->group.abo;
    if ((unsigned)request->group.abo < ABO_COUNT)
        for (int i = 0; i < table->count[request->group.abo]; i++)
            abos[abo_count++] = table->donors[request->group.abo][i];
    for (int a = 0; a < abo_count; a++)
        for (int negative = request->group.negative; negative <= 1; negative++) {
            db_stmt *stmt;
            if (*count >= CANDIDATES_MAX)
                return 0;
            if (db_prepare(db,
                           "SELECT u.id, u.expires_at, p.irradiated, p.cmv_negative "
                           "FROM units u JOIN products p ON p.code = u.product_code "
                           "WHERE u.status = 'released' AND u.family = ? AND u.abo = ? "
                           "AND u.rhd = ? AND u.expires_at > ? "
                           "AND (? = 0 OR p.irradiated = 1) AND (? = 0 OR p.cmv_negative = 1) "
                           "ORDER BY u.expires_at, u.id LIMIT ?",
                           &stmt, e))
                return -1;
            size_t limit = (size_t)request->needed + tried_count;
            if (limit > CANDIDATES_MAX - *count)
                limit = CANDIDATES_MAX - *count;
            db_bind_text(stmt, 1, family);
            db_bind_text(stmt, 2, abo_name(abos[a]));
            db_bind_text(stmt, 3, negative ? "NEG" : "POS");
            db_bind_text(stmt, 4, now);
            db_bind_int64(stmt, 5, request->irradiated ? 1 : 0);
            db_bind_int64(stmt, 6, request->cmv_negative ? 1 : 0);
            db_bind_int64(stmt, 7, (int64_t)limit);
            db_step_result step;
            err ignored;
            while ((step = db_step(stmt, e)) == DB_ROW) {
                int64_t id = db_column_int64(stmt, 0);
                int skip = 0;
                for (size_t i = 0; i < tried_count && !skip; i++)
                    skip = tried[i] == id;
                if (skip)
                    continue;
                allocation_candidate *c = &out[(*count)++];
                c->id = id;
                c->group.abo = abos[a];
                c->group.negative = negative;
                c->expires_at = 0;
                timestamp_parse(db_column_text(stmt, 1), &c->expires_at, "expires_at", &ignored);
                c->irradiated = flag_of(stmt, 2);
                c->cmv_negative = flag_of(stmt, 3);
            }
            db_reset(stmt);
            if (step == DB_FAILED)
                return -1;
        }
    return 0;
}

static int allocation_insert(service_context *ctx, int64_t line_id,
                             const allocation_candidate *unit, int substitution, err *e)
{
    char group[BLOOD_GROUP_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO allocations (order_line_id, unit_id, unit_group, substitution, "
                   "allocated_at, allocated_by) VALUES (?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, line_id);
    db_bind_int64(stmt, 2, unit->id);
    db_bind_text(stmt, 3, blood_group_format(unit->group, group));
    db_bind_int64(stmt, 4, substitution);
    db_bind_text(stmt, 5, service_now_text(now));
    db_bind_text(stmt, 6, ctx->actor.username);
    return db_exec_stmt(stmt, e);
}

/* Fill what line `line` lacks: choose, then mark each unit allocated; a
 * unit another transaction took meanwhile is tried no more, and the
 * choice is made again from what is left. */
static int line_allocate(service_context *ctx, int64_t order_id, open_line *line,
                         allocation_candidate *candidates, allocation_pick *picks, err *e)
{
    abo_substitutes table;
    int64_t tried[CANDIDATES_MAX];
    size_t tried_count = 0, count;
    char now[TIMESTAMP_TEXT_MAX], reason[64];
    snprintf(reason, sizeof reason, "allocated to order %" PRId64, order_id);
    if (substitutes_load(ctx->db, line->family, &table, e))
        return -1;
    while (line->request.needed > 0) {
        int64_t at = timestamp_now();
        timestamp_format(at, now, sizeof now);
        if (candidates_load(ctx->db, line->family, &line->request, &table, now, tried,
                            tried_count, candidates, &count, e))
            return -1;
        size_t chosen = allocation_choose(&table, &line->request, candidates, count, at, picks);
        size_t lost = 0;
        for (size_t i = 0; i < chosen; i++) {
            const allocation_candidate *unit = &candidates[picks[i].index];
            int moved = 0;
            if (unit_allocation_mark_in(ctx, unit->id, 1, reason, &moved, e))
                return -1;
            if (!moved) {
                lost++;
                if (tried_count < CANDIDATES_MAX)
                    tried[tried_count++] = unit->id;
                continue;
            }
            if (allocation_insert(ctx, line->id, unit, picks[i].substitution, e))
                return -1;
            line->request.needed--;
        }
        if (!lost || tried_count == CANDIDATES_MAX)
            break;
    }
    return 0;
}

int order_allocate(service_context *ctx, const char *order, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(order, &id, "order", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    open_line lines[ORDER_LINES_MAX];
    size_t line_count = 0;
    allocation_candidate *candidates = malloc(CANDIDATES_MAX * sizeof *candidates);
    allocation_pick *picks = malloc(CANDIDATES_MAX * sizeof *picks);
    int rc = -1;
    if (!candidates || !picks) {
        err_set(e, ERR_INTERNAL, NULL, "out of memory");
        goto done;
    }
    if (order_open_check(ctx->db, id, e) || order_fetch(ctx->db, id, &before, e) ||
        open_lines_load(ctx->db, id, lines, &line_count, e))
        goto done;
    if (!line_count) {
        err_set(e, ERR_INVALID, "order", "order %" PRId64 " has no lines to allocate", id);
        goto done;
    }
    for (size_t i = 0; i < line_count; i++)
        if (line_allocate(ctx, id, &lines[i], candidates, picks, e))
            goto done;
    rc = order_changed(ctx, id, "allocate", before, &after, NULL, e);
done:
    free(candidates);
    free(picks);
    return service_finish_record(ctx, rc, before, after, out, e);
}

int order_close_when_filled_in(service_context *ctx, int64_t order_id, int *closed, err *e)
{
    db_stmt *stmt;
    *closed = 0;
    if (db_prepare(ctx->db,
                   "UPDATE orders SET status = 'shipped' WHERE id = ? AND status = 'open' "
                   "AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id "
                   "AND l.quantity > (SELECT COUNT(*) FROM shipment_units s "
                   "WHERE s.order_line_id = l.id))",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    if (db_changes(ctx->db) != 1)
        return 0;
    *closed = 1;
    /* Audited as the status change it is, written from the values in hand
     * (as a unit's status is): reading the whole order back with its lines
     * and allocations only to audit it cost a shipment a sixth of its work,
     * and the shipment's own record lists what it shipped. */
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, order_id);
    return audit_append_text(ctx, "order", key, "close", "{\"status\":\"open\"}",
                             "{\"status\":\"shipped\"}", "filled by its shipments", e);
}

int order_allocation_returned_in(service_context *ctx, int64_t unit_id, err *e)
{
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    if (db_prepare(ctx->db,
                   "UPDATE allocations SET returned_at = ? WHERE unit_id = ? "
                   "AND undone_at IS NULL AND returned_at IS NULL",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_int64(stmt, 2, unit_id);
    return db_exec_stmt(stmt, e);
}

/* Undo the live allocations of order `id` whose units have not shipped:
 * each unit back to released (a unit held meanwhile, quarantined by a
 * lookback, stays where it is), each allocation marked undone with who and
 * when, under `why`. *count: how many were undone. */
static int allocations_undo_in(service_context *ctx, int64_t id, const char *why, size_t *count,
                               err *e)
{
    db_stmt *stmt;
    int64_t ids[CANDIDATES_MAX], units[CANDIDATES_MAX];
    char now[TIMESTAMP_TEXT_MAX];
    service_now_text(now);
    *count = 0;
    size_t found;
    do { /* in chunks: those undone leave the query */
        if (db_prepare(ctx->db,
                       "SELECT a.id, a.unit_id FROM allocations a JOIN order_lines l "
                       "ON l.id = a.order_line_id WHERE l.order_id = ? AND a.undone_at IS NULL "
                       "AND a.returned_at IS NULL AND NOT EXISTS (SELECT 1 FROM shipment_units s "
                       "WHERE s.unit_id = a.unit_id AND s.order_line_id = a.order_line_id) "
                       "ORDER BY a.id",
                       &stmt, e))
            return -1;
        db_bind_int64(stmt, 1, id);
        db_step_result step = DB_DONE;
        found = 0;
        while (found < CANDIDATES_MAX && (step = db_step(stmt, e)) == DB_ROW) {
            ids[found] = db_column_int64(stmt, 0);
            units[found++] = db_column_int64(stmt, 1);
        }
        db_reset(stmt);
        if (found < CANDIDATES_MAX && step == DB_FAILED)
            return -1;
        for (size_t i = 0; i < found; i++) {
            int moved = 0;
            if (unit_allocation_mark_in(ctx, units[i], 0, why, &moved, e) ||
                db_prepare(ctx->db,
                           "UPDATE allocations SET undone_at = ?, undone_by = ? WHERE id = ? "
                           "AND undone_at IS NULL",
                           &stmt, e))
                return -1;
            db_bind_text(stmt, 1, now);
            db_bind_text(stmt, 2, ctx->actor.username);
            db_bind_int64(stmt, 3, ids[i]);
            if (db_exec_stmt(stmt, e))
                return -1;
        }
        *count += found;
    } while (found == CANDIDATES_MAX);
    return 0;
}

int order_unallocate(service_context *ctx, const char *order, const char *reason, json_t **out,
                     err *e)
{
    int64_t id;
    if (service_id_take(order, &id, "order", e))
        return -1;
    if (reason && *reason && registry_text_check(reason, REASON_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    size_t count = 0;
    char why[REASON_MAX + 100];
    int rc = -1;
    if (order_open_check(ctx->db, id, e) || order_fetch(ctx->db, id, &before, e))
        goto done;
    snprintf(why, sizeof why, "allocation to order %" PRId64 " undone%s%s", id,
             reason && *reason ? ": " : "", reason && *reason ? reason : "");
    if (allocations_undo_in(ctx, id, why, &count, e))
        goto done;
    if (!count) {
        err_set(e, ERR_INVALID, "order", "order %" PRId64 " has nothing allocated", id);
        goto done;
    }
    rc = order_changed(ctx, id, "unallocate", before, &after, reason && *reason ? reason : NULL,
                       e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int order_cancel(service_context *ctx, const char *order, const char *reason, json_t **out,
                 err *e)
{
    int64_t id;
    if (service_id_take(order, &id, "order", e) ||
        registry_required_text_check(reason, REASON_MAX, "reason", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    size_t count = 0;
    char why[REASON_MAX + 100], now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    int rc = -1;
    if (order_open_check(ctx->db, id, e) || order_fetch(ctx->db, id, &before, e))
        goto done;
    snprintf(why, sizeof why, "order %" PRId64 " cancelled: %s", id, reason);
    if (allocations_undo_in(ctx, id, why, &count, e) ||
        db_prepare(ctx->db,
                   "UPDATE orders SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, "
                   "cancel_reason = ? WHERE id = ? AND status = 'open'",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, service_now_text(now));
    db_bind_text(stmt, 2, ctx->actor.username);
    db_bind_text(stmt, 3, reason);
    db_bind_int64(stmt, 4, id);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_changes(ctx->db) != 1) {
        err_set(e, ERR_CONFLICT, "order", "order %" PRId64 " changed meanwhile: try again", id);
        goto done;
    }
    rc = order_changed(ctx, id, "cancel", before, &after, reason, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}
