/*
 * sales.c - net units sold (see sales.h; docs/distribution.md, "Net units
 * sold"): two grouped reads, the shipments by ship date and the returns by
 * return date, merged per family and center.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/ledger.h"
#include "service/sales.h"

enum { SALES_ROWS_MAX = 512 };

typedef struct {
    char family[32], center[24];
    int64_t shipped, returned, credited, price, credits;
} sales_row;

static sales_row *row_for(sales_row *rows, size_t *count, const char *family, const char *center)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp(rows[i].family, family) == 0 && strcmp(rows[i].center, center) == 0)
            return &rows[i];
    if (*count == SALES_ROWS_MAX)
        return NULL;
    sales_row *r = &rows[(*count)++];
    memset(r, 0, sizeof *r);
    snprintf(r->family, sizeof r->family, "%s", family);
    snprintf(r->center, sizeof r->center, "%s", center);
    return r;
}

static json_t *row_json(const sales_row *r, int with_center)
{
    int64_t net = r->shipped - r->credited, revenue = r->price - r->credits, average = 0;
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:o}", "units_shipped", (json_int_t)r->shipped,
                          "units_returned", (json_int_t)r->returned, "units_returned_credited",
                          (json_int_t)r->credited, "net_units", (json_int_t)net, "revenue",
                          service_money_json(revenue));
    if (net > 0 && !money_scale(revenue, 1, net, &average))
        json_object_set_new(o, "average_price", service_money_json(average));
    else
        json_object_set_new(o, "average_price", json_null());
    if (*r->family)
        json_object_set_new(o, "family", json_string(r->family));
    if (with_center)
        json_object_set_new(o, "center", json_string(r->center));
    return o;
}

static void add(sales_row *to, const sales_row *r)
{
    to->shipped += r->shipped;
    to->returned += r->returned;
    to->credited += r->credited;
    to->price += r->price;
    to->credits += r->credits;
}

int sales_units_between(db_conn *db, const char *from, const char *to, json_t **out, err *e)
{
    static const char *const queries[] = {
        "SELECT x.family, x.center, COUNT(*), COALESCE(SUM(x.price_cents), 0), 0, 0 "
        "FROM shipment_units x JOIN shipments s ON s.id = x.shipment_id "
        "WHERE s.ship_date >= ?1 AND s.ship_date <= ?2 GROUP BY x.family, x.center",
        "SELECT x.family, x.center, COUNT(*), 0, "
        "COALESCE(SUM(CASE WHEN r.credit_cents > 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(r.credit_cents), 0) FROM unit_returns r JOIN shipment_units x "
        "ON x.unit_id = r.unit_id AND x.shipment_id = r.shipment_id "
        "WHERE r.return_date >= ?1 AND r.return_date <= ?2 GROUP BY x.family, x.center"};
    static sales_row rows[SALES_ROWS_MAX];
    size_t count = 0;
    for (int q = 0; q < 2; q++) {
        db_stmt *stmt;
        if (db_prepare(db, queries[q], &stmt, e))
            return -1;
        db_bind_text(stmt, 1, from);
        db_bind_text(stmt, 2, to);
        db_step_result step;
        while ((step = db_step(stmt, e)) == DB_ROW) {
            sales_row *r = row_for(rows, &count, db_column_text(stmt, 0), db_column_text(stmt, 1));
            if (!r)
                continue;
            if (q == 0) {
                r->shipped += db_column_int64(stmt, 2);
                r->price += db_column_int64(stmt, 3);
            } else {
                r->returned += db_column_int64(stmt, 2);
                r->credited += db_column_int64(stmt, 4);
                r->credits += db_column_int64(stmt, 5);
            }
        }
        db_reset(stmt);
        if (step == DB_FAILED)
            return -1;
    }
    /* by family, then center */
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0; j--) {
            int c = strcmp(rows[j - 1].family, rows[j].family);
            if (c < 0 || (c == 0 && strcmp(rows[j - 1].center, rows[j].center) <= 0))
                break;
            sales_row t = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = t;
        }
    json_t *list = json_array(), *families = json_array();
    sales_row total = {.family = ""}, family = {.family = ""};
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(list, row_json(&rows[i], 1));
        if (i && strcmp(rows[i - 1].family, rows[i].family) != 0) {
            json_array_append_new(families, row_json(&family, 0));
            memset(&family, 0, sizeof family);
        }
        memcpy(family.family, rows[i].family, sizeof family.family);
        add(&family, &rows[i]);
        add(&total, &rows[i]);
    }
    if (count)
        json_array_append_new(families, row_json(&family, 0));
    *out = json_pack("{s:s, s:s, s:o, s:o, s:o}", "from", from, "to", to, "rows", list,
                     "families", families, "total", row_json(&total, 0));
    return 0;
}

int sales_units(service_context *ctx, const char *period, json_t **out, err *e)
{
    ledger_period p;
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX];
    if (!period || !*period)
        return err_set(e, ERR_INVALID, "period", "is required: 2004, 2004Q1 or 2004-03");
    if (ledger_period_parse(period, &p, "period", e) || db_begin_read(ctx->db, e))
        return -1;
    int rc = sales_units_between(ctx->db, date_format(p.first_day, from, sizeof from),
                                 date_format(p.last_day, to, sizeof to), out, e);
    db_rollback(ctx->db);
    if (!rc)
        json_object_set_new(*out, "period", json_string(p.text));
    return rc;
}
