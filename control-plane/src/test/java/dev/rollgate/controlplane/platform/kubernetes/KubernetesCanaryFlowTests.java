package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;

/**
 * Canary releases through the real engine on the real Istio and Gateway API routers, asserted on the objects the
 * mock API server holds: the weights of every step, the header route, the Deployments' templates and counts.
 * Environments {@code kc-canary-istio} / {@code kc-canary-gw} hold each step 1 s so a poller sees every split;
 * {@code kc-canary-long} holds its first step for a minute.
 */
@KubernetesEngineTest
class KubernetesCanaryFlowTests {

    private static final Logger log = LoggerFactory.getLogger(KubernetesCanaryFlowTests.class);
    private static final String ISTIO = "kc-canary-istio";
    private static final String ISTIO_NS = "rollgate-kc-canary-istio";
    private static final String GATEWAY = "kc-canary-gw";
    private static final String GATEWAY_NS = "rollgate-kc-canary-gw";
    private static final String LONG = "kc-canary-long";
    private static final String LONG_NS = "rollgate-kc-canary-long";

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
    void aHealthyCanaryWalksEveryIstioWeightAndEndsOnTheNewStable() {
        establish("kc-walk", ISTIO, ISTIO_NS);
        Release release;
        List<String> splits;
        try (RouteTrail trail = RouteTrail.virtualService(cluster.client(), ISTIO_NS, "kc-walk")) {
            release = driver.start("kc-walk", ISTIO, "2.0.0");
            driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
            splits = trail.splits();
            assertThat(trail.pairs()).containsExactly("100/0", "95/5", "75/25", "50/50", "100/0");
            assertNoSpecChangeUnseen(trail);
        }

        // The header route reaches the canary from its deployment to its promotion, and is gone once it is stable.
        assertThat(splits).containsExactly("100/0/-", "100/0/canary", "95/5/canary", "75/25/canary",
                "50/50/canary", "100/0/-");
        assertThat(RouteTrail.virtualService(virtualService(ISTIO_NS, "kc-walk")).withPreview()).isEqualTo("100/0/-");
        assertThat(deployment(ISTIO_NS, "kc-walk-canary").getSpec().getReplicas()).isZero();
        assertRunsTemplate(deployment(ISTIO_NS, "kc-walk-stable"), "ghcr.io/rollgate-test/kc-walk:2.0.0",
                release.candidate().digest());
    }

    @Test
    void aHealthyCanaryWalksEveryHttpRouteWeightUnderTheEnvironmentsGateway() {
        establish("kc-gw", GATEWAY, GATEWAY_NS);
        Release release;
        List<String> splits;
        try (RouteTrail trail = RouteTrail.httpRoute(cluster.client(), GATEWAY_NS, "kc-gw")) {
            release = driver.start("kc-gw", GATEWAY, "2.0.0");
            driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);
            splits = trail.splits();
            assertThat(trail.pairs()).containsExactly("100/0", "95/5", "75/25", "50/50", "100/0");
            assertNoSpecChangeUnseen(trail);
        }

        assertThat(splits).containsExactly("100/0/-", "100/0/kc-gw-canary", "95/5/kc-gw-canary",
                "75/25/kc-gw-canary", "50/50/kc-gw-canary", "100/0/-");
        HTTPRoute route = cluster.client().resources(HTTPRoute.class).inNamespace(GATEWAY_NS).withName("kc-gw").get();
        assertThat(route.getSpec().getParentRefs()).extracting(ParentReference::getNamespace, ParentReference::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gateway-ns", "public"));
        assertThat(route.getSpec().getRules()).as("only the catch-all rule is left").hasSize(1);
        assertThat(deployment(GATEWAY_NS, "kc-gw-canary").getSpec().getReplicas()).isZero();
        assertRunsTemplate(deployment(GATEWAY_NS, "kc-gw-stable"), "ghcr.io/rollgate-test/kc-gw:2.0.0",
                release.candidate().digest());
    }

    @Test
    void aFailingCanaryGoesStraightBackToAllStableWithoutAnotherStep() {
        Release previous = establish("kc-bad", ISTIO, ISTIO_NS);
        readings.errorRate("kc-bad", "2.0.0", 0.30);
        long before = virtualService(ISTIO_NS, "kc-bad").getMetadata().getGeneration();
        Release release;
        List<String> splits;
        try (RouteTrail trail = RouteTrail.virtualService(cluster.client(), ISTIO_NS, "kc-bad")) {
            release = driver.start("kc-bad", ISTIO, "2.0.0");
            driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
            splits = trail.splits();
        }

        // 5 % may last one tick, too short for a poller to be sure of; the generation counts every spec change.
        GenericKubernetesResource vs = virtualService(ISTIO_NS, "kc-bad");
        assertThat(vs.getMetadata().getGeneration() - before)
                .as("spec changes: the preview route, the 5 %% step, the rollback; seen %s", splits).isEqualTo(3);
        assertThat(List.of("100/0/-", "100/0/canary", "95/5/canary", "100/0/-")).containsSubsequence(splits);
        assertThat(splits).endsWith("100/0/-").doesNotContain("75/25/canary", "50/50/canary");
        assertThat(RouteTrail.virtualService(vs).withPreview()).isEqualTo("100/0/-");
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == ReleaseEvent.Type.STEP_ADVANCED)
                .extracting(e -> e.data().get("weight")).containsExactly(5);
        assertThat(driver.eventTypes(release.id())).containsSubsequence(ReleaseEvent.Type.GATE_FAILED,
                ReleaseEvent.Type.ROLLBACK_STARTED, ReleaseEvent.Type.ROLLED_BACK);
        assertThat(deployment(ISTIO_NS, "kc-bad-canary").getSpec().getReplicas()).isZero();
        assertRunsTemplate(deployment(ISTIO_NS, "kc-bad-stable"), "ghcr.io/rollgate-test/kc-bad:1.0.0",
                previous.candidate().digest());
    }

    @Test
    void aCanaryHoldingItsStepMakesNoRequestToTheApiServer() {
        establish("kc-steady", LONG, LONG_NS);
        Release release = driver.start("kc-steady", LONG, "2.0.0");
        awaitSplit(LONG_NS, "kc-steady", "95/5/canary");
        RequestCounter.Window window = cluster.requests().window();

        // About 30 ticks, each observing both tracks, the route and converging to the step they already show.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(window.about("/namespaces/" + LONG_NS + "/"))
                        .as("reads come from the informers, and nothing differs to be written").isEmpty());

        log.info("a canary holding its step for 3 s: requests to the API server by verb {}", window.byVerb());
        assertThat(releases.findById(release.id()).block().state()).isEqualTo(ReleaseState.PROGRESSING);
        assertThat(RouteTrail.virtualService(virtualService(LONG_NS, "kc-steady")).withPreview())
                .isEqualTo("95/5/canary");
        rollBack(release);
    }

    @Test
    void weightsSomeoneElseChangedArePutBackAndRecorded() {
        establish("kc-foreign", LONG, LONG_NS);
        Release release = driver.start("kc-foreign", LONG, "2.0.0");
        awaitSplit(LONG_NS, "kc-foreign", "95/5/canary");

        cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(LONG_NS)
                .withName("kc-foreign").edit(KubernetesCanaryFlowTests::allOnStable);

        // Ticks come every 100 ms: a few of them.
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(RouteTrail.virtualService(virtualService(LONG_NS, "kc-foreign")).withPreview())
                        .isEqualTo("95/5/canary"));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(driver.events(release.id()))
                .filteredOn(e -> e.type() == ReleaseEvent.Type.ROUTE_RESTORED).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("VirtualService kc-foreign had 100/0 (canary: true"
                        + " to canary) where Rollgate set 95/5 (canary: true to canary); putting it back")));
        rollBack(release);
    }

    @Test
    void theNextReleaseNeverSeesTheLastOnesHeaderRoute() {
        establish("kc-next", ISTIO, ISTIO_NS);
        Release first = driver.start("kc-next", ISTIO, "2.0.0");
        driver.awaitSettled(first.id(), ReleaseState.SUCCEEDED);
        assertThat(RouteTrail.virtualService(virtualService(ISTIO_NS, "kc-next")).withPreview())
                .as("after release 1 ended").isEqualTo("100/0/-");

        Release second;
        List<RouteTrail.Split> seen;
        try (RouteTrail trail = RouteTrail.virtualService(cluster.client(), ISTIO_NS, "kc-next",
                () -> revision(deployment(ISTIO_NS, "kc-next-canary")))) {
            second = driver.start("kc-next", ISTIO, "3.0.0");
            driver.awaitState(second.id(), ReleaseState.PROGRESSING);
            seen = trail.snapshot();
        }

        // The canary's template is read just after the route: a header route seen before release 2 put 3.0.0 on
        // the canary could only be release 1's.
        String candidate = second.candidate().digest();
        assertThat(seen).first().extracting(RouteTrail.Split::withPreview).isEqualTo("100/0/-");
        assertThat(seen).filteredOn(s -> s.preview() != null).isNotEmpty()
                .allSatisfy(s -> {
                    assertThat(s.preview()).isEqualTo("canary");
                    assertThat(s.alongside()).as("canary revision when %s was first seen", s.withPreview())
                            .isEqualTo(candidate);
                });
        rollBack(second);
    }

    /**
     * A first version straight onto stable (the bootstrap path: no analysis, so the long environment's minute-long
     * hold does not apply), so the next release has something to split traffic with.
     */
    private Release establish(String app, String env, String namespace) {
        for (String track : List.of("stable", "canary")) {
            cluster.server().expect().get()
                    .withPath("/api/v1/namespaces/" + namespace + "/services/" + app + "-" + track + ":80/proxy/health")
                    .andReturn(200, "ok").always();
        }
        return driver.awaitSettled(service.bootstrap(app, env, "1.0.0").block().release().id(),
                ReleaseState.SUCCEEDED);
    }

    private void rollBack(Release release) {
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "test over"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
        String namespace = release.placement().namespace();
        assertThat(RouteTrail.virtualService(virtualService(namespace, release.application())).withPreview())
                .isEqualTo("100/0/-");
        assertThat(deployment(namespace, release.application() + "-canary").getSpec().getReplicas()).isZero();
    }

    private void awaitSplit(String namespace, String app, String split) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
            GenericKubernetesResource vs = virtualService(namespace, app);
            return vs != null && RouteTrail.virtualService(vs).withPreview().equals(split);
        });
    }

    private static void assertNoSpecChangeUnseen(RouteTrail trail) {
        List<Long> generations = trail.generations();
        for (int i = 1; i < generations.size(); i++) {
            assertThat(generations.get(i)).as("generations seen %s", generations).isEqualTo(generations.get(i - 1) + 1);
        }
    }

    private static void assertRunsTemplate(Deployment d, String image, String revision) {
        assertThat(d.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo(image));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(DeploymentSpec.REVISION_ANNOTATION, revision);
        assertThat(revision(d)).isEqualTo(revision);
    }

    private static String revision(Deployment d) {
        return d == null || d.getMetadata().getAnnotations() == null ? null
                : d.getMetadata().getAnnotations().get(DeploymentSpec.REVISION_ANNOTATION);
    }

    /** As a GitOps sync of a manifest that says 100/0 would: the primary route only, the record left alone. */
    @SuppressWarnings("unchecked")
    private static GenericKubernetesResource allOnStable(GenericKubernetesResource vs) {
        Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
        for (Object route : (List<Object>) spec.get("http")) {
            Map<String, Object> http = (Map<String, Object>) route;
            if (IstioRoutes.PRIMARY_ROUTE.equals(http.get("name"))) {
                for (Object d : (List<Object>) http.get("route")) {
                    Map<String, Object> destination = (Map<String, Object>) d;
                    String subset = String.valueOf(((Map<String, Object>) destination.get("destination")).get("subset"));
                    destination.put("weight", subset.equals("stable") ? 100 : 0);
                }
            }
        }
        return vs;
    }

    private GenericKubernetesResource virtualService(String namespace, String name) {
        return cluster.client().genericKubernetesResources(IstioRoutes.VIRTUAL_SERVICES).inNamespace(namespace)
                .withName(name).get();
    }

    private Deployment deployment(String namespace, String name) {
        return cluster.client().apps().deployments().inNamespace(namespace).withName(name).get();
    }
}
