package dev.rollgate.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;
import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.Placement;
import dev.rollgate.controlplane.release.Plan;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.web.ReleasePageController.ChartData;
import dev.rollgate.controlplane.web.ReleasePageController.Point;

class ChartDataTests {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00.250Z");

    private static Release release(Plan.Strategy strategy, Track base) {
        Plan plan = new Plan(strategy, List.of(100), Duration.ofSeconds(30), Duration.ofSeconds(30), 0, 4,
                Duration.ofMinutes(2), Duration.ofMinutes(5), true, true);
        return new Release(UUID.randomUUID(), "video-api", "staging", new Revision("1.1.0", null, Map.of()),
                new Revision("1.0.0", null, Map.of()), null, plan, new Placement("local", "local", "builtin", "default",
                base), ReleaseState.PROGRESSING, null, 0, 100, T0, T0, 0, 0, false, false,
                new Actor(Actor.Kind.CONSOLE, "alice"), T0, 0);
    }

    private static Measurement m(GateKind gate, String track, double value, Instant at) {
        return new Measurement(gate, track, value, 5.0, 1, 100, Verdict.PASS, null, at);
    }

    @Test
    void drawsCandidateAndStableWithTheirValuesInEpochSecondsAndTheGatesInFixedOrder() {
        ChartData data = ChartData.of(release(Plan.Strategy.CANARY, Track.STABLE), List.of(
                m(GateKind.LATENCY, "canary", 120, T0),
                m(GateKind.ERROR_RATE, "canary", 1.5, T0),
                m(GateKind.ERROR_RATE, "stable", 0.5, T0.plusMillis(3)),
                m(GateKind.SMOKE, "canary", 0, T0)));

        assertThat(data.gates().keySet()).containsExactly("error-rate", "p99-latency");
        assertThat(data.gates().get("error-rate").points()).containsExactly(
                new Point(T0.getEpochSecond(), "candidate", 1.5), new Point(T0.getEpochSecond(), "stable", 0.5));
        assertThat(data.gates().get("error-rate").unit()).isEqualTo("%");
    }

    @Test
    void namesBlueGreenPointsByRoleWhicheverColourTheCandidateRunsOn() {
        // Previous version live on canary: this release's candidate runs on the stable colour.
        ChartData data = ChartData.of(release(Plan.Strategy.BLUE_GREEN, Track.CANARY), List.of(
                m(GateKind.ERROR_RATE, "stable", 2.0, T0), m(GateKind.ERROR_RATE, "canary", 0.1, T0)));
        assertThat(data.gates().get("error-rate").points()).extracting(Point::role, Point::v)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("candidate", 2.0),
                        org.assertj.core.groups.Tuple.tuple("stable", 0.1));
    }
}
