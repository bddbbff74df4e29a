package dev.rollgate.controlplane.platform.local;

import java.util.EnumSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.platform.Target;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseState;
import dev.rollgate.controlplane.release.Track;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * After a start, each local environment serves its last good version again; one that never had a release gets
 * the bundled build ({@code rollgate.local.bootstrap-version}) so a fresh installation answers at once. Where a release is mid-flight and
 * owns the stable track (rolling, promotion, rollback), the reconciler restores it instead.
 */
@Component
public class LocalRestorer {

    private static final Logger log = LoggerFactory.getLogger(LocalRestorer.class);
    private static final EnumSet<ReleaseState> STABLE_UNTOUCHED = EnumSet.of(ReleaseState.PENDING,
            ReleaseState.DEPLOYING, ReleaseState.PROGRESSING, ReleaseState.PAUSED);

    private final Policies policies;
    private final ReleaseRepository releases;
    private final LocalWorkloads workloads;
    private final dev.rollgate.controlplane.release.ReleaseService service;
    private final LocalProperties properties;

    public LocalRestorer(Policies policies, ReleaseRepository releases, LocalWorkloads workloads,
                         dev.rollgate.controlplane.release.ReleaseService service, LocalProperties properties) {
        this.service = service;
        this.properties = properties;
        this.policies = policies;
        this.releases = releases;
        this.workloads = workloads;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void restore() {
        Flux.fromIterable(policies.environments())
                .filter(env -> "local".equals(env.platform()))
                .flatMap(env -> Flux.fromIterable(policies.applications())
                        .map(app -> new Target(app.name(), env.name(), env.namespace())))
                .flatMap(this::restore)
                .onErrorContinue((e, target) -> log.warn("cannot restore {}: {}", target, e.toString()))
                .subscribe();
    }

    private Mono<Void> restore(Target target) {
        Mono<Release> active = releases.findActive(target.application(), target.environment());
        return active.map(a -> a.plan().strategy().sideBySide() && STABLE_UNTOUCHED.contains(a.state()))
                .map(stableIsOurs -> stableIsOurs ? restoreStable(target).then() : Mono.<Void>empty())
                .defaultIfEmpty(Mono.defer(() -> restoreStable(target)
                        .flatMap(restored -> restored ? Mono.<Void>empty() : bootstrap(target))))
                .flatMap(m -> m);
    }

    /** True when there was a last good version to bring back. */
    private Mono<Boolean> restoreStable(Target target) {
        return releases.lastSucceeded(target.application(), target.environment())
                .map(Release::candidate)
                .flatMap(revision -> {
                    log.info("restoring {} {} on the stable track", target.key(), revision.version());
                    return workloads.apply(target, Track.STABLE, revision).thenReturn(true);
                })
                .defaultIfEmpty(false);
    }

    private Mono<Void> bootstrap(Target target) {
        String version = properties.bootstrapVersion();
        if (version == null || version.isBlank()) {
            return Mono.empty();
        }
        return releases.hasAny(target.application(), target.environment())
                .filter(any -> !any)
                .flatMap(none -> service.bootstrap(target.application(), target.environment(), version))
                .doOnNext(created -> log.info("bootstrapping {} with the bundled build as {}", target.key(), version))
                .then();
    }
}
