/*
 * worklist.c - the worklist of the acting user (see worklist.h;
 * docs/worklists.md). Each section is made from the read functions of the
 * service that owns its records (collections, donors, the release queue,
 * lookback cases, the ledger, the quarterly report), which apply the
 * user's scope themselves; this file reads no table of its own.
 */
#include <stdlib.h>
#include <string.h>
#include "base/local_time.h"
#include "domain/testing.h"
#include "domain/worklist.h"
#include "service/collection.h"
#include "service/donor.h"
#include "service/ledger.h"
#include "service/lookback.h"
#include "service/report.h"
#include "service/testing.h"
#include "service/worklist.h"

/* The day the worklist is for: every section counts its days from this
 * one, and nothing else here asks the clock for the date. It is today in
 * the default zone of markets and centers (base/local_time.h), the days the
 * services count in for the demo's open centers; a collection's day is
 * still its own center's (docs/DESIGN.md, "Time"). */
static civil_day worklist_today(void)
{
    civil_day today = date_today();
    local_today(TIME_ZONE_DEFAULT, &today, NULL);
    return today;
}

typedef struct {
    civil_day today;
    char today_text[DATE_TEXT_MAX];
    int limit; /* items per section */
} worklist_day;

/* A new section of `s`, counting `count` items and showing `items` (stolen). */
static json_t *section_new(worklist_section s, json_int_t count, json_t *items)
{
    const worklist_section_entry *entry = worklist_section_get(s);
    return json_pack("{s:s, s:s, s:s, s:I, s:o}", "name", entry->name, "area",
                     area_key(entry->area), "title", entry->title, "count", count, "items",
                     items);
}

/* A section of `s` counting every item of `all` and showing the first
 * `limit` of them. */
static json_t *section_first(worklist_section s, json_t *all, int limit)
{
    json_t *items = json_array();
    for (size_t i = 0; i < json_array_size(all) && i < (size_t)limit; i++)
        json_array_append(items, json_array_get(all, i));
    return section_new(s, (json_int_t)json_array_size(all), items);
}

/* A copy of `item` with only the members `keys` (NULL-terminated). */
static json_t *pick(json_t *item, const char *const *keys)
{
    json_t *picked = json_object();
    for (const char *const *key = keys; *key; key++) {
        json_t *value = json_object_get(item, *key);
        json_object_set(picked, *key, value ? value : json_null());
    }
    return picked;
}

/* The `after` of the page that follows `page` (its next_after, a number or
 * a text) into `after`; 0 when `page` was the last. */
static int next_after_take(json_t *page, char after[32])
{
    json_t *next = json_object_get(page, "next_after");
    if (json_is_integer(next))
        snprintf(after, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(next));
    else if (json_is_string(next))
        snprintf(after, 32, "%s", json_string_value(next));
    else
        return 0;
    return 1;
}

/* --- the sections ------------------------------------------------------------ */

static int collections_today(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    static const char *const keys[] = {"din",          "eye_readable", "donor_number",
                                       "center",       "procedure",    "collected_at",
                                       "processed",    "time_zone",    NULL};
    collection_filter filter = {.on = day->today_text,
                                .page = {.limit = day->limit, .sort = "-collected_at"}};
    json_t *page;
    if (collection_list(ctx, &filter, &page, e))
        return -1;
    json_t *items = json_array(), *item;
    size_t index;
    json_array_foreach(json_object_get(page, "items"), index, item)
        json_array_append_new(items, pick(item, keys));
    *out = section_new(WORKLIST_COLLECTIONS_TODAY,
                       json_integer_value(json_object_get(page, "total")), items);
    json_object_set_new(*out, "on", json_string(day->today_text));
    json_decref(page);
    return 0;
}

static int donors_due_back(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    donor_due_back_request request = {
        .today = day->today, .days = WORKLIST_DUE_BACK_DAYS, .limit = day->limit};
    json_t *due;
    if (donor_due_back(ctx, &request, &due, e))
        return -1;
    *out = section_new(WORKLIST_DONORS_DUE_BACK, json_integer_value(json_object_get(due, "count")),
                       json_incref(json_object_get(due, "items")));
    json_object_set(*out, "days", json_object_get(due, "days"));
    json_decref(due);
    return 0;
}

/* Every unit of the release queue, page after page, counted by state. */
static int release_queue(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    (void)day;
    static const testing_release_state states[] = {TESTING_READY, TESTING_WAITING,
                                                   TESTING_BLOCKED};
    json_int_t counts[sizeof states / sizeof states[0]] = {0}, total = 0;
    char after[32] = "";
    int more = 1;
    while (more) {
        testing_queue_filter filter = {.page = {.limit = SERVICE_PAGE_MAX,
                                                .after = *after ? after : NULL}};
        json_t *page, *item;
        size_t index;
        if (testing_release_queue(ctx, &filter, &page, e))
            return -1;
        json_array_foreach(json_object_get(page, "items"), index, item) {
            const char *state = json_string_value(json_object_get(item, "state"));
            total++;
            for (size_t s = 0; s < sizeof states / sizeof states[0]; s++)
                if (state && strcmp(state, testing_release_state_name(states[s])) == 0)
                    counts[s]++;
        }
        more = next_after_take(page, after);
        json_decref(page);
    }
    json_t *items = json_array();
    for (size_t s = 0; s < sizeof states / sizeof states[0]; s++)
        json_array_append_new(items, json_pack("{s:s, s:I}", "state",
                                               testing_release_state_name(states[s]), "count",
                                               counts[s]));
    *out = section_new(WORKLIST_RELEASE_QUEUE, total, items);
    return 0;
}

/* The ABO/RhD discrepancies not resolved yet, page after page, the
 * oldest first (the laboratory resolves them in the order they came). */
static int abo_discrepancies(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    (void)day;
    static const char *const keys[] = {"id",          "din",            "eye_readable",
                                       "donor_number", "donor_group",   "donation_group",
                                       "status",      "opened_at",      NULL};
    char after[32] = "";
    json_t *open = json_array();
    int more = 1;
    while (more) {
        testing_discrepancy_filter filter = {.status = "unresolved",
                                             .page = {.limit = SERVICE_PAGE_MAX,
                                                      .after = *after ? after : NULL}};
        json_t *page, *item;
        size_t index;
        if (testing_discrepancy_list(ctx, &filter, &page, e)) {
            json_decref(open);
            return -1;
        }
        json_array_foreach(json_object_get(page, "items"), index, item)
            json_array_append_new(open, pick(item, keys));
        more = next_after_take(page, after);
        json_decref(page);
    }
    *out = section_first(WORKLIST_ABO_DISCREPANCIES, open, day->limit);
    json_decref(open);
    return 0;
}

static int due_compare(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int order = strcmp(json_string_value(json_object_get(x, "next_due")),
                       json_string_value(json_object_get(y, "next_due")));
    if (order)
        return order;
    json_int_t i = json_integer_value(json_object_get(x, "id")),
               j = json_integer_value(json_object_get(y, "id"));
    return (i > j) - (i < j);
}

/* The open lookback cases, page after page, whose next step is due by
 * `due_by` (the overdue ones too), soonest first. */
static int lookback_deadlines(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    static const char *const keys[] = {"id",           "donor_number",         "marker",
                                       "trigger_din",  "trigger_eye_readable", "next_due",
                                       "overdue",      NULL};
    char due_by[DATE_TEXT_MAX], after[32] = "";
    date_format(date_add_days(day->today, WORKLIST_LOOKBACK_DUE_DAYS), due_by, sizeof due_by);
    json_t *due = json_array();
    int more = 1;
    while (more) {
        lookback_filter filter = {.status = "open",
                                  .page = {.limit = SERVICE_PAGE_MAX,
                                           .after = *after ? after : NULL}};
        json_t *page, *item;
        size_t index;
        if (lookback_case_list(ctx, &filter, &page, e)) {
            json_decref(due);
            return -1;
        }
        json_array_foreach(json_object_get(page, "items"), index, item) {
            const char *next = json_string_value(json_object_get(item, "next_due"));
            if (next && strcmp(next, due_by) <= 0)
                json_array_append_new(due, pick(item, keys));
        }
        more = next_after_take(page, after);
        json_decref(page);
    }
    size_t count = json_array_size(due);
    json_t **sorted = malloc((count ? count : 1) * sizeof *sorted);
    if (!sorted) {
        json_decref(due);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        sorted[i] = json_array_get(due, i);
    qsort(sorted, count, sizeof *sorted, due_compare);
    json_t *ordered = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append(ordered, sorted[i]);
    free(sorted);
    json_decref(due);
    *out = section_first(WORKLIST_LOOKBACK_DEADLINES, ordered, day->limit);
    json_decref(ordered);
    json_object_set_new(*out, "due_by", json_string(due_by));
    return 0;
}

static int periods_to_close(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    json_t *periods;
    if (ledger_periods_to_close(ctx, day->today, &periods, e))
        return -1;
    *out = section_first(WORKLIST_PERIODS_TO_CLOSE, json_object_get(periods, "items"), day->limit);
    json_object_set(*out, "last_closed", json_object_get(periods, "last_closed"));
    json_decref(periods);
    return 0;
}

static int quarter_findings(service_context *ctx, const worklist_day *day, json_t **out, err *e)
{
    json_t *findings;
    if (report_quarter_findings(ctx, &findings, e))
        return -1;
    *out = section_first(WORKLIST_QUARTER_FINDINGS, json_object_get(findings, "findings"),
                         day->limit);
    json_object_set(*out, "quarter", json_object_get(findings, "quarter"));
    json_decref(findings);
    return 0;
}

typedef int (*section_builder)(service_context *ctx, const worklist_day *day, json_t **out,
                               err *e);

/* The builder of each section of domain/worklist.h. */
static const section_builder builders[WORKLIST_SECTION_COUNT] = {
    [WORKLIST_COLLECTIONS_TODAY] = collections_today,
    [WORKLIST_DONORS_DUE_BACK] = donors_due_back,
    [WORKLIST_RELEASE_QUEUE] = release_queue,
    [WORKLIST_ABO_DISCREPANCIES] = abo_discrepancies,
    [WORKLIST_LOOKBACK_DEADLINES] = lookback_deadlines,
    [WORKLIST_PERIODS_TO_CLOSE] = periods_to_close,
    [WORKLIST_QUARTER_FINDINGS] = quarter_findings,
};

int worklist_get(service_context *ctx, const char *limit, json_t **out, err *e)
{
    worklist_day day = {.today = worklist_today(), .limit = WORKLIST_ITEMS_DEFAULT};
    long items = 0;
    if (limit) {
        if (service_number_take(limit, 1, WORKLIST_ITEMS_MAX, &items, "limit", e))
            return -1;
        day.limit = (int)items;
    }
    date_format(day.today, day.today_text, sizeof day.today_text);
    json_t *sections = json_array();
    for (int s = 0; s < WORKLIST_SECTION_COUNT; s++) {
        json_t *section = NULL;
        if (!builders[s] || !worklist_section_allowed(ctx->actor.roles, (worklist_section)s))
            continue;
        if (builders[s](ctx, &day, &section, e)) {
            json_decref(sections);
            return -1;
        }
        json_array_append_new(sections, section);
    }
    *out = json_pack("{s:s, s:o}", "today", day.today_text, "sections", sections);
    return 0;
}
