package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Endpoint;
import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates.Queries;

class PrometheusPropertiesTests {

    /** Binds {@code key, value, key, value...} under rollgate.prometheus, as Spring binds YAML or variables. */
    private static PrometheusProperties bind(String... pairs) {
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            all.put("rollgate.prometheus." + pairs[i], pairs[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("rollgate.prometheus",
                PrometheusProperties.class);
    }

    @Test
    void anEndpointNeedsOnlyAUrl() {
        PrometheusProperties p = bind("endpoints.default.url", "http://prometheus:9090");

        Endpoint e = p.endpoints().get("default");
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.insecureSkipTlsVerify()).isFalse();
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void anEnvironmentWithoutSelectionUsesTheDefaultEndpointAndTheRollgateSet() {
        PrometheusProperties p = bind("endpoints.default.url", "http://prometheus:9090");

        assertThat(p.selection("staging").endpoint()).isEqualTo("default");
        assertThat(p.selection("staging").templates()).isEqualTo("rollgate");
    }

    @Test
    void anEnvironmentCanPickAnEndpointASetAndOverrideSomeQueries() {
        PrometheusProperties p = bind(
                "endpoints.mesh.url", "https://thanos.example:10902/prefix",
                "endpoints.mesh.bearer-token", "t0ken",
                "environments.production.endpoint", "mesh",
                "environments.production.templates", "istio",
                "environments.production.queries.health.bad", "sum(kube_pod_container_status_restarts_total)",
                "environments.production.queries.health.total", "vector(100)");

        assertThat(p.problems()).isEmpty();
        var selection = p.selection("production");
        assertThat(selection.endpoint()).isEqualTo("mesh");
        Queries health = PrometheusProperties.queries(selection, GateKind.HEALTH);
        assertThat(health.bad()).isEqualTo("sum(kube_pod_container_status_restarts_total)");
        assertThat(health.total()).isEqualTo("vector(100)");
        assertThat(health.display()).isEqualTo(QueryTemplates.get("istio", GateKind.HEALTH).orElseThrow().display());
        assertThat(PrometheusProperties.queries(selection, GateKind.ERROR_RATE))
                .isEqualTo(QueryTemplates.get("istio", GateKind.ERROR_RATE).orElseThrow());
    }

    @Test
    void gateKeysAreAcceptedAsEnvironmentVariablesWriteThem() {
        PrometheusProperties p = bind(
                "endpoints.default.url", "http://prometheus:9090",
                "environments.staging.queries.errorrate.total", "vector(1)",
                "environments.staging.queries.p99latency.display", "vector(2)");

        assertThat(p.problems()).isEmpty();
        assertThat(PrometheusProperties.queries(p.selection("staging"), GateKind.ERROR_RATE).total())
                .isEqualTo("vector(1)");
        assertThat(PrometheusProperties.queries(p.selection("staging"), GateKind.LATENCY).display())
                .isEqualTo("vector(2)");
    }

    @Test
    void everyMistakeIsListedWithItsProperty() {
        PrometheusProperties p = bind(
                "endpoints.a.url", "prometheus:9090",
                "endpoints.a.timeout", "0s",
                "endpoints.b.url", "http://b:9090",
                "endpoints.b.bearer-token", "x",
                "endpoints.b.username", "u",
                "endpoints.c.url", "https://c",
                "endpoints.c.ca-file", "/nonexistent/ca.pem",
                "environments.staging.endpoint", "missing",
                "environments.staging.templates", "linkerd",
                "environments.staging.queries.throughput.bad", "x",
                "environments.staging.queries.error-rate.bad", "x{v={{version}}}");

        assertThat(p.problems()).containsExactlyInAnyOrder(
                "rollgate.prometheus.endpoints.a.url: must be an absolute http(s) URL, got 'prometheus:9090'",
                "rollgate.prometheus.endpoints.a.timeout: must be a positive duration, got PT0S",
                "rollgate.prometheus.endpoints.b: set either bearer-token or username/password, not both",
                "rollgate.prometheus.endpoints.c.ca-file: cannot read /nonexistent/ca.pem",
                "rollgate.prometheus.environments.staging.endpoint: no endpoint 'missing' under"
                        + " rollgate.prometheus.endpoints (known: [a, b, c])",
                "rollgate.prometheus.environments.staging.templates: must be one of [rollgate, istio, micrometer],"
                        + " got 'linkerd'",
                "rollgate.prometheus.environments.staging.queries.throughput: not a gate; use error-rate, p99-latency"
                        + " or health",
                "rollgate.prometheus.environments.staging.queries.error-rate.bad: {{version}} must sit inside a"
                        + " double-quoted label value, e.g. version=\"{{version}}\"");
        assertThatIllegalStateException().isThrownBy(() -> new PrometheusEnvironments(p))
                .withMessageStartingWith("Invalid Prometheus configuration:\n  - rollgate.prometheus.");
    }

    @Test
    void secretsStayOutOfToString() {
        PrometheusProperties p = bind(
                "endpoints.a.url", "https://admin:urlpass@prom.example/api",
                "endpoints.a.username", "rollgate",
                "endpoints.a.password", "basicpass",
                "endpoints.b.url", "http://prom:9090",
                "endpoints.b.bearer-token", "tokensecret");

        String shown = p.toString();
        assertThat(shown).doesNotContain("urlpass", "basicpass", "tokensecret", "admin")
                .contains("https://prom.example/api", "auth=basic(rollgate)", "auth=bearer");
    }
}
