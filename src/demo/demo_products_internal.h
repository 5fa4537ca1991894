/*
 * demo_products_internal.h - what the files of the products part of the
 * demo company share (demo_products.c: the fixed data, the setup, the
 * quarter's close and the entry points; demo_products_chain.c: donors,
 * collections, the laboratory's results, expiries;
 * demo_products_orders.c: releases, orders, allocation, shipments,
 * returns, contract renewals).
 */
#ifndef BLOODOPS_DEMO_PRODUCTS_INTERNAL_H
#define BLOODOPS_DEMO_PRODUCTS_INTERNAL_H

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

/* The laboratory user who signs the releases. */
#define LAB_USER "lab.products"
#define LAB_PASSWORD "demo-lab-password-2003"

enum { CENTERS = 6 };
static const __attribute__((unused)) struct {
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


enum { FAM_PLT, FAM_RBC, FAM_PLASMA, FAMILIES };
static const __attribute__((unused)) char *family_names[FAMILIES] = {"platelets", "red_cells",
                                                                     "plasma"};
static const __attribute__((unused)) char *family_temperature[FAMILIES] = {"22.0", "4.0", "-25.0"};

enum { P_E0400, P_E0401, P_E0300, P_E0301, P_E0302, P_E0500, P_E0501, PRODUCTS };
static const __attribute__((unused)) struct {
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
static const __attribute__((unused)) char *abo_names[4] = {"O", "A", "B", "AB"};
static const __attribute__((unused)) int group_share[GROUPS] = {374, 66, 357, 63, 85, 15, 34, 6};

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

/* An order to be made: a hospital's units of one family, by group. */
typedef struct order_plan {
    int hospital, family, stat, routine;
    int counts[GROUPS];
    int as_group;      /* for a substitution order: the recipient's group */
    int64_t needed_by; /* 0: by the priority's clock from now */
    char id[24];
    char (*dins)[24];  /* what its allocation took */
    int64_t *expires;  /* and when each expires */
    size_t din_count;
} order_plan;

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
    /* The donors of each center and kind (whole blood, platelets) in the
     * order they came, and a day before which none of them who is not
     * deferred may give again (raised when a search finds nobody): a
     * donor is searched among their own center's and kind's, and not at
     * all on a day when none may give. */
    int *pool[CENTERS][2];
    size_t pool_count[CENTERS][2], pool_cap[CENTERS][2];
    civil_day pool_ready[CENTERS][2];
};


/* ---- helpers (demo_products.c) ---- */

/* Prefix err's message with "products: what: "; returns -1. */
int dp_fail(err *e, const char *what);
/* items grown to hold `need` (capacity in *cap); aborts when memory is out. */
void *dp_grow(void *items, size_t *cap, size_t need, size_t size);
const char *dp_text_of(json_t *object, const char *key);
/* A money member ("512.00") in cents. */
int64_t dp_cents_of(json_t *object, const char *key);
const char *dp_day_text(civil_day day, char out[DATE_TEXT_MAX]);
civil_day dp_day_of(const char *text);
int dp_product_index(const char *code);
/* The index of the unit of id `id` in d->units, -1 when not there. */
int dp_unit_find(demo_products *d, int64_t id);
void dp_shelf_add(demo_products *d, int center, int unit);
void dp_shelf_compact(demo_products *d);
civil_day dp_center_last_day(demo_products *d, int c, quarter q);
int64_t dp_estimate_avg(demo_products *d, int family);
/* Sort unit indices by expiry, then id. */
void dp_sort_by_expiry(demo_products *d, int *indices, size_t count);

/* ---- demo_products_chain.c ---- */

int dp_collect_day(demo_run *run, civil_day day, err *e);
int dp_test_day(demo_run *run, civil_day day, err *e);
int dp_expiry_day(demo_run *run, err *e);

/* ---- demo_products_orders.c ---- */

int dp_ship_units(demo_run *run, int hour, int *chosen, size_t count, int *ahead,
                  size_t ahead_count, int hospital, int substitute, err *e);
int dp_ship_day(demo_run *run, err *e);
void dp_plans_free(order_plan *plans, size_t count);
int dp_order_create_plan(demo_run *run, order_plan *o, err *e);
int dp_renewals(demo_run *run, err *e);
int dp_returns_day(demo_run *run, err *e);
/* The last evening the laboratory releases every unit it has tested, so
 * that the shelves the inventory shows are stocked (until then units are
 * released on the day they ship, so that each order takes the units
 * planned for it). */
int dp_release_all_ready(demo_run *run, err *e);
int dp_orders_open_at_end(demo_run *run, err *e);

#endif
