package dev.rollgate.controlplane.notify.github;

import java.time.Instant;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** Which GitHub Deployment a release reports to, and what a GitHub delivery said about the release it started. */
@Repository
public class DeploymentLinks {

    private final DatabaseClient db;

    public DeploymentLinks(DatabaseClient db) {
        this.db = db;
    }

    public record Link(String repository, long deploymentId) {
    }

    /** The ref and, for a GitHub deployment event, the deployment id of the delivery that started a release. */
    public record Origin(String ref, Long deploymentId) {
    }

    public Mono<Link> find(UUID releaseId) {
        return db.sql("select repository, deployment_id from github_releases where release_id = :id")
                .bind("id", releaseId)
                .map(row -> new Link(row.get("repository", String.class), row.get("deployment_id", Long.class)))
                .one();
    }

    public Mono<Void> save(UUID releaseId, Link link, Instant now) {
        return db.sql("insert into github_releases (release_id, repository, deployment_id, created_at)"
                        + " values (:id, :repo, :deployment, :now) on conflict do nothing")
                .bind("id", releaseId).bind("repo", link.repository()).bind("deployment", link.deploymentId())
                .bind("now", now).then();
    }

    /**
     * The GitHub intake creates releases with the key {@code github:<delivery>:<app>:<env>} in the same
     * transaction as the release, so the delivery is known the moment the CREATED event arrives.
     */
    public Mono<Origin> origin(UUID releaseId) {
        return db.sql("select d.ref, d.deployment_id from idempotency_keys k join github_deliveries d"
                        + " on d.delivery_id = split_part(k.key, ':', 2)"
                        + " where k.release_id = :id and k.scope = 'create' and k.key like 'github:%' limit 1")
                .bind("id", releaseId)
                .map(row -> new Origin(row.get("ref", String.class), row.get("deployment_id", Long.class)))
                .one();
    }
}
