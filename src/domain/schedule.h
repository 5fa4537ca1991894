/*
 * schedule.h - the weekly schedule of a standing order (docs/distribution.md,
 * "Standing orders"): a set of weekdays, a local time of day, and the days
 * of a range that fall on those weekdays. Pure functions, no I/O.
 */
#ifndef BLOODOPS_DOMAIN_SCHEDULE_H
#define BLOODOPS_DOMAIN_SCHEDULE_H

#include <stddef.h>
#include "base/date.h"
#include "base/error.h"

/* A set of weekdays: bit 0 Monday ... bit 6 Sunday. */
typedef unsigned weekday_set;

enum {
    WEEKDAY_ALL = 0x7f,
    /* "mon,tue,wed,thu,fri,sat,sun" and its NUL. */
    WEEKDAY_SET_TEXT_MAX = 7 * 4,
    SCHEDULE_TIME_TEXT_MAX = 6, /* "07:00" and its NUL */
};

/* The weekday of `day`: 0 Monday ... 6 Sunday. */
int weekday_of(civil_day day);

/* "mon,wed,fri" (any case, spaces around the names allowed, full names
 * "monday" too): refuses an empty list, an unknown name and a day given
 * twice, naming `field`. */
int weekday_set_parse(const char *text, weekday_set *out, const char *field, err *e);
/* "mon,wed,fri", Monday first. Returns out (at least WEEKDAY_SET_TEXT_MAX). */
char *weekday_set_format(weekday_set days, char *out, size_t size);

/* Strict "HH:MM", 00:00 to 23:59; the minutes of the day in *minutes. */
int schedule_time_parse(const char *text, int *minutes, const char *field, err *e);
/* "07:00". Returns out (at least SCHEDULE_TIME_TEXT_MAX). */
char *schedule_time_format(int minutes, char *out, size_t size);

/* The days from `from` through `to` (both included) that fall on `days`,
 * in order, at most `max` of them written to out; returns how many there
 * are in all (more than max: only the first max were written). None when
 * to is before from. */
size_t schedule_days(weekday_set days, civil_day from, civil_day to, civil_day *out, size_t max);

#endif
