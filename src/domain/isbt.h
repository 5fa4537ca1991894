/*
 * isbt.h - ISBT 128, the coding of blood component labels (docs/isbt.md): the
 * data structures of a label's bar codes, encoded and parsed, and the
 * donation identification number's check character. Pure functions over
 * plain structs: no I/O, no allocation.
 *
 * Source: ICCBBA, ISBT 128 Standard Technical Specification (ST-001), v6.2.2,
 * section 2.4 (data structures 001-010), tables 2-7 and appendix A. What is
 * covered, with the choices made where the standard leaves room, is in
 * docs/isbt.md.
 *
 * A data structure is a data identifier ("=" or "&" and one more character)
 * followed by fixed-length data content. Supported here:
 *
 *   001  =αppppyynnnnnnff   donation identification number (DIN) and flags
 *   002  =%ggre             blood groups [ABO and RhD]
 *   003  =<αooootds         product code
 *   004  =>cyyjjj           expiration date              (date only)
 *   005  &>cyyjjjhhmm       expiration date and time
 *   006  =*cyyjjj           collection date              (date only)
 *   007  &*cyyjjjhhmm       collection date and time
 *   008  =}cyyjjj           production date              (date only)
 *   009  &}cyyjjjhhmm       production date and time
 *   010  &(zzzzz            special testing: general
 *
 * A scan may hold several of them concatenated (a scanner reading two bar
 * codes side by side sends "=W12342612345600=%5100"). The scan parser walks
 * a buffer of explicit length, never reads past it, and reports the first
 * problem with its byte offset; other ISBT 128 data identifiers are named
 * and refused as not supported, anything else is refused as unknown.
 *
 * Text arguments of the make/check functions are NUL-terminated; the scan
 * parser takes raw bytes and a length.
 */
#ifndef BLOODOPS_DOMAIN_ISBT_H
#define BLOODOPS_DOMAIN_ISBT_H

#include <stddef.h>
#include "base/error.h"

enum {
    ISBT_DIN_LENGTH = 13,      /* αppppyynnnnnn: facility, year, sequence */
    ISBT_FACILITY_LENGTH = 5,  /* αpppp */
    ISBT_SEQUENCE_MAX = 999999,
    ISBT_SCAN_MAX = 16,        /* structures in one scan */
    ISBT_STRUCTURE_TEXT_MAX = 24, /* the longest encoded structure, with its NUL */
    ISBT_DESCRIPTION_MAX = 160,   /* isbt_structure_describe's text, with its NUL */
    ISBT_EYE_READABLE_MAX = 32,   /* "W0000 09 123456 (02) [G]", with its NUL */
};

/* --- The check character: ISO/IEC 7064 MOD 37-2 (ST-001 appendix A) ----- */

/* The checksum (0 to 36) of characters from {0-9, A-Z}: each character's
 * value (0-9, A=10 ... Z=35) weighted by 2^n, n its position from the right
 * (rightmost 1), summed; then (38 - sum mod 37) mod 37. -1 when a character
 * is outside {0-9, A-Z}. */
int isbt_checksum(const char *characters, size_t length);

/* The keyboard-entry check character K of a checksum: '0'-'9', 'A'-'Z',
 * '*' for 36. */
char isbt_check_character(int checksum);

/* --- Donation identification number (data structure 001) ---------------- */

/* The flag characters ff (ST-001 table 3). */
typedef enum {
    ISBT_FLAGS_NOT_USED,        /* 00 */
    ISBT_FLAGS_PROCESS_CONTROL, /* type 1, 01-19 but 14: ICCBBA's (container 2 of a set...) */
    ISBT_FLAGS_LOCAL,           /* type 2, 20-59: defined by the facility */
    ISBT_FLAGS_CHECK,           /* type 3, 60-96: 60 + the DIN's checksum */
    ISBT_FLAGS_RESERVED         /* 14, 97-99 and letters: reserved for future assignment */
} isbt_flag_type;

typedef struct {
    char din[ISBT_DIN_LENGTH + 1]; /* "W1234261234567" without flags */
    char facility[ISBT_FACILITY_LENGTH + 1]; /* FIN "W1234" */
    char year[3];                  /* "26": last two digits of the nominal year */
    char sequence[7];              /* "123456" */
    char flags[3];                 /* "00" when not used */
    isbt_flag_type flag_type;
    int checksum;                  /* 0..36 */
    char check_character;          /* K, printed boxed beside the DIN */
} isbt_din;

/* A facility identification number as ST-001 2.4.1 defines it: α from
 * {A-N, P-Z, 1-9}, then two characters from {A-N, P-Z, 0-9}, then two
 * digits ("W1234"; current usage is a letter and four digits). Wider than
 * "a capital letter and four digits" in that a digit may lead and letters
 * may follow it; narrower in refusing the letter O. */
int isbt_fin_check(const char *fin, const char *field, err *e);

/* Build a DIN from its parts: facility (see isbt_fin_check), year 0..99,
 * sequence 0..999999, flags (NULL or "" for "00"; two characters from
 * {0-9, A-H, J-N, P, R-Y}; a type 3 value must carry this DIN's checksum).
 * Errors name "facility", "year", "sequence" or "flags". */
int isbt_din_make(const char *facility, int year, long sequence, const char *flags,
                  isbt_din *out, err *e);

/* The 13 characters of a DIN without its check character ("G123417654321"
 * or "G1234 17 654321"), flags 00, for computing K and the flag value. Not
 * for accepting a number typed by hand, which must carry K: isbt_din_check. */
int isbt_din_parse(const char *text, isbt_din *out, const char *field, err *e);

/* Set the flags to the type 3 value, 60 + checksum ("70" for G1234 17 654321). */
void isbt_din_set_check_flags(isbt_din *din);

/* Check a DIN entered by hand, which must carry its check character K:
 * "G123417654321A", "G1234 17 654321 A", or the eye-readable form
 * "W0000 09 123456 (02) [G]" (spaces are ignored, letters may be typed in
 * lower case). A DIN scanned into the same field ("=G12341765432170") is
 * accepted too. Refused, naming `field`, when K does not match: the message
 * does not reveal the expected character, so that the number is re-read
 * rather than the suggestion copied. */
int isbt_din_check(const char *typed, isbt_din *out, const char *field, err *e);

/* The DIN as printed for people (ST-001 7.4.1 and 7.5.1.1), in plain text:
 * facility, year and sequence in groups, the flags in parentheses when they
 * are printed (not for 00 nor for type 3 flags), and the check character in
 * square brackets standing for its box: "G1234 17 654321 [A]",
 * "W0000 09 123456 (02) [G]". Returns out. */
char *isbt_din_eye_readable(const isbt_din *din, char *out, size_t size);

/* 1 when the flags are printed beside the DIN (types 1, 2 and reserved). */
int isbt_din_flags_printed(const isbt_din *din);

/* The meaning of the flags: "container 2 of a set", "defined by the
 * facility", "check value"... */
const char *isbt_flags_meaning(const isbt_din *din);
const char *isbt_flag_type_name(isbt_flag_type type); /* "not_used", "process_control"... */

/* --- Blood groups [ABO and RhD] (data structure 002) ---------------------- */

typedef enum { ISBT_ABO_NONE, ISBT_ABO_O, ISBT_ABO_A, ISBT_ABO_B, ISBT_ABO_AB } isbt_abo;
typedef enum {
    ISBT_RHD_NOT_SPECIFIED,
    ISBT_RHD_POSITIVE,
    ISBT_RHD_NEGATIVE,
    ISBT_RHD_POOLED
} isbt_rhd;

/* The intended use columns of ST-001 table 4. */
typedef enum {
    ISBT_USE_DEFAULT,                 /* intended use not specified */
    ISBT_USE_DIRECTED,                /* directed (dedicated/designated) collection use only */
    ISBT_USE_EMERGENCY,               /* for emergency use only */
    ISBT_USE_DIRECTED_BIOHAZARDOUS,   /* directed collection, biohazardous */
    ISBT_USE_DIRECTED_CROSSOVER,      /* directed collection, eligible for crossover */
    ISBT_USE_AUTOLOGOUS_CROSSOVER,    /* autologous collection, eligible for crossover */
    ISBT_USE_AUTOLOGOUS,              /* for autologous use only */
    ISBT_USE_AUTOLOGOUS_BIOHAZARDOUS, /* for autologous use only, biohazardous */
    ISBT_USE_COUNT
} isbt_intended_use;

typedef struct {
    char code[3];       /* gg: table 4 (groups) or table 5 (special messages) */
    char phenotype;     /* r: table 6 (Rh, Kell, Mia/Mur); '0' for none */
    char reserved;      /* e: always '0' */
    int special_message; /* 1 when gg is a table 5 message ("Mq": quarantine) */
    isbt_abo abo;       /* ISBT_ABO_NONE for messages, Bombay and pooled ABO */
    isbt_rhd rhd;
    isbt_intended_use use;
    const char *meaning;            /* "O RhD positive", "quarantine/hold for ..." */
    char phenotype_meaning[48];     /* "K- C- c+ E+ e+", "no information" */
} isbt_blood_group;

/* The code of an ABO group, RhD type and intended use (table 4), with the
 * phenotype character r (table 6; '0' for none). abo ISBT_ABO_O..AB; rhd
 * positive, negative or not specified. Errors name "abo", "rhd", "use" or
 * "phenotype". */
int isbt_blood_group_make(isbt_abo abo, isbt_rhd rhd, isbt_intended_use use, char phenotype,
                          isbt_blood_group *out, err *e);

/* Names, both ways: "O", "A", "B", "AB"; "positive"/"pos", "negative"/"neg",
 * "unspecified"; "default", "directed", "emergency", "directed-biohazardous",
 * "directed-crossover", "autologous-crossover", "autologous",
 * "autologous-biohazardous". The parse functions return -1 when unknown. */
int isbt_abo_parse(const char *name);
int isbt_rhd_parse(const char *name);
int isbt_intended_use_parse(const char *name);
const char *isbt_abo_name(isbt_abo abo);             /* "" for ISBT_ABO_NONE */
const char *isbt_rhd_name(isbt_rhd rhd);             /* "positive", ..., "pooled" */
const char *isbt_intended_use_name(isbt_intended_use use);

/* --- Product code (data structure 003) ------------------------------------ */

typedef struct {
    char code[9];             /* αooootds, e.g. "E0791V00" */
    char description_code[6]; /* αoooo, the product description code */
    char donation_type;       /* t, the type of collection (table 7); 0 when the
                                 product family has none */
    char divisions[4];        /* "00" (ds), or three characters (tds) for the
                                 families that use all three */
    const char *family;       /* "blood component", "tissue", ... */
    const char *donation_type_meaning; /* table 7's text, or NULL */
} isbt_product;

/* A product code from its product description code (αoooo: a letter naming
 * a product family, then four letters or digits: "E0791"), type of
 * collection (table 7, for the families that have one: E, F, H, P, S, X0,
 * YA-YZ; 0 for the others) and divisions ("00" when not divided; three
 * digits for tissues, organs, milk...: "000"). Errors name "code",
 * "donation_type" or "divisions". */
int isbt_product_make(const char *description_code, char donation_type, const char *divisions,
                      isbt_product *out, err *e);

/* --- Dates and times (data structures 004-009) --------------------------- */

typedef struct {
    int year, month, day; /* 1900..2899 */
    int day_of_year;      /* 1..366 */
    int hour, minute;     /* 23:59 when the structure carries no time */
    int has_time;         /* 0 for the date-only structures 004, 006, 008 */
} isbt_datetime;

/* A date and time from its parts; hour -1 means "no time given": 23:59, the
 * standard's default. Years 1900 to 2899 (cyy holds the last three digits
 * of the year: 0 for 2000-2099, 9 for 1900-1999). Errors name `field`. */
int isbt_datetime_make(int year, int month, int day, int hour, int minute,
                       isbt_datetime *out, const char *field, err *e);

/* "YYYY-MM-DD" (time 23:59) or "YYYY-MM-DDTHH:MM" (a space may stand for
 * the T). */
int isbt_datetime_parse(const char *text, isbt_datetime *out, const char *field, err *e);

/* --- Special testing: general (data structure 010) ----------------------- */

typedef struct {
    char code[6]; /* zzzzz: a code of ICCBBA's special testing table */
} isbt_special_testing;

/* Five characters from {A-Z, 0-9}. */
int isbt_special_testing_make(const char *code, isbt_special_testing *out, const char *field,
                              err *e);

/* --- Data structures and scans -------------------------------------------- */

/* The kind of a structure is its ICCBBA data structure number. */
typedef enum {
    ISBT_STRUCTURE_DIN = 1,
    ISBT_STRUCTURE_BLOOD_GROUP = 2,
    ISBT_STRUCTURE_PRODUCT = 3,
    ISBT_STRUCTURE_EXPIRATION_DATE = 4,
    ISBT_STRUCTURE_EXPIRATION = 5,
    ISBT_STRUCTURE_COLLECTION_DATE = 6,
    ISBT_STRUCTURE_COLLECTION = 7,
    ISBT_STRUCTURE_PRODUCTION_DATE = 8,
    ISBT_STRUCTURE_PRODUCTION = 9,
    ISBT_STRUCTURE_SPECIAL_TESTING = 10,
} isbt_structure_kind;

typedef struct {
    isbt_structure_kind kind;
    size_t offset; /* where its data identifier starts in the scan */
    size_t length; /* its bytes, data identifier included */
    union {
        isbt_din din;
        isbt_blood_group blood_group;
        isbt_product product;
        isbt_datetime datetime; /* kinds 4 to 9 */
        isbt_special_testing special_testing;
    };
} isbt_structure;

typedef struct {
    isbt_structure structures[ISBT_SCAN_MAX];
    size_t count;
    size_t error_offset; /* after a failure: the byte where the problem is */
} isbt_scan;

/* Parse `length` bytes holding one or more concatenated data structures.
 * On failure the error (ERR_INVALID, naming `field`) says what is wrong and
 * at which byte offset, also left in out->error_offset; out->count holds
 * the structures read before it. */
int isbt_scan_parse(const void *bytes, size_t length, const char *field, isbt_scan *out,
                    err *e);

/* The data structure as a bar code carries it ("&>0263352359"). Returns
 * its length; out holds at least ISBT_STRUCTURE_TEXT_MAX bytes. */
size_t isbt_structure_encode(const isbt_structure *structure, char *out, size_t size);

/* What the structure says, in words: "W1234 26 123456 [K]", "O RhD
 * positive", "E0791, volunteer homologous (allogeneic), divisions 00",
 * "2026-12-01 23:59". out holds at least ISBT_DESCRIPTION_MAX bytes. */
char *isbt_structure_describe(const isbt_structure *structure, char *out, size_t size);

/* "Donation Identification Number", ... (ST-001 table 2). */
const char *isbt_structure_name(isbt_structure_kind kind);
/* "=", "=%", "=<", "=>", "&>", "=*", "&*", "=}", "&}", "&(". */
const char *isbt_structure_identifier(isbt_structure_kind kind);

#endif
