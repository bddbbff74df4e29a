package dev.rollgate.controlplane.release;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.release.Effect.ApplyTrack;
import dev.rollgate.controlplane.release.Effect.Route;
import dev.rollgate.controlplane.release.Effect.ScaleToZero;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Carries out effects in order through the ports; they are idempotent, so doing them twice is harmless. */
@Component
public class EffectExecutor {

    public Mono<Void> execute(List<Effect> effects, Target target, Workloads workloads, TrafficRouter router) {
        return Flux.fromIterable(effects).concatMap(effect -> {
            if (effect instanceof ApplyTrack apply) {
                return workloads.apply(target, apply.track(), apply.revision());
            }
            if (effect instanceof Route route) {
                return router.route(target, route.weights());
            }
            return workloads.scaleToZero(target, ((ScaleToZero) effect).track());
        }).then();
    }
}
