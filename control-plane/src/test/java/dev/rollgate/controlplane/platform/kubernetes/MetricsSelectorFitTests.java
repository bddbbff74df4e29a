package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The shipped {@code istio} and {@code micrometer} PromQL select what this platform creates: Istio names the
 * destination workload after the Deployment ({@code <app>-<track>}) and its namespace; Prometheus's pod scrapes
 * carry the pods' {@code app} / {@code version} labels and namespace; Micrometer's {@code version} tag comes from
 * the APP_VERSION the Deployment sets.
 */
class MetricsSelectorFitTests {

    private static final Pattern MATCHER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** The template with its placeholders filled as the engine fills them for one gate query. */
    private static String render(String template, Target target, Track track, String version) {
        return template.replace("{{application}}", target.application())
                .replace("{{environment}}", target.environment()).replace("{{namespace}}", target.namespace())
                .replace("{{track}}", track.id()).replace("{{version}}", version)
                .replace("{{window}}", "60s").replace("{{le}}", "0.5").replace("{{le_ms}}", "500");
    }

    /** The equality matchers of the first selector on {@code metric} in {@code query}. */
    private static Map<String, String> selector(String query, String metric) {
        int start = query.indexOf(metric + "{");
        assertThat(start).as("%s in %s", metric, query).isNotNegative();
        String body = query.substring(start + metric.length() + 1, query.indexOf('}', start));
        Map<String, String> matchers = new LinkedHashMap<>();
        Matcher m = MATCHER.matcher(body);
        while (m.find()) {
            matchers.put(m.group(1), m.group(2));
        }
        return matchers;
    }

    @ParameterizedTest
    @CsvSource({"STABLE, 2.0.0", "CANARY, 2.0.0", "CANARY, 1.2.0-rc.1", "STABLE, 2024.05.01_build-7",
        "CANARY, v123456789012345678901234567890123456789012345678901234567890ab"})
    void istioSelectsTheTracksDeploymentInItsNamespace(Track track, String version) {
        Target target = new Target("video-api", "production", "video-production");
        Deployment d = DeploymentSpec.desired(target, track, new Revision(version, null, Map.of()), "img/video-api",
                KubernetesProperties.defaults());

        for (GateKind gate : new GateKind[] {GateKind.ERROR_RATE, GateKind.LATENCY}) {
            QueryTemplates.Queries q = QueryTemplates.get(QueryTemplates.ISTIO, gate).orElseThrow();
            String metric = gate == GateKind.ERROR_RATE ? "istio_requests_total"
                    : "istio_request_duration_milliseconds_count";
            assertThat(selector(render(q.total(), target, track, version), metric))
                    .containsEntry("reporter", "destination")
                    .containsEntry("destination_workload", d.getMetadata().getName())
                    .containsEntry("destination_workload_namespace", d.getMetadata().getNamespace());
        }
    }

    @ParameterizedTest
    @CsvSource({"istio, CANARY, 2.0.0", "micrometer, STABLE, 2.0.0", "micrometer, CANARY, 1.2.0-rc.1",
        "istio, STABLE, 2024.05.01_build-7",
        "micrometer, CANARY, v123456789012345678901234567890123456789012345678901234567890ab"})
    void theHealthGateSelectsTheCandidatesPodsByTheirLabels(String set, Track track, String version) {
        Target target = new Target("video-api", "production", "video-production");
        Deployment d = DeploymentSpec.desired(target, track, new Revision(version, null, Map.of()), "img/video-api",
                KubernetesProperties.defaults());
        Map<String, String> pod = d.getSpec().getTemplate().getMetadata().getLabels();

        QueryTemplates.Queries health = QueryTemplates.get(set, GateKind.HEALTH).orElseThrow();
        Map<String, String> up = selector(render(health.total(), target, track, version), "up");

        // The scrape job copies the pod's namespace and its app / version labels onto the target.
        assertThat(up).containsOnlyKeys("namespace", "app", "version");
        assertThat(up.get("namespace")).isEqualTo(d.getMetadata().getNamespace());
        assertThat(up.get("app")).isEqualTo(pod.get("app"));
        assertThat(up.get("version")).isEqualTo(pod.get("version"));
    }

    @ParameterizedTest
    @CsvSource({"STABLE, 2.0.0", "CANARY, 1.2.0-rc.1"})
    void micrometerSelectsTheVersionTheDeploymentGivesTheWorkload(Track track, String version) {
        Target target = new Target("video-api", "production", "video-production");
        Deployment d = DeploymentSpec.desired(target, track, new Revision(version, null, Map.of()), "img/video-api",
                KubernetesProperties.defaults());
        String appVersion = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("APP_VERSION")).map(EnvVar::getValue).findFirst().orElseThrow();

        QueryTemplates.Queries errors = QueryTemplates.get(QueryTemplates.MICROMETER, GateKind.ERROR_RATE)
                .orElseThrow();
        Map<String, String> s = selector(render(errors.total(), target, track, version),
                "http_server_requests_seconds_count");

        // video-api tags its meters application=video-api and version=APP_VERSION; the namespace is the scrape's.
        assertThat(s).containsEntry("namespace", d.getMetadata().getNamespace())
                .containsEntry("application", target.application())
                .containsEntry("version", appVersion);
    }
}
