/*
 * receivables.c - the arithmetic of billing (see receivables.h).
 */
#include <stdio.h>
#include <string.h>
#include "base/money.h"
#include "domain/receivables.h"
#include "domain/results.h"

/* Digits with an optional '.' and at most two decimals, as hundredths.
 * -1 when not such a number, -2 when it is one too large for int64_t. */
static int hundredths_parse(const char *text, int64_t *out)
{
    int64_t value = 0;
    int decimals = -1, overflow = 0;
    if (!text || !*text)
        return -1;
    for (const char *p = text; *p; p++) {
        if (*p == '.') {
            if (decimals >= 0 || p == text || !p[1])
                return -1;
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals == 2)
            return -1;
        if (value > (INT64_MAX - 9) / 10)
            overflow = 1;
        else
            value = value * 10 + (*p - '0');
        if (decimals >= 0)
            decimals++;
    }
    for (int i = decimals < 0 ? 0 : decimals; i < 2 && !overflow; i++) {
        if (value > INT64_MAX / 10)
            overflow = 1;
        else
            value *= 10;
    }
    if (overflow)
        return -2;
    *out = value;
    return 0;
}

int receivables_quantity_parse(const char *text, int64_t *hundredths, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (text[0] == '-')
        return err_set(e, ERR_INVALID, field, "must be more than zero, not '%s'", text);
    int parsed = hundredths_parse(text, hundredths);
    if (parsed == -1)
        return err_set(e, ERR_INVALID, field,
                       "must be a number with at most two decimals, not '%.40s'", text);
    if (parsed || *hundredths > RECEIVABLES_QUANTITY_MAX)
        return err_set(e, ERR_INVALID, field, "must be at most 1000000");
    if (*hundredths <= 0)
        return err_set(e, ERR_INVALID, field, "must be more than zero");
    return 0;
}

int receivables_price_parse(const char *text, int64_t *cents, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (text[0] == '-')
        return err_set(e, ERR_INVALID, field, "must not be negative");
    int parsed = hundredths_parse(text, cents);
    if (parsed == -1)
        return err_set(e, ERR_INVALID, field,
                       "must be dollars with at most two decimals (cents), not '%.40s'", text);
    if (parsed || *cents > (int64_t)1000000000 * 100)
        return err_set(e, ERR_INVALID, field, "must be at most 1000000000.00");
    return 0;
}

int receivables_line_amount(int64_t quantity_hundredths, int64_t price_cents, int64_t *cents)
{
    return money_scale(price_cents, quantity_hundredths, 100, cents);
}

civil_day receivables_due_date(civil_day invoice_date, long terms_days)
{
    return date_add_days(invoice_date, (int32_t)terms_days);
}

static const char *const bucket_names[AGING_BUCKET_COUNT] = {"current", "1-30",   "31-60",
                                                              "61-90",   "91-120", "over-120"};

const char *aging_bucket_name(aging_bucket bucket)
{
    return bucket < AGING_BUCKET_COUNT ? bucket_names[bucket] : "";
}

aging_bucket aging_bucket_of(civil_day from, civil_day as_of)
{
    int32_t days = date_days_between(from, as_of);
    if (days <= 0)
        return AGING_CURRENT;
    if (days <= 30)
        return AGING_1_30;
    if (days <= 60)
        return AGING_31_60;
    if (days <= 90)
        return AGING_61_90;
    if (days <= 120)
        return AGING_91_120;
    return AGING_OVER_120;
}

char *receivables_number_format(int year, long sequence, char *out, size_t size)
{
    snprintf(out, size, "%04d-%06ld", year, sequence);
    return out;
}

int aging_bucket_parse(const char *name)
{
    for (int b = 0; name && b < AGING_BUCKET_COUNT; b++)
        if (strcmp(name, aging_bucket_name((aging_bucket)b)) == 0)
            return b;
    return -1;
}

int receivables_rate_parse(const char *text, int64_t *hundredths, const char *field, err *e)
{
    char digits[32];
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: a percentage from 0 to 100");
    size_t length = strlen(text);
    if (length >= sizeof digits)
        return err_set(e, ERR_INVALID, field, "must be a percentage from 0 to 100, not '%.20s...'",
                       text);
    memcpy(digits, text, length + 1);
    if (length > 1 && digits[length - 1] == '%')
        digits[length - 1] = '\0';
    if (digits[0] == '-')
        return err_set(e, ERR_INVALID, field, "must not be negative, not '%s'", text);
    int parsed = hundredths_parse(digits, hundredths);
    if (parsed == -1)
        return err_set(e, ERR_INVALID, field,
                       "must be a percentage with at most two decimals, not '%s'", text);
    if (parsed || *hundredths > RECEIVABLES_RATE_MAX)
        return err_set(e, ERR_INVALID, field, "must be at most 100 (percent), not '%s'", text);
    return 0;
}

int64_t receivables_bucket_allowance(int64_t open_cents, int64_t rate_hundredths)
{
    if (open_cents <= 0 || rate_hundredths <= 0)
        return 0;
    /* cents x hundredths of a percent / 10000, half up */
    return (int64_t)(((__int128)open_cents * rate_hundredths + 5000) / 10000);
}

int64_t receivables_allowance_required(const int64_t open_cents[AGING_BUCKET_COUNT],
                                       const int64_t rate_hundredths[AGING_BUCKET_COUNT],
                                       int64_t per_bucket[AGING_BUCKET_COUNT])
{
    int64_t total = 0;
    for (int b = 0; b < AGING_BUCKET_COUNT; b++) {
        int64_t amount = receivables_bucket_allowance(open_cents[b], rate_hundredths[b]);
        if (per_bucket)
            per_bucket[b] = amount;
        total += amount;
    }
    return total;
}

int receivables_dso(int64_t receivables_cents, int64_t allowance_cents, int64_t revenue_cents,
                    int days, int64_t *tenths, int64_t *whole_days)
{
    return results_dso(receivables_cents - allowance_cents, revenue_cents, days, tenths,
                       whole_days);
}
