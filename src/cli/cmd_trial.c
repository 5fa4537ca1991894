/*
 * cmd_trial.c - clinical-trial site services from the command line
 * (docs/contract_services.md, "Clinical-trial site services"):
 *   bloodops trial contract add --sponsor CODE --device TEXT --start DATE --end DATE
 *                               --cap DOLLARS [--protocols TEXT] [--market CODE]
 *   bloodops trial contract show CONTRACT
 *   bloodops trial contract list
 *   bloodops trial fee CONTRACT --kind setup|verification|training|procedure --price DOLLARS
 *   bloodops trial site add CONTRACT --name TEXT --country US|CA --city TEXT
 *                           --investigator TEXT [--market CODE]
 *   bloodops trial site show SITE
 *   bloodops trial task SITE --kind setup|verification|training --date DATE
 *                           [--signer USER] [--password-stdin]
 *   bloodops trial train SITE --person TEXT --role investigator|nurse --date DATE
 *                           --trainer TEXT [--topic TEXT]
 *   bloodops trial procedure SITE --procedure ID
 *   bloodops trial board CONTRACT [--country US|CA] [--status STATUS]
 */
#include <stdio.h>
#include "cli/cli.h"
#include "service/trial.h"

static const cli_column contract_columns[] = {
    {"id", "CONTRACT"}, {"sponsor", "SPONSOR"},  {"device", "DEVICE"},
    {"market", "MARKET"}, {"start", "START"},    {"end", "END"},
    {"cap", "CAP", CLI_MONEY}, {"billed", "BILLED", CLI_MONEY},
    {"headroom", "HEADROOM", CLI_MONEY}, {"site_count", "SITES"}, {0}};
static const cli_column fee_columns[] = {
    {"kind", "KIND"}, {"price", "FEE", CLI_MONEY}, {"set_by", "SET BY"}, {0}};
static const cli_column site_columns[] = {
    {"id", "SITE"}, {"name", "NAME"}, {"country", "COUNTRY"}, {"city", "CITY"},
    {"investigator", "INVESTIGATOR"}, {"market", "MARKET"}, {"status", "STATUS"},
    {"lacks", "LACKS"}, {"billed", "BILLED", CLI_MONEY}, {0}};
static const cli_column bill_columns[] = {
    {"id", "BILL"}, {"site", "SITE"}, {"kind", "KIND"}, {"procedure", "PROCEDURE"},
    {"date", "DATE"}, {"price", "FEE", CLI_MONEY}, {"amount", "BILLED", CLI_MONEY},
    {"invoice", "INVOICE"}, {"note", "NOTE"}, {0}};
static const cli_column task_columns[] = {
    {"kind", "TASK"}, {"date", "DONE"}, {"signed_by", "SIGNED BY"}, {"signed_at", "SIGNED AT"},
    {"billed", "BILLED", CLI_MONEY}, {"note", "NOTE"}, {0}};
static const cli_column training_columns[] = {
    {"date", "DATE"}, {"person", "PERSON"}, {"role", "ROLE"}, {"trainer", "TRAINER"},
    {"topic", "TOPIC"}, {0}};

/* The object, then each of its lists under a heading. */
static void print_with_lists(const cli_invocation *invocation, json_t *object,
                             const cli_column *columns, const char *const *keys,
                             const char *const *headings, const cli_column *const *list_columns)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, object, invocation->format == OUTPUT_JSON ? NULL : columns);
        return;
    }
    cli_print_object(invocation, object, columns);
    for (int i = 0; keys[i]; i++)
        if (json_array_size(json_object_get(object, keys[i]))) {
            printf("\n%s\n", headings[i]);
            cli_print_list(invocation, json_object_get(object, keys[i]), list_columns[i]);
        }
}

static void print_contract(const cli_invocation *invocation, json_t *contract)
{
    static const char *const keys[] = {"fees", "sites", "bills", NULL};
    static const char *const headings[] = {"Fees", "Sites", "Billed to the sponsor"};
    static const cli_column *const columns[] = {fee_columns, site_columns, bill_columns};
    print_with_lists(invocation, contract, contract_columns, keys, headings, columns);
}

static void print_site(const cli_invocation *invocation, json_t *site)
{
    static const char *const keys[] = {"tasks", "training", "bills", NULL};
    static const char *const headings[] = {"Signed-off tasks", "Training log",
                                           "Billed to the sponsor"};
    static const cli_column *const columns[] = {task_columns, training_columns, bill_columns};
    print_with_lists(invocation, site, site_columns, keys, headings, columns);
}

static void print_board(const cli_invocation *invocation, json_t *board)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, board, NULL);
        return;
    }
    if (invocation->format == OUTPUT_TABLE) {
        cli_print_object(invocation, board, contract_columns);
        printf("\n");
    }
    cli_print_list(invocation, json_object_get(board, "sites"), site_columns);
}

/* `add` commands print the new id alone, for scripts. */
static void print_id(const cli_invocation *invocation, json_t *record)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(record, "id")));
    else
        cli_print_object(invocation, record, NULL);
}

static void print_list(const cli_invocation *invocation, json_t *list)
{
    cli_print_list(invocation, json_object_get(list, "items"), contract_columns);
}

static int call_contract_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    trial_contract_input in = {.sponsor = cli_option_value(invocation, "sponsor"),
                               .device = cli_option_value(invocation, "device"),
                               .protocols = cli_option_value(invocation, "protocols"),
                               .market = cli_option_value(invocation, "market"),
                               .start = cli_option_value(invocation, "start"),
                               .end = cli_option_value(invocation, "end"),
                               .cap = cli_option_value(invocation, "cap")};
    return trial_contract_add(ctx, &in, out, e);
}

static int call_contract_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    return trial_contract_get(ctx, invocation->positional[0], out, e);
}

static int call_contract_list(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    (void)invocation;
    return trial_contract_list(ctx, out, e);
}

static int call_fee(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return trial_fee_set(ctx, invocation->positional[0], cli_option_value(invocation, "kind"),
                         cli_option_value(invocation, "price"), out, e);
}

static int call_site_add(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    trial_site_input in = {.name = cli_option_value(invocation, "name"),
                           .country = cli_option_value(invocation, "country"),
                           .city = cli_option_value(invocation, "city"),
                           .investigator = cli_option_value(invocation, "investigator"),
                           .market = cli_option_value(invocation, "market")};
    return trial_site_add(ctx, invocation->positional[0], &in, out, e);
}

static int call_site_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return trial_site_get(ctx, invocation->positional[0], out, e);
}

static int call_task(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    char typed[256];
    return trial_task_sign(ctx, invocation->positional[0], cli_option_value(invocation, "kind"),
                           cli_option_value(invocation, "date"),
                           cli_option_value(invocation, "signer"),
                           cli_read_password(invocation, typed, sizeof typed), out, e);
}

static int call_train(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    trial_training_input in = {.person = cli_option_value(invocation, "person"),
                               .role = cli_option_value(invocation, "role"),
                               .date = cli_option_value(invocation, "date"),
                               .trainer = cli_option_value(invocation, "trainer"),
                               .topic = cli_option_value(invocation, "topic")};
    return trial_train(ctx, invocation->positional[0], &in, out, e);
}

static int call_procedure(service_context *ctx, cli_invocation *invocation, json_t **out,
                          err *e)
{
    return trial_procedure_link(ctx, invocation->positional[0],
                                cli_option_value(invocation, "procedure"), out, e);
}

static int call_board(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return trial_board(ctx, invocation->positional[0], cli_option_value(invocation, "country"),
                       cli_option_value(invocation, "status"), out, e);
}

static int run_contract_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_add, print_id);
}
static int run_contract_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_show, print_contract);
}
static int run_contract_list(cli_invocation *invocation)
{
    return cli_run(invocation, call_contract_list, print_list);
}
static int run_fee(cli_invocation *invocation)
{
    return cli_run(invocation, call_fee, print_contract);
}
static int run_site_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_site_add, print_id);
}
static int run_site_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_site_show, print_site);
}
static int run_task(cli_invocation *invocation)
{
    return cli_run(invocation, call_task, print_site);
}
static int run_train(cli_invocation *invocation)
{
    return cli_run(invocation, call_train, print_site);
}
static int run_procedure(cli_invocation *invocation)
{
    return cli_run(invocation, call_procedure, print_site);
}
static int run_board(cli_invocation *invocation)
{
    return cli_run(invocation, call_board, print_board);
}

static const cli_option contract_add_options[] = {
    {"sponsor", "CODE", "the sponsor billed: a billing customer's code"},
    {"device", "TEXT", "the device under trial"},
    {"protocols", "TEXT", "the protocol numbers, comma-separated"},
    {"market", "CODE", "the market its revenue goes to (default: the sponsor's)"},
    {"start", "DATE", "the contract's first day"},
    {"end", "DATE", "its last day: nothing is billed after it"},
    {"cap", "DOLLARS", "the most the sponsor is billed over the contract"},
    {0}};
static const cli_option fee_options[] = {
    {"kind", "setup|verification|training|procedure", "what the fee is for"},
    {"price", "DOLLARS", "the fee, zero or more"},
    {0}};
static const cli_option site_add_options[] = {
    {"name", "TEXT", "the site's name"},
    {"country", "US|CA", "the site's country"},
    {"city", "TEXT", "the site's city"},
    {"investigator", "TEXT", "the principal investigator"},
    {"market", "CODE", "the market serving the site (default: the contract's)"},
    {0}};
static const cli_option task_options[] = {
    {"kind", "setup|verification|training", "the task signed off"},
    {"date", "DATE", "the day it was done"},
    {"signer", "USER", "the user who signs; the password is re-entered"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option train_options[] = {
    {"person", "TEXT", "who was trained"},
    {"role", "investigator|nurse", "their role at the site"},
    {"date", "DATE", "the day of the training"},
    {"trainer", "TEXT", "who trained them"},
    {"topic", "TEXT", "what the training covered"},
    {0}};
static const cli_option procedure_options[] = {
    {"procedure", "ID", "a signed apheresis procedure done at the site for the trial"},
    {0}};
static const cli_option board_options[] = {
    {"country", "US|CA", "only the sites of one country"},
    {"status", "STATUS", "planned, setting_up, verified, ready, active or closed"},
    {0}};

static const cli_command trial_commands[] = {
    {.noun = "trial", .verb = "contract add", .run = run_contract_add,
     .options = contract_add_options, .summary = "a sponsor's trial contract; prints its id",
     .opens_database = 1},
    {.noun = "trial", .verb = "contract show", .run = run_contract_show, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1,
     .summary = "a contract: billed, cap, headroom, fees, sites and bills", .opens_database = 1},
    {.noun = "trial", .verb = "contract list", .run = run_contract_list,
     .summary = "trial contracts with billed, cap and headroom", .opens_database = 1},
    {.noun = "trial", .verb = "fee", .run = run_fee, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = fee_options,
     .summary = "set the contract's fee of a kind of work", .opens_database = 1},
    {.noun = "trial", .verb = "site add", .run = run_site_add, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = site_add_options,
     .summary = "a site of a contract; prints its id", .opens_database = 1},
    {.noun = "trial", .verb = "site show", .run = run_site_show, .arguments = "SITE",
     .positional_min = 1, .positional_max = 1,
     .summary = "a site with its tasks, training log and bills", .opens_database = 1},
    {.noun = "trial", .verb = "task", .run = run_task, .arguments = "SITE", .positional_min = 1,
     .positional_max = 1, .options = task_options,
     .summary = "sign off a site's task (electronic signature); bills its fee under the cap",
     .opens_database = 1},
    {.noun = "trial", .verb = "train", .run = run_train, .arguments = "SITE",
     .positional_min = 1, .positional_max = 1, .options = train_options,
     .summary = "log a training of the site's investigator or nurse", .opens_database = 1},
    {.noun = "trial", .verb = "procedure", .run = run_procedure, .arguments = "SITE",
     .positional_min = 1, .positional_max = 1, .options = procedure_options,
     .summary = "link an investigational apheresis procedure; bills its fee under the cap",
     .opens_database = 1},
    {.noun = "trial", .verb = "board", .run = run_board, .arguments = "CONTRACT",
     .positional_min = 1, .positional_max = 1, .options = board_options,
     .summary = "the readiness board: each site and what it still lacks", .opens_database = 1},
    {0},
};

const cli_module cli_module_trial = {
    .name = "trial", .area = AREA_SERVICES, .commands = trial_commands};
