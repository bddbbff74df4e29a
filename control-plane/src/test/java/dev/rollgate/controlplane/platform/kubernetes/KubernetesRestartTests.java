package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseReconciler;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.LeaseRepository;
import dev.rollgate.controlplane.support.KubernetesEngineTest;
import dev.rollgate.controlplane.support.KubernetesNode;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Rollgate restarted in the middle of a canary: a first replica (its own Spring context on the shared database and
 * mock API server) drives the release to its second step and is shut down; a second one, started afterwards with
 * nothing in memory, takes the release over and finishes it. Asserted on what the API server holds and on the
 * release's events. The {@link KubernetesEngineTest} context's reconciler is held meanwhile, so the second replica
 * is the only one that can take the release over.
 */
@KubernetesEngineTest
class KubernetesRestartTests {

    private static final Logger log = LoggerFactory.getLogger(KubernetesRestartTests.class);
    private static final String ENV = "kf-restart";
    private static final String NS = "rollgate-kf-restart";
    private static final String APP = "kf-restart";

    @Autowired
    ReleaseReconciler reconciler;
    @Autowired
    MockCluster cluster;

    @Test
    void aReplicaStartedAfterTheLastStoppedFinishesTheCanaryFromItsStepWithNothingDuplicatedOrLeftBehind()
            throws Exception {
        Release release;
        List<String> splits;
        List<Long> generations;
        List<ReleaseEvent> history;
        Instant stopped;
        Duration takeover;
        try (AutoCloseable quiet = KubernetesNode.quiet(reconciler);
             RouteTrail trail = RouteTrail.virtualService(cluster.client(), NS, APP)) {
            try (KubernetesNode first = KubernetesNode.start("kf-restart-a", false)) {
                ReleaseDriver a = first.driver();
                cluster.answerSmokeChecks(NS, APP);
                a.bootstrap(APP, ENV, "1.0.0");
                release = a.start(APP, ENV, "2.0.0");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> "75/25/canary".equals(withPreview(trail.last())));
                assertThat(a.releases().findById(release.id()).block().weight()).isEqualTo(25);
            }
            stopped = Instant.now();
            assertThat(withPreview(trail.last())).as("nothing touches the route while no replica runs")
                    .isEqualTo("75/25/canary");

            try (KubernetesNode second = KubernetesNode.start("kf-restart-b", false)) {
                ReleaseDriver b = second.driver();
                LeaseRepository leases = second.bean(LeaseRepository.class);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> leases.holder(release.id()).blockOptional().orElse(null),
                                second.name()::equals);
                takeover = Duration.between(stopped, Instant.now());
                b.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
                history = b.events(release.id());
            }
            splits = trail.splits();
            generations = trail.generations();
        }
        log.info("restart mid-canary: replica 2 held the release {} ms after replica 1 stopped (its start-up"
                + " included); splits seen {}", takeover.toMillis(), splits);

        // Replica 2 neither re-ran a step nor went back to all-stable before going on: the route moved once per step.
        assertThat(splits).containsExactly("100/0/-", "100/0/canary", "95/5/canary", "75/25/canary",
                "50/50/canary", "100/0/-");
        for (int i = 1; i < generations.size(); i++) {
            assertThat(generations.get(i)).as("generations seen %s", generations).isEqualTo(generations.get(i - 1) + 1);
        }
        assertThat(history).filteredOn(e -> e.type() == ReleaseEvent.Type.STEP_ADVANCED)
                .extracting(e -> e.data().get("weight")).containsExactly(5, 25, 50);
        assertThat(history).extracting(ReleaseEvent::type).filteredOn(t -> t != ReleaseEvent.Type.STEP_ADVANCED)
                .doesNotHaveDuplicates().contains(ReleaseEvent.Type.SUCCEEDED);

        assertThat(names(cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(NS)
                .list().getItems())).containsExactly(APP);
        assertThat(names(cluster.client().genericKubernetesResources(IstioRoutes.DESTINATION_RULES).inNamespace(NS)
                .list().getItems())).containsExactly(APP);
        assertThat(names(cluster.client().apps().deployments().inNamespace(NS).list().getItems()))
                .containsExactlyInAnyOrder(APP + "-stable", APP + "-canary");
        assertThat(names(cluster.client().services().inNamespace(NS).list().getItems()))
                .containsExactlyInAnyOrder(APP + "-stable", APP + "-canary");

        GenericKubernetesResource vs = cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES)
                .inNamespace(NS).withName(APP).get();
        assertThat(httpRouteNames(vs)).as("no header route left").containsExactly(IstioRoutes.PRIMARY_ROUTE);
        Deployment stable = cluster.client().apps().deployments().inNamespace(NS).withName(APP + "-stable").get();
        assertThat(stable.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo("ghcr.io/rollgate-test/kf-restart:2.0.0"));
        assertThat(cluster.client().apps().deployments().inNamespace(NS).withName(APP + "-canary").get()
                .getSpec().getReplicas()).isZero();
    }

    private static String withPreview(RouteTrail.Split split) {
        return split == null ? null : split.withPreview();
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> httpRouteNames(GenericKubernetesResource vs) {
        Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
        return ((List<Object>) spec.get("http")).stream().map(r -> ((Map<String, Object>) r).get("name")).toList();
    }
}
