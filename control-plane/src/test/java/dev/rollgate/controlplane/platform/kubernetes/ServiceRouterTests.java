package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The {@code service} router against the CRUD mock server, with the workloads running the tracks (4 stable
 * replicas, 1 canary). {@code client} arranges the cluster and plays the people and controllers around Rollgate;
 * the adapters' own client records what they send.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceRouterTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Revision V1 = new Revision("1.2.0", null, Map.of());
    private static final Revision V2 = new Revision("1.3.0", null, Map.of());
    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final ApiRequests SENT = new ApiRequests();

    private static KubernetesClient adapterClient;
    private static ClusterCache cache;
    private static KubernetesWorkloads workloads;
    private static ServiceRouter router;
    private Target target;

    @BeforeAll
    static void startAdapters() {
        adapterClient = SENT.client(server);
        cache = new ClusterCache(adapterClient);
        KubernetesProperties d = KubernetesProperties.defaults();
        KubernetesProperties options = new KubernetesProperties(true, null, null, 4, 1, false, d.progressDeadline(),
                3, "cfg", "db", "url", "jwt", "key", d.resources(), 80, KubernetesProperties.SmokeMode.IN_CLUSTER,
                Map.of());
        workloads = new KubernetesWorkloads(adapterClient, options, app -> "img/" + app,
                env -> new DeliveryPolicy.Canary(List.of(10, 25, 50), Duration.ofMinutes(5)), cache);
        router = new ServiceRouter(adapterClient, options, cache);
    }

    @AfterAll
    static void close() {
        workloads.close();
        cache.close();
        adapterClient.close();
    }

    @BeforeEach
    void setUp() {
        target = new Target("video-api", "staging", "video-staging-" + NAMESPACES.incrementAndGet());
    }

    /** The live version on STABLE, the candidate beside it, as the engine's DEPLOYING state asks. */
    private void runBothTracks() {
        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.CANARY, V2).block();
        SENT.drain();
    }

    private Service service(String name) {
        return client.services().inNamespace(target.namespace()).withName(name).get();
    }

    private Deployment deployment(Track track) {
        return client.apps().deployments().inNamespace(target.namespace()).withName("video-api-" + track.id()).get();
    }

    private void awaitCurrent(Weights expected) {
        await().atMost(AT_MOST).untilAsserted(() -> assertThat(router.current(target).block()).isEqualTo(expected));
    }

    private static Map<String, String> selecting(String track) {
        return track == null ? Map.of("app", "video-api") : Map.of("app", "video-api", "track", track);
    }

    @Test
    void aSwitchBetweenColoursIsOneWriteOfTheService() {
        runBothTracks();
        router.route(target, Weights.ALL_STABLE).block();
        awaitCurrent(Weights.ALL_STABLE);
        SENT.drain();

        router.route(target, Weights.all(Track.CANARY)).block();

        assertThat(SENT.writes()).containsExactly(
                "PUT /api/v1/namespaces/" + target.namespace() + "/services/video-api");
        Service main = service("video-api");
        assertThat(main.getSpec().getSelector()).isEqualTo(selecting("canary"));
        assertThat(main.getMetadata().getAnnotations()).containsEntry("rollgate.dev/route", "canary");
        awaitCurrent(Weights.all(Track.CANARY));

        router.route(target, Weights.all(Track.CANARY)).block();
        assertThat(SENT.writes()).isEmpty();
    }

    @Test
    void thePreviewShowsTheCandidateThenFollowsTheLiveTrack() {
        runBothTracks();

        router.route(target, Weights.ALL_STABLE.withPreview(Track.CANARY)).block();
        assertThat(service("video-api").getSpec().getSelector()).isEqualTo(selecting("stable"));
        assertThat(service("video-api-preview").getSpec().getSelector()).isEqualTo(selecting("canary"));
        awaitCurrent(Weights.ALL_STABLE.withPreview(Track.CANARY));
        SENT.drain();

        // Blue-green's switch: the preview already shows the new live colour, so the Service is the only write.
        router.route(target, Weights.all(Track.CANARY)).block();
        assertThat(SENT.writes()).hasSize(1);
        awaitCurrent(Weights.all(Track.CANARY));

        // A rollback: the preview follows the live track back rather than show a colour about to be retired.
        router.route(target, Weights.ALL_STABLE).block();
        assertThat(SENT.writes()).hasSize(2);
        assertThat(service("video-api-preview").getSpec().getSelector()).isEqualTo(selecting("stable"));
        awaitCurrent(Weights.ALL_STABLE);
    }

    @Test
    void withoutAPreviewNoPreviewServiceIsCreated() {
        runBothTracks();

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(service("video-api-preview")).isNull();
        assertThat(SENT.writes()).containsExactly("POST /api/v1/namespaces/" + target.namespace() + "/services");
    }

    @ParameterizedTest(name = "{0} % beside 4 stable pods: {1} canary pod(s), {2} % achieved")
    @CsvSource({"10, 1, 20", "25, 1, 20", "50, 4, 50"})
    void aCanaryWeightIsApproximatedByTheReplicaRatio(int weight, int canaryReplicas, int achieved) {
        runBothTracks();
        router.route(target, Weights.ALL_STABLE.withPreview(Track.CANARY)).block();

        router.route(target, Weights.toward(Track.CANARY, weight).withPreview(Track.CANARY)).block();

        assertThat(deployment(Track.CANARY).getSpec().getReplicas()).isEqualTo(canaryReplicas);
        assertThat(deployment(Track.STABLE).getSpec().getReplicas()).isEqualTo(4);
        assertThat(SENT.writes()).doesNotContain("PATCH /apis/apps/v1/namespaces/" + target.namespace()
                + "/deployments/video-api-stable");
        assertThat(service("video-api").getSpec().getSelector()).isEqualTo(selecting(null));
        awaitCurrent(Weights.canary(achieved).withPreview(Track.CANARY));

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(service("video-api").getSpec().getSelector()).isEqualTo(selecting("stable"));
        awaitCurrent(Weights.ALL_STABLE);
    }

    @Test
    void theRatioFollowsTheStableCountItNeverWrites() {
        runBothTracks();
        // The stable track's HPA scaled it up.
        client.apps().deployments().inNamespace(target.namespace()).withName("video-api-stable")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":6}}");
        await().atMost(AT_MOST).until(() -> cache.deployment(target.namespace(), "video-api-stable").getSpec()
                .getReplicas() == 6);

        router.route(target, Weights.canary(25)).block();

        assertThat(deployment(Track.CANARY).getSpec().getReplicas()).isEqualTo(2);
        assertThat(SENT.writes()).noneMatch(w -> w.endsWith("/video-api-stable"));
        awaitCurrent(Weights.canary(25));
    }

    @Test
    void readyPodsDecideTheShareOnceThereAreAny() {
        runBothTracks();
        router.route(target, Weights.canary(50)).block();
        // Four canary pods asked for, one ready so far: the Service sends to ready pods only.
        setReady(Track.STABLE, 4);
        setReady(Track.CANARY, 1);

        awaitCurrent(Weights.canary(20));
    }

    @Test
    void aSteadyStateWritesNothing() {
        runBothTracks();
        Weights step = Weights.toward(Track.CANARY, 25).withPreview(Track.CANARY);
        router.route(target, step).block();
        awaitCurrent(Weights.canary(20).withPreview(Track.CANARY));
        SENT.drain();

        // One tick of the engine in PROGRESSING: the base kept, the candidate applied, the route stated.
        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.CANARY, V2).block();
        router.route(target, step).block();
        router.current(target).block();

        assertThat(SENT.writes()).isEmpty();
    }

    @Test
    void aSelectorChangedBySomeoneElseIsReportedAndPutBack() {
        runBothTracks();
        router.route(target, Weights.all(Track.CANARY)).block();
        Service edited = new ServiceBuilder(service("video-api")).editSpec().withSelector(selecting("stable"))
                .endSpec().build();
        client.services().inNamespace(target.namespace()).resource(edited).update();

        await().atMost(AT_MOST).untilAsserted(() -> assertThat(router.foreignChange(target).block()).contains(
                "Service video-api selected track stable where Rollgate set canary; putting it back"));
        awaitCurrent(Weights.ALL_STABLE);
        SENT.drain();

        router.route(target, Weights.all(Track.CANARY)).block();

        assertThat(SENT.writes()).hasSize(1);
        assertThat(service("video-api").getSpec().getSelector()).isEqualTo(selecting("canary"));
        await().atMost(AT_MOST).untilAsserted(() ->
                assertThat(router.foreignChange(target).block()).isEqualTo(Optional.empty()));
    }

    @Test
    void aSelectorEditPutBackBeforeForeignChangeLookedIsStillReportedOnce() {
        runBothTracks();
        router.route(target, Weights.all(Track.CANARY)).block();
        awaitCurrent(Weights.all(Track.CANARY));
        Service edited = new ServiceBuilder(service("video-api")).editSpec().withSelector(selecting("stable"))
                .endSpec().build();
        client.services().inNamespace(target.namespace()).resource(edited).update();
        awaitCurrent(Weights.ALL_STABLE);

        // The engine looked before the edit arrived and routes after it: the route puts it back.
        router.route(target, Weights.all(Track.CANARY)).block();
        awaitCurrent(Weights.all(Track.CANARY));

        assertThat(router.foreignChange(target).block())
                .contains("Service video-api selected track stable where Rollgate set canary; putting it back");
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void aChartsServiceIsTakenOverWithItsSelectorReplaced() {
        runBothTracks();
        Service chart = new ServiceBuilder()
                .withNewMetadata().withName("video-api").withLabels(Map.of("app.kubernetes.io/managed-by", "Helm"))
                .endMetadata()
                .withNewSpec().withSelector(Map.of("app.kubernetes.io/name", "video-api"))
                    .addNewPort().withName("http").withPort(80).endPort().endSpec()
                .build();
        client.services().inNamespace(target.namespace()).resource(chart).create();
        await().atMost(AT_MOST).until(() -> cache.service(target.namespace(), "video-api") != null);
        assertThat(router.foreignChange(target).block()).as("Rollgate never wrote it").isEmpty();

        router.route(target, Weights.ALL_STABLE).block();

        Service main = service("video-api");
        assertThat(main.getSpec().getSelector()).isEqualTo(selecting("stable"));
        assertThat(main.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm");
        assertThat(main.getMetadata().getAnnotations()).containsEntry("rollgate.dev/route", "stable");
    }

    @Test
    void aLostRaceForTheServiceIsReadAgainAndWon() {
        runBothTracks();
        router.route(target, Weights.ALL_STABLE).block();
        String path = "/api/v1/namespaces/" + target.namespace() + "/services/video-api";
        server.expect().put().withPath(path).andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
                .withMessage("the object has been modified").build()).once();
        SENT.drain();

        router.route(target, Weights.all(Track.CANARY)).block();

        assertThat(SENT.writes()).containsExactly("PUT " + path, "PUT " + path);
        assertThat(service("video-api").getSpec().getSelector()).isEqualTo(selecting("canary"));
    }

    @Test
    void aForbiddenServiceWriteIsPermanent() {
        runBothTracks();
        router.route(target, Weights.ALL_STABLE).block();
        server.expect().put().withPath("/api/v1/namespaces/" + target.namespace() + "/services/video-api")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("services \"video-api\" is forbidden").build()).always();

        Throwable e = catchThrowable(() -> router.route(target, Weights.all(Track.CANARY)).block());

        assertThat(e).isInstanceOf(AdapterException.class);
        assertThat(((AdapterException) e).permanent()).isTrue();
        assertThat(e.getMessage()).contains("403").contains("video-api");
    }

    @Test
    void aCanaryWithAnHpaOfItsOwnCannotBeSplitByReplicaRatio() {
        runBothTracks();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(target.namespace())
                .resource(new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("video-api-canary")
                        .endMetadata().withNewSpec().withMaxReplicas(5).withNewScaleTargetRef()
                        .withApiVersion("apps/v1").withKind("Deployment").withName("video-api-canary")
                        .endScaleTargetRef().endSpec().build())
                .create();
        await().atMost(AT_MOST).until(() -> cache.autoscalerMinimum(target.namespace(), "video-api-canary")
                .isPresent());

        Throwable e = catchThrowable(() -> router.route(target, Weights.canary(10)).block());

        assertThat(e).isInstanceOf(AdapterException.class);
        assertThat(((AdapterException) e).permanent()).isTrue();
        assertThat(e.getMessage()).contains("HPA").contains("video-api-canary");
    }

    @Test
    void withoutTheServiceTrafficIsAllStableOnlyWhileNoCanaryRuns() {
        workloads.apply(target, Track.STABLE, V1).block();
        awaitCurrent(Weights.ALL_STABLE);

        workloads.apply(target, Track.CANARY, V2).block();

        await().atMost(AT_MOST).untilAsserted(() -> {
            Throwable e = catchThrowable(() -> router.current(target).block());
            assertThat(e).isInstanceOf(AdapterException.class).hasMessageContaining("traffic unknown");
            assertThat(((AdapterException) e).permanent()).isFalse();
        });
    }

    private void setReady(Track track, int ready) {
        Deployment d = deployment(track);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(d.getSpec().getReplicas()).withReadyReplicas(ready).build());
        client.apps().deployments().inNamespace(target.namespace()).resource(d).updateStatus();
    }
}
