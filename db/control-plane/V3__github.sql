-- GitHub: webhook deliveries (for redelivery replay), the per-target queue of commits that arrived while a
-- release was active, and the GitHub Deployment each release reports its statuses to.

-- One row per X-GitHub-Delivery. status is null while the first request is still being answered; ref and
-- deployment_id carry what the deployment-status notifier needs to know about a release this delivery started.
create table github_deliveries (
    delivery_id   text        primary key,
    event         text        not null,
    ref           text,
    deployment_id bigint,
    status        int,
    answer        text,
    created_at    timestamptz not null,
    answered_at   timestamptz
);
create index github_deliveries_by_age on github_deliveries (created_at);

-- The newest commit waiting for application x environment; a newer delivery replaces an older one.
create table github_release_queue (
    application   text        not null,
    environment   text        not null,
    version       text        not null,
    commit_sha    text,
    delivery_id   text        not null,
    actor         text        not null,
    reason        text        not null,
    queued_at     timestamptz not null,
    primary key (application, environment)
);

-- The GitHub Deployment a release posts its statuses to (created by Rollgate, or the one that started it).
create table github_releases (
    release_id    uuid        primary key references releases (id),
    repository    text        not null,
    deployment_id bigint      not null,
    created_at    timestamptz not null
);
