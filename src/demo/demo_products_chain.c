/*
 * demo_products_chain.c - the products part of the demo company (demo.h,
 * demo_products.c): its donors, the collections at the open centers and
 * their components, the laboratory's results file of each day (with the
 * rare reactive marker: discards, deferral, lookback) and the expiry
 * sweep.
 */
#include "demo/demo_products_internal.h"

static const char *family_list[] = {
    "Garcia",   "Smith",    "Johnson",  "Nguyen",  "Lee",      "Brown",   "Martinez", "Davis",
    "Lopez",    "Wilson",   "Anderson", "Kim",     "Thomas",   "Taylor",  "Moore",    "Jackson",
    "Martin",   "Perez",    "White",    "Harris",  "Sanchez",  "Clark",   "Ramirez",  "Lewis",
    "Robinson", "Walker",   "Young",    "Allen",   "King",     "Wright",  "Scott",    "Torres",
    "Hill",     "Flores",   "Green",    "Adams",   "Nelson",   "Baker",   "Hall",     "Rivera",
    "Campbell", "Mitchell", "Carter",   "Roberts", "Chen",     "Patel",   "Cohen",    "Murphy",
};
static const char *given_f[] = {"Maria", "Jennifer", "Linda", "Patricia", "Susan", "Lisa",
                                "Karen", "Nancy",    "Sarah", "Michelle", "Laura", "Amy",
                                "Angela", "Emily",   "Rosa",  "Grace",    "Helen", "Diana"};
static const char *given_m[] = {"James", "John",   "Robert", "Michael", "David",  "William",
                                "Jose",  "Daniel", "Carlos", "Thomas",  "Kevin",  "Brian",
                                "Steven", "Paul",  "Mark",   "Anthony", "Juan",   "Peter"};


/* ---- donors and collections ---- */

static int pick_group(demo_products *d)
{
    int64_t x = demo_rng_below(&d->rng, 1000);
    for (int g = 0; g < GROUPS; g++) {
        if (x < group_share[g])
            return g;
        x -= group_share[g];
    }
    return 0;
}

static int donor_new(demo_run *run, int center, int platelets, int *index, err *e)
{
    demo_products *d = run->products;
    int female = (int)demo_rng_below(&d->rng, 2);
#define PICK(list) list[demo_rng_below(&d->rng, (int64_t)(sizeof list / sizeof list[0]))]
    const char *family = PICK(family_list);
    const char *given = female ? PICK(given_f) : PICK(given_m);
#undef PICK
    civil_day base;
    date_from_ymd(1945, 1, 1, &base, NULL, NULL);
    json_t *out = NULL;
    for (int attempt = 0;; attempt++) {
        char birth[DATE_TEXT_MAX], phone[24];
        dp_day_text(date_add_days(base, (int32_t)demo_rng_below(&d->rng, 14600)), birth);
        snprintf(phone, sizeof phone, "555-%04d", (int)demo_rng_below(&d->rng, 10000));
        donor_fields fields = {.family_name = family, .given_name = given, .birth_date = birth,
                               .sex = female ? "F" : "M", .phone = phone,
                               .home_center = centers[center].code};
        if (donor_register(&run->ctx, &fields, &out, e) == 0)
            break;
        if (e->code != ERR_CONFLICT || attempt > 8)
            return dp_fail(e, "donor");
    }
    demo_events(run, 1);
    d->donors = dp_grow(d->donors, &d->donor_cap, d->donor_count + 1, sizeof *d->donors);
    donor_rec *r = &d->donors[d->donor_count];
    memset(r, 0, sizeof *r);
    snprintf(r->number, sizeof r->number, "%s", dp_text_of(out, "donor_number"));
    json_decref(out);
    r->center = center;
    r->group = pick_group(d);
    r->platelets = platelets;
    r->last = -1;
    *index = (int)d->donor_count++;
    /* Into their pool; the bound stays: they give now (collect_one), and
     * their next day counts from that. */
    size_t *count = &d->pool_count[center][platelets];
    d->pool[center][platelets] =
        dp_grow(d->pool[center][platelets], &d->pool_cap[center][platelets], *count + 1,
                sizeof(int));
    d->pool[center][platelets][(*count)++] = *index;
    return 0;
}

/* A donor of `center` who may give today: a returning one when there is
 * one, else a new one. The returning one is the first who may give in the
 * order the donors came, starting where the last search stopped and
 * going round; only the donors of the center and kind are looked at, and
 * none on a day before their pool's ready day. */
static int donor_pick(demo_run *run, int center, int platelets, civil_day day, int *index, err *e)
{
    demo_products *d = run->products;
    if (d->donor_count > 0 && !demo_rng_chance(&d->rng, 60000) &&
        d->pool_ready[center][platelets] <= day) {
        const int *pool = d->pool[center][platelets];
        size_t n = d->pool_count[center][platelets];
        int start = (int)((size_t)d->cursor[center][platelets] % d->donor_count);
        size_t low = 0, high = n; /* the first of the pool at or after start */
        while (low < high) {
            size_t middle = (low + high) / 2;
            if (pool[middle] < start)
                low = middle + 1;
            else
                high = middle;
        }
        civil_day ready = 0;
        for (size_t k = 0; k < n; k++) {
            int i = pool[(low + k) % n];
            donor_rec *r = &d->donors[i];
            if (r->deferred)
                continue;
            if (r->next_ok <= day) {
                d->cursor[center][platelets] = (int)(((size_t)i + 1) % d->donor_count);
                *index = i;
                return 0;
            }
            if (!ready || r->next_ok < ready)
                ready = r->next_ok;
        }
        d->pool_ready[center][platelets] = ready ? ready : date_add_days(day, 1);
    }
    return donor_new(run, center, platelets, index, e);
}

static int collect_one(demo_run *run, int center, int platelets, civil_day day, err *e)
{
    demo_products *d = run->products;
    int donor = -1;
    if (donor_pick(run, center, platelets, day, &donor, e))
        return -1;
    donor_rec *r = &d->donors[donor];
    /* the donor's visit: between 08:00 and 16:00 at the center */
    int local_offset = center <= 1 ? 8 : center >= 4 ? 6 : 5;
    int minutes = (int)demo_rng_between(&d->rng, 8 * 60, 16 * 60) + local_offset * 60;
    demo_clock(run, day, minutes / 60, minutes % 60);
    char at[TIMESTAMP_TEXT_MAX];
    timestamp_format((int64_t)day * 86400 + minutes * 60, at, sizeof at);
    char weight[16], hemoglobin[16], hematocrit[16], temperature[16], systolic[16], diastolic[16],
        pulse[16], count[16];
    snprintf(weight, sizeof weight, "%d", (int)demo_rng_between(&d->rng, 130, 230));
    int hb = (int)demo_rng_between(&d->rng, 132, 162);
    snprintf(hemoglobin, sizeof hemoglobin, "%d.%d", hb / 10, hb % 10);
    snprintf(hematocrit, sizeof hematocrit, "%d", 39 + (hb - 132) / 4);
    snprintf(temperature, sizeof temperature, "36.%d", (int)demo_rng_between(&d->rng, 3, 9));
    snprintf(systolic, sizeof systolic, "%d", (int)demo_rng_between(&d->rng, 105, 145));
    snprintf(diastolic, sizeof diastolic, "%d", (int)demo_rng_between(&d->rng, 62, 88));
    snprintf(pulse, sizeof pulse, "%d", (int)demo_rng_between(&d->rng, 58, 92));
    snprintf(count, sizeof count, "%d", (int)demo_rng_between(&d->rng, 170, 380));
    collection_request request = {
        .donor = r->number, .center = centers[center].code, .collected_at = at,
        .device = platelets ? "Trima Accel" : "Hemoflow scale",
        .volume_ml = platelets ? "280" : "500",
        .eligibility = {.procedure = platelets ? "plateletpheresis" : "whole_blood"}};
    request.eligibility.measurements[MEASUREMENT_WEIGHT_LB] = weight;
    request.eligibility.measurements[MEASUREMENT_HEMOGLOBIN] = hemoglobin;
    request.eligibility.measurements[MEASUREMENT_HEMATOCRIT] = hematocrit;
    request.eligibility.measurements[MEASUREMENT_TEMPERATURE] = temperature;
    request.eligibility.measurements[MEASUREMENT_SYSTOLIC] = systolic;
    request.eligibility.measurements[MEASUREMENT_DIASTOLIC] = diastolic;
    request.eligibility.measurements[MEASUREMENT_PULSE] = pulse;
    if (platelets)
        request.eligibility.measurements[MEASUREMENT_PLATELET_COUNT] = count;
    json_t *out = NULL;
    if (collection_record(&run->ctx, &request, &out, e))
        return dp_fail(e, "collection");
    demo_events(run, 1);
    d->donations = dp_grow(d->donations, &d->donation_cap, d->donation_count + 1,
                        sizeof *d->donations);
    int index = (int)d->donation_count++;
    donation_rec *don = &d->donations[index];
    memset(don, 0, sizeof *don);
    snprintf(don->din, sizeof don->din, "%s", dp_text_of(out, "din"));
    json_decref(out);
    don->center = center;
    don->donor = donor;
    don->day = day;
    don->prev = r->last;
    r->last = index;
    r->next_ok = date_add_days(day, platelets ? (int32_t)demo_rng_between(&d->rng, 16, 35)
                                              : (int32_t)demo_rng_between(&d->rng, 57, 150));
    if (r->next_ok < d->pool_ready[center][platelets])
        d->pool_ready[center][platelets] = r->next_ok;
    /* processing, an hour later */
    demo_clock(run, day, minutes / 60 + 1, minutes % 60);
    collection_component components[3] = {{0}};
    size_t n;
    if (platelets) {
        const char *code = demo_rng_chance(&d->rng, 200000) ? "E0401" : "E0400";
        components[0].product = components[1].product = components[2].product = code;
        int64_t split = demo_rng_below(&d->rng, 100); /* single, double or triple bags */
        n = split < 20 ? 1 : split < 90 ? 2 : 3;
    } else {
        int64_t x = demo_rng_below(&d->rng, 100);
        components[0].product = x < 85 ? "E0300" : x < 92 ? "E0301" : "E0302";
        components[1].product = demo_rng_chance(&d->rng, 700000) ? "E0500" : "E0501";
        n = 2;
    }
    if (collection_process(&run->ctx, don->din, components, n, &out, e))
        return dp_fail(e, "processing");
    demo_events(run, 1);
    don->first_unit = (int)d->unit_count;
    json_t *items = json_object_get(out, "units");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        d->units = dp_grow(d->units, &d->unit_cap, d->unit_count + 1, sizeof *d->units);
        unit_rec *u = &d->units[d->unit_count];
        u->id = (int64_t)json_integer_value(json_object_get(item, "id"));
        u->expires = 0;
        err ignored;
        timestamp_parse(dp_text_of(item, "expires_at"), &u->expires, "expires_at", &ignored);
        u->donation = index;
        u->product = (signed char)dp_product_index(dp_text_of(item, "product_code"));
        u->center = (signed char)center;
        u->group = (signed char)r->group;
        u->state = U_QUAR;
        u->picked = 0;
        if (u->product < 0)
            u->state = U_GONE;
        else
            dp_shelf_add(d, center, (int)d->unit_count);
        d->unit_count++;
        don->unit_count++;
    }
    json_decref(out);
    d->untested = dp_grow(d->untested, &d->untested_cap, d->untested_count + 1, sizeof(int));
    d->untested[d->untested_count++] = index;
    return 0;
}

/* How many collections of each kind center c makes on `day`, from the
 * revenue its plan expects a few days on. */
int dp_collect_day(demo_run *run, civil_day day, err *e)
{
    demo_products *d = run->products;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c])
            continue;
        quarter q = quarter_of(date_add_days(day, 5));
        if (q.year < 2003)
            q = (quarter){.year = 2003, .quarter = 1};
        civil_day last = dp_center_last_day(d, c, q);
        int64_t target = demo_target(run, "4000", centers[c].code, q);
        if (!last || target <= 0) {
            q = quarter_of(day);
            last = dp_center_last_day(d, c, q);
            target = demo_target(run, "4000", centers[c].code, q);
        }
        if (!last || target <= 0)
            continue;
        civil_day first = quarter_first_day(q);
        int64_t per_day = target / (last - first + 1);
        /* Sundays are quiet */
        int weekday = (int)((day + 4) % 7); /* 0 = Sunday (1970-01-01 was a Thursday) */
        if (weekday < 0)
            weekday += 7;
        int64_t factor = weekday == 0 ? 500 : 1083; /* thousandths */
        /* in thousandths of a collection, rounded at random */
        int64_t apheresis = per_day * 78 / 100 * 112 / 100 * factor / 1000 * 1000 * 100 / 190 /
                            dp_estimate_avg(d, FAM_PLT);
        int64_t whole_blood = per_day * 22 / 100 * 109 / 100 * factor / 1000 * 1000 /
                              (dp_estimate_avg(d, FAM_RBC) + dp_estimate_avg(d, FAM_PLASMA));
        apheresis += demo_rng_between(&d->rng, -apheresis / 10, apheresis / 10);
        whole_blood += demo_rng_between(&d->rng, -whole_blood / 10, whole_blood / 10);
        apheresis = apheresis / 1000 + (demo_rng_below(&d->rng, 1000) < apheresis % 1000);
        whole_blood = whole_blood / 1000 + (demo_rng_below(&d->rng, 1000) < whole_blood % 1000);
        /* A closing center winds down: whole blood (whose red cells keep
         * 42 days) stops six weeks before, platelets four days before, so that
         * little is left to throw away when it closes. */
        if (d->close_day[c]) {
            if (day > date_add_days(d->close_day[c], -4))
                apheresis = 0;
            if (day > date_add_days(d->close_day[c], -45))
                whole_blood = 0;
        }
        for (int64_t i = 0; i < apheresis + whole_blood; i++)
            if (collect_one(run, c, i < apheresis, day, e))
                return -1;
    }
    return 0;
}

/* ---- testing ---- */

typedef struct {
    char *text;
    size_t length, cap;
} text_buffer;

static void text_add(text_buffer *b, const char *piece)
{
    size_t n = strlen(piece);
    b->text = dp_grow(b->text, &b->cap, b->length + n + 1, 1);
    memcpy(b->text + b->length, piece, n + 1);
    b->length += n;
}

/* The laboratory's file of the day: the full panel of every donation not
 * yet tested. A repeat donor's rare reactive marker discards the donation,
 * defers the donor and opens a lookback of the earlier donations. */
int dp_test_day(demo_run *run, civil_day day, err *e)
{
    demo_products *d = run->products;
    if (!d->untested_count)
        return 0;
    static const char *tests[] = {"ABSCREEN", "HIV",      "HBSAG",   "ANTIHBC", "HCV",
                                  "HTLV",     "SYPHILIS", "NAT_HIV", "NAT_HCV", "NAT_HBV"};
    static const char *reactive_tests[] = {"HCV", "HBSAG", "ANTIHBC", "SYPHILIS"};
    text_buffer b = {0};
    text_add(&b, "din,test,result,date\n");
    char on[DATE_TEXT_MAX], line[160];
    dp_day_text(day, on);
    /* a few a quarter: about one donation in 3,500 of repeat donors */
    int *reactive = calloc(d->untested_count, sizeof(int));
    for (size_t i = 0; i < d->untested_count; i++) {
        donation_rec *don = &d->donations[d->untested[i]];
        donor_rec *r = &d->donors[don->donor];
        const char *marker = NULL;
        if (don->prev >= 0 && demo_rng_chance(&d->rng, 330)) {
            marker = reactive_tests[demo_rng_below(&d->rng, 4)];
            reactive[i] = 1;
        }
        snprintf(line, sizeof line, "%s,ABO,%s,%s\n%s,RHD,%s,%s\n", don->din,
                 abo_names[r->group / 2], on, don->din, r->group % 2 ? "NEG" : "POS", on);
        text_add(&b, line);
        for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
            const char *result = t == 0 ? "negative" : "NR";
            if (marker && strcmp(marker, tests[t]) == 0)
                result = "R";
            snprintf(line, sizeof line, "%s,%s,%s,%s\n", don->din, tests[t], result, on);
            text_add(&b, line);
        }
    }
    FILE *csv = fmemopen(b.text, b.length, "r");
    json_t *out = NULL;
    int rc = csv ? testing_results_import(&run->ctx, csv, "lab-results.csv", &out, e)
                 : err_set(e, ERR_INTERNAL, NULL, "cannot read the results");
    if (csv)
        fclose(csv);
    free(b.text);
    json_decref(out);
    if (rc) {
        free(reactive);
        return dp_fail(e, "results import");
    }
    demo_events(run, 1);
    for (size_t i = 0; i < d->untested_count; i++) {
        donation_rec *don = &d->donations[d->untested[i]];
        for (int k = 0; k < don->unit_count; k++) {
            unit_rec *u = &d->units[don->first_unit + k];
            if (u->state == U_QUAR)
                u->state = reactive[i] ? U_GONE : U_READY;
        }
        if (reactive[i]) {
            donor_rec *r = &d->donors[don->donor];
            r->deferred = 1;
            /* the lookback holds what is left of the earlier donations */
            for (int p = don->prev; p >= 0; p = d->donations[p].prev)
                for (int k = 0; k < d->donations[p].unit_count; k++) {
                    unit_rec *u = &d->units[d->donations[p].first_unit + k];
                    if (u->state != U_GONE)
                        u->state = U_GONE;
                }
        }
    }
    free(reactive);
    d->untested_count = 0;
    return 0;
}

int dp_expiry_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 13, 0);
    json_t *out = NULL;
    if (unit_expiry_sweep(&run->ctx, NULL, &out, e))
        return dp_fail(e, "expiry sweep");
    demo_events(run, 1);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(out, "units"), i, u) {
        int index = dp_unit_find(d, (int64_t)json_integer_value(json_object_get(u, "id")));
        if (index >= 0)
            d->units[index].state = U_GONE;
    }
    json_decref(out);
    return 0;
}
