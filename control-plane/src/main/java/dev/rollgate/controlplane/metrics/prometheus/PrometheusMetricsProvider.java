package dev.rollgate.controlplane.metrics.prometheus;

import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.release.port.GateQuery;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Sample;
import dev.rollgate.controlplane.metrics.prometheus.PrometheusEnvironments.Gate;
import dev.rollgate.controlplane.metrics.prometheus.PromqlTemplate.Values;
import dev.rollgate.controlplane.policy.Policies;
import reactor.core.publisher.Mono;

/**
 * Gates read with PromQL from a Prometheus: each gate's bad, total and display queries run as instant queries,
 * side by side. No total, or no bad count, is "no data" (the engine's INCONCLUSIVE, never a pass); anything
 * Prometheus cannot answer is an error, which the engine counts toward its consecutive-error limit.
 */
@Component
public class PrometheusMetricsProvider implements MetricsProvider {

    public static final String NAME = "prometheus";

    private static final Logger log = LoggerFactory.getLogger(PrometheusMetricsProvider.class);

    private final PrometheusEnvironments environments;
    private final Set<String> warnedMissingBad = ConcurrentHashMap.newKeySet();

    public PrometheusMetricsProvider(PrometheusEnvironments environments) {
        this.environments = environments;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Sample> sample(GateQuery query) {
        return Mono.defer(() -> {
            String environment = query.target().environment();
            Gate gate = environments.gate(environment, query.gate());
            Values values = Values.of(query);
            Mono<Answer> total = run(gate.client(), query, "total", gate.total().render(values));
            Mono<Answer> bad = run(gate.client(), query, "bad", gate.bad().render(values));
            Mono<Answer> display = gate.display() == null ? Mono.just(new Answer(OptionalDouble.empty(), null))
                    : run(gate.client(), query, "display", gate.display().render(values));
            return Mono.zip(total, bad, display).flatMap(t -> {
                // The first failure in a fixed order: the same outage always reads the same in events.
                for (Answer a : List.of(t.getT1(), t.getT2(), t.getT3())) {
                    if (a.failure() != null) {
                        return Mono.error(a.failure());
                    }
                }
                return sample(query, t.getT2().value(), t.getT1().value(), t.getT3().value());
            });
        });
    }

    /**
     * Failures travel as values: with three queries in flight, a zip would cancel the others at the first error
     * and Reactor would log every further one as dropped, once per gate and tick while Prometheus is down.
     */
    private Mono<Answer> run(PrometheusClient client, GateQuery query, String which, String promql) {
        log.debug("{} {} {} query on {}: {}", query.target().key(), query.gate().id(), which, client.name(), promql);
        return client.query(promql)
                .map(value -> new Answer(value, null))
                .onErrorResume(e -> Mono.just(new Answer(OptionalDouble.empty(), new PrometheusException("endpoint '"
                        + client.name() + "' (" + client.url() + ") " + query.gate().id() + " " + which + " query: "
                        + e.getMessage()))));
    }

    private record Answer(OptionalDouble value, PrometheusException failure) {
    }

    private Mono<Sample> sample(GateQuery query, OptionalDouble bad, OptionalDouble total, OptionalDouble display) {
        if (total.isEmpty()) {
            return Mono.empty();
        }
        if (bad.isEmpty()) {
            // With traffic but no bad count the query itself is likely wrong (e.g. no bucket at the threshold).
            if (warnedMissingBad.add(query.target().environment() + "/" + query.gate())) {
                String hint = query.gate() == GateKind.LATENCY
                        ? "the histogram needs a bucket exactly at the threshold, " + query.latencyThreshold()
                        : "a bad count with no bad events must read 0: end it in 'or vector(0)'";
                log.warn("{} gate of {}: the total query has data but the bad query has none; {}", query.gate().id(),
                        query.target().key(), hint);
            }
            return Mono.empty();
        }
        // increase() extrapolates, so counts come back fractional and, across two queries, slightly inconsistent.
        long totalCount = count(total.getAsDouble());
        long badCount = Math.min(count(bad.getAsDouble()), totalCount);
        return Mono.just(new Sample(badCount, totalCount, display.isPresent() ? display.getAsDouble() : null));
    }

    static long count(double value) {
        return value <= 0 ? 0 : Math.round(value);
    }

    /** A missing endpoint is a warning, like a missing adapter: the other environments keep working. */
    @EventListener(ApplicationReadyEvent.class)
    public void reportUnconfigured(ApplicationReadyEvent event) {
        event.getApplicationContext().getBeanProvider(Policies.class).ifAvailable(policies -> policies.environments()
                .stream()
                .filter(env -> NAME.equals(env.metrics()) && environments.client(env.name()).isEmpty())
                .forEach(env -> log.warn("environment {} gates on Prometheus but endpoint '{}' is not configured"
                                + " (rollgate.prometheus.endpoints.{}.url): its releases will pause on provider errors",
                        env.name(), environments.endpointName(env.name()), environments.endpointName(env.name()))));
    }
}
