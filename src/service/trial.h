/*
 * trial.h - clinical-trial site services (docs/contract_services.md,
 * "Clinical-trial site services"): a device sponsor's contract with its
 * cap and fee schedule, the sites the company sets up for it, their tasks
 * signed off with an electronic signature, the training log, the
 * readiness board, and the billing to the sponsor that stops at the cap.
 * Each signed-off billable task or linked investigational procedure
 * posts unbilled receivables (1150) against clinical-trial revenue (4300)
 * under the site's market and adds a line to the sponsor's draft invoice,
 * in the transaction that signs or links it. The one writer of
 * trial_contracts, trial_fees, trial_sites, trial_tasks, trial_training
 * and trial_bills.
 */
#ifndef BLOODOPS_SERVICE_TRIAL_H
#define BLOODOPS_SERVICE_TRIAL_H

#include "service/service.h"

typedef struct {
    const char *sponsor;   /* a billing customer's or a hospital's code */
    const char *device;    /* the device under trial */
    const char *protocols; /* protocol numbers, one a line or comma-separated (optional) */
    const char *market;    /* default: the sponsor's market */
    const char *start, *end; /* YYYY-MM-DD, end on or after start */
    const char *cap;       /* dollars, above zero */
} trial_contract_input;

int trial_contract_add(service_context *ctx, const trial_contract_input *in, json_t **out,
                       err *e);
/* A contract with its fees, "billed", "cap", "headroom", its sites and
 * its bills (latest first). */
int trial_contract_get(service_context *ctx, const char *contract, json_t **out, err *e);
/* Every contract with billed, cap and headroom (latest first). */
int trial_contract_list(service_context *ctx, json_t **out, err *e);
/* Set the fee of `kind` (setup, verification, training, procedure):
 * dollars, zero or more. Answers the contract. */
int trial_fee_set(service_context *ctx, const char *contract, const char *kind,
                  const char *price, json_t **out, err *e);

typedef struct {
    const char *name, *country, *city, *investigator;
    const char *market; /* default: the contract's market */
} trial_site_input;

int trial_site_add(service_context *ctx, const char *contract, const trial_site_input *in,
                   json_t **out, err *e);
/* A site with its tasks, training log, bills and what it lacks. */
int trial_site_get(service_context *ctx, const char *site, json_t **out, err *e);

/* Sign off the site's task `kind` (setup, verification, training) done on
 * `date`, with the electronic signature of `signer` (password re-entered,
 * capability trials.write). Once per kind (refused naming "kind");
 * verification after set-up. A billable task (its fee above zero) is
 * billed in the same transaction: refused naming "date" after the
 * contract's end, naming "headroom" when the cap is reached. */
int trial_task_sign(service_context *ctx, const char *site, const char *kind, const char *date,
                    const char *signer, const char *password, json_t **out, err *e);

typedef struct {
    const char *person, *role, *date, *trainer, *topic;
} trial_training_input;

/* A training record of the site (role investigator or nurse). Answers the
 * site. */
int trial_train(service_context *ctx, const char *site, const trial_training_input *in,
                json_t **out, err *e);

/* Link the signed apheresis procedure `procedure` to the site as an
 * investigational procedure, billing the contract's procedure fee to the
 * sponsor under the cap (once per procedure). Answers the site. */
int trial_procedure_link(service_context *ctx, const char *site, const char *procedure,
                         json_t **out, err *e);

/* Every site of the contract with its status and what it lacks, filtered
 * by country (US, CA) and status; with the contract's billed, cap and
 * headroom. */
int trial_board(service_context *ctx, const char *contract, const char *country,
                const char *status, json_t **out, err *e);

#endif
