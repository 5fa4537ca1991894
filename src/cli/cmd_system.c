/*
 * cmd_system.c - commands about the installation itself:
 *   bloodops init      create the database and its first administrator
 *   bloodops serve     run the web application and the HTTP API
 *   bloodops version
 *   bloodops backup FILE      an online copy of a SQLite database
 *   bloodops db fingerprint   a digest of all data (to compare two states)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "http/http.h"
#include "service/auth.h"
#include "store/db.h"

#ifndef BLOODOPS_VERSION
#define BLOODOPS_VERSION "0.1.0"
#endif

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

static int run_serve(cli_invocation *invocation)
{
    err e;
    const char *listen = cli_option_value(invocation, "listen");
    if (!listen)
        listen = getenv("BLOODOPS_LISTEN");
    const char *threads_text = cli_option_value(invocation, "threads");
    const char *limit_text = cli_option_value(invocation, "body-limit");
    long processors = sysconf(_SC_NPROCESSORS_ONLN);
    http_config config = {
        .listen = listen && *listen ? listen : "127.0.0.1:8080",
        .db_location = invocation->db_location,
        .body_limit = 1024 * 1024,
        .threads = (unsigned)(processors > 2 ? processors : 2),
    };
    if (threads_text) {
        char *end = NULL;
        long threads = strtol(threads_text, &end, 10);
        if (!*threads_text || *end || threads < 1 || threads > 256) {
            fprintf(stderr, "bloodops: --threads must be a number from 1 to 256\n");
            return CLI_USAGE;
        }
        config.threads = (unsigned)threads;
    }
    if (limit_text) {
        char *end = NULL;
        long long limit = strtoll(limit_text, &end, 10);
        if (!*limit_text || *end || limit < 1024 || limit > 1024LL * 1024 * 1024) {
            fprintf(stderr, "bloodops: --body-limit must be a number of bytes from 1024 to 1 GiB\n");
            return CLI_USAGE;
        }
        config.body_limit = (size_t)limit;
    }
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
    printf("backed up %s to %s\n", invocation->db_location, invocation->positional[0]);
    return CLI_OK;
}

static const cli_option serve_options[] = {
    {"listen", "HOST:PORT", "where to listen (BLOODOPS_LISTEN; default 127.0.0.1:8080; port 0 picks a free one)"},
    {"threads", "N", "worker threads (default: the number of processors, at least 2)"},
    {"body-limit", "BYTES", "largest request body accepted (default 1048576)"},
    {0}};

const cli_command cli_commands_system[] = {
    {"init", NULL, run_init, NULL, 0, 0, NULL,
     "create the database and its administrator (password from BLOODOPS_ADMIN_PASSWORD, or "
     "generated and printed once)",
     0},
    {"serve", NULL, run_serve, NULL, 0, 0, serve_options,
     "serve the web application and the HTTP API", 1},
    {"version", NULL, run_version, NULL, 0, 0, NULL, "print the version", 0},
    {"backup", NULL, run_backup, "FILE", 1, 1, NULL,
     "copy the SQLite database to a new FILE while it is in use (PostgreSQL: pg_dump)", 1},
    {"db", "fingerprint", run_fingerprint, NULL, 0, 0, NULL,
     "print a digest of every row of every table (equal digests = equal data)", 1},
    {0}};
