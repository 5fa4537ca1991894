/*
 * ledger_write.h - the writes and lookups that posting, reversal and import
 * share (ledger.c, journal_io.c). Internal to the ledger services: callers
 * hold the write transaction and have checked the entry.
 */
#ifndef BLOODOPS_SERVICE_LEDGER_WRITE_H
#define BLOODOPS_SERVICE_LEDGER_WRITE_H

#include "service/ledger.h"

typedef struct {
    civil_day date;
    const char *description, *source, *source_ref;
    int64_t import_id, reverses_id; /* 0 for none */
    const char *created_at, *created_by;
} ledger_entry_row;

/* The two inserts of a posting, prepared once and bound directly: an import
 * writes millions of rows through one writer. With explicit ids (SQLite,
 * whose write transaction excludes every other writer) entries are
 * numbered from MAX(id) + 1 instead of read back with RETURNING, which
 * costs SQLite a result row per insert. */
typedef struct {
    db_stmt *entry, *line;
    int explicit_ids;
    int64_t next_id;
} ledger_writer;

int ledger_writer_open(db_conn *db, int explicit_ids, ledger_writer *writer, err *e);
int ledger_write_entry(ledger_writer *writer, const ledger_entry_row *row, int64_t *id, err *e);
int ledger_write_line(ledger_writer *writer, int64_t entry_id, int line_no, int64_t account_id,
                      const char *center, int64_t amount, const char *memo, err *e);
/* Add to the balance of (month, account, center), creating it at zero. */
int ledger_balance_add(db_conn *db, int32_t month, int64_t account_id, const char *center,
                       int64_t debit, int64_t credit, err *e);

#endif
