package dev.rollgate.controlplane.web;

import java.time.Duration;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.rollgate.controlplane.release.EventPublisher;
import reactor.core.publisher.Flux;

/**
 * One Server-Sent Events stream per open page. Each stored event becomes two signals — one for its release,
 * one for its overview cell — and the page re-fetches the fragments listening for them, rendered with the
 * viewer's own role; the stream itself carries no data worth protecting.
 */
@RestController
public class LiveStream {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final EventPublisher publisher;

    public LiveStream(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public static String releaseEvent(java.util.UUID id) {
        return "release-" + id;
    }

    public static String cellEvent(String application, String environment) {
        return "cell-" + safe(application) + "--" + safe(environment);
    }

    @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> live() {
        Flux<ServerSentEvent<String>> changes = publisher.stream()
                .flatMapIterable(p -> java.util.List.of(
                        ServerSentEvent.builder(p.event().type().name()).event(releaseEvent(p.release().id())).build(),
                        ServerSentEvent.builder(p.event().type().name())
                                .event(cellEvent(p.release().application(), p.release().environment())).build()))
                // A page that cannot keep up loses signals, not memory: the next one re-fetches everything anyway.
                .onBackpressureLatest();
        Flux<ServerSentEvent<String>> heartbeat = Flux.interval(HEARTBEAT).onBackpressureDrop()
                .map(i -> ServerSentEvent.<String>builder().comment("heartbeat").build());
        // The first comment commits the response, so a client knows it is subscribed before anything happens.
        ServerSentEvent<String> connected = ServerSentEvent.<String>builder().comment("connected").build();
        return Flux.merge(changes, heartbeat).startWith(connected);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
