package dev.rollgate.controlplane.policy;

import java.time.Duration;

/**
 * Where releases land, and the rules they follow there. {@code requires} is a prerequisite environment or null;
 * {@code restoreTimeout} bounds a rollback: past it the release ends FAILED and asks for a person.
 */
public record Environment(
        String name,
        String platform,
        String router,
        String metrics,
        String namespace,
        String branch,
        String requires,
        DeliveryPolicy policy,
        AnalysisPolicy analysis,
        Duration readyTimeout,
        Duration restoreTimeout) {
}
