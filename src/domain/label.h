/*
 * label.h - the printable ISBT 128 base label of a blood component unit
 * (docs/isbt.md, "Labels"): 100 mm x 100 mm, four quadrants (ST-001
 * chapter 7):
 *
 *   upper left    DIN bar code, the eye-readable DIN with its flags rotated
 *                 and its check character boxed, the collection facility
 *                 and date when given
 *   upper right   ABO/RhD bar code, the group in large type ("O", "RhD
 *                 POSITIVE"), intended use and phenotype when they say
 *                 something
 *   lower left    product bar code, its code and description
 *   lower right   expiration date and time bar code, "EXP" and the date
 *
 * Every bar code is Code 128 (encoded by libzint) carrying the ISBT 128 data
 * structure with its data identifier, as isbt_structure_encode gives it:
 * "=W12342612345600", "=%5100", "=<E0791V00", "&>0263352359".
 *
 * This module checks what goes on a label (label_make) and names its
 * formats; src/documents/label_render.h draws it as SVG, PDF or PNG.
 */
#ifndef BLOODOPS_DOMAIN_LABEL_H
#define BLOODOPS_DOMAIN_LABEL_H

#include "base/error.h"
#include "domain/isbt.h"

enum {
    LABEL_SIZE_MM = 100,
    LABEL_DESCRIPTION_MAX = 120, /* bytes of the product description */
    LABEL_FACILITY_MAX = 60,     /* bytes of the facility name */
    LABEL_DPI_DEFAULT = 203,     /* a thermal label printer: 8 dots per mm */
    LABEL_DPI_MIN = 100,
    LABEL_DPI_MAX = 1200,
};

typedef enum { LABEL_SVG, LABEL_PDF, LABEL_PNG } label_format;

/* What a label is made from, as text (the command line's options, the
 * query string's parameters). NULL or "" for what is not given. */
typedef struct {
    const char *din;           /* 13 characters ("W123426123456"), or typed with
                                  its check character, or scanned ("=W12342612345600") */
    const char *flags;         /* two flag characters; default: the scanned ones, else "00" */
    const char *group;         /* ggre of data structure 002, "5100" ("=%5100" too) */
    const char *product;       /* αoooo ("E0791"), or the whole code "E0791V00" */
    const char *donation_type; /* t of table 7 ("V"); with a 5-character product */
    const char *divisions;     /* "00" (default) or three characters */
    const char *expires;       /* YYYY-MM-DD[THH:MM] */
    const char *collected;     /* optional: YYYY-MM-DD[THH:MM] */
    const char *description;   /* optional: the product's name ("Red Blood Cells ...") */
    const char *facility_name; /* optional: the collection facility */
} label_input;

/* A label's content, checked. */
typedef struct {
    isbt_structure din;        /* ISBT_STRUCTURE_DIN */
    isbt_structure group;      /* ISBT_STRUCTURE_BLOOD_GROUP */
    isbt_structure product;    /* ISBT_STRUCTURE_PRODUCT */
    isbt_structure expiry;     /* ISBT_STRUCTURE_EXPIRATION */
    isbt_structure collection; /* ISBT_STRUCTURE_COLLECTION, when has_collection */
    int has_collection;
    char description[LABEL_DESCRIPTION_MAX + 1];
    char facility_name[LABEL_FACILITY_MAX + 1];
} label;

/* Check every part through the ISBT 128 codec and fill *out. Errors
 * (ERR_INVALID) name the input: "din", "flags", "group", "product",
 * "donation_type", "divisions", "expires", "collected", "description",
 * "facility_name". */
int label_make(const label_input *input, label *out, err *e);

/* The data of each bar code, as scanned: structure 0 the DIN, 1 the group,
 * 2 the product, 3 the expiry. out holds ISBT_STRUCTURE_TEXT_MAX bytes. */
void label_barcode_data(const label *l, int which, char *out, size_t size);

/* "svg", "pdf", "png"; -1 when unknown. */
int label_format_parse(const char *name);
const char *label_format_name(label_format format);
/* "image/svg+xml", "application/pdf", "image/png". */
const char *label_format_content_type(label_format format);

/* The PNG resolution from its decimal text: a whole number of dots per inch,
 * LABEL_DPI_MIN..MAX, or 0 (the default) when text is NULL. ERR_INVALID
 * naming "dpi". */
int label_dpi_parse(const char *text, int *dpi, err *e);

#endif
