/*
 * local_time.c - UTC instants in the time zones of places, through ICU's C
 * API (see local_time.h).
 *
 * ICU answers two questions here: whether a name is a zone it knows (its
 * list of system zones and their canonical forms), and the offset from UTC
 * of a zone at an instant or at a local wall time (its calendar, which
 * applies the zone's rules of that year). The calendar arithmetic on dates
 * stays base/date.h's, so a local date is the same civil_day everywhere.
 *
 * A UCalendar is costly to open (the zone's rules are loaded and copied)
 * and not safe to share between threads, so each thread keeps the few it
 * used last, freed when the thread ends.
 */
#include "base/local_time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

enum { SECONDS_PER_DAY = 86400, CACHED_ZONES = 8, YEAR_FIRST = 1, YEAR_LAST = 9999 };

#define ZONE_FIELD "time_zone"
#define ZONE_HINT "an IANA time zone name such as America/Los_Angeles or America/New_York"

/* --- validation ------------------------------------------------------------ */

/* ICU's canonical ID of `name` when it is one of ICU's system zones; 0 on
 * success. */
static int canonical_id(const char *name, UChar *canonical, int32_t capacity)
{
    UChar id[TIME_ZONE_NAME_MAX];
    UErrorCode status = U_ZERO_ERROR;
    UBool system = 0;
    u_uastrncpy(id, name, TIME_ZONE_NAME_MAX);
    int32_t length = ucal_getCanonicalTimeZoneID(id, -1, canonical, capacity, &system, &status);
    return U_SUCCESS(status) && system && length > 0 && length < capacity ? 0 : -1;
}

/* Whether `canonical` is the canonical ID of a place (not a fixed offset or
 * a legacy zone): one of ICU's canonical location zones. */
static int is_location(const UChar *canonical)
{
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *zones =
        ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, NULL, NULL, &status);
    if (U_FAILURE(status))
        return 0;
    int found = 0;
    const UChar *id;
    int32_t length;
    while (!found && (id = uenum_unext(zones, &length, &status)) != NULL && U_SUCCESS(status))
        found = u_strcmp(id, canonical) == 0;
    uenum_close(zones);
    return found;
}

int time_zone_check(const char *name, const char *field, err *e)
{
    if (!name || !*name)
        return err_set(e, ERR_INVALID, field, "is required: " ZONE_HINT);
    size_t length = strlen(name);
    if (length >= TIME_ZONE_NAME_MAX)
        return err_set(e, ERR_INVALID, field, "must be " ZONE_HINT "; '%.20s...' is not one",
                       name);
    /* Area/Location: abbreviations (PST), "UTC" and custom offsets have
     * no slash; every byte printable ASCII, as the database writes them. */
    int slash = 0;
    for (const char *p = name; *p; p++) {
        if (*p <= ' ' || *p > '~')
            return err_set(e, ERR_INVALID, field, "must be " ZONE_HINT " (no spaces)");
        slash |= *p == '/';
    }
    UChar canonical[TIME_ZONE_NAME_MAX];
    if (!slash || canonical_id(name, canonical, TIME_ZONE_NAME_MAX) || !is_location(canonical))
        return err_set(e, ERR_INVALID, field, "must be " ZONE_HINT "; '%s' is not one", name);
    return 0;
}

/* --- the calendars of this thread ------------------------------------------ */

typedef struct {
    char zone[TIME_ZONE_NAME_MAX];
    UCalendar *calendar;
} cached_zone;

typedef struct {
    cached_zone slots[CACHED_ZONES];
    int next; /* the slot given up next when all are in use */
} zone_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *data)
{
    zone_cache *cache = data;
    for (int i = 0; i < CACHED_ZONES; i++)
        if (cache->slots[i].calendar)
            ucal_close(cache->slots[i].calendar);
    free(cache);
}

static void cache_key_make(void)
{
    pthread_key_create(&cache_key, cache_free);
}

/* The main thread's cache is never freed by the key (exit runs no key
 * destructors): keeping it here keeps it reachable, not leaked. */
static _Thread_local zone_cache *thread_cache;

/* A calendar of `zone` for this thread, NULL (with the error) when the
 * zone is unknown. */
static UCalendar *zone_calendar(const char *zone, err *e)
{
    if (!zone || strlen(zone) >= TIME_ZONE_NAME_MAX) {
        err_set(e, ERR_INVALID, ZONE_FIELD, "must be " ZONE_HINT);
        return NULL;
    }
    if (!thread_cache) {
        pthread_once(&cache_once, cache_key_make);
        thread_cache = calloc(1, sizeof *thread_cache);
        if (!thread_cache) {
            err_set(e, ERR_INTERNAL, NULL, "out of memory");
            return NULL;
        }
        pthread_setspecific(cache_key, thread_cache);
    }
    zone_cache *cache = thread_cache;
    for (int i = 0; i < CACHED_ZONES; i++)
        if (cache->slots[i].calendar && strcmp(cache->slots[i].zone, zone) == 0)
            return cache->slots[i].calendar;
    /* ICU opens a calendar of GMT for a name it does not know: the name is
     * checked first, so that an unknown zone is never read as UTC. */
    if (time_zone_check(zone, ZONE_FIELD, e))
        return NULL;
    UChar id[TIME_ZONE_NAME_MAX];
    UErrorCode status = U_ZERO_ERROR;
    u_uastrncpy(id, zone, TIME_ZONE_NAME_MAX);
    UCalendar *calendar = ucal_open(id, -1, "en_US", UCAL_GREGORIAN, &status);
    if (U_SUCCESS(status)) {
        /* Gregorian for every year, as base/date.h counts days; the
         * earlier of a repeated wall time; a skipped one read with the
         * offset before the change (02:30 PST, which is 03:30 PDT). */
        ucal_setGregorianChange(calendar, -1e300, &status);
        ucal_setAttribute(calendar, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
        ucal_setAttribute(calendar, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
    }
    if (U_FAILURE(status)) {
        if (calendar)
            ucal_close(calendar);
        err_set(e, ERR_INTERNAL, ZONE_FIELD, "time zone %s could not be opened: %s", zone,
                u_errorName(status));
        return NULL;
    }
    cached_zone *slot = &cache->slots[cache->next];
    cache->next = (cache->next + 1) % CACHED_ZONES;
    if (slot->calendar)
        ucal_close(slot->calendar);
    snprintf(slot->zone, sizeof slot->zone, "%s", zone);
    slot->calendar = calendar;
    return calendar;
}

/* --- conversions ----------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int instant_check(int64_t utc, err *e)
{
    /* A day either side of the years base/date.h counts, in which any
     * offset keeps the local date inside them. */
    civil_day first, last;
    date_from_ymd(YEAR_FIRST, 1, 2, &first, NULL, NULL);
    date_from_ymd(YEAR_LAST, 12, 30, &last, NULL, NULL);
    if (utc < (int64_t)first * SECONDS_PER_DAY || utc > (int64_t)last * SECONDS_PER_DAY)
        return err_set(e, ERR_INVALID, NULL, "the time is outside the years 0001 to 9999");
    return 0;
}

/* The offset from UTC, in seconds, of `calendar`'s zone at `utc`. */
static int offset_at(UCalendar *calendar, int64_t utc, int32_t *offset, err *e)
{
    UErrorCode status = U_ZERO_ERROR;
    ucal_setMillis(calendar, (UDate)utc * 1000.0, &status);
    int32_t zone = ucal_get(calendar, UCAL_ZONE_OFFSET, &status);
    int32_t dst_offset = ucal_get(calendar, UCAL_DST_OFFSET, &status);
    if (U_FAILURE(status))
        return err_set(e, ERR_INTERNAL, NULL, "time zone conversion failed: %s",
                       u_errorName(status));
    *offset = (zone + dst_offset) / 1000;
    return 0;
}

int local_time_of(const char *zone, int64_t utc, local_time *out, err *e)
{
    UCalendar *calendar = zone_calendar(zone, e);
    int32_t offset = 0;
    if (!calendar || instant_check(utc, e) || offset_at(calendar, utc, &offset, e))
        return -1;
    int64_t local = utc + offset;
    int64_t day = floor_div(local, SECONDS_PER_DAY);
    int64_t second = local - day * SECONDS_PER_DAY;
    out->date = (civil_day)day;
    out->hour = (int)(second / 3600);
    out->minute = (int)(second / 60 % 60);
    out->second = (int)(second % 60);
    return 0;
}

int local_date_of(const char *zone, int64_t utc, civil_day *out, err *e)
{
    local_time t;
    if (local_time_of(zone, utc, &t, e))
        return -1;
    *out = t.date;
    return 0;
}

int local_today(const char *zone, civil_day *out, err *e)
{
    /* Today depends only on the second and the zone: the rows of a list or
     * a lookup, read in the same second, ask ICU for it once (per thread,
     * for the zone last asked). */
    static _Thread_local char last_zone[TIME_ZONE_NAME_MAX];
    static _Thread_local int64_t last_at = INT64_MIN;
    static _Thread_local civil_day last_day;
    int64_t now = timestamp_now();
    if (zone && now == last_at && strcmp(zone, last_zone) == 0) {
        *out = last_day;
        return 0;
    }
    if (local_date_of(zone, now, out, e))
        return -1;
    snprintf(last_zone, sizeof last_zone, "%s", zone); /* checked: shorter */
    last_at = now;
    last_day = *out;
    return 0;
}

int local_time_instant(const char *zone, civil_day date, int hour, int minute, int second,
                       int64_t *utc, err *e)
{
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return err_set(e, ERR_INVALID, NULL, "the time must be from 00:00:00 to 23:59:59");
    UCalendar *calendar = zone_calendar(zone, e);
    if (!calendar)
        return -1;
    int year, month, day;
    date_to_ymd(date, &year, &month, &day);
    if (year < YEAR_FIRST || year > YEAR_LAST)
        return err_set(e, ERR_INVALID, NULL, "the date is outside the years 0001 to 9999");
    UErrorCode status = U_ZERO_ERROR;
    ucal_clear(calendar);
    ucal_setDateTime(calendar, year, month - 1, day, hour, minute, second, &status);
    UDate millis = ucal_getMillis(calendar, &status);
    if (U_FAILURE(status))
        return err_set(e, ERR_INTERNAL, NULL, "time zone conversion failed: %s",
                       u_errorName(status));
    *utc = (int64_t)(millis / 1000.0);
    return 0;
}

int local_zone_abbreviation(const char *zone, int64_t utc, char *out, size_t size, err *e)
{
    UCalendar *calendar = zone_calendar(zone, e);
    if (!calendar || instant_check(utc, e))
        return -1;
    UErrorCode status = U_ZERO_ERROR;
    UChar name[TIME_ZONE_ABBREVIATION_MAX * 2];
    ucal_setMillis(calendar, (UDate)utc * 1000.0, &status);
    UBool in_dst = ucal_inDaylightTime(calendar, &status);
    int32_t length =
        ucal_getTimeZoneDisplayName(calendar, in_dst ? UCAL_SHORT_DST : UCAL_SHORT_STANDARD,
                                    "en_US", name, (int32_t)(sizeof name / sizeof name[0]),
                                    &status);
    if (U_FAILURE(status) || length <= 0 || (size_t)length >= size)
        return err_set(e, ERR_INTERNAL, NULL, "the name of time zone %s is not known", zone);
    u_austrncpy(out, name, (int32_t)size);
    out[length] = '\0';
    return 0;
}

char *local_time_format(const char *zone, int64_t utc, char *out, size_t size)
{
    local_time t;
    char date[DATE_TEXT_MAX], abbreviation[TIME_ZONE_ABBREVIATION_MAX];
    if (size == 0)
        return out;
    out[0] = '\0';
    if (local_time_of(zone, utc, &t, NULL) ||
        local_zone_abbreviation(zone, utc, abbreviation, sizeof abbreviation, NULL))
        return out;
    snprintf(out, size, "%s %02d:%02d %s", date_format(t.date, date, sizeof date), t.hour,
             t.minute, abbreviation);
    return out;
}
