/*
 * covenant.c - the covenants of the line of credit (covenant.h): their
 * kinds, thresholds, values and compliance. Pure arithmetic on integers.
 */
#include "domain/covenant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "domain/results.h"

static const char *const kind_names[COVENANT_KIND_COUNT] = {
    "min_tangible_net_worth", "max_liabilities_to_net_worth", "min_quick_ratio",
    "min_quarterly_net_income"};

const char *covenant_kind_name(covenant_kind kind)
{
    return kind >= 0 && kind < COVENANT_KIND_COUNT ? kind_names[kind] : "";
}

int covenant_kind_parse(const char *text, covenant_kind *out, const char *field, err *e)
{
    for (int i = 0; text && i < COVENANT_KIND_COUNT; i++)
        if (strcmp(text, kind_names[i]) == 0) {
            *out = (covenant_kind)i;
            return 0;
        }
    return err_set(e, ERR_INVALID, field,
                   "must be min_tangible_net_worth, max_liabilities_to_net_worth, "
                   "min_quick_ratio or min_quarterly_net_income");
}

int covenant_kind_is_ratio(covenant_kind kind)
{
    return kind == COVENANT_MAX_LIABILITIES_TO_NET_WORTH || kind == COVENANT_MIN_QUICK_RATIO;
}

int covenant_kind_is_minimum(covenant_kind kind)
{
    return kind != COVENANT_MAX_LIABILITIES_TO_NET_WORTH;
}

/* A ratio: digits, optionally '.' and one or two digits; at most 9999.99. */
static int ratio_parse(const char *text, int64_t *out, const char *field, err *e)
{
    const char *p = text;
    int64_t whole = 0, hundredths = 0;
    int digits = 0;
    if (*p == '-')
        return err_set(e, ERR_INVALID, field, "must not be negative");
    while (*p >= '0' && *p <= '9') {
        if (++digits > 4)
            return err_set(e, ERR_INVALID, field, "must be at most 9999.99");
        whole = whole * 10 + (*p++ - '0');
    }
    if (digits == 0)
        return err_set(e, ERR_INVALID, field, "must be a ratio like 1.25");
    if (*p == '.') {
        p++;
        int decimals = 0;
        while (*p >= '0' && *p <= '9') {
            if (++decimals > 2)
                return err_set(e, ERR_INVALID, field, "must have at most two decimals");
            hundredths = hundredths * 10 + (*p++ - '0');
        }
        if (decimals == 0)
            return err_set(e, ERR_INVALID, field, "must be a ratio like 1.25");
        if (decimals == 1)
            hundredths *= 10;
    }
    if (*p)
        return err_set(e, ERR_INVALID, field, "must be a ratio like 1.25");
    *out = whole * 100 + hundredths;
    return 0;
}

int covenant_threshold_parse(covenant_kind kind, const char *text, int64_t *out,
                             const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required");
    if (covenant_kind_is_ratio(kind))
        return ratio_parse(text, out, field, e);
    int64_t cents;
    if (money_parse(text, &cents, field, e))
        return -1;
    if (cents < 0 && kind != COVENANT_MIN_QUARTERLY_NET_INCOME)
        return err_set(e, ERR_INVALID, field, "must not be negative");
    *out = cents;
    return 0;
}

char *covenant_amount_format(covenant_kind kind, int64_t amount, char out[COVENANT_TEXT_MAX])
{
    if (!covenant_kind_is_ratio(kind))
        return money_format(amount, MONEY_PLAIN, out, COVENANT_TEXT_MAX);
    uint64_t size = amount < 0 ? 0 - (uint64_t)amount : (uint64_t)amount;
    snprintf(out, COVENANT_TEXT_MAX, "%s%llu.%02llu", amount < 0 ? "-" : "",
             (unsigned long long)(size / 100), (unsigned long long)(size % 100));
    return out;
}

int covenant_value(covenant_kind kind, const covenant_figures *f, int64_t *value)
{
    switch (kind) {
    case COVENANT_MIN_TANGIBLE_NET_WORTH:
        *value = f->equity - f->intangibles;
        return 1;
    case COVENANT_MAX_LIABILITIES_TO_NET_WORTH:
        if (f->equity <= 0)
            return 0;
        *value = results_muldiv_round(f->current_liabilities + f->long_term_liabilities, 100,
                                      f->equity);
        return 1;
    case COVENANT_MIN_QUICK_RATIO:
        if (f->current_liabilities <= 0)
            return 0;
        *value = results_muldiv_round(f->quick_assets, 100, f->current_liabilities);
        return 1;
    case COVENANT_MIN_QUARTERLY_NET_INCOME:
        *value = f->net_income;
        return 1;
    default:
        return 0;
    }
}

void covenant_evaluate(covenant_check *check, const covenant_figures *figures)
{
    check->value = 0;
    check->margin = 0;
    check->has_value = covenant_value(check->kind, figures, &check->value);
    if (!check->has_value) {
        /* no net worth: the most liabilities per dollar of it cannot hold;
         * no current liabilities: nothing the quick assets must cover */
        check->met = check->kind == COVENANT_MIN_QUICK_RATIO;
        return;
    }
    check->margin = covenant_kind_is_minimum(check->kind) ? check->value - check->threshold
                                                          : check->threshold - check->value;
    check->met = check->margin >= 0;
}

void covenant_section_free(covenant_section *section)
{
    free(section->checks);
    section->checks = NULL;
    section->count = 0;
}
