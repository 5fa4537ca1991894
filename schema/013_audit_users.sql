-- 013_audit_users.sql - what the audit trail page and the users page read.
--
-- The audit trail is listed filtered by who acted and by a range of days
-- (service/audit.c audit_list), newest first, with the count of what the
-- filters match. The kind and id of a record already have their index
-- (audit_log_entity, 001); without these two, a filter on the actor or on
-- the days would read the whole trail, which grows with every collection.
-- Each costs one more B-tree insert per audit record (006 dropped the index
-- on `at` while no query read it): this is the query that reads them. An
-- action alone is not indexed: it is filtered within what the other
-- filters select.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- When each user last logged in successfully (UTC, as every timestamp);
-- NULL until their first login. Written by the login's own transaction
-- (service/auth.c auth_login).
ALTER TABLE users ADD COLUMN last_login_at TEXT;
