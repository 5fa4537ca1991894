/*
 * cmd_users.c - user administration from the command line:
 *   bloodops user add USERNAME --name NAME --roles ROLES [--password-stdin]
 *   bloodops user list
 *   bloodops user passwd USERNAME [--password-stdin]
 *   bloodops user disable USERNAME --reason TEXT
 *   bloodops user enable USERNAME [--reason TEXT]
 *   bloodops user roles USERNAME --roles ROLES
 *   bloodops user scope USERNAME [--centers CODES] [--markets CODES]
 *   bloodops session purge     sessions expired a week ago, spent login throttle counts
 *   bloodops capability list   the role matrix: each capability and the roles holding it
 * Passwords come from BLOODOPS_PASSWORD or standard input, never from an
 * argument (which other users of the machine could read in `ps`); without
 * either, a password is generated and printed once.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "domain/capability.h"
#include "service/auth.h"

static const cli_column user_columns[] = {
    {"username", "USERNAME"}, {"full_name", "NAME"},       {"roles", "ROLES"},
    {"centers", "CENTERS"},   {"markets", "MARKETS"},      {"disabled", "DISABLED"},
    {"created_at", "CREATED"}, {"last_login_at", "LAST LOGIN"}, {0}};

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

/* The changes of one user that answer the user, each printed as
 * `user add` prints one. */
static int call_user_enable(service_context *ctx, const void *input, json_t **out, err *e)
{
    const cli_invocation *invocation = input;
    return user_enable(ctx, invocation->positional[0], cli_option_value(invocation, "reason"),
                       out, e);
}

static int run_user_enable(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_user_enable, invocation, user_columns);
}

static int call_user_roles(service_context *ctx, const void *input, json_t **out, err *e)
{
    const cli_invocation *invocation = input;
    return user_roles_set(ctx, invocation->positional[0], cli_option_value(invocation, "roles"),
                          out, e);
}

static int run_user_roles(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_user_roles, invocation, user_columns);
}

static int call_user_scope(service_context *ctx, const void *input, json_t **out, err *e)
{
    const cli_invocation *invocation = input;
    return user_scope_set(ctx, invocation->positional[0], cli_option_value(invocation, "centers"),
                          cli_option_value(invocation, "markets"), out, e);
}

static int run_user_scope(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_user_scope, invocation, user_columns);
}

static const cli_option add_options[] = {
    {"name", "NAME", "the person's full name", "full_name"},
    {"roles", "ROLES", "comma-separated: admin, center_staff, lab, distribution, apheresis_nurse, "
                       "contract_services, finance, executive, auditor"},
    {"password-stdin", NULL, "read the password from the first line of standard input"},
    {0}};
static const cli_option passwd_options[] = {
    {"password-stdin", NULL, "read the password from the first line of standard input"}, {0}};
static const cli_option scope_options[] = {
    {"centers", "CODES", "the donor centers the user works at, \"LA-01,OC-01\" (\"\" for none)"},
    {"markets", "CODES", "the markets the user works in, \"LA,NY\" (\"\" for none)"},
    {0}};
static const cli_option disable_options[] = {{"reason", "TEXT", "why (kept in the audit trail)"},
                                             {0}};
static const cli_option enable_options[] = {
    {"reason", "TEXT", "why (optional, kept in the audit trail)"}, {0}};
static const cli_option roles_options[] = {
    {"roles", "ROLES", "the user's roles, comma-separated (they replace the roles before): "
                       "admin, center_staff, lab, distribution, apheresis_nurse, "
                       "contract_services, finance, executive, auditor"},
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

/* The role matrix as it is compiled in (domain/capability.c): no database. */
static int run_capability_list(cli_invocation *invocation)
{
    static const cli_column columns[] = {
        {"capability", "CAPABILITY"}, {"roles", "ROLES"}, {"summary", "WHAT IT ALLOWS"}, {0}};
    json_t *rows = json_array();
    for (int c = 1; c < CAPABILITY_COUNT; c++) {
        const capability_entry *entry = capability_get((capability)c);
        char roles[256];
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "capability", entry->name,
                                              "roles",
                                              role_set_format(entry->roles, roles, sizeof roles),
                                              "summary", entry->summary));
    }
    cli_print_list(invocation, rows, columns);
    json_decref(rows);
    return CLI_OK;
}

static const cli_command users_commands[] = {
    {.noun = "user", .verb = "add", .run = run_user_add, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = add_options, .summary = "create a user",
     .opens_database = 1},
    {.noun = "user", .verb = "list", .run = run_user_list, .summary = "list users and their roles",
     .opens_database = 1},
    {.noun = "user", .verb = "passwd", .run = run_user_passwd, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = passwd_options,
     .summary = "set a user's password (ends their sessions)", .opens_database = 1},
    {.noun = "user", .verb = "disable", .run = run_user_disable, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = disable_options,
     .summary = "disable a user (ends their sessions)", .opens_database = 1},
    {.noun = "user", .verb = "enable", .run = run_user_enable, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = enable_options,
     .summary = "let a disabled user log in again", .opens_database = 1},
    {.noun = "user", .verb = "roles", .run = run_user_roles, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = roles_options,
     .summary = "give a user their roles (the list replaces the one before; the last "
                "administrator keeps admin)",
     .opens_database = 1},
    {.noun = "user", .verb = "scope", .run = run_user_scope, .arguments = "USERNAME",
     .positional_min = 1, .positional_max = 1, .options = scope_options,
     .summary = "assign a user the donor centers and markets they work in (each list replaces "
                "the one before)",
     .opens_database = 1},
    {.noun = "session", .verb = "purge", .run = run_session_purge,
     .summary = "remove sessions expired more than a week ago and spent login throttle counts "
                "(the server does it with its sweep)",
     .opens_database = 1},
    {.noun = "capability", .verb = "list", .run = run_capability_list,
     .summary = "the role matrix: each capability, the roles that hold it, what it allows"},
    {0},
};

const cli_module cli_module_users = {
    .name = "users", .area = AREA_ADMINISTRATION, .commands = users_commands};
