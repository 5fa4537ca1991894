-- 017_distribution.sql - supply contracts with hospitals, orders and their
-- allocation (docs/distribution.md):
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

-- The ABO substitutes of a family: a recipient of group `recipient` may
-- get units of group `donor` when no unit of its own group is left,
-- preferring lower `preference`. The exact group is always allowed and
-- first; RhD is a fixed rule (negative may go to positive, never the
-- reverse). Seeded with the defaults (docs/distribution.md, "Allocation");
-- an administrator replaces a recipient's row set.
CREATE TABLE abo_substitutions (
    family     TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    donor      TEXT NOT NULL,
    preference INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (family, recipient, donor)
);
INSERT INTO abo_substitutions (family, recipient, donor, preference, updated_at, updated_by) VALUES
 ('red_cells', 'A', 'O', 1, '1970-01-01T00:00:00Z', 'system'),
 ('red_cells', 'B', 'O', 1, '1970-01-01T00:00:00Z', 'system'),
 ('red_cells', 'AB', 'A', 1, '1970-01-01T00:00:00Z', 'system'),
 ('red_cells', 'AB', 'B', 2, '1970-01-01T00:00:00Z', 'system'),
 ('red_cells', 'AB', 'O', 3, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', 'O', 'A', 1, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', 'O', 'B', 2, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', 'O', 'AB', 3, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', 'A', 'AB', 1, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', 'B', 'AB', 1, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 'O', 'A', 1, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 'O', 'B', 2, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 'O', 'AB', 3, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 'A', 'AB', 1, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 'B', 'AB', 1, '1970-01-01T00:00:00Z', 'system');

-- A hospital's order. ordered_at starts the clock of its priority (stat 1
-- hour, asap 4, routine 24 to shipment); needed_by is when the hospital
-- needs it (UTC); deadline is ordered_at plus the priority's hours, kept
-- so that the board sorts by it. status: open until shipped (shipments
-- come later).
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    hospital_id INTEGER NOT NULL REFERENCES hospitals (id),
    priority    TEXT NOT NULL CHECK (priority IN ('stat', 'asap', 'routine')),
    ordered_at  TEXT NOT NULL,
    needed_by   TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    created_by  TEXT NOT NULL
);
CREATE INDEX orders_status ON orders (status, deadline);

-- A line of an order: a family, a whole ABO/RhD group, the attributes it
-- requires (0/1) and how many units.
CREATE TABLE order_lines (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    family       TEXT NOT NULL,
    abo          TEXT NOT NULL,
    rhd          TEXT NOT NULL,
    irradiated   INTEGER NOT NULL DEFAULT 0,
    cmv_negative INTEGER NOT NULL DEFAULT 0,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    created_at   TEXT NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id);

-- A unit allocated to a line; undone_at set when the allocation was
-- undone (the unit back on the shelf). A unit has at most one allocation
-- not undone: the unique index refuses a second one whatever the backend.
-- substitution: 1 when the unit's group is not the line's (its group kept
-- in unit_group as it was allocated).
CREATE TABLE allocations (
    id            INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    unit_group    TEXT NOT NULL,
    substitution  INTEGER NOT NULL DEFAULT 0,
    allocated_at  TEXT NOT NULL,
    allocated_by  TEXT NOT NULL,
    undone_at     TEXT,
    undone_by     TEXT
);
CREATE UNIQUE INDEX allocations_unit_active ON allocations (unit_id) WHERE undone_at IS NULL;
CREATE INDEX allocations_line ON allocations (order_line_id);
