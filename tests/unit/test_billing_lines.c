/*
 * test_billing_lines.c - the entry point other modules bill through
 * (service/billing.h, invoice_line_post_in) on a temporary SQLite
 * database: a line whose event already recognised its revenue moves
 * unbilled receivables (1150) to receivables (1100) when the invoice is
 * issued, a manual line credits its revenue account, the aging equals 1100
 * afterwards, and the entry point refuses to run outside its caller's
 * transaction or for an unknown source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "service/allowance.h"
#include "service/billing.h"
#include "service/ledger.h"
#include "service/registry.h"
#include "store/db.h"
#include "temp_db.h"

typedef struct {
    char path[64];
    service_context ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    temp_db_name(f->path, sizeof f->path);
    err e;
    if (db_open(f->path, &f->ctx.db, &e) != 0) {
        fprintf(stderr, "db_open: %s\n", e.message);
        return -1;
    }
    service_actor_local(&f->ctx.actor);
    json_t *out = NULL;
    market_input market = {"LA", "Los Angeles"};
    hospital_input hospital = {.code = "CEDARS", .name = "Cedars", .market = "LA"};
    if (market_add(&f->ctx, &market, &out, &e) || (json_decref(out), 0) ||
        hospital_add(&f->ctx, &hospital, &out, &e)) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    json_decref(out);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->ctx.db);
    temp_db_remove(f->path);
    free(f);
    return 0;
}

/* The balance of `account` (debit positive) on every day to 2004-12-31. */
static int64_t balance(fixture *f, const char *account)
{
    err e;
    int64_t id, total = 0;
    civil_day end;
    ledger_sums sums = {0};
    assert_int_equal(ledger_account_id(f->ctx.db, account, &id, "account", &e), 0);
    assert_int_equal(date_parse("2004-12-31", &end, "date", &e), 0);
    assert_int_equal(ledger_sums_between(f->ctx.db, 0, end, &sums, &e), 0);
    for (size_t i = 0; i < sums.count; i++)
        if (sums.items[i].account_id == id)
            total += sums.items[i].debit - sums.items[i].credit;
    ledger_sums_free(&sums);
    return total;
}

static void test_recognised_line_moves_unbilled_to_receivables(void **state)
{
    fixture *f = *state;
    err e;
    json_t *out = NULL;
    civil_day shipped;
    assert_int_equal(date_parse("2004-03-02", &shipped, "date", &e), 0);

    /* A shipment recognises its revenue into unbilled receivables, and
     * bills it on a draft, in one transaction of its own. */
    assert_int_equal(invoice_create(&f->ctx, "cedars", "2004-03-05", NULL, &out, &e), 0);
    char draft[24];
    snprintf(draft, sizeof draft, "%lld", (long long)json_integer_value(json_object_get(out, "id")));
    int64_t draft_id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    ledger_line recognised[] = {{.account = "1150", .center = "LA", .amount = 37100},
                                {.account = "4000", .center = "LA", .amount = -37100}};
    ledger_entry entry = {.date = shipped, .description = "Shipment 1", .source = "distribution",
                          .lines = recognised, .line_count = 2};
    invoice_line_input line = {.description = "Red cells, 2 units", .quantity = "2",
                               .price = "185.50", .account = "4000", .center = "LA"};
    invoice_line_origin origin = {.source = "shipment", .source_ref = "shipment:1", .recognised = 1};
    int64_t entry_id, line_id;
    assert_int_equal(service_begin(&f->ctx, &e), 0);
    int rc = ledger_post(&f->ctx, &entry, &entry_id, &e) ||
             invoice_line_post_in(&f->ctx, draft_id, &line, &origin, &line_id, &e);
    assert_int_equal(service_finish(&f->ctx, rc, &e), 0);
    assert_int_equal(balance(f, "1150"), 37100);

    /* A manual line beside it. */
    invoice_line_input fee = {.description = "Delivery", .quantity = "1", .price = "25.00",
                              .account = "4000"};
    assert_int_equal(invoice_line_add(&f->ctx, draft, &fee, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "total")), "396.00");
    json_decref(out);

    /* Issuing: 1100 for both lines, 1150 emptied, revenue not counted twice. */
    assert_int_equal(invoice_issue(&f->ctx, draft, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "number")), "2004-000001");
    json_t *lines = json_object_get(out, "lines");
    assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 0), "source")),
                        "shipment");
    json_decref(out);
    assert_int_equal(balance(f, "1100"), 39600);
    assert_int_equal(balance(f, "1150"), 0);
    assert_int_equal(balance(f, "4000"), -39600);

    assert_int_equal(receivables_aging(&f->ctx, "2004-03-31", NULL, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "total")), "396.00");
    assert_string_equal(json_string_value(json_object_get(out, "ledger_receivables")), "396.00");
    assert_int_equal(json_array_size(json_object_get(out, "findings")), 0);
    json_decref(out);

    /* An entry posted to 1100 by hand is a finding, not hidden. */
    journal_line_input by_hand[] = {{.account = "1100", .amount = "10.00"},
                                    {.account = "7100", .amount = "-10.00"}};
    journal_entry_input manual = {.date = "2004-03-20", .description = "Adjustment",
                                  .lines = by_hand, .line_count = 2};
    assert_int_equal(journal_post(&f->ctx, &manual, &out, &e), 0);
    json_decref(out);
    assert_int_equal(receivables_aging(&f->ctx, "2004-03-31", NULL, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "difference")), "10.00");
    assert_int_equal(json_array_size(json_object_get(out, "findings")), 1);
    json_decref(out);
}

static void test_entry_point_refusals(void **state)
{
    fixture *f = *state;
    err e;
    json_t *out = NULL;
    assert_int_equal(invoice_create(&f->ctx, "CEDARS", "2004-04-01", "10", &out, &e), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    invoice_line_input line = {.description = "Procedure", .quantity = "1", .price = "900.00",
                               .account = "4100", .center = "LA"};
    invoice_line_origin origin = {.source = "procedure", .recognised = 1};
    int64_t line_id;
    /* Outside a transaction: refused, nothing written. */
    assert_int_equal(invoice_line_post_in(&f->ctx, id, &line, &origin, &line_id, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    /* An unknown source, a bad quantity: named. */
    invoice_line_origin unknown = {.source = "gift"};
    assert_int_equal(service_begin(&f->ctx, &e), 0);
    assert_int_equal(invoice_line_post_in(&f->ctx, id, &line, &unknown, &line_id, &e), -1);
    assert_string_equal(e.field, "source");
    invoice_line_input bad = line;
    bad.quantity = "1.005";
    assert_int_equal(invoice_line_post_in(&f->ctx, id, &bad, &origin, &line_id, &e), -1);
    assert_string_equal(e.field, "quantity");
    service_finish(&f->ctx, -1, &e);
}

/* An invoice of one manual line of `price` dated `date`, issued: its id. */
static int64_t issued_invoice(fixture *f, const char *date, const char *price)
{
    err e;
    json_t *out = NULL;
    assert_int_equal(invoice_create(&f->ctx, "CEDARS", date, "30", &out, &e), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    invoice_line_input line = {.description = "Consulting", .quantity = "1", .price = price,
                               .account = "4200", .center = "LA"};
    assert_int_equal(invoice_line_add(&f->ctx, text, &line, &out, &e), 0);
    json_decref(out);
    assert_int_equal(invoice_issue(&f->ctx, text, &out, &e), 0);
    json_decref(out);
    return id;
}

/* What the documents leave open at `date` read two ways: the aging's
 * total over the documents, and the sum of the days' changes the report
 * reads. */
static void assert_open_at(fixture *f, const char *date, int64_t expected)
{
    err e;
    civil_day day;
    assert_int_equal(date_parse(date, &day, "date", &e), 0);
    aging_totals totals;
    assert_int_equal(receivables_aging_totals(f->ctx.db, day, 0, &totals, &e), 0);
    int64_t aging = totals.total;
    aging_totals_free(&totals);
    int has = 0;
    int64_t open = -1, allowance;
    assert_int_equal(receivables_documents_at(f->ctx.db, day, &has, &open, &allowance, &e), 0);
    assert_int_equal(aging, expected);
    assert_int_equal(open, expected);
}

static void test_open_at_a_past_date_from_the_days(void **state)
{
    fixture *f = *state;
    err e;
    json_t *out = NULL;
    issued_invoice(f, "2004-01-10", "1000.00");        /* 2004-000001 */
    issued_invoice(f, "2004-02-10", "500.00");         /* 2004-000002 */
    int64_t third = issued_invoice(f, "2004-02-20", "300.00"); /* 2004-000003 */
    (void)third;
    /* Paid in part on 01-20 and 02-15; the second application undone on 03-01. */
    payment_application_input first[] = {{"2004-000001", "400.00"}};
    payment_input paid = {.customer = "CEDARS", .date = "2004-01-20", .amount = "400.00",
                          .reference = "CHK 1", .applications = first, .application_count = 1};
    assert_int_equal(payment_record(&f->ctx, &paid, &out, &e), 0);
    json_decref(out);
    payment_application_input second[] = {{"2004-000002", "200.00"}};
    payment_input again = {.customer = "CEDARS", .date = "2004-02-15", .amount = "200.00",
                           .reference = "CHK 2", .applications = second, .application_count = 1};
    assert_int_equal(payment_record(&f->ctx, &again, &out, &e), 0);
    int64_t application = json_integer_value(json_object_get(
        json_array_get(json_object_get(out, "applications"), 0), "id"));
    json_decref(out);
    char application_text[24];
    snprintf(application_text, sizeof application_text, "%lld", (long long)application);
    assert_int_equal(
        payment_unapply(&f->ctx, application_text, "2004-03-01", "wrong invoice", &out, &e), 0);
    json_decref(out);
    /* A credit on the first, a standalone credit, the third written off. */
    credit_input credit = {.invoice = "2004-000001", .date = "2004-02-01", .amount = "50.00",
                           .reason = "price"};
    assert_int_equal(credit_create(&f->ctx, &credit, &out, &e), 0);
    json_decref(out);
    credit_input standalone = {.customer = "CEDARS", .date = "2004-02-05", .amount = "25.00",
                               .reason = "goodwill", .account = "4200", .center = "LA"};
    assert_int_equal(credit_create(&f->ctx, &standalone, &out, &e), 0);
    json_decref(out);
    assert_int_equal(
        receivables_write_off(&f->ctx, "2004-000003", "2004-03-10", "closed", &out, &e), 0);
    json_decref(out);

    assert_open_at(f, "2004-01-09", 0);
    assert_open_at(f, "2004-01-10", 100000);
    assert_open_at(f, "2004-01-20", 60000);
    assert_open_at(f, "2004-02-01", 55000);
    assert_open_at(f, "2004-02-05", 52500);
    assert_open_at(f, "2004-02-15", 82500);          /* + 500 - 200 */
    assert_open_at(f, "2004-02-29", 112500);         /* + 300 */
    assert_open_at(f, "2004-03-01", 132500);         /* the 200 undone */
    assert_open_at(f, "2004-03-31", 102500);         /* the 300 written off */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recognised_line_moves_unbilled_to_receivables, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entry_point_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_at_a_past_date_from_the_days, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
