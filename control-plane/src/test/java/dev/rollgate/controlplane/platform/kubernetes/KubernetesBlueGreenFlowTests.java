package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.KubernetesEngineTest;
import dev.rollgate.controlplane.support.MockCluster;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedReadings;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Blue-green releases through the real engine on the {@code service} router, asserted on what the mock API server
 * holds and sent out: the {@code <app>} Service's selector history from a watch (every switch, however brief), the
 * colours' Deployments, and the order of Rollgate's own requests. 1.0.0 is bootstrapped onto the stable colour, so
 * 2.0.0 comes up on the canary colour and the stable one is the standby. {@code kb-bluegreen} keeps the standby
 * 2 s, {@code kb-bluegreen-long} a minute.
 */
@KubernetesEngineTest
class KubernetesBlueGreenFlowTests {

    private static final Logger log = LoggerFactory.getLogger(KubernetesBlueGreenFlowTests.class);
    private static final String ENV = "kb-bluegreen";
    private static final String NS = "rollgate-kb-bluegreen";
    private static final String LONG = "kb-bluegreen-long";
    private static final String LONG_NS = "rollgate-kb-bluegreen-long";
    /** rollgate.kubernetes.replicas of the profile: both colours run it. */
    private static final int REPLICAS = 2;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    MockCluster cluster;
    @Autowired
    ScriptedReadings readings;

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
    void theIdleColourIsSmokeTestedBehindThePreviewThenTakesAllTrafficInOneSwitch() {
        ServerHistory history = ServerHistory.of(cluster.client(), NS);
        Release previous = establish("kb-switch", ENV, NS);
        smokeAnswers(NS, "kb-switch-canary", 200);
        // A smoke check sent to the live colour instead would fail the release.
        smokeAnswers(NS, "kb-switch-stable", 503);
        RequestCounter.Window window = cluster.requests().window();

        Release release = driver.start("kb-switch", ENV, "2.0.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);
        Deployment standby = deployment(NS, "kb-switch-stable");
        assertThat(standby.getSpec().getReplicas()).as("standby inside the window").isEqualTo(REPLICAS);
        assertThat(standby.getStatus().getAvailableReplicas()).isEqualTo(REPLICAS);
        assertThat(revision(standby)).isEqualTo(previous.candidate().digest());
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(history.selectedTracks("kb-switch")).containsExactly("stable", "canary");
        assertThat(history.selectedTracks("kb-switch-preview")).containsExactly("canary");
        List<RequestCounter.Request> sent = window.about("/namespaces/" + NS + "/");
        int previewCreated = indexOf(sent, r -> isServiceWrite(r, "kb-switch-preview", "canary"));
        int smoked = indexOf(sent, r -> r.path().endsWith("/services/kb-switch-canary:80/proxy/health"));
        int switched = indexOf(sent, r -> isServiceWrite(r, "kb-switch", "canary"));
        assertThat(List.of(previewCreated, smoked, switched)).as("in %s", sent).doesNotContain(-1).isSorted();
        assertThat(sent).filteredOn(r -> r.verb().write() && writesService(r, "kb-switch"))
                .as("one write of one object is the switch").hasSize(1);
        assertThat(sent).noneMatch(r -> r.path().contains("/services/kb-switch-stable:"));

        // The standby is left running until the window has passed, and only then scaled to zero.
        Instant standbyUntil = Instant.parse(String.valueOf(stepAdvanced(release).data().get("standbyUntil")));
        assertThat(history.replicas("kb-switch-stable")).containsExactly(REPLICAS, 0);
        assertThat(history.deployment("kb-switch-stable")).filteredOn(v -> v.object().getSpec().getReplicas() == 0)
                .first().satisfies(v -> assertThat(v.seenAt()).isAfterOrEqualTo(standbyUntil));
        // Promotion never redeploys: the colour that took the traffic runs the one template it came up with.
        assertThat(history.templateRevisions("kb-switch-canary")).containsExactly(release.candidate().digest());
        assertThat(history.replicas("kb-switch-canary")).containsExactly(REPLICAS);
        assertThat(driver.eventTypes(release.id())).containsSubsequence(ReleaseEvent.Type.CANDIDATE_READY,
                ReleaseEvent.Type.SMOKE_PASSED, ReleaseEvent.Type.STEP_ADVANCED, ReleaseEvent.Type.SUCCEEDED);
    }

    @Test
    void aGateFailingInsideTheWindowIsOneSwitchBackToTheStandby() {
        ServerHistory history = ServerHistory.of(cluster.client(), NS);
        Release previous = establish("kb-gate", ENV, NS);
        smokeAnswers(NS, "kb-gate-canary", 200);
        readings.errorRate("kb-gate", "2.0.0", 0.30);

        Release release = driver.start("kb-gate", ENV, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(history.selectedTracks("kb-gate")).containsExactly("stable", "canary", "stable");
        assertStandbyUntouched(history, "kb-gate-stable", previous);
        assertThat(history.replicas("kb-gate-canary")).containsExactly(REPLICAS, 0);
        assertThat(driver.eventTypes(release.id())).containsSubsequence(ReleaseEvent.Type.STEP_ADVANCED,
                ReleaseEvent.Type.GATE_FAILED, ReleaseEvent.Type.ROLLBACK_STARTED, ReleaseEvent.Type.ROLLED_BACK);
    }

    @Test
    void aRollbackAskedForInsideTheWindowIsOneSwitchBackToTheStandby() {
        ServerHistory history = ServerHistory.of(cluster.client(), LONG_NS);
        Release previous = establish("kb-undo", LONG, LONG_NS);
        smokeAnswers(LONG_NS, "kb-undo-canary", 200);

        Release release = driver.start("kb-undo", LONG, "2.0.0");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> history.selectedTracks("kb-undo"), tracks -> tracks.contains("canary"));
        Instant asked = Instant.now();
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "bad feeling"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(history.selectedTracks("kb-undo")).containsExactly("stable", "canary", "stable");
        assertStandbyUntouched(history, "kb-undo-stable", previous);
        assertThat(history.replicas("kb-undo-canary")).containsExactly(REPLICAS, 0);
        List<ServerHistory.Version<Service>> versions = history.service("kb-undo");
        Instant back = versions.get(versions.size() - 1).seenAt();
        log.info("blue-green rollback inside the window: {} ms from the command to the selector back on the standby",
                Duration.between(asked, back).toMillis());
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.ROLLBACK_STARTED)
                .singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("bad feeling"));
    }

    @Test
    void aFailingSmokeCheckOfTheIdleColourNeverSwitchesTraffic() {
        ServerHistory history = ServerHistory.of(cluster.client(), NS);
        Release previous = establish("kb-smoke", ENV, NS);
        smokeAnswers(NS, "kb-smoke-canary", 503);
        RequestCounter.Window window = cluster.requests().window();

        Release release = driver.start("kb-smoke", ENV, "2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(history.selectedTracks("kb-smoke")).containsExactly("stable");
        assertThat(window.about("/namespaces/" + NS + "/"))
                .noneMatch(r -> r.verb().write() && writesService(r, "kb-smoke"));
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.SMOKE_FAILED)
                .singleElement().satisfies(e -> assertThat(e.reason())
                        .isEqualTo("smoke checks failed: GET /health answered 503"));
        assertThat(driver.eventTypes(release.id())).doesNotContain(ReleaseEvent.Type.STEP_ADVANCED);
        assertStandbyUntouched(history, "kb-smoke-stable", previous);
        assertThat(deployment(NS, "kb-smoke-canary").getSpec().getReplicas()).isZero();
    }

    /** 1.0.0 straight onto the stable colour, with the Service {@code <app>} selecting it. */
    private Release establish(String app, String env, String namespace) {
        Release first = driver.awaitSettled(service.bootstrap(app, env, "1.0.0").block().release().id(),
                ReleaseState.SUCCEEDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.client().services().inNamespace(namespace)
                .withName(app).get() != null);
        return first;
    }

    private void smokeAnswers(String namespace, String trackService, int status) {
        cluster.server().expect().get()
                .withPath("/api/v1/namespaces/" + namespace + "/services/" + trackService + ":80/proxy/health")
                .andReturn(status, status == 200 ? "ok" : "unavailable").always();
    }

    /** The standby kept its count and its template from before the release to after it: nothing redeployed it. */
    private static void assertStandbyUntouched(ServerHistory history, String deployment, Release previous) {
        assertThat(history.replicas(deployment)).containsExactly(REPLICAS);
        assertThat(history.templateRevisions(deployment)).containsExactly(previous.candidate().digest());
    }

    /** A write (create, update, patch) of Service {@code name}; with {@code track}, one selecting that track. */
    private boolean isServiceWrite(RequestCounter.Request r, String name, String track) {
        if (!r.verb().write() || !writesService(r, name) || r.body() == null) {
            return false;
        }
        Service s = cluster.client().getKubernetesSerialization().unmarshal(r.body(), Service.class);
        return s.getSpec() != null && s.getSpec().getSelector() != null
                && track.equals(s.getSpec().getSelector().get("track"));
    }

    /** A create names its object in the body, an update or a patch in the path. */
    private boolean writesService(RequestCounter.Request r, String name) {
        if (r.path().endsWith("/services/" + name)) {
            return true;
        }
        if (!r.path().endsWith("/services") || r.body() == null) {
            return false;
        }
        Service s = cluster.client().getKubernetesSerialization().unmarshal(r.body(), Service.class);
        return name.equals(s.getMetadata().getName());
    }

    private static int indexOf(List<RequestCounter.Request> requests,
                               java.util.function.Predicate<RequestCounter.Request> which) {
        for (int i = 0; i < requests.size(); i++) {
            if (which.test(requests.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private ReleaseEvent stepAdvanced(Release release) {
        return driver.events(release.id()).stream().filter(e -> e.type() == ReleaseEvent.Type.STEP_ADVANCED)
                .findFirst().orElseThrow();
    }

    private static String revision(Deployment d) {
        return d.getMetadata().getAnnotations().get(DeploymentSpec.REVISION_ANNOTATION);
    }

    private Deployment deployment(String namespace, String name) {
        return cluster.client().apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
