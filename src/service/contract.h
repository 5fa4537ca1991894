/*
 * contract.h - hospitals' supply contracts (docs/distribution.md,
 * "Contracts and pricing"): versions per hospital with their days in
 * force and return policy, prices per product code or per family,
 * surcharges, renewals as new versions, and the price of a unit under the
 * version in force on a day. Amounts are dollar text ("125.00"), percents
 * text ("2.50"). The one writer of contracts, contract_prices and
 * contract_surcharges.
 */
#ifndef BLOODOPS_SERVICE_CONTRACT_H
#define BLOODOPS_SERVICE_CONTRACT_H

#include "domain/distribution.h"
#include "service/service.h"

typedef struct {
    const char *hospital;      /* hospital code */
    const char *from, *to;     /* YYYY-MM-DD; to NULL or "": open-ended */
    const char *return_days;   /* whole days, with return_credit (both or neither) */
    const char *return_credit; /* percent of the price, 0..100 */
} contract_input;

/* A new version of the hospital's contract: its days may not overlap
 * another version's (refused naming "from"). */
int contract_add(service_context *ctx, const contract_input *in, json_t **out, err *e);
/* Set the price of a product code (`product`) or of a family (`family`),
 * exactly one of them, on the contract `contract` (its id). */
int contract_price_set(service_context *ctx, const char *contract, const char *product,
                       const char *family, const char *price, json_t **out, err *e);
/* Set the surcharge `kind` (surcharge_kind_parse) of the contract. */
int contract_surcharge_set(service_context *ctx, const char *contract, const char *kind,
                           const char *price, json_t **out, err *e);
/* Renew the hospital's latest version as a new one in force from `from`
 * (open-ended), every price and surcharge raised by `increase` percent
 * (NULL or "": unchanged) rounded half up to the cent; the version renewed
 * ends the day before. */
int contract_renew(service_context *ctx, const char *contract, const char *from,
                   const char *increase, json_t **out, err *e);
/* A version with its prices and surcharges. */
int contract_get(service_context *ctx, const char *contract, json_t **out, err *e);

typedef struct {
    const char *hospital; /* a hospital's code, or NULL */
    service_page page;    /* sort by hospital, version, effective_from, effective_to */
} contract_filter;
int contract_list(service_context *ctx, contract_filter *filter, json_t **out, err *e);

typedef struct {
    const char *hospital, *date;
    const char *product;         /* a product code: priced when given */
    int washed, stat, after_hours; /* what the catalog does not say, and the delivery */
} contract_quote_input;

/* The version of `hospital` in force on `date` ({"contract": version}), and
 * with a product the unit's price under it ({"price": {base, by, surcharges,
 * total}}). None in force: ERR_INVALID naming "date", the hospital and the
 * day in the message. */
int contract_quote(service_context *ctx, const contract_quote_input *in, json_t **out, err *e);

/* Inside the caller's transaction (a shipment): the id of the version of
 * hospital `hospital_id` (code `hospital`) in force on `day`, refused as
 * contract_quote refuses it (naming "date", with the hospital and day). */
int contract_in_force_in(db_conn *db, int64_t hospital_id, const char *hospital, civil_day day,
                         int64_t *contract_id, err *e);
/* The price of a unit of product `product` under version `contract_id`,
 * delivered as `stat` and `after_hours` say; refused naming "product" when
 * the version prices neither the product nor its family. */
int contract_unit_price_in(db_conn *db, int64_t contract_id, const char *product, int stat,
                           int after_hours, unit_price *price, err *e);

#endif
