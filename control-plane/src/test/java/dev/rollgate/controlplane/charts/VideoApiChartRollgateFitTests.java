package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.VideoApiChart.NAMESPACE;
import static dev.rollgate.controlplane.charts.VideoApiChart.all;
import static dev.rollgate.controlplane.charts.VideoApiChart.ci;
import static dev.rollgate.controlplane.charts.VideoApiChart.generic;
import static dev.rollgate.controlplane.charts.VideoApiChart.one;
import static dev.rollgate.controlplane.charts.VideoApiChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rollgate.controlplane.platform.kubernetes.DeploymentSpec;
import dev.rollgate.controlplane.platform.kubernetes.HttpRouteSpec;
import dev.rollgate.controlplane.platform.kubernetes.IstioRoutes;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesProperties;
import dev.rollgate.controlplane.platform.kubernetes.ServiceSpec;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart against what Rollgate's Kubernetes platform builds (DeploymentSpec, ServiceSpec, IstioRoutes,
 * HttpRouteSpec): the objects Rollgate finds by name, selects by label or rewrites must be the ones it would have
 * made itself, so that it adopts the chart's objects as its own. Compared with those classes' output, not with
 * literals copied from them.
 */
class VideoApiChartRollgateFitTests {

    private static final Target PRODUCTION = new Target("video-api", "production", NAMESPACE);
    private static final KubernetesProperties ROLLGATE = KubernetesProperties.defaults();
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    void withRollgateTheChartRendersNoDeploymentAndTheHpaTargetsTheStableTrack() {
        List<HasMetadata> objects = render(Map.of());

        assertThat(all(objects, Deployment.class)).isEmpty();
        assertThat(one(objects, HorizontalPodAutoscaler.class, "video-api").getSpec().getScaleTargetRef().getName())
                .isEqualTo(DeploymentSpec.name(PRODUCTION, Track.STABLE));
    }

    @ParameterizedTest
    @EnumSource(Track.class)
    void eachTrackServiceIsTheOneRollgateWouldCreate(Track track) {
        Service rollgates = ServiceSpec.track(PRODUCTION, track, ROLLGATE);
        Service charts = one(render(Map.of()), Service.class, ServiceSpec.trackName(PRODUCTION, track));

        assertThat(charts.getSpec().getSelector()).isEqualTo(rollgates.getSpec().getSelector());
        assertThat(charts.getSpec().getType()).isEqualTo(rollgates.getSpec().getType());
        assertThat(ports(charts)).isEqualTo(ports(rollgates));
        assertThat(charts.getMetadata().getLabels()).containsAllEntriesOf(withoutManagedBy(rollgates));
    }

    @Test
    void theMainServiceSelectsWhatRollgatesServiceRouterSetsWithAllTrafficOnStable() {
        Service rollgates = ServiceSpec.main(PRODUCTION, Track.STABLE, ROLLGATE);
        Service charts = one(render(Map.of()), Service.class, ServiceSpec.mainName(PRODUCTION));

        assertThat(charts.getSpec().getSelector()).isEqualTo(rollgates.getSpec().getSelector());
        assertThat(ports(charts)).isEqualTo(ports(rollgates));
        assertThat(charts.getMetadata().getLabels()).containsAllEntriesOf(withoutManagedBy(rollgates));
        // The spec's §3.2 Service, from values.
        assertThat(charts.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(charts.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
    }

    @Test
    void underIstioTheMainServiceSelectsBothTracksSoThatTheCanarySubsetHasEndpoints() {
        Service charts = one(render(ci("istio-values.yaml"), Map.of()), Service.class, ServiceSpec.mainName(PRODUCTION));

        assertThat(charts.getSpec().getSelector()).isEqualTo(ServiceSpec.selector(PRODUCTION, null));
    }

    /**
     * Helm sets app.kubernetes.io/managed-by to Helm on whatever it applies, so the chart's objects cannot carry
     * Rollgate's "rollgate" there; the rest of Rollgate's labels they do carry.
     */
    private static Map<String, String> withoutManagedBy(HasMetadata rollgates) {
        Map<String, String> labels = new java.util.HashMap<>(rollgates.getMetadata().getLabels());
        labels.remove(ServiceSpec.MANAGED_BY);
        return labels;
    }

    private static List<String> ports(Service service) {
        return service.getSpec().getPorts().stream().map(VideoApiChartRollgateFitTests::port).toList();
    }

    private static String port(ServicePort p) {
        return p.getName() + " " + p.getProtocol() + " " + p.getPort() + "->" + p.getTargetPort().getValue();
    }

    @Test
    void theVirtualServiceAndDestinationRuleAreRollgatesWithAllTrafficOnStable() {
        KubernetesProperties.EnvironmentOptions options = options(List.of("video-api.example.com"),
                List.of("istio-system/public-gateway"), List.of());
        IstioRoutes.Routes rollgates = IstioRoutes.desired(PRODUCTION, Weights.ALL_STABLE, options);
        List<HasMetadata> objects = render(ci("production-values.yaml"), Map.of());
        GenericKubernetesResource vs = generic(objects, "VirtualService").get(0);
        GenericKubernetesResource dr = generic(objects, "DestinationRule").get(0);

        assertThat(vs.getMetadata().getName()).isEqualTo(rollgates.virtualService().getMetadata().getName());
        assertThat(tree(spec(vs))).isEqualTo(tree(spec(rollgates.virtualService())));
        assertThat(IstioRoutes.weights(vs)).isEqualTo(Weights.ALL_STABLE);
        assertThat(dr.getMetadata().getName()).isEqualTo(rollgates.destinationRule().getMetadata().getName());
        Map<String, Object> chartRule = spec(dr);
        Map<String, Object> rollgateRule = spec(rollgates.destinationRule());
        assertThat(tree(chartRule.get("host"))).isEqualTo(tree(rollgateRule.get("host")));
        assertThat(tree(chartRule.get("subsets"))).isEqualTo(tree(rollgateRule.get("subsets")));
        // Rollgate keeps a trafficPolicy it did not write.
        assertThat(chartRule).containsKey("trafficPolicy");
        assertThat(vs.getMetadata().getLabels()).containsEntry("app", label(rollgates.virtualService(), "app"));
    }

    @Test
    void theHttpRouteIsRollgatesWithAllTrafficOnStable() {
        KubernetesProperties.EnvironmentOptions options = options(List.of(), List.of(), List.of("gateway-system/public"));
        HTTPRoute rollgates = HttpRouteSpec.desired(PRODUCTION, Weights.ALL_STABLE, options);
        HTTPRoute charts = all(render(ci("gateway-api-values.yaml"), Map.of()), HTTPRoute.class).get(0);
        charts.getMetadata().setNamespace(NAMESPACE);

        assertThat(charts.getMetadata().getName()).isEqualTo(rollgates.getMetadata().getName());
        assertThat(charts.getSpec().getParentRefs()).isEqualTo(rollgates.getSpec().getParentRefs());
        assertThat(charts.getSpec().getRules()).isEqualTo(rollgates.getSpec().getRules());
        assertThat(HttpRouteSpec.weights(charts)).isEqualTo(Weights.ALL_STABLE);
        assertThat(charts.getSpec().getHostnames()).containsExactly("video-api.staging.example.com");
        assertThat(charts.getMetadata().getLabels()).containsEntry("app", rollgates.getMetadata().getLabels().get("app"));
    }

    @Test
    void withoutRollgateTheRoutesSendEverythingToTheOneServiceWithoutSubsets() {
        List<HasMetadata> istio = render(ci("unmanaged-istio-values.yaml"), Map.of());
        HTTPRoute route = all(render(Map.of("rollgate.managed", false, "routing.mode", "gateway-api",
                "routing.gatewayApi.parentRefs[0].name", "public")), HTTPRoute.class).get(0);

        assertThat(generic(istio, "DestinationRule")).isEmpty();
        assertThat(tree(spec(generic(istio, "VirtualService").get(0)).get("http"))).asString()
                .contains("video-api.video-production.svc.cluster.local").doesNotContain("subset", "weight");
        assertThat(route.getSpec().getRules()).singleElement().satisfies(rule ->
                assertThat(rule.getBackendRefs()).singleElement().satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("video-api");
                    assertThat(ref.getWeight()).isNull();
                }));
    }

    @Test
    void theChartsDeploymentRunsTheContainerRollgateWouldRun() {
        Deployment rollgates = DeploymentSpec.desired(PRODUCTION, Track.STABLE,
                new Revision("1.2.3", "ghcr.io/rollgate-demo/video-api", Map.of()), null, ROLLGATE);
        Deployment charts = one(render(ci("unmanaged-values.yaml"), Map.of()), Deployment.class, "video-api");
        Container want = rollgates.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container have = charts.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(charts.getSpec().getStrategy()).isEqualTo(rollgates.getSpec().getStrategy());
        assertThat(byNumber(have, have.getLivenessProbe())).isEqualTo(want.getLivenessProbe());
        assertThat(byNumber(have, have.getReadinessProbe())).isEqualTo(want.getReadinessProbe());
        assertThat(have.getResources()).isEqualTo(want.getResources());
        assertThat(have.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .isEqualTo(want.getPorts().stream().map(p -> p.getName() + ":" + p.getContainerPort()).toList());
        assertThat(have.getEnvFrom()).isEqualTo(want.getEnvFrom());
        // Rollgate's variables by the same means (the secrets by reference, APP_VERSION and PORT as values), beside
        // the values file's extraEnv.
        assertThat(have.getEnv()).filteredOn(e -> want.getEnv().stream().anyMatch(w -> w.getName().equals(e.getName())))
                .isEqualTo(want.getEnv());
        assertThat(have.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(have.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(charts.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    /** The chart names the port ("http"); Rollgate gives its number. Both reach the container's 8080. */
    private static Probe byNumber(Container container, Probe probe) {
        IntOrString port = probe.getHttpGet().getPort();
        int number = container.getPorts().stream().filter(p -> p.getName().equals(port.getStrVal())).findFirst()
                .orElseThrow().getContainerPort();
        return new ProbeBuilder(probe).editHttpGet().withPort(new IntOrString(number)).endHttpGet().build();
    }

    private static KubernetesProperties.EnvironmentOptions options(List<String> hosts, List<String> gateways,
                                                                   List<String> parentRefs) {
        return new KubernetesProperties.EnvironmentOptions(hosts, gateways, parentRefs, ROLLGATE.servicePort(), null,
                null, null);
    }

    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return VideoApiChartTests.map(resource.getAdditionalProperties().get("spec"));
    }

    private static String label(HasMetadata object, String key) {
        return object.getMetadata().getLabels().get(key);
    }

    /** As JSON, so that maps built in code and maps parsed from YAML compare by content, whatever their types. */
    private static Object tree(Object value) {
        return JSON.unmarshal(JSON.asJson(value), Object.class);
    }
}
