package dev.rollgate.controlplane.security;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class ApiTokenRepository {

    static final String BOOTSTRAP = "bootstrap";
    /** The bootstrap admin token's name, reserved: a restart with {@code rollgate.admin-token} re-activates it. */
    static final String BOOTSTRAP_NAME = "bootstrap-admin";
    private static final String COLUMNS = "id, name, role, created_by, created_at, revoked_at";

    private final DatabaseClient db;

    public ApiTokenRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<ApiToken> insert(ApiToken token, String hash) {
        return db.sql("insert into api_tokens (id, name, role, token_hash, created_by, created_at)"
                        + " values (:id, :name, :role, :hash, :by, :at)")
                .bind("id", token.id()).bind("name", token.name()).bind("role", token.role().name())
                .bind("hash", hash).bind("by", token.createdBy()).bind("at", token.createdAt())
                .then().thenReturn(token);
    }

    public Mono<ApiToken> findActiveByHash(String hash) {
        return db.sql("select " + COLUMNS + " from api_tokens where token_hash = :hash and revoked_at is null")
                .bind("hash", hash).map(ApiTokenRepository::map).one();
    }

    /** An active token is named so, or the name is the bootstrap token's (which a restart may un-revoke). */
    public Mono<Boolean> nameTaken(String name) {
        if (BOOTSTRAP_NAME.equals(name)) {
            return Mono.just(true);
        }
        return db.sql("select count(*) as n from api_tokens where name = :name"
                        + " and (revoked_at is null or created_by = :by)")
                .bind("name", name).bind("by", BOOTSTRAP)
                .map(row -> row.get("n", Long.class)).one().map(n -> n > 0);
    }

    public Flux<ApiToken> list() {
        return db.sql("select " + COLUMNS + " from api_tokens order by created_at").map(ApiTokenRepository::map).all();
    }

    public Mono<Boolean> revoke(UUID id) {
        return db.sql("update api_tokens set revoked_at = now() where id = :id and revoked_at is null")
                .bind("id", id).fetch().rowsUpdated().map(n -> n == 1);
    }

    public Mono<Boolean> bootstrapExists() {
        return db.sql("select count(*) as n from api_tokens where created_by = :by").bind("by", BOOTSTRAP)
                .map(row -> row.get("n", Long.class)).one().map(n -> n > 0);
    }

    /** Sets the bootstrap admin token's hash, creating the row on first start. */
    public Mono<Void> upsertBootstrap(String hash) {
        return db.sql("insert into api_tokens (id, name, role, token_hash, created_by, created_at)"
                        + " values (:id, :name, 'ADMIN', :hash, :by, now())"
                        + " on conflict (name) where created_by = 'bootstrap'"
                        + " do update set token_hash = excluded.token_hash, revoked_at = null")
                .bind("id", UUID.randomUUID()).bind("name", BOOTSTRAP_NAME).bind("hash", hash).bind("by", BOOTSTRAP)
                .then();
    }

    private static ApiToken map(Readable row) {
        return new ApiToken(row.get("id", UUID.class), row.get("name", String.class),
                Role.valueOf(row.get("role", String.class)), row.get("created_by", String.class),
                row.get("created_at", Instant.class), row.get("revoked_at", Instant.class));
    }
}
