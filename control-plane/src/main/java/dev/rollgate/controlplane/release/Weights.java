package dev.rollgate.controlplane.release;

/** Percent of traffic per track; always sums to 100. */
public record Weights(int stable, int canary) {

    public static final Weights ALL_STABLE = new Weights(100, 0);

    public Weights {
        if (stable < 0 || canary < 0 || stable + canary != 100) {
            throw new IllegalArgumentException("weights must be >= 0 and sum to 100, got " + stable + "/" + canary);
        }
    }

    public static Weights canary(int canaryPercent) {
        return new Weights(100 - canaryPercent, canaryPercent);
    }
}
