package dev.rollgate.controlplane.metrics.builtin;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.metrics.builtin.TrafficStats.Window;
import reactor.core.publisher.Mono;

/**
 * Gates read from what Rollgate's own proxy and prober counted: no Prometheus needed. An empty window gives
 * (0, 0), which the gate math treats as inconclusive rather than healthy.
 */
@Component
public class BuiltinMetricsProvider implements MetricsProvider {

    public static final String NAME = "builtin";

    private final TrafficStats stats;

    public BuiltinMetricsProvider(TrafficStats stats) {
        this.stats = stats;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Sample> sample(GateQuery query) {
        return Mono.fromCallable(() -> {
            switch (query.gate()) {
                case ERROR_RATE: {
                    Window w = window(query);
                    return new Sample(w.serverErrors(), w.requests(), percent(w.serverErrors(), w.requests()));
                }
                case LATENCY: {
                    Window w = window(query);
                    return new Sample(w.slowerThanThreshold(), w.requests(), w.p99Millis());
                }
                case HEALTH: {
                    Window w = window(query);
                    return new Sample(w.failedProbes(), w.probes(), percent(w.failedProbes(), w.probes()));
                }
                default:
                    // Smoke tests are requests the engine sends itself, not something a counter can answer.
                    throw new IllegalArgumentException("the builtin metrics provider has no '" + query.gate().id()
                            + "' gate: smoke checks are run, not measured");
            }
        });
    }

    private Window window(GateQuery query) {
        return stats.window(query.target(), query.track(), query.version(), query.window(),
                query.latencyThreshold());
    }

    private static Double percent(long bad, long total) {
        return total == 0 ? null : 100.0 * bad / total;
    }
}
