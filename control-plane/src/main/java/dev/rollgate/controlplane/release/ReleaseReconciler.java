package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.RollgateProperties;
import dev.rollgate.controlplane.release.persistence.LeaseRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The loop: every interval, for each unsettled release whose lease this replica holds (or can take), run one
 * tick. Ticks run concurrently with a per-release timeout, so one slow adapter never stalls the others.
 */
@Component
public class ReleaseReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseReconciler.class);

    private final ReleaseRepository releases;
    private final LeaseRepository leases;
    private final ReleaseTicker ticker;
    private final ReconcileNudges nudges;
    private final ReleaseMetrics metrics;
    private final Duration interval;
    private final Duration leaseTtl;
    private final Duration tickTimeout;
    private final String instanceId;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Disposable loop;

    public ReleaseReconciler(ReleaseRepository releases, LeaseRepository leases, ReleaseTicker ticker,
                             ReconcileNudges nudges, RollgateProperties properties, InstanceId instanceId,
                             ReleaseMetrics metrics) {
        this.metrics = metrics;
        this.releases = releases;
        this.leases = leases;
        this.ticker = ticker;
        this.nudges = nudges;
        this.interval = properties.reconcileInterval();
        this.leaseTtl = properties.leaseTtl();
        this.tickTimeout = properties.tickTimeout();
        this.instanceId = instanceId.value();
    }

    @Override
    public void start() {
        Flux<Object> ticks = Flux.interval(Duration.ZERO, interval, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(n -> reconcileAll().onErrorResume(e -> {
                    log.warn("reconcile pass failed: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .cast(Object.class);
        Flux<Object> nudged = nudges.stream().flatMap(this::reconcileOne).cast(Object.class);
        loop = Flux.merge(ticks, nudged).subscribe();
        log.info("reconciler {} started: interval {}, lease {}", instanceId, interval, leaseTtl);
    }

    /** One pass over every unsettled release; exposed for tests that drive the loop by hand. */
    public Mono<Void> reconcileAll() {
        return releases.findUnsettled().collectList().doOnNext(metrics::unsettled)
                .flatMapMany(Flux::fromIterable).flatMap(r -> reconcileOne(r.id()), 16).then();
    }

    private Mono<Void> reconcileOne(UUID id) {
        if (!inFlight.add(id)) {
            return Mono.empty();
        }
        return leases.acquire(id, instanceId, leaseTtl)
                .doOnNext(held -> metrics.lease(id, held))
                .flatMap(held -> held ? metrics.timed(ticker.tick(id)) : Mono.<Void>empty())
                .timeout(tickTimeout)
                .onErrorResume(e -> {
                    log.warn("tick of release {} failed: {}", id, e.toString());
                    return Mono.empty();
                })
                .doFinally(s -> inFlight.remove(id));
    }

    @Override
    public void stop() {
        halt();
        // Hand our releases over at once instead of making another replica wait for the TTL.
        leases.releaseAll(instanceId).onErrorComplete().block(Duration.ofSeconds(5));
        metrics.leasesReleased();
        log.info("reconciler {} stopped", instanceId);
    }

    /** Stops ticking but keeps the leases: what a crashed or frozen replica looks like to the others. */
    public void halt() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    @Override
    public int getPhase() {
        // Stop before the web server and the connection pool go away.
        return Integer.MAX_VALUE - 2048;
    }
}
