-- 011_result_amendments.sql - laboratory corrections (docs/testing.md,
-- "Amending a result" and "ABO/RhD discrepancies").
--
-- A recorded result is never changed: a correction is an amendment, a row
-- of its own with the value it replaces, the new value, the reason and the
-- electronic signature of the person who made it. test_results.amendment_id
-- links a result to its latest amendment (the only column of a result that
-- ever changes, and only forward); test_results_current reads every result
-- as it now stands.
CREATE TABLE test_result_amendments (
    id              INTEGER PRIMARY KEY,
    result_id       INTEGER NOT NULL REFERENCES test_results (id),
    previous_result TEXT NOT NULL,
    result          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    signature_id    INTEGER NOT NULL REFERENCES signatures (id),
    amended_at      TEXT NOT NULL,
    amended_by      TEXT NOT NULL
);
CREATE INDEX test_result_amendments_result ON test_result_amendments (result_id, id);

ALTER TABLE test_results ADD COLUMN amendment_id INTEGER REFERENCES test_result_amendments (id);

CREATE VIEW test_results_current AS
    SELECT r.id, r.din, r.test, COALESCE(a.result, r.result) AS result, r.tested_on,
           r.result AS original_result, r.amendment_id
    FROM test_results r LEFT JOIN test_result_amendments a ON a.id = r.amendment_id;

-- A donation whose ABO/RhD typing disagrees with the donor's established
-- group: an open item until it is resolved. donor_* and donation_* are the
-- two groups when it was found (NULL: that part not known). The
-- confirmatory typing is recorded once, signed (confirm_*; donor_updated 1
-- when it also set the donor's group); then the donation's units are
-- released (resolution 'released', signed) or discarded ('discarded', with
-- the reason). At most one discrepancy of a donation is unresolved.
CREATE TABLE typing_discrepancies (
    id                      INTEGER PRIMARY KEY,
    din                     TEXT NOT NULL REFERENCES collections (din),
    donor_id                INTEGER NOT NULL REFERENCES donors (id),
    donor_abo               TEXT,
    donor_rhd               TEXT,
    donation_abo            TEXT,
    donation_rhd            TEXT,
    status                  TEXT NOT NULL DEFAULT 'open',
    opened_at               TEXT NOT NULL,
    opened_by               TEXT NOT NULL,
    confirm_abo             TEXT,
    confirm_rhd             TEXT,
    confirm_signature_id    INTEGER REFERENCES signatures (id),
    confirmed_at            TEXT,
    confirmed_by            TEXT,
    donor_updated           INTEGER NOT NULL DEFAULT 0,
    resolution_reason       TEXT,
    resolution_signature_id INTEGER REFERENCES signatures (id),
    resolved_at             TEXT,
    resolved_by             TEXT,
    CHECK (status IN ('open', 'confirmed', 'released', 'discarded')),
    CHECK (confirm_abo IS NULL OR confirm_abo IN ('O', 'A', 'B', 'AB')),
    CHECK (confirm_rhd IS NULL OR confirm_rhd IN ('POS', 'NEG'))
);
CREATE UNIQUE INDEX typing_discrepancies_unresolved ON typing_discrepancies (din)
    WHERE status IN ('open', 'confirmed');
CREATE INDEX typing_discrepancies_status ON typing_discrepancies (status, id);

-- The discrepancies found before this migration: the donations whose units
-- are held for one.
INSERT INTO typing_discrepancies (din, donor_id, donor_abo, donor_rhd, donation_abo,
                                  donation_rhd, status, opened_at, opened_by)
SELECT c.din, c.donor_id, d.abo, d.rhd, MIN(u.abo), MIN(u.rhd), 'open', MIN(u.updated_at),
       'schema 011'
FROM units u JOIN collections c ON c.din = u.din JOIN donors d ON d.id = c.donor_id
WHERE u.status = 'quarantined' AND u.hold LIKE '%ABO/RhD discrepancy:%'
GROUP BY c.din, c.donor_id, d.abo, d.rhd;

-- The database itself refuses what would rewrite a result or an amendment.
-- backend: sqlite
CREATE TRIGGER test_results_kept BEFORE UPDATE ON test_results
WHEN NEW.result IS NOT OLD.result OR NEW.din IS NOT OLD.din OR NEW.test IS NOT OLD.test
     OR NEW.tested_on IS NOT OLD.tested_on OR NEW.amendment_id IS NULL
BEGIN SELECT RAISE(ABORT, 'a test result is never changed: amend it'); END;
CREATE TRIGGER test_results_no_delete BEFORE DELETE ON test_results
BEGIN SELECT RAISE(ABORT, 'a test result is never removed'); END;
CREATE TRIGGER test_result_amendments_no_update BEFORE UPDATE ON test_result_amendments
BEGIN SELECT RAISE(ABORT, 'an amendment is never changed'); END;
CREATE TRIGGER test_result_amendments_no_delete BEFORE DELETE ON test_result_amendments
BEGIN SELECT RAISE(ABORT, 'an amendment is never removed'); END;
-- backend: postgres
CREATE FUNCTION test_results_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a test result is never removed';
    END IF;
    IF NEW.result IS DISTINCT FROM OLD.result OR NEW.din IS DISTINCT FROM OLD.din
       OR NEW.test IS DISTINCT FROM OLD.test OR NEW.tested_on IS DISTINCT FROM OLD.tested_on
       OR NEW.amendment_id IS NULL THEN
        RAISE EXCEPTION 'a test result is never changed: amend it';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_results_kept BEFORE UPDATE ON test_results
FOR EACH ROW EXECUTE FUNCTION test_results_kept();
CREATE TRIGGER test_results_no_delete BEFORE DELETE ON test_results
FOR EACH ROW EXECUTE FUNCTION test_results_kept();
CREATE FUNCTION test_result_amendments_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'an amendment is never changed or removed'; END $$;
CREATE TRIGGER test_result_amendments_no_update BEFORE UPDATE ON test_result_amendments
FOR EACH ROW EXECUTE FUNCTION test_result_amendments_kept();
CREATE TRIGGER test_result_amendments_no_delete BEFORE DELETE ON test_result_amendments
FOR EACH ROW EXECUTE FUNCTION test_result_amendments_kept();
-- backend: all
