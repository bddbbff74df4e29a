package dev.rollgate.controlplane.release;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.Effect.ApplyTrack;
import dev.rollgate.controlplane.release.Effect.Route;
import dev.rollgate.controlplane.release.Effect.ScaleToZero;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries out effects in order through the ports; they are idempotent, so doing them twice is harmless. The
 * first that fails stops the rest and is reported as {@link EffectFailed}, naming what was being done.
 */
@Component
public class EffectExecutor {

    public Mono<Void> execute(List<Effect> effects, Target target, Workloads workloads, TrafficRouter router) {
        return Flux.fromIterable(effects).concatMap(effect -> Mono.defer(() -> run(effect, target, workloads, router))
                .onErrorMap(e -> !(e instanceof EffectFailed), e -> new EffectFailed(describe(effect), e))).then();
    }

    private static Mono<Void> run(Effect effect, Target target, Workloads workloads, TrafficRouter router) {
        if (effect instanceof ApplyTrack apply) {
            return workloads.apply(target, apply.track(), apply.revision());
        }
        if (effect instanceof Route route) {
            return router.route(target, route.weights());
        }
        return workloads.scaleToZero(target, ((ScaleToZero) effect).track());
    }

    static String describe(Effect effect) {
        if (effect instanceof ApplyTrack a) {
            return "apply " + a.revision().version() + " to the " + a.track().id() + " track";
        }
        if (effect instanceof Route r) {
            return "route " + r.weights().stable() + " % stable / " + r.weights().canary() + " % canary";
        }
        return "scale the " + ((ScaleToZero) effect).track().id() + " track to zero";
    }

    /** An effect the platform did not carry out. */
    public static final class EffectFailed extends RuntimeException {
        private final String operation;

        EffectFailed(String operation, Throwable cause) {
            super(operation + ": " + cause.getMessage(), cause, false, false);
            this.operation = operation;
        }

        public AdapterError error() {
            return AdapterError.of(operation, getCause());
        }
    }
}
