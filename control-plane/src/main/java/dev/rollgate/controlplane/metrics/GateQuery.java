package dev.rollgate.controlplane.metrics;

import java.time.Duration;

import dev.rollgate.controlplane.analysis.GateKind;
import dev.rollgate.controlplane.platform.Target;
import dev.rollgate.controlplane.release.Track;

/** What to measure: one gate of one track running {@code version}, over {@code window}. */
public record GateQuery(Target target, Track track, String version, GateKind gate, Duration window,
                        Duration latencyThreshold) {
}
