package dev.rollgate.controlplane.release.port;

import java.time.Duration;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;

/** What to measure: one gate of one track running {@code version}, over {@code window}. */
public record GateQuery(Target target, Track track, String version, GateKind gate, Duration window,
                        Duration latencyThreshold) {
}
