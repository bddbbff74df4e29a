-- When the pushed commit was made (GitHub's head_commit.timestamp), so lead time for changes runs from the commit
-- rather than from the release's creation. Null for releases no push started, and for those before this column.
-- Nullable without a default: adding it rewrites nothing and holds the lock only for the catalogue change.
set local lock_timeout = '5s';
set local statement_timeout = '30s';

alter table releases add column if not exists committed_at timestamptz;
alter table github_release_queue add column if not exists committed_at timestamptz;
