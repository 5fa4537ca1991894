/*
 * cmd_audit.c - the audit trail from the command line:
 *   bloodops audit verify     prove the trail is intact, or name the first
 *                             record altered or removed (exit status 1)
 *   bloodops audit log [--entity KIND [--entity-id ID]] [--actor USER] [--action A]
 *                      [--from DATE] [--to DATE] [--newest-first] [--limit N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "service/audit.h"

static int run_verify(cli_invocation *invocation)
{
    err e;
    service_context ctx;
    audit_verification verification;
    if (cli_open(invocation, &ctx, &e))
        return cli_fail(&e);
    int rc = audit_verify(ctx.db, &verification, &e);
    cli_close(&ctx);
    if (rc)
        return cli_fail(&e);
    if (verification.first_bad_seq) {
        fprintf(stderr, "bloodops: audit trail BROKEN at record %" PRId64 ": %s\n",
                verification.first_bad_seq, verification.problem);
        return CLI_FAILED;
    }
    printf("audit trail intact: %" PRId64 " records verified\n", verification.records_checked);
    return CLI_OK;
}

static int call_audit_list(service_context *ctx, const void *filter, service_page *page,
                           json_t **out, err *e)
{
    audit_filter copy = *(const audit_filter *)filter;
    copy.page = *page;
    return audit_list(ctx, &copy, out, e);
}

static int run_log(cli_invocation *invocation)
{
    static const cli_column columns[] = {
        {"seq", "SEQ"},         {"at", "AT"},         {"actor", "ACTOR"},  {"entity", "ENTITY"},
        {"entity_id", "ID"},    {"action", "ACTION"}, {"reason", "REASON"}, {0}};
    const char *limit_text = cli_option_value(invocation, "limit");
    long limit = 0; /* no limit: every record */
    if (limit_text) {
        char *end = NULL;
        limit = strtol(limit_text, &end, 10);
        if (!*limit_text || *end || limit < 1) {
            fprintf(stderr, "bloodops: --limit must be a whole number of records, at least 1\n");
            return CLI_USAGE;
        }
    }
    audit_filter filter = {.entity = cli_option_value(invocation, "entity"),
                           .entity_id = cli_option_value(invocation, "entity-id"),
                           .actor = cli_option_value(invocation, "actor"),
                           .action = cli_option_value(invocation, "action"),
                           .from = cli_option_value(invocation, "from"),
                           .to = cli_option_value(invocation, "to"),
                           .since = cli_option_value(invocation, "since"),
                           .newest_first = cli_option_value(invocation, "newest-first") != NULL};
    return cli_print_all_pages(invocation, call_audit_list, &filter, limit, columns);
}

static const cli_option log_options[] = {
    {"entity", "KIND", "only records about this kind of thing (center, hospital, user, ...)"},
    {"entity-id", "ID", "only the records of this one (with --entity): a code, user name, DIN..."},
    {"actor", "USER", "only what this user did (cli:NAME for the command line)"},
    {"action", "ACTION", "only this action (create, update, close, disable, login_failed, ...)"},
    {"from", "DATE", "only records from this day on (UTC), YYYY-MM-DD"},
    {"to", "DATE", "only records up to this day (UTC, included), YYYY-MM-DD"},
    {"since", "DATE", "the older name of --from"},
    {"newest-first", NULL, "the newest records first (with --limit N: the last N)"},
    {"limit", "N", "at most N records (default: all)"},
    {0}};

static const cli_command audit_commands[] = {
    {.noun = "audit", .verb = "verify", .run = run_verify,
     .summary = "check the hash chain; name the first record altered or removed",
     .opens_database = 1},
    {.noun = "audit", .verb = "log", .run = run_log, .options = log_options,
     .summary = "list the audit trail", .opens_database = 1},
    {0},
};

const cli_module cli_module_audit = {
    .name = "audit", .area = AREA_ADMINISTRATION, .commands = audit_commands};
