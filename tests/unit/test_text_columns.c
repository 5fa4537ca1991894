/*
 * test_text_columns.c - unit tests for text_columns.c: paragraphs wrapped
 * at a width, two-column rows whose descriptions start at one column, long
 * names on a line of their own, words longer than a line cut, widths in
 * characters rather than bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/text_columns.h"

static void test_wrap_breaks_at_spaces_within_the_width(void **state)
{
    buffer out = BUFFER_INIT;
    text_wrap(&out, "the quick brown fox jumps over the lazy dog", 2, 16);
    assert_string_equal(buffer_text(&out), "  the quick\n"
                                           "  brown fox\n"
                                           "  jumps over the\n"
                                           "  lazy dog\n");
    buffer_reset(&out);
    text_wrap(&out, "", 0, 80);
    assert_string_equal(buffer_text(&out), "\n");
    buffer_free(&out);
}

static void test_row_aligns_the_description_and_its_continuations(void **state)
{
    buffer out = BUFFER_INIT;
    text_columns_row(&out, "--date DATE", "the last day of operation, YYYY-MM-DD", 2, 14, 40);
    text_columns_row(&out, "--reason TEXT", "why", 2, 14, 40);
    assert_string_equal(buffer_text(&out), "  --date DATE     the last day of\n"
                                           "                  operation, YYYY-MM-DD\n"
                                           "  --reason TEXT   why\n");
    buffer_free(&out);
}

static void test_a_name_wider_than_the_column_stands_alone(void **state)
{
    buffer out = BUFFER_INIT;
    text_columns_row(&out, "--segment blood_products|blood_services", "for revenue", 2, 10, 40);
    assert_string_equal(buffer_text(&out), "  --segment blood_products|blood_services\n"
                                           "              for revenue\n");
    buffer_free(&out);
}

static void test_a_word_longer_than_a_line_is_cut(void **state)
{
    buffer out = BUFFER_INIT;
    text_columns_row(&out, "-x", "see ABCDEFGHIJKLMNOPQRSTUVWXYZ now", 0, 2, 14);
    assert_string_equal(buffer_text(&out), "-x  see\n"
                                           "    ABCDEFGHIJ\n"
                                           "    KLMNOPQRST\n"
                                           "    UVWXYZ now\n");
    const char *p = buffer_text(&out);
    while (*p) {
        size_t length = strcspn(p, "\n");
        assert_true(length <= 14);
        p += length + (p[length] == '\n');
    }
    buffer_free(&out);
}

static void test_widths_count_characters_not_bytes(void **state)
{
    assert_int_equal(text_width("\u00b0C"), 2);
    assert_int_equal(text_width(""), 0);
    buffer out = BUFFER_INIT;
    text_columns_row(&out, "--t \u00b0C", "degrees", 0, 6, 40);
    assert_string_equal(buffer_text(&out), "--t \u00b0C  degrees\n");
    buffer_reset(&out);
    text_wrap(&out, "\u00b5L \u00b5L \u00b5L", 0, 5);
    assert_string_equal(buffer_text(&out), "\u00b5L \u00b5L\n\u00b5L\n");
    buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_breaks_at_spaces_within_the_width),
        cmocka_unit_test(test_row_aligns_the_description_and_its_continuations),
        cmocka_unit_test(test_a_name_wider_than_the_column_stands_alone),
        cmocka_unit_test(test_a_word_longer_than_a_line_is_cut),
        cmocka_unit_test(test_widths_count_characters_not_bytes),
    };
    return cmocka_run_group_tests_name("text columns: wrapped help text and aligned columns", tests,
                                       NULL, NULL);
}
