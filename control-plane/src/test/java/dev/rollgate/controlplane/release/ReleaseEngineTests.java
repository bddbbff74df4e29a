package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.support.EngineTest;
import dev.rollgate.controlplane.support.ReleaseDriver;
import dev.rollgate.controlplane.support.ScriptedWorld;
import dev.rollgate.controlplane.support.ScriptedWorld.Behaviour;

/** Whole releases through the real reconciler, PostgreSQL and the scripted platform. */
@EngineTest
class ReleaseEngineTests {

    private static final ScriptedWorld world = ScriptedWorld.INSTANCE;

    @Autowired
    ReleaseService service;
    @Autowired
    ReleaseRepository releases;
    @Autowired
    EventRepository events;
    @Autowired
    MeasurementRepository measurements;

    ReleaseDriver driver;

    @BeforeEach
    void driver() {
        driver = new ReleaseDriver(service, releases, events);
    }

    @Test
    void healthyCanaryWalksEveryStepToSucceeded() {
        driver.establish("svc-a", "staging", "a-1.0.0");
        world.scriptHealthy("a-1.1.0");

        Release release = driver.start("svc-a", "staging", "a-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        List<ReleaseEvent> history = driver.events(release.id());
        assertThat(history.stream().filter(e -> e.type() == Type.STEP_ADVANCED).map(e -> e.data().get("weight")))
                .containsExactly(5, 25, 50);
        assertThat(history.stream().map(ReleaseEvent::type)).containsSubsequence(
                Type.CREATED, Type.DEPLOYING, Type.CANDIDATE_READY, Type.SMOKE_PASSED, Type.STEP_ADVANCED,
                Type.STEP_ADVANCED, Type.STEP_ADVANCED, Type.PROMOTING, Type.SUCCEEDED);
        assertThat(world.changes("svc-a/staging")).containsSubsequence(
                "apply canary a-1.1.0", "route 95/5", "route 75/25", "route 50/50", "apply stable a-1.1.0",
                "route 100/0", "scale canary 0");
        assertThat(world.versionOf("svc-a/staging", Track.STABLE)).isEqualTo("a-1.1.0");
        assertThat(world.weights("svc-a/staging")).isEqualTo(Weights.ALL_STABLE);
    }

    @Test
    void rollsBackWhenErrorRateExceedsThreshold() {
        driver.establish("svc-b", "staging", "b-1.0.0");
        world.script("b-2.0.0", new Behaviour(true, false,
                gate -> gate == GateKind.ERROR_RATE ? new Sample(3, 10, 30.0) : new Sample(0, 10, 0.0), List.of()));

        Release release = driver.start("svc-b", "staging", "b-2.0.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        ReleaseEvent tripped = driver.events(release.id()).stream().filter(e -> e.type() == Type.GATE_FAILED)
                .findFirst().orElseThrow();
        assertThat(tripped.data()).containsEntry("gate", "error-rate").containsEntry("value", 30.0)
                .containsEntry("threshold", 5.0).containsEntry("sampleSize", 10).containsEntry("bad", 3);
        assertThat(driver.eventTypes(release.id())).containsSubsequence(Type.GATE_FAILED, Type.ROLLBACK_STARTED,
                Type.ROLLED_BACK);
        assertThat(world.weights("svc-b/staging")).isEqualTo(Weights.ALL_STABLE);
        assertThat(world.status("svc-b/staging", Track.CANARY).scaledToZero()).isTrue();
        assertThat(world.versionOf("svc-b/staging", Track.STABLE)).isEqualTo("b-1.0.0");
        List<Measurement> recorded = measurements.list(release.id(), 100).collectList().block();
        assertThat(recorded).anySatisfy(m -> {
            assertThat(m.gate()).isEqualTo(GateKind.ERROR_RATE);
            assertThat(m.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(m.value()).isEqualTo(30.0);
        });
    }

    @Test
    void neverPromotesOnTooFewSamplesAndPausesForInsufficientData() {
        driver.establish("svc-c", "staging", "c-1.0.0");
        world.script("c-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));

        Release release = driver.start("svc-c", "staging", "c-1.1.0");
        Release paused = driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(paused.weight()).isEqualTo(5);
        assertThat(world.weights("svc-c/staging")).isEqualTo(Weights.canary(5).withPreview(Track.CANARY));
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PAUSED).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("insufficient data"));
        assertThat(driver.eventTypes(release.id())).doesNotContain(Type.PROMOTING, Type.SUCCEEDED);
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, "cleanup"), null).block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
    }

    @Test
    void aStarvedCanaryPausesSayingWhatItSawWhatItNeedsAndThePlatformsWayToMoreTraffic() {
        driver.establish("gauge-c", "staging", "gc-1.0.0");
        world.script("gc-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        world.offerMoreTraffic("gauge-c/staging", "ask the scripted platform for load");

        Release release = driver.start("gauge-c", "staging", "gc-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PAUSED).singleElement()
                .satisfies(e -> assertThat(e.reason())
                        .startsWith("insufficient data at 5 % of traffic on gc-1.1.0: ")
                        .contains("error-rate saw 10 requests in the last 30 s, needs 50")
                        .doesNotContain("health saw")
                        .endsWith("lower rollgate.environments.staging.analysis.min-sample (now 50) or ask the"
                                + " scripted platform for load; then resume the release"));
    }

    @Test
    void pausesAfterConsecutiveProviderErrors() {
        driver.establish("svc-d", "staging", "d-1.0.0");
        world.script("d-1.1.0", new Behaviour(true, false, gate -> {
            throw new IllegalStateException("connection refused");
        }, List.of()));

        Release release = driver.start("svc-d", "staging", "d-1.1.0");
        Release paused = driver.awaitState(release.id(), ReleaseState.PAUSED);

        assertThat(paused.pausedFrom()).isEqualTo(ReleaseState.PROGRESSING);
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PAUSED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("metrics provider failed 3 times in a row")
                        .contains("connection refused"));
        assertThat(driver.eventTypes(release.id())).doesNotContain(Type.PROMOTING);
        service.command(release.id(), new Command(Command.Type.ROLLBACK, ReleaseDriver.TESTER, null), null).block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);
    }

    @Test
    void blueGreenSwitchesOnceKeepsTheStandbyForTheWindowAndNeverRedeploys() {
        driver.establish("svc-e", "preview", "e-1.0.0");
        world.scriptHealthy("e-1.1.0");
        world.scriptHealthy("e-1.2.0");

        Release release = driver.start("svc-e", "preview", "e-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(release.plan().strategy()).isEqualTo(Plan.Strategy.BLUE_GREEN);
        // Preview route to the idle colour, one switch, then the standby goes; the new colour is never redeployed.
        assertThat(world.changes("svc-e/preview")).containsExactly("apply stable e-1.0.0", "apply canary e-1.1.0",
                "route 100/0", "route 0/100", "scale stable 0");
        assertThat(world.versionOf("svc-e/preview", Track.CANARY)).isEqualTo("e-1.1.0");
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.STEP_ADVANCED).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("live", "canary").containsEntry("standby", "stable")
                        .containsKey("standbyUntil"));

        // The next release deploys into the idle colour, which is now the stable one.
        Release next = driver.start("svc-e", "preview", "e-1.2.0");
        assertThat(next.baseTrack()).isEqualTo(Track.CANARY);
        assertThat(next.candidateTrack()).isEqualTo(Track.STABLE);
        driver.awaitSettled(next.id(), ReleaseState.SUCCEEDED);
        assertThat(world.changes("svc-e/preview")).endsWith("apply stable e-1.2.0", "route 0/100", "route 100/0",
                "scale canary 0");
        assertThat(world.versionOf("svc-e/preview", Track.STABLE)).isEqualTo("e-1.2.0");
    }

    @Test
    void blueGreenRollbackInsideTheWindowIsOneSwitchBackToTheStandby() {
        driver.establish("svc-t", "preview", "t-1.0.0");
        world.scriptHealthy("t-1.1.0");
        Release release = driver.start("svc-t", "preview", "t-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);
        int before = world.changes("svc-t/preview").size();

        service.command(release.id(), new Command(Command.Type.ROLLBACK, Actor.SYSTEM, "switch back"), null).block();
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        // The standby still runs the previous version: no redeploy, just the switch and the candidate retired.
        assertThat(world.changes("svc-t/preview").subList(before, world.changes("svc-t/preview").size()))
                .containsExactly("route 100/0", "scale canary 0");
        assertThat(world.versionOf("svc-t/preview", Track.STABLE)).isEqualTo("t-1.0.0");
    }

    @Test
    void blueGreenSwitchesBackWhenSmokeChecksFailOnTheIdleColour() {
        driver.establish("svc-f", "preview", "f-1.0.0");
        world.script("f-1.1.0", new Behaviour(true, false, ScriptedWorld.HEALTHY,
                List.of("/api/subscriptions/plans answered 500")));

        Release release = driver.start("svc-f", "preview", "f-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.SMOKE_FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("/api/subscriptions/plans answered 500"));
        assertThat(world.changes("svc-f/preview")).doesNotContain("route 0/100");
        assertThat(world.versionOf("svc-f/preview", Track.STABLE)).isEqualTo("f-1.0.0");
    }

    @Test
    void blueGreenRollsBackAfterTheSwitchWhenAGateTrips() {
        driver.establish("svc-g", "preview", "g-1.0.0");
        world.script("g-1.1.0", new Behaviour(true, false,
                gate -> gate == GateKind.LATENCY ? new Sample(40, 100, 900.0) : new Sample(0, 100, 0.0), List.of()));

        Release release = driver.start("svc-g", "preview", "g-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(world.changes("svc-g/preview")).containsSubsequence("route 0/100", "route 100/0", "scale canary 0");
        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.GATE_FAILED).first()
                .satisfies(e -> assertThat(e.data()).containsEntry("gate", "p99-latency").containsEntry("value", 900.0));
    }

    @Test
    void rollingReplacesStableAndSucceeds() {
        driver.establish("svc-h", "dev", "h-1.0.0");
        world.scriptHealthy("h-1.1.0");

        Release release = driver.start("svc-h", "dev", "h-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(world.changes("svc-h/dev")).containsExactly("apply stable h-1.0.0", "apply stable h-1.1.0");
        assertThat(world.versionOf("svc-h/dev", Track.STABLE)).isEqualTo("h-1.1.0");
    }

    @Test
    void rollingRollbackReappliesThePreviousRevision() {
        driver.establish("svc-i", "dev", "i-1.0.0");
        world.script("i-1.1.0", new Behaviour(true, false,
                gate -> gate == GateKind.HEALTH ? new Sample(8, 20, 40.0) : new Sample(0, 20, 0.0), List.of()));

        Release release = driver.start("svc-i", "dev", "i-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.ROLLED_BACK);

        assertThat(world.changes("svc-i/dev")).containsExactly(
                "apply stable i-1.0.0", "apply stable i-1.1.0", "apply stable i-1.0.0");
        assertThat(world.versionOf("svc-i/dev", Track.STABLE)).isEqualTo("i-1.0.0");
    }

    @Test
    void failsWhenTheCandidateCannotStartAndKeepsStableServing() {
        driver.establish("svc-j", "staging", "j-1.0.0");
        world.script("j-1.1.0", new Behaviour(false, true, ScriptedWorld.HEALTHY, List.of()));

        Release release = driver.start("svc-j", "staging", "j-1.1.0");
        driver.awaitSettled(release.id(), ReleaseState.FAILED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.FAILED).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("boom"));
        assertThat(world.weights("svc-j/staging")).isEqualTo(Weights.ALL_STABLE);
        assertThat(world.status("svc-j/staging", Track.CANARY)).isEqualTo(TrackStatus.absent());
    }

    @Test
    void productionRefusesAVersionThatHasNotSucceededInStaging() {
        driver.establish("svc-k", "staging", "k-1.0.0");

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(ReleaseProblem.class,
                () -> driver.start("svc-k", "production", "k-9.9.9"));

        assertThat(refused.kind()).isEqualTo(ReleaseProblem.Kind.CONFLICT);
        assertThat(refused.getMessage()).contains("k-9.9.9 has not SUCCEEDED in staging");
        Release allowed = driver.start("svc-k", "production", "k-1.0.0");
        driver.awaitSettled(allowed.id(), ReleaseState.SUCCEEDED);
        assertThat(releases.findActive("svc-k", "production").blockOptional()).isEmpty();
        assertThat(Map.of()).isEmpty();
    }

    @Test
    void manualPromoteSkipsTheRemainingSteps() {
        driver.establish("svc-l", "staging", "l-1.0.0");
        world.script("l-1.1.0", new Behaviour(true, false, gate -> new Sample(0, 10, 0.0), List.of()));
        Release release = driver.start("svc-l", "staging", "l-1.1.0");
        driver.awaitState(release.id(), ReleaseState.PROGRESSING);

        service.command(release.id(), new Command(Command.Type.PROMOTE, ReleaseDriver.TESTER, "looks fine"), null)
                .block();
        driver.awaitSettled(release.id(), ReleaseState.SUCCEEDED);

        assertThat(driver.events(release.id())).filteredOn(e -> e.type() == Type.PROMOTING).singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo(ReleaseDriver.TESTER);
                    assertThat(e.reason()).contains("looks fine");
                });
        assertThat(world.changes("svc-l/staging")).doesNotContain("route 50/50");
    }
}
