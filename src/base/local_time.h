/*
 * local_time.h - time zones: UTC instants as the local date and time of a
 * place, and back, through ICU (libicu, the IANA time zone database).
 *
 * Instants are stored in UTC (base/date.h's timestamps). Each donor center
 * and market has a time zone, an IANA name such as America/Los_Angeles; the
 * day a collection belongs to, the day a unit expires and "today" for the
 * rules of a center are calendar days in that zone (docs/DESIGN.md, "Time").
 * No offset is ever written by hand: every conversion asks ICU, which knows
 * each zone's daylight-saving history.
 *
 * A zone name accepted by time_zone_check is an IANA name of a place
 * (Area/Location, written as the database writes it: America/New_York,
 * Europe/Paris, US/Pacific); abbreviations (PST), fixed offsets (Etc/GMT+5,
 * GMT+05:00) and unknown names are refused naming the field. The other
 * functions refuse a zone that check would refuse (ERR_INVALID naming
 * "time_zone").
 *
 * The ICU calendars are kept per thread (a few zones each), so conversions
 * on the server's worker threads take no lock.
 */
#ifndef BLOODOPS_BASE_LOCAL_TIME_H
#define BLOODOPS_BASE_LOCAL_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

/* The zone of a market or center not given one. */
#define TIME_ZONE_DEFAULT "America/Los_Angeles"

enum {
    TIME_ZONE_NAME_MAX = 64,    /* bytes, with the terminating NUL */
    TIME_ZONE_ABBREVIATION_MAX = 16,
    /* "2004-03-09 22:30 PST": a date, a time to the minute and the zone's
     * short name. */
    LOCAL_TIME_TEXT_MAX = DATE_TEXT_MAX + 6 + TIME_ZONE_ABBREVIATION_MAX,
};

/* `name` is an IANA zone name of a place that ICU knows (see above);
 * ERR_INVALID naming `field` otherwise. */
int time_zone_check(const char *name, const char *field, err *e);

typedef struct {
    civil_day date;
    int hour, minute, second;
} local_time;

/* The local date and time in `zone` of the UTC instant `utc` (seconds). */
int local_time_of(const char *zone, int64_t utc, local_time *out, err *e);
/* The local calendar date in `zone` of the UTC instant `utc`. */
int local_date_of(const char *zone, int64_t utc, civil_day *out, err *e);
/* Today's date in `zone`. */
int local_today(const char *zone, civil_day *out, err *e);

/* The UTC instant at which the clocks of `zone` show `date` at
 * hour:minute:second (e.g. 23:59:00, the end of a day in the rules). A time
 * that the clocks skip (2:30 on the spring-forward night) is read as the
 * same time after the change (3:30); one they show twice (1:30 on the
 * fall-back night) is the first of the two. */
int local_time_instant(const char *zone, civil_day date, int hour, int minute, int second,
                       int64_t *utc, err *e);

/* The zone's short name at that instant, in English: "PST" or "PDT",
 * "EST" or "EDT" ("GMT+1" where English has no abbreviation). */
int local_zone_abbreviation(const char *zone, int64_t utc, char *out, size_t size, err *e);

/* "2004-03-09 22:30 PST": the instant as the clocks of `zone` show it,
 * with the zone named. Writes "" when the zone or the instant is unusable.
 * Returns out. */
char *local_time_format(const char *zone, int64_t utc, char *out, size_t size);

#endif
