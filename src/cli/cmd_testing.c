/*
 * cmd_testing.c - laboratory results, release and lookback from the
 * command line (docs/testing.md):
 *   bloodops results import FILE.csv     all or nothing, problems as FILE:LINE: field: message
 *   bloodops results panel
 *   bloodops results require TEST yes|no
 *   bloodops results show DIN            a donation's results with their amendments
 *   bloodops results amend ID --result VALUE --reason TEXT --user NAME
 *   bloodops discrepancy list [--status unresolved|resolved|all|STATUS]
 *   bloodops discrepancy show ID
 *   bloodops discrepancy confirm ID --abo A --rhd POS [--update-donor-group] --user NAME
 *   bloodops discrepancy release ID --user NAME [--meaning TEXT]
 *   bloodops discrepancy discard ID --reason TEXT
 *       (a signature's password read as release sign reads it)
 *   bloodops release queue [--center CODE]
 *   bloodops release sign --unit ID[,ID...] --user NAME [--meaning TEXT]
 *       the password from BLOODOPS_SIGNATURE_PASSWORD, BLOODOPS_PASSWORD,
 *       --password-stdin, or standard input when it is not a terminal
 *   bloodops lookback list [--status open|closed]
 *   bloodops lookback show ID
 *   bloodops lookback report ID [--format text|html|json|csv] [--output FILE[.pdf]]
 *   bloodops lookback step ID --step quarantine|notice|followup [--done-on DATE] [--result TEXT]
 *   bloodops lookback close ID --reason TEXT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/document_output.h"
#include "cli/import_file.h"
#include "service/lookback.h"
#include "service/testing.h"

static const cli_column panel_columns[] = {{"test", "TEST"},
                                           {"kind", "KIND"},
                                           {"marker", "MARKER"},
                                           {"required", "REQUIRED"},
                                           {"description", "DESCRIPTION"},
                                           {0}};
static const cli_column queue_columns[] = {
    {"unit_id", "UNIT"},       {"din", "DIN"},       {"product_code", "PRODUCT"},
    {"division", "DIV"},       {"center", "CENTER"}, {"abo", "ABO"},
    {"rhd", "RHD"},            {"expires_at", "EXPIRES"}, {"state", "STATE"},
    {"missing", "MISSING"},    {"problems", "PROBLEMS"}, {0}};
static const cli_column released_columns[] = {{"unit_id", "UNIT"},
                                              {"din", "DIN"},
                                              {"product_code", "PRODUCT"},
                                              {"division", "DIV"},
                                              {"status", "STATUS"},
                                              {"released_at", "RELEASED"},
                                              {0}};
static const cli_column case_list_columns[] = {
    {"id", "CASE"},         {"status", "STATUS"},     {"donor_number", "DONOR"},
    {"marker", "MARKER"},   {"test", "TEST"},         {"trigger_din", "TRIGGER DIN"},
    {"opened_on", "OPENED"}, {"next_due", "NEXT DUE"}, {"overdue", "OVERDUE"},
    {0}};
static const cli_column case_columns[] = {{"id", "CASE"},
                                          {"status", "STATUS"},
                                          {"donor_number", "DONOR"},
                                          {"marker", "MARKER"},
                                          {"test", "TEST"},
                                          {"trigger_din", "TRIGGER DIN"},
                                          {"window_start", "WINDOW FROM"},
                                          {"window_end", "WINDOW TO (EXCLUDED)"},
                                          {"opened_on", "OPENED"},
                                          {"followup_result", "FOLLOW-UP RESULT"},
                                          {"closed_at", "CLOSED"},
                                          {"closed_by", "CLOSED BY"},
                                          {"close_reason", "CLOSE REASON"},
                                          {"hospitals", "HOSPITALS"},
                                          {0}};
static const cli_column deadline_columns[] = {
    {"step", "STEP"}, {"due", "DUE"}, {"done_on", "DONE"}, {"overdue", "OVERDUE"}, {0}};
static const cli_column traced_columns[] = {{"unit_id", "UNIT"},
                                            {"din", "DIN"},
                                            {"product_code", "PRODUCT"},
                                            {"division", "DIV"},
                                            {"status_at_trace", "AT TRACE"},
                                            {"status", "NOW"},
                                            {"action", "ACTION"},
                                            {"hospital", "HOSPITAL"},
                                            {0}};

/* --- results ------------------------------------------------------------------- */

static int call_results_import(service_context *ctx, FILE *csv, const char *path, void *arg,
                               json_t **out, err *e)
{
    (void)arg;
    return testing_results_import(ctx, csv, path, out, e);
}

static void print_names(const char *label, json_t *list)
{
    if (json_array_size(list) == 0)
        return;
    printf("%s:", label);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_is_integer(item))
            printf(" %" JSON_INTEGER_FORMAT, json_integer_value(item));
        else
            printf(" %s", json_string_value(item));
    }
    putchar('\n');
}

static int run_results_import(cli_invocation *invocation)
{
    json_t *result;
    if (cli_import_file(invocation, call_results_import, NULL, &result))
        return CLI_FAILED;
    if (invocation->format == OUTPUT_TABLE) {
        json_int_t donations = json_integer_value(json_object_get(result, "donations"));
        printf("imported %" JSON_INTEGER_FORMAT " results for %" JSON_INTEGER_FORMAT
               " donation%s from %s\n",
               json_integer_value(json_object_get(result, "imported")), donations,
               donations == 1 ? "" : "s", invocation->positional[0]);
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(result, "discrepancies"), i, d)
            printf("discrepancy: DIN %s of donor %s: donor history %s, donation %s (units held)\n",
                   json_string_value(json_object_get(d, "din")),
                   json_string_value(json_object_get(d, "donor_number")),
                   json_string_value(json_object_get(d, "donor_group")),
                   json_string_value(json_object_get(d, "donation_group")));
        print_names("held (antibody screen positive)", json_object_get(result, "held"));
        print_names("discarded (reactive)", json_object_get(result, "discarded"));
        print_names("deferred donors", json_object_get(result, "deferred"));
        print_names("lookback cases opened", json_object_get(result, "lookback_cases"));
    } else {
        cli_print_object(invocation, result, (const cli_column[]){{"imported", "IMPORTED"},
                                                                  {"donations", "DONATIONS"},
                                                                  {"file_sha256", "SHA256"},
                                                                  {"discarded", "DISCARDED"},
                                                                  {"deferred", "DEFERRED"},
                                                                  {"lookback_cases", "CASES"},
                                                                  {0}});
    }
    json_decref(result);
    return CLI_OK;
}

static int call_panel_list(service_context *ctx, cli_invocation *invocation, json_t **out,
                           err *e)
{
    (void)invocation;
    return testing_panel_list(ctx, out, e);
}

static void print_panel(const cli_invocation *invocation, json_t *result)
{
    cli_print_list(invocation, json_object_get(result, "items"), panel_columns);
}

static int run_results_panel(cli_invocation *invocation)
{
    return cli_run(invocation, call_panel_list, print_panel);
}

static int call_panel_require(service_context *ctx, const void *input, json_t **out, err *e)
{
    const char *const *arguments = input;
    return testing_panel_require(ctx, arguments[0], arguments[1], out, e);
}

static int run_results_require(cli_invocation *invocation)
{
    return cli_print_one(invocation, call_panel_require, invocation->positional, panel_columns);
}

/* --- release ------------------------------------------------------------------------ */

static int call_release_queue(service_context *ctx, const void *filter, service_page *page,
                              json_t **out, err *e)
{
    testing_queue_filter copy = *(const testing_queue_filter *)filter;
    copy.page = *page;
    return testing_release_queue(ctx, &copy, out, e);
}

static int run_release_queue(cli_invocation *invocation)
{
    testing_queue_filter filter = {.center = cli_option_value(invocation, "center"),
                                   .group = cli_option_value(invocation, "group")};
    return cli_print_all_pages(invocation, call_release_queue, &filter, 0, queue_columns);
}

/* The signer's password: BLOODOPS_SIGNATURE_PASSWORD, else as period close
 * takes it (BLOODOPS_PASSWORD, --password-stdin), else the first line of
 * standard input when it is not a terminal. */
static const char *signature_password(const cli_invocation *invocation, char *line, size_t size)
{
    const char *password = getenv("BLOODOPS_SIGNATURE_PASSWORD");
    if (password && *password)
        return password;
    if ((password = cli_read_password(invocation, line, size)) != NULL || isatty(STDIN_FILENO))
        return password;
    if (!fgets(line, (int)size, stdin))
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

static int call_release_sign(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    const char *listed = cli_option_value(invocation, "unit");
    if (!listed || !*listed)
        return err_set(e, ERR_INVALID, "units", "is required: the ids of the units, comma-separated");
    char *copy = strdup(listed), *next = copy, *id;
    if (!copy)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    const char *ids[TESTING_RELEASE_UNITS_MAX + 1];
    size_t count = 0;
    while ((id = strsep(&next, ",")) != NULL && count <= TESTING_RELEASE_UNITS_MAX)
        ids[count++] = id;
    char typed[256];
    testing_release_request request = {
        .units = ids,
        .unit_count = count,
        .username = cli_option_value(invocation, "user"),
        .password = signature_password(invocation, typed, sizeof typed),
        .meaning = cli_option_value(invocation, "meaning"),
    };
    int rc = testing_release(ctx, &request, out, e);
    free(copy);
    return rc;
}

static void print_release(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    json_t *signature = json_object_get(result, "signature");
    if (invocation->format == OUTPUT_TABLE)
        printf("signature %" JSON_INTEGER_FORMAT " by %s at %s: %s\n",
               json_integer_value(json_object_get(signature, "id")),
               json_string_value(json_object_get(signature, "signed_by")),
               json_string_value(json_object_get(signature, "signed_at")),
               json_string_value(json_object_get(signature, "meaning")));
    cli_print_list(invocation, json_object_get(result, "released"), released_columns);
}

static int run_release_sign(cli_invocation *invocation)
{
    return cli_run(invocation, call_release_sign, print_release);
}

/* --- amendments and discrepancies ------------------------------------------------------- */

static const cli_column result_columns[] = {
    {"id", "ID"},       {"test", "TEST"},           {"result", "RESULT"},
    {"original_result", "ORIGINAL"}, {"tested_on", "TESTED"}, {"amended", "AMENDED"},
    {0}};
static const cli_column amendment_columns[] = {
    {"id", "AMENDMENT"},   {"previous_result", "FROM"}, {"result", "TO"},
    {"reason", "REASON"},  {"signed_by", "SIGNED BY"},  {"amended_at", "AT"},
    {0}};
static const cli_column unit_state_columns[] = {
    {"unit_id", "UNIT"},   {"product_code", "PRODUCT"}, {"division", "DIV"},
    {"status_before", "WAS"}, {"status", "STATUS"},     {"state", "RELEASE"},
    {"hold", "HOLD"},      {"problems", "PROBLEMS"},    {0}};
static const cli_column discrepancy_columns[] = {
    {"id", "ID"},                 {"din", "DIN"},
    {"donor_number", "DONOR"},    {"donor_group", "DONOR GROUP"},
    {"donation_group", "TYPED"},  {"status", "STATUS"},
    {"donor_group_now", "DONOR GROUP NOW"}, {"opened_at", "OPENED"},
    {0}};

static int call_results_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return testing_results_of_donation(ctx, invocation->positional[0], out, e);
}

static void print_results(const cli_invocation *invocation, json_t *result)
{
    json_t *items = json_object_get(result, "items");
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_list(invocation, items, result_columns);
        return;
    }
    printf("DIN %s\n", json_string_value(json_object_get(result, "eye_readable")));
    cli_print_list(invocation, items, result_columns);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (!json_array_size(json_object_get(item, "amendments")))
            continue;
        printf("\namendments of result %" JSON_INTEGER_FORMAT " (%s):\n",
               json_integer_value(json_object_get(item, "id")),
               json_string_value(json_object_get(item, "test")));
        cli_print_list(invocation, json_object_get(item, "amendments"), amendment_columns);
    }
}

static int run_results_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_results_show, print_results);
}

static int call_results_amend(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    char typed[256];
    testing_amend_request request = {
        .result = cli_option_value(invocation, "result"),
        .reason = cli_option_value(invocation, "reason"),
        .username = cli_option_value(invocation, "user"),
        .password = signature_password(invocation, typed, sizeof typed),
    };
    return testing_result_amend(ctx, invocation->positional[0], &request, out, e);
}

static void print_amendment(const cli_invocation *invocation, json_t *result)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, result, NULL);
        return;
    }
    json_t *a = json_object_get(result, "amendment");
    json_t *r = json_object_get(result, "result");
    printf("amendment %" JSON_INTEGER_FORMAT ": %s of DIN %s %s -> %s, signed by %s at %s\n",
           json_integer_value(json_object_get(a, "id")),
           json_string_value(json_object_get(r, "test")),
           json_string_value(json_object_get(r, "eye_readable")),
           json_string_value(json_object_get(a, "previous_result")),
           json_string_value(json_object_get(a, "result")),
           json_string_value(json_object_get(a, "signed_by")),
           json_string_value(json_object_get(a, "amended_at")));
    json_t *effects = json_object_get(result, "effects");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(effects, "discrepancies"), i, item)
        printf("discrepancy: %s (units held)\n", json_string_value(json_object_get(item, "hold")));
    print_names("held", json_object_get(effects, "held"));
    print_names("hold lifted", json_object_get(effects, "unheld"));
    print_names("discarded (reactive)", json_object_get(effects, "discarded"));
    print_names("deferred donors", json_object_get(effects, "deferred"));
    print_names("lookback cases opened", json_object_get(effects, "lookback_cases"));
    json_array_foreach(json_object_get(result, "notes"), i, item)
        printf("note: %s\n", json_string_value(item));
    putchar('\n');
    cli_print_list(invocation, json_object_get(result, "units"), unit_state_columns);
}

static int run_results_amend(cli_invocation *invocation)
{
    return cli_run(invocation, call_results_amend, print_amendment);
}

static int call_discrepancy_list(service_context *ctx, const void *filter, service_page *page,
                                 json_t **out, err *e)
{
    testing_discrepancy_filter copy = *(const testing_discrepancy_filter *)filter;
    copy.page = *page;
    return testing_discrepancy_list(ctx, &copy, out, e);
}

static int run_discrepancy_list(cli_invocation *invocation)
{
    testing_discrepancy_filter filter = {.status = cli_option_value(invocation, "status"),
                                         .center = cli_option_value(invocation, "center"),
                                         .from = cli_option_value(invocation, "from"),
                                         .to = cli_option_value(invocation, "to")};
    return cli_print_all_pages(invocation, call_discrepancy_list, &filter, 0,
                               discrepancy_columns);
}

static void print_discrepancy(const cli_invocation *invocation, json_t *d)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, d, NULL);
        return;
    }
    cli_print_object(invocation, d, discrepancy_columns);
    json_t *c = json_object_get(d, "confirmation");
    if (json_is_object(c))
        printf("confirmation: %s by %s at %s%s\n", json_string_value(json_object_get(c, "group")),
               json_string_value(json_object_get(c, "confirmed_by")),
               json_string_value(json_object_get(c, "confirmed_at")),
               json_is_true(json_object_get(c, "donor_updated")) ? " (donor's group updated)"
                                                                  : "");
    json_t *r = json_object_get(d, "resolution");
    if (json_is_object(r))
        printf("resolution: %s by %s at %s%s%s\n",
               json_string_value(json_object_get(r, "outcome")),
               json_string_value(json_object_get(r, "resolved_by")),
               json_string_value(json_object_get(r, "resolved_at")),
               json_is_string(json_object_get(r, "reason")) ? ": " : "",
               json_is_string(json_object_get(r, "reason"))
                   ? json_string_value(json_object_get(r, "reason"))
                   : "");
    putchar('\n');
    cli_print_list(invocation, json_object_get(d, "units"), unit_state_columns);
}

static int call_discrepancy_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                                 err *e)
{
    return testing_discrepancy_get(ctx, invocation->positional[0], out, e);
}

static int call_discrepancy_confirm(service_context *ctx, cli_invocation *invocation,
                                    json_t **out, err *e)
{
    char typed[256];
    testing_confirmation_request request = {
        .abo = cli_option_value(invocation, "abo"),
        .rhd = cli_option_value(invocation, "rhd"),
        .update_donor = cli_option_value(invocation, "update-donor-group") != NULL,
        .username = cli_option_value(invocation, "user"),
        .password = signature_password(invocation, typed, sizeof typed),
    };
    return testing_discrepancy_confirm(ctx, invocation->positional[0], &request, out, e);
}

static int call_discrepancy_release(service_context *ctx, cli_invocation *invocation,
                                    json_t **out, err *e)
{
    char typed[256];
    testing_discrepancy_release_request request = {
        .username = cli_option_value(invocation, "user"),
        .password = signature_password(invocation, typed, sizeof typed),
        .meaning = cli_option_value(invocation, "meaning"),
    };
    return testing_discrepancy_release(ctx, invocation->positional[0], &request, out, e);
}

static int call_discrepancy_discard(service_context *ctx, cli_invocation *invocation,
                                    json_t **out, err *e)
{
    return testing_discrepancy_discard(ctx, invocation->positional[0],
                                       cli_option_value(invocation, "reason"), out, e);
}

static int run_discrepancy_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_discrepancy_show, print_discrepancy);
}

static int run_discrepancy_confirm(cli_invocation *invocation)
{
    return cli_run(invocation, call_discrepancy_confirm, print_discrepancy);
}

static int run_discrepancy_release(cli_invocation *invocation)
{
    return cli_run(invocation, call_discrepancy_release, print_discrepancy);
}

static int run_discrepancy_discard(cli_invocation *invocation)
{
    return cli_run(invocation, call_discrepancy_discard, print_discrepancy);
}

/* --- lookback ------------------------------------------------------------------------ */

static int call_case_list(service_context *ctx, const void *filter, service_page *page,
                          json_t **out, err *e)
{
    lookback_filter copy = *(const lookback_filter *)filter;
    copy.page = *page;
    return lookback_case_list(ctx, &copy, out, e);
}

static int run_lookback_list(cli_invocation *invocation)
{
    lookback_filter filter = {.status = cli_option_value(invocation, "status")};
    return cli_print_all_pages(invocation, call_case_list, &filter, 0, case_list_columns);
}

/* A case: its fields, then (as a table) its deadlines and traced units. */
static void print_case(const cli_invocation *invocation, json_t *c)
{
    cli_print_object(invocation, c, case_columns);
    if (invocation->format != OUTPUT_TABLE)
        return;
    printf("\n");
    cli_print_list(invocation, json_object_get(c, "deadlines"), deadline_columns);
    printf("\n");
    cli_print_list(invocation, json_object_get(c, "units"), traced_columns);
}

static int call_case_get(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return lookback_case_get(ctx, invocation->positional[0], out, e);
}

static int call_case_step(service_context *ctx, cli_invocation *invocation, json_t **out,
                          err *e)
{
    lookback_step_request step = {cli_option_value(invocation, "step"),
                                  cli_option_value(invocation, "done-on"),
                                  cli_option_value(invocation, "result")};
    return lookback_step_record(ctx, invocation->positional[0], &step, out, e);
}

static int call_case_close(service_context *ctx, cli_invocation *invocation, json_t **out,
                           err *e)
{
    return lookback_case_close(ctx, invocation->positional[0],
                               cli_option_value(invocation, "reason"), out, e);
}

static int run_lookback_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_case_get, print_case);
}

static int run_lookback_step(cli_invocation *invocation)
{
    return cli_run(invocation, call_case_step, print_case);
}

static int run_lookback_close(cli_invocation *invocation)
{
    return cli_run(invocation, call_case_close, print_case);
}

/* The case as JSON, its traced units as CSV. */
static void print_case_data(const cli_invocation *invocation, json_t *c)
{
    if (invocation->format == OUTPUT_JSON)
        cli_print_object(invocation, c, NULL);
    else
        cli_print_list(invocation, json_object_get(c, "units"), traced_columns);
}

static int render_case(service_context *ctx, const char *id, const char *format, buffer *out,
                       err *e)
{
    lookback_report_format chosen;
    return lookback_case_report(ctx, id, format, out, &chosen, e);
}

/* The report as text, HTML or PDF, to standard output or --output FILE
 * (cli/document_output.h); as JSON the case; as CSV its traced units. */
static int run_lookback_report(cli_invocation *invocation)
{
    static const cli_document_command report = {.read = lookback_case_get,
                                                .print = print_case_data,
                                                .render = render_case,
                                                .what = "the report"};
    return cli_document_run(invocation, &report);
}

static const cli_option queue_options[] = {
    {"center", "CODE", "only the units of this donor center"},
    {"group", "GROUP", "only the units of this ABO/RhD: O POS, A NEG..., or untyped"},
    {0}};
static const cli_option sign_options[] = {
    {"unit", "ID[,ID...]", "the units to release (ids, comma-separated)", "units"},
    {"user", "NAME", "the signer (lab or admin), who re-enters the password", "signer"},
    {"meaning", "TEXT", "what the signature means (default: released for distribution)"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option list_options[] = {{"status", "STATUS", "open or closed"}, {0}};
static const cli_option amend_options[] = {
    {"result", "VALUE", "the corrected result, spelled as a results file may spell it"},
    {"reason", "TEXT", "why the result is corrected (required)"},
    {"user", "NAME", "the signer (lab or admin), who re-enters the password"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option discrepancy_list_options[] = {
    {"status", "STATUS",
     "unresolved (default), resolved, all, open, confirmed, released or discarded"},
    {"center", "CODE", "only the donations of this donor center"},
    {"from", "DATE", "opened on or after this day (the center's), YYYY-MM-DD"},
    {"to", "DATE", "opened on or before this day (the center's), YYYY-MM-DD"},
    {0}};
static const cli_option confirm_options[] = {
    {"abo", "GROUP", "the confirmatory typing's ABO group: A, B, AB or O"},
    {"rhd", "TYPE", "the confirmatory typing's RhD type: POS or NEG"},
    {"update-donor-group", NULL, "set the donor's established group to the confirmed one"},
    {"user", "NAME", "the signer (lab or admin), who re-enters the password"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option discrepancy_release_options[] = {
    {"user", "NAME", "the signer (lab or admin), who re-enters the password"},
    {"meaning", "TEXT",
     "what the signature means (default: released for distribution after ABO/RhD confirmation)"},
    {"password-stdin", NULL, "read the signer's password from standard input"},
    {0}};
static const cli_option discrepancy_discard_options[] = {
    {"reason", "TEXT", "why the units are discarded (required)"}, {0}};
static const cli_option step_options[] = {
    {"step", "STEP", "quarantine, notice or followup"},
    {"done-on", "DATE", "the day it was done (default today)"},
    {"result", "TEXT", "the follow-up's result (followup only)"},
    {0}};
static const cli_option close_options[] = {{"reason", "TEXT", "why the case is closed"}, {0}};
static const cli_option report_options[] = {
    {"output", "FILE", "write the report there (FILE.pdf: a PDF, FILE.html: HTML)"}, {0}};

static const cli_command testing_commands[] = {
    {.noun = "results", .verb = "import", .run = run_results_import, .arguments = "FILE.csv",
     .positional_min = 1, .positional_max = 1,
     .summary = "import laboratory results (din,test,result,date), all or nothing",
     .opens_database = 1},
    {.noun = "results", .verb = "panel", .run = run_results_panel,
     .summary = "list the tests of the panel and which are required", .opens_database = 1},
    {.noun = "results", .verb = "require", .run = run_results_require, .arguments = "TEST yes|no",
     .positional_min = 2, .positional_max = 2,
     .summary = "require a test's result before release, or not", .opens_database = 1},
    {.noun = "results", .verb = "show", .run = run_results_show, .arguments = "DIN",
     .positional_min = 1, .positional_max = 1,
     .summary = "a donation's results as they stand, with their amendments", .opens_database = 1},
    {.noun = "results", .verb = "amend", .run = run_results_amend, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = amend_options,
     .summary = "amend a recorded result (reason and electronic signature); the donation is "
                "re-evaluated",
     .opens_database = 1},
    {.noun = "discrepancy", .verb = "list", .run = run_discrepancy_list,
     .options = discrepancy_list_options,
     .summary = "ABO/RhD discrepancies: unresolved by default", .opens_database = 1},
    {.noun = "discrepancy", .verb = "show", .run = run_discrepancy_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "an ABO/RhD discrepancy with the donation's units", .opens_database = 1},
    {.noun = "discrepancy", .verb = "confirm", .run = run_discrepancy_confirm, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = confirm_options,
     .summary = "record the confirmatory typing of a discrepancy (electronic signature)",
     .opens_database = 1},
    {.noun = "discrepancy", .verb = "release", .run = run_discrepancy_release, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = discrepancy_release_options,
     .summary = "release the units of a confirmed discrepancy (electronic signature)",
     .opens_database = 1},
    {.noun = "discrepancy", .verb = "discard", .run = run_discrepancy_discard, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = discrepancy_discard_options,
     .summary = "discard the units of a discrepancy and resolve it", .opens_database = 1},
    {.noun = "release", .verb = "queue", .run = run_release_queue, .options = queue_options,
     .summary = "quarantined units: ready, waiting for results, or blocked", .opens_database = 1},
    {.noun = "release", .verb = "sign", .run = run_release_sign, .options = sign_options,
     .summary = "release units with an electronic signature", .opens_database = 1},
    {.noun = "lookback", .verb = "list", .run = run_lookback_list, .options = list_options,
     .summary = "list lookback cases", .opens_database = 1},
    {.noun = "lookback", .verb = "show", .run = run_lookback_show, .arguments = "ID",
     .positional_min = 1, .positional_max = 1,
     .summary = "show a lookback case: deadlines and traced units", .opens_database = 1},
    {.noun = "lookback", .verb = "report", .run = run_lookback_report, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = report_options,
     .summary = "print a lookback case report",
     .opens_database = 1, .document_formats = CLI_REPORT_FORMATS},
    {.noun = "lookback", .verb = "step", .run = run_lookback_step, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = step_options,
     .summary = "record a step of a lookback case as done", .opens_database = 1},
    {.noun = "lookback", .verb = "close", .run = run_lookback_close, .arguments = "ID",
     .positional_min = 1, .positional_max = 1, .options = close_options,
     .summary = "close a lookback case whose steps are all done", .opens_database = 1},
    {0},
};

const cli_module cli_module_testing = {
    .name = "testing", .area = AREA_LABORATORY, .commands = testing_commands};
