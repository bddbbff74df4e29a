package dev.rollgate.controlplane.release;

import dev.rollgate.controlplane.release.port.TrafficRouter;

import dev.rollgate.controlplane.release.port.Workloads;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.policy.Environment;
import reactor.core.publisher.Mono;

/** Finds the adapters an environment names; an environment whose adapters are missing cannot take releases. */
@Component
public class PlatformRegistry {

    /** How long a platform may take to say whether it can take a release; a start waits for it. */
    static final Duration AVAILABILITY_TIMEOUT = Duration.ofSeconds(5);

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

    /** Where a release of {@code env} would run if it started now; frozen into the release at creation. */
    public static Placement placement(Environment env, Track base) {
        return new Placement(env.platform(), env.router(), env.metrics(), env.namespace(), base);
    }

    public Optional<Workloads> workloads(Placement p) {
        return Optional.ofNullable(workloads.get(p.platform()));
    }

    public Optional<TrafficRouter> router(Placement p) {
        return Optional.ofNullable(routers.get(p.router()));
    }

    public Optional<MetricsProvider> metrics(Placement p) {
        return Optional.ofNullable(metrics.get(p.metrics()));
    }

    /** Why releases cannot run in {@code env}, or empty when every adapter it names is present. */
    public Optional<String> missing(Environment env) {
        return missing(placement(env, Track.STABLE));
    }

    /** Why a release placed at {@code p} cannot be driven by this replica, or empty. */
    public Optional<String> missing(Placement p) {
        if (workloads(p).isEmpty()) {
            return Optional.of("platform '" + p.platform() + "' is not available (known: " + workloads.keySet() + ")");
        }
        if (router(p).isEmpty()) {
            return Optional.of("router '" + p.router() + "' is not available (known: " + routers.keySet() + ")");
        }
        if (metrics(p).isEmpty()) {
            return Optional.of("metrics provider '" + p.metrics() + "' is not available (known: " + metrics.keySet()
                    + ")");
        }
        return Optional.empty();
    }

    /**
     * Why the platform of {@code p} cannot take a release of {@code target} now (its own words), or empty. One that
     * cannot say within {@link #AVAILABILITY_TIMEOUT} is unavailable too: a release started on a platform in doubt
     * would only fail its first effects and pause. A missing platform is {@link #missing(Placement)}'s to report.
     */
    public Mono<Optional<String>> unavailable(Placement p, Target target) {
        Workloads platform = workloads.get(p.platform());
        if (platform == null) {
            return Mono.just(Optional.empty());
        }
        return Mono.defer(() -> platform.unavailable(target)).timeout(AVAILABILITY_TIMEOUT)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(e -> Mono.just(Optional.of(e instanceof java.util.concurrent.TimeoutException
                        ? "it did not say within " + AVAILABILITY_TIMEOUT.toSeconds() + " s whether it can take a release"
                        : "it could not say whether it can take a release: " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage()))));
    }
}
