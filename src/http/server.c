/*
 * server.c - the HTTP server: libmicrohttpd with its internal thread pool.
 *
 * Each worker thread opens its own database connection on first use (SQLite
 * connections must not be shared across threads without a lock), kept in a
 * thread-specific slot and closed when the thread ends. A request collects
 * its body up to the configured limit, then goes to http_dispatch; every
 * request gets an arena freed when it completes, and one access-log line.
 * SIGINT and SIGTERM stop accepting, let requests in flight finish (up to
 * 10 s) and close everything.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
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
#include "http/http.h"
#include "store/db.h"

typedef struct {
    http_request request;
    buffer body;
    int too_large;
    struct timespec started;
    unsigned status;
} request_state;

static const http_config *server_config;
static pthread_key_t thread_db_key;
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

    http_request *request = &state->request;
    http_response response = {.status = 200};
    err e;
    /* The web application's files need no database. */
    if (http_web_serve(request->method, request->path,
                       MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Accept-Encoding"),
                       MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "If-None-Match"),
                       &response))
        return send_response(connection, state, &response);
    request->body = buffer_text(&state->body);
    request->body_length = state->body.length;
    request->idempotency_key =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Idempotency-Key");
    request->service.db = thread_db(&e);
    if (!request->service.db) {
        log_error("cannot open the database: %s", e.message);
        return reply_error_now(connection, state, ERR_BUSY, "the database is not available");
    }
    http_dispatch(request, &response);
    /* A handler that failed mid-transaction must not leave it open for the
     * next request on this thread. */
    if (db_in_transaction(request->service.db)) {
        log_error("a handler left a transaction open: %s %s", request->method, request->path);
        db_rollback(request->service.db);
    }
    return send_response(connection, state, &response);
}

static void on_completed(void *closure, struct MHD_Connection *connection,
                         void **request_closure, enum MHD_RequestTerminationCode code)
{
    request_state *state = *request_closure;
    if (!state)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double milliseconds = (double)(now.tv_sec - state->started.tv_sec) * 1e3 +
                          (double)(now.tv_nsec - state->started.tv_nsec) / 1e6;
    buffer fields = BUFFER_INIT;
    char number[32];
    log_field(&fields, "method", state->request.method);
    log_field(&fields, "path", state->request.path);
    snprintf(number, sizeof number, "%u", state->status);
    log_field(&fields, "status", number);
    snprintf(number, sizeof number, "%.2f", milliseconds);
    log_field(&fields, "ms", number);
    log_field(&fields, "user",
              state->request.authenticated ? state->request.service.actor.username : "-");
    if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        log_field(&fields, "terminated", "early");
    log_write(LOG_INFO, "request", buffer_text(&fields));
    buffer_free(&fields);
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

int http_serve(const http_config *config, err *e)
{
    struct sockaddr_in address;
    if (parse_listen(config->listen, &address, e))
        return -1;
    /* Open (and migrate) once up front so that a bad database fails now,
     * not at the first request. */
    db_conn *probe;
    if (db_open(config->db_location, &probe, e))
        return -1;
    db_close(probe);
    server_config = config;
    pthread_key_create(&thread_db_key, thread_db_close);

    /* Block the stop signals in every thread; main waits for them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, config->threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_END);
    if (!daemon)
        return err_set(e, ERR_INTERNAL, "listen", "cannot listen on %s (in use, or not allowed?)",
                       config->listen);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof host);
    printf("bloodops is serving http://%s:%u/\n", host, info ? info->port : 0);
    fflush(stdout);
    log_info("serving on %s:%u with %u threads", host, info ? info->port : 0, config->threads);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    log_info("signal %d: stopping, letting requests in flight finish", signal_number);
    MHD_quiesce_daemon(daemon);
    for (int waited = 0; waited < 1000 && atomic_load(&requests_in_flight) > 0; waited++)
        usleep(10 * 1000);
    MHD_stop_daemon(daemon);
    log_info("stopped");
    return 0;
}
