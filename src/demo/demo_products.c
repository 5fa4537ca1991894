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
#include "demo/demo_products_internal.h"

/* ---- the fixed data ---- */

static const struct {
    const char *code, *name, *zone;
} markets[] = {
    {"LA", "Los Angeles", "America/Los_Angeles"}, {"NY", "New York", "America/New_York"},
    {"NH", "New Hampshire", "America/New_York"},  {"PA", "Pennsylvania", "America/New_York"},
    {"NC", "North Carolina", "America/New_York"}, {"TN", "Tennessee", "America/Chicago"},
    {"IL", "Illinois", "America/Chicago"},
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


/* ---- small helpers ---- */

int dp_fail(err *e, const char *what)
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

void *dp_grow(void *items, size_t *cap, size_t need, size_t size)
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

const char *dp_text_of(json_t *object, const char *key)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text ? text : "";
}

int64_t dp_cents_of(json_t *object, const char *key)
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

const char *dp_day_text(civil_day day, char out[DATE_TEXT_MAX])
{
    return date_format(day, out, DATE_TEXT_MAX);
}

civil_day dp_day_of(const char *text)
{
    civil_day day = 0;
    err ignored;
    date_parse(text, &day, "date", &ignored);
    return day;
}

int dp_product_index(const char *code)
{
    for (int p = 0; p < PRODUCTS; p++)
        if (strcmp(products[p].code, code) == 0)
            return p;
    return -1;
}

int dp_unit_find(demo_products *d, int64_t id)
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

void dp_shelf_add(demo_products *d, int center, int unit)
{
    d->shelf[center] = dp_grow(d->shelf[center], &d->shelf_cap[center], d->shelf_count[center] + 1,
                            sizeof(int));
    d->shelf[center][d->shelf_count[center]++] = unit;
}

/* Drop the units gone from the shelves' lists. */
void dp_shelf_compact(demo_products *d)
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
civil_day dp_center_last_day(demo_products *d, int c, quarter q)
{
    civil_day last = quarter_last_day(q);
    if (d->close_day[c] && d->close_day[c] < last)
        last = d->close_day[c];
    return last < quarter_first_day(q) ? 0 : last;
}

int64_t dp_estimate_avg(demo_products *d, int family)
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

static unit_rec *sort_units;
static int expiry_compare(const void *a, const void *b)
{
    const unit_rec *x = &sort_units[*(const int *)a], *y = &sort_units[*(const int *)b];
    if (x->expires != y->expires)
        return x->expires < y->expires ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void dp_sort_by_expiry(demo_products *d, int *indices, size_t count)
{
    sort_units = d->units;
    qsort(indices, count, sizeof(int), expiry_compare);
}

/* ---- setup ---- */

static int setup_registry(demo_run *run, err *e)
{
    demo_products *d = run->products;
    json_t *out = NULL;
    if (company_set(&run->ctx, "Demo Blood Services", &out, e))
        return dp_fail(e, "company");
    json_decref(out);
    demo_events(run, 1);
    for (size_t i = 0; i < sizeof markets / sizeof markets[0]; i++) {
        market_input in = {.code = markets[i].code, .name = markets[i].name,
                           .time_zone = markets[i].zone};
        if (market_add(&run->ctx, &in, &out, e))
            return dp_fail(e, "market");
        json_decref(out);
        demo_events(run, 1);
    }
    for (int c = 0; c < CENTERS; c++) {
        center_input in = {.code = centers[c].code, .name = centers[c].name,
                           .market = centers[c].market, .fin = centers[c].fin,
                           .address = centers[c].address, .open_date = centers[c].opened};
        if (center_add(&run->ctx, &in, &out, e))
            return dp_fail(e, "center");
        json_decref(out);
        demo_events(run, 1);
        d->close_day[c] = centers[c].closes ? dp_day_of(centers[c].closes) : 0;
    }
    FILE *csv = fmemopen((void *)catalog_csv, strlen(catalog_csv), "r");
    if (!csv)
        return err_set(e, ERR_INTERNAL, NULL, "products: cannot read the catalog");
    int rc = catalog_import(&run->ctx, csv, "catalog-demo.csv", &out, e);
    fclose(csv);
    json_decref(out);
    if (rc)
        return dp_fail(e, "catalog");
    demo_events(run, 1);
    user_input lab = {.username = LAB_USER, .full_name = "Demo Laboratory (products)",
                      .roles = "lab", .password = LAB_PASSWORD,
                      .hash_cost = AUTH_HASH_DEMO_STAFF};
    char generated[AUTH_TOKEN_TEXT];
    if (user_add(&run->ctx, &lab, generated, &out, e))
        return dp_fail(e, "lab user");
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
        return dp_fail(e, "contract price");
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
                return dp_fail(e, "hospital");
            json_decref(out);
            demo_events(run, 1);
            contract_input cin = {.hospital = h->code, .from = "2002-07-01", .return_days = "7",
                                  .return_credit = "100"};
            if (contract_add(&run->ctx, &cin, &out, e))
                return dp_fail(e, "contract");
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
                    return dp_fail(e, "contract surcharge");
                json_decref(out);
                demo_events(run, 1);
            }
            h->renew_month = 4 + 3 * (int)demo_rng_below(&d->rng, 3); /* April, July, October */
            h->increase_2003 = demo_rng_between(&d->rng, 250, 450);
            h->increase_2004 = demo_rng_between(&d->rng, 300, 550);
        }
    return 0;
}

/* ---- the quarter's close for one center ---- */

static int shelves_clear(demo_run *run, int c, int family, const char *reason, err *e);

static int overhead_post(demo_run *run, int c, civil_day day, int64_t cents, err *e)
{
    if (cents <= 0)
        return 0;
    if (demo_entry(run, day, "Donor center staff and occupancy", "5000", "2100", centers[c].code,
                   cents, e))
        return dp_fail(e, "overhead entry");
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
        return dp_fail(e, "revenue");
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
        dp_day_text(run->today, today);
        for (int p = 0; p < PRODUCTS; p++) {
            contract_quote_input in = {.hospital = d->hospitals[hospital].code, .date = today,
                                       .product = products[p].code};
            json_t *out = NULL;
            if (contract_quote(&run->ctx, &in, &out, e))
                return dp_fail(e, "quote");
            price[p] = dp_cents_of(json_object_get(out, "price"), "total");
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
        dp_sort_by_expiry(d, candidates, n);
        int *chosen = malloc((n + 1) * sizeof(int));
        size_t count = 0;
        int64_t left = gap;
        /* A closing center sells what keeps longest first (its frozen
         * plasma would otherwise be thrown away), the others their dearest. */
        int closing = d->close_day[c] == run->today;
        for (int pass = 0; pass < 3 && left > 5000; pass++) {
            int family = pass == 1 ? FAM_RBC : (pass == 0) != closing ? FAM_PLT : FAM_PLASMA;
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
        int rc = dp_ship_units(run, 22, chosen, count, NULL, 0, hospital, 0, e);
        free(candidates);
        free(chosen);
        if (rc)
            return -1;
        if (demo_posted(run, "4000", centers[c].code, first, run->today, &posted, e))
            return dp_fail(e, "revenue");
        gap = target + posted;
        if (!count)
            break;
    }
    if (gap > 10000 || gap < -10000)
        fprintf(stderr, "demo products: %s %dQ%d revenue %lld.%02lld short of its target\n",
                centers[c].code, q.year, q.quarter, (long long)(gap / 100),
                (long long)llabs(gap % 100));
    /* A closing center's leftovers are discarded before its cost is
     * landed; a quarter before, the frozen plasma it stocked all year
     * (kept a year, ordered less than it is made), which it will not ship
     * before it closes. */
    if (d->close_day[c] == run->today &&
        shelves_clear(run, c, -1, "center closed: restructuring plan", e))
        return -1;
    if (d->close_day[c] > run->today && d->close_day[c] <= date_add_days(run->today, 92) &&
        shelves_clear(run, c, FAM_PLASMA,
                      "surplus plasma of a center closing next quarter: sent for destruction", e))
        return -1;
    /* the cost: what is left is the overhead of the center's last month */
    int64_t cost = 0;
    if (demo_posted(run, "5000", centers[c].code, first, run->today, &cost, e))
        return dp_fail(e, "cost");
    int64_t rest = demo_target(run, "5000", centers[c].code, q) - cost;
    if (rest < 0)
        return err_set(e, ERR_INTERNAL, NULL,
                       "products: %s's cost of %dQ%d passed its target by %lld cents",
                       centers[c].code, q.year, q.quarter, (long long)-rest);
    demo_clock(run, run->today, 23, 30);
    return overhead_post(run, c, run->today, rest, e);
}

/* Discard what is left on center c's shelves (of `family` only, or of
 * every family when it is -1): its cost goes to the cost of blood
 * products. */
static int shelves_clear(demo_run *run, int c, int family, const char *reason, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 23, 20);
    for (size_t i = 0; i < d->shelf_count[c]; i++) {
        unit_rec *u = &d->units[d->shelf[c][i]];
        if (u->state == U_GONE || (family >= 0 && products[(int)u->product].family != family))
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)u->id);
        json_t *out = NULL;
        if (unit_discard(&run->ctx, id, reason, &out, e))
            return dp_fail(e, "discard");
        json_decref(out);
        demo_events(run, 1);
        u->state = U_GONE;
    }
    return 0;
}

/* A closing center, its shelves cleared and its books landed, closes. */
static int center_shut(demo_run *run, int c, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 23, 40);
    char day[DATE_TEXT_MAX];
    json_t *out = NULL;
    if (center_close(&run->ctx, centers[c].code, dp_day_text(run->today, day), "restructuring plan",
                     &out, e))
        return dp_fail(e, "center close");
    json_decref(out);
    demo_events(run, 1);
    d->closed[c] = 1;
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
        civil_day last = dp_center_last_day(d, c, q);
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
        if (dp_test_day(run, day, e) || dp_collect_day(run, day, e)) {
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
    if (dp_renewals(run, e) || dp_returns_day(run, e) || dp_expiry_day(run, e))
        return -1;
    demo_clock(run, run->today, 14, 0);
    if (dp_test_day(run, run->today, e) || dp_ship_day(run, e) ||
        dp_collect_day(run, run->today, e) ||
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
        dp_shelf_compact(d);
    if (run->today == run->through)
        return dp_orders_open_at_end(run, e) ||
                       (run->today != quarter_last_day(q) && dp_release_all_ready(run, e))
                   ? -1
                   : 0;
    return 0;
}

int demo_products_quarter_end(demo_run *run, quarter q, err *e)
{
    demo_products *d = run->products;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c] || dp_center_last_day(d, c, q) != run->today ||
            demo_target(run, "4000", centers[c].code, q) <= 0)
            continue;
        if (center_finish(run, c, q, e))
            return -1;
        if (d->close_day[c] == run->today && center_shut(run, c, e))
            return -1;
    }
    return run->today == run->through ? dp_release_all_ready(run, e) : 0;
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
    dp_plans_free(d->ahead, d->ahead_count);
    for (int c = 0; c < CENTERS; c++) {
        free(d->shelf[c]);
        free(d->pool[c][0]);
        free(d->pool[c][1]);
    }
    free(d);
    run->products = NULL;
}
