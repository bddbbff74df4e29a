package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.List;

/**
 * The environment's policy frozen into a release when it is created, so a configuration change never
 * alters a release mid-flight. Blue-green is one step of 100 % on the idle colour (the switch), held for the
 * rollback window with the old colour on standby. {@code restoreTimeout} bounds ROLLING_BACK.
 */
public record Plan(
        Strategy strategy,
        List<Integer> steps,
        Duration stepDuration,
        Duration inconclusiveGrace,
        int failureLimit,
        int errorLimit,
        Duration readyTimeout,
        Duration restoreTimeout,
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
}
