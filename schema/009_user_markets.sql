-- 009_user_markets.sql - the markets an apheresis nurse is assigned to,
-- beside the centers a member of donor-center staff is assigned to
-- (user_centers, 001): a user's scope (docs/users.md, "Scope").
CREATE TABLE user_markets (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    market_id INTEGER NOT NULL REFERENCES markets (id),
    PRIMARY KEY (user_id, market_id)
);
