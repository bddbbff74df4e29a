package dev.rollgate.controlplane.policy;

/**
 * Candidate compared with stable on every proportion gate over the same window (see
 * {@link dev.rollgate.controlplane.analysis.RelativeMath}). {@code margin} is how much worse than stable the
 * candidate's share may be (0.01: one percentage point), {@code confidence} how sure the one-sided test must be.
 * Only where both tracks carry traffic: canary steps, never rolling nor blue-green.
 */
public record RelativePolicy(boolean enabled, double margin, double confidence) {

    public static final RelativePolicy OFF = new RelativePolicy(false, 0.01, 0.999);
}
