package dev.rollgate.controlplane.release;

import static dev.rollgate.controlplane.release.ReleaseMachine.event;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.rollgate.controlplane.release.ReleaseEvent.Type;

/**
 * The machine's answer to a port call that failed. Permanent: the release ends (FAILED before traffic moved,
 * ROLLING_BACK after, FAILED with "manual action needed" when the rollback itself is refused). Transient: counted;
 * {@code errorLimit} in a row pause the release with the reason; a rollback keeps trying until its deadline.
 */
final class AdapterFaults {

    /** States whose platform work can wait for a person to resume it. */
    private static final Set<ReleaseState> PAUSABLE =
            EnumSet.of(ReleaseState.PENDING, ReleaseState.DEPLOYING, ReleaseState.PROGRESSING, ReleaseState.PROMOTING);

    private AdapterFaults() {
    }

    static Decision handle(Release release, AdapterError error, Instant now) {
        ReleaseState state = release.state();
        if (state == ReleaseState.PAUSED) {
            // A paused release waits for a person; the fault will be seen again once it runs.
            return Decision.unchanged(release);
        }
        if (state == ReleaseState.ROLLING_BACK) {
            if (error.permanent()) {
                return restoreFailed(release, "the platform refused the rollback: " + error.describe(), now);
            }
            if (restoreOverdue(release, now)) {
                return restoreFailed(release, "previous version not restored within "
                        + release.plan().restoreTimeout().toSeconds() + " s: " + error.describe(), now);
            }
            return Decision.unchanged(release.counting(release.failures(), release.consecutiveErrors() + 1));
        }
        Map<String, Object> data = Map.of("operation", error.operation(), "permanent", error.permanent());
        if (error.permanent()) {
            boolean trafficUntouched = state == ReleaseState.PENDING
                    || (state == ReleaseState.DEPLOYING && release.plan().strategy().sideBySide());
            if (trafficUntouched) {
                return ReleaseMachine.transition(release, ReleaseState.FAILED, now,
                        event(Type.FAILED, Actor.SYSTEM, error.describe(), now, data));
            }
            return ReleaseMachine.rollback(release, Actor.SYSTEM, error.describe(), now, List.of());
        }
        int consecutive = release.consecutiveErrors() + 1;
        Release counted = release.counting(release.failures(), consecutive);
        if (consecutive >= release.plan().errorLimit() && PAUSABLE.contains(state)) {
            return ReleaseMachine.transition(counted.pausedFrom(state), ReleaseState.PAUSED, now,
                    event(Type.PAUSED, Actor.SYSTEM, "platform failed " + consecutive + " times in a row: "
                            + error.describe(), now, Map.of("errors", consecutive, "operation", error.operation())));
        }
        return Decision.unchanged(counted);
    }

    static boolean restoreOverdue(Release release, Instant now) {
        return Duration.between(release.stateChangedAt(), now).compareTo(release.plan().restoreTimeout()) > 0;
    }

    /** A previous version that cannot come back must not hold the target for ever: a person takes over. */
    static Decision restoreFailed(Release release, String why, Instant now) {
        String to = release.previous() == null ? "no version" : release.previous().version();
        return ReleaseMachine.handOver(release, ReleaseState.FAILED, now, event(Type.FAILED, Actor.SYSTEM,
                "manual action needed: rollback to " + to + " did not complete: " + why, now,
                Map.of("manualActionNeeded", true)));
    }
}
