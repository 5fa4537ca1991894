/*
 * server.c - the HTTP server: libmicrohttpd with its internal thread pool.
 *
 * Each worker thread opens its own database connection on first use (SQLite
 * connections must not be shared across threads without a lock), kept in a
 * thread-specific slot and closed when the thread ends. A request collects
 * its body up to the configured limit, then goes to http_dispatch; every
 * request gets an arena freed when it completes, and one access-log line.
 * Each request's reads share one read transaction (db_read_scope_begin);
 * on SQLite a worker keeps it for its next request while nothing has been
 * committed since (db_read_snapshots_keep).
 *
 * Writes (every method but GET and HEAD) are jobs (store/db.h): all they
 * write commits together or not at all, the Idempotency-Key record with
 * the change. On SQLite they are group-committed (store/group_commit.h):
 * the worker checks the request (route, session, CSRF, role, body) and
 * hands the handler to the one writer thread, which runs the queued
 * handlers one after another in one transaction and commits once; the
 * connection is suspended meanwhile (the worker goes on with others) and
 * resumed when the commit is durable. If the commit failed, the answer of
 * every request that wrote, or ran after one that did (it saw those
 * writes), becomes 503 "the database is busy, try again".
 * A login (the one write without a session) runs on its worker instead,
 * outside any job: each of its transactions commits on its own, taking its
 * turn with the writer, so the attempt it counts before its argon2id
 * password check is seen at once by every other login, and the check holds
 * up no other write. On PostgreSQL, whose WAL
 * flush already serves concurrent commits together, each write request is
 * a job on its worker's own connection.
 *
 * The expiry sweep (unit_expiry_sweep) runs at start and then every
 * BLOODOPS_EXPIRY_SWEEP_SECONDS (default 300, 0: never) as a job like the
 * others, acting as "system:expiry-sweep", and logs how many units expired.
 *
 * SIGINT and SIGTERM stop accepting, stop the sweep, let requests in flight
 * finish (up to 10 s; those waiting for their commit too) and close
 * everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "base/buffer.h"
#include "base/log.h"
#include "http/dispatch.h"
#include "service/unit.h"
#include "store/db.h"
#include "store/group_commit.h"

typedef struct {
    http_request request;
    buffer body;
    int too_large;
    struct timespec started;
    unsigned status;
    http_response response;
    /* A write request handed to the writer (SQLite). */
    db_writer_job job;
    const http_route *route;
    struct MHD_Connection *suspended; /* set while its answer waits */
} request_state;

static const http_config *server_config;
static pthread_key_t thread_db_key;
/* SQLite: the group commit writer (NULL on PostgreSQL). */
static db_writer *writer;
/* Requests begun and not yet completed: shutdown waits for these, not for
 * idle keep-alive connections, which it simply closes. */
static atomic_int requests_in_flight;

/* A declared body up to this size over the limit is read and dropped so the
 * client, still sending, gets its 413 instead of a reset connection; a larger
 * one is refused at once. */
#define DRAIN_LIMIT (64u * 1024u * 1024u)

static void thread_db_close(void *conn) { db_close(conn); }

static db_conn *thread_db(err *e)
{
    db_conn *conn = pthread_getspecific(thread_db_key);
    if (conn && db_connected(conn))
        return conn;
    if (conn) {
        log_warn("the database connection was lost: reconnecting");
        db_close(conn);
        pthread_setspecific(thread_db_key, NULL);
    }
    if (db_open(server_config->db_location, &conn, e))
        return NULL;
    if (writer)
        db_writer_take_turns(conn, writer);
    db_read_snapshots_keep(conn);
    pthread_setspecific(thread_db_key, conn);
    return conn;
}

/* The application's page shell may load scripts, styles and images from
 * its own origin only, and talk to its own API; nothing inline runs. */
#define PAGE_POLICY                                                                                \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "                   \
    "form-action 'self'; frame-ancestors 'none'"
/* An HTML report is self-contained (inline CSS and SVG): nothing else may
 * load or run in it. */
#define REPORT_POLICY "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
/* JSON, text and the application's files are never documents to frame. */
#define DATA_POLICY "default-src 'none'; frame-ancestors 'none'"

static enum MHD_Result send_response(struct MHD_Connection *connection, request_state *state,
                                     http_response *response)
{
    /* JSON unless the handler answered with another body (a report as
     * text, CSV or HTML, a label, or web.c a file), which then carries its
     * own Content-Type. */
    const char *content_type = "application/json; charset=utf-8";
    const char *body = response->body;
    size_t length = response->body_length;
    enum MHD_ResponseMemoryMode mode =
        response->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE;
    if (body) {
        if (response->content_type)
            content_type = response->content_type;
        response->body = NULL; /* handed over to libmicrohttpd */
    } else if (response->json) {
        char *text = json_dumps(response->json, JSON_COMPACT);
        body = text;
        length = text ? strlen(text) : 0;
        mode = MHD_RESPMEM_MUST_FREE;
    }
    struct MHD_Response *reply = MHD_create_response_from_buffer(
        length, body ? (void *)body : "", body ? mode : MHD_RESPMEM_PERSISTENT);
    if (!reply) {
        if (body && mode == MHD_RESPMEM_MUST_FREE)
            free((void *)body);
        json_decref(response->json);
        response->json = NULL;
        return MHD_NO;
    }
    if (response->status != 304)
        MHD_add_response_header(reply, "Content-Type", content_type);
    MHD_add_response_header(reply, "Cache-Control",
                            response->cache_control ? response->cache_control : "no-store");
    if (response->content_encoding)
        MHD_add_response_header(reply, "Content-Encoding", response->content_encoding);
    if (response->vary_encoding)
        MHD_add_response_header(reply, "Vary", "Accept-Encoding");
    if (response->etag) {
        char etag[80];
        snprintf(etag, sizeof etag, "\"%s\"", response->etag);
        MHD_add_response_header(reply, "ETag", etag);
    }
    MHD_add_response_header(reply, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(reply, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(reply, "X-Frame-Options", "DENY");
    MHD_add_response_header(reply, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(reply, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(reply, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=(), payment=()");
    const char *policy = DATA_POLICY;
    if (response->page)
        policy = PAGE_POLICY;
    else if (strncmp(content_type, "text/html", 9) == 0)
        policy = REPORT_POLICY;
    MHD_add_response_header(reply, "Content-Security-Policy", policy);
    if (response->content_disposition)
        MHD_add_response_header(reply, "Content-Disposition", response->content_disposition);
    if (response->set_cookie)
        MHD_add_response_header(reply, "Set-Cookie", response->set_cookie);
    if (response->allow)
        MHD_add_response_header(reply, "Allow", response->allow);
    if (response->replayed)
        MHD_add_response_header(reply, "Idempotent-Replayed", "true");
    state->status = response->status;
    enum MHD_Result result = MHD_queue_response(connection, response->status, reply);
    MHD_destroy_response(reply);
    json_decref(response->json);
    response->json = NULL;
    return result;
}

static enum MHD_Result reply_error_now(struct MHD_Connection *connection, request_state *state,
                                       err_code code, const char *message)
{
    http_response response = {0};
    err e;
    err_set(&e, code, NULL, "%s", message);
    http_reply_error(&response, &e);
    return send_response(connection, state, &response);
}

/* The answer of a write request whose commit failed: what the handler
 * answered was not made durable, so it must not be sent. */
static void commit_failed(http_response *response, const err *e)
{
    log_error("a commit failed: %s", e->message);
    http_reply_error(response, e);
    response->status = 503;
    response->set_cookie = NULL;
    response->replayed = 0;
}

/* A handler that failed mid-transaction must not leave it open. */
static void transaction_left_open(db_conn *db, const http_request *request)
{
    if (!db_in_transaction(db))
        return;
    log_error("a handler left a transaction open: %s %s", request->method, request->path);
    db_rollback(db);
}

/* On the writer's thread: the handler of a checked write request. */
static void request_job_run(db_writer_job *job, db_conn *db)
{
    request_state *state = (request_state *)(void *)((char *)job - offsetof(request_state, job));
    state->request.service.db = db;
    http_route_run(state->route, &state->request, &state->response);
    transaction_left_open(db, &state->request);
}

/* On the writer's thread, once the batch is committed (or failed): the
 * worker answers when the connection is resumed. */
static void request_job_done(db_writer_job *job)
{
    request_state *state = (request_state *)(void *)((char *)job - offsetof(request_state, job));
    http_writes_done();
    MHD_resume_connection(state->suspended);
}

static enum MHD_Result on_request(void *closure, struct MHD_Connection *connection,
                                  const char *url, const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **request_closure)
{
    request_state *state = *request_closure;
    if (!state) {
        state = calloc(1, sizeof *state);
        if (!state)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &state->started);
        atomic_fetch_add(&requests_in_flight, 1);
        state->request.arena = arena_new();
        state->request.connection = connection;
        state->request.method = arena_strdup(state->request.arena, method);
        state->request.path = arena_strdup(state->request.arena, url);
        *request_closure = state;
        const char *declared =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared_length = declared ? strtoull(declared, NULL, 10) : 0;
        if (declared_length > server_config->body_limit) {
            state->too_large = 1;
            /* A client that waits for "100 Continue" has sent nothing yet:
             * answer at once. */
            const char *expect =
                MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Expect");
            if (declared_length > DRAIN_LIMIT || (expect && strcasecmp(expect, "100-continue") == 0))
                return reply_error_now(connection, state, ERR_TOO_LARGE,
                                       "the request body is larger than the limit");
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!state->too_large) {
            if (state->body.length + *upload_data_size > server_config->body_limit)
                state->too_large = 1;
            else
                buffer_append(&state->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (state->too_large) {
        char message[96];
        snprintf(message, sizeof message, "the request body is larger than the limit of %zu bytes",
                 server_config->body_limit);
        return reply_error_now(connection, state, ERR_TOO_LARGE, message);
    }

    if (state->suspended) {
        /* Resumed: the writer ran the handler and the commit is known. */
        state->suspended = NULL;
        if (state->job.status != 0)
            commit_failed(&state->response, &state->job.error);
        return send_response(connection, state, &state->response);
    }

    http_request *request = &state->request;
    http_response *response = &state->response;
    response->status = 200;
    err e;
    /* The web application's files need no database. */
    if (http_web_serve(request->method, request->path,
                       MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Accept-Encoding"),
                       MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "If-None-Match"),
                       response))
        return send_response(connection, state, response);
    request->body = buffer_text(&state->body);
    request->body_length = state->body.length;
    request->idempotency_key =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Idempotency-Key");
    db_conn *db = thread_db(&e);
    request->service.db = db;
    if (!db) {
        log_error("cannot open the database: %s", e.message);
        return reply_error_now(connection, state, ERR_BUSY, "the database is not available");
    }
    int write = strcmp(request->method, "GET") != 0 && strcmp(request->method, "HEAD") != 0;
    db_read_scope_begin(db);
    const http_route *route = http_route_check(request, response);
    if (route && !write) {
        http_route_run(route, request, response);
        transaction_left_open(db, request);
    }
    db_read_scope_end(db);
    if (route && write && writer && route->roles) {
        /* Group commit: the writer runs the handler, the connection waits.
         * Suspended first: the writer may be done before submit returns. */
        state->route = route;
        state->suspended = connection;
        state->job.run = request_job_run;
        state->job.done = request_job_done;
        MHD_suspend_connection(connection);
        db_writer_submit(writer, &state->job);
        return MHD_YES;
    }
    if (route && write && !route->roles) {
        /* A write without a session, a login: its transactions commit one
         * by one, each taking its turn with the writer, so that the attempt
         * it counts first is seen by every other attempt while its argon2id
         * password check runs with no transaction held (service/auth.c). */
        http_route_run(route, request, response);
        transaction_left_open(db, request);
        http_writes_done();
    } else if (route && write) {
        /* PostgreSQL: each write request is a job of its own. */
        db_job_begin(db);
        http_route_run(route, request, response);
        transaction_left_open(db, request);
        if (db_job_end(db, &e))
            commit_failed(response, &e);
        http_writes_done();
    }
    return send_response(connection, state, response);
}

static void on_completed(void *closure, struct MHD_Connection *connection,
                         void **request_closure, enum MHD_RequestTerminationCode code)
{
    request_state *state = *request_closure;
    if (!state)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* Hundredths of a millisecond, printed as integers ("0.42"): float
     * formatting was a visible share of a DIN lookup's CPU. */
    long long hundredths = (long long)(now.tv_sec - state->started.tv_sec) * 100000 +
                           (now.tv_nsec - state->started.tv_nsec) / 10000;
    if (hundredths < 0)
        hundredths = 0;
    buffer fields = BUFFER_INIT;
    char number[32];
    log_field(&fields, "method", state->request.method);
    log_field(&fields, "path", state->request.path);
    snprintf(number, sizeof number, "%u", state->status);
    log_field(&fields, "status", number);
    snprintf(number, sizeof number, "%lld.%02lld", hundredths / 100, hundredths % 100);
    log_field(&fields, "ms", number);
    log_field(&fields, "user",
              state->request.authenticated ? state->request.service.actor.username : "-");
    if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        log_field(&fields, "terminated", "early");
    log_write(LOG_INFO, "request", buffer_text(&fields));
    buffer_free(&fields);
    json_decref(state->response.json);
    if (!state->response.body_static)
        free((void *)state->response.body);
    json_decref(state->request.json);
    buffer_free(&state->body);
    arena_free(state->request.arena);
    free(state);
    *request_closure = NULL;
    atomic_fetch_sub(&requests_in_flight, 1);
}

static int parse_listen(const char *listen, struct sockaddr_in *address, err *e)
{
    char host[64];
    const char *colon = strrchr(listen ? listen : "", ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return err_set(e, ERR_INVALID, "listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return err_set(e, ERR_INVALID, "listen", "the port must be a number from 0 to 65535");
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    address->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &address->sin_addr) != 1)
        return err_set(e, ERR_INVALID, "listen", "'%s' is not an IPv4 address", host);
    return 0;
}

/* --- the expiry sweep ------------------------------------------------------ */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running, stop;
    long seconds;
} sweep = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* BLOODOPS_EXPIRY_SWEEP_SECONDS: default 300, 0 turns the sweep off. */
static int sweep_seconds(long *seconds, err *e)
{
    const char *text = getenv("BLOODOPS_EXPIRY_SWEEP_SECONDS");
    *seconds = 300;
    if (!text || !*text)
        return 0;
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (*end || errno || value < 0 || value > 7 * 24 * 3600)
        return err_set(e, ERR_INVALID, "BLOODOPS_EXPIRY_SWEEP_SECONDS",
                       "must be a number of seconds from 0 (no sweep) to 604800");
    *seconds = value;
    return 0;
}

typedef struct {
    db_writer_job job; /* first: the writer hands back its address */
    json_t *result;
    err error;
    int rc, done;
} sweep_job;

static void sweep_run(db_writer_job *job, db_conn *db)
{
    sweep_job *sweep_work = (sweep_job *)job;
    service_context ctx = {.db = db, .actor = {.roles = ROLES_ALL}};
    snprintf(ctx.actor.username, sizeof ctx.actor.username, "system:expiry-sweep");
    sweep_work->rc = unit_expiry_sweep(&ctx, NULL, &sweep_work->result, &sweep_work->error);
}

static void sweep_done(db_writer_job *job)
{
    pthread_mutex_lock(&sweep.lock);
    ((sweep_job *)job)->done = 1;
    pthread_cond_signal(&sweep.wake);
    pthread_mutex_unlock(&sweep.lock);
}

/* One sweep, through the writer (SQLite) or as a job of its own. */
static void sweep_once(db_conn *db)
{
    sweep_job work = {.job = {.run = sweep_run, .done = sweep_done}};
    if (writer) {
        pthread_mutex_lock(&sweep.lock);
        db_writer_submit(writer, &work.job);
        while (!work.done)
            pthread_cond_wait(&sweep.wake, &sweep.lock);
        pthread_mutex_unlock(&sweep.lock);
        if (work.rc == 0 && work.job.status != 0) {
            work.rc = -1;
            work.error = work.job.error;
        }
    } else {
        db_job_begin(db);
        sweep_run(&work.job, db);
        if (db_job_end(db, work.rc ? NULL : &work.error))
            work.rc = -1;
    }
    http_writes_done();
    if (work.rc)
        log_error("expiry sweep failed: %s", work.error.message);
    else
        log_info("expiry sweep: %" JSON_INTEGER_FORMAT " units expired",
                 json_integer_value(json_object_get(work.result, "expired")));
    json_decref(work.result);
}

/* Sweep at start (units may have expired while the server was down), then
 * every sweep.seconds until stopped. */
static void *sweep_main(void *unused)
{
    db_conn *db = NULL;
    err e;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&sweep.lock);
    while (!sweep.stop) {
        pthread_mutex_unlock(&sweep.lock);
        if (db && !db_connected(db)) {
            db_close(db);
            db = NULL;
        }
        if (writer || db || db_open(server_config->db_location, &db, &e) == 0)
            sweep_once(db);
        else
            log_error("expiry sweep: cannot open the database: %s", e.message);
        pthread_mutex_lock(&sweep.lock);
        next.tv_sec += sweep.seconds;
        while (!sweep.stop &&
               pthread_cond_timedwait(&sweep.wake, &sweep.lock, &next) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&sweep.lock);
    db_close(db);
    return unused;
}

static int sweep_start(err *e)
{
    if (sweep.seconds == 0)
        return 0;
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&sweep.wake, &attributes);
    pthread_condattr_destroy(&attributes);
    if (pthread_create(&sweep.thread, NULL, sweep_main, NULL) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the expiry sweep");
    sweep.running = 1;
    log_info("expiry sweep every %ld s", sweep.seconds);
    return 0;
}

/* Stop the sweep; one that is running finishes first. */
static void sweep_stop(void)
{
    if (!sweep.running)
        return;
    pthread_mutex_lock(&sweep.lock);
    sweep.stop = 1;
    pthread_cond_signal(&sweep.wake);
    pthread_mutex_unlock(&sweep.lock);
    pthread_join(sweep.thread, NULL);
    sweep.running = 0;
}

int http_serve(const http_config *config, err *e)
{
    struct sockaddr_in address;
    if (parse_listen(config->listen, &address, e) || sweep_seconds(&sweep.seconds, e))
        return -1;
    /* Open (and migrate) once up front so that a bad database fails now,
     * not at the first request. */
    db_conn *probe;
    if (db_open(config->db_location, &probe, e))
        return -1;
    db_close(probe);
    server_config = config;
    pthread_key_create(&thread_db_key, thread_db_close);

    /* Block the stop signals in every thread (so before any starts); main
     * waits for them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!db_is_postgres(config->db_location) && db_writer_open(config->db_location, &writer, e))
        return -1;

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, config->threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_END);
    if (!daemon) {
        db_writer_close(writer);
        writer = NULL;
        return err_set(e, ERR_INTERNAL, "listen", "cannot listen on %s (in use, or not allowed?)",
                       config->listen);
    }
    if (sweep_start(e)) {
        MHD_stop_daemon(daemon);
        db_writer_close(writer);
        writer = NULL;
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
    printf("bloodops is serving http://%s:%u/\n", host, info ? info->port : 0);
    fflush(stdout);
    log_info("serving on %s:%u with %u threads%s", host, info ? info->port : 0, config->threads,
             writer ? ", writes group-committed" : "");

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    log_info("signal %d: stopping, letting requests in flight finish", signal_number);
    MHD_quiesce_daemon(daemon);
    sweep_stop();
    /* Requests waiting for their commit count as in flight: the committer
     * still runs, so they are answered before the daemon stops. */
    for (int waited = 0; waited < 1000 && atomic_load(&requests_in_flight) > 0; waited++)
        usleep(10 * 1000);
    MHD_stop_daemon(daemon);
    if (writer) {
        uint64_t batches, jobs;
        db_writer_counts(writer, &batches, &jobs);
        log_info("group commit: %" PRIu64 " jobs in %" PRIu64 " commits", jobs, batches);
    }
    db_writer_close(writer);
    writer = NULL;
    log_info("stopped");
    return 0;
}
