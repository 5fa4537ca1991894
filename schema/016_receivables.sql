-- 016_receivables.sql - the allowance for doubtful accounts, write-offs
-- and recoveries (docs/billing.md), and each invoice's open amount kept on
-- its row so that the aging of today reads the open invoices instead of
-- summing every application, credit and write-off.
--
-- The allowance (1190) and the bad-debt provision (6100) are in the
-- default chart of 003_ledger.sql already.

-- The rate of each aging bucket in hundredths of a percent (250 = 2.50 %).
CREATE TABLE receivable_rates (
    bucket         TEXT PRIMARY KEY,
    rate_hundredths INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);
INSERT INTO receivable_rates (bucket, rate_hundredths, updated_at, updated_by) VALUES
 ('current', 100, '1970-01-01T00:00:00Z', 'system'),
 ('1-30', 200, '1970-01-01T00:00:00Z', 'system'),
 ('31-60', 500, '1970-01-01T00:00:00Z', 'system'),
 ('61-90', 1000, '1970-01-01T00:00:00Z', 'system'),
 ('91-120', 2500, '1970-01-01T00:00:00Z', 'system'),
 ('over-120', 5000, '1970-01-01T00:00:00Z', 'system');

-- An adjusting entry of the allowance: amount_cents > 0 raised it (bad-debt
-- provision against allowance), < 0 released it.
CREATE TABLE allowance_adjustments (
    id               INTEGER PRIMARY KEY,
    as_of            TEXT NOT NULL,
    required_cents   INTEGER NOT NULL,
    balance_cents    INTEGER NOT NULL,
    amount_cents     INTEGER NOT NULL,
    reason           TEXT NOT NULL,
    journal_entry_id INTEGER NOT NULL REFERENCES journal_entries (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);

-- A write-off of what was open on an invoice: allowance against
-- receivable. recovered_cents: what recoveries have brought back so far.
CREATE TABLE write_offs (
    id               INTEGER PRIMARY KEY,
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id),
    write_off_date   TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    recovered_cents  INTEGER NOT NULL DEFAULT 0,
    reason           TEXT NOT NULL,
    journal_entry_id INTEGER NOT NULL REFERENCES journal_entries (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX write_offs_invoice ON write_offs (invoice_id);
CREATE INDEX write_offs_date ON write_offs (write_off_date);

-- Cash received later on a written-off invoice: the write-off reversed up
-- to the amount (receivable against allowance) and the cash recorded
-- (cash against receivable), one entry.
CREATE TABLE recoveries (
    id               INTEGER PRIMARY KEY,
    write_off_id     INTEGER NOT NULL REFERENCES write_offs (id),
    recovery_date    TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    reference        TEXT NOT NULL,
    journal_entry_id INTEGER NOT NULL REFERENCES journal_entries (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX recoveries_write_off ON recoveries (write_off_id);

-- What is open on an issued invoice now: its total less active
-- applications, credits and write-offs; kept by every transaction that
-- changes one of them (0 on a draft).
ALTER TABLE invoices ADD COLUMN open_cents INTEGER NOT NULL DEFAULT 0;
UPDATE invoices SET open_cents = total_cents
    - COALESCE((SELECT SUM(a.amount_cents) FROM payment_applications a
                WHERE a.invoice_id = invoices.id AND a.undone_date IS NULL), 0)
    - COALESCE((SELECT SUM(cm.amount_cents) FROM credit_memos cm
                WHERE cm.invoice_id = invoices.id), 0)
    WHERE status = 'issued';
-- The open invoices only, with what the aging's totals read (so they are
-- read from the index alone): the aging of today reads this index.
CREATE INDEX invoices_open ON invoices (due_date, customer_id, invoice_date, open_cents)
    WHERE open_cents <> 0;

-- The newest date of each kind of document, so the aging knows whether a
-- day is on or after every document (then the open amounts are the answer).
CREATE INDEX invoices_date ON invoices (invoice_date);
CREATE INDEX credit_memos_date ON credit_memos (credit_date);
CREATE INDEX payment_applications_applied ON payment_applications (applied_date);
CREATE INDEX payment_applications_undone ON payment_applications (undone_date);
