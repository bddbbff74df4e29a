package dev.rollgate.controlplane.release;

import dev.rollgate.controlplane.release.port.Notifier;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Fans stored events out to every notifier without waiting for them: a slow Slack must never hold a rollback.
 * Also a hot stream of (release, event) for live views.
 */
@Component
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final List<Notifier> notifiers;
    private final Sinks.Many<Published> stream = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Release> finalized = Sinks.many().multicast().directBestEffort();

    public EventPublisher(List<Notifier> notifiers) {
        this.notifiers = List.copyOf(notifiers);
    }

    public void publish(Release release, List<ReleaseEvent> events) {
        for (ReleaseEvent event : events) {
            // A sink takes one emitter at a time: two releases' ticks emitting at once would otherwise see
            // FAIL_NON_SERIALIZED and the event would reach no live view.
            synchronized (stream) {
                stream.tryEmitNext(new Published(release, event));
            }
            for (Notifier notifier : notifiers) {
                // Deferred: a notifier that throws instead of erroring must not fail the caller's committed change.
                Mono.defer(() -> notifier.publish(release, event))
                        .doOnError(e -> log.warn("notifier {} failed for release {}: {}",
                                notifier.getClass().getSimpleName(), release.id(), e.toString()))
                        .onErrorComplete()
                        .subscribe();
            }
        }
    }

    /** The release is done with the platform for good: its target's slot is free (seen on this replica only). */
    public void finalized(Release release) {
        synchronized (finalized) {
            finalized.tryEmitNext(release);
        }
    }

    public Flux<Release> finalizedStream() {
        return finalized.asFlux();
    }

    public Flux<Published> stream() {
        return stream.asFlux();
    }

    public record Published(Release release, ReleaseEvent event) {
    }
}
