/*
 * test_pdf.c - unit tests for the PDF writer (documents/pdf.c): a PDF
 * with its header, trailer, title and creator; as many pages as the text
 * needs (blocks kept whole, a form feed starting a page); text that is not
 * valid UTF-8 or holds control characters still set. That the figures can
 * be read back from the pages is checked in tests/api/documents.test.js
 * (tests/api/lib/pdf_text.js reads the content streams).
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
#include "documents/pdf.h"

/* The PDF of `text` (the test fails when there is none). */
static buffer pdf_of(const char *title, const char *text)
{
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(pdf_from_text(title, NULL, text, &out, &e), 0);
    assert_true(out.length > 500);
    assert_memory_equal(out.data, "%PDF-", 5);
    return out;
}

static const char *find(const buffer *b, const char *needle, const char *from)
{
    size_t length = strlen(needle);
    for (const char *p = from ? from : b->data; p + length <= b->data + b->length; p++)
        if (memcmp(p, needle, length) == 0)
            return p;
    return NULL;
}

/* Page objects: "/Type /Page" not followed by "s" (the page tree). */
static int pages(const buffer *b)
{
    int count = 0;
    for (const char *p = find(b, "/Type /Page", NULL); p; p = find(b, "/Type /Page", p + 1))
        count += p[11] != 's';
    return count;
}

static void test_a_pdf_with_its_title(void **state)
{
    buffer pdf = pdf_of("Lookback case 7", "LOOKBACK CASE 7\n\nStatus   open\n");
    assert_non_null(find(&pdf, "/Title (Lookback case 7)", NULL));
    assert_non_null(find(&pdf, "/Creator (bloodops)", NULL));
    assert_int_equal(pages(&pdf), 1);
    const char *end = pdf.data + pdf.length;
    assert_memory_equal(end - 6, "%%EOF\n", 6);
    assert_string_equal(pdf_content_type, "application/pdf");
    buffer_free(&pdf);

    /* Without a title, the first line is the title. */
    pdf = pdf_of(NULL, "Quarterly results, Q1 2004\nmore\n");
    assert_non_null(find(&pdf, "/Title (Quarterly results, Q1 2004)", NULL));
    buffer_free(&pdf);
}

static void test_long_text_takes_pages(void **state)
{
    buffer text = BUFFER_INIT;
    for (int i = 0; i < 200; i++)
        buffer_printf(&text, "line %d of a long report\n", i);
    buffer pdf = pdf_of("Long", buffer_text(&text));
    int count = pages(&pdf);
    assert_true(count >= 3 && count <= 4); /* 200 lines of 11.25 pt on A4 */
    assert_non_null(find(&pdf, "/Count ", NULL));
    buffer_free(&pdf);
    buffer_free(&text);
}

static void test_form_feed_starts_a_page(void **state)
{
    buffer pdf = pdf_of("Two", "first page\n\fsecond page\n");
    assert_int_equal(pages(&pdf), 2);
    buffer_free(&pdf);
}

static void test_a_block_is_not_split_when_it_fits(void **state)
{
    /* 30 lines, a table of 40, another of 30 (66 lines fit a page at 9 pt):
     * each table stays whole, so three pages where filling every page
     * would take two. */
    buffer text = BUFFER_INIT;
    for (int i = 0; i < 30; i++)
        buffer_printf(&text, "paragraph line %d\n", i);
    for (int table = 0; table < 2; table++) {
        buffer_append_char(&text, '\n');
        for (int i = 0; i < 40 - 10 * table; i++)
            buffer_printf(&text, "table %d row %d\n", table, i);
    }
    buffer pdf = pdf_of("Blocks", buffer_text(&text));
    assert_int_equal(pages(&pdf), 3);
    buffer_free(&pdf);
    buffer_free(&text);
}

static void test_a_heading_stays_with_its_table(void **state)
{
    /* 60 lines; a caption with its underline, then a table of 10; another
     * table of 53. The caption would fit at the foot of the first page,
     * but goes to the second with its table, which pushes the second table
     * to a third page (leaving the caption alone would take two). */
    buffer text = BUFFER_INIT;
    for (int i = 0; i < 60; i++)
        buffer_printf(&text, "paragraph line %d\n", i);
    buffer_append_text(&text, "\nCaption\n-------\n\n");
    for (int i = 0; i < 10; i++)
        buffer_printf(&text, "first table row %d\n", i);
    buffer_append_char(&text, '\n');
    for (int i = 0; i < 53; i++)
        buffer_printf(&text, "second table row %d\n", i);
    buffer pdf = pdf_of("Heading", buffer_text(&text));
    assert_int_equal(pages(&pdf), 3);
    buffer_free(&pdf);
    buffer_free(&text);
}

static void test_odd_text_is_still_set(void **state)
{
    /* A byte that is no UTF-8, control characters, a line far wider than
     * the page, an empty text: each still gives a PDF. */
    buffer wide = BUFFER_INIT;
    buffer_append_text(&wide, "Follow-up result   ");
    for (int i = 0; i < 80; i++)
        buffer_append_text(&wide, "word ");
    buffer_append_text(&wide, "\nWithout\xff UTF-8\tand \x01 controls\n");
    for (int i = 0; i < 300; i++)
        buffer_append_char(&wide, 'x'); /* no space to wrap at */
    buffer_append_char(&wide, '\n');
    buffer pdf = pdf_of("Odd \x02 title\xc3", buffer_text(&wide));
    buffer_free(&pdf);
    buffer_free(&wide);
    pdf = pdf_of("Empty", "");
    assert_int_equal(pages(&pdf), 1);
    buffer_free(&pdf);
}

static void test_appends_to_what_is_there(void **state)
{
    buffer out = BUFFER_INIT;
    buffer_append_text(&out, "before:");
    err e;
    assert_int_equal(pdf_from_text("T", "Demo Blood Services", "text\n", &out, &e), 0);
    assert_memory_equal(out.data, "before:%PDF-", 12);
    buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_pdf_with_its_title),
        cmocka_unit_test(test_long_text_takes_pages),
        cmocka_unit_test(test_form_feed_starts_a_page),
        cmocka_unit_test(test_a_block_is_not_split_when_it_fits),
        cmocka_unit_test(test_a_heading_stays_with_its_table),
        cmocka_unit_test(test_odd_text_is_still_set),
        cmocka_unit_test(test_appends_to_what_is_there),
    };
    return cmocka_run_group_tests(tests, NULL, cairo_caches_release);
}
