/*
 * demo_products_orders.c - the products part of the demo company (demo.h,
 * demo_products.c): the release of the day's units under one signature,
 * the hospitals' orders (today's, and tomorrow's allocated ahead), their
 * allocation and shipments, the units chosen for each center's share of
 * its quarter, returns, the contracts' renewals and the orders left open
 * at the end.
 */
#include "demo/demo_products_internal.h"

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
            dp_fail(e, "release");
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
int dp_order_create_plan(demo_run *run, order_plan *o, err *e)
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
        return dp_fail(e, "order");
    snprintf(o->id, sizeof o->id, "%lld",
             (long long)json_integer_value(json_object_get(out, "id")));
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
            return dp_fail(e, "order line");
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
        return dp_fail(e, "allocation");
    demo_events(run, 1);
    size_t cap = 0, expires_cap = 0, i, k;
    json_t *line, *a;
    json_array_foreach(json_object_get(out, "lines"), i, line)
        json_array_foreach(json_object_get(line, "allocations"), k, a) {
            o->dins = dp_grow(o->dins, &cap, o->din_count + 1, sizeof *o->dins);
            o->expires = dp_grow(o->expires, &expires_cap, o->din_count + 1, sizeof *o->expires);
            err ignored;
            o->expires[o->din_count] = 0;
            timestamp_parse(dp_text_of(a, "expires_at"), &o->expires[o->din_count], "expires_at",
                            &ignored);
            snprintf(o->dins[o->din_count++], sizeof o->dins[0], "%s", dp_text_of(a, "din"));
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
            dp_fail(e, "shipment");
            break;
        }
        demo_events(run, 1);
        json_t *u;
        json_array_foreach(json_object_get(out, "units"), i, u) {
            int64_t id = (int64_t)json_integer_value(json_object_get(u, "unit"));
            int64_t price = dp_cents_of(u, "price");
            int index = dp_unit_find(d, id);
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
        if (dp_order_create_plan(run, &plans[p], e))
            return -1;
    return 0;
}

void dp_plans_free(order_plan *plans, size_t count)
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
int dp_ship_units(demo_run *run, int hour, int *chosen, size_t count, int *ahead,
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
    dp_plans_free(plans, plan_count);
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
    dp_plans_free(d->ahead, d->ahead_count);
    d->ahead = NULL;
    d->ahead_count = 0;
    return rc;
}

/* ---- the day's choice of units ---- */

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
            *chosen = dp_grow(*chosen, cap, *count + 1, sizeof(int));
            (*chosen)[(*count)++] = index;
            u->picked = 1;
            taken += d->estimate[(int)u->product];
        } else if (u->state == U_READY) {
            int f = products[(int)u->product].family;
            lists[f][sizes[f]++] = index;
        }
    }
    for (int f = 0; f < FAMILIES; f++)
        dp_sort_by_expiry(d, lists[f], sizes[f]);
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
            *chosen = dp_grow(*chosen, cap, *count + 1, sizeof(int));
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
int dp_ship_day(demo_run *run, err *e)
{
    demo_products *d = run->products;
    if (d->ahead_count)
        return ship_ahead(run, e);
    quarter q = quarter_of(run->today);
    civil_day tomorrow = date_add_days(run->today, 1);
    int ahead_ok = tomorrow <= run->through && quarter_of(tomorrow).quarter == q.quarter &&
                   tomorrow != quarter_last_day(q);
    /* Nothing is allocated ahead around a closing: the closing center
     * clears its shelves tonight. */
    for (int c = 0; c < CENTERS; c++)
        if (d->close_day[c] == tomorrow || d->close_day[c] == run->today)
            ahead_ok = 0;
    int *chosen = NULL, *ahead = NULL;
    size_t count = 0, cap = 0, ahead_count = 0, ahead_cap = 0;
    for (int c = 0; c < CENTERS; c++) {
        if (d->closed[c])
            continue;
        civil_day last = dp_center_last_day(d, c, q);
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
    int rc = dp_ship_units(run, 15, chosen, count, ahead, ahead_count, -1, 1, e);
    free(chosen);
    free(ahead);
    return rc;
}

int dp_renewals(demo_run *run, err *e)
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
        if (contract_renew(&run->ctx, r->contract, dp_day_text(run->today, from), text, &out, e))
            return dp_fail(e, "contract renewal");
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
int dp_returns_day(demo_run *run, err *e)
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
    int index = dp_unit_find(d, s->unit_id);
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
                       .date = dp_day_text(run->today, day),
                       .temperature = family_temperature[s->family],
                       .seal = kept ? "intact" : "broken", .minutes_out = kept ? "10" : "45"};
    demo_clock(run, run->today, 12, 30);
    json_t *out = NULL;
    if (return_record(&run->ctx, &in, &out, e))
        return dp_fail(e, "return");
    demo_events(run, 1);
    int released = strcmp(dp_text_of(out, "outcome"), "released") == 0;
    d->revenue[s->center] -= dp_cents_of(out, "credit");
    json_decref(out);
    s->day = 0; /* not again */
    if (released) {
        d->units[index].state = U_RELEASED;
        d->units[index].picked = 0;
        int listed = 0;
        for (size_t i = 0; i < d->shelf_count[s->center] && !listed; i++)
            listed = d->shelf[s->center][i] == index;
        if (!listed)
            dp_shelf_add(d, s->center, index);
    }
    return 0;
}

/* The last evening: a few hospitals call for tomorrow, and their orders
 * wait on the open-orders board. */
int dp_release_all_ready(demo_run *run, err *e)
{
    demo_products *d = run->products;
    demo_clock(run, run->today, 23, 55);
    int *ready = malloc((d->unit_count + 1) * sizeof *ready);
    size_t count = 0;
    for (int c = 0; c < CENTERS; c++)
        for (size_t i = 0; !d->closed[c] && i < d->shelf_count[c]; i++)
            if (d->units[d->shelf[c][i]].state == U_READY)
                ready[count++] = d->shelf[c][i];
    int rc = release_units(run, ready, count, e);
    free(ready);
    return rc;
}

int dp_orders_open_at_end(demo_run *run, err *e)
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
        if (dp_order_create_plan(run, &o, e))
            return -1;
    }
    return 0;
}
