/*
 * label.c - the content of an ISBT 128 base label (label.h): each value
 * checked through the codec (isbt.h) and turned into the four data
 * structures its bar codes carry; the names of the formats and the
 * resolution. The label is drawn by src/documents/label_render.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/utf8.h"
#include "domain/label.h"

/* --- The content -------------------------------------------------------- */

/* The codec's scan errors start "at offset N: ", which says nothing here:
 * the scan was made from one field. */
static void drop_offset(err *e)
{
    if (strncmp(e->message, "at offset ", 10) != 0)
        return;
    char *rest = strstr(e->message, ": ");
    if (rest)
        memmove(e->message, rest + 2, strlen(rest + 2) + 1);
}

static int given(const char *text)
{
    return text && *text;
}

static void rename_field(err *e, const char *from, const char *to)
{
    if (strcmp(e->field, from) == 0)
        snprintf(e->field, sizeof e->field, "%s", to);
}

/* One structure of `kind` from "identifier + content" made of the text. */
static int parse_one(const char *identifier, const char *text, isbt_structure_kind kind,
                     const char *field, isbt_structure *out, err *e)
{
    char scan_text[ISBT_STRUCTURE_TEXT_MAX + 8];
    /* Accept the structure as scanned, identifier included, or its content. */
    size_t identifier_length = strlen(identifier);
    if (strncmp(text, identifier, identifier_length) == 0)
        text += identifier_length;
    if (strlen(text) > ISBT_STRUCTURE_TEXT_MAX)
        return err_set(e, ERR_INVALID, field, "is too long");
    snprintf(scan_text, sizeof scan_text, "%s%s", identifier, text);
    isbt_scan scan;
    if (isbt_scan_parse(scan_text, strlen(scan_text), field, &scan, e)) {
        drop_offset(e);
        return -1;
    }
    if (scan.count != 1 || scan.structures[0].kind != kind)
        return err_set(e, ERR_INVALID, field, "must be one %s", isbt_structure_name(kind));
    *out = scan.structures[0];
    return 0;
}

/* Text printed as it is: valid UTF-8, no control characters. */
static int text_check(const char *text, size_t max, const char *field, char *out, err *e)
{
    out[0] = '\0';
    if (!given(text))
        return 0;
    size_t length = strlen(text);
    if (length > max)
        return err_set(e, ERR_INVALID, field, "must be at most %zu bytes", max);
    if (utf8_invalid_at(text, length) >= 0)
        return err_set(e, ERR_INVALID, field, "must be UTF-8 text");
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "must not contain control characters");
    memcpy(out, text, length + 1);
    return 0;
}

static int din_part(const label_input *input, isbt_structure *out, err *e)
{
    if (!given(input->din))
        return err_set(e, ERR_INVALID, "din",
                       "is required: 13 characters (W123426123456), with or without the check "
                       "character");
    size_t characters = 0;
    for (const char *p = input->din; *p; p++)
        characters += *p != ' ';
    isbt_din din;
    /* Thirteen characters: the check character is computed; more: typed
     * with it (checked) or scanned. */
    if ((characters > ISBT_DIN_LENGTH || input->din[0] == '=')
            ? isbt_din_check(input->din, &din, "din", e)
            : isbt_din_parse(input->din, &din, "din", e))
        return -1;
    if (given(input->flags)) {
        isbt_din flagged;
        if (isbt_din_make(din.facility, atoi(din.year), atol(din.sequence), input->flags,
                          &flagged, e)) {
            rename_field(e, "facility", "din");
            return -1;
        }
        din = flagged;
    }
    memset(out, 0, sizeof *out);
    out->kind = ISBT_STRUCTURE_DIN;
    out->din = din;
    return 0;
}

static int product_part(const label_input *input, isbt_structure *out, err *e)
{
    if (!given(input->product))
        return err_set(e, ERR_INVALID, "product",
                       "is required: a product description code (E0791) or a whole product code "
                       "(E0791V00)");
    const char *code = input->product;
    if (strncmp(code, "=<", 2) == 0 || strlen(code) != 5) {
        if (strlen(code) - (code[0] == '=' ? 2 : 0) != 8)
            return err_set(e, ERR_INVALID, "product",
                           "must be a product description code of 5 characters (E0791) or a "
                           "whole product code of 8 (E0791V00)");
        if (parse_one("=<", code, ISBT_STRUCTURE_PRODUCT, "product", out, e))
            return -1;
        if (given(input->donation_type) || given(input->divisions))
            return err_set(e, ERR_INVALID,
                           given(input->donation_type) ? "donation_type" : "divisions",
                           "is part of the whole product code given as product");
        return 0;
    }
    const char *type = input->donation_type;
    if (given(type) && strlen(type) != 1)
        return err_set(e, ERR_INVALID, "donation_type",
                       "must be one character of ISBT 128 table 7 (V: volunteer homologous)");
    memset(out, 0, sizeof *out);
    out->kind = ISBT_STRUCTURE_PRODUCT;
    if (isbt_product_make(code, given(type) ? type[0] : 0, input->divisions, &out->product, e)) {
        rename_field(e, "code", "product");
        return -1;
    }
    return 0;
}

static int datetime_part(const char *text, isbt_structure_kind kind, const char *field,
                         isbt_structure *out, err *e)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    if (isbt_datetime_parse(text, &out->datetime, field, e))
        return -1;
    out->datetime.has_time = 1;
    return 0;
}

int label_make(const label_input *input, label *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (din_part(input, &out->din, e))
        return -1;
    if (!given(input->group))
        return err_set(e, ERR_INVALID, "group",
                       "is required: the 4 characters of ISBT 128 data structure 002 (5100 for O "
                       "RhD positive)");
    if (strncmp(input->group, "=%", 2) != 0 && strlen(input->group) != 4)
        return err_set(e, ERR_INVALID, "group",
                       "must be the 4 characters of ISBT 128 data structure 002 (5100 for O RhD "
                       "positive)");
    if (parse_one("=%", input->group, ISBT_STRUCTURE_BLOOD_GROUP, "group", &out->group, e))
        return -1;
    if (product_part(input, &out->product, e))
        return -1;
    if (!given(input->expires))
        return err_set(e, ERR_INVALID, "expires", "is required: YYYY-MM-DD[THH:MM]");
    if (datetime_part(input->expires, ISBT_STRUCTURE_EXPIRATION, "expires", &out->expiry, e))
        return -1;
    if (given(input->collected)) {
        if (datetime_part(input->collected, ISBT_STRUCTURE_COLLECTION, "collected",
                          &out->collection, e))
            return -1;
        out->has_collection = 1;
    }
    if (text_check(input->description, LABEL_DESCRIPTION_MAX, "description", out->description, e))
        return -1;
    if (text_check(input->facility_name, LABEL_FACILITY_MAX, "facility_name", out->facility_name,
                   e))
        return -1;
    return 0;
}

void label_barcode_data(const label *l, int which, char *out, size_t size)
{
    const isbt_structure *structures[] = {&l->din, &l->group, &l->product, &l->expiry};
    if (which < 0 || which > 3) {
        out[0] = '\0';
        return;
    }
    isbt_structure_encode(structures[which], out, size);
}

int label_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "svg") == 0)
        return LABEL_SVG;
    if (strcmp(name, "pdf") == 0)
        return LABEL_PDF;
    if (strcmp(name, "png") == 0)
        return LABEL_PNG;
    return -1;
}

int label_dpi_parse(const char *text, int *dpi, err *e)
{
    *dpi = 0;
    if (!text)
        return 0;
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (end == text || *end || errno || value < LABEL_DPI_MIN || value > LABEL_DPI_MAX)
        return err_set(e, ERR_INVALID, "dpi", "must be a whole number of dots per inch, %d to %d",
                       LABEL_DPI_MIN, LABEL_DPI_MAX);
    *dpi = (int)value;
    return 0;
}

const char *label_format_name(label_format format)
{
    return format == LABEL_PDF ? "pdf" : format == LABEL_PNG ? "png" : "svg";
}

const char *label_format_content_type(label_format format)
{
    return format == LABEL_PDF   ? "application/pdf"
           : format == LABEL_PNG ? "image/png"
                                 : "image/svg+xml";
}
