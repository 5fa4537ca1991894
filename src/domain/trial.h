/*
 * trial.h - the rules of clinical-trial site services
 * (docs/contract_services.md, "Clinical-trial site services"), pure
 * functions: the kinds of billable work, the readiness of a site (what it
 * still lacks) and the cap arithmetic of billing a sponsor.
 */
#ifndef BLOODOPS_DOMAIN_TRIAL_H
#define BLOODOPS_DOMAIN_TRIAL_H

#include <stdint.h>
#include "base/error.h"

/* What a fee is for: the three site tasks and an investigational
 * procedure. */
typedef enum { TRIAL_SETUP, TRIAL_VERIFICATION, TRIAL_TRAINING, TRIAL_PROCEDURE } trial_kind;

/* "setup", "verification", "training" or "procedure"; refused naming
 * `field`. `tasks_only`: "procedure" refused too (a site task). */
int trial_kind_parse(const char *text, int tasks_only, trial_kind *out, const char *field,
                     err *e);
const char *trial_kind_name(trial_kind kind);

/* What a site has done towards being ready. */
typedef struct {
    int set_up, verified, investigators_trained, nurses_trained;
} trial_site_facts;

enum {
    TRIAL_LACKS_SETUP = 1,
    TRIAL_LACKS_VERIFICATION = 2,
    TRIAL_LACKS_INVESTIGATOR = 4,
    TRIAL_LACKS_NURSE = 8,
};

/* What the site still lacks (TRIAL_LACKS_* bits); 0: ready. A site is
 * ready when set up, verified, and at least one investigator and one nurse
 * are trained. */
unsigned trial_site_lacks(const trial_site_facts *facts);
/* The name of one TRIAL_LACKS_* bit: "setup", "verification",
 * "trained_investigator", "trained_nurse". */
const char *trial_lack_name(unsigned bit);

/* The status a site's facts give, for a site not active or closed:
 * planned (nothing signed), setting_up (set up), verified (set up and
 * verified) or ready (the readiness rule holds). */
const char *trial_site_status(const trial_site_facts *facts);

/* Billing `price` cents to a contract with `cap` of which `billed` is
 * billed: *amount is what is billed, the price or the headroom left when
 * the price would pass the cap (*capped 1: the line reaching the cap).
 * Answers 0, or -1 when nothing is left (headroom zero) or the figures are
 * not a contract's (negative, billed above cap). A zero price bills
 * nothing (*amount 0). */
int trial_cap_bill(int64_t cap, int64_t billed, int64_t price, int64_t *amount, int *capped);

#endif
