package dev.rollgate.controlplane.policy;

import java.time.Duration;

/** Where releases land, and the rules they follow there. {@code requires} is a prerequisite environment or null. */
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
        Duration readyTimeout) {
}
