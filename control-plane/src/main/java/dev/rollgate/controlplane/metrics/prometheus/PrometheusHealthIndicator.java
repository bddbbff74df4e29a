package dev.rollgate.controlplane.metrics.prometheus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * The {@code prometheus} component of {@code /actuator/health}: one entry per configured endpoint, UP when its
 * API answers (with the server's version), DOWN with the reason when it does not. A release gated on a DOWN
 * endpoint will pause on provider errors, so this is where an operator looks first.
 */
@Component
public class PrometheusHealthIndicator implements CompositeReactiveHealthContributor {

    private final Map<String, ReactiveHealthIndicator> endpoints = new LinkedHashMap<>();

    public PrometheusHealthIndicator(PrometheusEnvironments environments) {
        environments.clients().forEach((name, client) -> endpoints.put(name, () -> check(client)));
    }

    static Mono<Health> check(PrometheusClient client) {
        return client.version()
                .map(version -> Health.up().withDetail("url", client.url()).withDetail("version", version).build())
                .onErrorResume(e -> Mono.just(Health.down().withDetail("url", client.url())
                        .withDetail("error", String.valueOf(e.getMessage())).build()));
    }

    @Override
    public ReactiveHealthContributor getContributor(String name) {
        return endpoints.get(name);
    }

    @Override
    public Stream<Entry> stream() {
        return endpoints.entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue()));
    }
}
