package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.PrometheusScrape;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/**
 * Rollgate's own meters, read from {@code /actuator/prometheus} before and after whole releases run through the
 * reconciler. The context is shared with other suites, so every check is a difference on a target of its own.
 */
@EngineTest
@AutoConfigureWebTestClient
class ReleaseMetricsTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;
    /** Fails the error-rate gate on every reading: the canary rolls back at its first step. */
    private static final Behaviour FAILING = new Behaviour(true, false,
            gate -> gate == GateKind.ERROR_RATE ? new Sample(3, 10, 30.0) : new Sample(0, 10, 0.0), List.of());

    @Autowired
    WebTestClient http;
    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    DatabaseClient db;
    @Autowired
    InstanceId instance;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.of(http);
    }

    private static Map<String, String> target(String app, String env) {
        return Map.of("application", app, "environment", env);
    }

    private static Map<String, String> ended(String app, String env, ReleaseState result) {
        return Map.of("application", app, "environment", env, "result", result.name());
    }

    @Test
    void countsEachEndedReleaseOnceUnderItsResult() {
        driver.establish("meter-a", "staging", "ma-1.0.0");
        PrometheusScrape before = scrape();
        world.scriptHealthy("ma-1.1.0");
        driver.awaitSettled(driver.start("meter-a", "staging", "ma-1.1.0").id(), ReleaseState.SUCCEEDED);
        world.script("ma-2.0.0", FAILING);
        driver.awaitSettled(driver.start("meter-a", "staging", "ma-2.0.0").id(), ReleaseState.ROLLED_BACK);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PrometheusScrape after = scrape();
            for (ReleaseState result : List.of(ReleaseState.SUCCEEDED, ReleaseState.ROLLED_BACK)) {
                assertThat(after.value("rollgate_releases_total", ended("meter-a", "staging", result))
                        - before.value("rollgate_releases_total", ended("meter-a", "staging", result)))
                        .as(result.name()).isEqualTo(1.0);
            }
            assertThat(after.value("rollgate_releases_total", ended("meter-a", "staging", ReleaseState.FAILED)))
                    .isEqualTo(before.value("rollgate_releases_total",
                            ended("meter-a", "staging", ReleaseState.FAILED)));
        });
        // Bounded cardinality: nothing of Rollgate's own carries a version or a release id.
        assertThat(scrape().series("rollgate_"))
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainKeys("version", "release", "id"));
    }

    @Test
    void timesAReleaseFromItsCreationToItsEnd() {
        driver.establish("meter-b", "staging", "mb-1.0.0");
        Map<String, String> succeeded = ended("meter-b", "staging", ReleaseState.SUCCEEDED);
        PrometheusScrape before = scrape();
        world.scriptHealthy("mb-1.1.0");
        Release release = driver.awaitSettled(driver.start("meter-b", "staging", "mb-1.1.0").id(),
                ReleaseState.SUCCEEDED);

        Instant end = driver.events(release.id()).stream().filter(e -> e.type() == Type.SUCCEEDED)
                .findFirst().orElseThrow().at();
        double expected = Duration.between(release.createdAt(), end).toNanos() / 1e9;
        PrometheusScrape after = scrape();
        assertThat(after.value("rollgate_release_duration_seconds_count", succeeded)
                - before.value("rollgate_release_duration_seconds_count", succeeded)).isEqualTo(1.0);
        // Three 300 ms steps at least: a sum near zero would mean the wrong start was taken.
        assertThat(expected).isGreaterThan(0.9);
        assertThat(after.value("rollgate_release_duration_seconds_sum", succeeded)
                - before.value("rollgate_release_duration_seconds_sum", succeeded)).isCloseTo(expected, within(0.01));
    }

    @Test
    void countsGateReadingsByGateAndVerdict() {
        driver.establish("meter-c", "staging", "mc-1.0.0");
        Map<String, String> errorRatePass = Map.of("gate", "error-rate", "verdict", "PASS");
        Map<String, String> errorRateFail = Map.of("gate", "error-rate", "verdict", "FAIL");
        PrometheusScrape before = scrape();
        world.scriptHealthy("mc-1.1.0");
        driver.awaitSettled(driver.start("meter-c", "staging", "mc-1.1.0").id(), ReleaseState.SUCCEEDED);
        PrometheusScrape healthy = scrape();
        world.script("mc-2.0.0", FAILING);
        driver.awaitSettled(driver.start("meter-c", "staging", "mc-2.0.0").id(), ReleaseState.ROLLED_BACK);
        PrometheusScrape failing = scrape();

        // Three steps of 300 ms read on 100 ms ticks: several passing readings, none failing.
        assertThat(healthy.value("rollgate_gate_evaluations_total", errorRatePass)
                - before.value("rollgate_gate_evaluations_total", errorRatePass)).isGreaterThanOrEqualTo(3.0);
        assertThat(healthy.value("rollgate_gate_evaluations_total", errorRateFail))
                .isEqualTo(before.value("rollgate_gate_evaluations_total", errorRateFail));
        assertThat(failing.value("rollgate_gate_evaluations_total", errorRateFail)
                - healthy.value("rollgate_gate_evaluations_total", errorRateFail)).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void timesARollbackFromTheFirstFailingReadingToStableServingAgain() {
        driver.establish("meter-d", "staging", "md-1.0.0");
        Map<String, String> target = target("meter-d", "staging");
        PrometheusScrape before = scrape();
        world.script("md-2.0.0", FAILING);
        Release release = driver.awaitSettled(driver.start("meter-d", "staging", "md-2.0.0").id(),
                ReleaseState.ROLLED_BACK);

        List<ReleaseEvent> history = driver.events(release.id());
        Instant firstFailure = history.stream().filter(e -> e.type() == Type.GATE_FAILED).findFirst()
                .orElseThrow().at();
        Instant restored = history.stream().filter(e -> e.type() == Type.ROLLED_BACK).findFirst().orElseThrow().at();
        double expected = Duration.between(firstFailure, restored).toNanos() / 1e9;
        // Read from the event log after the commit, so it may land a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PrometheusScrape after = scrape();
            assertThat(after.value("rollgate_rollback_seconds_count", target)
                    - before.value("rollgate_rollback_seconds_count", target)).isEqualTo(1.0);
            assertThat(after.value("rollgate_rollback_seconds_sum", target)
                    - before.value("rollgate_rollback_seconds_sum", target)).isCloseTo(expected, within(0.01));
        });
        assertThat(expected).isPositive();
    }

    @Test
    void showsTheCandidatesWeightWhileItRunsAndZeroOnceItIsRolledBack() {
        driver.bootstrap("meter-e", "slow-canary", "me-1.0.0");
        Map<String, String> target = target("meter-e", "slow-canary");
        assertThat(scrape().value("rollgate_canary_weight", target)).isZero();
        world.scriptHealthy("me-1.1.0");

        Release release = driver.start("meter-e", "slow-canary", "me-1.1.0");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scrape().value("rollgate_canary_weight", target), w -> w == 5.0);
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "metrics test"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> scrape().value("rollgate_canary_weight", target), w -> w == 0.0);
    }

    @Test
    void timesEveryTickAndCountsTheOnesLongerThanTheInterval() {
        driver.establish("meter-f", "staging", "mf-1.0.0");
        PrometheusScrape before = scrape();
        // A provider slower than the 100 ms reconcile interval: the scripted latency of a remote Prometheus.
        world.script("mf-1.1.0", new Behaviour(true, false, gate -> {
            pause(Duration.ofMillis(150));
            return ScriptedWorld.HEALTHY.apply(gate);
        }, List.of()));
        driver.awaitSettled(driver.start("meter-f", "staging", "mf-1.1.0").id(), ReleaseState.SUCCEEDED);

        PrometheusScrape after = scrape();
        double ticks = after.value("rollgate_tick_duration_seconds_count")
                - before.value("rollgate_tick_duration_seconds_count");
        double overruns = after.value("rollgate_tick_overruns_total") - before.value("rollgate_tick_overruns_total");
        assertThat(ticks).isGreaterThanOrEqualTo(3.0);
        assertThat(overruns).isGreaterThanOrEqualTo(1.0).isLessThanOrEqualTo(ticks);
        assertThat(after.value("rollgate_tick_duration_seconds_sum")
                - before.value("rollgate_tick_duration_seconds_sum")).isGreaterThanOrEqualTo(0.15 * overruns);
    }

    @Test
    void countsTheLeasesThisReplicaHolds() {
        driver.bootstrap("meter-g", "slow-canary", "mg-1.0.0");
        world.scriptHealthy("mg-1.1.0");

        Release release = driver.start("meter-g", "slow-canary", "mg-1.1.0");
        await().atMost(Duration.ofSeconds(5)).until(() -> holds(release));
        awaitGaugeMatchesLeaseRows();
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "metrics test"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(holds(release)).isFalse();
        awaitGaugeMatchesLeaseRows();
    }

    /** Other suites may leave paused releases whose leases this replica keeps: compare with the lease table. */
    private void awaitGaugeMatchesLeaseRows() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value("rollgate_leases_held"))
                .isEqualTo((double) leaseRows()));
    }

    private long leaseRows() {
        return db.sql("select count(*) as n from leases where holder = :h and expires_at > now()")
                .bind("h", instance.value()).map(row -> row.get("n", Long.class)).one().block();
    }

    private boolean holds(Release release) {
        return db.sql("select count(*) as n from leases where release_id = :id and holder = :h")
                .bind("id", release.id()).bind("h", instance.value())
                .map(row -> row.get("n", Long.class)).one().block() == 1;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
