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

    /** Releases stored before placement was frozen have none recorded: they run where the environment says now. */
    public Placement completedBy(Placement current) {
        return new Placement(platform == null ? current.platform() : platform,
                router == null ? current.router() : router, metrics == null ? current.metrics() : metrics,
                namespace == null ? current.namespace() : namespace, base);
    }
}
