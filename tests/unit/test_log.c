/*
 * test_log.c - unit tests for log.c: logfmt quoting of field values, the
 * shape of a written line and filtering by level (BLOODOPS_LOG_LEVEL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

static char *field(const char *key, const char *value)
{
    static char text[512];
    buffer b = BUFFER_INIT;
    log_field(&b, key, value);
    snprintf(text, sizeof text, "%s", buffer_text(&b));
    buffer_free(&b);
    return text;
}

static void test_plain_values_are_not_quoted(void **state)
{
    assert_string_equal(field("unit", "W123400001234"), " unit=W123400001234");
    assert_string_equal(field("path", "/api/donors/12"), " path=/api/donors/12");
    assert_string_equal(field("status", "200"), " status=200");
    assert_string_equal(field("name", "Zoë"), " name=Zoë"); /* UTF-8 is not a reason */
}

static void test_values_needing_quotes(void **state)
{
    assert_string_equal(field("msg", "server started"), " msg=\"server started\"");
    assert_string_equal(field("q", "a=b"), " q=\"a=b\"");
    assert_string_equal(field("q", "say \"hi\""), " q=\"say \\\"hi\\\"\"");
    assert_string_equal(field("q", ""), " q=\"\"");
    assert_string_equal(field("q", NULL), " q=\"\"");
    assert_string_equal(field("q", "tab\there"), " q=\"tab\\there\"");
}

static void test_backslash_escaped_inside_quotes_only(void **state)
{
    assert_string_equal(field("file", "C:\\dir"), " file=C:\\dir");
    assert_string_equal(field("file", "C:\\my dir"), " file=\"C:\\\\my dir\"");
}

static void test_line_breaks_cannot_forge_a_line(void **state)
{
    /* A user name with a newline must not start a fake log event. */
    const char *text = field("user", "bob\nts=2004-01-01T00:00:00Z level=error msg=forged");
    assert_null(strchr(text, '\n'));
    assert_string_equal(text, " user=\"bob\\nts=2004-01-01T00:00:00Z level=error msg=forged\"");
    assert_string_equal(field("x", "a\r\nb"), " x=\"a\\r\\nb\"");
    assert_string_equal(field("x", "bell\a"), " x=\"bell\\u0007\"");
    assert_string_equal(field("x", "del\x7f"), " x=\"del\\u007f\"");
}

static void test_bad_keys_are_made_safe(void **state)
{
    assert_string_equal(field("bad key", "v"), " bad_key=v");
    assert_string_equal(field("k=v", "v"), " k_v=v");
}

static void test_fields_accumulate(void **state)
{
    buffer b = BUFFER_INIT;
    log_field(&b, "method", "GET");
    log_field(&b, "path", "/api/units");
    log_field(&b, "ms", "3");
    assert_string_equal(buffer_text(&b), " method=GET path=/api/units ms=3");
    buffer_free(&b);
}

/* Run fn with stderr sent to a temporary file and return what it wrote
 * (the caller frees it). stderr is restored before any assertion runs, so
 * cmocka's own messages are never swallowed. */
static char *capture_stderr(void (*fn)(void))
{
    FILE *file = tmpfile();
    assert_non_null(file);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    dup2(fileno(file), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);

    /* The bytes went through the descriptor, not the FILE: ask the fd. */
    off_t size = lseek(fileno(file), 0, SEEK_END);
    assert_true(size >= 0);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    rewind(file);
    size_t got = fread(text, 1, (size_t)size, file);
    text[got] = '\0';
    fclose(file);
    return text;
}

static int count_lines(const char *text)
{
    int lines = 0;
    for (; *text; text++)
        lines += *text == '\n';
    return lines;
}

static void write_one_line(void)
{
    buffer fields = BUFFER_INIT;
    log_field(&fields, "donor", "D-17");
    log_field(&fields, "reason", "low hemoglobin");
    log_write(LOG_WARN, "donor deferred", buffer_text(&fields));
    buffer_free(&fields);
}

static void test_write_produces_one_logfmt_line(void **state)
{
    log_set_level(LOG_INFO);
    char *text = capture_stderr(write_one_line);
    assert_int_equal(count_lines(text), 1);
    assert_int_equal(strncmp(text, "ts=", 3), 0);
    assert_int_equal(text[3 + 19], 'Z'); /* ts=YYYY-MM-DDTHH:MM:SSZ */
    assert_non_null(strstr(text, "Z level=warn msg=\"donor deferred\" donor=D-17 reason=\"low hemoglobin\"\n"));
    free(text);
}

static void write_every_level(void)
{
    log_write(LOG_DEBUG, "d", NULL);
    log_write(LOG_INFO, "i", "");
    log_write(LOG_WARN, "w", NULL);
    log_write(LOG_ERROR, "e", NULL);
    log_info("info %d", 1);
    log_warn("warn %d", 2);
    log_error("error %d", 3);
}

static void test_level_filters_messages(void **state)
{
    log_set_level(LOG_WARN);
    char *text = capture_stderr(write_every_level);
    assert_int_equal(count_lines(text), 4);
    assert_null(strstr(text, "level=debug"));
    assert_null(strstr(text, "level=info"));
    assert_non_null(strstr(text, "level=warn msg=w\n"));
    assert_non_null(strstr(text, "level=error msg=e\n"));
    assert_non_null(strstr(text, "level=warn msg=\"warn 2\"\n"));
    assert_non_null(strstr(text, "level=error msg=\"error 3\"\n"));
    free(text);

    log_set_level(LOG_DEBUG);
    text = capture_stderr(write_every_level);
    assert_int_equal(count_lines(text), 7);
    assert_non_null(strstr(text, "level=debug msg=d\n"));
    assert_non_null(strstr(text, "level=info msg=\"info 1\"\n"));
    free(text);
    log_set_level(LOG_INFO);
}

static void test_init_reads_environment(void **state)
{
    setenv("BLOODOPS_LOG_LEVEL", "error", 1);
    log_set_level(LOG_INFO);
    log_init();
    char *text = capture_stderr(write_every_level);
    assert_int_equal(count_lines(text), 2);
    assert_null(strstr(text, "level=warn"));
    free(text);

    setenv("BLOODOPS_LOG_LEVEL", "debug", 1);
    log_init();
    text = capture_stderr(write_every_level);
    assert_int_equal(count_lines(text), 7);
    free(text);

    unsetenv("BLOODOPS_LOG_LEVEL");
    log_set_level(LOG_INFO);
}

static void init_with_typo(void)
{
    setenv("BLOODOPS_LOG_LEVEL", "verbose", 1);
    log_init();
    unsetenv("BLOODOPS_LOG_LEVEL");
}

static void test_init_warns_about_unknown_level(void **state)
{
    log_set_level(LOG_INFO);
    char *text = capture_stderr(init_with_typo);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, "level=warn"));
    assert_non_null(strstr(text, "verbose"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_values_are_not_quoted),
        cmocka_unit_test(test_values_needing_quotes),
        cmocka_unit_test(test_backslash_escaped_inside_quotes_only),
        cmocka_unit_test(test_line_breaks_cannot_forge_a_line),
        cmocka_unit_test(test_bad_keys_are_made_safe),
        cmocka_unit_test(test_fields_accumulate),
        cmocka_unit_test(test_write_produces_one_logfmt_line),
        cmocka_unit_test(test_level_filters_messages),
        cmocka_unit_test(test_init_reads_environment),
        cmocka_unit_test(test_init_warns_about_unknown_level),
    };
    return cmocka_run_group_tests_name("log: logfmt lines on stderr", tests, NULL, NULL);
}
