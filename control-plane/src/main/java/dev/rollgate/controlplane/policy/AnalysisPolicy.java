package dev.rollgate.controlplane.policy;

import java.time.Duration;
import java.util.List;

/**
 * Gates and the rules for acting on their verdicts. {@code failureLimit} FAILs are tolerated (0: the first
 * trips); a step never advances on INCONCLUSIVE and pauses after its duration plus {@code inconclusiveGrace};
 * {@code errorLimit} consecutive provider errors pause the release. {@code relative} compares the candidate with
 * stable on the same gates; like the thresholds it is read on every tick, not frozen into the release.
 */
public record AnalysisPolicy(
        List<GateSpec> gates,
        long minSample,
        double confidence,
        int failureLimit,
        Duration inconclusiveGrace,
        int errorLimit,
        RelativePolicy relative) {
    public AnalysisPolicy {
        gates = List.copyOf(gates);
        relative = relative == null ? RelativePolicy.OFF : relative;
    }

    public AnalysisPolicy(List<GateSpec> gates, long minSample, double confidence, int failureLimit,
                          Duration inconclusiveGrace, int errorLimit) {
        this(gates, minSample, confidence, failureLimit, inconclusiveGrace, errorLimit, RelativePolicy.OFF);
    }
}
