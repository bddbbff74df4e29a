package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

class ServiceSpecTests {

    private static final Target TARGET = new Target("video-api", "staging", "video-staging");

    private static KubernetesProperties withPort(int port) {
        KubernetesProperties d = KubernetesProperties.defaults();
        return new KubernetesProperties(true, null, null, 1, 1, false, d.progressDeadline(), 3, "cfg", "db", "url",
                "jwt", "key", d.resources(), 80, KubernetesProperties.SmokeMode.IN_CLUSTER,
                Map.of("staging", new KubernetesProperties.EnvironmentOptions(null, null, null, port, null, null,
                        null)));
    }

    @ParameterizedTest
    @CsvSource({"STABLE, video-api-stable, stable", "CANARY, video-api-canary, canary"})
    void aTracksServiceSelectsThatTracksPodsOnly(Track track, String name, String id) {
        Service s = ServiceSpec.track(TARGET, track, KubernetesProperties.defaults());

        assertThat(s.getMetadata().getName()).isEqualTo(name);
        assertThat(s.getMetadata().getNamespace()).isEqualTo("video-staging");
        assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "video-api", "track", id));
        assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate")
                .containsEntry("app.kubernetes.io/name", "video-api").containsEntry("app", "video-api")
                .containsEntry("track", id).containsEntry("rollgate.dev/release", "staging");
        assertThat(s.getMetadata().getAnnotations()).doesNotContainKey(ServiceSpec.ROUTE_ANNOTATION);
    }

    @Test
    void everyServiceSendsItsPortToTheContainersHttpPort() {
        for (Service s : new Service[] {ServiceSpec.track(TARGET, Track.CANARY, withPort(8081)),
                ServiceSpec.main(TARGET, Track.STABLE, withPort(8081)),
                ServiceSpec.preview(TARGET, Track.CANARY, withPort(8081))}) {
            ServicePort p = s.getSpec().getPorts().get(0);
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8081);
            assertThat(p.getTargetPort().getIntVal()).isEqualTo(DeploymentSpec.PORT);
            assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
        }
        assertThat(ServiceSpec.main(TARGET, null, KubernetesProperties.defaults()).getSpec().getPorts().get(0)
                .getPort()).as("the platform-wide port where the environment gives none").isEqualTo(80);
    }

    @Test
    void theMainServiceSaysWhichSelectorRollgateSet() {
        Service one = ServiceSpec.main(TARGET, Track.CANARY, KubernetesProperties.defaults());
        Service both = ServiceSpec.main(TARGET, null, KubernetesProperties.defaults());

        assertThat(one.getMetadata().getName()).isEqualTo("video-api");
        assertThat(one.getSpec().getSelector()).isEqualTo(Map.of("app", "video-api", "track", "canary"));
        assertThat(one.getMetadata().getAnnotations()).containsEntry("rollgate.dev/route", "canary");
        assertThat(both.getSpec().getSelector()).isEqualTo(Map.of("app", "video-api"));
        assertThat(both.getMetadata().getAnnotations()).containsEntry("rollgate.dev/route", "both");
    }

    @Test
    void thePreviewSelectsTheTrackShown() {
        Service s = ServiceSpec.preview(TARGET, Track.CANARY, KubernetesProperties.defaults());

        assertThat(s.getMetadata().getName()).isEqualTo("video-api-preview");
        assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "video-api", "track", "canary"));
        assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate");
    }
}
