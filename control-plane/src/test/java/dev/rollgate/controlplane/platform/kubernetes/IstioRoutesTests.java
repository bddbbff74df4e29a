package dev.rollgate.controlplane.platform.kubernetes;

import static dev.rollgate.controlplane.platform.kubernetes.RouterFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

class IstioRoutesTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");
    private static final KubernetesProperties.EnvironmentOptions PLAIN = options(null, null, null);
    private static final String HOST = "video-api.video-prod.svc.cluster.local";

    private static GenericKubernetesResource vs(Weights w) {
        return IstioRoutes.desired(TARGET, w, PLAIN).virtualService();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> http(GenericKubernetesResource vs) {
        return (List<Map<String, Object>>) IstioRoutes.spec(vs).get("http");
    }

    private static Map<String, Object> destination(String subset, int weight) {
        return Map.of("destination", Map.of("host", HOST, "subset", subset, "port", Map.of("number", 8080)),
                "weight", weight);
    }

    /** As the API server hands it back: JSON parsed again, so the Java types are the parser's, not ours. */
    private static GenericKubernetesResource roundTrip(GenericKubernetesResource r) {
        return Serialization.unmarshal(Serialization.asJson(r), GenericKubernetesResource.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 25, 50, 100})
    void eachStepIsOnePrimaryRouteOverBothSubsets(int canary) {
        GenericKubernetesResource vs = vs(Weights.canary(canary));

        assertThat(vs.getApiVersion()).isEqualTo("networking.istio.io/v1");
        assertThat(vs.getKind()).isEqualTo("VirtualService");
        assertThat(http(vs)).containsExactly(Map.of("name", "rollgate-primary",
                "route", List.of(destination("stable", 100 - canary), destination("canary", canary))));
        assertThat(IstioRoutes.weights(roundTrip(vs))).isEqualTo(Weights.canary(canary));
    }

    @ParameterizedTest
    @CsvSource({"95, 5, CANARY, 95/5/canary", "100, 0, , 100/0/-", "0, 100, STABLE, 0/100/stable",
            "75, 25, , 75/25/-"})
    void theAnnotationRecordsWhatRollgateWrote(int stable, int canary, Track preview, String recorded) {
        GenericKubernetesResource vs = vs(new Weights(stable, canary, preview));

        assertThat(vs.getMetadata().getAnnotations()).containsExactly(Map.entry("rollgate.dev/weights", recorded));
        assertThat(RouteRecord.parse(recorded)).isEqualTo(new Weights(stable, canary, preview));
    }

    @Test
    void aPreviewIsAFirstRouteOnTheCanaryHeader() {
        GenericKubernetesResource vs = vs(Weights.canary(5).withPreview(Track.CANARY));

        assertThat(http(vs)).hasSize(2);
        assertThat(http(vs).get(0)).isEqualTo(Map.of("name", "rollgate-preview",
                "match", List.of(Map.of("headers", Map.of("canary", Map.of("exact", "true")))),
                "route", List.of(destination("canary", 100))));
        assertThat(http(vs).get(1).get("name")).isEqualTo("rollgate-primary");
        assertThat(IstioRoutes.weights(roundTrip(vs))).isEqualTo(Weights.canary(5).withPreview(Track.CANARY));
    }

    @Test
    void aBlueGreenPreviewCanBeTheStableColour() {
        Weights idleBlue = new Weights(0, 100, Track.STABLE);

        assertThat(http(vs(idleBlue)).get(0).get("route")).isEqualTo(List.of(destination("stable", 100)));
        assertThat(IstioRoutes.weights(roundTrip(vs(idleBlue)))).isEqualTo(idleBlue);
    }

    @Test
    void withoutAPreviewThereIsNoHeaderRoute() {
        assertThat(http(vs(Weights.canary(25)))).extracting(r -> r.get("name")).containsExactly("rollgate-primary");
    }

    @Test
    void theHostIsTheServiceInTheMeshUnlessConfiguredAndGatewaysOnlyWhenConfigured() {
        assertThat(IstioRoutes.spec(vs(Weights.ALL_STABLE))).containsEntry("hosts", List.of(HOST))
                .doesNotContainKey("gateways");

        GenericKubernetesResource edge = IstioRoutes.desired(TARGET, Weights.ALL_STABLE,
                options(List.of("video.example.com"), List.of("istio-system/public", "mesh"), null)).virtualService();

        assertThat(IstioRoutes.spec(edge)).containsEntry("hosts", List.of("video.example.com"))
                .containsEntry("gateways", List.of("istio-system/public", "mesh"));
        assertThat(http(edge).get(0).get("route")).as("destinations stay the in-mesh Service")
                .isEqualTo(List.of(destination("stable", 100), destination("canary", 0)));
    }

    @Test
    void theObjectsAreLabelledAsRollgatesAndTheRuleHasBothSubsets() {
        IstioRoutes.Routes r = IstioRoutes.desired(TARGET, Weights.ALL_STABLE, PLAIN);

        for (GenericKubernetesResource o : List.of(r.virtualService(), r.destinationRule())) {
            assertThat(o.getMetadata().getName()).isEqualTo("video-api");
            assertThat(o.getMetadata().getNamespace()).isEqualTo("video-prod");
            assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate")
                    .containsEntry("app", "video-api");
        }
        assertThat(r.destinationRule().getKind()).isEqualTo("DestinationRule");
        assertThat(IstioRoutes.spec(r.destinationRule())).isEqualTo(Map.of("host", HOST, "subsets", List.of(
                Map.of("name", "stable", "labels", Map.of("track", "stable")),
                Map.of("name", "canary", "labels", Map.of("track", "canary")))));
    }

    private static GenericKubernetesResource withHttp(List<Object> http) {
        GenericKubernetesResource vs = vs(Weights.ALL_STABLE);
        Map<String, Object> spec = new LinkedHashMap<>(IstioRoutes.spec(vs));
        spec.put("http", http);
        vs.setAdditionalProperty("spec", spec);
        return vs;
    }

    private static Map<String, Object> primary(Object... destinations) {
        return Map.of("name", "rollgate-primary", "route", List.of(destinations));
    }

    @Test
    void whatIsNotRollgatesPrimaryRouteReadsAsUnknownNeverAllStable() {
        Map<String, Object> other = Map.of("destination", Map.of("host", HOST, "subset", "v2"), "weight", 100);
        assertThat(IstioRoutes.weights(withHttp(List.of()))).isNull();
        assertThat(IstioRoutes.weights(withHttp(List.of(Map.of("name", "by-hand", "route",
                List.of(destination("stable", 100))))))).as("no route named rollgate-primary").isNull();
        assertThat(IstioRoutes.weights(withHttp(List.of(primary(destination("stable", 50), other)))))
                .as("a subset that is no track").isNull();
        assertThat(IstioRoutes.weights(withHttp(List.of(primary(destination("stable", 0), destination("canary", 0))))))
                .as("a total of 0").isNull();
        assertThat(IstioRoutes.weights(withHttp(List.of(Map.of("name", "rollgate-preview", "route",
                List.of(destination("canary", 100))), primary(destination("stable", 100))))))
                .as("a preview route on no header").isNull();
        GenericKubernetesResource noSpec = vs(Weights.ALL_STABLE);
        noSpec.getAdditionalProperties().remove("spec");
        assertThat(IstioRoutes.weights(noSpec)).isNull();
    }

    @Test
    void weightsReadAsIstioSplitsThem() {
        Map<String, Object> loneStable = Map.of("destination", Map.of("host", HOST, "subset", "stable"));
        assertThat(IstioRoutes.weights(withHttp(List.of(primary(loneStable))))).isEqualTo(Weights.ALL_STABLE);
        assertThat(IstioRoutes.weights(withHttp(List.of(primary(destination("stable", 3), destination("canary", 1))))))
                .as("a total other than 100 splits in proportion").isEqualTo(Weights.canary(25));

        List<Object> previewAfterPrimary = new ArrayList<>(http(vs(Weights.canary(5).withPreview(Track.CANARY))));
        previewAfterPrimary.add(previewAfterPrimary.remove(0));
        assertThat(IstioRoutes.weights(withHttp(previewAfterPrimary)))
                .as("a header route after the catch-all is never reached").isEqualTo(Weights.canary(5));
    }

    @Test
    void anUnchangedRouteNeedsNoWriteEvenAsTheServerReturnsIt() {
        IstioRoutes.Routes r = IstioRoutes.desired(TARGET, Weights.canary(5).withPreview(Track.CANARY), PLAIN);

        assertThat(IstioRoutes.reconcile(roundTrip(r.virtualService()), r.virtualService(),
                IstioRoutes.VIRTUAL_SERVICE_FIELDS)).isNull();
        assertThat(IstioRoutes.reconcile(roundTrip(r.destinationRule()), r.destinationRule(),
                IstioRoutes.DESTINATION_RULE_FIELDS)).isNull();
    }

    @Test
    void aChangeRewritesRollgatesPartsAndKeepsTheRest() {
        GenericKubernetesResource current = roundTrip(IstioRoutes.desired(TARGET, new Weights(100, 0, Track.CANARY),
                options(null, List.of("public"), null)).virtualService());
        Map<String, Object> spec = new LinkedHashMap<>(IstioRoutes.spec(current));
        spec.put("exportTo", List.of("."));
        current.setAdditionalProperty("spec", spec);
        current.getMetadata().getLabels().put("team", "video");
        GenericKubernetesResource desired = vs(Weights.ALL_STABLE);

        GenericKubernetesResource next = IstioRoutes.reconcile(current, desired, IstioRoutes.VIRTUAL_SERVICE_FIELDS);

        assertThat(IstioRoutes.spec(next)).containsEntry("exportTo", List.of("."))
                .containsEntry("http", IstioRoutes.spec(desired).get("http"))
                .doesNotContainKey("gateways");
        assertThat(IstioRoutes.weights(next)).isEqualTo(Weights.ALL_STABLE);
        assertThat(next.getMetadata().getLabels()).containsEntry("team", "video");
        assertThat(next.getMetadata().getAnnotations()).containsEntry("rollgate.dev/weights", "100/0/-");
        assertThat(IstioRoutes.spec(current)).as("the object read is left as it was").containsKey("gateways");
    }

    @Test
    void aLostLabelIsWrittenBackSoTheInformerSeesTheObject() {
        GenericKubernetesResource current = roundTrip(vs(Weights.ALL_STABLE));
        current.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");

        GenericKubernetesResource next = IstioRoutes.reconcile(current, vs(Weights.ALL_STABLE),
                IstioRoutes.VIRTUAL_SERVICE_FIELDS);

        assertThat(next.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "rollgate");
    }
}
