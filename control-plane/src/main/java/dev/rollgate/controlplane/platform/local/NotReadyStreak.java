package dev.rollgate.controlplane.platform.local;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides, from one new process's /ready answers, when it is ready and when to stop waiting for it. A process
 * that answers but keeps saying "not ready" (e.g. 503: a dependency it cannot reach) will not fix itself within
 * the release's ready timeout, so it fails after {@code limit} of consecutive not-ready answers, with what /ready
 * said. Silence (refused, timed out: a JVM still starting) is not an answer: it neither counts nor ends a run.
 * Pure: the time of each answer is passed in. Not thread-safe; one watch feeds it one answer at a time.
 */
final class NotReadyStreak {

    /** Where the watch stands after an answer. */
    enum Outcome { WAITING, READY, NOT_READY }

    private static final int MAX_BODY = 300;

    private final Duration limit;
    private Instant since;
    private ReadinessProbe.Answer last;
    private Duration lasted = Duration.ZERO;

    /** {@code limit} zero or negative: never give up here, only the release's ready timeout ends the wait. */
    NotReadyStreak(Duration limit) {
        this.limit = limit;
    }

    Outcome record(ReadinessProbe.Answer answer, Instant at) {
        if (answer.ready()) {
            since = null;
            return Outcome.READY;
        }
        if (!answer.answered()) {
            return Outcome.WAITING;
        }
        if (since == null) {
            since = at;
        }
        last = answer;
        lasted = Duration.between(since, at);
        return !limit.isNegative() && !limit.isZero() && lasted.compareTo(limit) >= 0 ? Outcome.NOT_READY : Outcome.WAITING;
    }

    /** "/ready answered 503 for 30 s: {body}", for the track's failure; only after {@link Outcome#NOT_READY}. */
    String describe() {
        if (last == null) {
            return "/ready never answered";
        }
        String body = last.body() == null ? "" : last.body().strip().replaceAll("\\s+", " ");
        if (body.length() > MAX_BODY) {
            body = body.substring(0, MAX_BODY) + "…";
        }
        return "/ready answered " + last.status() + " for " + lasted.toSeconds() + " s: "
                + (body.isEmpty() ? "(empty body)" : body);
    }
}
