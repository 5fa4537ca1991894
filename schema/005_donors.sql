-- 005_donors.sql - the blood-products chain (docs/donors.md,
-- docs/collections.md, docs/testing.md): donors and their deferrals, the
-- thresholds of the eligibility rules, collections, the units made from them,
-- laboratory test results, release with an electronic signature, and lookback
-- cases.
--
-- Units are the heart of it: a unit is one bag, named by its DIN, product
-- code and division (ISBT 128), and its status moves only along the
-- transitions of domain/blood_unit.h, always through service/unit.c, which
-- writes the unit_events row and the audit record in the same transaction.

-- Donors. name_key is the family and given names folded to lower case with
-- single spaces ("garcia|maria"); with birth_date it finds a registration
-- that repeats an existing donor. identity_document ("passport:X1234567",
-- folded the same way) is unique when given. abo/rhd is the donor's
-- established group, kept from test results (donor_blood_groups holds
-- every result); NULL until first tested.
CREATE TABLE donors (
    id                INTEGER PRIMARY KEY,
    donor_number      TEXT NOT NULL UNIQUE,
    family_name       TEXT NOT NULL,
    given_name        TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    birth_date        TEXT NOT NULL,
    sex               TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    identity_document TEXT,
    abo               TEXT,
    rhd               TEXT,
    home_center       TEXT REFERENCES centers (code),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (sex IN ('F', 'M')),
    CHECK (abo IS NULL OR abo IN ('O', 'A', 'B', 'AB')),
    CHECK (rhd IS NULL OR rhd IN ('POS', 'NEG'))
);
CREATE INDEX donors_name ON donors (name_key, birth_date);
CREATE UNIQUE INDEX donors_identity ON donors (identity_document)
    WHERE identity_document IS NOT NULL;

-- Every ABO/RhD typing of a donor, from the test results of each donation.
CREATE TABLE donor_blood_groups (
    id        INTEGER PRIMARY KEY,
    donor_id  INTEGER NOT NULL REFERENCES donors (id),
    din       TEXT NOT NULL,
    abo       TEXT,
    rhd       TEXT,
    tested_on TEXT NOT NULL,
    UNIQUE (donor_id, din)
);

-- Deferrals: temporary (until a date, inclusive of the day before
-- until_date: the donor may give again on until_date), indefinite or
-- permanent. source 'staff' or 'test' (a confirmed reactive result). A
-- deferral is ended (ended_at) rather than removed.
CREATE TABLE deferrals (
    id          INTEGER PRIMARY KEY,
    donor_id    INTEGER NOT NULL REFERENCES donors (id),
    kind        TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,
    until_date  TEXT,
    source      TEXT NOT NULL,
    din         TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    TEXT,
    end_reason  TEXT,
    CHECK (kind IN ('temporary', 'indefinite', 'permanent')),
    CHECK ((kind = 'temporary') = (until_date IS NOT NULL)),
    CHECK (source IN ('staff', 'test'))
);
CREATE INDEX deferrals_donor ON deferrals (donor_id, ended_at);

-- The thresholds of the eligibility rules that differ from the defaults of
-- domain/eligibility.h (docs/donors.md, "Thresholds are data"); a missing
-- row means the default.
CREATE TABLE eligibility_settings (
    name       TEXT PRIMARY KEY,
    value      INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Electronic signatures (docs/users.md, "Electronic signatures"): who signed,
-- meaning what, when; linked to the records they sign
-- (units.release_signature_id, ...).
CREATE TABLE signatures (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    meaning    TEXT NOT NULL,
    entity     TEXT NOT NULL,
    signed_at  TEXT NOT NULL
);

-- Collections: one per DIN. Vitals as measured before the collection:
-- hemoglobin in tenths of g/dL, temperature in tenths of a degree Celsius,
-- platelet count in thousands per microlitre. parental_consent 1 when a
-- parent consented for a donor under the minimum age. reaction: none,
-- mild, moderate, severe.
CREATE TABLE collections (
    id               INTEGER PRIMARY KEY,
    din              TEXT NOT NULL UNIQUE REFERENCES dins (din),
    donor_id         INTEGER NOT NULL REFERENCES donors (id),
    center           TEXT NOT NULL REFERENCES centers (code),
    procedure        TEXT NOT NULL,
    collected_at     TEXT NOT NULL,
    device           TEXT NOT NULL DEFAULT '',
    volume_ml        INTEGER NOT NULL,
    weight_lb        INTEGER,
    height_in        INTEGER,
    hemoglobin_dl10  INTEGER,
    hematocrit       INTEGER,
    pulse            INTEGER,
    systolic         INTEGER,
    diastolic        INTEGER,
    temperature_c10  INTEGER,
    platelet_count_k INTEGER,
    parental_consent INTEGER NOT NULL DEFAULT 0,
    reaction         TEXT NOT NULL DEFAULT 'none',
    reaction_note    TEXT NOT NULL DEFAULT '',
    staff            TEXT NOT NULL,
    processed_at     TEXT,
    created_at       TEXT NOT NULL,
    CHECK (procedure IN ('whole_blood', 'double_red_cells', 'plateletpheresis',
                         'plasmapheresis')),
    CHECK (reaction IN ('none', 'mild', 'moderate', 'severe'))
);
CREATE INDEX collections_donor ON collections (donor_id, collected_at);
CREATE INDEX collections_center ON collections (center, collected_at);

-- Units: one bag each. status: quarantined, released, allocated, shipped,
-- returned, discarded, expired, transfused_reported. expires_at is the
-- facility's wall-clock time as timestamp text (catalog_expiry). abo/rhd
-- are the donation's tested group, NULL until typed. hold is a reason the
-- unit may not be released even when its tests are complete (an ABO/RhD
-- discrepancy, a lookback case): NULL when none.
CREATE TABLE units (
    id                   INTEGER PRIMARY KEY,
    din                  TEXT NOT NULL REFERENCES collections (din),
    product_code         TEXT NOT NULL REFERENCES products (code),
    donation_type        TEXT NOT NULL DEFAULT 'V',
    division             TEXT NOT NULL DEFAULT '00',
    family               TEXT NOT NULL,
    center               TEXT NOT NULL REFERENCES centers (code),
    volume_ml            INTEGER NOT NULL,
    abo                  TEXT,
    rhd                  TEXT,
    status               TEXT NOT NULL,
    hold                 TEXT,
    produced_at          TEXT NOT NULL,
    expires_at           TEXT NOT NULL,
    release_signature_id INTEGER REFERENCES signatures (id),
    released_at          TEXT,
    hospital             TEXT REFERENCES hospitals (code),
    updated_at           TEXT NOT NULL,
    UNIQUE (din, product_code, division),
    CHECK (status IN ('quarantined', 'released', 'allocated', 'shipped', 'returned',
                      'discarded', 'expired', 'transfused_reported'))
);
CREATE INDEX units_inventory ON units (status, center, family, expires_at);
CREATE INDEX units_expiry ON units (status, expires_at);

-- Every change of a unit's status, in order.
CREATE TABLE unit_events (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX unit_events_unit ON unit_events (unit_id, id);

-- The test panel: every test the laboratory reports, and whether a unit
-- needs its result before release. kind: 'abo', 'rhd' (grouping: A, B, AB,
-- O; POS, NEG), 'antibody' (negative/positive: a positive screen holds the
-- unit), 'infectious' (nonreactive/reactive: a reactive result discards the
-- donation, defers the donor and opens a lookback case). marker groups the
-- tests of one agent (HIV serology and HIV NAT are both "HIV") for the
-- lookback window.
CREATE TABLE test_panel (
    test        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    marker      TEXT NOT NULL,
    description TEXT NOT NULL,
    required    INTEGER NOT NULL DEFAULT 1,
    CHECK (kind IN ('abo', 'rhd', 'antibody', 'infectious'))
);
INSERT INTO test_panel (test, kind, marker, description, required) VALUES
    ('ABO', 'abo', 'ABO', 'ABO group', 1),
    ('RHD', 'rhd', 'RHD', 'RhD type', 1),
    ('ABSCREEN', 'antibody', 'ABSCREEN', 'Red cell antibody screen', 1),
    ('HIV', 'infectious', 'HIV', 'Anti-HIV-1/2', 1),
    ('HBSAG', 'infectious', 'HBV', 'Hepatitis B surface antigen', 1),
    ('ANTIHBC', 'infectious', 'HBV', 'Anti-HBc', 1),
    ('HCV', 'infectious', 'HCV', 'Anti-HCV', 1),
    ('HTLV', 'infectious', 'HTLV', 'Anti-HTLV-I/II', 1),
    ('SYPHILIS', 'infectious', 'SYPHILIS', 'Syphilis serology', 1),
    ('NAT_HIV', 'infectious', 'HIV', 'HIV-1 RNA (nucleic acid test)', 1),
    ('NAT_HCV', 'infectious', 'HCV', 'HCV RNA (nucleic acid test)', 1),
    ('NAT_HBV', 'infectious', 'HBV', 'HBV DNA (nucleic acid test)', 1);

-- Each results file imported (all-or-nothing), and each result.
CREATE TABLE test_imports (
    id          INTEGER PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    results     INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE test_results (
    id        INTEGER PRIMARY KEY,
    din       TEXT NOT NULL REFERENCES collections (din),
    test      TEXT NOT NULL REFERENCES test_panel (test),
    result    TEXT NOT NULL,
    tested_on TEXT NOT NULL,
    import_id INTEGER REFERENCES test_imports (id),
    UNIQUE (din, test)
);

-- Lookback cases (docs/testing.md, "Lookback"): opened by a reactive
-- screening result for `marker`; the window covers the donor's earlier
-- donations from window_start up to the trigger. Deadlines are calendar dates
-- counted from opened_on: quarantine and consignee notice within 3 days, the
-- follow-up result within 45; each is closed by recording when it was done.
CREATE TABLE lookback_cases (
    id                    INTEGER PRIMARY KEY,
    donor_id              INTEGER NOT NULL REFERENCES donors (id),
    trigger_din           TEXT NOT NULL REFERENCES collections (din),
    marker                TEXT NOT NULL,
    test                  TEXT NOT NULL,
    opened_on             TEXT NOT NULL,
    opened_at             TEXT NOT NULL,
    window_start          TEXT NOT NULL,
    quarantine_due        TEXT NOT NULL,
    notice_due            TEXT NOT NULL,
    followup_due          TEXT NOT NULL,
    quarantine_done_at    TEXT,
    notice_done_at        TEXT,
    followup_done_at      TEXT,
    followup_result       TEXT,
    status                TEXT NOT NULL DEFAULT 'open',
    closed_at             TEXT,
    closed_by             TEXT,
    close_reason          TEXT,
    UNIQUE (trigger_din, marker),
    CHECK (status IN ('open', 'closed'))
);
CREATE INDEX lookback_cases_status ON lookback_cases (status, opened_on);

-- The units of the earlier donations a case traced: `action` says what the
-- trace did ('quarantined': still in inventory, now held; 'shipped': left
-- to `hospital`; 'none': already discarded, expired or transfused).
CREATE TABLE lookback_units (
    case_id         INTEGER NOT NULL REFERENCES lookback_cases (id),
    unit_id         INTEGER NOT NULL REFERENCES units (id),
    status_at_trace TEXT NOT NULL,
    action          TEXT NOT NULL,
    hospital        TEXT,
    PRIMARY KEY (case_id, unit_id)
);
