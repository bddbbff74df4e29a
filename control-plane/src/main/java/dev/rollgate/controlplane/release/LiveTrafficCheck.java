package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import reactor.core.publisher.Mono;

/**
 * Before a release starts beside the live track, traffic must really be on that track. After a hand-over (a
 * rollback that could not finish, an abandoned rollback) nobody knows where it is, and deploying into the track
 * that in fact serves users would replace the live version unseen. Unknown is refused too.
 */
@Component
class LiveTrafficCheck {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final PlatformRegistry platforms;

    LiveTrafficCheck(PlatformRegistry platforms) {
        this.platforms = platforms;
    }

    Mono<Void> confirm(Target target, Placement placement, Plan plan, Revision previous) {
        if (!plan.strategy().sideBySide() || previous == null) {
            return Mono.empty();
        }
        var router = platforms.router(placement).orElse(null);
        if (router == null) {
            return Mono.empty();
        }
        Track base = placement.base();
        return Mono.defer(() -> router.current(target)).timeout(READ_TIMEOUT)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the router answered nothing")))
                .onErrorMap(e -> !(e instanceof ReleaseProblem), e -> new ReleaseProblem(
                        ReleaseProblem.Kind.UNAVAILABLE, "Traffic unknown", "cannot read where traffic of "
                        + target.key() + " goes (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()) + "); no release starts beside a live track it cannot see", List.of(),
                        Map.of()))
                .flatMap(weights -> {
                    if (weights.of(base) == 100) {
                        return Mono.<Void>empty();
                    }
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("stableWeight", weights.stable());
                    extra.put("canaryWeight", weights.canary());
                    extra.put("liveTrack", base.id());
                    return Mono.error(ReleaseProblem.conflict("Traffic not on the live track", "traffic of "
                            + target.key() + " is " + weights.stable() + " % stable / " + weights.canary()
                            + " % canary, but its last good version " + previous.version() + " is live on the "
                            + base.id() + " track (an earlier release may have been left to manual action); route"
                            + " it back by hand or roll back to a known release, then retry", extra));
                });
    }
}
