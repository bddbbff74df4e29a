package dev.rollgate.videoapi.health;

import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.publisher.Mono;

/**
 * Readiness check against the database. Bounded by a timeout because a database that
 * accepts connections but never answers would otherwise hang the probe until the
 * orchestrator's own timeout, and a hung probe says nothing about why.
 */
public class DatabaseHealthIndicator implements ReactiveHealthIndicator {

    private final DatabaseClient databaseClient;
    private final Duration timeout;

    public DatabaseHealthIndicator(DatabaseClient databaseClient, Duration timeout) {
        this.databaseClient = databaseClient;
        this.timeout = timeout;
    }

    @Override
    public Mono<Health> health() {
        return databaseClient.sql("SELECT 1")
                .map(row -> row.get(0, Integer.class))
                .first()
                .timeout(timeout)
                .map(one -> Health.up().build())
                .switchIfEmpty(Mono.fromSupplier(() -> Health.down().withDetail("reason", "SELECT 1 returned no row").build()))
                .onErrorResume(error -> Mono.just(Health.down(error).build()));
    }
}
