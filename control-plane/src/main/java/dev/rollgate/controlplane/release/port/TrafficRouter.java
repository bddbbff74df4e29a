package dev.rollgate.controlplane.release.port;

import dev.rollgate.controlplane.release.Weights;
import reactor.core.publisher.Mono;

/** Splits a target's traffic between its tracks. Idempotent. */
public interface TrafficRouter {

    /** The router name environments select it by ({@code rollgate.environments.*.router}). */
    String name();

    Mono<Void> route(Target target, Weights weights);

    Mono<Weights> current(Target target);
}
