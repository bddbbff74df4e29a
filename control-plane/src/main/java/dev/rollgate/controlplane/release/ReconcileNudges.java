package dev.rollgate.controlplane.release;

import java.util.UUID;

import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Lets a command be acted on at once instead of at the next tick, so a rollback starts in milliseconds. */
@Component
public class ReconcileNudges {

    private final Sinks.Many<UUID> sink = Sinks.many().multicast().directBestEffort();

    public void nudge(UUID releaseId) {
        sink.tryEmitNext(releaseId);
    }

    public Flux<UUID> stream() {
        return sink.asFlux();
    }
}
