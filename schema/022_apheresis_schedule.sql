-- 022_apheresis_schedule.sql - the schedule of apheresis procedures
-- (docs/apheresis.md, "The schedule"): the registry of apheresis devices
-- and the bookings of a nurse and a device for a physician's order.
-- Written only by src/service/apheresis_schedule.c.

-- An apheresis device (a cell separator), known by its serial number, in
-- one market; a deactivated device is kept (its bookings name it) but is
-- not booked again.
CREATE TABLE apheresis_devices (
    id             INTEGER PRIMARY KEY,
    serial         TEXT NOT NULL UNIQUE,
    model          TEXT NOT NULL,
    market_id      INTEGER NOT NULL REFERENCES markets (id),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    deactivated_at TEXT,
    deactivated_by TEXT
);

-- A booking: one procedure of an order's course, by a nurse (a user) on a
-- device, from starts_at to ends_at (UTC, "YYYY-MM-DDTHH:MM:SSZ", which
-- sorts as the instants do), at the hospital of the order's patient and
-- in that hospital's market (kept here so the board reads one table).
-- Status: 'booked', 'cancelled' (with its reason), 'done'. A booked or
-- done booking holds its nurse and device for its times.
CREATE TABLE apheresis_bookings (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES apheresis_orders (id),
    hospital_id   INTEGER NOT NULL REFERENCES hospitals (id),
    market_id     INTEGER NOT NULL REFERENCES markets (id),
    nurse_id      INTEGER NOT NULL REFERENCES users (id),
    device_id     INTEGER NOT NULL REFERENCES apheresis_devices (id),
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'booked'
                  CHECK (status IN ('booked', 'cancelled', 'done')),
    status_reason TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    cancelled_at  TEXT,
    cancelled_by  TEXT,
    CHECK (ends_at > starts_at)
);
CREATE INDEX apheresis_bookings_nurse ON apheresis_bookings (nurse_id, starts_at);
CREATE INDEX apheresis_bookings_device ON apheresis_bookings (device_id, starts_at);
CREATE INDEX apheresis_bookings_market ON apheresis_bookings (market_id, starts_at);
CREATE INDEX apheresis_bookings_order ON apheresis_bookings (order_id);

-- One row per thing a booking holds ('device', 'nurse' or 'order', and
-- its id), updated first by every booking that takes it: two bookings of
-- the same nurse, device or order's course wait for each other instead of
-- both finding the time free (PostgreSQL's READ COMMITTED would let both
-- pass). `bookings` counts the bookings made through the row.
CREATE TABLE apheresis_schedule_locks (
    kind        TEXT NOT NULL CHECK (kind IN ('device', 'nurse', 'order')),
    resource_id INTEGER NOT NULL,
    bookings    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, resource_id)
);
