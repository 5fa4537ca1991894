/*
 * demo_products.c - the products part of the demo company (demo.h): the
 * donor centers and their markets, the catalog, the hospitals and their
 * supply contracts (renewed with increases), the donors, the collections
 * and their components, the laboratory's daily results file (a rare
 * reactive result: discards, deferral, lookback), the releases signed in
 * batches, the hospitals' orders, their allocation and shipments, returns,
 * expiries, the centers' monthly overheads and the restructuring plan's
 * closings. Blood-products revenue (4000) and cost (5000) by center land
 * on the plan (demo_plan.c): each quarter's last day ships what closes the
 * revenue and posts the overhead that closes the cost.
 *
 * How it stays in control: units are released only on the day they are
 * shipped, and the day's orders ask for exactly the families and groups of
 * the units released, so every allocation takes exactly the units meant to
 * go (no unit lingers on the released shelf). Everything else waits tested
 * in quarantine (the release queue) or expires there.
 */
#include <stdlib.h>
#include <string.h>
#include "demo/demo.h"
#include "base/money.h"
#include "service/auth.h"
#include "service/catalog.h"
#include "service/collection.h"
#include "service/company.h"
#include "service/contract.h"
#include "service/donor.h"
#include "service/order.h"
#include "service/registry.h"
#include "service/returns.h"
#include "service/shipment.h"
#include "service/testing.h"
#include "service/unit.h"

#define LAB_USER "lab.products"
#define LAB_PASSWORD "demo-lab-password-2003"

/* ---- the fixed data ---- */

static const struct {
    const char *code, *name, *zone;
} markets[] = {
    {"LA", "Los Angeles", "America/Los_Angeles"}, {"NY", "New York", "America/New_York"},
    {"NH", "New Hampshire", "America/New_York"},  {"PA", "Pennsylvania", "America/New_York"},
    {"NC", "North Carolina", "America/New_York"}, {"TN", "Tennessee", "America/Chicago"},
    {"IL", "Illinois", "America/Chicago"},
};

enum { CENTERS = 6 };
static const struct {
    const char *code, *name, *market, *fin, *opened, *closes, *address;
    int hospitals; /* at scale 1 */
} centers[CENTERS] = {
    {"LA-01", "Los Angeles Donor Center", "LA", "W0001", "1998-01-05", NULL,
     "1200 Wilshire Blvd, Los Angeles, CA", 5},
    {"OC-01", "Orange County Donor Center", "LA", "W0002", "1999-06-01", NULL,
     "400 Main St, Santa Ana, CA", 4},
    {"PA-01", "Philadelphia Donor Center", "PA", "W0003", "2000-03-01", "2003-09-30",
     "1500 Market St, Philadelphia, PA", 2},
    {"NC-01", "Charlotte Donor Center", "NC", "W0004", "2000-09-01", "2004-01-31",
     "300 Tryon St, Charlotte, NC", 2},
    {"TN-01", "Memphis Donor Center", "TN", "W0005", "2001-04-02", "2003-06-30",
     "200 Union Ave, Memphis, TN", 2},
    {"IL-01", "Chicago Donor Center", "IL", "W0006", "2001-10-01", "2003-06-30",
     "100 Michigan Ave, Chicago, IL", 1},
};

static const char *hospital_names[CENTERS][6] = {
    {"Good Samaritan Hospital", "California Hospital Medical Center", "St. Vincent Medical Center",
     "Hollywood Presbyterian Medical Center", "White Memorial Medical Center",
     "Queen of Angels Hospital"},
    {"Western Medical Center Santa Ana", "Anaheim Memorial Medical Center",
     "Fountain Valley Regional Hospital", "Saddleback Memorial Medical Center",
     "Garden Grove Hospital", "Huntington Beach Hospital"},
    {"Pennsylvania Hospital", "Temple University Hospital", "Albert Einstein Medical Center",
     "Chestnut Hill Hospital", "Frankford Hospital", "Roxborough Memorial Hospital"},
    {"Presbyterian Hospital Charlotte", "Mercy Hospital Charlotte", "University Hospital Charlotte",
     "Gaston Memorial Hospital", "Union Regional Medical Center", "Cabarrus Memorial Hospital"},
    {"Baptist Memorial Hospital", "Methodist University Hospital", "Saint Francis Hospital",
     "Delta Medical Center", "Regional Medical Center at Memphis", "Germantown Hospital"},
    {"Mercy Hospital Chicago", "Swedish Covenant Hospital", "Weiss Memorial Hospital",
     "Norwegian American Hospital", "Louis A. Weiss Hospital", "Holy Cross Hospital"},
};

static const char catalog_csv[] =
    "code,description,family,storage_min_c,storage_max_c,shelf_life_value,shelf_life_unit,"
    "nominal_volume_ml,irradiated,leukoreduced,cmv_negative,pathogen_reduced,demo\n"
    "E0201,WHOLE BLOOD|CPDA-1/450mL/refg (demo),whole_blood,1,6,35,days,520,no,no,no,no,yes\n"
    "E0202,WHOLE BLOOD|CPD/500mL/refg|Leukoreduced (demo),whole_blood,1,6,21,days,570,no,yes,no,"
    "no,yes\n"
    "E0300,RED BLOOD CELLS|CPD>AS-1/450mL/refg|Leukoreduced (demo),red_cells,1,6,42,days,300,no,"
    "yes,no,no,yes\n"
    "E0301,RED BLOOD CELLS|CPD>AS-1/450mL/refg|Irradiated|Leukoreduced (demo),red_cells,1,6,28,"
    "days,300,yes,yes,no,no,yes\n"
    "E0302,RED BLOOD CELLS|CPD>AS-3/500mL/refg|Leukoreduced|CMV-negative (demo),red_cells,1,6,42,"
    "days,320,no,yes,yes,no,yes\n"
    "E0303,RED BLOOD CELLS|Glycerolized/Frozen <=-65C (demo),red_cells,-90,-65,3650,days,300,no,"
    "yes,no,no,yes\n"
    "E0400,APHERESIS PLATELETS|ACD-A/20-24C|Leukoreduced (demo),platelets,20,24,5,days,250,no,yes,"
    "no,no,yes\n"
    "E0401,APHERESIS PLATELETS|ACD-A/PAS/20-24C|Leukoreduced|Pathogen reduced (demo),platelets,20,"
    "24,7,days,300,no,yes,no,yes,yes\n"
    "E0402,POOLED PLATELETS|CPD/20-24C|Irradiated|Leukoreduced (demo),platelets,20,24,5,days,300,"
    "yes,yes,no,no,yes\n"
    "E0500,FRESH FROZEN PLASMA|CPD/<=-18C (demo),plasma,-80,-18,365,days,250,no,no,no,no,yes\n"
    "E0501,PLASMA FROZEN WITHIN 24 HOURS|CPD/<=-18C (demo),plasma,-80,-18,365,days,250,no,no,no,"
    "no,yes\n"
    "E0502,THAWED PLASMA|CPD/refg (demo),plasma,1,6,5,days,250,no,no,no,no,yes\n"
    "E0503,APHERESIS FRESH FROZEN PLASMA|ACD-A/<=-18C (demo),plasma,-80,-18,365,days,600,no,no,no,"
    "no,yes\n"
    "E0600,CRYOPRECIPITATED AHF|<=-18C (demo),cryoprecipitate,-80,-18,365,days,15,no,no,no,no,"
    "yes\n"
    "E0601,POOLED CRYOPRECIPITATE|Thawed/20-24C (demo),cryoprecipitate,20,24,4,hours,75,no,no,no,"
    "no,yes\n"
    "E0700,APHERESIS GRANULOCYTES|20-24C|Irradiated (demo),granulocytes,20,24,24,hours,250,yes,no,"
    "no,no,yes\n";

enum { FAM_PLT, FAM_RBC, FAM_PLASMA, FAMILIES };
static const char *family_names[FAMILIES] = {"platelets", "red_cells", "plasma"};
static const char *family_temperature[FAMILIES] = {"22.0", "4.0", "-25.0"};

enum { P_E0400, P_E0401, P_E0300, P_E0301, P_E0302, P_E0500, P_E0501, PRODUCTS };
static const struct {
    const char *code;
    int family;
    int64_t estimate; /* cents, a first guess of its price with surcharges */
} products[PRODUCTS] = {
    {"E0400", FAM_PLT, 51200},    {"E0401", FAM_PLT, 56200}, {"E0300", FAM_RBC, 21700},
    {"E0301", FAM_RBC, 25200},    {"E0302", FAM_RBC, 23700}, {"E0500", FAM_PLASMA, 5000},
    {"E0501", FAM_PLASMA, 4600},
};

/* Groups: index = abo * 2 + (rh negative); per thousand donors. */
enum { GROUPS = 8 };
static const char *abo_names[4] = {"O", "A", "B", "AB"};
static const int group_share[GROUPS] = {374, 66, 357, 63, 85, 15, 34, 6};

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

/* ---- the state kept in memory ---- */

enum { U_QUAR, U_READY, U_RELEASED, U_GONE };

typedef struct {
    int64_t id, expires;
    int donation;
    signed char product, center, group, state, picked;
} unit_rec;

typedef struct {
    char din[24];
    int center, donor, first_unit, unit_count, prev;
    civil_day day;
} donation_rec;

typedef struct {
    char number[16];
    int center, group, platelets, deferred, last;
    civil_day next_ok;
} donor_rec;

typedef struct {
    char code[16];
    int center;
    char contract[24];
    int renew_month; /* the month of 2003 its contract is renewed */
    int64_t increase_2003, increase_2004; /* hundredths of a percent */
} hospital_rec;

typedef struct {
    int64_t unit_id;
    int hospital, center, family;
    civil_day day;
} shipped_rec;

typedef struct order_plan order_plan;

struct demo_products {
    demo_rng rng;
    unit_rec *units;
    size_t unit_count, unit_cap;
    donation_rec *donations;
    size_t donation_count, donation_cap;
    donor_rec *donors;
    size_t donor_count, donor_cap;
    hospital_rec *hospitals;
    size_t hospital_count;
    int *shelf[CENTERS]; /* unit indices not gone, by center */
    size_t shelf_count[CENTERS], shelf_cap[CENTERS];
    int *untested;       /* donations collected, not yet tested */
    size_t untested_count, untested_cap;
    shipped_rec recent[256];
    size_t recent_count;
    civil_day close_day[CENTERS]; /* 0: none */
    int closed[CENTERS];
    int64_t revenue[CENTERS];     /* this quarter's, from the answers */
    int64_t estimate[PRODUCTS];   /* what a unit of each product sells for */
    int64_t reactive_left;
    order_plan *ahead; /* tomorrow's orders, allocated today */
    size_t ahead_count;
    int cursor[CENTERS][2];
};

/* ---- small helpers ---- */

static int fail(err *e, const char *what)
{
    char message[sizeof e->message];
    size_t n = (size_t)snprintf(message, sizeof message, "products: %s: ", what);
    if (n < sizeof message) {
        size_t room = sizeof message - n;
        memcpy(message + n, e->message, room - 1);
        message[sizeof message - 1] = '\0';
    }
    memcpy(e->message, message, sizeof message);
    return -1;
}

static void *grow(void *items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return items;
    size_t next = *cap ? *cap * 2 : 256;
    while (next < need)
        next *= 2;
    void *more = realloc(items, next * size);
    if (!more) {
        fprintf(stderr, "demo products: out of memory\n");
        abort();
    }
    *cap = next;
    return more;
}

static const char *text_of(json_t *object, const char *key)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text ? text : "";
}

static int64_t cents_of(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    if (json_is_integer(value))
        return (int64_t)json_integer_value(value) * 100;
    int64_t cents = 0;
    err ignored;
    if (json_is_string(value) && money_parse(json_string_value(value), &cents, key, &ignored))
        cents = 0;
    return cents;
}

static const char *day_text(civil_day day, char out[DATE_TEXT_MAX])
{
    return date_format(day, out, DATE_TEXT_MAX);
}

static civil_day day_of(const char *text)
{
    civil_day day = 0;
    err ignored;
    date_parse(text, &day, "date", &ignored);
    return day;
}

static int product_index(const char *code)
{
    for (int p = 0; p < PRODUCTS; p++)
        if (strcmp(products[p].code, code) == 0)
            return p;
    return -1;
}

static int unit_find(demo_products *d, int64_t id)
{
    size_t low = 0, high = d->unit_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (d->units[mid].id < id)
            low = mid + 1;
        else
            high = mid;
    }
    return low < d->unit_count && d->units[low].id == id ? (int)low : -1;
}

static void shelf_add(demo_products *d, int center, int unit)
{
    d->shelf[center] = grow(d->shelf[center], &d->shelf_cap[center], d->shelf_count[center] + 1,
                            sizeof(int));
    d->shelf[center][d->shelf_count[center]++] = unit;
}

/* Drop the units gone from the shelves' lists. */
static void shelf_compact(demo_products *d)
{
    for (int c = 0; c < CENTERS; c++) {
        size_t kept = 0;
        for (size_t i = 0; i < d->shelf_count[c]; i++)
            if (d->units[d->shelf[c][i]].state != U_GONE)
                d->shelf[c][kept++] = d->shelf[c][i];
        d->shelf_count[c] = kept;
    }
}

/* The last day center c works in quarter q (its closing day when that
 * comes first); 0 when it does not work in q at all. */
static civil_day center_last_day(demo_products *d, int c, quarter q)
{
    civil_day last = quarter_last_day(q);
    if (d->close_day[c] && d->close_day[c] < last)
        last = d->close_day[c];
    return last < quarter_first_day(q) ? 0 : last;
}

static int64_t estimate_avg(demo_products *d, int family)
{
    /* the product mix collected: platelets 80/20, red cells 85/8/7, plasma 70/30 */
    switch (family) {
    case FAM_PLT:
        return (d->estimate[P_E0400] * 80 + d->estimate[P_E0401] * 20) / 100;
    case FAM_RBC:
        return (d->estimate[P_E0300] * 85 + d->estimate[P_E0301] * 7 +
                d->estimate[P_E0302] * 8) / 100;
    default:
        return (d->estimate[P_E0500] * 70 + d->estimate[P_E0501] * 30) / 100;
    }
}

/* ---- setup ---- */

static int setup_registry(demo_run *run, err *e)
{
    demo_products *d = run->products;
    json_t *out = NULL;
    if (company_set(&run->ctx, "Demo Blood Services", &out, e))
        return fail(e, "company");
    json_decref(out);
    demo_events(run, 1);
    for (size_t i = 0; i < sizeof markets / sizeof markets[0]; i++) {
        market_input in = {.code = markets[i].code, .name = markets[i].name,
                           .time_zone = markets[i].zone};
        if (market_add(&run->ctx, &in, &out, e))
            return fail(e, "market");
        json_decref(out);
        demo_events(run, 1);
    }
    for (int c = 0; c < CENTERS; c++) {
        center_input in = {.code = centers[c].code, .name = centers[c].name,
                           .market = centers[c].market, .fin = centers[c].fin,
                           .address = centers[c].address, .open_date = centers[c].opened};
        if (center_add(&run->ctx, &in, &out, e))
            return fail(e, "center");
        json_decref(out);
        demo_events(run, 1);
        d->close_day[c] = centers[c].closes ? day_of(centers[c].closes) : 0;
    }
    FILE *csv = fmemopen((void *)catalog_csv, strlen(catalog_csv), "r");
    if (!csv)
        return err_set(e, ERR_INTERNAL, NULL, "products: cannot read the catalog");
    int rc = catalog_import(&run->ctx, csv, "catalog-demo.csv", &out, e);
    fclose(csv);
    json_decref(out);
    if (rc)
        return fail(e, "catalog");
    demo_events(run, 1);
    user_input lab = {.username = LAB_USER, .full_name = "Demo Laboratory (products)",
                      .roles = "lab", .password = LAB_PASSWORD};
    char generated[AUTH_TOKEN_TEXT];
    if (user_add(&run->ctx, &lab, generated, &out, e))
        return fail(e, "lab user");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

static int price_set(demo_run *run, const char *contract, const char *product, const char *family,
                     int64_t cents, err *e)
{
    char price[32];
    money_format(cents, MONEY_PLAIN, price, sizeof price);
    json_t *out = NULL;
    if (contract_price_set(&run->ctx, contract, product, family, price, &out, e))
        return fail(e, "contract price");
    json_decref(out);
    demo_events(run, 1);
    return 0;
}

static int setup_hospitals(demo_run *run, err *e)
{
    demo_products *d = run->products;
    size_t total = 0;
    for (int c = 0; c < CENTERS; c++)
        total += (size_t)(centers[c].hospitals * run->scale);
    d->hospitals = calloc(total, sizeof *d->hospitals);
    static const char *surcharges[][2] = {{"leukoreduced", "12.00"},
                                          {"irradiated", "35.00"},
                                          {"cmv_negative", "20.00"},
                                          {"stat_delivery", "45.00"},
                                          {"after_hours_delivery", "60.00"}};
    for (int c = 0; c < CENTERS; c++)
        for (int i = 0; i < centers[c].hospitals * run->scale; i++) {
            hospital_rec *h = &d->hospitals[d->hospital_count++];
            h->center = c;
            snprintf(h->code, sizeof h->code, "%.2sH%02d", centers[c].code, i + 1);
            char name[160];
            if (i < 6)
                snprintf(name, sizeof name, "%s", hospital_names[c][i]);
            else
                snprintf(name, sizeof name, "%s, campus %d", hospital_names[c][i % 6], i / 6 + 1);
            char terms[8];
            snprintf(terms, sizeof terms, "%d", (int)(30 + 15 * demo_rng_below(&d->rng, 3)));
            hospital_input hin = {.code = h->code, .name = name, .market = centers[c].market,
                                  .billing_terms_days = terms};
            json_t *out = NULL;
            if (hospital_add(&run->ctx, &hin, &out, e))
                return fail(e, "hospital");
            json_decref(out);
            demo_events(run, 1);
            contract_input cin = {.hospital = h->code, .from = "2002-07-01", .return_days = "7",
                                  .return_credit = "100"};
            if (contract_add(&run->ctx, &cin, &out, e))
                return fail(e, "contract");
            snprintf(h->contract, sizeof h->contract, "%lld",
                     (long long)json_integer_value(json_object_get(out, "id")));
            json_decref(out);
            demo_events(run, 1);
            /* prices of mid-2002, a little different from one hospital to
             * the next */
            int64_t wiggle = demo_rng_between(&d->rng, -3, 3);
            if (price_set(run, h->contract, "E0400", NULL, 49000 + wiggle * 500, e) ||
                price_set(run, h->contract, "E0401", NULL, 54000 + wiggle * 500, e) ||
                price_set(run, h->contract, NULL, "platelets", 49000 + wiggle * 500, e) ||
                price_set(run, h->contract, NULL, "red_cells", 20000 + wiggle * 200, e) ||
                price_set(run, h->contract, NULL, "plasma", 5000 + wiggle * 50, e))
                return -1;
            for (size_t k = 0; k < sizeof surcharges / sizeof surcharges[0]; k++) {
                if (contract_surcharge_set(&run->ctx, h->contract, surcharges[k][0],
                                           surcharges[k][1], &out, e))
                    return fail(e, "contract surcharge");
                json_decref(out);
                demo_events(run, 1);
            }
            h->renew_month = 4 + 3 * (int)demo_rng_below(&d->rng, 3); /* April, July, October */
            h->increase_2003 = demo_rng_between(&d->rng, 250, 450);
            h->increase_2004 = demo_rng_between(&d->rng, 300, 550);
        }
    return 0;
}

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
    const char *family = family_list[demo_rng_below(&d->rng, sizeof family_list / sizeof family_list[0])];
    const char *given = female ? given_f[demo_rng_below(&d->rng, sizeof given_f / sizeof given_f[0])]
                               : given_m[demo_rng_below(&d->rng, sizeof given_m / sizeof given_m[0])];
    civil_day base;
    date_from_ymd(1945, 1, 1, &base, NULL, NULL);
    json_t *out = NULL;
    for (int attempt = 0;; attempt++) {
        char birth[DATE_TEXT_MAX], phone[24];
        day_text(date_add_days(base, (int32_t)demo_rng_below(&d->rng, 14600)), birth);
        snprintf(phone, sizeof phone, "555-%04d", (int)demo_rng_below(&d->rng, 10000));
        donor_fields fields = {.family_name = family, .given_name = given, .birth_date = birth,
                               .sex = female ? "F" : "M", .phone = phone,
                               .home_center = centers[center].code};
        if (donor_register(&run->ctx, &fields, &out, e) == 0)
            break;
        if (e->code != ERR_CONFLICT || attempt > 8)
            return fail(e, "donor");
    }
    demo_events(run, 1);
    d->donors = grow(d->donors, &d->donor_cap, d->donor_count + 1, sizeof *d->donors);
    donor_rec *r = &d->donors[d->donor_count];
    memset(r, 0, sizeof *r);
    snprintf(r->number, sizeof r->number, "%s", text_of(out, "donor_number"));
    json_decref(out);
    r->center = center;
    r->group = pick_group(d);
    r->platelets = platelets;
    r->last = -1;
    *index = (int)d->donor_count++;
    return 0;
}

/* A donor of `center` who may give today: a returning one when there is
 * one (scanning from where the last search stopped), else a new one. */
static int donor_pick(demo_run *run, int center, int platelets, civil_day day, int *index, err *e)
{
    demo_products *d = run->products;
    if (d->donor_count > 0 && !demo_rng_chance(&d->rng, 60000)) {
        size_t n = d->donor_count;
        size_t start = (size_t)d->cursor[center][platelets] % n;
        for (size_t k = 0; k < n; k++) {
            size_t i = (start + k) % n;
            donor_rec *r = &d->donors[i];
            if (r->center == center && r->platelets == platelets && !r->deferred &&
                r->next_ok <= day) {
                d->cursor[center][platelets] = (int)((i + 1) % n);
                *index = (int)i;
                return 0;
            }
        }
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
        .device = platelets ? "Trima Accel" : "Hemoflow scale", .volume_ml = platelets ? "280" : "500",
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
        return fail(e, "collection");
    demo_events(run, 1);
    d->donations = grow(d->donations, &d->donation_cap, d->donation_count + 1,
                        sizeof *d->donations);
    int index = (int)d->donation_count++;
    donation_rec *don = &d->donations[index];
    memset(don, 0, sizeof *don);
    snprintf(don->din, sizeof don->din, "%s", text_of(out, "din"));
    json_decref(out);
    don->center = center;
    don->donor = donor;
    don->day = day;
    don->prev = r->last;
    r->last = index;
    r->next_ok = date_add_days(day, platelets ? (int32_t)demo_rng_between(&d->rng, 16, 35)
                                              : (int32_t)demo_rng_between(&d->rng, 57, 150));
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
        return fail(e, "processing");
    demo_events(run, 1);
    don->first_unit = (int)d->unit_count;
    json_t *items = json_object_get(out, "units");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        d->units = grow(d->units, &d->unit_cap, d->unit_count + 1, sizeof *d->units);
        unit_rec *u = &d->units[d->unit_count];
        u->id = (int64_t)json_integer_value(json_object_get(item, "id"));
        u->expires = 0;
        err ignored;
        timestamp_parse(text_of(item, "expires_at"), &u->expires, "expires_at", &ignored);
        u->donation = index;
        u->product = (signed char)product_index(text_of(item, "product_code"));
        u->center = (signed char)center;
        u->group = (signed char)r->group;
        u->state = U_QUAR;
        u->picked = 0;
        if (u->product < 0)
            u->state = U_GONE;
        else
            shelf_add(d, center, (int)d->unit_count);
        d->unit_count++;
        don->unit_count++;
    }
    json_decref(out);
    d->untested = grow(d->untested, &d->untested_cap, d->untested_count + 1, sizeof(int));
    d->untested[d->untested_count++] = index;
    return 0;
}

/* How many collections of each kind center c makes on `day`, from the
 * revenue its plan expects a few days on. */
static int collect_day(demo_run *run, civil_day day, err *e)
{
    demo_products *d = run->products;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c])
            continue;
        quarter q = quarter_of(date_add_days(day, 5));
        if (q.year < 2003)
            q = (quarter){.year = 2003, .quarter = 1};
        civil_day last = center_last_day(d, c, q);
        int64_t target = demo_target(run, "4000", centers[c].code, q);
        if (!last || target <= 0) {
            q = quarter_of(day);
            last = center_last_day(d, c, q);
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
                            estimate_avg(d, FAM_PLT);
        int64_t whole_blood = per_day * 22 / 100 * 109 / 100 * factor / 1000 * 1000 /
                              (estimate_avg(d, FAM_RBC) + estimate_avg(d, FAM_PLASMA));
        apheresis += demo_rng_between(&d->rng, -apheresis / 10, apheresis / 10);
        whole_blood += demo_rng_between(&d->rng, -whole_blood / 10, whole_blood / 10);
        apheresis = apheresis / 1000 + (demo_rng_below(&d->rng, 1000) < apheresis % 1000);
        whole_blood = whole_blood / 1000 + (demo_rng_below(&d->rng, 1000) < whole_blood % 1000);
        if (d->close_day[c]) {
            if (day > date_add_days(d->close_day[c], -5))
                apheresis = 0;
            if (day > date_add_days(d->close_day[c], -12))
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
    b->text = grow(b->text, &b->cap, b->length + n + 1, 1);
    memcpy(b->text + b->length, piece, n + 1);
    b->length += n;
}

/* The laboratory's file of the day: the full panel of every donation not
 * yet tested. A repeat donor's rare reactive marker discards the donation,
 * defers the donor and opens a lookback of the earlier donations. */
static int test_day(demo_run *run, civil_day day, err *e)
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
    day_text(day, on);
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
        return fail(e, "results import");
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

/* ---- release, orders, allocation, shipments ---- */

static int release_units(demo_run *run, const int *chosen, size_t count, err *e)
{
    demo_products *d = run->products;
    char (*ids)[24] = malloc((count + 1) * sizeof *ids);
    const char **refs = malloc((count + 1) * sizeof *refs);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (d->units[chosen[i]].state == U_READY) {
            snprintf(ids[n], sizeof ids[n], "%lld", (long long)d->units[chosen[i]].id);
            refs[n] = ids[n];
            n++;
        }
    int rc = 0;
    for (size_t from = 0; from < n && rc == 0; from += TESTING_RELEASE_UNITS_MAX) {
        size_t batch = n - from < TESTING_RELEASE_UNITS_MAX ? n - from : TESTING_RELEASE_UNITS_MAX;
        testing_release_request request = {.units = refs + from, .unit_count = batch,
                                           .username = LAB_USER, .password = LAB_PASSWORD};
        json_t *out = NULL;
        rc = testing_release(&run->ctx, &request, &out, e);
        json_decref(out);
        if (rc)
            fail(e, "release");
        else
            demo_events(run, 1);
    }
    if (rc == 0)
        for (size_t i = 0; i < count; i++)
            if (d->units[chosen[i]].state == U_READY)
                d->units[chosen[i]].state = U_RELEASED;
    free(ids);
    free(refs);
    return rc;
}

static void shipped_note(demo_products *d, int64_t unit_id, int hospital, int center, int family,
                         civil_day day)
{
    size_t slot = d->recent_count++ % (sizeof d->recent / sizeof d->recent[0]);
    d->recent[slot] = (shipped_rec){unit_id, hospital, center, family, day};
}

/* An order of hospital h for units of one family: its lines by group
 * (counts[g] units of group g; `as_group` >= 0 asks for that group
 * instead, for a substitution). Created, allocated and shipped; *order_id
 * is its id (0 when nothing was asked). */
struct order_plan {
    int hospital, family, stat, routine;
    int counts[GROUPS];
    int as_group;      /* for a substitution order: the recipient's group */
    int64_t needed_by; /* 0: by the priority's clock from now */
    char id[24];
    char (*dins)[24];  /* what its allocation took */
    int64_t *expires;  /* and when each expires */
    size_t din_count;
};

static int order_create_plan(demo_run *run, order_plan *o, err *e)
{
    demo_products *d = run->products;
    int64_t now = timestamp_now();
    int64_t x = o->routine ? 99 : demo_rng_below(&d->rng, 100);
    const char *priority = x < 8 ? "stat" : x < 30 ? "asap" : "routine";
    o->stat = x < 8;
    int64_t hours = x < 8 ? 1 : x < 30 ? 4 : 24;
    char needed[TIMESTAMP_TEXT_MAX];
    timestamp_format(o->needed_by ? o->needed_by : now + hours * 3600, needed, sizeof needed);
    order_input in = {.hospital = d->hospitals[o->hospital].code, .priority = priority,
                      .needed_by = needed};
    json_t *out = NULL;
    if (order_create(&run->ctx, &in, &out, e))
        return fail(e, "order");
    snprintf(o->id, sizeof o->id, "%lld", (long long)json_integer_value(json_object_get(out, "id")));
    json_decref(out);
    demo_events(run, 1);
    for (int g = 0; g < GROUPS; g++) {
        if (!o->counts[g])
            continue;
        int as = o->as_group >= 0 ? o->as_group : g;
        char group[16], quantity[16];
        snprintf(group, sizeof group, "%s %s", abo_names[as / 2], as % 2 ? "NEG" : "POS");
        snprintf(quantity, sizeof quantity, "%d", o->counts[g]);
        order_line_input line = {.family = family_names[o->family], .group = group,
                                 .quantity = quantity};
        if (order_line_add(&run->ctx, o->id, &line, &out, e))
            return fail(e, "order line");
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* Allocate order o and keep the DINs it took. */
static int order_allocate_plan(demo_run *run, order_plan *o, err *e)
{
    json_t *out = NULL;
    if (order_allocate(&run->ctx, o->id, &out, e))
        return fail(e, "allocation");
    demo_events(run, 1);
    size_t cap = 0, expires_cap = 0, i, k;
    json_t *line, *a;
    json_array_foreach(json_object_get(out, "lines"), i, line)
        json_array_foreach(json_object_get(line, "allocations"), k, a) {
            o->dins = grow(o->dins, &cap, o->din_count + 1, sizeof *o->dins);
            o->expires = grow(o->expires, &expires_cap, o->din_count + 1, sizeof *o->expires);
            err ignored;
            o->expires[o->din_count] = 0;
            timestamp_parse(text_of(a, "expires_at"), &o->expires[o->din_count], "expires_at",
                            &ignored);
            snprintf(o->dins[o->din_count++], sizeof o->dins[0], "%s", text_of(a, "din"));
        }
    json_decref(out);
    return 0;
}

/* Ship what order o's allocation took (one shipment per round of
 * distinct DINs: a DIN is scanned once a shipment). */
static int order_ship_plan(demo_run *run, order_plan *o, err *e)
{
    demo_products *d = run->products;
    size_t count = o->din_count;
    char *done = calloc(count + 1, 1);
    const char **scans = malloc((count + 1) * sizeof *scans);
    size_t left = count, i;
    int rc = 0;
    json_t *out = NULL;
    /* a unit that expired since its allocation stays behind (the sweep
     * takes it off the shelf); its line stays owed */
    int64_t now = timestamp_now();
    for (size_t j = 0; j < count; j++)
        if (o->expires[j] <= now + 600) {
            done[j] = 1;
            left--;
        }
    static const char *shippers[] = {"Demo courier", "MedSpeed", "Hospital courier",
                                     "Blood center van"};
    while (left && rc == 0) {
        size_t n = 0;
        for (size_t j = 0; j < count && n < SHIPMENT_SCANS_MAX; j++) {
            if (done[j])
                continue;
            int twice = 0;
            for (size_t m = 0; m < n && !twice; m++)
                twice = strcmp(scans[m], o->dins[j]) == 0;
            if (twice)
                continue;
            scans[n++] = o->dins[j];
            done[j] = 1;
        }
        left -= n;
        if (!n)
            break;
        shipment_input in = {.order = o->id, .scans = scans, .scan_count = n,
                             .temperature = family_temperature[o->family],
                             .shipper = shippers[demo_rng_below(&d->rng, 4)],
                             .after_hours = !o->routine && demo_rng_chance(&d->rng, 20000)};
        rc = shipment_create(&run->ctx, &in, &out, e);
        if (rc) {
            fail(e, "shipment");
            break;
        }
        demo_events(run, 1);
        json_t *u;
        json_array_foreach(json_object_get(out, "units"), i, u) {
            int64_t id = (int64_t)json_integer_value(json_object_get(u, "unit"));
            int64_t price = cents_of(u, "price");
            int index = unit_find(d, id);
            if (index < 0)
                continue;
            unit_rec *r = &d->units[index];
            r->state = U_GONE;
            d->revenue[(int)r->center] += price;
            if (!o->stat && r->product >= 0)
                d->estimate[(int)r->product] = (d->estimate[(int)r->product] * 7 + price) / 8;
            shipped_note(d, id, o->hospital, r->center, products[(int)r->product].family,
                         run->today);
        }
        json_decref(out);
    }
    free(done);
    free(scans);
    free(o->dins);
    free(o->expires);
    o->dins = NULL;
    o->expires = NULL;
    o->din_count = 0;
    return rc;
}

/* The orders of the chosen units for hospitals of their centers' markets
 * (one order per hospital and family; when `hospital` >= 0 every unit
 * goes to that hospital), created. `substitute`: the orders of a day,
 * with their priorities and now and then a substitution; else routine
 * orders (the fine-tuning, and tomorrow's orders allocated ahead, needed
 * by `needed_by`). *plans gets them, *plan_count how many. */
static int plans_make(demo_run *run, const int *chosen, size_t count, int hospital,
                      int substitute, int64_t needed_by, order_plan **plans_out,
                      size_t *plan_count, err *e)
{
    demo_products *d = run->products;
    size_t per_family = d->hospital_count;
    size_t total = per_family * FAMILIES + 1;
    order_plan *plans = calloc(total, sizeof *plans);
    for (size_t h = 0; h < per_family; h++)
        for (int f = 0; f < FAMILIES; f++) {
            order_plan *o = &plans[h * FAMILIES + f];
            o->hospital = (int)h;
            o->family = f;
            o->as_group = -1;
            o->routine = !substitute;
            o->needed_by = needed_by;
        }
    order_plan *sub = &plans[per_family * FAMILIES];
    sub->as_group = -1;
    /* a substitution now and then: a red-cell unit of O, A or B for an AB
     * patient, ordered last so that the exact groups are taken first */
    int substituted = -1;
    if (substitute && demo_rng_chance(&d->rng, 350000))
        for (size_t i = 0; i < count && substituted < 0; i++) {
            unit_rec *u = &d->units[chosen[i]];
            if (products[(int)u->product].family == FAM_RBC && u->group / 2 != 3)
                substituted = (int)i;
        }
    /* the hospitals of each center, and which of them order today */
    int today_first[CENTERS] = {0}, today_count[CENTERS] = {0};
    for (size_t k = 0; k < d->hospital_count; k++)
        today_count[d->hospitals[k].center]++;
    for (int c = 0; c < CENTERS; c++)
        today_first[c] = today_count[c] ? (int)demo_rng_below(&d->rng, today_count[c]) : 0;
    for (size_t i = 0; i < count; i++) {
        unit_rec *u = &d->units[chosen[i]];
        int h = hospital;
        if (h < 0) {
            /* a third of the center's hospitals order on a day */
            int pick = today_first[(int)u->center] +
                       (int)demo_rng_below(&d->rng, (today_count[(int)u->center] + 2) / 3);
            pick %= today_count[(int)u->center];
            for (size_t k = 0; k < d->hospital_count; k++)
                if (d->hospitals[k].center == u->center && pick-- == 0) {
                    h = (int)k;
                    break;
                }
        }
        int f = products[(int)u->product].family;
        if ((int)i == substituted) {
            sub->hospital = h;
            sub->family = f;
            sub->as_group = 6 + u->group % 2; /* AB of the unit's RhD */
            sub->counts[(int)u->group]++;
        } else {
            plans[(size_t)h * FAMILIES + (size_t)f].counts[(int)u->group]++;
        }
    }
    /* keep the orders that ask for something */
    size_t kept = 0;
    for (size_t p = 0; p < total; p++) {
        int any = 0;
        for (int g = 0; g < GROUPS; g++)
            any |= plans[p].counts[g] > 0;
        if (any)
            plans[kept++] = plans[p];
    }
    *plans_out = plans;
    *plan_count = kept;
    for (size_t p = 0; p < kept; p++)
        if (order_create_plan(run, &plans[p], e))
            return -1;
    return 0;
}

static void plans_free(order_plan *plans, size_t count)
{
    for (size_t p = 0; p < count; p++) {
        free(plans[p].dins);
        free(plans[p].expires);
    }
    free(plans);
}

/* Release the chosen units (`ahead` of them for tomorrow's orders, after
 * `count` for today's), order, allocate, ship today's and keep
 * tomorrow's allocated orders in d->ahead. */
static int ship_units(demo_run *run, int hour, int *chosen, size_t count, int *ahead,
                      size_t ahead_count, int hospital, int substitute, err *e)
{
    demo_products *d = run->products;
    if (!count && !ahead_count)
        return 0;
    demo_clock(run, run->today, hour, 0);
    int *all = malloc((count + ahead_count + 1) * sizeof(int));
    memcpy(all, chosen, count * sizeof(int));
    if (ahead_count)
        memcpy(all + count, ahead, ahead_count * sizeof(int));
    int rc = release_units(run, all, count + ahead_count, e);
    free(all);
    if (rc)
        return -1;
    demo_clock(run, run->today, hour, 30);
    order_plan *plans = NULL;
    size_t plan_count = 0;
    rc = plans_make(run, chosen, count, hospital, substitute, 0, &plans, &plan_count, e);
    if (rc == 0 && ahead_count) {
        /* tomorrow's routine orders, needed by the morning */
        int64_t needed = ((int64_t)run->today + 1) * 86400 + 15 * 3600 + 45 * 60;
        rc = plans_make(run, ahead, ahead_count, -1, 0, needed, &d->ahead, &d->ahead_count, e);
    }
    /* today's orders are allocated first: the first expiring units are
     * theirs */
    demo_clock(run, run->today, hour + 1, 0);
    for (size_t p = 0; p < plan_count && rc == 0; p++)
        rc = order_allocate_plan(run, &plans[p], e);
    for (size_t p = 0; ahead_count && p < d->ahead_count && rc == 0; p++)
        rc = order_allocate_plan(run, &d->ahead[p], e);
    demo_clock(run, run->today, hour + 1, 15);
    for (size_t p = 0; p < plan_count && rc == 0; p++)
        rc = order_ship_plan(run, &plans[p], e);
    plans_free(plans, plan_count);
    return rc;
}

/* Ship the orders allocated yesterday for today. */
static int ship_ahead(demo_run *run, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 15, 0);
    int rc = 0;
    for (size_t p = 0; p < d->ahead_count && rc == 0; p++)
        rc = order_ship_plan(run, &d->ahead[p], e);
    plans_free(d->ahead, d->ahead_count);
    d->ahead = NULL;
    d->ahead_count = 0;
    return rc;
}

/* ---- the day's choice of units ---- */

static int expiry_compare(const void *a, const void *b, void *units)
{
    const unit_rec *u = units;
    const unit_rec *x = &u[*(const int *)a], *y = &u[*(const int *)b];
    if (x->expires != y->expires)
        return x->expires < y->expires ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static unit_rec *sort_units;
static int expiry_compare_global(const void *a, const void *b)
{
    return expiry_compare(a, b, sort_units);
}

/* Choose units of center c worth `goal` cents (at the estimates):
 * platelets first (they keep five days, and make some 78% of the
 * revenue), then red cells, then plasma.
 * `exact`: never pass the goal. Appends to chosen. */
static void choose_units(demo_products *d, int c, int64_t goal, int exact, int64_t ship_time,
                         int **chosen, size_t *count, size_t *cap)
{
    int *lists[FAMILIES];
    size_t sizes[FAMILIES] = {0};
    for (int f = 0; f < FAMILIES; f++)
        lists[f] = malloc((d->shelf_count[c] + 1) * sizeof(int));
    int64_t taken = 0;
    for (size_t i = 0; i < d->shelf_count[c]; i++) {
        int index = d->shelf[c][i];
        unit_rec *u = &d->units[index];
        if (u->expires <= ship_time + 3 * 3600 || u->picked)
            continue;
        if (u->state == U_RELEASED) { /* back from a hospital: it goes first */
            *chosen = grow(*chosen, cap, *count + 1, sizeof(int));
            (*chosen)[(*count)++] = index;
            u->picked = 1;
            taken += d->estimate[(int)u->product];
        } else if (u->state == U_READY) {
            int f = products[(int)u->product].family;
            lists[f][sizes[f]++] = index;
        }
    }
    sort_units = d->units;
    for (int f = 0; f < FAMILIES; f++)
        qsort(lists[f], sizes[f], sizeof(int), expiry_compare_global);
    static const struct {
        int family, share;
    } phases[] = {{FAM_PLT, 780}, {FAM_RBC, 958}, {FAM_PLASMA, 1000},
                  {FAM_RBC, 1000}, {FAM_PLT, 1000}, {FAM_PLASMA, 1000}};
    size_t next[FAMILIES] = {0};
    for (size_t p = 0; p < sizeof phases / sizeof phases[0]; p++) {
        int f = phases[p].family;
        int64_t until = goal * phases[p].share / 1000;
        while (taken < until && next[f] < sizes[f]) {
            int index = lists[f][next[f]++];
            int64_t price = d->estimate[(int)d->units[index].product];
            if (exact && taken + price > until)
                continue;
            *chosen = grow(*chosen, cap, *count + 1, sizeof(int));
            (*chosen)[(*count)++] = index;
            d->units[index].picked = 1;
            taken += price;
        }
    }
    for (int f = 0; f < FAMILIES; f++)
        free(lists[f]);
}

/* The day's shipping: the orders allocated yesterday for today, or, on
 * the other days, the units chosen for today (what is left of each
 * center's quarter spread over its days left) and, when tomorrow is an
 * ordinary day of the same quarter, tomorrow's too, released under one
 * signature and allocated ahead. */
static int ship_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    if (d->ahead_count)
        return ship_ahead(run, e);
    quarter q = quarter_of(run->today);
    civil_day tomorrow = date_add_days(run->today, 1);
    int ahead_ok = tomorrow <= run->through && quarter_of(tomorrow).quarter == q.quarter &&
                   tomorrow != quarter_last_day(q);
    for (int c = 0; c < CENTERS; c++)
        if (d->close_day[c] == tomorrow)
            ahead_ok = 0;
    int *chosen = NULL, *ahead = NULL;
    size_t count = 0, cap = 0, ahead_count = 0, ahead_cap = 0;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c])
            continue;
        civil_day last = center_last_day(d, c, q);
        int64_t target = demo_target(run, "4000", centers[c].code, q);
        if (!last || target <= 0 || run->today > last)
            continue;
        int64_t left = target - d->revenue[c];
        int64_t days = last - run->today + 1;
        /* the last day leaves room for the exact fine-tuning */
        int64_t goal = days > 1 ? left / days : left - 60000 - left / 20;
        if (goal <= 0)
            continue;
        size_t before = count;
        choose_units(d, c, goal, days <= 1, (int64_t)run->today * 86400 + 16 * 3600, &chosen,
                     &count, &cap);
        if (!ahead_ok || days <= 2)
            continue;
        int64_t planned = 0;
        for (size_t i = before; i < count; i++)
            planned += d->estimate[(int)d->units[chosen[i]].product];
        int64_t next = (left - planned) / (days - 1);
        if (next > 0)
            choose_units(d, c, next, 0, (int64_t)tomorrow * 86400 + 15 * 3600, &ahead,
                         &ahead_count, &ahead_cap);
    }
    int rc = ship_units(run, 15, chosen, count, ahead, ahead_count, -1, 1, e);
    free(chosen);
    free(ahead);
    return rc;
}

/* ---- the quarter's close for one center ---- */

static int overhead_post(demo_run *run, int c, civil_day day, int64_t cents, err *e)
{
    if (cents <= 0)
        return 0;
    if (demo_entry(run, day, "Donor center staff and occupancy", "5000", "2100", centers[c].code,
                   cents, e))
        return fail(e, "overhead entry");
    demo_events(run, 1);
    return 0;
}

/* Fine-tune center c's revenue of quarter q to its target with units of
 * exact prices (at one of its hospitals, routine delivery), then post the
 * overhead that closes its cost. */
static int center_finish(demo_run *run, int c, quarter q, err *e)
{
    demo_products *d = run->products;
    int64_t target = demo_target(run, "4000", centers[c].code, q);
    civil_day first = quarter_first_day(q);
    int64_t posted = 0;
    if (demo_posted(run, "4000", centers[c].code, first, run->today, &posted, e))
        return fail(e, "revenue");
    int64_t gap = target + posted; /* revenue is -posted */
    demo_clock(run, run->today, 22, 30);
    for (int round = 0; round < 3 && gap > 9000; round++) {
        int hospital = -1;
        for (size_t h = 0; h < d->hospital_count && hospital < 0; h++)
            if (d->hospitals[h].center == c)
                hospital = (int)h;
        /* the exact routine price of each product at that hospital */
        int64_t price[PRODUCTS];
        char today[DATE_TEXT_MAX];
        day_text(run->today, today);
        for (int p = 0; p < PRODUCTS; p++) {
            contract_quote_input in = {.hospital = d->hospitals[hospital].code, .date = today,
                                       .product = products[p].code};
            json_t *out = NULL;
            if (contract_quote(&run->ctx, &in, &out, e))
                return fail(e, "quote");
            price[p] = cents_of(json_object_get(out, "price"), "total");
            json_decref(out);
        }
        int64_t ship_time = (int64_t)run->today * 86400 + 23 * 3600;
        int *candidates = malloc((d->shelf_count[c] + 1) * sizeof(int));
        size_t n = 0;
        for (size_t i = 0; i < d->shelf_count[c]; i++) {
            unit_rec *u = &d->units[d->shelf[c][i]];
            if (u->state == U_READY && u->expires > ship_time + 3 * 3600)
                candidates[n++] = d->shelf[c][i];
        }
        /* dearest first, then first expiring */
        sort_units = d->units;
        qsort(candidates, n, sizeof(int), expiry_compare_global);
        int *chosen = malloc((n + 1) * sizeof(int));
        size_t count = 0;
        int64_t left = gap;
        for (int pass = 0; pass < 3 && left > 5000; pass++) {
            int family = pass == 0 ? FAM_PLT : pass == 1 ? FAM_RBC : FAM_PLASMA;
            for (size_t i = 0; i < n && left > 5000; i++) {
                unit_rec *u = &d->units[candidates[i]];
                if (products[(int)u->product].family != family || u->state != U_READY)
                    continue;
                int64_t p = price[(int)u->product];
                if (p <= 0 || p > left + 9000)
                    continue;
                chosen[count++] = candidates[i];
                left -= p;
            }
        }
        int rc = ship_units(run, 22, chosen, count, NULL, 0, hospital, 0, e);
        free(candidates);
        free(chosen);
        if (rc)
            return -1;
        if (demo_posted(run, "4000", centers[c].code, first, run->today, &posted, e))
            return fail(e, "revenue");
        gap = target + posted;
        if (!count)
            break;
    }
    if (gap > 10000 || gap < -10000)
        fprintf(stderr, "demo products: %s %dQ%d revenue %lld.%02lld short of its target\n",
                centers[c].code, q.year, q.quarter, (long long)(gap / 100),
                (long long)llabs(gap % 100));
    /* the cost: what is left is the overhead of the center's last month */
    int64_t cost = 0;
    if (demo_posted(run, "5000", centers[c].code, first, run->today, &cost, e))
        return fail(e, "cost");
    int64_t rest = demo_target(run, "5000", centers[c].code, q) - cost;
    if (rest < 0)
        return err_set(e, ERR_INTERNAL, NULL,
                       "products: %s's cost of %dQ%d passed its target by %lld cents",
                       centers[c].code, q.year, q.quarter, (long long)-rest);
    demo_clock(run, run->today, 23, 30);
    return overhead_post(run, c, run->today, rest, e);
}

/* A closing center: what is left on its shelves is discarded, then it
 * closes. */
static int center_shut(demo_run *run, int c, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 23, 40);
    for (size_t i = 0; i < d->shelf_count[c]; i++) {
        unit_rec *u = &d->units[d->shelf[c][i]];
        if (u->state == U_GONE)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)u->id);
        json_t *out = NULL;
        if (unit_discard(&run->ctx, id, "center closed: restructuring plan", &out, e))
            return fail(e, "discard");
        json_decref(out);
        demo_events(run, 1);
        u->state = U_GONE;
    }
    char day[DATE_TEXT_MAX];
    json_t *out = NULL;
    if (center_close(&run->ctx, centers[c].code, day_text(run->today, day), "restructuring plan",
                     &out, e))
        return fail(e, "center close");
    json_decref(out);
    demo_events(run, 1);
    d->closed[c] = 1;
    return 0;
}

/* ---- the day's other business ---- */

static int renewals(demo_run *run, err *e)
{
    demo_products *d = run->products;
    int year, month, dom;
    date_to_ymd(run->today, &year, &month, &dom);
    if (dom != 1)
        return 0;
    for (size_t h = 0; h < d->hospital_count; h++) {
        hospital_rec *r = &d->hospitals[h];
        int64_t increase = 0;
        if (year == 2003 && month == r->renew_month)
            increase = r->increase_2003;
        else if (year == 2004 && month == 1)
            increase = r->increase_2004;
        if (!increase || (d->closed[r->center]))
            continue;
        char text[48], from[DATE_TEXT_MAX];
        snprintf(text, sizeof text, "%lld.%02lld", (long long)(increase / 100),
                 (long long)(increase % 100));
        json_t *out = NULL;
        if (contract_renew(&run->ctx, r->contract, day_text(run->today, from), text, &out, e))
            return fail(e, "contract renewal");
        snprintf(r->contract, sizeof r->contract, "%lld",
                 (long long)json_integer_value(json_object_get(out, "id")));
        json_decref(out);
        demo_events(run, 1);
    }
    return 0;
}

/* Now and then a hospital sends a unit back: red cells or plasma kept
 * cold come back to the shelf and are credited; a platelet bag with its
 * seal broken is discarded. */
static int returns_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    quarter q = quarter_of(run->today);
    if (run->today > date_add_days(quarter_last_day(q), -7) || !d->recent_count ||
        !demo_rng_chance(&d->rng, 250000))
        return 0;
    size_t size = d->recent_count < 256 ? d->recent_count : 256;
    shipped_rec *s = &d->recent[demo_rng_below(&d->rng, (int64_t)size)];
    if (s->day < date_add_days(run->today, -3) || s->day >= run->today || d->closed[s->center] ||
        (d->close_day[s->center] && d->close_day[s->center] < date_add_days(run->today, 10)))
        return 0;
    int index = unit_find(d, s->unit_id);
    if (index < 0 || d->units[index].state != U_GONE)
        return 0;
    if (s->family == FAM_PLT) /* a double bag shares its DIN and product: not these */
        return 0;
    int kept = demo_rng_chance(&d->rng, 650000);
    char id_text[24], day[DATE_TEXT_MAX];
    (void)id_text;
    donation_rec *don = &d->donations[d->units[index].donation];
    return_input in = {.din = don->din, .product = products[(int)d->units[index].product].code,
                       .hospital = d->hospitals[s->hospital].code,
                       .date = day_text(run->today, day),
                       .temperature = family_temperature[s->family],
                       .seal = kept ? "intact" : "broken", .minutes_out = kept ? "10" : "45"};
    demo_clock(run, run->today, 12, 30);
    json_t *out = NULL;
    if (return_record(&run->ctx, &in, &out, e))
        return fail(e, "return");
    demo_events(run, 1);
    int released = strcmp(text_of(out, "outcome"), "released") == 0;
    d->revenue[s->center] -= cents_of(out, "credit");
    json_decref(out);
    s->day = 0; /* not again */
    if (released) {
        d->units[index].state = U_RELEASED;
        d->units[index].picked = 0;
        int listed = 0;
        for (size_t i = 0; i < d->shelf_count[s->center] && !listed; i++)
            listed = d->shelf[s->center][i] == index;
        if (!listed)
            shelf_add(d, s->center, index);
    }
    return 0;
}

static int expiry_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 13, 0);
    json_t *out = NULL;
    if (unit_expiry_sweep(&run->ctx, NULL, &out, e))
        return fail(e, "expiry sweep");
    demo_events(run, 1);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(out, "units"), i, u) {
        int index = unit_find(d, (int64_t)json_integer_value(json_object_get(u, "id")));
        if (index >= 0)
            d->units[index].state = U_GONE;
    }
    json_decref(out);
    return 0;
}

/* The overhead of months that do not end a center's quarter: a share of
 * what the plan leaves beside the units' cost. */
static int overheads_month(demo_run *run, err *e)
{
    demo_products *d = run->products;
    int year, month, dom;
    date_to_ymd(run->today, &year, &month, &dom);
    if (dom != date_days_in_month(year, month))
        return 0;
    quarter q = quarter_of(run->today);
    for (int c = 0; c < CENTERS; c++) {
        civil_day last = center_last_day(d, c, q);
        if (!last || last <= run->today || d->closed[c])
            continue;
        int64_t cost = demo_target(run, "5000", centers[c].code, q);
        int64_t revenue = demo_target(run, "4000", centers[c].code, q);
        int64_t overhead = cost - revenue * 70 / 100;
        if (overhead <= 0)
            continue;
        overhead = overhead * 28 / 100 / 100000 * 100000; /* whole thousands */
        demo_clock(run, run->today, 23, 30);
        if (overhead_post(run, c, run->today, overhead, e))
            return -1;
    }
    return 0;
}

/* The last evening: a few hospitals call for tomorrow, and their orders
 * wait on the open-orders board. */
static int orders_open_at_end(demo_run *run, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 23, 50);
    for (size_t h = 0; h < d->hospital_count; h++) {
        if (d->closed[d->hospitals[h].center] || demo_rng_chance(&d->rng, 500000))
            continue;
        order_plan o = {.hospital = (int)h, .family = (int)demo_rng_below(&d->rng, 2),
                        .as_group = -1};
        o.counts[0] = (int)demo_rng_between(&d->rng, 2, 6);
        o.counts[2] = (int)demo_rng_between(&d->rng, 1, 4);
        if (order_create_plan(run, &o, e))
            return -1;
    }
    return 0;
}

/* ---- the part's entry points ---- */

int demo_products_setup(demo_run *run, err *e)
{
    demo_products *d = calloc(1, sizeof *d);
    if (!d)
        return err_set(e, ERR_INTERNAL, NULL, "products: out of memory");
    run->products = d;
    demo_rng_seed(&d->rng, run->seed, 1);
    for (int p = 0; p < PRODUCTS; p++)
        d->estimate[p] = products[p].estimate;
    if (setup_registry(run, e) || setup_hospitals(run, e))
        return -1;
    /* the last week of 2002: the shelves fill before the books open */
    civil_day today = run->today;
    for (civil_day day = date_add_days(today, -8); day <= today; day++) {
        run->today = day;
        demo_clock(run, day, 14, 0);
        if (test_day(run, day, e) || collect_day(run, day, e)) {
            run->today = today;
            return -1;
        }
    }
    run->today = today;
    return 0;
}

int demo_products_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    quarter q = quarter_of(run->today);
    if (run->today == quarter_first_day(q))
        memset(d->revenue, 0, sizeof d->revenue);
    demo_clock(run, run->today, 12, 0);
    if (renewals(run, e) || returns_day(run, e) || expiry_day(run, e))
        return -1;
    demo_clock(run, run->today, 14, 0);
    if (test_day(run, run->today, e) || ship_day(run, e) || collect_day(run, run->today, e) ||
        overheads_month(run, e))
        return -1;
    /* a center that closes before the quarter's end closes its books now */
    for (int c = 0; c < CENTERS; c++)
        if (!d->closed[c] && d->close_day[c] == run->today &&
            run->today != quarter_last_day(q)) {
            if (center_finish(run, c, q, e) || center_shut(run, c, e))
                return -1;
        }
    if (run->today % 7 == 0)
        shelf_compact(d);
    if (run->today == run->through)
        return orders_open_at_end(run, e);
    return 0;
}

int demo_products_quarter_end(demo_run *run, quarter q, err *e)
{
    demo_products *d = run->products;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c] || center_last_day(d, c, q) != run->today ||
            demo_target(run, "4000", centers[c].code, q) <= 0)
            continue;
        if (center_finish(run, c, q, e))
            return -1;
        if (d->close_day[c] == run->today && center_shut(run, c, e))
            return -1;
    }
    return 0;
}

void demo_products_free(demo_run *run)
{
    demo_products *d = run->products;
    if (!d)
        return;
    free(d->units);
    free(d->donations);
    free(d->donors);
    free(d->hospitals);
    free(d->untested);
    plans_free(d->ahead, d->ahead_count);
    for (int c = 0; c < CENTERS; c++)
        free(d->shelf[c]);
    free(d);
    run->products = NULL;
}
