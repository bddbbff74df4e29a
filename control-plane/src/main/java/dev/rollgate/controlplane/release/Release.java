package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.UUID;

/**
 * A release of one version of an application into one environment, as the state machine sees it.
 * {@code previous} is what stable ran when the release was created (null for a first release);
 * {@code promotedByHand}: a person's promote ended its analysis early; {@code lockVersion} is the optimistic lock
 * checked on every write.
 */
public record Release(
        UUID id,
        String application,
        String environment,
        Revision candidate,
        Revision previous,
        String commitSha,
        Plan plan,
        Placement placement,
        ReleaseState state,
        ReleaseState pausedFrom,
        int step,
        int weight,
        Instant stepStartedAt,
        Instant stateChangedAt,
        int failures,
        int consecutiveErrors,
        boolean finalized,
        boolean promotedByHand,
        Actor startedBy,
        Instant createdAt,
        long lockVersion) {

    public String version() {
        return candidate.version();
    }

    /**
     * Whether this release did not (or will not) run its whole analysis: its plan has none (fast-path rollback,
     * bootstrap), or a person promoted it before the gates had finished.
     */
    public boolean analysisSkipped() {
        return !plan.analysis() || promotedByHand;
    }

    /** The track {@code previous} is live on. */
    public Track baseTrack() {
        return placement.base();
    }

    /** Canary and blue-green run the candidate on the other track; rolling replaces the base in place. */
    public Track candidateTrack() {
        return plan.strategy().sideBySide() ? placement.base().other() : placement.base();
    }

    /** Where this release's version is live once it has SUCCEEDED: blue-green leaves it on its own colour. */
    public Track liveTrackWhenSucceeded() {
        return plan.strategy() == Plan.Strategy.BLUE_GREEN ? candidateTrack() : baseTrack();
    }

    Release moveTo(ReleaseState next, Instant now) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, next,
                next == ReleaseState.PAUSED ? pausedFrom : null, step, weight, stepStartedAt, now, failures,
                consecutiveErrors, next.active() ? false : finalized, promotedByHand, startedBy, createdAt,
                lockVersion);
    }

    Release pausedFrom(ReleaseState from) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state, from,
                step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, finalized, promotedByHand,
                startedBy, createdAt, lockVersion);
    }

    Release atStep(int newStep, int newWeight, Instant startedAt) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state,
                pausedFrom, newStep, newWeight, startedAt, stateChangedAt, failures, consecutiveErrors, finalized,
                promotedByHand, startedBy, createdAt, lockVersion);
    }

    Release counting(int newFailures, int newConsecutiveErrors) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state,
                pausedFrom, step, weight, stepStartedAt, stateChangedAt, newFailures, newConsecutiveErrors, finalized,
                promotedByHand, startedBy, createdAt, lockVersion);
    }

    /** A person's promote skips whatever analysis was left: the release is marked so for good. */
    Release markPromotedByHand() {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state,
                pausedFrom, step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, finalized, true,
                startedBy, createdAt, lockVersion);
    }

    public Release markFinalized() {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state,
                pausedFrom, step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, true,
                promotedByHand, startedBy, createdAt, lockVersion);
    }

    public Release withLockVersion(long newLockVersion) {
        return new Release(id, application, environment, candidate, previous, commitSha, plan, placement, state,
                pausedFrom, step, weight, stepStartedAt, stateChangedAt, failures, consecutiveErrors, finalized,
                promotedByHand, startedBy, createdAt, newLockVersion);
    }
}
