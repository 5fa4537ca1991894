/*
 * distribution.c - contract pricing, order clocks, and a return's cold
 * chain and credit (see distribution.h; docs/distribution.md).
 */
#include <stdio.h>
#include <string.h>
#include "base/money.h"
#include "domain/distribution.h"

static const char *const surcharge_names[SURCHARGE_KIND_COUNT] = {
    [SURCHARGE_IRRADIATED] = "irradiated",
    [SURCHARGE_CMV_NEGATIVE] = "cmv_negative",
    [SURCHARGE_WASHED] = "washed",
    [SURCHARGE_LEUKOREDUCED] = "leukoreduced",
    [SURCHARGE_STAT_DELIVERY] = "stat_delivery",
    [SURCHARGE_AFTER_HOURS_DELIVERY] = "after_hours_delivery",
};

const char *surcharge_kind_name(surcharge_kind kind)
{
    return (int)kind >= 0 && kind < SURCHARGE_KIND_COUNT ? surcharge_names[kind] : "unknown";
}

int surcharge_kind_parse(const char *text, surcharge_kind *out, const char *field, err *e)
{
    char name[32];
    size_t length = text ? strlen(text) : 0;
    if (!length)
        return err_set(e, ERR_INVALID, field, "is required: irradiated, cmv_negative, washed, "
                       "leukoreduced, stat_delivery or after_hours_delivery");
    if (length < sizeof name) {
        for (size_t i = 0; i <= length; i++)
            name[i] = text[i] == '-' ? '_' : text[i];
        for (int k = 0; k < SURCHARGE_KIND_COUNT; k++)
            if (strcmp(name, surcharge_names[k]) == 0) {
                *out = (surcharge_kind)k;
                return 0;
            }
    }
    return err_set(e, ERR_INVALID, field,
                   "'%.40s' is not a surcharge kind: irradiated, cmv_negative, washed, "
                   "leukoreduced, stat_delivery or after_hours_delivery",
                   text);
}

int contract_unit_price(const contract_terms *terms, const priced_unit *unit, unit_price *out,
                        err *e)
{
    memset(out, 0, sizeof *out);
    const contract_price *by_family = NULL, *by_product = NULL;
    for (size_t i = 0; i < terms->price_count; i++) {
        const contract_price *p = &terms->prices[i];
        if (p->product_code) {
            if (unit->product_code && strcmp(p->product_code, unit->product_code) == 0)
                by_product = p;
        } else if (p->family == unit->family) {
            by_family = p;
        }
    }
    const contract_price *chosen = by_product ? by_product : by_family;
    if (!chosen)
        return err_set(e, ERR_INVALID, "product",
                       "the contract prices neither product %s nor its family",
                       unit->product_code ? unit->product_code : "(none)");
    out->base = chosen->cents;
    out->by_product = chosen == by_product;
    const int wanted[SURCHARGE_KIND_COUNT] = {
        [SURCHARGE_IRRADIATED] = unit->irradiated,
        [SURCHARGE_CMV_NEGATIVE] = unit->cmv_negative,
        [SURCHARGE_WASHED] = unit->washed,
        [SURCHARGE_LEUKOREDUCED] = unit->leukoreduced,
        [SURCHARGE_STAT_DELIVERY] = unit->stat,
        [SURCHARGE_AFTER_HOURS_DELIVERY] = unit->after_hours,
    };
    int64_t total = out->base;
    for (int k = 0; k < SURCHARGE_KIND_COUNT; k++) {
        if (!wanted[k] || terms->surcharges[k] < 0)
            continue;
        out->surcharges[k] = terms->surcharges[k];
        if (money_add(total, terms->surcharges[k], &total))
            return err_set(e, ERR_INVALID, "price", "the price overflows");
    }
    out->total = total;
    return 0;
}

int contract_period_covers(const contract_period *period, civil_day day)
{
    return day >= period->from && (!period->has_to || day <= period->to);
}

int contract_periods_overlap(const contract_period *a, const contract_period *b)
{
    int a_before_b = a->has_to && a->to < b->from;
    int b_before_a = b->has_to && b->to < a->from;
    return !a_before_b && !b_before_a;
}

int contract_in_force(const contract_period *versions, size_t count, civil_day day)
{
    int found = -1;
    for (size_t i = 0; i < count; i++)
        if (contract_period_covers(&versions[i], day) &&
            (found < 0 || versions[i].from > versions[found].from))
            found = (int)i;
    return found;
}

int contract_increase(int64_t cents, int64_t percent_hundredths, int64_t *out)
{
    return money_scale(cents, 10000 + percent_hundredths, 10000, out);
}

/* --- orders ------------------------------------------------------------------ */

static const char *const priority_names[ORDER_PRIORITY_COUNT] = {"stat", "asap", "routine"};
static const int priority_hours[ORDER_PRIORITY_COUNT] = {1, 4, 24};

const char *order_priority_name(order_priority priority)
{
    return (int)priority >= 0 && priority < ORDER_PRIORITY_COUNT ? priority_names[priority]
                                                                  : "unknown";
}

int order_priority_parse(const char *text, order_priority *out, const char *field, err *e)
{
    for (int p = 0; text && p < ORDER_PRIORITY_COUNT; p++)
        if (strcmp(text, priority_names[p]) == 0) {
            *out = (order_priority)p;
            return 0;
        }
    return err_set(e, ERR_INVALID, field, "must be stat, asap or routine");
}

int order_priority_hours(order_priority priority)
{
    return (int)priority >= 0 && priority < ORDER_PRIORITY_COUNT ? priority_hours[priority] : 24;
}

void order_clock_at(int64_t ordered_at, order_priority priority, int64_t now, order_clock *out)
{
    out->deadline = ordered_at + (int64_t)order_priority_hours(priority) * 3600;
    out->seconds_left = out->deadline - now;
    out->overdue = out->seconds_left < 0;
}

/* --- returns ------------------------------------------------------------------- */

void temperature_tenths_text(int64_t tenths, char *out, size_t size)
{
    int64_t a = tenths < 0 ? -tenths : tenths;
    snprintf(out, size, "%s%lld.%lld", tenths < 0 ? "-" : "", (long long)(a / 10),
             (long long)(a % 10));
}

int return_cold_chain_kept(const cold_chain_limits *limits, const return_evidence *evidence,
                           char *why, size_t size)
{
    char at[24], low[24], high[24];
    if (!evidence->seal_intact) {
        snprintf(why, size, "seal broken");
        return 0;
    }
    if (evidence->temperature_tenths < limits->min_tenths ||
        evidence->temperature_tenths > limits->max_tenths) {
        temperature_tenths_text(evidence->temperature_tenths, at, sizeof at);
        temperature_tenths_text(limits->min_tenths, low, sizeof low);
        temperature_tenths_text(limits->max_tenths, high, sizeof high);
        snprintf(why, size, "received at %s C, outside %s to %s C", at, low, high);
        return 0;
    }
    if (limits->max_minutes_out >= 0 && evidence->minutes_out > limits->max_minutes_out) {
        snprintf(why, size, "%lld minutes out of controlled storage, more than %lld",
                 (long long)evidence->minutes_out, (long long)limits->max_minutes_out);
        return 0;
    }
    snprintf(why, size, "cold chain kept");
    return 1;
}

int64_t return_credit(int64_t price, int64_t credit_hundredths, int64_t return_days,
                      int64_t days_since_shipment, int cold_chain_kept)
{
    int64_t credit = 0;
    if (!cold_chain_kept || days_since_shipment < 0 || days_since_shipment > return_days ||
        credit_hundredths <= 0)
        return 0;
    if (money_scale(price, credit_hundredths, 10000, &credit))
        return 0;
    return credit;
}
