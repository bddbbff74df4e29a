package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Who owns a Deployment's count, against the CRUD mock server: Rollgate when a track starts, its HPA or whoever
 * scaled it afterwards. {@code client} arranges the cluster (and plays the HPA); the adapters' own client records
 * what they send.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkloadsReplicaTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Revision V1 = new Revision("1.2.0", null, Map.of());
    private static final Revision V2 = new Revision("1.3.0", null, Map.of());
    private static final Revision V3 = new Revision("1.4.0", null, Map.of());
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final ApiRequests SENT = new ApiRequests();

    private static KubernetesClient adapterClient;
    private static ClusterCache cache;
    /** replicas 3, canaryReplicas 1; the second mirrors the live track's HPA minimum. */
    private static KubernetesWorkloads workloads;
    private static KubernetesWorkloads mirroring;

    @BeforeAll
    static void startWorkloads() {
        adapterClient = SENT.client(server);
        cache = new ClusterCache(adapterClient);
        workloads = new KubernetesWorkloads(adapterClient, options(false), app -> "img/" + app,
                KubernetesWorkloadsReplicaTests::policy, cache);
        mirroring = new KubernetesWorkloads(adapterClient, options(true), app -> "img/" + app,
                KubernetesWorkloadsReplicaTests::policy, cache);
    }

    @AfterAll
    static void close() {
        workloads.close();
        mirroring.close();
        cache.close();
        adapterClient.close();
    }

    private static KubernetesProperties options(boolean mirror) {
        KubernetesProperties d = KubernetesProperties.defaults();
        return new KubernetesProperties(true, null, null, 3, 1, mirror, d.progressDeadline(), 3, "cfg", "db", "url",
                "jwt", "key", d.resources(), 80, KubernetesProperties.SmokeMode.IN_CLUSTER, Map.of());
    }

    /** The environment's name says its strategy. */
    private static DeliveryPolicy policy(String environment) {
        return switch (environment) {
            case "blue-green" -> new DeliveryPolicy.BlueGreen(Duration.ofMinutes(10));
            case "rolling" -> new DeliveryPolicy.Rolling(Duration.ofMinutes(5));
            default -> new DeliveryPolicy.Canary(List.of(10, 50), Duration.ofMinutes(5));
        };
    }

    private static Target target(String environment) {
        SENT.drain();
        return new Target("video-api", environment, "video-" + environment + "-" + NAMESPACES.incrementAndGet());
    }

    private static int replicas(Target target, Track track) {
        return stored(target, track).getSpec().getReplicas();
    }

    private static Deployment stored(Target target, Track track) {
        return client.apps().deployments().inNamespace(target.namespace()).withName("video-api-" + track.id()).get();
    }

    private static void autoscale(Target target, Track track, int min) {
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(target.namespace())
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata().withName("video-api-" + track.id()).endMetadata()
                        .withNewSpec().withMinReplicas(min).withMaxReplicas(10)
                            .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                                .withName("video-api-" + track.id()).endScaleTargetRef()
                        .endSpec().build())
                .create();
    }

    /** What an HPA or {@code kubectl scale} does. */
    private static void scale(Target target, Track track, int replicas) {
        client.apps().deployments().inNamespace(target.namespace()).withName("video-api-" + track.id())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    @Test
    void anHpaOnTheStableTrackOwnsItsCountThroughNewRevisions() {
        Target target = target("canary");
        autoscale(target, Track.STABLE, 2);

        workloads.apply(target, Track.STABLE, V1).block();
        assertThat(replicas(target, Track.STABLE)).as("created at the HPA's minimum").isEqualTo(2);

        scale(target, Track.STABLE, 7);
        SENT.drain();
        workloads.apply(target, Track.STABLE, V2).block();

        assertThat(SENT.writesTo("/apis/apps/v1/")).singleElement().satisfies(put -> {
            assertThat(put.method()).isEqualTo("PUT");
            assertThat(Serialization.unmarshal(put.body(), Deployment.class).getSpec().getReplicas())
                    .as("the count as read, not the policy's 3").isEqualTo(7);
        });
        assertThat(stored(target, Track.STABLE).getMetadata().getAnnotations())
                .containsEntry("rollgate.dev/revision", V2.digest());
        assertThat(replicas(target, Track.STABLE)).isEqualTo(7);

        scale(target, Track.STABLE, 5);
        workloads.apply(target, Track.STABLE, V2).block();
        assertThat(SENT.writes()).isEmpty();
        assertThat(replicas(target, Track.STABLE)).isEqualTo(5);
    }

    @Test
    void theCanaryStartsWithCanaryReplicasBesideTheLiveTrack() {
        Target target = target("canary");

        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.CANARY, V2).block();

        assertThat(replicas(target, Track.STABLE)).isEqualTo(3);
        assertThat(replicas(target, Track.CANARY)).isEqualTo(1);
    }

    @Test
    void withMirrorHpaMinimumTheCanaryStartsAtTheLiveTracksHpaMinimum() {
        Target target = target("canary");
        autoscale(target, Track.STABLE, 4);

        mirroring.apply(target, Track.STABLE, V1).block();
        mirroring.apply(target, Track.CANARY, V2).block();

        assertThat(replicas(target, Track.STABLE)).isEqualTo(4);
        assertThat(replicas(target, Track.CANARY)).isEqualTo(4);
    }

    @Test
    void blueGreenColoursBothRunReplicasEachTimeTheyStart() {
        Target target = target("blue-green");

        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.CANARY, V2).block();
        workloads.scaleToZero(target, Track.STABLE).block();
        assertThat(replicas(target, Track.CANARY)).isEqualTo(3);
        assertThat(replicas(target, Track.STABLE)).isZero();

        // The next release brings the retired colour back with a new revision: one update, template and count.
        SENT.drain();
        workloads.apply(target, Track.STABLE, V3).block();

        assertThat(SENT.writesTo("/apis/apps/v1/")).extracting(ApiRequests.Request::method).containsExactly("PUT");
        assertThat(replicas(target, Track.STABLE)).isEqualTo(3);
    }

    @Test
    void aRunningDeploymentKeepsACountSomeoneElseSet() {
        Target target = target("canary");
        workloads.apply(target, Track.CANARY, V1).block();
        scale(target, Track.CANARY, 2);
        SENT.drain();

        workloads.apply(target, Track.CANARY, V1).block();
        assertThat(SENT.writes()).isEmpty();

        workloads.apply(target, Track.CANARY, V2).block();
        assertThat(replicas(target, Track.CANARY)).isEqualTo(2);
    }

    @Test
    void anAutoscaledTrackScaledToZeroComesBackAtItsHpaMinimum() {
        Target target = target("blue-green");
        autoscale(target, Track.CANARY, 2);
        workloads.apply(target, Track.CANARY, V1).block();
        scale(target, Track.CANARY, 6);

        workloads.scaleToZero(target, Track.CANARY).block();
        assertThat(replicas(target, Track.CANARY)).isZero();
        SENT.drain();

        // At zero the HPA has switched itself off; only Rollgate can start the track again.
        workloads.apply(target, Track.CANARY, V1).block();

        assertThat(SENT.writesTo("/apis/apps/v1/")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PATCH");
            assertThat(r.body()).isEqualTo("{\"spec\":{\"replicas\":2}}");
        });
        assertThat(replicas(target, Track.CANARY)).isEqualTo(2);
    }

    @Test
    void theTracksServiceIsCreatedOnce() {
        Target target = target("rolling");

        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.STABLE, V1).block();
        workloads.apply(target, Track.STABLE, V2).block();

        assertThat(SENT.writesTo("/api/v1/")).extracting(ApiRequests.Request::toString)
                .containsExactly("POST /api/v1/namespaces/" + target.namespace() + "/services");
        Service s = client.services().inNamespace(target.namespace()).withName("video-api-stable").get();
        assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "video-api", "track", "stable"));
        assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate");
    }

    @Test
    void aTracksServiceThatExistsIsLeftAsItIs() {
        Target target = target("canary");
        Service chart = new ServiceBuilder()
                .withNewMetadata().withName("video-api-canary").withLabels(Map.of("app.kubernetes.io/managed-by", "Helm"))
                .endMetadata()
                .withNewSpec().withSelector(Map.of("app", "video-api", "track", "canary"))
                    .addNewPort().withName("web").withPort(8000).endPort().endSpec()
                .build();
        client.services().inNamespace(target.namespace()).resource(chart).create();

        workloads.apply(target, Track.CANARY, V1).block();

        assertThat(SENT.writesTo("/api/v1/")).isEmpty();
        Service s = client.services().inNamespace(target.namespace()).withName("video-api-canary").get();
        assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "Helm");
        assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(8000);
    }
}
