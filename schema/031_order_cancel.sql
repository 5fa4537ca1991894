-- 031_order_cancel.sql - a hospital's order cancelled before it is filled
-- (docs/distribution.md, "Cancelling"): when, by whom and why, kept on the
-- order itself for whoever reads it (its audit record says the same).
-- NULL for every order not cancelled.
ALTER TABLE orders ADD COLUMN cancelled_at TEXT;
ALTER TABLE orders ADD COLUMN cancelled_by TEXT;
ALTER TABLE orders ADD COLUMN cancel_reason TEXT;
