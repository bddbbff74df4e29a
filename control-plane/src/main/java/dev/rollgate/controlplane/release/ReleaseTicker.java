package dev.rollgate.controlplane.release;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.EventPublisher;
import dev.rollgate.controlplane.release.PlatformRegistry;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
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

    public ReleaseTicker(ReleaseRepository releases, MeasurementRepository measurements, LeaseRepository leases,
                         Policies policies, PlatformRegistry platforms, ObservationCollector collector,
                         EffectExecutor executor, EventPublisher publisher, ReconcileNudges nudges, AuditTrail audit) {
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
        if (app == null || env == null || platforms.missing(env).isPresent()) {
            log.warn("release {} cannot be driven: {}/{} is not configured here{}", r.id(), r.application(),
                    r.environment(), env == null ? "" : " (" + platforms.missing(env).orElse("") + ")");
            return Mono.empty();
        }
        Workloads workloads = platforms.workloads(env).orElseThrow();
        TrafficRouter router = platforms.router(env).orElseThrow();
        MetricsProvider metrics = platforms.metrics(env).orElseThrow();
        Target target = new Target(r.application(), r.environment(), env.namespace());
        Mono<Void> converge = executor.execute(ReleaseMachine.desired(r), target, workloads, router);
        if (r.state().terminal()) {
            return converge.then(finalize(r));
        }
        return converge
                .then(collector.observe(r, app, env, target, workloads, router, metrics))
                .flatMap(observation -> {
                    Decision d = ReleaseMachine.observe(r, observation);
                    Mono<Void> record = measurements.record(r.id(), observation.measurements());
                    if (d.release().equals(r)) {
                        return record;
                    }
                    return record.then(releases.update(d.release(), d.events(),
                                    audit.systemDecisions(d.release(), d.events())))
                            .flatMap(saved -> {
                                publisher.publish(saved, d.events());
                                Mono<Void> act = executor.execute(d.effects(), target, workloads, router);
                                return saved.state().terminal() ? act.then(finalize(saved)) : act;
                            });
                });
    }

    private Mono<Void> finalize(Release r) {
        return releases.update(r.markFinalized(), List.of()).then(leases.drop(r.id()));
    }
}
