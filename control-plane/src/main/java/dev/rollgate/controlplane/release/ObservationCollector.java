package dev.rollgate.controlplane.release;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.GateEvaluator;
import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import reactor.core.publisher.Mono;

/** Reads what the machine needs for one tick: track statuses, weights, and smoke or gate results when asked. */
@Component
public class ObservationCollector {

    private final GateEvaluator gates;
    private final List<SmokeChecker> smokeCheckers;
    private final Clock clock;

    public ObservationCollector(GateEvaluator gates, List<SmokeChecker> smokeCheckers, Clock clock) {
        this.gates = gates;
        this.smokeCheckers = smokeCheckers;
        this.clock = clock;
    }

    public Mono<Observation> observe(Release release, Application app, Environment env, Target target,
                                     Workloads workloads, TrafficRouter router, MetricsProvider metrics) {
        Mono<TrackStatus> stable = workloads.status(target, Track.STABLE).defaultIfEmpty(TrackStatus.absent());
        Mono<TrackStatus> canary = workloads.status(target, Track.CANARY).defaultIfEmpty(TrackStatus.absent());
        Mono<Weights> weights = router.current(target).defaultIfEmpty(Weights.ALL_STABLE);
        return Mono.zip(stable, canary, weights).flatMap(t -> {
            Track candidateTrack = release.plan().candidateTrack();
            TrackStatus candidate = candidateTrack == Track.STABLE ? t.getT1() : t.getT2();
            Set<ReleaseMachine.Need> needs = ReleaseMachine.wants(release, candidate);
            Mono<SmokeResult> smoke = needs.contains(ReleaseMachine.Need.SMOKE)
                    ? smoke(target, candidateTrack, app, env) : Mono.empty();
            Mono<List<Measurement>> measurements = needs.contains(ReleaseMachine.Need.ANALYSIS)
                    ? gates.evaluate(metrics, env.analysis(), target, candidateTrack, release.version())
                    : Mono.just(List.of());
            return Mono.zip(smoke.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()), measurements)
                    .map(r -> new Observation(clock.instant(), t.getT1(), t.getT2(), t.getT3(), r.getT2(),
                            r.getT1().orElse(null)));
        });
    }

    private Mono<SmokeResult> smoke(Target target, Track track, Application app, Environment env) {
        SmokeChecker checker = smokeCheckers.stream().filter(c -> c.platform().equals(env.platform())).findFirst()
                .orElse(null);
        if (checker == null) {
            return Mono.just(new SmokeResult(0, List.of("no smoke checker for platform " + env.platform())));
        }
        return checker.check(target, track, app.smokePaths())
                .onErrorResume(e -> Mono.just(new SmokeResult(0, List.of("smoke check error: " + e.getMessage()))));
    }
}
