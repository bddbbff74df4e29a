package dev.rollgate.controlplane.release.port;

/** Counts over a gate's window; {@code display} is the human value (error rate %, p99 ms), null if unknown. */
public record Sample(long bad, long total, Double display) {
    public Sample {
        if (bad < 0 || total < 0 || bad > total) {
            throw new IllegalArgumentException("sample needs 0 <= bad <= total, got " + bad + "/" + total);
        }
    }
}
