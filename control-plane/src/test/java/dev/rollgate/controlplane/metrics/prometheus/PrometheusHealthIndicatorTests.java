package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Endpoint;

class PrometheusHealthIndicatorTests {

    private final FakePrometheus prometheus = new FakePrometheus();

    @AfterEach
    void stop() throws IOException {
        prometheus.close();
    }

    private static Endpoint endpoint(String url) {
        return new Endpoint(url, Duration.ofSeconds(2), "token", null, null, false, null);
    }

    private static PrometheusHealthIndicator indicator(Map<String, Endpoint> endpoints) {
        return new PrometheusHealthIndicator(new PrometheusEnvironments(new PrometheusProperties(endpoints, Map.of())));
    }

    private static Health health(PrometheusHealthIndicator indicator, String endpoint) {
        return ((ReactiveHealthIndicator) indicator.getContributor(endpoint)).health().block(Duration.ofSeconds(5));
    }

    @Test
    void eachConfiguredEndpointIsAComponent() {
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        endpoints.put("default", endpoint(prometheus.url()));
        endpoints.put("mesh", endpoint(prometheus.url()));

        assertThat(indicator(endpoints).stream().map(e -> e.name())).containsExactly("default", "mesh");
        assertThat(indicator(Map.of()).stream()).isEmpty();
    }

    @Test
    void anAnsweringPrometheusIsUpWithItsVersion() {
        prometheus.otherwise(FakePrometheus.file(200, "buildinfo.json"));

        Health health = health(indicator(Map.of("default", endpoint(prometheus.url()))), "default");

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("version", "2.13.1").containsEntry("url", prometheus.url());
        assertThat(prometheus.requests()).singleElement().satisfies(r -> {
            assertThat(r.getPath()).isEqualTo("/api/v1/status/buildinfo");
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer token");
        });
    }

    @Test
    void aPrometheusAnsweringAnErrorIsDownWithTheReason() {
        prometheus.otherwise(FakePrometheus.text(503, "Service Unavailable"));

        Health health = health(indicator(Map.of("default", endpoint(prometheus.url()))), "default");

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("error", "HTTP 503: Service Unavailable");
    }

    @Test
    void anUnreachablePrometheusIsDown() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Health health = health(indicator(Map.of("default", endpoint("http://127.0.0.1:" + closed))), "default");

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("error")).contains("cannot reach it");
    }
}
