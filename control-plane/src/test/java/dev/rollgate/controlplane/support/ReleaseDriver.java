package dev.rollgate.controlplane.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.rollgate.controlplane.release.Actor;
import dev.rollgate.controlplane.release.NewRelease;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import dev.rollgate.controlplane.release.ReleaseService;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.persistence.EventRepository;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;

/** Test helper: start releases through the service and wait for the reconciler to move them. */
public record ReleaseDriver(ReleaseService service, ReleaseRepository releases, EventRepository events) {

    public static final Actor TESTER = new Actor(Actor.Kind.API, "token:tester");

    public Release start(String app, String env, String version) {
        return service.create(new NewRelease(app, env, version, null, null, Map.of()), TESTER, null, null)
                .block().release();
    }

    public Release awaitState(UUID id, ReleaseState state) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> releases.findById(id).block().state(), s -> s == state);
        return releases.findById(id).block();
    }

    public Release awaitSettled(UUID id, ReleaseState state) {
        awaitState(id, state);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> releases.findById(id).block().finalized());
        return releases.findById(id).block();
    }

    /** Releases a first version straight to stable, so the next release has something to compare against. */
    public Release establish(String app, String env, String version) {
        ScriptedWorld.INSTANCE.scriptHealthy(version);
        return awaitSettled(start(app, env, version).id(), ReleaseState.SUCCEEDED);
    }

    /** A first version straight onto stable through the bootstrap path (no analysis), waited for until settled. */
    public Release bootstrap(String app, String env, String version) {
        return awaitSettled(service.bootstrap(app, env, version).block().release().id(), ReleaseState.SUCCEEDED);
    }

    public List<ReleaseEvent> events(UUID id) {
        return events.list(id).map(EventRepository.StoredEvent::event).collectList().block();
    }

    public List<ReleaseEvent.Type> eventTypes(UUID id) {
        return events(id).stream().map(ReleaseEvent::type).toList();
    }
}
