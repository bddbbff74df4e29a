-- Expand step of expand/contract: nullable and without a default, so the version still running
-- (which does not know the column) keeps inserting rows, and PostgreSQL adds it without a rewrite.
ALTER TABLE videos ADD COLUMN published_at TIMESTAMPTZ;
