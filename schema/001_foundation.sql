-- 001_foundation.sql - the foundation: audit trail, users and sessions,
-- organization registry (markets, donor centers, hospitals).
--
-- Portable SQL with a few backend sections (see store/db.c,
-- migration_text); INTEGER is 64-bit everywhere (BIGINT on PostgreSQL).
-- Conventions: surrogate keys `id INTEGER PRIMARY KEY`; business codes are
-- unique; dates are ISO 8601 text (YYYY-MM-DD, which sorts correctly);
-- timestamps are UTC text (YYYY-MM-DDTHH:MM:SSZ); money is integer cents.

-- The audit trail: append-only, hash-chained. `seq` runs 1, 2, 3... without
-- gaps; each record's hash covers its content and the previous hash, and the
-- single audit_head row holds the newest seq and hash, so that removing or
-- changing any record, including the last, is detected by `audit verify`.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    reason      TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq  INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- backend: sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
-- backend: postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- backend: all

-- Users, their roles and (for center staff) the centers they may work at.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Sessions: the token itself is never stored, only its BLAKE2b hash.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,   -- seconds since the epoch, UTC
    ended_at    TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per user name (also for names that do not exist, so the
-- throttle does not reveal which names are real).
CREATE TABLE login_throttle (
    username       TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    window_start   INTEGER NOT NULL,  -- epoch seconds of the first failure counted
    locked_until   INTEGER NOT NULL   -- epoch seconds; 0 when not locked
);

-- Organization registry.
CREATE TABLE markets (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE centers (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    market_id    INTEGER NOT NULL REFERENCES markets (id),
    fin          TEXT UNIQUE,          -- ISBT 128 facility identification number
    address      TEXT NOT NULL DEFAULT '',
    open_date    TEXT NOT NULL,
    close_date   TEXT,
    close_reason TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX centers_market ON centers (market_id);

CREATE TABLE user_centers (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    center_id INTEGER NOT NULL REFERENCES centers (id),
    PRIMARY KEY (user_id, center_id)
);

CREATE TABLE hospitals (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    market_id          INTEGER REFERENCES markets (id),
    address            TEXT NOT NULL DEFAULT '',
    billing_terms_days INTEGER NOT NULL DEFAULT 30,
    created_at         TEXT NOT NULL
);
CREATE INDEX hospitals_market ON hospitals (market_id);
