package dev.rollgate.controlplane.bench.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.bench.detection.BaselineRules.Status;
import dev.rollgate.controlplane.bench.detection.Scenario.Profile;
import dev.rollgate.controlplane.bench.detection.SimulatedTraffic.Second;
import dev.rollgate.controlplane.bench.detection.SimulatedTraffic.Series;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.Target;

/** The detection benchmark's simulation, so a broken one is caught by the normal suite and not by odd figures. */
class DetectionSimulationTests {

    private static final List<Integer> STEPS = List.of(5, 25, 50);
    private static final Target TARGET = new Target("video-api", "production", "video-production");

    @Test
    void providerAnswersWithTheCountsOfTheGatesWindowOnTheAskedTrack() {
        SimulatedTraffic traffic = new SimulatedTraffic(100);
        for (int s = 1; s <= 40; s++) {
            // Seconds 1-10 carry 5 errors each, later ones 1: a window that leaked past its start would show it.
            traffic.record(new Second(10, s <= 10 ? 5 : 1, s == 40 ? 3 : 0, 1), new Second(90, 0, 0, 1));
        }
        SimClock clock = new SimClock(Simulation.START.plusSeconds(40));
        SimulatedMetrics metrics = new SimulatedMetrics(traffic, clock, Simulation.START);

        assertThat(sample(metrics, Track.CANARY, GateKind.ERROR_RATE, null)).isEqualTo(new Sample(30, 300, null));
        assertThat(sample(metrics, Track.CANARY, GateKind.LATENCY, SimulatedMetrics.SLOW))
                .isEqualTo(new Sample(3, 300, null));
        assertThat(sample(metrics, Track.CANARY, GateKind.HEALTH, null)).isEqualTo(new Sample(0, 30, null));
        assertThat(sample(metrics, Track.STABLE, GateKind.ERROR_RATE, null)).isEqualTo(new Sample(0, 2_700, null));

        clock.advance(Duration.ofSeconds(-25));
        assertThat(sample(metrics, Track.CANARY, GateKind.ERROR_RATE, null)).isEqualTo(new Sample(55, 150, null));
    }

    @Test
    void providerRefusesALatencyThresholdTheSimulationDoesNotModel() {
        SimulatedTraffic traffic = new SimulatedTraffic(10);
        traffic.record(new Second(1, 0, 1, 1), Second.NONE);
        SimulatedMetrics metrics = new SimulatedMetrics(traffic, new SimClock(Simulation.START.plusSeconds(1)),
                Simulation.START);

        assertThatThrownBy(() -> sample(metrics, Track.CANARY, GateKind.LATENCY, Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("500 ms");
    }

    @Test
    void flaggerRollsBackOnTheFifthFailedCheckHoldingTheFirstWeight() {
        List<String> trail = script(new BaselineRules.Flagger(5, STEPS), 400, s -> new Second(10, 1, 0, 1));

        assertThat(trail).containsExactly("60:5", "120:5", "180:5", "240:5", "300:ROLLED_BACK");
    }

    @Test
    void flaggerWithThresholdTwoRollsBackOnTheSecondFailedCheckEvenAfterAPassingOne() {
        // Minute 2 passes and advances the weight; failed checks are not reset by it.
        List<String> trail = script(new BaselineRules.Flagger(2, STEPS), 400,
                s -> s > 60 && s <= 120 ? new Second(100, 0, 0, 1) : new Second(100, 2, 0, 1));

        assertThat(trail).containsExactly("60:5", "120:25", "180:ROLLED_BACK");
    }

    @Test
    void flaggerFailsAMinuteWithoutDataAndOneWithASlowP99() {
        List<String> empty = script(new BaselineRules.Flagger(2, STEPS), 400, s -> Second.NONE);
        List<String> slow = script(new BaselineRules.Flagger(2, STEPS), 400, s -> new Second(100, 0, s == 30 ? 61 : 0, 1));

        assertThat(empty).containsExactly("60:5", "120:ROLLED_BACK");
        // 61 slow of the first minute's 6,000 puts its p99 over 500 ms; the later minutes have none.
        assertThat(slow).containsExactly("60:5", "120:25", "180:50", "240:PROMOTED");
    }

    @Test
    void flaggerPromotesAHealthyCanaryAfterAPassingCheckAtTheLastWeight() {
        List<String> trail = script(new BaselineRules.Flagger(5, STEPS), 400, s -> new Second(100, 1, 1, 1));

        assertThat(trail).containsExactly("60:25", "120:50", "180:PROMOTED");
    }

    @Test
    void argoAbortsWhenFailuresExceedThreeAndNotBefore() {
        BaselineRules.Argo argo = new BaselineRules.Argo(STEPS);
        List<String> trail = script(argo, 2_000, s -> new Second(20, 2, 0, 1));

        // Measurements at 300, 600, 900 fail without aborting; the fourth, at 1,200 s, aborts.
        assertThat(trail).containsExactly("300:5", "600:25", "900:25", "1200:ROLLED_BACK");
        assertThat(argo.failedMeasurements()).isEqualTo(4);
    }

    @Test
    void argoPromotesAtTheEndOfTheLastPauseWhenErrorsStayAtFivePercent() {
        List<String> trail = script(new BaselineRules.Argo(STEPS), 2_000, s -> new Second(20, 1, 5, 1));

        assertThat(trail).containsExactly("300:5", "600:25", "900:25", "1200:50", "1500:50", "1800:PROMOTED");
    }

    @Test
    void simulationSendsTheProfilesRateAndTheScenariosShares() {
        Simulation sim = new Simulation(new Scenario("test", 0.2, 0.1, 0.5, true),
                new Profile("busy", 100, 0), 7, 4_000);
        for (int s = 0; s < 4_000; s++) {
            sim.advance(25);
        }
        SimulatedTraffic t = sim.traffic();
        double canary = t.sum(Track.CANARY, Series.TOTAL, 4_000, 4_000);
        double stable = t.sum(Track.STABLE, Series.TOTAL, 4_000, 4_000);

        assertThat(canary / 4_000).isCloseTo(25, within(0.5));
        assertThat(stable / 4_000).isCloseTo(75, within(0.8));
        assertThat(t.sum(Track.CANARY, Series.ERRORS, 4_000, 4_000) / canary).isCloseTo(0.2, within(0.01));
        assertThat(t.sum(Track.CANARY, Series.SLOW, 4_000, 4_000) / canary).isCloseTo(0.1, within(0.01));
        assertThat(t.sum(Track.STABLE, Series.ERRORS, 4_000, 4_000) / stable).isCloseTo(0.5, within(0.01));
        assertThat(sim.firstBad()).isBetween(0.0, 1.0);
        assertThat(sim.clock().instant()).isEqualTo(Simulation.START.plusSeconds(4_000));
    }

    @Test
    void theRealMachineRollsBackABrokenCanaryWithinItsFirstSecondsAndPromotesAHealthyOne() throws IOException {
        Environment production = DetectionBench.shippedPolicies().environment("production").orElseThrow();
        Profile busy = new Profile("busy", 100, 0);

        Outcome broken = RollgateTrial.run(production, new Simulation(new Scenario("broken", 1, 0, 0, true), busy,
                1, 3_601), 3_600);
        Outcome healthy = RollgateTrial.run(production, new Simulation(new Scenario("fine", 0, 0, 0, false), busy,
                1, 3_601), 3_600);

        assertThat(broken.result()).isEqualTo(Outcome.Result.ROLLED_BACK);
        assertThat(broken.toStable()).isBetween(0.0, 3.0);
        assertThat(healthy.result()).isEqualTo(Outcome.Result.PROMOTED);
    }

    @Test
    void theRealMachinePausesACanaryThatNeverGetsTheMinimumSample() throws IOException {
        Environment production = DetectionBench.shippedPolicies().environment("production").orElseThrow();

        Outcome quiet = RollgateTrial.run(production, new Simulation(new Scenario("fine", 0, 0, 0, false),
                new Profile("quiet", 20, 1), 1, 3_601), 3_600);

        assertThat(quiet.result()).isEqualTo(Outcome.Result.PAUSED);
    }

    /** Feeds the rule one scripted second at a time; records "second:weight" at each check, or how it ended. */
    private static List<String> script(BaselineRules.Rule rule, int seconds, LongFunction<Second> canary) {
        SimulatedTraffic traffic = new SimulatedTraffic(seconds);
        List<String> trail = new ArrayList<>();
        for (long s = 1; s <= seconds; s++) {
            traffic.record(canary.apply(s), Second.NONE);
            Status status = rule.check(s, traffic);
            boolean checked = s % (rule instanceof BaselineRules.Argo ? BaselineRules.Argo.INTERVAL
                    : BaselineRules.Flagger.INTERVAL) == 0;
            if (status != Status.RUNNING) {
                trail.add(s + ":" + status);
                return trail;
            }
            if (checked) {
                trail.add(s + ":" + rule.weight());
            }
        }
        return trail;
    }

    private static Sample sample(SimulatedMetrics metrics, Track track, GateKind gate, Duration latency) {
        return metrics.sample(new GateQuery(TARGET, track, "1.1.0", gate, Duration.ofSeconds(30), latency)).block();
    }
}
