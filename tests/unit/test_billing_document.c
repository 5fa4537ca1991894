/*
 * test_billing_document.c - unit tests for the invoice and the customer
 * statement (documents/billing_document.c): the text laid out as a
 * terminal shows it (the company, the billing address line by line, the
 * lines and their total, credits, payments with an undone one, what is
 * open), a draft, an invoice written off, the HTML with every value
 * escaped, a statement with its aging, one with nothing open and one with
 * unapplied cash (a credit, and the net balance), the PDF
 * and the formats by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairo_caches.h"
#include "documents/billing_document.h"

static const invoice_document_line lines[] = {
    {"Red cells, leukoreduced", "2.50", "10.01", "25.03", "4000"},
    {"Platelets <apheresis> & more", "3.00", "100.00", "300.00", "4000"},
};
static const invoice_document_reduction credits[] = {
    {"2004-03-25", "CM-1", "Price correction", "10.00", NULL},
};
static const invoice_document_reduction payments[] = {
    {"2004-03-20", "1", NULL, "80.00", NULL},
    {"2004-03-21", "2", "wrong invoice", "5.00", "2004-03-22"},
};

static invoice_document sample_invoice(void)
{
    return (invoice_document){
        .number = "2004-000001",
        .date = "2004-03-10",
        .due_date = "2004-04-09",
        .terms_days = "30",
        .customer = {"SPONSOR", "Device Sponsor Inc.", "1 Main St\nSpringfield"},
        .lines = lines,
        .line_count = 2,
        .credits = credits,
        .credit_count = 1,
        .payments = payments,
        .payment_count = 2,
        .total = "325.03",
        .open = "235.03",
        .company = "Demo Blood Services",
    };
}

static const statement_document_item items[] = {
    {"invoice", "2004-000001", "2004-03-10", "2004-04-09", "235.03", "61-90", 82},
    {"credit", "CM-2", "2004-06-01", "2004-06-01", "-15.00", "current", 0},
};

static statement_document sample_statement(void)
{
    return (statement_document){
        .date = "2004-06-30",
        .by = "due",
        .customer = {"SPONSOR", "Device Sponsor Inc.", "1 Main St"},
        .items = items,
        .item_count = 2,
        .buckets = {"-15.00", "0.00", "0.00", "235.03", "0.00", "0.00"},
        .total = "220.03",
        .company = "Demo Blood Services",
    };
}

static char *invoice_text(const invoice_document *d, document_format format)
{
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(invoice_document_render(d, format, &out, &e), 0);
    return buffer_take(&out);
}

static char *statement_text(const statement_document *d, document_format format)
{
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(statement_document_render(d, format, &out, &e), 0);
    return buffer_take(&out);
}

static void test_invoice_text(void **state)
{
    invoice_document d = sample_invoice();
    char *text = invoice_text(&d, DOCUMENT_TEXT);
    assert_string_equal(
        text,
        "INVOICE 2004-000001\n"
        "Demo Blood Services\n"
        "\n"
        "Bill to        Device Sponsor Inc. (SPONSOR)\n"
        "               1 Main St\n"
        "               Springfield\n"
        "Invoice date   2004-03-10\n"
        "Due date       2004-04-09 (30 days)\n"
        "\n"
        "LINES\n"
        "DESCRIPTION                          ACCOUNT QUANTITY        PRICE       AMOUNT\n"
        "Red cells, leukoreduced              4000        2.50        10.01        25.03\n"
        "Platelets <apheresis> & more         4000        3.00       100.00       300.00\n"
        "TOTAL                                                                    325.03\n"
        "\n"
        "CREDIT MEMOS\n"
        "DATE       MEMO       NOTE                                         AMOUNT\n"
        "2004-03-25 CM-1       Price correction                              10.00\n"
        "\n"
        "PAYMENTS APPLIED\n"
        "DATE       PAYMENT    NOTE                                         AMOUNT\n"
        "2004-03-20 1                                                        80.00\n"
        "2004-03-21 2          undone 2004-03-22: wrong invoice               5.00\n"
        "\n"
        "OPEN                                                                     235.03\n");
    free(text);
    (void)state;
}

static void test_a_draft_without_credits_or_payments(void **state)
{
    invoice_document d = sample_invoice();
    d.number = NULL, d.due_date = NULL, d.company = NULL;
    d.credit_count = 0, d.payment_count = 0;
    d.customer.address = NULL;
    char *text = invoice_text(&d, DOCUMENT_TEXT);
    assert_non_null(strstr(text, "DRAFT INVOICE (not issued)\n\nBill to        Device Sponsor "
                                 "Inc. (SPONSOR)\nInvoice date"));
    assert_non_null(strstr(text, "Due date       - (30 days)\n"));
    assert_null(strstr(text, "CREDIT MEMOS"));
    assert_null(strstr(text, "PAYMENTS APPLIED"));
    free(text);
    char *html = invoice_text(&d, DOCUMENT_HTML);
    assert_non_null(strstr(html, "<title>Draft invoice</title>"));
    assert_null(strstr(html, "class=\"company\""));
    free(html);
    (void)state;
}

static void test_an_invoice_written_off(void **state)
{
    invoice_document d = sample_invoice();
    d.written_off = "235.03", d.open = "0.00";
    char *text = invoice_text(&d, DOCUMENT_TEXT);
    assert_non_null(strstr(text,
                           "5.00\n"
                           "\n"
                           "WRITTEN OFF                                                              235.03\n"
                           "OPEN                                                                       0.00\n"));
    free(text);
    char *html = invoice_text(&d, DOCUMENT_HTML);
    assert_non_null(strstr(html, "<p class=\"written-off\">Written off: 235.03</p>\n"
                                 "<p class=\"open\"><strong>Open: 0.00</strong></p>"));
    free(html);
    (void)state;
}

static void test_invoice_html_escapes_values(void **state)
{
    invoice_document d = sample_invoice();
    d.company = "A & B <Blood>";
    char *html = invoice_text(&d, DOCUMENT_HTML);
    assert_non_null(strstr(html, "<title>Invoice 2004-000001</title>"));
    assert_non_null(strstr(html, "<p class=\"company\">A &amp; B &lt;Blood&gt;</p>"));
    assert_non_null(strstr(html, "<td>Platelets &lt;apheresis&gt; &amp; more</td>"));
    assert_non_null(strstr(html, "<h2>Credit memos</h2>"));
    assert_non_null(strstr(html, "<h2>Payments applied</h2>"));
    assert_non_null(strstr(html, "<strong>Open: 235.03</strong>"));
    assert_null(strstr(html, "<apheresis>"));
    free(html);
    (void)state;
}

static void test_statement_text(void **state)
{
    statement_document d = sample_statement();
    char *text = statement_text(&d, DOCUMENT_TEXT);
    assert_string_equal(
        text,
        "STATEMENT OF ACCOUNT\n"
        "Demo Blood Services\n"
        "\n"
        "Customer       Device Sponsor Inc. (SPONSOR)\n"
        "               1 Main St\n"
        "Date           2004-06-30\n"
        "Aged by        due date\n"
        "\n"
        "OPEN DOCUMENTS\n"
        "TYPE    NUMBER      DATE       DUE         DAYS BUCKET            OPEN\n"
        "invoice 2004-000001 2004-03-10 2004-04-09    82 61-90           235.03\n"
        "credit  CM-2        2004-06-01 2004-06-01     0 current         -15.00\n"
        "TOTAL                                                           220.03\n"
        "\n"
        "AGING\n"
        "    CURRENT        1-30       31-60       61-90      91-120    OVER 120        TOTAL\n"
        "     -15.00        0.00        0.00      235.03        0.00        0.00       220.03\n");
    free(text);
    (void)state;
}

static void test_statement_with_nothing_open(void **state)
{
    statement_document d = sample_statement();
    d.item_count = 0, d.total = "0.00", d.by = "invoice";
    char *text = statement_text(&d, DOCUMENT_TEXT);
    assert_non_null(strstr(text, "Aged by        invoice date\n"));
    assert_non_null(strstr(text, "0.00\n(nothing is open)\n\nAGING\n"));
    free(text);
    char *html = statement_text(&d, DOCUMENT_HTML);
    assert_non_null(strstr(html, "<p>Nothing is open.</p>"));
    assert_non_null(strstr(html, "<h2>Aging</h2>"));
    free(html);
    (void)state;
}

static const statement_unapplied_item unapplied[] = {
    {"2004-05-02", "7", "CHK-1001", "-30.00", NULL},
    {"2004-06-15", "9", "WIRE <77>", "-20.00", NULL},
};

static void test_statement_with_unapplied_cash(void **state)
{
    statement_document d = sample_statement();
    d.unapplied = unapplied, d.unapplied_count = 2, d.unapplied_total = "-50.00";
    d.balance = "170.03";
    char *text = statement_text(&d, DOCUMENT_TEXT);
    assert_non_null(strstr(
        text,
        "TOTAL                                                           220.03\n"
        "\n"
        "UNAPPLIED CASH\n"
        "DATE       PAYMENT    NOTE                                         AMOUNT\n"
        "2004-05-02 7          CHK-1001                                     -30.00\n"
        "2004-06-15 9          WIRE <77>                                    -20.00\n"
        "TOTAL                                                              -50.00\n"
        "\n"
        "NET BALANCE                                                        170.03\n"
        "\n"
        "AGING\n"));
    free(text);
    char *html = statement_text(&d, DOCUMENT_HTML);
    assert_non_null(strstr(html, "<h2>Unapplied cash</h2>"));
    assert_non_null(strstr(html, "WIRE &lt;77&gt;"));
    assert_non_null(strstr(html, "<strong>Net balance: 170.03</strong>"));
    free(html);

    /* Nothing open but the cash: a credit balance, never "nothing is open". */
    d.item_count = 0, d.total = "0.00", d.unapplied_count = 1, d.unapplied_total = "-30.00";
    d.balance = "-30.00";
    text = statement_text(&d, DOCUMENT_TEXT);
    assert_null(strstr(text, "nothing is open"));
    assert_non_null(strstr(text, "0.00\n(no invoice or credit is open)\n\nUNAPPLIED CASH\n"));
    assert_non_null(strstr(text, "\nNET BALANCE                                                        -30.00\n"));
    free(text);
    html = statement_text(&d, DOCUMENT_HTML);
    assert_null(strstr(html, "Nothing is open"));
    assert_non_null(strstr(html, "<p>No invoice or credit is open.</p>"));
    free(html);
    (void)state;
}

static int holds(const buffer *b, const char *needle)
{
    size_t length = strlen(needle);
    for (size_t i = 0; i + length <= b->length; i++)
        if (memcmp(b->data + i, needle, length) == 0)
            return 1;
    return 0;
}

static void test_pdfs_and_formats(void **state)
{
    invoice_document d = sample_invoice();
    statement_document s = sample_statement();
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(invoice_document_render(&d, DOCUMENT_PDF, &out, &e), 0);
    assert_memory_equal(out.data, "%PDF-", 5);
    assert_true(holds(&out, "/Title (Invoice 2004-000001)"));
    buffer_reset(&out);
    assert_int_equal(statement_document_render(&s, DOCUMENT_PDF, &out, &e), 0);
    assert_true(holds(&out, "/Title (Statement of SPONSOR at 2004-06-30)"));
    buffer_free(&out);

    assert_int_equal(document_format_parse(NULL), DOCUMENT_TEXT);
    assert_int_equal(document_format_parse(""), DOCUMENT_TEXT);
    assert_int_equal(document_format_parse("html"), DOCUMENT_HTML);
    assert_int_equal(document_format_parse("pdf"), DOCUMENT_PDF);
    assert_int_equal(document_format_parse("csv"), -1);
    assert_string_equal(document_content_type(DOCUMENT_PDF), "application/pdf");
    assert_string_equal(document_content_type(DOCUMENT_TEXT),
                        "text/plain; charset=utf-8");
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoice_text),
        cmocka_unit_test(test_a_draft_without_credits_or_payments),
        cmocka_unit_test(test_an_invoice_written_off),
        cmocka_unit_test(test_invoice_html_escapes_values),
        cmocka_unit_test(test_statement_text),
        cmocka_unit_test(test_statement_with_nothing_open),
        cmocka_unit_test(test_statement_with_unapplied_cash),
        cmocka_unit_test(test_pdfs_and_formats),
    };
    return cmocka_run_group_tests(tests, NULL, cairo_caches_release);
}
