/*
 * test_json_writer.c - unit tests for json_writer.c: commas between
 * members and elements at every nesting level, null for missing text, and
 * string escaping that parses back (jansson) to the very same bytes,
 * written exactly as jansson writes them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "base/json_writer.h"

static void test_nested_document_has_its_commas(void **state)
{
    buffer out = BUFFER_INIT;
    json_writer w = {&out, 0};
    json_write_object_begin(&w, NULL);
    json_write_string(&w, "din", "W123426123456");
    json_write_boolean(&w, "processed", 1);
    json_write_array_begin(&w, "units");
    json_write_object_begin(&w, NULL);
    json_write_integer(&w, "id", 1);
    json_write_string(&w, "hold", NULL);
    json_write_object_end(&w);
    json_write_object_begin(&w, NULL);
    json_write_integer(&w, "id", -9007199254740993);
    json_write_null(&w, "abo");
    json_write_object_end(&w);
    json_write_array_end(&w);
    json_write_array_begin(&w, "tests");
    json_write_array_end(&w);
    json_write_array_begin(&w, "bounds");
    json_write_integer(&w, NULL, 0);
    json_write_integer(&w, NULL, INT64_MIN);
    json_write_integer(&w, NULL, INT64_MAX);
    json_write_array_end(&w);
    json_write_boolean(&w, "last", 0);
    json_write_object_end(&w);
    assert_string_equal(buffer_text(&out),
                        "{\"din\":\"W123426123456\",\"processed\":true,\"units\":[{\"id\":1,"
                        "\"hold\":null},{\"id\":-9007199254740993,\"abo\":null}],\"tests\":[],"
                        "\"bounds\":[0,-9223372036854775808,9223372036854775807],\"last\":false}");
    buffer_free(&out);
}

static void test_strings_escape_as_jansson_writes_them(void **state)
{
    static const char *const texts[] = {
        "",
        "plain",
        "quote \" and backslash \\ and slash /",
        "tab\tnewline\ncarriage\rbackspace\bform\f",
        "\x01\x1f control",
        "Zürich ÉCLAT 血液 – ✓",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        buffer out = BUFFER_INIT;
        buffer_append_json_string(&out, texts[i]);
        json_t *expected = json_string(texts[i]);
        char *jansson_text = json_dumps(expected, JSON_ENCODE_ANY);
        assert_string_equal(buffer_text(&out), jansson_text);
        json_t *back = json_loads(buffer_text(&out), JSON_DECODE_ANY, NULL);
        assert_non_null(back);
        assert_string_equal(json_string_value(back), texts[i]);
        json_decref(back);
        json_decref(expected);
        free(jansson_text);
        buffer_free(&out);
    }
}

static void test_keys_are_escaped_too(void **state)
{
    buffer out = BUFFER_INIT;
    json_writer w = {&out, 0};
    json_write_object_begin(&w, NULL);
    json_write_integer(&w, "a\"b", 2);
    json_write_object_end(&w);
    assert_string_equal(buffer_text(&out), "{\"a\\\"b\":2}");
    buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_document_has_its_commas),
        cmocka_unit_test(test_strings_escape_as_jansson_writes_them),
        cmocka_unit_test(test_keys_are_escaped_too),
    };
    return cmocka_run_group_tests_name("json_writer: JSON text straight into a buffer", tests, NULL,
                                       NULL);
}
