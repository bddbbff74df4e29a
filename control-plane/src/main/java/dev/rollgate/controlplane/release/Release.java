package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.UUID;

/**
 * A release of one version of an application into one environment, as the state machine sees it.
 * {@code previous} is what stable ran when the release was created (null for a first release);
 * {@code lockVersion} is the optimistic lock checked on every write.
 */
public record Release(
        UUID id,
        String application,
        String environment,
        Revision candidate,
        Revision previous,
        String commitSha,
        Plan plan,
        ReleaseState state,
        ReleaseState pausedFrom,
        int step,
        int weight,
        Instant stepStartedAt,
        Instant stateChangedAt,
        int failures,
        int consecutiveErrors,
        boolean finalized,
        Actor startedBy,
        Instant createdAt,
        long lockVersion) {

    public String version() {
        return candidate.version();
    }

    Release moveTo(ReleaseState next, Instant now) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, next,
                next == ReleaseState.PAUSED ? pausedFrom : null, step, weight, stepStartedAt, now, failures,
                consecutiveErrors, next.active() ? false : finalized, startedBy, createdAt, lockVersion);
    }

    Release pausedFrom(ReleaseState from) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, state, from, step,
                weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, finalized, startedBy, createdAt,
                lockVersion);
    }

    Release atStep(int newStep, int newWeight, Instant startedAt) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, state, pausedFrom,
                newStep, newWeight, startedAt, stateChangedAt, failures, consecutiveErrors, finalized, startedBy,
                createdAt, lockVersion);
    }

    Release counting(int newFailures, int newConsecutiveErrors) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, state, pausedFrom,
                step, weight, stepStartedAt, stateChangedAt, newFailures, newConsecutiveErrors, finalized, startedBy,
                createdAt, lockVersion);
    }

    public Release markFinalized() {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, state, pausedFrom,
                step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, true, startedBy, createdAt,
                lockVersion);
    }

    public Release withLockVersion(long newLockVersion) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, state, pausedFrom,
                step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, finalized, startedBy,
                createdAt, newLockVersion);
    }
}
