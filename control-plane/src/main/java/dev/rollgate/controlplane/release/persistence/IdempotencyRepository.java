package dev.rollgate.controlplane.release.persistence;

import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** Remembers which release a key produced, so a double click or a redelivery does nothing twice. */
@Repository
public class IdempotencyRepository {

    private final DatabaseClient db;

    public IdempotencyRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Stored> find(String scope, String key) {
        return db.sql("select request_hash, release_id from idempotency_keys where scope = :scope and key = :key")
                .bind("scope", scope).bind("key", key)
                .map(row -> new Stored(row.get("request_hash", String.class), row.get("release_id", UUID.class)))
                .one();
    }

    /** Inserts the key, or leaves the existing one; true when this call stored it. */
    public Mono<Boolean> remember(String scope, String key, String requestHash, UUID releaseId) {
        return db.sql("insert into idempotency_keys (scope, key, request_hash, release_id, created_at)"
                        + " values (:scope, :key, :hash, :release, now()) on conflict do nothing")
                .bind("scope", scope).bind("key", key).bind("hash", requestHash).bind("release", releaseId)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Plain insert: inside a release's creation transaction a clash rolls the creation back. */
    public Mono<Void> insert(String scope, String key, String requestHash, UUID releaseId) {
        return db.sql("insert into idempotency_keys (scope, key, request_hash, release_id, created_at)"
                        + " values (:scope, :key, :hash, :release, now())")
                .bind("scope", scope).bind("key", key).bind("hash", requestHash).bind("release", releaseId)
                .then();
    }

    public record Stored(String requestHash, UUID releaseId) {
    }
}
