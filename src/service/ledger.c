/*
 * ledger.c - the chart of accounts, posting, manual entries, reversals,
 * closed periods, weighted shares and the balance sums reports read (see
 * ledger.h). Import and export of CSV journals are in journal_io.c; both
 * write through ledger_write.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buffer.h"
#include "base/json_writer.h"
#include "base/money.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/ledger.h"
#include "service/ledger_write.h"

/* --- shared writing ------------------------------------------------------- */

int ledger_account_id(db_conn *db, const char *code, int64_t *id, const char *field, err *e)
{
    int found = service_id_find(db, "SELECT id FROM accounts WHERE code = ?", code, id, e);
    if (found == 1)
        return err_set(e, ERR_INVALID, field, "no account '%s' in the chart of accounts", code);
    return found;
}

/* Whether `sql`, given two texts, answers a row: 1, 0 for none, -1 when
 * the query fails. */
static int row_exists(db_conn *db, const char *sql, const char *first, const char *second,
                      err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_text(stmt, 1, first);
    db_bind_text(stmt, 2, second);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    return step == DB_ROW ? 1 : step == DB_DONE ? 0 : -1;
}

int ledger_center_check(db_conn *db, const char *code, const char *field, err *e)
{
    if (!code || !*code)
        return 0;
    int found = row_exists(db,
                           "SELECT 1 FROM centers WHERE code = ? UNION ALL "
                           "SELECT 1 FROM markets WHERE code = ?",
                           code, code, e);
    if (found == 0)
        return err_set(e, ERR_INVALID, field, "no donor center or market '%s'", code);
    return found == 1 ? 0 : -1;
}

int ledger_closed_period_of(db_conn *db, civil_day date, char period[LEDGER_PERIOD_TEXT_MAX],
                            err *e)
{
    char day[DATE_TEXT_MAX];
    date_format(date, day, sizeof day);
    db_stmt *stmt;
    period[0] = '\0';
    /* Whether any closed period holds the day first, without the sort
     * (SQLite opens a sorter for the ORDER BY even over no row: a third of
     * this check's cost, and every posting and new invoice makes it); the
     * sorted query below only names the period of a refusal. */
    int found = row_exists(
        db, "SELECT 1 FROM period_closes WHERE first_day <= ? AND last_day >= ? LIMIT 1", day,
        day, e);
    if (found != 1)
        return found;
    if (db_prepare(db,
                   "SELECT period FROM period_closes WHERE first_day <= ? AND last_day >= ? "
                   "ORDER BY first_day LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, day);
    db_bind_text(stmt, 2, day);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        snprintf(period, LEDGER_PERIOD_TEXT_MAX, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int ledger_writer_open(db_conn *db, int explicit_ids, ledger_writer *writer, err *e)
{
    memset(writer, 0, sizeof *writer);
    writer->explicit_ids = explicit_ids;
    if (explicit_ids) {
        db_stmt *stmt;
        if (db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM journal_entries", &stmt, e))
            return -1;
        db_step_result step = db_step(stmt, e);
        writer->next_id = step == DB_ROW ? db_column_int64(stmt, 0) + 1 : 0;
        db_reset(stmt);
        if (step != DB_ROW)
            return -1;
    }
    return db_prepare(db,
                      explicit_ids
                          ? "INSERT INTO journal_entries (entry_date, description, source, "
                            "source_ref, import_id, reverses_id, created_at, created_by, id) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          : "INSERT INTO journal_entries (entry_date, description, source, "
                            "source_ref, import_id, reverses_id, created_at, created_by) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      &writer->entry, e) ||
           db_prepare(db,
                      "INSERT INTO journal_lines (entry_id, line_no, account_id, center, "
                      "amount_cents, memo) VALUES (?, ?, ?, ?, ?, ?)",
                      &writer->line, e);
}

static void bind_optional_id(db_stmt *stmt, int index, int64_t id)
{
    if (id)
        db_bind_int64(stmt, index, id);
    else
        db_bind_null(stmt, index);
}

int ledger_write_entry(ledger_writer *writer, const ledger_entry_row *row, int64_t *id, err *e)
{
    char day[DATE_TEXT_MAX];
    db_stmt *stmt = writer->entry;
    db_reset(stmt);
    db_bind_text_static(stmt, 1, date_format(row->date, day, sizeof day));
    db_bind_text_static(stmt, 2, row->description);
    db_bind_text_static(stmt, 3, row->source);
    db_bind_text_static(stmt, 4, row->source_ref ? row->source_ref : "");
    bind_optional_id(stmt, 5, row->import_id);
    bind_optional_id(stmt, 6, row->reverses_id);
    db_bind_text_static(stmt, 7, row->created_at);
    db_bind_text_static(stmt, 8, row->created_by);
    if (!writer->explicit_ids)
        return db_insert_returning_id(stmt, id, e);
    db_bind_int64(stmt, 9, writer->next_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    *id = writer->next_id++;
    return 0;
}

int ledger_write_line(ledger_writer *writer, int64_t entry_id, int line_no, int64_t account_id,
                      const char *center, int64_t amount, const char *memo, err *e)
{
    db_stmt *stmt = writer->line;
    db_reset(stmt);
    db_bind_int64(stmt, 1, entry_id);
    db_bind_int64(stmt, 2, line_no);
    db_bind_int64(stmt, 3, account_id);
    db_bind_text_static(stmt, 4, center ? center : "");
    db_bind_int64(stmt, 5, amount);
    db_bind_text_static(stmt, 6, memo ? memo : "");
    return db_exec_stmt(stmt, e);
}

int ledger_balance_add(db_conn *db, int32_t month, int64_t account_id, const char *center,
                       int64_t debit, int64_t credit, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "INSERT INTO ledger_balances (month, account_id, center, debit_cents, "
                   "credit_cents) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (month, account_id, center) DO UPDATE SET "
                   "debit_cents = ledger_balances.debit_cents + excluded.debit_cents, "
                   "credit_cents = ledger_balances.credit_cents + excluded.credit_cents",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, month);
    db_bind_int64(stmt, 2, account_id);
    db_bind_text(stmt, 3, center ? center : "");
    db_bind_int64(stmt, 4, debit);
    db_bind_int64(stmt, 5, credit);
    return db_exec_stmt(stmt, e);
}

/* --- chart of accounts ---------------------------------------------------- */

#define ACCOUNT_COLUMNS "code, name, type, term, segment, report_group, created_at"

static json_t *account_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", db_column_text(stmt, 0),
                     "name", db_column_text(stmt, 1), "type", db_column_text(stmt, 2), "term",
                     db_column_text(stmt, 3), "segment", db_column_text(stmt, 4), "group",
                     db_column_text(stmt, 5), "created_at", db_column_text(stmt, 6));
}

int account_add(service_context *ctx, const account_input *in, json_t **out, err *e)
{
    char code[LEDGER_ACCOUNT_CODE_MAX + 8] = "", now[TIMESTAMP_TEXT_MAX];
    if (in->code && strlen(in->code) < sizeof code) {
        snprintf(code, sizeof code, "%s", in->code);
        service_normalize_code(code);
    } else if (in->code) {
        return err_set(e, ERR_INVALID, "code", "must be at most %d characters",
                       LEDGER_ACCOUNT_CODE_MAX);
    }
    if (ledger_account_check(code, in->type, in->term, in->segment, in->group, e) ||
        registry_name_check(in->name, "name", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *account = NULL;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM accounts WHERE code = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    if (step != DB_DONE) {
        if (step == DB_ROW)
            err_set(e, ERR_CONFLICT, "code", "account '%s' already exists", code);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO accounts (code, name, type, term, segment, report_group, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    db_bind_text(stmt, 2, in->name);
    db_bind_text(stmt, 3, in->type);
    db_bind_text(stmt, 4, in->term ? in->term : "");
    db_bind_text(stmt, 5, in->segment ? in->segment : "");
    db_bind_text(stmt, 6, in->group ? in->group : "");
    db_bind_text(stmt, 7, timestamp_format(timestamp_now(), now, sizeof now));
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE code = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, code);
    if (db_step(stmt, e) != DB_ROW)
        goto done;
    account = account_json(stmt);
    db_reset(stmt);
    rc = audit_append(ctx, "account", code, "create", NULL, account, NULL, e);
done:
    if (service_finish(ctx, rc, e)) {
        json_decref(account);
        return -1;
    }
    *out = account;
    return 0;
}

int account_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY code", &stmt, e))
        return -1;
    service_page all = {.limit = 0};
    return service_collect_page(stmt, account_json, &all, "code", out, e);
}

/* --- posting ------------------------------------------------------------- */

static json_t *money_json(int64_t cents)
{
    char text[MONEY_TEXT_MAX];
    return json_string(money_format(cents, MONEY_PLAIN, text, sizeof text));
}

/* Check an entry as a whole before anything is written. */
static int entry_check(db_conn *db, const ledger_entry *entry, int64_t *account_ids, err *e)
{
    if (registry_text_blank(entry->description))
        return err_set(e, ERR_INVALID, "description", "is required: say what the entry is for");
    if (registry_text_check(entry->description, LEDGER_DESCRIPTION_MAX, "description", e))
        return -1;
    if (entry->line_count < 2)
        return err_set(e, ERR_INVALID, "lines", "an entry needs at least two lines");
    if (entry->line_count > LEDGER_LINES_MAX)
        return err_set(e, ERR_INVALID, "lines", "an entry has at most %d lines", LEDGER_LINES_MAX);
    int64_t total = 0;
    for (size_t i = 0; i < entry->line_count; i++) {
        const ledger_line *line = &entry->lines[i];
        /* "lines[i]." written once, each member's name after it */
        char field[48];
        int prefix = snprintf(field, sizeof field - 8, "lines[%zu].", i);
        char *member = field + prefix;
        strcpy(member, "amount");
        if (ledger_amount_check(line->amount, field, e))
            return -1;
        total += line->amount;
        strcpy(member, "account");
        if (ledger_account_id(db, line->account ? line->account : "", &account_ids[i], field, e))
            return -1;
        /* A center already checked on an earlier line is not asked
         * again (a shipment's four lines name one center). */
        size_t same = 0;
        while (same < i && !(line->center && entry->lines[same].center &&
                             strcmp(line->center, entry->lines[same].center) == 0))
            same++;
        strcpy(member, "center");
        if (same == i && ledger_center_check(db, line->center, field, e))
            return -1;
        strcpy(member, "memo");
        if (line->memo && registry_text_check(line->memo, LEDGER_MEMO_MAX, field, e))
            return -1;
    }
    if (total != 0) {
        char difference[MONEY_TEXT_MAX];
        return err_set(e, ERR_INVALID, "lines",
                       "the entry does not balance: debits exceed credits by %s",
                       money_format(total, MONEY_GROUPED, difference, sizeof difference));
    }
    char closed[LEDGER_PERIOD_TEXT_MAX];
    if (ledger_closed_period_of(db, entry->date, closed, e))
        return -1;
    if (*closed) {
        char day[DATE_TEXT_MAX];
        return err_set(e, ERR_INVALID, "date", "%s falls in the closed period %s",
                       date_format(entry->date, day, sizeof day), closed);
    }
    return 0;
}

static int entry_fetch(db_conn *db, int64_t id, json_t **out, err *e);

/* The audit record of an entry just posted: the text audit_append would
 * store for entry_fetch's answer (its keys in byte order), written from
 * the values posted rather than read back, which cost a shipment two
 * queries, a jansson tree and its serialisation. Nothing can reverse the
 * entry yet: "reversed_by" is null. tests/unit/test_ledger.c checks that
 * the text is the canonical form of entry_fetch's answer. */
static void posted_audit_text(buffer *out, int64_t id, const ledger_entry_row *row,
                              const ledger_entry *entry)
{
    char day[DATE_TEXT_MAX], money[MONEY_TEXT_MAX];
    int64_t total = 0;
    json_writer w = {out};
    json_write_object_begin(&w, NULL);
    json_write_string(&w, "created_at", row->created_at);
    json_write_string(&w, "created_by", row->created_by);
    json_write_string(&w, "date", date_format(row->date, day, sizeof day));
    if (!*row->description && strcmp(row->source, "import") == 0) {
        buffer description = BUFFER_INIT;
        buffer_printf(&description, "Imported entry %s",
                      row->source_ref ? row->source_ref : "");
        json_write_string(&w, "description", buffer_text(&description));
        buffer_free(&description);
    } else {
        json_write_string(&w, "description", row->description);
    }
    json_write_integer(&w, "id", id);
    json_write_array_begin(&w, "lines");
    for (size_t i = 0; i < entry->line_count; i++) {
        const ledger_line *line = &entry->lines[i];
        if (line->amount > 0)
            total += line->amount;
        json_write_object_begin(&w, NULL);
        json_write_string(&w, "account", line->account);
        json_write_string(&w, "amount",
                          money_format(line->amount, MONEY_PLAIN, money, sizeof money));
        json_write_string(&w, "center", line->center ? line->center : "");
        json_write_string(&w, "memo", line->memo ? line->memo : "");
        json_write_object_end(&w);
    }
    json_write_array_end(&w);
    json_write_null(&w, "reversed_by");
    if (row->reverses_id)
        json_write_integer(&w, "reverses", row->reverses_id);
    else
        json_write_null(&w, "reverses");
    json_write_string(&w, "source", row->source);
    json_write_string(&w, "source_ref", row->source_ref ? row->source_ref : "");
    json_write_string(&w, "total", money_format(total, MONEY_PLAIN, money, sizeof money));
    json_write_object_end(&w);
}

static int post_checked(service_context *ctx, const ledger_entry *entry,
                        const int64_t *account_ids, int64_t reverses_id, const char *reason,
                        int64_t *entry_id, err *e)
{
    char now[TIMESTAMP_TEXT_MAX], id_text[24];
    ledger_entry_row row = {
        .date = entry->date,
        .description = entry->description,
        .source = entry->source,
        .source_ref = entry->source_ref,
        .reverses_id = reverses_id,
        .created_at = timestamp_format(timestamp_now(), now, sizeof now),
        .created_by = ctx->actor.username,
    };
    ledger_writer writer;
    if (ledger_writer_open(ctx->db, 0, &writer, e) ||
        ledger_write_entry(&writer, &row, entry_id, e))
        return -1;
    int32_t month = ledger_month_of(entry->date);
    for (size_t i = 0; i < entry->line_count; i++) {
        const ledger_line *line = &entry->lines[i];
        int64_t debit = line->amount > 0 ? line->amount : 0;
        if (ledger_write_line(&writer, *entry_id, (int)i + 1, account_ids[i], line->center,
                              line->amount, line->memo, e) ||
            ledger_balance_add(ctx->db, month, account_ids[i], line->center, debit,
                               debit ? 0 : -line->amount, e))
            return -1;
    }
    buffer posted = BUFFER_INIT;
    posted_audit_text(&posted, *entry_id, &row, entry);
    snprintf(id_text, sizeof id_text, "%" PRId64, *entry_id);
    int rc = audit_append_text(ctx, "journal_entry", id_text, reverses_id ? "reverse" : "post",
                               NULL, buffer_text(&posted), reason, e);
    buffer_free(&posted);
    return rc;
}

int ledger_post(service_context *ctx, const ledger_entry *entry, int64_t *entry_id, err *e)
{
    if (!db_in_transaction(ctx->db))
        return err_set(e, ERR_INTERNAL, NULL, "ledger_post needs the caller's transaction");
    if (entry->line_count > LEDGER_LINES_MAX)
        return err_set(e, ERR_INVALID, "lines", "an entry has at most %d lines", LEDGER_LINES_MAX);
    int64_t account_ids[LEDGER_LINES_MAX];
    if (entry_check(ctx->db, entry, account_ids, e))
        return -1;
    return post_checked(ctx, entry, account_ids, 0, NULL, entry_id, e);
}

/* --- reading entries ------------------------------------------------------ */

static int entry_lines_json(db_conn *db, int64_t id, json_t *lines, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT a.code, l.center, l.amount_cents, l.memo FROM journal_lines l "
                   "JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = ? "
                   "ORDER BY l.line_no",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_array_append_new(lines, json_pack("{s:s, s:s, s:o, s:s}", "account",
                                               db_column_text(stmt, 0), "center",
                                               db_column_text(stmt, 1), "amount",
                                               money_json(db_column_int64(stmt, 2)), "memo",
                                               db_column_text(stmt, 3)));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

#define ENTRY_COLUMNS                                                                         \
    "e.id, e.entry_date, CASE WHEN e.description = '' AND e.source = 'import' "               \
    "THEN 'Imported entry ' || e.source_ref ELSE e.description END, "                        \
    "e.source, e.source_ref, e.reverses_id, "                                                 \
    "(SELECT r.id FROM journal_entries r WHERE r.reverses_id = e.id), e.created_at, "         \
    "e.created_by, (SELECT SUM(l.amount_cents) FROM journal_lines l WHERE l.entry_id = e.id " \
    "AND l.amount_cents > 0)"

static json_t *optional_id(db_stmt *stmt, int column)
{
    return db_column_is_null(stmt, column) ? json_null()
                                           : json_integer(db_column_int64(stmt, column));
}

static json_t *entry_summary_json(db_stmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "id",
                     (json_int_t)db_column_int64(stmt, 0), "date", db_column_text(stmt, 1),
                     "description", db_column_text(stmt, 2), "source", db_column_text(stmt, 3),
                     "source_ref", db_column_text(stmt, 4), "reverses", optional_id(stmt, 5),
                     "reversed_by", optional_id(stmt, 6), "created_at", db_column_text(stmt, 7),
                     "created_by", db_column_text(stmt, 8), "total",
                     money_json(db_column_int64(stmt, 9)));
}

static int entry_fetch(db_conn *db, int64_t id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT " ENTRY_COLUMNS " FROM journal_entries e WHERE e.id = ?", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    json_t *entry = step == DB_ROW ? entry_summary_json(stmt) : NULL;
    db_reset(stmt);
    if (step != DB_ROW)
        return step == DB_DONE ? err_set(e, ERR_NOT_FOUND, "id", "no journal entry %" PRId64, id)
                               : -1;
    json_t *lines = json_array();
    json_object_set_new(entry, "lines", lines);
    if (entry_lines_json(db, id, lines, e)) {
        json_decref(entry);
        return -1;
    }
    *out = entry;
    return 0;
}

static int entry_id_parse(const char *text, int64_t *id, err *e)
{
    char *end = NULL;
    long long value = text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || value <= 0)
        return err_set(e, ERR_INVALID, "id", "must be a journal entry number");
    *id = value;
    return 0;
}

int journal_get(service_context *ctx, const char *entry_id, json_t **out, err *e)
{
    int64_t id;
    if (entry_id_parse(entry_id, &id, e))
        return -1;
    return entry_fetch(ctx->db, id, out, e);
}

/* The columns the journal list sorts by. */
static const service_sort_key journal_sort_keys[] = {
    {"id", "e.id"},
    {"date", "e.entry_date"},
    {"description", "CASE WHEN e.description = '' AND e.source = 'import' "
                    "THEN 'Imported entry ' || e.source_ref ELSE e.description END"},
    {"source", "e.source"},
    {"total", "(SELECT SUM(t.amount_cents) FROM journal_lines t WHERE t.entry_id = e.id "
              "AND t.amount_cents > 0)"},
    {"created_at", "e.created_at"},
    {"created_by", "e.created_by"},
};

/* The filters of the list: ?2..?3 the dates, ?4 the account id (0: any),
 * ?5 the source, ?6 the search pattern. */
#define JOURNAL_FILTERS                                                                       \
    "e.entry_date >= ?2 AND e.entry_date <= ?3 "                                              \
    "AND (?4 = 0 OR EXISTS (SELECT 1 FROM journal_lines a WHERE a.entry_id = e.id "           \
    "AND a.account_id = ?4)) "                                                                \
    "AND (?5 = '' OR e.source = ?5) "                                                         \
    "AND (?6 = '' OR UPPER(e.description) LIKE UPPER(?6) ESCAPE '\\' "                        \
    "OR UPPER(e.source_ref) LIKE UPPER(?6) ESCAPE '\\' OR EXISTS (SELECT 1 FROM journal_lines " \
    "m WHERE m.entry_id = e.id AND UPPER(m.memo) LIKE UPPER(?6) ESCAPE '\\')) "

/* One account's debits and credits (both positive) in an entry. */
#define ACCOUNT_SUMS                                                                     \
    ", (SELECT COALESCE(SUM(CASE WHEN l.amount_cents > 0 THEN l.amount_cents ELSE 0 END), " \
    "0) FROM journal_lines l WHERE l.entry_id = e.id AND l.account_id = ?4), "             \
    "(SELECT COALESCE(SUM(CASE WHEN l.amount_cents < 0 THEN -l.amount_cents ELSE 0 END), " \
    "0) FROM journal_lines l WHERE l.entry_id = e.id AND l.account_id = ?4)"

static json_t *entry_account_json(db_stmt *stmt)
{
    json_t *entry = entry_summary_json(stmt);
    json_object_set_new(entry, "account_debits", money_json(db_column_int64(stmt, 10)));
    json_object_set_new(entry, "account_credits", money_json(db_column_int64(stmt, 11)));
    return entry;
}

static void journal_filters_bind(db_stmt *stmt, const journal_filter *filter, int64_t account_id,
                                 const char *pattern)
{
    db_bind_text(stmt, 2, filter->from ? filter->from : "");
    db_bind_text(stmt, 3, filter->to ? filter->to : "9999-12-31");
    db_bind_int64(stmt, 4, account_id);
    db_bind_text(stmt, 5, filter->source ? filter->source : "");
    db_bind_text(stmt, 6, pattern);
}

/* The account's debits and credits over every entry the filters match. */
static int account_totals(db_conn *db, const journal_filter *filter, int64_t account_id,
                          const char *pattern, json_t *list, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT COALESCE(SUM(CASE WHEN l.amount_cents > 0 THEN l.amount_cents "
                   "ELSE 0 END), 0), COALESCE(SUM(CASE WHEN l.amount_cents < 0 THEN "
                   "-l.amount_cents ELSE 0 END), 0) FROM journal_entries e JOIN journal_lines l "
                   "ON l.entry_id = e.id AND l.account_id = ?4 WHERE e.id > ?1 AND " JOURNAL_FILTERS,
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, 0);
    journal_filters_bind(stmt, filter, account_id, pattern);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        json_object_set_new(list, "account_totals",
                            json_pack("{s:s, s:o, s:o}", "account", filter->account, "debits",
                                      money_json(db_column_int64(stmt, 0)), "credits",
                                      money_json(db_column_int64(stmt, 1))));
    db_reset(stmt);
    return step == DB_ROW ? 0 : -1;
}

int journal_list(service_context *ctx, journal_filter *filter, json_t **out, err *e)
{
    civil_day day;
    int64_t after = 0, account_id = 0;
    char pattern[256] = "", order[SERVICE_ORDER_MAX], sql[4096];
    if (service_page_check(&filter->page, e) ||
        (filter->from && date_parse(filter->from, &day, "from", e)) ||
        (filter->to && date_parse(filter->to, &day, "to", e)) ||
        service_like_pattern(filter->search, pattern, sizeof pattern, "q", e))
        return -1;
    if (filter->source && strlen(filter->source) > 32)
        return err_set(e, ERR_INVALID, "source", "must be at most 32 characters");
    if (filter->page.after && *filter->page.after) {
        err ignored;
        if (entry_id_parse(filter->page.after, &after, &ignored))
            return err_set(e, ERR_INVALID, "after", "must be a journal entry number");
    }
    /* Newest first reads newest first within a day too. */
    int descending = filter->page.sort && filter->page.sort[0] == '-';
    if (service_order_by(&filter->page, journal_sort_keys,
                         sizeof journal_sort_keys / sizeof journal_sort_keys[0], "e.id",
                         descending ? "e.id DESC" : "e.id", order, e))
        return -1;
    if (filter->account && *filter->account &&
        ledger_account_id(ctx->db, filter->account, &account_id, "account", e))
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT " ENTRY_COLUMNS "%s%s FROM journal_entries e WHERE e.id > ?1 AND "
             JOURNAL_FILTERS "ORDER BY %s LIMIT ?7 OFFSET ?8",
             account_id ? ACCOUNT_SUMS : "",
             service_page_sorted(&filter->page) ? ", " SERVICE_TOTAL_COLUMN : "", order);
    db_stmt *stmt;
    if (db_begin_read(ctx->db, e))
        return -1;
    int rc = db_prepare(ctx->db, sql, &stmt, e);
    if (rc == 0) {
        db_bind_int64(stmt, 1, after);
        journal_filters_bind(stmt, filter, account_id, pattern);
        db_bind_int64(stmt, 7, filter->page.limit);
        db_bind_int64(stmt, 8, filter->page.offset);
        rc = service_collect_page(stmt, account_id ? entry_account_json : entry_summary_json,
                                  &filter->page, "id", out, e);
    }
    if (rc == 0 && account_id && account_totals(ctx->db, filter, account_id, pattern, *out, e)) {
        json_decref(*out);
        *out = NULL;
        rc = -1;
    }
    db_rollback(ctx->db);
    return rc;
}

/* --- manual entries and reversals ----------------------------------------- */

int journal_post(service_context *ctx, const journal_entry_input *in, json_t **out, err *e)
{
    if (in->line_count > LEDGER_LINES_MAX)
        return err_set(e, ERR_INVALID, "lines", "an entry has at most %d lines", LEDGER_LINES_MAX);
    ledger_line lines[in->line_count ? in->line_count : 1];
    ledger_entry entry = {.description = in->description, .source = "manual",
                          .lines = lines, .line_count = in->line_count};
    if (!in->date || !*in->date)
        return err_set(e, ERR_INVALID, "date", "is required");
    if (date_parse(in->date, &entry.date, "date", e))
        return -1;
    for (size_t i = 0; i < in->line_count; i++) {
        char field[48];
        snprintf(field, sizeof field, "lines[%zu].amount", i);
        if (!in->lines[i].amount || !*in->lines[i].amount)
            return err_set(e, ERR_INVALID, field, "is required");
        if (money_parse(in->lines[i].amount, &lines[i].amount, field, e))
            return -1;
        lines[i].account = in->lines[i].account;
        lines[i].center = in->lines[i].center;
        lines[i].memo = in->lines[i].memo;
    }
    if (service_begin(ctx, e))
        return -1;
    int64_t id = 0;
    int rc = ledger_post(ctx, &entry, &id, e);
    if (service_finish(ctx, rc, e))
        return -1;
    return entry_fetch(ctx->db, id, out, e);
}

int journal_reverse(service_context *ctx, const char *entry_id, const char *date,
                    const char *reason, json_t **out, err *e)
{
    int64_t id, new_id = 0;
    if (entry_id_parse(entry_id, &id, e))
        return -1;
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "is required: say why the entry is reversed");
    if (registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e))
        return -1;
    civil_day reversal_date = 0;
    if (date && *date && date_parse(date, &reversal_date, "date", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *original = NULL;
    int rc = entry_fetch(ctx->db, id, &original, e);
    if (rc == 0 && !json_is_null(json_object_get(original, "reversed_by")))
        rc = err_set(e, ERR_CONFLICT, "id", "entry %" PRId64 " was already reversed by entry %" PRId64,
                     id, (int64_t)json_integer_value(json_object_get(original, "reversed_by")));
    if (rc == 0) {
        json_t *lines = json_object_get(original, "lines");
        size_t count = json_array_size(lines);
        ledger_line reversed[count ? count : 1];
        int64_t account_ids[count ? count : 1];
        char description[LEDGER_DESCRIPTION_MAX * 4 + 1], ref[24];
        snprintf(description, sizeof description, "Reversal of entry %" PRId64 ": %.150s", id,
                 json_string_value(json_object_get(original, "description")));
        snprintf(ref, sizeof ref, "%" PRId64, id);
        for (size_t i = 0; i < count && rc == 0; i++) {
            json_t *line = json_array_get(lines, i);
            reversed[i].account = json_string_value(json_object_get(line, "account"));
            reversed[i].center = json_string_value(json_object_get(line, "center"));
            reversed[i].memo = json_string_value(json_object_get(line, "memo"));
            rc = money_parse(json_string_value(json_object_get(line, "amount")),
                             &reversed[i].amount, "amount", e);
            reversed[i].amount = -reversed[i].amount;
        }
        if (rc == 0 && !(date && *date))
            rc = date_parse(json_string_value(json_object_get(original, "date")), &reversal_date,
                            "date", e);
        ledger_entry entry = {.date = reversal_date, .description = description,
                              .source = "reversal", .source_ref = ref, .lines = reversed,
                              .line_count = count};
        if (rc == 0)
            rc = entry_check(ctx->db, &entry, account_ids, e);
        if (rc == 0)
            rc = post_checked(ctx, &entry, account_ids, id, reason, &new_id, e);
    }
    json_decref(original);
    if (service_finish(ctx, rc, e))
        return -1;
    return entry_fetch(ctx->db, new_id, out, e);
}

/* --- closed periods ------------------------------------------------------- */

#define PERIOD_COLUMNS                                                                   \
    "p.period, p.first_day, p.last_day, u.username, p.signature_meaning, p.signed_at, " \
    "p.reason"

static json_t *period_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "period", db_column_text(stmt, 0),
                     "first_day", db_column_text(stmt, 1), "last_day", db_column_text(stmt, 2),
                     "signed_by", db_column_text(stmt, 3), "signature_meaning",
                     db_column_text(stmt, 4), "signed_at", db_column_text(stmt, 5), "reason",
                     service_json_text(db_column_is_null(stmt, 6) ? NULL
                                                                  : db_column_text(stmt, 6)));
}

int period_close(service_context *ctx, const char *period_text, const char *signer,
                 const char *password, const char *reason, json_t **out, err *e)
{
    ledger_period period;
    if (ledger_period_parse(period_text, &period, "period", e))
        return -1;
    if (reason && *reason && registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e))
        return -1;
    /* The signature first, outside the transaction: argon2 takes a while. */
    int64_t signer_id = 0;
    if (auth_signature_check(ctx, signer, password, CAPABILITY_LEDGER_WRITE, &signer_id, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    json_t *closed = NULL;
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    db_stmt *stmt;
    if (db_prepare(ctx->db, "SELECT 1 FROM period_closes WHERE period = ?", &stmt, e))
        goto done;
    db_bind_text(stmt, 1, period.text);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    if (step != DB_DONE) {
        if (step == DB_ROW)
            err_set(e, ERR_CONFLICT, "period", "%s is already closed", period.text);
        goto done;
    }
    if (db_prepare(ctx->db,
                   "INSERT INTO period_closes (period, first_day, last_day, signed_by, "
                   "signature_meaning, signed_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, period.text);
    db_bind_text(stmt, 2, date_format(period.first_day, first, sizeof first));
    db_bind_text(stmt, 3, date_format(period.last_day, last, sizeof last));
    db_bind_int64(stmt, 4, signer_id);
    db_bind_text(stmt, 5, "period closed: no further postings");
    db_bind_text(stmt, 6, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 7, reason && *reason ? reason : NULL);
    if (db_exec_stmt(stmt, e) ||
        db_prepare(ctx->db,
                   "SELECT " PERIOD_COLUMNS " FROM period_closes p JOIN users u ON "
                   "u.id = p.signed_by WHERE p.period = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, period.text);
    if (db_step(stmt, e) != DB_ROW)
        goto done;
    closed = period_json(stmt);
    db_reset(stmt);
    rc = audit_append(ctx, "period", period.text, "close", NULL, closed, reason, e);
done:
    if (service_finish(ctx, rc, e)) {
        json_decref(closed);
        return -1;
    }
    *out = closed;
    return 0;
}

int period_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT " PERIOD_COLUMNS " FROM period_closes p JOIN users u ON "
                   "u.id = p.signed_by ORDER BY p.first_day, p.last_day DESC",
                   &stmt, e))
        return -1;
    service_page all = {.limit = 0};
    return service_collect_page(stmt, period_json, &all, "period", out, e);
}

int ledger_periods_to_close(service_context *ctx, civil_day today, json_t **out, err *e)
{
    if (db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt;
    char last_closed[LEDGER_PERIOD_TEXT_MAX] = "", last_day[DATE_TEXT_MAX] = "";
    json_t *items = json_array();
    int rc = db_prepare(ctx->db,
                        "SELECT period, last_day FROM period_closes "
                        "ORDER BY last_day DESC, first_day LIMIT 1",
                        &stmt, e);
    if (rc == 0) {
        db_step_result step = db_step(stmt, e);
        if (step == DB_ROW) {
            snprintf(last_closed, sizeof last_closed, "%s", db_column_text(stmt, 0));
            snprintf(last_day, sizeof last_day, "%s", db_column_text(stmt, 1));
        }
        db_reset(stmt);
        rc = step == DB_FAILED ? -1 : 0;
    }
    /* The months after the last closed one and before today's, from the
     * balances' key (month first): a month holds postings when it has a
     * balance. */
    civil_day closed_through = 0;
    if (rc == 0 && *last_day && date_parse(last_day, &closed_through, "last_day", e))
        rc = -1;
    if (rc == 0)
        rc = db_prepare(ctx->db,
                        "SELECT DISTINCT month FROM ledger_balances WHERE month > ? AND month < ? "
                        "ORDER BY month",
                        &stmt, e);
    if (rc == 0) {
        db_bind_int64(stmt, 1, *last_day ? ledger_month_of(closed_through) : 0);
        db_bind_int64(stmt, 2, ledger_month_of(today));
        db_step_result step;
        while ((step = db_step(stmt, e)) == DB_ROW) {
            int32_t month = (int32_t)db_column_int64(stmt, 0);
            char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX];
            date_format(ledger_month_first_day(month), first, sizeof first);
            date_format(ledger_month_first_day(ledger_month_next(month)) - 1, last, sizeof last);
            /* The month as a period: "2004-04", the first day's year and month. */
            json_array_append_new(items, json_pack("{s:s#, s:s, s:s}", "period", first, (int)7,
                                                   "first_day", first, "last_day", last));
        }
        db_reset(stmt);
        rc = step == DB_FAILED ? -1 : 0;
    }
    db_rollback(ctx->db);
    if (rc) {
        json_decref(items);
        return -1;
    }
    *out = json_pack("{s:o, s:o}", "last_closed",
                     service_json_text(*last_closed ? last_closed : NULL), "items", items);
    return 0;
}

/* --- weighted shares ------------------------------------------------------ */

static int shares_parse(const char *text, int64_t *value, const char *field, err *e)
{
    char *end = NULL;
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    long long parsed = strtoll(text, &end, 10);
    if (*end || parsed <= 0 || parsed > 1000000000000LL || text[0] < '0' || text[0] > '9')
        return err_set(e, ERR_INVALID, field, "must be a whole number of shares from 1");
    *value = parsed;
    return 0;
}

static json_t *shares_json(db_stmt *stmt)
{
    return json_pack("{s:s, s:I, s:I, s:s, s:s}", "period", db_column_text(stmt, 0), "basic",
                     (json_int_t)db_column_int64(stmt, 1), "diluted",
                     (json_int_t)db_column_int64(stmt, 2), "updated_at", db_column_text(stmt, 3),
                     "updated_by", db_column_text(stmt, 4));
}

#define SHARES_SELECT \
    "SELECT period, basic, diluted, updated_at, updated_by FROM weighted_shares "

static int shares_fetch(db_conn *db, const char *period, json_t **out, err *e)
{
    db_stmt *stmt;
    *out = NULL;
    if (db_prepare(db, SHARES_SELECT "WHERE period = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, period);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *out = shares_json(stmt);
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int shares_set(service_context *ctx, const char *period_text, const char *basic_text,
               const char *diluted_text, json_t **out, err *e)
{
    quarter q;
    char period[LEDGER_PERIOD_TEXT_MAX], now[TIMESTAMP_TEXT_MAX];
    int64_t basic, diluted;
    if (!period_text || !*period_text)
        return err_set(e, ERR_INVALID, "period", "is required");
    if (quarter_parse(period_text, &q, "period", e) ||
        shares_parse(basic_text, &basic, "basic", e) ||
        shares_parse(diluted_text, &diluted, "diluted", e))
        return -1;
    if (diluted < basic)
        return err_set(e, ERR_INVALID, "diluted",
                       "must be at least the basic shares (%" PRId64 "): dilution only adds",
                       basic);
    quarter_format(q, period, sizeof period);
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    int rc = -1;
    if (shares_fetch(ctx->db, period, &before, e) ||
        db_prepare(ctx->db,
                   "INSERT INTO weighted_shares (period, basic, diluted, updated_at, updated_by) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (period) DO UPDATE SET "
                   "basic = excluded.basic, diluted = excluded.diluted, "
                   "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, period);
    db_bind_int64(stmt, 2, basic);
    db_bind_int64(stmt, 3, diluted);
    db_bind_text(stmt, 4, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_text(stmt, 5, ctx->actor.username);
    if (db_exec_stmt(stmt, e) || shares_fetch(ctx->db, period, &after, e))
        goto done;
    rc = audit_append(ctx, "shares", period, before ? "update" : "create", before, after, NULL, e);
done:
    return service_finish_record(ctx, rc, before, after, out, e);
}

int shares_list(service_context *ctx, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(ctx->db, SHARES_SELECT "ORDER BY period", &stmt, e))
        return -1;
    service_page all = {.limit = 0};
    return service_collect_page(stmt, shares_json, &all, "period", out, e);
}

int ledger_shares_of(db_conn *db, const char *quarter_text, int64_t *basic, int64_t *diluted,
                     int *found, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT basic, diluted FROM weighted_shares WHERE period = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, quarter_text);
    db_step_result step = db_step(stmt, e);
    *found = step == DB_ROW;
    if (*found) {
        *basic = db_column_int64(stmt, 0);
        *diluted = db_column_int64(stmt, 1);
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* --- balances for reports ------------------------------------------------- */

int ledger_chart_load(db_conn *db, ledger_chart *chart, err *e)
{
    memset(chart, 0, sizeof *chart);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT id, code, name, type, term, segment, report_group FROM accounts "
                   "ORDER BY code",
                   &stmt, e))
        return -1;
    size_t capacity = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (chart->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            ledger_account *grown = realloc(chart->items, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                ledger_chart_free(chart);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            chart->items = grown;
        }
        ledger_account *account = &chart->items[chart->count++];
        memset(account, 0, sizeof *account);
        account->id = db_column_int64(stmt, 0);
        snprintf(account->code, sizeof account->code, "%s", db_column_text(stmt, 1));
        snprintf(account->name, sizeof account->name, "%s", db_column_text(stmt, 2));
        int type = account_type_from_name(db_column_text(stmt, 3));
        account->type = type < 0 ? ACCOUNT_OTHER : (account_type)type;
        account->non_current = strcmp(db_column_text(stmt, 4), "non_current") == 0;
        account->segment_services = strcmp(db_column_text(stmt, 5), "blood_services") == 0;
        snprintf(account->report_group, sizeof account->report_group, "%s",
                 db_column_text(stmt, 6));
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        ledger_chart_free(chart);
        return -1;
    }
    return 0;
}

void ledger_chart_free(ledger_chart *chart)
{
    free(chart->items);
    memset(chart, 0, sizeof *chart);
}

const ledger_account *ledger_chart_find(const ledger_chart *chart, int64_t account_id)
{
    for (size_t i = 0; i < chart->count; i++)
        if (chart->items[i].id == account_id)
            return &chart->items[i];
    return NULL;
}

int ledger_sums_append(ledger_sums *sums, const ledger_sum *sum)
{
    if (sums->count == sums->capacity) {
        size_t capacity = sums->capacity ? sums->capacity * 2 : 256;
        ledger_sum *grown = realloc(sums->items, capacity * sizeof *grown);
        if (!grown)
            return -1;
        sums->items = grown;
        sums->capacity = capacity;
    }
    sums->items[sums->count++] = *sum;
    return 0;
}

/* The whole months inside from..to, and the days outside them. */
typedef struct {
    int32_t first_month, last_month; /* first > last: no whole month */
    civil_day head_from, head_to;    /* head_from > head_to: none */
    civil_day tail_from, tail_to;
} sum_plan;

static sum_plan plan_sums(civil_day from, civil_day to)
{
    sum_plan plan = {1, 0, 1, 0, 1, 0};
    int32_t first = ledger_month_of(from);
    if (ledger_month_first_day(first) != from)
        first = ledger_month_next(first);
    int32_t after_last = ledger_month_of(to + 1) == ledger_month_of(to)
                             ? ledger_month_of(to)
                             : ledger_month_next(ledger_month_of(to));
    /* after_last is the month following the last whole month. */
    civil_day whole_from = ledger_month_first_day(first);
    civil_day whole_end = ledger_month_first_day(after_last); /* exclusive */
    if (whole_from >= whole_end) {
        plan.head_from = from;
        plan.head_to = to;
        return plan;
    }
    plan.first_month = first;
    plan.last_month = ledger_month_of(whole_end - 1);
    if (from < whole_from) {
        plan.head_from = from;
        plan.head_to = whole_from - 1;
    }
    if (to >= whole_end) {
        plan.tail_from = whole_end;
        plan.tail_to = to;
    }
    return plan;
}

int ledger_entries_between(db_conn *db, civil_day from, civil_day to, int64_t *count, err *e)
{
    char first[DATE_TEXT_MAX], last[DATE_TEXT_MAX];
    db_stmt *stmt;
    *count = 0;
    if (db_prepare(db,
                   "SELECT COUNT(*) FROM journal_entries WHERE entry_date >= ? AND entry_date <= ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, date_format(from, first, sizeof first));
    db_bind_text(stmt, 2, date_format(to, last, sizeof last));
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        *count = db_column_int64(stmt, 0);
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

int ledger_sums_between(db_conn *db, civil_day from, civil_day to, ledger_sums *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (from > to)
        return 0;
    sum_plan plan = plan_sums(from, to);
    char head_from[DATE_TEXT_MAX] = "9", head_to[DATE_TEXT_MAX] = "0";
    char tail_from[DATE_TEXT_MAX] = "9", tail_to[DATE_TEXT_MAX] = "0";
    if (plan.head_from <= plan.head_to) {
        date_format(plan.head_from, head_from, sizeof head_from);
        date_format(plan.head_to, head_to, sizeof head_to);
    }
    if (plan.tail_from <= plan.tail_to) {
        date_format(plan.tail_from, tail_from, sizeof tail_from);
        date_format(plan.tail_to, tail_to, sizeof tail_to);
    }
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT account_id, center, SUM(debit_cents), SUM(credit_cents) FROM ("
                   " SELECT account_id, center, debit_cents, credit_cents FROM ledger_balances"
                   " WHERE month >= ? AND month <= ?"
                   " UNION ALL"
                   " SELECT l.account_id, l.center,"
                   "  CASE WHEN l.amount_cents > 0 THEN l.amount_cents ELSE 0 END,"
                   "  CASE WHEN l.amount_cents < 0 THEN -l.amount_cents ELSE 0 END"
                   " FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id"
                   " WHERE (e.entry_date >= ? AND e.entry_date <= ?)"
                   "    OR (e.entry_date >= ? AND e.entry_date <= ?)"
                   ") postings GROUP BY account_id, center ORDER BY account_id, center",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, plan.first_month);
    db_bind_int64(stmt, 2, plan.last_month);
    db_bind_text(stmt, 3, head_from);
    db_bind_text(stmt, 4, head_to);
    db_bind_text(stmt, 5, tail_from);
    db_bind_text(stmt, 6, tail_to);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        ledger_sum sum = {.account_id = db_column_int64(stmt, 0),
                          .debit = db_column_int64(stmt, 2),
                          .credit = db_column_int64(stmt, 3)};
        snprintf(sum.center, sizeof sum.center, "%s", db_column_text(stmt, 1));
        if (ledger_sums_append(out, &sum)) {
            db_reset(stmt);
            ledger_sums_free(out);
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        ledger_sums_free(out);
        return -1;
    }
    return 0;
}

void ledger_sums_free(ledger_sums *sums)
{
    free(sums->items);
    memset(sums, 0, sizeof *sums);
}
