package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.KubernetesEngineTest;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Candidates the cluster cannot bring up, through the real engine: the release ends FAILED with what the cluster
 * said, and no user request ever reached the candidate. {@code kb-stuck} is an Istio canary whose ready timeout
 * (15 s) is well past the Deployments' progress deadline (3 s); {@code kb-bluegreen} switches a Service selector.
 */
@KubernetesEngineTest
class KubernetesRolloutFailureFlowTests {

    private static final Logger log = LoggerFactory.getLogger(KubernetesRolloutFailureFlowTests.class);
    private static final String STUCK = "kb-stuck";
    private static final String STUCK_NS = "rollgate-kb-stuck";
    private static final String BLUE_GREEN = "kb-bluegreen";
    private static final String BLUE_GREEN_NS = "rollgate-kb-bluegreen";

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    MockCluster cluster;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @AfterEach
    void clearFaults() {
        cluster.simulator().clearFaults();
    }

    @Test
    void aRolloutThatNeverProgressesFailsOnTheProgressDeadlineWithoutMovingTraffic() {
        Release previous = establish("kb-deadline", STUCK);
        cluster.simulator().neverProgress("kb-deadline-canary");
        ServerHistory history = ServerHistory.of(cluster.client(), STUCK_NS);
        long generation = virtualService(STUCK_NS, "kb-deadline").getMetadata().getGeneration();
        Release release;
        List<String> pairs;
        try (RouteTrail trail = RouteTrail.virtualService(cluster.client(), STUCK_NS, "kb-deadline")) {
            release = driver.start("kb-deadline", STUCK, "2.0.0");
            driver.awaitSettled(release.id(), ReleaseState.FAILED);
            pairs = trail.pairs();
        }

        String hash = SimulatedPods.templateHash(deployment(STUCK_NS, "kb-deadline-canary").getSpec().getTemplate());
        ReleaseEvent failed = only(release, ReleaseEvent.Type.FAILED);
        assertThat(failed.reason()).isEqualTo("candidate failed to start: ProgressDeadlineExceeded: ReplicaSet"
                + " \"kb-deadline-canary-" + hash + "\" has timed out progressing.");
        log.info("never progressing: FAILED {} ms after DEPLOYING (progress deadline 3 s, ready timeout 15 s)",
                Duration.between(only(release, ReleaseEvent.Type.DEPLOYING).at(), failed.at()).toMillis());

        // A poller can miss a short-lived split; the generation counts every spec change: preview route on, off.
        assertThat(pairs).containsExactly("100/0");
        GenericKubernetesResource vs = virtualService(STUCK_NS, "kb-deadline");
        assertThat(vs.getMetadata().getGeneration() - generation).isEqualTo(2);
        assertThat(RouteTrail.virtualService(vs).withPreview()).isEqualTo("100/0/-");
        assertThat(driver.eventTypes(release.id())).doesNotContain(ReleaseEvent.Type.CANDIDATE_READY,
                ReleaseEvent.Type.STEP_ADVANCED);
        assertThat(deployment(STUCK_NS, "kb-deadline-canary").getSpec().getReplicas()).isZero();
        assertThat(history.templateRevisions("kb-deadline-stable")).containsExactly(previous.candidate().digest());
    }

    @Test
    void anImageThatCannotBePulledFailsWithThePodsReasonWithoutMovingTraffic() {
        ServerHistory history = ServerHistory.of(cluster.client(), BLUE_GREEN_NS);
        Release previous = establish("kb-pull", BLUE_GREEN);
        cluster.simulator().imagePullFailure("kb-pull-canary");
        RequestCounter.Window window = cluster.requests().window();

        Release release = driver.start("kb-pull", BLUE_GREEN, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.FAILED);

        String hash = SimulatedPods.templateHash(deployment(BLUE_GREEN_NS, "kb-pull-canary").getSpec().getTemplate());
        String image = "ghcr.io/rollgate-test/kb-pull:2.0.0";
        ReleaseEvent failed = only(release, ReleaseEvent.Type.FAILED);
        assertThat(failed.reason()).matches(Pattern.quote("candidate failed to start: ImagePullBackOff: kb-pull-canary-"
                + hash + "-") + "[01]" + Pattern.quote(": Back-off pulling image \"" + image + "\": ErrImagePull:"
                + " failed to pull and unpack image \"" + image + "\": not found"));
        log.info("image pull failure: FAILED {} ms after DEPLOYING",
                Duration.between(only(release, ReleaseEvent.Type.DEPLOYING).at(), failed.at()).toMillis());

        assertThat(history.selectedTracks("kb-pull")).containsExactly("stable");
        assertThat(window.requests()).noneMatch(r -> r.verb().write()
                && r.path().endsWith("/namespaces/" + BLUE_GREEN_NS + "/services/kb-pull"));
        assertThat(driver.eventTypes(release.id())).doesNotContain(ReleaseEvent.Type.CANDIDATE_READY,
                ReleaseEvent.Type.SMOKE_PASSED, ReleaseEvent.Type.STEP_ADVANCED);
        assertThat(deployment(BLUE_GREEN_NS, "kb-pull-canary").getSpec().getReplicas()).isZero();
        assertThat(history.templateRevisions("kb-pull-stable")).containsExactly(previous.candidate().digest());
        assertThat(history.replicas("kb-pull-stable")).containsExactly(2);
    }

    /** 1.0.0 straight onto stable: the bootstrap needs no smoke check. */
    private Release establish(String app, String env) {
        return driver.awaitSettled(service.bootstrap(app, env, "1.0.0").block().release().id(),
                ReleaseState.SUCCEEDED);
    }

    private ReleaseEvent only(Release release, ReleaseEvent.Type type) {
        List<ReleaseEvent> all = driver.events(release.id()).stream().filter(e -> e.type() == type).toList();
        assertThat(all).as("%s events", type).hasSize(1);
        return all.get(0);
    }

    private GenericKubernetesResource virtualService(String namespace, String name) {
        return cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(namespace)
                .withName(name).get();
    }

    private Deployment deployment(String namespace, String name) {
        return cluster.client().apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
