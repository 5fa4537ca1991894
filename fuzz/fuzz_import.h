/*
 * fuzz_import.h - what the targets of the three CSV imports share (the
 * journal, the laboratory's results, the product catalog): the database
 * they import into (fuzz_db.h) with a market and a donor center (and, for
 * the results, donors and collections to have results for), the file
 * handed over as a FILE in memory, and the checks every import answer
 * must pass:
 *   - a refusal is ERR_INVALID (a problem of the file) or ERR_CONFLICT (a
 *     file or entries imported before), never a failure of the machine;
 *     its answer lists problems {"line", "field", "message"} each complete,
 *     on a line of the file (or the one after it), the first one's field
 *     the refusal's, and "error_count" counts them all (every one listed
 *     while they fit);
 *   - a refused import changes nothing: the rows of every table it writes
 *     and the audit trail stay as they were; an accepted one adds audit
 *     records.
 */
#ifndef BLOODOPS_FUZZ_IMPORT_H
#define BLOODOPS_FUZZ_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_db.h"
#include "service/registry.h"

static void import_require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz import: %s\n", what);
        abort();
    }
}

/* A market LA and its donor center LA-01 (FIN W1234), open since 2000. */
static inline void fuzz_import_registry(service_context *ctx)
{
    err e = {0};
    json_t *out = NULL;
    market_input market = {.code = "LA", .name = "Los Angeles"};
    fuzz_db_require(market_add(ctx, &market, &out, &e), "market_add", &e);
    json_decref(out);
    center_input center = {.code = "LA-01", .name = "Sherman Oaks Donor Center", .market = "LA",
                           .fin = "W1234", .open_date = "2000-01-01"};
    fuzz_db_require(center_add(ctx, &center, &out, &e), "center_add", &e);
    json_decref(out);
}

/* Rows of the tables an import may write, and the audit trail's last
 * record. */
enum { IMPORT_TABLES_MAX = 8 };
typedef struct {
    int64_t rows[IMPORT_TABLES_MAX];
} import_counts;

static inline import_counts fuzz_import_count(const char *const *tables)
{
    import_counts counts = {{0}};
    for (size_t i = 0; tables[i]; i++) {
        char sql[128];
        /* The audit trail only grows, by one record per import at least:
         * its last number says as much as its count, without a scan. */
        if (strcmp(tables[i], "audit_log") == 0)
            snprintf(sql, sizeof sql, "SELECT coalesce(max(seq), 0) FROM audit_log");
        else
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        db_stmt *stmt;
        err e = {0};
        fuzz_db_require(db_prepare(fuzz_db_get(), sql, &stmt, &e), "count", &e);
        if (db_step(stmt, &e) == DB_ROW)
            counts.rows[i] = db_column_int64(stmt, 0);
        db_reset(stmt);
    }
    return counts;
}

/* The lines of the file as the importers count them ("\n" ends one). */
static inline long fuzz_import_lines(const uint8_t *data, size_t size)
{
    long lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    return lines + (size && data[size - 1] != '\n');
}

/* The data lines of a file read by service_file_data_next (the catalog and
 * results imports): lines other than blank ones and '#' comments, after
 * the first of them (the header); "\r" and a byte order mark dropped. */
static inline long fuzz_import_data_lines(const uint8_t *data, size_t size)
{
    long lines = 0, number = 0;
    int header = 0;
    for (size_t at = 0; at < size;) {
        const uint8_t *end = memchr(data + at, '\n', size - at);
        size_t length = end ? (size_t)(end - (data + at)) : size - at;
        const uint8_t *text = data + at;
        size_t kept = length;
        if (kept && text[kept - 1] == '\r')
            kept--;
        if (++number == 1 && kept >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3, kept -= 3;
        if (kept && text[0] != '#') {
            lines += header;
            header = 1;
        }
        at += length + 1;
    }
    return lines;
}

/* The file, as a FILE reading the input's bytes (an empty one too). */
static inline FILE *fuzz_import_file(const uint8_t *data, size_t size)
{
    static char empty[1];
    FILE *file = fmemopen(size ? (void *)data : empty, size ? size : 1, "rb");
    import_require(file != NULL, "fmemopen failed");
    if (!size)
        fgetc(file);
    return file;
}

/* Check an import's answer (see above); `tables` lists what it writes,
 * audit_log last; `kept_max`: how many problems the answer lists at most.
 * Returns 1 when the import was accepted. */
static inline int fuzz_import_check(const uint8_t *data, size_t size, int rc, json_t *out,
                                    const err *e, const char *const *tables,
                                    const import_counts *before, size_t kept_max)
{
    import_counts after = fuzz_import_count(tables);
    size_t count = 0;
    while (tables[count])
        count++;
    if (rc == 0) {
        import_require(json_is_object(out), "an accepted import without its summary");
        import_require(after.rows[count - 1] > before->rows[count - 1],
                       "an accepted import without an audit record");
        for (size_t i = 0; i < count; i++)
            import_require(after.rows[i] >= before->rows[i], "an accepted import removed rows");
        return 1;
    }
    if (e->code != ERR_INVALID && e->code != ERR_CONFLICT) {
        fprintf(stderr, "refused with %s: %s (%s)\n", err_code_name(e->code), e->message,
                e->field);
        import_require(0, "an import failed as the machine would, not as its file does");
    }
    import_require(e->message[0] != '\0', "a refusal without a message");
    for (size_t i = 0; i < count; i++)
        import_require(after.rows[i] == before->rows[i], "a refused import changed a table");
    if (e->code == ERR_INVALID || out) {
        json_t *errors = json_object_get(out, "errors");
        size_t listed = json_array_size(errors);
        long total = (long)json_integer_value(json_object_get(out, "error_count"));
        if (e->code == ERR_INVALID) {
            import_require(listed >= 1, "a file refused without its problems");
            import_require(total >= (long)listed, "error_count counts fewer than listed");
        }
        long lines = fuzz_import_lines(data, size);
        for (size_t i = 0; i < listed; i++) {
            json_t *problem = json_array_get(errors, i);
            long line = (long)json_integer_value(json_object_get(problem, "line"));
            const char *field = json_string_value(json_object_get(problem, "field"));
            const char *message = json_string_value(json_object_get(problem, "message"));
            import_require(field && *field && message && *message, "an incomplete problem");
            if (line < 1 || line > lines + 1)
                fprintf(stderr, "line %ld of %ld\n", line, lines);
            import_require(line >= 1 && line <= lines + 1, "a problem on a line not in the file");
            if (i == 0 && e->code == ERR_INVALID)
                import_require(strcmp(field, e->field) == 0,
                               "the refusal names another field than its first problem");
        }
        if (listed < kept_max)
            import_require(total == (long)listed, "a problem counted but not listed");
    }
    return 0;
}

#endif
