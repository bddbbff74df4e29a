package dev.rollgate.controlplane.charts;

import static dev.rollgate.controlplane.charts.VideoApiChart.ci;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;

import dev.rollgate.controlplane.platform.kubernetes.ClusterCache;
import dev.rollgate.controlplane.platform.kubernetes.GatewayApiRouter;
import dev.rollgate.controlplane.platform.kubernetes.HttpRouteSpec;
import dev.rollgate.controlplane.platform.kubernetes.IstioRouter;
import dev.rollgate.controlplane.platform.kubernetes.IstioRoutes;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesProperties;
import dev.rollgate.controlplane.platform.kubernetes.ServiceRouter;
import dev.rollgate.controlplane.platform.kubernetes.ServiceSpec;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A real {@code helm install} and {@code helm upgrade} (helm-java) against fabric8's mock API server, with
 * Rollgate's own routers moving traffic in between as they do mid-release: an upgrade must keep what they set
 * (the chart reads it back with {@code lookup}) and still apply every other change.
 */
class VideoApiChartUpgradeTests {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Weights CANARY_25 = Weights.canary(25);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static HelmApiServer api;
    private static KubernetesClient client;

    private String namespace;
    private AutoCloseable router;

    @BeforeAll
    static void startApiServer() {
        api = new HelmApiServer();
        client = api.client();
    }

    @AfterAll
    static void stopApiServer() {
        api.close();
    }

    @BeforeEach
    void newNamespace() {
        namespace = "upgrade-" + NAMESPACES.incrementAndGet();
    }

    @AfterEach
    void closeRouter() throws Exception {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void anUpgradeKeepsTheRouteRollgateSetOnTheVirtualServiceAndAppliesEverythingElse() {
        Target target = new Target("video-api", "staging", namespace);
        install(ci("istio-values.yaml"), Map.of());
        IstioRouter istio = new IstioRouter(client, KubernetesProperties.defaults());
        router = istio;
        Weights previewed = CANARY_25.withPreview(Track.CANARY);
        istio.route(target, previewed).block();

        Release upgraded = upgrade(ci("istio-values.yaml"), Map.of(
                "configMap.data.s3_bucket", "video-platform-processed-staging",
                "routing.istio.trafficPolicy.outlierDetection.consecutive5xxErrors", 7));

        assertThat(upgraded.getStatus()).isEqualTo("deployed");
        assertThat(upgraded.getRevision()).isEqualTo("2");
        GenericKubernetesResource vs = istio("VirtualService");
        assertThat(IstioRoutes.weights(vs)).isEqualTo(previewed);
        assertThat(tree(spec(vs))).isEqualTo(tree(spec(IstioRoutes.desired(target, previewed,
                KubernetesProperties.defaults().environment("staging")).virtualService())));
        assertThat(configMapData()).containsEntry("s3_bucket", "video-platform-processed-staging");
        assertThat(spec(istio("DestinationRule"))).containsKeys("trafficPolicy", "subsets");
        // Rollgate reads routes from a watch selecting its own label, which the upgrade left in place.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(istio.current(target).block()).isEqualTo(previewed));
    }

    @Test
    void anUpgradeThatChangesTheRouteKeepsRollgatesWeightsInIt() {
        Target target = new Target("video-api", "staging", namespace);
        install(ci("istio-values.yaml"), Map.of());
        IstioRouter istio = new IstioRouter(client, KubernetesProperties.defaults());
        router = istio;
        istio.route(target, CANARY_25).block();

        // Helm patches a VirtualService from the chart's last output to its new one: a changed route replaces http.
        upgrade(ci("istio-values.yaml"), Map.of("service.port", 8080));

        GenericKubernetesResource vs = istio("VirtualService");
        assertThat(IstioRoutes.weights(vs)).isEqualTo(CANARY_25);
        assertThat(JSON.asJson(spec(vs).get("http"))).contains("\"number\":8080").doesNotContain("\"number\":80}");
    }

    @Test
    void anUpgradeBeforeRollgateEverRoutedRendersTheChartsOwnRoute() {
        install(ci("istio-values.yaml"), Map.of());

        upgrade(ci("istio-values.yaml"), Map.of("service.port", 8080));

        assertThat(IstioRoutes.weights(istio("VirtualService"))).isEqualTo(Weights.ALL_STABLE);
        assertThat(JSON.asJson(spec(istio("VirtualService")).get("http"))).contains("\"number\":8080");
    }

    @Test
    void anUpgradeKeepsTheRulesRollgateSetOnTheHttpRoute() {
        Target target = new Target("video-api", "staging", namespace);
        install(ci("gateway-api-values.yaml"), Map.of());
        KubernetesProperties.EnvironmentOptions options = new KubernetesProperties.EnvironmentOptions(null, null,
                List.of("gateway-system/public"), 80, null, null, null);
        GatewayApiRouter gateway = new GatewayApiRouter(client, withEnvironment("staging", options));
        router = gateway;
        Weights previewed = CANARY_25.withPreview(Track.CANARY);
        gateway.route(target, previewed).block();

        upgrade(ci("gateway-api-values.yaml"), Map.of("routing.gatewayApi.hostnames[0]", "video-api.example.org",
                "service.port", 8080));

        HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(namespace).withName("video-api").get();
        assertThat(HttpRouteSpec.weights(route)).isEqualTo(previewed);
        assertThat(route.getSpec().getRules()).hasSize(2).allSatisfy(rule ->
                assertThat(rule.getBackendRefs()).allSatisfy(ref -> assertThat(ref.getPort()).isEqualTo(8080)));
        assertThat(route.getSpec().getHostnames()).containsExactly("video-api.example.org");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.current(target).block()).isEqualTo(previewed));
    }

    @Test
    void anUpgradeKeepsTheSelectorRollgatesServiceRouterSet() {
        Target target = new Target("video-api", "production", namespace);
        install(null, Map.of());
        ClusterCache cache = new ClusterCache(client);
        router = cache;
        ServiceRouter services = new ServiceRouter(client, KubernetesProperties.defaults(), cache);
        services.route(target, Weights.all(Track.CANARY)).block();

        upgrade(null, Map.of("configMap.data.redis_url", "redis://redis-master:6379"));

        Service main = client.services().inNamespace(namespace).withName(ServiceSpec.mainName(target)).get();
        assertThat(main.getSpec().getSelector()).isEqualTo(ServiceSpec.selector(target, Track.CANARY));
        assertThat(configMapData()).containsEntry("redis_url", "redis://redis-master:6379");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(services.current(target).block()).isEqualTo(Weights.all(Track.CANARY)));
    }

    private Release install(Path values, Map<String, Object> sets) {
        InstallCommand install = new Helm(VideoApiChart.DIR).install().withName(VideoApiChart.RELEASE)
                .withNamespace(namespace).withKubeConfigContents(api.kubeconfig())
                // The mock serves no OpenAPI document to validate against.
                .disableOpenApiValidation();
        if (values != null) {
            install = install.withValuesFile(values);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            install = install.set(set.getKey(), set.getValue());
        }
        return install.call();
    }

    private Release upgrade(Path values, Map<String, Object> sets) {
        UpgradeCommand upgrade = new Helm(VideoApiChart.DIR).upgrade().withName(VideoApiChart.RELEASE)
                .withNamespace(namespace).withKubeConfigContents(api.kubeconfig()).disableOpenApiValidation();
        if (values != null) {
            upgrade = upgrade.withValuesFile(values);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            upgrade = upgrade.set(set.getKey(), set.getValue());
        }
        return upgrade.call();
    }

    private GenericKubernetesResource istio(String kind) {
        var context = kind.equals("VirtualService") ? IstioRoutes.VIRTUAL_SERVICES : IstioRoutes.DESTINATION_RULES;
        return client.genericKubernetesResources(context).inNamespace(namespace).withName("video-api").get();
    }

    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return VideoApiChartTests.map(resource.getAdditionalProperties().get("spec"));
    }

    /** As JSON, so that maps built in code and maps read from the server compare by content. */
    private static Object tree(Object value) {
        return JSON.unmarshal(JSON.asJson(value), Object.class);
    }

    private Map<String, String> configMapData() {
        return client.configMaps().inNamespace(namespace).withName("app-config").get().getData();
    }

    private static KubernetesProperties withEnvironment(String environment, KubernetesProperties.EnvironmentOptions o) {
        KubernetesProperties d = KubernetesProperties.defaults();
        return new KubernetesProperties(d.enabled(), d.kubeconfig(), d.context(), d.replicas(), d.canaryReplicas(),
                d.mirrorHpaMinimum(), d.progressDeadline(), d.conflictRetries(), d.configMap(), d.databaseSecret(),
                d.databaseSecretKey(), d.jwtSecret(), d.jwtSecretKey(), d.resources(), d.servicePort(), d.smoke(),
                Map.of(environment, o));
    }
}
