/*
 * shipment.c - shipments (see shipment.h; docs/distribution.md,
 * "Shipments"). The one writer of shipments and shipment_units; units move
 * through unit.c, the invoice through billing.c, the posting through the
 * ledger, the order's status through order.c.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "documents/packing_list.h"
#include "domain/distribution.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/billing.h"
#include "service/company.h"
#include "service/contract.h"
#include "service/din.h"
#include "service/ledger.h"
#include "service/order.h"
#include "service/registry.h"
#include "service/sales.h"
#include "service/shipment.h"
#include "service/unit.h"

enum { SHIPPER_MAX = 200, CENTERS_MAX = 64 };

int shipment_temperature_take(const char *text, long *tenths, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, "temperature", "is required (degrees Celsius, e.g. 4)");
    /* Digits with an optional '-' and decimals, as written on a cold-chain
     * record: strtod alone would take " 4", "+4", "4e0" and "0x4". */
    const char *p = text + (*text == '-');
    size_t whole = strspn(p, "0123456789"), decimals = 0;
    if (p[whole] == '.')
        decimals = strspn(p + whole + 1, "0123456789");
    int written = whole && (p[whole] == '\0' || (decimals && p[whole + 1 + decimals] == '\0'));
    char *end = NULL;
    double value = written ? strtod(text, &end) : 0;
    if (!written || *end || !isfinite(value))
        return err_set(e, ERR_INVALID, "temperature", "'%.30s' is not a number of degrees Celsius",
                       text);
    if (value < -100 || value > 60)
        return err_set(e, ERR_INVALID, "temperature",
                       "must be between -100 and 60 degrees Celsius");
    double scaled = value * 10;
    if (fabs(scaled - round(scaled)) > 1e-6)
        return err_set(e, ERR_INVALID, "temperature", "has at most one decimal");
    *tenths = lround(scaled);
    return 0;
}

/* A unit scanned, as found on the order's allocation. */
typedef struct {
    int64_t unit_id, line_id;
    char din[16], product[16], family[32], center[24], abo[4], rhd[4];
    char expires[TIMESTAMP_TEXT_MAX];
    int64_t price, cost;
} shipped_unit;

/* Find the unit of scan `index` (DIN `din`) among the allocation of order
 * `order_id`; refuse naming scans[index] with why it cannot go. */
static int scan_find(db_conn *db, int64_t order_id, const char *din, size_t index,
                     const char *now, shipped_unit *unit, err *e)
{
    char field[32], eye[ISBT_EYE_READABLE_MAX];
    snprintf(field, sizeof field, "scans[%zu]", index);
    din_eye_readable(din, eye, sizeof eye);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT u.id, a.order_line_id, u.status, u.expires_at, u.product_code, "
                   "u.family, u.center, COALESCE(u.abo, ''), COALESCE(u.rhd, '') "
                   "FROM allocations a JOIN order_lines l "
                   "ON l.id = a.order_line_id JOIN units u ON u.id = a.unit_id "
                   "WHERE l.order_id = ? AND a.undone_at IS NULL AND a.returned_at IS NULL AND u.din = ? "
                   "AND NOT EXISTS (SELECT 1 FROM shipment_units s WHERE s.unit_id = u.id "
                   "AND s.order_line_id = a.order_line_id)",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order_id);
    db_bind_text(stmt, 2, din);
    /* The unit of the lowest id when several match (the divisions of one
     * donation), taken here rather than by ORDER BY u.id, for which SQLite
     * opened a sorter for the one row there usually is. */
    db_step_result step;
    int found = 0;
    char status[24];
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (found && db_column_int64(stmt, 0) >= unit->unit_id)
            continue;
        found = 1;
        unit->unit_id = db_column_int64(stmt, 0);
        unit->line_id = db_column_int64(stmt, 1);
        snprintf(status, sizeof status, "%s", db_column_text(stmt, 2));
        snprintf(unit->expires, sizeof unit->expires, "%s", db_column_text(stmt, 3));
        snprintf(unit->product, sizeof unit->product, "%s", db_column_text(stmt, 4));
        snprintf(unit->family, sizeof unit->family, "%s", db_column_text(stmt, 5));
        snprintf(unit->center, sizeof unit->center, "%s", db_column_text(stmt, 6));
        snprintf(unit->abo, sizeof unit->abo, "%s", db_column_text(stmt, 7));
        snprintf(unit->rhd, sizeof unit->rhd, "%s", db_column_text(stmt, 8));
        snprintf(unit->din, sizeof unit->din, "%s", din);
    }
    if (step == DB_FAILED)
        return -1;
    if (found) {
        db_reset(stmt);
        if (strcmp(status, "allocated") != 0)
            return err_set(e, ERR_INVALID, field, "DIN %s: the unit is %s, not released for "
                           "shipping", eye, status);
        if (strcmp(unit->expires, now) <= 0)
            return err_set(e, ERR_INVALID, field, "DIN %s: the unit expired at %s", eye,
                           unit->expires);
        return 0;
    }
    db_reset(stmt);
    /* not on the allocation: shipped already, or never allocated to it */
    if (db_prepare(db,
                   "SELECT s.shipment_id FROM shipment_units s JOIN units u ON u.id = s.unit_id "
                   "WHERE u.din = ? AND u.status <> 'released' AND u.status <> 'allocated' "
                   "ORDER BY s.shipment_id DESC",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, din);
    step = db_step(stmt, e);
    int64_t shipment = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (shipment)
        return err_set(e, ERR_INVALID, field, "DIN %s: already shipped (shipment %" PRId64 ")",
                       eye, shipment);
    return err_set(e, ERR_INVALID, field, "DIN %s: not on the allocation of order %" PRId64, eye,
                   order_id);
}

/* The order to ship: open, its hospital (id, code and name), whether it is
 * STAT. */
typedef struct {
    int64_t id;
    char code[REGISTRY_CODE_MAX + 8], name[4 * REGISTRY_NAME_MAX + 1];
} shipment_hospital;

static int order_read(db_conn *db, int64_t order_id, shipment_hospital *hospital, int *stat,
                      err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT o.status, o.hospital_id, h.code, o.priority, h.name FROM orders o "
                   "JOIN hospitals h ON h.id = o.hospital_id WHERE o.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, order_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_FAILED)
        return -1;
    if (step != DB_ROW) {
        db_reset(stmt);
        return err_set(e, ERR_NOT_FOUND, "order", "no order %" PRId64, order_id);
    }
    int open = strcmp(db_column_text(stmt, 0), "open") == 0;
    hospital->id = db_column_int64(stmt, 1);
    snprintf(hospital->code, sizeof hospital->code, "%s", db_column_text(stmt, 2));
    *stat = strcmp(db_column_text(stmt, 3), "stat") == 0;
    snprintf(hospital->name, sizeof hospital->name, "%s", db_column_text(stmt, 4));
    db_reset(stmt);
    if (!open)
        return err_set(e, ERR_INVALID, "order", "order %" PRId64 " is not open", order_id);
    return 0;
}

/* The posting: per center, 1150 against 4000 for the prices and 5000
 * against 1200 for the costs. */
static int shipment_post(service_context *ctx, int64_t shipment_id, civil_day day,
                         const shipped_unit *units, size_t count, int64_t *entry_id, err *e)
{
    const char *centers[CENTERS_MAX];
    int64_t price[CENTERS_MAX] = {0}, cost[CENTERS_MAX] = {0};
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        size_t c = 0;
        while (c < n && strcmp(centers[c], units[i].center) != 0)
            c++;
        if (c == n) {
            if (n == CENTERS_MAX)
                return err_set(e, ERR_INVALID, "scans", "a shipment's units come from at most %d "
                               "centers", CENTERS_MAX);
            centers[n++] = units[i].center;
        }
        price[c] += units[i].price;
        cost[c] += units[i].cost;
    }
    ledger_line *lines = calloc(4 * n + 1, sizeof *lines);
    if (!lines)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    size_t k = 0;
    for (size_t c = 0; c < n; c++) {
        if (price[c]) {
            lines[k++] = (ledger_line){"1150", centers[c], price[c], NULL};
            lines[k++] = (ledger_line){"4000", centers[c], -price[c], NULL};
        }
        if (cost[c]) {
            lines[k++] = (ledger_line){"5000", centers[c], cost[c], NULL};
            lines[k++] = (ledger_line){"1200", centers[c], -cost[c], NULL};
        }
    }
    char description[64], ref[32];
    snprintf(description, sizeof description, "shipment %" PRId64, shipment_id);
    snprintf(ref, sizeof ref, "shipment:%" PRId64, shipment_id);
    ledger_entry entry = {.date = day, .description = description, .source = "distribution",
                          .source_ref = ref, .lines = lines, .line_count = k};
    int rc = k ? ledger_post(ctx, &entry, entry_id, e) : 0;
    free(lines);
    return rc;
}

static int scans_check(const shipment_input *in, char (*dins)[16], err *e)
{
    if (!in->scans || !in->scan_count)
        return err_set(e, ERR_INVALID, "scans", "scan the DIN of at least one unit");
    if (in->scan_count > SHIPMENT_SCANS_MAX)
        return err_set(e, ERR_INVALID, "scans", "a shipment holds at most %d units",
                       SHIPMENT_SCANS_MAX);
    for (size_t i = 0; i < in->scan_count; i++) {
        isbt_din din;
        err parsed;
        char field[32];
        snprintf(field, sizeof field, "scans[%zu]", i);
        if (din_text_parse(in->scans[i], &din, &parsed))
            return err_set(e, ERR_INVALID, field, "'%.40s' is not a DIN: %s",
                           in->scans[i] ? in->scans[i] : "", parsed.message);
        snprintf(dins[i], sizeof dins[i], "%s", din.din);
        for (size_t j = 0; j < i; j++)
            if (strcmp(dins[j], dins[i]) == 0)
                return err_set(e, ERR_INVALID, field, "DIN %s is scanned twice",
                               in->scans[i]);
    }
    return 0;
}

/* --- reading a shipment ---------------------------------------------------------- */

/* A shipment's unit as it answers, from its values (a row of
 * shipment_fetch, or a unit just shipped). */
static json_t *unit_json(const shipped_unit *u)
{
    char group[16];
    snprintf(group, sizeof group, "%s %s", u->abo, u->rhd);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "unit",
                          (json_int_t)u->unit_id, "din", u->din, "product_code", u->product,
                          "family", u->family, "center", u->center, "group", group, "price",
                          service_money_json(u->price), "cost", service_money_json(u->cost),
                          "expires_at", u->expires);
    return din_eye_readable_add(o, "din", "eye_readable");
}

static json_t *unit_row_json(db_stmt *stmt)
{
    shipped_unit u = {.unit_id = db_column_int64(stmt, 0),
                      .price = db_column_int64(stmt, 7),
                      .cost = db_column_int64(stmt, 8)};
    snprintf(u.din, sizeof u.din, "%s", db_column_text(stmt, 1));
    snprintf(u.product, sizeof u.product, "%s", db_column_text(stmt, 2));
    snprintf(u.family, sizeof u.family, "%s", db_column_text(stmt, 3));
    snprintf(u.center, sizeof u.center, "%s", db_column_text(stmt, 4));
    snprintf(u.abo, sizeof u.abo, "%s", db_column_text(stmt, 5));
    snprintf(u.rhd, sizeof u.rhd, "%s", db_column_text(stmt, 6));
    snprintf(u.expires, sizeof u.expires, "%s", db_column_text(stmt, 9));
    return unit_json(&u);
}

/* ORDER BY u.din, u.id of shipment_fetch's units (SQLite's BINARY
 * collation compares as strcmp does). */
static int unit_order(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int by_din = strcmp(json_string_value(json_object_get(x, "din")),
                        json_string_value(json_object_get(y, "din")));
    if (by_din)
        return by_din;
    json_int_t i = json_integer_value(json_object_get(x, "unit")),
               j = json_integer_value(json_object_get(y, "unit"));
    return (i > j) - (i < j);
}

static void units_sort(json_t *units)
{
    size_t count = json_array_size(units);
    if (count < 2)
        return;
    json_t **items = malloc(count * sizeof *items);
    if (!items)
        return; /* left in the query's order */
    for (size_t i = 0; i < count; i++)
        items[i] = json_incref(json_array_get(units, i));
    qsort(items, count, sizeof *items, unit_order);
    json_array_clear(units);
    for (size_t i = 0; i < count; i++)
        json_array_append_new(units, items[i]);
    free(items);
}

/* A shipment as it answers, but for its units and total. */
typedef struct {
    int64_t id, order, contract, invoice, journal_entry; /* journal_entry 0: none */
    int64_t temperature_tenths;
    const char *hospital, *hospital_name, *ship_date, *shipper, *order_status, *created_at,
        *created_by;
} shipment_values;

static json_t *shipment_values_json(const shipment_values *v)
{
    char temperature[24];
    temperature_tenths_text(v->temperature_tenths, temperature, sizeof temperature);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:s, s:s, s:s}", "id",
                     (json_int_t)v->id, "order", (json_int_t)v->order, "hospital", v->hospital,
                     "hospital_name", v->hospital_name, "ship_date", v->ship_date,
                     "temperature", temperature, "shipper", v->shipper, "contract",
                     (json_int_t)v->contract, "invoice", (json_int_t)v->invoice,
                     "journal_entry",
                     v->journal_entry ? json_integer(v->journal_entry) : json_null(),
                     "order_status", v->order_status, "created_at", v->created_at,
                     "created_by", v->created_by);
}

static json_t *shipment_json(db_stmt *stmt)
{
    shipment_values v = {
        .id = db_column_int64(stmt, 0), .order = db_column_int64(stmt, 1),
        .hospital = db_column_text(stmt, 2), .hospital_name = db_column_text(stmt, 3),
        .ship_date = db_column_text(stmt, 4), .temperature_tenths = db_column_int64(stmt, 5),
        .shipper = db_column_text(stmt, 6), .contract = db_column_int64(stmt, 7),
        .invoice = db_column_int64(stmt, 8),
        .journal_entry = db_column_is_null(stmt, 9) ? 0 : db_column_int64(stmt, 9),
        .order_status = db_column_text(stmt, 10), .created_at = db_column_text(stmt, 11),
        .created_by = db_column_text(stmt, 12)};
    return shipment_values_json(&v);
}

/* The units (in order of DIN, then id) and their total. */
static void shipment_units_set(json_t *shipment, json_t *units, int64_t total)
{
    units_sort(units);
    json_object_set_new(shipment, "total", service_money_json(total));
    json_object_set_new(shipment, "units", units);
}

static int shipment_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    json_t *shipment = NULL, *units = NULL;
    if (db_prepare(db,
                   "SELECT s.id, s.order_id, h.code, h.name, s.ship_date, s.temperature_tenths, "
                   "s.shipper, s.contract_id, COALESCE(s.invoice_id, 0), s.journal_entry_id, "
                   "o.status, s.created_at, s.created_by FROM shipments s "
                   "JOIN hospitals h ON h.id = s.hospital_id JOIN orders o ON o.id = s.order_id "
                   "WHERE s.id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    if (service_fetch_one(stmt, shipment_json, &shipment, "shipment", e, "no shipment %" PRId64,
                          id))
        return -1;
    /* The units in order of DIN then id, and their total, from one query:
     * sorted here rather than by ORDER BY, for which SQLite opened a
     * sorter for a shipment's few rows, and summed here rather than by a
     * query of their own. */
    if (db_prepare(db,
                   "SELECT u.id, u.din, u.product_code, x.family, x.center, COALESCE(u.abo, ''), "
                   "COALESCE(u.rhd, ''), "
                   "x.price_cents, x.cost_cents, u.expires_at FROM shipment_units x "
                   "JOIN units u ON u.id = x.unit_id WHERE x.shipment_id = ?",
                   &stmt, e)) {
        json_decref(shipment);
        return -1;
    }
    db_bind_int64(stmt, 1, id);
    int64_t total = 0;
    units = json_array();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        total += db_column_int64(stmt, 7);
        json_array_append_new(units, unit_row_json(stmt));
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(shipment);
        json_decref(units);
        return -1;
    }
    shipment_units_set(shipment, units, total);
    *out = shipment;
    return 0;
}

int shipment_get(service_context *ctx, const char *shipment, json_t **out, err *e)
{
    int64_t id;
    if (service_id_take(shipment, &id, "shipment", e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = shipment_fetch(ctx->db, id, out, e);
    db_rollback(ctx->db);
    return rc;
}

/* The shipment's units added to the net units sold of its day, one sum
 * per family and center. */
static int sales_add(db_conn *db, const char *day, const shipped_unit *units, size_t count,
                     err *e)
{
    for (size_t i = 0; i < count; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(units[j].family, units[i].family) == 0 &&
                   strcmp(units[j].center, units[i].center) == 0;
        if (seen)
            continue;
        sales_change change = {0};
        for (size_t k = i; k < count; k++)
            if (strcmp(units[k].family, units[i].family) == 0 &&
                strcmp(units[k].center, units[i].center) == 0) {
                change.shipped++;
                change.shipped_cents += units[k].price;
            }
        if (sales_day_add_in(db, day, units[i].family, units[i].center, &change, e))
            return -1;
    }
    return 0;
}

int shipment_create(service_context *ctx, const shipment_input *in, json_t **out, err *e)
{
    int64_t order_id;
    long tenths = 0;
    civil_day day = 0, today;
    int dated = in->date && *in->date;
    if (service_id_take(in->order, &order_id, "order", e) ||
        shipment_temperature_take(in->temperature, &tenths, e) ||
        registry_required_text_check(in->shipper, SHIPPER_MAX, "shipper", e) ||
        (dated && date_parse(in->date, &day, "date", e)))
        return -1;
    char (*dins)[16] = calloc(in->scan_count ? in->scan_count : 1, sizeof *dins);
    shipped_unit *units = calloc(in->scan_count ? in->scan_count : 1, sizeof *units);
    if (!dins || !units) {
        free(dins);
        free(units);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    if (scans_check(in, dins, e) || service_begin(ctx, e)) {
        free(dins);
        free(units);
        return -1;
    }
    json_t *after = NULL;
    int64_t contract_id = 0, shipment_id = 0, invoice_id = 0, entry_id = 0;
    shipment_hospital hospital;
    char now[TIMESTAMP_TEXT_MAX], day_text[DATE_TEXT_MAX], key[24];
    int stat = 0, closed = 0, rc = -1;
    db_stmt *stmt;
    service_now_text(now);
    if (order_read(ctx->db, order_id, &hospital, &stat, e) ||
        registry_hospital_today(ctx->db, hospital.id, &today, e))
        goto done;
    /* The day in the hospital's market, not in UTC: in California the
     * evening's shipments leave on the day they are packed. */
    if (!dated)
        day = today;
    else if (day > today) {
        err_set(e, ERR_INVALID, "date", "a ship date cannot be in the future");
        goto done;
    }
    if (contract_in_force_in(ctx->db, hospital.id, hospital.code, day, &contract_id, e))
        goto done;
    for (size_t i = 0; i < in->scan_count; i++) {
        if (scan_find(ctx->db, order_id, dins[i], i, now, &units[i], e))
            goto done;
        /* The price depends only on the product and the cost only on the
         * family (stat and after hours are the request's): a unit like one
         * already priced takes its figures instead of loading the contract's
         * terms again. */
        size_t same_product = i, same_family = i;
        for (size_t j = 0; j < i; j++) {
            if (same_product == i && strcmp(units[j].product, units[i].product) == 0)
                same_product = j;
            if (same_family == i && strcmp(units[j].family, units[i].family) == 0)
                same_family = j;
        }
        if (same_product < i) {
            units[i].price = units[same_product].price;
        } else {
            unit_price price;
            if (contract_unit_price_in(ctx->db, contract_id, units[i].product, stat,
                                       in->after_hours, &price, e))
                goto done;
            units[i].price = price.total;
        }
        if (same_family < i)
            units[i].cost = units[same_family].cost;
        else if (unit_standard_cost(ctx->db, units[i].family, &units[i].cost, e))
            goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO shipments (order_id, hospital_id, contract_id, ship_date, "
                   "temperature_tenths, shipper, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, order_id);
    db_bind_int64(stmt, 2, hospital.id);
    db_bind_int64(stmt, 3, contract_id);
    db_bind_text(stmt, 4, date_format(day, day_text, sizeof day_text));
    db_bind_int64(stmt, 5, tenths);
    db_bind_text(stmt, 6, in->shipper);
    db_bind_text(stmt, 7, now);
    db_bind_text(stmt, 8, ctx->actor.username);
    if (db_insert_returning_id(stmt, &shipment_id, e) ||
        invoice_draft_in(ctx, hospital.code, day, "hospital", &invoice_id, e))
        goto done;
    char reason[64];
    snprintf(reason, sizeof reason, "shipped to %s (shipment %" PRId64 ")", hospital.code,
             shipment_id);
    for (size_t i = 0; i < in->scan_count; i++) {
        shipped_unit *u = &units[i];
        char description[96], price_text[MONEY_TEXT_MAX], ref[48], eye[32];
        int64_t line_id;
        snprintf(description, sizeof description, "%s %s (shipment %" PRId64 ")", u->product,
                 din_eye_readable(u->din, eye, sizeof eye), shipment_id);
        snprintf(ref, sizeof ref, "shipment:%" PRId64 ":unit:%" PRId64, shipment_id, u->unit_id);
        invoice_line_input line = {.description = description, .quantity = "1",
                                   .price = money_format(u->price, MONEY_PLAIN, price_text,
                                                         sizeof price_text),
                                   .account = "4000", .center = u->center};
        invoice_line_origin origin = {.source = "shipment", .source_ref = ref, .recognised = 1};
        if (unit_ship_mark_in(ctx, u->unit_id, hospital.code, reason, e) ||
            invoice_line_post_in(ctx, invoice_id, &line, &origin, &line_id, e) ||
            db_prepare(ctx->db,
                       "INSERT INTO shipment_units (shipment_id, unit_id, order_line_id, family, "
                       "center, price_cents, cost_cents, invoice_line_id) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       &stmt, e))
            goto done;
        db_bind_int64(stmt, 1, shipment_id);
        db_bind_int64(stmt, 2, u->unit_id);
        db_bind_int64(stmt, 3, u->line_id);
        db_bind_text(stmt, 4, u->family);
        db_bind_text(stmt, 5, u->center);
        db_bind_int64(stmt, 6, u->price);
        db_bind_int64(stmt, 7, u->cost);
        db_bind_int64(stmt, 8, line_id);
        if (db_exec_stmt(stmt, e))
            goto done;
    }
    if (sales_add(ctx->db, day_text, units, in->scan_count, e) ||
        shipment_post(ctx, shipment_id, day, units, in->scan_count, &entry_id, e) ||
        db_prepare(ctx->db, "UPDATE shipments SET invoice_id = ?, journal_entry_id = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, invoice_id);
    if (entry_id)
        db_bind_int64(stmt, 2, entry_id);
    else
        db_bind_null(stmt, 2);
    db_bind_int64(stmt, 3, shipment_id);
    snprintf(key, sizeof key, "%" PRId64, shipment_id);
    if (db_exec_stmt(stmt, e) || order_close_when_filled_in(ctx, order_id, &closed, e))
        goto done;
    /* The answer and the audit record from the values written, as
     * shipment_fetch would read them back (tests/api/shipments.test.js
     * holds the one to the other). */
    shipment_values values = {
        .id = shipment_id, .order = order_id, .contract = contract_id, .invoice = invoice_id,
        .journal_entry = entry_id, .temperature_tenths = tenths, .hospital = hospital.code,
        .hospital_name = hospital.name, .ship_date = day_text, .shipper = in->shipper,
        .order_status = closed ? "shipped" : "open", .created_at = now,
        .created_by = ctx->actor.username};
    after = shipment_values_json(&values);
    json_t *shipped = json_array();
    int64_t total = 0;
    for (size_t i = 0; i < in->scan_count; i++) {
        total += units[i].price;
        json_array_append_new(shipped, unit_json(&units[i]));
    }
    shipment_units_set(after, shipped, total);
    rc = audit_append(ctx, "shipment", key, "create", NULL, after, NULL, e);
done:
    free(dins);
    free(units);
    return service_finish_record(ctx, rc, NULL, after, out, e);
}

static json_t *listed_json(db_stmt *stmt)
{
    char temperature[24];
    temperature_tenths_text(db_column_int64(stmt, 3), temperature, sizeof temperature);
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:I}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "ship_date", db_column_text(stmt, 1),
                     "shipper", db_column_text(stmt, 2), "temperature", temperature, "units",
                     (json_int_t)db_column_int64(stmt, 4), "total",
                     service_money_json(db_column_int64(stmt, 5)), "invoice",
                     (json_int_t)db_column_int64(stmt, 6));
}

int shipment_list(service_context *ctx, const char *order, json_t **out, err *e)
{
    int64_t order_id;
    if (service_id_take(order, &order_id, "order", e) || db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt;
    json_t *items = NULL;
    int rc = -1;
    if (!db_prepare(ctx->db,
                    "SELECT s.id, s.ship_date, s.shipper, s.temperature_tenths, "
                    "(SELECT COUNT(*) FROM shipment_units x WHERE x.shipment_id = s.id), "
                    "(SELECT COALESCE(SUM(x.price_cents), 0) FROM shipment_units x "
                    "WHERE x.shipment_id = s.id), COALESCE(s.invoice_id, 0) FROM shipments s "
                    "WHERE s.order_id = ? ORDER BY s.id",
                    &stmt, e)) {
        db_bind_int64(stmt, 1, order_id);
        rc = service_collect_rows(stmt, listed_json, &items, e);
    }
    db_rollback(ctx->db);
    if (!rc)
        *out = json_pack("{s:o}", "items", items);
    return rc;
}

static const char *text_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

int shipment_packing_list(service_context *ctx, const char *shipment, const char *format,
                          buffer *out, document_format *chosen, err *e)
{
    int parsed = document_format_parse(format);
    if (parsed < 0)
        return err_set(e, ERR_INVALID, "format", "must be text, html or pdf");
    *chosen = (document_format)parsed;
    json_t *s = NULL, *item;
    char company[COMPANY_NAME_MAX];
    if (shipment_get(ctx, shipment, &s, e))
        return -1;
    if (company_name(ctx->db, company, e)) {
        json_decref(s);
        return -1;
    }
    json_t *units = json_object_get(s, "units");
    packing_list_unit *rows = calloc(json_array_size(units) + 1, sizeof *rows);
    if (!rows) {
        json_decref(s);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    size_t i;
    json_array_foreach(units, i, item)
        rows[i] = (packing_list_unit){text_at(item, "eye_readable"), text_at(item, "product_code"),
                                      text_at(item, "family"), text_at(item, "group"),
                                      text_at(item, "expires_at")};
    packing_list list = {
        .id = (long long)json_integer_value(json_object_get(s, "id")),
        .order = (long long)json_integer_value(json_object_get(s, "order")),
        .company = company,
        .hospital = text_at(s, "hospital"),
        .hospital_name = text_at(s, "hospital_name"),
        .ship_date = text_at(s, "ship_date"),
        .shipper = text_at(s, "shipper"),
        .temperature = text_at(s, "temperature"),
        .units = rows,
        .unit_count = json_array_size(units),
    };
    int rc = packing_list_render(&list, *chosen, out, e);
    free(rows);
    json_decref(s);
    return rc;
}
