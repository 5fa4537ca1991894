/*
 * journal_io.c - CSV import and export of the journal, and its export in
 * hledger's journal syntax (see ledger.h).
 *
 * Import reads the file once. Every line is checked (date, entry key,
 * account, center, amount, memo) and each entry (consecutive lines sharing
 * the `entry` key) must balance, keep one date and fall in an open period.
 * While no problem has been found, entries are written as they complete,
 * inside one transaction; at the first problem writing stops but checking
 * goes on to the end, so the answer lists every problem by line number and
 * the transaction is rolled back: all or nothing. Monthly balances are
 * summed in memory and written once at the end. Accounts, centers and
 * closed periods are read once into memory, so a line costs no lookup in
 * the database, only its insert.
 *
 * A journal imported twice would count its entries twice: a file whose
 * SHA-256 an earlier import recorded, and an entry key already imported
 * (or used twice in the file), are problems naming the earlier import,
 * unless the import is given a reason (a deliberate re-import, audited
 * with it). Keys are looked up in batches of KEY_BATCH entries, one query
 * each, through the partial index on imported entries' keys.
 *
 * Export reads the entries in one read transaction and writes them in
 * chunks, as the import format or for hledger (docs/reports.md, "The
 * journal for hledger").
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/money.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/ledger.h"
#include "service/ledger_write.h"

enum { ENTRY_KEY_MAX = 64, IMPORT_PROGRESS_EVERY = 100000, CENTER_CODE_MAX = 24,
       KEY_BATCH = 64 /* parameters of one statement: at most 64 on PostgreSQL (store/postgres.c) */ };

static const char IMPORT_HEADER[] = "date,entry,account,center,amount,memo";

/* --- what the import looks things up in ---------------------------------- */

typedef struct {
    char code[LEDGER_ACCOUNT_CODE_MAX + 1];
    int64_t id;
} account_key;

typedef struct {
    char code[CENTER_CODE_MAX];
} center_key;

typedef struct {
    civil_day first, last;
    char period[LEDGER_PERIOD_TEXT_MAX];
} closed_range;

typedef struct {
    account_key *accounts;
    size_t account_count;
    center_key *centers;
    size_t center_count;
    closed_range *closed;
    size_t closed_count;
} lookups;

static int compare_codes(const void *a, const void *b)
{
    return strcmp(a, b); /* both structs start with their code */
}

/* Read every row of `sql` into items of `size` bytes that start with a
 * code of `code_size` bytes: account_key (with_id: the second column is the
 * id) or center_key. */
static int load_codes(db_conn *db, const char *sql, void **items, size_t *count, size_t size,
                      size_t code_size, int with_id, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    size_t capacity = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            void *grown = realloc(*items, capacity * size);
            if (!grown) {
                db_reset(stmt);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            *items = grown;
        }
        char *item = (char *)*items + *count * size;
        memset(item, 0, size);
        snprintf(item, code_size, "%s", db_column_text(stmt, 0));
        if (with_id)
            ((account_key *)item)->id = db_column_int64(stmt, 1);
        (*count)++;
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    qsort(*items, *count, size, compare_codes);
    return 0;
}

static int load_closed(db_conn *db, lookups *l, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT period, first_day, last_day FROM period_closes", &stmt, e))
        return -1;
    db_step_result step;
    size_t capacity = 0;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (l->closed_count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            closed_range *grown = realloc(l->closed, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            l->closed = grown;
        }
        closed_range *range = &l->closed[l->closed_count++];
        snprintf(range->period, sizeof range->period, "%s", db_column_text(stmt, 0));
        if (date_parse(db_column_text(stmt, 1), &range->first, NULL, NULL) ||
            date_parse(db_column_text(stmt, 2), &range->last, NULL, NULL))
            range->first = 1, range->last = 0;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static int lookups_load(db_conn *db, lookups *l, err *e)
{
    memset(l, 0, sizeof *l);
    return load_codes(db, "SELECT code, id FROM accounts", (void **)&l->accounts,
                      &l->account_count, sizeof(account_key),
                      sizeof l->accounts->code, 1, e) ||
           load_codes(db, "SELECT code FROM centers UNION SELECT code FROM markets",
                      (void **)&l->centers, &l->center_count, sizeof(center_key),
                      sizeof l->centers->code, 0, e) ||
           load_closed(db, l, e);
}

static void lookups_free(lookups *l)
{
    free(l->accounts);
    free(l->centers);
    free(l->closed);
}

static const closed_range *closed_range_of(const lookups *l, civil_day day)
{
    for (size_t i = 0; i < l->closed_count; i++)
        if (l->closed[i].first <= day && day <= l->closed[i].last)
            return &l->closed[i];
    return NULL;
}

/* --- monthly balances summed in memory ------------------------------------ */

typedef struct {
    int32_t month; /* 0: empty slot */
    int64_t account_id;
    char center[CENTER_CODE_MAX];
    int64_t debit, credit;
} balance_slot;

typedef struct {
    balance_slot *slots;
    size_t capacity, used;
} balance_table;

static uint64_t balance_hash(int32_t month, int64_t account_id, const char *center)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    h = (h ^ (uint64_t)month) * 1099511628211ULL;
    h = (h ^ (uint64_t)account_id) * 1099511628211ULL;
    for (const char *p = center; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

static balance_slot *balance_find(balance_slot *slots, size_t capacity, int32_t month,
                                  int64_t account_id, const char *center)
{
    size_t i = balance_hash(month, account_id, center) & (capacity - 1);
    while (slots[i].month &&
           !(slots[i].month == month && slots[i].account_id == account_id &&
             strcmp(slots[i].center, center) == 0))
        i = (i + 1) & (capacity - 1);
    return &slots[i];
}

static int balance_grow(balance_table *t)
{
    size_t capacity = t->capacity ? t->capacity * 2 : 1024;
    balance_slot *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->capacity; i++)
        if (t->slots[i].month)
            *balance_find(slots, capacity, t->slots[i].month, t->slots[i].account_id,
                          t->slots[i].center) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->capacity = capacity;
    return 0;
}

static int balance_accumulate(balance_table *t, int32_t month, int64_t account_id,
                              const char *center, int64_t amount)
{
    if ((t->used + 1) * 2 > t->capacity && balance_grow(t))
        return -1;
    balance_slot *slot = balance_find(t->slots, t->capacity, month, account_id, center);
    if (!slot->month) {
        slot->month = month;
        slot->account_id = account_id;
        snprintf(slot->center, sizeof slot->center, "%s", center);
        t->used++;
    }
    if (amount > 0)
        slot->debit += amount;
    else
        slot->credit -= amount;
    return 0;
}

/* --- the import ----------------------------------------------------------- */

typedef struct {
    int64_t account_id;
    char center[CENTER_CODE_MAX];
    int64_t amount;
    size_t memo_at; /* offset in import_state.memos; NO_MEMO for none */
} pending_line;

#define NO_MEMO ((size_t)-1)

typedef struct {
    service_context *ctx;
    lookups lookups;
    balance_table balances;
    service_problems problems; /* every problem found, the first ones kept */
    int64_t import_id;
    ledger_writer writer;
    char created_at[TIMESTAMP_TEXT_MAX];
    const char *file_name;

    /* the entry being read */
    char key[ENTRY_KEY_MAX + 1];
    long first_line;
    civil_day date;
    int has_entry, entry_broken;
    pending_line *lines;
    size_t line_count, line_capacity;
    buffer memos; /* the memos of the entry's lines, each NUL-terminated */

    long entries, lines_written;
    int64_t first_entry, last_entry;

    /* the keys written since the last look-up of earlier ones (none when a
     * re-import has its reason) */
    const char *reimport_reason;
    struct {
        int64_t id;
        long line;
        char key[ENTRY_KEY_MAX + 1];
    } batch[KEY_BATCH];
    size_t batch_count;
} import_state;

static void problem_err(import_state *s, long line, const err *e)
{
    service_problem(&s->problems, line, e->field, "%s", e->message);
}

static void pending_clear(import_state *s)
{
    buffer_reset(&s->memos);
    s->line_count = 0;
    s->has_entry = 0;
    s->entry_broken = 0;
}

/* The earlier import of a key, from the look-up's row: a problem at the
 * line of the entry of this file that repeats it. */
static void key_repeated(import_state *s, size_t i, db_stmt *stmt)
{
    int64_t import_id = db_column_int64(stmt, 2);
    if (import_id == s->import_id)
        service_problem(&s->problems, s->batch[i].line, "entry",
                        "entry key %s is used twice in this file: each entry needs a key of its "
                        "own",
                        s->batch[i].key);
    else
        service_problem(&s->problems, s->batch[i].line, "entry",
                        "entry %s was already imported by import %" PRId64
                        " (%s, %.10s): importing it again would count it twice; give a reason "
                        "to import it again on purpose",
                        s->batch[i].key, import_id, db_column_text(stmt, 3),
                        db_column_text(stmt, 4));
}

/* Look up the keys of the batch among the imported entries: each one found
 * other than the entry just written is a problem. One query per batch. */
static int batch_check(import_state *s, err *e)
{
    if (!s->batch_count)
        return 0;
    static const char select[] =
        "SELECT e.source_ref, e.id, e.import_id, i.file_name, i.imported_at "
        "FROM journal_entries e JOIN journal_imports i ON i.id = e.import_id "
        "WHERE e.source = 'import' AND e.source_ref IN (?";
    static const char end[] = ") ORDER BY e.id";
    char sql[sizeof select + 2 * KEY_BATCH + sizeof end];
    size_t at = sizeof select - 1;
    memcpy(sql, select, at);
    for (size_t i = 1; i < s->batch_count; i++, at += 2)
        memcpy(sql + at, ",?", 2);
    memcpy(sql + at, end, sizeof end);
    db_stmt *stmt;
    if (db_prepare(s->ctx->db, sql, &stmt, e))
        return -1;
    for (size_t i = 0; i < s->batch_count; i++)
        db_bind_text(stmt, (int)i + 1, s->batch[i].key);
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        const char *key = db_column_text(stmt, 0);
        int64_t id = db_column_int64(stmt, 1);
        for (size_t i = 0; i < s->batch_count; i++)
            if (s->batch[i].id > id && strcmp(s->batch[i].key, key) == 0)
                key_repeated(s, i, stmt);
    }
    db_reset(stmt);
    s->batch_count = 0;
    return step == DB_FAILED ? -1 : 0;
}

/* Where the file was imported before, by its SHA-256: the one problem
 * told (every key it repeats would only say the same), naming that
 * import. */
static int file_check(import_state *s, const char *sha256, err *e)
{
    db_stmt *stmt;
    if (db_prepare(s->ctx->db,
                   "SELECT id, file_name, imported_at, imported_by FROM journal_imports "
                   "WHERE sha256 = ? AND id <> ? ORDER BY id LIMIT 1",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, sha256);
    db_bind_int64(stmt, 2, s->import_id);
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW)
        service_problem_alone(&s->problems, 1, "file",
                              "this file was already imported by import %" PRId64
                              " (%s, %.10s, by %s): importing it again would count its entries twice; "
                              "give a reason to import it again on purpose",
                              db_column_int64(stmt, 0), db_column_text(stmt, 1),
                              db_column_text(stmt, 2), db_column_text(stmt, 3));
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* Write the entry read so far (when nothing is wrong yet) and forget it. */
static int entry_finish(import_state *s, err *e)
{
    if (!s->has_entry)
        return 0;
    int64_t total = 0;
    for (size_t i = 0; i < s->line_count; i++)
        total += s->lines[i].amount;
    if (!s->entry_broken) {
        const closed_range *closed = closed_range_of(&s->lookups, s->date);
        char day[DATE_TEXT_MAX], money[MONEY_TEXT_MAX];
        if (s->line_count < 2)
            service_problem(&s->problems, s->first_line, "entry", "entry %s has a single line: an entry needs two",
                    s->key);
        else if (total != 0)
            service_problem(&s->problems, s->first_line, "amount",
                    "entry %s does not balance: its lines add up to %s instead of 0.00", s->key,
                    money_format(total, MONEY_GROUPED, money, sizeof money));
        else if (closed)
            service_problem(&s->problems, s->first_line, "date", "entry %s is dated %s, in the closed period %s",
                    s->key, date_format(s->date, day, sizeof day), closed->period);
    }
    int rc = 0;
    if (s->problems.count == 0) {
        ledger_entry_row row = {.date = s->date, .description = "", .source = "import",
                                .source_ref = s->key, .import_id = s->import_id,
                                .created_at = s->created_at, .created_by = s->ctx->actor.username};
        int64_t id = 0;
        int32_t month = ledger_month_of(s->date);
        rc = ledger_write_entry(&s->writer, &row, &id, e);
        for (size_t i = 0; rc == 0 && i < s->line_count; i++) {
            pending_line *line = &s->lines[i];
            const char *memo = line->memo_at == NO_MEMO ? "" : s->memos.data + line->memo_at;
            rc = ledger_write_line(&s->writer, id, (int)i + 1, line->account_id, line->center,
                                   line->amount, memo, e);
            if (rc == 0 && balance_accumulate(&s->balances, month, line->account_id,
                                              line->center, line->amount))
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
        if (!s->first_entry)
            s->first_entry = id;
        s->last_entry = id;
        s->entries++;
        s->lines_written += (long)s->line_count;
        if (rc == 0 && !s->reimport_reason) {
            s->batch[s->batch_count].id = id;
            s->batch[s->batch_count].line = s->first_line;
            snprintf(s->batch[s->batch_count].key, sizeof s->batch[0].key, "%s", s->key);
            if (++s->batch_count == KEY_BATCH)
                rc = batch_check(s, e);
        }
    }
    pending_clear(s);
    return rc;
}

static const account_key *account_lookup(const lookups *l, const char *code)
{
    return bsearch(code, l->accounts, l->account_count, sizeof *l->accounts, compare_codes);
}

static int center_known(const lookups *l, const char *code)
{
    return !*code || bsearch(code, l->centers, l->center_count, sizeof *l->centers, compare_codes);
}

/* Check one line and add it to the entry it belongs to. */
static int import_line(import_state *s, char *text, long number, err *e)
{
    char *f[7];
    int count = csv_split(text, f, 7);
    if (count != 6) {
        if (count < 0)
            service_problem(&s->problems, number, "line",
                    "has an unclosed quote, text after a closing quote or more than 7 fields "
                    "(6 expected: %s)",
                    IMPORT_HEADER);
        else
            service_problem(&s->problems, number, "line", "must have 6 fields: %s (has %d)", IMPORT_HEADER, count);
        s->entry_broken = 1;
        return 0;
    }
    const char *memo = f[5]; /* may be empty, but its comma is there */
    err problem_e;
    civil_day date = 0;
    int date_ok = date_parse(f[0], &date, "date", &problem_e) == 0;
    if (!date_ok)
        problem_err(s, number, &problem_e);

    const char *key = f[1];
    if (!*key || strlen(key) > ENTRY_KEY_MAX) {
        service_problem(&s->problems, number, "entry", "must be 1 to %d characters", ENTRY_KEY_MAX);
        return 0;
    }
    if (!s->has_entry || strcmp(key, s->key) != 0) {
        if (entry_finish(s, e))
            return -1;
        snprintf(s->key, sizeof s->key, "%s", key);
        s->first_line = number;
        s->has_entry = 1;
        s->date = date;
        if (!date_ok)
            s->entry_broken = 1;
    } else if (date_ok && s->date != date && !s->entry_broken) {
        char first[DATE_TEXT_MAX];
        service_problem(&s->problems, number, "date", "entry %s began on %s: all its lines need the same date", key,
                date_format(s->date, first, sizeof first));
        s->entry_broken = 1;
    }
    if (!date_ok)
        s->entry_broken = 1;

    pending_line line = {0};
    const account_key *account = account_lookup(&s->lookups, f[2]);
    if (!account) {
        service_problem(&s->problems, number, "account", "no account '%.40s' in the chart of accounts", f[2]);
        s->entry_broken = 1;
    } else {
        line.account_id = account->id;
    }
    if (strlen(f[3]) >= CENTER_CODE_MAX || !center_known(&s->lookups, f[3])) {
        service_problem(&s->problems, number, "center", "no donor center or market '%.40s'", f[3]);
        s->entry_broken = 1;
    } else {
        snprintf(line.center, sizeof line.center, "%s", f[3]);
    }
    if (money_parse(f[4], &line.amount, "amount", &problem_e) ||
        ledger_amount_check(line.amount, "amount", &problem_e)) {
        problem_err(s, number, &problem_e);
        s->entry_broken = 1;
        line.amount = 0;
    }
    if (*memo && registry_text_check(memo, LEDGER_MEMO_MAX, "memo", &problem_e)) {
        problem_err(s, number, &problem_e);
        s->entry_broken = 1;
    }
    if (s->line_count == LEDGER_LINES_MAX) {
        if (!s->entry_broken)
            service_problem(&s->problems, number, "entry", "entry %s has more than %d lines", key, LEDGER_LINES_MAX);
        s->entry_broken = 1;
        return 0;
    }
    if (s->line_count == s->line_capacity) {
        size_t capacity = s->line_capacity ? s->line_capacity * 2 : 16;
        pending_line *grown = realloc(s->lines, capacity * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        s->lines = grown;
        s->line_capacity = capacity;
    }
    line.memo_at = NO_MEMO;
    if (*memo && s->problems.count == 0) {
        line.memo_at = s->memos.length;
        buffer_append(&s->memos, memo, strlen(memo) + 1);
    }
    s->lines[s->line_count++] = line;
    return 0;
}

static int import_begin(import_state *s, err *e)
{
    if (lookups_load(s->ctx->db, &s->lookups, e) ||
        ledger_writer_open(s->ctx->db, strcmp(db_backend_name(s->ctx->db), "sqlite") == 0,
                           &s->writer, e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(s->ctx->db,
                   "INSERT INTO journal_imports (file_name, sha256, entries, lines, imported_at, "
                   "imported_by) VALUES (?, '', 0, 0, ?, ?) RETURNING id",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, s->file_name);
    db_bind_text(stmt, 2, s->created_at);
    db_bind_text(stmt, 3, s->ctx->actor.username);
    return db_insert_returning_id(stmt, &s->import_id, e);
}

/* Balances, the import record and its audit, once every line is in. */
static int import_complete(import_state *s, const char *sha256, json_t **summary, err *e)
{
    for (size_t i = 0; i < s->balances.capacity; i++) {
        balance_slot *slot = &s->balances.slots[i];
        if (slot->month && ledger_balance_add(s->ctx->db, slot->month, slot->account_id,
                                              slot->center, slot->debit, slot->credit, e))
            return -1;
    }
    db_stmt *stmt;
    if (db_prepare(s->ctx->db,
                   "UPDATE journal_imports SET sha256 = ?, entries = ?, lines = ? WHERE id = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, sha256);
    db_bind_int64(stmt, 2, s->entries);
    db_bind_int64(stmt, 3, s->lines_written);
    db_bind_int64(stmt, 4, s->import_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    *summary = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I}", "import_id",
                         (json_int_t)s->import_id, "file", s->file_name, "sha256", sha256,
                         "entries", (json_int_t)s->entries, "lines", (json_int_t)s->lines_written,
                         "first_entry", (json_int_t)s->first_entry, "last_entry",
                         (json_int_t)s->last_entry);
    if (s->reimport_reason)
        json_object_set_new(*summary, "reimport_reason", json_string(s->reimport_reason));
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%" PRId64, s->import_id);
    return audit_append(s->ctx, "journal_import", id_text, "import", NULL, *summary,
                        s->reimport_reason, e);
}

/* Read the file to its end; returns -1 only on a failure of the machine
 * (database, memory, reading), problems with the content are in s->problems. */
static int import_read(import_state *s, FILE *csv, const journal_import_options *options,
                       char sha256_hex[SERVICE_SHA256_HEX_SIZE], err *e)
{
    service_file_lines file;
    service_file_lines_open(&file, csv, IMPORT_HEADER, &s->problems);
    int rc = 0;
    while (rc == 0 && service_file_lines_next(&file)) {
        long number = file.number;
        if (number == 1) {
            if (strcmp(file.line, IMPORT_HEADER) != 0)
                service_problem(&s->problems, 1, "header", "the first line must be exactly: %s",
                                IMPORT_HEADER);
            continue;
        }
        if (!*file.line)
            continue; /* a blank line, often the last one */
        rc = import_line(s, file.line, number, e);
        if (options && options->progress && number % IMPORT_PROGRESS_EVERY == 0)
            options->progress(options->progress_context, number);
    }
    long lines_read = file.number;
    int closed = service_file_lines_close(&file, sha256_hex, e);
    if (rc == 0)
        rc = closed;
    if (rc == 0)
        rc = entry_finish(s, e);
    if (rc == 0 && !s->reimport_reason && s->problems.count == 0)
        rc = batch_check(s, e);
    if (rc == 0 && !s->reimport_reason)
        rc = file_check(s, sha256_hex, e);
    if (rc == 0 && lines_read == 0)
        service_problem(&s->problems, 1, "header", "the file is empty; the first line must be: %s",
                        IMPORT_HEADER);
    else if (rc == 0 && s->entries == 0 && s->problems.count == 0)
        service_problem(&s->problems, 2, "file", "has no journal lines after the header");
    return rc;
}

int journal_import(service_context *ctx, FILE *csv, const char *file_name,
                   const journal_import_options *options, json_t **out, err *e)
{
    *out = NULL;
    if (!file_name || !*file_name)
        return err_set(e, ERR_INVALID, "file", "is required");
    const char *reason = options ? options->reimport_reason : NULL;
    if (reason && registry_required_text_check(reason, LEDGER_MEMO_MAX, "reimport_reason", e))
        return -1;
    import_state s = {.ctx = ctx,
                      .file_name = file_name,
                      .reimport_reason = reason,
                      .problems = {.items = json_array(), .max = JOURNAL_IMPORT_ERRORS_MAX}};
    timestamp_format(timestamp_now(), s.created_at, sizeof s.created_at);
    char sha256[SERVICE_SHA256_HEX_SIZE] = "";
    if (service_begin(ctx, e)) {
        json_decref(s.problems.items);
        return -1;
    }
    int rc = import_begin(&s, e);
    if (rc == 0)
        rc = import_read(&s, csv, options, sha256, e);
    if (rc == 0 && s.problems.count == 0)
        rc = import_complete(&s, sha256, out, e);
    else if (rc == 0)
        rc = service_problems_fail(&s.problems, e);
    pending_clear(&s);
    buffer_free(&s.memos);
    free(s.lines);
    free(s.balances.slots);
    lookups_free(&s.lookups);
    if (rc && s.problems.count)
        *out = json_pack("{s:o, s:I}", "errors", s.problems.items, "error_count",
                         (json_int_t)s.problems.count);
    else
        json_decref(s.problems.items);
    rc = service_finish(ctx, rc, e);
    if (rc && !s.problems.count) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* --- export ---------------------------------------------------------------- */

/* hledger's top-level account for an account type: the names hledger knows
 * as asset, liability, equity, revenue and expense accounts, so that its
 * balance sheet and income statement sort them, and a balance of ^assets
 * ^liabilities ^equity is the balance-sheet half of the trial balance. */
static const char *hledger_top(const char *type_name)
{
    int type = account_type_from_name(type_name);
    if (type >= 0 && account_type_is_balance_sheet((account_type)type))
        return type == ACCOUNT_LIABILITY ? "liabilities"
               : type == ACCOUNT_EQUITY  ? "equity"
                                         : "assets";
    return type == ACCOUNT_REVENUE ? "revenues" : "expenses";
}

/* Append `text` as hledger reads it back in a description, an account name
 * or a comment: on one line (newlines, tabs become spaces), no ';' (it starts
 * a comment: ',' stands for it), no ':' in an account name (it separates
 * levels: '-'), never two spaces in a row (they end an account name). */
static void hledger_append_text(buffer *out, const char *text, int account_name)
{
    char last = ' ';
    for (const char *p = text; *p; p++) {
        char c = *p;
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        else if (c == ';')
            c = ',';
        else if (c == ':' && account_name)
            c = '-';
        if (c == ' ' && last == ' ')
            continue;
        buffer_append_char(out, c);
        last = c;
    }
    if (out->length && out->data[out->length - 1] == ' ')
        out->length--;
}

/* One journal line in hledger's syntax, preceded by its entry's header line
 * when it is the entry's first:
 *   2004-01-15 (17) Description
 *       assets:1100 Accounts receivable  1234.56  ; center:LA-01, memo */
static void hledger_append_line(buffer *out, db_stmt *stmt, int first)
{
    char amount[MONEY_TEXT_MAX];
    if (first) {
        buffer_printf(out, "%s%s (%s) ", out->length ? "\n" : "", db_column_text(stmt, 0),
                      db_column_text(stmt, 1));
        hledger_append_text(out, db_column_text(stmt, 8), 0);
        buffer_append_char(out, '\n');
    }
    buffer_printf(out, "    %s:%s ", hledger_top(db_column_text(stmt, 7)),
                  db_column_text(stmt, 2));
    hledger_append_text(out, db_column_text(stmt, 6), 1);
    buffer_printf(out, "  %s",
                  money_format(db_column_int64(stmt, 4), MONEY_PLAIN, amount, sizeof amount));
    const char *center = db_column_text(stmt, 3), *memo = db_column_text(stmt, 9);
    if (*center || *memo) {
        buffer_printf(out, "  ;");
        if (*center) {
            buffer_printf(out, " center:");
            hledger_append_text(out, center, 1);
            if (*memo)
                buffer_append_char(out, ',');
        }
        if (*memo) {
            buffer_append_char(out, ' ');
            hledger_append_text(out, memo, 0);
        }
    }
    buffer_append_char(out, '\n');
}

static void csv_append_line(buffer *out, db_stmt *stmt)
{
    char amount[MONEY_TEXT_MAX];
    buffer_printf(out, "%s,%s,", db_column_text(stmt, 0), db_column_text(stmt, 1));
    csv_append_field(out, db_column_text(stmt, 2));
    buffer_append_char(out, ',');
    csv_append_field(out, db_column_text(stmt, 3));
    buffer_printf(out, ",%s,",
                  money_format(db_column_int64(stmt, 4), MONEY_PLAIN, amount, sizeof amount));
    csv_append_field(out, db_column_text(stmt, 5));
    buffer_append_char(out, '\n');
}

int journal_export(service_context *ctx, const char *from, const char *to,
                   journal_export_format format, journal_write_fn write, void *write_context,
                   err *e)
{
    civil_day day;
    if ((from && *from && date_parse(from, &day, "from", e)) ||
        (to && *to && date_parse(to, &day, "to", e)))
        return -1;
    if (db_begin_read(ctx->db, e))
        return -1;
    db_stmt *stmt;
    int rc = db_prepare(ctx->db,
                        "SELECT e.entry_date, e.id, a.code, l.center, l.amount_cents, "
                        "CASE WHEN l.memo <> '' THEN l.memo WHEN e.description <> '' "
                        "THEN e.description ELSE 'Imported entry ' || e.source_ref END, "
                        "a.name, a.type, "
                        "CASE WHEN e.description <> '' THEN e.description "
                        "ELSE 'Imported entry ' || e.source_ref END, l.memo "
                        "FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id "
                        "JOIN accounts a ON a.id = l.account_id "
                        "WHERE e.entry_date >= ? AND e.entry_date <= ? ORDER BY e.id, l.line_no",
                        &stmt, e);
    if (rc) {
        db_rollback(ctx->db);
        return -1;
    }
    db_bind_text(stmt, 1, from && *from ? from : "");
    db_bind_text(stmt, 2, to && *to ? to : "9999-12-31");
    buffer out = BUFFER_INIT;
    if (format == JOURNAL_EXPORT_HLEDGER)
        buffer_printf(&out, "; bloodops journal, amounts in US dollars\n");
    else
        buffer_printf(&out, "%s\n", IMPORT_HEADER);
    db_step_result step;
    int64_t previous_entry = -1;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (format == JOURNAL_EXPORT_HLEDGER) {
            int64_t entry = db_column_int64(stmt, 1);
            hledger_append_line(&out, stmt, entry != previous_entry);
            previous_entry = entry;
        } else {
            csv_append_line(&out, stmt);
        }
        if (out.length >= 1 << 16) {
            if (write(write_context, out.data, out.length)) {
                step = DB_FAILED;
                err_set(e, ERR_INTERNAL, NULL, "could not write the export");
                break;
            }
            buffer_reset(&out);
        }
    }
    db_reset(stmt);
    if (step == DB_DONE && out.length && write(write_context, out.data, out.length)) {
        step = DB_FAILED;
        err_set(e, ERR_INTERNAL, NULL, "could not write the export");
    }
    buffer_free(&out);
    db_rollback(ctx->db);
    return step == DB_DONE ? 0 : -1;
}
