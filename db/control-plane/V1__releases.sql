-- Releases and their append-only history. State and events are written in one transaction; the partial
-- unique index is what guarantees one active release per application x environment, whatever the code does.
create table releases (
    id                  uuid primary key,
    application         text        not null,
    environment         text        not null,
    version             text        not null,
    image               text,
    config              jsonb       not null default '{}',
    commit_sha          text,
    previous_version    text,
    previous_image      text,
    previous_config     jsonb,
    strategy            text        not null,
    steps               int[]       not null,
    step_duration_ms    bigint      not null,
    inconclusive_grace_ms bigint    not null,
    failure_limit       int         not null,
    error_limit         int         not null,
    ready_timeout_ms    bigint      not null,
    analysis            boolean     not null,
    smoke               boolean     not null,
    state               text        not null,
    paused_from         text,
    step                int         not null default 0,
    weight              int         not null default 0,
    step_started_at     timestamptz,
    state_changed_at    timestamptz not null,
    failures            int         not null default 0,
    consecutive_errors  int         not null default 0,
    finalized           boolean     not null default false,
    started_by_kind     text        not null,
    started_by          text        not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    lock_version        bigint      not null default 0
);

create unique index releases_one_active_per_target on releases (application, environment)
    where state in ('PENDING', 'DEPLOYING', 'PROGRESSING', 'PAUSED', 'PROMOTING', 'ROLLING_BACK');
create index releases_by_target on releases (application, environment, created_at desc);
create index releases_unsettled on releases (state) where finalized = false;

create table release_events (
    id          bigserial primary key,
    release_id  uuid        not null references releases (id),
    seq         int         not null,
    type        text        not null,
    actor_kind  text        not null,
    actor       text        not null,
    reason      text,
    data        jsonb       not null default '{}',
    at          timestamptz not null,
    unique (release_id, seq)
);

create table gate_measurements (
    id          bigserial primary key,
    release_id  uuid        not null references releases (id),
    gate        text        not null,
    track       text        not null,
    value       double precision,
    threshold   double precision not null,
    bad         bigint      not null,
    total       bigint      not null,
    verdict     text        not null,
    detail      text,
    at          timestamptz not null
);
create index gate_measurements_by_release on gate_measurements (release_id, at);

create table api_tokens (
    id          uuid primary key,
    name        text        not null,
    role        text        not null,
    token_hash  text        not null unique,
    created_by  text        not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz
);
create unique index api_tokens_bootstrap on api_tokens (name) where created_by = 'bootstrap';

-- Commands and creations carry an idempotency key; a replay returns what the first request produced.
create table idempotency_keys (
    key          text        not null,
    scope        text        not null,
    request_hash text        not null,
    release_id   uuid        not null references releases (id),
    created_at   timestamptz not null,
    primary key (scope, key)
);

-- The reconciler runs on every replica; a release is driven by whoever holds its unexpired lease.
create table leases (
    release_id  uuid primary key references releases (id),
    holder      text        not null,
    expires_at  timestamptz not null
);
