/*
 * cmd_billing.c - billing and receivables from the command line, the
 * interface scripts use (docs/billing.md):
 *   bloodops customer add|list|show|edit
 *   bloodops invoice create|line|unline|edit|delete|issue|show|list
 *   bloodops credit create|list
 *   bloodops payment record|apply|unapply|show|list
 *   bloodops receivables aging
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "service/billing.h"

static const cli_column customer_columns[] = {
    {"code", "CODE"},       {"name", "NAME"},
    {"kind", "KIND"},       {"market", "MARKET"},
    {"billing_terms_days", "TERMS"}, {"billing_address", "BILLING ADDRESS"},
    {"open", "OPEN", CLI_MONEY}, {"unapplied", "UNAPPLIED", CLI_MONEY}, {0}};
/* A list has no balances: `customer show` adds them. */
static const cli_column customer_list_columns[] = {
    {"code", "CODE"}, {"name", "NAME"}, {"kind", "KIND"}, {"market", "MARKET"},
    {"billing_terms_days", "TERMS"}, {"billing_address", "BILLING ADDRESS"}, {0}};
static const cli_column invoice_columns[] = {
    {"id", "ID"},          {"number", "NUMBER"},         {"status", "STATUS"},
    {"customer", "CUSTOMER"}, {"date", "DATE"},          {"due_date", "DUE"},
    {"total", "TOTAL", CLI_MONEY}, {"open", "OPEN", CLI_MONEY}, {0}};
static const cli_column line_columns[] = {
    {"id", "LINE"},          {"source", "SOURCE"},       {"description", "DESCRIPTION"},
    {"quantity", "QUANTITY"}, {"price", "PRICE", CLI_MONEY}, {"amount", "AMOUNT", CLI_MONEY},
    {"account", "ACCOUNT"},  {"center", "CENTER"},       {0}};
static const cli_column credit_columns[] = {
    {"id", "CREDIT"},  {"type", "TYPE"}, {"customer", "CUSTOMER"}, {"invoice", "INVOICE"},
    {"date", "DATE"},  {"amount", "AMOUNT", CLI_MONEY}, {"account", "ACCOUNT"},
    {"reason", "REASON"}, {"journal_entry", "ENTRY"}, {0}};
static const cli_column payment_columns[] = {
    {"id", "PAYMENT"},  {"customer", "CUSTOMER"}, {"date", "DATE"},
    {"amount", "AMOUNT", CLI_MONEY}, {"unapplied", "UNAPPLIED", CLI_MONEY},
    {"method", "METHOD"}, {"reference", "REFERENCE"}, {"journal_entry", "ENTRY"}, {0}};
static const cli_column application_columns[] = {
    {"id", "APPLICATION"}, {"payment", "PAYMENT"}, {"invoice", "INVOICE"}, {"date", "DATE"},
    {"amount", "AMOUNT", CLI_MONEY}, {"undone_date", "UNDONE"}, {"undo_reason", "REASON"}, {0}};
static const cli_column aging_columns[] = {
    {"customer", "CUSTOMER"},      {"document", "DOCUMENT"},
    {"date", "DATE"},              {"due_date", "DUE"},
    {"days", "DAYS"},              {"current", "CURRENT", CLI_MONEY},
    {"1-30", "1-30", CLI_MONEY},   {"31-60", "31-60", CLI_MONEY},
    {"61-90", "61-90", CLI_MONEY}, {"91-120", "91-120", CLI_MONEY},
    {"over-120", "OVER 120", CLI_MONEY}, {"total", "TOTAL", CLI_MONEY}, {0}};

/* --- customers ------------------------------------------------------------ */

static void customer_input_read(const cli_invocation *invocation, customer_input *in)
{
    *in = (customer_input){
        .name = cli_option_value(invocation, "name"),
        .market = cli_option_value(invocation, "market"),
        .billing_address = cli_option_value(invocation, "address"),
        .billing_terms_days = cli_option_value(invocation, "terms"),
    };
}

static void print_customer(const cli_invocation *invocation, json_t *result)
{
    cli_print_object(invocation, result, customer_columns);
}

static int call_customer_add(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    customer_input in;
    customer_input_read(invocation, &in);
    in.code = invocation->positional[0];
    return customer_add(ctx, &in, out, e);
}

static int call_customer_edit(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    customer_input in;
    customer_input_read(invocation, &in);
    return customer_edit(ctx, invocation->positional[0], &in, out, e);
}

static int call_customer_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    return customer_get(ctx, invocation->positional[0], out, e);
}

static int run_customer_add(cli_invocation *invocation)
{
    return cli_run(invocation, call_customer_add, print_customer);
}

static int run_customer_edit(cli_invocation *invocation)
{
    return cli_run(invocation, call_customer_edit, print_customer);
}

static int run_customer_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_customer_show, print_customer);
}

static int call_customer_list(service_context *ctx, const void *filter, service_page *page,
                              json_t **out, err *e)
{
    customer_filter f = *(const customer_filter *)filter;
    f.page = *page;
    return customer_list(ctx, &f, out, e);
}

static int run_customer_list(cli_invocation *invocation)
{
    customer_filter filter = {.search = cli_option_value(invocation, "search")};
    return cli_print_all_pages(invocation, call_customer_list, &filter, 0, customer_list_columns);
}

/* --- invoices -------------------------------------------------------------- */

static void print_invoice(const cli_invocation *invocation, json_t *invoice)
{
    if (invocation->format != OUTPUT_CSV) {
        cli_print_object(invocation, invoice, invoice_columns);
        if (invocation->format == OUTPUT_JSON)
            return;
        printf("\n");
    }
    cli_print_list(invocation, json_object_get(invoice, "lines"), line_columns);
    if (invocation->format == OUTPUT_TABLE) {
        json_t *credits = json_object_get(invoice, "credits");
        json_t *applications = json_object_get(invoice, "applications");
        if (json_array_size(credits)) {
            printf("\nCredits\n");
            cli_print_list(invocation, credits, credit_columns);
        }
        if (json_array_size(applications)) {
            printf("\nPayments applied\n");
            cli_print_list(invocation, applications, application_columns);
        }
    }
}

/* `invoice create` prints the draft's id alone, for scripts. */
static void print_draft_id(const cli_invocation *invocation, json_t *invoice)
{
    if (invocation->format == OUTPUT_TABLE)
        printf("%lld\n", (long long)json_integer_value(json_object_get(invoice, "id")));
    else
        cli_print_object(invocation, invoice, invoice_columns);
}

static int call_invoice_create(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    return invoice_create(ctx, cli_option_value(invocation, "customer"),
                          cli_option_value(invocation, "date"),
                          cli_option_value(invocation, "terms"), out, e);
}

static int call_invoice_line(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    invoice_line_input in = {
        .description = cli_option_value(invocation, "description"),
        .quantity = cli_option_value(invocation, "quantity"),
        .price = cli_option_value(invocation, "price"),
        .account = cli_option_value(invocation, "account"),
        .center = cli_option_value(invocation, "center"),
    };
    return invoice_line_add(ctx, invocation->positional[0], &in, out, e);
}

static int call_invoice_unline(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    return invoice_line_remove(ctx, invocation->positional[0], invocation->positional[1], out, e);
}

static int call_invoice_edit(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return invoice_edit(ctx, invocation->positional[0], cli_option_value(invocation, "date"),
                        cli_option_value(invocation, "terms"), out, e);
}

static int call_invoice_delete(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    return invoice_delete(ctx, invocation->positional[0], out, e);
}

/* `invoice delete` says what went; JSON and CSV print the draft as it was. */
static void print_deleted(const cli_invocation *invocation, json_t *invoice)
{
    if (invocation->format != OUTPUT_TABLE) {
        cli_print_object(invocation, invoice, invoice_columns);
        return;
    }
    size_t lines = json_array_size(json_object_get(invoice, "lines"));
    printf("Draft %lld of %s is deleted, with its %zu line%s (%s).\n",
           (long long)json_integer_value(json_object_get(invoice, "id")),
           json_string_value(json_object_get(invoice, "customer")), lines, lines == 1 ? "" : "s",
           json_string_value(json_object_get(invoice, "total")));
}

static int call_invoice_issue(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    return invoice_issue(ctx, invocation->positional[0], out, e);
}

static int call_invoice_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return invoice_get(ctx, invocation->positional[0], out, e);
}

static int run_invoice_create(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_create, print_draft_id);
}

static int run_invoice_line(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_line, print_invoice);
}

static int run_invoice_unline(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_unline, print_invoice);
}

static int run_invoice_edit(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_edit, print_invoice);
}

static int run_invoice_delete(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_delete, print_deleted);
}

static int run_invoice_issue(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_issue, print_invoice);
}

static int run_invoice_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_invoice_show, print_invoice);
}

static int call_invoice_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    invoice_filter f = *(const invoice_filter *)filter;
    f.page = *page;
    return invoice_list(ctx, &f, out, e);
}

static int run_invoice_list(cli_invocation *invocation)
{
    invoice_filter filter = {
        .status = cli_option_value(invocation, "status"),
        .customer = cli_option_value(invocation, "customer"),
        .from = cli_option_value(invocation, "from"),
        .to = cli_option_value(invocation, "to"),
    };
    return cli_print_all_pages(invocation, call_invoice_list, &filter, 0, invoice_columns);
}

/* --- credits and payments ---------------------------------------------------- */

static int call_credit_create(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    credit_input in = {
        .invoice = cli_option_value(invocation, "invoice"),
        .customer = cli_option_value(invocation, "customer"),
        .date = cli_option_value(invocation, "date"),
        .amount = cli_option_value(invocation, "amount"),
        .reason = cli_option_value(invocation, "reason"),
        .account = cli_option_value(invocation, "account"),
        .center = cli_option_value(invocation, "center"),
    };
    return credit_create(ctx, &in, out, e);
}

static void print_credit(const cli_invocation *invocation, json_t *credit)
{
    cli_print_object(invocation, credit, credit_columns);
}

static int run_credit_create(cli_invocation *invocation)
{
    return cli_run(invocation, call_credit_create, print_credit);
}

static int call_credit_list(service_context *ctx, const void *filter, service_page *page,
                            json_t **out, err *e)
{
    credit_filter f = *(const credit_filter *)filter;
    f.page = *page;
    return credit_list(ctx, &f, out, e);
}

static int run_credit_list(cli_invocation *invocation)
{
    credit_filter filter = {
        .customer = cli_option_value(invocation, "customer"),
        .invoice = cli_option_value(invocation, "invoice"),
        .from = cli_option_value(invocation, "from"),
        .to = cli_option_value(invocation, "to"),
    };
    return cli_print_all_pages(invocation, call_credit_list, &filter, 0, credit_columns);
}

static int call_payment_list(service_context *ctx, const void *filter, service_page *page,
                             json_t **out, err *e)
{
    payment_filter f = *(const payment_filter *)filter;
    f.page = *page;
    return payment_list(ctx, &f, out, e);
}

static int run_payment_list(cli_invocation *invocation)
{
    payment_filter filter = {
        .customer = cli_option_value(invocation, "customer"),
        .from = cli_option_value(invocation, "from"),
        .to = cli_option_value(invocation, "to"),
        .unapplied = cli_option_value(invocation, "unapplied") ? "true" : NULL,
    };
    return cli_print_all_pages(invocation, call_payment_list, &filter, 0, payment_columns);
}

static void print_payment(const cli_invocation *invocation, json_t *payment)
{
    if (invocation->format != OUTPUT_CSV) {
        cli_print_object(invocation, payment, payment_columns);
        if (invocation->format == OUTPUT_JSON)
            return;
        printf("\n");
    }
    cli_print_list(invocation, json_object_get(payment, "applications"), application_columns);
}

/* NUMBER=DOLLARS arguments (the --apply value first, then the positional
 * arguments from `first`) into applications; the texts are split in
 * place. */
static int applications_read(cli_invocation *invocation, const char *apply, int first,
                             payment_application_input *out, size_t *count, err *e)
{
    static char copies[CLI_POSITIONAL_MAX + 1][64];
    const char *texts[CLI_POSITIONAL_MAX + 1];
    size_t n = 0;
    if (apply)
        texts[n++] = apply;
    for (int i = first; i < invocation->positional_count; i++)
        texts[n++] = invocation->positional[i];
    for (*count = 0; *count < n; (*count)++) {
        char field[40], *copy = copies[*count];
        snprintf(field, sizeof field, "applications[%zu]", *count);
        snprintf(copy, sizeof copies[0], "%s", texts[*count]);
        char *equals = strchr(copy, '=');
        if (!equals || equals == copy)
            return err_set(e, ERR_INVALID, field,
                           "'%s' must be NUMBER=DOLLARS, like 2004-000123=150.00", texts[*count]);
        *equals = '\0';
        out[*count] = (payment_application_input){.invoice = copy, .amount = equals + 1};
    }
    return 0;
}

static int call_payment_record(service_context *ctx, cli_invocation *invocation, json_t **out,
                               err *e)
{
    payment_application_input applications[CLI_POSITIONAL_MAX + 1];
    size_t count;
    const char *apply = cli_option_value(invocation, "apply");
    if (!apply && invocation->positional_count)
        return err_set(e, ERR_INVALID, "apply",
                       "NUMBER=DOLLARS arguments follow --apply: --apply 2004-000123=150.00 ...");
    if (applications_read(invocation, apply, 0, applications, &count, e))
        return -1;
    payment_input in = {
        .customer = cli_option_value(invocation, "customer"),
        .date = cli_option_value(invocation, "date"),
        .amount = cli_option_value(invocation, "amount"),
        .method = cli_option_value(invocation, "method"),
        .reference = cli_option_value(invocation, "reference"),
        .applications = applications,
        .application_count = count,
    };
    return payment_record(ctx, &in, out, e);
}

static int call_payment_apply(service_context *ctx, cli_invocation *invocation, json_t **out,
                              err *e)
{
    payment_application_input applications[CLI_POSITIONAL_MAX + 1];
    size_t count;
    if (applications_read(invocation, NULL, 1, applications, &count, e))
        return -1;
    return payment_apply(ctx, invocation->positional[0], cli_option_value(invocation, "date"),
                         applications, count, out, e);
}

static int call_payment_unapply(service_context *ctx, cli_invocation *invocation, json_t **out,
                                err *e)
{
    return payment_unapply(ctx, invocation->positional[0], cli_option_value(invocation, "date"),
                           cli_option_value(invocation, "reason"), out, e);
}

static int call_payment_show(service_context *ctx, cli_invocation *invocation, json_t **out,
                             err *e)
{
    return payment_get(ctx, invocation->positional[0], out, e);
}

static int run_payment_record(cli_invocation *invocation)
{
    return cli_run(invocation, call_payment_record, print_payment);
}

static int run_payment_apply(cli_invocation *invocation)
{
    return cli_run(invocation, call_payment_apply, print_payment);
}

static int run_payment_unapply(cli_invocation *invocation)
{
    return cli_run(invocation, call_payment_unapply, print_payment);
}

static int run_payment_show(cli_invocation *invocation)
{
    return cli_run(invocation, call_payment_show, print_payment);
}

/* --- aging ------------------------------------------------------------------- */

static int call_aging(service_context *ctx, cli_invocation *invocation, json_t **out, err *e)
{
    return receivables_aging(ctx, cli_option_value(invocation, "date"),
                             cli_option_value(invocation, "by"), out, e);
}

/* One row per document, a subtotal per customer and the total; then the
 * tie-out to the ledger (and its finding) under the table. */
static void print_aging(const cli_invocation *invocation, json_t *aging)
{
    if (invocation->format == OUTPUT_JSON) {
        cli_print_object(invocation, aging, NULL);
        return;
    }
    json_t *rows = json_array();
    size_t i;
    json_t *customer;
    json_array_foreach(json_object_get(aging, "customers"), i, customer)
    {
        size_t j;
        json_t *doc;
        const char *code = json_string_value(json_object_get(customer, "code"));
        json_array_foreach(json_object_get(customer, "documents"), j, doc)
        {
            json_t *row = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O}", "customer", code,
                                    "document", json_object_get(doc, "number"), "date",
                                    json_object_get(doc, "date"), "due_date",
                                    json_object_get(doc, "due_date"), "days",
                                    json_object_get(doc, "days"), "total",
                                    json_object_get(doc, "open"));
            json_object_set(row, json_string_value(json_object_get(doc, "bucket")),
                            json_object_get(doc, "open"));
            json_array_append_new(rows, row);
        }
        json_t *subtotal = json_pack("{s:s, s:s, s:O}", "customer", code, "document", "total",
                                     "total", json_object_get(customer, "total"));
        json_object_update(subtotal, json_object_get(customer, "buckets"));
        json_array_append_new(rows, subtotal);
    }
    json_t *total = json_pack("{s:s, s:O}", "customer", "ALL", "total",
                              json_object_get(aging, "total"));
    json_object_update(total, json_object_get(aging, "buckets"));
    json_array_append_new(rows, total);
    cli_print_list(invocation, rows, aging_columns);
    json_decref(rows);
    if (invocation->format == OUTPUT_TABLE) {
        printf("\nAged %s by %s date. Receivables in the ledger (1100): %s; difference: %s\n",
               json_string_value(json_object_get(aging, "date")),
               json_string_value(json_object_get(aging, "by")),
               json_string_value(json_object_get(aging, "ledger_receivables")),
               json_string_value(json_object_get(aging, "difference")));
        size_t k;
        json_t *finding;
        json_array_foreach(json_object_get(aging, "findings"), k, finding)
            printf("Finding: %s\n", json_string_value(finding));
    }
}

static int run_aging(cli_invocation *invocation)
{
    return cli_run(invocation, call_aging, print_aging);
}

/* --- the table --------------------------------------------------------------- */

static const cli_option customer_options[] = {
    {"name", "TEXT", "the customer's name"},
    {"market", "CODE", "the market it belongs to"},
    {"address", "TEXT", "billing address", "billing_address"},
    {"terms", "DAYS", "billing terms in days (default 30)", "billing_terms_days"},
    {0}};
static const cli_option customer_list_options[] = {
    {"search", "TEXT", "part of the code or name", "q"}, {0}};
static const cli_option invoice_create_options[] = {
    {"customer", "CODE", "the customer (a hospital's code or another customer's)"},
    {"date", "DATE", "the invoice date, YYYY-MM-DD"},
    {"terms", "DAYS", "payment terms (default: the customer's)"},
    {0}};
static const cli_option invoice_edit_options[] = {
    {"date", "DATE", "the draft's new invoice date, YYYY-MM-DD (in an open period)"},
    {"terms", "DAYS", "the draft's new payment terms"},
    {0}};
static const cli_option invoice_line_options[] = {
    {"description", "TEXT", "what is charged"},
    {"quantity", "N", "how many (at most two decimals)"},
    {"price", "DOLLARS", "unit price (at most two decimals)"},
    {"account", "CODE", "the revenue account"},
    {"center", "CODE", "the donor center or market"},
    {0}};
static const cli_option invoice_list_options[] = {
    {"status", "draft|issued", "only drafts or issued invoices"},
    {"customer", "CODE", "one customer's invoices"},
    {"from", "DATE", "dated on or after"},
    {"to", "DATE", "dated on or before"},
    {0}};
static const cli_option credit_options[] = {
    {"invoice", "NUMBER", "the invoice credited"},
    {"customer", "CODE", "the customer of a standalone credit"},
    {"date", "DATE", "the credit's date"},
    {"amount", "DOLLARS", "the amount credited"},
    {"reason", "TEXT", "why (return, price correction, write-down)"},
    {"account", "CODE", "the revenue account reversed (default: the invoice's first line's)"},
    {"center", "CODE", "the donor center or market (default: the same line's)"},
    {0}};
static const cli_option credit_list_options[] = {
    {"customer", "CODE", "one customer's credit memos"},
    {"invoice", "NUMBER", "the credit memos of one invoice"},
    {"from", "DATE", "dated on or after"},
    {"to", "DATE", "dated on or before"},
    {0}};
static const cli_option payment_list_options[] = {
    {"customer", "CODE", "one customer's payments"},
    {"from", "DATE", "dated on or after"},
    {"to", "DATE", "dated on or before"},
    {"unapplied", NULL, "only payments with unapplied cash"},
    {0}};
static const cli_option payment_record_options[] = {
    {"customer", "CODE", "who paid"},
    {"date", "DATE", "the payment's date"},
    {"amount", "DOLLARS", "the amount received"},
    {"reference", "TEXT", "check number, transfer reference"},
    {"method", "TEXT", "check, wire, ACH..."},
    {"apply", "NUMBER=DOLLARS", "apply to an invoice; more NUMBER=DOLLARS may follow",
     "applications[]"},
    {0}};
static const cli_option payment_apply_options[] = {
    {"date", "DATE", "the application's date"}, {0}};
static const cli_option payment_unapply_options[] = {
    {"date", "DATE", "the date it is undone"},
    {"reason", "TEXT", "why (required)"},
    {0}};
static const cli_option aging_options[] = {
    {"date", "DATE", "the day aged"},
    {"by", "due|invoice", "count days from the due date (default) or the invoice date"},
    {0}};

static const cli_command billing_commands[] = {
    {.noun = "customer", .verb = "add", .run = run_customer_add, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = customer_options,
     .summary = "add a customer that is not a hospital", .opens_database = 1},
    {.noun = "customer", .verb = "list", .run = run_customer_list,
     .options = customer_list_options, .summary = "customers, hospitals included",
     .opens_database = 1},
    {.noun = "customer", .verb = "show", .run = run_customer_show, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1,
     .summary = "a customer with what is open and its unapplied cash", .opens_database = 1},
    {.noun = "customer", .verb = "edit", .run = run_customer_edit, .arguments = "CODE",
     .positional_min = 1, .positional_max = 1, .options = customer_options,
     .summary = "edit a customer that is not a hospital", .opens_database = 1},
    {.noun = "invoice", .verb = "create", .run = run_invoice_create,
     .options = invoice_create_options, .summary = "create a draft invoice; prints its id",
     .opens_database = 1},
    {.noun = "invoice", .verb = "line", .run = run_invoice_line, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1, .options = invoice_line_options,
     .summary = "add a manual line to a draft", .opens_database = 1},
    {.noun = "invoice", .verb = "unline", .run = run_invoice_unline, .arguments = "INVOICE LINE",
     .positional_min = 2, .positional_max = 2, .summary = "remove a line from a draft",
     .opens_database = 1},
    {.noun = "invoice", .verb = "edit", .run = run_invoice_edit, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1, .options = invoice_edit_options,
     .summary = "change a draft's date or terms", .opens_database = 1},
    {.noun = "invoice", .verb = "delete", .run = run_invoice_delete, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1,
     .summary = "delete a draft whose lines are all manual, with its lines", .opens_database = 1},
    {.noun = "invoice", .verb = "issue", .run = run_invoice_issue, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1,
     .summary = "issue a draft: its number, due date and posting", .opens_database = 1},
    {.noun = "invoice", .verb = "show", .run = run_invoice_show, .arguments = "INVOICE",
     .positional_min = 1, .positional_max = 1,
     .summary = "an invoice (id or number) with its lines, credits and payments",
     .opens_database = 1},
    {.noun = "invoice", .verb = "list", .run = run_invoice_list, .options = invoice_list_options,
     .summary = "invoices", .opens_database = 1},
    {.noun = "credit", .verb = "create", .run = run_credit_create, .options = credit_options,
     .summary = "a credit memo against an invoice or standalone", .opens_database = 1},
    {.noun = "credit", .verb = "list", .run = run_credit_list, .options = credit_list_options,
     .summary = "credit memos, against invoices and standalone", .opens_database = 1},
    {.noun = "payment", .verb = "list", .run = run_payment_list, .options = payment_list_options,
     .summary = "payments with what is unapplied of each", .opens_database = 1},
    {.noun = "payment", .verb = "record", .run = run_payment_record,
     .arguments = "[NUMBER=DOLLARS...]", .positional_max = CLI_POSITIONAL_MAX,
     .options = payment_record_options,
     .summary = "record a payment, applied to invoices or kept as unapplied cash",
     .opens_database = 1},
    {.noun = "payment", .verb = "apply", .run = run_payment_apply,
     .arguments = "PAYMENT NUMBER=DOLLARS...", .positional_min = 2,
     .positional_max = CLI_POSITIONAL_MAX, .options = payment_apply_options,
     .summary = "apply a payment's unapplied cash to invoices", .opens_database = 1},
    {.noun = "payment", .verb = "unapply", .run = run_payment_unapply, .arguments = "APPLICATION",
     .positional_min = 1, .positional_max = 1, .options = payment_unapply_options,
     .summary = "undo an application: the money goes back to unapplied cash",
     .opens_database = 1},
    {.noun = "payment", .verb = "show", .run = run_payment_show, .arguments = "PAYMENT",
     .positional_min = 1, .positional_max = 1, .summary = "a payment and its applications",
     .opens_database = 1},
    {.noun = "receivables", .verb = "aging", .run = run_aging, .options = aging_options,
     .summary = "open invoices and credits in aging buckets, tied to the ledger",
     .opens_database = 1},
    {0},
};

const cli_module cli_module_billing = {
    .name = "billing", .area = AREA_FINANCE, .commands = billing_commands};
