-- 024_trials.sql - clinical-trial site services (docs/contract_services.md,
-- "Clinical-trial site services"): a device sponsor's contract, the sites
-- the company sets up and runs for it, their signed-off tasks, the
-- training log and what was billed to the sponsor under the contract's
-- cap. trial.c is the one writer of these tables.

-- A sponsor's contract. sponsor: a billing customer's code; protocols:
-- the protocol numbers as text (one a line); the revenue of a site is
-- posted under the site's market (market_id: the contract's, the default
-- of its sites). cap_cents: the most the sponsor is billed over the
-- contract; billed_cents: what it was billed so far, updated first in
-- every billing transaction so that bills of one contract follow one
-- another.
CREATE TABLE trial_contracts (
    id            INTEGER PRIMARY KEY,
    sponsor       TEXT NOT NULL,
    device        TEXT NOT NULL,
    protocols     TEXT NOT NULL DEFAULT '',
    market_id     INTEGER NOT NULL REFERENCES markets (id),
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    cap_cents     INTEGER NOT NULL CHECK (cap_cents > 0),
    billed_cents  INTEGER NOT NULL DEFAULT 0 CHECK (billed_cents >= 0 AND billed_cents <= cap_cents),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (end_date >= start_date)
);

-- The contract's fee per kind of billable work, in cents.
CREATE TABLE trial_fees (
    contract_id INTEGER NOT NULL REFERENCES trial_contracts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('setup', 'verification', 'training', 'procedure')),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    set_at      TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    PRIMARY KEY (contract_id, kind)
);

-- A site of a contract. status: planned, setting_up, verified, ready,
-- active, closed (the moves: docs/contract_services.md).
CREATE TABLE trial_sites (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES trial_contracts (id),
    name          TEXT NOT NULL,
    country       TEXT NOT NULL CHECK (country IN ('US', 'CA')),
    city          TEXT NOT NULL,
    investigator  TEXT NOT NULL,
    market_id     INTEGER NOT NULL REFERENCES markets (id),
    status        TEXT NOT NULL DEFAULT 'planned'
                  CHECK (status IN ('planned', 'setting_up', 'verified', 'ready', 'active', 'closed')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX trial_sites_contract ON trial_sites (contract_id, id);

-- What was billed to the sponsor: a signed-off task or an investigational
-- procedure (procedure_id: the apheresis procedure, billed once). price:
-- the fee; amount: what was billed (less than the fee for the line that
-- reaches the cap, with its note).
CREATE TABLE trial_bills (
    id               INTEGER PRIMARY KEY,
    contract_id      INTEGER NOT NULL REFERENCES trial_contracts (id),
    site_id          INTEGER NOT NULL REFERENCES trial_sites (id),
    kind             TEXT NOT NULL CHECK (kind IN ('setup', 'verification', 'training', 'procedure')),
    procedure_id     INTEGER UNIQUE REFERENCES apheresis_procedures (id),
    billed_on        TEXT NOT NULL,
    price_cents      INTEGER NOT NULL,
    amount_cents     INTEGER NOT NULL CHECK (amount_cents > 0),
    note             TEXT NOT NULL DEFAULT '',
    journal_entry_id INTEGER REFERENCES journal_entries (id),
    invoice_id       INTEGER REFERENCES invoices (id),
    invoice_line_id  INTEGER REFERENCES invoice_lines (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX trial_bills_contract ON trial_bills (contract_id, id);

-- A site's task signed off with an electronic signature (once per kind).
CREATE TABLE trial_tasks (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES trial_sites (id),
    kind        TEXT NOT NULL CHECK (kind IN ('setup', 'verification', 'training')),
    done_on     TEXT NOT NULL,
    signed_by   TEXT NOT NULL,
    signer_id   INTEGER NOT NULL,
    signed_at   TEXT NOT NULL,
    bill_id     INTEGER REFERENCES trial_bills (id),
    UNIQUE (site_id, kind)
);

-- The training log of a site.
CREATE TABLE trial_training (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES trial_sites (id),
    person      TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('investigator', 'nurse')),
    trained_on  TEXT NOT NULL,
    trainer     TEXT NOT NULL,
    topic       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX trial_training_site ON trial_training (site_id, id);
