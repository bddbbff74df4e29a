package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.ALICE;
import static dev.rollgate.controlplane.release.MachineFixtures.NEW;
import static dev.rollgate.controlplane.release.MachineFixtures.SMOKE_OK;
import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static dev.rollgate.controlplane.release.MachineFixtures.all;
import static dev.rollgate.controlplane.release.MachineFixtures.driveTo;
import static dev.rollgate.controlplane.release.MachineFixtures.m;
import static dev.rollgate.controlplane.release.MachineFixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;

class ReleaseMachineTests {

    /** Every state × command; "-" means refused with a reason and nothing changed. */
    @ParameterizedTest(name = "{0} {1}: {2} -> {3}")
    @CsvSource({
            "CANARY, PENDING,      PROMOTE,  -",
            "CANARY, PENDING,      PAUSE,    -",
            "CANARY, PENDING,      RESUME,   -",
            "CANARY, PENDING,      ROLLBACK, ROLLING_BACK",
            "CANARY, PENDING,      ABORT,    ABORTED",
            "CANARY, DEPLOYING,    PROMOTE,  -",
            "CANARY, DEPLOYING,    PAUSE,    -",
            "CANARY, DEPLOYING,    RESUME,   -",
            "CANARY, DEPLOYING,    ROLLBACK, ROLLING_BACK",
            "CANARY, DEPLOYING,    ABORT,    ABORTED",
            "CANARY, PROGRESSING,  PROMOTE,  PROMOTING",
            "CANARY, PROGRESSING,  PAUSE,    PAUSED",
            "CANARY, PROGRESSING,  RESUME,   -",
            "CANARY, PROGRESSING,  ROLLBACK, ROLLING_BACK",
            "CANARY, PROGRESSING,  ABORT,    -",
            "CANARY, PAUSED,       PROMOTE,  PROMOTING",
            "CANARY, PAUSED,       PAUSE,    -",
            "CANARY, PAUSED,       RESUME,   PROGRESSING",
            "CANARY, PAUSED,       ROLLBACK, ROLLING_BACK",
            "CANARY, PAUSED,       ABORT,    -",
            "CANARY, PROMOTING,    PROMOTE,  -",
            "CANARY, PROMOTING,    PAUSE,    -",
            "CANARY, PROMOTING,    RESUME,   -",
            "CANARY, PROMOTING,    ROLLBACK, ROLLING_BACK",
            "CANARY, PROMOTING,    ABORT,    -",
            "CANARY, ROLLING_BACK, PROMOTE,  -",
            "CANARY, ROLLING_BACK, PAUSE,    -",
            "CANARY, ROLLING_BACK, RESUME,   -",
            "CANARY, ROLLING_BACK, ROLLBACK, -",
            "CANARY, ROLLING_BACK, ABORT,    -",
            "CANARY, FAILED,       PROMOTE,  -",
            "CANARY, FAILED,       PAUSE,    -",
            "CANARY, FAILED,       RESUME,   -",
            "CANARY, FAILED,       ROLLBACK, -",
            "CANARY, FAILED,       ABORT,    -",
            "CANARY, SUCCEEDED,    PROMOTE,  -",
            "CANARY, SUCCEEDED,    PAUSE,    -",
            "CANARY, SUCCEEDED,    RESUME,   -",
            "CANARY, SUCCEEDED,    ROLLBACK, -",
            "CANARY, SUCCEEDED,    ABORT,    -",
            "CANARY, ROLLED_BACK,  ROLLBACK, -",
            "CANARY, ROLLED_BACK,  RESUME,   -",
            "CANARY, ABORTED,      ROLLBACK, -",
            "CANARY, ABORTED,      ABORT,    -",
            "ROLLING, DEPLOYING,   ABORT,    -",
            "ROLLING, DEPLOYING,   ROLLBACK, ROLLING_BACK",
            "ROLLING, DEPLOYING,   PROMOTE,  -",
            "ROLLING, PENDING,     ABORT,    ABORTED",
            "ROLLING, PROGRESSING, PROMOTE,  SUCCEEDED",
            "ROLLING, PROGRESSING, PAUSE,    PAUSED",
            "ROLLING, PROGRESSING, ABORT,    -",
            "ROLLING, PAUSED,      RESUME,   PROGRESSING",
            "ROLLING, PAUSED,      ROLLBACK, ROLLING_BACK",
            "ROLLING, ROLLING_BACK, ROLLBACK, -",
            "ROLLING, SUCCEEDED,   ROLLBACK, -",
            "ROLLING, FAILED,      ROLLBACK, -",
            "ROLLING, FAILED,      ABORT,    -",
            "BLUE_GREEN, PENDING,  ABORT,    ABORTED",
            "BLUE_GREEN, DEPLOYING, PROMOTE, -",
            "BLUE_GREEN, DEPLOYING, ABORT,   ABORTED",
            "BLUE_GREEN, DEPLOYING, ROLLBACK, ROLLING_BACK",
            "BLUE_GREEN, PROGRESSING, PROMOTE, SUCCEEDED",
            "BLUE_GREEN, PROGRESSING, PAUSE, PAUSED",
            "BLUE_GREEN, PROGRESSING, ROLLBACK, ROLLING_BACK",
            "BLUE_GREEN, PROGRESSING, ABORT, -",
            "BLUE_GREEN, PAUSED,   PROMOTE,  SUCCEEDED",
            "BLUE_GREEN, PAUSED,   RESUME,   PROGRESSING",
            "BLUE_GREEN, ROLLING_BACK, ABORT, -",
            "BLUE_GREEN, ROLLING_BACK, ROLLBACK, -",
            "BLUE_GREEN, SUCCEEDED, ROLLBACK, -",
            "BLUE_GREEN, FAILED,   PROMOTE,  -",
            "BLUE_GREEN, FAILED,   ROLLBACK, -",
            "BLUE_GREEN, FAILED,   ABORT,    -"})
    void everyStateAnswersEveryCommand(Plan.Strategy strategy, ReleaseState state, Command.Type command,
                                       String expected) {
        Release release = inState(strategy, state);

        Decision d = ReleaseMachine.command(release, new Command(command, ALICE, "because"), T0.plusSeconds(999));

        if (expected.equals("-")) {
            assertThat(d.refusedCommand()).isTrue();
            assertThat(d.refusal()).isNotBlank();
            assertThat(d.release()).isEqualTo(release);
            assertThat(d.events()).isEmpty();
            assertThat(d.effects()).isEmpty();
        } else {
            assertThat(d.refusedCommand()).isFalse();
            assertThat(d.release().state()).isEqualTo(ReleaseState.valueOf(expected));
            assertThat(d.events()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.actor()).isEqualTo(ALICE);
                assertThat(e.reason()).contains("because");
            });
        }
    }

    private static Release inState(Plan.Strategy strategy, ReleaseState state) {
        Release r = pending(strategy);
        Platform platform = new Platform();
        return switch (state) {
            case PENDING -> r;
            case DEPLOYING, PROGRESSING, PROMOTING, SUCCEEDED -> driveTo(r, state, platform);
            case PAUSED -> ReleaseMachine.command(driveTo(r, ReleaseState.PROGRESSING, platform),
                    new Command(Command.Type.PAUSE, ALICE, null), T0).release();
            case ROLLING_BACK -> ReleaseMachine.command(driveTo(r, ReleaseState.PROGRESSING, platform),
                    new Command(Command.Type.ROLLBACK, ALICE, null), T0).release();
            case ROLLED_BACK -> {
                Release back = inState(strategy, ReleaseState.ROLLING_BACK);
                platform.apply(ReleaseMachine.desired(back));
                yield ReleaseMachine.observe(back, platform.see(T0, List.of(), null)).release();
            }
            case ABORTED -> ReleaseMachine.command(r, new Command(Command.Type.ABORT, ALICE, null), T0).release();
            case FAILED -> {
                Release failed = ReleaseMachine.observe(r, Observation.failed(T0.plusSeconds(1),
                        new AdapterError("apply", true, "forbidden"))).release();
                assertThat(failed.state()).isEqualTo(ReleaseState.FAILED);
                yield failed;
            }
        };
    }

    @Test
    void aFailingGateRollsBackWithTheFiguresInTheEvent() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);

        Decision d = ReleaseMachine.observe(progressing, platform.see(T0.plusSeconds(5),
                List.of(m(GateKind.ERROR_RATE, Verdict.FAIL), m(GateKind.LATENCY, Verdict.PASS)), null));

        assertThat(d.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(d.events()).extracting(ReleaseEvent::type).containsExactly(Type.GATE_FAILED, Type.ROLLBACK_STARTED);
        assertThat(d.events().get(0).data()).containsEntry("gate", "error-rate").containsEntry("bad", 9L)
                .containsEntry("sampleSize", 100L).containsEntry("threshold", 5.0);
        assertThat(d.effects()).contains(new Effect.Route(Weights.ALL_STABLE), new Effect.ScaleToZero(Track.CANARY));
    }

    @Test
    void aFailureLimitToleratesThatManyFails() {
        Platform platform = new Platform();
        Release r = pending(Plan.Strategy.CANARY);
        Plan tolerant = new Plan(r.plan().strategy(), r.plan().steps(), r.plan().stepDuration(),
                r.plan().inconclusiveGrace(), 1, 4, r.plan().readyTimeout(), r.plan().restoreTimeout(), true, true);
        r = MachineFixtures.pending(tolerant, Track.STABLE);
        Release progressing = driveTo(r, ReleaseState.PROGRESSING, platform);

        Decision first = ReleaseMachine.observe(progressing, platform.see(T0, all(Verdict.FAIL), null));
        Decision second = ReleaseMachine.observe(first.release(), platform.see(T0, all(Verdict.FAIL), null));

        assertThat(first.release().state()).isEqualTo(ReleaseState.PROGRESSING);
        assertThat(first.events()).extracting(ReleaseEvent::type).containsOnly(Type.GATE_FAILED);
        assertThat(second.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
    }

    @Test
    void aStepAdvancesOnlyAfterItsDurationWithEveryGatePassing() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);
        Instant started = progressing.stepStartedAt();

        Decision early = ReleaseMachine.observe(progressing, platform.see(started.plusSeconds(29), all(Verdict.PASS), null));
        Decision inconclusive = ReleaseMachine.observe(progressing, platform.see(started.plusSeconds(45),
                List.of(m(GateKind.ERROR_RATE, Verdict.PASS), m(GateKind.LATENCY, Verdict.INCONCLUSIVE)), null));
        Decision due = ReleaseMachine.observe(progressing, platform.see(started.plusSeconds(30), all(Verdict.PASS), null));

        assertThat(early.changed()).isFalse();
        assertThat(inconclusive.changed()).isFalse();
        assertThat(due.release().weight()).isEqualTo(25);
        assertThat(due.effects()).contains(new Effect.Route(Weights.canary(25).withPreview(Track.CANARY)));
    }

    @Test
    void missingDataPausesAfterTheStepDurationPlusGrace() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);

        Decision d = ReleaseMachine.observe(progressing, platform.see(progressing.stepStartedAt().plusSeconds(60),
                all(Verdict.INCONCLUSIVE), null));

        assertThat(d.release().state()).isEqualTo(ReleaseState.PAUSED);
        assertThat(d.events().get(0).reason()).startsWith("insufficient data");
        assertThat(d.release().weight()).isEqualTo(5);
    }

    @Test
    void providerErrorsPauseAtTheLimitAndAPassResetsTheCount() {
        Platform platform = new Platform();
        Release r = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);
        for (int i = 0; i < 3; i++) {
            r = ReleaseMachine.observe(r, platform.see(T0, all(Verdict.ERROR), null)).release();
        }
        assertThat(r.consecutiveErrors()).isEqualTo(3);
        Release reset = ReleaseMachine.observe(r, platform.see(r.stepStartedAt(), all(Verdict.PASS), null)).release();
        assertThat(reset.consecutiveErrors()).isZero();

        Decision fourth = ReleaseMachine.observe(r, platform.see(T0, all(Verdict.ERROR), null));
        assertThat(fourth.release().state()).isEqualTo(ReleaseState.PAUSED);
        assertThat(fourth.events().get(0).reason()).contains("4 times in a row").contains("timeout");
    }

    @Test
    void smokeFailureOnTheCandidateRollsBackBeforeAnyTrafficMoves() {
        Platform platform = new Platform();
        Release deploying = driveTo(pending(Plan.Strategy.BLUE_GREEN), ReleaseState.DEPLOYING, platform);
        platform.apply(ReleaseMachine.desired(deploying));

        Decision d = ReleaseMachine.observe(deploying, platform.see(T0.plusSeconds(1), List.of(),
                new SmokeResult(2, List.of("/api/subscriptions/plans answered 500"))));

        assertThat(d.release().state()).isEqualTo(ReleaseState.ROLLING_BACK);
        assertThat(d.events()).extracting(ReleaseEvent::type).contains(Type.SMOKE_FAILED);
        assertThat(platform.weights.canary()).as("no traffic moved before the smoke check").isZero();
        platform.apply(d.effects());
        assertThat(platform.weights).isEqualTo(Weights.ALL_STABLE);
        assertThat(platform.tracks.get(Track.CANARY).scaledToZero()).isTrue();
    }

    @Test
    void aCandidateThatNeverBecomesReadyFailsAfterTheReadyTimeout() {
        Release deploying = ReleaseMachine.observe(pending(Plan.Strategy.CANARY),
                new Platform().see(T0, List.of(), null)).release();
        TrackStatus starting = MachineFixtures.starting(MachineFixtures.NEW, "waiting for /ready");
        Observation late = new Observation(T0.plusSeconds(121), MachineFixtures.running(MachineFixtures.OLD),
                starting, Weights.ALL_STABLE, List.of(), null);

        Decision d = ReleaseMachine.observe(deploying, late);

        assertThat(d.release().state()).isEqualTo(ReleaseState.FAILED);
        assertThat(d.events().get(0).reason()).contains("not ready within 120 s").contains("waiting for /ready");
        assertThat(d.effects()).contains(new Effect.Route(Weights.ALL_STABLE), new Effect.ScaleToZero(Track.CANARY));
    }

    @Test
    void aSucceededCanaryRecordsThatAllTrafficIsOnItsVersion() {
        Platform platform = new Platform();
        Release promoting = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROMOTING, platform);
        assertThat(promoting.weight()).as("promotion routes from where the last step left it").isEqualTo(50);

        Release succeeded = driveTo(promoting, ReleaseState.SUCCEEDED, platform);

        assertThat(succeeded.weight()).isEqualTo(100);
        assertThat(platform.weights).isEqualTo(Weights.ALL_STABLE);
    }

    @Test
    void blueGreenSwitchesAllTrafficInOneStep() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.BLUE_GREEN), ReleaseState.PROGRESSING, platform);

        assertThat(progressing.weight()).isEqualTo(100);
        assertThat(platform.weights).isEqualTo(new Weights(0, 100));
        // Before the switch only the preview route reaches the idle colour; then one switch, nothing in between.
        assertThat(platform.applied).filteredOn(e -> e instanceof Effect.Route)
                .containsExactly(new Effect.Route(Weights.ALL_STABLE.withPreview(Track.CANARY)),
                        new Effect.Route(new Weights(0, 100)));
    }

    @Test
    void desiredEffectsAreStableSoRepeatingThemChangesNothing() {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);
        java.util.Map<Track, TrackStatus> tracksBefore = new java.util.EnumMap<>(platform.tracks);
        Weights weightsBefore = platform.weights;

        // What the reconciler does on every tick: re-apply the state's effects, then observe.
        platform.apply(ReleaseMachine.desired(progressing));
        platform.apply(ReleaseMachine.desired(progressing));
        Decision again = ReleaseMachine.observe(progressing,
                platform.see(progressing.stepStartedAt().plusSeconds(1), all(Verdict.PASS), null));

        assertThat(platform.tracks).isEqualTo(tracksBefore);
        assertThat(platform.weights).isEqualTo(weightsBefore).extracting(Weights::canary).isEqualTo(5);
        assertThat(again.changed()).isFalse();
        assertThat(again.release()).isEqualTo(progressing);
        Release paused = ReleaseMachine.command(progressing, new Command(Command.Type.PAUSE, ALICE, null), T0)
                .release();
        // The base is stated too (it keeps the previous version), so a lost base comes back before it is needed.
        assertThat(ReleaseMachine.desired(paused)).containsExactly(
                new Effect.ApplyTrack(Track.STABLE, MachineFixtures.OLD),
                new Effect.ApplyTrack(Track.CANARY, MachineFixtures.NEW),
                new Effect.Route(Weights.canary(5).withPreview(Track.CANARY)));
    }
}
