package dev.rollgate.controlplane.release.persistence;

import java.time.Duration;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** Expiring per-release leases; the database clock decides expiry so replicas' clocks need not agree. */
@Repository
public class LeaseRepository {

    private final DatabaseClient db;

    public LeaseRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Takes or renews the lease; true when {@code holder} now holds it. */
    public Mono<Boolean> acquire(UUID releaseId, String holder, Duration ttl) {
        return db.sql("insert into leases (release_id, holder, expires_at)"
                        + " values (:id, :holder, now() + make_interval(secs => :ttl))"
                        + " on conflict (release_id) do update set holder = excluded.holder, expires_at = excluded.expires_at"
                        + " where leases.holder = excluded.holder or leases.expires_at < now()"
                        + " returning holder")
                .bind("id", releaseId)
                .bind("holder", holder)
                .bind("ttl", ttl.toMillis() / 1000.0)
                .map(row -> row.get("holder", String.class))
                .one()
                .map(holder::equals)
                .defaultIfEmpty(false);
    }

    public Mono<String> holder(UUID releaseId) {
        return db.sql("select holder from leases where release_id = :id and expires_at > now()")
                .bind("id", releaseId).map(row -> row.get("holder", String.class)).one();
    }

    public Mono<Void> releaseAll(String holder) {
        return db.sql("delete from leases where holder = :holder").bind("holder", holder).then();
    }

    public Mono<Void> drop(UUID releaseId) {
        return db.sql("delete from leases where release_id = :id").bind("id", releaseId).then();
    }
}
