package dev.rollgate.controlplane.release.port;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;

/**
 * Tells the outside world what happened. Fed from the persisted event log (the outbox), never from the engine, so
 * however slow or broken the outside world is, no release waits for it.
 */
public interface Notifier {

    /**
     * Delivers one committed event, called in seq order per release and never twice at once for one release across
     * replicas. {@code release} is the release as it is now (it may have moved on since the event). Completing means
     * delivered: the caller moves the cursor on. An error means "try again later": the same event comes back after a
     * backoff, so an error a retry cannot fix is the notifier's to log and complete. A crash between delivering and
     * the cursor moving replays that one event, so deliveries should tolerate one repeat.
     */
    Mono<Void> publish(Release release, ReleaseEvent event);

    /**
     * The key of this notifier's progress rows: stable across restarts and the same on every replica (renaming it
     * starts a new cursor). Anonymous classes and lambdas must override it.
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
