/*
 * shipment_cpu.c - the writer's share of a shipment, without HTTP
 * (bench/README.md, "shipment_bench"): shipment_create called the way the
 * writer thread runs requests, in db jobs of BATCH shipments each
 * committed once, on a copy of shipment_bench's fixture
 * (BENCH_FIXTURE_OUT=FILE bench/shipment_bench writes one).
 *
 *   shipment_cpu [--statements] DB [N [BATCH]]  (default 1,000 shipments, 20 a job)
 *
 * Ships the fixture's orders BASE + 1 .. BASE + N (BASE: the fixture's
 * placeholder order), order BASE + k its DIN W1234 YY k, as the
 * benchmark's load generator does, and prints one line:
 *   shipments=N batch=B cpu_us=C wall_us=W failed=F
 * with the thread's CPU time and the wall time per shipment. CPU time
 * varies with what else runs on the machine; under
 * `valgrind --tool=callgrind` the instructions per shipment do not, which
 * is how bench/README.md compares versions of the code. The database is
 * changed: run it on a copy.
 *
 * With --statements it also prints, before that line, every SQL statement
 * the shipments ran: how many times a shipment runs it, its wall time a
 * run and a shipment (from its first step to its end, timed by SQLite's
 * trace hooks on the connection), the statements that write and those
 * that only read summed apart, and COMMIT apart (its time waits for the
 * disk). Timing adds a fraction of a microsecond a statement.
 */
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "service/shipment.h"
#include "store/db.h"

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- --statements: each statement's time, through SQLite's trace hooks ------- */

enum { PROFILED_MAX = 256 };

typedef struct {
    char *sql;              /* the statement's text, copied */
    sqlite3_stmt *statement; /* the statement last seen with that text */
    int writes;
    long runs;
    double seconds;
    double started; /* of the run under way */
} profiled_statement;

static profiled_statement profiled[PROFILED_MAX];
static int profiled_count, profiled_overflow;

/* By statement first (the store keeps its statements prepared), then by
 * text: a statement finalised and another prepared may share an address. */
static profiled_statement *profiled_find(sqlite3_stmt *statement)
{
    const char *sql = sqlite3_sql(statement);
    if (!sql)
        return NULL;
    for (int i = 0; i < profiled_count; i++)
        if (profiled[i].statement == statement && strcmp(profiled[i].sql, sql) == 0)
            return &profiled[i];
    for (int i = 0; i < profiled_count; i++)
        if (strcmp(profiled[i].sql, sql) == 0) {
            profiled[i].statement = statement;
            return &profiled[i];
        }
    char *copy = profiled_count < PROFILED_MAX ? strdup(sql) : NULL;
    if (!copy) {
        profiled_overflow = 1;
        return NULL;
    }
    profiled[profiled_count] = (profiled_statement){
        .sql = copy, .statement = statement, .writes = !sqlite3_stmt_readonly(statement)};
    return &profiled[profiled_count++];
}

/* SQLITE_TRACE_STMT when a run begins, SQLITE_TRACE_PROFILE when it ends */
static int statement_traced(unsigned event, void *context, void *statement, void *detail)
{
    (void)context;
    (void)detail;
    profiled_statement *p = profiled_find(statement);
    if (!p)
        return 0;
    if (event == SQLITE_TRACE_STMT) {
        p->started = seconds(CLOCK_MONOTONIC);
    } else if (p->started) {
        p->seconds += seconds(CLOCK_MONOTONIC) - p->started;
        p->runs++;
        p->started = 0;
    }
    return 0;
}

/* Called by SQLite for every connection opened after it is registered. */
static int statements_trace_on(sqlite3 *db, const char **error, const void *api)
{
    (void)error;
    (void)api;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, statement_traced, NULL);
    return SQLITE_OK;
}

static int by_time_descending(const void *a, const void *b)
{
    double x = ((const profiled_statement *)a)->seconds, y = ((const profiled_statement *)b)->seconds;
    return (x < y) - (x > y);
}

static void statements_print(int shipments)
{
    qsort(profiled, (size_t)profiled_count, sizeof profiled[0], by_time_descending);
    double total[2] = {0, 0}, commit = 0;
    printf("%9s %9s %11s  %s\n", "runs/shp", "us/run", "us/shipment", "statement");
    for (int i = 0; i < profiled_count; i++) {
        const profiled_statement *p = &profiled[i];
        if (!p->runs)
            continue;
        double per_shipment = p->seconds * 1e6 / shipments;
        if (strcmp(p->sql, "COMMIT") == 0)
            commit += per_shipment;
        else
            total[p->writes] += per_shipment;
        printf("%9.2f %9.2f %11.2f  %.110s\n", (double)p->runs / shipments,
               p->seconds * 1e6 / (double)p->runs, per_shipment, p->sql);
    }
    printf("statements_us_per_shipment: writing=%.1f reading=%.1f commit=%.1f%s\n", total[1],
           total[0], commit, profiled_overflow ? " (more statements than counted)" : "");
}

int main(int argc, char **argv)
{
    int profile = argc > 1 && strcmp(argv[1], "--statements") == 0;
    argc -= profile;
    argv += profile;
    if (argc < 2) {
        fprintf(stderr, "usage: shipment_cpu [--statements] DB [N [BATCH]]\n");
        return 2;
    }
    int count = argc > 2 ? atoi(argv[2]) : 1000, batch = argc > 3 ? atoi(argv[3]) : 20;
    if (count < 1 || batch < 1) {
        fprintf(stderr, "shipment_cpu: N and BATCH must be at least 1\n");
        return 2;
    }
    /* as src/main.c tunes the server's allocator */
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    err e;
    service_context ctx = {0};
    if (profile) {
        /* The store configures SQLite at its first connection, before
         * SQLite initialises (store/sqlite.c: journals in memory, no
         * memory statistics); registering the hook would initialise it
         * first and undo that, so a first connection comes before. */
        if (db_open(argv[1], &ctx.db, &e)) {
            fprintf(stderr, "shipment_cpu: %s\n", e.message);
            return 1;
        }
        db_close(ctx.db);
        sqlite3_auto_extension((void (*)(void))statements_trace_on);
    }
    if (db_open(argv[1], &ctx.db, &e)) {
        fprintf(stderr, "shipment_cpu: %s\n", e.message);
        return 1;
    }
    ctx.actor.user_id = 1; /* the fixture's admin */
    snprintf(ctx.actor.username, sizeof ctx.actor.username, "admin");
    ctx.actor.roles = ROLES_ALL;
    /* the fixture's order numbers and the year of its DINs */
    db_stmt *stmt;
    int64_t base = 0;
    char year[3] = "";
    if (db_prepare(ctx.db,
                   "SELECT (SELECT id FROM orders WHERE status = 'bench placeholder'), "
                   "(SELECT substr(din, 6, 2) FROM units ORDER BY id LIMIT 1)",
                   &stmt, &e) == 0 &&
        db_step(stmt, &e) == DB_ROW && !db_column_is_null(stmt, 0) &&
        !db_column_is_null(stmt, 1)) {
        base = db_column_int64(stmt, 0);
        snprintf(year, sizeof year, "%s", db_column_text(stmt, 1));
    }
    if (!base) {
        fprintf(stderr, "shipment_cpu: %s is not a shipment_bench fixture\n", argv[1]);
        db_close(ctx.db);
        return 1;
    }
    db_reset(stmt);
    int failed = 0;
    double cpu = seconds(CLOCK_THREAD_CPUTIME_ID), wall = seconds(CLOCK_MONOTONIC);
    for (int k = 1; k <= count; k++) {
        if ((k - 1) % batch == 0)
            db_job_begin(ctx.db);
        char order[24], din[24];
        snprintf(order, sizeof order, "%lld", (long long)(base + k));
        snprintf(din, sizeof din, "W1234%s%06d", year, k);
        const char *scans[] = {din};
        shipment_input in = {.order = order, .scans = scans, .scan_count = 1,
                             .temperature = "4.0", .shipper = "Bench courier"};
        json_t *out = NULL;
        if (shipment_create(&ctx, &in, &out, &e) && failed++ == 0)
            fprintf(stderr, "shipment_cpu: order %s: %s: %s\n", order, e.field, e.message);
        json_decref(out);
        if ((k % batch == 0 || k == count) && db_job_end(ctx.db, &e))
            fprintf(stderr, "shipment_cpu: commit: %s\n", e.message);
    }
    cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
    wall = seconds(CLOCK_MONOTONIC) - wall;
    if (profile)
        statements_print(count);
    printf("shipments=%d batch=%d cpu_us=%.1f wall_us=%.1f failed=%d\n", count, batch,
           cpu * 1e6 / count, wall * 1e6 / count, failed);
    db_close(ctx.db);
    return failed ? 1 : 0;
}
