/*
 * demo_services_internal.h - what the two files of the services part of
 * the demo company share: its state (hospitals, nurses, courses of
 * procedures, trial sites, management contracts), its constants and the
 * functions one calls in the other. demo_services.c holds the standing
 * data, apheresis and the part's entry points; demo_services_contracts.c
 * the management contracts, the clinical trial and the segment's costs.
 */
#ifndef BLOODOPS_DEMO_DEMO_SERVICES_INTERNAL_H
#define BLOODOPS_DEMO_DEMO_SERVICES_INTERNAL_H

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

#define SERVICES_PASSWORD "demo-nurse-2003"
/* The most procedures a day's apheresis or a quarter's close plans at
 * once, per unit of scale (the nurses and hospitals grow with the scale). */
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
    int64_t procedure; /* its record, once recorded */
    int late;          /* its reaction is charted by an amendment, once signed */
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
    /* The working space of a day's or a close's plan: plan_max procedures
     * planned and courses due (NEEDS_MAX times the scale, from the setup). */
    planned *plan;
    int *due;
    size_t plan_max;
};

enum { SITE_SEEDS = 45 };

/* ---- shared by demo_services.c and demo_services_contracts.c ---- */

/* Prefix e's message with "services: WHAT: "; returns -1. */
int svc_fail(err *e, const char *what);
int64_t svc_json_id(const json_t *o);
void svc_id_text(int64_t id, char out[24]);
void svc_dollars_text(int64_t cents, char *out, size_t size);
civil_day svc_day_of(int y, int m, int d);
/* The share (thousandths, of *total) of quarter q's pace done by `day`. */
int64_t svc_pace_share(quarter q, civil_day day, int64_t *total);
int svc_market_ensure(demo_run *run, const char *code, const char *name, const char *zone,
                      err *e);
int svc_hospital_ensure(demo_run *run, const char *code, const char *name, const char *market,
                        err *e);
int svc_user_make(demo_run *run, const char *username, const char *full_name, const char *roles,
                  const char *markets, err *e);
/* A new patient at hospital h with an order of type t: a course due today,
 * its index in *index. */
int svc_course_open(demo_run *run, demo_services *s, int h, int t, int investigational,
                    int stat_first, int *index, err *e);
/* Place today's procedure of course c on a free nurse: 1 when none is. */
int svc_place(demo_run *run, demo_services *s, int c, int stat, int evening, int aborted,
              planned *p, err *e);
/* Book, record and sign the planned procedures. */
int svc_perform(demo_run *run, demo_services *s, planned *plan, size_t count, err *e);

/* demo_services_contracts.c */
int svc_management_setup(demo_run *run, demo_services *s, err *e);
int svc_management_month_end(demo_run *run, demo_services *s, err *e);
int svc_management_terminations(demo_run *run, demo_services *s, err *e);
int svc_trial_setup(demo_run *run, demo_services *s, err *e);
int svc_trial_day(demo_run *run, demo_services *s, err *e);
int svc_trial_enrol(demo_run *run, demo_services *s, err *e);
int svc_costs_month_end(demo_run *run, demo_services *s, err *e);
int svc_close_4300(demo_run *run, demo_services *s, quarter q, err *e);
int svc_close_4200(demo_run *run, demo_services *s, quarter q, err *e);
int svc_close_5100(demo_run *run, quarter q, err *e);

#endif
