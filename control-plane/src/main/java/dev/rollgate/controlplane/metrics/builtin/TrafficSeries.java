package dev.rollgate.controlplane.metrics.builtin;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.rollgate.controlplane.metrics.builtin.TrafficStats.Window;

/**
 * One track × version's last {@link #SECONDS} seconds as a ring of per-second buckets. Writers only touch
 * atomics of the current second's bucket; the lock is taken once per bucket per second, to recycle it.
 */
final class TrafficSeries {

    static final int SECONDS = 300;

    private static final int REQUESTS = 0;
    private static final int SERVER_ERRORS = 1;
    private static final int PROBES = 2;
    private static final int FAILED_PROBES = 3;

    private final AtomicReferenceArray<Bucket> ring = new AtomicReferenceArray<>(SECONDS);
    private volatile long lastSecond;

    TrafficSeries(long createdSecond) {
        this.lastSecond = createdSecond;
    }

    long lastSecond() {
        return lastSecond;
    }

    void recordResponse(long second, int status, long latencyNanos) {
        Bucket bucket = bucket(second);
        if (bucket == null) {
            return;
        }
        bucket.counters.incrementAndGet(REQUESTS);
        if (status >= 500 && status <= 599) {
            bucket.counters.incrementAndGet(SERVER_ERRORS);
        }
        bucket.bins.incrementAndGet(LatencyBins.index(latencyNanos));
    }

    void recordProbe(long second, boolean healthy) {
        Bucket bucket = bucket(second);
        if (bucket == null) {
            return;
        }
        bucket.counters.incrementAndGet(PROBES);
        if (!healthy) {
            bucket.counters.incrementAndGet(FAILED_PROBES);
        }
    }

    /**
     * Sums the buckets of seconds {@code (now - seconds, now]}; {@code seconds} is already clamped to the ring.
     * Requests in bins from {@code firstSlowBin} on are the slow ones.
     */
    Window window(long now, int seconds, int firstSlowBin) {
        long requests = 0;
        long serverErrors = 0;
        long probes = 0;
        long failedProbes = 0;
        long[] bins = new long[LatencyBins.COUNT];
        for (long second = now - seconds + 1; second <= now; second++) {
            Bucket bucket = ring.get(slot(second));
            if (bucket == null || bucket.second != second) {
                continue;
            }
            requests += bucket.counters.get(REQUESTS);
            serverErrors += bucket.counters.get(SERVER_ERRORS);
            probes += bucket.counters.get(PROBES);
            failedProbes += bucket.counters.get(FAILED_PROBES);
            for (int i = 0; i < bins.length; i++) {
                bins[i] += bucket.bins.get(i);
            }
        }
        long slow = 0;
        for (int i = firstSlowBin; i < bins.length; i++) {
            slow += bins[i];
        }
        // Requests and bins are read at slightly different instants while writers run; never report more
        // slow requests than requests, which Sample would reject.
        return new Window(requests, Math.min(serverErrors, requests), Math.min(slow, requests), p99(bins),
                probes, Math.min(failedProbes, probes));
    }

    private static Double p99(long[] bins) {
        long total = 0;
        for (long count : bins) {
            total += count;
        }
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(total * 0.99);
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return LatencyBins.upperBoundMillis(i);
            }
        }
        return LatencyBins.upperBoundMillis(LatencyBins.OVERFLOW);
    }

    private Bucket bucket(long second) {
        if (second > lastSecond) {
            lastSecond = second;
        }
        int slot = slot(second);
        Bucket bucket = ring.get(slot);
        if (bucket == null) {
            ring.compareAndSet(slot, null, new Bucket());
            bucket = ring.get(slot);
        }
        if (bucket.second == second) {
            return bucket;
        }
        synchronized (bucket) {
            if (bucket.second < second) {
                bucket.clear();
                bucket.second = second;
            }
        }
        // A writer that stalled for a whole ring turn would land in a newer second's bucket: drop its event.
        return bucket.second == second ? bucket : null;
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SECONDS);
    }

    private static final class Bucket {
        volatile long second = Long.MIN_VALUE;
        final AtomicLongArray counters = new AtomicLongArray(4);
        // int per bin is ample for one second; it halves the memory of a full ring.
        final AtomicIntegerArray bins = new AtomicIntegerArray(LatencyBins.COUNT);

        void clear() {
            for (int i = 0; i < counters.length(); i++) {
                counters.set(i, 0);
            }
            for (int i = 0; i < bins.length(); i++) {
                bins.set(i, 0);
            }
        }
    }
}
