package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.platform.kubernetes.KubernetesPermissions.Need;
import dev.rollgate.controlplane.platform.kubernetes.KubernetesPermissions.Permission;
import dev.rollgate.controlplane.policy.DeliveryPolicy;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * {@link KubernetesPermissions} against what the adapters really send: every call of the workloads, each router and
 * both smoke modes goes through a recording client to the CRUD mock server, each request is named as the API
 * server's authoriser would name it (group, resource, verb), and the declared rules must be exactly what was used —
 * nothing undeclared, nothing declared that no adapter calls — with each call under the need that explains it.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesPermissionsTests {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Revision V1 = new Revision("1.2.0", null, Map.of());
    private static final Revision V2 = new Revision("1.3.0", null, Map.of());
    private static final String ENVIRONMENT = "production";
    private static final int PORT = 8080;

    private static final RequestCounter SENT = new RequestCounter();
    private static KubernetesClient adapterClient;
    private static ClusterCache cache;
    private static KubernetesWorkloads workloads;
    private static ServiceRouter serviceRouter;
    private static IstioRouter istio;
    private static GatewayApiRouter gatewayApi;
    private static KubernetesProperties properties;

    // Adapters live for the whole class and are closed once: closing watches one by one can stall the mock server.
    @BeforeAll
    static void startAdapters() {
        server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.2")
                .build());
        adapterClient = server.createClient(b -> SENT.attachTo(b)
                .editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        properties = RouterFixtures.withEnvironment(ENVIRONMENT,
                RouterFixtures.options(List.of(), List.of(), List.of("gateway-system/public")));
        cache = new ClusterCache(adapterClient);
        workloads = new KubernetesWorkloads(adapterClient, properties, app -> "ghcr.io/acme/" + app,
                env -> new DeliveryPolicy.Canary(List.of(10, 50), Duration.ofMinutes(5)), cache);
        serviceRouter = new ServiceRouter(adapterClient, properties, cache);
        istio = new IstioRouter(adapterClient, properties);
        gatewayApi = new GatewayApiRouter(adapterClient, properties);
    }

    @AfterAll
    static void closeAdapters() {
        istio.close();
        gatewayApi.close();
        workloads.close();
        cache.close();
        adapterClient.close();
    }

    private static Target target(String namespace) {
        return new Target("video-api", ENVIRONMENT, namespace);
    }

    @Test
    void theAdaptersCallExactlyTheDeclaredPermissionsEachUnderItsNeed() {
        Set<Permission> used = new LinkedHashSet<>();
        used.addAll(assertUses(Set.of(Need.PLATFORM, Need.NAMESPACE_CHECK), this::workloads));
        used.addAll(assertUses(Set.of(Need.SERVICE_ROUTER), this::serviceRouter));
        used.addAll(assertUses(Set.of(Need.ISTIO_ROUTER), this::istioRouter));
        used.addAll(assertUses(Set.of(Need.GATEWAY_API_ROUTER), this::gatewayApiRouter));
        used.addAll(assertUses(Set.of(Need.API_PROXY_SMOKE), this::apiProxySmoke));

        assertThat(used).as("every declared permission is exercised, and nothing else")
                .containsExactlyInAnyOrderElementsOf(KubernetesPermissions.of(EnumSet.allOf(Need.class)));
    }

    /**
     * Runs {@code calls} and checks that what they sent needs every permission of {@code needs} and nothing beyond
     * {@code needs} and {@link Need#PLATFORM}, which every installation grants (a router drives the tracks the
     * workloads own). An informer's watch may open a moment after its list, so the needed ones are awaited.
     */
    private static Set<Permission> assertUses(Set<Need> needs, Runnable calls) {
        RequestCounter.Window window = SENT.window();
        calls.run();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(used(window))
                .as("needed for %s, given %s", needs, window.requests())
                .containsAll(KubernetesPermissions.of(needs)));
        Set<Need> allowed = EnumSet.copyOf(needs);
        allowed.add(Need.PLATFORM);
        assertThat(KubernetesPermissions.of(allowed)).as("allowed for %s, given %s", needs, window.requests())
                .containsAll(used(window));
        assertThat(window.requests()).filteredOn(r -> permission(r).isEmpty()).extracting(RequestCounter.Request::path)
                .as("the only request outside any rule: /version, which every client may read")
                .allMatch("/version"::equals);
        return used(window);
    }

    private static Set<Permission> used(RequestCounter.Window window) {
        return window.requests().stream().map(KubernetesPermissionsTests::permission).flatMap(Optional::stream)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private void workloads() {
        Target t = target("perm-workloads");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(t.namespace()).endMetadata()
                .build()).create();
        assertThat(workloads.unavailable(t).block()).as("reachable, and the namespace exists").isEmpty();
        workloads.apply(t, Track.STABLE, V1).block();
        workloads.apply(t, Track.STABLE, V2).block();
        workloads.scaleToZero(t, Track.STABLE).block();
        workloads.status(t, Track.STABLE).block();
    }

    private void serviceRouter() {
        Target t = target("perm-service");
        workloads.apply(t, Track.STABLE, V1).block();
        workloads.apply(t, Track.CANARY, V2).block();
        RequestCounter.Window routing = SENT.window();

        serviceRouter.route(t, Weights.canary(75)).block();
        serviceRouter.route(t, Weights.ALL_STABLE).block();
        serviceRouter.route(t, Weights.ALL_STABLE.withPreview(Track.CANARY)).block();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> serviceRouter.current(t).block() != null);

        assertThat(routing.writes()).extracting(RequestCounter.Request::verb)
                .as("the split scales the candidate (3 beside 1) and creates the Service, the switch updates it")
                .contains(RequestCounter.Verb.PATCH, RequestCounter.Verb.CREATE, RequestCounter.Verb.UPDATE);
    }

    private void istioRouter() {
        Target t = target("perm-istio");
        istio.route(t, Weights.canary(10)).block();
        istio.route(t, Weights.canary(30)).block();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> istio.current(t).block() != null);
        // Someone drops the subsets: the next route puts them back, which is the DestinationRule's update.
        var rules = client.genericKubernetesResources(IstioRoutes.DESTINATION_RULES).inNamespace(t.namespace());
        GenericKubernetesResource edited = rules.withName("video-api").get();
        IstioRoutes.spec(edited).remove("subsets");
        rules.resource(edited).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            RequestCounter.Window w = SENT.window();
            istio.route(t, Weights.canary(30)).block();
            return w.writes().stream().anyMatch(r -> r.verb() == RequestCounter.Verb.UPDATE
                    && r.path().contains("/destinationrules/"));
        });
    }

    private void gatewayApiRouter() {
        Target t = target("perm-gateway");
        gatewayApi.route(t, Weights.canary(10)).block();
        gatewayApi.route(t, Weights.canary(30)).block();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> gatewayApi.current(t).block() != null);
    }

    private void apiProxySmoke() {
        Target t = target("perm-smoke");
        server.expect().get().withPath("/api/v1/namespaces/perm-smoke/services/video-api-canary:" + PORT
                + "/proxy/health").andReturn(200, "ok").always();
        KubernetesSmokeChecker checker = KubernetesSmokeChecker.of(adapterClient, withSmoke(
                KubernetesProperties.SmokeMode.API_PROXY));

        assertThat(checker.check(t, Track.CANARY, List.of("/health")).block().failures()).isEmpty();
    }

    @Test
    void inClusterSmokeChecksAskTheApiServerNothing() {
        KubernetesSmokeChecker checker = KubernetesSmokeChecker.of(adapterClient,
                withSmoke(KubernetesProperties.SmokeMode.IN_CLUSTER));
        RequestCounter.Window window = SENT.window();

        // No cluster DNS here: the check cannot reach the Service, which is all it would ask of the network.
        catchThrowable(() -> checker.check(target("perm-in-cluster"), Track.CANARY, List.of("/health")).block());

        assertThat(window.requests()).isEmpty();
    }

    private static KubernetesProperties withSmoke(KubernetesProperties.SmokeMode smoke) {
        KubernetesProperties p = properties;
        return new KubernetesProperties(true, null, null, p.replicas(), p.canaryReplicas(), p.mirrorHpaMinimum(),
                p.progressDeadline(), p.conflictRetries(), p.configMap(), p.databaseSecret(), p.databaseSecretKey(),
                p.jwtSecret(), p.jwtSecretKey(), p.resources(), p.servicePort(), smoke, p.environments());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            GET   | /api/v1/namespaces/ns/services/video-api-stable                | services              | get    | false
            GET   | /api/v1/namespaces/ns/services?labelSelector=a                 | services              | list   | false
            GET   | /api/v1/namespaces/ns/pods?watch=true&resourceVersion=7        | pods                  | watch  | false
            GET   | /api/v1/namespaces/ns/services/video-api-canary:80/proxy/health | services/proxy       | get    | false
            GET   | /api/v1/namespaces/ns                                          | namespaces            | get    | true
            POST  | /apis/apps/v1/namespaces/ns/deployments                        | apps/deployments      | create | false
            PUT   | /apis/apps/v1/namespaces/ns/deployments/video-api-stable       | apps/deployments      | update | false
            PATCH | /apis/apps/v1/namespaces/ns/deployments/video-api-stable       | apps/deployments      | patch  | false
            GET   | /apis/networking.istio.io/v1/namespaces/ns/virtualservices?watch=true | networking.istio.io/virtualservices | watch | false
            """)
    void namesARequestAsTheApiServersAuthoriserWould(String method, String uri, String resource, String verb,
                                                     boolean clusterScoped) {
        String group = resource.contains("/") && !resource.startsWith("services/")
                ? resource.substring(0, resource.indexOf('/')) : "";
        String plural = group.isEmpty() ? resource : resource.substring(group.length() + 1);
        URI u = URI.create("https://api.example" + uri);

        assertThat(permission(new RequestCounter.Request(RequestCounter.verb(method, u), method, u.getRawPath(),
                null))).contains(new Permission(group, plural, verb, clusterScoped));
    }

    @Test
    void nonResourcePathsNeedNoRule() {
        URI version = URI.create("https://api.example/version");
        assertThat(permission(new RequestCounter.Request(RequestCounter.Verb.GET, "GET", version.getRawPath(), null)))
                .isEmpty();
    }

    /**
     * The RBAC attributes of a resource request ({@code /api/v1/...}, {@code /apis/<group>/<version>/...}), or empty
     * for a non-resource path. The verb is the counter's: GET of a collection is list, with watch=true watch.
     */
    static Optional<Permission> permission(RequestCounter.Request request) {
        List<String> segments = Arrays.stream(request.path().split("/")).filter(s -> !s.isEmpty()).toList();
        if (segments.isEmpty() || !(segments.get(0).equals("api") || segments.get(0).equals("apis"))) {
            return Optional.empty();
        }
        boolean core = segments.get(0).equals("api");
        String group = core ? "" : segments.get(1);
        List<String> rest = segments.subList(core ? 2 : 3, segments.size());
        boolean clusterScoped = true;
        if (rest.size() > 2 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
            clusterScoped = false;
        }
        String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
        return Optional.of(new Permission(group, resource, request.verb().name().toLowerCase(), clusterScoped));
    }
}
