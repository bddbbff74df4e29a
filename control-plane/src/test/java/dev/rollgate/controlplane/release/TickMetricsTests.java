package dev.rollgate.controlplane.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The tick meters on their own: where an overrun starts, and that a tick cut short by its timeout is timed too. */
class TickMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** No event log: ticks never read it. */
    private final ReleaseMetrics metrics = new ReleaseMetrics(registry, null, Duration.ofMillis(100));

    private double overruns() {
        return registry.get("rollgate.tick.overruns").counter().count();
    }

    @Test
    void countsOnlyTicksLongerThanTheInterval() {
        metrics.ticked(Duration.ofMillis(40));
        metrics.ticked(Duration.ofMillis(100));
        assertThat(overruns()).isZero();

        metrics.ticked(Duration.ofMillis(101));
        assertThat(overruns()).isEqualTo(1.0);
        assertThat(registry.get("rollgate.tick.duration").timer().count()).isEqualTo(3);
    }

    @Test
    void timesATickThatIsCancelledByItsTimeout() {
        StepVerifier.create(metrics.timed(Mono.<Void>never()).timeout(Duration.ofMillis(150)))
                .expectError(java.util.concurrent.TimeoutException.class).verify(Duration.ofSeconds(5));

        assertThat(registry.get("rollgate.tick.duration").timer().count()).isEqualTo(1);
        assertThat(registry.get("rollgate.tick.duration").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(150.0);
        assertThat(overruns()).isEqualTo(1.0);
    }
}
