/*
 * cmd_demo.c - the demo company from the command line:
 *   bloodops demo [--seed N] [--scale K] [--through DATE]
 * builds fifteen months of operations (src/demo/demo.h) into a fresh
 * database (created when it does not exist, its administrator's password
 * from BLOODOPS_ADMIN_PASSWORD or generated and shown once), with a
 * progress bar on stderr, and prints what it built.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli/cli.h"
#include "demo/demo.h"
#include "service/auth.h"

static const cli_column demo_columns[] = {
    {"seed", "SEED"}, {"scale", "SCALE"}, {"through", "THROUGH"}, {"days", "DAYS"},
    {"events", "EVENTS"}, {"milliseconds", "MILLISECONDS"}, {"events_per_second", "EVENTS/S"},
    {0}};

/* A whole number option from `minimum` to `maximum`, or `fallback` when it
 * is not given. */
static int number_option(const cli_invocation *invocation, const char *name, long long minimum,
                         long long maximum, long long fallback, long long *out, err *e)
{
    const char *text = cli_option_value(invocation, name);
    if (!text) {
        *out = fallback;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (!*text || *end || errno || value < minimum || value > maximum)
        return err_set(e, ERR_INVALID, name, "must be a whole number from %lld to %lld", minimum,
                       maximum);
    *out = value;
    return 0;
}

static char generated_password[AUTH_TOKEN_TEXT];

static int call_demo(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    long long seed, scale;
    if (number_option(invocation, "seed", 0, 1000000000000LL, 1, &seed, e) ||
        number_option(invocation, "scale", 1, 10000, 1, &scale, e))
        return -1;
    const char *password = getenv("BLOODOPS_ADMIN_PASSWORD");
    demo_options options = {.seed = (uint64_t)seed, .scale = (int)scale, .progress = stderr,
                            .progress_is_terminal = isatty(STDERR_FILENO),
                            .admin_password = password && *password ? password : NULL,
                            .generated_password = generated_password};
    const char *through = cli_option_value(invocation, "through");
    if (date_parse(through ? through : "2004-03-31", &options.through, "through", e))
        return -1;
    return demo_build(ctx, &options, out, e);
}

static void print_demo(const cli_invocation *invocation, json_t *result)
{
    cli_print_object(invocation, result, demo_columns);
    if (generated_password[0])
        fprintf(stderr, "administrator: admin, password: %s (shown once: keep it safe)\n",
                generated_password);
}

static int run_demo(cli_invocation *invocation)
{
    return cli_run(invocation, call_demo, print_demo);
}

static const cli_option demo_options_list[] = {
    {"seed", "N", "the seed of every random choice (default 1): one seed, one database"},
    {"scale", "K", "multiply volumes and figures by K (1 to 10000, default 1)"},
    {"through", "DATE", "stop after this day (2003-01-01 to 2004-03-31, the default)"},
    {0}};

static const cli_command demo_commands[] = {
    {.noun = "demo", .run = run_demo, .options = demo_options_list,
     .summary = "build the demo company's fifteen months of operations into a fresh database"},
    {0},
};

const cli_module cli_module_demo = {
    .name = "demo", .area = AREA_ADMINISTRATION, .commands = demo_commands};
