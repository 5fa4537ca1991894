/*
 * group_commit.c - the writer thread of group commit (group_commit.h).
 *
 * The queue is a singly linked list guarded by the writer's lock; the
 * writer cuts up to DB_WRITER_BATCH_MAX jobs off its head, runs them as one
 * db job on its own connection, commits, and reports to each job.
 * Everything else about the connection is the writer thread's alone. The
 * `turn` mutex is held around each batch, and around the write
 * transactions of connections that take turns; the writer lets them go
 * first when any waits, so they never starve between back-to-back
 * batches.
 *
 * On SQLite the writer lets its write-ahead log grow to WRITER_LOG_PAGES
 * before a commit copies it into the database (a checkpoint, which holds
 * the next batch back while it runs): four times SQLite's default, so
 * that the pages every batch writes again (the audit log's last leaves,
 * the chain's head, the month's balances) are copied once for many
 * batches. Shipments under load, several runs of each interleaved: about
 * a tenth more a second (bench/README.md, "shipment_bench").
 */
#include <pthread.h>
#include <stdlib.h>
#include "store/group_commit.h"

/* About 16 MB of log at SQLite's 4 KiB pages. */
enum { WRITER_LOG_PAGES = 4000 };

struct db_writer {
    db_conn *db;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work;
    db_writer_job *head, *tail;
    int stop;
    uint64_t batches, jobs;
    /* Held by the writer while it runs a batch, and by a connection taking
     * its turn while its write transaction is open. */
    pthread_mutex_t turn;
    int others;      /* connections waiting for their turn or taking it (lock) */
    uint64_t turned; /* turns ended (lock) */
};

/* Run one batch: every job inside one db job, then one commit. */
static void run_batch(db_writer *writer, db_writer_job *batch, int count)
{
    db_conn *db = writer->db;
    db_job_begin(db);
    for (db_writer_job *job = batch; job; job = job->next) {
        job->run(job, db);
        if (db_in_transaction(db))
            db_rollback(db); /* a job that left its transaction open failed */
        /* Once a job kept a write, the batch's transaction is open: every
         * later job reads inside it (an Idempotency-Key lookup finds an
         * answer stored moments ago, a refusal sees what was just written),
         * so its answer too holds only if the commit succeeds. */
        job->wrote = db_job_kept(db) > 0;
    }
    err e;
    int status = db_job_end(db, &e);
    pthread_mutex_lock(&writer->lock);
    writer->batches++;
    writer->jobs += (uint64_t)count;
    pthread_mutex_unlock(&writer->lock);
    while (batch) {
        db_writer_job *next = batch->next; /* done() may free the job */
        batch->status = batch->wrote ? status : 0;
        if (batch->status)
            batch->error = e;
        batch->done(batch);
        batch = next;
    }
}

static void *writer_main(void *argument)
{
    db_writer *writer = argument;
    pthread_mutex_lock(&writer->lock);
    for (;;) {
        while (!writer->head && !writer->stop)
            pthread_cond_wait(&writer->work, &writer->lock);
        if (!writer->head)
            break; /* stopping, and nothing is left */
        /* Connections waiting for their turn go first: those waiting now,
         * not those that come meanwhile, or a stream of logins would hold
         * every write (and the expiry sweep) back for as long as it lasts. */
        uint64_t after = writer->turned + (uint64_t)writer->others;
        while (writer->turned < after)
            pthread_cond_wait(&writer->work, &writer->lock);
        db_writer_job *batch = writer->head, *last = batch;
        int count = 1;
        while (last->next && count < DB_WRITER_BATCH_MAX) {
            last = last->next;
            count++;
        }
        writer->head = last->next;
        if (!writer->head)
            writer->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&writer->lock);
        pthread_mutex_lock(&writer->turn);
        run_batch(writer, batch, count);
        pthread_mutex_unlock(&writer->turn);
        pthread_mutex_lock(&writer->lock);
    }
    pthread_mutex_unlock(&writer->lock);
    return NULL;
}

int db_writer_open(const char *location, db_writer **out, err *e)
{
    db_writer *writer = calloc(1, sizeof *writer);
    if (!writer)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (db_open(location, &writer->db, e) != 0 ||
        db_checkpoint_pages(writer->db, WRITER_LOG_PAGES, e) != 0) {
        db_close(writer->db);
        free(writer);
        return -1;
    }
    pthread_mutex_init(&writer->lock, NULL);
    pthread_mutex_init(&writer->turn, NULL);
    pthread_cond_init(&writer->work, NULL);
    if (pthread_create(&writer->thread, NULL, writer_main, writer) != 0) {
        db_close(writer->db);
        free(writer);
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the writer thread");
    }
    *out = writer;
    return 0;
}

void db_writer_submit(db_writer *writer, db_writer_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&writer->lock);
    if (writer->tail)
        writer->tail->next = job;
    else
        writer->head = job;
    writer->tail = job;
    pthread_cond_signal(&writer->work);
    pthread_mutex_unlock(&writer->lock);
}

void db_writer_close(db_writer *writer)
{
    if (!writer)
        return;
    pthread_mutex_lock(&writer->lock);
    writer->stop = 1;
    pthread_cond_signal(&writer->work);
    pthread_mutex_unlock(&writer->lock);
    pthread_join(writer->thread, NULL);
    db_close(writer->db);
    pthread_mutex_destroy(&writer->lock);
    pthread_mutex_destroy(&writer->turn);
    pthread_cond_destroy(&writer->work);
    free(writer);
}

void db_writer_turn_begin(db_writer *writer)
{
    pthread_mutex_lock(&writer->lock);
    writer->others++;
    pthread_mutex_unlock(&writer->lock);
    pthread_mutex_lock(&writer->turn);
}

void db_writer_turn_end(db_writer *writer)
{
    pthread_mutex_unlock(&writer->turn);
    pthread_mutex_lock(&writer->lock);
    writer->others--;
    writer->turned++;
    pthread_cond_signal(&writer->work);
    pthread_mutex_unlock(&writer->lock);
}

void db_writer_counts(db_writer *writer, uint64_t *batches, uint64_t *jobs)
{
    pthread_mutex_lock(&writer->lock);
    *batches = writer->batches;
    *jobs = writer->jobs;
    pthread_mutex_unlock(&writer->lock);
}
