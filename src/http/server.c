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
 * others, acting as "system:expiry-sweep", and logs how many units expired;
 * the standing orders' run (standing_orders_run, as
 * "system:standing-orders") rides along, so each scheduled day's order
 * exists from the day before.
 *
 * SIGINT and SIGTERM stop accepting, stop the sweep, let requests in flight
 * finish (up to 10 s; those waiting for their commit too) and close
 * everything.
 *
 * Limits, so that no client can keep the others out (http_config, set by
 * `bloodops serve`; docs/operations.md):
 * - connections open at once: in all (libmicrohttpd closes one over the
 *   limit as soon as it is accepted), and per client address (counted
 *   here, as libmicrohttpd's own count could not spare a trusted proxy,
 *   which speaks for many clients: one over the limit is told 503 and
 *   closed at once);
 * - a deadline for each request: its headers and body must have arrived
 *   within request_timeout seconds of its request line, and the request
 *   line within idle_timeout of the connection becoming idle. libmicrohttpd
 *   only times out silence, which a client sending a byte now and then
 *   never is, so every connection is watched (connection_watch, from the
 *   connection-start notice to the close notice) and a watchdog thread
 *   answers 408 to one past its deadline and shuts its socket down, which
 *   makes libmicrohttpd close it;
 * - the request target: longer than max_uri_length, 414; more than
 *   max_query_parameters, 400. Both are seen in the URI callback, before
 *   libmicrohttpd parses the query string, which it could not do in its
 *   connection's memory for some hundreds of parameters (it then closed
 *   the connection without an answer, or not at all).
 * - an upload (a route declared .upload: a results file sent as the
 *   body) is checked for its caller from its headers, then written to an
 *   unlinked temporary file as it arrives, up to upload_limit and within
 *   upload_timeout (its own deadline), instead of being collected in
 *   memory under the body limit; 413 names the limit.
 * Each request knows its client's address (http_request.client_address):
 * the socket's peer, or the last address of X-Forwarded-For when the peer
 * is one of the trusted proxies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stddef.h>
#include <pthread.h>
#include <sodium.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "base/buffer.h"
#include "base/log.h"
#include "http/dispatch.h"
#include "service/auth.h"
#include "service/standing_order.h"
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
    struct connection_watch *watch;   /* of its connection, or NULL */
    int received;                     /* its body is complete */
    /* A streamed upload (http_route.upload): the temporary file it goes
     * to, how much came, and whether storing it failed. */
    FILE *upload;
    size_t upload_length;
    int upload_failed;
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

/* --- connections: their deadlines and their client's address ------------- */

typedef enum { WATCH_IDLE, WATCH_RECEIVING, WATCH_ANSWERING } watch_phase;

/* One per open connection, from libmicrohttpd's start notice to its close
 * notice (its socket context). `phase`, `deadline_ms` and `cut` are shared
 * with the watchdog under `watches.lock`; the rest belongs to the worker
 * thread that serves the connection. */
typedef struct connection_watch {
    struct connection_watch *prev, *next;               /* every watch */
    struct connection_watch *same_prev, *same_next;     /* its address bucket */
    int listed;          /* in the lists (a refused connection is not) */
    int refused;         /* over its address's limit: closed at once */
    int fd;
    watch_phase phase;
    int64_t deadline_ms; /* CLOCK_MONOTONIC; 0: none (an answer is on its way) */
    int cut;             /* the watchdog shut it down */
    int uploading;       /* receiving an upload: its deadline is upload_timeout */
    int peer_trusted;    /* the peer is a trusted proxy */
    struct in6_addr address; /* the peer's (IPv4 mapped) */
    char peer[INET6_ADDRSTRLEN];
    /* What the URI callback found wrong with the request target (0, or
     * 414 / 400), answered when the request reaches on_request. */
    unsigned target_problem;
    size_t target_length;
    unsigned target_parameters;
} connection_watch;

enum { TRUSTED_PROXIES_MAX = 16, WATCHDOG_PERIOD_MS = 200, ADDRESS_BUCKETS = 1024 };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    connection_watch *head;
    /* The watches by their peer's address, to count a client's connections. */
    connection_watch *by_address[ADDRESS_BUCKETS];
    pthread_t thread;
    int running, stop;
} watches = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The trusted proxies, parsed once: IPv4 as IPv4-mapped IPv6. */
static struct in6_addr trusted_proxies[TRUSTED_PROXIES_MAX];
static int trusted_proxy_count;

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Warnings a client can cause at will (each refused connection, each of
 * libmicrohttpd's messages) are logged at most a few a second; how many
 * were left out is logged with the next one. Returns 1 when this one may
 * be logged. */
enum { WARNINGS_PER_SECOND = 5 };
static struct {
    pthread_mutex_t lock;
    int64_t second;
    unsigned logged, dropped;
} warnings = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int log_budget(void)
{
    unsigned dropped_before = 0;
    pthread_mutex_lock(&warnings.lock);
    int64_t second = monotonic_ms() / 1000;
    if (second != warnings.second) {
        dropped_before = warnings.dropped;
        warnings.second = second;
        warnings.logged = 0;
        warnings.dropped = 0;
    }
    int allowed = warnings.logged < WARNINGS_PER_SECOND;
    if (allowed)
        warnings.logged++;
    else
        warnings.dropped++;
    pthread_mutex_unlock(&warnings.lock);
    if (dropped_before)
        log_warn("%u more warnings about connections were not logged", dropped_before);
    return allowed;
}

/* Addresses are kept as IPv6 ones, IPv4 mapped (::ffff:a.b.c.d), so that
 * both families compare alike. */
static void address_map_v4(const struct in_addr *v4, struct in6_addr *out)
{
    memset(out, 0, sizeof *out);
    out->s6_addr[10] = 0xff;
    out->s6_addr[11] = 0xff;
    memcpy(&out->s6_addr[12], v4, 4);
}

/* The text of an IPv4 or IPv6 address; 0 on success. */
static int address_parse(const char *text, struct in6_addr *out)
{
    struct in_addr v4;
    if (inet_pton(AF_INET, text, &v4) == 1) {
        address_map_v4(&v4, out);
        return 0;
    }
    return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

/* The canonical text of an address in `out` (INET6_ADDRSTRLEN bytes):
 * IPv4 (mapped or not) as a.b.c.d. */
static void address_text(const struct in6_addr *address, char *out)
{
    if (IN6_IS_ADDR_V4MAPPED(address))
        inet_ntop(AF_INET, &address->s6_addr[12], out, INET6_ADDRSTRLEN);
    else
        inet_ntop(AF_INET6, address, out, INET6_ADDRSTRLEN);
}

/* "ADDR[,ADDR...]": the proxies whose X-Forwarded-For is believed. */
static int trusted_proxies_parse(const char *list, err *e)
{
    trusted_proxy_count = 0;
    const char *at = list ? list : "";
    while (*at) {
        size_t length = strcspn(at, ",");
        char item[INET6_ADDRSTRLEN + 8];
        const char *start = at, *end = at + length;
        while (start < end && (*start == ' ' || *start == '\t'))
            start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end > start) {
            if ((size_t)(end - start) >= sizeof item || trusted_proxy_count == TRUSTED_PROXIES_MAX)
                return err_set(e, ERR_INVALID, "trusted-proxy",
                               "at most %d addresses, each an IPv4 or IPv6 address",
                               TRUSTED_PROXIES_MAX);
            memcpy(item, start, (size_t)(end - start));
            item[end - start] = '\0';
            if (address_parse(item, &trusted_proxies[trusted_proxy_count]))
                return err_set(e, ERR_INVALID, "trusted-proxy",
                               "'%s' is not an IPv4 or IPv6 address", item);
            trusted_proxy_count++;
        }
        at += length;
        if (*at == ',')
            at++;
    }
    return 0;
}

/* The peer of a socket: its address, as text, and whether it is a trusted
 * proxy. */
static void peer_describe(const struct sockaddr *peer, connection_watch *watch)
{
    if (peer && peer->sa_family == AF_INET) {
        address_map_v4(&((const struct sockaddr_in *)(const void *)peer)->sin_addr,
                       &watch->address);
    } else if (peer && peer->sa_family == AF_INET6) {
        watch->address = ((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr;
    } else {
        snprintf(watch->peer, sizeof watch->peer, "unknown");
        return;
    }
    address_text(&watch->address, watch->peer);
    for (int i = 0; i < trusted_proxy_count; i++)
        if (memcmp(&trusted_proxies[i], &watch->address, sizeof watch->address) == 0)
            watch->peer_trusted = 1;
}

/* An idle connection is libmicrohttpd's to time out when it is silent; the
 * watchdog cuts one that is not, a second later. */
static int64_t idle_deadline(int64_t now)
{
    return now + (int64_t)server_config->idle_timeout * 1000 + 1000;
}

/* Set what a connection is doing, and so its deadline. Returns 1 when the
 * watchdog has already cut the connection: its request must not run. */
static int watch_phase_set(connection_watch *watch, watch_phase phase)
{
    if (!watch)
        return 0;
    int64_t now = monotonic_ms();
    pthread_mutex_lock(&watches.lock);
    watch->phase = phase;
    watch->uploading = 0;
    switch (phase) {
    case WATCH_IDLE: watch->deadline_ms = idle_deadline(now); break;
    case WATCH_RECEIVING:
        watch->deadline_ms = now + (int64_t)server_config->request_timeout * 1000;
        break;
    case WATCH_ANSWERING: watch->deadline_ms = 0; break;
    }
    int cut = watch->cut;
    pthread_mutex_unlock(&watches.lock);
    return cut;
}

/* An upload's deadline: upload_timeout from now, in place of the
 * request's. */
static void watch_upload_deadline(connection_watch *watch)
{
    if (!watch)
        return;
    int64_t now = monotonic_ms();
    pthread_mutex_lock(&watches.lock);
    if (watch->phase == WATCH_RECEIVING) {
        watch->deadline_ms = now + (int64_t)server_config->upload_timeout * 1000;
        watch->uploading = 1;
    }
    pthread_mutex_unlock(&watches.lock);
}

static int watch_cut(connection_watch *watch)
{
    if (!watch)
        return 0;
    pthread_mutex_lock(&watches.lock);
    int cut = watch->cut;
    pthread_mutex_unlock(&watches.lock);
    return cut;
}

static connection_watch *watch_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static unsigned address_bucket(const struct in6_addr *address)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        hash = (hash ^ address->s6_addr[i]) * 16777619u;
    return hash % ADDRESS_BUCKETS;
}

/* Connections open from `address` (under the lock). */
static unsigned address_connections(const struct in6_addr *address)
{
    unsigned count = 0;
    for (const connection_watch *other = watches.by_address[address_bucket(address)]; other;
         other = other->same_next)
        if (memcmp(&other->address, address, sizeof *address) == 0)
            count++;
    return count;
}

/* What a client over its limit of connections is told, if it reads before
 * the connection closes (made by watchdog_start). */
#define TOO_MANY_CONNECTIONS_BODY                                                                  \
    "{\"error\":{\"code\":\"busy\",\"message\":\"too many connections from your address: "     \
    "close some, then try again\"}}"
static char too_many_connections_answer[512];

/* libmicrohttpd's notice of a connection accepted or closed. A connection
 * over its address's limit (a trusted proxy has none) is shut down at
 * once, so libmicrohttpd closes it without serving anything on it. The
 * socket is closed only after the close notice, which removes the watch
 * under the lock: the watchdog never touches a descriptor that was closed. */
static void on_connection(void *closure, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    connection_watch *watch = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        watch = calloc(1, sizeof *watch);
        if (!watch)
            return;
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        watch->fd = info ? info->connect_fd : -1;
        info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        peer_describe(info ? info->client_addr : NULL, watch);
        watch->phase = WATCH_IDLE;
        watch->deadline_ms = idle_deadline(monotonic_ms());
        *socket_context = watch;
        unsigned limit = server_config->max_connections_per_address;
        unsigned open = 0;
        pthread_mutex_lock(&watches.lock);
        if (limit && !watch->peer_trusted)
            open = address_connections(&watch->address);
        if (limit && !watch->peer_trusted && open >= limit) {
            watch->refused = 1;
        } else {
            watch->listed = 1;
            watch->next = watches.head;
            if (watches.head)
                watches.head->prev = watch;
            watches.head = watch;
            connection_watch **bucket = &watches.by_address[address_bucket(&watch->address)];
            watch->same_next = *bucket;
            if (*bucket)
                (*bucket)->same_prev = watch;
            *bucket = watch;
        }
        pthread_mutex_unlock(&watches.lock);
        if (watch->refused && watch->fd >= 0) {
            ssize_t sent = send(watch->fd, too_many_connections_answer,
                                strlen(too_many_connections_answer), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)sent; /* best effort: the client may not be reading yet */
            shutdown(watch->fd, SHUT_RDWR);
            if (log_budget())
                log_warn("refused a connection from %s: it has %u open already, the limit of "
                         "one address",
                         watch->peer, open);
        }
        return;
    }
    if (!watch)
        return;
    pthread_mutex_lock(&watches.lock);
    if (watch->listed) {
        if (watch->prev)
            watch->prev->next = watch->next;
        else
            watches.head = watch->next;
        if (watch->next)
            watch->next->prev = watch->prev;
        if (watch->same_prev)
            watch->same_prev->same_next = watch->same_next;
        else
            watches.by_address[address_bucket(&watch->address)] = watch->same_next;
        if (watch->same_next)
            watch->same_next->same_prev = watch->same_prev;
    }
    pthread_mutex_unlock(&watches.lock);
    free(watch);
    *socket_context = NULL;
}

/* What a client too slow to send its request is told, written straight to
 * the socket just before it is shut down (nothing else is being written
 * to a connection still receiving its request). Made by watchdog_start. */
#define REQUEST_TIMEOUT_BODY                                                                       \
    "{\"error\":{\"code\":\"request_timeout\",\"message\":\"the request did not arrive "       \
    "in time: send it whole, without pauses\"}}"
static char request_timeout_answer[512];

/* Every WATCHDOG_PERIOD_MS: shut down the connections past their deadline. */
static void *watchdog_main(void *unused)
{
    pthread_mutex_lock(&watches.lock);
    while (!watches.stop) {
        int64_t now = monotonic_ms();
        for (connection_watch *watch = watches.head; watch; watch = watch->next) {
            if (watch->cut || !watch->deadline_ms || now < watch->deadline_ms || watch->fd < 0)
                continue;
            watch->cut = 1;
            if (watch->phase == WATCH_RECEIVING) {
                ssize_t sent = send(watch->fd, request_timeout_answer,
                                    strlen(request_timeout_answer), MSG_NOSIGNAL | MSG_DONTWAIT);
                (void)sent; /* a client that reads nothing gets nothing */
            }
            shutdown(watch->fd, SHUT_RDWR);
            if (!log_budget())
                continue;
            if (watch->phase == WATCH_RECEIVING)
                log_warn("closed a connection from %s: its %s did not arrive within %u s",
                         watch->peer, watch->uploading ? "upload" : "request",
                         watch->uploading ? server_config->upload_timeout
                                          : server_config->request_timeout);
            else
                log_warn("closed a connection from %s: no whole request line within %u s",
                         watch->peer, server_config->idle_timeout + 1);
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCHDOG_PERIOD_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&watches.wake, &watches.lock, &until);
    }
    pthread_mutex_unlock(&watches.lock);
    return unused;
}

static int watchdog_start(err *e)
{
    snprintf(request_timeout_answer, sizeof request_timeout_answer,
             "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
             "Content-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(REQUEST_TIMEOUT_BODY), REQUEST_TIMEOUT_BODY);
    snprintf(too_many_connections_answer, sizeof too_many_connections_answer,
             "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
             "Content-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(TOO_MANY_CONNECTIONS_BODY), TOO_MANY_CONNECTIONS_BODY);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&watches.wake, &attributes);
    pthread_condattr_destroy(&attributes);
    watches.stop = 0;
    if (pthread_create(&watches.thread, NULL, watchdog_main, NULL) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the connection watchdog");
    watches.running = 1;
    return 0;
}

static void watchdog_stop(void)
{
    if (!watches.running)
        return;
    pthread_mutex_lock(&watches.lock);
    watches.stop = 1;
    pthread_cond_signal(&watches.wake);
    pthread_mutex_unlock(&watches.lock);
    pthread_join(watches.thread, NULL);
    watches.running = 0;
}

/* libmicrohttpd calls this with the request target as soon as the request
 * line is in, before it parses the query string: the request's deadline
 * starts, and a target over the limits is noted to be refused. Its query
 * string is then cut off (the target is the connection's own buffer, which
 * libmicrohttpd parses right after, in place): parsing it could exhaust
 * the connection's memory, and nothing of it is used. */
static void *on_request_target(void *closure, const char *uri, struct MHD_Connection *connection)
{
    connection_watch *watch = watch_of(connection);
    if (!watch || watch->refused)
        return NULL;
    watch_phase_set(watch, WATCH_RECEIVING);
    size_t length = strlen(uri);
    /* Every piece between '&' counts, empty or not: libmicrohttpd keeps a
     * record of each. */
    unsigned parameters = 0;
    char *query = strchr(uri, '?');
    if (query && query[1]) {
        parameters = 1;
        for (const char *at = query + 1; *at; at++)
            parameters += *at == '&';
    }
    watch->target_problem = 0;
    watch->target_length = length;
    watch->target_parameters = parameters;
    if (length > server_config->max_uri_length)
        watch->target_problem = 414;
    else if (parameters > server_config->max_query_parameters)
        watch->target_problem = 400;
    if (watch->target_problem && query)
        query[1] = '\0';
    return NULL;
}

/* The last address of the X-Forwarded-For headers: what the nearest proxy
 * appended, the client it saw. */
typedef struct {
    const char *last;
} forwarded_search;

static enum MHD_Result forwarded_header(void *closure, enum MHD_ValueKind kind, const char *key,
                                        const char *value)
{
    if (key && value && strcasecmp(key, "X-Forwarded-For") == 0)
        ((forwarded_search *)closure)->last = value;
    return MHD_YES;
}

/* The client's address: the peer, or for a trusted proxy the address it
 * forwarded (as canonical text; the peer when the header is missing or
 * not an address). */
static const char *client_address(struct MHD_Connection *connection, connection_watch *watch,
                                  arena *a)
{
    if (!watch)
        return "unknown";
    if (!watch->peer_trusted)
        return arena_strdup(a, watch->peer);
    forwarded_search search = {0};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, forwarded_header, &search);
    if (!search.last)
        return arena_strdup(a, watch->peer);
    const char *start = strrchr(search.last, ',');
    start = start ? start + 1 : search.last;
    while (*start == ' ' || *start == '\t')
        start++;
    char item[INET6_ADDRSTRLEN + 16];
    size_t length = strcspn(start, " \t");
    if (length >= sizeof item)
        length = sizeof item - 1;
    memcpy(item, start, length);
    item[length] = '\0';
    /* "[2001:db8::1]:4711" and "192.0.2.1:4711" name a port too. */
    char *text = item;
    char *colon = strchr(text, ':');
    if (*text == '[') {
        text++;
        char *close = strchr(text, ']');
        if (close)
            *close = '\0';
    } else if (colon && colon == strrchr(text, ':') && strchr(text, '.')) {
        *colon = '\0';
    }
    struct in6_addr address;
    char canonical[INET6_ADDRSTRLEN];
    if (address_parse(text, &address)) {
        if (log_budget())
            log_warn("X-Forwarded-For from %s does not end in an address: '%s'", watch->peer,
                     item);
        return arena_strdup(a, watch->peer);
    }
    address_text(&address, canonical);
    return arena_strdup(a, canonical);
}

/* libmicrohttpd's own messages, as log lines. */
static void on_server_message(void *closure, const char *format, va_list arguments)
{
    if (!log_budget())
        return;
    char text[512];
    vsnprintf(text, sizeof text, format, arguments);
    size_t length = strlen(text);
    while (length && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        text[--length] = '\0';
    log_warn("libmicrohttpd: %s", text);
}

/* The application's page shell may load scripts, styles and images from
 * its own origin only, and talk to its own API; nothing inline runs. */
#define PAGE_POLICY                                                                                \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "                   \
    "form-action 'self'; frame-ancestors 'none'"
/* The API reference (Redoc, web/api-reference.html): its own scripts, and
 * the styles Redoc writes inline and the search worker it starts from a
 * blob; it talks only to its own API. */
#define API_REFERENCE_POLICY                                                                       \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                    \
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "          \
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
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
        char *text = json_dumps(response->json, JSON_COMPACT | JSON_REAL_PRECISION(15));
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
    if (response->page == HTTP_PAGE_APPLICATION)
        policy = PAGE_POLICY;
    else if (response->page == HTTP_PAGE_API_REFERENCE)
        policy = API_REFERENCE_POLICY;
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
    if (response->retry_after > 0 && (response->status == 429 || response->status == 503)) {
        char seconds[24];
        snprintf(seconds, sizeof seconds, "%ld", response->retry_after);
        MHD_add_response_header(reply, "Retry-After", seconds);
    }
    state->status = response->status;
    /* An answer sent before the whole request came in (a refusal): what is
     * left is the answer's, which no request deadline cuts short. */
    watch_phase_set(state->watch, WATCH_ANSWERING);
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

/* A request target over the limits (on_request_target): 414 when it is
 * too long, 400 when its query string has too many parameters. */
static enum MHD_Result reply_target_problem(struct MHD_Connection *connection,
                                            request_state *state, const connection_watch *watch)
{
    http_response response = {0};
    err e;
    if (watch->target_problem == 414) {
        err_set(&e, ERR_INVALID, NULL,
                "the request target (path and query string) is %zu bytes long: at most %zu are "
                "accepted",
                watch->target_length, server_config->max_uri_length);
        http_reply_error(&response, &e);
        response.status = 414;
        json_object_set_new(json_object_get(response.json, "error"), "code",
                            json_string("uri_too_long"));
    } else {
        err_set(&e, ERR_INVALID, NULL,
                "the query string has %u parameters: at most %u are accepted",
                watch->target_parameters, server_config->max_query_parameters);
        http_reply_error(&response, &e);
    }
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

/* PostgreSQL picks one of two transactions that wait on each other (a
 * deadlock) or that read what the other changed (a serialization failure)
 * and fails it: the request answers 503, busy. Run again, it passes: so a
 * write job that failed as busy and kept nothing is run again, up to
 * WRITE_ATTEMPTS_MAX times in all, after a short pause that differs between
 * the requests that collided. Not an upload: its file was read once. */
enum { WRITE_ATTEMPTS_MAX = 4 };

static int job_worth_retrying(const db_conn *db, const http_route *route,
                              const http_response *response, int attempt)
{
    return response->status == 503 && !db_job_kept(db) && !route->upload &&
           attempt < WRITE_ATTEMPTS_MAX;
}

/* 5 to 20 ms the first time, doubled each time after. */
static useconds_t retry_pause_us(int attempt)
{
    unsigned pause = 5000u + randombytes_uniform(15000);
    return (useconds_t)(pause << (attempt - 1));
}

/* A handler that failed mid-transaction must not leave it open. */
static void transaction_left_open(db_conn *db, const http_request *request)
{
    if (!db_in_transaction(db))
        return;
    log_error("a handler left a transaction open: %s %s", request->method, request->path);
    db_rollback(db);
}

/* "104857600 bytes (100 MiB)": a limit as people read it. */
static const char *limit_text(size_t bytes, char *out, size_t size)
{
    if (bytes % (1024 * 1024) == 0)
        snprintf(out, size, "%zu bytes (%zu MiB)", bytes, bytes / (1024 * 1024));
    else
        snprintf(out, size, "%zu bytes", bytes);
    return out;
}

static enum MHD_Result reply_upload_too_large(struct MHD_Connection *connection,
                                              request_state *state)
{
    http_response response = {0};
    err e;
    char limit[64];
    err_set(&e, ERR_TOO_LARGE, "file", "the file is larger than the upload limit of %s",
            limit_text(server_config->upload_limit, limit, sizeof limit));
    http_reply_error(&response, &e);
    return send_response(connection, state, &response);
}

/* The first call of a request to a route that streams its body into a
 * file (http_route.upload): refused at once when it declares more than
 * the upload limit or when its caller may not make it (the session, the
 * CSRF token and the role are checked before a byte is stored), otherwise
 * given its upload deadline and a temporary file (in TMPDIR, removed at
 * once: it goes when closed). Returns 1 with *result when answered now. */
static int upload_begin(struct MHD_Connection *connection, request_state *state,
                        enum MHD_Result *result)
{
    const char *declared =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
    if (declared && strtoull(declared, NULL, 10) > server_config->upload_limit) {
        state->too_large = 1;
        *result = reply_upload_too_large(connection, state);
        return 1;
    }
    err e;
    http_request *request = &state->request;
    request->body = "";
    db_conn *db = thread_db(&e);
    if (!db) {
        log_error("cannot open the database: %s", e.message);
        *result = reply_error_now(connection, state, ERR_BUSY, "the database is not available");
        return 1;
    }
    request->service.db = db;
    db_read_scope_begin(db);
    const http_route *route = http_route_check(request, &state->response);
    db_read_scope_end(db);
    if (!route) {
        *result = send_response(connection, state, &state->response);
        return 1;
    }
    state->response = (http_response){0};
    const char *directory = getenv("TMPDIR");
    char name[4096];
    snprintf(name, sizeof name, "%s/bloodops-upload-XXXXXX",
             directory && *directory ? directory : "/tmp");
    int fd = mkstemp(name);
    if (fd >= 0) {
        unlink(name);
        state->upload = fdopen(fd, "w+");
        if (!state->upload)
            close(fd);
    }
    if (!state->upload) {
        log_error("cannot make a temporary file for an upload in %s: %s",
                  directory && *directory ? directory : "/tmp", strerror(errno));
        *result = reply_error_now(connection, state, ERR_BUSY,
                                  "the server cannot store the upload now: try again later");
        return 1;
    }
    watch_upload_deadline(state->watch);
    return 0;
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
        state->watch = watch_of(connection);
        state->request.client_address =
            client_address(connection, state->watch, state->request.arena);
        *request_closure = state;
        if (state->watch && state->watch->refused)
            return MHD_NO; /* over its address's limit: closing */
        if (watch_cut(state->watch))
            return MHD_NO; /* past its deadline already: the 408 is sent */
        if (state->watch && state->watch->target_problem) {
            /* The query string was cut off in on_request_target. */
            enum MHD_Result result = reply_target_problem(connection, state, state->watch);
            state->watch->target_problem = 0;
            return result;
        }
        if (http_route_streamed(method, url)) {
            enum MHD_Result answered;
            return upload_begin(connection, state, &answered) ? answered : MHD_YES;
        }
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
    if (*upload_data_size && state->upload) {
        if (!state->too_large && !state->upload_failed) {
            if (state->upload_length + *upload_data_size > server_config->upload_limit)
                state->too_large = 1;
            else if (fwrite(upload_data, 1, *upload_data_size, state->upload) !=
                     *upload_data_size)
                state->upload_failed = 1;
            else
                state->upload_length += *upload_data_size;
        }
        *upload_data_size = 0;
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
    /* The whole request is in: from here on it is answered, whatever the
     * time, unless the watchdog cut it at its deadline an instant ago (the
     * client was told 408, so nothing of it may run). */
    if (!state->received) {
        state->received = 1;
        if (watch_phase_set(state->watch, WATCH_ANSWERING))
            return MHD_NO;
    }
    if (state->too_large && state->upload)
        return reply_upload_too_large(connection, state);
    if (state->upload && !state->suspended && !state->request.upload) {
        if (state->upload_failed || fflush(state->upload) != 0 ||
            fseek(state->upload, 0, SEEK_SET) != 0) {
            log_error("an upload could not be stored: %s", strerror(errno));
            return reply_error_now(connection, state, ERR_BUSY,
                                   "the server could not store the upload (its disk may be "
                                   "full): try again later");
        }
        state->request.upload = state->upload;
        state->request.upload_length = state->upload_length;
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
    if (route && write && writer && !route->public_access) {
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
    if (route && write && route->public_access) {
        /* A write without a session, a login: its transactions commit one
         * by one, each taking its turn with the writer, so that the attempt
         * it counts first is seen by every other attempt while its argon2id
         * password check runs with no transaction held (service/auth.c). */
        http_route_run(route, request, response);
        transaction_left_open(db, request);
        http_writes_done();
    } else if (route && write) {
        /* PostgreSQL: each write request is a job of its own. */
        for (int attempt = 1;; attempt++) {
            db_job_begin(db);
            http_route_run(route, request, response);
            transaction_left_open(db, request);
            int again = job_worth_retrying(db, route, response, attempt);
            if (db_job_end(db, &e))
                commit_failed(response, &e);
            if (!again)
                break;
            log_info("%s %s: busy, run again (attempt %d)", request->method, request->path,
                     attempt + 1);
            response->retry_after = 0;
            usleep(retry_pause_us(attempt));
        }
        http_writes_done();
    }
    return send_response(connection, state, response);
}

static void on_completed(void *closure, struct MHD_Connection *connection,
                         void **request_closure, enum MHD_RequestTerminationCode code)
{
    /* The connection waits for its next request line. */
    connection_watch *watch = watch_of(connection);
    int cut = watch_phase_set(watch, WATCH_IDLE);
    request_state *state = *request_closure;
    if (!state)
        return;
    if (cut && !state->status)
        state->status = 408; /* the watchdog's answer */
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
    log_field(&fields, "client", state->request.client_address);
    if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        log_field(&fields, "terminated", "early");
    log_write(LOG_INFO, "request", buffer_text(&fields));
    buffer_free(&fields);
    json_decref(state->response.json);
    if (!state->response.body_static)
        free((void *)state->response.body);
    json_decref(state->request.json);
    buffer_free(&state->body);
    if (state->upload)
        fclose(state->upload);
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
    /* Housekeeping rides along: sessions long expired, spent throttle counts. */
    service_context housekeeping = ctx;
    snprintf(housekeeping.actor.username, sizeof housekeeping.actor.username,
             "system:housekeeping");
    json_t *purged = NULL;
    err purge_error;
    if (auth_purge(&housekeeping, &purged, &purge_error))
        log_error("session purge failed: %s", purge_error.message);
    else if (sweep_work->result)
        json_object_set_new(sweep_work->result, "purged", purged);
    else
        json_decref(purged);
    /* The standing orders' days through tomorrow (docs/distribution.md,
     * "Standing orders"), each day's order a transaction of its own. */
    service_context standing = ctx;
    snprintf(standing.actor.username, sizeof standing.actor.username, "system:standing-orders");
    json_t *run = NULL;
    err run_error;
    if (standing_orders_run(&standing, NULL, &run, &run_error))
        log_error("standing orders run failed: %s", run_error.message);
    else if (json_array_size(json_object_get(run, "created")))
        log_info("standing orders: %zu orders created",
                 json_array_size(json_object_get(run, "created")));
    json_decref(run);
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
        log_info("expiry sweep: %" JSON_INTEGER_FORMAT " units expired, %" JSON_INTEGER_FORMAT
                 " sessions and %" JSON_INTEGER_FORMAT " throttle records purged",
                 json_integer_value(json_object_get(work.result, "expired")),
                 json_integer_value(json_object_get(json_object_get(work.result, "purged"),
                                                    "sessions")),
                 json_integer_value(json_object_get(json_object_get(work.result, "purged"),
                                                    "throttle_records")));
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

/* Each connection is a file descriptor: raise the soft limit on them (as
 * far as the hard limit allows) to cover max_connections and what the
 * server opens besides (database files or sockets, epoll and wake-up
 * descriptors of each thread). Returns the connections it allows: fewer
 * than asked, with a warning, when the limit cannot be raised enough, as
 * running out of descriptors would stop the server from accepting at all. */
static unsigned open_files_allow(const http_config *config)
{
    struct rlimit limit;
    rlim_t reserve = 64 + 8 * (rlim_t)config->threads;
    rlim_t wanted = (rlim_t)config->max_connections + reserve;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return config->max_connections;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        struct rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted
                              ? limit.rlim_max
                              : wanted;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted)
        return config->max_connections;
    unsigned allowed = limit.rlim_cur > reserve + 16 ? (unsigned)(limit.rlim_cur - reserve) : 16;
    log_warn("%u connections need %llu file descriptors and the limit is %llu (ulimit -n): "
             "serving at most %u connections",
             config->max_connections, (unsigned long long)wanted,
             (unsigned long long)limit.rlim_cur, allowed);
    return allowed;
}

/* The memory libmicrohttpd gives each connection for its request line,
 * headers and query parameters: its default, 32 KiB, holds a target of
 * 8 KiB with 100 parameters (about 64 bytes each once parsed) and a
 * browser's headers; larger limits get more. */
static size_t connection_memory(const http_config *config)
{
    size_t memory = 32 * 1024;
    if (config->max_uri_length > 8192)
        memory += 2 * (config->max_uri_length - 8192);
    if (config->max_query_parameters > 100)
        memory += 96 * (size_t)(config->max_query_parameters - 100);
    return memory;
}

int http_serve(const http_config *config, err *e)
{
    struct sockaddr_in address;
    if (parse_listen(config->listen, &address, e) || sweep_seconds(&sweep.seconds, e) ||
        trusted_proxies_parse(config->trusted_proxies, e))
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
    unsigned max_connections = open_files_allow(config);
    if (watchdog_start(e)) {
        db_writer_close(writer);
        writer = NULL;
        return -1;
    }

    /* The logger first, so that libmicrohttpd's messages about the other
     * options come through it too. */
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, on_server_message, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, config->threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_target, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, config->idle_timeout,
        MHD_OPTION_CONNECTION_LIMIT, max_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory(config),
        MHD_OPTION_END);
    if (!daemon) {
        watchdog_stop();
        db_writer_close(writer);
        writer = NULL;
        return err_set(e, ERR_INTERNAL, "listen", "cannot listen on %s (in use, or not allowed?)",
                       config->listen);
    }
    if (sweep_start(e)) {
        MHD_stop_daemon(daemon);
        watchdog_stop();
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
    log_info("limits: %u connections, %u per address, requests within %u s, idle %u s, "
             "targets of %zu bytes and %u query parameters at most; uploads of %zu bytes "
             "within %u s; %d trusted proxies",
             max_connections, config->max_connections_per_address,
             config->request_timeout, config->idle_timeout, config->max_uri_length,
             config->max_query_parameters, config->upload_limit, config->upload_timeout,
             trusted_proxy_count);

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
    watchdog_stop();
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
