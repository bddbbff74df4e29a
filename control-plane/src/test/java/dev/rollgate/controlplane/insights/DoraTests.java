package dev.rollgate.controlplane.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.rollgate.controlplane.insights.Dora.Figures;
import dev.rollgate.controlplane.insights.Dora.Finished;
import dev.rollgate.controlplane.insights.Dora.Report;
import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseEvent.Type;
import dev.rollgate.controlplane.release.ReleaseState;

class DoraTests {

    /** Monday 2 November 2026 to Monday 23 November: three whole weeks. */
    private static final Instant FROM = at("2026-11-02T00:00:00Z");
    private static final Instant TO = at("2026-11-23T00:00:00Z");

    /** Week one has every kind of ending, week two none, week three a failure nothing has restored yet. */
    private static final List<Finished> HISTORY = List.of(
            succeeded("2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z", "2026-11-02T10:30:00Z"),
            succeeded(null, "2026-11-03T10:00:00Z", "2026-11-03T10:20:00Z"),
            rolledBack("2026-11-04T10:00:00Z",
                    event(Type.CREATED, "2026-11-04T10:00:00Z"),
                    event(Type.GATE_FAILED, "2026-11-04T10:05:00Z"),
                    event(Type.GATE_FAILED, "2026-11-04T10:06:00Z"),
                    event(Type.ROLLBACK_STARTED, "2026-11-04T10:06:00Z"),
                    event(Type.ROLLED_BACK, "2026-11-04T10:07:00Z")),
            ended(ReleaseState.FAILED, "2026-11-05T12:00:00Z"),
            succeeded("2026-11-05T12:00:00Z", "2026-11-05T12:30:00Z", "2026-11-05T13:00:00Z"),
            ended(ReleaseState.ABORTED, "2026-11-06T09:00:00Z"),
            ended(ReleaseState.FAILED, "2026-11-18T09:00:00Z"),
            succeeded(null, "2026-10-30T09:00:00Z", "2026-10-30T09:10:00Z"));

    @Test
    void countsTheFourFiguresOverTheReleasesThatEndedInThePeriod() {
        Figures f = Dora.compute(HISTORY, FROM, TO).overall();

        assertThat(f.finished()).isEqualTo(7);
        assertThat(f.succeeded()).isEqualTo(3);
        assertThat(f.deploymentsPerDay()).isCloseTo(3 / 21.0, within(1e-9));
        // lead times 5400 (from the commit), 1200 (no commit: from creation), 3600 (from the commit)
        assertThat(f.leadTimeMedianSeconds()).isEqualTo(3600);
        assertThat(f.leadTimeP90Seconds()).isEqualTo(5400);
        assertThat(f.leadTimesFromCreation()).isEqualTo(1);
        assertThat(f.failures()).isEqualTo(3);
        assertThat(f.changeFailureRate()).isCloseTo(3 / 7.0, within(1e-9));
        // the rollback: first gate trip 10:05 to traffic back 10:07; the first FAILED: 12:00 to the 13:00 success
        assertThat(f.restore().rollbacks()).isEqualTo(1);
        assertThat(f.restore().rollbackMedianSeconds()).isEqualTo(120);
        assertThat(f.restore().failed()).isEqualTo(1);
        assertThat(f.restore().failedMedianSeconds()).isEqualTo(3600);
        assertThat(f.restore().medianSeconds()).isEqualTo(120);
        assertThat(f.restore().p90Seconds()).isEqualTo(3600);
        assertThat(f.restore().unrestored()).isEqualTo(1);
    }

    @Test
    void splitsThePeriodIntoWeeksAndLeavesAnEmptyWeekWithoutFigures() {
        Report report = Dora.compute(HISTORY, FROM, TO);

        assertThat(report.weeks()).extracting(Dora.Week::start).containsExactly(LocalDate.parse("2026-11-02"),
                LocalDate.parse("2026-11-09"), LocalDate.parse("2026-11-16"));
        Figures first = report.weeks().get(0).figures();
        assertThat(first.succeeded()).isEqualTo(3);
        assertThat(first.deploymentsPerDay()).isCloseTo(3 / 7.0, within(1e-9));
        assertThat(first.changeFailureRate()).isCloseTo(2 / 6.0, within(1e-9));
        Figures empty = report.weeks().get(1).figures();
        assertThat(empty.finished()).isZero();
        assertThat(empty.deploymentsPerDay()).isZero();
        assertThat(empty.leadTimeMedianSeconds()).isNull();
        assertThat(empty.changeFailureRate()).isNull();
        assertThat(empty.restore().medianSeconds()).isNull();
        Figures last = report.weeks().get(2).figures();
        assertThat(last.changeFailureRate()).isEqualTo(1.0);
        assertThat(last.restore().unrestored()).isEqualTo(1);
    }

    @Test
    void aPeriodWithoutReleasesHasZeroDeploymentsAndNoOtherFigure() {
        Figures f = Dora.compute(List.of(), FROM, TO).overall();

        assertThat(f.finished()).isZero();
        assertThat(f.deploymentsPerDay()).isZero();
        assertThat(f.leadTimeMedianSeconds()).isNull();
        assertThat(f.leadTimeP90Seconds()).isNull();
        assertThat(f.changeFailureRate()).isNull();
        assertThat(f.restore().medianSeconds()).isNull();
        assertThat(f.restore().unrestored()).isZero();
    }

    @Test
    void aFailureIsRestoredByTheNextSuccessEvenAfterThePeriod() {
        List<Finished> history = List.of(ended(ReleaseState.FAILED, "2026-11-22T23:00:00Z"),
                succeeded(null, "2026-11-23T00:10:00Z", "2026-11-23T01:00:00Z"),
                succeeded(null, "2026-11-23T02:00:00Z", "2026-11-23T03:00:00Z"));

        Figures f = Dora.compute(history, FROM, TO).overall();

        assertThat(f.succeeded()).isZero();
        assertThat(f.restore().failedMedianSeconds()).isEqualTo(7200);
        assertThat(f.restore().unrestored()).isZero();
    }

    @Test
    void aRollbackAPersonStartedCountsFromItsStart() {
        Finished r = rolledBack("2026-11-04T10:00:00Z",
                event(Type.GATE_FAILED, "2026-11-04T10:01:00Z"),
                event(Type.STEP_ADVANCED, "2026-11-04T10:02:00Z"),
                event(Type.ROLLBACK_STARTED, "2026-11-04T10:10:00Z"),
                event(Type.ROLLED_BACK, "2026-11-04T10:10:30Z"));

        assertThat(Dora.compute(List.of(r), FROM, TO).overall().restore().rollbackMedianSeconds()).isEqualTo(30);
    }

    @Test
    void aPeriodStartingMidWeekCountsOnlyFromItsStart() {
        Instant thursday = at("2026-11-05T00:00:00Z");

        Report report = Dora.compute(HISTORY, thursday, at("2026-11-09T00:00:00Z"));

        assertThat(report.weeks()).singleElement().satisfies(w -> {
            assertThat(w.start()).isEqualTo(LocalDate.parse("2026-11-02"));
            assertThat(w.figures().finished()).isEqualTo(3);
            assertThat(w.figures().deploymentsPerDay()).isCloseTo(1 / 4.0, within(1e-9));
        });
    }

    @Test
    void refusesAPeriodThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> Dora.compute(List.of(), TO, FROM)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "p{1} of {0} is {2}")
    @CsvSource(delimiter = ';', value = {
            "7;50;7", "7;90;7", "1 2;50;1", "1 2;90;2", "1 2 3;50;2", "1 2 3 4 5 6 7 8 9 10;90;9",
            "1 2 3 4 5 6 7 8 9 10 11;90;10"})
    void takesTheNearestRankPercentile(String values, int p, long expected) {
        List<Long> sorted = Arrays.stream(values.split(" ")).map(Long::valueOf).toList();

        assertThat(Dora.percentile(sorted, p)).isEqualTo(expected);
    }

    private static Finished succeeded(String committed, String created, String ended) {
        return new Finished(UUID.randomUUID(), ReleaseState.SUCCEEDED, at(created),
                committed == null ? null : at(committed), at(ended), List.of());
    }

    private static Finished ended(ReleaseState state, String ended) {
        return new Finished(UUID.randomUUID(), state, at(ended).minusSeconds(600), null, at(ended), List.of());
    }

    private static Finished rolledBack(String created, ReleaseEvent... events) {
        return new Finished(UUID.randomUUID(), ReleaseState.ROLLED_BACK, at(created), null,
                events[events.length - 1].at(), List.of(events));
    }

    private static ReleaseEvent event(Type type, String at) {
        return new ReleaseEvent(type, Actor.SYSTEM, type.name(), Map.of(), at(at));
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
