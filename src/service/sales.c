/*
 * sales.c - net units sold (see sales.h; docs/distribution.md, "Net units
 * sold"): the sums of each day, family and center (sales_days), added to
 * by shipments and returns, and read grouped per family and center.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/ledger.h"
#include "service/sales.h"

typedef struct {
    char family[32], center[24];
    int64_t shipped, returned, credited, price, credits;
} sales_row;

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

int sales_day_add_in(db_conn *db, const char *day, const char *family, const char *center,
                     const sales_change *change, err *e)
{
    if (!db_in_transaction(db))
        return err_set(e, ERR_INTERNAL, NULL, "sales_day_add_in needs the caller's transaction");
    db_stmt *stmt;
    if (db_prepare(db,
                   "INSERT INTO sales_days (day, family, center, units_shipped, shipped_cents, "
                   "units_returned, units_credited, credit_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (day, family, center) DO UPDATE SET "
                   "units_shipped = sales_days.units_shipped + excluded.units_shipped, "
                   "shipped_cents = sales_days.shipped_cents + excluded.shipped_cents, "
                   "units_returned = sales_days.units_returned + excluded.units_returned, "
                   "units_credited = sales_days.units_credited + excluded.units_credited, "
                   "credit_cents = sales_days.credit_cents + excluded.credit_cents",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, day);
    db_bind_text(stmt, 2, family);
    db_bind_text(stmt, 3, center);
    db_bind_int64(stmt, 4, change->shipped);
    db_bind_int64(stmt, 5, change->shipped_cents);
    db_bind_int64(stmt, 6, change->returned);
    db_bind_int64(stmt, 7, change->credited);
    db_bind_int64(stmt, 8, change->credit_cents);
    return db_exec_stmt(stmt, e);
}

int sales_units_between(db_conn *db, const char *from, const char *to, json_t **out, err *e)
{
    sales_row *rows = NULL;
    size_t count = 0, capacity = 0;
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT family, center, SUM(units_shipped), SUM(shipped_cents), "
                   "SUM(units_returned), SUM(units_credited), SUM(credit_cents) FROM sales_days "
                   "WHERE day >= ? AND day <= ? GROUP BY family, center",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, from);
    db_bind_text(stmt, 2, to);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            sales_row *grown = realloc(rows, capacity * sizeof *rows);
            if (!grown) {
                step = DB_FAILED;
                err_set(e, ERR_INTERNAL, NULL, "out of memory");
                break;
            }
            rows = grown;
        }
        sales_row *r = &rows[count++];
        snprintf(r->family, sizeof r->family, "%s", db_column_text(stmt, 0));
        snprintf(r->center, sizeof r->center, "%s", db_column_text(stmt, 1));
        r->shipped = db_column_int64(stmt, 2);
        r->price = db_column_int64(stmt, 3);
        r->returned = db_column_int64(stmt, 4);
        r->credited = db_column_int64(stmt, 5);
        r->credits = db_column_int64(stmt, 6);
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        free(rows);
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
    free(rows);
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
