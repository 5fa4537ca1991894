/*
 * donor.h - the rules of a donor record (docs/donors.md, "Donors"): names,
 * sex, birth date, the donor number, the identity document, the folded name
 * used to find a registration that repeats an existing donor, and the
 * deferral reason codes. Pure functions, no I/O.
 */
#ifndef BLOODOPS_DOMAIN_DONOR_H
#define BLOODOPS_DOMAIN_DONOR_H

#include <stddef.h>
#include "base/date.h"
#include "base/error.h"
#include "domain/eligibility.h"

enum {
    DONOR_NUMBER_LENGTH = 8,       /* "D0000001" */
    DONOR_NUMBER_MAX = 9999999,    /* the last number allocated */
    DONOR_NAME_KEY_MAX = 1024,     /* bytes, with the terminating NUL */
    DONOR_IDENTITY_MAX = 64,       /* bytes of the folded document */
    DONOR_AGE_MAX_YEARS = 120,     /* a birth date further back is a typing error */
    DONOR_PHONE_MAX = 40,
    DONOR_EMAIL_MAX = 254,
    DONOR_ADDRESS_MAX = 300,
    DONOR_REASON_MAX = 500,
    DONOR_DEFERRAL_DAYS_MAX = 3660, /* a temporary deferral lasts at most ten years */
};

/* A family or given name: 1 to 120 characters of UTF-8, one line, no
 * spaces at either end. */
int donor_name_check(const char *name, const char *field, err *e);

/* "F" or "M" (a lower-case letter is accepted); ERR_INVALID naming field. */
int donor_sex_parse(const char *text, donor_sex *out, const char *field, err *e);
/* "F" or "M". */
const char *donor_sex_name(donor_sex sex);

/* A birth date (YYYY-MM-DD) not after `today` and at most 120 years before
 * it. */
int donor_birth_date_check(const char *text, civil_day today, civil_day *out, const char *field,
                           err *e);

/* "D" and seven digits, not D0000000; the text is checked as given (callers
 * trim and upper-case it first). */
int donor_number_check(const char *number, const char *field, err *e);
/* The donor number of `n` (1..DONOR_NUMBER_MAX) into out (at least 9
 * bytes). */
char *donor_number_format(long n, char *out, size_t size);
/* The number of "D0000042": 42; -1 when not a donor number. */
long donor_number_value(const char *number);

/* Fold one name for comparison: letters in lower case without their
 * accents (Latin-1 and Latin Extended-A: "García" -> "garcia", "Straße" ->
 * "strasse"), apostrophes dropped ("O'Brien" -> "obrien"), hyphens, dots,
 * commas, '|' and runs of spaces made one space, no space at either end. */
void donor_name_fold(const char *name, char *out, size_t size);
/* The name key of a donor: "family|given", each folded. */
void donor_name_key(const char *family_name, const char *given_name, char *out, size_t size);

/* An identity document "type:number" folded to one spelling: the type in
 * lower case (letters, digits and '_', 2 to 20: "passport",
 * "drivers_license"), the number in capitals with spaces, hyphens, dots
 * and slashes removed (3 to 30 letters or digits): " Passport : x-123 456"
 * -> "passport:X123456". ERR_INVALID naming field. */
int donor_identity_fold(const char *text, char *out, size_t size, const char *field, err *e);

/* Contact fields: phone (digits, spaces and + ( ) - . /, at most 40),
 * e-mail (one '@' with text on both sides and a dot after it, no spaces,
 * at most 254), address (free text, at most 300). "" is allowed for each. */
int donor_phone_check(const char *phone, const char *field, err *e);
int donor_email_check(const char *email, const char *field, err *e);
int donor_address_check(const char *address, const char *field, err *e);

/* The donor's reaction to a donation, as a collection records it. */
typedef struct {
    const char *code;  /* "moderate" */
    const char *label; /* "Moderate" */
} donor_reaction;
/* "none", "mild", "moderate", "severe"; ends with a NULL code. */
extern const donor_reaction donor_reactions[];
/* 1 when `code` is one of them. */
int donor_reaction_known(const char *code);

/* The reason codes of a deferral, in a fixed list. */
typedef struct {
    const char *code;        /* "LOW_HEMOGLOBIN" */
    const char *description; /* "hemoglobin or hematocrit under the minimum" */
} donor_deferral_reason;
extern const donor_deferral_reason donor_deferral_reasons[]; /* ends with a NULL code */
/* ERR_INVALID naming field when `code` is not in the list. */
int donor_deferral_reason_check(const char *code, const char *field, err *e);

#endif
