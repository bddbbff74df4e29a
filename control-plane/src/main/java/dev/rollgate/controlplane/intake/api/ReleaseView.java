package dev.rollgate.controlplane.intake.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.rollgate.controlplane.release.Release;

/**
 * A release as the API shows it; {@code step} counts from 1. {@code promotedByHand}: a person's promote skipped the
 * analysis still to run; {@code analysisSkipped}: that, or the release had no analysis at all (fast-path rollback,
 * bootstrap). Either way it does not count for an environment that requires analysis.
 */
public record ReleaseView(
        UUID id,
        String application,
        String environment,
        String version,
        String image,
        String commitSha,
        Map<String, String> config,
        String previousVersion,
        String strategy,
        List<Integer> steps,
        String state,
        String pausedFrom,
        int step,
        int weight,
        boolean analysis,
        boolean promotedByHand,
        boolean analysisSkipped,
        String startedBy,
        Instant createdAt,
        Instant stateChangedAt) {

    public static ReleaseView of(Release r) {
        return new ReleaseView(r.id(), r.application(), r.environment(), r.version(), r.candidate().image(),
                r.commitSha(), r.candidate().config(), r.previous() == null ? null : r.previous().version(),
                r.plan().strategy().name(), r.plan().steps(), r.state().name(),
                r.pausedFrom() == null ? null : r.pausedFrom().name(), r.step() + 1, r.weight(), r.plan().analysis(),
                r.promotedByHand(), r.analysisSkipped(), r.startedBy().toString(), r.createdAt(), r.stateChangedAt());
    }
}
