/*
 * demo_services_contracts.c - the services part of the demo company
 * (demo_services.c), its contracts and costs: the two management contracts
 * (units reported, months accrued, terminations, the close of 4200), the
 * clinical-trial contract (sites, tasks signed off, training, procedures
 * linked, the close of 4300) and the segment's staff and supplies (5100).
 */
#include "demo/demo_services_internal.h"

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
_Static_assert(sizeof site_seeds / sizeof site_seeds[0] == SITE_SEEDS, "the 45 sites");

/* ---- the management contracts ---- */

int svc_management_setup(demo_run *run, demo_services *s, err *e)
{
    if (svc_market_ensure(run, "NH", "New Hampshire", "America/New_York", e) ||
        svc_hospital_ensure(run, "DHMC", "Dartmouth-Hitchcock Medical Center", "NH", e) ||
        svc_hospital_ensure(run, "PIH", "Presbyterian Intercommunity Hospital", "LA", e))
        return -1;
    managed seeds[2] = {
        {.customer = "DHMC", .name = "Dartmouth-Hitchcock blood center", .market = "NH",
         .kind = "blood-center", .term = "36", .terminate_on = "2004-06-21",
         .reason = "Dartmouth-Hitchcock takes its hospital blood center back in house",
         .monthly_fee = 70000, .per_unit_cents = 2500, .notice = svc_day_of(2004, 3, 22)},
        {.customer = "PIH", .name = "Presbyterian Intercommunity donor center", .market = "LA",
         .kind = "donor-center", .term = "24", .terminate_on = "2004-05-31",
         .reason = "Presbyterian Intercommunity Hospital closes its donor center",
         .monthly_fee = 35000, .per_unit_cents = 800, .notice = svc_day_of(2004, 3, 15)},
    };
    for (int i = 0; i < 2; i++) {
        s->contracts[i] = seeds[i];
        managed *c = &s->contracts[i];
        char fee[32], per_unit[32];
        snprintf(fee, sizeof fee, "%d.00", c->monthly_fee * run->scale);
        svc_dollars_text(c->per_unit_cents, per_unit, sizeof per_unit);
        management_input in = {.customer = c->customer, .kind = c->kind, .market = c->market,
                               .start = "2003-01-01", .term = c->term, .monthly_fee = fee,
                               .per_unit = per_unit};
        json_t *out = NULL;
        if (management_contract_add(&run->ctx, &in, &out, e))
            return svc_fail(e, "management contract");
        c->id = svc_json_id(out);
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
    svc_id_text(c->id, id);
    json_t *out = NULL;
    demo_clock(run, run->today, 21, 0);
    if (management_volumes_report(&run->ctx, id, period, text, "0", &out, e))
        return svc_fail(e, "management volumes");
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
        return svc_fail(e, "management accrual");
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

int svc_management_month_end(demo_run *run, demo_services *s, err *e)
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

int svc_management_terminations(demo_run *run, demo_services *s, err *e)
{
    for (int i = 0; i < 2; i++) {
        managed *c = &s->contracts[i];
        if (run->today != c->notice)
            continue;
        char id[24];
        svc_id_text(c->id, id);
        demo_clock(run, run->today, 19, 0);
        json_t *out = NULL;
        if (management_contract_terminate(&run->ctx, id, c->terminate_on, c->reason, &out, e))
            return svc_fail(e, "management termination");
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* ---- the trial ---- */

int svc_trial_setup(demo_run *run, demo_services *s, err *e)
{
    if (svc_user_make(run, "trials.coord", "Marta Jansen", "contract_services", NULL, e))
        return -1;
    customer_input sponsor = {.code = "IMMUNOCOL", .name = "ImmunoColumn Therapeutics, Inc.",
                              .market = "LA",
                              .billing_address = "4000 Executive Drive, San Diego, CA 92121",
                              .billing_terms_days = "30"};
    json_t *out = NULL;
    if (customer_add(&run->ctx, &sponsor, &out, e))
        return svc_fail(e, "trial sponsor");
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
        return svc_fail(e, "trial contract");
    s->trial_contract = svc_json_id(out);
    json_decref(out);
    demo_events(run, 1);
    svc_id_text(s->trial_contract, id);
    for (int k = 0; k <= TASKS; k++) {
        /* The site tasks' fees grow with the scale (as the figures do); the
         * procedure fee, which fine-tunes the quarter, does not. */
        snprintf(fee, sizeof fee, "%d.00",
                 k < TASKS ? task_fee[k] * run->scale : procedure_fee);
        if (trial_fee_set(&run->ctx, id, k < TASKS ? task_names[k] : "procedure", fee, &out, e))
            return svc_fail(e, "trial fee");
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
    svc_id_text(s->trial_contract, id);
    trial_site_input in = {.name = seed->name, .country = seed->country, .city = seed->city,
                           .investigator = seed->investigator, .market = market_codes[seed->market]};
    json_t *out = NULL;
    demo_clock(run, run->today, 18, 30);
    if (trial_site_add(&run->ctx, id, &in, &out, e))
        return svc_fail(e, "trial site");
    si->id = svc_json_id(out);
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
    svc_id_text(si->id, id);
    demo_clock(run, run->today, 22, 0);
    json_t *out = NULL;
    if (trial_task_sign(&run->ctx, id, task_names[k], date_format(run->today, date, sizeof date),
                        "trials.coord", SERVICES_PASSWORD, &out, e))
        return svc_fail(e, "trial task");
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
                return svc_fail(e, "trial training");
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
    svc_id_text(s->sites[site_index].id, site_id);
    svc_id_text(procedure, id);
    json_t *out = NULL;
    if (trial_procedure_link(&run->ctx, site_id, id, &out, e))
        return svc_fail(e, "trial procedure");
    json_decref(out);
    demo_events(run, 1);
    s->revenue_4300[s->sites[site_index].market] += (int64_t)procedure_fee * 100;
    s->sites[site_index].linked++;
    return 0;
}

/* Sign off what is due within the 4300 pace of each market (85% of the
 * quarter's), link the investigational procedures that fit. */
int svc_trial_day(demo_run *run, demo_services *s, err *e)
{
    civil_day signed_on = svc_day_of(2003, 6, 16), start = svc_day_of(2003, 7, 1);
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
    int64_t total, share = svc_pace_share(q, run->today, &total);
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
int svc_trial_enrol(demo_run *run, demo_services *s, err *e)
{
    if (weekday_of(run->today) >= 5)
        return 0;
    for (size_t h = 0; h < s->hospital_count; h++) {
        hospital *ho = &s->hospitals[h];
        if (ho->site < 0 || !s->sites[ho->site].ready || !demo_rng_chance(&s->rng, 280000))
            continue;
        int c;
        demo_clock(run, run->today, 11, 0);
        if (svc_course_open(run, s, (int)h, ADS, 1, 0, &c, e))
            return -1;
    }
    return 0;
}

/* ---- the quarter ends: 4300, 4200, 5100 ---- */

/* Close 4300 of each market: pending tasks that fit, then procedures
 * linked at the procedure fee (performed today when the pool is short). */
int svc_close_4300(demo_run *run, demo_services *s, quarter q, err *e)
{
    if (!s->trial_contract)
        return 0;
    for (int m = 0; m < MARKETS; m++) {
        int64_t posted;
        if (demo_posted(run, "4300", market_codes[m], quarter_first_day(q), run->today, &posted, e))
            return svc_fail(e, "4300");
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
        int year, month_of_year, day_of_month;
        date_to_ymd(run->today, &year, &month_of_year, &day_of_month);
        civil_day month = svc_day_of(year, month_of_year, 1);
        while (links > 0) {
            size_t i;
            /* Only this month's: a link is billed on its procedure's day,
             * and the months before may be closed by now. */
            for (i = 0; i < s->pool_count && (s->pool[i].market != m || s->pool[i].day < month);
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
                if (svc_course_open(run, s, h, ADS, 1, 0, &c, e))
                    return -1;
                int rc = svc_place(run, s, c, 0, 1, 0, &plan[count], e);
                if (rc < 0)
                    return -1;
                if (rc > 0)
                    break;
                plan[count].booked = 0;
                count++;
            }
            if (count == 0 || svc_perform(run, s, plan, count, e))
                return count ? -1 : err_set(e, ERR_CONFLICT, "4300", "services: no nurse free");
        }
    }
    return 0;
}

/* Close 4200: the last month's units so that the quarter lands on the
 * plan, then the month accrued. */
int svc_close_4200(demo_run *run, demo_services *s, quarter q, err *e)
{
    civil_day first = quarter_first_day(q);
    for (int i = 0; i < 2; i++) {
        managed *c = &s->contracts[i];
        int64_t posted;
        if (demo_posted(run, "4200", c->market, first, run->today, &posted, e))
            return svc_fail(e, "4200");
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

int svc_costs_month_end(demo_run *run, demo_services *s, err *e)
{
    quarter q = quarter_of(run->today);
    if (run->today == quarter_last_day(q))
        return 0;
    /* A third of what the quarter leaves beyond the procedures' cost, as
     * the quarter's pace of procedures says it will be. */
    int64_t revenue = s->revenue_4100[NY] + s->revenue_4100[LA];
    int64_t expected = demo_target(run, "4100", "NY", q) + demo_target(run, "4100", "LA", q);
    /* 128 bits: at scale 100 the product passes 2^63 (and the estimate
     * came out negative, the month's entry twice what the quarter left). */
    int64_t cost = revenue > 0 ? (int64_t)((__int128)s->cost_5100 * expected / revenue)
                               : expected * 45 / 100;
    int64_t month = (demo_target(run, "5100", "", q) - cost) / 3;
    if (month <= 0)
        return 0;
    for (int i = 0; i < 3; i++) {
        int64_t cents = month * cost_share[i] / 100 * (985 + demo_rng_below(&s->rng, 31)) / 1000;
        demo_clock(run, run->today, 23, 15);
        if (demo_entry(run, run->today, COST_MEMO, "5100", "2100", cost_markets[i], cents, e))
            return svc_fail(e, "5100 entry");
        demo_events(run, 1);
    }
    return 0;
}

int svc_close_5100(demo_run *run, quarter q, err *e)
{
    int64_t posted;
    if (demo_posted(run, "5100", NULL, quarter_first_day(q), run->today, &posted, e))
        return svc_fail(e, "5100");
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
            return svc_fail(e, "5100 entry");
        demo_events(run, 1);
    }
    return 0;
}
