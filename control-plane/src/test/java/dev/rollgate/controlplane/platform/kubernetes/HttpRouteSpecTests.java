package dev.rollgate.controlplane.platform.kubernetes;

import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

class HttpRouteSpecTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");
    private static final KubernetesProperties.EnvironmentOptions EDGE = options(null, null, List.of("public-gw"));

    private static HTTPRoute route(Weights w) {
        return HttpRouteSpec.desired(TARGET, w, EDGE);
    }

    private static HTTPBackendRef ref(String service, int weight) {
        return new HTTPBackendRefBuilder().withName(service).withPort(8080).withWeight(weight).build();
    }

    private static HTTPRoute roundTrip(HTTPRoute r) {
        return Serialization.unmarshal(Serialization.asJson(r), HTTPRoute.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 25, 50, 100})
    void eachStepIsOneRuleOverBothServices(int canary) {
        HTTPRoute r = route(Weights.canary(canary));

        assertThat(r.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(r.getSpec().getRules()).hasSize(1);
        HTTPRouteRule rule = r.getSpec().getRules().get(0);
        assertThat(rule.getMatches()).isNullOrEmpty();
        assertThat(rule.getBackendRefs()).containsExactly(ref("video-api-stable", 100 - canary),
                ref("video-api-canary", canary));
        assertThat(HttpRouteSpec.weights(roundTrip(r))).isEqualTo(Weights.canary(canary));
    }

    @ParameterizedTest
    @CsvSource({"95, 5, CANARY, 95/5/canary", "100, 0, , 100/0/-", "0, 100, STABLE, 0/100/stable"})
    void theAnnotationRecordsWhatRollgateWrote(int stable, int canary, Track preview, String recorded) {
        HTTPRoute r = route(new Weights(stable, canary, preview));

        assertThat(r.getMetadata().getAnnotations()).containsExactly(Map.entry("rollgate.dev/weights", recorded));
        assertThat(r.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate")
                .containsEntry("app", "video-api");
        assertThat(r.getMetadata().getName()).isEqualTo("video-api");
        assertThat(r.getMetadata().getNamespace()).isEqualTo("video-prod");
    }

    @Test
    void aPreviewIsARuleOnTheCanaryHeaderToThePreviewTracksService() {
        HTTPRoute r = route(Weights.canary(5).withPreview(Track.CANARY));

        assertThat(r.getSpec().getRules()).hasSize(2);
        HTTPRouteRule preview = r.getSpec().getRules().get(0);
        assertThat(preview.getMatches()).hasSize(1);
        assertThat(preview.getMatches().get(0).getHeaders()).singleElement().satisfies(h -> {
            assertThat(h.getName()).isEqualTo("canary");
            assertThat(h.getType()).isEqualTo("Exact");
            assertThat(h.getValue()).isEqualTo("true");
        });
        assertThat(preview.getBackendRefs()).containsExactly(ref("video-api-canary", 100));
        assertThat(HttpRouteSpec.weights(roundTrip(r))).isEqualTo(Weights.canary(5).withPreview(Track.CANARY));
        assertThat(HttpRouteSpec.weights(roundTrip(route(new Weights(0, 100, Track.STABLE)))))
                .isEqualTo(new Weights(0, 100, Track.STABLE));
    }

    @Test
    void withoutAPreviewThereIsNoHeaderRule() {
        assertThat(route(Weights.canary(50)).getSpec().getRules()).singleElement()
                .satisfies(rule -> assertThat(rule.getMatches()).isNullOrEmpty());
    }

    @Test
    void parentRefsAreGatewaysByNameOrNamespaceAndName() {
        HTTPRoute r = HttpRouteSpec.desired(TARGET, Weights.ALL_STABLE,
                options(null, null, List.of("public-gw", "infra/shared-gw")));

        assertThat(r.getSpec().getParentRefs()).containsExactly(
                new ParentReferenceBuilder().withName("public-gw").build(),
                new ParentReferenceBuilder().withNamespace("infra").withName("shared-gw").build());
        assertThat(r.getSpec().getHostnames()).isNullOrEmpty();
    }

    @Test
    void noParentRefsIsAPermanentErrorSayingWhatToSet() {
        AdapterException e = catchThrowableOfType(AdapterException.class,
                () -> HttpRouteSpec.desired(TARGET, Weights.ALL_STABLE, options(null, null, null)));

        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("routes nothing").contains("rollgate.kubernetes.environments.prod.parent-refs");
    }

    /** The route as an API server returns it, every default of Gateway API's schema filled in. */
    private static HTTPRoute defaulted(HTTPRoute r) {
        List<ParentReference> parents = r.getSpec().getParentRefs().stream().map(p -> new ParentReferenceBuilder(p)
                .withGroup("gateway.networking.k8s.io").withKind("Gateway").build()).toList();
        List<HTTPRouteRule> rules = r.getSpec().getRules().stream().map(rule -> {
            HTTPRouteRuleBuilder b = new HTTPRouteRuleBuilder(rule).withBackendRefs(rule.getBackendRefs().stream()
                    .map(ref -> new HTTPBackendRefBuilder(ref).withGroup("").withKind("Service").build()).toList());
            if (rule.getMatches() == null || rule.getMatches().isEmpty()) {
                b.addNewMatch().withNewPath("PathPrefix", "/").endMatch();
            } else {
                b.editFirstMatch().withNewPath("PathPrefix", "/").endMatch();
            }
            return b.build();
        }).toList();
        return roundTrip(new HTTPRouteBuilder(r).editSpec().withParentRefs(parents).withRules(rules).endSpec().build());
    }

    @Test
    void anUnchangedRouteNeedsNoWriteWithTheServersDefaultsFilledIn() {
        HTTPRoute desired = route(Weights.canary(25).withPreview(Track.CANARY));

        assertThat(HttpRouteSpec.reconcile(roundTrip(desired), desired)).isNull();
        assertThat(HttpRouteSpec.reconcile(defaulted(desired), desired)).isNull();
        assertThat(HttpRouteSpec.weights(defaulted(desired))).isEqualTo(Weights.canary(25).withPreview(Track.CANARY));
    }

    @Test
    void aChangeRewritesParentsAndRulesAndKeepsHostnames() {
        HTTPRoute current = roundTrip(new HTTPRouteBuilder(route(new Weights(100, 0, Track.CANARY)))
                .editSpec().withHostnames("video.example.com").endSpec().build());
        HTTPRoute desired = HttpRouteSpec.desired(TARGET, Weights.canary(5), options(null, null, List.of("infra/gw")));

        HTTPRoute next = HttpRouteSpec.reconcile(current, desired);

        assertThat(next.getSpec().getHostnames()).containsExactly("video.example.com");
        assertThat(next.getSpec().getParentRefs()).isEqualTo(desired.getSpec().getParentRefs());
        assertThat(next.getSpec().getRules()).isEqualTo(desired.getSpec().getRules());
        assertThat(next.getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "95/5/-");
        assertThat(HttpRouteSpec.weights(current)).as("the route read is left as it was")
                .isEqualTo(new Weights(100, 0, Track.CANARY));
    }

    private static HTTPRoute withRules(HTTPRouteRule... rules) {
        return new HTTPRouteBuilder(route(Weights.ALL_STABLE)).editSpec().withRules(rules).endSpec().build();
    }

    private static HTTPRouteRule catchAll(HTTPBackendRef... refs) {
        return new HTTPRouteRuleBuilder().withBackendRefs(refs).build();
    }

    @Test
    void whatIsNotRollgatesRuleReadsAsUnknownNeverAllStable() {
        assertThat(HttpRouteSpec.weights(withRules())).as("no rule").isNull();
        assertThat(HttpRouteSpec.weights(withRules(catchAll(ref("video-api-stable", 90), ref("other", 10)))))
                .as("a backend that is no track").isNull();
        assertThat(HttpRouteSpec.weights(withRules(catchAll(ref("video-api-stable", 0), ref("video-api-canary", 0)))))
                .as("a total of 0").isNull();
        assertThat(HttpRouteSpec.weights(withRules(catchAll(ref("video-api-stable", 100)),
                catchAll(ref("video-api-canary", 100))))).as("two catch-all rules").isNull();
        HTTPBackendRef elsewhere = new HTTPBackendRefBuilder(ref("video-api-canary", 10)).withNamespace("other").build();
        assertThat(HttpRouteSpec.weights(withRules(catchAll(ref("video-api-stable", 90), elsewhere))))
                .as("a backend in another namespace").isNull();
        HTTPRouteRule previewToNowhere = new HTTPRouteRuleBuilder(route(Weights.ALL_STABLE.withPreview(Track.CANARY))
                .getSpec().getRules().get(0)).withBackendRefs(ref("video-api-v2", 100)).build();
        assertThat(HttpRouteSpec.weights(withRules(previewToNowhere, catchAll(ref("video-api-stable", 100)))))
                .as("a header rule to no track").isNull();
    }

    @Test
    void weightsReadAsGatewaysSplitThem() {
        HTTPBackendRef unweighted = new HTTPBackendRefBuilder().withName("video-api-stable").build();
        HTTPBackendRef unweightedCanary = new HTTPBackendRefBuilder().withName("video-api-canary").build();
        assertThat(HttpRouteSpec.weights(withRules(catchAll(unweighted, unweightedCanary))))
                .as("an absent weight is 1").isEqualTo(Weights.canary(50));
        assertThat(HttpRouteSpec.weights(withRules(catchAll(ref("video-api-stable", 3), ref("video-api-canary", 1)))))
                .as("a total other than 100 splits in proportion").isEqualTo(Weights.canary(25));
        List<HTTPRouteRule> reversed = new ArrayList<>(route(Weights.canary(5).withPreview(Track.CANARY))
                .getSpec().getRules());
        reversed.add(reversed.remove(0));
        assertThat(HttpRouteSpec.weights(withRules(reversed.toArray(HTTPRouteRule[]::new))))
                .as("the header rule wins by specificity, wherever it is").isEqualTo(Weights.canary(5).withPreview(Track.CANARY));
    }
}
