package dev.rollgate.controlplane.analysis;

import dev.rollgate.controlplane.policy.GateKind;

import java.time.Duration;
import java.time.Instant;

/**
 * One gate reading: the counts the verdict was computed from, the human-readable value (error rate %, p99 ms)
 * and, for ERROR, the provider's message in {@code detail}.
 *
 * <p>{@code minSample} and {@code window} are what a PASS needed when the reading was taken, and
 * {@code moreTraffic} how the platform could send the track more traffic (null when it has no way of its own):
 * enough for the machine to say why a step waits and what would unblock it without knowing any platform. They
 * are known only at evaluation time; a reading read back from storage has 0, null and null.
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
        Instant at,
        long minSample,
        Duration window,
        String moreTraffic) {

    public Measurement(GateKind gate, String track, Double value, double threshold, long bad, long total,
                       Verdict verdict, String detail, Instant at) {
        this(gate, track, value, threshold, bad, total, verdict, detail, at, 0, null, null);
    }

    public Measurement withMoreTraffic(String hint) {
        return new Measurement(gate, track, value, threshold, bad, total, verdict, detail, at, minSample, window, hint);
    }

    /** INCONCLUSIVE for want of samples, as opposed to a share above the threshold that is not yet significant. */
    public boolean tooFewSamples() {
        return verdict == Verdict.INCONCLUSIVE && total < minSample;
    }

    /** "error-rate 30.00 % > 5.00 % (3 of 10)" style summary for events and Slack. */
    public String describe() {
        String shown = value == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", value);
        return gate.id() + " " + shown + " " + gate.unit() + " vs threshold "
                + String.format(java.util.Locale.ROOT, "%.2f", threshold) + " " + gate.unit()
                + " (" + bad + " bad of " + total + ")" + (detail == null ? "" : ": " + detail);
    }
}
