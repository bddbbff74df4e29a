package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.boot.health.contributor.Status.DOWN;
import static org.springframework.boot.health.contributor.Status.UP;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseReconciler;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.support.KubernetesEngineTest;
import dev.rollgate.controlplane.support.KubernetesNode;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The API server refusing, racing and going away under a canary, through the real engine: refusals end the release
 * with the API server's own words, lost races are re-read and retried within the write, an outage pauses the
 * release past the error limit and a person resumes it once the API server is back. The faults are the mock
 * server's expectations (they answer before its CRUD store) and a TCP relay in front of it.
 */
@KubernetesEngineTest
class KubernetesApiFaultTests {

    private static final Logger log = LoggerFactory.getLogger(KubernetesApiFaultTests.class);
    private static final String FAULTS = "kf-faults";
    private static final String FAULTS_NS = "rollgate-kf-faults";
    private static final String DENIED = "kf-denied";
    private static final String DENIED_NS = "rollgate-kf-denied";
    private static final String OUTAGE = "kf-outage";
    private static final String OUTAGE_NS = "rollgate-kf-outage";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:rollgate:rollgate";

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    ReleaseReconciler reconciler;
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
        cluster.relay().up();
    }

    @Test
    void aForbiddenVirtualServiceUpdateFailsTheReleaseWithTheApiServersMessage() {
        establish(driver, "kf-forbidden-route", FAULTS, FAULTS_NS);
        String message = "virtualservices.networking.istio.io \"kf-forbidden-route\" is forbidden: User \""
                + SERVICE_ACCOUNT + "\" cannot update resource \"virtualservices\" in API group"
                + " \"networking.istio.io\" in the namespace \"" + FAULTS_NS + "\"";
        cluster.server().expect().put().withPath(virtualServicePath(FAULTS_NS, "kf-forbidden-route"))
                .andReturn(403, status(403, "Forbidden", message)).always();

        Release release = driver.start("kf-forbidden-route", FAULTS, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.FAILED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("HTTP 403", message));
        assertThat(RouteTrail.virtualService(virtualService(FAULTS_NS, "kf-forbidden-route")).withPreview())
                .as("the refused write changed nothing").isEqualTo("100/0/-");
        assertThat(driver.events(release.id())).extracting(ReleaseEvent::type)
                .doesNotContain(ReleaseEvent.Type.STEP_ADVANCED);
    }

    @Test
    void aForbiddenDeploymentCreateFailsTheReleaseBeforeAnyTrafficMoves() {
        establish(driver, "kf-forbidden-deploy", DENIED, DENIED_NS);
        String message = "deployments.apps is forbidden: User \"" + SERVICE_ACCOUNT + "\" cannot create resource"
                + " \"deployments\" in API group \"apps\" in the namespace \"" + DENIED_NS + "\"";
        cluster.server().expect().post().withPath("/apis/apps/v1/namespaces/" + DENIED_NS + "/deployments")
                .andReturn(403, status(403, "Forbidden", message)).always();

        Release release = driver.start("kf-forbidden-deploy", DENIED, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.FAILED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("kf-forbidden-deploy-canary", "HTTP 403", message));
        assertThat(deployment(DENIED_NS, "kf-forbidden-deploy-canary")).isNull();
        assertThat(RouteTrail.virtualService(virtualService(DENIED_NS, "kf-forbidden-deploy")).withPreview())
                .isEqualTo("100/0/-");
    }

    @Test
    void conflictingWritesAreReReadAndRetriedAndTheCanaryConverges() {
        establish(driver, "kf-conflict", FAULTS, FAULTS_NS);
        // As many lost races in a row as the error limit: only retries inside the write keep the release running.
        Status conflict = status(409, "Conflict", "Operation cannot be fulfilled on virtualservices.networking.istio.io"
                + " \"kf-conflict\": the object has been modified; please apply your changes to the latest version"
                + " and try again");
        cluster.server().expect().put().withPath(virtualServicePath(FAULTS_NS, "kf-conflict"))
                .andReturn(409, conflict).times(3);
        cluster.server().expect().put().withPath("/apis/apps/v1/namespaces/" + FAULTS_NS + "/deployments/kf-conflict-stable")
                .andReturn(409, status(409, "Conflict", "Operation cannot be fulfilled on deployments.apps"
                        + " \"kf-conflict-stable\": the object has been modified; please apply your changes to the"
                        + " latest version and try again")).times(3);

        Release release;
        try (RouteTrail trail = RouteTrail.virtualService(cluster.client(), FAULTS_NS, "kf-conflict")) {
            release = driver.start("kf-conflict", FAULTS, "2.0.0");
            driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
            assertThat(trail.splits()).containsExactly("100/0/-", "100/0/canary", "95/5/canary", "75/25/canary",
                    "50/50/canary", "100/0/-");
        }

        assertThat(driver.eventTypes(release.id())).doesNotContain(ReleaseEvent.Type.PAUSED);
        Deployment stable = deployment(FAULTS_NS, "kf-conflict-stable");
        assertThat(stable.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo("ghcr.io/rollgate-test/kf-conflict:2.0.0"));
        assertThat(stable.getMetadata().getAnnotations())
                .containsEntry(DeploymentSpec.REVISION_ANNOTATION, release.candidate().digest());
        assertThat(deployment(FAULTS_NS, "kf-conflict-canary").getSpec().getReplicas()).isZero();
    }

    @Test
    void anApiServerGoneMidCanaryPausesTheReleaseAndAResumeAfterItReturnsCompletesIt() throws Exception {
        try (AutoCloseable quiet = KubernetesNode.quiet(reconciler);
             KubernetesNode node = KubernetesNode.start("kf-outage-node", true)) {
            ReleaseDriver nodes = node.driver();
            KubernetesHealthIndicator health = node.bean(KubernetesHealthIndicator.class);
            establish(nodes, "kf-outage", OUTAGE, OUTAGE_NS);
            Release release = nodes.start("kf-outage", OUTAGE, "2.0.0");
            awaitSplit(OUTAGE_NS, "kf-outage", "95/5/canary");

            cluster.relay().down();
            Instant cut = Instant.now();

            Release paused = nodes.awaitState(release.id(), ReleaseState.PAUSED);
            Duration toPause = Duration.between(cut, Instant.now());
            assertThat(paused.weight()).isEqualTo(5);
            ReleaseEvent pause = nodes.events(release.id()).stream()
                    .filter(e -> e.type() == ReleaseEvent.Type.PAUSED).reduce((a, b) -> b).orElseThrow();
            assertThat(pause.reason()).startsWith("platform failed 3 times in a row: ")
                    .contains(": the API server did not answer");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(health.health().block().getStatus()).isEqualTo(DOWN));
            Duration toDown = Duration.between(cut, Instant.now());
            assertThat(RouteTrail.virtualService(virtualService(OUTAGE_NS, "kf-outage")).withPreview())
                    .isEqualTo("95/5/canary");

            cluster.relay().up();
            Instant back = Instant.now();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(health.health().block().getStatus()).isEqualTo(UP));
            Duration toUp = Duration.between(back, Instant.now());
            // The informers come back on fabric8's reconnect backoff, after /version answers: until they watch
            // again the tracks and the route are unknown, and a resume would pause again on "not watching".
            awaitAdaptersAnswer(node, new Target("kf-outage", OUTAGE, OUTAGE_NS));
            Duration toWatching = Duration.between(back, Instant.now());
            log.info("API server cut: release PAUSED after {} ms, health DOWN after {} ms; back: health UP after {} ms,"
                    + " informers watching after {} ms", toPause.toMillis(), toDown.toMillis(), toUp.toMillis(),
                    toWatching.toMillis());
            node.bean(ReleaseService.class).command(release.id(),
                    new Command(Command.Type.RESUME, ReleaseDriver.TESTER, "API server is back"), null).block();

            nodes.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
            List<ReleaseEvent> history = nodes.events(release.id());
            assertThat(history).filteredOn(e -> e.type() == ReleaseEvent.Type.STEP_ADVANCED)
                    .extracting(e -> e.data().get("weight")).containsExactly(5, 50);
            assertThat(history).extracting(ReleaseEvent::type)
                    .containsSubsequence(ReleaseEvent.Type.PAUSED, ReleaseEvent.Type.RESUMED,
                            ReleaseEvent.Type.SUCCEEDED);
            assertThat(RouteTrail.virtualService(virtualService(OUTAGE_NS, "kf-outage")).withPreview())
                    .isEqualTo("100/0/-");
            assertThat(deployment(OUTAGE_NS, "kf-outage-canary").getSpec().getReplicas()).isZero();
        }
    }

    private static void awaitAdaptersAnswer(KubernetesNode node, Target target) {
        KubernetesWorkloads workloads = node.bean(KubernetesWorkloads.class);
        IstioRouter router = node.bean(IstioRouter.class);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            workloads.status(target, Track.STABLE).block();
            workloads.status(target, Track.CANARY).block();
            return router.current(target).block() != null;
        });
    }

    /** A first version straight onto stable, so the release under test is a canary against it. */
    private void establish(ReleaseDriver driver, String app, String env, String namespace) {
        cluster.answerSmokeChecks(namespace, app);
        driver.bootstrap(app, env, "1.0.0");
    }

    private static Status status(int code, String reason, String message) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(code)
                .withReason(reason).withMessage(message).build();
    }

    private static String virtualServicePath(String namespace, String name) {
        return "/apis/networking.istio.io/v1/namespaces/" + namespace + "/virtualservices/" + name;
    }

    private void awaitSplit(String namespace, String app, String split) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
            GenericKubernetesResource vs = virtualService(namespace, app);
            return vs != null && RouteTrail.virtualService(vs).withPreview().equals(split);
        });
    }

    private GenericKubernetesResource virtualService(String namespace, String name) {
        return cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(namespace)
                .withName(name).get();
    }

    private Deployment deployment(String namespace, String name) {
        return cluster.client().apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
