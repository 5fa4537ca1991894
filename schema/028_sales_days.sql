-- 028_sales_days.sql - net units sold, summed by day, product family and
-- donor center (docs/distribution.md, "Net units sold"): each shipment
-- adds its units and their prices on its ship date, each return its unit
-- and credit on its return date. A period's net units sold read these
-- sums: as many rows as days, families and centers, however many units
-- were shipped. sales.c is the one writer (sales_day_add_in), called in
-- the shipment's and the return's transaction.
CREATE TABLE sales_days (
    day              TEXT NOT NULL,
    family           TEXT NOT NULL,
    center           TEXT NOT NULL,
    units_shipped    INTEGER NOT NULL DEFAULT 0,
    shipped_cents    INTEGER NOT NULL DEFAULT 0,
    units_returned   INTEGER NOT NULL DEFAULT 0,
    units_credited   INTEGER NOT NULL DEFAULT 0,
    credit_cents     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, family, center)
);

-- The shipments and returns already on record.
INSERT INTO sales_days (day, family, center, units_shipped, shipped_cents, units_returned,
                        units_credited, credit_cents)
SELECT day, family, center, SUM(shipped), SUM(shipped_cents), SUM(returned), SUM(credited),
       SUM(credit_cents)
FROM (
    SELECT s.ship_date AS day, x.family AS family, x.center AS center, 1 AS shipped,
           x.price_cents AS shipped_cents, 0 AS returned, 0 AS credited, 0 AS credit_cents
    FROM shipment_units x JOIN shipments s ON s.id = x.shipment_id
    UNION ALL
    SELECT r.return_date, x.family, x.center, 0, 0, 1,
           CASE WHEN r.credit_cents > 0 THEN 1 ELSE 0 END, r.credit_cents
    FROM unit_returns r JOIN shipment_units x
         ON x.unit_id = r.unit_id AND x.shipment_id = r.shipment_id
) sold
GROUP BY day, family, center;
