/*
 * test_ledger.c - unit tests for the ledger rules (domain/ledger.c) and the
 * CSV splitting the journal import uses (base/csv.c): accounting periods,
 * month keys, account attributes, amounts, and quoted CSV fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/csv.h"
#include "base/utf8.h"
#include "domain/ledger.h"

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    assert_int_equal(date_parse(text, &day, "date", NULL), 0);
    return day;
}

static void test_periods(void **state)
{
    ledger_period p;
    err e;
    assert_int_equal(ledger_period_parse("2004Q1", &p, "period", &e), 0);
    assert_int_equal(p.first_day, day_of("2004-01-01"));
    assert_int_equal(p.last_day, day_of("2004-03-31"));
    assert_string_equal(p.text, "2004Q1");
    assert_int_equal(ledger_period_parse("2004-02", &p, "period", &e), 0);
    assert_int_equal(p.last_day, day_of("2004-02-29")); /* a leap year */
    assert_int_equal(ledger_period_parse("2003-02", &p, "period", &e), 0);
    assert_int_equal(p.last_day, day_of("2003-02-28"));
    assert_int_equal(ledger_period_parse("2003-12", &p, "period", &e), 0);
    assert_int_equal(p.last_day, day_of("2003-12-31"));
    assert_int_equal(ledger_period_parse("2004", &p, "period", &e), 0);
    assert_int_equal(p.first_day, day_of("2004-01-01"));
    assert_int_equal(p.last_day, day_of("2004-12-31"));
    /* The last month there is (found by fuzzing: it ended on 1969-12-31). */
    assert_int_equal(ledger_period_parse("9999-12", &p, "period", &e), 0);
    assert_int_equal(p.last_day, day_of("9999-12-31"));
    const char *bad[] = {"", "2004Q5", "2004-13", "2004-00", "04", "2004-1", "Q1", "2004q1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ledger_period_parse(bad[i], &p, "period", &e), -1);
        assert_string_equal(e.field, "period");
    }
}

static void test_month_keys(void **state)
{
    assert_int_equal(ledger_month_of(day_of("2004-03-31")), 200403);
    assert_int_equal(ledger_month_next(200312), 200401);
    assert_int_equal(ledger_month_next(200402), 200403);
    assert_int_equal(ledger_month_first_day(200402), day_of("2004-02-01"));
    assert_true(ledger_beginning() < day_of("1900-01-01"));
}

static void test_account_attributes(void **state)
{
    err e;
    assert_int_equal(ledger_account_check("1100", "asset", "current", "", "receivables", &e), 0);
    assert_int_equal(ledger_account_check("4000", "revenue", "", "blood_products", "", &e), 0);
    assert_int_equal(ledger_account_check("6150-NY", "general_administrative", NULL, NULL, NULL, &e), 0);
    struct {
        const char *code, *type, *term, *segment, *group, *field;
    } refused[] = {
        {"", "asset", "current", "", "", "code"},
        {"61 50", "asset", "current", "", "", "code"},
        {"-6150", "asset", "current", "", "", "code"},
        {"6150", "assets", "current", "", "", "type"},
        {"1500", "asset", "", "", "", "term"},
        {"6000", "general_administrative", "current", "", "", "term"},
        {"4400", "revenue", "", "", "", "segment"},
        {"6000", "general_administrative", "", "blood_products", "", "segment"},
        {"1500", "asset", "non_current", "", "cash", "group"},
        {"2000", "liability", "current", "", "receivables", "group"},
        {"1050", "asset", "current", "", "bank", "group"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(ledger_account_check(refused[i].code, refused[i].type, refused[i].term,
                                              refused[i].segment, refused[i].group, &e),
                         -1);
        assert_string_equal(e.field, refused[i].field);
    }
    assert_int_equal(account_type_from_name("contra_asset"), ACCOUNT_CONTRA_ASSET);
    assert_string_equal(account_type_name(ACCOUNT_INCOME_TAX), "income_tax");
}

static void test_amounts(void **state)
{
    err e;
    assert_int_equal(ledger_amount_check(-150000, "amount", &e), 0);
    assert_int_equal(ledger_amount_check(0, "amount", &e), -1);
    assert_string_equal(e.field, "amount");
    assert_int_equal(ledger_amount_check(10000000000001LL, "amount", &e), -1);
}

static void test_csv_split(void **state)
{
    char line[] = "2004-01-31,J1,4000,LA-01,-250.00,\"Platelets, apheresis \"\"leukoreduced\"\"\"";
    char *f[8];
    assert_int_equal(csv_split(line, f, 8), 6);
    assert_string_equal(f[0], "2004-01-31");
    assert_string_equal(f[3], "LA-01");
    assert_string_equal(f[5], "Platelets, apheresis \"leukoreduced\"");
    char empty[] = "a,,";
    assert_int_equal(csv_split(empty, f, 8), 3);
    assert_string_equal(f[1], "");
    assert_string_equal(f[2], "");
    char unclosed[] = "a,\"b";
    assert_int_equal(csv_split(unclosed, f, 8), -1);
    char trailing[] = "\"b\"x,c";
    assert_int_equal(csv_split(trailing, f, 8), -1);
    char many[] = "1,2,3";
    assert_int_equal(csv_split(many, f, 2), -1);
    char crlf[] = "a,b\r\n";
    assert_int_equal(csv_chomp(crlf), 3);
    assert_string_equal(crlf, "a,b");
}

/* A line that no field may hold, named by its field as csv_split reads it
 * (the stray quote and the doubled quote were found by fuzzing). */
static void test_csv_line_flaw(void **state)
{
    (void)state;
    int field = -1;
    static const char clean[] = "2004-01-31,J1,4000,,-1.00,memo";
    assert_null(csv_line_flaw(clean, sizeof clean - 1, &field));
    static const char nul[] = "2004-01-31,J1,4000,,-1.00,memo\0hidden";
    assert_string_equal(csv_line_flaw(nul, sizeof nul - 1, &field), "holds a NUL byte");
    assert_int_equal(field, 5);
    static const char invalid[] = "a,\xC3\x28,c";
    assert_string_equal(csv_line_flaw(invalid, sizeof invalid - 1, &field),
                        "is not valid UTF-8 text");
    assert_int_equal(field, 1);
    static const char stray[] = "a\"b,c\0";
    assert_non_null(csv_line_flaw(stray, sizeof stray - 1, &field));
    assert_int_equal(field, 1); /* a quote inside a field opens nothing */
    static const char doubled[] = "\"a\"\"b,c\",d\0";
    assert_non_null(csv_line_flaw(doubled, sizeof doubled - 1, &field));
    assert_int_equal(field, 1); /* the comma inside the quotes is text */
    static const char surrogate[] = "x,\xED\xA0\x80";
    assert_non_null(csv_line_flaw(surrogate, sizeof surrogate - 1, &field));
    assert_int_equal(field, 1);
}

/* A message quoting a value cut inside a character is made valid UTF-8. */
static void test_utf8_repair(void **state)
{
    (void)state;
    char cut[] = "no account 'Gar\xC3' here";
    utf8_repair(cut);
    assert_string_equal(cut, "no account 'Gar?' here");
    char good[] = "Garc\xC3\xAD" "a";
    utf8_repair(good);
    assert_string_equal(good, "Garc\xC3\xAD" "a");
    assert_int_equal(utf8_invalid_at("ab\xF4\x90\x80\x80", 6), 2); /* past U+10FFFF */
    assert_int_equal(utf8_invalid_at("ab\xC0\xAF", 4), 2);           /* overlong */
    assert_int_equal(utf8_characters("Garc\xC3\xAD" "a"), 6);
    assert_int_equal(utf8_characters("\xFF"), -1);
}

static void test_csv_append(void **state)
{
    buffer out = BUFFER_INIT;
    csv_append_field(&out, "plain");
    buffer_append_char(&out, ',');
    csv_append_field(&out, "a, \"quoted\" memo");
    assert_string_equal(buffer_text(&out), "plain,\"a, \"\"quoted\"\" memo\"");
    buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),      cmocka_unit_test(test_month_keys),
        cmocka_unit_test(test_account_attributes), cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_csv_split),
        cmocka_unit_test(test_csv_line_flaw),
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_csv_append),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
