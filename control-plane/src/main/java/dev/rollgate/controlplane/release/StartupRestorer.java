package dev.rollgate.controlplane.release;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.persistence.ReleaseRepository;
import dev.rollgate.controlplane.release.port.RestoredOnStart;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * After a start, each target of a platform that asks for it ({@link RestoredOnStart}) serves its last good version
 * again, on the track that version is live on (blue-green alternates colours) and with all traffic routed there;
 * one that never had a release gets the platform's bootstrap build so a fresh installation answers at once. A
 * target with a release in flight is left to the reconciler, whose desired effects state every track it needs.
 */
@Component
public class StartupRestorer {

    private static final Logger log = LoggerFactory.getLogger(StartupRestorer.class);

    private final List<RestoredOnStart> platforms;
    private final Policies policies;
    private final PlatformRegistry registry;
    private final ReleaseRepository releases;
    private final ReleaseService service;

    public StartupRestorer(List<RestoredOnStart> platforms, Policies policies, PlatformRegistry registry,
                           ReleaseRepository releases, ReleaseService service) {
        this.platforms = List.copyOf(platforms);
        this.policies = policies;
        this.registry = registry;
        this.releases = releases;
        this.service = service;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void restore() {
        Flux.fromIterable(platforms)
                .flatMap(p -> Flux.fromIterable(p.targets()).flatMap(t -> restore(t, p)
                        .onErrorResume(e -> {
                            log.warn("cannot restore {}: {}", t.key(), e.toString());
                            return Mono.empty();
                        })))
                .subscribe();
    }

    private Mono<Void> restore(Target target, RestoredOnStart platform) {
        Environment env = policies.environment(target.environment()).orElse(null);
        Workloads workloads = env == null ? null : registry.workloads(env).orElse(null);
        TrafficRouter router = env == null ? null
                : registry.router(PlatformRegistry.placement(env, Track.STABLE)).orElse(null);
        if (workloads == null || router == null) {
            return Mono.empty();
        }
        return releases.findHolder(target.application(), target.environment())
                .map(inFlight -> Mono.<Void>empty())
                .defaultIfEmpty(Mono.defer(() -> restoreLive(target, workloads, router)
                        .flatMap(restored -> restored ? Mono.<Void>empty() : bootstrap(target, platform))))
                .flatMap(m -> m);
    }

    /** True when there was a last good version to bring back. */
    private Mono<Boolean> restoreLive(Target target, Workloads workloads, TrafficRouter router) {
        return releases.lastSucceeded(target.application(), target.environment())
                .flatMap(last -> {
                    Revision revision = last.candidate();
                    Track live = last.liveTrackWhenSucceeded();
                    log.info("restoring {} {} on the {} track", target.key(), revision.version(), live.id());
                    return workloads.apply(target, live, revision)
                            .then(router.route(target, Weights.all(live)))
                            .thenReturn(true);
                })
                .defaultIfEmpty(false);
    }

    private Mono<Void> bootstrap(Target target, RestoredOnStart platform) {
        String version = platform.bootstrapVersion().filter(v -> !v.isBlank()).orElse(null);
        if (version == null) {
            return Mono.empty();
        }
        return releases.hasAny(target.application(), target.environment())
                .filter(any -> !any)
                .flatMap(none -> service.bootstrap(target.application(), target.environment(), version))
                .doOnNext(created -> log.info("bootstrapping {} with the bundled build as {}", target.key(), version))
                .then();
    }
}
