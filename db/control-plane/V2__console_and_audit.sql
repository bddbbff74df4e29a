-- Every command from every channel, accepted or refused, with who asked and from where. Written in the same
-- transaction as the state change it caused, so the log never claims what did not happen (or misses what did).
create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null,
    actor_kind  text        not null,
    actor       text        not null,
    action      text        not null,
    outcome     text        not null,
    application text,
    environment text,
    release_id  uuid,
    reason      text,
    detail      text,
    address     text
);
create index audit_log_by_time on audit_log (at desc, id desc);
create index audit_log_by_actor on audit_log (actor_kind, at desc);
create index audit_log_by_target on audit_log (application, environment, at desc);

-- The embedded console's local accounts (form login when no OAuth2 provider is configured). Only hashes.
create table console_users (
    username      text primary key,
    password_hash text        not null,
    role          text        not null,
    created_at    timestamptz not null
);

-- History and overview pages filter and sort by these.
create index releases_by_created on releases (created_at desc);
create index releases_by_state on releases (state, created_at desc);
create index releases_succeeded_by_target on releases (application, environment, state_changed_at desc)
    where state = 'SUCCEEDED';
