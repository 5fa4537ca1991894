/*
 * isbt_internal.h - what the ISBT 128 files (isbt.c, isbt_din.c,
 * isbt_group.c, isbt_values.c) share and nobody else uses: the character classes of
 * ST-001, and the parsers of each structure's data content that the scan
 * parser calls once it has checked the data identifier and the length.
 *
 * A content parser reads exactly its structure's content length from
 * `content` (the caller has checked that many bytes remain), reports a
 * problem at its byte offset in the scan (`offset` is where the content
 * starts) through *error_offset and the error, and fills *out.
 */
#ifndef BLOODOPS_DOMAIN_ISBT_INTERNAL_H
#define BLOODOPS_DOMAIN_ISBT_INTERNAL_H

#include <stddef.h>
#include "domain/isbt.h"

enum {
    ISBT_DIN_CONTENT_LENGTH = 15,    /* αppppyynnnnnnff */
    ISBT_GROUP_CONTENT_LENGTH = 4,   /* ggre */
    ISBT_PRODUCT_CONTENT_LENGTH = 8, /* αooootds */
    ISBT_DATE_CONTENT_LENGTH = 6,    /* cyyjjj */
    ISBT_DATETIME_CONTENT_LENGTH = 10, /* cyyjjjhhmm */
    ISBT_SPECIAL_TESTING_CONTENT_LENGTH = 5, /* zzzzz */
};

static inline int isbt_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int isbt_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int isbt_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int isbt_is_upper_or_digit(int c) { return isbt_is_upper(c) || isbt_is_digit(c); }

/* α of a FIN: {A-N, P-Z, 1-9}. It is also what tells a DIN from every other
 * structure after "=". */
static inline int isbt_is_facility_first(int c)
{
    return (isbt_is_upper(c) && c != 'O') || (c >= '1' && c <= '9');
}

/* The second and third characters of a FIN: {A-N, P-Z, 0-9}. */
static inline int isbt_is_facility_second(int c)
{
    return (isbt_is_upper(c) && c != 'O') || isbt_is_digit(c);
}

/* Flag characters: {0-9, A-H, J-N, P, R-Y}. */
static inline int isbt_is_flag_character(int c)
{
    return isbt_is_digit(c) || (c >= 'A' && c <= 'H') || (c >= 'J' && c <= 'N') || c == 'P' ||
           (c >= 'R' && c <= 'Y');
}

/* How a byte is shown in a message: 'A', or 0x0A for what does not print.
 * out holds at least 8 bytes; returns out. */
char *isbt_byte_text(unsigned char c, char *out, size_t size);

int isbt_din_parse_content(const unsigned char *content, size_t offset, const char *field,
                           isbt_din *out, size_t *error_offset, err *e);
int isbt_blood_group_parse_content(const unsigned char *content, size_t offset,
                                   const char *field, isbt_blood_group *out,
                                   size_t *error_offset, err *e);
int isbt_product_parse_content(const unsigned char *content, size_t offset, const char *field,
                               isbt_product *out, size_t *error_offset, err *e);
/* with_time: cyyjjjhhmm (10 characters), else cyyjjj (6). */
int isbt_datetime_parse_content(const unsigned char *content, int with_time, size_t offset,
                                const char *field, isbt_datetime *out, size_t *error_offset,
                                err *e);
int isbt_special_testing_parse_content(const unsigned char *content, size_t offset,
                                       const char *field, isbt_special_testing *out,
                                       size_t *error_offset, err *e);

#endif
