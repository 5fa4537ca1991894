-- 021_management.sql - management contracts: the company runs a customer's
-- blood center or donor center for a fee that accrues per day of service
-- through the termination date, and is invoiced monthly in arrears
-- (docs/contract_services.md). management.c is the one writer of these
-- tables.

-- A contract. customer: a billing customer's code (a hospital's or another
-- customer's); kind: blood-center or donor-center; the revenue is posted
-- under market_id. term_months: the agreed term (NULL: none stated). Fees in
-- cents, each optional, at least one set: a monthly fixed fee prorated by
-- the days served, a fee per unit and one per procedure reported.
-- terminated_on: the last day of service (NULL: in force).
CREATE TABLE management_contracts (
    id                      INTEGER PRIMARY KEY,
    customer                TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('blood-center', 'donor-center')),
    market_id               INTEGER NOT NULL REFERENCES markets (id),
    start_date              TEXT NOT NULL,
    term_months             INTEGER CHECK (term_months IS NULL OR term_months > 0),
    monthly_fee_cents       INTEGER CHECK (monthly_fee_cents IS NULL OR monthly_fee_cents >= 0),
    per_unit_cents          INTEGER CHECK (per_unit_cents IS NULL OR per_unit_cents >= 0),
    per_procedure_cents     INTEGER CHECK (per_procedure_cents IS NULL OR per_procedure_cents >= 0),
    terminated_on           TEXT,
    termination_reason      TEXT,
    terminated_by           TEXT,
    created_at              TEXT NOT NULL,
    created_by              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX management_contracts_customer ON management_contracts (customer);

-- What a contract accrued for a month (period 'YYYY-MM'): the days served,
-- the amount, the journal entry (1150 against 4200 under the market) and
-- the line on the customer's invoice for the month. The key makes a month
-- accrued once, however many runs and at the same time.
CREATE TABLE management_accruals (
    id                  INTEGER PRIMARY KEY,
    contract_id         INTEGER NOT NULL REFERENCES management_contracts (id),
    period              TEXT NOT NULL,
    days_served         INTEGER NOT NULL,
    units               INTEGER NOT NULL DEFAULT 0,
    procedures          INTEGER NOT NULL DEFAULT 0,
    amount_cents        INTEGER NOT NULL,
    journal_entry_id    INTEGER REFERENCES journal_entries (id),
    invoice_id          INTEGER REFERENCES invoices (id),
    invoice_line_id     INTEGER REFERENCES invoice_lines (id),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    UNIQUE (contract_id, period)
);
CREATE INDEX management_accruals_period ON management_accruals (period);

-- The units and procedures a contract's center reported for a month, for
-- its per-unit and per-procedure fees; replaced until the month accrues.
CREATE TABLE management_volumes (
    contract_id INTEGER NOT NULL REFERENCES management_contracts (id),
    period      TEXT NOT NULL,
    units       INTEGER NOT NULL CHECK (units >= 0),
    procedures  INTEGER NOT NULL CHECK (procedures >= 0),
    reported_at TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    PRIMARY KEY (contract_id, period)
);
