package dev.rollgate.controlplane.release.port;

/**
 * What a track runs. {@code version} is the revision the ready replicas serve (null when none);
 * {@code failed} means the platform gave up on it, with {@code message} (e.g. the process's last log lines).
 */
public record TrackStatus(int desired, int ready, String version, boolean failed, String message) {

    public static TrackStatus absent() {
        return new TrackStatus(0, 0, null, false, null);
    }

    public boolean serves(String expectedVersion) {
        return desired > 0 && ready >= desired && expectedVersion != null && expectedVersion.equals(version);
    }

    public boolean scaledToZero() {
        return desired == 0 && ready == 0;
    }
}
