-- 017_distribution.sql - supply contracts with hospitals (docs/distribution.md):
-- versions per hospital with their days in force and return policy, their
-- prices per product code or per family, and their surcharges.

-- One version of a hospital's supply contract. Versions of one hospital
-- never share a day (checked by the service); a renewal is a new version
-- (renewed_from names the one it renews), the version before it ending the
-- day before. effective_to NULL: open-ended. The return policy: a return
-- is credited within return_days of shipment at return_credit_hundredths
-- of a percent of the price (10000 = 100 %), only with the cold chain kept.
CREATE TABLE contracts (
    id                       INTEGER PRIMARY KEY,
    hospital_id              INTEGER NOT NULL REFERENCES hospitals (id),
    version                  INTEGER NOT NULL,
    effective_from           TEXT NOT NULL,
    effective_to             TEXT,
    return_days              INTEGER NOT NULL DEFAULT 0,
    return_credit_hundredths INTEGER NOT NULL DEFAULT 0,
    renewed_from             INTEGER REFERENCES contracts (id),
    increase_hundredths      INTEGER NOT NULL DEFAULT 0,
    created_at               TEXT NOT NULL,
    created_by               TEXT NOT NULL,
    UNIQUE (hospital_id, version)
);
CREATE INDEX contracts_hospital_from ON contracts (hospital_id, effective_from);

-- A price of a version: target 'product' (code = a product code) or
-- 'family' (code = a product family). Setting it again replaces it.
CREATE TABLE contract_prices (
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    target      TEXT NOT NULL,
    code        TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    PRIMARY KEY (contract_id, target, code)
);

-- A surcharge of a version, one of a fixed set of kinds.
CREATE TABLE contract_surcharges (
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    kind        TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    PRIMARY KEY (contract_id, kind)
);
