-- The outbox cursor: how far each notifier has delivered each release's events. A row is written (tip_seq
-- raised) in the transaction that appends the events, so a commit is never lost to a crash before delivery;
-- claimed_by/claimed_until let one replica at a time deliver a release without holding a transaction open
-- during a slow Slack or GitHub call.
set local lock_timeout = '5s';
set local statement_timeout = '30s';

create table if not exists notifier_progress (
    notifier      text        not null,
    release_id    uuid        not null references releases (id),
    delivered_seq bigint      not null default 0,
    tip_seq       bigint      not null,
    claimed_by    text,
    claimed_until timestamptz,
    attempts      bigint      not null default 0,
    retry_at      timestamptz,
    last_error    text,
    updated_at    timestamptz not null default now(),
    primary key (notifier, release_id)
);

-- Only rows with something left to deliver: the dispatcher's poll reads this and never the whole history.
create index if not exists notifier_progress_pending on notifier_progress (notifier, updated_at)
    where delivered_seq < tip_seq;
