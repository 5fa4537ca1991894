-- 006_unread_indexes.sql - indexes that no query reads, dropped.
--
-- Every collection inserts one dins row and at least one audit_log row, so
-- each index on those tables costs a B-tree insert (and its pages in the
-- write-ahead log) in the hottest write of the product. No statement
-- searches DINs by center and allocation time, and the audit listing
-- pages by seq (which grows with `at`), so these two served no reader.
-- An index that a new query needs comes back with that query.
DROP INDEX dins_center;
DROP INDEX audit_log_at;
