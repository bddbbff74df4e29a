-- Issue 12: production gets exactly what passed staging.
--
-- The prerequisite compares revisions (version, image and configuration) in Java: Revision.digest() is computed
-- from the version, image and config columns every release already stores, so no digest column is needed and
-- old releases compare exactly like new ones.

-- 1. A release a person promoted (their PROMOTE skipped the analysis still to run) is marked, so it can be shown
--    everywhere and an environment that requires analysis does not count it. Rows written before this migration
--    are marked from their history: only a person's command records a PROMOTING or SUCCEEDED event under an actor
--    other than Rollgate itself.
alter table releases add column promoted_by_hand boolean not null default false;

update releases r set promoted_by_hand = true
where exists (select 1 from release_events e
              where e.release_id = r.id and e.type in ('PROMOTING', 'SUCCEEDED') and e.actor_kind <> 'SYSTEM');

-- 2. API token names are unique among tokens that can still authenticate, so a name says which token it is
--    (revoking "ci" revokes the one "ci"); a revoked token's name may be used again. Active duplicates issued
--    before this rule are not revoked (that would break whoever uses them); the first issued keeps its name and
--    later ones become "name (2)", "name (3)", ... skipping any name already taken. The bootstrap admin token is
--    never renamed (it is found by its name) and counts as taken even while revoked, because a restart with
--    rollgate.admin-token set un-revokes it.
do $$
declare
    dup record;
    n int;
begin
    for dup in
        select id, name from (
            select id, name, created_by,
                   row_number() over (partition by name
                                      order by (created_by = 'bootstrap') desc, created_at, id) as rank
            from api_tokens
            where revoked_at is null or created_by = 'bootstrap') ranked
        where rank > 1
        order by name, rank
    loop
        n := 2;
        while exists (select 1 from api_tokens
                      where name = dup.name || ' (' || n || ')' and (revoked_at is null or created_by = 'bootstrap'))
        loop
            n := n + 1;
        end loop;
        update api_tokens set name = dup.name || ' (' || n || ')' where id = dup.id;
    end loop;
end
$$;

create unique index api_tokens_active_name on api_tokens (name) where revoked_at is null;
