package dev.rollgate.controlplane.platform.local.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rollgate.controlplane.metrics.builtin.SlidingTrafficStats;
import dev.rollgate.controlplane.metrics.builtin.TrafficStats.Window;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.platform.local.LocalRouter;
import dev.rollgate.controlplane.platform.local.proxy.ProxyClient.Reply;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class LocalRouterTests {

    private static final Target TARGET = new Target("video-api", "staging", "video-staging");
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);

    private final FakeBackend stable = new FakeBackend("1.0.0");
    private final FakeBackend canary = new FakeBackend("2.0.0");
    private final FakeBackends backends = new FakeBackends();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SlidingTrafficStats stats = new SlidingTrafficStats(java.time.Clock.systemUTC(), registry);
    private LocalRouter router;
    private ProxyClient client;

    @BeforeEach
    void startRouter() {
        backends.serve(Track.STABLE, stable);
        backends.serve(Track.CANARY, canary);
        router = new LocalRouter(Map.of(TARGET, 0), backends, stats, RESPONSE_TIMEOUT);
        router.start();
        client = new ProxyClient(router.frontPort(TARGET).orElseThrow());
    }

    @AfterEach
    void stopAll() {
        router.close();
        stable.close();
        canary.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 50})
    void splitsTrafficByCanaryWeight(int weight) {
        route(Weights.canary(weight));
        int requests = 1000;

        Map<String, AtomicInteger> byTrack = new ConcurrentHashMap<>();
        Flux.range(0, requests)
                .flatMap(i -> client.call(HttpMethod.GET, "/api/videos", Map.of(), null), 16)
                .doOnNext(reply -> {
                    assertThat(reply.status()).isEqualTo(200);
                    String track = reply.header(WeightedProxy.TRACK_HEADER);
                    assertThat(reply.header("X-Version")).isEqualTo(track.equals("canary") ? "2.0.0" : "1.0.0");
                    byTrack.computeIfAbsent(track, t -> new AtomicInteger()).incrementAndGet();
                })
                .blockLast(Duration.ofSeconds(60));

        // 4.5 standard deviations of a binomial split: a false alarm about once in 150,000 runs.
        double expected = requests * weight / 100.0;
        double tolerance = 4.5 * Math.sqrt(requests * (weight / 100.0) * (1 - weight / 100.0));
        assertThat(byTrack.get("canary").get()).isBetween((int) (expected - tolerance), (int) (expected + tolerance));
        assertThat(byTrack.get("canary").get() + byTrack.get("stable").get()).isEqualTo(requests);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(window(Track.CANARY, "2.0.0").requests()).isEqualTo(byTrack.get("canary").get()));
    }

    @Test
    void weightChangeAppliesToTheVeryNextRequest() {
        route(Weights.canary(100));
        assertThat(router.current(TARGET).block()).isEqualTo(Weights.canary(100));
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("/api/videos").header(WeightedProxy.TRACK_HEADER)).isEqualTo("canary");
        }

        route(Weights.ALL_STABLE);
        for (int i = 0; i < 20; i++) {
            assertThat(client.get("/api/videos").header(WeightedProxy.TRACK_HEADER)).isEqualTo("stable");
        }
    }

    @Test
    void startsWithAllTrafficOnStable() {
        assertThat(router.current(TARGET).block()).isEqualTo(Weights.ALL_STABLE);
        assertThat(client.get("/").header("X-Version")).isEqualTo("1.0.0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void previewHeaderReachesThePreviewTrackAtAnyWeight(int weight) {
        route(Weights.canary(weight).withPreview(Track.CANARY));

        for (int i = 0; i < 30; i++) {
            Reply reply = client.get("/api/videos", Map.of("canary", "true"));
            assertThat(reply.header(WeightedProxy.TRACK_HEADER)).isEqualTo("canary");
            assertThat(reply.header("X-Version")).isEqualTo("2.0.0");
        }
    }

    @Test
    void withoutAPreviewTheHeaderChangesNothingAndABlueGreenPreviewCanBeTheStableColour() {
        route(Weights.all(Track.CANARY));
        for (int i = 0; i < 10; i++) {
            assertThat(client.get("/api/videos", Map.of("canary", "true")).header(WeightedProxy.TRACK_HEADER))
                    .isEqualTo("canary");
        }
        route(Weights.all(Track.CANARY).withPreview(Track.STABLE));
        for (int i = 0; i < 10; i++) {
            assertThat(client.get("/api/videos", Map.of("canary", "true")).header(WeightedProxy.TRACK_HEADER))
                    .isEqualTo("stable");
            assertThat(client.get("/api/videos", Map.of()).header(WeightedProxy.TRACK_HEADER)).isEqualTo("canary");
        }
    }

    @Test
    void weightOnATrackWithoutBackendGoesToTheOther() {
        backends.clear();
        backends.serve(Track.STABLE, stable);
        route(Weights.canary(100));

        Reply reply = client.get("/api/videos", Map.of("canary", "true"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header(WeightedProxy.TRACK_HEADER)).isEqualTo("stable");
    }

    @Test
    void forwardsMethodPathQueryHeadersAndBody() {
        int front = router.frontPort(TARGET).orElseThrow();
        Reply reply = client.call(HttpMethod.POST, "/echo/videos?title=a%20b&tag=x&tag=y",
                Map.of("X-Custom", "kept", "Proxy-Authorization", "Basic c2VjcmV0", "Keep-Alive", "timeout=5",
                        "X-Forwarded-For", "10.0.0.7"),
                "hello, backend".getBytes(StandardCharsets.UTF_8)).block(Duration.ofSeconds(10));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("hello, backend");
        assertThat(reply.header("X-Seen-Method")).isEqualTo("POST");
        assertThat(reply.header("X-Seen-Uri")).isEqualTo("/echo/videos?title=a%20b&tag=x&tag=y");
        assertThat(reply.header("X-Seen-X-Custom")).isEqualTo("kept");
        assertThat(reply.header("X-Seen-Host")).isEqualTo("127.0.0.1:" + stable.port());
        assertThat(reply.header("X-Seen-X-Forwarded-For")).isEqualTo("10.0.0.7, 127.0.0.1");
        assertThat(reply.header("X-Seen-X-Forwarded-Proto")).isEqualTo("http");
        assertThat(reply.header("X-Seen-X-Forwarded-Host")).isEqualTo("127.0.0.1:" + front);
        assertThat(reply.header("X-Seen-Headers")).doesNotContain("proxy-authorization", "keep-alive");
        assertThat(reply.header("X-Backend-Header")).isEqualTo("kept");
        assertThat(reply.header(WeightedProxy.TRACK_HEADER)).isEqualTo("stable");
    }

    @Test
    void copiesTheBackendStatusAndCountsItsServerErrors() {
        route(Weights.canary(100));

        assertThat(client.get("/status/418").status()).isEqualTo(418);
        Reply failed = client.get("/status/503");

        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.text()).isEqualTo("2.0.0");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Window window = window(Track.CANARY, "2.0.0");
            assertThat(window.requests()).isEqualTo(2);
            assertThat(window.serverErrors()).isEqualTo(1);
        });
    }

    @Test
    void streamsLargeBodiesBothWays() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(upload);

        Reply echoed = client.call(HttpMethod.PUT, "/echo", Map.of(), upload).block(Duration.ofSeconds(30));
        Reply download = client.get("/large?bytes=" + upload.length);

        assertThat(echoed.status()).isEqualTo(200);
        assertThat(MessageDigest.getInstance("SHA-256").digest(echoed.body()))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(upload));
        assertThat(download.body()).hasSize(upload.length);
        assertThat(download.header("Content-Length")).isEqualTo(Integer.toString(upload.length));
    }

    @Test
    void passesResponseChunksOnBeforeTheBackendHasFinished() {
        Flux<String> body = client.raw().get().uri("/gated").responseContent().asString();

        StepVerifier.create(body)
                .expectNext("first")
                .then(() -> stable.gate.tryEmitEmpty())
                .expectNext("rest")
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void unreachableBackendAnswers502ProblemCountedAgainstItsTrack() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        backends.serve(Track.CANARY, closedPort, "2.0.0");
        route(Weights.canary(100));

        Reply reply = client.get("/api/videos");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(reply.header(WeightedProxy.TRACK_HEADER)).isEqualTo("canary");
        assertThat(reply.text()).contains("\"status\":502", "\"track\":\"canary\"", "\"version\":\"2.0.0\"",
                "the canary instance of video-api/staging");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Window window = window(Track.CANARY, "2.0.0");
            assertThat(window.requests()).isEqualTo(1);
            assertThat(window.serverErrors()).isEqualTo(1);
        });
    }

    @Test
    void backendSlowerThanTheResponseTimeoutAnswers502() {
        Reply reply = client.get("/slow?ms=" + RESPONSE_TIMEOUT.multipliedBy(5).toMillis());

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.text()).contains("no response within " + RESPONSE_TIMEOUT.toMillis() + " ms",
                "\"track\":\"stable\"");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(window(Track.STABLE, "1.0.0").serverErrors()).isEqualTo(1));
    }

    @Test
    void noBackendAtAllAnswers503Problem() {
        backends.clear();

        Reply reply = client.get("/api/videos");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(reply.text()).contains("\"status\":503", "video-api/staging");
    }

    @Test
    void unknownTargetIsRejectedWithItsName() {
        Target unknown = new Target("video-api", "production", "video-production");

        StepVerifier.create(router.route(unknown, Weights.canary(5)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("video-api/production").hasMessageContaining("video-api/staging"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(router.current(unknown))
                .expectError(IllegalArgumentException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(router.frontPort(unknown)).isEmpty();
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        assumeTrue(otherLoopbackAddressWorks(), "127.0.0.2 is not a loopback address here (Linux has all of 127/8)");
        int front = router.frontPort(TARGET).orElseThrow();

        assertThat(router.bindAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", front), 2_000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void aWildcardBindAddressAnswersOnEveryAddressOfTheMachine() throws Exception {
        assumeTrue(otherLoopbackAddressWorks(), "127.0.0.2 is not a loopback address here (Linux has all of 127/8)");
        LocalRouter wildcard = new LocalRouter(Map.of(TARGET, 0), "0.0.0.0", backends, stats, RESPONSE_TIMEOUT);
        try {
            wildcard.start();
            int front = wildcard.frontPort(TARGET).orElseThrow();

            // 127.0.0.2 stands for any address other than the one a loopback-only proxy would have bound.
            Reply viaOtherAddress = new ProxyClient("127.0.0.2", front).get("/api/videos");
            Reply viaLoopback = new ProxyClient(front).get("/api/videos");

            assertThat(viaOtherAddress.status()).isEqualTo(200);
            assertThat(viaOtherAddress.header(WeightedProxy.TRACK_HEADER)).isEqualTo("stable");
            assertThat(viaLoopback.status()).as("smoke checks and synthetic load still use 127.0.0.1").isEqualTo(200);
        } finally {
            wildcard.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.10", "127.0.0.2", "::1", "no-such-host.invalid", " "})
    void refusesABindAddressItsOwnSmokeChecksCouldNotReach(String address) {
        assertThatThrownBy(() -> new LocalRouter(Map.of(TARGET, 0), address, backends, stats, RESPONSE_TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rollgate.local.bind-address");
    }

    @Test
    void exportsRequestTimerWithHalfSecondBucket() {
        route(Weights.canary(100));
        client.get("/api/videos");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(registry.scrape())
                .containsPattern("rollgate_proxy_requests_seconds_bucket\\{application=\"video-api\","
                        + "environment=\"staging\",outcome=\"2xx\",status=\"200\",track=\"canary\","
                        + "version=\"2.0.0\",le=\"0.5\"} 1"));
    }

    private static boolean otherLoopbackAddressWorks() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void route(Weights weights) {
        router.route(TARGET, weights).block(Duration.ofSeconds(5));
    }

    private Window window(Track track, String version) {
        return stats.window(TARGET, track, version, Duration.ofMinutes(1), Duration.ofMillis(500));
    }
}
