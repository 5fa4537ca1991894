/*
 * sqlite_commits.c - baseline 1 of chain_bench (bench/README.md): raw SQLite
 * committing one row per transaction with full durability, as fast as one
 * writer can (SQLite has one writer at a time); and demo_bench's baseline,
 * raw SQLite inserting rows in bulk.
 *
 *   sqlite_commits FILE [SECONDS]      (default 3 seconds)
 *   sqlite_commits --bulk FILE [ROWS]  (default 2,000,000 rows)
 *
 * A new database FILE in WAL mode with synchronous=FULL (what bloodops
 * uses), one table of a key and a 100-character text; each transaction is
 * BEGIN IMMEDIATE, one INSERT through a prepared statement, COMMIT (which
 * waits for the fsync of the WAL). Prints one line:
 *   commits=N seconds=S rate=R
 * With --bulk, the same table takes ROWS rows in one transaction through
 * the same prepared INSERT: rows=N seconds=S rate=R.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
        fprintf(stderr, "sqlite_commits: %s: %s\n", sql, message ? message : "?");
        sqlite3_free(message);
        return -1;
    }
    return 0;
}

/* ROWS rows in one transaction. */
static int bulk(sqlite3 *db, sqlite3_stmt *insert, const char *payload, long rows)
{
    double start = now_seconds();
    if (run(db, "BEGIN IMMEDIATE"))
        return 1;
    for (long i = 0; i < rows; i++) {
        sqlite3_bind_text(insert, 1, payload, -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_commits: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(insert);
    }
    if (run(db, "COMMIT"))
        return 1;
    double elapsed = now_seconds() - start;
    printf("rows=%ld seconds=%.3f rate=%.0f\n", rows, elapsed, (double)rows / elapsed);
    return 0;
}

int main(int argc, char **argv)
{
    int in_bulk = argc > 1 && strcmp(argv[1], "--bulk") == 0;
    if (in_bulk) {
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: sqlite_commits [--bulk] FILE [SECONDS | ROWS]\n");
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    long rows = argc > 2 ? atol(argv[2]) : 2000000;
    unlink(argv[1]);
    sqlite3 *db;
    sqlite3_stmt *insert, *begin, *commit;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
        run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)") ||
        sqlite3_prepare_v2(db, "INSERT INTO rows (payload) VALUES (?)", -1, &insert, NULL) ||
        sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL)) {
        fprintf(stderr, "sqlite_commits: cannot set up %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    static const char payload[] = "0123456789012345678901234567890123456789012345678901234567890123"
                                  "456789012345678901234567890123456789";
    if (in_bulk)
        return bulk(db, insert, payload, rows);
    long commits = 0;
    double start = now_seconds(), elapsed;
    do {
        sqlite3_bind_text(insert, 1, payload, -1, SQLITE_STATIC);
        if (sqlite3_step(begin) != SQLITE_DONE || sqlite3_step(insert) != SQLITE_DONE ||
            sqlite3_step(commit) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_commits: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(begin);
        sqlite3_reset(insert);
        sqlite3_reset(commit);
        commits++;
        elapsed = now_seconds() - start;
    } while (elapsed < seconds);
    printf("commits=%ld seconds=%.3f rate=%.0f\n", commits, elapsed, (double)commits / elapsed);
    sqlite3_finalize(insert);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return 0;
}
