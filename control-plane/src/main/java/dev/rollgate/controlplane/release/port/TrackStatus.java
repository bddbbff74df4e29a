package dev.rollgate.controlplane.release.port;

/**
 * What the platform observed of one track, never what was last asked of it.
 *
 * @param revision  {@code Revision.digest()} of what the track is set to run (a Deployment's template), null when
 *                  nothing is; a configuration-only change under the same version is a different revision
 * @param version   the version label of that revision, for people
 * @param desired   replicas asked for (0: the track is scaled to zero or absent)
 * @param updated   replicas running {@code revision}, ready or not
 * @param ready     replicas passing readiness, whatever they run
 * @param available replicas running {@code revision} that are ready (a rollout is complete when this reaches
 *                  {@code desired} and no other revision is left)
 * @param caughtUp  the platform has acted on the latest request (Kubernetes: observedGeneration ≥ generation);
 *                  counts from before that say nothing about the new revision
 * @param failure   the platform gave up on the track (crash loop, image pull, progress deadline), or null
 * @param message   what is happening, for people (e.g. "starting 1.2.0 on port 41234"), or null
 */
public record TrackStatus(String revision, String version, int desired, int updated, int ready, int available,
                          boolean caughtUp, Failure failure, String message) {

    /** The platform's own reason (e.g. {@code CrashLoopBackOff}) and message. */
    public record Failure(String reason, String message) {
    }

    /** Nothing runs on the track. */
    public static TrackStatus absent() {
        return new TrackStatus(null, null, 0, 0, 0, 0, true, null, null);
    }

    /** True only when every desired replica is updated to {@code expectedRevision} and available. */
    public boolean serves(String expectedRevision) {
        return caughtUp && failure == null && desired > 0 && expectedRevision != null
                && expectedRevision.equals(revision) && updated >= desired && available >= desired;
    }

    public boolean scaledToZero() {
        return caughtUp && desired == 0 && ready == 0 && available == 0;
    }

    public boolean failed() {
        return failure != null;
    }

    /** The failure's or the progress message, for events. */
    public String describe() {
        if (failure != null) {
            return failure.reason() + ": " + failure.message();
        }
        return message;
    }
}
