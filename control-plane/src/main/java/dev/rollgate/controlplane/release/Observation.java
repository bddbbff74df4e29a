package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.List;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.TrackStatus;

/**
 * What the reconciler saw on one tick. {@code measurements} is empty and {@code smoke} null when the machine
 * did not ask for them ({@link ReleaseMachine#wants}).
 */
public record Observation(
        Instant now,
        TrackStatus stable,
        TrackStatus canary,
        Weights weights,
        List<Measurement> measurements,
        SmokeResult smoke) {

    public Observation {
        measurements = measurements == null ? List.of() : List.copyOf(measurements);
    }

    public TrackStatus status(Track track) {
        return track == Track.STABLE ? stable : canary;
    }
}
