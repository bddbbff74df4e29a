-- Engine contract (issue 11).
-- 1. Where a release runs is frozen into it when it is created: the adapters and namespace its environment named
--    then, and the track its previous version is live on (blue-green alternates colours). Rows written before
--    this migration have none recorded (null): the engine drives those as earlier versions did, from the
--    environment's current configuration, on the stable track. No defaults, so an insert that forgets a value
--    fails instead of placing a release somewhere it was never meant to go.
alter table releases add column platform         text;
alter table releases add column router           text;
alter table releases add column metrics_provider text;
alter table releases add column namespace        text;
alter table releases add column base_track       text;
alter table releases add column restore_timeout_ms bigint not null default 300000;

-- 2. A target's slot is held until the release holding it is finalized (its last effects carried out), not
--    merely until it ends: otherwise the next release could start while the ended one still retires its
--    candidate and stops the newcomer's. An ended release left unfinalized behind any newer release of its
--    target (finished or not) must never act again — its restore would undo what came after — so it is
--    finalized here before the stricter index is built.
update releases old set finalized = true
where old.finalized = false
  and old.state not in ('PENDING', 'DEPLOYING', 'PROGRESSING', 'PAUSED', 'PROMOTING', 'ROLLING_BACK')
  and exists (select 1 from releases newer
              where newer.application = old.application and newer.environment = old.environment
                and newer.id <> old.id and newer.created_at > old.created_at);

drop index releases_one_active_per_target;
create unique index releases_one_unfinalized_per_target on releases (application, environment)
    where finalized = false;
