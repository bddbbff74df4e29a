package dev.rollgate.controlplane.release.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.InstanceId;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The append-only release history. Callers write inside the transaction that changes the release. */
@Repository
public class EventRepository {

    private final DatabaseClient db;
    private final JsonColumns json;
    private final OutboxRepository outbox;
    private final InstanceId instance;

    public EventRepository(DatabaseClient db, JsonColumns json, OutboxRepository outbox, InstanceId instance) {
        this.db = db;
        this.json = json;
        this.outbox = outbox;
        this.instance = instance;
    }

    /** Also records, in the same transaction, that the events are owed to every notifier (the outbox). */
    Mono<Void> append(UUID releaseId, int lastSeq, List<ReleaseEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return Flux.range(0, events.size())
                .concatMap(i -> insert(releaseId, lastSeq + i + 1, events.get(i)))
                .then(outbox.owe(releaseId, lastSeq, lastSeq + events.size(), instance.value()));
    }

    Mono<Void> appendAfterLast(UUID releaseId, List<ReleaseEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("select coalesce(max(seq), 0) as seq from release_events where release_id = :id")
                .bind("id", releaseId).map(row -> row.get("seq", Integer.class)).one()
                .flatMap(last -> append(releaseId, last, events));
    }

    private Mono<Void> insert(UUID releaseId, int seq, ReleaseEvent e) {
        var spec = db.sql("insert into release_events (release_id, seq, type, actor_kind, actor, reason, data, at)"
                        + " values (:id, :seq, :type, :kind, :actor, :reason, :data, :at)")
                .bind("id", releaseId)
                .bind("seq", seq)
                .bind("type", e.type().name())
                .bind("kind", e.actor().kind().name())
                .bind("actor", e.actor().identity())
                .bind("data", json.write(e.data()))
                .bind("at", e.at());
        return Binds.nullable(spec, "reason", e.reason(), String.class).then();
    }

    public Flux<StoredEvent> list(UUID releaseId) {
        return list(releaseId, 0, Integer.MAX_VALUE);
    }

    /** The events with {@code afterSeq < seq <= upToSeq}, in order. */
    public Flux<StoredEvent> list(UUID releaseId, int afterSeq, int upToSeq) {
        return db.sql("select seq, type, actor_kind, actor, reason, data::text as data, at from release_events"
                        + " where release_id = :id and seq > :after and seq <= :upTo order by seq")
                .bind("id", releaseId).bind("after", afterSeq).bind("upTo", upToSeq)
                .map(row -> new StoredEvent(row.get("seq", Integer.class), new ReleaseEvent(
                        ReleaseEvent.Type.valueOf(row.get("type", String.class)),
                        new Actor(Actor.Kind.valueOf(row.get("actor_kind", String.class)), row.get("actor", String.class)),
                        row.get("reason", String.class),
                        json.readObject(row.get("data", String.class)),
                        row.get("at", Instant.class))))
                .all();
    }

    /** The reason of each release's latest event (the history's outcome column); releases without one are left out. */
    public Mono<java.util.Map<UUID, String>> lastReasons(java.util.Collection<UUID> releaseIds) {
        if (releaseIds.isEmpty()) {
            return Mono.just(java.util.Map.of());
        }
        return db.sql("select distinct on (release_id) release_id, reason from release_events"
                        + " where release_id = any(:ids) order by release_id, seq desc")
                .bind("ids", releaseIds.toArray(new UUID[0]))
                .map(row -> java.util.Map.entry(row.get("release_id", UUID.class),
                        java.util.Optional.ofNullable(row.get("reason", String.class))))
                .all()
                .filter(e -> e.getValue().isPresent())
                .collectMap(java.util.Map.Entry::getKey, e -> e.getValue().get());
    }

    /**
     * Releases written since {@code since} (database time) with the seq of their latest event, and the database's
     * time now: how a replica that could not listen for a while finds what it missed.
     */
    public Mono<Changed> changedSince(Instant since) {
        Mono<java.util.Map<UUID, Integer>> latest = db.sql("select distinct on (e.release_id) e.release_id, e.seq"
                        + " from release_events e join releases r on r.id = e.release_id where r.updated_at > :since"
                        + " order by e.release_id, e.seq desc")
                .bind("since", since)
                .map(row -> java.util.Map.entry(row.get("release_id", UUID.class), row.get("seq", Integer.class)))
                .all()
                .collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue);
        return databaseNow().zipWith(latest, Changed::new);
    }

    public Mono<Instant> databaseNow() {
        return db.sql("select now() as now").map(row -> row.get("now", Instant.class)).one();
    }

    public record Changed(Instant now, java.util.Map<UUID, Integer> latestSeq) {
    }

    public record StoredEvent(int seq, ReleaseEvent event) {
    }
}
