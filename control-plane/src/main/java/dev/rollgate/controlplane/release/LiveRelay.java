package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.EventPublisher.Published;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.EventSignals;
import dev.rollgate.controlplane.release.persistence.EventSignals.Heard;
import dev.rollgate.controlplane.release.persistence.OutboxRepository.Signal;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Puts what other replicas commit on this replica's {@link EventPublisher#stream()}, so a console connected here
 * sees every change. Each commit is announced by PostgreSQL (LISTEN/NOTIFY, sent on commit); this replica reads
 * the announced events back and emits them (its own commits it already emitted). While the listening connection
 * is down, a poll signals every release written meanwhile once per interval, and so does the first moment after
 * it is back: a page re-fetches on any signal, so one per changed release is enough.
 */
@Component
public class LiveRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveRelay.class);
    /** Written before a catch-up looked but committed after it: looked for again by the next one. */
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    private final EventSignals signals;
    private final EventRepository events;
    private final ReleaseRepository releases;
    private final EventPublisher publisher;
    private final String instance;
    private final Duration reconnect;
    private volatile boolean listening;
    private volatile Instant caughtUpTo;
    private volatile Disposable loop;

    public LiveRelay(EventSignals signals, EventRepository events, ReleaseRepository releases, EventPublisher publisher,
                     InstanceId instance, @Value("${rollgate.live.reconnect:1s}") Duration reconnect) {
        this.signals = signals;
        this.events = events;
        this.releases = releases;
        this.publisher = publisher;
        this.instance = instance.value();
        this.reconnect = reconnect;
    }

    @Override
    public void start() {
        Flux<Mono<Void>> heard = signals.listen(reconnect, () -> listening = false)
                .map(h -> h instanceof Heard.Committed c ? relay(c.signal()) : Mono.defer(() -> {
                    listening = true;
                    log.info("listening for events committed by other replicas");
                    return catchUp();
                }));
        Flux<Mono<Void>> polls = Flux.interval(reconnect, reconnect, Schedulers.parallel())
                .onBackpressureDrop()
                // While listening, the mark moves on: a reconnect days later catches up on seconds, not on days.
                .map(n -> listening ? events.databaseNow().doOnNext(now -> caughtUpTo = now.minus(OVERLAP)).then()
                        : catchUp());
        // One at a time, in the order heard: a release's events reach the stream in seq order.
        loop = Flux.merge(heard, polls)
                .concatMap(work -> work.onErrorResume(e -> {
                    log.warn("relaying committed events failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    private Mono<Void> relay(Signal signal) {
        if (signal.instance().equals(instance)) {
            return Mono.empty();
        }
        return releases.findById(signal.releaseId())
                .flatMapMany(release -> events.list(release.id(), signal.fromSeq(), signal.tipSeq())
                        .map(stored -> new Published(release, stored.event())))
                .doOnNext(publisher::emit)
                .then();
    }

    private Mono<Void> catchUp() {
        Instant since = caughtUpTo;
        if (since == null) {
            // Nothing to catch up on before the first look: remember where it starts.
            return events.databaseNow().doOnNext(now -> caughtUpTo = now.minus(OVERLAP)).then();
        }
        return events.changedSince(since)
                .flatMap(changed -> Flux.fromIterable(changed.latestSeq().entrySet())
                        .concatMap(latest -> releases.findById(latest.getKey())
                                .flatMapMany(release -> events.list(release.id(), latest.getValue() - 1,
                                        latest.getValue()).map(stored -> new Published(release, stored.event()))))
                        .doOnNext(publisher::emit)
                        .then(Mono.fromRunnable(() -> caughtUpTo = changed.now().minus(OVERLAP))))
                .then();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable running = loop;
        return running != null && !running.isDisposed();
    }
}
