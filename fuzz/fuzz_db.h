/*
 * fuzz_db.h - a database for the fuzz targets that need one: SQLite in
 * memory, opened and migrated once per process (db_open applies every
 * migration of schema/), closed at exit. Nothing is written to disk.
 */
#ifndef BLOODOPS_FUZZ_DB_H
#define BLOODOPS_FUZZ_DB_H

#include <stdio.h>
#include <stdlib.h>
#include "service/service.h"

static db_conn *fuzz_db;

static inline void fuzz_db_close(void)
{
    db_close(fuzz_db);
    fuzz_db = NULL;
}

/* The process's database, opened on first use; a failure ends the run
 * (it is the machine's, not the input's). */
static inline db_conn *fuzz_db_get(void)
{
    if (fuzz_db)
        return fuzz_db;
    err e = {0};
    if (db_open(":memory:", &fuzz_db, &e)) {
        fprintf(stderr, "fuzz: cannot open the database: %s\n", e.message);
        exit(1);
    }
    atexit(fuzz_db_close);
    return fuzz_db;
}

/* A context acting as the local operator on the process's database. */
static inline service_context fuzz_db_context(void)
{
    service_context ctx = {.db = fuzz_db_get()};
    service_actor_local(&ctx.actor);
    return ctx;
}

/* Stop the run with what went wrong when a setup step fails. */
static inline void fuzz_db_require(int rc, const char *what, const err *e)
{
    if (rc) {
        fprintf(stderr, "fuzz: %s: %s (%s)\n", what, e->message, e->field);
        exit(1);
    }
}

#endif
