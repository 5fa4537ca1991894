-- 002_idempotency.sql - remembered answers to POSTs sent with an
-- Idempotency-Key header (docs/api.md, "Retries: Idempotency-Key"), so that a
-- client retrying after a lost answer gets the first answer again instead of
-- doing the work twice. Keys belong to the user who sent them and are kept
-- for 24 hours.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,     -- BLAKE2b of method, path and body
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,  -- epoch seconds
    PRIMARY KEY (user_id, key)
);
