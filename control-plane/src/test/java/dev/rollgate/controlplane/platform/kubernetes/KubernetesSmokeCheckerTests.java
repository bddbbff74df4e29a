package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.AdapterException;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.Target;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

class KubernetesSmokeCheckerTests {

    private static final Target TARGET = new Target("video-api", "prod", "video-prod");
    private static final Duration FAST = Duration.ofMillis(500);

    private static KubernetesProperties withPorts(int platformPort, Map<String, Integer> byEnvironment) {
        KubernetesProperties d = KubernetesProperties.defaults();
        Map<String, KubernetesProperties.EnvironmentOptions> environments = new java.util.HashMap<>();
        byEnvironment.forEach((env, port) -> environments.put(env, new KubernetesProperties.EnvironmentOptions(
                null, null, null, port, null, null, null)));
        return new KubernetesProperties(true, null, null, d.replicas(), d.canaryReplicas(), d.mirrorHpaMinimum(),
                d.progressDeadline(), d.conflictRetries(), d.configMap(), d.databaseSecret(), d.databaseSecretKey(),
                d.jwtSecret(), d.jwtSecretKey(), d.resources(), platformPort, d.smoke(), environments);
    }

    @Test
    void inClusterTheTrackIsReachedByItsServicesClusterName() {
        KubernetesProperties p = withPorts(80, Map.of("staging", 8080));

        assertThat(KubernetesSmokeChecker.inClusterUri(TARGET, Track.CANARY, p))
                .isEqualTo(URI.create("http://video-api-canary.video-prod.svc:80"));
        assertThat(KubernetesSmokeChecker.inClusterUri(new Target("video-api", "staging", "video-staging"),
                Track.STABLE, p)).isEqualTo(URI.create("http://video-api-stable.video-staging.svc:8080"));
    }

    @Test
    void throughTheApiServerTheTrackIsReachedByItsServiceProxy() {
        assertThat(KubernetesSmokeChecker.proxyUri("https://10.0.0.1:6443/", TARGET, Track.CANARY,
                withPorts(80, Map.of())))
                .isEqualTo(URI.create("https://10.0.0.1:6443/api/v1/namespaces/video-prod/services/video-api-canary:80/proxy"));
        assertThat(KubernetesSmokeChecker.proxyUri("https://k8s.example/prefix", TARGET, Track.STABLE,
                withPorts(8080, Map.of())).toString())
                .isEqualTo("https://k8s.example/prefix/api/v1/namespaces/video-prod/services/video-api-stable:8080/proxy");
    }

    /** IN_CLUSTER with the Service's host replaced by a local HTTP server, the rest as it runs in the cluster. */
    private MockWebServer track;

    @BeforeEach
    void startTrack() throws IOException {
        track = new MockWebServer();
        track.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return switch (String.valueOf(request.getPath())) {
                    case "/health", "/api/subscriptions/plans?limit=1" -> new MockResponse().setResponseCode(200);
                    case "/ready" -> new MockResponse().setResponseCode(503).setBody("{\"status\":\"DOWN\"}");
                    case "/moved" -> new MockResponse().setResponseCode(302).setHeader("Location", "/health");
                    case "/slow" -> new MockResponse().setResponseCode(200).setHeadersDelay(3, TimeUnit.SECONDS);
                    default -> new MockResponse().setResponseCode(404);
                };
            }
        });
        track.start();
    }

    @AfterEach
    void stopTrack() throws IOException {
        track.shutdown();
    }

    private KubernetesSmokeChecker inClusterAt(URI service) {
        return new KubernetesSmokeChecker((target, t) -> service, KubernetesSmokeChecker.direct(FAST), FAST);
    }

    private URI trackUri() {
        return URI.create("http://127.0.0.1:" + track.getPort());
    }

    @Test
    void pathsAnsweringTwoHundredsPass() throws InterruptedException {
        SmokeResult result = inClusterAt(trackUri()).check(TARGET, Track.CANARY,
                List.of("/health", "api/subscriptions/plans?limit=1")).block(Duration.ofSeconds(5));

        assertThat(result.passed()).isTrue();
        assertThat(result.checked()).isEqualTo(2);
        assertThat(track.takeRequest(1, TimeUnit.SECONDS).getHeader("User-Agent")).isEqualTo("rollgate-smoke");
    }

    @Test
    void anotherStatusARedirectOrASlowAnswerIsAFailedCheckInPathOrder() {
        SmokeResult result = inClusterAt(trackUri()).check(TARGET, Track.CANARY,
                List.of("/slow", "/health", "/ready", "/moved", "/missing")).block(Duration.ofSeconds(5));

        assertThat(result.checked()).isEqualTo(5);
        assertThat(result.failures()).containsExactly("GET /slow took longer than 500 ms", "GET /ready answered 503",
                "GET /moved answered 302", "GET /missing answered 404");
    }

    @Test
    void aServiceThatCannotBeReachedHasNotBeenChecked() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Throwable e = catchThrowable(() -> inClusterAt(URI.create("http://127.0.0.1:" + closed))
                .check(TARGET, Track.CANARY, List.of("/health")).block(Duration.ofSeconds(5)));

        assertThat(e).isInstanceOf(AdapterException.class);
        assertThat(((AdapterException) e).permanent()).isFalse();
        assertThat(e.getMessage()).startsWith("the canary Service of video-api/prod could not be reached for GET"
                + " /health at http://127.0.0.1:" + closed + "/health: ").contains("ConnectException");
    }

    @Test
    void anUnknownServiceNameHasNotBeenCheckedEither() {
        Throwable e = catchThrowable(() -> inClusterAt(URI.create("http://video-api-canary.video-prod.svc.invalid:80"))
                .check(TARGET, Track.CANARY, List.of("/health")).block(Duration.ofSeconds(5)));

        assertThat(e).isInstanceOf(AdapterException.class);
        assertThat(((AdapterException) e).permanent()).isFalse();
    }

    /** API_PROXY against the mock API server in expectations mode, which serves the service-proxy paths. */
    @Test
    void throughTheApiServersServiceProxy() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        String proxy = "/api/v1/namespaces/video-prod/services/video-api-canary:80/proxy";
        server.expect().get().withPath(proxy + "/health").andReturn(200, "{\"status\":\"UP\"}").always();
        server.expect().get().withPath(proxy + "/ready").andReturn(503, new StatusBuilder().withCode(503)
                .withStatus("Failure").withReason("ServiceUnavailable")
                .withMessage("no endpoints available for service \"video-api-canary\"").build()).always();
        server.expect().get().withPath(proxy + "/api/broken").andReturn(500, "{\"error\":\"boom\"}").always();
        try (KubernetesClient client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0)
                .endConfig())) {
            KubernetesSmokeChecker checker = KubernetesSmokeChecker.of(client, apiProxy(80));

            SmokeResult result = checker.check(TARGET, Track.CANARY, List.of("/health", "/ready", "/api/broken"))
                    .block(Duration.ofSeconds(10));

            assertThat(checker.platform()).isEqualTo("kubernetes");
            assertThat(result.failures()).containsExactly(
                    "GET /ready answered 503 (the API server: no endpoints available for service \"video-api-canary\")",
                    "GET /api/broken answered 500");
        } finally {
            server.destroy();
        }
    }

    @Test
    void anApiServerRefusingToProxyIsPermanentAndSaysWhichRightIsMissing() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        server.expect().get().withPath("/api/v1/namespaces/video-prod/services/video-api-canary:80/proxy/health")
                .andReturn(403, new StatusBuilder().withCode(403).withStatus("Failure").withReason("Forbidden")
                        .withMessage("services \"video-api-canary\" is forbidden: User \"system:serviceaccount:"
                                + "rollgate:rollgate\" cannot get resource \"services/proxy\"").build()).always();
        try (KubernetesClient client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0)
                .endConfig())) {
            Throwable e = catchThrowable(() -> KubernetesSmokeChecker.of(client, apiProxy(80))
                    .check(TARGET, Track.CANARY, List.of("/health")).block(Duration.ofSeconds(10)));

            assertThat(e).isInstanceOf(AdapterException.class);
            assertThat(((AdapterException) e).permanent()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 403", "cannot get resource \"services/proxy\"",
                    "get on services/proxy");
        } finally {
            server.destroy();
        }
    }

    private static KubernetesProperties apiProxy(int port) {
        KubernetesProperties d = withPorts(port, Map.of());
        return new KubernetesProperties(true, null, null, d.replicas(), d.canaryReplicas(), d.mirrorHpaMinimum(),
                d.progressDeadline(), d.conflictRetries(), d.configMap(), d.databaseSecret(), d.databaseSecretKey(),
                d.jwtSecret(), d.jwtSecretKey(), d.resources(), port, KubernetesProperties.SmokeMode.API_PROXY,
                Map.of());
    }
}
