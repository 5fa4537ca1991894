/*
 * management.c - the rules of management contracts (see management.h):
 * kinds, months, days served and the prorated fee.
 */
#include <stdio.h>
#include <string.h>
#include "base/money.h"
#include "domain/management.h"

int managed_kind_parse(const char *text, managed_kind *out, const char *field, err *e)
{
    if (text && (!strcmp(text, "blood-center") || !strcmp(text, "blood_center"))) {
        *out = MANAGED_BLOOD_CENTER;
        return 0;
    }
    if (text && (!strcmp(text, "donor-center") || !strcmp(text, "donor_center"))) {
        *out = MANAGED_DONOR_CENTER;
        return 0;
    }
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: blood-center or donor-center");
    return err_set(e, ERR_INVALID, field, "'%.40s' is not blood-center or donor-center", text);
}

const char *managed_kind_name(managed_kind kind)
{
    return kind == MANAGED_DONOR_CENTER ? "donor-center" : "blood-center";
}

int management_month_parse(const char *text, management_month *out, const char *field, err *e)
{
    int year = 0, month = 0, used = 0;
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required: a month, YYYY-MM");
    if (strlen(text) != 7 || sscanf(text, "%4d-%2d%n", &year, &month, &used) != 2 || used != 7 ||
        text[4] != '-' || year < 1900 || year > 9999 || month < 1 || month > 12)
        return err_set(e, ERR_INVALID, field, "'%.40s' is not a month (YYYY-MM)", text);
    out->year = year;
    out->month = month;
    return 0;
}

civil_day management_month_first_day(management_month m)
{
    civil_day d = 0;
    date_from_ymd(m.year, m.month, 1, &d, "month", NULL);
    return d;
}

int management_month_days(management_month m)
{
    return date_days_in_month(m.year, m.month);
}

civil_day management_month_last_day(management_month m)
{
    return date_add_days(management_month_first_day(m), management_month_days(m) - 1);
}

int management_days_served(management_month m, civil_day start, int has_end, civil_day end)
{
    civil_day first = management_month_first_day(m), last = management_month_last_day(m);
    if (start > first)
        first = start;
    if (has_end && end < last)
        last = end;
    return last < first ? 0 : (int)date_days_between(first, last) + 1;
}

int management_fee_accrual(int64_t monthly_fee, int days_served, int days_in_month, int64_t *out)
{
    if (days_in_month <= 0 || days_served < 0 || days_served > days_in_month)
        return -1;
    if (days_served == days_in_month) {
        *out = monthly_fee;
        return 0;
    }
    return money_scale(monthly_fee, days_served, days_in_month, out);
}
