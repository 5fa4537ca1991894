/*
 * cmd_system.c - commands about the installation itself:
 *   bloodops init      create the database and its first administrator
 *   bloodops serve     run the web application and the HTTP API
 *   bloodops version
 *   bloodops backup FILE      an online copy of a SQLite database
 *   bloodops db fingerprint   a digest of all data (to compare two states)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "http/http.h"
#include "http/openapi.h"
#include "service/audit.h"
#include "service/auth.h"
#include "store/db.h"


/* Create the folder that will hold the database file (one level, as for
 * ./var), so that `bloodops init` works in a fresh checkout. */
static int ensure_parent_folder(const char *path, err *e)
{
    char folder[4096];
    if (db_is_postgres(path))
        return 0;
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (!slash || slash == folder)
        return 0;
    *slash = '\0';
    if (mkdir(folder, 0750) != 0 && errno != EEXIST)
        return err_set(e, ERR_INTERNAL, "db", "cannot create folder %s: %s", folder,
                       strerror(errno));
    return 0;
}

static int run_init(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    int64_t users = 0;
    if (ensure_parent_folder(invocation->db_location, &e) || cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    if (user_count(ctx.db, &users, &e)) {
        cli_close(&ctx);
        return cli_fail(&e);
    }
    if (users > 0) {
        fprintf(stderr, "bloodops: %s is already initialised (%lld users)\n",
                invocation->db_location, (long long)users);
        cli_close(&ctx);
        return CLI_FAILED;
    }
    const char *password = getenv("BLOODOPS_ADMIN_PASSWORD");
    char generated[AUTH_TOKEN_TEXT] = "";
    user_input admin = {
        .username = "admin",
        .full_name = "Administrator",
        .roles = "admin",
        .password = password && *password ? password : NULL,
    };
    json_t *user = NULL;
    int rc = user_add(&ctx, &admin, generated, &user, &e);
    cli_close(&ctx);
    json_decref(user);
    if (rc)
        return cli_fail(&e);
    printf("created %s\n", invocation->db_location);
    if (generated[0])
        printf("administrator: admin, password: %s (shown once: keep it safe, change it with "
               "'bloodops user passwd admin')\n",
               generated);
    else
        printf("administrator: admin, password from BLOODOPS_ADMIN_PASSWORD\n");
    return CLI_OK;
}

/* A number setting of `serve`: its option, else its environment variable,
 * else `*value` as it is. A value out of [minimum, maximum] is a usage
 * error naming where it came from. */
static int serve_number(const cli_invocation *invocation, const char *option,
                        const char *variable, long long minimum, long long maximum,
                        const char *what, long long *value)
{
    const char *text = cli_option_value(invocation, option);
    const char *origin = "--";
    const char *name = option;
    if (!text) {
        text = getenv(variable);
        if (!text || !*text)
            return 0;
        origin = "";
        name = variable;
    }
    char *end = NULL;
    errno = 0;
    long long number = strtoll(text, &end, 10);
    if (!*text || *end || errno || number < minimum || number > maximum) {
        fprintf(stderr, "bloodops: %s%s must be %s from %lld to %lld, not '%s'\n", origin, name,
                what, minimum, maximum, text);
        return -1;
    }
    *value = number;
    return 0;
}

static int run_serve(cli_invocation *invocation)
{
    err e;
    const char *listen = cli_option_value(invocation, "listen");
    if (!listen)
        listen = getenv("BLOODOPS_LISTEN");
    const char *proxies = cli_option_value(invocation, "trusted-proxy");
    if (!proxies)
        proxies = getenv("BLOODOPS_TRUSTED_PROXY");
    long processors = sysconf(_SC_NPROCESSORS_ONLN);
    long long threads = processors > 2 ? processors : 2;
    long long body_limit = 1024 * 1024;
    long long max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
    long long per_address = HTTP_DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    long long request_timeout = HTTP_DEFAULT_REQUEST_TIMEOUT;
    long long idle_timeout = HTTP_DEFAULT_IDLE_TIMEOUT;
    long long max_uri = HTTP_DEFAULT_MAX_URI_LENGTH;
    long long max_parameters = HTTP_DEFAULT_MAX_QUERY_PARAMETERS;
    long long upload_limit = (long long)HTTP_DEFAULT_UPLOAD_LIMIT;
    long long upload_timeout = HTTP_DEFAULT_UPLOAD_TIMEOUT;
    if (serve_number(invocation, "threads", "BLOODOPS_THREADS", 1, 256, "a number", &threads) ||
        serve_number(invocation, "body-limit", "BLOODOPS_BODY_LIMIT", 1024, 1024LL * 1024 * 1024,
                     "a number of bytes", &body_limit) ||
        serve_number(invocation, "max-connections", "BLOODOPS_MAX_CONNECTIONS", 16, 100000,
                     "a number", &max_connections) ||
        serve_number(invocation, "max-connections-per-address",
                     "BLOODOPS_MAX_CONNECTIONS_PER_ADDRESS", 0, 100000,
                     "a number (0: no limit)", &per_address) ||
        serve_number(invocation, "request-timeout", "BLOODOPS_REQUEST_TIMEOUT", 1, 3600,
                     "a number of seconds", &request_timeout) ||
        serve_number(invocation, "idle-timeout", "BLOODOPS_IDLE_TIMEOUT", 1, 3600,
                     "a number of seconds", &idle_timeout) ||
        serve_number(invocation, "max-uri-length", "BLOODOPS_MAX_URI_LENGTH", 256, 16384,
                     "a number of bytes", &max_uri) ||
        serve_number(invocation, "max-query-parameters", "BLOODOPS_MAX_QUERY_PARAMETERS", 1, 1000,
                     "a number", &max_parameters) ||
        serve_number(invocation, "upload-limit", "BLOODOPS_UPLOAD_LIMIT", 1024,
                     16LL * 1024 * 1024 * 1024, "a number of bytes", &upload_limit) ||
        serve_number(invocation, "upload-timeout", "BLOODOPS_UPLOAD_TIMEOUT", 1, 86400,
                     "a number of seconds", &upload_timeout))
        return CLI_USAGE;
    /* A demo's server: its clock starts at --as-of and runs from there. */
    const char *as_of = cli_option_value(invocation, "as-of");
    if (!as_of)
        as_of = getenv("BLOODOPS_AS_OF");
    if (as_of && *as_of) {
        int64_t start;
        if (timestamp_parse(as_of, &start, "as-of", &e))
            return cli_fail(&e);
        timestamp_shift(start - timestamp_real());
    }
    http_config config = {
        .listen = listen && *listen ? listen : "127.0.0.1:8080",
        .db_location = invocation->db_location,
        .body_limit = (size_t)body_limit,
        .upload_limit = (size_t)upload_limit,
        .upload_timeout = (unsigned)upload_timeout,
        .threads = (unsigned)threads,
        .max_connections = (unsigned)max_connections,
        .max_connections_per_address = (unsigned)per_address,
        .request_timeout = (unsigned)request_timeout,
        .idle_timeout = (unsigned)idle_timeout,
        .max_uri_length = (size_t)max_uri,
        .max_query_parameters = (unsigned)max_parameters,
        .trusted_proxies = proxies,
    };
    if (http_serve(&config, &e))
        return cli_fail(&e);
    return CLI_OK;
}

static int run_version(cli_invocation *invocation)
{
    printf("bloodops %s\n", BLOODOPS_VERSION);
    return CLI_OK;
}

static int run_fingerprint(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    char digest[65];
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = db_fingerprint(ctx.db, digest, sizeof digest, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    printf("%s\n", digest);
    return CLI_OK;
}

static int run_backup(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = db_backup(ctx.db, invocation->positional[0], &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    /* The copy passed SQLite's integrity check; its audit chain is walked
     * too, so a backup is known to be whole before anyone needs it. */
    db_conn *copy = NULL;
    audit_verification verification;
    if (db_open(invocation->positional[0], &copy, &e) ||
        audit_verify(copy, &verification, &e)) {
        db_close(copy);
        return cli_fail(&e);
    }
    db_close(copy);
    if (verification.first_bad_seq) {
        fprintf(stderr, "bloodops: the copy's audit trail is BROKEN at record %" PRId64 ": %s\n",
                verification.first_bad_seq, verification.problem);
        return CLI_FAILED;
    }
    printf("backed up %s to %s: integrity ok, audit trail intact (%" PRId64 " records)\n",
           invocation->db_location, invocation->positional[0], verification.records_checked);
    return CLI_OK;
}

static const cli_option serve_options[] = {
    {"listen", "HOST:PORT",
     "where to listen (BLOODOPS_LISTEN; default 127.0.0.1:8080; port 0 picks a free one)"},
    {"threads", "N",
     "worker threads (BLOODOPS_THREADS; default: the number of processors, at least 2)"},
    {"body-limit", "BYTES", "largest request body accepted (BLOODOPS_BODY_LIMIT; default 1048576)"},
    {"upload-limit", "BYTES",
     "largest file sent as an upload, a results file (BLOODOPS_UPLOAD_LIMIT; default 104857600)"},
    {"upload-timeout", "SECONDS",
     "time to send an upload's headers and body (BLOODOPS_UPLOAD_TIMEOUT; default 600)"},
    {"max-connections", "N",
     "connections open at once, all clients (BLOODOPS_MAX_CONNECTIONS; default 4096)"},
    {"max-connections-per-address", "N",
     "connections open at once from one client address, 0 for no limit "
     "(BLOODOPS_MAX_CONNECTIONS_PER_ADDRESS; default 256; trusted proxies have none)"},
    {"request-timeout", "SECONDS",
     "time to send a request's headers and body, from its first line "
     "(BLOODOPS_REQUEST_TIMEOUT; default 30)"},
    {"idle-timeout", "SECONDS",
     "time a connection may stay silent, or take to send a request line "
     "(BLOODOPS_IDLE_TIMEOUT; default 30)"},
    {"max-uri-length", "BYTES",
     "longest path and query string, else 414 (BLOODOPS_MAX_URI_LENGTH; default 8192)"},
    {"max-query-parameters", "N",
     "most query parameters, else 400 (BLOODOPS_MAX_QUERY_PARAMETERS; default 100)"},
    {"trusted-proxy", "ADDR[,ADDR]",
     "proxies whose X-Forwarded-For names the client (BLOODOPS_TRUSTED_PROXY; default none)"},
    {"as-of", "DATETIME",
     "start the server's clock at this UTC time (BLOODOPS_AS_OF), for a demo company: "
     "make run serves the demo as on 2004-03-31T23:55:00Z, the evening its books end"},
    {0}};

static const cli_command system_commands[] = {
    {.noun = "init", .run = run_init,
     .summary = "create the database and its administrator (password from BLOODOPS_ADMIN_PASSWORD, or generated and printed once)"},
    {.noun = "serve", .run = run_serve, .options = serve_options,
     .summary = "serve the web application and the HTTP API", .opens_database = 1},
    {.noun = "version", .run = run_version, .summary = "print the version"},
    {.noun = "backup", .run = run_backup, .arguments = "FILE", .positional_min = 1,
     .positional_max = 1,
     .summary = "copy the SQLite database to a new FILE while it is in use (PostgreSQL: pg_dump)",
     .opens_database = 1},
    {.noun = "db", .verb = "fingerprint", .run = run_fingerprint,
     .summary = "print a digest of every row of every table (equal digests = equal data)",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_system = {
    .name = "system", .area = AREA_ADMINISTRATION, .commands = system_commands};
