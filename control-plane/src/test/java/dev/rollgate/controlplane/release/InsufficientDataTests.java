package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.MachineFixtures.T0;
import static dev.rollgate.controlplane.release.MachineFixtures.driveTo;
import static dev.rollgate.controlplane.release.MachineFixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.MachineFixtures.Platform;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;

/** A step that cannot be judged pauses with what it saw, what it needed and what would unblock it. */
class InsufficientDataTests {

    private static final Duration WINDOW = Duration.ofSeconds(30);

    private static Measurement reading(GateKind gate, long bad, long total, long minSample, String moreTraffic) {
        return new Measurement(gate, "canary", total == 0 ? null : 100.0 * bad / total, 5.0, bad, total,
                Verdict.INCONCLUSIVE, null, T0, minSample, WINDOW, moreTraffic);
    }

    private static Measurement pass(GateKind gate) {
        return new Measurement(gate, "canary", 0.0, 5.0, 0, 400, Verdict.PASS, null, T0, 50, WINDOW, null);
    }

    private static ReleaseEvent pauseOn(List<Measurement> readings) {
        Platform platform = new Platform();
        Release progressing = driveTo(pending(Plan.Strategy.CANARY), ReleaseState.PROGRESSING, platform);
        Decision d = ReleaseMachine.observe(progressing,
                platform.see(progressing.stepStartedAt().plusSeconds(60), readings, null));
        assertThat(d.release().state()).isEqualTo(ReleaseState.PAUSED);
        assertThat(d.events()).singleElement().extracting(ReleaseEvent::type).isEqualTo(Type.PAUSED);
        return d.events().get(0);
    }

    @Test
    void aStarvedStepSaysWhatItSawAndNeededAtItsWeightAndHowToUnblockIt() {
        ReleaseEvent paused = pauseOn(List.of(reading(GateKind.ERROR_RATE, 0, 12, 50, null),
                reading(GateKind.LATENCY, 0, 12, 50, null), pass(GateKind.HEALTH)));

        assertThat(paused.reason())
                .startsWith("insufficient data at 5 % of traffic on 1.1.0: ")
                .contains("error-rate saw 12 requests in the last 30 s, needs 50")
                .contains("p99-latency saw 12 requests in the last 30 s, needs 50")
                .doesNotContain("health")
                .contains("To unblock: send more traffic to video-api in staging or lower"
                        + " rollgate.environments.staging.analysis.min-sample (now 50); then resume the release")
                .doesNotContain("synthetic");
        assertThat(paused.data()).containsEntry("weight", 5).extractingByKey("gates").asList()
                .containsExactly(Map.of("gate", "error-rate", "seen", 12L, "needed", 50L),
                        Map.of("gate", "p99-latency", "seen", 12L, "needed", 50L));
    }

    @Test
    void thePlatformsOwnWayToMoreTrafficIsOfferedWhenItHasOne() {
        String hint = "turn on the environment's synthetic load (rollgate.local.synthetic-load.staging, requests/s;"
                + " off now)";
        ReleaseEvent paused = pauseOn(List.of(reading(GateKind.ERROR_RATE, 0, 3, 50, hint), pass(GateKind.LATENCY),
                reading(GateKind.HEALTH, 0, 4, 10, hint)));

        assertThat(paused.reason())
                .contains("health saw 4 probes in the last 30 s, needs 10")
                .contains("lower rollgate.environments.staging.analysis.min-sample (now 50) or"
                        + " rollgate.environments.staging.analysis.health-min-sample (now 10) or " + hint)
                .containsOnlyOnce("synthetic load");
    }

    @Test
    void aShareAboveTheThresholdThatIsNotYetSignificantIsNotCalledTooFewSamples() {
        ReleaseEvent paused = pauseOn(List.of(reading(GateKind.ERROR_RATE, 4, 60, 50, "more load"),
                pass(GateKind.LATENCY), pass(GateKind.HEALTH)));

        assertThat(paused.reason())
                .contains("error-rate 6.67 % vs threshold 5.00 % (4 bad of 60): above the threshold, not yet significant")
                .doesNotContain("needs").doesNotContain("To unblock");
    }
}
