/*
 * loadgen.c - a small HTTP/1.1 load generator for the benchmarks (no
 * third-party code): keep-alive connections driven by epoll on a few
 * threads, a fixed duration (or a fixed number of requests), every latency
 * recorded for the percentiles. The same program measures nginx and
 * bloodops, so both see the same client.
 *
 *   loadgen --port P [--host 127.0.0.1] [--connections 64] [--threads 1]
 *           [--seconds 5] [--warmup 0] [--count N] [--method GET]
 *           [--path PATH | --paths FILE] [--body TEMPLATE] [--header "K: V"]...
 *           [--seq-start 1] [--acks FILE] [--once]
 *
 * Each connection sends a request, reads the whole answer (Content-Length
 * or chunked), and sends the next: a closed loop, one request in flight per
 * connection. "{seq}" in the path or body becomes a sequence number shared
 * by all connections (from --seq-start, 7 digits, zero-padded), so that
 * each request can name a different donor. --paths cycles through the
 * paths of a file, one per line. --count stops after N requests in all
 * (each sequence number sent once); --seconds bounds the run either way.
 * --warmup runs that many seconds first without recording them.
 *
 * --acks FILE writes the "din" of every 2xx answer fully received, one per
 * line (the answers a client was given: the durability check compares them
 * with the database after a crash). When the server goes away, connections
 * that cannot reconnect end, and the run ends when none is left.
 *
 * --once sends one request and prints the answer's body (for logging in).
 *
 * Output, one line: requests=N ok=N failed=N errors=N seconds=S rate=R ok_rate=R
 * p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. next_seq=N statuses=201:N,409:N
 * (requests: answers received in the measured time; ok: 2xx answers;
 * failed: other answers; errors: connections lost; next_seq: the first
 * sequence number never sent).
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { HEADERS_MAX = 16, STATUS_MAX = 600, CONNECT_TRIES = 3 };

typedef struct {
    const char *host;
    int port;
    int connections, threads;
    double seconds, warmup;
    long count;
    const char *method, *path, *paths_file, *body, *acks_file;
    const char *headers[HEADERS_MAX];
    int header_count;
    long seq_start;
    int once;
} options;

static options opt = {.host = "127.0.0.1", .connections = 64, .threads = 1, .seconds = -1,
                      .method = "GET", .path = "/", .seq_start = 1};
static struct sockaddr_in server_address;
static char **paths;
static size_t path_count;
static atomic_long next_seq;
static atomic_long next_path;
static atomic_long sent_total;
static double start_time, record_from, end_time;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *message)
{
    fprintf(stderr, "loadgen: %s\n", message);
    exit(2);
}

/* --- growable byte buffer ---------------------------------------------------- */

typedef struct {
    char *data;
    size_t length, capacity;
} bytes;

static void bytes_reserve(bytes *b, size_t more)
{
    if (b->length + more + 1 <= b->capacity)
        return;
    size_t capacity = b->capacity ? b->capacity : 1024;
    while (capacity < b->length + more + 1)
        capacity *= 2;
    b->data = realloc(b->data, capacity);
    if (!b->data)
        die("out of memory");
    b->capacity = capacity;
}

static void bytes_add(bytes *b, const char *data, size_t length)
{
    bytes_reserve(b, length);
    memcpy(b->data + b->length, data, length);
    b->length += length;
    b->data[b->length] = '\0';
}

static void bytes_text(bytes *b, const char *text) { bytes_add(b, text, strlen(text)); }

/* Append `template` with "{seq}" replaced by `seq` (7 digits). */
static void bytes_template(bytes *b, const char *template, long seq)
{
    const char *mark;
    while ((mark = strstr(template, "{seq}")) != NULL) {
        char number[24];
        bytes_add(b, template, (size_t)(mark - template));
        snprintf(number, sizeof number, "%07ld", seq);
        bytes_text(b, number);
        template = mark + 5;
    }
    bytes_text(b, template);
}

/* --- connections -------------------------------------------------------------- */

typedef enum { IDLE, SENDING, RECEIVING, DEAD } conn_state;

typedef struct {
    int fd;
    conn_state state;
    bytes out;
    size_t sent;
    bytes in;
    double started;
    int failures; /* connects in a row that failed */
} connection;

typedef struct {
    int index;
    int epoll;
    connection *conns;
    int conn_count;
    /* results */
    uint32_t *latencies_us;
    size_t latency_count, latency_capacity;
    long ok, failed, errors;
    long statuses[STATUS_MAX];
    bytes acks;
} worker;

static int connect_to_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&server_address, sizeof server_address) < 0 &&
        errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Build the next request into c->out; 0 when none is due (count reached). */
static int next_request(connection *c)
{
    long seq = 0;
    if (opt.count > 0) {
        long n = atomic_fetch_add(&sent_total, 1);
        if (n >= opt.count)
            return 0;
        seq = opt.seq_start + n;
    } else {
        seq = atomic_fetch_add(&next_seq, 1);
    }
    const char *path = opt.path;
    if (path_count)
        path = paths[(size_t)atomic_fetch_add(&next_path, 1) % path_count];
    c->out.length = 0;
    c->sent = 0;
    bytes_text(&c->out, opt.method);
    bytes_text(&c->out, " ");
    bytes_template(&c->out, path, seq);
    char line[128];
    snprintf(line, sizeof line, " HTTP/1.1\r\nHost: %s:%d\r\n", opt.host, opt.port);
    bytes_text(&c->out, line);
    for (int i = 0; i < opt.header_count; i++) {
        bytes_text(&c->out, opt.headers[i]);
        bytes_text(&c->out, "\r\n");
    }
    if (opt.body) {
        bytes body = {0};
        bytes_template(&body, opt.body, seq);
        snprintf(line, sizeof line, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                 body.length);
        bytes_text(&c->out, line);
        bytes_text(&c->out, "\r\n");
        bytes_add(&c->out, body.data, body.length);
        free(body.data);
    } else {
        bytes_text(&c->out, "\r\n");
    }
    return 1;
}

static void watch(worker *w, connection *c, uint32_t events, int op)
{
    struct epoll_event event = {.events = events, .data.ptr = c};
    epoll_ctl(w->epoll, op, c->fd, &event);
}

static void conn_close(worker *w, connection *c)
{
    if (c->fd >= 0) {
        epoll_ctl(w->epoll, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
}

/* Start (or restart) a request on `c`, reconnecting when needed. */
static void conn_start(worker *w, connection *c)
{
    if (now_seconds() >= end_time || !next_request(c)) {
        conn_close(w, c);
        c->state = DEAD;
        return;
    }
    if (c->fd < 0) {
        c->fd = connect_to_server();
        if (c->fd < 0) {
            c->state = DEAD;
            return;
        }
        watch(w, c, EPOLLOUT, EPOLL_CTL_ADD);
    } else {
        watch(w, c, EPOLLOUT, EPOLL_CTL_MOD);
    }
    c->in.length = 0;
    c->state = SENDING;
    c->started = now_seconds();
}

/* The connection broke: count it, and try again on a new one unless the
 * server is gone (connects keep failing). */
static void conn_lost(worker *w, connection *c)
{
    conn_close(w, c);
    if (c->started >= record_from)
        w->errors++;
    if (++c->failures >= CONNECT_TRIES) {
        c->state = DEAD;
        return;
    }
    /* The request lost with the connection is not sent again (a POST
     * retried could be done twice): the connection goes on with the next. */
    c->state = IDLE;
    conn_start(w, c);
}

/* Where the answer in c->in ends, or 0 when incomplete; -1 malformed. */
static long answer_length(connection *c, int *status, int *close_after, const char **body,
                          size_t *body_length)
{
    char *end = memmem(c->in.data, c->in.length, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t header_length = (size_t)(end - c->in.data) + 4;
    *end = '\0';
    if (sscanf(c->in.data, "HTTP/1.%*d %d", status) != 1)
        return -1;
    long content_length = -1;
    int chunked = 0;
    *close_after = 0;
    for (char *line = strstr(c->in.data, "\r\n"); line && *line; line = strstr(line + 2, "\r\n")) {
        char *field = line + 2;
        if (strncasecmp(field, "Content-Length:", 15) == 0)
            content_length = strtol(field + 15, NULL, 10);
        else if (strncasecmp(field, "Transfer-Encoding:", 18) == 0 && strstr(field, "chunked"))
            chunked = 1;
        else if (strncasecmp(field, "Connection:", 11) == 0 && strcasestr(field, "close"))
            *close_after = 1;
    }
    *end = '\r';
    if (*status == 304 || *status == 204)
        content_length = 0;
    if (content_length >= 0) {
        if (c->in.length < header_length + (size_t)content_length)
            return 0;
        *body = c->in.data + header_length;
        *body_length = (size_t)content_length;
        return (long)(header_length + (size_t)content_length);
    }
    if (!chunked)
        return -1;
    /* Chunked: walk the chunks to the last one. */
    size_t at = header_length;
    for (;;) {
        char *line_end = memmem(c->in.data + at, c->in.length - at, "\r\n", 2);
        if (!line_end)
            return 0;
        long size = strtol(c->in.data + at, NULL, 16);
        size_t data = (size_t)(line_end - c->in.data) + 2;
        if (size == 0) {
            if (c->in.length < data + 2)
                return 0;
            *body = c->in.data + header_length;
            *body_length = 0;
            return (long)(data + 2);
        }
        if (c->in.length < data + (size_t)size + 2)
            return 0;
        at = data + (size_t)size + 2;
    }
}

static void record(worker *w, connection *c, int status, const char *body, size_t body_length)
{
    double finished = now_seconds();
    if (c->started < record_from || finished > end_time + 0.001)
        return;
    if (w->latency_count == w->latency_capacity) {
        w->latency_capacity = w->latency_capacity ? w->latency_capacity * 2 : 65536;
        w->latencies_us = realloc(w->latencies_us, w->latency_capacity * sizeof *w->latencies_us);
        if (!w->latencies_us)
            die("out of memory");
    }
    double us = (finished - c->started) * 1e6;
    w->latencies_us[w->latency_count++] = us > 4e9 ? 4000000000u : (uint32_t)us;
    if (status >= 0 && status < STATUS_MAX)
        w->statuses[status]++;
    if (status >= 200 && status < 300) {
        w->ok++;
        if (opt.acks_file) {
            const char *din = memmem(body, body_length, "\"din\":\"", 7);
            if (din) {
                din += 7;
                const char *quote = memchr(din, '"', (size_t)(body + body_length - din));
                if (quote) {
                    bytes_add(&w->acks, din, (size_t)(quote - din));
                    bytes_text(&w->acks, "\n");
                }
            }
        }
    } else {
        w->failed++;
    }
}

static void on_readable(worker *w, connection *c)
{
    for (;;) {
        bytes_reserve(&c->in, 16384);
        ssize_t n = read(c->fd, c->in.data + c->in.length, c->in.capacity - c->in.length - 1);
        if (n > 0) {
            c->in.length += (size_t)n;
            c->in.data[c->in.length] = '\0';
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        conn_lost(w, c); /* EOF or error before a whole answer */
        return;
    }
    int status = 0, close_after = 0;
    const char *body = NULL;
    size_t body_length = 0;
    long length = answer_length(c, &status, &close_after, &body, &body_length);
    if (length == 0)
        return;
    if (length < 0) {
        conn_lost(w, c);
        return;
    }
    record(w, c, status, body, body_length);
    c->failures = 0;
    if (opt.once) {
        fwrite(body, 1, body_length, stdout);
        fputc('\n', stdout);
        conn_close(w, c);
        c->state = DEAD;
        return;
    }
    if (close_after)
        conn_close(w, c);
    conn_start(w, c);
}

static void on_writable(worker *w, connection *c)
{
    while (c->sent < c->out.length) {
        ssize_t n = send(c->fd, c->out.data + c->sent, c->out.length - c->sent, MSG_NOSIGNAL);
        if (n > 0) {
            c->sent += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        conn_lost(w, c);
        return;
    }
    c->state = RECEIVING;
    watch(w, c, EPOLLIN, EPOLL_CTL_MOD);
}

static void *worker_main(void *argument)
{
    worker *w = argument;
    w->epoll = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < w->conn_count; i++) {
        w->conns[i].fd = -1;
        conn_start(w, &w->conns[i]);
    }
    struct epoll_event events[256];
    for (;;) {
        int alive = 0;
        for (int i = 0; i < w->conn_count; i++)
            alive += w->conns[i].state != DEAD;
        if (!alive)
            break;
        double left = end_time - now_seconds();
        if (left <= 0)
            break;
        int n = epoll_wait(w->epoll, events, 256, left > 0.05 ? 50 : (int)(left * 1000) + 1);
        for (int i = 0; i < n; i++) {
            connection *c = events[i].data.ptr;
            if (c->state == SENDING)
                on_writable(w, c);
            else if (c->state == RECEIVING)
                on_readable(w, c);
        }
    }
    for (int i = 0; i < w->conn_count; i++)
        conn_close(w, &w->conns[i]);
    close(w->epoll);
    return NULL;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void load_paths(const char *file)
{
    FILE *in = fopen(file, "r");
    if (!in)
        die("cannot read the --paths file");
    char *line = NULL;
    size_t capacity = 0, allocated = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, in)) > 0) {
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = '\0';
        if (!length)
            continue;
        if (path_count == allocated) {
            allocated = allocated ? allocated * 2 : 1024;
            paths = realloc(paths, allocated * sizeof *paths);
            if (!paths)
                die("out of memory");
        }
        paths[path_count++] = strdup(line);
    }
    free(line);
    fclose(in);
    if (!path_count)
        die("the --paths file holds no path");
}

static void parse_options(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (strcmp(name, "--once") == 0) {
            opt.once = 1;
            continue;
        }
        if (i + 1 >= argc)
            die("every option but --once takes a value");
        const char *value = argv[++i];
        if (strcmp(name, "--host") == 0)
            opt.host = value;
        else if (strcmp(name, "--port") == 0)
            opt.port = atoi(value);
        else if (strcmp(name, "--connections") == 0)
            opt.connections = atoi(value);
        else if (strcmp(name, "--threads") == 0)
            opt.threads = atoi(value);
        else if (strcmp(name, "--seconds") == 0)
            opt.seconds = atof(value);
        else if (strcmp(name, "--warmup") == 0)
            opt.warmup = atof(value);
        else if (strcmp(name, "--count") == 0)
            opt.count = atol(value);
        else if (strcmp(name, "--method") == 0)
            opt.method = value;
        else if (strcmp(name, "--path") == 0)
            opt.path = value;
        else if (strcmp(name, "--paths") == 0)
            opt.paths_file = value;
        else if (strcmp(name, "--body") == 0)
            opt.body = value;
        else if (strcmp(name, "--acks") == 0)
            opt.acks_file = value;
        else if (strcmp(name, "--seq-start") == 0)
            opt.seq_start = atol(value);
        else if (strcmp(name, "--header") == 0 && opt.header_count < HEADERS_MAX)
            opt.headers[opt.header_count++] = value;
        else
            die("unknown option (see the comment at the top of bench/loadgen.c)");
    }
    if (opt.port <= 0 || opt.port > 65535)
        die("--port is required");
    if (opt.once)
        opt.connections = opt.threads = 1;
    if (opt.connections < 1 || opt.threads < 1 || opt.threads > opt.connections)
        die("--connections must be at least --threads, both at least 1");
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    if (opt.paths_file)
        load_paths(opt.paths_file);
    memset(&server_address, 0, sizeof server_address);
    server_address.sin_family = AF_INET;
    server_address.sin_port = htons((uint16_t)opt.port);
    if (inet_pton(AF_INET, opt.host, &server_address.sin_addr) != 1)
        die("--host must be an IPv4 address");
    atomic_store(&next_seq, opt.seq_start);

    start_time = now_seconds();
    record_from = start_time + opt.warmup;
    if (opt.seconds < 0)
        opt.seconds = opt.count > 0 ? 3600 : 5;
    end_time = record_from + opt.seconds;
    worker *workers = calloc((size_t)opt.threads, sizeof *workers);
    connection *conns = calloc((size_t)opt.connections, sizeof *conns);
    pthread_t *threads = calloc((size_t)opt.threads, sizeof *threads);
    if (!workers || !conns || !threads)
        die("out of memory");
    for (int t = 0, first = 0; t < opt.threads; t++) {
        int share = opt.connections / opt.threads + (t < opt.connections % opt.threads);
        workers[t].index = t;
        workers[t].conns = conns + first;
        workers[t].conn_count = share;
        first += share;
        pthread_create(&threads[t], NULL, worker_main, &workers[t]);
    }
    long ok = 0, failed = 0, errors = 0;
    long statuses[STATUS_MAX] = {0};
    size_t total = 0;
    for (int t = 0; t < opt.threads; t++) {
        pthread_join(threads[t], NULL);
        total += workers[t].latency_count;
    }
    double finished = now_seconds();
    double seconds = (finished < end_time ? finished : end_time) - record_from;
    uint32_t *all = malloc((total ? total : 1) * sizeof *all);
    FILE *acks = opt.acks_file ? fopen(opt.acks_file, "w") : NULL;
    if (opt.acks_file && !acks)
        die("cannot write the --acks file");
    for (int t = 0, at = 0; t < opt.threads; t++) {
        memcpy(all + at, workers[t].latencies_us, workers[t].latency_count * sizeof *all);
        at += (int)workers[t].latency_count;
        ok += workers[t].ok;
        failed += workers[t].failed;
        errors += workers[t].errors;
        for (int s = 0; s < STATUS_MAX; s++)
            statuses[s] += workers[t].statuses[s];
        if (acks && workers[t].acks.length)
            fwrite(workers[t].acks.data, 1, workers[t].acks.length, acks);
    }
    if (acks)
        fclose(acks);
    if (opt.once)
        return ok ? 0 : 1;
    qsort(all, total, sizeof *all, compare_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] / 1000.0 : 0.0)
    long sent = atomic_load(&sent_total);
    long next = opt.count > 0 ? opt.seq_start + (sent < opt.count ? sent : opt.count)
                              : atomic_load(&next_seq);
    printf("requests=%zu ok=%ld failed=%ld errors=%ld seconds=%.3f rate=%.0f ok_rate=%.0f "
           "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f next_seq=%ld statuses=",
           total, ok, failed, errors, seconds, seconds > 0 ? (double)total / seconds : 0.0,
           seconds > 0 ? (double)ok / seconds : 0.0, PCT(0.50), PCT(0.90), PCT(0.99),
           total ? all[total - 1] / 1000.0 : 0.0, next);
    for (int s = 0, first = 1; s < STATUS_MAX; s++)
        if (statuses[s]) {
            printf("%s%d:%ld", first ? "" : ",", s, statuses[s]);
            first = 0;
        }
    printf("\n");
    return 0;
}
