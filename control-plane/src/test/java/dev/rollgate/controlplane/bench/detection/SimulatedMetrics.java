package dev.rollgate.controlplane.bench.detection;

import java.time.Duration;
import java.time.Instant;

import dev.rollgate.controlplane.bench.detection.SimulatedTraffic.Series;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import reactor.core.publisher.Mono;

/**
 * The metrics provider the real {@code GateEvaluator} reads in the benchmark: (bad, total) over the gate's window
 * from the simulated per-second counts, at the simulated clock's second.
 */
final class SimulatedMetrics implements MetricsProvider {

    /** What the simulation calls a slow request; a gate asking about another threshold would be misread. */
    static final Duration SLOW = Duration.ofMillis(500);

    private final SimulatedTraffic traffic;
    private final SimClock clock;
    private final Instant start;

    SimulatedMetrics(SimulatedTraffic traffic, SimClock clock, Instant start) {
        this.traffic = traffic;
        this.clock = clock;
        this.start = start;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Mono<Sample> sample(GateQuery query) {
        long now = Duration.between(start, clock.instant()).toSeconds();
        long window = query.window().toSeconds();
        long total = traffic.sum(query.track(), Series.TOTAL, now, window);
        return Mono.fromSupplier(() -> switch (query.gate()) {
            case ERROR_RATE -> new Sample(traffic.sum(query.track(), Series.ERRORS, now, window), total, null);
            case LATENCY -> {
                if (!SLOW.equals(query.latencyThreshold())) {
                    throw new IllegalStateException("the simulation only knows requests over " + SLOW.toMillis()
                            + " ms, the gate asks about " + query.latencyThreshold());
                }
                yield new Sample(traffic.sum(query.track(), Series.SLOW, now, window), total, null);
            }
            case HEALTH -> new Sample(0, traffic.sum(query.track(), Series.PROBES, now, window), null);
            case SMOKE -> throw new IllegalStateException("smoke is not a metrics gate");
        });
    }
}
