/*
 * cmd_users.c - user administration from the command line:
 *   bloodops user add USERNAME --name NAME --roles ROLES [--password-stdin]
 *   bloodops user list
 *   bloodops user passwd USERNAME [--password-stdin]
 *   bloodops user disable USERNAME --reason TEXT
 *   bloodops session purge     sessions expired a week ago, spent login throttle counts
 * Passwords come from BLOODOPS_PASSWORD or standard input, never from an
 * argument (which other users of the machine could read in `ps`); without
 * either, a password is generated and printed once.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/auth.h"

static const cli_column user_columns[] = {
    {"username", "USERNAME"}, {"full_name", "NAME"},       {"roles", "ROLES"},
    {"disabled", "DISABLED"}, {"created_at", "CREATED"}, {0}};

static int run_user_add(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    char typed[256], generated[AUTH_TOKEN_TEXT] = "";
    user_input in = {
        .username = invocation->positional[0],
        .full_name = cli_option_value(invocation, "name"),
        .roles = cli_option_value(invocation, "roles"),
        .password = cli_read_password(invocation, typed, sizeof typed),
    };
    json_t *user = NULL;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = user_add(&ctx, &in, generated, &user, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    cli_print_object(invocation, user, user_columns);
    json_decref(user);
    if (generated[0])
        fprintf(stderr, "password: %s (shown once)\n", generated);
    return CLI_OK;
}

static int call_user_list(service_context *ctx, const void *filter, service_page *page,
                          json_t **out, err *e)
{
    return user_list(ctx, page, out, e);
}

static int run_user_list(cli_invocation *invocation)
{
    return cli_print_all_pages(invocation, call_user_list, NULL, 0, user_columns);
}

static int run_user_passwd(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    char typed[256], generated[AUTH_TOKEN_TEXT];
    const char *password = cli_read_password(invocation, typed, sizeof typed);
    if (!password) {
        auth_generate_password(generated);
        password = generated;
    }
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = user_set_password(&ctx, invocation->positional[0], password, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    printf("password changed for %s; their open sessions were ended\n", invocation->positional[0]);
    if (password == generated)
        fprintf(stderr, "password: %s (shown once)\n", generated);
    return CLI_OK;
}

static int run_user_disable(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = user_disable(&ctx, invocation->positional[0], cli_option_value(invocation, "reason"),
                          &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    printf("disabled %s; their open sessions were ended\n", invocation->positional[0]);
    return CLI_OK;
}

static const cli_option add_options[] = {
    {"name", "NAME", "the person's full name"},
    {"roles", "ROLES", "comma-separated: admin, center_staff, lab, distribution, apheresis_nurse, "
                       "contract_services, finance, executive, auditor"},
    {"password-stdin", NULL, "read the password from the first line of standard input"},
    {0}};
static const cli_option passwd_options[] = {
    {"password-stdin", NULL, "read the password from the first line of standard input"}, {0}};
static const cli_option disable_options[] = {{"reason", "TEXT", "why (kept in the audit trail)"},
                                             {0}};

static const cli_column purge_columns[] = {
    {"sessions", "SESSIONS REMOVED"}, {"throttle_records", "THROTTLE RECORDS REMOVED"}, {0}};

static void print_purge(const cli_invocation *invocation, json_t *removed)
{
    cli_print_object(invocation, removed, purge_columns);
}

static int call_purge(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return auth_purge(ctx, out, e);
}

static int run_session_purge(cli_invocation *invocation)
{
    return cli_run(invocation, call_purge, print_purge);
}

const cli_command cli_commands_users[] = {
    {"user", "add", run_user_add, "USERNAME", 1, 1, add_options, "create a user", 1},
    {"user", "list", run_user_list, NULL, 0, 0, NULL, "list users and their roles", 1},
    {"user", "passwd", run_user_passwd, "USERNAME", 1, 1, passwd_options,
     "set a user's password (ends their sessions)", 1},
    {"user", "disable", run_user_disable, "USERNAME", 1, 1, disable_options,
     "disable a user (ends their sessions)", 1},
    {"session", "purge", run_session_purge, NULL, 0, 0, NULL,
     "remove sessions expired more than a week ago and spent login throttle counts (the "
     "server does it with its sweep)",
     1},
    {0}};
