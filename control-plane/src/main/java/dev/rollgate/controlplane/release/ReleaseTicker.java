package dev.rollgate.controlplane.release;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.EffectExecutor.EffectFailed;
import dev.rollgate.controlplane.release.persistence.LeaseRepository;
import dev.rollgate.controlplane.release.persistence.MeasurementRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Mono;

/**
 * One tick of one release: make the platform match the stored state, observe, decide, persist, act.
 * Persisting before acting means a crash leaves a state whose effects the next tick simply applies again.
 */
@Component
public class ReleaseTicker {

    private static final Logger log = LoggerFactory.getLogger(ReleaseTicker.class);

    private final ReleaseRepository releases;
    private final MeasurementRepository measurements;
    private final LeaseRepository leases;
    private final Policies policies;
    private final PlatformRegistry platforms;
    private final ObservationCollector collector;
    private final EffectExecutor executor;
    private final EventPublisher publisher;
    private final ReconcileNudges nudges;
    private final AuditTrail audit;
    private final ReleaseMetrics metrics;
    private final Clock clock;
    private final Duration budget;
    private static final Duration FOREIGN_CHANGE_TIMEOUT = Duration.ofSeconds(2);

    public ReleaseTicker(ReleaseRepository releases, MeasurementRepository measurements, LeaseRepository leases,
                         Policies policies, PlatformRegistry platforms, ObservationCollector collector,
                         EffectExecutor executor, EventPublisher publisher, ReconcileNudges nudges, AuditTrail audit,
                         Clock clock, dev.rollgate.controlplane.policy.RollgateProperties properties,
                         ReleaseMetrics metrics) {
        this.metrics = metrics;
        this.clock = clock;
        // Inside the reconciler's tick timeout, so a platform that hangs is still seen, counted and timed out
        // by the machine instead of the whole tick being cancelled without a trace.
        this.budget = properties.tickTimeout().multipliedBy(2).dividedBy(3);
        this.audit = audit;
        this.releases = releases;
        this.measurements = measurements;
        this.leases = leases;
        this.policies = policies;
        this.platforms = platforms;
        this.collector = collector;
        this.executor = executor;
        this.publisher = publisher;
        this.nudges = nudges;
    }

    public Mono<Void> tick(UUID id) {
        return releases.findById(id)
                .filter(r -> !r.finalized())
                .flatMap(this::tick)
                .onErrorResume(OptimisticLockingFailureException.class, e -> {
                    // A command landed between our read and write; decide again on the fresh state.
                    nudges.nudge(id);
                    return Mono.empty();
                });
    }

    private Mono<Void> tick(Release r) {
        Application app = policies.application(r.application()).orElse(null);
        Environment env = policies.environment(r.environment()).orElse(null);
        Placement placement = env == null ? r.placement()
                : r.placement().completedBy(PlatformRegistry.placement(env, r.baseTrack()));
        Optional<String> missing = app == null || env == null
                ? Optional.of(r.application() + " in " + r.environment() + " is not configured on this replica")
                : platforms.missing(placement);
        if (missing.isPresent()) {
            // Counted like any transient fault: paused past the error limit, never silently skipped for ever.
            AdapterError error = new AdapterError("finding the release's adapters", false, missing.get());
            return r.state().terminal() ? cleanupFailed(r, error)
                    : decide(r, Mono.just(Observation.failed(clock.instant(), error)), null, null, null);
        }
        Workloads workloads = platforms.workloads(placement).orElseThrow();
        TrafficRouter router = platforms.router(placement).orElseThrow();
        MetricsProvider metrics = platforms.metrics(placement).orElseThrow();
        Target target = new Target(r.application(), r.environment(), placement.namespace());
        Mono<Void> converge = executor.execute(ReleaseMachine.desired(r), target, workloads, router);
        if (r.state().terminal()) {
            return converge.timeout(budget).then(finalize(r))
                    .onErrorResume(EffectFailed.class, e -> cleanupFailed(r, e.error()))
                    .onErrorResume(TimeoutException.class, e -> cleanupFailed(r, timedOut("retiring the candidate")));
        }
        return foreignChange(router, target).flatMap(foreign -> {
            Mono<Observation> observed = converge
                    .then(collector.observe(r, app, env, target, workloads, router, metrics))
                    .timeout(budget)
                    .onErrorResume(EffectFailed.class, e -> Mono.just(Observation.failed(clock.instant(), e.error())))
                    .onErrorResume(TimeoutException.class, e -> Mono.just(Observation.failed(clock.instant(),
                            timedOut("converging and reading the platform"))));
            return decide(r, observed, target, workloads, router, foreign.map(this::routeRestored));
        });
    }

    /**
     * Read before converging, which puts Rollgate's route back: afterwards nothing shows it was changed. Only for
     * the record, so a router that cannot tell is not a fault (converging reports a broken router).
     */
    private Mono<Optional<String>> foreignChange(TrafficRouter router, Target target) {
        return Mono.defer(() -> router.foreignChange(target)).timeout(FOREIGN_CHANGE_TIMEOUT)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(e -> {
                    log.debug("could not tell whether the route of {} was changed: {}", target.key(), e.toString());
                    return Mono.just(Optional.empty());
                });
    }

    private ReleaseEvent routeRestored(String change) {
        return new ReleaseEvent(ReleaseEvent.Type.ROUTE_RESTORED, Actor.SYSTEM, change, Map.of(), clock.instant());
    }

    private Mono<Void> decide(Release r, Mono<Observation> observed, Target target, Workloads workloads,
                              TrafficRouter router) {
        return decide(r, observed, target, workloads, router, Optional.empty());
    }

    private Mono<Void> decide(Release r, Mono<Observation> observed, Target target, Workloads workloads,
                              TrafficRouter router, Optional<ReleaseEvent> noticed) {
        return observed.flatMap(observation -> {
            metrics.evaluated(observation.measurements());
            Decision decided = ReleaseMachine.observe(r, observation);
            Decision d = noticed.map(decided::withEvent).orElse(decided);
            Mono<Void> record = measurements.record(r.id(), java.util.stream.Stream.concat(
                    observation.measurements().stream(), observation.baseline().stream()).toList());
            if (d.release().equals(r) && d.events().isEmpty()) {
                return record;
            }
            return record.then(releases.update(d.release(), d.events(),
                            audit.systemDecisions(d.release(), d.events())))
                    .flatMap(saved -> {
                        publisher.publish(saved, d.events());
                        metrics.committed(saved, d.events());
                        if (saved.finalized()) {
                            // Handed over to a person: no effect may touch the platform again.
                            publisher.finalized(saved);
                            return leases.drop(saved.id());
                        }
                        if (saved.state().terminal()) {
                            return tick(saved.id());
                        }
                        if (workloads == null) {
                            return Mono.empty();
                        }
                        // A failed effect is seen again by the next tick's converge, as an observation.
                        return executor.execute(d.effects(), target, workloads, router).timeout(budget)
                                .onErrorResume(TimeoutException.class, e -> Mono.empty())
                                .onErrorResume(EffectFailed.class, e -> Mono.empty());
                    });
        });
    }

    /**
     * The release has ended but its last effects (retiring the candidate) did not take. Transient faults are
     * retried on the next ticks; a refusal, or faults past the restore deadline, end the attempt with an event
     * saying what is left for a person, so the target's slot is freed rather than held for ever.
     */
    private AdapterError timedOut(String what) {
        return new AdapterError(what, false, "no answer within " + budget.toMillis() + " ms");
    }

    private boolean overdue(Release r) {
        return Duration.between(r.stateChangedAt(), clock.instant()).compareTo(r.plan().restoreTimeout()) > 0;
    }

    private Mono<Void> cleanupFailed(Release r, AdapterError error) {
        if (!error.permanent() && !overdue(r)) {
            log.warn("release {} ended {} but {}; retrying", r.id(), r.state(), error.describe());
            return Mono.empty();
        }
        ReleaseEvent event = new ReleaseEvent(ReleaseEvent.Type.CLEANUP_FAILED, Actor.SYSTEM,
                "manual action needed: the release ended " + r.state() + " but " + error.describe(),
                Map.of("operation", error.operation(), "manualActionNeeded", true), clock.instant());
        return releases.update(r.markFinalized(), List.of(event), audit.systemDecisions(r, List.of(event)))
                .flatMap(saved -> {
                    publisher.publish(saved, List.of(event));
                    metrics.committed(saved, List.of(event));
                    publisher.finalized(saved);
                    return leases.drop(saved.id());
                });
    }

    private Mono<Void> finalize(Release r) {
        return releases.update(r.markFinalized(), List.of())
                .doOnNext(publisher::finalized)
                .then(leases.drop(r.id()));
    }
}
