package dev.rollgate.controlplane.intake.github;

import java.time.Duration;
import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** {@code github_deliveries}: the first answer to each X-GitHub-Delivery, so a redelivery gets it again. */
@Repository
public class DeliveryRepository {

    static final Duration ABANDONED = Duration.ofMinutes(2);

    private final DatabaseClient db;
    private final DeliveryBatcher batcher;

    public DeliveryRepository(DatabaseClient db) {
        this.db = db;
        this.batcher = new DeliveryBatcher(db);
    }

    public record Answer(int status, String body) {
    }

    /**
     * Claims the delivery for this request; false when another request (or an earlier one) has it. A claim left
     * unanswered for {@link #ABANDONED} (its replica died mid-request) is taken over, so a redelivery can finish it.
     */
    public Mono<Boolean> claim(String deliveryId, String event, String ref, Long deploymentId, Instant now) {
        var spec = db.sql("insert into github_deliveries (delivery_id, event, ref, deployment_id, created_at)"
                        + " values (:id, :event, :ref, :deployment, :now) on conflict (delivery_id) do update"
                        + " set event = excluded.event, ref = excluded.ref, deployment_id = excluded.deployment_id,"
                        + " created_at = excluded.created_at"
                        + " where github_deliveries.status is null and github_deliveries.created_at < :abandoned")
                .bind("id", deliveryId).bind("event", event).bind("now", now)
                .bind("abandoned", now.minus(ABANDONED));
        spec = ref == null ? spec.bindNull("ref", String.class) : spec.bind("ref", ref);
        spec = deploymentId == null ? spec.bindNull("deployment", Long.class) : spec.bind("deployment", deploymentId);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Stores a delivery with its answer in one go; false when the delivery was already there. */
    public Mono<Boolean> record(String deliveryId, String event, Answer answer, Instant now) {
        return batcher.insert(new DeliveryBatcher.Row(deliveryId, event, answer, now));
    }

    public Mono<Void> answer(String deliveryId, Answer answer, Instant now) {
        return db.sql("update github_deliveries set status = :status, answer = :answer, answered_at = :now"
                        + " where delivery_id = :id")
                .bind("status", answer.status()).bind("answer", answer.body()).bind("now", now)
                .bind("id", deliveryId).then();
    }

    /** Gives the delivery up after an unexpected failure, so GitHub's redelivery is processed afresh. */
    public Mono<Void> release(String deliveryId) {
        return db.sql("delete from github_deliveries where delivery_id = :id and status is null")
                .bind("id", deliveryId).then();
    }

    /** The stored answer; empty while the first request is still working on it (or when unknown). */
    public Mono<Answer> answered(String deliveryId) {
        return db.sql("select status, answer from github_deliveries where delivery_id = :id and status is not null")
                .bind("id", deliveryId)
                .map(row -> new Answer(row.get("status", Integer.class), row.get("answer", String.class))).one();
    }

    public Mono<Long> pruneOlderThan(Duration retention, Instant now) {
        return db.sql("delete from github_deliveries where created_at < :cutoff")
                .bind("cutoff", now.minus(retention)).fetch().rowsUpdated();
    }
}
