package dev.rollgate.controlplane.platform.local;

import static dev.rollgate.controlplane.platform.local.NotReadyStreak.Outcome.NOT_READY;
import static dev.rollgate.controlplane.platform.local.NotReadyStreak.Outcome.READY;
import static dev.rollgate.controlplane.platform.local.NotReadyStreak.Outcome.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class NotReadyStreakTests {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ReadinessProbe.Answer OUT = new ReadinessProbe.Answer(503, "{\"status\":\"OUT_OF_SERVICE\"}");
    private static final ReadinessProbe.Answer OK = new ReadinessProbe.Answer(200, "{\"status\":\"UP\"}");

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void givesUpAfterTheLimitOfConsecutiveNotReadyAnswersWithWhatReadSaid() {
        NotReadyStreak streak = new NotReadyStreak(Duration.ofSeconds(30));

        assertThat(streak.record(OUT, at(0))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(29))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(30))).isEqualTo(NOT_READY);
        assertThat(streak.describe()).isEqualTo("/ready answered 503 for 30 s: {\"status\":\"OUT_OF_SERVICE\"}");
    }

    @Test
    void aReadyAnswerEndsTheRunSoTheNextNotReadyStartsCountingAgain() {
        NotReadyStreak streak = new NotReadyStreak(Duration.ofSeconds(30));
        streak.record(OUT, at(0));
        streak.record(OUT, at(25));

        assertThat(streak.record(OK, at(26))).isEqualTo(READY);
        assertThat(streak.record(OUT, at(27))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(56))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(57))).isEqualTo(NOT_READY);
    }

    @Test
    void silenceFromAStartingProcessIsNoAnswerAndNeverFailsIt() {
        NotReadyStreak streak = new NotReadyStreak(Duration.ofSeconds(30));

        for (long s = 0; s <= 120; s += 10) {
            assertThat(streak.record(ReadinessProbe.Answer.NONE, at(s))).isEqualTo(WAITING);
        }
        // The run starts with the first real answer, not when the process was started.
        assertThat(streak.record(OUT, at(121))).isEqualTo(WAITING);
        assertThat(streak.record(ReadinessProbe.Answer.NONE, at(140))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(151))).isEqualTo(NOT_READY);
    }

    @Test
    void aZeroLimitLeavesTheWaitToTheReleasesReadyTimeout() {
        NotReadyStreak streak = new NotReadyStreak(Duration.ZERO);

        assertThat(streak.record(OUT, at(0))).isEqualTo(WAITING);
        assertThat(streak.record(OUT, at(3600))).isEqualTo(WAITING);
    }

    @Test
    void aLongBodyIsCutAndAnEmptyOneSaysSo() {
        NotReadyStreak longBody = new NotReadyStreak(Duration.ofSeconds(1));
        longBody.record(new ReadinessProbe.Answer(503, "x".repeat(5000)), at(0));
        longBody.record(new ReadinessProbe.Answer(503, "x".repeat(5000)), at(1));
        NotReadyStreak empty = new NotReadyStreak(Duration.ofSeconds(1));
        empty.record(new ReadinessProbe.Answer(500, ""), at(0));
        empty.record(new ReadinessProbe.Answer(500, ""), at(2));

        assertThat(longBody.describe()).hasSizeLessThan(400).endsWith("…");
        assertThat(empty.describe()).isEqualTo("/ready answered 500 for 2 s: (empty body)");
    }
}
