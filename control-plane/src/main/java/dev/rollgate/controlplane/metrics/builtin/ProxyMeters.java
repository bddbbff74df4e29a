package dev.rollgate.controlplane.metrics.builtin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The proxy's counters as Micrometer meters, so Prometheus can scrape what the builtin provider gates on.
 * Meters are cached per tag set: registering goes through the registry's lock and tag sorting, too slow for
 * every proxied request. A track serves one version at a time, so when a track's version changes the meters of
 * the one before are removed: with a version per pushed commit they would otherwise grow the heap and every
 * scrape for ever.
 */
final class ProxyMeters {

    static final String REQUESTS = "rollgate.proxy.requests";
    static final String PROBES = "rollgate.proxy.probes";

    /** The default latency threshold; an SLO boundary gives Prometheus an exact {@code le="0.5"} bucket. */
    private static final Duration DEFAULT_LATENCY_SLO = Duration.ofMillis(500);

    private final MeterRegistry registry;
    private final Duration[] slos;
    private final Map<RequestKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<ProbeKey, Counter> probes = new ConcurrentHashMap<>();
    private final Map<TrackKey, String> versions = new ConcurrentHashMap<>();

    ProxyMeters(MeterRegistry registry) {
        this(registry, java.util.List.of());
    }

    /** Every configured latency threshold becomes an exact bucket, so PromQL can count requests slower than it. */
    ProxyMeters(MeterRegistry registry, java.util.Collection<Duration> latencyThresholds) {
        this.registry = registry;
        java.util.TreeSet<Duration> all = new java.util.TreeSet<>(latencyThresholds);
        all.add(DEFAULT_LATENCY_SLO);
        this.slos = all.toArray(Duration[]::new);
    }

    void response(Target target, Track track, String version, int status, long latencyNanos) {
        serving(target, track, version);
        timers.computeIfAbsent(new RequestKey(target.application(), target.environment(), track, version, status),
                this::timer).record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    void probe(Target target, Track track, String version, boolean healthy) {
        serving(target, track, version);
        probes.computeIfAbsent(new ProbeKey(target.application(), target.environment(), track, version, healthy),
                this::counter).increment();
    }

    private void serving(Target target, Track track, String version) {
        TrackKey key = new TrackKey(target.application(), target.environment(), track);
        if (version.equals(versions.get(key))) {
            return;
        }
        String before = versions.put(key, version);
        if (before != null && !before.equals(version)) {
            retire(key, before);
        }
    }

    private void retire(TrackKey track, String version) {
        remove(timers, k -> new TrackKey(k.application(), k.environment(), k.track()).equals(track)
                && k.version().equals(version));
        remove(probes, k -> new TrackKey(k.application(), k.environment(), k.track()).equals(track)
                && k.version().equals(version));
    }

    private <K> void remove(Map<K, ? extends Meter> meters, Predicate<K> retired) {
        meters.entrySet().removeIf(e -> {
            if (!retired.test(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }

    /** Meters registered now, for tests. */
    int size() {
        return timers.size() + probes.size();
    }

    private Timer timer(RequestKey key) {
        return Timer.builder(REQUESTS)
                .description("Requests through Rollgate's local proxy, by track and backend version")
                .tag("application", key.application())
                .tag("environment", key.environment())
                .tag("track", key.track().id())
                .tag("version", key.version())
                .tag("status", Integer.toString(key.status()))
                .tag("outcome", outcome(key.status()))
                .publishPercentileHistogram()
                .serviceLevelObjectives(slos)
                .register(registry);
    }

    private Counter counter(ProbeKey key) {
        return Counter.builder(PROBES)
                .description("Health probes of local instances, by track and version")
                .tag("application", key.application())
                .tag("environment", key.environment())
                .tag("track", key.track().id())
                .tag("version", key.version())
                .tag("result", key.healthy() ? "ok" : "failed")
                .register(registry);
    }

    static String outcome(int status) {
        return status >= 100 && status <= 599 ? (status / 100) + "xx" : "unknown";
    }

    private record TrackKey(String application, String environment, Track track) {
    }

    private record RequestKey(String application, String environment, Track track, String version, int status) {
    }

    private record ProbeKey(String application, String environment, Track track, String version, boolean healthy) {
    }
}
