package dev.rollgate.controlplane.notify.slack;

import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

import dev.rollgate.controlplane.notify.slack.SlackCalls.Posted;
import reactor.core.publisher.Mono;

/** Where each release's Slack message is (table slack_messages). */
public class SlackMessageRepository {

    private final DatabaseClient db;

    public SlackMessageRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Posted> find(UUID releaseId) {
        return db.sql("select channel, ts from slack_messages where release_id = :id").bind("id", releaseId)
                .map(row -> new Posted(row.get("channel", String.class), row.get("ts", String.class))).one();
    }

    /** Keeps the first message if another replica got there before us. */
    public Mono<Void> save(UUID releaseId, Posted posted) {
        return db.sql("insert into slack_messages (release_id, channel, ts) values (:id, :channel, :ts)"
                        + " on conflict (release_id) do nothing")
                .bind("id", releaseId).bind("channel", posted.channel()).bind("ts", posted.ts()).then();
    }
}
