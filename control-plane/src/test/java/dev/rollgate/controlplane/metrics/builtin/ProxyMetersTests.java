package dev.rollgate.controlplane.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.port.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class ProxyMetersTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProxyMeters meters = new ProxyMeters(registry);
    private final Target target = new Target("video-api", "staging", "local");

    @Test
    void twoHundredReleasedVersionsLeaveOnlyTheMetersOfTheVersionsStillServing() {
        meters.response(target, Track.STABLE, "1.0.0", 200, 1_000_000);
        for (int v = 1; v <= 200; v++) {
            String version = "1.0." + v;
            meters.response(target, Track.CANARY, version, 200, 1_000_000);
            meters.response(target, Track.CANARY, version, 503, 1_000_000);
            meters.probe(target, Track.CANARY, version, true);
        }

        // Stable's one timer, and the last canary version's two timers and one probe counter.
        assertThat(meters.size()).isEqualTo(4);
        assertThat(registry.find(ProxyMeters.REQUESTS).timers()).hasSize(3);
        assertThat(registry.find(ProxyMeters.REQUESTS).tag("version", "1.0.200").timers()).hasSize(2);
        assertThat(registry.find(ProxyMeters.REQUESTS).tag("version", "1.0.199").timers()).isEmpty();
        assertThat(registry.find(ProxyMeters.PROBES).counters()).hasSize(1);
    }

    @Test
    void theMetersOfAVersionStillServingKeepCounting() {
        meters.response(target, Track.CANARY, "2.0.0", 200, 1_000_000);
        meters.response(target, Track.STABLE, "1.0.0", 200, 1_000_000);
        meters.response(target, Track.CANARY, "2.0.0", 200, 1_000_000);

        assertThat(registry.find(ProxyMeters.REQUESTS).tag("version", "2.0.0").timer().count()).isEqualTo(2);
    }
}
