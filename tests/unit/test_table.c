/*
 * test_table.c - unit tests for the table writer (documents/table.c): one
 * table written as plain and ruled text (alignment, widths in characters,
 * overflow, rules, totals, the heading over the columns, trimming), as CSV
 * (RFC 4180 quoting) and as HTML (escaping, head and stub cells, classes,
 * group rows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/table.h"

/* A plain table of units: DIN, product, status, the hospital last. */
static void units_table(table *t, buffer *out, table_format format)
{
    table_init(t, out, format, 0);
    table_add_column(t, "DIN", 14, TABLE_LEFT);
    table_add_column(t, "PRODUCT", 7, TABLE_LEFT);
    table_add_column(t, "STATUS", 12, TABLE_LEFT);
    table_add_column(t, "HOSPITAL", 0, TABLE_LEFT);
    table_begin(t, NULL, NULL);
}

static void test_plain_text_pads_like_printf(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    units_table(&t, &out, TABLE_TEXT);
    table_row(&t, (const char *[]){"W000126000001", "E0300", "shipped", "CEDARS"});
    table_row(&t, (const char *[]){"W000126000008", "E0500", "quarantined", ""});
    table_end(&t);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%-14s %-7s %-12s %s\n%-14s %-7s %-12s %s\n%-14s %-7s %-12s %s\n", "DIN", "PRODUCT",
             "STATUS", "HOSPITAL", "W000126000001", "E0300", "shipped", "CEDARS", "W000126000008",
             "E0500", "quarantined", "");
    /* The same bytes as printf's, the padding of an empty last cell kept. */
    assert_string_equal(buffer_text(&out), expected);
    buffer_free(&out);
}

static void test_plain_text_overflow_and_characters(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    table_init(&t, &out, TABLE_TEXT, 0);
    table_add_column(&t, NULL, 4, TABLE_LEFT);
    table_add_column(&t, NULL, 5, TABLE_RIGHT);
    table_add_column(&t, NULL, 0, TABLE_LEFT);
    table_begin(&t, NULL, NULL);                              /* no heads: no head row */
    table_row(&t, (const char *[]){"Ünï", "12", "x"});        /* 3 characters, 6 bytes */
    table_row(&t, (const char *[]){"longer", "123456", "y"}); /* wider than the columns */
    table_row(&t, (const char *[]){NULL, NULL, NULL});
    table_end(&t);
    assert_string_equal(buffer_text(&out), "Ünï     12 x\n"
                                           "longer 123456 y\n"
                                           "           \n");
    buffer_free(&out);
}

static void test_plain_text_caption(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    table_init(&t, &out, TABLE_TEXT, 0);
    table_add_column(&t, "step", 6, TABLE_LEFT);
    table_add_column(&t, "due", 0, TABLE_LEFT);
    table_begin(&t, "DEADLINES", NULL);
    table_row(&t, (const char *[]){"notice", "2026-12-09"});
    table_end(&t);
    assert_string_equal(buffer_text(&out), "DEADLINES\nstep   due\nnotice 2026-12-09\n");
    buffer_free(&out);
}

/* A small statement: the stub names the rows, two right-aligned years. */
static void statement(table *t, buffer *out, table_format format)
{
    table_init(t, out, format, TABLE_RULED | TABLE_STUB);
    table_add_column(t, "Statements of Operations", 26, TABLE_LEFT);
    table_add_column(t, "2004", 10, TABLE_RIGHT);
    table_add_column(t, "2003", 10, TABLE_RIGHT);
    table_begin(t, "Condensed Data", "Three Months Ended\nMarch 31,");
    table_row(t, (const char *[]){"Revenues", "$6,736,000", "$6,931,000"});
    table_group(t, "Costs");
    table_row_marked(t, (const char *[]){"A label wider than its column", "($194,000)", ""},
                     (const char *[]){NULL, "negative", NULL}, 0);
    table_row_marked(t, (const char *[]){"Net income", "$246,000", "$8,000"}, NULL, 1);
    table_end(t);
}

static void test_ruled_text(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    statement(&t, &out, TABLE_TEXT);
    assert_string_equal(buffer_text(&out), "\n"
                                           "Condensed Data\n"
                                           "--------------\n"
                                           "\n"
                                           "                            Three Months Ended\n"
                                           "                                March 31,\n"
                                           "Statements of Operations         2004       2003\n"
                                           "                            ---------  ---------\n"
                                           "Revenues                   $6,736,000 $6,931,000\n"
                                           "Costs\n"
                                           "A label wider than its column\n"
                                           "                           ($194,000)\n"
                                           "                            ---------  ---------\n"
                                           "Net income                   $246,000     $8,000\n"
                                           "                            =========  =========\n");
    buffer_free(&out);
}

static void test_csv_quotes_what_needs_it(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    table_init(&t, &out, TABLE_CSV, 0);
    table_add_column(&t, "item", 0, TABLE_LEFT);
    table_add_column(&t, "amount", 12, TABLE_RIGHT);
    table_begin(&t, "a caption CSV leaves out", NULL);
    table_group(&t, "a group CSV leaves out");
    table_row(&t, (const char *[]){"Salaries, \"G&A\"", "610000.00"});
    table_row(&t, (const char *[]){"two\nlines", NULL});
    table_end(&t);
    assert_string_equal(buffer_text(&out), "item,amount\n"
                                           "\"Salaries, \"\"G&A\"\"\",610000.00\n"
                                           "\"two\nlines\",\n");
    buffer_free(&out);

    /* The ruled statement as CSV: its data only. */
    statement(&t, &out, TABLE_CSV);
    assert_string_equal(buffer_text(&out), "Statements of Operations,2004,2003\n"
                                           "Revenues,\"$6,736,000\",\"$6,931,000\"\n"
                                           "A label wider than its column,\"($194,000)\",\n"
                                           "Net income,\"$246,000\",\"$8,000\"\n");
    buffer_free(&out);
}

static void test_ruled_html(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    statement(&t, &out, TABLE_HTML);
    assert_string_equal(
        buffer_text(&out),
        "<table>\n<caption>Condensed Data</caption>\n<thead>\n"
        "<tr><td></td><th scope=\"colgroup\" colspan=\"2\">Three Months Ended March 31,</th></tr>\n"
        "<tr><th scope=\"col\">Statements of Operations</th><th scope=\"col\">2004</th>"
        "<th scope=\"col\">2003</th></tr>\n</thead>\n<tbody>\n"
        "<tr><th scope=\"row\">Revenues</th><td>$6,736,000</td><td>$6,931,000</td></tr>\n"
        "<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"3\">Costs</th></tr>\n"
        "<tr><th scope=\"row\">A label wider than its column</th>"
        "<td class=\"negative\">($194,000)</td><td></td></tr>\n"
        "<tr class=\"total\"><th scope=\"row\">Net income</th><td>$246,000</td><td>$8,000</td>"
        "</tr>\n</tbody>\n</table>\n");
    buffer_free(&out);

    /* An empty stub head is an empty cell. */
    table_init(&t, &out, TABLE_HTML, TABLE_RULED | TABLE_STUB);
    table_add_column(&t, "", 10, TABLE_LEFT);
    table_add_column(&t, "2004", 10, TABLE_RIGHT);
    table_begin(&t, NULL, NULL);
    table_end(&t);
    assert_string_equal(buffer_text(&out), "<table>\n<thead>\n<tr><td></td><th scope=\"col\">2004"
                                           "</th></tr>\n</thead>\n<tbody>\n</tbody>\n</table>\n");
    buffer_free(&out);
}

static void test_plain_html_escapes_everything(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    units_table(&t, &out, TABLE_HTML);
    table_row_marked(&t, (const char *[]){"W000126000001", "E0300", "<b>shipped</b>", "H&\"'"},
                     (const char *[]){NULL, NULL, NULL, "over\"due"}, 0);
    table_end(&t);
    assert_string_equal(buffer_text(&out),
                        "<table><tr><th>DIN</th><th>PRODUCT</th><th>STATUS</th><th>HOSPITAL</th>"
                        "</tr>\n<tr><td>W000126000001</td><td>E0300</td>"
                        "<td>&lt;b&gt;shipped&lt;/b&gt;</td>"
                        "<td class=\"over&quot;due\">H&amp;&quot;&#39;</td></tr>\n</table>\n");
    buffer_free(&out);

    /* Without heads, a stub of <th>: the facts of a case. */
    table_init(&t, &out, TABLE_HTML, TABLE_STUB);
    table_add_column(&t, NULL, 18, TABLE_LEFT);
    table_add_column(&t, NULL, 0, TABLE_LEFT);
    table_begin(&t, NULL, NULL);
    table_row(&t, (const char *[]){"Status", "open\nstill"});
    table_group(&t, "More");
    table_end(&t);
    assert_string_equal(buffer_text(&out), "<table>\n<tr><th>Status</th><td>open\nstill</td></tr>\n"
                                           "<tr class=\"group\"><th colspan=\"2\">More</th></tr>\n"
                                           "</table>\n");
    buffer_free(&out);
}

static void test_widths_count_characters(void **state)
{
    assert_int_equal(table_text_width("abc"), 3);
    assert_int_equal(table_text_width("Ü—é"), 3);
    assert_int_equal(table_span_width("Ü—é", 2), 1);
    assert_int_equal(table_text_width(""), 0);
}

static void test_columns_beyond_the_maximum_are_ignored(void **state)
{
    buffer out = BUFFER_INIT;
    table t;
    table_init(&t, &out, TABLE_CSV, 0);
    for (int i = 0; i < TABLE_COLUMNS_MAX + 3; i++)
        table_add_column(&t, "x", 1, TABLE_LEFT);
    assert_int_equal(t.count, TABLE_COLUMNS_MAX);
    buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_pads_like_printf),
        cmocka_unit_test(test_plain_text_overflow_and_characters),
        cmocka_unit_test(test_plain_text_caption),
        cmocka_unit_test(test_ruled_text),
        cmocka_unit_test(test_csv_quotes_what_needs_it),
        cmocka_unit_test(test_ruled_html),
        cmocka_unit_test(test_plain_html_escapes_everything),
        cmocka_unit_test(test_widths_count_characters),
        cmocka_unit_test(test_columns_beyond_the_maximum_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
