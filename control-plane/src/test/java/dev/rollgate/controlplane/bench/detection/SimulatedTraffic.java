package dev.rollgate.controlplane.bench.detection;

import dev.rollgate.controlplane.release.Track;

/**
 * Per-second counts of both tracks as the simulation produced them. Second {@code s} holds what arrived in
 * (s-1, s]; prefix sums make any window a constant-time read, which a 1,800-second Argo trial needs.
 */
final class SimulatedTraffic {

    /** What one track answered in one second; {@code probes} are health probes, one per second while up. */
    record Second(long total, long errors, long slow, long probes) {
        static final Second NONE = new Second(0, 0, 0, 0);

        Second {
            if (errors > total || slow > total || errors < 0 || slow < 0) {
                throw new IllegalArgumentException("counts must be within 0..total: " + errors + ", " + slow
                        + " of " + total);
            }
        }
    }

    enum Series { TOTAL, ERRORS, SLOW, PROBES }

    private final long[][] prefix;
    private int recorded;

    SimulatedTraffic(int capacitySeconds) {
        prefix = new long[Track.values().length * Series.values().length][capacitySeconds + 1];
    }

    /** Appends the next second, {@link #recorded()} + 1. */
    void record(Second canary, Second stable) {
        int s = ++recorded;
        put(Track.CANARY, canary, s);
        put(Track.STABLE, stable, s);
    }

    int recorded() {
        return recorded;
    }

    /** The sum of {@code series} on {@code track} over the seconds in (now - window, now]. */
    long sum(Track track, Series series, long now, long windowSeconds) {
        if (now > recorded || now < 0 || windowSeconds < 0) {
            throw new IllegalArgumentException("second " + now + " (window " + windowSeconds + ") not recorded; have "
                    + recorded);
        }
        long[] p = prefix[index(track, series)];
        return p[(int) now] - p[(int) Math.max(0, now - windowSeconds)];
    }

    private void put(Track track, Second second, int s) {
        long[] values = {second.total(), second.errors(), second.slow(), second.probes()};
        for (Series series : Series.values()) {
            long[] p = prefix[index(track, series)];
            p[s] = p[s - 1] + values[series.ordinal()];
        }
    }

    private static int index(Track track, Series series) {
        return track.ordinal() * Series.values().length + series.ordinal();
    }
}
