package dev.rollgate.controlplane.metrics.builtin;

/**
 * The fixed latency histogram layout: 10 ms bins up to 2 s, 100 ms bins up to 10 s, one overflow bin.
 * <p>
 * Bins are closed at the top, (lower, upper], so a gate's "slower than T" is exactly "in a bin whose lower
 * bound is at least T": a response of exactly 500 ms lands in (490, 500] and is not slower than 500 ms, one of
 * 500.001 ms lands in (500, 510] and is. Prometheus' {@code le} buckets use the same convention.
 */
final class LatencyBins {

    static final int FINE = 200;
    static final int COARSE = 80;
    static final int OVERFLOW = FINE + COARSE;
    static final int COUNT = OVERFLOW + 1;

    private static final long FINE_WIDTH = 10_000_000L;
    private static final long COARSE_WIDTH = 100_000_000L;
    private static final long FINE_LIMIT = FINE * FINE_WIDTH;
    private static final long COARSE_LIMIT = FINE_LIMIT + COARSE * COARSE_WIDTH;

    private LatencyBins() {
    }

    static int index(long latencyNanos) {
        if (latencyNanos <= 0) {
            return 0;
        }
        if (latencyNanos <= FINE_LIMIT) {
            return (int) ((latencyNanos - 1) / FINE_WIDTH);
        }
        if (latencyNanos <= COARSE_LIMIT) {
            return FINE + (int) ((latencyNanos - FINE_LIMIT - 1) / COARSE_WIDTH);
        }
        return OVERFLOW;
    }

    /**
     * The first bin counted as slower than {@code thresholdNanos}. A threshold between two boundaries is rounded
     * up to the next boundary (505 ms counts responses slower than 510 ms): the histogram cannot split a bin, and
     * rounding up never fails a track for responses that were within its threshold.
     */
    static int firstSlowerThan(long thresholdNanos) {
        if (thresholdNanos <= 0) {
            return 0;
        }
        if (thresholdNanos <= FINE_LIMIT) {
            return (int) ceilDiv(thresholdNanos, FINE_WIDTH);
        }
        if (thresholdNanos <= COARSE_LIMIT) {
            return FINE + (int) ceilDiv(thresholdNanos - FINE_LIMIT, COARSE_WIDTH);
        }
        return OVERFLOW;
    }

    /** The bin's upper bound in ms; the overflow bin has none, so its lower bound (10 s) stands for "at least". */
    static double upperBoundMillis(int bin) {
        if (bin < FINE) {
            return (bin + 1) * (FINE_WIDTH / 1_000_000.0);
        }
        if (bin < OVERFLOW) {
            return (FINE_LIMIT + (bin - FINE + 1) * COARSE_WIDTH) / 1_000_000.0;
        }
        return COARSE_LIMIT / 1_000_000.0;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
