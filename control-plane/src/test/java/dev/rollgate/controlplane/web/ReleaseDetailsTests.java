package dev.rollgate.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;

class ReleaseDetailsTests {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private static Release canary(ReleaseState state, ReleaseState pausedFrom, int step, int weight) {
        return release(Plan.Strategy.CANARY, List.of(5, 25, 50), dev.rollgate.controlplane.release.Track.STABLE,
                state, pausedFrom, step, weight);
    }

    private static Release release(Plan.Strategy strategy, List<Integer> steps,
                                   dev.rollgate.controlplane.release.Track base, ReleaseState state,
                                   ReleaseState pausedFrom, int step, int weight) {
        Plan plan = new Plan(strategy, steps, Duration.ofSeconds(30), Duration.ofSeconds(30),
                0, 4, Duration.ofMinutes(2), Duration.ofMinutes(5), true, true);
        return new Release(UUID.randomUUID(), "video-api", "staging", new Revision("1.1.0", null, Map.of()),
                new Revision("1.0.0", null, Map.of()), null, plan,
                new dev.rollgate.controlplane.release.Placement("local", "local", "builtin", "default", base), state, pausedFrom, step, weight, T0, T0, 0, 0,
                false, false, new Actor(Actor.Kind.CONSOLE, "alice"), T0, 0);
    }

    private static Map<String, String> steps(Release r) {
        Map<String, String> marks = new LinkedHashMap<>();
        ReleaseDetails.of(r, List.of(), List.of(), false, false).steps().forEach(s ->
                marks.put(s.label(), s.current() ? "current" : s.done() ? "done" : "-"));
        return marks;
    }

    @Test
    void offersExactlyTheCommandsTheStateMachineAccepts() {
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.PROGRESSING, null, 1, 25), false))
                .containsExactly(Command.Type.PROMOTE, Command.Type.PAUSE, Command.Type.ROLLBACK);
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.PAUSED, ReleaseState.PROGRESSING, 1, 25), false))
                .containsExactly(Command.Type.PROMOTE, Command.Type.RESUME, Command.Type.ROLLBACK);
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.DEPLOYING, null, 0, 0), false))
                .containsExactly(Command.Type.ROLLBACK, Command.Type.ABORT);
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.ROLLING_BACK, null, 1, 0), false)).isEmpty();
        // Only an admin is offered to abandon a rollback that cannot finish.
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.ROLLING_BACK, null, 1, 0), true))
                .containsExactly(Command.Type.ABORT);
        assertThat(ReleaseDetails.allowed(canary(ReleaseState.SUCCEEDED, null, 2, 100), false)).isEmpty();
    }

    @Test
    void marksTheStepTrafficIsOnAndTheOnesBehindIt() {
        assertThat(steps(canary(ReleaseState.PROGRESSING, null, 1, 25)))
                .containsExactly(Map.entry("step 1", "done"), Map.entry("step 2", "current"), Map.entry("step 3", "-"));
        assertThat(steps(canary(ReleaseState.DEPLOYING, null, 0, 0)))
                .containsExactly(Map.entry("step 1", "-"), Map.entry("step 2", "-"), Map.entry("step 3", "-"));
        assertThat(steps(canary(ReleaseState.SUCCEEDED, null, 2, 100)))
                .containsExactly(Map.entry("step 1", "done"), Map.entry("step 2", "done"), Map.entry("step 3", "done"));
        assertThat(steps(canary(ReleaseState.ROLLED_BACK, null, 1, 0)))
                .containsExactly(Map.entry("step 1", "-"), Map.entry("step 2", "-"), Map.entry("step 3", "-"));
    }

    @Test
    void splitsTrafficBetweenCandidateAndStable() {
        assertThat(ReleaseDetails.of(canary(ReleaseState.PROGRESSING, null, 1, 25), List.of(), List.of(), false, false)
                .stableWeight()).isEqualTo(75);
        ReleaseDetails rolledBack = ReleaseDetails.of(canary(ReleaseState.ROLLED_BACK, null, 1, 25), List.of(),
                List.of(), false, false);
        assertThat(rolledBack.candidateWeight()).isZero();
        assertThat(rolledBack.stableWeight()).isEqualTo(100);
    }

    @Test
    void readsConfigurationLinesAndNamesTheBadOne() {
        Map<String, String> errors = new LinkedHashMap<>();
        assertThat(StartReleaseController.parseConfig("# flags\nFEATURE_X = on\n\nLIMIT=a=b\n", errors))
                .containsExactly(Map.entry("FEATURE_X", "on"), Map.entry("LIMIT", "a=b"));
        assertThat(errors).isEmpty();
        assertThat(StartReleaseController.parseConfig("A=1\n=2", errors)).isEmpty();
        assertThat(errors).containsEntry("config", "line 2: expected KEY=VALUE");
    }

    @Test
    void blueGreenShowsWhichColourIsLiveAndWhenTheStandbyGoes() {
        var canaryTrack = dev.rollgate.controlplane.release.Track.CANARY;
        Release deploying = release(Plan.Strategy.BLUE_GREEN, List.of(100), canaryTrack, ReleaseState.DEPLOYING,
                null, 0, 0);
        Release switched = release(Plan.Strategy.BLUE_GREEN, List.of(100), canaryTrack, ReleaseState.PROGRESSING,
                null, 0, 100);
        Release done = release(Plan.Strategy.BLUE_GREEN, List.of(100), canaryTrack, ReleaseState.SUCCEEDED,
                null, 0, 100);

        ReleaseDetails before = ReleaseDetails.of(deploying, List.of(), List.of(), false, false);
        ReleaseDetails during = ReleaseDetails.of(switched, List.of(), List.of(), false, false);
        ReleaseDetails after = ReleaseDetails.of(done, List.of(), List.of(), false, false);

        // The previous version is live on the canary colour, so this release deploys into the stable one.
        assertThat(before.liveColour()).isEqualTo("canary (1.0.0)");
        assertThat(before.otherColour()).startsWith("stable (1.1.0): idle").contains("canary: true");
        assertThat(before.standbyUntil()).isNull();
        assertThat(during.liveColour()).isEqualTo("stable (1.1.0)");
        assertThat(during.otherColour()).startsWith("canary (1.0.0): standby");
        assertThat(during.standbyUntil()).isEqualTo(T0.plusSeconds(30));
        assertThat(after.otherColour()).isEqualTo("canary: standby scaled to zero");
        assertThat(after.standbyUntil()).isNull();
        assertThat(ReleaseDetails.of(canary(ReleaseState.PROGRESSING, null, 1, 25), List.of(), List.of(), false,
                false).blueGreen()).isFalse();
    }

    @Test
    void masksValuesOfSecretLookingKeysInTheConfiguration() {
        Release r = canary(ReleaseState.PROGRESSING, null, 1, 25);
        Release withConfig = new Release(r.id(), r.application(), r.environment(), new Revision("1.1.0", null,
                Map.of("FEATURE_X", "on", "db_password", "hunter2", "ApiToken", "t0k", "CLIENT_SECRET", "s",
                        "SIGNING_KEY", "k")), r.previous(), null, r.plan(), r.placement(), r.state(), null, 1, 25,
                T0, T0, 0, 0, false, false, r.startedBy(), T0, 0);
        assertThat(ReleaseDetails.of(withConfig, List.of(), List.of(), false, false).config()).containsExactly(
                Map.entry("ApiToken", "***"), Map.entry("CLIENT_SECRET", "***"), Map.entry("FEATURE_X", "on"),
                Map.entry("SIGNING_KEY", "***"), Map.entry("db_password", "***"));
    }

    @Test
    void showsTimeLeftInTheStepAndWhyAPausedReleaseWaits() {
        Release progressing = canary(ReleaseState.PROGRESSING, null, 1, 25);
        assertThat(ReleaseDetails.of(progressing, List.of(), List.of(), false, false, T0.plusSeconds(12)).timeLeft())
                .isEqualTo("18s");
        assertThat(ReleaseDetails.of(progressing, List.of(), List.of(), false, false, T0.plusSeconds(99)).timeLeft())
                .isEqualTo("0s");
        assertThat(ReleaseDetails.of(progressing, List.of(), List.of(), false, false, T0).pauseReason()).isNull();

        Release paused = canary(ReleaseState.PAUSED, ReleaseState.PROGRESSING, 1, 25);
        var events = List.of(
                stored(1, dev.rollgate.controlplane.release.ReleaseEvent.Type.PAUSED, "first pause"),
                stored(2, dev.rollgate.controlplane.release.ReleaseEvent.Type.RESUMED, "go on"),
                stored(3, dev.rollgate.controlplane.release.ReleaseEvent.Type.PAUSED, "gate inconclusive too long"));
        ReleaseDetails d = ReleaseDetails.of(paused, events, List.of(), false, false, T0.plusSeconds(5));
        assertThat(d.timeLeft()).isEqualTo("paused");
        assertThat(d.pauseReason()).isEqualTo("gate inconclusive too long");
        assertThat(ReleaseDetails.of(canary(ReleaseState.SUCCEEDED, null, 2, 100), events, List.of(), false, false,
                T0).timeLeft()).isNull();
    }

    private static dev.rollgate.controlplane.release.persistence.EventRepository.StoredEvent stored(int seq,
            dev.rollgate.controlplane.release.ReleaseEvent.Type type, String reason) {
        return new dev.rollgate.controlplane.release.persistence.EventRepository.StoredEvent(seq,
                new dev.rollgate.controlplane.release.ReleaseEvent(type, Actor.SYSTEM, reason, Map.of(), T0));
    }

    private static dev.rollgate.controlplane.analysis.Measurement reading(
            dev.rollgate.controlplane.policy.GateKind gate, String track, long bad, long total) {
        return new dev.rollgate.controlplane.analysis.Measurement(gate, track, 100.0 * bad / total, 5.0, bad, total,
                dev.rollgate.controlplane.analysis.GateMath.verdict(bad, total, 0.05, 50, 0.999), null, T0);
    }

    @Test
    void showsEachGateOfTheCandidateBesideStableWithTheComparisonsVerdict() {
        var errors = dev.rollgate.controlplane.policy.GateKind.ERROR_RATE;
        var health = dev.rollgate.controlplane.policy.GateKind.HEALTH;
        var latency = dev.rollgate.controlplane.policy.GateKind.LATENCY;
        List<dev.rollgate.controlplane.analysis.Measurement> ms = List.of(
                reading(errors, "canary", 12, 120), reading(errors, "stable", 19, 3800),
                reading(health, "canary", 0, 2000), reading(health, "stable", 0, 20000),
                reading(latency, "canary", 0, 100));

        ReleaseDetails d = ReleaseDetails.of(canary(ReleaseState.PROGRESSING, null, 0, 5), List.of(), ms, false, false,
                T0, new dev.rollgate.controlplane.policy.RelativePolicy(true, 0.01, 0.999));

        assertThat(d.gateRows()).extracting(r -> r.candidate().gate(), r -> r.stable() == null ? null
                        : r.stable().bad(), ReleaseDetails.GateRow::comparison, ReleaseDetails.GateRow::candidateWorse)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(errors, 19L, "worse than stable by more than 1.00 points",
                                true),
                        org.assertj.core.groups.Tuple.tuple(health, 0L, "within 1.00 points of stable", false),
                        org.assertj.core.groups.Tuple.tuple(latency, null, "no stable data: judged alone", false));
    }

    @Test
    void saysWhenTheCandidateIsNotComparedWithStable() {
        var errors = dev.rollgate.controlplane.policy.GateKind.ERROR_RATE;
        List<dev.rollgate.controlplane.analysis.Measurement> ms = List.of(
                reading(errors, "canary", 12, 120), reading(errors, "stable", 19, 3800));

        ReleaseDetails off = ReleaseDetails.of(canary(ReleaseState.PROGRESSING, null, 0, 5), List.of(), ms, false,
                false, T0, dev.rollgate.controlplane.policy.RelativePolicy.OFF);

        assertThat(off.gateRows()).singleElement().satisfies(r -> {
            assertThat(r.stable()).isNotNull();
            assertThat(r.comparison()).isEqualTo("not compared");
            assertThat(r.candidateWorse()).isFalse();
        });
    }
}
