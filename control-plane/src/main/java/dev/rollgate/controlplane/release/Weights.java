package dev.rollgate.controlplane.release;

/**
 * Percent of traffic per track (always sums to 100), and the track that requests carrying {@code canary: true}
 * reach whatever the weights ({@code preview}; null: none). The preview is how a blue-green idle colour is
 * smoke-tested and how a tester reaches a canary before it has traffic.
 */
public record Weights(int stable, int canary, Track preview) {

    public static final Weights ALL_STABLE = new Weights(100, 0);

    public Weights {
        if (stable < 0 || canary < 0 || stable + canary != 100) {
            throw new IllegalArgumentException("weights must be >= 0 and sum to 100, got " + stable + "/" + canary);
        }
    }

    public Weights(int stable, int canary) {
        this(stable, canary, null);
    }

    public static Weights canary(int canaryPercent) {
        return new Weights(100 - canaryPercent, canaryPercent);
    }

    /** Everything on {@code track}. */
    public static Weights all(Track track) {
        return track == Track.STABLE ? ALL_STABLE : new Weights(0, 100);
    }

    /** {@code percent} on {@code track}, the rest on the other one. */
    public static Weights toward(Track track, int percent) {
        return track == Track.CANARY ? new Weights(100 - percent, percent) : new Weights(percent, 100 - percent);
    }

    public int of(Track track) {
        return track == Track.STABLE ? stable : canary;
    }

    public Weights withPreview(Track track) {
        return new Weights(stable, canary, track);
    }
}
