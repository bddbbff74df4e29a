package dev.rollgate.controlplane.platform.kubernetes;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

import reactor.core.publisher.Mono;

/**
 * The {@code kubernetes} component of {@code /actuator/health}: UP with the API server's version when it answers,
 * DOWN with the reason when it does not. Only the aggregate health carries it, not the liveness or readiness
 * groups, so a cluster outage never gets Rollgate restarted or taken out of its own Service.
 */
public class KubernetesHealthIndicator implements ReactiveHealthIndicator {

    private final ClusterReachability reachability;

    public KubernetesHealthIndicator(ClusterReachability reachability) {
        this.reachability = reachability;
    }

    @Override
    public Mono<Health> health() {
        return reachability.check().map(answer -> answer.reachable()
                ? Health.up().withDetail("server", answer.server()).withDetail("version", answer.version()).build()
                : Health.down().withDetail("server", answer.server()).withDetail("error", answer.error()).build());
    }
}
