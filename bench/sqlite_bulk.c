/*
 * sqlite_bulk.c - the demo benchmark's baseline (bench/README.md,
 * demo_bench): raw SQLite inserting rows in bulk, one transaction, one
 * prepared INSERT, as fast as one writer can.
 *
 *   sqlite_bulk FILE [ROWS]      (default 2,000,000 rows)
 *
 * A new database FILE in WAL mode with synchronous=FULL (what bloodops
 * uses), one table of an integer key, a date, an amount and a 40-character
 * text (about a journal line's width). Prints one line:
 *   rows=N seconds=S rate=R
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bulk: %s: %s\n", sql, message ? message : "?");
        sqlite3_free(message);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sqlite_bulk FILE [ROWS]\n");
        return 2;
    }
    long rows = argc > 2 ? atol(argv[2]) : 2000000;
    unlink(argv[1]);
    sqlite3 *db;
    sqlite3_stmt *insert;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
        run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") ||
        run(db, "CREATE TABLE rows (id INTEGER PRIMARY KEY, day TEXT NOT NULL, "
                "amount INTEGER NOT NULL, memo TEXT NOT NULL)") ||
        sqlite3_prepare_v2(db, "INSERT INTO rows (id, day, amount, memo) VALUES (?, ?, ?, ?)", -1,
                           &insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bulk: cannot set up %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    double start = now_seconds();
    if (run(db, "BEGIN IMMEDIATE"))
        return 1;
    for (long i = 1; i <= rows; i++) {
        char day[16];
        snprintf(day, sizeof day, "2003-%02ld-%02ld", i % 12 + 1, i % 28 + 1);
        sqlite3_bind_int64(insert, 1, i);
        sqlite3_bind_text(insert, 2, day, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 3, i * 37 % 100000);
        sqlite3_bind_text(insert, 4, "a line of about forty characters, as memo", -1,
                          SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_bulk: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(insert);
    }
    if (run(db, "COMMIT"))
        return 1;
    double seconds = now_seconds() - start;
    printf("rows=%ld seconds=%.3f rate=%.0f\n", rows, seconds, (double)rows / seconds);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return 0;
}
