-- Engine contract (issue 11).
-- 1. Where a release runs is frozen into it when it is created: the adapters and namespace its environment named
--    then, and the track its previous version is live on (blue-green alternates colours). Rows written before
--    this migration ran with the defaults below (the only placement earlier versions drove) on the stable track.
alter table releases add column platform         text   not null default 'local';
alter table releases add column router           text   not null default 'local';
alter table releases add column metrics_provider text   not null default 'builtin';
alter table releases add column namespace        text   not null default 'default';
alter table releases add column base_track       text   not null default 'STABLE';
alter table releases add column restore_timeout_ms bigint not null default 300000;

-- 2. A target's slot is held until the release holding it is finalized (its last effects carried out), not
--    merely until it ends: otherwise the next release could start while the ended one still retires its
--    candidate and stops the newcomer's. An older ended release left unfinalized behind a newer one must never
--    act again, so it is finalized here before the stricter index is built.
update releases old set finalized = true
where old.finalized = false
  and old.state not in ('PENDING', 'DEPLOYING', 'PROGRESSING', 'PAUSED', 'PROMOTING', 'ROLLING_BACK')
  and exists (select 1 from releases newer
              where newer.application = old.application and newer.environment = old.environment
                and newer.id <> old.id and newer.finalized = false and newer.created_at > old.created_at);

drop index releases_one_active_per_target;
create unique index releases_one_unfinalized_per_target on releases (application, environment)
    where finalized = false;
