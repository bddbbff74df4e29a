-- The Slack message that stands for a release: later events rewrite it (chat.update) and reply in its thread,
-- so its ts must survive a restart and be visible to every replica.
create table slack_messages (
    release_id  uuid        primary key references releases (id),
    channel     text        not null,
    ts          text        not null,
    created_at  timestamptz not null default now()
);
