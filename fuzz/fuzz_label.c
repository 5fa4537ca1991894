/*
 * fuzz_label.c - libFuzzer target for the label's input values
 * (domain/label.h: label_make, label_dpi_parse, label_format_parse) and
 * the SVG drawn from an accepted label (documents/label_render.h:
 * label_render).
 *
 * The input is lines, one per value of label_input in its order: din,
 * flags, group, product, donation_type, divisions, expires, collected,
 * description, facility_name (a missing line, or "~", is a value not
 * given), then dpi and format. What must hold:
 *   - a refusal is ERR_INVALID naming one of the values label.h lists,
 *     with a message; label_dpi_parse accepts exactly the whole numbers
 *     LABEL_DPI_MIN..MAX;
 *   - an accepted label's four bar codes each carry text that parses
 *     (isbt_scan_parse) to exactly one structure of its kind; the
 *     description and facility name are kept as given;
 *   - its SVG renders, is valid UTF-8, and is well-formed markup as far as
 *     text goes: every '<' opens a tag, no '>' or '<' stands in text, every
 *     '&' begins an entity; so no value given can inject markup.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/utf8.h"
#include "documents/label_render.h"
#include "domain/label.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_label: %s\n", what);
        abort();
    }
}

enum { VALUES = 10, LINES = 12 };

static void check_markup(const char *svg, size_t length)
{
    require(strlen(svg) == length, "a NUL byte in the SVG");
    require(utf8_invalid_at(svg, length) < 0, "the SVG is not valid UTF-8");
    static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;"};
    int in_tag = 0, in_quote = 0;
    for (const char *p = svg; *p; p++) {
        if (in_tag) {
            if (*p == '"')
                in_quote = !in_quote;
            else if (*p == '>' && !in_quote)
                in_tag = 0;
            else if (*p == '<')
                require(0, "a '<' inside a tag");
            continue;
        }
        if (*p == '<') {
            require((p[1] >= 'a' && p[1] <= 'z') || p[1] == '/', "a '<' that opens no tag");
            in_tag = 1;
        } else if (*p == '>') {
            require(0, "a '>' in text");
        } else if (*p == '&') {
            int known = 0;
            for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
                known |= strncmp(p, entities[i], strlen(entities[i])) == 0;
            require(known, "an '&' that begins no entity");
        }
    }
    require(!in_tag, "the SVG ends inside a tag");
    require(strncmp(svg, "<svg", 4) == 0 && strstr(svg, "</svg>"), "not an SVG document");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *v[LINES] = {0};
    char *p = text;
    for (int i = 0; i < LINES && p; i++) {
        char *next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        v[i] = strcmp(p, "~") == 0 ? NULL : p;
        p = next;
    }

    int dpi = -1;
    err e = {0};
    if (label_dpi_parse(v[10], &dpi, &e) == 0) {
        if (!v[10]) {
            require(dpi == 0, "no dpi is not the default");
        } else {
            char *end;
            errno = 0;
            long value = strtol(v[10], &end, 10);
            require(end != v[10] && !*end && !errno && value == dpi && dpi >= LABEL_DPI_MIN &&
                        dpi <= LABEL_DPI_MAX,
                    "a dpi accepted out of range");
        }
    } else {
        require(e.code == ERR_INVALID && strcmp(e.field, "dpi") == 0, "a dpi refusal names another field");
    }
    int format = label_format_parse(v[11]);
    require(format == -1 || strcmp(label_format_name((label_format)format), v[11]) == 0,
            "a format name does not read back");

    label_input input = {.din = v[0], .flags = v[1], .group = v[2], .product = v[3],
                         .donation_type = v[4], .divisions = v[5], .expires = v[6],
                         .collected = v[7], .description = v[8], .facility_name = v[9]};
    static label l;
    if (label_make(&input, &l, &e)) {
        static const char *const fields[] = {"din", "flags", "group", "product",
                                             "donation_type", "divisions", "expires",
                                             "collected", "description", "facility_name"};
        int known = 0;
        for (size_t i = 0; i < VALUES; i++)
            known |= strcmp(e.field, fields[i]) == 0;
        if (!known)
            fprintf(stderr, "field '%s'\n", e.field);
        require(known && e.code == ERR_INVALID && e.message[0], "a refusal names another field");
        free(text);
        return 0;
    }
    static const isbt_structure_kind kinds[4] = {ISBT_STRUCTURE_DIN, ISBT_STRUCTURE_BLOOD_GROUP,
                                                 ISBT_STRUCTURE_PRODUCT,
                                                 ISBT_STRUCTURE_EXPIRATION};
    for (int which = 0; which < 4; which++) {
        char barcode[ISBT_STRUCTURE_TEXT_MAX];
        label_barcode_data(&l, which, barcode, sizeof barcode);
        static isbt_scan scan;
        require(isbt_scan_parse(barcode, strlen(barcode), "scan", &scan, &e) == 0 &&
                    scan.count == 1 && scan.structures[0].kind == kinds[which],
                "a bar code's data does not parse back to its structure");
    }
    require(strcmp(l.description, v[8] ? v[8] : "") == 0 &&
                strcmp(l.facility_name, v[9] ? v[9] : "") == 0,
            "the description or facility name changed");

    buffer svg = BUFFER_INIT;
    if (label_render(&l, LABEL_SVG, 0, &svg, &e)) {
        fprintf(stderr, "%s\n", e.message);
        require(0, "an accepted label does not render");
    }
    check_markup(buffer_text(&svg), svg.length);
    buffer_free(&svg);
    free(text);
    return 0;
}
