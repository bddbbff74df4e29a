package dev.rollgate.controlplane.release;

import dev.rollgate.controlplane.release.port.TrafficRouter;

import dev.rollgate.controlplane.release.port.Workloads;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.policy.Environment;

/** Finds the adapters an environment names; an environment whose adapters are missing cannot take releases. */
@Component
public class PlatformRegistry {

    private final Map<String, Workloads> workloads;
    private final Map<String, TrafficRouter> routers;
    private final Map<String, MetricsProvider> metrics;

    private final dev.rollgate.controlplane.policy.Policies policies;

    public PlatformRegistry(List<Workloads> workloads, List<TrafficRouter> routers, List<MetricsProvider> metrics,
                            dev.rollgate.controlplane.policy.Policies policies) {
        this.policies = policies;
        this.workloads = workloads.stream().collect(Collectors.toMap(Workloads::platform, Function.identity()));
        this.routers = routers.stream().collect(Collectors.toMap(TrafficRouter::name, Function.identity()));
        this.metrics = metrics.stream().collect(Collectors.toMap(MetricsProvider::name, Function.identity()));
    }

    /** A missing adapter is a warning, not a crash: the other environments keep working. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void reportMissing() {
        policies.environments().forEach(env -> missing(env).ifPresent(why -> org.slf4j.LoggerFactory
                .getLogger(PlatformRegistry.class).warn("environment {} cannot take releases: {}", env.name(), why)));
    }

    public Optional<Workloads> workloads(Environment env) {
        return Optional.ofNullable(workloads.get(env.platform()));
    }

    public Optional<TrafficRouter> router(Environment env) {
        return Optional.ofNullable(routers.get(env.router()));
    }

    public Optional<MetricsProvider> metrics(Environment env) {
        return Optional.ofNullable(metrics.get(env.metrics()));
    }

    /** Why releases cannot run in {@code env}, or empty when every adapter it names is present. */
    public Optional<String> missing(Environment env) {
        if (workloads(env).isEmpty()) {
            return Optional.of("platform '" + env.platform() + "' is not available (known: " + workloads.keySet() + ")");
        }
        if (router(env).isEmpty()) {
            return Optional.of("router '" + env.router() + "' is not available (known: " + routers.keySet() + ")");
        }
        if (metrics(env).isEmpty()) {
            return Optional.of("metrics provider '" + env.metrics() + "' is not available (known: " + metrics.keySet() + ")");
        }
        return Optional.empty();
    }
}
