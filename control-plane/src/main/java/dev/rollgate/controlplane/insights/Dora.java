package dev.rollgate.controlplane.insights;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseMetrics;
import dev.rollgate.controlplane.release.ReleaseState;

/**
 * The four delivery figures of one application × environment over {@code [from, to)}, overall and by week (weeks
 * start on Monday, UTC). Pure: the caller reads the releases, this only counts. A release belongs to the period (and
 * to a week) by when it ended; a release ended after {@code to} is only looked at as the SUCCEEDED that restored a
 * FAILED one inside the period.
 */
public final class Dora {

    private static final double SECONDS_PER_DAY = 86_400;

    private Dora() {
    }

    /**
     * A release that has ended. {@code committedAt} is the pushed commit's time (null when no push carried one);
     * {@code events} are needed only for ROLLED_BACK releases (they hold the gate trip).
     */
    public record Finished(UUID id, ReleaseState state, Instant createdAt, Instant committedAt, Instant endedAt,
                           List<ReleaseEvent> events) {

        public Finished {
            events = events == null ? List.of() : List.copyOf(events);
        }

        boolean failure() {
            return state == ReleaseState.ROLLED_BACK || state == ReleaseState.FAILED;
        }
    }

    /** Durations in whole seconds; null where the period has nothing to measure. */
    public record Figures(int finished, int succeeded, int failures, double deploymentsPerDay,
                          Long leadTimeMedianSeconds, Long leadTimeP90Seconds, int leadTimesFromCreation,
                          Double changeFailureRate, Restore restore) {
    }

    /**
     * Time to restore, two ways: a rollback from its gate trip (or its start, when a person or a fault started it)
     * to traffic back on stable; a FAILED release from its end to the next SUCCEEDED one. {@code unrestored}: FAILED
     * releases no SUCCEEDED has followed yet.
     */
    public record Restore(Long medianSeconds, Long p90Seconds, int rollbacks, Long rollbackMedianSeconds,
                          Long rollbackP90Seconds, int failed, Long failedMedianSeconds, Long failedP90Seconds,
                          int unrestored) {
    }

    public record Week(LocalDate start, Figures figures) {
    }

    public record Report(Instant from, Instant to, Figures overall, List<Week> weeks) {
    }

    public static Report compute(List<Finished> releases, Instant from, Instant to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("period ends before it starts: " + from + " > " + to);
        }
        List<Finished> all = releases.stream().filter(r -> r.state().terminal())
                .sorted(Comparator.comparing(Finished::endedAt)).toList();
        List<Week> weeks = new ArrayList<>();
        LocalDate monday = from.atZone(ZoneOffset.UTC).toLocalDate()
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        for (Instant start = monday.atStartOfDay(ZoneOffset.UTC).toInstant(); start.isBefore(to);
             start = start.plus(Duration.ofDays(7))) {
            Instant weekFrom = start.isBefore(from) ? from : start;
            Instant end = start.plus(Duration.ofDays(7));
            Instant weekTo = end.isAfter(to) ? to : end;
            weeks.add(new Week(start.atZone(ZoneOffset.UTC).toLocalDate(), figures(all, weekFrom, weekTo)));
        }
        return new Report(from, to, figures(all, from, to), weeks);
    }

    private static Figures figures(List<Finished> all, Instant from, Instant to) {
        List<Finished> in = all.stream().filter(r -> !r.endedAt().isBefore(from) && r.endedAt().isBefore(to)).toList();
        List<Finished> succeeded = in.stream().filter(r -> r.state() == ReleaseState.SUCCEEDED).toList();
        int failures = (int) in.stream().filter(Finished::failure).count();
        List<Long> leadTimes = succeeded.stream()
                .map(r -> seconds(r.committedAt() != null ? r.committedAt() : r.createdAt(), r.endedAt()))
                .sorted().toList();
        int fromCreation = (int) succeeded.stream().filter(r -> r.committedAt() == null).count();
        double days = Duration.between(from, to).toMillis() / 1000.0 / SECONDS_PER_DAY;
        return new Figures(in.size(), succeeded.size(), failures, days == 0 ? 0 : succeeded.size() / days,
                percentile(leadTimes, 50), percentile(leadTimes, 90), fromCreation,
                in.isEmpty() ? null : (double) failures / in.size(), restore(all, in));
    }

    private static Restore restore(List<Finished> all, List<Finished> in) {
        List<Long> rollbacks = new ArrayList<>();
        List<Long> failed = new ArrayList<>();
        int unrestored = 0;
        for (Finished r : in) {
            if (r.state() == ReleaseState.ROLLED_BACK) {
                ReleaseEvent cause = ReleaseMetrics.rollbackCause(r.events());
                if (cause != null) {
                    rollbacks.add(seconds(cause.at(), rolledBackAt(r)));
                }
            } else if (r.state() == ReleaseState.FAILED) {
                Optional<Finished> next = all.stream()
                        .filter(o -> o.state() == ReleaseState.SUCCEEDED && o.endedAt().isAfter(r.endedAt()))
                        .findFirst();
                if (next.isPresent()) {
                    failed.add(seconds(r.endedAt(), next.get().endedAt()));
                } else {
                    unrestored++;
                }
            }
        }
        List<Long> both = new ArrayList<>(rollbacks);
        both.addAll(failed);
        both.sort(null);
        rollbacks.sort(null);
        failed.sort(null);
        return new Restore(percentile(both, 50), percentile(both, 90), rollbacks.size(), percentile(rollbacks, 50),
                percentile(rollbacks, 90), failed.size(), percentile(failed, 50), percentile(failed, 90), unrestored);
    }

    private static Instant rolledBackAt(Finished r) {
        return r.events().stream().filter(e -> e.type() == ReleaseEvent.Type.ROLLED_BACK)
                .map(ReleaseEvent::at).reduce((first, last) -> last).orElse(r.endedAt());
    }

    /** Nearest rank: the smallest value at least {@code p}% of the values are at or below (no interpolation). */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }
}
