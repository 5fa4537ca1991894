/*
 * ledger_bench.c - the general-ledger benchmarks of the performance targets
 * (bench/README.md, "Performance targets"): journal import against raw
 * SQLite bulk insertion of the same rows, and the quarterly report against
 * the equivalent SQL aggregate over the journal, measured in one run on one
 * machine (see bench/README.md for how to read the output).
 *
 *   ledger_bench [LINES]      (or BENCH_LINES=N; default 10,000,000)
 *   ledger_bench --db FILE --period QUARTER [--compare QUARTER]
 *                             (the report's measure alone, over a database
 *                             made elsewhere: the demo company)
 *
 * Steps: generate a deterministic CSV journal of LINES lines in a temporary
 * folder (not measured); insert it with the bare sqlite3 API into a plain
 * table (for scale), then the same rows into the bloodops tables (baseline
 * A: raw SQLite bulk insertion of the same rows); import it with journal_import into a
 * fresh bloodops database (measure A); time report_quarterly_load 2004Q1 vs 2003Q1
 * (measure B) and the same sums computed by SQL from the journal lines
 * (baseline B), and check that both give the same sums. Both databases use
 * WAL and synchronous=FULL, as the product does.
 *
 * Environment: BENCH_LINES (lines), BENCH_DIR (where the temporary folder
 * goes; default $TMPDIR or /tmp), BENCH_KEEP=1 (keep the files),
 * BENCH_REPORT_RUNS (default 20), BENCH_SQL_RUNS (default 3).
 * Exit status: 0 when every step ran (targets met or not: read the lines
 * ending MET or MISSED), 1 when a step failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/date.h"
#include "domain/ledger.h"
#include "domain/results.h"
#include "service/ledger.h"
#include "service/registry.h"
#include "service/report.h"
#include "service/service.h"
#include "store/db.h"

enum { DEFAULT_LINES = 10000000, MIN_LINES = 1000, PROGRESS_EVERY = 1000000,
       PATH_TEXT_MAX = 4096 };

static const double IMPORT_TARGET = 0.80;  /* import >= 80% of raw SQLite */
static const double REPORT_TARGET = 100.0; /* report >= 100x faster than SQL */

/* --- small helpers ------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct {
    double wall, user, sys;
} clock_mark;

static clock_mark mark_now(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (clock_mark){now_seconds(), (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6,
                        (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6};
}

static long peak_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss; /* kilobytes on Linux */
}

/* "12,345,678" (rounded to an integer) into a rotating set of buffers so a
 * printf can use several. */
static const char *grouped(double value)
{
    static char buffers[8][32];
    static int next;
    char *out = buffers[next++ % 8];
    char digits[32];
    long long v = value < 0 ? (long long)(-value + 0.5) : (long long)(value + 0.5);
    snprintf(digits, sizeof digits, "%lld", v);
    size_t n = strlen(digits), o = 0;
    if (value < 0)
        out[o++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

static double file_mb(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0.0;
}

/* A database file and its WAL, in MB. */
static double database_mb(const char *path)
{
    char wal[PATH_TEXT_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return file_mb(path) + file_mb(wal);
}

static void remove_database(const char *path)
{
    char side[PATH_TEXT_MAX + 8];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static void fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *what, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "ledger_bench: %s: ", what);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

static long env_long(const char *name, long fallback)
{
    const char *text = getenv(name);
    if (!text || !*text)
        return fallback;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    return errno || *end || value <= 0 ? fallback : value;
}

/* --- deterministic data -------------------------------------------------- */

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rng_state = 0x5EEDB100D0C0FFEEULL;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static unsigned rng_below(unsigned n) { return (unsigned)(rng_next() % n); }

typedef struct {
    const char *code, *name;
} market_def;

static const market_def MARKETS[] = {
    {"LA", "Los Angeles"}, {"NY", "New York"}, {"SF", "San Francisco"}, {"CHI", "Chicago"}};
enum { MARKET_COUNT = sizeof MARKETS / sizeof MARKETS[0], CENTERS_PER_MARKET = 5,
       CENTER_COUNT = MARKET_COUNT * CENTERS_PER_MARKET };

typedef struct {
    char code[16], name[64], fin[8];
    const char *close_date; /* NULL: open */
    civil_day close_day;    /* postings stop after it */
} center_def;

static center_def centers[CENTER_COUNT];

/* Four closed centers, one per market, at different times. */
static const char *close_date_of(int market, int number)
{
    static const char *dates[MARKET_COUNT] = {"2003-06-30", "2003-12-31", "2004-02-15",
                                              "2002-09-30"};
    return number == CENTERS_PER_MARKET ? dates[market] : NULL;
}

static void centers_define(void)
{
    for (int m = 0; m < MARKET_COUNT; m++)
        for (int n = 1; n <= CENTERS_PER_MARKET; n++) {
            center_def *c = &centers[m * CENTERS_PER_MARKET + n - 1];
            snprintf(c->code, sizeof c->code, "%s-%02d", MARKETS[m].code, n);
            snprintf(c->name, sizeof c->name, "%s Donor Center %d", MARKETS[m].name, n);
            snprintf(c->fin, sizeof c->fin, "W%04d", m * 100 + n);
            c->close_date = close_date_of(m, n);
            c->close_day = INT32_MAX;
            if (c->close_date)
                date_parse(c->close_date, &c->close_day, NULL, NULL);
        }
}

/* A center still open on `day`. */
static const char *center_open_on(civil_day day)
{
    for (;;) {
        const center_def *c = &centers[rng_below(CENTER_COUNT)];
        if (day <= c->close_day)
            return c->code;
    }
}

static const char *const MEMOS[] = {"units shipped", "invoice", "apheresis", "supplies",
                                    "payroll",       "freight", "contract",  "testing"};

typedef struct {
    const char *account, *center;
    int64_t amount;
} gen_line;

/* Amounts from 1.00 to 20,000.00 dollars, in cents. */
static int64_t random_amount(void) { return 100 + (int64_t)(rng_next() % 1999901); }

static const char *pick(const char *const *items, unsigned count)
{
    return items[rng_below(count)];
}

/* One balanced entry of `k` lines (2..4) dated `day`. */
static void entry_make(civil_day day, int k, gen_line *lines)
{
    static const char *const revenue[] = {"4000", "4000", "4000", "4000", "4100", "4200", "4300"};
    static const char *const cost[] = {"5000", "5000", "5000", "5100"};
    static const char *const ga[] = {"6000", "6000", "6100", "6200", "6900"};
    static const struct {
        const char *debit, *credit;
    } other[] = {{"7000", "1000"}, {"1000", "7100"}, {"8000", "2100"}, {"1200", "2000"},
                 {"1500", "2500"}, {"1010", "1000"}, {"2000", "1000"}, {"1000", "1100"},
                 {"6100", "1190"}, {"1000", "2200"}, {"1300", "1000"}, {"1600", "2600"}};
    unsigned kind = rng_below(100), move = rng_below(12);
    int64_t total = 0;
    for (int i = 0; i < k - 1; i++) {
        int64_t amount = random_amount();
        total += amount;
        gen_line *line = &lines[i];
        if (kind < 40) { /* a sale: revenue credits by center, one receivable */
            *line = (gen_line){pick(revenue, 7), center_open_on(day), -amount};
        } else if (kind < 75) { /* cost of revenue by center, paid or owed */
            *line = (gen_line){pick(cost, 4), center_open_on(day), amount};
        } else if (kind < 90) { /* G&A, no center */
            *line = (gen_line){pick(ga, 5), "", amount};
        } else { /* interest, taxes, balance-sheet moves */
            *line = (gen_line){other[move].debit, "", amount};
        }
    }
    gen_line *last = &lines[k - 1];
    if (kind < 40)
        *last = (gen_line){rng_below(4) ? "1100" : "1000", "", total};
    else if (kind < 75)
        *last = (gen_line){rng_below(3) ? "2000" : "1000", "", -total};
    else if (kind < 90)
        *last = (gen_line){rng_below(2) ? "1000" : "2100", "", -total};
    else
        *last = (gen_line){other[move].credit, "", -total};
}

static int amount_text(int64_t cents, char *out, size_t size)
{
    int64_t a = cents < 0 ? -cents : cents;
    return snprintf(out, size, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", a / 100, a % 100);
}

/* Write `lines` journal lines, entries of 2 to 4 lines, dates spread evenly
 * over 2002-01-01..2004-12-31 in order. */
static int generate(const char *path, long lines, long *entries_out)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fail("generate", "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    static char stdio_buffer[1 << 20];
    setvbuf(f, stdio_buffer, _IOFBF, sizeof stdio_buffer);
    civil_day first, last;
    date_parse("2002-01-01", &first, NULL, NULL);
    date_parse("2004-12-31", &last, NULL, NULL);
    long days = last - first + 1;
    fputs("date,entry,account,center,amount,memo\n", f);
    long written = 0, entries = 0;
    civil_day current = -1;
    char day_text[DATE_TEXT_MAX] = "";
    gen_line entry[4];
    while (written < lines) {
        long remaining = lines - written;
        int k = 2 + (int)rng_below(3);
        if (remaining <= 4)
            k = (int)remaining;
        else if (remaining - k == 1)
            k = k == 4 ? 3 : k + 1;
        civil_day day = first + (civil_day)((written * (long long)days) / lines);
        if (day != current) {
            current = day;
            date_format(day, day_text, sizeof day_text);
        }
        entry_make(day, k, entry);
        entries++;
        for (int i = 0; i < k; i++) {
            char amount[32];
            amount_text(entry[i].amount, amount, sizeof amount);
            unsigned memo = rng_below(10);
            if (memo < 2)
                fprintf(f, "%s,E%08ld,%s,%s,%s,\n", day_text, entries, entry[i].account,
                        entry[i].center, amount);
            else
                fprintf(f, "%s,E%08ld,%s,%s,%s,%s %u\n", day_text, entries, entry[i].account,
                        entry[i].center, amount, MEMOS[memo % 8], rng_below(100000));
        }
        written += k;
        if (written / PROGRESS_EVERY != (written - k) / PROGRESS_EVERY)
            fprintf(stderr, "  generate: %s lines\n", grouped((double)written));
    }
    if (fclose(f) != 0) {
        fail("generate", "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    *entries_out = entries;
    return 0;
}

/* --- baseline A: raw SQLite bulk insertion --------------------------------- */

static int sqlite_ok(sqlite3 *db, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    fail("raw SQLite", "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* Naive "-1234.5" -> -123450. */
static int64_t naive_cents(const char *text)
{
    int negative = *text == '-';
    if (negative)
        text++;
    int64_t units = 0, cents = 0;
    while (*text >= '0' && *text <= '9')
        units = units * 10 + (*text++ - '0');
    if (*text == '.') {
        text++;
        if (*text >= '0' && *text <= '9')
            cents = (*text++ - '0') * 10;
        if (*text >= '0' && *text <= '9')
            cents += *text - '0';
    }
    int64_t value = units * 100 + cents;
    return negative ? -value : value;
}

typedef struct {
    long rows;
    double seconds;
    clock_mark start, end;
} timed;

/* The next data line of the generated CSV (the header and blank lines
 * skipped), split at its commas in place: the generator writes no quoted
 * fields. Returns the number of fields (at most 6), or -1 at the end. */
static int next_row(FILE *f, char **text, size_t *capacity, long *number, char *field[6])
{
    ssize_t length;
    while ((length = getline(text, capacity, f)) >= 0) {
        if ((*number)++ == 0)
            continue; /* the header */
        char *line = *text;
        while (length && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = '\0';
        if (!length)
            continue;
        int count = 0;
        field[count++] = line;
        for (char *p = line; *p && count < 6; p++)
            if (*p == ',') {
                *p = '\0';
                field[count++] = p + 1;
            }
        return count;
    }
    return -1;
}

/* Read the CSV line by line, split the six fields at commas, and insert
 * each row with one prepared statement inside one transaction. */
static int raw_insert(const char *csv_path, const char *db_path, timed *out)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        fail("raw SQLite", "cannot open %s", db_path);
        sqlite3_close(db);
        return -1;
    }
    int rc = -1;
    sqlite3_stmt *insert = NULL;
    FILE *f = NULL;
    char *text = NULL;
    size_t capacity = 0;
    if (sqlite_ok(db,
                  sqlite3_exec(db,
                               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                               "CREATE TABLE journal (date TEXT, entry TEXT, account TEXT,"
                               " center TEXT, amount INTEGER, memo TEXT)",
                               NULL, NULL, NULL),
                  "create"))
        goto done;
    out->start = mark_now();
    f = fopen(csv_path, "r");
    if (!f) {
        fail("raw SQLite", "cannot read %s", csv_path);
        goto done;
    }
    if (sqlite_ok(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin") ||
        sqlite_ok(db,
                  sqlite3_prepare_v2(db, "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?)", -1,
                                     &insert, NULL),
                  "prepare"))
        goto done;
    long number = 0;
    out->rows = 0;
    char *field[6];
    int count;
    while ((count = next_row(f, &text, &capacity, &number, field)) >= 0) {
        if (count != 6) {
            fail("raw SQLite", "line %ld has %d fields", number, count);
            goto done;
        }
        for (int i = 0; i < 4; i++)
            sqlite3_bind_text(insert, i + 1, field[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 5, naive_cents(field[4]));
        sqlite3_bind_text(insert, 6, field[5], -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            sqlite_ok(db, SQLITE_ERROR, "insert");
            goto done;
        }
        sqlite3_reset(insert);
        out->rows++;
        if (out->rows % PROGRESS_EVERY == 0)
            fprintf(stderr, "  raw SQLite: %s rows\n", grouped((double)out->rows));
    }
    sqlite3_finalize(insert);
    insert = NULL;
    if (sqlite_ok(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit"))
        goto done;
    out->end = mark_now();
    out->seconds = out->end.wall - out->start.wall;
    rc = 0;
done:
    free(text);
    if (f)
        fclose(f);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return rc;
}

/* --- baseline A: raw SQLite into the bloodops tables ------------------------ */

/* The same rows the import writes, inserted with the bare sqlite3 API
 * into the product's own tables (journal_entries with its date index,
 * journal_lines keyed by entry and line), created by db_open so the schema
 * is the real one, with foreign keys on as the product opens them, entry
 * ids given explicitly, no checks and no balances. This is about the most
 * any import can do on this schema; the distance from it to journal_import
 * is the import's own code (parsing, checks, balances, audit), the
 * distance from the plain table to it is the schema. */
static int schema_insert(const char *csv_path, const char *db_path, timed *out)
{
    db_conn *conn = NULL;
    err e;
    if (db_open(db_path, &conn, &e)) {
        fail("schema ceiling", "%s", e.message);
        return -1;
    }
    db_close(conn);
    sqlite3 *db = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        fail("schema ceiling", "cannot open %s", db_path);
        sqlite3_close(db);
        return -1;
    }
    int rc = -1;
    sqlite3_stmt *entry = NULL, *line = NULL, *accounts = NULL;
    FILE *f = NULL;
    char *text = NULL;
    size_t capacity = 0;
    struct {
        char code[LEDGER_ACCOUNT_CODE_MAX + 1];
        int64_t id;
    } chart[256];
    int chart_count = 0;
    if (sqlite_ok(db,
                  sqlite3_exec(db,
                               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                               "PRAGMA foreign_keys=ON;"
                               "INSERT INTO journal_imports (file_name, sha256, entries, lines,"
                               " imported_at, imported_by) VALUES ('bench-journal.csv', '', 0, 0,"
                               " '2000-01-01T00:00:00Z', 'bench')",
                               NULL, NULL, NULL),
                  "setup") ||
        sqlite_ok(db, sqlite3_prepare_v2(db, "SELECT code, id FROM accounts", -1, &accounts, NULL),
                  "accounts"))
        goto done;
    int64_t import_id = sqlite3_last_insert_rowid(db);
    while (sqlite3_step(accounts) == SQLITE_ROW && chart_count < 256) {
        snprintf(chart[chart_count].code, sizeof chart[chart_count].code, "%s",
                 (const char *)sqlite3_column_text(accounts, 0));
        chart[chart_count++].id = sqlite3_column_int64(accounts, 1);
    }
    out->start = mark_now();
    f = fopen(csv_path, "r");
    if (!f) {
        fail("schema ceiling", "cannot read %s", csv_path);
        goto done;
    }
    if (sqlite_ok(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin") ||
        sqlite_ok(db,
                  sqlite3_prepare_v2(db,
                                     "INSERT INTO journal_entries (id, entry_date, description,"
                                     " source, source_ref, import_id, created_at, created_by)"
                                     " VALUES (?, ?, ?, 'import', ?, ?, ?, ?)",
                                     -1, &entry, NULL),
                  "prepare") ||
        sqlite_ok(db,
                  sqlite3_prepare_v2(db,
                                     "INSERT INTO journal_lines (entry_id, line_no, account_id,"
                                     " center, amount_cents, memo) VALUES (?, ?, ?, ?, ?, ?)",
                                     -1, &line, NULL),
                  "prepare"))
        goto done;
    long number = 0;
    int64_t entry_id = 0;
    int line_no = 0;
    char key[80] = "";
    out->rows = 0;
    char *field[6];
    int count;
    while ((count = next_row(f, &text, &capacity, &number, field)) >= 0) {
        if (count != 6) {
            fail("schema ceiling", "line %ld has %d fields", number, count);
            goto done;
        }
        if (strcmp(field[1], key) != 0) {
            snprintf(key, sizeof key, "%s", field[1]);
            char description[160];
            description[0] = '\0'; /* imported entries keep an empty description */
            sqlite3_bind_int64(entry, 1, ++entry_id);
            sqlite3_bind_text(entry, 2, field[0], -1, SQLITE_STATIC);
            sqlite3_bind_text(entry, 3, description, -1, SQLITE_STATIC);
            sqlite3_bind_text(entry, 4, key, -1, SQLITE_STATIC);
            sqlite3_bind_int64(entry, 5, import_id);
            sqlite3_bind_text(entry, 6, "2000-01-01T00:00:00Z", -1, SQLITE_STATIC);
            sqlite3_bind_text(entry, 7, "bench", -1, SQLITE_STATIC);
            if (sqlite3_step(entry) != SQLITE_DONE) {
                sqlite_ok(db, SQLITE_ERROR, "insert entry");
                goto done;
            }
            sqlite3_reset(entry);
            line_no = 0;
        }
        int64_t account_id = 0;
        for (int i = 0; i < chart_count && !account_id; i++)
            if (strcmp(chart[i].code, field[2]) == 0)
                account_id = chart[i].id;
        sqlite3_bind_int64(line, 1, entry_id);
        sqlite3_bind_int64(line, 2, ++line_no);
        sqlite3_bind_int64(line, 3, account_id);
        sqlite3_bind_text(line, 4, field[3], -1, SQLITE_STATIC);
        sqlite3_bind_int64(line, 5, naive_cents(field[4]));
        sqlite3_bind_text(line, 6, field[5], -1, SQLITE_STATIC);
        if (sqlite3_step(line) != SQLITE_DONE) {
            sqlite_ok(db, SQLITE_ERROR, "insert line");
            goto done;
        }
        sqlite3_reset(line);
        out->rows++;
        if (out->rows % PROGRESS_EVERY == 0)
            fprintf(stderr, "  schema ceiling: %s rows\n", grouped((double)out->rows));
    }
    sqlite3_finalize(entry);
    sqlite3_finalize(line);
    entry = line = NULL;
    if (sqlite_ok(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit"))
        goto done;
    out->end = mark_now();
    out->seconds = out->end.wall - out->start.wall;
    rc = 0;
done:
    free(text);
    if (f)
        fclose(f);
    sqlite3_finalize(accounts);
    sqlite3_finalize(entry);
    sqlite3_finalize(line);
    sqlite3_close(db);
    return rc;
}

/* --- the bloodops database ------------------------------------------------- */

static int registry_setup(service_context *ctx)
{
    err e;
    json_t *out = NULL;
    for (int m = 0; m < MARKET_COUNT; m++) {
        market_input in = {MARKETS[m].code, MARKETS[m].name};
        if (market_add(ctx, &in, &out, &e)) {
            fail("market_add", "%s: %s %s", MARKETS[m].code, e.field, e.message);
            return -1;
        }
        json_decref(out);
    }
    for (int i = 0; i < CENTER_COUNT; i++) {
        center_def *c = &centers[i];
        center_input in = {.code = c->code, .name = c->name,
                           .market = MARKETS[i / CENTERS_PER_MARKET].code, .fin = c->fin,
                           .open_date = "1998-01-05"};
        if (center_add(ctx, &in, &out, &e)) {
            fail("center_add", "%s: %s %s", c->code, e.field, e.message);
            return -1;
        }
        json_decref(out);
        if (c->close_date) {
            if (center_close(ctx, c->code, c->close_date, "restructuring plan", &out, &e)) {
                fail("center_close", "%s: %s %s", c->code, e.field, e.message);
                return -1;
            }
            json_decref(out);
        }
    }
    return 0;
}

static void import_progress(void *context, long lines_read)
{
    (void)context;
    if (lines_read % PROGRESS_EVERY == 0)
        fprintf(stderr, "  import: %s lines read\n", grouped((double)lines_read));
}

typedef struct {
    long lines, entries;
    double seconds;
    clock_mark start, end;
} import_result;

static int import_run(service_context *ctx, const char *csv_path, import_result *r)
{
    r->start = mark_now();
    FILE *f = fopen(csv_path, "r");
    if (!f) {
        fail("import", "cannot read %s", csv_path);
        return -1;
    }
    journal_import_options options = {import_progress, NULL};
    json_t *out = NULL;
    err e;
    int rc = journal_import(ctx, f, "bench-journal.csv", &options, &out, &e);
    fclose(f);
    r->end = mark_now();
    r->seconds = r->end.wall - r->start.wall;
    if (rc) {
        fail("journal_import", "%s %s", e.field, e.message);
        json_t *errors = json_object_get(out, "errors");
        for (size_t i = 0; i < json_array_size(errors) && i < 5; i++) {
            json_t *item = json_array_get(errors, i);
            fprintf(stderr, "  line %" JSON_INTEGER_FORMAT " %s: %s\n",
                    json_integer_value(json_object_get(item, "line")),
                    json_string_value(json_object_get(item, "field")),
                    json_string_value(json_object_get(item, "message")));
        }
        json_decref(out);
        return -1;
    }
    r->lines = (long)json_integer_value(json_object_get(out, "lines"));
    r->entries = (long)json_integer_value(json_object_get(out, "entries"));
    json_decref(out);
    return 0;
}

/* --- measure B and baseline B ---------------------------------------------- */

/* The date ranges whose sums report_quarterly_load of a quarter against
 * another reads from the balances: both quarters, the quarter ending at the
 * year-end before the first (for its DSO), and the three balance-sheet
 * positions since the beginning. */
typedef struct {
    char label[40];
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX]; /* from "": since the beginning */
} sum_range;

enum { RANGE_COUNT = 6 };
static sum_range RANGES[RANGE_COUNT];

static void ranges_define(quarter period, quarter compare)
{
    quarter year_end = {.year = period.year - 1, .quarter = 4};
    const struct {
        quarter q;
        int position; /* since the beginning to the quarter's end */
    } defs[RANGE_COUNT] = {{period, 0}, {compare, 0}, {year_end, 0},
                           {period, 1}, {year_end, 1}, {compare, 1}};
    for (int r = 0; r < RANGE_COUNT; r++) {
        sum_range *range = &RANGES[r];
        char text[16];
        date_format(quarter_last_day(defs[r].q), range->to, sizeof range->to);
        if (defs[r].position) {
            range->from[0] = '\0';
            snprintf(range->label, sizeof range->label, "position %s", range->to);
        } else {
            date_format(quarter_first_day(defs[r].q), range->from, sizeof range->from);
            snprintf(range->label, sizeof range->label, "%s%s",
                     quarter_format(defs[r].q, text, sizeof text),
                     r == 2 ? " (year-end DSO)" : "");
        }
    }
}

static const char SQL_AGGREGATE[] =
    "SELECT l.account_id, l.center,"
    " SUM(CASE WHEN l.amount_cents > 0 THEN l.amount_cents ELSE 0 END),"
    " SUM(CASE WHEN l.amount_cents < 0 THEN -l.amount_cents ELSE 0 END)"
    " FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id"
    " WHERE e.entry_date >= ? AND e.entry_date <= ?"
    " GROUP BY l.account_id, l.center ORDER BY l.account_id, l.center";

/* The sums of every range, computed from the journal lines in one read
 * snapshot; per-range times in `range_seconds`. */
static int sql_aggregate(db_conn *db, ledger_sums sums[RANGE_COUNT],
                         double range_seconds[RANGE_COUNT])
{
    err e;
    memset(sums, 0, sizeof(ledger_sums) * RANGE_COUNT);
    if (db_begin_read(db, &e)) {
        fail("SQL aggregate", "%s", e.message);
        return -1;
    }
    for (int r = 0; r < RANGE_COUNT; r++) {
        double start = now_seconds();
        db_stmt *stmt;
        if (db_prepare(db, SQL_AGGREGATE, &stmt, &e)) {
            fail("SQL aggregate", "%s", e.message);
            db_rollback(db);
            return -1;
        }
        db_bind_text(stmt, 1, RANGES[r].from);
        db_bind_text(stmt, 2, RANGES[r].to);
        db_step_result step;
        while ((step = db_step(stmt, &e)) == DB_ROW) {
            ledger_sum sum = {.account_id = db_column_int64(stmt, 0),
                              .debit = db_column_int64(stmt, 2),
                              .credit = db_column_int64(stmt, 3)};
            snprintf(sum.center, sizeof sum.center, "%s", db_column_text(stmt, 1));
            if (ledger_sums_append(&sums[r], &sum)) {
                step = DB_FAILED;
                break;
            }
        }
        db_reset(stmt);
        range_seconds[r] = now_seconds() - start;
        if (step != DB_DONE) {
            fail("SQL aggregate", "%s", e.message);
            db_rollback(db);
            return -1;
        }
    }
    db_rollback(db);
    return 0;
}

/* The SQL sums must equal what the ledger reads from its balances. */
static int sums_check(db_conn *db, ledger_sums sums[RANGE_COUNT])
{
    err e;
    if (db_begin_read(db, &e))
        return -1;
    int bad = 0;
    for (int r = 0; r < RANGE_COUNT; r++) {
        civil_day from = ledger_beginning(), to;
        if (RANGES[r].from[0])
            date_parse(RANGES[r].from, &from, NULL, NULL);
        date_parse(RANGES[r].to, &to, NULL, NULL);
        ledger_sums balances;
        if (ledger_sums_between(db, from, to, &balances, &e)) {
            fail("check", "%s", e.message);
            bad = 1;
            break;
        }
        int same = balances.count == sums[r].count;
        for (size_t i = 0; same && i < balances.count; i++) {
            const ledger_sum *a = &balances.items[i], *b = &sums[r].items[i];
            same = a->account_id == b->account_id && strcmp(a->center, b->center) == 0 &&
                   a->debit == b->debit && a->credit == b->credit;
        }
        if (!same) {
            fail("check", "%s: the SQL sums over the journal differ from the ledger balances",
                 RANGES[r].label);
            bad = 1;
        }
        ledger_sums_free(&balances);
    }
    db_rollback(db);
    return bad ? -1 : 0;
}

/* Revenue (credits - debits of revenue accounts) in one set of sums. */
static int64_t revenue_in(const ledger_chart *chart, const ledger_sums *sums)
{
    int64_t total = 0;
    for (size_t i = 0; i < sums->count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums->items[i].account_id);
        if (account && account->type == ACCOUNT_REVENUE)
            total += sums->items[i].credit - sums->items[i].debit;
    }
    return total;
}

/* --- the run ------------------------------------------------------------- */

typedef struct {
    char dir[PATH_TEXT_MAX - 64];
    char csv[PATH_TEXT_MAX], raw_db[PATH_TEXT_MAX], schema_db[PATH_TEXT_MAX], db[PATH_TEXT_MAX];
} paths;

static void cleanup(const paths *p)
{
    if (getenv("BENCH_KEEP") && strcmp(getenv("BENCH_KEEP"), "1") == 0) {
        fprintf(stderr, "ledger_bench: kept %s\n", p->dir);
        return;
    }
    unlink(p->csv);
    remove_database(p->raw_db);
    remove_database(p->schema_db);
    remove_database(p->db);
    rmdir(p->dir);
}

static void print_cpu(const char *what, clock_mark start, clock_mark end)
{
    double wall = end.wall - start.wall, user = end.user - start.user, sys = end.sys - start.sys;
    printf("  %s: wall %.2f s = cpu user %.2f s + sys %.2f s + other %.2f s (I/O waits, "
           "other processes)\n",
           what, wall, user,
           sys, wall - user - sys > 0 ? wall - user - sys : 0.0);
}

/* Measure B and baseline B over the database at db_path: the quarterly
 * report of `period` against `compare`, and the same sums by SQL over the
 * journal, checked equal; their medians in *report_median, *sql_median. */
static int report_measure(const char *db_path, quarter period, quarter compare,
                          double *report_median_out, double *sql_median_out)
{
    long report_runs = env_long("BENCH_REPORT_RUNS", 20), sql_runs = env_long("BENCH_SQL_RUNS", 3);
    service_context ctx = {0};
    err e;
    service_actor_local(&ctx.actor);
    char period_text[16], compare_text[16];
    quarter_format(period, period_text, sizeof period_text);
    quarter_format(compare, compare_text, sizeof compare_text);
    ranges_define(period, compare);
    if (db_open(db_path, &ctx.db, &e)) {
        fail("db_open", "%s", e.message);
        return -1;
    }
    double *report_ms = calloc((size_t)report_runs, sizeof *report_ms);
    results_report report = {0};
    int64_t revenue_current = 0, revenue_prior = 0;
    int rc = report_ms ? 0 : -1;
    for (long i = -1; rc == 0 && i < report_runs; i++) { /* i = -1: warm-up */
        double t0 = now_seconds();
        rc = report_quarterly_load(&ctx, period_text, compare_text, &report, &e);
        if (rc == 0) {
            revenue_current = report.current.revenue;
            revenue_prior = report.prior.revenue;
            results_report_free(&report);
        }
        if (i >= 0)
            report_ms[i] = (now_seconds() - t0) * 1e3;
    }
    if (rc) {
        fail("report_quarterly_load", "%s", e.message);
        free(report_ms);
        db_close(ctx.db);
        return -1;
    }
    double report_min = report_ms[0], report_max = report_ms[0];
    for (long i = 1; i < report_runs; i++) {
        report_min = report_ms[i] < report_min ? report_ms[i] : report_min;
        report_max = report_ms[i] > report_max ? report_ms[i] : report_max;
    }
    double report_median = median(report_ms, (int)report_runs);
    free(report_ms);
    printf("report_quarterly_load %s vs %s: median %.3f ms over %ld runs after a "
           "warm-up (min %.3f, max %.3f)\n",
           period_text, compare_text, report_median, report_runs, report_min, report_max);
    fflush(stdout);

    /* baseline B */
    double *sql_ms = calloc((size_t)sql_runs, sizeof *sql_ms);
    double range_seconds[RANGE_COUNT], range_total[RANGE_COUNT] = {0};
    ledger_sums sums[RANGE_COUNT];
    rc = sql_ms ? 0 : -1;
    for (long i = 0; rc == 0 && i < sql_runs; i++) {
        double t0 = now_seconds();
        rc = sql_aggregate(ctx.db, sums, range_seconds);
        sql_ms[i] = (now_seconds() - t0) * 1e3;
        for (int r = 0; rc == 0 && r < RANGE_COUNT; r++)
            range_total[r] += range_seconds[r];
        if (rc == 0 && i + 1 < sql_runs)
            for (int r = 0; r < RANGE_COUNT; r++)
                ledger_sums_free(&sums[r]);
        fprintf(stderr, "  SQL aggregate run %ld: %.0f ms\n", i + 1, sql_ms[i]);
    }
    if (rc) {
        free(sql_ms);
        db_close(ctx.db);
        return -1;
    }
    double sql_median = median(sql_ms, (int)sql_runs);
    free(sql_ms);
    printf("SQL aggregate over the journal (%d ranges): median %.1f ms over %ld runs\n",
           RANGE_COUNT, sql_median, sql_runs);
    for (int r = 0; r < RANGE_COUNT; r++)
        printf("  %-22s %8.1f ms (mean), %zu account/center rows\n", RANGES[r].label,
               range_total[r] / (double)sql_runs * 1e3, sums[r].count);

    /* the two must agree */
    int check = sums_check(ctx.db, sums);
    ledger_chart chart;
    int64_t sql_current = 0, sql_prior = 0;
    if (check == 0 && ledger_chart_load(ctx.db, &chart, &e) == 0) {
        sql_current = revenue_in(&chart, &sums[0]);
        sql_prior = revenue_in(&chart, &sums[1]);
        ledger_chart_free(&chart);
        if (sql_current != revenue_current || sql_prior != revenue_prior) {
            fail("check", "report revenue %" PRId64 "/%" PRId64 " cents, SQL %" PRId64
                          "/%" PRId64, revenue_current, revenue_prior, sql_current, sql_prior);
            check = -1;
        }
    } else {
        check = -1;
    }
    for (int r = 0; r < RANGE_COUNT; r++)
        ledger_sums_free(&sums[r]);
    db_close(ctx.db);
    if (check)
        return -1;
    printf("check: the SQL sums equal the ledger balances for all %d ranges; revenue %s "
           "%s.%02d, %s %s.%02d dollars in both\n",
           RANGE_COUNT, period_text, grouped((double)(revenue_current / 100)), (int)(revenue_current % 100), compare_text,
           grouped((double)(revenue_prior / 100)), (int)(revenue_prior % 100));

    *report_median_out = report_median;
    *sql_median_out = sql_median;
    return 0;
}

static int run(long lines, const paths *p)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bloodops ledger benchmark: %s journal lines; %ld cores; SQLite %s; "
           "WAL, synchronous=FULL\n",
           grouped((double)lines), cores, sqlite3_libversion());
    printf("folder: %s\n", p->dir);
    fflush(stdout);

    /* generation: not measured */
    centers_define();
    long entries = 0;
    double start = now_seconds();
    if (generate(p->csv, lines, &entries))
        return -1;
    printf("generate: %s lines in %s entries, CSV %.1f MB, %.1f s (not part of any measure)\n",
           grouped((double)lines), grouped((double)entries), file_mb(p->csv),
           now_seconds() - start);
    printf("peak RSS after generation: %.1f MB\n", peak_rss_kb() / 1024.0);
    fflush(stdout);

    /* baseline A */
    timed raw = {0};
    if (raw_insert(p->csv, p->raw_db, &raw))
        return -1;
    double raw_rate = raw.rows / raw.seconds;
    double raw_mb = database_mb(p->raw_db);
    printf("raw SQLite bulk insert: %s rows in %.2f s = %s rows/s; database %.1f MB\n",
           grouped((double)raw.rows), raw.seconds, grouped(raw_rate), raw_mb);
    print_cpu("raw SQLite", raw.start, raw.end);
    printf("peak RSS after raw SQLite: %.1f MB\n", peak_rss_kb() / 1024.0);
    fflush(stdout);
    remove_database(p->raw_db); /* its pages are on disk already (synchronous=FULL) */

    /* baseline A: raw SQLite writing the same rows into the product's tables */
    timed schema = {0};
    if (schema_insert(p->csv, p->schema_db, &schema))
        return -1;
    double schema_rate = schema.rows / schema.seconds;
    printf("raw SQLite, the same rows into the bloodops tables: %s rows in %.2f s = "
           "%s rows/s = %.1f%% of the plain table; database %.1f MB\n",
           grouped((double)schema.rows), schema.seconds, grouped(schema_rate),
           schema_rate / raw_rate * 100, database_mb(p->schema_db));
    print_cpu("bloodops tables", schema.start, schema.end);
    fflush(stdout);
    remove_database(p->schema_db);

    /* measure A */
    service_context ctx = {0};
    err e;
    if (db_open(p->db, &ctx.db, &e)) {
        fail("db_open", "%s", e.message);
        return -1;
    }
    service_actor_local(&ctx.actor);
    if (registry_setup(&ctx)) {
        db_close(ctx.db);
        return -1;
    }
    import_result imported = {0};
    int rc = import_run(&ctx, p->csv, &imported);
    db_close(ctx.db); /* checkpoints the WAL into the database */
    if (rc)
        return -1;
    double import_rate = imported.lines / imported.seconds;
    double db_mb = database_mb(p->db);
    printf("journal_import: %s lines in %s entries in %.2f s = %s lines/s; database %.1f MB\n",
           grouped((double)imported.lines), grouped((double)imported.entries), imported.seconds,
           grouped(import_rate), db_mb);
    print_cpu("journal_import", imported.start, imported.end);
    printf("peak RSS after import: %.1f MB\n", peak_rss_kb() / 1024.0);
    fflush(stdout);

    /* measure B */
    double report_median, sql_median;
    quarter period = {2004, 1}, compare = {2003, 1};
    if (report_measure(p->db, period, compare, &report_median, &sql_median))
        return -1;

    /* the figures, each beside its baseline */
    double import_ratio = import_rate / schema_rate;
    double report_ratio = sql_median / report_median;
    printf("\n");
    printf("import: %s lines/s; raw SQLite bulk insertion of the same rows (same tables): "
           "%s rows/s; ratio %.1f%% (target >= %.0f%%): %s\n",
           grouped(import_rate), grouped(schema_rate), import_ratio * 100, IMPORT_TARGET * 100,
           import_ratio >= IMPORT_TARGET ? "MET" : "MISSED");
    printf("  for scale, not a target: raw SQLite into a plain 6-column table without keys: "
           "%s rows/s; the import is %.1f%% of it (the schema's keys and indexes cost the "
           "rest)\n",
           grouped(raw_rate), import_rate / raw_rate * 100);
    printf("quarterly report: %.3f ms; SQL aggregate over the journal: %.1f ms; ratio %sx "
           "(target >= %.0fx): %s\n",
           report_median, sql_median, grouped(report_ratio), REPORT_TARGET,
           report_ratio >= REPORT_TARGET ? "MET" : "MISSED");
    printf("peak RSS: %.1f MB; bloodops database %.1f MB (raw SQLite table %.1f MB, CSV %.1f MB)\n",
           peak_rss_kb() / 1024.0, db_mb, raw_mb, file_mb(p->csv));
    return 0;
}

/* ledger_bench --db FILE --period QUARTER [--compare QUARTER]: measure B
 * and baseline B only, over a database made elsewhere (the demo company). */
static int run_on_database(int argc, char **argv)
{
    const char *path = NULL, *period_text = NULL, *compare_text = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--period") == 0)
            period_text = argv[i + 1];
        else if (strcmp(argv[i], "--compare") == 0)
            compare_text = argv[i + 1];
    }
    quarter period, compare;
    err e;
    if (!path || !period_text || quarter_parse(period_text, &period, "--period", &e) ||
        (compare_text && quarter_parse(compare_text, &compare, "--compare", &e))) {
        fprintf(stderr, "usage: ledger_bench --db FILE --period QUARTER [--compare QUARTER]\n");
        return 2;
    }
    if (!compare_text)
        compare = quarter_year_earlier(period);
    printf("bloodops ledger benchmark, the quarterly report over %s (%.1f MB)\n", path,
           database_mb(path));
    double report_median, sql_median;
    if (report_measure(path, period, compare, &report_median, &sql_median))
        return 1;
    double ratio = sql_median / report_median;
    printf("quarterly report: %.3f ms; SQL aggregate over the journal: %.1f ms; ratio %sx "
           "(target >= %.0fx): %s\n",
           report_median, sql_median, grouped(ratio), REPORT_TARGET,
           ratio >= REPORT_TARGET ? "MET" : "MISSED");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--db") == 0)
        return run_on_database(argc, argv);
    long lines = env_long("BENCH_LINES", DEFAULT_LINES);
    if (argc > 1) {
        char *end;
        lines = strtol(argv[1], &end, 10);
        if (*end || lines <= 0) {
            fprintf(stderr, "usage: ledger_bench [LINES]   (or BENCH_LINES=N)\n");
            return 2;
        }
    }
    if (lines < MIN_LINES) {
        fprintf(stderr, "ledger_bench: at least %d lines\n", MIN_LINES);
        return 2;
    }
    const char *base = getenv("BENCH_DIR");
    if (!base || !*base)
        base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    paths p;
    snprintf(p.dir, sizeof p.dir, "%s/bloodops-bench-XXXXXX", base);
    if (!mkdtemp(p.dir)) {
        fprintf(stderr, "ledger_bench: cannot create a folder in %s: %s\n", base, strerror(errno));
        return 1;
    }
    snprintf(p.csv, sizeof p.csv, "%s/journal.csv", p.dir);
    snprintf(p.raw_db, sizeof p.raw_db, "%s/raw.db", p.dir);
    snprintf(p.schema_db, sizeof p.schema_db, "%s/schema.db", p.dir);
    snprintf(p.db, sizeof p.db, "%s/bloodops.db", p.dir);
    int rc = run(lines, &p);
    cleanup(&p);
    return rc ? 1 : 0;
}
