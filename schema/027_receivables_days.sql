-- 027_receivables_days.sql - what the issued documents leave open, changed
-- day by day (docs/billing.md, "What is open at a past date"): each issue,
-- payment application and its undoing, credit memo and write-off adds its
-- change to the open amount on the day it counts from in the aging at a
-- date (its own date, or its invoice's when that is later). The open total
-- at any date is then the sum over the days to it: as many rows as days
-- with documents, however many documents, where the aging itself reads
-- every invoice. billing.c is the one writer (receivables_day_add).
CREATE TABLE receivables_days (
    day                TEXT PRIMARY KEY,
    open_change_cents  INTEGER NOT NULL
);

-- The documents already on record, by the same rule.
INSERT INTO receivables_days (day, open_change_cents)
SELECT day, SUM(change) FROM (
    SELECT invoice_date AS day, total_cents AS change FROM invoices WHERE status = 'issued'
    UNION ALL
    SELECT CASE WHEN a.applied_date > i.invoice_date THEN a.applied_date ELSE i.invoice_date END,
           -a.amount_cents
    FROM payment_applications a JOIN invoices i ON i.id = a.invoice_id
    UNION ALL
    SELECT CASE WHEN a.undone_date > i.invoice_date THEN a.undone_date ELSE i.invoice_date END,
           a.amount_cents
    FROM payment_applications a JOIN invoices i ON i.id = a.invoice_id
    WHERE a.undone_date IS NOT NULL
    UNION ALL
    SELECT CASE WHEN cm.credit_date > i.invoice_date THEN cm.credit_date ELSE i.invoice_date END,
           -cm.amount_cents
    FROM credit_memos cm JOIN invoices i ON i.id = cm.invoice_id
    UNION ALL
    SELECT credit_date, -amount_cents FROM credit_memos WHERE invoice_id IS NULL
    UNION ALL
    SELECT CASE WHEN w.write_off_date > i.invoice_date THEN w.write_off_date
                ELSE i.invoice_date END,
           -w.amount_cents
    FROM write_offs w JOIN invoices i ON i.id = w.invoice_id
) changes
GROUP BY day
HAVING SUM(change) <> 0;
