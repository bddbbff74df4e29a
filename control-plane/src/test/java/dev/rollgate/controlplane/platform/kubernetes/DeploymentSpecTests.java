package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;

class DeploymentSpecTests {

    private static final Target TARGET = new Target("video-api", "staging", "video-staging");
    private static final Revision REVISION = new Revision("1.2.0", null, Map.of("FEATURE_X", "on", "LOG_LEVEL", "debug"));

    private static Deployment desired(Track track, Revision revision) {
        return DeploymentSpec.desired(TARGET, track, revision, "ghcr.io/acme/video-api", KubernetesProperties.defaults());
    }

    private static Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @ParameterizedTest
    @CsvSource({"STABLE, video-api-stable, stable", "CANARY, video-api-canary, canary"})
    void namesAndLabelsTheDeploymentAfterItsTrack(Track track, String name, String trackLabel) {
        Deployment d = desired(track, REVISION);

        assertThat(d.getMetadata().getName()).isEqualTo(name);
        assertThat(d.getMetadata().getNamespace()).isEqualTo("video-staging");
        assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "video-api")
                .containsEntry("app", "video-api").containsEntry("track", trackLabel)
                .containsEntry("version", "1.2.0").containsEntry("rollgate.dev/release", "staging");
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app", "video-api", "track", trackLabel));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(
                d.getSpec().getSelector().getMatchLabels());
        assertThat(d.getMetadata().getAnnotations()).containsEntry("rollgate.dev/revision", REVISION.digest());
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("rollgate.dev/revision", REVISION.digest());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.2.0 |                          | ghcr.io/acme/video-api:1.2.0",
            "1.2.0 | registry.local/v@sha256:ab | registry.local/v@sha256:ab",
            "2.0.0-rc1 |                      | ghcr.io/acme/video-api:2.0.0-rc1",
            // How a release that names no image stores the application's repository: still tagged.
            "1.3.0 | ghcr.io/acme/video-api     | ghcr.io/acme/video-api:1.3.0",
            "1.3.0 | localhost:5000/video-api   | localhost:5000/video-api:1.3.0",
            "1.3.0 | localhost:5000/video-api:x | localhost:5000/video-api:x"})
    void runsTheRevisionsImageOrTheApplicationsImageTaggedWithTheVersion(String version, String image, String expected) {
        assertThat(container(desired(Track.STABLE, new Revision(version, image, Map.of()))).getImage())
                .isEqualTo(expected);
    }

    @Test
    void refusesARevisionWithNoImageAtAllForGood() {
        assertThatThrownBy(() -> DeploymentSpec.desired(TARGET, Track.STABLE, REVISION, null,
                KubernetesProperties.defaults())).isInstanceOf(AdapterException.class)
                .satisfies(e -> assertThat(((AdapterException) e).permanent()).isTrue())
                .hasMessageContaining("no image for version 1.2.0");
    }

    @Test
    void refusesAVersionThatCannotBeAnImageTag() {
        assertThatThrownBy(() -> DeploymentSpec.desired(TARGET, Track.STABLE, new Revision("1.2.0+b7", null, Map.of()),
                "ghcr.io/acme/video-api", KubernetesProperties.defaults())).isInstanceOf(AdapterException.class)
                .hasMessageContaining("not a valid image tag");
    }

    @Test
    void givesTheConfigAsEnvAndTheSecretsByReferenceOnly() {
        Revision sneaky = new Revision("1.2.0", null, Map.of("LOG_LEVEL", "debug", "DATABASE_URL", "postgres://evil"));
        Container c = container(desired(Track.STABLE, sneaky));

        assertThat(c.getEnv()).extracting(EnvVar::getName)
                .containsExactly("LOG_LEVEL", "APP_VERSION", "PORT", "DATABASE_URL", "JWT_SECRET");
        assertThat(c.getEnv().get(0).getValue()).isEqualTo("debug");
        EnvVar db = c.getEnv().get(3);
        assertThat(db.getValue()).isNull();
        assertThat(db.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db-credentials");
        assertThat(db.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("DATABASE_URL");
        assertThat(c.getEnv().get(4).getValueFrom().getSecretKeyRef().getName()).isEqualTo("jwt-secret");
        assertThat(c.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("app-config");
    }

    @Test
    void probesResourcesAndPortAsTheApplicationNeeds() {
        Container c = container(desired(Track.CANARY, REVISION));

        assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(c.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(30);
        assertThat(c.getLivenessProbe().getPeriodSeconds()).isEqualTo(10);
        assertThat(c.getLivenessProbe().getTimeoutSeconds()).isEqualTo(5);
        assertThat(c.getLivenessProbe().getFailureThreshold()).isEqualTo(3);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(c.getReadinessProbe().getInitialDelaySeconds()).isEqualTo(10);
        assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(5);
        assertThat(c.getReadinessProbe().getTimeoutSeconds()).isEqualTo(3);
        assertThat(c.getReadinessProbe().getSuccessThreshold()).isEqualTo(1);
        assertThat(c.getReadinessProbe().getFailureThreshold()).isEqualTo(3);
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("512Mi"));
        assertThat(c.getResources().getLimits()).containsEntry("cpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("1Gi"));
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    }

    @Test
    void rollsOneExtraPodAtATimeWithinTheGivenDeadlineAsNonRoot() {
        KubernetesProperties d = KubernetesProperties.defaults();
        KubernetesProperties options = new KubernetesProperties(true, null, null, 3, 1, false, Duration.ofSeconds(240),
                3, "cfg", "db", "url", "jwt", "key", d.resources(), 80, KubernetesProperties.SmokeMode.IN_CLUSTER,
                java.util.Map.of());
        Deployment dep = DeploymentSpec.desired(TARGET, Track.STABLE, REVISION, "img", options);

        assertThat(dep.getSpec().getReplicas()).isEqualTo(3);
        assertThat(dep.getSpec().getProgressDeadlineSeconds()).isEqualTo(240);
        assertThat(dep.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(dep.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(dep.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(0);
        assertThat(dep.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container(dep).getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("cfg");
        assertThat(container(dep).getEnv().get(container(dep).getEnv().size() - 2).getValueFrom()
                .getSecretKeyRef().getName()).isEqualTo("db");
    }

    @Test
    void aConfigOnlyChangeIsADifferentRevisionOnTheSameVersion() {
        Deployment before = desired(Track.STABLE, REVISION);
        Deployment after = desired(Track.STABLE, new Revision("1.2.0", null, Map.of("FEATURE_X", "off")));

        assertThat(after.getMetadata().getLabels().get("version")).isEqualTo("1.2.0");
        assertThat(after.getMetadata().getAnnotations().get("rollgate.dev/revision"))
                .isNotEqualTo(before.getMetadata().getAnnotations().get("rollgate.dev/revision"));
        assertThat(desired(Track.STABLE, REVISION)).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource({"1.2.0, 1.2.0", "1.2.0+build.7, 1.2.0-build.7", "+x+, x"})
    void makesVersionsValidLabelValues(String version, String label) {
        assertThat(DeploymentSpec.labelValue(version)).isEqualTo(label);
    }
}
