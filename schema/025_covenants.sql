-- 025_covenants.sql - the company's bank line of credit and its financial
-- covenants (docs/reports.md, "Covenants of the line of credit"), checked
-- in the quarterly report. covenant.c is the one writer of these tables.

-- The line of credit: one row (id 1). limit_cents: what may be drawn;
-- the term from start_date to end_date, end_date moved by each extension;
-- original_end: the end the line was set with (the line is "extended" when
-- end_date is after it).
CREATE TABLE credit_lines (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    lender        TEXT NOT NULL,
    limit_cents   INTEGER NOT NULL CHECK (limit_cents >= 0),
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    original_end  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    CHECK (end_date >= start_date),
    CHECK (original_end <= end_date)
);

-- Each extension of the term, as agreed with the lender: the new end (after
-- the end it replaced), the day the amendment was agreed, a note.
CREATE TABLE credit_line_extensions (
    id            INTEGER PRIMARY KEY,
    new_end       TEXT NOT NULL,
    previous_end  TEXT NOT NULL,
    agreed_on     TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    CHECK (new_end > previous_end)
);

-- A covenant: its kind, its threshold (cents for the dollar kinds,
-- hundredths for the ratios), in force from effective_from to effective_to
-- (NULL: open). active 0 once ended.
CREATE TABLE covenants (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('min_tangible_net_worth',
                        'max_liabilities_to_net_worth', 'min_quick_ratio',
                        'min_quarterly_net_income')),
    threshold       INTEGER NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
