package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** Against fabric8's mock API server in CRUD mode: it stores objects but runs no controller, so tests set status. */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkloadsTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Revision V1 = new Revision("1.2.0", null, Map.of("LOG_LEVEL", "info"));
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    // One instance and a namespace per test: the mock server can block its event loop when a watch closes
    // (WatchEventsListener.onClosed), so informers are closed once, after all tests.
    private static final ApiRequests SENT = new ApiRequests();
    private static KubernetesClient adapterClient;
    private static KubernetesWorkloads workloads;
    private Target target;

    @BeforeAll
    static void startWorkloads() {
        adapterClient = SENT.client(server);
        workloads = new KubernetesWorkloads(adapterClient, KubernetesProperties.defaults(), app -> "ghcr.io/acme/" + app,
                env -> new DeliveryPolicy.Canary(List.of(10, 50), Duration.ofMinutes(5)));
    }

    @AfterAll
    static void closeWorkloads() {
        workloads.close();
        adapterClient.close();
    }

    @BeforeEach
    void setUp() {
        target = new Target("video-api", "staging", "video-staging-" + NAMESPACES.incrementAndGet());
        requests();
    }

    private Deployment stored(Track track) {
        return client.apps().deployments().inNamespace(target.namespace()).withName("video-api-" + track.id()).get();
    }

    private static List<String> requests() {
        return SENT.drain().stream().map(ApiRequests.Request::toString).toList();
    }

    private static List<String> writes() {
        return SENT.writes();
    }

    @Test
    void applyCreatesTheDeploymentAsDesired() {
        workloads.apply(target, Track.CANARY, V1).block();

        Deployment d = stored(Track.CANARY);
        Deployment desired = DeploymentSpec.desired(target, Track.CANARY, V1, "ghcr.io/acme/video-api",
                KubernetesProperties.defaults());
        assertThat(d.getSpec().getTemplate()).isEqualTo(desired.getSpec().getTemplate());
        assertThat(d.getMetadata().getAnnotations()).containsEntry("rollgate.dev/revision", V1.digest());
        assertThat(d.getSpec().getReplicas()).as("canaryReplicas beside the live track").isEqualTo(1);
        assertThat(writes()).containsExactly("POST /apis/apps/v1/namespaces/" + target.namespace() + "/deployments",
                "POST /api/v1/namespaces/" + target.namespace() + "/services");
    }

    @Test
    void applyingTheSameRevisionAgainWritesNothing() {
        workloads.apply(target, Track.STABLE, V1).block();
        requests();

        workloads.apply(target, Track.STABLE, V1).block();

        // Reads only: a GET while the informer has not yet shown the first write, none once it has.
        assertThat(requests()).allMatch(r -> r.startsWith("GET "));
    }

    @Test
    void onceTheInformerShowsTheRevisionApplyingItAgainMakesNoRequest() {
        workloads.apply(target, Track.STABLE, V1).block();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            requests();
            workloads.apply(target, Track.STABLE, V1).block();
            assertThat(requests()).isEmpty();
        });
    }

    @Test
    void aChangeStraightAfterAWriteIsMadeThoughTheInformerStillShowsTheOldRevision() {
        workloads.apply(target, Track.STABLE, V1).block();
        Revision v1Debug = new Revision("1.2.0", null, Map.of("LOG_LEVEL", "debug"));

        // Back and forth faster than a watch event arrives: the informer's copy still shows where each write started.
        for (int i = 0; i < 10; i++) {
            workloads.apply(target, Track.STABLE, v1Debug).block();
            workloads.apply(target, Track.STABLE, V1).block();
            assertThat(stored(Track.STABLE).getMetadata().getAnnotations())
                    .as("round %d", i).containsEntry("rollgate.dev/revision", V1.digest());
        }
    }

    @Test
    void aConfigOnlyChangeUpdatesTheDeployment() {
        workloads.apply(target, Track.STABLE, V1).block();
        String before = stored(Track.STABLE).getMetadata().getResourceVersion();
        requests();
        Revision v1Debug = new Revision("1.2.0", null, Map.of("LOG_LEVEL", "debug"));

        workloads.apply(target, Track.STABLE, v1Debug).block();

        assertThat(writes()).containsExactly("PUT /apis/apps/v1/namespaces/" + target.namespace() + "/deployments/video-api-stable");
        Deployment d = stored(Track.STABLE);
        assertThat(d.getMetadata().getResourceVersion()).isNotEqualTo(before);
        assertThat(d.getMetadata().getAnnotations()).containsEntry("rollgate.dev/revision", v1Debug.digest());
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .isEqualTo("debug");
    }

    @Test
    void scaleToZeroIsAMergePatchOfTheCountAndWritesNothingTheSecondTime() {
        workloads.apply(target, Track.CANARY, V1).block();
        requests();

        workloads.scaleToZero(target, Track.CANARY).block();
        assertThat(SENT.writesTo("/")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PATCH");
            assertThat(r.path()).endsWith("/deployments/video-api-canary");
            assertThat(r.contentType()).startsWith("application/merge-patch+json");
            assertThat(r.body()).isEqualTo("{\"spec\":{\"replicas\":0}}");
        });
        assertThat(stored(Track.CANARY).getSpec().getReplicas()).isZero();

        workloads.scaleToZero(target, Track.CANARY).block();
        workloads.scaleToZero(target, Track.STABLE).block();
        assertThat(writes()).isEmpty();

        // Back from zero at the same revision: the count alone changes.
        workloads.apply(target, Track.CANARY, V1).block();
        assertThat(stored(Track.CANARY).getSpec().getReplicas()).isEqualTo(1);
        assertThat(SENT.writesTo("/")).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo("{\"spec\":{\"replicas\":1}}"));
    }

    @Test
    void anAbsentTrackIsAbsent() {
        assertThat(workloads.status(target, Track.CANARY).block()).isEqualTo(TrackStatus.absent());
    }

    @Test
    void statusReportsWhatTheControllerObserved() {
        workloads.apply(target, Track.STABLE, V1).block();
        long generation = generationOf(Track.STABLE);
        setStatus(Track.STABLE, generation, 1, 1, 1, 1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TrackStatus s = workloads.status(target, Track.STABLE).block();
            assertThat(s.caughtUp()).isTrue();
            assertThat(s.revision()).isEqualTo(V1.digest());
            assertThat(s.version()).isEqualTo("1.2.0");
            assertThat(s.serves(V1.digest())).isTrue();
        });
    }

    @Test
    void countsFromBeforeTheLatestGenerationAreNotCaughtUp() {
        workloads.apply(target, Track.STABLE, V1).block();
        setStatus(Track.STABLE, generationOf(Track.STABLE) - 1, 1, 1, 1, 1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TrackStatus s = workloads.status(target, Track.STABLE).block();
            assertThat(s.revision()).isEqualTo(V1.digest());
            assertThat(s.desired()).isEqualTo(1);
            assertThat(s.caughtUp()).isFalse();
            assertThat(s.serves(V1.digest())).isFalse();
        });
    }

    @Test
    void oldPodsLeftMeanNothingIsAvailableOfTheNewRevision() {
        workloads.apply(target, Track.STABLE, V1).block();
        // Surge: 1 updated pod not ready yet beside the old one, which is still available.
        setStatus(Track.STABLE, generationOf(Track.STABLE), 2, 1, 1, 1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TrackStatus s = workloads.status(target, Track.STABLE).block();
            assertThat(s.caughtUp()).isTrue();
            assertThat(s.updated()).isEqualTo(1);
            assertThat(s.ready()).isEqualTo(1);
            assertThat(s.available()).isZero();
        });
    }

    @Test
    void aPassedProgressDeadlineIsAFailure() {
        workloads.apply(target, Track.CANARY, V1).block();
        Deployment d = stored(Track.CANARY);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(0).withAvailableReplicas(0)
                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded")
                        .withMessage("ReplicaSet \"video-api-canary-5d\" has timed out progressing.").build())
                .build());
        client.apps().deployments().inNamespace(target.namespace()).resource(d).updateStatus();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TrackStatus s = workloads.status(target, Track.CANARY).block();
            assertThat(s.failed()).isTrue();
            assertThat(s.failure().reason()).isEqualTo("ProgressDeadlineExceeded");
        });
    }

    @Test
    void aPodOfTheCurrentRevisionThatCannotPullItsImageFailsTheTrackAtOnce() {
        workloads.apply(target, Track.CANARY, V1).block();
        setStatus(Track.CANARY, generationOf(Track.CANARY), 1, 1, 0, 0);
        createPod("old", Track.CANARY, "0123456789abcdef", "CrashLoopBackOff");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(workloads.status(target, Track.CANARY).block().caughtUp()).isTrue());
        assertThat(workloads.status(target, Track.CANARY).block().failure())
                .as("an old revision's crash loop is not this rollout's").isNull();

        createPod("new", Track.CANARY, V1.digest(), "ImagePullBackOff");
        createPod("stable", Track.STABLE, V1.digest(), "CrashLoopBackOff");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TrackStatus s = workloads.status(target, Track.CANARY).block();
            assertThat(s.failed()).isTrue();
            assertThat(s.failure().reason()).isEqualTo("ImagePullBackOff");
            assertThat(s.failure().message()).startsWith("video-api-canary-new: ");
        });
    }

    private void createPod(String suffix, Track track, String revision, String waitingReason) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName("video-api-" + track.id() + "-" + suffix).withNamespace(target.namespace())
                    .withLabels(Map.of("app", "video-api", "track", track.id(), "rollgate.dev/release", "staging"))
                    .withAnnotations(Map.of("rollgate.dev/revision", revision))
                .endMetadata()
                .withNewSpec().addNewContainer().withName("video-api").withImage("img").endContainer().endSpec()
                .withNewStatus().addNewContainerStatus().withName("video-api")
                    .withNewState().withNewWaiting().withReason(waitingReason).withMessage("from the test")
                    .endWaiting().endState()
                .endContainerStatus().endStatus()
                .build();
        client.pods().inNamespace(target.namespace()).resource(pod).create();
    }

    private long generationOf(Track track) {
        Long g = stored(track).getMetadata().getGeneration();
        assertThat(g).as("the mock server keeps metadata.generation").isNotNull();
        return g;
    }

    private void setStatus(Track track, long observedGeneration, int replicas, int updated, int ready, int available) {
        Deployment d = stored(track);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(observedGeneration).withReplicas(replicas)
                .withUpdatedReplicas(updated).withReadyReplicas(ready).withAvailableReplicas(available).build());
        client.apps().deployments().inNamespace(target.namespace()).resource(d).updateStatus();
    }
}
