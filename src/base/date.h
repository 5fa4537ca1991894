/*
 * date.h - civil dates, quarters and timestamps.
 *
 * A date is a count of days since 1970-01-01 (proleptic Gregorian), so that
 * adding days and counting days between dates is plain integer arithmetic.
 * Conversion to and from year/month/day uses Howard Hinnant's civil-date
 * algorithms. Quarters are written "2004Q1". Timestamps are UTC and written
 * ISO 8601 with a trailing Z ("2004-03-31T23:59:00Z").
 */
#ifndef BLOODOPS_BASE_DATE_H
#define BLOODOPS_BASE_DATE_H

#include <stdint.h>
#include <stddef.h>
#include "error.h"

typedef int32_t civil_day; /* days since 1970-01-01 */

enum { DATE_TEXT_MAX = 11, TIMESTAMP_TEXT_MAX = 21 };

/* Valid for years 1 to 9999. */
int date_from_ymd(int year, int month, int day, civil_day *out, const char *field, err *e);
void date_to_ymd(civil_day d, int *year, int *month, int *day);

/* Strict "YYYY-MM-DD"; anything else (including 2003-02-29) is ERR_INVALID
 * naming field. */
int date_parse(const char *text, civil_day *out, const char *field, err *e);
/* Writes "YYYY-MM-DD" into out (at least DATE_TEXT_MAX bytes); returns out. */
char *date_format(civil_day d, char *out, size_t size);

civil_day date_add_days(civil_day d, int32_t days);
/* `d` moved by `months` calendar months (negative: back), the day of the
 * month clamped to the target month's length (2026-12-31 + 2 months is
 * 2027-02-28). */
civil_day date_add_months(civil_day d, int months);
int32_t date_days_between(civil_day from, civil_day to); /* to - from */
int date_day_of_year(civil_day d);                        /* 1..366 */
int date_is_leap_year(int year);
int date_days_in_month(int year, int month);

/* Today's date in UTC (today at a place: local_today, base/local_time.h). */
civil_day date_today(void);

typedef struct {
    int year;
    int quarter; /* 1..4 */
} quarter;

/* Strict "YYYYQn" with n in 1..4 (a lower-case q is accepted). */
int quarter_parse(const char *text, quarter *out, const char *field, err *e);
/* Writes "2004Q1" into out (at least 8 bytes); returns out. */
char *quarter_format(quarter q, char *out, size_t size);
quarter quarter_of(civil_day d);
civil_day quarter_first_day(quarter q);
civil_day quarter_last_day(quarter q);
int quarter_days(quarter q); /* 90, 91 or 92 */
/* The same quarter one year earlier (2004Q1 -> 2003Q1). */
quarter quarter_year_earlier(quarter q);

/* Seconds since the Unix epoch, UTC. */
int64_t timestamp_now(void);
/* Make timestamp_now (and so date_today and every "now" of the services)
 * answer `seconds` until called again; 0 returns to the real clock. Only
 * for a process that simulates time from one thread: `bloodops demo`
 * builds fifteen months of operations, each at its own simulated moment. */
void timestamp_fix(int64_t seconds);
/* Make the clock run `seconds` away from the real one (negative: in the
 * past), from now on: a server showing the demo company as on the evening
 * its books end (`bloodops serve --as-of`). */
void timestamp_shift(int64_t seconds);
/* The real clock, whatever timestamp_fix or timestamp_shift say. */
int64_t timestamp_real(void);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" into out (at least TIMESTAMP_TEXT_MAX bytes). */
char *timestamp_format(int64_t seconds, char *out, size_t size);
/* Strict "YYYY-MM-DDTHH:MM:SSZ". */
int timestamp_parse(const char *text, int64_t *seconds, const char *field, err *e);

#endif
