package dev.rollgate.controlplane.metrics.builtin;

import java.time.Duration;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;

/**
 * Per application × environment × track × version counters over a sliding window: what the local proxy saw
 * and what the health prober found. The builtin metrics provider reads gates from it.
 */
public interface TrafficStats {

    void recordResponse(Target target, Track track, String version, int status, long latencyNanos);

    void recordProbe(Target target, Track track, String version, boolean healthy);

    Window window(Target target, Track track, String version, Duration window, Duration latencyThreshold);

    /** Counts over a window; {@code p99Millis} is null without requests. */
    record Window(long requests, long serverErrors, long slowerThanThreshold, Double p99Millis, long probes,
                  long failedProbes) {
    }
}
