package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.metrics.prometheus.PromqlTemplate.Values;
import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates.Queries;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;

class QueryTemplatesTests {

    private static final GateKind[] MEASURED = {GateKind.ERROR_RATE, GateKind.LATENCY, GateKind.HEALTH};

    private static String render(String template, GateKind gate) {
        return PromqlTemplate.parse(template).render(Values.of(new GateQuery(
                new Target("video-api", "production", "video-production"), Track.CANARY, "2.0.0", gate,
                Duration.ofMinutes(1), Duration.ofMillis(500))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rollgate", "istio", "micrometer"})
    void everyShippedSetAnswersEveryMeasuredGateWithCountsOverTheWindow(String set) {
        for (GateKind gate : MEASURED) {
            Queries q = QueryTemplates.get(set, gate).orElseThrow();
            assertThat(render(q.bad(), gate)).as("%s %s bad", set, gate).contains("[60s]");
            assertThat(render(q.total(), gate)).as("%s %s total", set, gate).contains("[60s]").doesNotContain("{{");
            assertThat(render(q.display(), gate)).as("%s %s display", set, gate).doesNotContain("{{");
        }
        assertThat(QueryTemplates.get(set, GateKind.SMOKE)).isEmpty();
    }

    @Test
    void istioSelectsTheDestinationWorkloadByTrackAndUsesMillisecondBuckets() {
        Queries latency = QueryTemplates.get("istio", GateKind.LATENCY).orElseThrow();

        String selector = "reporter=\"destination\", destination_workload_namespace=\"video-production\","
                + " destination_workload=\"video-api-canary\"";
        String total = "sum(increase(istio_request_duration_milliseconds_count{" + selector + "}[60s]))";
        assertThat(render(latency.total(), GateKind.LATENCY)).isEqualTo(total);
        assertThat(render(latency.bad(), GateKind.LATENCY)).isEqualTo(total
                + " - sum(increase(istio_request_duration_milliseconds_bucket{" + selector + ", le=\"500\"}[60s]))");
        assertThat(render(QueryTemplates.get("istio", GateKind.ERROR_RATE).orElseThrow().bad(), GateKind.ERROR_RATE))
                .isEqualTo("sum(increase(istio_requests_total{" + selector + ", response_code=~\"5..\"}[60s]))"
                        + " or vector(0)");
    }

    @Test
    void micrometerSelectsTheWorkloadByNamespaceApplicationAndVersion() {
        Queries errors = QueryTemplates.get("micrometer", GateKind.ERROR_RATE).orElseThrow();

        assertThat(render(errors.total(), GateKind.ERROR_RATE)).isEqualTo("sum(increase(http_server_requests_seconds_count"
                + "{namespace=\"video-production\", application=\"video-api\", version=\"2.0.0\","
                + " uri!~\"/actuator/.*\"}[60s]))");
        assertThat(render(QueryTemplates.get("micrometer", GateKind.LATENCY).orElseThrow().bad(), GateKind.LATENCY))
                .contains("http_server_requests_seconds_bucket{", "le=\"0.5\"}[60s]");
    }

    @Test
    void withoutAProbeMetricHealthIsFailedScrapesOfTheCandidatesPods() {
        Queries health = QueryTemplates.get("micrometer", GateKind.HEALTH).orElseThrow();

        String up = "up{namespace=\"video-production\", app=\"video-api\", version=\"2.0.0\"}[60s]";
        assertThat(render(health.total(), GateKind.HEALTH)).isEqualTo("sum(count_over_time(" + up + "))");
        assertThat(render(health.bad(), GateKind.HEALTH))
                .isEqualTo("sum(count_over_time(" + up + ")) - sum(sum_over_time(" + up + "))");
        assertThat(QueryTemplates.get("istio", GateKind.HEALTH)).contains(health);
    }

    @Test
    void anOverrideReplacesOnlyTheQueriesItSets() {
        Queries shipped = new Queries("b", "t", "d");

        assertThat(shipped.with(new Queries(null, " ", "d2"))).isEqualTo(new Queries("b", "t", "d2"));
        assertThat(shipped.with(null)).isEqualTo(shipped);
    }

    @ParameterizedTest
    @CsvSource({"error-rate, ERROR_RATE", "errorrate, ERROR_RATE", "ERROR_RATE, ERROR_RATE",
        "p99-latency, LATENCY", "latency, LATENCY", "p99latency, LATENCY", "health, HEALTH"})
    void overridesAddressGatesByIdOrName(String key, GateKind gate) {
        assertThat(QueryTemplates.gate(key)).contains(gate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"smoke", "throughput", ""})
    void keysThatAreNotMeasuredGatesAreRejected(String key) {
        assertThat(QueryTemplates.gate(key)).isEmpty();
    }
}
