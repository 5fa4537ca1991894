-- 029_apheresis_days.sql - the signed therapeutic apheresis procedures,
-- counted by the day they were performed and the hospital's market
-- (docs/apheresis.md, "Volumes"): signing a procedure adds 1 and its
-- price, in the signing's transaction (apheresis_procedure.c, the one
-- writer). What is signed is frozen, so a row only grows. The quarterly
-- report reads a period's procedures by market from these sums: as many
-- rows as days and markets, however many procedures were performed.
CREATE TABLE apheresis_days (
    day            TEXT NOT NULL,
    market         TEXT NOT NULL, -- the market's code, '' for a hospital without one
    procedures     INTEGER NOT NULL DEFAULT 0,
    revenue_cents  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, market)
);

-- The procedures already signed.
INSERT INTO apheresis_days (day, market, procedures, revenue_cents)
SELECT a.performed_on, COALESCE(m.code, ''), COUNT(*), SUM(a.price_cents)
FROM apheresis_procedures a
JOIN apheresis_orders o ON o.id = a.order_id
JOIN apheresis_patients p ON p.id = o.patient_id
JOIN hospitals h ON h.id = p.hospital_id
LEFT JOIN markets m ON m.id = h.market_id
WHERE a.status = 'signed'
GROUP BY a.performed_on, COALESCE(m.code, '');
