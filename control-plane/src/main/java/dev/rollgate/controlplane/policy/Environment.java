package dev.rollgate.controlplane.policy;

import java.time.Duration;

/**
 * Where releases land, and the rules they follow there. {@code requires} is a prerequisite environment or null: a
 * revision must have SUCCEEDED there first, and with {@code requiresAnalysis} only by passing its analysis (not
 * promoted by hand, not a fast-path rollback or bootstrap). {@code restoreTimeout} bounds a rollback: past it the
 * release ends FAILED and asks for a person.
 */
public record Environment(
        String name,
        String platform,
        String router,
        String metrics,
        String namespace,
        String branch,
        String requires,
        boolean requiresAnalysis,
        DeliveryPolicy policy,
        AnalysisPolicy analysis,
        Duration readyTimeout,
        Duration restoreTimeout) {
}
