-- 020_apheresis.sql - therapeutic apheresis: patients at a hospital and
-- the physicians' orders for their courses (docs/apheresis.md). Written
-- only by src/service/apheresis.c. Measured values (height, weight,
-- hematocrits, volumes, fractions, rates) are kept as the decimal text
-- they were given in ("1.80", "0.45"), checked by domain/apheresis.c,
-- so what is shown is what was entered, on both backends.

-- A patient of a hospital: the hospital's medical record number (MRN),
-- unique at that hospital, names, birth date (YYYY-MM-DD), sex ('male',
-- 'female'), height in metres and weight in kg.
CREATE TABLE apheresis_patients (
    id          INTEGER PRIMARY KEY,
    hospital_id INTEGER NOT NULL REFERENCES hospitals (id),
    mrn         TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name  TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    height_m    TEXT NOT NULL,
    weight_kg   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    UNIQUE (hospital_id, mrn)
);
CREATE INDEX apheresis_patients_name ON apheresis_patients (family_name, given_name);

-- A physician's order for a course of procedures of one type. The
-- indication with its ASFA category ('I'..'IV') and grade ('1A'..'2C').
-- The course: `procedures` of them, every `frequency_n` days
-- (frequency_kind 'every_days') or `frequency_n` a week ('per_week').
-- The prescription, each NULL when not given: plasma volumes to exchange
-- and the albumin part of the replacement (the rest plasma); for a red
-- cell exchange the replacement cells' hematocrit, the fraction of the
-- patient's cells to remain, the target hematocrit and the volume of a
-- unit; the anticoagulant, the N of its ratio 1:N and the inlet rate; the
-- patient's hematocrit at ordering. Status: 'active', 'completed',
-- 'cancelled' (with its reason).
CREATE TABLE apheresis_orders (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES apheresis_patients (id),
    physician        TEXT NOT NULL,
    procedure_type   TEXT NOT NULL,
    indication       TEXT NOT NULL,
    asfa_category    TEXT NOT NULL CHECK (asfa_category IN ('I', 'II', 'III', 'IV')),
    asfa_grade       TEXT NOT NULL CHECK (asfa_grade IN ('1A', '1B', '1C', '2A', '2B', '2C')),
    procedures       INTEGER NOT NULL CHECK (procedures > 0),
    frequency_kind   TEXT NOT NULL CHECK (frequency_kind IN ('every_days', 'per_week')),
    frequency_n      INTEGER NOT NULL CHECK (frequency_n > 0),
    volumes          TEXT,
    albumin_fraction TEXT,
    replacement_hct  TEXT,
    remaining        TEXT,
    target_hct       TEXT,
    unit_ml          TEXT,
    anticoagulant    TEXT,
    ratio            TEXT,
    inlet_ml_min     TEXT,
    hct              TEXT,
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'completed', 'cancelled')),
    status_reason    TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    cancelled_at     TEXT,
    cancelled_by     TEXT
);
CREATE INDEX apheresis_orders_patient ON apheresis_orders (patient_id, id);
