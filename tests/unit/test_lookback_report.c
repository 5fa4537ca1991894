/*
 * test_lookback_report.c - unit tests for the lookback case report
 * (documents/lookback_report.c): the text laid out as a terminal shows it
 * (facts, deadlines with OVERDUE, the units traced, the hospitals), the
 * HTML with every value escaped, a case without units or hospitals, and
 * the formats by name.
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
#include "documents/lookback_report.h"

static const lookback_report_deadline deadlines[] = {
    {"quarantine", "2026-11-24", "2026-11-21", 0},
    {"notice", "2026-11-24", NULL, 1},
    {"followup", "2027-01-05", NULL, 0},
};
static const lookback_report_unit units[] = {
    {"W0001 26 000001 [5]", "E0300", "00", "shipped", "shipped", "shipped", "CEDARS", "2026-11-02"},
    {"W0001 26 000002 [X]", "E0500", "00", "released", "quarantined", "quarantined", NULL, NULL},
};
static const char *const hospitals[] = {"CEDARS", "H<&>"};

static lookback_report sample(void)
{
    return (lookback_report){
        .id = 7,
        .status = "closed",
        .donor_number = "D0000011",
        .marker = "HCV",
        .test = "HCV",
        .trigger_din = "W0001 26 000009 [5]",
        .window_start = "2025-11-21",
        .window_end = "2026-11-20",
        .opened_on = "2026-11-21",
        .opened_at = "2026-11-21T10:15:00Z",
        .followup_result = "recipient <b>negative</b> & well",
        .closed_at = "2026-12-01T09:00:00Z",
        .closed_by = "lab.demo",
        .close_reason = "all done",
        .deadlines = deadlines,
        .deadline_count = 3,
        .units = units,
        .unit_count = 2,
        .hospitals = hospitals,
        .hospital_count = 2,
    };
}

static char *render(const lookback_report *r, lookback_report_format format)
{
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(lookback_report_render(r, format, &out, &e), 0);
    return buffer_take(&out);
}

static void test_text(void **state)
{
    lookback_report r = sample();
    char *text = render(&r, LOOKBACK_REPORT_TEXT);
    assert_string_equal(
        text,
        "LOOKBACK CASE 7\n\n"
        "Status             closed\n"
        "Donor              D0000011\n"
        "Marker             HCV (reactive HCV)\n"
        "Trigger donation   W0001 26 000009 [5]\n"
        "Window             donations collected from 2025-11-21 to before 2026-11-20\n"
        "Opened             2026-11-21 (2026-11-21T10:15:00Z)\n"
        "Follow-up result   recipient <b>negative</b> & well\n"
        "Closed             2026-12-01T09:00:00Z by lab.demo: all done\n"
        "\nDEADLINES\n"
        "step         due         done        \n"
        "quarantine   2026-11-24  2026-11-21  \n"
        "notice       2026-11-24  -           OVERDUE\n"
        "followup     2027-01-05  -           \n"
        "\nUNITS TRACED (2)\n"
        "DIN                 PRODUCT DIV  AT TRACE             NOW                  ACTION       "
        "SHIPPED ON HOSPITAL\n"
        "W0001 26 000001 [5] E0300   00   shipped              shipped              shipped      "
        "2026-11-02 CEDARS\n"
        "W0001 26 000002 [X] E0500   00   released             quarantined          quarantined  "
        "-          -\n"
        "\nHOSPITALS TO NOTIFY: CEDARS, H<&>\n");
    free(text);
}

static void test_html_escapes_values(void **state)
{
    lookback_report r = sample();
    char *html = render(&r, LOOKBACK_REPORT_HTML);
    assert_non_null(strstr(html, "<title>Lookback case 7</title>"));
    assert_non_null(strstr(html, "<h1>Lookback case 7</h1>\n<table>\n<tr><th>Status</th><td>closed"
                                 "</td></tr>\n"));
    assert_non_null(strstr(html, "<tr><th>Follow-up result</th><td>recipient &lt;b&gt;negative"
                                 "&lt;/b&gt; &amp; well</td></tr>\n"));
    assert_non_null(strstr(html, "<h2>Deadlines</h2>\n<table><tr><th>Step</th><th>Due</th>"
                                 "<th>Done</th><th></th></tr>\n"));
    assert_non_null(strstr(html, "<tr><td>notice</td><td>2026-11-24</td><td>-</td>"
                                 "<td class=\"overdue\">OVERDUE</td></tr>\n"));
    assert_non_null(strstr(html, "<h2>Units traced (2)</h2>\n<table><tr><th>DIN</th>"
                                 "<th>Product</th><th>Division</th>"));
    assert_non_null(strstr(html, "<p>CEDARS, H&lt;&amp;&gt;</p>\n</body></html>\n"));
    assert_null(strstr(html, "<b>"));
    free(html);
}

static void test_a_case_without_units_or_hospitals(void **state)
{
    lookback_report r = sample();
    r.units = NULL, r.unit_count = 0;
    r.hospitals = NULL, r.hospital_count = 0;
    r.closed_at = NULL;       /* open: no Closed line */
    r.followup_result = NULL; /* shown as "-" */
    char *text = render(&r, LOOKBACK_REPORT_TEXT);
    assert_non_null(strstr(text, "Follow-up result   -\n\nDEADLINES"));
    assert_null(strstr(text, "Closed"));
    assert_non_null(strstr(text, "HOSPITAL\n(no earlier donation in the window)\n\n"
                                 "HOSPITALS TO NOTIFY: none\n"));
    free(text);
    char *html = render(&r, LOOKBACK_REPORT_HTML);
    assert_non_null(strstr(html, "<h2>Hospitals to notify</h2>\n<p>none</p>"));
    free(html);
}

static int holds(const buffer *b, const char *needle)
{
    size_t length = strlen(needle);
    for (size_t i = 0; i + length <= b->length; i++)
        if (memcmp(b->data + i, needle, length) == 0)
            return 1;
    return 0;
}

static void test_pdf_and_formats(void **state)
{
    lookback_report r = sample();
    buffer out = BUFFER_INIT;
    err e;
    assert_int_equal(lookback_report_render(&r, LOOKBACK_REPORT_PDF, &out, &e), 0);
    assert_memory_equal(out.data, "%PDF-", 5);
    assert_true(holds(&out, "/Title (Lookback case 7)"));
    buffer_free(&out);

    assert_int_equal(lookback_report_format_parse(NULL), LOOKBACK_REPORT_TEXT);
    assert_int_equal(lookback_report_format_parse(""), LOOKBACK_REPORT_TEXT);
    assert_int_equal(lookback_report_format_parse("text"), LOOKBACK_REPORT_TEXT);
    assert_int_equal(lookback_report_format_parse("html"), LOOKBACK_REPORT_HTML);
    assert_int_equal(lookback_report_format_parse("pdf"), LOOKBACK_REPORT_PDF);
    assert_int_equal(lookback_report_format_parse("csv"), -1);
    assert_string_equal(lookback_report_content_type(LOOKBACK_REPORT_PDF), "application/pdf");
    assert_string_equal(lookback_report_content_type(LOOKBACK_REPORT_HTML),
                        "text/html; charset=utf-8");
    assert_string_equal(lookback_report_content_type(LOOKBACK_REPORT_TEXT),
                        "text/plain; charset=utf-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_html_escapes_values),
        cmocka_unit_test(test_a_case_without_units_or_hospitals),
        cmocka_unit_test(test_pdf_and_formats),
    };
    return cmocka_run_group_tests(tests, NULL, cairo_caches_release);
}
