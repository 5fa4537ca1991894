/*
 * group_commit.h - group commit: one writer thread runs the write work of
 * many requests in one transaction and commits it once (one fsync), so
 * that concurrent writes are not bounded by the rate of fsyncs
 * (bench/README.md, "Performance targets").
 *
 * The writer owns one connection. Callers submit jobs; the writer takes
 * every job queued (up to DB_WRITER_BATCH_MAX), runs each in turn inside
 * one db job (store/db.h: each use case's transaction a savepoint, so a
 * job that fails undoes only its own changes), COMMITs, then tells every
 * job how it ended. While it commits, the next jobs queue and make the
 * next batch: the busier the server, the more jobs share a commit. A job
 * that wrote, or ran after one that did (it read the batch's uncommitted
 * writes), is told 0 only when the commit made them durable, and -1
 * (ERR_BUSY) when it failed, in which case none of the batch's writes
 * happened; a job that ran before any write of its batch is told 0
 * whatever the commit did.
 *
 * Jobs run one after another on the writer's thread, so they see each
 * other's writes in order (the audit hash chain stays serial) and must not
 * wait for anything slow that does not need the database. Work that must
 * (a login checks a password with argon2id before it writes) runs on a
 * connection of its own made to take turns with the writer
 * (db_writer_take_turns): its write transactions wait for the batch that
 * runs, the next batch waits for them, and they commit alone.
 */
#ifndef BLOODOPS_STORE_GROUP_COMMIT_H
#define BLOODOPS_STORE_GROUP_COMMIT_H

#include <stdint.h>
#include "store/db.h"

enum { DB_WRITER_BATCH_MAX = 256 };

typedef struct db_writer db_writer;

typedef struct db_writer_job {
    /* The work, on the writer's thread: every transaction it begins on
     * `db` is part of the batch. */
    void (*run)(struct db_writer_job *job, db_conn *db);
    /* Called on the writer's thread once the outcome is known, with
     * `status` 0 (what the job wrote is durable, or it wrote nothing) or
     * -1 and `error`. The job may be freed from then on. */
    void (*done)(struct db_writer_job *job);
    int status;
    err error;
    /* the writer's: the job's answer depends on the commit */
    int wrote;
    struct db_writer_job *next;
} db_writer_job;

/* Open the writer's connection to `location` and start its thread. */
int db_writer_open(const char *location, db_writer **out, err *e);
/* Queue a job (any thread). */
void db_writer_submit(db_writer *writer, db_writer_job *job);
/* Run what is queued, stop the thread, close the connection. */
void db_writer_close(db_writer *writer);
/* Make the write transactions of `conn` (another connection to the same
 * database) take turns with the writer's batches instead of competing for
 * the database's write lock. */
void db_writer_take_turns(db_conn *conn, db_writer *writer);

/* db.c's: a connection taking turns begins and ends its turn around each
 * write transaction. */
void db_writer_turn_begin(db_writer *writer);
void db_writer_turn_end(db_writer *writer);

/* Batches committed and the jobs they held, since the writer opened. */
void db_writer_counts(db_writer *writer, uint64_t *batches, uint64_t *jobs);

#endif
