/*
 * demo_plan.c - the figures the demo company's quarters must land on, by
 * account and center, in dollars at scale 1.
 *
 * They are the published results of the first quarters of 2003 and 2004
 * (docs/demo.md, "How it was calibrated") and the quarters between, chosen
 * so that the year 2003 tells the story of the releases: the eastern
 * centers closed by the restructuring plan, New York's apheresis falling,
 * the management contracts' fees, the insurance renewal of mid-2003 and the
 * bad-debt provision rising with the closed centers' receivables.
 *
 * Each part (demo.h) reads the rows it owns: products 4000 and 5000 by
 * donor center, services 4100 and 4300 by market, 4200 by management
 * contract market and 5100 for the segment as a whole, finance the G&A
 * natures, interest and tax.
 */
#include <string.h>
#include "demo/demo.h"

typedef struct {
    const char *account, *center;
    int64_t dollars[DEMO_QUARTERS]; /* 2003Q1, Q2, Q3, Q4, 2004Q1 */
} plan_row;

static const plan_row plan[] = {
    /* Blood products revenue and cost by donor center. Los Angeles and
     * Orange County are the ongoing centers; the restructuring plan closes
     * Memphis and Chicago on 2003-06-30, Philadelphia on 2003-09-30 and
     * Charlotte on 2004-01-31. */
    {"4000", "LA-01", {2500000, 2450000, 2600000, 2850000, 2900000}},
    {"4000", "OC-01", {1602000, 1580000, 1700000, 1900000, 1880000}},
    {"4000", "PA-01", {300000, 260000, 300000, 0, 0}},
    {"4000", "TN-01", {200000, 160000, 0, 0, 0}},
    {"4000", "NC-01", {244000, 250000, 320000, 300000, 65000}},
    {"4000", "IL-01", {100000, 80000, 0, 0, 0}},
    {"5000", "LA-01", {2200000, 2250000, 2330000, 2420000, 2400000}},
    {"5000", "OC-01", {1446000, 1460000, 1530000, 1660000, 1593000}},
    {"5000", "PA-01", {380000, 360000, 620000, 0, 0}},
    {"5000", "TN-01", {260000, 240000, 0, 0, 0}},
    {"5000", "NC-01", {283000, 295000, 380000, 330000, 65000}},
    {"5000", "IL-01", {115000, 95000, 0, 0, 0}},
    /* Blood services: therapeutic apheresis by market (New York falling),
     * the investigational procedures and site work of the clinical trial
     * from 2003Q3, the two management contracts (the hospital blood
     * center's in New Hampshire, the donor center's in Los Angeles), and
     * the segment's cost. */
    {"4100", "NY", {1000000, 950000, 890000, 860000, 805000}},
    {"4100", "LA", {585000, 560000, 520000, 472000, 494000}},
    {"4300", "NY", {0, 0, 30000, 40000, 45000}},
    {"4300", "LA", {0, 0, 20000, 25000, 30000}},
    {"4200", "NH", {262000, 263000, 264000, 264000, 352000}},
    {"4200", "LA", {138000, 139000, 139000, 139000, 165000}},
    {"5100", "", {1247000, 1250000, 1240000, 1230000, 1247000}},
    /* General and administrative expenses by nature, interest and tax. */
    {"6000", "", {600000, 610000, 620000, 600000, 610000}},
    {"6100", "", {40000, 45000, 60000, 90000, 164000}},
    {"6200", "", {120000, 150000, 185000, 188000, 189000}},
    {"6900", "", {225000, 285000, 416000, 211000, 221000}},
    {"7000", "", {1000, 2000, 2000, 1000, 1000}},
    {"8000", "", {6000, 0, 0, 0, 0}},
};

int demo_quarter_index(quarter q)
{
    int index = (q.year - 2003) * 4 + (q.quarter - 1);
    return index >= 0 && index < DEMO_QUARTERS ? index : -1;
}

int64_t demo_target(const demo_run *run, const char *account, const char *center, quarter q)
{
    int index = demo_quarter_index(q);
    if (index < 0)
        return 0;
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++)
        if (strcmp(plan[i].account, account) == 0 && strcmp(plan[i].center, center) == 0)
            return plan[i].dollars[index] * 100 * run->scale;
    return 0;
}

int64_t demo_target_total(const demo_run *run, const char *account, quarter q)
{
    int index = demo_quarter_index(q);
    int64_t total = 0;
    for (size_t i = 0; index >= 0 && i < sizeof plan / sizeof plan[0]; i++)
        if (strcmp(plan[i].account, account) == 0)
            total += plan[i].dollars[index];
    return total * 100 * run->scale;
}
