package dev.rollgate.controlplane.metrics.builtin;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link TrafficStats} over the last five minutes in one-second buckets, one ring per application ×
 * environment × track × version, and the same events as Micrometer meters for {@code /actuator/prometheus}.
 * The proxy records every response here, so recording is a map lookup and a few atomic increments.
 */
@Component
public class SlidingTrafficStats implements TrafficStats {

    /** Longer windows are clamped to this: the ring holds no more. */
    public static final Duration RETENTION = Duration.ofSeconds(TrafficSeries.SECONDS);

    private static final String UNKNOWN_VERSION = "unknown";

    private final Clock clock;
    private final ProxyMeters meters;
    private final Map<SeriesKey, TrafficSeries> series = new ConcurrentHashMap<>();

    public SlidingTrafficStats(Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.meters = new ProxyMeters(registry);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public SlidingTrafficStats(Clock clock, MeterRegistry registry, dev.rollgate.controlplane.policy.Policies policies) {
        this.clock = clock;
        this.meters = new ProxyMeters(registry, policies.environments().stream()
                .flatMap(env -> env.analysis().gates().stream())
                .map(dev.rollgate.controlplane.policy.GateSpec::latencyThreshold)
                .filter(Objects::nonNull)
                .toList());
    }

    @Override
    public void recordResponse(Target target, Track track, String version, int status, long latencyNanos) {
        String v = Objects.requireNonNullElse(version, UNKNOWN_VERSION);
        long now = nowSecond();
        series(target, track, v, now).recordResponse(now, status, latencyNanos);
        meters.response(target, track, v, status, latencyNanos);
    }

    @Override
    public void recordProbe(Target target, Track track, String version, boolean healthy) {
        String v = Objects.requireNonNullElse(version, UNKNOWN_VERSION);
        long now = nowSecond();
        series(target, track, v, now).recordProbe(now, healthy);
        meters.probe(target, track, v, healthy);
    }

    /**
     * Counts of the seconds {@code (now - window, now]}, the current partial second included. A null threshold
     * counts nothing as slow; see {@link LatencyBins#firstSlowerThan} for how it is rounded to a bin boundary.
     */
    @Override
    public Window window(Target target, Track track, String version, Duration window, Duration latencyThreshold) {
        long now = nowSecond();
        TrafficSeries s = series.get(new SeriesKey(target.key(), track,
                Objects.requireNonNullElse(version, UNKNOWN_VERSION)));
        if (s == null) {
            return new Window(0, 0, 0, null, 0, 0);
        }
        int firstSlowBin = latencyThreshold == null ? LatencyBins.COUNT
                : LatencyBins.firstSlowerThan(latencyThreshold.toNanos());
        return s.window(now, seconds(window), firstSlowBin);
    }

    static int seconds(Duration window) {
        if (window == null || window.isNegative() || window.isZero()) {
            return 1;
        }
        long seconds = window.toSeconds() + (window.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(seconds, TrafficSeries.SECONDS);
    }

    private TrafficSeries series(Target target, Track track, String version, long now) {
        SeriesKey key = new SeriesKey(target.key(), track, version);
        TrafficSeries existing = series.get(key);
        if (existing != null) {
            return existing;
        }
        // Versions come and go with releases; forget those silent for a whole ring when a new one appears.
        series.values().removeIf(s -> s.lastSecond() <= now - TrafficSeries.SECONDS);
        return series.computeIfAbsent(key, k -> new TrafficSeries(now));
    }

    private long nowSecond() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    private record SeriesKey(String target, Track track, String version) {
    }
}
