package dev.rollgate.controlplane.release.port;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;

/** Tells the outside world what happened. Failures are the notifier's to handle; they never block a release. */
public interface Notifier {

    /** Called once per committed event, in order per release; an error is logged by the caller and never reaches the release. */
    Mono<Void> publish(Release release, ReleaseEvent event);
}
