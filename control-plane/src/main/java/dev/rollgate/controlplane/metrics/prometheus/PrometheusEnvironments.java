package dev.rollgate.controlplane.metrics.prometheus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.GateKind;
import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Selection;
import dev.rollgate.controlplane.metrics.prometheus.QueryTemplates.Queries;

/**
 * The validated Prometheus setup: one client per endpoint and, per environment and gate, the endpoint and parsed
 * queries to use. A bad configuration stops Rollgate at startup with every problem listed.
 */
@Component
public class PrometheusEnvironments {

    private final PrometheusProperties properties;
    private final Map<String, PrometheusClient> clients = new LinkedHashMap<>();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    public PrometheusEnvironments(PrometheusProperties properties) {
        var problems = properties.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid Prometheus configuration:\n  - " + String.join("\n  - ", problems));
        }
        this.properties = properties;
        properties.endpoints().forEach((name, endpoint) -> clients.put(name, new PrometheusClient(name, endpoint)));
    }

    Map<String, PrometheusClient> clients() {
        return Collections.unmodifiableMap(clients);
    }

    /** The endpoint an environment's gates are read from, if it is configured. */
    Optional<PrometheusClient> client(String environment) {
        return Optional.ofNullable(clients.get(properties.selection(environment).endpoint()));
    }

    String endpointName(String environment) {
        return properties.selection(environment).endpoint();
    }

    /** Where and how to read one gate of one environment; the exception says what to configure when it cannot. */
    Gate gate(String environment, GateKind kind) {
        return gates.computeIfAbsent(environment + "/" + kind, key -> resolve(environment, kind));
    }

    private Gate resolve(String environment, GateKind kind) {
        Selection selection = properties.selection(environment);
        PrometheusClient client = clients.get(selection.endpoint());
        if (client == null) {
            throw new PrometheusException("no Prometheus endpoint '" + selection.endpoint() + "' for environment "
                    + environment + ": set rollgate.prometheus.endpoints." + selection.endpoint() + ".url");
        }
        Queries queries = PrometheusProperties.queries(selection, kind);
        if (queries == null) {
            // Smoke tests are requests Rollgate sends itself, not something a counter can answer.
            throw new PrometheusException("the '" + kind.id() + "' gate is not measured by Prometheus");
        }
        if (!PrometheusProperties.present(queries.bad()) || !PrometheusProperties.present(queries.total())) {
            throw new PrometheusException("environment " + environment + " has no bad/total queries for the '"
                    + kind.id() + "' gate");
        }
        return new Gate(client, PromqlTemplate.parse(queries.bad()), PromqlTemplate.parse(queries.total()),
                PrometheusProperties.present(queries.display()) ? PromqlTemplate.parse(queries.display()) : null);
    }

    /** One gate's endpoint and queries; {@code display} may be null. */
    record Gate(PrometheusClient client, PromqlTemplate bad, PromqlTemplate total, PromqlTemplate display) {
    }
}
