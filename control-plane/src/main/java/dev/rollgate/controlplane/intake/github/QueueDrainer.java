package dev.rollgate.controlplane.intake.github;

import dev.rollgate.controlplane.notify.github.GitHubProperties;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.EventPublisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Starts a queued commit as soon as the release in its way ends. The event stream makes that immediate; the
 * sweep catches what the stream cannot — an end seen by another replica, or one that happened while Rollgate
 * was down. It also prunes old deliveries.
 */
@Component
public class QueueDrainer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueueDrainer.class);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final EventPublisher publisher;
    private final QueueRepository queue;
    private final DeliveryRepository deliveries;
    private final GitHubIntake intake;
    private final GitHubProperties properties;
    private final Clock clock;
    private volatile Disposable.Composite running;

    public QueueDrainer(EventPublisher publisher, QueueRepository queue, DeliveryRepository deliveries,
                        GitHubIntake intake, GitHubProperties properties, Clock clock) {
        this.publisher = publisher;
        this.queue = queue;
        this.deliveries = deliveries;
        this.intake = intake;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void start() {
        // The slot frees when the ended release is finalized (its last effects done), not at its end event.
        Disposable ends = publisher.finalizedStream()
                .flatMap(r -> drain(r.application(), r.environment()))
                .subscribe();
        Disposable sweeps = Flux.interval(Duration.ZERO, properties.queueSweepInterval())
                .onBackpressureDrop()
                .concatMap(tick -> sweep(), 1)
                .subscribe();
        Disposable prunes = Flux.interval(Duration.ofMinutes(1), PRUNE_EVERY)
                .onBackpressureDrop()
                .concatMap(tick -> deliveries.pruneOlderThan(properties.deliveryRetention(), clock.instant())
                        .doOnNext(n -> {
                            if (n > 0) {
                                log.info("pruned {} GitHub deliveries older than {}", n,
                                        properties.deliveryRetention());
                            }
                        })
                        .onErrorResume(e -> {
                            log.warn("pruning GitHub deliveries failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe();
        running = Disposables.composite(ends, sweeps, prunes);
    }

    /** Tries every queued commit; each stays queued while its target is busy. */
    public Mono<Void> sweep() {
        return queue.all().concatMap(this::safely).then()
                .onErrorResume(e -> {
                    log.warn("GitHub queue sweep failed: {}", e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> drain(String application, String environment) {
        return queue.waiting(application, environment).concatMap(this::safely).then()
                .onErrorResume(e -> Mono.empty());
    }

    private Mono<Void> safely(QueueRepository.Queued q) {
        return intake.startQueued(q).onErrorResume(e -> {
            log.warn("starting queued {} of {} in {} failed, will retry: {}", q.version(), q.application(),
                    q.environment(), e.toString());
            return Mono.empty();
        });
    }

    @Override
    public void stop() {
        Disposable.Composite r = running;
        if (r != null) {
            r.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
