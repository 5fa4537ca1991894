/*
 * receivables.h - the arithmetic of billing (docs/billing.md): the money of
 * an invoice line, the due date from the terms, the aging bucket of a
 * document at a date, and the yearly invoice number's text. Pure functions:
 * no I/O.
 */
#ifndef BLOODOPS_DOMAIN_RECEIVABLES_H
#define BLOODOPS_DOMAIN_RECEIVABLES_H

#include <stddef.h>
#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

enum {
    RECEIVABLES_QUANTITY_MAX = 100000000, /* in hundredths: one million units */
    RECEIVABLES_DESCRIPTION_MAX = 200,
    RECEIVABLES_REASON_MAX = 500,
    RECEIVABLES_NUMBER_TEXT_MAX = 16, /* "2004-000123" */
    RECEIVABLES_SEQUENCE_MAX = 999999,
};

/* A quantity as hundredths from its decimal text: digits with at most two
 * decimals, more than zero. ERR_INVALID naming `field` otherwise. */
int receivables_quantity_parse(const char *text, int64_t *hundredths, const char *field, err *e);
/* A unit price in cents: dollars with at most two decimals, not negative. */
int receivables_price_parse(const char *text, int64_t *cents, const char *field, err *e);

/* The amount of a line: quantity (hundredths) x unit price (cents), in
 * cents, rounded half up. -1 on overflow. */
int receivables_line_amount(int64_t quantity_hundredths, int64_t price_cents, int64_t *cents);

/* The due date: the invoice date plus the terms in days. */
civil_day receivables_due_date(civil_day invoice_date, long terms_days);

/* The aging buckets, in their order. */
typedef enum {
    AGING_CURRENT,
    AGING_1_30,
    AGING_31_60,
    AGING_61_90,
    AGING_91_120,
    AGING_OVER_120,
    AGING_BUCKET_COUNT
} aging_bucket;

/* "current", "1-30", "31-60", "61-90", "91-120", "over-120". */
const char *aging_bucket_name(aging_bucket bucket);

/* The bucket of a document at `as_of` counted from `from` (its due date,
 * or its invoice date when aging by invoice date): days past = as_of -
 * from; 0 or fewer days is current, 1..30 is 1-30, and so on, more than
 * 120 is over-120. */
aging_bucket aging_bucket_of(civil_day from, civil_day as_of);

/* The bucket named `name` ("current", "1-30", ... "over-120"); -1 when
 * none is. */
int aging_bucket_parse(const char *name);

/* --- the allowance for doubtful accounts ---------------------------------- */

enum { RECEIVABLES_RATE_MAX = 10000 }; /* 100 % in hundredths of a percent */

/* A bucket's rate: a percentage from 0 to 100 with at most two decimals
 * ("2.5", "2.50%"), as hundredths of a percent (250). ERR_INVALID naming
 * `field` (the bucket) otherwise. */
int receivables_rate_parse(const char *text, int64_t *hundredths, const char *field, err *e);

/* The allowance one bucket needs: its open amount x its rate, rounded half
 * up to the cent. A bucket that is not owed anything (0 or a net credit)
 * needs none. */
int64_t receivables_bucket_allowance(int64_t open_cents, int64_t rate_hundredths);

/* The allowance required at a date: the sum over the buckets of
 * receivables_bucket_allowance; per_bucket (may be NULL) gets each one. */
int64_t receivables_allowance_required(const int64_t open_cents[AGING_BUCKET_COUNT],
                                       const int64_t rate_hundredths[AGING_BUCKET_COUNT],
                                       int64_t per_bucket[AGING_BUCKET_COUNT]);

/* Days sales outstanding of a period: net receivables (receivables less
 * the allowance) at its end / its revenue x its days, in tenths of a day
 * and in whole days, half up (the quarterly report's rule: tenths first,
 * then the day). 0 and nothing written when revenue or days are not
 * positive. */
int receivables_dso(int64_t receivables_cents, int64_t allowance_cents, int64_t revenue_cents,
                    int days, int64_t *tenths, int64_t *whole_days);

/* The text of an invoice number: year and a six-digit sequence,
 * "2004-000123". Returns out. */
char *receivables_number_format(int year, long sequence, char *out, size_t size);

#endif
