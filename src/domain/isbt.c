/*
 * isbt.c - ISBT 128 data structures as a whole: the data identifiers of
 * ST-001 table 2, the scan parser that walks concatenated structures, and
 * each structure encoded back to bar code text or described in words.
 *
 * The parser reads a buffer of explicit length (a scanner gives bytes, not
 * a C string) and checks that every structure's full length remains before
 * looking at its content, so it never reads past the end. The values
 * themselves are parsed in isbt_din.c, isbt_group.c and isbt_values.c.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "domain/isbt_internal.h"

/* The structures read here, after the DIN (whose identifier is one "="). */
static const struct {
    char first, second;
    isbt_structure_kind kind;
    size_t content_length;
} supported[] = {
    {'=', '%', ISBT_STRUCTURE_BLOOD_GROUP, ISBT_GROUP_CONTENT_LENGTH},
    {'=', '<', ISBT_STRUCTURE_PRODUCT, ISBT_PRODUCT_CONTENT_LENGTH},
    {'=', '>', ISBT_STRUCTURE_EXPIRATION_DATE, ISBT_DATE_CONTENT_LENGTH},
    {'&', '>', ISBT_STRUCTURE_EXPIRATION, ISBT_DATETIME_CONTENT_LENGTH},
    {'=', '*', ISBT_STRUCTURE_COLLECTION_DATE, ISBT_DATE_CONTENT_LENGTH},
    {'&', '*', ISBT_STRUCTURE_COLLECTION, ISBT_DATETIME_CONTENT_LENGTH},
    {'=', '}', ISBT_STRUCTURE_PRODUCTION_DATE, ISBT_DATE_CONTENT_LENGTH},
    {'&', '}', ISBT_STRUCTURE_PRODUCTION, ISBT_DATETIME_CONTENT_LENGTH},
    {'&', '(', ISBT_STRUCTURE_SPECIAL_TESTING, ISBT_SPECIAL_TESTING_CONTENT_LENGTH},
};
enum { SUPPORTED_COUNT = sizeof supported / sizeof supported[0] };

/* The other ISBT 128 data identifiers (ST-001 table 2, 2.5), named so that
 * a scan holding one is refused for what it is, not as garbage. Number 0:
 * several structures or a nationally defined one. */
static const struct {
    char first, second;
    int number;
    const char *name;
} not_supported[] = {
    {'=', '{', 11, "Special Testing: Red Blood Cell Antigens (retired)"},
    {'=', '\\', 12, "Special Testing: Red Blood Cell Antigens - General"},
    {'&', '\\', 13, "Special Testing: Red Blood Cell Antigens - Finnish"},
    {'&', '{', 14, "Special Testing: Platelet HLA and Platelet Specific Antigens"},
    {'=', '[', 15, "Special Testing: HLA-A and -B Alleles (retired)"},
    {'=', '"', 16, "Special Testing: HLA-DRB1 Alleles (retired)"},
    {'=', ')', 17, "Container Manufacturer and Catalog Number"},
    {'&', ')', 18, "Container Lot Number"},
    {'=', ';', 19, "Donor Identification Number"},
    {'=', '\'', 20, "Staff Member Identification Number"},
    {'=', '-', 21, "Manufacturer and Catalog Number: Items Other Than Containers"},
    {'&', '-', 22, "Lot Number: Items Other Than Containers"},
    {'=', '+', 23, "Compound Message"},
    {'=', '#', 24, "Patient Date of Birth"},
    {'&', '#', 25, "Patient Identification Number"},
    {'=', ']', 26, "Expiration Month and Year"},
    {'&', '"', 27, "Transfusion Transmitted Infection Marker"},
    {'=', '$', 28, "Product Consignment"},
    {'&', '$', 29, "Dimensions"},
    {'&', '%', 30, "Red Cell Antigens with Test History"},
    {'=', '(', 31, "Flexible Date and Time"},
    {'=', ',', 32, "Product Divisions"},
    {'&', '+', 33, "Processing Facility Information Code"},
    {'=', '/', 34, "Processor Product Identification Code"},
    {'&', ',', 0, "MPHO Lot Number, MPHO Supplemental Identification Number or Single European "
                  "Code (data structures 035 to 038)"},
    {'&', ':', 39, "Global Registration Identifier for Donors"},
    {'&', '/', 40, "Chain of Identity Identifier"},
    {'&', ';', 0, "nationally specified Donor Identification Number"},
    {'&', '!', 0, "Confidential Unit Exclusion Status"},
};
enum { NOT_SUPPORTED_COUNT = sizeof not_supported / sizeof not_supported[0] };

static const char *const structure_names[] = {
    [ISBT_STRUCTURE_DIN] = "Donation Identification Number",
    [ISBT_STRUCTURE_BLOOD_GROUP] = "Blood Groups [ABO and RhD]",
    [ISBT_STRUCTURE_PRODUCT] = "Product Code",
    [ISBT_STRUCTURE_EXPIRATION_DATE] = "Expiration Date",
    [ISBT_STRUCTURE_EXPIRATION] = "Expiration Date and Time",
    [ISBT_STRUCTURE_COLLECTION_DATE] = "Collection Date",
    [ISBT_STRUCTURE_COLLECTION] = "Collection Date and Time",
    [ISBT_STRUCTURE_PRODUCTION_DATE] = "Production Date",
    [ISBT_STRUCTURE_PRODUCTION] = "Production Date and Time",
    [ISBT_STRUCTURE_SPECIAL_TESTING] = "Special Testing: General",
};

static const char *const structure_identifiers[] = {
    [ISBT_STRUCTURE_DIN] = "=",
    [ISBT_STRUCTURE_BLOOD_GROUP] = "=%",
    [ISBT_STRUCTURE_PRODUCT] = "=<",
    [ISBT_STRUCTURE_EXPIRATION_DATE] = "=>",
    [ISBT_STRUCTURE_EXPIRATION] = "&>",
    [ISBT_STRUCTURE_COLLECTION_DATE] = "=*",
    [ISBT_STRUCTURE_COLLECTION] = "&*",
    [ISBT_STRUCTURE_PRODUCTION_DATE] = "=}",
    [ISBT_STRUCTURE_PRODUCTION] = "&}",
    [ISBT_STRUCTURE_SPECIAL_TESTING] = "&(",
};

static int kind_is_valid(isbt_structure_kind kind)
{
    return kind >= ISBT_STRUCTURE_DIN && kind <= ISBT_STRUCTURE_SPECIAL_TESTING;
}

const char *isbt_structure_name(isbt_structure_kind kind)
{
    assert(kind_is_valid(kind));
    return structure_names[kind];
}

const char *isbt_structure_identifier(isbt_structure_kind kind)
{
    assert(kind_is_valid(kind));
    return structure_identifiers[kind];
}

static int kind_is_date(isbt_structure_kind kind)
{
    return kind >= ISBT_STRUCTURE_EXPIRATION_DATE && kind <= ISBT_STRUCTURE_PRODUCTION;
}

/* The date-only forms are the even numbers 004, 006, 008. */
static int kind_has_time(isbt_structure_kind kind)
{
    return kind == ISBT_STRUCTURE_EXPIRATION || kind == ISBT_STRUCTURE_COLLECTION ||
           kind == ISBT_STRUCTURE_PRODUCTION;
}

/* A data identifier for a message: '=)' or '=' followed by 0x0A. */
static char *identifier_text(unsigned char first, unsigned char second, char *out, size_t size)
{
    char shown[8];
    if (second >= 0x21 && second <= 0x7E)
        snprintf(out, size, "'%c%c'", first, second);
    else
        snprintf(out, size, "'%c' followed by %s", first,
                 isbt_byte_text(second, shown, sizeof shown));
    return out;
}

/* Refuse the data identifier at `at`: a known one that is not read here,
 * one left to national definition, or an unknown one. */
static int identifier_error(unsigned char first, unsigned char second, size_t at,
                            const char *field, err *e)
{
    char shown[32];
    identifier_text(first, second, shown, sizeof shown);
    for (int i = 0; i < NOT_SUPPORTED_COUNT; i++)
        if (not_supported[i].first == first && not_supported[i].second == second) {
            if (not_supported[i].number)
                return err_set(e, ERR_INVALID, field,
                               "at offset %zu: data identifier %s is the %s (data structure "
                               "%03d), which bloodops does not read",
                               at, shown, not_supported[i].name, not_supported[i].number);
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: data identifier %s is the %s, which bloodops does "
                           "not read",
                           at, shown, not_supported[i].name);
        }
    if (first == '&' && isbt_is_lower(second))
        return err_set(e, ERR_INVALID, field,
                       "at offset %zu: data identifier %s belongs to a structure defined "
                       "nationally or by a facility, which bloodops does not read",
                       at, shown);
    return err_set(e, ERR_INVALID, field, "at offset %zu: unknown data identifier %s", at,
                   shown);
}

/* Read the structure starting at `at` into *structure; returns its length,
 * or 0 after setting the error and *error_offset. */
static size_t parse_one(const unsigned char *bytes, size_t length, size_t at, const char *field,
                        isbt_structure *structure, size_t *error_offset, err *e)
{
    assert(at < length);
    unsigned char first = bytes[at];
    char shown[8];
    if (first != '=' && first != '&') {
        *error_offset = at;
        err_set(e, ERR_INVALID, field,
                "at offset %zu: expected a data identifier, '=' or '&', found %s", at,
                isbt_byte_text(first, shown, sizeof shown));
        return 0;
    }
    if (length - at < 2) {
        *error_offset = length;
        err_set(e, ERR_INVALID, field,
                "at offset %zu: the scan ends inside the data identifier that starts at offset "
                "%zu",
                length, at);
        return 0;
    }
    unsigned char second = bytes[at + 1];
    isbt_structure_kind kind = 0;
    size_t content_at, content_length = 0;
    if (first == '=' && isbt_is_facility_first(second)) {
        /* The DIN: its identifier's second character is its first. */
        kind = ISBT_STRUCTURE_DIN;
        content_at = at + 1;
        content_length = ISBT_DIN_CONTENT_LENGTH;
    } else {
        for (int i = 0; i < SUPPORTED_COUNT; i++)
            if (supported[i].first == first && supported[i].second == second) {
                kind = supported[i].kind;
                content_length = supported[i].content_length;
            }
        if (!kind) {
            *error_offset = at;
            identifier_error(first, second, at, field, e);
            return 0;
        }
        content_at = at + 2;
    }
    if (length - content_at < content_length) {
        *error_offset = length;
        err_set(e, ERR_INVALID, field,
                "at offset %zu: the scan ends inside the %s that starts at offset %zu: it needs "
                "%zu characters after its data identifier, %zu remain",
                length, isbt_structure_name(kind), at, content_length, length - content_at);
        return 0;
    }
    memset(structure, 0, sizeof *structure);
    structure->kind = kind;
    structure->offset = at;
    structure->length = content_at - at + content_length;
    const unsigned char *content = bytes + content_at;
    int rc;
    switch (kind) {
    case ISBT_STRUCTURE_DIN:
        rc = isbt_din_parse_content(content, content_at, field, &structure->din, error_offset, e);
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP:
        rc = isbt_blood_group_parse_content(content, content_at, field, &structure->blood_group,
                                            error_offset, e);
        break;
    case ISBT_STRUCTURE_PRODUCT:
        rc = isbt_product_parse_content(content, content_at, field, &structure->product,
                                        error_offset, e);
        break;
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        rc = isbt_special_testing_parse_content(content, content_at, field,
                                                &structure->special_testing, error_offset, e);
        break;
    default:
        assert(kind_is_date(kind));
        rc = isbt_datetime_parse_content(content, kind_has_time(kind), content_at, field,
                                         &structure->datetime, error_offset, e);
        break;
    }
    return rc ? 0 : structure->length;
}

int isbt_scan_parse(const void *bytes, size_t length, const char *field, isbt_scan *out, err *e)
{
    assert(bytes || length == 0);
    out->count = 0;
    out->error_offset = 0;
    if (length == 0)
        return err_set(e, ERR_INVALID, field, "is empty: expected ISBT 128 data structures");
    size_t at = 0;
    while (at < length) {
        if (out->count == ISBT_SCAN_MAX) {
            out->error_offset = at;
            return err_set(e, ERR_INVALID, field,
                           "at offset %zu: more than %d data structures in one scan", at,
                           ISBT_SCAN_MAX);
        }
        size_t used = parse_one(bytes, length, at, field, &out->structures[out->count],
                                &out->error_offset, e);
        if (!used)
            return -1;
        assert(used <= length - at);
        at += used;
        out->count++;
    }
    return 0;
}

size_t isbt_structure_encode(const isbt_structure *s, char *out, size_t size)
{
    assert(kind_is_valid(s->kind));
    assert(size >= ISBT_STRUCTURE_TEXT_MAX);
    const char *identifier = isbt_structure_identifier(s->kind);
    int written = 0;
    switch (s->kind) {
    case ISBT_STRUCTURE_DIN:
        written = snprintf(out, size, "=%s%s", s->din.din, s->din.flags);
        break;
    case ISBT_STRUCTURE_BLOOD_GROUP:
        written = snprintf(out, size, "=%%%s%c%c", s->blood_group.code, s->blood_group.phenotype,
                           s->blood_group.reserved);
        break;
    case ISBT_STRUCTURE_PRODUCT:
        written = snprintf(out, size, "=<%s", s->product.code);
        break;
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        written = snprintf(out, size, "&(%s", s->special_testing.code);
        break;
    default: {
        const isbt_datetime *d = &s->datetime;
        assert(d->year >= 1900 && d->year <= 2899);
        if (kind_has_time(s->kind))
            written = snprintf(out, size, "%s%03d%03d%02d%02d", identifier, d->year % 1000,
                               d->day_of_year, d->hour, d->minute);
        else
            written = snprintf(out, size, "%s%03d%03d", identifier, d->year % 1000,
                               d->day_of_year);
        break;
    }
    }
    assert(written > 0 && (size_t)written < size);
    return (size_t)written;
}

static const char *const intended_use_meanings[ISBT_USE_COUNT] = {
    "",
    ", directed (dedicated/designated) collection use only",
    ", for emergency use only",
    ", directed (dedicated/designated) collection, biohazardous",
    ", directed (dedicated/designated) collection, eligible for crossover",
    ", autologous collection, eligible for crossover",
    ", for autologous use only",
    ", for autologous use only, biohazardous",
};

char *isbt_structure_describe(const isbt_structure *s, char *out, size_t size)
{
    assert(kind_is_valid(s->kind));
    assert(size >= ISBT_DESCRIPTION_MAX);
    switch (s->kind) {
    case ISBT_STRUCTURE_DIN: {
        char eye_readable[ISBT_EYE_READABLE_MAX];
        isbt_din_eye_readable(&s->din, eye_readable, sizeof eye_readable);
        if (isbt_din_flags_printed(&s->din))
            snprintf(out, size, "%s, flags %s: %s", eye_readable, s->din.flags,
                     isbt_flags_meaning(&s->din));
        else
            snprintf(out, size, "%s", eye_readable);
        break;
    }
    case ISBT_STRUCTURE_BLOOD_GROUP: {
        const isbt_blood_group *g = &s->blood_group;
        snprintf(out, size, "%s%s%s%s", g->meaning,
                 g->special_message ? "" : intended_use_meanings[g->use],
                 g->phenotype == '0' ? "" : "; ", g->phenotype == '0' ? "" : g->phenotype_meaning);
        break;
    }
    case ISBT_STRUCTURE_PRODUCT: {
        const isbt_product *p = &s->product;
        if (p->donation_type)
            snprintf(out, size, "%s (%s), %s, divisions %s", p->description_code, p->family,
                     p->donation_type_meaning, p->divisions);
        else
            snprintf(out, size, "%s (%s), divisions %s", p->description_code, p->family,
                     p->divisions);
        break;
    }
    case ISBT_STRUCTURE_SPECIAL_TESTING:
        snprintf(out, size, "special testing code %s", s->special_testing.code);
        break;
    default: {
        const isbt_datetime *d = &s->datetime;
        if (kind_has_time(s->kind))
            snprintf(out, size, "%04d-%02d-%02d %02d:%02d", d->year, d->month, d->day, d->hour,
                     d->minute);
        else
            snprintf(out, size, "%04d-%02d-%02d", d->year, d->month, d->day);
        break;
    }
    }
    return out;
}
