package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.List;

/**
 * The environment's policy frozen into a release when it is created, so a configuration change never
 * alters a release mid-flight. Blue-green is a canary with the single step 100 held for the rollback window.
 */
public record Plan(
        Strategy strategy,
        List<Integer> steps,
        Duration stepDuration,
        Duration inconclusiveGrace,
        int failureLimit,
        int errorLimit,
        Duration readyTimeout,
        boolean analysis,
        boolean smoke) {

    public enum Strategy {
        CANARY, BLUE_GREEN, ROLLING;

        /** Canary and blue-green run the candidate beside stable; rolling replaces stable in place. */
        public boolean sideBySide() {
            return this != ROLLING;
        }
    }

    public Plan {
        steps = List.copyOf(steps);
    }

    public Track candidateTrack() {
        return strategy.sideBySide() ? Track.CANARY : Track.STABLE;
    }
}
