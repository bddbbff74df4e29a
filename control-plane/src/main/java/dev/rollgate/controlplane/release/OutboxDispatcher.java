package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.OutboxRepository;
import dev.rollgate.controlplane.release.persistence.OutboxRepository.Claim;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.Notifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers the persisted event log to every notifier, on every replica: woken by each local commit and by a poll
 * (which also picks up what another replica, or this one before a crash, committed and did not deliver). A
 * (notifier, release) pair is claimed in the database for a bounded time, so two replicas never deliver one
 * release at once, and its events go out in seq order with the cursor moved after each success. A failure gives
 * the pair back with a growing backoff: the event is retried, never skipped. Deliveries in flight are bounded;
 * what does not fit waits in the database, not in memory.
 */
@Component
public class OutboxDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);
    /** Events read per claim: the rest of a long backlog is claimed again straight after. */
    static final int PAGE = 50;

    private final List<Notifier> notifiers;
    private final OutboxRepository outbox;
    private final EventRepository events;
    private final ReleaseRepository releases;
    private final EventPublisher publisher;
    private final String instance;
    private final Duration poll;
    private final Duration claimTtl;
    private final Duration deliveryTimeout;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final int maxInFlight;
    private final boolean enabled;
    private final MeterRegistry meters;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Double> lag = new AtomicReference<>(0.0);
    private final Sinks.Many<Long> wakeups = Sinks.many().multicast().directBestEffort();
    private final Disposable.Composite deliveries = Disposables.composite();
    private volatile Disposable loop;

    public OutboxDispatcher(List<Notifier> notifiers, OutboxRepository outbox, EventRepository events,
                            ReleaseRepository releases, EventPublisher publisher, InstanceId instance,
                            MeterRegistry meters,
                            @Value("${rollgate.outbox.poll-interval:1s}") Duration poll,
                            @Value("${rollgate.outbox.claim-ttl:90s}") Duration claimTtl,
                            @Value("${rollgate.outbox.delivery-timeout:60s}") Duration deliveryTimeout,
                            @Value("${rollgate.outbox.retry-backoff:1s}") Duration retryBackoff,
                            @Value("${rollgate.outbox.max-retry-backoff:5m}") Duration maxRetryBackoff,
                            @Value("${rollgate.outbox.max-in-flight:32}") int maxInFlight,
                            @Value("${rollgate.outbox.enabled:true}") boolean enabled) {
        if (!deliveryTimeout.minus(claimTtl).isNegative()) {
            throw new IllegalArgumentException("rollgate.outbox.delivery-timeout (" + deliveryTimeout
                    + ") must be shorter than rollgate.outbox.claim-ttl (" + claimTtl + "), or a slow delivery"
                    + " could overlap another replica's");
        }
        this.notifiers = List.copyOf(notifiers);
        this.outbox = outbox;
        this.events = events;
        this.releases = releases;
        this.publisher = publisher;
        this.instance = instance.value();
        this.meters = meters;
        this.poll = poll;
        this.claimTtl = claimTtl;
        this.deliveryTimeout = deliveryTimeout;
        this.retryBackoff = retryBackoff;
        this.maxRetryBackoff = maxRetryBackoff;
        this.maxInFlight = maxInFlight;
        this.enabled = enabled;
        Gauge.builder("rollgate.outbox.lag", lag, AtomicReference::get).baseUnit("seconds")
                .description("age of the oldest committed event not yet delivered by every notifier")
                .register(meters);
    }

    /** The wait before attempt {@code attempts + 1} after {@code attempts} failures in a row: doubling, capped. */
    static Duration retryIn(int attempts, Duration base, Duration max) {
        Duration wait = base.multipliedBy(1L << Math.min(Math.max(attempts, 1) - 1, 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }

    @Override
    public void start() {
        // A database that hangs makes polls wait, not pile up.
        Flux<Long> polls = Flux.interval(Duration.ZERO, poll, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(n -> refreshLag().timeout(poll.multipliedBy(5)).onErrorResume(e -> Mono.empty())
                        .thenReturn(n), 1);
        Flux<Long> committed = publisher.stream().map(p -> 0L);
        loop = Flux.merge(polls, committed, wakeups.asFlux())
                // Any number of wake-ups while a pass runs make one more pass, not a queue.
                .onBackpressureLatest()
                .concatMap(n -> pass().onErrorResume(e -> {
                    log.warn("outbox pass failed: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
        log.info("outbox dispatcher {} started for {}: poll {}, claim {}", instance,
                notifiers.stream().map(Notifier::name).toList(), poll, claimTtl);
    }

    /** Claims what there is room for and starts delivering it; does not wait for the deliveries. */
    Mono<Void> pass() {
        return Flux.fromIterable(notifiers)
                .concatMap(notifier -> {
                    int room = maxInFlight - inFlight.get();
                    if (room <= 0) {
                        return Mono.empty();
                    }
                    return outbox.claim(notifier.name(), instance, claimTtl, room)
                            .doOnNext(claim -> start(notifier, claim));
                })
                .then();
    }

    private void start(Notifier notifier, Claim claim) {
        inFlight.incrementAndGet();
        Disposable[] self = new Disposable[1];
        self[0] = deliver(notifier, claim)
                .doFinally(s -> {
                    inFlight.decrementAndGet();
                    if (self[0] != null) {
                        deliveries.remove(self[0]);
                    }
                    // Events appended meanwhile, or pairs that did not fit: look again now, not at the next poll.
                    wake();
                })
                .subscribe();
        deliveries.add(self[0]);
        if (self[0].isDisposed()) {
            // Finished before it was added: doFinally could not remove it.
            deliveries.remove(self[0]);
        }
    }

    private Mono<Void> deliver(Notifier notifier, Claim claim) {
        return releases.findById(claim.releaseId())
                // A page read whole before the first call: no connection stays busy while Slack or GitHub answers.
                .flatMap(release -> events.list(claim.releaseId(), claim.deliveredSeq(),
                                Math.min(claim.tipSeq(), claim.deliveredSeq() + PAGE))
                        .collectList().flatMapMany(Flux::fromIterable)
                        .concatMap(stored -> Mono.defer(() -> notifier.publish(release, stored.event()))
                                .timeout(deliveryTimeout)
                                .then(outbox.delivered(claim, stored.seq(), instance, claimTtl)))
                        // Our claim ran out and another replica took the pair: it carries on from the cursor.
                        .takeWhile(stillOurs -> stillOurs)
                        .then())
                .then(Mono.defer(() -> outbox.unclaim(claim, instance)))
                .onErrorResume(e -> failed(notifier, claim, e));
    }

    private Mono<Void> failed(Notifier notifier, Claim claim, Throwable e) {
        int attempts = claim.attempts() + 1;
        Duration wait = retryIn(attempts, retryBackoff, maxRetryBackoff);
        Counter.builder("rollgate.notifier.failures").tag("notifier", notifier.name())
                .description("notifier deliveries that failed and will be retried").register(meters).increment();
        log.warn("{} could not deliver an event of release {} (attempt {}), retrying in {}: {}", notifier.name(),
                claim.releaseId(), attempts, wait, e.toString());
        return outbox.failed(claim, instance, wait, e.toString())
                .onErrorResume(again -> {
                    // The claim runs out by itself; the pair is retried after the claim TTL instead.
                    log.warn("could not record the failure for release {}: {}", claim.releaseId(), again.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> refreshLag() {
        return outbox.lagSeconds(notifiers.stream().map(Notifier::name).toList()).doOnNext(lag::set).then().onErrorResume(e -> Mono.empty());
    }

    /** Look for undelivered events now. */
    public void wake() {
        synchronized (wakeups) {
            wakeups.tryEmitNext(0L);
        }
    }

    @Override
    public void stop() {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
        deliveries.dispose();
        // Hand our pairs back at once instead of making another replica wait for the claim TTL.
        outbox.unclaimAll(instance).onErrorComplete().block(Duration.ofSeconds(5));
    }

    /** Off only where something else delivers (or, in tests, to stand for a replica that died after a commit). */
    @Override
    public boolean isAutoStartup() {
        return enabled;
    }

    @Override
    public boolean isRunning() {
        Disposable running = loop;
        return running != null && !running.isDisposed();
    }

    @Override
    public int getPhase() {
        // Stops after the reconciler and the web server (no more local commits), before the connection pool closes.
        return Integer.MAX_VALUE - 4096;
    }
}
