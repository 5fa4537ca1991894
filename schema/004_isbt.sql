-- 004_isbt.sql - ISBT 128 (docs/isbt.md): the product catalog and the
-- allocation of donation identification numbers (DINs).
--
-- products: one row per product description code (E0791...). The official
-- code table is licensed by ICCBBA; bloodops ships a demo catalog (demo = 1)
-- and imports a real one from CSV (docs/isbt.md, "Product catalog and DIN
-- allocation"). Storage temperatures are whole degrees Celsius (a range
-- min..max; frozen products have a min far below their max), the shelf life
-- a positive number of days or hours, flags 0 or 1. Products are never
-- deleted: units will refer to them.
CREATE TABLE products (
    code              TEXT PRIMARY KEY,
    description       TEXT NOT NULL,
    family            TEXT NOT NULL,
    storage_min_c     INTEGER NOT NULL,
    storage_max_c     INTEGER NOT NULL,
    shelf_life_value  INTEGER NOT NULL,
    shelf_life_unit   TEXT NOT NULL,
    nominal_volume_ml INTEGER NOT NULL,
    irradiated        INTEGER NOT NULL DEFAULT 0,
    leukoreduced      INTEGER NOT NULL DEFAULT 0,
    cmv_negative      INTEGER NOT NULL DEFAULT 0,
    pathogen_reduced  INTEGER NOT NULL DEFAULT 0,
    demo              INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (shelf_life_unit IN ('days', 'hours')),
    CHECK (shelf_life_value > 0),
    CHECK (storage_min_c <= storage_max_c)
);
CREATE INDEX products_family ON products (family, code);

-- The last sequence number handed out per facility identification number
-- and nominal year (0..99). It only ever grows: allocation adds to it with
-- one conditional UPDATE ... RETURNING, which serialises concurrent
-- allocations (SQLite: the write lock; PostgreSQL: the row lock).
CREATE TABLE din_sequences (
    fin           TEXT NOT NULL,
    year          INTEGER NOT NULL,
    last_sequence INTEGER NOT NULL,
    PRIMARY KEY (fin, year),
    CHECK (last_sequence BETWEEN 0 AND 999999)
);

-- Every DIN allocated (13 characters, without flags or check character),
-- with who took it for which center and when. Never deleted or changed, so
-- a number is never handed out twice; UNIQUE (fin, year, sequence) makes
-- the database refuse a duplicate too.
CREATE TABLE dins (
    din          TEXT PRIMARY KEY,
    fin          TEXT NOT NULL,
    year         INTEGER NOT NULL,
    sequence     INTEGER NOT NULL,
    center       TEXT NOT NULL REFERENCES centers (code),
    allocated_at TEXT NOT NULL,
    allocated_by TEXT NOT NULL,
    UNIQUE (fin, year, sequence)
);
CREATE INDEX dins_center ON dins (center, allocated_at);

-- The database itself refuses what would let a number be used again.
-- backend: sqlite
CREATE TRIGGER dins_no_update BEFORE UPDATE ON dins
BEGIN SELECT RAISE(ABORT, 'an allocated DIN is never changed'); END;
CREATE TRIGGER dins_no_delete BEFORE DELETE ON dins
BEGIN SELECT RAISE(ABORT, 'an allocated DIN is never removed'); END;
CREATE TRIGGER din_sequences_no_delete BEFORE DELETE ON din_sequences
BEGIN SELECT RAISE(ABORT, 'a DIN sequence is never removed'); END;
CREATE TRIGGER din_sequences_only_grow BEFORE UPDATE ON din_sequences
WHEN NEW.last_sequence < OLD.last_sequence OR NEW.fin <> OLD.fin OR NEW.year <> OLD.year
BEGIN SELECT RAISE(ABORT, 'a DIN sequence only grows'); END;
-- backend: postgres
CREATE FUNCTION dins_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'an allocated DIN is never changed or removed'; END $$;
CREATE TRIGGER dins_no_update BEFORE UPDATE ON dins
FOR EACH ROW EXECUTE FUNCTION dins_append_only();
CREATE TRIGGER dins_no_delete BEFORE DELETE ON dins
FOR EACH ROW EXECUTE FUNCTION dins_append_only();
CREATE FUNCTION din_sequences_only_grow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.last_sequence < OLD.last_sequence OR NEW.fin <> OLD.fin
       OR NEW.year <> OLD.year THEN
        RAISE EXCEPTION 'a DIN sequence only grows';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER din_sequences_no_delete BEFORE DELETE ON din_sequences
FOR EACH ROW EXECUTE FUNCTION din_sequences_only_grow();
CREATE TRIGGER din_sequences_only_grow BEFORE UPDATE ON din_sequences
FOR EACH ROW EXECUTE FUNCTION din_sequences_only_grow();
-- backend: all
