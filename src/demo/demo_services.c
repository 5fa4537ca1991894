/*
 * demo_services.c - the services part of the demo company (demo.h): the
 * blood services segment, built through the services only.
 *
 *   - therapeutic apheresis in New York and Los Angeles: hospitals and
 *     their apheresis contracts, the standard costs, nurses (users scoped
 *     to their market, with passwords to sign) and their devices, patients
 *     and physicians' orders, bookings, procedures recorded and signed by
 *     their nurse (each signature bills the hospital: 1150/4100 and
 *     5100/2100 by market);
 *   - the two management contracts (Dartmouth-Hitchcock's blood center,
 *     NH; Presbyterian Intercommunity Hospital's donor center, LA): a
 *     monthly fee and a fee per unit reported, each month's units reported
 *     and the month accrued just after it ends (1150/4200), terminated
 *     ahead in 2004Q1;
 *   - the clinical-trial contract of an apheresis column's sponsor from
 *     2003-07: sites added over time in the United States and Canada,
 *     their tasks signed off, training logged, and investigational
 *     procedures at four of our hospitals linked to their sites
 *     (1150/4300 by market);
 *   - the staff and supplies of the segment that no procedure carries, a
 *     manual entry per market and month (5100/2100).
 *
 * Each day keeps 4100 and 4300 a little under the quarter's pace; the
 * quarter end closes 4300, 4100 and 4200 of each market to the plan
 * (within $100) with more operations of the same kind, then 5100 exactly.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "base/local_time.h"
#include "base/money.h"
#include "demo/demo.h"
#include "domain/schedule.h"
#include "service/apheresis.h"
#include "service/apheresis_procedure.h"
#include "service/apheresis_schedule.h"
#include "service/auth.h"
#include "service/billing.h"
#include "service/management.h"
#include "service/registry.h"
#include "service/trial.h"

#define PASSWORD "demo-nurse-2003"
#define NEEDS_MAX 256

enum { NY, LA, MARKETS };
static const char *const market_codes[MARKETS] = {"NY", "LA"};
static const char *const market_zones[MARKETS] = {"America/New_York", "America/Los_Angeles"};

/* ---- procedure types ---- */

enum { PLEX, RCE, ECP, ADS, LEUK, TYPES };
static const char *const type_names[TYPES] = {"plasma_exchange", "red_cell_exchange",
                                              "photopheresis", "adsorptive",
                                              "leukocytapheresis"};
static const int type_price[TYPES] = {1850, 2350, 2050, 2250, 2450}; /* dollars */
static const int type_minutes[TYPES] = {150, 120, 170, 90, 150};
static const char *const type_kit_cost[TYPES] = {"180", "260", "420", "650", "210"};

/* Surcharges (dollars) and the abort rule of every contract. */
static const int surcharge_after_hours = 375, surcharge_weekend = 450, surcharge_holiday = 600,
                 surcharge_stat = 425, abort_percent = 50;

/* ---- the company's hospitals, nurses, courses ---- */

typedef struct {
    char code[24];
    int market;
    int price[TYPES]; /* dollars */
    int site;         /* index of its trial site, -1: none */
} hospital;

typedef struct {
    char username[32], device[32];
    int market;
    int busy; /* slots taken today, bit per slot */
} nurse;

typedef struct {
    int64_t order;
    int hospital, type, remaining, interval, investigational, stat_first;
    civil_day next_due;
} course;

/* A procedure planned for today. */
typedef struct {
    int course, nurse, slot, stat, aborted, booked;
    int64_t start, end; /* UTC */
    int64_t booking;
} planned;

/* ---- the trial ---- */

typedef struct {
    const char *name, *country, *city, *investigator;
    int market;
    int hospital; /* index into our hospitals, -1: none */
} site_seed;

enum { TASK_SETUP, TASK_VERIFICATION, TASK_TRAINING, TASKS };
static const char *const task_names[TASKS] = {"setup", "verification", "training"};
static const int task_fee[TASKS] = {2500, 1200, 1800}; /* dollars */
static const int procedure_fee = 175;                  /* dollars */

typedef struct {
    int64_t id;
    int market, hospital;
    civil_day added, due[TASKS];
    int done[TASKS];
    int ready, linked;
} site;

typedef struct {
    int64_t procedure;
    int site, market;
    civil_day day; /* performed on: a link is billed on that day */
} unlinked;

/* ---- the management contracts ---- */

typedef struct {
    const char *customer, *name, *market, *kind, *term, *terminate_on, *reason;
    int monthly_fee, per_unit_cents;
    civil_day notice; /* the day the termination is recorded */
    int64_t id;
} managed;

struct demo_services {
    demo_rng rng;
    hospital *hospitals;
    size_t hospital_count;
    nurse *nurses;
    size_t nurse_count;
    course *courses;
    size_t course_count, course_capacity;
    int64_t patients; /* MRNs given */
    /* The quarter's postings as our operations made them (cents). */
    int64_t revenue_4100[MARKETS], revenue_4300[MARKETS], cost_5100;
    int64_t procedures[MARKETS];
    /* The trial. */
    int64_t trial_contract;
    site *sites;
    size_t site_count;
    size_t next_site; /* seeds added so far */
    unlinked *pool;
    size_t pool_count, pool_capacity;
    managed contracts[2];
};

/* ---- small helpers ---- */

static int fail(err *e, const char *what)
{
    char message[sizeof e->message];
    size_t used = (size_t)snprintf(message, sizeof message, "services: %s: ", what);
    if (used < sizeof message) {
        size_t room = sizeof message - used - 1, length = strlen(e->message);
        memcpy(message + used, e->message, length < room ? length : room);
        message[used + (length < room ? length : room)] = '\0';
        memcpy(e->message, message, sizeof message);
    }
    return -1;
}

static int64_t json_id(const json_t *o) { return json_integer_value(json_object_get(o, "id")); }

static void id_text(int64_t id, char out[24]) { snprintf(out, 24, "%" PRId64, id); }

static void dollars_text(int64_t cents, char *out, size_t size)
{
    snprintf(out, size, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static int is_month_end(civil_day d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return dd == date_days_in_month(y, m);
}

static civil_day day_of(int y, int m, int d)
{
    civil_day out;
    date_from_ymd(y, m, d, &out, NULL, NULL);
    return out;
}

/* The clock at `utc` (seconds), as demo_clock takes it: today's hours. */
static void clock_at(demo_run *run, int64_t utc)
{
    int64_t seconds = utc - (int64_t)run->today * 86400;
    demo_clock(run, run->today, (int)(seconds / 3600), (int)(seconds % 3600 / 60));
}

/* The share of quarter q's pace done by the end of `day`: weekdays weigh
 * 1, weekends 0.3 (in thousandths). */
static int64_t pace_share(quarter q, civil_day day, int64_t *total)
{
    int64_t done = 0, all = 0;
    for (civil_day d = quarter_first_day(q); d <= quarter_last_day(q); d++) {
        int64_t w = weekday_of(d) >= 5 ? 300 : 1000;
        all += w;
        if (d <= day)
            done += w;
    }
    *total = all;
    return done;
}

/* ---- the standing data ---- */

typedef struct {
    const char *code, *name;
    int market;
} hospital_seed;

static const hospital_seed hospital_seeds[] = {
    {"MSH-NY", "Mount Sinai Hospital", NY},
    {"NYP-NY", "NewYork-Presbyterian Hospital", NY},
    {"MMC-NY", "Montefiore Medical Center", NY},
    {"NYU-NY", "NYU Medical Center", NY},
    {"CSMC-LA", "Cedars-Sinai Medical Center", LA},
    {"UCLA-LA", "UCLA Medical Center", LA},
    {"USC-LA", "USC University Hospital", LA},
};

static const site_seed site_seeds[] = {
    {"Mount Sinai Hospital", "US", "New York", "Dr. Helen Park", NY, 0},
    {"Cedars-Sinai Medical Center", "US", "Los Angeles", "Dr. Arun Mehta", LA, 4},
    {"NewYork-Presbyterian Hospital", "US", "New York", "Dr. Laura Stein", NY, 1},
    {"UCLA Medical Center", "US", "Los Angeles", "Dr. Kevin Cho", LA, 5},
    {"Massachusetts General Hospital", "US", "Boston", "Dr. Ruth Adler", NY, -1},
    {"Stanford Hospital", "US", "Stanford", "Dr. Peter Lund", LA, -1},
    {"Johns Hopkins Hospital", "US", "Baltimore", "Dr. Samuel Greene", NY, -1},
    {"Toronto General Hospital", "CA", "Toronto", "Dr. Anne Roy", NY, -1},
    {"UCSF Medical Center", "US", "San Francisco", "Dr. Grace Wu", LA, -1},
    {"Hospital of the University of Pennsylvania", "US", "Philadelphia", "Dr. Mark Levin", NY, -1},
    {"Vancouver General Hospital", "CA", "Vancouver", "Dr. Ian MacLeod", LA, -1},
    {"Yale-New Haven Hospital", "US", "New Haven", "Dr. Carol Weiss", NY, -1},
    {"University of Washington Medical Center", "US", "Seattle", "Dr. Erik Holm", LA, -1},
    {"Montreal General Hospital", "CA", "Montreal", "Dr. Luc Gagnon", NY, -1},
    {"Mayo Clinic", "US", "Rochester", "Dr. Janet Olson", LA, -1},
    {"Cleveland Clinic", "US", "Cleveland", "Dr. Robert Hale", NY, -1},
    {"Oregon Health & Science University", "US", "Portland", "Dr. Nina Brandt", LA, -1},
    {"Duke University Hospital", "US", "Durham", "Dr. James Whitfield", NY, -1},
    {"Foothills Medical Centre", "CA", "Calgary", "Dr. Paul Fraser", LA, -1},
    {"Ottawa Hospital", "CA", "Ottawa", "Dr. Claire Bouchard", NY, -1},
    {"University of Michigan Hospital", "US", "Ann Arbor", "Dr. Susan Novak", NY, -1},
    {"UC San Diego Medical Center", "US", "San Diego", "Dr. Miguel Torres", LA, -1},
    {"Brigham and Women's Hospital", "US", "Boston", "Dr. Elliot Kaplan", NY, -1},
    {"University of Colorado Hospital", "US", "Aurora", "Dr. Dana Whitaker", LA, -1},
    {"Emory University Hospital", "US", "Atlanta", "Dr. Howard Bell", NY, -1},
    {"University of Alberta Hospital", "CA", "Edmonton", "Dr. Greg Olsen", LA, -1},
    {"Mount Sinai Hospital Toronto", "CA", "Toronto", "Dr. Rachel Katz", NY, -1},
    {"Barnes-Jewish Hospital", "US", "St. Louis", "Dr. Alan Pierce", LA, -1},
    {"Northwestern Memorial Hospital", "US", "Chicago", "Dr. Maria Russo", NY, -1},
    {"University of Utah Hospital", "US", "Salt Lake City", "Dr. Scott Jensen", LA, -1},
    {"QEII Health Sciences Centre", "CA", "Halifax", "Dr. Fiona Campbell", NY, -1},
    {"UT Southwestern Medical Center", "US", "Dallas", "Dr. Linda Reyes", LA, -1},
    {"University of Pittsburgh Medical Center", "US", "Pittsburgh", "Dr. Thomas Ward", NY, -1},
    {"St. Paul's Hospital", "CA", "Vancouver", "Dr. Henry Chan", LA, -1},
    {"Georgetown University Hospital", "US", "Washington", "Dr. Evelyn Moore", NY, -1},
    {"University of Arizona Medical Center", "US", "Tucson", "Dr. Victor Salas", LA, -1},
    {"Hamilton General Hospital", "CA", "Hamilton", "Dr. Megan Doyle", NY, -1},
    {"University of Minnesota Medical Center", "US", "Minneapolis", "Dr. Karl Berg", LA, -1},
    {"Vanderbilt University Medical Center", "US", "Nashville", "Dr. Lucy Harper", NY, -1},
    {"Scripps Green Hospital", "US", "La Jolla", "Dr. Owen Price", LA, -1},
    {"Sunnybrook Health Sciences Centre", "CA", "Toronto", "Dr. Julia Martin", NY, -1},
    {"Methodist Hospital", "US", "Houston", "Dr. Carlos Vega", LA, -1},
    {"University of Virginia Medical Center", "US", "Charlottesville", "Dr. Ann Foster", NY, -1},
    {"Royal University Hospital", "CA", "Saskatoon", "Dr. Neil Grant", LA, -1},
    {"Rhode Island Hospital", "US", "Providence", "Dr. Beth Conley", NY, -1},
};
enum { SITE_SEEDS = sizeof site_seeds / sizeof site_seeds[0] };

static const char *const family_names[] = {
    "Alvarez", "Brennan", "Chen", "Dubois", "Edwards", "Fischer", "Garcia", "Hughes", "Ibrahim",
    "Jackson", "Kowalski", "Lopez", "Murphy", "Nguyen", "O'Brien", "Patel", "Quinn", "Rossi",
    "Schmidt", "Thompson", "Ueda", "Vasquez", "Walker", "Young", "Zimmerman", "Kim", "Cohen",
    "Rivera", "Foster", "Moreno"};
static const char *const given_male[] = {"James", "Robert", "Michael", "David", "Carlos",
                                         "Wei", "Ahmed", "Thomas", "Daniel", "Joseph"};
static const char *const given_female[] = {"Maria", "Linda", "Susan", "Karen", "Mei",
                                           "Fatima", "Sarah", "Laura", "Ana", "Emily"};

/* A market of the products part, or ours when it is not there yet. */
static int market_ensure(demo_run *run, const char *code, const char *name, const char *zone,
                         err *e)
{
    json_t *out = NULL;
    err missing;
    if (market_get(&run->ctx, code, &out, &missing) == 0) {
        json_decref(out);
        return 0;
    }
    market_input in = {.code = code, .name = name, .time_zone = zone};
    if (market_add(&run->ctx, &in, &out, e))
        return fail(e, "market");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

static int hospital_ensure(demo_run *run, const char *code, const char *name, const char *market,
                           err *e)
{
    json_t *out = NULL;
    err missing;
    if (hospital_get(&run->ctx, code, &out, &missing) == 0) {
        json_decref(out);
        return 0;
    }
    hospital_input in = {.code = code, .name = name, .market = market,
                         .billing_terms_days = "45"};
    if (hospital_add(&run->ctx, &in, &out, e))
        return fail(e, "hospital");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

static int user_make(demo_run *run, const char *username, const char *full_name,
                     const char *roles, const char *markets, err *e)
{
    user_input in = {.username = username, .full_name = full_name, .roles = roles,
                     .password = PASSWORD};
    json_t *out = NULL;
    if (user_add(&run->ctx, &in, NULL, &out, e))
        return fail(e, "user");
    json_decref(out);
    out = NULL;
    if (markets && user_scope_set(&run->ctx, username, NULL, markets, &out, e))
        return fail(e, "user scope");
    json_decref(out);
    demo_events(run, 2);
    return 0;
}

static int apheresis_setup(demo_run *run, demo_services *s, err *e)
{
    json_t *out = NULL;
    char text[32], id[24];
    /* Standard costs. */
    static const struct {
        const char *item, *amount;
    } costs[] = {{"nurse_hour:NY", "96.00"}, {"nurse_hour:LA", "88.00"},
                 {"albumin_vial", "38.00"}, {"plasma_unit", "55.00"}};
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++) {
        if (apheresis_cost_set(&run->ctx, costs[i].item, costs[i].amount, &out, e))
            return fail(e, "apheresis cost");
        json_decref(out);
        demo_events(run, 1);
    }
    for (int t = 0; t < TYPES; t++) {
        char item[64];
        snprintf(item, sizeof item, "kit:%s", type_names[t]);
        if (apheresis_cost_set(&run->ctx, item, type_kit_cost[t], &out, e))
            return fail(e, "apheresis cost");
        json_decref(out);
        demo_events(run, 1);
    }
    /* Hospitals: the seeds, and more at a larger scale. */
    size_t seeds = sizeof hospital_seeds / sizeof hospital_seeds[0];
    size_t extra = (size_t)(run->scale - 1) * 2;
    s->hospital_count = seeds + extra;
    s->hospitals = calloc(s->hospital_count, sizeof *s->hospitals);
    if (!s->hospitals)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    static const int adjust[] = {0, 65, -40, 120, 25, -75, 90, -20, 45, -60};
    for (size_t h = 0; h < s->hospital_count; h++) {
        hospital *ho = &s->hospitals[h];
        char name[80];
        if (h < seeds) {
            snprintf(ho->code, sizeof ho->code, "%s", hospital_seeds[h].code);
            snprintf(name, sizeof name, "%s", hospital_seeds[h].name);
            ho->market = hospital_seeds[h].market;
        } else {
            int k = (int)(h - seeds);
            ho->market = k % 2 ? LA : NY;
            snprintf(ho->code, sizeof ho->code, "APH-%s-%02d", market_codes[ho->market], k / 2 + 1);
            snprintf(name, sizeof name, "%s Community Hospital %d",
                     ho->market == NY ? "Queens" : "Valley", k / 2 + 1);
        }
        ho->site = -1;
        if (hospital_ensure(run, ho->code, name, market_codes[ho->market], e))
            return -1;
        if (apheresis_contract_add(&run->ctx, ho->code, "2003-01-01", NULL, "50", &out, e))
            return fail(e, "apheresis contract");
        id_text(json_id(out), id);
        json_decref(out);
        demo_events(run, 1);
        for (int t = 0; t < TYPES; t++) {
            ho->price[t] = type_price[t] + adjust[h % 10] + (int)(h / 10) * 15 + t * 5;
            snprintf(text, sizeof text, "%d.00", ho->price[t]);
            if (apheresis_contract_price(&run->ctx, id, type_names[t], text, &out, e))
                return fail(e, "apheresis price");
            json_decref(out);
            demo_events(run, 1);
        }
        static const char *const kinds[] = {"after_hours", "weekend", "holiday", "stat"};
        const int amounts[] = {surcharge_after_hours, surcharge_weekend, surcharge_holiday,
                               surcharge_stat};
        for (int k = 0; k < 4; k++) {
            snprintf(text, sizeof text, "%d.00", amounts[k]);
            if (apheresis_contract_surcharge(&run->ctx, id, kinds[k], text, &out, e))
                return fail(e, "apheresis surcharge");
            json_decref(out);
            demo_events(run, 1);
        }
    }
    /* Nurses, each with a device: six in New York, four in Los Angeles per scale. */
    int per_market[MARKETS] = {6 * run->scale, 4 * run->scale};
    s->nurse_count = (size_t)(per_market[NY] + per_market[LA]);
    s->nurses = calloc(s->nurse_count, sizeof *s->nurses);
    if (!s->nurses)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    static const char *const nurse_names[] = {
        "Nadia Okafor", "Grace Liu", "Rosa Delgado", "Hannah Weber", "Priya Nair",
        "Monique Baptiste", "Erin Walsh", "Sofia Castillo", "Joan Mitchell", "Lily Tran"};
    size_t n = 0;
    for (int m = 0; m < MARKETS; m++)
        for (int i = 0; i < per_market[m]; i++, n++) {
            nurse *nu = &s->nurses[n];
            nu->market = m;
            snprintf(nu->username, sizeof nu->username, "nurse.%s%d", m == NY ? "ny" : "la",
                     i + 1);
            snprintf(nu->device, sizeof nu->device, "OPTIA-%s-%03d", market_codes[m], i + 1);
            char full[64];
            snprintf(full, sizeof full, "%s", nurse_names[n % 10]);
            if (user_make(run, nu->username, full, "apheresis_nurse", market_codes[m], e))
                return -1;
            if (apheresis_device_add(&run->ctx, nu->device, "Spectra Optia", market_codes[m],
                                     &out, e))
                return fail(e, "apheresis device");
            json_decref(out);
            demo_events(run, 1);
        }
    return 0;
}

/* ---- the management contracts ---- */

static int management_setup(demo_run *run, demo_services *s, err *e)
{
    if (market_ensure(run, "NH", "New Hampshire", "America/New_York", e) ||
        hospital_ensure(run, "DHMC", "Dartmouth-Hitchcock Medical Center", "NH", e) ||
        hospital_ensure(run, "PIH", "Presbyterian Intercommunity Hospital", "LA", e))
        return -1;
    managed seeds[2] = {
        {.customer = "DHMC", .name = "Dartmouth-Hitchcock blood center", .market = "NH",
         .kind = "blood-center", .term = "36", .terminate_on = "2004-06-21",
         .reason = "Dartmouth-Hitchcock takes its hospital blood center back in house",
         .monthly_fee = 70000, .per_unit_cents = 2500, .notice = day_of(2004, 3, 22)},
        {.customer = "PIH", .name = "Presbyterian Intercommunity donor center", .market = "LA",
         .kind = "donor-center", .term = "24", .terminate_on = "2004-05-31",
         .reason = "Presbyterian Intercommunity Hospital closes its donor center",
         .monthly_fee = 35000, .per_unit_cents = 800, .notice = day_of(2004, 3, 15)},
    };
    for (int i = 0; i < 2; i++) {
        s->contracts[i] = seeds[i];
        managed *c = &s->contracts[i];
        char fee[32], per_unit[32];
        snprintf(fee, sizeof fee, "%d.00", c->monthly_fee * run->scale);
        dollars_text(c->per_unit_cents, per_unit, sizeof per_unit);
        management_input in = {.customer = c->customer, .kind = c->kind, .market = c->market,
                               .start = "2003-01-01", .term = c->term, .monthly_fee = fee,
                               .per_unit = per_unit};
        json_t *out = NULL;
        if (management_contract_add(&run->ctx, &in, &out, e))
            return fail(e, "management contract");
        c->id = json_id(out);
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* Report month `month`'s units of contract c. */
static int management_units(demo_run *run, managed *c, civil_day month_end, int64_t units,
                            err *e)
{
    char id[24], period[16], text[32];
    int y, m, d;
    date_to_ymd(month_end, &y, &m, &d);
    snprintf(period, sizeof period, "%04d-%02d", y, m);
    snprintf(text, sizeof text, "%lld", (long long)(units < 0 ? 0 : units));
    id_text(c->id, id);
    json_t *out = NULL;
    demo_clock(run, run->today, 21, 0);
    if (management_volumes_report(&run->ctx, id, period, text, "0", &out, e))
        return fail(e, "management volumes");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

/* Accrue the month ending today, just after it ends (00:30 in Los Angeles). */
static int management_accrue_month(demo_run *run, err *e)
{
    char period[16];
    int y, m, d;
    date_to_ymd(run->today, &y, &m, &d);
    snprintf(period, sizeof period, "%04d-%02d", y, m);
    demo_clock(run, run->today, 24 + 8, 30);
    json_t *out = NULL;
    if (management_accrue(&run->ctx, period, &out, e))
        return fail(e, "management accrual");
    json_decref(out);
    demo_events(run, 1);
    demo_clock(run, run->today, 23, 0);
    return 0;
}

/* The units of a month before the quarter's last: a third of what the
 * quarter needs beyond the fixed fees, give or take 3%. */
static int64_t units_planned(demo_run *run, demo_services *s, const managed *c, quarter q)
{
    int64_t need = demo_target(run, "4200", c->market, q) - 3LL * c->monthly_fee * 100 * run->scale;
    int64_t units = need / 3 / c->per_unit_cents;
    return units * (970 + demo_rng_below(&s->rng, 61)) / 1000;
}

static int management_month_end(demo_run *run, demo_services *s, err *e)
{
    quarter q = quarter_of(run->today);
    if (run->today == quarter_last_day(q))
        return 0; /* the quarter end reports and accrues */
    for (int i = 0; i < 2; i++)
        if (management_units(run, &s->contracts[i], run->today,
                             units_planned(run, s, &s->contracts[i], q), e))
            return -1;
    return management_accrue_month(run, e);
}

static int management_terminations(demo_run *run, demo_services *s, err *e)
{
    for (int i = 0; i < 2; i++) {
        managed *c = &s->contracts[i];
        if (run->today != c->notice)
            continue;
        char id[24];
        id_text(c->id, id);
        demo_clock(run, run->today, 19, 0);
        json_t *out = NULL;
        if (management_contract_terminate(&run->ctx, id, c->terminate_on, c->reason, &out, e))
            return fail(e, "management termination");
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* ---- apheresis: patients, orders, procedures ---- */

static int course_add(demo_services *s, const course *c, err *e)
{
    if (s->course_count == s->course_capacity) {
        size_t capacity = s->course_capacity ? s->course_capacity * 2 : 256;
        course *grown = realloc(s->courses, capacity * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        s->courses = grown;
        s->course_capacity = capacity;
    }
    s->courses[s->course_count++] = *c;
    return 0;
}

static int pool_add(demo_services *s, int64_t procedure, int site_index, int market,
                    civil_day day, err *e)
{
    if (s->pool_count == s->pool_capacity) {
        size_t capacity = s->pool_capacity ? s->pool_capacity * 2 : 64;
        unlinked *grown = realloc(s->pool, capacity * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        s->pool = grown;
        s->pool_capacity = capacity;
    }
    s->pool[s->pool_count++] = (unlinked){procedure, site_index, market, day};
    return 0;
}

/* A new patient at hospital h and their physician's order of type t: the
 * course, due today. */
static int course_open(demo_run *run, demo_services *s, int h, int t, int investigational,
                       int stat_first, int *index, err *e)
{
    demo_rng *rng = &s->rng;
    int male = (int)demo_rng_below(rng, 2);
    char mrn[32], birth[DATE_TEXT_MAX], height[16], weight[16], patient[24];
    s->patients++;
    snprintf(mrn, sizeof mrn, "MRN-%06" PRId64, 100000 + s->patients * 7);
    date_format(day_of(1930 + (int)demo_rng_below(rng, 60), 1 + (int)demo_rng_below(rng, 12),
                       1 + (int)demo_rng_below(rng, 28)),
                birth, sizeof birth);
    int cm = male ? 165 + (int)demo_rng_below(rng, 25) : 152 + (int)demo_rng_below(rng, 22);
    snprintf(height, sizeof height, "%d.%02d", cm / 100, cm % 100);
    snprintf(weight, sizeof weight, "%d", (male ? 62 : 50) + (int)demo_rng_below(rng, 40));
    apheresis_patient_input p = {
        .hospital = s->hospitals[h].code, .mrn = mrn,
        .family_name = family_names[demo_rng_below(rng, sizeof family_names / sizeof *family_names)],
        .given_name = male ? given_male[demo_rng_below(rng, 10)] : given_female[demo_rng_below(rng, 10)],
        .birth_date = birth, .sex = male ? "male" : "female", .height_m = height,
        .weight_kg = weight};
    json_t *out = NULL;
    if (apheresis_patient_create(&run->ctx, &p, &out, e))
        return fail(e, "apheresis patient");
    id_text(json_id(out), patient);
    json_decref(out);
    demo_events(run, 1);

    static const char *const physicians[] = {"Dr. Ana Ruiz", "Dr. Samuel Ortiz",
                                             "Dr. Judith Klein", "Dr. Omar Haddad",
                                             "Dr. Yuki Tanaka", "Dr. Brian Kelly"};
    apheresis_order_input o = {.patient = patient,
                               .physician = physicians[demo_rng_below(rng, 6)],
                               .procedure_type = type_names[t]};
    course c = {.hospital = h, .type = t, .investigational = investigational,
                .stat_first = stat_first, .next_due = run->today};
    char hct[16];
    snprintf(hct, sizeof hct, "0.%02d", 30 + (int)demo_rng_below(rng, 14));
    switch (t) {
    case PLEX: {
        static const char *const indications[] = {"myasthenia gravis", "Guillain-Barre syndrome",
                                                  "thrombotic thrombocytopenic purpura",
                                                  "chronic inflammatory demyelinating polyneuropathy"};
        static const char *const grade[] = {"1B", "1A", "1A", "1B"};
        int k = (int)demo_rng_below(rng, 4);
        o.indication = indications[k];
        o.asfa_category = "I";
        o.asfa_grade = grade[k];
        o.procedures = k == 2 ? "7" : "5";
        o.frequency = k == 2 ? "daily" : "every 2 days";
        o.hct = hct;
        o.volumes = k == 2 ? "1.5" : "1.0";
        o.albumin_fraction = k == 2 ? "0" : "1";
        o.anticoagulant = "acd_a";
        o.ratio = "13";
        o.inlet_ml_min = "60";
        c.remaining = k == 2 ? 7 : 5;
        c.interval = k == 2 ? 1 : 2;
        break;
    }
    case RCE:
        o.indication = "sickle cell disease, acute chest syndrome";
        o.asfa_category = "II";
        o.asfa_grade = "1C";
        o.procedures = "1";
        o.frequency = "daily";
        o.hct = hct;
        o.replacement_hct = "0.60";
        o.remaining = "0.30";
        o.target_hct = "0.30";
        c.remaining = 1;
        c.interval = 1;
        break;
    case ECP:
        o.indication = "cutaneous T-cell lymphoma";
        o.asfa_category = "I";
        o.asfa_grade = "1B";
        o.procedures = "6";
        o.frequency = "2 per week";
        o.anticoagulant = "heparin";
        c.remaining = 6;
        c.interval = 3;
        break;
    case ADS:
        o.indication = investigational
                           ? "ulcerative colitis (investigational column, protocol IC-AD-301)"
                           : "ulcerative colitis";
        o.asfa_category = "II";
        o.asfa_grade = "1B";
        o.procedures = "5";
        o.frequency = "1 per week";
        o.anticoagulant = "heparin";
        c.remaining = 5;
        c.interval = 7;
        break;
    default:
        o.indication = "hyperleukocytosis in acute myeloid leukemia";
        o.asfa_category = "III";
        o.asfa_grade = "2B";
        o.procedures = "2";
        o.frequency = "daily";
        o.hct = hct;
        o.anticoagulant = "acd_a";
        o.ratio = "12";
        o.inlet_ml_min = "55";
        c.remaining = 2;
        c.interval = 1;
        break;
    }
    if (apheresis_order_create(&run->ctx, &o, &out, e))
        return fail(e, "apheresis order");
    c.order = json_id(out);
    json_decref(out);
    demo_events(run, 1);
    *index = (int)s->course_count;
    return course_add(s, &c, e);
}

/* Slots of a nurse's day, local start times (minutes after midnight):
 * three booked by day, then an evening and a night call-out. */
enum { SLOT_DAY = 3, SLOT_EVENING = 3, SLOT_NIGHT = 4, SLOTS = 5 };
static const int slot_minutes[SLOTS] = {7 * 60 + 30, 11 * 60, 14 * 60 + 30, 19 * 60 + 30,
                                        22 * 60 + 30};

/* The price (cents) of a procedure as the contract sets it. */
static int64_t price_of(const hospital *h, int t, int after_hours, int weekend, int stat,
                        int aborted)
{
    int64_t total = (int64_t)h->price[t] * 100;
    if (after_hours)
        total += surcharge_after_hours * 100;
    if (weekend)
        total += surcharge_weekend * 100;
    if (stat)
        total += surcharge_stat * 100;
    if (aborted)
        total = (total * abort_percent + 50) / 100;
    return total;
}

/* A free nurse of market m for slot kind (day: 0..2, else the slot). */
static int nurse_free(demo_services *s, int m, int evening, int *slot)
{
    size_t count = s->nurse_count;
    size_t start = (size_t)demo_rng_below(&s->rng, (int64_t)count);
    if (!evening)
        for (int k = 0; k < SLOT_DAY; k++)
            for (size_t i = 0; i < count; i++) {
                size_t n = (start + i) % count;
                if (s->nurses[n].market == m && !(s->nurses[n].busy & (1 << k))) {
                    *slot = k;
                    return (int)n;
                }
            }
    for (int k = SLOT_EVENING; k < SLOTS; k++)
        for (size_t i = 0; i < count; i++) {
            size_t n = (start + i) % count;
            if (s->nurses[n].market == m && !(s->nurses[n].busy & (1 << k))) {
                *slot = k;
                return (int)n;
            }
        }
    return -1;
}

/* Place a procedure of course c for today: its nurse, slot and times. */
static int place(demo_run *run, demo_services *s, int c, int stat, int evening, int aborted,
                 planned *p, err *e)
{
    course *co = &s->courses[c];
    int m = s->hospitals[co->hospital].market;
    int slot;
    int n = nurse_free(s, m, evening || stat, &slot);
    if (n < 0)
        return 1;
    s->nurses[n].busy |= 1 << slot;
    int minutes = slot_minutes[slot] + (int)demo_rng_below(&s->rng, 4) * 5;
    if (local_time_instant(market_zones[m], run->today, minutes / 60, minutes % 60, 0, &p->start,
                           e))
        return -1;
    p->end = p->start + (int64_t)(type_minutes[co->type] + (int)demo_rng_below(&s->rng, 3) * 5) * 60;
    if (aborted)
        p->end = p->start + 40 * 60;
    p->course = c;
    p->nurse = n;
    p->slot = slot;
    p->stat = stat;
    p->aborted = aborted;
    p->booked = slot < SLOT_DAY && !stat;
    p->booking = 0;
    return 0;
}

static int by_end(const void *a, const void *b)
{
    const planned *x = a, *y = b;
    return x->end < y->end ? -1 : x->end > y->end ? 1 : (x->course < y->course ? -1 : x->course > y->course);
}

static int trial_link(demo_run *run, demo_services *s, int site_index, int64_t procedure,
                      err *e);

/* Book (at the morning clock) the day slots, then record and sign every
 * planned procedure in the order they end, each at its end. */
static int perform(demo_run *run, demo_services *s, planned *plan, size_t count, err *e)
{
    char text[24];
    json_t *out = NULL;
    demo_clock(run, run->today, 11, 0);
    for (size_t i = 0; i < count; i++) {
        planned *p = &plan[i];
        if (!p->booked)
            continue;
        char start[TIMESTAMP_TEXT_MAX], end[TIMESTAMP_TEXT_MAX];
        id_text(s->courses[p->course].order, text);
        apheresis_booking_input in = {.order = text, .nurse = s->nurses[p->nurse].username,
                                      .device = s->nurses[p->nurse].device,
                                      .start = timestamp_format(p->start, start, sizeof start),
                                      .end = timestamp_format(p->end, end, sizeof end)};
        if (apheresis_booking_create(&run->ctx, &in, &out, e))
            return fail(e, "apheresis booking");
        p->booking = json_id(out);
        json_decref(out);
        demo_events(run, 1);
    }
    qsort(plan, count, sizeof *plan, by_end);
    for (size_t i = 0; i < count; i++) {
        planned *p = &plan[i];
        course *co = &s->courses[p->course];
        hospital *h = &s->hospitals[co->hospital];
        int m = h->market;
        nurse *nu = &s->nurses[p->nurse];
        demo_rng *rng = &s->rng;
        clock_at(run, p->end + 10 * 60);
        char order[24], booking[24], started[TIMESTAMP_TEXT_MAX], ended[TIMESTAMP_TEXT_MAX],
            kit[32], blood[16], plasma[16], vials[16], units[16], saline[16], ac[16], calcium[16];
        char sys_b[16], dia_b[16], pulse_b[16], sys_a[16], dia_a[16], pulse_a[16];
        id_text(co->order, order);
        if (p->booking)
            id_text(p->booking, booking);
        snprintf(kit, sizeof kit, "LOT-%c%05d", 'A' + (int)(run->today % 20),
                 (int)demo_rng_below(rng, 100000));
        int full = !p->aborted;
        snprintf(blood, sizeof blood, "%d", full ? 4000 + (int)demo_rng_below(rng, 30) * 100 : 900);
        snprintf(plasma, sizeof plasma, "%d",
                 co->type == PLEX ? (full ? 2400 + (int)demo_rng_below(rng, 15) * 50 : 500) : 0);
        snprintf(vials, sizeof vials, "%d",
                 co->type == PLEX ? (full ? 10 + (int)demo_rng_below(rng, 4) : 2) : 0);
        snprintf(units, sizeof units, "%d",
                 co->type == RCE ? (full ? 8 + (int)demo_rng_below(rng, 4) : 2) : 0);
        snprintf(saline, sizeof saline, "%d", 250 + (int)demo_rng_below(rng, 4) * 125);
        snprintf(ac, sizeof ac, "%d", 250 + (int)demo_rng_below(rng, 20) * 10);
        snprintf(calcium, sizeof calcium, "%d", co->type == PLEX ? 1000 : 0);
        snprintf(sys_b, sizeof sys_b, "%d", 110 + (int)demo_rng_below(rng, 30));
        snprintf(dia_b, sizeof dia_b, "%d", 65 + (int)demo_rng_below(rng, 20));
        snprintf(pulse_b, sizeof pulse_b, "%d", 62 + (int)demo_rng_below(rng, 25));
        snprintf(sys_a, sizeof sys_a, "%d", 105 + (int)demo_rng_below(rng, 30));
        snprintf(dia_a, sizeof dia_a, "%d", 62 + (int)demo_rng_below(rng, 20));
        snprintf(pulse_a, sizeof pulse_a, "%d", 64 + (int)demo_rng_below(rng, 25));
        apheresis_procedure_input in = {
            .order = order, .booking = p->booking ? booking : NULL,
            .started_at = timestamp_format(p->start, started, sizeof started),
            .ended_at = timestamp_format(p->end, ended, sizeof ended), .nurse = nu->username,
            .device_serial = nu->device, .kit_lot = kit,
            .before = {sys_b, dia_b, pulse_b, "36.8", "98"},
            .after = {sys_a, dia_a, pulse_a, "36.9", "97"},
            .blood_processed_ml = blood, .plasma_removed_ml = plasma, .albumin_vials = vials,
            .plasma_units = units, .saline_ml = saline, .anticoagulant_ml = ac,
            .ratio = co->type == PLEX || co->type == LEUK ? "13" : NULL,
            .calcium_mg = calcium, .stat = p->stat ? "true" : "false",
            .outcome = p->aborted ? "aborted" : "completed",
            .abort_reason = p->aborted ? (demo_rng_below(rng, 2)
                                              ? "vascular access failed: line occluded"
                                              : "hypotension, procedure stopped")
                                       : NULL};
        if (apheresis_procedure_record(&run->ctx, &in, &out, e))
            return fail(e, "apheresis procedure");
        id_text(json_id(out), text);
        int64_t procedure = json_id(out);
        json_decref(out);
        if (apheresis_procedure_sign(&run->ctx, text, nu->username, PASSWORD, &out, e))
            return fail(e, "apheresis signature");
        int64_t price = 0, cost = 0;
        err ignored;
        money_parse(json_string_value(json_object_get(out, "price")), &price, "price", &ignored);
        money_parse(json_string_value(json_object_get(out, "cost")), &cost, "cost", &ignored);
        json_decref(out);
        demo_events(run, 2);
        s->revenue_4100[m] += price;
        s->cost_5100 += cost;
        s->procedures[m]++;
        if (co->investigational && h->site >= 0 &&
            pool_add(s, procedure, h->site, m, run->today, e))
            return -1;
        co->remaining--;
        co->next_due = date_add_days(run->today, co->interval);
    }
    return 0;
}

/* The courses due today, investigational ones first, then by age. */
static size_t due_courses(demo_run *run, demo_services *s, int m, int *due, size_t max)
{
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->course_count && count < max; i++) {
            course *c = &s->courses[i];
            if (c->remaining > 0 && c->next_due <= run->today &&
                s->hospitals[c->hospital].market == m && c->investigational == !pass)
                due[count++] = (int)i;
        }
    return count;
}

/* A new course's type, hospital (of market m) and whether its first
 * procedure is a stat call-out. */
static void new_course_kind(demo_services *s, int m, int *h, int *t, int *stat)
{
    int64_t r = demo_rng_below(&s->rng, 100);
    *t = r < 38 ? PLEX : r < 58 ? RCE : r < 76 ? ECP : r < 86 ? ADS : LEUK;
    int candidates[64] = {0}, count = 0;
    for (size_t i = 0; i < s->hospital_count && count < 64; i++)
        if (s->hospitals[i].market == m)
            candidates[count++] = (int)i;
    *h = candidates[demo_rng_below(&s->rng, count)];
    *stat = (*t == RCE || *t == LEUK || *t == PLEX) && demo_rng_chance(&s->rng, 120000);
}

/* Drop the finished courses (keeping the order of the others). */
static void courses_compact(demo_services *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->course_count; i++)
        if (s->courses[i].remaining > 0)
            s->courses[kept++] = s->courses[i];
    s->course_count = kept;
}

static int apheresis_day(demo_run *run, demo_services *s, err *e)
{
    quarter q = quarter_of(run->today);
    int weekend = weekday_of(run->today) >= 5;
    int64_t total, share = pace_share(q, run->today, &total);
    for (size_t n = 0; n < s->nurse_count; n++)
        s->nurses[n].busy = 0;
    planned plan[256];
    size_t count = 0;
    for (int m = 0; m < MARKETS; m++) {
        int64_t target = demo_target(run, "4100", market_codes[m], q);
        int64_t budget = target * 975 / 1000 * share / total;
        int64_t committed = s->revenue_4100[m];
        int due[256];
        size_t due_count = due_courses(run, s, m, due, 256), next = 0;
        while (committed < budget && count < 256) {
            int c, stat = 0, evening = 0;
            if (next < due_count && !weekend) {
                c = due[next++];
            } else {
                int h, t;
                new_course_kind(s, m, &h, &t, &stat);
                if (weekend)
                    stat = 1;
                demo_clock(run, run->today, 11, 0);
                if (course_open(run, s, h, t, 0, stat, &c, e))
                    return -1;
            }
            course *co = &s->courses[c];
            evening = stat || (co->type == ECP && demo_rng_chance(&s->rng, 150000));
            int aborted = demo_rng_chance(&s->rng, 25000);
            int rc = place(run, s, c, stat, evening, aborted, &plan[count], e);
            if (rc < 0)
                return -1;
            if (rc > 0)
                break; /* every nurse busy */
            hospital *h = &s->hospitals[co->hospital];
            local_time start;
            if (local_time_of(market_zones[m], plan[count].start, &start, e))
                return -1;
            committed += price_of(h, co->type, start.hour < 7 || start.hour >= 19, weekend, stat,
                                  aborted);
            count++;
        }
    }
    if (count && perform(run, s, plan, count, e))
        return -1;
    courses_compact(s);
    return 0;
}

/* ---- the trial ---- */

static int trial_setup(demo_run *run, demo_services *s, err *e)
{
    if (user_make(run, "trials.coord", "Marta Jansen", "contract_services", NULL, e))
        return -1;
    customer_input sponsor = {.code = "IMMUNOCOL", .name = "ImmunoColumn Therapeutics, Inc.",
                              .market = "LA",
                              .billing_address = "4000 Executive Drive, San Diego, CA 92121",
                              .billing_terms_days = "30"};
    json_t *out = NULL;
    if (customer_add(&run->ctx, &sponsor, &out, e))
        return fail(e, "trial sponsor");
    json_decref(out);
    demo_events(run, 1);
    s->sites = calloc(SITE_SEEDS, sizeof *s->sites);
    return s->sites ? 0 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
}

/* The contract, signed in June 2003, in force from July. */
static int trial_contract_open(demo_run *run, demo_services *s, err *e)
{
    char cap[32], id[24], fee[32];
    snprintf(cap, sizeof cap, "%d.00", 400000 * run->scale);
    trial_contract_input in = {.sponsor = "IMMUNOCOL",
                               .device = "Immunoadsorption column system (investigational), "
                                         "autoimmune disorders",
                               .protocols = "IC-AD-301, IC-AD-302", .market = "LA",
                               .start = "2003-07-01", .end = "2005-06-30", .cap = cap};
    json_t *out = NULL;
    demo_clock(run, run->today, 18, 0);
    if (trial_contract_add(&run->ctx, &in, &out, e))
        return fail(e, "trial contract");
    s->trial_contract = json_id(out);
    json_decref(out);
    demo_events(run, 1);
    id_text(s->trial_contract, id);
    for (int k = 0; k <= TASKS; k++) {
        /* The site tasks' fees grow with the scale (as the figures do); the
         * procedure fee, which fine-tunes the quarter, does not. */
        snprintf(fee, sizeof fee, "%d.00",
                 k < TASKS ? task_fee[k] * run->scale : procedure_fee);
        if (trial_fee_set(&run->ctx, id, k < TASKS ? task_names[k] : "procedure", fee, &out, e))
            return fail(e, "trial fee");
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

static int trial_site_open(demo_run *run, demo_services *s, err *e)
{
    const site_seed *seed = &site_seeds[s->next_site];
    site *si = &s->sites[s->site_count];
    char id[24];
    id_text(s->trial_contract, id);
    trial_site_input in = {.name = seed->name, .country = seed->country, .city = seed->city,
                           .investigator = seed->investigator, .market = market_codes[seed->market]};
    json_t *out = NULL;
    demo_clock(run, run->today, 18, 30);
    if (trial_site_add(&run->ctx, id, &in, &out, e))
        return fail(e, "trial site");
    si->id = json_id(out);
    json_decref(out);
    demo_events(run, 1);
    si->market = seed->market;
    si->hospital = seed->hospital;
    if (si->hospital >= 0 && (size_t)si->hospital < s->hospital_count)
        s->hospitals[si->hospital].site = (int)s->site_count;
    else
        si->hospital = -1;
    si->added = run->today;
    si->due[TASK_SETUP] = date_add_days(run->today, 8 + (int)demo_rng_below(&s->rng, 10));
    s->site_count++;
    s->next_site++;
    return 0;
}

static int trial_task(demo_run *run, demo_services *s, site *si, int k, err *e)
{
    char id[24], date[DATE_TEXT_MAX];
    id_text(si->id, id);
    demo_clock(run, run->today, 22, 0);
    json_t *out = NULL;
    if (trial_task_sign(&run->ctx, id, task_names[k], date_format(run->today, date, sizeof date),
                        "trials.coord", PASSWORD, &out, e))
        return fail(e, "trial task");
    json_decref(out);
    demo_events(run, 1);
    si->done[k] = 1;
    s->revenue_4300[si->market] += (int64_t)task_fee[k] * 100 * run->scale;
    if (k == TASK_SETUP)
        si->due[TASK_VERIFICATION] = date_add_days(run->today, 6 + (int)demo_rng_below(&s->rng, 9));
    if (k == TASK_VERIFICATION)
        si->due[TASK_TRAINING] = date_add_days(run->today, 3 + (int)demo_rng_below(&s->rng, 8));
    if (k == TASK_TRAINING) {
        /* The training visit: the investigator and a nurse trained. */
        const site_seed *seed = &site_seeds[si - s->sites];
        trial_training_input people[2] = {
            {.person = seed->investigator, .role = "investigator", .date = date,
             .trainer = "Marta Jansen", .topic = "Protocol IC-AD-301 and the column system"},
            {.person = "Study nurse", .role = "nurse", .date = date, .trainer = "Marta Jansen",
             .topic = "Priming and running the investigational column"}};
        for (int i = 0; i < 2; i++) {
            if (trial_train(&run->ctx, id, &people[i], &out, e))
                return fail(e, "trial training");
            json_decref(out);
            demo_events(run, 1);
        }
        si->ready = 1;
    }
    return 0;
}

static int trial_link(demo_run *run, demo_services *s, int site_index, int64_t procedure,
                      err *e)
{
    char site_id[24], id[24];
    id_text(s->sites[site_index].id, site_id);
    id_text(procedure, id);
    json_t *out = NULL;
    if (trial_procedure_link(&run->ctx, site_id, id, &out, e))
        return fail(e, "trial procedure");
    json_decref(out);
    demo_events(run, 1);
    s->revenue_4300[s->sites[site_index].market] += (int64_t)procedure_fee * 100;
    s->sites[site_index].linked++;
    return 0;
}

/* Sign off what is due within the 4300 pace of each market (85% of the
 * quarter's), link the investigational procedures that fit. */
static int trial_day(demo_run *run, demo_services *s, err *e)
{
    civil_day signed_on = day_of(2003, 6, 16), start = day_of(2003, 7, 1);
    if (run->today == signed_on && trial_contract_open(run, s, e))
        return -1;
    if (!s->trial_contract || run->today < start)
        return 0;
    /* New sites: our four hospitals first, then one about every six days. */
    if (run->today == start) {
        while (s->next_site < 4)
            if (trial_site_open(run, s, e))
                return -1;
    } else if (s->next_site < SITE_SEEDS && weekday_of(run->today) < 5 &&
               demo_rng_chance(&s->rng, 300000)) {
        if (trial_site_open(run, s, e))
            return -1;
    }
    quarter q = quarter_of(run->today);
    int64_t total, share = pace_share(q, run->today, &total);
    int64_t budget[MARKETS];
    for (int m = 0; m < MARKETS; m++)
        budget[m] = demo_target(run, "4300", market_codes[m], q) * 900 / 1000 * share / total;
    if (weekday_of(run->today) >= 5)
        return 0;
    for (size_t i = 0; i < s->site_count; i++) {
        site *si = &s->sites[i];
        for (int k = 0; k < TASKS; k++) {
            if (si->done[k] || !si->due[k] || si->due[k] > run->today)
                continue;
            if (s->revenue_4300[si->market] + (int64_t)task_fee[k] * 100 * run->scale >
                budget[si->market])
                break;
            if (trial_task(run, s, si, k, e))
                return -1;
            break; /* one task a site a day */
        }
    }
    /* A ready site's first investigational procedure, within the pace (the
     * others wait in the pool for the quarter's close: the sponsor's
     * invoice stays short). */
    size_t kept = 0;
    for (size_t i = 0; i < s->pool_count; i++) {
        unlinked *u = &s->pool[i];
        if (!s->sites[u->site].linked &&
            s->revenue_4300[u->market] + procedure_fee * 100 <= budget[u->market]) {
            demo_clock(run, run->today, 23, 30);
            if (trial_link(run, s, u->site, u->procedure, e))
                return -1;
        } else {
            s->pool[kept++] = *u;
        }
    }
    s->pool_count = kept;
    return 0;
}

/* Enrol patients at the ready trial hospitals: a new investigational
 * course at each about once a week. */
static int trial_enrol(demo_run *run, demo_services *s, err *e)
{
    if (weekday_of(run->today) >= 5)
        return 0;
    for (size_t h = 0; h < s->hospital_count; h++) {
        hospital *ho = &s->hospitals[h];
        if (ho->site < 0 || !s->sites[ho->site].ready || !demo_rng_chance(&s->rng, 280000))
            continue;
        int c;
        demo_clock(run, run->today, 11, 0);
        if (course_open(run, s, (int)h, ADS, 1, 0, &c, e))
            return -1;
    }
    return 0;
}

/* ---- the quarter ends ---- */

/* Close 4300 of each market: pending tasks that fit, then procedures
 * linked at the procedure fee (performed today when the pool is short). */
static int close_4300(demo_run *run, demo_services *s, quarter q, err *e)
{
    if (!s->trial_contract)
        return 0;
    for (int m = 0; m < MARKETS; m++) {
        int64_t posted;
        if (demo_posted(run, "4300", market_codes[m], quarter_first_day(q), run->today, &posted, e))
            return fail(e, "4300");
        int64_t residual = demo_target(run, "4300", market_codes[m], q) + posted;
        for (size_t i = 0; i < s->site_count && residual > 0; i++) {
            site *si = &s->sites[i];
            if (si->market != m)
                continue;
            for (int k = 0; k < TASKS; k++) {
                if (si->done[k] || !si->due[k])
                    continue;
                int64_t fee = (int64_t)task_fee[k] * 100 * run->scale;
                if (fee <= residual - procedure_fee * 100) {
                    if (trial_task(run, s, si, k, e))
                        return -1;
                    residual -= fee;
                }
                break;
            }
        }
        int64_t links = (residual + procedure_fee * 50) / (procedure_fee * 100);
        while (links > 0) {
            size_t i;
            for (i = 0; i < s->pool_count && (s->pool[i].market != m ||
                                              s->pool[i].day < quarter_first_day(q));
                 i++)
                ;
            if (i < s->pool_count) {
                demo_clock(run, run->today, 23, 45);
                if (trial_link(run, s, s->pool[i].site, s->pool[i].procedure, e))
                    return -1;
                memmove(&s->pool[i], &s->pool[i + 1], (s->pool_count - i - 1) * sizeof *s->pool);
                s->pool_count--;
                links--;
                continue;
            }
            /* The pool is short: more investigational procedures today. */
            int h = -1;
            for (size_t k = 0; k < s->hospital_count; k++)
                if (s->hospitals[k].market == m && s->hospitals[k].site >= 0 &&
                    s->sites[s->hospitals[k].site].ready)
                    h = (int)k;
            if (h < 0)
                return err_set(e, ERR_CONFLICT, "4300",
                               "services: %s needs %lld more investigational procedures and has "
                               "no ready trial hospital",
                               market_codes[m], (long long)links);
            for (size_t n = 0; n < s->nurse_count; n++)
                s->nurses[n].busy = 0;
            planned plan[NEEDS_MAX];
            size_t count = 0;
            for (int64_t k = 0; k < links && count < NEEDS_MAX; k++) {
                int c;
                demo_clock(run, run->today, 11, 0);
                if (course_open(run, s, h, ADS, 1, 0, &c, e))
                    return -1;
                int rc = place(run, s, c, 0, 1, 0, &plan[count], e);
                if (rc < 0)
                    return -1;
                if (rc > 0)
                    break;
                plan[count].booked = 0;
                count++;
            }
            if (count == 0 || perform(run, s, plan, count, e))
                return count ? -1 : err_set(e, ERR_CONFLICT, "4300", "services: no nurse free");
        }
    }
    return 0;
}

/* A fill option: a procedure of a kind and its price. */
typedef struct {
    int64_t price;
    int hospital, type, evening, stat, aborted;
} option;

/* Close 4100 of each market within $100: procedures whose prices sum to
 * what is missing (a search over the contracts' prices). */
static int close_4100(demo_run *run, demo_services *s, quarter q, err *e)
{
    for (int m = 0; m < MARKETS; m++) {
        int64_t posted;
        if (demo_posted(run, "4100", market_codes[m], quarter_first_day(q), run->today, &posted, e))
            return fail(e, "4100");
        int64_t residual = demo_target(run, "4100", market_codes[m], q) + posted;
        if (residual <= 10000)
            continue;
        /* The options: every hospital of the market, type, evening or
         * not, stat or not, completed or aborted. */
        option options[512];
        size_t n = 0;
        int weekend = weekday_of(run->today) >= 5;
        for (size_t h = 0; h < s->hospital_count; h++) {
            if (s->hospitals[h].market != m)
                continue;
            for (int t = 0; t < TYPES && n + 8 <= 512; t++)
                for (int v = 0; v < 8; v++) {
                    option o = {.hospital = (int)h, .type = t, .evening = v & 1,
                                .stat = (v >> 1) & 1, .aborted = (v >> 2) & 1};
                    if (o.stat)
                        o.evening = 1; /* call-outs are in the evening */
                    o.price = price_of(&s->hospitals[h], t, o.evening, weekend, o.stat, o.aborted);
                    options[n++] = o;
                }
        }
        /* The most expensive option while much is missing, then the best
         * sum of up to three. */
        size_t top = 0, chosen_count = 0;
        for (size_t i = 1; i < n; i++)
            if (options[i].price > options[top].price)
                top = i;
        option chosen[NEEDS_MAX];
        while (residual > 9000 * 100 && chosen_count < NEEDS_MAX - 4) {
            chosen[chosen_count++] = options[top];
            residual -= options[top].price;
        }
        int64_t best = residual;
        int pick[3] = {-1, -1, -1};
        for (size_t i = 0; i < n; i++) {
            int64_t a = residual - options[i].price;
            if (llabs(a) < llabs(best)) {
                best = a;
                pick[0] = (int)i, pick[1] = pick[2] = -1;
            }
            for (size_t j = i; j < n; j++) {
                int64_t b = a - options[j].price;
                if (llabs(b) < llabs(best)) {
                    best = b;
                    pick[0] = (int)i, pick[1] = (int)j, pick[2] = -1;
                }
                if (b < -10000)
                    continue;
                for (size_t k = j; k < n; k++) {
                    int64_t c = b - options[k].price;
                    if (llabs(c) < llabs(best)) {
                        best = c;
                        pick[0] = (int)i, pick[1] = (int)j, pick[2] = (int)k;
                    }
                }
            }
        }
        for (int i = 0; i < 3; i++)
            if (pick[i] >= 0)
                chosen[chosen_count++] = options[pick[i]];
        for (size_t nn = 0; nn < s->nurse_count; nn++)
            s->nurses[nn].busy = 0;
        planned plan[NEEDS_MAX];
        size_t count = 0;
        for (size_t i = 0; i < chosen_count; i++) {
            option *o = &chosen[i];
            int c;
            demo_clock(run, run->today, 11, 0);
            if (course_open(run, s, o->hospital, o->type, 0, o->stat, &c, e))
                return -1;
            int rc = place(run, s, c, o->stat, o->evening, o->aborted, &plan[count], e);
            if (rc < 0)
                return -1;
            if (rc > 0)
                return err_set(e, ERR_CONFLICT, "4100", "services: no nurse free in %s for the quarter's close",
                               market_codes[m]);
            planned *p = &plan[count];
            /* Day fills start in the late afternoon (not after hours),
             * evening fills at 19:30 or later: the price searched. */
            int minutes = o->evening ? slot_minutes[SLOT_EVENING] + (int)(i % 12) * 10
                                     : 15 * 60 + (int)(i % 12) * 15;
            if (local_time_instant(market_zones[m], run->today, minutes / 60, minutes % 60, 0,
                                   &p->start, e))
                return -1;
            p->end = p->start + (int64_t)(o->aborted ? 40 : type_minutes[o->type]) * 60;
            p->booked = 0;
            count++;
        }
        if (count && perform(run, s, plan, count, e))
            return -1;
    }
    return 0;
}

/* Close 4200: the last month's units so that the quarter lands on the
 * plan, then the month accrued. */
static int close_4200(demo_run *run, demo_services *s, quarter q, err *e)
{
    civil_day first = quarter_first_day(q);
    for (int i = 0; i < 2; i++) {
        managed *c = &s->contracts[i];
        int64_t posted;
        if (demo_posted(run, "4200", c->market, first, run->today, &posted, e))
            return fail(e, "4200");
        /* Posted holds the quarter's first two months (and any other
         * contract of the market: none). */
        int64_t need = demo_target(run, "4200", c->market, q) + posted -
                       (int64_t)c->monthly_fee * 100 * run->scale;
        int64_t units = (need + c->per_unit_cents / 2) / c->per_unit_cents;
        if (management_units(run, c, run->today, units, e))
            return -1;
    }
    return management_accrue_month(run, e);
}

/* The segment's staff and supplies no procedure carries, per market:
 * New York's apheresis program, Los Angeles's (with the donor center
 * managed there) and New Hampshire's managed blood center. */
static const char *const cost_markets[3] = {"NY", "LA", "NH"};
static const int cost_share[3] = {30, 40, 30}; /* percent */
#define COST_MEMO "Apheresis and management staff and supplies"

static int costs_month_end(demo_run *run, demo_services *s, err *e)
{
    quarter q = quarter_of(run->today);
    if (run->today == quarter_last_day(q))
        return 0;
    /* A third of what the quarter leaves beyond the procedures' cost, as
     * the quarter's pace of procedures says it will be. */
    int64_t revenue = s->revenue_4100[NY] + s->revenue_4100[LA];
    int64_t expected = demo_target(run, "4100", "NY", q) + demo_target(run, "4100", "LA", q);
    int64_t cost = revenue > 0 ? s->cost_5100 * expected / revenue : expected * 45 / 100;
    int64_t month = (demo_target(run, "5100", "", q) - cost) / 3;
    if (month <= 0)
        return 0;
    for (int i = 0; i < 3; i++) {
        int64_t cents = month * cost_share[i] / 100 * (985 + demo_rng_below(&s->rng, 31)) / 1000;
        demo_clock(run, run->today, 23, 15);
        if (demo_entry(run, run->today, COST_MEMO, "5100", "2100", cost_markets[i], cents, e))
            return fail(e, "5100 entry");
        demo_events(run, 1);
    }
    return 0;
}

static int close_5100(demo_run *run, quarter q, err *e)
{
    int64_t posted;
    if (demo_posted(run, "5100", NULL, quarter_first_day(q), run->today, &posted, e))
        return fail(e, "5100");
    int64_t residual = demo_target(run, "5100", "", q) - posted;
    if (residual <= 0)
        return err_set(e, ERR_CONFLICT, "5100",
                       "services: %lld cents over the quarter's cost of blood services already",
                       (long long)-residual);
    /* New York and New Hampshire their shares, Los Angeles the rest. */
    int64_t cents[3];
    cents[0] = residual * cost_share[0] / 100;
    cents[2] = residual * cost_share[2] / 100;
    cents[1] = residual - cents[0] - cents[2];
    for (int i = 0; i < 3; i++) {
        if (cents[i] <= 0)
            continue;
        demo_clock(run, run->today, 23, 50);
        if (demo_entry(run, run->today, COST_MEMO, "5100", "2100", cost_markets[i], cents[i], e))
            return fail(e, "5100 entry");
        demo_events(run, 1);
    }
    return 0;
}

/* ---- the part ---- */

int demo_services_setup(demo_run *run, err *e)
{
    demo_services *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    run->services = s;
    demo_rng_seed(&s->rng, run->seed, 2);
    demo_clock(run, run->today, 17, 0);
    if (market_ensure(run, "NY", "New York", "America/New_York", e) ||
        market_ensure(run, "LA", "Los Angeles", "America/Los_Angeles", e) ||
        apheresis_setup(run, s, e) || management_setup(run, s, e) || trial_setup(run, s, e))
        return -1;
    return 0;
}

int demo_services_day(demo_run *run, err *e)
{
    demo_services *s = run->services;
    if (run->today == quarter_first_day(quarter_of(run->today))) {
        memset(s->revenue_4100, 0, sizeof s->revenue_4100);
        memset(s->revenue_4300, 0, sizeof s->revenue_4300);
        memset(s->procedures, 0, sizeof s->procedures);
        s->cost_5100 = 0;
        /* A link is billed on its procedure's day: last quarter's are left
         * unlinked (not verified by the sponsor's monitor in time). */
        s->pool_count = 0;
    }
    if (trial_enrol(run, s, e) || apheresis_day(run, s, e) || trial_day(run, s, e) ||
        management_terminations(run, s, e))
        return -1;
    if (is_month_end(run->today) &&
        (management_month_end(run, s, e) || costs_month_end(run, s, e)))
        return -1;
    return 0;
}

int demo_services_quarter_end(demo_run *run, quarter q, err *e)
{
    demo_services *s = run->services;
    if (close_4300(run, s, q, e) || close_4100(run, s, q, e) || close_4200(run, s, q, e) ||
        close_5100(run, q, e))
        return -1;
    return 0;
}

void demo_services_free(demo_run *run)
{
    demo_services *s = run->services;
    if (!s)
        return;
    free(s->hospitals);
    free(s->nurses);
    free(s->courses);
    free(s->sites);
    free(s->pool);
    free(s);
    run->services = NULL;
}
