/*
 * unit.c - blood units once made (see unit.h): the one function that
 * changes a unit's status.
 */
#include <string.h>
#include "base/date.h"
#include "service/audit.h"
#include "service/unit.h"

int unit_status_change_in(service_context *ctx, int64_t unit_id, blood_unit_status to,
                          const char *reason, const char *hold, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT status, din, product_code, division, hold FROM units WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, unit_id);
    db_step_result step = db_step(stmt, e);
    if (step != DB_ROW) {
        db_reset(stmt);
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "unit", "no unit %lld", (long long)unit_id)
                               : -1;
    }
    int from = blood_unit_status_parse(db_column_text(stmt, 0));
    char unit_name[64];
    snprintf(unit_name, sizeof unit_name, "%s %s %s", db_column_text(stmt, 1),
             db_column_text(stmt, 2), db_column_text(stmt, 3));
    json_t *before = json_pack("{s:s, s:o}", "status", db_column_text(stmt, 0), "hold",
                               service_json_text(db_column_is_null(stmt, 4)
                                                     ? NULL
                                                     : db_column_text(stmt, 4)));
    db_reset(stmt);
    if (from < 0 || blood_unit_transition_check((blood_unit_status)from, to, e)) {
        json_decref(before);
        if (from < 0)
            return err_set(e, ERR_INTERNAL, "status", "unit %s has an unknown status", unit_name);
        return -1;
    }
    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    const char *to_name = blood_unit_status_name(to);
    int rc = -1;
    if (db_prepare(ctx->db, "UPDATE units SET status = ?, hold = ?, updated_at = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, to_name);
    db_bind_text(stmt, 2, hold);
    db_bind_text(stmt, 3, now);
    db_bind_int64(stmt, 4, unit_id);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO unit_events (unit_id, from_status, to_status, reason, at, actor) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, unit_id);
    db_bind_text(stmt, 2, blood_unit_status_name((blood_unit_status)from));
    db_bind_text(stmt, 3, to_name);
    db_bind_text(stmt, 4, reason ? reason : "");
    db_bind_text(stmt, 5, now);
    db_bind_text(stmt, 6, ctx->actor.username);
    if (db_exec_stmt(stmt, e))
        goto done;
    json_t *after = json_pack("{s:s, s:o}", "status", to_name, "hold", service_json_text(hold));
    rc = audit_append(ctx, "unit", unit_name, "status", before, after,
                      reason && *reason ? reason : NULL, e);
    json_decref(after);
done:
    json_decref(before);
    return rc;
}
