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
 *
 * This file: the standing data, apheresis day by day, the close of 4100
 * and the part's entry points; demo_services_contracts.c: the management
 * contracts, the trial and the segment's costs.
 */
#include "demo/demo_services_internal.h"

/* ---- small helpers ---- */

int svc_fail(err *e, const char *what)
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

int64_t svc_json_id(const json_t *o) { return json_integer_value(json_object_get(o, "id")); }

void svc_id_text(int64_t id, char out[24]) { snprintf(out, 24, "%" PRId64, id); }

void svc_dollars_text(int64_t cents, char *out, size_t size)
{
    snprintf(out, size, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static int is_month_end(civil_day d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return dd == date_days_in_month(y, m);
}

civil_day svc_day_of(int y, int m, int d)
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
int64_t svc_pace_share(quarter q, civil_day day, int64_t *total)
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
int svc_market_ensure(demo_run *run, const char *code, const char *name, const char *zone,
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
        return svc_fail(e, "market");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

int svc_hospital_ensure(demo_run *run, const char *code, const char *name, const char *market,
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
        return svc_fail(e, "hospital");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

int svc_user_make(demo_run *run, const char *username, const char *full_name,
                     const char *roles, const char *markets, err *e)
{
    user_input in = {.username = username, .full_name = full_name, .roles = roles,
                     .password = SERVICES_PASSWORD, .hash_cost = AUTH_HASH_DEMO_STAFF};
    json_t *out = NULL;
    if (user_add(&run->ctx, &in, NULL, &out, e))
        return svc_fail(e, "user");
    json_decref(out);
    out = NULL;
    if (markets && user_scope_set(&run->ctx, username, NULL, markets, &out, e))
        return svc_fail(e, "user scope");
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
            return svc_fail(e, "apheresis cost");
        json_decref(out);
        demo_events(run, 1);
    }
    for (int t = 0; t < TYPES; t++) {
        char item[64];
        snprintf(item, sizeof item, "kit:%s", type_names[t]);
        if (apheresis_cost_set(&run->ctx, item, type_kit_cost[t], &out, e))
            return svc_fail(e, "apheresis cost");
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
        if (svc_hospital_ensure(run, ho->code, name, market_codes[ho->market], e))
            return -1;
        if (apheresis_contract_add(&run->ctx, ho->code, "2003-01-01", NULL, "50", &out, e))
            return svc_fail(e, "apheresis contract");
        svc_id_text(svc_json_id(out), id);
        json_decref(out);
        demo_events(run, 1);
        for (int t = 0; t < TYPES; t++) {
            ho->price[t] = type_price[t] + adjust[h % 10] + (int)(h / 10) * 15 + t * 5;
            snprintf(text, sizeof text, "%d.00", ho->price[t]);
            if (apheresis_contract_price(&run->ctx, id, type_names[t], text, &out, e))
                return svc_fail(e, "apheresis price");
            json_decref(out);
            demo_events(run, 1);
        }
        static const char *const kinds[] = {"after_hours", "weekend", "holiday", "stat"};
        const int amounts[] = {surcharge_after_hours, surcharge_weekend, surcharge_holiday,
                               surcharge_stat};
        for (int k = 0; k < 4; k++) {
            snprintf(text, sizeof text, "%d.00", amounts[k]);
            if (apheresis_contract_surcharge(&run->ctx, id, kinds[k], text, &out, e))
                return svc_fail(e, "apheresis surcharge");
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
            if (svc_user_make(run, nu->username, full, "apheresis_nurse", market_codes[m], e))
                return -1;
            if (apheresis_device_add(&run->ctx, nu->device, "Spectra Optia", market_codes[m],
                                     &out, e))
                return svc_fail(e, "apheresis device");
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
int svc_course_open(demo_run *run, demo_services *s, int h, int t, int investigational,
                       int stat_first, int *index, err *e)
{
    demo_rng *rng = &s->rng;
    int male = (int)demo_rng_below(rng, 2);
    char mrn[32], birth[DATE_TEXT_MAX], height[16], weight[16], patient[24];
    s->patients++;
    snprintf(mrn, sizeof mrn, "MRN-%06" PRId64, 100000 + s->patients * 7);
    date_format(svc_day_of(1930 + (int)demo_rng_below(rng, 60), 1 + (int)demo_rng_below(rng, 12),
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
        return svc_fail(e, "apheresis patient");
    svc_id_text(svc_json_id(out), patient);
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
        return svc_fail(e, "apheresis order");
    c.order = svc_json_id(out);
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

/* A free nurse of market m for slot kind (day: 0..2, else the slot). A
 * nurse on the day shift takes the day's slots one after the other (two or
 * three procedures a day), the next nurse comes in when she is full. */
static int nurse_free(demo_services *s, int m, int evening, int *slot)
{
    size_t count = s->nurse_count;
    size_t start = (size_t)demo_rng_below(&s->rng, (int64_t)count);
    if (!evening)
        for (size_t n = 0; n < count; n++)
            for (int k = 0; k < SLOT_DAY; k++) {
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
int svc_place(demo_run *run, demo_services *s, int c, int stat, int evening, int aborted,
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
    p->procedure = 0;
    p->late = 0;
    return 0;
}

static int by_end(const void *a, const void *b)
{
    const planned *x = a, *y = b;
    return x->end < y->end ? -1 : x->end > y->end ? 1 : (x->course < y->course ? -1 : x->course > y->course);
}

/* A mild reaction to the citrate, recorded with a procedure or later. */
static const apheresis_adverse_event citrate_tingling = {
    "perioral tingling (citrate)", "mild", "infusion slowed, calcium gluconate given"};

/* The signed record `signed_record` of plan entry `p`: its price and cost
 * counted to its market. */
static void count_signed(demo_services *s, const planned *p, json_t *signed_record)
{
    int m = s->hospitals[s->courses[p->course].hospital].market;
    int64_t price = 0, cost = 0;
    err ignored;
    money_parse(json_string_value(json_object_get(signed_record, "price")), &price, "price",
                &ignored);
    money_parse(json_string_value(json_object_get(signed_record, "cost")), &cost, "cost",
                &ignored);
    s->revenue_4100[m] += price;
    s->cost_5100 += cost;
    s->procedures[m]++;
}

/* At the end of her shift each nurse signs the day's records she made, in
 * one act (one password check); then the reactions charted late are
 * added by amendments. */
static int sign_shifts(demo_run *run, demo_services *s, planned *plan, size_t count, err *e)
{
    char list[APHERESIS_SIGN_MAX * 24], text[24];
    json_t *out = NULL;
    for (size_t n = 0; n < s->nurse_count; n++) {
        size_t listed = 0;
        int64_t shift_end = 0;
        list[0] = '\0';
        for (size_t i = 0; i < count && listed < APHERESIS_SIGN_MAX; i++)
            if ((size_t)plan[i].nurse == n && plan[i].procedure > 0) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s%lld", listed ? "," : "",
                         (long long)plan[i].procedure);
                listed++;
                if (plan[i].end > shift_end)
                    shift_end = plan[i].end;
            }
        if (listed == 0)
            continue;
        clock_at(run, shift_end + 15 * 60);
        if (apheresis_procedure_sign(&run->ctx, list, s->nurses[n].username, SERVICES_PASSWORD,
                                     &out, e))
            return svc_fail(e, "apheresis signature");
        json_t *items = json_object_get(out, "items");
        for (size_t k = 0; k < (items ? json_array_size(items) : 1); k++) {
            json_t *record = items ? json_array_get(items, k) : out;
            int64_t id = svc_json_id(record);
            for (size_t i = 0; i < count; i++)
                if (plan[i].procedure == id)
                    count_signed(s, &plan[i], record);
        }
        json_decref(out);
        demo_events(run, 1);
    }
    /* The late entries are charted once the day's last procedure ended. */
    int64_t day_end = 0;
    for (size_t i = 0; i < count; i++)
        if (plan[i].procedure > 0 && plan[i].end > day_end)
            day_end = plan[i].end;
    clock_at(run, day_end + 20 * 60);
    for (size_t i = 0; i < count; i++) {
        if (!plan[i].late)
            continue;
        apheresis_procedure_input amendment = {.events = &citrate_tingling, .event_count = 1,
                                               .events_given = 1, .calcium_mg = "2000"};
        svc_id_text(plan[i].procedure, text);
        if (apheresis_procedure_change(&run->ctx, text, &amendment,
                                       "late entry: the reaction and the calcium given "
                                       "were charted on paper",
                                       &out, e))
            return svc_fail(e, "apheresis amendment");
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* Book (at the morning clock) the day slots, then record every planned
 * procedure in the order they end, each at its end, and sign them. */
int svc_perform(demo_run *run, demo_services *s, planned *plan, size_t count, err *e)
{
    char text[24];
    json_t *out = NULL;
    demo_clock(run, run->today, 11, 0);
    for (size_t i = 0; i < count; i++) {
        planned *p = &plan[i];
        if (!p->booked)
            continue;
        char start[TIMESTAMP_TEXT_MAX], end[TIMESTAMP_TEXT_MAX];
        svc_id_text(s->courses[p->course].order, text);
        apheresis_booking_input in = {.order = text, .nurse = s->nurses[p->nurse].username,
                                      .device = s->nurses[p->nurse].device,
                                      .start = timestamp_format(p->start, start, sizeof start),
                                      .end = timestamp_format(p->end, end, sizeof end)};
        if (apheresis_booking_create(&run->ctx, &in, &out, e))
            return svc_fail(e, "apheresis booking");
        p->booking = svc_json_id(out);
        json_decref(out);
        demo_events(run, 1);
        /* Now and then the patient is unwell: the booking is cancelled
         * and the procedure waits for another day. */
        if (demo_rng_chance(&s->rng, 10000)) {
            svc_id_text(p->booking, text);
            if (apheresis_booking_cancel(&run->ctx, text,
                                         "patient unwell on the morning of the procedure: "
                                         "rescheduled",
                                         &out, e))
                return svc_fail(e, "apheresis booking cancel");
            json_decref(out);
            demo_events(run, 1);
            p->booking = -1;
        }
    }
    qsort(plan, count, sizeof *plan, by_end);
    for (size_t i = 0; i < count; i++) {
        planned *p = &plan[i];
        if (p->booking < 0)
            continue; /* cancelled */
        course *co = &s->courses[p->course];
        hospital *h = &s->hospitals[co->hospital];
        int m = h->market;
        nurse *nu = &s->nurses[p->nurse];
        demo_rng *rng = &s->rng;
        clock_at(run, p->end + 10 * 60);
        char order[24], booking[24], started[TIMESTAMP_TEXT_MAX], ended[TIMESTAMP_TEXT_MAX],
            kit[32], blood[16], plasma[16], vials[16], units[16], saline[16], ac[16], calcium[16];
        char sys_b[16], dia_b[16], pulse_b[16], sys_a[16], dia_a[16], pulse_a[16];
        svc_id_text(co->order, order);
        if (p->booking)
            svc_id_text(p->booking, booking);
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
        /* A mild reaction to the citrate now and then, recorded with the
         * procedure or, later, by an amendment. */
        int reaction = co->type == PLEX && full && demo_rng_chance(rng, 40000);
        int late = reaction && demo_rng_chance(rng, 300000);
        if (reaction && !late) {
            in.events = &citrate_tingling;
            in.event_count = 1;
            in.events_given = 1;
        }
        if (apheresis_procedure_record(&run->ctx, &in, &out, e))
            return svc_fail(e, "apheresis procedure");
        p->procedure = svc_json_id(out);
        p->late = late;
        json_decref(out);
        demo_events(run, 1);
        if (co->investigational && h->site >= 0 &&
            pool_add(s, p->procedure, h->site, m, run->today, e))
            return -1;
        co->remaining--;
        co->next_due = date_add_days(run->today, co->interval);
    }
    return sign_shifts(run, s, plan, count, e);
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
    int count = 0;
    *h = 0;
    for (size_t i = 0; i < s->hospital_count; i++)
        count += s->hospitals[i].market == m;
    int64_t chosen = demo_rng_below(&s->rng, count);
    for (size_t i = 0; i < s->hospital_count; i++)
        if (s->hospitals[i].market == m && chosen-- == 0)
            *h = (int)i;
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
    planned *plan = s->plan;
    int *due = s->due;
    size_t max = s->plan_max;
    quarter q = quarter_of(run->today);
    int weekend = weekday_of(run->today) >= 5;
    int64_t total, share = svc_pace_share(q, run->today, &total);
    for (size_t n = 0; n < s->nurse_count; n++)
        s->nurses[n].busy = 0;
    size_t count = 0;
    for (int m = 0; m < MARKETS; m++) {
        int64_t target = demo_target(run, "4100", market_codes[m], q);
        int64_t budget = target * 975 / 1000 * share / total;
        int64_t committed = s->revenue_4100[m];
        size_t due_count = due_courses(run, s, m, due, max), next = 0;
        while (committed < budget && count < max) {
            int c, stat = 0, evening = 0;
            if (next < due_count && !weekend) {
                c = due[next++];
            } else {
                int h, t;
                new_course_kind(s, m, &h, &t, &stat);
                if (weekend)
                    stat = 1;
                demo_clock(run, run->today, 11, 0);
                if (svc_course_open(run, s, h, t, 0, stat, &c, e))
                    return -1;
            }
            course *co = &s->courses[c];
            evening = stat || (co->type == ECP && demo_rng_chance(&s->rng, 150000));
            int aborted = demo_rng_chance(&s->rng, 25000);
            int rc = svc_place(run, s, c, stat, evening, aborted, &plan[count], e);
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
    if (count && svc_perform(run, s, plan, count, e))
        return -1;
    courses_compact(s);
    return 0;
}

/* ---- the quarter ends: 4100 ---- */

/* A fill option: a procedure of a kind and its price. */
typedef struct {
    int64_t price;
    int hospital, type, evening, stat, aborted;
} option;

/* Close 4100 of each market within $100: procedures whose prices sum to
 * what is missing (a search over the contracts' prices). */
/* How good leaving `left` (cents) of 4100 unfilled is: the segment's
 * miss (with `other`, what 4300 missed) when 4100 is within $99, else
 * worse than any such. */
static int64_t fill_score(int64_t left, int64_t other)
{
    return llabs(left) <= 9900 ? llabs(left + other) : INT64_C(1) << 40 | llabs(left);
}

/* close_4100 with `chosen`, room for s->plan_max options. */
static int close_4100_in(demo_run *run, demo_services *s, quarter q, option *chosen, err *e)
{
    planned *plan = s->plan;
    size_t max = s->plan_max;
    for (int m = 0; m < MARKETS; m++) {
        int64_t posted;
        if (demo_posted(run, "4100", market_codes[m], quarter_first_day(q), run->today, &posted, e))
            return svc_fail(e, "4100");
        int64_t residual = demo_target(run, "4100", market_codes[m], q) + posted;
        if (residual <= 10000)
            continue;
        /* What the trial's close left (its fee is coarse): the segment
         * lands closer when 4100 takes it, within its own $100. */
        int64_t other = 0;
        if (s->trial_contract) {
            if (demo_posted(run, "4300", market_codes[m], quarter_first_day(q), run->today,
                            &posted, e))
                return svc_fail(e, "4300");
            other = demo_target(run, "4300", market_codes[m], q) + posted;
        }
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
        while (residual > 9000 * 100 && chosen_count < max - 4) {
            chosen[chosen_count++] = options[top];
            residual -= options[top].price;
        }
        int pick[3] = {-1, -1, -1};
        int64_t best = fill_score(residual, other);
        for (size_t i = 0; i < n; i++) {
            int64_t a = residual - options[i].price, score = fill_score(a, other);
            if (score < best) {
                best = score;
                pick[0] = (int)i, pick[1] = pick[2] = -1;
            }
            for (size_t j = i; j < n; j++) {
                int64_t b = a - options[j].price;
                if ((score = fill_score(b, other)) < best) {
                    best = score;
                    pick[0] = (int)i, pick[1] = (int)j, pick[2] = -1;
                }
                if (b < -10000)
                    continue;
                for (size_t k = j; k < n; k++)
                    if ((score = fill_score(b - options[k].price, other)) < best) {
                        best = score;
                        pick[0] = (int)i, pick[1] = (int)j, pick[2] = (int)k;
                    }
            }
        }
        for (int i = 0; i < 3; i++)
            if (pick[i] >= 0)
                chosen[chosen_count++] = options[pick[i]];
        for (size_t nn = 0; nn < s->nurse_count; nn++)
            s->nurses[nn].busy = 0;
        size_t count = 0;
        for (size_t i = 0; i < chosen_count; i++) {
            option *o = &chosen[i];
            int c;
            demo_clock(run, run->today, 11, 0);
            if (svc_course_open(run, s, o->hospital, o->type, 0, o->stat, &c, e))
                return -1;
            int rc = svc_place(run, s, c, o->stat, o->evening, o->aborted, &plan[count], e);
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
        if (count && svc_perform(run, s, plan, count, e))
            return -1;
    }
    return 0;
}

static int close_4100(demo_run *run, demo_services *s, quarter q, err *e)
{
    option *chosen = calloc(s->plan_max, sizeof *chosen);
    if (!chosen)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    int rc = close_4100_in(run, s, q, chosen, e);
    free(chosen);
    return rc;
}

/* ---- the part ---- */

int demo_services_setup(demo_run *run, err *e)
{
    demo_services *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    run->services = s;
    s->plan_max = (size_t)NEEDS_MAX * (size_t)run->scale;
    s->plan = calloc(s->plan_max, sizeof *s->plan);
    s->due = calloc(s->plan_max, sizeof *s->due);
    if (!s->plan || !s->due)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    demo_rng_seed(&s->rng, run->seed, 2);
    demo_clock(run, run->today, 17, 0);
    if (svc_market_ensure(run, "NY", "New York", "America/New_York", e) ||
        svc_market_ensure(run, "LA", "Los Angeles", "America/Los_Angeles", e) ||
        apheresis_setup(run, s, e) || svc_management_setup(run, s, e) || svc_trial_setup(run, s, e))
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
    if (svc_trial_enrol(run, s, e) || apheresis_day(run, s, e) || svc_trial_day(run, s, e) ||
        svc_management_terminations(run, s, e))
        return -1;
    if (is_month_end(run->today) &&
        (svc_management_month_end(run, s, e) || svc_costs_month_end(run, s, e)))
        return -1;
    return 0;
}

int demo_services_quarter_end(demo_run *run, quarter q, err *e)
{
    demo_services *s = run->services;
    if (svc_close_4300(run, s, q, e) || close_4100(run, s, q, e) || svc_close_4200(run, s, q, e) ||
        svc_close_5100(run, q, e))
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
    free(s->plan);
    free(s->due);
    free(s);
    run->services = NULL;
}
