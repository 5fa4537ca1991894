/*
 * schedule.c - a standing order's weekly schedule: weekday sets, the time
 * of day, and the scheduled days of a range (see schedule.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "domain/schedule.h"

static const char *const weekday_short[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const weekday_long[7] = {"monday", "tuesday", "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};

int weekday_of(civil_day day)
{
    /* 1970-01-01 was a Thursday (3 with Monday 0). */
    int w = (int)((day % 7 + 7) % 7);
    return (w + 3) % 7;
}

int weekday_set_parse(const char *text, weekday_set *out, const char *field, err *e)
{
    weekday_set days = 0;
    const char *p = text ? text : "";
    if (strspn(p, " ") == strlen(p))
        return err_set(e, ERR_INVALID, field,
                       "is required: the weekdays it recurs on (mon,tue,wed,thu,fri,sat,sun)");
    for (;;) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && end[-1] == ' ')
            end--;
        size_t n = (size_t)(end - start);
        if (n == 0)
            return err_set(e, ERR_INVALID, field, "has an empty weekday in '%.40s'", text);
        char name[16];
        if (n >= sizeof name)
            return err_set(e, ERR_INVALID, field,
                           "'%.*s' is not a weekday: mon, tue, wed, thu, fri, sat or sun",
                           (int)(n > 20 ? 20 : n), start);
        for (size_t i = 0; i < n; i++)
            name[i] = (char)tolower((unsigned char)start[i]);
        name[n] = '\0';
        int found = -1;
        for (int d = 0; d < 7; d++)
            if (!strcmp(name, weekday_short[d]) || !strcmp(name, weekday_long[d]))
                found = d;
        if (found < 0)
            return err_set(e, ERR_INVALID, field,
                           "'%s' is not a weekday: mon, tue, wed, thu, fri, sat or sun", name);
        if (days & (1u << found))
            return err_set(e, ERR_INVALID, field, "names %s twice", weekday_short[found]);
        days |= 1u << found;
        if (!*p)
            break;
        p++; /* the comma */
    }
    *out = days;
    return 0;
}

char *weekday_set_format(weekday_set days, char *out, size_t size)
{
    size_t used = 0;
    if (size)
        out[0] = '\0';
    for (int d = 0; d < 7; d++)
        if (days & (1u << d)) {
            int n = snprintf(out + used, size > used ? size - used : 0, "%s%s",
                             used ? "," : "", weekday_short[d]);
            if (n > 0)
                used += (size_t)n;
        }
    return out;
}

int schedule_time_parse(const char *text, int *minutes, const char *field, err *e)
{
    if (!text || !*text)
        return err_set(e, ERR_INVALID, field, "is required (HH:MM, local time)");
    if (strlen(text) != 5 || !isdigit((unsigned char)text[0]) ||
        !isdigit((unsigned char)text[1]) || text[2] != ':' || !isdigit((unsigned char)text[3]) ||
        !isdigit((unsigned char)text[4]))
        return err_set(e, ERR_INVALID, field, "must be HH:MM (local time), not '%.20s'", text);
    int hour = (text[0] - '0') * 10 + (text[1] - '0');
    int minute = (text[3] - '0') * 10 + (text[4] - '0');
    if (hour > 23 || minute > 59)
        return err_set(e, ERR_INVALID, field, "'%s' is not a time of day (00:00 to 23:59)",
                       text);
    *minutes = hour * 60 + minute;
    return 0;
}

char *schedule_time_format(int minutes, char *out, size_t size)
{
    snprintf(out, size, "%02d:%02d", minutes / 60 % 24, minutes % 60);
    return out;
}

size_t schedule_days(weekday_set days, civil_day from, civil_day to, civil_day *out, size_t max)
{
    size_t count = 0;
    for (civil_day d = from; d <= to; d++)
        if (days & (1u << weekday_of(d))) {
            if (count < max)
                out[count] = d;
            count++;
        }
    return count;
}
