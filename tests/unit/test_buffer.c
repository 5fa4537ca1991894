/*
 * test_buffer.c - unit tests for buffer.c: appending, printf growth past
 * the initial capacity, reset and handing the text over with buffer_take.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"

static void test_empty_buffer_reads_as_empty_text(void **state)
{
    buffer b = BUFFER_INIT;
    assert_null(b.data);
    assert_string_equal(buffer_text(&b), "");
    assert_int_equal(b.length, 0);
    buffer_free(&b);
}

static void test_append_forms(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_append_text(&b, "unit ");
    buffer_append(&b, "W123400001234xyz", 13);
    buffer_append_char(&b, ';');
    buffer_append(&b, NULL, 0);
    assert_string_equal(buffer_text(&b), "unit W123400001234;");
    assert_int_equal(b.length, strlen("unit W123400001234;"));
    assert_true(b.capacity > b.length);
    buffer_free(&b);
    assert_null(b.data);
    assert_int_equal(b.length, 0);
}

static void test_append_keeps_embedded_nul_bytes(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_append(&b, "a\0b", 3);
    assert_int_equal(b.length, 3);
    assert_memory_equal(b.data, "a\0b", 4); /* plus the terminator */
    buffer_free(&b);
}

static void test_printf_grows_beyond_initial_capacity(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_printf(&b, "%s", "x");
    size_t first_capacity = b.capacity;

    char expected[10000];
    size_t n = 0;
    expected[0] = 'x';
    n = 1;
    for (int i = 0; i < 1000; i++) {
        buffer_printf(&b, ",%04d", i);
        n += (size_t)snprintf(expected + n, sizeof expected - n, ",%04d", i);
    }
    assert_true(b.capacity > first_capacity);
    assert_int_equal(b.length, n);
    assert_string_equal(buffer_text(&b), expected);

    /* one printf far larger than what is there */
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buffer_reset(&b);
    buffer_printf(&b, "[%s] %d", big, 42);
    assert_int_equal(b.length, strlen(big) + 5);
    assert_memory_equal(b.data + 1, big, strlen(big));
    assert_string_equal(b.data + 1 + strlen(big), "] 42");
    buffer_free(&b);
}

static void test_append_from_itself(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_append_text(&b, "abc");
    for (int i = 0; i < 10; i++) /* doubles each time: the data moves */
        buffer_append(&b, b.data, b.length);
    assert_int_equal(b.length, 3 * 1024);
    for (size_t i = 0; i < b.length; i++)
        assert_int_equal(b.data[i], "abc"[i % 3]);
    buffer_free(&b);
}

static void test_reset_keeps_memory(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_printf(&b, "%d donors", 12);
    char *memory = b.data;
    size_t capacity = b.capacity;
    buffer_reset(&b);
    assert_string_equal(buffer_text(&b), "");
    assert_int_equal(b.length, 0);
    assert_ptr_equal(b.data, memory);
    assert_int_equal(b.capacity, capacity);
    buffer_append_text(&b, "again");
    assert_string_equal(buffer_text(&b), "again");
    buffer_free(&b);
}

static void test_take_hands_over_and_empties(void **state)
{
    buffer b = BUFFER_INIT;
    buffer_printf(&b, "%s,%d", "O-", 7);
    char *text = buffer_take(&b);
    assert_string_equal(text, "O-,7");
    assert_null(b.data);
    assert_int_equal(b.length, 0);
    assert_int_equal(b.capacity, 0);
    assert_string_equal(buffer_text(&b), "");
    free(text);

    /* the buffer is usable again after a take */
    buffer_append_text(&b, "next");
    assert_string_equal(buffer_text(&b), "next");
    buffer_free(&b);
}

static void test_take_of_empty_buffer_is_empty_string(void **state)
{
    buffer b = BUFFER_INIT;
    char *text = buffer_take(&b);
    assert_non_null(text);
    assert_string_equal(text, "");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer_reads_as_empty_text),
        cmocka_unit_test(test_append_forms),
        cmocka_unit_test(test_append_keeps_embedded_nul_bytes),
        cmocka_unit_test(test_printf_grows_beyond_initial_capacity),
        cmocka_unit_test(test_append_from_itself),
        cmocka_unit_test(test_reset_keeps_memory),
        cmocka_unit_test(test_take_hands_over_and_empties),
        cmocka_unit_test(test_take_of_empty_buffer_is_empty_string),
    };
    return cmocka_run_group_tests_name("buffer: growable NUL-terminated text", tests, NULL, NULL);
}
