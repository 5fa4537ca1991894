/*
 * demo.h - the demo company built from operations (`bloodops demo`): what
 * the builder (demo.c) and its three parts share.
 *
 * The builder simulates fifteen months, 2003-01-01 to 2004-03-31, one day
 * at a time, on a simulated clock (timestamp_fix), calling only the
 * service functions staff would call through the command line or the API:
 * it has no SQL of its own and posts no entry that stands in for an
 * operation. Three parts each own a share of the business and of the
 * figures the published results print (demo_plan.c holds those figures):
 *
 *   demo_products*.c donor centers, donors, collections, testing, release,
 *                    hospitals and their supply contracts, orders,
 *                    allocation, shipments, returns, expiries: blood
 *                    products revenue (4000) and cost (5000) by center
 *                    (demo_products_internal.h: what its files share);
 *   demo_services*.c therapeutic apheresis by market, the two management
 *                    contracts and the clinical-trial contract: blood
 *                    services revenue (4100, 4200, 4300) and cost (5100)
 *                    (demo_services_internal.h: what its files share);
 *   demo_finance.c   opening balances, invoices, payments, write-offs, the
 *                    allowance, payroll, insurance, rent, interest, taxes,
 *                    the line of credit and the weighted shares: G&A, the
 *                    balance sheet, receivables and DSO.
 *
 * Each part has a setup (run once, before the first day), a day (run for
 * every simulated day, in the order products, services, finance) and a
 * quarter end (run on the quarter's last day after every part's day, in
 * the same order): there it reads what its operations produced (through
 * the report services) and closes what is left to its targets with more
 * operations of the same kind, so that every quarter lands on its figures
 * to the nearest thousand dollars. Each simulated day is one job of the
 * store (db_job_begin/db_job_end): every service call stays its own
 * transaction (a savepoint), and the day is committed at once.
 *
 * Deterministic: every random choice comes from the part's own generator
 * (demo_rng), seeded from --seed, so the same seed builds the same
 * database.
 */
#ifndef BLOODOPS_DEMO_DEMO_H
#define BLOODOPS_DEMO_DEMO_H

#include <stdint.h>
#include <stdio.h>
#include "base/date.h"
#include "base/error.h"
#include "service/service.h"

/* A generator of pseudo-random numbers (xoshiro256**), one per part. */
typedef struct {
    uint64_t s[4];
} demo_rng;

void demo_rng_seed(demo_rng *rng, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(demo_rng *rng);
/* Uniform in [0, n) (n > 0). */
int64_t demo_rng_below(demo_rng *rng, int64_t n);
/* Uniform in [low, high]. */
int64_t demo_rng_between(demo_rng *rng, int64_t low, int64_t high);
/* 1 with probability per_million / 1,000,000. */
int demo_rng_chance(demo_rng *rng, int64_t per_million);

/* The quarters the demo simulates, 2003Q1 to 2004Q1. */
enum { DEMO_QUARTERS = 5 };

typedef struct demo_products demo_products;
typedef struct demo_services demo_services;
typedef struct demo_finance demo_finance;

typedef struct demo_run {
    service_context ctx; /* acting as "demo", with every role */
    uint64_t seed;
    int scale;              /* volumes and figures multiplied by it, >= 1 */
    civil_day first, through; /* the simulated days, both included */
    civil_day today;          /* the day being simulated */
    int64_t events;           /* operational events done (service calls that change state) */
    int64_t job_events;       /* of them, since the store's job began */
    int job_failed;           /* a commit between two events failed: job_error says why */
    err job_error;
    demo_products *products;
    demo_services *services;
    demo_finance *finance;
} demo_run;

/* The simulated clock: `day` at hh:mm UTC. Every record written until the
 * next call is stamped with it. */
void demo_clock(demo_run *run, civil_day day, int hour, int minute);

/* Count `n` operational events (for the progress bar and the benchmark),
 * called after the service calls that made them. Every DEMO_JOB_EVENTS
 * events the store's job is committed and a new one begun: a day's work
 * in one transaction would keep, on PostgreSQL, every version of the rows
 * each event updates (the audit trail's head) until its end. A commit that
 * fails is kept in run->job_error for the builder to report. */
enum { DEMO_JOB_EVENTS = 256 };
void demo_events(demo_run *run, int64_t n);

/* ---- what the parts share to measure and to post (demo.c) ---- */

/* What `account` holds from its postings dated from..to (both included),
 * debits less credits, in cents: for `center` (a code; "" for lines with
 * no center), or for every center when `center` is NULL. A revenue
 * account's figure is the negative of it. */
int demo_posted(demo_run *run, const char *account, const char *center, civil_day from,
                civil_day to, int64_t *debit_less_credit, err *e);

/* A manual journal entry of two lines dated `date` (journal_post): `cents`
 * (> 0) debited to `debit_account` and credited to `credit_account`, both
 * lines for `center` ("" or NULL: none). For what no module produces:
 * payroll, rent, insurance, interest, taxes, overheads. */
int demo_entry(demo_run *run, civil_day date, const char *description, const char *debit_account,
               const char *credit_account, const char *center, int64_t cents, err *e);

/* Put "demo PART, WHAT: " before the message of `e` (truncated to fit);
 * returns -1, for `return demo_fail(e, "finance", "a payment");`. */
int demo_fail(err *e, const char *part, const char *what);

/* ---- the plan: the figures each quarter must land on (demo_plan.c) ---- */

/* The index (0..4) of quarter `q` among the simulated ones, -1 outside. */
int demo_quarter_index(quarter q);

/* What quarter `q` must post to `account` for `center` (a donor center's
 * or a market's code; "" for the company as a whole), in cents, times the
 * run's scale: revenue as a positive credit, costs and expenses as
 * positive debits. 0 for a pair the plan does not name. */
int64_t demo_target(const demo_run *run, const char *account, const char *center, quarter q);
/* The same summed over every center the plan names for `account`. */
int64_t demo_target_total(const demo_run *run, const char *account, quarter q);

/* ---- the parts ---- */

int demo_products_setup(demo_run *run, err *e);
int demo_products_day(demo_run *run, err *e);
int demo_products_quarter_end(demo_run *run, quarter q, err *e);
void demo_products_free(demo_run *run);

int demo_services_setup(demo_run *run, err *e);
int demo_services_day(demo_run *run, err *e);
int demo_services_quarter_end(demo_run *run, quarter q, err *e);
void demo_services_free(demo_run *run);

int demo_finance_setup(demo_run *run, err *e);
int demo_finance_day(demo_run *run, err *e);
int demo_finance_quarter_end(demo_run *run, quarter q, err *e);
void demo_finance_free(demo_run *run);

/* ---- the builder (demo.c) ---- */

typedef struct {
    uint64_t seed;      /* --seed, default 1 */
    int scale;          /* --scale, default 1 */
    civil_day through;  /* --through, default 2004-03-31 */
    FILE *progress;     /* where the progress bar goes (stderr), or NULL */
    int progress_is_terminal; /* 1: redraw one line; 0: a line a month */
    /* A database without users gets its administrator "admin" first, on
     * the simulated clock: with this password, or a generated one copied
     * into generated_password (AUTH_TOKEN_TEXT bytes) to be shown once. */
    const char *admin_password;
    char *generated_password;
} demo_options;

/* Build the demo company into the fresh database of `ctx` (no market, no
 * center, no journal entry yet: refused otherwise naming "db"; one just
 * created gets its administrator as options say). `summary`
 * gets what was built: days, events, milliseconds, events per second. */
int demo_build(service_context *ctx, const demo_options *options, json_t **summary, err *e);

#endif
