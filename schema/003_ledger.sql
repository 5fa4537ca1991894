-- 003_ledger.sql - the general ledger (docs/reports.md, "The ledger"): the
-- chart of accounts, the journal (entries of balanced lines, never edited: a
-- correction is a reversing entry), closed periods with their electronic
-- signature, the balances kept per month, account and center as entries post
-- (so reports never scan the journal), the record of each import, and the
-- weighted shares for earnings per share.

-- type: asset, contra_asset, liability, equity, revenue, cost_of_revenue,
--       general_administrative, other (interest, other income), income_tax
-- term: current | non_current for balance-sheet accounts, '' otherwise
-- segment: blood_products | blood_services for revenue and cost of revenue
-- report_group: cash (cash and marketable securities), receivables (net
--       accounts receivable), '' otherwise
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,
    term         TEXT NOT NULL DEFAULT '',
    segment      TEXT NOT NULL DEFAULT '',
    report_group TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

-- The default chart (docs/reports.md, "The default chart of accounts"),
-- with the provision for income taxes that the statements need.
INSERT INTO accounts (code, name, type, term, segment, report_group, created_at) VALUES
 ('1000', 'Cash and cash equivalents', 'asset', 'current', '', 'cash', '1970-01-01T00:00:00Z'),
 ('1010', 'Marketable securities', 'asset', 'current', '', 'cash', '1970-01-01T00:00:00Z'),
 ('1100', 'Accounts receivable', 'asset', 'current', '', 'receivables', '1970-01-01T00:00:00Z'),
 ('1190', 'Allowance for doubtful accounts', 'contra_asset', 'current', '', 'receivables', '1970-01-01T00:00:00Z'),
 ('1200', 'Inventories', 'asset', 'current', '', '', '1970-01-01T00:00:00Z'),
 ('1300', 'Prepaid expenses and other current assets', 'asset', 'current', '', '', '1970-01-01T00:00:00Z'),
 ('1500', 'Property and equipment, net', 'asset', 'non_current', '', '', '1970-01-01T00:00:00Z'),
 ('1600', 'Other non-current assets', 'asset', 'non_current', '', '', '1970-01-01T00:00:00Z'),
 ('2000', 'Accounts payable', 'liability', 'current', '', '', '1970-01-01T00:00:00Z'),
 ('2100', 'Accrued expenses', 'liability', 'current', '', '', '1970-01-01T00:00:00Z'),
 ('2200', 'Line of credit and current notes payable', 'liability', 'current', '', '', '1970-01-01T00:00:00Z'),
 ('2500', 'Notes payable, long-term', 'liability', 'non_current', '', '', '1970-01-01T00:00:00Z'),
 ('2600', 'Other long-term liabilities', 'liability', 'non_current', '', '', '1970-01-01T00:00:00Z'),
 ('3000', 'Common stock', 'equity', '', '', '', '1970-01-01T00:00:00Z'),
 ('3100', 'Retained earnings', 'equity', '', '', '', '1970-01-01T00:00:00Z'),
 ('4000', 'Blood products revenue', 'revenue', '', 'blood_products', '', '1970-01-01T00:00:00Z'),
 ('4100', 'Therapeutic apheresis revenue', 'revenue', '', 'blood_services', '', '1970-01-01T00:00:00Z'),
 ('4200', 'Management contract revenue', 'revenue', '', 'blood_services', '', '1970-01-01T00:00:00Z'),
 ('4300', 'Clinical-trial services revenue', 'revenue', '', 'blood_services', '', '1970-01-01T00:00:00Z'),
 ('5000', 'Cost of blood products', 'cost_of_revenue', '', 'blood_products', '', '1970-01-01T00:00:00Z'),
 ('5100', 'Cost of blood services', 'cost_of_revenue', '', 'blood_services', '', '1970-01-01T00:00:00Z'),
 ('6000', 'Salaries and benefits (G&A)', 'general_administrative', '', '', '', '1970-01-01T00:00:00Z'),
 ('6100', 'Bad-debt provision', 'general_administrative', '', '', '', '1970-01-01T00:00:00Z'),
 ('6200', 'Insurance', 'general_administrative', '', '', '', '1970-01-01T00:00:00Z'),
 ('6900', 'Other G&A', 'general_administrative', '', '', '', '1970-01-01T00:00:00Z'),
 ('7000', 'Interest expense', 'other', '', '', '', '1970-01-01T00:00:00Z'),
 ('7100', 'Other income', 'other', '', '', '', '1970-01-01T00:00:00Z'),
 ('8000', 'Provision for income taxes', 'income_tax', '', '', '', '1970-01-01T00:00:00Z');

-- One row per `bloodops journal import`: which file (and its SHA-256), how
-- much it posted, who ran it.
CREATE TABLE journal_imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    lines       INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

-- source: manual, import, reversal, or the operational module that posted
-- (distribution, apheresis, contracts...); source_ref: the import's entry
-- key or the operational record. Imported entries keep an empty
-- description (the reports show "Imported entry KEY"): at millions of
-- entries a repeated text would double the table.
CREATE TABLE journal_entries (
    id          INTEGER PRIMARY KEY,
    entry_date  TEXT NOT NULL,
    description TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_ref  TEXT NOT NULL DEFAULT '',
    import_id   INTEGER REFERENCES journal_imports (id),
    reverses_id INTEGER REFERENCES journal_entries (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX journal_entries_date ON journal_entries (entry_date);
-- An entry is reversed at most once; partial, so the imported millions of
-- entries that reverse nothing cost no index entry.
CREATE UNIQUE INDEX journal_entries_reverses ON journal_entries (reverses_id)
    WHERE reverses_id IS NOT NULL;

-- Lines in cents, debit positive, credit negative; center is a donor
-- center or market code, '' for none. Keyed by entry so an import appends.
-- backend: sqlite
CREATE TABLE journal_lines (
    entry_id     INTEGER NOT NULL REFERENCES journal_entries (id),
    line_no      INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    center       TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, line_no)
) WITHOUT ROWID;
-- backend: postgres
CREATE TABLE journal_lines (
    entry_id     INTEGER NOT NULL REFERENCES journal_entries (id),
    line_no      INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    center       TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, line_no)
);
-- backend: all

-- Debits and credits (both positive) per month (YYYYMM), account and
-- center, updated in the transaction that posts the lines.
CREATE TABLE ledger_balances (
    month        INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    center       TEXT NOT NULL,
    debit_cents  INTEGER NOT NULL,
    credit_cents INTEGER NOT NULL,
    PRIMARY KEY (month, account_id, center)
);

-- A closed period refuses postings dated inside it. period is "2004",
-- "2004Q1" or "2004-03"; the signature (user, meaning, time) is the
-- electronic signature given by re-entering the password.
CREATE TABLE period_closes (
    id                INTEGER PRIMARY KEY,
    period            TEXT NOT NULL UNIQUE,
    first_day         TEXT NOT NULL,
    last_day          TEXT NOT NULL,
    signed_by         INTEGER NOT NULL REFERENCES users (id),
    signature_meaning TEXT NOT NULL,
    signed_at         TEXT NOT NULL,
    reason            TEXT
);

-- Weighted average shares outstanding for a quarter ("2004Q1").
CREATE TABLE weighted_shares (
    period     TEXT PRIMARY KEY,
    basic      INTEGER NOT NULL,
    diluted    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
