package dev.rollgate.controlplane.release;

/**
 * Where a release runs, frozen when it is created so a configuration change never moves a release in flight:
 * the adapters its environment named then, the namespace, and {@code base}, the track the previous version is
 * live on (blue-green alternates colours, so it is not always {@link Track#STABLE}).
 */
public record Placement(String platform, String router, String metrics, String namespace, Track base) {

    public Placement {
        base = base == null ? Track.STABLE : base;
    }
}
