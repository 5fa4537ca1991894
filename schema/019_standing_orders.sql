-- 019_standing_orders.sql - standing orders: a hospital's order repeated on
-- a weekly schedule (docs/distribution.md, "Standing orders"). The orders
-- they create are ordinary orders (017), which name the standing order
-- that made them.

-- A standing order: which hospital, at what priority, on which weekdays
-- ('mon,wed,fri', Monday first), needed by what local time of day
-- ('07:00', in the zone of the hospital's market, else the default zone),
-- from which day through which (NULL: no end). active 0 once stopped.
CREATE TABLE standing_orders (
    id          INTEGER PRIMARY KEY,
    hospital_id INTEGER NOT NULL REFERENCES hospitals (id),
    priority    TEXT NOT NULL CHECK (priority IN ('stat', 'asap', 'routine')),
    weekdays    TEXT NOT NULL,
    needed_time TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    last_day    TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    stopped_at  TEXT,
    stopped_by  TEXT
);
CREATE INDEX standing_orders_active ON standing_orders (active, id);

-- A line of a standing order, as an order's line: a family, a whole
-- ABO/RhD group, the attributes required (0/1) and how many units.
CREATE TABLE standing_order_lines (
    id                INTEGER PRIMARY KEY,
    standing_order_id INTEGER NOT NULL REFERENCES standing_orders (id),
    family            TEXT NOT NULL,
    abo               TEXT NOT NULL,
    rhd               TEXT NOT NULL,
    irradiated        INTEGER NOT NULL DEFAULT 0,
    cmv_negative      INTEGER NOT NULL DEFAULT 0,
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    created_at        TEXT NOT NULL
);
CREATE INDEX standing_order_lines_order ON standing_order_lines (standing_order_id);

-- The order a standing order created for a day. The primary key makes a
-- day created once, whoever runs the standing orders and however many at
-- once.
CREATE TABLE standing_order_days (
    standing_order_id INTEGER NOT NULL REFERENCES standing_orders (id),
    day               TEXT NOT NULL,
    order_id          INTEGER NOT NULL REFERENCES orders (id),
    created_at        TEXT NOT NULL,
    PRIMARY KEY (standing_order_id, day)
);

-- The standing order an order was made from (NULL: taken by hand).
ALTER TABLE orders ADD COLUMN standing_order_id INTEGER REFERENCES standing_orders (id);
