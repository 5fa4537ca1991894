-- 018_shipments.sql - shipments of allocated units to hospitals
-- (docs/distribution.md, "Shipments"): the shipment with its shipper and
-- packing temperature, each unit it carried with the price it was sold at
-- and the cost it took out of inventory, and the standard cost of a unit
-- per product family that the cost posting uses.

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
