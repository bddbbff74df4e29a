package dev.rollgate.controlplane.release;

import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Where a request came from (the client address), carried in the Reactor context by a web filter so the audit
 * trail can record it without every intake threading it through the engine's signatures.
 */
public record Origin(String address) {

    private static final Object KEY = Origin.class;

    public static Context into(Context context, String address) {
        return address == null ? context : context.put(KEY, new Origin(address));
    }

    static Optional<String> address(ContextView context) {
        return context.<Origin>getOrEmpty(KEY).map(Origin::address);
    }

    /** The current request's address, or empty outside a request (the reconciler, a scheduled job). */
    public static Mono<Optional<String>> current() {
        return Mono.deferContextual(ctx -> Mono.just(address(ctx)));
    }
}
