package dev.rollgate.controlplane.release.port;

import java.util.Optional;

import dev.rollgate.controlplane.release.Weights;
import reactor.core.publisher.Mono;

/** Splits a target's traffic between its tracks. Errors as for {@link Workloads}. */
public interface TrafficRouter {

    /** The router name environments select it by ({@code rollgate.environments.*.router}). */
    String name();

    /** Send traffic by {@code weights}, and requests with {@code canary: true} to {@code weights.preview()} when set; idempotent, one atomic change, no write when already so. */
    Mono<Void> route(Target target, Weights weights);

    /** The weights as the router observes them now, not as last written; an unreadable router is an error, never all-stable. */
    Mono<Weights> current(Target target);

    /** What someone other than Rollgate changed in the route since Rollgate last wrote it (a GitOps sync, {@code kubectl edit}), said for people, or empty; read before {@link #route} puts it back. */
    default Mono<Optional<String>> foreignChange(Target target) {
        return Mono.just(Optional.empty());
    }
}
