-- Console state shared by every replica: the web sessions (so a login on one replica is honoured by the others,
-- and a logout ends it everywhere) and the failed-login counts of the lockout (so guesses spread over replicas
-- add up). Both are new tables: nothing existing is locked. Expired rows are deleted by the control plane.
set local lock_timeout = '5s';
set local statement_timeout = '30s';

create table if not exists console_sessions (
    id             text        primary key,
    attributes     bytea       not null,
    created_at     timestamptz not null,
    last_access_at timestamptz not null,
    max_idle_secs  bigint      not null,
    expires_at     timestamptz not null
);

-- The cleanup deletes by expiry and never scans live sessions.
create index if not exists console_sessions_expires on console_sessions (expires_at);

create table if not exists console_login_failures (
    account         text        primary key,
    failures        bigint      not null,
    locked_until    timestamptz,
    last_failure_at timestamptz not null
);

create index if not exists console_login_failures_last on console_login_failures (last_failure_at);
