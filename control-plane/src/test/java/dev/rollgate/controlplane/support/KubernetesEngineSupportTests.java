package dev.rollgate.controlplane.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;

import dev.rollgate.controlplane.platform.kubernetes.KubernetesWorkloads;
import dev.rollgate.controlplane.platform.kubernetes.RequestCounter;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.PlatformRegistry;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.Workloads;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The Kubernetes engine test support itself: the context, its platform on the mock cluster, its metrics. */
@KubernetesEngineTest
class KubernetesEngineSupportTests {

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    PlatformRegistry platforms;
    @Autowired
    Policies policies;
    @Autowired
    MockCluster cluster;
    @Autowired
    ScriptedReadings readings;
    @Autowired
    ReactiveHealthContributorRegistry health;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @Test
    void theKubernetesPlatformIsTheRealAdapterOnTheMockCluster() {
        Environment env = policies.environment("k8s-rolling").orElseThrow();
        Workloads workloads = platforms.workloads(env).orElseThrow();
        assertThat(workloads).isInstanceOf(KubernetesWorkloads.class);
        // A namespace no release uses: the context, and so the counter, may be shared with other test classes.
        Target target = new Target("k8s-a", env.name(), "rollgate-k8s-support");
        Revision revision = new Revision("1.0.0", "ghcr.io/rollgate-test/k8s-a:1.0.0", Map.of());
        RequestCounter.Window window = cluster.requests().window();

        workloads.apply(target, Track.STABLE, revision).block();

        Deployment d = cluster.client().apps().deployments().inNamespace("rollgate-k8s-support")
                .withName("k8s-a-stable").get();
        assertThat(d.getSpec().getReplicas()).as("rollgate.kubernetes.replicas of the k8stest profile").isEqualTo(2);
        assertThat(window.about("/namespaces/rollgate-k8s-support/")).filteredOn(r -> r.verb().write())
                .extracting(Object::toString)
                .containsExactly("CREATE /apis/apps/v1/namespaces/rollgate-k8s-support/deployments",
                        "CREATE /api/v1/namespaces/rollgate-k8s-support/services");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(workloads.status(target, Track.STABLE).block().serves(revision.digest())).isTrue());
        assertThat(cluster.simulator().pods("rollgate-k8s-support", "k8s-a-stable")).hasSize(2);
    }

    @Test
    void aReleaseToAnEnvironmentWhoseRouterIsMissingIsRefused() {
        assertThatThrownBy(() -> driver.start("k8s-b", "k8s-unrouted", "1.0.0"))
                .isInstanceOfSatisfying(ReleaseProblem.class, p -> {
                    assertThat(p.kind()).isEqualTo(ReleaseProblem.Kind.UNAVAILABLE);
                    assertThat(p.getMessage()).contains("environment k8s-unrouted cannot take releases")
                            .contains("router 'no-such-router' is not available");
                });
        assertThat(releases.findHolder("k8s-b", "k8s-unrouted").blockOptional()).isEmpty();
        assertThat(cluster.client().apps().deployments().inNamespace("rollgate-k8s-unrouted").list().getItems())
                .isEmpty();
    }

    @Test
    void theMockClusterAnswersAndHasTheEnvironmentsNamespacesSoReleasesAreNotRefused() {
        Environment env = policies.environment("k8s-rolling").orElseThrow();
        var placement = PlatformRegistry.placement(env, Track.STABLE);

        assertThat(platforms.unavailable(placement, new Target("k8s-a", env.name(), env.namespace())).block())
                .isEmpty();
        assertThat(platforms.unavailable(placement, new Target("k8s-a", env.name(), "rollgate-k8s-nowhere")).block())
                .get().asString().isEqualTo("namespace rollgate-k8s-nowhere does not exist on the cluster at "
                        + cluster.rollgateClient().getMasterUrl());
        Health kubernetes = ((ReactiveHealthIndicator) health.getContributor("kubernetes")).health().block();
        assertThat(kubernetes.getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theScriptedMetricsReadPerApplicationAndVersion() {
        Environment env = policies.environment("k8s-canary").orElseThrow();
        var metrics = platforms.metrics(PlatformRegistry.placement(env, Track.STABLE)).orElseThrow();
        readings.errorRate("k8s-c", "2.0.0", 0.30);
        Target target = new Target("k8s-c", env.name(), env.namespace());

        var bad = metrics.sample(query(target, "2.0.0", GateKind.ERROR_RATE)).block();
        var otherGate = metrics.sample(query(target, "2.0.0", GateKind.LATENCY)).block();
        var otherApp = metrics.sample(query(new Target("k8s-d", env.name(), env.namespace()), "2.0.0",
                GateKind.ERROR_RATE)).block();

        assertThat(metrics.name()).isEqualTo("k8s-scripted");
        assertThat(bad.bad()).isEqualTo(60);
        assertThat(bad.total()).isEqualTo(200);
        assertThat(bad.display()).isEqualTo(30.0);
        assertThat(otherGate.bad()).isZero();
        assertThat(otherApp.bad()).isZero();
    }

    private static GateQuery query(Target target, String version, GateKind gate) {
        return new GateQuery(target, Track.CANARY, version, gate, Duration.ofSeconds(30), Duration.ofMillis(500));
    }
}
