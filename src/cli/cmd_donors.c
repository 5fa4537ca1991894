/*
 * cmd_donors.c - donors, deferrals and eligibility from the command line:
 *   bloodops donor register --family-name N --given-name N --birth-date D --sex F|M [...]
 *   bloodops donor list [--search TEXT] [--status STATUS]
 *   bloodops donor show NUMBER
 *   bloodops donor update NUMBER [--phone --email --address --home-center]
 *   bloodops donor check NUMBER --procedure P [measurements]   exit 0 eligible or not
 *   bloodops donor defer NUMBER --kind K --reason-code C [--reason TEXT --until DATE]
 *   bloodops donor undefer DEFERRAL_ID --reason TEXT
 *   bloodops donor reasons
 *   bloodops eligibility settings
 *   bloodops eligibility set NAME VALUE
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/measurements.h"
#include "service/donor.h"

static const cli_column donor_columns[] = {
    {"donor_number", "NUMBER"},
    {"family_name", "FAMILY NAME"},
    {"given_name", "GIVEN NAME"},
    {"birth_date", "BORN"},
    {"sex", "SEX"},
    {"abo", "ABO"},
    {"rhd", "RHD"},
    {"home_center", "CENTER"},
    {"status", "STATUS"},
    {"status_reason_code", "REASON"},
    {"next_eligible_on", "MAY GIVE FROM"},
    {"last_donation_on", "LAST DONATION"},
    {0}};
static const cli_column donor_detail_columns[] = {
    {"donor_number", "DONOR NUMBER"},
    {"family_name", "FAMILY NAME"},
    {"given_name", "GIVEN NAME"},
    {"birth_date", "BIRTH DATE"},
    {"sex", "SEX"},
    {"abo", "ABO"},
    {"rhd", "RHD"},
    {"phone", "PHONE"},
    {"email", "EMAIL"},
    {"address", "ADDRESS"},
    {"identity_document", "IDENTITY DOCUMENT"},
    {"home_center", "HOME CENTER"},
    {"created_at", "REGISTERED"},
    {"updated_at", "UPDATED"},
    {0}};
static const cli_column donor_history_columns[] = {
    {"donor_number", "DONOR NUMBER"},
    {"family_name", "FAMILY NAME"},
    {"given_name", "GIVEN NAME"},
    {"birth_date", "BIRTH DATE"},
    {"sex", "SEX"},
    {"abo", "ABO"},
    {"rhd", "RHD"},
    {"phone", "PHONE"},
    {"email", "EMAIL"},
    {"address", "ADDRESS"},
    {"identity_document", "IDENTITY DOCUMENT"},
    {"home_center", "HOME CENTER"},
    {"status", "STATUS"},
    {"status_reason_code", "STATUS REASON"},
    {"deferred_until", "DEFERRED UNTIL"},
    {"next_eligible_on", "MAY GIVE FROM"},
    {"last_donation_on", "LAST DONATION"},
    {"last_donation_procedure", "LAST PROCEDURE"},
    {"created_at", "REGISTERED"},
    {"updated_at", "UPDATED"},
    {0}};
static const cli_column group_columns[] = {
    {"din", "DIN"}, {"abo", "ABO"}, {"rhd", "RHD"}, {"tested_on", "TESTED"}, {0}};
static const cli_column deferral_columns[] = {
    {"id", "ID"},           {"kind", "KIND"},         {"reason_code", "CODE"},
    {"starts_on", "FROM"},  {"until", "UNTIL"},       {"source", "SOURCE"},
    {"in_force", "IN FORCE"}, {"ended_at", "ENDED"},  {"reason", "REASON"},
    {0}};
static const cli_column deferral_detail_columns[] = {
    {"id", "ID"},
    {"donor_number", "DONOR NUMBER"},
    {"kind", "KIND"},
    {"reason_code", "REASON CODE"},
    {"reason", "REASON"},
    {"starts_on", "FROM"},
    {"until", "UNTIL"},
    {"source", "SOURCE"},
    {"din", "DIN"},
    {"in_force", "IN FORCE"},
    {"created_by", "DEFERRED BY"},
    {"created_at", "DEFERRED AT"},
    {"ended_at", "ENDED AT"},
    {"ended_by", "ENDED BY"},
    {"end_reason", "END REASON"},
    {0}};
static const cli_column collection_columns[] = {
    {"din", "DIN"}, {"procedure", "PROCEDURE"}, {"collected_at", "COLLECTED"},
    {"center", "CENTER"}, {0}};
static const cli_column failure_columns[] = {
    {"rule", "RULE"}, {"field", "FIELD"}, {"eligible_from", "ELIGIBLE FROM"},
    {"reason", "REASON"}, {0}};
static const cli_column reason_columns[] = {
    {"code", "CODE"}, {"description", "DESCRIPTION"}, {0}};
static const cli_column setting_columns[] = {
    {"name", "NAME"}, {"value", "VALUE"}, {"default", "DEFAULT"}, {"min", "MIN"},
    {"max", "MAX"}, {"description", "DESCRIPTION"}, {0}};

static const char *opt(const cli_invocation *invocation, const char *name)
{
    return cli_option_value(invocation, name);
}

/* --- donors ---------------------------------------------------------------- */

static void print_donor(const cli_invocation *invocation, json_t *donor)
{
    cli_print_object(invocation, donor, donor_detail_columns);
}

/* A donor and, in a table, its blood groups, deferrals and collections. */
static void print_donor_history(const cli_invocation *invocation, json_t *donor)
{
    cli_print_object(invocation, donor, donor_history_columns);
    if (invocation->format != OUTPUT_TABLE)
        return;
    printf("\nBLOOD GROUPS\n");
    cli_print_list(invocation, json_object_get(donor, "blood_groups"), group_columns);
    printf("\nDEFERRALS\n");
    cli_print_list_in_zone(invocation, json_object_get(donor, "deferrals"), deferral_columns,
                           json_string_value(json_object_get(donor, "time_zone")));
    printf("\nRECENT COLLECTIONS\n");
    cli_print_list(invocation, json_object_get(donor, "collections"), collection_columns);
}

static int call_register(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    donor_fields f = {
        .family_name = opt(invocation, "family-name"),
        .given_name = opt(invocation, "given-name"),
        .birth_date = opt(invocation, "birth-date"),
        .sex = opt(invocation, "sex"),
        .phone = opt(invocation, "phone"),
        .email = opt(invocation, "email"),
        .address = opt(invocation, "address"),
        .identity_document = opt(invocation, "identity-document"),
        .home_center = opt(invocation, "home-center"),
        .donor_number = opt(invocation, "donor-number"),
    };
    return donor_register(ctx, &f, out, e);
}

static int run_register(cli_invocation *invocation)
{
    return cli_run(invocation, call_register, print_donor);
}

static int call_list(service_context *ctx, const void *filter, service_page *page, json_t **out,
                     err *e)
{
    donor_filter copy = *(const donor_filter *)filter;
    copy.page = *page;
    return donor_list(ctx, &copy, out, e);
}

static int run_list(cli_invocation *invocation)
{
    donor_filter filter = {.search = opt(invocation, "search"),
                           .status = opt(invocation, "status")};
    return cli_print_all_pages(invocation, call_list, &filter, 0, donor_columns);
}

static int call_show(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return donor_get(ctx, invocation->positional[0], out, e);
}

static int run_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_show, print_donor_history);
}

static int call_update(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    donor_fields f = {.phone = opt(invocation, "phone"),
                      .email = opt(invocation, "email"),
                      .address = opt(invocation, "address"),
                      .home_center = opt(invocation, "home-center")};
    return donor_update(ctx, invocation->positional[0], &f, out, e);
}

static int run_update(cli_invocation *invocation)
{
    return cli_run(invocation, call_update, print_donor);
}

/* --- eligibility ----------------------------------------------------------- */

static void print_check(const cli_invocation *invocation, json_t *check)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, check, NULL);
        return;
    }
    if (invocation->format == OUTPUT_TABLE) {
        const char *number = json_string_value(json_object_get(check, "donor_number"));
        const char *procedure = json_string_value(json_object_get(check, "procedure"));
        const char *on = json_string_value(json_object_get(check, "on"));
        const char *from = json_string_value(json_object_get(check, "eligible_from"));
        const char *scope = json_string_value(json_object_get(check, "scope"));
        if (json_is_true(json_object_get(check, "eligible"))) {
            if (scope && strcmp(scope, "donor") == 0)
                printf("%s may give %s on %s as far as deferrals, age and intervals go; the "
                       "measurements are still to be taken\n",
                       number, procedure, on);
            else
                printf("%s is eligible for %s on %s\n", number, procedure, on);
            return;
        }
        if (from)
            printf("%s is not eligible for %s on %s; eligible from %s\n\n", number, procedure,
                   on, from);
        else
            printf("%s is not eligible for %s on %s; waiting alone does not make them eligible\n\n",
                   number, procedure, on);
    }
    cli_print_list(invocation, json_object_get(check, "failures"), failure_columns);
}

void cli_measurements(const cli_invocation *invocation, eligibility_request *out)
{
    out->procedure = cli_option_value(invocation, "procedure");
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        const char *value = cli_option_value(invocation, f->option);
        /* A flag given means yes. */
        out->measurements[i] = f->value_name ? value : value ? "yes" : NULL;
    }
}

static int call_check(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    eligibility_request r = {.on = opt(invocation, "on"), .scope = opt(invocation, "scope")};
    cli_measurements(invocation, &r);
    return donor_eligibility(ctx, invocation->positional[0], &r, out, e);
}

static int run_check(cli_invocation *invocation)
{
    return cli_run(invocation, call_check, print_check);
}

/* --- deferrals --------------------------------------------------------------- */

static void print_deferral(const cli_invocation *invocation, json_t *deferral)
{
    cli_print_object(invocation, deferral, deferral_detail_columns);
}

static int call_defer(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    deferral_request r = {.kind = opt(invocation, "kind"),
                          .reason_code = opt(invocation, "reason-code"),
                          .reason = opt(invocation, "reason"),
                          .until = opt(invocation, "until")};
    return donor_defer(ctx, invocation->positional[0], &r, out, e);
}

static int run_defer(cli_invocation *invocation)
{
    return cli_run(invocation, call_defer, print_deferral);
}

static int call_undefer(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return donor_deferral_end(ctx, invocation->positional[0], opt(invocation, "reason"), out, e);
}

static int run_undefer(cli_invocation *invocation)
{
    return cli_run(invocation, call_undefer, print_deferral);
}

static void print_reasons(const cli_invocation *invocation, json_t *result)
{
    cli_print_list(invocation, json_object_get(result, "items"), reason_columns);
}

static int call_reasons(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return donor_deferral_reasons_list(ctx, out, e);
}

static int run_reasons(cli_invocation *invocation)
{
    return cli_run(invocation, call_reasons, print_reasons);
}

/* --- settings ------------------------------------------------------------------ */

static void print_settings(const cli_invocation *invocation, json_t *result)
{
    cli_print_list(invocation, json_object_get(result, "items"), setting_columns);
}

static void print_setting(const cli_invocation *invocation, json_t *setting)
{
    cli_print_object(invocation, setting, setting_columns);
}

static int call_settings(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    (void)invocation;
    return eligibility_settings_list(ctx, out, e);
}

static int run_settings(cli_invocation *invocation)
{
    return cli_run(invocation, call_settings, print_settings);
}

static int call_set(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return eligibility_setting_set(ctx, invocation->positional[0], invocation->positional[1], out,
                                   e);
}

static int run_set(cli_invocation *invocation)
{
    return cli_run(invocation, call_set, print_setting);
}

static const cli_option register_options[] = {
    {"family-name", "NAME", "family name (required)"},
    {"given-name", "NAME", "given name (required)"},
    {"birth-date", "DATE", "birth date, YYYY-MM-DD (required)"},
    {"sex", "F|M", "sex (required)"},
    {"phone", "PHONE", "telephone number"},
    {"email", "EMAIL", "e-mail address"},
    {"address", "TEXT", "postal address"},
    {"identity-document", "TYPE:NUMBER", "identity document, e.g. passport:X1234567"},
    {"home-center", "CODE", "the donor's home center"},
    {"donor-number", "NUMBER", "D and seven digits (default: the next free number)"},
    {0}};
static const cli_option list_options[] = {
    {"search", "TEXT", "donor number or name contains TEXT, or birth date is TEXT (YYYY-MM-DD)"},
    {"status", "STATUS",
     "eligible, deferred (any kind), deferred_temporary, deferred_indefinite or "
     "deferred_permanent"},
    {0}};
static const cli_option update_options[] = {
    {"phone", "PHONE", "telephone number (\"\" clears it)"},
    {"email", "EMAIL", "e-mail address (\"\" clears it)"},
    {"address", "TEXT", "postal address (\"\" clears it)"},
    {"home-center", "CODE", "home center (\"\" clears it)"},
    {0}};
static const cli_option check_options[] = {
    CLI_MEASUREMENT_OPTIONS,
    {"on", "DATE", "the day of the donation (default today)"},
    {"scope", "full|donor",
     "full (default): every rule; donor: only deferrals, age and intervals, before anything is "
     "measured"},
    {0}};
static const cli_option defer_options[] = {
    {"kind", "KIND", "temporary, indefinite or permanent"},
    {"reason-code", "CODE", "a deferral reason code (see: bloodops donor reasons)"},
    {"reason", "TEXT", "why, in words (required with OTHER)"},
    {"until", "DATE", "temporary: the first day the donor may give again"},
    {0}};
static const cli_option undefer_options[] = {
    {"reason", "TEXT", "why the deferral ends (required)"}, {0}};

static const cli_command donors_commands[] = {
    {.noun = "donor", .verb = "register", .run = run_register, .options = register_options,
     .summary = "register a donor (refused when the same person is already registered)",
     .opens_database = 1},
    {.noun = "donor", .verb = "list", .run = run_list, .options = list_options,
     .summary = "list or search donors", .opens_database = 1},
    {.noun = "donor", .verb = "show", .run = run_show, .arguments = "NUMBER", .positional_min = 1,
     .positional_max = 1,
     .summary = "show a donor with blood groups, deferrals and recent collections",
     .opens_database = 1},
    {.noun = "donor", .verb = "update", .run = run_update, .arguments = "NUMBER",
     .positional_min = 1, .positional_max = 1, .options = update_options,
     .summary = "change a donor's contact fields", .opens_database = 1},
    {.noun = "donor", .verb = "check", .run = run_check, .arguments = "NUMBER",
     .positional_min = 1, .positional_max = 1, .options = check_options,
     .summary = "check eligibility for a procedure: prints eligible or every failed rule (exit status 0 either way; 1 only when the check itself fails)",
     .opens_database = 1},
    {.noun = "donor", .verb = "defer", .run = run_defer, .arguments = "NUMBER",
     .positional_min = 1, .positional_max = 1, .options = defer_options,
     .summary = "defer a donor from today", .opens_database = 1},
    {.noun = "donor", .verb = "undefer", .run = run_undefer, .arguments = "DEFERRAL_ID",
     .positional_min = 1, .positional_max = 1, .options = undefer_options,
     .summary = "end a deferral", .opens_database = 1},
    {.noun = "donor", .verb = "reasons", .run = run_reasons,
     .summary = "list the deferral reason codes", .opens_database = 1},
    {.noun = "eligibility", .verb = "settings", .run = run_settings,
     .summary = "list the eligibility thresholds in force", .opens_database = 1},
    {.noun = "eligibility", .verb = "set", .run = run_set, .arguments = "NAME VALUE",
     .positional_min = 2, .positional_max = 2,
     .summary = "set an eligibility threshold (administrators)", .opens_database = 1},
    {0},
};

const cli_module cli_module_donors = {
    .name = "donors", .area = AREA_DONORS, .commands = donors_commands};
