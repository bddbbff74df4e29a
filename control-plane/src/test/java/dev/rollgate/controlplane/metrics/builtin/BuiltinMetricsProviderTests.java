package dev.rollgate.controlplane.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Track;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.rollgate.controlplane.support.MutableClock;

class BuiltinMetricsProviderTests {

    private static final Target TARGET = new Target("video-api", "staging", "video-staging");

    private final SlidingTrafficStats stats = new SlidingTrafficStats(
            new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), new SimpleMeterRegistry());
    private final BuiltinMetricsProvider provider = new BuiltinMetricsProvider(stats);

    @Test
    void isNamedBuiltin() {
        assertThat(provider.name()).isEqualTo("builtin");
    }

    @Test
    void errorRateIsServerErrorsOverRequestsWithPercentDisplay() {
        record(6, 200, 10);
        record(2, 503, 10);
        record(2, 404, 10);

        assertThat(sample(GateKind.ERROR_RATE)).isEqualTo(new Sample(2, 10, 20.0));
    }

    @Test
    void latencyIsSlowRequestsOverRequestsWithP99Display() {
        record(98, 200, 30);
        record(2, 200, 750);

        assertThat(sample(GateKind.LATENCY)).isEqualTo(new Sample(2, 100, 750.0));
    }

    @Test
    void healthIsFailedProbesOverProbesWithPercentDisplay() {
        for (int i = 0; i < 4; i++) {
            stats.recordProbe(TARGET, Track.CANARY, "2.0.0", i != 0);
        }
        record(5, 500, 10);

        assertThat(sample(GateKind.HEALTH)).isEqualTo(new Sample(1, 4, 25.0));
    }

    @Test
    void readsOnlyTheQueriedVersion() {
        stats.recordResponse(TARGET, Track.CANARY, "1.0.0", 500, 0);

        assertThat(sample(GateKind.ERROR_RATE).total()).isZero();
    }

    @Test
    void emptyWindowIsZeroOfZeroWithoutDisplay() {
        assertThat(sample(GateKind.ERROR_RATE)).isEqualTo(new Sample(0, 0, null));
        assertThat(sample(GateKind.LATENCY)).isEqualTo(new Sample(0, 0, null));
        assertThat(sample(GateKind.HEALTH)).isEqualTo(new Sample(0, 0, null));
    }

    @Test
    void smokeIsNotAMetric() {
        assertThatThrownBy(() -> sample(GateKind.SMOKE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smoke");
    }

    private void record(int times, int status, long millis) {
        for (int i = 0; i < times; i++) {
            stats.recordResponse(TARGET, Track.CANARY, "2.0.0", status, TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    private Sample sample(GateKind gate) {
        Duration threshold = gate == GateKind.LATENCY ? Duration.ofMillis(500) : null;
        return provider.sample(new GateQuery(TARGET, Track.CANARY, "2.0.0", gate, Duration.ofMinutes(1), threshold))
                .block(Duration.ofSeconds(5));
    }
}
