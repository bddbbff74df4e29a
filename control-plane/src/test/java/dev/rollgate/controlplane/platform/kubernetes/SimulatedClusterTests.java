package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.platform.kubernetes.RequestCounter.Verb;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/** The real KubernetesWorkloads against the mock server with the simulated controller playing the cluster. */
@EnableKubernetesMockClient(crud = true)
class SimulatedClusterTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Revision V1 = new Revision("1.2.0", null, Map.of("LOG_LEVEL", "info"));
    private static final Revision V2 = new Revision("1.3.0", null, Map.of("LOG_LEVEL", "info"));
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    // Informer owners live for the class: the mock server can block its event loop when a watch closes.
    private static final RequestCounter requests = new RequestCounter();
    private static KubernetesClient rollgateClient;
    private static KubernetesWorkloads workloads;
    private static SimulatedCluster cluster;
    private Target target;

    @BeforeAll
    static void startCluster() {
        rollgateClient = server.createClient(requests::attachTo);
        KubernetesProperties d = KubernetesProperties.defaults();
        KubernetesProperties twoReplicasShortDeadline = new KubernetesProperties(true, null, null, 2, 1, false,
                Duration.ofSeconds(2), d.conflictRetries(), d.configMap(), d.databaseSecret(), d.databaseSecretKey(),
                d.jwtSecret(), d.jwtSecretKey(), d.resources(), d.servicePort(), d.smoke(), Map.of());
        workloads = new KubernetesWorkloads(rollgateClient, twoReplicasShortDeadline, app -> "ghcr.io/acme/" + app,
                env -> new dev.rollgate.controlplane.policy.DeliveryPolicy.Rolling(Duration.ofMinutes(5)));
        cluster = SimulatedCluster.start(client);
    }

    @AfterAll
    static void stopCluster() {
        workloads.close();
        cluster.close();
        rollgateClient.close();
    }

    @BeforeEach
    void namespace() {
        target = new Target("video-api", "staging", "sim-" + NAMESPACES.incrementAndGet());
    }

    @AfterEach
    void heal() {
        cluster.clearFaults();
    }

    private TrackStatus status(Track track) {
        return workloads.status(target, track).block();
    }

    private List<Pod> pods(Track track) {
        return cluster.pods(target.namespace(), "video-api-" + track.id());
    }

    private Deployment stored(Track track) {
        return client.apps().deployments().inNamespace(target.namespace()).withName("video-api-" + track.id()).get();
    }

    private void awaitServing(Track track, Revision revision) {
        await().atMost(BOUND).untilAsserted(() -> assertThat(status(track).serves(revision.digest())).isTrue());
    }

    @Test
    void aNewDeploymentServesOnceItsPodsAreReady() {
        workloads.apply(target, Track.STABLE, V1).block();

        awaitServing(Track.STABLE, V1);
        TrackStatus s = status(Track.STABLE);
        assertThat(s.desired()).isEqualTo(2);
        assertThat(s.ready()).isEqualTo(2);
        List<Pod> pods = pods(Track.STABLE);
        assertThat(pods).hasSize(2).allSatisfy(p -> {
            assertThat(p.getMetadata().getName()).matches("video-api-stable-[a-z0-9]{10}-[01]");
            assertThat(p.getMetadata().getLabels()).containsEntry("app", "video-api").containsEntry("track", "stable")
                    .containsEntry("version", "1.2.0").containsKey("pod-template-hash");
            assertThat(p.getMetadata().getAnnotations()).containsEntry("rollgate.dev/revision", V1.digest());
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(SimulatedPods.ready(p)).isTrue();
        });
        assertThat(stored(Track.STABLE).getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable"));
    }

    @Test
    void aNewRevisionReplacesEveryOldPod() {
        workloads.apply(target, Track.STABLE, V1).block();
        awaitServing(Track.STABLE, V1);
        List<String> before = pods(Track.STABLE).stream().map(p -> p.getMetadata().getName()).toList();

        workloads.apply(target, Track.STABLE, V2).block();

        awaitServing(Track.STABLE, V2);
        await().atMost(BOUND).untilAsserted(() -> assertThat(pods(Track.STABLE)).hasSize(2).allSatisfy(p -> {
            assertThat(p.getMetadata().getName()).isNotIn(before);
            assertThat(p.getMetadata().getAnnotations()).containsEntry("rollgate.dev/revision", V2.digest());
            assertThat(SimulatedPods.ready(p)).isTrue();
        }));
    }

    @Test
    void scaleToZeroRemovesThePods() {
        workloads.apply(target, Track.CANARY, V1).block();
        awaitServing(Track.CANARY, V1);

        workloads.scaleToZero(target, Track.CANARY).block();

        await().atMost(BOUND).untilAsserted(() -> assertThat(status(Track.CANARY).scaledToZero()).isTrue());
        assertThat(pods(Track.CANARY)).isEmpty();
    }

    @Test
    void anImageThatCannotBePulledFailsTheTrackWithThePodsMessageWhileOldPodsServe() {
        workloads.apply(target, Track.CANARY, V1).block();
        awaitServing(Track.CANARY, V1);
        cluster.imagePullFailure("ghcr.io/acme/video-api:9.9.9");

        workloads.apply(target, Track.CANARY, new Revision("9.9.9", null, Map.of())).block();

        await().atMost(BOUND).untilAsserted(() -> {
            TrackStatus s = status(Track.CANARY);
            assertThat(s.failed()).isTrue();
            assertThat(s.failure().reason()).isEqualTo("ImagePullBackOff");
            assertThat(s.failure().message()).matches("video-api-canary-[a-z0-9]{10}-0: .*")
                    .contains("Back-off pulling image \"ghcr.io/acme/video-api:9.9.9\"");
            assertThat(s.available()).isLessThan(s.desired());
        });
        // maxUnavailable 0: one surge pod tries the new image, both old ones stay.
        assertThat(pods(Track.CANARY)).hasSize(3)
                .filteredOn(p -> V1.digest().equals(p.getMetadata().getAnnotations().get("rollgate.dev/revision")))
                .hasSize(2).allSatisfy(p -> assertThat(SimulatedPods.ready(p)).isTrue());
    }

    @Test
    void aCrashingContainerFailsTheTrack() {
        cluster.crashLoop("video-api-canary");

        workloads.apply(target, Track.CANARY, V1).block();

        await().atMost(BOUND).untilAsserted(() -> {
            TrackStatus s = status(Track.CANARY);
            assertThat(s.failed()).isTrue();
            assertThat(s.failure().reason()).isEqualTo("CrashLoopBackOff");
            assertThat(s.failure().message()).contains("back-off 40s restarting failed container=video-api");
        });
    }

    @Test
    void aRolloutThatNeverProgressesPassesTheDeploymentsDeadline() {
        cluster.neverProgress("video-api-stable");

        workloads.apply(target, Track.STABLE, V1).block();

        // The deadline is the Deployment's own progressDeadlineSeconds (2 s here).
        await().atMost(BOUND).untilAsserted(() -> {
            TrackStatus s = status(Track.STABLE);
            assertThat(s.failed()).isTrue();
            assertThat(s.failure().reason()).isEqualTo("ProgressDeadlineExceeded");
            assertThat(s.failure().message()).matches("ReplicaSet \"video-api-stable-[a-z0-9]{10}\" has timed out progressing\\.");
        });
        assertThat(pods(Track.STABLE)).hasSize(2).noneMatch(SimulatedPods::ready);
    }

    @Test
    void aHealedRolloutCompletes() {
        cluster.neverProgress("video-api-stable", Duration.ofMinutes(5));
        workloads.apply(target, Track.STABLE, V1).block();
        await().atMost(BOUND).untilAsserted(() -> assertThat(pods(Track.STABLE)).hasSize(2));
        assertThat(status(Track.STABLE).serves(V1.digest())).isFalse();

        cluster.heal("video-api-stable");

        awaitServing(Track.STABLE, V1);
    }

    @Test
    void aSlowDeploymentIsCaughtUpButNotServingUntilItsPodsAreReady() {
        cluster.slow("video-api-stable", Duration.ofSeconds(3));

        workloads.apply(target, Track.STABLE, V1).block();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> !status(Track.STABLE).serves(V1.digest()));
        assertThat(status(Track.STABLE).caughtUp()).isTrue();
        assertThat(status(Track.STABLE).updated()).isEqualTo(2);
        awaitServing(Track.STABLE, V1);
    }

    @Test
    void theCounterSeesRollgatesRequestsAndNotTheSimulators() {
        RequestCounter.Window window = requests.window();

        workloads.apply(target, Track.STABLE, V1).block();
        awaitServing(Track.STABLE, V1);

        assertThat(window.writes()).extracting(Object::toString)
                .containsExactly("CREATE /apis/apps/v1/namespaces/" + target.namespace() + "/deployments",
                        "CREATE /api/v1/namespaces/" + target.namespace() + "/services");
        assertThat(window.about("/pods")).as("the simulator creates and updates the pods; Rollgate only watches")
                .isNotEmpty().allMatch(r -> r.verb() == Verb.LIST || r.verb() == Verb.WATCH);
    }

    @Test
    void aServingTrackCostsNoRequestsAndNoWrites() {
        workloads.apply(target, Track.STABLE, V1).block();
        awaitServing(Track.STABLE, V1);
        RequestCounter.Window window = requests.window();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> status(Track.STABLE).serves(V1.digest()));
        assertThat(window.requests()).as("status comes from the informers' caches").isEmpty();

        workloads.apply(target, Track.STABLE, V1).block();
        workloads.scaleToZero(target, Track.CANARY).block();
        assertThat(window.writes()).isEmpty();
        assertThat(window.requests()).as("the informers show the cluster already has it").isEmpty();
    }

    @Test
    void theSimulatorGoesQuietOnceARolloutIsDone() throws InterruptedException {
        workloads.apply(target, Track.STABLE, V1).block();
        awaitServing(Track.STABLE, V1);
        List<String> fromTheSimulator = new ArrayList<>();
        drainSimulatorWrites(fromTheSimulator);
        assertThat(fromTheSimulator).as("the mock server's log names the simulator by its user agent").isNotEmpty();
        fromTheSimulator.clear();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> drainSimulatorWrites(fromTheSimulator));
        assertThat(fromTheSimulator).isEmpty();
    }

    /** Drains the mock server's request log into {@code into} (the simulator's writes only); true when none came. */
    private static boolean drainSimulatorWrites(List<String> into) throws InterruptedException {
        int before = into.size();
        for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            if (SimulatedCluster.USER_AGENT.equals(r.getHeader("User-Agent")) && !"GET".equals(r.getMethod())) {
                into.add(r.getMethod() + " " + r.getPath());
            }
        }
        return into.size() == before;
    }

    @Test
    void theMockServerKeepsGenerationAsTheApiServerDoes() {
        workloads.apply(target, Track.STABLE, V1).block();
        assertThat(stored(Track.STABLE).getMetadata().getGeneration()).isEqualTo(1);
        awaitServing(Track.STABLE, V1);
        assertThat(stored(Track.STABLE).getMetadata().getGeneration()).as("status writes leave it").isEqualTo(1);

        // Rollgate's update sends the desired object, which carries no generation.
        workloads.apply(target, Track.STABLE, V2).block();
        assertThat(stored(Track.STABLE).getMetadata().getGeneration()).isEqualTo(2);
        workloads.scaleToZero(target, Track.STABLE).block();
        assertThat(stored(Track.STABLE).getMetadata().getGeneration()).isEqualTo(3);
    }

    @Test
    void deletingADeploymentRemovesItsPods() {
        workloads.apply(target, Track.CANARY, V1).block();
        awaitServing(Track.CANARY, V1);

        client.apps().deployments().inNamespace(target.namespace()).withName("video-api-canary").delete();

        await().atMost(BOUND).untilAsserted(() -> assertThat(client.pods().inNamespace(target.namespace())
                .withLabel("track", "canary").list().getItems()).isEmpty());
    }

    @Test
    void podNamesAndHashesFollowTheTemplate() {
        Deployment a = DeploymentSpec.desired(target, Track.STABLE, V1, "img", KubernetesProperties.defaults());
        Deployment b = DeploymentSpec.desired(target, Track.STABLE, V2, "img", KubernetesProperties.defaults());
        String hash = SimulatedPods.templateHash(a.getSpec().getTemplate());

        assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{10}");
        assertThat(SimulatedPods.templateHash(a.getSpec().getTemplate())).isEqualTo(hash);
        assertThat(SimulatedPods.templateHash(b.getSpec().getTemplate())).isNotEqualTo(hash);
        a.getSpec().setReplicas(7);
        assertThat(SimulatedPods.templateHash(a.getSpec().getTemplate())).as("scale is not the template").isEqualTo(hash);
        assertThat(SimulatedPods.name(a, hash, 1)).isEqualTo("video-api-stable-" + hash + "-1");
    }

    @Test
    void theCounterNamesVerbsAsTheAuditLogDoes() {
        assertThat(RequestCounter.verb("GET", java.net.URI.create("https://k/api/v1/namespaces/ns/pods/p"))).isEqualTo(Verb.GET);
        assertThat(RequestCounter.verb("GET", java.net.URI.create("https://k/api/v1/namespaces/ns/pods?labelSelector=a"))).isEqualTo(Verb.LIST);
        assertThat(RequestCounter.verb("GET", java.net.URI.create("https://k/apis/apps/v1/deployments?watch=true&x=1"))).isEqualTo(Verb.WATCH);
        assertThat(RequestCounter.verb("GET", java.net.URI.create("https://k/api/v1/namespaces/ns"))).isEqualTo(Verb.GET);
        assertThat(RequestCounter.verb("GET", java.net.URI.create("https://k/api/v1/namespaces"))).isEqualTo(Verb.LIST);
        assertThat(RequestCounter.verb("PUT", java.net.URI.create("https://k/apis/apps/v1/namespaces/ns/deployments/d/status"))).isEqualTo(Verb.UPDATE);
        assertThat(RequestCounter.verb("PATCH", java.net.URI.create("https://k/apis/apps/v1/namespaces/ns/deployments/d"))).isEqualTo(Verb.PATCH);
    }
}
