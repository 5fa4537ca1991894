/*
 * test_error.c - unit tests for error.c: filling an err, the stable code
 * names the JSON envelope uses, and truncation that keeps UTF-8 valid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/error.h"

static void test_set_fills_code_field_and_message(void **state)
{
    err e;
    err_clear(&e);
    assert_int_equal(err_set(&e, ERR_INVALID, "abo", "must be one of %s", "O, A, B, AB"), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "abo");
    assert_string_equal(e.message, "must be one of O, A, B, AB");

    assert_int_equal(err_set(&e, ERR_NOT_FOUND, NULL, "no donor %d", 17), -1);
    assert_string_equal(e.field, "");
    assert_string_equal(e.message, "no donor 17");

    err_clear(&e);
    assert_int_equal(e.code, ERR_NONE);
    assert_string_equal(e.field, "");
    assert_string_equal(e.message, "");
}

static void test_set_without_err_still_returns_failure(void **state)
{
    assert_int_equal(err_set(NULL, ERR_INTERNAL, "x", "ignored"), -1);
    err_clear(NULL);
}

static void test_code_names_are_stable(void **state)
{
    assert_string_equal(err_code_name(ERR_INVALID), "invalid_input");
    assert_string_equal(err_code_name(ERR_NOT_FOUND), "not_found");
    assert_string_equal(err_code_name(ERR_CONFLICT), "conflict");
    assert_string_equal(err_code_name(ERR_UNAUTHORIZED), "unauthorized");
    assert_string_equal(err_code_name(ERR_FORBIDDEN), "forbidden");
    assert_string_equal(err_code_name(ERR_THROTTLED), "throttled");
    assert_string_equal(err_code_name(ERR_TOO_LARGE), "too_large");
    assert_string_equal(err_code_name(ERR_BUSY), "busy");
    assert_string_equal(err_code_name(ERR_INTERNAL), "internal");
    assert_string_equal(err_code_name(ERR_NONE), "none");
    assert_string_equal(err_code_name((err_code)99), "internal");
}

static int is_valid_utf8(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        int extra = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;
        p++;
        for (int i = 0; i < extra; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void test_long_message_is_truncated_on_a_character_boundary(void **state)
{
    char long_text[1000] = "";
    for (int i = 0; i < 400; i++)
        strcat(long_text, "é"); /* two bytes each: the cut lands mid-character */
    err e;
    err_set(&e, ERR_INVALID, "name", "%s", long_text);
    assert_true(strlen(e.message) < ERR_MESSAGE_MAX);
    assert_true(strlen(e.message) >= ERR_MESSAGE_MAX - 4);
    assert_true(is_valid_utf8(e.message));

    char three_byte[1000] = "x";
    for (int i = 0; i < 300; i++)
        strcat(three_byte, "€");
    err_set(&e, ERR_INVALID, three_byte, "%s", three_byte);
    assert_true(is_valid_utf8(e.message));
    assert_true(is_valid_utf8(e.field));
    assert_true(strlen(e.field) < ERR_FIELD_MAX && strlen(e.field) >= ERR_FIELD_MAX - 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_fills_code_field_and_message),
        cmocka_unit_test(test_set_without_err_still_returns_failure),
        cmocka_unit_test(test_code_names_are_stable),
        cmocka_unit_test(test_long_message_is_truncated_on_a_character_boundary),
    };
    return cmocka_run_group_tests_name("error: errors as values", tests, NULL, NULL);
}
