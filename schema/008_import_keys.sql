-- 008_import_keys.sql - what lets an import refuse a journal already
-- imported: the entry keys of imported entries are found by key (a journal
-- file's SHA-256 is found among the few import rows without an index).
-- Partial: manual entries, reversals and operational postings cost nothing.
CREATE INDEX journal_entries_import_key ON journal_entries (source_ref)
    WHERE source = 'import';
