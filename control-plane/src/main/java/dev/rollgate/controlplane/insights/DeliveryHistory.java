package dev.rollgate.controlplane.insights;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseState;
import reactor.core.publisher.Mono;

/**
 * The ended releases {@link Dora} counts, in two statements whatever the period holds: the releases (with the first
 * SUCCEEDED after the period, which may restore a failure inside it), then the events of the rolled-back ones.
 */
@Repository
public class DeliveryHistory {

    private static final String ENDED = "'SUCCEEDED', 'ROLLED_BACK', 'ABORTED', 'FAILED'";

    private final DatabaseClient db;

    public DeliveryHistory(DatabaseClient db) {
        this.db = db;
    }

    public Mono<List<Dora.Finished>> ended(String application, String environment, Instant from, Instant to) {
        Mono<List<Row>> rows = db.sql("select id, state, created_at, committed_at, state_changed_at from releases"
                        + " where application = :a and environment = :e and state in (" + ENDED + ")"
                        + " and ((state_changed_at >= :from and state_changed_at < :to)"
                        + " or id = (select id from releases where application = :a and environment = :e"
                        + " and state = 'SUCCEEDED' and state_changed_at >= :to order by state_changed_at limit 1))"
                        + " order by state_changed_at")
                .bind("a", application).bind("e", environment).bind("from", from).bind("to", to)
                .map(row -> new Row(row.get("id", UUID.class), ReleaseState.valueOf(row.get("state", String.class)),
                        row.get("created_at", Instant.class), row.get("committed_at", Instant.class),
                        row.get("state_changed_at", Instant.class)))
                .all().collectList();
        return rows.flatMap(list -> events(list.stream().filter(r -> r.state() == ReleaseState.ROLLED_BACK)
                        .map(Row::id).toList())
                .map(events -> list.stream().map(r -> new Dora.Finished(r.id(), r.state(), r.createdAt(),
                        r.committedAt(), r.endedAt(), events.getOrDefault(r.id(), List.of()))).toList()));
    }

    private Mono<Map<UUID, List<ReleaseEvent>>> events(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("select release_id, type, actor_kind, actor, reason, at from release_events"
                        + " where release_id = any(:ids) order by release_id, seq")
                .bind("ids", ids.toArray(new UUID[0]))
                .map(row -> Map.entry(row.get("release_id", UUID.class), new ReleaseEvent(
                        ReleaseEvent.Type.valueOf(row.get("type", String.class)),
                        new Actor(Actor.Kind.valueOf(row.get("actor_kind", String.class)), row.get("actor", String.class)),
                        row.get("reason", String.class), Map.of(), row.get("at", Instant.class))))
                .all()
                .collect(java.util.LinkedHashMap::new, (Map<UUID, List<ReleaseEvent>> m, Map.Entry<UUID, ReleaseEvent> e)
                        -> m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    }

    private record Row(UUID id, ReleaseState state, Instant createdAt, Instant committedAt, Instant endedAt) {
    }
}
