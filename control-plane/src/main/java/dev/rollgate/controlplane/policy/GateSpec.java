package dev.rollgate.controlplane.policy;

import java.time.Duration;

import dev.rollgate.controlplane.policy.GateKind;

/**
 * One gate: the share of bad events that may not be exceeded over {@code window}, and the sample a PASS needs.
 * For latency, {@code latencyThreshold} defines "bad" (slower than it); it is null for the other gates.
 */
public record GateSpec(GateKind kind, double maxShare, Duration window, Duration latencyThreshold, long minSample) {
}
