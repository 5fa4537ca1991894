/*
 * ledger.c - the rules of the general ledger (see ledger.h).
 */
#include <stdio.h>
#include <string.h>
#include "domain/ledger.h"

static const char *const type_names[ACCOUNT_TYPE_COUNT] = {
    [ACCOUNT_ASSET] = "asset",
    [ACCOUNT_CONTRA_ASSET] = "contra_asset",
    [ACCOUNT_LIABILITY] = "liability",
    [ACCOUNT_EQUITY] = "equity",
    [ACCOUNT_REVENUE] = "revenue",
    [ACCOUNT_COST_OF_REVENUE] = "cost_of_revenue",
    [ACCOUNT_GENERAL_ADMINISTRATIVE] = "general_administrative",
    [ACCOUNT_OTHER] = "other",
    [ACCOUNT_INCOME_TAX] = "income_tax",
};

int account_type_from_name(const char *name)
{
    for (int t = 0; name && t < ACCOUNT_TYPE_COUNT; t++)
        if (strcmp(name, type_names[t]) == 0)
            return t;
    return -1;
}

const char *account_type_name(account_type type)
{
    return type < ACCOUNT_TYPE_COUNT ? type_names[type] : "unknown";
}

int account_type_is_balance_sheet(account_type type)
{
    return type == ACCOUNT_ASSET || type == ACCOUNT_CONTRA_ASSET || type == ACCOUNT_LIABILITY ||
           type == ACCOUNT_EQUITY;
}

int account_type_has_segment(account_type type)
{
    return type == ACCOUNT_REVENUE || type == ACCOUNT_COST_OF_REVENUE;
}

static int is_one_of(const char *value, const char *a, const char *b)
{
    return strcmp(value, a) == 0 || strcmp(value, b) == 0;
}

static int account_code_check(const char *code, err *e)
{
    size_t length = code ? strlen(code) : 0;
    if (length == 0)
        return err_set(e, ERR_INVALID, "code", "is required");
    if (length > LEDGER_ACCOUNT_CODE_MAX)
        return err_set(e, ERR_INVALID, "code", "must be at most %d characters",
                       LEDGER_ACCOUNT_CODE_MAX);
    for (const char *p = code; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p == '-' && p != code)))
            return err_set(e, ERR_INVALID, "code",
                           "must be digits, capital letters and '-' (like 6150 or 6150-NY)");
    return 0;
}

int ledger_account_check(const char *code, const char *type, const char *term,
                         const char *segment, const char *report_group, err *e)
{
    if (account_code_check(code, e))
        return -1;
    int t = account_type_from_name(type);
    if (t < 0)
        return err_set(e, ERR_INVALID, "type",
                       "must be one of asset, contra_asset, liability, equity, revenue, "
                       "cost_of_revenue, general_administrative, other, income_tax");
    term = term ? term : "";
    segment = segment ? segment : "";
    report_group = report_group ? report_group : "";
    int needs_term = t == ACCOUNT_ASSET || t == ACCOUNT_CONTRA_ASSET || t == ACCOUNT_LIABILITY;
    if (needs_term && !is_one_of(term, "current", "non_current"))
        return err_set(e, ERR_INVALID, "term", "must be current or non_current for a %s account",
                       type_names[t]);
    if (!needs_term && *term)
        return err_set(e, ERR_INVALID, "term", "applies only to assets and liabilities");
    if (account_type_has_segment(t) && !is_one_of(segment, "blood_products", "blood_services"))
        return err_set(e, ERR_INVALID, "segment",
                       "must be blood_products or blood_services for a %s account",
                       type_names[t]);
    if (!account_type_has_segment(t) && *segment)
        return err_set(e, ERR_INVALID, "segment",
                       "applies only to revenue and cost of revenue accounts");
    if (*report_group) {
        if (!is_one_of(report_group, "cash", "receivables"))
            return err_set(e, ERR_INVALID, "group", "must be cash or receivables");
        if ((t != ACCOUNT_ASSET && t != ACCOUNT_CONTRA_ASSET) || strcmp(term, "current") != 0)
            return err_set(e, ERR_INVALID, "group", "applies only to current assets");
    }
    return 0;
}

static int digits(const char *text, int count)
{
    for (int i = 0; i < count; i++)
        if (text[i] < '0' || text[i] > '9')
            return 0;
    return 1;
}

int ledger_period_parse(const char *text, ledger_period *out, const char *field, err *e)
{
    size_t length = text ? strlen(text) : 0;
    if (length == 0)
        return err_set(e, ERR_INVALID, field, "is required");
    if (length == 4 && digits(text, 4)) {
        int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 +
                   (text[3] - '0');
        if (date_from_ymd(year, 1, 1, &out->first_day, field, e) ||
            date_from_ymd(year, 12, 31, &out->last_day, field, e))
            return -1;
        snprintf(out->text, sizeof out->text, "%04d", year);
        return 0;
    }
    if (length == 7 && digits(text, 4) && text[4] == '-' && digits(text + 5, 2)) {
        int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 +
                   (text[3] - '0');
        int month = (text[5] - '0') * 10 + (text[6] - '0');
        if (month < 1 || month > 12)
            return err_set(e, ERR_INVALID, field, "'%s' has no month %d", text, month);
        if (date_from_ymd(year, month, 1, &out->first_day, field, e) ||
            date_from_ymd(year, month, date_days_in_month(year, month), &out->last_day, field,
                          e))
            return -1;
        snprintf(out->text, sizeof out->text, "%04d-%02d", year, month);
        return 0;
    }
    quarter q;
    err ignored;
    if (quarter_parse(text, &q, field, &ignored) == 0) {
        out->first_day = quarter_first_day(q);
        out->last_day = quarter_last_day(q);
        quarter_format(q, out->text, sizeof out->text);
        return 0;
    }
    return err_set(e, ERR_INVALID, field,
                   "'%s' is not a period: use a year (2004), a quarter (2004Q1) or a month "
                   "(2004-03)",
                   text);
}

civil_day ledger_beginning(void)
{
    civil_day day = 0;
    date_from_ymd(1, 1, 1, &day, NULL, NULL);
    return day;
}

int32_t ledger_month_of(civil_day day)
{
    int year, month, dom;
    date_to_ymd(day, &year, &month, &dom);
    return year * 100 + month;
}

civil_day ledger_month_first_day(int32_t month)
{
    civil_day day = 0;
    date_from_ymd(month / 100, month % 100, 1, &day, NULL, NULL);
    return day;
}

int32_t ledger_month_next(int32_t month)
{
    return month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1;
}

int ledger_amount_check(int64_t cents, const char *field, err *e)
{
    const int64_t limit = 10000000000000LL;
    if (cents == 0)
        return err_set(e, ERR_INVALID, field, "must not be zero");
    if (cents > limit || cents < -limit)
        return err_set(e, ERR_INVALID, field, "must be at most 100,000,000,000.00 either way");
    return 0;
}
