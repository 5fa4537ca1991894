/*
 * fuzz_journal_import.c - libFuzzer target for the journal import
 * (service/ledger.h: journal_import; src/service/journal_io.c), the whole
 * of it: the line reader, the field checks of every line (date, entry key,
 * account, center, amount, memo), entries that must balance, the refusal
 * of a file or entry keys imported before, and the writes, into an
 * in-memory database (fuzz_import.h) whose chart of accounts comes from
 * the migrations, with a market LA and a donor center LA-01.
 *
 * The input is the file. Besides fuzz_import.h's checks of every answer
 * (a refusal lists its problems, each on a line of the file, and changes
 * nothing), an accepted import says how many lines and entries it wrote:
 * every non-empty line after the header, as many journal lines as that,
 * as many entries as runs of one entry key, and no more in the tables.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include "fuzz_import.h"
#include "service/ledger.h"

static const char *const tables[] = {"journal_entries", "journal_lines", "journal_imports",
                                     "ledger_balances", "audit_log", NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    service_context ctx = fuzz_db_context();
    fuzz_import_registry(&ctx);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    service_context ctx = fuzz_db_context();
    import_counts before = fuzz_import_count(tables);
    FILE *file = fuzz_import_file(data, size);
    json_t *out = NULL;
    err e = {0};
    int rc = journal_import(&ctx, file, "fuzz.csv", NULL, &out, &e);
    fclose(file);
    if (fuzz_import_check(data, size, rc, out, &e, tables, &before, JOURNAL_IMPORT_ERRORS_MAX)) {
        /* The data lines: every non-empty line after the first. */
        long lines = 0;
        for (size_t at = 0, number = 1; at < size; number++) {
            const uint8_t *end = memchr(data + at, '\n', size - at);
            size_t length = end ? (size_t)(end - (data + at)) : size - at;
            size_t text = length;
            if (text && data[at + text - 1] == '\r')
                text--;
            if (number > 1 && text)
                lines++;
            at += length + 1;
        }
        import_counts after = fuzz_import_count(tables);
        json_int_t entries = json_integer_value(json_object_get(out, "entries"));
        import_require(json_integer_value(json_object_get(out, "lines")) == lines,
                       "an accepted import wrote another number of lines");
        import_require(entries >= 1 && entries * 2 <= lines, "entries of fewer than two lines");
        import_require(after.rows[0] - before.rows[0] == entries &&
                           after.rows[1] - before.rows[1] == lines &&
                           after.rows[2] - before.rows[2] == 1,
                       "the tables grew by other numbers than the summary's");
    }
    json_decref(out);
    return 0;
}
