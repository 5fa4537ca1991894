/*
 * date.c - civil dates as day counts, quarters and UTC timestamps.
 *
 * Conversions between a day count and year/month/day are Howard Hinnant's
 * days_from_civil and civil_from_days (http://howardhinnant.github.io/
 * date_algorithms.html): exact over the whole proleptic Gregorian calendar,
 * no tables, no time zone, no libc. They shift the year to start on March 1
 * so that the leap day is the last day of the shifted year, and count in
 * 400-year eras of exactly 146097 days.
 *
 * Dates carry no time zone at all: a collection date is a calendar day.
 * Timestamps are always UTC; only the edges convert for display.
 */
#include "base/date.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { YEAR_MIN = 1, YEAR_MAX = 9999, SECONDS_PER_DAY = 86400 };

/* Timestamps for years 1 to 9999 and past 2038 need a 64-bit time_t. */
_Static_assert(sizeof(time_t) >= 8, "time_t must be 64 bits");

static int32_t days_from_civil(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int year_of_era = y - era * 400;                                          /* [0, 399] */
    int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* [0, 365] */
    int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

void date_to_ymd(civil_day d, int *year, int *month, int *day)
{
    int32_t z = d + 719468; /* days since 0000-03-01 */
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t day_of_era = z - era * 146097;                                    /* [0, 146096] */
    int32_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int32_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int32_t shifted_month = (5 * day_of_year + 2) / 153;                      /* March = 0 */
    int m = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    *day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    *month = m;
    *year = year_of_era + era * 400 + (m <= 2);
}

int date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    assert(month >= 1 && month <= 12);
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

static int ymd_is_valid(int year, int month, int day)
{
    return year >= YEAR_MIN && year <= YEAR_MAX && month >= 1 && month <= 12 && day >= 1 &&
           day <= date_days_in_month(year, month);
}

int date_from_ymd(int year, int month, int day, civil_day *out, const char *field, err *e)
{
    if (year < YEAR_MIN || year > YEAR_MAX)
        return err_set(e, ERR_INVALID, field, "must be a date between years 1 and 9999");
    if (!ymd_is_valid(year, month, day))
        return err_set(e, ERR_INVALID, field, "must be a real date; %04d-%02d-%02d does not exist",
                       year, month, day);
    *out = days_from_civil(year, month, day);
    return 0;
}

/* Read exactly `count` decimal digits; -1 when any is not a digit. */
static int read_digits(const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Parse "YYYY-MM-DD" at the start of text (no check of what follows). */
static int parse_ymd(const char *text, int *year, int *month, int *day)
{
    /* strnlen keeps us from reading past a short string's terminator. */
    if (strnlen(text, 10) < 10 || text[4] != '-' || text[7] != '-')
        return -1;
    *year = read_digits(text, 4);
    *month = read_digits(text + 5, 2);
    *day = read_digits(text + 8, 2);
    return *year < 0 || *month < 0 || *day < 0 ? -1 : 0;
}

#define DATE_SYNTAX_MESSAGE "must be a date YYYY-MM-DD, e.g. 2004-03-31"

int date_parse(const char *text, civil_day *out, const char *field, err *e)
{
    int year, month, day;
    if (text == NULL || parse_ymd(text, &year, &month, &day) < 0 || text[10] != '\0')
        return err_set(e, ERR_INVALID, field, DATE_SYNTAX_MESSAGE);
    if (year < YEAR_MIN)
        return err_set(e, ERR_INVALID, field, "must be a date YYYY-MM-DD from year 0001 on");
    if (!ymd_is_valid(year, month, day))
        return err_set(e, ERR_INVALID, field,
                       "must be a date YYYY-MM-DD that exists; %s is not in the calendar", text);
    *out = days_from_civil(year, month, day);
    return 0;
}

char *date_format(civil_day d, char *out, size_t size)
{
    int year, month, day;
    assert(out != NULL && size > 0);
    date_to_ymd(d, &year, &month, &day);
    if (year < 0 || year > 9999 || size < DATE_TEXT_MAX) {
        snprintf(out, size, "%04d-%02d-%02d", year, month, day);
        return out;
    }
    /* Digit by digit, as timestamp_format: snprintf cost a shipment six
     * times 1,600 instructions. */
    const int fields[] = {year / 100, year % 100, month, day};
    static const char after[] = {0, '-', '-', 0};
    char *p = out;
    for (int i = 0; i < 4; i++) {
        *p++ = (char)('0' + fields[i] / 10);
        *p++ = (char)('0' + fields[i] % 10);
        if (after[i])
            *p++ = after[i];
    }
    *p = '\0';
    return out;
}

civil_day date_add_days(civil_day d, int32_t days)
{
    int64_t sum = (int64_t)d + days;
    assert(sum >= INT32_MIN && sum <= INT32_MAX);
    return (civil_day)sum;
}

civil_day date_add_months(civil_day d, int months)
{
    int year, month, day;
    date_to_ymd(d, &year, &month, &day);
    int index = year * 12 + (month - 1) + months; /* months since year 0 */
    year = index / 12;
    month = index % 12 + 1;
    int last = date_days_in_month(year, month);
    civil_day out = d;
    date_from_ymd(year, month, day < last ? day : last, &out, NULL, NULL);
    return out;
}

int32_t date_days_between(civil_day from, civil_day to)
{
    int64_t difference = (int64_t)to - from;
    assert(difference >= INT32_MIN && difference <= INT32_MAX);
    return (int32_t)difference;
}

int date_day_of_year(civil_day d)
{
    int year, month, day;
    date_to_ymd(d, &year, &month, &day);
    return d - days_from_civil(year, 1, 1) + 1;
}

/* Floor division: a timestamp one second before the epoch is on 1969-12-31,
 * where C's truncating division would say 1970-01-01. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

civil_day date_today(void)
{
    return (civil_day)floor_div(timestamp_now(), SECONDS_PER_DAY);
}

/* ---- quarters ---------------------------------------------------------- */

#define QUARTER_SYNTAX_MESSAGE "must be a quarter YYYYQn with n from 1 to 4, e.g. 2004Q1"

int quarter_parse(const char *text, quarter *out, const char *field, err *e)
{
    if (text == NULL || strnlen(text, 7) != 6 || (text[4] != 'Q' && text[4] != 'q'))
        return err_set(e, ERR_INVALID, field, QUARTER_SYNTAX_MESSAGE);
    int year = read_digits(text, 4);
    int number = read_digits(text + 5, 1);
    if (year < YEAR_MIN || number < 1 || number > 4)
        return err_set(e, ERR_INVALID, field, QUARTER_SYNTAX_MESSAGE);
    out->year = year;
    out->quarter = number;
    return 0;
}

char *quarter_format(quarter q, char *out, size_t size)
{
    assert(out != NULL && size > 0);
    snprintf(out, size, "%04dQ%d", q.year, q.quarter);
    return out;
}

quarter quarter_of(civil_day d)
{
    int year, month, day;
    date_to_ymd(d, &year, &month, &day);
    quarter q = {year, (month - 1) / 3 + 1};
    return q;
}

civil_day quarter_first_day(quarter q)
{
    assert(q.quarter >= 1 && q.quarter <= 4);
    return days_from_civil(q.year, 3 * q.quarter - 2, 1);
}

civil_day quarter_last_day(quarter q)
{
    assert(q.quarter >= 1 && q.quarter <= 4);
    int last_month = 3 * q.quarter;
    return days_from_civil(q.year, last_month, date_days_in_month(q.year, last_month));
}

int quarter_days(quarter q)
{
    return quarter_last_day(q) - quarter_first_day(q) + 1;
}

quarter quarter_year_earlier(quarter q)
{
    quarter earlier = {q.year - 1, q.quarter};
    return earlier;
}

/* ---- timestamps -------------------------------------------------------- */

/* The simulated clock of a demo build (timestamp_fix); 0: the real one.
 * And how far a demo server's clock runs from the real one
 * (timestamp_shift). Both are set before any thread starts. */
static int64_t fixed_now, shift;

void timestamp_fix(int64_t seconds) { fixed_now = seconds; }

void timestamp_shift(int64_t seconds) { shift = seconds; }

int64_t timestamp_now(void)
{
    if (fixed_now != 0)
        return fixed_now;
    return timestamp_real() + shift;
}

int64_t timestamp_real(void)
{
    struct timespec now;
    /* CLOCK_REALTIME cannot fail with a valid pointer; time() is the same
     * clock, but this keeps one call site should sub-seconds be needed. */
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec;
}

char *timestamp_format(int64_t seconds, char *out, size_t size)
{
    assert(out != NULL && size > 0);
    /* Civil arithmetic, not gmtime_r, which takes glibc's time-zone lock
     * (the server's threads format a time for every request), and digit by
     * digit, not snprintf, which costs ten times as much. */
    int64_t days = floor_div(seconds, SECONDS_PER_DAY);
    if (days < days_from_civil(YEAR_MIN, 1, 1) || days > days_from_civil(YEAR_MAX, 12, 31) ||
        size < TIMESTAMP_TEXT_MAX) {
        /* Only for absurd values; never for a stored timestamp. An empty
         * string is safer than garbage (and days * SECONDS_PER_DAY could
         * overflow for them). */
        out[0] = '\0';
        return out;
    }
    int64_t second_of_day = seconds - days * SECONDS_PER_DAY;
    int year, month, day;
    date_to_ymd((civil_day)days, &year, &month, &day);
    const int fields[] = {year / 100, year % 100, month, day, (int)(second_of_day / 3600),
                          (int)(second_of_day / 60 % 60), (int)(second_of_day % 60)};
    static const char after[] = {0, '-', '-', 'T', ':', ':', 'Z'};
    char *p = out;
    for (int i = 0; i < 7; i++) {
        *p++ = (char)('0' + fields[i] / 10);
        *p++ = (char)('0' + fields[i] % 10);
        if (after[i])
            *p++ = after[i];
    }
    *p = '\0';
    return out;
}

#define TIMESTAMP_SYNTAX_MESSAGE "must be a UTC time YYYY-MM-DDTHH:MM:SSZ, e.g. 2004-03-31T23:59:00Z"

int timestamp_parse(const char *text, int64_t *seconds, const char *field, err *e)
{
    int year, month, day;
    if (text == NULL || parse_ymd(text, &year, &month, &day) < 0 || strnlen(text, 21) != 20 ||
        text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return err_set(e, ERR_INVALID, field, TIMESTAMP_SYNTAX_MESSAGE);
    int hour = read_digits(text + 11, 2);
    int minute = read_digits(text + 14, 2);
    int second = read_digits(text + 17, 2);
    /* No leap seconds: POSIX time has none and neither does this program. */
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59 ||
        !ymd_is_valid(year, month, day))
        return err_set(e, ERR_INVALID, field, TIMESTAMP_SYNTAX_MESSAGE);

    struct tm parts = {0};
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    time_t t = timegm(&parts);
    /* All fields were validated, so -1 here can only be the real instant
     * 1969-12-31T23:59:59Z; timegm never otherwise fails on them with a
     * 64-bit time_t. */
    *seconds = (int64_t)t;
    return 0;
}
