package dev.rollgate.controlplane.release;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.policy.Application;
import dev.rollgate.controlplane.policy.Environment;
import dev.rollgate.controlplane.release.port.MetricsProvider;
import dev.rollgate.controlplane.release.port.SmokeChecker;
import dev.rollgate.controlplane.release.port.SmokeChecker.SmokeResult;
import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.port.TrackStatus;
import dev.rollgate.controlplane.release.port.TrafficRouter;
import dev.rollgate.controlplane.release.port.Workloads;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Reads what the machine needs for one tick: track statuses, weights, and smoke or gate results when asked.
 * A reading that fails (or never answers) becomes the observation's error; it is never replaced by a
 * safe-looking default, because "absent" and "all stable" are exactly what a finished rollback looks like.
 */
@Component
public class ObservationCollector {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** For the whole check (its paths are called one after another); the tick's own budget bounds it too. */
    private static final Duration SMOKE_TIMEOUT = Duration.ofSeconds(7);

    private final GateEvaluator gates;
    private final List<SmokeChecker> smokeCheckers;
    private final Clock clock;
    private final List<dev.rollgate.controlplane.release.port.TargetFacts> facts;

    public ObservationCollector(GateEvaluator gates, List<SmokeChecker> smokeCheckers, Clock clock,
                                List<dev.rollgate.controlplane.release.port.TargetFacts> facts) {
        this.gates = gates;
        this.smokeCheckers = smokeCheckers;
        this.clock = clock;
        this.facts = List.copyOf(facts);
    }

    /** Readings without enough samples carry the platform's own way to more traffic, for the pause reason. */
    private List<Measurement> withTrafficHints(List<Measurement> ms, Target target) {
        String hint = facts.stream().map(f -> f.moreTraffic(target)).flatMap(Optional::stream).findFirst()
                .orElse(null);
        return hint == null ? ms : ms.stream().map(m -> m.tooFewSamples() ? m.withMoreTraffic(hint) : m).toList();
    }

    public Mono<Observation> observe(Release release, Application app, Environment env, Target target,
                                     Workloads workloads, TrafficRouter router, MetricsProvider metrics) {
        Mono<TrackStatus> stable = read("status of the stable track", Mono.defer(() -> workloads.status(target, Track.STABLE)));
        Mono<TrackStatus> canary = read("status of the canary track", Mono.defer(() -> workloads.status(target, Track.CANARY)));
        Mono<Weights> weights = read("traffic weights", Mono.defer(() -> router.current(target)));
        // Delaying errors: the reads run side by side, and a second failure after zip had cancelled the others would
        // be dropped by Reactor with an ERROR stack trace every tick of an outage, and never reach the engine.
        return Mono.zipDelayError(stable, canary, weights).flatMap(t -> {
            Track candidateTrack = release.candidateTrack();
            TrackStatus candidate = candidateTrack == Track.STABLE ? t.getT1() : t.getT2();
            Set<ReleaseMachine.Need> needs = ReleaseMachine.wants(release, candidate);
            Mono<Optional<SmokeResult>> smoke = needs.contains(ReleaseMachine.Need.SMOKE)
                    ? smoke(target, candidateTrack, app, release.placement().platform()).map(Optional::of)
                    : Mono.just(Optional.empty());
            Mono<List<Measurement>> measurements = needs.contains(ReleaseMachine.Need.ANALYSIS)
                    ? gates.evaluate(metrics, env.analysis(), target, candidateTrack, release.version())
                            .map(ms -> withTrafficHints(ms, target))
                    : Mono.just(List.of());
            // A baseline reading that fails or is slow costs its own point and the comparison, never the tick: the
            // machine then judges the candidate's readings alone.
            Mono<List<Measurement>> baseline = needs.contains(ReleaseMachine.Need.ANALYSIS)
                    && release.plan().strategy().sideBySide() && release.previous() != null
                    ? gates.evaluate(metrics, env.analysis(), target, release.baseTrack(), release.previous().version())
                            .onErrorResume(e -> Mono.just(List.of()))
                    : Mono.just(List.of());
            return Mono.zipDelayError(smoke, measurements, baseline)
                    .map(r -> new Observation(clock.instant(), t.getT1(), t.getT2(), t.getT3(), r.getT2(),
                            r.getT1().orElse(null), null, r.getT3(), env.analysis().relative()));
        }).onErrorResume(e -> unreadable(e) != null,
                e -> Mono.just(Observation.failed(clock.instant(), unreadable(e).error)));
    }

    /** The first failed reading in {@code e} (one error, or several that failed together), or null. */
    private static Unreadable unreadable(Throwable e) {
        for (Throwable t : Exceptions.unwrapMultiple(e)) {
            if (t instanceof Unreadable u) {
                return u;
            }
        }
        return null;
    }

    /** A failed reading, carried out of the zip so the whole tick reports it. */
    private static final class Unreadable extends RuntimeException {
        final transient AdapterError error;

        Unreadable(AdapterError error) {
            super(error.describe(), null, false, false);
            this.error = error;
        }
    }

    private static <T> Mono<T> read(String what, Mono<T> reading) {
        return read(what, reading, READ_TIMEOUT);
    }

    private static <T> Mono<T> read(String what, Mono<T> reading, Duration timeout) {
        return reading.timeout(timeout)
                .switchIfEmpty(Mono.error(() -> new Unreadable(new AdapterError(what, false, "no answer"))))
                .onErrorMap(e -> !(e instanceof Unreadable), e -> new Unreadable(AdapterError.of(what, e)));
    }

    private Mono<SmokeResult> smoke(Target target, Track track, Application app, String platform) {
        SmokeChecker checker = smokeCheckers.stream().filter(c -> c.platform().equals(platform)).findFirst()
                .orElse(null);
        if (checker == null) {
            return Mono.error(new Unreadable(new AdapterError("smoke check", true,
                    "no smoke checker for platform " + platform)));
        }
        // A checker that cannot check has said nothing about the candidate: an error, not a failed smoke check.
        return read("smoke check", Mono.defer(() -> checker.check(target, track, app.smokePaths())), SMOKE_TIMEOUT);
    }
}
