/*
 * registry.h - the rules of the organization registry (docs/registry.md).
 *
 * What makes a valid market, donor center or hospital code, name, ISBT 128
 * facility identification number (FIN) and billing terms; and when a center
 * counts as closed for a period. Pure functions: no I/O.
 */
#ifndef BLOODOPS_DOMAIN_REGISTRY_H
#define BLOODOPS_DOMAIN_REGISTRY_H

#include "base/date.h"
#include "base/error.h"

enum { REGISTRY_CODE_MAX = 16, REGISTRY_NAME_MAX = 120, REGISTRY_ADDRESS_MAX = 300,
       REGISTRY_REASON_MAX = 500 };

/* A code: 2 to 16 characters, capital letters, digits, '-' or '_', starting
 * with a letter or digit ("LA", "NY-01"). Callers upper-case input first. */
int registry_code_check(const char *code, const char *field, err *e);

/* The bytes a display name may take: 120 code points of up to 4 bytes,
 * and the terminator. */
enum { REGISTRY_NAME_BYTES_MAX = 481 };

/* A display name: valid UTF-8, 1 to 120 characters (code points, not
 * bytes), no leading or trailing space, no control characters, no
 * bidirectional controls. */
int registry_name_check(const char *name, const char *field, err *e);

/* Free text such as an address or a reason: valid UTF-8, at most
 * `max_length` characters, no control characters other than newline, no
 * bidirectional controls (names refuse those too). NULL passes. */
int registry_text_check(const char *text, size_t max_length, const char *field, err *e);

/* Whether text is NULL, empty or only spaces (tabs, newlines): not given. */
int registry_text_blank(const char *text);

/* Text that must be given: as registry_text_check, and holding at least
 * one character other than spaces ("   " is "is required"). */
int registry_required_text_check(const char *text, size_t max_length, const char *field, err *e);

/* An ISBT 128 facility identification number: five characters, a capital
 * letter followed by four digits ("W1234"), the form that begins every
 * donation identification number the facility assigns. */
int registry_fin_check(const char *fin, const char *field, err *e);

/* Billing terms in days: 0 (cash) to 365. */
int registry_billing_terms_check(long days, const char *field, err *e);

/* A center is closed for a period when its close date is on or before the
 * period's last day (docs/registry.md, "Closing a donor center"): it leaves
 * the same-center set. */
int registry_center_closed_for(int has_close_date, civil_day close_date, civil_day period_end);

/* A close date must not precede the open date. */
int registry_close_date_check(civil_day open_date, civil_day close_date, const char *field, err *e);

#endif
