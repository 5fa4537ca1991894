/*
 * test_money.c - unit tests for money.c: checked arithmetic, parsing,
 * formatting as reports print it, and rounding half away from zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/money.h"

static const char *format(int64_t cents, int options)
{
    static char text[MONEY_TEXT_MAX];
    return money_format(cents, options, text, sizeof text);
}

static void test_add_sub_mul(void **state)
{
    int64_t out = 0;
    assert_int_equal(money_add(123456, -456, &out), 0);
    assert_int_equal(out, 123000);
    assert_int_equal(money_sub(5, 10, &out), 0);
    assert_int_equal(out, -5);
    assert_int_equal(money_mul(1999, 3, &out), 0);
    assert_int_equal(out, 5997);
    assert_int_equal(money_add(INT64_MAX - 1, 1, &out), 0);
    assert_true(out == INT64_MAX);
    assert_int_equal(money_sub(INT64_MIN + 1, 1, &out), 0);
    assert_true(out == INT64_MIN);
}

static void test_overflow_returns_error_and_keeps_out(void **state)
{
    int64_t out = 42;
    assert_int_equal(money_add(INT64_MAX, 1, &out), -1);
    assert_int_equal(money_add(INT64_MIN, -1, &out), -1);
    assert_int_equal(money_sub(INT64_MIN, 1, &out), -1);
    assert_int_equal(money_sub(INT64_MAX, -1, &out), -1);
    assert_int_equal(money_sub(0, INT64_MIN, &out), -1);
    assert_int_equal(money_mul(INT64_MAX, 2, &out), -1);
    assert_int_equal(money_mul(INT64_MIN, -1, &out), -1);
    assert_int_equal(money_mul(INT64_MAX / 2 + 1, 2, &out), -1);
    assert_int_equal(out, 42);
}

static void test_format_plain_always_two_decimals(void **state)
{
    assert_string_equal(format(123456, MONEY_PLAIN), "1234.56");
    assert_string_equal(format(-5, MONEY_PLAIN), "-0.05");
    assert_string_equal(format(0, MONEY_PLAIN), "0.00");
    assert_string_equal(format(100, MONEY_PLAIN), "1.00");
    assert_string_equal(format(-123456789, MONEY_PLAIN), "-1234567.89");
    assert_string_equal(format(INT64_MAX, MONEY_PLAIN), "92233720368547758.07");
    assert_string_equal(format(INT64_MIN, MONEY_PLAIN), "-92233720368547758.08");
}

static void test_format_grouped_dollar_parens(void **state)
{
    assert_string_equal(format(123456, MONEY_GROUPED), "1,234.56");
    assert_string_equal(format(12345, MONEY_GROUPED), "123.45");
    assert_string_equal(format(100000, MONEY_GROUPED), "1,000.00");
    assert_string_equal(format(123456789012, MONEY_GROUPED | MONEY_DOLLAR), "$1,234,567,890.12");
    assert_string_equal(format(-123456, MONEY_GROUPED | MONEY_PARENS), "(1,234.56)");
    assert_string_equal(format(-123456, MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS), "($1,234.56)");
    assert_string_equal(format(-123456, MONEY_GROUPED | MONEY_DOLLAR), "-$1,234.56");
    assert_string_equal(format(123456, MONEY_GROUPED | MONEY_PARENS), "1,234.56");
    assert_string_equal(format(INT64_MIN, MONEY_GROUPED | MONEY_DOLLAR | MONEY_PARENS),
                        "($92,233,720,368,547,758.08)");
}

static void test_format_whole_dollars(void **state)
{
    int report = MONEY_DOLLAR | MONEY_GROUPED | MONEY_WHOLE;
    assert_string_equal(format(673600000, report), "$6,736,000");
    assert_string_equal(format(673600049, report), "$6,736,000");
    assert_string_equal(format(0, report), "$0");
    assert_string_equal(format(99999, MONEY_WHOLE), "1000");
    assert_string_equal(format(-673600000, report | MONEY_PARENS), "($6,736,000)");
}

static void test_format_whole_rounds_half_away_from_zero(void **state)
{
    assert_string_equal(format(50, MONEY_WHOLE), "1");
    assert_string_equal(format(-50, MONEY_WHOLE), "-1");
    assert_string_equal(format(49, MONEY_WHOLE), "0");
    assert_string_equal(format(-49, MONEY_WHOLE), "0"); /* no "-0" */
    assert_string_equal(format(-49, MONEY_WHOLE | MONEY_PARENS), "0");
    assert_string_equal(format(150, MONEY_WHOLE), "2");
    assert_string_equal(format(250, MONEY_WHOLE), "3"); /* not banker's rounding */
    assert_string_equal(format(-250, MONEY_WHOLE | MONEY_PARENS), "(3)");
    assert_string_equal(format(INT64_MAX, MONEY_WHOLE), "92233720368547758");
    assert_string_equal(format(INT64_MIN, MONEY_WHOLE), "-92233720368547758");
}

static void test_format_truncates_to_size(void **state)
{
    char small[5];
    money_format(123456, MONEY_PLAIN, small, sizeof small);
    assert_string_equal(small, "1234");
}

static void assert_parses(const char *text, int64_t expected)
{
    int64_t cents = 0;
    err e;
    err_clear(&e);
    if (money_parse(text, &cents, "amount", &e) != 0)
        fail_msg("\"%s\" was rejected: %s", text, e.message);
    assert_true(cents == expected);
    assert_int_equal(e.code, ERR_NONE);
}

static void test_parse_accepted_forms(void **state)
{
    assert_parses("1234.56", 123456);
    assert_parses("-0.05", -5);
    assert_parses("12", 1200);
    assert_parses("12.5", 1250);
    assert_parses("0", 0);
    assert_parses("-0", 0);
    assert_parses("007.01", 701);
    assert_parses("92233720368547758.07", INT64_MAX);
    assert_parses("-92233720368547758.08", INT64_MIN);
}

static void assert_rejected(const char *text)
{
    int64_t cents = 777;
    err e;
    err_clear(&e);
    if (money_parse(text, &cents, "unit_price", &e) != -1)
        fail_msg("\"%s\" was accepted as %lld cents", text, (long long)cents);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "unit_price");
    assert_true(strlen(e.message) > 0);
    assert_int_equal(cents, 777);
}

static void test_parse_rejects_every_other_form(void **state)
{
    const char *bad[] = {"",      "-",    ".5",   "1.",  "1.234", "+1",   "1,000", " 1",
                         "1 ",    "$1",   "1e3",  "--1", "1.-5",  "0x10", "1.5.",  "abc",
                         "12.3a", "-.50", "1..2", "١٢"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_rejected(bad[i]);
    assert_rejected(NULL);
}

static void test_parse_message_explains_the_format(void **state)
{
    int64_t cents;
    err e;
    assert_int_equal(money_parse("1,000", &cents, "price", &e), -1);
    assert_string_equal(e.message, "must be an amount in dollars with at most two decimals, e.g. 1234.56");
    assert_string_equal(err_code_name(e.code), "invalid_input");
}

static void test_parse_rejects_overflow(void **state)
{
    assert_rejected("92233720368547758.08");
    assert_rejected("-92233720368547758.09");
    assert_rejected("92233720368547759");
    assert_rejected("99999999999999999999999999999");
    assert_rejected("-99999999999999999999999999999.99");
}

static void test_parse_format_round_trip(void **state)
{
    const int64_t samples[] = {0,        1,          -1,       99,        -99,
                               100,      -100,       123456,   -123456,   100000000,
                               INT64_MAX, INT64_MIN, 5,        -5,        1000000000000};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int64_t back = 0;
        const char *text = format(samples[i], MONEY_PLAIN);
        assert_int_equal(money_parse(text, &back, "amount", NULL), 0);
        assert_true(back == samples[i]);
    }
    for (int64_t cents = -100000; cents <= 100000; cents += 7) {
        int64_t back = 0;
        assert_int_equal(money_parse(format(cents, MONEY_PLAIN), &back, "amount", NULL), 0);
        assert_true(back == cents);
    }
}

static void test_scale_rounds_half_away_from_zero(void **state)
{
    int64_t out = 0;
    /* 15% of $10.03 = 150.45 cents -> 150 */
    assert_int_equal(money_scale(1003, 15, 100, &out), 0);
    assert_int_equal(out, 150);
    /* 1/2 cent rounds away from zero in both directions */
    assert_int_equal(money_scale(1, 1, 2, &out), 0);
    assert_int_equal(out, 1);
    assert_int_equal(money_scale(-1, 1, 2, &out), 0);
    assert_int_equal(out, -1);
    assert_int_equal(money_scale(1, -1, 2, &out), 0);
    assert_int_equal(out, -1);
    assert_int_equal(money_scale(-1, -1, 2, &out), 0);
    assert_int_equal(out, 1);
    assert_int_equal(money_scale(5, 1, 2, &out), 0); /* 2.5 -> 3 */
    assert_int_equal(out, 3);
    assert_int_equal(money_scale(100, 1, 3, &out), 0); /* 33.33 -> 33 */
    assert_int_equal(out, 33);
    assert_int_equal(money_scale(200, 1, 3, &out), 0); /* 66.67 -> 67 */
    assert_int_equal(out, 67);
    assert_int_equal(money_scale(-200, 1, 3, &out), 0);
    assert_int_equal(out, -67);
    assert_int_equal(money_scale(1, 1, -3, &out), 0); /* -0.33 -> 0 */
    assert_int_equal(out, 0);
}

static void test_scale_large_values_do_not_overflow_midway(void **state)
{
    int64_t out = 0;
    /* $90 trillion prorated by 91/92 days: the product exceeds int64_t. */
    assert_int_equal(money_scale(9000000000000000, 91, 92, &out), 0);
    assert_true(out == 8902173913043478); /* 8902173913043478.26 */
    assert_int_equal(money_scale(INT64_MAX, INT64_MAX, INT64_MAX, &out), 0);
    assert_true(out == INT64_MAX);
    assert_int_equal(money_scale(INT64_MIN, 1, 1, &out), 0);
    assert_true(out == INT64_MIN);
}

static void test_scale_errors(void **state)
{
    int64_t out = 42;
    assert_int_equal(money_scale(100, 1, 0, &out), -1);
    assert_int_equal(money_scale(INT64_MAX, 2, 1, &out), -1);
    assert_int_equal(money_scale(INT64_MIN, -1, 1, &out), -1);
    assert_int_equal(out, 42);
}

/* An amount as the services answer it, formatted as a table prints it;
 * anything else is not an amount and is left alone. */
static void test_format_text(void **state)
{
    char out[MONEY_TEXT_MAX] = "untouched";
    assert_string_equal(money_format_text("6736000.00", MONEY_GROUPED, out, sizeof out),
                        "6,736,000.00");
    assert_string_equal(money_format_text("-1234.5", MONEY_GROUPED | MONEY_PARENS, out, sizeof out),
                        "(1,234.50)");
    assert_string_equal(money_format_text("999.99", MONEY_GROUPED, out, sizeof out), "999.99");
    assert_string_equal(money_format_text("6736000", MONEY_GROUPED | MONEY_DOLLAR | MONEY_WHOLE,
                                          out, sizeof out),
                        "$6,736,000");
    strcpy(out, "untouched");
    assert_null(money_format_text("6,736,000.00", MONEY_GROUPED, out, sizeof out));
    assert_null(money_format_text("W1234", MONEY_GROUPED, out, sizeof out));
    assert_null(money_format_text("", MONEY_GROUPED, out, sizeof out));
    assert_null(money_format_text(NULL, MONEY_GROUPED, out, sizeof out));
    assert_string_equal(out, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_sub_mul),
        cmocka_unit_test(test_overflow_returns_error_and_keeps_out),
        cmocka_unit_test(test_format_plain_always_two_decimals),
        cmocka_unit_test(test_format_grouped_dollar_parens),
        cmocka_unit_test(test_format_whole_dollars),
        cmocka_unit_test(test_format_whole_rounds_half_away_from_zero),
        cmocka_unit_test(test_format_truncates_to_size),
        cmocka_unit_test(test_parse_accepted_forms),
        cmocka_unit_test(test_parse_rejects_every_other_form),
        cmocka_unit_test(test_parse_message_explains_the_format),
        cmocka_unit_test(test_parse_rejects_overflow),
        cmocka_unit_test(test_parse_format_round_trip),
        cmocka_unit_test(test_scale_rounds_half_away_from_zero),
        cmocka_unit_test(test_scale_large_values_do_not_overflow_midway),
        cmocka_unit_test(test_scale_errors),
        cmocka_unit_test(test_format_text),
    };
    return cmocka_run_group_tests_name("money: cents arithmetic, parsing and formatting", tests, NULL, NULL);
}
