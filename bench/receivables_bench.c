/*
 * receivables_bench.c - the receivables aging target (bench/README.md,
 * "Performance targets"): the aging of today over a million invoices with
 * their payments and credits, as billing answers it, against the
 * equivalent plain SQL aggregate over the documents, in one run on one
 * machine, with both results checked equal to the cent.
 *
 *   receivables_bench [INVOICES]     (or BENCH_INVOICES=N; default 1,000,000)
 *   receivables_bench --db FILE --date DATE
 *                                    (steps 2 to 4 over a database made
 *                                    elsewhere: the demo company)
 *
 * Steps:
 * 1. A fresh bloodops database (db_open runs the migrations), then the
 *    documents written by a bulk path, not measured: raw SQLite in one
 *    transaction writes customers, issued invoices spread over the 1,000
 *    days before today (terms 30), payments and their applications (most
 *    invoices paid in full 10 to 70 days after their date, some in part,
 *    some applications undone), credit memos on invoices and standalone,
 *    write-offs, and
 *    each invoice's open amount as billing keeps it (total less active
 *    applications, credits and write-offs; what is still open a year after
 *    its date is written off then). It writes no journal: the aging's totals do
 *    not read it. The service functions would write the same rows, one
 *    transaction each (`tests/api/receivables.test.js` checks they do).
 * 2. Measure: receivables_aging_totals for today (per bucket and per
 *    customer) through the service, which reads the open invoices from the
 *    index of open invoices: a warm-up, then BENCH_RUNS runs (default 20).
 * 3. Baseline: the same totals by one plain SQL aggregate over the
 *    documents (each issued invoice's total less the sums of its active
 *    applications, its credits and its write-offs, bucketed by days past due and summed per
 *    customer and bucket): BENCH_SQL_RUNS runs (default 3).
 * 4. Compare every customer's every bucket, to the cent.
 *
 * Environment: BENCH_INVOICES, BENCH_DIR (default $TMPDIR or /tmp),
 * BENCH_KEEP=1 (keep the database), BENCH_RUNS, BENCH_SQL_RUNS.
 * Exit status: 0 when every step ran (read the line ending MET or MISSED),
 * 1 when a step failed or the results differ.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base/date.h"
#include "base/money.h"
#include "domain/receivables.h"
#include "service/billing.h"
#include "service/service.h"
#include "store/db.h"

enum { DEFAULT_INVOICES = 1000000, MIN_INVOICES = 1000, CUSTOMERS = 500, SPREAD_DAYS = 1000,
       PATH_TEXT_MAX = 4096 };

static const double TARGET = 100.0; /* the aging >= 100x faster than the SQL */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
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
    fprintf(stderr, "receivables_bench: %s: ", what);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

static long env_long(const char *name, long fallback)
{
    const char *text = getenv(name);
    return text && *text ? strtol(text, NULL, 10) : fallback;
}

/* A deterministic generator (xorshift64*), so every run writes the same
 * documents. */
static uint64_t random_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 2685821657736338717ULL;
}
static long random_below(long n)
{
    return (long)(next_random() % (uint64_t)n);
}

static int ok(sqlite3 *db, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    fail(what, "%s", sqlite3_errmsg(db));
    return -1;
}

static int step_reset(sqlite3 *db, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return ok(db, rc, what);
}

typedef struct {
    long invoices, applications, undone, payments, credits, standalone, write_offs, open;
} generated;

/* Step 1: the documents, raw SQLite in one transaction. */
static int generate(const char *path, long invoices, civil_day today, generated *g)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *customer = NULL, *invoice = NULL, *payment = NULL, *application = NULL,
                 *credit = NULL, *account = NULL, *write_off = NULL;
    int rc = -1;
    memset(g, 0, sizeof *g);
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fail("sqlite3_open", "%s", path);
        return -1;
    }
    int64_t account_id = 0;
    if (ok(db, sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL), "begin") ||
        ok(db, sqlite3_prepare_v2(db, "SELECT id FROM accounts WHERE code = '4000'", -1, &account,
                                  NULL), "prepare") ||
        sqlite3_step(account) != SQLITE_ROW)
        goto done;
    account_id = sqlite3_column_int64(account, 0);
    if (ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO customers (id, code, name, billing_terms_days, "
                                  "created_at, created_by) VALUES (?, ?, ?, 30, "
                                  "'2004-01-01T00:00:00Z', 'bench')",
                                  -1, &customer, NULL), "prepare customers") ||
        ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO invoices (id, customer_id, status, invoice_date, "
                                  "terms_days, due_date, year, sequence, number, total_cents, "
                                  "open_cents, issued_at, issued_by, created_at, created_by) "
                                  "VALUES (?1, ?2, 'issued', ?3, 30, ?4, ?5, ?1, ?6, ?7, ?8, "
                                  "'2004-01-01T00:00:00Z', 'bench', '2004-01-01T00:00:00Z', "
                                  "'bench')",
                                  -1, &invoice, NULL), "prepare invoices") ||
        ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO payments (id, customer_id, payment_date, "
                                  "amount_cents, reference, created_at, created_by) VALUES "
                                  "(?, ?, ?, ?, 'bench', '2004-01-01T00:00:00Z', 'bench')",
                                  -1, &payment, NULL), "prepare payments") ||
        ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO payment_applications (payment_id, invoice_id, "
                                  "applied_date, amount_cents, journal_entry_id, undone_date, "
                                  "undo_reason, created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, "
                                  "?, '2004-01-01T00:00:00Z', 'bench')",
                                  -1, &application, NULL), "prepare applications") ||
        ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO credit_memos (customer_id, invoice_id, credit_date, "
                                  "amount_cents, account_id, reason, journal_entry_id, created_at, "
                                  "created_by) VALUES (?, ?, ?, ?, ?, 'bench', 1, "
                                  "'2004-01-01T00:00:00Z', 'bench')",
                                  -1, &credit, NULL), "prepare credits") ||
        ok(db, sqlite3_prepare_v2(db,
                                  "INSERT INTO write_offs (invoice_id, write_off_date, "
                                  "amount_cents, reason, journal_entry_id, created_at, "
                                  "created_by) VALUES (?, ?, ?, 'bench', 1, "
                                  "'2004-01-01T00:00:00Z', 'bench')",
                                  -1, &write_off, NULL), "prepare write-offs"))
        goto done;
    for (int c = 1; c <= CUSTOMERS; c++) {
        char code[24], name[40];
        snprintf(code, sizeof code, "BENCH-%03d", c);
        snprintf(name, sizeof name, "Bench customer %d", c);
        sqlite3_bind_int(customer, 1, c);
        sqlite3_bind_text(customer, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(customer, 3, name, -1, SQLITE_TRANSIENT);
        if (step_reset(db, customer, "customer"))
            goto done;
    }
    civil_day first = date_add_days(today, -SPREAD_DAYS);
    long sequence[4000] = {0};
    for (long i = 1; i <= invoices; i++) {
        /* dates in order, so each year's numbers follow its days */
        civil_day day = date_add_days(first, (int32_t)((i - 1) * SPREAD_DAYS / invoices));
        civil_day due = date_add_days(day, 30);
        int year, month, dom;
        date_to_ymd(day, &year, &month, &dom);
        int customer_id = 1 + (int)random_below(CUSTOMERS);
        int64_t total = 5000 + random_below(500000); /* 50.00 .. 5,049.99 */
        int64_t open = total;
        char day_text[DATE_TEXT_MAX], due_text[DATE_TEXT_MAX], number[RECEIVABLES_NUMBER_TEXT_MAX];
        date_format(day, day_text, sizeof day_text);
        date_format(due, due_text, sizeof due_text);
        long seq = ++sequence[year % 4000];
        receivables_number_format(year, seq, number, sizeof number);
        /* a credit memo on 5% of invoices: a tenth of the total, 5 days later */
        int64_t credited = 0;
        civil_day credit_day = date_add_days(day, 5);
        if (random_below(100) < 5 && credit_day <= today) {
            credited = total / 10;
            open -= credited;
        }
        /* 94% paid in full 10..70 days after their date, 3% half paid,
         * the rest not paid; 1% of the payments first applied wrongly and
         * undone; what is still open a year after the invoice date is
         * written off then */
        long kind = random_below(100);
        civil_day paid_day = date_add_days(day, 10 + (int32_t)random_below(61));
        int64_t paid = 0;
        if (paid_day <= today)
            paid = kind < 94 ? open : kind < 97 ? open / 2 : 0;
        open -= paid;
        civil_day written_day = date_add_days(day, 365);
        int64_t written = written_day <= today ? open : 0;
        open -= written;
        sqlite3_bind_int64(invoice, 1, i);
        sqlite3_bind_int(invoice, 2, customer_id);
        sqlite3_bind_text(invoice, 3, day_text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(invoice, 4, due_text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(invoice, 5, year);
        sqlite3_bind_text(invoice, 6, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(invoice, 7, total);
        sqlite3_bind_int64(invoice, 8, open);
        if (step_reset(db, invoice, "invoice"))
            goto done;
        g->invoices++;
        g->open += open != 0;
        if (written) {
            char text[DATE_TEXT_MAX];
            sqlite3_bind_int64(write_off, 1, i);
            sqlite3_bind_text(write_off, 2, date_format(written_day, text, sizeof text), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_int64(write_off, 3, written);
            if (step_reset(db, write_off, "write-off"))
                goto done;
            g->write_offs++;
        }
        if (credited) {
            char text[DATE_TEXT_MAX];
            sqlite3_bind_int(credit, 1, customer_id);
            sqlite3_bind_int64(credit, 2, i);
            sqlite3_bind_text(credit, 3, date_format(credit_day, text, sizeof text), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_int64(credit, 4, credited);
            sqlite3_bind_int64(credit, 5, account_id);
            if (step_reset(db, credit, "credit"))
                goto done;
            g->credits++;
        }
        if (paid) {
            char text[DATE_TEXT_MAX];
            date_format(paid_day, text, sizeof text);
            g->payments++;
            sqlite3_bind_int64(payment, 1, g->payments);
            sqlite3_bind_int(payment, 2, customer_id);
            sqlite3_bind_text(payment, 3, text, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(payment, 4, paid);
            if (step_reset(db, payment, "payment"))
                goto done;
            int undone = random_below(100) == 0;
            for (int pass = undone ? 0 : 1; pass < 2; pass++) {
                sqlite3_bind_int64(application, 1, g->payments);
                sqlite3_bind_int64(application, 2, i);
                sqlite3_bind_text(application, 3, text, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(application, 4, paid);
                if (pass == 0) { /* undone the same day: the next row is the right one */
                    sqlite3_bind_text(application, 5, text, -1, SQLITE_TRANSIENT);
                    sqlite3_bind_text(application, 6, "applied twice", -1, SQLITE_STATIC);
                    g->undone++;
                } else {
                    sqlite3_bind_null(application, 5);
                    sqlite3_bind_null(application, 6);
                }
                if (step_reset(db, application, "application"))
                    goto done;
                g->applications++;
            }
        }
    }
    /* standalone credits: one per customer, within the last year */
    for (int c = 1; c <= CUSTOMERS; c++) {
        char text[DATE_TEXT_MAX];
        sqlite3_bind_int(credit, 1, c);
        sqlite3_bind_null(credit, 2);
        sqlite3_bind_text(credit, 3,
                          date_format(date_add_days(today, -(int32_t)random_below(365)), text,
                                      sizeof text),
                          -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(credit, 4, 1000 + random_below(100000));
        sqlite3_bind_int64(credit, 5, account_id);
        if (step_reset(db, credit, "standalone credit"))
            goto done;
        g->standalone++;
    }
    if (ok(db, sqlite3_exec(db, "COMMIT; ANALYZE", NULL, NULL, NULL), "commit"))
        goto done;
    rc = 0;
done:
    sqlite3_finalize(customer);
    sqlite3_finalize(invoice);
    sqlite3_finalize(payment);
    sqlite3_finalize(application);
    sqlite3_finalize(credit);
    sqlite3_finalize(account);
    sqlite3_finalize(write_off);
    sqlite3_close(db);
    return rc;
}

/* Step 3: the plain SQL aggregate over the documents, per customer and
 * bucket (by days past due, as aging_bucket_of counts them). */
#define BASELINE_SQL                                                                               \
    "SELECT customer_id, CASE WHEN days <= 0 THEN 0 WHEN days <= 30 THEN 1 WHEN days <= 60 "     \
    "THEN 2 WHEN days <= 90 THEN 3 WHEN days <= 120 THEN 4 ELSE 5 END AS bucket, SUM(open) "    \
    "FROM (SELECT i.customer_id AS customer_id, CAST(julianday(?1) - julianday(i.due_date) AS " \
    "INTEGER) AS days, i.total_cents - COALESCE((SELECT SUM(a.amount_cents) FROM "              \
    "payment_applications a WHERE a.invoice_id = i.id AND a.applied_date <= ?1 AND "            \
    "(a.undone_date IS NULL OR a.undone_date > ?1)), 0) - COALESCE((SELECT "                    \
    "SUM(cm.amount_cents) FROM credit_memos cm WHERE cm.invoice_id = i.id AND cm.credit_date "  \
    "<= ?1), 0) - COALESCE((SELECT SUM(w.amount_cents) FROM write_offs w WHERE "                \
    "w.invoice_id = i.id AND w.write_off_date <= ?1), 0) AS open FROM invoices i WHERE "         \
    "i.status = 'issued' AND i.invoice_date <= ?1 UNION ALL SELECT cm.customer_id, "            \
    "CAST(julianday(?1) - julianday(cm.credit_date) AS INTEGER), -cm.amount_cents FROM "        \
    "credit_memos cm WHERE cm.invoice_id IS NULL AND cm.credit_date <= ?1) "                     \
    "GROUP BY customer_id, bucket"

static int baseline(const char *path, const char *today, int customers,
                    int64_t (*sums)[AGING_BUCKET_COUNT], double *ms)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        ok(db, sqlite3_prepare_v2(db, BASELINE_SQL, -1, &stmt, NULL), "prepare baseline"))
        goto done;
    double t0 = now_seconds();
    sqlite3_bind_text(stmt, 1, today, -1, SQLITE_TRANSIENT);
    memset(sums, 0, sizeof(*sums) * (size_t)(customers + 1));
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int customer = sqlite3_column_int(stmt, 0), bucket = sqlite3_column_int(stmt, 1);
        if (customer >= 0 && customer <= customers)
            sums[customer][bucket] += sqlite3_column_int64(stmt, 2);
    }
    if (ok(db, step, "baseline"))
        goto done;
    *ms = (now_seconds() - t0) * 1e3;
    rc = 0;
done:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rc;
}

/* Steps 2 to 4 over the database at `path`: the aging of `today`, its
 * baseline, their comparison for customers 1..customers. 0 when the
 * results are equal, 1 when they differ, -1 when a step failed. */
static int measure(const char *path, civil_day today, int customers, long runs, long sql_runs)
{
    service_context ctx = {0};
    err e;
    char today_text[DATE_TEXT_MAX];
    date_format(today, today_text, sizeof today_text);
    /* step 2 */
    if (db_open(path, &ctx.db, &e)) {
        fail("db_open", "%s", e.message);
        return -1;
    }
    service_actor_local(&ctx.actor);
    double *ms = calloc((size_t)runs, sizeof *ms);
    aging_totals totals = {0};
    int rc = 0;
    for (long i = -1; rc == 0 && i < runs; i++) { /* i = -1: the warm-up */
        if (i >= 0)
            aging_totals_free(&totals);
        double start = now_seconds();
        rc = db_begin_read(ctx.db, &e) || receivables_aging_totals(ctx.db, today, 0, &totals, &e);
        db_rollback(ctx.db);
        if (i >= 0)
            ms[i] = (now_seconds() - start) * 1e3;
    }
    db_close(ctx.db);
    if (rc) {
        fail("receivables_aging_totals", "%s", e.message);
        return -1;
    }
    double measured = median(ms, (int)runs);
    printf("aging of today (receivables_aging_totals, %s): median %.3f ms over %ld runs\n",
           totals.from_rows ? "open amounts read from the open invoices' index"
                            : "summed from the documents",
           measured, runs);
    fflush(stdout);

    /* step 3 */
    int64_t(*sums)[AGING_BUCKET_COUNT] = calloc((size_t)customers + 1, sizeof *sums);
    double *sql_ms = calloc((size_t)sql_runs, sizeof *sql_ms);
    for (long i = 0; i < sql_runs; i++)
        if (baseline(path, today_text, customers, sums, &sql_ms[i]))
            return -1;
    double sql = median(sql_ms, (int)sql_runs);
    printf("plain SQL aggregate over the documents: median %.1f ms over %ld runs\n", sql,
           sql_runs);

    /* step 4 */
    long differences = 0;
    int64_t sql_total = 0;
    for (int c = 0; c <= customers; c++)
        for (int b = 0; b < AGING_BUCKET_COUNT; b++) {
            int64_t mine = (size_t)c < totals.customer_count ? totals.customers[c].buckets[b] : 0;
            sql_total += sums[c][b];
            if (mine != sums[c][b]) {
                if (differences++ < 5)
                    fprintf(stderr, "customer %d bucket %s: aging %" PRId64 " SQL %" PRId64 "\n",
                            c, aging_bucket_name((aging_bucket)b), mine, sums[c][b]);
            }
        }
    char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX];
    printf("results: aging total %s, SQL total %s; %d customers x %d buckets compared: %s\n",
           money_format(totals.total, MONEY_GROUPED, a, sizeof a),
           money_format(sql_total, MONEY_GROUPED, b, sizeof b),
           customers, AGING_BUCKET_COUNT,
           differences ? "DIFFERENT" : "equal to the cent");
    double ratio = sql / measured;
    printf("receivables aging of today: %.3f ms vs SQL %.1f ms = %.0fx faster (target %.0fx) %s\n",
           measured, sql, ratio, TARGET, ratio >= TARGET && !differences ? "MET" : "MISSED");
    aging_totals_free(&totals);
    free(ms);
    free(sql_ms);
    free(sums);
    return differences ? 1 : 0;
}

/* receivables_bench --db FILE --date DATE: steps 2 to 4 over a database
 * made elsewhere (the demo company), the aging of DATE (its last day). */
static int run_on_database(int argc, char **argv, long runs, long sql_runs)
{
    civil_day day;
    err e;
    if (argc != 5 || strcmp(argv[3], "--date") != 0 || date_parse(argv[4], &day, "--date", &e)) {
        fprintf(stderr, "usage: receivables_bench --db FILE --date YYYY-MM-DD\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int customers = -1;
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(id), 0) FROM customers", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        customers = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (customers < 0) {
        fail("customers", "cannot read the customers of %s", argv[2]);
        return 1;
    }
    printf("the aging of %s over %s (%d customers)\n", argv[4], argv[2], customers);
    return measure(argv[2], day, customers, runs, sql_runs) != 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--db") == 0)
        return run_on_database(argc, argv, env_long("BENCH_RUNS", 20),
                               env_long("BENCH_SQL_RUNS", 3));
    long invoices = argc > 1 ? strtol(argv[1], NULL, 10)
                             : env_long("BENCH_INVOICES", DEFAULT_INVOICES);
    long runs = env_long("BENCH_RUNS", 20), sql_runs = env_long("BENCH_SQL_RUNS", 3);
    if (invoices < MIN_INVOICES || runs < 1 || sql_runs < 1) {
        fprintf(stderr, "usage: receivables_bench [INVOICES >= %d]\n", MIN_INVOICES);
        return 1;
    }
    const char *dir = getenv("BENCH_DIR");
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[PATH_TEXT_MAX], today_text[DATE_TEXT_MAX];
    snprintf(path, sizeof path, "%s/receivables_bench_%ld.db", dir, (long)getpid());
    civil_day today = date_today();
    date_format(today, today_text, sizeof today_text);

    /* step 1 */
    service_context ctx = {0};
    err e;
    if (db_open(path, &ctx.db, &e)) {
        fail("db_open", "%s", e.message);
        return 1;
    }
    db_close(ctx.db);
    generated g;
    double t0 = now_seconds();
    if (generate(path, invoices, today, &g))
        return 1;
    printf("documents: %ld invoices (%ld open today), %ld payments with %ld applications "
           "(%ld undone), %ld credit memos on invoices, %ld standalone, %ld write-offs; written "
           "by the bulk path in %.1f s\n",
           g.invoices, g.open, g.payments, g.applications, g.undone, g.credits, g.standalone,
           g.write_offs,
           now_seconds() - t0);
    fflush(stdout);

    int measured_rc = measure(path, today, CUSTOMERS, runs, sql_runs);
    if (measured_rc < 0)
        return 1;
    if (!getenv("BENCH_KEEP") || strcmp(getenv("BENCH_KEEP"), "1") != 0) {
        char side[PATH_TEXT_MAX + 8];
        unlink(path);
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    } else {
        printf("database kept: %s\n", path);
    }
    return measured_rc;
}
