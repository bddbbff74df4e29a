package dev.rollgate.controlplane.platform.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import dev.rollgate.controlplane.RollgateApplication;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.Weights;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.CleanDatabase;
import dev.rollgate.controlplane.support.ReleaseDriver;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rollgate's embedded default for real: video-api processes, the weighted proxy, built-in metrics, PostgreSQL.
 * One control plane for the whole class (starting JVMs is the slow part), closed at the end to prove no
 * process outlives it, then started again to prove each environment serves its last good version.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPlatformE2E {

    private static final Path STATE = Path.of("target/rollgate-e2e").toAbsolutePath().normalize();
    private static ConfigurableApplicationContext context;
    private static ReleaseDriver driver;

    @BeforeAll
    static void start() {
        assertThat(Path.of("../video-api/target/video-api.jar"))
                .as("build video-api first: ./mvnw -B verify builds it before control-plane").isRegularFile();
        context = boot(true);
        driver = driver(context);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        assertThat(ourProcesses()).as("video-api processes left running").isEmpty();
    }

    private static ConfigurableApplicationContext boot(boolean clean) {
        List<Class<?>> sources = new ArrayList<>(List.of(RollgateApplication.class));
        if (clean) {
            sources.add(CleanDatabase.class);
        }
        return new SpringApplicationBuilder(sources.toArray(Class[]::new)).profiles("e2e").run("--server.port=0");
    }

    private static ReleaseDriver driver(ConfigurableApplicationContext ctx) {
        return new ReleaseDriver(ctx.getBean(ReleaseService.class), ctx.getBean(ReleaseRepository.class),
                ctx.getBean(EventRepository.class));
    }

    static List<ProcessHandle> ourProcesses() {
        String marker = "-D" + PidFiles.OWNER_PROPERTY + "=" + STATE;
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .toList();
    }

    private static Target target(String env) {
        return new Target("video-api", env, "video-" + env);
    }

    private static WebClient front(String env) {
        int port = context.getBean(dev.rollgate.controlplane.platform.local.LocalRouter.class)
                .frontPort(target(env)).orElseThrow();
        return WebClient.create("http://127.0.0.1:" + port);
    }

    private static Release release(String env, String version, Map<String, String> config) {
        return driver.service().create(new NewRelease("video-api", env, version, null, null, config),
                ReleaseDriver.TESTER, null, null).block().release();
    }

    private static Release settle(Release r, ReleaseState state) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(() -> driver.releases().findById(r.id()).block().finalized());
        Release done = driver.releases().findById(r.id()).block();
        assertThat(done.state()).as("events: %s", driver.events(r.id()).stream()
                .map(e -> e.type() + " " + e.reason()).toList()).isEqualTo(state);
        return done;
    }

    private static void ensureStable(String env, String version) {
        if (driver.releases().lastSucceeded("video-api", env).blockOptional().isEmpty()) {
            settle(release(env, version, Map.of()), ReleaseState.SUCCEEDED);
        }
    }

    /** Versions answering through the front port, from {@code n} requests. */
    private static List<String> versions(String env, int n) {
        return Flux.range(0, n).flatMap(i -> front(env).get().uri("/api/subscriptions/plans")
                        .exchangeToMono(r -> r.releaseBody().thenReturn(
                                r.statusCode().value() + " " + r.headers().asHttpHeaders().getFirst("X-App-Version"))), 8)
                .collectList().block(Duration.ofSeconds(60));
    }

    private static Weights weights(String env) {
        return context.getBean(LocalRouter.class).current(target(env)).block();
    }

    private static boolean canaryProcessRunning() {
        return context.getBean(LocalWorkloads.class).instances().stream().anyMatch(i -> i.track() == Track.CANARY);
    }

    /** Sends 50 requests/s until stopped, counting answers that are not 2xx (paced: the machine is small). */
    private static final class Traffic implements AutoCloseable {
        final AtomicInteger sent = new AtomicInteger();
        final Set<String> failures = ConcurrentHashMap.newKeySet();
        final reactor.core.Disposable loop;

        Traffic(String env) {
            WebClient client = front(env);
            loop = Flux.interval(Duration.ofMillis(20))
                    .onBackpressureDrop()
                    .flatMap(n -> client.get().uri("/api/subscriptions/plans")
                            .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                            .doOnNext(status -> {
                                sent.incrementAndGet();
                                if (status < 200 || status > 299) {
                                    failures.add(Instant.now() + " " + status);
                                }
                            })
                            .onErrorResume(e -> {
                                failures.add(Instant.now() + " " + e);
                                return Mono.empty();
                            }), 16)
                    .subscribe();
        }

        @Override
        public void close() {
            loop.dispose();
        }
    }

    @Test
    @Order(0)
    void aFreshInstallationServesTheBundledBuildInEveryEnvironment() {
        for (String env : List.of("staging", "production", "dev")) {
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> versions(env, 10), v -> v.stream().allMatch(s -> s.equals("200 1.0.0")));
            // The front door serves the build a moment before the bootstrap release is recorded as SUCCEEDED.
            Release bootstrap = await().atMost(Duration.ofSeconds(30))
                    .until(() -> driver.releases().lastSucceeded("video-api", env).block(), java.util.Objects::nonNull);
            assertThat(bootstrap.startedBy()).isEqualTo(dev.rollgate.controlplane.release.Actor.SYSTEM);
            assertThat(bootstrap.plan().analysis()).isFalse();
        }
    }

    @Test
    @Order(1)
    void aHealthyCanaryWalksTheStepsAndServesEveryRequest() {
        ensureStable("staging", "1.0.0");
        Release r = release("staging", "2.0.0", Map.of());
        settle(r, ReleaseState.SUCCEEDED);

        assertThat(driver.events(r.id()).stream().filter(e -> e.type() == Type.STEP_ADVANCED)
                .map(e -> e.data().get("weight"))).containsExactly(10, 50);
        assertThat(driver.events(r.id()).get(0).data()).containsEntry("syntheticLoad", "40 req/s");
        assertThat(versions("staging", 200)).containsOnly("200 2.0.0");
        await().atMost(Duration.ofSeconds(20)).until(() -> !canaryProcessRunning());
    }

    @Test
    @Order(2)
    void aCanaryWithErrorsIsRolledBackByTheErrorRateGate() {
        ensureStable("staging", "1.0.0");
        String stable = driver.releases().lastSucceeded("video-api", "staging").block().version();
        // The smoke check calls /api/subscriptions/plans once, and 30 % of those calls fail too: then the
        // candidate is (rightly) rolled back before any traffic. Try again until one gets past smoke to the gate.
        Release r = null;
        Instant started = null;
        for (int attempt = 1; attempt <= 6 && (r == null || !trippedErrorRateGate(r)); attempt++) {
            started = Instant.now();
            r = release("staging", "2.1." + attempt, Map.of("VIDEOAPI_FAULTS_ERROR_RATE", "0.3"));
            settle(r, ReleaseState.ROLLED_BACK);
        }
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(60));
        ReleaseEvent tripped = driver.events(r.id()).stream().filter(e -> e.type() == Type.GATE_FAILED)
                .findFirst().orElseThrow();
        assertThat(tripped.data()).containsEntry("gate", "error-rate");
        assertThat(((Number) tripped.data().get("value")).doubleValue()).isGreaterThan(5.0);
        assertThat(versions("staging", 100)).containsOnly("200 " + stable);
        assertThat(canaryProcessRunning()).isFalse();
    }

    private static boolean trippedErrorRateGate(Release r) {
        return driver.events(r.id()).stream().anyMatch(e -> e.type() == Type.GATE_FAILED
                && "error-rate".equals(e.data().get("gate")));
    }

    @Test
    @Order(3)
    void aSlowCanaryIsRolledBackByTheLatencyGate() {
        ensureStable("staging", "1.0.0");
        Release r = release("staging", "2.2.0", Map.of("VIDEOAPI_FAULTS_LATENCY_MS", "2500"));
        settle(r, ReleaseState.ROLLED_BACK);

        assertThat(driver.events(r.id())).filteredOn(e -> e.type() == Type.GATE_FAILED).first()
                .satisfies(e -> assertThat(e.data()).containsEntry("gate", "p99-latency"));
    }

    @Test
    @Order(4)
    void aCanaryThatNeverBecomesReadyFailsBeforeAnyTrafficMoves() {
        ensureStable("staging", "1.0.0");
        List<Weights> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        var watch = Flux.interval(Duration.ofMillis(100)).doOnNext(n -> seen.add(weights("staging"))).subscribe();
        Release r = release("staging", "2.3.0", Map.of("VIDEOAPI_FAULTS_READY", "false"));
        try {
            settle(r, ReleaseState.FAILED);
        } finally {
            watch.dispose();
        }
        // It runs and answers /ready with 503: it fails after not-ready-timeout (10 s here), not the 40 s ready timeout.
        assertThat(driver.events(r.id())).filteredOn(e -> e.type() == Type.FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason())
                        .startsWith("candidate failed to start: NotReady: /ready answered 503 for ")
                        .contains("\"status\":\"DOWN\""));
        assertThat(seen).isNotEmpty().allSatisfy(w -> assertThat(w.canary()).as("traffic on the canary").isZero());
        assertThat(driver.eventTypes(r.id())).doesNotContain(Type.CANDIDATE_READY, Type.STEP_ADVANCED);
        await().atMost(Duration.ofSeconds(20)).until(() -> !canaryProcessRunning());
    }

    @Test
    @Order(5)
    void headerRoutingPauseAndPromote() {
        ensureStable("staging", "1.0.0");
        Release r = release("staging", "2.4.0", Map.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> driver.releases().findById(r.id()).block().state()
                == ReleaseState.PROGRESSING);
        driver.service().command(r.id(), new Command(Command.Type.PAUSE, ReleaseDriver.TESTER, "hold"), null).block();

        String viaHeader = front("staging").get().uri("/api/version").header("canary", "true")
                .exchangeToMono(resp -> resp.releaseBody().thenReturn(
                        resp.headers().asHttpHeaders().getFirst("X-App-Version"))).block();
        assertThat(viaHeader).isEqualTo("2.4.0");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> weights("staging").canary() == 10);

        driver.service().command(r.id(), new Command(Command.Type.PROMOTE, ReleaseDriver.TESTER, "ship"), null).block();
        settle(r, ReleaseState.SUCCEEDED);
        assertThat(versions("staging", 50)).containsOnly("200 2.4.0");
    }

    @Test
    @Order(6)
    void aManualRollbackReturnsAllTrafficToStableAtOnce() {
        ensureStable("staging", "1.0.0");
        Release r = release("staging", "2.5.0", Map.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> driver.releases().findById(r.id()).block().state()
                == ReleaseState.PROGRESSING);

        driver.service().command(r.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "manual"), null)
                .block();
        await().atMost(Duration.ofSeconds(2)).until(() -> weights("staging").equals(Weights.ALL_STABLE));
        settle(r, ReleaseState.ROLLED_BACK);
    }

    @Test
    @Order(7)
    void blueGreenSwitchesOnceAndSwitchesBackInsideTheWindowWithoutAFailedRequest() {
        ensureStable("production", "1.0.0");
        try (Traffic traffic = new Traffic("production")) {
            Release r = release("production", "1.9.0", Map.of());
            Track live = r.candidateTrack();
            Track standby = r.baseTrack();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> weights("production").of(live) == 100);
            int standbyPort = port(standby);
            // Applying what the platform already runs is no write: no new process, same instance.
            int livePort = port(live);
            LocalWorkloads workloads = context.getBean(LocalWorkloads.class);
            workloads.apply(target("production"), live, r.candidate()).block();
            workloads.apply(target("production"), live, r.candidate()).block();
            assertThat(port(live)).isEqualTo(livePort);
            assertThat(workloads.status(target("production"), live).block().message()).isNull();

            long started = System.nanoTime();
            Release back = driver.service().command(r.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER,
                    "switch back"), null).block();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> weights("production").of(standby) == 100);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "blue-green switch-back: %.3f s from the rollback command to 100 %%"
                    + " of traffic on the %s colour%n", seconds, standby.id());

            assertThat(back.state()).as("rolled back inside the window").isEqualTo(ReleaseState.ROLLING_BACK);
            settle(r, ReleaseState.ROLLED_BACK);
            assertThat(port(standby)).as("the standby took the traffic back without a redeploy")
                    .isEqualTo(standbyPort);
            traffic.close();
            System.out.printf(java.util.Locale.ROOT, "blue-green switch and switch-back under load: %d requests,"
                    + " %d failed%n", traffic.sent.get(), traffic.failures.size());
            assertThat(traffic.sent.get()).isGreaterThan(50);
            assertThat(traffic.failures).isEmpty();
        }
        assertThat(versions("production", 30)).containsOnly("200 1.0.0");
    }

    private static int port(Track track) {
        return port("production", track);
    }

    private static int port(String env, Track track) {
        return context.getBean(LocalWorkloads.class).instances().stream()
                .filter(i -> i.track() == track && i.target().environment().equals(env))
                .mapToInt(LocalWorkloads.Instance::port).findFirst().orElse(-1);
    }

    @Test
    @Order(8)
    void blueGreenSwitchesWithoutAFailedRequestAndSmokeChecksStopABadGreen() {
        ensureStable("production", "1.0.0");
        Release good;
        try (Traffic traffic = new Traffic("production")) {
            good = release("production", "2.0.0", Map.of());
            settle(good, ReleaseState.SUCCEEDED);
            traffic.close();
            assertThat(traffic.sent.get()).isGreaterThan(100);
            assertThat(traffic.failures).isEmpty();
        }
        assertThat(versions("production", 50)).containsOnly("200 2.0.0");

        Release bad = release("production", "2.1.0", Map.of("VIDEOAPI_FAULTS_ERROR_RATE", "1"));
        settle(bad, ReleaseState.ROLLED_BACK);
        assertThat(driver.events(bad.id())).filteredOn(e -> e.type() == Type.SMOKE_FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("/api/subscriptions/plans answered 500"));
        assertThat(driver.eventTypes(bad.id())).doesNotContain(Type.STEP_ADVANCED);
    }

    @Test
    @Order(9)
    void rollingReplacesWithoutAFailedRequestAndRollsBackABadRevision() {
        ensureStable("dev", "1.0.0");
        try (Traffic traffic = new Traffic("dev")) {
            settle(release("dev", "2.0.0", Map.of()), ReleaseState.SUCCEEDED);
            traffic.close();
            assertThat(traffic.sent.get()).isGreaterThan(100);
            assertThat(traffic.failures).isEmpty();
        }
        Release bad = release("dev", "3.0.0", Map.of("VIDEOAPI_FAULTS_ERROR_RATE", "0.5"));
        settle(bad, ReleaseState.ROLLED_BACK);
        assertThat(versions("dev", 50)).containsOnly("200 2.0.0");
    }

    @Test
    @Order(10)
    void afterARestartEachEnvironmentServesItsLastGoodVersionAndNoProcessOutlivesRollgate() {
        context.close();
        assertThat(ourProcesses()).isEmpty();

        context = boot(false);
        driver = driver(context);

        for (String env : List.of("staging", "production", "dev")) {
            Release last = driver.releases().lastSucceeded("video-api", env).block();
            String good = last.version();
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> versions(env, 20), v -> v.stream().allMatch(s -> s.equals("200 " + good)));
            // Served from the track it was live on (blue-green leaves production on a colour), all traffic there.
            Track live = last.liveTrackWhenSucceeded();
            assertThat(weights(env).of(live)).as("%s routed to its live %s track", env, live).isEqualTo(100);
            assertThat(port(env, live)).as("%s runs its live %s track", env, live).isPositive();
        }
        // The next blue-green release after the restart deploys beside the live colour, not over it.
        try (Traffic traffic = new Traffic("production")) {
            Release next = release("production", "3.0.0", Map.of());
            settle(next, ReleaseState.SUCCEEDED);
            traffic.close();
            assertThat(traffic.failures).isEmpty();
        }
        assertThat(versions("production", 20)).containsOnly("200 3.0.0");
    }
}
