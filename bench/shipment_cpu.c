/*
 * shipment_cpu.c - the writer's share of a shipment, without HTTP
 * (bench/README.md, "shipment_bench"): shipment_create called the way the
 * writer thread runs requests, in db jobs of BATCH shipments each
 * committed once, on a copy of shipment_bench's fixture
 * (BENCH_FIXTURE_OUT=FILE bench/shipment_bench writes one).
 *
 *   shipment_cpu DB [N [BATCH]]       (default 1,000 shipments, 20 a job)
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
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "service/shipment.h"
#include "store/db.h"

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: shipment_cpu DB [N [BATCH]]\n");
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
    printf("shipments=%d batch=%d cpu_us=%.1f wall_us=%.1f failed=%d\n", count, batch,
           cpu * 1e6 / count, wall * 1e6 / count, failed);
    db_close(ctx.db);
    return failed ? 1 : 0;
}
