-- 023_apheresis_procedures.sql - therapeutic apheresis: the record of a
-- procedure performed under a physician's order, its signature and
-- amendments, the hospitals' apheresis contracts with their prices and
-- surcharges, and the rates and standard costs a procedure's cost is
-- worked from (docs/apheresis.md). Written only by
-- src/service/apheresis_procedure.c.

-- A procedure performed under order `order_id`. booking_id names the
-- scheduling module's booking it fulfils, when there is one (a plain
-- column: the coordinator links it). started_at/ended_at are UTC
-- timestamps; performed_on the hospital's local day of the start.
-- Vitals (before, after) and adverse events are JSON text checked by the
-- service. Volumes are whole mL, calcium whole mg. Outcome 'completed' or
-- 'aborted' (with abort_reason). status 'draft' until the nurse signs it;
-- then 'signed' and frozen, with what signing billed and posted.
CREATE TABLE apheresis_procedures (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES apheresis_orders (id),
    booking_id         INTEGER,
    started_at         TEXT NOT NULL,
    ended_at           TEXT NOT NULL,
    performed_on       TEXT NOT NULL,
    nurse              TEXT NOT NULL,
    device_serial      TEXT NOT NULL,
    kit_lot            TEXT NOT NULL,
    vitals_before      TEXT NOT NULL,
    vitals_after       TEXT NOT NULL,
    blood_processed_ml INTEGER NOT NULL CHECK (blood_processed_ml >= 0),
    plasma_removed_ml  INTEGER NOT NULL CHECK (plasma_removed_ml >= 0),
    albumin_vials      INTEGER NOT NULL CHECK (albumin_vials >= 0),
    plasma_units       INTEGER NOT NULL CHECK (plasma_units >= 0),
    saline_ml          INTEGER NOT NULL CHECK (saline_ml >= 0),
    anticoagulant_ml   INTEGER NOT NULL CHECK (anticoagulant_ml >= 0),
    ratio              TEXT,
    calcium_mg         INTEGER NOT NULL CHECK (calcium_mg >= 0),
    adverse_events     TEXT NOT NULL,
    stat               INTEGER NOT NULL DEFAULT 0 CHECK (stat IN (0, 1)),
    outcome            TEXT NOT NULL CHECK (outcome IN ('completed', 'aborted')),
    abort_reason       TEXT,
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at          TEXT,
    signed_by          TEXT,
    contract_id        INTEGER,
    surcharges         TEXT,
    price_cents        INTEGER,
    cost_cents         INTEGER,
    invoice_id         INTEGER,
    invoice_line_id    INTEGER,
    journal_entry_id   INTEGER,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL
);
CREATE INDEX apheresis_procedures_order ON apheresis_procedures (order_id, id);
CREATE INDEX apheresis_procedures_day ON apheresis_procedures (performed_on);

-- An amendment of a signed record: the reason, who and when, and the
-- record before and after (JSON text). The record keeps its signature.
CREATE TABLE apheresis_procedure_amendments (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES apheresis_procedures (id),
    reason       TEXT NOT NULL,
    before_json  TEXT NOT NULL,
    after_json   TEXT NOT NULL,
    amended_at   TEXT NOT NULL,
    amended_by   TEXT NOT NULL
);
CREATE INDEX apheresis_procedure_amendments_procedure
    ON apheresis_procedure_amendments (procedure_id, id);

-- A hospital's apheresis contract, in force from effective_from to
-- effective_to (inclusive; NULL: open). An aborted procedure is billed
-- abort_percent of its price.
CREATE TABLE apheresis_contracts (
    id             INTEGER PRIMARY KEY,
    hospital_id    INTEGER NOT NULL REFERENCES hospitals (id),
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    abort_percent  INTEGER NOT NULL CHECK (abort_percent BETWEEN 0 AND 100),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX apheresis_contracts_hospital ON apheresis_contracts (hospital_id, effective_from);

-- The contract's price of a procedure type, in cents.
CREATE TABLE apheresis_contract_prices (
    contract_id    INTEGER NOT NULL REFERENCES apheresis_contracts (id),
    procedure_type TEXT NOT NULL,
    price_cents    INTEGER NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (contract_id, procedure_type)
);

-- The contract's surcharges, each an amount in cents added to the price.
CREATE TABLE apheresis_contract_surcharges (
    contract_id  INTEGER NOT NULL REFERENCES apheresis_contracts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('after_hours', 'weekend', 'holiday', 'stat')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (contract_id, kind)
);

-- Standard costs an administrator sets: 'nurse_hour:MARKET' (a market's
-- nurse hour), 'kit:PROCEDURE_TYPE', 'albumin_vial', 'plasma_unit'.
CREATE TABLE apheresis_costs (
    item       TEXT PRIMARY KEY,
    cents      INTEGER NOT NULL CHECK (cents >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
