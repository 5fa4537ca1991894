-- 018_shipments.sql - shipments of allocated units to hospitals and their returns
-- (docs/distribution.md, "Shipments"): the shipment with its shipper and
-- packing temperature, each unit it carried with the price it was sold at
-- and the cost it took out of inventory, the standard cost of a unit per
-- product family that the cost posting uses; the units returned with their
-- cold-chain evidence and credit, and the cold-chain limits per family.

-- The standard cost of a unit of a family, in cents: what a shipment moves
-- from inventories (1200) to the cost of blood products (5000).
CREATE TABLE unit_standard_costs (
    family     TEXT PRIMARY KEY,
    cost_cents INTEGER NOT NULL CHECK (cost_cents >= 0)
);
INSERT INTO unit_standard_costs (family, cost_cents) VALUES
 ('whole_blood', 12000),
 ('red_cells', 14000),
 ('platelets', 35000),
 ('plasma', 4000),
 ('cryoprecipitate', 5000),
 ('granulocytes', 60000);

-- A shipment of one order: shipped on ship_date (the day that priced it
-- under the contract version in force), packed at temperature_tenths of a
-- degree Celsius, carried by shipper. invoice_id: the draft invoice made
-- for it; journal_entry_id: its cost and revenue posting.
CREATE TABLE shipments (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders (id),
    hospital_id        INTEGER NOT NULL REFERENCES hospitals (id),
    contract_id        INTEGER NOT NULL REFERENCES contracts (id),
    ship_date          TEXT NOT NULL,
    temperature_tenths INTEGER NOT NULL,
    shipper            TEXT NOT NULL,
    invoice_id         INTEGER REFERENCES invoices (id),
    journal_entry_id   INTEGER REFERENCES journal_entries (id),
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL
);
CREATE INDEX shipments_order ON shipments (order_id);
CREATE INDEX shipments_date ON shipments (ship_date);

-- A unit a shipment carried: its line of the order, its price (base plus
-- surcharges) and standard cost in cents, the center that collected it
-- (the center of its postings) and its invoice line. A unit returned to
-- inventory may be shipped again.
CREATE TABLE shipment_units (
    shipment_id     INTEGER NOT NULL REFERENCES shipments (id),
    unit_id         INTEGER NOT NULL REFERENCES units (id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines (id),
    family          TEXT NOT NULL,
    center          TEXT NOT NULL,
    price_cents     INTEGER NOT NULL,
    cost_cents      INTEGER NOT NULL,
    invoice_line_id INTEGER REFERENCES invoice_lines (id),
    PRIMARY KEY (shipment_id, unit_id)
);
CREATE INDEX shipment_units_unit ON shipment_units (unit_id);
CREATE INDEX shipment_units_line ON shipment_units (order_line_id);

-- The cold chain a returned unit must have kept to go back on the shelf,
-- per family: its receipt temperature from min_tenths to max_tenths of a
-- degree Celsius inclusive, and at most max_minutes_out minutes out of
-- controlled storage (NULL: no limit). An administrator edits them.
CREATE TABLE return_limits (
    family          TEXT PRIMARY KEY,
    min_tenths      INTEGER NOT NULL,
    max_tenths      INTEGER NOT NULL,
    max_minutes_out INTEGER,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    CHECK (min_tenths <= max_tenths)
);
INSERT INTO return_limits (family, min_tenths, max_tenths, max_minutes_out, updated_at, updated_by) VALUES
 ('whole_blood', 10, 100, 30, '1970-01-01T00:00:00Z', 'system'),
 ('red_cells', 10, 100, 30, '1970-01-01T00:00:00Z', 'system'),
 ('platelets', 200, 240, NULL, '1970-01-01T00:00:00Z', 'system'),
 ('plasma', -800, -180, 30, '1970-01-01T00:00:00Z', 'system'),
 ('cryoprecipitate', -800, -180, 30, '1970-01-01T00:00:00Z', 'system'),
 ('granulocytes', 200, 240, NULL, '1970-01-01T00:00:00Z', 'system');

-- A unit returned by the hospital it was shipped to: the evidence (receipt
-- temperature in tenths of a degree, seal intact or not, minutes out of
-- controlled storage), whether the cold chain was kept and so where the
-- unit went (outcome 'released' or 'discarded', with why), and the credit
-- its contract's return policy gave (credit_cents 0 and no credit memo
-- when none). journal_entry_id: the cost put back into inventory.
CREATE TABLE unit_returns (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units (id),
    shipment_id        INTEGER NOT NULL REFERENCES shipments (id),
    hospital_id        INTEGER NOT NULL REFERENCES hospitals (id),
    return_date        TEXT NOT NULL,
    temperature_tenths INTEGER NOT NULL,
    seal_intact        INTEGER NOT NULL,
    minutes_out        INTEGER NOT NULL,
    cold_chain_kept    INTEGER NOT NULL,
    outcome            TEXT NOT NULL CHECK (outcome IN ('released', 'discarded')),
    reason             TEXT NOT NULL,
    credit_cents       INTEGER NOT NULL DEFAULT 0,
    credit_memo_id     INTEGER REFERENCES credit_memos (id),
    journal_entry_id   INTEGER REFERENCES journal_entries (id),
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    UNIQUE (shipment_id, unit_id)
);
CREATE INDEX unit_returns_date ON unit_returns (return_date);

-- A unit shipped and returned may be allocated again: its allocation to
-- the order that shipped it stays on that order (returned_at set) and no
-- longer counts as the unit's one active allocation.
ALTER TABLE allocations ADD COLUMN returned_at TEXT;
DROP INDEX allocations_unit_active;
CREATE UNIQUE INDEX allocations_unit_active ON allocations (unit_id)
    WHERE undone_at IS NULL AND returned_at IS NULL;
