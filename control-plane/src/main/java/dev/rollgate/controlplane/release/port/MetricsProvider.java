package dev.rollgate.controlplane.release.port;

import reactor.core.publisher.Mono;

/** Answers a gate with (bad, total) over its window plus a display value; errors signal provider failure. */
public interface MetricsProvider {

    /** The name environments select it by ({@code rollgate.environments.*.metrics}). */
    String name();

    /** Read-only and repeatable; empty or total 0 means "no data" (never a pass), an error means the provider could not answer. */
    Mono<Sample> sample(GateQuery query);
}
