package dev.rollgate.controlplane.release;

import java.util.UUID;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Lets a command be acted on at once instead of at the next tick, so a rollback starts in milliseconds. */
@Component
public class ReconcileNudges {

    private final Sinks.Many<UUID> sink = Sinks.many().multicast().directBestEffort();

    /** Serialized: two commands nudging at once must both get through (the sink takes one emitter at a time). */
    public void nudge(UUID releaseId) {
        synchronized (sink) {
            sink.tryEmitNext(releaseId);
        }
    }

    public Flux<UUID> stream() {
        return sink.asFlux();
    }
}
