package dev.rollgate.controlplane.release;

import java.time.Instant;
import java.util.List;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.policy.RelativePolicy;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.TrackStatus;

/**
 * What the reconciler saw on one tick. {@code measurements} is empty and {@code smoke} null when the machine
 * did not ask for them ({@link ReleaseMachine#wants}). When a port call failed, {@code error} says which and the
 * readings it could not take are null: unknown stays unknown, it is never read as "absent" or "all stable".
 * {@code baseline} holds the same gates read on the track that runs the previous version, taken beside the
 * candidate's, and {@code relative} how the machine compares the candidate with them (off when null: the
 * machine then judges the candidate's readings alone, as it does whenever stable has no traffic).
 */
public record Observation(
        Instant now,
        TrackStatus stable,
        TrackStatus canary,
        Weights weights,
        List<Measurement> measurements,
        SmokeResult smoke,
        AdapterError error,
        List<Measurement> baseline,
        RelativePolicy relative) {

    public Observation {
        measurements = measurements == null ? List.of() : List.copyOf(measurements);
        baseline = baseline == null ? List.of() : List.copyOf(baseline);
        relative = relative == null ? RelativePolicy.OFF : relative;
    }

    public Observation(Instant now, TrackStatus stable, TrackStatus canary, Weights weights,
                       List<Measurement> measurements, SmokeResult smoke, AdapterError error,
                       List<Measurement> baseline) {
        this(now, stable, canary, weights, measurements, smoke, error, baseline, RelativePolicy.OFF);
    }

    public Observation(Instant now, TrackStatus stable, TrackStatus canary, Weights weights,
                       List<Measurement> measurements, SmokeResult smoke, AdapterError error) {
        this(now, stable, canary, weights, measurements, smoke, error, List.of());
    }

    public Observation(Instant now, TrackStatus stable, TrackStatus canary, Weights weights,
                       List<Measurement> measurements, SmokeResult smoke) {
        this(now, stable, canary, weights, measurements, smoke, null);
    }

    /** A tick on which {@code error} kept the reconciler from seeing the platform. */
    public static Observation failed(Instant now, AdapterError error) {
        return new Observation(now, null, null, null, List.of(), null, error);
    }

    public TrackStatus status(Track track) {
        return track == Track.STABLE ? stable : canary;
    }
}
