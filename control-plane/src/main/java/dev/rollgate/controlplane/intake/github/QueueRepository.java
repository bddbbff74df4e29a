package dev.rollgate.controlplane.intake.github;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code github_release_queue}: at most one waiting commit per application × environment, the newest. */
@Repository
public class QueueRepository {

    private final DatabaseClient db;

    public QueueRepository(DatabaseClient db) {
        this.db = db;
    }

    public record Queued(String application, String environment, String version, String commitSha,
                         String deliveryId, String actor, String reason, Instant queuedAt, Instant committedAt) {

        public Queued(String application, String environment, String version, String commitSha,
                      String deliveryId, String actor, String reason, Instant queuedAt) {
            this(application, environment, version, commitSha, deliveryId, actor, reason, queuedAt, null);
        }
    }

    /** Newer replaces older; an older delivery arriving late never displaces a newer one. */
    public Mono<Void> put(Queued q) {
        var spec = db.sql("insert into github_release_queue (application, environment, version, commit_sha,"
                        + " delivery_id, actor, reason, queued_at, committed_at)"
                        + " values (:a, :e, :v, :sha, :d, :actor, :reason, :at, :committedAt)"
                        + " on conflict (application, environment) do update set version = excluded.version,"
                        + " commit_sha = excluded.commit_sha, delivery_id = excluded.delivery_id,"
                        + " actor = excluded.actor, reason = excluded.reason, queued_at = excluded.queued_at,"
                        + " committed_at = excluded.committed_at"
                        + " where github_release_queue.queued_at <= excluded.queued_at")
                .bind("a", q.application()).bind("e", q.environment()).bind("v", q.version())
                .bind("d", q.deliveryId()).bind("actor", q.actor()).bind("reason", q.reason())
                .bind("at", q.queuedAt());
        spec = q.commitSha() == null ? spec.bindNull("sha", String.class) : spec.bind("sha", q.commitSha());
        spec = q.committedAt() == null ? spec.bindNull("committedAt", Instant.class)
                : spec.bind("committedAt", q.committedAt());
        return spec.then();
    }

    public Flux<Queued> all() {
        return db.sql("select * from github_release_queue order by queued_at").map(QueueRepository::map).all();
    }

    public Flux<Queued> waiting(String application, String environment) {
        return db.sql("select * from github_release_queue where application = :a and environment = :e")
                .bind("a", application).bind("e", environment).map(QueueRepository::map).all();
    }

    private static Queued map(io.r2dbc.spi.Readable row) {
        return new Queued(row.get("application", String.class), row.get("environment", String.class),
                row.get("version", String.class), row.get("commit_sha", String.class),
                row.get("delivery_id", String.class), row.get("actor", String.class),
                row.get("reason", String.class), row.get("queued_at", Instant.class),
                row.get("committed_at", Instant.class));
    }

    /** Removes exactly this entry: a newer one queued meanwhile stays for the next turn. */
    public Mono<Void> remove(Queued q) {
        return db.sql("delete from github_release_queue where application = :a and environment = :e"
                        + " and delivery_id = :d")
                .bind("a", q.application()).bind("e", q.environment()).bind("d", q.deliveryId()).then();
    }
}
