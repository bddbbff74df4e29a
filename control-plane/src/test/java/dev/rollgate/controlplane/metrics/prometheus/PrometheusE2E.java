package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.CleanDatabase;
import dev.rollgate.controlplane.support.ReleaseDriver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Canary releases gated by a real Prometheus (Debian's {@code prometheus}) scraping Rollgate's own
 * {@code /actuator/prometheus} every second: a healthy canary is promoted, a failing one is rolled back on the
 * error rate Prometheus computed, and with Prometheus gone a release pauses instead of being promoted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusE2E {

    private static final Path STATE = Path.of("target/rollgate-prom-e2e").toAbsolutePath().normalize();
    private static final String ENV = "staging";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static ConfigurableApplicationContext context;
    private static ReleaseDriver driver;
    private static int rollgatePort;
    private static int prometheusPort;
    private static Path workDir;
    private static Process prometheus;
    private static Thread prometheusReaper;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Path.of("../video-api/target/video-api.jar"))
                .as("build video-api first: ./mvnw -B verify builds it before control-plane").isRegularFile();
        String binary = prometheusBinary().orElseThrow(() -> new AssertionError(
                "the prometheus binary is missing: apt-get install -y prometheus (.ci/run does)"));
        rollgatePort = freePort();
        prometheusPort = freePort();
        context = new SpringApplicationBuilder(RollgateApplication.class, CleanDatabase.class)
                .profiles("prometheus-e2e")
                .run("--server.port=" + rollgatePort,
                        "--rollgate.prometheus.endpoints.default.url=http://127.0.0.1:" + prometheusPort);
        driver = new ReleaseDriver(context.getBean(ReleaseService.class), context.getBean(ReleaseRepository.class),
                context.getBean(EventRepository.class));
        startPrometheus(binary);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            stopPrometheus();
            if (context != null) {
                context.close();
            }
            assertThat(ourProcesses()).as("video-api processes left running").isEmpty();
            assertThat(prometheus == null || !prometheus.isAlive()).as("prometheus left running").isTrue();
        } finally {
            if (workDir != null) {
                FileSystemUtils.deleteRecursively(workDir);
            }
        }
    }

    private static Optional<String> prometheusBinary() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : (path + ":/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void startPrometheus(String binary) throws IOException {
        workDir = Files.createTempDirectory("rollgate-prom-e2e");
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: rollgate
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(rollgatePort));
        prometheus = new ProcessBuilder(binary, "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("prometheus.log").toFile())
                .start();
        // Should the test JVM be stopped before @AfterAll, Prometheus must not outlive it.
        prometheusReaper = new Thread(prometheus::destroyForcibly, "prometheus-reaper");
        Runtime.getRuntime().addShutdownHook(prometheusReaper);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get("http://127.0.0.1:" + prometheusPort + "/-/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheusValue("up{job=\"rollgate\"}"), v -> v.isPresent() && v.get() == 1.0);
    }

    private static void stopPrometheus() {
        if (prometheus == null || !prometheus.isAlive()) {
            return;
        }
        prometheus.destroy();
        try {
            if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            prometheus.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(prometheusReaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    static List<ProcessHandle> ourProcesses() {
        String marker = "-Drollgate.owner=" + STATE;
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .toList();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The single value of an instant query straight from Prometheus, empty when it has none. */
    private static Optional<Double> prometheusValue(String promql) throws IOException, InterruptedException {
        JsonNode result = JSON.readTree(get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body()).path("data").path("result");
        return result.isEmpty() ? Optional.empty() : Optional.of(Double.parseDouble(result.path(0).path("value")
                .path(1).asString()));
    }

    private static JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(get("http://127.0.0.1:" + rollgatePort + "/actuator/health").body());
    }

    private static Release release(String version, Map<String, String> config) {
        return driver.service().create(new NewRelease("video-api", ENV, version, null, null, config),
                ReleaseDriver.TESTER, null, null).block().release();
    }

    private static Release settle(Release r, ReleaseState state) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> driver.releases().findById(r.id()).block().finalized());
        Release done = driver.releases().findById(r.id()).block();
        assertThat(done.state()).as("events: %s", describe(r)).isEqualTo(state);
        return done;
    }

    private static List<String> describe(Release r) {
        return driver.events(r.id()).stream().map(e -> e.type() + " " + e.reason()).toList();
    }

    private static List<Measurement> measurements(Release r) {
        return context.getBean(MeasurementRepository.class).list(r.id(), 1000).collectList().block();
    }

    private static void ensureStable() {
        // Whatever is still in flight (a bootstrap of the bundled build, say) settles first.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> driver.releases().findActive("video-api", ENV).blockOptional().isEmpty());
        if (driver.releases().lastSucceeded("video-api", ENV).blockOptional().isEmpty()) {
            settle(release("1.0.0", Map.of()), ReleaseState.SUCCEEDED);
        }
    }

    @Test
    @Order(1)
    void eachPrometheusEndpointIsAHealthComponent() throws Exception {
        JsonNode endpoint = health().path("components").path("prometheus").path("components").path("default");

        assertThat(endpoint.path("status").asString()).isEqualTo("UP");
        assertThat(endpoint.path("details").path("version").asString()).matches("\\d+\\.\\d+.*");
        assertThat(endpoint.path("details").path("url").asString()).isEqualTo("http://127.0.0.1:" + prometheusPort);
    }

    @Test
    @Order(2)
    void aHealthyCanaryIsPromotedOnWhatPrometheusMeasured() throws Exception {
        ensureStable();
        String scraped = get("http://127.0.0.1:" + rollgatePort + "/actuator/prometheus").body();
        assertThat(scraped).contains("rollgate_proxy_requests_seconds_count{", "rollgate_proxy_probes_total{")
                .containsPattern("rollgate_proxy_requests_seconds_bucket\\{[^}]*le=\"0\\.5\"");

        Release r = release("2.0.0", Map.of());
        settle(r, ReleaseState.SUCCEEDED);

        assertThat(driver.events(r.id()).stream().filter(e -> e.type() == Type.STEP_ADVANCED)
                .map(e -> e.data().get("weight"))).containsExactly(10, 50);
        List<Measurement> measured = measurements(r);
        assertThat(measured).extracting(Measurement::verdict).doesNotContain(Verdict.ERROR, Verdict.FAIL);
        assertThat(measured).filteredOn(m -> m.verdict() == Verdict.PASS)
                .extracting(Measurement::gate).contains(GateKind.ERROR_RATE, GateKind.LATENCY, GateKind.HEALTH);
        // The candidate's readings decided; stable is measured beside it for comparison (and the charts).
        assertThat(measured).filteredOn(m -> m.verdict() == Verdict.PASS && m.gate() == GateKind.ERROR_RATE
                        && m.track().equals("canary"))
                .isNotEmpty()
                .allSatisfy(m -> {
                    assertThat(m.total()).isGreaterThanOrEqualTo(20);
                    assertThat(m.value()).isNotNull().isLessThanOrEqualTo(5.0);
                });
        assertThat(measured).extracting(Measurement::track).containsOnly("canary", "stable");
        assertThat(prometheusValue("sum(rollgate_proxy_requests_seconds_count{environment=\"staging\","
                + " track=\"canary\", version=\"2.0.0\"})")).hasValueSatisfying(v -> assertThat(v).isPositive());
    }

    @Test
    @Order(3)
    void aFailingCanaryIsRolledBackOnThePrometheusComputedErrorRate() {
        ensureStable();
        Release r = release("2.1.0", Map.of("VIDEOAPI_FAULTS_ERROR_RATE", "0.3"));
        settle(r, ReleaseState.ROLLED_BACK);

        ReleaseEvent tripped = driver.events(r.id()).stream().filter(e -> e.type() == Type.GATE_FAILED)
                .findFirst().orElseThrow(() -> new AssertionError("no GATE_FAILED in " + describe(r)));
        assertThat(tripped.data()).containsEntry("gate", "error-rate");
        assertThat(((Number) tripped.data().get("value")).doubleValue()).isGreaterThan(5.0);
        assertThat(measurements(r)).filteredOn(m -> m.gate() == GateKind.ERROR_RATE && m.verdict() == Verdict.FAIL)
                .isNotEmpty()
                .allSatisfy(m -> {
                    assertThat(m.track()).isEqualTo("canary");
                    assertThat(m.value()).isGreaterThan(5.0);
                    assertThat(m.bad()).isPositive().isLessThanOrEqualTo(m.total());
                });
        assertThat(driver.eventTypes(r.id())).doesNotContain(Type.PROMOTING, Type.SUCCEEDED);
    }

    @Test
    @Order(4)
    void labelValuesThatLookLikePromqlStayLabelValuesInARealPrometheus() {
        PrometheusMetricsProvider provider = context.getBean(PrometheusMetricsProvider.class);
        for (GateKind gate : List.of(GateKind.ERROR_RATE, GateKind.LATENCY, GateKind.HEALTH)) {
            GateQuery hostile = new GateQuery(new Target("video-api", ENV, "video-staging"), Track.CANARY,
                    "2.0.0\"} or vector(1) or up{a=\"\\\n", gate, Duration.ofSeconds(20), Duration.ofMillis(500));

            // Escaped, the version is just a version no series has: no data, not a parse error, not vector(1).
            assertThat(provider.sample(hostile).blockOptional(Duration.ofSeconds(10))).as(gate.id()).isEmpty();
        }
    }

    @Test
    @Order(5)
    void everyShippedQueryIsValidPromqlForARealPrometheus() {
        PrometheusClient client = context.getBean(PrometheusEnvironments.class).clients().get("default");
        for (String set : QueryTemplates.names()) {
            for (GateKind gate : List.of(GateKind.ERROR_RATE, GateKind.LATENCY, GateKind.HEALTH)) {
                QueryTemplates.Queries queries = QueryTemplates.get(set, gate).orElseThrow();
                PromqlTemplate.Values values = PromqlTemplate.Values.of(new GateQuery(new Target("video-api", ENV,
                        "video-staging"), Track.STABLE, "2.0.0", gate, Duration.ofSeconds(20), Duration.ofMillis(500)));
                for (String template : List.of(queries.bad(), queries.total(), queries.display())) {
                    String promql = PromqlTemplate.parse(template).render(values);

                    // Empty or a number are both fine here: what must not happen is Prometheus refusing the query.
                    assertThat(client.query(promql).blockOptional(Duration.ofSeconds(10))).as(promql).isPresent();
                }
            }
        }
    }

    @Test
    @Order(6)
    void withPrometheusGoneAReleasePausesOnProviderErrorsAndIsNotPromoted() throws Exception {
        ensureStable();
        Release r = release("2.2.0", Map.of());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> driver.releases().findById(r.id()).block().state(), s -> s == ReleaseState.PROGRESSING
                        || !s.active());
        stopPrometheus();
        assertThat(prometheus.isAlive()).isFalse();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> driver.releases().findById(r.id()).block().state(), s -> s != ReleaseState.PROGRESSING);
        assertThat(driver.releases().findById(r.id()).block().state()).as("events: %s", describe(r))
                .isEqualTo(ReleaseState.PAUSED);
        ReleaseEvent paused = driver.events(r.id()).stream().filter(e -> e.type() == Type.PAUSED).findFirst()
                .orElseThrow();
        assertThat(paused.reason()).contains("metrics provider failed 4 times in a row",
                "prometheus: endpoint 'default'", "cannot reach it");
        assertThat(measurements(r)).filteredOn(m -> m.verdict() == Verdict.ERROR).isNotEmpty()
                .allSatisfy(m -> assertThat(m.detail()).startsWith("prometheus: endpoint 'default'"));

        // Paused stays paused: no tick promotes a release whose gates cannot be read.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> driver.releases().findById(r.id()).block().state() == ReleaseState.PAUSED);
        assertThat(driver.eventTypes(r.id())).doesNotContain(Type.PROMOTING, Type.SUCCEEDED);
        assertThat(driver.releases().lastSucceeded("video-api", ENV).block().version()).isNotEqualTo("2.2.0");
        assertThat(health().path("components").path("prometheus").path("status").asString()).isEqualTo("DOWN");
    }
}
