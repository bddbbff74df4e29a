package dev.rollgate.controlplane.release;

import java.util.List;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A hot stream of (release, event) for live views and for waking the {@link OutboxDispatcher}. Nothing here is
 * needed for a notification to go out: notifiers are fed from the persisted event log, so an event published
 * here and lost to a crash a moment later is still delivered by whichever replica is alive.
 */
@Component
public class EventPublisher {

    private final Sinks.Many<Published> stream = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Release> finalized = Sinks.many().multicast().directBestEffort();

    /** Called after the commit, with the events as committed. */
    public void publish(Release release, List<ReleaseEvent> events) {
        for (ReleaseEvent event : events) {
            emit(new Published(release, event));
        }
    }

    /** Also how events committed by another replica reach this replica's live views. */
    void emit(Published published) {
        // A sink takes one emitter at a time: two releases' ticks emitting at once would otherwise see
        // FAIL_NON_SERIALIZED and the event would reach no live view.
        synchronized (stream) {
            stream.tryEmitNext(published);
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
