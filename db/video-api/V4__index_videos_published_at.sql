-- CONCURRENTLY builds the index without blocking writes to a live table. It cannot run inside a
-- transaction (hence V4__index_videos_published_at.sql.conf) and sits alone in its own migration
-- so nothing else depends on that. IF NOT EXISTS lets a re-run after a crash pass, but note that
-- a failed concurrent build leaves an INVALID index behind which IF NOT EXISTS would keep: check
-- pg_index.indisvalid and DROP INDEX CONCURRENTLY it before repairing this migration.
CREATE INDEX CONCURRENTLY IF NOT EXISTS videos_published_at_idx ON videos (published_at);
