-- A constant default is a catalog-only change since PostgreSQL 11: no rewrite, no finding.
ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false;

-- Widening a varchar does not rewrite the table either.
ALTER TABLE orders ALTER COLUMN legacy_ref TYPE varchar(64);
