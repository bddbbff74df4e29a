package dev.rollgate.controlplane.release.persistence;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.rollgate.controlplane.release.port.Notifier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delivery progress of each notifier per release (table notifier_progress). Every statement is a transaction of
 * its own and uses the database's clock, so no transaction stays open during a delivery and replicas' clocks
 * never have to agree.
 */
@Repository
public class OutboxRepository {

    /** The channel {@link EventRepository} signals on commit; its payload is {@link #payload}. */
    public static final String CHANNEL = "rollgate_events";

    private final DatabaseClient db;
    private final String[] notifiers;

    public OutboxRepository(DatabaseClient db, List<Notifier> notifiers) {
        this.db = db;
        this.notifiers = notifiers.stream().map(Notifier::name).distinct().toArray(String[]::new);
    }

    /** A (notifier, release) pair this replica may now deliver alone, from {@code deliveredSeq + 1} to {@code tipSeq}. */
    public record Claim(String notifier, UUID releaseId, int deliveredSeq, int tipSeq, int attempts) {
    }

    /**
     * Inside the caller's transaction: the release's events up to {@code tipSeq} are owed to every notifier, and
     * replicas listening hear of them once the transaction commits (pg_notify is delivered on commit only).
     */
    Mono<Void> owe(UUID releaseId, int fromSeq, int tipSeq, String instance) {
        Mono<Void> owed = notifiers.length == 0 ? Mono.empty()
                // A release without a row has had none since its first event: it predates the outbox (its earlier
                // events went out before) or the notifier is new; either way it starts with these events.
                : db.sql("insert into notifier_progress (notifier, release_id, delivered_seq, tip_seq)"
                                + " select n, :id, :from, :tip from unnest(cast(:names as text[])) as n"
                                + " on conflict (notifier, release_id) do update"
                                + " set tip_seq = greatest(notifier_progress.tip_seq, excluded.tip_seq), updated_at = now()")
                        .bind("id", releaseId).bind("from", fromSeq).bind("tip", tipSeq).bind("names", notifiers)
                        .then();
        Mono<Void> signal = db.sql("select pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL).bind("payload", payload(instance, releaseId, fromSeq, tipSeq))
                .then();
        return owed.then(signal);
    }

    /** Claims up to {@code limit} pairs with events left, not claimed by a live replica and not waiting a retry. */
    public Flux<Claim> claim(String notifier, String instance, Duration ttl, int limit) {
        return db.sql("update notifier_progress p set claimed_by = :me, claimed_until = now() + make_interval(secs => :ttl)"
                        + " where (p.notifier, p.release_id) in (select notifier, release_id from notifier_progress"
                        + " where notifier = :n and delivered_seq < tip_seq"
                        + " and (claimed_until is null or claimed_until < now())"
                        + " and (retry_at is null or retry_at <= now())"
                        + " order by updated_at limit :limit for update skip locked)"
                        + " returning p.release_id, p.delivered_seq, p.tip_seq, p.attempts")
                .bind("me", instance).bind("ttl", seconds(ttl)).bind("n", notifier).bind("limit", limit)
                .map(row -> new Claim(notifier, row.get("release_id", UUID.class),
                        row.get("delivered_seq", Long.class).intValue(), row.get("tip_seq", Long.class).intValue(),
                        (int) Math.min(Integer.MAX_VALUE, row.get("attempts", Long.class))))
                .all();
    }

    /** Moves the cursor past {@code seq} and extends the claim; false when the claim was lost (then stop). */
    public Mono<Boolean> delivered(Claim claim, int seq, String instance, Duration ttl) {
        return db.sql("update notifier_progress set delivered_seq = greatest(delivered_seq, :seq), attempts = 0,"
                        + " retry_at = null, last_error = null, claimed_until = now() + make_interval(secs => :ttl),"
                        + " updated_at = now() where notifier = :n and release_id = :id and claimed_by = :me")
                .bind("seq", seq).bind("ttl", seconds(ttl)).bind("n", claim.notifier()).bind("id", claim.releaseId())
                .bind("me", instance)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Gives the pair back with the next attempt no earlier than {@code retryIn}; the event is not skipped. */
    public Mono<Void> failed(Claim claim, String instance, Duration retryIn, String error) {
        return db.sql("update notifier_progress set attempts = attempts + 1,"
                        + " retry_at = now() + make_interval(secs => :wait), last_error = :error,"
                        + " claimed_by = null, claimed_until = null, updated_at = now()"
                        + " where notifier = :n and release_id = :id and claimed_by = :me")
                .bind("wait", seconds(retryIn)).bind("error", error.length() > 500 ? error.substring(0, 500) : error)
                .bind("n", claim.notifier()).bind("id", claim.releaseId()).bind("me", instance)
                .then();
    }

    /** Gives the pair back at once: whatever was appended meanwhile is claimed by the next pass. */
    public Mono<Void> unclaim(Claim claim, String instance) {
        return db.sql("update notifier_progress set claimed_by = null, claimed_until = null"
                        + " where notifier = :n and release_id = :id and claimed_by = :me")
                .bind("n", claim.notifier()).bind("id", claim.releaseId()).bind("me", instance)
                .then();
    }

    /** Gives back every pair this replica holds (on shutdown). */
    public Mono<Void> unclaimAll(String instance) {
        return db.sql("update notifier_progress set claimed_by = null, claimed_until = null where claimed_by = :me")
                .bind("me", instance).then();
    }

    /**
     * Seconds since the oldest event still owed to one of {@code notifiers}; 0 when nothing is owed. Rows of a
     * notifier no longer configured are never delivered and must not hold the figure up for ever.
     */
    public Mono<Double> lagSeconds(java.util.List<String> notifiers) {
        if (notifiers.isEmpty()) {
            return Mono.just(0.0);
        }
        return db.sql("select coalesce(extract(epoch from now() - min(e.at)), 0)::float8 as lag from notifier_progress p"
                        + " join release_events e on e.release_id = p.release_id and e.seq = p.delivered_seq + 1"
                        + " where p.delivered_seq < p.tip_seq and p.notifier = any(:names)")
                .bind("names", notifiers.toArray(new String[0]))
                .map(row -> row.get("lag", Double.class)).one();
    }

    /** What a notification says: who committed, which release, and which events (exclusive, inclusive]. */
    public static String payload(String instance, UUID releaseId, int fromSeq, int tipSeq) {
        return instance + "|" + releaseId + "|" + fromSeq + "|" + tipSeq;
    }

    public record Signal(String instance, UUID releaseId, int fromSeq, int tipSeq) {
    }

    /** The inverse of {@link #payload}; empty for anything else on the channel. */
    public static java.util.Optional<Signal> parse(String payload) {
        if (payload == null) {
            return java.util.Optional.empty();
        }
        int last = payload.lastIndexOf('|');
        int middle = last < 0 ? -1 : payload.lastIndexOf('|', last - 1);
        int first = middle < 0 ? -1 : payload.lastIndexOf('|', middle - 1);
        if (first <= 0) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new Signal(payload.substring(0, first),
                    UUID.fromString(payload.substring(first + 1, middle)),
                    Integer.parseInt(payload.substring(middle + 1, last)), Integer.parseInt(payload.substring(last + 1))));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
