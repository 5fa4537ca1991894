-- 015_billing.sql - billing and receivables (docs/billing.md): customers,
-- invoices with their lines and the gapless yearly number, credit memos,
-- payments and their applications to invoices; and the two accounts the
-- posting rules of billing need beside the default chart of 003_ledger.sql
-- (1150 unbilled receivables, 2150 customer deposits and unapplied cash).

INSERT INTO accounts (code, name, type, term, segment, report_group, created_at) VALUES
 ('1150', 'Unbilled receivables', 'asset', 'current', '', 'receivables', '1970-01-01T00:00:00Z'),
 ('2150', 'Customer deposits and unapplied cash', 'liability', 'current', '', '', '1970-01-01T00:00:00Z');

-- A customer: a hospital (hospital_id set: its name, address, market and
-- terms are read from the registry's row, the columns here stay empty) or
-- another customer (a device sponsor, a hospital that buys management
-- services only) with its own. A hospital's row is made the first time it
-- is billed; the code is the hospital's.
CREATE TABLE customers (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    hospital_id        INTEGER UNIQUE REFERENCES hospitals (id),
    name               TEXT NOT NULL DEFAULT '',
    market_id          INTEGER REFERENCES markets (id),
    billing_address    TEXT NOT NULL DEFAULT '',
    billing_terms_days INTEGER NOT NULL DEFAULT 30,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL
);

-- The last number issued per year: updated in the transaction that issues
-- an invoice, so a number is never skipped (a failed issue rolls it back)
-- nor used twice (the row is locked until that transaction ends).
CREATE TABLE invoice_counters (
    year        INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- status: draft | issued. A draft has no number, year, sequence or due date.
CREATE TABLE invoices (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    status           TEXT NOT NULL DEFAULT 'draft',
    invoice_date     TEXT NOT NULL,
    terms_days       INTEGER NOT NULL,
    due_date         TEXT,
    year             INTEGER,
    sequence         INTEGER,
    number           TEXT UNIQUE,
    total_cents      INTEGER NOT NULL DEFAULT 0,
    journal_entry_id INTEGER REFERENCES journal_entries (id),
    issued_at        TEXT,
    issued_by        TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    UNIQUE (year, sequence)
);
CREATE INDEX invoices_customer ON invoices (customer_id, invoice_date);

-- source: manual, shipment, procedure, contract_fee, trial_task; every
-- source but manual already recognised its revenue into unbilled
-- receivables (recognised = 1), so issuing moves it to receivables.
-- quantity in hundredths, money in cents; center: a donor center or a
-- market code, '' for none.
CREATE TABLE invoice_lines (
    id                  INTEGER PRIMARY KEY,
    invoice_id          INTEGER NOT NULL REFERENCES invoices (id),
    source              TEXT NOT NULL,
    source_ref          TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL,
    quantity_hundredths INTEGER NOT NULL,
    unit_price_cents    INTEGER NOT NULL,
    amount_cents        INTEGER NOT NULL,
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    center              TEXT NOT NULL DEFAULT '',
    recognised          INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id);

-- A credit memo against an invoice (invoice_id) or standalone (NULL):
-- it reverses revenue (account_id, center) and the receivable.
CREATE TABLE credit_memos (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    invoice_id       INTEGER REFERENCES invoices (id),
    credit_date      TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    center           TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL,
    journal_entry_id INTEGER REFERENCES journal_entries (id), -- set once posted
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX credit_memos_invoice ON credit_memos (invoice_id);
CREATE INDEX credit_memos_customer ON credit_memos (customer_id, credit_date);

CREATE TABLE payments (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id),
    payment_date     TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    method           TEXT NOT NULL DEFAULT '',
    reference        TEXT NOT NULL,
    journal_entry_id INTEGER REFERENCES journal_entries (id), -- set once posted
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, payment_date);

-- An application of a payment to an invoice; undone (never deleted) with
-- a date, a reason and the entry that moved the money back to unapplied
-- cash.
CREATE TABLE payment_applications (
    id               INTEGER PRIMARY KEY,
    payment_id       INTEGER NOT NULL REFERENCES payments (id),
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id),
    applied_date     TEXT NOT NULL,
    amount_cents     INTEGER NOT NULL,
    journal_entry_id INTEGER NOT NULL REFERENCES journal_entries (id),
    undone_date      TEXT,
    undo_reason      TEXT,
    undo_entry_id    INTEGER REFERENCES journal_entries (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX payment_applications_invoice ON payment_applications (invoice_id);
CREATE INDEX payment_applications_payment ON payment_applications (payment_id);
