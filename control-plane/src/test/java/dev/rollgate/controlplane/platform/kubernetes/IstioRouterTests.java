package dev.rollgate.controlplane.platform.kubernetes;

import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.awaitReport;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.requests;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.status;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** Against fabric8's mock API server in CRUD mode, with expectations on top where a test needs an API error. */
@EnableKubernetesMockClient(crud = true)
class IstioRouterTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Weights CANARY_25 = Weights.canary(25).withPreview(Track.CANARY);

    // One router and a namespace per test: the mock server can block its event loop when a watch closes.
    private static IstioRouter router;
    private Target target;
    private String vsPath;
    private String drPath;

    @BeforeAll
    static void startRouter() {
        router = new IstioRouter(client, KubernetesProperties.defaults());
    }

    @AfterAll
    static void closeRouter() {
        router.close();
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        target = new Target("video-api", "staging", "istio-" + NAMESPACES.incrementAndGet());
        vsPath = "/apis/networking.istio.io/v1/namespaces/" + target.namespace() + "/virtualservices";
        drPath = "/apis/networking.istio.io/v1/namespaces/" + target.namespace() + "/destinationrules";
        requests(server);
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> virtualServices() {
        return client.genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(target.namespace());
    }

    private GenericKubernetesResource stored() {
        return virtualServices().withName("video-api").get();
    }

    private List<String> routeNames() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> http = (List<Map<String, Object>>) IstioRoutes.spec(stored()).get("http");
        return http.stream().map(r -> (String) r.get("name")).toList();
    }

    private void awaitCurrent(Weights expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(router.current(target).block()).isEqualTo(expected));
    }

    @Test
    void theFirstRouteCreatesTheDestinationRuleThenTheVirtualService() throws InterruptedException {
        router.route(target, CANARY_25).block();

        assertThat(writes(server)).containsExactly("POST " + drPath, "POST " + vsPath);
        assertThat(IstioRoutes.weights(stored())).isEqualTo(CANARY_25);
        assertThat(stored().getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "75/25/canary");
        GenericKubernetesResource dr = client.genericKubernetesResources(IstioRoutes.DESTINATION_RULES)
                .inNamespace(target.namespace()).withName("video-api").get();
        assertThat(IstioRoutes.spec(dr).get("subsets")).isEqualTo(List.of(
                Map.of("name", "stable", "labels", Map.of("track", "stable")),
                Map.of("name", "canary", "labels", Map.of("track", "canary"))));
    }

    @Test
    void eachStepIsOneWriteOfTheVirtualServiceAndCurrentFollowsIt() throws InterruptedException {
        router.route(target, Weights.ALL_STABLE).block();
        awaitCurrent(Weights.ALL_STABLE);
        requests(server);

        for (int step : new int[] {5, 25, 50, 100}) {
            Weights w = Weights.canary(step).withPreview(Track.CANARY);
            router.route(target, w).block();

            assertThat(writes(server)).as("step %d", step).containsExactly("PUT " + vsPath + "/video-api");
            assertThat(IstioRoutes.weights(stored())).isEqualTo(w);
            awaitCurrent(w);
        }
    }

    @Test
    void aSteadyStateMakesNoRequestOnceTheInformersShowRollgatesWrite() throws InterruptedException {
        router.route(target, CANARY_25).block();
        awaitCurrent(CANARY_25);

        // Until the informers show the write just made, a route reads afresh; from then on it asks nothing.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            requests(server);
            router.route(target, CANARY_25).block();
            assertThat(requests(server)).isEmpty();
        });
        router.route(target, CANARY_25).block();
        assertThat(router.foreignChange(target).block()).isEmpty();
        assertThat(requests(server)).isEmpty();
    }

    @Test
    void aRollbackStraightAfterAStepIsWrittenThoughTheInformerStillShowsTheOldSplit() {
        router.route(target, Weights.ALL_STABLE).block();
        awaitCurrent(Weights.ALL_STABLE);

        // Faster than a watch event arrives: the informer still shows all-stable when the rollback asks for it.
        for (int i = 0; i < 10; i++) {
            router.route(target, CANARY_25).block();
            router.route(target, Weights.ALL_STABLE).block();
            assertThat(IstioRoutes.weights(stored())).as("round %d", i).isEqualTo(Weights.ALL_STABLE);
        }
    }

    @Test
    void theHeaderRouteIsThereDuringTheCanaryAndGoneAfterAllStable() {
        router.route(target, CANARY_25).block();
        assertThat(routeNames()).containsExactly("rollgate-preview", "rollgate-primary");

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(routeNames()).containsExactly("rollgate-primary");
        assertThat(IstioRoutes.weights(stored())).isEqualTo(Weights.ALL_STABLE);
    }

    @Test
    void aHeaderRouteLeftByAnEarlierReleaseOrACrashDoesNotSurvive() throws InterruptedException {
        // As a release that died between "decided" and "done" left it: the header route still in place.
        IstioRoutes.Routes left = IstioRoutes.desired(target, new Weights(100, 0, Track.CANARY),
                KubernetesProperties.defaults().environment(target.environment()));
        client.genericKubernetesResources(IstioRoutes.DESTINATION_RULES).inNamespace(target.namespace())
                .resource(left.destinationRule()).create();
        virtualServices().resource(left.virtualService()).create();
        requests(server);

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(writes(server)).containsExactly("PUT " + vsPath + "/video-api");
        assertThat(routeNames()).containsExactly("rollgate-primary");
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void anEditBehindRollgatesBackIsReportedSeenAndPutBackInOneWrite() throws InterruptedException {
        router.route(target, Weights.canary(25)).block();
        assertThat(router.foreignChange(target).block()).isEmpty();

        setPrimaryWeights(100, 0);

        assertThat(awaitReport(() -> router.foreignChange(target).block()))
                .isEqualTo("VirtualService video-api had 100/0 where Rollgate set 75/25; putting it back");
        assertThat(router.foreignChange(target).block()).as("reported once").isEmpty();
        awaitCurrent(Weights.ALL_STABLE);
        requests(server);

        router.route(target, Weights.canary(25)).block();

        assertThat(writes(server)).containsExactly("PUT " + vsPath + "/video-api");
        assertThat(router.foreignChange(target).block()).isEmpty();
        awaitCurrent(Weights.canary(25));
    }

    @Test
    void anEditPutBackBeforeForeignChangeLookedIsStillReportedOnce() {
        router.route(target, Weights.canary(25)).block();
        awaitCurrent(Weights.canary(25));
        assertThat(router.foreignChange(target).block()).isEmpty();

        // The engine asks foreignChange, then routes: an edit reaching the informer between the two is overwritten
        // before foreignChange could report it.
        setPrimaryWeights(100, 0);
        awaitCurrent(Weights.ALL_STABLE);
        router.route(target, Weights.canary(25)).block();

        assertThat(router.foreignChange(target).block())
                .contains("VirtualService video-api had 100/0 where Rollgate set 75/25; putting it back");
        assertThat(router.foreignChange(target).block()).isEmpty();
        awaitCurrent(Weights.canary(25));
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    /** What a GitOps sync or {@code kubectl edit} does: the spec changes, Rollgate's record stays. */
    @SuppressWarnings("unchecked")
    private void setPrimaryWeights(int stable, int canary) {
        GenericKubernetesResource vs = stored();
        Map<String, Object> spec = new LinkedHashMap<>(IstioRoutes.spec(vs));
        List<Object> http = new ArrayList<>();
        for (Object r : (List<Object>) spec.get("http")) {
            Map<String, Object> route = new LinkedHashMap<>((Map<String, Object>) r);
            if ("rollgate-primary".equals(route.get("name"))) {
                List<Map<String, Object>> destinations = new ArrayList<>();
                for (Object d : (List<Object>) route.get("route")) {
                    Map<String, Object> destination = new LinkedHashMap<>((Map<String, Object>) d);
                    boolean isStable = "stable".equals(((Map<String, Object>) destination.get("destination")).get("subset"));
                    destination.put("weight", isStable ? stable : canary);
                    destinations.add(destination);
                }
                route.put("route", destinations);
            }
            http.add(route);
        }
        spec.put("http", http);
        vs.setAdditionalProperty("spec", spec);
        virtualServices().resource(vs).update();
    }

    @Test
    void noVirtualServiceIsAllStableAndNoForeignChange() {
        assertThat(router.current(target).block()).isEqualTo(Weights.ALL_STABLE);
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void aVirtualServiceWithoutRollgatesRouteIsATransientErrorNamingItNeverAllStable() {
        GenericKubernetesResource vs = IstioRoutes.desired(target, Weights.ALL_STABLE,
                KubernetesProperties.defaults().environment(target.environment())).virtualService();
        Map<String, Object> spec = new LinkedHashMap<>(IstioRoutes.spec(vs));
        spec.put("http", List.of(Map.of("name", "by-hand", "route", List.of(Map.of("destination",
                Map.of("host", IstioRoutes.serviceHost(target), "subset", "v2"))))));
        vs.setAdditionalProperty("spec", spec);
        virtualServices().resource(vs).create();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.current(target).block());
            assertThat(e).isNotNull();
            assertThat(e.permanent()).isFalse();
            assertThat(e.getMessage()).contains("VirtualService video-api in " + target.namespace());
        });
        assertThat(router.foreignChange(target).block()).get().asString()
                .contains("no longer has Rollgate's routes where Rollgate set 100/0");
    }

    @Test
    void aVirtualServiceRollgateNeverWroteIsReportedAndTakenOver() {
        GenericKubernetesResource byHand = IstioRoutes.desired(target, Weights.canary(50),
                KubernetesProperties.defaults().environment(target.environment())).virtualService();
        byHand.getMetadata().setAnnotations(Map.of());
        virtualServices().resource(byHand).create();

        Optional<String> change = router.foreignChange(target).block();
        assertThat(change).get().asString().contains("VirtualService video-api has no readable rollgate.dev/weights");

        router.route(target, Weights.canary(50)).block();

        assertThat(stored().getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "50/50/-");
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void aLostRaceIsReadAgainAndRetried() throws InterruptedException {
        router.route(target, Weights.ALL_STABLE).block();
        server.expect().put().withPath(vsPath + "/video-api").andReturn(409, status(409, "Conflict")).once();
        requests(server);

        router.route(target, CANARY_25).block();

        assertThat(writes(server)).containsExactly("PUT " + vsPath + "/video-api", "PUT " + vsPath + "/video-api");
        assertThat(IstioRoutes.weights(stored())).isEqualTo(CANARY_25);
    }

    @Test
    void conflictsPastTheRetriesAreTransient() {
        router.route(target, Weights.ALL_STABLE).block();
        server.expect().put().withPath(vsPath + "/video-api").andReturn(409, status(409, "Conflict")).always();

        AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.route(target, CANARY_25).block());

        assertThat(e.permanent()).isFalse();
        assertThat(e.getMessage()).contains("VirtualService video-api").contains("409");
    }

    @Test
    void aForbiddenWriteIsPermanent() {
        server.expect().post().withPath(drPath).andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.route(target, CANARY_25).block());

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("DestinationRule video-api").contains("403");
        assertThat(stored()).as("no VirtualService over subsets that do not exist").isNull();
    }
}
