/*
 * demo.c - the builder of the demo company: the generators, the simulated
 * clock, the day loop that runs the three parts (demo.h) and the progress
 * bar.
 */
#include <string.h>
#include <time.h>
#include "demo/demo.h"
#include "service/auth.h"
#include "service/ledger.h"
#include "service/registry.h"

/* The build's own page cache, KiB (db_cache_kib). */
enum { DEMO_CACHE_KIB = 256 * 1024 };

/* ---- generators: xoshiro256** seeded by splitmix64 ---- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void demo_rng_seed(demo_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed * 0x2545f4914f6cdd1dULL + stream;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix(&x);
}

static uint64_t rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t demo_rng_next(demo_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

int64_t demo_rng_below(demo_rng *rng, int64_t n)
{
    if (n <= 1)
        return 0;
    /* Rejection keeps it uniform: draws past the last whole multiple of n
     * are thrown back. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % (uint64_t)n;
    uint64_t x;
    do
        x = demo_rng_next(rng);
    while (x >= limit);
    return (int64_t)(x % (uint64_t)n);
}

int64_t demo_rng_between(demo_rng *rng, int64_t low, int64_t high)
{
    return high <= low ? low : low + demo_rng_below(rng, high - low + 1);
}

int demo_rng_chance(demo_rng *rng, int64_t per_million)
{
    return demo_rng_below(rng, 1000000) < per_million;
}

/* ---- the simulated clock ---- */

void demo_clock(demo_run *run, civil_day day, int hour, int minute)
{
    (void)run;
    timestamp_fix((int64_t)day * 86400 + hour * 3600 + minute * 60);
}

/* ---- events and the store's jobs ---- */

void demo_events(demo_run *run, int64_t n)
{
    run->events += n;
    run->job_events += n;
    if (run->job_events < DEMO_JOB_EVENTS || run->job_failed)
        return;
    run->job_events = 0;
    if (db_job_end(run->ctx.db, &run->job_error) != 0)
        run->job_failed = 1;
    db_job_begin(run->ctx.db);
}

/* End the job of the day: its own commit's error, or the first of a commit
 * between two events. */
static int job_end(demo_run *run, int rc, err *e)
{
    err ended;
    int failed = db_job_end(run->ctx.db, &ended) != 0;
    run->job_events = 0;
    if (rc != 0)
        return rc;
    if (run->job_failed) {
        *e = run->job_error;
        return -1;
    }
    if (failed) {
        *e = ended;
        return -1;
    }
    return 0;
}

/* ---- measuring and posting ---- */

int demo_posted(demo_run *run, const char *account, const char *center, civil_day from,
                civil_day to, int64_t *debit_less_credit, err *e)
{
    int64_t account_id;
    if (ledger_account_id(run->ctx.db, account, &account_id, "account", e))
        return -1;
    ledger_sums sums = {0};
    if (ledger_sums_between(run->ctx.db, from, to, &sums, e)) {
        ledger_sums_free(&sums);
        return -1;
    }
    int64_t total = 0;
    for (size_t i = 0; i < sums.count; i++)
        if (sums.items[i].account_id == account_id &&
            (center == NULL || strcmp(sums.items[i].center, center) == 0))
            total += sums.items[i].debit - sums.items[i].credit;
    ledger_sums_free(&sums);
    *debit_less_credit = total;
    return 0;
}

/* Cents as the signed dollars of a journal line ("-1500.25"). */
static void dollars_text(int64_t cents, char *out, size_t size)
{
    int64_t magnitude = cents < 0 ? -cents : cents;
    snprintf(out, size, "%s%lld.%02lld", cents < 0 ? "-" : "", (long long)(magnitude / 100),
             (long long)(magnitude % 100));
}

int demo_entry(demo_run *run, civil_day date, const char *description, const char *debit_account,
               const char *credit_account, const char *center, int64_t cents, err *e)
{
    char day[DATE_TEXT_MAX], debit[32], credit[32];
    dollars_text(cents, debit, sizeof debit);
    dollars_text(-cents, credit, sizeof credit);
    journal_line_input lines[2] = {
        {.account = debit_account, .center = center ? center : "", .amount = debit,
         .memo = description},
        {.account = credit_account, .center = center ? center : "", .amount = credit,
         .memo = description},
    };
    journal_entry_input entry = {.date = date_format(date, day, sizeof day),
                                 .description = description, .lines = lines, .line_count = 2};
    json_t *posted = NULL;
    int rc = journal_post(&run->ctx, &entry, &posted, e);
    json_decref(posted);
    return rc;
}

int demo_fail(err *e, const char *part, const char *what)
{
    char message[sizeof e->message];
    snprintf(message, sizeof message, "%s", e->message);
    int prefix = snprintf(e->message, sizeof e->message, "demo %s, %s: ", part, what);
    if (prefix > 0 && (size_t)prefix < sizeof e->message)
        snprintf(e->message + prefix, sizeof e->message - (size_t)prefix, "%.*s",
                 (int)(sizeof e->message - (size_t)prefix - 1), message);
    return -1;
}

/* ---- progress ---- */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The bar: how far through the simulated days, the simulated date, the
 * events done and their rate. On a terminal one line redrawn each day;
 * elsewhere (a log) a line at the end of each month. */
static void progress_show(const demo_options *options, const demo_run *run, civil_day day,
                          const struct timespec *start, int last)
{
    if (!options->progress)
        return;
    int year, month, dom;
    date_to_ymd(day, &year, &month, &dom);
    int month_end = dom == date_days_in_month(year, month);
    if (!options->progress_is_terminal && !month_end && !last)
        return;
    enum { WIDTH = 30 };
    double done = (double)(day - run->first + 1) / (double)(run->through - run->first + 1);
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < (int)(done * WIDTH + 0.5) ? '#' : '.';
    bar[WIDTH] = '\0';
    double seconds = seconds_since(start);
    char date[DATE_TEXT_MAX];
    fprintf(options->progress, "%s[%s] %3.0f%% %s %10lld events %8.0f/s",
            options->progress_is_terminal ? "\r" : "", bar, done * 100.0,
            date_format(day, date, sizeof date), (long long)run->events,
            seconds > 0 ? (double)run->events / seconds : 0.0);
    if (!options->progress_is_terminal || last)
        fputc('\n', options->progress);
    fflush(options->progress);
}

/* ---- the build ---- */

/* The demo builds into a database that holds no business yet. */
static int database_is_fresh(service_context *ctx, err *e)
{
    market_filter filter = {.page = {.limit = 1}};
    json_t *markets = NULL;
    if (market_list(ctx, &filter, &markets, e))
        return -1;
    size_t count = json_array_size(json_object_get(markets, "items"));
    json_decref(markets);
    int64_t entries = 0;
    if (ledger_entries_between(ctx->db, 0, date_add_days(0, 3000000), &entries, e))
        return -1;
    if (count > 0 || entries > 0)
        return err_set(e, ERR_INVALID, "db",
                       "the demo company is built into a fresh database (bloodops init): this "
                       "one already has %s",
                       count > 0 ? "markets" : "journal entries");
    return 0;
}

typedef int (*demo_step)(demo_run *run, err *e);
typedef int (*demo_quarter_step)(demo_run *run, quarter q, err *e);

static const demo_step setups[] = {demo_products_setup, demo_services_setup, demo_finance_setup};
static const demo_step days[] = {demo_products_day, demo_services_day, demo_finance_day};
static const demo_quarter_step quarter_ends[] = {
    demo_products_quarter_end, demo_services_quarter_end, demo_finance_quarter_end};

/* One simulated day as a job (and as many more as its events call for,
 * demo_events): committed at its end. */
static int simulate_day(demo_run *run, err *e)
{
    db_job_begin(run->ctx.db);
    int rc = 0;
    for (size_t i = 0; i < sizeof days / sizeof days[0] && rc == 0; i++)
        rc = days[i](run, e);
    if (rc == 0 && run->today == quarter_last_day(quarter_of(run->today)))
        for (size_t i = 0; i < sizeof quarter_ends / sizeof quarter_ends[0] && rc == 0; i++)
            rc = quarter_ends[i](run, quarter_of(run->today), e);
    return job_end(run, rc, e);
}

int demo_build(service_context *ctx, const demo_options *options, json_t **summary, err *e)
{
    civil_day first, last;
    date_from_ymd(2003, 1, 1, &first, NULL, NULL);
    date_from_ymd(2004, 3, 31, &last, NULL, NULL);
    if (options->through < first || options->through > last)
        return err_set(e, ERR_INVALID, "through",
                       "must be a date from 2003-01-01 to 2004-03-31, the months the demo "
                       "company's books cover");
    if (options->scale < 1 || options->scale > 10000)
        return err_set(e, ERR_INVALID, "scale", "must be a whole number from 1 to 10000");
    if (database_is_fresh(ctx, e))
        return -1;
    /* A database created for the demo: its administrator is its first
     * record, on the demo's clock, so that one seed builds one database. */
    int64_t users = 0;
    if (user_count(ctx->db, &users, e))
        return -1;
    if (users == 0) {
        timestamp_fix((int64_t)date_add_days(first, -1) * 86400 + 15 * 3600);
        user_input admin = {.username = "admin", .full_name = "Administrator", .roles = "admin",
                            .password = options->admin_password};
        json_t *created = NULL;
        int rc = user_add(ctx, &admin, options->generated_password, &created, e);
        json_decref(created);
        timestamp_fix(0);
        if (rc)
            return -1;
    }

    demo_run run = {.ctx = *ctx, .seed = options->seed, .scale = options->scale,
                    .first = first, .through = options->through};
    snprintf(run.ctx.actor.username, sizeof run.ctx.actor.username, "demo");
    run.ctx.actor.user_id = 0;
    run.ctx.actor.roles = ROLES_ALL;

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = 0;
    /* The company and its standing data are set up the day before the
     * books open. */
    run.today = date_add_days(first, -1);
    demo_clock(&run, run.today, 16, 0);
    /* A failed build is built again from a fresh database, so its commits
     * wait for no disk but the last day's, which makes all of them durable
     * (db_commits_synced). */
    rc = db_commits_synced(run.ctx.db, 0, e);
    /* The build reads back what it wrote (units, orders, invoices, the
     * audit chain's head) all day long: a cache of 256 MiB keeps what it
     * reads at the larger scales (a quarter at scale 100 is 17.5 GB) in
     * the process, not a page at a time from the operating system. */
    if (rc == 0)
        rc = db_cache_kib(run.ctx.db, DEMO_CACHE_KIB, e);
    db_job_begin(run.ctx.db);
    for (size_t i = 0; i < sizeof setups / sizeof setups[0] && rc == 0; i++)
        rc = setups[i](&run, e);
    rc = job_end(&run, rc, e);
    for (run.today = first; rc == 0 && run.today <= run.through; run.today++) {
        if (run.today == run.through)
            rc = db_commits_synced(run.ctx.db, 1, e);
        if (rc == 0)
            rc = simulate_day(&run, e);
        progress_show(options, &run, run.today, &start, run.today == run.through);
    }
    demo_products_free(&run);
    demo_services_free(&run);
    demo_finance_free(&run);
    timestamp_fix(0);
    if (rc != 0)
        return -1;
    double seconds = seconds_since(&start);
    char through[DATE_TEXT_MAX];
    *summary = json_pack("{s:I, s:i, s:s, s:i, s:I, s:I, s:I}", "seed", (json_int_t)run.seed,
                         "scale", run.scale, "through",
                         date_format(run.through, through, sizeof through), "days",
                         (int)(run.through - first + 1), "events", (json_int_t)run.events,
                         "milliseconds", (json_int_t)(seconds * 1000.0 + 0.5),
                         "events_per_second",
                         (json_int_t)(seconds > 0 ? (double)run.events / seconds + 0.5 : 0));
    return 0;
}
