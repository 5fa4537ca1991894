/*
 * test_label.c - unit tests for the ISBT 128 unit label (domain/label.h,
 * documents/label_render.h): its content checked through the codec (every
 * bad input refused naming its field), the bar code data, and the three
 * renderings: SVG well formed enough (100 mm square, the eye-readable DIN,
 * the group, escaped text), PDF and PNG by their signatures and sizes. That
 * the bar codes decode back to their data is checked with zbarimg in
 * tests/api/label.test.js. The
 * group of a recorded unit's label is made from its typing the way
 * service/unit_label.c makes it (isbt_blood_group_make, then its four
 * characters): every ABO/RhD typing goes onto the label and back.
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
#include "documents/label_render.h"
#include "domain/label.h"

static label_input valid_input(void)
{
    label_input input = {
        .din = "W123426123456",
        .group = "5100",
        .product = "E0791",
        .donation_type = "V",
        .expires = "2026-12-01T23:59",
    };
    return input;
}

static void make(const label_input *input, label *out)
{
    err e;
    int rc = label_make(input, out, &e);
    if (rc)
        fail_msg("label_make: %s: %s", e.field, e.message);
}

static void assert_refused(const label_input *input, const char *field)
{
    label l;
    err e;
    err_clear(&e);
    assert_int_equal(label_make(input, &l, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, field);
    assert_true(strlen(e.message) > 0);
    /* The codec's "at offset N:" says nothing about a single field. */
    assert_null(strstr(e.message, "at offset"));
}

static void test_barcode_data(void **state)
{
    (void)state;
    label_input input = valid_input();
    label l;
    make(&input, &l);
    char data[ISBT_STRUCTURE_TEXT_MAX];
    label_barcode_data(&l, 0, data, sizeof data);
    assert_string_equal(data, "=W12342612345600");
    label_barcode_data(&l, 1, data, sizeof data);
    assert_string_equal(data, "=%5100");
    label_barcode_data(&l, 2, data, sizeof data);
    assert_string_equal(data, "=<E0791V00");
    label_barcode_data(&l, 3, data, sizeof data);
    assert_string_equal(data, "&>0263352359");
    assert_int_equal(l.din.din.check_character, '7');
}

static void test_other_forms_of_input(void **state)
{
    (void)state;
    label_input input = valid_input();
    label l;
    char data[ISBT_STRUCTURE_TEXT_MAX];
    /* A DIN typed with its check character, flags given apart. */
    input.din = "W1234 26 123456 7";
    input.flags = "02";
    make(&input, &l);
    label_barcode_data(&l, 0, data, sizeof data);
    assert_string_equal(data, "=W12342612345602");
    /* A scanned DIN keeps its flags; structures given with identifiers. */
    input.din = "=W12342612345602";
    input.flags = NULL;
    input.group = "=%9500";
    input.product = "=<E0791V00";
    input.donation_type = NULL;
    input.expires = "2026-12-01";
    make(&input, &l);
    label_barcode_data(&l, 0, data, sizeof data);
    assert_string_equal(data, "=W12342612345602");
    label_barcode_data(&l, 1, data, sizeof data);
    assert_string_equal(data, "=%9500");
    label_barcode_data(&l, 2, data, sizeof data);
    assert_string_equal(data, "=<E0791V00");
    label_barcode_data(&l, 3, data, sizeof data);
    assert_string_equal(data, "&>0263352359");
}

static void test_refusals_name_the_field(void **state)
{
    (void)state;
    label_input input;

    input = valid_input();
    input.din = NULL;
    assert_refused(&input, "din");
    input.din = "W1234 26 123456 8"; /* K is 7 */
    assert_refused(&input, "din");
    input.din = "W1234";
    assert_refused(&input, "din");
    input = valid_input();
    input.flags = "0";
    assert_refused(&input, "flags");
    input.flags = "61"; /* a type 3 value that is not this DIN's */
    assert_refused(&input, "flags");

    input = valid_input();
    input.group = "ZZ00";
    assert_refused(&input, "group");
    input.group = "51";
    assert_refused(&input, "group");
    input.group = NULL;
    assert_refused(&input, "group");

    input = valid_input();
    input.product = "E07";
    assert_refused(&input, "product");
    input.product = NULL;
    assert_refused(&input, "product");
    input = valid_input();
    input.donation_type = NULL; /* blood components need one */
    assert_refused(&input, "donation_type");
    input = valid_input();
    input.product = "E0791V00";
    assert_refused(&input, "donation_type");

    input = valid_input();
    input.expires = "2026-13-01";
    assert_refused(&input, "expires");
    input.expires = "tomorrow";
    assert_refused(&input, "expires");
    input.expires = NULL;
    assert_refused(&input, "expires");
    input = valid_input();
    input.collected = "2026-02-30";
    assert_refused(&input, "collected");

    input = valid_input();
    input.description = "line\nbreak";
    assert_refused(&input, "description");
    input.description = "\xff\xfe";
    assert_refused(&input, "description");
    input.description = "\xed\xa0\x80 surrogate"; /* found by fuzzing: reached the SVG */
    assert_refused(&input, "description");
    input.description = "\xc0\xaf overlong";
    assert_refused(&input, "description");
    input = valid_input();
    char long_name[LABEL_FACILITY_MAX + 2];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    input.facility_name = long_name;
    assert_refused(&input, "facility_name");
}

static void test_svg(void **state)
{
    (void)state;
    label_input input = valid_input();
    input.description = "Red Blood Cells <AS-1> & \"irradiated\"";
    input.facility_name = "Sherman Oaks Donor Center";
    input.collected = "2026-10-20T09:15";
    label l;
    make(&input, &l);
    buffer svg = BUFFER_INIT;
    err e;
    assert_int_equal(label_render(&l, LABEL_SVG, 0, &svg, &e), 0);
    const char *text = buffer_text(&svg);
    assert_int_equal(strncmp(text, "<svg ", 5), 0);
    assert_non_null(strstr(text, "width=\"100mm\""));
    assert_non_null(strstr(text, "height=\"100mm\""));
    assert_non_null(strstr(text, "viewBox=\"0 0 100 100\""));
    assert_non_null(strstr(text, "</svg>\n"));
    assert_non_null(strstr(text, ">W1234 26 123456<"));           /* the DIN */
    assert_non_null(strstr(text, ">7</text>"));                   /* its boxed K */
    assert_non_null(strstr(text, "<title>ISBT 128 label W1234 26 123456 [7]</title>"));
    assert_non_null(strstr(text, ">O</text>"));                   /* the group */
    assert_non_null(strstr(text, ">RhD POSITIVE</text>"));
    assert_non_null(strstr(text, ">E0791V00</text>"));
    assert_non_null(strstr(text, ">01 DEC 2026</text>"));
    assert_non_null(strstr(text, ">23:59</text>"));
    assert_non_null(strstr(text, ">COLLECTED 20 OCT 2026</text>"));
    assert_non_null(strstr(text, "Sherman Oaks"));
    /* Escaped, never raw. */
    assert_non_null(strstr(text, "&lt;AS-1&gt;"));
    assert_non_null(strstr(text, "&amp;"));
    assert_non_null(strstr(text, "&quot;irradiated&quot;"));
    assert_null(strstr(text, "<AS-1>"));
    /* Four bar codes, each one path of bars. */
    int paths = 0;
    for (const char *p = strstr(text, "<path "); p; p = strstr(p + 1, "<path "))
        paths++;
    assert_int_equal(paths, 4);
    /* Every element opened is closed: as many '<' as '>'. */
    size_t opened = 0, closed = 0;
    for (const char *p = text; *p; p++) {
        opened += *p == '<';
        closed += *p == '>';
    }
    assert_int_equal(opened, closed);
    buffer_free(&svg);
}

static void test_flags_printed_rotated(void **state)
{
    (void)state;
    label_input input = valid_input();
    input.flags = "02";
    label l;
    make(&input, &l);
    buffer svg = BUFFER_INIT;
    err e;
    assert_int_equal(label_render(&l, LABEL_SVG, 0, &svg, &e), 0);
    const char *flags = strstr(buffer_text(&svg), ">02</text>");
    assert_non_null(flags);
    /* The element holding them is rotated. */
    const char *start = flags;
    while (start > buffer_text(&svg) && strncmp(start, "<text", 5) != 0)
        start--;
    char element[512];
    size_t length = (size_t)(flags - start);
    assert_true(length < sizeof element);
    memcpy(element, start, length);
    element[length] = '\0';
    assert_non_null(strstr(element, "rotate(-90"));
    buffer_free(&svg);
}

static void test_pdf_and_png(void **state)
{
    (void)state;
    label_input input = valid_input();
    label l;
    make(&input, &l);
    err e;
    buffer pdf = BUFFER_INIT;
    assert_int_equal(label_render(&l, LABEL_PDF, 0, &pdf, &e), 0);
    assert_true(pdf.length > 1000);
    assert_memory_equal(pdf.data, "%PDF-", 5);
    assert_memory_equal(pdf.data + pdf.length - 6, "%%EOF\n", 6);
    buffer_free(&pdf);

    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    buffer png = BUFFER_INIT;
    assert_int_equal(label_render(&l, LABEL_PNG, 0, &png, &e), 0);
    assert_true(png.length > 1000);
    assert_memory_equal(png.data, signature, 8);
    /* IHDR: width and height of 100 mm at 203 dpi, 799 pixels. */
    const unsigned char *header = (const unsigned char *)png.data + 16;
    uint32_t width = (uint32_t)header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3];
    uint32_t height = (uint32_t)header[4] << 24 | header[5] << 16 | header[6] << 8 | header[7];
    assert_int_equal(width, 799);
    assert_int_equal(height, 799);
    buffer_free(&png);

    buffer fine = BUFFER_INIT;
    assert_int_equal(label_render(&l, LABEL_PNG, 300, &fine, &e), 0);
    header = (const unsigned char *)fine.data + 16;
    width = (uint32_t)header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3];
    assert_int_equal(width, 1181);
    buffer_free(&fine);

    buffer none = BUFFER_INIT;
    assert_int_equal(label_render(&l, LABEL_PNG, 50, &none, &e), -1);
    assert_string_equal(e.field, "dpi");
    assert_int_equal(none.length, 0);
    buffer_free(&none);
}

static void test_formats(void **state)
{
    (void)state;
    assert_int_equal(label_format_parse("svg"), LABEL_SVG);
    assert_int_equal(label_format_parse("pdf"), LABEL_PDF);
    assert_int_equal(label_format_parse("png"), LABEL_PNG);
    assert_int_equal(label_format_parse("gif"), -1);
    assert_int_equal(label_format_parse(NULL), -1);
    assert_string_equal(label_format_content_type(LABEL_SVG), "image/svg+xml");
    assert_string_equal(label_format_content_type(LABEL_PDF), "application/pdf");
    assert_string_equal(label_format_content_type(LABEL_PNG), "image/png");
}

/* Every group of tables 4 and 5 a label may carry renders, special
 * messages and Bombay included, and so do the other product families. */
static void test_every_kind_renders(void **state)
{
    (void)state;
    static const char *const groups[] = {"5100", "9500", "0600", "6200", "1700", "7300", "2800",
                                         "8400", "5500", "D600", "G600", "E000", "I000", "K000",
                                         "Mq00", "5106"};
    err e;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        label_input input = valid_input();
        input.group = groups[i];
        label l;
        if (label_make(&input, &l, &e)) {
            /* A code the codec does not know is refused naming the group. */
            assert_string_equal(e.field, "group");
            continue;
        }
        buffer svg = BUFFER_INIT;
        assert_int_equal(label_render(&l, LABEL_SVG, 0, &svg, &e), 0);
        buffer_free(&svg);
    }
    label_input input = valid_input();
    input.product = "T1295";
    input.donation_type = NULL;
    input.divisions = "003";
    label l;
    make(&input, &l);
    buffer png = BUFFER_INIT;
    assert_int_equal(label_render(&l, LABEL_PNG, 0, &png, &e), 0);
    buffer_free(&png);
}

/* A typed unit's group as service/unit_label.c writes it: the code of
 * isbt_blood_group_make (default intended use, no phenotype) as "ggre",
 * which label_make takes and the label's bar code carries unchanged. */
static void test_group_from_typing(void **state)
{
    (void)state;
    static const struct {
        isbt_abo abo;
        isbt_rhd rhd;
        const char *code, *abo_text, *rhd_text;
    } typings[] = {
        {ISBT_ABO_O, ISBT_RHD_POSITIVE, "5100", ">O</text>", ">RhD POSITIVE</text>"},
        {ISBT_ABO_O, ISBT_RHD_NEGATIVE, "9500", ">O</text>", ">RhD NEGATIVE</text>"},
        {ISBT_ABO_A, ISBT_RHD_POSITIVE, "6200", ">A</text>", ">RhD POSITIVE</text>"},
        {ISBT_ABO_A, ISBT_RHD_NEGATIVE, "0600", ">A</text>", ">RhD NEGATIVE</text>"},
        {ISBT_ABO_B, ISBT_RHD_POSITIVE, "7300", ">B</text>", ">RhD POSITIVE</text>"},
        {ISBT_ABO_B, ISBT_RHD_NEGATIVE, "1700", ">B</text>", ">RhD NEGATIVE</text>"},
        {ISBT_ABO_AB, ISBT_RHD_POSITIVE, "8400", ">AB</text>", ">RhD POSITIVE</text>"},
        {ISBT_ABO_AB, ISBT_RHD_NEGATIVE, "2800", ">AB</text>", ">RhD NEGATIVE</text>"},
    };
    err e;
    for (size_t i = 0; i < sizeof typings / sizeof typings[0]; i++) {
        isbt_blood_group group;
        assert_int_equal(isbt_blood_group_make(typings[i].abo, typings[i].rhd, ISBT_USE_DEFAULT,
                                               '0', &group, &e),
                         0);
        char code[5];
        snprintf(code, sizeof code, "%c%c%c%c", group.code[0], group.code[1], group.phenotype,
                 group.reserved);
        assert_string_equal(code, typings[i].code);
        label_input input = valid_input();
        input.group = code;
        label l;
        make(&input, &l);
        assert_int_equal(l.group.blood_group.abo, typings[i].abo);
        assert_int_equal(l.group.blood_group.rhd, typings[i].rhd);
        char data[ISBT_STRUCTURE_TEXT_MAX], expected[ISBT_STRUCTURE_TEXT_MAX];
        label_barcode_data(&l, 1, data, sizeof data);
        snprintf(expected, sizeof expected, "=%%%s", typings[i].code);
        assert_string_equal(data, expected);
        buffer svg = BUFFER_INIT;
        assert_int_equal(label_render(&l, LABEL_SVG, 0, &svg, &e), 0);
        assert_non_null(strstr(buffer_text(&svg), typings[i].abo_text));
        assert_non_null(strstr(buffer_text(&svg), typings[i].rhd_text));
        buffer_free(&svg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_barcode_data),
        cmocka_unit_test(test_other_forms_of_input),
        cmocka_unit_test(test_refusals_name_the_field),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_flags_printed_rotated),
        cmocka_unit_test(test_pdf_and_png),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_every_kind_renders),
        cmocka_unit_test(test_group_from_typing),
    };
    return cmocka_run_group_tests(tests, NULL, cairo_caches_release);
}
