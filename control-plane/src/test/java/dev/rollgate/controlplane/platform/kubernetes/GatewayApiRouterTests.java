package dev.rollgate.controlplane.platform.kubernetes;

import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.awaitReport;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.requests;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.status;
import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** Against fabric8's mock API server in CRUD mode, with expectations on top where a test needs an API error. */
@EnableKubernetesMockClient(crud = true)
class GatewayApiRouterTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Weights CANARY_25 = Weights.canary(25).withPreview(Track.CANARY);
    private static final KubernetesProperties PROPERTIES = RouterFixtures.withEnvironment("staging",
            RouterFixtures.options(null, null, List.of("infra/public-gw")));

    // One router and a namespace per test: the mock server can block its event loop when a watch closes.
    private static GatewayApiRouter router;
    private Target target;
    private String path;

    @BeforeAll
    static void startRouter() {
        router = new GatewayApiRouter(client, PROPERTIES);
    }

    @AfterAll
    static void closeRouter() {
        router.close();
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        target = new Target("video-api", "staging", "gateway-" + NAMESPACES.incrementAndGet());
        path = "/apis/gateway.networking.k8s.io/v1/namespaces/" + target.namespace() + "/httproutes";
        requests(server);
    }

    private HTTPRoute stored() {
        return client.resources(HTTPRoute.class).inNamespace(target.namespace()).withName("video-api").get();
    }

    private void awaitCurrent(Weights expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(router.current(target).block()).isEqualTo(expected));
    }

    @Test
    void theFirstRouteCreatesTheHttpRouteUnderTheConfiguredGateway() throws InterruptedException {
        router.route(target, CANARY_25).block();

        assertThat(writes(server)).containsExactly("POST " + path);
        HTTPRoute r = stored();
        assertThat(HttpRouteSpec.weights(r)).isEqualTo(CANARY_25);
        assertThat(r.getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "75/25/canary");
        assertThat(r.getSpec().getParentRefs()).singleElement().satisfies(p -> {
            assertThat(p.getNamespace()).isEqualTo("infra");
            assertThat(p.getName()).isEqualTo("public-gw");
        });
        assertThat(r.getSpec().getRules().get(1).getBackendRefs()).extracting(HTTPBackendRef::getName,
                HTTPBackendRef::getPort, HTTPBackendRef::getWeight)
                .containsExactly(tuple("video-api-stable", 8080, 75),
                        tuple("video-api-canary", 8080, 25));
    }

    @Test
    void eachStepIsOneWriteAndCurrentFollowsIt() throws InterruptedException {
        router.route(target, Weights.ALL_STABLE).block();
        awaitCurrent(Weights.ALL_STABLE);
        requests(server);

        for (int step : new int[] {5, 25, 50, 100}) {
            Weights w = Weights.canary(step).withPreview(Track.CANARY);
            router.route(target, w).block();

            assertThat(writes(server)).as("step %d", step).containsExactly("PUT " + path + "/video-api");
            assertThat(HttpRouteSpec.weights(stored())).isEqualTo(w);
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
    void theHeaderRuleIsThereDuringTheCanaryAndGoneAfterAllStable() {
        router.route(target, CANARY_25).block();
        assertThat(stored().getSpec().getRules()).hasSize(2);

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(stored().getSpec().getRules()).singleElement()
                .satisfies(rule -> assertThat(rule.getMatches()).isNullOrEmpty());
        assertThat(HttpRouteSpec.weights(stored())).isEqualTo(Weights.ALL_STABLE);
    }

    @Test
    void aHeaderRuleLeftByAnEarlierReleaseOrACrashDoesNotSurvive() throws InterruptedException {
        HTTPRoute left = HttpRouteSpec.desired(target, new Weights(100, 0, Track.CANARY),
                PROPERTIES.environment(target.environment()));
        client.resources(HTTPRoute.class).inNamespace(target.namespace()).resource(left).create();
        requests(server);

        router.route(target, Weights.ALL_STABLE).block();

        assertThat(writes(server)).containsExactly("PUT " + path + "/video-api");
        assertThat(stored().getSpec().getRules()).hasSize(1);
        assertThat(HttpRouteSpec.weights(stored())).isEqualTo(Weights.ALL_STABLE);
    }

    @Test
    void anEditBehindRollgatesBackIsReportedSeenAndPutBackInOneWrite() throws InterruptedException {
        router.route(target, Weights.canary(25)).block();
        assertThat(router.foreignChange(target).block()).isEmpty();

        HTTPRoute edited = stored();
        List<HTTPBackendRef> refs = edited.getSpec().getRules().get(0).getBackendRefs();
        refs.get(0).setWeight(100);
        refs.get(1).setWeight(0);
        client.resources(HTTPRoute.class).inNamespace(target.namespace()).resource(edited).update();

        assertThat(awaitReport(() -> router.foreignChange(target).block()))
                .isEqualTo("HTTPRoute video-api had 100/0 where Rollgate set 75/25; putting it back");
        assertThat(router.foreignChange(target).block()).as("reported once").isEmpty();
        awaitCurrent(Weights.ALL_STABLE);
        requests(server);

        router.route(target, Weights.canary(25)).block();

        assertThat(writes(server)).containsExactly("PUT " + path + "/video-api");
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
        HTTPRoute edited = stored();
        List<HTTPBackendRef> refs = edited.getSpec().getRules().get(0).getBackendRefs();
        refs.get(0).setWeight(100);
        refs.get(1).setWeight(0);
        client.resources(HTTPRoute.class).inNamespace(target.namespace()).resource(edited).update();
        awaitCurrent(Weights.ALL_STABLE);
        router.route(target, Weights.canary(25)).block();

        assertThat(router.foreignChange(target).block())
                .contains("HTTPRoute video-api had 100/0 where Rollgate set 75/25; putting it back");
        assertThat(router.foreignChange(target).block()).isEmpty();
        awaitCurrent(Weights.canary(25));
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void noHttpRouteIsAllStableAndNoForeignChange() {
        assertThat(router.current(target).block()).isEqualTo(Weights.ALL_STABLE);
        assertThat(router.foreignChange(target).block()).isEmpty();
    }

    @Test
    void aRouteWithoutRollgatesRuleIsATransientErrorNamingItNeverAllStable() {
        HTTPRoute r = HttpRouteSpec.desired(target, Weights.ALL_STABLE, PROPERTIES.environment(target.environment()));
        HTTPRouteRule byHand = new HTTPRouteRuleBuilder().addNewBackendRef().withName("video-api-v2").withWeight(1)
                .endBackendRef().build();
        r.getSpec().setRules(List.of(byHand));
        client.resources(HTTPRoute.class).inNamespace(target.namespace()).resource(r).create();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.current(target).block());
            assertThat(e).isNotNull();
            assertThat(e.permanent()).isFalse();
            assertThat(e.getMessage()).contains("HTTPRoute video-api in " + target.namespace());
        });
        assertThat(router.foreignChange(target).block()).get().asString()
                .contains("no longer has Rollgate's routes where Rollgate set 100/0");
    }

    @Test
    void anEnvironmentWithoutParentGatewaysIsAPermanentErrorAndWritesNothing() throws InterruptedException {
        Target dev = new Target("video-api", "dev", target.namespace());

        AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.route(dev, CANARY_25).block());

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("names no parent Gateway");
        assertThat(requests(server)).isEmpty();
    }

    @Test
    void aLostRaceIsReadAgainAndRetried() throws InterruptedException {
        router.route(target, Weights.ALL_STABLE).block();
        server.expect().put().withPath(path + "/video-api").andReturn(409, status(409, "Conflict")).once();
        requests(server);

        router.route(target, CANARY_25).block();

        assertThat(writes(server)).containsExactly("PUT " + path + "/video-api", "PUT " + path + "/video-api");
        assertThat(HttpRouteSpec.weights(stored())).isEqualTo(CANARY_25);
    }

    @Test
    void aForbiddenWriteIsPermanent() {
        server.expect().post().withPath(path).andReturn(403, status(403, "Forbidden")).always();

        AdapterException e = catchThrowableOfType(AdapterException.class, () -> router.route(target, CANARY_25).block());

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("HTTPRoute video-api").contains("403");
    }

    @Test
    void theAnnotationIsWhatForeignChangeComparesWith() {
        router.route(target, new Weights(0, 100, Track.STABLE)).block();

        assertThat(stored().getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "0/100/stable");
        assertThat(stored().getMetadata().getLabels()).isEqualTo(Map.of("app.kubernetes.io/managed-by", "rollgate",
                "app", "video-api"));
        assertThat(router.foreignChange(target).block()).isEmpty();
    }
}
