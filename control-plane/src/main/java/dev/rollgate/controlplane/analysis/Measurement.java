package dev.rollgate.controlplane.analysis;

import dev.rollgate.controlplane.policy.GateKind;

import java.time.Instant;

/**
 * One gate reading: the counts the verdict was computed from, the human-readable value (error rate %, p99 ms)
 * and, for ERROR, the provider's message in {@code detail}.
 */
public record Measurement(
        GateKind gate,
        String track,
        Double value,
        double threshold,
        long bad,
        long total,
        Verdict verdict,
        String detail,
        Instant at) {

    /** "error-rate 30.00 % > 5.00 % (3 of 10)" style summary for events and Slack. */
    public String describe() {
        String shown = value == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", value);
        return gate.id() + " " + shown + " " + gate.unit() + " vs threshold "
                + String.format(java.util.Locale.ROOT, "%.2f", threshold) + " " + gate.unit()
                + " (" + bad + " bad of " + total + ")" + (detail == null ? "" : ": " + detail);
    }
}
