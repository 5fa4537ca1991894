-- 014_company.sql - the company that runs this installation: its name is
-- printed on every document and printout (the foot of a PDF, the head of a
-- printed page), docs/registry.md "The company". One row, always there;
-- the name is empty until an administrator sets it.
CREATE TABLE company (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO company (id, name, updated_at) VALUES (1, '', '1970-01-01T00:00:00Z');
