-- 007_login_throttle.sql - login throttling by subject, and what the purge
-- of old sessions needs.
--
-- The throttle counted failures per user name typed, so every unknown name
-- tried added a row for ever. It now counts per subject: 'user:NAME' for a
-- user on record, 'unknown:NNNN' for one of 1024 buckets that unknown names
-- fall into (by a keyed hash, so the count of a name does not tell whether
-- it exists), and 'address:IP' for the client's address. An attempt is
-- counted before its password is checked, in one atomic step with the
-- check of the limit. The old rows are dropped: at worst a name locked now
-- is unlocked by the upgrade.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    subject       TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,  -- attempts counted in the window (in flight included)
    window_start  INTEGER NOT NULL,  -- epoch seconds of the first attempt counted
    locked_until  INTEGER NOT NULL   -- epoch seconds; 0 when not locked
);

-- Secrets the server makes for itself, once ('throttle_key': the key of the
-- hash that sorts unknown user names into buckets).
CREATE TABLE auth_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The purge removes sessions some days after they expired.
CREATE INDEX sessions_expires ON sessions (expires_at);
