package dev.rollgate.controlplane.release.port;

import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;

/** Tells the outside world what happened. Failures are the notifier's to handle; they never block a release. */
public interface Notifier {

    Mono<Void> publish(Release release, ReleaseEvent event);
}
